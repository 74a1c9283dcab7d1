/* Private to the indicator reader (indicator.c, indicator_scan.c,
 * indicator_vocab.c) and its Lua binding: the byte-level pieces of the
 * grammar of lua/jixiao/indicator.lua, each bounded by an end offset the way
 * LPeg is bounded by the end of the subject it was given. */
#ifndef JX_INDICATOR_INT_H
#define JX_INDICATOR_INT_H

#include <stdint.h>
#include <string.h>

#include "indicator.h"

typedef unsigned char jx_u8;

/* What a matcher returns instead of the end of its match. */
#define JX_NOMATCH (-1)
#define JX_NOMEM (-2)

/* The length of indicator.lua's `char` at i (i < end): a UTF-8 sequence by
 * its lead byte and continuation bytes, else one byte. */
static inline int jx_ind_charlen(const jx_u8 *t, int i, int end)
{
    jx_u8 b = t[i];
    int n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 1;
    if (n > end - i) return 1;
    for (int k = 1; k < n; k++)
        if ((t[i + k] & 0xC0) != 0x80) return 1;
    return n;
}

/* 1 when a CJK ideograph of U+4E00-U+9FFF (lead byte E4-E9) stands at i:
 * never a digit, a separator or a marker, so the cell-level passes step over
 * it at once. */
static inline int jx_ind_ideograph(const jx_u8 *t, int i, int end)
{
    return t[i] >= 0xE4 && t[i] <= 0xE9 && end - i >= 3 && (t[i + 1] & 0xC0) == 0x80 && (t[i + 2] & 0xC0) == 0x80;
}

/* w (n bytes) at i: the end of it, or JX_NOMATCH. A loop rather than
 * memcmp: the words are short and most differ in their first bytes. */
static inline int jx_ind_lit(const jx_u8 *t, int i, int end, const char *w, int n)
{
    if (end - i < n) return JX_NOMATCH;
    for (int k = 0; k < n; k++)
        if (t[i + k] != (jx_u8)w[k]) return JX_NOMATCH;
    return i + n;
}
#define JX_LIT(j, w) jx_ind_lit(t, (j), end, "" w, (int)sizeof(w) - 1)

/* `digit` at i (0-9 or ０-９): its length (0 when none), its value in *v. */
static inline int jx_ind_digit(const jx_u8 *t, int i, int end, int *v)
{
    if (i < end && t[i] >= '0' && t[i] <= '9') return *v = t[i] - '0', 1;
    if (end - i >= 3 && t[i] == 0xEF && t[i + 1] == 0xBC && t[i + 2] >= 0x90 && t[i + 2] <= 0x99)
        return *v = t[i + 2] - 0x90, 3;
    return 0;
}

/* ---- vocabulary (indicator_vocab.c) ---- */

enum { JX_V_OPB, JX_V_OPA, JX_V_UNIT, JX_V_QUAL, JX_NVOCAB };

enum { JX_W_SOFT = 1, JX_W_APPROX = 2 };

/* A word of the built-in vocabulary. ops: kind is the jx_iop; units: kind is
 * the jx_ik and canon the unit reported; qualitative words: kind is
 * JX_IK_QUALITATIVE or JX_IK_NA, canon the meaning and tier its tier. guard
 * lists what must not follow the word (NULL-terminated), or is NULL. */
typedef struct {
    const char *w;
    const char *canon;
    const char *tier;
    const char *const *guard;
    unsigned char len, kind, flags;
} jx_iword;

/* Flags of the character a position starts with. */
enum {
    JX_C_START = 1, /* the scanner tries a value there (indicator.lua's `start`) */
    JX_C_DATE = 2   /* a date, a bare year or a number can start there */
};

typedef struct {
    uint32_t key; /* the character's bytes, packed; 0: free slot */
    unsigned char flags;
    unsigned char n[JX_NVOCAB];      /* words of each vocabulary starting with it */
    unsigned short first[JX_NVOCAB]; /* the first of them in jx_ind_words order */
} jx_ichar;

/* The entry of the character at i (i < end), its length in *clen; NULL when
 * it starts no word and has no flag. The tables are built on first use. */
const jx_ichar *jx_ind_char(const jx_u8 *t, int i, int end, int *clen);

/* The longest word of vocabulary v at i whose guard holds (the order of
 * indicator.lua's choice()), given ch = jx_ind_char(t, i, end, …); NULL if none. */
const jx_iword *jx_ind_word(int v, const jx_ichar *ch, const jx_u8 *t, int i, int end);

/* 1 when an operator symbol of has_operator (a hard, non-CJK ops_before word)
 * starts at some byte of t[0, len). */
int jx_ind_has_symbol(const jx_u8 *t, int len);

/* ---- numbers and mentions (indicator_scan.c) ---- */

/* indicator.lua's `number` at i: its end, or JX_NOMATCH. */
int jx_ind_number(const jx_u8 *t, int i, int end);

/* `num_skip` at i: its end, or JX_NOMATCH. */
int jx_ind_num_skip(const jx_u8 *t, int i, int end);

/* digit^1 at i: its end, or JX_NOMATCH; its value in *n, capped at 1 << 30
 * (an item number never gets that far). */
int jx_ind_digits(const jx_u8 *t, int i, int end, int *n);

/* `cn_num` (零 to 九十九) at i: its end, or JX_NOMATCH; cn_value in *n. */
int jx_ind_cn_num(const jx_u8 *t, int i, int end, int *n);

/* numval of the number text t[s, e) (as matched by `number`): 1 when Lua
 * holds it as an integer, 0 as a float; JX_NOMEM when a long number found
 * no memory for its ASCII copy. The value in *x. */
int jx_ind_numval(jx_icell *c, int s, int e, double *x);

/* The integer value of the number text s[0, n) when numval says it is one
 * (digits, full-width digits and commas, below 2^63). */
long long jx_ind_intval(const char *s, int n);

/* A fresh mention at the end of c->ms, every span "none"; NULL when out of memory. */
jx_imention *jx_ind_new_mention(jx_icell *c);

/* scan_pat over c->text[s, e): appends its mentions to c->ms. 0, or -1 out of memory. */
int jx_ind_scan(jx_icell *c, int s, int e);

/* year_scan_pat over the whole of c->text: appends to c->ms. 0, or -1. */
int jx_ind_scan_dates(jx_icell *c);

#endif
