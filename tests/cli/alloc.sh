# Allocation failure: tests/alloc/alloc_fail.c runs `jixiao parse -o` over
# several inputs with the N-th allocation failing, for every N; each run must
# end in a clean out-of-memory error or the unchanged output, with nothing
# leaked, no descriptor left open and no temporary file left behind. The
# harness replaces malloc, so it is built without sanitizers in both suites.
check alloc_fail_build "${MAKE:-make} -s build/alloc-fail"
mkdir -p "$S/once" "$S/after"
check alloc_fail_each_allocation "./build/alloc-fail $S/once > $S/once.log 2>&1 || { grep -A8 FAIL $S/once.log | head -n 40; false; }"
check alloc_fail_every_later_allocation "./build/alloc-fail $S/after --after > $S/after.log 2>&1 || { grep -A8 FAIL $S/after.log | head -n 40; false; }"
check alloc_fail_covered_every_input "test \$(grep -c '^ok ' $S/once.log) -ge 7 && grep -q '^[0-9]* runs, 0 failed' $S/once.log"
