# Test servers for the upload tests, sourced by tests/cli/upload.sh: each
# listens on a free loopback port, keeps everything under a directory of its
# own and is stopped by http_stop_all (also on exit).
#   http_start_py DIR      python server.py  -> PY_PORT, PY_LOG, PY_PID
#   http_start_nginx DIR   nginx WebDAV+auth -> NG_PORT, NG_ROOT, NG_PID,
#                          NG_USER, NG_PASS (basic-auth credentials)
# Debian's interpreter when there is one: a version manager's shim in PATH
# can cost a second per start, and the tests start python often.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
HTTP_DIR=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd)/http
[ -f "$HTTP_DIR/server.py" ] || HTTP_DIR="$ROOT/tests/http"
_http_pids="" _http_dirs=""

_free_port() {
  $PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most 10 s) until something accepts connections on port $1.
_wait_port() {
  $PYTHON - "$1" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

http_start_py() {
  mkdir -p "$1"
  PY_LOG="$1/requests.jsonl"
  : > "$PY_LOG"
  $PYTHON "$HTTP_DIR/server.py" --port-file "$1/port" --log "$PY_LOG" --lifetime 600 ${PY_TOKEN:+--token "$PY_TOKEN"} \
    > "$1/server.err" 2>&1 &
  PY_PID=$!
  _http_pids="$_http_pids $PY_PID"
  i=0
  while [ ! -s "$1/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  PY_PORT=$(cat "$1/port" 2>/dev/null)
  [ -n "$PY_PORT" ]
}

http_start_nginx() {
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$NGINX" ] || { echo "nginx is not installed (sh .ci/deps --install-test)"; return 1; }
  NG=$1
  # As root the workers run as nobody, who must reach the tree: a scratch
  # directory made by mktemp (mode 0700) will not do, so take one in /tmp.
  if [ "$(id -u)" = 0 ]; then
    NG=$(mktemp -d /tmp/jixiao-nginx.XXXXXX) || return 1
    _http_dirs="$_http_dirs $NG"
  fi
  mkdir -p "$NG/www/dav" "$NG/tmp"
  chmod 755 "$NG" "$NG/www" "$NG/www/dav"
  NG_USER=jx NG_PASS="pw-$(date +%s)"
  $PYTHON -c 'import base64, hashlib, sys; print("%s:{SHA}%s" % (sys.argv[1], base64.b64encode(hashlib.sha1(sys.argv[2].encode()).digest()).decode()))' \
    "$NG_USER" "$NG_PASS" > "$NG/htpasswd"
  chmod 644 "$NG/htpasswd"
  user=""
  if [ "$(id -u)" = 0 ]; then
    user="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
    chown -R nobody "$NG/www" "$NG/tmp"
  fi
  for try in 1 2 3; do
    NG_PORT=$(_free_port)
    sed -e "s|@PREFIX@|$NG|g" -e "s|@PORT@|$NG_PORT|g" -e "s|@USER@|$user|" "$HTTP_DIR/nginx.conf" > "$NG/nginx.conf"
    "$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" > "$NG/stderr" 2>&1 &
    NG_PID=$!
    if _wait_port "$NG_PORT"; then
      _http_pids="$_http_pids $NG_PID"
      NG_ROOT="$NG/www"
      return 0
    fi
    kill "$NG_PID" 2>/dev/null
  done
  echo "nginx did not start: $(tail -n 3 "$NG/error.log" "$NG/stderr" 2>/dev/null)"
  return 1
}

http_stop_all() {
  for p in $_http_pids; do kill "$p" 2>/dev/null; done
  for p in $_http_pids; do wait "$p" 2>/dev/null; done
  for d in $_http_dirs; do rm -rf "$d"; done
  _http_pids="" _http_dirs=""
}
