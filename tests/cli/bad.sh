# Bad inputs: what an office export gets wrong, each with its exact message
# and exit status (tests/golden/bad_*), limits exceeded and raised, unreadable
# inputs and unwritable outputs, and never a partial output file. Small files
# are in tests/bad/ (python3 tests/bad/make.py), large ones made here in $S.
# The inputs tests/cli/parse.sh already covers are used in place: empty,
# only a BOM, a header with no data, cut inside UTF-8, binary, not a table,
# mixed encodings, PDF, XLSX, a directory, a missing file, CR-only line ends.
B=tests/bad
V=tests/data/variants
E=tests/data/enc
SEED=tests/data/000_657db78fa8902e38.txt
M="python3 tests/bad/measure.py"

# ---- encodings and bytes ----
golden bad_nul_in_cell 2 "$JX" parse "$B/nul-in-cell.txt"
golden bad_control_bytes 2 "$JX" parse "$B/control-bytes.txt"
golden bad_utf8_cut_mid 2 "$JX" parse --format summary "$B/utf8-cut-mid.txt"
golden bad_gb18030_cut_mid 2 "$JX" parse "$B/gb18030-cut-mid.txt"
golden bad_gb18030_cut_mid_forced 2 "$JX" parse --format summary --encoding gb18030 "$B/gb18030-cut-mid.txt"
golden bad_gb18030_truncated 2 "$JX" parse "$E/truncated_gb18030.txt"
golden bad_utf16_odd_length 2 "$JX" parse --format summary "$B/utf16-odd.txt"
golden bad_utf16_no_bom 2 "$JX" parse "$B/utf16-nobom.txt"
golden bad_utf16_nul 2 "$JX" parse --format summary "$B/utf16-nul.txt"
golden bad_xls 2 "$JX" parse "$E/sample.xls"
golden bad_html_as_xls 2 "$JX" parse "$B/html-table.xls"
"$JX" parse --format csv "$SEED" | python3 tests/cli/csvproj.py > "$S/seed.proj"
check bad_utf16_no_bom_forced "\"$JX\" parse --encoding utf-16le --format csv $B/utf16-nobom.txt | python3 tests/cli/csvproj.py | cmp - $S/seed.proj"

# ---- structure ----
golden bad_unterminated_quote 2 "$JX" parse --format summary "$B/unterminated-quote.txt"
golden bad_repeated_header 0 "$JX" parse --format summary "$B/repeated-header.txt"
check bad_repeated_header_same_projects "\"$JX\" parse --format csv $B/repeated-header.txt | python3 tests/cli/csvproj.py | cmp - $S/seed.proj"
golden bad_duplicate_columns 0 "$JX" parse --format summary "$B/duplicate-columns.txt"
check bad_duplicate_columns_kept "\"$JX\" parse $B/duplicate-columns.txt | grep '\"项目名称\": \"办公设备购置\"'"
golden bad_no_name_column 2 "$JX" parse "$B/no-name-column.txt"
golden bad_header_deep 2 "$JX" parse "$B/header-deep.txt"
check bad_header_deep_raised "\"$JX\" parse --max-header-rows 10 --format csv $B/header-deep.txt | grep -c '^tests' | grep -qx 6"

# ---- limits: each exceeded with its message, then raised ----
python3 tests/bad/make.py --big "$S"
in_s() { sh -c "cd '$S' && \"\$@\"" sh "$@"; }
golden bad_limit_cols_10000 2 in_s "$JX" parse cols-10000.txt
check bad_limit_cols_10000_raised "\"$JX\" parse --max-cols 10000 --format csv $S/cols-10000.txt | grep -c ',project,' | grep -qx 20"
golden bad_limit_cell_100mb 2 in_s "$JX" parse cell-100mb.txt
golden bad_limit_cell_100mb_record 2 in_s "$JX" parse --max-cell 200000000 cell-100mb.txt
check bad_limit_cell_100mb_raised "$M --max-rss-mb 1024 \"$JX\" parse --max-cell 200000000 --max-record 200000000 --format csv $S/cell-100mb.txt | grep -c ',project,' | grep -qx 1"
golden bad_limit_line_70mb 2 in_s "$JX" parse line-70mb.txt
check bad_limit_line_70mb_raised "$M --max-rss-mb 1024 \"$JX\" parse --max-record 100000000 --format summary $S/line-70mb.txt > /dev/null"
golden bad_nul_after_64k 2 in_s "$JX" parse --format csv nul-after-64k.txt
golden bad_gbk_after_64k 2 in_s "$JX" parse --format csv gbk-after-64k.txt
golden bad_header_only_past_64k 0 in_s timeout 120 "$JX" parse --format summary header-only-past-64k.txt
# A 3 MB merged header label over 2,000 columns: paths are capped, not copied whole.
check bad_header_bomb_bounded "$M --max-rss-mb 300 \"$JX\" parse --format summary $S/header-bomb.txt > /dev/null"
# A 2 GB log on standard input: given up on after 200 rows, not read to the end.
golden bad_log_2gb_stdin 2 sh -c "yes '2024-01-01 12:00:00 INFO request served in 3 ms' | head -c 2000000000 | \"$JX\" parse -"

# ---- unreadable inputs ----
golden bad_read_error 2 "$JX" parse /proc/self/mem
golden bad_stdin_closed 2 sh -c "\"$JX\" parse - <&-"
mkdir -p "$S/locked" && cp "$SEED" "$S/locked/t.txt" && chmod 000 "$S/locked/t.txt" && chmod 755 "$S" "$S/locked"
if [ "$(id -u)" != 0 ]; then
  golden bad_unreadable 2 sh -c "cd '$S/locked' && \"$JX\" parse t.txt"
elif command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null; then
  # root reads anything: the file is read as nobody instead
  golden bad_unreadable 2 sh -c "cd '$S/locked' && setpriv --reuid=65534 --regid=65534 --clear-groups \"$JX\" parse t.txt"
else
  echo "skip cli bad_unreadable: running as root without setpriv, so no file is unreadable"
fi

# ---- outputs ----
# A failing input never leaves the output file, nor its temporary, behind.
for f in "$B/nul-in-cell.txt" "$B/utf8-cut-mid.txt" "$B/unterminated-quote.txt" "$B/header-deep.txt" \
         "$B/gb18030-cut-mid.txt" "$B/utf16-odd.txt" "$V/empty.txt" "$V/truncated.txt" "$V/binary.bin" \
         "$S/cols-10000.txt" "$S/cell-100mb.txt" "$S/nul-after-64k.txt"; do
  n=$(basename "$f")
  check "bad_no_partial_output_$n" "mkdir -p $S/o-$n && ! \"$JX\" parse -o $S/o-$n/out.json $SEED $f 2> /dev/null && test -z \"\$(ls -A $S/o-$n)\""
done
check bad_output_kept_on_failure "mkdir -p $S/keep && echo old > $S/keep/out.json && ! \"$JX\" parse -o $S/keep/out.json $B/utf8-cut-mid.txt 2> /dev/null && test \"\$(cat $S/keep/out.json)\" = old && test \$(ls -A $S/keep | wc -l) = 1"
# A full disk: a 16 KiB tmpfs takes none of the 46 KB model; the old file stays.
mkdir -p "$S/tiny"
if mount -t tmpfs -o size=16k tmpfs "$S/tiny" 2> /dev/null; then
  echo old > "$S/tiny/out.json"
  golden bad_disk_full 2 sh -c "cd '$S/tiny' && \"$JX\" parse -o out.json '$ROOT/$SEED'"
  check bad_disk_full_old_file_kept "test \"\$(cat $S/tiny/out.json)\" = old && test \$(ls -A $S/tiny | wc -l) = 1"
  umount "$S/tiny"
else
  echo "skip cli bad_disk_full: cannot mount a tmpfs here (not root?); /dev/full below still covers ENOSPC"
fi
ln -s /dev/full "$S/full"
golden bad_output_dev_full 2 sh -c "cd '$S' && \"$JX\" parse -o full '$ROOT/$SEED'"
check bad_output_dev_full_link_kept "test -L $S/full && test -c /dev/full"
mkfifo "$S/fifo"
check bad_output_fifo_written_in_place "(timeout 20 cat $S/fifo > $S/fifo.got &) && \"$JX\" parse --format csv -o $S/fifo $SEED && sleep 1 && test -p $S/fifo && python3 tests/cli/csvproj.py < $S/fifo.got | cmp - $S/seed.proj"
check bad_output_symlink_target_replaced "echo x > $S/real && ln -s real $S/link && \"$JX\" parse -o $S/link $SEED && test -L $S/link && test -s $S/real"
check bad_output_mode_kept "echo x > $S/mode.json && chmod 640 $S/mode.json && \"$JX\" parse -o $S/mode.json $SEED && test \$(stat -c %a $S/mode.json) = 640"
golden bad_output_missing_dir 2 sh -c "cd '$S' && \"$JX\" parse -o no-such-dir/out.json '$ROOT/$SEED'"
golden bad_output_is_dir 2 sh -c "cd '$S' && \"$JX\" parse -o locked '$ROOT/$SEED'"
