/* The awk-style mode of `jixiao run`: streams the input tables into the
 * script's callbacks — begin(args) once, document(doc) per file, project(p, doc)
 * per row, finish() once — calling only those the script defines and building
 * only what a callback reads. */
#ifndef JX_L_STREAM_H
#define JX_L_STREAM_H

#include "lua.h"
#include "table.h"

/* Expects the script's globals in place. Returns the number of inputs that
 * could not be read (each reported on stderr with file and line), or -1 if a
 * callback raised (err->code JX_ELUA, err->msg with the traceback). */
int jx_run_stream(lua_State *L, const char *const *files, int nfiles, const jx_table_opts *opts, jx_err *err);

#endif
