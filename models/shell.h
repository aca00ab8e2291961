/* shell.h -- a small POSIX shell, run on the simulated clock inside a
 * container (or a node, or an outside host).
 *
 * `kubectl exec POD -- sh -c '…'` and the scenario's exec:/from: steps
 * come here.  The shell parses the command as the image's /bin/sh would
 * (busybox ash, dash or bash: their own syntax error texts), expands words
 * ($VAR, ${VAR}, $?, $(…), $((…)), quotes), and runs lists, pipelines,
 * for/while/until/if and groups.  Filters (echo, printf, seq, sort, uniq,
 * wc, grep, head, tail, cat, test, sleep, hostname, env, printenv) are built in with the
 * GNU or busybox behaviour the image has; network tools (curl, wget, nc,
 * ping) are models/tools.h.  A command the image lacks fails as the real
 * shell says ("sh: curl: not found", exit 127).
 *
 * Everything is asynchronous: a run returns at once and 'done' is called
 * once, later, from an event, when the command has exited.  Pipeline
 * stages run one after the other (each stage's whole output is the next
 * one's input); no tool streams. */
#pragma once

#include <glib.h>
#include "models/images.h"
#include "models/netclient.h"
#include "models/shell-words.h"

/* What a command printed and how it exited. */
typedef struct KnShellResult {
    GString *out;                /* standard output */
    GString *err;                /* standard error */
    int status;                  /* exit status */
} KnShellResult;

/* Called once when the command has exited; 'result' is borrowed for the
 * call. */
typedef void (*KnShellDone)(const KnShellResult *result, gpointer user_data);

/* Reads the file 'path' of the container's filesystem (/etc/resolv.conf,
 * /etc/hosts): new bytes, or NULL if there is no such file. */
typedef GBytes *(*KnShellReadFile)(const char *path, gpointer user_data);

/* How a run sees its container.  Every member may be zero. */
typedef struct KnShellOptions {
    const KnImageCatalog *images;    /* NULL: the built-in catalog */
    KnShellReadFile read_file;       /* NULL: only /etc/hostname and the files
                                      * the command itself wrote exist */
    gpointer read_file_data;
    GBytes *in;                      /* standard input; NULL: empty */
    const char *const *environ;      /* the environment the command starts with
                                      * ("NAME=value", NULL-terminated); NULL: none */
    gboolean tty;                    /* on a terminal: standard error goes where
                                      * standard output does, in order */
    GString *log;                    /* a container's log: both streams go here as
                                      * they are written, in order, and the result's
                                      * stay empty; NULL: into the result */
    GDestroyNotify abandon;          /* frees the run's user_data if the simulation
                                      * ends before the run does; NULL: nothing */
} KnShellOptions;

/* Runs 'script' as `sh -c SCRIPT` with the image's /bin/sh (the image is
 * where->image; NULL, a node or host, is a Debian-like host with dash).
 * 'where' and 'options' are borrowed until 'done' has been called. */
void kn_shell_run(KnNetClient *where, const char *script, const KnShellOptions *options,
                  KnShellDone done, gpointer user_data);

/* Runs 'argv' (NULL-terminated) as the container runtime execs it, with no
 * shell in between: `kubectl exec POD -- curl -s http://web`.  A program
 * the image does not have fails as runc says (exit 126). */
void kn_shell_exec(KnNetClient *where, const char *const *argv, const KnShellOptions *options,
                   KnShellDone done, gpointer user_data);

/* As kn_shell_exec(), for a process that may outlive what waits for it
 * (a container's main process): returns the run, valid until 'done' is
 * called or the run is frozen. */
typedef struct KnShellRun KnShellRun;
KnShellRun *kn_shell_spawn(KnNetClient *where, const char *const *argv, const KnShellOptions *options,
                           KnShellDone done, gpointer user_data);
/* Stops 'run' for good without a word: 'done' is never called, and
 * options->abandon frees its user data, now if it sleeps, else as soon as
 * what it waits for (a tool's answer) comes. */
void kn_shell_freeze(KnShellRun *run);

/* Splits 'line' as kn_shell_split() does, then runs the words as
 * kn_shell_exec().  An unterminated quote fails with bash's message and
 * status 2. */
void kn_shell_exec_line(KnNetClient *where, const char *line, const KnShellOptions *options,
                        KnShellDone done, gpointer user_data);

/* Whether kn_shell_exec() models 'program' as the main process of a
 * container of 'image' (a reference; 'images' NULL: the built-in catalog):
 * a shell, builtin or tool the image is known to have.  FALSE for what the
 * catalog does not know (an application image's own programs), which is
 * then not simulated, rather than "not found". */
gboolean kn_shell_models(const KnImageCatalog *images, const char *image, const char *program);

/* Parses 'script' as 'flavour's `sh -c` would and returns its syntax error
 * message as that shell prints it ("sh: syntax error: unexpected end of
 * file (expecting \"done\")"), new, or NULL if the script parses. */
char *kn_shell_syntax_error(const char *script, KnShFlavour flavour);
