/* jixiao: the main Lua module (require "jixiao"): load and parse tables into
 * Documents, write results, and the lazy userdata "jixiao.Document" and
 * "jixiao.Project" that both loaded tables and the streaming mode hand to
 * scripts. A field is built when a script first reads it and cached in the
 * userdata's user value, so reading two fields costs two fields. */
#ifndef JX_L_JIXIAO_H
#define JX_L_JIXIAO_H

#include "lua.h"
#include "model.h"

/* Creates the view metatables (and jixiao.decimal's, for amounts) if they do
 * not exist yet. May raise (memory). */
void jx_l_views_init(lua_State *L);

/* Pushes a Document view of d for the streaming mode: no stored rows. It is
 * live while *serial keeps the value it has now; later reads raise. The value
 * at stack index owner (which owns d and serial) is kept alive as the view's
 * user value. Call jx_l_views_init first. */
void jx_l_doc_view(lua_State *L, const jx_doc *d, const unsigned long *serial, int owner);

/* Pushes a Project view of p, a row of the document whose view is at stack
 * index doc. Live while *serial keeps its current value (serial NULL: as long
 * as the view exists). p is read in place, never copied. */
void jx_l_project_view(lua_State *L, int doc, const jx_project *p, const unsigned long *serial);

/* ---- Building blocks of the views (l_fields.c). Each pushes one value and
 * may raise only for memory. ---- */

/* A cell's text, or nil when it is empty. */
void jx_l_push_text(lua_State *L, const jx_cell *c);
/* t[k] = the text / string / integer, for the table on top (empty or NULL: unset). */
void jx_l_set_text(lua_State *L, const char *k, const jx_cell *c);
void jx_l_set_cstr(lua_State *L, const char *k, const char *s);
void jx_l_set_int(lua_State *L, const char *k, lua_Integer n);
int jx_l_is_money(jx_field f);
/* Layout column c (0-based) of p: an amount as a Decimal, else its text. */
void jx_l_push_column(lua_State *L, const jx_doc *d, const jx_project *p, int c);
/* {total, fiscal, general, fund, other, carryover[, initial]} as Decimals,
 * for base JX_F_BUDGET_TOTAL or JX_F_ACTUAL_TOTAL; parts absent or not a
 * number are left out. */
void jx_l_push_amounts(lua_State *L, const jx_doc *d, const jx_project *p, jx_field base);
/* {text, percent, computed, column}. */
void jx_l_push_rate(lua_State *L, const jx_doc *d, const jx_project *p);
/* {{level1, level2, key, target, result, target_col, result_col}, ...}. */
void jx_l_push_indicators(lua_State *L, const jx_doc *d, const jx_project *p);
/* {status, observed_cells, moves = {...}, empty = {...}}, or nil. */
void jx_l_push_repair(lua_State *L, const jx_doc *d, const jx_project *p);
void jx_l_push_diags(lua_State *L, const jx_diag *g, int n);
/* {{index, path, field, level1, level2}, ...}. */
void jx_l_push_columns(lua_State *L, const jx_doc *d);
/* The document's label map: label (as written and folded) -> column number,
 * "budget"/"actual" for a money group, or a list of column numbers for
 * another group. Built once per document. */
void jx_l_push_labels(lua_State *L, const jx_doc *d);
/* Where a path's top label ends: at " / " or at the end of the string. */
const char *jx_l_top_end(const char *path);

/* How a jixiao function fails where failure is expected: pushes nil, the
 * message and the code's name (jx_err_name: "io", "format", ...) and
 * returns 3. */
int jx_l_fail(lua_State *L, const jx_err *err);

/* jx.write(path, value, format[, opts]) (l_write.c). */
int jx_l_write(lua_State *L);
/* jx.render(value, format [, opts]): the text jx.write would write. Raises
 * on misuse and on what the format cannot hold. */
int jx_l_render(lua_State *L);
/* jx.files(path... [, {all=true}]) (l_files.c): the files given, directories
 * walked for *.txt, *.csv, *.tsv in byte order; nil, message, code when a
 * path cannot be read. */
int jx_l_files(lua_State *L);

int luaopen_jixiao(lua_State *L);

#endif
