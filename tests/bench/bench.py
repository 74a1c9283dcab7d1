#!/usr/bin/env python3
"""make bench: jixiao against the floor (cat, wc -l) and against the same jobs
done with gawk, plain Lua 5.4, Python's csv module and Miller, on a generated
corpus (gen.py), after checking jixiao's output against the corpus's truth.

Jobs
  (a) parse + realign + check the big table
  (b) the same over the small tables, in one process and one process per file
  (c) a Lua script summing budget and actual and recomputing rates, big table
  (d) parse --format json of the big table

Environment
  BENCH_SEED     corpus seed (default 20210)
  BENCH_SCALE    corpus size factor, for trying the script out (default 1)
  BENCH_RUNS     timed runs per command, the median is shown (default 3)
  BENCH_CAP      seconds one command may take over all its runs (default 40);
                 a slower one runs once, or on the first quarter or twentieth
                 of its input, and the table says so
  BENCH_PERFILE  files in the one-process-per-file runs (default 500)
  BENCH_JIXIAO   the binary (default ./jixiao)
"""
import csv
import hashlib
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TOOLS = os.path.join(HERE, "tools")
sys.path.insert(0, HERE)
import gen  # noqa: E402  (GEN_VERSION, the cache key)

SEED = int(os.environ.get("BENCH_SEED", "20210"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
RUNS = max(1, int(os.environ.get("BENCH_RUNS", "3")))
CAP = float(os.environ.get("BENCH_CAP", "40"))
PERFILE = int(os.environ.get("BENCH_PERFILE", "500"))
JX = os.path.abspath(os.environ.get("BENCH_JIXIAO", os.path.join(ROOT, "jixiao")))
BUILD = os.path.join(ROOT, "build", "bench")
OUT = os.path.join(BUILD, "out")
T0 = time.time()

BIG_PROJECTS = max(60, int(120000 * SCALE))
SMALL_FILES = max(40, int(20000 * SCALE))
# Slices for commands too slow to run whole within BENCH_CAP.
FRACTIONS = (1, 4, 20)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- corpus

def corpus():
    tag = "corpus-v%d-s%d" % (gen.GEN_VERSION, SEED) + ("" if SCALE == 1 else "-x%g" % SCALE)
    d = os.path.join(BUILD, tag)
    # The version is the key; the script's hash catches an edit made without
    # bumping it.
    sha = hashlib.sha256(open(gen.__file__, "rb").read()).hexdigest()[:16]
    man = os.path.join(d, "manifest.json")
    if os.path.exists(man):
        m = json.load(open(man))
        if m.get("gen_sha") == sha:
            log("corpus: %s (cached)" % d)
            return d, m
    shutil.rmtree(d, ignore_errors=True)
    # Corpora of an older generator are never read again.
    for n in os.listdir(BUILD) if os.path.isdir(BUILD) else []:
        m = re.match(r"corpus-v(\d+)-", n)
        if m and int(m.group(1)) != gen.GEN_VERSION:
            shutil.rmtree(os.path.join(BUILD, n), ignore_errors=True)
    log("corpus: generating %s ..." % d)
    subprocess.run([sys.executable, gen.__file__, "--out", d, "--seed", str(SEED),
                    "--big-projects", str(BIG_PROJECTS), "--small-files", str(SMALL_FILES)], check=True)
    m = json.load(open(man))
    m["gen_sha"] = sha
    with open(man + ".tmp", "w") as f:
        json.dump(m, f, indent=1)
    os.replace(man + ".tmp", man)
    return d, m


def load_truth(d):
    files, projects = {}, {}
    with open(os.path.join(d, "truth", "files.tsv"), encoding="utf-8") as f:
        next(f)
        for l in f:
            r = l.rstrip("\n").split("\t")
            files[r[0]] = {"projects": int(r[5]), "budget": Decimal(r[6]), "actual": Decimal(r[7]), "bytes": int(r[8])}
    with open(os.path.join(d, "truth", "projects.tsv"), encoding="utf-8") as f:
        next(f)
        for l in f:
            r = l.rstrip("\n").split("\t")
            projects[(r[0], int(r[1]))] = {
                "seq": int(r[2]), "budget": Decimal(r[3]), "actual": Decimal(r[4]),
                "pattern": int(r[7]), "dropped": r[8], "rate_error": r[9] == "1", "sum_error": r[10]}
    return files, projects


def big_slice(d, k):
    """The big table cut after its first k projects (cached beside it)."""
    if k >= BIG_PROJECTS:
        return "big.txt"
    name = "big-%d.txt" % k
    p = os.path.join(d, name)
    if not os.path.exists(p):
        keep = 11 + k
        with open(os.path.join(d, "big.txt"), "rb") as src, open(p + ".tmp", "wb") as dst:
            for i, line in enumerate(src):
                if i >= keep:
                    break
                dst.write(line.rstrip(b"\n") if i == keep - 1 else line)
        os.replace(p + ".tmp", p)
    return name


# ---------------------------------------------------------------- running

class Input:
    """What one command reads: its file operands, bytes and projects, and
    which truth rows they cover (source name -> truth file name)."""

    def __init__(self, files, nbytes, projects, label, alias=None):
        self.files, self.bytes, self.projects, self.label = files, nbytes, projects, label
        self.alias = alias or {}


def run_once(argv, cwd, env=None, stdout_path=None):
    tf = tempfile.NamedTemporaryFile(prefix="rss", delete=False)
    tf.close()
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    e = dict(os.environ)
    if env:
        e.update(env)
    if stdout_path:
        # the last run's output is written back to disk first, untimed, so no
        # command pays for another's writeback (the JSON of (d) is 670 MB)
        os.sync()
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + argv, cwd=cwd, env=e,
                       stdout=out, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if stdout_path:
        out.close()
    try:
        rss = int(open(tf.name).read().strip().splitlines()[-1]) / 1024.0
    except (ValueError, IndexError):
        rss = float("nan")
    os.unlink(tf.name)
    return wall, rss, p.returncode, p.stderr.decode("utf-8", "replace")


class Result:
    def __init__(self, job, tool, note=""):
        self.job, self.tool, self.note = job, tool, note
        self.times, self.rss = [], 0.0
        self.inp = None
        self.out = None
        self.ok = "-"      # result checked against the truth: ok, FAIL or -
        self.skipped = ""  # why there are no figures
        self.target = ""

    @property
    def median(self):
        return statistics.median(self.times) if self.times else None

    @property
    def mbps(self):
        return self.inp.bytes / 1e6 / self.median if self.times and self.median > 0 else None

    @property
    def pps(self):
        return self.inp.projects / self.median if self.times and self.median > 0 else None


def measure(job, tool, inputs, make_argv, cwd, env=None, ok_rc=(0,)):
    """Times make_argv(input) with BENCH_RUNS runs, fitting BENCH_CAP: a probe
    on the smallest slice estimates the whole; a command whose estimate does
    not fit runs once, or on a slice (inputs: fraction -> Input)."""
    r = Result(job, tool)
    outp = os.path.join(OUT, re.sub(r"[^a-z0-9]+", "-", (job + "-" + tool).lower()).strip("-") + ".out")

    def once(inp, path):
        return run_once(make_argv(inp), cwd, env, path)

    small = inputs[max(inputs)]
    full = inputs[1]
    chosen, runs, pre = full, RUNS, []
    if max(inputs) > 1:
        w, rss, rc, err = once(small, outp)
        if rc not in ok_rc:
            r.skipped = "failed (exit %d): %s" % (rc, err.strip().splitlines()[-1][:100] if err.strip() else "")
            return r
        est = w * full.bytes / max(1, small.bytes)
        if est * RUNS <= CAP:
            chosen, runs = full, RUNS
        elif est <= CAP:
            chosen, runs = full, 1
        else:
            chosen, runs = small, 1
            for fr in sorted(inputs):
                if fr != max(inputs) and est * inputs[fr].bytes / full.bytes <= CAP:
                    chosen = inputs[fr]
                    break
            if chosen is small:
                pre = [(w, rss)]
    elapsed = time.time() - T0
    if elapsed > 480 and runs > 1:
        runs = 1  # keep make bench inside its ten minutes on a busy machine
    for (w, rss) in pre:
        r.times.append(w)
        r.rss = max(r.rss, rss)
    while len(r.times) < runs:
        w, rss, rc, err = once(chosen, outp)
        if rc not in ok_rc:
            r.skipped = "failed (exit %d): %s" % (rc, err.strip().splitlines()[-1][:100] if err.strip() else "")
            return r
        r.times.append(w)
        r.rss = max(r.rss, rss)
    r.inp = chosen
    r.out = outp
    notes = []
    if len(r.times) == 1 and RUNS > 1:
        notes.append("1 run")
    if chosen is not full:
        notes.append(chosen.label)
    r.note = ", ".join(notes)
    log("  %-4s %-24s %8.2f s  %s" % (job, tool, r.median, r.note))
    return r


def summary_ok(r, expect):
    """Checks a baseline's one-line summary against the truth."""
    if r.skipped or not r.out:
        return
    got = open(r.out, encoding="utf-8", errors="replace").read().strip()
    r.ok = "ok" if got == expect(r.inp) else "FAIL"
    if r.ok == "FAIL":
        r.ok_detail = "got %r, expected %r" % (got, expect(r.inp))


# ---------------------------------------------------------------- truth scopes

def truth_rows(inp, tproj):
    """(source as jixiao names it, line) -> truth record, for inp."""
    out = {}
    wanted = {}
    for f in inp.files:
        m = re.match(r"big-(\d+)\.txt$", f)
        wanted["big.txt" if m else f] = (f, int(m.group(1)) if m else None)
    for (name, line), rec in tproj.items():
        w = wanted.get(name)
        if w is None:
            continue
        src, k = w
        if k is not None and rec["seq"] > k:
            continue
        out[(src, line)] = rec
    return out


def expect_summary(inp, tproj, with_sum=True):
    rows = truth_rows(inp, tproj).values()
    n = len(rows)
    B = sum((r["budget"] for r in rows), Decimal(0))
    A = sum((r["actual"] for r in rows), Decimal(0))
    se = sum(1 for r in rows if r["sum_error"])
    re_ = sum(1 for r in rows if r["rate_error"])
    rg = sum(1 for r in rows if r["pattern"])
    if with_sum:
        return "projects %d budget %s actual %s sum_errors %d rate_errors %d ragged %d" % (n, B, A, se, re_, rg)
    return "projects %d budget %s actual %s rate_errors %d" % (n, B, A, re_)


# ---------------------------------------------------------------- verification

class Verdict:
    def __init__(self):
        self.lines, self.failed = [], 0

    def check(self, what, ok, detail=""):
        self.lines.append("  %s %s%s" % ("ok  " if ok else "FAIL", what, (": " + detail) if detail else ""))
        if not ok:
            self.failed += 1

    def info(self, what):
        self.lines.append("       " + what)


def rate_bad(printed, computed):
    if printed is None or computed is None:
        return False
    return abs(printed - computed) > max(Decimal("0.5"), abs(computed) / 100)


def dec(s):
    s = (s or "").strip()
    if not s:
        return None
    try:
        return Decimal(s)
    except Exception:
        return None


def verify_csv(v, r, tproj, label):
    """jixiao parse --format csv: every project, exact amounts, ragged rows,
    and the planted errors found again by recomputing from the output."""
    if r is None or r.skipped or not r.out:
        return
    truth = truth_rows(r.inp, tproj)
    seen = {}
    with open(r.out, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] != "project":
                continue
            src = os.path.relpath(row["source"]) if os.path.isabs(row["source"]) else row["source"]
            seen[(src, int(row["line"]))] = row
    missing = set(truth) - set(seen)
    extra = set(seen) - set(truth)
    v.check("%s: every project read (%d of %d)" % (label, len(set(truth) & set(seen)), len(truth)),
            not missing and not extra, "%d missing, %d extra" % (len(missing), len(extra)) if missing or extra else "")
    per = {}
    for k, row in seen.items():
        p = per.setdefault(k[0], [Decimal(0), Decimal(0)])
        p[0] += dec(row["budget_total"]) or 0
        p[1] += dec(row["actual_total"]) or 0
    tper = {}
    for k, t in truth.items():
        p = tper.setdefault(k[0], [Decimal(0), Decimal(0)])
        p[0] += t["budget"]
        p[1] += t["actual"]
    bad = [f for f in tper if per.get(f) != tper[f]]
    tb = sum(x[0] for x in tper.values())
    ta = sum(x[1] for x in tper.values())
    v.check("%s: budget and actual summed per file equal the truth (%d files, %s / %s)" % (label, len(tper), tb, ta),
            not bad, "%d files differ, e.g. %s" % (len(bad), bad[:3]) if bad else "")
    got_r = {k for k, row in seen.items() if row.get("repair")}
    want_r = {k for k, t in truth.items() if t["pattern"]}
    v.check("%s: ragged rows repaired = the truth's (%d)" % (label, len(want_r)), got_r == want_r,
            "%d not repaired, %d repaired but not ragged" % (len(want_r - got_r), len(got_r - want_r)) if got_r != want_r else "")
    got_e = {k for k, row in seen.items() if rate_bad(dec(row["rate_percent"]), dec(row["rate_computed"]))}
    want_e = {k for k, t in truth.items() if t["rate_error"]}
    v.check("%s: planted rate errors, printed rate vs rate_computed (%d)" % (label, len(want_e)), got_e == want_e,
            "%d missed, %d extra" % (len(want_e - got_e), len(got_e - want_e)) if got_e != want_e else "")

    def parts_bad(row, side):
        w = dec(row[side + "_total"])
        parts = [dec(row[side + "_" + p]) or Decimal(0) for p in ("general", "fund", "other")]
        return w is not None and abs(w - sum(parts)) > Decimal("0.01")
    got_s = {k for k, row in seen.items() if parts_bad(row, "budget") or parts_bad(row, "actual")}
    want_s = {k for k, t in truth.items() if t["sum_error"]}
    v.check("%s: planted 合计 ≠ parts errors, recomputed from the CSV (%d)" % (label, len(want_s)), got_s == want_s,
            "%d missed, %d extra" % (len(want_s - got_s), len(got_s - want_s)) if got_s != want_s else "")


def verify_placement(v, cwd, files, tproj, label):
    """jixiao parse --format jsonl (untimed): for each ragged row, are the
    empty columns the ones the generator dropped, and is a wrong placement
    at least marked as a guess?"""
    argv = [JX, "parse", "--format", "jsonl"] + files
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    dec_ = json.JSONDecoder()
    src_re = re.compile(r'"source":"((?:[^"\\]|\\.)*)","line":(\d+)')
    cnt = {"certain_exact": 0, "guess_exact": 0, "guess_wrong": 0, "certain_wrong": 0, "none": 0}
    by_pattern = {}
    examples = []
    n = 0
    for raw in p.stdout:
        line = raw.decode("utf-8")
        m = src_re.search(line)
        if not m:
            continue
        key = (json.loads('"%s"' % m.group(1)), int(m.group(2)))
        t = tproj.get(key)
        if t is None or not t["pattern"]:
            continue
        n += 1
        i = line.find('"repair":')
        rep, _ = dec_.raw_decode(line, i + 9) if i >= 0 else (None, 0)
        bp = by_pattern.setdefault(t["pattern"], {"rows": 0, "exact": 0, "certain_wrong": 0})
        bp["rows"] += 1
        if not rep:
            cnt["none"] += 1
            continue
        empty = ",".join(str(e["column"]) for e in rep.get("empty", []))
        exact = empty == t["dropped"]
        status = rep.get("status")
        k = ("certain_" if status == "certain" else "guess_") + ("exact" if exact else "wrong")
        cnt[k] += 1
        bp["exact"] += exact
        if k == "certain_wrong":
            bp["certain_wrong"] += 1
            if len(examples) < 3:
                examples.append("%s:%d pattern %d dropped %s, repaired as empty %s (certain)" % (
                    key[0], key[1], t["pattern"], t["dropped"], empty))
    p.wait()
    if n == 0:
        v.check("%s: placement of ragged rows" % label, False, "no ragged rows in the jsonl output")
        return None
    pct = lambda x: 100.0 * x / n
    v.info("%s placement over %d ragged rows: exact %.1f%% (certain %.1f%%, guess %.1f%%); "
           "wrong but marked guess %.1f%%; wrong but marked certain %.1f%%; not repaired %.1f%%" % (
               label, n, pct(cnt["certain_exact"] + cnt["guess_exact"]), pct(cnt["certain_exact"]),
               pct(cnt["guess_exact"]), pct(cnt["guess_wrong"]), pct(cnt["certain_wrong"]), pct(cnt["none"])))
    for pat in sorted(by_pattern):
        b = by_pattern[pat]
        v.info("  pattern of seed row %d: %d rows, exact %.1f%%, wrong-but-certain %.1f%%" % (
            pat, b["rows"], 100.0 * b["exact"] / b["rows"], 100.0 * b["certain_wrong"] / b["rows"]))
    for e in examples:
        v.info("  e.g. " + e)
    return cnt, n, by_pattern


def verify_check(v, r, tproj, label):
    """jixiao check --format json: the planted errors and the ragged rows
    among its findings."""
    if r is None or r.skipped or not r.out:
        return
    truth = truth_rows(r.inp, tproj)
    try:
        rep = json.load(open(r.out, encoding="utf-8"))
    except ValueError as e:
        v.check("%s: report is JSON" % label, False, str(e)[:100])
        return
    got = {"rate-mismatch": set(), "sum-of-parts": set(), "repaired-row": set()}
    counts = {}
    for f in rep.get("findings", []):
        rule = f.get("rule")
        counts[rule] = counts.get(rule, 0) + 1
        src = f.get("file") or f.get("source") or ""
        src = os.path.relpath(src) if os.path.isabs(src) else src
        if rule in got and f.get("line"):
            got[rule].add((src, int(f["line"])))
    projects = sum(x.get("projects", 0) for x in rep.get("files", []))
    v.check("%s: every project checked (%d of %d)" % (label, projects, len(truth)), projects == len(truth))
    for rule, field in (("rate-mismatch", "rate_error"), ("sum-of-parts", "sum_error"), ("repaired-row", "pattern")):
        want = {k for k, t in truth.items() if t[field]}
        g = got[rule]
        v.check("%s: %s findings = planted %s (%d)" % (label, rule, field.replace("_", " "), len(want)), g == want,
                "%d missed, %d extra" % (len(want - g), len(g - want)) if g != want else "")
    v.info("%s findings by rule: %s" % (label, ", ".join("%s %d" % kv for kv in sorted(counts.items(), key=lambda x: -x[1]))))


def verify_json_totals(v, r, tproj, label):
    if r is None or r.skipped or not r.out:
        return
    with open(r.out, "rb") as f:
        f.seek(max(0, os.path.getsize(r.out) - 4096))
        tail = f.read().decode("utf-8", "replace")
    m = re.search(r'"totals":\s*\{[^}]*"projects":\s*(\d+),\s*"budget":\s*([\d.]+),\s*"actual":\s*([\d.]+)', tail)
    rows = truth_rows(r.inp, tproj).values()
    want = (len(rows), sum((t["budget"] for t in rows), Decimal(0)), sum((t["actual"] for t in rows), Decimal(0)))
    got = (int(m.group(1)), Decimal(m.group(2)), Decimal(m.group(3))) if m else None
    v.check("%s: totals in the JSON (projects, budget, actual) = truth %s" % (label, want), got == want,
            "got %s" % (got,) if got != want else "")


# ---------------------------------------------------------------- features

def features():
    seed = os.path.join(ROOT, "tests", "data", "000_657db78fa8902e38.txt")
    f = {}
    p = subprocess.run([JX, "check", "--format", "json", seed], capture_output=True)
    try:
        f["check"] = p.returncode in (0, 1) and "findings" in json.loads(p.stdout)
    except ValueError:
        f["check"] = False
    p = subprocess.run([JX, "run", os.path.join(TOOLS, "cb_probe.lua"), seed], capture_output=True)
    f["callback"] = p.returncode == 0 and p.stdout.strip() == b"rows 6"
    cmd = "check" if f["check"] else "parse"
    p = subprocess.run([JX, cmd, "-j", "2", "--format", "json" if f["check"] else "csv", seed, seed], capture_output=True)
    f["jobs"] = p.returncode in (0, 1)
    return f


def machine():
    cpu = "?"
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            cpu = l.split(":", 1)[1].strip()
            break
    mem = "?"
    for l in open("/proc/meminfo"):
        if l.startswith("MemTotal"):
            mem = "%.1f GiB" % (int(l.split()[1]) / 1024 / 1024)
    load = open("/proc/loadavg").read().split()[:3]
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "kernel": platform.release(),
            "load": " ".join(load)}


def tool_version(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except Exception:
        return None


# ---------------------------------------------------------------- main

def main():
    global JX
    os.makedirs(OUT, exist_ok=True)
    # The binary is copied first: a rebuild in the work tree during the run
    # would otherwise change, or for a moment remove, what is being measured.
    copy = os.path.join(BUILD, "bin", "jixiao")
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    for _ in range(12):
        try:
            shutil.copy2(JX, copy + ".tmp")
            if subprocess.run([copy + ".tmp", "version"], capture_output=True).returncode == 0:
                os.replace(copy + ".tmp", copy)
                JX = copy
                break
        except OSError:
            pass
        time.sleep(5)  # caught mid-link: try again
    d, man = corpus()
    tfiles, tproj = load_truth(d)
    have = {t: shutil.which(t) is not None for t in ("gawk", "lua5.4", "mlr")}
    if not os.access(JX, os.X_OK):
        log("bench: %s not built (make all)" % JX)
        return 2
    feat = features()
    mach = machine()
    log("machine: %d cores, %s, %s RAM, load %s" % (mach["nproc"], mach["cpu"], mach["ram"], mach["load"]))
    log("jixiao: check %s, callback mode %s, -j %s" % tuple(
        "yes" if feat[k] else "no" for k in ("check", "callback", "jobs")))

    # Inputs, whole and sliced.
    big = {}
    for fr in FRACTIONS:
        k = BIG_PROJECTS // fr
        name = big_slice(d, k)
        big[fr] = Input([name], os.path.getsize(os.path.join(d, name)), k,
                        "first %d of %d projects" % (k, BIG_PROJECTS) if fr > 1 else "all")
    small_all = sorted(f for f in tfiles if f.startswith("small/"))
    small = {}
    for fr in FRACTIONS:
        fl = small_all[: len(small_all) // fr]
        small[fr] = Input(fl, sum(tfiles[f]["bytes"] for f in fl), sum(tfiles[f]["projects"] for f in fl),
                          "first %d of %d files" % (len(fl), len(small_all)) if fr > 1 else "all")
    step = max(1, len(small_all) // max(1, PERFILE))
    pf = small_all[::step][:PERFILE]
    perfile = {}
    for fr in FRACTIONS:
        fl = pf[: max(1, len(pf) // fr)]
        lst = os.path.join(OUT, "perfile-%d.lst" % len(fl))
        with open(lst, "w") as f:
            f.write("\n".join(fl) + "\n")
        inp = Input(fl, sum(tfiles[f]["bytes"] for f in fl), sum(tfiles[f]["projects"] for f in fl),
                    "%d of the %d files" % (len(fl), len(pf)) if fr > 1 else "all")
        inp.lst = lst
        perfile[fr] = inp
    results = []
    C = {"LC_ALL": "C"}
    mlr_in = ["mlr", "--itsv", "--implicit-tsv-header", "--allow-ragged-csv-input"]
    jx_a = "check" if feat["check"] else "parse"
    jx_a_argv = (lambda i: [JX, "check", "--format", "json"] + i.files) if feat["check"] else \
                (lambda i: [JX, "parse", "--format", "csv"] + i.files)
    jx_a_label = "jixiao check" if feat["check"] else "jixiao parse csv"

    def baselines(job, inputs, summary):
        rs = [measure(job, "cat", inputs, lambda i: ["cat"] + i.files, d),
              measure(job, "wc -l", inputs, lambda i: ["wc", "-l"] + i.files, d)]
        if have["gawk"]:
            rs.append(measure(job, "gawk", inputs, lambda i: ["gawk", "-f", os.path.join(TOOLS, "check.awk")] + i.files, d, C))
        if have["lua5.4"]:
            rs.append(measure(job, "lua5.4", inputs, lambda i: ["lua5.4", os.path.join(TOOLS, "check.lua")] + i.files, d))
        rs.append(measure(job, "python3 csv", inputs, lambda i: [sys.executable, os.path.join(TOOLS, "check.py")] + i.files, d))
        if have["mlr"]:
            rs.append(measure(job, "mlr", inputs, lambda i: mlr_in + ["put", "-q", "-f", os.path.join(TOOLS, "check.mlr")] + i.files, d))
        for r in rs[2:]:
            summary_ok(r, lambda inp: expect_summary(inp, tproj))
        return rs

    log("timing (a) big table ...")
    A = baselines("(a)", big, True)
    a_parse = measure("(a)", "jixiao parse csv", big, lambda i: [JX, "parse", "--format", "csv"] + i.files, d)
    a_check = measure("(a)", "jixiao check", big, jx_a_argv, d, ok_rc=(0, 1)) if feat["check"] else None
    A += [a_parse] + ([a_check] if a_check else [])

    log("timing (b) small tables ...")
    B = baselines("(b)", small, True)
    b_parse = measure("(b)", "jixiao parse csv", small, lambda i: [JX, "parse", "--format", "csv"] + i.files, d)
    b_check = measure("(b)", "jixiao check", small, jx_a_argv, d, ok_rc=(0, 1)) if feat["check"] else None
    B += [b_parse] + ([b_check] if b_check else [])
    b_main = b_check or b_parse
    b_j2 = None
    if feat["jobs"]:
        b_j2 = measure("(b)", jx_a_label + " -j 2", small,
                       lambda i: jx_a_argv(i)[:2] + ["-j", "2"] + jx_a_argv(i)[2:], d, ok_rc=(0, 1))
        B.append(b_j2)
    else:
        nr = Result("(b)", jx_a_label + " -j 2")
        nr.skipped = "not available (no -j option)"
        B.append(nr)
    pf_cat = measure("(b/file)", "cat", perfile, lambda i: ["xargs", "-n1", "-a", i.lst, "cat"], d)
    pf_jx = measure("(b/file)", jx_a_label, perfile,
                    lambda i: ["xargs", "-n1", "-a", i.lst] + jx_a_argv(Input([], 0, 0, "")), d, ok_rc=(0, 1, 123))
    B += [pf_cat, pf_jx]
    if feat["check"]:
        # Separates the cost of a process that reads a table from that of
        # setting up the checker's Lua state.
        B.append(measure("(b/file)", "jixiao parse csv", perfile,
                         lambda i: ["xargs", "-n1", "-a", i.lst, JX, "parse", "--format", "csv"], d))

    log("timing (c) Lua script ...")
    Cj = []
    if have["lua5.4"]:
        c_lua = measure("(c)", "lua5.4", big, lambda i: ["lua5.4", os.path.join(TOOLS, "sumrates.lua")] + i.files, d)
        summary_ok(c_lua, lambda inp: expect_summary(inp, tproj, with_sum=False))
        Cj.append(c_lua)
    else:
        c_lua = None
    if feat["callback"]:
        c_jx = measure("(c)", "jixiao run (callbacks)", big,
                       lambda i: [JX, "run", os.path.join(TOOLS, "cb_sumrates.lua")] + i.files, d)
        summary_ok(c_jx, lambda inp: expect_summary(inp, tproj, with_sum=False))
    else:
        c_jx = Result("(c)", "jixiao run (callbacks)")
        c_jx.skipped = "not available yet (jixiao run does not stream into project(p, doc))"
    Cj.append(c_jx)

    log("timing (d) JSON ...")
    D = [measure("(d)", "cat", big, lambda i: ["cat"] + i.files, d)]
    if have["gawk"]:
        D.append(measure("(d)", "gawk", big, lambda i: ["gawk", "-v", "json=1", "-f", os.path.join(TOOLS, "check.awk")] + i.files, d, C))
    if have["lua5.4"]:
        D.append(measure("(d)", "lua5.4", big, lambda i: ["lua5.4", os.path.join(TOOLS, "check.lua"), "--json"] + i.files, d))
    D.append(measure("(d)", "python3 csv", big, lambda i: [sys.executable, os.path.join(TOOLS, "check.py"), "--json"] + i.files, d))
    if have["mlr"]:
        D.append(measure("(d)", "mlr", big, lambda i: mlr_in + ["--ojson", "filter", 'string($1) =~ "^[0-9]+$"'] + i.files, d))
    d_jx = measure("(d)", "jixiao parse json", big, lambda i: [JX, "parse", "--format", "json"] + i.files, d)
    D.append(d_jx)

    # ------------------------------------------------------------ verify
    log("verifying jixiao's output against the truth ...")
    v = Verdict()
    verify_csv(v, a_parse, tproj, "(a) parse csv, big")
    verify_csv(v, b_parse, tproj, "(b) parse csv, small")
    if a_check:
        verify_check(v, a_check, tproj, "(a) check, big")
    if b_check:
        verify_check(v, b_check, tproj, "(b) check, small")
    if b_j2 and not b_j2.skipped and b_j2.out:
        verify_check(v, b_j2, tproj, "(b) check -j 2, small")
        if b_check and b_check.out and b_check.inp is b_j2.inp:
            same = open(b_check.out, "rb").read() == open(b_j2.out, "rb").read()
            v.check("(b) check -j 2: report byte for byte that of one process", same)
    place_big = verify_placement(v, d, ["big.txt"], tproj, "big table")
    place_small = verify_placement(v, d, small_all, tproj, "small tables")
    if feat["callback"] and not c_jx.skipped:
        v.check("(c) callback sums and rates = truth", c_jx.ok == "ok", getattr(c_jx, "ok_detail", ""))
    verify_json_totals(v, d_jx, tproj, "(d) parse json")
    for r in A + B + Cj + D:
        if r.ok == "FAIL" and r.tool.startswith(("gawk", "lua", "python", "mlr")):
            v.info("baseline %s %s does not match the truth: %s" % (r.job, r.tool, getattr(r, "ok_detail", "")))
    for r in (a_parse, b_parse, a_check, b_check, d_jx):
        if r is not None and not r.skipped:
            r.ok = "ok"
    if v.failed:
        for r in (a_parse, b_parse, a_check, b_check, d_jx):
            if r is not None and not r.skipped:
                r.ok = "see above"

    # ------------------------------------------------------------ targets
    def get(rs, tool):
        for r in rs:
            if r.tool == tool and r.times:
                return r
        return None

    def ratio_time(r, base):
        """How many times longer r takes than base over the same bytes."""
        if not r or not base or not r.mbps or not base.mbps:
            return None
        return base.mbps / r.mbps

    def mark(ok):
        return "met" if ok else "MISSED"

    a_main = a_check or a_parse
    if a_main and a_main.times:
        wc = get(A, "wc -l")
        x = ratio_time(a_main, wc)
        a_main.target = "≥1000 MB/s: %s; ≤10× wc -l: %.0f× %s; RSS <64 MB: %s" % (
            mark(a_main.mbps >= 1000), x or 0, mark(x is not None and x <= 10), mark(a_main.rss < 64))
    if b_main and b_main.times:
        x = ratio_time(b_main, get(B, "cat"))
        b_main.target = "≤1.5× cat: %.1f× %s" % (x or 0, mark(x is not None and x <= 1.5))
    if b_j2 and b_j2.times and b_main.times:
        s = b_j2.mbps / b_main.mbps
        b_j2.target = "≥1.7× one process: %.2f× %s" % (s, mark(s >= 1.7))
    if pf_jx.times and pf_cat.times:
        x = pf_jx.median / pf_cat.median
        pf_jx.target = "≤1.3× cat per file: %.1f× %s" % (x, mark(x <= 1.3))
    if c_jx.times:
        x = c_jx.mbps / c_lua.mbps if c_lua and c_lua.times else None
        c_jx.target = "≥5× lua5.4: %s; ≥1,000,000 projects/s: %s" % (
            ("%.2f× %s" % (x, mark(x >= 5))) if x else "n/a", mark(c_jx.pps >= 1e6))
    if d_jx.times:
        d_jx.target = "≥400 MB/s: %s" % mark(d_jx.mbps >= 400)

    # ------------------------------------------------------------ report
    rep = io.StringIO()
    w = rep.write
    w("jixiao benchmark, %s\n" % time.strftime("%Y-%m-%d %H:%M"))
    w("machine: %d cores, %s, %s RAM, Linux %s, load average at start %s\n" % (
        mach["nproc"], mach["cpu"], mach["ram"], mach["kernel"], mach["load"]))
    w("corpus: %s (gen.py v%d, seed %d): big table %.0f MB, %d projects; %d small tables %.0f MB, %d projects "
      "(%d GB18030, %d BOM, %d CRLF, %d with a final newline)\n" % (
          os.path.relpath(d, ROOT), gen.GEN_VERSION, SEED, man["big"]["bytes"] / 1e6, man["big"]["projects"],
          man["small"]["files"], man["small"]["bytes"] / 1e6, man["small"]["projects"], man["small"]["gb18030"],
          man["small"]["bom"], man["small"]["crlf"], man["small"]["final_newline"]))
    vers = [x for x in (tool_version(["gawk", "--version"]), tool_version(["lua5.4", "-v"]),
                        tool_version([sys.executable, "--version"]), tool_version(["mlr", "--version"]),
                        tool_version([JX, "version"])) if x]
    w("tools: %s\n" % "; ".join(vers))
    w("jixiao: check %s, callback mode of run %s, -j %s\n" % tuple(
        "available" if feat[k] else "not available" for k in ("check", "callback", "jobs")))
    if not feat["check"]:
        w("job (a)/(b) use `jixiao parse --format csv` (parse + realign, no checks): `jixiao check` is not available yet\n")
    w("\ncorrectness (jixiao's output against the generator's truth):\n")
    w("\n".join(v.lines) + "\n")
    w("  => %s\n" % ("all checks passed" if not v.failed else "%d check(s) FAILED" % v.failed))
    w("\nmedian of %d runs (fewer where noted) of wall time; MB = 10^6 bytes; peak RSS from /usr/bin/time %%M\n" % RUNS)
    hdr = "%-9s %-26s %9s %9s %12s %8s  %-5s  %s" % ("job", "tool", "median s", "MB/s", "projects/s", "RSS MB", "check", "vs target / note")
    w(hdr + "\n" + "-" * len(hdr) + "\n")
    titles = {"(a)": "(a) parse + realign + check, big table", "(b)": "(b) the same over the small tables, one process",
              "(b/file)": "(b) one process per file", "(c)": "(c) Lua script: sum budget/actual, recompute rates, big table",
              "(d)": "(d) parse --format json, big table"}
    last = None
    for r in A + B + Cj + D:
        if r.job != last:
            w("%s\n" % titles[r.job])
            last = r.job
        if r.skipped:
            w("%-9s %-26s %s\n" % ("", r.tool, r.skipped))
            continue
        note = "; ".join(x for x in (r.target, r.note) if x)
        w("%-9s %-26s %9.3f %9.1f %12s %8.1f  %-5s  %s\n" % (
            "", r.tool, r.median, r.mbps, "{:,.0f}".format(r.pps), r.rss, r.ok, note))
    per_ms = lambda r: 1000 * r.median / len(r.inp.files)
    w("\n(b/file): xargs -n1 over %d of the small files%s; process creation on this machine is slow. Per file: %s\n" % (
        len(pf), " (every %dth)" % step if step > 1 else "",
        ", ".join("%s %.2f ms" % (r.tool, per_ms(r)) for r in B if r.job == "(b/file)" and r.times)))
    w("bench took %.0f s; load average at the end %s\n" % (time.time() - T0, " ".join(open("/proc/loadavg").read().split()[:3])))
    text = rep.getvalue()
    print(text, end="")
    with open(os.path.join(BUILD, "latest.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(BUILD, "latest.json"), "w", encoding="utf-8") as f:
        json.dump({"machine": mach, "features": feat, "verify_failed": v.failed,
                   "placement": {"big": place_big, "small": place_small},
                   "rows": [{"job": r.job, "tool": r.tool, "median": r.median, "runs": len(r.times),
                             "mbps": r.mbps, "pps": r.pps, "rss_mb": r.rss, "note": r.note, "target": r.target,
                             "skipped": r.skipped, "input": r.inp.label if r.inp else None}
                            for r in A + B + Cj + D]}, f, indent=1, default=str)
    # Outputs are kept only for the last run's inspection; the big ones go.
    for n in os.listdir(OUT):
        p = os.path.join(OUT, n)
        if n.endswith(".out") and os.path.getsize(p) > 50 << 20:
            os.unlink(p)
    return 1 if v.failed else 0


if __name__ == "__main__":
    sys.exit(main())
