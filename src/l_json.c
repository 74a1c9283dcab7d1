/* jixiao.json: JSON (RFC 8259) for scripts. This file checks options, holds
 * the encoder and opens the module; the decoder is in l_json_decode.c. encode
 * writes decimals with their exact text and names the key path of anything it
 * cannot write. All memory is Lua's: an error frees it all. */
#include "l_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l_decimal.h"
#include "l_json_int.h"
#include "lauxlib.h"

/* json.null is the address of this byte: unique, and never a real pointer
 * a script could come by otherwise. */
static const char null_tag;

/* ---- checkers ---- */

/* Reads the boolean options listed in names (NULL-terminated) from the table
 * at idx into flags (all 0 when idx is none or nil). Any other key, or a
 * value that is not a boolean, raises: a misspelt option must not be
 * silently ignored. */
void jx_l_json_check_options(lua_State *L, int idx, const char *const names[], int flags[], const char *list)
{
    int n = 0;
    while (names[n]) flags[n++] = 0;
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int k = -1;
        if (lua_type(L, -2) == LUA_TSTRING)
            for (k = n - 1; k >= 0 && strcmp(names[k], lua_tostring(L, -2)) != 0; k--) continue;
        if (k < 0) {
            const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2);
            luaL_argerror(L, idx, lua_pushfstring(L, "unknown option '%s' (the options are %s)", key, list));
        }
        if (!lua_isboolean(L, -1))
            luaL_argerror(L, idx, lua_pushfstring(L, "option '%s' must be true or false, got %s", names[k],
                                                  luaL_typename(L, -1)));
        flags[k] = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
}

/* ---- shared helpers ---- */

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0 for an
 * invalid one: overlong forms, surrogates and code points past U+10FFFF
 * are invalid, as RFC 3629 says. */
size_t jx_l_json_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (len == 2 && c < 0xC2) return 0;
    if (len == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))) return 0;
    if (len == 4 && ((c == 0xF0 && s[1] < 0x90) || c > 0xF4 || (c == 0xF4 && s[1] >= 0x90))) return 0;
    return len;
}

/* The shortest text that reads back as x, into buf (>= 40 bytes), with a
 * '.' whatever the locale says, and ".0" after an integral value so that it
 * decodes as a float again. x must be finite. Returns the length. */
static int format_float(double x, char *buf)
{
    int n = 0;
    if (!isfinite(x)) return snprintf(buf, 40, "%s", x != x ? "nan" : x > 0 ? "inf" : "-inf"); /* keys only */
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, 40, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    int frac = 0;
    for (int i = 0; i < n; i++) {
        char c = buf[i];
        if (c == 'e') frac = 1;
        else if (c != '-' && c != '+' && (c < '0' || c > '9')) buf[i] = '.', frac = 1;
    }
    if (!frac) buf[n++] = '.', buf[n++] = '0', buf[n] = 0;
    return n;
}

/* ---- encoding ---- */

/* The output grows in memory from the state's allocator, owned by a
 * userdata marked to-be-closed: an error anywhere in the walk frees it at
 * once, and it counts against the state's memory limit. (A luaL_Buffer
 * would do the same but must stay on top of the stack, while the walk keeps
 * tables and keys there.) */
struct outbuf {
    char *p;
    size_t n, cap;
};

static int outbuf_free(lua_State *L) /* __gc and __close */
{
    struct outbuf *b = lua_touserdata(L, 1);
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    if (b && b->p) alloc(ud, b->p, b->cap, 0);
    if (b) *b = (struct outbuf){NULL, 0, 0};
    return 0;
}

/* The key of one level of the walk, for messages: the key at stack index
 * `key`, or the array index i when key is 0. */
struct frame {
    int key;
    lua_Integer i;
};

struct enc {
    lua_State *L;
    struct outbuf *b;
    int pretty, sort;
    int seen;  /* stack index of the set of tables on the current path */
    int depth; /* containers open; path[0..depth-1] says where we are */
    struct frame path[MAX_DEPTH];
};

/* Room for n more bytes; returns where they go (the caller adds to b->n). */
static char *reserve(struct enc *e, size_t n)
{
    struct outbuf *b = e->b;
    if (b->cap - b->n < n) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap - b->n < n) {
            if (cap > ((size_t)-1) / 4) luaL_error(e->L, "json: output too large");
            cap *= 2;
        }
        void *ud;
        lua_Alloc alloc = lua_getallocf(e->L, &ud);
        char *p = alloc(ud, b->p, b->cap, cap);
        if (!p) luaL_error(e->L, "json: not enough memory for the output");
        b->p = p, b->cap = cap;
    }
    return b->p + b->n;
}

static void put(struct enc *e, const char *s, size_t n)
{
    memcpy(reserve(e, n), s, n);
    e->b->n += n;
}

static void putch(struct enc *e, char c)
{
    *reserve(e, 1) = c;
    e->b->n++;
}

static void newline(struct enc *e, int level)
{
    if (!e->pretty) return;
    char *o = reserve(e, 1 + 2 * (size_t)level);
    o[0] = '\n';
    memset(o + 1, ' ', 2 * (size_t)level);
    e->b->n += 1 + 2 * (size_t)level;
}

/* A key of the path as Lua would write it: .name, ["odd key"], [3]. */
static void add_path_key(luaL_Buffer *b, lua_State *L, const struct frame *f, int first)
{
    char num[48];
    if (!f->key) {
        snprintf(num, sizeof num, "[%lld]", (long long)f->i);
        luaL_addstring(b, num);
        return;
    }
    if (lua_type(L, f->key) == LUA_TNUMBER) {
        if (lua_isinteger(L, f->key)) snprintf(num, sizeof num, "[%lld]", (long long)lua_tointeger(L, f->key));
        else snprintf(num, sizeof num, "[%.14g]", (double)lua_tonumber(L, f->key));
        luaL_addstring(b, num);
        return;
    }
    if (lua_type(L, f->key) != LUA_TSTRING) {
        luaL_addchar(b, '[');
        luaL_addstring(b, luaL_typename(L, f->key));
        luaL_addchar(b, ']');
        return;
    }
    size_t n;
    const unsigned char *s = (const unsigned char *)lua_tolstring(L, f->key, &n);
    int ident = n > 0 && !(s[0] >= '0' && s[0] <= '9');
    for (size_t i = 0; i < n && ident; i++)
        ident = s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z');
    if (ident) {
        if (!first) luaL_addchar(b, '.');
        luaL_addlstring(b, (const char *)s, n);
        return;
    }
    /* Escaped so the message stays valid text; long keys are cut. */
    luaL_addstring(b, "[\"");
    for (size_t i = 0; i < n;) {
        size_t len = jx_l_json_utf8_len(s + i, n - i);
        if (i >= 60) {
            luaL_addstring(b, "...");
            break;
        }
        if (len == 1 && (s[i] == '"' || s[i] == '\\')) {
            luaL_addchar(b, '\\');
            luaL_addchar(b, (char)s[i]);
        } else if (len == 0 || s[i] < 0x20 || s[i] == 0x7f) {
            snprintf(num, sizeof num, "\\%d", s[i]);
            luaL_addstring(b, num);
            len = 1;
        } else {
            luaL_addlstring(b, (const char *)s + i, len);
        }
        i += len;
    }
    luaL_addstring(b, "\"]");
}

/* Raises "json: WHAT at key PATH DETAIL" (or "at the top level"). */
static int enc_error(struct enc *e, const char *what, const char *detail)
{
    lua_State *L = e->L;
    luaL_checkstack(L, 4, "json: error message");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "json: ");
    luaL_addstring(&b, what);
    if (e->depth == 0) {
        luaL_addstring(&b, " at the top level");
    } else {
        luaL_addstring(&b, " at key ");
        for (int i = 0; i < e->depth; i++) add_path_key(&b, L, &e->path[i], i == 0);
    }
    luaL_addstring(&b, detail);
    luaL_pushresult(&b);
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
}

/* Writes s quoted and escaped: the two characters RFC 8259 requires, and
 * every control character; valid UTF-8 is copied, anything else raises. The
 * input goes in chunks so the room reserved stays small for a long string. */
static void enc_string(struct enc *e, const char *str, size_t n, int is_key)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    enum { CHUNK = 4096 };
    putch(e, '"');
    for (size_t i = 0; i < n;) {
        size_t stop = n - i > CHUNK ? i + CHUNK : n;
        char *o = reserve(e, 6 * (stop - i) + 8), *start = o;
        while (i < stop) {
            unsigned char c = s[i];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                *o++ = (char)c, i++;
                continue;
            }
            if (c >= 0x80) {
                size_t len = jx_l_json_utf8_len(s + i, n - i);
                if (!len) {
                    char detail[32];
                    snprintf(detail, sizeof detail, " (byte %zu)", i + 1);
                    enc_error(e, is_key ? "invalid UTF-8 in an object key" : "invalid UTF-8 in string", detail);
                }
                memcpy(o, s + i, len), o += len, i += len;
                continue;
            }
            *o++ = '\\', i++;
            switch (c) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '\n': *o++ = 'n'; break;
            case '\r': *o++ = 'r'; break;
            case '\t': *o++ = 't'; break;
            case '\b': *o++ = 'b'; break;
            case '\f': *o++ = 'f'; break;
            default: *o++ = 'u', *o++ = '0', *o++ = '0', *o++ = hex[c >> 4], *o++ = hex[c & 15]; break;
            }
        }
        e->b->n += (size_t)(o - start);
    }
    putch(e, '"');
}

static void enc_value(struct enc *e, int idx);

/* Raises when the text of a number key, on the top of the stack, is also a
 * string key of the table at t ({[1] = "a", ["1"] = "b"}): the object would
 * have the same name twice. */
static void check_clash(struct enc *e, int t)
{
    lua_State *L = e->L;
    lua_pushvalue(L, -1);
    if (lua_rawget(L, t) != LUA_TNIL) {
        const char *k = lua_tostring(L, -2);
        enc_error(e, lua_pushfstring(L, "cannot encode both %s and \"%s\" as keys of one object", k, k), "");
    }
    lua_pop(L, 1);
}

/* Pushes the text of the number key at stack index k. */
static void push_number_key(lua_State *L, int k)
{
    char buf[48];
    if (lua_isinteger(L, k)) lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, k));
    else lua_pushlstring(L, buf, (size_t)format_float((double)lua_tonumber(L, k), buf));
}

/* Writes the key at stack index k of the table at t as a JSON string, then
 * the colon. */
static void enc_key(struct enc *e, int t, int k)
{
    lua_State *L = e->L;
    size_t len;
    const char *s;
    switch (lua_type(L, k)) {
    case LUA_TSTRING:
        s = lua_tolstring(L, k, &len);
        enc_string(e, s, len, 1);
        break;
    case LUA_TNUMBER:
        push_number_key(L, k);
        check_clash(e, t);
        s = lua_tolstring(L, -1, &len);
        enc_string(e, s, len, 1);
        lua_pop(L, 1);
        break;
    default:
        enc_error(e, lua_pushfstring(L, "cannot use a %s as an object key", luaL_typename(L, k)), "");
    }
    if (e->pretty) put(e, ": ", 2);
    else putch(e, ':');
}

/* Scans the keys of the table at t: returns n when they are exactly 1..n,
 * else -1. A table marked with json.array_mt must pass (n may be 0 then);
 * an unmarked one needs n >= 1, so {} is an object. */
static lua_Integer array_len(struct enc *e, int t)
{
    lua_State *L = e->L;
    int marked = 0;
    if (lua_getmetatable(L, t)) {
        marked = lua_rawequal(L, -1, ARRAY_MT_IDX);
        lua_pop(L, 1);
    }
    lua_Integer count = 0, max = 0;
    int ints = 1;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        lua_Integer k = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
        if (k < 1) {
            ints = 0;
            lua_pop(L, 1);
            break;
        }
        if (k > max) max = k;
        count++;
    }
    int array = ints && count == max;
    if (marked && !array) enc_error(e, "cannot encode a table marked json.array_mt whose keys are not 1..n", "");
    return array && (marked || count > 0) ? count : -1;
}

static void enc_array(struct enc *e, int t, lua_Integer n)
{
    lua_State *L = e->L;
    putch(e, '[');
    for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1) putch(e, ',');
        newline(e, e->depth);
        e->path[e->depth - 1] = (struct frame){0, i};
        lua_rawgeti(L, t, i);
        enc_value(e, lua_gettop(L));
        lua_pop(L, 1);
    }
    if (n > 0) newline(e, e->depth - 1);
    putch(e, ']');
}

static void enc_object(struct enc *e, int t)
{
    lua_State *L = e->L;
    int first = 1;
    putch(e, '{');
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int k = lua_gettop(L) - 1;
        e->path[e->depth - 1] = (struct frame){k, 0};
        if (!first) putch(e, ',');
        first = 0;
        newline(e, e->depth);
        enc_key(e, t, k);
        enc_value(e, k + 1);
        lua_pop(L, 1);
    }
    if (!first) newline(e, e->depth - 1);
    putch(e, '}');
}

struct sorted_key {
    const char *s;
    size_t n;
    lua_Integer i; /* the original key is keys[nk + i] */
};

/* Byte order, so the output does not depend on the locale. */
static int cmp_keys(const void *a, const void *b)
{
    const struct sorted_key *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The object with its keys sorted. Each key's text is kept in a table on the
 * stack, so the pointers sorted here stay valid (Lua never moves a string
 * that is still referenced). */
static void enc_sorted(struct enc *e, int t)
{
    lua_State *L = e->L;
    lua_Integer nk = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) lua_pop(L, 1), nk++;
    if (nk == 0) {
        put(e, "{}", 2);
        return;
    }
    if ((size_t)nk > ((size_t)-1) / sizeof(struct sorted_key) || nk > (1 << 26))
        enc_error(e, "cannot sort an object this large", "");
    lua_createtable(L, (int)(2 * nk), 0);
    int keys = lua_gettop(L);
    struct sorted_key *v = lua_newuserdatauv(L, (size_t)nk * sizeof *v, 0);
    lua_Integer i = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int k = lua_gettop(L);
        i++;
        lua_pushvalue(L, k);
        lua_rawseti(L, keys, nk + i);
        e->path[e->depth - 1] = (struct frame){k, 0};
        if (lua_type(L, k) == LUA_TSTRING) {
            lua_pushvalue(L, k);
        } else if (lua_type(L, k) == LUA_TNUMBER) {
            push_number_key(L, k);
            check_clash(e, t);
        } else {
            enc_error(e, lua_pushfstring(L, "cannot use a %s as an object key", luaL_typename(L, k)), "");
        }
        v[i - 1].s = lua_tolstring(L, -1, &v[i - 1].n);
        v[i - 1].i = i;
        lua_rawseti(L, keys, i);
    }
    qsort(v, (size_t)nk, sizeof *v, cmp_keys);
    putch(e, '{');
    for (i = 0; i < nk; i++) {
        if (i > 0) putch(e, ',');
        newline(e, e->depth);
        lua_rawgeti(L, keys, nk + v[i].i);
        int k = lua_gettop(L);
        e->path[e->depth - 1] = (struct frame){k, 0};
        enc_string(e, v[i].s, v[i].n, 1);
        if (e->pretty) put(e, ": ", 2);
        else putch(e, ':');
        lua_pushvalue(L, k);
        lua_rawget(L, t);
        enc_value(e, k + 1);
        lua_pop(L, 2);
    }
    newline(e, e->depth - 1);
    putch(e, '}');
    lua_pop(L, 2);
}

static void enc_table(struct enc *e, int t)
{
    lua_State *L = e->L;
    if (e->depth >= MAX_DEPTH) {
        char detail[48];
        snprintf(detail, sizeof detail, " (more than %d levels)", MAX_DEPTH);
        enc_error(e, "cannot encode nesting this deep", detail);
    }
    luaL_checkstack(L, 12, "json: nesting too deep");
    lua_pushvalue(L, t);
    if (lua_rawget(L, e->seen) != LUA_TNIL) enc_error(e, "cannot encode a cycle (a table inside itself)", "");
    lua_pop(L, 1);
    lua_pushvalue(L, t);
    lua_pushboolean(L, 1);
    lua_rawset(L, e->seen);

    lua_Integer n = array_len(e, t);
    e->depth++;
    if (n >= 0) enc_array(e, t, n);
    else if (e->sort) enc_sorted(e, t);
    else enc_object(e, t);
    e->depth--;

    lua_pushvalue(L, t);
    lua_pushnil(L);
    lua_rawset(L, e->seen);
}

static void enc_value(struct enc *e, int idx)
{
    lua_State *L = e->L;
    char buf[JX_DEC_BUFSZ > 48 ? JX_DEC_BUFSZ : 48];
    switch (lua_type(L, idx)) {
    case LUA_TNIL: put(e, "null", 4); return;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx)) put(e, "true", 4);
        else put(e, "false", 5);
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            put(e, buf, (size_t)snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx)));
        } else {
            double x = (double)lua_tonumber(L, idx);
            if (!isfinite(x))
                enc_error(e, x != x ? "cannot encode NaN" : x > 0 ? "cannot encode infinity"
                                                               : "cannot encode -infinity",
                          " (JSON has no NaN or infinity)");
            put(e, buf, (size_t)format_float(x, buf));
        }
        return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        enc_string(e, s, n, 0);
        return;
    }
    case LUA_TTABLE: enc_table(e, idx); return;
    case LUA_TLIGHTUSERDATA:
        if (lua_rawequal(L, idx, NULL_IDX)) {
            put(e, "null", 4);
            return;
        }
        break;
    case LUA_TUSERDATA:
        if (jx_l_isdec(L, idx)) {
            put(e, buf, (size_t)jx_dec_format(jx_l_checkdec(L, idx), buf));
            return;
        }
        break;
    default: break;
    }
    enc_error(e, lua_pushfstring(L, "cannot encode a %s", luaL_typename(L, idx)), "");
}

/* ---- functions ---- */

/* encode(value [, {pretty=, sort_keys=}]) -> text. Raises on what JSON cannot
 * hold, naming the key path. */
static int j_encode(lua_State *L)
{
    static const char *const names[] = {"pretty", "sort_keys", NULL};
    int flags[2];
    luaL_checkany(L, 1);
    jx_l_json_check_options(L, 2, names, flags, "pretty, sort_keys");
    lua_settop(L, 2);
    struct enc e;
    e.L = L, e.pretty = flags[0], e.sort = flags[1], e.depth = 0;
    lua_newtable(L);
    e.seen = 3;
    e.b = lua_newuserdatauv(L, sizeof *e.b, 0);
    *e.b = (struct outbuf){NULL, 0, 0};
    lua_pushvalue(L, OUTBUF_MT_IDX);
    lua_setmetatable(L, 4);
    lua_toclose(L, 4);
    enc_value(&e, 1);
    lua_pushlstring(L, e.b->p, e.b->n);
    return 1;
}

/* decode(text [, {decimals=}]) -> value, or nil and "json: line L, column C:
 * expected …". Misuse (text not a string, bad options) raises. */
/* ---- tables and opener ---- */

static const luaL_Reg functions[] = {
    {"encode", j_encode},
    {"decode", jx_l_json_decode},
    {NULL, NULL},
};

/* The module: encode, decode, null (a light userdata that encodes as null
 * and that decode returns for null), array_mt (the metatable that makes a
 * table an array even when empty; decode sets it on every array). */
int luaopen_jixiao_json(lua_State *L)
{
    lua_createtable(L, 0, 4);
    lua_pushlightuserdata(L, (void *)&null_tag); /* json.null */
    lua_createtable(L, 0, 1);                    /* json.array_mt */
    lua_pushliteral(L, "json.array");
    lua_setfield(L, -2, "__name");
    lua_createtable(L, 0, 2); /* the output buffer's metatable */
    lua_pushcfunction(L, outbuf_free);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, outbuf_free);
    lua_setfield(L, -2, "__close");
    lua_pushvalue(L, -3);
    lua_setfield(L, -5, "null");
    lua_pushvalue(L, -2);
    lua_setfield(L, -5, "array_mt");
    luaL_setfuncs(L, functions, 3);
    return 1;
}
