/* Command-line helpers shared by the subcommands: option values given as
 * "--opt VALUE" or "--opt=VALUE", and the options every table-reading command
 * takes (--encoding, --delimiter, limits, --no-realign). */
#ifndef JX_CLI_H
#define JX_CLI_H

#include "table.h"

/* If argv[*i] is `name` ("--format") or "name=…", sets *value, advances *i past
 * what it used and returns 1; returns 0 if argv[*i] is another option; prints
 * an error and returns -1 if the value is missing. */
int jx_cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
/* If argv[*i] is a file operand ("-", anything not starting with '-', or
 * anything after "--") or the "--" separator itself, consumes it and returns 1;
 * operands are gathered in order at the front of argv (argv outlives the
 * command), counted in *nfiles. *only_files starts at 0. */
int jx_cli_operand(char **argv, int *i, int *nfiles, int *only_files);
/* Consumes one reader option at argv[*i] into o: 1 used, 0 not a reader option,
 * -1 bad value (message printed). */
int jx_cli_reader_opt(int argc, char **argv, int *i, jx_table_opts *o);

/* -j N, -jN or --jobs N: worker processes for many inputs (0: one per
 * online CPU; at most 256). Returns as jx_cli_opt. */
int jx_cli_jobs(int argc, char **argv, int *i, int *jobs);
/* The reader options' help lines. */
extern const char jx_cli_reader_help[];
/* Prints "jixiao CMD: MESSAGE" to stderr and returns 2. */
int jx_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
