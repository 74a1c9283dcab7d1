/* jixiao.decimal: exact decimals (decimal.h) as Lua userdata "jixiao.Decimal",
 * with arithmetic and comparison that mix with Lua numbers and numeric strings.
 * The jx_dec lives inside the userdata itself, so nothing here allocates
 * outside Lua and an error raised at any point leaks nothing. */
#include "l_decimal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"

#define DECIMAL "jixiao.Decimal"
/* Digits a quotient keeps beyond the larger of its operands' scales. */
#define DIV_EXTRA 10

static void new_metatable(lua_State *L);

/* ---- checkers ---- */

int jx_l_isdec(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, DECIMAL) != NULL;
}

/* The float's shortest text that reads back as the same double (15 digits
 * suffice for any float written with 15 digits or fewer), taken exactly:
 * 0.1 -> 0.1, 1e-05 -> 0.00001, 0.1 + 0.2 -> 0.30000000000000004.
 * Returns 0, or -1 for NaN, infinity, or a value beyond 18 decimals or the
 * mantissa's range (1e-19, 1e20). */
static int float_to_dec(lua_Number x, jx_dec *out)
{
    char buf[40];
    if (!isfinite(x)) return -1;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, (double)x);
        if (strtod(buf, NULL) == (double)x) break;
    }
    /* buf is "[-]d.ddd…e±XX" with at most 17 digits, so m cannot overflow. */
    const char *p = buf;
    int neg = *p == '-';
    if (neg) p++;
    int64_t m = 0;
    int ndig = 0, nz = 0; /* digits taken; trailing zeros among them */
    for (; *p != 'e'; p++) {
        if (*p < '0' || *p > '9') continue; /* the point, whatever the locale writes */
        m = m * 10 + (*p - '0');
        ndig++;
        nz = *p == '0' ? nz + 1 : 0;
    }
    int exp = atoi(p + 1) - (ndig - 1); /* the value is m * 10^exp */
    if (m == 0) return *out = jx_dec_from_int(0), 0;
    for (; nz > 0; nz--) m /= 10, exp++;
    jx_dec d = {neg ? -m : m, 0};
    if (exp >= 0) return jx_dec_shift(d, exp, out);
    if (exp < -JX_DEC_MAX_SCALE) return -1;
    d.scale = -exp;
    *out = d;
    return 0;
}

/* Converts the value at idx. Returns 1 with *out set, 0 for a type that is
 * not a number at all, -1 for a number or string that has no exact decimal. */
static int todec(lua_State *L, int idx, jx_dec *out)
{
    jx_dec *u = luaL_testudata(L, idx, DECIMAL);
    if (u) return *out = *u, 1;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return *out = jx_dec_from_int(lua_tointeger(L, idx)), 1;
        return float_to_dec(lua_tonumber(L, idx), out) == 0 ? 1 : -1;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return jx_dec_parse(s, n, out) == 1 ? 1 : -1;
    }
    default: return 0;
    }
}

jx_dec jx_l_checkdec(lua_State *L, int idx)
{
    jx_dec d = {0, 0};
    int rc = todec(L, idx, &d);
    if (rc == 1) return d;
    if (rc == 0)
        luaL_argerror(L, idx, lua_pushfstring(L, "decimal expected (a Decimal, number or numeric string), got %s",
                                              luaL_typename(L, idx)));
    else if (lua_type(L, idx) == LUA_TNUMBER)
        luaL_argerror(L, idx, lua_pushfstring(L, "number %f has no exact decimal (at most 18 digits, 18 decimals)",
                                              lua_tonumber(L, idx)));
    else
        luaL_argerror(L, idx, lua_pushfstring(L, "numeric string expected, got \"%s\" (write an amount like "
                                                 "\"3.07\" or \"1,234.50\", at most 18 digits)",
                                              lua_tostring(L, idx)));
    return d;
}

/* `self` of a method: a Decimal, not merely something convertible. */
static jx_dec check_self(lua_State *L)
{
    return *(jx_dec *)luaL_checkudata(L, 1, DECIMAL);
}

/* An optional count of digits in lo..hi (a scale, a shift). */
static int check_digits(lua_State *L, int idx, int lo, int hi, const char *what)
{
    lua_Integer k = luaL_optinteger(L, idx, 0);
    if (k < lo || k > hi) luaL_argerror(L, idx, lua_pushfstring(L, "%s must be %d..%d", what, lo, hi));
    return (int)k;
}

void jx_l_pushdec(lua_State *L, jx_dec d)
{
    jx_dec *u = lua_newuserdatauv(L, sizeof *u, 0);
    *u = d;
    /* Other C modules push amounts before any script has required this one. */
    if (luaL_getmetatable(L, DECIMAL) == LUA_TNIL) {
        lua_pop(L, 1);
        new_metatable(L);
    }
    lua_setmetatable(L, -2);
}

static int overflow(lua_State *L)
{
    return luaL_error(L, "decimal overflow (more than 18 digits)");
}

/* Pushes r, the result of a decimal.h operation that returned rc. */
static int result(lua_State *L, int rc, jx_dec r)
{
    if (rc < 0) return overflow(L);
    jx_l_pushdec(L, r);
    return 1;
}

/* ---- functions ---- */

static int d_new(lua_State *L)
{
    jx_l_pushdec(L, jx_l_checkdec(L, 1));
    return 1;
}

/* decimal(x): the module table comes first. */
static int d_call(lua_State *L)
{
    lua_remove(L, 1);
    return d_new(L);
}

static int quotient(lua_State *L, jx_dec a, jx_dec b, int scale)
{
    jx_dec r = {0, 0};
    if (jx_dec_is_zero(b)) return luaL_error(L, "division by zero");
    return result(L, jx_dec_div(a, b, scale, &r), r);
}

static int d_div(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2);
    luaL_checkinteger(L, 3);
    return quotient(L, a, b, check_digits(L, 3, 0, JX_DEC_MAX_SCALE, "scale"));
}

static int d_isdecimal(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushboolean(L, jx_l_isdec(L, 1));
    return 1;
}

/* ---- methods ---- */

static int m_tonumber(lua_State *L)
{
    jx_dec d = check_self(L);
    if (d.scale == 0) lua_pushinteger(L, (lua_Integer)d.m);
    else lua_pushnumber(L, (lua_Number)jx_dec_to_double(d));
    return 1;
}

static int m_round(lua_State *L)
{
    jx_dec d = check_self(L), r = {0, 0};
    int scale = check_digits(L, 2, 0, JX_DEC_MAX_SCALE, "scale");
    return result(L, jx_dec_round(d, scale, &r), r);
}

/* d * 10^k, exact: 万元 -> 元 is shift(4), a fraction -> percent shift(2). */
static int m_shift(lua_State *L)
{
    jx_dec d = check_self(L), r = {0, 0};
    luaL_checkinteger(L, 2);
    int k = check_digits(L, 2, -36, 36, "shift");
    if (jx_dec_shift(d, k, &r) == 0) return result(L, 0, r);
    if (d.scale - k > JX_DEC_MAX_SCALE)
        return luaL_error(L, "decimal shift by %d needs more than 18 decimals; round first", k);
    return overflow(L);
}

static int m_scale(lua_State *L)
{
    lua_pushinteger(L, check_self(L).scale);
    return 1;
}

static int m_abs(lua_State *L)
{
    jx_l_pushdec(L, jx_dec_abs(check_self(L)));
    return 1;
}

static int m_iszero(lua_State *L)
{
    lua_pushboolean(L, jx_dec_is_zero(check_self(L)));
    return 1;
}

static int m_cmp(lua_State *L)
{
    jx_dec a = check_self(L);
    lua_pushinteger(L, jx_dec_cmp(a, jx_l_checkdec(L, 2)));
    return 1;
}

/* What == cannot do in Lua 5.4: compare with a number or a string. */
static int m_eq(lua_State *L)
{
    jx_dec a = check_self(L);
    lua_pushboolean(L, jx_dec_cmp(a, jx_l_checkdec(L, 2)) == 0);
    return 1;
}

/* ---- metamethods ---- */

static int mm_add(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2), r = {0, 0};
    return result(L, jx_dec_add(a, b, &r), r);
}

static int mm_sub(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2), r = {0, 0};
    return result(L, jx_dec_sub(a, b, &r), r);
}

static int mm_mul(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2), r = {0, 0};
    return result(L, jx_dec_mul(a, b, &r), r);
}

/* a / b to DIV_EXTRA digits past the larger scale, at most 18: 3.02 / 3.07
 * is 0.983713355049, enough to round a rate to 0.01 pp with no double. */
static int mm_div(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2);
    int scale = (a.scale > b.scale ? a.scale : b.scale) + DIV_EXTRA;
    return quotient(L, a, b, scale > JX_DEC_MAX_SCALE ? JX_DEC_MAX_SCALE : scale);
}

/* Floor division and its remainder as Lua defines them for numbers
 * (a == (a // b) * b + a % b, the remainder taking the divisor's sign), on
 * both operands brought to the larger scale. -1 on overflow; b != 0. */
static int floor_divmod(jx_dec a, jx_dec b, int64_t *q, jx_dec *rem)
{
    int s = a.scale > b.scale ? a.scale : b.scale;
    jx_dec x, y;
    if (jx_dec_round(a, s, &x) < 0 || jx_dec_round(b, s, &y) < 0) return -1;
    /* decimal.h never produces INT64_MIN, so x.m / -1 cannot overflow. */
    int64_t qq = x.m / y.m, r = x.m % y.m;
    if (r != 0 && (r < 0) != (y.m < 0)) r += y.m, qq--;
    *q = qq;
    *rem = (jx_dec){r, s};
    return 0;
}

static int mm_mod(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2), r = {0, 0};
    int64_t q;
    if (jx_dec_is_zero(b)) return luaL_error(L, "division by zero");
    return result(L, floor_divmod(a, b, &q, &r), r);
}

static int mm_idiv(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2), r = {0, 0};
    int64_t q = 0;
    if (jx_dec_is_zero(b)) return luaL_error(L, "division by zero");
    int rc = floor_divmod(a, b, &q, &r);
    return result(L, rc, jx_dec_from_int(q));
}

static int mm_unm(lua_State *L)
{
    jx_l_pushdec(L, jx_dec_neg(jx_l_checkdec(L, 1)));
    return 1;
}

/* Lua 5.4 calls __eq only when both sides are userdata (or both tables), so
 * this sees two Decimals, or a Decimal and some other userdata. */
static int mm_eq(lua_State *L)
{
    jx_dec *a = luaL_testudata(L, 1, DECIMAL), *b = luaL_testudata(L, 2, DECIMAL);
    lua_pushboolean(L, a && b && jx_dec_cmp(*a, *b) == 0);
    return 1;
}

static int mm_lt(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2);
    lua_pushboolean(L, jx_dec_cmp(a, b) < 0);
    return 1;
}

static int mm_le(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2);
    lua_pushboolean(L, jx_dec_cmp(a, b) <= 0);
    return 1;
}

static int mm_tostring(lua_State *L)
{
    char buf[JX_DEC_BUFSZ];
    int n = jx_dec_format(check_self(L), buf);
    lua_pushlstring(L, buf, (size_t)n);
    return 1;
}

/* The other side must be a string or a number, as for a plain "..". */
static int mm_concat(lua_State *L)
{
    luaL_Buffer b;
    lua_settop(L, 2);
    for (int i = 1; i <= 2; i++)
        if (!jx_l_isdec(L, i) && !lua_isstring(L, i))
            return luaL_error(L, "attempt to concatenate a %s value with a decimal", luaL_typename(L, i));
    for (int i = 1; i <= 2; i++) lua_tolstring(L, i, NULL); /* numbers become strings in place */
    luaL_buffinit(L, &b);
    for (int i = 1; i <= 2; i++) {
        jx_dec *d = luaL_testudata(L, i, DECIMAL);
        if (d) {
            char *p = luaL_prepbuffsize(&b, JX_DEC_BUFSZ);
            luaL_addsize(&b, (size_t)jx_dec_format(*d, p));
        } else {
            size_t n;
            const char *s = lua_tolstring(L, i, &n);
            luaL_addlstring(&b, s, n);
        }
    }
    luaL_pushresult(&b);
    return 1;
}

/* ---- tables and opener ---- */

static const luaL_Reg functions[] = {
    {"new", d_new},
    {"div", d_div},
    {"isdecimal", d_isdecimal},
    {NULL, NULL},
};

static const luaL_Reg methods[] = {
    {"tonumber", m_tonumber},
    {"round", m_round},
    {"shift", m_shift},
    {"scale", m_scale},
    {"abs", m_abs},
    {"iszero", m_iszero},
    {"cmp", m_cmp},
    {"eq", m_eq},
    {NULL, NULL},
};

static const luaL_Reg metamethods[] = {
    {"__add", mm_add},
    {"__sub", mm_sub},
    {"__mul", mm_mul},
    {"__div", mm_div},
    {"__mod", mm_mod},
    {"__idiv", mm_idiv},
    {"__unm", mm_unm},
    {"__eq", mm_eq},
    {"__lt", mm_lt},
    {"__le", mm_le},
    {"__tostring", mm_tostring},
    {"__concat", mm_concat},
    {NULL, NULL},
};

/* Pushes the Decimal metatable, creating it the first time; luaL_newmetatable
 * also sets __name, so argument errors elsewhere say "jixiao.Decimal". */
static void new_metatable(lua_State *L)
{
    if (luaL_newmetatable(L, DECIMAL)) {
        luaL_setfuncs(L, metamethods, 0);
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
}

int luaopen_jixiao_decimal(lua_State *L)
{
    new_metatable(L);
    lua_pop(L, 1);
    luaL_newlib(L, functions);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, d_call);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    return 1;
}
