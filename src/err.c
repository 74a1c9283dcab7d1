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
