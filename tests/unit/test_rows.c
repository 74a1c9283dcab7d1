/* Unit tests of the record reader (src/rows.c): the seed in every encoding and
 * line-end style gives the same cells, spreadsheet quoting, line numbers,
 * delimiter detection, limits, and records cut at every refill boundary. Run
 * from the repository root. */
#include <stdlib.h>

#include "rows.h"
#include "unit.h"

#define SEED "tests/data/000_657db78fa8902e38.txt"
#define ENC "tests/data/enc/"

/* A growable string for rendering rows. */
typedef struct { char *s; size_t n, cap; } sbuf;

static void sb_add(sbuf *b, const char *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 4096;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void sb_printf(sbuf *b, const char *fmt, long x, long y, int n)
{
    char tmp[64];
    int k = snprintf(tmp, sizeof tmp, fmt, x, y, n);
    sb_add(b, tmp, (size_t)k);
}

/* Renders every row as "line-end_line:n:cell|cell|...\n" (quoted cells in
 * brackets when with_quoted) and returns it, or NULL with err filled; the
 * text rendered before the error is left in *partial when it is not NULL. */
static char *render(jx_rows *r, int with_quoted, jx_err *err, char **partial)
{
    sbuf b = {0};
    jx_row row;
    int rc;
    sb_add(&b, "", 0);
    while ((rc = jx_rows_next(r, &row, err)) == 1) {
        sb_printf(&b, "%ld-%ld:%d:", row.line, row.end_line, row.n);
        for (int i = 0; i < row.n; i++) {
            const jx_cell *c = &row.cells[i];
            if (c->s[c->len] != 0) unit_fail(__FILE__, __LINE__, "cell not NUL-terminated");
            if (i) sb_add(&b, "|", 1);
            if (with_quoted && c->quoted) sb_add(&b, "[", 1);
            sb_add(&b, c->s, c->len);
            if (with_quoted && c->quoted) sb_add(&b, "]", 1);
        }
        sb_add(&b, "\n", 1);
    }
    if (rc < 0) {
        if (partial) *partial = b.s;
        else free(b.s);
        return NULL;
    }
    return b.s;
}

static jx_rows *open_mem_opts(const char *text, size_t len, const jx_rows_opts *o, size_t chunk)
{
    jx_source *s;
    jx_rows *r;
    jx_err err = {0};
    if (jx_source_open_mem(&s, text, len, "t.csv", JX_ENC_AUTO, &err) < 0) {
        unit_fail(__FILE__, __LINE__, "%s", err.msg);
        return NULL;
    }
    jx_source_set_chunk(s, chunk);
    if (jx_rows_open(&r, s, o, &err) < 0) {
        unit_fail(__FILE__, __LINE__, "%s", err.msg);
        return NULL;
    }
    return r;
}

static jx_rows *open_mem(const char *text, size_t len, char delim, size_t chunk)
{
    jx_rows_opts o = {delim, 0, 0, 0};
    return open_mem_opts(text, len, &o, chunk);
}

/* Parses text with options o and compares the rendering with want. */
static void check_rows_opts(const char *text, const jx_rows_opts *o, const char *want)
{
    jx_rows *r = open_mem_opts(text, strlen(text), o, 0);
    if (!r) return;
    jx_err err = {0};
    char *got = render(r, 1, &err, NULL);
    if (!got) unit_fail(__FILE__, __LINE__, "%s", err.msg);
    else CHECK_STR(got, want);
    free(got);
    jx_rows_close(r);
}

/* Parses text (delim 0 = detect) and compares the rendering with want. */
static void check_rows(const char *text, char delim, const char *want)
{
    jx_rows_opts o = {delim, 0, 0, 0};
    check_rows_opts(text, &o, want);
}

/* Parsing must fail with code and a message containing needle. */
static void check_fails(const char *text, size_t len, const jx_rows_opts *o, int code,
                        const char *needle)
{
    jx_source *s;
    jx_rows *r;
    jx_err err = {0};
    if (jx_source_open_mem(&s, text, len, "t.csv", JX_ENC_AUTO, &err) < 0 ||
        jx_rows_open(&r, s, o, &err) < 0) {
        unit_fail(__FILE__, __LINE__, "%s", err.msg);
        return;
    }
    char *got = render(r, 0, &err, NULL);
    CHECK(got == NULL);
    free(got);
    CHECK_INT(err.code, code);
    if (!strstr(err.msg, needle))
        unit_fail(__FILE__, __LINE__, "\"%s\" lacks \"%s\"", err.msg, needle);
    /* errors stick */
    jx_row row;
    err.msg[0] = 0;
    CHECK_INT(jx_rows_next(r, &row, &err), -1);
    CHECK(strstr(err.msg, needle) != NULL);
    jx_rows_close(r);
}

static char *render_file(const char *path, char *delim_out)
{
    jx_source *s;
    jx_rows *r;
    jx_err err = {0};
    if (jx_source_open(&s, path, NULL, JX_ENC_AUTO, &err) < 0 ||
        jx_rows_open(&r, s, NULL, &err) < 0) {
        unit_fail(__FILE__, __LINE__, "%s", err.msg);
        return NULL;
    }
    char *got = render(r, 0, &err, NULL);
    if (!got) unit_fail(__FILE__, __LINE__, "%s: %s", path, err.msg);
    if (delim_out) *delim_out = jx_rows_delim(r);
    jx_rows_close(r);
    return got;
}

TEST(rows_seed_shape)
{
    jx_source *s;
    jx_rows *r;
    jx_err err = {0};
    jx_row row;
    CHECK_INT(jx_source_open(&s, SEED, NULL, JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_rows_open(&r, s, NULL, &err), 0);
    CHECK_INT(jx_rows_delim(r), '\t');
    CHECK(jx_rows_source(r) == s);
    int n = 0;
    while (jx_rows_next(r, &row, &err) == 1) {
        n++;
        CHECK_INT(row.line, n);
        CHECK_INT(row.end_line, n);
        if (n == 1 || n == 2 || n == 4) {
            CHECK_INT(row.n, 1);
            CHECK_INT(row.cells[0].len, 0);
        }
        if (n == 3) CHECK_STR(row.cells[0].s, "## 2021年度区工商联部门预算项目绩效自评表");
        if (n >= 9) CHECK_INT(row.n, 30);
        if (n == 9) {
            CHECK_STR(row.cells[0].s, "序号");
            CHECK_STR(row.cells[29].s, "整改情况");
        }
        if (n == 12) {
            CHECK_STR(row.cells[3].s, "3.07");
            CHECK_STR(row.cells[7].s, "3.02");
        }
        if (n == 17) {
            CHECK_STR(row.cells[2].s, "党建事务");
            CHECK_STR(row.cells[27].s, "无");
        }
    }
    CHECK_INT(n, 17); /* the last record has no final newline */
    CHECK_INT(jx_rows_next(r, &row, &err), 0);
    CHECK_INT(jx_rows_next(r, &row, &err), 0);
    jx_rows_close(r);
}

TEST(rows_every_variant_gives_the_seed_cells)
{
    static const char *paths[] = {
        ENC "utf8_bom.txt", ENC "gb18030.txt", ENC "utf16le_bom.txt", ENC "utf16be_bom.txt",
        ENC "crlf.txt",     ENC "cr.txt",      ENC "utf16le_bom_crlf.txt", ENC "comma.csv",
    };
    char d;
    char *want = render_file(SEED, &d);
    CHECK(want && strlen(want) > 10000);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char *got = render_file(paths[i], &d);
        if (got && strcmp(got, want) != 0)
            unit_fail(__FILE__, __LINE__, "%s: rows differ from the seed's", paths[i]);
        CHECK_INT(d, strstr(paths[i], ".csv") ? ',' : '\t');
        free(got);
    }
    free(want);
}

TEST(rows_quoted_cells)
{
    check_rows("\"a\tb\"\t\"x\"\"y\"\tplain\n", '\t', "1-1:3:[a\tb]|[x\"y]|plain\n");
    check_rows("\"\",\"\"\"\",x\n", ',', "1-1:3:[]|[\"]|x\n");
    check_rows("\"1.数量\n2.质量\",next\nz\n", ',', "1-2:2:[1.数量\n2.质量]|next\n3-3:1:z\n");
    check_rows("\"a,b\",\"c\r\nd\",\"e\rf\"\r\ng\r\n", ',',
               "1-3:3:[a,b]|[c\r\nd]|[e\rf]\n4-4:1:g\n");
    /* a quote only opens a quoted cell at the cell's first byte */
    check_rows("ab\"c\td\"\n", '\t', "1-1:2:ab\"c|d\"\n");
    check_rows(" \"x\",y\n", ',', "1-1:2: \"x\"|y\n");
}

TEST(rows_text_after_a_closing_quote_is_kept)
{
    check_rows("\"ab\"cd,e\n", ',', "1-1:2:[abcd]|e\n");
    check_rows("\"ab\"c\"d\",e\n", ',', "1-1:2:[abc\"d\"]|e\n");
    check_rows("\"a\"\"b\"x\"\"\n", ',', "1-1:1:[a\"bx\"\"]\n");
    check_rows("\"ab\" \n\"c\"", ',', "1-1:1:[ab ]\n2-2:1:[c]\n");
}

TEST(rows_line_ends)
{
    check_rows("a\tb\r\nc\td\r\n", 0, "1-1:2:a|b\n2-2:2:c|d\n");
    check_rows("a\tb\rc\td\r", 0, "1-1:2:a|b\n2-2:2:c|d\n");
    check_rows("a\r\rb\n\r\nc", 0, "1-1:1:a\n2-2:1:\n3-3:1:b\n4-4:1:\n5-5:1:c\n");
    check_rows("\n\n\n", 0, "1-1:1:\n2-2:1:\n3-3:1:\n");
}

TEST(rows_other_control_bytes_are_cell_text)
{
    /* \v and \x01 look like stops to the word scan and must be stepped over */
    check_rows("abcdefg\vhijklmno\tp\x01qrstuvwxyz0123\vx\n", '\t',
               "1-1:2:abcdefg\vhijklmno|p\x01qrstuvwxyz0123\vx\n");
    check_rows("\"abc\vdefghijklm\x0bnop\",q\vrstuvwxyzabcdef,\n", ',',
               "1-1:3:[abc\vdefghijklm\x0bnop]|q\vrstuvwxyzabcdef|\n");
}

TEST(rows_end_of_input)
{
    check_rows("", 0, "");
    check_rows("a\tb", 0, "1-1:2:a|b\n");           /* no final newline */
    check_rows("a\tb\n", 0, "1-1:2:a|b\n");         /* the final newline ends it */
    check_rows("a\tb\n\n", 0, "1-1:2:a|b\n2-2:1:\n"); /* a real empty line */
    check_rows("a\tb\t", 0, "1-1:3:a|b|\n");        /* a delimiter before EOF */
    check_rows("a,b,\n,", ',', "1-1:3:a|b|\n2-2:2:|\n");
    check_rows("\"a\"", ',', "1-1:1:[a]\n");
    check_rows("\"a\"\"\"", ',', "1-1:1:[a\"]\n");
    check_rows("a\r", 0, "1-1:1:a\n");
}

TEST(rows_unterminated_quote)
{
    const char t[] = "a,b\nc,\"d,e\nf\ng\n";
    check_fails(t, sizeof t - 1, NULL, JX_EFORMAT,
                "t.csv: line 2: quoted cell opened here is never closed (unterminated \"); "
                "check the export");
    check_fails("\"", 1, NULL, JX_EFORMAT, "line 1: quoted cell");
    check_fails("x\n\"ab\"\"", 7, NULL, JX_EFORMAT, "line 2: quoted cell");
}

TEST(rows_delimiter_detection)
{
    check_rows("a,b\tc\n", 0, "1-1:2:a,b|c\n");
    check_rows("a,b,c\n", 0, "1-1:3:a|b|c\n");
    check_rows("only one column\n", 0, "1-1:1:only one column\n");
    /* the seed's cells hold ", " in text: tabs still win */
    check_rows("1\t2020年7月26日, 完成发放\n", 0, "1-1:2:1|2020年7月26日, 完成发放\n");
    /* a tab inside a quoted CSV cell is not a delimiter */
    check_rows("\"a\tb\",c\n\"x\"\"\ty\",z\n", 0, "1-1:2:[a\tb]|c\n2-2:2:[x\"\ty]|z\n");
    check_rows("a;b;\"c;d\"\n", ';', "1-1:3:a|b|[c;d]\n");
    jx_rows *r = open_mem("a\tb\n", 4, 0, 0);
    CHECK_INT(jx_rows_delim(r), '\t');
    jx_rows_close(r);
    r = open_mem("a,b\n", 4, 0, 0);
    CHECK_INT(jx_rows_delim(r), ',');
    jx_rows_close(r);
}

TEST(rows_detection_sees_only_the_first_64k)
{
    size_t n = 70000;
    char *t = malloc(n);
    for (size_t i = 0; i < n; i += 10) memcpy(t + i, "abc,defgh\n", 10);
    t[68005] = '\t';
    jx_rows *r = open_mem(t, n, 0, 0);
    CHECK_INT(jx_rows_delim(r), ',');
    jx_rows_close(r);
    t[60005] = '\t';
    r = open_mem(t, n, 0, 0);
    CHECK_INT(jx_rows_delim(r), '\t');
    jx_rows_close(r);
    free(t);
}

TEST(rows_bad_delimiter_option)
{
    jx_source *s;
    jx_rows *r = (jx_rows *)1;
    jx_err err = {0};
    jx_rows_opts o = {'"', 0, 0, 0};
    CHECK_INT(jx_source_open_mem(&s, "a", 1, NULL, JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_rows_open(&r, s, &o, &err), -1); /* and s is closed */
    CHECK(r == NULL);
    CHECK_INT(err.code, JX_EUSAGE);
}

TEST(rows_cell_limit)
{
    jx_rows_opts o = {0, 8, 0, 0};
    check_rows_opts("12345678\t\"1234\"\"567\"\n", &o, "1-1:2:12345678|[1234\"567]\n");
    check_fails("a\tb\nc\t123456789\n", 16, &o, JX_ELIMIT,
                "t.csv: line 2, cell 2: cell is longer than 8 bytes (the limit); if the file "
                "really has such cells, raise it with --max-cell");
    check_fails("x\n\"1\n2\"\"3456789\"", 16, &o, JX_ELIMIT, "line 2, cell 1: cell is longer");
    /* the default, 16 MiB, is named as such */
    size_t n = 16 * 1024 * 1024 + 10;
    char *t = malloc(n);
    memset(t, 'x', n);
    check_fails(t, n, NULL, JX_ELIMIT, "line 1, cell 1: cell is longer than 16 MiB");
    free(t);
}

TEST(rows_record_and_column_limits)
{
    jx_rows_opts o = {0, 0, 10, 0};
    check_fails("ab\tcd\nabcd\tefgh\tij\n", 19, &o, JX_ELIMIT,
                "t.csv: line 2: record is longer than 10 bytes (the limit); if the file really "
                "has such rows, raise it with --max-record");
    jx_rows_opts c = {',', 0, 0, 3};
    check_fails("a,b,c\n1,2,3,4\n", 14, &c, JX_ELIMIT,
                "t.csv: line 2: record has more than 3 cells (the limit); if the file really "
                "has such rows, raise it with --max-cols");
    check_fails("a,b,c,", 6, &c, JX_ELIMIT, "line 1: record has more than 3 cells");
    /* a 4096-cell row is fine by default */
    char *t = malloc(8192);
    for (int i = 0; i < 4096; i++) t[2 * i] = 'x', t[2 * i + 1] = ',';
    jx_rows *r = open_mem(t, 8191, 0, 0);
    jx_row row;
    jx_err err = {0};
    CHECK_INT(jx_rows_next(r, &row, &err), 1);
    CHECK_INT(row.n, 4096);
    jx_rows_close(r);
    free(t);
}

/* Every construct at every refill offset: chunked parses match the whole one.
 * jx_rows_open reads the first 64 KiB at once, so the constructs come after
 * that much padding, shifted by 0..7 bytes against the chunk grid. */
TEST(rows_chunk_boundaries)
{
    static const char t[] =
        "序号\t名称\t\"含\t制表\"\r\n"
        "\"a\"\"b\"\t\"多\n行\"\t\"c\"x\r"
        "\r\n"
        "\"\"\"\"\t\"\r\"\t\"\r\n\"\t末\n"
        "甲\t乙\t\r\n"
        "\"尾\"\"\"";
    jx_rows *r = open_mem(t, sizeof t - 1, 0, 0);
    jx_err err = {0};
    char *want = render(r, 1, &err, NULL);
    jx_rows_close(r);
    CHECK_STR(want, "1-1:3:序号|名称|[含\t制表]\n"
                    "2-3:3:[a\"b]|[多\n行]|[cx]\n"
                    "4-4:1:\n"
                    "5-7:4:[\"]|[\r]|[\r\n]|末\n"
                    "8-8:3:甲|乙|\n"
                    "9-9:1:[尾\"]\n");
    free(want);
    size_t pad = 65536, cap = pad + 8 + sizeof t;
    char *big = malloc(cap);
    for (size_t extra = 0; extra < 8; extra++) {
        size_t n = pad + extra;
        memset(big, '\t', n);
        for (size_t i = 0; i + 1 < n; i += 64) big[i] = '\n';
        big[n - 1] = '\n';
        memcpy(big + n, t, sizeof t - 1);
        n += sizeof t - 1;
        r = open_mem(big, n, 0, 0);
        want = render(r, 1, &err, NULL);
        jx_rows_close(r);
        for (size_t chunk = 16; chunk <= 40 && want; chunk++) {
            r = open_mem(big, n, 0, chunk);
            char *got = render(r, 1, &err, NULL);
            if (!got || strcmp(got, want) != 0)
                unit_fail(__FILE__, __LINE__, "shift %zu, chunk %zu: rows differ", extra, chunk);
            free(got);
            jx_rows_close(r);
        }
        CHECK(want && strstr(want, "末\n") != NULL);
        free(want);
    }
    free(big);
}

TEST(rows_seed_in_small_chunks)
{
    static const char *paths[] = {SEED, ENC "crlf.txt", ENC "cr.txt", ENC "comma.csv",
                                  ENC "gb18030.txt", ENC "utf16le_bom_crlf.txt"};
    char *want = render_file(SEED, NULL);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        for (size_t chunk = 16; chunk <= 20; chunk++) {
            jx_source *s;
            jx_rows *r;
            jx_err err = {0};
            CHECK_INT(jx_source_open(&s, paths[i], NULL, JX_ENC_AUTO, &err), 0);
            jx_source_set_chunk(s, chunk);
            CHECK_INT(jx_rows_open(&r, s, NULL, &err), 0);
            char *got = render(r, 0, &err, NULL);
            if (!got || strcmp(got, want) != 0)
                unit_fail(__FILE__, __LINE__, "%s, chunk %zu: rows differ", paths[i], chunk);
            free(got);
            jx_rows_close(r);
        }
    free(want);
}

/* Records and cells larger than the reader's buffer grow it; many small
 * records cross refills. */
TEST(rows_large_input)
{
    size_t big = 700 * 1024, n = 0, cap = 4 * 1024 * 1024;
    char *t = malloc(cap);
    for (int i = 0; i < 20000; i++) n += (size_t)sprintf(t + n, "%d\t区工商联\t\"x\"\"y\"\n", i);
    t[n++] = '"';
    for (size_t i = 0; i < big; i++) t[n++] = i % 1000 == 999 ? '\n' : 'q';
    t[n++] = '"', t[n++] = '\t';
    memset(t + n, 'u', big), n += big;
    n += (size_t)sprintf(t + n, "\nlast");
    jx_rows *r = open_mem(t, n, 0, 0);
    jx_row row;
    jx_err err = {0};
    int rows = 0;
    while (jx_rows_next(r, &row, &err) == 1) {
        if (rows < 20000) {
            CHECK_INT(row.n, 3);
            CHECK_INT(row.line, rows + 1);
            CHECK_INT(atoi(row.cells[0].s), rows);
            CHECK_STR(row.cells[2].s, "x\"y");
        } else if (rows == 20000) {
            CHECK_INT(row.n, 2);
            CHECK_INT(row.cells[0].len, big);
            CHECK_INT(row.cells[1].len, big);
            CHECK_INT(row.line, 20001);
            CHECK_INT(row.end_line, 20001 + (long)(big / 1000));
            CHECK(row.cells[0].s[999] == '\n' && row.cells[1].s[0] == 'u');
        } else {
            CHECK_STR(row.cells[0].s, "last");
            CHECK_INT(row.line, 20002 + (long)(big / 1000));
        }
        rows++;
    }
    CHECK_INT(rows, 20002);
    jx_rows_close(r);
    free(t);
}

TEST(rows_source_errors_pass_through)
{
    /* valid rows, then a GBK cell after the sniff window */
    size_t n = 70000;
    char *t = malloc(n + 16);
    for (size_t i = 0; i < n; i += 10) memcpy(t + i, "合计\t30\n", 10);
    memcpy(t + n, "\xb5\xb3\n", 3);
    jx_rows *r = open_mem(t, n + 3, 0, 0);
    jx_err err = {0};
    char *partial = NULL;
    CHECK(render(r, 0, &err, &partial) == NULL);
    CHECK_INT(err.code, JX_EENCODING);
    CHECK(strstr(err.msg, "t.csv: line 7001, byte offset 70000: invalid UTF-8") != NULL);
    CHECK(partial && strstr(partial, "7000-7000:2:合计|30\n") != NULL);
    free(partial);
    jx_row row;
    CHECK_INT(jx_rows_next(r, &row, &err), -1);
    jx_rows_close(r);
    free(t);
}
