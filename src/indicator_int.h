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

/* Flags of the character a position starts with (below 1 << JX_KEY_SHIFT). */
enum {
    JX_C_START = 1, /* the scanner tries a value there (indicator.lua's `start`) */
    JX_C_DATE = 2,  /* a date, a bare year or a number can start there */
    JX_C_NUM = 4,   /* `number` or `cn_num` can start there: a digit, 零-九, 十 */
    JX_C_DLB = 8,   /* a deadline word before a date (截至, 不晚于, ≤ …) can start there */
    JX_C_DCORE = 16, /* date_core can start there: a digit, 上 下 第 一 二 三 四 年 */
    JX_C_OPW = 32,  /* an operator that has_operator counts (hard ops_before, ops_after
                       but 左右) can start there */
    JX_C_SYM = 64   /* an operator symbol of has_operator can start there */
};

typedef struct {
    unsigned char flags;
    unsigned char n[JX_NVOCAB];     /* words of each vocabulary starting with it */
    unsigned char first[JX_NVOCAB]; /* the first of them, longest first */
} jx_ichar;

/* The character index (indicator_vocab.c), filled by jx_ind_vocab_init.
 * c1 maps an ASCII byte to its key, c3row and c3 a 3-byte character by its
 * 16 payload bits (4 + 6 bits to a row, 6 bits within it). A key holds the
 * character's flags in its low bits, so that the scanning loops test them
 * without reading the entry, and the entry's index above them: chars[0] is
 * that of every character that starts no word and has no flag. One struct,
 * so that the loops address all of it from one register. */
#define JX_NCHARS 512
#define JX_KEY_SHIFT 7
typedef struct {
    unsigned short c1[128];
    unsigned short c3row[1024];
    unsigned short c3[JX_NCHARS][64];
    jx_ichar chars[JX_NCHARS];
} jx_iindex;
extern jx_iindex jx_ind_index;
extern int jx_ind_ready;

/* Builds the index once; every entry point that reads characters calls it. */
void jx_ind_vocab_build(void);
static inline void jx_ind_vocab_init(void)
{
    if (!jx_ind_ready) jx_ind_vocab_build();
}

/* The key of the character at i (i < end), its length in *clen. */
static inline unsigned jx_ind_key(const jx_u8 *t, int i, int end, int *clen)
{
    const jx_iindex *x = &jx_ind_index;
    unsigned b = t[i];
    if (b < 0x80) return *clen = 1, x->c1[b];
    if ((b & 0xF0) == 0xE0 && end - i >= 3) {
        unsigned p1 = t[i + 1] ^ 0x80u, p2 = t[i + 2] ^ 0x80u; /* payloads, when below 0x40 */
        if ((p1 | p2) < 0x40) return *clen = 3, x->c3[x->c3row[(b & 0x0F) << 6 | p1]][p2];
        return *clen = 1, 0;
    }
    return *clen = jx_ind_charlen(t, i, end), 0;
}

/* The entry of the character at i (i < end), its length in *clen; never
 * NULL. Needs jx_ind_vocab_init. */
static inline const jx_ichar *jx_ind_char(const jx_u8 *t, int i, int end, int *clen)
{
    return &jx_ind_index.chars[jx_ind_key(t, i, end, clen) >> JX_KEY_SHIFT];
}

/* The first character from i on (before end) with one of the flags of mask:
 * its position (end when none), its entry in *ch and length in *clen. Steps
 * as `char` does. */
int jx_ind_seek(const jx_u8 *t, int i, int end, unsigned mask, const jx_ichar **ch, int *clen);

/* The longest word of vocabulary v at i whose guard holds (the order of
 * indicator.lua's choice()), given ch = jx_ind_char(t, i, end, …); NULL if none. */
const jx_iword *jx_ind_word(int v, const jx_ichar *ch, const jx_u8 *t, int i, int end);

/* 1 when an operator symbol of has_operator (a hard, non-CJK ops_before word)
 * starts at i; only a character flagged JX_C_SYM can start one. */
int jx_ind_symbol_at(const jx_u8 *t, int i, int len);

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

/* scan_pat over c->text[s, e): appends its mentions to c->ms. 0, or -1 out
 * of memory. With until_op it stops after the first mention with an op_text
 * (has_operator needs no more). */
int jx_ind_scan(jx_icell *c, int s, int e, int until_op);

/* year_scan_pat over the whole of c->text: appends to c->ms. 0, or -1. */
int jx_ind_scan_dates(jx_icell *c);

#endif
