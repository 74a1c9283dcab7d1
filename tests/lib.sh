#!/bin/sh
# Helpers for golden CLI cases. A case file (tests/cli/NAME.sh) is sourced here
# from the repository root with $JX (the binary under test), $ROOT and a scratch
# directory $S (fresh per case file, removed afterwards). Each helper call is one test:
#   golden NAME RC CMD...   run CMD; stdout must equal tests/golden/NAME.out
#                           (stderr to tests/golden/NAME.err if that file exists)
#                           and the exit status must be RC
#   check NAME CMD...       run CMD (a shell command string); passes if it exits 0
# UPDATE=1 writes the golden files instead of comparing.
# A case reads all of jixiao's output (grep, not grep -q or head, on a pipe
# from jixiao): a reader that leaves early kills jixiao with SIGPIPE halfway
# through, which is right for a filter but makes memcheck (tests/bad/valgrind.sh)
# report the memory it was still using.
S=$(mktemp -d "${TMPDIR:-/tmp}/jixiao-case.XXXXXX")
trap 'rm -rf "$S"' EXIT INT TERM
G="$ROOT/tests/golden"
_p=0 _f=0

_fail() { echo "FAIL cli $1: $2"; _f=$((_f + 1)); }
_ok() { echo "ok   cli $1"; _p=$((_p + 1)); }

golden() {
  name=$1 want_rc=$2; shift 2
  "$@" > "$S/out" 2> "$S/err"
  rc=$?
  if [ "${UPDATE:-}" = 1 ]; then
    mkdir -p "$G"; cp "$S/out" "$G/$name.out"
    [ -f "$G/$name.err" ] && cp "$S/err" "$G/$name.err"
  fi
  if [ "$rc" != "$want_rc" ]; then
    _fail "$name" "exit $rc, expected $want_rc; stderr: $(head -c 400 "$S/err")"; return
  fi
  if ! cmp -s "$S/out" "$G/$name.out"; then
    _fail "$name" "stdout differs from tests/golden/$name.out:"
    diff "$G/$name.out" "$S/out" | head -n 20; return
  fi
  if [ -f "$G/$name.err" ] && ! cmp -s "$S/err" "$G/$name.err"; then
    _fail "$name" "stderr differs from tests/golden/$name.err:"
    diff "$G/$name.err" "$S/err" | head -n 20; return
  fi
  _ok "$name"
}

check() {
  name=$1; shift
  if ( eval "$1" ) > "$S/check.log" 2>&1; then _ok "$name"
  else _fail "$name" "$(tail -n 5 "$S/check.log")"; fi
}

. "$1"
echo "counts $_p $_f"
