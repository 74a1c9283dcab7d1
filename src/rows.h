/* The delimited-text record reader: turns a jx_source into rows of cells.
 * Tab- or comma-separated (detected from the first 64 KiB unless given), LF,
 * CRLF or CR line ends, cells quoted the way spreadsheet programs quote them
 * (embedded delimiters, newlines and doubled quotes). Zero-copy: cells point
 * into the reader's buffer and stay valid until the next jx_rows_next call.
 * Memory is bounded by the longest record, not by the input. */
#ifndef JX_ROWS_H
#define JX_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "source.h"

typedef struct {
    const char *s; /* UTF-8, quotes removed, NUL-terminated */
    uint32_t len;
    uint8_t quoted;
} jx_cell;

typedef struct {
    jx_cell *cells;
    int n;         /* number of cells (>= 1; an empty line is one empty cell) */
    long line;     /* physical line (1-based) where the record starts */
    long end_line; /* physical line where it ends (> line if a quoted cell spans lines) */
} jx_row;

typedef struct {
    char delim;         /* 0 = detect ('\t' if the sniffed text has tabs, else ',') */
    size_t max_cell;    /* bytes; 0 = default 16 MiB */
    size_t max_record;  /* bytes; 0 = default 64 MiB */
    int max_cols;       /* 0 = default 4096 */
} jx_rows_opts;

typedef struct jx_rows jx_rows;

/* Takes ownership of src (closed by jx_rows_close, also on failure). */
int jx_rows_open(jx_rows **out, jx_source *src, const jx_rows_opts *opts, jx_err *err);
/* 1 = a row in *row, 0 = end of input, -1 = error (limits: JX_ELIMIT naming the
 * line and cell; an unterminated quote at end of input is JX_EFORMAT naming the
 * line where the quote opened; source errors pass through). */
int jx_rows_next(jx_rows *r, jx_row *row, jx_err *err);
char jx_rows_delim(const jx_rows *r);
jx_source *jx_rows_source(jx_rows *r);
void jx_rows_close(jx_rows *r);

#endif
