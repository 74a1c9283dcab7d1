/* jixiao version: the versions of jixiao and of the Lua and LPeg it embeds,
 * read from their headers so it costs no Lua state; --verbose adds libcurl's,
 * the only part that loads anything (see net.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "err.h"
#include "lptypes.h" /* LPeg's VERSION; also brings lua.h for LUA_RELEASE */
#include "net.h"

static const char help[] =
    "usage: jixiao version [--verbose]\n"
    "       jixiao --version\n"
    "\n"
    "Prints jixiao's version, then the Lua and LPeg versions built into it.\n"
    "  -v, --verbose   also load libcurl (used by the network functions) and print its version\n";

int jx_cmd_version(int argc, char **argv)
{
    int verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) verbose = 1;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(help, stdout);
            return 0;
        } else
            return jx_cli_usage("version", "unknown option '%s'; see 'jixiao help version'",
                                argv[i]);
    }
    printf("jixiao %s\n%s\nLPeg %s\n", JX_VERSION, LUA_RELEASE, VERSION);
    if (verbose) {
        jx_err err;
        if (jx_net_load(&err) == 0) printf("%s\n", jx_net_curl_version());
        else printf("libcurl: not available: %s\n", err.msg);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
