/* Fuzz target: the whole table reader (src/table.c with header rebuild,
 * column mapping and ragged-row repair) over a table in memory, with the
 * encoding, the limits and realignment switched by the input's last byte.
 * Every project must point into the layout and its own cells. */
#include "fuzz.h"
#include "table.h"

static void check_project(const jx_doc *d, const jx_project *p, int last_index)
{
    if (p->ncols != d->ncols) fz_fail("a project of another width than the layout", NULL, 0);
    for (int j = 0; j < d->ncols; j++)
        if (!p->col[j] || !p->col[j]->s || p->col[j]->s[p->col[j]->len] != 0)
            fz_fail("a column without a NUL-terminated cell", NULL, 0);
    if (p->kind == JX_ROW_PROJECT && p->index != last_index + 1) fz_fail("project numbers skip", NULL, 0);
    if (p->ndiags < 0 || p->ndiags > 16) fz_fail("row diagnostics unbounded", NULL, 0);
    for (int i = 0; i < p->ndiags; i++)
        if (!fz_utf8_valid(p->diags[i].msg, strlen(p->diags[i].msg)))
            fz_fail("a row diagnostic is not valid UTF-8", p->diags[i].msg, strlen(p->diags[i].msg));
    if (p->repair) {
        const jx_repair *r = p->repair;
        for (int i = 0; i < r->nmoves; i++)
            if (r->moves[i].cell < 0 || r->moves[i].cell >= p->ncells || r->moves[i].col >= d->ncols)
                fz_fail("a move outside the row", NULL, 0);
        for (int i = 0; i < r->ngaps; i++)
            if (r->gaps[i].col < 0 || r->gaps[i].col >= d->ncols) fz_fail("a gap outside the layout", NULL, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned tail = size ? data[size - 1] : 0;
    jx_table_opts o;
    memset(&o, 0, sizeof o);
    o.no_realign = (tail & 0x81) == 0x81;
    o.max_header_rows = tail & 2 ? 1 + (tail >> 4) : 0;
    if (tail & 0x40) o.rows.max_cols = 4 + (tail & 0x3F);
    if ((tail & 0x0C) == 0x0C) o.encoding = (jx_enc)(1 + (tail >> 4) % 5);
    jx_table *t;
    jx_err err = {0};
    if (jx_table_open_mem(&t, (const char *)data, size, "fuzz", &o, &err) < 0) {
        if (!err.code || !err.msg[0]) fz_fail("open failed without a message", NULL, 0);
        return 0;
    }
    const jx_doc *d = jx_table_doc(t);
    if (d->ncols < 1 || d->fieldcol[JX_F_NAME] < 0) fz_fail("a layout without a name column", NULL, 0);
    jx_project p;
    int rc, last_index = 0;
    while ((rc = jx_table_next(t, &p, &err)) == 1) {
        check_project(d, &p, last_index);
        if (p.kind == JX_ROW_PROJECT) last_index = p.index;
    }
    if (rc < 0 && (!err.code || !err.msg[0])) fz_fail("a read failed without a message", NULL, 0);
    if (rc == 0 && jx_table_next(t, &p, &err) != 0) fz_fail("a read after the end returned a row", NULL, 0);
    for (int i = 0; i < d->ndiags; i++)
        if (!fz_utf8_valid(d->diags[i].msg, strlen(d->diags[i].msg)))
            fz_fail("a diagnostic is not valid UTF-8", d->diags[i].msg, strlen(d->diags[i].msg));
    jx_table_close(t);
    return 0;
}
