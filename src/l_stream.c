/* The awk-style callback mode (see l_stream.h). The open table sits in a
 * userdata whose __gc closes it, so an error anywhere leaves nothing open;
 * each row is handed to project(p, doc) as a view bound to the reader's
 * buffers, invalidated when the callback returns. */
#include "l_stream.h"

#include <stdio.h>

#include "lauxlib.h"
#include "lhost.h"
#include "l_project.h"

#define STREAM "jixiao.Stream"

struct stream {
    jx_table *t;
};

static int stream_gc(lua_State *L)
{
    struct stream *s = luaL_checkudata(L, 1, STREAM);
    jx_table_close(s->t);
    s->t = NULL;
    return 0;
}

/* Pushes the global `name` if it is a function, else nothing; returns 1 if pushed. */
static int get_callback(lua_State *L, const char *name)
{
    if (lua_getglobal(L, name) == LUA_TFUNCTION) return 1;
    lua_pop(L, 1);
    return 0;
}

/* Streams one file. Returns 0, 1 if the input could not be read (reported on
 * stderr), or -1 if a callback raised (message on top of the stack). */
static int stream_file(lua_State *L, const char *path, const jx_table_opts *opts, int want_doc, int want_project,
                       jx_err *err)
{
    struct stream *s = lua_newuserdatauv(L, sizeof *s, 0); /* closed before the table is opened */
    s->t = NULL;
    luaL_setmetatable(L, STREAM);
    int handle = lua_gettop(L);
    jx_err rerr = {0};
    if (jx_table_open(&s->t, path, opts, &rerr) < 0) {
        s->t = NULL;
        fprintf(stderr, "jixiao: %s\n", rerr.msg);
        lua_settop(L, handle - 1);
        return 1;
    }
    const jx_doc *d = jx_table_doc(s->t);
    jx_l_push_docview(L, d);
    int doc = lua_gettop(L);
    int rc = 0;
    if (want_doc) {
        get_callback(L, "document");
        lua_pushvalue(L, doc);
        if (jx_lua_pcall(L, 1, 0, err) != 0) rc = -1;
    }
    jx_project p;
    int r = 1;
    while (rc == 0 && want_project && (r = jx_table_next(s->t, &p, &rerr)) > 0) {
        jx_l_push_projectview(L, d, &p); /* stays below the call, to be unbound after it */
        get_callback(L, "project");
        lua_pushvalue(L, -2);
        lua_pushvalue(L, doc);
        if (jx_lua_pcall(L, 2, 0, err) != 0) rc = -1; /* the message is on top */
        jx_l_unbind(L, rc ? -2 : -1);
        lua_remove(L, rc ? -2 : -1);
    }
    if (rc == 0 && r < 0) {
        fprintf(stderr, "jixiao: %s\n", rerr.msg);
        rc = 1;
    }
    jx_l_unbind(L, doc);
    jx_table_close(s->t);
    s->t = NULL;
    if (rc == -1) {
        /* Leave only the message, where the handle was. */
        lua_replace(L, handle);
        lua_settop(L, handle);
    } else {
        lua_settop(L, handle - 1);
    }
    return rc;
}

int jx_run_stream(lua_State *L, const char *const *files, int nfiles, const jx_table_opts *opts, jx_err *err)
{
    int want_doc = get_callback(L, "document");
    if (want_doc) lua_pop(L, 1);
    int want_project = get_callback(L, "project");
    if (want_project) lua_pop(L, 1);
    if (!want_doc && !want_project) return 0;
    jx_l_project_register(L);
    if (luaL_newmetatable(L, STREAM)) {
        lua_pushcfunction(L, stream_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    int failed = 0;
    for (int i = 0; i < nfiles; i++) {
        int rc = stream_file(L, files[i], opts, want_doc, want_project, err);
        if (rc < 0) return -1;
        failed += rc;
    }
    return failed;
}
