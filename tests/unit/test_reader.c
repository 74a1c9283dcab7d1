/* Tests for the reader's stages: header reconstruction (header.c), column
 * mapping (schema.c), ragged-row repair (realign.c) and the table reader
 * (table.c), on small hand-made tables. */
#include <stdlib.h>

#include "table.h"
#include "unit.h"

/* Builds header rows from "a|b||c" strings ('|' separates cells). */
static jx_row mkrow(const char *spec, jx_cell *cells, char *buf)
{
    jx_row r = {cells, 0, 1, 1};
    strcpy(buf, spec);
    char *p = buf;
    for (;;) {
        char *bar = strchr(p, '|');
        if (bar) *bar = 0;
        cells[r.n++] = (jx_cell){p, (uint32_t)strlen(p), 0};
        if (!bar) break;
        p = bar + 1;
    }
    return r;
}

static jx_column *build(const char *const *specs, int n, int *ncols)
{
    static jx_cell cells[8][64];
    static char bufs[8][1024];
    jx_row rows[8];
    for (int i = 0; i < n; i++) rows[i] = mkrow(specs[i], cells[i], bufs[i]);
    jx_column *cols = NULL;
    jx_err err = {0};
    CHECK_INT(jx_header_build(rows, n, &cols, ncols, &err), 0);
    return cols;
}

static void free_cols(jx_column *cols, int n)
{
    for (int i = 0; i < n; i++) free(cols[i].path);
    free(cols);
}

TEST(header_merged_three_rows)
{
    const char *spec[] = {"序号|项目名称|预算金额|||实际支出|||执行率",
                          "||合计|其中: 财政拨款||合计|其中: 财政拨款||",
                          "|||一般公共预算|政府性基金||一般公共预算|政府性基金|"};
    int n;
    jx_column *c = build(spec, 3, &n);
    CHECK_INT(n, 9);
    CHECK_STR(c[0].path, "序号");
    CHECK_STR(c[2].path, "预算金额 / 合计");
    CHECK_STR(c[3].path, "预算金额 / 其中: 财政拨款 / 一般公共预算");
    CHECK_STR(c[4].path, "预算金额 / 其中: 财政拨款 / 政府性基金");
    CHECK_STR(c[7].path, "实际支出 / 其中: 财政拨款 / 政府性基金");
    CHECK_STR(c[8].path, "执行率"); /* no label below: not spanned by its left neighbour */
    free_cols(c, n);
}

TEST(header_label_written_lower_down)
{
    /* An empty top cell with a label below is that label's own column. */
    const char *spec[] = {"项目名称|产出指标|", "|数量指标|质量指标"};
    int n;
    jx_column *c = build(spec, 2, &n);
    CHECK_INT(n, 3);
    CHECK_STR(c[1].path, "产出指标 / 数量指标");
    CHECK_STR(c[2].path, "产出指标 / 质量指标");
    free_cols(c, n);
}

TEST(header_trailing_empty_columns_dropped)
{
    const char *spec[] = {"序号|项目名称||"};
    int n;
    jx_column *c = build(spec, 1, &n);
    CHECK_INT(n, 2);
    free_cols(c, n);
}

static jx_doc *mapped(const char *const *spec, int nrows)
{
    static jx_doc d;
    memset(&d, 0, sizeof d);
    d.cols = build(spec, nrows, &d.ncols);
    jx_err err = {0};
    CHECK_INT(jx_schema_map(&d, &err), 0);
    return &d;
}

TEST(schema_synonyms_map_to_fields)
{
    const char *spec[] = {"单位名称|项目名称|全年预算数|全年执行数|执行率|偏差原因分析|改进措施|备注"};
    jx_doc *d = mapped(spec, 1);
    CHECK_INT(d->fieldcol[JX_F_DEPT], 0);
    CHECK_INT(d->fieldcol[JX_F_NAME], 1);
    CHECK_INT(d->fieldcol[JX_F_BUDGET_TOTAL], 2);
    CHECK_INT(d->fieldcol[JX_F_ACTUAL_TOTAL], 3);
    CHECK_INT(d->fieldcol[JX_F_RATE], 4);
    CHECK_INT(d->fieldcol[JX_F_PROBLEMS], 5);
    CHECK_INT(d->fieldcol[JX_F_RECTIFICATION], 6);
    CHECK_INT(d->cols[7].field, JX_F_UNKNOWN); /* kept under its path */
    free_cols(d->cols, d->ncols);
    free(d->inds);
}

TEST(schema_initial_and_adjusted_budget)
{
    const char *spec[] = {"项目名称|年初预算数|调整后预算数|预算执行数"};
    jx_doc *d = mapped(spec, 1);
    CHECK_INT(d->fieldcol[JX_F_BUDGET_INITIAL], 1);
    CHECK_INT(d->fieldcol[JX_F_BUDGET_TOTAL], 2);
    CHECK_INT(d->fieldcol[JX_F_ACTUAL_TOTAL], 3);
    free_cols(d->cols, d->ncols);
    free(d->inds);
}

/* Mappings are remembered by path; the same path maps by the layout it is
 * in: 年初预算数 is the initial budget beside an adjusted one, else the total. */
TEST(schema_remembered_path_follows_its_layout)
{
    for (int round = 0; round < 3; round++) {
        const char *with[] = {"项目名称|年初预算数|调整后预算数|预算执行数"};
        jx_doc *d = mapped(with, 1);
        CHECK_INT(d->fieldcol[JX_F_BUDGET_INITIAL], 1);
        CHECK_INT(d->fieldcol[JX_F_BUDGET_TOTAL], 2);
        free_cols(d->cols, d->ncols);
        free(d->inds);
        const char *without[] = {"项目名称|年初预算数|预算执行数"};
        d = mapped(without, 1);
        CHECK_INT(d->fieldcol[JX_F_BUDGET_INITIAL], -1);
        CHECK_INT(d->fieldcol[JX_F_BUDGET_TOTAL], 1);
        CHECK_INT(d->fieldcol[JX_F_ACTUAL_TOTAL], 2);
        free_cols(d->cols, d->ncols);
        free(d->inds);
    }
}

TEST(schema_indicator_slots)
{
    const char *spec[] = {"项目名称|产出目标|||效益目标||满意度指标|",
                          "|数量指标||时效指标|社会效益指标||服务对象满意度指标|",
                          "|指标值|实际完成值|年度指标内容|年度指标内容|完成情况|年度指标内容|完成情况"};
    jx_doc *d = mapped(spec, 3);
    CHECK_INT(d->ninds, 4);
    CHECK_INT(d->inds[0].level2, JX_L2_QUANTITY);
    CHECK_INT(d->inds[0].target_col, 1);
    CHECK_INT(d->inds[0].result_col, 2);
    CHECK_INT(d->inds[1].level2, JX_L2_TIMELINESS);
    CHECK_INT(d->inds[1].result_col, -1); /* a missing column stays missing */
    CHECK_INT(d->inds[2].level1, JX_L1_BENEFIT);
    CHECK_INT(d->inds[3].level1, JX_L1_SATISFACTION);
    CHECK_INT(d->inds[3].result_col, 7);
    free_cols(d->cols, d->ncols);
    free(d->inds);
}

static const char HEAD[] =
    "## 2021年度部门预算项目绩效自评表\n单位: 万元\n"
    "序号\t项目名称\t预算数\t执行数\t执行率\t产出目标\t\t\t\t满意度指标\t\t存在问题\t整改情况\n"
    "\t\t\t\t\t数量指标\t\t时效指标\t\t服务对象满意度指标\t\t\t\n"
    "\t\t\t\t\t年度指标内容\t完成情况\t年度指标内容\t完成情况\t年度指标内容\t完成情况\t\t\n";

static int read_one(const char *row, jx_project *p, jx_table **t)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", HEAD, row);
    jx_err err = {0};
    if (jx_table_open_mem(t, buf, strlen(buf), "mem", NULL, &err) < 0) return -1;
    return jx_table_next(*t, p, &err);
}

TEST(realign_row_as_read_when_full)
{
    jx_table *t;
    jx_project p;
    CHECK_INT(read_one("1\t甲\t1.00\t1.00\t100%\t≥2次\t3次\t6月前\t5月完成\t满意度≥90%\t95%\t无\t无", &p, &t), 1);
    CHECK(p.repair == NULL);
    jx_table_close(t);
}

TEST(realign_lost_satisfaction_pair_is_certain)
{
    jx_table *t;
    jx_project p;
    /* The satisfaction pair is missing: 无/无 slid into its columns. */
    CHECK_INT(read_one("1\t甲\t1.00\t1.00\t100%\t≥2次\t开展3次\t6月前完成\t5月20日完成\t无\t无\t\t", &p, &t), 1);
    CHECK(p.repair != NULL);
    if (p.repair) {
        CHECK_INT(p.repair->certain, 1);
        CHECK_INT(p.repair->ngaps, 2);
        CHECK_INT(p.repair->gaps[0].col, 9);
        CHECK_INT(p.repair->gaps[1].col, 10);
    }
    CHECK_STR(jx_project_field(&p, jx_table_doc(t), JX_F_PROBLEMS)->s, "无");
    CHECK_STR(jx_project_field(&p, jx_table_doc(t), JX_F_RECTIFICATION)->s, "无");
    jx_table_close(t);
}

TEST(realign_keeps_legitimately_empty_tail)
{
    jx_table *t;
    jx_project p;
    /* Empty 问题/整改 at the end is not a lost cell. */
    CHECK_INT(read_one("1\t甲\t1.00\t1.00\t100%\t≥2次\t开展3次\t6月前\t5月20日完成\t满意度≥90%\t95%\t\t", &p, &t), 1);
    CHECK(p.repair == NULL);
    jx_table_close(t);
}

TEST(realign_no_realign_option)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", HEAD, "1\t甲\t1.00\t1.00\t100%\t≥2次\t开展3次\t6月前完成\t5月20日完成\t无\t无\t\t");
    jx_table *t;
    jx_project p;
    jx_err err = {0};
    jx_table_opts o = {0};
    o.no_realign = 1;
    CHECK_INT(jx_table_open_mem(&t, buf, strlen(buf), "mem", &o, &err), 0);
    CHECK_INT(jx_table_next(t, &p, &err), 1);
    CHECK(p.repair == NULL);
    jx_table_close(t);
}

TEST(table_preamble_and_totals_row)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", HEAD, "1\t甲\t1.00\t1.00\t100%\n\t合计\t1.00\t1.00\t100%\n填报人: 张三\n");
    jx_table *t;
    jx_project p;
    jx_err err = {0};
    CHECK_INT(jx_table_open_mem(&t, buf, strlen(buf), "mem", NULL, &err), 0);
    const jx_doc *d = jx_table_doc(t);
    CHECK_INT(d->year, 2021);
    CHECK_INT(d->unit, JX_UNIT_WAN);
    CHECK_INT(d->header_rows, 3);
    CHECK_INT(jx_table_next(t, &p, &err), 1);
    CHECK_INT(p.kind, JX_ROW_PROJECT);
    CHECK_INT(jx_table_next(t, &p, &err), 1);
    CHECK_INT(p.kind, JX_ROW_TOTAL);
    CHECK_INT(jx_table_next(t, &p, &err), 0);
    CHECK_INT(d->ndiags, 1); /* the 填报人 line is a note */
    jx_table_close(t);
}

TEST(table_no_header_is_an_error)
{
    jx_table *t;
    jx_err err = {0};
    const char *text = "会议纪要\n今天讨论了预算。\n";
    CHECK_INT(jx_table_open_mem(&t, text, strlen(text), "memo.txt", NULL, &err), -1);
    CHECK_INT(err.code, JX_EFORMAT);
    CHECK(strstr(err.msg, "memo.txt") != NULL);
}
