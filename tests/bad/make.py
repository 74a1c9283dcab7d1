#!/usr/bin/env python3
"""Bad inputs for jixiao's reader, derived from the seed table
(tests/data/000_657db78fa8902e38.txt): what an office export goes wrong in.
tests/cli/bad.sh asserts the exact message and exit status of each.

    python3 tests/bad/make.py            rewrites the small files kept here
    python3 tests/bad/make.py --big DIR  writes the large ones into DIR
                                         (made at test time, never committed)

Inputs already in tests/data are not repeated here: variants/empty.txt,
only-bom.txt, header-only.txt (a header with no data), truncated.txt (cut
inside a UTF-8 sequence), binary.bin, not-a-table.txt, mixed-encoding.txt,
enc/truncated_gb18030.txt, enc/cr.txt (CR-only line ends), enc/sample.pdf,
.xls and .xlsx; tests/cli/bad.sh and tests/cli/parse.sh use them in place."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "data", "000_657db78fa8902e38.txt")
RAW = open(SEED, "rb").read()
LINES = RAW.decode("utf-8").split("\n")
PRE, HDR, DATA = LINES[:8], LINES[8:11], [l for l in LINES[11:] if l]


def write(dirname, name, data):
    with open(os.path.join(dirname, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def text(pre=PRE, hdr=HDR, data=DATA):
    return "\n".join(pre + hdr + data) + "\n"


def small(d):
    # A NUL byte inside a cell, within the first 64 KiB.
    write(d, "nul-in-cell.txt", text().encode().replace("办公设备购置".encode(), "办公\0设备购置".encode(), 1))
    # Control-byte soup that is not NUL (a file from a terminal session).
    write(d, "control-bytes.txt", ("x\x1b[0m\x07\x08" * 40 + "\n").encode() + text().encode())
    # A UTF-8 sequence cut short in the middle of the file: a lead byte
    # followed by a tab.
    write(d, "utf8-cut-mid.txt", text().encode().replace("党员教育".encode(), "党员".encode() + b"\xe6\x95", 1))
    # GB18030 with a lead byte followed by a tab in a data row.
    gb = text().encode("gb18030")
    write(d, "gb18030-cut-mid.txt", gb.replace("党员教育".encode("gb18030"), "党员".encode("gb18030") + b"\xbd", 1))
    # UTF-16LE with a BOM and one byte too many at the end.
    write(d, "utf16-odd.txt", b"\xff\xfe" + text().encode("utf-16-le") + b"\x0a")
    # UTF-16LE without a BOM: refused as binary, read with --encoding utf-16le.
    write(d, "utf16-nobom.txt", text().encode("utf-16-le"))
    # UTF-16LE (with a BOM) that decodes to a U+0000 character.
    write(d, "utf16-nul.txt", b"\xff\xfe" + text().replace("党员教育", "党员\0教育", 1).encode("utf-16-le"))
    # A quoted cell that is never closed.
    rows = list(DATA)
    rows[2] = rows[2].replace("工商联事务", '"工商联事务', 1)
    write(d, "unterminated-quote.txt", text(data=rows))
    # The header repeated halfway, as paged exports print it on every page.
    write(d, "repeated-header.txt", text(data=DATA[:3] + HDR + DATA[3:]))
    # Two columns labelled 项目名称: the second is kept under its path.
    h = [l.split("\t") for l in HDR]
    h[0][1] = "项目名称"
    write(d, "duplicate-columns.txt", text(hdr=["\t".join(r) for r in h]))
    # A header ten rows deep (the default limit is 8).
    deep = HDR[:1] + ["\t".join(["", "", "", "层%d" % k]) for k in range(7)] + HDR[1:]
    write(d, "header-deep.txt", text(hdr=deep))
    # Column labels of some other table: no 项目名称.
    other = [HDR[0].replace("项目名称", "科目")]
    write(d, "no-name-column.txt", text(hdr=other + HDR[1:]))
    # An HTML table saved with a .xls or .txt name, as many office systems export.
    html = "<html><body><table>\n<tr>" + "".join("<td>%s</td>" % c for c in HDR[0].split("\t")) + "</tr>\n"
    for r in DATA:
        html += "<tr>" + "".join("<td>%s</td>" % c for c in r.split("\t")) + "</tr>\n"
    write(d, "html-table.xls", html + "</table></body></html>\n")


def big(d):
    # 10,000 columns: the default --max-cols is 4096.
    ncols = 10000
    head = ["序号", "项目名称", "项目年度预算金额"] + ["列%d" % k for k in range(4, ncols + 1)]
    row = ["1", "项目", "3.07"] + ["x"] * (ncols - 3)
    write(d, "cols-10000.txt", "\t".join(head) + "\n" + ("\t".join(row) + "\n") * 20)
    # The same shape with 1,000 columns, to compare time against.
    write(d, "cols-1000.txt", "\t".join(head[:1000]) + "\n" + ("\t".join(row[:1000]) + "\n") * 20)
    # A 100 MB cell (the default --max-cell is 16 MiB).
    with open(os.path.join(d, "cell-100mb.txt"), "wb") as f:
        f.write(text(data=[]).encode())
        cells = DATA[0].split("\t")
        f.write("\t".join(cells[:12]).encode() + b"\t")
        chunk = "目标".encode() * (1 << 16)
        for _ in range(100 * 1000 * 1000 // len(chunk)):
            f.write(chunk)
        f.write(b"\t" + "\t".join(cells[13:]).encode() + b"\n")
    # A 70 MB line of 4,000 cells of 17.5 KB (the default --max-record is 64 MiB).
    with open(os.path.join(d, "line-70mb.txt"), "wb") as f:
        f.write(text(data=[]).encode())
        cell = b"a" * 17500
        f.write(b"1\t" + b"\t".join([cell] * 4000) + b"\n")
    # A NUL past the 64 KiB the encoding sniff reads.
    rows, n = [], len(text(data=[]))
    while n < 70000:
        rows.append(DATA[0])
        n += len(DATA[0].encode()) + 1
    rows.append(DATA[1].replace("其他", "其\0他", 1))
    write(d, "nul-after-64k.txt", text(data=rows))
    # UTF-8 for 64 KiB, then a GBK line (the sniff cannot see it).
    rows = rows[:-1] + [DATA[1].encode("utf-8").decode()]
    body = text(data=rows).encode() + DATA[2].encode("gbk") + b"\n"
    write(d, "gbk-after-64k.txt", body)
    # A header and no data past the first 64 KiB: the end of input is found
    # by a refill after the header's last row (the reader once looped there).
    notes = ["说明\t" + "本表所列项目均为年度预算项目。" * 20] * 220
    write(d, "header-only-past-64k.txt", "\n".join(PRE + notes[:150] + HDR) + "\n")
    # A merged header label of 3 MB over 2,000 columns: each column's path
    # repeats the label, so uncapped it would take 6 GB.
    ncols = 2000
    r1 = "序号\t项目名称\t预算" + "\t" * (ncols - 3)
    r2 = "\t\t\t" + "长" * (1 << 20) + "\t" * (ncols - 4)
    r3 = "\t\t\t" + "\t".join("x%d" % k for k in range(ncols - 3))
    write(d, "header-bomb.txt", r1 + "\n" + r2 + "\n" + r3 + "\n1\t名\t3.0\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        big(sys.argv[2])
    elif len(sys.argv) == 1:
        small(HERE)
    else:
        sys.exit("usage: make.py [--big DIR]")
