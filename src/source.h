/* A byte source (file or stdin) decoded to UTF-8 as it is read, in chunks.
 * The encoding is detected from a BOM or by sniffing the first bytes (never
 * assumed); a caller may force one. Invalid bytes are an error naming the file,
 * line and byte offset. Memory does not grow with the input. */
#ifndef JX_SOURCE_H
#define JX_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

typedef enum {
    JX_ENC_AUTO = 0, /* detect (only valid as a request) */
    JX_ENC_UTF8,
    JX_ENC_UTF8_BOM,
    JX_ENC_GB18030, /* also reads GBK and GB2312, which it contains */
    JX_ENC_UTF16LE,
    JX_ENC_UTF16BE
} jx_enc;

/* "utf-8", "utf-8-bom", "gb18030", "utf-16le", "utf-16be". */
const char *jx_enc_name(jx_enc e);
/* Accepts those names case-insensitively plus aliases (utf8, gbk, gb2312, cp936,
 * utf16le, ...). Returns 0 and sets *out, or -1 for an unknown name. */
int jx_enc_parse(const char *name, jx_enc *out);

typedef struct jx_source jx_source;

/* Opens path ("-" = stdin). forced = JX_ENC_AUTO detects. name is used in
 * messages (NULL: path, or "<stdin>"). Fails with JX_EIO (open/read error, a
 * directory), JX_EBINARY (NUL bytes or other control bytes in a non-UTF-16
 * input, a PDF/ZIP/...), JX_EENCODING (bytes that fit no supported encoding).
 * Detection reads ahead at most 64 KiB. */
int jx_source_open(jx_source **out, const char *path, const char *name,
                   jx_enc forced, jx_err *err);
/* Same over an in-memory buffer (not copied; must outlive the source). */
int jx_source_open_mem(jx_source **out, const char *data, size_t len,
                       const char *name, jx_enc forced, jx_err *err);

/* Reads up to cap bytes of UTF-8 (BOM removed) into buf. Returns the count,
 * 0 at end of input, -1 on error (JX_EENCODING with "NAME: line L, byte
 * offset O: invalid ... sequence ..."; JX_EIO). Never splits a UTF-8 sequence
 * across calls. cap must be >= 16. */
ssize_t jx_source_read(jx_source *s, char *buf, size_t cap, jx_err *err);

/* Caps every later read (of the file, of the memory buffer, and each
 * jx_source_read result) at n bytes, n >= 16; 0 restores the default. Lets
 * tests and fuzzers put chunk boundaries at every offset of an input. */
void jx_source_set_chunk(jx_source *s, size_t n);

jx_enc jx_source_encoding(const jx_source *s);
const char *jx_source_name(const jx_source *s);
void jx_source_close(jx_source *s);

#endif
