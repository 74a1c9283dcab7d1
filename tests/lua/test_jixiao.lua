-- Tests for the module `jixiao`: load and parse, lazy documents and
-- projects, header labels as keys, exact money, and jx.write.
local t = require "jixiao.testing"
local jx = require "jixiao"
local D = require "jixiao.decimal"
local SEED = "tests/data/000_657db78fa8902e38.txt"
local GB = "tests/data/enc/gb18030.txt"
-- A directory of its own, so that a stray temporary file would show.
local DIR = string.format("%s/test_jixiao.%d.%d", os.getenv("T") or "/tmp", os.time(), math.random(1 << 30))
assert(os.execute("mkdir -p '" .. DIR .. "'"))

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local seed = assert(jx.load(SEED))

-- ---- the module ----

t.test("version, and submodules loaded on first use", function()
  t.eq(jx.version, "0.1.0")
  t.eq(rawget(jx, "indicator"), nil)
  t.ok(rawequal(jx.indicator, require "jixiao.indicator"))
  t.ok(rawequal(rawget(jx, "indicator"), jx.indicator), "cached on the module")
  t.ok(rawequal(jx.decimal, D))
  t.ok(rawequal(jx.json, require "jixiao.json"))
  t.eq(jx.nonesuch, nil)
end)

-- ---- load and parse ----

t.test("load: preamble fields", function()
  local doc = seed
  t.eq(doc.title, "2021年度区工商联部门预算项目绩效自评表")
  t.eq(doc.year, 2021)
  t.eq(doc.unit, "万元")
  t.eq(doc.unit_code, "wan_yuan")
  t.eq(doc.unit_text, "单位: 万元")
  t.eq(doc.department, "深圳市龙岗区工商业联合会")
  t.eq(doc.source, SEED)
  t.eq(doc.encoding, "utf-8")
  t.eq(doc.delimiter, "\t")
  t.eq({doc.header_first_line, doc.header_last_line}, {9, 11})
  t.eq(doc.diagnostics, {})
  t.eq(doc.nonesuch, nil)
  t.eq(doc[{}], nil)
  t.eq(tostring(doc), "jixiao.Document (" .. SEED .. ", 6 rows)")
end)

t.test("load: columns with paths and canonical fields", function()
  local cols = seed.columns
  t.eq(#cols, 30)
  t.eq(cols[4], {index = 4, path = "项目年度预算金额 / 合计", field = "budget.total"})
  t.eq(cols[17], {index = 17, path = "产出目标 / 质量指标 / 年度指标内容", field = "indicator.target",
                  level1 = "产出", level2 = "质量"})
end)

t.test("load: bad arguments raise", function()
  t.raises(function() jx.load() end, "string expected")
  t.raises(function() jx.load({}) end, "string expected")
  t.raises(function() jx.load(SEED, 5) end, "table expected")
  t.raises(function() jx.load(SEED, {encoding = "latin9"}) end, "unknown encoding 'latin9'")
  t.raises(function() jx.load(SEED, {delimiter = ";"}) end, "delimiter must be")
  t.raises(function() jx.load(SEED, {colour = "red"}) end, "unknown option 'colour'")
  t.raises(function() jx.load(SEED, {name = {}}) end, "bad option name")
end)

t.test("load: failures return nil, message naming the file, code", function()
  local d, msg, code = jx.load("tests/data/no-such-file.txt")
  t.eq(d, nil)
  t.ok(msg:find("tests/data/no-such-file.txt", 1, true), msg)
  t.eq(code, "io")
  d, msg, code = jx.load("tests/data/variants/binary.bin")
  t.eq(d, nil)
  t.ok(msg:find("tests/data/variants/binary.bin: binary data", 1, true), msg)
  t.eq(code, "binary")
  d, msg, code = jx.load("tests/data/variants/not-a-table.txt")
  t.eq(d, nil)
  t.ok(msg:find("not-a-table.txt", 1, true), msg)
  t.eq(code, "format")
  d, msg, code = jx.load("tests")
  t.eq(d, nil)
  t.eq(code, "io")
end)

t.test("load: options encoding, delimiter, no_realign, name", function()
  local g = assert(jx.load(GB))
  t.eq(g.encoding, "gb18030")
  t.eq(g[1].name, "办公设备购置")
  t.eq(assert(jx.load(GB, {encoding = "gbk"})).encoding, "gb18030")
  local d, msg = jx.load(GB, {encoding = "utf-8"})
  t.eq(d, nil)
  t.ok(msg:find(GB, 1, true), msg)
  t.eq(assert(jx.load(SEED, {delimiter = "tab"}))[1].name, "办公设备购置")
  t.eq(jx.load(SEED, {delimiter = "comma"}), nil)
  local raw = assert(jx.load(SEED, {no_realign = true}))
  t.eq(raw[4].repair, nil)
  t.eq(raw[4]["整改情况"], nil, "unrepaired: the ragged row's last cells are empty")
  t.eq(assert(jx.load(SEED, {name = "seed.txt"})).source, "seed.txt")
end)

t.test("parse: a table given as a string", function()
  local doc = assert(jx.parse(slurp(GB), {name = "g.txt"}))
  t.eq(doc.encoding, "gb18030")
  t.eq(doc.source, "g.txt")
  t.eq(#doc, 6)
  t.eq(tostring(doc.totals.budget), "288.49")
  t.eq(assert(jx.parse(slurp(SEED))).source, "<string>")
end)

t.test("parse: bad arguments raise", function()
  t.raises(function() jx.parse() end, "string expected")
  t.raises(function() jx.parse({}) end, "string expected")
  t.raises(function() jx.parse("x", {delimiter = ";"}) end, "delimiter must be")
  t.raises(function() jx.parse("x", {no_realign = true, encoding = 1}) end, "unknown encoding")
end)

t.test("parse: a string that is not a table is nil, message, code", function()
  local d, msg, code = jx.parse("会议纪要\n今天开会。\n", {name = "minutes.txt"})
  t.eq(d, nil)
  t.ok(msg:find("minutes.txt", 1, true) and msg:find("no header", 1, true), msg)
  t.eq(code, "format")
  d, msg, code = jx.parse("")
  t.eq(d, nil)
  t.ok(msg:find("<string>", 1, true), msg)
  t.eq(code, "format")
  d, msg, code = jx.parse("\0\1\2binary")
  t.eq(d, nil)
  t.eq(code, "binary")
end)

-- ---- documents ----

t.test("#doc, doc[i], doc:projects()", function()
  t.eq(#seed, 6)
  t.eq(seed[1].name, "办公设备购置")
  t.eq(seed[6].name, "党建事务")
  t.eq(seed[0], nil)
  t.eq(seed[7], nil)
  local seen = {}
  for i, p in seed:projects() do seen[#seen + 1] = i .. ":" .. p.name end
  t.eq(seen, {"1:办公设备购置", "2:其他一般管理事务", "3:工商联事务", "4:商会组织建设", "5:党员教育", "6:党建事务"})
  local n = 0
  for _, p in ipairs(seed) do n = n + 1; t.eq(p.index, n) end
  t.eq(n, 6)
end)

t.test("doc:projects() skips total rows; #doc counts them", function()
  local doc = assert(jx.load("tests/data/variants/total-row.txt"))
  local kinds, projects = {}, 0
  for i = 1, #doc do kinds[#kinds + 1] = doc[i].kind end
  for _, p in doc:projects() do
    projects = projects + 1
    t.eq(p.kind, "project")
  end
  t.ok(#kinds > projects, "a 合计 row is a row")
  t.eq(doc.totals.total_rows, #kinds - projects)
  t.eq(doc.totals.projects, projects)
  for i = 1, #doc do if doc[i].kind == "total" then t.eq(doc[i].index, nil) end end
end)

t.test("doc.totals: exact sums over the seed", function()
  local tot = seed.totals
  t.eq(tostring(tot.budget), "288.49")
  t.eq(tostring(tot.actual), "267.98")
  t.eq(tostring(tot.rate), "92.89")
  t.eq(tot.projects, 6)
  t.eq(tot.total_rows, 0)
end)

t.test("document methods: bad arguments raise", function()
  t.raises(function() seed.projects(42) end, "jixiao.Document expected")
  t.raises(function() seed.totable({}) end, "jixiao.Document expected")
  t.raises(function() seed.close("x") end, "jixiao.Document expected")
  t.raises(function() getmetatable(seed).__index(seed[1], "title") end, "jixiao.Document expected")
  t.raises(function() getmetatable(seed).__len(1) end, "jixiao.Document expected")
end)

t.test("doc:close() frees the rows; later reads raise", function()
  local doc = assert(jx.load(SEED))
  local p = doc[2]
  t.eq(p.name, "其他一般管理事务")
  doc:close()
  t.eq(tostring(doc), "jixiao.Document (closed)")
  t.raises(function() return doc.title end, "document used after it was closed")
  t.raises(function() return #doc end, "document used after it was closed")
  t.raises(function() return p.name end, "project used after its document was closed")
  do
    local d <close> = assert(jx.load(SEED))
    p = d[1]
  end
  t.raises(function() return p.name end, "project used after its document was closed")
end)

t.test("doc:totable() and p:totable(): plain tables", function()
  local whole = seed:totable()
  t.eq(whole.title, seed.title)
  t.eq(#whole.projects, 6)
  t.eq(whole.projects[1].budget.total, "3.07")
  local p = seed[1]:totable()
  t.eq(p.name, "办公设备购置")
  t.eq(p.rate.computed, "98.37")
  t.eq(getmetatable(p), nil)
end)

-- ---- projects ----

t.test("project: scalar fields", function()
  local p = seed[1]
  t.eq(p.name, "办公设备购置")
  t.eq(p.seq, "1")
  t.eq(p.department, "区工商联")
  t.eq(p.line, 12)
  t.eq(p.end_line, 12)
  t.eq(p.index, 1)
  t.eq(p.kind, "project")
  t.eq(p.source, SEED)
  t.eq(p.problems, "无")
  t.eq(p.rectification, "无")
  t.eq(p.nonesuch, nil)
  t.eq(p[1], nil)
  t.eq(tostring(p), "jixiao.Project (" .. SEED .. ":12: 办公设备购置)")
end)

t.test("project: amounts are exact Decimals", function()
  local p = seed[1]
  t.ok(D.isdecimal(p.budget.total))
  t.eq(tostring(p.budget.total), "3.07")
  t.eq(tostring(p.budget.general), "3.07")
  t.eq(tostring(p.budget.fund), "0.00")
  t.eq(tostring(p.budget.other), "0.00")
  t.eq(p.budget.fiscal, nil, "split into general and fund in this layout")
  t.eq(tostring(p.actual.total), "3.02")
  t.eq(tostring(p.actual.general), "3.02")
  local a, b = p.actual.total, p.budget.total
  t.eq(tostring((a / b * 100):round(2)), "98.37")
  t.eq(tostring(a + b), "6.09")
  t.ok(a < 90 and b <= 3.07 and not (b < 3))
  t.ok(tostring(b) == "3.07")
end)

t.test("project: exact sums over the seed in Lua", function()
  local b, a = D(0), D(0)
  for _, p in seed:projects() do b, a = b + p.budget.total, a + p.actual.total end
  t.eq(tostring(b), "288.49")
  t.eq(tostring(a), "267.98")
  t.ok(b == D"288.49")
end)

t.test("project: rate, goal, indicators, cells, cols, extra, diagnostics", function()
  local p = seed[3]
  t.eq(p.rate.text, "77.80%")
  t.eq(tostring(p.rate.percent), "77.80")
  t.eq(tostring(p.rate.computed), "77.80")
  t.eq(p.rate.column, 12)
  t.ok(p.goal.target:find("^全面加强") or p.goal.target ~= "")
  t.ok(type(p.goal.result) == "string")
  t.eq(#p.indicators, 7)
  t.eq(p.indicators[1].key, "output.quantity")
  t.eq(p.indicators[1].level1, "产出")
  t.eq(p.indicators[1].level2, "数量")
  t.eq(p.indicators[1].target_col, 15)
  t.eq(p.indicators[6].target, "不适用")
  t.eq(#p.cells, 30)
  t.eq(p.cells[3], "工商联事务")
  t.eq(#p.cols, 30)
  t.eq(p.cols[12], "77.80%")
  t.eq(p.extra, {})
  t.eq(p.diagnostics, {})
end)

t.test("project: the repair record of rows 4-6", function()
  local r4, r5, r6 = seed[4].repair, seed[5].repair, seed[6].repair
  t.eq(seed[1].repair, nil)
  t.eq(r4.status, "guess")
  t.eq(r5.status, "certain")
  t.eq(r6.status, "guess")
  t.eq(r4.moves[3], {cell = 19, column = 20, path = "产出目标 / 时效指标 / 完成情况", certain = true,
                     alternatives = {}, text = seed[4].cols[20]})
  t.eq(r4.empty, {{column = 19, path = "产出目标 / 时效指标 / 年度指标内容", certain = false}})
  t.eq(seed[4].rectification, "无")
  t.eq(seed[5].indicators[7].target, "接受教育党员满意度")
  t.eq(seed[5].diagnostics[1].code, "row-realigned")
  t.eq(seed[5].diagnostics[1].line, 16)
end)

t.test("project: Chinese header labels as keys", function()
  local p = seed[1]
  t.eq(p["项目名称"], "办公设备购置")
  t.eq(p["序号"], "1")
  t.eq(p["预算支出执行率"], "98.37%")
  t.ok(rawequal(p["项目年度预算金额"], p.budget), "a money group is the budget table")
  t.ok(rawequal(p["实际支出金额"], p.actual))
  t.eq(tostring(p["项目年度预算金额"].total), "3.07")
  t.eq(tostring(p["一般公共预算"]), "3.07", "a last label: the first column with it")
  t.eq(tostring(p["项目年度预算金额 / 合计"]), "3.07", "a whole path")
  t.eq(tostring(p["实际支出金额 / 合计"]), "3.02")
  t.eq(p["绩效目标整体完成情况"], p.goal.result)
  t.eq(p["满意度指标"], {["服务对象满意度指标 / 年度指标内容"] = p.indicators[7].target,
                        ["服务对象满意度指标 / 完成情况"] = p.indicators[7].result})
  t.eq(p["no such label"], nil)
end)

t.test("project: synonyms and folded labels", function()
  local p = seed[2]
  t.eq(p["执行率"], "100.00%", "执行率 ~ 预算支出执行率")
  t.ok(rawequal(p["预算数"], p.budget), "预算数 ~ 项目年度预算金额")
  t.ok(rawequal(p["全年执行数"], p.actual), "全年执行数 ~ 实际支出金额")
  t.eq(p["偏差原因分析及改进措施"], p.problems)
  t.eq(p[" 项目名称 "], "其他一般管理事务", "spaces fold away")
  t.eq(tostring(p["项目年度预算金额／合计"]), "4.39", "full-width forms fold too")
  t.eq(p["其中: 财政拨款"], nil, "a middle label names no single column")
end)

t.test("project: tables are built once and cached", function()
  local p = seed[2]
  t.ok(rawequal(p.budget, p.budget))
  t.ok(rawequal(p.rate, p.rate))
  t.ok(rawequal(p.indicators, p.indicators))
  t.ok(rawequal(p.repair, p.repair))
  t.ok(rawequal(seed[2], p), "doc[i] is one view per row")
  t.ok(rawequal(seed.columns, seed.columns))
  p.budget.note = "kept"
  t.eq(seed[2].budget.note, "kept")
  p.budget.note = nil
end)

t.test("project views keep their document alive", function()
  local kept
  do
    local doc = assert(jx.load(SEED))
    kept = doc[6]
  end
  collectgarbage()
  collectgarbage()
  t.eq(kept.name, "党建事务")
  t.eq(tostring(kept.budget.total), "155.96")
end)

t.test("project methods: bad arguments raise", function()
  t.raises(function() seed[1].totable(seed) end, "jixiao.Project expected")
  t.raises(function() getmetatable(seed[1]).__index(42, "name") end, "jixiao.Project expected")
  t.raises(function() getmetatable(seed[1]).__tostring({}) end, "jixiao.Project expected")
end)

-- ---- write ----

local rows = {}
for _, p in seed:projects() do rows[#rows + 1] = {name = p.name, budget = p.budget.total, line = p.line} end

t.test("write csv: keyed rows, header from sorted keys", function()
  local path = DIR .. "/w.csv"
  t.eq(jx.write(path, rows, "csv"), true)
  local lines = {}
  for l in slurp(path):gmatch("[^\n]+") do lines[#lines + 1] = l end
  t.eq(#lines, 7)
  t.eq(lines[1], "budget,line,name")
  t.eq(lines[2], "3.07,12,办公设备购置")
  t.eq(lines[7], "155.96,17,党建事务")
end)

t.test("write csv: opts.columns, lists, escaping", function()
  local path = DIR .. "/c.csv"
  t.ok(jx.write(path, rows, "csv", {columns = {"name", "budget", "missing"}}))
  t.eq(slurp(path):match("^[^\n]*\n[^\n]*"), "name,budget,missing\n办公设备购置,3.07,")
  t.ok(jx.write(path, {{"a,b", 'say "hi"', "two\nlines"}, {1, 2.5, true}}, "csv"))
  t.eq(slurp(path), '"a,b","say ""hi""","two\nlines"\n1,2.5,true\n')
  t.ok(jx.write(path, {{1, 2}}, "csv", {columns = {"x", "y"}}))
  t.eq(slurp(path), "x,y\n1,2\n")
  t.ok(jx.write(path, {}, "csv"))
  t.eq(slurp(path), "")
end)

t.test("write markdown: a table", function()
  local path = DIR .. "/w.md"
  t.ok(jx.write(path, rows, "markdown", {columns = {"name", "budget"}}))
  t.eq(slurp(path):match("^[^\n]*\n[^\n]*\n[^\n]*\n"), "| name | budget |\n|---|---|\n| 办公设备购置 | 3.07 |\n")
  t.ok(jx.write(path, {{"a|b", "x\ny"}}, "markdown"))
  t.eq(slurp(path), "| 1 | 2 |\n|---|---|\n| a\\|b | x<br>y |\n")
  t.ok(jx.write(DIR .. "/inferred.md", {{k = 1}}))
  t.eq(slurp(DIR .. "/inferred.md"), "| k |\n|---|\n| 1 |\n")
end)

t.test("write json: through jixiao.json, exact decimals", function()
  local path = DIR .. "/w.json"
  t.ok(jx.write(path, {total = seed.totals.budget, projects = 6, names = {"a", "b"}}, "json"))
  local v = jx.json.decode(slurp(path), {decimals = true})
  t.ok(v.total:eq("288.49"))
  t.eq(v.projects, 6)
  t.eq(v.names, {"a", "b"})
  t.ok(jx.write(DIR .. "/inferred.json", {1, 2}))
  t.eq(jx.json.decode(slurp(DIR .. "/inferred.json")), {1, 2})
  t.ok(jx.write(path, seed[1]:totable(), "json"))
  t.eq(jx.json.decode(slurp(path)).name, "办公设备购置")
end)

t.test("write: bad arguments raise and leave the old file alone", function()
  local path = DIR .. "/keep.csv"
  t.ok(jx.write(path, {{"old"}}, "csv"))
  t.raises(function() jx.write(1, {}, "csv") end, "file path expected")
  t.raises(function() jx.write(path, {}, "xml") end, "format must be json, csv, markdown or text")
  t.raises(function() jx.write(DIR .. "/noext", {}) end, "format must be json, csv, markdown or text")
  t.raises(function() jx.write(path, "text", "csv") end, "a list of rows expected")
  t.raises(function() jx.write(path, {{1}, 2}, "csv") end, "row 2 is a number")
  t.raises(function() jx.write(path, {{{}}}, "csv") end, "row 1, column 1: a table cannot be written")
  t.raises(function() jx.write(path, {{coroutine.create(print)}}, "markdown") end, "a thread cannot be written")
  t.raises(function() jx.write(path, {{a = 1}}, "csv", 5) end, "table expected")
  t.raises(function() jx.write(path, {{a = 1}}, "csv", {columns = "a"}) end, "opts.columns")
  t.raises(function() jx.write(path, {{a = print}}, "json") end, "cannot encode a function")
  t.eq(slurp(path), "old\n")
end)

t.test("write: an unwritable place is nil, message, code, and no file", function()
  local path = DIR .. "/missing-dir/w.csv"
  local ok, err, code = jx.write(path, rows, "csv")
  t.eq(ok, nil)
  t.ok(err:find(path, 1, true), err)
  t.eq(code, "io")
  t.eq(io.open(path), nil)
  ok, err = jx.write(DIR, rows, "csv")
  t.eq(ok, nil)
  t.ok(err:find(DIR, 1, true), err)
  local left = io.popen("ls -a " .. DIR .. " | grep -c tmp"):read("a")
  t.eq(left, "0\n", "no temporary file left behind")
end)

t.test("empty lists in the model encode as [] as in the JSON model", function()
  t.eq(jx.json.encode(seed[1].diagnostics), "[]")
  local moves = seed[4].repair.moves
  local alts = {}
  for _, m in ipairs(moves) do alts[#alts + 1] = jx.json.encode(m.alternatives) end
  t.ok(table.concat(alts, " "):find("[]", 1, true), table.concat(alts, " "))
end)

t.test("write: text as is, and - for standard output", function()
  local path = DIR .. "/note.md"
  t.ok(jx.write(path, "# 标题\n\n正文\n", "text"))
  t.eq(slurp(path), "# 标题\n\n正文\n")
  t.ok(jx.write(DIR .. "/inferred.txt", "x"))
  t.eq(slurp(DIR .. "/inferred.txt"), "x")
  t.raises(function() jx.write(path, {}, "text") end, "a string for format text")
  local out = io.popen(os.getenv("JX") .. [[ -e 'local jx = require "jixiao"; io.write("a "); ]]
    .. [[assert(jx.write("-", {{x = 1, y = "是"}}, "csv")); print(jx.write("-", "t\n", "text"))' | od -c | head -c 0; ]]
    .. os.getenv("JX") .. [[ -e 'assert(require("jixiao").write("-", {{x = 1, y = "是"}}, "csv"))']])
  t.eq(out:read("a"), "x,y\n1,是\n")
  out:close()
end)

t.test("render: the text write would write", function()
  t.eq(jx.render({{a = 1, b = "x,y"}}, "csv"), 'a,b\n1,"x,y"\n')
  t.eq(jx.render({{a = "项目", b = jx.decimal"98.37"}}, "markdown"), "| a | b |\n|---|---|\n| 项目 | 98.37 |\n")
  t.eq(jx.render({b = 1, a = {true}}, "json"), '{\n  "a": [\n    true\n  ],\n  "b": 1\n}\n')
  t.eq(jx.render("plain", "text"), "plain")
  t.raises(function() jx.render({}) end, "string expected")
  t.raises(function() jx.render({}, "xml") end, "format must be json, csv, markdown or text")
  t.raises(function() jx.render(5, "csv") end, "a list of rows expected")
  t.raises(function() jx.render({{a = print}}, "json") end, "cannot encode a function")
  t.raises(function() jx.render({{a = 1}}, "csv", "opts") end, "table expected")
end)

t.test("files: files as given, directories walked for tables in byte order", function()
  os.execute("mkdir -p " .. DIR .. "/tree/b/.hidden " .. DIR .. "/tree/a")
  for _, f in ipairs { "tree/z.TXT", "tree/a/2.csv", "tree/a/1.tsv", "tree/b/note.pdf", "tree/b/.hidden/x.txt",
                       "tree/.dot.txt", "tree/b/y.txt" } do
    local h = io.open(DIR .. "/" .. f, "w")
    h:write("x")
    h:close()
  end
  os.execute("ln -s " .. DIR .. "/tree/a " .. DIR .. "/tree/c-link")
  local got = assert(jx.files(DIR .. "/tree", "-", "tests/data/000_657db78fa8902e38.txt"))
  local T = DIR .. "/tree/"
  t.eq(got, { T .. "a/1.tsv", T .. "a/2.csv", T .. "b/y.txt", T .. "c-link/1.tsv", T .. "c-link/2.csv", T .. "z.TXT",
              "-", "tests/data/000_657db78fa8902e38.txt" })
  t.eq(#assert(jx.files(DIR .. "/tree", { all = true })), 7)
  t.eq(jx.files(), {})
  local none, msg, code = jx.files(DIR .. "/tree", DIR .. "/no-such")
  t.eq({ none, code }, { nil, "io" })
  t.ok(msg:find(DIR .. "/no-such: cannot open", 1, true), msg)
  os.execute("ln -s .. " .. DIR .. "/tree/b/up")
  t.eq(jx.files(DIR .. "/tree"), { T .. "a/1.tsv", T .. "a/2.csv", T .. "b/y.txt",
       T .. "c-link/1.tsv", T .. "c-link/2.csv", T .. "z.TXT" }, "a link back up is not followed")
  t.raises(function() jx.files(DIR, true) end, "string expected")
  t.raises(function() jx.files(DIR, {}, {}) end, "string expected")
end)

os.execute("rm -rf '" .. DIR .. "'")
t.done()
