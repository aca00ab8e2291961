/* diag.c -- the messages of diag.h. */

#include <config.h>
#include "sim/diag.h"

#include <string.h>

G_DEFINE_QUARK(kn-input-error-quark, kn_input_error)

/* Length of the line break at 'p' as libyaml counts them (CR LF, CR, LF,
 * NEL, LS, PS), or 0 if there is none. */
static gsize
line_break(const char *p)
{
    const guchar *u = (const guchar *) p;

    if (u[0] == '\r')
        return u[1] == '\n' ? 2 : 1;
    if (u[0] == '\n')
        return 1;
    if (u[0] == 0xc2 && u[1] == 0x85)
        return 2;
    if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
        return 3;
    return 0;
}

#define EXCERPT_WIDTH 120          /* characters of a source line shown at most */

/* Appends line 'line' (1-based) of 'source' and a caret under column 'col'
 * (1-based, in characters, as libyaml counts them). */
static void
append_excerpt(GString *out, const char *source, guint line, guint col)
{
    const char *start = source;
    gsize len = 0;

    for (guint i = 1; i < line; i++) {
        gsize n;

        while (*start != '\0' && (n = line_break(start)) == 0)
            start++;
        if (*start == '\0')
            return;
        start += n;
    }
    if (*start == '\0')
        return;
    while (start[len] != '\0' && line_break(start + len) == 0)
        len++;

    /* A long line shows only the EXCERPT_WIDTH characters around the
     * column, its cut ends marked "...". */
    glong n_chars = g_utf8_strlen(start, (gssize) len);
    glong from = 0, to = n_chars;

    if (n_chars > EXCERPT_WIDTH) {
        from = MAX(0, (glong) col - 1 - EXCERPT_WIDTH / 2);
        to = MIN(n_chars, from + EXCERPT_WIDTH);
        from = MAX(0, to - EXCERPT_WIDTH);
    }

    const char *first = g_utf8_offset_to_pointer(start, from);
    const char *last = g_utf8_offset_to_pointer(start, to);
    const char *lead = from > 0 ? "..." : "";

    g_string_append_c(out, '\n');
    g_string_append(out, lead);
    g_string_append_len(out, first, (gssize) (last - first));
    g_string_append(out, to < n_chars ? "...\n" : "\n");
    /* Keep tabs as tabs so that the caret lines up in any terminal; one
     * space per character before the column, however many bytes it takes. */
    g_string_append(out, from > 0 ? "   " : "");
    const char *p = first;
    for (glong i = from; i + 1 < (glong) col && p < last; i++) {
        g_string_append_c(out, *p == '\t' ? '\t' : ' ');
        p = g_utf8_next_char(p);
    }
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
