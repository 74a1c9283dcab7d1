/* In-memory documents (see doc_store.h). */
#include "doc_store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const jx_cell empty_cell = {"", 0, 0};

/* Carves `size` bytes, 8-aligned, from the block at *at. */
static void *take(char **at, size_t size)
{
    char *p = (char *)(((uintptr_t)*at + 7) & ~(uintptr_t)7);
    *at = p + size;
    return p;
}

/* Copies one row, its realigned column map, repair record and diagnostics
 * into a single block. */
static jx_project *copy_row(const jx_project *p)
{
    size_t text = 0;
    for (int i = 0; i < p->ncells; i++) text += p->cells[i].len + 1;
    for (int i = 0; i < p->ndiags; i++) text += strlen(p->diags[i].code) + strlen(p->diags[i].msg) + 2;
    const jx_repair *r = p->repair;
    size_t size = sizeof(jx_project) + sizeof(jx_cell) * (size_t)p->ncells + sizeof(jx_cell *) * (size_t)p->ncols +
                  sizeof(jx_diag) * (size_t)p->ndiags + text;
    if (r) size += sizeof(jx_repair) + sizeof(jx_move) * (size_t)r->nmoves + sizeof(jx_gap) * (size_t)r->ngaps;
    /* Room for aligning each of the up to seven carved arrays. */
    char *block = malloc(size + 7 * 8), *at = block;
    if (!block) return NULL;
    jx_project *q = take(&at, sizeof(jx_project));
    *q = *p;
    jx_cell *cells = take(&at, sizeof(jx_cell) * (size_t)p->ncells);
    const jx_cell **col = (const jx_cell **)take(&at, sizeof(jx_cell *) * (size_t)p->ncols);
    jx_diag *diags = take(&at, sizeof(jx_diag) * (size_t)p->ndiags);
    jx_repair *rep = NULL;
    if (r) {
        rep = take(&at, sizeof(jx_repair));
        *rep = *r;
        rep->moves = take(&at, sizeof(jx_move) * (size_t)r->nmoves);
        memcpy(rep->moves, r->moves, sizeof(jx_move) * (size_t)r->nmoves);
        rep->gaps = take(&at, sizeof(jx_gap) * (size_t)r->ngaps);
        memcpy(rep->gaps, r->gaps, sizeof(jx_gap) * (size_t)r->ngaps);
    }
    for (int i = 0; i < p->ncells; i++) {
        memcpy(at, p->cells[i].s, p->cells[i].len);
        at[p->cells[i].len] = 0;
        cells[i] = (jx_cell){at, p->cells[i].len, p->cells[i].quoted};
        at += p->cells[i].len + 1;
    }
    for (int j = 0; j < p->ncols; j++) {
        ptrdiff_t k = p->col[j] - p->cells;
        col[j] = k >= 0 && k < p->ncells ? &cells[k] : &empty_cell;
    }
    for (int i = 0; i < p->ndiags; i++) {
        diags[i] = p->diags[i];
        size_t cl = strlen(p->diags[i].code) + 1, ml = strlen(p->diags[i].msg) + 1;
        diags[i].code = memcpy(at, p->diags[i].code, cl), at += cl;
        diags[i].msg = memcpy(at, p->diags[i].msg, ml), at += ml;
    }
    q->cells = cells;
    q->col = col;
    q->diags = diags;
    q->repair = rep;
    return q;
}

int jx_store_load(jx_store **out, jx_table *t, jx_err *err)
{
    jx_store *s = calloc(1, sizeof *s);
    if (!s) {
        jx_table_close(t);
        return jx_err_set(err, JX_ENOMEM, "out of memory");
    }
    s->t = t;
    jx_project p;
    int r;
    while ((r = jx_table_next(t, &p, err)) > 0) {
        if (s->n == s->cap) {
            int cap = s->cap ? s->cap * 2 : 64;
            jx_project **rows = realloc(s->rows, sizeof *rows * (size_t)cap);
            if (!rows) break;
            s->rows = rows, s->cap = cap;
        }
        if (!(s->rows[s->n] = copy_row(&p))) break;
        s->n++;
    }
    if (r > 0) r = jx_err_set(err, JX_ENOMEM, "%s: out of memory holding the table", jx_table_doc(t)->source);
    if (r < 0) {
        jx_store_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

const jx_doc *jx_store_doc(const jx_store *s) { return jx_table_doc(s->t); }

void jx_store_free(jx_store *s)
{
    if (!s) return;
    for (int i = 0; i < s->n; i++) free(s->rows[i]);
    free(s->rows);
    jx_table_close(s->t);
    free(s);
}
