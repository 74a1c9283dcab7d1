/* jixiao run / jixiao -e: runs a Lua script with its operands in `arg`, as
 * lua.c does, the whole run inside one protected call, optionally sandboxed
 * (sandbox.c) and under memory and instruction limits. A script that defines
 * the awk-style callbacks (begin, document, project, finish) is then driven
 * by jixiao; see run_callbacks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    "In the script, arg[0] is the script (or \"-e\"), arg[-1] the jixiao binary, arg[1..n] every operand after it\n"
    "(also passed as ...), arg.files the FILE operands and arg.args the ARGS after \"--\".\n"
    "A script that defines global functions begin(args), document(doc), project(p, doc) or\n"
    "finish() is then driven by jixiao: begin(arg.args), each FILE streamed into document and\n"
    "project, then finish().\n"
    "\n"
    "options (before SCRIPT):\n"
    "  -e CODE              run CODE instead of a script file\n"
    "  --sandbox            run an untrusted script: no commands (os.execute, io.popen), no native\n"
    "                       code, bytecode or debug library, no environment variables, a read-only\n"
    "                       standard library, writes only under --out DIR, network only to\n"
    "                       --allow-host hosts\n"
    "  --out DIR            with --sandbox: the one directory the script may write in (it must\n"
    "                       exist); without it a sandboxed script writes no files\n"
    "  --allow-host HOST    with --sandbox: a host jixiao.http may connect to (repeatable)\n"
    "  --max-memory SIZE    stop the script when its Lua memory passes SIZE bytes (suffix K, M or\n"
    "                       G: KiB, MiB, GiB)\n"
    "  --timeout N          stop the script after about N Lua instructions (suffix K, M or G:\n"
    "                       thousand, million, billion), counted every 1000 instructions\n"
    "%s"
    "  --                   end of options, for a script whose name starts with '-'\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 success; 1 the script raised an error (message and traceback on standard\n"
    "error) or passed --max-memory or --timeout; 2 bad usage, a script that cannot be read, or\n"
    "(in callback mode) an input that cannot be read; os.exit(n) exits with n.\n";

/* The command line, split; every pointer points into argv. */
struct run {
    const char *script; /* the script's path; NULL when code is set */
    const char *code;   /* -e CODE */
    char **files;       /* the operands before "--" */
    int nfiles;
    char **args; /* the operands after "--" */
    int nargs;
    jx_table_opts topts; /* reader options for the callback mode */
    int sandbox;
    const char *out_dir;
    char **hosts; /* --allow-host values, gathered in argv's consumed slots */
    int nhosts;
    unsigned long long max_memory, timeout; /* 0: none */
    const char *memory_text, *timeout_text; /* as given, for messages */
    int status; /* the exit status run_main decides on */
};

/* Reads a positive count with an optional K, M or G suffix (unit, unit^2,
 * unit^3). Returns 0, or -1 if s is not one or it overflows. */
static int parse_count(const char *s, unsigned long long unit, unsigned long long *out)
{
    if (*s < '0' || *s > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10), mul = 1;
    if (errno) return -1;
    switch (*end) {
    case 'k': case 'K': mul = unit, end++; break;
    case 'm': case 'M': mul = unit * unit, end++; break;
    case 'g': case 'G': mul = unit * unit * unit, end++; break;
    }
    if (*end || n == 0 || n > (unsigned long long)-1 / mul) return -1;
    *out = n * mul;
    return 0;
}

/* A bare host name, as URLs name it: the allow-list is compared with the
 * host alone, so a scheme, port or path would never match. */
static int valid_host(const char *h)
{
    const char *colon = strchr(h, ':');
    return *h && !strpbrk(h, "/@[] \t") && !(colon && !strchr(colon + 1, ':'));
}

/* Consumes one of the options that take a value, if argv[*i] is one.
 * Returns 1 used, 0 not one of them, -1 bad usage (*status set). */
static int value_opt(int argc, char **argv, int *i, struct run *r, int first, int *status)
{
    const char *v;
    int got;
    if ((got = jx_cli_opt(argc, argv, i, "--out", &v)) != 0) {
        if (got > 0) r->out_dir = v;
    } else if ((got = jx_cli_opt(argc, argv, i, "--allow-host", &v)) != 0) {
        if (got > 0 && !valid_host(v)) {
            *status = jx_cli_usage("run", "--allow-host '%s': give a host name such as example.org, without "
                                          "scheme, port or path", v);
            return -1;
        }
        /* Each option used at least one slot from `first` on, so the
         * slot written here has been read already. */
        if (got > 0) {
            r->hosts = argv + first;
            argv[first + r->nhosts++] = (char *)v;
        }
    } else if ((got = jx_cli_opt(argc, argv, i, "--max-memory", &v)) != 0) {
        if (got > 0 && parse_count(v, 1024, &r->max_memory) < 0) {
            *status = jx_cli_usage("run", "--max-memory '%s': give a size in bytes, or with K, M or G, as in 64M", v);
            return -1;
        }
        r->memory_text = v;
    } else if ((got = jx_cli_opt(argc, argv, i, "--timeout", &v)) != 0) {
        if (got > 0 && parse_count(v, 1000, &r->timeout) < 0) {
            *status = jx_cli_usage("run", "--timeout '%s': give a number of instructions, or with K, M or G, "
                                          "as in 100M", v);
            return -1;
        }
        r->timeout_text = v;
    } else
        got = jx_cli_reader_opt(argc, argv, i, &r->topts);
    if (got < 0) *status = 2; /* jx_cli_opt or jx_cli_reader_opt said why */
    return got;
}

/* Fills r from argv (argv[0] is "run", or "-e" for `jixiao -e CODE ...`).
 * Returns 0 to go on running, or -1 with *status set (help shown, bad usage). */
static int parse_args(int argc, char **argv, struct run *r, int *status)
{
    int first = strcmp(argv[0], "-e") == 0 ? 0 : 1, i = first;
    /* Options until the script or -e CODE. */
    while (i < argc) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf(help, jx_cli_reader_help);
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
        if (!strcmp(a, "--sandbox")) {
            r->sandbox = 1;
            i++;
            continue;
        }
        int got = value_opt(argc, argv, &i, r, first, status);
        if (got < 0) return -1;
        if (got > 0) continue;
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
    if ((r->out_dir || r->nhosts) && !r->sandbox) {
        *status = jx_cli_usage("run", "--out and --allow-host only apply with --sandbox; add --sandbox");
        return -1;
    }
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

/* Pushes the `arg` table: arg[-1] (the jixiao binary, so a script can run
 * it), arg[0], arg[1..n] as lua.c makes them, plus arg.files and arg.args. */
static void push_arg(lua_State *L, const struct run *r)
{
    lua_createtable(L, r->nfiles + r->nargs, 2);
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        lua_pushlstring(L, exe, (size_t)n);
        lua_rawseti(L, -2, -1);
    }
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
 * err set and the error message (and traceback) on top of the stack. */
static int call_global(lua_State *L, const char *name, int nargs, jx_err *err)
{
    if (lua_getglobal(L, name) != LUA_TFUNCTION) {
        lua_pop(L, nargs + 1);
        return 0;
    }
    lua_insert(L, -nargs - 1);
    return jx_lua_pcall(L, nargs, 0, err);
}

/* The awk-style mode. If, after the main chunk, any of the globals begin,
 * document, project or finish is a function, jixiao calls begin(arg.args),
 * then streams the FILE operands (document(doc) once per FILE, project(p,
 * doc) once per project row of it, in order; see l_stream.c), then finish().
 * `args` is the stack index of the arg.args table as first built (the script
 * may have replaced the global). Returns the number of inputs that could not
 * be read, or -1 with err set and the message on top. */
static int run_callbacks(lua_State *L, const struct run *r, int args, jx_err *err)
{
    static const char *const names[] = {"begin", "document", "project", "finish"};
    int any = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        any |= lua_getglobal(L, names[i]) == LUA_TFUNCTION;
        lua_pop(L, 1);
    }
    if (!any) return 0;
    lua_pushvalue(L, args);
    if (call_global(L, "begin", 1, err) != 0) return -1;
    int failed = jx_run_stream(L, (const char *const *)r->files, r->nfiles, &r->topts, err);
    if (failed < 0) return -1;
    if (call_global(L, "finish", 0, err) != 0) return -1;
    return failed;
}

/* Prints why the script stopped: a passed limit in the options' own terms,
 * else the message. With on_stack, the message jx_lua_pcall left (in full,
 * where err->msg may be truncated) is printed and popped. */
static void report(lua_State *L, const struct run *r, const jx_err *err, int on_stack)
{
    const char *msg = on_stack ? lua_tostring(L, -1) : err->msg;
    if (!msg) msg = "(error object is not a string)";
    if (err->code == JX_ELIMIT && r->timeout_text)
        /* where it stopped, with its traceback, follows */
        fprintf(stderr, "jixiao: script exceeded --timeout %s instructions\n%s\n", r->timeout_text, msg);
    else if (err->code == JX_ENOMEM && r->memory_text)
        fprintf(stderr, "jixiao: script exceeded --max-memory %s\n", r->memory_text);
    else
        fprintf(stderr, "jixiao: %s\n", msg);
    if (on_stack) lua_pop(L, 1);
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
        report(L, r, &err, 0);
        r->status = err.code == JX_EIO ? 2 : 1;
        return 0;
    }
    luaL_checkstack(L, r->nfiles + r->nargs, "too many arguments to the script");
    for (int i = 0; i < r->nfiles; i++) lua_pushstring(L, r->files[i]);
    for (int i = 0; i < r->nargs; i++) lua_pushstring(L, r->args[i]);
    failed = 0;
    if (jx_lua_pcall(L, r->nfiles + r->nargs, 0, &err) != 0 || (failed = run_callbacks(L, r, args, &err)) < 0) {
        report(L, r, &err, 1);
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
    if (r.sandbox) {
        jx_sandbox_opts so = {r.out_dir, (const char *const *)r.hosts, r.nhosts};
        if (jx_sandbox_apply(L, &so, &err) != 0) {
            if (err.code == JX_EUSAGE) status = jx_cli_usage("run", "%s", err.msg);
            else {
                report(L, &r, &err, 0);
                status = 1;
            }
            jx_lua_close(L);
            return status;
        }
    }
    /* Set after the sandbox, so that setting it up costs the script nothing. */
    jx_lua_set_memory_limit(L, (size_t)r.max_memory);
    jx_lua_set_instruction_limit(L, r.timeout);
    lua_pushcfunction(L, run_main);
    lua_pushlightuserdata(L, &r);
    if (jx_lua_pcall(L, 1, 0, &err) != 0) { /* out of memory or stack */
        report(L, &r, &err, 1);
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
