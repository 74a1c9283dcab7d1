-- Tests for jx.check and jx.score (require "jixiao"): on the seed and every fixture
-- of tests/data/check and tests/data/score they return what `jixiao check --format
-- json` and `jixiao score --format json` write (the binary run as a child, its JSON
-- decoded with jixiao.json); options and user rules as on the command line; the
-- one-row form, in the callback mode too; bad arguments and failures.
local t = require "jixiao.testing"
local jx = require "jixiao"
local json = require "jixiao.json"
local D = require "jixiao.decimal"
local check = require "jixiao.check"

local JX = os.getenv("JX") or "./jixiao"
local SEED = "tests/data/000_657db78fa8902e38.txt"
local C = "tests/data/check"
local PROFILES = { "national", "platform", "hebei", "sichuan" }
-- A directory of its own for the scripts and rules files the tests write.
local DIR = string.format("%s/test_api_check.%d.%d", os.getenv("T") or "/tmp", os.time(), math.random(1 << 30))
assert(os.execute("mkdir -p '" .. DIR .. "'"))

local function quote(w) return "'" .. w:gsub("'", "'\\''") .. "'" end

-- Runs jixiao with the words given: stdout, stderr and the exit status.
local function run(...)
  local words = { JX }
  for _, w in ipairs({ ... }) do words[#words + 1] = quote(w) end
  local err = DIR .. "/stderr"
  local f = assert(io.popen(table.concat(words, " ") .. " 2>" .. quote(err)))
  local out = f:read("a")
  local _, _, status = f:close()
  local e = assert(io.open(err, "rb"))
  local errtext = e:read("a")
  e:close()
  return out, errtext, status
end

-- The JSON a command writes, decoded with decimals kept exact; and its exit status.
local function cli(...)
  local out, err, status = run(...)
  local v, msg = json.decode(out, { decimals = true })
  assert(v, (msg or "") .. "\n" .. err)
  return v, status
end

-- A value as a test compares it: JSON nulls are absent fields in Lua, decimals
-- compare by their exact text ("10.00" is not "10").
local function plain(v)
  if v == json.null then return nil end
  if D.isdecimal(v) then return { decimal = tostring(v) } end
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = plain(x) end
  return out
end

local function write(name, text)
  local path = DIR .. "/" .. name
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

local function ls(pattern)
  local files = {}
  local p = assert(io.popen("ls " .. pattern))
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  return files
end

local FIXTURES = { SEED }
for _, f in ipairs(ls(C .. "/*.txt")) do FIXTURES[#FIXTURES + 1] = f end
for _, f in ipairs(ls("tests/data/score/*.txt")) do FIXTURES[#FIXTURES + 1] = f end

local seed = assert(jx.load(SEED))

-- Every Lua rule's id, from jixiao.check itself.
local function lua_rule_ids()
  local ids = {}
  for _, r in ipairs(check.rules) do ids[#ids + 1] = r.id end
  return ids
end

---------------------------------------------------------------- jx.check equals jixiao check

t.test("check: jx.check and jixiao check --format json agree on every fixture", function()
  t.ok(#FIXTURES >= 10, "fixtures found: " .. #FIXTURES)
  for _, f in ipairs(FIXTURES) do
    local r = jx.check(assert(jx.load(f)))
    local want, status = cli("check", "--format", "json", f)
    t.eq(plain(r.findings), plain(want.findings), f)
    t.eq(r.counts, want.counts, f)
    t.eq(r.valid, want.valid, f)
    t.eq(r.failures, nil, f)
    t.eq(status, want.valid and 0 or 1, f)
  end
end)

t.test("check: the seed's report, field by field", function()
  local r = jx.check(seed)
  t.eq(r.valid, true)
  t.eq(r.counts, { error = 0, warning = 26, info = 3 })
  t.eq(#r.findings, 29)
  t.eq(r.findings[1], {
    rule = "operator-in-result", severity = "warning", file = SEED, line = 12, project = 1,
    project_name = "办公设备购置", column = 22, column_path = "效益目标 / 经济效益指标 / 完成情况",
    text = "经济效益≥99%",
    message = "the 经济效益 result is written like a target (\"≥99%\"): a result states what was achieved; "
      .. "give the measured value instead of a threshold",
  })
  local slip
  for _, f in ipairs(r.findings) do if f.rule == "unit-slip" then slip = f end end
  t.eq({ slip.line, slip.project, slip.column }, { 17, 6, 17 })
  t.ok(slip.message:find('"6.03元" here but "6.03万元" in column 14', 1, true), slip.message)
end)

t.test("check: document findings from after the rows come last, as in jixiao check", function()
  local r = jx.check(assert(jx.load(C .. "/reader.txt")))
  t.eq(r.findings[1].rule, "unit-unknown")
  t.eq(r.findings[#r.findings].rule, "note-row")
  t.eq(r.findings[#r.findings].line, 15)
  t.eq(r.findings[#r.findings].project_name, nil)
end)

t.test("check: a realigned row's finding names the cell as read", function()
  local cells = 0
  for _, f in ipairs(jx.check(seed).findings) do
    if f.cell then cells = cells + 1; t.ok(f.cell ~= f.column) end
  end
  t.ok(cells > 0, "some finding on a realigned row has a cell")
end)

t.test("check: a loaded table from jx.parse, named by opts.name", function()
  local f = assert(io.open(C .. "/money.txt", "rb"))
  local text = f:read("a")
  f:close()
  local r = jx.check(assert(jx.parse(text, { name = C .. "/money.txt" })))
  local want = cli("check", "--format", "json", C .. "/money.txt")
  t.eq(plain(r.findings), plain(want.findings))
  t.eq(r.valid, false)
end)

---------------------------------------------------------------- options equal the command line's

t.test("check options: disable, error, warning, info as --disable, --error, --warning, --info", function()
  local r = jx.check(seed, { disable = { "vague-target", "duplicate-indicator" }, error = "date-outside-year",
                             info = { "unit-slip" }, warning = {} })
  local want, status = cli("check", "--format", "json", "--disable", "vague-target,duplicate-indicator",
                           "--error", "date-outside-year", "--info", "unit-slip", SEED)
  t.eq(status, 1)
  t.eq(plain(r.findings), plain(want.findings))
  t.eq(r.counts, want.counts)
  t.eq(r.valid, false)
  t.eq(r.counts.error, 1)
end)

t.test("check options: a comma list, and a re-levelled rule is on even when disabled", function()
  local r = jx.check(seed, { disable = "vague-target, over-achievement", warning = { "over-achievement" } })
  local want = cli("check", "--format", "json", "--disable", "vague-target,over-achievement",
                   "--warning", "over-achievement", SEED)
  t.eq(plain(r.findings), plain(want.findings))
end)

t.test("check options: with every Lua rule off, only the C rules run", function()
  local ids = lua_rule_ids()
  local r = jx.check(seed, { disable = ids })
  local want = cli("check", "--format", "json", "--disable", table.concat(ids, ","), SEED)
  t.eq(plain(r.findings), plain(want.findings))
  for _, f in ipairs(r.findings) do t.ok(f.rule == "repaired-row" or f.rule == "unit-slip", f.rule) end
end)

t.test("check options: rules files as --rules, re-levelled after loading", function()
  local opts = { rules = C .. "/user-rules.lua", error = { "epidemic-reason" } }
  local r = jx.check(seed, opts)
  local want = cli("check", "--format", "json", "--rules", C .. "/user-rules.lua", "--error", "epidemic-reason", SEED)
  t.eq(plain(r.findings), plain(want.findings))
  t.eq(r.valid, false)
  -- a second call loads the file afresh: its ids are not taken by the first
  local again = jx.check(seed, { rules = { C .. "/user-rules.lua" }, disable = "epidemic-reason" })
  want = cli("check", "--format", "json", "--rules", C .. "/user-rules.lua", "--disable", "epidemic-reason", SEED)
  t.eq(plain(again.findings), plain(want.findings))
  -- and they never reach the module's own default run
  local dt = seed:totable()
  t.eq(check.run(dt.projects[1], dt, { "vague-target" })[1].rule, "vague-target")
  t.raises(function() check.run(dt.projects[1], dt, { "epidemic-reason" }) end, "no rule 'epidemic-reason'")
end)

t.test("check options: two rules files", function()
  local extra = write("extra.lua", [[
return { id = "long-name", severity = "info", doc = "names over 5 characters",
  project = function(p, doc, report)
    if utf8.len(p.name or "") > 5 then report("a long name", 3) end
  end }
]])
  local r = jx.check(seed, { rules = { C .. "/user-rules.lua", extra } })
  local want = cli("check", "--format", "json", "--rules", C .. "/user-rules.lua", "--rules", extra, SEED)
  t.eq(plain(r.findings), plain(want.findings))
  local n, long = 0, 0
  for _, f in ipairs(r.findings) do if f.rule == "long-name" then n = n + 1 end end
  for _, p in seed:projects() do if utf8.len(p.name) > 5 then long = long + 1 end end
  t.eq(n, long)
  t.ok(n > 0)
end)

---------------------------------------------------------------- one row

t.test("check one row: jx.check(p) gives the row's findings of jx.check(doc)", function()
  local whole, rows = jx.check(seed), {}
  for _, p in seed:projects() do
    local r = jx.check(p)
    t.eq(r, jx.check(p, seed), "jx.check(p, doc) is jx.check(p)")
    for _, f in ipairs(r.findings) do
      t.eq(f.line, p.line)
      rows[#rows + 1] = f
    end
  end
  local want = {}
  for _, f in ipairs(whole.findings) do
    if f.project_name then want[#want + 1] = f end
  end
  t.eq(rows, want)
  local r = jx.check(seed[3], { disable = lua_rule_ids() })
  t.eq(r.findings, {})
  t.eq(r.valid, true)
end)

t.test("check one row: a total row gets its own rules only, never the sums over other rows", function()
  local doc = assert(jx.load(C .. "/totals.txt"))
  local whole = jx.check(doc)
  t.eq(whole.counts.error, 2)
  for i = 1, #doc do
    local p = doc[i]
    for _, f in ipairs(jx.check(p).findings) do t.ok(f.rule ~= "total-row-mismatch", f.rule) end
  end
end)

---------------------------------------------------------------- jx.score equals jixiao score

t.test("score: jx.score and jixiao score --format json agree, every fixture and profile", function()
  for _, f in ipairs(FIXTURES) do
    local doc = assert(jx.load(f))
    for _, name in ipairs(PROFILES) do
      local want = cli("score", "--format", "json", "--profile", name, f)
      t.eq(plain(jx.score(doc, name)), plain(want.files[1]), f .. " " .. name)
    end
    t.eq(plain(jx.score(doc)), plain(jx.score(doc, "national")), "national is the default")
  end
end)

t.test("score: a profile table as --profile-file", function()
  local prof = dofile("tests/data/score/old-reverse.lua")
  for _, f in ipairs({ SEED, "tests/data/score/stated.txt" }) do
    local want = cli("score", "--format", "json", "--profile-file", "tests/data/score/old-reverse.lua", f)
    t.eq(plain(jx.score(assert(jx.load(f)), prof)), plain(want.files[1]), f)
  end
end)

t.test("score: the seed, field by field, scores as exact decimals", function()
  local s = jx.score(seed)
  t.eq({ s.source, s.year, s.unit, s.department }, { SEED, 2021, "万元", "深圳市龙岗区工商业联合会" })
  t.eq(s.summary, { projects = 6, grades = { ["优"] = 5, ["良"] = 0, ["中"] = 1, ["差"] = 0 }, weights = "profile",
                    errors = 0 })
  local totals = {}
  for i, p in ipairs(s.projects) do totals[i] = tostring(p.total) .. " " .. p.grade end
  t.eq(totals, { "99.84 优", "100.00 优", "97.78 优", "100.00 优", "98.64 优", "79.65 中" })
  local p1 = s.projects[1]
  t.ok(D.isdecimal(p1.total) and p1.total == D"99.84")
  t.eq(tostring(p1.execution.score), "9.84")
  t.eq(p1.execution.rate_source, "recomputed")
  t.eq(p1.blocks[1].level1, "产出")
  t.eq(tostring(p1.indicators[1].weight), "16.67")
  t.ok(p1.explanation:find("= 99.84 → 优", 1, true), p1.explanation)
  t.eq(p1.how, nil, "only what the JSON has")
end)

t.test("score one row: jx.score(p) is that project of jx.score(doc)", function()
  local whole = jx.score(seed, "hebei")
  local k = 0
  for _, p in seed:projects() do
    k = k + 1
    t.eq(plain(jx.score(p, "hebei")), plain(whole.projects[k]))
  end
end)

---------------------------------------------------------------- the callback mode

t.test("callbacks: jx.check(p) and jx.score(p) on streamed rows; a streamed doc raises", function()
  local script = write("stream.lua", [[
local jx = require "jixiao"
local loaded
function document(doc)
  loaded = assert(jx.load(doc.source))
  for _, f in ipairs({ jx.check, jx.score }) do
    local ok, e = pcall(f, doc)
    print(ok, e)
  end
end
local i = 0
function project(p, doc)
  i = i + 1
  local mine, theirs = jx.check(p, doc), jx.check(loaded[i])
  local same = #mine.findings == #theirs.findings
  for k, f in ipairs(mine.findings) do same = same and f.message == theirs.findings[k].message end
  local s = jx.score(p)
  print(p.line, #mine.findings, same, tostring(s.total), tostring(jx.score(loaded[i]).total))
end
]])
  local out, err, status = run("run", script, SEED)
  t.eq(status, 0, err)
  t.ok(out:find("false\tjx.check: a streamed document holds no rows; check each row with jx.check(p) in "
    .. "project(p, doc), or read the whole table with jx.load\n", 1, true), out)
  t.ok(out:find("false\tjx.score: a streamed document holds no rows", 1, true), out)
  t.ok(out:find("\n12\t7\ttrue\t99.84\t99.84\n", 1, true), out)
  t.ok(out:find("\n17\t%d+\ttrue\t79.65\t79.65\n"), out)
  local rows = 0
  for _ in out:gmatch("\ttrue\t") do rows = rows + 1 end
  t.eq(rows, 6)
end)

---------------------------------------------------------------- the modules stay modules

t.test("jx.check and jx.score are functions; the engines are require'd modules", function()
  t.eq(type(rawget(jx, "check")), "function")
  t.eq(type(rawget(jx, "score")), "function")
  t.eq(type(require("jixiao.check").new_run), "function")
  t.eq(type(require("jixiao.score").project), "function")
  t.ok(rawequal(jx.profiles, require "jixiao.profiles"))
end)

---------------------------------------------------------------- bad arguments

t.test("check: bad arguments raise", function()
  t.raises(function() jx.check() end, "bad argument #1 to 'check' (jixiao.Document expected, got no value)")
  t.raises(function() jx.check(SEED) end, "bad argument #1 to 'check' (jixiao.Document expected, got string)")
  t.raises(function() jx.check({}) end, "jixiao.Document expected, got table")
  t.raises(function() jx.check(seed, 5) end, "bad argument #2 to 'check' (table expected, got number)")
  t.raises(function() jx.check(seed, { colour = "red" }) end,
           "unknown option 'colour' (disable, error, warning, info, rules)")
  t.raises(function() jx.check(seed, { [1] = "x" }) end, "unknown option '?'")
  t.raises(function() jx.check(seed, { disable = 5 }) end,
           "bad option disable (a rule id or a list of them expected)")
  t.raises(function() jx.check(seed, { error = { "vague-target", 3 } }) end, "bad option error (a rule id")
  t.raises(function() jx.check(seed, { rules = true }) end, "bad option rules (a path or a list of them expected)")
  local m = t.raises(function() jx.check(seed, { disable = { "vague-target", "no-such-rule" } }) end,
                     "bad option disable: no rule 'no-such-rule'; the rules are: sum-of-parts, rate-mismatch, ")
  t.ok(m:find("missing-result", 1, true), m)
  t.raises(function() jx.check(seed, { info = "nope" }) end, "bad option info: no rule 'nope'")
  t.raises(function() jx.check(seed[1], assert(jx.load(C .. "/clean.txt"))) end,
           "bad argument #2 to 'check' (the project's own document expected)")
  t.raises(function() jx.check(seed[1], seed[2]) end, "the project's own document expected")
  t.raises(function() jx.check(seed[1], seed, 7) end, "bad argument #3 to 'check' (table expected, got number)")
  -- a user rule's id is known only once its file is given
  t.raises(function() jx.check(seed, { error = "epidemic-reason" }) end, "no rule 'epidemic-reason'")
end)

t.test("check: a closed document, or a row of one, raises", function()
  local doc = assert(jx.load(SEED))
  local p = doc[1]
  doc:close()
  t.raises(function() jx.check(doc) end, "document used after it was closed")
  t.raises(function() jx.check(p) end, "project used after its document was closed")
  t.raises(function() jx.score(doc) end, "document used after it was closed")
  t.raises(function() jx.score(p) end, "project used after its document was closed")
end)

t.test("score: bad arguments raise", function()
  t.raises(function() jx.score() end, "bad argument #1 to 'score' (jixiao.Document expected, got no value)")
  t.raises(function() jx.score(5) end, "bad argument #1 to 'score' (jixiao.Document expected, got number)")
  t.raises(function() jx.score(seed, 5) end, "bad argument #2 to 'score' (profile name or table expected, got number)")
  t.raises(function() jx.score(seed, "nosuch") end,
           "jx.score: no profile 'nosuch'; the profiles are national, platform, hebei, sichuan")
  t.raises(function() jx.score(seed, {}) end, "jx.score: the profile is not valid: ")
  t.raises(function() jx.score(seed, dofile("tests/data/score/bad-weights.lua")) end,
           "jx.score: the profile is not valid: blocks: the weights sum to")
  local p = require("jixiao.profiles").copy("national")
  p.colour = "red"
  t.raises(function() jx.score(seed[1], p) end, "the profile is not valid")
end)

---------------------------------------------------------------- failures

t.test("check failures: a rules file that cannot be used gives nil and jixiao check's message", function()
  for _, b in ipairs({ "syntax", "id", "taken", "shape" }) do
    local r, msg = jx.check(seed, { rules = C .. "/bad-" .. b .. ".lua" })
    t.eq(r, nil, b)
    local _, err, status = run("check", "--rules", C .. "/bad-" .. b .. ".lua", C .. "/clean.txt")
    t.eq(status, 2)
    t.eq("jixiao check: --rules: " .. msg .. "\n", err, b)
  end
  local r, msg = jx.check(seed, { rules = { C .. "/user-rules.lua", C .. "/no-such-rules.lua" } })
  t.eq(r, nil)
  t.eq(msg, "cannot open " .. C .. "/no-such-rules.lua: No such file or directory")
  r, msg = jx.check(seed, { rules = write("raises.lua", "error('not today')") })
  t.eq(r, nil)
  t.ok(msg:find("raises.lua:1: not today", 1, true), msg)
end)

t.test("check failures: a rule that raises is switched off and named in failures", function()
  local doc = assert(jx.load(C .. "/clean.txt"))
  local r = jx.check(doc, { rules = C .. "/bad-runtime.lua" })
  local want, status = cli("check", "--format", "json", "--rules", C .. "/bad-runtime.lua", C .. "/clean.txt")
  t.eq(status, 2)
  t.eq(r.valid, false)
  t.eq(r.valid, want.valid)
  t.eq(plain(r.findings), plain(want.findings))
  t.eq(#r.failures, 2)
  t.eq({ r.failures[1].rule, r.failures[1].line, r.failures[2].rule, r.failures[2].line },
       { "boom", 12, "no-message", 12 })
  t.ok(r.failures[1].message:find("bad-runtime.lua:4: boom on", 1, true), r.failures[1].message)
  t.ok(r.failures[1].message:find("traceback", 1, true), r.failures[1].message)
  t.ok(r.failures[2].message:find("report: the finding needs a message", 1, true), r.failures[2].message)
  -- on one row, the same
  local one = jx.check(doc[1], { rules = C .. "/bad-runtime.lua" })
  t.eq(#one.failures, 2)
  t.eq(one.valid, false)
end)

t.test("check failures: a rule that closes the document stops the check", function()
  local rules = write("closer.lua", [[
return { id = "closer", doc = "closes the table it checks",
  project = function(p) if p.line == 13 then _G.API_CHECK_VICTIM:close() end end }
]])
  local doc = assert(jx.load(SEED))
  _G.API_CHECK_VICTIM = doc
  t.raises(function() jx.check(doc, { rules = rules }) end, "jx.check: a rule closed the document being checked")
  _G.API_CHECK_VICTIM = nil
  t.raises(function() jx.check(doc) end, "document used after it was closed")
end)

t.test("score failures: a total row has no score", function()
  local doc = assert(jx.load(C .. "/totals.txt"))
  local total
  for i = 1, #doc do if doc[i].kind == "total" then total = doc[i] end end
  t.ok(total, "the fixture has a total row")
  local s, msg = jx.score(total)
  t.eq(s, nil)
  t.eq(msg, C .. "/totals.txt: line " .. total.line .. " is a total row (合计), not a project: it has no score")
  t.eq(#jx.score(doc).projects, jx.score(doc).summary.projects, "total rows are not scored")
end)

os.execute("rm -rf '" .. DIR .. "'")
t.done()
