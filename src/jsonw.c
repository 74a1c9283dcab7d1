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

#if defined(__SSE2__)
/* One bit per byte of v that must be escaped: '"', '\\' or a byte <= 0x1f. */
static inline unsigned escape_mask(__m128i v)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                               _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v)); /* v <= 0x1f, unsigned */
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* Where the first byte needing an escape is in s[i, n), or n. */
static inline size_t plain_run(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    while (i + 16 <= n) {
        unsigned mask = escape_mask(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        if (mask) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    if (i < n && n >= 16) { /* the last 16 bytes, overlapping what was seen */
        unsigned mask = escape_mask(_mm_loadu_si128((const __m128i *)(const void *)(s + n - 16))) >> (16 - (n - i));
        return mask ? i + (size_t)__builtin_ctz(mask) : n; /* bytes from i on */
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

/* A newline and two spaces per level; levels past 32 indent as level 32. The
 * array is longer than the longest indent so a fixed-size copy can read it. */
static const char spaces[80] = "\n                                                                ";
#define INDENT_MAX 65
#define SEP_ROOM 80 /* a comma and the longest indent, copied as a fixed 72 bytes */

static inline size_t indent_len(const jx_jsonw *w)
{
    int n = 1 + 2 * w->depth;
    return (size_t)(n < INDENT_MAX ? n : INDENT_MAX);
}

static void indent(jx_jsonw *w)
{
    if (!w->pretty) return;
    jx_put(w->f, spaces, indent_len(w));
}

/* Writes the indent at o, which has SEP_ROOM bytes free: a fixed 72-byte copy. */
static inline char *indent_at(const jx_jsonw *w, char *o)
{
    memcpy(o, spaces, 72);
    return o + indent_len(w);
}

/* Writes sep's comma and indent at o, which has SEP_ROOM bytes free. */
static inline char *sep_at(jx_jsonw *w, char *o)
{
    if (w->depth > 0) {
        *o = ',';
        o += !w->first[w->depth];
        if (w->pretty) o = indent_at(w, o);
    }
    w->first[w->depth] = 0;
    return o;
}

/* Before a value or key at the current level: a comma unless first. A value
 * right after a key needs neither. */
static void sep(jx_jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    char *o = jx_room(w->f, SEP_ROOM);
    if (o) {
        jx_done(w->f, sep_at(w, o));
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
    char *o = jx_room(w->f, SEP_ROOM);
    if (o) {
        if (!empty && w->pretty) o = indent_at(w, o);
        *o++ = (char)c;
        jx_done(w->f, o);
        return;
    }
    if (!empty) indent(w);
    fputc(c, w->f);
}

void jx_jsonw_obj(jx_jsonw *w) { open(w, '{'); }
void jx_jsonw_arr(jx_jsonw *w) { open(w, '['); }
void jx_jsonw_end_obj(jx_jsonw *w) { close_(w, '}'); }
void jx_jsonw_end_arr(jx_jsonw *w) { close_(w, ']'); }

/* The escape of byte c (one that must_escape), written at o. */
static inline char *escape_at(char *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    switch (c) {
    case '"': o[0] = '\\', o[1] = '"'; return o + 2;
    case '\\': o[0] = '\\', o[1] = '\\'; return o + 2;
    case '\n': o[0] = '\\', o[1] = 'n'; return o + 2;
    case '\t': o[0] = '\\', o[1] = 't'; return o + 2;
    case '\r': o[0] = '\\', o[1] = 'r'; return o + 2;
    default:
        memcpy(o, "\\u00", 4);
        o[4] = hex[c >> 4], o[5] = hex[c & 15];
        return o + 6;
    }
}

/* Escapes s[0, n) to o, which has 6n bytes free (every byte escaped as \u00XX
 * at worst). Blocks of 16 plain bytes are stored as they are read. */
static char *escape_to(char *o, const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)o, v);
        unsigned mask = escape_mask(v);
        if (!mask) {
            i += 16, o += 16;
            continue;
        }
        unsigned t = (unsigned)__builtin_ctz(mask);
        o = escape_at(o + t, (unsigned char)s[i + t]);
        i += t + 1;
    }
#endif
    size_t j = plain_run(s, i, n);
    while (j < n) {
        o = jx_copy_short(o, s + i, j - i);
        o = escape_at(o, (unsigned char)s[j]);
        i = j + 1;
        j = plain_run(s, i, n);
    }
    return jx_copy_short(o, s + i, n - i);
}

/* Strings longer than this are escaped through jx_put in pieces. */
#define ESCAPE_DIRECT_MAX 4096

void jx_json_escape(FILE *f, const char *s, size_t n)
{
    char *o = n <= ESCAPE_DIRECT_MAX ? jx_room(f, 6 * n + 16) : NULL;
    if (o) {
        jx_done(f, escape_to(o, s, n));
        return;
    }
    size_t run = 0;
    for (size_t i = plain_run(s, 0, n); i < n; i = plain_run(s, i + 1, n)) {
        char e[6];
        jx_put(f, s + run, i - run);
        jx_put(f, e, (size_t)(escape_at(e, (unsigned char)s[i]) - e));
        run = i + 1;
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
    char *o = w->after_key ? NULL : jx_room(w->f, SEP_ROOM + n + 1);
    if (o) {
        o = jx_copy_short(sep_at(w, o), q, n);
        *o = ' ';
        jx_done(w->f, o + (w->pretty != 0));
    } else {
        sep(w);
        jx_put(w->f, q, n);
        if (w->pretty) fputc(' ', w->f);
    }
    w->after_key = 1;
}

void jx_jsonw_str(jx_jsonw *w, const char *s, size_t n)
{
    char *o = n <= ESCAPE_DIRECT_MAX ? jx_room(w->f, SEP_ROOM + 6 * n + 2) : NULL;
    if (o) {
        if (w->after_key) w->after_key = 0;
        else o = sep_at(w, o);
        *o++ = '"';
        o = escape_to(o, s, n);
        *o++ = '"';
        jx_done(w->f, o);
        return;
    }
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
