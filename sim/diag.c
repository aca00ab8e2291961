/* diag.c -- the messages of diag.h. */

#include <config.h>
#include "sim/diag.h"

#include <string.h>

G_DEFINE_QUARK(kn-input-error-quark, kn_input_error)

/* Appends line 'line' (1-based) of 'source' and a caret under 'col'. */
static void
append_excerpt(GString *out, const char *source, guint line, guint col)
{
    const char *start = source;

    for (guint i = 1; i < line && start != NULL; i++) {
        start = strchr(start, '\n');
        if (start != NULL)
            start++;
    }
    if (start == NULL || *start == '\0')
        return;

    gsize len = strcspn(start, "\r\n");

    g_string_append_c(out, '\n');
    g_string_append_len(out, start, (gssize) len);
    g_string_append_c(out, '\n');
    /* Keep tabs as tabs so that the caret lines up in any terminal. */
    for (guint i = 0; i + 1 < col && i < len; i++)
        g_string_append_c(out, start[i] == '\t' ? '\t' : ' ');
    g_string_append_c(out, '^');
}

void
kn_diag_set_error(GError **error, gint code, const KnSrcLoc *loc,
                  const char *source, const char *format, ...)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);

    if (loc != NULL && loc->line > 0)
        g_string_append_printf(out, "%s:%u:%u: error: %s", loc->file, loc->line, loc->col, message);
    else if (loc != NULL)
        g_string_append_printf(out, "%s: error: %s", loc->file, message);
    else
        g_string_append_printf(out, "error: %s", message);
    if (loc != NULL && source != NULL && loc->line > 0)
        append_excerpt(out, source, loc->line, loc->col);
    g_set_error_literal(error, KN_INPUT_ERROR, code, out->str);
}
