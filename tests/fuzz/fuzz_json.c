/* Fuzz target: the JSON decoder and encoder of the jixiao.json Lua module
 * (src/l_json.c), reached through its opener in a bare Lua state as a script
 * would. decode must return a value or nil and a message, never raise; a
 * decoded value must encode (unless it is beyond a double), and encoding
 * settles: after one round trip, decode then encode gives the same text. */
#include "fuzz.h"
#include "l_json.h"
#include "lauxlib.h"
#include "lua.h"

static lua_State *L;

/* json.encode(v, {sort_keys = true}) on the value at the top; the text is
 * left on the stack. 0, or -1 with the message on the stack. */
static int encode_top(void)
{
    lua_getfield(L, 1, "encode");
    lua_pushvalue(L, -2);
    lua_createtable(L, 0, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "sort_keys");
    return lua_pcall(L, 2, 1, 0) == LUA_OK ? 0 : -1;
}

/* json.decode(text, {decimals = dec}) with text at the top, replaced by the
 * value (or nil): 1 decoded, 0 refused with a message, -1 raised. */
static int decode_top(int dec)
{
    lua_getfield(L, 1, "decode");
    lua_insert(L, -2);
    lua_createtable(L, 0, 1);
    lua_pushboolean(L, dec);
    lua_setfield(L, -2, "decimals");
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) return -1;
    if (lua_isnil(L, -2)) {
        if (!lua_isstring(L, -1)) return -1;
        lua_pop(L, 2);
        lua_pushnil(L);
        return 0;
    }
    lua_pop(L, 1);
    return 1;
}

/* One state serves every input; closed at exit so leak checkers see only
 * what a single decode or encode leaks. */
static void close_state(void)
{
    lua_close(L);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!L) {
        L = luaL_newstate();
        luaL_requiref(L, "jixiao.json", luaopen_jixiao_json, 0);
        atexit(close_state);
    }
    lua_settop(L, 1); /* 1: the module */
    int dec = size && (data[size - 1] & 1);
    lua_pushlstring(L, (const char *)data, size);
    int rc = decode_top(dec);
    if (rc < 0) fz_fail("decode raised", lua_tostring(L, -1), 0);
    if (rc == 1) {
        if (encode_top() < 0) {
            /* Numbers past the double range decode to ±math.huge, which JSON
             * cannot hold: documented, so not a finding. */
            if (strstr(lua_tostring(L, -1), "infinity")) goto done;
            fz_fail("a decoded value does not encode", lua_tostring(L, -1), 0);
        }
        size_t n1, n2, n3;
        const char *t1 = lua_tolstring(L, -1, &n1);
        if (!fz_utf8_valid(t1, n1)) fz_fail("encode wrote invalid UTF-8", t1, n1);
        /* A float's text may come back as a Decimal (with decimals=true), whose
         * text differs; one more round trip must then change nothing. */
        lua_pushvalue(L, -1);
        if (decode_top(dec) != 1) fz_fail("encoded text does not decode", t1, n1);
        if (encode_top() < 0) fz_fail("a re-decoded value does not encode", NULL, 0);
        const char *t2 = lua_tolstring(L, -1, &n2);
        lua_pushvalue(L, -1);
        if (decode_top(dec) != 1) fz_fail("encoded text does not decode", t2, n2);
        if (encode_top() < 0) fz_fail("a re-decoded value does not encode", NULL, 0);
        const char *t3 = lua_tolstring(L, -1, &n3);
        if (n2 != n3 || memcmp(t2, t3, n2) != 0) fz_fail("encode(decode(t)) does not settle", t3, n3);
    }
done:
    lua_settop(L, 1);
    static unsigned runs;
    if (++runs % 256 == 0) lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
