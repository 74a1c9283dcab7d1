/* The table reader: streams one self-evaluation table from a file into the
 * canonical model. Opening reads the preamble and header; each jx_table_next
 * yields one realigned project row. Memory does not grow with the file. */
#ifndef JX_TABLE_H
#define JX_TABLE_H

#include "err.h"
#include "model.h"
#include "rows.h"

typedef struct {
    jx_enc encoding;       /* JX_ENC_AUTO = detect */
    jx_rows_opts rows;     /* delimiter and limits */
    int max_header_rows;   /* 0 = default 8 */
    int no_realign;        /* keep rows as read: no search for cells lost mid-row */
} jx_table_opts;

typedef struct jx_table jx_table;

/* Opens path ("-" = stdin) and reads up to the end of the header. Fails with a
 * message naming the file and line: unreadable, binary, invalid encoding, or no
 * header of a self-evaluation table within the first 200 rows (JX_EFORMAT). */
int jx_table_open(jx_table **out, const char *path, const jx_table_opts *opts, jx_err *err);
/* Same over memory (not copied). */
int jx_table_open_mem(jx_table **out, const char *data, size_t len, const char *name,
                      const jx_table_opts *opts, jx_err *err);
const jx_doc *jx_table_doc(const jx_table *t);
/* 1 = *p holds the next project or total row (valid until the next call),
 * 0 = end, -1 = error (reader errors, limits). */
int jx_table_next(jx_table *t, jx_project *p, jx_err *err);
/* Diagnostics raised after the header (trailer lines, …), appended to the doc. */
void jx_table_close(jx_table *t);

/* Header analysis, exposed for tests and fuzzing (header.c). rows[r][c] are the
 * header cells; builds cols (malloc'd paths) of width ncols. 0 or -1. */
int jx_header_build(const jx_row *rows, int nrows, jx_column **cols, int *ncols, jx_err *err);
/* Maps every column to a field (schema.c); fills doc->fieldcol and doc->inds. */
int jx_schema_map(jx_doc *doc, jx_err *err);
/* Score of how much a row looks like a header row (number of known labels). */
int jx_schema_header_hits(const jx_row *row);

/* Realignment (realign.c). Given a data row, decides where each observed cell
 * belongs. col[] receives, per layout column, the observed cell index or -1.
 * Returns 0 if the row is kept as read, 1 if it was realigned (rep filled;
 * moves/gaps arrays owned by the caller-provided scratch). */
typedef struct jx_realigner jx_realigner;
jx_realigner *jx_realigner_new(const jx_doc *doc);
int jx_realign(jx_realigner *ra, const jx_row *row, int *col, jx_repair *rep);
void jx_realigner_free(jx_realigner *ra);

#endif
