/* Money on top of the exact decimals: execution rates recomputed from the
 * amounts, unit conversion between 元/万元/亿元, and department totals. */
#ifndef JX_MONEY_H
#define JX_MONEY_H

#include "decimal.h"
#include "model.h"
#include "value.h"

/* actual / budget as a percentage rounded half away from zero to `scale`
 * digits (98.37 for 3.02/3.07 at scale 2). -1 if budget is zero or on overflow. */
int jx_rate_of(jx_dec actual, jx_dec budget, int scale, jx_dec *pct);
/* Converts an amount between units exactly (万元 -> 元 multiplies by 10^4).
 * -1 for an unknown unit or overflow. */
int jx_money_convert(jx_dec v, jx_unit from, jx_unit to, jx_dec *out);

typedef struct {
    jx_dec budget, actual;
    jx_dec paired_budget, paired_actual; /* over the projects that give both */
    int projects, nbudget, nactual, npaired;
    int overflow;
} jx_totals;

void jx_totals_init(jx_totals *t);
/* Adds one project row's budget.total and actual.total (total rows are skipped). */
void jx_totals_add(jx_totals *t, const jx_project *p, const jx_doc *d);
/* The execution rate of the totals, in percent to 2 digits, over the projects
 * that give both amounts (a row cut off before its actual does not lower
 * it). -1 when no project gives both, or on overflow. */
int jx_totals_rate(const jx_totals *t, jx_dec *pct);

#endif
