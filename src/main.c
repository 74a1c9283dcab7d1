/* jixiao's entry point: dispatches to one src/cmd_<name>.c per subcommand.
 * Nothing else happens here, so start-up costs nothing a command does not use. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
} commands[] = {
    {"parse", jx_cmd_parse},
    {"check", jx_cmd_check},
    {"score", jx_cmd_score},
    {"run", jx_cmd_run},
    {"version", jx_cmd_version},
    {"upload", jx_cmd_upload},
    {"outbox", jx_cmd_outbox},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        jx_help(NULL);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return jx_help(NULL);
    if (!strcmp(cmd, "help")) return jx_help(argc > 2 ? argv[2] : NULL);
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) return jx_cmd_version(argc - 1, argv + 1);
    if (!strcmp(cmd, "-e")) return jx_cmd_run(argc - 1, argv + 1); /* jixiao -e CODE [FILE...] */
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "jixiao: unknown command '%s'; see 'jixiao --help'\n", cmd);
    return 2;
}
