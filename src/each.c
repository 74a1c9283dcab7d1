/* The loop over input tables (see each.h). */
#include "each.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads one input through the hooks; 1 if it failed. */
static int each_one(const char *path, const jx_table_opts *opts, const jx_each_hooks *h)
{
    jx_table *t;
    jx_err err = {0};
    if (jx_table_open(&t, path, opts, &err) < 0) {
        if (h->fail) h->fail(h->ud, path, &err);
        return 1;
    }
    const jx_doc *d = jx_table_doc(t);
    jx_project p;
    int r = 1, stop = h->doc_begin ? h->doc_begin(h->ud, d) : 0;
    while (!stop && (r = jx_table_next(t, &p, &err)) > 0)
        if (h->project) stop = h->project(h->ud, d, &p);
    if (h->doc_end) h->doc_end(h->ud, d, r < 0 ? &err : NULL);
    jx_table_close(t);
    return r < 0;
}

int jx_each_table(const char *const *files, int n, const jx_table_opts *opts, const jx_each_hooks *h)
{
    int failed = 0;
    for (int k = 0; k < n; k++) failed += each_one(files[k], opts, h);
    return failed;
}

/* ---- in parallel ---- */

/* What a worker sends after each input, followed by rec bytes of record. */
struct msg {
    int32_t input;   /* index of the input */
    int32_t failed;  /* the input failed */
    int32_t io;      /* errno of a failed write to the temporary files, or 0 */
    uint32_t rec;    /* bytes of record that follow */
    int64_t out, nout, err, nerr; /* the input's output and messages in the temporary files */
};

struct jx_each_unit {
    int fd;
    int64_t off, left;
};

static size_t unit_read(jx_each_unit *u, void *buf, size_t cap)
{
    if (u->left <= 0) return 0;
    if ((int64_t)cap > u->left) cap = (size_t)u->left;
    ssize_t k;
    do k = pread(u->fd, buf, cap, (off_t)u->off);
    while (k < 0 && errno == EINTR);
    if (k <= 0) return u->left = 0, 0;
    u->off += k, u->left -= k;
    return (size_t)k;
}

size_t jx_each_unit_copy(jx_each_unit *u, FILE *to, int drop)
{
    char buf[65536];
    size_t k = unit_read(u, buf, sizeof buf), from = drop && k && buf[0] == drop, total = 0;
    if (k) total += fwrite(buf + from, 1, k - from, to);
    /* A large output goes on file to file in the kernel, once what stdio
     * holds is out; a small one stays one write among many in stdio's buffer. */
    if (u->left >= (int64_t)sizeof buf && fflush(to) == 0) {
        while (u->left > 0) {
            off_t off = (off_t)u->off;
            ssize_t n = sendfile(fileno(to), u->fd, &off, (size_t)u->left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break; /* the rest through stdio, which reports errors as usual */
            u->off += n, u->left -= n, total += (size_t)n;
        }
    }
    while ((k = unit_read(u, buf, sizeof buf)) > 0) total += fwrite(buf, 1, k, to);
    return total;
}

struct worker {
    pid_t pid;
    int pipe;       /* read end of the records */
    FILE *out, *err;
    int dead;       /* its records ended */
};

static int write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t k = write(fd, s, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        s += k, n -= (size_t)k;
    }
    return 0;
}

/* 1 read, 0 at end of input before any byte, -1 end in the middle or error. */
static int read_all(int fd, void *p, size_t n)
{
    char *s = p;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, s + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return got ? -1 : 0;
        got += (size_t)k;
    }
    return 1;
}

static void run_worker(int w, int jobs, const char *const *files, int n, const jx_table_opts *opts,
                       const jx_each_hooks *h, const jx_each_merge *m, FILE *out, int errfd, int pipefd)
{
    static char buf[1 << 16];
    setvbuf(out, buf, _IOFBF, sizeof buf);
    if (dup2(errfd, STDERR_FILENO) < 0) _exit(3);
    int status = 0;
    m->worker(h->ud, out);
    for (int k = w; k < n; k += jobs) {
        struct msg g = {.input = k};
        g.out = ftello(out);
        g.err = lseek(STDERR_FILENO, 0, SEEK_CUR);
        g.failed = each_one(files[k], opts, h);
        if (fflush(out) != 0 || fflush(stderr) != 0) g.io = errno ? errno : EIO;
        g.nout = ftello(out) - g.out;
        g.nerr = lseek(STDERR_FILENO, 0, SEEK_CUR) - g.err;
        char *rec = NULL;
        size_t nrec = 0;
        FILE *rf = open_memstream(&rec, &nrec);
        if (!rf) _exit(4);
        m->record(h->ud, rf);
        if (fclose(rf) != 0) _exit(4);
        g.rec = (uint32_t)nrec;
        if (write_all(pipefd, &g, sizeof g) < 0 || write_all(pipefd, rec, nrec) < 0) status = 5;
        free(rec);
        if (g.io || status) break;
    }
    if (m->finish) m->finish(h->ud);
    _exit(status);
}

static void copy_out(int from, int64_t off, int64_t n, int to)
{
    char buf[65536];
    jx_each_unit u = {from, off, n};
    size_t k;
    while ((k = unit_read(&u, buf, sizeof buf)) > 0)
        if (write_all(to, buf, k) < 0) return;
}

static void stop_workers(struct worker *wk, int jobs, int kill_them)
{
    for (int w = 0; w < jobs; w++) {
        if (wk[w].pid > 0) {
            if (kill_them) kill(wk[w].pid, SIGTERM);
            while (waitpid(wk[w].pid, NULL, 0) < 0 && errno == EINTR) {
            }
        }
        if (wk[w].pipe >= 0) close(wk[w].pipe);
        if (wk[w].out) fclose(wk[w].out);
        if (wk[w].err) fclose(wk[w].err);
    }
}

/* Why worker w stopped sending, for the message. */
static void why(struct worker *x, char *buf, size_t cap)
{
    int st;
    pid_t r;
    do r = waitpid(x->pid, &st, 0);
    while (r < 0 && errno == EINTR);
    x->pid = 0;
    if (r < 0) snprintf(buf, cap, "it could not be waited for");
    else if (WIFSIGNALED(st)) snprintf(buf, cap, "it was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else snprintf(buf, cap, "it exited with status %d", WEXITSTATUS(st));
}

int jx_each_table_jobs(const char *const *files, int n, int jobs, const jx_table_opts *opts, const jx_each_hooks *h,
                       const jx_each_merge *m)
{
    if (jobs > n) jobs = n;
    if (jobs <= 1) return jx_each_table(files, n, opts, h);
    struct worker *wk = calloc((size_t)jobs, sizeof *wk);
    if (!wk) {
        fprintf(stderr, "jixiao: out of memory; reading the inputs one at a time\n");
        return jx_each_table(files, n, opts, h);
    }
    for (int w = 0; w < jobs; w++) wk[w].pipe = -1;
    fflush(NULL); /* nothing buffered may be written twice */
    int failed = 0, started = 0;
    for (int w = 0; w < jobs; w++) {
        int p[2];
        wk[w].out = tmpfile();
        wk[w].err = tmpfile();
        if (!wk[w].out || !wk[w].err || pipe(p) < 0) {
            fprintf(stderr, "jixiao: cannot set up worker %d (%s); it reads its inputs in this process\n", w + 1,
                    strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "jixiao: cannot start worker %d (%s); it reads its inputs in this process\n", w + 1,
                    strerror(errno));
            close(p[0]), close(p[1]);
            break;
        }
        if (pid == 0) {
            close(p[0]);
            for (int v = 0; v < w; v++) close(wk[v].pipe);
            signal(SIGPIPE, SIG_DFL);
            FILE *out = wk[w].out;
            int errfd = fileno(wk[w].err);
            free(wk); /* the parent's; the worker needs only its own files */
            run_worker(w, jobs, files, n, opts, h, m, out, errfd, p[1]);
        }
        close(p[1]);
        wk[w].pid = pid;
        wk[w].pipe = p[0];
        started++;
    }
    if (started == 0) {
        stop_workers(wk, jobs, 0);
        free(wk);
        return jx_each_table(files, n, opts, h);
    }
    int broken = 0;
    for (int k = 0; k < n; k++) {
        int w = k % jobs;
        struct worker *x = &wk[w];
        if (w >= started) { /* this worker never started: read its inputs here */
            failed += each_one(files[k], opts, h);
            continue;
        }
        struct msg g;
        int r = x->dead ? 0 : read_all(x->pipe, &g, sizeof g);
        char *rec = NULL;
        if (r > 0 && g.input == k && (rec = malloc(g.rec ? g.rec : 1)) && read_all(x->pipe, rec, g.rec) >= 0) {
            fflush(stderr);
            copy_out(fileno(x->err), g.err, g.nerr, STDERR_FILENO);
            jx_each_unit u = {fileno(x->out), g.out, g.nout};
            m->merge(h->ud, &u, rec, g.rec);
            failed += g.failed;
            free(rec);
            if (g.io) {
                fprintf(stderr, "jixiao: worker %d cannot write its temporary files (%s); it stops after %s\n", w + 1,
                        strerror(g.io), files[k]);
                x->dead = broken = 1;
            }
            continue;
        }
        free(rec);
        if (!x->dead) {
            char because[128];
            why(x, because, sizeof because);
            fprintf(stderr, "jixiao: worker %d stopped before %s: %s\n", w + 1, files[k], because);
            x->dead = broken = 1;
        }
        /* an input of a dead worker: failed, as one that cannot be opened */
        jx_err err = {0};
        jx_err_set(&err, JX_EIO, "%s: not read: the worker reading it stopped (see above); run again", files[k]);
        if (h->fail) h->fail(h->ud, files[k], &err);
        failed++;
    }
    stop_workers(wk, jobs, broken);
    free(wk);
    return failed;
}
