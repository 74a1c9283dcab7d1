#!/usr/bin/env python3
"""Prints how jixiao's parse time and memory grow with the shapes the limits
guard: columns, rows, one huge cell, long header, blank lines, and ragged
rows in wide layouts (the realigner's k x m search). Figures only, never an
assertion: time per megabyte staying flat as a shape grows tenfold is what
"linear" means here.

    python3 tests/bad/scaling.py [./jixiao]
"""
import os
import subprocess
import sys
import tempfile

JX = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./jixiao")
SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "000_657db78fa8902e38.txt")
LINES = open(SEED, encoding="utf-8").read().split("\n")
PRE, HDR, DATA = LINES[:8], LINES[8:11], [l for l in LINES[11:] if l]
MEASURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "measure.py")
LIMITS = ["--max-cols", "20000", "--max-cell", "400000000", "--max-record", "400000000"]


def run(path, *opts):
    """Seconds and peak MiB of one `jixiao parse --format csv`, output discarded
    (measured by measure.py in its own process, so each peak is this run's)."""
    p = subprocess.run([sys.executable, MEASURE, JX, "parse", "--format", "csv"] + LIMITS + list(opts) + [path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    fig = dict(kv.split("=") for kv in p.stderr.strip().splitlines()[-1].split())
    return int(fig["exit"]), float(fig["seconds"]), float(fig["rss_mb"])


def report(label, path, *opts):
    size = os.path.getsize(path)
    rc, secs, mib = run(path, *opts)
    print("%-44s %9.1f MB %8.2f s %9.1f MB/s %7.0f MiB  exit %d"
          % (label, size / 1e6, secs, size / 1e6 / max(secs, 1e-3), mib, rc))
    sys.stdout.flush()


def wide(path, ncols, nrows):
    head = ["序号", "项目名称", "项目年度预算金额"] + ["列%d" % k for k in range(4, ncols + 1)]
    row = ["1", "项目", "3.07"] + ["x"] * (ncols - 3)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(head) + "\n")
        line = "\t".join(row) + "\n"
        for _ in range(nrows):
            f.write(line)


def rows(path, mb):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(PRE + HDR) + "\n")
        block = "\n".join(DATA) + "\n"
        for _ in range(int(mb * 1e6 / len(block.encode()))):
            f.write(block)


def cell(path, mb):
    with open(path, "wb") as f:
        f.write(("\n".join(PRE + HDR) + "\n").encode())
        cells = DATA[0].split("\t")
        f.write("\t".join(cells[:12]).encode() + b"\t")
        chunk = "目标".encode() * 10000
        for _ in range(int(mb * 1e6 / len(chunk))):
            f.write(chunk)
        f.write(b"\t" + "\t".join(cells[13:]).encode() + b"\n")


def ragged(path, ncols, mb):
    """A layout of ncols indicator columns; every row lost 24 of its cells,
    so each is realigned (a k x m search per row)."""
    h1 = ["序号", "项目名称", "项目年度预算金额"] + ["产出指标"] * (ncols - 3)
    h2 = ["", "", ""] + ["年度指标内容" if k % 2 == 0 else "完成情况" for k in range(ncols - 3)]
    row = "\t".join(["1", "项目", "3.07"] + ["完成"] * (ncols - 27)) + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(h1) + "\n" + "\t".join(h2) + "\n")
        for _ in range(max(1, int(mb * 1e6 / len(row.encode())))):
            f.write(row)


def header(path, depth, ncols):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(["序号", "项目名称", "项目年度预算金额"] + ["组%d" % (k // 8) for k in range(ncols - 3)]) + "\n")
        for d in range(1, depth):
            f.write("\t".join(["", "", ""] + ["层%d-%d" % (d, k) for k in range(ncols - 3)]) + "\n")
        f.write("\t".join(["1", "项目", "3.07"] + ["x"] * (ncols - 3)) + "\n")


def blank(path, n):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(PRE + HDR + DATA[:1]) + "\n")
        f.write("\n" * n)
        f.write(DATA[1] + "\n")


def main():
    d = tempfile.mkdtemp(prefix="jixiao-scaling.")
    p = os.path.join(d, "t.txt")
    print("jixiao parse --format csv, output discarded; %s" % JX)
    for ncols, nrows in ((1000, 2000), (10000, 200)):
        wide(p, ncols, nrows)
        report("%d columns x %d rows" % (ncols, nrows), p)
    for ncols in (1000, 10000):
        wide(p, ncols, 200)
        report("%d columns x 200 rows" % ncols, p)
    for mb in (10, 100):
        rows(p, mb)
        report("seed rows, %d MB" % mb, p)
    for mb in (1, 10, 100):
        cell(p, mb)
        report("one cell of %d MB" % mb, p)
    for depth, ncols in ((8, 4096), (32, 4096)):
        header(p, depth, ncols)
        report("header %d rows x %d columns" % (depth, ncols), p, "--max-header-rows", str(depth))
    blank(p, 10 ** 6)
    report("1,000,000 blank lines between rows", p)
    for ncols in (32, 128, 512, 1024, 1100):
        ragged(p, ncols, 2)
        report("ragged rows, %d-column layout, 2 MB" % ncols, p)
    ragged(p, 1024, 8)
    report("ragged rows, 1024-column layout, 8 MB", p)
    os.unlink(p)
    os.rmdir(d)


main()
