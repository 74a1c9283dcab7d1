/* net: libcurl, loaded on first use with dlopen so that commands which never
 * touch the network do not pay at start-up for libcurl and the thirty-odd
 * libraries it pulls in. Callers reach curl only through jx_curl's pointers. */
#ifndef JX_NET_H
#define JX_NET_H

#include <curl/curl.h>

#include "err.h"

/* The libcurl functions jixiao uses, typed from <curl/curl.h> itself so a
 * mismatch with the header is a compile error. Valid only after jx_net_load
 * has returned 0; the library then stays loaded until the process ends. */
struct jx_curl {
    __typeof__(curl_global_init) *global_init;
    __typeof__(curl_version) *version;
    __typeof__(curl_easy_init) *easy_init;
    __typeof__(curl_easy_setopt) *easy_setopt;
    __typeof__(curl_easy_perform) *easy_perform;
    __typeof__(curl_easy_getinfo) *easy_getinfo;
    __typeof__(curl_easy_cleanup) *easy_cleanup;
    __typeof__(curl_easy_strerror) *easy_strerror;
    __typeof__(curl_slist_append) *slist_append;
    __typeof__(curl_slist_free_all) *slist_free_all;
    __typeof__(curl_mime_init) *mime_init;
    __typeof__(curl_mime_addpart) *mime_addpart;
    __typeof__(curl_mime_name) *mime_name;
    __typeof__(curl_mime_data) *mime_data;
    __typeof__(curl_mime_filedata) *mime_filedata;
    __typeof__(curl_mime_filename) *mime_filename;
    __typeof__(curl_mime_type) *mime_type;
    __typeof__(curl_mime_free) *mime_free;
};
extern struct jx_curl jx_curl;

/* Loads libcurl (libcurl.so.4), resolves every jx_curl pointer and runs
 * curl_global_init, once; later calls return the first outcome at no cost.
 * Returns 0, or -1 with err (JX_EIO) naming the library and the Debian
 * package that provides it. Not thread-safe: call it from the main thread. */
int jx_net_load(jx_err *err);

/* curl_version()'s text ("libcurl/7.88.1 OpenSSL/3.0.11 ..."), or NULL when
 * jx_net_load has not succeeded. Never loads the library itself. */
const char *jx_net_curl_version(void);

#endif
