-- The Lua host (src/lhost.c, src/cmd_run.c) seen from inside a script:
-- embedded modules and how require finds them, the arg table, os.exit and
-- the callback hook, and jixiao.testing itself.
local t = require "jixiao.testing"

-- The binary under test, exported by tests/run.sh; tests that start another
-- jixiao are skipped without it.
local JX = os.getenv("JX")

local function quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- Runs jixiao with the given arguments; returns stdout, exit status.
local function jixiao(...)
  local cmd = { quote(JX) }
  for i = 1, select("#", ...) do cmd[#cmd + 1] = quote((select(i, ...))) end
  local p = assert(io.popen(table.concat(cmd, " ") .. " 2>/dev/null"))
  local out = p:read("a")
  local _, _, code = p:close()
  return out, code
end

local function with_jx(name, fn)
  if JX then t.test(name, fn) else print("skip lua " .. name .. " (JX not set)") end
end

t.test("require lpeg gives the vendored 1.0.2", function()
  local lpeg = require "lpeg"
  t.eq(lpeg.version(), "1.0.2")
  t.eq(lpeg.match(lpeg.C(lpeg.R("09") ^ 1), "2023年"), "2023")
  t.ok(rawequal(lpeg, require "lpeg"), "require caches the module")
end)

t.test("require re comes from the embedded vendor/lpeg-1.0.2/re.lua", function()
  local re, where = require "re"
  t.eq(where, "vendor/lpeg-1.0.2/re.lua")
  t.eq(debug.getinfo(re.compile, "S").source, "@vendor/lpeg-1.0.2/re.lua")
  t.eq(re.match("年度: 2023", "(!%d .)* {%d+}"), "2023")
  t.eq(re.find("abc123", "[0-9]+"), 4)
end)

t.test("require jixiao.testing is embedded with its repository chunk name", function()
  -- already loaded above, so require gives no loader data; ask the searcher
  local m = require "jixiao.testing"
  t.ok(rawequal(m, t))
  t.ok(rawequal(package.loaded["jixiao.testing"], t))
  t.eq(select(2, package.searchers[2]("jixiao.testing")), "lua/jixiao/testing.lua")
  t.eq(debug.getinfo(m.eq, "S").source, "@lua/jixiao/testing.lua")
end)

t.test("the embedded searcher sits right after package.preload", function()
  t.eq(#package.searchers, 5)
  local loader, where = package.searchers[2]("re")
  t.eq(type(loader), "function")
  t.eq(where, "vendor/lpeg-1.0.2/re.lua")
  t.ok(package.searchers[2]("nope"):find("no module 'nope' built into jixiao", 1, true))
end)

t.test("a module that is not there fails with a clear message", function()
  local msg = t.raises(function() require "jixiao.nope" end,
                       "module 'jixiao.nope' not found")
  t.ok(msg:find("no module 'jixiao.nope' built into jixiao", 1, true), msg)
  t.ok(msg:find("no field package.preload['jixiao.nope']", 1, true), msg)
end)

t.test("require with a bad argument raises", function()
  t.raises(function() require({}) end, "bad argument #1 to 'require'")
end)

t.test("arg describes the script being run", function()
  t.ok(arg[0]:find("test_host.lua$"), arg[0])
  t.eq(type(arg.files), "table")
  t.eq(type(arg.args), "table")
  t.eq(#arg, #arg.files + #arg.args)
end)

with_jx("arg, arg.files, arg.args and ... from the command line", function()
  local code = [[io.write(arg[0], "|", table.concat(arg, ","), "|",
    table.concat(arg.files, ","), "|", table.concat(arg.args, ","), "|",
    table.concat({...}, ","))]]
  t.eq(jixiao("-e", code, "a.txt", "b.txt", "--", "x", "--", "y"),
       "-e|a.txt,b.txt,x,--,y|a.txt,b.txt|x,--,y|a.txt,b.txt,x,--,y")
  t.eq(jixiao("-e", code), "-e||||")
  t.eq(jixiao("-e", code, "--", "only"), "-e|only||only|only")
end)

with_jx("os.exit(n) closes the state and exits n", function()
  local out, code = jixiao("-e", [[
    setmetatable({}, {__gc = function() io.write("collected") end})
    io.write("before;") os.exit(3)]])
  t.eq(out, "before;collected")
  t.eq(code, 3)
  t.eq(select(2, jixiao("-e", "os.exit(false)")), 1)
  t.eq(select(2, jixiao("-e", "os.exit(true)")), 0)
end)

with_jx("begin(arg.args) and finish() are called after the chunk", function()
  local out, code = jixiao("-e", [[
    io.write("chunk;")
    function begin(a) io.write("begin ", table.concat(a, ","), ";") end
    function finish() io.write("finish") end]], "f.txt", "--", "p", "q")
  t.eq(out, "chunk;begin p,q;finish")
  t.eq(code, 0)
  t.eq(jixiao("-e", [[function finish() io.write("only finish") end]]), "only finish")
  t.eq(select(2, jixiao("-e", [[function finish() error("x") end]])), 1)
end)

t.test("testing.eq compares tables deeply and names the difference", function()
  t.eq({ 1, { a = "x", b = { 2 } } }, { 1, { a = "x", b = { 2 } } })
  t.eq(0 / 0, 0 / 0)
  local msg = t.raises(function() t.eq({ 1, { 2, 3 } }, { 1, { 2, 4 } }, "rows") end,
                       "rows: not equal at [2][2]: expected 4, got 3")
  t.ok(msg:find("test_host.lua:%d+:"), "the error points at the caller: " .. msg)
  t.raises(function() t.eq({ a = 1 }, { a = 1, b = 2 }) end, "at .b: expected 2, got nil")
  t.raises(function() t.eq("1", 1) end, 'expected 1, got "1"')
  t.raises(function() t.eq(1, 1.0 + 0.5) end, "expected 1.5, got 1")
end)

t.test("testing.ok and testing.raises fail when they should", function()
  t.eq(t.ok(42), 42)
  t.raises(function() t.ok(false, "custom") end, "custom")
  t.raises(function() t.ok(nil) end, "assertion failed")
  t.raises(function() t.raises(function() end, "x") end, "returned normally")
  t.raises(function() t.raises(function() error("abc") end, "xyz") end,
           'expected an error containing "xyz", got: ')
  t.eq(t.raises(function() error({}) end), "{}")
  t.raises(function() t.raises("not a function") end, "bad argument #1 to 'raises'")
  t.raises(function() t.test(1, print) end, "bad argument #1 to 'test'")
end)

t.done()
