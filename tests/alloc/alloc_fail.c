/* Allocation-failure harness: runs `jixiao parse -o OUT FILE` (the real
 * jx_cmd_parse: table reader, JSON/CSV/summary writers, atomic output) over
 * a few inputs, making the N-th allocation fail, for every N until a run
 * makes fewer than N allocations. malloc, calloc, realloc and free are
 * replaced here for the whole process (glibc routes its own allocations, as
 * in strdup, fdopen and iconv_open, through them too) and forward to glibc's
 * __libc_* functions.
 *
 * Every run must: return 0 or 2 (no crash: a fatal signal prints the N);
 * on 2, say "memory" in its message; on 0, write exactly the output of a
 * run without failures; free every allocation it made; close every file
 * descriptor it opened; leave no temporary file beside OUT.
 *
 * Usage: alloc-fail DIR [--after]   (DIR: an empty scratch directory;
 * --after fails every allocation from the N-th on, not only the N-th).
 * Prints one line per input and ends with "N runs, N failed". */
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t k, size_t n);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

/* ---- the allocator ---- */

#define MAX_LIVE (1 << 16)
static void *live[MAX_LIVE]; /* allocations made while armed, still live */
static int nlive;
static int armed, sticky;
static long count, fail_at;
static int failed_once; /* the injected failure happened in this run */
static void *fail_stack[32];
static int fail_depth;

static void track(void *p)
{
    if (!p) return;
    if (nlive == MAX_LIVE) {
        static const char msg[] = "alloc-fail: too many live allocations to track\n";
        write(2, msg, sizeof msg - 1);
        abort();
    }
    live[nlive++] = p;
}

static void untrack(void *p)
{
    for (int i = nlive - 1; i >= 0; i--)
        if (live[i] == p) {
            live[i] = live[--nlive];
            return;
        }
}

/* Whether this allocation is the one to fail; counts it. */
static int inject(void)
{
    if (!armed) return 0;
    ++count;
    if (fail_at > 0 && (count == fail_at || (sticky && count > fail_at))) {
        if (!failed_once) fail_depth = backtrace(fail_stack, 32);
        failed_once = 1;
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    if (inject()) return NULL;
    void *p = __libc_malloc(n);
    if (armed) track(p);
    return p;
}

void *calloc(size_t k, size_t n)
{
    if (inject()) return NULL;
    void *p = __libc_calloc(k, n);
    if (armed) track(p);
    return p;
}

void *realloc(void *old, size_t n)
{
    if (!old) return malloc(n);
    if (inject()) return NULL;
    void *p = __libc_realloc(old, n);
    if (p && armed) {
        untrack(old);
        track(p);
    } else if (p && p != old) {
        untrack(old); /* made before arming: no longer live under that name */
    }
    return p;
}

void free(void *p)
{
    if (p && nlive) untrack(p);
    __libc_free(p);
}

/* ---- one run ---- */

static long current_n;
static const char *current_input;

static void on_signal(int sig)
{
    char msg[256];
    int k = snprintf(msg, sizeof msg, "alloc-fail: signal %d on %s with allocation %ld failing; its stack:\n", sig,
                     current_input, current_n);
    write(2, msg, (size_t)k);
    backtrace_symbols_fd(fail_stack, fail_depth, 2);
    signal(sig, SIG_DFL);
    raise(sig);
}

static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) buf = realloc(buf, cap = cap ? cap * 2 : 65536);
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

/* Entries of dir other than . and .. (the output, or a stray temporary). */
static int dir_entries(const char *dir, char *first, size_t cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    first[0] = 0;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (!n++) snprintf(first, cap, "%s", e->d_name);
    }
    if (d) closedir(d);
    return n;
}

struct result {
    int rc;
    char *out; /* the output file's bytes, NULL if none */
    size_t len;
    char err[2048];
};

/* Runs `jixiao parse -o DIR/out ARGS...` with allocation n failing (0: none,
 * but allocations are still counted and tracked). */
static void run(const char *dir, char **args, int nargs, long n, struct result *r)
{
    char out[4096], errpath[4096];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(errpath, sizeof errpath, "%s.stderr", dir);
    char *argv[16];
    int argc = 0;
    argv[argc++] = "parse";
    argv[argc++] = "-o";
    argv[argc++] = out;
    for (int i = 0; i < nargs; i++) argv[argc++] = args[i];
    argv[argc] = NULL;

    fflush(stderr);
    int saved = dup(2), fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    close(fd);
    count = 0, fail_at = n > 0 ? n : -1, failed_once = 0, nlive = 0;
    armed = 1;
    r->rc = jx_cmd_parse(argc, argv);
    armed = 0;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);

    size_t elen = 0;
    char *e = slurp(errpath, &elen);
    snprintf(r->err, sizeof r->err, "%.*s", (int)elen, e ? e : "");
    free(e);
    unlink(errpath);
    r->out = slurp(out, &r->len);
}

static void show_stack(void)
{
    fflush(stdout);
    backtrace_symbols_fd(fail_stack, fail_depth < 12 ? fail_depth : 12, 1);
}

static void remove_output(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/out", dir);
    unlink(p);
}

/* Why run r (allocation n failing) is wrong against base, or NULL. */
static const char *judge(const char *dir, const struct result *base, const struct result *r, int fds)
{
    char stray[256];
    if (r->rc != 0 && r->rc != 2) return "exit status neither 0 nor 2";
    if (nlive) return "allocations left live (a leak)";
    if (count_fds() != fds) return "a file descriptor left open";
    if (r->rc == 2 && r->out) return "failed but wrote the output file";
    if (r->rc == 2 && !strstr(r->err, "memory") && !strstr(r->err, "Memory") &&
        !(base->rc == 2 && !strcmp(r->err, base->err)))
        return "failed without saying memory ran out";
    if (r->rc == 0 && base->rc != 0) return "succeeded where a run without failures fails";
    if (r->rc == 0 && (!r->out || r->len != base->len || memcmp(r->out, base->out, r->len)))
        return "succeeded with different output (something was silently lost)";
    remove_output(dir);
    if (dir_entries(dir, stray, sizeof stray)) return "a temporary file left behind";
    return NULL;
}

/* Runs one input for every N; returns the number of failed runs. */
static int sweep(const char *dir, char **args, int nargs, long *runs)
{
    struct result base, r;
    int fds = count_fds();
    current_input = args[nargs - 1];
    run(dir, args, nargs, 0, &base);
    long total = count;
    remove_output(dir);
    if (nlive) {
        printf("FAIL %s: %d allocations left live without any failure\n", current_input, nlive);
        return 1;
    }
    int bad = 0, errors = 0;
    for (long n = 1;; n++) {
        current_n = n;
        run(dir, args, nargs, n, &r);
        (*runs)++;
        if (!failed_once) { /* the run no longer reaches allocation n */
            free(r.out);
            remove_output(dir);
            break;
        }
        const char *why = judge(dir, &base, &r, fds);
        errors += !why && r.rc == 2 && (strstr(r.err, "memory") || strstr(r.err, "Memory"));
        if (why) {
            bad++;
            printf("FAIL %s: allocation %ld failing: %s (exit %d, %d live); stderr: %.300s\n", current_input, n, why,
                   r.rc, nlive, r.err);
            printf("  the failed allocation:\n");
            show_stack();
            char stray[256], p[4096];
            while (dir_entries(dir, stray, sizeof stray)) {
                snprintf(p, sizeof p, "%s/%s", dir, stray);
                if (unlink(p) != 0) break;
            }
        }
        free(r.out);
    }
    printf("%s %s: %ld allocations, each failed in turn: %d clean out-of-memory errors, %ld as without failures, "
           "%d bad\n",
           bad ? "FAIL" : "ok  ", current_input, total, errors, total - errors - bad, bad);
    free(base.out);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: alloc-fail DIR [--after]\n");
        return 2;
    }
    const char *dir = argv[1];
    sticky = argc > 2 && !strcmp(argv[2], "--after");
    signal(SIGSEGV, on_signal);
    signal(SIGABRT, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
    /* backtrace loads its unwinder on first use: not inside a counted run. */
    fail_depth = backtrace(fail_stack, 32);
    static char *inputs[][4] = {
        {"tests/data/000_657db78fa8902e38.txt"},
        {"--format", "csv", "tests/data/enc/gb18030.txt"},
        {"--format", "summary", "tests/data/enc/utf16le_bom.txt"},
        {"--format", "jsonl", "tests/data/variants/truncated-row.txt"},
        {"tests/data/variants/truncated.txt"},
        {"tests/data/check/money.txt", "tests/data/variants/missing.txt"},
        {"--format", "summary", "tests/data/check/reader.txt"},
    };
    long runs = 0;
    int bad = 0;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        int nargs = 0;
        while (nargs < 4 && inputs[i][nargs]) nargs++;
        /* A first run without failures loads what glibc caches for good
         * (iconv modules, stdio state), so it is not mistaken for a leak. */
        struct result warm;
        run(dir, inputs[i], nargs, 0, &warm);
        free(warm.out);
        bad += sweep(dir, inputs[i], nargs, &runs);
    }
    printf("%ld runs, %d failed\n", runs, bad);
    return bad ? 1 : 0;
}
