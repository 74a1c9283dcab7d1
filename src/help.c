/* The help texts: `jixiao --help` and `jixiao help COMMAND`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"

static const char overview[] =
    "jixiao " JX_VERSION " — read, check, score and script budget performance self-evaluation tables (绩效自评表)\n"
    "\n"
    "usage: jixiao COMMAND [OPTIONS] FILE...      (FILE may be - for standard input)\n"
    "\n"
    "commands:\n"
    "  parse     read tables into the canonical model (JSON, JSON Lines, CSV, summary)\n"
    "  check     run the reviewers' checks and report findings\n"
    "  score     compute self-evaluation scores under a scoring profile\n"
    "  run       run a Lua script over tables (jixiao -e CODE for one-liners)\n"
    "  upload    send a file or form to a portal; kept in the outbox until delivered\n"
    "  outbox    list, flush (send again) or drop undelivered uploads\n"
    "  version   print versions (--verbose: also libcurl's)\n"
    "  help CMD  explain one command\n"
    "\n"
    "Exit status: 0 success, 1 findings at error level (check) or a script failure (run),\n"
    "2 unreadable input or bad usage.\n";

static const char parse_help[] =
    "usage: jixiao parse [OPTIONS] FILE...\n"
    "\n"
    "Reads each table (any of UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16 with BOM; tab- or\n"
    "comma-separated; LF, CRLF or CR line ends) into the canonical model: preamble (title, year,\n"
    "部门名称, 单位), the merged header rebuilt into column paths mapped to canonical fields,\n"
    "one project per row with exact amounts, rates and indicators, ragged rows realigned by\n"
    "content with a repair record saying what moved and how sure it is.\n"
    "\n"
    "options:\n"
    "  --format FMT         json (default; one object per file, an array for several files),\n"
    "                       jsonl (one project per line), csv (one row per project), summary\n"
    "  -o, --output FILE    write to FILE atomically (nothing is written if any input fails)\n"
    "  -j, --jobs N         read the files with N worker processes (0: one per CPU); the\n"
    "                       output and messages are the same as with one, in file order\n"
    "%s"
    "\n"
    "Exit status: 0 all inputs read, 2 an input could not be read (the others are still written\n"
    "to standard output; with -o nothing is written).\n";

int jx_help(const char *command)
{
    if (!command) {
        fputs(overview, stdout);
        return 0;
    }
    if (!strcmp(command, "parse")) {
        printf(parse_help, jx_cli_reader_help);
        return 0;
    }
    /* Commands that own their help text print it themselves. */
    static const struct { const char *name; int (*fn)(int, char **); } own[] = {
        {"check", jx_cmd_check}, {"score", jx_cmd_score}, {"run", jx_cmd_run}, {"version", jx_cmd_version},
        {"upload", jx_cmd_upload}, {"outbox", jx_cmd_outbox}};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        if (!strcmp(command, own[i].name)) {
            char *argv[] = {(char *)own[i].name, "--help", NULL};
            return own[i].fn(2, argv);
        }
    }
    fprintf(stderr, "jixiao help: no command '%s'; see 'jixiao --help'\n", command);
    return 2;
}
