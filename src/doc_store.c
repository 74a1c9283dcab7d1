/* In-memory documents (see doc_store.h). While the table is read, every
 * reference into the growing arena is kept as an offset; pointers are set
 * once, when the arena has stopped moving. */
#include "doc_store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rowrec {
    jx_project p;
    size_t cell0, col0, diag0;
    int rep; /* index into reps, -1 if the row was not moved */
};

struct reprec {
    jx_repair r;
    size_t move0, gap0;
};

struct jx_arena {
    jx_doc doc;
    char *text; /* every cell, code and message, each NUL-terminated */
    size_t ntext, captext;
    jx_cell *cells;
    size_t *celloff; /* load time only */
    size_t ncells, capcells, capoff;
    int32_t *colidx; /* load time only: per row and column, cell index or -1 */
    const jx_cell **colptr;
    size_t ncol, capcol;
    struct rowrec *rows;
    size_t nrows, caprows;
    struct reprec *reps;
    size_t nreps, capreps;
    jx_move *moves;
    size_t nmoves, capmoves;
    jx_gap *gaps;
    size_t ngaps, capgaps;
    jx_diag *diags;
    size_t *diagoff; /* load time only: code and message offsets, two per diag */
    size_t ndiags, capdiags, capdoff;
};

static const jx_cell empty_cell = {"", 0, 0};

/* Makes room for `more` elements of size `elem` in *arr (count n, capacity
 * *cap), doubling. 0, or -1 when out of memory (*arr untouched). */
static int reserve(void *arr, size_t *cap, size_t n, size_t more, size_t elem)
{
    if (n + more <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < n + more) c *= 2;
    void *g = realloc(*(void **)arr, c * elem);
    if (!g) return -1;
    *(void **)arr = g;
    *cap = c;
    return 0;
}

/* Copies n bytes plus a NUL into the arena; returns the offset or -1. */
static long long put_text(struct jx_arena *s, const char *t, size_t n)
{
    if (reserve(&s->text, &s->captext, s->ntext, n + 1, 1) < 0) return -1;
    size_t off = s->ntext;
    if (n) memcpy(s->text + off, t, n);
    s->text[off + n] = 0;
    s->ntext += n + 1;
    return (long long)off;
}

static char *dupstr(const char *t, int *bad)
{
    if (!t) return NULL;
    char *c = strdup(t);
    if (!c) *bad = 1;
    return c;
}

static void doc_release(jx_doc *d)
{
    free(d->source), free(d->title), free(d->department), free(d->unit_text);
    for (int c = 0; c < d->ncols; c++) free(d->cols[c].path);
    free(d->cols), free(d->inds);
    for (int i = 0; i < d->ndiags; i++) free(d->diags[i].code), free(d->diags[i].msg);
    free(d->diags);
    memset(d, 0, sizeof *d);
}

/* Deep copy of the reader's document. 0, or -1 out of memory (to free with doc_release). */
static int doc_copy(jx_doc *to, const jx_doc *from, const char *name)
{
    int bad = 0;
    *to = *from;
    to->cols = NULL, to->inds = NULL, to->diags = NULL, to->ncols = 0, to->ninds = 0, to->ndiags = 0;
    to->source = dupstr(name ? name : from->source, &bad);
    to->title = dupstr(from->title, &bad);
    to->department = dupstr(from->department, &bad);
    to->unit_text = dupstr(from->unit_text, &bad);
    if (bad) return -1;
    if (from->ncols) {
        if (!(to->cols = calloc((size_t)from->ncols, sizeof *to->cols))) return -1;
        while (to->ncols < from->ncols) {
            jx_column *c = &to->cols[to->ncols];
            *c = from->cols[to->ncols++];
            c->path = dupstr(c->path, &bad);
            if (bad) return -1;
        }
    }
    if (from->ninds) {
        if (!(to->inds = malloc(sizeof *to->inds * (size_t)from->ninds))) return -1;
        memcpy(to->inds, from->inds, sizeof *to->inds * (size_t)from->ninds);
        to->ninds = from->ninds;
    }
    if (from->ndiags) {
        if (!(to->diags = calloc((size_t)from->ndiags, sizeof *to->diags))) return -1;
        while (to->ndiags < from->ndiags) {
            jx_diag *g = &to->diags[to->ndiags];
            *g = from->diags[to->ndiags++];
            g->code = dupstr(g->code, &bad);
            g->msg = dupstr(g->msg, &bad);
            if (bad) return -1;
        }
    }
    return 0;
}

/* Appends one row as read. 0, or -1 out of memory. */
static int add_row(struct jx_arena *s, const jx_doc *d, const jx_project *p)
{
    int m = d->ncols;
    if (reserve(&s->rows, &s->caprows, s->nrows, 1, sizeof *s->rows) < 0 ||
        reserve(&s->cells, &s->capcells, s->ncells, (size_t)p->ncells, sizeof *s->cells) < 0 ||
        reserve(&s->colidx, &s->capcol, s->ncol, (size_t)m, sizeof *s->colidx) < 0 ||
        reserve(&s->celloff, &s->capoff, s->ncells, (size_t)p->ncells, sizeof *s->celloff) < 0 ||
        reserve(&s->diags, &s->capdiags, s->ndiags, (size_t)p->ndiags, sizeof *s->diags) < 0 ||
        reserve(&s->diagoff, &s->capdoff, 2 * s->ndiags, 2 * (size_t)p->ndiags, sizeof *s->diagoff) < 0)
        return -1;
    struct rowrec *r = &s->rows[s->nrows];
    memset(r, 0, sizeof *r);
    r->p = *p;
    r->p.amount = NULL; /* the table's, for its current row only */
    r->cell0 = s->ncells, r->col0 = s->ncol, r->diag0 = s->ndiags, r->rep = -1;
    for (int i = 0; i < p->ncells; i++) {
        long long off = put_text(s, p->cells[i].s, p->cells[i].len);
        if (off < 0) return -1;
        s->cells[s->ncells + (size_t)i] = p->cells[i];
        s->celloff[s->ncells + (size_t)i] = (size_t)off;
    }
    for (int j = 0; j < m; j++) {
        const jx_cell *c = p->col[j];
        s->colidx[s->ncol + (size_t)j] = c >= p->cells && c < p->cells + p->ncells ? (int32_t)(c - p->cells) : -1;
    }
    for (int i = 0; i < p->ndiags; i++) {
        long long code = put_text(s, p->diags[i].code, strlen(p->diags[i].code));
        long long msg = code < 0 ? -1 : put_text(s, p->diags[i].msg, strlen(p->diags[i].msg));
        if (msg < 0) return -1;
        s->diags[s->ndiags + (size_t)i] = p->diags[i];
        s->diagoff[2 * (s->ndiags + (size_t)i)] = (size_t)code;
        s->diagoff[2 * (s->ndiags + (size_t)i) + 1] = (size_t)msg;
    }
    if (p->repair) {
        const jx_repair *rp = p->repair;
        if (reserve(&s->reps, &s->capreps, s->nreps, 1, sizeof *s->reps) < 0 ||
            reserve(&s->moves, &s->capmoves, s->nmoves, (size_t)rp->nmoves, sizeof *s->moves) < 0 ||
            reserve(&s->gaps, &s->capgaps, s->ngaps, (size_t)rp->ngaps, sizeof *s->gaps) < 0)
            return -1;
        struct reprec *q = &s->reps[s->nreps];
        q->r = *rp;
        q->move0 = s->nmoves, q->gap0 = s->ngaps;
        if (rp->nmoves) memcpy(s->moves + s->nmoves, rp->moves, sizeof *s->moves * (size_t)rp->nmoves);
        if (rp->ngaps) memcpy(s->gaps + s->ngaps, rp->gaps, sizeof *s->gaps * (size_t)rp->ngaps);
        s->nmoves += (size_t)rp->nmoves, s->ngaps += (size_t)rp->ngaps;
        r->rep = (int)s->nreps++;
    }
    s->ncells += (size_t)p->ncells;
    s->ncol += (size_t)m;
    s->ndiags += (size_t)p->ndiags;
    s->nrows++;
    return 0;
}

/* Turns the offsets into pointers, now that nothing grows any more. */
static int fix_up(struct jx_arena *s)
{
    int m = s->doc.ncols;
    if (s->ncol && !(s->colptr = malloc(sizeof *s->colptr * s->ncol))) return -1;
    for (size_t i = 0; i < s->ncells; i++) s->cells[i].s = s->text + s->celloff[i];
    for (size_t i = 0; i < s->ndiags; i++) {
        s->diags[i].code = s->text + s->diagoff[2 * i];
        s->diags[i].msg = s->text + s->diagoff[2 * i + 1];
    }
    for (size_t i = 0; i < s->nreps; i++) {
        s->reps[i].r.moves = s->moves + s->reps[i].move0;
        s->reps[i].r.gaps = s->gaps + s->reps[i].gap0;
    }
    for (size_t k = 0; k < s->nrows; k++) {
        struct rowrec *r = &s->rows[k];
        jx_cell *cells = s->cells + r->cell0;
        for (int j = 0; j < m; j++) {
            int32_t c = s->colidx[r->col0 + (size_t)j];
            s->colptr[r->col0 + (size_t)j] = c >= 0 ? &cells[c] : &empty_cell;
        }
        r->p.cells = cells;
        r->p.col = s->colptr + r->col0;
        r->p.diags = r->p.ndiags ? s->diags + r->diag0 : NULL;
        r->p.repair = r->rep >= 0 ? &s->reps[r->rep].r : NULL;
    }
    free(s->celloff), free(s->colidx), free(s->diagoff);
    s->celloff = NULL, s->colidx = NULL, s->diagoff = NULL;
    return 0;
}

static void arena_free(struct jx_arena *s)
{
    if (!s) return;
    doc_release(&s->doc);
    free(s->text), free(s->cells), free(s->celloff), free(s->colidx), free(s->colptr), free(s->rows);
    free(s->reps), free(s->moves), free(s->gaps), free(s->diags), free(s->diagoff);
    free(s);
}

void jx_store_free(jx_store *s)
{
    if (!s) return;
    arena_free(s->a);
    free(s->rows);
    free(s);
}

/* Reads t to its end into a new store; closes t either way. */
static int read_all(jx_store **out, jx_table *t, const char *name, jx_err *err)
{
    jx_store *s = calloc(1, sizeof *s);
    struct jx_arena *a = calloc(1, sizeof *a);
    const jx_doc *d = jx_table_doc(t);
    int rc = 0;
    if (!s || !a) rc = jx_err_set(err, JX_ENOMEM, "%s: out of memory", d->source);
    jx_project p;
    while (rc == 0 && (rc = jx_table_next(t, &p, err)) > 0) {
        if (add_row(a, d, &p) < 0)
            rc = jx_err_set(err, JX_ENOMEM, "%s: line %ld: out of memory while loading the table; read it as a stream",
                            d->source, p.line);
        else
            rc = 0;
    }
    /* The document is copied last: the reader appends diagnostics to it up to the end. */
    if (rc == 0 && (doc_copy(&a->doc, d, name) < 0 || fix_up(a) < 0 ||
                    (a->nrows && !(s->rows = malloc(sizeof *s->rows * a->nrows)))))
        rc = jx_err_set(err, JX_ENOMEM, "%s: out of memory", d->source);
    jx_table_close(t);
    if (rc < 0) {
        arena_free(a);
        free(s);
        return -1;
    }
    for (size_t i = 0; i < a->nrows; i++) s->rows[i] = &a->rows[i].p;
    s->n = (int)a->nrows;
    s->a = a;
    *out = s;
    return 0;
}

int jx_store_load(jx_store **out, const char *path, const char *name, const jx_table_opts *opts, jx_err *err)
{
    jx_table *t;
    if (jx_table_open(&t, path, opts, err) < 0) return -1;
    return read_all(out, t, name, err);
}

int jx_store_load_mem(jx_store **out, const char *data, size_t len, const char *name, const jx_table_opts *opts,
                      jx_err *err)
{
    jx_table *t;
    if (jx_table_open_mem(&t, data, len, name ? name : "<string>", opts, err) < 0) return -1;
    return read_all(out, t, NULL, err);
}

const jx_doc *jx_store_doc(const jx_store *s) { return &s->a->doc; }
