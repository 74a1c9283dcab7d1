-- Tests for the callback mode (jixiao run SCRIPT FILE...): each case runs a
-- fixture from tests/lua/fixtures in a child jixiao and looks at its output
-- and exit status. tests/cli/stream.sh holds the golden cases.
local t = require "jixiao.testing"
local JX = os.getenv("JX") or "./jixiao"
local SEED = "tests/data/000_657db78fa8902e38.txt"
local GB = "tests/data/enc/gb18030.txt"
local BIN = "tests/data/variants/binary.bin"

-- Runs jixiao with the words given; returns stdout+stderr and the exit status.
local function run(...)
  local words = {JX}
  for _, w in ipairs({...}) do words[#words + 1] = "'" .. w:gsub("'", "'\\''") .. "'" end
  local f = assert(io.popen(table.concat(words, " ") .. " 2>&1"))
  local out = f:read("a")
  local _, _, status = f:close()
  return out, status
end

local function fixture(name) return "tests/lua/fixtures/" .. name .. ".lua" end

t.test("exact sums over two files in two encodings", function()
  local out, status = run("run", fixture("stream_sum"), SEED, GB)
  t.eq(out, "12\t576.98\t535.96\t92.89\n")
  t.eq(status, 0)
end)

t.test("streamed projects read the same fields as loaded ones", function()
  local out, status = run("run", fixture("stream_compare"), SEED, GB, "tests/data/variants/total-row.txt",
                          "tests/data/variants/reordered.txt")
  t.eq(status, 0)
  for line in out:gmatch("[^\n]+") do t.ok(line:find("\tsame$"), line) end
  t.eq(select(2, out:gsub("\n", "")), 4)
end)

t.test("a project kept past its callback raises; so does its document", function()
  local out, status = run("run", fixture("stream_kept"), SEED)
  t.eq(status, 0)
  t.ok(out:find("4.39 2021年度区工商联部门预算项目绩效自评表\n", 1, true), out)
  t.ok(out:find("jixiao.Project (closed)\tjixiao.Document (closed)\n", 1, true), out)
  local _, n = out:gsub("project used after its callback returned; copy the fields you need", "")
  t.eq(n, 3)
  t.ok(out:find("document used after its file was streamed", 1, true), out)
end)

t.test("a streamed document has no rows to count, index or total", function()
  local out = run("run", fixture("stream_kept"), SEED)
  for _, what in ipairs({"#doc", "doc.totals", "doc[i]", "doc:projects()"}) do
    t.ok(out:find(what .. ": a streamed document holds no projects", 1, true), what)
  end
  t.ok(out:find("doc:close(): a streamed document closes", 1, true), out)
end)

t.test("an error inside project(): exit 1, traceback naming the fixture's line", function()
  local out, status = run("run", fixture("stream_error"), SEED)
  t.eq(status, 1)
  t.ok(out:find("tests/lua/fixtures/stream_error.lua:5: stopped at 工商联事务", 1, true), out)
  t.ok(out:find("tests/lua/fixtures/stream_error.lua:5: in function 'project'", 1, true), out)
end)

t.test("an error inside document(): no project is called", function()
  local out, status = run("run", fixture("stream_document_error"), SEED)
  t.eq(status, 1)
  t.ok(out:find("stream_document_error.lua:4: unexpected unit 万元", 1, true), out)
  t.ok(not out:find("办公设备购置", 1, true), out)
end)

t.test("a bad input among good ones: reported, counted, the rest streamed", function()
  local out, status = run("run", fixture("stream_sum"), SEED, BIN, "tests/data/no-such.txt", GB)
  t.eq(status, 2)
  t.ok(out:find("jixiao: " .. BIN .. ": binary data", 1, true), out)
  t.ok(out:find("jixiao: tests/data/no-such.txt", 1, true), out)
  t.ok(out:find("12\t576.98\t535.96\t92.89\n", 1, true), out)
end)

t.test("a file cut short: its rows until the cut, then the message", function()
  local out, status = run("run", fixture("stream_sum"), "tests/data/variants/truncated.txt", SEED)
  t.eq(status, 2)
  t.ok(out:find("truncated.txt: line 15", 1, true), out)
  t.ok(out:find("9\t335.95\t306.51\t91.24\n", 1, true), out)
end)

t.test("document() alone: called per file, rows never read", function()
  local out, status = run("run", fixture("stream_document"), SEED, "tests/data/variants/truncated.txt")
  t.eq(status, 0)
  t.eq(out, SEED .. "\tutf-8\t2021\t万元\t30\t预算支出执行率\n" ..
            "tests/data/variants/truncated.txt\tutf-8\t2021\t万元\t30\t预算支出执行率\n")
end)

t.test("no callbacks: the files are not read at all", function()
  local out, status = run("-e", "print(#arg.files)", BIN, "tests/data/no-such.txt")
  t.eq(out, "2\n")
  t.eq(status, 0)
end)

t.test("a view's metamethods check their argument", function()
  local out, status = run("-e", [[
    function project(p, doc)
      if p.index > 1 then return end
      print(pcall(getmetatable(p).__index, doc, "name"))
      print(pcall(getmetatable(doc).__index, p, "title"))
      print(p[true], p[1], doc[false])
    end]], SEED)
  t.eq(status, 0)
  t.ok(out:find("false\tbad argument #1 to '?' (jixiao.Project expected, got jixiao.Document)", 1, true), out)
  t.ok(out:find("false\tbad argument #1 to '?' (jixiao.Document expected, got jixiao.Project)", 1, true), out)
  t.ok(out:find("nil\tnil\tnil\n", 1, true), out)
end)

t.done()
