/* net: libcurl resolved at run time (see net.h). The binary never links
 * against libcurl, so `ldd jixiao` does not list it and a machine without it
 * can still run every command that stays off the network. */
#include "net.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct jx_curl jx_curl;

/* 0 not tried, 1 loaded, -1 failed with load_error. */
static int load_state;
static jx_err load_error;

/* The OpenSSL build first, then the GnuTLS one: same soname version, same ABI. */
static const char *const libnames[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};

static const struct {
    const char *name;
    size_t offset;
} symbols[] = {
#define SYM(field) {"curl_" #field, offsetof(struct jx_curl, field)}
    SYM(global_init),   SYM(version),        SYM(easy_init),     SYM(easy_setopt),
    SYM(easy_perform),  SYM(easy_getinfo),   SYM(easy_cleanup),  SYM(easy_strerror),
    SYM(slist_append),  SYM(slist_free_all), SYM(mime_init),     SYM(mime_addpart),
    SYM(mime_name),     SYM(mime_data),      SYM(mime_filedata), SYM(mime_filename),
    SYM(mime_type),     SYM(mime_free),
#undef SYM
};

static int load(jx_err *err)
{
    void *lib = NULL;
    char why[512] = "";
    for (size_t i = 0; i < sizeof libnames / sizeof libnames[0] && !lib; i++) {
        lib = dlopen(libnames[i], RTLD_NOW | RTLD_LOCAL);
        if (!lib && i == 0) snprintf(why, sizeof why, "%s", dlerror());
    }
    if (!lib)
        return jx_err_set(err, JX_EIO,
                          "cannot load libcurl (%s); the network functions need it: "
                          "install the package libcurl4 (apt-get install libcurl4)",
                          why);

    struct jx_curl c;
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        void *f = dlsym(lib, symbols[i].name);
        if (!f) {
            jx_err_set(err, JX_EIO,
                       "the libcurl found lacks %s (version 7.56 or newer is needed): "
                       "install the package libcurl4 (apt-get install libcurl4)",
                       symbols[i].name);
            dlclose(lib);
            return -1;
        }
        /* POSIX guarantees a data pointer from dlsym converts to a function pointer. */
        memcpy((char *)&c + symbols[i].offset, &f, sizeof f);
    }
    CURLcode rc = c.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        jx_err_set(err, JX_EIO, "libcurl failed to initialise: %s", c.easy_strerror(rc));
        dlclose(lib);
        return -1;
    }
    jx_curl = c;
    return 0;
}

int jx_net_load(jx_err *err)
{
    if (load_state == 0) load_state = load(&load_error) == 0 ? 1 : -1;
    if (load_state > 0) return 0;
    if (err) *err = load_error;
    return -1;
}

const char *jx_net_curl_version(void)
{
    return load_state > 0 ? jx_curl.version() : NULL;
}
