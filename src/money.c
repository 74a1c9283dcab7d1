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
    t->paired_budget = jx_dec_from_int(0);
    t->paired_actual = jx_dec_from_int(0);
}

void jx_totals_add(jx_totals *t, const jx_project *p, const jx_doc *d)
{
    jx_dec b, a;
    if (p->kind != JX_ROW_PROJECT) return;
    t->projects++;
    int hasb = jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &b) == 1;
    int hasa = jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &a) == 1;
    if (hasb) {
        if (jx_dec_add(t->budget, b, &t->budget) < 0) t->overflow = 1;
        t->nbudget++;
    }
    if (hasa) {
        if (jx_dec_add(t->actual, a, &t->actual) < 0) t->overflow = 1;
        t->nactual++;
    }
    if (hasb && hasa) {
        if (jx_dec_add(t->paired_budget, b, &t->paired_budget) < 0) t->overflow = 1;
        if (jx_dec_add(t->paired_actual, a, &t->paired_actual) < 0) t->overflow = 1;
        t->npaired++;
    }
}

int jx_totals_rate(const jx_totals *t, jx_dec *pct)
{
    if (!t->npaired || t->overflow) return -1;
    return jx_rate_of(t->paired_actual, t->paired_budget, 2, pct);
}
