/* Shared by the fuzz targets: strict checkers for what the reader and the
 * writers hand out (valid UTF-8, well-formed JSON, rectangular CSV). A target
 * that finds its output malformed calls fz_fail, which aborts, so libFuzzer
 * and the replay driver report it like a crash. Header-only: every target is
 * its own program. */
#ifndef JX_FUZZ_H
#define JX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, unused)) static void fz_fail(const char *what, const char *s, size_t n)
{
    fprintf(stderr, "fuzz check failed: %s\n", what);
    if (s && !n) n = strlen(s);
    if (s) {
        fprintf(stderr, "  output (%zu bytes, first 400): ", n);
        fwrite(s, 1, n < 400 ? n : 400, stderr);
        fputc('\n', stderr);
    }
    abort();
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid (overlongs,
 * surrogates and code points past U+10FFFF included). */
static size_t fz_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t need = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!need || n < need) return 0;
    for (size_t k = 1; k < need; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F)) return 0;
    if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F)) return 0;
    return need;
}

__attribute__((unused)) static int fz_utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        size_t k = fz_utf8_seq(s + i, n - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

/* ---- JSON (RFC 8259), as the writers must produce it ---- */

struct fz_json {
    const unsigned char *p, *end;
    int depth;
};

static void fz_ws(struct fz_json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int fz_json_value(struct fz_json *j);

static int fz_json_string(struct fz_json *j)
{
    if (j->p >= j->end || *j->p != '"') return 0;
    j->p++;
    while (j->p < j->end) {
        unsigned c = *j->p;
        if (c == '"') {
            j->p++;
            return 1;
        }
        if (c < 0x20) return 0;
        if (c == '\\') {
            if (++j->p >= j->end) return 0;
            c = *j->p++;
            if (c == 'u') {
                for (int k = 0; k < 4; k++, j->p++)
                    if (j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p) || !*j->p) return 0;
            } else if (!strchr("\"\\/bfnrt", (int)c) || !c) {
                return 0;
            }
            continue;
        }
        size_t k = fz_utf8_seq(j->p, (size_t)(j->end - j->p));
        if (!k) return 0;
        j->p += k;
    }
    return 0;
}

static int fz_digits(struct fz_json *j)
{
    const unsigned char *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    return j->p > s;
}

static int fz_json_number(struct fz_json *j)
{
    if (j->p < j->end && *j->p == '-') j->p++;
    if (j->p < j->end && *j->p == '0') j->p++;
    else if (!fz_digits(j)) return 0;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!fz_digits(j)) return 0;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        if (!fz_digits(j)) return 0;
    }
    return 1;
}

static int fz_json_lit(struct fz_json *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0) return 0;
    j->p += n;
    return 1;
}

static int fz_json_value(struct fz_json *j)
{
    fz_ws(j);
    if (j->p >= j->end) return 0;
    unsigned char c = *j->p;
    if (c == '{' || c == '[') {
        if (++j->depth > 200) return 0;
        unsigned char close = c == '{' ? '}' : ']';
        j->p++;
        fz_ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return 1;
        }
        for (;;) {
            if (c == '{') {
                fz_ws(j);
                if (!fz_json_string(j)) return 0;
                fz_ws(j);
                if (j->p >= j->end || *j->p++ != ':') return 0;
            }
            if (!fz_json_value(j)) return 0;
            fz_ws(j);
            if (j->p >= j->end) return 0;
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p++ != close) return 0;
            j->depth--;
            return 1;
        }
    }
    if (c == '"') return fz_json_string(j);
    if (c == 't') return fz_json_lit(j, "true");
    if (c == 'f') return fz_json_lit(j, "false");
    if (c == 'n') return fz_json_lit(j, "null");
    return fz_json_number(j);
}

/* One JSON text: a single value, whitespace around it allowed. */
__attribute__((unused)) static int fz_json_valid(const char *s, size_t n)
{
    struct fz_json j = {(const unsigned char *)s, (const unsigned char *)s + n, 0};
    if (!fz_json_value(&j)) return 0;
    fz_ws(&j);
    return j.p == j.end;
}

/* ---- CSV as the writer quotes it ---- */

/* Number of fields in the record at *p (advanced past it), or -1 if the
 * quoting is broken: a quote inside an unquoted field, text after a
 * closing quote, or a quoted field never closed. */
static long fz_csv_record(const char **p, const char *end)
{
    const char *s = *p;
    long fields = 1;
    for (;;) {
        if (s < end && *s == '"') {
            s++;
            for (;;) {
                if (s >= end) return -1;
                if (*s == '"') {
                    if (s + 1 < end && s[1] == '"') {
                        s += 2;
                        continue;
                    }
                    s++;
                    break;
                }
                s++;
            }
            if (s < end && *s != ',' && *s != '\n') return -1;
        } else {
            while (s < end && *s != ',' && *s != '\n') {
                if (*s == '"' || *s == '\r') return -1;
                s++;
            }
        }
        if (s >= end) return -1; /* every record ends with a newline */
        if (*s == '\n') {
            *p = s + 1;
            return fields;
        }
        s++;
        fields++;
    }
}

/* Every record has as many fields as the header. */
__attribute__((unused)) static int fz_csv_valid(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    long want = -1;
    while (p < end) {
        long k = fz_csv_record(&p, end);
        if (k < 0 || (want >= 0 && k != want)) return 0;
        want = k;
    }
    return 1;
}

#endif
