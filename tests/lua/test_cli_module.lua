-- Tests for jixiao.cli, the helpers the shipped scripts share: the option
-- parser (flags, values, --opt=value, "--", -h, every way to get it wrong),
-- reader options, FILE|DIR expansion and loading with their messages, writing
-- to a file or standard output (also under --sandbox, in a child jixiao), the
-- app's warn/die/usage/parse with its streams and exit replaced, the report
-- helpers; and a bad-argument test for each function.
local t = require "jixiao.testing"
local cli = require "jixiao.cli"
local D = require "jixiao.decimal"
local jx = require "jixiao"

local JX = arg[-1]
local SEED = "tests/data/000_657db78fa8902e38.txt"
local DIR = string.format("%s/test_cli_module.%d.%d", os.getenv("T") or "/tmp", os.time(), math.random(1 << 30))

local function quote(w) return "'" .. w:gsub("'", "'\\''") .. "'" end
local function sh(cmd) return os.execute(cmd) end
assert(sh("mkdir -p " .. quote(DIR .. "/tables/sub") .. " " .. quote(DIR .. "/empty") .. " " .. quote(DIR .. "/out")))
assert(sh("cp " .. SEED .. " " .. quote(DIR .. "/tables/a.txt") .. " && cp tests/data/enc/comma.csv "
  .. quote(DIR .. "/tables/sub/b.CSV") .. " && echo notes > " .. quote(DIR .. "/tables/notes.md")
  .. " && cp tests/data/variants/not-a-table.txt " .. quote(DIR .. "/bad.txt")))

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- An app whose output, errors and exit are recorded: exit raises {exit = code}.
local function recorded(usage)
  local app = cli.new("tool", usage or "usage: tool FILE...\n")
  local out, err = {}, {}
  local function sink(list)
    return { write = function(self, ...) for _, s in ipairs { ... } do list[#list + 1] = s end return self end }
  end
  app.out, app.err = sink(out), sink(err)
  app.exit = function(code) error({ exit = code }, 0) end
  return app, function() return table.concat(out) end, function() return table.concat(err) end
end

-- The exit code fn ends with (through app.exit).
local function exit_of(fn)
  local ok, e = pcall(fn)
  t.ok(not ok, "expected an exit, the call returned")
  t.ok(type(e) == "table" and e.exit, "expected an exit, got an error: " .. tostring(e))
  return e.exit
end

local SPEC = { ["--below"] = "below=", ["-o"] = "output=", ["--output"] = "output=", ["--quiet"] = "quiet",
               ["-q"] = "quiet" }

---------------------------------------------------------------- cli.parse

t.test("parse: values, --opt=value, flags, short options and operands in order", function()
  local o = assert(cli.parse({ "a.txt", "--below", "85", "-q", "-o", "x.csv", "dir", "-" }, SPEC))
  t.eq(o, { "a.txt", "dir", "-", below = "85", quiet = true, output = "x.csv" })
  o = assert(cli.parse({ "--below=85.5%", "--output=a=b.csv" }, SPEC))
  t.eq(o, { below = "85.5%", output = "a=b.csv" })
end)

t.test("parse: defaults are copied, options override them, the last one wins", function()
  local defaults = { below = "90" }
  t.eq(cli.parse({}, SPEC, defaults), { below = "90" })
  t.eq(cli.parse({ "--below", "80", "--below=70" }, SPEC, defaults), { below = "70" })
  t.eq(defaults, { below = "90" })
end)

t.test("parse: a value may start with - (\"-o -\" is standard output)", function()
  t.eq(cli.parse({ "-o", "-", "--below", "-q" }, SPEC), { output = "-", below = "-q" })
end)

t.test("parse: -- ends the options", function()
  t.eq(cli.parse({ "-q", "--", "--below", "-h", "-x", "--" }, SPEC), { "--below", "-h", "-x", "--", quiet = true })
end)

t.test("parse: -h and --help stop at once, even before a bad option", function()
  t.eq(cli.parse({ "a", "-h", "--bogus" }, SPEC), { "a", help = true })
  t.eq(cli.parse({ "--help" }, SPEC), { help = true })
end)

t.test("parse: what a user can get wrong is nil and a message", function()
  local cases = {
    { { "--bogus" }, "unknown option --bogus" },
    { { "--bogus=1" }, "unknown option --bogus" },
    { { "-x" }, "unknown option -x" },
    { { "a", "--below" }, "--below needs a value" },
    { { "--below=" }, "--below needs a value" },
    { { "-o", "" }, "-o needs a value" },
    { { "--quiet=yes" }, "--quiet takes no value" },
  }
  for _, c in ipairs(cases) do
    local o, err = cli.parse(c[1], SPEC)
    t.eq({ o, err }, { nil, c[2] }, table.concat(c[1], " "))
  end
end)

t.test("parse: bad arguments raise", function()
  t.raises(cli.parse, "bad argument #1 to 'parse' (list of arguments expected, got string)", "--below")
  t.raises(cli.parse, "bad argument #2 to 'parse' (table of options expected, got nil)", {})
  t.raises(cli.parse, "option names are -x or --name, got below", {}, { below = "below=" })
  t.raises(cli.parse, "option names are -x or --name, got ---x", {}, { ["---x"] = "x" })
  t.raises(cli.parse, "option --below must map to \"key\" or \"key=\", got true", {}, { ["--below"] = true })
  t.raises(cli.parse, "option --below must map to \"key\" or \"key=\", got 2x", {}, { ["--below"] = "2x" })
  t.raises(cli.parse, "--help is the usage, it cannot be redefined", {}, { ["--help"] = "help" })
  t.raises(cli.parse, "bad argument #3 to 'parse' (table of defaults expected, got string)", {}, SPEC, "90")
  t.raises(cli.parse, "argument 2 is a number, not a string", { "a", 3 }, SPEC)
  t.raises(cli.parse, "argument 2 is a boolean, not a string", { "--below", true }, SPEC)
end)

t.test("parse: the script's own arg table (arg[0], arg[-1], arg.files are not operands)", function()
  local argv = { [-1] = "/bin/jixiao", [0] = "s.lua", "a.txt", "-q", files = { "a.txt" }, args = {} }
  t.eq(cli.parse(argv, SPEC), { "a.txt", quiet = true })
end)

---------------------------------------------------------------- the reader options

t.test("reader_spec: the spec given (not changed) with the reader options added", function()
  local spec = { ["--below"] = "below=" }
  local all = cli.reader_spec(spec)
  t.eq(all, { ["--below"] = "below=", ["--encoding"] = "encoding=", ["--delimiter"] = "delimiter=",
              ["--no-realign"] = "no_realign" })
  t.eq(spec, { ["--below"] = "below=" })
  t.eq(cli.parse({ "--encoding=gb18030", "--no-realign", "--delimiter", "tab", "x" }, all),
    { "x", encoding = "gb18030", no_realign = true, delimiter = "tab" })
  for _, opt in ipairs { "  --encoding ENC ", "  --delimiter tab|comma ", "  --no-realign " } do
    t.ok(cli.reader_usage:find(opt, 1, true), opt)
  end
  t.raises(cli.reader_spec, "bad argument #1 to 'reader_spec' (table of options expected, got nil)")
end)


t.test("reader_opts: the jx.load options, checked", function()
  t.eq(cli.reader_opts({}), {})
  t.eq(cli.reader_opts({ encoding = "gb18030", delimiter = "comma", no_realign = true }),
    { encoding = "gb18030", delimiter = "comma", no_realign = true })
  t.eq({ cli.reader_opts({ delimiter = ";" }) }, { nil, "--delimiter must be tab or comma, not ;" })
  local r, err = cli.reader_opts({ encoding = "latin1" })
  t.eq(r, nil)
  t.ok(err:find("^%-%-encoding: unknown encoding 'latin1'"), err)
  t.raises(cli.reader_opts, "bad argument #1 to 'reader_opts' (options table expected, got nil)")
end)

---------------------------------------------------------------- cli.is_dir, cli.write

t.test("is_dir: true, false, or nil and a message", function()
  t.eq(cli.is_dir(DIR), true)
  t.eq(cli.is_dir(DIR .. "/tables/a.txt"), false)
  t.eq(cli.is_dir("-"), false)
  local is, err = cli.is_dir(DIR .. "/no-such")
  t.eq(is, nil)
  t.ok(err:find("No such file or directory", 1, true), err)
  t.raises(cli.is_dir, "bad argument #1 to 'is_dir' (path expected, got nil)")
end)

t.test("write: a file, atomically, in each format", function()
  local p = DIR .. "/out/w.txt"
  t.eq(cli.write(p, "hello\n", "text"), true)
  t.eq(read(p), "hello\n")
  t.eq(cli.write(p, { { a = "1", b = "x,y" } }, "csv"), true)
  t.eq(read(p), "a,b\n1,\"x,y\"\n")
  t.eq(cli.write(p, { n = D"1.50" }, "json"), true)
  t.eq(read(p), '{\n  "n": 1.50\n}\n')
end)

t.test("write: - is standard output, as jx.render renders it", function()
  local got, flushed = {}, false
  local real = io.stdout
  io.stdout = { write = function(self, s) got[#got + 1] = s return self end,
                flush = function(self) flushed = true return self end }
  local ok, r = pcall(cli.write, "-", { { "a", "b" } }, "csv")
  io.stdout = real
  t.ok(ok, r)
  t.eq({ r, table.concat(got), flushed }, { true, jx.render({ { "a", "b" } }, "csv"), true })
end)

t.test("write: failures are nil, a message and a code; misuse raises", function()
  t.eq({ cli.write(DIR .. "/no-such-dir/x.txt", "x", "text") },
    { nil, DIR .. "/no-such-dir/x.txt: cannot create the output file: No such file or directory", "io" })
  t.eq({ cli.write(DIR .. "/out", "x", "text") },
    { nil, DIR .. "/out: cannot open the output file: Is a directory", "io" })
  t.raises(cli.write, "bad argument #1 to 'write' (file path expected, got nil)")
  t.raises(cli.write, "format must be json, csv, markdown or text, got xml", DIR .. "/out/x", "x", "xml")
  t.raises(cli.write, "a string for format text", "-", {}, "text")
end)

-- Runs code in a child jixiao under --sandbox --out DIR/out: its stdout and status.
local function sandboxed(code)
  local f = assert(io.popen(quote(JX) .. " run --sandbox --out " .. quote(DIR .. "/out") .. " -e " .. quote(code)
    .. " 2>&1"))
  local out = f:read("a")
  local _, _, status = f:close()
  return out, status
end

t.test("write under --sandbox: inside --out and - work, a path outside is a message", function()
  local out, status = sandboxed(string.format([[
    local cli = require "jixiao.cli"
    assert(cli.write("-", "to stdout\n", "text"))
    print(cli.write(%q, "inside", "text"))
    print(cli.write(%q, "outside", "text"))
  ]], DIR .. "/out/s.txt", DIR .. "/s.txt"))
  t.eq(status, 0, out)
  t.eq(out, "to stdout\ntrue\nnil\tcannot write '" .. DIR .. "/s.txt': " .. DIR
    .. " is outside --out " .. DIR .. "/out, the only directory a --sandbox script may write in\tusage\n")
  t.eq(read(DIR .. "/out/s.txt"), "inside")
end)

t.test("files and load under --sandbox: directories are walked without a command", function()
  local out, status = sandboxed(string.format([[
    local cli = require "jixiao.cli"
    local app = cli.new("s", "usage\n")
    local docs, failed = app:load({ %q })
    print(#docs, failed, docs[1].doc[1].name)
  ]], DIR .. "/tables"))
  t.eq({ out, status }, { "2\t0\t办公设备购置\n", 0 })
end)

---------------------------------------------------------------- the app

t.test("new: bad arguments raise", function()
  t.raises(cli.new, "bad argument #1 to 'new' (script name expected, got nil)")
  t.raises(cli.new, "bad argument #2 to 'new' (usage text expected, got nil)", "tool")
end)

t.test("warn, die and usage speak under the script's name", function()
  local app, out, err = recorded()
  app:warn("%s: %d", "x", 3)
  t.eq(err(), "tool: x: 3\n")
  t.eq(exit_of(function() app:die("gone") end), 2)
  t.eq(exit_of(function() app:die("fine", 0) end), 0)
  t.eq(err(), "tool: x: 3\ntool: gone\ntool: fine\n")
  app, out, err = recorded()
  t.eq(exit_of(function() app:usage("no FILE given") end), 2)
  t.eq({ out(), err() }, { "", "tool: no FILE given\nusage: tool FILE...\n" })
  app, out, err = recorded()
  t.eq(exit_of(function() app:usage() end), 2)
  t.eq(err(), "usage: tool FILE...\n")
end)

t.test("app:parse: --help prints the usage on stdout and exits 0", function()
  local app, out, err = recorded()
  t.eq(exit_of(function() app:parse({ "--help" }, SPEC) end), 0)
  t.eq({ out(), err() }, { "usage: tool FILE...\n", "" })
end)

t.test("app:parse: a bad argument prints the message and the usage, exits 2", function()
  local app, out, err = recorded()
  t.eq(exit_of(function() app:parse({ "--below" }, SPEC) end), 2)
  t.eq({ out(), err() }, { "", "tool: --below needs a value\nusage: tool FILE...\n" })
  app = recorded()
  t.eq(app:parse({ "a", "-q" }, SPEC, { below = "90" }), { "a", below = "90", quiet = true })
  t.raises(function() app:parse("a", SPEC) end, "bad argument #1 to 'parse'")
end)

t.test("app:parse_files: options and reader options; no operand or a bad reader option is a usage error", function()
  local app, out, err = recorded()
  local o, ropts = app:parse_files({ "--delimiter=comma", "-q", "a.txt" }, SPEC)
  t.eq({ o, ropts }, { { "a.txt", delimiter = "comma", quiet = true }, { delimiter = "comma" } })
  t.eq(exit_of(function() app:parse_files({ "-q" }, SPEC) end), 2)
  t.eq(exit_of(function() app:parse_files({ "--encoding", "latin1", "a.txt" }, SPEC) end), 2)
  t.eq(exit_of(function() app:parse_files({ "--format", "a.txt" }, SPEC) end), 2)
  local lines = {}
  for l in err():gmatch("tool: [^\n]+") do lines[#lines + 1] = l end
  t.eq(lines, { "tool: no FILE or DIR given",
    "tool: --encoding: unknown encoding 'latin1' (utf-8, gb18030, utf-16le or utf-16be)",
    "tool: unknown option --format" })
  t.eq(out(), "")
  t.raises(function() app:parse_files({}, "spec") end, "bad argument #1 to 'reader_spec'")
end)

t.test("files: files kept as given, directories walked, failures said and counted", function()
  local app, _, err = recorded()
  local list, failed = app:files({ SEED, DIR .. "/tables", "-", DIR .. "/empty", DIR .. "/nope.txt" })
  t.eq(list, { SEED, DIR .. "/tables/a.txt", DIR .. "/tables/sub/b.CSV", "-" })
  t.eq(failed, 2)
  t.eq(err(), "tool: " .. DIR .. "/empty: no tables (*.txt, *.csv, *.tsv) in the directory\n"
    .. "tool: " .. DIR .. "/nope.txt: cannot open: No such file or directory\n")
  t.raises(function() app:files({ "a", 1 }) end, "bad argument #1 to 'files' (path 2 is a number, not a string)")
  t.raises(function() app:files("dir") end, "bad argument #1 to 'files' (list of paths expected, got string)")
end)

t.test("load: documents in order with their paths; failures said in the order met", function()
  local app, _, err = recorded()
  local docs, failed = app:load({ DIR .. "/bad.txt", DIR .. "/tables", DIR .. "/nope.txt" },
    assert(cli.reader_opts({ no_realign = true })))
  t.eq(#docs, 2)
  t.eq({ docs[1].path, docs[2].path }, { DIR .. "/tables/a.txt", DIR .. "/tables/sub/b.CSV" })
  t.eq({ docs[1].doc.source, docs[2].doc.delimiter }, { DIR .. "/tables/a.txt", "," })
  t.eq(failed, 2)
  local lines = {}
  for l in err():gmatch("[^\n]+") do lines[#lines + 1] = l end
  t.eq(#lines, 2)
  local want = "tool: " .. DIR .. "/bad.txt: no header of a self-evaluation table"
  t.eq(lines[1]:sub(1, #want), want)
  t.eq(lines[2], "tool: " .. DIR .. "/nope.txt: cannot open: No such file or directory")
  t.raises(function() app:load({ SEED }, { encoding = "latin1" }) end, "unknown encoding 'latin1'")
  t.raises(function() app:load(SEED) end, "bad argument #1 to 'load' (list of paths expected, got string)")
  t.raises(function() app:load({ SEED }, "gb18030") end, "bad argument #2 to 'load' (reader options table expected")
end)

---------------------------------------------------------------- report helpers

t.test("money: two places at least, every digit kept, nil for nil", function()
  t.eq(cli.money(D"288"), "288.00")
  t.eq(cli.money(D"288.4"), "288.40")
  t.eq(cli.money(D"288.490"), "288.49")
  t.eq(cli.money(D"0.012345"), "0.012345")
  t.eq(cli.money(D"-1.5"), "-1.50")
  t.eq(cli.money(nil), nil)
  t.raises(cli.money, "attempt to", "12")
end)

t.test("department: 部门名称, else the first row's, else the title, else the path", function()
  local doc = assert(jx.load(SEED))
  t.eq(cli.department(doc, "x"), "深圳市龙岗区工商业联合会")
  local bare = assert(jx.parse("项目名称\t预算数\t执行数\n打印机\t2.00\t1.50\n", { name = "inline" }))
  t.eq(cli.department(bare, "inline.txt"), "inline.txt")
  t.raises(cli.department, "attempt to index", nil, "x")
end)

os.execute("rm -rf " .. quote(DIR))
t.done()
