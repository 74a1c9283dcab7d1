#!/bin/sh
# Where jixiao spends its time on jobs (a) and (d): flat perf profiles of
# `check --format json` and `parse --format json|csv` on slices of the
# benchmark's big table, and, with --callgrind, exact instruction counts with
# callers (valgrind; about 50× slower, so the check slice is kept small).
# Run `make bench` (or tests/bench/bench.py) once first: the slices are cut
# from its cached corpus.
#   sh tests/bench/profile.sh [--callgrind]
set -e
cd "$(dirname "$0")/../.."
JX=${BENCH_JIXIAO:-./jixiao}
big=$(ls -d build/bench/corpus-v*-s*/big.txt 2>/dev/null | head -1)
[ -n "$big" ] || { echo "profile: no corpus under build/bench; run make bench first" >&2; exit 2; }
dir=build/bench/profile
mkdir -p "$dir"
# 20 MB for the reader and the JSON writer; check is ~100× slower per byte.
head -c 20000000 "$big" | sed '$d' > "$dir/slice20.txt"
head -c 2000000 "$big" | sed '$d' > "$dir/slice2.txt"

top() { perf report -i "$1" --sort symbol --stdio 2>/dev/null | grep '%' | head -"${2:-15}"; }

if command -v perf >/dev/null 2>&1; then
    for job in "check --format json slice2" "parse --format json slice20" "parse --format csv slice20"; do
        set -- $job
        out="$dir/perf-$1-$3.data"
        perf record -q -o "$out" "$JX" "$1" "$2" "$3" "$dir/$4.txt" >/dev/null 2>&1 || true
        echo "== perf: jixiao $1 $2 $3 ($4)"
        top "$out"
    done
else
    echo "profile: perf not installed (apt-get install linux-perf)" >&2
fi

if [ "$1" = "--callgrind" ] || [ "$2" = "--callgrind" ]; then
    for job in "check --format json slice2" "parse --format json slice20"; do
        set -- $job
        out="$dir/callgrind-$1-$3.out"
        valgrind --tool=callgrind --callgrind-out-file="$out" "$JX" "$1" "$2" "$3" "$dir/$4.txt" >/dev/null 2>&1 || true
        echo "== callgrind, exclusive: jixiao $1 $2 $3 ($4)"
        callgrind_annotate --inclusive=no "$out" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | sed -n 2,16p
        echo "== callgrind, inclusive (jixiao's own functions)"
        callgrind_annotate --inclusive=yes "$out" 2>/dev/null | grep -E 'src/[a-z_]+\.c:|lpeg|lstrlib' | head -20
    done
fi
