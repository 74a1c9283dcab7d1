#!/bin/sh
# Runs every test against one binary: the C unit tests, then each tests/cli/*.sh
# (golden CLI cases, see tests/lib.sh), then tests/lua/*.lua inside jixiao.
# Usage: sh tests/run.sh ./jixiao build/unit-tests [FILTER]
# Ends with "N passed, N failed"; exits non-zero if anything failed.
# UPDATE=1 rewrites golden files from the current output.
JX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
UNIT=$2
FILTER=${3:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export JX ROOT
passed=0 failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/jixiao-test.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export T

if [ -x "$UNIT" ]; then
  "$UNIT" $FILTER > "$T/unit.log" 2>&1
  grep -v '^ok ' "$T/unit.log" | grep -v 'passed, .* failed$'
  p=$(tail -n 1 "$T/unit.log" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(tail -n 1 "$T/unit.log" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$p" ]; then echo "FAIL unit: the unit-test binary did not finish (crash?)"; p=0; f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  echo "unit: $p passed, $f failed"
fi

for script in "$ROOT"/tests/cli/*.sh; do
  [ -f "$script" ] || continue
  case "$script" in *"$FILTER"*) ;; *) continue ;; esac
  out=$(cd "$ROOT" && sh "$ROOT/tests/lib.sh" "$script" 2>&1)
  echo "$out" | grep -v '^ok ' | grep -v '^counts '
  p=$(echo "$out" | sed -n 's/^counts \([0-9]*\) \([0-9]*\)$/\1/p')
  f=$(echo "$out" | sed -n 's/^counts \([0-9]*\) \([0-9]*\)$/\2/p')
  if [ -z "$p" ]; then echo "FAIL cli $(basename "$script"): did not finish"; p=0; f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  echo "cli $(basename "$script" .sh): $p passed, $f failed"
done

for lt in "$ROOT"/tests/lua/*.lua; do
  [ -f "$lt" ] || continue
  case "$lt" in *"$FILTER"*) ;; *) continue ;; esac
  out=$(cd "$ROOT" && "$JX" run "$lt" 2>&1)
  rc=$?
  echo "$out" | grep -v '^ok ' | grep -v 'passed, .* failed$'
  p=$(echo "$out" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(echo "$out" | tail -n 1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$p" ] || { [ "$rc" != 0 ] && [ "$f" = 0 ]; }; then
    echo "FAIL lua $(basename "$lt"): exit $rc without a result line"; p=${p:-0}; f=$((${f:-0} + 1))
  fi
  passed=$((passed + p)); failed=$((failed + f))
  echo "lua $(basename "$lt" .lua): $p passed, $f failed"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
