/* Runs every TEST registered by the unit-test files in tests/unit; an optional argument
 * selects tests whose name contains it. Ends with "N passed, N failed". */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"

struct test { const char *name, *file; void (*fn)(void); };
static struct test tests[1024];
static int ntests, cur_failed;

void unit_register(const char *name, void (*fn)(void), const char *file)
{
    if (ntests < (int)(sizeof tests / sizeof tests[0]))
        tests[ntests++] = (struct test){name, file, fn};
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    cur_failed = 1;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        cur_failed = 0;
        tests[i].fn();
        if (cur_failed) {
            printf("FAIL unit %s (%s)\n", tests[i].name, tests[i].file);
            failed++;
        } else {
            printf("ok   unit %s\n", tests[i].name);
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
