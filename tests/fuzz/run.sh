#!/bin/sh
# Runs each fuzz target (built by `make fuzz-build`) for SECONDS, on a working
# corpus in build/fuzz/corpus/TARGET seeded from tests/fuzz/corpus/. Crash,
# leak and timeout inputs are written to build/fuzz/crashes/TARGET/; copy one
# to tests/fuzz/regressions/TARGET/ once its bug is fixed.
# Usage: sh tests/fuzz/run.sh SECONDS TARGET...
# FUZZ_ARGS adds libFuzzer options (a long session that keeps going after a
# crash: FUZZ_ARGS="-fork=1 -ignore_crashes=1 -ignore_timeouts=1");
# FUZZ_BIN runs binaries from another directory (a copy, so a rebuild during
# a long session does not swap them underneath it).
secs=${1:-60}; shift
B=build/fuzz
bin=${FUZZ_BIN:-$B/bin}
found=0
for t in "$@"; do
  case $t in
    fuzz_model) seeds=table ;;
    *) seeds=${t#fuzz_} ;;
  esac
  case $t in
    fuzz_json|fuzz_url|fuzz_http) dict= ;;
    *) dict=-dict=tests/fuzz/table.dict ;;
  esac
  mkdir -p "$B/corpus/$t" "$B/crashes/$t"
  echo "== $t: ${secs}s (seeds tests/fuzz/corpus/$seeds)"
  "$bin/$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$B/crashes/$t/" $dict ${FUZZ_ARGS:-} "$B/corpus/$t" "tests/fuzz/corpus/$seeds" \
    > "$B/$t.log" 2>&1
  rc=$?
  grep -aE '^#[0-9]+' "$B/$t.log" | tail -n 1
  saved=$(ls "$B/crashes/$t" | wc -l)
  if [ $rc != 0 ] || [ "$saved" != 0 ]; then
    found=$((found + 1))
    echo "!! $t: exit $rc, $saved inputs in $B/crashes/$t/; see $B/$t.log"
    grep -a -m 3 -E 'ERROR|fuzz check failed|SUMMARY' "$B/$t.log"
  fi
done
echo "fuzz: $# targets, $found with findings"
[ $found = 0 ]
