/* Fuzz target: encoding detection and conversion (src/source.c). Each input
 * is opened once with detection and once with an encoding forced by its last
 * byte, read in chunks whose size also comes from the input, so refill and
 * iconv boundaries fall everywhere. Whatever comes out must be valid UTF-8,
 * UTF-8 input must come out as it went in less its BOM, and a failure must
 * carry a message naming the source. */
#include "fuzz.h"
#include "source.h"

static void read_through(const uint8_t *data, size_t size, jx_enc forced, size_t chunk, size_t cap)
{
    jx_source *s;
    jx_err err = {0};
    if (jx_source_open_mem(&s, (const char *)data, size, "fuzz", forced, &err) < 0) {
        if (!err.code || strncmp(err.msg, "fuzz: ", 6) != 0) fz_fail("open failed without a message", err.msg, strlen(err.msg));
        if (s) fz_fail("open failed but returned a source", NULL, 0);
        return;
    }
    jx_source_set_chunk(s, chunk);
    char *out = malloc(size * 3 + 64), buf[4096];
    size_t n = 0;
    ssize_t got;
    while ((got = jx_source_read(s, buf, cap, &err)) > 0) {
        if ((size_t)got > cap) fz_fail("read returned more than asked", NULL, 0);
        if (!fz_utf8_valid(buf, (size_t)got)) fz_fail("a read is not whole UTF-8 sequences", buf, (size_t)got);
        /* No supported encoding turns n bytes into more than 1.5n bytes of UTF-8. */
        if (n + (size_t)got > size * 3 + 64) fz_fail("more text out than the input can hold", NULL, 0);
        memcpy(out + n, buf, (size_t)got);
        n += (size_t)got;
    }
    if (got < 0) {
        if (!err.code || strncmp(err.msg, "fuzz", 4) != 0) fz_fail("read failed without a message", err.msg, strlen(err.msg));
        /* Errors are sticky. */
        jx_err again = {0};
        if (jx_source_read(s, buf, cap, &again) != -1 || strcmp(again.msg, err.msg) != 0)
            fz_fail("a second read after an error did not repeat it", again.msg, strlen(again.msg));
    } else if (jx_source_read(s, buf, cap, &err) != 0) {
        fz_fail("a read after the end returned text", NULL, 0);
    }
    /* UTF-8 passes through unchanged, less its BOM, up to any error. */
    jx_enc enc = jx_source_encoding(s);
    if (enc == JX_ENC_UTF8 || enc == JX_ENC_UTF8_BOM) {
        size_t bom = enc == JX_ENC_UTF8_BOM ? 3 : 0;
        if (n > size - bom || memcmp(out, data + bom, n) != 0 || (got == 0 && n != size - bom))
            fz_fail("UTF-8 text did not pass through unchanged", out, n);
    }
    free(out);
    jx_source_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned tail = size ? data[size - 1] : 0;
    size_t chunk = tail & 0x80 ? 16 + (tail & 0x3F) : 0;
    read_through(data, size, JX_ENC_AUTO, 0, 4096);
    read_through(data, size, (jx_enc)(tail % 6), chunk, 16 + (tail >> 3));
    return 0;
}
