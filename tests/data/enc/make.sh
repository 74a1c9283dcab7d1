#!/bin/sh
# Regenerates the encoding and line-end fixtures of the source and rows unit
# tests from the UTF-8 seed table. Needs iconv and python3.
# Usage (from anywhere): sh tests/data/enc/make.sh
set -eu
cd "$(dirname "$0")"
SEED=../000_657db78fa8902e38.txt

# The same table in every supported encoding; each decodes to the seed's bytes.
printf '\357\273\277' > utf8_bom.txt && cat "$SEED" >> utf8_bom.txt
iconv -f UTF-8 -t GB18030 "$SEED" > gb18030.txt
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$SEED"; } > utf16le_bom.txt
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE "$SEED"; } > utf16be_bom.txt

# GBK proper (a GB18030 subset): the preamble and the first header row.
head -n 9 "$SEED" | iconv -f UTF-8 -t GBK > gbk_sample.txt

python3 - "$SEED" <<'PY'
import csv, io, sys, zipfile
seed = open(sys.argv[1], 'rb').read()
text = seed.decode('utf-8')
# Line-end variants: same cells, same line numbers.
open('crlf.txt', 'wb').write(seed.replace(b'\n', b'\r\n'))
open('cr.txt', 'wb').write(seed.replace(b'\n', b'\r'))
# Notepad's "Unicode": UTF-16LE with a BOM and CRLF line ends.
open('utf16le_bom_crlf.txt', 'wb').write(b'\xff\xfe' + text.replace('\n', '\r\n').encode('utf-16-le'))
# Comma-separated the way spreadsheet programs save it: cells holding ", " are quoted.
out = io.StringIO()
w = csv.writer(out, lineterminator='\r\n')
for line in text.split('\n'):
    w.writerow(line.split('\t'))
open('comma.csv', 'wb').write(out.getvalue().encode('utf-8'))
# GB18030 cut in the middle of a two-byte character.
open('truncated_gb18030.txt', 'wb').write('合计\t3.07\n一般公共预算'.encode('gb18030')[:-1])
# UTF-8 with one GBK-encoded cell on line 3.
open('mixed.txt', 'wb').write('序号\t项目名称\n1\t办公设备\n2\t'.encode() + '党建事务'.encode('gbk') + b'\n')
# Binary exports that must be refused.
open('sample.pdf', 'wb').write(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n')
zi = zipfile.ZipInfo('xl/workbook.xml', date_time=(2021, 1, 1, 0, 0, 0))
with zipfile.ZipFile('sample.xlsx', 'w') as z:
    z.writestr(zi, '<workbook/>')
open('sample.xls', 'wb').write(b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + bytes(56))
PY
