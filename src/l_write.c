/* jx.write and jx.render (see l_jixiao.h): render a value as JSON (through
 * jixiao.json), CSV, a Markdown table or plain text into one Lua string;
 * write then writes it atomically (atomic.h), or to standard output for
 * "-". Rendering may raise; it is over before the output file is created,
 * and from then on nothing can raise. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "l_jixiao.h"
#include "lauxlib.h"

enum { F_JSON, F_CSV, F_MARKDOWN, F_TEXT };

/* ---- checkers ---- */

/* The format argument, or when it is absent the path's extension. */
static int check_format(lua_State *L, int idx, const char *path)
{
    static const char *const names[] = {"json", "csv", "markdown", "md", "text", "txt", NULL};
    static const int formats[] = {F_JSON, F_CSV, F_MARKDOWN, F_MARKDOWN, F_TEXT, F_TEXT};
    const char *f = lua_tostring(L, idx);
    if (lua_isnoneornil(L, idx)) {
        const char *dot = strrchr(path, '.');
        f = dot && !strchr(dot, '/') ? dot + 1 : "";
    }
    for (int i = 0; names[i]; i++)
        if (!strcmp(f, names[i])) return formats[i];
    return luaL_argerror(L, idx,
                         lua_pushfstring(L, "format must be json, csv, markdown or text, got %s",
                                         lua_isnoneornil(L, idx) ? "none (and no .json, .csv, .md or .txt path)"
                                                                 : luaL_tolstring(L, idx, NULL)));
}

/* Checks that the rows at idx are a list of tables; returns how many. */
static lua_Integer check_rows(lua_State *L, int idx)
{
    luaL_argexpected(L, lua_type(L, idx) == LUA_TTABLE, idx, "a list of rows");
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
            luaL_argerror(L, idx, lua_pushfstring(L, "row %d is a %s, not a table", (int)i, luaL_typename(L, -1)));
        lua_pop(L, 1);
    }
    return n;
}

/* ---- rendering ---- */

static int by_name(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* Pushes the list of column names: opts.columns, else the first row's string
 * keys sorted, else (rows that are lists of cells) nothing, returning 0. */
static int push_columns(lua_State *L, int rows, int opts)
{
    if (opts && lua_getfield(L, opts, "columns") != LUA_TNIL) {
        luaL_argexpected(L, lua_type(L, -1) == LUA_TTABLE, opts, "opts.columns as a list of names");
        return 1;
    }
    if (opts) lua_pop(L, 1);
    if (lua_rawgeti(L, rows, 1) != LUA_TTABLE || lua_rawlen(L, -1) > 0) {
        lua_pop(L, 1);
        return 0;
    }
    int first = lua_gettop(L);
    lua_newtable(L);
    int n = 0;
    for (lua_pushnil(L); lua_next(L, first); lua_pop(L, 1))
        if (lua_type(L, -2) == LUA_TSTRING) {
            lua_pushvalue(L, -2);
            lua_rawseti(L, first + 1, ++n);
        }
    /* The names stay referenced by the list while the scratch array sorts them. */
    const char **names = lua_newuserdatauv(L, sizeof *names * (size_t)(n ? n : 1), 0);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, first + 1, i + 1);
        names[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    qsort(names, (size_t)n, sizeof *names, by_name);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, names[i]);
        lua_rawseti(L, first + 1, i + 1);
    }
    lua_pop(L, 1);
    lua_remove(L, first);
    return 1;
}

/* Replaces the value on top of the stack with its text as a cell, escaped
 * for fmt. A table, a function or a userdata without __tostring raises. */
static void cell_text(lua_State *L, int fmt, lua_Integer row, int col)
{
    int t = lua_type(L, -1);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushliteral(L, "");
        return;
    }
    if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TLIGHTUSERDATA ||
        (t == LUA_TUSERDATA && luaL_getmetafield(L, -1, "__tostring") == LUA_TNIL))
        luaL_error(L, "bad argument #2 to 'write' (row %d, column %d: a %s cannot be written as a cell)", (int)row,
                   col, lua_typename(L, t));
    if (t == LUA_TUSERDATA) lua_pop(L, 1); /* the __tostring found */
    size_t n;
    const char *s = luaL_tolstring(L, -1, &n);
    size_t special = strcspn(s, fmt == F_CSV ? ",\"\r\n" : "|\r\n");
    if (special < n || (fmt == F_CSV && memchr(s, 0, n))) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        if (fmt == F_CSV) luaL_addchar(&b, '"');
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (fmt == F_CSV && c == '"') luaL_addstring(&b, "\"\"");
            else if (fmt == F_CSV) luaL_addchar(&b, c);
            else if (c == '|') luaL_addstring(&b, "\\|");
            else if (c == '\r' || c == '\n') {
                luaL_addstring(&b, "<br>");
                if (c == '\r' && i + 1 < n && s[i + 1] == '\n') i++;
            } else luaL_addchar(&b, c);
        }
        if (fmt == F_CSV) luaL_addchar(&b, '"');
        luaL_pushresult(&b);
        lua_replace(L, -2);
    }
    lua_replace(L, -2);
}

/* Pushes one line: the cells of the row at index `row`, by column name
 * (cols != 0) or by position (the first `width` cells, or all of them).
 * Each cell is pushed just before luaL_addvalue takes it, as a buffer in use
 * requires. */
static void push_line(lua_State *L, int fmt, int row, lua_Integer i, int cols, int width)
{
    int n = cols ? (int)lua_rawlen(L, cols) : width ? width : (int)lua_rawlen(L, row);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (fmt == F_MARKDOWN) luaL_addchar(&b, '|');
    for (int c = 1; c <= n; c++) {
        if (fmt == F_CSV && c > 1) luaL_addchar(&b, ',');
        if (fmt == F_MARKDOWN) luaL_addchar(&b, ' ');
        if (cols) {
            lua_rawgeti(L, cols, c);
            lua_gettable(L, row);
        } else {
            lua_rawgeti(L, row, c);
        }
        cell_text(L, fmt, i, c);
        luaL_addvalue(&b);
        if (fmt == F_MARKDOWN) luaL_addstring(&b, " |");
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
}

/* Pushes rows (at idx) as CSV or Markdown text. Rows keyed by name are
 * written in the order of their columns; rows that are lists cell by cell,
 * under opts.columns if given (as many cells as columns). */
static void render_rows(lua_State *L, int idx, int opts, int fmt)
{
    lua_Integer n = check_rows(L, idx);
    lua_rawgeti(L, idx, 1);
    int lists = lua_istable(L, -1) && lua_rawlen(L, -1) > 0;
    int width = lists ? (int)lua_rawlen(L, -1) : 0;
    lua_pop(L, 1);
    int cols = push_columns(L, idx, opts) ? lua_gettop(L) : 0;
    if (cols) {
        for (int c = 1; lua_rawgeti(L, cols, c) != LUA_TNIL; c++) {
            luaL_argexpected(L, lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER, opts ? opts : 2,
                             "opts.columns as a list of names");
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (lists) width = (int)lua_rawlen(L, cols);
    } else if (fmt == F_MARKDOWN) {
        /* A Markdown table needs a header: the cells' positions. */
        lua_createtable(L, width, 0);
        for (int c = 1; c <= width; c++) {
            lua_pushinteger(L, c);
            lua_rawseti(L, -2, c);
        }
        cols = lua_gettop(L);
    }
    /* CSV lists without a header keep each row's own length. */
    if (lists && !cols) width = 0;
    lua_createtable(L, (int)n + 2, 0);
    int lines = lua_gettop(L), k = 0;
    if (cols) {
        push_line(L, fmt, cols, 0, 0, (int)lua_rawlen(L, cols));
        lua_rawseti(L, lines, ++k);
        if (fmt == F_MARKDOWN) {
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            luaL_addchar(&b, '|');
            for (lua_Unsigned c = 0; c < lua_rawlen(L, cols); c++) luaL_addstring(&b, "---|");
            luaL_addchar(&b, '\n');
            luaL_pushresult(&b);
            lua_rawseti(L, lines, ++k);
        }
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        push_line(L, fmt, lua_gettop(L), i, lists ? 0 : cols, lists ? width : 0);
        lua_rawseti(L, lines, ++k);
        lua_pop(L, 1);
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int j = 1; j <= k; j++) {
        lua_rawgeti(L, lines, j);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
}

static void render_json(lua_State *L, int idx)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "jixiao.json");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "encode");
    lua_pushvalue(L, idx);
    lua_createtable(L, 0, 2);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "pretty");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "sort_keys");
    lua_call(L, 2, 1);
    lua_pushliteral(L, "\n");
    lua_concat(L, 2);
}

/* ---- the function ---- */

/* Leaves the rendering of the value at v in format fmt on the top (opts an
 * index or 0). */
static void render(lua_State *L, int v, int fmt, int opts)
{
    if (fmt == F_JSON) render_json(L, v);
    else if (fmt == F_TEXT) {
        luaL_argexpected(L, lua_type(L, v) == LUA_TSTRING, v, "a string for format text");
        lua_pushvalue(L, v);
    } else render_rows(L, v, opts, fmt);
}

/* write(path, value [, format [, opts]]) -> true | nil, message, code */
int jx_l_write(lua_State *L)
{
    luaL_argexpected(L, lua_type(L, 1) == LUA_TSTRING, 1, "file path");
    const char *path = lua_tostring(L, 1);
    int fmt = check_format(L, 3, path);
    int opts = lua_isnoneornil(L, 4) ? 0 : 4;
    if (opts) luaL_checktype(L, opts, LUA_TTABLE);
    lua_settop(L, 4);
    render(L, 2, fmt, opts);

    size_t n;
    const char *text = lua_tolstring(L, -1, &n);
    jx_err err;
    if (!strcmp(path, "-")) { /* standard output: what print writes to */
        if ((n && fwrite(text, 1, n, stdout) != n) || fflush(stdout) != 0) {
            jx_err_set(&err, JX_EIO, "standard output: cannot write: %s", strerror(errno));
            return jx_l_fail(L, &err);
        }
        lua_pushboolean(L, 1);
        return 1;
    }
    jx_atomic a;
    if (jx_atomic_open(&a, path, &err) < 0) return jx_l_fail(L, &err);
    if (n) fwrite(text, 1, n, a.f); /* a short write sets the error flag commit checks */
    if (jx_atomic_commit(&a, &err) < 0) return jx_l_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* render(value, format [, opts]) -> the text write would write. */
int jx_l_render(lua_State *L)
{
    luaL_checkany(L, 1);
    luaL_checkstring(L, 2);
    int fmt = check_format(L, 2, "");
    int opts = lua_isnoneornil(L, 3) ? 0 : 3;
    if (opts) luaL_checktype(L, opts, LUA_TTABLE);
    lua_settop(L, 3);
    render(L, 1, fmt, opts);
    return 1;
}
