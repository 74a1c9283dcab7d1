/* The loop over input tables (see each.h). */
#include "each.h"

int jx_each_table(const char *const *files, int n, const jx_table_opts *opts, const jx_each_hooks *h)
{
    int failed = 0;
    for (int k = 0; k < n; k++) {
        jx_table *t;
        jx_err err = {0};
        if (jx_table_open(&t, files[k], opts, &err) < 0) {
            if (h->fail) h->fail(h->ud, files[k], &err);
            failed++;
            continue;
        }
        const jx_doc *d = jx_table_doc(t);
        jx_project p;
        int r = 1, stop = h->doc_begin ? h->doc_begin(h->ud, d) : 0;
        while (!stop && (r = jx_table_next(t, &p, &err)) > 0)
            if (h->project) stop = h->project(h->ud, d, &p);
        if (r < 0) failed++;
        if (h->doc_end) h->doc_end(h->ud, d, r < 0 ? &err : NULL);
        jx_table_close(t);
    }
    return failed;
}
