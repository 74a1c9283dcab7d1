/* UTF-8 validation 32 or 16 bytes at a time (AVX2 or SSSE3), for the reader's check of every
 * input (source.c): it finds how much of a buffer is certainly valid, and a
 * byte-wise check takes over from there to place and describe any error. */
#ifndef JX_UTF8_H
#define JX_UTF8_H

#include <stddef.h>

/* The length of a prefix of p[0, n) that is valid UTF-8 made of whole
 * characters (RFC 3629: no overlong forms, surrogates or code points above
 * U+10FFFF). It stops before the first block (32 bytes with AVX2, 16 with
 * SSSE3) holding an error and before the last (partial) block, backed up to
 * the start of a character, so it may be shorter than the longest valid
 * prefix by up to a block and 3 bytes, never longer. p must start at a
 * character. 0 on a machine without SSSE3. */
size_t jx_utf8_valid_prefix(const unsigned char *p, size_t n);
/* The same with blocks of at most max_block bytes (16 or 32), so that tests
 * reach each version the machine can run. */
size_t jx_utf8_valid_prefix_at(const unsigned char *p, size_t n, int max_block);

#endif
