-- jixiao.profiles: the named scoring profiles of `jixiao score`. Scoring
-- rules differ by province and year, so each set of rules is a plain table a user can
-- copy, change and pass back with `jixiao score --profile-file my.lua`:
--
--   local profiles = require "jixiao.profiles"
--   local p = profiles.copy("national")      -- a deep copy, safe to change
--   p.name, p.reverse = "national-old", "ratio"
--   return p
--
-- Fields (every field but name is optional and defaults to the national value):
--   name         the profile's name, shown in every total's explanation
--   title        one line saying where the rules come from
--   total        the full score, 100
--   decimals     digits every weight and score is rounded to (half away from zero), 0-4
--   execution    { weight = points for 预算执行率, cap = true: the score never exceeds the
--                weight (over-spending is flagged either way), explain_below = a rate in %
--                under which 问题 must give a reason (flagged when it is empty or 无) }
--   blocks       the 一级指标 and their points, in output order: { { level1 = "产出",
--                weight = 50 }, … }; level1 is one of 产出 效益 满意度 成本. Weights plus
--                execution.weight must equal total.
--   split        "even" instead of blocks: the indicator points (total - execution weight)
--                are split evenly among the 一级 blocks the table actually has
--   merge        { [level1] = level1 }: a block the profile gives no points is scored inside
--                another (成本 became its own 一级 in 2021; older rules count it in 产出)
--   bands        grades, highest first: { { grade = "优", min = 90 }, …, { grade = "差", min = 0 } }
--   tiers        the qualitative tiers as fractions of an indicator's weight, highest first:
--                { { tier = "达成", low = 0.8, high = 1, point = 1 }, … }; a score in
--                [low·w, high·w] (the top tier's high is inclusive, the others' exclusive)
--                agrees with the tier, and point·w is what jixiao gives when it places a
--                result in the tier itself
--   reading      which tier a qualitative result is placed in when its text states none:
--                { reported = tier for a result that reports the work (the usual case),
--                  shortfall = tier for one that admits a shortfall (未完成, 不合格, …),
--                  late = tier for a deadline missed }
--   reverse      "linear": A < B < 2A scores (1 − (B−A)/A)·w; "ratio": the older A/B·w
--   over         B ≥ over·A on a positive target is flagged as over-achievement (false: never)
--   not_applicable  "part": the weight of a 不适用 indicator goes to every remaining indicator
--                in proportion (the indicator part keeps its points); "block": it goes to the
--                rest of its own 一级 block first (to the whole part when the block is empty)
--   tolerance    how far (in points) a table's own 得分 may be from the recomputed score

local type, pairs, ipairs, error, tostring, assert = type, pairs, ipairs, error, tostring, assert
local setmetatable, getmetatable = setmetatable, getmetatable
local format, concat, sort = string.format, table.concat, table.sort
local mtype, floor = math.type, math.floor

local LEVEL1 = { ["产出"] = true, ["效益"] = true, ["满意度"] = true, ["成本"] = true }
local TIERS = { ["达成"] = true, ["部分达成"] = true, ["未达成"] = true }

local national_tiers = {
  { tier = "达成", low = 0.8, high = 1, point = 1 },
  { tier = "部分达成", low = 0.6, high = 0.8, point = 0.7 },
  { tier = "未达成", low = 0, high = 0.6, point = 0.3 },
}

local national = {
  name = "national",
  title = "财预〔2020〕10号 national template: 预算执行率 10, 产出 50, 效益 30, 满意度 10",
  total = 100,
  decimals = 2,
  execution = { weight = 10, cap = true },
  blocks = {
    { level1 = "产出", weight = 50 },
    { level1 = "效益", weight = 30 },
    { level1 = "满意度", weight = 10 },
  },
  merge = { ["成本"] = "产出" },
  bands = {
    { grade = "优", min = 90 }, { grade = "良", min = 80 }, { grade = "中", min = 60 }, { grade = "差", min = 0 },
  },
  tiers = national_tiers,
  reading = { reported = "达成", shortfall = "部分达成", late = "部分达成" },
  reverse = "linear",
  over = 1.2,
  not_applicable = "part",
  tolerance = 0.01,
}

local function deepcopy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = deepcopy(x) end
  return out
end

-- A profile is national with some fields replaced, written out in full so that a copy
-- shows every rule it applies.
local function variant(changes)
  local p = deepcopy(national)
  for k, v in pairs(changes) do p[k] = v end
  return p
end

local profiles = {
  national = national,

  platform = variant{
    name = "platform",
    title = "the national budget performance platform: execution score B/A × 10 not capped, grades 80/70/60",
    execution = { weight = 10, cap = false },
    bands = {
      { grade = "优", min = 80 }, { grade = "良", min = 70 }, { grade = "中", min = 60 }, { grade = "差", min = 0 },
    },
  },

  -- Hebei's 效益 40 covers satisfaction, so 满意度 indicators are scored inside 效益.
  hebei = variant{
    name = "hebei",
    title = "Hebei: 预算执行率 20, 产出 40, 效益 40 (满意度 counted in 效益), qualitative tiers 80/50",
    execution = { weight = 20, cap = true },
    blocks = {
      { level1 = "产出", weight = 40 },
      { level1 = "效益", weight = 40 },
    },
    merge = { ["成本"] = "产出", ["满意度"] = "效益" },
    tiers = {
      { tier = "达成", low = 0.8, high = 1, point = 1 },
      { tier = "部分达成", low = 0.5, high = 0.8, point = 0.65 },
      { tier = "未达成", low = 0, high = 0.5, point = 0.25 },
    },
  },

  -- The Sichuan form gives 绩效指标 90 points weighted per indicator by the unit; a table
  -- that carries no 权重 gets the 90 split evenly among its 一级 blocks.
  sichuan = variant{
    name = "sichuan",
    title = "Sichuan: 预算执行 10 + 绩效指标 90 (split evenly among the 一级 blocks); a rate below 90% needs a reason",
    execution = { weight = 10, cap = true, explain_below = 90 },
    blocks = false,
    split = "even",
    merge = false,
  },
}

local order = { "national", "platform", "hebei", "sichuan" }

---------------------------------------------------------------- validation

local known = {
  name = true, title = true, total = true, decimals = true, execution = true, blocks = true,
  split = true, merge = true, bands = true, tiers = true, reading = true, reverse = true,
  over = true, not_applicable = true, tolerance = true,
}

local function number(v) return type(v) == "number" and v == v and v > -math.huge and v < math.huge end

-- true when v is a whole number of 10^-decimals
local function on_grid(v, decimals)
  local x = v * 10 ^ decimals
  return math.abs(x - floor(x + 0.5)) < 1e-6
end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  sort(ks)
  return ks
end

-- Fills the fields a user profile left out from national and checks every rule. Returns
-- the completed copy, or nil and a message naming the field ("blocks[2].weight: …").
local function validate(p)
  if type(p) ~= "table" then
    return nil, "a profile must be a table, got " .. type(p)
  end
  for _, k in ipairs(sorted_keys(p)) do
    if not known[k] then return nil, format("unknown field '%s' (known: %s)", k, concat(sorted_keys(known), ", ")) end
  end
  if type(p.name) ~= "string" or p.name == "" then return nil, "name: a non-empty string is required" end
  local q = deepcopy(p)
  for k, v in pairs(national) do
    if q[k] == nil then q[k] = deepcopy(v) end
  end
  if q.split ~= nil and q.split ~= false then
    if q.split ~= "even" then return nil, "split: must be \"even\" (or leave it out and give blocks)" end
    if p.blocks == nil then q.blocks = false end
    if q.blocks then return nil, "split and blocks: give one of them, not both" end
  else
    q.split = false
  end
  if not q.merge then q.merge = {} end
  if not (number(q.total) and q.total > 0) then return nil, "total: a positive number is required" end
  if mtype(q.decimals) ~= "integer" or q.decimals < 0 or q.decimals > 4 then
    return nil, "decimals: an integer from 0 to 4 is required"
  end
  local e = q.execution
  if type(e) ~= "table" then return nil, "execution: a table { weight =, cap = } is required" end
  for k in pairs(e) do
    if k ~= "weight" and k ~= "cap" and k ~= "explain_below" then
      return nil, format("execution.%s: unknown field (known: cap, explain_below, weight)", tostring(k))
    end
  end
  if not (number(e.weight) and e.weight >= 0) then return nil, "execution.weight: a number >= 0 is required" end
  if not on_grid(e.weight, q.decimals) then
    return nil, format("execution.weight: %s has more than %d decimals", e.weight, q.decimals)
  end
  if e.cap == nil then e.cap = true end
  if type(e.cap) ~= "boolean" then return nil, "execution.cap: true or false" end
  if e.explain_below ~= nil and not (number(e.explain_below) and e.explain_below > 0) then
    return nil, "execution.explain_below: a rate in percent, such as 90"
  end
  local sum = e.weight
  if q.blocks then
    if type(q.blocks) ~= "table" or #q.blocks == 0 then
      return nil, "blocks: a list of { level1 =, weight = } is required"
    end
    local seen = {}
    for i, b in ipairs(q.blocks) do
      local f = format("blocks[%d]", i)
      if type(b) ~= "table" then return nil, f .. ": a table { level1 =, weight = } is required" end
      if not LEVEL1[b.level1] then return nil, f .. ".level1: one of 产出, 效益, 满意度, 成本" end
      if seen[b.level1] then return nil, f .. ".level1: " .. b.level1 .. " is given twice" end
      seen[b.level1] = true
      if not (number(b.weight) and b.weight >= 0) then return nil, f .. ".weight: a number >= 0 is required" end
      if not on_grid(b.weight, q.decimals) then
        return nil, format("%s.weight: %s has more than %d decimals", f, b.weight, q.decimals)
      end
      sum = sum + b.weight
    end
    if math.abs(sum - q.total) > 1e-9 then
      local parts = { "execution " .. e.weight }
      for _, b in ipairs(q.blocks) do parts[#parts + 1] = b.level1 .. " " .. b.weight end
      return nil, format("blocks: the weights sum to %s (%s), not total %s", sum, concat(parts, " + "), q.total)
    end
    for from, to in pairs(q.merge) do
      if not LEVEL1[from] then return nil, format("merge: '%s' is not a 一级 block (产出, 效益, 满意度, 成本)", tostring(from)) end
      if not seen[to] then
        return nil, format("merge.%s: '%s' is not one of the profile's blocks", from, tostring(to))
      end
      if seen[from] then return nil, format("merge.%s: %s has its own weight in blocks", from, from) end
    end
  elseif not q.split then
    return nil, "blocks: a list of { level1 =, weight = } is required (or split = \"even\")"
  elseif e.weight > q.total then
    return nil, format("execution.weight: %s exceeds total %s", e.weight, q.total)
  end
  if type(q.bands) ~= "table" or #q.bands == 0 then return nil, "bands: a list of { grade =, min = } is required" end
  for i, b in ipairs(q.bands) do
    local f = format("bands[%d]", i)
    if type(b) ~= "table" or type(b.grade) ~= "string" or b.grade == "" then
      return nil, f .. ".grade: a non-empty string is required"
    end
    if not number(b.min) then return nil, f .. ".min: a number is required" end
    if i > 1 and b.min >= q.bands[i - 1].min then return nil, f .. ".min: bands go from the highest grade down" end
  end
  if q.bands[#q.bands].min > 0 then return nil, format("bands[%d].min: the lowest grade must start at 0", #q.bands) end
  if type(q.tiers) ~= "table" or #q.tiers ~= 3 then return nil, "tiers: three tiers 达成, 部分达成, 未达成 are required" end
  local names = { "达成", "部分达成", "未达成" }
  for i, t in ipairs(q.tiers) do
    local f = format("tiers[%d]", i)
    if type(t) ~= "table" or t.tier ~= names[i] then return nil, f .. ".tier: must be " .. names[i] end
    for _, k in ipairs{ "low", "high", "point" } do
      if not (number(t[k]) and t[k] >= 0 and t[k] <= 1) then
        return nil, format("%s.%s: a fraction from 0 to 1 is required", f, k)
      end
    end
    if t.low > t.high then return nil, f .. ": low is above high" end
    if t.point < t.low or t.point > t.high or (i > 1 and t.point == t.high) then
      return nil, f .. ".point: must lie inside the tier [low, high)"
    end
    if i > 1 and math.abs(t.high - q.tiers[i - 1].low) > 1e-9 then
      return nil, f .. ".high: must equal the low of the tier above (" .. q.tiers[i - 1].low .. ")"
    end
  end
  if q.tiers[1].high ~= 1 or q.tiers[3].low ~= 0 then return nil, "tiers: must cover 0 to 1" end
  if type(q.reading) ~= "table" then return nil, "reading: a table { reported =, shortfall =, late = } is required" end
  for _, k in ipairs{ "reported", "shortfall", "late" } do
    if q.reading[k] == nil then q.reading[k] = national.reading[k] end
    if not TIERS[q.reading[k]] then return nil, format("reading.%s: one of 达成, 部分达成, 未达成", k) end
  end
  if q.reverse ~= "linear" and q.reverse ~= "ratio" then return nil, "reverse: \"linear\" or \"ratio\"" end
  if q.over ~= false and not (number(q.over) and q.over > 1) then
    return nil, "over: a ratio above 1 (such as 1.2) or false"
  end
  if q.not_applicable ~= "part" and q.not_applicable ~= "block" then
    return nil, "not_applicable: \"part\" or \"block\""
  end
  if not (number(q.tolerance) and q.tolerance >= 0) then return nil, "tolerance: a number >= 0 is required" end
  q.title = q.title ~= nil and tostring(q.title) or nil
  return q
end

---------------------------------------------------------------- description

local function ratio_text(x)
  return (format("%.4f", x):gsub("0+$", ""):gsub("%.$", ""))
end

local function bands_text(prof)
  local parts = {}
  for i, b in ipairs(prof.bands) do
    parts[i] = i < #prof.bands and format("%s ≥ %s", b.grade, ratio_text(b.min)) or format("%s below", b.grade)
  end
  return concat(parts, ", ")
end

local function profile_line(prof)
  local parts = { format("预算执行 %s", ratio_text(prof.execution.weight)) }
  if prof.blocks then
    for _, b in ipairs(prof.blocks) do parts[#parts + 1] = format("%s %s", b.level1, ratio_text(b.weight)) end
  else
    parts[#parts + 1] = format("绩效指标 %s (split evenly among the 一级 blocks)",
      ratio_text(prof.total - prof.execution.weight))
  end
  local line = { concat(parts, " + ") .. " = " .. ratio_text(prof.total) }
  local merged = {}
  for from, to in pairs(prof.merge or {}) do merged[#merged + 1] = format("%s scored in %s", from, to) end
  sort(merged)
  if #merged > 0 then line[2] = concat(merged, ", ") end
  local t1, t2 = prof.tiers[1], prof.tiers[2]
  line[#line + 1] = format("execution %s; grades %s; qualitative tiers %s/%s; reverse %s; 不适用 re-normalised over %s",
    prof.execution.cap and "capped at its weight" or "not capped", bands_text(prof), ratio_text(t1.low * 100),
    ratio_text(t2.low * 100), prof.reverse == "linear" and "(1 − (B−A)/A) × w" or "A/B × w",
    prof.not_applicable == "block" and "the block" or "the indicator part")
  return concat(line, "; ")
end

-- A validated profile as texts (numbers written as in the profile), for the JSON header and
-- the text output's first lines.
local function describe(prof)
  local blocks
  if prof.blocks then
    blocks = {}
    for i, b in ipairs(prof.blocks) do blocks[i] = { level1 = b.level1, weight = ratio_text(b.weight) } end
  end
  local bands, tiers = {}, {}
  for i, b in ipairs(prof.bands) do bands[i] = { grade = b.grade, min = ratio_text(b.min) } end
  for i, t in ipairs(prof.tiers) do
    tiers[i] = { tier = t.tier, low = ratio_text(t.low), high = ratio_text(t.high), point = ratio_text(t.point) }
  end
  return { name = prof.name, title = prof.title, total = ratio_text(prof.total), line = profile_line(prof),
    execution = { weight = ratio_text(prof.execution.weight), cap = prof.execution.cap,
      explain_below = prof.execution.explain_below and ratio_text(prof.execution.explain_below) },
    blocks = blocks, split = prof.split or nil, bands = bands, tiers = tiers,
    reading = { reported = prof.reading.reported, shortfall = prof.reading.shortfall, late = prof.reading.late },
    reverse = prof.reverse, over = prof.over and ratio_text(prof.over) or nil, not_applicable = prof.not_applicable,
    grades = (function() local g = {} for i, b in ipairs(prof.bands) do g[i] = b.grade end return g end)() }
end

-- The profiles, two lines each, for `jixiao score --list-profiles`.
local function list()
  local L = {}
  for _, n in ipairs(order) do
    local prof = assert(validate(profiles[n]))
    L[#L + 1] = format("%-9s %s\n          %s", n, prof.title or "", profile_line(prof))
  end
  return concat(L, "\n") .. "\n"
end


local function get(name)
  return profiles[name]
end

-- Marks a table validate returned, so that resolve does not check it again per call.
local RESOLVED = {}

-- A validated profile from a name (nil: national), a table, or one resolve already returned.
-- Returns it, or nil and a message.
local function resolve(p)
  if type(p) == "table" and getmetatable(p) == RESOLVED then return p end
  if p == nil then p = "national" end
  if type(p) == "string" then
    if not profiles[p] then return nil, format("no profile '%s'; the profiles are %s", p, concat(order, ", ")) end
    p = profiles[p]
  end
  local q, msg = validate(p)
  if not q then return nil, msg end
  return setmetatable(q, RESOLVED)
end

local function copy(name)
  local p = profiles[name]
  if not p then
    error(format("bad argument #1 to 'copy' (no profile '%s'; there are %s)", tostring(name), concat(order, ", ")), 2)
  end
  return deepcopy(p)
end

local function names()
  return deepcopy(order)
end

local M = { validate = validate, resolve = resolve, get = get, copy = copy, names = names, describe = describe,
  list = list, bands_text = bands_text }
for _, n in ipairs(order) do M[n] = profiles[n] end
return M
