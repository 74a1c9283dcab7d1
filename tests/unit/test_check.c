/* Unit tests of jixiao check's C side: the rule registry, money mentions for
 * the 元/万元 rule, each C rule at and around its threshold on tables built in
 * memory from the seed's header, and the command starting no Lua state while
 * every Lua rule is off. Run from the repository root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "cmd.h"
#include "table.h"
#include "unit.h"
#include "value.h"

#define SEED "tests/data/000_657db78fa8902e38.txt"

/* ---- building tables ---- */

static const char *const clean_row[30] = {
    "1", "区工商联", "clean", "10.00", "10.00", "0.00", "0.00", "9.50", "9.50", "0.00", "0.00", "95.00%",
    "举办培训班4期", "全年举办培训班4期", "举办培训班≥4期", "举办培训班4期", "培训合格率≥90%", "培训合格率95%",
    "12月底前完成", "11月20日完成", "节约会务成本≥5%", "节约会务成本5.5%", "服务会员企业≥100家",
    "服务会员企业110家", "线上办会比例≥60%", "线上办会比例65%", "参训会员满意度≥90%", "问卷调查满意度96%",
    "无", "无"};

/* The seed's preamble and header (its first 11 lines). */
static char *head(void)
{
    static char buf[8192];
    if (buf[0]) return buf;
    FILE *f = fopen(SEED, "rb");
    if (!f) return buf;
    size_t n = 0;
    int lines = 0, c;
    while (lines < 11 && (c = fgetc(f)) != EOF && n < sizeof buf - 1) {
        buf[n++] = (char)c;
        lines += c == '\n';
    }
    buf[n] = 0;
    fclose(f);
    return buf;
}

struct change {
    int col; /* 1-based; 0 ends the list */
    const char *text;
};

/* Appends the clean row with the changes applied. */
static void add_row(char *t, size_t cap, const struct change *ch)
{
    const char *cells[30];
    memcpy(cells, clean_row, sizeof cells);
    for (; ch && ch->col; ch++) cells[ch->col - 1] = ch->text;
    for (int i = 0; i < 30; i++) {
        strncat(t, cells[i], cap - strlen(t) - 1);
        strncat(t, i == 29 ? "\n" : "\t", cap - strlen(t) - 1);
    }
}

/* Runs the C rules over a table text; findings stay in ck. 0, or -1 if the
 * table does not open. */
static int run_c(jx_check *ck, const char *text)
{
    jx_table *t;
    jx_err err = {0};
    if (jx_table_open_mem(&t, text, strlen(text), "mem.txt", NULL, &err) < 0) {
        printf("  open: %s\n", err.msg);
        return -1;
    }
    const jx_doc *d = jx_table_doc(t);
    jx_project p;
    jx_check_doc_begin(ck, d);
    while (jx_table_next(t, &p, &err) > 0) jx_check_project(ck, d, &p);
    jx_check_doc_end(ck, d);
    /* findings own copies of everything: the table can go */
    jx_table_close(t);
    return 0;
}

/* Findings for one table made of the given rows, each a change list. */
static int findings_of(jx_rules *rs, jx_check *ck, const struct change *const *rows, int n)
{
    static char text[65536];
    strcpy(text, head());
    for (int i = 0; i < n; i++) add_row(text, sizeof text, rows[i]);
    jx_check_init(ck, rs);
    return run_c(ck, text);
}

static int count(const jx_check *ck, const char *rule)
{
    int k = 0;
    for (int i = 0; i < ck->n; i++) k += !strcmp(ck->v[i].rule, rule);
    return k;
}

static const jx_finding *first(const jx_check *ck, const char *rule)
{
    for (int i = 0; i < ck->n; i++)
        if (!strcmp(ck->v[i].rule, rule)) return &ck->v[i];
    return NULL;
}

/* One row with its changes; returns how many findings of rule it gives. */
static int one(const char *rule, const struct change *ch)
{
    jx_rules rs;
    jx_check ck;
    jx_rules_init(&rs, NULL);
    const struct change *rows[] = {ch};
    int k = findings_of(&rs, &ck, rows, 1) < 0 ? -1 : count(&ck, rule);
    if (k >= 0 && ck.n != k)
        for (int i = 0; i < ck.n; i++) printf("  other finding: %s: %s\n", ck.v[i].rule, ck.v[i].message);
    jx_check_free(&ck);
    jx_rules_free(&rs);
    return k;
}

/* ---- the registry ---- */

TEST(check_registry_defaults)
{
    jx_rules rs;
    CHECK_INT(jx_rules_init(&rs, NULL), 0);
    jx_rule *r = jx_rules_find(&rs, "sum-of-parts");
    CHECK(r && r->severity == JX_SEV_ERROR && r->enabled && !r->lua);
    r = jx_rules_find(&rs, "date-outside-year");
    CHECK(r && r->severity == JX_SEV_WARNING && r->text && !r->lua);
    CHECK(jx_rules_find(&rs, "repaired-row")->severity == JX_SEV_INFO);
    CHECK(jx_rules_find(&rs, "no-such-rule") == NULL);
    CHECK_INT(jx_rules_lua_enabled(&rs), 0);
    /* an extended vocabulary moves the text rules, and only them, to Lua */
    jx_rules_text_in_lua(&rs);
    CHECK(jx_rules_find(&rs, "date-outside-year")->lua);
    CHECK(!jx_rules_find(&rs, "sum-of-parts")->lua);
    CHECK_INT(jx_rules_lua_enabled(&rs), 1);
    jx_rules_free(&rs);
}

TEST(check_registry_apply)
{
    jx_rules rs;
    jx_err err = {0};
    jx_rules_init(&rs, NULL);
    CHECK_INT(jx_rules_apply(&rs, " vague-target , unit-slip,", 1, JX_SEV_INFO, &err), 0);
    CHECK(!jx_rules_find(&rs, "vague-target")->enabled);
    CHECK(!jx_rules_find(&rs, "unit-slip")->enabled);
    CHECK_INT(jx_rules_apply(&rs, "unit-slip", 0, JX_SEV_ERROR, &err), 0);
    jx_rule *r = jx_rules_find(&rs, "unit-slip");
    CHECK(r->enabled && r->severity == JX_SEV_ERROR && r->relevelled && r->default_severity == JX_SEV_WARNING);
    CHECK_INT(jx_rules_apply(&rs, "vague-target,nope", 1, JX_SEV_INFO, &err), -1);
    CHECK_INT(err.code, JX_EUSAGE);
    CHECK(strstr(err.msg, "no rule 'nope'; the rules are: sum-of-parts, rate-mismatch") != NULL);
    CHECK(strstr(err.msg, "missing-result") != NULL);
    jx_sev s;
    CHECK_INT(jx_sev_parse("warning", &s), 0);
    CHECK_INT(s, JX_SEV_WARNING);
    CHECK_INT(jx_sev_parse("fatal", &s), -1);
    CHECK_STR(jx_sev_name(JX_SEV_ERROR), "error");
    jx_rules_free(&rs);
}

TEST(check_registry_lua_off)
{
    jx_rules rs;
    jx_rules_init(&rs, NULL);
    jx_rules_text_in_lua(&rs);
    for (int i = 0; i < rs.n; i++)
        if (rs.v[i].lua) rs.v[i].enabled = 0;
    CHECK_INT(jx_rules_lua_enabled(&rs), 0);
    jx_rules_free(&rs);
}

TEST(check_registry_user_rules)
{
    jx_rules rs;
    jx_err err = {0};
    jx_rules_init(&rs, NULL);
    int n = rs.n;
    CHECK_INT(jx_rules_add(&rs, "my-rule-2", JX_SEV_INFO, "mine", &err), 0);
    CHECK_INT(rs.n, n + 1);
    jx_rule *r = jx_rules_find(&rs, "my-rule-2");
    CHECK(r && r->user && r->lua && r->severity == JX_SEV_INFO);
    CHECK_STR(r->doc, "mine");
    CHECK_INT(jx_rules_add(&rs, "my-rule-2", JX_SEV_INFO, NULL, &err), -1);
    CHECK(strstr(err.msg, "already taken") != NULL);
    CHECK_INT(jx_rules_add(&rs, "sum-of-parts", JX_SEV_INFO, NULL, &err), -1);
    CHECK_INT(jx_rules_add(&rs, "Bad", JX_SEV_INFO, NULL, &err), -1);
    CHECK_INT(jx_rules_add(&rs, "9lives", JX_SEV_INFO, NULL, &err), -1);
    CHECK_INT(jx_rules_add(&rs, "", JX_SEV_INFO, NULL, &err), -1);
    CHECK_INT(err.code, JX_EUSAGE);
    jx_rules_free(&rs);
}

/* ---- money mentions ---- */

static int mentions(const char *s, jx_money_mention *m) { return jx_money_mentions(s, strlen(s), m, 8); }

static const char *yuan(jx_dec v)
{
    static char buf[JX_DEC_BUFSZ];
    jx_dec_format(jx_dec_normalize(v), buf);
    return buf;
}

TEST(check_money_mentions)
{
    jx_money_mention m[8];
    const char *s = "发放奖励金额6.03元。";
    CHECK_INT(mentions(s, m), 1);
    CHECK_STR(yuan(m[0].yuan), "6.03");
    CHECK_INT((int)m[0].len, 7);
    CHECK(!memcmp(s + m[0].start, "6.03元", m[0].len));
    CHECK_INT(mentions("补贴约92.45万元, 奖励6.03万元", m), 2);
    CHECK_STR(yuan(m[0].yuan), "924500");
    CHECK_STR(yuan(m[1].yuan), "60300");
    CHECK_INT(mentions("投资1,200亿元", m), 1);
    CHECK_STR(yuan(m[0].yuan), "120000000000");
    CHECK_INT(mentions("６．０３万元", m), 1);
    CHECK_STR(yuan(m[0].yuan), "60300");
    CHECK_INT(mentions("每人 5 元", m), 1);
    CHECK_INT(mentions("3千元和2百万元", m), 2);
    CHECK_STR(yuan(m[0].yuan), "3000");
    CHECK_STR(yuan(m[1].yuan), "2000000");
}

TEST(check_money_mentions_not_money)
{
    jx_money_mention m[8];
    CHECK_INT(mentions("完成3单元办公室改造", m), 0);
    CHECK_INT(mentions("2021元旦前完成慰问", m), 0);
    CHECK_INT(mentions("公元2021年", m), 0);
    CHECK_INT(mentions("采购100美元设备", m), 0);
    CHECK_INT(mentions("2021元月完成", m), 0);
    CHECK_INT(mentions("满意度100%, 1.2.3项", m), 0);
    CHECK_INT(mentions("", m), 0);
    CHECK_INT(mentions("元", m), 0);
    CHECK_INT(mentions("1元2元3元4元5元6元7元8元9元", m), 8); /* bounded by max */
}

/* ---- C rules ---- */

TEST(check_sum_of_parts_threshold)
{
    CHECK_INT(one("sum-of-parts", (struct change[]){{4, "10.01"}, {0, 0}}), 0);
    CHECK_INT(one("sum-of-parts", (struct change[]){{4, "10.02"}, {0, 0}}), 1);
    CHECK_INT(one("sum-of-parts", (struct change[]){{8, "9.49"}, {0, 0}}), 0);
    CHECK_INT(one("sum-of-parts", (struct change[]){{8, "9.48"}, {0, 0}}), 1);
    CHECK_INT(one("sum-of-parts", (struct change[]){{7, "-"}, {0, 0}}), 0);   /* absent part counts 0 */
    CHECK_INT(one("sum-of-parts", (struct change[]){{6, "0.50"}, {5, "9.50"}, {0, 0}}), 0);
}

TEST(check_sum_of_parts_message)
{
    jx_rules rs;
    jx_check ck;
    jx_rules_init(&rs, NULL);
    const struct change *rows[] = {(struct change[]){{6, "1.00"}, {0, 0}}};
    CHECK_INT(findings_of(&rs, &ck, rows, 1), 0);
    const jx_finding *f = first(&ck, "sum-of-parts");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(f->column, 4);
        CHECK_INT(f->line, 12);
        CHECK_INT(f->project, 1);
        CHECK_STR(f->project_name, "clean");
        CHECK_STR(f->column_path, "项目年度预算金额 / 合计");
        CHECK_STR(f->text, "10.00");
        CHECK(f->severity == JX_SEV_ERROR);
        CHECK(strstr(f->message, "合计 10.00 ≠ 一般公共预算 10.00 + 政府性基金 1.00 + 非财政资金 0.00 = 11.00") != NULL);
    }
    jx_check_free(&ck);
    jx_rules_free(&rs);
}

TEST(check_rate_tolerance)
{
    /* 0.5 pp below 50%: at the tolerance passes, past it fails */
    struct change at[] = {{4, "100.00"}, {5, "100.00"}, {8, "50.00"}, {9, "50.00"}, {12, "50.50%"}, {29, "延期"}, {0, 0}};
    CHECK_INT(one("rate-mismatch", at), 0);
    at[4].text = "49.50%";
    CHECK_INT(one("rate-mismatch", at), 0);
    at[4].text = "50.51%";
    CHECK_INT(one("rate-mismatch", at), 1);
    at[4].text = "49.49%";
    CHECK_INT(one("rate-mismatch", at), 1);
    /* 1% of the rate above 50%: 1.00 pp at 100% */
    struct change rel[] = {{8, "10.00"}, {9, "10.00"}, {12, "99.00%"}, {0, 0}};
    CHECK_INT(one("rate-mismatch", rel), 0);
    rel[2].text = "98.99%";
    CHECK_INT(one("rate-mismatch", rel), 1);
    rel[2].text = "0.995"; /* a fraction */
    CHECK_INT(one("rate-mismatch", rel), 0);
    rel[2].text = "100";  /* plain percent */
    CHECK_INT(one("rate-mismatch", rel), 0);
}

TEST(check_rate_rules)
{
    CHECK_INT(one("zero-budget-spending",
                  (struct change[]){{4, "0.00"}, {5, "0.00"}, {8, "1.00"}, {9, "1.00"}, {12, "-"}, {0, 0}}), 1);
    CHECK_INT(one("zero-budget-spending",
                  (struct change[]){{4, "-"}, {5, "-"}, {8, "1.00"}, {9, "1.00"}, {12, "-"}, {0, 0}}), 1);
    CHECK_INT(one("zero-budget-spending",
                  (struct change[]){{4, "0.00"}, {5, "0.00"}, {8, "0.00"}, {9, "0.00"}, {12, "-"}, {0, 0}}), 0);
    CHECK_INT(one("rate-over-100", (struct change[]){{8, "10.01"}, {9, "10.01"}, {12, "100.10%"}, {0, 0}}), 1);
    CHECK_INT(one("rate-over-100", (struct change[]){{8, "10.00"}, {9, "10.00"}, {12, "100.00%"}, {0, 0}}), 0);
    struct change low[] = {{8, "8.99"}, {9, "8.99"}, {12, "89.90%"}, {29, "无。"}, {0, 0}};
    CHECK_INT(one("low-rate-no-reason", low), 1);
    low[3].text = "-";
    CHECK_INT(one("low-rate-no-reason", low), 1);
    low[3].text = "因疫情影响, 部分活动延期";
    CHECK_INT(one("low-rate-no-reason", low), 0);
    struct change ninety[] = {{8, "9.00"}, {9, "9.00"}, {12, "90.00%"}, {0, 0}};
    CHECK_INT(one("low-rate-no-reason", ninety), 0);
}

TEST(check_total_rows)
{
    jx_rules rs;
    jx_check ck;
    jx_rules_init(&rs, NULL);
    const struct change *rows[] = {
        (struct change[]){{3, "a"}, {0, 0}},
        (struct change[]){{3, "b"}, {0, 0}},
        (struct change[]){{1, "小计"}, {3, ""}, {4, "20.00"}, {5, "20.00"}, {8, "19.00"}, {9, "19.00"}, {0, 0}},
        (struct change[]){{3, "c"}, {0, 0}},
        (struct change[]){{1, "合计"}, {3, ""}, {4, "30.00"}, {5, "30.00"}, {8, "28.50"}, {9, "28.50"}, {0, 0}},
        (struct change[]){{3, "d"}, {0, 0}},
        (struct change[]){{1, "合计"}, {3, ""}, {4, "10.01"}, {5, "10.01"}, {8, "9.52"}, {9, "9.50"}, {12, "95.10%"},
                          {0, 0}},
    };
    CHECK_INT(findings_of(&rs, &ck, rows, 7), 0);
    CHECK_INT(count(&ck, "total-row-mismatch"), 1);
    CHECK_INT(count(&ck, "sum-of-parts"), 1); /* the last row's actual 9.52 vs 9.50 */
    const jx_finding *f = first(&ck, "total-row-mismatch");
    if (f) {
        CHECK_INT(f->column, 8);
        CHECK_INT(f->project, 0);
        CHECK_STR(f->project_name, "合计");
        CHECK(strstr(f->message, "add up to 38.00") != NULL || strstr(f->message, "9.50") != NULL);
    }
    jx_check_free(&ck);
    jx_rules_free(&rs);
}

TEST(check_unit_slip)
{
    CHECK_INT(one("unit-slip", (struct change[]){{14, "发放6.03万元"}, {17, "发放奖励金额6.03元"}, {0, 0}}), 1);
    /* the same spelling in two more cells is still one slip */
    CHECK_INT(one("unit-slip",
                  (struct change[]){{14, "发放6.03万元"}, {17, "奖励6.03元"}, {18, "奖励6.03元。"}, {0, 0}}), 1);
    CHECK_INT(one("unit-slip", (struct change[]){{30, "结余10元上缴"}, {0, 0}}), 1); /* vs the 10.00万元 budget */
    CHECK_INT(one("unit-slip", (struct change[]){{30, "结余10万元上缴"}, {0, 0}}), 0);
    CHECK_INT(one("unit-slip", (struct change[]){{14, "支出3万元"}, {30, "3单元改造"}, {0, 0}}), 0);
    CHECK_INT(one("unit-slip", (struct change[]){{14, "支出2021万元"}, {30, "2021元旦慰问"}, {0, 0}}), 0);
    CHECK_INT(one("unit-slip", (struct change[]){{14, "发放6.03万元"}, {17, "即60300元"}, {0, 0}}), 0);
    CHECK_INT(one("unit-slip", (struct change[]){{3, "6.03元项目"}, {14, "发放6.03万元"}, {0, 0}}), 0);
}

TEST(check_repairs_and_reader_on_seed)
{
    jx_rules rs;
    jx_check ck;
    jx_rules_init(&rs, NULL);
    for (int i = 0; i < rs.n; i++) /* the money and reader rules only: tests/golden has the text rules */
        if (rs.v[i].text) rs.v[i].enabled = 0;
    jx_check_init(&ck, &rs);
    FILE *f = fopen(SEED, "rb");
    static char text[65536];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f) fclose(f);
    text[n] = 0;
    CHECK_INT(run_c(&ck, text), 0);
    CHECK_INT(count(&ck, "repaired-row"), 3);
    CHECK_INT(count(&ck, "unit-slip"), 1);
    CHECK_INT(ck.n, 4); /* and nothing else: all six rows add up */
    const jx_finding *r = first(&ck, "repaired-row");
    if (r) {
        CHECK_INT(r->line, 15);
        CHECK_INT(r->column, 0);
        CHECK(r->text == NULL);
        CHECK(strstr(r->message, "ragged row (29 cells where the layout has 30)") != NULL);
    }
    const jx_finding *u = first(&ck, "unit-slip");
    if (u) {
        CHECK_INT(u->line, 17);
        CHECK_INT(u->column, 17);
        CHECK(strstr(u->message, "\"6.03元\" here but \"6.03万元\" in column 14") != NULL);
        CHECK(strstr(u->message, "also in column 18") != NULL);
        /* quoted cell cut at a character, marked with … */
        size_t len = strlen(u->text);
        CHECK(len <= 123);
        CHECK(!strcmp(u->text + len - 3, "…"));
        CHECK_INT(jx_utf8_prefix(u->text, len, len), len);
    }
    jx_check_free(&ck);
    jx_rules_free(&rs);
}

TEST(check_reader_diagnostics)
{
    CHECK_INT(one("amount-not-number", (struct change[]){{5, "约10"}, {0, 0}}), 1);
    CHECK_INT(one("rate-not-number", (struct change[]){{12, "已完成"}, {0, 0}}), 1);
}

TEST(check_disabled_and_relevelled)
{
    jx_rules rs;
    jx_check ck;
    jx_err err = {0};
    jx_rules_init(&rs, NULL);
    jx_rules_apply(&rs, "sum-of-parts", 1, 0, &err);
    jx_rules_apply(&rs, "rate-mismatch", 0, JX_SEV_INFO, &err);
    const struct change *rows[] = {(struct change[]){{4, "10.50"}, {12, "80.00%"}, {0, 0}}};
    CHECK_INT(findings_of(&rs, &ck, rows, 1), 0);
    CHECK_INT(count(&ck, "sum-of-parts"), 0);
    CHECK_INT(count(&ck, "rate-mismatch"), 1);
    CHECK(first(&ck, "rate-mismatch") && first(&ck, "rate-mismatch")->severity == JX_SEV_INFO);
    jx_check_sort(&ck);
    jx_check_clear(&ck);
    CHECK_INT(ck.n, 0);
    jx_check_free(&ck);
    jx_rules_free(&rs);
}

/* ---- the command ---- */

/* Runs the command with its messages to standard error silenced, so the
 * test log stays readable (the report itself goes to a file with -o). */
static int run_cmd(char **argv, int argc)
{
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);
    int rc = jx_cmd_check(argc, argv);
    fflush(stderr);
    if (saved >= 0) dup2(saved, 2), close(saved);
    if (null >= 0) close(null);
    return rc;
}

TEST(check_cmd_no_lua_state_unless_a_rule_needs_one)
{
    char out[] = "/tmp/jixiao-check-unit.XXXXXX";
    int fd = mkstemp(out);
    CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    char rules[] = "/tmp/jixiao-check-rules.XXXXXX";
    fd = mkstemp(rules);
    CHECK(fd >= 0);
    if (fd < 0) return;
    static const char user[] = "return {{id = \"u-rule\", project = function() end}}\n";
    CHECK(write(fd, user, sizeof user - 1) == (ssize_t)(sizeof user - 1));
    close(fd);
    /* every built-in rule, the text rules included, runs in C */
    int before = jx_check_lua_states();
    char *plain[] = {"check", "--format", "json", "-o", out, SEED, NULL};
    CHECK_INT(run_cmd(plain, 6), 0);
    CHECK_INT(jx_check_lua_states(), before);
    /* a user rule runs in Lua */
    char *with[] = {"check", "--rules", rules, "-o", out, SEED, NULL};
    CHECK_INT(run_cmd(with, 6), 0);
    CHECK_INT(jx_check_lua_states(), before + 1);
    unlink(rules);
    char *errors[] = {"check", "--error", "date-outside-year", "-o", out, SEED, NULL};
    CHECK_INT(run_cmd(errors, 6), 1);
    char *missing[] = {"check", "-o", out, "tests/data/check/no-such-file.txt", NULL};
    CHECK_INT(run_cmd(missing, 4), 2);
    unlink(out);
}
