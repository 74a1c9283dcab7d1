/* An in-memory document: a whole table read once, every row kept. The text
 * of all cells sits in one arena and each row is a jx_project whose pointers
 * lead into it, so code written for streamed rows works on stored ones.
 * For scripts that need random access; streaming stays the way to read big
 * files. Plain C, no Lua. */
#ifndef JX_DOC_STORE_H
#define JX_DOC_STORE_H

#include <stddef.h>

#include "table.h"

struct jx_arena;

typedef struct {
    jx_project **rows; /* every row in file order, projects and total rows */
    int n;
    struct jx_arena *a; /* the document and the memory the rows point into */
} jx_store;

/* Reads the table at path ("-" = stdin), or the len bytes at data, to its
 * end. name, if not NULL, replaces the path as doc->source (and, for memory,
 * names the input in messages; default "<string>"). Returns 0 with *out set,
 * or -1 with err filled (the reader's message, naming file and line) and
 * nothing allocated. Free with jx_store_free. */
int jx_store_load(jx_store **out, const char *path, const char *name, const jx_table_opts *opts, jx_err *err);
int jx_store_load_mem(jx_store **out, const char *data, size_t len, const char *name, const jx_table_opts *opts,
                      jx_err *err);

/* The document, with every diagnostic the reader raised up to its end. */
const jx_doc *jx_store_doc(const jx_store *s);
void jx_store_free(jx_store *s);

#endif
