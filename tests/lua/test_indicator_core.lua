-- Differential tests of jixiao.indicator_core, the C reading of indicator cells, against
-- the LPeg grammar of jixiao.indicator (ind._lpeg), which stays the definition: parse,
-- find_dates and has_operator must return the same tables, key for key, numbers of the
-- same math.type, on every cell of every table under tests/data (and every raw field of
-- those files, invalid bytes included), on hand-written cases for each branch of the
-- grammar, and on generated strings. Then bad arguments, and the switch to LPeg once a
-- script extends the grammar.

local t = require "jixiao.testing"
local jx = require "jixiao"
local ind = require "jixiao.indicator"
local core = require "jixiao.indicator_core"
local lpeg = require "lpeg"
local L = ind._lpeg

local fmt, concat = string.format, table.concat

---------------------------------------------------------------- comparing

-- The path of the first difference between a and b, or nil; numbers differ also by
-- math.type, tables by content.
local function diff(a, b, path)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return path end
  if ta == "number" then
    if math.type(a) ~= math.type(b) or (a ~= b and (a == a or b == b)) then return path end
    return nil
  end
  if ta ~= "table" then return a ~= b and path or nil end
  for k, v in pairs(a) do
    local p = diff(v, b[k], path .. "." .. tostring(k))
    if p then return p end
  end
  for k in pairs(b) do
    if a[k] == nil then return path .. "." .. tostring(k) end
  end
  return nil
end

local function show(v, depth)
  depth = depth or 0
  if type(v) == "string" then return fmt("%q", v) end
  if type(v) == "number" then return math.type(v) == "float" and fmt("%.17g (float)", v) or tostring(v) end
  if type(v) ~= "table" then return tostring(v) end
  if depth > 3 then return "{…}" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(x, y) return tostring(x) < tostring(y) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k], depth + 1) end
  return "{" .. concat(parts, ", ") .. "}"
end

-- The value at a path like ".items.1.values.2.number".
local function at(v, path)
  for k in path:gmatch("[^.]+") do
    if type(v) ~= "table" then return v end
    local n = tonumber(k)
    if n and v[n] ~= nil then v = v[n] else v = v[k] end
  end
  return v
end

local FUNCS = { "parse", "find_dates", "has_operator" }

-- Compares the three functions on every text; raises with the first few mismatches.
local function compare(texts, what)
  local bad, n = {}, 0
  for _, s in ipairs(texts) do
    for _, f in ipairs(FUNCS) do
      n = n + 1
      local a, b = core[f](s), L[f](s)
      local p = diff(a, b, "")
      if p then
        bad[#bad + 1] = fmt("%s(%q) differs at %s:\n      core: %s\n      lpeg: %s", f, #s > 200 and s:sub(1, 200) .. "…" or s,
          p == "" and "(root)" or p, show(at(a, p)), show(at(b, p)))
      end
    end
  end
  if #bad > 0 then
    local first = {}
    for k = 1, math.min(5, #bad) do first[k] = bad[k] end
    error(fmt("%d of %d calls on %s differ; the first:\n    %s", #bad, n, what, concat(first, "\n    ")), 2)
  end
  return n
end

---------------------------------------------------------------- texts

local seen, all_cells = {}, {}
local function add(list, s)
  if type(s) == "string" and not seen[s] then seen[s] = true; list[#list + 1] = s end
end

-- every cell of every table jx.load reads under tests/data
local files = assert(jx.files("tests/data", { all = true }))
for _, f in ipairs(files) do
  local doc = jx.load(f)
  if doc then
    for _, p in doc:projects() do
      for _, c in pairs(p.cells) do add(all_cells, c) end
      add(all_cells, p.goal and p.goal.target); add(all_cells, p.goal and p.goal.result)
      for _, x in ipairs(p.indicators or {}) do add(all_cells, x.target); add(all_cells, x.result) end
      add(all_cells, p.problems); add(all_cells, p.rectification)
    end
    doc:close()
  end
end

-- every raw line and tab- or comma-separated field of those files, bytes as they are
-- (GBK, UTF-16, truncated sequences, NUL bytes)
local raw_fields = {}
for _, f in ipairs(files) do
  local h = io.open(f, "rb")
  if h then
    local data = h:read("a")
    h:close()
    for line in data:gmatch("[^\n]+") do
      if #line < 4000 then add(raw_fields, line) end
      for field in line:gmatch("[^\t,]+") do add(raw_fields, field) end
    end
  end
end

local tricky = {
  -- empty, blank, bare numbers, not applicable
  "", " ", "\t", "\n", "，", "；", "95", "98.37", " 95 ", "９８．３７", "1,234", "1,234.5", "12,34", "1,2345",
  "0", "007", "00.50", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
  "123456789012345678901234567890.123456789", "9007199254740993", "9007199254740993次",
  "18446744073709551616元", "95%", "95 %", "无", "无。", " 无 ", "不适用", "不涉及", "无此项", "-", "—", "——", "－",
  "/", "／", "N/A", "n/a", "NA", "na", "无；无", "无\n无", "不适用。",
  -- operators before and after
  "≥12次", "≧12次", "⩾12次", ">=12次", "＞＝12次", "大于等于12次", "大于或等于12次", "不低于12次", "不少于12次",
  "不小于12次", "至少12次", "最少12次", "不得低于12次", "不得少于12次", ">12次", "＞12次", "大于12次", "超过12次",
  "高于12次", "多于12次", "=12次", "＝12次", "等于12次", "≤12次", "≦12次", "⩽12次", "<=12次", "＜＝12次",
  "小于等于12次", "小于或等于12次", "不超过12次", "不高于12次", "不多于12次", "不大于12次", "至多12次", "最多12次",
  "不得超过12次", "不得高于12次", "控制在12次", "<12次", "＜12次", "小于12次", "低于12次", "少于12次", "不足12次",
  "达到12次", "达12次", "约12次", "约为12次", "大约12次", "近12次", "将近12次", "≥ 12 次", "≥　12　次", "≥\194\16012次",
  "12次以上", "12次及以上", "12次或以上", "12次以下", "12次及以下", "12次或以下", "12次以内", "12次之内",
  "12次内", "12天内完成", "3个工作日内", "12次左右", "12 次 以上", "≥12次以上", "达到12次以上", "约12次左右",
  "12以上", "12左右", "12内", "95%以上", "≥95", "达到95", "约95", "95多", "20多个", "20余家", "20多", "20 余 人",
  "经济效益≥99%", "服务率达到100%", "不少于两次", "不少于十二次", "至少十次", "三次以上", "两次左右", "一次性补助",
  "“三会一课”", "第三届", "第3届", "第十二次会议", "第一百次", "第", "第 3", "十", "十次以上", "二十五个以上",
  "零次以上", "〇次以上", "三五次以上", "≥五十", "大于十", "达到三次",
  -- 内 and 元 guards
  "12个内容", "12项内部", "12项内涵", "12项内外", "12项内在", "12项内地", "12项内业", "12项内", "12年内部",
  "3元", "3元旦", "3元宵", "3元素", "3元件", "3元月", "3元以内", "2021元旦", "2021元", "5万元", "5亿元", "5千元",
  "5百万元", "5万", "5万人", "5亿", "5千米", "5千克", "5千", "5千个", "3.5万元", "１２万元", "1,000万元", "约5万",
  "≥5万", "5万以上", "5 万 元", "5万 元",
  -- units
  "5%", "5％", "5百分比", "5(%)", "5（%）", "5(％)", "5（％）", "5‰", "≥90.00(%)", "=100.00(%)", "5人次", "5个百分点",
  "5个月", "5个工作日", "5工作日", "5个", "5km", "5公里", "5㎡", "5m²", "5m", "5kg", "5公斤", "5平方米", "5立方米",
  "5小时", "5分钟", "5分", "5名", "5人", "5日", "5人天", "5户次", "5倍", "5 倍", "5年", "12个月内",
  -- dates
  "2021-03-05", "2021/3/5", "2021.3.5", "2021-3-5-6", "2021-03-055", "2021-13-05", "2021-02-30", "2020-02-29",
  "2021-02-29", "1900-02-29", "2000-02-29", "2021年", "2021年度", "2021年3月", "2021年3月份", "2021年3月5日",
  "2021年3月5号", "2021年3月上旬", "2021年3月中旬", "2021年3月下旬", "2021年3月初", "2021年3月底", "2021年3月末",
  "3月底", "3月初", "3月末", "3月", "3月份", "03月", "12月", "13月", "0月", "3月5日", "2月30日", "2月29日",
  "2021年2月29日", "2024年2月29日", "2021年13月", "2154年", "1899年", "2099年", "2100年", "0000年", "2021年第一季度",
  "2021年第二季度", "2021年第三季度", "2021年第四季度", "2021年第五季度", "2021年1季度", "2021年第1季", "第3季度",
  "第0季度", "第5季度", "三季度", "第一季度完成", "一季度", "2021年上半年", "2021年下半年", "上半年", "下半年",
  "年底", "年末", "年内", "年初", "年中", "2021年底", "2021年末", "2021年初", "2021年内", "2021年中", "2021年度底",
  "2021年内部", "2021年 底", "截至2021年底", "截止2021年底", "截止到2021年底", "不晚于2021年6月", "不迟于6月",
  "最迟6月底", "最晚6月", "≤2021年6月", "≦6月", "⩽6月", "<=6月", "截至 2021年", "截至", "截至年底前",
  "2021年6月前", "2021年6月之前", "2021年6月以前", "6月底前", "6月以内", "6月之内", "6月内", "6月内容", "6月内部",
  "6月 前", "12月前完成", "年底前", "年内完成", "2021年12月31日前", "１２月３１日前", "２０２１年３月",
  "2021龙岗区", "2021", "2021 年", "2021.5", "2021,5", "2021,500", "2021次", "2021万", "2021以上", "2021内",
  "2021内容", "2021 元旦", "1899", "2100", "2021-2022年", "2020年至2021年", "20210305", "221年",
  "1.出勤天数≥110天 2.2020年7月26日完成发放", "2.2020年", "x2.2020年", "3.2021年底前完成",
  -- numbered items
  "1.a≥1次 2.b≥2次", "1.a 2.b 3.c", "1、a；2、b", "1)a 2)b", "1）a 2）b", "(1)a(2)b", "（1）a（2）b", "①a②b③c",
  "⑳a", "①a③b", "一、a 二、b 三、c", "(一)a(二)b", "（一）a（二）b", "1.a 1.b", "1.a 3.b", "2.a 3.b",
  "1.a (2)b", "1.a，2.b", "1.a；2.b", "1.a：2.b", "1.a。2.b", "1.a、2.b", "1.a\t2.b", "1.a　2.b", "1.a\194\1602.b",
  "前言：1.a≥5次 2.b≤3天", "前言 (1)a (2)b", "1.2.3.", "1. 2. 3.", "1.", "1.a", "12.a 13.b", "01.a 02.b",
  "1.5万元 2.3万元", "1,000元 2,000元", "十一、a 十二、b", "一、a一、b", "一、 二、", "(1)(2)", "①②", "1.无 2.无",
  "1.不适用 2.≥90%", "1.达成 2.部分达成", "1.a≥1次\n2.b≥2次", "(1)2021年(2)2022年", "①≥95%②≥90%",
  "1.1 a 2.2 b", "１．a ２．b", "1．a 2．b",
  -- splitting
  "台式电脑2台, 打印机2台, 办公家具1批", "台式电脑2台，打印机2台", "台式电脑2台，打印机", "a2台。b3台。",
  "a2台、b3台", "a2台；b", "a2台;b3台", "a\nb", "a\rb", "a2台,b3台,c", "a2台,,b3台", "，a2台，b3台，",
  "1,000台,2,000台", "a≥2台,b≥3台;c≥4台", "第一季度完成,第二季度完成", "开展党员教育24次。",
  -- qualitative words
  "达成", "达成年度指标", "部分达成", "部分达成年度指标", "部分达成年度指标并具有一定效果", "未达成",
  "未达成年度指标", "未达成年度指标且效果较差", "合理", "有所提高", "明显提升", "显著提升", "改善", "增强",
  "有所降低", "减少", "下降", "良好", "较好", "优秀", "合格", "达标", "零投诉", "无投诉", "及时", "按时", "按期",
  "如期", "准确", "完成", "已完成", "全部完成", "圆满完成", "顺利完成", "不合格", "不合理", "不及时", "不准确",
  "未完成", "未按时", "不达标", "未达标", "工作效率提高，服务满意度良好", "按时完成各项任务", "不适用的项目",
  "有效合理配备办公设备, 改善工作环境, 使购置的办公设备切实提高工作效率, 保障工作的顺利开展。",
  -- subjects
  "参加率为95%", "采购计划的100%", "（采购率）为95%", "《报告》的篇数是3篇", "“满意度”≥90%", "率为", "为95%为",
  "a≥1次b≥2次", "a2021年b3次c", "满意度≥90%，及时", "按时完成，达到95%",
  -- invalid and odd bytes
  "\255", "\255\254", "12\255次", "\228\184", "≥12\228\184", "\228\184\128", "a\0b", "12\0次", "\194", "\194\160",
  "\226\137", "\226\137\165", "≥\255", "\239\188", "\239\188\144", "１\239\188", "\128\128", "\240\159\152\128",
  "\240\159\152", "12\240\159\152\128次", "\192\128", "\237\160\128", "\244\144\128\128", "(\255)", "1.\255 2.\255",
  "①\226\145", "\226\145\160\226\145\161", "（1\239\188", "＞\239", "元\230", "内\229",
  -- hard separators seen in a run of blanks, alone, or after a marker; a cell without any
  "a2台 ; b3台", "a2台 ；b3台", "a2台　；　b3台", "a2台\r\nb3台", "1.a；b 2.c", "a；", ";a", "\r", "a\r",
  "1.a\n", "(1);a(2);b", "a2台,b3台", "a2台，b3台，c4台",
  -- soft pieces with no, one, two numbers
  "a，b，c", "a2台，b，c", "a，b3台", "a2台，b3台，c", "a2台、3台",
  -- digits that start a date and those that cannot
  "3季", "3季度", "12季度", "第3季", "2021季度", "12月", "123月", "1234月", "2021年", "20211年", "2021-", "2021-1",
  "2021/", "2021.5.6", "１２月", "１季度", "２０２１年", "２０２１－", "5日", "5号", "截至5月", "截至 12月", "截至不",
  "不晚于年底", "最迟第三季度", "≤3季度", "<3月",
  -- has_operator: what a symbol, a number and an operator word need
  "不少于", "不少于三", "三个以上", "以上三", "内容3个", "a≥", "=", "aaa>", "达到三次左右", "约三次", "三次左右",
  "≥\226\137", "满意度高，完成率100%，不低于", "完成率100%，其余不低于上年", "一个大于", "一百个以上",
  -- words that share their first character, and a character cut at the end
  "不", "不低", "不低于", "达", "达到", "达成年", "有所", "元", "万元", "个", "个工作", "12个工作", "完\229\174",
  "12\229", "12\229\185", "2021\229\185", "≥1\239\188", "提\230",
}

-- Generated strings: random sequences of pieces of the grammar (deterministic).
local pieces = {
  "0", "1", "2", "3", "9", "12", "2021", "2020", "1900", "2154", "１", "２", "０", ".", ",", "．", "、", "，", "；",
  ";", "。", " ", "　", "\n", "年", "月", "日", "号", "份", "度", "第", "季度", "季", "上旬", "中旬", "下旬", "初",
  "底", "末", "内", "前", "之前", "以内", "截至", "最迟", "上半年", "下半年", "年底", "年内", "一", "二", "三",
  "四", "十", "两", "零", "百", "次", "元", "万元", "万", "亿", "千", "%", "(%)", "人", "个", "个月", "旦",
  "容", "部", "≥", ">", "=", "<", "≤", "不低于", "达到", "约", "近", "以上", "以下", "左右", "多", "余", "(",
  ")", "（", "）", "①", "②", "③", "达成", "部分达成", "提高", "完成", "不适用", "无", "为", "的", "“", "”",
  "a", "满意度", "\255", "\228\184", "/", "-", "N/A",
}
local generated = {}
do
  local state = 20210
  local function rand(n) -- a small LCG, the same on every platform
    state = (state * 1103515245 + 12345) % 2147483648
    return state % n + 1
  end
  for _ = 1, 4000 do
    local parts = {}
    for k = 1, rand(12) do parts[k] = pieces[rand(#pieces)] end
    add(generated, concat(parts))
  end
end

local long = {
  string.rep("a", 100000), string.rep("1", 5000), string.rep("提高", 20000), string.rep("≥12次，", 3000),
  string.rep("1.a ", 2000), string.rep(" ", 10000) .. "1.a 2.b", string.rep("2021年3月5日", 2000),
  string.rep("１", 3000) .. "元", "1." .. string.rep("5", 3000) .. "%", string.rep("\255", 10000),
  string.rep("；", 5000), string.rep("，2台", 5000),
}

---------------------------------------------------------------- tests

t.test("every cell of every table under tests/data reads the same", function()
  t.ok(#all_cells > 200, "expected the fixtures' cells, found " .. #all_cells)
  compare(all_cells, "the cells of tests/data")
end)

t.test("every raw field of the files under tests/data reads the same", function()
  compare(raw_fields, "the raw fields of tests/data")
end)

t.test("hand-written cases read the same", function()
  compare(tricky, "the hand-written cases")
end)

t.test("generated strings read the same", function()
  compare(generated, "the generated strings")
end)

t.test("very long strings read the same", function()
  compare(long, "the long strings")
end)

t.test("numbers keep Lua's integer/float distinction", function()
  local function number(s) return core.parse(s).items[1].number end
  t.eq(math.type(number("12次")), "integer")
  t.eq(math.type(number("12.0次")), "float")
  t.eq(math.type(number("5万人")), "float")
  t.eq(math.type(number("95")), "integer")
  t.eq(number("9007199254740993次"), 9007199254740993)
  t.eq(math.type(number("99999999999999999999次")), "float")
  t.eq(math.type(core.parse("不少于两次").items[1].number), "integer")
  t.eq(math.type(core.find_dates("2021年3月")[1].month), "integer")
end)

t.test("spans are 1-based like Lua's", function()
  local m = core.parse("共≥12次").items[1].values[1]
  t.eq({ m.pos, m.epos, m.text, m.op_text }, { 4, 12, "≥12次", "≥" })
  local d = core.find_dates("于2021年底前")[1]
  t.eq({ d.pos, d.text, d.deadline, d.period }, { 4, "2021年底前", true, "年底" })
end)

t.test("bad arguments raise as indicator.lua does", function()
  for _, f in ipairs(FUNCS) do
    for _, v in ipairs{ 12, true, {}, print } do
      t.raises(function() core[f](v) end, fmt("bad argument #1 to '%s' (string expected, got %s)", f, type(v)))
      t.raises(function() ind[f](v) end, fmt("bad argument #1 to '%s' (string expected, got %s)", f, type(v)))
    end
    t.raises(function() core[f]() end, fmt("bad argument #1 to '%s' (string expected, got nil)", f))
    t.raises(function() ind[f]() end, fmt("bad argument #1 to '%s' (string expected, got nil)", f))
  end
end)

t.test("jixiao.indicator answers with the core, and judge still reads strings", function()
  local s = "1.出勤天数≥110天 2.2020年7月26日完成发放"
  t.eq(diff(ind.parse(s), core.parse(s), ""), nil)
  t.eq(ind.judge("≥12次", "开展党员教育24次。").judgement, "met")
  t.eq(ind.has_operator("经济效益≥99%"), true)
  t.eq(ind.has_operator("服务率达到100%"), false)
end)

-- last: extending the grammar switches jixiao.indicator to LPeg for the rest of the state
t.test("an extended grammar is read by LPeg, not by the core", function()
  t.eq(ind.extended(), false)
  t.raises(function() ind.add_rule(lpeg.P(true)) end, "unusable rule")
  t.eq(ind.extended(), false)
  ind.add_unit("人月")
  t.eq(ind.extended(), true)
  local s = "投入3人月"
  t.eq(ind.parse(s).items[1].unit, "人月")
  t.eq(core.parse(s).items[1].unit, "人")
  t.eq(diff(ind.parse(s), L.parse(s), ""), nil)
  ind.add_operator("不逊于", ">=")
  t.eq(ind.has_operator("不逊于3次"), true)
  t.eq(core.has_operator("不逊于3次"), false)
end)

t.done()
