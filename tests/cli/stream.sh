# The awk-style mode of jixiao run: callbacks over streamed tables.
SEED=tests/data/000_657db78fa8902e38.txt
GB=tests/data/enc/gb18030.txt
BIN=tests/data/variants/binary.bin
golden stream_sum 0 "$JX" run tests/lua/fixtures/stream_sum.lua "$SEED" "$GB"
golden stream_fields 0 "$JX" run tests/lua/fixtures/stream_fields.lua "$SEED"
golden stream_kept 0 "$JX" run tests/lua/fixtures/stream_kept.lua "$SEED"
golden stream_document 0 "$JX" run tests/lua/fixtures/stream_document.lua "$SEED" "$GB"
golden stream_error 1 "$JX" run tests/lua/fixtures/stream_error.lua "$SEED"
golden stream_document_error 1 "$JX" run tests/lua/fixtures/stream_document_error.lua "$SEED" "$GB"
golden stream_bad_input 2 "$JX" run tests/lua/fixtures/stream_sum.lua "$SEED" "$BIN" "$GB"
check stream_no_callbacks_no_read "\"$JX\" -e 'print(1)' $BIN | grep -x 1"
check stream_same_as_loaded "\"$JX\" run tests/lua/fixtures/stream_compare.lua $SEED $GB | grep -c 'same\$' | grep -qx 2"
