# jixiao run --sandbox, --max-memory and --timeout (sourced by tests/lib.sh);
# tests/lua/test_sandbox.lua tries each escape in detail.
F=tests/lua/fixtures
SEED=tests/data/000_657db78fa8902e38.txt
GB=tests/data/enc/gb18030.txt
mkdir -p "$S/outdir"
: > "$S/file"

check sandbox_help "$JX run --help | grep -- '--sandbox' && $JX run --help | grep -- '--max-memory SIZE' && $JX run --help | grep -- '--timeout N' && $JX run --help | grep -- '--allow-host HOST' && $JX run --help | grep -- '--encoding ENC'"
golden sandbox_escapes 0 "$JX" run --sandbox $F/sandbox_escapes.lua
check sandbox_escapes_nothing_written "[ ! -e /tmp/jixiao-sandbox-escape ]"

# Usage errors: exit 2 before anything runs.
golden sandbox_out_missing 2 "$JX" run --sandbox --out /nonexistent/jixiao-out -e 'print(1)'
check sandbox_out_not_dir "$JX run --sandbox --out $S/file -e 'print(1)' 2>&1 >/dev/null | grep -x 'jixiao run: --out $S/file: not a directory'; [ \$? = 0 ]"
golden sandbox_out_without_sandbox 2 "$JX" run --out "$S/outdir" -e 'print(1)'
golden sandbox_host_without_sandbox 2 "$JX" run --allow-host example.org -e 'print(1)'
golden sandbox_bad_host 2 "$JX" run --sandbox --allow-host https://example.org/ -e 'print(1)'
golden sandbox_host_with_port 2 "$JX" run --sandbox --allow-host example.org:8080 -e 'print(1)'
golden sandbox_bad_memory 2 "$JX" run --max-memory 64X -e 'print(1)'
golden sandbox_zero_memory 2 "$JX" run --max-memory 0 -e 'print(1)'
golden sandbox_bad_timeout 2 "$JX" run --timeout -5 -e 'print(1)'
golden sandbox_timeout_overflow 2 "$JX" run --timeout 99999999999999999999G -e 'print(1)'
golden sandbox_timeout_no_value 2 "$JX" run --timeout
golden sandbox_bad_encoding 2 "$JX" run --encoding latin1 -e 'print(1)'

# --timeout: an instruction budget; a pcall cannot swallow the error.
golden sandbox_timeout 1 "$JX" run --sandbox --timeout 1M -e 'while true do end'
check sandbox_timeout_pcall "$JX run --sandbox --timeout 1M -e 'while true do pcall(function() while true do end end) end' 2>&1 | sed -n 1p | grep -x 'jixiao: script exceeded --timeout 1M instructions'"
check sandbox_timeout_rc "$JX run --sandbox --timeout 1M -e 'while true do end' 2>/dev/null; [ \$? = 1 ]"
golden sandbox_timeout_unsandboxed 1 "$JX" run --timeout=2K -e 'local i = 0 while true do i = i + 1 end'
golden sandbox_timeout_enough 0 "$JX" run --timeout 1M -e 'local s = 0 for i = 1, 1000 do s = s + i end print(s)'

# --max-memory: an allocation past it fails, and the script is stopped even
# if it catches the error.
golden sandbox_memory 1 "$JX" run --sandbox --max-memory 8M -e 'local s = "x" while true do s = s .. s end'
golden sandbox_memory_caught 1 "$JX" run --sandbox --max-memory 8M -e 'print(pcall(string.rep, "x", 1e8)) print("after")'
golden sandbox_memory_table 1 "$JX" run --max-memory 4M -e 'local t = {} for i = 1, 1e9 do t[i] = {i} end'
golden sandbox_memory_enough 0 "$JX" run --max-memory 16M -e 'local t = {} for i = 1, 100 do t[i % 4] = ("x"):rep(1e6) end print(#t[0])'

# The callback mode, sandboxed and limited, with reader options.
golden sandbox_stream 0 "$JX" run --sandbox --out "$S/outdir" --timeout 100M --max-memory 64M $F/sandbox_stream.lua "$SEED" "$GB" -- a b
check sandbox_stream_wrote "[ \"\$(cat $S/outdir/summary.txt)\" = '12 576.98' ]"
golden sandbox_stream_encoding 0 "$JX" run --sandbox --encoding gb18030 $F/sandbox_stream.lua "$GB"
golden sandbox_stream_bad_input 2 "$JX" run --sandbox --encoding=utf-16le $F/sandbox_stream.lua "$SEED"
golden sandbox_stream_timeout 1 "$JX" run --sandbox --timeout 1M -e 'function project(p) print(p.name) while true do end end' "$SEED"
golden sandbox_stream_memory 1 "$JX" run --sandbox --max-memory 8M -e 'local t = {} function project(p) print(p.name) for i = 1, 1e7 do t[i] = ("x"):rep(64) .. i end end' "$SEED"
