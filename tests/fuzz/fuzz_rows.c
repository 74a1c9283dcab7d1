/* Fuzz target: the delimited record reader (src/rows.c) over UTF-8 text,
 * with the delimiter, the limits and the source's chunk size taken from the
 * input's last byte, then again with the defaults in 16-byte chunks. Every
 * row must respect the limits, keep its line numbers in order and hand out
 * NUL-terminated, valid UTF-8 cells; the end of input and errors must stay
 * put on later calls. */
#include "fuzz.h"
#include "rows.h"

/* Reads data through a memory source whose reads are first capped at
 * first_chunk (0: no cap), then, once the reader is open, at chunk. */
static void read_rows(const uint8_t *data, size_t size, const jx_rows_opts *o, size_t first_chunk, size_t chunk)
{
    jx_source *src;
    jx_err err = {0};
    if (jx_source_open_mem(&src, (const char *)data, size, "fuzz", JX_ENC_UTF8, &err) < 0) return;
    jx_source_set_chunk(src, first_chunk);
    jx_rows *r;
    if (jx_rows_open(&r, src, o, &err) < 0) return;
    jx_source_set_chunk(src, chunk);
    size_t max_cell = o->max_cell ? o->max_cell : 16u << 20;
    int max_cols = o->max_cols ? o->max_cols : 4096;
    jx_row row;
    long last = 0;
    int rc;
    while ((rc = jx_rows_next(r, &row, &err)) == 1) {
        if (row.n < 1 || row.n > max_cols) fz_fail("cell count outside 1..max_cols", NULL, 0);
        if (row.line <= last || row.end_line < row.line) fz_fail("line numbers out of order", NULL, 0);
        last = row.end_line;
        for (int i = 0; i < row.n; i++) {
            const jx_cell *c = &row.cells[i];
            if (c->len > max_cell) fz_fail("a cell longer than max_cell", c->s, c->len);
            if (c->s[c->len] != 0) fz_fail("a cell not NUL-terminated", c->s, c->len);
            if (!fz_utf8_valid(c->s, c->len)) fz_fail("a cell is not valid UTF-8", c->s, c->len);
        }
    }
    if (rc < 0) {
        if (strncmp(err.msg, "fuzz", 4) != 0) fz_fail("an error without the source's name", err.msg, strlen(err.msg));
        jx_err again = {0};
        if (jx_rows_next(r, &row, &again) != -1 || strcmp(again.msg, err.msg) != 0)
            fz_fail("errors are not sticky", again.msg, strlen(again.msg));
    } else if (jx_rows_next(r, &row, &err) != 0 || jx_rows_next(r, &row, &err) != 0) {
        fz_fail("a read after the end returned a row", NULL, 0);
    }
    jx_rows_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned tail = size ? data[size - 1] : 0;
    static const char delims[] = {0, '\t', ',', ';'};
    jx_rows_opts o = {delims[tail & 3], 0, 0, 0};
    if (tail & 4) o.max_cell = 16 + (tail >> 4);
    if (tail & 8) o.max_cols = 1 + (tail >> 5);
    if ((tail & 0x30) == 0x30) o.max_record = 64 + tail;
    size_t chunk = tail & 0x40 ? 16 + (tail & 7) : 0;
    read_rows(data, size, &o, chunk, chunk);
    /* Defaults in small chunks, whatever the last byte. The reader takes in
     * its first 64 KiB whole to sniff the delimiter, so the input also goes
     * behind 64 KiB of filler rows, read in one piece: then every record of
     * the input arrives in refills of a few bytes, cut at every offset. */
    jx_rows_opts plain = {0, 0, 0, 0};
    read_rows(data, size, &plain, 16 + size % 8, 16 + size % 8);
    enum { FILL = 64 * 1024, FILL_ROW = 1024 };
    static uint8_t *padded;
    static size_t padded_cap;
    if (padded_cap < FILL + size) {
        free(padded);
        padded = malloc(padded_cap = FILL + size);
        memset(padded, 'x', FILL);
        for (size_t i = FILL_ROW; i <= FILL; i += FILL_ROW) padded[i - 2] = '\t', padded[i - 1] = '\n';
    }
    memcpy(padded + FILL, data, size);
    read_rows(padded, FILL + size, &plain, FILL, 16 + size % 8);
    return 0;
}
