/* Runs a command's handlers over every input table in turn: the one loop
 * shared by parse, check, score and script callbacks. */
#ifndef JX_EACH_H
#define JX_EACH_H

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

#endif
