/* Lazy Document and Project views (see l_project.h). Amounts come out as
 * jixiao.decimal values; texts as strings; the rarer fields (indicators,
 * repair, cells, extra) are taken from the full table l_model.c builds. */
#include "l_project.h"

#include <string.h>

#include "doc_store.h"
#include "l_decimal.h"
#include "l_model.h"
#include "lauxlib.h"
#include "money.h"

#define PROJECT "jixiao.Project"
#define DOCUMENT "jixiao.Document"

struct view {
    const jx_doc *doc;
    const jx_project *p; /* NULL for a document view */
    int live;
    jx_store *store;     /* a loaded document's rows (owned), or NULL when streamed */
};

/* ---- checkers ---- */

static struct view *checkview(lua_State *L, int idx, const char *tname)
{
    struct view *v = luaL_checkudata(L, idx, tname);
    if (!v->live)
        luaL_error(L, "%s used after its callback returned; copy the fields you need",
                   v->p ? "project" : "document");
    return v;
}

/* ---- building fields ---- */

static void push_cell(lua_State *L, const jx_cell *c)
{
    if (c->len) lua_pushlstring(L, c->s, c->len);
    else lua_pushnil(L);
}

static void push_money(lua_State *L, const struct view *v, jx_field base)
{
    static const char *const parts[] = {"total", "fiscal", "general", "fund", "other", "carryover"};
    jx_dec d;
    lua_createtable(L, 0, 4);
    for (int i = 0; i < 6; i++) {
        if (v->doc->fieldcol[base + i] < 0 || jx_project_amount(v->p, v->doc, (jx_field)(base + i), &d) != 1)
            continue;
        jx_l_pushdec(L, d);
        lua_setfield(L, -2, parts[i]);
    }
    if (base == JX_F_BUDGET_TOTAL && jx_project_amount(v->p, v->doc, JX_F_BUDGET_INITIAL, &d) == 1) {
        jx_l_pushdec(L, d);
        lua_setfield(L, -2, "initial");
    }
}

static void push_rate(lua_State *L, const struct view *v)
{
    jx_dec pct, a, b;
    jx_rate_form form;
    const jx_cell *c = jx_project_field(v->p, v->doc, JX_F_RATE);
    lua_createtable(L, 0, 3);
    push_cell(L, c);
    lua_setfield(L, -2, "text");
    if (jx_rate_parse(c->s, c->len, &pct, &form) == 1) {
        jx_l_pushdec(L, pct);
        lua_setfield(L, -2, "percent");
    }
    if (jx_project_amount(v->p, v->doc, JX_F_BUDGET_TOTAL, &b) == 1 &&
        jx_project_amount(v->p, v->doc, JX_F_ACTUAL_TOTAL, &a) == 1 && jx_rate_of(a, b, 2, &pct) == 0) {
        jx_l_pushdec(L, pct);
        lua_setfield(L, -2, "computed");
    }
}

/* A column named by a header label: the whole path, its last label, or its
 * top label (for a money group: the whole budget or actual table). */
static int push_by_label(lua_State *L, const struct view *v, const char *key)
{
    const jx_doc *d = v->doc;
    size_t kn = strlen(key);
    for (int c = 0; c < d->ncols; c++) {
        const char *path = d->cols[c].path;
        const char *last = strrchr(path, '/');
        last = last ? last + 2 : path;
        if (strcmp(path, key) != 0 && strcmp(last, key) != 0) continue;
        jx_field f = d->cols[c].field;
        jx_dec amount;
        if (f >= JX_F_BUDGET_TOTAL && f <= JX_F_ACTUAL_CARRY && jx_dec_parse(v->p->col[c]->s, v->p->col[c]->len, &amount) == 1)
            jx_l_pushdec(L, amount);
        else
            push_cell(L, v->p->col[c]);
        return 1;
    }
    for (int c = 0; c < d->ncols; c++) {
        const char *path = d->cols[c].path;
        if (strncmp(path, key, kn) != 0 || (path[kn] != 0 && path[kn] != ' ')) continue;
        jx_field f = d->cols[c].field;
        if (f >= JX_F_BUDGET_TOTAL && f <= JX_F_BUDGET_INITIAL) push_money(L, v, JX_F_BUDGET_TOTAL);
        else if (f >= JX_F_ACTUAL_TOTAL && f <= JX_F_ACTUAL_CARRY) push_money(L, v, JX_F_ACTUAL_TOTAL);
        else push_cell(L, v->p->col[c]);
        return 1;
    }
    return 0;
}

/* ---- metamethods ---- */

static int project_index(lua_State *L)
{
    struct view *v = checkview(L, 1, PROJECT);
    const char *k = luaL_checkstring(L, 2);
    const jx_project *p = v->p;
    static const struct { const char *key; jx_field f; } texts[] = {
        {"name", JX_F_NAME}, {"seq", JX_F_SEQ}, {"department", JX_F_DEPT},
        {"problems", JX_F_PROBLEMS}, {"rectification", JX_F_RECTIFICATION}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (!strcmp(k, texts[i].key)) return push_cell(L, jx_project_field(p, v->doc, texts[i].f)), 1;
    if (!strcmp(k, "budget")) return push_money(L, v, JX_F_BUDGET_TOTAL), 1;
    if (!strcmp(k, "actual")) return push_money(L, v, JX_F_ACTUAL_TOTAL), 1;
    if (!strcmp(k, "rate")) return push_rate(L, v), 1;
    if (!strcmp(k, "line")) return lua_pushinteger(L, p->line), 1;
    if (!strcmp(k, "index")) return lua_pushinteger(L, p->index), 1;
    if (!strcmp(k, "kind")) return lua_pushstring(L, p->kind == JX_ROW_TOTAL ? "total" : "project"), 1;
    if (!strcmp(k, "goal") || !strcmp(k, "indicators") || !strcmp(k, "repair") || !strcmp(k, "cells") ||
        !strcmp(k, "cols") || !strcmp(k, "extra") || !strcmp(k, "source")) {
        jx_l_push_project(L, v->doc, p);
        lua_getfield(L, -1, k);
        return 1;
    }
    if (push_by_label(L, v, k)) return 1;
    lua_pushnil(L);
    return 1;
}

static int project_tostring(lua_State *L)
{
    struct view *v = luaL_checkudata(L, 1, PROJECT);
    if (!v->live) return lua_pushstring(L, "jixiao.Project (closed)"), 1;
    const jx_cell *name = jx_project_field(v->p, v->doc, JX_F_NAME);
    lua_pushfstring(L, "jixiao.Project (line %d: %s)", (int)v->p->line, name->s);
    return 1;
}

/* doc[i] for a loaded document: the i-th row (project or total) as a view
 * that keeps the document alive through its user value. */
static int push_row(lua_State *L, struct view *v, int doc, lua_Integer i)
{
    if (!v->store || i < 1 || i > v->store->n) return lua_pushnil(L), 1;
    jx_l_push_projectview(L, v->doc, v->store->rows[i - 1]);
    lua_pushvalue(L, doc);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

static int document_projects_iter(lua_State *L)
{
    struct view *v = checkview(L, 1, DOCUMENT);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (!v->store || i > v->store->n) return 0;
    lua_pushinteger(L, i);
    push_row(L, v, 1, i);
    return 2;
}

/* for i, p in doc:projects() do … end */
static int document_projects(lua_State *L)
{
    checkview(L, 1, DOCUMENT);
    lua_pushcfunction(L, document_projects_iter);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int document_index(lua_State *L)
{
    struct view *v = checkview(L, 1, DOCUMENT);
    if (lua_type(L, 2) == LUA_TNUMBER) return push_row(L, v, 1, luaL_checkinteger(L, 2));
    const char *k = luaL_checkstring(L, 2);
    if (!strcmp(k, "projects")) return lua_pushcfunction(L, document_projects), 1;
    if (!strcmp(k, "totals") && v->store) {
        jx_totals t;
        jx_totals_init(&t);
        for (int i = 0; i < v->store->n; i++) jx_totals_add(&t, v->store->rows[i], v->doc);
        lua_createtable(L, 0, 4);
        lua_pushinteger(L, t.projects);
        lua_setfield(L, -2, "projects");
        jx_l_pushdec(L, t.budget);
        lua_setfield(L, -2, "budget");
        jx_l_pushdec(L, t.actual);
        lua_setfield(L, -2, "actual");
        jx_dec r;
        if (jx_rate_of(t.actual, t.budget, 2, &r) == 0) {
            jx_l_pushdec(L, r);
            lua_setfield(L, -2, "rate");
        }
        return 1;
    }
    jx_l_push_doc(L, v->doc);
    lua_getfield(L, -1, k);
    return 1;
}

static int document_len(lua_State *L)
{
    struct view *v = checkview(L, 1, DOCUMENT);
    lua_pushinteger(L, v->store ? v->store->n : 0);
    return 1;
}

static int document_gc(lua_State *L)
{
    struct view *v = luaL_checkudata(L, 1, DOCUMENT);
    jx_store_free(v->store);
    v->store = NULL;
    v->live = 0;
    return 0;
}

static int document_tostring(lua_State *L)
{
    struct view *v = luaL_checkudata(L, 1, DOCUMENT);
    if (!v->live) return lua_pushstring(L, "jixiao.Document (closed)"), 1;
    lua_pushfstring(L, "jixiao.Document (%s)", v->doc->source);
    return 1;
}

/* ---- registration ---- */

static const luaL_Reg project_meta[] = {{"__index", project_index}, {"__tostring", project_tostring}, {NULL, NULL}};
static const luaL_Reg document_meta[] = {{"__index", document_index}, {"__len", document_len},
                                         {"__tostring", document_tostring}, {"__gc", document_gc},
                                         {"__close", document_gc}, {NULL, NULL}};

void jx_l_project_register(lua_State *L)
{
    /* Amounts are Decimals: make sure their metatable exists. */
    luaL_requiref(L, "jixiao.decimal", luaopen_jixiao_decimal, 0);
    lua_pop(L, 1);
    if (luaL_newmetatable(L, PROJECT)) luaL_setfuncs(L, project_meta, 0);
    lua_pop(L, 1);
    if (luaL_newmetatable(L, DOCUMENT)) luaL_setfuncs(L, document_meta, 0);
    lua_pop(L, 1);
}

void jx_l_push_docview(lua_State *L, const jx_doc *d)
{
    struct view *v = lua_newuserdatauv(L, sizeof *v, 0);
    *v = (struct view){d, NULL, 1, NULL};
    luaL_setmetatable(L, DOCUMENT);
}

void jx_l_push_loaded(lua_State *L, jx_store *s)
{
    struct view *v = lua_newuserdatauv(L, sizeof *v, 0);
    *v = (struct view){jx_store_doc(s), NULL, 1, s};
    luaL_setmetatable(L, DOCUMENT);
}

void jx_l_push_projectview(lua_State *L, const jx_doc *d, const jx_project *p)
{
    struct view *v = lua_newuserdatauv(L, sizeof *v, 1);
    *v = (struct view){d, p, 1, NULL};
    luaL_setmetatable(L, PROJECT);
}

void jx_l_unbind(lua_State *L, int idx)
{
    struct view *v = lua_touserdata(L, idx);
    if (v) v->live = 0;
}
