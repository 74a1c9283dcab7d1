/* A minimal unit-test framework: TEST(name) { CHECK(...); } registers a test;
 * tests/unit/main.c runs them all and ends with "N passed, N failed". */
#ifndef JX_UNIT_H
#define JX_UNIT_H

#include <stdio.h>
#include <string.h>

void unit_register(const char *name, void (*fn)(void), const char *file);
void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                            \
    static void name(void);                                                   \
    __attribute__((constructor)) static void reg_##name(void)                 \
    {                                                                         \
        unit_register(#name, name, __FILE__);                                 \
    }                                                                         \
    static void name(void)

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);       \
    } while (0)
#define CHECK_INT(a, b)                                                       \
    do {                                                                      \
        long long a_ = (long long)(a), b_ = (long long)(b);                   \
        if (a_ != b_)                                                         \
            unit_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); \
    } while (0)
#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *a_ = (a), *b_ = (b);                                      \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                \
            unit_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, \
                      a_ ? a_ : "(null)", b_ ? b_ : "(null)");                \
    } while (0)

#endif
