/* A whole table held in memory, for scripts that load a document and walk
 * it freely (jx.load). Each row is copied once into one allocation; the
 * table stays open because it owns the document's preamble and columns. */
#ifndef JX_DOC_STORE_H
#define JX_DOC_STORE_H

#include "table.h"

typedef struct {
    jx_table *t;
    jx_project **rows;
    int n, cap;
} jx_store;

/* Reads every row of t (which the store then owns). 0, or -1 with err (the
 * store is freed and t closed). */
int jx_store_load(jx_store **out, jx_table *t, jx_err *err);
const jx_doc *jx_store_doc(const jx_store *s);
void jx_store_free(jx_store *s);

#endif
