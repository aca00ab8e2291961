/* diag.h -- diagnostics for bad input.  Every error a user can cause (YAML,
 * manifests, the command line) is a GError in the KN_INPUT_ERROR domain
 * whose message is ready to print: "file:line:col: error: what", then the
 * offending source line and a caret under the column (the GNU format, as
 * netplan prints it).  The command line prints it and exits with status 2. */
#pragma once

#include <glib.h>

#define KN_INPUT_ERROR (kn_input_error_quark())
GQuark kn_input_error_quark(void);

typedef enum {
    KN_INPUT_ERROR_SYNTAX,       /* not well-formed YAML */
    KN_INPUT_ERROR_UNKNOWN_KEY,  /* a field the schema does not have */
    KN_INPUT_ERROR_TYPE,         /* a mapping where a string belongs, ... */
    KN_INPUT_ERROR_VALUE,        /* the right type, a wrong value */
    KN_INPUT_ERROR_REFERENCE,    /* names something that does not exist */
    KN_INPUT_ERROR_UNSUPPORTED,  /* valid, but not something this build can run */
    KN_INPUT_ERROR_USAGE,        /* bad command line */
} KnInputError;

/* Where in an input file something came from; 1-based, as printed. */
typedef struct KnSrcLoc {
    const char *file;            /* borrowed; outlives the objects built from it */
    guint line;
    guint col;
} KnSrcLoc;

/* Sets 'error' to "LOC: error: MESSAGE" followed, when 'source' (the whole
 * text of loc->file, borrowed; may be NULL) has that line, by the line and a
 * caret under loc->col. */
void kn_diag_set_error(GError **error, gint code, const KnSrcLoc *loc,
                       const char *source, const char *format, ...) G_GNUC_PRINTF(5, 6);
