/* Fuzz target: the table reader feeding the model writers (src/out_model.c,
 * src/jsonw.c), as `jixiao parse` runs them, in every format. JSON must be
 * one well-formed value, JSON Lines one per line, CSV rectangular, and the
 * summary valid UTF-8. */
#include "fuzz.h"
#include "out_model.h"
#include "table.h"

static void write_model(const uint8_t *data, size_t size, jx_format fmt, int no_realign)
{
    jx_table_opts o;
    memset(&o, 0, sizeof o);
    o.no_realign = no_realign;
    jx_table *t;
    jx_err err = {0};
    if (jx_table_open_mem(&t, (const char *)data, size, "fuzz", &o, &err) < 0) return;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) fz_fail("open_memstream", NULL, 0);
    jx_out out;
    jx_out_begin(&out, f, fmt, 0);
    const jx_doc *d = jx_table_doc(t);
    jx_out_doc_begin(&out, d);
    jx_project p;
    int rc;
    while ((rc = jx_table_next(t, &p, &err)) == 1) jx_out_project(&out, d, &p);
    jx_out_doc_end(&out, d, rc < 0 ? err.msg : NULL);
    jx_out_end(&out);
    fclose(f);
    switch (fmt) {
    case JX_FMT_JSON:
        if (!fz_json_valid(text, len)) fz_fail("the JSON model is not well-formed", text, len);
        break;
    case JX_FMT_JSONL:
        for (char *line = text, *nl; line < text + len; line = nl + 1) {
            nl = memchr(line, '\n', (size_t)(text + len - line));
            if (!nl) fz_fail("a JSON line without a newline", line, (size_t)(text + len - line));
            if (!fz_json_valid(line, (size_t)(nl - line))) fz_fail("a JSON line is not well-formed", line, (size_t)(nl - line));
        }
        break;
    case JX_FMT_CSV:
        if (!fz_csv_valid(text, len) || !fz_utf8_valid(text, len)) fz_fail("the CSV is not rectangular UTF-8", text, len);
        break;
    case JX_FMT_SUMMARY:
        if (!fz_utf8_valid(text, len)) fz_fail("the summary is not valid UTF-8", text, len);
        break;
    }
    free(text);
    jx_table_close(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int no_realign = size && (data[size - 1] & 0x81) == 0x81;
    static const jx_format fmts[] = {JX_FMT_JSON, JX_FMT_JSONL, JX_FMT_CSV, JX_FMT_SUMMARY};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) write_model(data, size, fmts[i], no_realign);
    return 0;
}
