/* lhost: creates, calls into and closes jixiao's Lua state (see lhost.h).
 * Modules compiled into the binary are found by one package.searchers entry,
 * every call into Lua goes through lua.c's kind of message handler, so each
 * error a user sees carries a traceback into the repository's files, and the
 * allocator and a count hook enforce the memory and instruction limits. */
#include "lhost.h"
#include "lmodules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "lauxlib.h"
#include "lualib.h"

/* Why a limited script was stopped. */
enum { RUNNING, OUT_OF_INSTRUCTIONS, OUT_OF_MEMORY };

/* The allocator's user data: what the state holds and may hold, and the
 * instruction count, kept here because every coroutine's hook must reach it
 * and scripts must not. Allocated by jx_lua_new, freed by jx_lua_close after
 * the state is gone. */
struct meter {
    size_t used;
    size_t limit;              /* 0: no limit */
    unsigned long long budget; /* instructions; 0: no limit */
    unsigned long long spent;  /* counted by the hook, a step at a time */
    int step;                  /* instructions between two calls of the hook */
    int stopped;               /* RUNNING or why not */
    int failed;                /* an allocation hit the limit ... */
    void *fail_ptr;            /* ... and this is what it asked for */
    size_t fail_size;
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
    if (m->limit && nsize > osize && (m->used > m->limit || nsize - osize > m->limit - m->used)) {
        m->failed = 1;
        m->fail_ptr = ptr;
        m->fail_size = nsize;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p) return NULL;
    /* Lua retries a failed allocation once after an emergency collection;
     * if that frees enough, the limit was not passed after all. */
    if (m->failed && ptr == m->fail_ptr && nsize == m->fail_size) m->failed = 0;
    m->used = m->used - osize + nsize;
    return p;
}

static struct meter *meter_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

/* The count hook of the instruction limit, which also enforces the memory
 * limit when both are set. A hook runs between instructions, never inside
 * an allocation and its retry, so a failure still recorded here was a
 * memory error the script saw (and caught: catching them in a loop costs a
 * full collection each). Once a limit is passed the hook runs at every
 * instruction of the coroutine at hand (the others reach it within a step)
 * and raises each time, so that a script's pcall cannot catch the error and
 * carry on: the first instruction after it raises again. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    struct meter *m = meter_of(L);
    (void)ar;
    if (m->stopped == RUNNING) {
        if (m->failed) m->stopped = OUT_OF_MEMORY;
        else if (m->budget && (m->spent += (unsigned long long)m->step) > m->budget)
            m->stopped = OUT_OF_INSTRUCTIONS;
        else
            return;
    }
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    luaL_where(L, 0); /* the hooked function: a hook has no frame of its own */
    if (m->stopped == OUT_OF_MEMORY)
        lua_pushfstring(L, "%sstopped: the script passed its memory limit of %I bytes", lua_tostring(L, -1),
                        (lua_Integer)m->limit);
    else
        lua_pushfstring(L, "%sstopped: the script ran past its limit of %I instructions", lua_tostring(L, -1),
                        (lua_Integer)m->budget);
    lua_error(L);
}

/* Hooks the main coroutine, and every one made from now on, while an
 * instruction limit is set. Any hook slows every instruction down (Lua then
 * checks each one), so a memory limit alone sets none. */
static void set_hook(lua_State *L, struct meter *m)
{
    m->step = m->budget && m->budget < 1000 ? (int)m->budget : 1000;
    if (m->budget) lua_sethook(L, count_hook, LUA_MASKCOUNT, m->step);
    else lua_sethook(L, NULL, 0, 0);
}

int jx_lua_limit_reached(lua_State *L)
{
    return meter_of(L)->stopped != RUNNING;
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

    jx_sandbox_init(L);
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
    m->budget = m->spent = 0;
    m->step = 0;
    m->stopped = RUNNING;
    m->failed = 0;
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
    struct meter *m = meter_of(L);
    m->limit = bytes;
    m->failed = 0;
}

size_t jx_lua_memory_used(lua_State *L)
{
    return meter_of(L)->used;
}

void jx_lua_set_instruction_limit(lua_State *L, unsigned long long n)
{
    struct meter *m = meter_of(L);
    m->budget = n;
    m->spent = 0;
    set_hook(L, m);
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
    struct meter *m = meter_of(L);
    if (status == LUA_OK) {
        if (!m->failed || m->stopped != RUNNING) return 0;
        /* The script caught a memory error before the hook saw it; it
         * passed the limit all the same. The limit is lifted for the
         * message, which must not fail outside a protected call. */
        m->stopped = OUT_OF_MEMORY;
        lua_settop(L, base - 1);
        size_t limit = m->limit;
        m->limit = 0;
        lua_pushliteral(L, "not enough memory");
        m->limit = limit;
        status = LUA_ERRMEM;
    }

    /* Lua makes the message a string in every case but an error object
     * without __tostring, which msghandler has already turned into one. */
    const char *msg = lua_tostring(L, -1);
    if (m->stopped == OUT_OF_INSTRUCTIONS)
        return jx_err_set(err, JX_ELIMIT, "the script ran past its limit of %llu instructions", m->budget);
    if (m->failed && m->stopped == RUNNING) m->stopped = OUT_OF_MEMORY; /* for the pcalls around this one */
    if (status == LUA_ERRMEM || m->stopped == OUT_OF_MEMORY) {
        size_t limit = m->limit;
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
