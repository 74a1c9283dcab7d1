/* jixiao run / jixiao -e: runs a Lua script with its operands in `arg`, as
 * lua.c does, the whole run inside one protected call. A script that defines
 * the awk-style callbacks (begin, document, project, finish) is then driven
 * by jixiao; see run_callbacks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "lauxlib.h"
#include "lhost.h"
#include "l_stream.h"

static const char help[] =
    "usage: jixiao run [OPTIONS] SCRIPT.lua [FILE...] [-- ARGS...]\n"
    "       jixiao -e CODE [FILE...] [-- ARGS...]\n"
    "\n"
    "Runs a Lua 5.4 script with LPeg (require \"lpeg\", require \"re\") and jixiao's modules.\n"
    "In the script, arg[0] is the script (or \"-e\"), arg[1..n] every operand after it\n"
    "(also passed as ...), arg.files the FILE operands and arg.args the ARGS after \"--\".\n"
    "A script that defines global functions begin(args) or finish() has them called after\n"
    "its main chunk has run.\n"
    "\n"
    "options (before SCRIPT):\n"
    "  -e CODE      run CODE instead of a script file\n"
    "  --           end of options, for a script whose name starts with '-'\n"
    "  -h, --help   this text\n"
    "\n"
    "Exit status: 0 success; 1 the script raised an error (message and traceback on standard\n"
    "error); 2 bad usage or a script that cannot be read; os.exit(n) exits with n.\n";

/* The command line, split; every pointer points into argv. */
struct run {
    const char *script; /* the script's path; NULL when code is set */
    const char *code;   /* -e CODE */
    char **files;       /* the operands before "--" */
    int nfiles;
    char **args; /* the operands after "--" */
    int nargs;
    int status; /* the exit status run_main decides on */
};

/* Fills r from argv (argv[0] is "run", or "-e" for `jixiao -e CODE ...`).
 * Returns 0 to go on running, or -1 with *status set (help shown, bad usage). */
static int parse_args(int argc, char **argv, struct run *r, int *status)
{
    int i = strcmp(argv[0], "-e") == 0 ? 0 : 1;
    /* Options until the script or -e CODE; options taking values go here. */
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help, stdout);
            *status = 0;
            return -1;
        }
        if (!strcmp(a, "-e")) {
            if (i + 1 >= argc) {
                *status = jx_cli_usage("run", "-e needs the Lua code to run, as in -e 'print(1)'");
                return -1;
            }
            r->code = argv[i + 1];
            i += 2;
            goto operands;
        }
        if (a[0] == '-' && a[1] != 0) {
            *status = jx_cli_usage("run", "unknown option '%s'; see 'jixiao help run'", a);
            return -1;
        }
        break;
    }
    if (i >= argc) {
        *status = jx_cli_usage("run", "no script given; usage: jixiao run SCRIPT.lua [FILE...] "
                                      "[-- ARGS...], or jixiao -e CODE");
        return -1;
    }
    r->script = argv[i++];

operands:
    /* The first "--" after the script separates FILEs from ARGS; it belongs to
     * neither, and any later "--" is an ordinary argument. */
    r->files = argv + i;
    while (i < argc && strcmp(argv[i], "--") != 0) i++;
    r->nfiles = (int)(argv + i - r->files);
    r->args = argv + (i < argc ? i + 1 : i);
    r->nargs = argc - (int)(r->args - argv);
    return 0;
}

static void push_strings(lua_State *L, char **s, int n)
{
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, s[i]);
        lua_rawseti(L, -2, i + 1);
    }
}

/* Pushes the `arg` table: arg[0], arg[1..n] as lua.c makes them, plus
 * arg.files and arg.args. */
static void push_arg(lua_State *L, const struct run *r)
{
    lua_createtable(L, r->nfiles + r->nargs, 2);
    lua_pushstring(L, r->script ? r->script : "-e");
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < r->nfiles; i++) {
        lua_pushstring(L, r->files[i]);
        lua_rawseti(L, -2, i + 1);
    }
    for (int i = 0; i < r->nargs; i++) {
        lua_pushstring(L, r->args[i]);
        lua_rawseti(L, -2, r->nfiles + i + 1);
    }
    push_strings(L, r->files, r->nfiles);
    lua_setfield(L, -2, "files");
    push_strings(L, r->args, r->nargs);
    lua_setfield(L, -2, "args");
}

/* Calls global `name` with the nargs values on top of the stack (popped
 * either way) if the script defined it as a function. Returns 0, or -1 with
 * the error message (and traceback) on top of the stack. */
static int call_global(lua_State *L, const char *name, int nargs)
{
    jx_err err;
    if (lua_getglobal(L, name) != LUA_TFUNCTION) {
        lua_pop(L, nargs + 1);
        return 0;
    }
    lua_insert(L, -nargs - 1);
    return jx_lua_pcall(L, nargs, 0, &err);
}

/* The awk-style mode. If, after the main chunk, any of the globals begin,
 * document, project or finish is a function, jixiao calls begin(arg.args),
 * then streams the FILE operands (document(doc) once per FILE, project(p,
 * doc) once per project row of it, in order; see l_stream.c), then finish().
 * `args` is the stack index of the arg.args table as first built (the script
 * may have replaced the global). Returns the number of inputs that could not
 * be read, or -1 with the message on top. */
static int run_callbacks(lua_State *L, const struct run *r, int args)
{
    static const char *const names[] = {"begin", "document", "project", "finish"};
    int any = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        any |= lua_getglobal(L, names[i]) == LUA_TFUNCTION;
        lua_pop(L, 1);
    }
    if (!any) return 0;
    lua_pushvalue(L, args);
    if (call_global(L, "begin", 1) != 0) return -1;
    jx_err err;
    int failed = jx_run_stream(L, (const char *const *)r->files, r->nfiles, NULL, &err);
    if (failed < 0) return -1;
    if (call_global(L, "finish", 0) != 0) return -1;
    return failed;
}

/* Prints a script's error, left on top of the stack by jx_lua_pcall, in full
 * (err->msg may be truncated) and pops it. */
static void report(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "jixiao: %s\n", msg ? msg : "(error object is not a string)");
    lua_pop(L, 1);
}

/* The whole run, inside one protected call as lua.c's pmain: argument 1 is
 * the struct run; the outcome goes to r->status. */
static int run_main(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    jx_err err;

    push_arg(L, r);
    lua_getfield(L, -1, "args");
    int args = lua_gettop(L);
    lua_pushvalue(L, -2);
    lua_setglobal(L, "arg");

    int failed = r->code ? jx_lua_loadstring(L, r->code, "=(command line)", &err)
                         : jx_lua_loadfile(L, r->script, &err);
    if (failed) {
        fprintf(stderr, "jixiao: %s\n", err.msg);
        r->status = err.code == JX_EIO ? 2 : 1;
        return 0;
    }
    luaL_checkstack(L, r->nfiles + r->nargs, "too many arguments to the script");
    for (int i = 0; i < r->nfiles; i++) lua_pushstring(L, r->files[i]);
    for (int i = 0; i < r->nargs; i++) lua_pushstring(L, r->args[i]);
    failed = 0;
    if (jx_lua_pcall(L, r->nfiles + r->nargs, 0, &err) != 0 || (failed = run_callbacks(L, r, args)) < 0) {
        report(L);
        r->status = 1;
        return 0;
    }
    r->status = failed ? 2 : 0;
    return 0;
}

int jx_cmd_run(int argc, char **argv)
{
    struct run r = {0};
    int status;
    if (parse_args(argc, argv, &r, &status) != 0) return status;

    jx_err err;
    lua_State *L = jx_lua_new(&err);
    if (!L) {
        fprintf(stderr, "jixiao: %s\n", err.msg);
        return 1;
    }
    lua_pushcfunction(L, run_main);
    lua_pushlightuserdata(L, &r);
    if (jx_lua_pcall(L, 1, 0, &err) != 0) { /* out of memory or stack */
        fprintf(stderr, "jixiao: %s\n", err.msg);
        r.status = 1;
    }
    jx_lua_close(L);

    /* Lua's print and io.write ignore write errors (a full disk, a closed
     * pipe), so look at stdout's error flag once the script is done. */
    int unflushed = fflush(stdout) != 0;
    int e = errno;
    if (unflushed || ferror(stdout)) {
        fprintf(stderr, "jixiao: cannot write to standard output%s%s\n",
                unflushed ? ": " : "", unflushed ? strerror(e) : "");
        if (r.status == 0) r.status = 1;
    }
    return r.status;
}
