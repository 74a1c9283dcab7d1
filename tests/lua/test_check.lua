-- Tests of jixiao check: the Lua rules and the user-rule API (lua/jixiao/check.lua)
-- on hand-made rows, and the reports of the binary: every fixture row named T/N
-- holds (tests/data/check/make.py), the seed's findings, and every golden JSON
-- report against the documented schema (tests/data/check/report.schema.json).
-- Run: ./jixiao run tests/lua/test_check.lua (from the repository root).
local t = require "jixiao.testing"
local check = require "jixiao.check"

local JX = os.getenv("JX") or "./jixiao"
local SEED = "tests/data/000_657db78fa8902e38.txt"
local C = "tests/data/check/"

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- Runs `jixiao check ARGS`; returns stdout and the exit status.
local function jx(args)
  local p = assert(io.popen(JX .. " check " .. args .. " 2>/dev/null; echo \"\nrc=$?\""))
  local out = p:read("a")
  p:close()
  local body, rc = out:match("^(.*)\nrc=(%d+)\n$")
  return body, tonumber(rc)
end

---------------------------------------------------------------- a small JSON reader

local NULL = setmetatable({}, { __tostring = function() return "null" end })
local arrays = setmetatable({}, { __mode = "k" })

local function decode(s)
  local i = 1
  local function ws() i = s:find("[^ \t\r\n]", i) or #s + 1 end
  local function fail(what) error(("JSON: %s at byte %d"):format(what, i), 0) end
  local value
  local function str()
    local out = {}
    i = i + 1
    while true do
      local c = s:sub(i, i)
      if c == "" then fail("unterminated string") end
      if c == '"' then i = i + 1 break end
      if c == "\\" then
        local e = s:sub(i + 1, i + 1)
        local map = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
        if map[e] then out[#out + 1], i = map[e], i + 2
        elseif e == "u" then
          local cp = tonumber(s:sub(i + 2, i + 5), 16)
          i = i + 6
          if cp >= 0xD800 and cp < 0xDC00 and s:sub(i, i + 1) == "\\u" then
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (tonumber(s:sub(i + 2, i + 5), 16) - 0xDC00)
            i = i + 6
          end
          out[#out + 1] = utf8.char(cp)
        else fail("bad escape") end
      else
        local j = s:find('["\\]', i) or #s + 1
        out[#out + 1] = s:sub(i, j - 1)
        i = j
      end
    end
    return table.concat(out)
  end
  function value()
    ws()
    local c = s:sub(i, i)
    if c == "{" then
      local o = {}
      i = i + 1
      ws()
      if s:sub(i, i) == "}" then i = i + 1 return o end
      while true do
        ws()
        if s:sub(i, i) ~= '"' then fail("key expected") end
        local k = str()
        ws()
        if s:sub(i, i) ~= ":" then fail("':' expected") end
        i = i + 1
        o[k] = value()
        ws()
        local d = s:sub(i, i)
        i = i + 1
        if d == "}" then return o end
        if d ~= "," then fail("',' or '}' expected") end
      end
    elseif c == "[" then
      local a = {}
      arrays[a] = true
      i = i + 1
      ws()
      if s:sub(i, i) == "]" then i = i + 1 return a end
      while true do
        a[#a + 1] = value()
        ws()
        local d = s:sub(i, i)
        i = i + 1
        if d == "]" then return a end
        if d ~= "," then fail("',' or ']' expected") end
      end
    elseif c == '"' then return str()
    elseif s:sub(i, i + 3) == "true" then i = i + 4 return true
    elseif s:sub(i, i + 4) == "false" then i = i + 5 return false
    elseif s:sub(i, i + 3) == "null" then i = i + 4 return NULL
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
      if not num or num == "" then fail("value expected") end
      i = i + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  local v = value()
  ws()
  if i <= #s then fail("trailing text") end
  return v
end

---------------------------------------------------------------- a small schema checker
-- Enough of JSON Schema 2020-12 for report.schema.json: type (with null), enum,
-- required, properties, additionalProperties = false, items, minimum, minLength,
-- and pattern when written in the ^[...]…$ subset Lua patterns share.

local function type_of(v)
  if v == NULL then return "null" end
  local ty = type(v)
  if ty == "table" then return arrays[v] and "array" or "object" end
  if ty == "number" then return math.type(v) == "integer" and "integer" or "number" end
  return ty
end

local function validate(v, sc, path, errs)
  local actual = type_of(v)
  if sc.type then
    local ok = false
    for _, want in ipairs(type(sc.type) == "table" and sc.type or { sc.type }) do
      if want == actual or (want == "number" and actual == "integer") then ok = true end
    end
    if not ok then errs[#errs + 1] = path .. ": " .. actual .. " is not " .. table.concat(
      type(sc.type) == "table" and sc.type or { sc.type }, "|") return end
  end
  if sc.enum then
    local ok = false
    for _, e in ipairs(sc.enum) do ok = ok or e == v end
    if not ok then errs[#errs + 1] = path .. ": not in enum" end
  end
  if sc.minimum and actual == "integer" and v < sc.minimum then errs[#errs + 1] = path .. ": below minimum" end
  if sc.minLength and actual == "string" and utf8.len(v) < sc.minLength then errs[#errs + 1] = path .. ": too short" end
  if sc.pattern and actual == "string" then
    local lp = sc.pattern:gsub("%-%]", "%%-]")
    if not v:match(lp) then errs[#errs + 1] = path .. ": does not match " .. sc.pattern end
  end
  if actual == "object" then
    for _, k in ipairs(sc.required or {}) do
      if v[k] == nil then errs[#errs + 1] = path .. ": missing " .. k end
    end
    for k, x in pairs(v) do
      local sub = sc.properties and sc.properties[k]
      if sub then validate(x, sub, path .. "." .. k, errs)
      elseif sc.additionalProperties == false then errs[#errs + 1] = path .. ": unexpected " .. k end
    end
  elseif actual == "array" and sc.items then
    for k, x in ipairs(v) do validate(x, sc.items, path .. "[" .. k .. "]", errs) end
  end
end

local schema = decode(slurp(C .. "report.schema.json"))

local function conforms(report, name)
  local errs = {}
  validate(report, schema, "$", errs)
  t.ok(#errs == 0, name .. ": " .. table.concat(errs, "; "))
  local tally = { error = 0, warning = 0, info = 0 }
  for _, f in ipairs(report.findings) do tally[f.severity] = tally[f.severity] + 1 end
  t.eq(tally, report.counts, name .. ": counts")
end

---------------------------------------------------------------- the schema and the reports

t.test("schema: draft 2020-12, documented in README.md", function()
  t.eq(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
  local md = slurp("README.md")
  local block = md:match("<!%-%- report%.schema%.json %-%->%s*```json\n(.-)\n```")
  t.ok(block, "README.md has the schema in a ```json block after <!-- report.schema.json -->")
  t.eq(decode(block), schema)
end)

t.test("schema: every golden JSON report conforms", function()
  local p = io.popen("ls tests/golden/check_json_*.out tests/golden/check_relevel.out "
    .. "tests/golden/check_user_rules_relevel.out tests/golden/check_rules_runtime.out")
  local n = 0
  for path in p:lines() do
    conforms(decode(slurp(path)), path)
    n = n + 1
  end
  p:close()
  t.ok(n >= 10, "found " .. n .. " golden JSON reports")
end)

t.test("schema: rejects what it should (the checker checks)", function()
  local bad = decode('{"valid": 1, "counts": {"error": 0, "warning": 0}, "files": [], "findings": [{}], "x": 2}')
  local errs = {}
  validate(bad, schema, "$", errs)
  t.ok(#errs >= 4, table.concat(errs, "; "))
end)

---------------------------------------------------------------- fixtures: T and N rows

local fixtures = {
  ["clean.txt"] = {},
  ["money.txt"] = {},
  ["totals.txt"] = {},
  ["units.txt"] = {},
  ["texts.txt"] = {},
  ["reader.txt"] = { "unit-unknown", "note-row" },
  ["no-satisfaction.txt"] = { "missing-dimension" },
}

local function names_in(path)
  local out = {}
  for line in (slurp(path)):gmatch("[^\n]+") do
    local name = line:match("^[^\t]*\t[^\t]*\t([TN] [^\t]*)\t")
    if name then out[#out + 1] = name end
  end
  return out
end

for file, doc_rules in pairs(fixtures) do
  t.test("fixture " .. file .. ": T rows fire exactly their rules, N rows nothing", function()
    local out = jx("--format json " .. C .. file)
    local r = decode(out)
    conforms(r, file)
    local by, doc = {}, {}
    for _, f in ipairs(r.findings) do
      if f.project_name == NULL then doc[#doc + 1] = f.rule
      else
        by[f.project_name] = by[f.project_name] or {}
        by[f.project_name][f.rule] = true
      end
    end
    table.sort(doc)
    local want_doc = { table.unpack(doc_rules) }
    table.sort(want_doc)
    t.eq(doc, want_doc, file .. ": document-level findings")
    local names = names_in(C .. file)
    t.ok(#names > 0, "rows found")
    for _, name in ipairs(names) do
      local got = by[name] or {}
      local want = {}
      if name:sub(1, 1) == "T" then
        for id in name:match("^T (%S+)"):gmatch("[^+]+") do want[id] = true end
      end
      t.eq(got, want, name)
      by[name] = nil
    end
    t.eq(next(by), nil, "findings on rows not named T/N")
  end)
end

---------------------------------------------------------------- the seed

t.test("seed: the findings a reviewer reports, no money errors", function()
  local r = decode((jx("--format json " .. SEED)))
  conforms(r, "seed")
  local have = {}
  for _, f in ipairs(r.findings) do
    have[#have + 1] = f
  end
  local function find(rule, line, column, text)
    for _, f in ipairs(have) do
      if f.rule == rule and f.line == line and (column == nil or f.column == column)
          and (text == nil or (f.text ~= NULL and f.text:find(text, 1, true))) then return f end
    end
    error(("no %s finding on line %d column %s"):format(rule, line, tostring(column)), 2)
  end
  find("date-outside-year", 13, 20, "2020年7月26日完成发放")
  local slip = find("unit-slip", 17, 17, "按照文件规定标准发放党务干部补贴")
  t.ok(slip.message:find('"6.03元" here but "6.03万元"', 1, true), slip.message)
  find("operator-in-result", 12, 22, "经济效益≥99%")
  find("operator-in-result", 12, 24)
  find("operator-in-result", 12, 26)
  find("vague-target", 12, 23, "切实提高工作效率")
  find("satisfaction-complaints", 13, 27, "补贴发放投诉数")
  find("not-applicable", 14, 25, "不适用")
  for line = 15, 17 do find("repaired-row", line, NULL) end
  for _, f in ipairs(have) do
    t.ok(f.severity ~= "error", "an error-level finding on the seed: " .. f.rule)
    for _, money in ipairs{ "sum-of-parts", "rate-mismatch", "zero-budget-spending", "total-row-mismatch",
        "rate-over-100", "low-rate-no-reason" } do
      t.ok(f.rule ~= money, "all six rows add up, yet: " .. f.message)
    end
    t.ok(f.project ~= NULL and f.project >= 1 and f.project <= 6, "a finding outside the projects")
  end
  t.eq(r.valid, true)
  t.eq(r.files[1].projects, 6)
end)

t.test("--list-rules: the text rules are check.rules, in order, in C unless moved to Lua", function()
  local function listed(args)
    local out = jx(args)
    local kinds, all = {}, {}
    for id, kind in out:gmatch("([%w%-]+)%s+%S+%s+(%S+)[^\n]*\n") do
      all[#all + 1] = id
      kinds[id] = kind
    end
    return all, kinds
  end
  local all, kinds = listed("--list-rules")
  local mine, at = {}, nil
  for _, r in ipairs(check.rules) do mine[#mine + 1] = r.id end
  for i, id in ipairs(all) do if id == mine[1] then at = i break end end
  t.ok(at, "the text rules are listed")
  t.eq({ table.unpack(all, at, at + #mine - 1) }, mine)
  for _, id in ipairs(mine) do t.eq(kinds[id], "c", id) end
  t.ok(#all > #mine, "the money rules listed too")
  local f = os.tmpname()
  local h = assert(io.open(f, "w"))
  h:write('require("jixiao.indicator").add_unit("公顷次")\nreturn {}\n')
  h:close()
  local _, moved = listed("--list-rules --rules " .. f)
  os.remove(f)
  for _, id in ipairs(mine) do t.eq(moved[id], "lua", id) end
  local md = slurp("README.md")
  for _, id in ipairs(all) do
    t.ok(md:find("`" .. id .. "`", 1, true), "README.md does not document " .. id)
  end
end)

---------------------------------------------------------------- the module on hand-made rows

local DOC = { year = 2021, columns = {
  { index = 3, field = "name" }, { index = 13, field = "goal.target" }, { index = 14, field = "goal.result" },
  { index = 29, field = "problems" }, { index = 30, field = "rectification" } } }

local function project(over)
  local p = { kind = "project", name = "培训项目", goal = { target = "举办培训班4期", result = "举办培训班4期完成" },
    problems = "无", rectification = "无",
    indicators = {
      { level1 = "产出", level2 = "时效", key = "output.timeliness", target = "12月底前完成", result = "11月20日完成",
        target_col = 19, result_col = 20 },
      { level1 = "满意度", level2 = "服务对象满意度", key = "satisfaction.satisfaction", target = "满意度≥90%",
        result = "问卷调查满意度96%", target_col = 27, result_col = 28 },
    } }
  for k, v in pairs(over or {}) do p[k] = v end
  return p
end

local function rules_of(found)
  local out = {}
  for _, f in ipairs(found) do out[#out + 1] = f.rule .. "@" .. tostring(f.column) end
  table.sort(out)
  return out
end

t.test("run: a clean hand-made row has no findings", function()
  t.eq(check.run(project(), DOC), {})
end)

t.test("date-outside-year: result dates, not the project name", function()
  local p = project{ name = "2020年7月26日补贴项目" }
  t.eq(check.run(p, DOC, { "date-outside-year" }), {})
  p.indicators[1].result = "2020年7月26日完成发放"
  t.eq(rules_of(check.run(p, DOC, { "date-outside-year" })), { "date-outside-year@20" })
  p.indicators[1].result = "2021年7月26日完成发放"
  t.eq(check.run(p, DOC, { "date-outside-year" }), {})
  p.goal.result = "上年(2020年)完成3期, 今年4期"
  t.eq(check.run(p, DOC, { "date-outside-year" }), {}, "a bare year is context")
  p.problems = "2022年1月补发"
  t.eq(rules_of(check.run(p, DOC, { "date-outside-year" })), { "date-outside-year@29" })
  t.eq(check.run(p, { columns = DOC.columns }, { "date-outside-year" }), {}, "no year in the title: no rule")
end)

t.test("satisfaction rules: complaints vs survey, 100% vs 99.5%", function()
  local p = project()
  p.indicators[2].target, p.indicators[2].result = "补贴发放投诉数", "零投诉"
  t.eq(rules_of(check.run(p, DOC, { "satisfaction-complaints", "satisfaction-100" })),
    { "satisfaction-complaints@27" })
  p.indicators[2].target, p.indicators[2].result = "问卷调查满意度≥95%", "满意度100%"
  t.eq(rules_of(check.run(p, DOC, { "satisfaction-complaints", "satisfaction-100" })), { "satisfaction-100@28" })
  p.indicators[2].result = "满意度99.5%"
  t.eq(check.run(p, DOC, { "satisfaction-complaints", "satisfaction-100" }), {})
  p.indicators[1].target, p.indicators[1].result = "投诉处理率≥95%", "投诉处理率100%"
  t.eq(check.run(p, DOC, { "satisfaction-complaints", "satisfaction-100" }), {}, "投诉 outside 满意度")
end)

t.test("vague-target: the word list is the module's and can be extended", function()
  local p = project()
  p.indicators[1].target, p.indicators[1].result = "稳步推进工作", "已推进"
  t.eq(check.run(p, DOC, { "vague-target" }), {})
  check.vague_words[#check.vague_words + 1] = "稳步"
  t.eq(rules_of(check.run(p, DOC, { "vague-target" })), { "vague-target@19" })
  check.vague_words[#check.vague_words] = nil
  p.indicators[1].target = "切实提高到12月底前完成"
  t.eq(check.run(p, DOC, { "vague-target" }), {}, "a deadline is measurable")
end)

t.test("total rows reach only rules that ask for them", function()
  local p = project{ kind = "total" }
  p.indicators[1].result = "2020年7月26日完成发放"
  t.eq(check.run(p, DOC, { "date-outside-year" }), {})
end)

t.test("texts and column: the cells rules read, never the name", function()
  local roles = {}
  for _, c in ipairs(check.texts(project{ name = "2020年项目" }, DOC)) do
    roles[#roles + 1] = c.role .. "@" .. tostring(c.column)
    t.ok(c.text ~= "2020年项目", "the name is not read")
  end
  t.eq(roles, { "goal.target@13", "goal.result@14", "indicator.target@19", "indicator.result@20",
    "indicator.target@27", "indicator.result@28", "problems@29", "rectification@30" })
  t.eq(check.column(DOC, "problems"), 29)
  t.eq(check.column(DOC, "no.such.field"), nil)
end)

t.test("run: bad arguments raise", function()
  t.raises(function() check.run(nil, DOC) end, "bad argument #1 to 'run'")
  t.raises(function() check.run({}, nil) end, "bad argument #2 to 'run'")
  t.raises(function() check.run({}, DOC, "date-outside-year") end, "bad argument #3 to 'run'")
  t.raises(function() check.run({}, DOC, { "no-such-rule" }) end, "no rule 'no-such-rule'")
  t.raises(function() check.configure("all") end, "bad argument #1 to 'configure'")
  t.raises(function() check.column(nil, "problems") end, "bad argument #1 to 'column'")
  t.raises(function() check.column(DOC, 3) end, "bad argument #2 to 'column'")
  t.raises(function() check.texts("p", DOC) end, "bad argument #1 to 'texts'")
  t.raises(function() check.texts({}, nil) end, "bad argument #2 to 'texts'")
  t.raises(function() check.parse(42) end, "bad argument #1 to 'parse'")
  t.raises(function() check.project(nil, DOC) end, "bad argument #1 to 'project'")
  t.raises(function() check.project({}, 1) end, "bad argument #2 to 'project'")
  t.raises(function() check.document(nil) end, "bad argument #1 to 'document'")
end)

---------------------------------------------------------------- user rules

t.test("add_rules: malformed rule files come back as nil and a message", function()
  local function fails(list, want, taken)
    local ok, msg = check.add_rules(list, "my.lua", taken)
    t.eq(ok, nil)
    t.ok(msg:find(want, 1, true), msg)
  end
  local fn = function() end
  fails("x", "my.lua: must return a list of rule tables, not a string")
  fails({ 42 }, "my.lua: rule #1 is a number")
  fails({ { id = "Bad", project = fn } }, "id must be a string of lower-case letters")
  fails({ { id = "vague-target", project = fn } }, "rule 'vague-target': the id is already taken")
  fails({ { id = "mine", project = fn } }, "already taken", { mine = true })
  fails({ { id = "a", project = fn }, { id = "a", project = fn } }, "rule 'a': the id is already taken")
  fails({ { id = "sev", severity = "fatal", project = fn } }, "severity must be")
  fails({ { id = "nofn" } }, "needs a project or a document function")
  fails({ { id = "badfn", project = 1 } }, "project must be a function")
  fails({ { id = "baddoc", doc = 1, project = fn } }, "doc must be a string")
end)

t.test("add_rules: a user rule runs with the built-ins and reports by column", function()
  local desc = assert(check.add_rules({
    id = "long-name", severity = "info", doc = "long names",
    project = function(p, doc, report)
      if utf8.len(p.name) > 4 then report("name too long", check.column(doc, "name")) end
    end,
  }, "user.lua"))
  t.eq(desc, { { id = "long-name", severity = "info", doc = "long names" } })
  local found, failures = check.project(project(), DOC)
  t.eq(failures, {})
  t.eq(found, {})
  found = check.project(project{ name = "一个很长的培训项目" }, DOC)
  t.eq(found, { { rule = "long-name", column = 3, message = "name too long" } })
  t.raises(function() check.run(project(), DOC, { "no-such" }) end, "no rule")
end)

t.test("project: a failing rule is reported once and switched off", function()
  assert(check.add_rules({
    { id = "explodes", project = function() error("kaboom") end },
    { id = "silent-report", project = function(p, doc, report) report {} end },
    { id = "bad-column", project = function(p, doc, report) report { message = "m", column = 1.5 } end },
    { id = "doc-rule", document = function(doc, report) report { message = "doc says hi", text = "x" } end },
  }, "boom.lua"))
  local found, failures = check.project(project(), DOC)
  t.eq(#failures, 3)
  t.eq(failures[1].rule, "explodes")
  t.ok(failures[1].message:find("kaboom", 1, true) and failures[1].message:find("traceback", 1, true))
  t.ok(failures[2].message:find("report: the finding needs a message", 1, true), failures[2].message)
  t.ok(failures[3].message:find("report: column must be an integer", 1, true), failures[3].message)
  found, failures = check.project(project(), DOC)
  t.eq(failures, {}, "switched off after failing")
  found = check.document(DOC)
  t.eq(found, { { rule = "doc-rule", message = "doc says hi", text = "x" } })
  check.configure({ ["doc-rule"] = true })
  t.eq(check.project(project{ name = "一个很长的培训项目" }, DOC), {}, "configure switches the others off")
end)

t.test("the word lists of the C text rules are check.lua's", function()
  local src = slurp("src/check_text.c")
  for _, name in ipairs{ "vague_words", "growth_words" } do
    local body = src:match(name .. "%[%] = (%b{})")
    t.ok(body, name .. " in src/check_text.c")
    local c = {}
    for w in body:gmatch('"([^"]*)"') do c[#c + 1] = w end
    t.eq(c, check[name], name)
  end
end)

t.test("builtin_in_c: true for the shipped word lists, false once one changes", function()
  t.eq(check.builtin_in_c(), true)
  local words = check.vague_words
  check.vague_words = { table.unpack(words) }
  t.eq(check.builtin_in_c(), true, "an equal copy is still the shipped list")
  check.vague_words[#check.vague_words + 1] = "公顷次"
  t.eq(check.builtin_in_c(), false)
  check.vague_words = words
  t.eq(check.builtin_in_c(), true)
end)

t.done()
