-- jixiao.http, jixiao.ckan and jixiao.webhook against tests/http/server.py,
-- started here on a free loopback port (and a second one speaking TLS with a
-- certificate made on the spot) and stopped at the end.
local t = require "jixiao.testing"
local http = require "jixiao.http"
local json = require "jixiao.json"
local ckan = require "jixiao.ckan"
local webhook = require "jixiao.webhook"

for _, v in ipairs { "http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy" } do
  assert(os.getenv(v) == nil or os.getenv(v) == "", "unset " .. v .. " to run these tests")
end

local function sh(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  p:close()
  return (out:gsub("%s+$", ""))
end

local PY = io.open("/usr/bin/python3") and "/usr/bin/python3" or "python3"
local dir = sh("mktemp -d \"${TMPDIR:-/tmp}/jixiao-http.XXXXXX\"")
local TOKEN = "lua-ckan-token"
local servers = {}

local function start(name, extra)
  local d = dir .. "/" .. name
  os.execute("mkdir -p " .. d)
  local pid = sh(string.format("%s tests/http/server.py --port-file %s/port --log %s/log --lifetime 120 --token %s %s"
                               .. " > %s/err 2>&1 & echo $!", PY, d, d, TOKEN, extra or "", d))
  servers[#servers + 1] = pid
  for _ = 1, 100 do
    local f = io.open(d .. "/port")
    local port = f and f:read("n")
    if f then f:close() end
    if port then return port, d .. "/log" end
    os.execute("sleep 0.1")
  end
  error("the test server " .. name .. " did not start: " .. sh("cat " .. d .. "/err"))
end

local port, LOG = start("plain")
local B = "http://127.0.0.1:" .. port

local function records(event, name)
  local out = {}
  for line in io.lines(LOG) do
    local r = json.decode(line)
    if r.event == event and (not name or (type(r.query) == "table" and r.query.name == name)) then
      out[#out + 1] = r
    end
  end
  return out
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
  return path
end

local csv = write(dir .. "/s.csv", "a,b\n1,2\n")

-- ---- misuse raises ----

t.test("request: bad arguments raise", function()
  t.raises(function() http.request() end, "table expected")
  t.raises(function() http.request { url = B, bogus = 1 } end, "unknown field 'bogus'")
  t.raises(function() http.request { method = "GET" } end, "'url' is required")
  t.raises(function() http.request { url = "ftp://x" } end, "not an http:// or https:// URL")
  t.raises(function() http.request { url = B, body = "a", json = {} } end, "only one of body, json, file and form")
  t.raises(function() http.request { url = B, headers = { X = true } } end, "header 'X'")
  t.raises(function() http.request { url = B, retries = -1 } end, "retries")
  t.raises(function() http.request { url = B, timeout = "soon" } end, "number expected")
  t.raises(function() http.request { url = B, form = { f = { file = "a", value = "b" } } } end, "exactly one of")
  t.raises(function() http.get() end, "string expected")
  t.raises(function() http.post(B, 42) end, "table or string expected")
end)

t.test("request: transport failures return nil, message, code", function()
  local r, msg, code = http.get("http://127.0.0.1:9/nothing")
  t.eq(r, nil)
  t.eq(code, "connect")
  t.ok(msg:find("no connection", 1, true), msg)
  r, msg, code = http.get(B .. "/ok", { headers = { Authorization = { env = "JX_SURELY_UNSET" } } })
  t.eq({ r, code }, { nil, "env" })
  t.ok(msg:find("JX_SURELY_UNSET", 1, true), msg)
  r, msg, code = http.post(B .. "/ok", { file = dir .. "/missing.bin" })
  t.eq({ r, code }, { nil, "file" })
  r, msg, code = http.get(B .. "/status/200", { max_body = 4 })
  t.eq({ r, code }, { nil, "too-large" })
end)

-- ---- responses ----

t.test("get: query, headers, json()", function()
  local r = assert(http.get(B .. "/ok", { query = { name = "q1", b = 2, a = "x y&z" } }))
  t.eq(r.status, 200)
  t.eq(r.ok, true)
  t.eq(r.headers["content-type"], "application/json")
  t.eq(r:header("Content-Type"), "application/json")
  t.eq(r:json(), { ok = true })
  t.eq(tostring(r), "HTTP 200 (12 bytes)")
  local q = records("request", "q1")[1].query
  t.eq(q, { name = "q1", b = "2", a = "x y&z" })
end)

t.test("a 4xx or 5xx is a response, not a failure", function()
  local r, err = http.get(B .. "/status/404")
  t.eq(err, nil)
  t.eq({ r.status, r.ok }, { 404, false })
  local body, msg, code = http.post(B .. "/status/200", "x"):json()
  t.eq(body, { status = 200 })
  body, msg, code = http.request { url = B .. "/ok", method = "HEAD" }
  t.eq(body.status, 200)
  r = http.get(B .. "/status/500")
  t.eq(r.status, 500)
  local v, e, c = ({ body = "not json", json = r.json }):json()
  t.eq({ v, c }, { nil, "json" })
  t.ok(e:find("json", 1, true), e)
end)

t.test("post: json, file and form bodies arrive intact", function()
  local r = assert(http.post(B .. "/hook", { json = { b = { 1, 2 }, a = "甲" }, query = { name = "j1" } }))
  t.eq(r.status, 200)
  local rec = records("delivered", "j1")[1]
  t.eq(rec.json, { a = "甲", b = { 1, 2 } })
  r = assert(http.put(B .. "/ok?name=f1", { file = csv }))
  t.eq(records("request", "f1")[1].sha256, sh("sha256sum " .. csv .. " | cut -d' ' -f1"))
  t.eq(records("request", "f1")[1].headers["content-type"], "text/csv")
  r = assert(http.request { url = B .. "/ok?name=m1", method = "POST",
                            form = { note = "说明", upload = { file = csv, filename = "汇总.csv" } } })
  local parts = records("request", "m1")[1].parts
  t.eq(parts.note.text, "说明")
  t.eq(parts.upload.filename, "汇总.csv")
  t.eq(parts.upload.size, 8)
  t.eq(parts.upload.type, "text/csv")
end)

t.test("output: the body streams to a file", function()
  local out = dir .. "/resp.json"
  local r = assert(http.get(B .. "/ok", { output = out }))
  t.eq(r.body, nil)
  t.eq(sh("cat " .. out), '{"ok": true}')
end)

-- ---- retries and idempotency ----

t.test("retries: 500 then 200 for a GET", function()
  local r = assert(http.get(B .. "/flaky", { query = { name = "g1", fail = 2 }, retries = 3, retry_delay = 0.05 }))
  t.eq({ r.status, r.attempts }, { 200, 3 })
  t.eq(#records("request", "g1"), 3)
end)

t.test("retries: a POST without a key is sent once; with one it is retried", function()
  local r = http.post(B .. "/flaky?name=p1&fail=1", { body = "x", retries = 3, retry_delay = 0.05 })
  t.eq({ r.status, r.attempts }, { 500, 1 })
  r = http.post(B .. "/flaky?name=p2&fail=1", { body = "x", retries = 3, retry_delay = 0.05,
                                                 idempotency_key = true })
  t.eq({ r.status, r.attempts }, { 200, 2 })
  local recs = records("request", "p2")
  t.eq(recs[1].key, recs[2].key)
  t.eq(recs[1].key, r.idempotency_key)
  r = http.post(B .. "/flaky?name=p3&fail=1", { body = "x", retries = 1, retry_delay = 0.05,
                                                 idempotency_key = "my-key-1" })
  t.eq({ r.status, records("request", "p3")[2].key }, { 200, "my-key-1" })
end)

t.test("retries: Retry-After is honoured, the time cap is kept", function()
  local r = assert(http.get(B .. "/ratelimit?name=ra&fail=1&after=1", { retries = 2, retry_delay = 0.05 }))
  t.eq(r.status, 200)
  local recs = records("request", "ra")
  t.ok(recs[2].t - recs[1].t >= 0.95, "waited " .. (recs[2].t - recs[1].t))
  r = assert(http.get(B .. "/ratelimit?name=rb&fail=5&after=30", { retries = 3, retry_max_time = 2 }))
  t.eq({ r.status, r.attempts }, { 429, 1 })
  local t0 = os.time()
  r = http.get(B .. "/slow?delay=5&name=to", { timeout = 0.5, retries = 1, retry_delay = 0.05 })
  t.ok(os.time() - t0 <= 3, "took too long")
  t.eq(r, nil)
end)

t.test("key: derived from method, URL and content, never from headers", function()
  local a = http.key { url = B .. "/hook", method = "POST", json = { x = 1, y = 2 } }
  local b = http.key { url = B .. "/hook", method = "POST", json = { y = 2, x = 1 },
                       headers = { Authorization = "other" } }
  local c = http.key { url = B .. "/hook", method = "POST", json = { x = 1, y = 3 } }
  local d = http.key { url = B .. "/hook", method = "POST", body = '{"x":1,"y":2}' }
  t.eq(a, b)
  t.ok(a ~= c)
  t.eq(a, d)
  t.ok(a:match("^%x+$") and #a == 32, a)
  local f = http.key { url = B .. "/x", method = "PUT", file = csv }
  t.eq(f, http.key { url = B .. "/x", method = "PUT", body = "a,b\n1,2\n" })
  local r, msg, code = http.key { url = B, file = dir .. "/missing" }
  t.eq({ r, code }, { nil, "file" })
end)

-- ---- the outbox from Lua ----

t.test("outbox: an undelivered request is kept, listed and flushed", function()
  local ob = dir .. "/outbox"
  local r = assert(http.put(B .. "/flaky?name=o1&fail=1", { file = csv, outbox = ob }))
  t.eq(r.status, 500)
  t.ok(r.outbox, "no outbox id")
  local list = http.outbox_list(ob)
  t.eq(#list, 1)
  t.eq({ list[1].id, list[1].method, list[1].bytes, list[1].last }, { r.outbox, "PUT", 8, "HTTP 500" })
  local _, _, code, id = http.get("http://127.0.0.1:9/x", { outbox = ob })
  t.eq(code, "connect")
  t.ok(id, "a transport failure keeps the entry too")
  t.eq(#http.outbox_list(ob), 2)
  local delivered, kept = http.flush { outbox = ob, retries = 0 }
  t.eq({ delivered, kept }, { 1, 1 })
  t.eq(#records("delivered", "o1"), 1)
  r = assert(http.get(B .. "/ok", { outbox = ob }))
  t.eq({ r.status, r.outbox }, { 200, nil })
  t.eq(#http.outbox_list(ob), 1)
  t.eq(http.outbox_dir(ob), ob)
end)

-- ---- TLS ----

t.test("tls: verified by default; cainfo or insecure = true to pass", function()
  local crt, key = dir .. "/c.pem", dir .. "/k.pem"
  local ok = os.execute(string.format("openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 1 "
                                      .. "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
                                      key, crt))
  t.ok(ok, "openssl could not make a certificate")
  local tport = start("tls", "--tls " .. crt .. " " .. key)
  local url = "https://127.0.0.1:" .. tport .. "/ok"
  local r, msg, code = http.get(url)
  t.eq({ r, code }, { nil, "tls" })
  t.eq(assert(http.get(url, { cainfo = crt })).status, 200)
  t.eq(assert(http.get(url, { insecure = true })).status, 200)
end)

-- ---- adapters ----

t.test("ckan: resource_create uploads the file; errors are readable", function()
  t.raises(function() ckan.new { url = "nope" } end, "http(s)://")
  local portal = ckan.new { url = B .. "/", token_env = "JX_TEST_CKAN_TOKEN", retries = 0 }
  t.raises(function() portal:resource_create { file = csv } end, "'package_id' is required")
  local res, msg, code = portal:resource_create { package_id = "p1", file = csv }
  t.eq({ res, code }, { nil, "env" })
  -- the token is read from the environment when sent: run a child jixiao with it set
  local out = sh(string.format([[JX_TEST_CKAN_TOKEN=%s "$JX" -e '
    local c = require("jixiao.ckan").new { url = "%s", token_env = "JX_TEST_CKAN_TOKEN", retries = 0 }
    local r, e, k = c:resource_create { package_id = "p1", file = "%s", format = "CSV", name = "汇总" }
    print(r and r.name, r and r.size, e, k)
    r, e, k = c:resource_create { package_id = "", file = "%s", id = "x" }
  ' 2>&1]], TOKEN, B, csv, csv))
  t.ok(out:find("'package_id' is required", 1, true), out)
  out = sh(string.format([[JX_TEST_CKAN_TOKEN=%s "$JX" -e '
    local c = require("jixiao.ckan").new { url = "%s", token_env = "JX_TEST_CKAN_TOKEN", retries = 0 }
    local r, e, k = c:resource_create { package_id = "p1", file = "%s", format = "CSV", name = "汇总" }
    print(r and r.name, r and r.size, e and e.status, k)
    r, e, k = c:resource_update { id = "res-1", file = "%s" }
    print(r and r.id, e and e.status, k)
    r, e, k = c:action("resource_patch", { id = "x" })
    print(r, e, k)
  ' 2>&1]], TOKEN, B, csv, csv))
  t.eq(out, "汇总\t8\t200\tnil\nres-1\t200\tnil\n"
            .. "nil\tCKAN resource_patch refused (HTTP 400): Bad Request: Bad request - Action name not known: "
            .. "resource_patch\tckan")
  out = sh(string.format([[JX_TEST_CKAN_TOKEN=wrong "$JX" -e '
    local c = require("jixiao.ckan").new { url = "%s", token_env = "JX_TEST_CKAN_TOKEN", retries = 0 }
    print(c:resource_create { package_id = "p1", file = "%s" })
  ' 2>&1]], B, csv))
  t.eq(out, "nil\tCKAN resource_create refused (HTTP 403): Authorization Error: Access denied: not authorized "
            .. "to create resources\tckan")
  t.ok(not out:find("wrong", 1, true), "the token leaked")
end)

t.test("ckan: a validation error names the field", function()
  local out = sh(string.format([[JX_TEST_CKAN_TOKEN=%s "$JX" -e '
    local c = require("jixiao.ckan").new { url = "%s", token_env = "JX_TEST_CKAN_TOKEN", retries = 0 }
    print(c:action("resource_create", { name = "no package" }))
  ' 2>&1]], TOKEN, B))
  t.eq(out, "nil\tCKAN resource_create refused (HTTP 409): Validation Error: package_id: Missing value\tckan")
  t.eq(ckan.describe { __type = "Validation Error", name = { "too long", "bad" } },
       "Validation Error: name: too long; bad")
end)

t.test("webhook: JSON with a derived key; a non-2xx is an error", function()
  t.raises(function() webhook.new { url = 3 } end, "http(s)://")
  local hook = webhook.new { url = B .. "/hook?name=w1", retries = 0 }
  local r = assert(hook:send { files = 2, ok = true })
  t.eq(r.status, 200)
  local rec = records("request", "w1")[1]
  t.eq(rec.key, r.idempotency_key)
  t.eq(records("delivered", "w1")[1].json, { files = 2, ok = true })
  local resp, msg, code = webhook.post(B .. "/status/502", { x = 1 }, { retries = 0 })
  t.eq({ resp, code }, { nil, "http" })
  t.ok(msg:find("HTTP 502", 1, true), msg)
end)

-- ---- the sandbox: only --allow-host hosts, no redirects, writes under --out ----

local JX = os.getenv("JX")
if JX then
  local function jx_sandboxed(code, ...)
    local args = { ... }
    local cmd = { "cd", dir, "&&", JX, "run", "--sandbox" }
    for _, a in ipairs(args) do cmd[#cmd + 1] = a end
    cmd[#cmd + 1] = "-e"
    cmd[#cmd + 1] = "'" .. code:gsub("'", "'\\''") .. "'"
    local p = assert(io.popen(table.concat(cmd, " ") .. " 2>&1"))
    local out = p:read("a")
    local _, _, rc = p:close()
    return out, rc
  end
  os.execute("mkdir -p " .. dir .. "/sbout")

  t.test("sandbox: an allowed host is reached, any other refused before connecting", function()
    local before = #records("request")
    local out, rc = jx_sandboxed(string.format([[
      local http = require "jixiao.http"
      print(http.get("%s/ok").status)
      print(select(2, pcall(http.get, "http://localhost:%d/ok")))
    ]], B, port), "--allow-host", "127.0.0.1")
    t.eq(rc, 0, out)
    t.ok(out:find("^200\n"), out)
    t.ok(out:find("host 'localhost' is not allowed in --sandbox (allow it with --allow-host localhost)", 1, true), out)
    t.eq(#records("request"), before + 1, "only the allowed request reached the server")
  end)

  t.test("sandbox: URLs two parsers could read differently are refused", function()
    for _, url in ipairs {
      "http://127.0.0.1@evil.invalid/", "http://evil.invalid\\@127.0.0.1/", "http://user:pw@127.0.0.1/",
      "http://127.0.0.1 /", "http://127.0.0.1:99999/", "http://127.0.0.1%2f@x/",
    } do
      local out, rc = jx_sandboxed(string.format([[print(select(2, pcall(require("jixiao.http").get, %q)))]], url),
                                   "--allow-host", "127.0.0.1")
      t.eq(rc, 0, out)
      t.ok(out:find("is not allowed in --sandbox (give a plain http(s)://host[:port]/path URL", 1, true), url .. ": " .. out)
    end
  end)

  t.test("sandbox: follow, proxy, flush, and writes outside --out are refused", function()
    local out, rc = jx_sandboxed(string.format([[
      local http = require "jixiao.http"
      local function try(f, ...) print((select(2, pcall(f, ...)):gsub("^[^:]*:%%d+: ", ""))) end
      try(http.get, "%s/ok", { follow = true })
      try(http.get, "%s/ok", { proxy = "http://evil.invalid:3128" })
      try(http.flush)
      try(http.get, "%s/ok", { output = "%s/escaped.bin" })
      try(http.post, "%s/ok", { body = "x", outbox = true })
      try(http.post, "%s/ok", { body = "x", outbox = "%s/ob" })
      local r = assert(http.get("%s/ok", { output = "sbout/got.bin" }))
      print(r.status, io.open("sbout/got.bin") ~= nil)
    ]], B, B, B, dir, B, B, dir, B), "--allow-host", "127.0.0.1", "--out", "sbout")
    t.eq(rc, 0, out)
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    t.ok(lines[1]:find("'follow' is not allowed in --sandbox", 1, true), out)
    t.ok(lines[2]:find("'proxy' is not allowed in --sandbox", 1, true), out)
    t.ok(lines[3]:find("flush is not allowed in --sandbox", 1, true), out)
    t.ok(lines[4]:find("escaped.bin", 1, true) and lines[4]:find("outside --out", 1, true), out)
    t.ok(lines[5]:find("the outbox must be a directory under --out", 1, true), out)
    t.ok(lines[6]:find("request: outbox: cannot write '" .. dir .. "/ob/entry'", 1, true), out)
    t.eq(lines[7], "200\ttrue", out)
    t.ok(not io.open(dir .. "/escaped.bin"), "a file was written outside --out")
  end)
end

for _, pid in ipairs(servers) do os.execute("kill " .. pid .. " 2>/dev/null") end
os.execute("rm -rf " .. dir)
t.done()
