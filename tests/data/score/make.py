#!/usr/bin/env python3
"""Writes the scoring fixtures in this directory: tables in the seed's layout
(tests/data/000_657db78fa8902e38.txt) that also carry their own scores, a
分值/得分 pair after every indicator pair and after the execution rate, and a
自评得分 total. `jixiao score` scores them with the table's weights and checks
every 得分 against its recomputation. Rerun after changing: python3 make.py"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

PRE = ["", "", "## 2021年度区示例部门预算项目绩效自评表", "", "部门名称(盖章): 示例区示例局", "", "单位: 万元", ""]

SLOTS = [("产出目标", ["数量指标", "质量指标", "时效指标"]),
         ("效益目标", ["经济效益指标", "社会效益指标", "生态效益指标"]),
         ("满意度指标", ["服务对象满意度指标"])]


def header():
    r1 = ["序号", "部门名称", "项目名称", "项目年度预算金额", "", "", "", "实际支出金额", "", "", "",
          "预算支出执行率", "", "", "年初绩效目标", "绩效目标整体完成情况"]
    r2 = ["", "", "", "合计", "其中: 财政拨款", "", "非财政资金", "合计", "其中: 财政拨款", "", "非财政资金",
          "执行率", "分值", "得分", "", ""]
    r3 = ["", "", "", "", "一般公共预算", "政府性基金", "", "", "一般公共预算", "政府性基金", "", "", "", "", "", ""]
    for top, kinds in SLOTS:
        r1 += [top] + [""] * (4 * len(kinds) - 1)
        for k in kinds:
            r2 += [k, "", "", ""]
            r3 += ["年度指标内容", "完成情况", "分值", "得分"]
    r1 += ["项目执行中存在的问题", "整改情况", "自评得分"]
    r2 += ["", "", ""]
    r3 += ["", "", ""]
    return [r1, r2, r3]


def row(seq, name, budget, actual, rate, exec_w, exec_s, inds, problems, total):
    r = [str(seq), "示例局", name, budget, budget, "0.00", "0.00", actual, actual, "0.00", "0.00",
         rate, exec_w, exec_s, "完成年度工作任务", "完成"]
    for target, result, w, s in inds:
        r += [target, result, w, s]
    return r + [problems, "无" if problems == "无" else "加强管理", total]


# Every score here agrees with its recomputation under the table's weights
# (social 13.5 lies in the 达成 band [12, 15] of its weight 15 and is kept).
AGREES = row(1, "会员服务", "10.00", "9.50", "95.00%", "10", "9.50", [
    ("开展会员走访≥10次", "开展会员走访8次", "20", "16.00"),      # 8/10 × 20
    ("服务合格率≥95%", "服务合格率98%", "15", "15"),
    ("12月底前完成", "11月20日完成", "15", "15"),
    ("工作经费≤5万元", "工作经费6万元", "15", "12.00"),            # (1 − (6−5)/5) × 15
    ("提高服务水平", "服务水平明显提高", "15", "13.5"),
    ("不适用", "不适用", "0", ""),
    ("会员满意度≥90%", "会员满意度96%", "10", "10"),
], "因部分会员企业停工, 走访次数未达目标。", "91.00")

# Disagreements: execution 得分 above its 分值 (and over-spending, capped at 10), 时效
# scored 15 where the reverse rule gives 5.00, and a total that is neither the sum of
# its scores nor the recomputed total.
DISAGREES = row(2, "宣传活动", "20.00", "21.00", "105.00%", "10", "10.5", [
    ("举办宣传活动≥4场", "举办宣传活动4场", "20", "20"),
    ("安全事故=0起", "安全事故0起", "15", "15"),
    ("审批时长≤3天", "审批时长5天", "15", "15"),                  # (1 − (5−3)/3) × 15 = 5.00
    ("带动消费≥50万元", "带动消费60万元", "15", "15"),             # over-achievement 1.2
    ("扩大活动影响", "部分达成年度指标", "15", "11"),              # 部分达成 [9, 12): kept
    ("不适用", "不适用", "0", ""),
    ("群众满意度≥90%", "群众满意度85%", "10", "9.44"),             # 85/90 × 10
], "无", "96.00")

# Weights that sum to 95, not 100; every score is full and agrees.
SHORT = row(3, "业务培训", "5.00", "5.00", "100.00%", "10", "10", [
    ("培训≥2期", "培训2期", "15", "15"),
    ("考核通过率≥90%", "考核通过率95%", "15", "15"),
    ("11月底前完成", "10月完成", "15", "15"),
    ("节约经费", "节约经费0.5万元", "15", "15"),
    ("提升业务能力", "业务能力明显提升", "15", "15"),
    ("不适用", "不适用", "0", ""),
    ("学员满意度≥90%", "学员满意度98%", "10", "10"),
], "无", "95")


def write(name, rows):
    lines = PRE + ["\t".join(r) for r in header() + rows]
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


write("stated-agrees.txt", [AGREES])
write("stated.txt", [AGREES, DISAGREES, SHORT])
