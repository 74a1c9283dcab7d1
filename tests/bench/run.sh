#!/bin/sh
# make bench: installs the comparison tools when they are missing (Debian
# packages, as root; otherwise says what to install and benchmarks without
# them), then hands over to bench.py, which builds or reuses the corpus under
# build/bench/, checks jixiao's output against the corpus's truth and prints
# the table (also saved to build/bench/latest.txt).
set -e
cd "$(dirname "$0")/../.."

missing=""
command -v gawk >/dev/null 2>&1 || missing="$missing gawk"
command -v lua5.4 >/dev/null 2>&1 || missing="$missing lua5.4"
command -v mlr >/dev/null 2>&1 || missing="$missing miller"
[ -x /usr/bin/time ] || missing="$missing time"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing$missing" >&2
        # An image whose package lists were never fetched knows no packages.
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; } ||
            echo "bench: could not install$missing; those columns are left out" >&2
    else
        echo "bench: missing$missing; install them with: apt-get install -y$missing (those columns are left out)" >&2
    fi
fi
if [ ! -x /usr/bin/time ] || ! command -v python3 >/dev/null 2>&1; then
    echo "bench: needs /usr/bin/time and python3" >&2
    exit 2
fi
exec python3 tests/bench/bench.py "$@"
