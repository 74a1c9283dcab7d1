-- Tests for the module `jixiao`: load, parse, documents and projects, write.
local t = require "jixiao.testing"
local jx = require "jixiao"
local D = jx.decimal
local SEED = "tests/data/000_657db78fa8902e38.txt"

t.test("load: the seed's preamble, rows and exact totals", function()
  local doc = assert(jx.load(SEED))
  t.eq(doc.title, "2021年度区工商联部门预算项目绩效自评表")
  t.eq(doc.year, 2021)
  t.eq(doc.unit, "万元")
  t.eq(doc.department, "深圳市龙岗区工商业联合会")
  t.eq(#doc, 6)
  t.eq(#doc.columns, 30)
  t.eq(tostring(doc.totals.budget), "288.49")
  t.eq(tostring(doc.totals.actual), "267.98")
  t.eq(tostring(doc.totals.rate), "92.89")
end)

t.test("projects: fields, decimals, Chinese labels, repair", function()
  local doc = assert(jx.load(SEED))
  local p = doc[1]
  t.eq(p.name, "办公设备购置")
  t.eq(p.line, 12)
  t.ok(D.isdecimal(p.budget.total))
  t.eq(tostring(p.actual.total / p.budget.total * 100):sub(1, 5), "98.37")
  t.ok(p.budget.total < 90)
  t.eq(p.rate.text, "98.37%")
  t.eq(tostring(p.rate.computed), "98.37")
  t.eq(p["项目名称"], "办公设备购置")
  t.eq(p["预算支出执行率"], "98.37%")
  t.eq(tostring(p["项目年度预算金额"].total), "3.07")
  t.eq(#p.indicators, 7)
  t.eq(p.repair, nil)
  t.eq(doc[5].repair.status, "certain")
  t.eq(doc[6].indicators[7].target, "辖属各党组织对党委工作满意度≥90%, 党员对党委工作满意度≥90%")
  t.eq(doc[7], nil)
end)

t.test("doc:projects() iterates in order and views outlive the loop", function()
  local doc = assert(jx.load(SEED))
  local names, kept = {}, nil
  for i, p in doc:projects() do names[i] = p.name; kept = p end
  t.eq(#names, 6)
  t.eq(names[4], "商会组织建设")
  doc = nil
  collectgarbage()
  t.eq(kept.name, "党建事务") -- the view keeps its document alive
end)

t.test("parse: a table given as a string, with options", function()
  local f = assert(io.open("tests/data/enc/gb18030.txt", "rb"))
  local text = f:read("a")
  f:close()
  local doc = assert(jx.parse(text, {name = "g.txt"}))
  t.eq(doc.encoding, "gb18030")
  t.eq(doc.source, "g.txt")
  t.eq(#doc, 6)
  local raw = assert(jx.parse(text, {no_realign = true}))
  t.eq(raw[5].repair, nil)
end)

t.test("failures return nil, message, code", function()
  local d, msg, code = jx.load("tests/data/no-such-file.txt")
  t.eq(d, nil)
  t.ok(msg:find("no-such-file.txt: cannot open", 1, true))
  t.eq(code, 1)
  d, msg = jx.load("tests/data/variants/binary.bin")
  t.ok(msg:find("binary data", 1, true))
  d, msg, code = jx.parse("会议纪要\n")
  t.eq(d, nil)
  t.ok(msg:find("no header", 1, true))
  t.eq(code, 4)
end)

t.test("bad arguments raise", function()
  t.raises(function() return jx.load() end, "string expected")
  t.raises(function() return jx.load(SEED, {encoding = "latin9"}) end, "unknown encoding")
  t.raises(function() return jx.parse("x", {delimiter = ";"}) end, "delimiter must be")
  t.raises(function() return jx.write(1, {}, "csv") end, "file path expected")
  t.raises(function() return jx.write("x", {}, "xml") end, "format must be json, csv or markdown")
end)

t.test("write: json, csv, markdown, atomically", function()
  local dir = os.getenv("T") or "/tmp"
  local doc = assert(jx.load(SEED))
  local rows = {}
  for _, p in doc:projects() do rows[#rows + 1] = {name = p.name, budget = p.budget.total} end
  t.ok(jx.write(dir .. "/w.csv", rows, "csv"))
  local f = assert(io.open(dir .. "/w.csv"))
  t.eq(f:read("l"), "budget,name")
  t.eq(f:read("l"), "3.07,办公设备购置")
  f:close()
  t.ok(jx.write(dir .. "/w.json", {total = doc.totals.budget}, "json"))
  f = assert(io.open(dir .. "/w.json"))
  t.eq(jx.json.decode(f:read("a"), {decimals = true}).total:eq("288.49"), true)
  f:close()
  t.ok(jx.write(dir .. "/w.md", rows, "markdown", {columns = {"name"}}))
  local ok, err = jx.write(dir .. "/missing-dir/w.csv", rows, "csv")
  t.eq(ok, nil)
  t.ok(err:find("cannot write", 1, true))
end)

t.done()
