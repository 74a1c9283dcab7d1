/* The table reader (see table.h): preamble, header and projects, streamed.
 * Opening reads rows until the header is complete and keeps the first data
 * row pending; each jx_table_next realigns one row against the layout. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define PREAMBLE_MAX_ROWS 200
#define ROW_DIAG_MAX 16
#define DOC_DIAG_MAX 1000

struct row_diag {
    char code[40];
    char msg[600];
};

struct jx_table {
    jx_rows *rows;
    jx_doc doc;
    jx_table_opts opts;
    jx_realigner *ra;
    jx_row row;
    int pending; /* row holds the first data row, read while finding the header's end */
    int *colmap;
    const jx_cell **colptr;
    jx_amount *amount; /* per column, this row's money values */
    jx_repair repair;
    int nprojects;
    jx_diag rdiag[ROW_DIAG_MAX];
    struct row_diag rdiag_text[ROW_DIAG_MAX];
    int nrdiag;
    uint64_t hdr_hash[32]; /* of each header row, to know it when a page header repeats */
    long hdr_line[32];
};

static const jx_cell empty_cell = {"", 0, 0};

static int is_blank_cell(const jx_cell *c)
{
    for (uint32_t i = 0; i < c->len; i++)
        if (c->s[i] != ' ' && c->s[i] != '\t' && c->s[i] != '\r' && c->s[i] != '\n') return 0;
    return 1;
}

static int nonblank_cells(const jx_row *r)
{
    int n = 0;
    for (int i = 0; i < r->n; i++) n += !is_blank_cell(&r->cells[i]);
    return n;
}

/* vsnprintf cuts by bytes: drops the UTF-8 sequence a cut left incomplete,
 * so a message quoting a long label stays valid UTF-8 in the JSON model. */
static void cut_partial_utf8(char *s)
{
    size_t n = strlen(s), i = n;
    while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
    if (i == 0) return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (lead >= 0xC0 && n - (i - 1) < want) s[i - 1] = 0;
}

/* Doc-level diagnostic (bounded; further ones are counted, not kept).
 * -1 when memory ran out: the caller fails rather than lose a finding. */
static int doc_diag(jx_doc *d, jx_diag_level lv, long line, int col, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int doc_diag(jx_doc *d, jx_diag_level lv, long line, int col, const char *code, const char *fmt, ...)
{
    if (d->ndiags >= DOC_DIAG_MAX) {
        d->ndiags_dropped++;
        return 0;
    }
    jx_diag *grown = realloc(d->diags, sizeof *grown * (size_t)(d->ndiags + 1));
    if (!grown) return -1;
    d->diags = grown;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(msg, sizeof msg, fmt, ap) >= (int)sizeof msg) cut_partial_utf8(msg);
    va_end(ap);
    jx_diag *g = &d->diags[d->ndiags];
    *g = (jx_diag){lv, line, col, strdup(code), strdup(msg)};
    if (!g->code || !g->msg) {
        free(g->code), free(g->msg);
        return -1;
    }
    d->ndiags++;
    return 0;
}

static void row_diag(jx_table *t, jx_diag_level lv, long line, int col, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void row_diag(jx_table *t, jx_diag_level lv, long line, int col, const char *code, const char *fmt, ...)
{
    if (t->nrdiag >= ROW_DIAG_MAX) return;
    struct row_diag *rt = &t->rdiag_text[t->nrdiag];
    snprintf(rt->code, sizeof rt->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(rt->msg, sizeof rt->msg, fmt, ap) >= (int)sizeof rt->msg) cut_partial_utf8(rt->msg);
    va_end(ap);
    t->rdiag[t->nrdiag++] = (jx_diag){lv, line, col, rt->code, rt->msg};
}

/* The non-blank cells of a preamble row joined by a space (malloc'd). */
static char *row_text(const jx_row *r)
{
    size_t len = 0;
    for (int i = 0; i < r->n; i++) len += r->cells[i].len + 1;
    char *s = malloc(len + 1), *p = s;
    if (!s) return NULL;
    for (int i = 0; i < r->n; i++) {
        if (is_blank_cell(&r->cells[i])) continue;
        if (p != s) *p++ = ' ';
        memcpy(p, r->cells[i].s, r->cells[i].len);
        p += r->cells[i].len;
    }
    *p = 0;
    return s;
}

static int year_in(const char *text)
{
    char f[1024];
    jx_fold(text, strlen(text), f, sizeof f);
    for (const char *p = f; (p = strstr(p, "年")) != NULL; p += 3) {
        if (p - f >= 4) {
            const char *y = p - 4;
            if ((y[0] == '1' || y[0] == '2') && (y[1] == '9' || y[1] == '0') && y[2] >= '0' && y[2] <= '9' &&
                y[3] >= '0' && y[3] <= '9' && (y == f || y[-1] < '0' || y[-1] > '9'))
                return atoi(y) % 10000;
        }
    }
    return 0;
}

/* Reads one preamble line: the title, 部门名称 and 单位. */
static int take_preamble(jx_doc *d, const jx_row *r)
{
    char *text = row_text(r);
    if (!text) return -1;
    char f[1024];
    jx_fold(text, strlen(text), f, sizeof f);
    jx_unit u = jx_unit_find(text, strlen(text));
    static const char *const dept_labels[] = {"部门名称", "单位名称", "主管部门", "预算单位", "填报单位", NULL};
    const char *label = NULL;
    for (const char *const *l = dept_labels; *l && !label; l++)
        if (strstr(text, *l)) label = *l;
    if (u != JX_UNIT_UNKNOWN && !d->unit_text) {
        d->unit = u;
        d->unit_text = strdup(text);
        if (!d->unit_text) goto nomem;
    }
    if (label && !d->department) {
        const char *v = strstr(text, label) + strlen(label);
        const char *colon = strstr(v, ":");
        const char *fwcolon = strstr(v, "：");
        if (fwcolon && (!colon || fwcolon < colon)) colon = fwcolon, v = fwcolon + 3;
        else if (colon) v = colon + 1;
        while (*v == ' ') v++;
        size_t n = strlen(v);
        /* Stop before a following 单位 label written on the same line. */
        const char *unit = strstr(v, "单位");
        if (unit && unit > v) n = (size_t)(unit - v);
        while (n && v[n - 1] == ' ') n--;
        if (n && !(d->department = strndup(v, n))) goto nomem;
    } else if (!d->title && u == JX_UNIT_UNKNOWN && !label) {
        const char *p = text;
        while (*p == '#' || *p == ' ') p++;
        if (*p) {
            if (!(d->title = strdup(p))) goto nomem;
            d->title_line = r->line;
            d->year = year_in(p);
        }
    }
    free(text);
    return 0;
nomem: /* a preamble with a piece missing would be read as a different table */
    free(text);
    return -1;
}

/* A row ends the header when it holds data: a number or a percentage in a cell. */
static int looks_like_data(const jx_row *r)
{
    for (int i = 0; i < r->n; i++) {
        jx_dec d;
        jx_rate_form form;
        if (r->cells[i].len == 0) continue;
        if (jx_dec_parse(r->cells[i].s, r->cells[i].len, &d) == 1) return 1;
        if (jx_rate_parse(r->cells[i].s, r->cells[i].len, &d, &form) == 1 && form != JX_RATE_PLAIN &&
            form != JX_RATE_FRACTION)
            return 1;
    }
    return 0;
}

/* Fingerprint of a row's non-blank cells and their positions (FNV-1a). */
static uint64_t row_hash(const jx_row *r)
{
    uint64_t h = 14695981039346656037ULL;
    for (int i = 0; i < r->n; i++) {
        if (is_blank_cell(&r->cells[i])) continue;
        h = (h ^ (uint64_t)i) * 1099511628211ULL;
        for (uint32_t k = 0; k < r->cells[i].len; k++) h = (h ^ (unsigned char)r->cells[i].s[k]) * 1099511628211ULL;
    }
    return h;
}

/* Deep copy of a row (header rows outlive the reader's buffer). */
static int copy_row(jx_row *dst, const jx_row *src)
{
    *dst = *src;
    dst->cells = calloc((size_t)src->n + 1, sizeof(jx_cell));
    if (!dst->cells) return -1;
    for (int i = 0; i < src->n; i++) {
        char *s = malloc(src->cells[i].len + 1);
        if (!s) return -1;
        memcpy(s, src->cells[i].s, src->cells[i].len);
        s[src->cells[i].len] = 0;
        dst->cells[i] = (jx_cell){s, src->cells[i].len, src->cells[i].quoted};
    }
    return 0;
}

static void free_rows(jx_row *rows, int n)
{
    for (int r = 0; r < n; r++) {
        if (!rows[r].cells) continue;
        for (int i = 0; i < rows[r].n; i++) free((char *)rows[r].cells[i].s);
        free(rows[r].cells);
    }
}

static void doc_free(jx_doc *d)
{
    free(d->source), free(d->title), free(d->department), free(d->unit_text);
    for (int c = 0; c < d->ncols; c++) free(d->cols[c].path);
    free(d->cols), free(d->inds);
    for (int i = 0; i < d->ndiags; i++) free(d->diags[i].code), free(d->diags[i].msg);
    free(d->diags);
}

/* Reads the preamble and header; leaves the first data row pending. */
static int read_head(jx_table *t, jx_err *err)
{
    jx_doc *d = &t->doc;
    const char *name = d->source;
    int max_h = t->opts.max_header_rows > 0 ? t->opts.max_header_rows : 8;
    jx_row hdr[32];
    int nh = 0, rc, seen = 0;
    if (max_h > 32) max_h = 32;
    memset(hdr, 0, sizeof hdr);
    for (;;) {
        rc = jx_rows_next(t->rows, &t->row, err);
        if (rc < 0) goto fail;
        if (rc == 0) break;
        if (nh == 0) {
            if (++seen > PREAMBLE_MAX_ROWS) break;
            if (nonblank_cells(&t->row) == 0) continue;
            if (jx_schema_header_hits(&t->row) >= 3) {
                if (copy_row(&hdr[nh++], &t->row) < 0) goto nomem;
                continue;
            }
            if (take_preamble(d, &t->row) < 0) goto nomem;
            continue;
        }
        if (nonblank_cells(&t->row) == 0) continue;
        if (looks_like_data(&t->row)) {
            t->pending = 1;
            break;
        }
        if (nh >= max_h) {
            rc = jx_err_set(err, JX_ELIMIT,
                            "%s: line %ld: the header goes on for more than %d rows without a data row; "
                            "if the header really is that deep, raise --max-header-rows",
                            name, t->row.line, max_h);
            goto fail;
        }
        if (copy_row(&hdr[nh++], &t->row) < 0) goto nomem;
    }
    if (nh == 0) {
        if (seen == 0)
            rc = jx_err_set(err, JX_EFORMAT, "%s: the file is empty (no text); nothing to read", name);
        else
            rc = jx_err_set(err, JX_EFORMAT,
                            "%s: no header of a self-evaluation table found in the first %d rows, read as %s "
                            "(looked for labels such as 序号, 项目名称, 预算, 执行数, 执行率, 绩效目标); is this the "
                            "right file, and is --encoding right?",
                            name, seen > PREAMBLE_MAX_ROWS ? PREAMBLE_MAX_ROWS : seen, jx_enc_name(d->encoding));
        goto fail;
    }
    d->header_first_line = hdr[0].line;
    d->header_last_line = hdr[nh - 1].end_line;
    d->header_rows = nh;
    for (int r = 0; r < nh; r++) t->hdr_hash[r] = row_hash(&hdr[r]), t->hdr_line[r] = hdr[r].line;
    if (jx_header_build(hdr, nh, &d->cols, &d->ncols, err) < 0) {
        rc = -1;
        goto fail;
    }
    free_rows(hdr, nh);
    nh = 0;
    if (jx_schema_map(d, err) < 0) return -1;
    if (d->fieldcol[JX_F_NAME] < 0)
        return jx_err_set(err, JX_EFORMAT,
                          "%s: lines %ld-%ld: the header has no project-name column (项目名称); "
                          "this does not look like a project self-evaluation table",
                          name, d->header_first_line, d->header_last_line);
    if (d->unit == JX_UNIT_UNKNOWN) {
        for (int c = 0; c < d->ncols && d->unit == JX_UNIT_UNKNOWN; c++) {
            jx_unit u = jx_unit_find(d->cols[c].path, strlen(d->cols[c].path));
            if (u != JX_UNIT_UNKNOWN) {
                d->unit = u;
                if (!(d->unit_text = strdup(d->cols[c].path)))
                    return jx_err_set(err, JX_ENOMEM, "%s: out of memory reading the header", name);
            }
        }
        if (d->unit == JX_UNIT_UNKNOWN &&
            doc_diag(d, JX_DIAG_WARNING, 0, 0, "unit-unknown",
                     "no money unit (单位: 万元/元) stated before the header; amounts are kept as written, unit unknown") < 0)
            goto nomem;
    }
    for (int c = 0; c < d->ncols; c++)
        if (d->cols[c].field == JX_F_UNKNOWN &&
            doc_diag(d, JX_DIAG_INFO, d->header_first_line, c + 1, "column-unmapped",
                     "column %d \"%s\" matches no known field; kept under its path", c + 1, d->cols[c].path) < 0)
            goto nomem;
    if (!t->pending && rc == 0 && d->ncols > 0 &&
        doc_diag(d, JX_DIAG_WARNING, d->header_last_line, 0, "no-data", "the table has a header but no project rows") < 0)
        goto nomem;
    return 0;
nomem:
    rc = jx_err_set(err, JX_ENOMEM, "%s: out of memory reading the header", name);
fail:
    free_rows(hdr, nh);
    return -1;
}

static int table_init(jx_table **out, jx_source *src, const char *name, const jx_table_opts *opts, jx_err *err)
{
    jx_table *t = calloc(1, sizeof *t);
    if (!t) {
        jx_source_close(src);
        return jx_err_set(err, JX_ENOMEM, "out of memory");
    }
    if (opts) t->opts = *opts;
    t->doc.source = strdup(name);
    t->doc.encoding = jx_source_encoding(src);
    if (!t->doc.source) {
        jx_source_close(src);
        free(t);
        return jx_err_set(err, JX_ENOMEM, "out of memory");
    }
    if (jx_rows_open(&t->rows, src, &t->opts.rows, err) < 0) {
        t->rows = NULL;
        jx_table_close(t);
        return -1;
    }
    t->doc.delim = jx_rows_delim(t->rows);
    if (read_head(t, err) < 0) {
        jx_table_close(t);
        return -1;
    }
    int m = t->doc.ncols;
    t->colmap = malloc(sizeof(int) * (size_t)m);
    t->colptr = malloc(sizeof(jx_cell *) * (size_t)m);
    t->amount = malloc(sizeof *t->amount * (size_t)(m ? m : 1));
    t->ra = jx_realigner_new(&t->doc);
    if (!t->colmap || !t->colptr || !t->amount || !t->ra) {
        jx_table_close(t);
        return jx_err_set(err, JX_ENOMEM, "out of memory");
    }
    *out = t;
    return 0;
}

int jx_table_open(jx_table **out, const char *path, const jx_table_opts *opts, jx_err *err)
{
    jx_source *src;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (jx_source_open(&src, path, name, opts ? opts->encoding : JX_ENC_AUTO, err) < 0) return -1;
    return table_init(out, src, name, opts, err);
}

int jx_table_open_mem(jx_table **out, const char *data, size_t len, const char *name, const jx_table_opts *opts,
                      jx_err *err)
{
    jx_source *src;
    if (jx_source_open_mem(&src, data, len, name, opts ? opts->encoding : JX_ENC_AUTO, err) < 0) return -1;
    return table_init(out, src, name, opts, err);
}

const jx_doc *jx_table_doc(const jx_table *t) { return &t->doc; }

static int is_total_row(const jx_table *t)
{
    static const char *const words[] = {"合计", "总计", "小计", NULL};
    int cols[2] = {t->doc.fieldcol[JX_F_SEQ], t->doc.fieldcol[JX_F_NAME]};
    for (int k = 0; k < 2; k++) {
        int c = cols[k];
        if (c < 0 || c >= t->row.n) continue;
        char f[64];
        jx_fold(t->row.cells[c].s, t->row.cells[c].len, f, sizeof f);
        for (const char *const *w = words; *w; w++)
            if (strncmp(f, *w, strlen(*w)) == 0) return 1;
    }
    return 0;
}

/* A lone non-numeric cell after the data (填报人, 注, …) is a note, not a project. */
static int is_note_row(const jx_table *t)
{
    if (t->doc.ncols < 4 || nonblank_cells(&t->row) != 1) return 0;
    return !looks_like_data(&t->row);
}

int jx_table_next(jx_table *t, jx_project *p, jx_err *err)
{
    jx_doc *d = &t->doc;
    for (;;) {
        if (t->pending) {
            t->pending = 0;
        } else {
            int rc = jx_rows_next(t->rows, &t->row, err);
            if (rc <= 0) return rc;
        }
        if (nonblank_cells(&t->row) == 0) continue;
        /* Exports of paged tables repeat the header on every page: its rows
         * are not projects. */
        if (!looks_like_data(&t->row)) {
            uint64_t h = row_hash(&t->row);
            int k = 0;
            while (k < d->header_rows && t->hdr_hash[k] != h) k++;
            if (k < d->header_rows) {
                if (doc_diag(d, JX_DIAG_INFO, t->row.line, 0, "header-repeated",
                             "line %ld repeats header line %ld (a page header?); skipped", t->row.line,
                             t->hdr_line[k]) < 0)
                    return jx_err_set(err, JX_ENOMEM, "%s: line %ld: out of memory", d->source, t->row.line);
                continue;
            }
        }
        if (is_note_row(t)) {
            const jx_cell *c = &t->row.cells[0];
            for (int i = 0; i < t->row.n; i++)
                if (!is_blank_cell(&t->row.cells[i])) c = &t->row.cells[i];
            if (doc_diag(d, JX_DIAG_INFO, t->row.line, 0, "note-row", "line %ld is a note, not a project: \"%.*s\"",
                         t->row.line, (int)jx_utf8_prefix(c->s, c->len, 120), c->s) < 0)
                return jx_err_set(err, JX_ENOMEM, "%s: line %ld: out of memory", d->source, t->row.line);
            continue;
        }
        break;
    }
    t->nrdiag = 0;
    memset(p, 0, sizeof *p);
    p->line = t->row.line;
    p->end_line = t->row.end_line;
    p->cells = t->row.cells;
    p->ncells = t->row.n;
    p->ncols = d->ncols;
    p->col = t->colptr;
    p->kind = is_total_row(t) ? JX_ROW_TOTAL : JX_ROW_PROJECT;
    if (p->kind == JX_ROW_PROJECT) p->index = ++t->nprojects;

    int m = d->ncols;
    int moved = 0;
    if (!t->opts.no_realign && p->kind == JX_ROW_PROJECT) {
        moved = jx_realign(t->ra, &t->row, t->colmap, &t->repair);
        if (moved < 0) return jx_err_set(err, JX_ENOMEM, "%s: line %ld: out of memory", d->source, p->line);
    } else {
        for (int j = 0; j < m; j++) t->colmap[j] = j < t->row.n ? j : -1;
    }
    for (int j = 0; j < m; j++) t->colptr[j] = t->colmap[j] >= 0 ? &t->row.cells[t->colmap[j]] : &empty_cell;
    if (moved) {
        p->repair = &t->repair;
        row_diag(t, JX_DIAG_INFO, p->line, 0, "row-realigned",
                 "line %ld: %d cells where the layout has %d; realigned by content (%s)", p->line,
                 t->repair.observed, m, t->repair.certain ? "certain" : "best guess");
    }
    {
        int filled = 0;
        for (int i = 0; i < t->row.n && i < m; i++) filled = is_blank_cell(&t->row.cells[i]) ? filled : i + 1;
        if (p->kind == JX_ROW_PROJECT && m >= 8 && filled < m / 2)
            row_diag(t, JX_DIAG_WARNING, p->line, filled + 1, "short-row",
                     "line %ld: only %d of %d cells are filled; the row may be cut off (a truncated file?)",
                     p->line, filled, m);
    }
    if (t->row.n > m) {
        for (int i = m; i < t->row.n; i++) {
            if (is_blank_cell(&t->row.cells[i])) continue;
            p->nextra++;
        }
        if (p->nextra)
            row_diag(t, JX_DIAG_WARNING, p->line, m + 1, "extra-cells",
                     "line %ld: %d non-empty cells beyond the header's %d columns; kept as extra cells", p->line,
                     p->nextra, m);
    }
    /* Money cells, read once for every later use; those that are not numbers. */
    p->amount = t->amount;
    for (int j = 0; j < m; j++) {
        jx_field f = d->cols[j].field;
        t->amount[j].r = JX_AMOUNT_UNREAD;
        if (f < JX_F_BUDGET_TOTAL || f > JX_F_ACTUAL_CARRY) continue;
        const jx_cell *c = t->colptr[j];
        t->amount[j].r = (int8_t)jx_dec_parse(c->s, c->len, &t->amount[j].v);
        if (t->amount[j].r < 0)
            row_diag(t, JX_DIAG_WARNING, p->line, (t->colmap[j] >= 0 ? t->colmap[j] : j) + 1, "amount-not-number",
                     "line %ld, column %d (%s): \"%.*s\" is not an amount; kept as text, value absent", p->line,
                     j + 1, d->cols[j].path, (int)jx_utf8_prefix(c->s, c->len, 80), c->s);
    }
    if (d->fieldcol[JX_F_RATE] >= 0) {
        const jx_cell *c = t->colptr[d->fieldcol[JX_F_RATE]];
        jx_dec v;
        jx_rate_form form;
        if (jx_rate_parse(c->s, c->len, &v, &form) < 0)
            row_diag(t, JX_DIAG_WARNING, p->line, d->fieldcol[JX_F_RATE] + 1, "rate-not-number",
                     "line %ld, column %d (%s): \"%.*s\" is not a rate", p->line, d->fieldcol[JX_F_RATE] + 1,
                     d->cols[d->fieldcol[JX_F_RATE]].path, (int)jx_utf8_prefix(c->s, c->len, 80), c->s);
    }
    p->diags = t->rdiag;
    p->ndiags = t->nrdiag;
    return 1;
}

void jx_table_close(jx_table *t)
{
    if (!t) return;
    jx_rows_close(t->rows);
    jx_realigner_free(t->ra);
    free(t->colmap);
    free(t->colptr);
    free(t->amount);
    doc_free(&t->doc);
    free(t);
}

const jx_cell *jx_project_field(const jx_project *p, const jx_doc *d, jx_field f)
{
    int c = (unsigned)f < JX_F_COUNT ? d->fieldcol[f] : -1;
    return c >= 0 && c < p->ncols ? p->col[c] : &empty_cell;
}

int jx_project_col_amount(const jx_project *p, int col, jx_dec *out)
{
    if (col < 0 || col >= p->ncols) return 0;
    if (p->amount && p->amount[col].r != JX_AMOUNT_UNREAD) {
        if (p->amount[col].r == 1) *out = p->amount[col].v;
        return p->amount[col].r;
    }
    return jx_dec_parse(p->col[col]->s, p->col[col]->len, out);
}

int jx_project_amount(const jx_project *p, const jx_doc *d, jx_field f, jx_dec *out)
{
    return jx_project_col_amount(p, (unsigned)f < JX_F_COUNT ? d->fieldcol[f] : -1, out);
}
