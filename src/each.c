/* The loop over input tables (see each.h). */
#include "each.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* Inputs go to the workers in chunks of consecutive inputs. A worker that is
 * free takes the first chunk nobody has taken, so a slower worker (one that
 * shares its processor) takes fewer. A chunk holds the inputs left divided by
 * CHUNKS_PER_WORKER · jobs, at least one and at most CHUNK_MAX: large enough
 * that one batch per chunk costs little next to its tables, and smaller
 * towards the end of the list so that the workers finish close together. */
enum { CHUNKS_PER_WORKER = 4, CHUNK_MAX = 64 };

/* Who reads each chunk: in memory shared by the parent and the workers. */
struct claims {
    atomic_int next;    /* every chunk before it is taken */
    atomic_int owner[]; /* NOBODY, a worker's index, or PARENT */
};
enum { NOBODY = -1, PARENT = -2 };

/* The chunks of a run: chunk c is inputs start[c] to start[c + 1] - 1. */
struct plan {
    int n;
    int *start;
    struct claims *cl;
};

/* Cuts n inputs into chunks for jobs workers; -1 when out of memory. */
static int plan_new(struct plan *p, int n, int jobs)
{
    p->start = malloc(((size_t)n + 1) * sizeof *p->start);
    if (!p->start) return -1;
    p->n = 0;
    for (int k = 0; k < n; p->n++) {
        p->start[p->n] = k;
        int size = (n - k) / (jobs * CHUNKS_PER_WORKER);
        k += size < 1 ? 1 : size > CHUNK_MAX ? CHUNK_MAX : size;
    }
    p->start[p->n] = n;
    size_t bytes = sizeof *p->cl + (size_t)p->n * sizeof p->cl->owner[0];
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        free(p->start);
        return -1;
    }
    p->cl = m;
    atomic_init(&p->cl->next, 0);
    for (int c = 0; c < p->n; c++) atomic_init(&p->cl->owner[c], NOBODY);
    return 0;
}

static void plan_free(struct plan *p)
{
    munmap(p->cl, sizeof *p->cl + (size_t)p->n * sizeof p->cl->owner[0]);
    free(p->start);
}

/* Takes chunk c for who; 1 when nobody had it. */
static int take(struct plan *p, int c, int who)
{
    int none = NOBODY;
    return atomic_compare_exchange_strong(&p->cl->owner[c], &none, who);
}

/* Takes the first chunk nobody has for who: its index, or -1 when every
 * chunk is taken. The chunks taken are therefore always the first ones. */
static int take_next(struct plan *p, int who)
{
    for (int c = atomic_load(&p->cl->next); c < p->n; c++) {
        if (take(p, c, who)) {
            atomic_store(&p->cl->next, c + 1);
            return c;
        }
    }
    return -1;
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
    struct plan *plan;
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
 * temporary files cannot be written (b->io: the chunk is lost). Standard
 * error is unbuffered, so its file position is where an input's messages
 * end; the output's is known to its stream (ftello makes no system call) and
 * reaches the file at the end of the chunk. */
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

static void run_worker(int w, struct wstate *s, int errfd)
{
    static char buf[1 << 16];
    setvbuf(s->out, buf, _IOFBF, sizeof buf);
    if (dup2(errfd, STDERR_FILENO) < 0) _exit(3);
    /* a known position: ftello on the output needs no system call from here on */
    if (fseeko(s->out, 0, SEEK_SET) != 0) _exit(3);
    s->err = 0;
    s->rec = open_memstream(&s->recs, &s->nrecs);
    s->msgs = malloc(CHUNK_MAX * sizeof *s->msgs);
    if (!s->rec || !s->msgs) _exit(4);
    s->m->worker(s->h->ud, s->out);
    int status = 0, c;
    while (!status && (c = take_next(s->plan, w)) >= 0) {
        struct batch b;
        read_chunk(s, s->plan->start[c], s->plan->start[c + 1], &b);
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

/* Why worker x stopped sending, for the message: io, or how it ended (one
 * still running is ended first: what it sends is no longer read). */
static void why(struct worker *x, int io, char *buf, size_t cap)
{
    if (io) {
        snprintf(buf, cap, "it cannot write its temporary files (%s)", strerror(io));
        return;
    }
    int st;
    pid_t r = waitpid(x->pid, &st, WNOHANG);
    if (r == 0) {
        kill(x->pid, SIGTERM);
        do r = waitpid(x->pid, &st, 0);
        while (r < 0 && errno == EINTR);
    }
    x->pid = 0;
    if (r <= 0) snprintf(buf, cap, "it could not be waited for");
    else if (WIFSIGNALED(st)) snprintf(buf, cap, "it was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else snprintf(buf, cap, "it exited with status %d", WEXITSTATUS(st));
}

/* The parent's view of a run. */
struct par {
    struct worker *wk;
    struct pollfd *fds; /* one per worker */
    int jobs, started;
    int alive;          /* workers started and not known to have stopped */
    int stand_in;       /* some workers did not start: this process takes chunks in their place */
    int mine;           /* a chunk this process took ahead of its turn, or -1 */
    struct plan *plan;
    const char *const *files;
};

/* Closes the temporary files of a worker that did not start. */
static void drop_files(struct worker *x)
{
    if (x->out) fclose(x->out);
    if (x->err) fclose(x->err);
    x->out = x->err = NULL;
}

/* Forks the workers; returns how many started (those after the first that
 * could not be set up or started are not tried). */
static int start_workers(struct par *p, struct wstate *s)
{
    int started = 0;
    for (int w = 0; w < p->jobs; w++) {
        struct worker *x = &p->wk[w];
        int fd[2];
        x->out = tmpfile();
        x->err = tmpfile();
        if (!x->out || !x->err || pipe(fd) < 0) {
            fprintf(stderr, "jixiao: cannot set up worker %d (%s); it reads its inputs in this process\n", w + 1,
                    strerror(errno));
            drop_files(x);
            break;
        }
        fcntl(fd[0], F_SETPIPE_SZ, 1 << 18); /* room for batches sent ahead; the default when refused */
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "jixiao: cannot start worker %d (%s); it reads its inputs in this process\n", w + 1,
                    strerror(errno));
            close(fd[0]), close(fd[1]);
            drop_files(x);
            break;
        }
        if (pid == 0) {
            close(fd[0]);
            for (int v = 0; v < w; v++) close(p->wk[v].pipe);
            signal(SIGPIPE, SIG_DFL);
            s->out = x->out;
            s->pipe = fd[1];
            int errfd = fileno(x->err);
            free(p->wk), free(p->fds); /* the parent's; the worker needs only its own files */
            run_worker(w, s, errfd);
        }
        close(fd[1]);
        x->pid = pid;
        x->pipe = fd[0];
        started++;
    }
    return started;
}

/* Waits a little for chunk c to be taken, noting the workers that exited
 * meanwhile (their pipes hang up): they take no more chunks. While c is not
 * taken no later chunk is either, so such a worker has no batch left to
 * send. When the last one goes, c and the chunks after it are not read, and
 * the message says why. */
static void await_taken(struct par *p, int c)
{
    for (int w = 0; w < p->started; w++)
        p->fds[w] = (struct pollfd){.fd = p->wk[w].dead ? -1 : p->wk[w].pipe, .events = POLLIN};
    if (poll(p->fds, (nfds_t)p->started, 10) <= 0 || atomic_load(&p->plan->cl->owner[c]) != NOBODY) return;
    for (int w = 0; w < p->started; w++) {
        short ev = p->fds[w].revents;
        if (p->fds[w].fd < 0 || !(ev & POLLHUP)) continue;
        char because[128];
        why(&p->wk[w], 0, because, sizeof because);
        p->wk[w].dead = 1;
        if (--p->alive == 0 && !p->stand_in)
            fprintf(stderr, "jixiao: worker %d stopped before %s: %s\n", w + 1, p->files[p->plan->start[c]], because);
    }
}

/* Who reads chunk c: a worker's index, PARENT, or NOBODY when no worker is
 * left to read it. */
static int owner_of(struct par *p, int c)
{
    for (int spins = 0;; spins++) {
        int o = atomic_load(&p->plan->cl->owner[c]);
        if (o != NOBODY) return o;
        if (p->stand_in && take(p->plan, c, PARENT)) return PARENT;
        if (p->alive == 0) return NOBODY;
        if (spins < 64) sched_yield(); /* a worker that has just sent a batch takes its next chunk at once */
        else await_taken(p, c);
    }
}

/* Takes chunk c from its worker and merges it; returns the inputs that
 * failed, counting those of a chunk that was lost as the worker stopped. */
static int from_worker(struct par *p, int c, struct worker *x, struct got *g, const jx_each_hooks *h,
                       const jx_each_merge *m)
{
    int first = p->plan->start[c], end = p->plan->start[c + 1];
    /* in place of a worker that did not start: a chunk to read while this one is on its way */
    if (p->stand_in && p->mine < 0) p->mine = take_next(p->plan, PARENT);
    int whole = !x->dead && receive(x, first, end, g);
    if (whole && !g->b.io) return merge_chunk(x, g, h, m);
    if (!x->dead) {
        char because[128];
        why(x, whole ? g->b.io : 0, because, sizeof because);
        fprintf(stderr, "jixiao: worker %d stopped before %s: %s\n", (int)(x - p->wk) + 1, p->files[first], because);
        x->dead = 1;
        p->alive--;
    }
    return -1;
}

/* The inputs of a chunk nobody read: failed, as ones that cannot be opened. */
static int not_read(struct par *p, int c, const char *because, const jx_each_hooks *h)
{
    for (int k = p->plan->start[c]; k < p->plan->start[c + 1]; k++) {
        jx_err err = {0};
        jx_err_set(&err, JX_EIO, "%s: not read: %s (see above); run again", p->files[k], because);
        if (h->fail) h->fail(h->ud, p->files[k], &err);
    }
    return p->plan->start[c + 1] - p->plan->start[c];
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
        drop_files(&wk[w]);
    }
}

int jx_each_table_jobs(const char *const *files, int n, int jobs, const jx_table_opts *opts, const jx_each_hooks *h,
                       const jx_each_merge *m)
{
    if (jobs > n) jobs = n;
    if (jobs <= 1) return jx_each_table(files, n, opts, h);
    struct plan plan;
    struct par p = {.wk = calloc((size_t)jobs, sizeof *p.wk), .fds = calloc((size_t)jobs, sizeof *p.fds),
                    .jobs = jobs, .mine = -1, .plan = &plan, .files = files};
    if (!p.wk || !p.fds || plan_new(&plan, n, jobs) < 0) {
        free(p.wk), free(p.fds);
        fprintf(stderr, "jixiao: out of memory; reading the inputs one at a time\n");
        return jx_each_table(files, n, opts, h);
    }
    for (int w = 0; w < jobs; w++) p.wk[w].pipe = -1;
    fflush(NULL); /* nothing buffered may be written twice */
    struct wstate s = {.plan = &plan, .files = files, .opts = opts, .h = h, .m = m, .pipe = -1};
    p.started = p.alive = start_workers(&p, &s);
    p.stand_in = p.started < jobs; /* with none started, this process reads every chunk */
    int failed = 0, broken = 0;
    struct got g = {0};
    for (int c = 0; c < plan.n; c++) {
        int o = owner_of(&p, c), r;
        if (o == PARENT) { /* read here, in place of a worker that did not start */
            for (int k = plan.start[c]; k < plan.start[c + 1]; k++) failed += each_one(files[k], opts, h);
            if (p.mine == c) p.mine = -1;
            continue;
        }
        if (o >= 0 && (r = from_worker(&p, c, &p.wk[o], &g, h, m)) >= 0) {
            failed += r;
            continue;
        }
        failed += not_read(&p, c, o >= 0 ? "the worker reading it stopped" : "the workers stopped", h);
        broken = 1;
    }
    free(g.msgs.p), free(g.recs.p), free(g.out.p), free(g.err.p);
    stop_workers(p.wk, jobs, broken);
    plan_free(&plan);
    free(p.wk), free(p.fds);
    return failed;
}
