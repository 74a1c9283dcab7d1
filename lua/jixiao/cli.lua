-- jixiao.cli: what the shipped scripts (scripts/*.lua) share — reading their
-- options, turning FILE|DIR operands into documents, reporting under the
-- script's name with an exit status, and writing an output to a file or to
-- standard output. Everything goes through the library (jx.files, jx.load,
-- jx.write), never a shell, so a script built on it runs under --sandbox.
--
--   local cli = require "jixiao.cli"
--   local app = cli.new("summary", usage)          -- usage: the --help text
--   local o, ropts = app:parse_files(arg, { ["--below"] = "below=", ["-q"] = "quiet" }, { below = "90" })
--   local docs, failed = app:load(o, ropts)        -- o[1..n]: the operands, FILE|DIR...
--   local ok, err = cli.write(o.csv or "-", rows, "csv", { columns = cols })
--
-- A spec maps an option to the key it sets: "key" for a flag (true), "key="
-- for an option that takes a value ("--opt VALUE" or "--opt=VALUE"). -h and
-- --help ask for the usage; "--" ends the options. Misuse of this module (a
-- spec that is not one, arguments of the wrong type) raises; what the user got
-- wrong goes through app:usage and app:die, which print and exit.

local jx = require "jixiao"
local sandbox = require "jixiao.sandbox"

local type, pairs, ipairs, tostring, setmetatable, error = type, pairs, ipairs, tostring, setmetatable, error
local format = string.format

local M = {}

local function argerror(n, fname, msg) error(format("bad argument #%d to '%s' (%s)", n, fname, msg), 3) end

local function check_paths(paths, fname)
  if type(paths) ~= "table" then argerror(1, fname, "list of paths expected, got " .. type(paths)) end
  for i, p in ipairs(paths) do
    if type(p) ~= "string" then argerror(1, fname, format("path %d is a %s, not a string", i, type(p))) end
  end
end

local function check_spec(spec, fname)
  if type(spec) ~= "table" then argerror(2, fname, "table of options expected, got " .. type(spec)) end
  for name, key in pairs(spec) do
    if type(name) ~= "string" or not (name:match("^%-%w$") or name:match("^%-%-%w[%w-]*$")) then
      argerror(2, fname, "option names are -x or --name, got " .. tostring(name))
    end
    if name == "-h" or name == "--help" then argerror(2, fname, name .. " is the usage, it cannot be redefined") end
    if type(key) ~= "string" or not key:match("^[%a_][%w_]*=?$") then
      argerror(2, fname, "option " .. name .. " must map to \"key\" or \"key=\", got " .. tostring(key))
    end
  end
end

---------------------------------------------------------------- options

-- parse(argv, spec [, defaults]) -> options | nil, message. The options are a
-- copy of defaults with each option's key set and the operands in o[1..n];
-- o.help is true when -h or --help came first (the rest is then not read).
-- An empty value ("--out=") is an error, as is an unknown option; "-" is an
-- operand. Never exits; app:parse is the form that prints and exits.
function M.parse(argv, spec, defaults)
  if type(argv) ~= "table" then argerror(1, "parse", "list of arguments expected, got " .. type(argv)) end
  check_spec(spec, "parse")
  if defaults ~= nil and type(defaults) ~= "table" then
    argerror(3, "parse", "table of defaults expected, got " .. type(defaults))
  end
  local o = {}
  for k, v in pairs(defaults or {}) do o[k] = v end
  local i, n = 1, #argv
  while i <= n do
    local a = argv[i]
    if type(a) ~= "string" then argerror(1, "parse", format("argument %d is a %s, not a string", i, type(a))) end
    if a == "--" then
      for j = i + 1, n do o[#o + 1] = argv[j] end
      break
    end
    if a == "-h" or a == "--help" then
      o.help = true
      return o
    end
    local name, value = a:match("^(%-%-[^=]+)=(.*)$")
    name = name or a
    local key = spec[name]
    if key and key:sub(-1) == "=" then
      if not value then i = i + 1; value = argv[i] end
      if value == nil or value == "" then return nil, name .. " needs a value" end
      if type(value) ~= "string" then
        argerror(1, "parse", format("argument %d is a %s, not a string", i, type(value)))
      end
      o[key:sub(1, -2)] = value
    elseif key then
      if value then return nil, name .. " takes no value" end
      o[key] = true
    elseif a:sub(1, 1) == "-" and a ~= "-" then
      return nil, "unknown option " .. name
    else
      o[#o + 1] = a
    end
    i = i + 1
  end
  return o
end

-- The reader options of every FILE|DIR script, as jixiao parse names them:
-- reader_spec(spec) -> a copy of spec with them added; reader_usage, their
-- lines for a usage text; reader_opts(o) -> the jx.load options they give
-- (keys encoding, delimiter, no_realign), checked by the reader itself, or
-- nil and a message naming the option.
local READER_SPEC = { ["--encoding"] = "encoding=", ["--delimiter"] = "delimiter=", ["--no-realign"] = "no_realign" }

M.reader_usage = [[
  --encoding ENC          read every table in ENC (default: detected)
  --delimiter tab|comma   cell delimiter (default: detected)
  --no-realign            keep ragged rows as read
]]

function M.reader_spec(spec)
  if type(spec) ~= "table" then argerror(1, "reader_spec", "table of options expected, got " .. type(spec)) end
  local all = {}
  for k, v in pairs(spec) do all[k] = v end
  for k, v in pairs(READER_SPEC) do all[k] = v end
  return all
end

function M.reader_opts(o)
  if type(o) ~= "table" then argerror(1, "reader_opts", "options table expected, got " .. type(o)) end
  local r = { encoding = o.encoding, no_realign = o.no_realign or nil }
  if o.delimiter then
    if o.delimiter ~= "tab" and o.delimiter ~= "comma" then
      return nil, "--delimiter must be tab or comma, not " .. tostring(o.delimiter)
    end
    r.delimiter = o.delimiter
  end
  local ok, err = pcall(jx.parse, "", r)
  if not ok then return nil, (tostring(err):gsub("^bad option: ", "--encoding: ")) end
  return r
end

---------------------------------------------------------------- paths and outputs

-- is_dir(path) -> true | false (it exists and is something else) | nil,
-- message. Opening works on a directory on Linux; reading it fails (EISDIR).
function M.is_dir(path)
  if type(path) ~= "string" then argerror(1, "is_dir", "path expected, got " .. type(path)) end
  if path == "-" then return false end
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local _, _, code = f:read(0)
  f:close()
  return code == 21
end

-- write(path, value, format [, opts]) -> true | nil, message, code: jx.write
-- (atomic), except that a path --sandbox would refuse is a message here
-- rather than a raise, and "-" (standard output) is written with io.stdout,
-- which the sandbox allows where its jx.write refuses "-".
function M.write(path, value, fmt, opts)
  if type(path) ~= "string" then argerror(1, "write", "file path expected, got " .. type(path)) end
  if path == "-" then
    local ok, err = io.stdout:write(jx.render(value, fmt, opts))
    if ok then ok, err = io.stdout:flush() end
    if not ok then return nil, "standard output: cannot write: " .. tostring(err), "io" end
    return true
  end
  local ok, err = sandbox.check_write(path)
  if not ok then return nil, err, "usage" end
  return jx.write(path, value, fmt, opts)
end

---------------------------------------------------------------- figures the reports share

-- The department a table belongs to: its 部门名称 line, else the 部门名称 cell
-- of its first project, else its title, else path.
function M.department(doc, path)
  local function nonempty(s) return s ~= nil and s ~= "" and s or nil end
  local dept = nonempty(doc.department)
  if not dept then
    for _, p in doc:projects() do dept = nonempty(p.department) break end
  end
  return dept or nonempty(doc.title) or path
end

-- An exact decimal with at least two places and no trailing zeros past them
-- (a sum of 元 amounts converted to 万元 keeps all its digits); nil for nil.
function M.money(d)
  if d == nil then return nil end
  local s = tostring(d)
  if not s:find(".", 1, true) then return tostring(d:round(2)) end
  local int, frac = s:match("^(-?%d*)%.(%d*)$")
  frac = frac:gsub("0+$", "")
  if #frac < 2 then frac = frac .. ("0"):rep(2 - #frac) end
  return int .. "." .. frac
end

---------------------------------------------------------------- the script

local App = {}
App.__index = App

-- new(name, usage) -> app: messages go out as "name: ..." on app.err, the
-- usage (the --help text) to app.out or app.err, exits through app.exit
-- (io.stdout, io.stderr and os.exit; a test may replace them, and an exit
-- replaced must not return).
function M.new(name, usage)
  if type(name) ~= "string" then argerror(1, "new", "script name expected, got " .. type(name)) end
  if type(usage) ~= "string" then argerror(2, "new", "usage text expected, got " .. type(usage)) end
  return setmetatable({ name = name, help = usage, out = io.stdout, err = io.stderr, exit = os.exit }, App)
end

function App:warn(fmt, ...) self.err:write(self.name, ": ", format(fmt, ...), "\n") end

-- Says msg and exits with code (default 2).
function App:die(msg, code)
  self:warn("%s", tostring(msg))
  self.exit(code or 2)
end

-- Says msg (if any), prints the usage on standard error and exits 2.
function App:usage(msg)
  if msg then self:warn("%s", msg) end
  self.err:write(self.help)
  self.exit(2)
end

-- M.parse, with -h/--help printing the usage and exiting 0, and a bad
-- argument reported through app:usage.
function App:parse(argv, spec, defaults)
  local o, err = M.parse(argv, spec, defaults)
  if not o then self:usage(err) end
  if o.help then
    self.out:write(self.help)
    self.exit(0)
  end
  return o
end

-- parse_files(argv, spec [, defaults]) -> options, reader options: app:parse
-- for a script that reads FILE|DIR... with the reader options (reader_spec);
-- no operand, or a bad --encoding or --delimiter, goes through app:usage.
function App:parse_files(argv, spec, defaults)
  local o = self:parse(argv, M.reader_spec(spec), defaults)
  if #o == 0 then self:usage("no FILE or DIR given") end
  local ropts, err = M.reader_opts(o)
  if not ropts then self:usage(err) end
  return o, ropts
end

-- files(paths) -> the table files (jx.files) of every path, and how many
-- paths could not be used: one that cannot be read, or a directory without
-- tables (each said on app.err).
function App:files(paths)
  check_paths(paths, "files")
  local list, failed = {}, 0
  for _, path in ipairs(paths) do
    local found, err = jx.files(path)
    if not found then
      self:warn("%s", err)
      failed = failed + 1
    elseif #found == 0 then
      self:warn("%s: no tables (*.txt, *.csv, *.tsv) in the directory", path)
      failed = failed + 1
    end
    for _, f in ipairs(found or {}) do list[#list + 1] = f end
  end
  return list, failed
end

-- load(paths [, reader_opts]) -> the documents, in order, as {path =, doc =},
-- and how many paths or files could not be read (each said on app.err, in
-- the order met).
function App:load(paths, ropts)
  check_paths(paths, "load")
  if ropts ~= nil and type(ropts) ~= "table" then
    argerror(2, "load", "reader options table expected, got " .. type(ropts))
  end
  local docs, failed = {}, 0
  for _, path in ipairs(paths) do
    local files, bad = self:files({ path })
    failed = failed + bad
    for _, f in ipairs(files) do
      local doc, msg = jx.load(f, ropts)
      if doc then docs[#docs + 1] = { path = f, doc = doc }
      else
        self:warn("%s", msg)
        failed = failed + 1
      end
    end
  end
  return docs, failed
end

return M
