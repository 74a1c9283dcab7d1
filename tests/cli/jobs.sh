# -j N: parse, check and score over many inputs with worker processes. Output,
# messages and exit status must be byte for byte those of one process,
# whatever the order the workers finish in, in every format; failing inputs
# anywhere in the list included.
SEED=tests/data/000_657db78fa8902e38.txt
GB=tests/data/enc/gb18030.txt
ALL=$(find tests/data/variants tests/data/enc tests/data/check tests/data/years -type f \( -name '*.txt' -o -name '*.csv' \) | sort | tr '\n' ' ')

# same_as_serial CMD FORMAT JOBS INPUTS...: compares -j JOBS with one process.
same_as_serial() {
  cmd=$1 fmt=$2 j=$3; shift 3
  "$JX" "$cmd" --format "$fmt" "$@" > "$S/one.out" 2> "$S/one.err"; a=$?
  "$JX" "$cmd" -j "$j" --format "$fmt" "$@" > "$S/par.out" 2> "$S/par.err"; b=$?
  [ "$a" = "$b" ] || { echo "exit $a with one process, $b with -j $j"; return 1; }
  cmp "$S/one.out" "$S/par.out" || { diff "$S/one.out" "$S/par.out" | head -n 10; return 1; }
  cmp "$S/one.err" "$S/par.err" || { diff "$S/one.err" "$S/par.err" | head -n 10; return 1; }
}

for fmt in json jsonl csv summary; do
  check "jobs_parse_${fmt}_all" "same_as_serial parse $fmt 2 $ALL"
  check "jobs_parse_${fmt}_first_inputs_fail" "same_as_serial parse $fmt 3 $S/missing.txt tests/data tests/data/variants/binary.bin $SEED $GB $SEED"
  check "jobs_parse_${fmt}_all_fail" "same_as_serial parse $fmt 2 $S/missing.txt tests/data tests/data/variants/binary.bin"
done
for fmt in text json; do
  check "jobs_check_${fmt}_all" "same_as_serial check $fmt 2 $ALL"
  check "jobs_check_${fmt}_more_jobs_than_inputs" "same_as_serial check $fmt 8 $S/missing.txt $SEED tests/data $GB"
  check "jobs_check_${fmt}_all_fail" "same_as_serial check $fmt 3 $S/missing.txt tests/data"
done
for fmt in text json; do
  check "jobs_score_${fmt}_all" "same_as_serial score $fmt 2 $ALL $(find tests/data/score -type f -name '*.txt' | sort | tr '\n' ' ')"
  check "jobs_score_${fmt}_first_inputs_fail" "same_as_serial score $fmt 3 $S/missing.txt tests/data $SEED $GB"
done
check jobs_score_profile_output_file "\"$JX\" score -j 2 --profile hebei --format json -o $S/s.json $SEED $GB $SEED; a=\$?
  \"$JX\" score --profile hebei --format json $SEED $GB $SEED > $S/one.json; test \$a = \$? && cmp $S/s.json $S/one.json"
check jobs_check_user_rules "printf 'return {{id=\"x-rule\", severity=\"warning\", doc=\"d\", project=function(p, doc, report) report(\"seen\") end}}\n' > $S/r.lua
  \"$JX\" check --rules $S/r.lua $ALL > $S/a 2> $S/ae; a=\$?
  \"$JX\" check -j 2 --rules $S/r.lua $ALL > $S/b 2> $S/be; b=\$?
  test \$a = \$b && cmp $S/a $S/b && cmp $S/ae $S/be && grep -q x-rule $S/a"
check jobs_stdin "cat $SEED | \"$JX\" parse -j 2 --format csv - $GB > $S/a && cat $SEED | \"$JX\" parse --format csv - $GB > $S/b && cmp $S/a $S/b && test \$(wc -l < $S/a) -gt 8"
check jobs_zero_is_per_cpu "\"$JX\" parse -j 0 --format csv $SEED $GB > $S/a && \"$JX\" parse --jobs=2 --format csv $SEED $GB > $S/b && cmp $S/a $S/b"
check jobs_output_file "\"$JX\" check -j 2 --format json -o $S/r.json $ALL 2> /dev/null; a=\$?; \"$JX\" check --format json $ALL > $S/one.json 2> /dev/null; test \$a = \$? && cmp $S/r.json $S/one.json"
check jobs_output_file_not_written_on_failure "! \"$JX\" parse -j 2 -o $S/p.json $SEED $S/missing.txt $GB 2> $S/e && test ! -e $S/p.json && grep -q 'not written: 1 of 3 inputs failed' $S/e && test -z \"\$(ls $S | grep '^p.json')\""
check jobs_bad_value "\"$JX\" parse -j x $SEED 2> $S/e; test \$? = 2 && grep -qx \"jixiao: -j: 'x' is not a number >= 0\" $S/e"
check jobs_missing_value "\"$JX\" check $SEED -j 2> $S/e; test \$? = 2 && grep -q 'option -j needs a value' $S/e"

# live_worker PID: waits until both workers of PID have started and one has
# exited (run out of inputs), and prints the process id of the other.
live_worker() {
  n=0
  while :; do
    all= live=
    for c in $(pgrep -P "$1"); do
      all="$all $c"; grep -q '^State:.*Z' /proc/$c/status 2> /dev/null || live="$live $c"
    done
    set -- "$1" $live; [ $# = 2 ] && [ $(echo $all | wc -w) = 2 ] && { echo $2; return 0; }
    n=$((n + 1)); [ $n -lt 400 ] || return 1; sleep 0.05
  done
}

# A worker that dies: the input it was reading is reported as not read, the
# other worker reads the rest, and the exit status is 2. The first input is a
# FIFO nobody writes, so the worker that takes it is blocked when it is
# killed.
check jobs_worker_killed "mkfifo $S/fifo
  \"$JX\" parse -j 2 --format jsonl $S/fifo $SEED $GB > $S/k.out 2> $S/k.err & pid=\$!
  w=\$(live_worker \$pid) || exit 1
  kill -9 \$w; wait \$pid; rc=\$?
  test \$rc = 2 || { echo exit \$rc; exit 1; }
  grep -q \"^jixiao: worker [12] stopped before $S/fifo: it was killed by signal 9\" $S/k.err &&
  grep -q \"^jixiao parse: $S/fifo: not read: the worker reading it stopped\" $S/k.err &&
  test \$(grep -c 'not read' $S/k.err) = 1 &&
  \"$JX\" parse --format jsonl $SEED $GB > $S/seed.jsonl && cmp $S/k.out $S/seed.jsonl"

# Outputs of more than 64 KB go from the workers' files to the output in the
# kernel (sendfile): to a file, to -o, and through a pipe.
check jobs_large_outputs "python3 tests/bench/gen.py --out $S/corpus --seed 3 --big-projects 300 --small-files 1 > /dev/null &&
  same_as_serial parse json 2 $S/corpus/big.txt $SEED $S/corpus/big.txt &&
  test \$(wc -c < $S/one.out) -gt 1000000 &&
  \"$JX\" parse -j 2 --format json -o $S/big.json $S/corpus/big.txt $SEED $S/corpus/big.txt && cmp $S/big.json $S/one.out &&
  \"$JX\" parse -j 2 --format json $S/corpus/big.txt $SEED $S/corpus/big.txt | cat > $S/piped.json && cmp $S/piped.json $S/one.out"

# Many inputs: the workers take runs of consecutive inputs, so outputs,
# messages and the separators between documents must join up across the runs.
# MANY: 150 inputs, each under its own name so that messages tell them apart:
# copies of two tables, and a missing file, a directory and a binary file
# every few inputs.
mkdir -p "$S/in"
MANY= i=0
while [ $i -lt 150 ]; do
  case $((i % 11)) in
    3) f=$S/in/missing$i.txt ;;
    7) f=$S/in/b$i.bin; cp tests/data/variants/binary.bin "$f" ;;
    9) f=$S/in/d$i; mkdir "$f" ;;
    *) f=$S/in/t$i.txt; if [ $((i % 2)) = 0 ]; then cp $SEED "$f"; else cp $GB "$f"; fi ;;
  esac
  MANY="$MANY $f" i=$((i + 1))
done
for fmt in json jsonl csv summary; do
  check "jobs_many_parse_$fmt" "same_as_serial parse $fmt 2 $MANY && same_as_serial parse $fmt 3 $MANY && test \$(grep -c 'cannot open' $S/one.err) = 14"
done
for fmt in text json; do
  check "jobs_many_check_$fmt" "same_as_serial check $fmt 2 $MANY && same_as_serial check $fmt 3 $MANY"
  check "jobs_many_score_$fmt" "same_as_serial score $fmt 2 $MANY && same_as_serial score $fmt 3 $MANY"
done
# The first or last table alone, or every input failing: nothing for the
# separators to join.
check jobs_many_first_only "same_as_serial parse json 2 $S/in/t0.txt $(i=0; while [ $i -lt 40 ]; do printf ' %s' $S/in/missing$i.txt; i=$((i + 1)); done)"
check jobs_many_last_only "same_as_serial parse csv 2 $(i=0; while [ $i -lt 40 ]; do printf ' %s' $S/in/missing$i.txt; i=$((i + 1)); done) $S/in/t0.txt"
check jobs_many_all_fail "same_as_serial check json 2 $(i=0; while [ $i -lt 40 ]; do printf ' %s' $S/in/missing$i.txt; i=$((i + 1)); done)"

# kept_as_serial OUT ERR INPUTS...: after a run in which a worker stopped, the
# inputs not listed as not read must have given exactly the output and messages
# one process gives for them, in order.
kept_as_serial() {
  out=$1 err=$2; shift 2
  kept=
  for f in "$@"; do grep -qF "parse: $f: not read: the worker" "$err" || kept="$kept $f"; done
  "$JX" parse --format jsonl $kept > "$S/kept.out" 2> "$S/kept.err"
  cmp "$out" "$S/kept.out" || { echo "output differs from one process over the inputs read"; return 1; }
  grep -v ': not read: the worker\|^jixiao: worker ' "$err" | cmp - "$S/kept.err" ||
    { echo "messages differ from one process over the inputs read"; return 1; }
}

# Both workers killed, each blocked on a FIFO: the inputs nobody took are not
# read either.
check jobs_all_workers_killed "mkfifo $S/fifo1 $S/fifo2
  \"$JX\" parse -j 2 --format jsonl $S/fifo1 $S/fifo2 $SEED $GB > $S/a.out 2> $S/a.err & pid=\$!
  n=0; until [ \$(pgrep -P \$pid | wc -l) = 2 ]; do n=\$((n + 1)); [ \$n -lt 200 ] || exit 1; sleep 0.05; done
  sleep 0.3; kill -9 \$(pgrep -P \$pid); wait \$pid; rc=\$?
  test \$rc = 2 || { echo exit \$rc; exit 1; }
  test ! -s $S/a.out &&
  test \$(grep -c '^jixiao: worker [12] stopped before $S/fifo[12]: it was killed by signal 9' $S/a.err) = 2 &&
  grep -q \"^jixiao parse: $S/fifo1: not read: the worker reading it stopped\" $S/a.err &&
  grep -q \"^jixiao parse: $S/fifo2: not read: the worker reading it stopped\" $S/a.err &&
  grep -q \"^jixiao parse: $SEED: not read: the workers stopped\" $S/a.err &&
  grep -q \"^jixiao parse: $GB: not read: the workers stopped\" $S/a.err"

# A worker killed in the middle of a run: the inputs of the chunk it was
# reading are not read (a few), the other worker reads all the rest, and what
# was read is as one process makes it.
check jobs_worker_killed_mid_run "mkfifo $S/in/fifo
  \"$JX\" parse -j 2 --format jsonl \$(echo $MANY | cut -d' ' -f1-40) $S/in/fifo \$(echo $MANY | cut -d' ' -f41-80) > $S/m.out 2> $S/m.err & pid=\$!
  w=\$(live_worker \$pid) || exit 1
  kill -9 \$w; wait \$pid; rc=\$?
  test \$rc = 2 || { echo exit \$rc; exit 1; }
  n=\$(grep -c ': not read: the worker reading it stopped' $S/m.err); test \$n -ge 1 && test \$n -le 10 || { echo \$n not read; exit 1; }
  grep -q \"^jixiao: worker [12] stopped before .*: it was killed by signal 9\" $S/m.err &&
  grep -q \"^jixiao parse: $S/in/fifo: not read: the worker reading it stopped\" $S/m.err &&
  kept_as_serial $S/m.out $S/m.err \$(echo $MANY | cut -d' ' -f1-40) $S/in/fifo \$(echo $MANY | cut -d' ' -f41-80)"

# A worker that cannot write its temporary files (here: larger than the file
# size limit allows, with SIGXFSZ ignored so that the write fails) stops, and
# the inputs of the run it was reading are not read.
check jobs_worker_cannot_write "{ trap '' XFSZ; ulimit -f 1000; \"$JX\" parse -j 2 --format jsonl $MANY 2> $S/w.err; echo \$? > $S/w.rc; } | cat > $S/w.out
  test \$(cat $S/w.rc) = 2 || { echo exit \$(cat $S/w.rc); exit 1; }
  grep -q '^jixiao: worker [12] stopped before .*: it cannot write its temporary files (File too large)' $S/w.err &&
  test -s $S/w.out && kept_as_serial $S/w.out $S/w.err $MANY"

# A worker that cannot be set up (here: too few file descriptors for its
# temporary files) leaves its inputs to this process.
check jobs_worker_not_started "(ulimit -n 8; exec \"$JX\" parse -j 2 --format csv $SEED $GB $S/in/missing0.txt $SEED $GB) > $S/n.out 2> $S/n.err
  test \$? = 2 && grep -q '^jixiao: cannot set up worker 2 (Too many open files); it reads its inputs in this process' $S/n.err &&
  \"$JX\" parse --format csv $SEED $GB $S/in/missing0.txt $SEED $GB > $S/n1.out 2> $S/n1.err; cmp $S/n.out $S/n1.out &&
  grep -v '^jixiao: cannot set up' $S/n.err | cmp - $S/n1.err"
check jobs_no_worker_started "(ulimit -n 5; exec \"$JX\" parse -j 2 --format csv $SEED $GB $S/in/missing0.txt $SEED $GB) > $S/n.out 2> $S/n.err
  test \$? = 2 && grep -q '^jixiao: cannot set up worker 1 (Too many open files); it reads its inputs in this process' $S/n.err &&
  \"$JX\" parse --format csv $SEED $GB $S/in/missing0.txt $SEED $GB > $S/n1.out 2> $S/n1.err; cmp $S/n.out $S/n1.out &&
  grep -v '^jixiao: cannot set up' $S/n.err | cmp - $S/n1.err"
