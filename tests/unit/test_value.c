/* Unit tests for src/value.c: rates in their spellings, stated money units
 * (and texts that only look like one), the label fold, UTF-8 truncation. */
#include <string.h>

#include "unit.h"
#include "value.h"

static const char *rate(const char *s, jx_rate_form *form)
{
    static char buf[JX_DEC_BUFSZ];
    jx_dec d;
    jx_rate_form f = 0;
    int r = jx_rate_parse(s, strlen(s), &d, &f);
    if (form) *form = f;
    if (r == 0) return "ABSENT";
    if (r < 0) return "INVALID";
    jx_dec_format(d, buf);
    return buf;
}

static jx_unit unit(const char *s)
{
    return jx_unit_find(s, strlen(s));
}

static const char *fold(const char *s, size_t cap)
{
    static char buf[256];
    jx_fold(s, strlen(s), buf, cap);
    return buf;
}

TEST(rate_percent_forms)
{
    jx_rate_form f;
    CHECK_STR(rate("98.37%", &f), "98.37");
    CHECK_INT(f, JX_RATE_PERCENT);
    CHECK_STR(rate(" 98.37 % ", &f), "98.37");
    CHECK_INT(f, JX_RATE_PERCENT);
    CHECK_STR(rate("98.37\xEF\xBC\x85", &f), "98.37"); /* ％ */
    CHECK_INT(f, JX_RATE_FW_PERCENT);
    CHECK_STR(rate("\xEF\xBC\x99\xEF\xBC\x98\xEF\xBC\x8E\xEF\xBC\x93\xEF\xBC\x97\xEF\xBC\x85", &f), "98.37");
    CHECK_INT(f, JX_RATE_FW_PERCENT);
    CHECK_STR(rate("0.5%", &f), "0.5"); /* with a sign it is never a fraction */
    CHECK_INT(f, JX_RATE_PERCENT);
    CHECK_STR(rate("100%", &f), "100");
}

TEST(rate_plain_numbers)
{
    jx_rate_form f;
    CHECK_STR(rate("98.37", &f), "98.37");
    CHECK_INT(f, JX_RATE_PLAIN);
    CHECK_STR(rate("1", &f), "1");
    CHECK_INT(f, JX_RATE_PLAIN);
    CHECK_STR(rate("100", &f), "100");
    CHECK_INT(f, JX_RATE_PLAIN);
    CHECK_STR(rate("1.05", &f), "1.05");
    CHECK_INT(f, JX_RATE_PLAIN);
    CHECK_STR(rate("1.00", &f), "1.00");
    CHECK_INT(f, JX_RATE_PLAIN);
    CHECK_STR(rate("1.501", &f), "1.501");
    CHECK_INT(f, JX_RATE_PLAIN);
    CHECK_STR(rate("0", &f), "0");
    CHECK_INT(f, JX_RATE_PLAIN);
}

TEST(rate_fractions)
{
    jx_rate_form f;
    CHECK_STR(rate("0.9837", &f), "98.37");
    CHECK_INT(f, JX_RATE_FRACTION);
    CHECK_STR(rate("0.5", &f), "50");
    CHECK_INT(f, JX_RATE_FRACTION);
    CHECK_STR(rate("1.000", &f), "100.0");
    CHECK_INT(f, JX_RATE_FRACTION);
    CHECK_STR(rate("1.2500", &f), "125.00");
    CHECK_INT(f, JX_RATE_FRACTION);
    CHECK_STR(rate("1.500", &f), "150.0");
    CHECK_INT(f, JX_RATE_FRACTION);
    CHECK_STR(rate("0.00", &f), "0");
    CHECK_INT(f, JX_RATE_FRACTION);
    CHECK_STR(rate("-0.05", &f), "-5");
    CHECK_INT(f, JX_RATE_FRACTION);
    CHECK_STR(rate("\xEF\xBC\x90\xEF\xBC\x8E\xEF\xBC\x99\xEF\xBC\x98\xEF\xBC\x93\xEF\xBC\x97", &f), "98.37");
    CHECK_INT(f, JX_RATE_FRACTION);
}

TEST(rate_absent_and_invalid)
{
    jx_dec d = {7, 0};
    jx_rate_form f = JX_RATE_PLAIN;
    CHECK_INT(jx_rate_parse("", 0, &d, &f), 0);
    CHECK_INT(d.m, 7);
    CHECK_STR(rate("-", NULL), "ABSENT");
    CHECK_STR(rate("\xE2\x80\x94", NULL), "ABSENT");
    CHECK_STR(rate("/", NULL), "ABSENT");
    CHECK_STR(rate("\xE3\x80\x80 ", NULL), "ABSENT");
    CHECK_STR(rate("abc", NULL), "INVALID");
    CHECK_STR(rate("%", NULL), "INVALID");
    CHECK_STR(rate("-%", NULL), "INVALID");
    CHECK_STR(rate("98.37%%", NULL), "INVALID");
    CHECK_STR(rate("%98.37", NULL), "INVALID");
    CHECK_STR(rate("98.37%x", NULL), "INVALID");
    CHECK_STR(rate("\xE2\x89\xA5" "90%", NULL), "INVALID"); /* ≥90% is a target, not a rate */
}

TEST(unit_find_stated)
{
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD\x8D: \xE4\xB8\x87\xE5\x85\x83"), JX_UNIT_WAN);          /* 单位: 万元 */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE5\x85\x83"), JX_UNIT_YUAN);           /* 单位：元 */
    CHECK_INT(unit("\xEF\xBC\x88\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE4\xBA\xBF\xE5\x85\x83\xEF\xBC\x89"),
              JX_UNIT_YI);                                                                     /* （单位：亿元） */
    CHECK_INT(unit("\xE9\x87\x91\xE9\xA2\x9D\xE5\x8D\x95\xE4\xBD\x8D:\xE4\xB8\x87\xE5\x85\x83"), JX_UNIT_WAN); /* 金额单位:万元 */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD\x8D(\xE4\xB8\x87\xE5\x85\x83)"), JX_UNIT_WAN);          /* 单位(万元) */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD\x8D \xEF\xBC\x9A\xE3\x80\x80\xE5\x85\x83"), JX_UNIT_YUAN); /* 单位 ：　元 */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD\x8D\xE4\xB8\xBA\xEF\xBC\x9A\xE4\xBA\xBA\xE6\xB0\x91\xE5\xB8\x81\xE4\xB8\x87\xE5\x85\x83"),
              JX_UNIT_WAN);                                                                    /* 单位为：人民币万元 */
    CHECK_INT(unit("\xE3\x80\x90\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE4\xBA\xBF\xE5\x85\x83\xE3\x80\x91"),
              JX_UNIT_YI);                                                                     /* 【单位：亿元】 */
    /* 部门名称：某局  单位：万元 */
    CHECK_INT(unit("\xE9\x83\xA8\xE9\x97\xA8\xE5\x90\x8D\xE7\xA7\xB0\xEF\xBC\x9A\xE6\x9F\x90\xE5\xB1\x80  "
                   "\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE4\xB8\x87\xE5\x85\x83"),
              JX_UNIT_WAN);
}

TEST(unit_find_in_brackets)
{
    /* 全年预算数（万元） */
    CHECK_INT(unit("\xE5\x85\xA8\xE5\xB9\xB4\xE9\xA2\x84\xE7\xAE\x97\xE6\x95\xB0\xEF\xBC\x88\xE4\xB8\x87\xE5\x85\x83\xEF\xBC\x89"),
              JX_UNIT_WAN);
    CHECK_INT(unit("\xE6\x89\xA7\xE8\xA1\x8C\xE6\x95\xB0( \xE5\x85\x83 )"), JX_UNIT_YUAN);      /* 执行数( 元 ) */
    CHECK_INT(unit("(\xE4\xBA\xBF\xE5\x85\x83)"), JX_UNIT_YI);                                  /* (亿元) */
    /* the first statement wins: 单位：元 (万元) */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE5\x85\x83 (\xE4\xB8\x87\xE5\x85\x83)"), JX_UNIT_YUAN);
}

TEST(unit_find_not_stated)
{
    CHECK_INT(unit(""), JX_UNIT_UNKNOWN);
    CHECK_INT(unit("\xE5\x8D\x95\xE5\x85\x83"), JX_UNIT_UNKNOWN);                                /* 单元 */
    CHECK_INT(unit("\xE7\xAC\xAC\xE4\xB8\x89\xE5\x8D\x95\xE5\x85\x83\xE6\x88\xBF"), JX_UNIT_UNKNOWN); /* 第三单元房 */
    CHECK_INT(unit("\xE4\xB8\x87\xE5\x85\x83"), JX_UNIT_UNKNOWN);                                /* 万元, unlabelled */
    CHECK_INT(unit("\xE9\xA2\x84\xE7\xAE\x97\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE6\x9F\x90\xE5\xB1\x80"),
              JX_UNIT_UNKNOWN);                                                                /* 预算单位：某局 */
    CHECK_INT(unit("\xE8\xAE\xA1\xE9\x87\x8F\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE6\xAC\xA1"), JX_UNIT_UNKNOWN); /* 计量单位：次 */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBB\xB7(\xE5\x85\x83/\xE5\x90\xA8)"), JX_UNIT_UNKNOWN);     /* 单价(元/吨) */
    CHECK_INT(unit("(\xE5\x85\x83\xE4\xBB\xB6)"), JX_UNIT_UNKNOWN);                              /* (元件) */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE4\xB8\x87"), JX_UNIT_UNKNOWN);        /* 单位：万 */
    CHECK_INT(unit("\xE5\x8D\x95\xE4\xBD"), JX_UNIT_UNKNOWN);                                    /* cut 单位 */
    CHECK_INT(unit("(\xE4\xB8\x87\xE5\x85\x83"), JX_UNIT_UNKNOWN);                               /* unclosed */
    CHECK_INT(jx_unit_find("\xE5\x8D\x95\xE4\xBD\x8D:\xE5\x85\x83", 7), JX_UNIT_UNKNOWN); /* n bounds the text */
}

TEST(unit_names_codes_powers)
{
    CHECK_STR(jx_unit_name(JX_UNIT_YUAN), "\xE5\x85\x83");
    CHECK_STR(jx_unit_name(JX_UNIT_WAN), "\xE4\xB8\x87\xE5\x85\x83");
    CHECK_STR(jx_unit_name(JX_UNIT_YI), "\xE4\xBA\xBF\xE5\x85\x83");
    CHECK(jx_unit_name(JX_UNIT_UNKNOWN) == NULL);
    CHECK_STR(jx_unit_code(JX_UNIT_YUAN), "yuan");
    CHECK_STR(jx_unit_code(JX_UNIT_WAN), "wan_yuan");
    CHECK_STR(jx_unit_code(JX_UNIT_YI), "yi_yuan");
    CHECK_STR(jx_unit_code(JX_UNIT_UNKNOWN), "unknown");
    CHECK_INT(jx_unit_pow10(JX_UNIT_YUAN), 0);
    CHECK_INT(jx_unit_pow10(JX_UNIT_WAN), 4);
    CHECK_INT(jx_unit_pow10(JX_UNIT_YI), 8);
    CHECK_INT(jx_unit_pow10(JX_UNIT_UNKNOWN), -1);
}

TEST(fold_full_width_and_spaces)
{
    CHECK_STR(fold("\xE5\x8D\x95\xE4\xBD\x8D\xEF\xBC\x9A\xE4\xB8\x87\xE5\x85\x83", 256),
              "\xE5\x8D\x95\xE4\xBD\x8D:\xE4\xB8\x87\xE5\x85\x83");        /* 单位：万元 -> 单位:万元 */
    CHECK_STR(fold("\xEF\xBC\x88\xEF\xBC\xA1\xEF\xBD\x82\xEF\xBC\xA3\xEF\xBC\x89", 256), "(abc)"); /* （ＡｂＣ） */
    CHECK_STR(fold("A B\tC\r\n", 256), "abc");
    CHECK_STR(fold("\xE3\x80\x80\xE9\xA1\xB9\xE3\x80\x80\xE7\x9B\xAE\xC2\xA0", 256),
              "\xE9\xA1\xB9\xE7\x9B\xAE");                                       /* 　项　目NBSP */
    CHECK_STR(fold("\xEF\xBC\x81\xEF\xBD\x80\xEF\xBD\x9E\xEF\xBC\x90", 256), "!`~0"); /* range ends */
    CHECK_STR(fold("\xEF\xBD\x9F\xEF\xBC\x80", 256), "\xEF\xBD\x9F\xEF\xBC\x80"); /* just outside */
    CHECK_STR(fold("\xFF\xFE" "A\xE9\xA1", 256), "\xFF\xFE" "a\xE9\xA1");          /* invalid bytes */
    char buf[8];
    CHECK_INT(jx_fold("ABC", 2, buf, sizeof buf), 2);
    CHECK_STR(buf, "ab");
}

TEST(fold_respects_cap)
{
    char buf[16];
    memset(buf, 'x', sizeof buf);
    CHECK_INT(jx_fold("abc", 3, buf, 0), 0);
    CHECK_INT(buf[0], 'x');
    CHECK_INT(jx_fold("abc", 3, buf, 1), 0);
    CHECK_STR(buf, "");
    CHECK_INT(jx_fold("abcdef", 6, buf, 4), 3);
    CHECK_STR(buf, "abc");
    memset(buf, 'x', sizeof buf);
    /* 项目名称: 12 bytes; cap 8 leaves room for two characters, never a piece */
    CHECK_INT(jx_fold("\xE9\xA1\xB9\xE7\x9B\xAE\xE5\x90\x8D\xE7\xA7\xB0", 12, buf, 8), 6);
    CHECK_STR(buf, "\xE9\xA1\xB9\xE7\x9B\xAE");
    CHECK_INT(buf[7], 'x');
    CHECK_INT(jx_fold("\xE9\xA1\xB9\xE7\x9B\xAE", 6, buf, 7), 6);
    CHECK_INT(jx_fold("a\xE9\xA1\xB9", 4, buf, 4), 1); /* the character would leave no room for NUL */
    CHECK_STR(buf, "a");
    CHECK_INT(jx_fold("\xEF\xBC\xA1\xEF\xBC\xA2", 6, buf, 2), 1);
    CHECK_STR(buf, "a");
}

TEST(utf8_prefix_never_cuts)
{
    const char *s = "\xE9\xA1\xB9\xE7\x9B\xAE\xE5\x90\x8D\xE7\xA7\xB0"; /* 项目名称 */
    CHECK_INT(jx_utf8_prefix(s, 12, 100), 12);
    CHECK_INT(jx_utf8_prefix(s, 12, 12), 12);
    CHECK_INT(jx_utf8_prefix(s, 12, 7), 6);
    CHECK_INT(jx_utf8_prefix(s, 12, 6), 6);
    CHECK_INT(jx_utf8_prefix(s, 12, 5), 3);
    CHECK_INT(jx_utf8_prefix(s, 12, 2), 0);
    CHECK_INT(jx_utf8_prefix(s, 12, 0), 0);
    CHECK_INT(jx_utf8_prefix("abc", 3, 2), 2);
    CHECK_INT(jx_utf8_prefix("a\xE9\xA1\xB9", 4, 2), 1);
    CHECK_INT(jx_utf8_prefix("\xF0\x9F\x98\x80x", 5, 3), 0); /* 4-byte emoji */
    CHECK_INT(jx_utf8_prefix("\xF0\x9F\x98\x80x", 5, 4), 4);
    CHECK_INT(jx_utf8_prefix("\xC3\xA9", 2, 1), 0);
    /* stray continuation bytes are characters of their own */
    CHECK_INT(jx_utf8_prefix("\x80\x80\x80\x80\x80", 5, 2), 2);
    CHECK_INT(jx_utf8_prefix("a\xE9\xA1" "bc", 5, 2), 2);
    CHECK_INT(jx_utf8_prefix("\xED\xA0\x80", 3, 2), 2); /* a surrogate is not a sequence */
    CHECK_INT(jx_utf8_prefix("\xE0\x80\x80", 3, 2), 2); /* nor is an overlong form */
    CHECK_INT(jx_utf8_prefix("\xF4\x90\x80\x80", 4, 3), 3); /* past U+10FFFF */
}

/* jx_text_find against memmem, on random texts over a small alphabet of bytes
 * and words cut from them, so that near misses and overlaps are common. */
TEST(text_find_is_memmem)
{
    static const char alpha[] = {'a', 'b', '\xE5', '\x85', '\x83', '\xE7', '\x8E'};
    unsigned seed = 12345;
    char s[64], w[8];
    for (int round = 0; round < 20000; round++) {
        size_t n = (seed = seed * 1103515245 + 12345) >> 16 & 31;
        for (size_t i = 0; i < n; i++) s[i] = alpha[((seed = seed * 1103515245 + 12345) >> 16) % sizeof alpha];
        size_t wl = 1 + (((seed = seed * 1103515245 + 12345) >> 16) % 7);
        for (size_t i = 0; i < wl; i++) w[i] = alpha[((seed = seed * 1103515245 + 12345) >> 16) % sizeof alpha];
        if (n >= wl && round % 2) memcpy(w, s + ((seed >> 16) % (n - wl + 1)), wl); /* a word that is there */
        const char *want = memmem(s, n, w, wl), *got = jx_text_find(s, n, w, wl);
        if (want != got) {
            CHECK(want == got);
            return;
        }
    }
    CHECK(jx_text_find("元", 3, "元", 3) != NULL);
    CHECK(jx_text_find("元", 2, "元", 3) == NULL);
    CHECK(jx_text_find("", 0, "元", 3) == NULL);
}
