/* Tests for money.c: recomputed rates, unit conversion, department totals. */
#include "money.h"
#include "table.h"
#include "unit.h"

static jx_dec dec(const char *s)
{
    jx_dec d = {0, 0};
    CHECK_INT(jx_dec_parse(s, strlen(s), &d), 1);
    return d;
}

static const char *fmt(jx_dec d)
{
    static char buf[JX_DEC_BUFSZ];
    jx_dec_format(d, buf);
    return buf;
}

TEST(money_rate_of_seed_rows)
{
    jx_dec r;
    CHECK_INT(jx_rate_of(dec("3.02"), dec("3.07"), 2, &r), 0);
    CHECK_STR(fmt(r), "98.37");
    CHECK_INT(jx_rate_of(dec("31.12"), dec("40.00"), 2, &r), 0);
    CHECK_STR(fmt(r), "77.80");
    CHECK_INT(jx_rate_of(dec("267.98"), dec("288.49"), 2, &r), 0);
    CHECK_STR(fmt(r), "92.89");
}

TEST(money_rate_of_zero_budget_fails)
{
    jx_dec r;
    CHECK_INT(jx_rate_of(dec("1.00"), dec("0.00"), 2, &r), -1);
}

TEST(money_convert_units_exactly)
{
    jx_dec v;
    CHECK_INT(jx_money_convert(dec("6.03"), JX_UNIT_WAN, JX_UNIT_YUAN, &v), 0);
    CHECK_STR(fmt(v), "60300");
    CHECK_INT(jx_money_convert(dec("10308000.00"), JX_UNIT_YUAN, JX_UNIT_WAN, &v), 0);
    CHECK_STR(fmt(v), "1030.800000");
    CHECK_INT(jx_money_convert(dec("1.5"), JX_UNIT_YI, JX_UNIT_WAN, &v), 0);
    CHECK_STR(fmt(v), "15000");
    CHECK_INT(jx_money_convert(dec("1"), JX_UNIT_UNKNOWN, JX_UNIT_YUAN, &v), -1);
}

TEST(money_totals_over_the_seed)
{
    jx_table *t;
    jx_err err = {0};
    CHECK_INT(jx_table_open(&t, "tests/data/000_657db78fa8902e38.txt", NULL, &err), 0);
    if (!t) return;
    jx_totals tot;
    jx_totals_init(&tot);
    jx_project p;
    while (jx_table_next(t, &p, &err) > 0) jx_totals_add(&tot, &p, jx_table_doc(t));
    CHECK_INT(tot.projects, 6);
    CHECK_STR(fmt(tot.budget), "288.49");
    CHECK_STR(fmt(tot.actual), "267.98");
    jx_table_close(t);
}

TEST(money_totals_exact_over_many_rows)
{
    /* 100,000 rows of 0.01 add to exactly 1000.00. */
    jx_totals tot;
    jx_totals_init(&tot);
    jx_dec cent = dec("0.01");
    for (int i = 0; i < 100000; i++) CHECK_INT(jx_dec_add(tot.budget, cent, &tot.budget), 0);
    CHECK_STR(fmt(tot.budget), "1000.00");
}
