# The text rules run in C (src/check_text.c) unless a --rules file extends the
# indicator grammar or the word lists, when lua/jixiao/check.lua runs them.
# The two must report the same findings, byte for byte, on every table: the
# test tables, and a corpus generated in the seed's layout (tests/bench/gen.py).
SEED=tests/data/000_657db78fa8902e38.txt
ALL=$(find tests/data -type f \( -name '*.txt' -o -name '*.csv' \) | sort | tr '\n' ' ')

# A rules file that changes nothing a table holds but moves the text rules to Lua.
printf 'local check = require "jixiao.check"\ncheck.vague_words[#check.vague_words + 1] = "\\1never"\nreturn {}\n' > "$S/to_lua.lua"
printf 'local ind = require "jixiao.indicator"\nind.add_unit("\\1never")\nreturn {}\n' > "$S/grammar.lua"

# same_findings FORMAT RULES INPUTS...: check with the C text rules and with the Lua ones.
same_findings() {
  fmt=$1 rules=$2; shift 2
  "$JX" check --format "$fmt" "$@" > "$S/c.out" 2> "$S/c.err"; a=$?
  "$JX" check --format "$fmt" --rules "$rules" "$@" > "$S/lua.out" 2> "$S/lua.err"; b=$?
  [ "$a" = "$b" ] || { echo "exit $a with the C rules, $b with the Lua ones"; return 1; }
  cmp "$S/c.out" "$S/lua.out" || { diff "$S/c.out" "$S/lua.out" | head -n 20; return 1; }
  cmp "$S/c.err" "$S/lua.err" || { diff "$S/c.err" "$S/lua.err" | head -n 10; return 1; }
}

check text_rules_c_as_lua_test_tables "same_findings json $S/to_lua.lua $ALL"
check text_rules_c_as_lua_text_report "same_findings text $S/grammar.lua $ALL"
check text_rules_c_as_lua_corpus "python3 tests/bench/gen.py --out $S/corpus --seed 7 --big-projects 1500 --small-files 40 > /dev/null &&
  same_findings json $S/to_lua.lua $S/corpus/big.txt $S/corpus/small/*.txt &&
  test \$(grep -c '\"rule\"' $S/c.out) -gt 1000"
check text_rules_where "\"$JX\" check --list-rules > $S/l && grep -q '^over-achievement  *warning  *c ' $S/l &&
  \"$JX\" check --list-rules --rules $S/grammar.lua > $S/l2 && grep -q '^over-achievement  *warning  *lua ' $S/l2"
# jx.check from a script: the same findings before and after the script extends the grammar
# (after it, the text rules run in Lua), and a finding the extension adds is seen.
check text_rules_script_extends_grammar "\"$JX\" -e '
  local jx, ind = require \"jixiao\", require \"jixiao.indicator\"
  local function report(doc)
    local out = {}
    for _, f in ipairs(jx.check(doc).findings) do
      out[#out + 1] = table.concat({ f.rule, f.line or 0, f.column or 0, f.text or \"\", f.message }, \"|\")
    end
    return table.concat(out, \"\\n\")
  end
  local doc = assert(jx.load(\"$SEED\"))
  local before = report(doc)
  assert(not ind.extended() and #before > 1000)
  ind.add_unit(\"公顷次\")
  assert(ind.extended())
  assert(report(doc) == before, \"findings changed\")
  print(\"ok\")' > $S/o && grep -qx ok $S/o"
# A word list extended by a --rules file is what the text rules then read.
check text_rules_extended_words_are_read "printf 'local check = require \"jixiao.check\"\ncheck.vague_words[#check.vague_words + 1] = \"保障\"\nreturn {}\n' > $S/words.lua
  \"$JX\" check $SEED > $S/plain; \"$JX\" check --rules $S/words.lua $SEED > $S/more
  test \$(grep -c 'vague-target' $S/more) -gt \$(grep -c 'vague-target' $S/plain) && grep -q '\"保障\" with no number' $S/more"
