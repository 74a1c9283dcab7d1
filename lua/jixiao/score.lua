-- jixiao.score: the scoring engine of `jixiao score` (DOMAIN.md §3). Recomputes a project's
-- self-evaluation score under a profile (jixiao.profiles): the execution score, one score per
-- indicator with the rule that produced it, not-applicable re-normalisation, the total and
-- the grade, and compares them with the 分值/得分 a table carries itself.
--
--   local score = require "jixiao.score"
--   score.profile(name or table) -> completed profile | nil, message naming the field
--   score.indicator(target, result, weight, profile) -> { score =, weight =, rule =, tier =,
--        band = {lo, hi}, text = explanation, items = {…}, flags = {…}, dropped = reason }
--   score.execution(project, weight, profile) -> { score =, rate =, text =, flags = }
--   score.project(project, doc, profile) -> result (see the JSON fields in the README)
--   score.grade(total, profile) -> grade
--   score.runner(profile, "text"|"json") -> r; r:doc(doc), r:project(p), r:doc_end(msg),
--        r:fail(path, msg) each return the output to write; r:finish() -> output, errors
--   score.list() -> the profiles described, for --list-profiles
--
-- Scores are counted in integers of 10^-decimals points, so that sums are exact and every
-- printed score adds up; weights are apportioned by largest remainder (50 over three
-- indicators is 16.67 + 16.67 + 16.66). Weights and scores given to and returned by the
-- functions above are in points.

local ind = require "jixiao.indicator"
local profiles = require "jixiao.profiles"

local type, pairs, ipairs, tostring, tonumber, select, error, assert = type, pairs, ipairs, tostring, tonumber, select, error, assert
local setmetatable, getmetatable = setmetatable, getmetatable
local format, rep, gsub, match, find, gmatch = string.format, string.rep, string.gsub, string.match, string.find, string.gmatch
local concat, sort = table.concat, table.sort
local floor, abs, tointeger = math.floor, math.abs, math.tointeger

---------------------------------------------------------------- numbers

-- Half away from zero; the small bias keeps 0.125 × 100 a tie despite binary floats.
local function rnd(x)
  if x < 0 then return -floor(-x + 0.5 + 1e-9) end
  return floor(x + 0.5 + 1e-9)
end

local function scale(prof) return tointeger(10 ^ prof.decimals) end
local function units(points, prof) return rnd(points * 10 ^ prof.decimals) end
local function points(u, prof) return u / 10 ^ prof.decimals end

local function show(u, prof)
  local d = prof.decimals
  if d == 0 then return tostring(u) end
  local s = scale(prof)
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
  s = gsub(gsub(gsub(s, "．", "."), "分$", ""), "^%s*(.-)%s*$", "%1")
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
  if sc <= d then return m * tointeger(10 ^ (d - sc)) end
  return divround(m, tointeger(10 ^ (sc - d)))
end

-- Splits total into integers in proportion to shares (equal shares when they sum to 0),
-- the leftover units going to the largest remainders, earlier ones first on ties.
local function apportion(total, shares)
  local sum, n = 0, #shares
  if n == 0 then return {} end
  for _, s in ipairs(shares) do sum = sum + s end
  local out, rem, given = {}, {}, 0
  for i, s in ipairs(shares) do
    local num, den = sum > 0 and total * s or total, sum > 0 and sum or n
    out[i], rem[i] = num // den, { i = i, r = num % den }
    given = given + out[i]
  end
  sort(rem, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.i < b.i end)
  for k = 1, total - given do out[rem[k].i] = out[rem[k].i] + 1 end
  return out
end

---------------------------------------------------------------- texts

local function trim(s) return s and (gsub(s, "^[%s\227\128\128]*(.-)[%s\227\128\128]*$", "%1")) or "" end

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
  local s = format("%.4f", x):gsub("0+$", ""):gsub("%.$", "")
  return s
end

---------------------------------------------------------------- one indicator

local NUMERIC = { quantity = true, percent = true, money = true }
local POSITIVE = { [">="] = true, [">"] = true, ["="] = true }
local NA_WORDS = { ["不适用"] = true, ["不涉及"] = true, ["无此项"] = true }

local function tier_of(prof, name)
  for _, t in ipairs(prof.tiers) do if t.tier == name then return t end end
end

local function flag(list, level, code, msg) list[#list + 1] = { level = level, code = code, message = msg } end

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
  local lo, hi = rnd(t.low * w), rnd(t.high * w)
  local s = rnd(t.point * w)
  local band = format("[%s, %s%s", show(lo, prof), show(hi, prof), t.high == 1 and "]" or ")")
  local how = t.point == t.high and format("%s → %s, top of band %s", why, tier, band)
    or format("%s → %s at %s × weight, band %s", why, tier, ratio_text(t.point), band)
  return { score = s, how = how, tier = tier, band = { lo, hi }, rule = rule, exact = false }
end

-- The quantitative rules of §3 for target A (operator op) and result B.
local function formula(op, A, B, w, prof, av, rv)
  op = op or "="
  local tv = (opsym[op] or "") .. av
  local out = { exact = true }
  if op == "=" and A == 0 then
    out.rule = "equal-zero"
    if B <= 0 then out.score, out.how = w, format("equal target 0: result %s ≤ 0 → full weight", rv)
    else out.score, out.how = 0, format("equal target 0: result %s above 0 → 0", rv) end
  elseif POSITIVE[op] then
    if B >= A then
      out.rule, out.score, out.how = "met", w, format("result %s ≥ target %s, met → full weight", rv, tv)
    else
      out.rule = "positive"
      out.score = A > 0 and rnd(B / A * w) or 0
      if out.score < 0 then out.score = 0 end
      out.how = format("target %s not met: %s / %s × %s = %s", tv, rv, av, show(w, prof), show(out.score, prof))
    end
  elseif B <= A then
    out.rule, out.score, out.how = "met", w, format("result %s ≤ target %s, met → full weight", rv, tv)
  elseif prof.reverse == "ratio" then
    out.rule = "reverse-ratio"
    out.score = B > 0 and A > 0 and rnd(A / B * w) or 0
    out.how = format("reverse target %s exceeded (older rule A/B × w): %s / %s × %s = %s", tv, av, rv,
      show(w, prof), show(out.score, prof))
  elseif A <= 0 or B >= 2 * A then
    out.rule, out.score = "reverse", 0
    out.how = format("reverse target %s: result %s is at least twice the target → 0", tv, rv)
  else
    out.rule = "reverse"
    out.score = rnd((1 - (B - A) / A) * w)
    out.how = format("reverse target %s exceeded: (1 − (%s − %s) / %s) × %s = %s", tv, rv, av, av, show(w, prof), show(out.score, prof))
  end
  return out
end

local function parse_items(text) return ind.parse(text).items end

-- Scores one target sub-item v (a judge item) with weight w; whole = the result's items.
local function score_item(v, whole, w, prof, flags)
  local t, r = v.target, v.result
  if not r then
    local tier, why, rule = place(whole, prof)
    local out = tier_score(tier, "no result sub-item matches; " .. why, rule, w, prof)
    return out
  end
  if NUMERIC[t.kind] and NUMERIC[r.kind] then
    local tv, rv = shown_op(t), shown(r)
    local same = v.judgement == "met" or v.judgement == "not_met"
    if same or not r.unit or not t.unit then
      local out = formula(t.op, t.number, r.number, w, prof, shown(t), rv)
      if not same then
        out.how = out.how .. (r.unit and format(" (the target has no unit; read in the result's %s)", r.unit)
          or format(" (the result has no unit; read in the target's %s)", t.unit))
      end
      if prof.over and POSITIVE[t.op or "="] and t.number > 0 and r.number >= prof.over * t.number then
        flag(flags, "warning", "over-achievement", format("result %s is %s × the target %s (≥ %s): target set too low?",
          rv, ratio_text(r.number / t.number), tv, ratio_text(prof.over)))
      end
      return out
    end
    if r.kind == "percent" and t.kind ~= "percent" and POSITIVE[t.op or "="] then
      local pct = r.number > 100 and 100 or r.number < 0 and 0 or r.number
      local s = rnd(pct / 100 * w)
      return { score = s, exact = true, rule = "completion-percent",
        how = format("the result gives a completion rate %s of target %s: %s%% × %s = %s", rv, tv, ratio_text(pct),
          show(w, prof), show(s, prof)) }
    end
    flag(flags, "warning", "unit-mismatch", v.reason)
    local tier, why, rule = place({ r }, prof)
    return tier_score(tier, v.reason .. "; read as qualitative: " .. why, rule, w, prof)
  end
  if (t.kind == "date" or t.kind == "period") and (v.judgement == "met" or v.judgement == "not_met") then
    if v.judgement == "met" then
      return { score = w, exact = true, rule = "deadline", how = "deadline met: " .. v.reason .. " → full weight" }
    end
    return tier_score(prof.reading.late, "deadline missed: " .. v.reason, "deadline", w, prof)
  end
  local tier, why, rule = place({ r }, prof)
  local pre = v.judgement == "cannot_tell" and (v.reason .. "; read as qualitative: ") or ""
  return tier_score(tier, pre .. why, rule, w, prof)
end

-- First pass over an indicator, before weights are known: is it scored or dropped, and
-- what does the judge say. entry = { target =, result = } (texts, may be absent).
local function assess(entry)
  local tt, rt = trim(entry.target), trim(entry.result)
  local a = { target = tt, result = rt }
  if tt == "" and rt == "" then
    a.dropped = "no target and no result: no indicator in this slot"
  elseif tt == "" then
    a.mode, a.ritems = "no-target", parse_items(rt)
  elseif rt == "" then
    a.mode = "no-result"
  else
    local pt, pr = ind.parse(tt), ind.parse(rt)
    local function all_na(items)
      if #items == 0 then return false end
      for _, it in ipairs(items) do if it.kind ~= "not_applicable" then return false end end
      return true
    end
    if all_na(pt.items) then
      a.dropped = "not applicable (target " .. tt .. ")"
    elseif all_na(pr.items) then
      if NA_WORDS[rt] then
        a.dropped = "not applicable (result " .. rt .. ", although a target is set)"
        a.na_result = true
      else
        a.mode, a.pt = "nothing", pt
      end
    else
      a.mode, a.verdict, a.ritems = "items", ind.judge(pt, pr), pr.items
      local live = 0
      for _, v in ipairs(a.verdict.items) do if v.judgement ~= "not_applicable" then live = live + 1 end end
      if live == 0 then a.dropped = "not applicable (" .. a.verdict.reason .. ")" end
    end
  end
  return a
end

-- Second pass: the score of an assessed indicator with weight w (units).
local function score_assessed(a, w, prof)
  local out = { flags = {}, items = {} }
  if a.mode == "no-result" then
    out.score, out.rule, out.exact, out.how = 0, "no-result", true, "no result reported → 0"
  elseif a.mode == "no-target" then
    local tier, why, rule = place(a.ritems, prof)
    local r = tier_score(tier, "no target stated; " .. why, rule, w, prof)
    for k, v in pairs(r) do out[k] = v end
  elseif a.mode == "nothing" then
    local t = a.pt.items[1]
    if #a.pt.items == 1 and NUMERIC[t.kind] and (t.op == "<=" or t.op == "<") then
      local r = formula(t.op, t.number, 0, w, prof, shown(t), "0")
      for k, v in pairs(r) do out[k] = v end
      out.how = format("the result %s is read as 0; %s", a.result, r.how)
    else
      out.score, out.rule, out.exact, out.how = 0, "no-result", true, format("the result %s reports nothing → 0", a.result)
    end
  else
    local live = {}
    for _, v in ipairs(a.verdict.items) do
      if v.judgement ~= "not_applicable" then live[#live + 1] = v end
    end
    local ws = apportion(w, (function() local s = {} for k = 1, #live do s[k] = 1 end return s end)())
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
      out.how, out.rule, out.tier, out.band = r.how, r.rule, r.tier, r.band
      out.items = {}
    else
      out.rule, out.band = "items", not exact and { lo, hi } or nil
      local parts = {}
      for k, r in ipairs(out.items) do
        parts[k] = format("item %s %s (%s): %s → %s", r.n, q(r.target), show(r.weight, prof), r.how, show(r.score, prof))
      end
      local dropped = #a.verdict.items - #live
      out.how = format("%d sub-items%s; %s", #live, dropped > 0 and format(" (%d not applicable, dropped)", dropped) or "",
        concat(parts, "; "))
    end
  end
  if out.score > w then out.score = w end
  return out
end

---------------------------------------------------------------- execution

-- The execution score: rate / 100 × weight (units), from the recomputed rate when the
-- amounts are there, else from the printed one.
local function execution(p, w, prof)
  local out = { weight = w, flags = {} }
  local rate, from = p.rate and p.rate.computed, "recomputed"
  local amounts = ""
  if rate then
    amounts = format(" (%s of %s)", p.actual.total, p.budget.total)
  else
    rate, from = p.rate and p.rate.percent, "printed"
  end
  local m, sc = decimal(rate)
  if not m then
    out.score, out.text = 0, "no execution rate: the budget, the spending and the printed rate are all missing → 0"
    flag(out.flags, "warning", "no-rate", "no execution rate to score")
    return out
  end
  out.rate, out.rate_source = rate, from
  local s = abs(m) < 1e12 and divround(m * w, 100 * tointeger(10 ^ sc)) or rnd(m / 10 ^ sc / 100 * w)
  if s < 0 then s = 0 end
  local how = format("%s%% × %s = %s", rate, show(w, prof), show(s, prof))
  if from == "printed" then amounts = " (the printed rate: the budget or the spending is missing, so it cannot be recomputed)" end
  if m > 100 * tointeger(10 ^ sc) then
    flag(out.flags, "warning", "over-spending", format("executed %s%%, above 100%% of the budget", rate))
    if prof.execution.cap then
      how = format("%s, capped at the weight %s (over-spending)", how, show(w, prof))
      s, out.capped = w, true
    else
      how = how .. ", not capped under this profile (over-spending)"
    end
  end
  out.score = s
  out.text = format("executed %s%%%s → %s → %s of %s", rate, amounts, how, show(s, prof), show(w, prof))
  local below = prof.execution.explain_below
  if below and m < below * tointeger(10 ^ sc) then
    local pr = trim(p.problems)
    if pr == "" or pr == "无" then
      flag(out.flags, "warning", "rate-unexplained",
        format("executed %s%%, below %s%%, and 问题 gives no reason (%s requires one)", rate, ratio_text(below), prof.name))
    end
  end
  return out
end

---------------------------------------------------------------- layout

local function last_label(path) return match(path, "([^/]*)$"):gsub("^%s+", "") end
local WEIGHT_WORDS, SCORE_WORDS = { "分值", "权重" }, { "得分" }
local function has_any(s, words)
  for _, w in ipairs(words) do if find(s, w, 1, true) then return true end end
  return false
end

-- Where a document keeps its own scores: 分值/得分 columns per indicator slot (matched to the
-- nearest slot on their left with the same 一级/二级), per block, for execution, the total
-- and the grade. Built from the document's columns and the first project's slots.
local function layout(doc, p)
  local lay = { slots = {}, blocks = {}, any = false }
  for _, c in ipairs(doc.columns or {}) do
    local path = c.path or ""
    if c.field == "indicator.weight" or c.field == "indicator.score" then
      local key = c.field == "indicator.weight" and "w" or "s"
      lay.any = true
      if c.level2 then
        local best, bcol
        for k, s in ipairs(p.indicators) do
          local col = math.max(s.target_col or 0, s.result_col or 0)
          if s.level1 == c.level1 and s.level2 == c.level2 and col < c.index and (not bcol or col > bcol) then best, bcol = k, col end
        end
        if best then lay.slots[best] = lay.slots[best] or {}; lay.slots[best][key] = c.index end
      elseif c.level1 then
        lay.blocks[c.level1] = lay.blocks[c.level1] or {}
        lay.blocks[c.level1][key] = c.index
      end
    elseif c.field == "extra" then
      local last = last_label(path)
      if find(path, "执行", 1, true) and has_any(last, WEIGHT_WORDS) then lay.exec_w, lay.any = c.index, true
      elseif find(path, "执行", 1, true) and has_any(last, SCORE_WORDS) then lay.exec_s, lay.any = c.index, true
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

local function bands_text(prof)
  local parts = {}
  for i, b in ipairs(prof.bands) do
    parts[i] = i < #prof.bands and format("%s ≥ %s", b.grade, ratio_text(b.min)) or format("%s below", b.grade)
  end
  return concat(parts, ", ")
end

local function cell(p, col) return col and trim(p.cols and p.cols[col]) or "" end

-- Compares a stated 得分 with the recomputed one; a qualitative score within the band of its
-- tier agrees, and is then kept, since the band leaves the placement to the unit.
local function compare(stated, r, w, prof, what, flags)
  local tol = units(prof.tolerance, prof)
  local st = { score = stated }
  if stated > w then
    flag(flags, "error", "score-above-weight", format("%s: the table's 得分 %s exceeds its weight %s", what, show(stated, prof), show(w, prof)))
  end
  if r.band and not r.exact and stated >= r.band[1] - tol and stated <= r.band[2] + tol then
    st.agrees = true
    if stated ~= r.score then
      r.how = format("%s; the table's %s lies in the band: kept", r.how, show(stated, prof))
      r.score, r.kept = stated, true
    end
  elseif abs(stated - r.score) <= tol then
    st.agrees = true
  else
    st.agrees = false
    flag(flags, "error", "score-disagrees", format("%s: the table says %s, recomputed %s", what, show(stated, prof), show(r.score, prof)))
  end
  return st
end

local function project(p, doc, prof, lay)
  lay = lay or layout(doc or {}, p)
  local res = { line = p.line, index = p.index, seq = p.seq, name = p.name or "", flags = {}, notes = {}, inds = {}, blocks = {} }
  local flags = res.flags
  -- indicators, their blocks, their stated weights and scores
  local order, byname = {}, {}
  local stated_all = #p.indicators > 0
  for k, e in ipairs(p.indicators) do
    local block = e.level1 or "?"
    if prof.blocks then block = prof.merge[block] or block end
    local a = assess(e)
    local it = { level1 = e.level1, level2 = e.level2, key = e.key, block = block, target = a.target, result = a.result, a = a, flags = {} }
    local sc = lay.slots[k]
    if sc then
      it.stated_w = cell_units(cell(p, sc.w), prof)
      it.stated_s = cell_units(cell(p, sc.s), prof)
      if sc.s and cell(p, sc.s) ~= "" and not it.stated_s then
        flag(flags, "warning", "score-not-number", format("%s: 得分 “%s” is not a number", e.level2 or block, cell(p, sc.s)))
      end
    end
    if not it.stated_w and (a.target ~= "" or a.result ~= "") then stated_all = false end
    for _, g in ipairs(p.repair and p.repair.empty or {}) do
      if not g.certain and (g.column == e.target_col or g.column == e.result_col) then
        it.guess = format("column %d (%s) is empty by the reader's guess at this ragged row", g.column, g.path)
      end
    end
    if a.na_result then flag(flags, "warning", "result-not-applicable", format("%s: a target is set but the result says %s", e.level2 or block, a.result)) end
    res.inds[k] = it
    if not byname[block] then byname[block] = { level1 = block, inds = {} }; order[#order + 1] = byname[block] end
    local b = byname[block]
    b.inds[#b.inds + 1] = it
  end
  -- nominal weights: the table's own, or the profile's split evenly within each block
  local ew = units(prof.execution.weight, prof)
  local blocks = {}
  res.weights = stated_all and "table" or "profile"
  if stated_all then
    local sw = lay.exec_w and cell_units(cell(p, lay.exec_w), prof)
    if sw then ew = sw end
    for _, b in ipairs(order) do
      local sum = 0
      for _, it in ipairs(b.inds) do it.nominal = it.stated_w or 0; sum = sum + it.nominal end
      b.weight = sum
      blocks[#blocks + 1] = b
    end
    local total = ew
    for _, b in ipairs(blocks) do total = total + b.weight end
    if total ~= units(prof.total, prof) then
      flag(flags, "error", "weights-total", format("the table's weights sum to %s, not %s as %s requires", show(total, prof), ratio_text(prof.total), prof.name))
    end
    for _, pb in ipairs(prof.blocks or {}) do
      local b = byname[pb.level1]
      if b and b.weight ~= units(pb.weight, prof) then
        flag(flags, "warning", "block-weight", format("%s: the table's weights sum to %s, %s gives %s", pb.level1, show(b.weight, prof), prof.name, ratio_text(pb.weight)))
      end
    end
  else
    if lay.any and #p.indicators > 0 then res.notes[#res.notes + 1] = "the table's 分值 are incomplete for this project, so the profile's weights are used" end
    if prof.blocks then
      for _, pb in ipairs(prof.blocks) do
        local b = byname[pb.level1]
        if not b then
          b = { level1 = pb.level1, inds = {} }
          res.notes[#res.notes + 1] = format("%s: the table has no indicators in this block; its weight goes to the other indicators", pb.level1)
        end
        b.weight = units(pb.weight, prof)
        blocks[#blocks + 1] = b
        byname[pb.level1] = b
      end
      for _, b in ipairs(order) do
        if not b.weight then
          b.weight = 0
          for _, it in ipairs(b.inds) do it.a.dropped = it.a.dropped or ("the profile gives " .. b.level1 .. " no weight") end
          res.notes[#res.notes + 1] = format("%s: %s gives this 一级 block no weight, so its indicators are not scored", b.level1, prof.name)
        end
      end
    else
      local shares = {}
      for i = 1, #order do shares[i] = 1 end
      local ws = apportion(units(prof.total, prof) - ew, shares)
      for i, b in ipairs(order) do b.weight = ws[i]; blocks[i] = b end
    end
    for _, b in ipairs(blocks) do
      local shares = {}
      for i = 1, #b.inds do shares[i] = 1 end
      local ws = apportion(b.weight, shares)
      for i, it in ipairs(b.inds) do it.nominal = ws[i] end
    end
  end
  -- not-applicable and empty indicators give their weight to the rest
  local part = 0
  for _, b in ipairs(blocks) do part = part + b.weight end
  local function live_of(list)
    local l = {}
    for _, it in ipairs(list) do if not it.a.dropped then l[#l + 1] = it end end
    return l
  end
  for _, it in ipairs(res.inds) do it.weight = it.a.dropped and 0 or it.nominal end
  local function spread(list, total)
    local shares = {}
    for i, it in ipairs(list) do shares[i] = it.weight end
    local ws = apportion(total, shares)
    for i, it in ipairs(list) do it.weight = ws[i] end
  end
  if prof.not_applicable == "block" then
    for _, b in ipairs(blocks) do
      local l = live_of(b.inds)
      if #l > 0 then spread(l, b.weight) end
    end
  end
  local all = live_of(res.inds)
  local sum = 0
  for _, it in ipairs(all) do sum = sum + it.weight end
  if #all > 0 and sum ~= part then spread(all, part) end
  local moved = false
  for _, it in ipairs(all) do if it.weight ~= it.nominal then moved = true end end
  if moved then
    local why = prof.not_applicable == "block" and "the rest of its block (or, when none is left, of the indicator part)"
      or "the remaining indicators in proportion"
    res.notes[#res.notes + 1] = format("weights re-normalised: the weight of dropped indicators goes to %s, so the indicators still carry %s", why, show(part, prof))
  end
  if #all == 0 and part > 0 then res.notes[#res.notes + 1] = "no indicator could be scored: the indicator part scores 0" end
  -- scores
  res.exec = execution(p, ew, prof)
  for _, f in ipairs(res.exec.flags) do flags[#flags + 1] = f end
  if lay.exec_s then
    local st = cell_units(cell(p, lay.exec_s), prof)
    if st then res.exec.stated = compare(st, res.exec, ew, prof, "预算执行", flags) end
  end
  local total, stated_sum, stated_n = res.exec.score, res.exec.stated and res.exec.stated.score or 0, res.exec.stated and 1 or 0
  local low = {}
  for _, it in ipairs(res.inds) do
    local name = it.level2 or it.block
    if it.a.dropped then
      it.dropped = it.a.dropped
      it.how = it.dropped .. ": dropped, its weight re-normalised"
      if it.stated_s and it.stated_s > 0 then
        flag(flags, "warning", "not-applicable-scored", format("%s: dropped as %s, but the table gives it %s", name, it.dropped, show(it.stated_s, prof)))
      end
    else
      local r = score_assessed(it.a, it.weight, prof)
      for k, v in pairs(r) do if k ~= "flags" then it[k] = v end end
      for _, f in ipairs(r.flags) do f.message = name .. ": " .. f.message; flags[#flags + 1] = f end
      if it.stated_s then
        it.stated = compare(it.stated_s, it, it.stated_w or it.weight, prof, it.block .. " " .. name, flags)
      end
      total = total + it.score
      if it.score < it.weight then low[#low + 1] = name end
      if it.guess then it.how = it.how .. " [" .. it.guess .. "]" end
    end
    if it.stated_s then stated_sum, stated_n = stated_sum + it.stated_s, stated_n + 1 end
    local wtext = it.weight ~= it.nominal and format("weight %s, re-normalised from %s", show(it.weight, prof), show(it.nominal, prof))
      or format("weight %s", show(it.weight, prof))
    it.text = format("%s (%s): target %s, result %s: %s → %s", name, wtext, it.target ~= "" and q(it.target) or "none",
      it.result ~= "" and q(it.result) or "none", it.how, it.score and show(it.score, prof) or "dropped")
  end
  if #low > 0 then
    local pr = trim(p.problems)
    if pr == "" or pr == "无" then
      flag(flags, "warning", "below-weight-unexplained", format("scored below the weight (%s) but 问题 gives no reason", concat(low, ", ")))
    end
  end
  -- blocks and total
  local parts = { format("预算执行 %s", show(res.exec.score, prof)) }
  for _, b in ipairs(blocks) do
    local s = 0
    for _, it in ipairs(b.inds) do s = s + (it.score or 0) end
    local w = 0
    for _, it in ipairs(b.inds) do w = w + it.weight end
    res.blocks[#res.blocks + 1] = { level1 = b.level1, weight = w, nominal = b.weight, score = s, n = #b.inds }
    parts[#parts + 1] = format("%s %s", b.level1, show(s, prof))
  end
  res.total, res.grade = total, grade(total, prof)
  res.text = format("%s = %s → %s (%s bands: %s)", concat(parts, " + "), show(total, prof), res.grade, prof.name, bands_text(prof))
  if lay.total then
    local st = cell_units(cell(p, lay.total), prof)
    if st then
      res.stated = { total = st }
      if stated_n > 0 and stated_sum ~= st then
        flag(flags, "error", "total-not-sum", format("the table's total %s is not the sum of its scores, %s", show(st, prof), show(stated_sum, prof)))
      end
      res.stated.agrees = abs(st - total) <= units(prof.tolerance, prof)
      if not res.stated.agrees then
        flag(flags, "error", "total-disagrees", format("the table's total is %s, recomputed %s", show(st, prof), show(total, prof)))
      end
    end
  end
  if lay.grade then
    local g = cell(p, lay.grade)
    if g ~= "" and res.stated and g ~= grade(res.stated.total, prof) then
      flag(flags, "warning", "grade-disagrees", format("the table's grade %s does not match its total %s under %s bands (%s)", g,
        show(res.stated.total, prof), prof.name, grade(res.stated.total, prof)))
    end
  end
  if p.repair and p.repair.status == "guess" then
    res.notes[#res.notes + 1] = "this row is ragged and was realigned by a best guess; scores of the cells it moved depend on that guess (see jixiao parse)"
  end
  res.errors = 0
  for _, f in ipairs(flags) do if f.level == "error" then res.errors = res.errors + 1 end end
  return res
end

---------------------------------------------------------------- output

local OBJ, RAW = {}, {}
local function obj(...) return setmetatable({ n = select("#", ...), ... }, OBJ) end
local function raw(s) return setmetatable({ s }, RAW) end

local esc = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
local function jstr(s)
  return '"' .. gsub(s, '[%c"\\]', function(c) return esc[c] or format("\\u%04x", c:byte()) end) .. '"'
end

-- JSON with keys in the order given, two spaces per level, nil values left out.
local function enc(v, d, out)
  local mt, t = getmetatable(v), type(v)
  if mt == RAW then out[#out + 1] = v[1]
  elseif mt == OBJ then
    local any = false
    for i = 1, v.n, 2 do
      if v[i + 1] ~= nil then
        out[#out + 1] = (any and ",\n" or "{\n") .. rep("  ", d + 1) .. jstr(v[i]) .. ": "
        enc(v[i + 1], d + 1, out)
        any = true
      end
    end
    out[#out + 1] = any and ("\n" .. rep("  ", d) .. "}") or "{}"
  elseif t == "table" then
    if #v == 0 then out[#out + 1] = "[]" return end
    for i, x in ipairs(v) do
      out[#out + 1] = (i == 1 and "[\n" or ",\n") .. rep("  ", d + 1)
      enc(x, d + 1, out)
    end
    out[#out + 1] = "\n" .. rep("  ", d) .. "]"
  elseif t == "string" then out[#out + 1] = jstr(v)
  elseif t == "boolean" then out[#out + 1] = tostring(v)
  elseif math.type(v) == "integer" then out[#out + 1] = tostring(v)
  else out[#out + 1] = format("%.4f", v):gsub("0+$", ""):gsub("%.$", "") end
end

local function json(v, d)
  local out = {}
  enc(v, d or 0, out)
  return concat(out)
end

local function num(u, prof) return u and raw(show(u, prof)) end

local function profile_json(prof)
  local blocks
  if prof.blocks then
    blocks = {}
    for i, b in ipairs(prof.blocks) do blocks[i] = obj("level1", b.level1, "weight", b.weight) end
  end
  local bands, tiers = {}, {}
  for i, b in ipairs(prof.bands) do bands[i] = obj("grade", b.grade, "min", b.min) end
  for i, t in ipairs(prof.tiers) do tiers[i] = obj("tier", t.tier, "low", t.low, "high", t.high, "point", t.point) end
  return obj("name", prof.name, "title", prof.title, "total", prof.total,
    "execution", obj("weight", prof.execution.weight, "cap", prof.execution.cap, "explain_below", prof.execution.explain_below),
    "blocks", blocks, "split", prof.split or nil, "bands", bands, "tiers", tiers,
    "reading", obj("reported", prof.reading.reported, "shortfall", prof.reading.shortfall, "late", prof.reading.late),
    "reverse", prof.reverse, "over", prof.over, "not_applicable", prof.not_applicable)
end

local function flags_json(flags)
  local out = {}
  for i, f in ipairs(flags) do out[i] = obj("level", f.level, "code", f.code, "message", f.message) end
  return out
end

local function stated_json(st, prof)
  return st and obj("score", num(st.score, prof), "agrees", st.agrees)
end

local function project_json(res, prof)
  local inds = {}
  for i, it in ipairs(res.inds) do
    local items
    if it.items and #it.items > 0 then
      items = {}
      for k, r in ipairs(it.items) do
        items[k] = obj("n", r.n, "target", r.target, "weight", num(r.weight, prof), "score", num(r.score, prof), "rule", r.rule,
          "tier", r.tier, "explanation", r.how)
      end
    end
    inds[i] = obj("level1", it.level1, "level2", it.level2, "key", it.key, "block", it.block,
      "target", it.target, "result", it.result, "weight", num(it.weight, prof), "nominal_weight", num(it.nominal, prof),
      "score", num(it.score, prof), "rule", it.rule or "dropped", "tier", it.tier,
      "band", it.band and { num(it.band[1], prof), num(it.band[2], prof) }, "dropped", it.dropped,
      "items", items, "stated", it.stated_w and obj("weight", num(it.stated_w, prof), "score", num(it.stated_s, prof),
        "agrees", it.stated and it.stated.agrees) or stated_json(it.stated, prof),
      "explanation", it.text)
  end
  local blocks = {}
  for i, b in ipairs(res.blocks) do
    blocks[i] = obj("level1", b.level1, "weight", num(b.weight, prof), "score", num(b.score, prof), "indicators", b.n)
  end
  local e = res.exec
  return obj("line", res.line, "index", res.index, "seq", res.seq, "name", res.name,
    "total", num(res.total, prof), "grade", res.grade, "explanation", res.text, "weights", res.weights,
    "execution", obj("weight", num(e.weight, prof), "score", num(e.score, prof), "rate", e.rate and raw(e.rate),
      "rate_source", e.rate_source, "capped", e.capped, "explanation", e.text, "stated", stated_json(e.stated, prof)),
    "blocks", blocks, "indicators", inds,
    "stated", res.stated and obj("total", num(res.stated.total, prof), "agrees", res.stated.agrees),
    "notes", res.notes, "flags", flags_json(res.flags))
end

local function project_text(res, prof)
  local L = {}
  local function add(fmt, ...) L[#L + 1] = format(fmt, ...) end
  add("%s. %s (line %s): %s of %s, %s", (res.seq and res.seq ~= "") and res.seq or tostring(res.index or ""), res.name, res.line,
    show(res.total, prof), ratio_text(prof.total), res.grade)
  add("   预算执行 %s of %s: %s", show(res.exec.score, prof), show(res.exec.weight, prof), res.exec.text)
  if res.exec.stated then add("     the table says %s: %s", show(res.exec.stated.score, prof), res.exec.stated.agrees and "agrees" or "DISAGREES") end
  for _, b in ipairs(res.blocks) do
    add("   %s %s of %s", b.level1, show(b.score, prof), show(b.weight, prof))
    for _, it in ipairs(res.inds) do
      if it.block == b.level1 then
        local name = it.level2 or it.block
        if it.dropped then
          add("     %s: dropped, %s", name, it.dropped)
        else
          local w = it.weight ~= it.nominal and format("%s (re-normalised from %s)", show(it.weight, prof), show(it.nominal, prof))
            or show(it.weight, prof)
          add("     %s %s of %s: target %s, result %s", name, show(it.score, prof), w,
            it.target ~= "" and q(it.target) or "none", it.result ~= "" and q(it.result) or "none")
          if #it.items > 0 then
            for _, r in ipairs(it.items) do
              add("       item %s %s %s of %s: %s", r.n, q(r.target), show(r.score, prof), show(r.weight, prof), r.how)
            end
            if it.guess then add("       [%s]", it.guess) end
          else
            add("       %s", it.how)
          end
          if it.stated then
            add("       the table says %s: %s", show(it.stated.score, prof), it.stated.agrees and "agrees" or "DISAGREES")
          end
        end
      end
    end
  end
  add("   total: %s", res.text)
  if res.stated then add("   the table's total %s: %s", show(res.stated.total, prof), res.stated.agrees and "agrees" or "DISAGREES") end
  for _, n in ipairs(res.notes) do add("   note: %s", n) end
  for _, f in ipairs(res.flags) do add("   %s %s: %s", f.level == "error" and "error" or "warning", f.code, f.message) end
  return concat(L, "\n") .. "\n\n"
end

local function profile_line(prof)
  local parts = { format("预算执行 %s", ratio_text(prof.execution.weight)) }
  if prof.blocks then
    for _, b in ipairs(prof.blocks) do parts[#parts + 1] = format("%s %s", b.level1, ratio_text(b.weight)) end
  else
    parts[#parts + 1] = format("绩效指标 %s split evenly among the 一级 blocks", ratio_text(prof.total - prof.execution.weight))
  end
  local t1, t2 = prof.tiers[1], prof.tiers[2]
  return format("profile %s: %s (total %s); execution %s; grades %s; qualitative tiers %s/%s; reverse %s; 不适用 re-normalised over %s",
    prof.name, concat(parts, ", "), ratio_text(prof.total), prof.execution.cap and "capped at its weight" or "not capped",
    bands_text(prof), ratio_text(t1.low * 100), ratio_text(t2.low * 100),
    prof.reverse == "linear" and "(1 − (B−A)/A) × w" or "A/B × w",
    prof.not_applicable == "block" and "the block" or "the indicator part")
end

---------------------------------------------------------------- runner

local function load_profile(p)
  if type(p) == "string" then
    local found = profiles.get(p)
    if not found then return nil, format("no profile '%s'; the profiles are %s", p, concat(profiles.names(), ", ")) end
    p = found
  end
  return profiles.validate(p)
end

local Runner = {}
Runner.__index = Runner

local function runner(p, fmt)
  local prof, msg = load_profile(p)
  if not prof then return nil, msg end
  if fmt ~= "text" and fmt ~= "json" then error("bad argument #2 to 'runner' (\"text\" or \"json\" expected)", 2) end
  return setmetatable({ prof = prof, fmt = fmt, files = 0, projects = 0, errors = 0, first = true }, Runner)
end

function Runner:doc(doc)
  self.docv, self.lay, self.nproj, self.grades, self.derr = doc, nil, 0, {}, 0
  local prof = self.prof
  if self.fmt == "json" then
    local head = json(obj("source", doc.source, "title", doc.title, "year", doc.year, "department", doc.department, "unit", doc.unit), 2)
    local out = (self.files == 0 and ("{\n  \"profile\": " .. json(profile_json(prof), 1) .. ",\n  \"files\": [\n") or ",\n")
      .. "    " .. gsub(head, "\n%s*}$", ",\n      \"projects\": [")
    self.files = self.files + 1
    return out
  end
  self.files = self.files + 1
  local L = { format("== %s", doc.source or "-") }
  local about = {}
  for _, k in ipairs{ "title", "department" } do if doc[k] then about[#about + 1] = doc[k] end end
  if doc.unit then about[#about + 1] = "单位 " .. doc.unit end
  if #about > 0 then L[#L + 1] = "   " .. concat(about, " · ") end
  L[#L + 1] = "   " .. profile_line(prof)
  return concat(L, "\n") .. "\n"
end

function Runner:project(p)
  if p.kind == "total" then return "" end
  self.lay = self.lay or layout(self.docv, p)
  local res = project(p, self.docv, self.prof, self.lay)
  self.nproj, self.projects = self.nproj + 1, self.projects + 1
  self.errors, self.derr = self.errors + res.errors, self.derr + res.errors
  self.grades[res.grade] = (self.grades[res.grade] or 0) + 1
  local out = ""
  if self.fmt == "json" then
    out = (self.nproj == 1 and "\n" or ",\n") .. "        " .. json(project_json(res, self.prof), 4)
  else
    if self.nproj == 1 then
      out = self.lay.any and (res.weights == "table" and "   weights: the table's own 分值 (its 得分 are checked against the recomputed scores)\n\n"
        or "   weights: the table's 分值 columns are incomplete; the profile's weights are used where they are missing\n\n")
        or "   weights: the table has no 分值 columns, so each 一级 block's weight is split evenly among its indicators\n\n"
    end
    out = out .. project_text(res, self.prof)
  end
  return out
end

function Runner:doc_end(msg)
  local counts = {}
  for _, b in ipairs(self.prof.bands) do
    if self.grades[b.grade] then counts[#counts + 1] = format("%s %d", b.grade, self.grades[b.grade]) end
  end
  if self.fmt == "json" then
    local grades = {}
    for _, b in ipairs(self.prof.bands) do grades[#grades + 1] = b.grade; grades[#grades + 1] = self.grades[b.grade] or 0 end
    local tail = json(obj("projects", self.nproj, "grades", obj(table.unpack(grades)), "errors", self.derr, "error", msg), 3)
    return (self.nproj > 0 and "\n      ]" or "]") .. ",\n      \"summary\": " .. tail .. "\n    }"
  end
  local s = format("   %d project%s scored%s; %d error%s", self.nproj, self.nproj == 1 and "" or "s",
    #counts > 0 and (": " .. concat(counts, ", ")) or "", self.derr, self.derr == 1 and "" or "s")
  if msg then s = s .. "\n   stopped early: " .. msg end
  return s .. "\n\n"
end

function Runner:fail(path, msg)
  if self.fmt ~= "json" then return "" end
  local head = self.files == 0 and ("{\n  \"profile\": " .. json(profile_json(self.prof), 1) .. ",\n  \"files\": [\n") or ",\n"
  self.files = self.files + 1
  return head .. "    " .. json(obj("source", path, "error", msg), 2)
end

function Runner:finish()
  if self.fmt == "json" then
    local head = self.files == 0 and ("{\n  \"profile\": " .. json(profile_json(self.prof), 1) .. ",\n  \"files\": [") or "\n  ]"
    return head .. (self.files == 0 and "]" or "") .. format(",\n  \"projects\": %d,\n  \"errors\": %d\n}\n", self.projects, self.errors), self.errors
  end
  return "", self.errors
end

---------------------------------------------------------------- the functions in points

local function must_profile(p, fname)
  local prof, msg = load_profile(p or "national")
  if not prof then error(format("bad argument to '%s' (%s)", fname, msg), 3) end
  return prof
end

local function to_points(r, prof)
  local out = {}
  for k, v in pairs(r) do out[k] = v end
  for _, k in ipairs{ "score", "weight", "nominal" } do if r[k] then out[k] = points(r[k], prof) end end
  if r.band then out.band = { points(r.band[1], prof), points(r.band[2], prof) } end
  return out
end

local function score_indicator(target, result, weight, p)
  if type(weight) ~= "number" or weight < 0 then error("bad argument #3 to 'indicator' (weight >= 0 expected)", 2) end
  local prof = must_profile(p, "indicator")
  local w = units(weight, prof)
  local a = assess{ target = target, result = result }
  if a.dropped then return { dropped = a.dropped, weight = weight, text = a.dropped, flags = {}, items = {} } end
  local r = score_assessed(a, w, prof)
  local out = to_points(r, prof)
  out.weight, out.text = weight, r.how
  for i, it in ipairs(r.items) do out.items[i] = to_points(it, prof) end
  return out
end

local function score_execution(p, weight, prof)
  prof = must_profile(prof, "execution")
  local r = execution(p, units(weight, prof), prof)
  return to_points(r, prof)
end

local function score_project(p, doc, prof)
  prof = must_profile(prof, "project")
  local res = project(p, doc or { columns = {} }, prof)
  local out = to_points(res, prof)
  out.total = points(res.total, prof)
  out.exec = to_points(res.exec, prof)
  for i, it in ipairs(res.inds) do
    out.inds[i] = to_points(it, prof)
    out.inds[i].a = nil
  end
  for i, b in ipairs(res.blocks) do out.blocks[i] = to_points(b, prof) end
  return out
end

local function list()
  local L = {}
  for _, n in ipairs(profiles.names()) do
    local prof = assert(profiles.validate(profiles.get(n)))
    L[#L + 1] = format("%-9s %s\n          %s", n, prof.title or "", profile_line(prof))
  end
  return concat(L, "\n") .. "\n"
end

return {
  profile = load_profile,
  indicator = score_indicator,
  execution = score_execution,
  project = score_project,
  grade = function(total, p) local prof = must_profile(p, "grade") return grade(units(total, prof), prof) end,
  apportion = apportion,
  runner = runner,
  list = list,
}
