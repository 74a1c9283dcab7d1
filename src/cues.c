/* Cell cues (see cues.h). Every keyword starts with a CJK character or an
 * ASCII sign, so one pass over the text, looking keywords up by their first
 * character, finds them all; cells are read once per realigned row. */
#include "cues.h"

#include <stdint.h>
#include <string.h>

#include "decimal.h"
#include "value.h"

enum {
    C_SAT = 1 << 0, C_PERIOD = 1 << 1, C_OP = 1 << 2, C_TARGET = 1 << 3, C_RESULT = 1 << 4,
    C_PROBLEM = 1 << 5, C_RECT = 1 << 6, C_TIMELY = 1 << 7, C_ECO = 1 << 8, C_ECON = 1 << 9,
    C_NA = 1 << 10, C_PCT = 1 << 11
};

static const struct { const char *w; unsigned bits; } keywords[] = {
    {"满意", C_SAT}, {"投诉", C_SAT},
    {"上旬", C_PERIOD}, {"中旬", C_PERIOD}, {"下旬", C_PERIOD}, {"月底前", C_PERIOD}, {"月前", C_PERIOD},
    {"季度", C_PERIOD}, {"年底前", C_PERIOD}, {"之前", C_PERIOD},
    {"≥", C_OP}, {"≤", C_OP}, {"＞", C_OP}, {"＜", C_OP}, {"以上", C_OP}, {"不低于", C_OP}, {"不少于", C_OP},
    {"不超过", C_OP}, {"不高于", C_OP},
    {"计划", C_TARGET}, {"确保", C_TARGET}, {"力争", C_TARGET}, {"预计", C_TARGET}, {"目标", C_TARGET},
    {"完成", C_RESULT}, {"已", C_RESULT}, {"了", C_RESULT}, {"召开", C_RESULT}, {"形成", C_RESULT},
    {"实现", C_RESULT}, {"累计", C_RESULT}, {"零投诉", C_RESULT | C_SAT}, {"达到", C_RESULT},
    {"得到", C_RESULT}, {"得以", C_RESULT}, {"较好", C_RESULT}, {"取得", C_RESULT}, {"有所", C_RESULT},
    {"显著", C_RESULT}, {"圆满", C_RESULT},
    {"因", C_PROBLEM}, {"原因", C_PROBLEM}, {"影响", C_PROBLEM}, {"未", C_PROBLEM}, {"不便", C_PROBLEM},
    {"无法", C_PROBLEM}, {"存在", C_PROBLEM}, {"困难", C_PROBLEM}, {"不足", C_PROBLEM}, {"滞后", C_PROBLEM},
    {"督促", C_RECT}, {"整改", C_RECT}, {"上缴", C_RECT}, {"提前", C_RECT}, {"规划", C_RECT}, {"改进", C_RECT},
    {"下一步", C_RECT}, {"今后", C_RECT}, {"将", C_RECT}, {"建议", C_RECT},
    {"按时", C_TIMELY}, {"及时", C_TIMELY}, {"按期", C_TIMELY}, {"月", C_TIMELY}, {"前", C_TIMELY},
    {"生态", C_ECO}, {"环境", C_ECO}, {"绿色", C_ECO}, {"节能", C_ECO}, {"污染", C_ECO}, {"排放", C_ECO},
    {"减排", C_ECO}, {"碳", C_ECO}, {"水质", C_ECO}, {"空气", C_ECO}, {"植被", C_ECO}, {"绿化", C_ECO},
    {"垃圾", C_ECO}, {"能耗", C_ECO}, {"资源", C_ECO},
    {"经济", C_ECON}, {"企业", C_ECON}, {"产业", C_ECON}, {"生产", C_ECON}, {"经营", C_ECON},
    {"收入", C_ECON}, {"营商", C_ECON}, {"税", C_ECON}, {"投资", C_ECON}, {"融资", C_ECON},
    {"不适用", C_NA}, {"不涉及", C_NA}, {"％", C_PCT},
};
#define NKEYWORDS (sizeof keywords / sizeof keywords[0])

/* A cell that opens with a verb of intent states a target. */
static const char *const target_lead[] = {"提升", "提高", "推动", "推进", "加强", "确保", "力争", "促进", "保障",
                                          "增强", "完善", "按时完成", "按照", "做好", NULL};
static const char *const none_w[] = {"无", "无。", "没有", "暂无", "无问题", NULL};

/* Keywords bucketed by a hash of their first three bytes; a bucket lists
 * keyword indexes + 1, zero-terminated. Built once, read-only afterwards. */
#define NBUCKETS 256
#define BUCKET_DEPTH 8
static uint8_t buckets[NBUCKETS][BUCKET_DEPTH];
static uint8_t kwlen[NKEYWORDS];
static int buckets_ready;
/* One bit per 3-byte character (its code point): set for every keyword's
 * first character and for 月, so most characters are passed over with one test. */
static uint64_t first_char[65536 / 64];

static unsigned char_index(const unsigned char *s) { return (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu); }

static void mark_first(const unsigned char *s)
{
    unsigned x = char_index(s);
    first_char[x >> 6] |= 1ull << (x & 63);
}

static unsigned bucket_of(const unsigned char *s) { return (s[0] * 7u + s[1] * 131u + s[2] * 31u) & (NBUCKETS - 1); }

static void build_buckets(void)
{
    for (size_t k = 0; k < NKEYWORDS; k++) {
        kwlen[k] = (uint8_t)strlen(keywords[k].w);
        mark_first((const unsigned char *)keywords[k].w);
        uint8_t *b = buckets[bucket_of((const unsigned char *)keywords[k].w)];
        for (int i = 0; i < BUCKET_DEPTH - 1; i++)
            if (!b[i]) {
                b[i] = (uint8_t)(k + 1);
                break;
            }
    }
    mark_first((const unsigned char *)"月");
    buckets_ready = 1;
}

/* At s (pointing at "月"): a day-precise date "9月3日" reads as a report. */
static int day_date_at(const unsigned char *base, size_t i, size_t n)
{
    if (i == 0 || base[i - 1] < '0' || base[i - 1] > '9') return 0;
    size_t j = i + 3, d = 0;
    while (j < n && base[j] >= '0' && base[j] <= '9') j++, d++;
    return d >= 1 && d <= 2 && j + 3 <= n && (memcmp(base + j, "日", 3) == 0 || memcmp(base + j, "号", 3) == 0);
}

struct jx_cues jx_cues_shape(const jx_cell *c)
{
    struct jx_cues f = {0};
    const unsigned char *s = (const unsigned char *)c->s;
    size_t n = c->len, i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    if (i == n) {
        f.empty = 1;
        return f;
    }
    jx_dec d;
    jx_rate_form form;
    if (jx_dec_parse(c->s, n, &d) == 1) {
        f.number = 1;
        f.integer = d.scale == 0;
    } else if (jx_rate_parse(c->s, n, &d, &form) == 1 && (form == JX_RATE_PERCENT || form == JX_RATE_FW_PERCENT)) {
        f.percent = 1;
    }
    /* every word of these lists is CJK: the cell's first byte rules most out */
    for (const char *const *w = none_w; *w && s[0] >= 0xE0; w++)
        if ((unsigned char)**w == s[0] && n == strlen(*w) && memcmp(s, *w, n) == 0) f.none = 1;
    return f;
}

struct jx_cues jx_cues_of(const jx_cell *c)
{
    struct jx_cues f = jx_cues_shape(c);
    if (f.empty) return f;
    const unsigned char *s = (const unsigned char *)c->s;
    size_t n = c->len, i;
    if (!buckets_ready) build_buckets();
    for (const char *const *w = target_lead; *w && !f.target_w && s[0] >= 0xE0; w++)
        if ((unsigned char)**w == s[0] && n >= strlen(*w) && memcmp(s, *w, strlen(*w)) == 0) f.target_w = 1;

    unsigned bits = 0;
    int cjk = 0; /* CJK characters, to tell a bare figure ("≥90%") from prose */
    for (i = 0; i < n; i++) {
        unsigned char b = s[i];
        if (b < 0x80) {
            if (b == '%') bits |= C_PCT;
            else if ((b == '>' || b == '<') && i + 1 < n && s[i + 1] == '=') bits |= C_OP;
            continue;
        }
        if (b < 0xE0 || i + 3 > n) continue;
        cjk += b >= 0xE4 && b <= 0xE9;
        unsigned x = char_index(s + i);
        if (!((first_char[x >> 6] >> (x & 63)) & 1)) {
            i += 2; /* rest of this 3-byte character */
            continue;
        }
        const uint8_t *bk = buckets[bucket_of(s + i)];
        for (int k = 0; k < BUCKET_DEPTH && bk[k]; k++) {
            /* a bucket also holds other first characters: those three bytes first */
            const unsigned char *w = (const unsigned char *)keywords[bk[k] - 1].w;
            size_t wl = kwlen[bk[k] - 1];
            if (w[0] == b && w[1] == s[i + 1] && w[2] == s[i + 2] && i + wl <= n &&
                (wl == 3 || memcmp(s + i + 3, w + 3, wl - 3) == 0))
                bits |= keywords[bk[k] - 1].bits;
        }
        /* 月 is E6 9C 88 */
        if (!f.day_date && b == 0xE6 && s[i + 1] == 0x9C && s[i + 2] == 0x88) f.day_date = day_date_at(s, i, n);
        i += 2; /* rest of this 3-byte character */
    }
    f.sat = !!(bits & C_SAT);
    f.period = !!(bits & C_PERIOD);
    f.op = !!(bits & C_OP);
    f.target_w |= !!(bits & C_TARGET);
    f.result_w = !!(bits & C_RESULT);
    f.problem_w = !!(bits & C_PROBLEM);
    f.rect_w = !!(bits & C_RECT);
    f.timely_w = !!(bits & C_TIMELY);
    f.eco = !!(bits & C_ECO);
    f.econ = !!(bits & C_ECON);
    f.na = !!(bits & C_NA);
    f.short_pct = cjk <= 2 && (bits & C_PCT);
    return f;
}
