/* The fields of a project row as Lua values, one at a time (see
 * l_jixiao.h): amounts as Decimals, texts as strings, and the map from
 * header labels to columns that lets scripts write p["项目名称"]. */
#include <string.h>

#include "l_decimal.h"
#include "l_jixiao.h"
#include "l_json.h"
#include "lauxlib.h"
#include "money.h"

/* ---- amounts, rates, indicators, repairs ---- */

void jx_l_push_text(lua_State *L, const jx_cell *c)
{
    if (c->len) lua_pushlstring(L, c->s, c->len);
    else lua_pushnil(L);
}

void jx_l_set_text(lua_State *L, const char *k, const jx_cell *c)
{
    if (!c->len) return;
    lua_pushlstring(L, c->s, c->len);
    lua_setfield(L, -2, k);
}

void jx_l_set_cstr(lua_State *L, const char *k, const char *s)
{
    if (!s) return;
    lua_pushstring(L, s);
    lua_setfield(L, -2, k);
}

void jx_l_set_int(lua_State *L, const char *k, lua_Integer n)
{
    lua_pushinteger(L, n);
    lua_setfield(L, -2, k);
}

int jx_l_is_money(jx_field f) { return f >= JX_F_BUDGET_TOTAL && f <= JX_F_ACTUAL_CARRY; }

/* One layout column as a value: an amount as a Decimal, anything else as text. */
void jx_l_push_column(lua_State *L, const jx_doc *d, const jx_project *p, int c)
{
    const jx_cell *cell = p->col[c];
    jx_dec v;
    if (jx_l_is_money(d->cols[c].field) && jx_project_col_amount(p, c, &v) == 1) jx_l_pushdec(L, v);
    else jx_l_push_text(L, cell);
}

static const char *const amount_parts[] = {"total", "fiscal", "general", "fund", "other", "carryover", "initial"};

/* Streaming builds two of these tables per row: the part names are Lua
 * strings kept in the registry (under amount_parts' address), which spares
 * interning a C string for every key. */
void jx_l_push_amounts(lua_State *L, const jx_doc *d, const jx_project *p, jx_field base)
{
    int n = base == JX_F_BUDGET_TOTAL ? 7 : 6, present = 0;
    for (int i = 0; i < n; i++) present += d->fieldcol[base + i] >= 0;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, amount_parts) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 7, 0);
        for (int i = 0; i < 7; i++) {
            lua_pushstring(L, amount_parts[i]);
            lua_rawseti(L, -2, i + 1);
        }
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, amount_parts);
    }
    int names = lua_gettop(L);
    lua_createtable(L, 0, present);
    for (int i = 0; i < n; i++) {
        jx_dec v;
        if (d->fieldcol[base + i] < 0 || jx_project_amount(p, d, (jx_field)(base + i), &v) != 1) continue;
        lua_rawgeti(L, names, i + 1);
        jx_l_pushdec(L, v);
        lua_rawset(L, -3);
    }
    lua_remove(L, names);
}

void jx_l_push_rate(lua_State *L, const jx_doc *d, const jx_project *p)
{
    jx_dec pct, a, b;
    jx_rate_form form;
    const jx_cell *c = jx_project_field(p, d, JX_F_RATE);
    lua_createtable(L, 0, 4);
    jx_l_set_text(L, "text", c);
    if (jx_rate_parse(c->s, c->len, &pct, &form) == 1) {
        jx_l_pushdec(L, pct);
        lua_setfield(L, -2, "percent");
    }
    if (jx_project_amount(p, d, JX_F_BUDGET_TOTAL, &b) == 1 &&
        jx_project_amount(p, d, JX_F_ACTUAL_TOTAL, &a) == 1 && jx_rate_of(a, b, 2, &pct) == 0) {
        jx_l_pushdec(L, pct);
        lua_setfield(L, -2, "computed");
    }
    if (d->fieldcol[JX_F_RATE] >= 0) jx_l_set_int(L, "column", d->fieldcol[JX_F_RATE] + 1);
}

void jx_l_push_indicators(lua_State *L, const jx_doc *d, const jx_project *p)
{
    lua_createtable(L, d->ninds, 0);
    for (int i = 0; i < d->ninds; i++) {
        const jx_ind_slot *s = &d->inds[i];
        lua_createtable(L, 0, 7);
        jx_l_set_cstr(L, "level1", jx_level1_name(s->level1));
        jx_l_set_cstr(L, "level2", jx_level2_name(s->level2));
        lua_pushfstring(L, "%s.%s", jx_level1_key(s->level1), jx_level2_key(s->level2));
        lua_setfield(L, -2, "key");
        if (s->target_col >= 0) {
            jx_l_set_text(L, "target", p->col[s->target_col]);
            jx_l_set_int(L, "target_col", s->target_col + 1);
        }
        if (s->result_col >= 0) {
            jx_l_set_text(L, "result", p->col[s->result_col]);
            jx_l_set_int(L, "result_col", s->result_col + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
}

/* A new list of n elements; an empty one is marked json.array_mt, so that
 * jixiao.json writes it as [] like the JSON model does, not as {}. */
static void new_list(lua_State *L, int n)
{
    lua_createtable(L, n, 0);
    if (n > 0) return;
    luaL_requiref(L, "jixiao.json", luaopen_jixiao_json, 0);
    lua_getfield(L, -1, "array_mt");
    lua_setmetatable(L, -3);
    lua_pop(L, 1);
}

void jx_l_push_repair(lua_State *L, const jx_doc *d, const jx_project *p)
{
    const jx_repair *r = p->repair;
    if (!r) {
        lua_pushnil(L);
        return;
    }
    lua_createtable(L, 0, 4);
    jx_l_set_cstr(L, "status", r->certain ? "certain" : "guess");
    jx_l_set_int(L, "observed_cells", r->observed);
    new_list(L, r->nmoves);
    for (int i = 0; i < r->nmoves; i++) {
        const jx_move *m = &r->moves[i];
        lua_createtable(L, 0, 6);
        jx_l_set_int(L, "cell", m->cell + 1);
        jx_l_set_int(L, "column", m->col + 1);
        jx_l_set_cstr(L, "path", d->cols[m->col].path);
        jx_l_set_text(L, "text", &p->cells[m->cell]);
        lua_pushboolean(L, m->certain);
        lua_setfield(L, -2, "certain");
        new_list(L, m->nalt);
        for (int a = 0; a < m->nalt; a++) {
            lua_pushinteger(L, m->alt[a] + 1);
            lua_rawseti(L, -2, a + 1);
        }
        lua_setfield(L, -2, "alternatives");
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "moves");
    new_list(L, r->ngaps);
    for (int i = 0; i < r->ngaps; i++) {
        lua_createtable(L, 0, 3);
        jx_l_set_int(L, "column", r->gaps[i].col + 1);
        jx_l_set_cstr(L, "path", d->cols[r->gaps[i].col].path);
        lua_pushboolean(L, r->gaps[i].certain);
        lua_setfield(L, -2, "certain");
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "empty");
}

void jx_l_push_columns(lua_State *L, const jx_doc *d)
{
    lua_createtable(L, d->ncols, 0);
    for (int c = 0; c < d->ncols; c++) {
        const jx_column *col = &d->cols[c];
        lua_createtable(L, 0, 5);
        jx_l_set_int(L, "index", c + 1);
        jx_l_set_cstr(L, "path", col->path);
        jx_l_set_cstr(L, "field", jx_field_key(col->field));
        if (col->level1) jx_l_set_cstr(L, "level1", jx_level1_name(col->level1));
        if (col->level2) jx_l_set_cstr(L, "level2", jx_level2_name(col->level2));
        lua_rawseti(L, -2, c + 1);
    }
}

void jx_l_push_diags(lua_State *L, const jx_diag *g, int n)
{
    static const char *const levels[] = {"info", "warning", "error"};
    new_list(L, n);
    for (int i = 0; i < n; i++) {
        lua_createtable(L, 0, 5);
        jx_l_set_cstr(L, "level", levels[g[i].level]);
        jx_l_set_int(L, "line", g[i].line);
        if (g[i].col) jx_l_set_int(L, "column", g[i].col);
        jx_l_set_cstr(L, "code", g[i].code);
        jx_l_set_cstr(L, "message", g[i].msg);
        lua_rawseti(L, -2, i + 1);
    }
}

/* Pushes a Project's table field `id` (nil for a row that has none). */

/* ---- header labels as keys ---- */
/* Synonymous labels (DOMAIN §4): a label the document lacks reads as the
 * first of its group that the document has, else as the group's field. */
static const struct { jx_field field; const char *labels[6]; } synonyms[] = {
    {JX_F_BUDGET_TOTAL, {"项目年度预算金额", "年初预算数", "预算数", "预算金额"}},
    {JX_F_BUDGET_TOTAL, {"全年预算数", "调整后预算数", "年度预算数"}},
    {JX_F_ACTUAL_TOTAL, {"实际支出金额", "全年执行数", "预算执行数", "执行数", "实际支出"}},
    {JX_F_RATE, {"预算支出执行率", "预算执行率", "执行率"}},
    {JX_F_PROBLEMS, {"项目执行中存在的问题", "偏差原因分析及改进措施", "未完成原因分析", "存在的问题"}},
    {JX_F_RECTIFICATION, {"整改情况", "改进措施"}},
    {JX_F_NAME, {"项目名称", "项目"}},
    {JX_F_SEQ, {"序号"}},
};

/* map[key] = value unless the key (or, folded, its folded form) is taken. */
static void label_set(lua_State *L, int map, const char *key, size_t n)
{
    char f[512];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            size_t fn = jx_fold(key, n, f, sizeof f);
            if (fn == n && memcmp(f, key, n) == 0) break;
            key = f, n = fn;
        }
        lua_pushlstring(L, key, n);
        if (lua_rawget(L, map) == LUA_TNIL) {
            lua_pushlstring(L, key, n);
            lua_pushvalue(L, -3);
            lua_rawset(L, map);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

const char *jx_l_top_end(const char *path)
{
    const char *s = strstr(path, " / ");
    return s ? s : path + strlen(path);
}

/* Builds the Document's label map: a whole path, a last label or (failing
 * both) a top label or synonym maps to a column number, to "budget" or
 * "actual" for a money group, or to a list of column numbers for any other
 * group. Earlier columns win. */
void jx_l_push_labels(lua_State *L, const jx_doc *d)
{
    lua_newtable(L);
    int map = lua_gettop(L);
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < d->ncols; c++) {
            const char *path = d->cols[c].path, *last = strrchr(path, '/');
            const char *key = pass == 0 || !last ? path : last + 2;
            lua_pushinteger(L, c + 1);
            label_set(L, map, key, strlen(key));
        }
    for (int c = 0; c < d->ncols; c++) {
        const char *path = d->cols[c].path, *end = jx_l_top_end(path);
        if (!*end) continue;
        int n = 0, money = 1;
        lua_newtable(L);
        for (int k = 0; k < d->ncols; k++) {
            const char *q = d->cols[k].path;
            if (strncmp(q, path, (size_t)(end - path)) != 0 || strncmp(q + (end - path), " / ", 3) != 0) continue;
            money &= jx_l_is_money(d->cols[k].field);
            lua_pushinteger(L, k + 1);
            lua_rawseti(L, -2, ++n);
        }
        if (money) {
            lua_pop(L, 1);
            lua_pushstring(L, d->cols[c].field >= JX_F_ACTUAL_TOTAL ? "actual" : "budget");
        }
        label_set(L, map, path, (size_t)(end - path));
    }
    for (size_t g = 0; g < sizeof synonyms / sizeof synonyms[0]; g++) {
        const char *const *ls = synonyms[g].labels;
        int i = 0;
        while (ls[i] && lua_getfield(L, map, ls[i]) == LUA_TNIL) lua_pop(L, 1), i++;
        if (!ls[i]) {
            jx_field f = synonyms[g].field;
            if (d->fieldcol[f] < 0) continue;
            if (f == JX_F_BUDGET_TOTAL) lua_pushstring(L, "budget");
            else if (f == JX_F_ACTUAL_TOTAL) lua_pushstring(L, "actual");
            else lua_pushinteger(L, d->fieldcol[f] + 1);
        }
        for (int k = 0; ls[k]; k++) {
            lua_pushvalue(L, -1);
            label_set(L, map, ls[k], strlen(ls[k]));
        }
        lua_pop(L, 1);
    }
}
