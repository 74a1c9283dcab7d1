/* jixiao.json: JSON encode/decode for scripts (RFC 8259), exact decimals
 * written as numbers and, on request, read back as decimals. The Lua API is
 * summarised above luaopen_jixiao_json in l_json.c and in the README. */
#ifndef JX_L_JSON_H
#define JX_L_JSON_H

#include "lua.h"

int luaopen_jixiao_json(lua_State *L);

#endif
