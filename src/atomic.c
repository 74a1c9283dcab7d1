/* Atomic output files (see atomic.h). */
#include "atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int jx_atomic_open(jx_atomic *a, const char *path, jx_err *err)
{
    memset(a, 0, sizeof *a);
    size_t n = strlen(path);
    a->path = strdup(path);
    a->tmp = malloc(n + 16);
    if (!a->path || !a->tmp) {
        free(a->path), free(a->tmp);
        return jx_err_set(err, JX_ENOMEM, "%s: out of memory", path);
    }
    memcpy(a->tmp, path, n);
    memcpy(a->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        int e = errno;
        free(a->path), free(a->tmp);
        return jx_err_set(err, JX_EIO, "%s: cannot create the output file: %s", path, strerror(e));
    }
    a->f = fdopen(fd, "w");
    if (!a->f) {
        int e = errno;
        close(fd);
        unlink(a->tmp);
        free(a->path), free(a->tmp);
        return jx_err_set(err, JX_EIO, "%s: %s", path, strerror(e));
    }
    return 0;
}

int jx_atomic_commit(jx_atomic *a, jx_err *err)
{
    int rc = 0;
    int bad = fflush(a->f) != 0 || ferror(a->f);
    int e = errno;
    if (!bad && fsync(fileno(a->f)) != 0 && errno != EINVAL) bad = 1, e = errno;
    if (fclose(a->f) != 0 && !bad) bad = 1, e = errno;
    if (bad) {
        unlink(a->tmp);
        rc = jx_err_set(err, JX_EIO, "%s: cannot write the output file: %s; nothing was written", a->path,
                        strerror(e));
    } else if (rename(a->tmp, a->path) != 0) {
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
