#!/usr/bin/env python3
"""The Python baseline for jobs (a), (b) and (d): the csv module reads every
cell; the same sums and checks as check.awk.
    python3 check.py FILE...          -> one summary line
    python3 check.py --json FILE...   -> the rows as JSON"""
import csv
import io
import json
import sys


def cents(s):
    i, _, f = s.partition(".")
    return int(i or 0) * 100 + int((f + "00")[:2])


def read(path):
    data = open(path, "rb").read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return csv.reader(io.StringIO(text, newline=""), delimiter="\t")


def main(argv):
    as_json = argv[:1] == ["--json"]
    files = argv[1:] if as_json else argv
    n = B = A = sumerr = rateerr = ragged = 0
    out = sys.stdout
    if as_json:
        out.write("[")
    for k, path in enumerate(files):
        rows = []
        for lineno, r in enumerate(read(path), 1):
            if not r or not r[0].isdigit():
                continue
            n += 1
            if as_json:
                rows.append({"line": lineno, "cells": r})
                continue
            b, a = cents(r[3]), cents(r[7])
            B += b
            A += a
            d1 = b - cents(r[4]) - cents(r[5]) - cents(r[6])
            d2 = a - cents(r[8]) - cents(r[9]) - cents(r[10])
            if abs(d1) > 1 or abs(d2) > 1:
                sumerr += 1
            rt = r[11].rstrip("%")
            if b > 0 and rt:
                c = (a * 20000 + b) // (2 * b)
                if abs(cents(rt) - c) > max(50, c / 100):
                    rateerr += 1
            if r[-1] == "":
                ragged += 1
        if as_json:
            out.write((",\n" if k else "") + json.dumps({"source": path, "projects": rows}, ensure_ascii=False))
    if as_json:
        out.write("]\n")
    else:
        out.write("projects %d budget %d.%02d actual %d.%02d sum_errors %d rate_errors %d ragged %d\n" % (
            n, B // 100, B % 100, A // 100, A % 100, sumerr, rateerr, ragged))


if __name__ == "__main__":
    main(sys.argv[1:])
