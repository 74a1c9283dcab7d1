-- jixiao run --sandbox (src/sandbox.c) and the limits (src/lhost.c): each
-- way out is tried in a sandboxed jixiao and must fail with its message,
-- and what the sandbox keeps must still work. This file itself runs
-- unsandboxed, so it can set up files, links and bytecode to try them with.
local t = require "jixiao.testing"
local sandbox = require "jixiao.sandbox"

local JX = os.getenv("JX")
local SCRATCH = os.getenv("T")

local function q(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function sh(cmd)
  local ok = os.execute(cmd)
  assert(ok, "command failed: " .. cmd)
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- The scratch layout: OUT is --out; OUTSIDE is next to it, with a file the
-- links inside OUT point at.
local DIR, OUT, OUTSIDE
if JX and SCRATCH then
  DIR = SCRATCH .. "/sandbox"
  OUT = DIR .. "/out"
  OUTSIDE = DIR .. "/outside"
  sh("rm -rf " .. q(DIR) .. " && mkdir -p " .. q(OUT) .. " " .. q(OUTSIDE))
  local f = assert(io.open(OUTSIDE .. "/secret.txt", "w"))
  f:write("secret\n")
  f:close()
  sh("ln -s " .. q(OUTSIDE .. "/secret.txt") .. " " .. q(OUT .. "/link"))
  sh("ln -s " .. q(OUTSIDE .. "/created.txt") .. " " .. q(OUT .. "/dangling"))
  sh("ln -s " .. q(OUTSIDE) .. " " .. q(OUT .. "/dirlink"))
  sh("ln " .. q(OUTSIDE .. "/secret.txt") .. " " .. q(OUT .. "/hardlink"))
  -- bytecode, made here where string.dump is allowed
  f = assert(io.open(OUTSIDE .. "/bytecode.lua", "wb"))
  f:write(string.dump(load("print('bytecode ran')")))
  f:close()
end

-- Runs jixiao with the arguments (a list) from DIR, with `env` (a string of
-- NAME=value words) in front; returns stdout and stderr together, and the
-- exit status.
local function jixiao(args, env)
  local cmd = { "cd", q(DIR), "&&", env or "", q(JX) }
  for _, a in ipairs(args) do cmd[#cmd + 1] = q(a) end
  local p = assert(io.popen(table.concat(cmd, " ") .. " 2>&1"))
  local out = p:read("a")
  local _, _, code = p:close()
  return out, code
end

-- Runs CODE under --sandbox --out OUT, with any further options first.
local function sandboxed(code, ...)
  local args = { "run", "--sandbox", "--out", OUT, ... }
  args[#args + 1] = "-e"
  args[#args + 1] = code
  return jixiao(args)
end

local function with_jx(name, fn)
  if JX and SCRATCH then t.test(name, fn) else print("skip lua " .. name .. " (JX or T not set)") end
end

-- CODE must fail (exit 1) with `want` in its message.
local function refused(name, code, want)
  with_jx(name, function()
    local out, rc = sandboxed(code)
    t.eq(rc, 1, out)
    t.ok(out:find(want, 1, true), out)
  end)
end

-- CODE must succeed and print `want`; further arguments are options.
local function allowed(name, code, want, ...)
  local opts = { ... }
  with_jx(name, function()
    local out, rc = sandboxed(code, table.unpack(opts))
    t.eq(rc, 0, out)
    t.eq(out, want)
  end)
end

-- ---- the jixiao.sandbox module, here outside the sandbox ----

t.test("outside the sandbox nothing is refused", function()
  t.eq(sandbox.enabled(), false)
  t.eq(sandbox.host_allowed("example.org"), true)
  t.eq(sandbox.check_write("/tmp/anything"), true)
  t.eq(sandbox.out_dir(), nil)
end)

t.test("jixiao.sandbox functions check their arguments", function()
  t.raises(function() sandbox.host_allowed() end, "bad argument #1 to 'host_allowed' (string expected, got no value)")
  t.raises(function() sandbox.host_allowed({}) end, "bad argument #1 to 'host_allowed' (string expected, got table)")
  t.raises(function() sandbox.check_write() end, "bad argument #1 to 'check_write' (string expected, got no value)")
  t.raises(function() sandbox.check_write(print) end, "bad argument #1 to 'check_write'")
end)

allowed("inside, the module tells what is allowed", [[
  local s = require "jixiao.sandbox"
  print(s.enabled(), s.out_dir():match("[^/]+/[^/]+$"))
  print((s.check_write("out/a.txt")), (s.check_write("outside/a.txt")))
]], "true\tsandbox/out\ntrue\tnil\n")

with_jx("check_write explains a refusal", function()
  local out, rc = sandboxed([[print(select(2, require("jixiao.sandbox").check_write("outside/x.txt")))]])
  t.eq(rc, 0, out)
  t.ok(out:find("cannot write 'outside/x.txt': ", 1, true), out)
  t.ok(out:find("is outside --out ", 1, true), out)
end)

-- ---- the network allow-list ----

with_jx("--allow-host names the only hosts, in any case", function()
  local out, rc = jixiao({ "run", "--sandbox", "--allow-host", "Data.Example.org", "--allow-host", "127.0.0.1", "-e", [[
    local s = require "jixiao.sandbox"
    for _, h in ipairs { "data.example.org", "DATA.EXAMPLE.ORG", "127.0.0.1", "example.org",
                         "evil.data.example.org", "data.example.org.evil", "", "127.0.0.2" } do
      io.write(tostring(s.host_allowed(h)), " ")
    end
  ]] })
  t.eq(rc, 0, out)
  t.eq(out, "true true true false false false false false ")
end)

allowed("jx.write to - (standard output) is allowed", [[
  assert(require("jixiao").write("-", {{a = 1}}, "csv"))
]], "a\n1\n")

allowed("without --allow-host no host is allowed", [[
  print(require("jixiao.sandbox").host_allowed("localhost"))
]], "false\n")

with_jx("jixiao.http loads in the sandbox and refuses hosts not allowed", function()
  -- jixiao.http declares its checks (jx_sandbox_declare_checked), so it loads;
  -- requests to the allowed hosts themselves are tried in test_http.lua.
  local out = sandboxed([[
    local http = require "jixiao.http"
    print(select(2, pcall(http.get, "http://not-allowed.invalid/")))
  ]])
  t.ok(out:find("host 'not-allowed.invalid' is not allowed in --sandbox", 1, true), out)
end)

-- ---- commands, native code, debug, bytecode ----

refused("os.execute is refused", [[os.execute("touch escaped")]], "os.execute is not allowed in --sandbox")
refused("io.popen is refused", [[io.popen("touch escaped")]], "io.popen is not allowed in --sandbox")
refused("package.loadlib is refused", [[package.loadlib("libc.so.6", "*")]],
        "package.loadlib is not allowed in --sandbox")
allowed("require finds no C modules on disk", [[
  print(#package.searchers, select(2, pcall(require, "nosuchmod")):find(".so", 1, true))
]], "3\tnil\n")
refused("require 'debug' gives only traceback", [[require("debug").getinfo(1)]],
        "debug.getinfo is not allowed in --sandbox")
refused("debug.sethook is refused", [[debug.sethook()]], "debug.sethook is not allowed in --sandbox")
refused("debug.getregistry is refused", [[debug.getregistry()]], "debug.getregistry is not allowed in --sandbox")
refused("debug.upvaluejoin is refused", [[debug.upvaluejoin(print, 1, print, 1)]],
        "debug.upvaluejoin is not allowed in --sandbox")
refused("string.dump is refused", [[string.dump(print)]], "string.dump is not allowed in --sandbox")

with_jx("bytecode does not load by any way in", function()
  local code = [[
    local bc = io.open("outside/bytecode.lua", "rb"):read("a")
    print(select(2, load(bc)))
    print(select(2, load(bc, "bc", "bt")))
    print(select(2, load(bc, "bc", "b")))
    print(select(2, load(function() local s = bc; bc = nil; return s end)))
    print(select(2, loadfile("outside/bytecode.lua")))
    print(select(2, loadfile("outside/bytecode.lua", "b")))
    print(select(2, pcall(dofile, "outside/bytecode.lua")))
    print(select(2, pcall(require, "bytecode")):match("[^\n]*\n[^\n]*"))
  ]]
  local out, rc = jixiao({ "run", "--sandbox", "-e", code }, "LUA_PATH=" .. q(OUTSIDE .. "/?.lua"))
  t.eq(rc, 0, out)
  local chunk = "attempt to load a binary chunk (mode is 't')"
  local mode = 'binary chunks cannot be loaded in --sandbox (mode "t" only)'
  t.eq(out, table.concat({ chunk, chunk, mode, chunk, chunk, mode, chunk,
    "error loading module 'bytecode' from file '" .. OUTSIDE .. "/bytecode.lua':\n\t" .. chunk, "" }, "\n"))
  t.ok(not out:find("bytecode ran", 1, true))
end)

-- ---- writes ----

local function unchanged()
  t.eq(read(OUTSIDE .. "/secret.txt"), "secret\n", "the file outside was changed")
end

for _, case in ipairs {
  { "io.open w outside", [[io.open("outside/new.txt", "w")]], "io.open: cannot write 'outside/new.txt': " },
  { "io.open a outside", [[io.open("outside/secret.txt", "a")]], "io.open: cannot write 'outside/secret.txt': " },
  { "io.open r+ outside", [[io.open("outside/secret.txt", "r+")]], "io.open: cannot write" },
  { "io.open absolute /tmp", [[io.open("/tmp/jixiao-sandbox-test", "w")]], "/tmp is outside --out " },
  { "io.output outside", [[io.output("outside/new.txt")]], "io.output: cannot write 'outside/new.txt'" },
  { "os.remove outside", [[os.remove("outside/secret.txt")]], "os.remove: cannot remove 'outside/secret.txt'" },
  { "os.rename into out", [[os.rename("outside/secret.txt", "out/stolen.txt")]],
    "os.rename: cannot rename 'outside/secret.txt'" },
  { "os.rename out of out", [[io.open("out/mine.txt", "w"):close() os.rename("out/mine.txt", "outside/x")]],
    "os.rename: cannot rename 'outside/x'" },
  { "../ traversal", [[io.open("out/../outside/new.txt", "w")]], "is outside --out " },
  { "../ at the end", [[io.open("out/..", "w")]], "not a file name" },
  { "a directory", [[io.open("out/", "w")]], "not a file name" },
  { "symlink to a file outside", [[io.open("out/link", "w")]], "it is a symbolic link leading outside --out" },
  { "dangling symlink", [[io.open("out/dangling", "w")]], "it is a symbolic link leading outside --out" },
  { "symlinked directory", [[io.open("out/dirlink/new.txt", "w")]], "is outside --out " },
  { "hard link", [[io.open("out/hardlink", "a")]], "it has other hard links" },
  { "jx.write outside", [[require("jixiao").write("outside/w.json", {1}, "json")]],
    "jx.write: cannot write 'outside/w.json'" },
  { "os.tmpname", [[os.tmpname()]], "os.tmpname is not allowed in --sandbox" },
  { "io.tmpfile", [[io.tmpfile()]], "io.tmpfile is not allowed in --sandbox" },
} do
  with_jx("write refused: " .. case[1], function()
    local out, rc = sandboxed(case[2])
    t.eq(rc, 1, out)
    t.ok(out:find(case[3], 1, true), out)
    unchanged()
    t.eq(read(OUTSIDE .. "/new.txt"), nil)
    t.eq(read(OUTSIDE .. "/created.txt"), nil)
    t.eq(read(OUT .. "/stolen.txt"), nil)
  end)
end

with_jx("without --out nothing is writable", function()
  local out, rc = jixiao({ "run", "--sandbox", "-e", [[io.open("out/a.txt", "w")]] })
  t.eq(rc, 1, out)
  t.ok(out:find("--sandbox allows no writes without --out DIR", 1, true), out)
  t.eq(read(OUT .. "/a.txt"), nil)
end)

with_jx("writes inside --out succeed", function()
  local out, rc = sandboxed([[
    local f = assert(io.open("out/a.txt", "w")) f:write("one\n") f:close()
    f = assert(io.open("out/a.txt", "a")) f:write("two\n") f:close()
    assert(os.rename("out/a.txt", "out/b.txt"))
    io.output("out/c.txt") io.write("three\n") io.close() io.output(io.stdout)
    assert(io.open("out/d.txt", "w")):close()
    assert(os.remove("out/d.txt"))
    assert(require("jixiao").write("out/e.json", { n = 1 }, "json"))
    assert(os.remove("out/link"))
    print("done")
  ]])
  t.eq(rc, 0, out)
  t.eq(out, "done\n")
  t.eq(read(OUT .. "/b.txt"), "one\ntwo\n")
  t.eq(read(OUT .. "/c.txt"), "three\n")
  t.eq(read(OUT .. "/d.txt"), nil)
  t.ok(read(OUT .. "/e.json"):find('"n"', 1, true))
  unchanged() -- removing the link left its target alone
end)

allowed("files anywhere can be read", [[
  print(io.open("outside/secret.txt"):read("l"), io.lines("outside/secret.txt")())
]], "secret\tsecret\n")

with_jx("the environment is hidden", function()
  local out, rc = jixiao({ "run", "--sandbox", "-e", [[print(os.getenv("JX_SECRET"), os.getenv("PATH"))]] },
                         "JX_SECRET=hunter2")
  t.eq(rc, 0, out)
  t.eq(out, "nil\tnil\n")
end)

-- ---- protected globals ----

refused("string.rep = raises", [[string.rep = nil]], "string is read-only in --sandbox (cannot set string.rep)")
refused("table.insert = raises", [[table.insert = print]], "table is read-only in --sandbox (cannot set table.insert)")
refused("os.execute = raises", [[os.execute = print]], "os is read-only in --sandbox (cannot set os.execute)")
refused("io.open = raises", [[io.open = print]], "io is read-only in --sandbox")
refused("math.floor = raises", [[math.floor = nil]], "math is read-only in --sandbox")
refused("replacing string raises", [[string = {}]], "cannot replace the built-in global 'string' in --sandbox")
refused("replacing print raises", [[print = nil]], "cannot replace the built-in global 'print' in --sandbox")
refused("rawset on a library raises", [[rawset(table, "insert", print)]], "rawset: the table is read-only")
refused("rawset of a built-in global raises", [[rawset(_G, "require", print)]],
        "rawset: cannot replace the built-in global 'require'")
refused("setmetatable on a library raises", [[setmetatable(os, {})]], "cannot change a protected metatable")
refused("setmetatable on _G raises", [[setmetatable(_G, nil)]], "cannot change a protected metatable")
refused("table.insert into a library raises", [[table.insert(string, 1)]], "string is read-only in --sandbox")
refused("the table pairs hands out is read-only", [[local _, s = pairs(string) s.rep = nil]],
        "string is read-only in --sandbox")
refused("package.loaded gives the read-only tables", [[package.loaded.string.rep = nil]],
        "string is read-only in --sandbox")
refused("getmetatable('').__index is read-only", [[getmetatable("").__index.rep = nil]],
        "string is read-only in --sandbox (cannot set string.rep)")
refused("the string metatable is read-only", [[getmetatable("").__index = {}]],
        "metatable is read-only in --sandbox")
refused("file methods are read-only", [[getmetatable(io.stdout).__index.close = nil]],
        "metatable is read-only in --sandbox")
refused("__gc is refused", [[setmetatable({}, { __gc = print })]],
        "setmetatable: __gc metamethods are not allowed in --sandbox")
allowed("metatables of shared types hide their finalizers", [[
  local n = 0
  for k in pairs(getmetatable(io.stdout)) do if k == "__gc" or k == "__close" then n = n + 1 end end
  print(getmetatable(io.stdout).__gc, getmetatable(io.stdout).__close, n, getmetatable(io.stdout) == getmetatable(io.stderr))
]], "nil\tnil\t0\ttrue\n")
allowed("scripts keep their own globals and metatables", [[
  x = 1; rawset(_G, "y", 2)
  local Class = {}; local obj = setmetatable({}, Class)
  local names = {}
  for k in pairs(_G) do if k == "x" or k == "y" or k == "print" then names[#names + 1] = k end end
  table.sort(names)
  print(x, y, getmetatable(obj) == Class, table.concat(names, ","), #string.rep("a", 3))
]], "1\t2\ttrue\tprint,x,y\t3\n")

-- ---- what keeps working ----

allowed("coroutines, xpcall and text loading work as in Lua", [[
  local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
  print(co(1), co(5))
  print(xpcall(function() error("e", 0) end, function(m) return "handled " .. m end))
  local c = coroutine.create(function() local x <close> = setmetatable({}, { __close = function() print("closed") end })
    coroutine.yield() end)
  coroutine.resume(c)
  print(coroutine.close(c), load("return 6 * 7")(), dofile == nil)
]], "2\t10\nfalse\thandled e\nclosed\ntrue\t42\tfalse\n")

allowed("jixiao.testing and the embedded modules load", [[
  local tt = require "jixiao.testing"
  require "jixiao.check"; require "jixiao.score"; require "re"
  print(type(tt.eq), #require("jixiao").load("]] .. (os.getenv("ROOT") or ".") .. [[/tests/data/000_657db78fa8902e38.txt"))
]], "function\t6\n")

-- ---- limits ----

for _, case in ipairs {
  { "an endless loop", [[while true do end]] },
  { "a loop around pcall", [[while true do pcall(function() while true do end end) end]] },
  { "a looping xpcall handler", [[while true do xpcall(function() while true do end end, function() while true do end end) end]] },
  { "endless recursion in tail calls", [[local function f() return f() end f()]] },
  { "a loop in a coroutine", [[coroutine.wrap(function() while true do end end)()]] },
  { "a looping __close when a coroutine is closed", [[
      local co = coroutine.create(function()
        local x <close> = setmetatable({}, { __close = function() while true do end end })
        while true do end
      end)
      coroutine.resume(co); coroutine.close(co)]] },
  { "a looping __close in coroutine.wrap", [[
      coroutine.wrap(function()
        local x <close> = setmetatable({}, { __close = function() while true do end end })
        while true do end
      end)()]] },
  { "a loop in a gsub callback", [[string.gsub(("a"):rep(100), ".", function() while true do end end)]] },
} do
  with_jx("--timeout stops " .. case[1], function()
    local out, rc = sandboxed(case[2], "--timeout", "2M")
    t.eq(rc, 1, out)
    t.eq(out:match("^[^\n]*"), "jixiao: script exceeded --timeout 2M instructions")
  end)
end

for _, case in ipairs {
  { "a doubling string", [[local s = "x" while true do s = s .. s end]] },
  { "a growing table", [[local t = {} for i = 1, 1e9 do t[i] = { i } end]] },
  { "string.rep", [[local s = string.rep("x", 1e9)]] },
  { "a caught memory error", [[print(pcall(string.rep, "x", 1e9))]] },
  { "memory errors caught in a loop", [[local t = {} while true do pcall(function() t[#t + 1] = ("y"):rep(1e5) .. #t end) end]] },
} do
  with_jx("--max-memory stops " .. case[1], function()
    local out, rc = sandboxed(case[2], "--max-memory", "16M", "--timeout", "1G")
    t.eq(rc, 1, out)
    t.ok(out:find("jixiao: script exceeded --max-memory 16M\n", 1, true), out)
  end)
end

allowed("garbage collected in time does not pass --max-memory", [[
  local keep = {}
  for i = 1, 300 do keep[i % 4] = ("z"):rep(1e6) .. i end
  print(#keep[0])
]], "1000003\n", "--max-memory", "16M")

t.done()
