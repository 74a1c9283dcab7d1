-- jixiao.testing: the tiny test module every tests/lua/*.lua file uses.
-- Each t.test prints one "ok   lua NAME" or "FAIL lua NAME: MESSAGE" line and
-- t.done prints "N passed, M failed" last, which is what tests/run.sh reads.

local type, tostring, pairs, ipairs = type, tostring, pairs, ipairs
local pcall, xpcall, error, print = pcall, xpcall, error, print
local getmetatable, rawequal = getmetatable, rawequal
local sort, concat = table.sort, table.concat
local fmt = string.format
local math = math
local traceback = debug.traceback
local io, os = io, os

local M = {}

local passed, failed = 0, 0

-- Readable, deterministic rendering of a value for failure messages: strings
-- quoted, tables with sorted keys, nesting and length bounded so a huge table
-- does not drown the one difference that matters.
local render

local function key_order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local function render_key(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  return "[" .. render(k, 1, {}) .. "]"
end

function render(v, depth, seen)
  local tv = type(v)
  if tv == "string" then return fmt("%q", v) end
  if tv ~= "table" then
    if math.type(v) == "float" and v == math.floor(v) and v == v
       and v ~= math.huge and v ~= -math.huge then
      return fmt("%.1f", v)   -- keep 1.0 distinguishable from 1
    end
    return tostring(v)
  end
  if seen[v] then return "<cycle>" end
  local mt = getmetatable(v)
  if mt and mt.__tostring then return tostring(v) end
  if depth > 3 then return "{...}" end
  seen[v] = true
  local keys, n = {}, #v
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then
      keys[#keys + 1] = k
    end
  end
  sort(keys, key_order)
  local parts, shown = {}, 0
  for i = 1, n do
    if shown == 20 then parts[#parts + 1] = "..."; break end
    parts[#parts + 1] = render(v[i], depth + 1, seen)
    shown = shown + 1
  end
  for _, k in ipairs(keys) do
    if shown >= 20 then parts[#parts + 1] = "..."; break end
    parts[#parts + 1] = render_key(k) .. " = " .. render(v[k], depth + 1, seen)
    shown = shown + 1
  end
  seen[v] = nil
  return "{" .. concat(parts, ", ") .. "}"
end

local function path_of(path, k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then
    return path .. "." .. k
  end
  return path .. "[" .. render(k, 1, {}) .. "]"
end

local function scalar_equal(a, b)
  if a == b then return true end
  -- NaN never equals itself, but two NaNs are the "same" result for a test
  return type(a) == "number" and type(b) == "number" and a ~= a and b ~= b
end

-- Returns nil when a and b are deeply equal, else the path (like ".rows[2].name")
-- of the first difference and the two values found there. Tables compare by
-- content, ignoring metatables; `seen` stops cycles.
local function diff(a, b, path, seen)
  if type(a) ~= "table" or type(b) ~= "table" then
    if scalar_equal(a, b) then return nil end
    return path, a, b
  end
  if rawequal(a, b) then return nil end
  if seen[a] == b then return nil end
  seen[a] = b
  for k, va in pairs(a) do
    local p, x, y = diff(va, b[k], path_of(path, k), seen)
    if p then return p, x, y end
  end
  for k, vb in pairs(b) do
    if a[k] == nil then return path_of(path, k), nil, vb end
  end
  return nil
end

-- Strips the frames of this module and of the xpcall that ran the test, so
-- the traceback starts in the test file.
local function trim_traceback(tb)
  local out = {}
  for line in tb:gmatch("[^\n]+") do
    if not (line:find("jixiao/testing.lua", 1, true)
            or line:find("in function 'xpcall'", 1, true)
            or line == "stack traceback:") then
      out[#out + 1] = "    " .. line:gsub("^%s+", "")
    end
  end
  return concat(out, "\n")
end

local function handler(e)
  local msg = type(e) == "string" and e or render(e, 1, {})
  return { msg = msg, tb = traceback("", 2) }
end

-- t.test(name, fn): runs fn protected; a failure never stops later tests.
function M.test(name, fn)
  if type(name) ~= "string" then
    error("bad argument #1 to 'test' (string expected, got " .. type(name) .. ")", 2)
  end
  if type(fn) ~= "function" then
    error("bad argument #2 to 'test' (function expected, got " .. type(fn) .. ")", 2)
  end
  local ok, e = xpcall(fn, handler)
  if ok then
    passed = passed + 1
    print("ok   lua " .. name)
  else
    failed = failed + 1
    local tb = trim_traceback(e.tb)
    print("FAIL lua " .. name .. ": " .. e.msg .. (tb ~= "" and "\n" .. tb or ""))
  end
  io.stdout:flush()
end

-- t.eq(actual, expected[, msg]): deep equality; raises at the caller's line.
function M.eq(actual, expected, msg)
  local p, a, b = diff(actual, expected, "", {})
  if not p then return end
  local head = msg and (tostring(msg) .. ": ") or ""
  local where = p ~= "" and (" at " .. p) or ""
  local text = fmt("%snot equal%s: expected %s, got %s", head, where,
                   render(b, 1, {}), render(a, 1, {}))
  if p ~= "" then
    text = text .. fmt("\n      expected: %s\n      actual:   %s",
                       render(expected, 1, {}), render(actual, 1, {}))
  end
  error(text, 2)
end

-- t.ok(cond[, msg]): raises at the caller's line when cond is false or nil.
function M.ok(cond, msg)
  if not cond then error(msg and tostring(msg) or "assertion failed", 2) end
  return cond
end

-- t.raises(fn, pattern): fn must raise an error whose message contains
-- `pattern` (a plain substring, not a Lua pattern). Returns the message.
function M.raises(fn, pattern, ...)
  if type(fn) ~= "function" then
    error("bad argument #1 to 'raises' (function expected, got " .. type(fn) .. ")", 2)
  end
  local ok, e = pcall(fn, ...)
  if ok then
    error(fmt("expected an error containing %s, but the call returned normally",
              render(pattern, 1, {})), 2)
  end
  local m = type(e) == "string" and e or render(e, 1, {})
  if pattern ~= nil and not m:find(tostring(pattern), 1, true) then
    error(fmt("expected an error containing %s, got: %s",
              render(pattern, 1, {}), m), 2)
  end
  return m
end

-- t.done(): prints the summary as the last line and ends the script, exit 0
-- only when nothing failed.
function M.done()
  print(fmt("%d passed, %d failed", passed, failed))
  io.stdout:flush()
  os.exit(failed == 0 and 0 or 1, true)
end

return M
