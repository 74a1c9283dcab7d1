# jixiao run, jixiao -e and jixiao version (sourced by tests/lib.sh).
F=tests/lua/fixtures

golden run_error 1 "$JX" run $F/error.lua
check run_error_names_line "$JX run $F/error.lua 2>&1 | grep '^jixiao: $F/error.lua:3: boom: bad cell\$'"
check run_error_traceback "$JX run $F/error.lua 2>&1 | grep '^stack traceback:\$'"
golden run_missing 2 "$JX" run $F/no-such-script.lua
golden run_no_script 2 "$JX" run
golden run_unknown_option 2 "$JX" run --frobnicate $F/args.lua
check run_help "$JX run --help | grep '^usage: jixiao run'"
golden run_args 0 "$JX" run $F/args.lua a.txt b.txt -- x -- y
golden run_dashdash_script 0 "$JX" run -- $F/args.lua
golden run_callbacks 0 "$JX" run $F/callbacks.lua f.txt -- p q
golden run_exit 3 "$JX" -e 'io.write("partial ") os.exit(3)'
golden e_print 0 "$JX" -e 'print(1+1)'
golden e_syntax 1 "$JX" -e 'x = = 1'
golden e_missing_code 2 "$JX" -e
golden e_files_args 0 "$JX" -e 'print(#arg.files, #arg.args, arg[0])' t1.txt t2.txt -- z
golden version 0 "$JX" version
check version_flag "[ \"\$($JX --version)\" = \"\$($JX version)\" ]"
check version_verbose "$JX version --verbose | grep '^libcurl/'"
golden version_bad_option 2 "$JX" version --bogus
check version_without_libcurl "! ldd $JX | grep libcurl"
