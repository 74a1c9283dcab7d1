/* jx.check and jx.score (see l_check.h), and what the commands jixiao check
 * and jixiao score share with them: the Lua half of a check run
 * (lua/jixiao/check.lua driven beside the C rules of check_rules.c), and the
 * scoring engine's results written as JSON or built as Lua tables from one
 * description of the fields, so the two cannot disagree. */
#include "l_check.h"

#include <string.h>

#include "l_decimal.h"
#include "l_model.h"
#include "lauxlib.h"
#include "lhost.h"

#define BOX "jixiao.CheckRun"

/* ================================================================ the check engine's Lua half */

int jx_l_check_load_rules(lua_State *L, int run, jx_rules *rs, const char *path)
{
    jx_err err = {0};
    run = lua_absindex(L, run);
    int base = lua_gettop(L);
    if (jx_lua_loadfile(L, path, &err) < 0) {
        lua_pushstring(L, err.msg);
        return -1;
    }
    lua_call(L, 0, 1);
    int list = lua_gettop(L);
    lua_getfield(L, run, "add_rules");
    lua_pushvalue(L, run);
    lua_pushvalue(L, list);
    lua_pushstring(L, path);
    lua_createtable(L, 0, rs->n);
    for (int i = 0; i < rs->n; i++) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, rs->v[i].id);
    }
    lua_call(L, 4, 2);
    if (lua_isnil(L, -2)) goto fail; /* the message is on top */
    lua_pop(L, 1);
    int desc = lua_gettop(L);
    for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, desc); i <= n; i++) {
        lua_rawgeti(L, desc, i);
        lua_getfield(L, -1, "id");
        lua_getfield(L, -2, "severity");
        lua_getfield(L, -3, "doc");
        jx_sev sev = JX_SEV_WARNING;
        if (lua_type(L, -2) == LUA_TSTRING) jx_sev_parse(lua_tostring(L, -2), &sev);
        if (jx_rules_add(rs, lua_tostring(L, -3), sev, lua_tostring(L, -1), &err) < 0) {
            lua_pushfstring(L, "%s: %s", path, err.msg);
            goto fail;
        }
        lua_pop(L, 4);
    }
    lua_settop(L, base);
    return 0;
fail:
    lua_replace(L, base + 1);
    lua_settop(L, base + 1);
    return -1;
}

void jx_l_check_text_where(lua_State *L, jx_rules *rs)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "jixiao.check");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "builtin_in_c");
    lua_call(L, 0, 1);
    if (!lua_toboolean(L, -1)) jx_rules_text_in_lua(rs);
    lua_pop(L, 2);
}

void jx_l_check_configure(lua_State *L, int run, const jx_rules *rs)
{
    run = lua_absindex(L, run);
    lua_getfield(L, run, "configure");
    lua_pushvalue(L, run);
    lua_newtable(L);
    for (int i = 0; i < rs->n; i++) {
        if (!rs->v[i].lua || !rs->v[i].enabled) continue;
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, rs->v[i].id);
    }
    lua_call(L, 2, 0);
}

void jx_l_check_hook(lua_State *L, int run, int doc, jx_check *ck, const jx_doc *d, const jx_project *p,
                     const jx_l_rows *live)
{
    run = lua_absindex(L, run), doc = lua_absindex(L, doc);
    luaL_checkstack(L, 8, "check");
    lua_getfield(L, run, p ? "project" : "document");
    lua_pushvalue(L, run);
    if (p) jx_l_push_project(L, d, p);
    lua_pushvalue(L, doc);
    lua_call(L, p ? 3 : 2, 2);
    if (live && *live->serial != live->mine) luaL_error(L, "jx.check: a rule closed the document being checked");
    /* Strings stay on the stack while copied; a finding belongs to ck as soon
     * as it exists, so an error raised midway leaks nothing. */
    int fi = lua_gettop(L) - 1;
    for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, fi); i <= n; i++) {
        lua_rawgeti(L, fi, i);
        lua_getfield(L, -1, "rule");
        lua_getfield(L, -2, "column");
        lua_getfield(L, -3, "text");
        lua_getfield(L, -4, "message");
        size_t tlen = 0;
        const char *rule = lua_type(L, -4) == LUA_TSTRING ? lua_tostring(L, -4) : NULL;
        lua_Integer col = lua_isinteger(L, -3) ? lua_tointeger(L, -3) : 0;
        const char *text = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &tlen) : NULL;
        const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        if (rule)
            jx_check_add(ck, rule, d, p, 0, col >= 1 && col <= d->ncols ? (int)col - 1 : -1, text, tlen, "%s", msg);
        lua_pop(L, 5);
    }
    lua_remove(L, fi);
}

/* ================================================================ jx.check */

/* What a call owns in C memory, in a userdata whose __gc frees it, so that
 * raising at any point leaks nothing. */
struct box {
    jx_rules rules;
    jx_check ck;
    int ready;
};

static int box_gc(lua_State *L)
{
    struct box *b = luaL_checkudata(L, 1, BOX);
    if (b->ready) {
        jx_check_free(&b->ck);
        jx_rules_free(&b->rules);
        b->ready = 0;
    }
    return 0;
}

static struct box *new_box(lua_State *L)
{
    struct box *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    if (luaL_newmetatable(L, BOX)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    jx_err err = {0};
    if (jx_rules_init(&b->rules, &err) < 0) luaL_error(L, "jx.check: %s", err.msg);
    jx_check_init(&b->ck, &b->rules);
    b->ready = 1;
    return b;
}

/* The settings, applied in this order once the rules files are loaded: what
 * is disabled first, so that a re-levelled rule is on (as on the command
 * line, where --error after --disable switches a rule back on). */
static const struct {
    const char *key;
    int disable;
    jx_sev sev;
} levels[] = {{"disable", 1, JX_SEV_INFO}, {"info", 0, JX_SEV_INFO}, {"warning", 0, JX_SEV_WARNING},
              {"error", 0, JX_SEV_ERROR}};

/* A string, or a list of strings; raises otherwise. */
static void check_ids(lua_State *L, int v, const char *key, const char *what)
{
    if (lua_type(L, v) == LUA_TSTRING) return;
    if (lua_type(L, v) == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, v), i = 1;
        for (; i <= n && lua_rawgeti(L, v, i) == LUA_TSTRING; i++) lua_pop(L, 1);
        if (i > n) return;
    }
    luaL_error(L, "bad option %s (%s or a list of them expected)", key, what);
}

/* Checks the options table at idx (none or nil: no options). */
static void check_opts(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        size_t i = 0;
        while (i < sizeof levels / sizeof levels[0] && strcmp(k, levels[i].key) != 0) i++;
        if (i < sizeof levels / sizeof levels[0]) check_ids(L, lua_gettop(L), k, "a rule id");
        else if (!strcmp(k, "rules")) check_ids(L, lua_gettop(L), k, "a path");
        else luaL_error(L, "unknown option '%s' (disable, error, warning, info, rules)", k);
        lua_pop(L, 1);
    }
}

/* Pushes the i-th string of option key (a string is a list of one) and
 * returns it; pushes nothing and returns NULL past the end. */
static const char *opt_item(lua_State *L, int opts, const char *key, lua_Integer i)
{
    if (!opts) return NULL;
    int t = lua_getfield(L, opts, key);
    if (t == LUA_TTABLE && lua_rawgeti(L, -1, i) == LUA_TSTRING) {
        lua_remove(L, -2);
        return lua_tostring(L, -1);
    }
    if (t == LUA_TTABLE) lua_pop(L, 1);
    else if (t == LUA_TSTRING && i == 1) return lua_tostring(L, -1);
    lua_pop(L, 1);
    return NULL;
}

static int load_one(lua_State *L)
{
    if (jx_l_check_load_rules(L, 1, lua_touserdata(L, 2), lua_tostring(L, 3)) == 0) lua_pushnil(L);
    return 1;
}

/* Loads the rules file at path, protected: 0, or -1 with the message pushed
 * (a file that cannot be used, or that raised while it ran). */
static int load_rules(lua_State *L, int run, jx_rules *rs, const char *path)
{
    lua_pushcfunction(L, load_one);
    lua_pushvalue(L, run);
    lua_pushlightuserdata(L, rs);
    lua_pushstring(L, path);
    int st = lua_pcall(L, 3, 1, 0);
    if (st == LUA_ERRMEM) lua_error(L);
    if (st == LUA_OK && lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    return -1;
}

/* Sets t[k] = s for the table on top, unless s is NULL. */
static void set_str(lua_State *L, const char *k, const char *s)
{
    if (!s) return;
    lua_pushstring(L, s);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, long n)
{
    if (!n) return;
    lua_pushinteger(L, n);
    lua_setfield(L, -2, k);
}

/* The report being built: the findings list and the failures list at these
 * stack indices. */
struct acc {
    int list, failures;
    lua_Integer n, nfail;
    long counts[3];
    const char *file;
};

/* Moves the pending findings, sorted as jixiao check writes them, into the list. */
static void flush(lua_State *L, jx_check *ck, struct acc *a)
{
    if (ck->nomem) luaL_error(L, "jx.check: out of memory; findings were lost");
    jx_check_sort(ck);
    for (int i = 0; i < ck->n; i++) {
        const jx_finding *x = &ck->v[i];
        lua_createtable(L, 0, 11);
        set_str(L, "rule", x->rule);
        set_str(L, "severity", jx_sev_name(x->severity));
        set_str(L, "file", a->file);
        set_int(L, "line", x->line);
        set_int(L, "project", x->project);
        set_str(L, "project_name", x->project_name);
        set_int(L, "column", x->column);
        set_int(L, "cell", x->cell);
        set_str(L, "column_path", x->column_path);
        set_str(L, "text", x->text);
        set_str(L, "message", x->message);
        lua_rawseti(L, a->list, ++a->n);
        a->counts[x->severity]++;
    }
    jx_check_clear(ck);
}

/* Moves the failures jx_l_check_hook left on top into the failures list,
 * each with the line of the row it failed on. */
static void take_failures(lua_State *L, struct acc *a, const jx_project *p)
{
    int f = lua_gettop(L);
    for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, f); i <= n; i++) {
        lua_rawgeti(L, f, i);
        if (p) set_int(L, "line", p->line);
        lua_rawseti(L, a->failures, ++a->nfail);
    }
    lua_pop(L, 1);
}

/* How many of the document's diagnostics the reader raised with the header:
 * jixiao check reports those before the rows and the rest after them. */
static int header_diags(const jx_doc *d)
{
    int n = 0;
    while (n < d->ndiags && d->diags[n].line <= d->header_last_line) n++;
    return n;
}

/* Runs every enabled rule over the rows of v into a, as jixiao check does
 * over a file: the document's rules, each row's, then what the reader said
 * after the rows. A Project view gets its row's rules only. */
static void check_rows(lua_State *L, const jx_l_rows *v, struct box *b, int run, int lua_on, struct acc *a)
{
    jx_check *ck = &b->ck;
    jx_doc hd = *v->d;
    int doc = 0;
    if (v->p) {
        jx_check_project(ck, v->d, v->p);
        if (lua_on) {
            jx_l_push_doc(L, v->d);
            jx_l_check_hook(L, run, lua_gettop(L), ck, v->d, v->p, v);
            take_failures(L, a, v->p);
        }
        flush(L, ck, a);
        return;
    }
    hd.ndiags = header_diags(v->d);
    jx_check_doc_begin(ck, &hd);
    if (lua_on) {
        jx_l_push_doc(L, &hd);
        doc = lua_gettop(L);
        jx_l_check_hook(L, run, doc, ck, &hd, NULL, v);
        take_failures(L, a, NULL);
    }
    flush(L, ck, a);
    for (int i = 0; i < v->store->n; i++) {
        if (*v->serial != v->mine) luaL_error(L, "jx.check: the document was closed while it was being checked");
        const jx_project *p = v->store->rows[i];
        jx_check_project(ck, v->d, p);
        if (lua_on) {
            jx_l_check_hook(L, run, doc, ck, v->d, p, v);
            take_failures(L, a, p);
        }
        flush(L, ck, a);
    }
    if (*v->serial != v->mine) luaL_error(L, "jx.check: the document was closed while it was being checked");
    jx_check_doc_end(ck, v->d);
    flush(L, ck, a);
}

int jx_l_check(lua_State *L)
{
    jx_l_rows v;
    int opts = 2;
    if (!jx_l_view_rows(L, 1, &v)) luaL_typeerror(L, 1, "jixiao.Document");
    if (v.p) {
        jx_l_rows dv;
        if (jx_l_view_rows(L, 2, &dv)) {
            luaL_argcheck(L, !dv.p && dv.d == v.d, 2, "the project's own document expected");
            opts = 3;
        }
    } else if (!v.store) {
        luaL_error(L, "jx.check: a streamed document holds no rows; check each row with jx.check(p) in "
                      "project(p, doc), or read the whole table with jx.load");
    }
    check_opts(L, opts);
    lua_settop(L, opts);
    if (lua_isnil(L, opts)) opts = 0;
    struct box *b = new_box(L);
    int box = lua_gettop(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "jixiao.check");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "new_run");
    lua_call(L, 0, 1);
    int run = lua_gettop(L);
    const char *path;
    for (lua_Integer i = 1; (path = opt_item(L, opts, "rules", i)) != NULL; i++) {
        int rc = load_rules(L, run, &b->rules, path);
        lua_remove(L, rc < 0 ? -2 : -1); /* the path */
        if (rc < 0) {
            lua_pushnil(L);
            lua_insert(L, -2);
            lua_pushcfunction(L, box_gc);
            lua_pushvalue(L, box);
            lua_call(L, 1, 0);
            return 2;
        }
    }
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        const char *ids;
        for (lua_Integer i = 1; (ids = opt_item(L, opts, levels[k].key, i)) != NULL; i++) {
            jx_err err = {0};
            if (jx_rules_apply(&b->rules, ids, levels[k].disable, levels[k].sev, &err) < 0)
                luaL_error(L, "bad option %s: %s", levels[k].key, err.msg);
            lua_pop(L, 1);
        }
    }
    jx_l_check_text_where(L, &b->rules);
    int lua_on = jx_rules_lua_enabled(&b->rules);
    if (lua_on) jx_l_check_configure(L, run, &b->rules);

    struct acc a = {0};
    a.file = v.d->source;
    lua_createtable(L, 0, 4); /* the report */
    int report = lua_gettop(L);
    lua_newtable(L);
    a.list = lua_gettop(L);
    lua_newtable(L);
    a.failures = lua_gettop(L);
    check_rows(L, &v, b, run, lua_on, &a);
    lua_settop(L, a.failures);
    if (a.nfail) lua_setfield(L, report, "failures");
    else lua_pop(L, 1);
    lua_setfield(L, report, "findings");
    lua_createtable(L, 0, 3);
    static const char *const sev_keys[] = {"info", "warning", "error"};
    for (int s = JX_SEV_INFO; s <= JX_SEV_ERROR; s++) {
        lua_pushinteger(L, a.counts[s]);
        lua_setfield(L, -2, sev_keys[s]);
    }
    lua_setfield(L, report, "counts");
    lua_pushboolean(L, a.counts[JX_SEV_ERROR] == 0 && a.nfail == 0);
    lua_setfield(L, report, "valid");
    lua_pushcfunction(L, box_gc);
    lua_pushvalue(L, box);
    lua_call(L, 1, 0);
    return 1;
}

/* ================================================================ the scoring engine's results */

/* Where a result goes: JSON through w, or (w NULL) into the Lua table at
 * stack index dst. One description of the fields (the spec strings below)
 * serves both, so jx.score returns what jixiao score --format json writes. */
struct out {
    lua_State *L;
    jx_jsonw *w;
    int dst;
};

typedef void (*each_fn)(struct out *, int);

/* A decimal text ("16.67") as a number, exactly as the engine wrote it:
 * written, or pushed as a Decimal. Text that is not a decimal stays text. */
static void put_dec(struct out *o, const char *s, size_t n)
{
    jx_dec d;
    int ok = jx_dec_parse(s, n, &d) == 1;
    if (o->w) {
        if (ok) jx_jsonw_dec(o->w, d);
        else jx_jsonw_str(o->w, s, n);
    } else if (ok) {
        jx_l_pushdec(o->L, d);
    } else {
        lua_pushlstring(o->L, s, n);
    }
}

/* A new object: begun in JSON, or pushed and made the destination. */
static void obj_begin(struct out *o)
{
    if (o->w) jx_jsonw_obj(o->w);
    else lua_newtable(o->L), o->dst = lua_gettop(o->L);
}

/* Field k of the table at t by its kind: 's' text, 'n' decimal text as a
 * number, 'i' integer, 'b' boolean, 'l' list of texts, 'd' list of decimal
 * texts. A field that is absent (or of another type) is left out. */
static void field(struct out *o, int t, char kind, const char *k)
{
    lua_State *L = o->L;
    int type = lua_getfield(L, t, k), v = lua_gettop(L);
    size_t n = 0;
    if (type == LUA_TNIL || (kind == 'b' && type != LUA_TBOOLEAN) || (kind == 'i' && type != LUA_TNUMBER) ||
        ((kind == 'l' || kind == 'd') && type != LUA_TTABLE) || (strchr("sn", kind) && type != LUA_TSTRING)) {
        lua_pop(L, 1);
        return;
    }
    if (o->w) jx_jsonw_key(o->w, k);
    const char *s = type == LUA_TSTRING ? lua_tolstring(L, v, &n) : NULL;
    if (kind == 's') {
        if (o->w) jx_jsonw_str(o->w, s, n);
        else lua_pushvalue(L, v);
    } else if (kind == 'n') {
        put_dec(o, s, n);
    } else if (kind == 'i') {
        if (o->w) jx_jsonw_int(o->w, (long long)lua_tointeger(L, v));
        else lua_pushinteger(L, lua_tointeger(L, v));
    } else if (kind == 'b') {
        if (o->w) jx_jsonw_bool(o->w, lua_toboolean(L, v));
        else lua_pushboolean(L, lua_toboolean(L, v));
    } else {
        lua_Integer j = 0;
        if (o->w) jx_jsonw_arr(o->w);
        else lua_newtable(L);
        for (lua_Integer i = 1, len = luaL_len(L, v); i <= len; i++) {
            lua_rawgeti(L, v, i);
            if ((s = lua_tolstring(L, -1, &n)) != NULL) {
                if (kind == 'd') put_dec(o, s, n);
                else if (o->w) jx_jsonw_str(o->w, s, n);
                else lua_pushlstring(L, s, n);
                if (!o->w) lua_rawseti(L, v + 1, ++j);
            }
            lua_pop(L, 1);
        }
        if (o->w) jx_jsonw_end_arr(o->w);
    }
    if (!o->w) lua_setfield(L, o->dst, k);
    lua_pop(L, 1);
}

/* The fields named in spec, in its order: "s:name n:weight …". */
static void fields(struct out *o, int t, const char *spec)
{
    char key[32];
    while (*spec) {
        char kind = spec[0];
        const char *k = spec + 2, *end = strchr(k, ' ');
        size_t len = end ? (size_t)(end - k) : strlen(k);
        if (len >= sizeof key) len = sizeof key - 1;
        memcpy(key, k, len);
        key[len] = 0;
        field(o, t, kind, key);
        spec = end ? end + 1 : k + len;
    }
}

/* Field k, a table, as an object (list = 0) or a list of objects, each
 * written by each; an empty items list is left out. */
static void nested(struct out *o, int t, const char *k, int list, each_fn each)
{
    lua_State *L = o->L;
    luaL_checkstack(L, 8, "scoring output");
    if (lua_getfield(L, t, k) == LUA_TTABLE && (!list || luaL_len(L, -1) > 0 || strcmp(k, "items") != 0)) {
        int v = lua_gettop(L), dst = o->dst;
        if (o->w) jx_jsonw_key(o->w, k);
        if (!list) {
            obj_begin(o);
            each(o, v);
            if (o->w) jx_jsonw_end_obj(o->w);
            else lua_setfield(L, dst, k);
        } else {
            if (o->w) jx_jsonw_arr(o->w);
            else lua_newtable(L);
            int lst = lua_gettop(L);
            for (lua_Integer i = 1, n = luaL_len(L, v); i <= n; i++) {
                lua_rawgeti(L, v, i);
                obj_begin(o);
                each(o, lst + 1);
                if (o->w) jx_jsonw_end_obj(o->w);
                else lua_rawseti(L, lst, i);
                lua_pop(L, 1);
            }
            if (o->w) jx_jsonw_end_arr(o->w);
            else lua_setfield(L, dst, k);
        }
        o->dst = dst;
    }
    lua_pop(L, 1);
}

static void e_flag(struct out *o, int t) { fields(o, t, "s:level s:code s:message"); }
static void e_stated(struct out *o, int t) { fields(o, t, "n:weight n:score n:total b:agrees"); }
static void e_item(struct out *o, int t) { fields(o, t, "i:n s:target n:weight n:score s:rule s:tier s:explanation"); }
static void e_block(struct out *o, int t) { fields(o, t, "s:level1 n:weight n:score i:indicators"); }
static void e_band(struct out *o, int t) { fields(o, t, "s:grade n:min"); }
static void e_tier(struct out *o, int t) { fields(o, t, "s:tier n:low n:high n:point"); }
static void e_reading(struct out *o, int t) { fields(o, t, "s:reported s:shortfall s:late"); }
static void e_exec_rule(struct out *o, int t) { fields(o, t, "n:weight b:cap n:explain_below"); }

static void e_indicator(struct out *o, int t)
{
    fields(o, t, "s:level1 s:level2 s:key s:block s:target s:result n:weight n:nominal_weight n:score s:rule "
                 "s:tier d:band s:dropped s:guess");
    nested(o, t, "items", 1, e_item);
    nested(o, t, "stated", 0, e_stated);
    fields(o, t, "s:explanation");
}

static void e_execution(struct out *o, int t)
{
    fields(o, t, "n:weight n:score n:rate s:rate_source b:capped");
    nested(o, t, "stated", 0, e_stated);
    fields(o, t, "s:explanation");
}

void jx_l_score_project(lua_State *L, int t, jx_jsonw *w)
{
    struct out o = {L, w, 0};
    t = lua_absindex(L, t);
    obj_begin(&o);
    fields(&o, t, "i:line i:index s:seq s:name n:total s:grade s:explanation s:weights");
    nested(&o, t, "execution", 0, e_execution);
    nested(&o, t, "blocks", 1, e_block);
    nested(&o, t, "indicators", 1, e_indicator);
    nested(&o, t, "stated", 0, e_stated);
    fields(&o, t, "l:notes");
    nested(&o, t, "flags", 1, e_flag);
    if (w) jx_jsonw_end_obj(w);
}

void jx_l_score_profile(lua_State *L, int t, jx_jsonw *w)
{
    struct out o = {L, w, 0};
    t = lua_absindex(L, t);
    obj_begin(&o);
    fields(&o, t, "s:name s:title n:total");
    nested(&o, t, "execution", 0, e_exec_rule);
    nested(&o, t, "blocks", 1, e_block);
    fields(&o, t, "s:split");
    nested(&o, t, "bands", 1, e_band);
    nested(&o, t, "tiers", 1, e_tier);
    nested(&o, t, "reading", 0, e_reading);
    fields(&o, t, "s:reverse n:over s:not_applicable");
    if (w) jx_jsonw_end_obj(w);
}

void jx_l_score_doc_fields(lua_State *L, int t, jx_jsonw *w)
{
    struct out o = {L, w, lua_gettop(L)};
    fields(&o, lua_absindex(L, t), "s:source s:title i:year s:department s:unit");
}

void jx_l_score_summary(lua_State *L, int desc, const jx_score_tally *t, const char *stop, jx_jsonw *w)
{
    desc = lua_absindex(L, desc);
    lua_getfield(L, desc, "grades");
    int grades = lua_gettop(L);
    lua_Integer ng = luaL_len(L, grades);
    if (ng > JX_SCORE_GRADES) ng = JX_SCORE_GRADES;
    const char *weights = t->weights_table && t->weights_profile ? "mixed" : t->weights_table ? "table" : "profile";
    if (w) {
        jx_jsonw_obj(w);
        jx_jsonw_lkey(w, "projects");
        jx_jsonw_int(w, t->projects);
        jx_jsonw_lkey(w, "grades");
        jx_jsonw_obj(w);
        for (lua_Integer i = 1; i <= ng; i++) {
            lua_rawgeti(L, grades, i);
            jx_jsonw_key(w, lua_tostring(L, -1));
            jx_jsonw_int(w, t->grades[i - 1]);
            lua_pop(L, 1);
        }
        jx_jsonw_end_obj(w);
        jx_jsonw_lkey(w, "weights");
        jx_jsonw_cstr(w, weights);
        jx_jsonw_lkey(w, "errors");
        jx_jsonw_int(w, t->errors);
        if (stop) {
            jx_jsonw_lkey(w, "error");
            jx_jsonw_cstr(w, stop);
        }
        jx_jsonw_end_obj(w);
    } else {
        lua_createtable(L, 0, 5);
        lua_pushinteger(L, t->projects);
        lua_setfield(L, -2, "projects");
        lua_createtable(L, 0, (int)ng);
        for (lua_Integer i = 1; i <= ng; i++) {
            lua_rawgeti(L, grades, i);
            lua_pushinteger(L, t->grades[i - 1]);
            lua_settable(L, -3);
        }
        lua_setfield(L, -2, "grades");
        set_str(L, "weights", weights);
        lua_pushinteger(L, t->errors);
        lua_setfield(L, -2, "errors");
        set_str(L, "error", stop);
    }
    lua_remove(L, grades);
}

void jx_l_score_row(lua_State *L, int mod, int prof, int desc, int doc, int lay, int p, jx_score_tally *t)
{
    mod = lua_absindex(L, mod), prof = lua_absindex(L, prof), desc = lua_absindex(L, desc);
    doc = lua_absindex(L, doc), lay = lua_absindex(L, lay), p = lua_absindex(L, p);
    luaL_checkstack(L, 8, "scoring");
    if (lua_isnil(L, lay)) {
        lua_getfield(L, mod, "layout");
        lua_pushvalue(L, doc);
        lua_pushvalue(L, p);
        lua_call(L, 2, 1);
        lua_replace(L, lay);
    }
    lua_getfield(L, mod, "project");
    lua_pushvalue(L, p);
    lua_pushvalue(L, doc);
    lua_pushvalue(L, prof);
    lua_pushvalue(L, lay);
    lua_call(L, 4, 1);
    int res = lua_gettop(L);
    lua_getfield(L, res, "errors");
    t->errors += (long)lua_tointeger(L, -1);
    lua_getfield(L, res, "grade");
    lua_getfield(L, desc, "grades");
    for (lua_Integer i = 1, k = luaL_len(L, -1); lua_type(L, -2) == LUA_TSTRING && i <= k && i <= JX_SCORE_GRADES;
         i++) {
        lua_rawgeti(L, -1, i);
        if (lua_rawequal(L, -1, -3)) t->grades[i - 1]++;
        lua_pop(L, 1);
    }
    lua_settop(L, res);
    lua_getfield(L, res, "weights");
    const char *w = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (w && !strcmp(w, "table")) t->weights_table++;
    else t->weights_profile++;
    lua_pop(L, 1);
    t->projects++;
}

/* ================================================================ jx.score */

int jx_l_score(lua_State *L)
{
    jx_l_rows v;
    if (!jx_l_view_rows(L, 1, &v)) luaL_typeerror(L, 1, "jixiao.Document");
    int pt = lua_type(L, 2);
    luaL_argexpected(L, pt == LUA_TNONE || pt == LUA_TNIL || pt == LUA_TSTRING || pt == LUA_TTABLE, 2,
                     "profile name or table");
    if (!v.p && !v.store)
        luaL_error(L, "jx.score: a streamed document holds no rows; score each row with jx.score(p) in "
                      "project(p, doc), or read the whole table with jx.load");
    lua_settop(L, 2);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "jixiao.score");
    lua_call(L, 1, 1); /* 3: the engine */
    lua_getfield(L, 3, "profile");
    if (pt == LUA_TNONE || pt == LUA_TNIL) lua_pushliteral(L, "national");
    else lua_pushvalue(L, 2);
    lua_call(L, 1, 2);
    if (lua_isnil(L, -2))
        luaL_error(L, "jx.score: %s%s", pt == LUA_TTABLE ? "the profile is not valid: " : "", lua_tostring(L, -1));
    lua_pop(L, 1); /* 4: the profile */
    lua_getfield(L, 3, "describe");
    lua_pushvalue(L, 4);
    lua_call(L, 1, 1); /* 5: its description */
    jx_score_tally tally = {0};
    if (v.p && v.p->kind == JX_ROW_TOTAL) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: line %d is a total row (合计), not a project: it has no score", v.d->source,
                        (int)v.p->line);
        return 2;
    }
    jx_l_push_doc(L, v.d); /* 6 */
    lua_pushnil(L);        /* 7: the layout, built from the first project */
    if (v.p) {
        jx_l_push_project(L, v.d, v.p);
        jx_l_score_row(L, 3, 4, 5, 6, 7, 8, &tally);
        jx_l_score_project(L, -1, NULL);
        return 1;
    }
    lua_createtable(L, 0, 7); /* 8: the result */
    jx_l_score_doc_fields(L, 6, NULL);
    lua_newtable(L); /* 9: its projects */
    for (int i = 0, n = 0; i < v.store->n; i++) {
        if (*v.serial != v.mine) luaL_error(L, "jx.score: the document was closed while it was being scored");
        const jx_project *p = v.store->rows[i];
        if (p->kind == JX_ROW_TOTAL) continue; /* the department total is not a project */
        jx_l_push_project(L, v.d, p);
        jx_l_score_row(L, 3, 4, 5, 6, 7, 10, &tally);
        jx_l_score_project(L, -1, NULL);
        lua_rawseti(L, 9, ++n);
        lua_settop(L, 9);
    }
    lua_setfield(L, 8, "projects");
    jx_l_score_summary(L, 5, &tally, NULL, NULL);
    lua_setfield(L, 8, "summary");
    return 1;
}
