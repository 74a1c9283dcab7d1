/* jixiao.json's decoder: json.decode reads RFC 8259 text into Lua values,
 * reporting the line and column of the first error as nil and a message,
 * with decimals on request. Reached through the opener in l_json.c. */
#include <stdio.h>
#include <string.h>

#include "l_decimal.h"
#include "l_json_int.h"
#include "lauxlib.h"

/* ---- decoding ---- */

struct dec {
    lua_State *L;
    const char *s, *p, *end; /* the text, the cursor, the end */
    int decimals;
    int depth;
    char msg[256];
};

/* Records "json: line L, column C: expected EXPECTED[, found …]" for the
 * position `at` (columns count characters, from 1) and returns -1. `found`,
 * when not NULL, is where the offending text starts. */
static int fail(struct dec *d, const char *at, const char *expected, const char *found)
{
    int line = 1, col = 1;
    for (const char *q = d->s; q < at; q++) {
        if (*q == '\n') line++, col = 1;
        else if (((unsigned char)*q & 0xC0) != 0x80) col++;
    }
    char what[64] = "";
    if (found) {
        const unsigned char *f = (const unsigned char *)found;
        size_t left = (size_t)(d->end - found), len;
        if (left == 0) {
            snprintf(what, sizeof what, ", found the end of the text");
        } else if ((f[0] | 0x20) >= 'a' && (f[0] | 0x20) <= 'z') {
            size_t w = 1; /* a whole word: tru, NaN, undefined */
            while (w < left && w < 20
                   && (((f[w] | 0x20) >= 'a' && (f[w] | 0x20) <= 'z') || (f[w] >= '0' && f[w] <= '9')))
                w++;
            snprintf(what, sizeof what, ", found '%.*s'", (int)w, found);
        } else if (f[0] >= 0x20 && f[0] < 0x7f) {
            snprintf(what, sizeof what, ", found '%c'", f[0]);
        } else if (f[0] < 0x20 || f[0] == 0x7f) {
            snprintf(what, sizeof what, ", found a control character (byte 0x%02X)", f[0]);
        } else if ((len = jx_l_json_utf8_len(f, left)) > 0) {
            snprintf(what, sizeof what, ", found '%.*s'", (int)len, found);
        } else {
            snprintf(what, sizeof what, ", found byte 0x%02X, which is not UTF-8", f[0]);
        }
    }
    snprintf(d->msg, sizeof d->msg, "json: line %d, column %d: expected %s%s", line, col, expected, what);
    return -1;
}

static void skip_ws(struct dec *d)
{
    const char *p = d->p;
    while (p < d->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    d->p = p;
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

static void add_utf8(luaL_Buffer *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)), u[2] = (char)(0x80 | (cp & 63));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63));
        u[2] = (char)(0x80 | ((cp >> 6) & 63)), u[3] = (char)(0x80 | (cp & 63)), n = 4;
    }
    luaL_addlstring(b, u, n);
}

/* Decodes the \u escape at p (one or a surrogate pair) into b; returns the
 * position after it, or NULL with the error recorded. */
static const char *dec_unicode(struct dec *d, const char *p, luaL_Buffer *b)
{
    unsigned cp, lo;
    char expected[96];
    if (d->end - p < 6 || hex4(p + 2, &cp) < 0) {
        fail(d, p, "four hex digits after \\u", NULL);
        return NULL;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        snprintf(expected, sizeof expected, "a high surrogate (\\uD800-\\uDBFF) before the low surrogate \\u%04X", cp);
        fail(d, p, expected, NULL);
        return NULL;
    }
    p += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (d->end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
            snprintf(expected, sizeof expected,
                     "a low surrogate (\\uDC00-\\uDFFF) after the high surrogate \\u%04X", cp);
            fail(d, p - 6, expected, NULL);
            return NULL;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
    }
    add_utf8(b, cp);
    return p;
}

/* Pushes the string whose opening quote is at d->p and moves past it. A
 * string without escapes is pushed straight from the text; escapes go
 * through a luaL_Buffer, closed here on failure too. */
static int dec_string(struct dec *d)
{
    lua_State *L = d->L;
    const char *open = d->p, *end = d->end, *p = d->p + 1, *run = p;
    luaL_Buffer b;
    int buffered = 0;
    /* A failure after the buffer grew must close its box here: lua_settop
     * closing a to-be-closed slot is unsafe in Lua 5.4.4. */
#define BAIL(rc) do { if (buffered) luaL_pushresult(&b), lua_pop(L, 1); return (rc); } while (0)
    for (;;) {
        while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 && *p != '"' && *p != '\\') p++;
        if (p >= end) BAIL(fail(d, open, "'\"' to close the string that starts here", end));
        unsigned char c = (unsigned char)*p;
        if (c == '"') break;
        if (c >= 0x80) {
            size_t len = jx_l_json_utf8_len((const unsigned char *)p, (size_t)(end - p));
            if (!len) BAIL(fail(d, p, "UTF-8 text in the string", p));
            p += len;
            continue;
        }
        if (c < 0x20) BAIL(fail(d, p, "a character or an escape such as \\n (control characters must be escaped)", p));
        if (!buffered) luaL_buffinit(L, &b), buffered = 1;
        luaL_addlstring(&b, run, (size_t)(p - run));
        char x = p + 1 < end ? p[1] : 0, out;
        switch (x) {
        case '"': case '\\': case '/': out = x; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        case 'u':
            if (!(p = dec_unicode(d, p, &b))) BAIL(-1);
            run = p;
            continue;
        default: BAIL(fail(d, p, "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX", p + 1));
        }
        luaL_addchar(&b, out);
        p += 2;
        run = p;
    }
    if (buffered) {
        luaL_addlstring(&b, run, (size_t)(p - run));
        luaL_pushresult(&b);
    } else {
        lua_pushlstring(L, run, (size_t)(p - run));
    }
    d->p = p + 1;
    return 0;
#undef BAIL
}

static int is_digit(const char *p, const char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

/* The non-integral number text s (valid JSON) as an exact decimal: the part
 * before any exponent read by jx_dec_parse, then shifted. 0 when it needs
 * more than 18 digits or decimals. */
static int number_to_dec(const char *s, size_t n, jx_dec *out)
{
    const char *e = memchr(s, 'e', n);
    if (!e) e = memchr(s, 'E', n);
    jx_dec v;
    if (jx_dec_parse(s, e ? (size_t)(e - s) : n, &v) != 1) return 0;
    if (!e) return *out = v, 1;
    const char *p = e + 1, *end = s + n;
    int neg = *p == '-';
    if (*p == '+' || *p == '-') p++;
    int k = 0;
    for (; p < end; p++)
        if ((k = k * 10 + (*p - '0')) > 40) return 0;
    return jx_dec_shift(v, neg ? -k : k, out) == 0;
}

/* Pushes the number at d->p: an integer when written without fraction or
 * exponent and within 64 bits; with the decimals option any other number
 * that fits a decimal as a Decimal; else a float (±math.huge beyond the
 * float range, as strtod gives). */
static int dec_number(struct dec *d)
{
    lua_State *L = d->L;
    const char *start = d->p, *p = d->p, *end = d->end;
    int integral = 1, neg = *p == '-';
    if (neg) p++;
    if (!is_digit(p, end)) return fail(d, p, "a digit after '-'", p);
    if (*p == '0') {
        p++;
        if (is_digit(p, end)) return fail(d, p, "'.', 'e' or the end of the number after a leading 0", p);
    } else {
        while (is_digit(p, end)) p++;
    }
    if (p < end && *p == '.') {
        integral = 0, p++;
        if (!is_digit(p, end)) return fail(d, p, "a digit after the decimal point", p);
        while (is_digit(p, end)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        integral = 0, p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (!is_digit(p, end)) return fail(d, p, "a digit in the exponent", p);
        while (is_digit(p, end)) p++;
    }
    d->p = p;
    size_t n = (size_t)(p - start);
    if (integral && n - (size_t)neg <= 18) {
        int64_t v = 0;
        for (const char *q = start + neg; q < p; q++) v = v * 10 + (*q - '0');
        lua_pushinteger(L, (lua_Integer)(neg ? -v : v));
        return 0;
    }
    jx_dec dv;
    if (!integral && d->decimals && number_to_dec(start, n, &dv)) {
        jx_l_pushdec(L, dv);
        return 0;
    }
    /* lua_stringtonumber: 64-bit integers when they fit, floats whatever the
     * locale's decimal point. */
    char buf[64];
    int ok;
    if (n < sizeof buf) {
        memcpy(buf, start, n);
        buf[n] = 0;
        ok = lua_stringtonumber(L, buf) != 0;
    } else {
        lua_pushlstring(L, start, n);
        ok = lua_stringtonumber(L, lua_tostring(L, -1)) != 0;
        lua_remove(L, ok ? -2 : -1);
    }
    return ok ? 0 : fail(d, start, "a number of at most 200 characters", NULL);
}

static int dec_value(struct dec *d);

static int enter(struct dec *d)
{
    if (++d->depth > MAX_DEPTH) return fail(d, d->p, "at most 200 levels of nested arrays and objects", NULL);
    if (!lua_checkstack(d->L, 4)) return fail(d, d->p, "less nesting (no room on the Lua stack)", NULL);
    return 0;
}

static int dec_array(struct dec *d)
{
    lua_State *L = d->L;
    if (enter(d) < 0) return -1;
    lua_newtable(L);
    lua_pushvalue(L, ARRAY_MT_IDX);
    lua_setmetatable(L, -2);
    d->p++;
    skip_ws(d);
    if (d->p < d->end && *d->p == ']') {
        d->p++, d->depth--;
        return 0;
    }
    for (lua_Integer i = 1;; i++) {
        if (dec_value(d) < 0) return -1;
        lua_rawseti(L, -2, i);
        skip_ws(d);
        if (d->p < d->end && *d->p == ',') {
            d->p++;
            continue;
        }
        if (d->p < d->end && *d->p == ']') break;
        return fail(d, d->p, "',' or ']'", d->p);
    }
    d->p++, d->depth--;
    return 0;
}

static int dec_object(struct dec *d)
{
    lua_State *L = d->L;
    if (enter(d) < 0) return -1;
    lua_newtable(L);
    d->p++;
    skip_ws(d);
    if (d->p < d->end && *d->p == '}') {
        d->p++, d->depth--;
        return 0;
    }
    for (int first = 1;; first = 0) {
        skip_ws(d);
        if (d->p >= d->end || *d->p != '"') return fail(d, d->p, first ? "a string key or '}'" : "a string key", d->p);
        if (dec_string(d) < 0) return -1;
        skip_ws(d);
        if (d->p >= d->end || *d->p != ':') return fail(d, d->p, "':' after the key", d->p);
        d->p++;
        if (dec_value(d) < 0) return -1;
        lua_rawset(L, -3);
        skip_ws(d);
        if (d->p < d->end && *d->p == ',') {
            d->p++;
            continue;
        }
        if (d->p < d->end && *d->p == '}') break;
        return fail(d, d->p, "',' or '}'", d->p);
    }
    d->p++, d->depth--;
    return 0;
}

/* Matches the literal word at d->p; fails naming the word found. */
static int dec_literal(struct dec *d, const char *word, size_t n)
{
    if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0) {
        char expected[16];
        snprintf(expected, sizeof expected, "'%s'", word);
        return fail(d, d->p, expected, d->p);
    }
    d->p += n;
    return 0;
}

static int dec_value(struct dec *d)
{
    skip_ws(d);
    if (d->p >= d->end) return fail(d, d->p, "a value", d->p);
    switch (*d->p) {
    case '{': return dec_object(d);
    case '[': return dec_array(d);
    case '"': return dec_string(d);
    case 't':
        if (dec_literal(d, "true", 4) < 0) return -1;
        lua_pushboolean(d->L, 1);
        return 0;
    case 'f':
        if (dec_literal(d, "false", 5) < 0) return -1;
        lua_pushboolean(d->L, 0);
        return 0;
    case 'n':
        if (dec_literal(d, "null", 4) < 0) return -1;
        lua_pushvalue(d->L, NULL_IDX);
        return 0;
    case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        return dec_number(d);
    default: return fail(d, d->p, "a value", d->p);
    }
}

/* ---- functions ---- */

int jx_l_json_decode(lua_State *L)
{
    static const char *const names[] = {"decimals", NULL};
    int flags[1];
    size_t n;
    luaL_checktype(L, 1, LUA_TSTRING);
    const char *s = lua_tolstring(L, 1, &n);
    jx_l_json_check_options(L, 2, names, flags, "decimals");
    lua_settop(L, 2);
    /* A UTF-8 byte order mark, as Windows tools write: skipped, and not
     * counted in columns. */
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
    struct dec d = {L, s, s, s + n, flags[0], 0, {0}};
    int rc = dec_value(&d);
    if (rc == 0) {
        skip_ws(&d);
        if (d.p < d.end) rc = fail(&d, d.p, "the end of the text after the value", d.p);
    }
    if (rc < 0) {
        lua_settop(L, 2);
        luaL_pushfail(L);
        lua_pushstring(L, d.msg);
        return 2;
    }
    return 1;
}
