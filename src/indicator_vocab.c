/* The built-in vocabulary of lua/jixiao/indicator.lua (units, operators,
 * qualitative words) and the character index the scanner reads it through:
 * two table reads per character say whether a value may start there and
 * which words begin with it, longest first, as LPeg's choice() tries them. */
#include <stdlib.h>

#include "indicator_int.h"

/* ---- the words, as indicator.lua defines them ---- */

static const char *const yuan_guard[] = {"旦", "宵", "素", "件", "月", NULL};
static const char *const nei_guard[] = {"容", "部", "涵", "外", "在", "地", "业", NULL};

#define WORD(w, canon, tier, guard, kind, flags) {w, canon, tier, guard, (unsigned char)(sizeof(w) - 1), kind, flags}

#define OP(w, op) WORD(w, NULL, NULL, NULL, op, 0)
#define SOFT(w, op, flags) WORD(w, NULL, NULL, NULL, op, JX_W_SOFT | (flags))
static const jx_iword ops_before[] = {
    OP("≥", JX_OP_GE), OP("≧", JX_OP_GE), OP("⩾", JX_OP_GE), OP(">=", JX_OP_GE), OP("＞＝", JX_OP_GE),
    OP("大于等于", JX_OP_GE), OP("大于或等于", JX_OP_GE), OP("不低于", JX_OP_GE), OP("不少于", JX_OP_GE),
    OP("不小于", JX_OP_GE), OP("至少", JX_OP_GE), OP("最少", JX_OP_GE), OP("不得低于", JX_OP_GE),
    OP("不得少于", JX_OP_GE),
    OP(">", JX_OP_GT), OP("＞", JX_OP_GT), OP("大于", JX_OP_GT), OP("超过", JX_OP_GT), OP("高于", JX_OP_GT),
    OP("多于", JX_OP_GT),
    OP("=", JX_OP_EQ), OP("＝", JX_OP_EQ), OP("等于", JX_OP_EQ),
    OP("≤", JX_OP_LE), OP("≦", JX_OP_LE), OP("⩽", JX_OP_LE), OP("<=", JX_OP_LE), OP("＜＝", JX_OP_LE),
    OP("小于等于", JX_OP_LE), OP("小于或等于", JX_OP_LE), OP("不超过", JX_OP_LE), OP("不高于", JX_OP_LE),
    OP("不多于", JX_OP_LE), OP("不大于", JX_OP_LE), OP("至多", JX_OP_LE), OP("最多", JX_OP_LE),
    OP("不得超过", JX_OP_LE), OP("不得高于", JX_OP_LE), OP("控制在", JX_OP_LE),
    OP("<", JX_OP_LT), OP("＜", JX_OP_LT), OP("小于", JX_OP_LT), OP("低于", JX_OP_LT), OP("少于", JX_OP_LT),
    OP("不足", JX_OP_LT),
    SOFT("达到", JX_OP_GE, 0), SOFT("达", JX_OP_GE, 0),
    SOFT("约", JX_OP_NONE, JX_W_APPROX), SOFT("约为", JX_OP_NONE, JX_W_APPROX),
    SOFT("大约", JX_OP_NONE, JX_W_APPROX), SOFT("近", JX_OP_NONE, JX_W_APPROX),
    SOFT("将近", JX_OP_NONE, JX_W_APPROX),
};

static const jx_iword ops_after[] = {
    OP("以上", JX_OP_GE), OP("及以上", JX_OP_GE), OP("或以上", JX_OP_GE),
    OP("以下", JX_OP_LE), OP("及以下", JX_OP_LE), OP("或以下", JX_OP_LE), OP("以内", JX_OP_LE),
    OP("之内", JX_OP_LE),
    /* a bare 内 ("3个工作日内") is an operator, but not the 内 of 内容/内部 */
    WORD("内", NULL, NULL, nei_guard, JX_OP_LE, 0),
    WORD("左右", NULL, NULL, NULL, JX_OP_EQ, JX_W_APPROX),
};

#define PCT(w) WORD(w, "%", NULL, NULL, JX_IK_PERCENT, 0)
#define MONEY(w) WORD(w, w, NULL, NULL, JX_IK_MONEY, 0)
#define QTY(w) WORD(w, w, NULL, NULL, JX_IK_QUANTITY, 0)
static const jx_iword units[] = {
    PCT("%"), PCT("％"), PCT("百分比"), PCT("(%)"), PCT("（%）"), PCT("(％)"), PCT("（％）"),
    WORD("‰", "‰", NULL, NULL, JX_IK_PERCENT, 0),
    /* 元 starts words that are not money: 元旦 (New Year's Day), 元宵, 元素, 元件, 元月 */
    WORD("元", "元", NULL, yuan_guard, JX_IK_MONEY, 0),
    MONEY("万元"), MONEY("亿元"), MONEY("千元"), MONEY("百万元"),
    QTY("次"), QTY("台"), QTY("家"), QTY("天"), QTY("个"), QTY("篇"), QTY("起"), QTY("项"), QTY("人次"),
    QTY("场"), QTY("期"), QTY("份"), QTY("条"), QTY("批"), QTY("户"), QTY("所"), QTY("件"), QTY("套"),
    QTY("小时"), QTY("月"), QTY("年"), QTY("分"), QTY("平方米"), QTY("亩"), QTY("吨"), QTY("周"),
    QTY("分钟"), QTY("秒"), QTY("辆"), QTY("座"), QTY("间"), QTY("栋"), QTY("本"), QTY("册"), QTY("张"),
    QTY("部"), QTY("处"), QTY("宗"), QTY("例"), QTY("支"), QTY("只"), QTY("米"), QTY("公顷"),
    QTY("立方米"), QTY("课时"), QTY("学时"), QTY("节"), QTY("户次"), QTY("家次"), QTY("项次"),
    QTY("人天"), QTY("棵"), QTY("株"), QTY("门"), QTY("类"), QTY("种"), QTY("班"), QTY("轮"), QTY("届"),
    QTY("笔"), QTY("个百分点"), QTY("倍"),
    QTY("人"), QTY("名"), QTY("日"), QTY("km"), QTY("公里"), QTY("千米"), QTY("㎡"), QTY("m²"), QTY("kg"),
    QTY("公斤"), QTY("千克"), QTY("工作日"), QTY("个工作日"), QTY("个月"),
};

/* canonical unit -> class, where they differ (名 and 人 both count people) */
static const char *const unit_classes[][2] = {
    {"名", "人"}, {"日", "天"}, {"km", "公里"}, {"千米", "公里"}, {"㎡", "平方米"}, {"m²", "平方米"},
    {"kg", "公斤"}, {"千克", "公斤"}, {"个工作日", "工作日"}, {"个月", "月"},
};

#define QUAL(w, meaning, tier) WORD(w, meaning, tier, NULL, JX_IK_QUALITATIVE, 0)
#define MET(w) QUAL(w, "met", "达成")
#define PARTLY(w) QUAL(w, "partly_met", "部分达成")
#define NOTMET(w) QUAL(w, "not_met", "未达成")
static const jx_iword quals[] = {
    MET("达成"), MET("达成年度指标"),
    PARTLY("部分达成"), PARTLY("部分达成年度指标"), PARTLY("部分达成年度指标并具有一定效果"),
    NOTMET("未达成"), NOTMET("未达成年度指标"), NOTMET("未达成年度指标且效果较差"),
    QUAL("合理", "reasonable", NULL),
    QUAL("提高", "improved", NULL), QUAL("有所提高", "improved", NULL), QUAL("明显提高", "improved", NULL),
    QUAL("显著提高", "improved", NULL), QUAL("提升", "improved", NULL), QUAL("有所提升", "improved", NULL),
    QUAL("明显提升", "improved", NULL), QUAL("显著提升", "improved", NULL), QUAL("改善", "improved", NULL),
    QUAL("有所改善", "improved", NULL), QUAL("明显改善", "improved", NULL), QUAL("增强", "improved", NULL),
    QUAL("降低", "reduced", NULL), QUAL("有所降低", "reduced", NULL), QUAL("明显降低", "reduced", NULL),
    QUAL("减少", "reduced", NULL), QUAL("下降", "reduced", NULL),
    QUAL("良好", "good", NULL), QUAL("较好", "good", NULL),
    QUAL("优秀", "excellent", NULL),
    QUAL("合格", "pass", NULL), QUAL("达标", "pass", NULL),
    QUAL("零投诉", "no_complaints", NULL), QUAL("无投诉", "no_complaints", NULL),
    QUAL("及时", "on_time", NULL), QUAL("按时", "on_time", NULL), QUAL("按期", "on_time", NULL),
    QUAL("如期", "on_time", NULL),
    QUAL("准确", "accurate", NULL),
    QUAL("完成", "done", NULL), QUAL("已完成", "done", NULL), QUAL("全部完成", "done", NULL),
    QUAL("圆满完成", "done", NULL), QUAL("顺利完成", "done", NULL),
    QUAL("不合格", "negative", NULL), QUAL("不合理", "negative", NULL), QUAL("不及时", "negative", NULL),
    QUAL("不准确", "negative", NULL), QUAL("未完成", "negative", NULL), QUAL("未按时", "negative", NULL),
    QUAL("不达标", "negative", NULL), QUAL("未达标", "negative", NULL),
    WORD("不适用", "not_applicable", NULL, NULL, JX_IK_NA, 0),
    WORD("不涉及", "not_applicable", NULL, NULL, JX_IK_NA, 0),
};

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static const struct {
    const jx_iword *w;
    int n;
} vocab[JX_NVOCAB] = {
    [JX_V_OPB] = {ops_before, COUNT(ops_before)},
    [JX_V_OPA] = {ops_after, COUNT(ops_after)},
    [JX_V_UNIT] = {units, COUNT(units)},
    [JX_V_QUAL] = {quals, COUNT(quals)},
};

/* The characters the scanner starts at besides the first characters of
 * ops_before and quals (indicator.lua's start_words, cn_digit, 十, digits);
 * those date_p's deadline words (indicator_scan.c's deadline_before) and its
 * date_core start with; the Chinese numerals of `cn_num`. */
static const char *const start_chars[] = {"第", "上", "下", "年", "截", "不", "最", "零", "〇", "一", "二",
                                          "两", "三", "四", "五", "六", "七", "八", "九", "十", NULL};
static const char *const dlb_chars[] = {"截", "不", "最", "≤", "≦", "⩽", "<", NULL};
static const char *const dcore_chars[] = {"上", "下", "第", "一", "二", "三", "四", "年", NULL};
static const char *const cn_chars[] = {"零", "〇", "一", "二", "两", "三", "四", "五",
                                       "六", "七", "八", "九", "十", NULL};

/* ---- the index, built once and read-only afterwards ---- */

#define MAXWORDS 128

static const jx_iword *order[JX_NVOCAB][MAXWORDS];
jx_iindex jx_ind_index;
int jx_ind_ready;
static int nchars = 1, nrows = 1; /* entry 0 and row 0: nothing */
static const jx_iword *symbols[16]; /* has_operator's symbols */
static int nsymbols;

/* The key of the character w starts with, claimed if new; w's first
 * character has 1 or 3 bytes. */
static unsigned short *claim_key(const char *w)
{
    const jx_u8 *p = (const jx_u8 *)w;
    unsigned short *key;
    if (p[0] < 0x80) {
        key = &jx_ind_index.c1[p[0]];
    } else {
        unsigned short *row = &jx_ind_index.c3row[(p[0] & 0x0F) << 6 | (p[1] & 0x3F)];
        if (!*row) *row = (unsigned short)nrows++;
        key = &jx_ind_index.c3[*row][p[2] & 0x3F];
    }
    if (!*key) *key = (unsigned short)(nchars++ << JX_KEY_SHIFT);
    return key;
}

/* The entry of the character w starts with, claimed if new. */
static jx_ichar *claim(const char *w) { return &jx_ind_index.chars[*claim_key(w) >> JX_KEY_SHIFT]; }

/* Copies the flags of every entry into its keys. */
static void key_flags(void)
{
    for (int b = 0; b < 128; b++)
        jx_ind_index.c1[b] |= jx_ind_index.chars[jx_ind_index.c1[b] >> JX_KEY_SHIFT].flags;
    for (int r = 0; r < nrows; r++)
        for (int k = 0; k < 64; k++)
            jx_ind_index.c3[r][k] |= jx_ind_index.chars[jx_ind_index.c3[r][k] >> JX_KEY_SHIFT].flags;
}

static int first_len(const char *w) { return jx_ind_charlen((const jx_u8 *)w, 0, (int)strlen(w)); }

/* Longest first, so that 不低于 is tried before 低于 and 万元 before 元;
 * grouped by first character for the index. */
static int by_first_then_length(const void *a, const void *b)
{
    const jx_iword *x = *(const jx_iword *const *)a, *y = *(const jx_iword *const *)b;
    int nx = first_len(x->w), ny = first_len(y->w);
    int c = nx != ny ? nx - ny : memcmp(x->w, y->w, (size_t)nx);
    if (c) return c;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return strcmp(x->w, y->w);
}

static int same_first(const char *a, const char *b)
{
    int n = first_len(a);
    return n == first_len(b) && !memcmp(a, b, (size_t)n);
}

static void flag_all(const char *const *chars, int flags)
{
    for (int k = 0; chars[k]; k++) claim(chars[k])->flags |= (unsigned char)flags;
}

void jx_ind_vocab_build(void)
{
    for (int v = 0; v < JX_NVOCAB; v++) {
        int n = vocab[v].n;
        for (int k = 0; k < n; k++) order[v][k] = &vocab[v].w[k];
        qsort(order[v], (size_t)n, sizeof order[v][0], by_first_then_length);
        for (int k = 0; k < n;) {
            int j = k;
            while (j < n && same_first(order[v][j]->w, order[v][k]->w)) j++;
            jx_ichar *ch = claim(order[v][k]->w);
            ch->first[v] = (unsigned char)k;
            ch->n[v] = (unsigned char)(j - k);
            if (v == JX_V_OPB || v == JX_V_QUAL) ch->flags |= JX_C_START;
            k = j;
        }
    }
    flag_all(start_chars, JX_C_START);
    flag_all(dlb_chars, JX_C_DATE | JX_C_DLB);
    flag_all(dcore_chars, JX_C_DATE | JX_C_DCORE);
    flag_all(cn_chars, JX_C_NUM);
    for (int d = 0; d < 10; d++) {
        char ascii[2] = {(char)('0' + d), 0}, fw[4] = {'\xEF', '\xBC', (char)(0x90 + d), 0}; /* ０-９ */
        claim(ascii)->flags |= JX_C_START | JX_C_DATE | JX_C_NUM | JX_C_DCORE;
        claim(fw)->flags |= JX_C_START | JX_C_DATE | JX_C_NUM | JX_C_DCORE;
    }
    /* what sets a mention's op_text: a hard operator before the number or a
     * non-approximate one after it */
    for (int k = 0; k < COUNT(ops_before); k++)
        if (ops_before[k].kind != JX_OP_NONE && !(ops_before[k].flags & JX_W_SOFT))
            claim(ops_before[k].w)->flags |= JX_C_OPW;
    for (int k = 0; k < COUNT(ops_after); k++)
        if (!(ops_after[k].flags & JX_W_APPROX)) claim(ops_after[k].w)->flags |= JX_C_OPW;
    /* has_operator's symbols: the hard operators not spelt in CJK ideographs */
    for (int k = 0; k < COUNT(ops_before); k++) {
        const jx_iword *w = &ops_before[k];
        jx_u8 b = (jx_u8)w->w[0];
        if (w->kind == JX_OP_NONE || (w->flags & JX_W_SOFT) || (b >= 0xE4 && b <= 0xE9)) continue;
        symbols[nsymbols++] = w;
        claim(w->w)->flags |= JX_C_SYM;
    }
    key_flags();
    jx_ind_ready = 1;
}

#define NCLAIMS (COUNT(ops_before) + COUNT(ops_after) + COUNT(units) + COUNT(quals) + COUNT(start_chars) + \
                 COUNT(dlb_chars) + COUNT(dcore_chars) + COUNT(cn_chars) + 20)
_Static_assert(NCLAIMS < JX_NCHARS, "raise JX_NCHARS");
_Static_assert(JX_NCHARS << JX_KEY_SHIFT <= 0x10000, "keys are unsigned short");
_Static_assert(MAXWORDS <= 128, "jx_ichar holds word counts in bytes");
_Static_assert(sizeof units / sizeof units[0] <= MAXWORDS, "raise MAXWORDS");
_Static_assert(sizeof quals / sizeof quals[0] <= MAXWORDS, "raise MAXWORDS");
_Static_assert(sizeof ops_before / sizeof ops_before[0] <= MAXWORDS, "raise MAXWORDS");

/* Most characters of a cell are ideographs that start nothing: the loop
 * takes three bytes at once (in one load where it may read a fourth), checks
 * they form a 3-byte character and reads its key from them. */
int jx_ind_seek(const jx_u8 *t, int i, int end, unsigned mask, const jx_ichar **ch, int *clen)
{
    const jx_iindex *x = &jx_ind_index;
    unsigned k;
    while (i + 3 <= end) {
        unsigned w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (i + 4 <= end) {
            uint32_t w4;
            memcpy(&w4, t + i, 4);
            w = w4 & 0xFFFFFF;
        } else
#endif
            w = (unsigned)t[i] | (unsigned)t[i + 1] << 8 | (unsigned)t[i + 2] << 16;
        if ((w & 0xC0C0F0) == 0x8080E0) { /* E0-EF and two continuation bytes */
            if ((k = x->c3[x->c3row[(w & 0x0F) << 6 | (w >> 8 & 0x3F)]][w >> 16 & 0x3F]) & mask) {
                *clen = 3;
                goto found;
            }
            i += 3;
        } else if (!(w & 0x80)) {
            if ((k = x->c1[w & 0x7F]) & mask) goto found1;
            i++;
        } else {
            i += jx_ind_charlen(t, i, end);
        }
    }
    for (; i < end; i += *clen)
        if ((k = jx_ind_key(t, i, end, clen)) & mask) goto found;
    return end;
found1:
    *clen = 1;
found:
    *ch = &x->chars[k >> JX_KEY_SHIFT];
    return i;
}

const jx_iword *jx_ind_word(int v, const jx_ichar *ch, const jx_u8 *t, int i, int end)
{
    int fl = t[i] < 0x80 ? 1 : 3; /* ch's length: the words share it, so it is not compared again */
    for (int k = ch->first[v], stop = k + ch->n[v]; k < stop; k++) {
        const jx_iword *w = order[v][k];
        int j = jx_ind_lit(t, i + fl, end, w->w + fl, w->len - fl);
        if (j < 0) continue;
        if (w->guard) {
            int blocked = 0;
            for (int g = 0; w->guard[g] && !blocked; g++)
                blocked = jx_ind_lit(t, j, end, w->guard[g], (int)strlen(w->guard[g])) >= 0;
            if (blocked) continue;
        }
        return w;
    }
    return NULL;
}

int jx_ind_symbol_at(const jx_u8 *t, int i, int len)
{
    for (int k = 0; k < nsymbols; k++)
        if (jx_ind_lit(t, i, len, symbols[k]->w, symbols[k]->len) >= 0) return 1;
    return 0;
}

const char *jx_ind_unit_class(const char *unit)
{
    if (!unit) return NULL;
    for (int k = 0; k < COUNT(unit_classes); k++)
        if (!strcmp(unit, unit_classes[k][0])) return unit_classes[k][1];
    return unit;
}
