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

/* Splits 'line' as kn_shell_split() does, then runs the words as
 * kn_shell_exec().  An unterminated quote fails with bash's message and
 * status 2. */
void kn_shell_exec_line(KnNetClient *where, const char *line, const KnShellOptions *options,
                        KnShellDone done, gpointer user_data);

/* Parses 'script' as 'flavour's `sh -c` would and returns its syntax error
 * message as that shell prints it ("sh: syntax error: unexpected end of
 * file (expecting \"done\")"), new, or NULL if the script parses. */
char *kn_shell_syntax_error(const char *script, KnShFlavour flavour);
