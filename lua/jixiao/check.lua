-- jixiao.check: the reviewers' checks that read indicator texts, run by
-- `jixiao check` beside the money checks in C (src/check_rules.c), and the shape of the
-- rules a user adds with `--rules FILE.lua`.
--
-- A rule is a table:
--   { id = "my-rule",                      -- lower-case letters, digits, '-'; unique
--     severity = "error"|"warning"|"info", -- default "warning"
--     doc = "one line: what it finds",
--     project = function(p, doc, report) end,   -- once per project row
--     document = function(doc, report) end,     -- once per table, before its rows
--     totals = true }                           -- also call project for 合计/小计 rows
-- p and doc are the plain tables of the canonical model (src/l_model.h). report takes
-- { message = "what is wrong and what to do", column = n, text = "..." } or
-- (message[, column]): column is the 1-based layout column (p.indicators[i].target_col,
-- check.column(doc, "problems"), …); text defaults to that column's cell.
--
--   local check = require "jixiao.check"
--   check.rules                 the built-in rules, in that shape
--   check.run(p, doc[, ids])    runs rules (all built-ins, or the listed ids) on one row
--                               and returns the findings {rule, column, text, message}
--   check.texts(p, doc)         the text cells rules read: {role, text, column, indicator}
--   check.column(doc, field)    the column of a field key ("goal.result", "problems", …)
--   check.parse(text)           jixiao.indicator's parse, memoised (do not modify the result)
--   check.vague_words, check.growth_words   word lists the rules use; extend them freely
--   check.builtin_in_c()        true while the built-in rules may run in C (src/check_text.c):
--                               nothing has extended jixiao.indicator or changed the word lists
--   check.new_run()             a run of its own: run:configure{[id] = true}, run:add_rules(list,
--                               source[, taken]), run:document(doc), run:project(p, doc); the
--                               module's add_rules, configure, document and project use a default one
-- jixiao check and jx.check (src/l_check.c) each drive a run of their own; to check a whole
-- Document from a script, call jx.check(doc[, opts]) (require "jixiao").

local ind = require "jixiao.indicator"
local lpeg = require "lpeg"

local type, ipairs, pairs, next, error, xpcall = type, ipairs, pairs, next, error, xpcall
local tostring, tonumber, select = tostring, tonumber, select
local format, find, sub, gsub = string.format, string.find, string.sub, string.gsub
local concat = table.concat
local mtype = math.type
local traceback = debug.traceback

local M = {}

---------------------------------------------------------------- helpers

-- Parsed cells, shared by the rules and across rows (tables repeat 无, 不适用,
-- 零投诉 …); emptied when it grows, so memory stays bounded. Do not modify what
-- parse returns.
local memo, memo_n = {}, 0

local function parse(text)
  local v = memo[text]
  if not v then
    if memo_n >= 4096 then memo, memo_n = {}, 0 end
    v = ind.parse(text)
    memo[text], memo_n = v, memo_n + 1
  end
  return v
end
M.parse = parse

local function argcheck(cond, k, fname, msg)
  if not cond then error(format("bad argument #%d to '%s' (%s)", k, fname, msg), 3) end
end

local colcache = setmetatable({}, { __mode = "k" })

local function column(doc, field)
  argcheck(type(doc) == "table", 1, "column", "document table expected, got " .. type(doc))
  argcheck(type(field) == "string", 2, "column", "field key expected, got " .. type(field))
  local c = colcache[doc]
  if not c then
    c = {}
    for _, col in ipairs(doc.columns or {}) do
      if col.field and c[col.field] == nil then c[col.field] = col.index end
    end
    colcache[doc] = c
  end
  return c[field]
end
M.column = column

-- Every text cell of a row a rule may read, in column order (never the project name).
local function texts(p, doc)
  argcheck(type(p) == "table", 1, "texts", "project table expected, got " .. type(p))
  argcheck(type(doc) == "table", 2, "texts", "document table expected, got " .. type(doc))
  local out = {}
  local function add(role, text, col, indicator)
    if text and text ~= "" then
      out[#out + 1] = { role = role, text = text, column = col, indicator = indicator }
    end
  end
  add("goal.target", p.goal and p.goal.target, column(doc, "goal.target"))
  add("goal.result", p.goal and p.goal.result, column(doc, "goal.result"))
  for _, it in ipairs(p.indicators or {}) do
    add("indicator.target", it.target, it.target_col, it)
    add("indicator.result", it.result, it.result_col, it)
  end
  add("problems", p.problems, column(doc, "problems"))
  add("rectification", p.rectification, column(doc, "rectification"))
  return out
end
M.texts = texts

local numeric = { quantity = true, percent = true, money = true }

-- The values of every item of a parsed cell.
local function values(parsed)
  local out = {}
  for _, it in ipairs(parsed.items) do
    for _, m in ipairs(it.values or {}) do out[#out + 1] = { m = m, item = it } end
  end
  return out
end

local function numeric_item(parsed)
  for _, it in ipairs(parsed.items) do
    if numeric[it.kind] then return true end
  end
  return false
end

local function first_numeric(parsed)
  for _, v in ipairs(values(parsed)) do
    if numeric[v.m.kind] then return v.m end
  end
end

local function measurable(parsed)
  for _, v in ipairs(values(parsed)) do
    local k = v.m.kind
    if numeric[k] or ((k == "date" or k == "period") and v.m.date and not v.m.date.year_only) then
      return true
    end
  end
  return false
end

local function not_applicable(text)
  if not text or text == "" then return false end
  local items = parse(text).items
  if #items == 0 then return false end
  for _, it in ipairs(items) do
    if it.kind ~= "not_applicable" then return false end
  end
  return true
end

-- Text for comparing two cells: no blanks, no trailing punctuation.
local no_blanks = lpeg.Cs(((lpeg.S" \t\n\v\f\r" + "\227\128\128") / "" + 1)^0)
local trail = { "。", "；", "，", "、", ".", ";", "," }
local function norm(s)
  s = lpeg.match(no_blanks, s)
  local changed = true
  while changed and s ~= "" do
    changed = false
    for _, t in ipairs(trail) do
      if sub(s, -#t) == t then s, changed = sub(s, 1, -#t - 1), true end
    end
  end
  return s
end

local function slot(it)
  return it.level2 or it.level1 or it.key or "indicator"
end

local opsym = { [">="] = "≥", [">"] = ">", ["="] = "=", ["<="] = "≤", ["<"] = "<" }

local function show(m)
  return (m.op and opsym[m.op] or "") .. (m.value or "") .. (m.unit_text or "")
end

local function has_any(text, words)
  for _, w in ipairs(words) do
    if find(text, w, 1, true) then return w end
  end
end

-- An empty column the repair only guessed at: saying it is empty would guess too.
local function guessed_gap(p, col)
  for _, g in ipairs(p.repair and p.repair.empty or {}) do
    if g.column == col and not g.certain then return true end
  end
  return false
end

M.vague_words = { "切实", "进一步", "提高", "提升", "改善", "增强", "加强" }
M.growth_words = { "增长", "增幅", "增加", "增速", "同比", "环比", "提高", "提升", "上升", "上涨", "涨幅",
  "较上年", "比上年" }

-- The built-in rules also run in C (src/check_text.c), with this vocabulary built in:
-- jixiao check and jx.check use the C ones while builtin_in_c() holds, and these once a
-- script has extended the indicator grammar or changed the word lists.
local shipped = { vague_words = { table.unpack(M.vague_words) }, growth_words = { table.unpack(M.growth_words) } }

function M.builtin_in_c()
  if ind.extended() then return false end
  for key, list in pairs(shipped) do
    local now = M[key]
    if type(now) ~= "table" or #now ~= #list then return false end
    for i, w in ipairs(list) do
      if now[i] ~= w then return false end
    end
  end
  return true
end

---------------------------------------------------------------- the rules

local rules = {}
M.rules = rules

local function rule(r) rules[#rules + 1] = r end

local dimensions = { "产出", "效益", "满意度" }

rule {
  id = "missing-dimension", severity = "error",
  doc = "no 产出, 效益 or 满意度 indicator at all (a missing 一级 dimension)",
  document = function(doc, report)
    local have = {}
    for _, col in ipairs(doc.columns or {}) do
      if col.level1 then have[col.level1] = true end
    end
    if not next(have) then return end   -- a table without indicators is not this kind of form
    for _, d in ipairs(dimensions) do
      if not have[d] then
        report(format("the layout has no %s indicator columns: a self-evaluation scores 产出, 效益 and "
          .. "满意度; add the missing dimension", d))
      end
    end
  end,
  project = function(p, doc, report)
    local by = {}
    for _, it in ipairs(p.indicators or {}) do
      local l = it.level1
      if l then
        by[l] = by[l] or { first = it, filled = false }
        if (it.target or "") ~= "" or (it.result or "") ~= "" then by[l].filled = true end
      end
    end
    -- a row without any indicator is cut off or holds money only: nothing to compare
    local any = false
    for _, g in pairs(by) do any = any or g.filled end
    if not any then return end
    for _, d in ipairs(dimensions) do
      local g = by[d]
      if g and not g.filled then
        report { column = g.first.target_col or g.first.result_col,
          message = format("no %s indicator is filled in: every %s target and result is empty; "
            .. "state at least one %s indicator", d, d, d) }
      end
    end
  end,
}

rule {
  id = "date-outside-year", severity = "warning",
  doc = "a date outside the evaluated year (the year in the title)",
  project = function(p, doc, report)
    local year = doc.year
    if not year then return end
    for _, c in ipairs(texts(p, doc)) do
      local bad = {}
      -- a year is four digits (ASCII or full-width): a text without them names no year
      local dates = (find(c.text, "%d%d%d%d") or find(c.text, "\239\188[\144-\153]")) and ind.find_dates(c.text) or {}
      for _, d in ipairs(dates) do
        -- a bare year ("2021龙岗区", "上年(2020年)") is context, not a dated event
        if d.year and d.year ~= year and not d.year_only then bad[#bad + 1] = "\"" .. d.text .. "\"" end
      end
      if #bad > 0 then
        report { column = c.column,
          message = format("%s %s outside the evaluated year %d: work of another year, or a typo; "
            .. "correct the date or explain why it belongs in this year's evaluation",
            concat(bad, ", "), #bad == 1 and "is" or "are", year) }
      end
    end
  end,
}

rule {
  id = "operator-in-result", severity = "warning",
  doc = "a result written like a target (≥, 不低于, …)",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      local r = it.result
      if r and r ~= "" and ind.has_operator(r) then
        local what
        for _, v in ipairs(values(parse(r))) do
          if v.m.op_text then what = v.m.text break end
        end
        report { column = it.result_col,
          message = format("the %s result is written like a target%s: a result states what was "
            .. "achieved; give the measured value instead of a threshold", slot(it),
            what and format(" (\"%s\")", what) or "") }
      end
    end
  end,
}

rule {
  id = "non-numeric-result", severity = "warning",
  doc = "a quantitative target whose result states no number",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      local t, r = it.target, it.result
      if t and t ~= "" and r and r ~= "" and not not_applicable(r) then
        local want = first_numeric(parse(t))
        if want and not first_numeric(parse(r)) then
          report { column = it.result_col,
            message = format("the %s target is quantitative (\"%s\") but the result states no number: "
              .. "report the achieved quantity so it can be scored against the target", slot(it), want.text) }
        end
      end
    end
  end,
}

rule {
  id = "percent-over-100", severity = "warning",
  doc = "a percentage above 100 where it cannot exceed 100",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      for _, side in ipairs{ "target", "result" } do
        local text = it[side]
        if text and text ~= "" then
          for _, v in ipairs(values(parse(text))) do
            local m = v.m
            if m.kind == "percent" and m.unit == "%" and m.number and m.number > 100
                and not has_any(v.item.text, M.growth_words) then
              report { column = it[side .. "_col"],
                message = format("\"%s\" is above 100%% for a share that cannot exceed 100%%: check the "
                  .. "figure; if the target was exceeded, report the achieved value and explain", m.text) }
              break
            end
          end
        end
      end
    end
  end,
}

-- "满意度95", "完成率100": the word, linking words, a number, then no % or other unit.
local links = { "为", "是", "达到", "达", "在", "保持", "不低于", "不少于", "≥", ">=", "＞", ">", "＝", "=",
  "：", ":", " ", "\227\128\128" }
local ends = { "", "，", ",", "。", "；", ";", "、", " ", ")", "）", "以上", "及以上", "左右" }

-- Where the clause holding byte position a starts (after the last separator).
local seps = { "，", ",", "。", "；", ";", "、", " ", "\227\128\128" }
local function clause_start(text, a)
  local best = 1
  for _, sp in ipairs(seps) do
    local s = 1
    while true do
      local x, y = find(text, sp, s, true)
      if not x or x >= a then break end
      if y + 1 > best then best = y + 1 end
      s = y + 1
    end
  end
  return best
end

local function bare_rate(text)
  for _, word in ipairs{ "满意度", "率" } do
    local s = 1
    while true do
      local a, b = find(text, word, s, true)
      if not a then break end
      local i = b + 1
      local moved = true
      while moved do
        moved = false
        for _, l in ipairs(links) do
          if sub(text, i, i + #l - 1) == l then i, moved = i + #l, true end
        end
      end
      local num = text:match("^%d+%.?%d*", i)
      if num and tonumber(num) <= 100 then
        local rest = sub(text, i + #num)
        for _, e in ipairs(ends) do
          if (e == "" and rest == "") or (e ~= "" and sub(rest, 1, #e) == e) then
            return sub(text, clause_start(text, a), i + #num - 1)
          end
        end
      end
      s = b + 1
    end
  end
end

rule {
  id = "percent-no-sign", severity = "warning",
  doc = "a rate or satisfaction written without %",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      for _, side in ipairs{ "target", "result" } do
        local text = it[side]
        if text and text ~= "" then
          local what = bare_rate(text)
          if not what and side == "result" and text:match("^%s*%d+%.?%d*%s*$") and it.target
              and it.target ~= "" then
            for _, v in ipairs(values(parse(it.target))) do
              if v.m.kind == "percent" then what = text break end
            end
          end
          if what then
            report { column = it[side .. "_col"],
              message = format("\"%s\" gives a rate without %%: write the unit (95%%), so the value cannot "
                .. "be read as a count or a score", what) }
          end
        end
      end
    end
  end,
}

local function satisfaction(it)
  return it.level1 == "满意度" or (it.key and find(it.key, "^satisfaction")) ~= nil
end

rule {
  id = "satisfaction-complaints", severity = "warning",
  doc = "satisfaction measured by complaint counts (投诉数, 零投诉), not a survey",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      if satisfaction(it) then
        local t, r = it.target or "", it.result or ""
        if find(t, "投诉", 1, true) or find(r, "投诉", 1, true) then
          report { column = (t ~= "" and it.target_col) or it.result_col,
            message = format("satisfaction is measured by complaints (\"%s\" -> \"%s\"): no complaints is "
              .. "not a satisfaction survey; measure satisfaction (a survey's 满意率 against a target "
              .. "such as ≥90%%)", t, r) }
        end
      end
    end
  end,
}

rule {
  id = "satisfaction-100", severity = "warning",
  doc = "satisfaction of exactly 100%",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      local r = it.result
      if r and r ~= "" then
        for _, v in ipairs(values(parse(r))) do
          local m = v.m
          if m.kind == "percent" and m.number == 100
              and (satisfaction(it) or find(v.item.text, "满意", 1, true)) then
            report { column = it.result_col,
              message = format("satisfaction of exactly 100%% (\"%s\") is implausible for a real survey: "
                .. "give the survey, its sample size and the measured rate", v.item.text) }
            break
          end
        end
      end
    end
  end,
}

rule {
  id = "vague-target", severity = "warning",
  doc = "a target of 提高/改善/切实/进一步… with nothing measurable",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      local t = it.target
      if t and t ~= "" then
        local w = has_any(t, M.vague_words)
        if w and not measurable(parse(t)) then
          report { column = it.target_col,
            message = format("vague %s target: \"%s\" with no number, rate or deadline to check the result "
              .. "against; state a measurable value (≥ N%%, N 次, a date)", slot(it), w) }
        end
      end
    end
  end,
}

rule {
  id = "not-applicable", severity = "warning",
  doc = "an indicator marked 不适用/无/不涉及",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      local tn, rn = not_applicable(it.target), not_applicable(it.result)
      if tn or rn then
        local which = tn and rn and format("\"%s\"/\"%s\"", it.target, it.result)
          or tn and format("target \"%s\"", it.target) or format("result \"%s\"", it.result)
        report { column = tn and it.target_col or it.result_col,
          message = format("the %s indicator is marked not applicable (%s): under the default scoring "
            .. "it still carries weight; give a real indicator, or drop it and re-normalise the weights",
            slot(it), which) }
      end
    end
  end,
}

rule {
  id = "result-equals-target", severity = "warning",
  doc = "a result identical to its target",
  project = function(p, doc, report)
    local pairs_ = {}
    if p.goal then
      pairs_[1] = { name = "overall goal", t = p.goal.target, r = p.goal.result, col = column(doc, "goal.result") }
    end
    for _, it in ipairs(p.indicators or {}) do
      pairs_[#pairs_ + 1] = { name = slot(it), t = it.target, r = it.result, col = it.result_col }
    end
    for _, x in ipairs(pairs_) do
      local nt = x.t and x.r and norm(x.t)
      if nt and nt ~= "" and nt == norm(x.r) and not not_applicable(x.t) then
        report { column = x.col,
          message = format("the %s result repeats its target word for word: state what was actually "
            .. "achieved", x.name) }
      end
    end
  end,
}

rule {
  id = "over-achievement", severity = "warning",
  doc = "a result of 120% or more of a positive target (target set too low?)",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      local t, r = it.target, it.result
      local pt = t and t ~= "" and r and r ~= "" and parse(t)
      local pr = pt and parse(r)
      -- only a numeric target item judged against a numeric result item can be "over"
      if pt and numeric_item(pt) and numeric_item(pr) then
        local j = ind.judge(pt, pr)
        local over = {}
        for _, v in ipairs(j.items or {}) do
          if v.over and v.target and v.result then
            over[#over + 1] = format("%s against %s, ratio %.2f", show(v.result), show(v.target), v.ratio)
          end
        end
        if #over > 0 then
          report { column = it.result_col,
            message = format("%s result far above target (%s): 120%% or more suggests the target was set "
              .. "too low; explain, and set next year's target from the achieved level", slot(it),
              concat(over, "; ")) }
        end
      end
    end
  end,
}

local function chars(s) return utf8.len(s) or select(2, gsub(s, "[^\128-\191]", "")) end

rule {
  id = "duplicate-indicator", severity = "warning",
  doc = "the same indicator under two slots (e.g. 产出 and 效益)",
  project = function(p, doc, report)
    local seen = {}
    for _, it in ipairs(p.indicators or {}) do
      local t = it.target
      if t and t ~= "" and not not_applicable(t) then
        local parsed = parse(t)
        local pieces = { norm(t) }
        if #parsed.items > 1 then
          for _, item in ipairs(parsed.items) do pieces[#pieces + 1] = norm(item.text) end
        end
        local dup = {}
        for _, s in ipairs(pieces) do
          local first = seen[s]
          if first and first ~= it and chars(s) >= 4 and not dup[s] then
            dup[s] = true
            report { column = it.target_col,
              message = format("\"%s\" is also the %s target (column %s): one indicator under two slots is "
                .. "scored twice; give each slot its own indicator", s, slot(first),
                tostring(first.target_col)) }
          elseif not first then
            seen[s] = it
          end
        end
      end
    end
  end,
}

rule {
  id = "missing-result", severity = "warning",
  doc = "an indicator with a target but no result",
  project = function(p, doc, report)
    for _, it in ipairs(p.indicators or {}) do
      local t, r = it.target, it.result
      if t and t ~= "" and (not r or r == "") and it.result_col and not not_applicable(t)
          and not guessed_gap(p, it.result_col) then
        report { column = it.target_col,
          message = format("the %s indicator has a target but its result (column %d) is empty: report "
            .. "what was achieved", slot(it), it.result_col) }
      end
    end
  end,
}

---------------------------------------------------------------- running

-- A run: which rules are on, the user rules added to it, and the rules switched off after
-- failing. `jixiao check` makes one per command and jx.check one per call
-- (check.new_run()), so neither disturbs the other; the module's own configure, add_rules,
-- document, project and run use a default run.
local Run = {}
Run.__index = Run

local function new_run()
  local r = setmetatable({ all = {}, byid = {}, enabled = {} }, Run)
  for _, x in ipairs(rules) do r.all[#r.all + 1], r.byid[x.id], r.enabled[x.id] = x, x, true end
  return r
end
M.new_run = new_run

local default = new_run()

local function make_report(r, out)
  return function(f, col)
    if type(f) == "string" then
      f = { message = f, column = col }
    elseif type(f) ~= "table" then
      error(format("report: a finding is a table or a message string, not a %s", type(f)), 2)
    end
    if type(f.message) ~= "string" or f.message == "" then
      error("report: the finding needs a message (a non-empty string)", 2)
    end
    if f.column ~= nil and mtype(f.column) ~= "integer" then
      error("report: column must be an integer (a 1-based layout column)", 2)
    end
    if f.text ~= nil and type(f.text) ~= "string" then error("report: text must be a string", 2) end
    out[#out + 1] = { rule = r.id, column = f.column, text = f.text, message = f.message }
  end
end

-- Calls hook of every enabled rule of run; a rule that raises is reported in failures
-- and switched off, so one broken user rule cannot flood the output.
local function run_hook(run, hook, p, doc)
  local found, failures, enabled = {}, {}, run.enabled
  for _, r in ipairs(run.all) do
    local fn = r[hook]
    if enabled[r.id] and fn and (hook == "document" or p.kind ~= "total" or r.totals) then
      local mine = {}
      local report = make_report(r, mine)
      local ok, e
      if hook == "project" then ok, e = xpcall(fn, traceback, p, doc, report)
      else ok, e = xpcall(fn, traceback, doc, report) end
      if ok then
        for _, f in ipairs(mine) do found[#found + 1] = f end
      else
        enabled[r.id] = nil
        failures[#failures + 1] = { rule = r.id, message = tostring(e) }
      end
    end
  end
  return found, failures
end

local function configure(run, ids)
  run.enabled = {}
  for id, on in pairs(ids) do
    if on then run.enabled[id] = true end
  end
end

-- run:project(p, doc) -> findings, failures: every enabled rule's project hook on one row.
function Run:project(p, doc)
  argcheck(type(p) == "table", 1, "project", "project table expected, got " .. type(p))
  argcheck(type(doc) == "table", 2, "project", "document table expected, got " .. type(doc))
  return run_hook(self, "project", p, doc)
end

-- run:document(doc) -> findings, failures: every enabled rule's document hook.
function Run:document(doc)
  argcheck(type(doc) == "table", 1, "document", "document table expected, got " .. type(doc))
  return run_hook(self, "document", nil, doc)
end

-- run:configure{[id] = true, ...}: exactly these rules are on.
function Run:configure(ids)
  argcheck(type(ids) == "table", 1, "configure", "table of rule ids expected, got " .. type(ids))
  configure(self, ids)
end

function M.project(p, doc)
  argcheck(type(p) == "table", 1, "project", "project table expected, got " .. type(p))
  argcheck(type(doc) == "table", 2, "project", "document table expected, got " .. type(doc))
  return run_hook(default, "project", p, doc)
end

function M.document(doc)
  argcheck(type(doc) == "table", 1, "document", "document table expected, got " .. type(doc))
  return run_hook(default, "document", nil, doc)
end

function M.configure(ids)
  argcheck(type(ids) == "table", 1, "configure", "table of rule ids expected, got " .. type(ids))
  configure(default, ids)
end

-- Runs the built-in rules (or those listed, which may name rules added with
-- check.add_rules) on one row, raising on a rule's error.
function M.run(p, doc, ids)
  argcheck(type(p) == "table", 1, "run", "project table expected, got " .. type(p))
  argcheck(type(doc) == "table", 2, "run", "document table expected, got " .. type(doc))
  local want
  if ids ~= nil then
    argcheck(type(ids) == "table", 3, "run", "list of rule ids expected, got " .. type(ids))
    want = {}
    for _, id in ipairs(ids) do
      argcheck(default.byid[id], 3, "run", format("no rule '%s'", tostring(id)))
      want[id] = true
    end
  end
  local out = {}
  for _, r in ipairs(default.all) do
    if (want and want[r.id]) or (not want and not r.user) then
      local report = make_report(r, out)
      if r.document then r.document(doc, report) end
      if r.project and (p.kind ~= "total" or r.totals) then r.project(p, doc, report) end
    end
  end
  return out
end

local severities = { error = true, warning = true, info = true }

-- Checks the rules a --rules file returned. source names the file in messages; byid
-- holds the run's rules, taken other ids in use (the C rules). An empty list is a file
-- that only extends the vocabulary (ind.add_unit, check.vague_words, ...).
local function validate(list, source, byid, taken)
  if type(list) ~= "table" then
    error(format("%s: must return a list of rule tables, not a %s", source, type(list)), 0)
  end
  if list.id ~= nil then list = { list } end
  local out, fresh = {}, {}
  for i, r in ipairs(list) do
    local where = format("%s: rule #%d", source, i)
    if type(r) ~= "table" then error(format("%s is a %s, not a table", where, type(r)), 0) end
    if type(r.id) ~= "string" or not r.id:match("^[a-z][a-z0-9%-]*$") or #r.id > 64 then
      error(format("%s: id must be a string of lower-case letters, digits and '-' (got %s)", where,
        tostring(r.id)), 0)
    end
    where = format("%s: rule '%s'", source, r.id)
    if byid[r.id] or fresh[r.id] or taken[r.id] then error(format("%s: the id is already taken", where), 0) end
    local sev = r.severity or "warning"
    if not severities[sev] then
      error(format("%s: severity must be \"error\", \"warning\" or \"info\" (got %s)", where, tostring(sev)), 0)
    end
    if r.doc ~= nil and type(r.doc) ~= "string" then error(format("%s: doc must be a string", where), 0) end
    if r.project ~= nil and type(r.project) ~= "function" then
      error(format("%s: project must be a function(p, doc, report)", where), 0)
    end
    if r.document ~= nil and type(r.document) ~= "function" then
      error(format("%s: document must be a function(doc, report)", where), 0)
    end
    if not r.project and not r.document then
      error(format("%s: needs a project or a document function", where), 0)
    end
    fresh[r.id] = true
    out[#out + 1] = { id = r.id, severity = sev, doc = r.doc or "", project = r.project,
      document = r.document, totals = r.totals and true or nil, user = true }
  end
  return out
end

-- Registers the rules of list with run. Returns { {id=, severity=, doc=}, ... } for the C
-- registry, or nil and a message.
local function add_rules(run, list, source, taken)
  source = tostring(source or "rules")
  local ok, out = pcall(validate, list, source, run.byid, type(taken) == "table" and taken or {})
  if not ok then return nil, tostring(out) end
  local desc = {}
  for _, r in ipairs(out) do
    run.all[#run.all + 1], run.byid[r.id] = r, r
    run.enabled[r.id] = true
    desc[#desc + 1] = { id = r.id, severity = r.severity, doc = r.doc }
  end
  return desc
end

-- run:add_rules(list, source[, taken]); check.add_rules(...) adds to the default run.
function Run:add_rules(list, source, taken) return add_rules(self, list, source, taken) end
function M.add_rules(list, source, taken) return add_rules(default, list, source, taken) end

return M
