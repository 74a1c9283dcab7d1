/* http: the HTTP client under jx.http, jixiao upload and the outbox (see
 * http.h). Each attempt gets a fresh curl handle and reopens its body files,
 * so a retry always sends the whole body again from its first byte. */
#include "http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

#define DEFAULT_MAX_BODY ((size_t)64 << 20)
#define MAX_BACKOFF 30.0
/* With no timeout set, a transfer that moves no byte for this long ends:
 * a cron job must not hang forever on a dead peer. */
#define STALL_SECONDS 120L

/* ---- SHA-256 (FIPS 180-4), for the content-derived idempotency key ---- */

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char buf[64];
    size_t fill;
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(sha256 *s, const unsigned char *p)
{
    uint32_t w[64], v[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, s->h, sizeof v);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
        uint32_t t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) s->h[i] += v[i];
}

static void sha_init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
    s->fill = 0;
}

static void sha_update(sha256 *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->bytes += len;
    while (len > 0) {
        size_t n = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->buf + s->fill, p, n);
        s->fill += n, p += n, len -= n;
        if (s->fill == 64) sha_block(s, s->buf), s->fill = 0;
    }
}

static void sha_final(sha256 *s, unsigned char out[32])
{
    uint64_t bits = s->bytes * 8;
    unsigned char pad = 0x80, zero = 0, len[8];
    sha_update(s, &pad, 1);
    while (s->fill != 56) sha_update(s, &zero, 1);
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, len, 8);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
}

/* A length-prefixed field, so that ("ab", "c") and ("a", "bc") differ. */
static void sha_field(sha256 *s, const char *p, size_t n)
{
    char len[32];
    int k = snprintf(len, sizeof len, "%zu:", n);
    sha_update(s, len, (size_t)k);
    if (n) sha_update(s, p, n);
}

static int sha_file(sha256 *s, const char *path, jx_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jx_err_set(err, JX_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return jx_err_set(err, JX_EIO, "%s: not a regular file", path);
    }
    char size[32];
    int k = snprintf(size, sizeof size, "%lld:", (long long)st.st_size);
    sha_update(s, size, (size_t)k);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sha_update(s, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return jx_err_set(err, JX_EIO, "%s: read error", path);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int jx_http_key(const jx_http_req *r, char key[65], jx_err *err)
{
    sha256 s;
    sha_init(&s);
    const char *m = jx_http_method(r);
    sha_field(&s, "jixiao-idempotency-key/1", 24);
    sha_field(&s, m, strlen(m));
    sha_field(&s, r->url, strlen(r->url));
    switch (r->body) {
    case JX_BODY_DATA: sha_field(&s, "body", 4), sha_field(&s, r->data, r->len); break;
    case JX_BODY_FILE:
        /* Hashed as a data body is, so the key does not depend on where
         * the bytes were kept (memory, file, outbox copy). */
        sha_field(&s, "body", 4);
        if (sha_file(&s, r->path, err) < 0) return -1;
        break;
    case JX_BODY_FORM:
        for (size_t i = 0; i < r->nparts; i++) {
            const jx_http_part *p = &r->parts[i];
            const char *fn = p->filename ? p->filename : p->path ? base_name(p->path) : "";
            sha_field(&s, "part", 4);
            sha_field(&s, p->name, strlen(p->name));
            sha_field(&s, fn, strlen(fn));
            sha_field(&s, p->type ? p->type : "", p->type ? strlen(p->type) : 0);
            if (p->path) {
                if (sha_file(&s, p->path, err) < 0) return -1;
            } else
                sha_field(&s, p->data, p->len);
        }
        break;
    default: break;
    }
    unsigned char d[32];
    sha_final(&s, d);
    for (int i = 0; i < 16; i++) snprintf(key + 2 * i, 3, "%02x", d[i]);
    return 0;
}

/* ---- small helpers ---- */

const char *jx_http_fail_name(int fail)
{
    static const char *const names[] = {"ok",   "timeout",   "connect", "dropped", "resolve",
                                        "proxy", "tls",      "file",    "too-large", "write",
                                        "url",  "env",       "nocurl",  "network"};
    return fail >= 0 && fail <= JX_HTTP_OTHER ? names[fail] : "network";
}

const char *jx_http_method(const jx_http_req *r)
{
    if (r->method && *r->method) return r->method;
    return r->body != JX_BODY_NONE ? "POST" : "GET";
}

int jx_http_idempotent(const char *m)
{
    static const char *const safe[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"};
    for (size_t i = 0; i < sizeof safe / sizeof safe[0]; i++)
        if (!strcasecmp(m, safe[i])) return 1;
    return 0;
}

void jx_http_redact_url(const char *url, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", url);
    char *start = strstr(buf, "://");
    if (!start) return;
    start += 3;
    size_t auth = strcspn(start, "/?#");
    char *at = memrchr(start, '@', auth);
    if (!at) return;
    /* The whole user-info goes: some APIs take the token as the user name. */
    char rest[2048];
    snprintf(rest, sizeof rest, "%s", at);
    snprintf(start, cap - (size_t)(start - buf), "***%s", rest);
}

const char *jx_http_guess_type(const char *path)
{
    static const char *const types[][2] = {
        {"csv", "text/csv"},         {"tsv", "text/tab-separated-values"}, {"txt", "text/plain"},
        {"json", "application/json"}, {"xml", "application/xml"},          {"html", "text/html"},
        {"md", "text/markdown"},      {"pdf", "application/pdf"},          {"zip", "application/zip"},
        {"gz", "application/gzip"},   {"xls", "application/vnd.ms-excel"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};
    const char *dot = strrchr(base_name(path), '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcasecmp(dot + 1, types[i][0])) return types[i][1];
    return "application/octet-stream";
}

void jx_http_req_init(jx_http_req *r)
{
    memset(r, 0, sizeof *r);
    r->connect_timeout = 30;
    r->retry_delay = 1;
    r->retry_max_time = 300;
}

void jx_http_resp_free(jx_http_resp *resp)
{
    free(resp->headers), free(resp->body), free(resp->url);
    resp->headers = resp->body = resp->url = NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_for(double seconds)
{
    double until = now() + seconds;
    for (double left = seconds; left > 0; left = until - now()) {
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* A uniform draw in [0, 1) for the jitter; need not be unpredictable. */
static double draw(void)
{
    uint32_t x;
    if (getrandom(&x, sizeof x, GRND_NONBLOCK) != (ssize_t)sizeof x)
        x = (uint32_t)time(NULL) * 2654435761u ^ (uint32_t)getpid();
    return (double)x / 4294967296.0;
}

static void logf_(const jx_http_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(const jx_http_req *r, const char *fmt, ...)
{
    if (!r->log) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->log(r->log_ud, line);
}

/* ---- one attempt ---- */

/* Where curl's callbacks put the response (jx_http_sink, see http.h). */
static int append(char **p, size_t *len, size_t *alloc, const char *data, size_t n)
{
    if (*len + n + 1 > *alloc) {
        size_t a = *alloc ? *alloc : 1024;
        while (a < *len + n + 1) a *= 2;
        char *q = realloc(*p, a);
        if (!q) return -1;
        *p = q, *alloc = a;
    }
    memcpy(*p + *len, data, n);
    *len += n;
    (*p)[*len] = 0;
    return 0;
}

void jx_http_sink_init(jx_http_sink *s, size_t cap, FILE *out)
{
    memset(s, 0, sizeof *s);
    s->cap = cap;
    s->hcap = JX_HTTP_MAX_HEADERS;
    s->out = out;
}

void jx_http_sink_reset(jx_http_sink *s)
{
    s->hlen = s->blen = 0;
    if (s->hdr) s->hdr[0] = 0;
    if (s->body) s->body[0] = 0;
    s->overflow = s->nomem = 0;
}

void jx_http_sink_free(jx_http_sink *s)
{
    free(s->hdr);
    free(s->body);
    s->hdr = s->body = NULL;
    s->hlen = s->halloc = s->blen = s->balloc = 0;
}

size_t jx_http_sink_body(jx_http_sink *s, const char *data, size_t len)
{
    if (s->out) return fwrite(data, 1, len, s->out); /* short: curl fails with a write error */
    if (len > s->cap - s->blen) {
        s->overflow = 1;
        return 0;
    }
    if (append(&s->body, &s->blen, &s->balloc, data, len) < 0) return s->nomem = 1, 0;
    return len;
}

size_t jx_http_sink_header(jx_http_sink *s, const char *line, size_t len)
{
    /* A new status line (after a 100 Continue or a redirect) starts over, so
     * only the final response's headers are kept. */
    if (len >= 5 && !memcmp(line, "HTTP/", 5)) {
        s->hlen = 0;
        if (s->hdr) s->hdr[0] = 0;
    }
    if (len > s->hcap - s->hlen) return len; /* absurd header blocks are cut, not fatal */
    if (append(&s->hdr, &s->hlen, &s->halloc, line, len) < 0) return s->nomem = 1, 0;
    return len;
}

int jx_http_headers_next(const char **p, const char **name, size_t *nlen, const char **val, size_t *vlen)
{
    const char *s = *p ? strchr(*p, '\n') : NULL; /* past the line last returned */
    while (s && *++s) {
        size_t n = strcspn(s, "\r\n");
        const char *colon = memchr(s, ':', n);
        if (colon) {
            const char *v = colon + 1, *e = s + n;
            while (v < e && (*v == ' ' || *v == '\t')) v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
            *name = s, *nlen = (size_t)(colon - s);
            *val = v, *vlen = (size_t)(e - v);
            *p = s;
            return 1;
        }
        s = strchr(s, '\n');
    }
    *p = NULL;
    return 0;
}

static size_t on_body(char *ptr, size_t size, size_t n, void *ud)
{
    return jx_http_sink_body(ud, ptr, size * n);
}

static size_t on_header(char *ptr, size_t size, size_t n, void *ud)
{
    return jx_http_sink_header(ud, ptr, size * n);
}

static size_t on_read(char *ptr, size_t size, size_t n, void *ud)
{
    FILE *f = ud;
    size_t got = fread(ptr, size, n, f);
    if (got < n && ferror(f)) return CURL_READFUNC_ABORT;
    return got;
}

static int on_seek(void *ud, curl_off_t off, int origin)
{
    return fseeko(ud, (off_t)off, origin) == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
}

static int classify(CURLcode c, const jx_http_sink *s)
{
    switch (c) {
    case CURLE_OPERATION_TIMEDOUT: return JX_HTTP_TIMEOUT;
    case CURLE_COULDNT_CONNECT: return JX_HTTP_CONNECT;
    case CURLE_GOT_NOTHING: case CURLE_RECV_ERROR: case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE: case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
        return JX_HTTP_DROPPED;
    case CURLE_COULDNT_RESOLVE_HOST: return JX_HTTP_RESOLVE;
    case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_PROXY: return JX_HTTP_PROXY;
    case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED: case CURLE_SSL_ISSUER_ERROR: case CURLE_SSL_CRL_BADFILE:
        return JX_HTTP_TLS;
    case CURLE_READ_ERROR: case CURLE_ABORTED_BY_CALLBACK: return JX_HTTP_FILE;
    case CURLE_WRITE_ERROR: return s->overflow ? JX_HTTP_TOO_LARGE : s->nomem ? JX_HTTP_OTHER : JX_HTTP_WRITE;
    case CURLE_URL_MALFORMAT: case CURLE_UNSUPPORTED_PROTOCOL: return JX_HTTP_URL;
    default: return JX_HTTP_OTHER;
    }
}

struct outcome {
    long status;
    int fail;
    double retry_after;
    char why[CURL_ERROR_SIZE + 64];
};

#define SET(h, opt, v) jx_curl.easy_setopt(h, opt, v)

/* Applies the body of r to h. Returns 0, or -1 with o->why when a body file
 * cannot be opened; *file and *mime are for the caller to release. */
static int set_body(CURL *h, const jx_http_req *r, const char *m, FILE **file, curl_mime **mime,
                    struct outcome *o)
{
    int post = !strcasecmp(m, "POST");
    switch (r->body) {
    case JX_BODY_NONE:
        if (!strcasecmp(m, "HEAD")) SET(h, CURLOPT_NOBODY, 1L);
        else if (strcasecmp(m, "GET")) SET(h, CURLOPT_CUSTOMREQUEST, m);
        return 0;
    case JX_BODY_DATA:
        SET(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->len);
        SET(h, CURLOPT_POSTFIELDS, r->len ? r->data : "");
        break;
    case JX_BODY_FILE: {
        struct stat st;
        *file = fopen(r->path, "rb");
        if (!*file || fstat(fileno(*file), &st) != 0 || !S_ISREG(st.st_mode)) {
            snprintf(o->why, sizeof o->why, "%s: cannot read the body file: %s", r->path,
                     *file ? "not a regular file" : strerror(errno));
            return -1;
        }
        SET(h, CURLOPT_READFUNCTION, on_read);
        SET(h, CURLOPT_READDATA, *file);
        SET(h, CURLOPT_SEEKFUNCTION, on_seek);
        SET(h, CURLOPT_SEEKDATA, *file);
        if (post) {
            SET(h, CURLOPT_POST, 1L);
            SET(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)st.st_size);
        } else {
            SET(h, CURLOPT_UPLOAD, 1L);
            SET(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
        }
        break;
    }
    case JX_BODY_FORM:
        *mime = jx_curl.mime_init(h);
        for (size_t i = 0; *mime && i < r->nparts; i++) {
            const jx_http_part *p = &r->parts[i];
            curl_mimepart *part = jx_curl.mime_addpart(*mime);
            if (!part) break;
            jx_curl.mime_name(part, p->name);
            if (p->path) {
                FILE *f = fopen(p->path, "rb");
                if (!f) {
                    snprintf(o->why, sizeof o->why, "%s: cannot read the file for form field %s: %s",
                             p->path, p->name, strerror(errno));
                    return -1;
                }
                fclose(f);
                jx_curl.mime_filedata(part, p->path);
                if (p->filename) jx_curl.mime_filename(part, p->filename);
            } else
                jx_curl.mime_data(part, p->data ? p->data : "", p->len);
            if (p->type) jx_curl.mime_type(part, p->type);
        }
        SET(h, CURLOPT_MIMEPOST, *mime);
        break;
    }
    if (!post) SET(h, CURLOPT_CUSTOMREQUEST, m);
    return 0;
}

static void attempt(const jx_http_req *r, const char *m, struct curl_slist *hdrs, double timeout,
                    jx_http_sink *s, jx_http_resp *resp, struct outcome *o)
{
    memset(o, 0, sizeof *o);
    jx_http_sink_reset(s);
    CURL *h = jx_curl.easy_init();
    if (!h) {
        o->fail = JX_HTTP_OTHER;
        snprintf(o->why, sizeof o->why, "libcurl could not start a transfer (out of memory?)");
        return;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    SET(h, CURLOPT_URL, r->url);
    SET(h, CURLOPT_NOSIGNAL, 1L);
    SET(h, CURLOPT_ERRORBUFFER, errbuf);
    SET(h, CURLOPT_USERAGENT, "jixiao/0.1");
    SET(h, CURLOPT_HTTPHEADER, hdrs);
    SET(h, CURLOPT_ACCEPT_ENCODING, "");
    SET(h, CURLOPT_WRITEFUNCTION, on_body);
    SET(h, CURLOPT_WRITEDATA, s);
    SET(h, CURLOPT_HEADERFUNCTION, on_header);
    SET(h, CURLOPT_HEADERDATA, s);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(h, CURLOPT_PROTOCOLS_STR, "http,https");
    SET(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    SET(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(r->connect_timeout > 0 ? r->connect_timeout * 1000 : 30000));
    if (timeout > 0) SET(h, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
    else {
        SET(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        SET(h, CURLOPT_LOW_SPEED_TIME, STALL_SECONDS);
    }
    if (r->proxy) SET(h, CURLOPT_PROXY, r->proxy);
    if (r->cainfo) SET(h, CURLOPT_CAINFO, r->cainfo);
    SET(h, CURLOPT_SSL_VERIFYPEER, r->insecure ? 0L : 1L);
    SET(h, CURLOPT_SSL_VERIFYHOST, r->insecure ? 0L : 2L);
    if (r->follow) {
        SET(h, CURLOPT_FOLLOWLOCATION, 1L);
        SET(h, CURLOPT_MAXREDIRS, 5L);
    }
    FILE *file = NULL;
    curl_mime *mime = NULL;
    if (set_body(h, r, m, &file, &mime, o) < 0) o->fail = JX_HTTP_FILE;
    else {
        CURLcode c = jx_curl.easy_perform(h);
        if (c == CURLE_OK) {
            jx_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &o->status);
            curl_off_t ra = 0;
            if (jx_curl.easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
                o->retry_after = (double)ra;
        } else {
            o->fail = classify(c, s);
            if (o->fail == JX_HTTP_TOO_LARGE)
                snprintf(o->why, sizeof o->why, "the response is larger than %zu bytes (max_body)", s->cap);
            else
                snprintf(o->why, sizeof o->why, "%s", errbuf[0] ? errbuf : jx_curl.easy_strerror(c));
        }
        char *eff = NULL;
        if (jx_curl.easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff) {
            free(resp->url);
            resp->url = strdup(eff);
        }
    }
    if (mime) jx_curl.mime_free(mime);
    if (file) fclose(file);
    jx_curl.easy_cleanup(h);
}

/* ---- the request ---- */

static int has_header(const jx_http_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name)) return 1;
    return 0;
}

static int bad_text(const char *s, int name)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n' || (name && (*s == ':' || *s == ' ' || (unsigned char)*s < 33))) return 1;
    return 0;
}

/* Builds the header list. Values from the environment are read here; a
 * message never quotes a value, only the variable's name. */
static int build_headers(const jx_http_req *r, const char *key, struct curl_slist **out, int *fail, jx_err *err)
{
    struct curl_slist *l = NULL;
    char *line = NULL;
    int rc = 0;
    *fail = JX_HTTP_OTHER;
    for (size_t i = 0; i < r->nheaders && rc == 0; i++) {
        const jx_http_header *hd = &r->headers[i];
        const char *v = hd->env ? getenv(hd->env) : hd->value;
        if (!hd->name[0] || bad_text(hd->name, 1)) {
            *fail = JX_HTTP_URL;
            rc = jx_err_set(err, JX_EUSAGE, "'%s' is not a valid header name", hd->name);
        } else if (!v) {
            *fail = JX_HTTP_ENV;
            rc = jx_err_set(err, JX_EUSAGE, "header %s: the environment variable %s is not set; export it "
                            "(only its name is kept, never the value)", hd->name, hd->env ? hd->env : "?");
        } else if (bad_text(v, 0)) {
            *fail = hd->env ? JX_HTTP_ENV : JX_HTTP_URL;
            rc = jx_err_set(err, JX_EUSAGE, "header %s: the value%s%s contains a line break", hd->name,
                            hd->env ? " from $" : "", hd->env ? hd->env : "");
        } else {
            size_t n = strlen(hd->name) + strlen(v) + 3;
            line = malloc(n);
            if (!line) break;
            /* "Name;" is curl's spelling of a header with an empty value. */
            if (*v) snprintf(line, n, "%s: %s", hd->name, v);
            else snprintf(line, n, "%s;", hd->name);
            struct curl_slist *t = jx_curl.slist_append(l, line);
            free(line), line = NULL;
            if (!t) break;
            l = t;
        }
    }
    char extra[128];
    const char *adds[4];
    int nadd = 0;
    /* curl's "Expect: 100-continue" costs a second per upload against servers
     * that never answer it; the body is sent straight away instead. */
    if (!has_header(r, "Expect")) adds[nadd++] = "Expect:";
    if ((r->body == JX_BODY_DATA || r->body == JX_BODY_FILE) && !has_header(r, "Content-Type"))
        adds[nadd++] = "Content-Type: application/octet-stream";
    if (key[0] && !has_header(r, "Idempotency-Key")) {
        snprintf(extra, sizeof extra, "Idempotency-Key: %s", key);
        adds[nadd++] = extra;
    }
    for (int i = 0; i < nadd && rc == 0; i++) {
        struct curl_slist *t = jx_curl.slist_append(l, adds[i]);
        if (!t) {
            rc = jx_err_set(err, JX_ENOMEM, "out of memory building the request headers");
            break;
        }
        l = t;
    }
    if (rc < 0) {
        jx_curl.slist_free_all(l);
        return -1;
    }
    *out = l;
    return 0;
}

static int retryable_status(long s)
{
    return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static int retryable_fail(int f)
{
    return f == JX_HTTP_TIMEOUT || f == JX_HTTP_CONNECT || f == JX_HTTP_DROPPED;
}

static const char *fail_text(int f)
{
    switch (f) {
    case JX_HTTP_TIMEOUT: return "timed out";
    case JX_HTTP_CONNECT: return "no connection";
    case JX_HTTP_DROPPED: return "connection dropped";
    case JX_HTTP_RESOLVE: return "unknown host";
    case JX_HTTP_PROXY: return "proxy failure";
    case JX_HTTP_TLS: return "TLS failure (use cainfo for a private CA; insecure only when you must)";
    case JX_HTTP_FILE: return "cannot read the body";
    case JX_HTTP_TOO_LARGE: return "response too large";
    case JX_HTTP_WRITE: return "cannot write the response";
    case JX_HTTP_URL: return "bad URL";
    default: return "network failure";
    }
}

int jx_http_perform(const jx_http_req *r, jx_http_resp *resp, jx_err *err)
{
    memset(resp, 0, sizeof *resp);
    const char *m = jx_http_method(r);
    char url[1024];
    jx_http_redact_url(r->url, url, sizeof url);
    if (jx_net_load(err) < 0) {
        resp->fail = JX_HTTP_NOCURL;
        return -1;
    }
    if (r->idempotency_key && *r->idempotency_key)
        snprintf(resp->key, sizeof resp->key, "%.64s", r->idempotency_key);
    else if (r->derive_key && jx_http_key(r, resp->key, err) < 0) {
        resp->fail = JX_HTTP_FILE;
        return -1;
    }
    struct curl_slist *hdrs = NULL;
    int hfail;
    if (build_headers(r, resp->key, &hdrs, &hfail, err) < 0) {
        resp->fail = hfail;
        return -1;
    }
    jx_http_sink s;
    jx_http_sink_init(&s, r->max_body ? r->max_body : DEFAULT_MAX_BODY, r->output);
    off_t out_start = r->output ? ftello(r->output) : 0;
    int may_repeat = jx_http_idempotent(m) || resp->key[0];
    double start = now(), cap = r->retry_max_time > 0 ? r->retry_max_time : 300;
    struct outcome o;
    for (;;) {
        /* A retry rewrites the output file from where this call began. */
    if (r->output && resp->attempts > 0) {
            fflush(r->output);
            if (fseeko(r->output, out_start, SEEK_SET) == 0) (void)!ftruncate(fileno(r->output), out_start);
        }
        resp->attempts++;
        attempt(r, m, hdrs, r->timeout, &s, resp, &o);
        int transient = o.fail ? retryable_fail(o.fail) : retryable_status(o.status);
        if (!transient) break;
        char what[96];
        if (o.fail) snprintf(what, sizeof what, "%s", fail_text(o.fail));
        else snprintf(what, sizeof what, "HTTP %ld", o.status);
        if (resp->attempts > r->retries) {
            if (r->retries > 0) logf_(r, "attempt %d: %s; no retries left", resp->attempts, what);
            break;
        }
        if (!may_repeat && o.fail != JX_HTTP_CONNECT) {
            logf_(r, "attempt %d: %s; not retried: a %s without an idempotency key could be applied twice",
                  resp->attempts, what, m);
            break;
        }
        double d = r->retry_delay > 0 ? r->retry_delay : 0;
        for (int i = 1; i < resp->attempts && d < MAX_BACKOFF; i++) d *= 2;
        if (d > MAX_BACKOFF) d = MAX_BACKOFF;
        d *= 0.5 + 0.5 * draw();
        if (o.retry_after > d) d = o.retry_after;
        double left = cap - (now() - start);
        if (d > left) {
            logf_(r, "attempt %d: %s; giving up: the next try (in %.1f s%s) would start after the %.0f s retry time cap",
                  resp->attempts, what, d, o.retry_after > 0 ? ", Retry-After" : "", cap);
            break;
        }
        logf_(r, "attempt %d: %s; retrying in %.1f s%s", resp->attempts, what, d,
              o.retry_after >= d && o.retry_after > 0 ? " (Retry-After)" : "");
        pause_for(d);
    }
    jx_curl.slist_free_all(hdrs);
    resp->elapsed = now() - start;
    resp->status = o.status;
    resp->fail = o.fail;
    resp->headers = s.hdr;
    resp->headers_len = s.hlen;
    if (!s.out) {
        resp->body = s.body;
        resp->body_len = s.blen;
        if (!resp->body && o.status) resp->body = calloc(1, 1);
    } else
        free(s.body);
    if (!resp->headers) resp->headers = calloc(1, 1);
    if (o.fail) {
        char tries[64] = "";
        if (resp->attempts > 1) snprintf(tries, sizeof tries, " (%d attempts in %.1f s)", resp->attempts, resp->elapsed);
        return jx_err_set(err, JX_EIO, "%s %s: %s: %s%s", m, url,
                          fail_text(o.fail), o.why, tries);
    }
    if (s.nomem || (o.status && (!resp->body && !s.out))) {
        resp->fail = JX_HTTP_OTHER;
        return jx_err_set(err, JX_ENOMEM, "%s %s: out of memory reading the response", m, url);
    }
    return 0;
}
