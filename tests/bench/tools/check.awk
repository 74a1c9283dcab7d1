# The gawk baseline for jobs (a), (b) and (d): every cell of every data row
# split out, exact sums, 合计 vs parts, printed vs recomputed rate, ragged rows
# counted (not repaired). Run under LC_ALL=C so GB18030 bytes pass through.
#   gawk -f check.awk FILE...           -> one summary line
#   gawk -v json=1 -f check.awk FILE... -> the rows as JSON
BEGIN { FS = "\t"; nfiles = 0 }
# Amounts are kept in integer cents: doubles hold them exactly far past any
# department's total.
function cents(s,   p, f) {
    p = index(s, ".")
    if (!p) return s * 100
    f = substr(s, p + 1) "00"
    return substr(s, 1, p - 1) * 100 + substr(f, 1, 2)
}
function money(c) { return sprintf("%d.%02d", int(c / 100), c % 100) }
function jstr(s) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
    return "\"" s "\""
}
FNR == 1 {
    sub(/^\xef\xbb\xbf/, "")
    if (json) { printf "%s{\"source\":%s,\"projects\":[", (nfiles++ ? "]},\n" : "["), jstr(FILENAME); first = 1 }
}
{ sub(/\r$/, "") }
$1 ~ /^[0-9]+$/ {
    n++
    if (json) {
        row = "{\"line\":" FNR ",\"cells\":["
        for (i = 1; i <= NF; i++) row = row (i > 1 ? "," : "") jstr($i)
        printf "%s%s]}", (first ? "" : ",\n"), row
        first = 0
        next
    }
    for (i = 1; i <= NF; i++) bytes += length($i)
    b = cents($4); a = cents($8)
    B += b; A += a
    d1 = b - cents($5) - cents($6) - cents($7)
    d2 = a - cents($9) - cents($10) - cents($11)
    if (d1 > 1 || d1 < -1 || d2 > 1 || d2 < -1) sumerr++
    r = $12; sub(/%$/, "", r)
    if (b > 0 && r != "") {
        c = int((a * 20000 + b) / (2 * b))
        d = cents(r) - c; if (d < 0) d = -d
        tol = c / 100; if (tol < 50) tol = 50
        if (d > tol) rateerr++
    }
    if ($NF == "") ragged++
}
END {
    if (json) { if (nfiles) print "]}]"; exit }
    printf "projects %d budget %s actual %s sum_errors %d rate_errors %d ragged %d\n", n, money(B), money(A), sumerr, rateerr, ragged
}
