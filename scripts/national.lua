-- national.lua: rewrites row-per-project self-evaluation tables (the Shenzhen
-- layout, one row per project) into the national per-project form, 项目支出
-- 绩效自评表 (财预〔2020〕10号): one block per project with 项目名称, 主管部门,
-- 实施单位, the fund rows, 年度总体目标 and the 绩效指标 rows.
--
--   jixiao run scripts/national.lua [options] FILE|DIR...
--
-- A DIR is walked for *.txt, *.csv and *.tsv files (recursively, in byte order,
-- hidden entries skipped: jx.files). FILE may be - for standard input. No
-- command is run, so the script works under `jixiao run --sandbox --out DIR`
-- (-o FILE inside DIR).
--
-- Options:
--   --format csv|md         CSV, one 9-column table per project with a blank line
--                           between them (default); or Markdown, a section per project
--   -o FILE, --output FILE  write to FILE atomically instead of standard output;
--                           not written if an input cannot be read
--   --encoding ENC, --delimiter tab|comma, --no-realign
--                           how to read the tables (as for jixiao parse)
--
-- What goes where (nothing is made up: a cell the source does not give is blank):
--   来源                     file:line of the project's row (not on the paper form),
--                           and, for a ragged row the reader realigned, whether
--                           every cell's place is certain (位置确定) or some are a
--                           best guess (部分位置为推测)
--   项目名称                 项目名称
--   主管部门                 the table's 部门名称 line, else the row's 部门名称 cell
--   实施单位                 blank: a row-per-project table names no implementing unit
--   项目资金（万元）           amounts converted exactly to 万元 from 元/亿元; a table
--                           stating no unit keeps its figures, labelled 单位未注明
--     年度资金总额            年初预算数 (only when the table has both a 年初 and a
--                           全年/调整后 budget), 全年预算数 (A) = the budget 合计,
--                           全年执行数 (B) = the spending 合计, 分值 = the table's
--                           execution 分值 if it has one, else the form's fixed 10,
--                           执行率 = B/A recomputed (the printed rate when an
--                           amount is missing), 得分 = the table's execution 得分
--     其中：当年财政拨款       财政拨款, or 一般公共预算 + 政府性基金 (those given)
--     上年结转资金            上年结转, when the table has it
--     其他资金               非财政资金 / 其他资金
--   年度总体目标              预期目标 = 年初绩效目标, 实际完成情况 = 绩效目标整体完成情况
--   绩效指标                 one row per indicator the table fills (slots with
--                           neither target nor result are left out): 一级/二级 from
--                           the header, 三级指标 blank (the source names none),
--                           年度指标值 = 年度指标内容, 实际完成值 = 完成情况, 分值/得分
--                           when the table has them; 偏差原因分析及改进措施 = the
--                           project's 存在的问题 and 整改情况, once, in the first
--                           indicator row (as a merged cell reads)
--   总分                     分值 100 (the form's), 得分 = the table's 自评得分/总分
--
-- Exit status: 0 written; 2 bad usage, an input that cannot be read (the message
-- names the file and line; standard output still gets the other inputs) or an
-- output that cannot be written.

local jx = require "jixiao"
local cli = require "jixiao.cli"
local score = require "jixiao.score"

local format, concat = string.format, table.concat

local usage = [[
usage: jixiao run scripts/national.lua [options] FILE|DIR...
  --format csv|md         output format (default csv)
  -o FILE, --output FILE  write to FILE (atomically) instead of standard output
]] .. cli.reader_usage .. [[
  -h, --help              this text
exit status: 0 written, 2 bad usage or an input that cannot be read
]]

local app = cli.new("national", usage)
local money = cli.money

local function md_cell(v) return (tostring(v):gsub("|", "\\|"):gsub("\r?\n", "<br>"):gsub("\r", "<br>")) end

-- A Markdown table (jx.render) as lines added to out.
local function md_table(out, header, rows)
  out[#out + 1] = jx.render(rows, "markdown", { columns = header }):sub(1, -2)
end

local function nonempty(s) return s ~= nil and s ~= "" and s or nil end

-- Amounts in 万元: the exponent that converts the table's unit, or nil.
local to_wan = { wan_yuan = 0, yuan = -4, yi_yuan = 4 }

---------------------------------------------------------------- one project

-- Where a table keeps its own scores, by column (jixiao.score's layout: the
-- execution 分值/得分 as exec_w/exec_s, the total, and each indicator slot's
-- 分值/得分, a weight or score column belonging to the nearest slot on its left
-- with the same 一级/二级), and fieldcol: the first column of each field.
local function score_columns(doc, slots)
  local columns = doc.columns
  local lay = score.layout({ columns = columns }, { indicators = slots })
  lay.fieldcol = {}
  for _, c in ipairs(columns) do
    if c.field then lay.fieldcol[c.field] = lay.fieldcol[c.field] or c.index end
  end
  return lay
end

local function col(p, c) return c and nonempty(p.cols[c]) end

-- 财政拨款 (side "budget" or "actual"): the 财政拨款 amount, else the sum of
-- the 一般公共预算 and 政府性基金 parts the layout has, where an empty or dashed
-- part counts as 0 (unless the row looks cut off); nil when a part holds text
-- that is not an amount, or no part holds one.
local dashes = { [""] = true, ["-"] = true, ["—"] = true, ["－"] = true, ["/"] = true, ["–"] = true }

local function fiscal(p, side, fieldcol)
  local t = p[side]
  if t.fiscal then return t.fiscal end
  local short = false
  for _, g in ipairs(p.diagnostics) do
    if g.code == "short-row" then short = true end
  end
  local sum, any = nil, false
  for _, part in ipairs { "general", "fund" } do
    local c = fieldcol[side .. "." .. part]
    if c then
      if t[part] then
        sum, any = (sum or 0) + t[part], true
      elseif short or not dashes[(p.cols[c] or ""):gsub("^%s+", ""):gsub("%s+$", "")] then
        return nil
      end
    end
  end
  return any and sum or nil
end

local function deviation(p)
  local parts = {}
  if p.problems then parts[#parts + 1] = "存在的问题：" .. p.problems end
  if p.rectification then parts[#parts + 1] = "整改情况：" .. p.rectification end
  return #parts > 0 and concat(parts, "；") or nil
end

-- Says that the reader realigned the row, and how sure it is: the form has no
-- place for it, so it goes beside 来源.
local function repair_note(r)
  if not r then return nil end
  return r.status == "certain" and "错位行已按内容重排（位置确定）" or "错位行已按内容重排（部分位置为推测）"
end

-- The form of one project as plain values; see the header comment.
local function form_of(p, doc, path, lay)
  local shift = to_wan[doc.unit_code]
  local function amount(d)
    if d == nil then return nil end
    return money(shift and d:shift(shift) or d)
  end
  local b, a = p.budget, p.actual
  local rate = p.rate.computed and tostring(p.rate.computed) .. "%" or p.rate.text
  local f = {
    year = doc.year, source = path .. ":" .. p.line, name = p.name, repair = repair_note(p.repair),
    department = nonempty(doc.department) or p.department,
    unit = shift and "万元" or "单位未注明",
    funds = {
      { "年度资金总额", amount(b.initial), amount(b.total), amount(a.total), col(p, lay.exec_w) or "10", rate,
        col(p, lay.exec_s) },
      { "其中：当年财政拨款", nil, amount(fiscal(p, "budget", lay.fieldcol)),
        amount(fiscal(p, "actual", lay.fieldcol)) },
      { "上年结转资金", nil, amount(b.carryover), amount(a.carryover) },
      { "其他资金", nil, amount(b.other), amount(a.other) },
    },
    goal = { p.goal.target, p.goal.result },
    indicators = {},
    total = col(p, lay.total),
  }
  local dev = deviation(p)
  for k, s in ipairs(p.indicators) do
    local w = lay.slots[k] or {}
    local weight, score = col(p, w.w), col(p, w.s)
    if s.target or s.result or weight or score then
      f.indicators[#f.indicators + 1] = { s.level1 .. "指标", s.level2 .. "指标", nil, s.target, s.result, weight,
        score, dev }
      dev = nil
    end
  end
  return f
end

---------------------------------------------------------------- rendering

local WIDTH = 9

local function csv_block(f, rows)
  local function row(...)
    local r = { ... }
    for i = 1, WIDTH do if r[i] == nil then r[i] = "" end end
    rows[#rows + 1] = r
  end
  row("项目支出绩效自评表")
  row(f.year and format("（%d年度）", f.year) or nil)
  row("来源", f.source, f.repair)
  row("项目名称", f.name)
  row("主管部门", f.department)
  row("实施单位")
  row(format("项目资金（%s）", f.unit), nil, "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值",
    "执行率（B/A）", "得分")
  for _, r in ipairs(f.funds) do row(nil, r[1], r[2], r[3], r[4], r[5], r[6], r[7]) end
  row("年度总体目标", "预期目标", nil, nil, nil, "实际完成情况")
  row(nil, f.goal[1], nil, nil, nil, f.goal[2])
  row("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值（A）", "实际完成值（B）", "分值", "得分",
    "偏差原因分析及改进措施")
  for _, r in ipairs(f.indicators) do row(nil, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) end
  row("总分", nil, nil, nil, nil, nil, "100", f.total)
end

local function md_block(f, out)
  out[#out + 1] = "## 项目支出绩效自评表：" .. md_cell(f.name or "")
  out[#out + 1] = ""
  out[#out + 1] = (f.year and format("（%d年度）", f.year) .. " " or "") .. "来源 " .. md_cell(f.source)
    .. (f.repair and "，" .. f.repair or "")
  out[#out + 1] = ""
  md_table(out, { "项目名称", f.name or "" }, { { "主管部门", f.department }, { "实施单位" } })
  out[#out + 1] = ""
  md_table(out, { format("项目资金（%s）", f.unit), "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值",
    "执行率（B/A）", "得分" }, f.funds)
  out[#out + 1] = ""
  md_table(out, { "年度总体目标", "" }, { { "预期目标", f.goal[1] }, { "实际完成情况", f.goal[2] } })
  out[#out + 1] = ""
  local rows = {}
  for k, r in ipairs(f.indicators) do rows[k] = r end
  rows[#rows + 1] = { "总分", nil, nil, nil, nil, "100", f.total }
  md_table(out, { "一级指标", "二级指标", "三级指标", "年度指标值（A）", "实际完成值（B）", "分值", "得分",
    "偏差原因分析及改进措施" }, rows)
end

---------------------------------------------------------------- main

local function main(argv)
  local o, ropts = app:parse_files(argv, { ["--format"] = "format=", ["-o"] = "output=", ["--output"] = "output=" },
    { format = "csv" })
  if o.format == "markdown" then o.format = "md" end
  if o.format ~= "csv" and o.format ~= "md" then app:usage("--format must be csv or md, not " .. o.format) end

  local docs, failed = app:load(o, ropts)
  if #docs == 0 then return 2 end -- every input failed, each said why
  local forms = {}
  for _, e in ipairs(docs) do
    local lay
    for _, p in e.doc:projects() do
      lay = lay or score_columns(e.doc, p.indicators)
      forms[#forms + 1] = form_of(p, e.doc, e.path, lay)
    end
  end
  local path = o.output or "-"
  if path ~= "-" and failed > 0 then
    app:warn("%s not written: %d input(s) could not be read", path, failed)
    return 2
  end
  if #forms == 0 then app:warn("no projects in the input(s); nothing to write") end

  local ok, werr
  if o.format == "csv" then
    local rows = {}
    for k, f in ipairs(forms) do
      if k > 1 then rows[#rows + 1] = {} end
      csv_block(f, rows)
    end
    ok, werr = cli.write(path, rows, "csv")
  else
    local out = {}
    for k, f in ipairs(forms) do
      if k > 1 then out[#out + 1] = "" end
      md_block(f, out)
    end
    ok, werr = cli.write(path, #out > 0 and concat(out, "\n") .. "\n" or "", "text")
  end
  if not ok then
    app:warn("%s", werr)
    return 2
  end
  return failed > 0 and 2 or 0
end

os.exit(main(arg))
