#!/bin/sh
# Runs the test suite under valgrind (memcheck, full leak check): the unit
# tests, every CLI case and Lua test with every jixiao call wrapped (the
# jixiao processes the Lua tests start included), and each fuzz target's
# replay over its seeds and saved crashes. Any invalid access, use of
# uninitialised memory or leak makes valgrind exit 99, which fails the case.
# Slow (the 100 MB cell alone takes a minute), so not part of `make test`.
# Usage: sh tests/bad/valgrind.sh [FILTER...]   (default: everything; a
# FILTER such as cli/parse or lua/test_json picks the tests/run.sh parts)
# Ends with "N passed, N failed" over the three parts.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
command -v valgrind > /dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 2; }
make -s all build/unit-tests fuzz-replay || exit 2
W=$(mktemp -d "${TMPDIR:-/tmp}/jixiao-valgrind.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
mkdir "$W/logs"
chmod 755 "$W" && chmod 1777 "$W/logs" # bad.sh runs one case as nobody
VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
# The wrapper is what the CLI cases run as $JX; valgrind's own complaints go
# to stderr, so a case with a golden stderr fails on them too.
# The wrapper keeps each call's arguments beside its report (exec keeps the
# process id), so a report names the command that produced it.
cat > "$W/jixiao" <<EOF
#!/bin/sh
printf '%s\\n' "\$PWD: jixiao \$*" > "$W/logs/cmd.\$\$"
exec $VG --log-file="$W/logs/vg.%p.log" "$ROOT/jixiao" "\$@"
EOF
chmod +x "$W/jixiao"
passed=0 failed=0

echo "== unit tests"
if $VG build/unit-tests > "$W/unit.log" 2>&1; then passed=$((passed + 1)); echo "ok   unit tests: $(tail -n 1 "$W/unit.log")"
else failed=$((failed + 1)); echo "FAIL unit tests:"; grep -v '^ok ' "$W/unit.log" | tail -n 30; fi

for f in ${*:-/}; do
  echo "== tests matching '$f' under valgrind"
  sh tests/run.sh "$W/jixiao" /nonexistent "$f" > "$W/cli.log" 2>&1
  grep -v '^ok ' "$W/cli.log"
  p=$(tail -n 1 "$W/cli.log" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  q=$(tail -n 1 "$W/cli.log" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${q:-1}))
done
# Reports valgrind wrote for calls whose exit status the cases expected anyway.
for log in "$W"/logs/vg.*.log; do
  [ -s "$log" ] || continue
  failed=$((failed + 1))
  pid=${log##*/vg.}; pid=${pid%.log}
  echo "FAIL valgrind report ($log), from: $(cat "$W/logs/cmd.$pid" 2>/dev/null || echo '?')"; head -n 40 "$log"
done

echo "== fuzz targets over their seeds and regressions"
for src in tests/fuzz/fuzz_*.c; do
  t=$(basename "$src" .c)
  case $t in fuzz_model) seeds=table ;; *) seeds=${t#fuzz_} ;; esac
  reg=tests/fuzz/regressions/$t; [ -d "$reg" ] || reg=
  if $VG "build/fuzz-replay/$t" "tests/fuzz/corpus/$seeds" $reg > "$W/fz.log" 2>&1; then
    passed=$((passed + 1)); echo "ok   $t: $(tail -n 1 "$W/fz.log")"
  else
    failed=$((failed + 1)); echo "FAIL $t:"; tail -n 40 "$W/fz.log"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
