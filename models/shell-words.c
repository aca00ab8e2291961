/* shell-words.c -- bash's word splitting of a command line: quotes,
 * backslashes and comments, no expansion. */

#include <config.h>
#include "models/shell-words.h"

#include <string.h>
#include "sim/diag.h"

GStrv
kn_shell_split(const char *line, GError **error)
{
    g_autoptr(GStrvBuilder) words = g_strv_builder_new();
    g_autoptr(GString) word = g_string_new(NULL);
    gboolean in_word = FALSE;
    char quote;

    for (const char *p = line; *p != '\0'; p++) {
        if (*p == '\'') {
            const char *end = strchr(p + 1, '\'');

            if (end == NULL)
                goto unterminated;
            g_string_append_len(word, p + 1, end - p - 1);
            p = end;
            in_word = TRUE;
        } else if (*p == '"') {
            for (p++; *p != '"'; p++) {
                if (*p == '\0')
                    goto unterminated;
                /* strchr() finds the terminating NUL too: a backslash
                 * ending the line escapes nothing, the quote stays open. */
                if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`", p[1]) != NULL)
                    p++;
                g_string_append_c(word, *p);
            }
            in_word = TRUE;
        } else if (*p == '\\' && p[1] != '\0') {
            if (*++p != '\n')           /* a backslash-newline joins the lines */
                g_string_append_c(word, *p);
            in_word = TRUE;
        } else if (*p == '#' && !in_word) {
            break;                       /* a comment, to the end of the line */
        } else if (g_ascii_isspace(*p)) {
            if (in_word)
                g_strv_builder_add(words, word->str);
            g_string_truncate(word, 0);
            in_word = FALSE;
        } else {
            g_string_append_c(word, *p);
            in_word = TRUE;
        }
    }
    if (in_word)
        g_strv_builder_add(words, word->str);
    return g_strv_builder_end(words);

unterminated:
    /* The quote left open is the last one that opened before the end. */
    quote = 0;
    for (const char *p = line; *p != '\0'; p++) {
        if (quote == 0 && (*p == '\'' || *p == '"'))
            quote = *p;
        else if (quote == *p)
            quote = 0;
        else if (*p == '\\' && quote != '\'' && p[1] != '\0')
            p++;
    }
    g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_SYNTAX, "unexpected EOF while looking for matching `%c'",
                quote != 0 ? quote : '\'');
    return NULL;
}
