/* Small writes to a stdio stream without fwrite's bookkeeping: the bytes are
 * copied straight into the stream's buffer when they fit, as putc does for
 * one byte; otherwise (buffer full, unbuffered, not there yet) fwrite does the
 * work. For writers that own their stream in one thread. */
#ifndef JX_FASTIO_H
#define JX_FASTIO_H

#include <stdio.h>
#include <string.h>

static inline void jx_put(FILE *f, const char *s, size_t n)
{
#if defined(__GLIBC__)
    if ((size_t)(f->_IO_write_end - f->_IO_write_ptr) > n) {
        memcpy(f->_IO_write_ptr, s, n);
        f->_IO_write_ptr += n;
        return;
    }
#endif
    fwrite_unlocked(s, 1, n, f);
}

#define JX_PUT_LIT(f, lit) jx_put((f), (lit), sizeof(lit) - 1)

/* Where n bytes can be written straight into f's buffer, or NULL when they do
 * not fit (the caller then writes with jx_put). After writing at most n bytes
 * from the returned pointer, jx_done(f, end) hands them to the stream. */
static inline char *jx_room(FILE *f, size_t n)
{
#if defined(__GLIBC__)
    if ((size_t)(f->_IO_write_end - f->_IO_write_ptr) >= n) return f->_IO_write_ptr;
#else
    (void)f, (void)n;
#endif
    return NULL;
}

static inline void jx_done(FILE *f, char *end)
{
#if defined(__GLIBC__)
    f->_IO_write_ptr = end;
#else
    (void)f, (void)end;
#endif
}

/* Copies n bytes (n <= 32 is the fast case) with a few fixed-size moves, the
 * last overlapping the one before, instead of a call for a short length. */
static inline char *jx_copy_short(char *o, const char *s, size_t n)
{
    if (n >= 16 && n <= 32) {
        memcpy(o, s, 16);
        memcpy(o + n - 16, s + n - 16, 16);
    } else if (n >= 8 && n < 16) {
        memcpy(o, s, 8);
        memcpy(o + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(o, s, 4);
        memcpy(o + n - 4, s + n - 4, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++) o[i] = s[i];
    } else {
        memcpy(o, s, n);
    }
    return o + n;
}

#endif
