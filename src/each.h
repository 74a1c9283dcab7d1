/* Runs a command's handlers over every input table in turn: the one loop
 * shared by parse, check, score and script callbacks, and its parallel form
 * for commands whose output can be merged in input order. */
#ifndef JX_EACH_H
#define JX_EACH_H

#include <stdio.h>

#include "table.h"

typedef struct {
    void *ud;
    /* Called after the header is read. Non-zero stops this document. */
    int (*doc_begin)(void *ud, const jx_doc *d);
    /* Called per project or total row. Non-zero stops this document. */
    int (*project)(void *ud, const jx_doc *d, const jx_project *p);
    /* Called at the end of a document; err is the reader error that cut it
     * short, or NULL. */
    void (*doc_end)(void *ud, const jx_doc *d, const jx_err *err);
    /* Called when an input cannot be opened (err names file and line). */
    void (*fail)(void *ud, const char *path, const jx_err *err);
} jx_each_hooks;

/* Returns the number of inputs that failed (could not be opened, or a reader
 * error cut them short); a handler's non-zero return is not a failure. */
int jx_each_table(const char *const *files, int n, const jx_table_opts *opts, const jx_each_hooks *h);

/* ---- in parallel ----
 * jx_each_table_jobs forks `jobs` worker processes and cuts the inputs into
 * chunks of consecutive inputs (at most 64, fewer towards the end). A worker
 * that is free takes the first chunk nobody has taken and reads its inputs
 * through the same hooks, its output going to a temporary file and its
 * standard error to another. After each chunk it sends the parent one batch:
 * for each input, where its output and messages lie and what the command's
 * merge step needs (counts, file lists). The parent takes the chunks in
 * input order, and for each input copies its messages to its standard error
 * and hands its output to merge. Output and messages are therefore byte for
 * byte those of the serial loop, whatever the timing and whichever worker
 * read what. */

typedef struct jx_each_unit jx_each_unit;

/* In the parent: appends an input's output to `to`, leaving out its first
 * byte when that is `drop` (the separator a first element does not have; 0
 * drops nothing). Returns the number of bytes written. */
size_t jx_each_unit_copy(jx_each_unit *u, FILE *to, int drop);

typedef struct {
    /* In a worker, once, before its first input: send output to f. */
    void (*worker)(void *ud, FILE *f);
    /* In a worker, after each input: write what merge needs to rec. */
    void (*record)(void *ud, FILE *rec);
    /* In the parent, per input in order: its output and its record. */
    void (*merge)(void *ud, jx_each_unit *u, const char *rec, size_t nrec);
    /* In a worker, after its last input: free what the command holds. */
    void (*finish)(void *ud);
} jx_each_merge;

/* As jx_each_table, with jobs workers (fewer when there are fewer inputs;
 * jobs <= 1 or one input runs the serial loop). A worker that dies or cannot
 * write its temporary files is reported, and the inputs of the chunk it was
 * reading count as failed; the other workers read the rest, and when none is
 * left the inputs nobody took count as failed too. When a worker cannot be
 * started, this process takes chunks in its place and reads them itself. */
int jx_each_table_jobs(const char *const *files, int n, int jobs, const jx_table_opts *opts, const jx_each_hooks *h,
                       const jx_each_merge *m);

#endif
