/* jixiao upload: sends one file (or a multipart form) to a portal. The
 * request goes into the outbox before the first byte is sent and leaves it
 * only after a 2xx, so a failed or interrupted upload waits there for
 * `jixiao outbox flush`. Secrets come from the environment by name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "http.h"
#include "outbox.h"

static const char help[] =
    "usage: jixiao upload [OPTIONS] URL [FILE|-]\n"
    "\n"
    "Sends FILE (- for standard input) or a multipart form to URL. The request is first\n"
    "written to the outbox and removed from it once the server answers 2xx; anything else\n"
    "leaves it there for 'jixiao outbox flush'. The response body goes to standard output.\n"
    "\n"
    "options:\n"
    "  -X, --method METHOD      default PUT for a FILE, POST with --form or --json\n"
    "  -H, --header 'K: V'      add a header (repeatable)\n"
    "  --header-env K=VAR       header K with the value of environment variable VAR, read\n"
    "                           when sent; only the name VAR is stored or shown\n"
    "  -F, --form k=v           a multipart text field (repeatable; implies POST)\n"
    "  -F, --form k=@FILE[;type=T][;filename=N]\n"
    "                           a multipart file field, streamed from FILE\n"
    "  --json                   FILE is JSON (Content-Type and Accept: application/json)\n"
    "  --content-type TYPE      Content-Type of FILE (default: from its extension)\n"
    "  --retries N              retries after the first attempt (default 3)\n"
    "  --retry-delay SECONDS    first backoff, doubled each retry (default 1)\n"
    "  --retry-max-time SECONDS start no retry after this long (default 300)\n"
    "  --timeout SECONDS        limit for each attempt (default none; 120 s of silence ends one)\n"
    "  --connect-timeout SECONDS (default 30)\n"
    "  --idempotency-key auto|none|KEY\n"
    "                           send Idempotency-Key: auto (the default for POST and PATCH)\n"
    "                           derives it from method, URL and content\n"
    "  --outbox DIR             outbox directory (default $XDG_STATE_HOME/jixiao/outbox,\n"
    "                           or ~/.local/state/jixiao/outbox)\n"
    "  --no-outbox              do not keep the request if it fails\n"
    "  --proxy URL              proxy (default: http_proxy, https_proxy, no_proxy)\n"
    "  --cacert FILE            trust this CA bundle\n"
    "  -k, --insecure           do not verify the server's TLS certificate\n"
    "  -L, --location           follow redirects\n"
    "  -v, --verbose            show the request, each attempt and the response on stderr\n"
    "                           (secret headers are shown by variable name only)\n"
    "\n"
    "Retries follow curl --retry: timeouts, refused or dropped connections, HTTP 408, 429,\n"
    "500, 502, 503, 504; Retry-After is honoured. A POST or PATCH is only repeated when it\n"
    "carries an Idempotency-Key.\n"
    "\n"
    "Exit status: 0 delivered (2xx); 1 not delivered (kept in the outbox unless --no-outbox);\n"
    "2 bad usage or an unreadable FILE.\n";

#define MAXH 64
#define MAXF 64

struct upload {
    jx_http_req req;
    jx_http_header headers[MAXH + 2];
    jx_http_part parts[MAXF];
    char *owned[MAXH + 2 * MAXF]; /* strings split out of argv */
    int nowned;
    const char *file, *outbox, *key_opt, *content_type;
    int json, verbose, no_outbox;
    char spool[32]; /* "/dev/fd/N" of standard input spooled for --no-outbox */
    int spool_fd;
};

static char *keep(struct upload *u, char *s)
{
    if (s && u->nowned < (int)(sizeof u->owned / sizeof u->owned[0])) u->owned[u->nowned++] = s;
    else if (s) {
        free(s);
        return NULL;
    }
    return s;
}

static int seconds(const char *opt, const char *v, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (*v == 0 || *end != 0 || d < 0 || d > 86400) {
        jx_cli_usage("upload", "%s: '%s' is not a number of seconds", opt, v);
        return -1;
    }
    *out = d;
    return 0;
}

/* Secret-looking header names, shown redacted even when given literally. */
static int sensitive(const char *name)
{
    static const char *const words[] = {"authorization", "cookie", "token", "secret", "api-key", "apikey",
                                        "password"};
    char low[128];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof low; i++) low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    low[i] = 0;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strstr(low, words[k])) return 1;
    return 0;
}

static void log_line(void *ud, const char *line)
{
    (void)ud;
    fprintf(stderr, "* %s\n", line);
}

/* k=v or k=@FILE[;type=T][;filename=N] */
static int add_form(struct upload *u, const char *arg)
{
    jx_http_req *r = &u->req;
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return jx_cli_usage("upload", "--form '%s': use k=v or k=@FILE", arg);
    if (r->nparts >= MAXF) return jx_cli_usage("upload", "too many --form fields (at most %d)", MAXF);
    jx_http_part *p = &u->parts[r->nparts++];
    p->name = keep(u, strndup(arg, (size_t)(eq - arg)));
    if (eq[1] != '@') {
        p->data = eq + 1;
        p->len = strlen(eq + 1);
        return p->name ? 0 : 2;
    }
    char *spec = keep(u, strdup(eq + 2));
    if (!spec || !p->name) return jx_cli_usage("upload", "out of memory");
    char *semi = strchr(spec, ';');
    if (semi) *semi++ = 0;
    p->path = spec;
    while (semi && *semi) {
        char *next = strchr(semi, ';');
        if (next) *next++ = 0;
        if (!strncmp(semi, "type=", 5)) p->type = semi + 5;
        else if (!strncmp(semi, "filename=", 9)) p->filename = semi + 9;
        else return jx_cli_usage("upload", "--form '%s': unknown attribute '%s' (type=, filename=)", arg, semi);
        semi = next;
    }
    if (!p->type) p->type = jx_http_guess_type(p->filename ? p->filename : p->path);
    if (strcmp(p->path, "-") && access(p->path, R_OK) != 0)
        return jx_cli_usage("upload", "%s: cannot read: %s", p->path, strerror(errno));
    return 0;
}

static int add_header(struct upload *u, const char *arg, int env)
{
    jx_http_req *r = &u->req;
    if (r->nheaders >= MAXH) return jx_cli_usage("upload", "too many headers (at most %d)", MAXH);
    const char *sep = strchr(arg, env ? '=' : ':');
    if (!sep || sep == arg)
        return jx_cli_usage("upload", env ? "--header-env '%s': use NAME=VARIABLE" : "--header '%s': use 'Name: value'",
                            arg);
    jx_http_header *h = &u->headers[r->nheaders++];
    h->name = keep(u, strndup(arg, (size_t)(sep - arg)));
    const char *v = sep + 1;
    while (*v == ' ' || *v == '\t') v++;
    if (env) {
        h->env = v;
        if (!*v || !getenv(v))
            return jx_cli_usage("upload", "--header-env %s: the environment variable %s is not set", h->name ? h->name : "",
                                v);
    } else
        h->value = v;
    return h->name ? 0 : 2;
}

static int has_header(const jx_http_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name)) return 1;
    return 0;
}

static int parse(struct upload *u, int argc, char **argv, int *status)
{
    jx_http_req *r = &u->req;
    const char *v, *url = NULL;
    int rc, nops = 0;
    r->retries = 3;
    r->headers = u->headers;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        double d;
#define OPT(name) ((rc = jx_cli_opt(argc, argv, &i, name, &v)) != 0)
#define BAD (rc < 0 ? (*status = 2, -1) : 0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) return fputs(help, stdout), *status = 0, -1;
        if (!strcmp(a, "--json")) u->json = 1, i++;
        else if (!strcmp(a, "--no-outbox")) u->no_outbox = 1, i++;
        else if (!strcmp(a, "-k") || !strcmp(a, "--insecure")) r->insecure = 1, i++;
        else if (!strcmp(a, "-L") || !strcmp(a, "--location")) r->follow = 1, i++;
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) u->verbose = 1, i++;
        else if (OPT("--method") || OPT("-X")) { if (BAD) return -1; r->method = v; }
        else if (OPT("--header") || OPT("-H")) { if (BAD || add_header(u, v, 0)) return *status = 2, -1; }
        else if (OPT("--header-env")) { if (BAD || add_header(u, v, 1)) return *status = 2, -1; }
        else if (OPT("--form") || OPT("-F")) { if (BAD || add_form(u, v)) return *status = 2, -1; }
        else if (OPT("--content-type")) { if (BAD) return -1; u->content_type = v; }
        else if (OPT("--retries")) {
            char *end;
            long n = rc > 0 ? strtol(v, &end, 10) : -1;
            if (rc < 0 || !*v || *end || n < 0 || n > 100)
                return *status = jx_cli_usage("upload", "--retries: give a number from 0 to 100"), -1;
            r->retries = (int)n;
        }
        else if (OPT("--retry-delay")) { if (BAD || seconds("--retry-delay", v, &r->retry_delay)) return *status = 2, -1; }
        else if (OPT("--retry-max-time")) { if (BAD || seconds("--retry-max-time", v, &r->retry_max_time)) return *status = 2, -1; }
        else if (OPT("--timeout")) { if (BAD || seconds("--timeout", v, &r->timeout)) return *status = 2, -1; }
        else if (OPT("--connect-timeout")) { if (BAD || seconds("--connect-timeout", v, &d)) return *status = 2, -1; r->connect_timeout = d; }
        else if (OPT("--idempotency-key")) { if (BAD) return -1; u->key_opt = v; }
        else if (OPT("--outbox")) { if (BAD) return -1; u->outbox = v; }
        else if (OPT("--proxy")) { if (BAD) return -1; r->proxy = v; }
        else if (OPT("--cacert")) { if (BAD) return -1; r->cainfo = v; }
        else if (a[0] == '-' && a[1] && strcmp(a, "--"))
            return *status = jx_cli_usage("upload", "unknown option '%s'; see 'jixiao help upload'", a), -1;
        else {
            if (!strcmp(a, "--")) { i++; if (i >= argc) break; a = argv[i]; }
            if (nops == 0) url = a;
            else if (nops == 1) u->file = a;
            else return *status = jx_cli_usage("upload", "unexpected operand '%s': one URL and at most one FILE", a), -1;
            nops++, i++;
        }
#undef OPT
#undef BAD
    }
    if (!url) return *status = jx_cli_usage("upload", "no URL; usage: jixiao upload [OPTIONS] URL [FILE|-]"), -1;
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        return *status = jx_cli_usage("upload", "'%s' is not an http:// or https:// URL", url), -1;
    r->url = url;
    if (u->file && r->nparts)
        return *status = jx_cli_usage("upload", "give either FILE or --form fields, not both"), -1;
    if (!u->file && !r->nparts)
        return *status = jx_cli_usage("upload", "nothing to send: give FILE (or -) or --form fields"), -1;
    if (u->file) {
        if (strcmp(u->file, "-") && access(u->file, R_OK) != 0)
            return *status = jx_cli_usage("upload", "%s: cannot read: %s", u->file, strerror(errno)), -1;
        r->body = JX_BODY_FILE;
        r->path = u->file;
        if (!r->method) r->method = u->json ? "POST" : "PUT";
        if (!has_header(r, "Content-Type"))
            u->headers[r->nheaders++] = (jx_http_header){"Content-Type",
                u->content_type ? u->content_type : u->json ? "application/json" : jx_http_guess_type(u->file), NULL};
    } else {
        r->body = JX_BODY_FORM;
        r->parts = u->parts;
        if (!r->method) r->method = "POST";
    }
    if (u->json && !has_header(r, "Accept")) u->headers[r->nheaders++] = (jx_http_header){"Accept", "application/json", NULL};
    int stdin_uses = u->file && !strcmp(u->file, "-");
    for (size_t i = 0; i < r->nparts; i++) stdin_uses += u->parts[i].path && !strcmp(u->parts[i].path, "-");
    if (stdin_uses > 1) return *status = jx_cli_usage("upload", "standard input (-) can be read only once"), -1;
    if (!u->key_opt || !strcmp(u->key_opt, "auto")) r->derive_key = !u->key_opt ? !jx_http_idempotent(r->method) : 1;
    else if (strcmp(u->key_opt, "none")) r->idempotency_key = u->key_opt;
    return 0;
}

/* --no-outbox with standard input: retries must resend the same bytes, so
 * they are spooled to an unlinked temporary file first. */
static int spool_stdin(struct upload *u, const char **path)
{
    char tmpl[] = "/tmp/jixiao-upload.XXXXXX";
    const char *dir = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/jixiao-upload.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(strlen(buf) < sizeof buf - 1 ? buf : tmpl);
    if (fd < 0) return jx_cli_usage("upload", "cannot spool standard input: %s", strerror(errno));
    unlink(buf);
    static char data[65536];
    ssize_t n;
    while ((n = read(0, data, sizeof data)) > 0)
        if (write(fd, data, (size_t)n) != n) n = -1;
    if (n < 0) {
        close(fd);
        return jx_cli_usage("upload", "cannot spool standard input: %s", strerror(errno));
    }
    u->spool_fd = fd;
    snprintf(u->spool, sizeof u->spool, "/dev/fd/%d", fd);
    *path = u->spool;
    return 0;
}

static void show_request(const struct upload *u, const jx_http_req *r, const char *key)
{
    char url[1024];
    jx_http_redact_url(r->url, url, sizeof url);
    fprintf(stderr, "> %s %s\n", jx_http_method(r), url);
    for (size_t i = 0; i < r->nheaders; i++) {
        const jx_http_header *h = &r->headers[i];
        if (h->env) fprintf(stderr, "> %s: <from $%s>\n", h->name, h->env);
        else if (sensitive(h->name)) fprintf(stderr, "> %s: <redacted>\n", h->name);
        else fprintf(stderr, "> %s: %s\n", h->name, h->value);
    }
    if (key && *key) fprintf(stderr, "> Idempotency-Key: %s\n", key);
    if (r->body == JX_BODY_FILE) fprintf(stderr, "> (body: %s)\n", u->file);
    for (size_t i = 0; i < r->nparts; i++)
        if (r->parts[i].path) fprintf(stderr, "> (form field %s: file %s)\n", r->parts[i].name, r->parts[i].path);
        else fprintf(stderr, "> (form field %s: %zu bytes)\n", r->parts[i].name, r->parts[i].len);
}

static void show_response(const jx_http_resp *resp)
{
    fprintf(stderr, "* %d attempt%s in %.1f s\n", resp->attempts, resp->attempts == 1 ? "" : "s", resp->elapsed);
    for (const char *p = resp->headers; p && *p;) {
        size_t n = strcspn(p, "\r\n");
        if (n && strncasecmp(p, "Set-Cookie:", 11)) fprintf(stderr, "< %.*s\n", (int)n, p);
        else if (n) fputs("< Set-Cookie: <redacted>\n", stderr);
        p += n;
        p += strspn(p, "\r\n");
    }
}

int jx_cmd_upload(int argc, char **argv)
{
    struct upload u;
    memset(&u, 0, sizeof u);
    u.spool_fd = -1;
    jx_http_req_init(&u.req);
    int status = 2;
    jx_outbox_entry *e = NULL;
    jx_http_resp resp;
    memset(&resp, 0, sizeof resp);
    jx_err err;
    char dir[4096];
    if (parse(&u, argc, argv, &status) < 0) goto done;
    if (u.verbose) u.req.log = log_line;
    int rc, delivered = 0;
    if (!u.no_outbox) {
        if (jx_outbox_dir(u.outbox, 1, dir, sizeof dir, &err) < 0
            || jx_outbox_put(dir, &u.req, u.file && !strcmp(u.file, "-") ? "<stdin>" : u.file, &e, &err) < 0) {
            fprintf(stderr, "jixiao upload: %s\n", err.msg);
            status = 2;
            goto done;
        }
        e->req.log = u.req.log;
        if (u.verbose) {
            fprintf(stderr, "* outbox: %s/%s\n", dir, e->id);
            show_request(&u, &e->req, e->req.idempotency_key);
        }
        rc = jx_outbox_send(e, &resp, &delivered, &err);
    } else {
        const char *spooled;
        if (u.file && !strcmp(u.file, "-")) {
            if (spool_stdin(&u, &spooled)) goto done;
            u.req.path = spooled;
        }
        for (size_t i = 0; i < u.req.nparts; i++)
            if (u.parts[i].path && !strcmp(u.parts[i].path, "-")) {
                if (spool_stdin(&u, &spooled)) goto done;
                u.parts[i].path = spooled;
                if (!u.parts[i].filename) u.parts[i].filename = "stdin";
            }
        if (u.verbose) show_request(&u, &u.req, u.req.idempotency_key ? u.req.idempotency_key : u.req.derive_key ? "(derived)" : NULL);
        rc = jx_http_perform(&u.req, &resp, &err);
        delivered = rc == 0 && resp.status >= 200 && resp.status < 300;
    }
    if (u.verbose && rc == 0) show_response(&resp);
    if (rc == 0 && resp.body_len) fwrite(resp.body, 1, resp.body_len, stdout);
    if (fflush(stdout) != 0) delivered = 0;
    if (delivered) {
        status = 0;
        goto done;
    }
    status = 1;
    char url[1024];
    jx_http_redact_url(u.req.url, url, sizeof url);
    if (rc == 0) fprintf(stderr, "jixiao upload: %s %s answered HTTP %ld", jx_http_method(&u.req), url, resp.status);
    else fprintf(stderr, "jixiao upload: %s", err.msg);
    if (e) fprintf(stderr, "; kept in the outbox as %s (send it again with 'jixiao outbox flush%s%s')\n", e->id,
                   u.outbox ? " --outbox " : "", u.outbox ? u.outbox : "");
    else fputs("; not kept (--no-outbox)\n", stderr);
done:
    jx_http_resp_free(&resp);
    jx_outbox_close(e);
    if (u.spool_fd >= 0) close(u.spool_fd);
    for (int i = 0; i < u.nowned; i++) free(u.owned[i]);
    return status;
}
