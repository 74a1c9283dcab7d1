# jixiao upload / jixiao outbox / scripts/check_and_upload.lua against real
# servers on 127.0.0.1: nginx (WebDAV PUT, basic auth) and tests/http/server.py
# (slow answers, dropped connections, 500 then 200, 429 with Retry-After, a
# CKAN-shaped API; it logs every request and dedupes by Idempotency-Key).
# Every record must arrive exactly once or stay in the outbox, retries must
# follow the rules, and no secret may show up in any output or outbox file.
# Sourced by tests/lib.sh (see there for golden/check).

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export XDG_STATE_HOME="$S/state"
. "$ROOT/tests/http/servers.sh"
trap 'http_stop_all; rm -rf "$S"' EXIT INT TERM

SECRET="portal-s3cr3t-$$-$(date +%s)"
export PORTAL_TOKEN="$SECRET"
export CKAN_TOKEN="ckan-s3cr3t-$$"
PY_TOKEN=$CKAN_TOKEN http_start_py "$S/py" || echo "FAIL cli upload: the python test server did not start"
http_start_nginx "$S/ng" > "$S/nginx.out" 2>&1 || echo "FAIL cli upload: $(cat "$S/nginx.out")"
export NG_AUTH="Basic $(printf '%s:%s' "$NG_USER" "$NG_PASS" | base64 | tr -d '\n')"
B=http://127.0.0.1:$PY_PORT
DAV=http://127.0.0.1:$NG_PORT/dav
OB=$S/ob
head -c 200000 /dev/urandom > "$S/small.bin"
head -c 5000000 /dev/urandom > "$S/big.bin"

# Runs jixiao, also appending everything it prints to $S/all.log (scanned for
# secrets at the end).
jx() {
  _o=$(mktemp "$S/out.XXXXXX")
  "$JX" "$@" > "$_o" 2> "$_o.err"
  _rc=$?
  cat "$_o" "$_o.err" >> "$S/all.log"
  cat "$_o"
  cat "$_o.err" >&2
  rm -f "$_o" "$_o.err"
  return $_rc
}

# q EXPR: evaluates a Python expression over R, the server's records.
q() {
  "$PYTHON" - "$PY_LOG" "$1" <<'PY'
import json, sys
R = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def reqs(name): return [r for r in R if r["event"] == "request" and r.get("query", {}).get("name") == name]
def dels(name): return [r for r in R if r["event"] == "delivered" and (r.get("query") or {}).get("name") == name]
def events(ev, name): return [r for r in R if r["event"] == ev and name in (r.get("path", "") + json.dumps(r.get("query", "")))]
print(eval(sys.argv[2]))
PY
}
# is EXPR VALUE: q EXPR must print VALUE.
is() {
  _v=$(q "$1")
  [ "$_v" = "$2" ] || { echo "$1 is $_v, expected $2"; return 1; }
}
entries() { "$JX" outbox --outbox "$1" list --format json | "$PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
now() { "$PYTHON" -c 'import time; print(time.time())'; }
# wait_for EXPR: polls q EXPR until it prints True (at most 15 s).
wait_for() {
  i=0
  while [ "$(q "$1")" != True ]; do
    i=$((i + 1)); [ $i -gt 150 ] && { echo "timed out waiting for $1"; return 1; }
    sleep 0.1
  done
}

# ---- usage ----
golden upload_help 0 "$JX" help upload
golden upload_outbox_help 0 "$JX" help outbox
golden upload_no_url 2 "$JX" upload
golden upload_form_and_file 2 "$JX" upload --form a=b http://127.0.0.1:9/ "$S/small.bin"
golden upload_missing_env 2 env -u JX_NOT_SET "$JX" upload --outbox "$S/ob-env" --header-env Authorization=JX_NOT_SET http://127.0.0.1:9/ "$S/small.bin"
check upload_missing_env_writes_nothing '[ ! -e "$S/ob-env" ] || [ "$(entries "$S/ob-env")" = 0 ]'
golden upload_outbox_empty 0 "$JX" outbox --outbox "$S/none" list --format json
golden upload_flush_empty 0 "$JX" outbox --outbox "$S/none" flush
golden upload_drop_unknown 2 "$JX" outbox --outbox "$S/none" drop 20200101T000000.000000Z-00000000

# ---- libcurl stays lazy ----
check upload_parse_never_loads_curl '! LD_DEBUG=files "$JX" parse tests/data/000_657db78fa8902e38.txt 2>&1 >/dev/null | grep libcurl'
check upload_version_loads_curl 'LD_DEBUG=files "$JX" version --verbose 2>&1 >/dev/null | grep libcurl'
check upload_binary_not_linked_to_curl '! ldd "$JX" | grep -q libcurl'

# ---- nginx WebDAV with basic auth ----
check upload_webdav_put_identical 'jx upload --outbox "$OB" --header-env Authorization=NG_AUTH "$DAV/2021/big.bin" "$S/big.bin" && cmp "$S/big.bin" "$NG_ROOT/dav/2021/big.bin" && [ "$(entries "$OB")" = 0 ]'
check upload_webdav_stdin 'jx upload --outbox "$OB" --header-env Authorization=NG_AUTH "$DAV/stdin.bin" - < "$S/small.bin" && cmp "$S/small.bin" "$NG_ROOT/dav/stdin.bin"'
check upload_webdav_stdin_no_outbox 'jx upload --no-outbox --retries 0 --header-env Authorization=NG_AUTH "$DAV/stdin2.bin" - < "$S/small.bin" && cmp "$S/small.bin" "$NG_ROOT/dav/stdin2.bin"'
webdav_401() {
  NG_AUTH="Basic d3Jvbmc6d3Jvbmc=" jx upload --outbox "$S/ob401" --header-env Authorization=NG_AUTH "$DAV/late.bin" "$S/small.bin"
  [ $? = 1 ] || return 1
  [ ! -e "$NG_ROOT/dav/late.bin" ] || return 1
  jx outbox --outbox "$S/ob401" list | grep -q 'last: HTTP 401' || return 1
  jx outbox --outbox "$S/ob401" flush | grep -q '1 delivered, 0 kept' || return 1
  cmp "$S/small.bin" "$NG_ROOT/dav/late.bin" && [ "$(entries "$S/ob401")" = 0 ]
}
check upload_webdav_401_kept_then_flushed webdav_401

# ---- retries ----
check upload_retry_500_then_200 'jx upload --outbox "$OB" --retries 3 --retry-delay 0.1 "$B/flaky?name=r1&fail=2" "$S/small.bin" >/dev/null && is "len(reqs(\"r1\"))" 3 && is "len(dels(\"r1\"))" 1'
check upload_post_without_key_not_retried '! jx upload --outbox "$S/ob-r2" -X POST --idempotency-key none --retries 3 --retry-delay 0.1 "$B/flaky?name=r2&fail=1" "$S/small.bin" >/dev/null 2>&1 && is "len(reqs(\"r2\"))" 1 && [ "$(entries "$S/ob-r2")" = 1 ]'
check upload_post_with_key_retried 'jx upload --outbox "$OB" -X POST --retries 3 --retry-delay 0.1 "$B/flaky?name=r3&fail=2" "$S/small.bin" >/dev/null && is "len(reqs(\"r3\"))" 3 && is "len(set(r[\"key\"] for r in reqs(\"r3\")))" 1 && is "reqs(\"r3\")[0][\"key\"] is not None" True'
check upload_retry_after_honoured 'jx upload --outbox "$OB" --retries 2 --retry-delay 0.1 "$B/ratelimit?name=r4&fail=1&after=1" "$S/small.bin" >/dev/null && is "len(reqs(\"r4\"))" 2 && is "reqs(\"r4\")[1][\"t\"] - reqs(\"r4\")[0][\"t\"] >= 0.95" True'
check upload_dropped_connection_retried 'jx upload --outbox "$OB" --retries 2 --retry-delay 0.1 "$B/drop?name=r5&times=1" "$S/small.bin" >/dev/null && is "len(reqs(\"r5\"))" 2 && is "len(dels(\"r5\"))" 1'
timeout_bounded() {
  t0=$(now)
  jx upload --outbox "$S/ob-t1" --idempotency-key none --timeout 1 --retries 1 --retry-delay 0.1 "$B/slow?delay=6&name=t1" "$S/small.bin"
  [ $? = 1 ] || return 1
  is "$(now) - $t0 < 5" True && is "len(reqs(\"t1\"))" 2 && [ "$(entries "$S/ob-t1")" = 1 ]
}
check upload_timeout_bounded timeout_bounded
drop_entry() {
  id=$("$JX" outbox --outbox "$S/ob-t1" list --format json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  jx outbox --outbox "$S/ob-t1" drop "$id" | grep -q "dropped $id" && [ "$(entries "$S/ob-t1")" = 0 ]
}
check upload_outbox_drop drop_entry
retry_cap() {
  t0=$(now)
  jx upload --outbox "$S/ob-c1" --retries 20 --retry-delay 0.5 --retry-max-time 2 "$B/status/503?name=c1" "$S/small.bin"
  [ $? = 1 ] || return 1
  n=$(q 'len(reqs("c1"))')
  is "$(now) - $t0 < 6" True && [ "$n" -ge 2 ] && [ "$n" -le 5 ]
}
check upload_retry_time_cap retry_cap

# ---- kill -9 mid-upload, then flush: exactly once ----
kill_after_delivery() {
  "$JX" upload --outbox "$S/ob-k1" -X POST --retries 0 "$B/slow?delay=4&name=k1" "$S/small.bin" >/dev/null 2>&1 &
  pid=$!
  wait_for 'len(dels("k1")) == 1' || return 1
  kill -9 $pid; wait $pid 2>/dev/null
  [ "$(entries "$S/ob-k1")" = 1 ] || { echo "no outbox entry after kill -9"; return 1; }
  jx outbox --outbox "$S/ob-k1" flush | grep -q '1 delivered, 0 kept' || return 1
  [ "$(entries "$S/ob-k1")" = 0 ] && is 'len(dels("k1"))' 1 && is 'len([r for r in R if r["event"] == "duplicate" and r["key"] == dels("k1")[0]["key"]])' 1
}
check upload_kill9_after_delivery_flush_once kill_after_delivery
kill_mid_body() {
  head -c 25000000 /dev/urandom > "$S/huge.bin"
  "$JX" upload --outbox "$S/ob-k2" -X POST --retries 0 "$B/slowread?delay=3&name=k2" "$S/huge.bin" >/dev/null 2>&1 &
  pid=$!
  # Killed once its entry is in place, while the server still sleeps before
  # reading: the client is stuck mid-body (25 MB outgrow the socket buffers).
  i=0
  while [ "$(entries "$S/ob-k2")" != 1 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
  sleep 0.5
  kill -9 $pid; wait $pid 2>/dev/null
  [ "$(entries "$S/ob-k2")" = 1 ] || { echo "no outbox entry after kill -9"; return 1; }
  jx outbox --outbox "$S/ob-k2" flush | grep -q '1 delivered, 0 kept' || return 1
  sum=$(sha256sum "$S/huge.bin" | cut -d" " -f1)
  [ "$(entries "$S/ob-k2")" = 0 ] && is 'len(dels("k2"))' 1 && is 'dels("k2")[0]["sha256"]' "$sum"
}
check upload_kill9_mid_body_flush_once kill_mid_body
concurrent_flush() {
  for n in 1 2 3 4; do jx upload --outbox "$S/ob-cf" --retries 0 "$B/flaky?name=cf$n&fail=1" "$S/small.bin" >/dev/null 2>&1; done
  [ "$(entries "$S/ob-cf")" = 4 ] || return 1
  "$JX" outbox --outbox "$S/ob-cf" flush > "$S/f1.out" 2>&1 &
  p1=$!
  "$JX" outbox --outbox "$S/ob-cf" flush > "$S/f2.out" 2>&1 &
  p2=$!
  wait $p1; wait $p2
  cat "$S/f1.out" "$S/f2.out" >> "$S/all.log"
  [ "$(entries "$S/ob-cf")" = 0 ] || return 1
  for n in 1 2 3 4; do is "len(reqs(\"cf$n\"))" 2 && is "len(dels(\"cf$n\"))" 1 || return 1; done
}
check upload_concurrent_flushes_send_once concurrent_flush
flush_skips_inflight() {
  "$JX" upload --outbox "$S/ob-f1" -X POST --retries 0 "$B/slow?delay=4&name=f1" "$S/small.bin" >/dev/null 2>&1 &
  pid=$!
  wait_for 'len(dels("f1")) == 1' || return 1
  jx outbox --outbox "$S/ob-f1" flush | grep -q '0 delivered, 0 kept' || return 1
  wait $pid || return 1
  [ "$(entries "$S/ob-f1")" = 0 ] && is 'len(reqs("f1"))' 1
}
check upload_flush_skips_upload_in_flight flush_skips_inflight

# ---- forms, JSON, proxy ----
printf 'a,b\n1,2\n' > "$S/s.csv"
check upload_form_ckan 'jx upload --outbox "$OB" --header-env Authorization=CKAN_TOKEN --form package_id=p1 --form "upload=@$S/s.csv" "$B/api/3/action/resource_create?name=fm" | grep -q "\"success\": true" && is "dels(\"fm\")[0][\"parts\"][\"upload\"][\"sha256\"]" "$(sha256sum "$S/s.csv" | cut -d" " -f1)" && is "dels(\"fm\")[0][\"parts\"][\"upload\"][\"type\"]" text/csv'
printf '{"files": 3}' > "$S/p.json"
check upload_json 'jx upload --outbox "$OB" --json "$B/hook?name=js" "$S/p.json" >/dev/null && is "dels(\"js\")[0][\"json\"]" "{'"'"'files'"'"': 3}" && is "reqs(\"js\")[0][\"headers\"][\"content-type\"]" application/json'
check upload_proxy_option 'jx upload --outbox "$OB" --proxy "http://127.0.0.1:$PY_PORT" "http://portal.invalid/x?name=px" "$S/small.bin" | grep -q proxied && is "len(events(\"delivered\", \"portal.invalid\"))" 1'
check upload_proxy_from_environment 'http_proxy="http://127.0.0.1:$PY_PORT" no_proxy= NO_PROXY= jx upload --outbox "$OB" "http://portal2.invalid/y" "$S/small.bin" | grep -q proxied'

# ---- the cron script ----
mkdir -p "$S/tables" "$S/kept"
cp tests/data/000_657db78fa8902e38.txt "$S/tables/"
script_ckan() {
  jx run scripts/check_and_upload.lua "$S/tables" --ckan "$B" --package budget-2021 --webhook "$B/hook" \
    --outbox "$S/ob-script" --keep "$S/kept" --retries 1 > "$S/script.out" || { cat "$S/script.out"; return 1; }
  grep -q "published as CKAN resource" "$S/script.out" || return 1
  for f in "$S"/kept/*; do
    sum=$(sha256sum "$f" | cut -d" " -f1)
    is "len([r for r in R if r[\"event\"] == \"delivered\" and (r.get(\"parts\") or {}).get(\"upload\", {}).get(\"sha256\") == \"$sum\"])" 1 || return 1
  done
  [ "$(ls "$S/kept" | wc -l)" = 2 ] && [ "$(entries "$S/ob-script")" = 0 ] && is 'events("delivered", "/hook")[-1]["json"]["files"]' 1
}
check upload_script_ckan_and_webhook script_ckan
script_refused() {
  CKAN_TOKEN=wrong-token jx run scripts/check_and_upload.lua "$S/tables" --ckan "$B" --package budget-2021 \
    --outbox "$S/ob-script2" --retries 0 > /dev/null 2> "$S/script2.err"
  [ $? = 1 ] && grep -q "Authorization Error" "$S/script2.err" && [ "$(entries "$S/ob-script2")" = 2 ] &&
    jx outbox --outbox "$S/ob-script2" flush | grep -q "2 delivered, 0 kept"
}
check upload_script_refused_kept_then_flushed script_refused

# ---- secrets ----
secrets() {
  jx upload -v --outbox "$S/ob-sec" --retries 1 --retry-delay 0.1 --header-env Authorization=PORTAL_TOKEN \
    --header "X-Api-Key: literal-key-42" "$B/status/500?name=sec" "$S/small.bin" > /dev/null 2>&1
  jx upload -v --outbox "$S/ob-sec" --retries 0 --header-env Authorization=PORTAL_TOKEN "http://127.0.0.1:9/nothing" "$S/small.bin" > /dev/null 2>&1
  jx outbox --outbox "$S/ob-sec" list > /dev/null
  jx outbox --outbox "$S/ob-sec" list --format json > /dev/null
  jx outbox --outbox "$S/ob-sec" flush -v > /dev/null 2>&1
  grep -q "<from \$PORTAL_TOKEN>" "$S/all.log" || { echo "verbose output does not name the variable"; return 1; }
  is "reqs(\"sec\")[0][\"headers\"][\"authorization\"] == \"$SECRET\"" True || return 1
  for s in "$SECRET" "$CKAN_TOKEN" "$NG_PASS" "$(printf '%s' "$NG_AUTH" | cut -d" " -f2)"; do
    if grep -rqF "$s" "$S/all.log" "$XDG_STATE_HOME" "$S"/ob*; then
      echo "a secret leaked: $(grep -rlF "$s" "$S/all.log" "$XDG_STATE_HOME" "$S"/ob* | head -3)"
      return 1
    fi
  done
}
check upload_no_secret_in_output_or_outbox secrets
check upload_literal_secret_header_redacted_in_output '! grep -qF literal-key-42 "$S/all.log" && grep -q "X-Api-Key: <redacted>" "$S/all.log" && grep -rqF literal-key-42 "$S"/ob-sec/*/request'
