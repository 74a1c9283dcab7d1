/* jixiao.json: JSON encode and decode (RFC 8259) for scripts. Decimals are
 * written with their exact text; decode can return decimals for non-integral
 * numbers so money survives a round trip. Output grows in a buffer owned by a
 * userdata, so an error never leaks memory. */
#include "l_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l_decimal.h"
#include "lauxlib.h"

#define MAX_DEPTH 200
#define BUF "jixiao.JsonBuffer"

/* Output grows in malloc'd memory owned by a userdata on the stack, whose
 * __gc frees it: an error raised mid-encoding leaks nothing. */
struct sbuf {
    char *p;
    size_t n, cap;
};

static int sbuf_gc(lua_State *L)
{
    struct sbuf *b = luaL_checkudata(L, 1, BUF);
    free(b->p);
    b->p = NULL;
    return 0;
}

static void sbuf_add(lua_State *L, struct sbuf *b, const char *s, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) luaL_error(L, "json: out of memory");
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

/* The null sentinel and the array marker live in the module's upvalues. */
#define NULL_IDX lua_upvalueindex(1)
#define ARRAY_MT_IDX lua_upvalueindex(2)

/* ---- encoding ---- */

struct enc {
    lua_State *L;
    struct sbuf *b;
    int pretty, sort;
    int depth;
};

static void addl(struct enc *e, const char *s, size_t n) { sbuf_add(e->L, e->b, s, n); }
static void adds(struct enc *e, const char *s) { sbuf_add(e->L, e->b, s, strlen(s)); }
static void addc(struct enc *e, char c) { sbuf_add(e->L, e->b, &c, 1); }

static void indent(struct enc *e)
{
    if (!e->pretty) return;
    addc(e, '\n');
    for (int i = 0; i < e->depth; i++) adds(e, "  ");
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
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

static void enc_string(struct enc *e, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    addc(e, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t len = utf8_len((const unsigned char *)s + i, n - i);
            if (!len) luaL_error(e->L, "json: invalid UTF-8 in a string (byte %d)", (int)i + 1);
            addl(e, s + i, len);
            i += len;
            continue;
        }
        if (c == '"') adds(e, "\\\"");
        else if (c == '\\') adds(e, "\\\\");
        else if (c == '\n') adds(e, "\\n");
        else if (c == '\t') adds(e, "\\t");
        else if (c == '\r') adds(e, "\\r");
        else if (c < 0x20) {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            adds(e, u);
        } else {
            addc(e, (char)c);
        }
        i++;
    }
    addc(e, '"');
}

static void enc_value(struct enc *e, int idx);

/* A table is an array when its keys are exactly 1..n (n >= 1), or when it
 * carries json.array_mt. Returns n, or -1 for an object. */
static lua_Integer array_len(struct enc *e, int idx)
{
    lua_State *L = e->L;
    if (lua_getmetatable(L, idx)) {
        int marked = lua_rawequal(L, -1, ARRAY_MT_IDX);
        lua_pop(L, 1);
        if (marked) return (lua_Integer)lua_rawlen(L, idx);
    }
    lua_Integer n = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
            lua_pop(L, 1);
            return -1;
        }
        lua_Integer k = lua_tointeger(L, -1);
        if (k > max) max = k;
        n++;
    }
    return n > 0 && max == n ? n : -1;
}

static void enc_table(struct enc *e, int idx)
{
    lua_State *L = e->L;
    if (e->depth >= MAX_DEPTH) luaL_error(L, "json: nesting deeper than %d (a cycle?)", MAX_DEPTH);
    luaL_checkstack(L, 8, "json: nesting");
    lua_Integer n = array_len(e, idx);
    e->depth++;
    if (n >= 0) {
        addc(e, '[');
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1) addc(e, ',');
            indent(e);
            lua_rawgeti(L, idx, i);
            enc_value(e, lua_gettop(L));
            lua_pop(L, 1);
        }
        e->depth--;
        if (n > 0) indent(e);
        addc(e, ']');
        return;
    }
    /* Keys gathered in a list, so they can be sorted for stable output. */
    lua_newtable(L);
    int keys = lua_gettop(L);
    lua_Integer nk = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        int t = lua_type(L, -1);
        if (t != LUA_TSTRING && t != LUA_TNUMBER) luaL_error(L, "json: object keys must be strings or numbers, got %s", luaL_typename(L, -1));
        lua_pushvalue(L, -1);
        luaL_tolstring(L, -1, NULL);
        lua_remove(L, -2);
        lua_rawseti(L, keys, ++nk);
    }
    if (e->sort) {
        lua_getglobal(L, "table");
        lua_getfield(L, -1, "sort");
        lua_remove(L, -2);
        lua_pushvalue(L, keys);
        lua_call(L, 1, 0);
    }
    addc(e, '{');
    for (lua_Integer i = 1; i <= nk; i++) {
        if (i > 1) addc(e, ',');
        indent(e);
        lua_rawgeti(L, keys, i);
        size_t kl;
        const char *k = lua_tolstring(L, -1, &kl);
        enc_string(e, k, kl);
        adds(e, e->pretty ? ": " : ":");
        /* The value by the original key: a number key was stringified. */
        lua_pushvalue(L, -1);
        if (lua_rawget(L, idx) == LUA_TNIL) {
            lua_pop(L, 1);
            if (lua_stringtonumber(L, k)) lua_rawget(L, idx);
            else lua_pushnil(L);
        }
        enc_value(e, lua_gettop(L));
        lua_pop(L, 2);
    }
    e->depth--;
    if (nk > 0) indent(e);
    addc(e, '}');
    lua_remove(L, keys);
}

static void enc_value(struct enc *e, int idx)
{
    lua_State *L = e->L;
    char buf[64];
    switch (lua_type(L, idx)) {
    case LUA_TNIL: adds(e, "null"); return;
    case LUA_TBOOLEAN: adds(e, lua_toboolean(L, idx) ? "true" : "false"); return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
        } else {
            lua_Number x = lua_tonumber(L, idx);
            if (!isfinite(x)) luaL_error(L, "json: cannot encode %s", x != x ? "NaN" : "infinity");
            snprintf(buf, sizeof buf, "%.17g", (double)x);
        }
        adds(e, buf);
        return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        enc_string(e, s, n);
        return;
    }
    case LUA_TTABLE: enc_table(e, idx); return;
    case LUA_TLIGHTUSERDATA:
        if (lua_rawequal(L, idx, NULL_IDX)) {
            adds(e, "null");
            return;
        }
        break;
    case LUA_TUSERDATA:
        if (jx_l_isdec(L, idx)) {
            char d[JX_DEC_BUFSZ];
            addl(e, d, (size_t)jx_dec_format(jx_l_checkdec(L, idx), d));
            return;
        }
        break;
    }
    luaL_error(L, "json: cannot encode a %s", luaL_typename(L, idx));
}

static int j_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    struct enc e = {L, NULL, 0, 0, 0};
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_getfield(L, 2, "pretty");
        e.pretty = lua_toboolean(L, -1);
        lua_getfield(L, 2, "sort_keys");
        e.sort = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    lua_settop(L, 1);
    struct sbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
    *b = (struct sbuf){NULL, 0, 0};
    luaL_setmetatable(L, BUF);
    e.b = b;
    enc_value(&e, 1);
    lua_pushlstring(L, b->p ? b->p : "", b->n);
    free(b->p);
    b->p = NULL;
    return 1;
}

/* ---- decoding ---- */

struct dec {
    lua_State *L;
    const char *s, *p, *end;
    int decimals;
    int depth;
    char msg[160];
};

/* Records the first error with its line and column; returns -1. */
static int fail(struct dec *d, const char *what)
{
    if (d->msg[0]) return -1;
    int line = 1, col = 1;
    for (const char *q = d->s; q < d->p; q++) {
        if (*q == '\n') line++, col = 1;
        else if (((unsigned char)*q & 0xC0) != 0x80) col++;
    }
    snprintf(d->msg, sizeof d->msg, "json: line %d, column %d: %s", line, col, what);
    return -1;
}

static void skip_ws(struct dec *d)
{
    while (d->p < d->end && (*d->p == ' ' || *d->p == '\t' || *d->p == '\n' || *d->p == '\r')) d->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static void put_utf8(struct sbuf *b, lua_State *L, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) u[0] = (char)cp, n = 1;
    else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)), u[2] = (char)(0x80 | (cp & 63)), n = 3;
    else
        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63)), u[2] = (char)(0x80 | ((cp >> 6) & 63)),
        u[3] = (char)(0x80 | (cp & 63)), n = 4;
    sbuf_add(L, b, u, n);
}

/* Pushes the string at d->p (on the opening quote). The scratch buffer is
 * the userdata at index `scratch`. */
static int dec_string(struct dec *d, struct sbuf *b)
{
    b->n = 0;
    d->p++;
    for (;;) {
        if (d->p >= d->end) return fail(d, "unterminated string");
        unsigned char c = (unsigned char)*d->p;
        if (c == '"') break;
        if (c < 0x20) return fail(d, "control character in a string (escape it)");
        if (c == '\\') {
            if (d->p + 1 >= d->end) return fail(d, "unterminated escape");
            char x = d->p[1];
            const char *map = strchr("\"\"\\\\//b\bf\fn\nr\rt\t", x);
            if (x && map && ((map - "\"\"\\\\//b\bf\fn\nr\rt\t") % 2) == 0) {
                sbuf_add(d->L, b, map + 1, 1);
                d->p += 2;
                continue;
            }
            if (x != 'u') return fail(d, "unknown escape");
            unsigned cp, lo;
            if (d->end - d->p < 6 || hex4(d->p + 2, &cp) < 0) return fail(d, "expected four hex digits after \\u");
            d->p += 6;
            if (cp >= 0xD800 && cp < 0xDC00) {
                if (d->end - d->p < 6 || d->p[0] != '\\' || d->p[1] != 'u' || hex4(d->p + 2, &lo) < 0 || lo < 0xDC00 ||
                    lo > 0xDFFF)
                    return fail(d, "unpaired surrogate in \\u escape");
                d->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                return fail(d, "unpaired surrogate in \\u escape");
            }
            put_utf8(b, d->L, cp);
            continue;
        }
        if (c >= 0x80) {
            size_t len = utf8_len((const unsigned char *)d->p, (size_t)(d->end - d->p));
            if (!len) return fail(d, "invalid UTF-8 in a string");
            sbuf_add(d->L, b, d->p, len);
            d->p += len;
            continue;
        }
        sbuf_add(d->L, b, d->p, 1);
        d->p++;
    }
    d->p++;
    lua_pushlstring(d->L, b->p ? b->p : "", b->n);
    return 0;
}

static int dec_number(struct dec *d)
{
    const char *start = d->p;
    int integral = 1;
    if (d->p < d->end && *d->p == '-') d->p++;
    if (d->p >= d->end || *d->p < '0' || *d->p > '9') return fail(d, "expected a value");
    if (*d->p == '0') d->p++;
    else while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
    if (d->p < d->end && *d->p == '.') {
        integral = 0;
        d->p++;
        if (d->p >= d->end || *d->p < '0' || *d->p > '9') return fail(d, "expected a digit after the decimal point");
        while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
    }
    if (d->p < d->end && (*d->p == 'e' || *d->p == 'E')) {
        integral = 0;
        d->p++;
        if (d->p < d->end && (*d->p == '+' || *d->p == '-')) d->p++;
        if (d->p >= d->end || *d->p < '0' || *d->p > '9') return fail(d, "expected a digit in the exponent");
        while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
    }
    char buf[64];
    size_t n = (size_t)(d->p - start);
    jx_dec v;
    if (!integral && d->decimals && jx_dec_parse(start, n, &v) == 1) {
        jx_l_pushdec(d->L, v);
        return 0;
    }
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, start, n);
    buf[n] = 0;
    if (!lua_stringtonumber(d->L, buf)) return fail(d, "number out of range");
    return 0;
}

static int dec_value(struct dec *d, struct sbuf *b);

static int dec_container(struct dec *d, struct sbuf *b, char close)
{
    lua_State *L = d->L;
    if (++d->depth > MAX_DEPTH) return fail(d, "nesting deeper than 200");
    if (!lua_checkstack(L, 4)) return fail(d, "nesting too deep for the stack");
    lua_newtable(L);
    d->p++;
    skip_ws(d);
    lua_Integer i = 0;
    if (d->p < d->end && *d->p == close) {
        d->p++;
        d->depth--;
        return 0;
    }
    for (;;) {
        skip_ws(d);
        if (close == '}') {
            if (d->p >= d->end || *d->p != '"') return fail(d, "expected a string key");
            if (dec_string(d, b) < 0) return -1;
            skip_ws(d);
            if (d->p >= d->end || *d->p != ':') return fail(d, "expected ':'");
            d->p++;
            if (dec_value(d, b) < 0) return -1;
            lua_rawset(L, -3);
        } else {
            if (dec_value(d, b) < 0) return -1;
            lua_rawseti(L, -2, ++i);
        }
        skip_ws(d);
        if (d->p < d->end && *d->p == ',') {
            d->p++;
            continue;
        }
        if (d->p < d->end && *d->p == close) {
            d->p++;
            break;
        }
        return fail(d, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    d->depth--;
    return 0;
}

static int dec_value(struct dec *d, struct sbuf *b)
{
    skip_ws(d);
    if (d->p >= d->end) return fail(d, "expected a value, found the end of the text");
    switch (*d->p) {
    case '{': return dec_container(d, b, '}');
    case '[': return dec_container(d, b, ']');
    case '"': return dec_string(d, b);
    case 't':
        if (d->end - d->p >= 4 && !memcmp(d->p, "true", 4)) return d->p += 4, lua_pushboolean(d->L, 1), 0;
        break;
    case 'f':
        if (d->end - d->p >= 5 && !memcmp(d->p, "false", 5)) return d->p += 5, lua_pushboolean(d->L, 0), 0;
        break;
    case 'n':
        if (d->end - d->p >= 4 && !memcmp(d->p, "null", 4)) return d->p += 4, lua_pushvalue(d->L, NULL_IDX), 0;
        break;
    default: return dec_number(d);
    }
    return fail(d, "expected a value");
}

/* decode(text [, {decimals=true}]) -> value, or nil, "json: line L, column C: …" */
static int j_decode(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    struct dec d = {L, s, s, s + n, 0, 0, {0}};
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_getfield(L, 2, "decimals");
        d.decimals = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    struct sbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
    *b = (struct sbuf){NULL, 0, 0};
    luaL_setmetatable(L, BUF);
    int base = lua_gettop(L);
    int rc = dec_value(&d, b);
    if (rc == 0) {
        skip_ws(&d);
        if (d.p < d.end) rc = fail(&d, "unexpected text after the value");
    }
    free(b->p);
    b->p = NULL;
    if (rc < 0) {
        lua_settop(L, base);
        lua_pushnil(L);
        lua_pushstring(L, d.msg);
        return 2;
    }
    return 1;
}

/* ---- opener ---- */

static const luaL_Reg functions[] = {{"encode", j_encode}, {"decode", j_decode}, {NULL, NULL}};

int luaopen_jixiao_json(lua_State *L)
{
    if (luaL_newmetatable(L, BUF)) {
        lua_pushcfunction(L, sbuf_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_requiref(L, "jixiao.decimal", luaopen_jixiao_decimal, 0);
    lua_pop(L, 1);
    lua_newtable(L);                              /* the module */
    lua_pushlightuserdata(L, (void *)&functions); /* json.null: a unique light userdata */
    lua_newtable(L);                              /* json.array_mt */
    lua_pushvalue(L, -2);
    lua_setfield(L, -4, "null");
    lua_pushvalue(L, -1);
    lua_setfield(L, -4, "array_mt");
    luaL_setfuncs(L, functions, 2); /* both are upvalues of encode and decode */
    return 1;
}
