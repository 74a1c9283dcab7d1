/* jixiao.decimal (see l_decimal.h). The value lives inside the userdata, so
 * nothing is malloc'd and raising an error never leaks. */
#include "l_decimal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"

#define DECIMAL "jixiao.Decimal"
/* Digits a quotient keeps beyond its operands' scales. */
#define DIV_EXTRA 10

/* ---- checkers ---- */

int jx_l_isdec(lua_State *L, int idx) { return luaL_testudata(L, idx, DECIMAL) != NULL; }

/* Shortest %.*g text that reads back as the same double. */
static int float_text(lua_Number x, char *buf, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, (double)x);
        if (strtod(buf, NULL) == (double)x) break;
    }
    /* Exponent forms are written out so jx_dec_parse can read them. */
    char *e = strchr(buf, 'e');
    if (!e) return 0;
    int exp = atoi(e + 1);
    *e = 0;
    char digits[64] = {0};
    int neg = buf[0] == '-', point = -1, n = 0;
    for (const char *p = buf + neg; *p; p++) {
        if (*p == '.') point = n;
        else if (n < 60) digits[n++] = *p;
    }
    if (point < 0) point = n;
    point += exp;
    if (point > 18 || point < -18) return -1;
    char out[80], *o = out;
    if (neg) *o++ = '-';
    if (point <= 0) {
        *o++ = '0', *o++ = '.';
        for (int i = 0; i < -point; i++) *o++ = '0';
        memcpy(o, digits, (size_t)n), o += n;
    } else {
        for (int i = 0; i < point; i++) *o++ = i < n ? digits[i] : '0';
        if (point < n) {
            *o++ = '.';
            memcpy(o, digits + point, (size_t)(n - point)), o += n - point;
        }
    }
    *o = 0;
    snprintf(buf, cap, "%s", out);
    return 0;
}

static int todec(lua_State *L, int idx, jx_dec *out)
{
    jx_dec *u = luaL_testudata(L, idx, DECIMAL);
    if (u) return *out = *u, 1;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return *out = jx_dec_from_int(lua_tointeger(L, idx)), 1;
        {
            char buf[96];
            lua_Number x = lua_tonumber(L, idx);
            if (!isfinite(x) || float_text(x, buf, sizeof buf) < 0) return 0;
            return jx_dec_parse(buf, strlen(buf), out) == 1;
        }
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return jx_dec_parse(s, n, out) == 1;
    }
    default: return 0;
    }
}

jx_dec jx_l_checkdec(lua_State *L, int idx)
{
    jx_dec d = {0, 0};
    if (!todec(L, idx, &d))
        luaL_argerror(L, idx, lua_pushfstring(L, "decimal expected (a Decimal, number or numeric string), got %s",
                                              luaL_typename(L, idx)));
    return d;
}

void jx_l_pushdec(lua_State *L, jx_dec d)
{
    jx_dec *u = lua_newuserdatauv(L, sizeof *u, 0);
    *u = d;
    luaL_setmetatable(L, DECIMAL);
}

static void overflow(lua_State *L) { luaL_error(L, "decimal overflow (more than 18 digits)"); }

/* ---- functions ---- */

static int d_new(lua_State *L)
{
    /* Called as decimal(x): the module table comes first. */
    int idx = lua_istable(L, 1) && lua_gettop(L) >= 2 ? 2 : 1;
    jx_l_pushdec(L, jx_l_checkdec(L, idx));
    return 1;
}

static int quotient(lua_State *L, jx_dec a, jx_dec b, int scale)
{
    jx_dec r;
    if (jx_dec_is_zero(b)) return luaL_error(L, "division by zero");
    if (jx_dec_div(a, b, scale, &r) < 0) overflow(L);
    jx_l_pushdec(L, r);
    return 1;
}

static int d_div(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2);
    int scale = (int)luaL_checkinteger(L, 3);
    luaL_argcheck(L, scale >= 0 && scale <= JX_DEC_MAX_SCALE, 3, "scale must be 0..18");
    return quotient(L, a, b, scale);
}

/* ---- methods ---- */

static int m_tonumber(lua_State *L)
{
    jx_dec d = jx_l_checkdec(L, 1);
    if (d.scale == 0) lua_pushinteger(L, (lua_Integer)d.m);
    else lua_pushnumber(L, (lua_Number)jx_dec_to_double(d));
    return 1;
}

static int m_round(lua_State *L)
{
    jx_dec d = jx_l_checkdec(L, 1), r;
    int scale = (int)luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, scale >= 0 && scale <= JX_DEC_MAX_SCALE, 2, "scale must be 0..18");
    if (jx_dec_round(d, scale, &r) < 0) overflow(L);
    jx_l_pushdec(L, r);
    return 1;
}

static int m_shift(lua_State *L)
{
    jx_dec d = jx_l_checkdec(L, 1), r;
    int k = (int)luaL_checkinteger(L, 2);
    if (k < -18 || k > 18 || jx_dec_shift(d, k, &r) < 0) overflow(L);
    jx_l_pushdec(L, r);
    return 1;
}

static int m_scale(lua_State *L)
{
    lua_pushinteger(L, jx_l_checkdec(L, 1).scale);
    return 1;
}

static int m_abs(lua_State *L)
{
    jx_l_pushdec(L, jx_dec_abs(jx_l_checkdec(L, 1)));
    return 1;
}

static int m_iszero(lua_State *L)
{
    lua_pushboolean(L, jx_dec_is_zero(jx_l_checkdec(L, 1)));
    return 1;
}

static int m_cmp(lua_State *L)
{
    lua_pushinteger(L, jx_dec_cmp(jx_l_checkdec(L, 1), jx_l_checkdec(L, 2)));
    return 1;
}

static int m_eq(lua_State *L)
{
    lua_pushboolean(L, jx_dec_cmp(jx_l_checkdec(L, 1), jx_l_checkdec(L, 2)) == 0);
    return 1;
}

/* ---- metamethods ---- */

static int mm_add(lua_State *L)
{
    jx_dec r;
    if (jx_dec_add(jx_l_checkdec(L, 1), jx_l_checkdec(L, 2), &r) < 0) overflow(L);
    jx_l_pushdec(L, r);
    return 1;
}

static int mm_sub(lua_State *L)
{
    jx_dec r;
    if (jx_dec_sub(jx_l_checkdec(L, 1), jx_l_checkdec(L, 2), &r) < 0) overflow(L);
    jx_l_pushdec(L, r);
    return 1;
}

static int mm_mul(lua_State *L)
{
    jx_dec r;
    if (jx_dec_mul(jx_l_checkdec(L, 1), jx_l_checkdec(L, 2), &r) < 0) overflow(L);
    jx_l_pushdec(L, r);
    return 1;
}

/* a / b keeps DIV_EXTRA digits beyond the operands' scales (at most 18). */
static int mm_div(lua_State *L)
{
    jx_dec a = jx_l_checkdec(L, 1), b = jx_l_checkdec(L, 2);
    int scale = (a.scale > b.scale ? a.scale : b.scale) + DIV_EXTRA;
    return quotient(L, a, b, scale > JX_DEC_MAX_SCALE ? JX_DEC_MAX_SCALE : scale);
}

static int mm_unm(lua_State *L)
{
    jx_l_pushdec(L, jx_dec_neg(jx_l_checkdec(L, 1)));
    return 1;
}

static int mm_eq(lua_State *L)
{
    jx_dec a, b;
    lua_pushboolean(L, todec(L, 1, &a) && todec(L, 2, &b) && jx_dec_cmp(a, b) == 0);
    return 1;
}

static int mm_lt(lua_State *L)
{
    lua_pushboolean(L, jx_dec_cmp(jx_l_checkdec(L, 1), jx_l_checkdec(L, 2)) < 0);
    return 1;
}

static int mm_le(lua_State *L)
{
    lua_pushboolean(L, jx_dec_cmp(jx_l_checkdec(L, 1), jx_l_checkdec(L, 2)) <= 0);
    return 1;
}

static int mm_tostring(lua_State *L)
{
    char buf[JX_DEC_BUFSZ];
    int n = jx_dec_format(jx_l_checkdec(L, 1), buf);
    lua_pushlstring(L, buf, (size_t)n);
    return 1;
}

static int mm_concat(lua_State *L)
{
    for (int i = 1; i <= 2; i++) {
        if (jx_l_isdec(L, i)) {
            char buf[JX_DEC_BUFSZ];
            lua_pushlstring(L, buf, (size_t)jx_dec_format(*(jx_dec *)lua_touserdata(L, i), buf));
        } else {
            luaL_tolstring(L, i, NULL);
        }
    }
    lua_concat(L, 2);
    return 1;
}

/* ---- tables and opener ---- */

static int d_isdecimal(lua_State *L)
{
    lua_pushboolean(L, jx_l_isdec(L, 1));
    return 1;
}

static const luaL_Reg functions[] = {
    {"new", d_new},
    {"div", d_div},
    {"isdecimal", d_isdecimal},
    {NULL, NULL},
};

static const luaL_Reg methods[] = {
    {"tonumber", m_tonumber}, {"round", m_round}, {"shift", m_shift}, {"scale", m_scale}, {"abs", m_abs},
    {"iszero", m_iszero},     {"cmp", m_cmp},     {"eq", m_eq},       {NULL, NULL},
};

static const luaL_Reg metamethods[] = {
    {"__add", mm_add}, {"__sub", mm_sub}, {"__mul", mm_mul},           {"__div", mm_div},
    {"__unm", mm_unm}, {"__eq", mm_eq},   {"__lt", mm_lt},             {"__le", mm_le},
    {"__tostring", mm_tostring},          {"__concat", mm_concat},     {NULL, NULL},
};

int luaopen_jixiao_decimal(lua_State *L)
{
    luaL_newlib(L, functions);
    /* decimal(x) is decimal.new(x). */
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, d_new);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    if (luaL_newmetatable(L, DECIMAL)) {
        luaL_setfuncs(L, metamethods, 0);
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    return 1;
}
