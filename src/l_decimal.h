/* jixiao.decimal: exact decimals as Lua values (userdata "jixiao.Decimal")
 * with natural arithmetic and comparison, mixing with Lua numbers and numeric
 * strings; and the C API other modules use to hand amounts to Lua. */
#ifndef JX_L_DECIMAL_H
#define JX_L_DECIMAL_H

#include "decimal.h"
#include "lua.h"

void jx_l_pushdec(lua_State *L, jx_dec d);
int jx_l_isdec(lua_State *L, int idx);
/* A Decimal, an integer, a float (read from its shortest round-trip text, so
 * 0.1 is 0.1) or a numeric string ("3.07", "１,２３４.５"); raises an argument
 * error for anything else. */
jx_dec jx_l_checkdec(lua_State *L, int idx);
int luaopen_jixiao_decimal(lua_State *L);

#endif
