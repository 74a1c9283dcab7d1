/* Command-line helpers (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char jx_cli_reader_help[] =
    "  --encoding ENC       utf-8, utf-8-bom, gb18030 (gbk), utf-16le, utf-16be (default: detect)\n"
    "  --delimiter D        tab or comma (default: detect)\n"
    "  --no-realign         keep rows as read: no search for cells lost mid-row\n"
    "  --max-cell BYTES     longest cell accepted (default 16 MiB)\n"
    "  --max-cols N         most cells in a row (default 4096)\n"
    "  --max-record BYTES   longest row, quoted line breaks included (default 64 MiB)\n"
    "  --max-header-rows N  deepest header accepted (default 8)\n";

int jx_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "jixiao %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

int jx_cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        (*i)++;
        return 1;
    }
    if (a[n] != 0) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "jixiao: option %s needs a value\n", name);
        return -1;
    }
    *value = argv[*i + 1];
    *i += 2;
    return 1;
}

int jx_cli_operand(char **argv, int *i, int *nfiles, int *only_files)
{
    const char *a = argv[*i];
    if (!*only_files && !strcmp(a, "--")) {
        *only_files = 1;
        (*i)++;
        return 1;
    }
    if (!*only_files && a[0] == '-' && a[1] != 0) return 0;
    argv[(*nfiles)++] = argv[(*i)++];
    return 1;
}

static int number(const char *opt, const char *v, long min, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == 0 || *end != 0 || n < min) {
        fprintf(stderr, "jixiao: %s: '%s' is not a number >= %ld\n", opt, v, min);
        return -1;
    }
    *out = n;
    return 0;
}

int jx_cli_reader_opt(int argc, char **argv, int *i, jx_table_opts *o)
{
    const char *v;
    long n;
    int r;
    if (!strcmp(argv[*i], "--no-realign")) {
        o->no_realign = 1;
        (*i)++;
        return 1;
    }
    if ((r = jx_cli_opt(argc, argv, i, "--encoding", &v)) != 0) {
        if (r < 0) return -1;
        if (jx_enc_parse(v, &o->encoding) < 0) {
            fprintf(stderr, "jixiao: --encoding: unknown encoding '%s' (utf-8, utf-8-bom, gb18030, gbk, utf-16le, "
                            "utf-16be)\n", v);
            return -1;
        }
        return 1;
    }
    if ((r = jx_cli_opt(argc, argv, i, "--delimiter", &v)) != 0) {
        if (r < 0) return -1;
        if (!strcmp(v, "tab") || !strcmp(v, "\\t") || !strcmp(v, "\t")) o->rows.delim = '\t';
        else if (!strcmp(v, "comma") || !strcmp(v, ",")) o->rows.delim = ',';
        else {
            fprintf(stderr, "jixiao: --delimiter: use tab or comma, not '%s'\n", v);
            return -1;
        }
        return 1;
    }
    if ((r = jx_cli_opt(argc, argv, i, "--max-cell", &v)) != 0) {
        if (r < 0 || number("--max-cell", v, 16, &n) < 0) return -1;
        o->rows.max_cell = (size_t)n;
        return 1;
    }
    if ((r = jx_cli_opt(argc, argv, i, "--max-cols", &v)) != 0) {
        if (r < 0 || number("--max-cols", v, 1, &n) < 0) return -1;
        o->rows.max_cols = (int)(n > 1 << 20 ? 1 << 20 : n);
        return 1;
    }
    if ((r = jx_cli_opt(argc, argv, i, "--max-record", &v)) != 0) {
        if (r < 0 || number("--max-record", v, 16, &n) < 0) return -1;
        o->rows.max_record = (size_t)n;
        return 1;
    }
    if ((r = jx_cli_opt(argc, argv, i, "--max-header-rows", &v)) != 0) {
        if (r < 0 || number("--max-header-rows", v, 1, &n) < 0) return -1;
        o->max_header_rows = (int)(n > 32 ? 32 : n);
        return 1;
    }
    return 0;
}

int jx_cli_jobs(int argc, char **argv, int *i, int *jobs)
{
    const char *a = argv[*i], *v;
    long n;
    int r = 0;
    if (!strncmp(a, "-j", 2) && a[2]) {
        v = a + 2 + (a[2] == '=');
        (*i)++;
        r = 1;
    } else if ((r = jx_cli_opt(argc, argv, i, "-j", &v)) == 0 && (r = jx_cli_opt(argc, argv, i, "--jobs", &v)) == 0) {
        return 0;
    }
    if (r < 0 || number(a[1] == '-' ? "--jobs" : "-j", v, 0, &n) < 0) return -1;
    if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
    *jobs = n < 1 ? 1 : n > 256 ? 256 : (int)n;
    return 1;
}
