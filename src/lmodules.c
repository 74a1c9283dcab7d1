/* The table of C modules available to require (see lmodules.h). A module file
 * src/l_<name>.c ends in luaopen_jixiao_<name> and is listed here. */
#include "lmodules.h"

int luaopen_lpeg(lua_State *L);
int luaopen_jixiao_decimal(lua_State *L);
int luaopen_jixiao_json(lua_State *L);
int luaopen_jixiao(lua_State *L);
int luaopen_jixiao_http(lua_State *L);
int luaopen_jixiao_indicator_core(lua_State *L);

const luaL_Reg jx_lua_modules[] = {
    {"lpeg", luaopen_lpeg},
    {"jixiao.decimal", luaopen_jixiao_decimal},
    {"jixiao.json", luaopen_jixiao_json},
    {"jixiao", luaopen_jixiao},
    {"jixiao.http", luaopen_jixiao_http},
    {"jixiao.indicator_core", luaopen_jixiao_indicator_core},
    {NULL, NULL},
};
