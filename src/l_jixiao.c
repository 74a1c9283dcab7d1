/* The jixiao module and its lazy Document and Project views (see
 * l_jixiao.h). A view is a small userdata pointing at rows that live
 * elsewhere: in a loaded document's store, or in the stream reader's buffers.
 * Each __index builds only the field asked for; a table it builds is kept
 * in one of the view's user values, so a second read costs one load. */
#include "l_jixiao.h"

#include <string.h>

#include "cmd.h"
#include "doc_store.h"
#include "l_check.h"
#include "l_decimal.h"
#include "l_model.h"
#include "lauxlib.h"
#include "money.h"

#define PROJECT "jixiao.Project"
#define DOCUMENT "jixiao.Document"

struct view {
    const jx_doc *d;
    const jx_project *p;         /* NULL for a Document */
    jx_store *store;             /* a loaded Document owns its rows */
    const unsigned long *serial; /* the view is live while *serial == mine */
    unsigned long mine;
    unsigned long gen; /* a loaded Document's: bumped when it is closed */
    int streamed;
};

/* Keys of the two views. Those from K_BUDGET and from D_COLUMNS on name the
 * tables a view builds once and keeps. */
enum {
    K_NAME = 1, K_SEQ, K_DEPT, K_PROBLEMS, K_RECT, K_LINE, K_END_LINE, K_INDEX, K_KIND, K_SOURCE, K_TOTABLE,
    K_BUDGET, K_ACTUAL, K_RATE, K_GOAL, K_INDICATORS, K_CELLS, K_COLS, K_EXTRA, K_REPAIR, K_DIAGS,
    D_TITLE, D_YEAR, D_UNIT, D_UNIT_CODE, D_UNIT_TEXT, D_DEPT, D_SOURCE, D_ENCODING, D_DELIM, D_HFIRST,
    D_HLAST, D_PROJECTS, D_TOTABLE, D_CLOSE,
    D_COLUMNS, D_TOTALS, D_DIAGS, C_LABELS, C_ROWS /* the last two are kept but are not keys */
};

/* User value 1 keeps the rows alive (a Project's Document; a streamed
 * Document's reader); each kept table has a user value of its own, so a
 * second read is one indexed load and a view needs no cache table. */
enum { UV_OWNER = 1, PROJECT_UVS = 2 + K_DIAGS - K_BUDGET, DOC_UVS = 2 + C_ROWS - D_COLUMNS };

static int slot(int id) { return 2 + id - (id >= D_COLUMNS ? D_COLUMNS : K_BUDGET); }

struct key {
    const char *key;
    int id;
};

static const struct key project_keys[] = {
    {"name", K_NAME}, {"seq", K_SEQ}, {"department", K_DEPT}, {"problems", K_PROBLEMS},
    {"rectification", K_RECT}, {"line", K_LINE}, {"end_line", K_END_LINE}, {"index", K_INDEX},
    {"kind", K_KIND}, {"source", K_SOURCE}, {"budget", K_BUDGET}, {"actual", K_ACTUAL}, {"rate", K_RATE},
    {"goal", K_GOAL}, {"indicators", K_INDICATORS}, {"cells", K_CELLS}, {"cols", K_COLS}, {"extra", K_EXTRA},
    {"repair", K_REPAIR}, {"diagnostics", K_DIAGS}, {"totable", K_TOTABLE}};

static const struct key doc_keys[] = {
    {"title", D_TITLE}, {"year", D_YEAR}, {"unit", D_UNIT}, {"unit_code", D_UNIT_CODE},
    {"unit_text", D_UNIT_TEXT}, {"department", D_DEPT}, {"source", D_SOURCE}, {"encoding", D_ENCODING},
    {"delimiter", D_DELIM}, {"header_first_line", D_HFIRST}, {"header_last_line", D_HLAST},
    {"columns", D_COLUMNS}, {"totals", D_TOTALS}, {"diagnostics", D_DIAGS}, {"projects", D_PROJECTS},
    {"totable", D_TOTABLE}, {"close", D_CLOSE}};

/* ---- checkers ---- */

/* The metatables are also kept in the registry under these addresses: a
 * pointer key is found without interning the type's name, which matters on
 * the per-row paths. */
static const char project_mt = 0, doc_mt = 0;

static struct view *check_view(lua_State *L, int idx, const char *tname, const void *mt)
{
    struct view *v = lua_touserdata(L, idx);
    int same = 0;
    if (v && lua_getmetatable(L, idx)) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, mt);
        same = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    if (!same) v = luaL_checkudata(L, idx, tname); /* raises the usual message */
    if (*v->serial == v->mine) return v;
    if (v->p)
        luaL_error(L, v->streamed ? "project used after its callback returned; copy the fields you need"
                                  : "project used after its document was closed");
    else
        luaL_error(L, v->streamed ? "document used after its file was streamed; copy the fields you need"
                                  : "document used after it was closed");
    return NULL;
}

#define check_project(L, i) check_view(L, i, PROJECT, &project_mt)
#define check_doc(L, i) check_view(L, i, DOCUMENT, &doc_mt)

/* Loaded documents only: #doc, doc[i], doc:projects() and doc.totals. */
static struct view *check_loaded(lua_State *L, int idx, const char *what)
{
    struct view *v = check_doc(L, idx);
    if (!v->store)
        luaL_error(L, "%s: a streamed document holds no projects; use them in project(p, doc), "
                      "or read the whole table with jixiao.load", what);
    return v;
}

/* ---- building fields ---- */

/* Pushes a Project's table field `id` (nil for a row that has none). */
static void build_project_field(lua_State *L, const struct view *v, int id)
{
    const jx_doc *d = v->d;
    const jx_project *p = v->p;
    switch (id) {
    case K_BUDGET: jx_l_push_amounts(L, d, p, JX_F_BUDGET_TOTAL); break;
    case K_ACTUAL: jx_l_push_amounts(L, d, p, JX_F_ACTUAL_TOTAL); break;
    case K_RATE: jx_l_push_rate(L, d, p); break;
    case K_GOAL:
        lua_createtable(L, 0, 2);
        jx_l_set_text(L, "target", jx_project_field(p, d, JX_F_GOAL_TARGET));
        jx_l_set_text(L, "result", jx_project_field(p, d, JX_F_GOAL_RESULT));
        break;
    case K_INDICATORS: jx_l_push_indicators(L, d, p); break;
    case K_CELLS:
        lua_createtable(L, p->ncells, 0);
        for (int i = 0; i < p->ncells; i++) {
            lua_pushlstring(L, p->cells[i].s, p->cells[i].len);
            lua_rawseti(L, -2, i + 1);
        }
        break;
    case K_COLS:
        lua_createtable(L, p->ncols, 0);
        for (int c = 0; c < p->ncols; c++) {
            lua_pushlstring(L, p->col[c]->s, p->col[c]->len);
            lua_rawseti(L, -2, c + 1);
        }
        break;
    case K_EXTRA:
        lua_newtable(L);
        for (int c = 0; c < d->ncols; c++)
            if (d->cols[c].field == JX_F_UNKNOWN) jx_l_set_text(L, d->cols[c].path, p->col[c]);
        break;
    case K_REPAIR: jx_l_push_repair(L, d, p); break;
    default: jx_l_push_diags(L, p->diags, p->ndiags); break;
    }
}

/* Leaves the kept table `id` of the view at idx on top, built by build() on
 * the first read. A field a row lacks is kept as false and read as nil. */
static int cached(lua_State *L, const struct view *v, int idx, int id,
                  void (*build)(lua_State *, const struct view *, int))
{
    int t = lua_getiuservalue(L, idx, slot(id));
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        build(L, v, id);
        if (lua_isnil(L, -1)) lua_pushboolean(L, 0);
        else lua_pushvalue(L, -1);
        lua_setiuservalue(L, idx, slot(id));
    } else if (t == LUA_TBOOLEAN) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
    return 1;
}

/* ---- header labels as keys ---- */

/* p[label]: looks the key up in the Document's label map (built once per
 * Document, see jx_l_push_labels), first as written, then folded. */
static int by_label(lua_State *L, const struct view *v, int key)
{
    lua_getiuservalue(L, 1, UV_OWNER);
    int doc = lua_gettop(L);
    if (lua_getiuservalue(L, doc, slot(C_LABELS)) != LUA_TTABLE) {
        lua_pop(L, 1);
        jx_l_push_labels(L, v->d);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, doc, slot(C_LABELS));
    }
    int map = lua_gettop(L);
    lua_pushvalue(L, key);
    if (lua_rawget(L, map) == LUA_TNIL) {
        size_t n;
        const char *k = lua_tolstring(L, key, &n);
        char f[512];
        lua_pop(L, 1);
        lua_pushlstring(L, f, jx_fold(k, n, f, sizeof f));
        lua_rawget(L, map);
    }
    switch (lua_type(L, -1)) {
    case LUA_TNUMBER: jx_l_push_column(L, v->d, v->p, (int)lua_tointeger(L, -1) - 1); return 1;
    case LUA_TSTRING:
        return cached(L, v, 1, *lua_tostring(L, -1) == 'a' ? K_ACTUAL : K_BUDGET, build_project_field);
    case LUA_TTABLE: {
        /* Another group: its columns under the rest of their paths. */
        int cols = lua_gettop(L);
        lua_newtable(L);
        for (lua_Integer i = 1; lua_rawgeti(L, cols, i) == LUA_TNUMBER; i++) {
            int c = (int)lua_tointeger(L, -1) - 1;
            lua_pop(L, 1);
            const char *path = v->d->cols[c].path, *end = jx_l_top_end(path);
            jx_l_push_column(L, v->d, v->p, c);
            lua_setfield(L, -2, *end ? end + 3 : path);
        }
        lua_pop(L, 1);
        return 1;
    }
    default: return 1; /* nil: no such label */
    }
}

/* ---- Project ---- */

static int project_totable(lua_State *L)
{
    struct view *v = check_project(L, 1);
    jx_l_push_project(L, v->d, v->p);
    return 1;
}

static int project_index(lua_State *L)
{
    struct view *v = check_project(L, 1);
    if (lua_type(L, 2) != LUA_TSTRING) return lua_pushnil(L), 1;
    lua_pushvalue(L, 2);
    int id = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    const jx_project *p = v->p;
    switch (id) {
    case 0: return by_label(L, v, 2);
    case K_NAME: jx_l_push_text(L, jx_project_field(p, v->d, JX_F_NAME)); break;
    case K_SEQ: jx_l_push_text(L, jx_project_field(p, v->d, JX_F_SEQ)); break;
    case K_DEPT: jx_l_push_text(L, jx_project_field(p, v->d, JX_F_DEPT)); break;
    case K_PROBLEMS: jx_l_push_text(L, jx_project_field(p, v->d, JX_F_PROBLEMS)); break;
    case K_RECT: jx_l_push_text(L, jx_project_field(p, v->d, JX_F_RECTIFICATION)); break;
    case K_LINE: lua_pushinteger(L, p->line); break;
    case K_END_LINE: lua_pushinteger(L, p->end_line); break;
    case K_INDEX:
        if (p->index) lua_pushinteger(L, p->index);
        else lua_pushnil(L);
        break;
    case K_KIND: lua_pushstring(L, p->kind == JX_ROW_TOTAL ? "total" : "project"); break;
    case K_SOURCE: lua_pushstring(L, v->d->source); break;
    case K_TOTABLE: lua_pushcfunction(L, project_totable); break;
    default: return cached(L, v, 1, id, build_project_field);
    }
    return 1;
}

static int project_tostring(lua_State *L)
{
    struct view *v = luaL_checkudata(L, 1, PROJECT);
    if (*v->serial != v->mine) return lua_pushstring(L, "jixiao.Project (closed)"), 1;
    const jx_cell *name = jx_project_field(v->p, v->d, JX_F_NAME);
    lua_pushfstring(L, "jixiao.Project (%s:%d: %s)", v->d->source, (int)v->p->line, name->s);
    return 1;
}

void jx_l_project_view(lua_State *L, int doc, const jx_project *p, const unsigned long *serial)
{
    doc = lua_absindex(L, doc);
    struct view *dv = lua_touserdata(L, doc);
    struct view *v = lua_newuserdatauv(L, sizeof *v, PROJECT_UVS);
    *v = (struct view){dv->d, p, NULL, serial ? serial : &dv->gen, serial ? *serial : dv->gen, 0, serial != NULL};
    lua_rawgetp(L, LUA_REGISTRYINDEX, &project_mt);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, doc);
    lua_setiuservalue(L, -2, UV_OWNER);
}

/* ---- Document ---- */

static void push_totals(lua_State *L, const struct view *v)
{
    jx_totals t;
    jx_totals_init(&t);
    int n = v->store->n, total_rows = 0;
    for (int i = 0; i < n; i++) {
        const jx_project *p = v->store->rows[i];
        total_rows += p->kind == JX_ROW_TOTAL;
        jx_totals_add(&t, p, v->d);
    }
    lua_createtable(L, 0, 5);
    jx_l_set_int(L, "projects", t.projects);
    jx_l_set_int(L, "total_rows", total_rows);
    if (t.overflow) return;
    jx_l_pushdec(L, t.budget);
    lua_setfield(L, -2, "budget");
    jx_l_pushdec(L, t.actual);
    lua_setfield(L, -2, "actual");
    jx_dec pct;
    if (jx_totals_rate(&t, &pct) == 0) {
        jx_l_pushdec(L, pct);
        lua_setfield(L, -2, "rate");
    }
}

static void build_doc_field(lua_State *L, const struct view *v, int id)
{
    switch (id) {
    case D_COLUMNS: jx_l_push_columns(L, v->d); break;
    case D_TOTALS: push_totals(L, v); break;
    default: jx_l_push_diags(L, v->d->diags, v->d->ndiags); break;
    }
}

/* Pushes the Project view of stored row i (1-based), one view per row. */
static void push_row(lua_State *L, const struct view *v, lua_Integer i)
{
    if (i < 1 || i > v->store->n) {
        lua_pushnil(L);
        return;
    }
    if (lua_getiuservalue(L, 1, slot(C_ROWS)) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, v->store->n, 0);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, 1, slot(C_ROWS));
    }
    if (lua_rawgeti(L, -1, i) == LUA_TNIL) {
        lua_pop(L, 1);
        jx_l_project_view(L, 1, v->store->rows[i - 1], NULL);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, i);
    }
}

/* for i, p in doc:projects(): the project rows (合计 rows skipped), i being
 * the row's place in the document (doc[i] == p). */
static int projects_next(lua_State *L)
{
    struct view *v = check_loaded(L, 1, "doc:projects()");
    lua_Integer i = luaL_checkinteger(L, 2);
    while (++i <= v->store->n && v->store->rows[i - 1]->kind != JX_ROW_PROJECT) {}
    if (i > v->store->n) return 0;
    lua_settop(L, 1);
    push_row(L, v, i);
    lua_pushinteger(L, i);
    lua_insert(L, -2);
    return 2;
}

static int doc_projects(lua_State *L)
{
    check_loaded(L, 1, "doc:projects()");
    lua_pushcfunction(L, projects_next);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int doc_totable(lua_State *L)
{
    struct view *v = check_doc(L, 1);
    jx_l_push_doc(L, v->d);
    if (!v->store) return 1;
    int n = v->store->n;
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        jx_l_push_project(L, v->d, v->store->rows[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "projects");
    return 1;
}

static int doc_gc(lua_State *L)
{
    struct view *v = luaL_checkudata(L, 1, DOCUMENT);
    if (v->store) {
        jx_store_free(v->store);
        v->store = NULL;
        v->gen++;
    }
    return 0;
}

static int doc_close(lua_State *L)
{
    if (!check_doc(L, 1)->store) luaL_error(L, "doc:close(): a streamed document closes when its file has been read");
    return doc_gc(L);
}

static int doc_index(lua_State *L)
{
    struct view *v = check_doc(L, 1);
    if (lua_isinteger(L, 2)) {
        check_loaded(L, 1, "doc[i]");
        push_row(L, v, lua_tointeger(L, 2));
        return 1;
    }
    if (lua_type(L, 2) != LUA_TSTRING) return lua_pushnil(L), 1;
    lua_pushvalue(L, 2);
    int id = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : 0;
    const jx_doc *d = v->d;
    switch (id) {
    case D_TITLE: lua_pushstring(L, d->title); break;
    case D_YEAR:
        if (d->year) lua_pushinteger(L, d->year);
        else lua_pushnil(L);
        break;
    case D_UNIT: lua_pushstring(L, jx_unit_name(d->unit)); break;
    case D_UNIT_CODE: lua_pushstring(L, jx_unit_code(d->unit)); break;
    case D_UNIT_TEXT: lua_pushstring(L, d->unit_text); break;
    case D_DEPT: lua_pushstring(L, d->department); break;
    case D_SOURCE: lua_pushstring(L, d->source); break;
    case D_ENCODING: lua_pushstring(L, jx_enc_name(d->encoding)); break;
    case D_DELIM: lua_pushlstring(L, &d->delim, 1); break;
    case D_HFIRST: lua_pushinteger(L, d->header_first_line); break;
    case D_HLAST: lua_pushinteger(L, d->header_last_line); break;
    case D_PROJECTS: lua_pushcfunction(L, doc_projects); break;
    case D_TOTABLE: lua_pushcfunction(L, doc_totable); break;
    case D_CLOSE: lua_pushcfunction(L, doc_close); break;
    case D_TOTALS: check_loaded(L, 1, "doc.totals"); /* fall through */
    case D_COLUMNS:
    case D_DIAGS: return cached(L, v, 1, id, build_doc_field);
    default: lua_pushnil(L); break;
    }
    return 1;
}

static int doc_len(lua_State *L)
{
    struct view *v = check_loaded(L, 1, "#doc");
    lua_pushinteger(L, v->store->n);
    return 1;
}

static int doc_tostring(lua_State *L)
{
    struct view *v = luaL_checkudata(L, 1, DOCUMENT);
    if (*v->serial != v->mine) lua_pushstring(L, "jixiao.Document (closed)");
    else if (v->store) lua_pushfstring(L, "jixiao.Document (%s, %d rows)", v->d->source, v->store->n);
    else lua_pushfstring(L, "jixiao.Document (%s, streamed)", v->d->source);
    return 1;
}

/* Pushes a Document view with nothing bound yet: created before any memory
 * it will own is allocated, so a failure in between leaves nothing behind. */
static struct view *new_doc(lua_State *L)
{
    struct view *v = lua_newuserdatauv(L, sizeof *v, DOC_UVS);
    memset(v, 0, sizeof *v);
    v->serial = &v->gen;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &doc_mt);
    lua_setmetatable(L, -2);
    return v;
}

void jx_l_doc_view(lua_State *L, const jx_doc *d, const unsigned long *serial, int owner)
{
    owner = lua_absindex(L, owner);
    struct view *v = new_doc(L);
    v->d = d, v->serial = serial, v->mine = *serial, v->streamed = 1;
    lua_pushvalue(L, owner);
    lua_setiuservalue(L, -2, UV_OWNER);
}

/* ---- for jx.check and jx.score (l_check.c) ---- */

int jx_l_view_rows(lua_State *L, int idx, jx_l_rows *out)
{
    int is_doc = 0, is_project = 0;
    if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &doc_mt);
    is_doc = lua_rawequal(L, -1, -2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &project_mt);
    is_project = lua_rawequal(L, -1, -3);
    lua_pop(L, 3);
    if (!is_doc && !is_project) return 0;
    struct view *v = is_doc ? check_doc(L, idx) : check_project(L, idx); /* raises for a closed view */
    *out = (jx_l_rows){v->d, v->p, v->store, v->streamed, v->serial, v->mine};
    return 1;
}

/* ---- the module ---- */

/* Reads load/parse options into o; raises on a bad one. */
static const char *check_opts(lua_State *L, int idx, jx_table_opts *o)
{
    const char *name = NULL;
    memset(o, 0, sizeof *o);
    if (lua_isnoneornil(L, idx)) return NULL;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (!strcmp(k, "encoding")) {
            const char *e = lua_tostring(L, -1);
            if (!e || jx_enc_parse(e, &o->encoding) < 0)
                luaL_error(L, "bad option: unknown encoding '%s' (utf-8, gb18030, utf-16le or utf-16be)", e ? e : "?");
        } else if (!strcmp(k, "delimiter")) {
            const char *s = lua_tostring(L, -1);
            if (s && (!strcmp(s, "tab") || !strcmp(s, "\t"))) o->rows.delim = '\t';
            else if (s && (!strcmp(s, "comma") || !strcmp(s, ","))) o->rows.delim = ',';
            else luaL_error(L, "bad option: delimiter must be \"tab\" or \"comma\"");
        } else if (!strcmp(k, "no_realign")) {
            o->no_realign = lua_toboolean(L, -1);
        } else if (!strcmp(k, "name")) {
            if (!(name = lua_tostring(L, -1))) luaL_error(L, "bad option name (a string expected)");
        } else {
            luaL_error(L, "unknown option '%s' (encoding, delimiter, no_realign, name)", k);
        }
        lua_pop(L, 1);
    }
    return name;
}

int jx_l_fail(lua_State *L, const jx_err *err)
{
    lua_pushnil(L);
    lua_pushstring(L, err->msg);
    lua_pushstring(L, jx_err_name(err->code));
    return 3;
}

static int jx_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    jx_table_opts o;
    const char *name = check_opts(L, 2, &o);
    struct view *v = new_doc(L);
    jx_err err;
    if (jx_store_load(&v->store, path, name, &o, &err) < 0) return jx_l_fail(L, &err);
    v->d = jx_store_doc(v->store);
    return 1;
}

static int jx_parse(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    jx_table_opts o;
    const char *name = check_opts(L, 2, &o);
    struct view *v = new_doc(L);
    jx_err err;
    if (jx_store_load_mem(&v->store, s, n, name, &o, &err) < 0) return jx_l_fail(L, &err);
    v->d = jx_store_doc(v->store);
    return 1;
}

/* jx.json, jx.decimal, jx.indicator and the other library modules are
 * required on first use, so that require "jixiao" stays cheap. jx.check and
 * jx.score are functions (l_check.c); their engines are require "jixiao.check"
 * and require "jixiao.score". */
static int module_index(lua_State *L)
{
    static const char *const subs[] = {"json", "decimal", "indicator", "profiles", "http", NULL};
    const char *k = lua_tostring(L, 2);
    for (int i = 0; k && subs[i]; i++) {
        if (strcmp(k, subs[i]) != 0) continue;
        lua_getglobal(L, "require");
        lua_pushfstring(L, "jixiao.%s", k);
        lua_call(L, 1, 1);
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -2);
        lua_rawset(L, 1);
        return 1;
    }
    return 0;
}

/* ---- registration ---- */

static const luaL_Reg project_meta[] = {{"__tostring", project_tostring}, {NULL, NULL}};
static const luaL_Reg doc_meta[] = {
    {"__len", doc_len}, {"__tostring", doc_tostring}, {"__gc", doc_gc}, {"__close", doc_gc}, {NULL, NULL}};
static const luaL_Reg module_funcs[] = {
    {"load", jx_load}, {"parse", jx_parse}, {"write", jx_l_write}, {"render", jx_l_render},
    {"files", jx_l_files}, {"check", jx_l_check}, {"score", jx_l_score}, {NULL, NULL}};

/* Sets meta.__index to f with a key -> id table as its upvalue. */
static void set_index(lua_State *L, lua_CFunction f, const struct key *keys, size_t n)
{
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, keys[i].id);
        lua_setfield(L, -2, keys[i].key);
    }
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, -2, "__index");
}

void jx_l_views_init(lua_State *L)
{
    luaL_requiref(L, "jixiao.decimal", luaopen_jixiao_decimal, 0);
    lua_pop(L, 1);
    if (luaL_newmetatable(L, PROJECT)) {
        luaL_setfuncs(L, project_meta, 0);
        set_index(L, project_index, project_keys, sizeof project_keys / sizeof project_keys[0]);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &project_mt);
    if (luaL_newmetatable(L, DOCUMENT)) {
        luaL_setfuncs(L, doc_meta, 0);
        set_index(L, doc_index, doc_keys, sizeof doc_keys / sizeof doc_keys[0]);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &doc_mt);
}

int luaopen_jixiao(lua_State *L)
{
    jx_l_views_init(L);
    luaL_newlib(L, module_funcs);
    lua_pushliteral(L, JX_VERSION);
    lua_setfield(L, -2, "version");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, module_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    return 1;
}
