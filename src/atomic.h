/* Atomic output files: written to a temporary file beside the target and
 * renamed over it only when complete, so a failure never leaves a partial file. */
#ifndef JX_ATOMIC_H
#define JX_ATOMIC_H

#include <stdio.h>

#include "err.h"

typedef struct {
    FILE *f;
    char *path; /* target */
    char *tmp;  /* temporary beside it */
} jx_atomic;

/* Creates the temporary file (beside the file a symbolic link names, with the
 * mode of the file it replaces). A target that is not a regular file (a
 * device, a FIFO) is opened and written in place instead. 0, or -1 with err
 * (JX_EIO naming the directory). */
int jx_atomic_open(jx_atomic *a, const char *path, jx_err *err);
/* Flushes, fsyncs and renames. On a write error (disk full…) removes the
 * temporary file and returns -1 with err. Always releases a. */
int jx_atomic_commit(jx_atomic *a, jx_err *err);
/* Removes the temporary file and releases a. */
void jx_atomic_abort(jx_atomic *a);

#endif
