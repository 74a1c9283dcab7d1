/* Private to jixiao.json: what the encoder and opener (l_json.c) share with
 * the decoder (l_json_decode.c). Not for other units; the module's interface
 * is luaopen_jixiao_json in l_json.h. */
#ifndef JX_L_JSON_INT_H
#define JX_L_JSON_INT_H

#include <stddef.h>

#include "lua.h"

#define MAX_DEPTH 200

/* Module state, the upvalues of encode and decode. */
#define NULL_IDX lua_upvalueindex(1)     /* json.null, a light userdata */
#define ARRAY_MT_IDX lua_upvalueindex(2) /* json.array_mt */
#define OUTBUF_MT_IDX lua_upvalueindex(3)

/* Reads the boolean options in names (NULL-terminated) from the table at idx
 * into flags; raises on an unknown option or a value not a boolean. */
void jx_l_json_check_options(lua_State *L, int idx, const char *const names[], int flags[], const char *list);

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
size_t jx_l_json_utf8_len(const unsigned char *s, size_t n);

/* json.decode, registered by the opener with the module's upvalues. */
int jx_l_json_decode(lua_State *L);

#endif
