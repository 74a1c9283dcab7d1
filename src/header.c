/* Header reconstruction: turns the rows of a merged multi-row header into one
 * path per column ("项目年度预算金额 / 其中: 财政拨款 / 一般公共预算"). Exports
 * write a merged cell as its label followed by empty cells, rightwards within
 * the parent's span and downwards over empty cells below. */
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* Longest label kept in a path. A header cell longer than this is a note the
 * header swallowed, not a label, and a merged label is copied into every
 * column it spans: without a cap a few MiB of header could become GiBs of
 * paths. Column mapping reads no further than this either (schema.c). */
#define LABEL_MAX 256

/* Trimmed view of a header label: ASCII whitespace and U+3000 off both ends. */
static void trim(const char **s, size_t *n)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t len = *n;
    for (;;) {
        if (len && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
            p++, len--;
        } else if (len >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            p += 3, len -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '\n')) {
            len--;
        } else if (len >= 3 && p[len - 3] == 0xE3 && p[len - 2] == 0x80 && p[len - 1] == 0x80) {
            len -= 3;
        } else {
            break;
        }
    }
    *s = (const char *)p;
    *n = len;
}

/* Appends " / label" (or label) to a malloc'd path; returns NULL on ENOMEM (old freed). */
static char *path_append(char *path, const char *label, size_t n)
{
    size_t old = path ? strlen(path) : 0;
    size_t sep = old ? 3 : 0;
    char *p = realloc(path, old + sep + n + 1);
    if (!p) {
        free(path);
        return NULL;
    }
    if (sep) memcpy(p + old, " / ", 3);
    memcpy(p + old + sep, label, n);
    p[old + sep + n] = 0;
    return p;
}

int jx_header_build(const jx_row *rows, int nrows, jx_column **cols_out, int *ncols_out, jx_err *err)
{
    int ncols = 0;
    for (int r = 0; r < nrows; r++)
        if (rows[r].n > ncols) ncols = rows[r].n;
    /* Drop trailing columns that are empty in every header row. */
    while (ncols > 0) {
        int any = 0;
        for (int r = 0; r < nrows && !any; r++) {
            if (rows[r].n >= ncols) {
                const char *s = rows[r].cells[ncols - 1].s;
                size_t n = rows[r].cells[ncols - 1].len;
                trim(&s, &n);
                any = n > 0;
            }
        }
        if (any) break;
        ncols--;
    }
    if (ncols == 0) return jx_err_set(err, JX_EFORMAT, "header has no labels");

    /* owner[c] = column whose label cell covers (r, c); -1 = nothing at this level. */
    int *owner = malloc(sizeof(int) * (size_t)ncols);
    int *parent = malloc(sizeof(int) * (size_t)ncols); /* owner at the row above, for span limits */
    jx_column *cols = calloc((size_t)ncols, sizeof *cols);
    if (!owner || !parent || !cols) {
        free(owner), free(parent), free(cols);
        return jx_err_set(err, JX_ENOMEM, "out of memory reading the header");
    }
    for (int c = 0; c < ncols; c++) parent[c] = 0;

    for (int r = 0; r < nrows; r++) {
        for (int c = 0; c < ncols; c++) {
            const char *s = c < rows[r].n ? rows[r].cells[c].s : "";
            size_t n = c < rows[r].n ? rows[r].cells[c].len : 0;
            trim(&s, &n);
            owner[c] = -1;
            if (n) {
                owner[c] = c;
            } else if (c > 0 && owner[c - 1] >= 0) {
                /* Spans rightwards only inside the same parent group, and only if
                 * this column has a label below (a group always has children):
                 * otherwise an empty top cell is a label written further down. */
                int below = 0;
                for (int rr = r + 1; rr < nrows && !below; rr++) {
                    if (c < rows[rr].n) {
                        const char *t = rows[rr].cells[c].s;
                        size_t tn = rows[rr].cells[c].len;
                        trim(&t, &tn);
                        below = tn > 0;
                    }
                }
                if (below && parent[c] == parent[c - 1]) owner[c] = owner[c - 1];
            }
        }
        for (int c = 0; c < ncols; c++) {
            int o = owner[c];
            if (o < 0) continue;
            const char *s = rows[r].cells[o].s;
            size_t n = rows[r].cells[o].len;
            trim(&s, &n);
            if (n > LABEL_MAX) n = jx_utf8_prefix(s, n, LABEL_MAX);
            cols[c].path = path_append(cols[c].path, s, n);
            if (!cols[c].path) goto nomem;
        }
        /* parent[c] names the group of c for the next row: the first column of
         * the run of columns that had the same owner as c at every row so far. */
        {
            int prev_parent = -1, prev_owner = -2, group = 0;
            for (int c = 0; c < ncols; c++) {
                if (c == 0 || parent[c] != prev_parent || owner[c] != prev_owner) group = c;
                prev_parent = parent[c];
                prev_owner = owner[c];
                parent[c] = group;
            }
        }
    }
    for (int c = 0; c < ncols; c++) {
        if (!cols[c].path) {
            cols[c].path = strdup("");
            if (!cols[c].path) goto nomem;
        }
    }
    free(owner), free(parent);
    *cols_out = cols;
    *ncols_out = ncols;
    return 0;
nomem:
    for (int c = 0; c < ncols; c++) free(cols[c].path);
    free(owner), free(parent), free(cols);
    return jx_err_set(err, JX_ENOMEM, "out of memory reading the header");
}
