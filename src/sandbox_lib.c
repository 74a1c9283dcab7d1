/* sandbox, the standard library side: where a --sandbox script may write
 * (the path checks behind jx_sandbox_check_write), and the refused, checked and
 * text-only replacements for io, os, load, xpcall, coroutine and setmetatable,
 * with the code that installs them (see sandbox.h, and sandbox.c for the rest). */
#include "sandbox.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lauxlib.h"
#include "lhost.h"
#include "sandbox_int.h"

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
    int have = jx_sandbox_out_dir(L, out, sizeof out);
    return check_path(have ? out : NULL, path, "write", 1, err);
}

/* Raises, as function fname, if the sandbox refuses to let it `verb` path. */
void jx_sandbox_check_or_raise(lua_State *L, const char *fname, const char *path, const char *verb, int follow)
{
    char out[PATH_MAX];
    jx_err err;
    int have = jx_sandbox_out_dir(L, out, sizeof out);
    if (check_path(have ? out : NULL, path, verb, follow, &err) < 0) luaL_error(L, "%s: %s", fname, err.msg);
}

/* ---- replacements for refused and checked functions ---- */

/* Calls upvalue 1, the function being wrapped, with every argument and
 * returns all its results. Wrappers check the arguments first, since the
 * original, reached from C, would name itself '?' in an argument error. */
int jx_sandbox_call_original(lua_State *L)
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
    if (mode[0] != 'r' || strchr(mode, '+')) jx_sandbox_check_or_raise(L, "io.open", path, "write", 1);
    return jx_sandbox_call_original(L);
}

static int sb_io_output(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) jx_sandbox_check_or_raise(L, "io.output", lua_tostring(L, 1), "write", 1);
    return jx_sandbox_call_original(L);
}

static int sb_os_remove(lua_State *L)
{
    jx_sandbox_check_or_raise(L, "os.remove", luaL_checkstring(L, 1), "remove", 0);
    return jx_sandbox_call_original(L);
}

static int sb_os_rename(lua_State *L)
{
    const char *from = luaL_checkstring(L, 1), *to = luaL_checkstring(L, 2);
    jx_sandbox_check_or_raise(L, "os.rename", from, "rename", 0);
    jx_sandbox_check_or_raise(L, "os.rename", to, "rename", 0);
    return jx_sandbox_call_original(L);
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
    return jx_sandbox_call_original(L);
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
    return jx_sandbox_call_original(L);
}

static int sb_loadfile(lua_State *L)
{
    luaL_optstring(L, 1, NULL);
    if (refuse_binary_mode(L, 2)) return 2;
    if (lua_gettop(L) < 2) lua_settop(L, 2);
    lua_pushliteral(L, "t");
    lua_replace(L, 2);
    return jx_sandbox_call_original(L);
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
    return jx_sandbox_call_original(L);
}

/* A coroutine that failed on the --timeout limit failed inside the hook,
 * and Lua leaves it with hooks off: closing it would run its pending __close
 * handlers unstopped. So once the limit is reached neither coroutine.close
 * nor a coroutine.wrap function closes it. Upvalue 1: the original. */
static int sb_co_close(lua_State *L)
{
    luaL_argexpected(L, lua_type(L, 1) == LUA_TTHREAD, 1, "coroutine");
    if (jx_lua_limit_reached(L)) return luaL_error(L, "stopped: the script ran past its --timeout limit");
    return jx_sandbox_call_original(L);
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

/* ---- installing them ---- */

/* os, io, string and package: refused and checked functions. */
void jx_sandbox_restrict_libraries(lua_State *L)
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
void jx_sandbox_restrict_debug(lua_State *L)
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
