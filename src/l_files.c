/* jx.files (see l_jixiao.h): the table files a script was given, with each
 * directory walked for *.txt, *.csv and *.tsv — what every script that takes
 * "FILE|DIR..." needs, without a shell (which --sandbox refuses). Reading a
 * directory is reading, so the sandbox allows it. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "l_jixiao.h"
#include "lauxlib.h"

#define DEPTH_MAX 64

/* The directories from the top of a walk down to the current one: a
 * directory met again below itself (a symbolic-link loop) is not entered. */
struct ancestors {
    dev_t dev[DEPTH_MAX + 2];
    ino_t ino[DEPTH_MAX + 2];
};

static int is_table_name(const char *name, int all)
{
    if (all) return 1;
    const char *dot = strrchr(name, '.');
    return dot && (!strcasecmp(dot, ".txt") || !strcasecmp(dot, ".csv") || !strcasecmp(dot, ".tsv"));
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A directory being listed: the handle and the names read so far, owned by
 * a userdata so that an error raised while they are live frees them (__gc). */
struct listing {
    DIR *d;
    char **names;
    size_t n, cap;
};

#define LISTING "jixiao.Listing"

static int listing_gc(lua_State *L)
{
    struct listing *l = luaL_checkudata(L, 1, LISTING);
    if (l->d) closedir(l->d);
    for (size_t i = 0; i < l->n; i++) free(l->names[i]);
    free(l->names);
    memset(l, 0, sizeof *l);
    return 0;
}

/* Pushes a listing of dir's entries (hidden ones skipped) sorted by name, or
 * returns -1 with msg filled. */
static int push_listing(lua_State *L, const char *dir, char *msg, size_t cap)
{
    struct listing *l = lua_newuserdatauv(L, sizeof *l, 0);
    memset(l, 0, sizeof *l);
    if (luaL_newmetatable(L, LISTING)) {
        lua_pushcfunction(L, listing_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    if (!(l->d = opendir(dir))) {
        snprintf(msg, cap, "%s: cannot read the directory: %s", dir, strerror(errno));
        lua_pop(L, 1);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(l->d))) {
        if (e->d_name[0] == '.') continue;
        if (l->n == l->cap) {
            size_t c = l->cap ? 2 * l->cap : 32;
            char **grown = realloc(l->names, c * sizeof *grown);
            if (!grown) break;
            l->names = grown, l->cap = c;
        }
        if (!(l->names[l->n] = strdup(e->d_name))) break;
        l->n++;
    }
    int bad = e != NULL;
    closedir(l->d);
    l->d = NULL;
    if (bad) {
        snprintf(msg, cap, "%s: out of memory listing the directory", dir);
        lua_pop(L, 1);
        return -1;
    }
    if (l->n) qsort(l->names, l->n, sizeof *l->names, by_name);
    return 0;
}

/* Appends the table files under dir to the list at index list, whose length
 * is *n; -1 with msg filled on failure. */
static int walk(lua_State *L, int list, lua_Integer *n, const char *dir, int all, int depth, struct ancestors *up,
                char *msg, size_t cap)
{
    if (depth > DEPTH_MAX) {
        snprintf(msg, cap, "%s: directories nested more than %d deep (a symbolic-link loop?)", dir, DEPTH_MAX);
        return -1;
    }
    if (push_listing(L, dir, msg, cap) < 0) return -1;
    struct listing *l = lua_touserdata(L, -1);
    int rc = 0;
    const char *slash = dir[strlen(dir) - 1] == '/' ? "" : "/";
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const char *path = lua_pushfstring(L, "%s%s%s", dir, slash, l->names[i]);
        struct stat st;
        if (stat(path, &st) != 0) {
            /* a dangling link or an entry gone since the listing: not a table */
        } else if (S_ISDIR(st.st_mode)) {
            int loop = 0;
            for (int k = 0; k <= depth; k++) loop |= up->dev[k] == st.st_dev && up->ino[k] == st.st_ino;
            if (!loop) {
                up->dev[depth + 1] = st.st_dev, up->ino[depth + 1] = st.st_ino;
                rc = walk(L, list, n, path, all, depth + 1, up, msg, cap);
            }
        } else if (S_ISREG(st.st_mode) && is_table_name(path, all)) {
            lua_pushvalue(L, -1);
            lua_rawseti(L, list, ++*n);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1); /* the listing, freed by the collector */
    return rc;
}

/* files(path... [, {all=true}]) -> list | nil, message, code. A path that is
 * a file is kept as given (whatever its name; "-" too); a directory becomes
 * its table files, recursively, in byte order; a symbolic link back to a
 * directory above it is not followed again. */
int jx_l_files(lua_State *L)
{
    int top = lua_gettop(L), all = 0;
    if (top > 0 && lua_type(L, top) == LUA_TTABLE) {
        lua_getfield(L, top, "all");
        all = lua_toboolean(L, -1);
        lua_pop(L, 1);
        top--;
    }
    for (int i = 1; i <= top; i++) luaL_checkstring(L, i);
    lua_newtable(L);
    int list = lua_gettop(L);
    lua_Integer n = 0;
    char msg[1024];
    for (int i = 1; i <= top; i++) {
        const char *path = lua_tostring(L, i);
        struct stat st;
        if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            struct ancestors up;
            up.dev[0] = st.st_dev, up.ino[0] = st.st_ino;
            if (walk(L, list, &n, path, all, 0, &up, msg, sizeof msg) < 0) {
                jx_err err;
                jx_err_set(&err, JX_EIO, "%s", msg);
                return jx_l_fail(L, &err);
            }
        } else if (strcmp(path, "-") != 0 && stat(path, &st) != 0) {
            jx_err err;
            jx_err_set(&err, JX_EIO, "%s: cannot open: %s", path, strerror(errno));
            return jx_l_fail(L, &err);
        } else {
            lua_pushvalue(L, i);
            lua_rawseti(L, list, ++n);
        }
    }
    return 1;
}
