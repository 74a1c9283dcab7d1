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

#endif
