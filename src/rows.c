/* The record reader: splits the UTF-8 text of a jx_source into rows of cells,
 * in place in one growable buffer. The parser is a small state machine that
 * can stop at any byte when the buffer runs dry and resume after a refill, so
 * each byte is looked at once and no cell is ever copied out. */
#include "rows.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define BUF_INIT (256 * 1024)
#define SNIFF_LEN (64 * 1024)

enum { ST_START, ST_UNQ, ST_QUOTED }; /* where the parser is inside a record */
enum { SCAN_ERR = -1, SCAN_ROW, SCAN_EOF, SCAN_NEED }; /* SCAN_ERR is jx_err_set's -1 */

struct jx_rows {
    jx_source *src;
    char *buf;
    size_t cap;          /* one byte is kept free after len for a final NUL */
    size_t len;          /* buf[0, len) holds text */
    size_t rec;          /* start of the current record */
    size_t next;         /* start of the record after it */
    int eof;             /* the source is exhausted */
    int src_failed;      /* a read failed; the error is returned when data runs out */
    jx_err src_err;
    int failed;          /* the reader stopped on an error, repeated by later calls */
    jx_err fail_err;
    jx_cell *cells;
    size_t *offs;        /* scratch for cell positions across a refill */
    int ncells, cells_cap;
    /* parser state kept across refills; offsets are relative to rec */
    int st;
    size_t p_off, w_off;
    long line;           /* physical line at the parse position */
    long rec_line, cell_line, end_line;
    char delim;
    size_t max_cell, max_record;
    int max_cols;
    unsigned char stop_unq[256], stop_q[256]; /* bytes that end a run of cell text */
};

/* First byte in [p, end) for which stop[] is set, or end. stop[] holds LF, CR
 * and `third` (the delimiter, or the quote inside a quoted cell). */
#if defined(__SSE2__)
static inline char *find_stop(char *p, char *end, const unsigned char *stop, unsigned char third)
{
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), th = _mm_set1_epi8((char)third);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)), _mm_cmpeq_epi8(v, th));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m) return p + __builtin_ctz(m);
        p += 16;
    }
    while (p < end && !stop[(unsigned char)*p]) p++;
    return p;
}
#else
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Nonzero if some byte of x equals the byte repeated in pat. */
static inline uint64_t has_byte(uint64_t x, uint64_t pat)
{
    uint64_t y = x ^ pat;
    return (y - ONES) & ~y & HIGHS;
}

/* Words of 8 bytes are tested at once: one test flags every byte below 0x0E
 * (LF, CR and a tab delimiter), a second, when `third` is not below 0x0E,
 * flags bytes equal to it. A candidate that is not a stop byte (a vertical
 * tab, say) is stepped over. */
static inline char *find_stop(char *p, char *end, const unsigned char *stop, unsigned char third)
{
    uint64_t pat = third < 0x0E ? 0 : ONES * third;
    for (;;) {
        uint64_t m = 0;
        while (end - p >= 8) {
            uint64_t x;
            memcpy(&x, p, 8);
            m = (x - ONES * 0x0E) & ~x & HIGHS;
            if (pat) m |= has_byte(x, pat);
            if (m) break;
            p += 8;
        }
        if (!m) {
            while (p < end && !stop[(unsigned char)*p]) p++;
            return p;
        }
        for (char *w = p + 8; p < w; p++)
            if (stop[(unsigned char)*p]) return p;
    }
}
#endif

static const char *size_text(size_t n, char *out, size_t cap)
{
    const size_t mib = 1024 * 1024;
    if (n % mib == 0) snprintf(out, cap, "%zu MiB", n / mib);
    else if (n % 1024 == 0) snprintf(out, cap, "%zu KiB", n / 1024);
    else snprintf(out, cap, "%zu bytes", n);
    return out;
}

static int cell_too_long(jx_rows *r, jx_err *err)
{
    char lim[32];
    return jx_err_set(err, JX_ELIMIT,
                      "%s: line %ld, cell %d: cell is longer than %s (the limit); if the file "
                      "really has such cells, raise it with --max-cell",
                      jx_source_name(r->src), r->cell_line, r->ncells + 1,
                      size_text(r->max_cell, lim, sizeof lim));
}

static int record_too_long(jx_rows *r, jx_err *err)
{
    char lim[32];
    return jx_err_set(err, JX_ELIMIT,
                      "%s: line %ld: record is longer than %s (the limit); if the file really "
                      "has such rows, raise it with --max-record",
                      jx_source_name(r->src), r->rec_line, size_text(r->max_record, lim, sizeof lim));
}

static int grow_cells(jx_rows *r, jx_err *err)
{
    int ncap = r->cells_cap ? r->cells_cap * 2 : 64;
    jx_cell *c = realloc(r->cells, (size_t)ncap * sizeof *c);
    if (c) r->cells = c;
    size_t *o = c ? realloc(r->offs, (size_t)ncap * sizeof *o) : NULL;
    if (!o) return jx_err_set(err, JX_ENOMEM, "%s: out of memory", jx_source_name(r->src));
    r->offs = o;
    r->cells_cap = ncap;
    return 0;
}

/* Parses from the saved state to the end of the record or of the buffer.
 * Returns SCAN_ROW (cells and end_line set, next = start of the following
 * record), SCAN_EOF (no record left), SCAN_NEED (state saved; refill and call
 * again) or SCAN_ERR (err filled). */
static int scan(jx_rows *r, jx_err *err)
{
    char *base = r->buf + r->rec, *end = r->buf + r->len;
    char *p = base + r->p_off, *w = base + r->w_off;
    const char d = r->delim;
    int st = r->st;
    jx_cell *cell = st == ST_START ? NULL : &r->cells[r->ncells];
    char c;

    for (;;) {
        switch (st) {
        case ST_START:
            if (p == end) {
                if (!r->eof) goto need;
                if (r->ncells == 0) return SCAN_EOF;
            }
            if (r->ncells == r->max_cols)
                return jx_err_set(err, JX_ELIMIT,
                                  "%s: line %ld: record has more than %d cells (the limit); if "
                                  "the file really has such rows, raise it with --max-cols",
                                  jx_source_name(r->src), r->rec_line, r->max_cols);
            if (r->ncells == r->cells_cap && grow_cells(r, err) < 0) return SCAN_ERR;
            if (p == end) { /* the record ends with a delimiter: one more, empty cell */
                *p = 0;
                r->cells[r->ncells++] = (jx_cell){p, 0, 0};
                r->end_line = r->line;
                r->next = (size_t)(p - r->buf);
                return SCAN_ROW;
            }
            cell = &r->cells[r->ncells];
            r->cell_line = r->line;
            if (*p == '"') {
                w = ++p;
                *cell = (jx_cell){p, 0, 1};
                st = ST_QUOTED;
            } else {
                w = p;
                *cell = (jx_cell){p, 0, 0};
                st = ST_UNQ;
            }
            break;

        case ST_UNQ: {
            /* w < p only after a closing quote: text after it is appended */
            char *q = find_stop(p, end, r->stop_unq, (unsigned char)d);
            if (w != p) memmove(w, p, (size_t)(q - p));
            w += q - p;
            p = q;
            if (p == end) {
                if (!r->eof) goto need;
                c = 0;
            } else {
                c = *p;
                if (c == '\r' && p + 1 == end && !r->eof) goto need;
            }
            if ((size_t)(w - cell->s) > r->max_cell) return cell_too_long(r, err);
            *w = 0; /* may overwrite c, saved above */
            cell->len = (uint32_t)(w - cell->s);
            r->ncells++;
            if (c == d && p < end) {
                p++;
                st = ST_START;
                break;
            }
            r->end_line = r->line;
            if (p < end) {
                r->line++;
                p += (c == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
            }
            if ((size_t)(p - base) > r->max_record) return record_too_long(r, err);
            r->next = (size_t)(p - r->buf);
            return SCAN_ROW;
        }

        case ST_QUOTED: {
            char *q = find_stop(p, end, r->stop_q, '"');
            if (w != p) memmove(w, p, (size_t)(q - p));
            w += q - p;
            p = q;
            if (p == end) {
                if (!r->eof) goto need;
                return jx_err_set(err, JX_EFORMAT,
                                  "%s: line %ld: quoted cell opened here is never closed "
                                  "(unterminated \"); check the export",
                                  jx_source_name(r->src), r->cell_line);
            }
            c = *p;
            if (p + 1 == end && !r->eof) goto need; /* "" or \r\n may straddle the refill */
            if (c == '"') {
                if (p + 1 < end && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else {
                    p++;
                    st = ST_UNQ;
                }
            } else if (c == '\r' && p + 1 < end && p[1] == '\n') {
                *w++ = '\r';
                *w++ = '\n';
                p += 2;
                r->line++;
            } else {
                *w++ = c;
                p++;
                r->line++;
            }
            break;
        }
        }
    }

need:
    if (st != ST_START && (size_t)(w - cell->s) > r->max_cell) return cell_too_long(r, err);
    if ((size_t)(end - base) > r->max_record) return record_too_long(r, err);
    r->st = st;
    r->p_off = (size_t)(p - base);
    r->w_off = (size_t)(w - base);
    return SCAN_NEED;
}

/* Moves the unfinished record to the front, grows the buffer when the record
 * fills most of it, and reads more text. Cell pointers survive as offsets. */
static int refill(jx_rows *r, jx_err *err)
{
    if (r->src_failed) {
        if (err) *err = r->src_err;
        return -1;
    }
    int nfix = r->ncells + (r->st != ST_START);
    for (int i = 0; i < nfix; i++) r->offs[i] = (size_t)(r->cells[i].s - (r->buf + r->rec));
    size_t keep = r->len - r->rec;
    if (r->rec > 0) {
        memmove(r->buf, r->buf + r->rec, keep);
        r->rec = 0;
        r->len = keep;
    }
    if (r->cap - 1 - r->len < r->cap / 4) {
        size_t ncap = r->cap * 2;
        char *nb = realloc(r->buf, ncap);
        if (!nb) return jx_err_set(err, JX_ENOMEM, "%s: out of memory", jx_source_name(r->src));
        r->buf = nb;
        r->cap = ncap;
    }
    for (int i = 0; i < nfix; i++) r->cells[i].s = r->buf + r->offs[i];
    ssize_t n = jx_source_read(r->src, r->buf + r->len, r->cap - 1 - r->len, &r->src_err);
    if (n < 0) {
        r->src_failed = 1;
        if (err) *err = r->src_err;
        return -1;
    }
    if (n == 0) r->eof = 1;
    r->len += (size_t)n;
    return 0;
}

/* '\t' if the text has a tab outside quoted cells, else ','. Cells that start
 * with a quote are skipped so a tab inside a quoted CSV cell is not mistaken
 * for the delimiter; a cell starts at a line start, a tab or a comma. */
static char detect_delim(const char *p, size_t n)
{
    const char *tab = memchr(p, '\t', n);
    if (!tab) return ',';
    if (!memchr(p, '"', (size_t)(tab - p))) return '\t';
    int in_q = 0, at_start = 1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_q) {
            if (c == '"') {
                if (i + 1 < n && p[i + 1] == '"') i++;
                else in_q = 0, at_start = 0;
            }
            continue;
        }
        if (c == '\t') return '\t';
        if (c == '"' && at_start) in_q = 1;
        at_start = c == ',' || c == '\n' || c == '\r';
    }
    return ',';
}

int jx_rows_open(jx_rows **out, jx_source *src, const jx_rows_opts *opts, jx_err *err)
{
    static const jx_rows_opts defaults = {0, 0, 0, 0};
    if (!opts) opts = &defaults;
    *out = NULL;
    char d = opts->delim;
    if (d == '\n' || d == '\r' || d == '"') {
        jx_err_set(err, JX_EUSAGE, "%s: the delimiter cannot be a newline or a quote",
                   jx_source_name(src));
        jx_source_close(src);
        return -1;
    }
    jx_rows *r = calloc(1, sizeof *r);
    if (r) r->buf = malloc(BUF_INIT);
    if (!r || !r->buf) {
        free(r);
        jx_err_set(err, JX_ENOMEM, "%s: out of memory", jx_source_name(src));
        jx_source_close(src);
        return -1;
    }
    r->src = src;
    r->cap = BUF_INIT;
    r->line = 1;
    r->max_cell = opts->max_cell ? opts->max_cell : 16u * 1024 * 1024;
    if (r->max_cell > UINT32_MAX - 1) r->max_cell = UINT32_MAX - 1; /* jx_cell.len is 32-bit */
    r->max_record = opts->max_record ? opts->max_record : 64u * 1024 * 1024;
    r->max_cols = opts->max_cols > 0 ? opts->max_cols : 4096;
    if (grow_cells(r, err) < 0) {
        jx_rows_close(r);
        return -1;
    }
    /* Read ahead for detection; a read error here is kept for when the parser
     * reaches that point, so the rows before it still come out. */
    while (!r->eof && !r->src_failed && r->len < SNIFF_LEN)
        if (refill(r, NULL) < 0) break;
    r->delim = d ? d : detect_delim(r->buf, r->len < SNIFF_LEN ? r->len : SNIFF_LEN);
    unsigned char ud = (unsigned char)r->delim;
    r->stop_unq['\n'] = r->stop_unq['\r'] = r->stop_unq[ud] = 1;
    r->stop_q['\n'] = r->stop_q['\r'] = r->stop_q['"'] = 1;
    *out = r;
    return 0;
}

int jx_rows_next(jx_rows *r, jx_row *row, jx_err *err)
{
    if (r->failed) {
        if (err) *err = r->fail_err;
        return -1;
    }
    r->rec = r->next;
    r->ncells = 0;
    r->st = ST_START;
    r->p_off = r->w_off = 0;
    r->rec_line = r->line;
    for (;;) {
        switch (scan(r, &r->fail_err)) {
        case SCAN_ROW:
            row->cells = r->cells;
            row->n = r->ncells;
            row->line = r->rec_line;
            row->end_line = r->end_line;
            return 1;
        case SCAN_EOF:
            /* A refill may have moved the buffer under a stale next: the
             * end of input must stay the end on every later call. */
            r->next = r->rec;
            return 0;
        case SCAN_NEED:
            if (refill(r, &r->fail_err) == 0) continue;
            break;
        case SCAN_ERR: break;
        }
        r->failed = 1;
        if (err) *err = r->fail_err;
        return -1;
    }
}

char jx_rows_delim(const jx_rows *r) { return r->delim; }
jx_source *jx_rows_source(jx_rows *r) { return r->src; }

void jx_rows_close(jx_rows *r)
{
    if (!r) return;
    jx_source_close(r->src);
    free(r->buf);
    free(r->cells);
    free(r->offs);
    free(r);
}
