/* jixiao.http: HTTP for scripts (jx.http) over http.c, with JSON in and out
 * and the outbox of `jixiao upload`. A 4xx/5xx is a response; only a
 * transport failure returns nil, message, code. Everything C allocates for a
 * call hangs on a to-be-closed "janitor" userdata, so an error raised while
 * results are pushed frees it and releases any outbox lock at once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "l_json.h"
#include "lauxlib.h"
#include "outbox.h"
#include "sandbox.h"

#define RESPONSE "jixiao.http.Response"
#define JANITOR "jixiao.http.Janitor"
#define JBUF "jixiao.http.Buffer"

/* ---- the janitor: C resources of one call ---- */

struct janitor {
    jx_http_resp resp;
    jx_outbox_entry *entry;
    char **ids;
    FILE *out;
};

static int janitor_close(lua_State *L)
{
    struct janitor *j = luaL_checkudata(L, 1, JANITOR);
    jx_http_resp_free(&j->resp);
    jx_outbox_close(j->entry);
    jx_outbox_free_ids(j->ids);
    if (j->out) fclose(j->out);
    j->entry = NULL, j->ids = NULL, j->out = NULL;
    return 0;
}

static struct janitor *new_janitor(lua_State *L)
{
    struct janitor *j = lua_newuserdatauv(L, sizeof *j, 0);
    memset(j, 0, sizeof *j);
    luaL_setmetatable(L, JANITOR);
    lua_toclose(L, -1);
    return j;
}

/* The one helper for expected failures: nil, message, code[, outbox id]. */
static int fail(lua_State *L, const char *msg, const char *code, const char *id)
{
    lua_pushnil(L);
    lua_pushstring(L, msg);
    lua_pushstring(L, code);
    if (!id) return 3;
    lua_pushstring(L, id);
    return 4;
}

/* ---- a string buffer ---- */

/* A growable buffer owned by a userdata, so raising mid-way frees it. */
struct jbuf {
    char *p;
    size_t n, cap;
};

static int jbuf_gc(lua_State *L)
{
    struct jbuf *b = luaL_checkudata(L, 1, JBUF);
    free(b->p);
    b->p = NULL;
    return 0;
}

static void jput(lua_State *L, struct jbuf *b, const char *s, size_t n)
{
    if (b->n + n > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < b->n + n) c *= 2;
        char *q = realloc(b->p, c);
        if (!q) luaL_error(L, "not enough memory");
        b->p = q, b->cap = c;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

/* json.encode(value at idx, {sort_keys = true}) from jixiao.json: sorted
 * keys make one payload always the same bytes, hence the same derived key. */
static void push_json(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    luaL_requiref(L, "jixiao.json", luaopen_jixiao_json, 0);
    lua_getfield(L, -1, "encode");
    lua_pushvalue(L, idx);
    lua_createtable(L, 0, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "sort_keys");
    lua_call(L, 2, 1);
    lua_remove(L, -2);
}

/* ---- building a request ---- */

struct lreq {
    jx_http_req req;
    jx_http_header *headers;
    jx_http_part *parts;
    const char *outbox, *output;
    int use_outbox;
    int anchor; /* stack index of a table keeping converted strings alive */
    lua_Integer nanchor;
};

/* The string value of stack slot idx (a string or a number), kept alive in
 * the anchor table for as long as the request is being sent. */
static const char *anchored(lua_State *L, struct lreq *r, int idx, size_t *len)
{
    lua_pushvalue(L, idx);
    const char *s = lua_tolstring(L, -1, len);
    lua_rawseti(L, r->anchor, ++r->nanchor);
    return s;
}

static const char *const request_fields[] = {
    "method", "url", "headers", "query", "body", "json", "file", "form", "timeout", "connect_timeout",
    "retries", "retry_delay", "retry_max_time", "proxy", "insecure", "cainfo", "follow", "max_body",
    "output", "idempotency_key", "outbox", NULL};

static const char *opt_string(lua_State *L, int t, const char *k)
{
    int ty = lua_getfield(L, t, k);
    const char *s = NULL;
    if (ty == LUA_TSTRING) s = lua_tostring(L, -1);
    else if (ty != LUA_TNIL) luaL_error(L, "field '%s': string expected, got %s", k, luaL_typename(L, -1));
    lua_pop(L, 1); /* the table still holds the string */
    return s;
}

static double opt_seconds(lua_State *L, int t, const char *k, double def)
{
    int ty = lua_getfield(L, t, k);
    double v = def;
    if (ty == LUA_TNUMBER) v = lua_tonumber(L, -1);
    else if (ty != LUA_TNIL) luaL_error(L, "request field '%s': number expected, got %s", k, luaL_typename(L, -1));
    lua_pop(L, 1);
    if (!(v >= 0 && v <= 86400)) luaL_error(L, "request field '%s': %f is out of range (0 to 86400 seconds)", k, v);
    return v;
}

static int opt_bool(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    int b = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return b;
}

static void add_encoded(lua_State *L, struct jbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c && strchr("-_.~", c)))
            jput(L, b, (const char *)&c, 1);
        else {
            char e[4];
            snprintf(e, sizeof e, "%%%02X", c);
            jput(L, b, e, 3);
        }
    }
}

/* Pushes url with the query table's pairs appended, keys sorted. */
static const char *push_url(lua_State *L, int t, struct lreq *r)
{
    const char *url = opt_string(L, t, "url");
    if (!url) luaL_error(L, "request: 'url' is required");
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        luaL_error(L, "request: '%s' is not an http:// or https:// URL", url);
    if (lua_getfield(L, t, "query") == LUA_TNIL) return url;
    int q = lua_gettop(L);
    luaL_checktype(L, q, LUA_TTABLE);
    lua_newtable(L);
    int keys = lua_gettop(L);
    lua_Integer nk = 0;
    for (lua_pushnil(L); lua_next(L, q); lua_pop(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "request field 'query': keys must be strings");
        lua_pushvalue(L, -2);
        lua_rawseti(L, keys, ++nk);
    }
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, keys);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    struct jbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, JBUF);
    jput(L, b, url, strlen(url));
    char sep = strchr(url, '?') ? '&' : '?';
    for (lua_Integer i = 1; i <= nk; i++) {
        lua_rawgeti(L, keys, i);
        size_t kn, vn = 0;
        const char *k = lua_tolstring(L, -1, &kn), *v = NULL;
        lua_gettable(L, q);
        if (lua_type(L, -1) == LUA_TBOOLEAN) v = lua_toboolean(L, -1) ? "true" : "false", vn = strlen(v);
        else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) v = anchored(L, r, -1, &vn);
        else luaL_error(L, "request field 'query': the value of '%s' must be a string, number or boolean", k);
        lua_pop(L, 1);
        jput(L, b, &sep, 1);
        sep = '&';
        add_encoded(L, b, k, kn);
        jput(L, b, "=", 1);
        add_encoded(L, b, v, vn);
    }
    lua_pushlstring(L, b->p, b->n);
    free(b->p);
    b->p = NULL;
    return anchored(L, r, -1, NULL);
}

static int header_index(const struct lreq *r, const char *name)
{
    for (size_t i = 0; i < r->req.nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name)) return (int)i;
    return -1;
}

static void check_headers(lua_State *L, int t, struct lreq *r)
{
    int ty = lua_getfield(L, t, "headers");
    size_t n = 0;
    if (ty == LUA_TTABLE)
        for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) n++;
    else if (ty != LUA_TNIL) luaL_error(L, "request field 'headers': table expected, got %s", luaL_typename(L, -1));
    int h = lua_gettop(L);
    r->headers = lua_newuserdatauv(L, (n + 2) * sizeof *r->headers, 0); /* stays on the stack */
    r->req.headers = r->headers;
    if (ty != LUA_TTABLE) return;
    for (lua_pushnil(L); lua_next(L, h); lua_pop(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "request field 'headers': names must be strings");
        jx_http_header *hd = &r->headers[r->req.nheaders++];
        memset(hd, 0, sizeof *hd);
        hd->name = lua_tostring(L, -2);
        if (lua_type(L, -1) == LUA_TTABLE) {
            lua_getfield(L, -1, "env");
            hd->env = lua_tostring(L, -1);
            lua_pop(L, 1);
            if (!hd->env) luaL_error(L, "header '%s': a table value must be {env = \"VARIABLE\"}", hd->name);
        } else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
            hd->value = anchored(L, r, -1, NULL);
        else
            luaL_error(L, "header '%s': string or {env = \"VARIABLE\"} expected, got %s", hd->name, luaL_typename(L, -1));
    }
}

static void add_default_header(lua_State *L, struct lreq *r, const char *name, const char *value)
{
    (void)L;
    if (header_index(r, name) < 0) r->headers[r->req.nheaders++] = (jx_http_header){name, value, NULL};
}

/* One form field: "text", a number, {file=, filename=, type=} or {value=, type=}. */
static void check_part(lua_State *L, struct lreq *r, jx_http_part *p, const char *name, int v)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    if (lua_type(L, v) == LUA_TSTRING || lua_type(L, v) == LUA_TNUMBER) {
        p->data = anchored(L, r, v, &p->len);
        return;
    }
    if (lua_type(L, v) != LUA_TTABLE) luaL_error(L, "form field '%s': string or table expected, got %s", name, luaL_typename(L, v));
    p->path = opt_string(L, v, "file");
    p->filename = opt_string(L, v, "filename");
    p->type = opt_string(L, v, "type");
    int vt = lua_getfield(L, v, "value");
    if (vt == LUA_TSTRING || vt == LUA_TNUMBER) p->data = anchored(L, r, -1, &p->len);
    else if (vt != LUA_TNIL) luaL_error(L, "form field '%s': value must be a string", name);
    lua_pop(L, 1);
    if (!p->path == !p->data) luaL_error(L, "form field '%s': give exactly one of file = PATH or value = TEXT", name);
    if (p->path && !p->type) p->type = jx_http_guess_type(p->filename ? p->filename : p->path);
}

static void check_form(lua_State *L, int t, struct lreq *r)
{
    int f = lua_gettop(L);
    (void)t;
    lua_Integer n = (lua_Integer)lua_rawlen(L, f), total = 0;
    for (lua_pushnil(L); lua_next(L, f); lua_pop(L, 1)) total++;
    r->parts = lua_newuserdatauv(L, (size_t)(total ? total : 1) * sizeof *r->parts, 0); /* stays on the stack */
    r->req.parts = r->parts;
    if (n > 0 && n == total) { /* {{name=, value=|file=}, ...}: order kept */
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, f, i);
            const char *name = opt_string(L, lua_gettop(L), "name");
            if (!name) luaL_error(L, "form field %d: 'name' is required", (int)i);
            check_part(L, r, &r->parts[r->req.nparts++], name, lua_gettop(L));
            lua_pop(L, 1);
        }
        return;
    }
    lua_newtable(L); /* {name = value, ...}: sorted by name */
    int keys = lua_gettop(L);
    lua_Integer nk = 0;
    for (lua_pushnil(L); lua_next(L, f); lua_pop(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "request field 'form': mix of list and named fields");
        lua_pushvalue(L, -2);
        lua_rawseti(L, keys, ++nk);
    }
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, keys);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    for (lua_Integer i = 1; i <= nk; i++) {
        lua_rawgeti(L, keys, i);
        const char *name = lua_tostring(L, -1); /* alive in the keys table */
        lua_gettable(L, f);
        check_part(L, r, &r->parts[r->req.nparts++], name, lua_gettop(L));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* The checker: fills r from the request table at t. Values stay referenced
 * by the table or by slots it pushes, which the caller leaves on the stack. */
static void check_request(lua_State *L, int t, struct lreq *r)
{
    luaL_checktype(L, t, LUA_TTABLE);
    luaL_checkstack(L, 40, "request");
    memset(r, 0, sizeof *r);
    jx_http_req_init(&r->req);
    lua_newtable(L);
    r->anchor = lua_gettop(L);
    for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        int known = 0;
        for (int i = 0; k && request_fields[i]; i++) known |= !strcmp(k, request_fields[i]);
        if (!known) luaL_error(L, "request: unknown field '%s'", k ? k : luaL_typename(L, -2));
    }
    r->req.url = push_url(L, t, r);
    const char *m = opt_string(L, t, "method");
    if (m) {
        char up[32];
        size_t i = 0;
        for (; m[i] && i + 1 < sizeof up; i++) up[i] = (char)(m[i] >= 'a' && m[i] <= 'z' ? m[i] - 32 : m[i]);
        up[i] = 0;
        if (m[i] || !i) luaL_error(L, "request: '%s' is not an HTTP method", m);
        lua_pushstring(L, up);
        r->req.method = anchored(L, r, -1, NULL);
        lua_pop(L, 1);
    }
    check_headers(L, t, r);
    int bodies = 0;
    const char *ctype = NULL;
    if (lua_getfield(L, t, "body") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "request field 'body': string expected, got %s", luaL_typename(L, -1));
        r->req.data = lua_tolstring(L, -1, &r->req.len);
        r->req.body = JX_BODY_DATA, bodies++;
    }
    if (lua_getfield(L, t, "json") != LUA_TNIL) {
        push_json(L, -1);
        r->req.data = lua_tolstring(L, -1, &r->req.len);
        r->req.body = JX_BODY_DATA, bodies++;
        ctype = "application/json";
    }
    if ((r->req.path = opt_string(L, t, "file"))) {
        r->req.body = JX_BODY_FILE, bodies++;
        ctype = jx_http_guess_type(r->req.path);
    }
    if (lua_getfield(L, t, "form") != LUA_TNIL) {
        luaL_checktype(L, -1, LUA_TTABLE);
        check_form(L, t, r);
        r->req.body = JX_BODY_FORM, bodies++;
    }
    if (bodies > 1) luaL_error(L, "request: give only one of body, json, file and form");
    if (ctype) add_default_header(L, r, "Content-Type", ctype);
    if (lua_getfield(L, t, "json") != LUA_TNIL) add_default_header(L, r, "Accept", "application/json");
    r->req.timeout = opt_seconds(L, t, "timeout", 0);
    r->req.connect_timeout = opt_seconds(L, t, "connect_timeout", 30);
    r->req.retry_delay = opt_seconds(L, t, "retry_delay", 1);
    r->req.retry_max_time = opt_seconds(L, t, "retry_max_time", 300);
    lua_Integer retries = (lua_getfield(L, t, "retries"), luaL_optinteger(L, -1, 0));
    if (retries < 0 || retries > 100) luaL_error(L, "request field 'retries': give 0 to 100");
    r->req.retries = (int)retries;
    lua_Integer max_body = (lua_getfield(L, t, "max_body"), luaL_optinteger(L, -1, 0));
    if (max_body < 0) luaL_error(L, "request field 'max_body': must not be negative");
    r->req.max_body = (size_t)max_body;
    if (lua_getfield(L, t, "proxy") == LUA_TBOOLEAN && !lua_toboolean(L, -1)) r->req.proxy = "";
    else r->req.proxy = opt_string(L, t, "proxy");
    r->req.cainfo = opt_string(L, t, "cainfo");
    r->req.insecure = opt_bool(L, t, "insecure");
    r->req.follow = opt_bool(L, t, "follow");
    r->output = opt_string(L, t, "output");
    int kt = lua_getfield(L, t, "idempotency_key");
    if (kt == LUA_TSTRING) r->req.idempotency_key = lua_tostring(L, -1);
    else r->req.derive_key = lua_toboolean(L, -1);
    int ot = lua_getfield(L, t, "outbox");
    r->use_outbox = ot == LUA_TSTRING || lua_toboolean(L, -1);
    r->outbox = ot == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
}

/* ---- the sandbox (src/sandbox.h) ---- */

/* The host of an http(s) URL in a form no parser can read two ways: letters,
 * digits, '.', '-' (or an IPv6 address in brackets), then an optional port,
 * then nothing or a path, query or fragment; no user-info, no backslash, no
 * space or control byte anywhere. 1 with host copied, 0 when the URL is not
 * that plain (the sandbox then refuses it rather than guess what libcurl
 * would connect to). */
static int plain_host(const char *url, char *host, size_t cap)
{
    const char *p = strstr(url, "://");
    if (!p) return 0;
    for (const char *q = url; *q; q++)
        if ((unsigned char)*q <= 0x20 || *q == '\\' || *q == 0x7F) return 0;
    p += 3;
    const char *h = p, *e;
    if (*p == '[') {
        e = p + 1 + strspn(p + 1, "0123456789abcdefABCDEF:.");
        if (*e != ']') return 0;
        h = p + 1, p = e + 1;
    } else {
        e = p + strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
        p = e;
    }
    if (e == h || (size_t)(e - h) >= cap) return 0;
    if (*p == ':') {
        p++;
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n > 5 || atol(p) > 65535) return 0;
        p += n;
    }
    if (*p && *p != '/' && *p != '?' && *p != '#') return 0;
    memcpy(host, h, (size_t)(e - h));
    host[e - h] = 0;
    return 1;
}

/* In --sandbox: the request may only reach an --allow-host host, follows no
 * redirect (each hop would have to be checked; the script can request the
 * Location itself), names no proxy, and writes its output file or outbox
 * only under --out. Raises with the rule broken. */
static void sandbox_gate(lua_State *L, const struct lreq *r)
{
    if (!jx_sandbox_enabled(L)) return;
    char host[256];
    if (!plain_host(r->req.url, host, sizeof host))
        luaL_error(L, "request: '%s' is not allowed in --sandbox (give a plain http(s)://host[:port]/path URL, "
                      "without user-info; credentials go in headers)", r->req.url);
    if (!jx_sandbox_host_allowed(L, host))
        luaL_error(L, "request: host '%s' is not allowed in --sandbox (allow it with --allow-host %s)", host, host);
    if (r->req.follow) luaL_error(L, "request: 'follow' is not allowed in --sandbox (request the Location yourself)");
    if (r->req.proxy && *r->req.proxy) luaL_error(L, "request: 'proxy' is not allowed in --sandbox");
    jx_err err;
    if (r->output && jx_sandbox_check_write(L, r->output, &err) < 0) luaL_error(L, "request: %s", err.msg);
    if (r->use_outbox) {
        if (!r->outbox) luaL_error(L, "request: in --sandbox the outbox must be a directory under --out (outbox = DIR)");
        lua_pushfstring(L, "%s/entry", r->outbox);
        if (jx_sandbox_check_write(L, lua_tostring(L, -1), &err) < 0) luaL_error(L, "request: outbox: %s", err.msg);
        lua_pop(L, 1);
    }
}

/* ---- the response ---- */

/* The final response's headers as a table: names lower-cased, repeated
 * headers joined with ", " as HTTP allows (jx_http_headers_next parses). */
static void push_headers(lua_State *L, const char *h)
{
    lua_newtable(L);
    const char *p = h, *name, *v;
    size_t nlen, vlen;
    while (jx_http_headers_next(&p, &name, &nlen, &v, &vlen)) {
        luaL_Buffer B;
        char *low = luaL_buffinitsize(L, &B, nlen);
        for (size_t i = 0; i < nlen; i++) low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
        luaL_pushresultsize(&B, nlen);
        if (lua_getfield(L, -2, lua_tostring(L, -1)) == LUA_TSTRING) { /* repeated */
            lua_pushliteral(L, ", ");
            lua_pushlstring(L, v, vlen);
            lua_concat(L, 3);
        } else {
            lua_pop(L, 1);
            lua_pushlstring(L, v, vlen);
        }
        lua_rawset(L, -3);
    }
}

static void push_response(lua_State *L, const jx_http_resp *resp, const char *kept)
{
    lua_createtable(L, 0, 10);
    lua_pushinteger(L, resp->status), lua_setfield(L, -2, "status");
    lua_pushboolean(L, resp->status >= 200 && resp->status < 300), lua_setfield(L, -2, "ok");
    push_headers(L, resp->headers), lua_setfield(L, -2, "headers");
    if (resp->body) lua_pushlstring(L, resp->body, resp->body_len), lua_setfield(L, -2, "body");
    if (resp->url) lua_pushstring(L, resp->url), lua_setfield(L, -2, "url");
    lua_pushinteger(L, resp->attempts), lua_setfield(L, -2, "attempts");
    lua_pushnumber(L, resp->elapsed), lua_setfield(L, -2, "elapsed");
    if (resp->key[0]) lua_pushstring(L, resp->key), lua_setfield(L, -2, "idempotency_key");
    if (kept) lua_pushstring(L, kept), lua_setfield(L, -2, "outbox");
    luaL_setmetatable(L, RESPONSE);
}

static int env_missing(const struct lreq *r, char *msg, size_t cap)
{
    for (size_t i = 0; i < r->req.nheaders; i++)
        if (r->headers[i].env && !getenv(r->headers[i].env)) {
            snprintf(msg, cap, "header %s: the environment variable %s is not set", r->headers[i].name, r->headers[i].env);
            return 1;
        }
    return 0;
}

/* Sends the request table at index 1 (method preset by a shortcut when m). */
static int do_request(lua_State *L)
{
    struct lreq r;
    check_request(L, 1, &r);
    sandbox_gate(L, &r);
    struct janitor *j = new_janitor(L);
    jx_err err;
    char msg[256], dir[4096], kept[64] = "";
    if (env_missing(&r, msg, sizeof msg)) return fail(L, msg, "env", NULL);
    if (r.output && !(j->out = fopen(r.output, "wb"))) {
        snprintf(msg, sizeof msg, "%s: cannot write: %s", r.output, strerror(errno));
        return fail(L, msg, "write", NULL);
    }
    r.req.output = j->out;
    int rc;
    if (r.use_outbox) {
        if (jx_outbox_dir(r.outbox, 1, dir, sizeof dir, &err) < 0 || jx_outbox_put(dir, &r.req, NULL, &j->entry, &err) < 0)
            return fail(L, err.msg, "outbox", NULL);
        int delivered;
        rc = jx_outbox_send(j->entry, &j->resp, &delivered, &err);
        if (!delivered) snprintf(kept, sizeof kept, "%s", j->entry->id);
        jx_outbox_close(j->entry);
        j->entry = NULL;
    } else
        rc = jx_http_perform(&r.req, &j->resp, &err);
    if (j->out) {
        int bad = fclose(j->out) != 0;
        j->out = NULL;
        if (bad && rc == 0) return fail(L, "cannot write the output file", "write", kept[0] ? kept : NULL);
    }
    if (rc < 0) return fail(L, err.msg, jx_http_fail_name(j->resp.fail), kept[0] ? kept : NULL);
    push_response(L, &j->resp, kept[0] ? kept : NULL);
    return 1;
}

static int l_request(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    return do_request(L);
}

/* get(url[, opts]), post(url, opts|body), put(url, opts|body) */
static int shortcut(lua_State *L, const char *method)
{
    luaL_checkstring(L, 1);
    int ty = lua_type(L, 2);
    if (ty != LUA_TNONE && ty != LUA_TNIL && ty != LUA_TTABLE && ty != LUA_TSTRING)
        return luaL_typeerror(L, 2, "table or string");
    lua_newtable(L);
    if (ty == LUA_TTABLE)
        for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) {
            lua_pushvalue(L, -2);
            lua_pushvalue(L, -2);
            lua_rawset(L, -5);
        }
    else if (ty == LUA_TSTRING)
        lua_pushvalue(L, 2), lua_setfield(L, -2, "body");
    lua_pushvalue(L, 1), lua_setfield(L, -2, "url");
    lua_pushstring(L, method), lua_setfield(L, -2, "method");
    lua_replace(L, 1);
    lua_settop(L, 1);
    return do_request(L);
}

static int l_get(lua_State *L) { return shortcut(L, "GET"); }
static int l_post(lua_State *L) { return shortcut(L, "POST"); }
static int l_put(lua_State *L) { return shortcut(L, "PUT"); }

/* key(request) -> the Idempotency-Key jixiao would derive for it. */
static int l_key(lua_State *L)
{
    struct lreq r;
    check_request(L, 1, &r);
    char key[65];
    jx_err err;
    if (jx_http_key(&r.req, key, &err) < 0) return fail(L, err.msg, "file", NULL);
    lua_pushstring(L, key);
    return 1;
}

static int l_outbox_dir(lua_State *L)
{
    char dir[4096];
    jx_err err;
    if (jx_outbox_dir(luaL_optstring(L, 1, NULL), 0, dir, sizeof dir, &err) < 0) return fail(L, err.msg, "outbox", NULL);
    lua_pushstring(L, dir);
    return 1;
}

static int l_outbox_list(lua_State *L)
{
    char dir[4096], url[1024];
    jx_err err;
    struct janitor *j = new_janitor(L);
    size_t n;
    if (jx_outbox_dir(luaL_optstring(L, 1, NULL), 0, dir, sizeof dir, &err) < 0 || jx_outbox_ids(dir, &j->ids, &n, &err) < 0)
        return fail(L, err.msg, "outbox", NULL);
    lua_createtable(L, (int)n, 0);
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        int r = jx_outbox_open(dir, j->ids[i], 0, &j->entry, &err);
        if (r != 0) continue;
        const jx_outbox_entry *e = j->entry;
        lua_createtable(L, 0, 8);
        lua_pushstring(L, e->id), lua_setfield(L, -2, "id");
        lua_pushstring(L, e->req.method), lua_setfield(L, -2, "method");
        jx_http_redact_url(e->req.url, url, sizeof url);
        lua_pushstring(L, url), lua_setfield(L, -2, "url");
        if (e->source) lua_pushstring(L, e->source), lua_setfield(L, -2, "source");
        lua_pushinteger(L, e->size), lua_setfield(L, -2, "bytes");
        lua_pushinteger(L, e->attempts), lua_setfield(L, -2, "attempts");
        lua_pushnumber(L, e->created), lua_setfield(L, -2, "created");
        if (e->last[0]) lua_pushstring(L, e->last), lua_setfield(L, -2, "last");
        lua_rawseti(L, -2, ++k);
        jx_outbox_close(j->entry);
        j->entry = NULL;
    }
    return 1;
}

/* flush{outbox=, retries=, wait=} -> delivered, kept | nil, msg, code */
static int l_flush(lua_State *L)
{
    jx_outbox_flush_opts o = {.retries = -1};
    const char *given = NULL;
    /* Outbox entries are files a script could have written: their URLs
     * were never checked against --allow-host. */
    if (jx_sandbox_enabled(L))
        return luaL_error(L, "flush is not allowed in --sandbox (run `jixiao outbox flush` outside it)");
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        given = opt_string(L, 1, "outbox");
        o.retries = (lua_getfield(L, 1, "retries"), (int)luaL_optinteger(L, -1, -1));
        o.wait = opt_seconds(L, 1, "wait", 0);
    }
    char dir[4096];
    jx_err err;
    int delivered, kept;
    if (jx_outbox_dir(given, 0, dir, sizeof dir, &err) < 0) return fail(L, err.msg, "outbox", NULL);
    int rc = jx_outbox_flush(dir, &o, &delivered, &kept, &err);
    if (rc < 0) return fail(L, err.msg, "outbox", NULL);
    if (rc == 1) return fail(L, "another flush of the outbox is running", "busy", NULL);
    lua_pushinteger(L, delivered);
    lua_pushinteger(L, kept);
    return 2;
}

/* ---- methods ---- */

/* resp:json([opts]) -> the body decoded by jixiao.json, or nil, msg, "json" */
static int resp_json(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_getfield(L, 1, "body") != LUA_TSTRING) return fail(L, "the response has no body (it went to the output file)", "json", NULL);
    luaL_requiref(L, "jixiao.json", luaopen_jixiao_json, 0);
    lua_getfield(L, -1, "decode");
    lua_pushvalue(L, -3);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 2);
    if (!lua_isnil(L, -2)) return lua_pop(L, 1), 1;
    return fail(L, lua_tostring(L, -1), "json", NULL);
}

static int resp_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "status");
    lua_getfield(L, 1, "body");
    lua_pushfstring(L, "HTTP %d (%d bytes)", (int)lua_tointeger(L, -2), (int)lua_rawlen(L, -1));
    return 1;
}

static int resp_header(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *name = luaL_checkstring(L, 2);
    lua_getfield(L, 1, "headers");
    luaL_Buffer B;
    size_t n = strlen(name);
    char *low = luaL_buffinitsize(L, &B, n);
    for (size_t i = 0; i < n; i++) low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    luaL_pushresultsize(&B, n);
    lua_gettable(L, -2);
    return 1;
}

static const luaL_Reg resp_methods[] = {{"json", resp_json}, {"header", resp_header}, {NULL, NULL}};

static const luaL_Reg funcs[] = {
    {"request", l_request}, {"get", l_get},       {"post", l_post},           {"put", l_put},
    {"key", l_key},         {"flush", l_flush},   {"outbox_dir", l_outbox_dir}, {"outbox_list", l_outbox_list},
    {NULL, NULL}};

int luaopen_jixiao_http(lua_State *L)
{
    luaL_newmetatable(L, RESPONSE);
    luaL_newlib(L, resp_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, resp_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_newmetatable(L, JANITOR);
    lua_pushcfunction(L, janitor_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, janitor_close);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);
    luaL_newmetatable(L, JBUF);
    lua_pushcfunction(L, jbuf_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    jx_sandbox_declare_checked(L, "jixiao.http");
    return 1;
}
