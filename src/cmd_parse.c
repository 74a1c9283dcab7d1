/* jixiao parse: reads tables into the canonical model and writes it as JSON,
 * JSON Lines, CSV or a readable summary. Streams: one project at a time. */
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "cmd.h"
#include "each.h"
#include "out_model.h"
#include "table.h"

static int doc_begin(void *ud, const jx_doc *d)
{
    jx_out_doc_begin(ud, d);
    return 0;
}

static int project(void *ud, const jx_doc *d, const jx_project *p)
{
    jx_out_project(ud, d, p);
    return 0;
}

static void doc_end(void *ud, const jx_doc *d, const jx_err *err)
{
    if (err) fprintf(stderr, "jixiao parse: %s\n", err->msg);
    jx_out_doc_end(ud, d, err ? err->msg : NULL);
}

static void fail(void *ud, const char *path, const jx_err *err)
{
    (void)ud, (void)path;
    fprintf(stderr, "jixiao parse: %s\n", err->msg);
}

static void worker(void *ud, FILE *f) { jx_out_worker(ud, f); }
static void record(void *ud, FILE *rec) { jx_out_record(ud, rec); }
static void merge(void *ud, jx_each_unit *u, const char *rec, size_t n) { jx_out_merge(ud, u, rec, n); }

int jx_cmd_parse(int argc, char **argv)
{
    jx_table_opts topts = {0};
    jx_format fmt = JX_FMT_JSON;
    const char *out_path = NULL, *v;
    const char **files = (const char **)argv; /* operands, gathered by jx_cli_operand */
    int nfiles = 0, r, only_files = 0, jobs = 1;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        if (jx_cli_operand(argv, &i, &nfiles, &only_files)) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) return jx_help("parse");
        if ((r = jx_cli_opt(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0) return 2;
            if (jx_format_parse(v, &fmt) < 0)
                return jx_cli_usage("parse", "--format: '%s' is not one of json, jsonl, csv, summary", v);
            continue;
        }
        if ((r = jx_cli_opt(argc, argv, &i, "--output", &v)) != 0 || (r = jx_cli_opt(argc, argv, &i, "-o", &v)) != 0) {
            if (r < 0) return 2;
            out_path = v;
            continue;
        }
        if ((r = jx_cli_reader_opt(argc, argv, &i, &topts)) != 0 || (r = jx_cli_jobs(argc, argv, &i, &jobs)) != 0) {
            if (r < 0) return 2;
            continue;
        }
        return jx_cli_usage("parse", "unknown option '%s'; see 'jixiao help parse'", a);
    }
    if (nfiles == 0) return jx_cli_usage("parse", "no input; give one or more files, or - for standard input");

    jx_atomic out = {0};
    jx_err err = {0};
    FILE *f = stdout;
    if (out_path) {
        if (jx_atomic_open(&out, out_path, &err) < 0) {
            fprintf(stderr, "jixiao parse: %s\n", err.msg);
            return 2;
        }
        f = out.f;
    }
    /* Output is written in small pieces; a large buffer makes them cheap. */
    static char outbuf[1 << 18];
    setvbuf(f, outbuf, _IOFBF, sizeof outbuf);
    jx_out o;
    jx_out_begin(&o, f, fmt, nfiles > 1);
    jx_each_hooks h = {&o, doc_begin, project, doc_end, fail};
    jx_each_merge m = {worker, record, merge, NULL};
    int failed = jx_each_table_jobs(files, nfiles, jobs, &topts, &h, &m);
    jx_out_end(&o);
    if (out_path) {
        if (failed) {
            jx_atomic_abort(&out);
            fprintf(stderr, "jixiao parse: %s not written: %d of %d inputs failed\n", out_path, failed, nfiles);
        } else if (jx_atomic_commit(&out, &err) < 0) {
            fprintf(stderr, "jixiao parse: %s\n", err.msg);
            return 2;
        }
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "jixiao parse: cannot write to standard output\n");
        return 2;
    }
    return failed ? 2 : 0;
}
