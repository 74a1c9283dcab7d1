/* The module `jixiao`: jx.load and jx.parse read a whole table into a
 * Document; jx.json, jx.decimal and jx.indicator are reached through it
 * (loaded on first use, so `require "jixiao"` stays cheap). */
#include <string.h>

#include "cmd.h"
#include "doc_store.h"
#include "l_project.h"
#include "lauxlib.h"

/* ---- checkers ---- */

/* Reads the options table at idx into o; raises on a bad value. */
static void check_opts(lua_State *L, int idx, jx_table_opts *o, const char **name)
{
    memset(o, 0, sizeof *o);
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    if (lua_getfield(L, idx, "encoding") != LUA_TNIL &&
        jx_enc_parse(luaL_checkstring(L, -1), &o->encoding) < 0)
        luaL_argerror(L, idx, lua_pushfstring(L, "unknown encoding '%s'", lua_tostring(L, -1)));
    if (lua_getfield(L, idx, "delimiter") != LUA_TNIL) {
        const char *d = luaL_checkstring(L, -1);
        if (!strcmp(d, "tab") || !strcmp(d, "\t")) o->rows.delim = '\t';
        else if (!strcmp(d, "comma") || !strcmp(d, ",")) o->rows.delim = ',';
        else luaL_argerror(L, idx, "delimiter must be \"tab\" or \"comma\"");
    }
    lua_getfield(L, idx, "no_realign");
    o->no_realign = lua_toboolean(L, -1);
    if (name && lua_getfield(L, idx, "name") != LUA_TNIL) *name = luaL_checkstring(L, -1);
    lua_pop(L, 4 + (name != NULL));
}

/* ---- functions ---- */

/* Expected failures: nil, message, code (the jx_err code). */
static int failure(lua_State *L, const jx_err *err)
{
    lua_pushnil(L);
    lua_pushstring(L, err->msg);
    lua_pushinteger(L, err->code);
    return 3;
}

static int push_store(lua_State *L, jx_table *t, jx_err *err)
{
    jx_store *s;
    if (jx_store_load(&s, t, err) < 0) return failure(L, err);
    jx_l_push_loaded(L, s);
    return 1;
}

/* jx.load(path [, opts]) -> Document | nil, message, code */
static int jx_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    jx_table_opts o;
    check_opts(L, 2, &o, NULL);
    jx_table *t;
    jx_err err = {0};
    luaL_checkstack(L, 8, NULL);
    if (jx_table_open(&t, path, &o, &err) < 0) return failure(L, &err);
    return push_store(L, t, &err);
}

/* jx.parse(text [, opts]) -> Document | nil, message, code. The text is
 * kept referenced while the table reads it. */
static int jx_parse(lua_State *L)
{
    size_t n;
    const char *text = luaL_checklstring(L, 1, &n);
    const char *name = "<string>";
    jx_table_opts o;
    check_opts(L, 2, &o, &name);
    jx_table *t;
    jx_err err = {0};
    luaL_checkstack(L, 8, NULL);
    if (jx_table_open_mem(&t, text, n, name, &o, &err) < 0) return failure(L, &err);
    return push_store(L, t, &err);
}

/* Lazily required submodules: jx.json, jx.decimal, jx.indicator, jx.write (a
 * function), ... */
static int module_index(lua_State *L)
{
    const char *k = luaL_checkstring(L, 2);
    static const char *const subs[] = {"json", "decimal", "indicator", "check", "score", "profiles", "write", NULL};
    for (const char *const *s = subs; *s; s++) {
        if (strcmp(k, *s) != 0) continue;
        lua_getglobal(L, "require");
        lua_pushfstring(L, "jixiao.%s", k);
        lua_call(L, 1, 1);
        lua_pushvalue(L, -1);
        lua_setfield(L, 1, k); /* cache it on the module */
        return 1;
    }
    return 0;
}

/* ---- tables and opener ---- */

static const luaL_Reg functions[] = {{"load", jx_load}, {"parse", jx_parse}, {NULL, NULL}};

int luaopen_jixiao(lua_State *L)
{
    jx_l_project_register(L);
    luaL_newlib(L, functions);
    lua_pushstring(L, JX_VERSION);
    lua_setfield(L, -2, "version");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, module_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    return 1;
}
