/* The checks that need no Lua: money adding up (sum of parts,
 * printed rate, total rows), spending against zero or over the budget, low
 * execution without a reason, 元/万元 slips, ragged-row repairs and the table
 * reader's own diagnostics. Exact decimals throughout, no floating point. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "money.h"
#include "value.h"

#define MAX_MENTIONS 64

static const char *fmt_dec(jx_dec v, char *buf)
{
    jx_dec_format(v, buf);
    return buf;
}

/* The last label of a column path ("项目年度预算金额 / 合计" -> "合计"). */
static const char *last_label(const char *path)
{
    const char *s = path, *p;
    while ((p = strstr(s, " / ")) != NULL) s = p + 3;
    return s;
}

/* Length of the first label ("项目年度预算金额"). */
static int first_label_len(const char *path)
{
    const char *p = strstr(path, " / ");
    return p ? (int)(p - path) : (int)strlen(path);
}

static int present(const jx_doc *d, jx_field f) { return d->fieldcol[f] >= 0; }

static const char *unit_suffix(const jx_doc *d)
{
    const char *u = jx_unit_name(d->unit);
    return u ? u : "";
}

/* ---- sum of parts ---- */

/* whole == Σ parts within 0.01, parts absent ("-", empty) counting as zero.
 * Nothing to say when no part is a number, or when a cell is not a number
 * (the reader reports that). */
static void check_sum(jx_check *ck, const jx_doc *d, const jx_project *p, jx_field whole, const jx_field *parts,
                      int nparts)
{
    jx_dec w, v, sum = jx_dec_from_int(0), diff;
    char a[JX_DEC_BUFSZ], b[JX_DEC_BUFSZ], c[JX_DEC_BUFSZ];
    if (jx_project_amount(p, d, whole, &w) != 1) return;
    int numbers = 0;
    for (int i = 0; i < nparts; i++) {
        if (!present(d, parts[i])) continue;
        int r = jx_project_amount(p, d, parts[i], &v);
        if (r < 0) return;
        numbers += r == 1;
        if (r == 1 && jx_dec_add(sum, v, &sum) < 0) return;
    }
    if (!numbers || jx_dec_sub(w, sum, &diff) < 0) return;
    diff = jx_dec_abs(diff);
    if (jx_dec_cmp(diff, (jx_dec){1, 2}) <= 0) return;
    /* the parts as an expression, for the message */
    jx_check_buf expr;
    jx_check_buf_init(&expr);
    for (int i = 0, shown = 0; i < nparts; i++) {
        if (!present(d, parts[i])) continue;
        int r = jx_project_amount(p, d, parts[i], &v);
        jx_check_put(&expr, "%s%s %s", shown++ ? " + " : "", last_label(d->cols[d->fieldcol[parts[i]]].path),
            r == 1 ? fmt_dec(v, a) : "-");
    }
    int col = d->fieldcol[whole];
    const char *path = d->cols[col].path;
    jx_check_add(ck, "sum-of-parts", d, p, 0, col, NULL, 0,
                 "%.*s: %s %s ≠ %s = %s (off by %s%s); correct the total or the part that is wrong",
                 first_label_len(path), path, last_label(path), fmt_dec(w, a), expr.buf, fmt_dec(sum, b),
                 fmt_dec(diff, c), unit_suffix(d));
}

/* base is JX_F_BUDGET_TOTAL or JX_F_ACTUAL_TOTAL; the part fields follow it
 * in the enum: fiscal, general, fund, other, carryover. */
static void sum_of_parts(jx_check *ck, const jx_doc *d, const jx_project *p, jx_field base)
{
    jx_field fiscal = base + 1, general = base + 2, fund = base + 3, other = base + 4, carry = base + 5;
    if (!present(d, base)) return;
    int split = present(d, general) || present(d, fund);
    if (split && present(d, fiscal)) check_sum(ck, d, p, fiscal, (jx_field[]){general, fund}, 2);
    if (split) check_sum(ck, d, p, base, (jx_field[]){general, fund, other, carry}, 4);
    else check_sum(ck, d, p, base, (jx_field[]){fiscal, other, carry}, 3);
}

/* ---- rates ---- */

/* 无, 暂无, -, 不适用 … : a 问题 cell that gives no reason. */
static int no_reason(const jx_cell *c)
{
    static const char *const empty[] = {"", "无", "暂无", "没有", "无问题", "不适用", "不涉及", "-", "—", "——",
                                        "－", "/", "／", "n/a", "na", NULL};
    char f[64];
    if (c->len > 48) return 0;
    size_t n = jx_fold(c->s, c->len, f, sizeof f);
    /* trailing 。 . ; */
    for (;;) {
        if (n >= 3 && (!memcmp(f + n - 3, "。", 3) || !memcmp(f + n - 3, "；", 3))) n -= 3;
        else if (n >= 1 && (f[n - 1] == '.' || f[n - 1] == ';')) n -= 1;
        else break;
    }
    f[n] = 0;
    for (const char *const *e = empty; *e; e++)
        if (!strcmp(f, *e)) return 1;
    return 0;
}

static void rate_rules(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    jx_dec b, a, printed, computed, diff, tol, rel;
    jx_rate_form form;
    char s1[JX_DEC_BUFSZ], s2[JX_DEC_BUFSZ], s3[JX_DEC_BUFSZ], s4[JX_DEC_BUFSZ], s5[JX_DEC_BUFSZ],
        s6[JX_DEC_BUFSZ];
    int rc = d->fieldcol[JX_F_RATE], bc = d->fieldcol[JX_F_BUDGET_TOTAL];
    int rb = jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &b);
    int ra = jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &a);
    const jx_cell *rcell = jx_project_field(p, d, JX_F_RATE);
    int have_printed = rc >= 0 && jx_rate_parse(rcell->s, rcell->len, &printed, &form) == 1;
    int have_computed = rb == 1 && ra == 1 && !jx_dec_is_zero(b) && jx_rate_of(a, b, 2, &computed) == 0;
    int project = p->kind == JX_ROW_PROJECT;

    if (have_printed && have_computed && jx_dec_sub(printed, computed, &diff) == 0 &&
        jx_dec_shift(jx_dec_abs(computed), -2, &rel) == 0) {
        diff = jx_dec_abs(diff);
        tol = jx_dec_cmp(rel, (jx_dec){50, 2}) > 0 ? rel : (jx_dec){50, 2};
        if (jx_dec_cmp(diff, tol) > 0)
            jx_check_add(ck, "rate-mismatch", d, p, 0, rc, NULL, 0,
                         "printed rate %s%% but actual/budget = %s / %s = %s%% (off by %s pp, more than the "
                         "tolerance of %s pp); correct the rate or the amounts",
                         fmt_dec(printed, s1), fmt_dec(a, s2), fmt_dec(b, s3), fmt_dec(computed, s4),
                         fmt_dec(diff, s5), fmt_dec(jx_dec_normalize(tol), s6));
    }
    if (!project) return;
    if (bc >= 0 && ra == 1 && jx_dec_cmp(a, jx_dec_from_int(0)) > 0 &&
        (rb == 0 || (rb == 1 && jx_dec_is_zero(b))))
        jx_check_add(ck, "zero-budget-spending", d, p, 0, bc, NULL, 0,
                     "%s%s spent against a budget of %s: spending needs a budget; fill in the budget or "
                     "explain where the money came from",
                     fmt_dec(a, s1), unit_suffix(d), rb == 1 ? fmt_dec(b, s2) : "nothing (empty cell)");
    if (rb == 1 && ra == 1 && !jx_dec_is_zero(b) && jx_dec_cmp(a, b) > 0) {
        int col = rc >= 0 ? rc : d->fieldcol[JX_F_ACTUAL_TOTAL];
        jx_check_add(ck, "rate-over-100", d, p, 0, col, NULL, 0,
                     "%s%s spent against a budget of %s (%s%%): more than budgeted; explain the over-spending "
                     "(the execution score is usually capped at 10 points)",
                     fmt_dec(a, s1), unit_suffix(d), fmt_dec(b, s2),
                     have_computed ? fmt_dec(computed, s3) : "over 100");
    } else if (!have_computed && have_printed && jx_dec_cmp(printed, jx_dec_from_int(100)) > 0) {
        jx_check_add(ck, "rate-over-100", d, p, 0, rc, NULL, 0,
                     "execution rate %s%% is above 100%%: more than budgeted; explain the over-spending",
                     fmt_dec(printed, s1));
    }
    int pc = d->fieldcol[JX_F_PROBLEMS];
    const jx_dec *rate = have_computed ? &computed : have_printed ? &printed : NULL;
    if (rate && pc >= 0 && jx_dec_cmp(*rate, jx_dec_from_int(90)) < 0 && no_reason(p->col[pc]))
        jx_check_add(ck, "low-rate-no-reason", d, p, 0, pc, NULL, 0,
                     "execution rate %s%% is below 90%% but %s gives no reason%s; explain why the money "
                     "was not spent",
                     fmt_dec(*rate, s1), d->cols[pc].path, p->col[pc]->len ? "" : " (the cell is empty)");
}

/* ---- total rows ---- */

static int money_field(jx_field f) { return f >= JX_F_BUDGET_TOTAL && f <= JX_F_ACTUAL_CARRY; }

static void add_to_sums(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int f = JX_F_BUDGET_TOTAL; f <= JX_F_ACTUAL_CARRY; f++) {
        jx_dec v;
        if (!present(d, (jx_field)f)) continue;
        int r = jx_project_amount(p, d, (jx_field)f, &v);
        if (r < 0 || (r == 1 && jx_dec_add(ck->sum_all[f], v, &ck->sum_all[f]) < 0)) ck->bad_all[f] = 1;
        if (r < 0 || (r == 1 && jx_dec_add(ck->sum_since[f], v, &ck->sum_since[f]) < 0)) ck->bad_since[f] = 1;
    }
    ck->n_all++, ck->n_since++;
}

static void reset_since(jx_check *ck)
{
    for (int f = 0; f < JX_F_COUNT; f++) ck->sum_since[f] = jx_dec_from_int(0), ck->bad_since[f] = 0;
    ck->n_since = 0;
}

static int within_cent(jx_dec x, jx_dec y)
{
    jx_dec diff;
    return jx_dec_sub(x, y, &diff) == 0 && jx_dec_cmp(jx_dec_abs(diff), (jx_dec){1, 2}) <= 0;
}

/* A total row matches the projects since the start or since the previous
 * total row (subtotals, then a grand total). */
static void total_row(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    char s1[JX_DEC_BUFSZ], s2[JX_DEC_BUFSZ], s3[JX_DEC_BUFSZ];
    for (int f = JX_F_BUDGET_TOTAL; f <= JX_F_ACTUAL_CARRY; f++) {
        jx_dec t;
        if (!money_field((jx_field)f) || !present(d, (jx_field)f)) continue;
        if (jx_project_amount(p, d, (jx_field)f, &t) != 1) continue;
        int all = ck->n_all > 0 && !ck->bad_all[f], since = ck->n_since > 0 && !ck->bad_since[f];
        if (!all && !since) continue;
        if ((all && within_cent(t, ck->sum_all[f])) || (since && within_cent(t, ck->sum_since[f]))) continue;
        int col = d->fieldcol[f];
        if (all && since && ck->n_since != ck->n_all)
            jx_check_add(ck, "total-row-mismatch", d, p, 0, col, NULL, 0,
                         "total row: %s is %s, but the %d project rows above add up to %s, and the %d since "
                         "the previous total row to %s; correct the total or the rows",
                         d->cols[col].path, fmt_dec(t, s1), ck->n_all, fmt_dec(ck->sum_all[f], s2), ck->n_since,
                         fmt_dec(ck->sum_since[f], s3));
        else
            jx_check_add(ck, "total-row-mismatch", d, p, 0, col, NULL, 0,
                         "total row: %s is %s, but the %d project rows above add up to %s; correct the total or "
                         "the rows",
                         d->cols[col].path, fmt_dec(t, s1), all ? ck->n_all : ck->n_since,
                         fmt_dec(all ? ck->sum_all[f] : ck->sum_since[f], s2));
    }
    reset_since(ck);
}

/* ---- 元/万元 slips ---- */

static size_t digit_at(const unsigned char *s, size_t n, size_t i)
{
    if (i < n && s[i] >= '0' && s[i] <= '9') return 1;
    if (i + 2 < n && s[i] == 0xEF && s[i + 1] == 0xBC && s[i + 2] >= 0x90 && s[i + 2] <= 0x99) return 3;
    return 0;
}

static int lit_at(const unsigned char *s, size_t n, size_t i, const char *lit)
{
    size_t k = strlen(lit);
    return i + k <= n && !memcmp(s + i, lit, k);
}

int jx_money_mentions(const char *text, size_t n, jx_money_mention *out, int max)
{
    /* 元 opening a word: 元旦, 元月, 元宵, 元素 … are not money */
    static const char *const not_money[] = {"旦", "月", "宵", "素", "件", "器", "首", "老", "帅", "朝", "代",
                                            "年", "音", "气", "宝", "勋", NULL};
    static const struct { const char *w; int pow; } mult[] = {{"百万", 6}, {"万", 4}, {"亿", 8}, {"千", 3}};
    const unsigned char *s = (const unsigned char *)text;
    int k = 0;
    size_t i = 0;
    /* every mention ends in 元, which most texts do not hold */
    if (!jx_text_find(text, n, "元", 3)) return 0;
    while (i < n && k < max) {
        size_t dl = digit_at(s, n, i);
        if (!dl) {
            i++;
            continue;
        }
        size_t start = i, j = i;
        while ((dl = digit_at(s, n, j))) j += dl;
        while (j + 3 < n && s[j] == ',' && digit_at(s, n, j + 1) == 1 && digit_at(s, n, j + 2) == 1 &&
               digit_at(s, n, j + 3) == 1 && !digit_at(s, n, j + 4))
            j += 4;
        size_t pl = (j < n && s[j] == '.') ? 1 : lit_at(s, n, j, "．") ? 3 : 0;
        if (pl && digit_at(s, n, j + pl)) {
            j += pl;
            while ((dl = digit_at(s, n, j))) j += dl;
        }
        size_t end = j, u = j;
        while (u < n && s[u] == ' ') u++;
        int pow = 0;
        for (size_t m = 0; m < sizeof mult / sizeof mult[0]; m++)
            if (lit_at(s, n, u, mult[m].w)) {
                pow = mult[m].pow;
                u += strlen(mult[m].w);
                break;
            }
        int money = lit_at(s, n, u, "元");
        for (const char *const *w = not_money; money && *w; w++)
            if (lit_at(s, n, u + 3, *w)) money = 0;
        jx_dec v;
        if (money && jx_dec_parse(text + start, end - start, &v) == 1 && jx_dec_shift(v, pow, &v) == 0) {
            out[k++] = (jx_money_mention){start, u + 3 - start, v};
            i = u + 3;
        } else {
            i = end;
        }
    }
    return k;
}

struct mention {
    jx_dec yuan;
    int col;        /* 0-based layout column */
    const char *s;  /* as written; for an amount, set by amount_texts */
    size_t len;
    int amount;     /* an amount cell, in the table's unit */
    jx_dec v;       /* an amount's value as read */
    char own[JX_DEC_BUFSZ + 8];
};

/* Amounts' texts ("6.03万元"), written only once a figure is to be reported. */
static void amount_texts(const jx_doc *d, struct mention *ms, int n)
{
    for (int i = 0; i < n; i++) {
        struct mention *m = &ms[i];
        if (!m->amount || m->s) continue;
        int w = jx_dec_format(m->v, m->own);
        snprintf(m->own + w, sizeof m->own - (size_t)w, "%s", unit_suffix(d));
        m->s = m->own, m->len = strlen(m->own);
    }
}

static int text_field(jx_field f)
{
    return f == JX_F_GOAL_TARGET || f == JX_F_GOAL_RESULT || f == JX_F_IND_TARGET || f == JX_F_IND_RESULT ||
           f == JX_F_PROBLEMS || f == JX_F_RECTIFICATION || f == JX_F_UNKNOWN;
}

static int same_text(const struct mention *a, const struct mention *b)
{
    return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

/* Figures whose values in 元 are exactly 10^4 apart, one of them in a text
 * cell: "6.03元" beside "6.03万元". Reported once per pair of spellings, at a
 * text mention (the smaller one when both are text). */
static void unit_slip(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    struct mention ms[MAX_MENTIONS];
    jx_money_mention found[MAX_MENTIONS];
    int n = 0;
    int pow = jx_unit_pow10(d->unit);
    for (int c = 0; c < d->ncols && n < MAX_MENTIONS; c++) {
        const jx_cell *cell = p->col[c];
        jx_field f = d->cols[c].field;
        if (!cell->len) continue;
        if (money_field(f) && pow >= 0) {
            jx_dec v;
            if (jx_project_col_amount(p, c, &v) != 1 || jx_dec_is_zero(v)) continue;
            struct mention *m = &ms[n];
            if (jx_dec_shift(v, pow, &m->yuan) < 0) continue;
            m->col = c, m->s = NULL, m->len = 0, m->amount = 1, m->v = v;
            n++;
        } else if (text_field(f)) {
            int k = jx_money_mentions(cell->s, cell->len, found, MAX_MENTIONS - n);
            for (int i = 0; i < k; i++) {
                if (jx_dec_is_zero(found[i].yuan)) continue;
                ms[n++] = (struct mention){found[i].yuan, c, cell->s + found[i].start, found[i].len, 0, {0, 0}, {0}};
            }
        }
    }
    int done[MAX_MENTIONS][2], ndone = 0;
    for (int i = 0; i < n; i++) {
        jx_dec big;
        if (jx_dec_shift(ms[i].yuan, 4, &big) < 0) continue;
        for (int j = 0; j < n; j++) {
            if ((ms[i].amount && ms[j].amount) || jx_dec_cmp(big, ms[j].yuan) != 0) continue;
            amount_texts(d, ms, n);
            int seen = 0;
            for (int k = 0; k < ndone && !seen; k++)
                seen = same_text(&ms[done[k][0]], &ms[i]) && same_text(&ms[done[k][1]], &ms[j]);
            if (seen || ndone == MAX_MENTIONS) continue;
            done[ndone][0] = i, done[ndone][1] = j, ndone++;
            const struct mention *at = ms[i].amount ? &ms[j] : &ms[i], *other = ms[i].amount ? &ms[i] : &ms[j];
            jx_check_buf also;
            jx_check_buf_init(&also);
            for (int k = 0; k < n; k++)
                if (&ms[k] != at && ms[k].col != at->col && same_text(&ms[k], at))
                    jx_check_put(&also, "%s%d", also.n ? ", " : "; the same figure is also in column ", ms[k].col + 1);
            jx_check_add(ck, "unit-slip", d, p, 0, at->col, NULL, 0,
                         "\"%.*s\" here but %s\"%.*s\" in column %d (%s): the same figure 10^4 apart, so one of "
                         "the units is wrong (元 vs 万元); correct it%s",
                         (int)at->len, at->s, other->amount ? "the amount " : "", (int)other->len, other->s,
                         other->col + 1, d->cols[other->col].path, also.buf);
        }
    }
}

/* ---- repairs ---- */

static void repaired_row(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    const jx_repair *r = p->repair;
    jx_check_buf m;
    jx_check_buf_init(&m);
    jx_check_put(&m, "ragged row (%d cells where the layout has %d) realigned by content%s.", r->observed, d->ncols,
        r->certain ? "; every placement is certain" : " as a best guess");
    for (int i = 0; i < r->ngaps; i++)
        jx_check_put(&m, "%s column %d (%s)%s", i ? "," : " Left empty:", r->gaps[i].col + 1, d->cols[r->gaps[i].col].path,
            r->gaps[i].certain ? "" : " [guess]");
    if (r->ngaps) jx_check_put(&m, ".");
    /* certain moves come in runs shifted by the same offset: say each run once */
    int shown = 0;
    for (int i = 0; i < r->nmoves;) {
        const jx_move *a = &r->moves[i];
        int j = i + 1;
        if (!a->certain || a->col == a->cell) {
            i++;
            continue;
        }
        while (j < r->nmoves && r->moves[j].certain && r->moves[j].cell == r->moves[j - 1].cell + 1 &&
               r->moves[j].col - r->moves[j].cell == a->col - a->cell)
            j++;
        const jx_move *z = &r->moves[j - 1];
        if (j - i > 1) jx_check_put(&m, "%s cells %d-%d -> columns %d-%d", shown++ ? ";" : " Moved:", a->cell + 1, z->cell + 1,
                           a->col + 1, z->col + 1);
        else jx_check_put(&m, "%s cell %d -> column %d", shown++ ? ";" : " Moved:", a->cell + 1, a->col + 1);
        i = j;
    }
    if (shown) jx_check_put(&m, ".");
    shown = 0;
    for (int i = 0; i < r->nmoves; i++) {
        const jx_move *a = &r->moves[i];
        if (a->certain) continue;
        jx_check_put(&m, "%s cell %d -> column %d (or", shown++ ? ";" : " Uncertain:", a->cell + 1, a->col + 1);
        for (int k = 0; k < a->nalt; k++) jx_check_put(&m, "%s %d", k ? "," : "", a->alt[k] + 1);
        jx_check_put(&m, ")");
    }
    if (shown) jx_check_put(&m, ".");
    if (!r->certain) jx_check_put(&m, " Check the guessed placements against the original form.");
    jx_check_add(ck, "repaired-row", d, p, 0, -1, NULL, 0, "%s", m.buf);
}

/* ---- reader diagnostics ---- */

/* The layout column of a diagnostic's cell: the reader numbers some by the
 * cell as read, others by the layout column. */
static int diag_column(const jx_doc *d, const jx_project *p, int col)
{
    if (col <= 0) return -1;
    if (p && col <= p->ncells)
        for (int c = 0; c < p->ncols; c++)
            if (p->col[c] == &p->cells[col - 1]) return c;
    return col <= d->ncols ? col - 1 : -1;
}

static void diag(jx_check *ck, const jx_doc *d, const jx_project *p, const jx_diag *g)
{
    /* a realigned row is reported, with more detail, by repaired-row */
    if (!strcmp(g->code, "row-realigned")) return;
    const jx_rule *r = jx_rules_find(ck->rules, g->code);
    const char *id = r && !r->lua && strcmp(g->code, "reader-diagnostic") ? g->code : "reader-diagnostic";
    int col = diag_column(d, p, g->col);
    const char *text = NULL;
    size_t len = 0;
    if (col < 0 && p && g->col > 0 && g->col <= p->ncells) /* a cell beyond the layout */
        text = p->cells[g->col - 1].s, len = p->cells[g->col - 1].len;
    int added = strcmp(id, "reader-diagnostic")
                    ? jx_check_add(ck, id, d, p, g->line, col, text, len, "%s", g->msg)
                    : jx_check_add(ck, id, d, p, g->line, col, text, len, "[%s] %s", g->code, g->msg);
    /* the catch-all follows the reader's level unless re-levelled */
    const jx_rule *rule = jx_rules_find(ck->rules, id);
    if (added == 1 && !strcmp(id, "reader-diagnostic") && !rule->relevelled)
        ck->v[ck->n - 1].severity = g->level == JX_DIAG_INFO ? JX_SEV_INFO : JX_SEV_WARNING;
}

/* ---- entry points ---- */

void jx_check_doc_begin(jx_check *ck, const jx_doc *d)
{
    for (int f = 0; f < JX_F_COUNT; f++) ck->sum_all[f] = jx_dec_from_int(0), ck->bad_all[f] = 0;
    ck->n_all = 0;
    reset_since(ck);
    for (int i = 0; i < d->ndiags; i++) diag(ck, d, NULL, &d->diags[i]);
    ck->doc_diags_seen = d->ndiags;
    jx_check_text_doc(ck, d);
}

void jx_check_project(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < p->ndiags; i++) diag(ck, d, p, &p->diags[i]);
    sum_of_parts(ck, d, p, JX_F_BUDGET_TOTAL);
    sum_of_parts(ck, d, p, JX_F_ACTUAL_TOTAL);
    rate_rules(ck, d, p);
    if (p->kind == JX_ROW_TOTAL) {
        total_row(ck, d, p);
        return;
    }
    add_to_sums(ck, d, p);
    unit_slip(ck, d, p);
    if (p->repair) repaired_row(ck, d, p);
    jx_check_text_project(ck, d, p);
}

void jx_check_doc_end(jx_check *ck, const jx_doc *d)
{
    for (int i = ck->doc_diags_seen; i < d->ndiags; i++) diag(ck, d, NULL, &d->diags[i]);
    ck->doc_diags_seen = d->ndiags;
    if (d->ndiags_dropped)
        jx_check_add(ck, "reader-diagnostic", d, NULL, 0, -1, NULL, 0,
                     "%ld more reader diagnostics were dropped (only the first %d are kept)", d->ndiags_dropped,
                     d->ndiags);
}
