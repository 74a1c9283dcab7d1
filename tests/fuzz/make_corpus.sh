#!/bin/sh
# Rebuilds the seed corpora in tests/fuzz/corpus/ from tests/data: small
# files are copied, large ones cut to their first 4 KiB (the fuzzer grows
# inputs itself), header fragments cut out of the tables, and hand-written
# cells, JSON texts, URLs and HTTP responses added. Run from the repository
# root with a built ./jixiao; the output is committed, so this only runs when
# the seeds should change.
set -e
C=tests/fuzz/corpus
D=tests/data
rm -rf "$C"
mkdir -p "$C/source" "$C/rows" "$C/header" "$C/table" "$C/values" "$C/json" "$C/url" "$C/http" "$C/indicator"

# Encodings: every sample, BOMs, binary look-alikes, cut sequences.
for f in "$D"/enc/*.txt "$D"/enc/*.csv "$D"/enc/sample.* "$D"/variants/binary.bin \
         "$D"/variants/only-bom.txt "$D"/variants/mixed-encoding.txt "$D"/variants/truncated.txt; do
  head -c 4096 "$f" > "$C/source/$(basename "$f")"
done
: > "$C/source/empty"

# Records: quoting, line ends and delimiters.
for f in "$D"/enc/comma.csv "$D"/enc/cr.txt "$D"/enc/crlf.txt "$D"/variants/quoted.txt; do
  head -c 4096 "$f" > "$C/rows/$(basename "$f")"
done
printf '"a\tb"\t"c""d"\t"multi\nline"\r\nx\ty\n' > "$C/rows/quoted-tab"
printf 'a,"b,c","d""e"\r"f\rg",h\r' > "$C/rows/quoted-cr"
printf '"unterminated\tcell\n' > "$C/rows/unterminated"
printf 'x"y"z\t"q"tail\t\n\n\t\n' > "$C/rows/stray-quotes"

# Tables: the whole reader, one file per layout the tests know.
for f in "$D"/000_657db78fa8902e38.txt "$D"/check/reader.txt "$D"/check/clean.txt \
         "$D"/check/no-satisfaction.txt "$D"/score/stated.txt "$D"/variants/header2.txt \
         "$D"/variants/quoted.txt "$D"/variants/fullwidth.txt "$D"/variants/missing.txt \
         "$D"/variants/total-row.txt "$D"/variants/truncated-row.txt "$D"/variants/header-only.txt \
         "$D"/variants/yuan.txt "$D"/enc/gb18030.txt "$D"/enc/utf16le_bom.txt; do
  cp "$f" "$C/table/$(basename "$(dirname "$f")")-$(basename "$f")"
done

# Headers: each table's header rows, an empty line, then its first data rows
# (the layout tests/fuzz/fuzz_header.c expects).
for f in "$D"/000_657db78fa8902e38.txt "$D"/check/reader.txt "$D"/variants/header2.txt \
         "$D"/variants/renamed.txt "$D"/variants/reordered.txt "$D"/variants/missing.txt \
         "$D"/score/stated.txt; do
  range=$(./jixiao parse "$f" | python3 -c 'import json,sys; h=json.load(sys.stdin)["header"]; print(h["first_line"], h["last_line"])')
  set -- $range
  { sed -n "$1,$2p" "$f"; echo; sed -n "$(($2 + 1)),$(($2 + 6))p" "$f"; } > "$C/header/$(basename "$f")"
done

# Cells: amounts, rates, units, folds and cues, and pairs for arithmetic.
n=0
cell() { n=$((n + 1)); printf '%s' "$1" > "$C/values/$(printf '%03d' $n)"; }
for v in '3.07' '0.00' '-0.50' '１２３．４５' '1,234,567.89' '１，２３４' '+.5' '5.' '-' '—' '——' '／' \
         '98.37%' '98.37％' '0.9837' '1.000' '100' ' 98 % ' '%' '123456789012345678' '1234567890123456789' \
         '0.000000000000000001' '单位：万元' '（单位：亿元）' '金额单位:元' '全年预算数（万元）' '单价(元/吨)' \
         '9月3日召开' '≥90%' '满意度95%' '不适用' '无' '因疫情影响，未完成' '督促整改' '　全角　空格　' \
         'ＡＢＣ：（）' "$(printf '3.07\t-0.5')" "$(printf '9223372036854775807\t-1')" \
         "$(printf '0.000000001\t1000000000')" "$(printf '99999999.99\t0.01')"; do
  cell "$v"
done
# Cells from the seed itself.
tr '\t' '\n' < "$D"/000_657db78fa8902e38.txt | awk 'length($0) > 0 && length($0) < 80' | sort -u | head -n 60 |
while IFS= read -r v; do n=$((n + 1)); printf '%s' "$v" > "$C/values/seed-$(printf '%03d' $n)"; done

# JSON texts for the jixiao.json decoder.
cp "$D"/check/report.schema.json "$C/json/report.schema.json"
j=0
for v in '{"a":[1,2.5,-0.0,1e308,"\u00e9\ud83d\ude00"],"b":null,"c":true,"d":false}' '[[[[]]]]' '"\u0000"' \
         '12345678901234567890' '0.1' '-12.340' '{"x":{"y":{}}}' '[]' '{}' '"tab\there"' '1E-7' \
         '{"dup":1,"dup":2}' '[1,]' '{"a" 1}' '"\ud800"' "$(printf '\357\273\277{"bom":1}')"; do
  j=$((j + 1)); printf '%s' "$v" > "$C/json/$(printf '%02d' $j)"
done

# URLs and file names for the HTTP helpers.
u=0
for v in 'https://user:secret@example.com/path?q=1#f' 'http://example.com' 'ftp://a@b' 'https://u:p@h:8080/' \
         'https://u:p:q@h/x@y' 'report.csv' 'dir.d/report.XLSX' 'noext' 'https://h/?a=b:c@d'; do
  u=$((u + 1)); printf '%s' "$v" > "$C/url/$(printf '%02d' $u)"
done
# HTTP responses for the response sink and header parser; the last byte of
# each picks the limits and chunking (see tests/fuzz/fuzz_http.c).
H=$C/http
printf 'HTTP/1.1 200 OK\r\nDate: Mon, 03 Jun 2024 08:00:00 GMT\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: 128\r\nCache-Control: no-cache\r\n\r\n{"help": "https://ckan.example.org/api/3/action/help_show?name=resource_create", "success": true, "result": {"id": "3f2a", "url_type": "upload"}}\005' > "$H/ckan-json"
printf 'HTTP/2 429 \r\ncontent-type: application/json\r\nretry-after: 7\r\nx-ratelimit-remaining: 0\r\n\r\n{"error": {"message": "Too many requests", "__type": "Rate Limit"}}\104' > "$H/retry-after-429"
printf 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Length: 0\r\n\r\n\000' > "$H/retry-after-date-503"
printf 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\n\r\n{"success": true}\203' > "$H/continue-then-200"
printf 'HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /dataset/abc\r\n\r\n\022' > "$H/continue-twice-201"
printf 'HTTP/1.1 200 OK\r\nX-Folded: first part\r\n\tsecond: part\r\n continued line\r\nX-Empty:\r\nX-Spaces:   \t padded \t  \r\n : no name\r\nNoColonLine\r\nX-Colons: a:b:c\r\nbare\rcr: x\n\n\046' > "$H/folded-odd"
printf 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nVary: Accept\r\nvary: Origin\r\nVARY: Accept-Encoding\r\nContent-Length: 2\r\n\r\nok\233' > "$H/duplicates"
printf 'HTTP/1.1 301 Moved Permanently\nLocation: https://ckan.example.org/api/3/action/resource_create\nContent-Length: 0\n\nHTTP/1.1 413 Payload Too Large\nContent-Type: text/html\nConnection: close\n\n<html><body><h1>413 Request Entity Too Large</h1></body></html>\041' > "$H/redirect-lf-413"
printf 'HTTP/1.0 200\r\n\r\n' > "$H/bare-status"
printf 'no status line: x\r\nA: b\r\n\r\nbody\070' > "$H/no-status"
# Indicator cells for the C indicator reader; two cells split at a tab are a
# target and its result (see tests/fuzz/fuzz_indicator.c).
I=$C/indicator
printf '≥90.00(%%)' > "$I/pct"
printf '12次以上' > "$I/qty"
printf '1.出勤天数≥110天 2.2020年7月26日完成发放' > "$I/numbered"
printf '≥12次\t开展党员教育24次。' > "$I/judge"
printf '台式电脑2台, 打印机2台\t台式电脑3台, 打印机5台' > "$I/pairs"
printf '不适用' > "$I/na"
printf '（1）满意度≥95%%；（2）投诉率≤1%%\t(1)满意度96%%;(2)投诉率0.5%%' > "$I/paren"
printf '截至2021年12月底前完成，第三季度，上半年，约1.5万元左右' > "$I/dates"
printf '１２３４５６．７８万元，1,200亿元，三十个' > "$I/wide"
echo "seeds: $(find "$C" -type f | wc -l) files, $(find "$C" -type f -exec cat {} + | wc -c) bytes"
