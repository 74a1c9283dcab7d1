/* The canonical model written as JSON, JSON Lines, CSV or a summary (see
 * out_model.h). The JSON shape is documented in README.md, "The model". */
#include "out_model.h"
#include "fastio.h"

#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* One writer per stream, one thread: the unlocked stdio calls. */
#define fwrite fwrite_unlocked
#define fputc putc_unlocked

int jx_format_parse(const char *s, jx_format *out)
{
    static const struct { const char *name; jx_format f; } t[] = {
        {"json", JX_FMT_JSON}, {"jsonl", JX_FMT_JSONL}, {"csv", JX_FMT_CSV}, {"summary", JX_FMT_SUMMARY}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(s, t[i].name)) return *out = t[i].f, 0;
    return -1;
}

static const char *enc_label(jx_enc e) { return jx_enc_name(e); }

static const char *delim_name(char c) { return c == '\t' ? "tab" : c == ',' ? "comma" : "other"; }

/* ---- JSON ---- */

static void cell_or_null(jx_jsonw *w, const jx_cell *c)
{
    if (!c->len) jx_jsonw_null(w);
    else jx_jsonw_str(w, c->s, c->len);
}

static void amount(jx_jsonw *w, const jx_project *p, const jx_doc *d, jx_field f)
{
    jx_dec v;
    if (jx_project_amount(p, d, f, &v) == 1) jx_jsonw_dec(w, v);
    else jx_jsonw_null(w);
}

static void money_block(jx_jsonw *w, const jx_project *p, const jx_doc *d, jx_field base)
{
#define Q(k) {"\"" k "\":", sizeof("\"" k "\":") - 1}
    static const struct { const char *q; size_t n; } parts[] = {Q("total"), Q("fiscal"), Q("general"), Q("fund"),
                                                                Q("other"), Q("carryover")};
#undef Q
    jx_jsonw_obj(w);
    for (int i = 0; i < 6; i++) {
        if (d->fieldcol[base + i] < 0) continue;
        jx_jsonw_key_quoted(w, parts[i].q, parts[i].n);
        amount(w, p, d, (jx_field)(base + i));
    }
    if (base == JX_F_BUDGET_TOTAL && d->fieldcol[JX_F_BUDGET_INITIAL] >= 0) {
        jx_jsonw_lkey(w, "initial");
        amount(w, p, d, JX_F_BUDGET_INITIAL);
    }
    jx_jsonw_end_obj(w);
}

void jx_out_repair_json(jx_jsonw *w, const jx_doc *d, const jx_project *p)
{
    const jx_repair *r = p->repair;
    if (!r) {
        jx_jsonw_null(w);
        return;
    }
    jx_jsonw_obj(w);
    jx_jsonw_lkey(w, "status");
    jx_jsonw_cstr(w, r->certain ? "certain" : "guess");
    jx_jsonw_lkey(w, "observed_cells");
    jx_jsonw_int(w, r->observed);
    jx_jsonw_lkey(w, "layout_columns");
    jx_jsonw_int(w, d->ncols);
    jx_jsonw_lkey(w, "moves");
    jx_jsonw_arr(w);
    for (int i = 0; i < r->nmoves; i++) {
        const jx_move *m = &r->moves[i];
        const jx_cell *c = &p->cells[m->cell];
        jx_jsonw_obj(w);
        jx_jsonw_lkey(w, "cell");
        jx_jsonw_int(w, m->cell + 1);
        jx_jsonw_lkey(w, "column");
        jx_jsonw_int(w, m->col + 1);
        jx_jsonw_lkey(w, "path");
        jx_jsonw_cstr(w, d->cols[m->col].path);
        jx_jsonw_lkey(w, "text");
        jx_jsonw_str(w, c->s, c->len);
        jx_jsonw_lkey(w, "certain");
        jx_jsonw_bool(w, m->certain);
        jx_jsonw_lkey(w, "alternatives");
        jx_jsonw_arr(w);
        for (int a = 0; a < m->nalt; a++) jx_jsonw_int(w, m->alt[a] + 1);
        jx_jsonw_end_arr(w);
        jx_jsonw_end_obj(w);
    }
    jx_jsonw_end_arr(w);
    jx_jsonw_lkey(w, "empty");
    jx_jsonw_arr(w);
    for (int i = 0; i < r->ngaps; i++) {
        jx_jsonw_obj(w);
        jx_jsonw_lkey(w, "column");
        jx_jsonw_int(w, r->gaps[i].col + 1);
        jx_jsonw_lkey(w, "path");
        jx_jsonw_cstr(w, d->cols[r->gaps[i].col].path);
        jx_jsonw_lkey(w, "certain");
        jx_jsonw_bool(w, r->gaps[i].certain);
        jx_jsonw_end_obj(w);
    }
    jx_jsonw_end_arr(w);
    jx_jsonw_end_obj(w);
}

static void diag_json(jx_jsonw *w, const jx_diag *g)
{
    static const char *const lv[] = {"info", "warning", "error"};
    jx_jsonw_obj(w);
    jx_jsonw_lkey(w, "level");
    jx_jsonw_cstr(w, lv[g->level]);
    jx_jsonw_lkey(w, "code");
    jx_jsonw_cstr(w, g->code);
    jx_jsonw_lkey(w, "line");
    jx_jsonw_int(w, g->line);
    if (g->col) {
        jx_jsonw_lkey(w, "cell");
        jx_jsonw_int(w, g->col);
    }
    jx_jsonw_lkey(w, "message");
    jx_jsonw_cstr(w, g->msg);
    jx_jsonw_end_obj(w);
}

static void project_json(jx_jsonw *w, const jx_doc *d, const jx_project *p, int with_source)
{
    jx_jsonw_obj(w);
    if (with_source) {
        jx_jsonw_lkey(w, "source");
        jx_jsonw_cstr(w, d->source);
    }
    jx_jsonw_lkey(w, "line");
    jx_jsonw_int(w, p->line);
    jx_jsonw_lkey(w, "kind");
    jx_jsonw_cstr(w, p->kind == JX_ROW_TOTAL ? "total" : "project");
    if (p->kind == JX_ROW_PROJECT) {
        jx_jsonw_lkey(w, "index");
        jx_jsonw_int(w, p->index);
    }
    jx_jsonw_lkey(w, "seq");
    cell_or_null(w, jx_project_field(p, d, JX_F_SEQ));
    jx_jsonw_lkey(w, "department");
    cell_or_null(w, jx_project_field(p, d, JX_F_DEPT));
    jx_jsonw_lkey(w, "name");
    cell_or_null(w, jx_project_field(p, d, JX_F_NAME));
    jx_jsonw_lkey(w, "budget");
    money_block(w, p, d, JX_F_BUDGET_TOTAL);
    jx_jsonw_lkey(w, "actual");
    money_block(w, p, d, JX_F_ACTUAL_TOTAL);

    jx_jsonw_lkey(w, "rate");
    jx_jsonw_obj(w);
    const jx_cell *rc = jx_project_field(p, d, JX_F_RATE);
    jx_dec pct, b, a;
    jx_rate_form form;
    jx_jsonw_lkey(w, "text");
    cell_or_null(w, rc);
    jx_jsonw_lkey(w, "percent");
    if (jx_rate_parse(rc->s, rc->len, &pct, &form) == 1) jx_jsonw_dec(w, pct);
    else jx_jsonw_null(w);
    jx_jsonw_lkey(w, "computed");
    if (jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &b) == 1 && jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &a) == 1 &&
        jx_rate_of(a, b, 2, &pct) == 0)
        jx_jsonw_dec(w, pct);
    else
        jx_jsonw_null(w);
    jx_jsonw_end_obj(w);

    jx_jsonw_lkey(w, "goal");
    jx_jsonw_obj(w);
    jx_jsonw_lkey(w, "target");
    cell_or_null(w, jx_project_field(p, d, JX_F_GOAL_TARGET));
    jx_jsonw_lkey(w, "result");
    cell_or_null(w, jx_project_field(p, d, JX_F_GOAL_RESULT));
    jx_jsonw_end_obj(w);

    jx_jsonw_lkey(w, "indicators");
    jx_jsonw_arr(w);
    for (int i = 0; i < d->ninds; i++) {
        const jx_ind_slot *s = &d->inds[i];
        jx_jsonw_obj(w);
        jx_jsonw_lkey(w, "level1");
        jx_jsonw_cstr(w, jx_level1_name(s->level1));
        jx_jsonw_lkey(w, "level2");
        jx_jsonw_cstr(w, jx_level2_name(s->level2));
        jx_jsonw_lkey(w, "target");
        if (s->target_col >= 0) cell_or_null(w, p->col[s->target_col]);
        else jx_jsonw_null(w);
        jx_jsonw_lkey(w, "result");
        if (s->result_col >= 0) cell_or_null(w, p->col[s->result_col]);
        else jx_jsonw_null(w);
        jx_jsonw_end_obj(w);
    }
    jx_jsonw_end_arr(w);

    jx_jsonw_lkey(w, "problems");
    cell_or_null(w, jx_project_field(p, d, JX_F_PROBLEMS));
    jx_jsonw_lkey(w, "rectification");
    cell_or_null(w, jx_project_field(p, d, JX_F_RECTIFICATION));

    int nextra = 0;
    for (int c = 0; c < d->ncols; c++) nextra += d->cols[c].field == JX_F_UNKNOWN;
    if (nextra || p->nextra) {
        jx_jsonw_lkey(w, "extra");
        jx_jsonw_obj(w);
        for (int c = 0; c < d->ncols; c++) {
            if (d->cols[c].field != JX_F_UNKNOWN) continue;
            jx_jsonw_key(w, d->cols[c].path[0] ? d->cols[c].path : "(unlabelled)");
            cell_or_null(w, p->col[c]);
        }
        jx_jsonw_end_obj(w);
    }
    jx_jsonw_lkey(w, "cells");
    jx_jsonw_arr(w);
    for (int i = 0; i < p->ncells; i++) jx_jsonw_str(w, p->cells[i].s, p->cells[i].len);
    jx_jsonw_end_arr(w);
    jx_jsonw_lkey(w, "repair");
    jx_out_repair_json(w, d, p);
    jx_jsonw_lkey(w, "diagnostics");
    jx_jsonw_arr(w);
    for (int i = 0; i < p->ndiags; i++) diag_json(w, &p->diags[i]);
    jx_jsonw_end_arr(w);
    jx_jsonw_end_obj(w);
}

static void doc_head_json(jx_jsonw *w, const jx_doc *d)
{
    jx_jsonw_lkey(w, "source");
    jx_jsonw_cstr(w, d->source);
    jx_jsonw_lkey(w, "encoding");
    jx_jsonw_cstr(w, enc_label(d->encoding));
    jx_jsonw_lkey(w, "delimiter");
    jx_jsonw_cstr(w, delim_name(d->delim));
    jx_jsonw_lkey(w, "title");
    jx_jsonw_cstr(w, d->title);
    jx_jsonw_lkey(w, "year");
    if (d->year) jx_jsonw_int(w, d->year);
    else jx_jsonw_null(w);
    jx_jsonw_lkey(w, "department");
    jx_jsonw_cstr(w, d->department);
    jx_jsonw_lkey(w, "unit");
    jx_jsonw_cstr(w, jx_unit_name(d->unit));
    jx_jsonw_lkey(w, "unit_code");
    jx_jsonw_cstr(w, jx_unit_code(d->unit));
    jx_jsonw_lkey(w, "header");
    jx_jsonw_obj(w);
    jx_jsonw_lkey(w, "first_line");
    jx_jsonw_int(w, d->header_first_line);
    jx_jsonw_lkey(w, "last_line");
    jx_jsonw_int(w, d->header_last_line);
    jx_jsonw_lkey(w, "rows");
    jx_jsonw_int(w, d->header_rows);
    jx_jsonw_end_obj(w);
    jx_jsonw_lkey(w, "columns");
    jx_jsonw_arr(w);
    for (int c = 0; c < d->ncols; c++) {
        const jx_column *col = &d->cols[c];
        jx_jsonw_obj(w);
        jx_jsonw_lkey(w, "index");
        jx_jsonw_int(w, c + 1);
        jx_jsonw_lkey(w, "path");
        jx_jsonw_cstr(w, col->path);
        jx_jsonw_lkey(w, "field");
        jx_jsonw_cstr(w, jx_field_key(col->field));
        if (col->field >= JX_F_IND_TARGET && col->field <= JX_F_IND_SCORE) {
            jx_jsonw_lkey(w, "level1");
            jx_jsonw_cstr(w, jx_level1_name(col->level1));
            jx_jsonw_lkey(w, "level2");
            jx_jsonw_cstr(w, jx_level2_name(col->level2));
        }
        jx_jsonw_end_obj(w);
    }
    jx_jsonw_end_arr(w);
}

/* ---- CSV ---- */

static const struct { jx_level1 l1; jx_level2 l2; const char *key; } csv_inds[] = {
    {JX_L1_OUTPUT, JX_L2_QUANTITY, "output_quantity"},     {JX_L1_OUTPUT, JX_L2_QUALITY, "output_quality"},
    {JX_L1_OUTPUT, JX_L2_TIMELINESS, "output_timeliness"}, {JX_L1_OUTPUT, JX_L2_COST, "output_cost"},
    {JX_L1_COST, JX_L2_COST, "cost"},                      {JX_L1_BENEFIT, JX_L2_ECONOMIC, "benefit_economic"},
    {JX_L1_BENEFIT, JX_L2_SOCIAL, "benefit_social"},       {JX_L1_BENEFIT, JX_L2_ECOLOGICAL, "benefit_ecological"},
    {JX_L1_BENEFIT, JX_L2_SUSTAINABLE, "benefit_sustainable"},
    {JX_L1_SATISFACTION, JX_L2_SATISFACTION, "satisfaction"},
};
#define NCSV_INDS (sizeof csv_inds / sizeof csv_inds[0])

static const struct { const char *name; jx_field f; } csv_money[] = {
    {"budget_total", JX_F_BUDGET_TOTAL},     {"budget_fiscal", JX_F_BUDGET_FISCAL},
    {"budget_general", JX_F_BUDGET_GENERAL}, {"budget_fund", JX_F_BUDGET_FUND},
    {"budget_other", JX_F_BUDGET_OTHER},     {"budget_carryover", JX_F_BUDGET_CARRY},
    {"budget_initial", JX_F_BUDGET_INITIAL}, {"actual_total", JX_F_ACTUAL_TOTAL},
    {"actual_fiscal", JX_F_ACTUAL_FISCAL},   {"actual_general", JX_F_ACTUAL_GENERAL},
    {"actual_fund", JX_F_ACTUAL_FUND},       {"actual_other", JX_F_ACTUAL_OTHER},
    {"actual_carryover", JX_F_ACTUAL_CARRY},
};
#define NCSV_MONEY (sizeof csv_money / sizeof csv_money[0])

/* Whether a CSV field needs quoting: it holds a comma, a quote or a line end.
 * One pass, 16 bytes at a time where SSE2 is there. */
static int csv_needs_quote(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n'),
                  cr = _mm_set1_epi8('\r');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
        if (_mm_movemask_epi8(hit)) return 1;
    }
#endif
    for (; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') return 1;
    return 0;
}

static void csv_field(FILE *f, const char *s, size_t n)
{
    if (!csv_needs_quote(s, n)) {
        jx_put(f, s, n);
        return;
    }
    /* Copy runs between quotes whole; each quote is doubled. */
    fputc('"', f);
    size_t run = 0;
    for (const char *q; (q = memchr(s + run, '"', n - run)) != NULL; run = (size_t)(q - s) + 1) {
        jx_put(f, s + run, (size_t)(q - s) + 1 - run);
        fputc('"', f);
    }
    jx_put(f, s + run, n - run);
    fputc('"', f);
}

static void csv_cstr(FILE *f, const char *s) { csv_field(f, s ? s : "", s ? strlen(s) : 0); }

static void csv_header(FILE *f)
{
    fputs("source,line,kind,index,title,year,department_unit,unit,seq,department,name", f);
    for (size_t i = 0; i < NCSV_MONEY; i++) fprintf(f, ",%s", csv_money[i].name);
    fputs(",rate_text,rate_percent,rate_computed,goal_target,goal_result", f);
    for (size_t i = 0; i < NCSV_INDS; i++) fprintf(f, ",%s_target,%s_result", csv_inds[i].key, csv_inds[i].key);
    fputs(",problems,rectification,repair\n", f);
}

static void csv_project(FILE *f, const jx_doc *d, const jx_project *p)
{
    char buf[JX_DEC_BUFSZ];
    jx_dec v, b, a;
    jx_rate_form form;
    csv_cstr(f, d->source);
    fprintf(f, ",%ld,%s,%d,", p->line, p->kind == JX_ROW_TOTAL ? "total" : "project", p->index);
    csv_cstr(f, d->title);
    fputc(',', f);
    if (d->year) fprintf(f, "%d", d->year);
    fputc(',', f);
    csv_cstr(f, d->department);
    fputc(',', f);
    csv_cstr(f, jx_unit_code(d->unit));
    static const jx_field texts[] = {JX_F_SEQ, JX_F_DEPT, JX_F_NAME};
    for (size_t i = 0; i < 3; i++) {
        const jx_cell *c = jx_project_field(p, d, texts[i]);
        fputc(',', f);
        csv_field(f, c->s, c->len);
    }
    for (size_t i = 0; i < NCSV_MONEY; i++) {
        fputc(',', f);
        if (jx_project_amount(p, d, csv_money[i].f, &v) == 1) fwrite(buf, 1, (size_t)jx_dec_format(v, buf), f);
    }
    const jx_cell *rc = jx_project_field(p, d, JX_F_RATE);
    fputc(',', f);
    csv_field(f, rc->s, rc->len);
    fputc(',', f);
    if (jx_rate_parse(rc->s, rc->len, &v, &form) == 1) fwrite(buf, 1, (size_t)jx_dec_format(v, buf), f);
    fputc(',', f);
    if (jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &b) == 1 && jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &a) == 1 &&
        jx_rate_of(a, b, 2, &v) == 0)
        fwrite(buf, 1, (size_t)jx_dec_format(v, buf), f);
    static const jx_field goals[] = {JX_F_GOAL_TARGET, JX_F_GOAL_RESULT};
    for (size_t i = 0; i < 2; i++) {
        const jx_cell *c = jx_project_field(p, d, goals[i]);
        fputc(',', f);
        csv_field(f, c->s, c->len);
    }
    for (size_t k = 0; k < NCSV_INDS; k++) {
        const jx_ind_slot *s = NULL;
        for (int i = 0; i < d->ninds && !s; i++)
            if (d->inds[i].level1 == csv_inds[k].l1 && d->inds[i].level2 == csv_inds[k].l2) s = &d->inds[i];
        for (int role = 0; role < 2; role++) {
            int c = s ? (role ? s->result_col : s->target_col) : -1;
            fputc(',', f);
            if (c >= 0) csv_field(f, p->col[c]->s, p->col[c]->len);
        }
    }
    static const jx_field tail[] = {JX_F_PROBLEMS, JX_F_RECTIFICATION};
    for (size_t i = 0; i < 2; i++) {
        const jx_cell *c = jx_project_field(p, d, tail[i]);
        fputc(',', f);
        csv_field(f, c->s, c->len);
    }
    fputc(',', f);
    if (p->repair) fputs(p->repair->certain ? "certain" : "guess", f);
    fputc('\n', f);
}

/* ---- summary ---- */

/* Prints s cut to at most `cols` display columns and padded to exactly that. */
static void pad(FILE *f, const char *s, size_t n, int cols, int right);

/* Prints a figure right-aligned in `cols` columns, never cut. */
static void figure(FILE *f, const char *s, int cols)
{
    int n = (int)strlen(s);
    for (int i = n; i < cols; i++) fputc(' ', f);
    fputs(s, f);
}

static void pad(FILE *f, const char *s, size_t n, int cols, int right)
{
    size_t cut = 0;
    int w = 0;
    while (cut < n) {
        unsigned char c = (unsigned char)s[cut];
        int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        int cw = len >= 3 ? 2 : 1;
        if (w + cw > cols) break;
        w += cw;
        cut += (size_t)len;
    }
    if (right)
        for (int i = w; i < cols; i++) fputc(' ', f);
    fwrite(s, 1, cut, f);
    if (!right)
        for (int i = w; i < cols; i++) fputc(' ', f);
}

static void summary_doc_begin(FILE *f, const jx_doc *d)
{
    fprintf(f, "%s  (%s, %s-separated, header lines %ld-%ld)\n", d->source, enc_label(d->encoding),
            delim_name(d->delim), d->header_first_line, d->header_last_line);
    if (d->title) fprintf(f, "  %s\n", d->title);
    fprintf(f, "  部门: %s   年度: ", d->department ? d->department : "(not stated)");
    if (d->year) fprintf(f, "%d", d->year);
    else fputs("(not stated)", f);
    fprintf(f, "   单位: %s\n\n", d->unit ? jx_unit_name(d->unit) : "(unknown)");
    fputs("  line  #   ", f);
    pad(f, "项目", strlen("项目"), 22, 0);
    fputs("        预算        支出    执行率   (算得)  指标  修复\n", f);
}

static void summary_project(FILE *f, const jx_doc *d, const jx_project *p)
{
    char buf[JX_DEC_BUFSZ];
    jx_dec b, a, r;
    int hb = jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &b) == 1;
    int ha = jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &a) == 1;
    const jx_cell *name = jx_project_field(p, d, JX_F_NAME);
    const jx_cell *rate = jx_project_field(p, d, JX_F_RATE);
    fprintf(f, "  %4ld  ", p->line);
    if (p->kind == JX_ROW_TOTAL) fputs("  ", f);
    else fprintf(f, "%-2d", p->index);
    fputs("  ", f);
    pad(f, name->s, name->len, 22, 0);
    fputc(' ', f);
    if (hb) jx_dec_format(b, buf); else strcpy(buf, "-");
    figure(f, buf, 11);
    fputc(' ', f);
    if (ha) jx_dec_format(a, buf); else strcpy(buf, "-");
    figure(f, buf, 11);
    fputc(' ', f);
    pad(f, rate->len ? rate->s : "-", rate->len ? rate->len : 1, 9, 1);
    fputc(' ', f);
    if (hb && ha && jx_rate_of(a, b, 2, &r) == 0) {
        int n = jx_dec_format(r, buf);
        buf[n] = '%', buf[n + 1] = 0;
    } else {
        strcpy(buf, "-");
    }
    pad(f, buf, strlen(buf), 8, 1);
    int filled = 0;
    for (int i = 0; i < d->ninds; i++) {
        int t = d->inds[i].target_col, rs = d->inds[i].result_col;
        filled += (t >= 0 && p->col[t]->len) || (rs >= 0 && p->col[rs]->len);
    }
    fprintf(f, "  %2d/%-2d", filled, d->ninds);
    if (p->repair) fprintf(f, " %s", p->repair->certain ? "realigned" : "realigned (guess)");
    fputc('\n', f);
}

static void summary_repairs(FILE *f, const jx_doc *d, const jx_project *p)
{
    const jx_repair *r = p->repair;
    if (!r) return;
    const jx_cell *name = jx_project_field(p, d, JX_F_NAME);
    fprintf(f, "        ↳ line %ld %.*s: %d of %d cells, %s\n", p->line, (int)name->len, name->s, r->observed,
            d->ncols, r->certain ? "every placement certain" : "best guess, alternatives below");
    for (int i = 0; i < r->ngaps; i++)
        fprintf(f, "          empty column %d (%s)%s\n", r->gaps[i].col + 1, d->cols[r->gaps[i].col].path,
                r->gaps[i].certain ? "" : "  [guess]");
    for (int i = 0; i < r->nmoves; i++) {
        const jx_move *m = &r->moves[i];
        const jx_cell *c = &p->cells[m->cell];
        if (m->certain) continue;
        fprintf(f, "          cell %d \"%.*s…\" -> column %d, could also be column", m->cell + 1,
                (int)jx_utf8_prefix(c->s, c->len, 24), c->s, m->col + 1);
        for (int a = 0; a < m->nalt; a++) fprintf(f, "%s %d", a ? "," : "", m->alt[a] + 1);
        fputc('\n', f);
    }
}

/* ---- dispatch ---- */

void jx_out_begin(jx_out *o, FILE *f, jx_format fmt, int many)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    o->fmt = fmt;
    o->many = many;
    jx_jsonw_init(&o->w, f, 1);
    if (fmt == JX_FMT_JSON && many) jx_jsonw_arr(&o->w);
}

void jx_out_doc_begin(jx_out *o, const jx_doc *d)
{
    jx_totals_init(&o->totals);
    o->nrepaired = o->nguessed = o->nrows = 0;
    o->ndocs++;
    switch (o->fmt) {
    case JX_FMT_JSON:
        jx_jsonw_obj(&o->w);
        doc_head_json(&o->w, d);
        jx_jsonw_lkey(&o->w, "projects");
        jx_jsonw_arr(&o->w);
        break;
    case JX_FMT_CSV:
        if (!o->csv_header) csv_header(o->f);
        o->csv_header = 1;
        break;
    case JX_FMT_SUMMARY:
        if (o->ndocs > 1) fputc('\n', o->f);
        summary_doc_begin(o->f, d);
        break;
    case JX_FMT_JSONL: break;
    }
}

void jx_out_project(jx_out *o, const jx_doc *d, const jx_project *p)
{
    jx_totals_add(&o->totals, p, d);
    o->nrows++;
    if (p->repair) {
        o->nrepaired++;
        o->nguessed += !p->repair->certain;
    }
    switch (o->fmt) {
    case JX_FMT_JSON: project_json(&o->w, d, p, 0); break;
    case JX_FMT_JSONL: {
        jx_jsonw w;
        jx_jsonw_init(&w, o->f, 0);
        project_json(&w, d, p, 1);
        fputc('\n', o->f);
        break;
    }
    case JX_FMT_CSV: csv_project(o->f, d, p); break;
    case JX_FMT_SUMMARY:
        summary_project(o->f, d, p);
        summary_repairs(o->f, d, p);
        for (int i = 0; i < p->ndiags; i++)
            if (p->diags[i].level >= JX_DIAG_WARNING) fprintf(o->f, "        ! %s\n", p->diags[i].msg);
        break;
    }
}

void jx_out_doc_end(jx_out *o, const jx_doc *d, const char *error)
{
    char buf[JX_DEC_BUFSZ];
    jx_dec r;
    const jx_totals *t = &o->totals;
    switch (o->fmt) {
    case JX_FMT_JSON:
        jx_jsonw_end_arr(&o->w);
        jx_jsonw_lkey(&o->w, "totals");
        jx_jsonw_obj(&o->w);
        jx_jsonw_lkey(&o->w, "projects");
        jx_jsonw_int(&o->w, t->projects);
        jx_jsonw_lkey(&o->w, "budget");
        if (t->nbudget && !t->overflow) jx_jsonw_dec(&o->w, t->budget);
        else jx_jsonw_null(&o->w);
        jx_jsonw_lkey(&o->w, "actual");
        if (t->nactual && !t->overflow) jx_jsonw_dec(&o->w, t->actual);
        else jx_jsonw_null(&o->w);
        jx_jsonw_lkey(&o->w, "rate");
        if (jx_totals_rate(t, &r) == 0)
            jx_jsonw_dec(&o->w, r);
        else
            jx_jsonw_null(&o->w);
        jx_jsonw_lkey(&o->w, "realigned_rows");
        jx_jsonw_int(&o->w, o->nrepaired);
        jx_jsonw_lkey(&o->w, "guessed_rows");
        jx_jsonw_int(&o->w, o->nguessed);
        jx_jsonw_end_obj(&o->w);
        jx_jsonw_lkey(&o->w, "diagnostics");
        jx_jsonw_arr(&o->w);
        for (int i = 0; i < d->ndiags; i++) diag_json(&o->w, &d->diags[i]);
        jx_jsonw_end_arr(&o->w);
        if (error) {
            jx_jsonw_lkey(&o->w, "error");
            jx_jsonw_cstr(&o->w, error);
        }
        jx_jsonw_end_obj(&o->w);
        if (!o->many) fputc('\n', o->f);
        break;
    case JX_FMT_SUMMARY:
        fputs("  ", o->f);
        pad(o->f, "", 0, 12, 0);
        pad(o->f, "合计", strlen("合计"), 22, 0);
        fputc(' ', o->f);
        jx_dec_format(t->budget, buf);
        figure(o->f, buf, 11);
        fputc(' ', o->f);
        jx_dec_format(t->actual, buf);
        figure(o->f, buf, 11);
        fputs("           ", o->f);
        if (jx_totals_rate(t, &r) == 0) {
            int n = jx_dec_format(r, buf);
            buf[n] = '%', buf[n + 1] = 0;
            pad(o->f, buf, strlen(buf), 8, 1);
        }
        fprintf(o->f, "\n\n  %d projects, %d realigned (%d best guesses)\n", t->projects, o->nrepaired, o->nguessed);
        if (t->npaired && (t->npaired != t->nbudget || t->npaired != t->nactual))
            fprintf(o->f, "  the rate is over the %d projects that give both amounts\n", t->npaired);
        for (int i = 0; i < d->ndiags; i++)
            fprintf(o->f, "  note: %s\n", d->diags[i].msg);
        if (error) fprintf(o->f, "  stopped early: %s\n", error);
        break;
    case JX_FMT_CSV:
    case JX_FMT_JSONL: break;
    }
}

void jx_out_end(jx_out *o)
{
    if (o->fmt == JX_FMT_JSON && o->many) {
        jx_jsonw_end_arr(&o->w);
        fputc('\n', o->f);
    }
    fflush(o->f);
}

/* ---- merging the output of workers ---- */

void jx_out_worker(jx_out *o, FILE *f)
{
    o->f = f;
    jx_jsonw_init(&o->w, f, 1);
    if (o->fmt == JX_FMT_JSON && o->many) o->w.depth = 1; /* inside the array, after an element */
    o->csv_header = 1;
    o->ndocs = o->recorded = 1;
}

void jx_out_record(jx_out *o, FILE *rec)
{
    fputc(o->ndocs > o->recorded, rec); /* a document was written */
    o->recorded = o->ndocs;
}

void jx_out_merge(jx_out *o, jx_each_unit *u, const char *rec, size_t nrec)
{
    int skip = 0; /* the separator a first document does not have */
    if (nrec && rec[0]) {
        if (o->fmt == JX_FMT_JSON && o->many) {
            skip = o->w.first[1] ? ',' : 0;
            o->w.first[1] = 0;
        } else if (o->fmt == JX_FMT_CSV && !o->csv_header) {
            csv_header(o->f);
            o->csv_header = 1;
        } else if (o->fmt == JX_FMT_SUMMARY && o->ndocs == 0) {
            skip = '\n';
        }
        o->ndocs++;
    }
    jx_each_unit_copy(u, o->f, skip);
}
