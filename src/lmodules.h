/* The C modules built into jixiao's Lua: name -> opener, placed in
 * package.preload of every state lhost.c creates. */
#ifndef JX_LMODULES_H
#define JX_LMODULES_H

#include "lauxlib.h"

extern const luaL_Reg jx_lua_modules[];

#endif
