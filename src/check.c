/* The rule registry and the findings list of jixiao check (see check.h). The
 * built-in table below is the one list of rule ids: the money and structure
 * rules live in check_rules.c, the text rules in check_text.c and, as their
 * definition and fallback, in lua/jixiao/check.lua (tests keep the lists and
 * the findings in step). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "value.h"

#define QUOTE_MAX 120 /* bytes of cell text quoted in a finding */

static const struct {
    const char *id;
    jx_sev sev;
    unsigned char text;
    const char *doc;
} builtin[] = {
    /* money and structure, in C */
    {"sum-of-parts", JX_SEV_ERROR, 0, "合计 is not the sum of its parts (一般公共预算 + 政府性基金 + 非财政资金, ±0.01)"},
    {"rate-mismatch", JX_SEV_ERROR, 0, "printed execution rate differs from actual/budget by more than max(0.5 pp, 1%)"},
    {"zero-budget-spending", JX_SEV_ERROR, 0, "money spent against a budget of zero"},
    {"total-row-mismatch", JX_SEV_ERROR, 0, "a 合计/小计 row is not the sum of the project rows above it"},
    {"rate-over-100", JX_SEV_WARNING, 0, "more spent than budgeted (execution rate above 100%)"},
    {"low-rate-no-reason", JX_SEV_WARNING, 0, "execution rate below 90% with no reason in 存在的问题"},
    {"unit-slip", JX_SEV_WARNING, 0, "the same amount written with 元 in one place and 万元 in another (10^4 apart)"},
    {"repaired-row", JX_SEV_INFO, 0, "a ragged row was realigned: what moved, and whether the placement is certain"},
    /* reader diagnostics, passed through */
    {"amount-not-number", JX_SEV_WARNING, 0, "reader: a money cell is not a number"},
    {"rate-not-number", JX_SEV_WARNING, 0, "reader: the execution-rate cell is not a rate"},
    {"extra-cells", JX_SEV_WARNING, 0, "reader: non-empty cells beyond the header's columns"},
    {"short-row", JX_SEV_WARNING, 0, "reader: a row with fewer than half its cells filled (cut off?)"},
    {"unit-unknown", JX_SEV_WARNING, 0, "reader: no money unit (单位: 万元/元) stated"},
    {"no-data", JX_SEV_WARNING, 0, "reader: a header but no project rows"},
    {"note-row", JX_SEV_INFO, 0, "reader: a note line (填报人, 注) among the rows"},
    {"column-unmapped", JX_SEV_INFO, 0, "reader: a column that matches no known field"},
    {"reader-diagnostic", JX_SEV_WARNING, 0, "reader: any other diagnostic of the table reader"},
    /* indicator texts, in C (check_text.c) or in Lua (check.lua) */
    {"missing-dimension", JX_SEV_ERROR, 1, "no 产出, 效益 or 满意度 indicator at all (a missing 一级 dimension)"},
    {"date-outside-year", JX_SEV_WARNING, 1, "a date outside the evaluated year (the year in the title)"},
    {"operator-in-result", JX_SEV_WARNING, 1, "a result written like a target (≥, 不低于, …)"},
    {"non-numeric-result", JX_SEV_WARNING, 1, "a quantitative target whose result states no number"},
    {"percent-over-100", JX_SEV_WARNING, 1, "a percentage above 100 where it cannot exceed 100"},
    {"percent-no-sign", JX_SEV_WARNING, 1, "a rate or satisfaction written without %"},
    {"satisfaction-complaints", JX_SEV_WARNING, 1, "satisfaction measured by complaint counts (投诉数, 零投诉), not a survey"},
    {"satisfaction-100", JX_SEV_WARNING, 1, "satisfaction of exactly 100%"},
    {"vague-target", JX_SEV_WARNING, 1, "a target of 提高/改善/切实/进一步… with nothing measurable"},
    {"not-applicable", JX_SEV_WARNING, 1, "an indicator marked 不适用/无/不涉及"},
    {"result-equals-target", JX_SEV_WARNING, 1, "a result identical to its target"},
    {"over-achievement", JX_SEV_WARNING, 1, "a result of 120% or more of a positive target (target set too low?)"},
    {"duplicate-indicator", JX_SEV_WARNING, 1, "the same indicator under two slots (e.g. 产出 and 效益)"},
    {"missing-result", JX_SEV_WARNING, 1, "an indicator with a target but no result"},
};

const char *jx_sev_name(jx_sev s)
{
    static const char *const names[] = {"info", "warning", "error"};
    return (unsigned)s <= JX_SEV_ERROR ? names[s] : "?";
}

int jx_sev_parse(const char *s, jx_sev *out)
{
    for (int i = JX_SEV_INFO; i <= JX_SEV_ERROR; i++)
        if (!strcmp(s, jx_sev_name((jx_sev)i))) return *out = (jx_sev)i, 0;
    return -1;
}

/* ---- registry ---- */

static int grow_rules(jx_rules *rs)
{
    if (rs->n < rs->cap) return 0;
    int cap = rs->cap ? rs->cap * 2 : 64;
    jx_rule *v = realloc(rs->v, sizeof *v * (size_t)cap);
    if (!v) return -1;
    rs->v = v, rs->cap = cap;
    return 0;
}

int jx_rules_init(jx_rules *rs, jx_err *err)
{
    *rs = (jx_rules){0};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        if (grow_rules(rs) < 0) {
            jx_rules_free(rs);
            return jx_err_set(err, JX_ENOMEM, "out of memory");
        }
        rs->v[rs->n++] = (jx_rule){(char *)builtin[i].id, (char *)builtin[i].doc, builtin[i].sev, builtin[i].sev,
                                   1, 0, builtin[i].text, 0, 0};
    }
    return 0;
}

void jx_rules_free(jx_rules *rs)
{
    for (int i = 0; i < rs->n; i++)
        if (rs->v[i].user) free(rs->v[i].id), free(rs->v[i].doc);
    free(rs->v);
    *rs = (jx_rules){0};
}

jx_rule *jx_rules_find(const jx_rules *rs, const char *id)
{
    for (int i = 0; i < rs->n; i++)
        if (!strcmp(rs->v[i].id, id)) return &rs->v[i];
    return NULL;
}

static int valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64 || id[0] < 'a' || id[0] > 'z') return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-')) return 0;
    return 1;
}

int jx_rules_add(jx_rules *rs, const char *id, jx_sev sev, const char *doc, jx_err *err)
{
    if (!valid_id(id))
        return jx_err_set(err, JX_EUSAGE, "rule id '%s' is not valid: use lower-case letters, digits and '-', "
                                          "starting with a letter (at most 64)", id);
    if (jx_rules_find(rs, id))
        return jx_err_set(err, JX_EUSAGE, "rule id '%s' is already taken; choose another id", id);
    if (grow_rules(rs) < 0) return jx_err_set(err, JX_ENOMEM, "out of memory");
    char *i = strdup(id), *d = strdup(doc ? doc : "");
    if (!i || !d) {
        free(i), free(d);
        return jx_err_set(err, JX_ENOMEM, "out of memory");
    }
    rs->v[rs->n++] = (jx_rule){i, d, sev, sev, 1, 1, 0, 1, 0};
    return 0;
}

/* "a, b, c" of every id, for messages about an unknown one. */
static void list_ids(const jx_rules *rs, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < rs->n && used + 1 < cap; i++) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", rs->v[i].id);
        if (w < 0) break;
        used += (size_t)w;
    }
}

int jx_rules_apply(jx_rules *rs, const char *list, int disable, jx_sev sev, jx_err *err)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char id[80];
        while (n && *p == ' ') p++, n--;
        while (n && p[n - 1] == ' ') n--;
        if (n > 0) {
            jx_rule *r = NULL;
            if (n < sizeof id) {
                memcpy(id, p, n);
                id[n] = 0;
                r = jx_rules_find(rs, id);
            }
            if (!r) {
                char ids[2048];
                list_ids(rs, ids, sizeof ids);
                return jx_err_set(err, JX_EUSAGE, "no rule '%.*s'; the rules are: %s", (int)(n > 80 ? 80 : n), p,
                                  ids);
            }
            if (disable) {
                r->enabled = 0;
            } else {
                r->enabled = 1;
                r->severity = sev;
                r->relevelled = 1;
            }
        }
        if (!comma) return 0;
        p = comma + 1;
    }
}

void jx_rules_text_in_lua(jx_rules *rs)
{
    for (int i = 0; i < rs->n; i++)
        if (rs->v[i].text) rs->v[i].lua = 1;
}

int jx_rules_lua_enabled(const jx_rules *rs)
{
    for (int i = 0; i < rs->n; i++)
        if (rs->v[i].lua && rs->v[i].enabled) return 1;
    return 0;
}

/* ---- findings ---- */

void jx_check_put(jx_check_buf *b, const char *fmt, ...)
{
    if (b->n >= sizeof b->buf - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->buf + b->n, sizeof b->buf - b->n, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    if ((size_t)w >= sizeof b->buf - b->n) {
        b->n = jx_utf8_prefix(b->buf, sizeof b->buf - 1, sizeof b->buf - 1);
        b->buf[b->n] = 0;
    } else {
        b->n += (size_t)w;
    }
}

void jx_check_init(jx_check *ck, jx_rules *rules)
{
    memset(ck, 0, sizeof *ck);
    ck->rules = rules;
}

void jx_check_clear(jx_check *ck)
{
    for (int i = 0; i < ck->n; i++) {
        jx_finding *f = &ck->v[i];
        free(f->project_name), free(f->column_path), free(f->text), free(f->message);
    }
    ck->n = 0;
}

void jx_check_free(jx_check *ck)
{
    jx_check_clear(ck);
    jx_check_text_free(ck);
    free(ck->v);
    ck->v = NULL;
    ck->cap = 0;
}

/* A copy of s[0..n) cut at a character boundary near max bytes, with "…" when
 * cut; control characters (newlines inside quoted cells) become spaces. */
static char *quote(const char *s, size_t n, size_t max)
{
    size_t k = jx_utf8_prefix(s, n, max);
    int cut = k < n;
    char *q = malloc(k + 4);
    if (!q) return NULL;
    for (size_t i = 0; i < k; i++) q[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
    if (cut) memcpy(q + k, "…", 3), k += 3;
    q[k] = 0;
    return q;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* 1-based position of the layout column's cell in the row as read, or 0. */
static int cell_of(const jx_project *p, int col)
{
    const jx_cell *c = p->col[col];
    if (c >= p->cells && c < p->cells + p->ncells) return (int)(c - p->cells) + 1;
    return 0;
}

int jx_check_add(jx_check *ck, const char *id, const jx_doc *d, const jx_project *p, long line, int col,
                 const char *text, size_t textlen, const char *fmt, ...)
{
    const jx_rule *r = jx_rules_find(ck->rules, id);
    if (!r || !r->enabled) return 0;
    if (ck->n == ck->cap) {
        int cap = ck->cap ? ck->cap * 2 : 16;
        jx_finding *v = realloc(ck->v, sizeof *v * (size_t)cap);
        if (!v) return ck->nomem = 1, -1;
        ck->v = v, ck->cap = cap;
    }
    jx_finding f = {0};
    f.rule = r->id;
    f.severity = r->severity;
    f.line = line ? line : p ? p->line : 0;
    f.seq = ck->seq++;
    int ok = 1;
    if (p) {
        f.project = p->kind == JX_ROW_PROJECT ? p->index : 0;
        const jx_cell *name = jx_project_field(p, d, JX_F_NAME);
        /* a total row often has its label in 序号, not 项目名称 */
        if (!name->len) name = jx_project_field(p, d, JX_F_SEQ);
        ok &= (f.project_name = quote(name->s, name->len, QUOTE_MAX)) != NULL;
    }
    if (col >= 0 && col < d->ncols) {
        f.column = col + 1;
        ok &= (f.column_path = strdup(d->cols[col].path)) != NULL;
        if (p) {
            int cell = cell_of(p, col);
            if (cell != f.column) f.cell = cell;
            if (!text) text = p->col[col]->s, textlen = p->col[col]->len;
        }
    }
    if (text && textlen) ok &= (f.text = quote(text, textlen, QUOTE_MAX)) != NULL;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (m < 0) m = 0;
    if ((size_t)m >= sizeof msg) m = (int)jx_utf8_prefix(msg, sizeof msg - 1, sizeof msg - 1);
    ok &= (f.message = dup_n(msg, (size_t)m)) != NULL;
    if (!ok) {
        free(f.project_name), free(f.column_path), free(f.text), free(f.message);
        return ck->nomem = 1, -1;
    }
    ck->v[ck->n++] = f;
    return 1;
}

static int by_place(const void *a, const void *b)
{
    const jx_finding *x = a, *y = b;
    int dx = x->project_name != NULL, dy = y->project_name != NULL; /* document-level first */
    if (dx != dy) return dx - dy;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->column != y->column) return x->column < y->column ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void jx_check_sort(jx_check *ck)
{
    if (ck->n > 1) qsort(ck->v, (size_t)ck->n, sizeof *ck->v, by_place);
}
