-- summary.lua: a department summary of budget execution over many
-- self-evaluation tables (绩效自评表), for people and for cron. Per department
-- and overall: how many tables and projects, the total budget and spending
-- (exact decimals, in 万元), the execution rate recomputed from those sums,
-- the projects whose rate is below a threshold (name, rate, budget, actual,
-- file:line), and how many rows the reader had to repair.
--
--   jixiao run scripts/summary.lua [options] FILE|DIR...
--
-- A DIR is walked for *.txt, *.csv and *.tsv files (recursively, in byte order,
-- hidden entries skipped: jx.files). FILE may be - for standard input. No
-- command is run, so the script works under `jixiao run --sandbox --out DIR`
-- (its output files inside DIR).
--
-- What is counted:
--   department  the table's 部门名称 line (doc.department), else the 部门名称 cell
--               of its first project, else its title, else the file name
--   budget, actual
--               Σ 合计 of the project rows (合计/总计 rows are not projects),
--               converted exactly to 万元 from 元 or 亿元; a table that states no
--               unit is counted but its amounts are not added (a note says so)
--   rate        Σ actual ÷ Σ budget × 100, to 0.01 (half away from zero), over
--               the projects that give both amounts
--   below       projects whose rate is under the threshold: the rate recomputed
--               from the row's amounts, or the printed one when an amount is
--               missing; a project with neither is never "below" (noted)
--   修复 / 猜测  rows the reader realigned (ragged rows), and those among them
--               whose repair is a best guess; 截断 rows with under half of their
--               cells filled (possibly cut off)
--
-- Output: Markdown on standard output unless an output file is named:
--   --md FILE     the same Markdown report
--   --csv FILE    one row per department (kind "department"), one overall
--                 (kind "all") and one per project below the threshold (kind
--                 "below"); columns kind, department, tables, projects, budget,
--                 actual, rate, below, realigned, guessed, short_rows,
--                 missing_amounts, unit_unknown, project, rate_source, unit,
--                 file, line
--   --json FILE   {threshold, unit, departments, all, below, notes}; amounts and
--                 rates are JSON numbers with their exact decimal text
-- An output FILE "-" is standard output. Files are written whole or not at
-- all (jx.write), and none is written when an input cannot be read.
--
-- Exit status: 0 no project is below the threshold; 1 some project is below it
-- (so cron can alert); 2 bad usage, an input that cannot be read (the message
-- names the file and line; the report on standard output still covers the
-- other inputs) or an output that cannot be written.

local jx = require "jixiao"
local cli = require "jixiao.cli"
local D = require "jixiao.decimal"
local json = require "jixiao.json"

local format, concat = string.format, table.concat

local usage = [[
usage: jixiao run scripts/summary.lua [options] FILE|DIR...
  --below PERCENT         list projects whose execution rate is below PERCENT (default 90)
  --md FILE               write the Markdown report to FILE ("-": standard output, the default)
  --csv FILE              write the summary as CSV to FILE
  --json FILE             write the summary as JSON to FILE
]] .. cli.reader_usage .. [[
  -h, --help              this text
exit status: 0 nothing below the threshold, 1 some project below it, 2 bad usage or an input
that cannot be read
]]

local app = cli.new("summary", usage)
local money, department_of = cli.money, cli.department

-- Amounts in 万元: the exponent that converts the table's unit, or nil.
local to_wan = { wan_yuan = 0, yuan = -4, yi_yuan = 4 }

local function pct(d) return d and tostring(d) .. "%" or nil end

---------------------------------------------------------------- the summary

local function new_group(name)
  return { department = name, tables = 0, projects = 0, budget = D(0), actual = D(0), pair_budget = D(0),
           pair_actual = D(0), pairs = 0, below = 0, realigned = 0, guessed = 0, short_rows = 0,
           missing_amounts = 0, unit_unknown = 0, no_rate = 0 }
end

local function rate_of(g)
  if g.pairs == 0 or g.pair_budget:iszero() then return nil end
  return D.div(g.pair_actual * 100, g.pair_budget, 2)
end

-- Adds one table to the groups given; records its below-threshold projects.
local function add_table(groups, entry, threshold, below, notes)
  local doc, path = entry.doc, entry.path
  local shift = to_wan[doc.unit_code]
  local dept = department_of(doc, path)
  for _, g in ipairs(groups) do g.tables = g.tables + 1 end
  if not shift then
    for _, g in ipairs(groups) do g.unit_unknown = g.unit_unknown + 1 end
    notes[#notes + 1] = format("%s states no money unit: its projects are counted, its amounts are not added", path)
  end
  local short, missing, norate = 0, 0, 0
  for _, p in doc:projects() do
    local b, a = p.budget.total, p.actual.total
    if shift then
      b, a = b and b:shift(shift), a and a:shift(shift)
    end
    local rate, source = p.rate.computed, "recomputed"
    if not rate then rate, source = p.rate.percent, p.rate.percent and "printed" end
    local is_short = false
    for _, g in ipairs(p.diagnostics) do
      if g.code == "short-row" then is_short = true end
    end
    if is_short then short = short + 1 end
    if not (p.budget.total and p.actual.total) then missing = missing + 1 end
    if not rate then norate = norate + 1 end
    local low = rate ~= nil and rate < threshold
    for _, g in ipairs(groups) do
      g.projects = g.projects + 1
      if shift then
        if b then g.budget = g.budget + b end
        if a then g.actual = g.actual + a end
        if a and b then
          g.pair_budget, g.pair_actual, g.pairs = g.pair_budget + b, g.pair_actual + a, g.pairs + 1
        end
      end
      if p.repair then
        g.realigned = g.realigned + 1
        if p.repair.status == "guess" then g.guessed = g.guessed + 1 end
      end
      if is_short then g.short_rows = g.short_rows + 1 end
      if not (p.budget.total and p.actual.total) then g.missing_amounts = g.missing_amounts + 1 end
      if not rate then g.no_rate = g.no_rate + 1 end
      if low then g.below = g.below + 1 end
    end
    if low then
      below[#below + 1] = { department = dept, project = p.name or format("(row %s, no name)", p.seq or p.line),
        rate = rate, rate_source = source, budget = shift and b or p.budget.total,
        actual = shift and a or p.actual.total, unit = shift and "万元" or "unknown", file = path, line = p.line }
    end
  end
  if missing > 0 then
    notes[#notes + 1] = format("%s: %d project(s) lack the budget or the spending; the rate leaves them out",
      path, missing)
  end
  if norate > 0 then
    notes[#notes + 1] = format("%s: %d project(s) give no rate and no amounts to recompute one", path, norate)
  end
  if short > 0 then
    notes[#notes + 1] = format("%s: %d row(s) have under half of their cells filled (cut off?)", path, short)
  end
end

local function summarise(docs, threshold)
  local all, order, by_name, below, notes = new_group(nil), {}, {}, {}, {}
  for _, e in ipairs(docs) do
    local name = department_of(e.doc, e.path)
    local g = by_name[name]
    if not g then
      g = new_group(name)
      by_name[name], order[#order + 1] = g, g
    end
    g.files = g.files or {}
    g.files[#g.files + 1] = e.path
    add_table({ g, all }, e, threshold, below, notes)
  end
  for _, g in ipairs(order) do g.rate = rate_of(g) end
  all.rate = rate_of(all)
  return { departments = order, all = all, below = below, notes = notes }
end

---------------------------------------------------------------- rendering

-- A Markdown table (jx.render) as lines added to out.
local function md_table(out, header, rows)
  out[#out + 1] = jx.render(rows, "markdown", { columns = header }):sub(1, -2)
end

local function md_cell(v) return (tostring(v):gsub("|", "\\|"):gsub("\r?\n", "<br>"):gsub("\r", "<br>")) end

local function markdown(s, threshold_text)
  local out = { "# 预算执行汇总", "" }
  local a = s.all
  out[#out + 1] = format("%d table(s), %d project(s); amounts in 万元; 执行率 = Σ支出 ÷ Σ预算, recomputed; "
    .. "threshold %s%%.", a.tables, a.projects, threshold_text)
  out[#out + 1] = ""
  local rows = {}
  local function row(g, label)
    return { label or g.department, g.tables, g.projects, money(g.budget), money(g.actual), pct(g.rate) or "-",
             g.below, g.realigned, g.guessed, g.short_rows }
  end
  for _, g in ipairs(s.departments) do rows[#rows + 1] = row(g) end
  rows[#rows + 1] = row(a, "合计")
  md_table(out, { "部门", "表", "项目", "预算", "支出", "执行率", "低于 " .. threshold_text .. "%",
                  "修复", "猜测", "截断" }, rows)
  out[#out + 1] = ""
  out[#out + 1] = format("## 执行率低于 %s%% 的项目 (%d)", threshold_text, #s.below)
  out[#out + 1] = ""
  if #s.below == 0 then
    out[#out + 1] = "None."
  else
    rows = {}
    for _, b in ipairs(s.below) do
      local unit = b.unit == "万元" and "" or " (unit unknown)"
      rows[#rows + 1] = { b.department, b.project, pct(b.rate) .. (b.rate_source == "printed" and " (printed)" or ""),
        (money(b.budget) or "-") .. unit, (money(b.actual) or "-") .. unit, b.file .. ":" .. b.line }
    end
    md_table(out, { "部门", "项目", "执行率", "预算", "支出", "位置" }, rows)
  end
  if #s.notes > 0 then
    out[#out + 1] = ""
    out[#out + 1] = "## Notes"
    out[#out + 1] = ""
    for _, n in ipairs(s.notes) do out[#out + 1] = "- " .. md_cell(n) end
  end
  return concat(out, "\n") .. "\n"
end

local csv_columns = { "kind", "department", "tables", "projects", "budget", "actual", "rate", "below",
  "realigned", "guessed", "short_rows", "missing_amounts", "unit_unknown", "project", "rate_source", "unit",
  "file", "line" }

local function group_record(g, kind)
  return { kind = kind, department = g.department, tables = g.tables, projects = g.projects,
           budget = money(g.budget), actual = money(g.actual), rate = g.rate and tostring(g.rate),
           below = g.below, realigned = g.realigned, guessed = g.guessed, short_rows = g.short_rows,
           missing_amounts = g.missing_amounts, unit_unknown = g.unit_unknown, unit = "万元" }
end

local function csv_rows(s)
  local rows = {}
  for _, g in ipairs(s.departments) do rows[#rows + 1] = group_record(g, "department") end
  rows[#rows + 1] = group_record(s.all, "all")
  for _, b in ipairs(s.below) do
    rows[#rows + 1] = { kind = "below", department = b.department, project = b.project, rate = tostring(b.rate),
      rate_source = b.rate_source, budget = money(b.budget), actual = money(b.actual), unit = b.unit,
      file = b.file, line = b.line }
  end
  return rows
end

-- A money figure as a JSON number with its exact text.
local function jmoney(d) return d and D(money(d)) end

local function json_value(s, threshold)
  local function group(g)
    return { department = g.department, tables = g.tables, projects = g.projects, budget = jmoney(g.budget),
             actual = jmoney(g.actual), rate = g.rate, below = g.below, realigned = g.realigned,
             guessed = g.guessed, short_rows = g.short_rows, missing_amounts = g.missing_amounts,
             unit_unknown = g.unit_unknown, no_rate = g.no_rate,
             files = g.files and setmetatable(g.files, json.array_mt) or nil }
  end
  local depts, below = setmetatable({}, json.array_mt), setmetatable({}, json.array_mt)
  for k, g in ipairs(s.departments) do depts[k] = group(g) end
  for k, b in ipairs(s.below) do
    below[k] = { department = b.department, project = b.project, rate = b.rate, rate_source = b.rate_source,
                 budget = jmoney(b.budget), actual = jmoney(b.actual), unit = b.unit, file = b.file, line = b.line }
  end
  return { threshold = threshold, unit = "万元", departments = depts, all = group(s.all), below = below,
           notes = setmetatable(s.notes, json.array_mt) }
end

---------------------------------------------------------------- main

local function main(argv)
  local o, ropts = app:parse_files(argv, { ["--below"] = "below=", ["--md"] = "md=", ["--csv"] = "csv=",
    ["--json"] = "json=" }, { below = "90" })
  local t = o.below:gsub("%%$", "")
  if not (t:match("^%d+%.?%d*$") or t:match("^%.%d+$")) then
    app:usage("--below takes a percentage such as 90 or 85.5, not " .. o.below)
  end
  local threshold = D(t)
  local stdout_used = 0
  for _, k in ipairs { "md", "csv", "json" } do
    if o[k] == "-" then stdout_used = stdout_used + 1 end
  end
  if stdout_used > 1 then app:usage("only one of --md, --csv and --json can write to standard output") end
  if not (o.md or o.csv or o.json) then o.md = "-" end

  local docs, failed = app:load(o, ropts)
  if #docs == 0 then return 2 end -- every input failed, each said why
  local s = summarise(docs, threshold)
  local threshold_text = tostring(threshold)
  local status = failed > 0 and 2 or (#s.below > 0 and 1 or 0)
  local outputs = {
    { o.md, function() return markdown(s, threshold_text), "text" end },
    { o.csv, function() return csv_rows(s), "csv", { columns = csv_columns } end },
    { o.json, function() return json_value(s, threshold), "json" end },
  }
  for _, out in ipairs(outputs) do
    local path = out[1]
    -- with an input missing, standard output still shows the others; no file is written
    if path and (failed == 0 or path == "-") then
      local ok, werr = cli.write(path, out[2]())
      if not ok then
        app:warn("%s", werr)
        status = 2
      end
    elseif path then
      app:warn("%s not written: %d input(s) could not be read", path, failed)
    end
  end
  return status
end

os.exit(main(arg))
