/* jixiao check's core: the registry of rules (C and Lua
 * built-ins, user rules added at run time), the findings of one row or
 * document, the money and structure rules that need no Lua (check_rules.c)
 * and the text/JSON report (out_check.c). Nothing here touches a Lua state. */
#ifndef JX_CHECK_H
#define JX_CHECK_H

#include <stdio.h>

#include "err.h"
#include "each.h"
#include "jsonw.h"
#include "model.h"

typedef enum { JX_SEV_INFO = 0, JX_SEV_WARNING, JX_SEV_ERROR } jx_sev;

const char *jx_sev_name(jx_sev s); /* "info", "warning", "error" */
/* 0 and *out set, or -1 for a word that is not a severity. */
int jx_sev_parse(const char *s, jx_sev *out);

typedef struct {
    char *id;  /* stable, lower-case-with-dashes */
    char *doc; /* one line: what the rule finds */
    jx_sev severity, default_severity;
    unsigned char enabled;
    unsigned char lua;        /* runs in lua/jixiao/check.lua */
    unsigned char text;       /* a text rule: in check_text.c, or in Lua once moved there */
    unsigned char user;       /* added by --rules (id and doc are malloc'd) */
    unsigned char relevelled; /* severity set on the command line */
} jx_rule;

typedef struct {
    jx_rule *v;
    int n, cap;
} jx_rules;

/* Fills rs with the built-in rules at their default severities, all enabled.
 * 0, or -1 out of memory. Free with jx_rules_free. */
int jx_rules_init(jx_rules *rs, jx_err *err);
void jx_rules_free(jx_rules *rs);
jx_rule *jx_rules_find(const jx_rules *rs, const char *id);
/* Registers a user rule (run in Lua). Fails with JX_EUSAGE for an id that is
 * malformed or taken, JX_ENOMEM. Strings are copied. */
int jx_rules_add(jx_rules *rs, const char *id, jx_sev sev, const char *doc, jx_err *err);
/* Applies one command-line setting to a comma-separated list of rule ids:
 * disable, or (disable == 0) enable at severity sev. An unknown id fails
 * with JX_EUSAGE and a message listing the valid ids. */
int jx_rules_apply(jx_rules *rs, const char *list, int disable, jx_sev sev, jx_err *err);
/* Moves the built-in text rules to Lua: a --rules file or a script has
 * extended jixiao.indicator's grammar or check.lua's word lists, which only
 * the Lua rules see. */
void jx_rules_text_in_lua(jx_rules *rs);
/* 1 if any enabled rule runs in Lua (only then does check need a Lua state). */
int jx_rules_lua_enabled(const jx_rules *rs);

/* One finding. Strings are owned by the finding, except rule (the registry's). */
typedef struct {
    const char *rule;
    jx_sev severity;
    long line;          /* 0: not about one line */
    int project;        /* 1-based project index; 0: a total row or the document */
    char *project_name; /* the name cell; NULL for document-level findings */
    int column;         /* 1-based layout column (after realignment); 0: none */
    int cell;           /* 1-based cell as read, when it differs from column; 0 otherwise */
    char *column_path;  /* the column's merged header labels; NULL if no column */
    char *text;         /* the offending cell text, truncated at a character; NULL if none */
    char *message;      /* what is wrong and what to do */
    long seq;           /* order of creation, to keep sorting stable */
} jx_finding;

/* Running state of the C rules plus the findings waiting to be written (one
 * row's or one document's worth: the command flushes after each). */
typedef struct {
    jx_rules *rules;
    jx_finding *v;
    int n, cap;
    long seq;
    int nomem; /* a finding was dropped for lack of memory */
    /* total-row-mismatch: sums of each money column over the document's
     * projects, and since the last total row */
    jx_dec sum_all[JX_F_COUNT], sum_since[JX_F_COUNT];
    int n_all, n_since;
    unsigned char bad_all[JX_F_COUNT], bad_since[JX_F_COUNT];
    int doc_diags_seen; /* doc->diags already reported */
    struct jx_check_text *text; /* the text rules' parsed cells (check_text.c), NULL until used */
} jx_check;

void jx_check_init(jx_check *ck, jx_rules *rules);
void jx_check_free(jx_check *ck);

/* Adds a finding of rule `id` unless that rule is off (unknown ids are a
 * programming error and are dropped). p may be NULL for the document; col is
 * a 0-based layout column or -1; text NULL quotes the column's cell. The
 * message is printf-style. Returns 1 added, 0 rule off, -1 out of memory. */
int jx_check_add(jx_check *ck, const char *id, const jx_doc *d, const jx_project *p, long line, int col,
                 const char *text, size_t textlen, const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* A bounded builder for a message's variable parts, cut at a character. It
 * holds more than a message keeps (jx_check_add cuts at 2 KB), so what a
 * finding shows never depends on where the builder stopped. Start it with
 * jx_check_buf_init, which clears one byte rather than the 4 KB. */
typedef struct {
    char buf[4096];
    size_t n;
} jx_check_buf;
static inline void jx_check_buf_init(jx_check_buf *b) { b->n = 0, b->buf[0] = 0; }
void jx_check_put(jx_check_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sorts the pending findings: document-level first, then by line, column and
 * creation order. */
void jx_check_sort(jx_check *ck);
/* Frees the pending findings (after they are written). */
void jx_check_clear(jx_check *ck);

/* The C rules (check_rules.c). doc_begin resets the running sums and reports
 * the header's reader diagnostics; project runs every enabled C rule on one
 * row (project or total); doc_end reports reader diagnostics raised after
 * the header. */
void jx_check_doc_begin(jx_check *ck, const jx_doc *d);
void jx_check_project(jx_check *ck, const jx_doc *d, const jx_project *p);
void jx_check_doc_end(jx_check *ck, const jx_doc *d);

/* The text rules (check_text.c), those not moved to Lua: the document's
 * (called by jx_check_doc_begin) and a project row's (by jx_check_project). */
void jx_check_text_doc(jx_check *ck, const jx_doc *d);
void jx_check_text_project(jx_check *ck, const jx_doc *d, const jx_project *p);
void jx_check_text_free(jx_check *ck);

/* Money mentions in free text for the 元/万元 rule: finds "6.03元", "92.45万元",
 * "1,200亿元" (元 right after a number, so 单元, 公元, 元旦 do not count).
 * Returns the number found (at most max); each gets its byte span and value
 * in 元. Exposed for the unit tests. */
typedef struct {
    size_t start, len; /* the mention as written, e.g. "6.03元" */
    jx_dec yuan;       /* value converted to 元 */
} jx_money_mention;
int jx_money_mentions(const char *s, size_t n, jx_money_mention *out, int max);

/* The report (out_check.c). Text is grouped by file and row with counts at
 * the end; JSON is one object {valid, counts, files, findings} (schema in
 * tests/data/check/report.schema.json). Findings are written as they come, so
 * memory does not grow with the input. */
typedef enum { JX_CHECK_TEXT = 0, JX_CHECK_JSON } jx_check_format;

typedef struct {
    char *source, *title, *error;
    int year, projects;
} jx_check_file;

typedef struct {
    FILE *f;
    jx_check_format fmt;
    FILE *spool;   /* JSON: the findings array, until counts are known */
    jx_jsonw sw;   /* writer over spool */
    long counts[3], doc_counts[3];
    jx_check_file *files;
    int nfiles, cap;
    int failed;    /* inputs that could not be read */
    long group_line; /* text: the row whose heading was printed last (-1 none) */
    int group_project;
} jx_check_out;

/* Parses "text" or "json"; -1 otherwise. */
int jx_check_format_parse(const char *s, jx_check_format *out);
/* 0, or -1 with err when the JSON spool cannot be created. */
int jx_check_out_begin(jx_check_out *o, FILE *f, jx_check_format fmt, jx_err *err);
void jx_check_out_doc_begin(jx_check_out *o, const jx_doc *d);
void jx_check_out_findings(jx_check_out *o, const jx_doc *d, const jx_finding *v, int n);
/* error: the reader error that cut the document short, or NULL. */
void jx_check_out_doc_end(jx_check_out *o, const jx_doc *d, int projects, const char *error);
/* An input that could not be opened at all. */
void jx_check_out_fail(jx_check_out *o, const char *path, const char *error);
/* Writes the totals (text) or the whole object (JSON) and frees o. `broken`
 * marks the run invalid for reasons outside the findings (a failing rule).
 * Returns 0, or -1 when the spooled findings could not be written back. */
int jx_check_out_end(jx_check_out *o, int broken);

/* The merge steps of jx_each_table_jobs (each.h): a worker writes its
 * findings to f (JSON elements each after a comma) and records the counts and
 * files since its last record; the parent adds them up in input order. */
void jx_check_out_worker(jx_check_out *o, FILE *f);
void jx_check_out_record(jx_check_out *o, FILE *rec);
/* rec, nrec: what jx_check_out_record wrote (a truncated one adds nothing). */
void jx_check_out_merge(jx_check_out *o, jx_each_unit *u, const char *rec, size_t nrec);

/* How many Lua states jixiao check has created in this process (cmd_check.c):
 * none while every Lua rule is off. For the tests. */
int jx_check_lua_states(void);

#endif
