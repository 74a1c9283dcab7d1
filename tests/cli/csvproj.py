#!/usr/bin/env python3
"""Prints the columns of a jixiao CSV export that describe the model, leaving
out where it came from (source, line) and how it was repaired, so variants of
one table can be compared. Usage: csvproj.py [-x COLUMN]... < export.csv"""
import csv
import sys

drop = {"source", "line", "repair"}
args = sys.argv[1:]
while args[:1] == ["-x"]:
    drop.add(args[1])
    args = args[2:]
rows = list(csv.reader(sys.stdin))
keep = [i for i, name in enumerate(rows[0]) if name not in drop]
w = csv.writer(sys.stdout, lineterminator="\n")
for r in rows:
    w.writerow([r[i] for i in keep])
