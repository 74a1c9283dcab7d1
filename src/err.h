/* Error reporting for the core: every failing core function fills a jx_err and
 * returns -1. Messages name the file, line and cell, say what is wrong and what
 * to do. Core code never prints and never exits. */
#ifndef JX_ERR_H
#define JX_ERR_H

enum {
    JX_OK = 0,
    JX_EIO = 1,       /* cannot open/read/write */
    JX_EENCODING = 2, /* bytes invalid in the (detected or declared) encoding */
    JX_EBINARY = 3,   /* input is binary, not text */
    JX_EFORMAT = 4,   /* text, but not a self-evaluation table (no header, ...) */
    JX_ELIMIT = 5,    /* a size limit was exceeded */
    JX_ENOMEM = 6,
    JX_EUSAGE = 7,    /* bad option or argument */
    JX_ELUA = 8       /* a Lua syntax or run-time error */
};

typedef struct jx_err {
    int code;
    char msg[1024];
} jx_err;

/* Formats msg (printf-style) into e and returns -1, so callers can write
 * `return jx_err_set(err, JX_EIO, "%s: cannot open: %s", path, strerror(errno));`.
 * e may be NULL. */
int jx_err_set(jx_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The code as the word scripts see (jx.load's third result): "io",
 * "encoding", "binary", "format", "limit", "nomem", "usage" or "lua". */
const char *jx_err_name(int code);

#endif
