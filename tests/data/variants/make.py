#!/usr/bin/env python3
"""Derives the variant tables in this directory from the seed table
(tests/data/000_657db78fa8902e38.txt). Each variant is a way people really
export the same layout (column layout, labels, values, quoting, trailing rows);
`jixiao parse` must read each to the same model or fail
with a clear message. Rerun after changing this script: python3 make.py"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "000_657db78fa8902e38.txt")
raw = open(SEED, "rb").read()
text = raw.decode("utf-8")
lines = text.split("\n")
PRE, HDR, DATA = lines[:8], lines[8:11], lines[11:]


def write(name, data, enc="utf-8"):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode(enc))


# The seed's rows as the model has them after realignment (rows 4-6 repaired
# as the cells show them; the uncertain gaps placed where jixiao's best
# guess puts them). Used for variants that change the column layout.
def full_rows():
    rows = [l.split("\t") for l in DATA]
    out = []
    for r in rows:
        r = r + [""] * (30 - len(r))
        out.append(r[:30])
    # row 4: one empty among 17-19 (best guess: 19, 时效 target), rest shifted by one
    r = out[3]
    out[3] = r[:18] + [""] + r[18:29]
    # row 5: 生态 pair (25, 26) empty
    r = out[4]
    out[4] = r[:24] + ["", ""] + r[24:28]
    # row 6: one empty in 21-26 (best guess: 26), satisfaction result empty
    r = out[5]
    out[5] = r[:25] + [""] + [r[25]] + [""] + r[26:28]
    return [x[:30] for x in out]


def table(hdr_rows, data_rows, sep="\t", pre=PRE, eol="\n", final_eol=False):
    def q(c):
        if sep == "," and ("," in c or '"' in c or "\n" in c):
            return '"' + c.replace('"', '""') + '"'
        return c
    body = [sep.join(q(c) for c in r) for r in hdr_rows + data_rows]
    s = eol.join(pre + body)
    return s + (eol if final_eol else "")


hdr = [l.split("\t") for l in HDR]
data = [l.split("\t") for l in DATA]

# Encodings and line ends of the seed itself are in ../enc (see make.sh there).

# Spreadsheet quoting in a tab-separated export: a cell with an embedded
# newline, one with a tab and one with doubled quotes.
q = [list(r) for r in data]
q[0][12] = '"' + q[0][12].replace("。", "。\n第二行") + '"'
q[1][13] = '"' + q[1][13].replace("; 2.", ";\t2.") + '"'
q[2][2] = '"工商联""事务"""'
write("quoted.txt", table(hdr, q))

# Amounts and rates written with full-width digits and punctuation.
fw = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
f = [list(r) for r in data]
for r in f:
    for c in range(3, 12):
        r[c] = r[c].translate(fw)
write("fullwidth.txt", table(hdr, f))

full = full_rows()

# Renamed labels: the synonyms of the column mapping (src/schema.c).
ren = [list(r) for r in hdr]
ren[0][1] = "单位名称"
ren[0][3] = "全年预算数"
ren[0][7] = "全年执行数"
ren[0][11] = "执行率"
ren[0][28] = "偏差原因分析"
ren[0][29] = "改进措施"
for c in range(14, 28):
    ren[2][c] = "指标值" if c % 2 == 0 else "实际完成值"
write("renamed.txt", table(ren, full))

# Reordered columns: rate first after the name, 问题/整改 before the goals,
# actual before budget.
order = list(range(3)) + [11] + list(range(7, 11)) + list(range(3, 7)) + [28, 29, 12, 13] + list(range(14, 28))
ro_h = [[r[i] for i in order] for r in hdr]
# a group label must head its span after reordering
ro_h[0][4], ro_h[0][8] = "实际支出金额", "项目年度预算金额"
ro_h[1][5], ro_h[1][9] = "其中: 财政拨款", "其中: 财政拨款"
write("reordered.txt", table(ro_h, [[r[i] for i in order] for r in full]))

# Missing columns: no rate, no 非财政资金 (budget and actual).
keep = [i for i in range(30) if i not in (6, 10, 11)]
write("missing.txt", table([[r[i] for i in keep] for r in hdr], [[r[i] for i in keep] for r in full]))

# A 2-row header: the fund split written as one label per column, the
# indicator kind and role merged into one label.
h2a = list(hdr[0])
h2b = [""] * 30
h2b[3:7] = ["合计", "一般公共预算", "政府性基金", "非财政资金"]
h2b[7:11] = ["合计", "一般公共预算", "政府性基金", "非财政资金"]
kinds = ["数量指标", "质量指标", "时效指标", "经济效益指标", "社会效益指标", "生态效益指标", "服务对象满意度指标"]
for k, kind in enumerate(kinds):
    h2b[14 + 2 * k] = kind + "(年度指标内容)"
    h2b[15 + 2 * k] = kind + "(完成情况)"
write("header2.txt", table([h2a, h2b], full))

# Amounts in 元 with thousands separators (Shanghai style).
def yuan(s):
    whole, frac = s.split(".")
    v = int(whole) * 100 + int(frac)
    v *= 10000
    return "{:,}.{:02d}".format(v // 100, v % 100)
y = [list(r) for r in full]
for r in y:
    for c in range(3, 11):
        r[c] = yuan(r[c])
pre_y = list(PRE)
pre_y[6] = "单位: 元"
write("yuan.txt", table(hdr, y, pre=pre_y))

# A total row and a signature note after the data.
tot = [""] * 30
tot[2] = "合计"
tot[3], tot[4], tot[5], tot[6] = "288.49", "288.49", "0.00", "0.00"
tot[7], tot[8], tot[9], tot[10] = "267.98", "267.98", "0.00", "0.00"
tot[11] = "92.89%"
write("total-row.txt", table(hdr, data + [tot, ["填报人: 张三"]], final_eol=True))

# Broken inputs.
write("empty.txt", b"")
write("only-bom.txt", b"\xef\xbb\xbf")
write("header-only.txt", "\n".join(PRE + HDR) + "\n")
write("truncated.txt", raw[: raw.index("商会组织建设".encode()) + 4])  # ends inside a UTF-8 sequence
write("truncated-row.txt", raw[: raw.index(b"40.26\t40.26") + 8])  # ends inside row 4
write("binary.bin", bytes(range(256)) * 8)
write("not-a-table.txt", "会议纪要\n\n今天讨论了预算问题。\n下次会议时间待定。\n")
write("mixed-encoding.txt", raw[:3000] + "商会".encode("gb18030") + raw[3000:])
