-- Tests for jixiao.indicator: the indicator-value grammar and the target/result judge.
-- Cell texts marked "seed" are copied from tests/data/000_657db78fa8902e38.txt.

local t = require "jixiao.testing"
local lpeg = require "lpeg"
local ind = require "jixiao.indicator"

local function item(text, k) return ind.parse(text).items[k or 1] end

-- the fields of an item a test cares about, so tables compare without positions
local function pick(it, ...)
  local out = {}
  for _, k in ipairs{ ... } do out[k] = it[k] end
  return out
end

local function value(text)
  return pick(item(text), "kind", "op", "value", "number", "unit")
end

---------------------------------------------------------------- operators

t.test("operators written before the number", function()
  local cases = {
    { "≥12次", ">=" }, { ">=12次", ">=" }, { "≧12次", ">=" }, { "不低于12次", ">=" },
    { "不少于12次", ">=" }, { "至少12次", ">=" }, { ">12次", ">" }, { "＞12次", ">" },
    { "大于12次", ">" }, { "超过12次", ">" }, { "=12次", "=" }, { "＝12次", "=" },
    { "≤12次", "<=" }, { "<=12次", "<=" }, { "≦12次", "<=" }, { "不超过12次", "<=" },
    { "不高于12次", "<=" }, { "不多于12次", "<=" }, { "<12次", "<" }, { "＜12次", "<" },
    { "小于12次", "<" }, { "低于12次", "<" },
  }
  for _, c in ipairs(cases) do
    t.eq(value(c[1]), { kind = "quantity", op = c[2], value = "12", number = 12, unit = "次" }, c[1])
  end
end)

t.test("operators written after the number", function()
  t.eq(value("12次以上"), { kind = "quantity", op = ">=", value = "12", number = 12, unit = "次" })
  t.eq(value("90%及以上"), { kind = "percent", op = ">=", value = "90", number = 90, unit = "%" })
  t.eq(value("5起以下"), { kind = "quantity", op = "<=", value = "5", number = 5, unit = "起" })
  t.eq(value("3天以内"), { kind = "quantity", op = "<=", value = "3", number = 3, unit = "天" })
  t.eq(value("3个工作日内完成").op, "<=")
  t.eq(value("经费控制在90万元以内"), { kind = "money", op = "<=", value = "90", number = 90, unit = "万元" })
end)

t.test("不超过 is <= although it contains 超过", function()
  t.eq(item("不超过5%").op, "<=")
  t.eq(item("超过5%").op, ">")
end)

t.test("达到 reads as >= and does not make a result look like a target", function()
  t.eq(value("服务率达到100%"), { kind = "percent", op = ">=", value = "100", number = 100, unit = "%" })
  t.eq(ind.has_operator("服务率达到100%"), false)
end)

t.test("approximate values", function()
  local it = item("约50家会员企业")
  t.eq(pick(it, "number", "unit", "approx", "op"), { number = 50, unit = "家", approx = true })
  it = item("20多个基层组织")
  t.eq(pick(it, "number", "unit", "approx", "op"), { number = 20, unit = "个", approx = true, op = ">" })
end)

t.test("a Chinese numeral counts only after an explicit operator", function()
  t.eq(value("不少于两次"), { kind = "quantity", op = ">=", value = "两", number = 2, unit = "次" })
  t.eq(item("一次性补助").kind, "text")
  t.eq(item("“三会一课”").kind, "text")
end)

---------------------------------------------------------------- numbers and units

t.test("numbers keep their exact text", function()
  t.eq(value("１,２３４.５６元"), { kind = "money", value = "１,２３４.５６", number = 1234.56, unit = "元" })
  t.eq(value("≥90.00(%)"), { kind = "percent", op = ">=", value = "90.00", number = 90, unit = "%" })
  t.eq(value("=100.00(%)"), { kind = "percent", op = "=", value = "100.00", number = 100, unit = "%" })
  t.eq(value("９８．３７％"), { kind = "percent", value = "９８．３７", number = 98.37, unit = "%" })
end)

t.test("percent spellings all report unit %", function()
  for _, s in ipairs{ "≥100%", "≥100％", "≥100百分比", "≥100(%)", "≥100（%）" } do
    local it = item(s)
    t.eq(pick(it, "kind", "unit", "number"), { kind = "percent", unit = "%", number = 100 }, s)
  end
  t.eq(item("≥100百分比").unit_text, "百分比")
end)

t.test("every built-in unit", function()
  local list = { "次", "台", "家", "人", "名", "天", "个", "篇", "起", "项", "人次", "场", "期", "份", "条",
    "批", "户", "所", "件", "套", "小时", "日", "月", "年", "分", "km", "公里", "平方米", "㎡", "亩", "吨",
    "个月", "个工作日", "周" }
  for _, u in ipairs(list) do
    local it = item("≥3" .. u)
    t.eq(pick(it, "kind", "unit", "number"), { kind = "quantity", unit = u, number = 3 }, u)
  end
  for _, u in ipairs{ "元", "万元", "亿元" } do
    t.eq(item("≤3" .. u).kind, "money", u)
    t.eq(item("≤3" .. u).unit, u, u)
  end
end)

t.test("万 and 亿 before a unit multiply", function()
  t.eq(value("服务2万人次"), { kind = "quantity", value = "2万", number = 20000, unit = "人次" })
  t.eq(value("涉及金额2154万元"), { kind = "money", value = "2154", number = 2154, unit = "万元" })
end)

t.test("a cell holding only a number is a value without a unit", function()
  t.eq(value("95"), { kind = "quantity", value = "95", number = 95 })
  t.eq(value("＝100"), { kind = "quantity", op = "=", value = "100", number = 100 })
end)

---------------------------------------------------------------- qualitative

t.test("qualitative values and their tiers", function()
  local cases = {
    { "达成", "met", "达成" }, { "达成年度指标", "met", "达成" },
    { "部分达成", "partly_met", "部分达成" },
    { "部分达成年度指标并具有一定效果", "partly_met", "部分达成" },
    { "未达成", "not_met", "未达成" }, { "未达成年度指标且效果较差", "not_met", "未达成" },
    { "合理", "reasonable" }, { "提高", "improved" }, { "降低", "reduced" },
    { "有所提高", "improved" }, { "明显提升", "improved" }, { "良好", "good" },
    { "优秀", "excellent" }, { "合格", "pass" }, { "达标", "pass" }, { "零投诉", "no_complaints" },
    { "无投诉", "no_complaints" }, { "及时", "on_time" }, { "按时", "on_time" },
    { "准确", "accurate" }, { "完成", "done" }, { "已完成", "done" }, { "不合格", "negative" },
  }
  for _, c in ipairs(cases) do
    t.eq(pick(item(c[1]), "kind", "qual", "meaning", "tier"),
      { kind = "qualitative", qual = c[1], meaning = c[2], tier = c[3] }, c[1])
  end
end)

t.test("不适用, 无 and 不涉及 mark an indicator as not applicable", function()
  for _, s in ipairs{ "不适用", "无", "不涉及", "不适用。", "本项目不涉及" } do
    t.eq(item(s).kind, "not_applicable", s)
  end
  t.eq(item("无投诉").kind, "qualitative")
end)

t.test("a qualitative word inside prose (seed row 2)", function()
  local it = item("零投诉, 商协会组织活力彰显。")
  t.eq(pick(it, "kind", "qual"), { kind = "qualitative", qual = "零投诉" })
  t.eq(item("达到合格标准, 设备运行正常").qual, "合格")
end)

---------------------------------------------------------------- dates and periods

t.test("full dates", function()
  t.eq(pick(item("2021年6月14日"), "kind").kind, "date")
  local d = item("2021年6月14日").date
  t.eq({ d.year, d.month, d.day }, { 2021, 6, 14 })
  d = item("2021.6.14").date
  t.eq({ d.year, d.month, d.day }, { 2021, 6, 14 })
  d = item("6月15日形成调研报告").date
  t.eq({ d.year, d.month, d.day }, { nil, 6, 15 })
end)

t.test("deadlines read as <= the end of their span", function()
  local it = item("2021年8月前完成")
  t.eq(pick(it, "kind", "op"), { kind = "period", op = "<=" })
  t.eq(it.date.last, { year = 2021, month = 8, day = 31 })
  it = item("各党组织12月前开展活动")
  t.eq(it.op, "<=")
  t.eq(it.date.last, { month = 12, day = 31 })
  t.eq(item("11月底前").date.last, { month = 11, day = 30 })
  t.eq(item("截至12月31日").op, "<=")
  for _, s in ipairs{ "6月30日前", "6月30日之前", "6月30日以前", "2021年6月底前" } do
    local it = item(s)
    t.eq({ it.op, it.date.last.month, it.date.last.day }, { "<=", 6, 30 }, s)
  end
end)

t.test("periods: 旬, 月底, 月份, 季度, 半年, 年底, 年内", function()
  local function span(s)
    local d = item(s).date
    return { d.period, d.first.month, d.first.day, d.last.month, d.last.day }
  end
  t.eq(span("12月上旬"), { "上旬", 12, 1, 12, 10 })
  t.eq(span("6月中旬"), { "中旬", 6, 11, 6, 20 })
  t.eq(span("12月下旬"), { "下旬", 12, 21, 12, 31 })
  t.eq(span("11月底"), { "月底", 11, 21, 11, 30 })
  t.eq(span("10月份"), { "月", 10, 1, 10, 31 })
  t.eq(span("第一季度"), { "第一季度", 1, 1, 3, 31 })
  t.eq(span("第二季度"), { "第二季度", 4, 1, 6, 30 })
  t.eq(span("第三季度"), { "第三季度", 7, 1, 9, 30 })
  t.eq(span("第四季度"), { "第四季度", 10, 1, 12, 31 })
  t.eq(span("上半年"), { "上半年", 1, 1, 6, 30 })
  t.eq(span("下半年"), { "下半年", 7, 1, 12, 31 })
  t.eq(span("年底"), { "年底", 12, 1, 12, 31 })
  t.eq(span("年内完成"), { "年内", 1, 1, 12, 31 })
  t.eq(item("第一季度").kind, "period")
end)

t.test("find_dates reports dates with positions", function()
  local ds = ind.find_dates("1.出勤天数≥110天 2.2020年7月26日完成发放")   -- seed row 2
  t.eq(#ds, 1)
  t.eq(pick(ds[1], "year", "month", "day", "text"), { year = 2020, month = 7, day = 26, text = "2020年7月26日" })
  t.eq(string.sub("1.出勤天数≥110天 2.2020年7月26日完成发放", ds[1].pos, ds[1].pos + #ds[1].text - 1), ds[1].text)
  ds = ind.find_dates("2021年8月前完成新冠肺炎疫情防控一线人员补助发放工作")
  t.eq(pick(ds[1], "year", "month", "deadline"), { year = 2021, month = 8, deadline = true })
end)

t.test("find_dates: a year alone is reported as year_only", function()
  local ds = ind.find_dates("举办2021龙岗区政直直联工作交流会")           -- seed row 3
  t.eq(#ds, 1)
  t.eq(pick(ds[1], "year", "year_only", "text", "pos"), { year = 2021, year_only = true, text = "2021", pos = 7 })
  t.eq(ind.find_dates("2021年通过直联工作制度解决问题119起")[1].year_only, true)
end)

---------------------------------------------------------------- look-alikes that are not values

t.test("“5.21” in quotes is neither a date nor a value", function()
  local s = "发放“5.21”疫情防控人员临时性工作补助"                       -- seed row 2
  t.eq(ind.find_dates(s), {})
  t.eq(item(s).kind, "text")
end)

t.test("a date inside a project name is a date, not a quantity", function()
  local it = item("龙岗区2021年度“深圳企业家日”主题活动1次")
  t.eq(pick(it, "kind", "number", "unit"), { kind = "quantity", number = 1, unit = "次" })
  t.eq(it.values[1].kind, "period")
  t.eq(it.values[1].date.year, 2021)
end)

t.test("元 inside 单元 is not money", function()
  t.eq(item("3单元").kind, "text")
  t.eq(pick(item("修缮3个单元"), "kind", "unit"), { kind = "quantity", unit = "个" })
  t.eq(item("单元楼道改造").kind, "text")
end)

t.test("第一 without 季度 is an ordinal, not a period or a count", function()
  t.eq(item("第一批试点单位").kind, "text")
  t.eq(item("获评第1名").kind, "text")
  t.eq(ind.find_dates("第一届会员大会"), {})
  t.eq(item("举办龙岗第三届“深圳企业家日”主题活动1次").number, 1)
end)

t.test("numbers that are not dates: month 13, year 2154, money", function()
  t.eq(ind.find_dates("涉及金额2154万元, 发放2000元, 服务2020人"), {})
  t.eq(pick(item("工期13月"), "kind", "unit"), { kind = "quantity", unit = "月" })
end)

---------------------------------------------------------------- sub-items

t.test("numbered sub-items 1. 2. (seed row 2)", function()
  local p = ind.parse("1.购买人力资源服务人员1名 2.参与疫情防控工作符合补贴条件的人数")
  t.eq(p.numbered, true)
  t.eq(#p.items, 2)
  t.eq(pick(p.items[1], "n", "kind", "number", "unit", "subject"),
    { n = 1, kind = "quantity", number = 1, unit = "名", subject = "购买人力资源服务人员" })
  t.eq(pick(p.items[2], "n", "kind", "text"), { n = 2, kind = "text", text = "参与疫情防控工作符合补贴条件的人数" })
end)

t.test("an item number glued to a value: 1.100% and 2.2020年", function()
  local p = ind.parse("1.100%满足组织当前及未来发展的需要 2.完成率100%")
  t.eq(pick(p.items[1], "n", "number", "unit"), { n = 1, number = 100, unit = "%" })
  p = ind.parse("1.出勤天数≥110天 2.2020年7月26日完成发放")
  t.eq(pick(p.items[1], "n", "op", "number", "unit"), { n = 1, op = ">=", number = 110, unit = "天" })
  t.eq(pick(p.items[2], "n", "kind"), { n = 2, kind = "date" })
  t.eq(p.items[2].date.year, 2020)
end)

t.test("other numbering styles: 1、 （1） ①", function()
  for _, s in ipairs{ "1、培训2次 2、发放100份", "（1）培训2次（2）发放100份", "①培训2次②发放100份",
      "(1)培训2次; (2)发放100份" } do
    local p = ind.parse(s)
    t.eq({ p.items[1].n, p.items[1].number, p.items[2].n, p.items[2].unit }, { 1, 2, 2, "份" }, s)
  end
end)

t.test("a lone 1. is a decimal, not a list", function()
  local p = ind.parse("1.5%以上")
  t.eq(p.numbered, nil)
  t.eq(pick(p.items[1], "number", "op"), { number = 1.5, op = ">=" })
end)

t.test("；-separated lists and comma lists where every piece has a number", function()
  local p = ind.parse("举办政直直联工作交流会1次; 举办秘书长培训系列活动1次; 举办企业座谈会1次。举办龙岗第三届“深圳企业家日”主题活动1次。")
  t.eq(#p.items, 4)
  p = ind.parse("台式电脑2台, 打印机2台, 办公家具1批")                    -- seed row 1
  t.eq({ #p.items, p.items[3].unit, p.items[3].subject }, { 3, "批", "办公家具" })
  p = ind.parse("设备使用正常, 工作人员满意度100%")
  t.eq({ #p.items, p.items[1].number, p.items[1].subject }, { 1, 100, "设备使用正常, 工作人员满意度" })
end)

---------------------------------------------------------------- prose

t.test("a value embedded in prose (seed rows 5 and 6)", function()
  local it = item("辖属各党组织落实“三会一课”提供开展主题教育实践活动次数≥12次")
  t.eq(pick(it, "kind", "op", "number", "unit", "subject"), { kind = "quantity", op = ">=", number = 12,
    unit = "次", subject = "辖属各党组织落实“三会一课”提供开展主题教育实践活动次数" })
  t.eq(pick(item("辖属党组织开展党员教育24次。"), "number", "unit", "subject"),
    { number = 24, unit = "次", subject = "辖属党组织开展党员教育" })
  t.eq(pick(item("党员教育参加率70%"), "kind", "number", "unit", "subject"),
    { kind = "percent", number = 70, unit = "%", subject = "党员教育参加率" })
  t.eq(pick(item("完成推动非公企业应建尽建党组织, 新增覆盖企业16家"), "number", "unit"), { number = 16, unit = "家" })
end)

t.test("prose with no value is text", function()
  local it = item("设备运行稳定, 保障各科室正常开展各项工作")
  t.eq(pick(it, "kind", "subject"), { kind = "text", subject = "设备运行稳定, 保障各科室正常开展各项工作" })
  t.eq(ind.parse("").items, {})
end)

t.test("has_operator finds results written like targets", function()
  t.eq(ind.has_operator("经济效益≥99%"), true)                           -- seed row 1
  t.eq(ind.has_operator("指导3个以上商协会"), true)
  t.eq(ind.has_operator("党员教育参加率不低于50%"), true)
  t.eq(ind.has_operator("党员教育参加率70%"), false)
  t.eq(ind.has_operator("不超过预算的部分已退回"), false)
end)

---------------------------------------------------------------- judge

t.test("judge: positive target met, with over-achievement (seed row 5)", function()
  local j = ind.judge("辖属各党组织落实“三会一课”提供开展主题教育实践活动次数≥12次", "辖属党组织开展党员教育24次。")
  t.eq(pick(j, "judgement", "ratio", "over"), { judgement = "met", ratio = 2, over = true })
  t.ok(j.reason:find("24次", 1, true) and j.reason:find("12次", 1, true), j.reason)
  j = ind.judge("党员教育参加率≥50%", "党员教育参加率70%")
  t.eq(pick(j, "judgement", "over"), { judgement = "met", over = true })
  j = ind.judge("≥100份", "110份")
  t.eq(pick(j, "judgement", "ratio", "over"), { judgement = "met", ratio = 1.1 })
end)

t.test("judge: positive target not met, strict > needs more", function()
  t.eq(pick(ind.judge("≥50%", "40%"), "judgement", "ratio"), { judgement = "not_met", ratio = 0.8 })
  t.eq(ind.judge(">90%", "90%").judgement, "not_met")
  t.eq(ind.judge("≥90%", "90%").judgement, "met")
end)

t.test("judge: reverse targets", function()
  t.eq(ind.judge("≤90万元", "80万元").judgement, "met")
  t.eq(ind.judge("≤90万元", "100万元").judgement, "not_met")
  t.eq(ind.judge("<3起", "3起").judgement, "not_met")
  t.eq(ind.judge("投诉率不高于5%", "投诉率2%").over, nil)
end)

t.test("judge: equal targets, including A = 0", function()
  t.eq(ind.judge("=100%", "100%").judgement, "met")
  t.eq(ind.judge("=0起", "0起").judgement, "met")
  local j = ind.judge("=0起", "2起")
  t.eq(pick(j, "judgement", "ratio"), { judgement = "not_met" })
  t.eq(ind.judge("＝100", "98").judgement, "not_met")
end)

t.test("judge: not applicable", function()
  t.eq(ind.judge("不适用", "不适用").judgement, "not_applicable")    -- seed row 3
  t.eq(ind.judge("≥2家", "不适用").judgement, "not_applicable")
  t.eq(ind.judge("无", "无").judgement, "not_applicable")
end)

t.test("judge: cannot tell", function()
  local j = ind.judge("≥2家", "已完成")
  t.eq(j.judgement, "cannot_tell")
  t.ok(j.reason:find("result has no number", 1, true), j.reason)
  j = ind.judge("≥2家", "3次")
  t.eq(j.judgement, "cannot_tell")
  t.ok(j.reason:find("unit mismatch", 1, true), j.reason)
  j = ind.judge("发放奖励金额6.03万元", "发放奖励金额6.03元")                  -- seed row 6 slip
  t.ok(j.judgement == "cannot_tell" and j.reason:find("元/万元", 1, true), j.reason)
  t.eq(ind.judge("≥90%", "95").judgement, "cannot_tell")
end)

t.test("judge: qualitative results carry their tier", function()
  t.eq(pick(ind.judge("合理", "达成年度指标"), "judgement", "tier"), { judgement = "qualitative", tier = "达成" })
  t.eq(ind.judge("合理", "部分达成年度指标并具有一定效果").tier, "部分达成")
  t.eq(ind.judge("≥12次", "未达成年度指标且效果较差").tier, "未达成")
  t.eq(pick(ind.judge("会员企业投诉数", "零投诉"), "judgement", "tier"), { judgement = "qualitative" })
end)

t.test("judge: dates against deadlines", function()
  t.eq(ind.judge("各党组织12月前开展活动", "12月上旬完成辖属党组织党员教育统计业务").judgement, "met")  -- seed row 5
  t.eq(ind.judge("6月中旬", "6月25日").judgement, "not_met")
  t.eq(ind.judge("2021年8月前", "2021年7月20日").judgement, "met")
  t.eq(ind.judge("6月中旬", "6月").judgement, "cannot_tell")
  local j = ind.judge("6月中旬、12月中旬完成两篇调研报告。",
    "6月15日形成《调研报告》报市工商联。11月底形成《统战工作》报区委政研室。")              -- seed row 3
  t.eq(j.judgement, "met")
end)

t.test("judge: numbered sub-items matched by number (seed row 2)", function()
  local j = ind.judge("1.购买人力资源服务人员1名 2.参与疫情防控工作符合补贴条件的人数",
    "1.购买人力资源服务人员1名 2.符合补贴条件的人数1人")
  t.eq(j.judgement, "cannot_tell")
  t.eq({ #j.items, j.items[1].n, j.items[1].judgement, j.items[2].n, j.items[2].judgement },
    { 2, 1, "met", 2, "qualitative" })
  j = ind.judge("1.工作时间(2021年6月14日) 2.及时完成补贴发放", "1.出勤天数≥110天 2.2020年7月26日完成发放")
  t.eq(j.items[1].reason, "result has no date")
  t.eq(j.judgement, "cannot_tell")
end)

t.test("judge: all sub-items met, or one not met", function()
  t.eq(ind.judge("1.培训2次 2.发放100份", "1.培训2次 2.发放100份").judgement, "met")
  local j = ind.judge("1.培训2次 2.发放100份", "1.培训3次 2.发放90份")
  t.eq(j.judgement, "not_met")
  t.eq({ j.items[1].judgement, j.items[2].judgement }, { "met", "not_met" })
  t.ok(j.reason:find("item 2", 1, true), j.reason)
end)

t.test("judge: unnumbered items matched by unit, then by wording", function()
  local j = ind.judge("开展培训≥2次；发放手册≥100份", "发放手册120份，开展培训5次")
  t.eq(j.judgement, "met")
  t.eq({ j.items[1].result.number, j.items[2].result.number }, { 5, 120 })
  j = ind.judge("1.辖属党组织满意度 2.补贴发放投诉数", "零投诉")                    -- seed row 2
  t.eq(j.items[2].result.qual, "零投诉")
  t.eq(j.items[1].reason, "no matching result sub-item")
end)

t.test("judge accepts parsed tables, so a cell is parsed once", function()
  local pt = ind.parse("≥12次")
  t.eq(ind.judge(pt, "24次").judgement, "met")
  t.eq(ind.judge(pt, ind.parse("6次")).judgement, "not_met")
end)

---------------------------------------------------------------- bad arguments

t.test("bad arguments raise clear errors", function()
  t.raises(function() ind.parse(nil) end, "bad argument #1 to 'parse' (string expected, got nil)")
  t.raises(function() ind.judge(12, "24次") end, "bad argument #1 to 'judge' (string expected, got number)")
  t.raises(function() ind.judge("≥12次", 24) end, "bad argument #2 to 'judge'")
  t.raises(function() ind.find_dates(false) end, "bad argument #1 to 'find_dates'")
  t.raises(function() ind.has_operator({}) end, "bad argument #1 to 'has_operator'")
  t.raises(function() ind.add_unit("") end, "empty string")
  t.raises(function() ind.add_unit("车次", "weight") end, "kind must be")
  t.raises(function() ind.add_operator("起码", "~") end, "operator must be")
  t.raises(function() ind.add_operator("起码", ">=", "middle") end, "position must be")
  t.raises(function() ind.add_rule("not a pattern") end, "LPeg pattern expected")
  t.raises(function() ind.add_rule(lpeg.P(true) / function() return { kind = "x" } end) end, "unusable rule")
  t.eq(item("≥12次").number, 12)
end)

---------------------------------------------------------------- extension (changes module state: last)

t.test("patterns compose with LPeg", function()
  local p = ind.patterns
  t.eq({ lpeg.match(p.number, "1,234.5") }, { "1,234.5", 1234.5 })
  t.eq(lpeg.match(p.op, "不低于"), ">=")
  t.eq(lpeg.match(p.op_after, "及以上"), ">=")
  t.eq(lpeg.match(p.unit, "万元"), "万元")
  t.eq(lpeg.match(p.date, "2021年6月14日").date.day, 14)
  t.eq(lpeg.match(p.item, "2、").n, 2)
  t.eq(lpeg.match(p.value, "≥12次").number, 12)
end)

t.test("add_unit", function()
  t.eq(item("运输30车次").unit, nil)
  local p = ind.patterns
  ind.add_unit("车次")
  t.eq(value("运输30车次"), { kind = "quantity", value = "30", number = 30, unit = "车次" })
  t.ok(p == ind.patterns and lpeg.match(p.unit, "车次"), "patterns table is rebuilt in place")
  ind.add_unit("成", "percent")
  t.eq(item("≥8成").kind, "percent")
end)

t.test("add_operator", function()
  t.eq(item("起码3次").op, nil)
  ind.add_operator("起码", ">=", "before")
  t.eq(value("起码3次"), { kind = "quantity", op = ">=", value = "3", number = 3, unit = "次" })
  ind.add_operator("或更多", ">=", "after")
  t.eq(item("3次或更多").op, ">=")
  t.eq(ind.has_operator("起码3次"), true)
end)

t.test("add_qualitative and add_rule", function()
  ind.add_qualitative("满意", "good")
  t.eq(pick(item("群众满意"), "kind", "qual", "meaning"), { kind = "qualitative", qual = "满意", meaning = "good" })
  ind.add_qualitative("基本达成", "partly_met")
  t.eq(ind.judge("合理", "基本达成").tier, "部分达成")
  ind.add_rule(lpeg.P"满分" / function() return { kind = "quantity", value = "100", number = 100, unit = "分" } end)
  t.eq(pick(item("考核满分"), "kind", "number", "unit", "text"),
    { kind = "quantity", number = 100, unit = "分", text = "考核满分" })
  ind.add_rule(lpeg.P"坏规则" / function() return 1 end)
  t.raises(function() ind.parse("坏规则") end, "must capture a table")
end)

t.test("元 starting 元旦, 元宵, 元素, 元件 or 元月 is not money", function()
  for _, s in ipairs { "2021元旦前完成", "2022元宵节前", "3元素", "5元件" } do
    for _, it in ipairs(ind.parse(s).items) do
      t.ok(it.kind ~= "money", s .. " read as money")
    end
  end
  t.eq(ind.parse("6.03元").items[1].kind, "money")
  t.eq(ind.parse("200元以上").items[1].op, ">=")
end)

t.done()
