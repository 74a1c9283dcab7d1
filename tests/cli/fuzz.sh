# Fuzz targets without libFuzzer: each tests/fuzz/fuzz_*.c linked with an
# ordinary main (tests/fuzz/replay.c) replays its seed corpus and every saved
# crash in tests/fuzz/regressions/TARGET/, with the same build flavour as the
# binary under test (sanitizers under `make test-asan`).
case $JX in
  *-asan) dir=build/fuzz-replay-asan goal=fuzz-replay-asan ;;
  *) dir=build/fuzz-replay goal=fuzz-replay ;;
esac
check fuzz_replay_build "${MAKE:-make} -s $goal"
for src in tests/fuzz/fuzz_*.c; do
  t=$(basename "$src" .c)
  case $t in fuzz_model) seeds=table ;; *) seeds=${t#fuzz_} ;; esac
  reg=tests/fuzz/regressions/$t
  [ -d "$reg" ] || reg=
  check "fuzz_replay_${t#fuzz_}" "$dir/$t tests/fuzz/corpus/$seeds $reg"
done
check fuzz_regressions_present "test \$(find tests/fuzz/regressions -type f | wc -l) -ge 1"
