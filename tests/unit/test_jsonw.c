/* Unit tests for the JSON string escaper (jsonw.c): every character that
 * needs escaping is found wherever it falls in the sixteen-byte blocks the
 * fast path reads or in the overlapping last block, for every length, and
 * nothing else is touched. */
#include <stdlib.h>

#include "../../src/jsonw.h"
#include "unit.h"

/* The escaping of s[0, n) by a plain byte-at-a-time reference. */
static size_t reference(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') out[k++] = '\\', out[k++] = (char)c;
        else if (c == '\n') out[k++] = '\\', out[k++] = 'n';
        else if (c == '\t') out[k++] = '\\', out[k++] = 't';
        else if (c == '\r') out[k++] = '\\', out[k++] = 'r';
        else if (c < 0x20) {
            memcpy(out + k, "\\u00", 4), k += 4;
            out[k++] = hex[c >> 4], out[k++] = hex[c & 15];
        } else out[k++] = (char)c;
    }
    return k;
}

static size_t escaped(const char *s, size_t n, char *buf, size_t cap)
{
    FILE *f = fmemopen(buf, cap, "w");
    jx_json_escape(f, s, n);
    long len = ftell(f);
    fclose(f);
    return (size_t)len;
}

TEST(jsonw_escape_each_special_at_every_offset)
{
    static const char specials[] = {'"', '\\', '\n', '\t', '\r', 0x01, 0x1f, 0x00};
    char s[40], got[400], want[400];
    for (size_t sp = 0; sp < sizeof specials; sp++)
        for (size_t n = 1; n <= 36; n++)
            for (size_t pos = 0; pos < n; pos++) {
                memcpy(s, "预算abcdefghijklmnopqrstuvwxyz01234", 36); /* UTF-8 and ASCII */
                s[pos] = specials[sp];
                size_t g = escaped(s, n, got, sizeof got), w = reference(s, n, want);
                CHECK_INT(g, w);
                CHECK(memcmp(got, want, w) == 0);
            }
}

TEST(jsonw_escape_plain_text_untouched)
{
    const char *s = "绩效自评表 2021 ≥90% 满意度 (all plain, 0x20 and above)";
    char got[200];
    size_t g = escaped(s, strlen(s), got, sizeof got);
    CHECK_INT(g, strlen(s));
    CHECK(memcmp(got, s, g) == 0);
}

TEST(jsonw_escape_random_bytes_match_reference)
{
    char s[64], got[512], want[512];
    srand(7);
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand() % 64);
        for (size_t i = 0; i < n; i++) s[i] = (char)(rand() % 4 ? 0x20 + rand() % 0xe0 : rand() % 0x5d);
        size_t g = escaped(s, n, got, sizeof got), w = reference(s, n, want);
        CHECK_INT(g, w);
        CHECK(memcmp(got, want, w) == 0);
    }
}

/* Keys are written whole when short and plain; a key that needs escaping or
 * is longer than the writer's key buffer takes the escaping path. */
TEST(jsonw_keys_plain_escaped_and_long)
{
    static const char *const keys[] = {
        "budget", "", "a\"b", "列 / 项目\\名称\n", "k\x01",
        "a key far longer than sixty-four bytes, so that it cannot be built in the buffer whole",
        "a key far longer than sixty-four bytes, and one that needs \"escaping\" near its end"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char got[512], want[512];
        FILE *f = fmemopen(got, sizeof got, "w");
        jx_jsonw w;
        jx_jsonw_init(&w, f, 1);
        jx_jsonw_obj(&w);
        jx_jsonw_key(&w, keys[i]);
        jx_jsonw_int(&w, -12);
        jx_jsonw_end_obj(&w);
        long g = ftell(f);
        fclose(f);
        size_t k = 0;
        memcpy(want, "{\n  \"", 5), k = 5;
        k += reference(keys[i], strlen(keys[i]), want + k);
        memcpy(want + k, "\": -12\n}", 8), k += 8;
        CHECK_INT(g, (long)k);
        CHECK(memcmp(got, want, k) == 0);
    }
}

/* Writes one document with strings of many lengths (some far past the direct
 * path's limit), keys, nesting past the deepest indent and empty containers. */
static void write_doc(FILE *f)
{
    static char s[9000];
    srand(11);
    for (size_t i = 0; i < sizeof s; i++) s[i] = (char)(rand() % 8 ? 0x20 + rand() % 0xe0 : rand() % 0x5d);
    jx_jsonw w;
    jx_jsonw_init(&w, f, 1);
    jx_jsonw_obj(&w);
    for (int d = 0; d < 40; d++) {
        jx_jsonw_lkey(&w, "level");
        jx_jsonw_int(&w, d);
        jx_jsonw_lkey(&w, "empty");
        jx_jsonw_arr(&w);
        jx_jsonw_end_arr(&w);
        jx_jsonw_lkey(&w, "strings");
        jx_jsonw_arr(&w);
        for (size_t n = 0; n < 40; n++) jx_jsonw_str(&w, s + d * 7 + n, n);
        jx_jsonw_str(&w, s, 4096 + (size_t)d);
        jx_jsonw_end_arr(&w);
        jx_jsonw_lkey(&w, "a key longer than thirty-two bytes, quoted by the compiler");
        jx_jsonw_obj(&w);
    }
    for (int d = 0; d < 40; d++) jx_jsonw_end_obj(&w);
    jx_jsonw_end_obj(&w);
}

/* The document as written through a stream with the given buffering. */
static char *doc_with_buffer(int mode, size_t size, size_t *len)
{
    static char buf[1 << 16];
    FILE *f = tmpfile();
    if (!f) return NULL;
    setvbuf(f, mode == _IONBF ? NULL : buf, mode, size);
    write_doc(f);
    fflush(f);
    long n = ftell(f);
    char *out = malloc((size_t)n + 1);
    rewind(f);
    *len = out ? fread(out, 1, (size_t)n, f) : 0;
    if (out) out[*len] = 0;
    fclose(f);
    return out;
}

/* The writer copies straight into the stream's buffer when it has room and
 * goes through stdio when it has not: both give the same bytes. */
TEST(jsonw_direct_and_stdio_paths_agree)
{
    size_t n_big, n_small, n_none;
    char *big = doc_with_buffer(_IOFBF, 1 << 16, &n_big);
    char *small = doc_with_buffer(_IOFBF, 100, &n_small);
    char *none = doc_with_buffer(_IONBF, 0, &n_none);
    CHECK(big && small && none);
    if (!big || !small || !none) return;
    CHECK_INT(n_big, n_none);
    CHECK_INT(n_small, n_none);
    CHECK(memcmp(big, none, n_none) == 0);
    CHECK(memcmp(small, none, n_none) == 0);
    /* levels past 32 indent as level 32: 65 bytes, a newline and 64 spaces */
    CHECK(strstr(none, "\n                                                                \"level\": 39") != NULL);
    CHECK(strstr(none, "\"empty\": [],") != NULL);
    free(big), free(small), free(none);
}
