# scripts/yearly.lua (sourced by tests/lib.sh): the year-over-year comparison on
# a generated directory of tables for 2019-2022 (tests/data/years/make.py, made
# here in $S) in both layouts, on the seed alone, with every option; each exit
# status, bad usage, unusable tables, and outputs that are complete or absent.
# The figures are recomputed here with python3 from the tables' cells and the
# recurring findings from `jixiao check --format json`, independently of the script
# (which uses jx.check); and it runs under --sandbox when --out exists.
SEED=tests/data/000_657db78fa8902e38.txt
V=tests/data/variants
python3 tests/data/years/make.py "$S/years"
python3 tests/data/years/make.py --flat "$S/flat"
mkdir -p "$S/seed" "$S/empty" "$S/nontables" && cp "$SEED" "$S/seed/" && echo '# notes' > "$S/nontables/README.md"

# The script, run in $S so that the paths it prints are the relative ones given.
yr() { (cd "$S" && "$JX" run "$ROOT/scripts/yearly.lua" "$@"); }

# verify_figures DIR YOY.CSV [FROM TO]: every row of YOY.CSV recomputed from the
# cells of the tables under DIR (amounts of 元 tables converted to 万元), rows in order.
verify_figures() {
  python3 - "$@" <<'EOF'
import csv, os, re, sys
from decimal import Decimal as D, ROUND_HALF_UP
root, yoy = sys.argv[1], sys.argv[2]
lo, hi = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (0, 9999)
q = lambda x: x.quantize(D("0.01"), ROUND_HALF_UP)
agg = {}
for dp, dn, fn in os.walk(root):
    for f in fn:
        raw = open(os.path.join(dp, f), "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        lines = text.split("\n")
        year = int(re.search(r"(\d{4})年", [l for l in lines if l.startswith("## ")][0]).group(1))
        if not lo <= year <= hi:
            continue
        dept = [l for l in lines if l.startswith("部门名称")][0].split(": ", 1)[1]
        unit = [l for l in lines if l.startswith("单位")][0].split(": ", 1)[1]
        k = D(1) if unit == "万元" else D("0.0001")
        e = agg.setdefault((dept, year), [0, 0, D(0), D(0)])
        e[0] += 1
        for l in lines:
            c = l.split("\t")
            if c[0].isdigit() and len(c) > 8:
                e[1] += 1
                e[2] += D(c[3].replace(",", "")) * k
                e[3] += D(c[7].replace(",", "")) * k
rows = list(csv.DictReader(open(yoy, encoding="utf-8")))
keys = sorted(agg, key=lambda t: (t[0].encode(), t[1]))
assert [(r["department"], int(r["year"])) for r in rows] == keys, "rows %s, expected %s" % (
    [(r["department"], r["year"]) for r in rows], keys)
for r, key in zip(rows, keys):
    t, n, b, a = agg[key]
    rate = q(a / b * 100)
    got = (int(r["tables"]), int(r["projects"]), D(r["budget"]), D(r["actual"]), D(r["rate"]))
    assert got == (t, n, b, a, rate), (key, got, (t, n, b, a, rate))
    prev = agg.get((key[0], key[1] - 1))
    if prev:
        prate = q(prev[3] / prev[2] * 100)
        want = (str(key[1] - 1), b - prev[2], q((b - prev[2]) / prev[2] * 100), rate - prate)
        got = (r["prev_year"], D(r["budget_change"]), D(r["budget_growth_pct"]), D(r["rate_change_pp"]))
        assert got == want, (key, got, want)
        ch = rate - prate
        assert r["trend"] == ("up" if ch >= 1 else "down" if ch <= -1 else "flat"), (key, r["trend"])
    else:
        assert r["prev_year"] == r["budget_change"] == r["budget_growth_pct"] == r["trend"] == "", (key, r)
print("%d rows, %s 万元 budgeted in all" % (len(rows), sum(v[2] for v in agg.values())))
EOF
}

# verify_recurring DIR FINDINGS.CSV: (department, rule, consecutive years) of every
# rule `jixiao check` reports for one department in two or more consecutive years.
verify_recurring() {
  find "$1" -type f -name '*.txt' | sort > "$S/list"
  "$JX" check --format json $(cat "$S/list") > "$S/check.json"
  python3 - "$1" "$2" "$S/check.json" <<'EOF'
import csv, json, re, sys
root, fcsv, report = sys.argv[1:4]
rep = json.load(open(report, encoding="utf-8"))
dept = {}
for f in rep["files"]:
    raw = open(f["source"], "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    dept[f["source"]] = (re.search(r"部门名称[^:]*: (.*)", text).group(1).strip(), f["year"])
years = {}
for x in rep["findings"]:
    d, y = dept[x["file"]]
    years.setdefault((d, x["rule"]), set()).add(y)
want = set()
for (d, rule), ys in years.items():
    ys, runs, start = sorted(ys), [], 0
    for i in range(len(ys)):
        if i == len(ys) - 1 or ys[i + 1] != ys[i] + 1:
            if i > start:
                runs.append("%d-%d" % (ys[start], ys[i]))
            start = i + 1
    if runs:
        want.add((d, rule, " ".join(runs)))
got = {(r["department"], r["rule"], r["consecutive"]) for r in csv.DictReader(open(fcsv, encoding="utf-8"))}
assert got == want, (sorted(got - want), sorted(want - got))
print(len(got), "recurring")
EOF
}

# ---- the generated directory, by year (with one table at the top, year in its title) ----
golden yearly_dirs 1 yr --out o1 years
golden yearly_dirs_yoy 0 cat "$S/o1/yoy.csv"
golden yearly_dirs_findings 0 cat "$S/o1/findings.csv"
golden yearly_dirs_report 0 cat "$S/o1/report.md"
check yearly_dirs_figures "verify_figures $S/years $S/o1/yoy.csv"
check yearly_dirs_recurring "verify_recurring $S/years $S/o1/findings.csv"
check yearly_gb18030_table_read "! iconv -f UTF-8 -t UTF-8 $S/years/2020/wenguanglvti.txt > /dev/null 2>&1 && grep -q '^深圳市龙岗区文化广电旅游体育局,2020,1,6,' $S/o1/yoy.csv"
check yearly_yuan_table_converted "grep -q '^深圳市龙岗区文化广电旅游体育局,2022,2,8,万元,461.79,' $S/o1/yoy.csv"
check yearly_outputs_complete "test \$(wc -l < $S/o1/yoy.csv) = 13 && tail -n 3 $S/o1/report.md | grep -q '^| 2022 | 深圳市龙岗区科技创新局 |' && test -z \"\$(ls -A $S/o1 | grep -v -x -e yoy.csv -e findings.csv -e report.md)\""

# ---- the same tables, flat: every year from the title ----
golden yearly_flat 1 yr --out o2 flat
check yearly_flat_same_figures "cmp $S/o1/yoy.csv $S/o2/yoy.csv && cmp $S/o1/findings.csv $S/o2/findings.csv"
check yearly_flat_figures "verify_figures $S/flat $S/o2/yoy.csv"

# ---- the bundled seed alone: one year, no comparison ----
golden yearly_seed 0 yr --out o3 seed
golden yearly_seed_report 0 cat "$S/o3/report.md"
golden yearly_seed_findings 0 cat "$S/o3/findings.csv"
golden yearly_seed_threshold 1 yr --threshold 95 --out o3 seed
check yearly_seed_threshold_exact "yr --threshold 92.89 --out o3 seed > /dev/null && ! yr --threshold 92.90 --out o3 seed > /dev/null"

# ---- options ----
golden yearly_years 0 yr --years 2019-2020 --out o4 years
check yearly_years_figures "verify_figures $S/years $S/o4/yoy.csv 2019 2020"
golden yearly_years_one 1 yr --years=2022 --quiet --out o4 flat
golden yearly_years_last_two 1 yr --years 2021-2022 --quiet --out o4 years
golden yearly_limits_strict 1 yr --threshold 92 --growth 5 --quiet --out o4 years
golden yearly_limits_loose 0 yr --threshold 80 --growth 40 --years 2021-2022 --quiet --out o4 years
check yearly_growth_limit_exact "! yr --growth 38.09 --quiet --out o4 years | grep -q 'above the' && yr --growth 38.08 --quiet --out o4 years | grep -q '2021: budget +38.09% over 2020, above the 38.08% limit\$'"
golden yearly_quiet_nothing 0 yr --quiet --years 2019-2020 --out o4 years
golden yearly_help 0 yr --help
check yearly_default_out "mkdir -p $S/cwd && cd $S/cwd && \"$JX\" run \"$ROOT/scripts/yearly.lua\" --quiet ../seed && test -s yearly-out/yoy.csv && test -s yearly-out/findings.csv && test -s yearly-out/report.md"
check yearly_out_inside_dir "cp -r $S/years $S/inside && yr --quiet --out inside/out inside > /dev/null; yr --out inside/out inside > $S/in2.txt; test \$? = 1 && grep -q '^13 tables read in inside' $S/in2.txt && cmp $S/o1/yoy.csv $S/inside/out/yoy.csv"
# The same --out spelt otherwise (absolute, with ./ and ..) is still recognised inside DIR.
check yearly_out_inside_dir_spelt_otherwise "yr --out $S/inside/./2019/../out inside > $S/in3.txt 2> $S/in3.err; test \$? = 1 && grep -q '^13 tables read in inside' $S/in3.txt && test ! -s $S/in3.err && yr --out ./inside//out/ ./inside/ > $S/in4.txt 2> $S/in4.err; test \$? = 1 && grep -q '^13 tables read in ./inside' $S/in4.txt && test ! -s $S/in4.err && ! grep -q 'could not be used' $S/in3.txt $S/in4.txt"
# Under --sandbox: no command is run when --out exists (inside the sandbox's --out);
# the same outputs. A missing --out cannot be created there, and the message says so.
mkdir -p "$S/sb/o"
check yearly_sandbox "(cd $S && \"$JX\" run --sandbox --out sb \"$ROOT/scripts/yearly.lua\" --quiet --out sb/o years > /dev/null; test \$? = 1) && cmp $S/o1/yoy.csv $S/sb/o/yoy.csv && cmp $S/o1/findings.csv $S/sb/o/findings.csv && cmp $S/o1/report.md $S/sb/o/report.md"
golden yearly_sandbox_no_out 2 sh -c "cd '$S' && \"\$0\" run --sandbox --out sb \"\$1\" --quiet --years 2019-2020 --out sb/missing years" "$JX" "$ROOT/scripts/yearly.lua"
check yearly_sandbox_no_out_nothing_written "test ! -e $S/sb/missing"

# ---- tables that cannot be used among good ones: named, skipped, exit 1 ----
cp -r "$S/years" "$S/mixed"
cp "$V/truncated.txt" "$S/mixed/2020/broken.txt"
cp "$V/binary.bin" "$S/mixed/2021/scan.csv"
cp "$V/not-a-table.txt" "$S/mixed/notes.txt"
sed 's/^## 2021年度/## /' "$SEED" > "$S/mixed/no-year.txt"
sed 's/^单位: 万元$//' "$SEED" > "$S/mixed/2021/no-unit.txt"
mkdir -p "$S/mixed/.git" && cp "$V/not-a-table.txt" "$S/mixed/.git/x.txt"
golden yearly_unusable 1 yr --out o6 mixed
check yearly_unusable_same_figures "cmp $S/o1/yoy.csv $S/o6/yoy.csv && cmp $S/o1/findings.csv $S/o6/findings.csv"
check yearly_unusable_in_report "grep -c '^- mixed/.*: could not be used\$' $S/o6/report.md | grep -qx 5 && grep -q '^- mixed/2020/broken.txt: line 15, byte offset 5386: truncated' $S/o6/report.md"
mkdir -p "$S/allbad" && cp "$V/truncated.txt" "$V/not-a-table.txt" "$S/allbad/"
golden yearly_all_unusable 2 yr --out o7 allbad
check yearly_all_unusable_nothing_written "test ! -e $S/o7"
# A table filed under another year than its title's: counted where it is filed, with a note.
mkdir -p "$S/misfiled/2022" && cp "$SEED" "$S/misfiled/2022/"
golden yearly_misfiled 0 yr --quiet --out o8 misfiled

# ---- bad usage and no tables: exit 2 ----
golden yearly_no_dir 2 yr
golden yearly_unknown_option 2 yr --frobnicate years
golden yearly_two_dirs 2 yr years flat
golden yearly_bad_years 2 yr --years 2021-2019 years
golden yearly_bad_threshold 2 yr --threshold ninety years
golden yearly_missing_value 2 yr years --growth
golden yearly_not_a_dir 2 yr seed/000_657db78fa8902e38.txt
golden yearly_missing_dir 2 yr no-such-dir
golden yearly_empty_dir 2 yr empty
golden yearly_only_non_tables 2 yr nontables
golden yearly_years_none 2 yr --years 2030-2031 years
check yearly_usage_nothing_written "test ! -e $S/yearly-out"

# ---- outputs: all three or none ----
# report.md cannot be replaced (a directory is in the way): yoy.csv and findings.csv,
# already written under temporary names, are removed; the old yoy.csv stays.
mkdir -p "$S/o9/report.md" && echo old > "$S/o9/yoy.csv"
golden yearly_output_blocked 2 yr --quiet --out o9 years
check yearly_output_blocked_kept "test \"\$(cat $S/o9/yoy.csv)\" = old && test \"\$(ls -A $S/o9)\" = \"\$(printf 'report.md\nyoy.csv')\""
# jx.write raising half-way (after yoy.csv and findings.csv): exit 2, no temporary file left.
check yearly_write_raises "(cd $S && \"$JX\" -e 'local jx = require \"jixiao\" local w = jx.write rawset(jx, \"write\", function(p, v, f, o) if f == \"text\" then error(\"boom\") end return w(p, v, f, o) end) dofile(\"$ROOT/scripts/yearly.lua\")' -- --quiet --out o13 years > /dev/null 2> $S/o13.err); test \$? = 2 && test -d $S/o13 && test -z \"\$(ls -A $S/o13)\" && grep -q 'boom' $S/o13.err"
echo x > "$S/o10"
golden yearly_output_not_a_dir 2 yr --quiet --out o10 years
# A full disk: a 12 KiB tmpfs takes yoy.csv but not findings.csv and report.md.
mkdir -p "$S/tiny"
if mount -t tmpfs -o size=12k tmpfs "$S/tiny" 2> /dev/null; then
  echo old > "$S/tiny/yoy.csv"
  check yearly_disk_full "yr --quiet --out tiny years > /dev/null 2> $S/full.err; test \$? = 2 && grep -q 'No space left on device' $S/full.err"
  check yearly_disk_full_old_kept "test \"\$(cat $S/tiny/yoy.csv)\" = old && test \"\$(ls -A $S/tiny)\" = yoy.csv"
  umount "$S/tiny"
else
  echo "skip cli yearly_disk_full: cannot mount a tmpfs here (not root?)"
fi

# ---- a year directory that is a symbolic link is followed ----
mkdir -p "$S/linked" && ln -s ../years/2021 "$S/linked/2021" && ln -s ../years/2022 "$S/linked/2022"
check yearly_symlinked_years "yr --quiet --out o11 linked > /dev/null; test \$? = 1 && test \$(grep -c ',202[12],' $S/o11/yoy.csv) = 6"
