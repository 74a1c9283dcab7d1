/* The canonical model handed to Lua as plain tables (used by check, score and
 * script callbacks): a document's preamble and columns, and one project with
 * its amounts (exact decimal text), rate, indicators and repair record. */
#ifndef JX_L_MODEL_H
#define JX_L_MODEL_H

#include "lua.h"
#include "model.h"

/* Pushes a table describing the document (source, encoding, title, year,
 * department, unit, unit_code, columns = {{index, path, field, level1, level2}}). */
void jx_l_push_doc(lua_State *L, const jx_doc *d);
/* Pushes a table for one project row: line, kind, index, seq, department, name,
 * budget/actual = {total=, general=, …} (decimal strings), rate = {text, percent,
 * computed}, goal = {target, result}, indicators = {{level1, level2, key,
 * target, result, target_col, result_col}}, problems, rectification,
 * cells = {…}, extra = {[path] = text}, repair = nil | {status, moves, empty},
 * cols = {[1..ncols] = text after realignment}. Texts are copied; raises only on
 * memory errors. */
void jx_l_push_project(lua_State *L, const jx_doc *d, const jx_project *p);

#endif
