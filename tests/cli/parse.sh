# jixiao parse: the seed in every output format, every encoding and export
# variant of it reading to the same model, and broken inputs failing clearly.
SEED=tests/data/000_657db78fa8902e38.txt
V=tests/data/variants
E=tests/data/enc

golden parse_seed_json 0 "$JX" parse "$SEED"
golden parse_seed_summary 0 "$JX" parse --format summary "$SEED"
golden parse_seed_csv 0 "$JX" parse --format csv "$SEED"
golden parse_seed_jsonl 0 "$JX" parse --format jsonl "$SEED"
golden parse_stdin_summary 0 sh -c "\"$JX\" parse --format summary - < $SEED"

# The same model whatever the encoding, line ends or delimiter.
"$JX" parse --format csv "$SEED" | python3 tests/cli/csvproj.py > "$S/seed.proj"
for f in utf8_bom.txt gb18030.txt utf16le_bom.txt utf16be_bom.txt utf16le_bom_crlf.txt crlf.txt cr.txt comma.csv; do
  check "parse_same_model_$f" "\"$JX\" parse --format csv $E/$f | python3 tests/cli/csvproj.py | cmp - \"$S/seed.proj\""
done
check parse_encoding_reported "\"$JX\" parse $E/gb18030.txt | grep '\"encoding\": \"gb18030\"'"
check parse_forced_encoding "\"$JX\" parse --encoding gbk --format csv $E/gb18030.txt | python3 tests/cli/csvproj.py | cmp - \"$S/seed.proj\""

# Export variants of the layout: cells, labels, order, header depth, values.
# Rows 4-6 are written already repaired in these, so the model matches the
# seed's realigned model.
"$JX" parse --format csv "$V/renamed.txt" | python3 tests/cli/csvproj.py > "$S/renamed.proj"
for f in quoted.txt fullwidth.txt renamed.txt reordered.txt header2.txt; do
  golden "parse_variant_${f%.txt}" 0 "$JX" parse --format csv "$V/$f"
done
"$JX" parse --format csv "$SEED" | python3 tests/cli/csvproj.py -x rate_text > "$S/seed-norate.proj"
check parse_fullwidth_same "\"$JX\" parse --format csv $V/fullwidth.txt | python3 tests/cli/csvproj.py -x rate_text | cmp - \"$S/seed-norate.proj\""
check parse_realigned_as_written_by_hand "cmp \"$S/renamed.proj\" \"$S/seed.proj\""
check parse_renamed_same_as_reordered "\"$JX\" parse --format csv $V/reordered.txt | python3 tests/cli/csvproj.py | cmp - \"$S/renamed.proj\""
check parse_header2_same_as_renamed "\"$JX\" parse --format csv $V/header2.txt | python3 tests/cli/csvproj.py | cmp - \"$S/renamed.proj\""
check parse_missing_columns_absent "\"$JX\" parse $V/missing.txt | grep '\"rate\": {' && ! \"$JX\" parse $V/missing.txt | grep '\"other\":'"
golden parse_variant_missing 0 "$JX" parse --format csv "$V/missing.txt"
golden parse_variant_yuan 0 "$JX" parse --format summary "$V/yuan.txt"
golden parse_variant_total_row 0 "$JX" parse --format summary "$V/total-row.txt"
check parse_total_row_kind "\"$JX\" parse $V/total-row.txt | grep '\"kind\": \"total\"'"
check parse_note_row_kept_as_diag "\"$JX\" parse $V/total-row.txt | grep 'note-row'"
golden parse_no_realign 0 "$JX" parse --no-realign --format summary "$SEED"

# Several files in one call: a JSON array, one CSV header.
check parse_many_json_array "\"$JX\" parse $SEED $E/crlf.txt | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d)==2 and all(len(x[\"projects\"])==6 for x in d)'"
check parse_many_csv_one_header "test \$(\"$JX\" parse --format csv $SEED $E/crlf.txt | grep -c '^source,') = 1"

# Output file: written atomically, and not at all when an input fails.
check parse_output_file "\"$JX\" parse -o $S/out.json $SEED && python3 -c 'import json; json.load(open(\"$S/out.json\"))'"
check parse_output_not_written_on_failure "! \"$JX\" parse -o $S/bad.json $SEED $V/binary.bin 2>/dev/null && test ! -e $S/bad.json && test -z \"\$(ls $S | grep bad.json)\""
check parse_output_full_disk "! \"$JX\" parse -o /dev/full/x.json $SEED 2>$S/full.err && grep -q 'cannot create' $S/full.err"

# Broken inputs: a clear message naming the file, a non-zero exit, no crash.
golden parse_err_empty 2 "$JX" parse "$V/empty.txt"
golden parse_err_only_bom 2 "$JX" parse "$V/only-bom.txt"
golden parse_err_header_only 0 "$JX" parse --format summary "$V/header-only.txt"
golden parse_err_truncated 2 "$JX" parse --format summary "$V/truncated.txt"
golden parse_err_binary 2 "$JX" parse "$V/binary.bin"
golden parse_err_not_a_table 2 "$JX" parse "$V/not-a-table.txt"
golden parse_err_mixed_encoding 2 "$JX" parse --format summary "$V/mixed-encoding.txt"
golden parse_err_pdf 2 "$JX" parse "$E/sample.pdf"
golden parse_err_xlsx 2 "$JX" parse "$E/sample.xlsx"
golden parse_err_directory 2 "$JX" parse tests/data
golden parse_err_missing_file 2 "$JX" parse tests/data/no-such-file.txt
golden parse_err_bad_format 2 "$JX" parse --format xml "$SEED"
golden parse_err_bad_encoding 2 "$JX" parse --encoding latin9 "$SEED"
golden parse_err_no_input 2 "$JX" parse
golden parse_err_wrong_encoding 2 "$JX" parse --encoding utf-16le "$SEED"
check parse_err_partial_keeps_good "\"$JX\" parse --format csv $SEED $V/binary.bin 2>/dev/null | grep -c '^tests' | grep -qx 6"
golden parse_help 0 "$JX" help parse

golden parse_truncated_row 0 "$JX" parse --format summary "$V/truncated-row.txt"
