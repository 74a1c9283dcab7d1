/* Unit tests of the byte source (src/source.c): encoding detection, decoding
 * of every supported encoding to the seed's exact UTF-8, binary refusal,
 * error positions, and reads cut at every chunk boundary. Run from the
 * repository root: fixtures are tests/data/enc/ (see make.sh there). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "unit.h"

#define SEED "tests/data/000_657db78fa8902e38.txt"
#define ENC "tests/data/enc/"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t k;
    while ((k = fread(b + n, 1, cap - n, f)) > 0)
        if ((n += k) == cap) b = realloc(b, cap *= 2);
    fclose(f);
    *len = n;
    return b;
}

/* Reads s to the end in reads of at most cap bytes; NULL on error. Checks
 * that no read starts or ends inside a UTF-8 sequence. */
static char *read_all(jx_source *s, size_t cap, size_t *len, jx_err *err)
{
    size_t bcap = 1 << 16, n = 0;
    char *b = malloc(bcap), *chunk = malloc(cap);
    ssize_t k;
    while ((k = jx_source_read(s, chunk, cap, err)) > 0) {
        unsigned char first = (unsigned char)chunk[0];
        CHECK((first & 0xC0) != 0x80);
        int tail = 0; /* bytes of the last sequence */
        while (tail < k && tail < 4 && ((unsigned char)chunk[k - 1 - tail] & 0xC0) == 0x80) tail++;
        if (tail < k) {
            unsigned char lead = (unsigned char)chunk[k - 1 - tail];
            int want = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
            CHECK(want == tail);
        }
        while (n + (size_t)k > bcap) b = realloc(b, bcap *= 2);
        memcpy(b + n, chunk, (size_t)k);
        n += (size_t)k;
    }
    free(chunk);
    if (k < 0) {
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

/* Opens path, reads it all and compares with want; returns the encoding. */
static jx_enc check_decodes_to(const char *path, jx_enc forced, const char *want, size_t wlen,
                               size_t cap, size_t chunk)
{
    jx_source *s;
    jx_err err = {0};
    if (jx_source_open(&s, path, NULL, forced, &err) < 0) {
        unit_fail(__FILE__, __LINE__, "%s: %s", path, err.msg);
        return JX_ENC_AUTO;
    }
    jx_source_set_chunk(s, chunk);
    size_t n;
    char *got = read_all(s, cap, &n, &err);
    if (!got) unit_fail(__FILE__, __LINE__, "%s: %s", path, err.msg);
    else if (n != wlen || memcmp(got, want, n) != 0)
        unit_fail(__FILE__, __LINE__, "%s (cap %zu, chunk %zu): decoded text differs", path, cap,
                  chunk);
    free(got);
    jx_enc e = jx_source_encoding(s);
    jx_source_close(s);
    return e;
}

static char tmpl[64];
static const char *write_tmp(const void *data, size_t len)
{
    strcpy(tmpl, "/tmp/jx_source_test.XXXXXX");
    int fd = mkstemp(tmpl);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) unit_fail(__FILE__, __LINE__, "tmp file");
    close(fd);
    return tmpl;
}

/* Opening must fail with code; the message must contain needle. */
static void check_open_fails(const char *path, int code, const char *needle)
{
    jx_source *s = NULL;
    jx_err err = {0};
    CHECK_INT(jx_source_open(&s, path, NULL, JX_ENC_AUTO, &err), -1);
    CHECK(s == NULL);
    CHECK_INT(err.code, code);
    if (!strstr(err.msg, needle))
        unit_fail(__FILE__, __LINE__, "\"%s\" lacks \"%s\"", err.msg, needle);
}

/* Reading mem must fail with code; the message must contain needle. */
static void check_mem_read_fails(const char *data, size_t len, jx_enc forced, int code,
                                 const char *needle)
{
    jx_source *s;
    jx_err err = {0};
    size_t n;
    if (jx_source_open_mem(&s, data, len, "t.txt", forced, &err) < 0) {
        unit_fail(__FILE__, __LINE__, "open: %s", err.msg);
        return;
    }
    char *got = read_all(s, 4096, &n, &err);
    CHECK(got == NULL);
    free(got);
    CHECK_INT(err.code, code);
    if (!strstr(err.msg, needle))
        unit_fail(__FILE__, __LINE__, "\"%s\" lacks \"%s\"", err.msg, needle);
    jx_source_close(s);
}

TEST(source_enc_names_and_aliases)
{
    static const struct { const char *name; jx_enc e; } cases[] = {
        {"utf-8", JX_ENC_UTF8},          {"UTF8", JX_ENC_UTF8},
        {"utf-8-bom", JX_ENC_UTF8_BOM},  {"utf8-bom", JX_ENC_UTF8_BOM},
        {"UTF-8-SIG", JX_ENC_UTF8_BOM},  {"gb18030", JX_ENC_GB18030},
        {"GBK", JX_ENC_GB18030},         {"gb2312", JX_ENC_GB18030},
        {"cp936", JX_ENC_GB18030},       {"utf-16le", JX_ENC_UTF16LE},
        {"utf16le", JX_ENC_UTF16LE},     {"UTF-16BE", JX_ENC_UTF16BE},
        {"utf16be", JX_ENC_UTF16BE},     {"auto", JX_ENC_AUTO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        jx_enc e = (jx_enc)-1;
        CHECK_INT(jx_enc_parse(cases[i].name, &e), 0);
        CHECK_INT(e, cases[i].e);
    }
    jx_enc e;
    CHECK_INT(jx_enc_parse("latin1", &e), -1);
    CHECK_INT(jx_enc_parse("", &e), -1);
    CHECK_STR(jx_enc_name(JX_ENC_UTF8), "utf-8");
    CHECK_STR(jx_enc_name(JX_ENC_UTF8_BOM), "utf-8-bom");
    CHECK_STR(jx_enc_name(JX_ENC_GB18030), "gb18030");
    CHECK_STR(jx_enc_name(JX_ENC_UTF16LE), "utf-16le");
    CHECK_STR(jx_enc_name(JX_ENC_UTF16BE), "utf-16be");
}

TEST(source_every_encoding_decodes_to_the_seed)
{
    static const struct { const char *path; jx_enc e; } cases[] = {
        {SEED, JX_ENC_UTF8},
        {ENC "utf8_bom.txt", JX_ENC_UTF8_BOM},
        {ENC "gb18030.txt", JX_ENC_GB18030},
        {ENC "utf16le_bom.txt", JX_ENC_UTF16LE},
        {ENC "utf16be_bom.txt", JX_ENC_UTF16BE},
    };
    size_t n;
    char *seed = slurp(SEED, &n);
    CHECK(seed && n > 10000);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT(check_decodes_to(cases[i].path, JX_ENC_AUTO, seed, n, 65536, 0), cases[i].e);
    free(seed);
}

TEST(source_small_reads_and_chunks_never_split_a_character)
{
    static const char *paths[] = {SEED, ENC "utf8_bom.txt", ENC "gb18030.txt",
                                  ENC "utf16le_bom.txt", ENC "utf16be_bom.txt"};
    size_t n;
    char *seed = slurp(SEED, &n);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        for (size_t cap = 16; cap <= 21; cap++) check_decodes_to(paths[i], JX_ENC_AUTO, seed, n, cap, 0);
        for (size_t chunk = 16; chunk <= 23; chunk++)
            check_decodes_to(paths[i], JX_ENC_AUTO, seed, n, 4096, chunk);
    }
    free(seed);
}

TEST(source_forced_encoding_strips_matching_bom)
{
    size_t n;
    char *seed = slurp(SEED, &n);
    CHECK_INT(check_decodes_to(ENC "utf8_bom.txt", JX_ENC_UTF8, seed, n, 4096, 0), JX_ENC_UTF8_BOM);
    CHECK_INT(check_decodes_to(SEED, JX_ENC_UTF8_BOM, seed, n, 4096, 0), JX_ENC_UTF8);
    CHECK_INT(check_decodes_to(ENC "utf16le_bom.txt", JX_ENC_UTF16LE, seed, n, 4096, 0),
              JX_ENC_UTF16LE);
    CHECK_INT(check_decodes_to(ENC "gb18030.txt", JX_ENC_GB18030, seed, n, 4096, 0),
              JX_ENC_GB18030);
    free(seed);
}

TEST(source_gbk_sample)
{
    size_t n, k = 0;
    char *seed = slurp(SEED, &n);
    for (int lines = 0; k < n && lines < 9; k++) lines += seed[k] == '\n';
    CHECK_INT(check_decodes_to(ENC "gbk_sample.txt", JX_ENC_AUTO, seed, k, 64, 0), JX_ENC_GB18030);
    free(seed);
}

TEST(source_refuses_pdf_xlsx_xls)
{
    check_open_fails(ENC "sample.pdf", JX_EBINARY, "looks like a PDF file");
    check_open_fails(ENC "sample.xlsx", JX_EBINARY, "looks like an XLSX/ZIP file");
    check_open_fails(ENC "sample.xls", JX_EBINARY, "looks like an XLS file");
    check_open_fails(ENC "sample.pdf", JX_EBINARY, "sample.pdf: binary data (");
}

TEST(source_refuses_nul_and_control_bytes)
{
    jx_source *s;
    jx_err err = {0};
    CHECK_INT(jx_source_open_mem(&s, "ab\tc\n\0xyz", 9, "t.txt", JX_ENC_AUTO, &err), -1);
    CHECK_INT(err.code, JX_EBINARY);
    CHECK_STR(err.msg, "t.txt: binary data (found NUL byte at offset 5), not a text table; "
                       "export the table as text (tab- or comma-separated)");
    const char ctl[] = "a\1b\2c\3d\4e\5f\n";
    CHECK_INT(jx_source_open_mem(&s, ctl, sizeof ctl - 1, "t.txt", JX_ENC_AUTO, &err), -1);
    CHECK_INT(err.code, JX_EBINARY);
    CHECK(strstr(err.msg, "5 control bytes") != NULL);
    /* a form feed or one stray control byte in a long text is fine */
    const char ok[] = "page\f two\tcells\r\n\x1a and more text after it";
    CHECK_INT(jx_source_open_mem(&s, ok, sizeof ok - 1, "t.txt", JX_ENC_AUTO, &err), 0);
    jx_source_close(s);
}

/* Control bytes are counted 16 at a time: the count and the first offset
 * come out right wherever they fall, and allowed ones are never counted. */
TEST(source_control_bytes_counted_at_every_offset)
{
    char buf[80];
    for (int first = 0; first < 40; first++) {
        for (int i = 0; i < (int)sizeof buf; i++) buf[i] = "ab\t\n\r\fcd"[i % 8];
        for (int k = 0; k < 5; k++) buf[first + 7 * k] = (char)(0x01 + k * 6); /* 01 07 0D 13 19: the CR is allowed */
        int want = 0;
        for (int i = 0; i < (int)sizeof buf; i++) {
            unsigned char c = (unsigned char)buf[i];
            want += c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
        }
        jx_source *s;
        jx_err err = {0};
        CHECK_INT(jx_source_open_mem(&s, buf, sizeof buf, "t.txt", JX_ENC_AUTO, &err), -1);
        char msg[120];
        snprintf(msg, sizeof msg, "(%d control bytes in the first %d, the first at offset %d)", want, (int)sizeof buf,
                 first);
        CHECK(strstr(err.msg, msg) != NULL);
    }
}

TEST(source_utf16_without_bom_is_binary_with_a_hint)
{
    const char le[] = "a\0\t\0b\0\n\0";
    jx_source *s;
    jx_err err = {0};
    CHECK_INT(jx_source_open_mem(&s, le, 8, "t.txt", JX_ENC_AUTO, &err), -1);
    CHECK_INT(err.code, JX_EBINARY);
    CHECK(strstr(err.msg, "found NUL byte at offset 1") != NULL);
    CHECK(strstr(err.msg, "pass --encoding utf-16le") != NULL);
    CHECK_INT(jx_source_open_mem(&s, le + 1, 7, "t.txt", JX_ENC_AUTO, &err), -1);
    CHECK(strstr(err.msg, "pass --encoding utf-16be") != NULL);
    /* as the hint says: */
    CHECK_INT(jx_source_open_mem(&s, le, 8, "t.txt", JX_ENC_UTF16LE, &err), 0);
    char buf[32];
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), 4);
    CHECK(memcmp(buf, "a\tb\n", 4) == 0);
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), 0);
    jx_source_close(s);
}

TEST(source_mixed_encodings_name_the_line)
{
    jx_source *s;
    jx_err err = {0};
    CHECK_INT(jx_source_open(&s, ENC "mixed.txt", NULL, JX_ENC_AUTO, &err), -1);
    CHECK_INT(err.code, JX_EENCODING);
    CHECK_STR(err.msg, ENC "mixed.txt: line 3, byte offset 37: invalid UTF-8 sequence (bytes "
                       "b5); the file is not UTF-8 throughout — re-export it as UTF-8, or pass "
                       "--encoding gb18030 if it is GBK");
    /* GB18030 read as UTF-8 by force: the first Chinese byte, on line 3 */
    check_mem_read_fails("\n\n## 2021\xc4\xea", 11, JX_ENC_UTF8, JX_EENCODING,
                         "line 3, byte offset 9: invalid UTF-8 sequence (bytes c4)");
}

TEST(source_line_count_across_chunks)
{
    /* 40 lines ending in CR, each 8 bytes, so reads of 16 end on a CR */
    char t[40 * 8 + 1];
    for (int i = 0; i < 40; i++) memcpy(t + 8 * i, "abcdefg\r", 8);
    t[320] = (char)0xff;
    for (size_t chunk = 16; chunk <= 24; chunk++) {
        jx_source *s;
        jx_err err = {0};
        size_t n;
        CHECK_INT(jx_source_open_mem(&s, t, sizeof t, "t.txt", JX_ENC_UTF8, &err), 0);
        jx_source_set_chunk(s, chunk);
        CHECK(read_all(s, 4096, &n, &err) == NULL);
        CHECK(strstr(err.msg, "t.txt: line 41, byte offset 320: invalid UTF-8") != NULL);
        jx_source_close(s);
    }
    t[319] = '\n';
    check_mem_read_fails(t, sizeof t, JX_ENC_UTF8, JX_EENCODING, "line 41, byte offset 320");
}

TEST(source_bytes_in_no_encoding)
{
    jx_source *s;
    jx_err err = {0};
    CHECK_INT(jx_source_open_mem(&s, "a\tb\nc\xff\n", 7, "t.txt", JX_ENC_AUTO, &err), -1);
    CHECK_INT(err.code, JX_EENCODING);
    CHECK(strstr(err.msg, "t.txt: line 2, byte offset 5: invalid UTF-8 sequence (bytes ff)"));
    CHECK(strstr(err.msg, "not GB18030 either"));
}

TEST(source_invalid_utf8_forms)
{
    /* overlong, surrogate, above U+10FFFF, lone continuation, short sequence */
    check_mem_read_fails("x\xc0\xaf", 3, JX_ENC_UTF8, JX_EENCODING, "offset 1: invalid UTF-8 sequence (bytes c0)");
    check_mem_read_fails("x\xe0\x80\xaf", 4, JX_ENC_UTF8, JX_EENCODING, "(bytes e0 80)");
    check_mem_read_fails("x\xed\xa0\x80", 4, JX_ENC_UTF8, JX_EENCODING, "(bytes ed a0)");
    check_mem_read_fails("x\xf4\x90\x80\x80", 5, JX_ENC_UTF8, JX_EENCODING, "(bytes f4 90)");
    check_mem_read_fails("x\x97y", 3, JX_ENC_UTF8, JX_EENCODING, "(bytes 97)");
    check_mem_read_fails("a\rb\r\nc\nd\xe6\x97x", 11, JX_ENC_UTF8, JX_EENCODING,
                         "line 4, byte offset 8: invalid UTF-8 sequence (bytes e6 97)");
    /* the same inside longer text, where the fast inner loop runs */
#define LIT(s) s, sizeof s - 1
    check_mem_read_fails(LIT("abcdefgh\xe6\x97xabcdefghijk"), JX_ENC_UTF8, JX_EENCODING,
                         "offset 8: invalid UTF-8 sequence (bytes e6 97)");
    check_mem_read_fails(LIT("abcdefgh\xe6xyzabcdefghijk"), JX_ENC_UTF8, JX_EENCODING,
                         "offset 8: invalid UTF-8 sequence (bytes e6)");
    check_mem_read_fails(LIT("合计合计\xed\xa0\x80" "abcdefghijk"), JX_ENC_UTF8, JX_EENCODING,
                         "offset 12: invalid UTF-8 sequence (bytes ed a0)");
    check_mem_read_fails(LIT("abcdefg\x80" "abcdefghijk"), JX_ENC_UTF8, JX_EENCODING,
                         "offset 7: invalid UTF-8 sequence (bytes 80)");
#undef LIT
}

TEST(source_truncated_sequences_are_reported_on_read)
{
    jx_source *s;
    jx_err err = {0};
    size_t n;
    CHECK_INT(jx_source_open(&s, ENC "truncated_gb18030.txt", NULL, JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_source_encoding(s), JX_ENC_GB18030);
    CHECK(read_all(s, 4096, &n, &err) == NULL);
    CHECK_INT(err.code, JX_EENCODING);
    CHECK_STR(err.msg, ENC "truncated_gb18030.txt: line 2, byte offset 20: truncated GB18030 "
                       "sequence at end of file (bytes cb); the file was cut short — export "
                       "it again");
    /* errors stick */
    char buf[64];
    err.msg[0] = 0;
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), -1);
    CHECK(strstr(err.msg, "truncated GB18030") != NULL);
    jx_source_close(s);
    check_mem_read_fails("ab\n\xe5\x90\x88\xe8\xae", 8, JX_ENC_AUTO, JX_EENCODING,
                         "line 2, byte offset 6: truncated UTF-8 sequence at end of file (bytes e8 ae)");
    check_mem_read_fails("\xff\xfe" "a\0\x3d\xd8", 6, JX_ENC_AUTO, JX_EENCODING,
                         "truncated UTF-16LE sequence at end of file (bytes 3d d8)");
    check_mem_read_fails("\xff\xfe" "a\0\x3d\xd8" "b\0", 8, JX_ENC_AUTO, JX_EENCODING,
                         "byte offset 4: invalid UTF-16LE sequence (bytes 3d d8)");
}

/* A UTF-8 text of len / 20 lines of 20 bytes, with bad written at offset at. */
static char *big_text(size_t len, size_t at, const char *bad, size_t *out_len)
{
    static const char line[] = "序号\t部门\t3.071\n";
    char *b = malloc(len);
    for (size_t i = 0; i + 20 <= len; i += 20) memcpy(b + i, line, 20);
    if (bad) memcpy(b + at, bad, strlen(bad));
    *out_len = len;
    return b;
}

TEST(source_invalid_byte_after_the_sniff_window)
{
    size_t n;
    /* line 3290 starts at 65 780; its second character starts at 65 783 */
    char *b = big_text(66000, 65780 + 3, "\xb5\xb3", &n);
    check_mem_read_fails(b, n, JX_ENC_AUTO, JX_EENCODING,
                         "t.txt: line 3290, byte offset 65783: invalid UTF-8 sequence (bytes b5)");
    /* the same through a file, read in small pieces */
    const char *path = write_tmp(b, n);
    jx_source *s;
    jx_err err = {0};
    CHECK_INT(jx_source_open(&s, path, "big.txt", JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_source_encoding(s), JX_ENC_UTF8);
    jx_source_set_chunk(s, 19);
    CHECK(read_all(s, 4096, &n, &err) == NULL);
    CHECK(strstr(err.msg, "big.txt: line 3290, byte offset 65783: invalid UTF-8") != NULL);
    jx_source_close(s);
    unlink(path);
    free(b);
}

TEST(source_character_cut_by_the_sniff_window)
{
    size_t n;
    /* a 3-byte character at 65535..65537 straddles the 64 KiB window */
    char *b = big_text(70000, 65535, "\xe5\x90\x88", &n);
    memset(b + 65530, 'x', 5);
    memcpy(b + 65538, "y", 1);
    jx_source *s;
    jx_err err = {0};
    CHECK_INT(jx_source_open_mem(&s, b, n, "t.txt", JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_source_encoding(s), JX_ENC_UTF8);
    jx_source_close(s);
    const char *path = write_tmp(b, n);
    CHECK_INT(check_decodes_to(path, JX_ENC_AUTO, b, n, 65536, 0), JX_ENC_UTF8);
    CHECK_INT(check_decodes_to(path, JX_ENC_AUTO, b, n, 1000, 0), JX_ENC_UTF8);
    unlink(path);
    free(b);
}

TEST(source_empty_input)
{
    const char *path = write_tmp("", 0);
    jx_source *s;
    jx_err err = {0};
    char buf[16];
    CHECK_INT(jx_source_open(&s, path, NULL, JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_source_encoding(s), JX_ENC_UTF8);
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), 0);
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), 0);
    jx_source_close(s);
    unlink(path);
    CHECK_INT(jx_source_open_mem(&s, "", 0, NULL, JX_ENC_AUTO, &err), 0);
    CHECK_STR(jx_source_name(s), "<string>");
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), 0);
    jx_source_close(s);
    /* a lone BOM is an empty text too */
    CHECK_INT(jx_source_open_mem(&s, "\xef\xbb\xbf", 3, NULL, JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_source_encoding(s), JX_ENC_UTF8_BOM);
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), 0);
    jx_source_close(s);
}

TEST(source_open_errors)
{
    check_open_fails("tests/data", JX_EIO, "tests/data: is a directory, not a file");
    check_open_fails("tests/data/no-such-file.txt", JX_EIO,
                     "tests/data/no-such-file.txt: cannot open: No such file or directory");
    if (geteuid() != 0) { /* root reads anything */
        const char *path = write_tmp("a\n", 2);
        chmod(path, 0);
        check_open_fails(path, JX_EIO, "cannot open: Permission denied");
        unlink(path);
    }
    jx_source *s;
    jx_err err = {0};
    char buf[8];
    CHECK_INT(jx_source_open_mem(&s, "abc", 3, NULL, JX_ENC_AUTO, &err), 0);
    CHECK_INT(jx_source_read(s, buf, sizeof buf, &err), -1);
    CHECK_INT(err.code, JX_EUSAGE);
    jx_source_close(s);
}

TEST(source_reads_stdin)
{
    int saved = dup(0), fd = open(ENC "gb18030.txt", O_RDONLY);
    CHECK(saved >= 0 && fd >= 0);
    dup2(fd, 0);
    close(fd);
    jx_source *s;
    jx_err err = {0};
    size_t n, sn;
    CHECK_INT(jx_source_open(&s, "-", NULL, JX_ENC_AUTO, &err), 0);
    CHECK_STR(jx_source_name(s), "<stdin>");
    CHECK_INT(jx_source_encoding(s), JX_ENC_GB18030);
    char *got = read_all(s, 1 << 16, &n, &err), *seed = slurp(SEED, &sn);
    CHECK(got && n == sn && memcmp(got, seed, n) == 0);
    free(got);
    free(seed);
    jx_source_close(s);
    dup2(saved, 0);
    close(saved);
}
