-- indicators.lua: every performance indicator of every project, one row per
-- (project, indicator), in long format for a spreadsheet, a database or R:
-- where it stands, what it targets and reports, those texts read by the
-- indicator grammar (jixiao.indicator) and the judgement of result against
-- target, plus the table's own 分值/得分 when it has them.
--
--   jixiao run scripts/indicators.lua [options] FILE|DIR...
--
-- A DIR is walked for *.txt, *.csv and *.tsv files (recursively, in byte order,
-- hidden entries skipped: jx.files). FILE may be - for standard input. No
-- command is run, so the script works under `jixiao run --sandbox --out DIR`
-- (-o FILE inside DIR).
--
-- Options:
--   --format csv|json       CSV with a header row (default), or a JSON array of
--                           objects with the same keys (empty cells left out)
--   -o FILE, --output FILE  write to FILE atomically (through jx.write) instead of
--                           standard output; not written if an input cannot be read
--   --skip-empty            leave out indicator slots whose target and result are
--                           both empty
--   --encoding ENC, --delimiter tab|comma, --no-realign
--                           how to read the tables (as for jixiao parse)
--
-- Columns, in this order:
--   file, line            the table and the project row's line in it
--   seq, department, project
--                         the row's 序号; the department as scripts/summary.lua
--                         names it (the 部门名称 line, else the row's 部门名称
--                         cell, else the title); 项目名称
--   level1, level2, key   产出/效益/满意度/成本, 数量/质量/…/服务对象满意度, and the
--                         slot's stable key (output.quantity, …)
--   target, result        the 年度指标内容 and 完成情况 cells as written
--   target_kind, target_op, target_number, target_unit (and result_…)
--                         what jixiao.indicator reads: kind (quantity, percent,
--                         money, date, period, qualitative, not_applicable,
--                         text), operator (>=, >, =, <=, <), the number's exact
--                         text and the canonical unit; a cell with several items
--                         (1.… 2.…, or several values) gives one value per item
--                         joined by "; " (empty where an item has none)
--   judgement, reason     indicator.judge(target, result): met, not_met,
--                         qualitative, not_applicable or cannot_tell, and why
--   placement             empty for a row as read; for a ragged row the reader
--                         realigned, "certain" or "guess" (this indicator's
--                         cells, or an empty column among them, may belong
--                         elsewhere)
--   weight, score         only when some input table has 分值/得分 columns for
--                         its indicators: the cells as written
--
-- Exit status: 0 written; 2 bad usage, an input that cannot be read (the message
-- names the file and line; standard output still gets the other inputs) or an
-- output that cannot be written.

local cli = require "jixiao.cli"
local ind = require "jixiao.indicator"
local json = require "jixiao.json"
local score = require "jixiao.score"

local concat = table.concat

local usage = [[
usage: jixiao run scripts/indicators.lua [options] FILE|DIR...
  --format csv|json       output format (default csv)
  -o FILE, --output FILE  write to FILE (atomically) instead of standard output
  --skip-empty            leave out indicators whose target and result are both empty
]] .. cli.reader_usage .. [[
  -h, --help              this text
exit status: 0 written, 2 bad usage or an input that cannot be read
]]

local app = cli.new("indicators", usage)
local department_of = cli.department

local function nonempty(s) return s ~= nil and s ~= "" and s or nil end

---------------------------------------------------------------- the rows

-- The 分值/得分 columns of each indicator slot, {[slot] = {w = col, s = col}}
-- (jixiao.score's layout: a weight or score column belongs to the nearest slot
-- on its left with the same 一级/二级), and whether there are any.
local function weight_columns(doc, slots)
  local lay = score.layout({ columns = doc.columns }, { indicators = slots })
  return lay.slots, next(lay.slots) ~= nil
end

-- "certain" or "guess" for the slot's columns in a realigned row, nil otherwise.
local function placement(repair, slot)
  if not repair then return nil end
  local mine = {}
  if slot.target_col then mine[slot.target_col] = true end
  if slot.result_col then mine[slot.result_col] = true end
  for _, m in ipairs(repair.moves or {}) do
    if not m.certain then
      if mine[m.column] then return "guess" end
      for _, alt in ipairs(m.alternatives or {}) do
        if mine[alt] then return "guess" end
      end
    end
  end
  for _, e in ipairs(repair.empty or {}) do
    if not e.certain and mine[e.column] then return "guess" end
  end
  return "certain"
end

-- One field of every item of a parsed cell: the single value, or each item's
-- joined by "; " when there are several; nil when no item has it.
local function items_field(parsed, field)
  local vals, any = {}, false
  for k, it in ipairs(parsed.items) do
    local v = it[field]
    vals[k] = v ~= nil and tostring(v) or ""
    any = any or v ~= nil
  end
  if not any then return nil end
  return concat(vals, "; ")
end

local function cell(p, col)
  local v = col and p.cols[col]
  return nonempty(v)
end

local function rows_of(entry, skip_empty, out)
  local doc, path = entry.doc, entry.path
  local dept = department_of(doc, path)
  local wcols, any
  for _, p in doc:projects() do
    local slots = p.indicators
    if not wcols then wcols, any = weight_columns(doc, slots) end
    for k, s in ipairs(slots) do
      if not (skip_empty and not s.target and not s.result) then
        local pt, pr = ind.parse(s.target or ""), ind.parse(s.result or "")
        local j = ind.judge(pt, pr)
        local w = wcols[k] or {}
        out[#out + 1] = {
          file = path, line = p.line, seq = p.seq, department = dept, project = p.name,
          level1 = s.level1, level2 = s.level2, key = s.key, target = s.target, result = s.result,
          target_kind = items_field(pt, "kind"), target_op = items_field(pt, "op"),
          target_number = items_field(pt, "value"), target_unit = items_field(pt, "unit"),
          result_kind = items_field(pr, "kind"), result_op = items_field(pr, "op"),
          result_number = items_field(pr, "value"), result_unit = items_field(pr, "unit"),
          judgement = j.judgement, reason = j.reason, placement = placement(p.repair, s),
          weight = cell(p, w.w), score = cell(p, w.s),
        }
      end
    end
  end
  return any
end

local columns = { "file", "line", "seq", "department", "project", "level1", "level2", "key", "target", "result",
  "target_kind", "target_op", "target_number", "target_unit", "result_kind", "result_op", "result_number",
  "result_unit", "judgement", "reason", "placement" }

---------------------------------------------------------------- main

local function main(argv)
  local o, ropts = app:parse_files(argv, { ["--format"] = "format=", ["-o"] = "output=", ["--output"] = "output=",
    ["--skip-empty"] = "skip_empty" }, { format = "csv" })
  if o.format ~= "csv" and o.format ~= "json" then app:usage("--format must be csv or json, not " .. o.format) end

  local docs, failed = app:load(o, ropts)
  if #docs == 0 then return 2 end -- every input failed, each said why
  local rows, with_weights = {}, false
  for _, e in ipairs(docs) do
    if rows_of(e, o.skip_empty, rows) then with_weights = true end
  end
  local cols = { table.unpack(columns) }
  if with_weights then cols[#cols + 1], cols[#cols + 2] = "weight", "score" end
  local path = o.output or "-"
  if path ~= "-" and failed > 0 then
    app:warn("%s not written: %d input(s) could not be read", path, failed)
    return 2
  end

  local ok, werr
  if o.format == "csv" then
    ok, werr = cli.write(path, rows, "csv", { columns = cols })
  else
    local list = setmetatable({}, json.array_mt)
    for k, r in ipairs(rows) do
      local t = {}
      for _, c in ipairs(cols) do t[c] = r[c] end
      list[k] = t
    end
    ok, werr = cli.write(path, list, "json")
  end
  if not ok then
    app:warn("%s", werr)
    return 2
  end
  return failed > 0 and 2 or 0
end

os.exit(main(arg))
