/* The awk-style callback mode (see l_stream.h). All the files are streamed
 * inside one protected call, the callbacks called directly: a callback's
 * error unwinds to it with its traceback. The open table sits in a
 * to-be-closed userdata, so an error anywhere closes it, and the views handed
 * to callbacks read the reader's buffers in place, checked against counters
 * in that userdata: a view kept past its callback raises instead of reading
 * a reused buffer. */
#include "l_stream.h"

#include <stdio.h>

#include "l_jixiao.h"
#include "lauxlib.h"
#include "lhost.h"

#define STREAM "jixiao.Stream"

struct stream {
    jx_table *t;
    jx_project cur;     /* the row being handed to project() */
    unsigned long row;  /* bumped after each project() call and at close */
    unsigned long file; /* bumped at close */
};

/* What jx_run_stream hands to the protected call. */
struct run {
    const char *const *files;
    int nfiles;
    const jx_table_opts *opts;
    int failed;
};

/* __gc and __close: closes the table and ends every view of it. */
static int stream_close(lua_State *L)
{
    struct stream *s = luaL_checkudata(L, 1, STREAM);
    jx_table_close(s->t);
    s->t = NULL;
    s->row++, s->file++;
    return 0;
}

/* Pushes the global `name` if it is a function (returns 1), else nothing. */
static int get_callback(lua_State *L, const char *name)
{
    if (lua_getglobal(L, name) == LUA_TFUNCTION) return 1;
    lua_pop(L, 1);
    return 0;
}

/* Streams one file into the callbacks; raises what a callback raises. */
static void stream_file(lua_State *L, struct run *r, const char *path)
{
    int base = lua_gettop(L);
    int document = get_callback(L, "document") ? lua_gettop(L) : 0;
    int project = get_callback(L, "project") ? lua_gettop(L) : 0;

    /* The handle exists, closed, before the table is opened, so that no
     * allocation failure can leave the table unowned. */
    struct stream *s = lua_newuserdatauv(L, sizeof *s, 0);
    s->t = NULL, s->row = 0, s->file = 0;
    luaL_setmetatable(L, STREAM);
    int handle = lua_gettop(L);
    lua_toclose(L, handle);

    jx_err err;
    if (jx_table_open(&s->t, path, r->opts, &err) < 0) {
        s->t = NULL;
        fprintf(stderr, "jixiao: %s\n", err.msg);
        r->failed++;
    } else {
        jx_l_doc_view(L, jx_table_doc(s->t), &s->file, handle);
        int doc = lua_gettop(L);
        if (document) {
            lua_pushvalue(L, document);
            lua_pushvalue(L, doc);
            lua_call(L, 1, 0);
        }
        int rc = 1;
        while (project && (rc = jx_table_next(s->t, &s->cur, &err)) > 0) {
            lua_pushvalue(L, project);
            jx_l_project_view(L, doc, &s->cur, &s->row);
            lua_pushvalue(L, doc);
            lua_call(L, 2, 0);
            s->row++;
        }
        if (rc < 0) {
            fprintf(stderr, "jixiao: %s\n", err.msg);
            r->failed++;
        }
    }
    lua_closeslot(L, handle);
    lua_settop(L, base);
}

static int stream_all(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    jx_l_views_init(L);
    if (luaL_newmetatable(L, STREAM)) {
        lua_pushcfunction(L, stream_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, stream_close);
        lua_setfield(L, -2, "__close");
    }
    lua_pop(L, 1);
    for (int i = 0; i < r->nfiles; i++) stream_file(L, r, r->files[i]);
    return 0;
}

int jx_run_stream(lua_State *L, const char *const *files, int nfiles, const jx_table_opts *opts, jx_err *err)
{
    int want = 0;
    want += get_callback(L, "document");
    want += get_callback(L, "project");
    lua_pop(L, want);
    if (!want) return 0;
    struct run r = {files, nfiles, opts, 0};
    lua_pushcfunction(L, stream_all);
    lua_pushlightuserdata(L, &r);
    if (jx_lua_pcall(L, 1, 0, err) != 0) return -1; /* the message stays on top */
    return r.failed;
}
