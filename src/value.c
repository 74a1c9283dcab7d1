/* Values as people write them in self-evaluation tables:
 * execution rates in their three spellings, the stated money unit, a fold
 * for comparing labels, and UTF-8-safe truncation. Byte-level loops over
 * UTF-8; no allocation, no locale. */
#include <string.h>

#include "value.h"

#define S_DANWEI "\xE5\x8D\x95\xE4\xBD\x8D"     /* 单位 */
#define S_WANYUAN "\xE4\xB8\x87\xE5\x85\x83"    /* 万元 */
#define S_YIYUAN "\xE4\xBA\xBF\xE5\x85\x83"     /* 亿元 */
#define S_YUAN "\xE5\x85\x83"                   /* 元 */
#define S_RMB "\xE4\xBA\xBA\xE6\xB0\x91\xE5\xB8\x81" /* 人民币 */

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid:
 * overlongs, surrogates and code points past U+10FFFF are rejected. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F)) return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F)) return 0;
        return 4;
    }
    return 0;
}

/* Byte length of a space (ASCII, U+3000, NBSP) at s[i], 0 if none. */
static size_t space_at(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (c == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80) return 3;
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) return 2;
    return 0;
}

static size_t rtrim(const unsigned char *s, size_t n)
{
    for (;;) {
        if (n && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
            n--;
        else if (n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 && s[n - 1] == 0x80)
            n -= 3;
        else if (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0)
            n -= 2;
        else
            return n;
    }
}

static int has(const unsigned char *s, size_t n, size_t i, const char *lit, size_t len)
{
    return i + len <= n && memcmp(s + i, lit, len) == 0;
}

/* ---- rates ---- */

/* See JX_RATE_FRACTION: "0.9837" and "1.000" are fractions, "1", "100",
 * "1.05" and "98.37" are already percentages. */
static int reads_as_fraction(jx_dec d)
{
    if (d.scale == 0) return 0;
    jx_dec a = jx_dec_abs(d);
    if (jx_dec_cmp(a, jx_dec_from_int(1)) < 0) return 1;
    return d.scale >= 3 && jx_dec_cmp(a, (jx_dec){15, 1}) <= 0;
}

int jx_rate_parse(const char *text, size_t n, jx_dec *pct, jx_rate_form *form)
{
    const unsigned char *s = (const unsigned char *)text;
    jx_rate_form f = JX_RATE_PLAIN;
    n = rtrim(s, n);
    if (n >= 1 && s[n - 1] == '%') {
        f = JX_RATE_PERCENT;
        n -= 1;
    } else if (has(s, n, n >= 3 ? n - 3 : n, "\xEF\xBC\x85", 3)) { /* ％ */
        f = JX_RATE_FW_PERCENT;
        n -= 3;
    }
    jx_dec d;
    int r = jx_dec_parse(text, n, &d);
    if (r <= 0) return f == JX_RATE_PLAIN ? r : -1; /* a bare "%" is not absent */
    if (f == JX_RATE_PLAIN && reads_as_fraction(d)) {
        if (jx_dec_shift(d, 2, &d) < 0) return -1;
        f = JX_RATE_FRACTION;
    }
    *pct = d;
    *form = f;
    return 1;
}

/* ---- money units ---- */

static jx_unit unit_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    if (has(s, n, i, S_RMB, 9)) i += 9; /* "单位：人民币万元" */
    if (has(s, n, i, S_WANYUAN, 6)) return *len = 6, JX_UNIT_WAN;
    if (has(s, n, i, S_YIYUAN, 6)) return *len = 6, JX_UNIT_YI;
    if (has(s, n, i, S_YUAN, 3)) return *len = 3, JX_UNIT_YUAN;
    return JX_UNIT_UNKNOWN;
}

/* What may stand between "单位" and the unit: spaces, colons, an opening
 * bracket, "为" ("单位为万元"). */
static size_t skip_label_tail(const unsigned char *s, size_t n, size_t i)
{
    while (i < n) {
        size_t k = space_at(s, n, i);
        if (k) {
            i += k;
        } else if (s[i] == ':' || s[i] == '(' || s[i] == '[') {
            i++;
        } else if (has(s, n, i, "\xEF\xBC\x9A", 3) || has(s, n, i, "\xEF\xBC\x88", 3) ||
                   has(s, n, i, "\xEF\xBC\xBB", 3) || has(s, n, i, "\xE3\x80\x90", 3) ||
                   has(s, n, i, "\xE3\x80\x94", 3) || has(s, n, i, "\xE4\xB8\xBA", 3)) {
            i += 3; /* ： （ ［ 【 〔 为 */
        } else {
            break;
        }
    }
    return i;
}

static size_t skip_spaces(const unsigned char *s, size_t n, size_t i)
{
    size_t k;
    while (i < n && (k = space_at(s, n, i)) != 0) i += k;
    return i;
}

/* A unit counts only where the text states it: right after a "单位" label,
 * or alone in brackets as in "全年预算数（万元）". A bare 元 elsewhere is
 * too often part of another word to be read as a unit. */
jx_unit jx_unit_find(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len;
    for (size_t i = 0; i < n; i++) {
        jx_unit u;
        if (s[i] == 0xE5 && has(s, n, i, S_DANWEI, 6)) {
            u = unit_at(s, n, skip_label_tail(s, n, i + 6), &len);
            if (u != JX_UNIT_UNKNOWN) return u;
            i += 5;
        } else if (s[i] == '(' || has(s, n, i, "\xEF\xBC\x88", 3)) {
            size_t j = skip_spaces(s, n, i + (s[i] == '(' ? 1 : 3));
            u = unit_at(s, n, j, &len);
            if (u == JX_UNIT_UNKNOWN) continue;
            j = skip_spaces(s, n, j + len);
            if (j < n && (s[j] == ')' || has(s, n, j, "\xEF\xBC\x89", 3))) return u;
        }
    }
    return JX_UNIT_UNKNOWN;
}

const char *jx_unit_name(jx_unit u)
{
    switch (u) {
    case JX_UNIT_YUAN: return S_YUAN;
    case JX_UNIT_WAN: return S_WANYUAN;
    case JX_UNIT_YI: return S_YIYUAN;
    default: return NULL;
    }
}

const char *jx_unit_code(jx_unit u)
{
    switch (u) {
    case JX_UNIT_YUAN: return "yuan";
    case JX_UNIT_WAN: return "wan_yuan";
    case JX_UNIT_YI: return "yi_yuan";
    default: return "unknown";
    }
}

int jx_unit_pow10(jx_unit u)
{
    switch (u) {
    case JX_UNIT_YUAN: return 0;
    case JX_UNIT_WAN: return 4;
    case JX_UNIT_YI: return 8;
    default: return -1;
    }
}

/* ---- text ---- */

size_t jx_fold(const char *text, size_t n, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    if (cap == 0) return 0;
    size_t i = 0, k = 0, lim = cap - 1;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            if (c == ' ' || (c >= '\t' && c <= '\r')) continue;
            if (k == lim) break;
            out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        if (c == 0xEF && i + 2 < n && ((s[i + 1] == 0xBC && s[i + 2] >= 0x81 && s[i + 2] <= 0xBF) ||
                                       (s[i + 1] == 0xBD && s[i + 2] >= 0x80 && s[i + 2] <= 0x9E))) {
            /* U+FF01..FF5E sit 0xFEE0 above ASCII; in UTF-8 that is a
             * fixed offset from the last byte within each lead pair. */
            c = s[i + 1] == 0xBC ? s[i + 2] - 0x60u : s[i + 2] - 0x20u;
            i += 3;
            if (k == lim) break;
            out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        size_t sp = space_at(s, n, i);
        if (sp) {
            i += sp;
            continue;
        }
        size_t len = utf8_len(s + i, n - i);
        if (len == 0) len = 1; /* a stray byte goes through on its own */
        if (k + len > lim) break;
        memcpy(out + k, s + i, len);
        k += len;
        i += len;
    }
    out[k] = 0;
    return k;
}

size_t jx_utf8_prefix(const char *text, size_t n, size_t max)
{
    const unsigned char *s = (const unsigned char *)text;
    if (n <= max) return n;
    /* s[max] starts the part cut off; if it continues a valid sequence that
     * began before max, the cut moves back to that sequence's first byte. */
    size_t p = max;
    while (p > 0 && max - p < 3 && (s[p] & 0xC0) == 0x80) p--;
    if (p < max && (s[p] & 0xC0) != 0x80 && p + utf8_len(s + p, n - p) > max) return p;
    return max;
}

const char *jx_text_find(const char *s, size_t n, const char *w, size_t wl)
{
    if (wl < 3) return memmem(s, n, w, wl);
    if (n < wl) return NULL;
    const char *p = s + 2, *end = s + n - (wl - 3); /* the anchor of the last place the word fits */
    while (p < end && (p = memchr(p, w[2], (size_t)(end - p))) != NULL) {
        if (p[-2] == w[0] && p[-1] == w[1] && !memcmp(p + 1, w + 3, wl - 3)) return p - 2;
        p++;
    }
    return NULL;
}
