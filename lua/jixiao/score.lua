-- jixiao.score: the scoring engine of `jixiao score`. Recomputes a project's
-- self-evaluation score under a profile (jixiao.profiles): the execution score, a score per
-- indicator with the rule that produced it, not-applicable re-normalisation, the total and
-- the grade, and compares them with the 分值/得分 a table carries itself.
--
--   local score = require "jixiao.score"
--   score.profile(name | table) -> completed profile | nil, message naming the bad field
--   score.indicator(target, result, weight[, profile]) -> { score =, weight =, rule =, tier =,
--        band = {lo, hi}, exact =, explanation =, items = {…}, flags = {…} } or { dropped = why }
--   score.execution(project, weight[, profile]) -> { score =, rate =, rate_source =, capped =,
--        explanation =, flags = }
--   score.project(project, doc[, profile[, layout]]) -> { total =, grade =, explanation =,
--        execution =, blocks =, indicators =, stated =, notes =, flags =, errors = }
--   score.layout(doc, project) -> where the document keeps its own 分值/得分 columns
--   score.grade(total[, profile]), score.describe(profile), score.list(), score.apportion(n, shares)
--
-- project and doc are shaped as jx_l_push_project/jx_l_push_doc make them (src/l_model.h).
-- Profiles default to national. Weights go in as numbers of points; every score and weight
-- comes out as exact decimal text ("16.67"): internally they are integers of 10^-decimals
-- points, so sums are exact and printed scores add up, and weights are apportioned by
-- largest remainder (50 over three indicators is 16.67 + 16.67 + 16.66). Misuse raises;
-- table contents never do.

local ind = require "jixiao.indicator"
local profiles = require "jixiao.profiles"

local type, pairs, ipairs, tostring, tonumber, error = type, pairs, ipairs, tostring, tonumber, error
local format, gsub, match, find, gmatch, sub = string.format, string.gsub, string.match, string.find, string.gmatch,
  string.sub
local concat, sort = table.concat, table.sort
local floor, abs, max, tointeger = math.floor, math.abs, math.max, math.tointeger

---------------------------------------------------------------- numbers

-- Half away from zero; the small bias keeps 0.125 × 100 a tie despite binary floats.
local function rnd(x)
  if x < 0 then return -floor(-x + 0.5 + 1e-9) end
  return floor(x + 0.5 + 1e-9)
end

local function pow10(d) return tointeger(10 ^ d) end
local function units(points, prof) return rnd(points * 10 ^ prof.decimals) end

local function show(u, prof)
  local d = prof.decimals
  if d == 0 then return tostring(u) end
  local s = pow10(d)
  return format("%s%d.%0" .. d .. "d", u < 0 and "-" or "", abs(u) // s, abs(u) % s)
end

local function divround(a, b)      -- integers, b > 0, half away from zero
  if a < 0 then return -((2 * -a + b) // (2 * b)) end
  return (2 * a + b) // (2 * b)
end

-- Exact decimal text ("98.37", "１０", "9.5分") as a mantissa and scale, or nil.
local function decimal(s)
  if type(s) ~= "string" then return nil end
  s = gsub(s, "\239\188([\144-\153])", function(b) return tostring(b:byte() - 144) end)
  s = gsub(gsub(gsub(s, "．", "."), "分%s*$", ""), "^%s*(.-)%s*$", "%1")
  local sign, int, frac = match(s, "^([-+]?)(%d*)%.?(%d*)$")
  if not int or int .. frac == "" or #int + #frac > 15 then return nil end
  local m = tointeger(tonumber(int .. frac))
  return sign == "-" and -m or m, #frac
end

-- A decimal text as units of the profile, or nil.
local function cell_units(s, prof)
  local m, sc = decimal(s)
  if not m then return nil end
  local d = prof.decimals
  if sc <= d then return m * pow10(d - sc) end
  return divround(m, pow10(sc - d))
end

-- Splits the integer total in proportion to shares (numbers; equal shares when they sum to
-- 0), the leftover units going to the largest remainders, earlier ones first on ties.
local function apportion(total, shares)
  local sum, n = 0, #shares
  if n == 0 then return {} end
  for _, s in ipairs(shares) do sum = sum + s end
  local out, rem, given = {}, {}, 0
  for i, s in ipairs(shares) do
    local x = sum > 0 and total * s / sum or total / n
    out[i] = floor(x + 1e-9)
    rem[i] = { i = i, r = x - out[i] }
    given = given + out[i]
  end
  sort(rem, function(a, b) if abs(a.r - b.r) > 1e-9 then return a.r > b.r end return a.i < b.i end)
  for k = 1, total - given do out[rem[k].i] = out[rem[k].i] + 1 end
  return out
end

local function ones(n)
  local t = {}
  for i = 1, n do t[i] = 1 end
  return t
end

---------------------------------------------------------------- texts

local IDEO_SPACE = "\227\128\128"   -- U+3000, which a byte class cannot hold whole

local function trim(s)
  if type(s) ~= "string" then return "" end
  local old
  repeat
    old = s
    s = gsub(gsub(s, "^%s+", ""), "%s+$", "")
    if sub(s, 1, 3) == IDEO_SPACE then s = sub(s, 4) end
    if sub(s, -3) == IDEO_SPACE then s = sub(s, 1, -4) end
  until s == old
  return s
end

-- The first n characters of s, for explanations; the full text is in the JSON.
local function short(s, n)
  n = n or 24
  local out, k = {}, 0
  for ch in gmatch(s, "[%z\1-\127\192-\255][\128-\191]*") do
    k = k + 1
    if k > n then return concat(out) .. "…" end
    out[k] = ch
  end
  return s
end

local function q(s) return "“" .. short(s) .. "”" end

local opsym = { [">="] = "≥", [">"] = ">", ["="] = "=", ["<="] = "≤", ["<"] = "<" }
local function shown(it) return (it.value or it.text or "") .. (it.unit_text or "") end
local function shown_op(it) return (it.op and opsym[it.op] or "") .. shown(it) end

local function ratio_text(x)
  return (format("%.4f", x):gsub("0+$", ""):gsub("%.$", ""))
end

local function flag(list, level, code, msg) list[#list + 1] = { level = level, code = code, message = msg } end

---------------------------------------------------------------- one indicator

local NUMERIC = { quantity = true, percent = true, money = true }
local POSITIVE = { [">="] = true, [">"] = true, ["="] = true }
local NA_WORDS = { ["不适用"] = true, ["不涉及"] = true, ["无此项"] = true }

local function tier_of(prof, name)
  for _, t in ipairs(prof.tiers) do if t.tier == name then return t end end
end

-- Places a qualitative result in a tier: a tier the text states, else the profile's reading
-- of a shortfall or of a result that reports the work.
local function place(items, prof)
  for _, it in ipairs(items) do
    for _, m in ipairs(it.values or {}) do
      if m.tier then return m.tier, "the result states " .. m.qual, "tier-stated" end
    end
  end
  for _, it in ipairs(items) do
    for _, m in ipairs(it.values or {}) do
      if m.meaning == "negative" then
        return prof.reading.shortfall, format("the result admits a shortfall (%s), no tier stated", m.qual), "read"
      end
    end
  end
  return prof.reading.reported, "the result reports the work, no tier stated", "read"
end

local function tier_score(tier, why, rule, w, prof)
  local t = tier_of(prof, tier)
  local lo, hi, s = rnd(t.low * w), rnd(t.high * w), rnd(t.point * w)
  local band = format("[%s, %s%s", show(lo, prof), show(hi, prof), t.high == 1 and "]" or ")")
  local how = t.point == t.high and format("%s → %s %s, top of the band: %s", why, tier, band, show(s, prof))
    or format("%s → %s %s, %s × %s = %s", why, tier, band, ratio_text(t.point), show(w, prof), show(s, prof))
  return { score = s, how = how, tier = tier, band = { lo, hi }, rule = rule, exact = false }
end

-- The quantitative rules of §3 for target A (operator op, value text av) and result B (rv).
local function formula(op, A, B, w, prof, av, rv)
  local tv, sw = (opsym[op] or "") .. av, show(w, prof)
  op = op or "="
  local out = { exact = true }
  if op == "=" and A == 0 then
    out.rule = "equal-zero"
    if B <= 0 then out.score, out.how = w, format("target =0, result %s ≤ 0, met: full weight %s", rv, sw)
    else out.score, out.how = 0, format("target =0, result %s above 0: 0", rv) end
  elseif POSITIVE[op] then
    if B >= A then
      out.rule, out.score, out.how = "met", w, format("result %s ≥ target %s, met: full weight %s", rv, tv, sw)
    else
      out.rule, out.score = "positive", A > 0 and max(0, rnd(B / A * w)) or 0
      out.how = format("target %s not met: %s / %s × %s = %s", tv, rv, av, sw, show(out.score, prof))
    end
  elseif B <= A then
    out.rule, out.score, out.how = "met", w, format("result %s ≤ target %s, met: full weight %s", rv, tv, sw)
  elseif prof.reverse == "ratio" then
    out.rule, out.score = "reverse-ratio", B > 0 and A > 0 and rnd(A / B * w) or 0
    out.how = format("reverse target %s exceeded (older rule A/B × w): %s / %s × %s = %s", tv, av, rv, sw,
      show(out.score, prof))
  elseif A <= 0 or B >= 2 * A then
    out.rule, out.score = "reverse", 0
    out.how = format("reverse target %s: result %s is at least twice the target: 0", tv, rv)
  else
    out.rule, out.score = "reverse", rnd((1 - (B - A) / A) * w)
    out.how = format("reverse target %s exceeded: (1 − (%s − %s) / %s) × %s = %s", tv, rv, av, av, sw,
      show(out.score, prof))
  end
  return out
end

local function completion(t, r, w, prof, pre)
  local pct = r.number > 100 and 100 or r.number < 0 and 0 or r.number
  local s = rnd(pct / 100 * w)
  return { score = s, exact = true, rule = "completion-percent",
    how = format("%sthe result gives a completion rate %s of target %s: %s%% × %s = %s", pre or "", shown(r),
      shown_op(t), ratio_text(pct), show(w, prof), show(s, prof)) }
end

local function completes(t, r)
  return r.kind == "percent" and NUMERIC[t.kind] and t.kind ~= "percent" and POSITIVE[t.op or "="]
end

-- Scores one target sub-item v (a judge item) with weight w; whole = the result's items.
local function score_item(v, whole, w, prof, flags)
  local t, r = v.target, v.result
  if not r then
    if #whole == 1 and completes(t, whole[1]) then
      return completion(t, whole[1], w, prof, "no result sub-item matches, but ")
    end
    local tier, why, rule = place(whole, prof)
    return tier_score(tier, "no result sub-item matches; " .. why, rule, w, prof)
  end
  if NUMERIC[t.kind] and NUMERIC[r.kind] then
    local rv = shown(r)
    local same = v.judgement == "met" or v.judgement == "not_met"
    if same or not r.unit or not t.unit then
      local out = formula(t.op, t.number, r.number, w, prof, shown(t), rv)
      if not same then
        out.how = out.how .. (r.unit and format(" (the target has no unit; read in the result's %s)", r.unit)
          or format(" (the result has no unit; read in the target's %s)", t.unit))
      end
      if prof.over and POSITIVE[t.op or "="] and t.number > 0 and r.number >= prof.over * t.number then
        flag(flags, "warning", "over-achievement", format("result %s is %s × the target %s (≥ %s): target set too low?",
          rv, ratio_text(r.number / t.number), shown_op(t), ratio_text(prof.over)))
      end
      return out
    end
    if completes(t, r) then return completion(t, r, w, prof) end
    flag(flags, "warning", "unit-mismatch", v.reason)
    local tier, why, rule = place({ r }, prof)
    return tier_score(tier, v.reason .. "; read as qualitative: " .. why, rule, w, prof)
  end
  if (t.kind == "date" or t.kind == "period") and (v.judgement == "met" or v.judgement == "not_met") then
    if v.judgement == "not_met" then
      return tier_score(prof.reading.late, "deadline missed: " .. v.reason, "deadline", w, prof)
    end
    return { score = w, exact = true, rule = "deadline",
      how = format("deadline met (%s): full weight %s", v.reason, show(w, prof)) }
  end
  local tier, why, rule = place({ r }, prof)
  local pre = v.judgement == "cannot_tell" and (v.reason .. "; read as qualitative: ") or ""
  return tier_score(tier, pre .. why, rule, w, prof)
end

local function all_na(items)
  if #items == 0 then return false end
  for _, it in ipairs(items) do if it.kind ~= "not_applicable" then return false end end
  return true
end

-- First pass over an indicator, before weights are known: is it scored or dropped, and
-- what does the judge say. entry = { target =, result = } (texts, may be absent).
local function assess(entry)
  local tt, rt = trim(entry.target), trim(entry.result)
  local a = { target = tt, result = rt }
  if tt == "" and rt == "" then
    a.dropped = "no target and no result: no indicator in this slot"
    return a
  end
  local pt, pr = ind.parse(tt), ind.parse(rt)
  if all_na(pt.items) then
    a.dropped = "not applicable (target " .. tt .. ")"
  elseif tt == "" and all_na(pr.items) then
    a.dropped = "not applicable (result " .. rt .. ", no target)"
  elseif tt == "" then
    a.mode, a.ritems = "no-target", pr.items
  elseif rt == "" then
    a.mode = "no-result"
  elseif all_na(pr.items) then
    if NA_WORDS[rt] then
      a.dropped, a.na_result = "not applicable (result " .. rt .. ", although a target is set)", true
    else
      a.mode, a.pt = "nothing", pt
    end
  else
    a.mode, a.verdict, a.ritems = "items", ind.judge(pt, pr), pr.items
    local live = 0
    for _, v in ipairs(a.verdict.items) do if v.judgement ~= "not_applicable" then live = live + 1 end end
    if live == 0 then a.dropped = "not applicable (" .. a.verdict.reason .. ")" end
  end
  return a
end

local function merge_into(out, r)
  for k, v in pairs(r) do out[k] = v end
  return out
end

-- Second pass: the score of an assessed indicator with weight w (units).
local function score_assessed(a, w, prof)
  local out = { flags = {}, items = {} }
  if a.mode == "no-result" then
    out.score, out.rule, out.exact, out.how = 0, "no-result", true, "no result reported: 0"
  elseif a.mode == "no-target" then
    local tier, why, rule = place(a.ritems, prof)
    merge_into(out, tier_score(tier, "no target stated; " .. why, rule, w, prof))
  elseif a.mode == "nothing" then
    local t = a.pt.items[1]
    if #a.pt.items == 1 and NUMERIC[t.kind] and (t.op == "<=" or t.op == "<") then
      merge_into(out, formula(t.op, t.number, 0, w, prof, shown(t), "0"))
      out.how = format("the result %s is read as 0; %s", a.result, out.how)
    else
      out.score, out.rule, out.exact = 0, "no-result", true
      out.how = format("the result %s reports nothing: 0", a.result)
    end
  else
    local live = {}
    for _, v in ipairs(a.verdict.items) do
      if v.judgement ~= "not_applicable" then live[#live + 1] = v end
    end
    local ws = apportion(w, ones(#live))
    local sum, lo, hi, exact = 0, 0, 0, true
    for k, v in ipairs(live) do
      local r = score_item(v, a.ritems, ws[k], prof, out.flags)
      r.n, r.weight, r.target = v.n or k, ws[k], v.target.text
      out.items[k] = r
      sum = sum + r.score
      lo, hi = lo + (r.band and r.band[1] or r.score), hi + (r.band and r.band[2] or r.score)
      exact = exact and r.exact
    end
    out.score, out.exact = sum, exact
    if #live == 1 then
      local r = out.items[1]
      out.how, out.rule, out.tier, out.band, out.items = r.how, r.rule, r.tier, r.band, {}
    else
      out.rule, out.band = "items", not exact and { lo, hi } or nil
      local parts = {}
      for k, r in ipairs(out.items) do
        parts[k] = format("item %s %s (weight %s): %s", r.n, q(r.target), show(r.weight, prof), r.how)
      end
      local dropped = #a.verdict.items - #live
      out.how = format("%d sub-items%s, the weight split evenly: %s; sum %s", #live,
        dropped > 0 and format(" (%d more not applicable, dropped)", dropped) or "", concat(parts, "; "),
        show(sum, prof))
    end
  end
  if out.score > w then out.score = w end
  return out
end

---------------------------------------------------------------- execution

-- The execution score: rate / 100 × weight (units), from the recomputed rate when the
-- amounts are there, else from the printed one.
local function execution(p, w, prof, unit)
  local out = { weight = w, flags = {} }
  local rate, from = p.rate and p.rate.computed, "recomputed"
  local amounts = " (the printed rate: the budget or the spending is missing, so it cannot be recomputed)"
  if rate then
    amounts = format(" (%s of %s%s, recomputed)", p.actual.total, p.budget.total, unit and (" " .. unit) or "")
  else
    rate, from = p.rate and p.rate.percent, "printed"
  end
  local m, sc = decimal(rate)
  if not m then
    out.score, out.text = 0, "no execution rate (the budget or the spending is missing, and no rate is printed): 0"
    flag(out.flags, "warning", "no-rate", "no execution rate to score")
    return out
  end
  out.rate, out.rate_source = rate, from
  local hundred = 100 * pow10(sc)
  local s = max(0, abs(m) < 1e12 and divround(m * w, hundred) or rnd(m / hundred * w))
  local how = format("%s%% × %s = %s", rate, show(w, prof), show(s, prof))
  if m > hundred then
    flag(out.flags, "warning", "over-spending", format("executed %s%%, above 100%% of the budget", rate))
    if prof.execution.cap then
      how = format("%s, capped at the weight: %s (over-spending)", how, show(w, prof))
      s, out.capped = w, true
    else
      how = how .. ", not capped under this profile (over-spending)"
    end
  end
  out.score, out.text = s, format("executed %s%%%s: %s", rate, amounts, how)
  local below, pr = prof.execution.explain_below, trim(p.problems)
  if below and m < below * pow10(sc) and (pr == "" or pr == "无") then
    flag(out.flags, "warning", "rate-unexplained", format("executed %s%%, below %s%%, and 问题 gives no reason (%s "
      .. "requires one)", rate, ratio_text(below), prof.name))
  end
  return out
end

---------------------------------------------------------------- layout

local function has_any(s, words)
  for _, w in ipairs(words) do if find(s, w, 1, true) then return true end end
  return false
end

-- Where a document keeps its own scores: 分值/得分 columns per indicator slot (matched to the
-- nearest slot on their left with the same 一级/二级), for execution (under the 执行率
-- column), the total (自评得分, 总分) and the grade (等级). Built from the document's
-- columns and the first project's slots, which every row of a document shares.
local function layout(doc, p)
  local lay = { slots = {}, any = false }
  for _, c in ipairs(doc.columns or {}) do
    local path = c.path or ""
    if (c.field == "indicator.weight" or c.field == "indicator.score") and c.level2 then
      local best, bcol
      for k, s in ipairs(p.indicators) do
        local col = max(s.target_col or 0, s.result_col or 0)
        if s.level1 == c.level1 and s.level2 == c.level2 and col < c.index and (not bcol or col > bcol) then
          best, bcol = k, col
        end
      end
      if best then
        lay.slots[best] = lay.slots[best] or {}
        lay.slots[best][c.field == "indicator.weight" and "w" or "s"], lay.any = c.index, true
      end
    elseif c.field == "extra" then
      local last, exec = match(path, "([^/]*)$"), find(path, "执行", 1, true)
      if exec and has_any(last, { "分值", "权重" }) then lay.exec_w, lay.any = c.index, true
      elseif exec and find(last, "得分", 1, true) then lay.exec_s, lay.any = c.index, true
      elseif has_any(path, { "自评得分", "总分", "总得分", "得分" }) then lay.total, lay.any = c.index, true
      elseif has_any(path, { "等级", "评级", "评价结果" }) then lay.grade = c.index end
    end
  end
  return lay
end

---------------------------------------------------------------- one project

local function grade(total_u, prof)
  for _, b in ipairs(prof.bands) do
    if total_u >= units(b.min, prof) then return b.grade end
  end
  return prof.bands[#prof.bands].grade
end

local function cell(p, col) return col and trim(p.cols and p.cols[col]) or "" end
local function note(res, fmt, ...) res.notes[#res.notes + 1] = format(fmt, ...) end

-- Compares a stated 得分 with the recomputed one; a qualitative score within the band of its
-- tier agrees, and is then kept, since the band leaves the placement to the unit. uncapped:
-- the profile lets this score pass its weight (the platform's execution score).
local function compare(stated, r, w, prof, what, flags, uncapped)
  local tol, ss = units(prof.tolerance, prof), show(stated, prof)
  local st = { score = stated }
  if stated > w and not uncapped then
    flag(flags, "error", "score-above-weight", format("%s: the table's 得分 %s exceeds its weight %s", what, ss,
      show(w, prof)))
  end
  if r.band and not r.exact and stated >= r.band[1] - tol and stated <= r.band[2] + tol then
    st.agrees = true
    if stated ~= r.score then
      r.how = format("%s; the table's %s lies in the band and is kept: %s", r.how, ss, ss)
      r.score = stated
    end
  elseif abs(stated - r.score) <= tol then
    st.agrees = true
  else
    st.agrees = false
    flag(flags, "error", "score-disagrees", format("%s: the table says %s, recomputed %s", what, ss,
      show(r.score, prof)))
  end
  return st
end

-- The project's indicators grouped into the profile's blocks, with what the table states.
-- Returns the blocks in table order, by name, and whether the table's own weights apply.
local function collect(p, prof, lay, res)
  local order, byname, stated_all, any = {}, {}, lay.any, false
  for k, e in ipairs(p.indicators) do
    local block = e.level1 or "?"
    if prof.blocks then block = prof.merge[block] or block end
    local a = assess(e)
    local it = { level1 = e.level1, level2 = e.level2, key = e.key, block = block, name = e.level2 or block,
      target = a.target, result = a.result, a = a }
    local sc = lay.slots[k]
    if sc then
      it.stated_w, it.stated_s = cell_units(cell(p, sc.w), prof), cell_units(cell(p, sc.s), prof)
      if cell(p, sc.s) ~= "" and not it.stated_s then
        flag(res.flags, "warning", "score-not-number", format("%s: 得分 “%s” is not a number", it.name, cell(p, sc.s)))
      end
    end
    if not it.stated_w and (a.target ~= "" or a.result ~= "") then stated_all = false end
    any = any or it.stated_w ~= nil
    for _, g in ipairs(p.repair and p.repair.empty or {}) do
      if not g.certain and (g.column == e.target_col or g.column == e.result_col) then
        it.guess = format("column %d (%s) is empty by the reader's guess at this ragged row", g.column, g.path)
      end
    end
    if a.na_result then
      flag(res.flags, "warning", "result-not-applicable", format("%s: a target is set but the result says %s", it.name,
        a.result))
    end
    res.inds[k] = it
    if not byname[block] then byname[block] = { level1 = block, inds = {} }; order[#order + 1] = byname[block] end
    local b = byname[block]
    b.inds[#b.inds + 1] = it
  end
  return order, byname, stated_all and any
end

-- Nominal weights (it.nominal, units) and shares (it.share, exact, for re-normalising): the
-- table's own 分值, or the profile's block weights split evenly among each block's
-- indicators. Returns the blocks scored and the execution weight.
local function weigh(p, prof, lay, res, order, byname, stated_all)
  local ew, blocks, flags = units(prof.execution.weight, prof), {}, res.flags
  if stated_all then
    res.weights = "table"
    ew = lay.exec_w and cell_units(cell(p, lay.exec_w), prof) or ew
    local total = ew
    for _, b in ipairs(order) do
      b.weight = 0
      for _, it in ipairs(b.inds) do
        it.nominal = it.stated_w or 0
        it.share, b.weight = it.nominal, b.weight + it.nominal
      end
      blocks[#blocks + 1], total = b, total + b.weight
    end
    if total ~= units(prof.total, prof) then
      flag(flags, "error", "weights-total", format("the table's weights sum to %s, not %s as %s requires",
        show(total, prof), ratio_text(prof.total), prof.name))
    end
    for _, pb in ipairs(prof.blocks or {}) do
      local b = byname[pb.level1]
      if b and b.weight ~= units(pb.weight, prof) then
        flag(flags, "warning", "block-weight", format("%s: the table's weights sum to %s, %s gives %s", pb.level1,
          show(b.weight, prof), prof.name, ratio_text(pb.weight)))
      end
    end
    return blocks, ew
  end
  res.weights = "profile"
  if lay.any and #p.indicators > 0 then
    note(res, "the table's 分值 are incomplete for this project, so the profile's weights are used")
  end
  if prof.blocks then
    for _, pb in ipairs(prof.blocks) do
      local b = byname[pb.level1]
      if not b then
        b = { level1 = pb.level1, inds = {} }
        note(res, "%s: the table has no indicators in this block; its weight goes to the other indicators", pb.level1)
      end
      b.weight, byname[pb.level1] = units(pb.weight, prof), b
      blocks[#blocks + 1] = b
    end
    for _, b in ipairs(order) do
      if not b.weight then
        for _, it in ipairs(b.inds) do
          it.a.dropped = it.a.dropped or (prof.name .. " gives " .. b.level1 .. " no weight")
          it.nominal, it.share = 0, 0
        end
        note(res, "%s: %s gives this 一级 block no weight, so its indicators are not scored", b.level1, prof.name)
      end
    end
  else
    local ws = apportion(units(prof.total, prof) - ew, ones(#order))
    for i, b in ipairs(order) do b.weight, blocks[i] = ws[i], b end
  end
  for _, b in ipairs(blocks) do
    local ws = apportion(b.weight, ones(#b.inds))
    for i, it in ipairs(b.inds) do it.nominal, it.share = ws[i], b.weight / #b.inds end
  end
  return blocks, ew
end

-- Dropped indicators (不适用, empty slots) give their weight to the rest: to the whole
-- indicator part in proportion, or first within their block (profile.not_applicable).
local function renormalise(prof, res, blocks)
  local part = 0
  for _, b in ipairs(blocks) do part = part + b.weight end
  local function spread(list, total)
    local shares = {}
    for i, it in ipairs(list) do shares[i] = it.share end
    local ws = apportion(total, shares)
    for i, it in ipairs(list) do it.weight, it.share = ws[i], ws[i] end
  end
  local function live(list)
    local l = {}
    for _, it in ipairs(list) do if not it.a.dropped then l[#l + 1] = it end end
    return l
  end
  for _, it in ipairs(res.inds) do it.weight = it.a.dropped and 0 or it.nominal end
  if prof.not_applicable == "block" then
    for _, b in ipairs(blocks) do
      local l = live(b.inds)
      if #l > 0 and #l < #b.inds then spread(l, b.weight) end
    end
  end
  local all, sum = live(res.inds), 0
  for _, it in ipairs(all) do sum = sum + it.weight end
  if #all > 0 and sum ~= part then spread(all, part) end
  for _, it in ipairs(all) do
    if it.weight ~= it.nominal then
      note(res, "weights re-normalised: what dropped indicators carried goes to %s, so the indicators still carry %s",
        prof.not_applicable == "block" and "the rest of their block (or, when none is left, to all the others in "
        .. "proportion)" or "the remaining indicators in proportion", show(part, prof))
      break
    end
  end
  if #all == 0 and part > 0 then note(res, "no indicator could be scored: the indicator part scores 0") end
end

-- Scores every live indicator, compares what the table states, and returns the total
-- and the stated scores' sum (nil when the table states none).
local function score_all(p, prof, res, flags)
  local total, stated_sum, low = res.exec.score, res.exec.stated and res.exec.stated.score, {}
  for _, it in ipairs(res.inds) do
    if it.a.dropped then
      it.dropped = it.a.dropped
      it.how = it.dropped .. ": dropped, its weight goes to the others"
        .. (it.guess and (" [" .. it.guess .. "]") or "")
      if it.stated_s and it.stated_s > 0 then
        flag(flags, "warning", "not-applicable-scored", format("%s: dropped as %s, but the table gives it %s", it.name,
          it.dropped, show(it.stated_s, prof)))
      end
    else
      local r = score_assessed(it.a, it.weight, prof)
      for k, v in pairs(r) do if k ~= "flags" then it[k] = v end end
      for _, f in ipairs(r.flags) do f.message = it.name .. ": " .. f.message; flags[#flags + 1] = f end
      if it.stated_s then
        it.stated = compare(it.stated_s, it, it.stated_w or it.weight, prof, it.block .. " " .. it.name, flags)
      end
      total = total + it.score
      if it.score < it.weight then low[#low + 1] = it.name end
      if it.guess then it.how = it.how .. " [" .. it.guess .. "]" end
    end
    if it.stated_s then stated_sum = (stated_sum or 0) + it.stated_s end
    local wtext = format("weight %s", show(it.dropped and it.nominal or it.weight, prof))
    if not it.dropped and it.weight ~= it.nominal then
      wtext = format("%s, re-normalised from %s", wtext, show(it.nominal, prof))
    end
    it.text = format("%s (%s): target %s, result %s: %s", it.name, wtext, it.target ~= "" and q(it.target) or "none",
      it.result ~= "" and q(it.result) or "none", it.how)
  end
  local pr = trim(p.problems)
  if #low > 0 and (pr == "" or pr == "无") then
    flag(flags, "warning", "below-weight-unexplained", format("scored below the weight (%s) but 问题 gives no reason",
      concat(low, ", ")))
  end
  return total, stated_sum
end

local function project(p, doc, prof, lay)
  lay = lay or layout(doc, p)
  local res = { line = p.line, index = p.index, seq = p.seq, name = p.name or "", flags = {}, notes = {}, inds = {},
    blocks = {} }
  local flags = res.flags
  local blocks, ew = weigh(p, prof, lay, res, collect(p, prof, lay, res))
  renormalise(prof, res, blocks)
  res.exec = execution(p, ew, prof, doc.unit)
  for _, f in ipairs(res.exec.flags) do flags[#flags + 1] = f end
  local est = lay.exec_s and cell_units(cell(p, lay.exec_s), prof)
  if est then res.exec.stated = compare(est, res.exec, ew, prof, "预算执行", flags, not prof.execution.cap) end
  local total, stated_sum = score_all(p, prof, res, flags)
  local parts = { format("预算执行 %s", show(res.exec.score, prof)) }
  for _, b in ipairs(blocks) do
    local sc, w = 0, 0
    for _, it in ipairs(b.inds) do sc, w = sc + (it.score or 0), w + it.weight end
    res.blocks[#res.blocks + 1] = { level1 = b.level1, weight = w, score = sc, n = #b.inds }
    parts[#parts + 1] = format("%s %s", b.level1, show(sc, prof))
  end
  res.total, res.grade = total, grade(total, prof)
  res.text = format("%s = %s → %s (%s bands: %s)", concat(parts, " + "), show(total, prof), res.grade, prof.name,
    profiles.bands_text(prof))
  local st = lay.total and cell_units(cell(p, lay.total), prof)
  if st then
    res.stated = { total = st, agrees = abs(st - total) <= units(prof.tolerance, prof) }
    if stated_sum and stated_sum ~= st then
      flag(flags, "error", "total-not-sum", format("the table's total %s is not the sum of its scores, %s",
        show(st, prof), show(stated_sum, prof)))
    end
    if not res.stated.agrees then
      flag(flags, "error", "total-disagrees", format("the table's total is %s, recomputed %s", show(st, prof),
        show(total, prof)))
    end
    local g = cell(p, lay.grade)
    if g ~= "" and g ~= grade(st, prof) then
      flag(flags, "warning", "grade-disagrees", format("the table's grade %s does not match its total %s under the %s "
        .. "bands (%s)", g, show(st, prof), prof.name, grade(st, prof)))
    end
  end
  if p.repair and p.repair.status == "guess" then
    note(res, "this row is ragged and was realigned by a best guess; the scores of the cells it moved depend on that "
      .. "guess (see jixiao parse)")
  end
  res.errors = 0
  for _, f in ipairs(flags) do if f.level == "error" then res.errors = res.errors + 1 end end
  return res
end

---------------------------------------------------------------- presentation
-- What leaves the engine: plain tables whose scores and weights are exact decimal texts
-- ("16.67"), so that a caller prints or compares them without floating point.

local function item_out(r, prof)
  return { n = r.n, target = r.target, weight = show(r.weight, prof), score = show(r.score, prof), rule = r.rule,
    tier = r.tier, explanation = r.how }
end

local function band_out(b, prof) return b and { show(b[1], prof), show(b[2], prof) } end
local function opt(u, prof) return u and show(u, prof) end

local function present(res, prof)
  local inds, blocks = {}, {}
  for i, it in ipairs(res.inds) do
    local items = {}
    for k, r in ipairs(it.items or {}) do items[k] = item_out(r, prof) end
    local st = (it.stated_w or it.stated_s) and { weight = opt(it.stated_w, prof), score = opt(it.stated_s, prof),
      agrees = it.stated and it.stated.agrees } or nil
    inds[i] = { level1 = it.level1, level2 = it.level2, key = it.key, block = it.block, target = it.target,
      result = it.result, weight = show(it.weight, prof), nominal_weight = show(it.nominal, prof),
      score = opt(it.score, prof), rule = it.rule or "dropped", tier = it.tier, band = band_out(it.band, prof),
      dropped = it.dropped, guess = it.guess, how = it.how, explanation = it.text, items = items, stated = st }
  end
  for i, b in ipairs(res.blocks) do
    blocks[i] = { level1 = b.level1, weight = show(b.weight, prof), score = show(b.score, prof), indicators = b.n }
  end
  local e = res.exec
  return { line = res.line, index = res.index, seq = res.seq, name = res.name, total = show(res.total, prof),
    grade = res.grade, explanation = res.text, weights = res.weights, errors = res.errors,
    execution = { weight = show(e.weight, prof), score = show(e.score, prof), rate = e.rate,
      rate_source = e.rate_source, capped = e.capped, explanation = e.text,
      stated = e.stated and { score = show(e.stated.score, prof), agrees = e.stated.agrees } },
    blocks = blocks, indicators = inds,
    stated = res.stated and { total = show(res.stated.total, prof), agrees = res.stated.agrees },
    notes = res.notes, flags = res.flags }
end

---------------------------------------------------------------- the module's functions

local function must_profile(p, fname)
  local prof, msg = profiles.resolve(p)
  if not prof then error(format("bad argument to '%s' (profile: %s)", fname, msg), 3) end
  return prof
end

local function checknumber(v, k, fname)
  local n = tonumber(v)
  if not n or n < 0 then
    error(format("bad argument #%d to '%s' (a number >= 0 expected, got %s)", k, fname, tostring(v)), 3)
  end
  return n
end

local function score_indicator(target, result, weight, p)
  for k, v in ipairs{ target, result } do
    if v ~= nil and type(v) ~= "string" then
      error(format("bad argument #%d to 'indicator' (string expected, got %s)", k, type(v)), 2)
    end
  end
  local prof = must_profile(p, "indicator")
  local w = units(checknumber(weight, 3, "indicator"), prof)
  local a = assess{ target = target, result = result }
  if a.dropped then
    return { dropped = a.dropped, rule = "dropped", weight = show(w, prof), explanation = a.dropped, flags = {},
      items = {} }
  end
  local r = score_assessed(a, w, prof)
  local items = {}
  for i, it in ipairs(r.items) do items[i] = item_out(it, prof) end
  return { score = show(r.score, prof), weight = show(w, prof), rule = r.rule, tier = r.tier,
    band = band_out(r.band, prof), exact = r.exact, explanation = r.how, items = items, flags = r.flags }
end

local function score_execution(p, weight, prof)
  if type(p) ~= "table" then
    error("bad argument #1 to 'execution' (project table expected, got " .. type(p) .. ")", 2)
  end
  prof = must_profile(prof, "execution")
  local r = execution(p, units(checknumber(weight, 2, "execution"), prof), prof)
  return { score = show(r.score, prof), weight = show(r.weight, prof), rate = r.rate, rate_source = r.rate_source,
    capped = r.capped, explanation = r.text, flags = r.flags }
end

-- score.project(p, doc, profile[, layout]): layout (from score.layout) is built from doc and
-- p when not given; a caller scoring many projects of one document builds it once.
local function score_project(p, doc, prof, lay)
  if type(p) ~= "table" or type(p.indicators) ~= "table" then
    error("bad argument #1 to 'project' (project table with indicators expected)", 2)
  end
  if doc ~= nil and type(doc) ~= "table" then error("bad argument #2 to 'project' (document table expected)", 2) end
  prof = must_profile(prof, "project")
  return present(project(p, doc or { columns = {} }, prof, lay), prof)
end

-- doc and p may be plain tables (the model) or jixiao's Document and Project views.
local function score_layout(doc, p)
  local td, tp = type(doc), type(p)
  if (td ~= "table" and td ~= "userdata") or (tp ~= "table" and tp ~= "userdata") then
    error("bad argument to 'layout' (document and project expected)", 2)
  end
  return layout(doc, p)
end

return {
  profile = profiles.resolve,
  describe = function(p) return profiles.describe(must_profile(p, "describe")) end,
  indicator = score_indicator,
  execution = score_execution,
  project = score_project,
  layout = score_layout,
  grade = function(total, p)
    local prof = must_profile(p, "grade")
    return grade(units(checknumber(total, 1, "grade"), prof), prof)
  end,
  apportion = function(total, shares)
    if math.type(total) ~= "integer" or total < 0 then
      error("bad argument #1 to 'apportion' (an integer >= 0 expected, got " .. tostring(total) .. ")", 2)
    end
    if type(shares) ~= "table" then error("bad argument #2 to 'apportion' (table of numbers expected)", 2) end
    for i = 1, #shares do checknumber(shares[i], 2, "apportion") end
    return apportion(total, shares)
  end,
  list = function() return profiles.list() end,
}
