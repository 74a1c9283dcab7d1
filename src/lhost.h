/* lhost: the one unit that owns a Lua state — creation with a metered
 * allocator, the standard libraries plus lpeg and the embedded lua/ modules,
 * protected calls with tracebacks, and teardown. No other file creates, calls
 * into or closes a state except through these functions; sandbox.c
 * restricts one. */
#ifndef JX_LHOST_H
#define JX_LHOST_H

#include <stddef.h>

#include "err.h"
#include "lua.h"
#include "sandbox.h"


/* Creates a state with the standard libraries, `lpeg` and `jixiao.sandbox`
 * (see sandbox.h; jx_sandbox_apply then restricts the state) in
 * package.preload and a package.searchers entry (second, after preload) that
 * finds the modules compiled into the binary (jx_embedded[]: "re",
 * "jixiao.<name>"), loading them as text only. os.exit always closes the
 * state first (as os.exit(n, true) does), so __gc/__close handlers run and
 * scripts' files are flushed.
 * Returns NULL with err filled (JX_ENOMEM) when out of memory.
 * Free with jx_lua_close. */
lua_State *jx_lua_new(jx_err *err);

/* Closes the state and frees what jx_lua_new allocated. L may be NULL. */
void jx_lua_close(lua_State *L);

/* Caps the memory the state may hold at `bytes` (0: no cap). An allocation
 * beyond it fails, and Lua raises "not enough memory" (LUA_ERRMEM). A script
 * that catches the error has passed the limit all the same: jx_lua_pcall
 * fails with JX_ENOMEM when the call returns, and with an instruction limit
 * set, the script is stopped within 1000 instructions as that limit stops
 * it. */
void jx_lua_set_memory_limit(lua_State *L, size_t bytes);
size_t jx_lua_memory_used(lua_State *L);

/* Lets the state's Lua code run about `n` more VM instructions in all (0: no
 * limit), counted by a hook every 1000 instructions on every coroutine, so
 * the count overshoots by less than that. Once spent, every instruction
 * raises, so a pcall in the script cannot swallow the error and go on, and
 * jx_lua_pcall fails with JX_ELIMIT. Time spent inside one C function (a
 * pattern match) and in __gc metamethods, which Lua runs with hooks off, is
 * not counted; the sandbox refuses __gc for that reason. Nor is code Lua
 * runs with hooks off after the hook's own error: an xpcall message handler,
 * or the __close handlers of a coroutine closed after failing on it; the
 * sandbox guards both. Without the sandbox this is a guard against mistakes,
 * not a security limit: a script can also remove the hook (debug.sethook). */
void jx_lua_set_instruction_limit(lua_State *L, unsigned long long n);
/* 1 once the script has been stopped by either limit. Never raises. */
int jx_lua_limit_reached(lua_State *L);

/* Adds open as the loader of module `name` in package.preload, so that
 * require(name) calls it. Use it for jixiao's C modules (luaopen_jixiao_x).
 * Runs protected: returns 0, or -1 only when out of memory. */
int jx_lua_preload(lua_State *L, const char *name, lua_CFunction open);

/* Loads a script as text (never bytecode) under the chunk name "@<path>", so
 * errors read "path:LINE: ...". A leading "#!" line is skipped. On success
 * pushes the chunk and returns 0; otherwise pushes nothing and returns -1
 * with err->code JX_EIO (cannot open/read the file), JX_ELUA (syntax error)
 * or JX_ENOMEM. path NULL reads standard input ("=stdin"). Like the Lua API
 * it can raise a memory error, so with a memory limit set call it from inside
 * a protected call (a C function run by jx_lua_pcall). */
int jx_lua_loadfile(lua_State *L, const char *path, jx_err *err);

/* The same for code held in memory; chunkname follows lua_load's rules
 * ("=(command line)" reads "(command line):1: ..."). */
int jx_lua_loadstring(lua_State *L, const char *code, const char *chunkname,
                      jx_err *err);

/* Calls the function below the nargs arguments on the stack, like lua_pcall,
 * with a message handler that appends a stack traceback. On success leaves
 * nres results and returns 0. On failure leaves exactly one value, the error
 * message with its traceback as a string, copies it into err (truncated to
 * fit err->msg; print the stack copy to show all of it) and returns -1 with
 * err->code JX_ELUA; JX_ENOMEM with err naming the memory limit if one is
 * set (Lua runs no message handler then, so there is no traceback, and a
 * call that caught such an error fails so too when it returns); or
 * JX_ELIMIT once the instruction limit is spent, whatever the error was.
 * Never raises. */
int jx_lua_pcall(lua_State *L, int nargs, int nres, jx_err *err);

/* jx_lua_loadfile then jx_lua_pcall with no arguments or results. Leaves the
 * stack as it was, whether it succeeds or fails (the message is in err). */
int jx_lua_dofile(lua_State *L, const char *path, jx_err *err);

#endif
