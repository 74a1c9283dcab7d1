/* Fuzz target: header reconstruction, column mapping and realignment
 * (src/header.c, src/schema.c, src/realign.c) called directly. The input's
 * lines up to the first empty one are header rows (at most 32), the lines
 * after it data rows; cells are split at tabs. Paths, field columns and
 * indicator slots must stay inside the layout, and a realigned row must keep
 * its cells in order, each in one column. */
#include "fuzz.h"
#include "table.h"

#define MAX_ROWS 64

/* Splits one line into cells copied out as NUL-terminated strings. */
static void split(const char *s, size_t n, jx_row *row, long line)
{
    int cells = 1;
    for (size_t i = 0; i < n; i++) cells += s[i] == '\t';
    row->cells = calloc((size_t)cells, sizeof *row->cells);
    row->n = cells;
    row->line = row->end_line = line;
    size_t start = 0;
    for (int c = 0; c < cells; c++) {
        size_t end = start;
        while (end < n && s[end] != '\t') end++;
        char *t = malloc(end - start + 1);
        memcpy(t, s + start, end - start);
        t[end - start] = 0;
        row->cells[c] = (jx_cell){t, (uint32_t)(end - start), 0};
        start = end + 1;
    }
}

static void free_row(jx_row *row)
{
    for (int c = 0; c < row->n; c++) free((char *)row->cells[c].s);
    free(row->cells);
}

static void check_realign(jx_realigner *ra, const jx_doc *d, const jx_row *row)
{
    int *col = malloc(sizeof(int) * (size_t)(d->ncols + 1));
    jx_repair rep;
    int moved = jx_realign(ra, row, col, &rep);
    if (moved < 0) fz_fail("realign ran out of memory", NULL, 0);
    int last = -1;
    for (int j = 0; j < d->ncols; j++) {
        if (col[j] < -1 || col[j] >= row->n) fz_fail("a column points outside the row", NULL, 0);
        if (col[j] < 0) continue;
        if (moved && col[j] <= last) fz_fail("realigned cells out of order", NULL, 0);
        last = col[j];
    }
    if (moved) {
        if (rep.observed < 1 || rep.observed > d->ncols) fz_fail("observed cells outside the layout", NULL, 0);
        for (int i = 0; i < rep.nmoves; i++) {
            const jx_move *m = &rep.moves[i];
            if (m->cell < 0 || m->cell >= rep.observed || m->col < 0 || m->col >= d->ncols || m->nalt > 4)
                fz_fail("a move outside the layout", NULL, 0);
            for (int a = 0; a < m->nalt; a++)
                if (m->alt[a] < 0 || m->alt[a] >= d->ncols) fz_fail("an alternative outside the layout", NULL, 0);
        }
        for (int i = 0; i < rep.ngaps; i++)
            if (rep.gaps[i].col < 0 || rep.gaps[i].col >= d->ncols || col[rep.gaps[i].col] >= 0)
                fz_fail("a gap that is not an empty column", NULL, 0);
    }
    free(col);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    jx_row rows[MAX_ROWS];
    int nrows = 0, nhead = -1;
    size_t start = 0;
    while (start <= size && nrows < MAX_ROWS) {
        const char *nl = memchr(s + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - s) : size;
        if (end == start && nhead < 0) {
            nhead = nrows;
        } else {
            split(s + start, end - start, &rows[nrows], nrows + 1);
            nrows++;
        }
        if (!nl) break;
        start = end + 1;
    }
    if (nhead < 0) nhead = nrows;
    if (nhead > 32) nhead = 32;

    for (int r = 0; r < nrows; r++) (void)jx_schema_header_hits(&rows[r]);
    jx_doc d;
    memset(&d, 0, sizeof d);
    jx_err err = {0};
    if (nhead > 0 && jx_header_build(rows, nhead, &d.cols, &d.ncols, &err) == 0) {
        int utf8 = fz_utf8_valid(s, size);
        for (int c = 0; c < d.ncols; c++) {
            if (!d.cols[c].path) fz_fail("a column without a path", NULL, 0);
            if (utf8 && !fz_utf8_valid(d.cols[c].path, strlen(d.cols[c].path)))
                fz_fail("a path is not valid UTF-8", d.cols[c].path, strlen(d.cols[c].path));
        }
        if (jx_schema_map(&d, &err) < 0) fz_fail("mapping failed", err.msg, strlen(err.msg));
        for (int f = 0; f < JX_F_COUNT; f++)
            if (d.fieldcol[f] < -1 || d.fieldcol[f] >= d.ncols) fz_fail("a field column outside the layout", NULL, 0);
        for (int i = 0; i < d.ninds; i++)
            if (d.inds[i].target_col >= d.ncols || d.inds[i].result_col >= d.ncols ||
                (d.inds[i].target_col < 0 && d.inds[i].result_col < 0))
                fz_fail("an indicator slot outside the layout", NULL, 0);
        jx_realigner *ra = jx_realigner_new(&d);
        if (!ra) fz_fail("realigner out of memory", NULL, 0);
        for (int r = nhead; r < nrows; r++) check_realign(ra, &d, &rows[r]);
        jx_realigner_free(ra);
        for (int c = 0; c < d.ncols; c++) free(d.cols[c].path);
        free(d.cols);
        free(d.inds);
    } else if (nhead > 0 && !err.code) {
        fz_fail("header build failed without an error", NULL, 0);
    }
    for (int r = 0; r < nrows; r++) free_row(&rows[r]);
    return 0;
}
