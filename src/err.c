/* jx_err: the one way core code reports a failure (see err.h). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int jx_err_set(jx_err *e, int code, const char *fmt, ...)
{
    if (!e) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = code;
    return -1;
}

const char *jx_err_name(int code)
{
    static const char *const names[] = {"ok", "io", "encoding", "binary", "format", "limit", "nomem", "usage", "lua"};
    return code >= 0 && code < (int)(sizeof names / sizeof *names) ? names[code] : "error";
}
