/* jixiao.indicator_core: the C reading of indicator cells (indicator.h) as
 * the very tables lua/jixiao/indicator.lua's parse, find_dates and
 * has_operator return. jixiao.indicator calls it while no script has
 * extended its grammar; tests compare the two on every cell they have. */
#include <math.h>

#include "indicator_int.h"
#include "l_jixiao.h"
#include "lauxlib.h"

#define CELL "jixiao.IndicatorCell"

/* ---- checkers ---- */

/* The text argument of fname: a string and nothing else, refused in
 * indicator.lua's words (a number is not taken for its text, and a missing
 * argument is "nil"). */
static const char *check_text(lua_State *L, const char *fname, size_t *len)
{
    int tt = lua_type(L, 1);
    if (tt != LUA_TSTRING)
        luaL_error(L, "bad argument #1 to '%s' (string expected, got %s)", fname,
                   tt == LUA_TNONE ? "nil" : lua_typename(L, tt));
    return lua_tolstring(L, 1, len);
}

/* The module's reusable cell, upvalue 1 of every function. */
static jx_icell *cell_of(lua_State *L) { return (jx_icell *)lua_touserdata(L, lua_upvalueindex(1)); }

/* Raises the memory error Lua itself would; the cell holds nothing live. */
static int nomem(lua_State *L)
{
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);
}

/* ---- building the tables ---- */

static void set_span(lua_State *L, const jx_icell *c, const char *k, int s, int e)
{
    lua_pushlstring(L, c->text + s, (size_t)(e - s));
    lua_setfield(L, -2, k);
}

static void set_true(lua_State *L, const char *k)
{
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, k);
}

/* A number as Lua holds it: an integer beyond 2^53 is read again from its
 * text, which the double cannot carry exactly. */
static void push_number(lua_State *L, const jx_icell *c, const jx_imention *m)
{
    if (!m->number_int) lua_pushnumber(L, m->number);
    else if (fabs(m->number) < 9007199254740992.0) lua_pushinteger(L, (lua_Integer)m->number);
    else lua_pushinteger(L, (lua_Integer)jx_ind_intval(c->text + m->val_s, m->val_e - m->val_s));
}

static void push_ymd(lua_State *L, const jx_ymd *d)
{
    lua_createtable(L, 0, 3);
    if (d->year) jx_l_set_int(L, "year", d->year);
    jx_l_set_int(L, "month", d->month);
    jx_l_set_int(L, "day", d->day);
}

/* make_date's table: year, month, day, quarter, period, year_only, first, last. */
static void push_date(lua_State *L, const jx_idate *d)
{
    lua_createtable(L, 0, 6);
    if (d->year) jx_l_set_int(L, "year", d->year);
    if (d->month) jx_l_set_int(L, "month", d->month);
    if (d->day) jx_l_set_int(L, "day", d->day);
    if (d->quarter) jx_l_set_int(L, "quarter", d->quarter);
    if (d->period) jx_l_set_cstr(L, "period", d->period);
    if (d->year_only) set_true(L, "year_only");
    push_ymd(L, &d->first);
    lua_setfield(L, -2, "first");
    push_ymd(L, &d->last);
    lua_setfield(L, -2, "last");
}

/* An entry of item.values: a quantity, a date or a qualitative word. */
static void push_mention(lua_State *L, const jx_icell *c, const jx_imention *m)
{
    lua_createtable(L, 0, 10);
    jx_l_set_cstr(L, "kind", jx_ik_name(m->kind));
    if (m->has_date) {
        push_date(L, &m->date);
        lua_setfield(L, -2, "date");
    }
    if (m->op) jx_l_set_cstr(L, "op", jx_iop_code(m->op));
    if (m->op_s >= 0) set_span(L, c, "op_text", m->op_s, m->op_e);
    if (m->val_s >= 0) {
        lua_pushlstring(L, c->text + m->val_s, (size_t)(m->val_e - m->val_s));
        if (m->mult) {
            lua_pushstring(L, m->mult);
            lua_concat(L, 2);
        }
        lua_setfield(L, -2, "value");
    }
    if (m->has_number) {
        push_number(L, c, m);
        lua_setfield(L, -2, "number");
    }
    if (m->unit) jx_l_set_cstr(L, "unit", m->unit);
    if (m->unit_s >= 0) set_span(L, c, "unit_text", m->unit_s, m->unit_e);
    if (m->approx) set_true(L, "approx");
    if (m->deadline) set_true(L, "deadline");
    if (m->qual) {
        jx_l_set_cstr(L, "qual", m->qual);
        jx_l_set_cstr(L, "meaning", m->meaning);
        if (m->tier) jx_l_set_cstr(L, "tier", m->tier);
    }
    set_span(L, c, "text", m->pos, m->epos);
    jx_l_set_int(L, "pos", m->pos + 1);
    jx_l_set_int(L, "epos", m->epos + 1);
}

/* The fields an item takes from its best value, copied from that value's table. */
static const char *const from_best[] = {"kind", "op", "value", "number", "unit", "unit_text", "approx", "date"};

static void push_item(lua_State *L, const jx_icell *c, const jx_iitem *it)
{
    lua_createtable(L, 0, 16);
    if (it->n) jx_l_set_int(L, "n", it->n);
    set_span(L, c, "text", it->s, it->e);
    jx_l_set_cstr(L, "kind", jx_ik_name(it->kind));
    lua_createtable(L, it->nm, 0);
    for (int k = 0; k < it->nm; k++) {
        push_mention(L, c, &c->ms[it->m0 + k]);
        lua_rawseti(L, -2, k + 1);
    }
    if (it->best >= 0) {
        lua_rawgeti(L, -1, it->best - it->m0 + 1);
        for (size_t k = 0; k < sizeof from_best / sizeof from_best[0]; k++) {
            lua_getfield(L, -1, from_best[k]);
            lua_setfield(L, -4, from_best[k]);
        }
        lua_pop(L, 1);
    }
    lua_setfield(L, -2, "values");
    if (it->qual) {
        lua_pushlstring(L, it->qual, (size_t)it->qual_len);
        lua_setfield(L, -2, "qual");
    }
    if (it->meaning) jx_l_set_cstr(L, "meaning", it->meaning);
    if (it->tier) jx_l_set_cstr(L, "tier", it->tier);
    if (it->subj_s >= 0) set_span(L, c, "subject", it->subj_s, it->subj_e);
}

/* ---- functions ---- */

/* parse(text) -> { text =, numbered = true|nil, prefix =, items = { … } } */
static int l_parse(lua_State *L)
{
    size_t len;
    const char *text = check_text(L, "parse", &len);
    jx_icell *c = cell_of(L);
    if (jx_ind_parse(c, text, len) < 0) return nomem(L);
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "text");
    if (c->numbered) set_true(L, "numbered");
    if (c->prefix_s >= 0) set_span(L, c, "prefix", c->prefix_s, c->prefix_e);
    lua_createtable(L, c->nitems, 0);
    for (int k = 0; k < c->nitems; k++) {
        push_item(L, c, &c->items[k]);
        lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, -2, "items");
    return 1;
}

/* find_dates(text) -> { {year=, month=, day=, year_only=, period=, first=, last=,
 * deadline=, text=, pos=}, … } */
static int l_find_dates(lua_State *L)
{
    size_t len;
    const char *text = check_text(L, "find_dates", &len);
    jx_icell *c = cell_of(L);
    if (jx_ind_find_dates(c, text, len) < 0) return nomem(L);
    lua_createtable(L, c->nms, 0);
    for (int k = 0; k < c->nms; k++) {
        const jx_imention *m = &c->ms[k];
        const jx_idate *d = &m->date;
        lua_createtable(L, 0, 10);
        if (d->year) jx_l_set_int(L, "year", d->year);
        if (d->month) jx_l_set_int(L, "month", d->month);
        if (d->day) jx_l_set_int(L, "day", d->day);
        if (d->year_only) set_true(L, "year_only");
        if (d->period) jx_l_set_cstr(L, "period", d->period);
        push_ymd(L, &d->first);
        lua_setfield(L, -2, "first");
        push_ymd(L, &d->last);
        lua_setfield(L, -2, "last");
        if (m->deadline) set_true(L, "deadline");
        set_span(L, c, "text", m->pos, m->epos);
        jx_l_set_int(L, "pos", m->pos + 1);
        lua_rawseti(L, -2, k + 1);
    }
    return 1;
}

/* has_operator(text) -> true when the text is written like a target */
static int l_has_operator(lua_State *L)
{
    size_t len;
    const char *text = check_text(L, "has_operator", &len);
    int r = jx_ind_has_operator(cell_of(L), text, len);
    if (r < 0) return nomem(L);
    lua_pushboolean(L, r);
    return 1;
}

/* ---- metamethods ---- */

/* __gc and __close of the module's cell. */
static int cell_gc(lua_State *L)
{
    jx_icell_free((jx_icell *)luaL_checkudata(L, 1, CELL));
    return 0;
}

/* ---- registration ---- */

static const luaL_Reg funcs[] = {
    {"parse", l_parse},
    {"find_dates", l_find_dates},
    {"has_operator", l_has_operator},
    {NULL, NULL},
};

static const luaL_Reg cell_meta[] = {
    {"__gc", cell_gc},
    {"__close", cell_gc},
    {NULL, NULL},
};

int luaopen_jixiao_indicator_core(lua_State *L)
{
    luaL_newlibtable(L, funcs);
    jx_icell *c = (jx_icell *)lua_newuserdatauv(L, sizeof *c, 0);
    jx_icell_init(c);
    if (luaL_newmetatable(L, CELL)) luaL_setfuncs(L, cell_meta, 0);
    lua_setmetatable(L, -2);
    luaL_setfuncs(L, funcs, 1);
    return 1;
}
