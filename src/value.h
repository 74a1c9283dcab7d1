/* Reading values as people write them in these tables: rates,
 * money units, and a text fold for matching labels regardless of full-width
 * forms and spacing. Pure functions, no allocation. */
#ifndef JX_VALUE_H
#define JX_VALUE_H

#include <stddef.h>

#include "decimal.h"

typedef enum {
    JX_RATE_PERCENT = 1,  /* "98.37%" */
    JX_RATE_FW_PERCENT,   /* "98.37％" */
    JX_RATE_PLAIN,        /* "98.37" read as a percentage */
    JX_RATE_FRACTION      /* "0.9837" read as a fraction, see below */
} jx_rate_form;

/* A plain number (no % sign) is a fraction when it is written with decimals
 * and either |v| < 1, or |v| <= 1.5 with at least 3 decimals: "0.9837" -> 98.37,
 * "0.5" -> 50, "1.000" -> 100.0 are fractions; "1" -> 1, "100" -> 100,
 * "1.05" -> 1.05, "1.00" -> 1.00 and "98.37" are percentages already. The
 * conversion is exact (a shift by two places). */

/* Parses an execution rate into percent (98.37). Digits, spaces and signs as
 * jx_dec_parse; a '%' or '％' may follow the number, spaces between allowed.
 * Returns 1 and sets *pct and *form; 0 for absent (as jx_dec_parse); -1 for
 * text that is not a rate (a '%' with no number is not absent). */
int jx_rate_parse(const char *s, size_t n, jx_dec *pct, jx_rate_form *form);

typedef enum {
    JX_UNIT_UNKNOWN = 0,
    JX_UNIT_YUAN,  /* 元 */
    JX_UNIT_WAN,   /* 万元 */
    JX_UNIT_YI     /* 亿元 */
} jx_unit;

/* Finds the money unit in a text such as "单位: 万元", "单位：元", "（单位：亿元）",
 * "金额单位:万元", "单位(万元)", "单位为人民币万元", or alone in brackets as in
 * "全年预算数（万元）". The first statement found wins. Returns
 * JX_UNIT_UNKNOWN when none is stated: never a guess ("单元", "单价(元/吨)"). */
jx_unit jx_unit_find(const char *s, size_t n);
const char *jx_unit_name(jx_unit u);        /* "元", "万元", "亿元", NULL */
const char *jx_unit_code(jx_unit u);        /* "yuan", "wan_yuan", "yi_yuan", "unknown" */
/* Power of ten to get 元 from this unit: 0, 4, 8; -1 for unknown. */
int jx_unit_pow10(jx_unit u);

/* Folds text for matching: full-width ASCII (U+FF01..FF5E) to ASCII, U+3000,
 * NBSP and all ASCII whitespace removed, ASCII letters lower-cased, "：" -> ":",
 * "（）" -> "()". Writes at most cap-1 bytes plus NUL (nothing if cap is 0) and
 * never a partial character; returns the length. Invalid UTF-8 bytes are
 * copied through. */
size_t jx_fold(const char *s, size_t n, char *out, size_t cap);

/* Length of the longest prefix of s, at most max bytes, that does not end
 * inside a valid UTF-8 sequence (for truncating quotes in messages without
 * cutting a character). Invalid bytes count as one-byte characters. */
size_t jx_utf8_prefix(const char *s, size_t n, size_t max);

/* memmem for a short word in UTF-8 text: the first place w[0..wl) occurs in
 * s[0..n), or NULL. Runs memchr on the word's third byte, for a Chinese word
 * a continuation byte, which is rare in Chinese text where lead bytes are not. */
const char *jx_text_find(const char *s, size_t n, const char *w, size_t wl);

#endif
