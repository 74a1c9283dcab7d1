/* Private to the sandbox unit: what sandbox.c (registry, proxies, globals,
 * modules, apply) and sandbox_lib.c (path checks, library wrappers) share.
 * Other units use sandbox.h. */
#ifndef JX_SANDBOX_INT_H
#define JX_SANDBOX_INT_H

#include <stddef.h>

#include "lua.h"

/* Copies the real path of --out DIR into buf; 0 when there is none. Never
 * raises (sandbox.c). */
int jx_sandbox_out_dir(lua_State *L, char *buf, size_t cap);

/* Raises, as function fname, if the sandbox refuses to let it `verb` path
 * (sandbox_lib.c). */
void jx_sandbox_check_or_raise(lua_State *L, const char *fname, const char *path, const char *verb, int follow);

/* Calls upvalue 1, the wrapped function, with every argument; returns all
 * its results (sandbox_lib.c). */
int jx_sandbox_call_original(lua_State *L);

/* Replace the refused and checked functions of os, io, coroutine, string,
 * package and the base library, and all of debug but traceback; run inside
 * apply's protected call (sandbox_lib.c). */
void jx_sandbox_restrict_libraries(lua_State *L);
void jx_sandbox_restrict_debug(lua_State *L);

#endif
