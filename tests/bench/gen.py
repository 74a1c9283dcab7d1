#!/usr/bin/env python3
"""Benchmark corpus: tables in the seed's layout (tests/data/000_657db78fa8902e38.txt),
their cells recombined from the seed's own texts, with the seed's ragged-row
patterns, planted rate and sum errors and the usual export variations
(GB18030, BOM, CRLF, no final newline). Writes the truth beside the tables so
the benchmark can tell whether the fast path is also the correct one.

    python3 gen.py --out DIR [--seed N] [--big-projects N] [--small-files N]

Same seed, same options, same version: byte-identical output. DIR gets
    big.txt              one table, utf-8, LF, no final newline
    small/NNNNN.txt      6-project tables with the file-level variations
    truth/files.tsv      per file: encoding, bom, crlf, final newline, projects, sums
    truth/projects.tsv   per project: line, amounts, rates, ragged pattern, planted errors
    manifest.json        parameters and counts; written last, so its presence
                         means the corpus is complete
"""
import argparse
import json
import math
import os
import random
import re
import sys
import time

# Bump when the output changes for the same seed: the cache key is version+seed.
GEN_VERSION = 2

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_TABLE = os.path.join(HERE, "..", "data", "000_657db78fa8902e38.txt")

# 1-based columns of the layout (the seed's 30 columns).
NCOLS = 30
PAIRS = [(13, 14), (15, 16), (17, 18), (19, 20), (21, 22), (23, 24), (25, 26), (27, 28), (29, 30)]

# The seed's ragged patterns: which columns a row of that pattern loses.
#   4: one of the 质量/时效 cells (17-20)
#   5: the 生态效益 pair (25, 26)
#   6: one cell of the 效益 block (21-26) and the satisfaction result (28)
PATTERNS = (4, 5, 6)


def load_seed():
    text = open(SEED_TABLE, encoding="utf-8").read()
    lines = text.split("\n")
    pre, hdr, data = lines[:8], lines[8:11], lines[11:]
    rows = []
    for l in data:
        r = l.split("\t")
        rows.append((r + [""] * NCOLS)[:NCOLS])
    # Rows 4-6 put back as their cells show them (the uncertain gaps at
    # the reader's best guess), so every column's pool holds text that
    # belongs to that column.
    r = rows[3]
    rows[3] = (r[:18] + [""] + r[18:29])[:NCOLS]
    r = rows[4]
    rows[4] = (r[:24] + ["", ""] + r[24:28])[:NCOLS]
    r = rows[5]
    rows[5] = (r[:25] + [""] + [r[25]] + [""] + r[26:28])[:NCOLS]
    return pre, hdr, rows


# A text cell as a template: clauses (each keeping its separator) made of
# literal strings and number slots. Filling the slots afresh and now and then
# leaving out a clause makes nearly every cell distinct, as in real tables,
# so per-text caches in a reader get no more help than they would there; the
# seed's 92 distinct texts alone would make text rules look nearly free.
# List numbering ("1." at the start or after a space) is matched first so
# that "2.2020年" reads as item 2 and a year, not as the number 2.2020.
NUM = re.compile(r"(?P<enum>(?:^|(?<= ))[1-9]\.)|(?P<num>\d+(?:\.\d+)?)")
CLAUSE = re.compile(r"(?<=, )|(?<=; )|(?<=，)|(?<=；)")


def template(text):
    clauses = []
    for cl in CLAUSE.split(text):
        segs, pos = [], 0
        for m in NUM.finditer(cl):
            num = m.group("num")
            if num is None or (len(num) == 4 and num[:2] in ("19", "20")):
                continue  # list numbering and years stay as written
            a, b = m.span()
            nxt = cl[b:b + 1]
            if nxt == "月" or cl[b:b + 2] == "个月":
                kind = ("range", 1, 12)
            elif nxt == "日":
                kind = ("range", 1, 28)
            elif nxt in ("%", "％") and float(num) <= 100:
                kind = ("range", 50, 100)
            elif "." in num:
                i, f = num.split(".")
                kind = ("dec", len(i), len(f))
            else:
                kind = ("int", len(num))
            segs.append(cl[pos:a])
            segs.append(kind)
            pos = b
        segs.append(cl[pos:])
        clauses.append(segs)
    return clauses


def fill(tpl, rng):
    cls = tpl
    if len(tpl) >= 3 and rng.random() < 0.4:
        k = rng.randrange(1, len(tpl) - 1)
        cls = tpl[:k] + tpl[k + 1:]
    out = []
    for segs in cls:
        for s in segs:
            if s.__class__ is str:
                out.append(s)
            elif s[0] == "range":
                out.append(str(rng.randint(s[1], s[2])))
            elif s[0] == "int":
                n = s[1]
                out.append(str(rng.randrange(10 ** (n - 1) if n > 1 else 0, 10 ** n)))
            else:
                n = s[1]
                out.append("%d.%0*d" % (rng.randrange(10 ** (n - 1) if n > 1 else 0, 10 ** n), s[2],
                                        rng.randrange(0, 10 ** s[2])))
    return "".join(out)


def pools(rows):
    """Text pairs per (target, result) column pair, from the seed rows that
    fill both; a pair is drawn whole so a result answers its own target."""
    out = {}
    for a, b in PAIRS:
        out[(a, b)] = [(template(r[a - 1]), template(r[b - 1])) for r in rows if r[a - 1] and r[b - 1]]
    names = [r[2] for r in rows]
    depts = sorted({r[1] for r in rows})
    return out, names, depts


def money(c):
    return "%d.%02d" % divmod(c, 100)


def rate_hundredths(actual, budget):
    """actual/budget in hundredths of a percent, half up, exact."""
    return (actual * 20000 + budget) // (2 * budget)


def split_parts(total, kind, rng):
    if kind == 0:
        return total, 0, 0
    part = rng.randint(1, max(1, total - 1)) if total > 1 else 0
    if kind == 1:
        return total - part, part, 0
    return total - part, 0, part


class Gen:
    def __init__(self, seed, ragged, rate_err, sum_err):
        self.rng = random.Random(seed)
        self.pre, self.hdr, rows = load_seed()
        self.pools, self.names, self.depts = pools(rows)
        self.ragged = ragged
        self.rate_err = rate_err
        self.sum_err = sum_err
        self.head = "\n".join(self.pre + self.hdr)

    def project(self, seq):
        """One data row and its truth record."""
        rng = self.rng
        # Budgets spread over two orders of magnitude like the seed's
        # (3.07 … 155.96 万元), in cents so every sum stays exact.
        budget = int(math.exp(rng.uniform(math.log(100), math.log(60000))))
        u = rng.random()
        if u < 0.35:
            actual = budget
        else:
            actual = int(budget * rng.uniform(0.6, 1.0))
        kind = 0 if rng.random() < 0.8 else rng.choice((1, 2))
        bparts = list(split_parts(budget, kind, rng))
        aparts = list(split_parts(actual, kind, rng))
        rate = rate_hundredths(actual, budget)
        printed = rate
        rate_error = 0
        if rng.random() < self.rate_err:
            # Well past the checker's tolerance, max(0.5 pp, 1% of the rate).
            delta = rng.randint(300, 3000)
            printed = rate + delta if (rate < 5000 or rng.random() < 0.5) else rate - delta
            rate_error = 1
        sum_error = ""
        if rng.random() < self.sum_err:
            which = rng.choice(("budget", "actual"))
            parts = bparts if which == "budget" else aparts
            delta = rng.randint(5, 500)
            if parts[0] > delta and rng.random() < 0.5:
                parts[0] -= delta
            else:
                parts[0] += delta
            sum_error = which
        cells = [str(seq), rng.choice(self.depts), rng.choice(self.names),
                 money(budget), money(bparts[0]), money(bparts[1]), money(bparts[2]),
                 money(actual), money(aparts[0]), money(aparts[1]), money(aparts[2]),
                 "%d.%02d%%" % divmod(printed, 100)]
        for p in PAIRS:
            t, r = rng.choice(self.pools[p])
            cells.append(fill(t, rng))
            cells.append(fill(r, rng))
        pattern = 0
        drop = ()
        v = rng.random()
        if v < self.ragged:
            pattern = PATTERNS[int(v / self.ragged * 3)]
            if pattern == 4:
                drop = (rng.randint(17, 20),)
            elif pattern == 5:
                drop = (25, 26)
            else:
                drop = (rng.randint(21, 26), 28)
            kept = [c for i, c in enumerate(cells, 1) if i not in drop]
            # The export keeps the row's width: the lost cells reappear as
            # empty cells at the end.
            cells = kept + [""] * len(drop)
        truth = (budget, actual, printed, rate, pattern, drop, rate_error, sum_error)
        return "\t".join(cells), truth


def encode(text, enc, bom, crlf, final_nl):
    if final_nl:
        text += "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(enc)
    return (b"\xef\xbb\xbf" + data) if bom else data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20210)
    ap.add_argument("--big-projects", type=int, default=120000)
    ap.add_argument("--small-files", type=int, default=20000)
    ap.add_argument("--small-projects", type=int, default=6)
    ap.add_argument("--ragged", type=float, default=0.15, help="share of ragged rows, split evenly over the 3 patterns")
    ap.add_argument("--rate-errors", type=float, default=0.02)
    ap.add_argument("--sum-errors", type=float, default=0.02)
    a = ap.parse_args()
    t0 = time.time()
    out = a.out
    os.makedirs(os.path.join(out, "small"), exist_ok=True)
    os.makedirs(os.path.join(out, "truth"), exist_ok=True)
    manifest = os.path.join(out, "manifest.json")
    if os.path.exists(manifest):
        os.remove(manifest)
    g = Gen(a.seed, a.ragged, a.rate_errors, a.sum_errors)
    ftruth = open(os.path.join(out, "truth", "files.tsv"), "w", encoding="utf-8")
    ptruth = open(os.path.join(out, "truth", "projects.tsv"), "w", encoding="utf-8")
    ftruth.write("file\tencoding\tbom\tcrlf\tfinal_newline\tprojects\tbudget_sum\tactual_sum\tbytes\n")
    ptruth.write("file\tline\tseq\tbudget\tactual\trate_printed\trate_computed\tpattern\tdropped\trate_error\tsum_error\n")
    first_line = len(g.pre) + len(g.hdr) + 1

    def emit(name, n, enc, bom, crlf, final_nl, fh=None):
        rows, recs = [], []
        bsum = asum = 0
        for k in range(n):
            row, t = g.project(k + 1)
            rows.append(row)
            budget, actual, printed, rate, pattern, drop, rerr, serr = t
            bsum += budget
            asum += actual
            recs.append("%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\n" % (
                name, first_line + k, k + 1, money(budget), money(actual), money(printed), money(rate),
                pattern, ",".join(map(str, drop)), rerr, serr))
            if fh is not None and len(rows) >= 4096:
                # The big table is written in slices to keep memory flat.
                fh.write(("\n".join(rows) + "\n").encode(enc))
                rows = []
        ptruth.write("".join(recs))
        if fh is None:
            data = encode(g.head + "\n" + "\n".join(rows), enc, bom, crlf, final_nl)
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
            size = len(data)
        else:
            fh.write("\n".join(rows).encode(enc))
            size = fh.tell()
        ftruth.write("%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%d\n" % (
            name, "utf-8-bom" if bom else enc, bom, crlf, final_nl, n,
            money(bsum), money(asum), size))
        return size

    # The big table: the seed's own form (utf-8, LF, no final newline).
    with open(os.path.join(out, "big.txt"), "wb") as fh:
        fh.write((g.head + "\n").encode("utf-8"))
        big_bytes = emit("big.txt", a.big_projects, "utf-8", 0, 0, 0, fh)
    small_bytes = 0
    counts = {"gb18030": 0, "bom": 0, "crlf": 0, "final_newline": 0}
    r = g.rng
    for i in range(a.small_files):
        u = r.random()
        enc, bom = ("gb18030", 0) if u < 0.05 else ("utf-8", 1) if u < 0.10 else ("utf-8", 0)
        crlf = 1 if r.random() < 0.10 else 0
        final_nl = 1 if r.random() < 0.20 else 0
        counts["gb18030"] += enc == "gb18030"
        counts["bom"] += bom
        counts["crlf"] += crlf
        counts["final_newline"] += final_nl
        small_bytes += emit("small/%05d.txt" % i, a.small_projects, enc, bom, crlf, final_nl)
    ftruth.close()
    ptruth.close()
    info = {
        "version": GEN_VERSION, "seed": a.seed,
        "big": {"file": "big.txt", "projects": a.big_projects, "bytes": big_bytes},
        "small": {"dir": "small", "files": a.small_files, "projects": a.small_files * a.small_projects,
                  "bytes": small_bytes, **counts},
        "ragged": a.ragged, "rate_errors": a.rate_errors, "sum_errors": a.sum_errors,
        "seconds": round(time.time() - t0, 1),
    }
    with open(manifest + ".tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.replace(manifest + ".tmp", manifest)
    print("corpus: %s — big %.0f MB (%d projects), %d small files %.0f MB, %.1f s" % (
        out, big_bytes / 1e6, a.big_projects, a.small_files, small_bytes / 1e6, time.time() - t0),
        file=sys.stderr)


if __name__ == "__main__":
    main()
