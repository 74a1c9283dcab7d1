-- docs/lua.md is tested, not just read: every ```lua example runs inside
-- jixiao and, when an ```output block follows it, must print exactly that;
-- ```lua file=NAME blocks are saved under NAME and the ```console blocks
-- run their `$ ./jixiao ...` lines in that directory (with tests/ of the
-- repository beside them), comparing what they print. ```lua norun blocks
-- (they need a portal) must at least compile. Then every function the
-- modules export must be documented there and called by some test.
-- UPDATE=1 rewrites the output blocks from what the examples print (review
-- the diff).
local t = require "jixiao.testing"

local DOC = "docs/lua.md"
local JX, SCRATCH, UPDATE = os.getenv("JX"), os.getenv("T"), os.getenv("UPDATE") == "1"

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- The fenced blocks of the document, in order: {info=, body=, first=, last=}
-- with the byte span of the body.
local text = slurp(DOC)
local blocks = {}
do
  local pos = 1
  while true do
    local s, e, info = text:find("\n```([^\n]*)\n", pos)
    if not s then break end
    local close = text:find("\n```\n", e, true) or text:find("\n```$", e)
    assert(close, DOC .. ": unclosed code block after byte " .. s)
    local body = text:sub(e + 1, close)
    local line = select(2, text:sub(1, s):gsub("\n", "")) + 2
    blocks[#blocks + 1] = { info = info, body = body, first = e + 1, last = close, line = line }
    pos = close + 1
  end
end

-- Runs one example in its own environment, collecting what it prints.
local function run_example(code, name)
  local out = {}
  local env = setmetatable({}, { __index = _G })
  env.print = function(...)
    local n = select("#", ...)
    for i = 1, n do
      out[#out + 1] = tostring((select(i, ...)))
      if i < n then out[#out + 1] = "\t" end
    end
    out[#out + 1] = "\n"
  end
  env.io = setmetatable({ write = function(...)
    for i = 1, select("#", ...) do out[#out + 1] = tostring((select(i, ...))) end
  end }, { __index = io })
  local fn, err = load(code, "=" .. name, "t", env)
  if not fn then return nil, err end
  local ok, e = xpcall(fn, debug.traceback)
  if not ok then return nil, e end
  return table.concat(out)
end

local WORK = SCRATCH and (SCRATCH .. "/docs") or nil
if WORK then
  os.execute("rm -rf " .. q(WORK) .. " && mkdir -p " .. q(WORK) .. " && ln -s " .. q(os.getenv("ROOT") or ".")
             .. "/tests " .. q(WORK .. "/tests"))
end

local function run_console(body)
  local out = {}
  for line in body:gmatch("[^\n]*\n?") do
    local cmd = line:match("^%$ (.-)\n?$")
    if cmd then
      cmd = cmd:gsub("^%./jixiao", q(JX)):gsub("| %./jixiao", "| " .. q(JX))
      local p = assert(io.popen("cd " .. q(WORK) .. " && " .. cmd .. " 2>&1; echo \"[exit $?]\""))
      local r = p:read("a")
      p:close()
      local code = r:match("%[exit (%d+)%]\n$")
      r = r:gsub("%[exit %d+%]\n$", "")
      out[#out + 1] = line:sub(-1) == "\n" and line or line .. "\n"
      out[#out + 1] = r
      if code ~= "0" then out[#out + 1] = "[exit " .. code .. "]\n" end
    end
  end
  return table.concat(out)
end

local replaced = {}
local i = 1
while i <= #blocks do
  local b = blocks[i]
  local nextb = blocks[i + 1]
  local lang, attr = b.info:match("^(%S*)%s*(.*)$")
  if lang == "lua" and attr:match("^file=") then
    local name = attr:match("^file=(%S+)")
    if WORK then
      local f = assert(io.open(WORK .. "/" .. name, "wb"))
      f:write(b.body)
      f:close()
    end
  elseif lang == "lua" and attr == "norun" then
    t.test(DOC .. ":" .. b.line .. " compiles", function()
      t.ok(load(b.body, "=example", "t"), "does not compile")
    end)
  elseif lang == "lua" then
    local want = nextb and nextb.info == "output" and nextb or nil
    t.test(DOC .. ":" .. b.line .. " runs" .. (want and " and prints its output" or ""), function()
      local got, err = run_example(b.body, DOC .. ":" .. b.line)
      t.ok(got, err)
      if want and UPDATE then replaced[#replaced + 1] = { want, got }
      elseif want then
        -- libcurl says how long a failed connection took ("after 0 ms"): not part of the example
        local function steady(s) return (s:gsub("after %d+ ms", "after N ms")) end
        t.eq(steady(got), steady(want.body))
      end
    end)
  elseif lang == "console" and WORK and JX then
    t.test(DOC .. ":" .. b.line .. " console", function()
      local got = run_console(b.body)
      if UPDATE then replaced[#replaced + 1] = { b, got }
      else t.eq(got, b.body) end
    end)
  end
  i = i + 1
end

if UPDATE and #replaced > 0 then
  table.sort(replaced, function(a, b) return a[1].first > b[1].first end)
  for _, r in ipairs(replaced) do
    text = text:sub(1, r[1].first - 1) .. r[2] .. text:sub(r[1].last + 1)
  end
  local f = assert(io.open(DOC, "wb"))
  f:write(text)
  f:close()
end

-- Every exported function is in the reference and called by some test.
local modules = {
  jixiao = "jx", ["jixiao.decimal"] = "decimal", ["jixiao.json"] = "json", ["jixiao.indicator"] = "ind",
  ["jixiao.http"] = "http", ["jixiao.ckan"] = "ckan", ["jixiao.webhook"] = "webhook",
  ["jixiao.sandbox"] = "sandbox", ["jixiao.profiles"] = "profiles", ["jixiao.testing"] = "t",
  ["jixiao.cli"] = "cli",
}
local tests = {}
for _, f in ipairs { "test_jixiao", "test_stream", "test_decimal", "test_json", "test_indicator", "test_http",
                     "test_sandbox", "test_score", "test_check", "test_host", "test_api_check", "test_docs",
                     "test_cli_module" } do
  local ok, s = pcall(slurp, "tests/lua/" .. f .. ".lua")
  if ok then tests[#tests + 1] = s end
end
for _, f in ipairs { "tests/cli/scripts.sh", "tests/cli/yearly.sh" } do
  local ok, s = pcall(slurp, f)
  if ok then tests[#tests + 1] = s end
end
tests[#tests + 1] = text -- its examples run above
local alltests = table.concat(tests, "\n")

local names = {}
for m in pairs(modules) do names[#names + 1] = m end
table.sort(names)
for _, m in ipairs(names) do
  t.test("every function of " .. m .. " is documented and tested", function()
    local mod = require(m)
    local missing_doc, missing_test = {}, {}
    for k, v in pairs(mod) do
      if type(v) == "function" then
        local short = modules[m] .. "." .. k
        local documented = false
        for _, open in ipairs { "(", "{" } do
          documented = documented or text:find("`" .. short .. open, 1, true) or text:find("`" .. m .. "." .. k .. open, 1, true)
        end
        if not documented then
          missing_doc[#missing_doc + 1] = short
        end
        if not alltests:find("[%.:]" .. k .. "[%s]*[%(\"{]") then missing_test[#missing_test + 1] = short end
      end
    end
    table.sort(missing_doc)
    table.sort(missing_test)
    t.eq(missing_doc, {}, "not in " .. DOC)
    t.eq(missing_test, {}, "called by no test")
  end)
end

t.done()
