/* jixiao.json: JSON encode/decode for scripts (see l_json.c). */
#ifndef JX_L_JSON_H
#define JX_L_JSON_H

#include "lua.h"

int luaopen_jixiao_json(lua_State *L);

#endif
