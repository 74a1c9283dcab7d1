-- Tests for jixiao.score and jixiao.profiles: every scoring rule with
-- numbers, each profile, profile validation and a user profile copied and changed.

local t = require "jixiao.testing"
local score = require "jixiao.score"
local profiles = require "jixiao.profiles"

local function ind(target, result, weight, profile)
  return score.indicator(target, result, weight or 10, profile)
end

local function with(name, changes)
  local p = profiles.copy(name)
  for k, v in pairs(changes) do p[k] = v end
  return p
end

local function has_flag(flags, code)
  for _, f in ipairs(flags) do if f.code == code then return f end end
  return nil
end

-- A project table shaped as jx_l_push_project makes it; inds = { {level2, target, result}, … }.
local LEVEL1 = { ["数量"] = "产出", ["质量"] = "产出", ["时效"] = "产出", ["成本"] = "成本", ["经济效益"] = "效益",
  ["社会效益"] = "效益", ["生态效益"] = "效益", ["服务对象满意度"] = "满意度" }

local function project(inds, fields)
  local p = { line = 12, index = 1, seq = "1", name = "测试项目", kind = "project", problems = "无",
    budget = { total = "10.00" }, actual = { total = "9.50" },
    rate = { text = "95.00%", percent = "95.00", computed = "95.00" }, indicators = {}, cols = {} }
  for i, x in ipairs(inds) do
    p.indicators[i] = { level1 = LEVEL1[x[1]], level2 = x[1], key = x[1], target = x[2], result = x[3],
      target_col = 2 * i + 13, result_col = 2 * i + 14 }
  end
  for k, v in pairs(fields or {}) do p[k] = v end
  return p
end

local SEVEN = {
  { "数量", "≥10次", "12次" }, { "质量", "合格率≥95%", "合格率98%" }, { "时效", "12月底前完成", "11月完成" },
  { "经济效益", "≤5万元", "4万元" }, { "社会效益", "提高服务水平", "服务水平明显提高" },
  { "生态效益", "节约能源", "已完成" }, { "服务对象满意度", "≥90%", "96%" },
}

local function copy_list(list, changes)
  local out = {}
  for i, x in ipairs(list) do out[i] = changes[i] or x end
  return out
end

local function weights(r)
  local w = {}
  for i, it in ipairs(r.indicators) do w[i] = it.weight end
  return w
end

---------------------------------------------------------------- quantitative rules

t.test("positive target met: full weight", function()
  local r = ind("≥12次", "开展党员教育24次。", 12.5)
  t.eq({ r.score, r.weight, r.rule }, { "12.50", "12.50", "met" })
  t.ok(r.explanation:find("result 24次 ≥ target ≥12次, met: full weight 12.50", 1, true), r.explanation)
end)

t.test("positive target not met: round(B/A × w, 2)", function()
  local r = ind("≥10次", "8次", 12.5)
  t.eq({ r.score, r.rule }, { "10.00", "positive" })
  t.ok(r.explanation:find("8次 / 10次 × 12.50 = 10.00", 1, true), r.explanation)
  t.eq(ind("≥3次", "2次", 10).score, "6.67")           -- 6.666… rounds up
  t.eq(ind(">10次", "10次", 10).score, "10.00")        -- B ≥ A is met for > as well
  t.eq(ind("≥8次", "1次", 1).score, "0.13")            -- 0.125 rounds half away from zero
end)

t.test("equal target: as positive, and A = 0", function()
  t.eq(ind("=100%", "90%", 10).score, "9.00")
  t.eq(ind("=100%", "100%", 10).score, "10.00")
  local r = ind("安全事故=0起", "安全事故0起", 10)
  t.eq({ r.score, r.rule }, { "10.00", "equal-zero" })
  r = ind("安全事故=0起", "安全事故2起", 10)
  t.eq({ r.score, r.rule }, { "0.00", "equal-zero" })
end)

t.test("reverse target: the three zones", function()
  t.eq({ ind("≤5万元", "4万元", 15).score, ind("≤5万元", "5万元", 15).score }, { "15.00", "15.00" })
  local r = ind("≤5万元", "6万元", 15)                  -- (1 − (6−5)/5) × 15
  t.eq({ r.score, r.rule }, { "12.00", "reverse" })
  t.ok(r.explanation:find("(1 − (6万元 − 5万元) / 5万元) × 15.00 = 12.00", 1, true), r.explanation)
  t.eq(ind("≤3天", "5天", 15).score, "5.00")            -- (1 − 2/3) × 15
  t.eq(ind("≤5万元", "10万元", 15).score, "0.00")       -- B = 2A
  t.eq(ind("≤5万元", "12万元", 15).score, "0.00")
  t.eq(ind("<5起", "5起", 10).score, "10.00")            -- B ≤ A is met for < as well
end)

t.test("reverse target: the older A/B × w formula", function()
  local old = with("national", { name = "old", reverse = "ratio" })
  local r = ind("≤5万元", "6万元", 15, old)
  t.eq({ r.score, r.rule }, { "12.50", "reverse-ratio" })
  t.eq(ind("≤5万元", "12万元", 15, old).score, "6.25")  -- no zero at 2A under the older rule
  t.eq(ind("≤5万元", "4万元", 15, old).score, "15.00")
end)

t.test("over-achievement is flagged at 120% of a positive target", function()
  local r = ind("≥50万元", "60万元", 10)
  t.eq(r.score, "10.00")
  t.ok(has_flag(r.flags, "over-achievement"), "flag expected")
  t.ok(has_flag(r.flags, "over-achievement").message:find("1.2 ×", 1, true))
  t.eq(has_flag(ind("≥50万元", "59万元", 10).flags, "over-achievement"), nil)
  t.eq(has_flag(ind("≤50万元", "10万元", 10).flags, "over-achievement"), nil)
  local never = with("national", { name = "x", over = false })
  t.eq(has_flag(ind("≥50万元", "80万元", 10, never).flags, "over-achievement"), nil)
end)

t.test("results without a unit, and completion rates", function()
  local r = ind("满意度≥90%", "95", 10)
  t.eq(r.score, "10.00")
  t.ok(r.explanation:find("the result has no unit", 1, true), r.explanation)
  r = ind("台式电脑2台", "完成率80%", 10)
  t.eq({ r.score, r.rule }, { "8.00", "completion-percent" })
  t.eq(ind("台式电脑2台", "完成率120%", 10).score, "10.00")  -- a rate above 100% counts as 100%
end)

t.test("numbered sub-items share the weight", function()
  local r = ind("1.走访≥10次 2.培训≥5人", "1.走访8次 2.培训5人", 10)
  t.eq({ r.score, r.rule, #r.items }, { "9.00", "items", 2 })
  t.eq({ r.items[1].weight, r.items[1].score, r.items[2].score }, { "5.00", "4.00", "5.00" })
  r = ind("1.走访≥10次 2.不适用", "1.走访10次 2.不适用", 10)   -- a 不适用 sub-item gives its share away
  t.eq({ r.score, r.weight }, { "10.00", "10.00" })
end)

t.test("deadlines: met, and missed read as the profile's late tier", function()
  local r = ind("12月底前完成", "11月20日完成", 10)
  t.eq({ r.score, r.rule }, { "10.00", "deadline" })
  r = ind("6月底前完成", "8月完成", 10)
  t.eq({ r.score, r.tier, r.band }, { "7.00", "部分达成", { "6.00", "8.00" } })
end)

---------------------------------------------------------------- qualitative rules

t.test("qualitative tiers stated in the result: national 80/60", function()
  local r = ind("扩大活动影响", "达成年度指标", 10)
  t.eq({ r.score, r.tier, r.band, r.rule }, { "10.00", "达成", { "8.00", "10.00" }, "tier-stated" })
  r = ind("扩大活动影响", "部分达成年度指标并具有一定效果", 10)
  t.eq({ r.score, r.tier, r.band }, { "7.00", "部分达成", { "6.00", "8.00" } })
  r = ind("扩大活动影响", "未达成年度指标且效果较差", 10)
  t.eq({ r.score, r.tier, r.band }, { "3.00", "未达成", { "0.00", "6.00" } })
end)

t.test("qualitative tiers stated in the result: hebei 80/50", function()
  local r = ind("扩大活动影响", "部分达成年度指标", 10, "hebei")
  t.eq({ r.score, r.tier, r.band }, { "6.50", "部分达成", { "5.00", "8.00" } })
  r = ind("扩大活动影响", "未达成", 10, "hebei")
  t.eq({ r.score, r.tier, r.band }, { "2.50", "未达成", { "0.00", "5.00" } })
  t.eq(ind("扩大活动影响", "达成", 10, "hebei").score, "10.00")
end)

t.test("qualitative results that state no tier are placed by the reading rule", function()
  local r = ind("提高服务水平", "服务水平明显提高", 15)
  t.eq({ r.score, r.tier, r.rule }, { "15.00", "达成", "read" })
  t.ok(r.explanation:find("the result reports the work, no tier stated", 1, true), r.explanation)
  r = ind("按时完成培训", "因疫情未完成", 10)
  t.eq({ r.score, r.tier }, { "7.00", "部分达成" })
  t.ok(r.explanation:find("admits a shortfall (未完成)", 1, true), r.explanation)
  local strict = with("national", { name = "strict", reading = { reported = "部分达成", shortfall = "未达成" } })
  t.eq(ind("提高服务水平", "服务水平明显提高", 10, strict).score, "7.00")
  t.eq(ind("按时完成培训", "因疫情未完成", 10, strict).score, "3.00")
  r = ind("≥12次", "顺利完成", 10)                       -- a number target, a word result
  t.eq({ r.score, r.tier }, { "10.00", "达成" })
  t.ok(r.explanation:find("result has no number", 1, true), r.explanation)
end)

t.test("no result, a result of 无, no target", function()
  local r = ind("≥12次", "", 10)
  t.eq({ r.score, r.rule, r.explanation }, { "0.00", "no-result", "no result reported: 0" })
  t.eq(ind("≥12次", nil, 10).score, "0.00")
  t.eq(ind("开展宣传", "无", 10).score, "0.00")
  t.eq(ind("投诉≤2起", "无", 10).score, "10.00")          -- nothing to complain about meets a ≤ target
  r = ind("", "完成调研报告2篇", 10)
  t.eq(r.score, "10.00")
  t.ok(r.explanation:find("no target stated", 1, true), r.explanation)
end)

t.test("not applicable and empty indicators are dropped", function()
  t.eq(ind("不适用", "不适用", 10).dropped, "not applicable (target 不适用)")
  t.eq(ind("不涉及", "", 10).rule, "dropped")
  t.ok(ind("", "", 10).dropped:find("no indicator in this slot", 1, true))
  t.ok(ind("≥5次", "不适用", 10).dropped:find("result 不适用", 1, true))
  t.ok(ind("", "不适用", 10).dropped:find("no target", 1, true))
end)

---------------------------------------------------------------- weights

t.test("apportion splits exactly, leftovers to the largest remainders", function()
  t.eq(score.apportion(5000, { 1, 1, 1 }), { 1667, 1667, 1666 })
  t.eq(score.apportion(9000, { 1667, 1667, 1666 }), { 3001, 3000, 2999 })   -- 3000.6, 3000.6, 2998.8
  t.eq(score.apportion(100, {}), {})
  t.eq(score.apportion(10, { 0, 0 }), { 5, 5 })
end)

t.test("no weights in the layout: each block's weight split evenly", function()
  local r = score.project(project(SEVEN), nil, "national")
  t.eq(weights(r), { "16.67", "16.67", "16.66", "10.00", "10.00", "10.00", "10.00" })
  t.eq({ r.total, r.grade, r.weights }, { "99.50", "优", "profile" })
  t.eq(r.execution.score, "9.50")
  t.eq(r.explanation, "预算执行 9.50 + 产出 50.00 + 效益 30.00 + 满意度 10.00 = 99.50 → 优 (national bands: 优 ≥ 90, "
    .. "良 ≥ 80, 中 ≥ 60, 差 below)")
end)

t.test("不适用 re-normalised over the indicator part", function()
  local r = score.project(project(copy_list(SEVEN, { [6] = { "生态效益", "不适用", "不适用" } })), nil, "national")
  t.eq(weights(r), { "18.75", "18.75", "18.75", "11.25", "11.25", "0.00", "11.25" })
  t.eq(r.indicators[6].dropped, "not applicable (target 不适用)")
  t.eq(r.indicators[6].nominal_weight, "10.00")
  t.eq({ r.blocks[1].weight, r.blocks[2].weight, r.blocks[3].weight }, { "56.25", "22.50", "11.25" })
  t.eq(r.total, "99.50")
  t.ok(r.notes[1]:find("weights re-normalised", 1, true))
end)

t.test("不适用 re-normalised within its block", function()
  local p = with("national", { name = "blockwise", not_applicable = "block" })
  local r = score.project(project(copy_list(SEVEN, { [6] = { "生态效益", "不适用", "不适用" } })), nil, p)
  t.eq(weights(r), { "16.67", "16.67", "16.66", "15.00", "15.00", "0.00", "10.00" })
  -- a whole block dropped falls back to the indicator part
  local all = copy_list(SEVEN, { [7] = { "服务对象满意度", "不适用", "不适用" } })
  r = score.project(project(all), nil, p)
  t.eq(r.blocks[3].weight, "0.00")
  t.eq(r.total, "99.50")
end)

t.test("a block the table lacks gives its weight to the others", function()
  local six = { SEVEN[1], SEVEN[2], SEVEN[3], SEVEN[4], SEVEN[5], SEVEN[6] }
  local r = score.project(project(six), nil, "national")
  t.eq(r.total, "99.50")
  t.eq(weights(r), { "18.75", "18.75", "18.75", "11.25", "11.25", "11.25" })
  t.ok(r.notes[1]:find("满意度: the table has no indicators", 1, true), r.notes[1])
end)

---------------------------------------------------------------- execution

t.test("execution score: capped (national) or not (platform), over-spending flagged", function()
  local p = project(SEVEN, { rate = { computed = "105.00", percent = "105.00" }, budget = { total = "20.00" },
    actual = { total = "21.00" } })
  local n = score.execution(p, 10, "national")
  t.eq({ n.score, n.capped }, { "10.00", true })
  t.ok(has_flag(n.flags, "over-spending"))
  local u = score.execution(p, 10, "platform")
  t.eq({ u.score, u.capped }, { "10.50", nil })
  t.ok(has_flag(u.flags, "over-spending"))
  local seed1 = project({}, { rate = { computed = "98.37" }, budget = { total = "3.07" }, actual = { total = "3.02" } })
  t.eq(score.execution(seed1, 10).explanation, "executed 98.37% (3.02 of 3.07, recomputed): 98.37% × 10.00 = 9.84")
end)

t.test("execution score falls back to the printed rate, and says so", function()
  local e = score.execution(project({}, { rate = { percent = "95.5", text = "95.5%" }, budget = {},
    actual = { total = "1" } }), 10)
  t.eq({ e.score, e.rate_source }, { "9.55", "printed" })
  t.ok(e.explanation:find("the printed rate", 1, true))
  e = score.execution(project({}, { rate = {}, budget = {}, actual = {} }), 10)
  t.eq(e.score, "0.00")
  t.ok(has_flag(e.flags, "no-rate"))
end)

---------------------------------------------------------------- profiles

t.test("bands of each profile", function()
  local cases = {
    national = { { 90, "优" }, { 89.99, "良" }, { 80, "良" }, { 79.99, "中" }, { 60, "中" }, { 59.99, "差" }, { 0, "差" } },
    platform = { { 80, "优" }, { 79.99, "良" }, { 70, "良" }, { 69.99, "中" }, { 60, "中" }, { 59.99, "差" } },
    hebei = { { 90, "优" }, { 85, "良" }, { 65, "中" }, { 50, "差" } },
    sichuan = { { 95, "优" }, { 80, "良" }, { 60, "中" }, { 10, "差" } },
  }
  for name, list in pairs(cases) do
    for _, c in ipairs(list) do t.eq(score.grade(c[1], name), c[2], name .. " " .. c[1]) end
  end
end)

t.test("national: 10/50/30/10 on a project", function()
  local r = score.project(project(copy_list(SEVEN, { [1] = { "数量", "≥10次", "8次" } })), nil, "national")
  t.eq(r.indicators[1].score, "13.34")                  -- 8/10 × 16.67
  t.eq(r.total, "96.17")
end)

t.test("platform: uncapped execution can lift the total past a band", function()
  local p = project(copy_list(SEVEN, { [1] = { "数量", "≥10次", "2次" } }), { rate = { computed = "110.00" } })
  local n, u = score.project(p, nil, "national"), score.project(p, nil, "platform")
  t.eq({ n.execution.score, n.total, n.grade }, { "10.00", "86.66", "良" })   -- 数量 2/10 × 16.67 = 3.33
  t.eq({ u.execution.score, u.total, u.grade }, { "11.00", "87.66", "优" })
end)

t.test("hebei: 20/40/40 with 满意度 counted in 效益", function()
  local r = score.project(project(SEVEN, { rate = { computed = "98.37" } }), nil, "hebei")
  t.eq(r.execution.weight, "20.00")
  t.eq(r.execution.score, "19.67")
  t.eq(#r.blocks, 2)
  t.eq({ r.blocks[1].level1, r.blocks[1].weight, r.blocks[2].level1, r.blocks[2].weight },
    { "产出", "40.00", "效益", "40.00" })
  t.eq(weights(r), { "13.34", "13.33", "13.33", "10.00", "10.00", "10.00", "10.00" })
  t.eq(r.indicators[7].block, "效益")
  t.eq(r.total, "99.67")
end)

t.test("sichuan: 10 + 90 split evenly among the blocks; a low rate needs a reason", function()
  local p = project(SEVEN, { rate = { computed = "77.80" }, problems = "无" })
  local r = score.project(p, nil, "sichuan")
  t.eq(weights(r), { "10.00", "10.00", "10.00", "10.00", "10.00", "10.00", "30.00" })
  t.eq({ r.execution.score, r.total }, { "7.78", "97.78" })
  t.ok(has_flag(r.flags, "rate-unexplained"))
  p.problems = "因疫情影响, 活动无法按期举办。"
  t.eq(has_flag(score.project(p, nil, "sichuan").flags, "rate-unexplained"), nil)
  p.rate.computed = "95.00"
  p.problems = ""
  t.eq(has_flag(score.project(p, nil, "sichuan").flags, "rate-unexplained"), nil)
end)

t.test("成本 is scored inside 产出 under national, as its own block under sichuan", function()
  local eight = copy_list(SEVEN, {})
  eight[8] = { "成本", "≤10万元", "9万元" }
  local r = score.project(project(eight), nil, "national")
  t.eq(r.indicators[8].block, "产出")
  t.eq(r.blocks[1].indicators, 4)
  r = score.project(project(eight), nil, "sichuan")
  t.eq(#r.blocks, 4)
  t.eq(r.blocks[4].weight, "22.50")
end)

t.test("a score below its weight with no reason in 问题 is flagged", function()
  local p = project(copy_list(SEVEN, { [1] = { "数量", "≥10次", "8次" } }))
  t.ok(has_flag(score.project(p, nil).flags, "below-weight-unexplained"))
  p.problems = "受疫情影响, 走访次数减少。"
  t.eq(has_flag(score.project(p, nil).flags, "below-weight-unexplained"), nil)
end)

---------------------------------------------------------------- tables with their own 分值/得分

-- A document whose layout carries 分值/得分 after each indicator pair, the execution
-- rate and a 自评得分 total; p.cols holds the cells by column.
local function stated(inds, exec, total)
  local doc = { unit = "万元", columns = {
    { index = 12, path = "预算支出执行率 / 执行率", field = "rate" },
    { index = 13, path = "预算支出执行率 / 分值", field = "extra" },
    { index = 14, path = "预算支出执行率 / 得分", field = "extra" },
    { index = 99, path = "自评得分", field = "extra" } } }
  local p = project({}, {})
  p.cols[13], p.cols[14], p.cols[99] = exec[1], exec[2], total
  for i, x in ipairs(inds) do
    local c = 10 + 4 * i
    local l1 = LEVEL1[x[1]]
    p.indicators[i] = { level1 = l1, level2 = x[1], key = x[1], target = x[2], result = x[3], target_col = c,
      result_col = c + 1 }
    local cols = doc.columns
    cols[#cols + 1] = { index = c + 2, path = "… / 分值", field = "indicator.weight", level1 = l1, level2 = x[1] }
    cols[#cols + 1] = { index = c + 3, path = "… / 得分", field = "indicator.score", level1 = l1, level2 = x[1] }
    p.cols[c + 2], p.cols[c + 3] = x[4], x[5]
  end
  return p, doc
end

local STATED = {
  { "数量", "≥10次", "8次", "20", "16" }, { "质量", "合格率≥95%", "合格率98%", "15", "15" },
  { "时效", "12月底前完成", "11月完成", "15", "15" }, { "经济效益", "≤5万元", "6万元", "15", "12" },
  { "社会效益", "提高服务水平", "服务水平明显提高", "15", "13.5" }, { "生态效益", "不适用", "不适用", "0", "" },
  { "服务对象满意度", "≥90%", "96%", "10", "10" },
}

t.test("a table's own weights are used and its scores checked", function()
  local r = score.project(stated(STATED, { "10", "9.50" }, "91"))
  t.eq({ r.weights, r.total, r.errors }, { "table", "91.00", 0 })
  t.eq(weights(r), { "20.00", "15.00", "15.00", "15.00", "15.00", "0.00", "10.00" })
  t.eq(r.indicators[1].stated, { weight = "20.00", score = "16.00", agrees = true })
  -- 13.5 lies in the 达成 band [12, 15] of a qualitative indicator: the table's placement is kept
  t.eq({ r.indicators[5].score, r.indicators[5].stated.agrees }, { "13.50", true })
  t.eq(r.stated, { total = "91.00", agrees = true })
  t.eq(r.execution.stated, { score = "9.50", agrees = true })
end)

t.test("disagreements, scores above their weight and bad weight sums are errors", function()
  local rows = copy_list(STATED, { [4] = { "经济效益", "≤5万元", "6万元", "15", "15" } })
  local r = score.project(stated(rows, { "10", "10.5" }, "94.5"))
  t.ok(has_flag(r.flags, "score-disagrees"))
  t.ok(has_flag(r.flags, "score-above-weight"))
  t.ok(has_flag(r.flags, "total-disagrees"))
  t.eq(r.indicators[4].stated.agrees, false)
  t.eq(r.errors, 5)   -- 经济效益, execution twice (above weight, disagrees), the total twice (sum, recomputed)
  rows = copy_list(STATED, { [1] = { "数量", "≥10次", "8次", "15", "12" } })
  r = score.project(stated(rows, { "10", "9.50" }, "87"))
  t.eq(has_flag(r.flags, "weights-total").message, "the table's weights sum to 95.00, not 100 as national requires")
  t.ok(has_flag(r.flags, "block-weight"))
  -- a qualitative score outside the band of its tier disagrees
  rows = copy_list(STATED, { [5] = { "社会效益", "提高服务水平", "服务水平明显提高", "15", "8" } })
  r = score.project(stated(rows, { "10", "9.50" }, "85.5"))
  t.eq(r.indicators[5].stated.agrees, false)
end)

t.test("分值 columns left empty fall back to the profile's weights", function()
  local rows = copy_list(STATED, { [2] = { "质量", "合格率≥95%", "合格率98%", "", "" } })
  local r = score.project(stated(rows, { "10", "9.50" }, ""))
  t.eq(r.weights, "profile")
  t.ok(r.notes[1]:find("分值 are incomplete", 1, true), r.notes[1])
  local empty = {}
  for i, x in ipairs(STATED) do empty[i] = { x[1], "", "", "", "" } end
  r = score.project(stated(empty, { "", "" }, ""))     -- a row cut short: nothing to score
  t.eq({ r.weights, r.total, r.execution.score }, { "profile", "9.50", "9.50" })
end)

---------------------------------------------------------------- a user's profile

t.test("a user profile copied from national and changed", function()
  local p = profiles.copy("national")
  p.name = "county-2022"
  p.execution.weight = 20
  p.blocks[1].weight = 40
  p.bands[1].min = 85
  local prof = assert(score.profile(p))
  t.eq(profiles.national.execution.weight, 10)          -- the copy leaves the original alone
  local r = score.project(project(SEVEN, { rate = { computed = "90.00" } }), nil, prof)
  t.eq({ r.execution.weight, r.execution.score, r.blocks[1].weight }, { "20.00", "18.00", "40.00" })
  t.eq({ r.total, r.grade }, { "98.00", "优" })
  t.ok(r.explanation:find("(county-2022 bands: 优 ≥ 85", 1, true), r.explanation)
  t.eq(score.grade(86, prof), "优")
end)

t.test("a partial user profile takes national for what it leaves out", function()
  local bands = { { grade = "合格", min = 60 }, { grade = "不合格", min = 0 } }
  local prof = assert(score.profile{ name = "tiny", bands = bands })
  t.eq(prof.execution.weight, 10)
  t.eq(score.grade(59, prof), "不合格")
end)

t.test("profile validation names the field", function()
  local function bad(changes, want)
    local p = with("national", changes)
    local ok, msg = score.profile(p)
    t.eq(ok, nil, want)
    t.ok(msg:find(want, 1, true), "expected " .. want .. ", got " .. tostring(msg))
  end
  bad({ blocks = { { level1 = "产出", weight = 50 }, { level1 = "效益", weight = 25 }, { level1 = "满意度", weight = 10 } } },
    "blocks: the weights sum to 95 (execution 10 + 产出 50 + 效益 25 + 满意度 10), not total 100")
  bad({ blcoks = {} }, "unknown field 'blcoks'")
  bad({ name = "" }, "name: a non-empty string is required")
  bad({ execution = { weight = -1 } }, "execution.weight: a number >= 0 is required")
  bad({ execution = { weight = 10, capp = true } }, "execution.capp: unknown field")
  bad({ blocks = { { level1 = "产出", weight = 60 }, { level1 = "效率", weight = 30 } } }, "blocks[2].level1: one of")
  bad({ blocks = { { level1 = "产出", weight = 45 }, { level1 = "产出", weight = 45 } } },
    "blocks[2].level1: 产出 is given twice")
  bad({ blocks = { { level1 = "产出", weight = 50.005 }, { level1 = "效益", weight = 39.995 } } },
    "blocks[1].weight: 50.005 has more than 2 decimals")
  bad({ merge = { ["成本"] = "效率" } }, "merge.成本: '效率' is not one of the profile's blocks")
  bad({ split = "even" }, "split and blocks: give one of them")
  bad({ bands = { { grade = "优", min = 80 }, { grade = "良", min = 90 }, { grade = "差", min = 0 } } },
    "bands[2].min: bands go from the highest grade down")
  bad({ bands = { { grade = "优", min = 90 }, { grade = "差", min = 10 } } },
    "bands[2].min: the lowest grade must start at 0")
  bad({ tiers = { { tier = "达成", low = 0.8, high = 1, point = 1 } } }, "tiers: three tiers")
  bad({ tiers = { { tier = "达成", low = 0.8, high = 1, point = 1 },
    { tier = "部分达成", low = 0.6, high = 0.7, point = 0.65 }, { tier = "未达成", low = 0, high = 0.6, point = 0.3 } } },
    "tiers[2].high: must equal the low of the tier above (0.8)")
  bad({ reading = { reported = "完成" } }, "reading.reported: one of 达成, 部分达成, 未达成")
  bad({ reverse = "log" }, "reverse: \"linear\" or \"ratio\"")
  bad({ over = 0.9 }, "over: a ratio above 1")
  bad({ not_applicable = "zero" }, "not_applicable: \"part\" or \"block\"")
  bad({ decimals = 7 }, "decimals: an integer from 0 to 4")
  t.eq(select(2, score.profile(42)), "a profile must be a table, got number")
  t.eq(select(2, score.profile("nosuch")), "no profile 'nosuch'; the profiles are national, platform, hebei, sichuan")
end)

t.test("the named profiles are valid and listed", function()
  for _, n in ipairs(profiles.names()) do t.ok(score.profile(n), n) end
  t.eq(profiles.names(), { "national", "platform", "hebei", "sichuan" })
  local list = score.list()
  for _, n in ipairs(profiles.names()) do t.ok(list:find(n, 1, true), n) end
  t.eq(score.describe("sichuan").execution, { weight = "10", cap = true, explain_below = "90" })
  t.eq(score.describe("national").grades, { "优", "良", "中", "差" })
end)

t.test("decimals: a profile may score to one decimal", function()
  local one = with("national", { name = "one", decimals = 1 })
  t.eq(ind("≥3次", "2次", 10, one).score, "6.7")
  t.eq(score.project(project(SEVEN), nil, one).indicators[3].weight, "16.6")
end)

---------------------------------------------------------------- misuse and the realigner's guesses

t.test("bad arguments raise", function()
  t.raises(function() score.indicator(1, "x", 10) end, "bad argument #1 to 'indicator' (string expected, got number)")
  t.raises(function() score.indicator("x", {}, 10) end, "bad argument #2 to 'indicator'")
  t.raises(function() score.indicator("x", "y", -1) end, "bad argument #3 to 'indicator' (a number >= 0 expected")
  t.raises(function() score.indicator("x", "y", 10, "nosuch") end, "profile: no profile 'nosuch'")
  t.raises(function() score.project("p") end, "bad argument #1 to 'project'")
  t.raises(function() score.project(project({}), 5) end, "bad argument #2 to 'project'")
  t.raises(function() score.execution(nil, 10) end, "bad argument #1 to 'execution'")
  t.raises(function() score.grade("high") end, "bad argument #1 to 'grade'")
  t.raises(function() profiles.copy("nosuch") end, "no profile 'nosuch'")
  t.raises(function() score.layout(nil, {}) end, "bad argument to 'layout'")
  local jx = require "jixiao"
  local doc = assert(jx.load("tests/data/000_657db78fa8902e38.txt"))
  t.eq(score.layout(doc, doc[1]).any, false) -- Document and Project views work as the tables do
  t.raises(function() score.describe({ name = "x", total = -1 }) end, "bad argument to 'describe' (profile: total")
  t.raises(function() score.apportion(1.5, {}) end, "bad argument #1 to 'apportion'")
  t.raises(function() score.apportion(10, { 1, "x" }) end, "bad argument #2 to 'apportion'")
  t.raises(function() score.execution(project({}), "ten") end, "bad argument #2 to 'execution'")
end)

t.test("cells left empty by a guessed realignment are named in the explanation", function()
  local p = project(copy_list(SEVEN, { [6] = { "生态效益", "节约能源", nil } }), { repair = { status = "guess",
    empty = { { column = 26, path = "效益目标 / 生态效益指标 / 完成情况", certain = false } } } })
  local r = score.project(p, nil)
  t.eq(r.indicators[6].score, "0.00")
  t.ok(r.indicators[6].how:find("column 26 (效益目标 / 生态效益指标 / 完成情况) is empty by the reader's guess", 1, true))
  t.ok(r.notes[#r.notes]:find("realigned by a best guess", 1, true))
end)

t.done()
