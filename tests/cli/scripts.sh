# The shipped scripts scripts/summary.lua, scripts/indicators.lua and
# scripts/national.lua (sourced by tests/lib.sh). Tables are copied into a
# scratch directory and the scripts run from there (in_s), so the paths in
# the goldens are short and stable: dir/ holds the seed, its comma-separated
# and GB18030 exports (the latter in a subdirectory), the 元 variant and a
# second department (the seed renamed, 工商联事务 and 党员教育 fully spent:
# 36.00 of 40.00 = 90.00% and 44.81 of 44.81); files that are not tables, or
# are hidden, must be skipped.
SEED=tests/data/000_657db78fa8902e38.txt
SUM="$ROOT/scripts/summary.lua"
IND="$ROOT/scripts/indicators.lua"
NAT="$ROOT/scripts/national.lua"

mkdir -p "$S/dir/sub" "$S/dir/.hidden" "$S/empty" "$S/o" "$S/sand"
cp "$SEED" "$S/seed.txt"
cp tests/data/score/stated.txt "$S/stated.txt"
cp tests/data/check/reader.txt "$S/reader.txt"
cp tests/data/variants/not-a-table.txt "$S/not-a-table.txt"
cp tests/data/variants/binary.bin "$S/binary.bin"
cp tests/data/enc/gb18030.txt "$S/gb18030.txt"
cp "$SEED" "$S/dir/a.txt"
cp tests/data/enc/comma.csv "$S/dir/c.csv"
cp tests/data/variants/yuan.txt "$S/dir/d-yuan.txt"
sed -e 's/深圳市龙岗区工商业联合会/深圳市龙岗区示例局/' \
    -e '14s/\t31\.12\t31\.12\t/\t36.00\t36.00\t/' -e '14s/\t77\.80%\t/\t90.00%\t/' \
    -e '16s/\t38\.73\t38\.73\t/\t44.81\t44.81\t/' -e '16s/\t86\.43%\t/\t100.00%\t/' "$SEED" > "$S/dir/e-other.txt"
cp tests/data/enc/gb18030.txt "$S/dir/sub/b-gb18030.txt"
cp "$SEED" "$S/dir/.hidden/skipped.txt"
echo "not a table, and not *.txt" > "$S/dir/notes.md"

in_s() { sh -c "cd '$S' && \"\$@\"" sh "$@"; }

check scripts_fixture_other_department "grep -c 深圳市龙岗区示例局 $S/dir/e-other.txt | grep -qx 1 && grep -q '	36.00	36.00	0.00	0.00	90.00%' $S/dir/e-other.txt && grep -q '	44.81	44.81	0.00	0.00	100.00%' $S/dir/e-other.txt"

# ---- summary.lua
golden scripts_summary_seed 1 in_s "$JX" run "$SUM" seed.txt
golden scripts_summary_seed_below_70 0 in_s "$JX" run "$SUM" --below 70 seed.txt
check scripts_summary_at_threshold_not_below "cd $S && \"$JX\" run $SUM --below 77.80 seed.txt > /dev/null"
check scripts_summary_just_above_threshold "cd $S && \"$JX\" run $SUM --below=77.81% seed.txt > /dev/null; test \$? = 1"
golden scripts_summary_dir 1 in_s "$JX" run "$SUM" dir
golden scripts_summary_other_department 0 in_s "$JX" run "$SUM" dir/e-other.txt
golden scripts_summary_files 1 in_s "$JX" run "$SUM" --below 96 seed.txt stated.txt reader.txt
golden scripts_summary_csv 1 in_s "$JX" run "$SUM" --csv - dir
golden scripts_summary_json 1 in_s "$JX" run "$SUM" --json - --below 85.5 dir
check scripts_summary_files_equal_stdout "cd $S && { \"$JX\" run $SUM --csv o/s.csv --json o/s.json --md o/s.md dir; test \$? = 1; } && \"$JX\" run $SUM --csv - dir | cmp - o/s.csv && \"$JX\" run $SUM --json - dir | cmp - o/s.json && \"$JX\" run $SUM dir | cmp - o/s.md"
check scripts_summary_files_not_on_stdout "cd $S && \"$JX\" run $SUM --csv o/t.csv --below 0 dir > o/t.stdout && test ! -s o/t.stdout && test -s o/t.csv"
golden scripts_summary_no_realign 1 in_s "$JX" run "$SUM" --no-realign seed.txt
check scripts_summary_encoding_option "cd $S && \"$JX\" run $SUM --encoding gb18030 gb18030.txt | sed 1,6d > o/gb.md; \"$JX\" run $SUM seed.txt | sed 1,6d | sed 's/seed.txt/gb18030.txt/' | cmp - o/gb.md"
check scripts_summary_delimiter_option "cd $S && \"$JX\" run $SUM --delimiter comma --csv - dir/c.csv | grep '^department,深圳市龙岗区工商业联合会,1,6,288.49,267.98,92.89,2,3,2,'"
check scripts_summary_stdin "cd $S && \"$JX\" run $SUM - < seed.txt | sed 's/| -:/| seed.txt:/' | cmp - \"$ROOT/tests/golden/scripts_summary_seed.out\""
golden scripts_summary_missing_file 2 in_s "$JX" run "$SUM" seed.txt no-such.txt
golden scripts_summary_not_a_table 2 in_s "$JX" run "$SUM" not-a-table.txt
golden scripts_summary_binary 2 in_s "$JX" run "$SUM" --json out.json binary.bin
golden scripts_summary_empty_dir 2 in_s "$JX" run "$SUM" empty
golden scripts_summary_no_input 2 in_s "$JX" run "$SUM"
golden scripts_summary_bad_below 2 in_s "$JX" run "$SUM" --below ninety seed.txt
golden scripts_summary_bad_option 2 in_s "$JX" run "$SUM" --threshold 90 seed.txt
golden scripts_summary_bad_encoding 2 in_s "$JX" run "$SUM" --encoding latin1 seed.txt
golden scripts_summary_two_stdouts 2 in_s "$JX" run "$SUM" --csv - --json - seed.txt
golden scripts_summary_missing_value 2 in_s "$JX" run "$SUM" seed.txt --csv
check scripts_summary_help "cd $S && \"$JX\" run $SUM --help | sed -n 1p | grep -q '^usage: jixiao run scripts/summary.lua'"
check scripts_summary_no_partial_output "cd $S && mkdir -p np1 && { \"$JX\" run $SUM --csv np1/s.csv --json np1/s.json --md np1/s.md seed.txt not-a-table.txt > /dev/null 2>&1; test \$? = 2; } && test -z \"\$(ls -A np1)\""
check scripts_summary_old_file_kept "cd $S && mkdir -p np2 && echo old > np2/s.csv && { \"$JX\" run $SUM --csv np2/s.csv seed.txt no-such.txt 2> /dev/null; test \$? = 2; } && test \"\$(cat np2/s.csv)\" = old && test \$(ls -A np2 | wc -l) = 1"
golden scripts_summary_unwritable 2 in_s "$JX" run "$SUM" --md no-such-dir/s.md seed.txt
golden scripts_summary_output_is_dir 2 in_s "$JX" run "$SUM" --md o --csv o/s2.csv seed.txt
check scripts_summary_output_is_dir_nothing_left "cd $S && test -d o && test -z \"\$(ls -A . o | grep '\\.tmp\$')\" && test -s o/s2.csv"
# Under --sandbox (no command can run): files and directories as inputs, outputs
# on standard output or inside --out, the same as without it; a path outside
# --out is refused with a message (exit 2), not a traceback.
check scripts_summary_sandbox_dir "cd $S && \"$JX\" run $SUM dir > o/plain.md; { \"$JX\" run --sandbox $SUM dir > o/sand.md; test \$? = 1; } && cmp o/plain.md o/sand.md && cmp o/sand.md \"$ROOT/tests/golden/scripts_summary_dir.out\""
check scripts_summary_sandbox_files "cd $S && { \"$JX\" run --sandbox --out sand $SUM --csv sand/s.csv --md sand/s.md seed.txt; test \$? = 1; } && \"$JX\" run $SUM --csv - seed.txt | cmp - sand/s.csv && \"$JX\" run $SUM seed.txt | cmp - sand/s.md"
check scripts_summary_sandbox_out "{ \"$JX\" run --sandbox --out $S/sand $SUM --md $S/sand/r.md --csv $S/sand/r.csv --json $S/sand/r.json $S/dir $S/stated.txt > $S/sand.stdout; test \$? = 1; } && test ! -s $S/sand.stdout && \"$JX\" run $SUM --csv - $S/dir $S/stated.txt | cmp - $S/sand/r.csv && \"$JX\" run $SUM --json - $S/dir $S/stated.txt | cmp - $S/sand/r.json && \"$JX\" run $SUM $S/dir $S/stated.txt | cmp - $S/sand/r.md && grep -q '^department,深圳市龙岗区示例局,1,' $S/sand/r.csv"
check scripts_summary_sandbox_outside "cd $S && { \"$JX\" run --sandbox --out sand $SUM --md o/outside.md seed.txt 2> o/outside.err; test \$? = 2; } && test ! -e o/outside.md && grep -q \"^summary: cannot write 'o/outside.md': .* is outside --out \" o/outside.err && ! grep -q traceback o/outside.err"
check scripts_summary_sandbox_no_out "cd $S && { \"$JX\" run --sandbox $SUM --csv s.csv seed.txt 2> o/noout.err; test \$? = 2; } && test ! -e s.csv && grep -q \"^summary: cannot write 's.csv': --sandbox allows no writes without --out DIR\" o/noout.err"

# ---- indicators.lua
golden scripts_indicators_seed 0 in_s "$JX" run "$IND" seed.txt
golden scripts_indicators_stated_json 0 in_s "$JX" run "$IND" --format json stated.txt
golden scripts_indicators_skip_empty 0 in_s "$JX" run "$IND" --skip-empty --format=csv seed.txt stated.txt
check scripts_indicators_dir_rows "cd $S && \"$JX\" run $IND dir > o/dir.csv && test \$(wc -l < o/dir.csv) = 211 && head -n 1 o/dir.csv | grep -q ',placement\$'"
check scripts_indicators_gb18030_same_as_seed "cd $S && \"$JX\" run $IND dir | grep '^dir/sub/b-gb18030.txt,' | cut -d, -f2- > o/gb.csv && \"$JX\" run $IND seed.txt | sed 1d | cut -d, -f2- | cmp - o/gb.csv"
check scripts_indicators_output_equals_stdout "cd $S && \"$JX\" run $IND -o o/i.csv seed.txt stated.txt && \"$JX\" run $IND seed.txt stated.txt | cmp - o/i.csv && \"$JX\" run $IND --format json --output o/i.json stated.txt && \"$JX\" run $IND --format json stated.txt | cmp - o/i.json"
check scripts_indicators_no_realign "cd $S && \"$JX\" run $IND --no-realign seed.txt | sed 1d | grep -c ',\$' | grep -qx 42 && \"$JX\" run $IND seed.txt | grep -c ',guess\$' | grep -qx 4"
check scripts_indicators_judged_as_library "cd $S && \"$JX\" run $IND seed.txt | grep '^seed.txt,16,.*output.quantity' | grep -q ',quantity,>=,12,次,quantity,,24,次,met,'"
golden scripts_indicators_missing_file 2 in_s "$JX" run "$IND" -o out.csv seed.txt no-such.txt
check scripts_indicators_missing_no_output "test ! -e $S/out.csv"
golden scripts_indicators_not_a_table 2 in_s "$JX" run "$IND" not-a-table.txt
golden scripts_indicators_bad_format 2 in_s "$JX" run "$IND" --format xml seed.txt
golden scripts_indicators_no_input 2 in_s "$JX" run "$IND" --skip-empty
check scripts_indicators_help "cd $S && \"$JX\" run $IND -h | sed -n 1p | grep -q '^usage: jixiao run scripts/indicators.lua'"
check scripts_indicators_no_partial_output "cd $S && mkdir -p np3 && { \"$JX\" run $IND --format json -o np3/i.json stated.txt binary.bin > /dev/null 2>&1; test \$? = 2; } && test -z \"\$(ls -A np3)\""
golden scripts_indicators_sandbox_dir 0 in_s "$JX" run --sandbox "$IND" --skip-empty dir/sub
check scripts_indicators_sandbox "cd $S && \"$JX\" run --sandbox --out sand $IND -o sand/i.csv dir seed.txt && \"$JX\" run $IND dir seed.txt | cmp - sand/i.csv && \"$JX\" run --sandbox $IND --format json dir > o/isand.json && \"$JX\" run $IND --format json dir | cmp - o/isand.json"
check scripts_indicators_stdout_keeps_others "cd $S && \"$JX\" run $IND stated.txt no-such.txt 2> /dev/null | grep -c '^stated.txt,' | grep -qx 21"

# ---- national.lua
golden scripts_national_seed 0 in_s "$JX" run "$NAT" seed.txt
golden scripts_national_seed_md 0 in_s "$JX" run "$NAT" --format md seed.txt
golden scripts_national_stated 0 in_s "$JX" run "$NAT" --format=markdown stated.txt
golden scripts_national_reader 0 in_s "$JX" run "$NAT" reader.txt
check scripts_national_yuan_in_wan_yuan "cd $S && \"$JX\" run $NAT dir/d-yuan.txt | grep -v '^来源,' > o/yuan.csv && \"$JX\" run $NAT seed.txt | grep -v '^来源,' | cmp - o/yuan.csv"
check scripts_national_dir_blocks "cd $S && \"$JX\" run $NAT dir > o/n.csv && test \$(grep -c '^项目支出绩效自评表,' o/n.csv) = 30 && test \$(grep -c '^\$' o/n.csv) = 29 && grep -q '^来源,dir/sub/b-gb18030.txt:17,' o/n.csv"
check scripts_national_rectangular "cd $S && \"$JX\" run $NAT seed.txt | python3 -c 'import csv,sys; w={len(r) for r in csv.reader(sys.stdin) if r}; sys.exit(w != {9})'"
check scripts_national_output_equals_stdout "cd $S && \"$JX\" run $NAT -o o/n1.csv seed.txt stated.txt && \"$JX\" run $NAT seed.txt stated.txt | cmp - o/n1.csv && \"$JX\" run $NAT --format md -o o/n1.md seed.txt && \"$JX\" run $NAT --format md seed.txt | cmp - o/n1.md"
golden scripts_national_missing_file 2 in_s "$JX" run "$NAT" --format md -o out.md no-such.txt
check scripts_national_missing_no_output "test ! -e $S/out.md"
golden scripts_national_not_a_table 2 in_s "$JX" run "$NAT" seed.txt not-a-table.txt
golden scripts_national_bad_format 2 in_s "$JX" run "$NAT" --format json seed.txt
golden scripts_national_bad_delimiter 2 in_s "$JX" run "$NAT" --delimiter semicolon seed.txt
golden scripts_national_no_input 2 in_s "$JX" run "$NAT"
check scripts_national_help "cd $S && \"$JX\" run $NAT --help | sed -n 1p | grep -q '^usage: jixiao run scripts/national.lua'"
check scripts_national_sandbox "cd $S && \"$JX\" run --sandbox --out sand $NAT --format md -o sand/n.md dir stated.txt && \"$JX\" run $NAT --format md dir stated.txt | cmp - sand/n.md && \"$JX\" run --sandbox $NAT dir > o/nsand.csv && \"$JX\" run $NAT dir | cmp - o/nsand.csv && grep -q '^来源,dir/sub/b-gb18030.txt:17,' o/nsand.csv"
check scripts_national_no_partial_output "cd $S && mkdir -p np4 && echo old > np4/n.md && { \"$JX\" run $NAT --format md -o np4/n.md seed.txt not-a-table.txt > /dev/null 2>&1; test \$? = 2; } && test \"\$(cat np4/n.md)\" = old && test \$(ls -A np4 | wc -l) = 1"
