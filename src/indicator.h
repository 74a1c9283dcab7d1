/* Indicator cells in C: the reading lua/jixiao/indicator.lua gives with its
 * built-in vocabulary (units, operators, qualitative words, dates), without
 * LPeg or a Lua state. jixiao check runs its text rules on it (check_text.c);
 * jixiao.indicator uses it while no script has extended the grammar. The
 * Lua module stays the definition: tests compare the two on every cell. */
#ifndef JX_INDICATOR_H
#define JX_INDICATOR_H

#include <stddef.h>

typedef enum {
    JX_IK_TEXT = 0,    /* "text": nothing measurable */
    JX_IK_QUANTITY,
    JX_IK_PERCENT,
    JX_IK_MONEY,
    JX_IK_QUALITATIVE,
    JX_IK_DATE,
    JX_IK_PERIOD,
    JX_IK_NA           /* "not_applicable" */
} jx_ik;

typedef enum { JX_OP_NONE = 0, JX_OP_GE, JX_OP_GT, JX_OP_EQ, JX_OP_LE, JX_OP_LT } jx_iop;

const char *jx_ik_name(jx_ik k);   /* "quantity", "not_applicable", … */
/* quantity, percent or money: a value a result can be compared with */
static inline int jx_ik_numeric(jx_ik k) { return k == JX_IK_QUANTITY || k == JX_IK_PERCENT || k == JX_IK_MONEY; }
const char *jx_iop_code(jx_iop o); /* ">=", ">", "=", "<=", "<"; NULL for none */

typedef struct {
    int year, month, day; /* year 0: none (first/last of a date without a year) */
} jx_ymd;

typedef struct {
    int year, month, day;   /* 0 when absent */
    int quarter;            /* 1-4, 0 when not a quarter */
    unsigned char year_only;
    const char *period;     /* static: "月", "上旬", "月底", "上半年", "第一季度", "年底", "年", … or NULL */
    jx_ymd first, last;
} jx_idate;

/* One value found in a cell: an entry of the Lua item.values. Spans are
 * 0-based byte offsets into the cell, [s, e). */
typedef struct {
    jx_ik kind;
    jx_iop op;
    int pos, epos;          /* the text of the mention */
    int op_s, op_e;         /* op_text (an explicit operator as written); op_s < 0: none */
    int val_s, val_e;       /* the number as written; val_s < 0: none */
    const char *mult;       /* "万", "亿" or "千" written after the number (part of value), or NULL */
    double number;          /* valid when has_number */
    unsigned char has_number;
    unsigned char number_int; /* Lua would hold number as an integer (math.type "integer") */
    unsigned char approx, deadline, has_date;
    const char *unit;       /* canonical unit (static), NULL if none */
    int unit_s, unit_e;     /* unit_text as written; unit_s < 0: none */
    jx_idate date;          /* when has_date */
    const char *qual;       /* the qualitative word (static), NULL if none */
    const char *meaning;    /* "met", "improved", "not_applicable", … (static) or NULL */
    const char *tier;       /* "达成", "部分达成", "未达成" or NULL */
} jx_imention;

/* One item of a cell: the Lua item. Its kind, op, value, number, unit,
 * unit_text, approx and date are those of ms[best] (best < 0: none). */
typedef struct {
    int n;                  /* item number, 0 when the cell is not numbered */
    int s, e;               /* item text (trimmed) */
    jx_ik kind;
    int best;
    const char *qual;       /* qualitative word; for a not-applicable cell ("无", "/") it points */
    int qual_len;           /*   into the cell: qual_len bytes, not NUL-terminated */
    const char *meaning, *tier;
    int subj_s, subj_e;     /* subject; subj_s < 0: none */
    int m0, nm;             /* its values: ms[m0 .. m0 + nm) */
} jx_iitem;

/* A parsed cell. The arrays are owned by the struct and reused by the next
 * parse; text is the caller's and must outlive the use of spans. */
typedef struct {
    const char *text;
    int len;
    unsigned char numbered;
    int prefix_s, prefix_e; /* text before item 1 of a numbered cell; prefix_s < 0: none */
    jx_iitem *items;
    int nitems, items_cap;
    jx_imention *ms;
    int nms, ms_cap;
    char *nbuf;             /* scratch for the ASCII copy of a long number */
    int nbuf_cap;
} jx_icell;

void jx_icell_init(jx_icell *c);
void jx_icell_free(jx_icell *c);

/* ind.parse(text). 0, or -1 out of memory (c is then empty). Never fails on
 * content: any bytes, invalid UTF-8 included, give a reading. */
int jx_ind_parse(jx_icell *c, const char *text, size_t len);

/* ind.find_dates(text): the dates and periods of text, bare years included
 * (kind JX_IK_PERIOD with date.year_only), in order, into c->ms (c->items is
 * left empty). 0, or -1 out of memory. */
int jx_ind_find_dates(jx_icell *c, const char *text, size_t len);

/* ind.has_operator(text): 1 when the text is written like a target
 * ("经济效益≥99%", "不低于95%"), else 0. -1 out of memory. scratch is any
 * jx_icell, whose arrays it reuses (its previous reading is lost). */
int jx_ind_has_operator(jx_icell *scratch, const char *text, size_t len);

/* 1 when the cell has items and every one is 不适用 (indicator.lua's
 * all_kind(items, "not_applicable"), check.lua's not_applicable), else 0. */
int jx_icell_not_applicable(const jx_icell *c);

/* ind.judge's pairing (pair_items): out[k] is the index of the result item
 * judged against target item k, or -1; out holds target->nitems entries.
 * 0, or -1 out of memory. */
int jx_ind_pair(const jx_icell *target, const jx_icell *result, int *out);

/* The over-achievements ind.judge finds (its items with over = true): calls
 * each for every paired target and result item, both numeric and of one unit
 * class, where the result is at least 1.2 times a positive (>=, >, =)
 * target; ratio is result / target. Returns how many, or -1 out of memory. */
typedef void jx_ind_over_fn(void *ud, const jx_icell *target, const jx_iitem *t, const jx_icell *result,
                            const jx_iitem *r, double ratio);
int jx_ind_over(const jx_icell *target, const jx_icell *result, jx_ind_over_fn *each, void *ud);

/* The class of a canonical unit (名 and 人 are both "人"); NULL for NULL. */
const char *jx_ind_unit_class(const char *unit);

#endif
