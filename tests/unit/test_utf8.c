/* Unit tests for src/utf8.c: the 16-byte validator against a byte-wise
 * reference on random texts built from the bytes where UTF-8 has its edges. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "utf8.h"

/* Length of the whole valid characters at p (RFC 3629), the reference. */
static size_t ref_prefix(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) len = 1;
        else if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) len = 3, lo = 0xA0;
        else if (c == 0xED) len = 3, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF) len = 3;
        else if (c == 0xF0) len = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) len = 4, hi = 0x8F;
        else return i;
        if (i + len > n) return i;
        for (size_t k = 1; k < len; k++) {
            unsigned b = p[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
        }
        i += len;
    }
    return i;
}

/* Each block size the machine can run (16 with SSSE3, 32 with AVX2) finds a
 * valid prefix of whole characters, at most a block and 3 bytes short. */
static void compare_with_reference(int block)
{
    static const unsigned char edge[] = {0x00, 0x41, 0x7F, 0x80, 0x85, 0x8F, 0x90, 0x9F, 0xA0, 0xA5, 0xB0, 0xBF, 0xC0, 0xC1, 0xC2,
                                         0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF};
    static const char *const chars[] = {"a", "中", "文", "\xC3\xA9", "\xF0\x9F\x98\x80", "\xE0\xA0\x80", "\xED\x9F\xBF",
                                        "\xF4\x8F\xBF\xBF", "\xEE\x80\x80"};
    unsigned char buf[200];
    unsigned seed = 7;
    size_t first = jx_utf8_valid_prefix_at((const unsigned char *)"abc", 3, block);
    CHECK_INT(first, 0); /* shorter than a block */
    int any = 0;
    for (int round = 0; round < 200000; round++) {
        size_t n = 0, want = (seed = seed * 1103515245 + 12345) >> 16 & 127;
        /* mostly valid characters, one byte in five or so from the edges */
        while (n < want) {
            unsigned r = (seed = seed * 1103515245 + 12345) >> 16;
            if (r % 5 == 0) {
                buf[n++] = edge[(r >> 5) % sizeof edge];
            } else if (r % 5 == 1 && n + 4 <= sizeof buf) {
                /* a lead byte and continuation bytes from the ends of their ranges */
                static const unsigned char lead[] = {0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5};
                static const unsigned char cont[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF};
                buf[n++] = lead[(r >> 5) % sizeof lead];
                for (unsigned k = 0, m = 1 + (r >> 9) % 3; k < m; k++) buf[n++] = cont[(r >> (11 + 3 * k)) % sizeof cont];
            } else {
                const char *c = chars[(r >> 5) % (sizeof chars / sizeof *chars)];
                size_t l = strlen(c);
                if (n + l > sizeof buf) break;
                memcpy(buf + n, c, l), n += l;
            }
        }
        size_t got = jx_utf8_valid_prefix_at(buf, n, block), ref = ref_prefix(buf, n);
        any |= got > 0;
        if (got > ref || ref_prefix(buf, got) != got || (got > 0 && got + (size_t)block + 3 < ref)) {
            unit_fail(__FILE__, __LINE__, "blocks of %d, round %d: %zu bytes, prefix %zu, reference %zu", block, round, n,
                      got, ref);
            return;
        }
    }
#if defined(__x86_64__)
    CHECK(any || !(block == 32 ? __builtin_cpu_supports("avx2") : __builtin_cpu_supports("ssse3")));
#endif
}

TEST(utf8_valid_prefix_16_matches_reference) { compare_with_reference(16); }
TEST(utf8_valid_prefix_32_matches_reference) { compare_with_reference(32); }
