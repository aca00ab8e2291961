/* json.h -- JSON text as Go's encoding/json writes it, for the modules that
 * print API objects the way Go programs do: the controllers' stored JSON
 * (endpointslice.h) and kubectl's jsonpath output (kubectl-print.h). */
#pragma once

#include <glib.h>

/* Appends 'text' (borrowed; NULL is written as "") to 'out' as a quoted
 * JSON string with json.Marshal's escapes, HTML-safe. */
void kn_json_string(GString *out, const char *text);

/* The number of bytes kn_json_string() would append for 'text'. */
gsize kn_json_string_length(const char *text);
