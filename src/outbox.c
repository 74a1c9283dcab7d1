/* outbox: the on-disk queue of requests still to deliver (see outbox.h).
 * Entries are written into a hidden ".tmp-ID" directory and renamed into
 * place only when complete; removal renames to ".done-ID" first. Either
 * hidden name left by a crash is cleared later by whoever can lock it. */
#include "outbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the line format: space-separated tokens, percent-encoded ---- */

static int plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("._~/:@=,+;?&!$'()*[]-", c));
}

/* "-" stands for the empty string, so every token has at least one byte. */
static void put_token(FILE *f, const char *s, size_t n)
{
    fputc(' ', f);
    if (n == 0) {
        fputc('-', f);
        return;
    }
    if (n == 1 && s[0] == '-') {
        fputs("%2D", f);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (plain(c)) fputc(c, f);
        else fprintf(f, "%%%02X", c);
    }
}

static void put_str(FILE *f, const char *s) { put_token(f, s, strlen(s)); }

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes a token in place; returns its length. Text parts may hold NULs. */
static size_t get_token(char *s)
{
    if (!strcmp(s, "-")) return s[0] = 0, 0;
    char *o = s;
    for (char *p = s; *p; p++) {
        int a, b;
        if (*p == '%' && (a = hexval(p[1])) >= 0 && (b = hexval(p[2])) >= 0) *o++ = (char)(a * 16 + b), p += 2;
        else *o++ = *p;
    }
    *o = 0;
    return (size_t)(o - s);
}

/* ---- files ---- */

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s/%s", a, b);
    return s;
}

/* Copies src ("-": standard input) to name in directory dfd, fsynced.
 * Returns the bytes copied, or -1 with err. */
static long long copy_in(const char *src, int dfd, const char *name, jx_err *err)
{
    int in = strcmp(src, "-") ? open(src, O_RDONLY | O_CLOEXEC) : 0;
    if (in < 0) return jx_err_set(err, JX_EIO, "%s: cannot open: %s", src, strerror(errno));
    struct stat st;
    if (in != 0 && (fstat(in, &st) != 0 || S_ISDIR(st.st_mode))) {
        close(in);
        return jx_err_set(err, JX_EIO, "%s: not a file", src);
    }
    int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        int e = errno;
        if (in) close(in);
        return jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(e));
    }
    static char buf[65536];
    long long total = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = jx_err_set(err, JX_EIO, "%s: read error: %s", src, strerror(errno));
            break;
        }
        if (n == 0) break;
        for (ssize_t w = 0; w < n;) {
            ssize_t k = write(out, buf + w, (size_t)(n - w));
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) {
                rc = jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(errno));
                break;
            }
            w += k;
        }
        if (rc) break;
        total += n;
    }
    if (rc == 0 && fsync(out) != 0) rc = jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(errno));
    if (close(out) != 0 && rc == 0) rc = jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(errno));
    if (in) close(in);
    return rc ? -1 : total;
}

static long long write_in(int dfd, const char *name, const char *data, size_t len, jx_err *err)
{
    int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) return jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(errno));
    size_t w = 0;
    while (w < len) {
        ssize_t k = write(out, data + w, len - w);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) break;
        w += (size_t)k;
    }
    int bad = w < len || fsync(out) != 0;
    int e = errno;
    if (close(out) != 0) bad = 1;
    return bad ? jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(e)) : (long long)len;
}

/* Removes the files of directory `name` under parent, then the directory. */
static void remove_tree(int parent, const char *name)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        DIR *d = fdopendir(fd);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) unlinkat(fd, de->d_name, 0);
            closedir(d);
        } else
            close(fd);
    }
    unlinkat(parent, name, AT_REMOVEDIR);
}

static int mkdirs(char *path, mode_t mode)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        int r = mkdir(path, mode);
        *p = '/';
        if (r != 0 && errno != EEXIST) return -1;
    }
    return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

int jx_outbox_dir(const char *given, int create, char *buf, size_t cap, jx_err *err)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (given && *given) snprintf(buf, cap, "%s", given);
    else if (state && state[0] == '/') snprintf(buf, cap, "%s/jixiao/outbox", state);
    else if (home && *home) snprintf(buf, cap, "%s/.local/state/jixiao/outbox", home);
    else return jx_err_set(err, JX_EUSAGE, "no outbox directory: HOME is not set; give --outbox DIR");
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/') buf[--n] = 0;
    if (create && mkdirs(buf, 0700) != 0)
        return jx_err_set(err, JX_EIO, "%s: cannot create the outbox directory: %s", buf, strerror(errno));
    return 0;
}

int jx_outbox_valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= 64 || id[0] == '.' || id[0] == '-') return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '.' || *p == '-'))
            return 0;
    return 1;
}

/* ---- reading an entry ---- */

void jx_outbox_close(jx_outbox_entry *e)
{
    if (!e) return;
    if (e->fd >= 0) close(e->fd); /* releases the flock */
    if (e->part_paths)
        for (size_t i = 0; i < e->req.nparts; i++) free(e->part_paths[i]);
    free(e->part_paths), free(e->parts), free(e->headers);
    free(e->text), free(e->body_path), free(e->path);
    free(e);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *s = NULL;
    size_t n = 0, a = 0;
    for (;;) {
        if (n + 4096 + 1 > a) {
            a = a ? a * 2 : 8192;
            char *t = realloc(s, a);
            if (!t) {
                free(s), fclose(f);
                return NULL;
            }
            s = t;
        }
        size_t k = fread(s + n, 1, a - n - 1, f);
        n += k;
        if (k == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) return free(s), NULL;
    s[n] = 0;
    *len = n;
    return s;
}

static void read_state(jx_outbox_entry *e)
{
    char *p = join(e->path, "state");
    size_t n;
    char *s = p ? slurp(p, &n) : NULL;
    free(p);
    if (!s) return;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "attempts ", 9)) e->attempts = atoi(line + 9);
        else if (!strncmp(line, "last ", 5)) {
            get_token(line + 5);
            snprintf(e->last, sizeof e->last, "%s", line + 5);
        }
    }
    free(s);
}

/* Parses the request file of e (e->path set) into e->req. */
static int parse_entry(jx_outbox_entry *e, jx_err *err)
{
    char *rp = join(e->path, "request");
    size_t len = 0;
    e->text = rp ? slurp(rp, &len) : NULL;
    free(rp);
    if (!e->text) return jx_err_set(err, JX_EIO, "%s: cannot read the entry: %s", e->path, strerror(errno));
    if (strncmp(e->text, "jixiao-outbox 1\n", 16) != 0)
        return jx_err_set(err, JX_EFORMAT, "%s/request: not an outbox entry of this jixiao version", e->path);
    size_t lines = 1;
    for (char *p = e->text; *p; p++) lines += *p == '\n';
    e->headers = calloc(lines, sizeof *e->headers);
    e->parts = calloc(lines, sizeof *e->parts);
    e->part_paths = calloc(lines, sizeof *e->part_paths);
    if (!e->headers || !e->parts || !e->part_paths) return jx_err_set(err, JX_ENOMEM, "out of memory");
    jx_http_req *r = &e->req;
    jx_http_req_init(r);
    r->headers = e->headers;
    r->parts = e->parts;
    char *save = NULL;
    for (char *line = strtok_r(e->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tok[8] = {0};
        size_t tl[8] = {0};
        int nt = 0;
        for (char *t = line; t && nt < 8;) {
            tok[nt] = t;
            t = strchr(t, ' ');
            if (t) *t++ = 0;
            nt++;
        }
        for (int i = 1; i < nt; i++) tl[i] = get_token(tok[i]);
        const char *k = tok[0];
        if (nt < 2) continue;
        if (!strcmp(k, "method")) r->method = tok[1];
        else if (!strcmp(k, "url")) r->url = tok[1];
        else if (!strcmp(k, "key")) r->idempotency_key = tok[1];
        else if (!strcmp(k, "source")) e->source = tok[1];
        else if (!strcmp(k, "created")) e->created = strtod(tok[1], NULL);
        else if (!strcmp(k, "header") && nt >= 3)
            e->headers[r->nheaders++] = (jx_http_header){tok[1], tok[2], NULL};
        else if (!strcmp(k, "header-env") && nt >= 3)
            e->headers[r->nheaders++] = (jx_http_header){tok[1], NULL, tok[2]};
        else if (!strcmp(k, "body") && !strcmp(tok[1], "file")) {
            r->body = JX_BODY_FILE;
            if (!(r->path = e->body_path = join(e->path, "body"))) return jx_err_set(err, JX_ENOMEM, "out of memory");
        } else if (!strcmp(k, "part") && nt >= 5) {
            jx_http_part *p = &e->parts[r->nparts];
            p->name = tok[1];
            p->filename = tl[2] ? tok[2] : NULL;
            p->type = tl[3] ? tok[3] : NULL;
            if (!strcmp(tok[4], "file")) {
                char name[32];
                snprintf(name, sizeof name, "part-%zu", r->nparts);
                if (!(p->path = e->part_paths[r->nparts] = join(e->path, name)))
                    return jx_err_set(err, JX_ENOMEM, "out of memory");
            } else {
                p->data = nt >= 6 ? tok[5] : "";
                p->len = nt >= 6 ? tl[5] : 0;
            }
            r->nparts++;
            r->body = JX_BODY_FORM;
        } else if (!strcmp(k, "retries")) r->retries = atoi(tok[1]);
        else if (!strcmp(k, "retry-delay")) r->retry_delay = strtod(tok[1], NULL);
        else if (!strcmp(k, "retry-max-time")) r->retry_max_time = strtod(tok[1], NULL);
        else if (!strcmp(k, "timeout")) r->timeout = strtod(tok[1], NULL);
        else if (!strcmp(k, "connect-timeout")) r->connect_timeout = strtod(tok[1], NULL);
        else if (!strcmp(k, "insecure")) r->insecure = atoi(tok[1]);
        else if (!strcmp(k, "follow")) r->follow = atoi(tok[1]);
        else if (!strcmp(k, "proxy")) r->proxy = tok[1];
        else if (!strcmp(k, "cainfo")) r->cainfo = tok[1];
    }
    if (!r->url || !r->method) return jx_err_set(err, JX_EFORMAT, "%s/request: no method or URL", e->path);
    struct stat st;
    if (r->path && stat(r->path, &st) == 0) e->size += st.st_size;
    for (size_t i = 0; i < r->nparts; i++)
        if (e->parts[i].path && stat(e->parts[i].path, &st) == 0) e->size += st.st_size;
        else e->size += (long long)e->parts[i].len;
    read_state(e);
    return 0;
}

static jx_outbox_entry *new_entry(const char *dir, const char *id)
{
    jx_outbox_entry *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->fd = -1;
    snprintf(e->id, sizeof e->id, "%s", id);
    if (!(e->path = join(dir, id))) return free(e), NULL;
    return e;
}

int jx_outbox_open(const char *dir, const char *id, int lock, jx_outbox_entry **out, jx_err *err)
{
    *out = NULL;
    if (!jx_outbox_valid_id(id)) return jx_err_set(err, JX_EUSAGE, "'%s' is not an outbox entry ID", id);
    jx_outbox_entry *e = new_entry(dir, id);
    if (!e) return jx_err_set(err, JX_ENOMEM, "out of memory");
    if (lock) {
        e->fd = open(e->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (e->fd < 0 || flock(e->fd, LOCK_EX | LOCK_NB) != 0) {
            jx_outbox_close(e);
            return 1;
        }
        /* The lock may have come only because its holder removed the entry
         * (or died half-way through removing it): check it is still here. */
        struct stat a, b;
        if (fstat(e->fd, &a) != 0 || stat(e->path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
            jx_outbox_close(e);
            return 1;
        }
    } else if (access(e->path, F_OK) != 0) {
        jx_outbox_close(e);
        return 1;
    }
    if (parse_entry(e, err) < 0) {
        jx_outbox_close(e);
        return -1;
    }
    *out = e;
    return 0;
}

/* ---- writing an entry ---- */

static void new_id(char *id, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    uint32_t rnd;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = (uint32_t)ts.tv_nsec ^ (uint32_t)getpid() << 16;
    char t[32];
    strftime(t, sizeof t, "%Y%m%dT%H%M%S", &tm);
    snprintf(id, cap, "%s.%06ldZ-%08x", t, ts.tv_nsec / 1000, rnd);
}

static void put_num(FILE *f, const char *k, double v) { fprintf(f, "%s %.17g\n", k, v); }

/* Writes the request file of the entry being built in dfd. Bodies are
 * already in place as body / part-N; key may be "". */
static int write_request(int dfd, const jx_http_req *r, const char *source, const char *key, jx_err *err)
{
    int fd = openat(dfd, "request", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(errno));
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    fputs("jixiao-outbox 1\n", f);
    fprintf(f, "created %lld.%06ld\n", (long long)ts.tv_sec, ts.tv_nsec / 1000);
    fputs("method", f), put_str(f, jx_http_method(r)), fputc('\n', f);
    fputs("url", f), put_str(f, r->url), fputc('\n', f);
    if (source) fputs("source", f), put_str(f, source), fputc('\n', f);
    if (*key) fputs("key", f), put_str(f, key), fputc('\n', f);
    for (size_t i = 0; i < r->nheaders; i++) {
        const jx_http_header *h = &r->headers[i];
        fputs(h->env ? "header-env" : "header", f);
        put_str(f, h->name);
        put_str(f, h->env ? h->env : h->value ? h->value : "");
        fputc('\n', f);
    }
    if (r->body == JX_BODY_FILE || r->body == JX_BODY_DATA) fputs("body file\n", f);
    for (size_t i = 0; r->body == JX_BODY_FORM && i < r->nparts; i++) {
        const jx_http_part *p = &r->parts[i];
        const char *fn = p->filename ? p->filename : "";
        if (p->path && !p->filename) {
            const char *b = strrchr(p->path, '/');
            fn = strcmp(p->path, "-") ? (b ? b + 1 : p->path) : "";
        }
        fputs("part", f), put_str(f, p->name), put_str(f, fn), put_str(f, p->type ? p->type : "");
        if (p->path) fputs(" file", f);
        else fputs(" text", f), put_token(f, p->data ? p->data : "", p->len);
        fputc('\n', f);
    }
    fprintf(f, "retries %d\n", r->retries);
    put_num(f, "retry-delay", r->retry_delay);
    put_num(f, "retry-max-time", r->retry_max_time);
    put_num(f, "timeout", r->timeout);
    put_num(f, "connect-timeout", r->connect_timeout);
    fprintf(f, "insecure %d\nfollow %d\n", r->insecure ? 1 : 0, r->follow ? 1 : 0);
    if (r->proxy) fputs("proxy", f), put_str(f, r->proxy), fputc('\n', f);
    if (r->cainfo) fputs("cainfo", f), put_str(f, r->cainfo), fputc('\n', f);
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    if (fclose(f) != 0) bad = 1;
    return bad ? jx_err_set(err, JX_EIO, "cannot write to the outbox: %s", strerror(errno)) : 0;
}

int jx_outbox_put(const char *dir, const jx_http_req *r, const char *source, jx_outbox_entry **out, jx_err *err)
{
    *out = NULL;
    char id[64], tmp[80];
    new_id(id, sizeof id);
    snprintf(tmp, sizeof tmp, ".tmp-%s", id);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return jx_err_set(err, JX_EIO, "%s: cannot open the outbox: %s", dir, strerror(errno));
    if (mkdirat(dfd, tmp, 0700) != 0) {
        int e = errno;
        close(dfd);
        return jx_err_set(err, JX_EIO, "%s: cannot write to the outbox: %s", dir, strerror(e));
    }
    /* Locked from birth: a concurrent flush neither clears the half-written
     * entry nor, once renamed into place, replays it while it is being sent. */
    int efd = openat(dfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = efd >= 0 && flock(efd, LOCK_EX) == 0 ? 0 : jx_err_set(err, JX_EIO, "%s: cannot lock a new entry", dir);
    jx_http_req stored = *r;
    jx_http_part *parts = NULL;
    char key[65] = "";
    if (rc == 0 && (r->body == JX_BODY_FILE || r->body == JX_BODY_DATA)) {
        long long n = r->body == JX_BODY_FILE ? copy_in(r->path, efd, "body", err)
                                              : write_in(efd, "body", r->data, r->len, err);
        if (n < 0) rc = -1;
    }
    if (rc == 0 && r->body == JX_BODY_FORM) {
        if (!(parts = calloc(r->nparts ? r->nparts : 1, sizeof *parts))) rc = jx_err_set(err, JX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == 0 && i < r->nparts; i++) {
            parts[i] = r->parts[i];
            if (!r->parts[i].path) continue;
            char name[32];
            snprintf(name, sizeof name, "part-%zu", i);
            if (copy_in(r->parts[i].path, efd, name, err) < 0) rc = -1;
        }
    }
    /* The key is derived from the copies, so it is the key of what will
     * actually be sent, even for a body read from standard input. */
    if (rc == 0 && (r->idempotency_key && *r->idempotency_key))
        snprintf(key, sizeof key, "%.64s", r->idempotency_key);
    else if (rc == 0 && r->derive_key) {
        char *base = join(dir, tmp), *bp = NULL;
        char **pp = calloc(r->nparts + 1, sizeof *pp);
        if (!base || !pp) rc = jx_err_set(err, JX_ENOMEM, "out of memory");
        if (rc == 0 && r->body == JX_BODY_FILE) stored.path = bp = join(base, "body");
        for (size_t i = 0; rc == 0 && parts && i < r->nparts; i++) {
            if (!parts[i].path) continue;
            char name[32];
            snprintf(name, sizeof name, "part-%zu", i);
            if (!parts[i].filename) {
                const char *b = strrchr(parts[i].path, '/');
                parts[i].filename = strcmp(parts[i].path, "-") ? (b ? b + 1 : parts[i].path) : NULL;
            }
            parts[i].path = pp[i] = join(base, name);
        }
        stored.parts = parts;
        if (rc == 0) rc = jx_http_key(&stored, key, err);
        for (size_t i = 0; i < r->nparts; i++) free(pp[i]);
        free(pp), free(bp), free(base);
    }
    if (!source && r->body == JX_BODY_FILE) source = r->path;
    for (size_t i = 0; !source && r->body == JX_BODY_FORM && i < r->nparts; i++) source = r->parts[i].path;
    if (rc == 0) rc = write_request(efd, r, source, key, err);
    free(parts);
    if (rc == 0 && (fsync(efd) != 0 || renameat(dfd, tmp, dfd, id) != 0 || fsync(dfd) != 0))
        rc = jx_err_set(err, JX_EIO, "%s: cannot write to the outbox: %s", dir, strerror(errno));
    if (rc < 0) {
        remove_tree(dfd, tmp);
        if (efd >= 0) close(efd);
        close(dfd);
        return -1;
    }
    close(dfd);
    jx_outbox_entry *e = new_entry(dir, id);
    if (!e) {
        close(efd);
        return jx_err_set(err, JX_ENOMEM, "out of memory");
    }
    e->fd = efd;
    if (parse_entry(e, err) < 0) {
        jx_outbox_close(e);
        return -1;
    }
    *out = e;
    return 0;
}

static void write_state(jx_outbox_entry *e)
{
    char *tmp = join(e->path, "state.tmp"), *dst = join(e->path, "state");
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    if (f) {
        fprintf(f, "attempts %d\nlast", e->attempts);
        put_str(f, e->last);
        fputc('\n', f);
        int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
        if (fclose(f) != 0 || bad || rename(tmp, dst) != 0) unlink(tmp);
    }
    free(tmp), free(dst);
}

int jx_outbox_send(jx_outbox_entry *e, jx_http_resp *resp, int *delivered, jx_err *err)
{
    *delivered = 0;
    int rc = jx_http_perform(&e->req, resp, err);
    e->attempts += resp->attempts;
    if (rc == 0 && resp->status >= 200 && resp->status < 300) {
        char parent[4096], done[80];
        snprintf(parent, sizeof parent, "%s", e->path);
        char *slash = strrchr(parent, '/');
        if (slash) *slash = 0;
        else snprintf(parent, sizeof parent, ".");
        snprintf(done, sizeof done, ".done-%s", e->id);
        int dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        /* Renamed first: a half-finished removal never looks like an entry. */
        if (dfd >= 0 && renameat(dfd, e->id, dfd, done) == 0) {
            fsync(dfd);
            remove_tree(dfd, done);
        }
        if (dfd >= 0) close(dfd);
        *delivered = 1;
        return 0;
    }
    /* Only the status or the failure, never the response body: a server that
     * echoes the request would otherwise copy a secret header to disk. */
    if (rc == 0) snprintf(e->last, sizeof e->last, "HTTP %ld", resp->status);
    else snprintf(e->last, sizeof e->last, "%.500s", err->msg);
    write_state(e);
    return rc;
}

/* ---- the directory ---- */

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void jx_outbox_free_ids(char **ids)
{
    if (!ids) return;
    for (char **p = ids; *p; p++) free(*p);
    free(ids);
}

int jx_outbox_ids(const char *dir, char ***ids, size_t *n, jx_err *err)
{
    *ids = NULL, *n = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 && errno == ENOENT) {
        *ids = calloc(1, sizeof **ids);
        return *ids ? 0 : jx_err_set(err, JX_ENOMEM, "out of memory");
    }
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        int e = errno;
        if (dfd >= 0) close(dfd);
        return jx_err_set(err, JX_EIO, "%s: cannot read the outbox: %s", dir, strerror(e));
    }
    size_t cap = 16;
    char **v = malloc(cap * sizeof *v);
    struct dirent *de = NULL;
    while (v && (de = readdir(d))) {
        const char *name = de->d_name;
        if (!strncmp(name, ".tmp-", 5) || !strncmp(name, ".done-", 6)) {
            /* Left by a writer or remover that died: lockable means abandoned. */
            int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) remove_tree(dfd, name);
            if (fd >= 0) close(fd);
            continue;
        }
        if (!jx_outbox_valid_id(name)) continue;
        if (*n + 1 >= cap) {
            char **t = realloc(v, (cap *= 2) * sizeof *v);
            if (!t) break;
            v = t;
        }
        if (!(v[*n] = strdup(name))) break;
        ++*n;
    }
    closedir(d);
    if (!v || de) {
        if (v) v[*n] = NULL;
        jx_outbox_free_ids(v);
        *n = 0;
        return jx_err_set(err, JX_ENOMEM, "out of memory listing the outbox");
    }
    v[*n] = NULL;
    qsort(v, *n, sizeof *v, by_name);
    *ids = v;
    return 0;
}

int jx_outbox_drop(const char *dir, const char *id, jx_err *err)
{
    jx_outbox_entry *e;
    int r = jx_outbox_open(dir, id, 1, &e, err);
    if (r < 0) return -1;
    if (r == 1) {
        char *p = jx_outbox_valid_id(id) ? join(dir, id) : NULL;
        int exists = p && access(p, F_OK) == 0;
        free(p);
        if (exists) return 1;
        return jx_err_set(err, JX_EUSAGE, "%s: no entry %s in the outbox (see 'jixiao outbox list')", dir, id);
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char done[80];
    snprintf(done, sizeof done, ".done-%s", id);
    int rc = dfd >= 0 && renameat(dfd, id, dfd, done) == 0 ? 0 : jx_err_set(err, JX_EIO, "%s: cannot remove %s: %s", dir, id, strerror(errno));
    if (rc == 0) remove_tree(dfd, done);
    if (dfd >= 0) close(dfd);
    jx_outbox_close(e);
    return rc;
}

int jx_outbox_flush(const char *dir, const jx_outbox_flush_opts *o, int *delivered, int *kept, jx_err *err)
{
    *delivered = *kept = 0;
    struct stat st;
    if (stat(dir, &st) != 0 && errno == ENOENT) return 0;
    char *lp = join(dir, ".flush.lock");
    int lfd = lp ? open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    free(lp);
    if (lfd < 0) return jx_err_set(err, JX_EIO, "%s: cannot create the flush lock: %s", dir, strerror(errno));
    struct timespec step = {0, 100 * 1000 * 1000};
    for (double waited = 0; flock(lfd, LOCK_EX | LOCK_NB) != 0; waited += 0.1) {
        if (waited >= o->wait) {
            close(lfd);
            return 1;
        }
        nanosleep(&step, NULL);
    }
    char **ids;
    size_t n;
    if (jx_outbox_ids(dir, &ids, &n, err) < 0) {
        close(lfd);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        jx_outbox_entry *e;
        jx_err e2;
        int r = jx_outbox_open(dir, ids[i], 1, &e, &e2);
        if (r == 1) continue; /* in flight elsewhere, or already gone */
        if (r < 0) {
            ++*kept;
            if (o->report) o->report(o->report_ud, NULL, NULL, 0, e2.msg);
            continue;
        }
        if (o->retries >= 0) e->req.retries = o->retries;
        e->req.log = o->log, e->req.log_ud = o->log_ud;
        jx_http_resp resp;
        int done = 0;
        int rc = jx_outbox_send(e, &resp, &done, &e2);
        if (done) ++*delivered;
        else ++*kept;
        if (o->report) o->report(o->report_ud, e, &resp, done, rc < 0 ? e2.msg : NULL);
        jx_http_resp_free(&resp);
        jx_outbox_close(e);
    }
    jx_outbox_free_ids(ids);
    close(lfd);
    return 0;
}
