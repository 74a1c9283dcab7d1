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

/* Inputs go to the workers in chunks of consecutive inputs: chunk c is inputs
 * c·size to (c+1)·size - 1, and worker c mod jobs reads it. The size is about
 * an eighth of a worker's share, at most CHUNK_MAX: small enough that the
 * workers finish close together, large enough that one record per chunk
 * costs little next to its tables. */
enum { CHUNKS_PER_WORKER = 8, CHUNK_MAX = 64 };

static int chunk_size(int n, int jobs)
{
    int size = n / (jobs * CHUNKS_PER_WORKER);
    return size < 1 ? 1 : size > CHUNK_MAX ? CHUNK_MAX : size;
}

/* What a worker sends after each chunk: this, then count struct msg, then rec
 * bytes of records, each input's in turn. */
struct batch {
    int32_t first;  /* index of the chunk's first input */
    int32_t count;  /* inputs read: the whole chunk unless io */
    int32_t io;     /* errno of a failed write to the temporary files, or 0 */
    uint32_t rec;   /* bytes of records */
};

/* One input of a batch. */
struct msg {
    int32_t failed;  /* the input failed */
    uint32_t rec;    /* bytes of its record */
    int64_t out, nout, err, nerr; /* its output and messages in the temporary files */
};

/* A unit's bytes are in the file fd from off on, or, when mem is not NULL,
 * in memory at mem. */
struct jx_each_unit {
    int fd;
    int64_t off, left;
    const char *mem;
};

static size_t unit_read(jx_each_unit *u, void *buf, size_t cap)
{
    if (u->left <= 0) return 0;
    if ((int64_t)cap > u->left) cap = (size_t)u->left;
    if (u->mem) {
        memcpy(buf, u->mem, cap);
        u->mem += cap, u->off += (int64_t)cap, u->left -= (int64_t)cap;
        return cap;
    }
    ssize_t k;
    do k = pread(u->fd, buf, cap, (off_t)u->off);
    while (k < 0 && errno == EINTR);
    if (k <= 0) return u->left = 0, 0;
    u->off += k, u->left -= k;
    return (size_t)k;
}

size_t jx_each_unit_copy(jx_each_unit *u, FILE *to, int drop)
{
    if (u->mem) {
        size_t from = drop && u->left > 0 && u->mem[0] == drop, n = u->left > 0 ? (size_t)u->left : 0;
        size_t total = n > from ? fwrite(u->mem + from, 1, n - from, to) : 0;
        u->mem += n, u->off += (int64_t)n, u->left = 0;
        return total;
    }
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

/* ---- a worker ---- */

/* What a worker keeps from chunk to chunk. */
struct wstate {
    const char *const *files;
    const jx_table_opts *opts;
    const jx_each_hooks *h;
    const jx_each_merge *m;
    FILE *out;       /* the output, fully buffered */
    FILE *rec;       /* the chunk's records, in memory at recs */
    char *recs;
    size_t nrecs;
    struct msg *msgs; /* the chunk's inputs */
    int64_t err;     /* where the next input's messages start */
    int pipe;
};

/* Reads inputs first to end - 1 into b and s->msgs, stopping early when the
 * temporary files cannot be written (b->io: the chunk is lost). Standard error is unbuffered,
 * so its file position is where an input's messages end; the output's is
 * known to its stream (ftello makes no system call) and reaches the file at
 * the end of the chunk. */
static void read_chunk(struct wstate *s, int first, int end, struct batch *b)
{
    *b = (struct batch){.first = first};
    rewind(s->rec);
    int broke = 0;
    for (int k = first; k < end && !broke; k++) {
        struct msg *g = &s->msgs[k - first];
        g->out = ftello(s->out);
        g->err = s->err;
        g->failed = each_one(s->files[k], s->opts, s->h);
        g->nout = ftello(s->out) - g->out;
        s->err = lseek(STDERR_FILENO, 0, SEEK_CUR);
        g->nerr = s->err - g->err;
        off_t r = ftello(s->rec);
        s->m->record(s->h->ud, s->rec);
        g->rec = (uint32_t)(ftello(s->rec) - r);
        b->count++;
        broke = ferror(s->out) || ferror(stderr) || s->err < 0;
    }
    /* fflush leaves the stream's position unknown; the seek makes it known
     * again, so ftello stays free of system calls for the next chunk. A
     * stream that failed fails again here, which gives the reason. */
    errno = 0;
    if (fflush(s->out) != 0 || fseeko(s->out, 0, SEEK_CUR) != 0 || broke) b->io = errno ? errno : EIO;
}

/* Sends a chunk's batch; -1 when the parent is gone. */
static int send_chunk(struct wstate *s, const struct batch *b)
{
    if (fflush(s->rec) != 0) _exit(4);
    struct batch c = *b;
    c.rec = (uint32_t)ftello(s->rec);
    if (write_all(s->pipe, &c, sizeof c) < 0) return -1;
    if (write_all(s->pipe, s->msgs, (size_t)c.count * sizeof *s->msgs) < 0) return -1;
    return write_all(s->pipe, s->recs, c.rec);
}

static void run_worker(int w, int jobs, int size, int n, struct wstate *s, int errfd)
{
    static char buf[1 << 16];
    setvbuf(s->out, buf, _IOFBF, sizeof buf);
    if (dup2(errfd, STDERR_FILENO) < 0) _exit(3);
    /* a known position: ftello on the output needs no system call from here on */
    if (fseeko(s->out, 0, SEEK_SET) != 0) _exit(3);
    s->err = 0;
    s->rec = open_memstream(&s->recs, &s->nrecs);
    s->msgs = malloc((size_t)size * sizeof *s->msgs);
    if (!s->rec || !s->msgs) _exit(4);
    s->m->worker(s->h->ud, s->out);
    int status = 0;
    for (int first = w * size; first < n && !status; first += jobs * size) {
        struct batch b;
        read_chunk(s, first, first + size < n ? first + size : n, &b);
        if (send_chunk(s, &b) < 0) status = 5;
        else if (b.io) status = 6;
    }
    if (s->m->finish) s->m->finish(s->h->ud);
    _exit(status);
}

/* ---- the parent ---- */

struct worker {
    pid_t pid;
    int pipe;       /* read end of the records */
    FILE *out, *err;
    int dead;       /* its records ended */
};

/* A growing buffer. */
struct buf {
    char *p;
    size_t cap;
};

/* Makes room for n bytes (at least one); NULL when out of memory. */
static void *grow(struct buf *b, size_t n)
{
    if (n == 0) n = 1;
    if (n > b->cap) {
        char *p = realloc(b->p, n);
        if (!p) return NULL;
        b->p = p, b->cap = n;
    }
    return b->p;
}

/* A chunk as the parent receives it. */
struct got {
    struct batch b;
    struct buf msgs, recs, out, err;
    const char *outmem, *errmem; /* the chunk's output and messages in memory, or NULL */
};

/* A chunk's output goes through memory up to this size when no input's output
 * is large enough for sendfile (jx_each_unit_copy); its messages likewise. */
enum { LOAD_MAX = 4 << 20, UNIT_IN_KERNEL = 65536 };

static int pread_all(int fd, void *p, size_t n, int64_t off)
{
    char *s = p;
    while (n) {
        ssize_t k = pread(fd, s, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        s += k, n -= (size_t)k, off += k;
    }
    return 0;
}

/* Reads n bytes at off of fd into b; the bytes, or NULL when that cannot be
 * done (the caller then reads the file itself). */
static const char *load(int fd, int64_t off, int64_t n, struct buf *b)
{
    if (n <= 0 || n > LOAD_MAX || !grow(b, (size_t)n)) return NULL;
    return pread_all(fd, b->p, (size_t)n, off) == 0 ? b->p : NULL;
}

/* Takes worker x's batch for the chunk from first to end - 1 into g. 1 when
 * it came whole (g->b.io may still say the worker stopped), 0 when the worker
 * stopped sending. */
static int receive(struct worker *x, int first, int end, struct got *g)
{
    struct batch *b = &g->b;
    if (read_all(x->pipe, b, sizeof *b) <= 0 || b->first != first || b->count < 0 || b->count > end - first ||
        (b->count < end - first && !b->io))
        return 0;
    size_t nm = (size_t)b->count * sizeof(struct msg);
    if (!grow(&g->msgs, nm) || read_all(x->pipe, g->msgs.p, nm) < 0) return 0;
    if (!grow(&g->recs, b->rec) || read_all(x->pipe, g->recs.p, b->rec) < 0) return 0;
    const struct msg *m = (const struct msg *)g->msgs.p;
    uint64_t nrec = 0;
    int64_t big = 0;
    for (int i = 0; i < b->count; i++) {
        nrec += m[i].rec;
        if (m[i].nout > big) big = m[i].nout;
    }
    if (nrec != b->rec) return 0;
    g->outmem = g->errmem = NULL;
    if (b->count > 0 && !b->io) {
        const struct msg *l = &m[b->count - 1];
        if (big < UNIT_IN_KERNEL) g->outmem = load(fileno(x->out), m[0].out, l->out + l->nout - m[0].out, &g->out);
        g->errmem = load(fileno(x->err), m[0].err, l->err + l->nerr - m[0].err, &g->err);
    }
    return 1;
}

static void copy_out(int from, int64_t off, int64_t n, int to)
{
    char buf[65536];
    jx_each_unit u = {from, off, n, NULL};
    size_t k;
    while ((k = unit_read(&u, buf, sizeof buf)) > 0)
        if (write_all(to, buf, k) < 0) return;
}

/* Hands a received chunk to merge, input by input: its messages to standard
 * error, then its output and record. Returns the inputs that failed. */
static int merge_chunk(struct worker *x, const struct got *g, const jx_each_hooks *h, const jx_each_merge *m)
{
    const struct msg *v = (const struct msg *)g->msgs.p;
    const char *rec = g->recs.p;
    int failed = 0;
    for (int i = 0; i < g->b.count; i++) {
        const struct msg *e = &v[i];
        if (e->nerr > 0) {
            fflush(stderr);
            if (g->errmem) write_all(STDERR_FILENO, g->errmem + (e->err - v[0].err), (size_t)e->nerr);
            else copy_out(fileno(x->err), e->err, e->nerr, STDERR_FILENO);
        }
        jx_each_unit u = {fileno(x->out), e->out, e->nout, g->outmem ? g->outmem + (e->out - v[0].out) : NULL};
        m->merge(h->ud, &u, rec, e->rec);
        rec += e->rec;
        failed += e->failed;
    }
    return failed;
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

/* Why worker x stopped sending, for the message. */
static void why(struct worker *x, int io, char *buf, size_t cap)
{
    if (io) {
        snprintf(buf, cap, "it cannot write its temporary files (%s)", strerror(io));
        return;
    }
    int st;
    pid_t r;
    do r = waitpid(x->pid, &st, 0);
    while (r < 0 && errno == EINTR);
    x->pid = 0;
    if (r < 0) snprintf(buf, cap, "it could not be waited for");
    else if (WIFSIGNALED(st)) snprintf(buf, cap, "it was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else snprintf(buf, cap, "it exited with status %d", WEXITSTATUS(st));
}

/* Closes the temporary files of a worker that did not start, so that the
 * inputs read in this process have the descriptors. */
static void drop_files(struct worker *x)
{
    if (x->out) fclose(x->out);
    if (x->err) fclose(x->err);
    x->out = x->err = NULL;
}

/* Forks the workers; returns how many started (those after the first that
 * could not be set up or started are not tried). */
static int start_workers(struct worker *wk, int jobs, int size, int n, struct wstate *s)
{
    int started = 0;
    for (int w = 0; w < jobs; w++) {
        int p[2];
        wk[w].out = tmpfile();
        wk[w].err = tmpfile();
        if (!wk[w].out || !wk[w].err || pipe(p) < 0) {
            fprintf(stderr, "jixiao: cannot set up worker %d (%s); it reads its inputs in this process\n", w + 1,
                    strerror(errno));
            drop_files(&wk[w]);
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "jixiao: cannot start worker %d (%s); it reads its inputs in this process\n", w + 1,
                    strerror(errno));
            close(p[0]), close(p[1]);
            drop_files(&wk[w]);
            break;
        }
        if (pid == 0) {
            close(p[0]);
            for (int v = 0; v < w; v++) close(wk[v].pipe);
            signal(SIGPIPE, SIG_DFL);
            s->out = wk[w].out;
            s->pipe = p[1];
            int errfd = fileno(wk[w].err);
            free(wk); /* the parent's; the worker needs only its own files */
            run_worker(w, jobs, size, n, s, errfd);
        }
        close(p[1]);
        wk[w].pid = pid;
        wk[w].pipe = p[0];
        started++;
    }
    return started;
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
    int size = chunk_size(n, jobs);
    struct wstate s = {files, opts, h, m, NULL, NULL, NULL, 0, NULL, 0, -1};
    int started = start_workers(wk, jobs, size, n, &s);
    if (started == 0) {
        stop_workers(wk, jobs, 0);
        free(wk);
        return jx_each_table(files, n, opts, h);
    }
    int failed = 0, broken = 0;
    struct got g = {0};
    for (int first = 0, c = 0; first < n; first += size, c++) {
        int end = first + size < n ? first + size : n;
        struct worker *x = &wk[c % jobs];
        if (c % jobs >= started) { /* this worker never started: read its inputs here */
            for (int k = first; k < end; k++) failed += each_one(files[k], opts, h);
            continue;
        }
        int whole = !x->dead && receive(x, first, end, &g);
        if (whole && !g.b.io) {
            failed += merge_chunk(x, &g, h, m);
            continue;
        }
        if (!x->dead) {
            char because[128];
            why(x, whole ? g.b.io : 0, because, sizeof because);
            fprintf(stderr, "jixiao: worker %d stopped before %s: %s\n", c % jobs + 1, files[first], because);
            x->dead = broken = 1;
        }
        /* the inputs of a dead worker: failed, as ones that cannot be opened */
        for (int k = first; k < end; k++) {
            jx_err err = {0};
            jx_err_set(&err, JX_EIO, "%s: not read: the worker reading it stopped (see above); run again", files[k]);
            if (h->fail) h->fail(h->ud, files[k], &err);
            failed++;
        }
    }
    free(g.msgs.p), free(g.recs.p), free(g.out.p), free(g.err.p);
    stop_workers(wk, jobs, broken);
    free(wk);
    return failed;
}
