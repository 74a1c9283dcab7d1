/* jx.check and jx.score (require "jixiao"): jixiao check's rules and jixiao
 * score's engine, run in the script's own state on a loaded Document or on one
 * Project view. Also what the two commands share with them, so that a report
 * made from Lua and one made on the command line cannot drift apart: driving a
 * jixiao.check run beside the C rules, and turning the scoring engine's results
 * into JSON or into the Lua tables that JSON decodes to. */
#ifndef JX_L_CHECK_H
#define JX_L_CHECK_H

#include "check.h"
#include "doc_store.h"
#include "jsonw.h"
#include "lua.h"

/* What jx.check and jx.score read from a view (defined in l_jixiao.c). */
typedef struct {
    const jx_doc *d;
    const jx_project *p;         /* a Project view's row; NULL for a Document */
    const jx_store *store;       /* a loaded Document's rows; NULL otherwise */
    int streamed;                /* a view of the callback mode */
    const unsigned long *serial; /* the view is live while *serial == mine */
    unsigned long mine;
} jx_l_rows;

/* 1 and *out filled if the value at idx is a Document or Project view; 0 if it
 * is not a view. Raises, as the views' methods do, for one that is closed. */
int jx_l_view_rows(lua_State *L, int idx, jx_l_rows *out);

/* ---- the check engine's Lua half (jixiao check and jx.check) ----
 * `run` is the stack index of a run of lua/jixiao/check.lua (check.new_run()). */

/* Registers the rules of the file at path (--rules): runs it, validates what it
 * returns with run:add_rules and adds each rule to rs. Returns 0; or -1 with
 * the message pushed for a file that cannot be used (unreadable, a syntax
 * error, a malformed or taken rule). Raises what the file raises when it runs,
 * and memory errors. */
int jx_l_check_load_rules(lua_State *L, int run, jx_rules *rs, const char *path);

/* Leaves the built-in text rules of rs in C while jixiao.check says they
 * read texts as the C ones do (check.builtin_in_c()), and moves them to Lua
 * otherwise. May raise. */
void jx_l_check_text_where(lua_State *L, jx_rules *rs);

/* run:configure{[id] = true} for every enabled Lua rule of rs. May raise. */
void jx_l_check_configure(lua_State *L, int run, const jx_rules *rs);

/* Runs run:document(doc) (p NULL) or run:project(<p as a table>, doc), doc
 * being the stack index of the document's table (jx_l_push_doc), and adds what
 * the rules found to ck. Leaves the list of failures on the stack: {rule=,
 * message=} for each rule that raised (it is switched off). May raise (memory);
 * with live (the view d and p belong to), also when a rule closed that view. */
void jx_l_check_hook(lua_State *L, int run, int doc, jx_check *ck, const jx_doc *d, const jx_project *p,
                     const jx_l_rows *live);

/* ---- the scoring engine's results (jixiao score and jx.score) ---- */

#define JX_SCORE_GRADES 16

/* Per document: projects scored, error flags, projects per grade (in the order
 * of the profile's bands) and whose weights were used. */
typedef struct {
    long projects, errors, grades[JX_SCORE_GRADES];
    int weights_table, weights_profile;
} jx_score_tally;

/* Scores the project table at stack index p with score.project (the engine's
 * module at mod, the profile at prof, its description at desc, the document's
 * table at doc). The layout at lay is built from doc and p while it is nil,
 * and kept there. Pushes the engine's result and counts it in t. Raises what
 * the engine raises. */
void jx_l_score_row(lua_State *L, int mod, int prof, int desc, int doc, int lay, int p, jx_score_tally *t);

/* The engine's results as `jixiao score --format json` writes them. With w,
 * written as JSON; with w NULL, pushed as the Lua table that JSON decodes to
 * (decimal texts as jixiao.decimal values; absent fields absent). May raise
 * (memory) when building tables. */
void jx_l_score_project(lua_State *L, int t, jx_jsonw *w);
void jx_l_score_profile(lua_State *L, int t, jx_jsonw *w);
/* source, title, year, department and unit of the document table at t, into
 * the JSON object being written, or (w NULL) into the table on top. */
void jx_l_score_doc_fields(lua_State *L, int t, jx_jsonw *w);
/* {projects, grades = {[grade] = n}, weights, errors[, error = stop]}, the
 * grades named by desc (the profile's description) at stack index desc. */
void jx_l_score_summary(lua_State *L, int desc, const jx_score_tally *t, const char *stop, jx_jsonw *w);

/* ---- the functions of require "jixiao" ---- */

/* jx.check(doc [, opts]) and jx.check(p [, doc] [, opts]); jx.score(doc [,
 * profile]) and jx.score(p [, profile]). See the README, "Scripting". */
int jx_l_check(lua_State *L);
int jx_l_score(lua_State *L);

#endif
