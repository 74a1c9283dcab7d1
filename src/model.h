/* The canonical model of a self-evaluation table: a document
 * (preamble, columns mapped to canonical fields) and its projects, one row each,
 * realigned when ragged. Projects reference the reader's buffers and are valid
 * until the next row is read; the document lives until the table is closed. */
#ifndef JX_MODEL_H
#define JX_MODEL_H

#include <stdint.h>

#include "decimal.h"
#include "rows.h"
#include "source.h"
#include "value.h"

/* Canonical fields a column maps to. JX_F_UNKNOWN columns are kept under their path. */
typedef enum {
    JX_F_UNKNOWN = 0,
    JX_F_SEQ,
    JX_F_DEPT,
    JX_F_NAME,
    JX_F_BUDGET_TOTAL,   /* 项目年度预算金额 / 合计, 全年预算数, 调整后预算数 */
    JX_F_BUDGET_FISCAL,  /* 其中: 财政拨款 (when not split further) */
    JX_F_BUDGET_GENERAL, /* … / 一般公共预算 */
    JX_F_BUDGET_FUND,    /* … / 政府性基金 */
    JX_F_BUDGET_OTHER,   /* 非财政资金, 其他资金 */
    JX_F_BUDGET_CARRY,   /* 上年结转资金 */
    JX_F_BUDGET_INITIAL, /* 年初预算数, when a 全年/调整后 column also exists */
    JX_F_ACTUAL_TOTAL,
    JX_F_ACTUAL_FISCAL,
    JX_F_ACTUAL_GENERAL,
    JX_F_ACTUAL_FUND,
    JX_F_ACTUAL_OTHER,
    JX_F_ACTUAL_CARRY,
    JX_F_RATE,
    JX_F_GOAL_TARGET,
    JX_F_GOAL_RESULT,
    JX_F_IND_TARGET,   /* an indicator's 年度指标内容 (see level1/level2) */
    JX_F_IND_RESULT,   /* an indicator's 完成情况 */
    JX_F_IND_WEIGHT,   /* an indicator block's 分值 */
    JX_F_IND_SCORE,    /* an indicator block's 得分 */
    JX_F_PROBLEMS,     /* 项目执行中存在的问题, 偏差原因分析 */
    JX_F_RECTIFICATION,/* 整改情况, 改进措施 */
    JX_F_COUNT
} jx_field;

typedef enum { JX_L1_NONE = 0, JX_L1_OUTPUT, JX_L1_BENEFIT, JX_L1_SATISFACTION, JX_L1_COST, JX_L1_COUNT } jx_level1;
typedef enum {
    JX_L2_NONE = 0, JX_L2_QUANTITY, JX_L2_QUALITY, JX_L2_TIMELINESS, JX_L2_COST,
    JX_L2_ECONOMIC, JX_L2_SOCIAL, JX_L2_ECOLOGICAL, JX_L2_SUSTAINABLE, JX_L2_SATISFACTION,
    JX_L2_COUNT
} jx_level2;

const char *jx_field_key(jx_field f);      /* "budget.total", "rate", … ; "extra" for unknown */
const char *jx_level1_name(jx_level1 l);   /* "产出", "效益", "满意度", "成本" */
const char *jx_level1_key(jx_level1 l);    /* "output", "benefit", "satisfaction", "cost" */
const char *jx_level2_name(jx_level2 l);   /* "数量", "质量", … */
const char *jx_level2_key(jx_level2 l);    /* "quantity", "quality", … */

typedef struct {
    char *path;  /* merged header labels joined with " / " */
    jx_field field;
    uint8_t level1, level2; /* for JX_F_IND_* */
    int8_t role;            /* JX_F_IND_*: 0 target, 1 result */
} jx_column;

/* One indicator slot of the layout: a (level1, level2) pair of columns. */
typedef struct {
    uint8_t level1, level2;
    int target_col, result_col; /* 0-based column index, -1 if the layout lacks it */
} jx_ind_slot;

typedef enum { JX_DIAG_INFO = 0, JX_DIAG_WARNING, JX_DIAG_ERROR } jx_diag_level;

typedef struct {
    jx_diag_level level;
    long line;
    int col;      /* 1-based cell, 0 if not about one cell */
    char *code;   /* stable id, e.g. "amount-not-number" */
    char *msg;
} jx_diag;

typedef struct {
    char *source;          /* the name given (path or "-") */
    jx_enc encoding;
    char delim;
    char *title;           /* NULL if none */
    long title_line;
    int year;              /* from the title; 0 if none */
    char *department;      /* 部门名称 from the preamble; NULL if none */
    char *unit_text;       /* the 单位 line as written */
    jx_unit unit;
    long header_first_line, header_last_line;
    int header_rows;
    jx_column *cols;
    int ncols;
    int fieldcol[JX_F_COUNT]; /* column of each scalar field, -1 if absent */
    jx_ind_slot *inds;
    int ninds;
    jx_diag *diags;        /* document-level diagnostics (bounded, see ndiags_dropped) */
    int ndiags;
    long ndiags_dropped;
} jx_doc;

/* How a ragged row was realigned. Cells are 0-based observed positions, columns
 * 0-based layout positions. */
typedef struct {
    int cell, col;   /* observed cell index -> column it was assigned to */
    uint8_t certain; /* no other placement scores within the margin */
    int nalt;
    int alt[4];      /* other columns this cell could be in (guess) */
} jx_move;

typedef struct {
    int col;
    uint8_t certain; /* empty in every placement that scores within the margin */
} jx_gap;

typedef struct {
    int certain;     /* 1: every move and gap is certain; 0: a best guess */
    int observed;    /* cells observed up to the last non-empty one */
    int nmoves;
    jx_move *moves;  /* only cells whose column changed */
    int ngaps;
    jx_gap *gaps;    /* columns left empty inside the observed span */
    int score_best, score_identity;
} jx_repair;

typedef enum { JX_ROW_PROJECT = 0, JX_ROW_TOTAL } jx_row_kind;

/* A money cell read once: r is jx_dec_parse's result (1 a value, 0 empty,
 * -1 not a number), JX_AMOUNT_UNREAD for a column that is not money. */
typedef struct {
    jx_dec v;
    int8_t r;
} jx_amount;
#define JX_AMOUNT_UNREAD 2

typedef struct {
    long line, end_line;
    jx_row_kind kind;
    int index;              /* 1-based among projects of the document */
    const jx_cell *cells;   /* the row as read (observed order) */
    int ncells;
    const jx_cell **col;    /* per layout column (realigned), never NULL entries: empty cell */
    int ncols;
    const jx_repair *repair;/* NULL if the row was not moved */
    int nextra;             /* cells beyond the layout's columns (kept in cells) */
    jx_diag *diags;         /* row diagnostics (valid until the next row) */
    int ndiags;
    const jx_amount *amount;/* per layout column, money columns' values as read; NULL: parse the cells */
} jx_project;

/* Cell text of a scalar field ("" if the layout lacks it). */
const jx_cell *jx_project_field(const jx_project *p, const jx_doc *d, jx_field f);
/* Amount of a money field: 1 and *out set, 0 absent, -1 not a number. */
int jx_project_amount(const jx_project *p, const jx_doc *d, jx_field f, jx_dec *out);
/* The same for layout column col (0-based). */
int jx_project_col_amount(const jx_project *p, int col, jx_dec *out);

#endif
