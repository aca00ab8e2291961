/* shell-words.h -- a command line split into words as the user's shell
 * splits it, for kubectl steps, exec commands and the scenario loader's
 * checks of them.  Apart from shell.h so that the loader needs nothing of
 * the shell itself. */
#pragma once

#include <glib.h>

/* Splits 'line' into words as the user's own shell does before kubectl
 * sees them: quotes, backslashes and comments, no expansion.  Returns a
 * new NULL-terminated vector, or NULL with 'error' set to bash's message
 * for an unterminated quote. */
GStrv kn_shell_split(const char *line, GError **error);
