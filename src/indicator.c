/* Indicator cells (indicator.h): the cell-level half of jixiao.indicator's
 * parse, find_dates and has_operator in C. A cell is cut into items by its
 * numbering (1. 2. / (1) (2) / ① ②) or by its separators, and each item is
 * read from the mentions indicator_scan.c finds in it. */
#include <stdlib.h>

#include "indicator_int.h"

const char *jx_ik_name(jx_ik k)
{
    static const char *const names[] = {"text", "quantity", "percent", "money", "qualitative", "date", "period",
                                        "not_applicable"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "text";
}

const char *jx_iop_code(jx_iop o)
{
    static const char *const codes[] = {NULL, ">=", ">", "=", "<=", "<"};
    return (unsigned)o < sizeof codes / sizeof codes[0] ? codes[o] : NULL;
}

void jx_icell_init(jx_icell *c)
{
    memset(c, 0, sizeof *c);
    c->prefix_s = c->prefix_e = -1;
}

void jx_icell_free(jx_icell *c)
{
    free(c->items);
    free(c->ms);
    free(c->nbuf);
    jx_icell_init(c);
}

/* Empties c for a new reading of text, keeping its arrays. */
static int reset(jx_icell *c, const char *text, size_t len)
{
    c->text = text;
    c->len = 0;
    c->numbered = 0;
    c->prefix_s = c->prefix_e = -1;
    c->nitems = c->nms = 0;
    if (len > (size_t)INT32_MAX - 16) return -1; /* spans are ints */
    c->len = (int)len;
    return 0;
}

static int grow_items(jx_icell *c, int need)
{
    if (need <= c->items_cap) return 0;
    int cap = c->items_cap ? c->items_cap * 2 : 8;
    while (cap < need) cap *= 2;
    jx_iitem *v = realloc(c->items, sizeof *v * (size_t)cap);
    if (!v) return -1;
    c->items = v, c->items_cap = cap;
    return 0;
}

/* ---- byte classes ---- */

/* What a byte can start for the cell-level passes. Only bytes outside
 * 80-BF are listed, so a pass may step over every unlisted byte one at a
 * time: it skips the continuation bytes of a character, which start
 * nothing, and lands on the same characters as stepping by `char`. */
enum {
    B_JUNK = 1,   /* trim's one-byte junk: blank, \n \r , ; : */
    B_HARD = 2,   /* ; \n \r: hard_split */
    B_SOFT = 4,   /* ,: soft_split, unless inside a number */
    B_DIGIT = 8,  /* 0-9 */
    B_EF = 16,    /* ０-９ ．；，：（ */
    B_E3 = 32,    /* U+3000 、。 */
    B_LEAD = 64,  /* C2 E2: NBSP, ①-⑳ */
    B_MARK = 128  /* blank ( , ; :: find_markers' bsep and cand_a */
};

static const jx_u8 bclass[256] = {
    [' '] = B_JUNK | B_MARK, ['\t'] = B_JUNK | B_MARK, ['\n'] = B_JUNK | B_HARD, ['\r'] = B_JUNK | B_HARD,
    [','] = B_JUNK | B_SOFT | B_MARK, [';'] = B_JUNK | B_HARD | B_MARK, [':'] = B_JUNK | B_MARK,
    ['('] = B_MARK, ['0'] = B_DIGIT, ['1'] = B_DIGIT, ['2'] = B_DIGIT, ['3'] = B_DIGIT, ['4'] = B_DIGIT,
    ['5'] = B_DIGIT, ['6'] = B_DIGIT, ['7'] = B_DIGIT, ['8'] = B_DIGIT, ['9'] = B_DIGIT,
    [0xC2] = B_LEAD, [0xE2] = B_LEAD, [0xE3] = B_E3, [0xEF] = B_EF,
};

/* The first byte from i on (before end) of a class in want; end if none.
 * Four bytes a step while none of them is. */
static int skip_to(const jx_u8 *t, int i, int end, int want)
{
    while (end - i >= 4 && !((bclass[t[i]] | bclass[t[i + 1]] | bclass[t[i + 2]] | bclass[t[i + 3]]) & want)) i += 4;
    while (i < end && !(bclass[t[i]] & want)) i++;
    return i;
}

/* ---- trimming ---- */

/* The 3-byte characters of trim's junk set (and, with subj, of sjunk). */
static int junk3(const jx_u8 *p, int subj)
{
    if (p[0] == 0xE3 && p[1] == 0x80) /* U+3000 、 。 and, for subjects, 《 》 */
        return p[2] == 0x80 || p[2] == 0x81 || p[2] == 0x82 || (subj && (p[2] == 0x8A || p[2] == 0x8B));
    if (p[0] == 0xEF && p[1] == 0xBC) /* ， ； ： and, for subjects, （ ） */
        return p[2] == 0x8C || p[2] == 0x9B || p[2] == 0x9A || (subj && (p[2] == 0x88 || p[2] == 0x89));
    return subj && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x9C || p[2] == 0x9D); /* “ ” */
}

/* indicator.lua's trim over t[*s, *e), byte for byte: blanks and separators
 * off both ends (with subj, also brackets and quotes: sjunk). Every junk
 * character starts with a byte of B_JUNK, B_LEAD, B_E3 or B_EF, or a
 * bracket, and ends with a byte of B_JUNK or one of 80-BF. */
static void trim(const jx_u8 *t, int *s, int *e, int subj)
{
    int i = *s, j = *e;
    while (i < j) {
        jx_u8 b = t[i], c = bclass[b];
        if (c & B_JUNK || (subj && (b == '(' || b == ')'))) i += 1;
        else if (!(c & (B_LEAD | B_E3 | B_EF))) break;
        else if (j - i >= 2 && b == 0xC2 && t[i + 1] == 0xA0) i += 2;
        else if (j - i >= 3 && junk3(t + i, subj)) i += 3;
        else break;
    }
    while (j > i) {
        jx_u8 b = t[j - 1];
        if (b < 0x80) {
            if (bclass[b] & B_JUNK || (subj && (b == '(' || b == ')'))) j -= 1;
            else break;
        } else if (j - 2 >= i && t[j - 2] == 0xC2 && b == 0xA0) {
            j -= 2;
        } else if (j - 3 >= i && junk3(t + j - 3, subj)) {
            j -= 3;
        } else {
            break;
        }
    }
    *s = i, *e = j;
}

/* ---- numbered items ---- */

enum { FAM_DOT = 1, FAM_CLOSE, FAM_CN, FAM_PAREN, FAM_CIRCLED };

/* cand_b: "1." "1．" "1、" "1)" "1）" or "一、" at i; its end, number and family. */
static int cand_b(const jx_u8 *t, int i, int end, int *n, int *fam)
{
    int j = jx_ind_digits(t, i, end, n), k;
    if (j >= 0) {
        if ((k = JX_LIT(j, ".")) >= 0 || (k = JX_LIT(j, "．")) >= 0 || (k = JX_LIT(j, "、")) >= 0)
            return *fam = FAM_DOT, k;
        if ((k = JX_LIT(j, ")")) >= 0 || (k = JX_LIT(j, "）")) >= 0) return *fam = FAM_CLOSE, k;
    }
    if ((j = jx_ind_cn_num(t, i, end, n)) >= 0 && (j = JX_LIT(j, "、")) >= 0) return *fam = FAM_CN, j;
    return JX_NOMATCH;
}

/* cand_a: "(1)" "（一）" or ①-⑳ at i. */
static int cand_a(const jx_u8 *t, int i, int end, int *n, int *fam)
{
    int j = JX_LIT(i, "(");
    if (j < 0) j = JX_LIT(i, "（");
    if (j >= 0) {
        int k = jx_ind_digits(t, j, end, n);
        if (k < 0) k = jx_ind_cn_num(t, j, end, n);
        if (k >= 0 && ((j = JX_LIT(k, ")")) >= 0 || (j = JX_LIT(k, "）")) >= 0)) return *fam = FAM_PAREN, j;
    }
    if (end - i >= 3 && t[i] == 0xE2 && t[i + 1] == 0x91 && t[i + 2] >= 0xA0 && t[i + 2] <= 0xB3) /* ①-⑳ */
        return *n = t[i + 2] - 0x9F, *fam = FAM_CIRCLED, i + 3;
    return JX_NOMATCH;
}

/* `bsep` at i: its length, 0 when none. */
static int bsep_len(const jx_u8 *t, int i, int end)
{
    jx_u8 b = t[i];
    if (b == ' ' || b == '\t' || b == ';' || b == ',' || b == ':') return 1;
    if (end - i >= 2 && b == 0xC2 && t[i + 1] == 0xA0) return 2;
    if (end - i < 3) return 0;
    if (b == 0xE3 && t[i + 1] == 0x80 && (t[i + 2] == 0x80 || t[i + 2] == 0x81 || t[i + 2] == 0x82))
        return 3; /* U+3000 、 。 */
    if (b == 0xEF && t[i + 1] == 0xBC && (t[i + 2] == 0x9B || t[i + 2] == 0x8C || t[i + 2] == 0x9A))
        return 3; /* ； ， ： */
    return 0;
}

typedef struct {
    int want, fam, last, n;
} seq;

/* find_markers' filter: keeps the candidate when it continues the sequence.
 * Kept markers go to c->items[k].s/.e. */
static int offer(jx_icell *c, seq *q, int s, int e, int n, int fam)
{
    if (n != q->want || s < q->last || (q->fam && fam != q->fam)) return 0;
    if (grow_items(c, q->n + 1) < 0) return -1;
    c->items[q->n].s = s, c->items[q->n].e = e;
    q->n++, q->want++, q->fam = fam, q->last = e;
    return 0;
}

/* marker_scan and find_markers: the item markers 1, 2, 3 … of one family, in
 * order; their count (a cell is numbered from 2 on), or -1 out of memory.
 * *hard tells whether the text holds a separator of hard_split: none is part
 * of a marker or a number, so each is seen here, alone or in a bsep run. */
static int find_markers(jx_icell *c, int *hard)
{
    const jx_u8 *t = (const jx_u8 *)c->text;
    int len = c->len, i = 0, r, n, fam;
    *hard = 0;
    seq q = {1, 0, 0, 0};
    if ((r = cand_b(t, 0, len, &n, &fam)) >= 0 || (r = cand_a(t, 0, len, &n, &fam)) >= 0) {
        if (offer(c, &q, 0, r, n, fam) < 0) return -1;
        i = r;
    }
    while ((i = skip_to(t, i, len, B_MARK | B_DIGIT | B_EF | B_E3 | B_LEAD | B_HARD)) < len) {
        int k = i, b;
        while (k < len && (b = bsep_len(t, k, len))) {
            *hard |= b == 1 ? t[k] == ';' : b == 3 && t[k] == 0xEF && t[k + 2] == 0x9B;
            k += b;
        }
        if (k > i) { /* bsep^1 * cand_b; failing that, nothing starts inside the run */
            if ((r = cand_b(t, k, len, &n, &fam)) >= 0) {
                if (offer(c, &q, k, r, n, fam) < 0) return -1;
                i = r;
            } else {
                i = k;
            }
            continue;
        }
        if ((r = cand_a(t, i, len, &n, &fam)) >= 0) {
            if (offer(c, &q, i, r, n, fam) < 0) return -1;
            i = r;
        } else if ((r = jx_ind_num_skip(t, i, len)) >= 0) {
            i = r;
        } else {
            *hard |= t[i] == '\n' || t[i] == '\r';
            i += jx_ind_charlen(t, i, len);
        }
    }
    return q.n;
}

/* ---- items ---- */

static int rank(const jx_imention *m)
{
    if (jx_ik_numeric(m->kind)) return m->op ? 1 : 2;
    if (m->kind == JX_IK_NA) return 3;
    if (m->kind == JX_IK_DATE || m->kind == JX_IK_PERIOD) return m->has_date && m->date.year_only ? 7 : 4;
    if (m->kind == JX_IK_QUALITATIVE) return m->tier ? 5 : 6;
    return 8;
}

static int na_cell(const char *s, int n)
{
    static const char *const cells[] = {"无", "不适用", "不涉及", "无此项", "-", "—",   "——",
                                        "－", "/",      "／",     "N/A",    "n/a", "NA", NULL};
    if (n > 9) return 0; /* longer than any of them */
    for (int k = 0; cells[k]; k++)
        if ((int)strlen(cells[k]) == n && !memcmp(cells[k], s, (size_t)n)) return 1;
    return 0;
}

/* subject_text over t[s, e): the span of what is measured, trimmed of
 * brackets and of a linking 为/是/的 before the number; 0 when empty. */
static int subject_text(const jx_u8 *t, int s, int e, int *os, int *oe)
{
    trim(t, &s, &e, 1);
    while (e - s >= 3 && (!memcmp(t + e - 3, "为", 3) || !memcmp(t + e - 3, "是", 3) || !memcmp(t + e - 3, "的", 3)))
        e -= 3;
    trim(t, &s, &e, 1);
    *os = s, *oe = e;
    return e > s;
}

/* make_item: reads c->text[s, e), whose mentions are c->ms[m0, m0 + nm),
 * into c->items[idx] (allocated by the caller). A cell holding nothing but
 * a number gets it as a mention inserted at m0. 0, or -1 out of memory. */
static int make_item(jx_icell *c, int idx, int s, int e, int n, int m0, int nm)
{
    const jx_u8 *t = (const jx_u8 *)c->text;
    jx_iitem it = {0};
    it.n = n, it.s = s, it.e = e;
    trim(t, &it.s, &it.e, 0);
    it.kind = JX_IK_TEXT, it.best = -1, it.subj_s = it.subj_e = -1;
    if (na_cell(c->text + it.s, it.e - it.s)) {
        it.kind = JX_IK_NA, it.meaning = "not_applicable";
        it.qual = c->text + it.s, it.qual_len = it.e - it.s;
        it.m0 = m0, it.nm = nm;
        c->items[idx] = it;
        return 0;
    }
    if (nm == 0 && it.s < it.e && jx_ind_number(t, it.s, it.e) == it.e) { /* "95", "98.37" */
        double x;
        int is_int = jx_ind_numval(c, it.s, it.e, &x);
        if (is_int < 0 || !jx_ind_new_mention(c)) return -1;
        memmove(&c->ms[m0 + 1], &c->ms[m0], sizeof *c->ms * (size_t)(c->nms - 1 - m0));
        jx_imention *m = &c->ms[m0];
        memset(m, 0, sizeof *m);
        m->op_s = m->op_e = m->unit_s = m->unit_e = -1;
        m->kind = JX_IK_QUANTITY;
        m->pos = m->val_s = it.s, m->epos = m->val_e = it.e;
        m->number = x, m->has_number = 1, m->number_int = (unsigned char)is_int;
        nm = 1;
    }
    it.m0 = m0, it.nm = nm;
    int best = -1, brank = 99, bq = -1, bqrank = 99;
    for (int k = m0; k < m0 + nm; k++) {
        int r = rank(&c->ms[k]);
        if (r < brank) best = k, brank = r;
        if (c->ms[k].qual && r < bqrank) bq = k, bqrank = r;
    }
    if (bq >= 0) {
        const jx_imention *q = &c->ms[bq];
        it.qual = q->qual, it.qual_len = (int)strlen(q->qual), it.meaning = q->meaning, it.tier = q->tier;
    }
    it.best = best;
    if (best < 0 || c->ms[best].kind == JX_IK_QUALITATIVE || c->ms[best].kind == JX_IK_NA) {
        if (best >= 0) it.kind = c->ms[best].kind;
        it.subj_s = it.s, it.subj_e = it.e;
    } else {
        /* what is measured is the prose between the previous value and this one */
        const jx_imention *b = &c->ms[best];
        int from = s, to = e;
        it.kind = b->kind;
        for (int k = m0; k < m0 + nm; k++) {
            const jx_imention *m = &c->ms[k];
            if (m->kind == JX_IK_QUALITATIVE) continue;
            if (m->epos <= b->pos) from = m->epos;
            if (m->pos >= b->epos && to == e) to = m->pos;
        }
        if (!subject_text(t, from, b->pos, &it.subj_s, &it.subj_e) &&
            !subject_text(t, b->epos, to, &it.subj_s, &it.subj_e))
            it.subj_s = it.subj_e = -1;
    }
    c->items[idx] = it;
    return 0;
}

/* ---- splitting ---- */

/* A separator of hard_split (；; \n \r) or, with soft, of soft_split (，,。、) at i: its length or 0. */
static int sep_len(const jx_u8 *t, int i, int end, int soft)
{
    if (i >= end) return 0;
    if (!soft) {
        if (t[i] == ';' || t[i] == '\n' || t[i] == '\r') return 1;
        return end - i >= 3 && t[i] == 0xEF && t[i + 1] == 0xBC && t[i + 2] == 0x9B ? 3 : 0;
    }
    if (t[i] == ',') return 1;
    if (end - i < 3) return 0;
    if (t[i] == 0xEF && t[i + 1] == 0xBC && t[i + 2] == 0x8C) return 3;
    return t[i] == 0xE3 && t[i + 1] == 0x80 && (t[i + 2] == 0x82 || t[i + 2] == 0x81) ? 3 : 0;
}

/* The end of splitter's seg at i: (number + (char - sep))^0, so that a
 * thousands comma inside a number does not split. Of the separators only
 * "," can be part of a number, so the hard ones are found without reading
 * numbers. */
static int seg_end(const jx_u8 *t, int i, int end, int soft)
{
    int want = soft ? B_SOFT | B_DIGIT | B_EF | B_E3 : B_HARD | B_EF;
    while ((i = skip_to(t, i, end, want)) < end) {
        if (soft && (bclass[t[i]] & (B_DIGIT | B_EF))) {
            int r = jx_ind_number(t, i, end);
            if (r >= 0) i = r;
            else if (sep_len(t, i, end, soft)) break;
            else i++;
        } else if (sep_len(t, i, end, soft)) {
            break;
        } else {
            i++;
        }
    }
    return i;
}

/* Whether a numeric mention starts in [s, e), looking from *cursor on in
 * c->ms[… m1) (sorted by pos) and leaving *cursor at e: the pieces of a
 * segment come in order, so the whole segment costs one pass. */
static int has_numeric(const jx_icell *c, int *cursor, int m1, int s, int e)
{
    int k = *cursor, found = 0;
    while (k < m1 && c->ms[k].pos < s) k++;
    for (; k < m1 && c->ms[k].pos < e; k++) found |= jx_ik_numeric(c->ms[k].kind);
    *cursor = k;
    return found;
}

/* split_plain: items on ；/; always, and on ，,。、 only when every piece
 * carries its own number; hard: whether the text has a ；/; at all.
 * 0, or -1 out of memory. */
static int split_plain(jx_icell *c, int hard)
{
    const jx_u8 *t = (const jx_u8 *)c->text;
    int len = c->len;
    for (int hs = 0;;) {
        int he = hard ? seg_end(t, hs, len, 0) : len, a = hs, b = he;
        trim(t, &a, &b, 0);
        if (a < b) {
            int h0 = c->nms;
            if (jx_ind_scan(c, hs, he, 0) < 0) return -1;
            int h1 = c->nms, base = c->nitems, np = 0, all = 1, cursor = h0, nnum = 0;
            for (int k = h0; k < h1 && nnum < 2; k++) nnum += jx_ik_numeric(c->ms[k].kind);
            /* pieces each with a number of their own need two numbers */
            for (int ps = hs; nnum >= 2;) { /* the pieces, kept in c->items[base …] */
                int pe = seg_end(t, ps, he, 1);
                a = ps, b = pe;
                trim(t, &a, &b, 0);
                if (a < b) {
                    if (grow_items(c, base + np + 1) < 0) return -1;
                    c->items[base + np].s = ps, c->items[base + np].e = pe, np++;
                    all = has_numeric(c, &cursor, h1, ps, pe) && all;
                }
                if (pe >= he) break;
                ps = pe + sep_len(t, pe, he, 1);
            }
            if (np >= 2 && all) {
                for (int k = 0, m = h0; k < np; k++) {
                    int ps = c->items[base + k].s, pe = c->items[base + k].e;
                    while (m < c->nms && c->ms[m].pos < ps) m++;
                    int m0 = m;
                    while (m < c->nms && c->ms[m].pos < pe) m++;
                    if (make_item(c, base + k, ps, pe, 0, m0, m - m0) < 0) return -1;
                }
                c->nitems = base + np;
            } else {
                if (grow_items(c, base + 1) < 0 || make_item(c, base, hs, he, 0, h0, h1 - h0) < 0) return -1;
                c->nitems = base + 1;
            }
        }
        if (he >= len) break;
        hs = he + sep_len(t, he, len, 0);
    }
    return 0;
}

/* ---- the API ---- */

int jx_ind_parse(jx_icell *c, const char *text, size_t len)
{
    if (reset(c, text, len) < 0) return -1;
    const jx_u8 *t = (const jx_u8 *)text;
    int hard, nmark = find_markers(c, &hard);
    if (nmark < 0) goto nomem;
    if (nmark >= 2) {
        int ps = 0, pe = c->items[0].s;
        trim(t, &ps, &pe, 0);
        if (ps < pe) c->prefix_s = ps, c->prefix_e = pe;
        c->numbered = 1;
        for (int k = 0; k < nmark; k++) {
            int s = c->items[k].e, stop = k + 1 < nmark ? c->items[k + 1].s : c->len, m0 = c->nms;
            if (jx_ind_scan(c, s, stop, 0) < 0 || make_item(c, k, s, stop, k + 1, m0, c->nms - m0) < 0) goto nomem;
        }
        c->nitems = nmark;
    } else if (split_plain(c, hard) < 0) {
        goto nomem;
    }
    return 0;
nomem:
    reset(c, NULL, 0);
    return -1;
}

int jx_ind_find_dates(jx_icell *c, const char *text, size_t len)
{
    if (reset(c, text, len) < 0) return -1;
    if (jx_ind_scan_dates(c) < 0) return reset(c, NULL, 0), -1;
    return 0;
}

int jx_ind_has_operator(jx_icell *scratch, const char *text, size_t len)
{
    if (reset(scratch, text, len) < 0) return -1;
    const jx_u8 *t = (const jx_u8 *)text;
    int n = scratch->len, seen = 0, clen;
    jx_ind_vocab_init();
    /* A symbol anywhere answers yes. Otherwise only a quantity with an
     * operator as written does, and it needs a number and such an operator:
     * without both characters in the text there is nothing to scan for. */
    const jx_ichar *ch;
    for (int i = 0; (i = jx_ind_seek(t, i, n, JX_C_SYM | JX_C_NUM | JX_C_OPW, &ch, &clen)) < n; i += clen) {
        if ((ch->flags & JX_C_SYM) && jx_ind_symbol_at(t, i, n)) return 1;
        seen |= ch->flags;
    }
    if (!(seen & JX_C_NUM) || !(seen & JX_C_OPW)) return 0;
    if (jx_ind_scan(scratch, 0, n, 1) < 0) return reset(scratch, NULL, 0), -1;
    return scratch->nms > 0 && scratch->ms[scratch->nms - 1].op_s >= 0;
}
