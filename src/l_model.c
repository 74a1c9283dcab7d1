/* The canonical model as Lua tables (see l_model.h). */
#include "l_model.h"

#include "lauxlib.h"
#include "l_jixiao.h"
#include "money.h"

static void set_str(lua_State *L, const char *k, const char *s, size_t n)
{
    if (!s || !n) return;
    lua_pushlstring(L, s, n);
    lua_setfield(L, -2, k);
}

static void set_cstr(lua_State *L, const char *k, const char *s)
{
    if (!s) return;
    lua_pushstring(L, s);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void set_dec(lua_State *L, const char *k, jx_dec v)
{
    char buf[JX_DEC_BUFSZ];
    int n = jx_dec_format(v, buf);
    lua_pushlstring(L, buf, (size_t)n);
    lua_setfield(L, -2, k);
}

static void set_cell(lua_State *L, const char *k, const jx_cell *c) { set_str(L, k, c->s, c->len); }

void jx_l_push_doc(lua_State *L, const jx_doc *d)
{
    lua_createtable(L, 0, 12);
    set_cstr(L, "source", d->source);
    set_cstr(L, "encoding", jx_enc_name(d->encoding));
    set_cstr(L, "title", d->title);
    if (d->year) set_int(L, "year", d->year);
    set_cstr(L, "department", d->department);
    set_cstr(L, "unit", jx_unit_name(d->unit));
    set_cstr(L, "unit_code", jx_unit_code(d->unit));
    set_int(L, "header_first_line", d->header_first_line);
    set_int(L, "header_last_line", d->header_last_line);
    lua_createtable(L, d->ncols, 0);
    for (int c = 0; c < d->ncols; c++) {
        const jx_column *col = &d->cols[c];
        lua_createtable(L, 0, 5);
        set_int(L, "index", c + 1);
        set_cstr(L, "path", col->path);
        set_cstr(L, "field", jx_field_key(col->field));
        if (col->level1) set_cstr(L, "level1", jx_level1_name(col->level1));
        if (col->level2) set_cstr(L, "level2", jx_level2_name(col->level2));
        lua_rawseti(L, -2, c + 1);
    }
    lua_setfield(L, -2, "columns");
}

static void money(lua_State *L, const char *k, const jx_project *p, const jx_doc *d, jx_field base)
{
    static const char *const parts[] = {"total", "fiscal", "general", "fund", "other", "carryover"};
    jx_dec v;
    lua_createtable(L, 0, 6);
    for (int i = 0; i < 6; i++)
        if (jx_project_amount(p, d, (jx_field)(base + i), &v) == 1) set_dec(L, parts[i], v);
    if (base == JX_F_BUDGET_TOTAL && jx_project_amount(p, d, JX_F_BUDGET_INITIAL, &v) == 1) set_dec(L, "initial", v);
    lua_setfield(L, -2, k);
}

void jx_l_push_project(lua_State *L, const jx_doc *d, const jx_project *p)
{
    jx_dec v, b, a;
    jx_rate_form form;
    lua_createtable(L, 0, 20);
    set_cstr(L, "source", d->source);
    set_int(L, "line", p->line);
    set_cstr(L, "kind", p->kind == JX_ROW_TOTAL ? "total" : "project");
    if (p->index) set_int(L, "index", p->index);
    set_cell(L, "seq", jx_project_field(p, d, JX_F_SEQ));
    set_cell(L, "department", jx_project_field(p, d, JX_F_DEPT));
    set_cell(L, "name", jx_project_field(p, d, JX_F_NAME));
    money(L, "budget", p, d, JX_F_BUDGET_TOTAL);
    money(L, "actual", p, d, JX_F_ACTUAL_TOTAL);

    lua_createtable(L, 0, 3);
    const jx_cell *rc = jx_project_field(p, d, JX_F_RATE);
    set_cell(L, "text", rc);
    if (jx_rate_parse(rc->s, rc->len, &v, &form) == 1) set_dec(L, "percent", v);
    if (jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &b) == 1 && jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &a) == 1 &&
        jx_rate_of(a, b, 2, &v) == 0)
        set_dec(L, "computed", v);
    if (d->fieldcol[JX_F_RATE] >= 0) set_int(L, "column", d->fieldcol[JX_F_RATE] + 1);
    lua_setfield(L, -2, "rate");

    lua_createtable(L, 0, 2);
    set_cell(L, "target", jx_project_field(p, d, JX_F_GOAL_TARGET));
    set_cell(L, "result", jx_project_field(p, d, JX_F_GOAL_RESULT));
    lua_setfield(L, -2, "goal");

    lua_createtable(L, d->ninds, 0);
    for (int i = 0; i < d->ninds; i++) {
        const jx_ind_slot *s = &d->inds[i];
        lua_createtable(L, 0, 7);
        set_cstr(L, "level1", jx_level1_name(s->level1));
        set_cstr(L, "level2", jx_level2_name(s->level2));
        lua_pushfstring(L, "%s.%s", jx_level1_key(s->level1), jx_level2_key(s->level2));
        lua_setfield(L, -2, "key");
        if (s->target_col >= 0) {
            set_cell(L, "target", p->col[s->target_col]);
            set_int(L, "target_col", s->target_col + 1);
        }
        if (s->result_col >= 0) {
            set_cell(L, "result", p->col[s->result_col]);
            set_int(L, "result_col", s->result_col + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "indicators");
    set_cell(L, "problems", jx_project_field(p, d, JX_F_PROBLEMS));
    set_cell(L, "rectification", jx_project_field(p, d, JX_F_RECTIFICATION));

    lua_createtable(L, p->ncells, 0);
    for (int i = 0; i < p->ncells; i++) {
        lua_pushlstring(L, p->cells[i].s, p->cells[i].len);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "cells");
    lua_createtable(L, p->ncols, 0);
    for (int c = 0; c < p->ncols; c++) {
        lua_pushlstring(L, p->col[c]->s, p->col[c]->len);
        lua_rawseti(L, -2, c + 1);
    }
    lua_setfield(L, -2, "cols");
    lua_newtable(L);
    for (int c = 0; c < d->ncols; c++)
        if (d->cols[c].field == JX_F_UNKNOWN && p->col[c]->len) set_cell(L, d->cols[c].path, p->col[c]);
    lua_setfield(L, -2, "extra");
    if (p->repair) {
        jx_l_push_repair(L, d, p); /* the same record the project views give */
        lua_setfield(L, -2, "repair");
    }
}
