/* The reviewers' checks on indicator texts, in C: the built-in rules of
 * lua/jixiao/check.lua (same ids, findings and messages), run on cells read
 * by indicator.c so that jixiao check needs no Lua state for them. They run
 * in Lua instead once a --rules file extends the indicator grammar or the
 * word lists (jx_rules_text_in_lua); tests compare the two on every table. */
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "check.h"
#include "indicator.h"
#include "value.h"

/* A row's cells as the rules read them: every indicator cell parsed at most
 * once per row, on first use. */
struct jx_check_text {
    jx_icell *cells;   /* 2 per indicator slot: target, result */
    unsigned char *parsed;
    int ncells;
    jx_icell scratch;  /* find_dates and has_operator */
    char *norm;        /* normalised texts of duplicate-indicator */
    size_t norm_cap;
    struct seen { size_t off, len; int slot; } *seen;
    int nseen, seen_cap;
    int found, at[14]; /* the text rules' places in the registry, once found */
};

static const char *const vague_words[] = {"切实", "进一步", "提高", "提升", "改善", "增强", "加强", NULL};
static const char *const growth_words[] = {"增长", "增幅", "增加", "增速", "同比", "环比", "提高", "提升",
                                           "上升", "上涨", "涨幅", "较上年", "比上年", NULL};

/* ---- helpers ---- */

typedef struct {
    const char *s;
    size_t n;
} text;

static int has(text t, const char *w) { return jx_text_find(t.s, t.n, w, strlen(w)) != NULL; }

/* The first word of a NULL-terminated list found in t, or NULL. */
static const char *has_any(text t, const char *const *words)
{
    for (; *words; words++)
        if (has(t, *words)) return *words;
    return NULL;
}

static text cell_text(const jx_project *p, int col)
{
    text t = {"", 0};
    if (col >= 0) t.s = p->col[col]->s, t.n = p->col[col]->len;
    return t;
}

static text span(const jx_icell *c, int s, int e) { return (text){c->text + s, (size_t)(e - s)}; }

/* The cell of slot i, side 0 (target) or 1 (result), parsed; NULL when the
 * layout lacks the column or out of memory. */
static const jx_icell *cell(jx_check *ck, const jx_doc *d, const jx_project *p, int i, int side)
{
    struct jx_check_text *x = ck->text;
    int col = side ? d->inds[i].result_col : d->inds[i].target_col;
    if (col < 0) return NULL;
    int k = 2 * i + side;
    if (!x->parsed[k]) {
        if (jx_ind_parse(&x->cells[k], p->col[col]->s, p->col[col]->len) < 0) {
            ck->nomem = 1;
            return NULL;
        }
        x->parsed[k] = 1;
    }
    return &x->cells[k];
}

/* not_applicable(text) of check.lua: a non-empty cell whose every item is 不适用. */
static int na(jx_check *ck, const jx_doc *d, const jx_project *p, int i, int side)
{
    int col = side ? d->inds[i].result_col : d->inds[i].target_col;
    if (col < 0 || p->col[col]->len == 0) return 0;
    const jx_icell *c = cell(ck, d, p, i, side);
    return c && jx_icell_not_applicable(c);
}

static int numeric_item(const jx_icell *c)
{
    for (int i = 0; i < c->nitems; i++)
        if (jx_ik_numeric(c->items[i].kind)) return 1;
    return 0;
}

/* The first numeric value of the cell, in item order; NULL if none. */
static const jx_imention *first_numeric(const jx_icell *c)
{
    for (int i = 0; i < c->nitems; i++)
        for (int k = 0; k < c->items[i].nm; k++) {
            const jx_imention *m = &c->ms[c->items[i].m0 + k];
            if (jx_ik_numeric(m->kind)) return m;
        }
    return NULL;
}

static int measurable(const jx_icell *c)
{
    for (int i = 0; i < c->nitems; i++)
        for (int k = 0; k < c->items[i].nm; k++) {
            const jx_imention *m = &c->ms[c->items[i].m0 + k];
            if (jx_ik_numeric(m->kind)) return 1;
            if ((m->kind == JX_IK_DATE || m->kind == JX_IK_PERIOD) && m->has_date && !m->date.year_only) return 1;
        }
    return 0;
}

static const char *slot(const jx_doc *d, int i) { return jx_level2_name(d->inds[i].level2); }

static int satisfaction(const jx_doc *d, int i) { return d->inds[i].level1 == JX_L1_SATISFACTION; }

static int filled(const jx_project *p, int col) { return col >= 0 && p->col[col]->len > 0; }

static const char *opsym(jx_iop o)
{
    static const char *const s[] = {"", "≥", ">", "=", "≤", "<"};
    return (unsigned)o < sizeof s / sizeof *s ? s[o] : "";
}

/* check.lua's show(item): operator, value as written, unit as written. */
static void show_item(jx_check_buf *b, const jx_icell *c, const jx_iitem *it)
{
    const jx_imention *m = it->best >= 0 ? &c->ms[it->best] : NULL;
    if (!m) return;
    jx_check_put(b, "%s", opsym(m->op));
    if (m->val_s >= 0) jx_check_put(b, "%.*s%s", m->val_e - m->val_s, c->text + m->val_s, m->mult ? m->mult : "");
    if (m->unit_s >= 0) jx_check_put(b, "%.*s", m->unit_e - m->unit_s, c->text + m->unit_s);
}

/* ---- text normalised for comparison: no blanks, no trailing punctuation ---- */

static int blank(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static size_t norm(const char *s, size_t n, char *out)
{
    static const struct { const char *s; size_t n; } trail[] = {
        {"。", 3}, {"；", 3}, {"，", 3}, {"、", 3}, {".", 1}, {";", 1}, {",", 1}};
    size_t k = 0;
    for (size_t i = 0; i < n;) {
#ifdef __SSE2__
        /* 16 bytes are stored whole; those before the first blank or lead
         * byte of U+3000 (E3, also the lead of other punctuation) are kept */
        if (i + 16 <= n) {
            __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
            __m128i ctl = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(x, _mm_set1_epi8('\t')), _mm_set1_epi8(4)),
                                         _mm_setzero_si128());
            __m128i odd = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE3)));
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(ctl, odd));
            _mm_storeu_si128((__m128i *)(out + k), x);
            if (!m) {
                i += 16, k += 16;
                continue;
            }
            unsigned t = (unsigned)__builtin_ctz(m);
            i += t, k += t;
        }
#endif
        unsigned char c = (unsigned char)s[i];
        if (blank(c)) {
            i++;
        } else if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
            i += 3;
        } else {
            out[k++] = s[i++];
        }
    }
    for (int changed = 1; changed && k;) {
        changed = 0;
        for (size_t t = 0; t < sizeof trail / sizeof *trail; t++) {
            size_t tl = trail[t].n;
            if (k >= tl && !memcmp(out + k - tl, trail[t].s, tl)) k -= tl, changed = 1;
        }
    }
    return k;
}

static int norm_room(jx_check *ck, size_t need)
{
    struct jx_check_text *x = ck->text;
    if (need <= x->norm_cap) return 0;
    size_t cap = need < 256 ? 256 : need * 2;
    char *v = realloc(x->norm, cap);
    if (!v) return ck->nomem = 1, -1;
    x->norm = v, x->norm_cap = cap;
    return 0;
}

/* ---- the rules, in check.lua's order ---- */

static const char *const dims[] = {"产出", "效益", "满意度"};
static const jx_level1 dim_level[] = {JX_L1_OUTPUT, JX_L1_BENEFIT, JX_L1_SATISFACTION};

static void missing_dimension_doc(jx_check *ck, const jx_doc *d)
{
    unsigned char have[JX_L1_COUNT] = {0};
    int any = 0;
    for (int c = 0; c < d->ncols; c++)
        if (d->cols[c].level1) have[d->cols[c].level1] = 1, any = 1;
    if (!any) return; /* a table without indicators is not this kind of form */
    for (int k = 0; k < 3; k++)
        if (!have[dim_level[k]])
            jx_check_add(ck, "missing-dimension", d, NULL, 0, -1, NULL, 0,
                         "the layout has no %s indicator columns: a self-evaluation scores 产出, 效益 and "
                         "满意度; add the missing dimension",
                         dims[k]);
}

static void missing_dimension(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    int first[JX_L1_COUNT], full[JX_L1_COUNT] = {0}, any = 0;
    for (int l = 0; l < JX_L1_COUNT; l++) first[l] = -1;
    for (int i = 0; i < d->ninds; i++) {
        int l = d->inds[i].level1;
        if (first[l] < 0) first[l] = i;
        if (filled(p, d->inds[i].target_col) || filled(p, d->inds[i].result_col)) full[l] = 1, any = 1;
    }
    /* a row without any indicator is cut off or holds money only: nothing to compare */
    if (!any) return;
    for (int k = 0; k < 3; k++) {
        int i = first[dim_level[k]];
        if (i < 0 || full[dim_level[k]]) continue;
        int col = d->inds[i].target_col >= 0 ? d->inds[i].target_col : d->inds[i].result_col;
        jx_check_add(ck, "missing-dimension", d, p, 0, col, NULL, 0,
                     "no %s indicator is filled in: every %s target and result is empty; state at least one %s "
                     "indicator",
                     dims[k], dims[k], dims[k]);
    }
}

/* A year is four digits (ASCII or full-width): a text without them names no year.
 * Blocks of 16 bytes without a digit or the lead byte of a full-width one are
 * stepped over whole. */
static int may_name_year(text t)
{
    const unsigned char *s = (const unsigned char *)t.s;
    size_t i = 0, n = t.n;
#ifdef __SSE2__
    /* skip to each digit or EF byte 16 bytes at a time; judge it there */
    const __m128i zero = _mm_setzero_si128(), d0 = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    const __m128i ef = _mm_set1_epi8((char)0xEF);
    while (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
        /* a digit: x - '0' is at most 9 as an unsigned byte */
        __m128i digit = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(x, d0), nine), zero);
        unsigned m = (unsigned)(_mm_movemask_epi8(digit) | _mm_movemask_epi8(_mm_cmpeq_epi8(x, ef)));
        if (!m) {
            i += 16;
            continue;
        }
        i += (size_t)__builtin_ctz(m);
        if (s[i] == 0xEF) {
            if (i + 2 < n && s[i + 1] == 0xBC && s[i + 2] >= 0x90 && s[i + 2] <= 0x99) return 1;
            i++;
            continue;
        }
        size_t j = i; /* a run of digits starts here */
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        if (j - i >= 4) return 1;
        i = j;
    }
#endif
    for (size_t run = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (++run == 4) return 1;
            continue;
        }
        run = 0;
        if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBC && s[i + 2] >= 0x90 && s[i + 2] <= 0x99) return 1;
    }
    return 0;
}

static void date_outside_cell(jx_check *ck, const jx_doc *d, const jx_project *p, int col)
{
    text t = cell_text(p, col);
    if (!t.n || !may_name_year(t)) return;
    jx_icell *c = &ck->text->scratch;
    if (jx_ind_find_dates(c, t.s, t.n) < 0) {
        ck->nomem = 1;
        return;
    }
    jx_check_buf b;
    jx_check_buf_init(&b);
    int bad = 0;
    for (int i = 0; i < c->nms; i++) {
        const jx_imention *m = &c->ms[i];
        /* a bare year ("2021龙岗区", "上年(2020年)") is context, not a dated event */
        if (!m->date.year || m->date.year == d->year || m->date.year_only) continue;
        jx_check_put(&b, "%s\"%.*s\"", bad++ ? ", " : "", m->epos - m->pos, c->text + m->pos);
    }
    if (bad)
        jx_check_add(ck, "date-outside-year", d, p, 0, col, NULL, 0,
                     "%s %s outside the evaluated year %d: work of another year, or a typo; correct the date or "
                     "explain why it belongs in this year's evaluation",
                     b.buf, bad == 1 ? "is" : "are", d->year);
}

static void date_outside_year(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    if (!d->year) return;
    date_outside_cell(ck, d, p, d->fieldcol[JX_F_GOAL_TARGET]);
    date_outside_cell(ck, d, p, d->fieldcol[JX_F_GOAL_RESULT]);
    for (int i = 0; i < d->ninds; i++) {
        date_outside_cell(ck, d, p, d->inds[i].target_col);
        date_outside_cell(ck, d, p, d->inds[i].result_col);
    }
    date_outside_cell(ck, d, p, d->fieldcol[JX_F_PROBLEMS]);
    date_outside_cell(ck, d, p, d->fieldcol[JX_F_RECTIFICATION]);
}

static void operator_in_result(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        int col = d->inds[i].result_col;
        if (!filled(p, col)) continue;
        int op = jx_ind_has_operator(&ck->text->scratch, p->col[col]->s, p->col[col]->len);
        if (op < 0) ck->nomem = 1;
        if (op <= 0) continue;
        const jx_icell *c = cell(ck, d, p, i, 1);
        if (!c) continue;
        const jx_imention *what = NULL;
        for (int k = 0; k < c->nitems && !what; k++)
            for (int j = 0; j < c->items[k].nm && !what; j++)
                if (c->ms[c->items[k].m0 + j].op_s >= 0) what = &c->ms[c->items[k].m0 + j];
        jx_check_buf b;
        jx_check_buf_init(&b);
        if (what) jx_check_put(&b, " (\"%.*s\")", what->epos - what->pos, c->text + what->pos);
        jx_check_add(ck, "operator-in-result", d, p, 0, col, NULL, 0,
                     "the %s result is written like a target%s: a result states what was achieved; give the "
                     "measured value instead of a threshold",
                     slot(d, i), b.buf);
    }
}

static void non_numeric_result(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        if (!filled(p, d->inds[i].target_col) || !filled(p, d->inds[i].result_col) || na(ck, d, p, i, 1)) continue;
        const jx_icell *t = cell(ck, d, p, i, 0), *r = cell(ck, d, p, i, 1);
        const jx_imention *want = t ? first_numeric(t) : NULL;
        if (!want || !r || first_numeric(r)) continue;
        jx_check_add(ck, "non-numeric-result", d, p, 0, d->inds[i].result_col, NULL, 0,
                     "the %s target is quantitative (\"%.*s\") but the result states no number: report the "
                     "achieved quantity so it can be scored against the target",
                     slot(d, i), want->epos - want->pos, t->text + want->pos);
    }
}

static void percent_over_100(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++)
        for (int side = 0; side < 2; side++) {
            int col = side ? d->inds[i].result_col : d->inds[i].target_col;
            const jx_icell *c = filled(p, col) ? cell(ck, d, p, i, side) : NULL;
            const jx_imention *hit = NULL;
            for (int k = 0; c && k < c->nitems && !hit; k++) {
                const jx_iitem *it = &c->items[k];
                for (int j = 0; j < it->nm && !hit; j++) {
                    const jx_imention *m = &c->ms[it->m0 + j];
                    if (m->kind == JX_IK_PERCENT && m->unit && !strcmp(m->unit, "%") && m->has_number &&
                        m->number > 100 && !has_any(span(c, it->s, it->e), growth_words))
                        hit = m;
                }
            }
            if (hit)
                jx_check_add(ck, "percent-over-100", d, p, 0, col, NULL, 0,
                             "\"%.*s\" is above 100%% for a share that cannot exceed 100%%: check the figure; if "
                             "the target was exceeded, report the achieved value and explain",
                             hit->epos - hit->pos, c->text + hit->pos);
        }
}

/* "满意度95", "完成率100": the word, linking words, a number, then no % or
 * other unit. Returns the clause (from the last separator before the word
 * to the number's end) in *out, or 0. */
static int bare_rate(text t, text *out)
{
    static const char *const words[] = {"满意度", "率"};
    static const char *const links[] = {"为", "是", "达到", "达", "在", "保持", "不低于", "不少于", "≥", ">=",
                                        "＞", ">", "＝", "=", "：", ":", " ", "\xe3\x80\x80"};
    static const char *const ends[] = {"，", ",", "。", "；", ";", "、", " ", ")", "）", "以上", "及以上", "左右"};
    static const char *const seps[] = {"，", ",", "。", "；", ";", "、", " ", "\xe3\x80\x80"};
    for (int w = 0; w < 2; w++) {
        size_t wl = strlen(words[w]);
        for (size_t s = 0;;) {
            const char *hit = s <= t.n ? jx_text_find(t.s + s, t.n - s, words[w], wl) : NULL;
            if (!hit) break;
            size_t a = (size_t)(hit - t.s), i = a + wl;
            for (int moved = 1; moved;) {
                moved = 0;
                for (size_t l = 0; l < sizeof links / sizeof *links; l++) {
                    size_t ll = strlen(links[l]);
                    if (i + ll <= t.n && !memcmp(t.s + i, links[l], ll)) i += ll, moved = 1;
                }
            }
            /* ^%d+%.?%d* */
            size_t e = i;
            while (e < t.n && t.s[e] >= '0' && t.s[e] <= '9') e++;
            if (e > i) {
                if (e < t.n && t.s[e] == '.') e++;
                while (e < t.n && t.s[e] >= '0' && t.s[e] <= '9') e++;
                char num[64];
                size_t nl = e - i < sizeof num - 1 ? e - i : sizeof num - 1;
                memcpy(num, t.s + i, nl), num[nl] = 0;
                if (strtod(num, NULL) <= 100) {
                    int ok = e == t.n;
                    for (size_t k = 0; !ok && k < sizeof ends / sizeof *ends; k++) {
                        size_t el = strlen(ends[k]);
                        ok = e + el <= t.n && !memcmp(t.s + e, ends[k], el);
                    }
                    if (ok) {
                        size_t from = 0;
                        for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
                            size_t sl = strlen(seps[k]);
                            for (size_t x = 0;;) {
                                const char *f = x <= t.n ? jx_text_find(t.s + x, t.n - x, seps[k], sl) : NULL;
                                if (!f || (size_t)(f - t.s) >= a) break;
                                size_t y = (size_t)(f - t.s) + sl;
                                if (y > from) from = y;
                                x = y;
                            }
                        }
                        *out = (text){t.s + from, e - from};
                        return 1;
                    }
                }
            }
            s = a + wl;
        }
    }
    return 0;
}

/* ^%s*%d+%.?%d*%s*$ */
static int bare_number(text t)
{
    size_t i = 0, n = t.n;
    while (i < n && blank((unsigned char)t.s[i])) i++;
    size_t d = i;
    while (i < n && t.s[i] >= '0' && t.s[i] <= '9') i++;
    if (i == d) return 0;
    if (i < n && t.s[i] == '.') i++;
    while (i < n && t.s[i] >= '0' && t.s[i] <= '9') i++;
    while (i < n && blank((unsigned char)t.s[i])) i++;
    return i == n;
}

static void percent_no_sign(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++)
        for (int side = 0; side < 2; side++) {
            int col = side ? d->inds[i].result_col : d->inds[i].target_col;
            if (!filled(p, col)) continue;
            text t = cell_text(p, col), what;
            int found = bare_rate(t, &what);
            if (!found && side == 1 && bare_number(t) && filled(p, d->inds[i].target_col)) {
                const jx_icell *c = cell(ck, d, p, i, 0);
                for (int k = 0; c && k < c->nitems && !found; k++)
                    for (int j = 0; j < c->items[k].nm && !found; j++)
                        if (c->ms[c->items[k].m0 + j].kind == JX_IK_PERCENT) found = 1, what = t;
            }
            if (found)
                jx_check_add(ck, "percent-no-sign", d, p, 0, col, NULL, 0,
                             "\"%.*s\" gives a rate without %%: write the unit (95%%), so the value cannot be read "
                             "as a count or a score",
                             (int)what.n, what.s);
        }
}

static void satisfaction_complaints(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        if (!satisfaction(d, i)) continue;
        text t = cell_text(p, d->inds[i].target_col), r = cell_text(p, d->inds[i].result_col);
        if (!has(t, "投诉") && !has(r, "投诉")) continue;
        int col = t.n && d->inds[i].target_col >= 0 ? d->inds[i].target_col : d->inds[i].result_col;
        jx_check_add(ck, "satisfaction-complaints", d, p, 0, col, NULL, 0,
                     "satisfaction is measured by complaints (\"%.*s\" -> \"%.*s\"): no complaints is not a "
                     "satisfaction survey; measure satisfaction (a survey's 满意率 against a target such as ≥90%%)",
                     (int)t.n, t.s, (int)r.n, r.s);
    }
}

static void satisfaction_100(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        const jx_icell *c = filled(p, d->inds[i].result_col) ? cell(ck, d, p, i, 1) : NULL;
        const jx_iitem *hit = NULL;
        for (int k = 0; c && k < c->nitems && !hit; k++) {
            const jx_iitem *it = &c->items[k];
            for (int j = 0; j < it->nm && !hit; j++) {
                const jx_imention *m = &c->ms[it->m0 + j];
                if (m->kind == JX_IK_PERCENT && m->has_number && m->number == 100 &&
                    (satisfaction(d, i) || has(span(c, it->s, it->e), "满意")))
                    hit = it;
            }
        }
        if (hit)
            jx_check_add(ck, "satisfaction-100", d, p, 0, d->inds[i].result_col, NULL, 0,
                         "satisfaction of exactly 100%% (\"%.*s\") is implausible for a real survey: give the "
                         "survey, its sample size and the measured rate",
                         hit->e - hit->s, c->text + hit->s);
    }
}

static void vague_target(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        int col = d->inds[i].target_col;
        if (!filled(p, col)) continue;
        const char *w = has_any(cell_text(p, col), vague_words);
        if (!w) continue;
        const jx_icell *c = cell(ck, d, p, i, 0);
        if (!c || measurable(c)) continue;
        jx_check_add(ck, "vague-target", d, p, 0, col, NULL, 0,
                     "vague %s target: \"%s\" with no number, rate or deadline to check the result against; state "
                     "a measurable value (≥ N%%, N 次, a date)",
                     slot(d, i), w);
    }
}

static void not_applicable(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        int tn = na(ck, d, p, i, 0), rn = na(ck, d, p, i, 1);
        if (!tn && !rn) continue;
        text t = cell_text(p, d->inds[i].target_col), r = cell_text(p, d->inds[i].result_col);
        jx_check_buf b;
        jx_check_buf_init(&b);
        if (tn && rn) jx_check_put(&b, "\"%.*s\"/\"%.*s\"", (int)t.n, t.s, (int)r.n, r.s);
        else if (tn) jx_check_put(&b, "target \"%.*s\"", (int)t.n, t.s);
        else jx_check_put(&b, "result \"%.*s\"", (int)r.n, r.s);
        jx_check_add(ck, "not-applicable", d, p, 0, tn ? d->inds[i].target_col : d->inds[i].result_col, NULL, 0,
                     "the %s indicator is marked not applicable (%s): under the default scoring it still carries "
                     "weight; give a real indicator, or drop it and re-normalise the weights",
                     slot(d, i), b.buf);
    }
}

/* The first byte that is not a blank (nor U+3000), or -1. */
static int first_byte(text t)
{
    for (size_t i = 0; i < t.n; i++) {
        unsigned char c = (unsigned char)t.s[i];
        if (blank(c)) continue;
        if (c == 0xE3 && i + 2 < t.n && (unsigned char)t.s[i + 1] == 0x80 && (unsigned char)t.s[i + 2] == 0x80) {
            i += 2;
            continue;
        }
        return c;
    }
    return -1;
}

/* 1 when target and result cells read the same once normalised (target not empty). */
static int same_words(jx_check *ck, text t, text r)
{
    /* texts equal once normalised start with the same byte */
    if (first_byte(t) != first_byte(r)) return 0;
    if (norm_room(ck, t.n + r.n) < 0) return 0;
    char *a = ck->text->norm;
    size_t na_ = norm(t.s, t.n, a);
    if (!na_) return 0;
    size_t nb = norm(r.s, r.n, a + t.n);
    return na_ == nb && !memcmp(a, a + t.n, na_);
}

static void result_equals_target(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    int tc = d->fieldcol[JX_F_GOAL_TARGET], rc = d->fieldcol[JX_F_GOAL_RESULT];
    text t = cell_text(p, tc), r = cell_text(p, rc);
    if (same_words(ck, t, r)) {
        jx_icell *c = &ck->text->scratch;
        if (jx_ind_parse(c, t.s, t.n) < 0) ck->nomem = 1;
        else if (!jx_icell_not_applicable(c))
            jx_check_add(ck, "result-equals-target", d, p, 0, rc, NULL, 0,
                         "the %s result repeats its target word for word: state what was actually achieved",
                         "overall goal");
    }
    for (int i = 0; i < d->ninds; i++) {
        if (d->inds[i].target_col < 0 || d->inds[i].result_col < 0) continue;
        t = cell_text(p, d->inds[i].target_col), r = cell_text(p, d->inds[i].result_col);
        if (same_words(ck, t, r) && !na(ck, d, p, i, 0))
            jx_check_add(ck, "result-equals-target", d, p, 0, d->inds[i].result_col, NULL, 0,
                         "the %s result repeats its target word for word: state what was actually achieved",
                         slot(d, i));
    }
}

/* ---- over-achievement ---- */

struct over {
    jx_check_buf b;
    int n;
};

static void one_over(void *ud, const jx_icell *pt, const jx_iitem *t, const jx_icell *pr, const jx_iitem *r,
                     double ratio)
{
    struct over *o = ud;
    if (o->n++) jx_check_put(&o->b, "; ");
    show_item(&o->b, pr, r);
    jx_check_put(&o->b, " against ");
    show_item(&o->b, pt, t);
    jx_check_put(&o->b, ", ratio %.2f", ratio);
}

static void over_achievement(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        if (!filled(p, d->inds[i].target_col) || !filled(p, d->inds[i].result_col)) continue;
        const jx_icell *pt = cell(ck, d, p, i, 0), *pr = cell(ck, d, p, i, 1);
        /* only a numeric target item judged against a numeric result item can be "over" */
        if (!pt || !pr || !numeric_item(pt) || !numeric_item(pr)) continue;
        struct over o;
        jx_check_buf_init(&o.b);
        o.n = 0;
        if (jx_ind_over(pt, pr, one_over, &o) < 0) ck->nomem = 1;
        if (o.n)
            jx_check_add(ck, "over-achievement", d, p, 0, d->inds[i].result_col, NULL, 0,
                         "%s result far above target (%s): 120%% or more suggests the target was set too low; "
                         "explain, and set next year's target from the achieved level",
                         slot(d, i), o.b.buf);
    }
}

/* Characters of a text: bytes that do not continue a UTF-8 sequence. */
static size_t chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static int seen_add(jx_check *ck, size_t off, size_t len, int slot_)
{
    struct jx_check_text *x = ck->text;
    if (x->nseen == x->seen_cap) {
        int cap = x->seen_cap ? x->seen_cap * 2 : 32;
        struct seen *v = realloc(x->seen, sizeof *v * (size_t)cap);
        if (!v) return ck->nomem = 1, -1;
        x->seen = v, x->seen_cap = cap;
    }
    x->seen[x->nseen++] = (struct seen){off, len, slot_};
    return 0;
}

static void duplicate_indicator(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    struct jx_check_text *x = ck->text;
    x->nseen = 0;
    size_t used = 0;
    for (int i = 0; i < d->ninds; i++) {
        int col = d->inds[i].target_col;
        if (!filled(p, col) || na(ck, d, p, i, 0)) continue;
        const jx_icell *c = cell(ck, d, p, i, 0);
        if (!c) continue;
        text t = cell_text(p, col);
        /* the whole cell, then each of its items when there are several */
        int pieces = 1 + (c->nitems > 1 ? c->nitems : 0), first_piece = x->nseen;
        if (norm_room(ck, used + 2 * t.n) < 0) return;
        for (int k = 0; k < pieces; k++) {
            text s = k == 0 ? t : span(c, c->items[k - 1].s, c->items[k - 1].e);
            size_t off = used, n = norm(s.s, s.n, x->norm + off);
            used += n;
            int first = -1, dup = 0;
            for (int q = 0; q < x->nseen && first < 0; q++)
                if (x->seen[q].len == n && !memcmp(x->norm + x->seen[q].off, x->norm + off, n)) first = q;
            /* reported once per text: an earlier piece of this cell with the same text */
            for (int q = first_piece; q < x->nseen && !dup; q++)
                dup = x->seen[q].slot < 0 && x->seen[q].len == n && !memcmp(x->norm + x->seen[q].off, x->norm + off, n);
            if (first >= 0 && x->seen[first].slot != i && chars(x->norm + off, n) >= 4 && !dup) {
                int fs = x->seen[first].slot;
                jx_check_add(ck, "duplicate-indicator", d, p, 0, col, NULL, 0,
                             "\"%.*s\" is also the %s target (column %d): one indicator under two slots is scored "
                             "twice; give each slot its own indicator",
                             (int)n, x->norm + off, slot(d, fs), d->inds[fs].target_col + 1);
                seen_add(ck, off, n, -1); /* marks the text reported for this cell */
            } else if (first < 0) {
                seen_add(ck, off, n, i);
            }
        }
    }
}

static int guessed_gap(const jx_project *p, int col)
{
    for (int g = 0; p->repair && g < p->repair->ngaps; g++)
        if (p->repair->gaps[g].col == col && !p->repair->gaps[g].certain) return 1;
    return 0;
}

static void missing_result(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    for (int i = 0; i < d->ninds; i++) {
        int tc = d->inds[i].target_col, rc = d->inds[i].result_col;
        if (!filled(p, tc) || rc < 0 || filled(p, rc) || na(ck, d, p, i, 0) || guessed_gap(p, rc)) continue;
        jx_check_add(ck, "missing-result", d, p, 0, tc, NULL, 0,
                     "the %s indicator has a target but its result (column %d) is empty: report what was achieved",
                     slot(d, i), rc + 1);
    }
}

/* ---- entry points ---- */

typedef void rule_fn(jx_check *ck, const jx_doc *d, const jx_project *p);

/* missing-dimension first: jx_check_text_doc runs its document part */
static const struct {
    const char *id;
    rule_fn *fn;
} text_rules[] = {
    {"missing-dimension", missing_dimension},
    {"date-outside-year", date_outside_year},
    {"operator-in-result", operator_in_result},
    {"non-numeric-result", non_numeric_result},
    {"percent-over-100", percent_over_100},
    {"percent-no-sign", percent_no_sign},
    {"satisfaction-complaints", satisfaction_complaints},
    {"satisfaction-100", satisfaction_100},
    {"vague-target", vague_target},
    {"not-applicable", not_applicable},
    {"result-equals-target", result_equals_target},
    {"over-achievement", over_achievement},
    {"duplicate-indicator", duplicate_indicator},
    {"missing-result", missing_result},
};

#define NTEXT (sizeof text_rules / sizeof *text_rules)
_Static_assert(NTEXT == sizeof ((struct jx_check_text *)0)->at / sizeof(int), "one place per text rule");

/* Where each text rule sits in the registry (built-ins come first and never
 * move), found once. */
static int runs_here(jx_check *ck, size_t k)
{
    struct jx_check_text *x = ck->text;
    if (!x->found) {
        for (size_t i = 0; i < NTEXT; i++) {
            const jx_rule *r = jx_rules_find(ck->rules, text_rules[i].id);
            x->at[i] = r ? (int)(r - ck->rules->v) : -1;
        }
        x->found = 1;
    }
    const jx_rule *r = x->at[k] >= 0 ? &ck->rules->v[x->at[k]] : NULL;
    return r && r->enabled && !r->lua;
}

static int ready(jx_check *ck, const jx_doc *d)
{
    struct jx_check_text *x = ck->text;
    if (!x) {
        if (!(x = ck->text = calloc(1, sizeof *x))) return ck->nomem = 1, -1;
        jx_icell_init(&x->scratch);
    }
    int need = 2 * d->ninds;
    if (need > x->ncells) {
        jx_icell *v = realloc(x->cells, sizeof *v * (size_t)need);
        if (!v) return ck->nomem = 1, -1;
        x->cells = v;
        for (int k = x->ncells; k < need; k++) jx_icell_init(&x->cells[k]);
        x->ncells = need;
        unsigned char *f = realloc(x->parsed, (size_t)need);
        if (!f) return ck->nomem = 1, -1;
        x->parsed = f;
    }
    memset(x->parsed, 0, (size_t)need);
    return 0;
}

void jx_check_text_doc(jx_check *ck, const jx_doc *d)
{
    if (ready(ck, d) == 0 && runs_here(ck, 0)) missing_dimension_doc(ck, d);
}

void jx_check_text_project(jx_check *ck, const jx_doc *d, const jx_project *p)
{
    if (p->kind == JX_ROW_TOTAL || ready(ck, d) < 0) return;
    for (size_t k = 0; k < NTEXT; k++)
        if (runs_here(ck, k)) text_rules[k].fn(ck, d, p);
}

void jx_check_text_free(jx_check *ck)
{
    struct jx_check_text *x = ck->text;
    if (!x) return;
    for (int k = 0; k < x->ncells; k++) jx_icell_free(&x->cells[k]);
    jx_icell_free(&x->scratch);
    free(x->cells), free(x->parsed), free(x->norm), free(x->seen), free(x);
    ck->text = NULL;
}
