/* UTF-8 validation 16 or 32 bytes at a time (see utf8.h). Each byte is judged with
 * the byte before it: three table lookups, on the high and low nibble of the
 * previous byte and the high nibble of this one, give the error classes both
 * nibbles allow, and their AND is non-zero exactly where the pair is invalid.
 * Third and fourth bytes of a sequence are found from the bytes two and three
 * back. Bytes F5-FF, never valid anywhere, are caught on their own. */
#include "utf8.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Error classes of a byte pair (a, b), one bit each. */
enum {
    TOO_SHORT = 1 << 0,  /* a lead byte (C0-FF) not followed by a continuation */
    TOO_LONG = 1 << 1,   /* an ASCII byte followed by a continuation (80-BF) */
    OVERLONG_3 = 1 << 2, /* E0 80-9F */
    TOO_LARGE = 1 << 3,  /* F4 90-BF: above U+10FFFF */
    SURROGATE = 1 << 4,  /* ED A0-BF */
    OVERLONG_2 = 1 << 5, /* C0 or C1, then a continuation */
    OVERLONG_4 = 1 << 6, /* F0 80-8F */
    TWO_CONTS = 1 << 7   /* two continuations: right only as a sequence's 3rd or 4th byte */
};

#define ANY_LOW (TOO_SHORT | TOO_LONG | TWO_CONTS) /* classes whatever a's low nibble */

/* By the high nibble of a. */
static const unsigned char hi_a[16] = {
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
    TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE, TOO_SHORT | TOO_LARGE | OVERLONG_4};
/* By the low nibble of a. */
static const unsigned char lo_a[16] = {
    ANY_LOW | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, ANY_LOW | OVERLONG_2, ANY_LOW, ANY_LOW,
    ANY_LOW | TOO_LARGE, ANY_LOW, ANY_LOW, ANY_LOW, ANY_LOW, ANY_LOW, ANY_LOW, ANY_LOW,
    ANY_LOW, ANY_LOW | SURROGATE, ANY_LOW, ANY_LOW};
/* By the high nibble of b. */
static const unsigned char hi_b[16] = {
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    TOO_LONG | OVERLONG_3 | OVERLONG_2 | OVERLONG_4 | TWO_CONTS,
    TOO_LONG | OVERLONG_3 | TOO_LARGE | OVERLONG_2 | TWO_CONTS,
    TOO_LONG | TOO_LARGE | SURROGATE | OVERLONG_2 | TWO_CONTS,
    TOO_LONG | TOO_LARGE | SURROGATE | OVERLONG_2 | TWO_CONTS,
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT};

/* Bytes before i are valid; the character that starts last before i may run
 * past it, and is left to the caller whole. */
static size_t back_to_char(const unsigned char *p, size_t i)
{
    for (size_t k = 1; k <= 3 && k <= i; k++) {
        unsigned char c = p[i - k];
        if ((c & 0xC0) == 0x80) continue;
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        return len > k ? i - k : i;
    }
    return i;
}

__attribute__((target("ssse3"))) static size_t valid_blocks(const unsigned char *p, size_t n)
{
    const __m128i t_hi_a = _mm_loadu_si128((const __m128i *)hi_a);
    const __m128i t_lo_a = _mm_loadu_si128((const __m128i *)lo_a);
    const __m128i t_hi_b = _mm_loadu_si128((const __m128i *)hi_b);
    const __m128i nib = _mm_set1_epi8(0x0F);
    const __m128i third = _mm_set1_epi8((char)(0xE0 - 0x80)), fourth = _mm_set1_epi8((char)(0xF0 - 0x80));
    const __m128i top = _mm_set1_epi8((char)0x80), f4 = _mm_set1_epi8((char)0xF4);
    __m128i prev = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i in = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i p1 = _mm_alignr_epi8(in, prev, 15), p2 = _mm_alignr_epi8(in, prev, 14),
                p3 = _mm_alignr_epi8(in, prev, 13);
        __m128i special =
            _mm_and_si128(_mm_and_si128(_mm_shuffle_epi8(t_hi_a, _mm_and_si128(_mm_srli_epi16(p1, 4), nib)),
                                        _mm_shuffle_epi8(t_lo_a, _mm_and_si128(p1, nib))),
                          _mm_shuffle_epi8(t_hi_b, _mm_and_si128(_mm_srli_epi16(in, 4), nib)));
        /* where this byte must be a continuation: two after E0-FF, three after F0-FF */
        __m128i must = _mm_and_si128(_mm_or_si128(_mm_subs_epu8(p2, third), _mm_subs_epu8(p3, fourth)), top);
        __m128i err = _mm_or_si128(_mm_xor_si128(special, must), _mm_subs_epu8(in, f4));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) != 0xFFFF) break;
        prev = in;
    }
    return back_to_char(p, i);
}

/* The same as valid_blocks, 32 bytes at a time: the bytes before each byte
 * come from the previous block across the two 128-bit lanes. */
__attribute__((target("avx2"))) static size_t valid_blocks32(const unsigned char *p, size_t n)
{
    const __m256i t_hi_a = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)hi_a));
    const __m256i t_lo_a = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)lo_a));
    const __m256i t_hi_b = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)hi_b));
    const __m256i nib = _mm256_set1_epi8(0x0F);
    const __m256i third = _mm256_set1_epi8((char)(0xE0 - 0x80)), fourth = _mm256_set1_epi8((char)(0xF0 - 0x80));
    const __m256i top = _mm256_set1_epi8((char)0x80), f4 = _mm256_set1_epi8((char)0xF4);
    __m256i prev = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i in = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i before = _mm256_permute2x128_si256(prev, in, 0x21); /* prev's high lane, in's low lane */
        __m256i p1 = _mm256_alignr_epi8(in, before, 15), p2 = _mm256_alignr_epi8(in, before, 14),
                p3 = _mm256_alignr_epi8(in, before, 13);
        __m256i special = _mm256_and_si256(
            _mm256_and_si256(_mm256_shuffle_epi8(t_hi_a, _mm256_and_si256(_mm256_srli_epi16(p1, 4), nib)),
                             _mm256_shuffle_epi8(t_lo_a, _mm256_and_si256(p1, nib))),
            _mm256_shuffle_epi8(t_hi_b, _mm256_and_si256(_mm256_srli_epi16(in, 4), nib)));
        __m256i must =
            _mm256_and_si256(_mm256_or_si256(_mm256_subs_epu8(p2, third), _mm256_subs_epu8(p3, fourth)), top);
        __m256i err = _mm256_or_si256(_mm256_xor_si256(special, must), _mm256_subs_epu8(in, f4));
        if (!_mm256_testz_si256(err, err)) break;
        prev = in;
    }
    return back_to_char(p, i);
}
#endif


enum { NONE, SSSE3, AVX2 };

static int simd_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    static int level = -1;
    if (level < 0) level = __builtin_cpu_supports("avx2") ? AVX2 : __builtin_cpu_supports("ssse3") ? SSSE3 : NONE;
    return level;
#else
    return NONE;
#endif
}

size_t jx_utf8_valid_prefix_at(const unsigned char *p, size_t n, int max_block)
{
#if defined(__x86_64__) && defined(__GNUC__)
    int level = simd_level();
    if (level == AVX2 && max_block >= 32) return valid_blocks32(p, n);
    if (level >= SSSE3 && max_block >= 16) return valid_blocks(p, n);
#endif
    (void)p, (void)n, (void)max_block;
    return 0;
}

size_t jx_utf8_valid_prefix(const unsigned char *p, size_t n) { return jx_utf8_valid_prefix_at(p, n, 32); }
