/* jixiao.decimal: exact decimals as Lua values (userdata "jixiao.Decimal")
 * with arithmetic and comparison that mix with Lua numbers and numeric
 * strings, and the C API other modules use to hand amounts to Lua. */
#ifndef JX_L_DECIMAL_H
#define JX_L_DECIMAL_H

#include "decimal.h"
#include "lua.h"

/* Pushes d as a Decimal. Works before any script required the module (the
 * metatable is created on first use). Raises only a memory error. */
void jx_l_pushdec(lua_State *L, jx_dec d);

/* 1 if the value at idx is a Decimal. Never raises. */
int jx_l_isdec(lua_State *L, int idx);

/* The decimal at idx: a Decimal, an integer, a float (read exactly from its
 * shortest round-trip text, so 0.1 is 0.1, not 0.1000000000000000055…) or a
 * numeric string as jx_dec_parse reads it ("3.07", "１，２３４.５"). Raises an
 * argument error naming idx for anything else (a table, "abc", "", NaN,
 * 1e300). */
jx_dec jx_l_checkdec(lua_State *L, int idx);

int luaopen_jixiao_decimal(lua_State *L);

#endif
