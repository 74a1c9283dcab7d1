/* outbox: requests that must reach a server, kept on disk until one does.
 * An entry is written (atomically, bodies copied in) BEFORE it is sent and
 * removed only after a 2xx, so a crash or kill -9 at any moment leaves
 * either nothing sent or an entry to replay. Each entry is a directory
 * DIR/ID holding `request` (method, URL, headers — a secret header only as
 * the name of its environment variable — and settings), `body` or
 * `part-N` copies, and `state` (attempts, last outcome). Whoever sends an
 * entry holds an flock on its directory, so an upload in flight is never
 * replayed by a concurrent flush; the kernel drops the lock when a process
 * dies. IDs sort by creation time. */
#ifndef JX_OUTBOX_H
#define JX_OUTBOX_H

#include "err.h"
#include "http.h"

typedef struct jx_outbox_entry {
    char id[64];
    char *path;             /* DIR/ID */
    int fd;                 /* the entry directory; -1 when opened without a lock */
    jx_http_req req;        /* ready to send; points into the fields below */
    jx_http_header *headers;
    jx_http_part *parts;
    char *text;             /* the request file, decoded in place */
    char *body_path;
    char **part_paths;
    const char *source;     /* where the body came from, for listings */
    double created;         /* Unix time */
    long long size;         /* bytes of body and file parts */
    int attempts;
    char last[512];         /* the last outcome, as shown by `outbox list` */
} jx_outbox_entry;

/* The outbox directory: `given` if not NULL, else $XDG_STATE_HOME/jixiao/outbox,
 * else ~/.local/state/jixiao/outbox; created (mode 0700) when create is set.
 * 0, or -1 with err. */
int jx_outbox_dir(const char *given, int create, char *buf, size_t cap, jx_err *err);

/* Writes r as a new entry of dir and returns it opened and locked. A body
 * file named "-" is read from standard input. When r->derive_key is set and
 * no key is given, the key is derived now and stored, so every replay
 * carries the same one. source labels the body in listings (NULL: its
 * path). Returns 0, or -1 with err and nothing left behind. */
int jx_outbox_put(const char *dir, const jx_http_req *r, const char *source, jx_outbox_entry **out,
                  jx_err *err);

/* Opens entry id of dir. With lock, takes the entry's lock without waiting.
 * Returns 0; 1 when the entry is gone or (with lock) held by another
 * process; -1 with err when it cannot be read. */
int jx_outbox_open(const char *dir, const char *id, int lock, jx_outbox_entry **out, jx_err *err);

/* Sends a locked entry. After a 2xx the entry is removed and *delivered set;
 * otherwise its state records the attempt. Return values as jx_http_perform;
 * release resp with jx_http_resp_free. */
int jx_outbox_send(jx_outbox_entry *e, jx_http_resp *resp, int *delivered, jx_err *err);

/* Unlocks and frees e (NULL is fine). */
void jx_outbox_close(jx_outbox_entry *e);

/* The entry IDs of dir, oldest first, in a NULL-terminated array to free with
 * jx_outbox_free_ids. Leftovers of interrupted writes and removals are
 * cleared on the way. A missing dir is an empty outbox. 0, or -1 with err. */
int jx_outbox_ids(const char *dir, char ***ids, size_t *n, jx_err *err);
void jx_outbox_free_ids(char **ids);

/* Removes entry id. 0; 1 if another process is sending it; -1 with err (no
 * such entry: JX_EUSAGE). */
int jx_outbox_drop(const char *dir, const char *id, jx_err *err);

/* What flush reports for each entry it tried. resp is NULL when the entry
 * could not be opened; msg is the failure message or NULL. */
typedef void (*jx_outbox_report)(void *ud, const jx_outbox_entry *e, const jx_http_resp *resp,
                                  int delivered, const char *msg);

typedef struct {
    int retries;            /* -1: each entry's own setting */
    double wait;            /* seconds to wait for a concurrent flush to end */
    void (*log)(void *ud, const char *line);
    void *log_ud;
    jx_outbox_report report;
    void *report_ud;
} jx_outbox_flush_opts;

/* Replays every entry of dir, oldest first, under dir's flush lock
 * (DIR/.flush.lock); entries in flight elsewhere are skipped. Counts go to
 * *delivered and *kept. Returns 0; 1 when another flush still held the lock
 * after opts->wait; -1 with err. */
int jx_outbox_flush(const char *dir, const jx_outbox_flush_opts *opts, int *delivered, int *kept,
                    jx_err *err);

/* 1 if id has the shape of an entry ID (no path separators, no dots first). */
int jx_outbox_valid_id(const char *id);

#endif
