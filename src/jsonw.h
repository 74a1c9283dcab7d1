/* A small streaming JSON writer over a FILE*: strings escaped per RFC 8259
 * (UTF-8 passed through), exact decimals written from their text, commas
 * managed by a nesting stack. Used by every command that prints JSON. */
#ifndef JX_JSONW_H
#define JX_JSONW_H

#include <stdio.h>

#include "decimal.h"

typedef struct {
    FILE *f;
    int depth;
    unsigned char first[64]; /* per level: nothing written yet */
    int pretty;
    int after_key;
} jx_jsonw;

void jx_jsonw_init(jx_jsonw *w, FILE *f, int pretty);
void jx_jsonw_obj(jx_jsonw *w);  /* { */
void jx_jsonw_arr(jx_jsonw *w);  /* [ */
void jx_jsonw_end_obj(jx_jsonw *w);
void jx_jsonw_end_arr(jx_jsonw *w);
void jx_jsonw_key(jx_jsonw *w, const char *key);
/* A key known at compile time, plain ASCII needing no escape: its quoted form
 * "\"key\":" is built by the compiler and written in one piece. */
#define jx_jsonw_lkey(w, lit) jx_jsonw_key_quoted((w), "\"" lit "\":", sizeof("\"" lit "\":") - 1)
void jx_jsonw_key_quoted(jx_jsonw *w, const char *q, size_t n);
void jx_jsonw_str(jx_jsonw *w, const char *s, size_t n);
void jx_jsonw_cstr(jx_jsonw *w, const char *s); /* NULL writes null */
void jx_jsonw_int(jx_jsonw *w, long long v);
void jx_jsonw_dec(jx_jsonw *w, jx_dec d);
void jx_jsonw_bool(jx_jsonw *w, int b);
void jx_jsonw_null(jx_jsonw *w);
/* Raw escaped string body without quotes or separators (for CSV/text reuse). */
void jx_json_escape(FILE *f, const char *s, size_t n);

#endif
