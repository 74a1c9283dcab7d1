/* Fuzz target: HTTP response handling in src/http.c without a network: the
 * sink behind curl's header and body callbacks (jx_http_sink_*) and the
 * header-block parser jixiao.http uses for response.headers
 * (jx_http_headers_next).
 *
 * The input is a raw response. Its last byte picks the limits: bits 0-2 the
 * body cap, bit 3 streams the body to a file, bits 4-5 the header cap, bits
 * 6-7 the body chunking. The header part runs to the first blank line not
 * followed by "HTTP/" (so "100 Continue" blocks and their restarts stay in
 * it) and goes to the sink one line per call, as curl delivers headers; the
 * rest, less the last byte, is the body, in chunks whose sizes come from the
 * input. Everything is fed twice, the second time after
 * jx_http_sink_reset, as a retry reuses the sink.
 *
 * Checks: the kept block is exactly the final response's (from the last
 * status line, lines past the cap dropped), never over the cap; the body is
 * the input's prefix, at most cap, with overflow flagged exactly when the
 * body is larger; a streamed body arrives whole; every parsed name and
 * value lies inside the block, names hold no ':', CR or LF and end at a
 * colon, values are trimmed and stay on their line, and no line with a
 * colon is missed. */
#include "fuzz.h"
#include "http.h"

static size_t line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
}

static int blank(const char *p, size_t n)
{
    return (n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n');
}

/* The block the sink should keep after these lines: a model of the rule. */
static size_t expect_block(const char *h, size_t hn, size_t hcap, char *out)
{
    size_t len = 0;
    for (const char *p = h, *end = h + hn; p < end;) {
        size_t n = line_len(p, end);
        if (n >= 5 && !memcmp(p, "HTTP/", 5)) len = 0;
        if (len + n <= hcap) memcpy(out + len, p, n), len += n;
        p += n;
    }
    return len;
}

static void check_headers(const char *block)
{
    const char *first = strchr(block, '\n'), *end = block + strlen(block);
    /* How many lines after the status line have a colon before CR/LF. */
    size_t want = 0;
    for (const char *q = first; q && *++q; q = strchr(q, '\n'))
        if (memchr(q, ':', strcspn(q, "\r\n"))) want++;
    const char *p = block, *name, *val;
    size_t nlen, vlen, got = 0;
    while (jx_http_headers_next(&p, &name, &nlen, &val, &vlen)) {
        got++;
        if (!first || name <= first || name + nlen >= end || val < name + nlen + 1 || val + vlen > end)
            fz_fail("a header lies outside the block", block, 0);
        if (name[-1] != '\n' || name[nlen] != ':') fz_fail("a header name does not span line start to colon", name, nlen);
        for (size_t i = 0; i < nlen; i++)
            if (name[i] == ':' || name[i] == '\r' || name[i] == '\n') fz_fail("a header name holds : CR or LF", name, nlen);
        for (size_t i = 0; i < vlen; i++)
            if (val[i] == '\r' || val[i] == '\n') fz_fail("a header value holds CR or LF", val, vlen);
        if (vlen && (val[0] == ' ' || val[0] == '\t' || val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
            fz_fail("a header value is not trimmed", val, vlen);
        if (got > want) break;
    }
    if (got != want) fz_fail("the parser missed or invented a header", block, 0);
    if (got <= want && p) fz_fail("the walk did not end with NULL", NULL, 0);
}

static void feed(jx_http_sink *s, const char *h, size_t hn, const char *b, size_t bn, unsigned mode,
                 const uint8_t *sizes, size_t nsizes)
{
    for (const char *p = h, *end = h + hn; p < end;) {
        size_t n = line_len(p, end);
        if (jx_http_sink_header(s, p, n) != n) fz_fail("a header line was refused", p, n);
        p += n;
    }
    size_t off = 0, k = 0;
    while (off < bn) {
        size_t n = bn - off;
        if (mode == 1) n = 1;
        else if (mode == 2 && nsizes) n = 1 + sizes[k++ % nsizes] % 64;
        else if (mode == 3) n = 1 + (off * 7 + 3) % 512;
        if (n > bn - off) n = bn - off;
        size_t took = jx_http_sink_body(s, b + off, n);
        if (took != n) {
            if (took != 0 || s->out || !s->overflow) fz_fail("a body chunk was refused without overflow", NULL, 0);
            if (s->blen + n <= s->cap) fz_fail("overflow flagged under the cap", NULL, 0);
            return; /* curl stops the transfer */
        }
        off += n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const char *in = (const char *)data;
    unsigned ctl = data[size - 1];
    size_t n = size - 1;
    /* The header part: through every blank line that a status line follows. */
    size_t hn = 0;
    while (hn < n) {
        size_t l = line_len(in + hn, in + n);
        hn += l;
        if (blank(in + hn - l, l) && !(n - hn >= 5 && !memcmp(in + hn, "HTTP/", 5))) break;
    }
    const char *b = in + hn;
    size_t bn = n - hn;
    static const size_t caps[] = {0, 1, 16, 100, 1000, 4096, 65536, (size_t)64 << 20};
    static const size_t hcaps[] = {JX_HTTP_MAX_HEADERS, 8, 64, 300};
    size_t cap = caps[ctl & 7], hcap = hcaps[(ctl >> 4) & 3];
    int stream = (ctl >> 3) & 1;
    unsigned mode = ctl >> 6;

    char *want = malloc(hn + 1);
    size_t wn = expect_block(in, hn, hcap, want);
    char *streamed = NULL;
    size_t slen = 0;
    FILE *out = stream ? open_memstream(&streamed, &slen) : NULL;
    if (stream && !out) abort();
    jx_http_sink s;
    jx_http_sink_init(&s, cap, out);
    s.hcap = hcap;
    for (int round = 0; round < 2; round++) {
        if (round) {
            jx_http_sink_reset(&s);
            if (s.hlen || s.blen || s.overflow || s.nomem || (s.hdr && s.hdr[0]) || (s.body && s.body[0]))
                fz_fail("reset left something behind", NULL, 0);
            if (out) rewind(out);
        }
        feed(&s, in, hn, b, bn, mode, data, hn);
        if (s.nomem) fz_fail("out of memory", NULL, 0);
        const char *hdr = s.hdr ? s.hdr : "";
        if (s.hlen > hcap) fz_fail("the header block is over its cap", hdr, s.hlen);
        if (s.hlen != wn || memcmp(hdr, want, wn) != 0 || hdr[s.hlen] != 0)
            fz_fail("the kept header block is not the final response's", hdr, s.hlen);
        if (out) {
            fflush(out);
            if (s.body || s.overflow || slen != bn || (bn && memcmp(streamed, b, bn) != 0))
                fz_fail("the streamed body differs from the input", streamed, slen);
        } else {
            if (s.blen > cap) fz_fail("the body is over its cap", NULL, 0);
            if (s.overflow != (bn > cap)) fz_fail("overflow not flagged exactly past the cap", NULL, 0);
            if (!s.overflow && s.blen != bn) fz_fail("the body lost bytes", NULL, 0);
            if (s.blen && (memcmp(s.body, b, s.blen) != 0 || s.body[s.blen] != 0))
                fz_fail("the body is not the input's prefix", s.body, s.blen);
        }
        check_headers(hdr);
    }
    jx_http_sink_free(&s);
    if (out) fclose(out);
    free(streamed);
    free(want);
    return 0;
}
