/* The subcommands. Each lives in src/cmd_<name>.c, takes the arguments after
 * its name (argv[0] is the command name) and returns the process exit status:
 * 0 success, 1 findings/failure the command reports, 2 unusable input or usage. */
#ifndef JX_CMD_H
#define JX_CMD_H

int jx_cmd_parse(int argc, char **argv);
int jx_cmd_check(int argc, char **argv);
int jx_cmd_score(int argc, char **argv);
int jx_cmd_run(int argc, char **argv);
int jx_cmd_version(int argc, char **argv);
int jx_cmd_upload(int argc, char **argv);
int jx_cmd_outbox(int argc, char **argv);

/* Prints the help for one command (NULL: the overview) to stdout; 0, or 2 for an
 * unknown command. */
int jx_help(const char *command);

#define JX_VERSION "0.1.0"

#endif
