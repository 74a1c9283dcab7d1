#!/usr/bin/env python3
"""Derives the fixtures of `jixiao check` from the seed table
(tests/data/000_657db78fa8902e38.txt): its preamble and 3-row header, and rows
built from one clean row that no rule fires on. Each fixture row changes one
thing, and its project name says what it tests:
  "T rule[+rule] ..."  the row must produce findings of exactly these rules;
  "N rule ..."         a near miss: it looks like the rule's target but must
                       produce no finding at all.
tests/lua/test_check.lua holds every row of every fixture to that.
Rerun after changing this script: python3 make.py"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "000_657db78fa8902e38.txt")
lines = open(SEED, encoding="utf-8").read().split("\n")
PRE, HDR = lines[:8], [l.split("\t") for l in lines[8:11]]


def clean(name, seq="1"):
    """A row every rule passes: amounts add up, rate 95.00%, measurable targets."""
    return [seq, "区工商联", name,
            "10.00", "10.00", "0.00", "0.00", "9.50", "9.50", "0.00", "0.00", "95.00%",
            "举办培训班4期, 服务会员企业100家", "全年举办培训班4期, 服务会员企业110家",
            "举办培训班≥4期", "举办培训班4期",
            "培训合格率≥90%", "培训合格率95%",
            "12月底前完成", "11月20日完成",
            "节约会务成本≥5%", "节约会务成本5.5%",
            "服务会员企业≥100家", "服务会员企业110家",
            "线上办会比例≥60%", "线上办会比例65%",
            "参训会员满意度≥90%", "问卷调查满意度96%",
            "无", "无"]


def row(name, changes=None, seq=None):
    r = clean(name)
    for col, text in (changes or {}).items():
        r[col - 1] = text
    if seq is not None:
        r[0] = seq
    return r


def amounts(b, a, rate, parts=True):
    """Budget and actual (合计 = 一般公共预算, the rest 0.00) and the printed rate."""
    c = {4: b, 8: a, 12: rate}
    if parts:
        c.update({5: b, 9: a})
    return c


def write(name, rows, pre=PRE, hdr=HDR, trailer=()):
    body = ["\t".join(r) for r in hdr + rows]
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write("\n".join(pre + body + list(trailer)) + "\n")


write("clean.txt", [row("N all clean row"), row("N all clean row again", seq="2")])

write("money.txt", [
    row("T sum-of-parts budget total", {4: "10.02"}),
    row("N sum-of-parts within a cent", {4: "10.01"}),
    row("T sum-of-parts actual total", {8: "9.55"}),
    row("T sum-of-parts fund part", {6: "1.00"}),
    row("T rate-mismatch printed 90", {12: "90.00%"}),
    row("T rate-mismatch just over", {**amounts("100.00", "50.00", "50.51%"), 29: "因疫情推迟部分活动"}),
    row("N rate-mismatch at tolerance", {**amounts("100.00", "50.00", "50.50%"), 29: "因疫情推迟部分活动"}),
    row("N rate-mismatch relative tolerance", amounts("10.00", "10.00", "99.00%")),
    row("N rate-mismatch fraction form", {12: "0.95"}),
    row("T zero-budget-spending", amounts("0.00", "1.00", "-")),
    row("N zero-budget-spending nothing spent", amounts("0.00", "0.00", "-")),
    row("T rate-over-100", amounts("10.00", "10.50", "105.00%")),
    row("N rate-over-100 exactly spent", amounts("10.00", "10.00", "100.00%")),
    row("T low-rate-no-reason", amounts("10.00", "8.00", "80.00%")),
    row("T low-rate-no-reason empty", {**amounts("10.00", "8.00", "80.00%"), 29: "", 30: "加快执行进度"}),
    row("N low-rate-no-reason explained", {**amounts("10.00", "8.00", "80.00%"), 29: "因疫情影响, 部分培训延期。"}),
    row("N low-rate-no-reason at 90", amounts("10.00", "9.00", "90.00%")),
])

write("totals.txt", [
    row("N total-row-mismatch p1", amounts("10.00", "9.50", "95.00%")),
    row("N total-row-mismatch p2", amounts("20.00", "19.00", "95.00%")),
    row("N total-row-mismatch subtotal", amounts("30.00", "28.50", "95.00%"), seq="小计"),
    row("N total-row-mismatch p3", amounts("5.00", "5.00", "100.00%")),
    row("N total-row-mismatch second subtotal", amounts("5.00", "5.00", "100.00%"), seq="小计"),
    row("N total-row-mismatch grand total", amounts("35.00", "33.50", "95.71%"), seq="合计"),
    row("N total-row-mismatch p4", amounts("10.00", "9.50", "95.00%")),
    row("T total-row-mismatch wrong total", amounts("10.10", "9.50", "94.06%"), seq="合计"),
])

write("units.txt", [
    row("T unit-slip 6.03元 vs 6.03万元", {14: "全年举办培训班4期, 发放奖励6.03万元",
                                          17: "按标准发放奖励金额6.03元"}),
    row("T unit-slip text vs amount", {30: "结余10元已上缴财政"}),
    row("N unit-slip 单元", {14: "全年举办培训班4期, 支出3万元", 30: "完成3单元办公室改造"}),
    row("N unit-slip 元旦", {14: "全年举办培训班4期, 支出2021万元", 30: "2021元旦前完成慰问"}),
    row("N unit-slip 公元", {14: "全年举办培训班4期, 支出2021万元", 30: "公元2021年完成"}),
    row("N unit-slip same amount", {14: "全年举办培训班4期, 发放奖励6.03万元", 17: "按标准发放奖励60300元"}),
    row("N unit-slip 美元", {14: "全年举办培训班4期, 支出100万元", 30: "采购100美元设备"}),
])

write("texts.txt", [
    row("T date-outside-year", {20: "2020年11月20日完成"}),
    row("N date-outside-year 2020年7月26日项目"),
    row("N date-outside-year same year", {20: "2021年11月20日完成"}),
    row("N date-outside-year bare year", {14: "全年举办培训班4期(上年2020年为3期), 服务会员企业110家"}),
    row("T operator-in-result", {22: "节约会务成本≥5.5%"}),
    row("N operator-in-result soft", {22: "节约会务成本达到5.5%"}),
    row("T non-numeric-result", {16: "已按计划举办培训班"}),
    row("N non-numeric-result", {16: "举办培训班共4期"}),
    row("T percent-over-100", {18: "培训合格率105%"}),
    row("N percent-over-100 growth", {22: "节约会务成本5.5%, 线上报名同比增长150%"}),
    row("T percent-no-sign target", {17: "培训合格率≥90"}),
    row("T percent-no-sign bare result", {28: "96"}),
    row("N percent-no-sign", {17: "培训合格率不低于90%"}),
    row("T satisfaction-complaints", {27: "会员投诉数", 28: "零投诉"}),
    row("N satisfaction-complaints elsewhere", {17: "投诉处理率≥95%", 18: "投诉处理率100%"}),
    row("T satisfaction-100", {28: "问卷调查满意度100%"}),
    row("N satisfaction-100", {28: "问卷调查满意度99.5%"}),
    row("T vague-target", {23: "切实提高服务水平"}),
    row("N vague-target measurable", {23: "切实提高服务会员企业数量至100家"}),
    row("T not-applicable", {25: "不适用", 26: "不适用"}),
    row("N not-applicable 无 in a word", {25: "无纸化办公比例≥60%", 26: "无纸化办公比例65%"}),
    row("T result-equals-target", {19: "12月底前完成", 20: "12月底前完成。"}),
    row("N result-equals-target", {19: "12月底前完成", 20: "12月底前完成验收"}),
    row("T over-achievement", {16: "举办培训班5期"}),
    row("N over-achievement below 120%", {24: "服务会员企业119家"}),
    row("T duplicate-indicator", {21: "举办培训班≥4期", 22: "举办培训班4期"}),
    row("N duplicate-indicator similar", {21: "培训班节约会务成本≥5%"}),
    row("T missing-result", {28: ""}),
    row("N missing-result empty slot", {25: "", 26: ""}),
    row("T missing-dimension", {21: "", 22: "", 23: "", 24: "", 25: "", 26: ""}),
    row("N missing-dimension one filled", {23: "", 24: "", 25: "", 26: ""}),
    row("N missing-dimension no indicators at all", {c: "" for c in range(15, 29)}),
])

# A layout without the 满意度 columns (27-28): missing-dimension for the document.
drop = lambda r: r[:26] + r[28:]
write("no-satisfaction.txt", [drop(row("N all clean row without satisfaction"))], hdr=[drop(h) for h in HDR])

# The reader's diagnostics, passed through: no 单位 line, a money cell that is
# not a number, a rate that is not one, a note line after the rows.
write("reader.txt", [
    row("T amount-not-number", {5: "约10"}),
    row("T rate-not-number", {12: "已完成"}),
    row("T short-row")[:5],
], pre=[l for l in PRE if "单位" not in l], trailer=["", "填报人: 张三"])
