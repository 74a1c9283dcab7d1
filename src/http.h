/* http: one HTTP exchange over libcurl (loaded lazily, see net.h) with the
 * retry rules of curl's --retry, bodies streamed from files, and the
 * content-derived Idempotency-Key that makes a POST safe to repeat. No Lua
 * here: l_http.c, cmd_upload.c and outbox.c all build on this unit. */
#ifndef JX_HTTP_H
#define JX_HTTP_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* Why an exchange got no response (jx_http_resp.fail); jx_http_fail_name
 * gives the stable word Lua sees as the third return value. */
enum {
    JX_HTTP_OK = 0,
    JX_HTTP_TIMEOUT,   /* "timeout": no answer within the time allowed */
    JX_HTTP_CONNECT,   /* "connect": no connection, so nothing was sent */
    JX_HTTP_DROPPED,   /* "dropped": the connection broke mid-exchange */
    JX_HTTP_RESOLVE,   /* "resolve": unknown host */
    JX_HTTP_PROXY,     /* "proxy" */
    JX_HTTP_TLS,       /* "tls": handshake or certificate verification */
    JX_HTTP_FILE,      /* "file": a body file could not be read */
    JX_HTTP_TOO_LARGE, /* "too-large": the response exceeded max_body */
    JX_HTTP_WRITE,     /* "write": the output file could not be written */
    JX_HTTP_URL,       /* "url": malformed URL or unsupported scheme */
    JX_HTTP_ENV,       /* "env": a header's environment variable is not set */
    JX_HTTP_NOCURL,    /* "nocurl": libcurl could not be loaded */
    JX_HTTP_OTHER      /* "network" */
};
const char *jx_http_fail_name(int fail);

/* A request header. With env set, the value is read from that environment
 * variable when the request is sent, so callers (and the outbox) only ever
 * hold the variable's name, never the secret. */
typedef struct {
    const char *name;
    const char *value;
    const char *env;
} jx_http_header;

/* One multipart/form-data part: text (data, len) or a file streamed from
 * path. filename defaults to the path's base name, type to curl's guess. */
typedef struct {
    const char *name;
    const char *data;
    size_t len;
    const char *path;
    const char *filename;
    const char *type;
} jx_http_part;

enum { JX_BODY_NONE, JX_BODY_DATA, JX_BODY_FILE, JX_BODY_FORM };

/* A request. Every pointer is borrowed: the caller keeps it alive for the
 * call. Fill with jx_http_req_init, then set what differs. */
typedef struct {
    const char *method; /* NULL: GET, or POST when there is a body */
    const char *url;    /* query already appended */
    const jx_http_header *headers;
    size_t nheaders;
    int body;                /* JX_BODY_* */
    const char *data;        /* JX_BODY_DATA */
    size_t len;
    const char *path;        /* JX_BODY_FILE: streamed, never read whole */
    const jx_http_part *parts; /* JX_BODY_FORM */
    size_t nparts;
    const char *idempotency_key; /* sent as Idempotency-Key */
    int derive_key;              /* no key given: derive one (jx_http_key) */
    double timeout;              /* seconds per attempt; 0: none (a stall still ends it) */
    double connect_timeout;      /* seconds; default 30 */
    int retries;                 /* attempts after the first; default 0 */
    double retry_delay;          /* first backoff in seconds; default 1 */
    double retry_max_time;       /* no retry starts after this many seconds; default 300 */
    const char *proxy;           /* NULL: from the environment; "": none */
    const char *cainfo;          /* CA bundle for a private certificate authority */
    int insecure;                /* skip TLS verification (only when asked) */
    int follow;                  /* follow redirects (at most 5) */
    size_t max_body;             /* response bytes kept in memory; default 64 MiB */
    FILE *output;                /* write the response body here instead */
    /* Progress lines ("attempt 2: HTTP 503; retrying in 1.2 s"); never
     * carry header values. */
    void (*log)(void *ud, const char *line);
    void *log_ud;
} jx_http_req;

typedef struct {
    long status;          /* 0 when no response arrived */
    char *headers;        /* the final response's header block, NUL-terminated */
    size_t headers_len;
    char *body;           /* NUL-terminated (not counted in body_len); NULL with output */
    size_t body_len;
    char *url;            /* the effective URL */
    int attempts;
    double elapsed;       /* seconds over every attempt and wait */
    int fail;             /* JX_HTTP_* of the last attempt when status is 0 */
    char key[65];         /* the Idempotency-Key sent, "" if none */
} jx_http_resp;

void jx_http_req_init(jx_http_req *r);

/* Sends r, retrying as curl --retry does: after a timeout, a dropped or
 * refused connection, or HTTP 408, 429, 500, 502, 503 or 504; with an
 * exponential backoff (jittered, at most 30 s apart) that waits at least a
 * Retry-After; never starting a retry past retry_max_time; and never
 * repeating a POST or PATCH that carries no idempotency key (unless the
 * connection was refused, when nothing was sent). Any response, 4xx and
 * 5xx included, returns 0; a failure to get one returns -1 with err and
 * resp->fail set. resp is always filled and must be released with
 * jx_http_resp_free. Loads libcurl on first use. Never raises or exits. */
int jx_http_perform(const jx_http_req *r, jx_http_resp *resp, jx_err *err);
void jx_http_resp_free(jx_http_resp *resp);

/* The content-derived idempotency key: 32 hex digits of SHA-256 over the
 * method, URL and body (files read as they stand), never over headers, so
 * the key of a request is the same on every run and reveals no secret.
 * 0, or -1 with err when a body file cannot be read. */
int jx_http_key(const jx_http_req *r, char key[65], jx_err *err);

/* 1 for methods safe to repeat (GET, HEAD, PUT, DELETE, OPTIONS, TRACE). */
int jx_http_idempotent(const char *method);

/* The method r will use ("GET", "POST", ...). */
const char *jx_http_method(const jx_http_req *r);

/* Where a response goes as it arrives: the sink behind curl's header and
 * body callbacks, public so the fuzz target drives the code that runs.
 * Header lines come one per call, as curl delivers them; a status line
 * ("HTTP/...", after a 100 Continue or a redirect) starts the block over,
 * so only the final response's headers are kept, and a line that would
 * take the block past hcap is dropped (not fatal). The body is kept in
 * memory up to cap bytes (a chunk past that sets overflow and returns 0,
 * which makes curl stop with a write error) or written to out. hdr and
 * body are NUL-terminated whenever set. */
#define JX_HTTP_MAX_HEADERS ((size_t)1 << 20)
typedef struct {
    char *hdr, *body;
    size_t hlen, halloc, blen, balloc;
    size_t cap;  /* body bytes kept in memory */
    size_t hcap; /* header block bytes kept; JX_HTTP_MAX_HEADERS */
    FILE *out;   /* non-NULL: the body is written here instead */
    int overflow, nomem;
} jx_http_sink;

void jx_http_sink_init(jx_http_sink *s, size_t cap, FILE *out);
/* Empties the header block and body (keeping their memory) for a new attempt. */
void jx_http_sink_reset(jx_http_sink *s);
/* Both return len when the bytes are taken, less (0) to stop the transfer. */
size_t jx_http_sink_header(jx_http_sink *s, const char *line, size_t len);
size_t jx_http_sink_body(jx_http_sink *s, const char *data, size_t len);
void jx_http_sink_free(jx_http_sink *s);

/* Walks the "Name: value" lines of a header block (NUL-terminated, as
 * jx_http_resp.headers). *p starts at the block, whose first line, the
 * status line, is never a header; each call moves it to the next line with
 * a colon and returns 1 with the name (the text before the first colon, as
 * sent) and the value (up to the line's CR or LF, spaces and tabs trimmed
 * both sides), both pointing into the block; 0 at the end. Lines without a
 * colon are skipped. */
int jx_http_headers_next(const char **p, const char **name, size_t *nlen, const char **val, size_t *vlen);

/* Copies url to buf with any password in its user-info replaced by "***",
 * for messages and listings. */
void jx_http_redact_url(const char *url, char *buf, size_t cap);

/* A Content-Type for a file name by its extension (text/csv, application/json,
 * ...), application/octet-stream when unknown. */
const char *jx_http_guess_type(const char *path);

#endif
