/* sandbox: takes capabilities away from a Lua state for `jixiao run
 * --sandbox` (see sandbox.h). Functions that could run commands, load native
 * code or bytecode, or reach past the sandbox (the debug library) are
 * replaced by ones that raise a clear error; functions that write files check
 * the path against --out DIR first; the standard library tables become
 * read-only proxies and the built-in globals cannot be replaced, so nothing a
 * module captured can be swapped under it. Redis scripting is the model. */
#include "sandbox.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lauxlib.h"
#include "lhost.h"
#include "lualib.h"

/* Registry table: module name -> true for the C modules that declared they
 * enforce the sandbox themselves (jx_sandbox_declare_checked). */
#define CHECKED_KEY "jixiao.sandbox_checked"

/* C modules that reach the network: refused unless they declared the above. */
static const char *const network_modules[] = {"jixiao.http", NULL};

/* ---- the registry's view of the sandbox (never raises: every key was
 * interned by jx_sandbox_init, so looking it up allocates nothing) ---- */

int jx_sandbox_enabled(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_KEY);
    int on = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return on;
}

/* Copies the real path of --out DIR into buf; 0 when there is none. */
static int out_dir(lua_State *L, char *buf, size_t cap)
{
    lua_getfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_OUT_KEY);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int ok = s && strlen(s) < cap;
    if (ok) strcpy(buf, s);
    lua_pop(L, 1);
    return ok;
}

int jx_sandbox_host_allowed(lua_State *L, const char *host)
{
    if (!jx_sandbox_enabled(L)) return 1;
    if (!host || !*host) return 0;
    int ok = 0;
    if (lua_getfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_HOSTS_KEY) == LUA_TTABLE) {
        int t = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, t)) {
            /* lua_next allocates nothing, where looking the host up by a
             * lower-cased copy would intern a new string. */
            int match = lua_type(L, -2) == LUA_TSTRING && !strcasecmp(lua_tostring(L, -2), host);
            lua_pop(L, 1);
            if (match) {
                ok = 1;
                lua_pop(L, 1);
                break;
            }
        }
    }
    lua_pop(L, 1);
    return ok;
}

/* ---- where writes may go (plain C) ---- */

static int inside(const char *real, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/') return 1;
    return strncmp(real, dir, n) == 0 && (real[n] == 0 || real[n] == '/');
}

/* Decides whether `verb` ("write", "remove", "rename") may touch path, given
 * out, the real path of --out DIR (NULL: none). The directory holding the
 * file is resolved, so ../ and symbolic links among the directories are seen
 * through. When follow is set (the file will be opened), a symbolic link at
 * the end must lead inside too, and an existing file with other hard links
 * is refused, as they may be outside; remove and rename act on the link
 * itself. Returns 0 or -1 with err. A file swapped by another process between
 * this check and the open is out of reach. */
static int check_path(const char *out, const char *path, const char *verb, int follow, jx_err *err)
{
    if (!out)
        return jx_err_set(err, JX_EUSAGE, "cannot %s '%s': --sandbox allows no writes without --out DIR", verb,
                          path);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
        return jx_err_set(err, JX_EUSAGE, "cannot %s '%s': not a file name; name a file inside --out %s", verb,
                          path, out);
    char dir[PATH_MAX], real[PATH_MAX];
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= sizeof dir) return jx_err_set(err, JX_EUSAGE, "cannot %s '%s': the path is too long", verb, path);
    if (!slash) strcpy(dir, ".");
    else if (n == 0) strcpy(dir, "/");
    else memcpy(dir, path, n), dir[n] = 0;
    if (!realpath(dir, real)) return jx_err_set(err, JX_EIO, "cannot %s '%s': %s", verb, path, strerror(errno));
    if (!inside(real, out))
        return jx_err_set(err, JX_EUSAGE,
                          "cannot %s '%s': %s is outside --out %s, the only directory a --sandbox script may write in",
                          verb, path, real, out);
    struct stat st;
    if (follow && lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode) && (!realpath(path, real) || !inside(real, out)))
            return jx_err_set(err, JX_EUSAGE, "cannot %s '%s': it is a symbolic link leading outside --out %s", verb,
                              path, out);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1)
            return jx_err_set(err, JX_EUSAGE,
                              "cannot %s '%s': it has other hard links, which may be outside --out %s", verb, path,
                              out);
    }
    return 0;
}

int jx_sandbox_check_write(lua_State *L, const char *path, jx_err *err)
{
    if (!jx_sandbox_enabled(L)) return 0;
    char out[PATH_MAX];
    int have = out_dir(L, out, sizeof out);
    return check_path(have ? out : NULL, path, "write", 1, err);
}

/* Raises, as function fname, if the sandbox refuses to let it `verb` path. */
static void check_or_raise(lua_State *L, const char *fname, const char *path, const char *verb, int follow)
{
    char out[PATH_MAX];
    jx_err err;
    int have = out_dir(L, out, sizeof out);
    if (check_path(have ? out : NULL, path, verb, follow, &err) < 0) luaL_error(L, "%s: %s", fname, err.msg);
}

/* ---- replacements for refused and checked functions ---- */

/* Calls upvalue 1, the function being wrapped, with every argument and
 * returns all its results. Wrappers check the arguments first, since the
 * original, reached from C, would name itself '?' in an argument error. */
static int call_original(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* A refused function; upvalues: its name and the reason. */
static int refused(lua_State *L)
{
    return luaL_error(L, "%s is not allowed in --sandbox (%s)", lua_tostring(L, lua_upvalueindex(1)),
                      lua_tostring(L, lua_upvalueindex(2)));
}

static void set_refused(lua_State *L, int t, const char *field, const char *name, const char *why)
{
    t = lua_absindex(L, t);
    lua_pushstring(L, name);
    lua_pushstring(L, why);
    lua_pushcclosure(L, refused, 2);
    lua_setfield(L, t, field);
}

/* Replaces t[field] by f with the original as upvalue 1. */
static void wrap(lua_State *L, int t, const char *field, lua_CFunction f)
{
    t = lua_absindex(L, t);
    lua_getfield(L, t, field);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, t, field);
}

static int sb_io_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *mode = luaL_optstring(L, 2, "r");
    /* liolib's own test of the mode, so that a bad one is an argument error
     * here rather than a write check */
    const char *m = mode;
    int ok = *m && strchr("rwa", *m++) && (*m != '+' || (m++, 1)) && strspn(m, "b") == strlen(m);
    luaL_argcheck(L, ok, 2, "invalid mode");
    if (mode[0] != 'r' || strchr(mode, '+')) check_or_raise(L, "io.open", path, "write", 1);
    return call_original(L);
}

static int sb_io_output(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) check_or_raise(L, "io.output", lua_tostring(L, 1), "write", 1);
    return call_original(L);
}

static int sb_os_remove(lua_State *L)
{
    check_or_raise(L, "os.remove", luaL_checkstring(L, 1), "remove", 0);
    return call_original(L);
}

static int sb_os_rename(lua_State *L)
{
    const char *from = luaL_checkstring(L, 1), *to = luaL_checkstring(L, 2);
    check_or_raise(L, "os.rename", from, "rename", 0);
    check_or_raise(L, "os.rename", to, "rename", 0);
    return call_original(L);
}

/* Secrets live in the environment, and a script could send them to an
 * allowed host or write them under --out: the sandbox shows none of it. */
static int sb_os_getenv(lua_State *L)
{
    luaL_checkstring(L, 1);
    luaL_pushfail(L);
    return 1;
}

/* Asking for the locale is harmless; changing it would change how jixiao
 * itself prints numbers. */
static int sb_os_setlocale(lua_State *L)
{
    if (!lua_isnoneornil(L, 1))
        return luaL_error(L, "os.setlocale is not allowed in --sandbox (only querying it, os.setlocale(nil))");
    luaL_optstring(L, 2, "all");
    return call_original(L);
}

/* Bytecode can be crafted to break the VM's memory safety, so every way in
 * loads text only: load, loadfile, dofile and require. */
static int refuse_binary_mode(lua_State *L, int arg)
{
    const char *mode = luaL_optstring(L, arg, "t");
    if (strchr(mode, 't')) return 0;
    luaL_pushfail(L);
    lua_pushliteral(L, "binary chunks cannot be loaded in --sandbox (mode \"t\" only)");
    return 1;
}

static int sb_load(lua_State *L)
{
    int t = lua_type(L, 1);
    luaL_argexpected(L, t == LUA_TSTRING || t == LUA_TFUNCTION, 1, "string or function");
    luaL_optstring(L, 2, NULL);
    if (refuse_binary_mode(L, 3)) return 2;
    if (lua_gettop(L) < 3) lua_settop(L, 3); /* an env given stays at 4 */
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    return call_original(L);
}

static int sb_loadfile(lua_State *L)
{
    luaL_optstring(L, 1, NULL);
    if (refuse_binary_mode(L, 2)) return 2;
    if (lua_gettop(L) < 2) lua_settop(L, 2);
    lua_pushliteral(L, "t");
    lua_replace(L, 2);
    return call_original(L);
}

static int dofile_done(lua_State *L, int status, lua_KContext ctx)
{
    (void)status, (void)ctx;
    return lua_gettop(L) - 1;
}

/* lbaselib's dofile with the mode given; a continuation keeps the chunk
 * able to yield. */
static int sb_dofile(lua_State *L)
{
    const char *fname = luaL_optstring(L, 1, NULL);
    lua_settop(L, 1);
    if (luaL_loadfilex(L, fname, "t") != LUA_OK) return lua_error(L);
    lua_callk(L, 0, LUA_MULTRET, 0, dofile_done);
    return dofile_done(L, LUA_OK, 0);
}

/* An error raised by the --timeout hook runs xpcall's message handler with
 * hooks off, where a loop would never be stopped: once the limit is reached
 * the script's handler is skipped. Upvalue 1: the script's handler. */
static int guarded_handler(lua_State *L)
{
    if (jx_lua_limit_reached(L)) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int xpcall_done(lua_State *L, int status, lua_KContext extra)
{
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

/* lbaselib's xpcall, with the handler guarded. */
static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, xpcall_done);
    return xpcall_done(L, status, 2);
}

/* package.searchers entry in place of the Lua and C file searchers: Lua
 * source found along package.path, loaded as text. Upvalue 1: the real
 * package table. */
static int search_lua_text(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_getfield(L, lua_upvalueindex(1), "searchpath");
    lua_pushstring(L, name);
    if (lua_getfield(L, lua_upvalueindex(1), "path") != LUA_TSTRING)
        return luaL_error(L, "'package.path' must be a string");
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2)) return 1; /* searchpath's "no file ..." lines */
    const char *filename = lua_tostring(L, -2);
    if (luaL_loadfilex(L, filename, "t") != LUA_OK)
        return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, filename, lua_tostring(L, -1));
    lua_pushstring(L, filename);
    return 2;
}

/* A finalizer runs with hooks off, so the --timeout count would never stop
 * a loop in a __gc; tables get no finalizers in the sandbox. Lua marks a
 * table for finalization only when __gc is present as the metatable is set,
 * so checking here covers a __gc added afterwards. */
static int sb_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    /* the original would say so too, but with no line: it is called from C */
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in --sandbox (a finalizer runs "
                                 "outside the --timeout count)");
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    return call_original(L);
}

/* A coroutine that failed on the --timeout limit failed inside the hook,
 * and Lua leaves it with hooks off: closing it would run its pending __close
 * handlers unstopped. So once the limit is reached neither coroutine.close
 * nor a coroutine.wrap function closes it. Upvalue 1: the original. */
static int sb_co_close(lua_State *L)
{
    luaL_argexpected(L, lua_type(L, 1) == LUA_TTHREAD, 1, "coroutine");
    if (jx_lua_limit_reached(L)) return luaL_error(L, "stopped: the script ran past its --timeout limit");
    return call_original(L);
}

/* The function coroutine.wrap returns, as lcorolib's; upvalue 1: the thread. */
static int sb_co_wrapped(lua_State *L)
{
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int narg = lua_gettop(L), nres;
    if (!lua_checkstack(co, narg)) return luaL_error(L, "too many arguments to resume");
    lua_xmove(L, co, narg);
    int status = lua_resume(co, L, narg, &nres);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            return luaL_error(L, "too many results to resume");
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);
    int stat = lua_status(co);
    if (stat != LUA_OK && stat != LUA_YIELD && !jx_lua_limit_reached(L)) {
        stat = lua_resetthread(co); /* closes its to-be-closed variables */
        lua_xmove(co, L, 1);
    }
    if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

static int sb_co_wrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, sb_co_wrapped, 1);
    return 1;
}

/* ---- read-only proxies ---- */

static int ro_newindex(lua_State *L);

/* Whether the table at idx is a proxy made by push_proxy. */
static int is_proxy(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx)) return 0;
    lua_pushliteral(L, "__newindex");
    lua_rawget(L, -2);
    int yes = lua_tocfunction(L, -1) == ro_newindex;
    lua_pop(L, 2);
    return yes;
}

/* The fields a metatable proxy keeps to itself: calling a finalizer by hand
 * would free what a C object still uses. */
static int hidden(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TSTRING) return 0;
    const char *k = lua_tostring(L, idx);
    return !strcmp(k, "__gc") || !strcmp(k, "__close");
}

static void push_proxy(lua_State *L, int real, const char *name, int deep, int cache);

/* Upvalue 1 is the name shown in the message. */
static int ro_newindex(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(1));
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "%s is read-only in --sandbox (cannot set %s.%s)", name, name, lua_tostring(L, 2));
    return luaL_error(L, "%s is read-only in --sandbox", name);
}

/* __len; upvalue 1: the real table. */
static int ro_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

/* A deep proxy's __index; upvalues: the real table, the proxy cache. */
static int ro_index(lua_State *L)
{
    if (hidden(L, 2)) return 0;
    lua_settop(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TTABLE)
        push_proxy(L, -1, "metatable", 1, lua_upvalueindex(2));
    return 1;
}

/* The iterator __pairs hands out, so that pairs never returns the real
 * table itself. Upvalues: the real table, and the cache for a deep proxy
 * (nil for a shallow one). */
static int ro_next(lua_State *L)
{
    int deep = !lua_isnil(L, lua_upvalueindex(2));
    lua_settop(L, 2);
    while (lua_next(L, lua_upvalueindex(1))) {
        if (deep && hidden(L, 2)) {
            lua_pop(L, 1);
            continue;
        }
        if (deep && lua_type(L, 3) == LUA_TTABLE) {
            push_proxy(L, 3, "metatable", 1, lua_upvalueindex(2));
            lua_replace(L, 3);
        }
        return 2;
    }
    lua_pushnil(L);
    return 1;
}

/* __pairs; upvalue 1: the ro_next closure for this proxy. */
static int ro_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* Pushes an empty table that reads through to the table at index real and
 * refuses writes, with its metatable protected. A shallow proxy reads the
 * real table directly (as fast as a plain __index table); a deep one, for
 * metatables handed to scripts, also wraps the tables it returns and hides
 * __gc and __close. With cache (an index of a weak-keyed table, or 0) the
 * same real table always gets the same proxy, so comparisons still hold. */
static void push_proxy(lua_State *L, int real, const char *name, int deep, int cache)
{
    real = lua_absindex(L, real);
    if (is_proxy(L, real)) { /* string's metatable names the string proxy */
        lua_pushvalue(L, real);
        return;
    }
    if (cache) {
        lua_pushvalue(L, real);
        if (lua_rawget(L, cache) == LUA_TTABLE) return;
        lua_pop(L, 1);
    }
    lua_newtable(L);
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, real);
    if (deep) {
        lua_pushvalue(L, cache);
        lua_pushcclosure(L, ro_index, 2);
    }
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, ro_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, real);
    lua_pushcclosure(L, ro_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushvalue(L, real);
    if (deep) lua_pushvalue(L, cache);
    else lua_pushnil(L);
    lua_pushcclosure(L, ro_next, 2);
    lua_pushcclosure(L, ro_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    if (cache) {
        lua_pushvalue(L, real);
        lua_pushvalue(L, -2);
        lua_rawset(L, cache);
    }
}

/* Metatables of strings, files and jixiao's objects are shared by every
 * value of their type: a script sees a read-only proxy of them. A table's
 * metatable is the script's own and comes back as set, so that
 * getmetatable(obj) == Class still holds. Upvalues: the original, the cache. */
static int sb_getmetatable(lua_State *L)
{
    luaL_checkany(L, 1);
    int table = lua_type(L, 1) == LUA_TTABLE;
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 1, 1);
    if (!table && lua_type(L, 1) == LUA_TTABLE) push_proxy(L, 1, "metatable", 1, lua_upvalueindex(2));
    return 1;
}

/* ---- protected globals ---- */

/* _G's __newindex; upvalue 1: the table of built-in globals. */
static int g_newindex(lua_State *L)
{
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return luaL_error(L, "cannot replace the built-in global '%s' in --sandbox (use a local of that name)",
                          lua_tostring(L, 2));
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* Iterates the built-in globals, then the script's. Upvalue 1: the built-ins. */
static int g_next(lua_State *L)
{
    lua_settop(L, 2);
    int builtin = 1;
    if (!lua_isnil(L, 2)) {
        lua_pushvalue(L, 2);
        builtin = lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL;
        lua_pop(L, 1);
    }
    if (builtin) {
        if (lua_next(L, lua_upvalueindex(1))) return 2;
        lua_pushnil(L);
    }
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int g_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* rawset that respects the protections; upvalue 1: the built-in globals. */
static int sb_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    if (is_proxy(L, 1)) return luaL_error(L, "rawset: the table is read-only in --sandbox");
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int globals = lua_rawequal(L, -1, 1);
    lua_pop(L, 1);
    if (globals) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
            return luaL_error(L, "rawset: cannot replace the built-in global '%s' in --sandbox", lua_tostring(L, 2));
        lua_pop(L, 1);
    }
    lua_rawset(L, 1);
    return 1;
}

/* ---- C modules ---- */

/* jx.write with the write check, whether or not jixiao's module makes it
 * itself. Upvalue 1: the original. */
static int guarded_write(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) check_or_raise(L, "jx.write", lua_tostring(L, 1), "write", 1);
    return call_original(L);
}

/* package.preload entry around a C module's opener; upvalues: the opener,
 * the module name. */
static int guarded_loader(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, 1);
    for (int i = 0; network_modules[i]; i++) {
        if (strcmp(name, network_modules[i]) != 0) continue;
        luaL_getsubtable(L, LUA_REGISTRYINDEX, CHECKED_KEY);
        lua_getfield(L, -1, name);
        if (!lua_toboolean(L, -1))
            return luaL_error(L, "module '%s' is not available in --sandbox (it does not enforce --allow-host "
                                 "and --out yet)",
                              name);
        lua_pop(L, 2);
    }
    if (!strcmp(name, "jixiao") && lua_type(L, -1) == LUA_TTABLE) {
        lua_getfield(L, -1, "write");
        if (lua_type(L, -1) == LUA_TFUNCTION) {
            lua_pushcclosure(L, guarded_write, 1);
            lua_setfield(L, -2, "write");
        } else
            lua_pop(L, 1);
    }
    return 1;
}

void jx_sandbox_declare_checked(lua_State *L, const char *module)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, CHECKED_KEY);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, module);
    lua_pop(L, 1);
}

/* ---- the jixiao.sandbox module: what the sandbox allows, for scripts ---- */

static int l_enabled(lua_State *L)
{
    lua_pushboolean(L, jx_sandbox_enabled(L));
    return 1;
}

static int l_host_allowed(lua_State *L)
{
    lua_pushboolean(L, jx_sandbox_host_allowed(L, luaL_checkstring(L, 1)));
    return 1;
}

/* check_write(path) -> true | nil, message */
static int l_check_write(lua_State *L)
{
    jx_err err;
    if (jx_sandbox_check_write(L, luaL_checkstring(L, 1), &err) == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    luaL_pushfail(L);
    lua_pushstring(L, err.msg);
    return 2;
}

static int l_out_dir(lua_State *L)
{
    char out[PATH_MAX];
    if (jx_sandbox_enabled(L) && out_dir(L, out, sizeof out)) lua_pushstring(L, out);
    else luaL_pushfail(L);
    return 1;
}

static const luaL_Reg module_funcs[] = {{"enabled", l_enabled},
                                        {"host_allowed", l_host_allowed},
                                        {"check_write", l_check_write},
                                        {"out_dir", l_out_dir},
                                        {NULL, NULL}};

static int luaopen_jixiao_sandbox(lua_State *L)
{
    luaL_newlib(L, module_funcs);
    return 1;
}

void jx_sandbox_init(lua_State *L)
{
    lua_pushboolean(L, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_KEY);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_HOSTS_KEY);
    lua_pushboolean(L, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_OUT_KEY);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_jixiao_sandbox);
    lua_setfield(L, -2, "jixiao.sandbox");
    lua_pop(L, 1);
}

/* ---- applying it ---- */

/* The libraries that become read-only, as globals and in package.loaded. */
static const char *const libraries[] = {"string", "table", "math", "os", "io", "coroutine", "utf8", "package",
                                        "debug", NULL};

static void set_registry(lua_State *L, const jx_sandbox_opts *o, const char *out)
{
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_KEY);
    if (out) lua_pushstring(L, out);
    else lua_pushboolean(L, 0);
    lua_setfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_OUT_KEY);
    lua_getfield(L, LUA_REGISTRYINDEX, JX_SANDBOX_HOSTS_KEY);
    for (int i = 0; i < o->nhosts; i++) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (const char *p = o->hosts[i]; *p; p++)
            luaL_addchar(&b, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
        luaL_pushresult(&b);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
}

/* os, io, string and package: refused and checked functions. */
static void restrict_libraries(lua_State *L)
{
    static const char commands[] = "scripts cannot run commands";
    lua_getglobal(L, "os");
    int os = lua_gettop(L);
    set_refused(L, os, "execute", "os.execute", commands);
    set_refused(L, os, "tmpname", "os.tmpname", "it creates a file outside --out; write under --out DIR");
    lua_pushcfunction(L, sb_os_getenv);
    lua_setfield(L, os, "getenv");
    wrap(L, os, "remove", sb_os_remove);
    wrap(L, os, "rename", sb_os_rename);
    wrap(L, os, "setlocale", sb_os_setlocale);

    lua_getglobal(L, "io");
    int io = lua_gettop(L);
    set_refused(L, io, "popen", "io.popen", commands);
    set_refused(L, io, "tmpfile", "io.tmpfile", "it writes a file outside --out; write under --out DIR");
    wrap(L, io, "open", sb_io_open);
    wrap(L, io, "output", sb_io_output);

    lua_getglobal(L, "coroutine");
    wrap(L, -1, "close", sb_co_close);
    lua_pushcfunction(L, sb_co_wrap);
    lua_setfield(L, -2, "wrap");

    lua_getglobal(L, "string");
    set_refused(L, -1, "dump", "string.dump", "bytecode cannot be loaded back in the sandbox");

    lua_getglobal(L, "package");
    int pkg = lua_gettop(L);
    set_refused(L, pkg, "loadlib", "package.loadlib", "native code cannot be loaded");
    /* preload and the embedded modules stay first; Lua files from
     * package.path load as text; the C searchers go. */
    lua_getfield(L, pkg, "searchers");
    lua_pushvalue(L, pkg);
    lua_pushcclosure(L, search_lua_text, 1);
    lua_rawseti(L, -2, 3);
    for (lua_Integer i = luaL_len(L, -1); i > 3; i--) {
        lua_pushnil(L);
        lua_rawseti(L, -2, i);
    }
    lua_settop(L, os - 1);

    lua_pushcfunction(L, sb_dofile);
    lua_setglobal(L, "dofile");
    lua_pushcfunction(L, sb_xpcall);
    lua_setglobal(L, "xpcall");
    lua_getglobal(L, "load");
    lua_pushcclosure(L, sb_load, 1);
    lua_setglobal(L, "load");
    lua_getglobal(L, "loadfile");
    lua_pushcclosure(L, sb_loadfile, 1);
    lua_setglobal(L, "loadfile");
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, sb_setmetatable, 1);
    lua_setglobal(L, "setmetatable");
}

/* The debug library can read and change upvalues, locals, metatables and the
 * registry, and remove the --timeout hook: only traceback stays. */
static void restrict_debug(lua_State *L)
{
    lua_getglobal(L, "debug");
    int real = lua_gettop(L);
    lua_newtable(L);
    int kept = lua_gettop(L);
    for (lua_pushnil(L); lua_next(L, real); lua_pop(L, 1)) {
        const char *k = lua_tostring(L, -2);
        if (!strcmp(k, "traceback")) {
            lua_pushvalue(L, -1);
            lua_setfield(L, kept, k);
            continue;
        }
        lua_pushfstring(L, "debug.%s", k);
        lua_pushstring(L, "the debug library can undo the sandbox; only debug.traceback is kept");
        lua_pushcclosure(L, refused, 2);
        lua_setfield(L, kept, k);
    }
    lua_setglobal(L, "debug");
    lua_pop(L, 1);
}

/* Every library table becomes a proxy, and package.loaded hands out the
 * same proxies, so that require "string" is no way around it. */
static void protect_libraries(lua_State *L, int cache)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    int loaded = lua_gettop(L);
    for (int i = 0; libraries[i]; i++) {
        lua_getglobal(L, libraries[i]);
        push_proxy(L, -1, libraries[i], 0, 0);
        lua_pushvalue(L, -1);
        lua_setfield(L, loaded, libraries[i]);
        lua_setglobal(L, libraries[i]);
        lua_pop(L, 1);
    }
    /* Strings find their methods through their metatable's __index. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_getglobal(L, "string");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 3);

    lua_getglobal(L, "getmetatable");
    lua_pushvalue(L, cache);
    lua_pushcclosure(L, sb_getmetatable, 2);
    lua_setglobal(L, "getmetatable");
}

/* Wraps the preload entries of jixiao's C modules (see guarded_loader). */
static void guard_modules(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    int preload = lua_gettop(L);
    static const char *const guarded[] = {"jixiao", "jixiao.http", NULL};
    for (int i = 0; guarded[i]; i++) {
        if (lua_getfield(L, preload, guarded[i]) != LUA_TFUNCTION) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushstring(L, guarded[i]);
        lua_pushcclosure(L, guarded_loader, 2);
        lua_setfield(L, preload, guarded[i]);
    }
    lua_pop(L, 1);
}

/* Moves every global into a table of built-ins behind _G's __index, so that
 * a script can add globals (its callbacks) but not replace one. */
static void protect_globals(lua_State *L, int builtins)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int g = lua_gettop(L);
    for (lua_pushnil(L); lua_next(L, g); lua_pop(L, 1)) {
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -2);
        lua_rawset(L, builtins);
    }
    for (lua_pushnil(L); lua_next(L, builtins); lua_pop(L, 1)) {
        lua_pushvalue(L, -2);
        lua_pushnil(L);
        lua_rawset(L, g);
    }
    lua_pushvalue(L, builtins);
    lua_pushcclosure(L, sb_rawset, 1);
    lua_setfield(L, builtins, "rawset");

    lua_createtable(L, 0, 4);
    lua_pushvalue(L, builtins);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, builtins);
    lua_pushcclosure(L, g_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, builtins);
    lua_pushcclosure(L, g_next, 1);
    lua_pushcclosure(L, g_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, g);
    lua_pop(L, 1);
}

/* Run protected: 1 the options, 2 the real path of --out DIR or NULL. */
static int apply(lua_State *L)
{
    const jx_sandbox_opts *o = lua_touserdata(L, 1);
    const char *out = lua_touserdata(L, 2);
    lua_settop(L, 0);
    set_registry(L, o, out);
    restrict_libraries(L);
    restrict_debug(L);

    lua_newtable(L); /* metatable proxies, by real metatable */
    int cache = lua_gettop(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, cache);
    protect_libraries(L, cache);
    guard_modules(L);

    lua_newtable(L);
    protect_globals(L, lua_gettop(L));
    return 0;
}

int jx_sandbox_apply(lua_State *L, const jx_sandbox_opts *o, jx_err *err)
{
    char real[PATH_MAX];
    if (o->out_dir) {
        struct stat st;
        if (!realpath(o->out_dir, real))
            return jx_err_set(err, JX_EUSAGE, "--out %s: %s (the directory must exist)", o->out_dir, strerror(errno));
        if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
            return jx_err_set(err, JX_EUSAGE, "--out %s: not a directory", o->out_dir);
    }
    /* Light userdata allocate nothing, so nothing raises before the call. */
    lua_pushcfunction(L, apply);
    lua_pushlightuserdata(L, (void *)o);
    lua_pushlightuserdata(L, o->out_dir ? real : NULL);
    if (jx_lua_pcall(L, 2, 0, err) != 0) {
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}
