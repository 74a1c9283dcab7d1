/* The report of jixiao check: readable text grouped by file and row with
 * counts at the end, or one JSON object (tests/data/check/report.schema.json).
 * Findings stream out as each row is checked; JSON spools them to a temporary
 * file so that "valid" and "counts" can still come first. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int jx_check_format_parse(const char *s, jx_check_format *out)
{
    if (!strcmp(s, "text")) return *out = JX_CHECK_TEXT, 0;
    if (!strcmp(s, "json")) return *out = JX_CHECK_JSON, 0;
    return -1;
}

int jx_check_out_begin(jx_check_out *o, FILE *f, jx_check_format fmt, jx_err *err)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    o->fmt = fmt;
    o->group_line = -1;
    if (fmt == JX_CHECK_JSON) {
        o->spool = tmpfile();
        if (!o->spool) {
            int e = errno;
            return jx_err_set(err, JX_EIO, "cannot create a temporary file for the report: %s", strerror(e));
        }
        /* the spool holds the elements of the findings array, written as a
         * writer two levels deep would write them */
        jx_jsonw_init(&o->sw, o->spool, 1);
        o->sw.depth = 2;
        o->sw.first[2] = 1;
    }
    return 0;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static jx_check_file *add_file(jx_check_out *o, const char *source)
{
    if (o->nfiles == o->cap) {
        int cap = o->cap ? o->cap * 2 : 8;
        jx_check_file *v = realloc(o->files, sizeof *v * (size_t)cap);
        if (!v) return NULL;
        o->files = v, o->cap = cap;
    }
    jx_check_file *fl = &o->files[o->nfiles++];
    *fl = (jx_check_file){0};
    fl->source = dup_or_null(source);
    return fl;
}

static void counts_text(FILE *f, const long c[3])
{
    fprintf(f, "%ld error%s, %ld warning%s, %ld info", c[JX_SEV_ERROR], c[JX_SEV_ERROR] == 1 ? "" : "s",
            c[JX_SEV_WARNING], c[JX_SEV_WARNING] == 1 ? "" : "s", c[JX_SEV_INFO]);
}

void jx_check_out_doc_begin(jx_check_out *o, const jx_doc *d)
{
    jx_check_file *fl = add_file(o, d->source);
    if (fl) {
        fl->title = dup_or_null(d->title);
        fl->year = d->year;
    }
    memset(o->doc_counts, 0, sizeof o->doc_counts);
    o->group_line = -1;
    o->group_project = -1;
    if (o->fmt != JX_CHECK_TEXT) return;
    fprintf(o->f, "%s", d->source);
    if (d->title) fprintf(o->f, ": %s", d->title);
    if (d->year) fprintf(o->f, " (%d)", d->year);
    fputc('\n', o->f);
}

static void finding_text(jx_check_out *o, const jx_finding *x)
{
    FILE *f = o->f;
    int doc_level = x->project_name == NULL;
    if (doc_level ? o->group_project != 0 || o->group_line != 0
                  : o->group_line != x->line || o->group_project != x->project) {
        if (doc_level) fputs("  document\n", f);
        else if (x->project) fprintf(f, "  project %d %s (line %ld)\n", x->project, x->project_name, x->line);
        else fprintf(f, "  total row %s (line %ld)\n", x->project_name, x->line);
        o->group_line = doc_level ? 0 : x->line;
        o->group_project = doc_level ? 0 : x->project;
    }
    fprintf(f, "    %-7s [%s]", jx_sev_name(x->severity), x->rule);
    if (doc_level && x->line) fprintf(f, " line %ld", x->line);
    if (x->column) {
        fprintf(f, " column %d", x->column);
        if (x->column_path && *x->column_path) fprintf(f, " (%s)", x->column_path);
        if (x->cell) fprintf(f, ", cell %d as read", x->cell);
    }
    if (x->text) fprintf(f, ": \"%s\"", x->text);
    fprintf(f, "\n      %s\n", x->message);
}

static void finding_json(jx_jsonw *w, const char *file, const jx_finding *x)
{
    jx_jsonw_obj(w);
    jx_jsonw_lkey(w, "rule");
    jx_jsonw_cstr(w, x->rule);
    jx_jsonw_lkey(w, "severity");
    jx_jsonw_cstr(w, jx_sev_name(x->severity));
    jx_jsonw_lkey(w, "file");
    jx_jsonw_cstr(w, file);
    jx_jsonw_lkey(w, "line");
    if (x->line) jx_jsonw_int(w, x->line);
    else jx_jsonw_null(w);
    jx_jsonw_lkey(w, "project");
    if (x->project) jx_jsonw_int(w, x->project);
    else jx_jsonw_null(w);
    jx_jsonw_lkey(w, "project_name");
    jx_jsonw_cstr(w, x->project_name);
    jx_jsonw_lkey(w, "column");
    if (x->column) jx_jsonw_int(w, x->column);
    else jx_jsonw_null(w);
    jx_jsonw_lkey(w, "column_path");
    jx_jsonw_cstr(w, x->column_path);
    if (x->cell) {
        jx_jsonw_lkey(w, "cell");
        jx_jsonw_int(w, x->cell);
    }
    jx_jsonw_lkey(w, "text");
    jx_jsonw_cstr(w, x->text);
    jx_jsonw_lkey(w, "message");
    jx_jsonw_cstr(w, x->message);
    jx_jsonw_end_obj(w);
}

void jx_check_out_findings(jx_check_out *o, const jx_doc *d, const jx_finding *v, int n)
{
    for (int i = 0; i < n; i++) {
        o->counts[v[i].severity]++;
        o->doc_counts[v[i].severity]++;
        if (o->fmt == JX_CHECK_TEXT) finding_text(o, &v[i]);
        else finding_json(&o->sw, d->source, &v[i]);
    }
}

void jx_check_out_doc_end(jx_check_out *o, const jx_doc *d, int projects, const char *error)
{
    jx_check_file *fl = o->nfiles ? &o->files[o->nfiles - 1] : NULL;
    if (fl && fl->source && !strcmp(fl->source, d->source)) {
        fl->projects = projects;
        if (error) fl->error = strdup(error);
    }
    if (error) o->failed++;
    if (o->fmt != JX_CHECK_TEXT) return;
    if (error) fprintf(o->f, "  stopped early: %s\n", error);
    fprintf(o->f, "  %d project%s: ", projects, projects == 1 ? "" : "s");
    if (o->doc_counts[0] + o->doc_counts[1] + o->doc_counts[2]) counts_text(o->f, o->doc_counts);
    else fputs("no findings", o->f);
    fputs("\n\n", o->f);
}

void jx_check_out_fail(jx_check_out *o, const char *path, const char *error)
{
    jx_check_file *fl = add_file(o, path);
    if (fl) fl->error = strdup(error);
    o->failed++;
    if (o->fmt == JX_CHECK_TEXT) fprintf(o->f, "%s\n  cannot be checked: %s\n\n", path, error);
}

static void files_json(jx_jsonw *w, const jx_check_out *o)
{
    jx_jsonw_arr(w);
    for (int i = 0; i < o->nfiles; i++) {
        const jx_check_file *fl = &o->files[i];
        jx_jsonw_obj(w);
        jx_jsonw_lkey(w, "source");
        jx_jsonw_cstr(w, fl->source ? fl->source : "");
        jx_jsonw_lkey(w, "title");
        jx_jsonw_cstr(w, fl->title);
        jx_jsonw_lkey(w, "year");
        if (fl->year) jx_jsonw_int(w, fl->year);
        else jx_jsonw_null(w);
        jx_jsonw_lkey(w, "projects");
        jx_jsonw_int(w, fl->projects);
        if (fl->error) {
            jx_jsonw_lkey(w, "error");
            jx_jsonw_cstr(w, fl->error);
        }
        jx_jsonw_end_obj(w);
    }
    jx_jsonw_end_arr(w);
}

int jx_check_out_end(jx_check_out *o, int broken)
{
    int rc = 0;
    int valid = o->counts[JX_SEV_ERROR] == 0 && o->failed == 0 && !broken;
    if (o->fmt == JX_CHECK_TEXT) {
        counts_text(o->f, o->counts);
        fprintf(o->f, " in %d file%s", o->nfiles, o->nfiles == 1 ? "" : "s");
        if (o->failed) fprintf(o->f, "; %d could not be read", o->failed);
        fputc('\n', o->f);
    } else {
        jx_jsonw w;
        jx_jsonw_init(&w, o->f, 1);
        jx_jsonw_obj(&w);
        jx_jsonw_lkey(&w, "valid");
        jx_jsonw_bool(&w, valid);
        jx_jsonw_lkey(&w, "counts");
        jx_jsonw_obj(&w);
        static const char *const keys[] = {"error", "warning", "info"};
        for (int s = JX_SEV_ERROR; s >= JX_SEV_INFO; s--) {
            jx_jsonw_key(&w, keys[JX_SEV_ERROR - s]);
            jx_jsonw_int(&w, o->counts[s]);
        }
        jx_jsonw_end_obj(&w);
        jx_jsonw_lkey(&w, "files");
        files_json(&w, o);
        jx_jsonw_lkey(&w, "findings");
        jx_jsonw_arr(&w);
        char buf[65536];
        size_t k;
        int any = ftell(o->spool) > 0;
        rewind(o->spool);
        while ((k = fread(buf, 1, sizeof buf, o->spool)) > 0) fwrite(buf, 1, k, o->f);
        w.first[w.depth] = !any; /* what the spooled elements leave behind */
        jx_jsonw_end_arr(&w);
        jx_jsonw_end_obj(&w);
        fputc('\n', o->f);
        if (ferror(o->spool)) rc = -1;
        fclose(o->spool);
    }
    for (int i = 0; i < o->nfiles; i++)
        free(o->files[i].source), free(o->files[i].title), free(o->files[i].error);
    free(o->files);
    o->files = NULL;
    o->spool = NULL;
    return rc;
}

/* ---- merging the reports of workers ---- */

void jx_check_out_worker(jx_check_out *o, FILE *f)
{
    o->f = f;
    o->spool = NULL; /* the parent's; the worker's findings go to f */
    if (o->fmt == JX_CHECK_JSON) {
        jx_jsonw_init(&o->sw, f, 1);
        o->sw.depth = 2; /* each element after a comma, as in the parent's spool */
    }
}

static void put_str(FILE *rec, const char *s)
{
    int32_t n = s ? (int32_t)strlen(s) : -1;
    fwrite(&n, sizeof n, 1, rec);
    if (s) fwrite(s, 1, (size_t)n, rec);
}

void jx_check_out_record(jx_check_out *o, FILE *rec)
{
    int32_t head[2] = {o->failed, o->nfiles};
    fwrite(o->counts, sizeof o->counts, 1, rec);
    fwrite(head, sizeof head, 1, rec);
    for (int i = 0; i < o->nfiles; i++) {
        jx_check_file *fl = &o->files[i];
        int32_t nums[2] = {fl->year, fl->projects};
        fwrite(nums, sizeof nums, 1, rec);
        put_str(rec, fl->source), put_str(rec, fl->title), put_str(rec, fl->error);
        free(fl->source), free(fl->title), free(fl->error);
    }
    memset(o->counts, 0, sizeof o->counts);
    o->failed = o->nfiles = 0;
}

struct reader {
    const char *p, *end;
};

static int get(struct reader *r, void *v, size_t n)
{
    if ((size_t)(r->end - r->p) < n) return -1;
    memcpy(v, r->p, n);
    r->p += n;
    return 0;
}

/* A string of the record, malloc'ed (NULL for none); -1 when cut short. */
static int get_str(struct reader *r, char **out)
{
    int32_t n;
    *out = NULL;
    if (get(r, &n, sizeof n) < 0 || n < -1 || n > r->end - r->p) return -1;
    if (n < 0) return 0;
    if ((*out = malloc((size_t)n + 1))) {
        memcpy(*out, r->p, (size_t)n);
        (*out)[n] = 0;
    }
    r->p += n;
    return 0;
}

void jx_check_out_merge(jx_check_out *o, jx_each_unit *u, const char *rec, size_t nrec)
{
    struct reader r = {rec, rec + nrec};
    long counts[3];
    int32_t head[2];
    if (get(&r, counts, sizeof counts) == 0 && get(&r, head, sizeof head) == 0) {
        for (int s = 0; s < 3; s++) o->counts[s] += counts[s];
        o->failed += head[0];
        for (int i = 0; i < head[1]; i++) {
            int32_t nums[2];
            char *source, *title, *error;
            if (get(&r, nums, sizeof nums) < 0) break;
            int cut = get_str(&r, &source) < 0;
            cut |= get_str(&r, &title) < 0;
            cut |= get_str(&r, &error) < 0;
            jx_check_file *fl = cut ? NULL : add_file(o, NULL);
            if (!fl) {
                free(source), free(title), free(error);
                break;
            }
            *fl = (jx_check_file){source, title, error, nums[0], nums[1]};
        }
    }
    FILE *to = o->fmt == JX_CHECK_JSON ? o->spool : o->f;
    int skip = o->fmt == JX_CHECK_JSON && ftell(o->spool) == 0 ? ',' : 0; /* the first element has no comma */
    if (jx_each_unit_copy(u, to, skip) && o->fmt == JX_CHECK_JSON) o->sw.first[2] = 0;
}
