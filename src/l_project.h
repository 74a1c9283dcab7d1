/* Documents and projects as lazy Lua userdata ("jixiao.Document",
 * "jixiao.Project"): a field is built when a script reads it, so reading two
 * fields costs two fields. A streamed project is bound to the reader's current
 * row and is invalidated when its callback returns. */
#ifndef JX_L_PROJECT_H
#define JX_L_PROJECT_H

#include "lua.h"
#include "doc_store.h"
#include "model.h"

/* Pushes a Document view of d (valid while d lives; jx_l_unbind_doc ends it). */
void jx_l_push_docview(lua_State *L, const jx_doc *d);
/* Pushes a loaded Document that owns s (freed with the userdata); doc[i],
 * #doc and doc:projects() reach its rows. Raises only when Lua is out of
 * memory, before taking s. */
void jx_l_push_loaded(lua_State *L, jx_store *s);
/* Pushes a Project view of p (which must stay valid until jx_l_unbind). */
void jx_l_push_projectview(lua_State *L, const jx_doc *d, const jx_project *p);
/* Invalidates the Document or Project view at idx: later reads raise. */
void jx_l_unbind(lua_State *L, int idx);
void jx_l_project_register(lua_State *L);

#endif
