/* Exact decimal arithmetic on {int64 mantissa, scale}: parsing amounts as
 * people type them, exact formatting, and overflow-checked operations that
 * widen to __int128 for the intermediate step instead of ever wrapping.
 * No allocation, no locale, no binary floating point except jx_dec_to_double. */
#include "decimal.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static const int64_t pow10_tab[19] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

/* INT64_MIN is kept out of results so that jx_dec_neg and jx_dec_abs can
 * never overflow on a value this unit produced. */
static int fits(i128 v)
{
    return v <= INT64_MAX && v >= -INT64_MAX;
}

/* 10^k for 0 <= k <= 38 (the largest power an i128 holds). */
static i128 pow10_wide(int k)
{
    i128 p = 1;
    if (k > 18) {
        p = pow10_tab[18];
        k -= 18;
    }
    if (k > 18) {
        p *= pow10_tab[18];
        k -= 18;
    }
    return p * pow10_tab[k];
}

/* ---- parsing ---- */

enum tok {
    T_END,
    T_DIGIT,
    T_POINT,
    T_SEP,
    T_PLUS,
    T_MINUS,
    T_SPACE,
    T_OTHER
};

/* Classifies the character at s[i]: sets *len to its byte length and, for a
 * digit, *dig to its value. Full-width forms all share the EF BC prefix. */
static enum tok next_tok(const unsigned char *s, size_t n, size_t i, size_t *len, int *dig)
{
    unsigned char c = s[i];
    *len = 1;
    if (c >= '0' && c <= '9') {
        *dig = c - '0';
        return T_DIGIT;
    }
    switch (c) {
    case '.': return T_POINT;
    case ',': return T_SEP;
    case '+': return T_PLUS;
    case '-': return T_MINUS;
    case ' ': case '\t': case '\r': case '\n': case '\v': case '\f': return T_SPACE;
    default: break;
    }
    if (c == 0xEF && i + 2 < n && s[i + 1] == 0xBC) {
        unsigned char d = s[i + 2];
        *len = 3;
        if (d >= 0x90 && d <= 0x99) {
            *dig = d - 0x90;
            return T_DIGIT;
        }
        if (d == 0x8E) return T_POINT; /* ． */
        if (d == 0x8C) return T_SEP;   /* ， */
        if (d == 0x8B) return T_PLUS;  /* ＋ */
        if (d == 0x8D) return T_MINUS; /* － */
        *len = 1;
        return T_OTHER;
    }
    if (c == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80) {
        *len = 3;
        return T_SPACE; /* U+3000 */
    }
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) {
        *len = 2;
        return T_SPACE; /* NBSP */
    }
    return T_OTHER;
}

/* Trailing whitespace ends at a byte that is not part of one; checking the
 * multi-byte forms from the end needs their exact tails. */
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

static int eq(const unsigned char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; i < n && lit[i]; i++)
        if (s[i] != (unsigned char)lit[i]) return 0;
    return i == n && !lit[i];
}

/* The placeholders people put in an empty amount cell. */
static int is_absent(const unsigned char *s, size_t n)
{
    static const char *const marks[] = {
        "-", "/", "\xE2\x80\x94" /* — */, "\xE2\x80\x94\xE2\x80\x94" /* —— */,
        "\xE2\x80\x93" /* – */, "\xEF\xBC\x8D" /* － */, "\xEF\xBC\x8F" /* ／ */,
    };
    if (n == 0) return 1;
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (eq(s, n, marks[k])) return 1;
    return 0;
}

/* The common cell, "1234.56": ASCII digits and at most one point, digits on
 * both sides, at most 18 digits. 1 when it is one (out set), else 0. */
static int plain_number(const unsigned char *s, size_t n, jx_dec *out)
{
    int64_t m = 0;
    int digits = 0, scale = 0, point = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)s[i] - '0';
        if (d < 10) {
            if (++digits > 18) return 0; /* before m could overflow */
            m = m * 10 + (int64_t)d;
            scale += point;
        } else if (s[i] == '.' && !point && digits) {
            point = 1;
        } else {
            return 0;
        }
    }
    if (digits == 0 || (point && scale == 0) || scale > JX_DEC_MAX_SCALE) return 0;
    out->m = m;
    out->scale = scale;
    return 1;
}

int jx_dec_parse(const char *text, size_t n, jx_dec *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, len;
    int dig = 0;
    enum tok t;

    if (plain_number(s, n, out)) return 1;

    while (i < n && next_tok(s, n, i, &len, &dig) == T_SPACE) i += len;
    n = rtrim(s, n);
    if (n <= i) return 0;
    s += i;
    n -= i;
    if (is_absent(s, n)) return 0;

    int neg = 0;
    i = 0;
    t = next_tok(s, n, 0, &len, &dig);
    if (t == T_PLUS || t == T_MINUS) {
        neg = t == T_MINUS;
        i = len;
    }

    int64_t m = 0;
    int sig = 0;     /* significant digits taken into m */
    int ndig = 0;    /* digits seen, leading zeros included */
    int scale = 0;
    int point = 0;
    int group = -1;  /* digits since the last separator; -1 before any */
    int first = 0;   /* digits before the first separator */
    int lead0 = 0;   /* the number starts with a 0 */
    for (; i < n; i += len) {
        t = next_tok(s, n, i, &len, &dig);
        if (t == T_DIGIT) {
            if (ndig == 0) lead0 = dig == 0;
            ndig++;
            if (point) scale++;
            else if (group >= 0) group++;
            else first++;
            if (m || dig) {
                if (++sig > 18) return -1;
                m = m * 10 + dig;
            }
        } else if (t == T_SEP) {
            if (point || ndig == 0) return -1;
            if (group < 0) {
                if (first > 3 || lead0) return -1;
            } else if (group != 3) {
                return -1;
            }
            group = 0;
        } else if (t == T_POINT) {
            if (point) return -1;
            point = 1;
        } else {
            return -1;
        }
    }
    if (ndig == 0) return -1; /* "+", ".", "-." */
    if (group >= 0 && group != 3) return -1;
    if (scale > JX_DEC_MAX_SCALE) return -1;
    out->m = neg ? -m : m;
    out->scale = scale;
    return 1;
}

/* ---- formatting ---- */

int jx_dec_format(jx_dec d, char *buf)
{
    /* Magnitude in unsigned so INT64_MIN from jx_dec_from_int still prints. */
    uint64_t u = d.m < 0 ? 0 - (uint64_t)d.m : (uint64_t)d.m;
    int scale = d.scale < 0 ? 0 : d.scale > JX_DEC_MAX_SCALE ? JX_DEC_MAX_SCALE : d.scale;
    char tmp[24];
    int nd = 0;
    do {
        tmp[nd++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (nd <= scale) tmp[nd++] = '0'; /* at least one integer digit */

    int k = 0;
    if (d.m < 0) buf[k++] = '-';
    while (nd > scale) buf[k++] = tmp[--nd];
    if (scale) {
        buf[k++] = '.';
        while (nd) buf[k++] = tmp[--nd];
    }
    buf[k] = 0;
    return k;
}

/* ---- arithmetic ---- */

jx_dec jx_dec_from_int(int64_t v)
{
    return (jx_dec){v, 0};
}

static int put(i128 v, int scale, jx_dec *out)
{
    if (!fits(v)) return -1;
    out->m = (int64_t)v;
    out->scale = scale;
    return 0;
}

int jx_dec_add(jx_dec a, jx_dec b, jx_dec *out)
{
    int s = a.scale > b.scale ? a.scale : b.scale;
    i128 x = (i128)a.m * pow10_tab[s - a.scale];
    i128 y = (i128)b.m * pow10_tab[s - b.scale];
    return put(x + y, s, out);
}

int jx_dec_sub(jx_dec a, jx_dec b, jx_dec *out)
{
    int s = a.scale > b.scale ? a.scale : b.scale;
    i128 x = (i128)a.m * pow10_tab[s - a.scale];
    i128 y = (i128)b.m * pow10_tab[s - b.scale];
    return put(x - y, s, out);
}

/* v / 10^k rounded half away from zero; k <= 38. */
static i128 div_round(i128 v, int k)
{
    if (k == 0) return v;
    i128 p = pow10_wide(k);
    i128 q = v / p, r = v % p;
    if (r < 0) r = -r;
    if (r >= p - r) q += v < 0 ? -1 : 1;
    return q;
}

int jx_dec_mul(jx_dec a, jx_dec b, jx_dec *out)
{
    /* |a.m * b.m| < 2^126, so the product itself never overflows i128. */
    i128 p = (i128)a.m * b.m;
    int s = a.scale + b.scale;
    if (s > JX_DEC_MAX_SCALE) {
        p = div_round(p, s - JX_DEC_MAX_SCALE);
        s = JX_DEC_MAX_SCALE;
    }
    return put(p, s, out);
}

int jx_dec_div(jx_dec a, jx_dec b, int scale, jx_dec *out)
{
    if (b.m == 0 || scale < 0 || scale > JX_DEC_MAX_SCALE) return -1;
    /* result = a.m * 10^e / b.m with e = scale + b.scale - a.scale, in -18..36. */
    int e = scale + b.scale - a.scale;
    u128 num = a.m < 0 ? 0 - (u128)a.m : (u128)a.m;
    u128 den = b.m < 0 ? 0 - (u128)b.m : (u128)b.m;
    if (e < 0) den *= (u128)pow10_tab[-e]; /* < 2^63 * 10^18 < 2^124 */
    int head = e > 19 ? 19 : e > 0 ? e : 0;
    num *= (u128)pow10_wide(head);         /* < 2^64 * 10^19 < 2^128 */
    u128 q = num / den, r = num % den;
    /* Digits past 10^19 come by long division so nothing exceeds 128 bits:
     * r < den < 2^124, so 10 * r < 2^128. */
    for (int k = head; k < e && q <= INT64_MAX; k++) {
        r *= 10;
        q = q * 10 + r / den;
        r %= den;
    }
    if (r >= den - r) q++;
    if (q > INT64_MAX) return -1;
    int64_t m = (int64_t)q;
    out->m = (a.m < 0) != (b.m < 0) ? -m : m;
    out->scale = scale;
    return 0;
}

int jx_dec_shift(jx_dec a, int k, jx_dec *out)
{
    if (a.m == 0) {
        /* Zero shifts anywhere; keep the scale it would have had, in range. */
        int s = k > a.scale ? 0 : a.scale - k > JX_DEC_MAX_SCALE ? JX_DEC_MAX_SCALE : a.scale - k;
        *out = (jx_dec){0, s};
        return 0;
    }
    if (k > 36 || k < -36) return -1;
    int s = a.scale - k;
    if (s < 0) {
        if (-s > 18) return -1; /* |m| * 10^19 exceeds int64 */
        return put((i128)a.m * pow10_tab[-s], 0, out);
    }
    if (s > JX_DEC_MAX_SCALE) {
        /* Only trailing zeros may go: the value must stay exact. */
        int drop = s - JX_DEC_MAX_SCALE;
        if (drop > 18 || a.m % pow10_tab[drop]) return -1;
        out->m = a.m / pow10_tab[drop];
        out->scale = JX_DEC_MAX_SCALE;
        return 0;
    }
    out->m = a.m;
    out->scale = s;
    return 0;
}

int jx_dec_round(jx_dec a, int scale, jx_dec *out)
{
    if (scale < 0 || scale > JX_DEC_MAX_SCALE) return -1;
    if (scale >= a.scale) return put((i128)a.m * pow10_tab[scale - a.scale], scale, out);
    return put(div_round(a.m, a.scale - scale), scale, out);
}

int jx_dec_cmp(jx_dec a, jx_dec b)
{
    int s = a.scale > b.scale ? a.scale : b.scale;
    i128 x = (i128)a.m * pow10_tab[s - a.scale];
    i128 y = (i128)b.m * pow10_tab[s - b.scale];
    return (x > y) - (x < y);
}

int jx_dec_is_zero(jx_dec a)
{
    return a.m == 0;
}

/* INT64_MIN (only reachable through jx_dec_from_int) saturates to INT64_MAX. */
jx_dec jx_dec_abs(jx_dec a)
{
    if (a.m < 0) a.m = a.m == INT64_MIN ? INT64_MAX : -a.m;
    return a;
}

jx_dec jx_dec_neg(jx_dec a)
{
    a.m = a.m == INT64_MIN ? INT64_MAX : -a.m;
    return a;
}

double jx_dec_to_double(jx_dec a)
{
    /* Powers of ten up to 10^22 are exact doubles, so this rounds once for
     * any mantissa below 2^53. */
    static const double p[19] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    int s = a.scale < 0 ? 0 : a.scale > JX_DEC_MAX_SCALE ? JX_DEC_MAX_SCALE : a.scale;
    return (double)a.m / p[s];
}

jx_dec jx_dec_normalize(jx_dec a)
{
    if (a.m == 0) return (jx_dec){0, 0};
    while (a.scale > 0 && a.m % 10 == 0) {
        a.m /= 10;
        a.scale--;
    }
    return a;
}
