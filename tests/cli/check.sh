# jixiao check: the seed's findings in text and JSON, one fixture per group of
# rules (tests/data/check, rows named T/N for trigger and near miss, held to
# that by tests/lua/test_check.lua), exit codes, rule switches and user rules.
SEED=tests/data/000_657db78fa8902e38.txt
C=tests/data/check

# The seed: the findings a reviewer reports, nothing about money (all six rows add up).
golden check_seed 0 "$JX" check "$SEED"
golden check_json_seed 0 "$JX" check --format json "$SEED"
check check_seed_has_2020_date "\"$JX\" check $SEED | grep 'date-outside-year.*2020年7月26日完成发放'"
check check_seed_has_unit_slip "\"$JX\" check $SEED | grep -A1 'unit-slip' | grep -q '\"6.03元\" here but \"6.03万元\"'"
check check_seed_no_money_errors "! \"$JX\" check $SEED | grep -e sum-of-parts -e rate-mismatch -e total-row-mismatch -e zero-budget"
check check_seed_counts_line "\"$JX\" check $SEED | tail -n 1 | grep -q '^0 errors, 26 warnings, 3 info in 1 file\$'"
golden check_stdin 0 sh -c "\"$JX\" check --format json - < $SEED | grep -c '\"rule\"'"

# One fixture per group of rules, text and JSON.
for f in clean money totals units texts reader no-satisfaction; do
  case $f in clean|units|reader) rc=0 ;; *) rc=1 ;; esac
  golden "check_$f" $rc "$JX" check "$C/$f.txt"
  golden "check_json_$f" $rc "$JX" check --format json "$C/$f.txt"
done
golden check_two_files 1 "$JX" check "$C/clean.txt" "$C/totals.txt"

# Exit codes: 2 for an unreadable input (the report still covers the others).
golden check_missing_file 2 "$JX" check "$C/clean.txt" "$C/no-such-file.txt"
golden check_json_missing_file 2 "$JX" check --format json "$C/no-such-file.txt" "$C/clean.txt"
check check_not_a_table "\"$JX\" check tests/data/variants/not-a-table.txt >\"$S/o\" 2>\"$S/e\"; [ \$? = 2 ] && grep -q '^  cannot be checked: tests/data/variants/not-a-table.txt: ' \"$S/o\" && grep -q '^jixiao check: tests/data/variants/not-a-table.txt: ' \"$S/e\""
golden check_err_no_input 2 "$JX" check
golden check_err_format 2 "$JX" check --format xml "$SEED"
golden check_err_option 2 "$JX" check --frobnicate "$SEED"
golden check_err_unknown_rule 2 "$JX" check --disable vague-target,no-such-rule "$SEED"
golden check_err_level_value 2 "$JX" check "$SEED" --error

# Switching rules off and re-levelling them.
golden check_disable 0 "$JX" check --disable vague-target --disable duplicate-indicator,over-achievement "$SEED"
check check_disable_equals "! \"$JX\" check --disable=vague-target $SEED | grep vague-target"
golden check_relevel 1 "$JX" check --error date-outside-year --info unit-slip --format json "$SEED"
check check_relevel_error_exit "\"$JX\" check --error date-outside-year $SEED >/dev/null; [ \$? = 1 ]"
check check_warning_on_error_rule "\"$JX\" check --warning sum-of-parts,rate-mismatch $C/money.txt | grep '^    warning \\[sum-of-parts\\]'"
check check_disable_all_errors "\"$JX\" check --disable sum-of-parts,rate-mismatch,zero-budget-spending $C/money.txt >/dev/null"
golden check_list_rules 0 "$JX" check --list-rules
golden check_list_rules_relevelled 0 "$JX" check --list-rules --disable vague-target --error unit-slip

# User rules in Lua.
golden check_user_rules 0 "$JX" check --rules "$C/user-rules.lua" "$SEED"
golden check_user_rules_list 0 "$JX" check --rules "$C/user-rules.lua" --list-rules --info department-named
golden check_user_rules_relevel 1 "$JX" check --rules "$C/user-rules.lua" --error epidemic-reason --format json "$SEED"
golden check_user_rules_disabled 0 "$JX" check --rules "$C/user-rules.lua" --disable epidemic-reason "$SEED"
for b in syntax id taken shape; do golden "check_rules_bad_$b" 2 "$JX" check --rules "$C/bad-$b.lua" "$C/clean.txt"; done
golden check_rules_missing 2 "$JX" check --rules "$C/no-such-rules.lua" "$C/clean.txt"
golden check_rules_runtime 2 "$JX" check --rules "$C/bad-runtime.lua" --format json "$C/clean.txt"
check check_rules_runtime_named "\"$JX\" check --rules $C/bad-runtime.lua $C/clean.txt 2>&1 >/dev/null | grep \"^jixiao check: rule 'boom' failed on $C/clean.txt line 12 and is switched off: $C/bad-runtime.lua:4: boom on N all clean row\$\""
check check_rules_runtime_once "[ \$(\"$JX\" check --rules $C/bad-runtime.lua $C/clean.txt 2>&1 >/dev/null | grep -c \"rule 'boom' failed\") = 1 ]"

# Output to a file, atomically; help.
check check_output_file "\"$JX\" check --format json -o \"$S/r.json\" $SEED && cmp \"$S/r.json\" tests/golden/check_json_seed.out"
check check_output_exit_kept "\"$JX\" check -o \"$S/m.txt\" $C/money.txt; [ \$? = 1 ] && cmp \"$S/m.txt\" tests/golden/check_money.out"
check check_output_bad_dir "\"$JX\" check -o \"$S/no/such/dir/r.txt\" $SEED 2>\"$S/e\"; [ \$? = 2 ] && grep -q 'cannot create' \"$S/e\""
check check_help "\"$JX\" check --help | grep '^usage: jixiao check'"
check check_help_command "\"$JX\" help check | cmp - tests/golden/check_help.out"
golden check_help 0 "$JX" check --help

# The JSON reports match the schema (python3's jsonschema when present; the Lua
# test checks the same shape without it).
if python3 -c 'import jsonschema' 2>/dev/null; then
  for g in tests/golden/check_json_*.out tests/golden/check_relevel.out tests/golden/check_user_rules_relevel.out \
           tests/golden/check_rules_runtime.out; do
    check "check_schema_$(basename "$g" .out)" "python3 -c 'import json, sys, jsonschema
s = json.load(open(\"$C/report.schema.json\"))
jsonschema.Draft202012Validator.check_schema(s)
jsonschema.validate(json.load(open(\"$g\")), s, cls=jsonschema.Draft202012Validator)'"
  done
fi
