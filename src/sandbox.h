/* sandbox: what `jixiao run --sandbox` takes away from a script, in the
 * manner of Redis scripting — no commands, no native or bytecode loading, no
 * debug library, writes only under one directory, network only to named
 * hosts, read-only standard library — and the checks C modules that write
 * files or open connections make against it. */
#ifndef JX_SANDBOX_H
#define JX_SANDBOX_H

#include "err.h"
#include "lua.h"

/* Registry fields, present in every state jx_lua_new makes:
 *   "jixiao.sandbox"      boolean, true once jx_sandbox_apply has run
 *   "jixiao.allow_hosts"  table, lower-case host name -> true
 *   "jixiao.out_dir"      the real path of --out DIR, or false (no writes)
 * Scripts cannot reach the registry (the debug library is gone), so they
 * cannot change these; C code should use the functions below. */
#define JX_SANDBOX_KEY "jixiao.sandbox"
#define JX_SANDBOX_HOSTS_KEY "jixiao.allow_hosts"
#define JX_SANDBOX_OUT_KEY "jixiao.out_dir"

typedef struct jx_sandbox_opts {
    const char *out_dir;      /* the one writable directory (must exist); NULL: none */
    const char *const *hosts; /* host names the network may reach */
    int nhosts;
} jx_sandbox_opts;

/* Sets up the registry fields (not sandboxed, nothing refused) and puts the
 * `jixiao.sandbox` module in package.preload. Called by jx_lua_new, inside
 * its protected call; raises only for memory. */
void jx_sandbox_init(lua_State *L);

/* Turns the state into a sandbox; call it once, before any script or module
 * has run. Resolves o->out_dir with realpath. Returns 0, or -1 with err set
 * (JX_EUSAGE: out_dir missing or not a directory; JX_ENOMEM). Never raises. */
int jx_sandbox_apply(lua_State *L, const jx_sandbox_opts *o, jx_err *err);

/* 1 if jx_sandbox_apply has run on L's state. Never raises. */
int jx_sandbox_enabled(lua_State *L);

/* Whether a C module may connect to `host` (a bare host name as in the URL,
 * without port or brackets; compared without regard to case): 1 when not
 * sandboxed or when --allow-host named it, else 0. Call it before every
 * connection, redirects included. Never raises, allocates nothing. */
int jx_sandbox_host_allowed(lua_State *L, const char *host);

/* Whether a C module may create, truncate or append to the file at `path`:
 * returns 0 when not sandboxed or when path resolves (symbolic links
 * followed) to a file under --out DIR; otherwise -1 with err (JX_EUSAGE)
 * naming the path and the rule, ready to show the user. Call it before
 * opening a file for writing, with the path you will open. Never raises;
 * allocates no Lua memory. */
int jx_sandbox_check_write(lua_State *L, const char *path, jx_err *err);

/* C modules that open network connections are refused in the sandbox
 * (require raises) unless their opener calls this with their module name,
 * declaring that they call jx_sandbox_host_allowed before each connection
 * and jx_sandbox_check_write before each file they write. May raise
 * (memory). */
void jx_sandbox_declare_checked(lua_State *L, const char *module);

#endif
