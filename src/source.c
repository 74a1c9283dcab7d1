/* The byte source: reads a file, stdin or a memory buffer in chunks, detects
 * its encoding (BOM, then a sniff of the first 64 KiB) and hands out UTF-8.
 * UTF-8 input is validated and copied; GB18030 and UTF-16 go through iconv.
 * Every invalid byte is an error naming the line and byte offset. */
#include "source.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_CAP (64 * 1024) /* file read buffer, and the sniff window */

struct jx_source {
    int fd;       /* -1 for a memory source */
    int close_fd; /* 0 for stdin */
    const unsigned char *mem;
    size_t mem_len;
    unsigned char *raw;       /* file sources: RAW_CAP bytes */
    const unsigned char *in;  /* the window: raw, or mem */
    size_t in_pos, in_len;    /* unread bytes are in[in_pos, in_len) */
    unsigned long long base;  /* input offset of in[0] */
    int eof;                  /* nothing beyond in_len */
    size_t chunk;
    jx_enc enc;
    iconv_t cd; /* (iconv_t)-1 for UTF-8 */
    long line;  /* 1 + line ends in the output so far */
    int cr_pending;
    int failed; /* errors are sticky: every later read repeats them */
    jx_err err;
    char *name;
};

static const char *enc_names[] = {"auto", "utf-8", "utf-8-bom", "gb18030", "utf-16le",
                                  "utf-16be"};

const char *jx_enc_name(jx_enc e)
{
    if ((unsigned)e >= sizeof enc_names / sizeof enc_names[0]) return "?";
    return enc_names[e];
}

int jx_enc_parse(const char *name, jx_enc *out)
{
    static const struct { const char *name; jx_enc enc; } aliases[] = {
        {"auto", JX_ENC_AUTO},         {"utf-8", JX_ENC_UTF8},
        {"utf8", JX_ENC_UTF8},         {"utf-8-bom", JX_ENC_UTF8_BOM},
        {"utf8-bom", JX_ENC_UTF8_BOM}, {"utf-8-sig", JX_ENC_UTF8_BOM},
        {"gb18030", JX_ENC_GB18030},   {"gbk", JX_ENC_GB18030},
        {"gb2312", JX_ENC_GB18030},    {"cp936", JX_ENC_GB18030},
        {"utf-16le", JX_ENC_UTF16LE},  {"utf16le", JX_ENC_UTF16LE},
        {"utf-16be", JX_ENC_UTF16BE},  {"utf16be", JX_ENC_UTF16BE},
    };
    if (!name) return -1;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i].name) == 0) {
            *out = aliases[i].enc;
            return 0;
        }
    return -1;
}

/* Upper-case label used in messages ("invalid GB18030 sequence"). */
static const char *enc_label(jx_enc e)
{
    switch (e) {
    case JX_ENC_GB18030: return "GB18030";
    case JX_ENC_UTF16LE: return "UTF-16LE";
    case JX_ENC_UTF16BE: return "UTF-16BE";
    default: return "UTF-8";
    }
}

/* ---- UTF-8 validation ---- */

enum { U8_OK, U8_CUT, U8_BAD };

/* Lead bytes: 0 ASCII, 1 a 3-byte lead whose second byte may be any
 * continuation (most CJK text), 2 anything else (checked the long way). */
static const unsigned char u8_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Checks p[0, n). Returns the length of the longest prefix made of whole valid
 * sequences and sets *why: U8_OK (all of it), U8_CUT (the rest is the valid
 * start of a sequence that n cuts off), U8_BAD (an invalid sequence of *badn
 * bytes starts at the returned offset). The inner loop takes ASCII 8 bytes at
 * a time and the 3-byte sequences of CJK text with one test each. */
static size_t utf8_check(const unsigned char *p, size_t n, int *why, size_t *badn)
{
    size_t i = jx_utf8_valid_prefix(p, n); /* 16 bytes at a time, as far as certainly valid */
    while (i < n) {
        while (i + 8 <= n) {
            unsigned k = u8_class[p[i]];
            if (k == 0) {
                uint64_t x;
                memcpy(&x, p + i, 8);
                x &= 0x8080808080808080ULL; /* skip to the first non-ASCII byte, or 8 on */
                i += x ? (size_t)__builtin_ctzll(x) >> 3 : 8;
                continue;
            }
            if (k == 1) {
                uint16_t t;
                memcpy(&t, p + i + 1, 2);
                if ((t & 0xC0C0) == 0x8080) {
                    i += 3;
                    continue;
                }
            }
            break;
        }
        if (i >= n) break;
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) need = 2, lo = 0xA0;
        else if (c == 0xED) need = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF) need = 2;
        else if (c == 0xF0) need = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) need = 3, hi = 0x8F;
        else {
            *why = U8_BAD, *badn = 1;
            return i;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n) {
                *why = U8_CUT;
                return i;
            }
            unsigned b = p[i + k];
            if ((b & 0xC0) != 0x80) { /* not a continuation: the sequence stops short */
                *why = U8_BAD, *badn = k;
                return i;
            }
            if (k == 1 && (b < lo || b > hi)) { /* overlong, surrogate or > U+10FFFF */
                *why = U8_BAD, *badn = 2;
                return i;
            }
        }
        i += need + 1;
    }
    *why = U8_OK;
    return n;
}

/* ---- errors and line counting ---- */

static void count_lines(jx_source *s, const char *p, size_t n)
{
    if (!n) return;
    if (s->cr_pending && p[0] != '\n') s->line++;
    s->cr_pending = 0;
    const char *e = p + n, *q = p;
    while ((q = memchr(q, '\n', (size_t)(e - q)))) s->line++, q++;
    for (q = p; (q = memchr(q, '\r', (size_t)(e - q))); q++) {
        if (q + 1 == e) {
            s->cr_pending = 1;
            break;
        }
        if (q[1] != '\n') s->line++;
    }
}

static void hex_bytes(char *out, size_t cap, const unsigned char *p, size_t n)
{
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && o + 4 < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, i ? " %02x" : "%02x", p[i]);
}

/* Fills the sticky error for an invalid (or, truncated != 0, cut-off) sequence
 * of n bytes at in[pos]; s->line must already count the output before it. */
static int seq_error(jx_source *s, size_t pos, size_t n, int truncated, jx_err *err)
{
    char hex[40];
    if (n > 4) n = 4;
    if (n > s->in_len - pos) n = s->in_len - pos;
    hex_bytes(hex, sizeof hex, s->in + pos, n);
    const char *label = enc_label(s->enc);
    unsigned long long off = s->base + pos;
    if (s->cr_pending) s->line++, s->cr_pending = 0; /* a CR right before the bad bytes */
    if (truncated)
        jx_err_set(&s->err, JX_EENCODING,
                   "%s: line %ld, byte offset %llu: truncated %s sequence at end of file "
                   "(bytes %s); the file was cut short — export it again",
                   s->name, s->line, off, label, hex);
    else if (s->enc == JX_ENC_UTF8 || s->enc == JX_ENC_UTF8_BOM)
        jx_err_set(&s->err, JX_EENCODING,
                   "%s: line %ld, byte offset %llu: invalid UTF-8 sequence (bytes %s); the "
                   "file is not UTF-8 throughout — re-export it as UTF-8, or pass "
                   "--encoding gb18030 if it is GBK",
                   s->name, s->line, off, hex);
    else
        jx_err_set(&s->err, JX_EENCODING,
                   "%s: line %ld, byte offset %llu: invalid %s sequence (bytes %s); the "
                   "file is not %s throughout — re-export it as UTF-8, or pass the right "
                   "--encoding",
                   s->name, s->line, off, label, hex, label);
    s->failed = 1;
    if (err) *err = s->err;
    return -1;
}

/* ---- input window ---- */

/* Makes more input visible after in_len: reads the file (moving unread bytes
 * to the front first) or reveals more of the memory buffer. Sets eof when
 * nothing is left. -1 on a read error. */
static int fill(jx_source *s, jx_err *err)
{
    if (s->fd < 0) {
        size_t step = s->chunk ? s->chunk : s->mem_len;
        s->in_len = s->mem_len - s->in_len <= step ? s->mem_len : s->in_len + step;
        s->eof = s->in_len == s->mem_len;
        return 0;
    }
    if (s->in_pos > 0) {
        memmove(s->raw, s->raw + s->in_pos, s->in_len - s->in_pos);
        s->base += s->in_pos;
        s->in_len -= s->in_pos;
        s->in_pos = 0;
    }
    size_t room = RAW_CAP - s->in_len;
    if (s->chunk && room > s->chunk) room = s->chunk;
    if (room == 0) return 0;
    ssize_t n;
    do n = read(s->fd, s->raw + s->in_len, room);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        jx_err_set(&s->err, JX_EIO, "%s: read error: %s", s->name, strerror(errno));
        s->failed = 1;
        if (err) *err = s->err;
        return -1;
    }
    if (n == 0) s->eof = 1;
    s->in_len += (size_t)n;
    return 0;
}

/* ---- detection ---- */

static int binary_error(jx_source *s, const char *what, jx_err *err)
{
    return jx_err_set(err, JX_EBINARY,
                      "%s: binary data (%s), not a text table; export the table as text "
                      "(tab- or comma-separated)",
                      s->name, what);
}

/* Refuses PDFs, spreadsheets, NUL bytes and control-byte soup in the window. */
/* How many control bytes (below 0x20 but tab, LF, CR and form feed) p[0, n)
 * holds, *first set to the offset of the first; 16 bytes at a time with SSE2. */
static size_t count_controls(const unsigned char *p, size_t n, size_t *first)
{
    size_t ctrl = 0, i = 0;
#if defined(__SSE2__)
    const __m128i top = _mm_set1_epi8(0x1f), tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'),
                  cr = _mm_set1_epi8('\r'), ff = _mm_set1_epi8('\f');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, top), v); /* v <= 0x1f */
        __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, ff)));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(ok, low));
        if (!m) continue;
        if (ctrl == 0) *first = i + (size_t)__builtin_ctz(m);
        ctrl += (size_t)__builtin_popcount(m);
    }
#endif
    for (; i < n; i++)
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f')
            if (ctrl++ == 0) *first = i;
    return ctrl;
}

static int check_binary(jx_source *s, const unsigned char *p, size_t n, jx_err *err)
{
    if (n >= 4 && memcmp(p, "%PDF", 4) == 0)
        return binary_error(s, "looks like a PDF file", err);
    if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
        return binary_error(s, "looks like an XLSX/ZIP file", err);
    if (n >= 4 && memcmp(p, "\xD0\xCF\x11\xE0", 4) == 0)
        return binary_error(s, "looks like an XLS file", err);
    const unsigned char *z = memchr(p, 0, n);
    if (z) {
        /* UTF-16 without a BOM puts a NUL in every other byte of ASCII text. */
        size_t zeven = 0, zodd = 0;
        for (size_t i = 0; i + 1 < n; i += 2) zeven += !p[i], zodd += !p[i + 1];
        const char *hint = "";
        /* CJK text has few zero bytes, but those of its ASCII (tabs, digits,
         * line ends) all fall on one side. */
        if ((zodd * 4 > n / 2 && zeven * 20 < n / 2) || (zodd >= 16 && zeven * 20 < zodd))
            hint = "; if it is UTF-16 text without a byte-order mark, pass --encoding utf-16le";
        else if ((zeven * 4 > n / 2 && zodd * 20 < n / 2) || (zeven >= 16 && zodd * 20 < zeven))
            hint = "; if it is UTF-16 text without a byte-order mark, pass --encoding utf-16be";
        return jx_err_set(err, JX_EBINARY,
                          "%s: binary data (found NUL byte at offset %zu), not a text table; "
                          "export the table as text (tab- or comma-separated)%s",
                          s->name, (size_t)(z - p), hint);
    }
    size_t first = 0, ctrl = count_controls(p, n, &first);
    if (ctrl >= 4 && ctrl * 100 > n) {
        char what[128];
        snprintf(what, sizeof what, "%zu control bytes in the first %zu, the first at offset %zu",
                 ctrl, n, first);
        return binary_error(s, what, err);
    }
    return 0;
}

/* Whether p[0, n) decodes as GB18030 (1) or not (0, *bad set to the offset
 * of the first invalid sequence); a sequence cut off at the end counts as
 * valid (the read reports it if the file really ends there). -1 with errno
 * if no decoder can be had, which says nothing about the text. */
static int gb18030_ok(const unsigned char *p, size_t n, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return -1;
    char out[8192], *ip = (char *)p;
    size_t il = n;
    int ok = 1;
    while (il > 0) {
        char *op = out;
        size_t ol = sizeof out;
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) continue;
        if (errno == E2BIG) continue;
        ok = errno == EINVAL;
        *bad = (size_t)((const unsigned char *)ip - p);
        break;
    }
    iconv_close(cd);
    return ok;
}

static int detect(jx_source *s, jx_enc forced, jx_err *err)
{
    const unsigned char *p = s->in;
    size_t n = s->in_len < RAW_CAP ? s->in_len : RAW_CAP;
    jx_enc bom = JX_ENC_AUTO;
    size_t bomlen = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) bom = JX_ENC_UTF8_BOM, bomlen = 3;
    else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) bom = JX_ENC_UTF16LE, bomlen = 2;
    else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) bom = JX_ENC_UTF16BE, bomlen = 2;

    jx_enc enc = forced;
    if (forced == JX_ENC_AUTO) enc = bom;
    else if (forced == JX_ENC_UTF8 || forced == JX_ENC_UTF8_BOM)
        enc = bom == JX_ENC_UTF8_BOM ? JX_ENC_UTF8_BOM : JX_ENC_UTF8;
    if (bom == JX_ENC_AUTO || bom != enc) bomlen = 0; /* a BOM only counts if it agrees */

    if (enc != JX_ENC_UTF16LE && enc != JX_ENC_UTF16BE && check_binary(s, p, n, err) < 0)
        return -1;
    if (enc == JX_ENC_AUTO) {
        int why, gb;
        size_t gbbad = 0;
        size_t badn = 0, ok = utf8_check(p, n, &why, &badn);
        size_t multi = 0; /* UTF-8 sequences before the bad bytes */
        for (size_t i = 0; why == U8_BAD && i < ok && multi < 4; i++) multi += p[i] >= 0xC2;
        if (why != U8_BAD) {
            enc = JX_ENC_UTF8;
        } else if (multi >= 4) {
            /* GBK text almost never passes as UTF-8 for four characters: this is
             * UTF-8 with foreign bytes mixed in, and guessing would garble it. */
            s->enc = JX_ENC_UTF8;
            count_lines(s, (const char *)p, ok);
            return seq_error(s, ok, badn, 0, err);
        } else if ((gb = gb18030_ok(p, n, &gbbad)) > 0) {
            enc = JX_ENC_GB18030;
        } else if (gb < 0) {
            int e = errno;
            return jx_err_set(err, e == ENOMEM ? JX_ENOMEM : JX_EENCODING,
                              "%s: cannot decode GB18030 on this system: %s", s->name, strerror(e));
        } else {
            /* Both places, so neither reading hides where the other fails. */
            char hex[40], gbhex[40];
            hex_bytes(hex, sizeof hex, p + ok, badn);
            hex_bytes(gbhex, sizeof gbhex, p + gbbad, n - gbbad < 2 ? n - gbbad : 2);
            count_lines(s, (const char *)p, ok);
            long utf8_line = s->line;
            s->line = 1, s->cr_pending = 0;
            count_lines(s, (const char *)p, gbbad);
            return jx_err_set(err, JX_EENCODING,
                              "%s: line %ld, byte offset %zu: invalid UTF-8 sequence (bytes "
                              "%s), and the text is not GB18030 either (line %ld, byte offset %zu: "
                              "bytes %s); re-export the table as UTF-8, or name its encoding with "
                              "--encoding",
                              s->name, utf8_line, ok, hex, s->line + s->cr_pending, gbbad, gbhex);
        }
    }
    s->enc = enc;
    s->in_pos = bomlen;
    if (enc == JX_ENC_GB18030 || enc == JX_ENC_UTF16LE || enc == JX_ENC_UTF16BE) {
        const char *from = enc == JX_ENC_GB18030 ? "GB18030"
                           : enc == JX_ENC_UTF16LE ? "UTF-16LE" : "UTF-16BE";
        s->cd = iconv_open("UTF-8", from);
        if (s->cd == (iconv_t)-1)
            return jx_err_set(err, errno == ENOMEM ? JX_ENOMEM : JX_EENCODING,
                              "%s: cannot decode %s on this system: %s", s->name, from, strerror(errno));
    }
    return 0;
}

/* ---- open / close ---- */

static jx_source *source_new(const char *name, jx_err *err)
{
    jx_source *s = calloc(1, sizeof *s);
    if (s) s->name = strdup(name);
    if (!s || !s->name) {
        free(s);
        jx_err_set(err, JX_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    s->fd = -1;
    s->cd = (iconv_t)-1;
    s->line = 1;
    return s;
}

int jx_source_open(jx_source **out, const char *path, const char *name, jx_enc forced,
                   jx_err *err)
{
    *out = NULL;
    int is_stdin = strcmp(path, "-") == 0;
    if (!name) name = is_stdin ? "<stdin>" : path;
    jx_source *s = source_new(name, err);
    if (!s) return -1;
    if (is_stdin) {
        s->fd = 0;
    } else {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            jx_err_set(err, JX_EIO, "%s: cannot open: %s", name, strerror(errno));
            jx_source_close(s);
            return -1;
        }
        s->close_fd = 1;
    }
    struct stat st;
    if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        jx_err_set(err, JX_EIO, "%s: is a directory, not a file", name);
        jx_source_close(s);
        return -1;
    }
    s->raw = malloc(RAW_CAP);
    if (!s->raw) {
        jx_err_set(err, JX_ENOMEM, "%s: out of memory", name);
        jx_source_close(s);
        return -1;
    }
    s->in = s->raw;
    while (!s->eof && s->in_len < RAW_CAP)
        if (fill(s, err) < 0) {
            jx_source_close(s);
            return -1;
        }
    if (detect(s, forced, err) < 0) {
        jx_source_close(s);
        return -1;
    }
    s->line = 1, s->cr_pending = 0;
    *out = s;
    return 0;
}

int jx_source_open_mem(jx_source **out, const char *data, size_t len, const char *name,
                       jx_enc forced, jx_err *err)
{
    *out = NULL;
    jx_source *s = source_new(name ? name : "<string>", err);
    if (!s) return -1;
    s->mem = (const unsigned char *)data;
    s->mem_len = len;
    s->in = s->mem;
    fill(s, err);
    if (detect(s, forced, err) < 0) {
        jx_source_close(s);
        return -1;
    }
    s->line = 1, s->cr_pending = 0;
    *out = s;
    return 0;
}

void jx_source_close(jx_source *s)
{
    if (!s) return;
    if (s->close_fd) close(s->fd);
    if (s->cd != (iconv_t)-1) iconv_close(s->cd);
    free(s->raw);
    free(s->name);
    free(s);
}

void jx_source_set_chunk(jx_source *s, size_t n)
{
    s->chunk = n && n < 16 ? 16 : n;
}

jx_enc jx_source_encoding(const jx_source *s) { return s->enc; }
const char *jx_source_name(const jx_source *s) { return s->name; }

/* ---- reading ---- */

/* A NUL past the sniffed window (or a U+0000 that UTF-16 or GB18030 text
 * decodes to) is binary data as much as one in the first 64 KiB: refused,
 * as the sticky error, rather than handed on inside a cell. off < 0 when
 * the input offset is not known (after iconv). */
static int nul_error(jx_source *s, long long off, jx_err *err)
{
    char where[48] = "";
    if (off >= 0) snprintf(where, sizeof where, ", byte offset %lld", off);
    if (s->cr_pending) s->line++, s->cr_pending = 0;
    jx_err_set(&s->err, JX_EBINARY,
               "%s: line %ld%s: NUL character: binary data, not a text table; export the table as text "
               "(tab- or comma-separated)",
               s->name, s->line, where);
    s->failed = 1;
    if (err) *err = s->err;
    return -1;
}

static ssize_t read_utf8(jx_source *s, char *buf, size_t cap, jx_err *err)
{
    for (;;) {
        size_t avail = s->in_len - s->in_pos;
        if (avail == 0) {
            if (s->eof) return 0;
            if (fill(s, err) < 0) return -1;
            continue;
        }
        size_t n = avail < cap ? avail : cap, badn = 0;
        int why;
        const unsigned char *p = s->in + s->in_pos;
        size_t ok = utf8_check(p, n, &why, &badn);
        const unsigned char *z = memchr(p, 0, ok);
        if (z == p) return nul_error(s, (long long)(s->base + s->in_pos), err);
        if (z) ok = (size_t)(z - p);
        if (ok > 0) { /* the text before a bad sequence still goes out first */
            memcpy(buf, p, ok);
            count_lines(s, buf, ok);
            s->in_pos += ok;
            return (ssize_t)ok;
        }
        if (why == U8_BAD) return seq_error(s, s->in_pos, badn, 0, err);
        if (s->eof) return seq_error(s, s->in_pos, n, 1, err); /* cut off by the end */
        if (fill(s, err) < 0) return -1; /* cut off by the end of the window */
    }
}

static ssize_t read_iconv(jx_source *s, char *buf, size_t cap, jx_err *err)
{
    for (;;) {
        if (s->in_pos == s->in_len) {
            if (s->eof) return 0;
            if (fill(s, err) < 0) return -1;
            continue;
        }
        char *ip = (char *)(s->in + s->in_pos), *op = buf;
        size_t il = s->in_len - s->in_pos, ol = cap;
        size_t rc = iconv(s->cd, &ip, &il, &op, &ol);
        int e = errno;
        size_t out = (size_t)(op - buf);
        s->in_pos = s->in_len - il;
        const char *z = memchr(buf, 0, out);
        if (z) { /* the text before it goes out; the next read reports it */
            out = (size_t)(z - buf);
            count_lines(s, buf, out);
            nul_error(s, -1, out ? NULL : err);
            return out ? (ssize_t)out : -1;
        }
        if (out > 0) { /* the text before a bad sequence still goes out first */
            count_lines(s, buf, out);
            return (ssize_t)out;
        }
        if (rc == (size_t)-1 && e == EILSEQ) {
            size_t badn = 2;
            if (s->enc == JX_ENC_GB18030) {
                unsigned c = s->in[s->in_pos];
                badn = c < 0x81 || c == 0xFF ? 1 : il >= 2 && ip[1] >= '0' && ip[1] <= '9' ? 4 : 2;
            }
            return seq_error(s, s->in_pos, badn, 0, err);
        }
        if (rc == (size_t)-1 && e == EINVAL) { /* an incomplete sequence ends the window */
            if (s->eof) return seq_error(s, s->in_pos, il, 1, err);
            if (fill(s, err) < 0) return -1;
        }
    }
}

ssize_t jx_source_read(jx_source *s, char *buf, size_t cap, jx_err *err)
{
    if (s->failed) {
        if (err) *err = s->err;
        return -1;
    }
    if (cap < 16) return jx_err_set(err, JX_EUSAGE, "%s: read buffer under 16 bytes", s->name);
    if (s->chunk && cap > s->chunk) cap = s->chunk;
    return s->cd == (iconv_t)-1 ? read_utf8(s, buf, cap, err) : read_iconv(s, buf, cap, err);
}
