/* Streaming JSON writer (see jsonw.h). The writer owns its FILE while it
 * writes (one thread), so it uses the unlocked stdio calls. */
#include "jsonw.h"
#include "fastio.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define fputc putc_unlocked

/* The bytes a JSON string must escape: control bytes (< 0x20), '"' and '\\'.
 * UTF-8 bytes (>= 0x80) never need it. */
static const unsigned char must_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

/* Where the first byte needing an escape is in s[i, n), or n. */
static inline size_t plain_run(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v)); /* v <= 0x1f, unsigned */
        int mask = _mm_movemask_epi8(hit);
        if (mask) return i + (size_t)__builtin_ctz((unsigned)mask);
        i += 16;
    }
    if (i < n && n >= 16) { /* the last 16 bytes, overlapping what was seen */
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit) >> (16 - (n - i)); /* bytes from i on */
        return mask ? i + (size_t)__builtin_ctz(mask) : n;
    }
#endif
    while (i < n && !must_escape[(unsigned char)s[i]]) i++;
    return i;
}

void jx_jsonw_init(jx_jsonw *w, FILE *f, int pretty)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->pretty = pretty;
    w->first[0] = 1;
}

static void indent(jx_jsonw *w)
{
    /* A newline and two spaces per level, written in one call. */
    static const char spaces[] = "\n                                                                ";
    if (!w->pretty) return;
    int n = 1 + 2 * w->depth;
    jx_put(w->f, spaces, (size_t)(n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1));
}

/* Before a value or key at the current level: a comma unless first. A value
 * right after a key needs neither. */
static void sep(jx_jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth > 0) {
        if (!w->first[w->depth]) fputc(',', w->f);
        indent(w);
    }
    w->first[w->depth] = 0;
}

static void open(jx_jsonw *w, int c)
{
    sep(w);
    fputc(c, w->f);
    if (w->depth < 63) w->depth++;
    w->first[w->depth] = 1;
}

static void close_(jx_jsonw *w, int c)
{
    int empty = w->first[w->depth];
    if (w->depth > 0) w->depth--;
    if (!empty) indent(w);
    fputc(c, w->f);
}

void jx_jsonw_obj(jx_jsonw *w) { open(w, '{'); }
void jx_jsonw_arr(jx_jsonw *w) { open(w, '['); }
void jx_jsonw_end_obj(jx_jsonw *w) { close_(w, '}'); }
void jx_jsonw_end_arr(jx_jsonw *w) { close_(w, ']'); }

void jx_json_escape(FILE *f, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = plain_run(s, 0, n); i < n; i = plain_run(s, i + 1, n)) {
        unsigned char c = (unsigned char)s[i];
        jx_put(f, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': JX_PUT_LIT(f, "\\\""); break;
        case '\\': JX_PUT_LIT(f, "\\\\"); break;
        case '\n': JX_PUT_LIT(f, "\\n"); break;
        case '\t': JX_PUT_LIT(f, "\\t"); break;
        case '\r': JX_PUT_LIT(f, "\\r"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            jx_put(f, u, sizeof u);
        }
        }
    }
    jx_put(f, s + run, n - run);
}

void jx_jsonw_key(jx_jsonw *w, const char *key)
{
    /* Keys are short and nearly always plain: built whole, written once. */
    char buf[64];
    size_t n = 0;
    sep(w);
    buf[n++] = '"';
    while (*key && n < sizeof buf - 4 && !must_escape[(unsigned char)*key]) buf[n++] = *key++;
    if (*key) { /* a long key, or one that needs escaping */
        jx_put(w->f, buf, n);
        jx_json_escape(w->f, key, strlen(key));
        n = 0;
    }
    buf[n++] = '"';
    buf[n++] = ':';
    if (w->pretty) buf[n++] = ' ';
    jx_put(w->f, buf, n);
    w->after_key = 1;
}

void jx_jsonw_key_quoted(jx_jsonw *w, const char *q, size_t n)
{
    sep(w);
    jx_put(w->f, q, n);
    if (w->pretty) fputc(' ', w->f);
    w->after_key = 1;
}

void jx_jsonw_str(jx_jsonw *w, const char *s, size_t n)
{
    sep(w);
    fputc('"', w->f);
    jx_json_escape(w->f, s, n);
    fputc('"', w->f);
}

void jx_jsonw_cstr(jx_jsonw *w, const char *s)
{
    if (!s) jx_jsonw_null(w);
    else jx_jsonw_str(w, s, strlen(s));
}

void jx_jsonw_int(jx_jsonw *w, long long v)
{
    char buf[24], *e = buf + sizeof buf, *q = e;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do *--q = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0) *--q = '-';
    sep(w);
    jx_put(w->f, q, (size_t)(e - q));
}

void jx_jsonw_dec(jx_jsonw *w, jx_dec d)
{
    char buf[JX_DEC_BUFSZ];
    int n = jx_dec_format(d, buf);
    sep(w);
    jx_put(w->f, buf, (size_t)n);
}

void jx_jsonw_bool(jx_jsonw *w, int b)
{
    sep(w);
    if (b) JX_PUT_LIT(w->f, "true");
    else JX_PUT_LIT(w->f, "false");
}

void jx_jsonw_null(jx_jsonw *w)
{
    sep(w);
    JX_PUT_LIT(w->f, "null");
}
