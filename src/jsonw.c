/* Streaming JSON writer (see jsonw.h). The writer owns its FILE while it
 * writes (one thread), so it uses the unlocked stdio calls. */
#include "jsonw.h"

#include <stdint.h>
#include <string.h>

#define fwrite fwrite_unlocked
#define fputc putc_unlocked

/* Whether any of the 8 bytes in v needs escaping in a JSON string: a control
 * byte (< 0x20), '"' or '\\'. UTF-8 bytes (>= 0x80) never do. */
static inline int needs_escape8(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t quote = v ^ (ones * '"'), bslash = v ^ (ones * '\\');
    uint64_t lt = (v - ones * 0x20) & ~v;
    uint64_t zq = (quote - ones) & ~quote;
    uint64_t zb = (bslash - ones) & ~bslash;
    return ((lt | zq | zb) & highs) != 0;
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
    fwrite(spaces, 1, (size_t)(n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1), w->f);
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
    for (size_t i = 0; i < n; i++) {
        /* Eight plain bytes at a time; the byte loop handles the rest. */
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (needs_escape8(v)) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        fwrite(s + run, 1, i - run, f);
        run = i + 1;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            fwrite("\\u00", 1, 4, f);
            fputc(hex[c >> 4], f);
            fputc(hex[c & 15], f);
        }
    }
    fwrite(s + run, 1, n - run, f);
}

void jx_jsonw_key(jx_jsonw *w, const char *key)
{
    sep(w);
    fputc('"', w->f);
    jx_json_escape(w->f, key, strlen(key));
    fputs(w->pretty ? "\": " : "\":", w->f);
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
    sep(w);
    fprintf(w->f, "%lld", v);
}

void jx_jsonw_dec(jx_jsonw *w, jx_dec d)
{
    char buf[JX_DEC_BUFSZ];
    int n = jx_dec_format(d, buf);
    sep(w);
    fwrite(buf, 1, (size_t)n, w->f);
}

void jx_jsonw_bool(jx_jsonw *w, int b)
{
    sep(w);
    fputs(b ? "true" : "false", w->f);
}

void jx_jsonw_null(jx_jsonw *w)
{
    sep(w);
    fputs("null", w->f);
}
