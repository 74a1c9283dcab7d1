/* sandbox: takes capabilities away from a Lua state for `jixiao run
 * --sandbox` (see sandbox.h), Redis scripting the model: the registry's view,
 * read-only library proxies, protected globals, guarded C modules, the
 * jixiao.sandbox module and apply. Path checks and wrappers: sandbox_lib.c. */
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
#include "sandbox_int.h"

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
int jx_sandbox_out_dir(lua_State *L, char *buf, size_t cap)
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
    /* "-" is standard output, which the sandbox allows (print writes there). */
    if (lua_type(L, 1) == LUA_TSTRING && strcmp(lua_tostring(L, 1), "-") != 0)
        jx_sandbox_check_or_raise(L, "jx.write", lua_tostring(L, 1), "write", 1);
    return jx_sandbox_call_original(L);
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
    if (jx_sandbox_enabled(L) && jx_sandbox_out_dir(L, out, sizeof out)) lua_pushstring(L, out);
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
    jx_sandbox_restrict_libraries(L);
    jx_sandbox_restrict_debug(L);

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
