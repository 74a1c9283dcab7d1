/* Fuzz target: the parts of src/http.c that read outside text without a
 * network: hiding the password of a URL for messages and guessing a
 * content type from a file name. The redacted URL must fit its buffer and
 * show *** where the URL carried a password. */
#include "fuzz.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1);
    memcpy(url, data, size);
    url[size] = 0;
    size_t caps[] = {1, 8, 64, 2048, size + 64};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *buf = malloc(caps[i] + 1);
        buf[caps[i]] = 0x55;
        jx_http_redact_url(url, buf, caps[i]);
        if (buf[caps[i]] != 0x55 || strlen(buf) >= caps[i]) fz_fail("redact wrote past its buffer", NULL, 0);
        free(buf);
    }
    /* scheme://user:SECRET@host: the user-info left in the message is
     * "***" or "user:***". */
    const char *sch = strstr(url, "://");
    if (sch && strlen(url) < 1000) {
        const char *auth = sch + 3;
        size_t span = strcspn(auth, "/?#");
        const char *at = memrchr(auth, '@', span), *colon = memchr(auth, ':', span);
        if (at && colon && colon < at) {
            char out[2048];
            jx_http_redact_url(url, out, sizeof out);
            const char *oauth = strstr(out, "://") + 3;
            const char *oat = memrchr(oauth, '@', strcspn(oauth, "/?#"));
            size_t ui = oat ? (size_t)(oat - oauth) : 0;
            if (!oat || ui < 3 || memcmp(oat - 3, "***", 3) != 0 || (ui > 3 && oat[-4] != ':') ||
                memchr(oauth, ':', ui) != (ui > 3 ? oat - 4 : NULL) || strcmp(oat, at) != 0)
                fz_fail("the user-info is not replaced by ***", out, strlen(out));
        }
    }
    const char *type = jx_http_guess_type(url);
    if (!type || !strchr(type, '/')) fz_fail("a content type without a slash", type, 0);
    free(url);
    return 0;
}
