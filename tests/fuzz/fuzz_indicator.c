/* Fuzz target: the indicator reader in C (src/indicator*.c): parse,
 * find_dates and has_operator of a cell, and judge's pairing and
 * over-achievement of two cells split at the first tab. Every span must lie
 * inside the cell, every item's values inside the cell's list, every item's
 * best value among its own, and a second reading into the same arrays must
 * give the same result. */
#include "fuzz.h"
#include "indicator.h"

static void check_cell(const jx_icell *c, const char *s, size_t n)
{
    int len = (int)n;
    if (c->len != len || (c->nitems && !c->items) || (c->nms && !c->ms)) fz_fail("cell header", s, n);
    if (c->prefix_s >= 0 && (c->prefix_s > c->prefix_e || c->prefix_e > len)) fz_fail("prefix span", s, n);
    for (int i = 0; i < c->nms; i++) {
        const jx_imention *m = &c->ms[i];
        if (m->pos < 0 || m->pos > m->epos || m->epos > len) fz_fail("mention span", s, n);
        if (m->op_s >= 0 && (m->op_s > m->op_e || m->op_e > len)) fz_fail("operator span", s, n);
        if (m->val_s >= 0 && (m->val_s > m->val_e || m->val_e > len)) fz_fail("value span", s, n);
        if (m->unit_s >= 0 && (m->unit_s > m->unit_e || m->unit_e > len)) fz_fail("unit span", s, n);
        if ((unsigned)m->kind > JX_IK_NA || (unsigned)m->op > JX_OP_LT) fz_fail("mention kind or operator", s, n);
        if (m->has_date && (m->date.month < 0 || m->date.month > 12 || m->date.day < 0 || m->date.day > 31))
            fz_fail("date out of range", s, n);
    }
    for (int i = 0; i < c->nitems; i++) {
        const jx_iitem *it = &c->items[i];
        if (it->s < 0 || it->s > it->e || it->e > len) fz_fail("item span", s, n);
        if (it->m0 < 0 || it->nm < 0 || it->m0 + it->nm > c->nms) fz_fail("item values", s, n);
        if (it->best >= 0 && (it->best < it->m0 || it->best >= it->m0 + it->nm)) fz_fail("item best value", s, n);
        if (it->subj_s >= 0 && (it->subj_s > it->subj_e || it->subj_e > len)) fz_fail("subject span", s, n);
        if (it->qual_len < 0) fz_fail("qualitative word length", s, n);
    }
}

static void count_over(void *ud, const jx_icell *pt, const jx_iitem *t, const jx_icell *pr, const jx_iitem *r,
                       double ratio)
{
    (void)pt, (void)t, (void)pr, (void)r;
    if (!(ratio >= 1.2)) fz_fail("over-achievement below 1.2", NULL, 0);
    ++*(int *)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the text without a terminating NUL, so reading past it is caught */
    char *s = malloc(size ? size : 1);
    if (!s) return 0;
    memcpy(s, data, size);
    jx_icell a, b;
    jx_icell_init(&a), jx_icell_init(&b);
    if (jx_ind_parse(&a, s, size) == 0) {
        check_cell(&a, s, size);
        int nitems = a.nitems, nms = a.nms;
        if (jx_ind_parse(&a, s, size) == 0 && (a.nitems != nitems || a.nms != nms))
            fz_fail("a second reading differs", s, size);
    }
    if (jx_ind_find_dates(&b, s, size) == 0) check_cell(&b, s, size);
    int op = jx_ind_has_operator(&b, s, size);
    if (op < -1 || op > 1) fz_fail("has_operator result", s, size);
    const char *tab = memchr(s, '\t', size);
    if (tab) {
        size_t k = (size_t)(tab - s);
        if (jx_ind_parse(&a, s, k) == 0 && jx_ind_parse(&b, tab + 1, size - k - 1) == 0 && a.nitems) {
            int *match = malloc(sizeof *match * (size_t)a.nitems), over = 0;
            if (match && jx_ind_pair(&a, &b, match) == 0)
                for (int i = 0; i < a.nitems; i++)
                    if (match[i] < -1 || match[i] >= b.nitems) fz_fail("pairing out of range", s, size);
            free(match);
            if (jx_ind_over(&a, &b, count_over, &over) > a.nitems) fz_fail("more over-achievements than items", s, size);
        }
    }
    jx_icell_free(&a), jx_icell_free(&b);
    free(s);
    return 0;
}
