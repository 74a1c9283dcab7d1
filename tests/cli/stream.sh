# The awk-style mode of jixiao run: callbacks over streamed tables.
SEED=tests/data/000_657db78fa8902e38.txt
golden stream_sum 0 "$JX" run tests/lua/fixtures/stream_sum.lua "$SEED" tests/data/enc/gb18030.txt
golden stream_fields 0 "$JX" run tests/lua/fixtures/stream_fields.lua "$SEED"
golden stream_error 1 "$JX" run tests/lua/fixtures/stream_error.lua "$SEED"
golden stream_bad_input 2 "$JX" run tests/lua/fixtures/stream_sum.lua "$SEED" tests/data/variants/binary.bin
check stream_no_callbacks_no_read "\"$JX\" -e 'print(1)' tests/data/variants/binary.bin | grep -qx 1"
