/* jixiao check: runs the reviewers' checks over tables and
 * reports the findings. Money and structure rules run in C (check_rules.c);
 * rules on indicator texts run in lua/jixiao/check.lua, in one Lua state that
 * is created only once an enabled Lua rule has a table to read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "check.h"
#include "cli.h"
#include "cmd.h"
#include "each.h"
#include "l_check.h"
#include "l_model.h"
#include "lauxlib.h"
#include "lhost.h"

static const char help[] =
    "usage: jixiao check [OPTIONS] FILE...\n"
    "\n"
    "Runs the reviewers' checks on each table: money that does not add up (合计 vs its parts,\n"
    "printed vs recomputed execution rate, total rows), spending against a zero budget or over\n"
    "it, low execution without a reason, 元/万元 slips, dates outside the evaluated year,\n"
    "results written like targets, vague or not-applicable indicators, satisfaction measured\n"
    "by complaints, and the ragged rows the reader repaired. Each finding names the file, line,\n"
    "project and column, quotes the cell and says what to do. See --list-rules.\n"
    "\n"
    "options:\n"
    "  --format FMT         text (default: grouped by file and project, counts at the end) or\n"
    "                       json ({valid, counts, files, findings}; schema in the README)\n"
    "  -o, --output FILE    write the report to FILE atomically\n"
    "  --disable RULES      switch rules off (repeatable; RULES may be a comma list)\n"
    "  --error RULES        report these rules as errors (also --warning, --info)\n"
    "  --rules FILE.lua     add the rules FILE.lua returns: a list of\n"
    "                       {id=, severity=, doc=, project=function(p, doc, report)}\n"
    "  --list-rules         print every rule: id, severity (or off), where it runs (c, lua,\n"
    "                       user) and what it finds; then exit\n"
    "  -j, --jobs N         check the files with N worker processes (0: one per CPU); the\n"
    "                       report and messages are the same as with one, in file order\n"
    "%s"
    "\n"
    "Exit status: 0 no error-level findings, 1 findings at error level, 2 an input could not be\n"
    "read, a rule failed, or bad usage.\n";

/* One --disable/--error/--warning/--info, applied once every rule is known. */
struct setting {
    const char *opt, *list;
    int disable;
    jx_sev sev;
};

struct run {
    jx_rules rules;
    jx_check ck;
    jx_check_out out;
    lua_State *L;
    int run;      /* registry reference of the run of jixiao.check (check.new_run()) */
    int doc;      /* registry reference of the current document's table */
    int lua_dead; /* the state could not be set up: Lua rules are skipped */
    int broken;   /* a rule failed or findings were lost: the run is not valid */
    int projects; /* project rows of the current document */
};

/* Lua states this command created, so tests can see that none is made when
 * every Lua rule is off. */
static int lua_states;

int jx_check_lua_states(void) { return lua_states; }

/* ---- the Lua side: every entry runs inside jx_lua_pcall ---- */

struct call {
    struct run *r;
    const jx_doc *d;
    const jx_project *p;
    const char *path;
};

/* Pushes the run of jixiao.check this command drives. */
static int push_run(lua_State *L, struct run *r)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->run);
    return lua_gettop(L);
}

static int l_setup(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "jixiao.check");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "new_run");
    lua_call(L, 0, 1);
    r->run = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* run:configure{[id] = true} for every enabled Lua rule. */
static int l_configure(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    jx_l_check_text_where(L, &r->rules);
    jx_l_check_configure(L, push_run(L, r), &r->rules);
    return 0;
}

/* Runs a --rules file and registers the rules it returns. Returns true, or
 * nil and a message for a file that cannot be used. */
static int l_load_rules(lua_State *L)
{
    struct call *c = lua_touserdata(L, 1);
    if (jx_l_check_load_rules(L, push_run(L, c->r), &c->r->rules, c->path) < 0) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* Reports the rules that failed (the list on top), once each: they are
 * switched off, and the run is not valid. */
static void report_failures(lua_State *L, struct call *c)
{
    int fa = lua_gettop(L);
    int n = (int)lua_rawlen(L, fa);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, fa, i);
        lua_getfield(L, -1, "rule");
        lua_getfield(L, -2, "message");
        if (c->p)
            fprintf(stderr, "jixiao check: rule '%s' failed on %s line %ld and is switched off: %s\n",
                    lua_tostring(L, -2), c->d->source, c->p->line, lua_tostring(L, -1));
        else
            fprintf(stderr, "jixiao check: rule '%s' failed on %s and is switched off: %s\n", lua_tostring(L, -2),
                    c->d->source, lua_tostring(L, -1));
        c->r->broken = 1;
        lua_pop(L, 3);
    }
    lua_pop(L, 1);
}

static int l_document(lua_State *L)
{
    struct call *c = lua_touserdata(L, 1);
    jx_l_push_doc(L, c->d);
    lua_pushvalue(L, -1);
    c->r->doc = luaL_ref(L, LUA_REGISTRYINDEX);
    int doc = lua_gettop(L);
    jx_l_check_hook(L, push_run(L, c->r), doc, &c->r->ck, c->d, NULL, NULL);
    report_failures(L, c);
    return 0;
}

static int l_project(lua_State *L)
{
    struct call *c = lua_touserdata(L, 1);
    int run = push_run(L, c->r);
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->r->doc);
    jx_l_check_hook(L, run, lua_gettop(L), &c->r->ck, c->d, c->p, NULL);
    report_failures(L, c);
    return 0;
}

static int l_document_end(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    luaL_unref(L, LUA_REGISTRYINDEX, r->doc);
    r->doc = LUA_NOREF;
    return 0;
}

/* Calls fn(ud) protected. A failure (out of memory, a bug in check.lua) is
 * reported once and turns the Lua rules off for the rest of the run. */
static int protected(struct run *r, lua_CFunction fn, void *ud, const char *what)
{
    jx_err err = {0};
    lua_pushcfunction(r->L, fn);
    lua_pushlightuserdata(r->L, ud);
    if (jx_lua_pcall(r->L, 1, 0, &err) == 0) return 0;
    fprintf(stderr, "jixiao check: %s: %s\n", what, lua_tostring(r->L, -1));
    lua_pop(r->L, 1);
    r->lua_dead = 1;
    r->broken = 1;
    return -1;
}

/* The state, created on first need; NULL when it cannot be. */
static lua_State *need_lua(struct run *r)
{
    if (r->L || r->lua_dead) return r->L;
    jx_err err = {0};
    r->L = jx_lua_new(&err);
    if (!r->L) {
        fprintf(stderr, "jixiao check: cannot start Lua for the indicator rules: %s\n", err.msg);
        r->lua_dead = 1;
        r->broken = 1;
        return NULL;
    }
    lua_states++;
    r->run = r->doc = LUA_NOREF;
    if (protected(r, l_setup, r, "loading jixiao.check") < 0 ||
        protected(r, l_configure, r, "configuring the rules") < 0)
        return NULL;
    return r->L;
}

/* ---- the loop over tables ---- */

static void flush(struct run *r, const jx_doc *d)
{
    if (r->ck.nomem) {
        fprintf(stderr, "jixiao check: %s: out of memory, some findings were lost\n", d->source);
        r->ck.nomem = 0;
        r->broken = 1;
    }
    jx_check_sort(&r->ck);
    jx_check_out_findings(&r->out, d, r->ck.v, r->ck.n);
    jx_check_clear(&r->ck);
}

static int lua_on(struct run *r) { return jx_rules_lua_enabled(&r->rules) && need_lua(r) && !r->lua_dead; }

static int doc_begin(void *ud, const jx_doc *d)
{
    struct run *r = ud;
    r->projects = 0;
    jx_check_out_doc_begin(&r->out, d);
    jx_check_doc_begin(&r->ck, d);
    if (lua_on(r)) {
        struct call c = {r, d, NULL, NULL};
        protected(r, l_document, &c, d->source);
    }
    flush(r, d);
    return 0;
}

static int project(void *ud, const jx_doc *d, const jx_project *p)
{
    struct run *r = ud;
    r->projects += p->kind == JX_ROW_PROJECT;
    jx_check_project(&r->ck, d, p);
    if (r->L && !r->lua_dead && jx_rules_lua_enabled(&r->rules)) {
        struct call c = {r, d, p, NULL};
        protected(r, l_project, &c, d->source);
    }
    flush(r, d);
    return 0;
}

static void doc_end(void *ud, const jx_doc *d, const jx_err *err)
{
    struct run *r = ud;
    if (err) fprintf(stderr, "jixiao check: %s\n", err->msg);
    jx_check_doc_end(&r->ck, d);
    if (r->L && !r->lua_dead && r->doc != LUA_NOREF) protected(r, l_document_end, r, d->source);
    flush(r, d);
    jx_check_out_doc_end(&r->out, d, r->projects, err ? err->msg : NULL);
}

static void fail(void *ud, const char *path, const jx_err *err)
{
    struct run *r = ud;
    fprintf(stderr, "jixiao check: %s\n", err->msg);
    jx_check_out_fail(&r->out, path, err->msg);
}

/* ---- in worker processes (-j) ---- */

static void worker(void *ud, FILE *f)
{
    struct run *r = ud;
    jx_check_out_worker(&r->out, f);
}

static void record(void *ud, FILE *rec)
{
    struct run *r = ud;
    fputc(r->broken, rec);
    jx_check_out_record(&r->out, rec);
}

static void merge(void *ud, jx_each_unit *u, const char *rec, size_t n)
{
    struct run *r = ud;
    if (n == 0) return;
    r->broken |= rec[0];
    jx_check_out_merge(&r->out, u, rec + 1, n - 1);
}

static void finish(void *ud)
{
    struct run *r = ud;
    if (r->L) jx_lua_close(r->L);
    r->L = NULL;
    jx_check_free(&r->ck);
    jx_rules_free(&r->rules);
}

static void list_rules(const jx_rules *rs)
{
    for (int i = 0; i < rs->n; i++) {
        const jx_rule *x = &rs->v[i];
        printf("%-24s %-8s %-4s %s\n", x->id, x->enabled ? jx_sev_name(x->severity) : "off",
               x->user ? "user" : x->lua ? "lua" : "c", x->doc);
    }
}

/* ---- the command ---- */

/* Options; files are gathered at the front of argv. Returns 0 to go on, -1
 * when the help was shown, or 2 for bad usage (the message printed). */
static int options(int argc, char **argv, jx_table_opts *topts, jx_check_format *fmt, const char **out_path,
                   struct setting *set, int *nset, const char **rfiles, int *nrfiles, int *list, int *nfiles,
                   int *jobs)
{
    const char *v;
    int r, only_files = 0;
    for (int i = 1; i < argc;) {
        const char *a = argv[i];
        if (jx_cli_operand(argv, &i, nfiles, &only_files)) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf(help, jx_cli_reader_help);
            return -1;
        }
        if (!strcmp(a, "--list-rules")) { *list = 1; i++; continue; }
        if ((r = jx_cli_opt(argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0) return 2;
            if (jx_check_format_parse(v, fmt) < 0)
                return jx_cli_usage("check", "--format: '%s' is not one of text, json", v);
            continue;
        }
        if ((r = jx_cli_opt(argc, argv, &i, "--output", &v)) != 0 || (r = jx_cli_opt(argc, argv, &i, "-o", &v)) != 0) {
            if (r < 0) return 2;
            *out_path = v;
            continue;
        }
        if ((r = jx_cli_opt(argc, argv, &i, "--rules", &v)) != 0) {
            if (r < 0) return 2;
            rfiles[(*nrfiles)++] = v;
            continue;
        }
        static const struct { const char *opt; int disable; jx_sev sev; } levels[] = {
            {"--disable", 1, JX_SEV_INFO}, {"--error", 0, JX_SEV_ERROR},
            {"--warning", 0, JX_SEV_WARNING}, {"--info", 0, JX_SEV_INFO}};
        int took = 0;
        for (size_t k = 0; k < sizeof levels / sizeof levels[0] && !took; k++) {
            if ((r = jx_cli_opt(argc, argv, &i, levels[k].opt, &v)) == 0) continue;
            if (r < 0) return 2;
            set[(*nset)++] = (struct setting){levels[k].opt, v, levels[k].disable, levels[k].sev};
            took = 1;
        }
        if (took) continue;
        if ((r = jx_cli_reader_opt(argc, argv, &i, topts)) != 0 || (r = jx_cli_jobs(argc, argv, &i, jobs)) != 0) {
            if (r < 0) return 2;
            continue;
        }
        return jx_cli_usage("check", "unknown option '%s'; see 'jixiao help check'", a);
    }
    return 0;
}

int jx_cmd_check(int argc, char **argv)
{
    jx_table_opts topts = {0};
    jx_check_format fmt = JX_CHECK_TEXT;
    const char *out_path = NULL;
    struct setting *set = calloc((size_t)argc, sizeof *set);
    const char **rfiles = calloc((size_t)argc, sizeof *rfiles);
    int nset = 0, nrfiles = 0, list = 0, nfiles = 0, status = 0, jobs = 1;
    struct run r = {0};
    jx_err err = {0};
    jx_atomic atom = {0};
    FILE *f = stdout;
    r.run = r.doc = LUA_NOREF;
    if (!set || !rfiles) {
        fprintf(stderr, "jixiao check: out of memory\n");
        free(set), free(rfiles);
        return 2;
    }
    status = options(argc, argv, &topts, &fmt, &out_path, set, &nset, rfiles, &nrfiles, &list, &nfiles, &jobs);
    if (status) {
        free(set), free(rfiles);
        return status < 0 ? 0 : status;
    }
    if (!list && nfiles == 0) {
        free(set), free(rfiles);
        return jx_cli_usage("check", "no input; give one or more files, or - for standard input");
    }
    if (jx_rules_init(&r.rules, &err) < 0) {
        fprintf(stderr, "jixiao check: %s\n", err.msg);
        status = 2;
        goto done;
    }
    jx_check_init(&r.ck, &r.rules);
    for (int i = 0; i < nrfiles; i++) {
        struct call c = {&r, NULL, NULL, rfiles[i]};
        if (!need_lua(&r)) {
            status = 2;
            goto done;
        }
        lua_pushcfunction(r.L, l_load_rules);
        lua_pushlightuserdata(r.L, &c);
        if (jx_lua_pcall(r.L, 1, 2, &err) != 0) {
            fprintf(stderr, "jixiao check: --rules %s: %s\n", rfiles[i], lua_tostring(r.L, -1));
            status = 2;
            goto done;
        }
        if (!lua_toboolean(r.L, -2)) {
            fprintf(stderr, "jixiao check: --rules: %s\n", lua_tostring(r.L, -1));
            status = 2;
            goto done;
        }
        lua_pop(r.L, 2);
    }
    for (int i = 0; i < nset; i++) {
        if (jx_rules_apply(&r.rules, set[i].list, set[i].disable, set[i].sev, &err) < 0) {
            status = jx_cli_usage("check", "%s: %s", set[i].opt, err.msg);
            goto done;
        }
    }
    if (r.L && protected(&r, l_configure, &r, "configuring the rules") < 0) {
        status = 2;
        goto done;
    }
    if (list) {
        list_rules(&r.rules);
        goto done;
    }
    if (out_path) {
        if (jx_atomic_open(&atom, out_path, &err) < 0) {
            fprintf(stderr, "jixiao check: %s\n", err.msg);
            status = 2;
            goto done;
        }
        f = atom.f;
    }
    if (jx_check_out_begin(&r.out, f, fmt, &err) < 0) {
        fprintf(stderr, "jixiao check: %s\n", err.msg);
        if (out_path) jx_atomic_abort(&atom);
        status = 2;
        goto done;
    }
    jx_each_hooks h = {&r, doc_begin, project, doc_end, fail};
    jx_each_merge m = {worker, record, merge, finish};
    int failed = jx_each_table_jobs((const char *const *)argv, nfiles, jobs, &topts, &h, &m);
    long errors = r.out.counts[JX_SEV_ERROR];
    int lost = jx_check_out_end(&r.out, r.broken) < 0;
    if (lost) fprintf(stderr, "jixiao check: could not read back the spooled findings\n");
    if (out_path) {
        if (jx_atomic_commit(&atom, &err) < 0) {
            fprintf(stderr, "jixiao check: %s\n", err.msg);
            lost = 1;
        }
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "jixiao check: cannot write to standard output\n");
        lost = 1;
    }
    status = failed || r.broken || lost ? 2 : errors ? 1 : 0;
done:
    if (r.L) jx_lua_close(r.L);
    jx_check_free(&r.ck);
    jx_rules_free(&r.rules);
    free(set), free(rfiles);
    return status;
}
