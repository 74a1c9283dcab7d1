#!/usr/bin/env python3
"""Derives from the seed table (tests/data/000_657db78fa8902e38.txt) a
directory of self-evaluation tables for 2019-2022 and three departments, the
input of scripts/yearly.lua (tests/cli/yearly.sh generates it at test time).

    python3 make.py OUTDIR          # OUTDIR/2019/*.txt ... OUTDIR/2022/*.txt, plus one
                                    # table at the top with the year only in its title
    python3 make.py --flat OUTDIR   # the same tables, all in OUTDIR, named t01.txt ...

Deterministic, standard library only. Each table is the seed with its title
year, 部门名称 and 部门名称 column changed, every "20xx" in the texts shifted
by the same number of years, and its amounts scaled (budget and spending by
their own factor, so budgets grow and execution rates move); rates are
printed as recomputed. What each department shows (figures in 万元):

  区工商联   budget 90/95/100/104 % of the seed, rates about 92.9 %; a planted
             sum-of-parts error (row 1) in 2020 and 2021: a recurring error.
  区科技创新局 budget +38 % in 2021 (above a 20 % limit), rate 82 % in 2022
             (below 90 %); 2022 has 5 projects (row 2 dropped); a planted
             rate-mismatch error (row 1) in 2019 and 2021: not consecutive.
  区文广旅体局 steady, rates above 90 %; 2020 written in GB18030; in 2021 the
             out-of-year date of row 2 is corrected, so date-outside-year
             recurs only in 2019-2020; 2022 has a second, supplementary
             table in 元 (two projects) at the top of OUTDIR.
"""
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "000_657db78fa8902e38.txt")
lines = open(SEED, "rb").read().decode("utf-8").split("\n")
PRE, HDR, DATA = lines[:8], lines[8:11], lines[11:]
ROWS = [l.split("\t") for l in DATA]

# key, file stem, short name (title and 部门名称 column), full name (preamble)
DEPTS = [
    ("gsl", "gongshanglian", "区工商联", "深圳市龙岗区工商业联合会"),
    ("kj", "kejiju", "区科技创新局", "深圳市龙岗区科技创新局"),
    ("wg", "wenguanglvti", "区文广旅体局", "深圳市龙岗区文化广电旅游体育局"),
]
# (budget %, spending %) of the seed's amounts, per department and year
FACTORS = {
    "gsl": {2019: (90, 90), 2020: (95, 95), 2021: (100, 100), 2022: (104, 103)},
    "kj": {2019: (200, 195), 2020: (210, 206), 2021: (290, 285), 2022: (300, 265)},
    "wg": {2019: (150, 148), 2020: (155, 153), 2021: (160, 158), 2022: (158, 157)},
}


def cents(s):
    whole, frac = s.replace(",", "").split(".")
    return int(whole) * 100 + int(frac)


def money(c, yuan=False):
    if yuan:
        c *= 10000
        return "{:,}.{:02d}".format(c // 100, c % 100)
    return "{}.{:02d}".format(c // 100, c % 100)


def scale(c, pct):
    return (c * pct + 50) // 100  # half up; amounts are never negative


def rate(actual, budget):
    r = (actual * 10000 * 2 + budget) // (2 * budget)  # hundredths of a percent, half up
    return "{}.{:02d}%".format(r // 100, r % 100)


def shift_years(text, delta):
    return re.sub(r"(?<!\d)20[12]\d(?!\d)", lambda m: str(int(m.group()) + delta), text)


def make_table(year, short, full, bpct, apct, rows=None, drop=(), yuan=False, title_extra="",
               plant=None, fix_date=False):
    delta = year - 2021
    out = []
    for i, r in enumerate(rows or ROWS):
        if i + 1 in drop:
            continue
        r = list(r)
        r[0] = str(len(out) + 1)
        r[1] = short
        b, a = scale(cents(r[3]), bpct), scale(cents(r[7]), apct)
        r[3:7] = [money(b, yuan), money(b, yuan), money(0, yuan), money(0, yuan)]
        r[7:11] = [money(a, yuan), money(a, yuan), money(0, yuan), money(0, yuan)]
        r[11] = rate(a, b)
        r[12:] = [shift_years(c, delta) for c in r[12:]]
        if i == 0 and plant == "sum-of-parts":
            r[4] = money(b - 10, yuan)  # 一般公共预算 0.10 short of 合计
        if i == 0 and plant == "rate-mismatch":
            r[11] = rate(a * 95, b * 100)  # printed 5 % (relative) below the recomputed rate
        if i == 1 and fix_date:
            r = [c.replace("%d年7月26日" % (year - 1), "%d年7月26日" % year) for c in r]
        out.append(r)
    pre = list(PRE)
    pre[2] = "## %d年度%s部门预算项目绩效自评表%s" % (year, short, title_extra)
    pre[4] = "部门名称(盖章): " + full
    if yuan:
        pre[6] = "单位: 元"
    return "\n".join(pre + HDR + ["\t".join(r) for r in out])


def tables():
    """(relative path in the year layout, text, encoding) of every table."""
    out = []
    for key, stem, short, full in DEPTS:
        for year, (bp, ap) in sorted(FACTORS[key].items()):
            kw = {}
            if key == "gsl" and year in (2020, 2021):
                kw["plant"] = "sum-of-parts"
            if key == "kj" and year in (2019, 2021):
                kw["plant"] = "rate-mismatch"
            if key == "kj" and year == 2022:
                kw["drop"] = (2,)
            if key == "wg" and year == 2021:
                kw["fix_date"] = True
            enc = "gb18030" if key == "wg" and year == 2020 else "utf-8"
            out.append(("%d/%s.txt" % (year, stem), make_table(year, short, full, bp, ap, **kw), enc))
    # the supplementary table: seed rows 1-2 in 元, year only in the title
    short, full = DEPTS[2][2], DEPTS[2][3]
    out.append(("wenguanglvti-buchong.txt",
                make_table(2022, short, full, 80, 76, rows=ROWS[:2], yuan=True, title_extra="(补充)"), "utf-8"))
    return out


def main(argv):
    flat = "--flat" in argv
    args = [a for a in argv if a != "--flat"]
    if len(args) != 1:
        sys.stderr.write("usage: python3 make.py [--flat] OUTDIR\n")
        return 2
    dest = args[0]
    ts = tables()
    if flat:  # a stable order unrelated to the years: by a hash of the year-layout path
        order = sorted(ts, key=lambda t: hashlib.sha1(t[0].encode()).hexdigest())
        ts = [("t%02d.txt" % (i + 1), text, enc) for i, (_, text, enc) in enumerate(order)]
    for rel, text, enc in ts:
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text.encode(enc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
