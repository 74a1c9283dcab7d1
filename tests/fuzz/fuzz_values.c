/* Fuzz target: reading values out of cells (src/decimal.c, src/value.c,
 * src/cues.c): amounts, rates, money units, the label fold, UTF-8-safe
 * prefixes and cell cues. The input is a cell, or two cells split at the
 * first tab for the arithmetic. Parsed amounts must print back to the same
 * value, arithmetic must undo itself when it does not overflow, and no
 * output may cut a character. */
#include "cues.h"
#include "decimal.h"
#include "fuzz.h"
#include "money.h"
#include "value.h"

static void check_amount(const char *s, size_t n)
{
    jx_dec d, back;
    char buf[JX_DEC_BUFSZ];
    if (jx_dec_parse(s, n, &d) != 1) return;
    if (d.scale < 0 || d.scale > JX_DEC_MAX_SCALE) fz_fail("a scale out of range", s, n);
    int k = jx_dec_format(d, buf);
    if (k <= 0 || k >= JX_DEC_BUFSZ || (size_t)k != strlen(buf)) fz_fail("format length", buf, strlen(buf));
    if (jx_dec_parse(buf, (size_t)k, &back) != 1 || back.m != d.m || back.scale != d.scale)
        fz_fail("an amount does not print back to itself", buf, (size_t)k);
    (void)jx_dec_to_double(d);
    jx_dec_normalize(d);
}

static void check_arith(jx_dec a, jx_dec b, unsigned k)
{
    jx_dec r, back;
    if (jx_dec_add(a, b, &r) == 0 && jx_dec_sub(r, b, &back) == 0 && jx_dec_cmp(back, a) != 0)
        fz_fail("(a + b) - b != a", NULL, 0);
    if (jx_dec_sub(a, b, &r) == 0 && jx_dec_add(r, b, &back) == 0 && jx_dec_cmp(back, a) != 0)
        fz_fail("(a - b) + b != a", NULL, 0);
    if (jx_dec_cmp(a, b) != -jx_dec_cmp(b, a)) fz_fail("cmp is not antisymmetric", NULL, 0);
    (void)jx_dec_mul(a, b, &r);
    (void)jx_dec_div(a, b, (int)(k % 20), &r);
    (void)jx_rate_of(a, b, (int)(k % 4), &r);
    int shift = (int)(k % 81) - 40;
    if (jx_dec_shift(a, shift, &r) == 0 && jx_dec_shift(r, -shift, &back) == 0 && jx_dec_cmp(back, a) != 0)
        fz_fail("shift does not undo itself", NULL, 0);
    if (jx_dec_round(a, (int)(k % 19), &r) == 0 && r.scale != (int)(k % 19)) fz_fail("round scale", NULL, 0);
    for (int u = JX_UNIT_YUAN; u <= JX_UNIT_YI; u++) (void)jx_money_convert(a, (jx_unit)u, JX_UNIT_YUAN, &r);
    (void)jx_dec_abs(a), (void)jx_dec_neg(a), (void)jx_dec_is_zero(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    unsigned tail = size ? data[size - 1] : 0;
    int utf8 = fz_utf8_valid(s, size);
    char *cell = malloc(size + 1);
    memcpy(cell, s, size);
    cell[size] = 0;

    check_amount(cell, size);
    jx_dec d;
    jx_rate_form form;
    if (jx_rate_parse(cell, size, &d, &form) == 1 && (d.scale < 0 || d.scale > JX_DEC_MAX_SCALE))
        fz_fail("a rate scale out of range", s, size);
    jx_unit u = jx_unit_find(cell, size);
    if (u != JX_UNIT_UNKNOWN && !jx_unit_name(u)) fz_fail("a unit without a name", NULL, 0);

    size_t caps[] = {0, 1, 2, 4, 7, 64, 256, size * 2 + 1};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *out = malloc(caps[i] + 1);
        out[caps[i]] = 0x55;
        size_t n = jx_fold(cell, size, out, caps[i]);
        if (out[caps[i]] != 0x55) fz_fail("fold wrote past its buffer", NULL, 0);
        if (caps[i] && (n >= caps[i] || out[n] != 0)) fz_fail("fold length", out, n);
        if (caps[i] && utf8 && !fz_utf8_valid(out, n)) fz_fail("fold cut a character", out, n);
        free(out);
        size_t p = jx_utf8_prefix(cell, size, caps[i]);
        if (p > caps[i] || p > size) fz_fail("prefix longer than asked", NULL, 0);
        if (utf8 && !fz_utf8_valid(cell, p)) fz_fail("prefix cut a character", cell, p);
    }
    jx_cell c = {cell, (uint32_t)size, 0};
    (void)jx_cues_of(&c);

    char *tab = memchr(cell, '\t', size);
    if (tab) {
        jx_dec a, b;
        if (jx_dec_parse(cell, (size_t)(tab - cell), &a) == 1 &&
            jx_dec_parse(tab + 1, size - (size_t)(tab - cell) - 1, &b) == 1)
            check_arith(a, b, tail);
    }
    free(cell);
    return 0;
}
