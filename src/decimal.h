/* Exact decimal numbers for money and rates: value = m / 10^scale, with a
 * 64-bit mantissa (18 significant digits) and overflow reported, never wrapped.
 * No binary floating point anywhere in parsing, arithmetic or formatting:
 * "3.07" parses to {307, 2} and prints back as "3.07"; "0.00" keeps its scale. */
#ifndef JX_DECIMAL_H
#define JX_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t m;
    int32_t scale; /* 0..18 */
} jx_dec;

#define JX_DEC_MAX_SCALE 18
/* Longest text jx_dec_format writes, NUL included. */
#define JX_DEC_BUFSZ 48

/* Parses an amount as people write it: ASCII or full-width digits, '.' or '．',
 * thousands separators ',' / '，' (only in groups of three before the point,
 * the first group not starting with 0), a leading '+'/'-'/'＋'/'－',
 * surrounding spaces (ASCII, U+3000, NBSP). ".5" and "5." are accepted.
 * The written scale is kept: "0.00" -> {0, 2}.
 * Returns 1 and sets *out for a number; 0 for "absent" (empty, spaces only,
 * "-", "—", "——", "－", "–", "/", "／"); -1 if the text is not a plain number
 * (units, %, words, "1.2.3", a lone ".", more than 18 significant digits or
 * more than 18 decimals). */
int jx_dec_parse(const char *s, size_t n, jx_dec *out);

/* Writes the exact text ("3.07", "-0.50", "10308000.00") into buf (>= JX_DEC_BUFSZ).
 * Returns the length. */
int jx_dec_format(jx_dec d, char *buf);

/* Every function below expects operands with 0 <= scale <= 18, as
 * jx_dec_parse and the arithmetic produce. */
jx_dec jx_dec_from_int(int64_t v);
/* Arithmetic: 0 on success, -1 on overflow (out untouched). Results keep the
 * larger scale of the operands (add/sub) or the sum of scales (mul); a mul
 * whose scales sum past 18 is rounded half away from zero to scale 18 (an
 * error below 10^-18) rather than refused. Mantissas of results stay within
 * ±INT64_MAX. */
int jx_dec_add(jx_dec a, jx_dec b, jx_dec *out);
int jx_dec_sub(jx_dec a, jx_dec b, jx_dec *out);
int jx_dec_mul(jx_dec a, jx_dec b, jx_dec *out);
/* a / b rounded half away from zero to `scale` digits. -1 on b == 0 or overflow. */
int jx_dec_div(jx_dec a, jx_dec b, int scale, jx_dec *out);
/* Multiply by 10^k (k may be negative: exact as long as scale allows; -1 if it
 * would need rounding or overflow). Moves the scale first ({9837,4} shifted
 * by 2 is {9837,2}), drops only trailing zeros past scale 18.
 * Used for 元/万元/亿元 conversion and fraction-to-percent. */
int jx_dec_shift(jx_dec a, int k, jx_dec *out);
/* Round half away from zero to `scale` digits (or pad to it). -1 on overflow. */
int jx_dec_round(jx_dec a, int scale, jx_dec *out);
/* -1, 0, 1 comparing values exactly (3.0 == 3.00). */
int jx_dec_cmp(jx_dec a, jx_dec b);
int jx_dec_is_zero(jx_dec a);
/* abs/neg of a mantissa of INT64_MIN (only from jx_dec_from_int) saturate
 * to INT64_MAX. */
jx_dec jx_dec_abs(jx_dec a);
jx_dec jx_dec_neg(jx_dec a);
double jx_dec_to_double(jx_dec a);
/* Removes trailing fractional zeros (3.10 -> 3.1, 2.00 -> 2). */
jx_dec jx_dec_normalize(jx_dec a);

#endif
