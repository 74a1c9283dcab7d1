/* Writers of the canonical model: JSON (one document object, or an array of
 * them for several inputs), JSON Lines (one project per line), CSV (one row per
 * project, stable English column names) and a readable summary. Streaming: each
 * project is written as it is read. */
#ifndef JX_OUT_MODEL_H
#define JX_OUT_MODEL_H

#include <stdio.h>

#include "each.h"
#include "jsonw.h"
#include "model.h"
#include "money.h"

typedef enum { JX_FMT_JSON, JX_FMT_JSONL, JX_FMT_CSV, JX_FMT_SUMMARY } jx_format;

typedef struct {
    FILE *f;
    jx_format fmt;
    int many;        /* several documents: JSON array */
    int ndocs;
    int csv_header;  /* CSV header written */
    jx_jsonw w;
    jx_totals totals;
    int nrepaired, nguessed, nrows;
    int recorded;    /* in a worker: ndocs at the last record */
} jx_out;

/* Parses "json", "jsonl", "csv", "summary"; -1 if unknown. */
int jx_format_parse(const char *s, jx_format *out);

void jx_out_begin(jx_out *o, FILE *f, jx_format fmt, int many);
void jx_out_doc_begin(jx_out *o, const jx_doc *d);
void jx_out_project(jx_out *o, const jx_doc *d, const jx_project *p);
/* error: a reader error that cut the document short (recorded in the output), or NULL. */
void jx_out_doc_end(jx_out *o, const jx_doc *d, const char *error);
void jx_out_end(jx_out *o);

/* The merge steps of jx_each_table_jobs: a worker writes every document as
 * one that follows another (the separator, no CSV header) to f; the parent's
 * merge drops or adds what the first document written needs. */
void jx_out_worker(jx_out *o, FILE *f);
void jx_out_record(jx_out *o, FILE *rec);
void jx_out_merge(jx_out *o, jx_each_unit *u, const char *rec, size_t nrec);

/* Writes the project's repair record in JSON (shared with other JSON outputs). */
void jx_out_repair_json(jx_jsonw *w, const jx_doc *d, const jx_project *p);

#endif
