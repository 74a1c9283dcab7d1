/* jixiao score: recomputes self-evaluation scores under a scoring profile.
 * The rules live in lua/jixiao/score.lua and the profiles in lua/jixiao/profiles.lua; this
 * file reads the tables, hands each project to the engine and writes what it returns, with
 * how every score was reached, as text or JSON. */
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "cmd.h"
#include "each.h"
#include "jsonw.h"
#include "l_check.h"
#include "l_model.h"
#include "lauxlib.h"
#include "lhost.h"

static const char help[] =
    "usage: jixiao score [OPTIONS] FILE...\n"
    "\n"
    "Recomputes each project's self-evaluation score under a scoring profile: the execution\n"
    "score from the recomputed rate, a score per indicator by the rule that applies, 不适用\n"
    "indicators dropped with their weight re-normalised, the total and the grade. Every score\n"
    "says how it was reached. A table without 分值 columns gets each 一级 block's weight split\n"
    "evenly among its indicators; a table that carries its own 分值/得分 is scored with its\n"
    "weights, and its 得分 and total are checked against the recomputed scores.\n"
    "\n"
    "options:\n"
    "  --profile NAME       national (default), platform, hebei or sichuan\n"
    "  --profile-file FILE  a Lua file returning a profile table; it may start from a named\n"
    "                       one: local p = require(\"jixiao.profiles\").copy(\"national\")\n"
    "  --list-profiles      describe the named profiles and exit\n"
    "  --format FMT         text (default) or json\n"
    "  -o, --output FILE    write to FILE atomically (nothing is written if any input fails)\n"
    "  -j, --jobs N         score the files with N worker processes (0: one per CPU); the\n"
    "                       output and messages are the same as with one, in file order\n"
    "%s"
    "\n"
    "Exit status: 0 scored; 1 a table's own 得分 or total disagrees with the recomputed score, a\n"
    "score exceeds its weight, or the table's weights do not sum to the profile's total; 2 an\n"
    "input could not be read, a profile is not valid, or bad usage.\n";

/* The engine's values sit in these slots of the outer stack between calls, and every
 * protected call receives copies in the same slots, with the run after them. */
enum { S_MOD = 1, S_PROF, S_DESC, S_DOC, S_LAYOUT, S_RUN };

struct run {
    lua_State *L;
    FILE *f;
    int json, list;
    jx_jsonw w;
    const char *profile, *profile_file;
    char setup_msg[1024]; /* why the profile could not be had (set by setup) */
    int broken;           /* the engine raised: reported, nothing more is scored */
    long docs, projects, errors;
    /* the document being scored */
    const jx_doc *doc;
    const jx_project *p;
    const char *stop;         /* the reader error that cut the document short */
    jx_score_tally doc_tally; /* the document's projects, errors, grades, weights */
};

/* ------------------------------------------------------------ reading results */

/* Pushes field k of the table at t and returns its text (NULL, still pushed, when it
 * is not a string). */
static const char *get_str(lua_State *L, int t, const char *k, size_t *n)
{
    lua_getfield(L, t, k);
    return lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, n) : NULL;
}

static long get_int(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    long v = (long)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Prints at most max characters of UTF-8 text s, then "…" if it was longer. */
static void put_short(FILE *f, const char *s, size_t n, int max)
{
    size_t i = 0;
    int chars = 0;
    while (i < n) {
        if (chars == max) {
            fputs("…", f);
            return;
        }
        size_t j = i + 1;
        while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
        fwrite(s + i, 1, j - i, f);
        chars++;
        i = j;
    }
}

/* ------------------------------------------------------------ text */

/* Prints “text” shortened, or "none" when field k is absent. */
static void t_quoted(struct run *r, int t, const char *k)
{
    size_t n;
    const char *s = get_str(r->L, t, k, &n);
    if (s && n) {
        fputs("“", r->f);
        put_short(r->f, s, n, 24);
        fputs("”", r->f);
    } else {
        fputs("none", r->f);
    }
    lua_pop(r->L, 1);
}

/* Prints "PRE the table says S: agrees|DISAGREES" for a stated {score, agrees}. */
static void t_stated(struct run *r, int t, const char *pre)
{
    lua_State *L = r->L;
    int base = lua_gettop(L);
    if (lua_getfield(L, t, "stated") == LUA_TTABLE) {
        int st = lua_gettop(L);
        size_t n;
        const char *score = get_str(L, st, "score", &n);
        lua_getfield(L, st, "agrees");
        if (score)
            fprintf(r->f, "%sthe table says %s: %s\n", pre, score, lua_toboolean(L, -1) ? "agrees" : "DISAGREES");
    }
    lua_settop(L, base);
}

static void t_indicator(struct run *r, int t)
{
    lua_State *L = r->L;
    FILE *f = r->f;
    int base = lua_gettop(L);
    size_t n;
    luaL_checkstack(L, 16, "scoring output");
    const char *name = get_str(L, t, "level2", &n);
    if (!name) name = get_str(L, t, "block", &n);
    const char *score = get_str(L, t, "score", &n);
    const char *how = get_str(L, t, "how", &n);
    if (!score) {
        fprintf(f, "     %s: %s\n", name ? name : "?", how ? how : "dropped");
        lua_settop(L, base);
        return;
    }
    const char *w = get_str(L, t, "weight", &n), *nominal = get_str(L, t, "nominal_weight", &n);
    fprintf(f, "     %s %s of %s", name ? name : "?", score, w ? w : "?");
    if (w && nominal && strcmp(w, nominal) != 0) fprintf(f, " (re-normalised from %s)", nominal);
    fputs(": target ", f);
    t_quoted(r, t, "target");
    fputs(", result ", f);
    t_quoted(r, t, "result");
    fputc('\n', f);
    lua_getfield(L, t, "items");
    int items = lua_gettop(L);
    lua_Integer nitems = lua_type(L, items) == LUA_TTABLE ? luaL_len(L, items) : 0;
    if (nitems == 0) fprintf(f, "       %s\n", how ? how : "");
    for (lua_Integer i = 1; i <= nitems; i++) {
        lua_rawgeti(L, items, i);
        int it = lua_gettop(L);
        fprintf(f, "       item %ld ", get_int(L, it, "n"));
        t_quoted(r, it, "target");
        const char *is = get_str(L, it, "score", &n), *iw = get_str(L, it, "weight", &n);
        const char *ie = get_str(L, it, "explanation", &n);
        fprintf(f, " %s of %s: %s\n", is ? is : "?", iw ? iw : "?", ie ? ie : "");
        lua_settop(L, items);
    }
    if (nitems > 0) {
        const char *guess = get_str(L, t, "guess", &n);
        if (guess) fprintf(f, "       [%s]\n", guess);
    }
    t_stated(r, t, "       ");
    lua_settop(L, base);
}

static void t_project(struct run *r, int t)
{
    lua_State *L = r->L;
    FILE *f = r->f;
    int base = lua_gettop(L);
    size_t n;
    luaL_checkstack(L, 32, "scoring output");
    const char *seq = get_str(L, t, "seq", &n);
    const char *name = get_str(L, t, "name", &n);
    const char *total = get_str(L, t, "total", &n), *grade = get_str(L, t, "grade", &n);
    if (seq && *seq) fprintf(f, "%s. ", seq);
    else fprintf(f, "%ld. ", get_int(L, t, "index"));
    fprintf(f, "%s (line %ld): %s, %s\n", name ? name : "", get_int(L, t, "line"), total ? total : "?",
            grade ? grade : "?");

    lua_getfield(L, t, "execution");
    int e = lua_gettop(L);
    const char *es = get_str(L, e, "score", &n), *ew = get_str(L, e, "weight", &n);
    const char *ex = get_str(L, e, "explanation", &n);
    fprintf(f, "   预算执行 %s of %s: %s\n", es ? es : "?", ew ? ew : "?", ex ? ex : "");
    t_stated(r, e, "     ");

    lua_getfield(L, t, "blocks");
    int blocks = lua_gettop(L);
    lua_getfield(L, t, "indicators");
    int inds = lua_gettop(L);
    lua_Integer nb = luaL_len(L, blocks), ni = luaL_len(L, inds);
    for (lua_Integer b = 1; b <= nb; b++) {
        lua_rawgeti(L, blocks, b);
        int bt = lua_gettop(L);
        const char *l1 = get_str(L, bt, "level1", &n);
        const char *bs = get_str(L, bt, "score", &n), *bw = get_str(L, bt, "weight", &n);
        fprintf(f, "   %s %s of %s\n", l1 ? l1 : "?", bs ? bs : "?", bw ? bw : "?");
        for (lua_Integer i = 1; l1 && i <= ni; i++) {
            lua_rawgeti(L, inds, i);
            int it = lua_gettop(L);
            const char *blk = get_str(L, it, "block", &n);
            if (blk && !strcmp(blk, l1)) t_indicator(r, it);
            lua_settop(L, bt);
        }
        lua_settop(L, inds);
    }
    const char *ex2 = get_str(L, t, "explanation", &n);
    fprintf(f, "   total: %s\n", ex2 ? ex2 : "");
    if (lua_getfield(L, t, "stated") == LUA_TTABLE) {
        int st = lua_gettop(L);
        const char *tot = get_str(L, st, "total", &n);
        lua_getfield(L, st, "agrees");
        if (tot) fprintf(f, "   the table's total %s: %s\n", tot, lua_toboolean(L, -1) ? "agrees" : "DISAGREES");
    }
    lua_settop(L, inds);
    lua_getfield(L, t, "notes");
    int notes = lua_gettop(L);
    for (lua_Integer i = 1, k = luaL_len(L, notes); i <= k; i++) {
        lua_rawgeti(L, notes, i);
        const char *note = lua_tostring(L, -1);
        if (note) fprintf(f, "   note: %s\n", note);
        lua_pop(L, 1);
    }
    lua_getfield(L, t, "flags");
    int flags = lua_gettop(L);
    for (lua_Integer i = 1, k = luaL_len(L, flags); i <= k; i++) {
        lua_rawgeti(L, flags, i);
        int fl = lua_gettop(L);
        const char *lv = get_str(L, fl, "level", &n), *code = get_str(L, fl, "code", &n);
        const char *msg = get_str(L, fl, "message", &n);
        fprintf(f, "   %s %s: %s\n", lv ? lv : "?", code ? code : "?", msg ? msg : "");
        lua_settop(L, flags);
    }
    fputc('\n', f);
    lua_settop(L, base);
}

/* ------------------------------------------------------------ the engine, protected */

/* Loads the engine and the profile. Results: module, profile, its description and two
 * nils (document, layout); on a profile that cannot be had, setup_msg says why. */
static int l_setup(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "jixiao.score");
    lua_call(L, 1, 1);
    if (r->list) {
        lua_getfield(L, 1, "list");
        lua_call(L, 0, 1);
        fputs(lua_tostring(L, -1), stdout);
        return 0;
    }
    lua_getfield(L, 1, "profile");
    if (r->profile_file) {
        jx_err err;
        if (jx_lua_loadfile(L, r->profile_file, &err) != 0) {
            snprintf(r->setup_msg, sizeof r->setup_msg, "%s", err.msg);
            return 0;
        }
        lua_call(L, 0, 1);
    } else {
        lua_pushstring(L, r->profile ? r->profile : "national");
    }
    lua_call(L, 1, 2);
    if (lua_isnil(L, -2)) {
        const char *msg = lua_tostring(L, -1);
        if (r->profile_file)
            snprintf(r->setup_msg, sizeof r->setup_msg, "%s: the profile is not valid: %s", r->profile_file, msg);
        else
            snprintf(r->setup_msg, sizeof r->setup_msg, "--profile: %s", msg);
        return 0;
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "describe");
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    return 5;
}

/* Calls fn with the engine's slots and the run, protected; fn returns the document and
 * layout to keep. A failure is reported once and stops all further scoring. */
static int engine(struct run *r, lua_CFunction fn)
{
    lua_State *L = r->L;
    jx_err err;
    if (r->broken) return -1;
    lua_pushcfunction(L, fn);
    for (int i = S_MOD; i < S_RUN; i++) lua_pushvalue(L, i);
    lua_pushlightuserdata(L, r);
    if (jx_lua_pcall(L, S_RUN, 2, &err) != 0) {
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "jixiao score: %s\n", msg ? msg : err.msg);
        lua_pop(L, 1);
        r->broken = 1;
        return -1;
    }
    lua_replace(L, S_LAYOUT);
    lua_replace(L, S_DOC);
    return 0;
}

static int keep(lua_State *L)
{
    lua_pushvalue(L, S_DOC);
    lua_pushvalue(L, S_LAYOUT);
    return 2;
}

static int l_begin(lua_State *L)
{
    struct run *r = lua_touserdata(L, S_RUN);
    if (r->json) {
        jx_jsonw_obj(&r->w);
        jx_jsonw_lkey(&r->w, "profile");
        jx_l_score_profile(L, S_DESC, &r->w);
        jx_jsonw_lkey(&r->w, "files");
        jx_jsonw_arr(&r->w);
    } else {
        size_t n;
        const char *name = get_str(L, S_DESC, "name", &n), *line = get_str(L, S_DESC, "line", &n);
        fprintf(r->f, "profile %s: %s\n\n", name ? name : "?", line ? line : "");
    }
    return keep(L);
}

static int l_doc(lua_State *L)
{
    struct run *r = lua_touserdata(L, S_RUN);
    jx_l_push_doc(L, r->doc);
    lua_replace(L, S_DOC);
    lua_pushnil(L);
    lua_replace(L, S_LAYOUT);
    if (r->json) {
        jx_jsonw_obj(&r->w);
        jx_l_score_doc_fields(L, S_DOC, &r->w);
        jx_jsonw_lkey(&r->w, "projects");
        jx_jsonw_arr(&r->w);
    } else {
        size_t n;
        const char *sep = "   ";
        fprintf(r->f, "== %s\n", r->doc->source ? r->doc->source : "-");
        const char *about[] = {get_str(L, S_DOC, "title", &n), get_str(L, S_DOC, "department", &n)};
        for (int i = 0; i < 2; i++) {
            if (!about[i]) continue;
            fprintf(r->f, "%s%s", sep, about[i]);
            sep = " · ";
        }
        const char *unit = get_str(L, S_DOC, "unit", &n);
        if (unit) fprintf(r->f, "%s单位 %s", sep, unit), sep = " · ";
        if (strcmp(sep, "   ") != 0) fputc('\n', r->f);
    }
    return keep(L);
}

static void t_weights(struct run *r, lua_State *L, int res)
{
    size_t n;
    const char *w = get_str(L, res, "weights", &n);
    lua_getfield(L, S_LAYOUT, "any");
    int any = lua_toboolean(L, -1);
    if (w && !strcmp(w, "table"))
        fputs("   weights: the table's own 分值; its 得分 and total are checked against the recomputed scores\n\n", r->f);
    else if (any)
        fputs("   weights: the table's 分值 columns are incomplete, so the profile's weights are used\n\n", r->f);
    else
        fputs("   weights: the table has no 分值 columns, so each 一级 block's weight is split evenly among its "
              "indicators\n\n", r->f);
    lua_pop(L, 2);
}

static int l_project(lua_State *L)
{
    struct run *r = lua_touserdata(L, S_RUN);
    jx_l_push_project(L, r->doc, r->p);
    long errors = r->doc_tally.errors;
    jx_l_score_row(L, S_MOD, S_PROF, S_DESC, S_DOC, S_LAYOUT, lua_gettop(L), &r->doc_tally);
    int res = lua_gettop(L);
    r->errors += r->doc_tally.errors - errors;
    if (r->json) jx_l_score_project(L, res, &r->w);
    else {
        if (r->doc_tally.projects == 1) t_weights(r, L, res);
        t_project(r, res);
    }
    r->projects++;
    return keep(L);
}

static int l_doc_end(lua_State *L)
{
    struct run *r = lua_touserdata(L, S_RUN);
    const jx_score_tally *t = &r->doc_tally;
    if (r->json) {
        jx_jsonw_end_arr(&r->w);
        jx_jsonw_lkey(&r->w, "summary");
        jx_l_score_summary(L, S_DESC, t, r->stop, &r->w);
        jx_jsonw_end_obj(&r->w);
    } else {
        lua_getfield(L, S_DESC, "grades");
        int grades = lua_gettop(L);
        lua_Integer ng = luaL_len(L, grades);
        if (ng > JX_SCORE_GRADES) ng = JX_SCORE_GRADES;
        const char *sep = ": ";
        fprintf(r->f, "   %ld project%s scored", t->projects, t->projects == 1 ? "" : "s");
        for (lua_Integer i = 1; i <= ng; i++) {
            if (!t->grades[i - 1]) continue;
            lua_rawgeti(L, grades, i);
            fprintf(r->f, "%s%s %ld", sep, lua_tostring(L, -1), t->grades[i - 1]);
            lua_pop(L, 1);
            sep = ", ";
        }
        fprintf(r->f, "; %ld error%s\n", t->errors, t->errors == 1 ? "" : "s");
        if (r->stop) fprintf(r->f, "   stopped early: %s\n", r->stop);
        fputc('\n', r->f);
        lua_pop(L, 1);
    }
    return keep(L);
}

/* ------------------------------------------------------------ the tables */

static int doc_begin(void *ud, const jx_doc *d)
{
    struct run *r = ud;
    r->doc = d;
    r->docs++;
    memset(&r->doc_tally, 0, sizeof r->doc_tally);
    return engine(r, l_doc) != 0;
}

static int project(void *ud, const jx_doc *d, const jx_project *p)
{
    struct run *r = ud;
    if (p->kind == JX_ROW_TOTAL) return 0; /* the department total is not a project */
    r->doc = d, r->p = p;
    return engine(r, l_project) != 0;
}

static void doc_end(void *ud, const jx_doc *d, const jx_err *err)
{
    struct run *r = ud;
    if (err) fprintf(stderr, "jixiao score: %s\n", err->msg);
    r->doc = d, r->stop = err ? err->msg : NULL;
    engine(r, l_doc_end);
    r->stop = NULL;
}

static void fail(void *ud, const char *path, const jx_err *err)
{
    struct run *r = ud;
    fprintf(stderr, "jixiao score: %s\n", err->msg);
    if (r->json && !r->broken) {
        jx_jsonw_obj(&r->w);
        jx_jsonw_lkey(&r->w, "source");
        jx_jsonw_cstr(&r->w, path);
        jx_jsonw_lkey(&r->w, "error");
        jx_jsonw_cstr(&r->w, err->msg);
        jx_jsonw_end_obj(&r->w);
    }
}

static void finish(struct run *r)
{
    if (!r->json) {
        if (r->docs > 1) fprintf(r->f, "%ld project%s scored in all; %ld error%s\n", r->projects,
                                              r->projects == 1 ? "" : "s", r->errors, r->errors == 1 ? "" : "s");
        return;
    }
    jx_jsonw_end_arr(&r->w);
    jx_jsonw_lkey(&r->w, "projects");
    jx_jsonw_int(&r->w, r->projects);
    jx_jsonw_lkey(&r->w, "errors");
    jx_jsonw_int(&r->w, r->errors);
    jx_jsonw_end_obj(&r->w);
    fputc('\n', r->f);
}

/* ------------------------------------------------------------ in worker processes (-j) */

static void w_worker(void *ud, FILE *f)
{
    struct run *r = ud;
    r->f = f;
    r->docs = r->projects = r->errors = 0;
    jx_jsonw_init(&r->w, f, 1);
    r->w.depth = 2; /* inside "files", each element after a comma */
}

static void w_record(void *ud, FILE *rec)
{
    struct run *r = ud;
    long v[4] = {r->docs, r->projects, r->errors, r->broken};
    fwrite(v, sizeof v, 1, rec);
    r->docs = r->projects = r->errors = 0;
}

static void w_merge(void *ud, jx_each_unit *u, const char *rec, size_t n)
{
    struct run *r = ud;
    long v[4];
    if (n < sizeof v) return;
    memcpy(v, rec, sizeof v);
    r->docs += v[0], r->projects += v[1], r->errors += v[2];
    r->broken |= v[3] != 0;
    int skip = r->json && r->w.first[2] ? ',' : 0; /* the first element has no comma */
    if (jx_each_unit_copy(u, r->f, skip) && r->json) r->w.first[2] = 0;
}

static void w_finish(void *ud)
{
    struct run *r = ud;
    jx_lua_close(r->L);
    r->L = NULL;
}

int jx_cmd_score(int argc, char **argv)
{
    struct run r = {0};
    jx_table_opts topts = {0};
    const char *out_path = NULL, *fmt = "text", *v;
    const char **files = (const char **)argv; /* operands, gathered by jx_cli_operand */
    int nfiles = 0, rc, only_files = 0, jobs = 1;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        if (jx_cli_operand(argv, &i, &nfiles, &only_files)) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf(help, jx_cli_reader_help);
            return 0;
        }
        if (!strcmp(a, "--list-profiles")) { r.list = 1; i++; continue; }
        if ((rc = jx_cli_opt(argc, argv, &i, "--profile-file", &v)) != 0) {
            if (rc < 0) return 2;
            r.profile_file = v;
            continue;
        }
        if ((rc = jx_cli_opt(argc, argv, &i, "--profile", &v)) != 0) {
            if (rc < 0) return 2;
            r.profile = v;
            continue;
        }
        if ((rc = jx_cli_opt(argc, argv, &i, "--format", &v)) != 0) {
            if (rc < 0) return 2;
            if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
                return jx_cli_usage("score", "--format: '%s' is not one of text, json", v);
            fmt = v;
            continue;
        }
        if ((rc = jx_cli_opt(argc, argv, &i, "--output", &v)) != 0 ||
            (rc = jx_cli_opt(argc, argv, &i, "-o", &v)) != 0) {
            if (rc < 0) return 2;
            out_path = v;
            continue;
        }
        if ((rc = jx_cli_reader_opt(argc, argv, &i, &topts)) != 0 || (rc = jx_cli_jobs(argc, argv, &i, &jobs)) != 0) {
            if (rc < 0) return 2;
            continue;
        }
        return jx_cli_usage("score", "unknown option '%s'; see 'jixiao help score'", a);
    }
    if (r.profile && r.profile_file)
        return jx_cli_usage("score", "give --profile or --profile-file, not both");
    if (!r.list && nfiles == 0)
        return jx_cli_usage("score", "no input; give one or more files, or - for standard input");
    r.json = !strcmp(fmt, "json");

    jx_err err;
    jx_atomic out = {0};
    int status = 2, failed = 0;
    lua_State *L = r.L = jx_lua_new(&err);
    if (!L) {
        fprintf(stderr, "jixiao score: %s\n", err.msg);
        return 2;
    }
    lua_pushcfunction(L, l_setup);
    lua_pushlightuserdata(L, &r);
    if (jx_lua_pcall(L, 1, S_RUN - 1, &err) != 0) {
        fprintf(stderr, "jixiao score: %s\n", lua_tostring(L, -1));
        goto done;
    }
    if (r.setup_msg[0]) {
        fprintf(stderr, "jixiao score: %s\n", r.setup_msg);
        goto done;
    }
    if (r.list) {
        status = 0;
        goto done;
    }
    r.f = stdout;
    if (out_path) {
        if (jx_atomic_open(&out, out_path, &err) < 0) {
            fprintf(stderr, "jixiao score: %s\n", err.msg);
            goto done;
        }
        r.f = out.f;
    }
    jx_jsonw_init(&r.w, r.f, 1);
    engine(&r, l_begin);
    jx_each_hooks h = {&r, doc_begin, project, doc_end, fail};
    jx_each_merge m = {w_worker, w_record, w_merge, w_finish};
    if (!r.broken) failed = jx_each_table_jobs(files, nfiles, jobs, &topts, &h, &m);
    if (!r.broken) finish(&r);
    status = failed || r.broken ? 2 : r.errors ? 1 : 0;
    if (out_path) {
        if (status == 2) {
            jx_atomic_abort(&out);
            fprintf(stderr, "jixiao score: %s not written: %s\n", out_path,
                    r.broken ? "scoring stopped" : "an input could not be read");
        } else if (jx_atomic_commit(&out, &err) < 0) {
            fprintf(stderr, "jixiao score: %s\n", err.msg);
            status = 2;
        }
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "jixiao score: cannot write to standard output\n");
        status = 2;
    }
done:
    if (r.L) jx_lua_close(r.L);
    return status;
}
