/* Column mapping: each column's header path is matched against a synonym table
 * and gets a canonical field, by label and never by position, so
 * reordered, renamed or missing columns still map. Unknown columns stay, under
 * their path, as JX_F_UNKNOWN. Also names the fields and indicator levels. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static const char *const field_keys[JX_F_COUNT] = {
    [JX_F_UNKNOWN] = "extra",
    [JX_F_SEQ] = "seq",
    [JX_F_DEPT] = "department",
    [JX_F_NAME] = "name",
    [JX_F_BUDGET_TOTAL] = "budget.total",
    [JX_F_BUDGET_FISCAL] = "budget.fiscal",
    [JX_F_BUDGET_GENERAL] = "budget.general",
    [JX_F_BUDGET_FUND] = "budget.fund",
    [JX_F_BUDGET_OTHER] = "budget.other",
    [JX_F_BUDGET_CARRY] = "budget.carryover",
    [JX_F_BUDGET_INITIAL] = "budget.initial",
    [JX_F_ACTUAL_TOTAL] = "actual.total",
    [JX_F_ACTUAL_FISCAL] = "actual.fiscal",
    [JX_F_ACTUAL_GENERAL] = "actual.general",
    [JX_F_ACTUAL_FUND] = "actual.fund",
    [JX_F_ACTUAL_OTHER] = "actual.other",
    [JX_F_ACTUAL_CARRY] = "actual.carryover",
    [JX_F_RATE] = "rate",
    [JX_F_GOAL_TARGET] = "goal.target",
    [JX_F_GOAL_RESULT] = "goal.result",
    [JX_F_IND_TARGET] = "indicator.target",
    [JX_F_IND_RESULT] = "indicator.result",
    [JX_F_IND_WEIGHT] = "indicator.weight",
    [JX_F_IND_SCORE] = "indicator.score",
    [JX_F_PROBLEMS] = "problems",
    [JX_F_RECTIFICATION] = "rectification",
};

const char *jx_field_key(jx_field f) { return (unsigned)f < JX_F_COUNT ? field_keys[f] : "extra"; }

static const char *const l1_names[] = {"", "产出", "效益", "满意度", "成本"};
static const char *const l1_keys[] = {"", "output", "benefit", "satisfaction", "cost"};
static const char *const l2_names[] = {"", "数量", "质量", "时效", "成本", "经济效益",
                                       "社会效益", "生态效益", "可持续影响", "服务对象满意度"};
static const char *const l2_keys[] = {"", "quantity", "quality", "timeliness", "cost", "economic",
                                      "social", "ecological", "sustainable", "satisfaction"};

const char *jx_level1_name(jx_level1 l) { return (unsigned)l < JX_L1_COUNT ? l1_names[l] : ""; }
const char *jx_level1_key(jx_level1 l) { return (unsigned)l < JX_L1_COUNT ? l1_keys[l] : ""; }
const char *jx_level2_name(jx_level2 l) { return (unsigned)l < JX_L2_COUNT ? l2_names[l] : ""; }
const char *jx_level2_key(jx_level2 l) { return (unsigned)l < JX_L2_COUNT ? l2_keys[l] : ""; }

/* Synonym lists, matched as substrings of a folded label, first match wins. */
static int has(const char *label, const char *const *words)
{
    for (; *words; words++)
        if (strstr(label, *words)) return 1;
    return 0;
}

static const char *const W_SEQ[] = {"序号", "编号", "行次", NULL};
static const char *const W_NAME[] = {"项目名称", "项目", NULL};
static const char *const W_DEPT[] = {"部门名称", "单位名称", "主管部门", "预算单位", "实施单位", "部门", NULL};
static const char *const W_RATE[] = {"执行率", "完成率", NULL};
static const char *const W_ACTUAL[] = {"执行数", "实际支出", "支出金额", "实际执行", "支出数", "决算数", NULL};
static const char *const W_BUDGET[] = {"预算", "资金总额", "安排数", NULL};
static const char *const W_INITIAL[] = {"年初预算", NULL};
static const char *const W_ADJUSTED[] = {"全年预算", "调整后预算", "年度预算", "预算金额", NULL};
static const char *const W_GOAL_RESULT[] = {"目标整体完成情况", "整体完成情况", "实际完成情况", "目标完成情况",
                                            "总体完成情况", "年度总体目标完成", NULL};
static const char *const W_GOAL[] = {"绩效目标", "总体目标", "预期目标", "年度目标", NULL};
static const char *const W_PROBLEMS[] = {"存在的问题", "存在问题", "偏差原因", "未完成原因", "问题", NULL};
static const char *const W_RECT[] = {"整改", "改进措施", NULL};
static const char *const W_TOTAL[] = {"合计", "小计", "总计", "资金总额", NULL};
static const char *const W_GENERAL[] = {"一般公共预算", NULL};
static const char *const W_FUND[] = {"政府性基金", NULL};
static const char *const W_FISCAL[] = {"财政拨款", "财政资金", "财政性资金", NULL};
static const char *const W_OTHER[] = {"非财政", "其他资金", "其他", "自有资金", NULL};
static const char *const W_CARRY[] = {"上年结转", "结转", NULL};
static const char *const W_TARGET[] = {"年度指标内容", "年度指标值", "指标值", "指标内容", "目标值", "预期值", NULL};
static const char *const W_RESULT[] = {"完成情况", "实际完成值", "完成值", "实际值", "实现值", NULL};
static const char *const W_WEIGHT[] = {"分值", "权重", NULL};
static const char *const W_SCORE[] = {"得分", NULL};

static jx_level1 level1_of(const char *label)
{
    if (strstr(label, "满意度")) return JX_L1_SATISFACTION;
    if (strstr(label, "产出")) return JX_L1_OUTPUT;
    if (strstr(label, "效益")) return JX_L1_BENEFIT;
    if (strstr(label, "成本")) return JX_L1_COST;
    return JX_L1_NONE;
}

static jx_level2 level2_of(const char *label)
{
    static const struct { const char *w; jx_level2 l; } t[] = {
        {"数量", JX_L2_QUANTITY},     {"质量", JX_L2_QUALITY},      {"时效", JX_L2_TIMELINESS},
        {"经济", JX_L2_ECONOMIC},     {"社会", JX_L2_SOCIAL},       {"生态", JX_L2_ECOLOGICAL},
        {"可持续", JX_L2_SUSTAINABLE}, {"满意度", JX_L2_SATISFACTION}, {"成本", JX_L2_COST},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strstr(label, t[i].w)) return t[i].l;
    return JX_L2_NONE;
}

/* Splits a path into folded labels (at most 8). Returns the count. */
static int fold_path(const char *path, char labels[][256], int max)
{
    int n = 0;
    const char *p = path;
    while (*p && n < max) {
        const char *sep = strstr(p, " / ");
        size_t len = sep ? (size_t)(sep - p) : strlen(p);
        jx_fold(p, len, labels[n], 256);
        if (labels[n][0]) n++;
        if (!sep) break;
        p = sep + 3;
    }
    return n;
}

/* Maps one column. Money groups are recognised at the top label, their parts
 * below it; indicator columns need a level-1 block, a level-2 kind (or the
 * block's only kind) and a role. */
static void map_column(jx_column *col, int has_adjusted)
{
    char lab[8][256];
    int n = fold_path(col->path, lab, 8);
    col->field = JX_F_UNKNOWN;
    if (n == 0) return;
    const char *top = lab[0], *last = lab[n - 1];

    jx_level1 l1 = JX_L1_NONE;
    for (int i = 0; i < n && !l1; i++)
        if (has(lab[i], (const char *const[]){"指标", "目标", NULL}) || i < n - 1) l1 = level1_of(lab[i]);
    if (l1 && !has(top, W_RATE) && !has(top, W_BUDGET) && !has(top, W_ACTUAL)) {
        jx_level2 l2 = JX_L2_NONE;
        for (int i = 0; i < n && !l2; i++)
            if (i > 0 || n == 1 || level1_of(lab[i]) == JX_L1_SATISFACTION) l2 = level2_of(lab[i]);
        if (!l2 && l1 == JX_L1_SATISFACTION) l2 = JX_L2_SATISFACTION;
        if (!l2 && l1 == JX_L1_COST) l2 = JX_L2_COST;
        col->level1 = (uint8_t)l1;
        col->level2 = (uint8_t)l2;
        if (has(last, W_WEIGHT)) col->field = JX_F_IND_WEIGHT;
        else if (has(last, W_SCORE)) col->field = JX_F_IND_SCORE;
        else if (has(last, W_RESULT)) col->field = JX_F_IND_RESULT, col->role = 1;
        else if (has(last, W_TARGET)) col->field = JX_F_IND_TARGET, col->role = 0;
        if (!l2 && col->field != JX_F_IND_WEIGHT && col->field != JX_F_IND_SCORE) col->field = JX_F_UNKNOWN;
        return;
    }
    if (n == 1 && has(top, W_SEQ)) { col->field = JX_F_SEQ; return; }
    if (has(top, W_RATE)) { col->field = JX_F_RATE; return; }
    int actual = has(top, W_ACTUAL), budget = !actual && has(top, W_BUDGET);
    if (actual || budget) {
        int base = actual ? JX_F_ACTUAL_TOTAL : JX_F_BUDGET_TOTAL;
        if (budget && has_adjusted && has(top, W_INITIAL)) { col->field = JX_F_BUDGET_INITIAL; return; }
        jx_field f = (jx_field)base; /* a money group without parts is its total */
        for (int i = 1; i < n; i++) {
            const char *l = lab[i];
            if (has(l, W_GENERAL)) f = (jx_field)(base + 2);
            else if (has(l, W_FUND)) f = (jx_field)(base + 3);
            else if (has(l, W_CARRY)) f = (jx_field)(base + 5);
            else if (has(l, W_OTHER)) f = (jx_field)(base + 4);
            else if (has(l, W_FISCAL)) f = (jx_field)(base + 1);
            else if (has(l, W_TOTAL)) f = (jx_field)base;
        }
        col->field = f;
        return;
    }
    if (has(top, W_GOAL_RESULT)) { col->field = JX_F_GOAL_RESULT; return; }
    if (has(top, W_GOAL)) { col->field = JX_F_GOAL_TARGET; return; }
    if (has(top, W_RECT)) { col->field = JX_F_RECTIFICATION; return; }
    if (has(top, W_PROBLEMS)) { col->field = JX_F_PROBLEMS; return; }
    if (has(top, W_DEPT)) { col->field = JX_F_DEPT; return; }
    if (has(top, W_NAME)) { col->field = JX_F_NAME; return; }
    if (has(top, W_SEQ)) { col->field = JX_F_SEQ; return; }
}

/* Whether a path's top label names an adjusted budget (not the initial one):
 * the layout then has both, and 年初预算 is the initial budget. */
static int top_adjusted(const char *path)
{
    char lab[256];
    const char *sep = strstr(path, " / ");
    jx_fold(path, sep ? (size_t)(sep - path) : strlen(path), lab, sizeof lab);
    return has(lab, W_ADJUSTED) && !has(lab, W_INITIAL);
}

/* Mappings already made, by path: one layout comes back file after file, and
 * a column's mapping depends only on its path (and on whether the layout has
 * an adjusted budget). Open addressing; once 3/4 full, new paths are mapped
 * every time. */
#define MEMO_SIZE 1024
static struct memo {
    char *path;
    uint8_t top_adjusted;  /* the top label names an adjusted budget, not the initial one */
    uint8_t have[2];       /* res[has_adjusted] is known */
    jx_column res[2];      /* field, level1, level2 and role */
} memo[MEMO_SIZE];
static int memo_n;

static struct memo *memo_of(const char *path)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) h = (h ^ *p) * 16777619u;
    for (uint32_t i = h & (MEMO_SIZE - 1);; i = (i + 1) & (MEMO_SIZE - 1)) {
        struct memo *m = &memo[i];
        if (m->path && strcmp(m->path, path) == 0) return m;
        if (m->path) continue;
        if (memo_n >= MEMO_SIZE / 4 * 3 || !(m->path = strdup(path))) return NULL;
        memo_n++;
        m->top_adjusted = (uint8_t)top_adjusted(path);
        return m;
    }
}

static void map_column_memo(jx_column *col, struct memo *m, int has_adjusted)
{
    if (!m) {
        map_column(col, has_adjusted);
        return;
    }
    if (!m->have[has_adjusted]) {
        jx_column r = {.path = col->path};
        map_column(&r, has_adjusted);
        r.path = NULL;
        m->res[has_adjusted] = r;
        m->have[has_adjusted] = 1;
    }
    const jx_column *r = &m->res[has_adjusted];
    col->field = r->field, col->level1 = r->level1, col->level2 = r->level2, col->role = r->role;
}

int jx_schema_map(jx_doc *doc, jx_err *err)
{
    int has_adjusted = 0;
    struct memo *small[64], **ms = doc->ncols <= 64 ? small : malloc(sizeof *ms * (size_t)doc->ncols);
    for (int c = 0; c < doc->ncols; c++) {
        struct memo *m = memo_of(doc->cols[c].path);
        if (ms) ms[c] = m;
        has_adjusted |= m ? m->top_adjusted : top_adjusted(doc->cols[c].path);
    }
    for (int f = 0; f < JX_F_COUNT; f++) doc->fieldcol[f] = -1;
    free(doc->inds);
    doc->inds = NULL;
    doc->ninds = 0;
    for (int c = 0; c < doc->ncols; c++) {
        jx_column *col = &doc->cols[c];
        map_column_memo(col, ms ? ms[c] : NULL, has_adjusted);
        if (col->field >= JX_F_IND_TARGET && col->field <= JX_F_IND_SCORE) continue;
        if (col->field == JX_F_UNKNOWN) continue;
        if (doc->fieldcol[col->field] >= 0) {
            col->field = JX_F_UNKNOWN; /* a second column for the same field stays under its path */
            continue;
        }
        doc->fieldcol[col->field] = c;
    }
    /* Indicator slots, in layout order: one per (level1, level2) target/result pair.
     * A column takes the first slot of its kind whose role is still free.
     * Slots only ever fill, so where that first slot is only moves forward:
     * first[][][] keeps it, making this linear in the columns (--max-cols
     * allows a million) where a search from the start was quadratic. */
    int first[JX_L1_COUNT][JX_L2_COUNT][2] = {{{0}}};
    for (int c = 0; c < doc->ncols; c++) {
        jx_column *col = &doc->cols[c];
        if (col->field != JX_F_IND_TARGET && col->field != JX_F_IND_RESULT) continue;
        jx_ind_slot *s = NULL;
        int *f = &first[col->level1][col->level2][col->role ? 1 : 0];
        for (; *f < doc->ninds; ++*f) {
            jx_ind_slot *t = &doc->inds[*f];
            if (t->level1 == col->level1 && t->level2 == col->level2 &&
                (col->role ? t->result_col : t->target_col) < 0) {
                s = t;
                break;
            }
        }
        if (!s) {
            int n = doc->ninds; /* capacity doubles: 8, 16, 32, ... */
            jx_ind_slot *grown = doc->inds;
            if (n == 0 || (n >= 8 && (n & (n - 1)) == 0))
                grown = realloc(doc->inds, sizeof *grown * (size_t)(n ? 2 * n : 8));
            if (!grown) {
                if (ms != small) free(ms);
                return jx_err_set(err, JX_ENOMEM, "out of memory mapping columns");
            }
            doc->inds = grown;
            s = &doc->inds[doc->ninds++];
            *s = (jx_ind_slot){col->level1, col->level2, -1, -1};
        }
        if (col->role) s->result_col = c;
        else s->target_col = c;
    }
    if (ms != small) free(ms);
    return 0;
}

int jx_schema_header_hits(const jx_row *row)
{
    static const char *const known[] = {"序号", "项目名称", "预算", "执行数", "执行率", "实际支出", "绩效目标",
                                        "指标", "完成情况", "部门名称", "资金", "得分", "分值", "整改", NULL};
    int hits = 0;
    for (int c = 0; c < row->n; c++) {
        if (!row->cells[c].len || row->cells[c].len > 200) continue;
        char lab[256];
        jx_fold(row->cells[c].s, row->cells[c].len, lab, sizeof lab);
        if (has(lab, known)) hits++;
    }
    return hits;
}
