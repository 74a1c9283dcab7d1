/* Money helpers (see money.h): exact rates, unit conversion, totals. */
#include "money.h"

int jx_rate_of(jx_dec actual, jx_dec budget, int scale, jx_dec *pct)
{
    jx_dec a100;
    if (jx_dec_is_zero(budget)) return -1;
    if (jx_dec_shift(actual, 2, &a100) < 0) return -1;
    return jx_dec_div(a100, budget, scale, pct);
}

int jx_money_convert(jx_dec v, jx_unit from, jx_unit to, jx_dec *out)
{
    int pf = jx_unit_pow10(from), pt = jx_unit_pow10(to);
    if (pf < 0 || pt < 0) return -1;
    return jx_dec_shift(v, pf - pt, out);
}

void jx_totals_init(jx_totals *t)
{
    *t = (jx_totals){0};
    t->budget = jx_dec_from_int(0);
    t->actual = jx_dec_from_int(0);
}

void jx_totals_add(jx_totals *t, const jx_project *p, const jx_doc *d)
{
    jx_dec v;
    if (p->kind != JX_ROW_PROJECT) return;
    t->projects++;
    if (jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &v) == 1) {
        if (jx_dec_add(t->budget, v, &t->budget) < 0) t->overflow = 1;
        t->nbudget++;
    }
    if (jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &v) == 1) {
        if (jx_dec_add(t->actual, v, &t->actual) < 0) t->overflow = 1;
        t->nactual++;
    }
}
