/* lhost: creates, calls into and closes jixiao's Lua state (see lhost.h).
 * Modules compiled into the binary are found by one package.searchers entry,
 * and every call into Lua goes through lua.c's kind of message handler, so
 * each error a user sees carries a traceback into the repository's files. */
#include "lhost.h"
#include "lmodules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "lauxlib.h"
#include "lualib.h"

/* vendor/lpeg-1.0.2/lptree.c defines it without a header to declare it. */

/* C modules require finds without a file, listed as linit.c lists the
 * standard libraries; jixiao's own may also come through jx_lua_preload. */


/* The allocator's user data: what the state holds and may hold. Allocated by
 * jx_lua_new, freed by jx_lua_close after the state is gone. */
struct meter {
    size_t used;
    size_t limit; /* 0: no limit */
};

static void *meter_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct meter *m = ud;
    if (!ptr) osize = 0; /* then osize only says what kind of object it is */
    if (nsize == 0) {
        free(ptr);
        m->used -= osize;
        return NULL;
    }
    /* Only growth can hit the limit: Lua counts on shrinking to succeed. */
    if (m->limit && nsize > osize
        && (m->used > m->limit || nsize - osize > m->limit - m->used))
        return NULL;
    void *p = realloc(ptr, nsize);
    if (!p) return NULL;
    m->used = m->used - osize + nsize;
    return p;
}

static struct meter *meter_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

/* lua.c's message handler: the error text followed by a stack traceback. */
static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* package.searchers entry for the modules compiled into the binary. Returns
 * the chunk and, as the file searcher returns the file name, the repository
 * path it came from; or a line for require's "module not found" message. */
static int search_embedded(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    for (const struct jx_embedded *e = jx_embedded; e->name; e++) {
        if (strcmp(e->name, name) != 0) continue;
        if (luaL_loadbufferx(L, e->src, e->len, e->chunk, "t") != LUA_OK)
            return luaL_error(L, "error loading module '%s' from %s:\n\t%s", name,
                              e->chunk + 1, lua_tostring(L, -1));
        lua_pushstring(L, e->chunk + 1);
        return 2;
    }
    lua_pushfstring(L, "no module '%s' built into jixiao", name);
    return 1;
}

/* os.exit that always closes the state first (os.exit(n, true) semantics):
 * __gc and __close handlers run, files a script opened are flushed, and the
 * allocator's data is freed, whichever way a script chooses to end. */
static int host_exit(lua_State *L)
{
    int status;
    if (lua_isboolean(L, 1))
        status = lua_toboolean(L, 1) ? EXIT_SUCCESS : EXIT_FAILURE;
    else
        status = (int)luaL_optinteger(L, 1, EXIT_SUCCESS);
    jx_lua_close(L);
    exit(status);
}

/* Everything jx_lua_new sets up that can raise, run in one protected call. */
static int open_host(lua_State *L)
{
    luaL_openlibs(L);
    lua_gc(L, LUA_GCGEN, 0, 0); /* as lua.c: generational GC suits scripts */

    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    for (const luaL_Reg *r = jx_lua_modules; r->name; r++) {
        lua_pushcfunction(L, r->func);
        lua_setfield(L, -2, r->name);
    }
    lua_pop(L, 1);

    /* Second place: package.preload still wins (C modules), and a stray
     * jixiao/x.lua in the working directory cannot shadow the built-in one. */
    lua_getglobal(L, "package");
    if (lua_getfield(L, -1, "searchers") != LUA_TTABLE)
        return luaL_error(L, "package.searchers is not a table");
    for (lua_Integer i = luaL_len(L, -1); i >= 2; i--) {
        lua_rawgeti(L, -1, i);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushcfunction(L, search_embedded);
    lua_rawseti(L, -2, 2);
    lua_pop(L, 2);

    lua_getglobal(L, "os");
    lua_pushcfunction(L, host_exit);
    lua_setfield(L, -2, "exit");
    lua_pop(L, 1);
    return 0;
}

lua_State *jx_lua_new(jx_err *err)
{
    struct meter *m = malloc(sizeof *m);
    lua_State *L = m ? luaL_newstate() : NULL;
    if (!L) {
        free(m);
        jx_err_set(err, JX_ENOMEM, "out of memory creating the Lua state");
        return NULL;
    }
    /* luaL_newstate installs lauxlib's panic and warning functions; swapping
     * the allocator afterwards keeps them. Both allocators use realloc/free,
     * so either may free the blocks the other made; start the count from
     * what the state already holds. */
    m->used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
    m->limit = 0;
    lua_setallocf(L, meter_alloc, m);

    lua_pushcfunction(L, open_host);
    if (jx_lua_pcall(L, 0, 0, err) != 0) {
        jx_lua_close(L);
        return NULL;
    }
    return L;
}

void jx_lua_close(lua_State *L)
{
    if (!L) return;
    struct meter *m = meter_of(L);
    lua_close(L);
    free(m);
}

void jx_lua_set_memory_limit(lua_State *L, size_t bytes)
{
    meter_of(L)->limit = bytes;
}

size_t jx_lua_memory_used(lua_State *L)
{
    return meter_of(L)->used;
}

static int preload_p(lua_State *L)
{
    const char *name = lua_touserdata(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, name);
    return 0;
}

int jx_lua_preload(lua_State *L, const char *name, lua_CFunction open)
{
    /* Neither a light C function nor a light userdata allocates, so nothing
     * can raise before lua_pcall takes over. */
    lua_pushcfunction(L, preload_p);
    lua_pushlightuserdata(L, (void *)name);
    lua_pushcfunction(L, open);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

/* Turns a failed load (status, message on top) into err and pops it. */
static int load_failed(lua_State *L, int status, jx_err *err)
{
    int code = status == LUA_ERRFILE  ? JX_EIO
             : status == LUA_ERRMEM ? JX_ENOMEM
                                    : JX_ELUA;
    const char *msg = lua_tostring(L, -1);
    jx_err_set(err, code, "%s", msg ? msg : "cannot load the chunk");
    lua_pop(L, 1);
    return -1;
}

int jx_lua_loadfile(lua_State *L, const char *path, jx_err *err)
{
    int status = luaL_loadfilex(L, path, "t");
    return status == LUA_OK ? 0 : load_failed(L, status, err);
}

int jx_lua_loadstring(lua_State *L, const char *code, const char *chunkname,
                      jx_err *err)
{
    int status = luaL_loadbufferx(L, code, strlen(code), chunkname, "t");
    return status == LUA_OK ? 0 : load_failed(L, status, err);
}

int jx_lua_pcall(lua_State *L, int nargs, int nres, jx_err *err)
{
    int base = lua_gettop(L) - nargs; /* the function's slot */
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nres, base);
    lua_remove(L, base);
    if (status == LUA_OK) return 0;

    /* Lua makes the message a string in every case but an error object
     * without __tostring, which msghandler has already turned into one. */
    const char *msg = lua_tostring(L, -1);
    if (status == LUA_ERRMEM) {
        size_t limit = meter_of(L)->limit;
        if (limit)
            return jx_err_set(err, JX_ENOMEM,
                              "not enough memory: the script passed its limit of %zu bytes",
                              limit);
        return jx_err_set(err, JX_ENOMEM, "not enough memory");
    }
    return jx_err_set(err, JX_ELUA, "%s", msg ? msg : "(error object is not a string)");
}

int jx_lua_dofile(lua_State *L, const char *path, jx_err *err)
{
    if (jx_lua_loadfile(L, path, err) != 0) return -1;
    if (jx_lua_pcall(L, 0, 0, err) != 0) {
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}
