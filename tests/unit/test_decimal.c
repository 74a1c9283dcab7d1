/* Unit tests for src/decimal.c: parsing amounts as people write them, exact
 * formatting, and the overflow and rounding edges of the arithmetic. */
#include <stdint.h>
#include <stdlib.h>

#include "decimal.h"
#include "unit.h"

static int parse(const char *s, jx_dec *d)
{
    return jx_dec_parse(s, strlen(s), d);
}

/* Parses s and formats it back, or returns "ABSENT"/"INVALID". */
static const char *pf(const char *s)
{
    static char buf[JX_DEC_BUFSZ];
    jx_dec d;
    int r = parse(s, &d);
    if (r == 0) return "ABSENT";
    if (r < 0) return "INVALID";
    jx_dec_format(d, buf);
    return buf;
}

static const char *fmt(jx_dec d)
{
    static char buf[4][JX_DEC_BUFSZ];
    static int k;
    k = (k + 1) % 4;
    jx_dec_format(d, buf[k]);
    return buf[k];
}

static jx_dec D(int64_t m, int scale)
{
    return (jx_dec){m, scale};
}

TEST(dec_parse_keeps_written_scale)
{
    jx_dec d;
    CHECK_INT(parse("0.00", &d), 1);
    CHECK_INT(d.m, 0);
    CHECK_INT(d.scale, 2);
    CHECK_INT(parse("3.07", &d), 1);
    CHECK_INT(d.m, 307);
    CHECK_INT(d.scale, 2);
    CHECK_INT(parse("89.974", &d), 1);
    CHECK_INT(d.m, 89974);
    CHECK_INT(d.scale, 3);
    CHECK_INT(parse("10,308,000.00", &d), 1);
    CHECK_INT(d.m, 1030800000);
    CHECK_INT(d.scale, 2);
    CHECK_INT(parse("-0.50", &d), 1);
    CHECK_INT(d.m, -50);
    CHECK_INT(d.scale, 2);
    CHECK_STR(pf("12.300"), "12.300");
    CHECK_STR(pf("+3"), "3");
    CHECK_STR(pf(".5"), "0.5");
    CHECK_STR(pf("5."), "5");
    CHECK_STR(pf("-.25"), "-0.25");
    CHECK_STR(pf("000000000000000000000001"), "1");
}

TEST(dec_parse_thousands_groups)
{
    CHECK_STR(pf("1,234.56"), "1234.56");
    CHECK_STR(pf("1,234,567"), "1234567");
    CHECK_STR(pf("12,345."), "12345");
    CHECK_STR(pf("1\xEF\xBC\x8C" "234"), "1234"); /* full-width comma */
    CHECK_STR(pf("1,23"), "INVALID");
    CHECK_STR(pf("1,2345"), "INVALID");
    CHECK_STR(pf("1234,567"), "INVALID");
    CHECK_STR(pf(",123"), "INVALID");
    CHECK_STR(pf("1,,234"), "INVALID");
    CHECK_STR(pf("1,234,56"), "INVALID");
    CHECK_STR(pf("1.234,5"), "INVALID");
    CHECK_STR(pf("0,500"), "INVALID"); /* a European 0.5 or 500: refuse to guess */
    CHECK_STR(pf("123,"), "INVALID");
}

TEST(dec_parse_full_width)
{
    jx_dec d;
    CHECK_INT(parse("\xEF\xBC\x99\xEF\xBC\x98\xEF\xBC\x8E\xEF\xBC\x93\xEF\xBC\x97", &d), 1); /* ９８．３７ */
    CHECK_INT(d.m, 9837);
    CHECK_INT(d.scale, 2);
    CHECK_STR(pf("\xEF\xBC\x8D\xEF\xBC\x95"), "-5");                   /* －５ */
    CHECK_STR(pf("\xEF\xBC\x8B" "1.5"), "1.5");                        /* ＋1.5 */
    CHECK_STR(pf("\xEF\xBC\x91\xEF\xBC\x8C\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94"), "1234"); /* １，２３４ */
    CHECK_STR(pf("3\xEF\xBC\x8E" "07"), "3.07");                       /* mixed widths */
}

TEST(dec_parse_spaces)
{
    CHECK_STR(pf("  3.07 "), "3.07");
    CHECK_STR(pf("\t1\r\n"), "1");
    CHECK_STR(pf("\xE3\x80\x80" "3.07" "\xE3\x80\x80"), "3.07");
    CHECK_STR(pf("\xC2\xA0" "3.07" "\xC2\xA0"), "3.07");
    CHECK_STR(pf("1 234"), "INVALID");
    CHECK_STR(pf("- 5"), "INVALID");
}

TEST(dec_parse_absent)
{
    jx_dec d = D(42, 0);
    CHECK_INT(jx_dec_parse("", 0, &d), 0);
    CHECK_INT(jx_dec_parse(NULL, 0, &d), 0);
    CHECK_INT(d.m, 42); /* untouched */
    CHECK_STR(pf("   "), "ABSENT");
    CHECK_STR(pf("\xE3\x80\x80"), "ABSENT");
    CHECK_STR(pf("-"), "ABSENT");
    CHECK_STR(pf("\xE2\x80\x94"), "ABSENT");             /* — */
    CHECK_STR(pf("\xE2\x80\x94\xE2\x80\x94"), "ABSENT"); /* —— */
    CHECK_STR(pf("\xEF\xBC\x8D"), "ABSENT");             /* － */
    CHECK_STR(pf("\xE2\x80\x93"), "ABSENT");             /* – */
    CHECK_STR(pf("/"), "ABSENT");
    CHECK_STR(pf(" - "), "ABSENT");
    CHECK_STR(pf("--"), "INVALID");
}

TEST(dec_parse_invalid)
{
    CHECK_STR(pf("abc"), "INVALID");
    CHECK_STR(pf("12\xE4\xB8\x87\xE5\x85\x83"), "INVALID"); /* 12万元 */
    CHECK_STR(pf("98%"), "INVALID");
    CHECK_STR(pf("1.2.3"), "INVALID");
    CHECK_STR(pf("."), "INVALID");
    CHECK_STR(pf("+"), "INVALID");
    CHECK_STR(pf("1e5"), "INVALID");
    CHECK_STR(pf("1-2"), "INVALID");
    CHECK_STR(pf("--5"), "INVALID");
    CHECK_STR(pf("\xEF\xBC\x85"), "INVALID"); /* ％ */
    CHECK_STR(pf("\xFF" "1"), "INVALID");
}

TEST(dec_parse_digit_limits)
{
    CHECK_STR(pf("123456789012345678"), "123456789012345678");
    CHECK_STR(pf("1234567890123456789"), "INVALID");
    CHECK_STR(pf("-999,999,999,999,999,999"), "-999999999999999999");
    CHECK_STR(pf("0.000000000000000001"), "0.000000000000000001");
    CHECK_STR(pf("0.0000000000000000001"), "INVALID"); /* 19 decimals */
    CHECK_STR(pf("99999999999999999999999"), "INVALID");
    jx_dec d;
    CHECK_INT(jx_dec_parse("3.0759", 4, &d), 1); /* n bounds the text */
    CHECK_STR(fmt(d), "3.07");
}

TEST(dec_format_exact)
{
    char buf[JX_DEC_BUFSZ];
    CHECK_STR(fmt(D(-50, 2)), "-0.50");
    CHECK_STR(fmt(D(307, 2)), "3.07");
    CHECK_STR(fmt(D(0, 0)), "0");
    CHECK_STR(fmt(D(12300, 3)), "12.300");
    CHECK_STR(fmt(D(0, 2)), "0.00");
    CHECK_STR(fmt(D(-5, 3)), "-0.005");
    CHECK_STR(fmt(D(1, 18)), "0.000000000000000001");
    CHECK_STR(fmt(D(INT64_MAX, 0)), "9223372036854775807");
    CHECK_STR(fmt(D(INT64_MIN, 18)), "-9.223372036854775808");
    CHECK_STR(fmt(jx_dec_neg(D(0, 2))), "0.00");
    CHECK_INT(jx_dec_format(D(1030800000, 2), buf), 11);
    CHECK_STR(buf, "10308000.00");
}

TEST(dec_add_sub_align_scales)
{
    jx_dec r;
    CHECK_INT(jx_dec_add(D(30, 1), D(7, 2), &r), 0);
    CHECK_STR(fmt(r), "3.07");
    CHECK_INT(jx_dec_sub(D(1, 0), D(5, 3), &r), 0);
    CHECK_STR(fmt(r), "0.995");
    CHECK_INT(jx_dec_sub(D(307, 2), D(307, 2), &r), 0);
    CHECK_STR(fmt(r), "0.00");
    CHECK_INT(jx_dec_add(D(-150, 2), D(1, 0), &r), 0);
    CHECK_STR(fmt(r), "-0.50");
    CHECK_INT(jx_dec_add(D(1, 0), D(1, 18), &r), 0);
    CHECK_STR(fmt(r), "1.000000000000000001");
}

TEST(dec_add_sub_overflow)
{
    jx_dec r = D(7, 0);
    CHECK_INT(jx_dec_add(D(INT64_MAX, 0), D(1, 0), &r), -1);
    CHECK_INT(r.m, 7); /* untouched on failure */
    CHECK_INT(jx_dec_sub(D(-INT64_MAX, 0), D(1, 0), &r), -1);
    CHECK_INT(jx_dec_add(D(10, 0), D(1, 18), &r), -1); /* 10^19 at scale 18 */
    CHECK_INT(jx_dec_sub(D(INT64_MAX, 0), D(-INT64_MAX, 0), &r), -1);
    CHECK_INT(jx_dec_add(D(INT64_MAX - 1, 0), D(1, 0), &r), 0);
    CHECK_INT(r.m, INT64_MAX);
    CHECK_INT(jx_dec_add(D(-INT64_MAX, 0), D(-1, 0), &r), -1); /* INT64_MIN stays out */
}

TEST(dec_sum_of_a_million_is_exact)
{
    jx_dec v, sum = jx_dec_from_int(0);
    CHECK_INT(parse("12345.67", &v), 1);
    int bad = 0;
    for (int i = 0; i < 1000000; i++)
        if (jx_dec_add(sum, v, &sum) < 0) bad = 1;
    CHECK_INT(bad, 0);
    CHECK_STR(fmt(sum), "12345670000.00");
    for (int i = 0; i < 1000000; i++)
        if (jx_dec_sub(sum, v, &sum) < 0) bad = 1;
    CHECK_INT(bad, 0);
    CHECK(jx_dec_is_zero(sum));
}

TEST(dec_mul)
{
    jx_dec r;
    CHECK_INT(jx_dec_mul(D(15, 1), D(225, 2), &r), 0);
    CHECK_STR(fmt(r), "3.375");
    CHECK_INT(jx_dec_mul(D(-5, 1), D(5, 1), &r), 0);
    CHECK_STR(fmt(r), "-0.25");
    CHECK_INT(jx_dec_mul(D(307, 2), jx_dec_from_int(10000), &r), 0);
    CHECK_STR(fmt(r), "30700.00");
    CHECK_INT(jx_dec_mul(D(INT64_MAX, 0), D(2, 0), &r), -1);
    CHECK_INT(jx_dec_mul(D(INT64_MAX, 0), D(INT64_MAX, 0), &r), -1);
    CHECK_INT(jx_dec_mul(D(3037000500LL, 0), D(3037000500LL, 0), &r), -1); /* just past 2^63 */
    CHECK_INT(jx_dec_mul(D(3037000499LL, 0), D(3037000499LL, 0), &r), 0);
}

TEST(dec_mul_scale_past_18_rounds)
{
    jx_dec r;
    CHECK_INT(jx_dec_mul(D(5, 10), D(1, 9), &r), 0); /* 5e-19 -> 1e-18 */
    CHECK_INT(r.m, 1);
    CHECK_INT(r.scale, 18);
    CHECK_INT(jx_dec_mul(D(-5, 10), D(1, 9), &r), 0); /* away from zero */
    CHECK_INT(r.m, -1);
    CHECK_INT(jx_dec_mul(D(4, 10), D(1, 9), &r), 0);
    CHECK_INT(r.m, 0);
    /* The wide product exceeds int64 but fits once rounded to scale 18. */
    CHECK_INT(jx_dec_mul(D(4000000000000000000LL, 10), D(2, 10), &r), 0);
    CHECK_STR(fmt(r), "0.080000000000000000");
}

TEST(dec_div_rates)
{
    jx_dec a, b, a100, r;
    CHECK_INT(parse("3.02", &a), 1);
    CHECK_INT(parse("3.07", &b), 1);
    CHECK_INT(jx_dec_shift(a, 2, &a100), 0);
    CHECK_INT(jx_dec_div(a100, b, 2, &r), 0);
    CHECK_STR(fmt(r), "98.37");
    CHECK_INT(jx_dec_mul(a, jx_dec_from_int(100), &a100), 0);
    CHECK_INT(jx_dec_div(a100, b, 2, &r), 0);
    CHECK_STR(fmt(r), "98.37");
    CHECK_INT(parse("31.12", &a), 1);
    CHECK_INT(parse("40.00", &b), 1);
    CHECK_INT(jx_dec_shift(a, 2, &a100), 0);
    CHECK_INT(jx_dec_div(a100, b, 2, &r), 0);
    CHECK_STR(fmt(r), "77.80");
    CHECK_INT(jx_dec_div(D(1, 0), D(3, 0), 0, &r), 0);
    CHECK_STR(fmt(r), "0");
}

TEST(dec_div_rounds_half_away_from_zero)
{
    jx_dec r;
    CHECK_INT(jx_dec_div(D(1, 0), D(8, 0), 2, &r), 0);
    CHECK_STR(fmt(r), "0.13");
    CHECK_INT(jx_dec_div(D(-1, 0), D(8, 0), 2, &r), 0);
    CHECK_STR(fmt(r), "-0.13");
    CHECK_INT(jx_dec_div(D(1, 0), D(-8, 0), 2, &r), 0);
    CHECK_STR(fmt(r), "-0.13");
    CHECK_INT(jx_dec_div(D(-1, 0), D(-8, 0), 2, &r), 0);
    CHECK_STR(fmt(r), "0.13");
    CHECK_INT(jx_dec_div(D(-2, 0), D(3, 0), 4, &r), 0);
    CHECK_STR(fmt(r), "-0.6667");
    CHECK_INT(jx_dec_div(D(-25, 1), D(1, 0), 0, &r), 0); /* scale shrinks: -2.5 -> -3 */
    CHECK_STR(fmt(r), "-3");
    CHECK_INT(jx_dec_div(D(-249, 2), D(1, 0), 1, &r), 0);
    CHECK_STR(fmt(r), "-2.5");
}

TEST(dec_div_extremes)
{
    jx_dec r = D(7, 0);
    CHECK_INT(jx_dec_div(D(1, 0), D(0, 2), 2, &r), -1);
    CHECK_INT(r.m, 7);
    CHECK_INT(jx_dec_div(D(1, 0), D(1, 0), 19, &r), -1);
    CHECK_INT(jx_dec_div(D(1, 0), D(1, 0), -1, &r), -1);
    CHECK_INT(jx_dec_div(D(INT64_MAX, 0), D(1, 0), 0, &r), 0);
    CHECK_INT(r.m, INT64_MAX);
    CHECK_INT(jx_dec_div(D(INT64_MAX, 0), D(1, 0), 1, &r), -1);
    CHECK_INT(jx_dec_div(D(1, 0), D(3, 18), 18, &r), -1); /* 3.3e17 at scale 18 */
    /* Exponents past 10^19 go through long division. */
    CHECK_INT(jx_dec_div(D(1, 0), D(4000000000000000000LL, 18), 2, &r), 0);
    CHECK_STR(fmt(r), "0.25");
    CHECK_INT(jx_dec_div(D(-2, 0), D(3000000000000000000LL, 18), 4, &r), 0);
    CHECK_STR(fmt(r), "-0.6667");
    CHECK_INT(jx_dec_div(D(1, 0), D(1, 18), 0, &r), 0);
    CHECK_STR(fmt(r), "1000000000000000000");
    CHECK_INT(jx_dec_div(D(1, 18), D(3, 0), 0, &r), 0);
    CHECK_STR(fmt(r), "0");
    CHECK_INT(jx_dec_div(D(INT64_MAX, 0), D(INT64_MAX, 18), 18, &r), -1);
    CHECK_INT(jx_dec_div(D(INT64_MAX, 18), D(INT64_MAX, 0), 18, &r), 0);
    CHECK_STR(fmt(r), "0.000000000000000001");
}

TEST(dec_shift)
{
    jx_dec r;
    CHECK_INT(jx_dec_shift(D(307, 2), 4, &r), 0); /* 3.07 万元 -> 元 */
    CHECK_STR(fmt(r), "30700");
    CHECK_INT(jx_dec_shift(D(1030800000, 2), -4, &r), 0); /* 元 -> 万元 */
    CHECK_STR(fmt(r), "1030.800000");
    CHECK_INT(jx_dec_shift(D(9837, 4), 2, &r), 0);
    CHECK_INT(r.m, 9837);
    CHECK_INT(r.scale, 2);
    CHECK_INT(jx_dec_shift(D(5, 0), -8, &r), 0);
    CHECK_STR(fmt(r), "0.00000005");
    CHECK_INT(jx_dec_shift(D(1, 2), -17, &r), -1); /* would need scale 19 */
    CHECK_INT(jx_dec_shift(D(10, 2), -17, &r), 0);
    CHECK_STR(fmt(r), "0.000000000000000001");
    CHECK_INT(jx_dec_shift(D(9, 0), 18, &r), 0);
    CHECK_INT(jx_dec_shift(D(10, 0), 18, &r), -1);
    CHECK_INT(jx_dec_shift(D(1, 0), 19, &r), -1);
    CHECK_INT(jx_dec_shift(D(-1, 0), 1000, &r), -1);
    CHECK_INT(jx_dec_shift(D(0, 2), 1000, &r), 0);
    CHECK(jx_dec_is_zero(r));
}

TEST(dec_round)
{
    jx_dec r;
    CHECK_INT(jx_dec_round(D(2345, 3), 2, &r), 0);
    CHECK_STR(fmt(r), "2.35");
    CHECK_INT(jx_dec_round(D(-2345, 3), 2, &r), 0);
    CHECK_STR(fmt(r), "-2.35");
    CHECK_INT(jx_dec_round(D(-2344, 3), 2, &r), 0);
    CHECK_STR(fmt(r), "-2.34");
    CHECK_INT(jx_dec_round(D(-5, 1), 0, &r), 0);
    CHECK_STR(fmt(r), "-1");
    CHECK_INT(jx_dec_round(D(49, 2), 0, &r), 0);
    CHECK_STR(fmt(r), "0");
    CHECK_INT(jx_dec_round(D(307, 2), 4, &r), 0);
    CHECK_STR(fmt(r), "3.0700");
    CHECK_INT(jx_dec_round(D(INT64_MAX, 0), 1, &r), -1);
    CHECK_INT(jx_dec_round(D(INT64_MAX, 18), 0, &r), 0);
    CHECK_STR(fmt(r), "9");
    CHECK_INT(jx_dec_round(D(1, 0), 19, &r), -1);
}

TEST(dec_cmp_across_scales)
{
    CHECK_INT(jx_dec_cmp(D(30, 1), D(300, 2)), 0);
    CHECK_INT(jx_dec_cmp(D(307, 2), D(31, 1)), -1);
    CHECK_INT(jx_dec_cmp(D(31, 1), D(307, 2)), 1);
    CHECK_INT(jx_dec_cmp(D(-1, 0), D(0, 5)), -1);
    CHECK_INT(jx_dec_cmp(D(0, 0), D(0, 18)), 0);
    CHECK_INT(jx_dec_cmp(D(INT64_MAX, 0), D(INT64_MAX, 18)), 1);
    CHECK_INT(jx_dec_cmp(D(-INT64_MAX, 0), D(INT64_MAX, 18)), -1);
    CHECK_INT(jx_dec_cmp(D(INT64_MIN, 0), D(INT64_MAX, 0)), -1);
    CHECK_INT(jx_dec_cmp(D(INT64_MIN, 0), D(INT64_MIN, 18)), -1);
    CHECK_INT(jx_dec_cmp(D(1000000000000000000LL, 18), D(1, 0)), 0);
}

TEST(dec_helpers)
{
    CHECK(jx_dec_is_zero(D(0, 2)));
    CHECK(!jx_dec_is_zero(D(1, 18)));
    CHECK_STR(fmt(jx_dec_abs(D(-50, 2))), "0.50");
    CHECK_STR(fmt(jx_dec_neg(D(50, 2))), "-0.50");
    CHECK_INT(jx_dec_abs(D(INT64_MIN, 0)).m, INT64_MAX);
    CHECK_INT(jx_dec_neg(D(INT64_MIN, 0)).m, INT64_MAX);
    CHECK_STR(fmt(jx_dec_normalize(D(310, 2))), "3.1");
    CHECK_STR(fmt(jx_dec_normalize(D(200, 2))), "2");
    CHECK_STR(fmt(jx_dec_normalize(D(0, 3))), "0");
    CHECK_STR(fmt(jx_dec_normalize(D(-1200, 0))), "-1200");
    CHECK(jx_dec_to_double(D(307, 2)) == 3.07);
    CHECK(jx_dec_to_double(D(-9837, 4)) == -0.9837);
    CHECK_STR(fmt(jx_dec_from_int(-42)), "-42");
}

/* Plain ASCII numbers take a direct path; a leading space sends the same text
 * through the general one. Both must agree on every shape: digits, points,
 * leading zeros, and lengths on either side of the 18-digit limit. */
TEST(dec_parse_direct_path_agrees_with_general)
{
    static const char *const shapes[] = {"0", "7", "00", "0.00", "3.07", "5.", ".5", "..5", "1.2.3", "0012.50",
                                         "123456789012345678", "1234567890123456789", "0.000000000000000001",
                                         "0.0000000000000000001", "12345678901234567.8", "1234567890123456789.0",
                                         "", "."};
    char spaced[64];
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        jx_dec a = {0, 0}, b = {0, 0};
        snprintf(spaced, sizeof spaced, " %s", shapes[i]);
        int ra = parse(shapes[i], &a), rb = parse(spaced, &b);
        CHECK_INT(ra, rb);
        if (ra == 1 && rb == 1) {
            CHECK_INT(a.m, b.m);
            CHECK_INT(a.scale, b.scale);
        }
    }
    srand(11);
    for (int round = 0; round < 20000; round++) {
        char s[32];
        int n = 1 + rand() % 22, k = 0;
        for (int j = 0; j < n; j++) s[k++] = rand() % 12 ? (char)('0' + rand() % 10) : '.';
        s[k] = 0;
        jx_dec a = {0, 0}, b = {0, 0};
        snprintf(spaced, sizeof spaced, " %s", s);
        int ra = parse(s, &a), rb = parse(spaced, &b);
        CHECK_INT(ra, rb);
        if (ra == 1 && rb == 1) {
            CHECK_INT(a.m, b.m);
            CHECK_INT(a.scale, b.scale);
        }
    }
}
