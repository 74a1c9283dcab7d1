/* The mention scanner of lua/jixiao/indicator.lua in C: numbers, dates and
 * periods, quantities with their operators and units, qualitative words. Each
 * matcher is one LPeg pattern of build() read as PEG: ordered choices commit,
 * repetitions are greedy and never give back, and nothing looks past `end`. */
#include <locale.h>
#include <stdlib.h>

#include "indicator_int.h"

/* ---- characters and numbers ---- */

/* `space` at i: its length, 0 when none (also U+3000 and NBSP). */
static int space_len(const jx_u8 *t, int i, int end)
{
    if (i >= end) return 0;
    if (t[i] == ' ' || t[i] == '\t') return 1;
    if (end - i >= 2 && t[i] == 0xC2 && t[i + 1] == 0xA0) return 2;
    if (end - i >= 3 && t[i] == 0xE3 && t[i + 1] == 0x80 && t[i + 2] == 0x80) return 3;
    return 0;
}

/* `sp`: the end of the spaces at i. */
static int skip_sp(const jx_u8 *t, int i, int end)
{
    int n;
    while ((n = space_len(t, i, end))) i += n;
    return i;
}

/* `point` at i ("." or "．"): its length, 0 when none. */
static int point_len(const jx_u8 *t, int i, int end)
{
    if (i < end && t[i] == '.') return 1;
    if (end - i >= 3 && t[i] == 0xEF && t[i + 1] == 0xBC && t[i + 2] == 0x8E) return 3;
    return 0;
}

static int is_digit(const jx_u8 *t, int i, int end)
{
    int v;
    return jx_ind_digit(t, i, end, &v) != 0;
}

int jx_ind_number(const jx_u8 *t, int i, int end)
{
    int v, n, j = i;
    while ((n = jx_ind_digit(t, j, end, &v))) j += n;
    if (j == i) return JX_NOMATCH;
    while (j < end && t[j] == ',') { /* ("," * digit * digit * digit * -digit)^0 */
        int k = j + 1, d = 0;
        while (d < 3 && (n = jx_ind_digit(t, k, end, &v))) k += n, d++;
        if (d < 3 || is_digit(t, k, end)) break;
        j = k;
    }
    int p = point_len(t, j, end);
    if (p && is_digit(t, j + p, end)) {
        j += p;
        while ((n = jx_ind_digit(t, j, end, &v))) j += n;
    }
    return j;
}

int jx_ind_digits(const jx_u8 *t, int i, int end, int *n)
{
    int v, len, j = i;
    long long acc = 0;
    while ((len = jx_ind_digit(t, j, end, &v))) {
        acc = acc * 10 + v;
        if (acc > 1LL << 30) acc = 1LL << 30;
        j += len;
    }
    *n = (int)acc;
    return j > i ? j : JX_NOMATCH;
}

/* `d4` (four digits, no fifth) at i: its end, the year in *y. */
static int d4(const jx_u8 *t, int i, int end, int *y)
{
    int v, n, j = i;
    *y = 0;
    for (int k = 0; k < 4; k++) {
        if (!(n = jx_ind_digit(t, j, end, &v))) return JX_NOMATCH;
        *y = *y * 10 + v, j += n;
    }
    return is_digit(t, j, end) ? JX_NOMATCH : j;
}

/* `d12` (one or two digits, no third) at i: its end, the value in *x. */
static int d12(const jx_u8 *t, int i, int end, int *x)
{
    int v, n, j = i;
    if (!(n = jx_ind_digit(t, j, end, &v))) return JX_NOMATCH;
    *x = v, j += n;
    if ((n = jx_ind_digit(t, j, end, &v))) *x = *x * 10 + v, j += n;
    return is_digit(t, j, end) ? JX_NOMATCH : j;
}

int jx_ind_num_skip(const jx_u8 *t, int i, int end)
{
    /* digit^1 * point * #(d4 * "年"): only the "2." of an item number glued to a year */
    int v, n, j = i, y;
    while ((n = jx_ind_digit(t, j, end, &v))) j += n;
    if (j == i) return JX_NOMATCH;
    int p = point_len(t, j, end);
    if (p) {
        int k = d4(t, j + p, end, &y);
        if (k >= 0 && JX_LIT(k, "年") >= 0) return j + p;
    }
    return jx_ind_number(t, i, end);
}

/* `cnd` at i: 零 〇 一 二 两 三 四 五 六 七 八 九 as 0-9, or -1. */
static int cn_digit(const jx_u8 *t, int i, int end)
{
    if (end - i < 3) return -1;
    switch ((uint32_t)t[i] << 16 | (uint32_t)t[i + 1] << 8 | t[i + 2]) {
    case 0xE99BB6: /* 零 */
    case 0xE38087: /* 〇 */
        return 0;
    case 0xE4B880: return 1; /* 一 */
    case 0xE4BA8C:           /* 二 */
    case 0xE4B8A4:           /* 两 */
        return 2;
    case 0xE4B889: return 3; /* 三 */
    case 0xE59B9B: return 4; /* 四 */
    case 0xE4BA94: return 5; /* 五 */
    case 0xE585AD: return 6; /* 六 */
    case 0xE4B883: return 7; /* 七 */
    case 0xE585AB: return 8; /* 八 */
    case 0xE4B99D: return 9; /* 九 */
    }
    return -1;
}

int jx_ind_cn_num(const jx_u8 *t, int i, int end, int *n)
{
    /* cnd^-1 * "十" * cnd^-1 + cnd */
    int a = cn_digit(t, i, end);
    int k = JX_LIT(a >= 0 ? i + 3 : i, "十");
    if (k >= 0) {
        int b = cn_digit(t, k, end);
        *n = (a >= 0 ? a : 1) * 10 + (b >= 0 ? b : 0);
        return b >= 0 ? k + 3 : k;
    }
    if (a < 0) return JX_NOMATCH;
    *n = a;
    return i + 3;
}

/* Lua's tonumber on an ASCII decimal: an integer unless it has a point or
 * passes 2^63 - 1 (lobject.c's l_str2int), else strtod, retried with the
 * locale's decimal point as l_str2d does. */
static int ascii_to_number(char *s, int has_point, double *x)
{
    if (!has_point) {
        uint64_t a = 0, maxby10 = INT64_MAX / 10, maxlastd = INT64_MAX % 10;
        const char *p = s;
        for (; *p; p++) {
            unsigned d = (unsigned)(*p - '0');
            if (a >= maxby10 && (a > maxby10 || d > maxlastd)) break;
            a = a * 10 + d;
        }
        if (!*p) return *x = (double)(int64_t)a, 1;
    }
    char *endp;
    *x = strtod(s, &endp);
    if (*endp && has_point) {
        char *dot = strchr(s, '.');
        if (dot) *dot = localeconv()->decimal_point[0];
        *x = strtod(s, &endp);
    }
    return 0;
}

int jx_ind_numval(jx_icell *c, int s, int e, double *x)
{
    const jx_u8 *t = (const jx_u8 *)c->text;
    char stack[64], *buf = stack;
    if (e - s >= (int)sizeof stack) {
        if (e - s >= c->nbuf_cap) {
            int cap = (e - s + 1) * 2;
            char *nb = realloc(c->nbuf, (size_t)cap);
            if (!nb) return JX_NOMEM;
            c->nbuf = nb, c->nbuf_cap = cap;
        }
        buf = c->nbuf;
    }
    int n = 0, has_point = 0;
    for (int i = s; i < e;) {
        if (t[i] == ',') {
            i++;
        } else if (t[i] == '.') {
            buf[n++] = '.', has_point = 1, i++;
        } else if (t[i] == 0xEF) { /* ０-９ or ． */
            buf[n++] = t[i + 2] == 0x8E ? '.' : (char)('0' + t[i + 2] - 0x90);
            has_point |= t[i + 2] == 0x8E;
            i += 3;
        } else {
            buf[n++] = (char)t[i++];
        }
    }
    buf[n] = '\0';
    return ascii_to_number(buf, has_point, x);
}

long long jx_ind_intval(const char *s, int n)
{
    const jx_u8 *t = (const jx_u8 *)s;
    uint64_t a = 0;
    int v, len;
    for (int i = 0; i < n;) {
        if ((len = jx_ind_digit(t, i, n, &v))) a = a * 10 + (uint64_t)v, i += len;
        else i++;
    }
    return (long long)a;
}

jx_imention *jx_ind_new_mention(jx_icell *c)
{
    if (c->nms == c->ms_cap) {
        int cap = c->ms_cap ? c->ms_cap * 2 : 16;
        jx_imention *ms = realloc(c->ms, sizeof *ms * (size_t)cap);
        if (!ms) return NULL;
        c->ms = ms, c->ms_cap = cap;
    }
    jx_imention *m = &c->ms[c->nms++];
    memset(m, 0, sizeof *m);
    m->op_s = m->op_e = m->val_s = m->val_e = m->unit_s = m->unit_e = -1;
    return m;
}

/* ---- dates ---- */

enum { YP_NONE, YP_END, YP_START, YP_WITHIN, YP_MID }; /* 年底 年初 年内 年中 */

/* The captures of date_core; -1 (or NULL, 0) when not captured. */
typedef struct {
    int y, m, d, q;
    const char *mp; /* the part of the month as written: "上旬" … "末" */
    int half;       /* 1 上半年, 2 下半年 */
    int yp;
} dcap;

static void dcap_clear(dcap *k)
{
    k->y = k->m = k->d = k->q = -1;
    k->mp = NULL;
    k->half = 0, k->yp = YP_NONE;
}

static int half_at(const jx_u8 *t, int i, int end, dcap *k)
{
    int j;
    if ((j = JX_LIT(i, "上半年")) >= 0) return k->half = 1, j;
    if ((j = JX_LIT(i, "下半年")) >= 0) return k->half = 2, j;
    return JX_NOMATCH;
}

static int quarter_at(const jx_u8 *t, int i, int end, dcap *k)
{
    static const char *const cn[] = {"一", "二", "三", "四"};
    int j = JX_LIT(i, "第"), q = -1, v, n;
    if (j < 0) j = i;
    for (int x = 0; x < 4 && q < 0; x++)
        if (jx_ind_lit(t, j, end, cn[x], 3) >= 0) q = x + 1, j += 3;
    if (q < 0) {
        if (!(n = jx_ind_digit(t, j, end, &v))) return JX_NOMATCH;
        q = v, j += n;
    }
    int r = JX_LIT(j, "季度");
    if (r < 0 && (r = JX_LIT(j, "季")) < 0) return JX_NOMATCH;
    k->q = q;
    return r;
}

/* A fixed word of the grammar and its length. */
typedef struct {
    const char *w;
    int n;
} lit;
#define W(w) {"" w, (int)sizeof(w) - 1}
#define NLITS(a) (int)(sizeof(a) / sizeof((a)[0]))

/* The first of words[0, n) at i (an ordered choice): its end, its index in *which. */
static int one_of(const jx_u8 *t, int i, int end, const lit *words, int n, int *which)
{
    for (int x = 0; x < n; x++) {
        int j = jx_ind_lit(t, i, end, words[x].w, words[x].n);
        if (j >= 0) return *which = x, j;
    }
    return JX_NOMATCH;
}

/* year_part = half + quarter + 年底 + 年末 + 年初 + 年内 + 年中 + 底 + 末 + 初 + 内 * -部 */
static int year_part(const jx_u8 *t, int i, int end, dcap *k)
{
    static const lit words[] = {W("年底"), W("年末"), W("年初"), W("年内"), W("年中"), W("底"), W("末"), W("初")};
    static const int yp[] = {YP_END, YP_END, YP_START, YP_WITHIN, YP_MID, YP_END, YP_END, YP_START};
    int j, x;
    if ((j = half_at(t, i, end, k)) >= 0 || (j = quarter_at(t, i, end, k)) >= 0) return j;
    if ((j = one_of(t, i, end, words, NLITS(words), &x)) >= 0) return k->yp = yp[x], j;
    if ((j = JX_LIT(i, "内")) >= 0 && JX_LIT(j, "部") < 0) return k->yp = YP_WITHIN, j;
    return JX_NOMATCH;
}

/* period_core = half + quarter + 年底 + 年末 + 年内 */
static int period_core(const jx_u8 *t, int i, int end, dcap *k)
{
    static const lit words[] = {W("年底"), W("年末"), W("年内")};
    static const int yp[] = {YP_END, YP_END, YP_WITHIN};
    int j, x;
    if (i < end && (t[i] < 0x80 || t[i] == 0xEF)) return quarter_at(t, i, end, k); /* only "3季度" can follow */
    if ((j = half_at(t, i, end, k)) >= 0 || (j = quarter_at(t, i, end, k)) >= 0) return j;
    if ((j = one_of(t, i, end, words, NLITS(words), &x)) >= 0) return k->yp = yp[x], j;
    return JX_NOMATCH;
}

/* month_rest = 份^-1 * (d12 * (日 + 号) + xun)^-1; never fails. */
static int month_rest(const jx_u8 *t, int j, int end, dcap *k)
{
    static const lit xun[] = {W("上旬"), W("中旬"), W("下旬"), W("初"), W("底"), W("末")};
    int r, d, x;
    if ((r = JX_LIT(j, "份")) >= 0) j = r;
    if ((r = d12(t, j, end, &d)) >= 0) {
        int r2 = JX_LIT(r, "日");
        if (r2 < 0) r2 = JX_LIT(r, "号");
        if (r2 >= 0) return k->d = d, r2;
    }
    if ((r = one_of(t, j, end, xun, NLITS(xun), &x)) >= 0) return k->mp = xun[x].w, r;
    return j;
}

static int date_sep(const jx_u8 *t, int i, int end) { return i < end && (t[i] == '-' || t[i] == '/' || t[i] == '.'); }

/* Whether date_core can match at i, a digit: d4 needs four digits and a
 * separator or 年 after them, d12 one or two and 月, quarter one and 季. */
static int digit_date(const jx_u8 *t, int i, int end)
{
    int v, n, nd = 0;
    while ((n = jx_ind_digit(t, i, end, &v))) i += n, nd++;
    if (nd == 4) return date_sep(t, i, end) || JX_LIT(i, "年") >= 0;
    if (nd > 2) return 0;
    return JX_LIT(i, "月") >= 0 || (nd == 1 && JX_LIT(i, "季") >= 0);
}

static int date_core(const jx_u8 *t, int i, int end, dcap *k)
{
    int y, m, d, j, r;
    dcap_clear(k);
    if (i < end && (t[i] < 0x80 || t[i] == 0xEF) && !digit_date(t, i, end)) return JX_NOMATCH;
    if ((j = d4(t, i, end, &y)) >= 0) {
        /* y-m-d, y/m/d, y.m.d */
        if (date_sep(t, j, end) && (r = d12(t, j + 1, end, &m)) >= 0 && date_sep(t, r, end) &&
            (r = d12(t, r + 1, end, &d)) >= 0 && !is_digit(t, r, end))
            return k->y = y, k->m = m, k->d = d, r;
        if ((j = JX_LIT(j, "年")) >= 0) {
            k->y = y;
            if ((r = d12(t, j, end, &m)) >= 0 && (r = JX_LIT(r, "月")) >= 0) return k->m = m, month_rest(t, r, end, k);
            if ((r = JX_LIT(j, "度")) >= 0) j = r;
            r = year_part(t, j, end, k);
            return r >= 0 ? r : j;
        }
    }
    if ((j = d12(t, i, end, &m)) >= 0 && (j = JX_LIT(j, "月")) >= 0) return k->m = m, month_rest(t, j, end, k);
    return period_core(t, i, end, k);
}

static int days_in(int m, int y)
{
    if (m == 2) return y < 0 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
    return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/* make_date: the date the captures name and the span it covers; -1 when the
 * numbers cannot be a date (month 13, 30 February, year 2154). */
static int make_date(const dcap *k, jx_idate *out)
{
    static const char *const quarters[] = {"第一季度", "第二季度", "第三季度", "第四季度"};
    int y = k->y, m = k->m, d = k->d, fm, fd, lm, ld;
    if (y >= 0 && (y < 1900 || y > 2099)) return -1;
    if (m >= 0 && (m < 1 || m > 12)) return -1;
    if (d >= 0 && (d < 1 || d > days_in(m, y))) return -1;
    memset(out, 0, sizeof *out);
    out->year = y > 0 ? y : 0;
    out->month = m > 0 ? m : 0;
    out->day = d > 0 ? d : 0;
    if (d >= 0) {
        fm = lm = m, fd = ld = d;
    } else if (m >= 0) {
        const char *part = k->mp;
        fm = lm = m;
        if (!part) {
            fd = 1, ld = days_in(m, y), out->period = "月";
        } else if (!strcmp(part, "上旬") || !strcmp(part, "初")) {
            fd = 1, ld = 10;
        } else if (!strcmp(part, "中旬")) {
            fd = 11, ld = 20;
        } else {
            fd = 21, ld = days_in(m, y);
        }
        if (part) /* a one-character part is said with 月: 月初, 月底, 月末 */
            out->period = !strcmp(part, "初") ? "月初" : !strcmp(part, "底") ? "月底" : !strcmp(part, "末") ? "月末" : part;
    } else if (k->q >= 0) {
        if (k->q < 1 || k->q > 4) return -1;
        out->quarter = k->q, out->period = quarters[k->q - 1];
        fm = 3 * k->q - 2, fd = 1, lm = 3 * k->q, ld = days_in(lm, y);
    } else if (k->half) {
        out->period = k->half == 1 ? "上半年" : "下半年";
        if (k->half == 1) fm = 1, fd = 1, lm = 6, ld = 30;
        else fm = 7, fd = 1, lm = 12, ld = 31;
    } else if (k->yp) {
        fm = 1, fd = 1, lm = 12, ld = 31;
        switch (k->yp) {
        case YP_END: out->period = "年底", fm = 12; break;
        case YP_START: out->period = "年初", lm = 1; break;
        case YP_MID: out->period = "年中", fm = 6, lm = 7; break;
        default: out->period = "年内"; break;
        }
    } else {
        out->year_only = 1, out->period = "年";
        fm = 1, fd = 1, lm = 12, ld = 31;
    }
    out->first = (jx_ymd){out->year, fm, fd};
    out->last = (jx_ymd){out->year, lm, ld};
    return 0;
}

static int deadline_before(const jx_u8 *t, int i, int end)
{
    static const lit words[] = {W("截至"), W("截止到"), W("截止"), W("不晚于"), W("不迟于"), W("最迟"),
                                W("最晚"), W("≤"),      W("≦"),    W("⩽"),      W("<=")};
    int x;
    return one_of(t, i, end, words, NLITS(words), &x);
}

static int deadline_after(const jx_u8 *t, int i, int end)
{
    static const lit words[] = {W("之前"), W("以前"), W("前"), W("以内"), W("之内")};
    int j, x;
    if ((j = one_of(t, i, end, words, NLITS(words), &x)) >= 0) return j;
    if ((j = JX_LIT(i, "内")) >= 0 && JX_LIT(j, "容") < 0 && JX_LIT(j, "部") < 0) return j;
    return JX_NOMATCH;
}

/* date_p at i, ch the character there: appends a date or period mention;
 * its end, JX_NOMATCH or JX_NOMEM. */
static int date_at(jx_icell *c, const jx_u8 *t, int i, int end, const jx_ichar *ch)
{
    int j = i, dl = 0, r, clen;
    dcap k;
    jx_idate date;
    if ((ch->flags & JX_C_DLB) && (r = deadline_before(t, j, end)) >= 0) {
        dl = 1, j = skip_sp(t, r, end);
        if (j >= end) return JX_NOMATCH;
        ch = jx_ind_char(t, j, end, &clen);
    }
    if (!(ch->flags & JX_C_DCORE)) return JX_NOMATCH; /* date_core would fail at its first character */
    if ((j = date_core(t, j, end, &k)) < 0) return JX_NOMATCH;
    if ((r = deadline_after(t, skip_sp(t, j, end), end)) >= 0) dl = 1, j = r;
    if (make_date(&k, &date) < 0) return JX_NOMATCH;
    if (date.period && !strcmp(date.period, "年内")) dl = 1;
    jx_imention *m = jx_ind_new_mention(c);
    if (!m) return JX_NOMEM;
    m->kind = date.day ? JX_IK_DATE : JX_IK_PERIOD;
    m->op = dl ? JX_OP_LE : JX_OP_NONE;
    m->deadline = (unsigned char)dl;
    m->has_date = 1, m->date = date;
    m->pos = i, m->epos = j;
    return j;
}

/* bare_year at i (find_dates only): a year alone, not followed by what makes
 * a number a quantity. Its end, JX_NOMATCH or JX_NOMEM. */
static int bare_year(jx_icell *c, const jx_u8 *t, int i, int end)
{
    int y, e = d4(t, i, end, &y), clen, p;
    if (e < 0) return JX_NOMATCH;
    int j = skip_sp(t, e, end);
    if (j < end) {
        const jx_ichar *ch = jx_ind_char(t, j, end, &clen);
        if (((p = point_len(t, j, end)) && is_digit(t, j + p, end)) || (t[j] == ',' && is_digit(t, j + 1, end)) ||
            jx_ind_word(JX_V_UNIT, ch, t, j, end) || JX_LIT(j, "万") >= 0 || JX_LIT(j, "亿") >= 0 ||
            JX_LIT(j, "千") >= 0 || jx_ind_word(JX_V_OPA, ch, t, j, end))
            return JX_NOMATCH;
    }
    if (y < 1900 || y > 2099) return JX_NOMATCH;
    dcap k;
    dcap_clear(&k);
    k.y = y;
    jx_imention *m = jx_ind_new_mention(c);
    if (!m) return JX_NOMEM;
    make_date(&k, &m->date);
    m->kind = JX_IK_PERIOD, m->has_date = 1;
    m->pos = i, m->epos = e;
    return e;
}

/* ---- quantities and words ---- */

/* The word of vocabulary v at j (the end of the text allowed). */
static const jx_iword *word_at(int v, const jx_u8 *t, int j, int end)
{
    int clen;
    return j < end ? jx_ind_word(v, jx_ind_char(t, j, end, &clen), t, j, end) : NULL;
}

/* value_p and qty_mention at i, ch the character there: appends a quantity
 * mention; its end, JX_NOMATCH or JX_NOMEM. */
static int value_at(jx_icell *c, const jx_u8 *t, int i, int end, const jx_ichar *ch)
{
    static const lit mults[] = {W("万"), W("亿"), W("千")};
    static const double mult_value[] = {1e4, 1e8, 1e3};
    int j = i, k, r, cn = -1, more = 0, mult = -1, u_s = -1;
    const jx_iword *b = jx_ind_word(JX_V_OPB, ch, t, i, end), *a = NULL, *u = NULL;
    if (b) j = skip_sp(t, i + b->len, end);
    else if (!(ch->flags & JX_C_NUM)) return JX_NOMATCH; /* no number can start at i */
    int v_s = j, v_e = jx_ind_number(t, j, end);
    if (v_e < 0 && (v_e = jx_ind_cn_num(t, j, end, &cn)) < 0) return JX_NOMATCH;
    j = v_e;
    k = skip_sp(t, j, end);
    if ((r = JX_LIT(k, "多")) >= 0 || (r = JX_LIT(k, "余")) >= 0) more = 1, j = r;
    k = skip_sp(t, j, end);
    if ((u = word_at(JX_V_UNIT, t, k, end))) {
        u_s = k, j = k + u->len;
    } else if ((r = one_of(t, k, end, mults, NLITS(mults), &mult)) >= 0) {
        j = r;
        if ((u = word_at(JX_V_UNIT, t, j, end))) u_s = j, j += u->len;
    }
    k = skip_sp(t, j, end);
    if ((a = word_at(JX_V_OPA, t, k, end))) j = k + a->len;

    int hard_b = b && b->kind != JX_OP_NONE && !(b->flags & JX_W_SOFT);
    int explicit_op = hard_b || (a && !(a->flags & JX_W_APPROX));
    if (cn >= 0 && !explicit_op) return JX_NOMATCH;
    if (!(u || mult >= 0 || explicit_op || (b && b->kind != JX_OP_NONE))) return JX_NOMATCH;

    double x;
    int is_int = 1;
    if (cn >= 0) {
        x = cn;
    } else if ((is_int = jx_ind_numval(c, v_s, v_e, &x)) < 0) {
        return JX_NOMEM;
    }
    jx_imention *m = jx_ind_new_mention(c);
    if (!m) return JX_NOMEM;
    if (hard_b) {
        m->op = (jx_iop)b->kind, m->op_s = i, m->op_e = i + b->len;
    } else if (a) {
        m->op = (jx_iop)a->kind;
        if (!(a->flags & JX_W_APPROX)) m->op_s = k, m->op_e = j;
    } else if (b && b->kind != JX_OP_NONE) {
        m->op = (jx_iop)b->kind;
    } else if (more) {
        m->op = JX_OP_GT;
    }
    if (mult >= 0) x *= mult_value[mult], is_int = 0, m->mult = mults[mult].w;
    m->kind = u ? (jx_ik)u->kind : JX_IK_QUANTITY;
    m->val_s = v_s, m->val_e = v_e;
    m->number = x, m->has_number = 1, m->number_int = (unsigned char)is_int;
    m->approx = (b && (b->flags & JX_W_APPROX)) || (a && (a->flags & JX_W_APPROX)) || more;
    if (u) m->unit = u->canon, m->unit_s = u_s, m->unit_e = u_s + u->len;
    m->pos = i, m->epos = j;
    return j;
}

/* qual_p at i: appends a qualitative (or 不适用) mention; its end, JX_NOMATCH or JX_NOMEM. */
static int qual_at(jx_icell *c, const jx_u8 *t, int i, int end, const jx_ichar *ch)
{
    const jx_iword *w = jx_ind_word(JX_V_QUAL, ch, t, i, end);
    if (!w) return JX_NOMATCH;
    jx_imention *m = jx_ind_new_mention(c);
    if (!m) return JX_NOMEM;
    m->kind = (jx_ik)w->kind;
    m->qual = w->w, m->meaning = w->canon, m->tier = w->tier;
    m->pos = i, m->epos = i + w->len;
    return m->epos;
}

/* ordinal = 第 * (digit^1 + (cnd + 十 + 百)^1): "第三届" is not a quantity. */
static int ordinal(const jx_u8 *t, int i, int end)
{
    int j = JX_LIT(i, "第"), n, k;
    if (j < 0) return JX_NOMATCH;
    if ((k = jx_ind_digits(t, j, end, &n)) >= 0) return k;
    for (k = j; cn_digit(t, k, end) >= 0 || JX_LIT(k, "十") >= 0 || JX_LIT(k, "百") >= 0;) k += 3;
    return k > j ? k : JX_NOMATCH;
}

/* scan_pat's alternatives at i, ch the character there (a JX_C_START one):
 * a mention appended, or an ordinal or number stepped over; the end,
 * JX_NOMATCH or JX_NOMEM. Kept out of the scanning loops, which then hold
 * their few variables in registers. */
static __attribute__((noinline)) int mention_at(jx_icell *c, const jx_u8 *t, int i, int e, const jx_ichar *ch)
{
    /* only a date character can start date_p */
    int r = ch->flags & JX_C_DATE ? date_at(c, t, i, e, ch) : JX_NOMATCH;
    if (r == JX_NOMATCH) r = value_at(c, t, i, e, ch);
    if (r == JX_NOMATCH) r = qual_at(c, t, i, e, ch);
    if (r == JX_NOMATCH) r = ordinal(t, i, e);
    if (r == JX_NOMATCH) r = jx_ind_num_skip(t, i, e);
    return r;
}

/* year_scan_pat's alternatives at i, ch the character there (a JX_C_DATE one). */
static __attribute__((noinline)) int year_at(jx_icell *c, const jx_u8 *t, int i, int e, const jx_ichar *ch)
{
    int r = date_at(c, t, i, e, ch);
    if (r == JX_NOMATCH) r = bare_year(c, t, i, e);
    if (r == JX_NOMATCH) r = jx_ind_num_skip(t, i, e);
    return r;
}

int jx_ind_scan(jx_icell *c, int s, int e, int until_op)
{
    const jx_u8 *t = (const jx_u8 *)c->text;
    int i = s, clen;
    jx_ind_vocab_init();
    const jx_ichar *ch;
    while ((i = jx_ind_seek(t, i, e, JX_C_START, &ch, &clen)) < e) {
        int n0 = c->nms, r = mention_at(c, t, i, e, ch);
        if (r == JX_NOMEM) return -1;
        if (r < 0) {
            i += clen;
            continue;
        }
        /* only a quantity gets an op_text */
        if (until_op && c->nms > n0 && c->ms[c->nms - 1].op_s >= 0) return 0;
        i = r;
    }
    return 0;
}

int jx_ind_scan_dates(jx_icell *c)
{
    const jx_u8 *t = (const jx_u8 *)c->text;
    int i = 0, e = c->len, clen;
    jx_ind_vocab_init();
    const jx_ichar *ch;
    while ((i = jx_ind_seek(t, i, e, JX_C_DATE, &ch, &clen)) < e) {
        int r = year_at(c, t, i, e, ch);
        if (r == JX_NOMEM) return -1;
        i = r >= 0 ? r : i + clen;
    }
    return 0;
}
