/* jixiao outbox: lists, replays (flush) and drops the requests `jixiao
 * upload` and jx.http kept because they were not delivered. Listings show a
 * secret header only by the name of its environment variable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "cmd.h"
#include "jsonw.h"
#include "outbox.h"

static const char help[] =
    "usage: jixiao outbox [--outbox DIR] list [--format text|json]\n"
    "       jixiao outbox [--outbox DIR] flush [--retries N] [--wait SECONDS] [-v]\n"
    "       jixiao outbox [--outbox DIR] drop ID...\n"
    "\n"
    "The outbox holds every upload not (yet) delivered: written before the first attempt,\n"
    "removed after a 2xx. DIR defaults to $XDG_STATE_HOME/jixiao/outbox, or\n"
    "~/.local/state/jixiao/outbox.\n"
    "\n"
    "  list    one line per entry, oldest first: ID, method, URL, source, size, attempts and\n"
    "          the last outcome (--format json: an array of objects)\n"
    "  flush   send every entry again, oldest first, each with its own retry settings\n"
    "          (--retries N overrides them); removes only the delivered ones. Entries being\n"
    "          sent by another process are skipped; a second flush waits --wait SECONDS\n"
    "          (default 0) for the first, then gives up.\n"
    "  drop    remove entries without sending them\n"
    "\n"
    "Exit status: 0 done (flush: every entry delivered); 1 entries remain or an ID is busy;\n"
    "2 bad usage or an unreadable outbox.\n";

static int sensitive(const char *name)
{
    static const char *const words[] = {"authorization", "cookie", "token", "secret", "api-key", "apikey",
                                        "password"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strcasestr(name, words[k])) return 1;
    return 0;
}

static void created_text(double t, char *buf, size_t cap)
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_text(const jx_outbox_entry *e)
{
    char url[1024];
    jx_http_redact_url(e->req.url, url, sizeof url);
    printf("%s  %s %s  %s  %lld bytes  %d attempt%s", e->id, e->req.method, url,
           e->source ? e->source : e->req.body == JX_BODY_FORM ? "(form)" : "(no body)", e->size, e->attempts,
           e->attempts == 1 ? "" : "s");
    if (e->last[0]) printf("  last: %s", e->last);
    putchar('\n');
}

static void print_json(jx_jsonw *w, const jx_outbox_entry *e)
{
    char buf[1024];
    jx_jsonw_obj(w);
    jx_jsonw_lkey(w, "id"), jx_jsonw_cstr(w, e->id);
    created_text(e->created, buf, sizeof buf);
    jx_jsonw_lkey(w, "created"), jx_jsonw_cstr(w, buf);
    jx_jsonw_lkey(w, "method"), jx_jsonw_cstr(w, e->req.method);
    jx_http_redact_url(e->req.url, buf, sizeof buf);
    jx_jsonw_lkey(w, "url"), jx_jsonw_cstr(w, buf);
    jx_jsonw_lkey(w, "source"), jx_jsonw_cstr(w, e->source);
    jx_jsonw_lkey(w, "bytes"), jx_jsonw_int(w, e->size);
    jx_jsonw_lkey(w, "attempts"), jx_jsonw_int(w, e->attempts);
    jx_jsonw_lkey(w, "last"), jx_jsonw_cstr(w, e->last[0] ? e->last : NULL);
    jx_jsonw_lkey(w, "idempotency_key"), jx_jsonw_cstr(w, e->req.idempotency_key);
    jx_jsonw_lkey(w, "headers");
    jx_jsonw_arr(w);
    for (size_t i = 0; i < e->req.nheaders; i++) {
        const jx_http_header *h = &e->req.headers[i];
        jx_jsonw_obj(w);
        jx_jsonw_lkey(w, "name"), jx_jsonw_cstr(w, h->name);
        if (h->env) jx_jsonw_lkey(w, "env"), jx_jsonw_cstr(w, h->env);
        else jx_jsonw_lkey(w, "value"), jx_jsonw_cstr(w, sensitive(h->name) ? "<redacted>" : h->value);
        jx_jsonw_end_obj(w);
    }
    jx_jsonw_end_arr(w);
    jx_jsonw_end_obj(w);
}

static int list(const char *dir, const char *format)
{
    jx_err err;
    char **ids;
    size_t n;
    if (jx_outbox_ids(dir, &ids, &n, &err) < 0) {
        fprintf(stderr, "jixiao outbox: %s\n", err.msg);
        return 2;
    }
    int json = format && !strcmp(format, "json"), status = 0;
    jx_jsonw w;
    if (json) jx_jsonw_init(&w, stdout, 1), jx_jsonw_arr(&w);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        jx_outbox_entry *e;
        int r = jx_outbox_open(dir, ids[i], 0, &e, &err);
        if (r == 1) continue;
        if (r < 0) {
            fprintf(stderr, "jixiao outbox: %s\n", err.msg);
            status = 2;
            continue;
        }
        if (json) print_json(&w, e);
        else print_text(e);
        shown++;
        jx_outbox_close(e);
    }
    if (json) jx_jsonw_end_arr(&w), putchar('\n');
    else if (shown == 0) printf("the outbox %s is empty\n", dir);
    else printf("%zu entr%s in %s\n", shown, shown == 1 ? "y" : "ies", dir);
    jx_outbox_free_ids(ids);
    return fflush(stdout) == 0 ? status : 2;
}

static void log_line(void *ud, const char *line)
{
    (void)ud;
    fprintf(stderr, "* %s\n", line);
}

static void report(void *ud, const jx_outbox_entry *e, const jx_http_resp *resp, int delivered, const char *msg)
{
    (void)ud;
    if (!e) {
        printf("kept (unreadable entry): %s\n", msg);
        return;
    }
    char url[1024];
    jx_http_redact_url(e->req.url, url, sizeof url);
    if (delivered) printf("delivered %s: %s %s: HTTP %ld\n", e->id, e->req.method, url, resp->status);
    else if (msg) printf("kept %s: %s\n", e->id, msg);
    else printf("kept %s: %s %s answered HTTP %ld\n", e->id, e->req.method, url, resp->status);
    fflush(stdout);
}

static int flush(const char *dir, int argc, char **argv, int i)
{
    jx_outbox_flush_opts o = {.retries = -1, .report = report};
    const char *v;
    int rc;
    while (i < argc) {
        if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) o.log = log_line, i++;
        else if ((rc = jx_cli_opt(argc, argv, &i, "--retries", &v)) != 0) {
            char *end;
            long n = rc > 0 ? strtol(v, &end, 10) : -1;
            if (rc < 0 || !*v || *end || n < 0 || n > 100)
                return jx_cli_usage("outbox", "--retries: give a number from 0 to 100");
            o.retries = (int)n;
        } else if ((rc = jx_cli_opt(argc, argv, &i, "--wait", &v)) != 0) {
            char *end;
            double d = rc > 0 ? strtod(v, &end) : -1;
            if (rc < 0 || !*v || *end || d < 0 || d > 86400)
                return jx_cli_usage("outbox", "--wait: give a number of seconds");
            o.wait = d;
        } else
            return jx_cli_usage("outbox", "flush: unexpected '%s'; see 'jixiao help outbox'", argv[i]);
    }
    int delivered, kept;
    jx_err err;
    rc = jx_outbox_flush(dir, &o, &delivered, &kept, &err);
    if (rc < 0) {
        fprintf(stderr, "jixiao outbox: %s\n", err.msg);
        return 2;
    }
    if (rc == 1) {
        fprintf(stderr, "jixiao outbox: another flush of %s is running; nothing done\n", dir);
        return 0;
    }
    printf("%d delivered, %d kept\n", delivered, kept);
    return fflush(stdout) == 0 && kept == 0 ? 0 : 1;
}

static int drop(const char *dir, int argc, char **argv, int i)
{
    if (i >= argc) return jx_cli_usage("outbox", "drop: give the IDs to drop (see 'jixiao outbox list')");
    int status = 0;
    for (; i < argc; i++) {
        jx_err err;
        int r = jx_outbox_drop(dir, argv[i], &err);
        if (r == 0) printf("dropped %s\n", argv[i]);
        else if (r == 1) {
            fprintf(stderr, "jixiao outbox: %s is being sent by another process; not dropped\n", argv[i]);
            if (status == 0) status = 1;
        } else {
            fprintf(stderr, "jixiao outbox: %s\n", err.msg);
            status = 2;
        }
    }
    return status;
}

int jx_cmd_outbox(int argc, char **argv)
{
    const char *given = NULL, *format = NULL, *sub = NULL, *v;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0, rc, status;
    if (!rest) return jx_cli_usage("outbox", "out of memory");
    /* --outbox may come before or after the subcommand; the rest is the
     * subcommand's. */
    for (int i = 1; i < argc;) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(help, stdout);
            free(rest);
            return 0;
        }
        if ((rc = jx_cli_opt(argc, argv, &i, "--outbox", &v)) != 0) {
            if (rc < 0) return free(rest), 2;
            given = v;
        } else if ((rc = jx_cli_opt(argc, argv, &i, "--format", &v)) != 0) {
            if (rc < 0) return free(rest), 2;
            format = v;
        } else if (!sub && argv[i][0] != '-')
            sub = argv[i++];
        else
            rest[nrest++] = argv[i++];
    }
    char dir[4096];
    jx_err err;
    if (!sub) status = jx_cli_usage("outbox", "give list, flush or drop; see 'jixiao help outbox'");
    else if (format && strcmp(format, "text") && strcmp(format, "json"))
        status = jx_cli_usage("outbox", "--format: text or json, not '%s'", format);
    else if (jx_outbox_dir(given, 0, dir, sizeof dir, &err) < 0) {
        fprintf(stderr, "jixiao outbox: %s\n", err.msg);
        status = 2;
    } else if (!strcmp(sub, "list")) {
        status = nrest ? jx_cli_usage("outbox", "list: unexpected '%s'", rest[0]) : list(dir, format);
    } else if (!strcmp(sub, "flush"))
        status = flush(dir, nrest, rest, 0);
    else if (!strcmp(sub, "drop"))
        status = drop(dir, nrest, rest, 0);
    else
        status = jx_cli_usage("outbox", "unknown subcommand '%s': list, flush or drop", sub);
    free(rest);
    return status;
}
