/* Atomic output files (see atomic.h). */
#include "atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A target that is not a regular file (-o /dev/stdout, a FIFO, /dev/full)
 * cannot be replaced by renaming without destroying it: it is written in
 * place, and a write error is still reported. */
static int open_in_place(jx_atomic *a, const char *path, jx_err *err)
{
    a->path = strdup(path);
    if (!a->path) return jx_err_set(err, JX_ENOMEM, "%s: out of memory", path);
    a->f = fopen(path, "w");
    if (!a->f) {
        int e = errno;
        free(a->path);
        a->path = NULL;
        return jx_err_set(err, e == ENOMEM ? JX_ENOMEM : JX_EIO, "%s: cannot open the output file: %s", path,
                          strerror(e));
    }
    return 0;
}

int jx_atomic_open(jx_atomic *a, const char *path, jx_err *err)
{
    memset(a, 0, sizeof *a);
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) return open_in_place(a, path, err);
    /* Through a symbolic link the file it names is replaced, not the link. */
    char *real = NULL;
    struct stat lst;
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        real = realpath(path, NULL);
        if (!real && errno == ENOMEM) return jx_err_set(err, JX_ENOMEM, "%s: out of memory", path);
    }
    const char *target = real ? real : path;
    size_t n = strlen(target);
    a->path = strdup(target);
    a->tmp = malloc(n + 16);
    free(real);
    if (!a->path || !a->tmp) {
        free(a->path), free(a->tmp);
        return jx_err_set(err, JX_ENOMEM, "%s: out of memory", path);
    }
    memcpy(a->tmp, a->path, n);
    memcpy(a->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        int e = errno;
        free(a->path), free(a->tmp);
        return jx_err_set(err, JX_EIO, "%s: cannot create the output file: %s", path, strerror(e));
    }
    /* mkstemp makes the file 0600; the output gets the mode the file it
     * replaces had, or what a plain create would give it. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);
    a->f = fdopen(fd, "w");
    if (!a->f) {
        int e = errno;
        close(fd);
        unlink(a->tmp);
        free(a->path), free(a->tmp);
        return jx_err_set(err, e == ENOMEM ? JX_ENOMEM : JX_EIO, "%s: %s", path, strerror(e));
    }
    return 0;
}

int jx_atomic_commit(jx_atomic *a, jx_err *err)
{
    int rc = 0;
    int bad = fflush(a->f) != 0 || ferror(a->f);
    int e = errno;
    if (!bad && a->tmp && fsync(fileno(a->f)) != 0 && errno != EINVAL) bad = 1, e = errno;
    if (fclose(a->f) != 0 && !bad) bad = 1, e = errno;
    if (bad && !a->tmp) {
        rc = jx_err_set(err, JX_EIO, "%s: cannot write the output: %s", a->path, strerror(e));
    } else if (bad) {
        unlink(a->tmp);
        rc = jx_err_set(err, JX_EIO, "%s: cannot write the output file: %s; nothing was written", a->path,
                        strerror(e));
    } else if (a->tmp && rename(a->tmp, a->path) != 0) {
        e = errno;
        unlink(a->tmp);
        rc = jx_err_set(err, JX_EIO, "%s: cannot replace the output file: %s", a->path, strerror(e));
    }
    free(a->path), free(a->tmp);
    memset(a, 0, sizeof *a);
    return rc;
}

void jx_atomic_abort(jx_atomic *a)
{
    if (a->f) fclose(a->f);
    if (a->tmp) unlink(a->tmp);
    free(a->path), free(a->tmp);
    memset(a, 0, sizeof *a);
}
