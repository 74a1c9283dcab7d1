/* The numeric part of jixiao.indicator's judge in C: target items paired with
 * result items (by number, by position, else by shared wording and unit) and
 * the pairs where a positive target is exceeded by 20% or more, which is what
 * jixiao check's over-achievement rule reports. Same pairing and arithmetic
 * as indicator.lua's pair_items and judge_numbers. */
#include <stdlib.h>

#include "indicator_int.h"

static const char *unit_class(const jx_icell *c, const jx_iitem *it)
{
    const jx_imention *m = it->best >= 0 ? &c->ms[it->best] : NULL;
    return m && m->unit ? jx_ind_unit_class(m->unit) : NULL;
}

static int same_class(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* The distinct character pairs of a text, each packed into a key (a character
 * is a UTF-8 sequence, or one byte where the text is not UTF-8, so a pair is
 * at most 8 bytes), sorted so two sets meet in one merge. */
struct bigram {
    uint64_t k;
    int n;
};

static int by_key(const void *a, const void *b)
{
    const struct bigram *x = a, *y = b;
    if (x->k != y->k) return x->k < y->k ? -1 : 1;
    return x->n - y->n;
}

/* Appends the sorted distinct pairs of s[0..n) to *v at *nv; returns how many, or -1 out of memory. */
static int bigrams(const char *s, int n, struct bigram **v, int *nv, int *cap)
{
    const unsigned char *u = (const unsigned char *)s;
    int first = *nv, prev = -1;
    for (int i = 0; i < n;) {
        int l = jx_ind_charlen(u, i, n);
        if (prev >= 0) {
            if (*nv == *cap) {
                int nc = *cap ? *cap * 2 : 128;
                struct bigram *x = realloc(*v, sizeof *x * (size_t)nc);
                if (!x) return -1;
                *v = x, *cap = nc;
            }
            struct bigram g = {0, i + l - prev};
            memcpy(&g.k, u + prev, (size_t)g.n);
            (*v)[(*nv)++] = g;
        }
        prev = i;
        i += l;
    }
    int m = *nv - first;
    if (m == 0) return 0; /* *v may still be NULL */
    struct bigram *b = *v + first;
    if (m > 48) {
        qsort(b, (size_t)m, sizeof *b, by_key);
    } else { /* the texts of items are short: insertion sort, no calls */
        for (int i = 1; i < m; i++) {
            struct bigram x = b[i];
            int j = i;
            for (; j > 0 && (b[j - 1].k > x.k || (b[j - 1].k == x.k && b[j - 1].n > x.n)); j--) b[j] = b[j - 1];
            b[j] = x;
        }
    }
    int k = 0;
    for (int i = 0; i < m; i++)
        if (k == 0 || by_key(&b[k - 1], &b[i])) b[k++] = b[i];
    *nv = first + k;
    return k;
}

/* How many pairs two sorted sets share. */
static int overlap(const struct bigram *a, int na_, const struct bigram *b, int nb)
{
    int i = 0, j = 0, n = 0;
    while (i < na_ && j < nb) {
        int c = by_key(&a[i], &b[j]);
        if (c == 0) n++, i++, j++;
        else if (c < 0) i++;
        else j++;
    }
    return n;
}

struct cand { int k, j, score; };

static int by_score(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->k != y->k) return x->k - y->k;
    return x->j - y->j;
}

int jx_ind_pair(const jx_icell *pt, const jx_icell *pr, int *out)
{
    int nt = pt->nitems, nr = pr->nitems;
    if (pt->numbered && pr->numbered) {
        for (int k = 0; k < nt; k++) {
            out[k] = -1;
            for (int j = 0; j < nr && out[k] < 0; j++)
                if (pr->items[j].n == pt->items[k].n) out[k] = j;
        }
        return 0;
    }
    int same = nt == nr;
    for (int k = 0; same && nt > 1 && k < nt; k++)
        if (!same_class(unit_class(pt, &pt->items[k]), unit_class(pr, &pr->items[k]))) same = 0;
    if (same) {
        for (int k = 0; k < nt; k++) out[k] = k;
        return 0;
    }
    struct bigram *g = NULL;
    int ng = 0, gcap = 0, ncand = 0, rc = -1;
    struct cand *cands = malloc(sizeof *cands * (size_t)(nt * nr + 1));
    int *at = malloc(sizeof *at * (size_t)(2 * nr + 1)); /* each result item's pairs: offset, count */
    unsigned char *used = calloc((size_t)nr + 1, 1);
    if (!cands || !at || !used) goto done;
    for (int j = 0; j < nr; j++) {
        at[2 * j] = ng;
        if ((at[2 * j + 1] = bigrams(pr->text + pr->items[j].s, pr->items[j].e - pr->items[j].s, &g, &ng, &gcap)) < 0)
            goto done;
    }
    for (int k = 0; k < nt; k++) {
        const jx_iitem *t = &pt->items[k];
        out[k] = -1;
        int ts = t->subj_s >= 0 ? t->subj_s : t->s, te = t->subj_s >= 0 ? t->subj_e : t->e;
        int base = ng, ntb = bigrams(pt->text + ts, te - ts, &g, &ng, &gcap);
        if (ntb < 0) goto done;
        for (int j = 0; j < nr; j++) {
            int score = ntb && at[2 * j + 1] ? overlap(g + base, ntb, g + at[2 * j], at[2 * j + 1]) : 0;
            const char *tu = unit_class(pt, t), *ru = unit_class(pr, &pr->items[j]);
            if (tu && ru && !strcmp(tu, ru)) score += 1000;
            if (score > 0) cands[ncand++] = (struct cand){k, j, score};
        }
        ng = base;
    }
    qsort(cands, (size_t)ncand, sizeof *cands, by_score);
    for (int c = 0; c < ncand; c++)
        if (out[cands[c].k] < 0 && !used[cands[c].j]) out[cands[c].k] = cands[c].j, used[cands[c].j] = 1;
    /* with as many results as targets, a leftover pair still explains why it fails */
    for (int k = 0; nt == nr && k < nt; k++)
        if (out[k] < 0 && !used[k]) out[k] = k, used[k] = 1;
    rc = 0;
done:
    free(g), free(cands), free(at), free(used);
    return rc;
}


int jx_icell_not_applicable(const jx_icell *c)
{
    if (c->nitems == 0) return 0;
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].kind != JX_IK_NA) return 0;
    return 1;
}

int jx_ind_over(const jx_icell *pt, const jx_icell *pr, jx_ind_over_fn *each, void *ud)
{
    /* judge gives no items when either side is 不适用 throughout */
    if (jx_icell_not_applicable(pt) || jx_icell_not_applicable(pr) || pt->nitems == 0 || pr->nitems == 0) return 0;
    int *match = malloc(sizeof *match * (size_t)pt->nitems);
    if (!match || jx_ind_pair(pt, pr, match) < 0) {
        free(match);
        return -1;
    }
    int over = 0;
    for (int k = 0; k < pt->nitems; k++) {
        if (match[k] < 0) continue;
        const jx_iitem *t = &pt->items[k], *r = &pr->items[match[k]];
        if (!jx_ik_numeric(t->kind) || !jx_ik_numeric(r->kind)) continue;
        if (!same_class(unit_class(pt, t), unit_class(pr, r))) continue;
        const jx_imention *tm = &pt->ms[t->best], *rm = &pr->ms[r->best];
        double A = tm->number, B = rm->number;
        jx_iop op = tm->op ? tm->op : JX_OP_EQ;
        int met = op == JX_OP_GE   ? B >= A
                  : op == JX_OP_GT ? B > A
                  : op == JX_OP_EQ ? (A == 0 ? B <= 0 : B >= A)
                  : op == JX_OP_LE ? B <= A
                                   : B < A;
        /* a positive target (>=, >, =) exceeded by 20% or more */
        if (met && op <= JX_OP_EQ && A > 0 && B >= 1.2 * A) {
            each(ud, pt, t, pr, r, B / A);
            over++;
        }
    }
    free(match);
    return over;
}
