/* kubectl-patch.h -- what `kubectl patch KIND NAME -p PATCH [--type
 * strategic|merge|json]` makes of an object: the patched object, as the API
 * server computes it, whether anything changed, and the warnings it sends.
 *
 * Between kubectl (kubectl.h), which names the object and prints "service/web
 * patched" or "service/web patched (no change)", and the store (store.h),
 * which owns the objects and stores the result: this module reads a borrowed
 * object and returns a new one, and never allocates, validates or stores.
 * It builds on the -o yaml printer (kubectl-print.h) and the manifest reader
 * (scenario-manifest.h). */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "sim/time.h"

/* Applies 'patch' (JSON or YAML text, as -p takes it) of 'type' ("strategic",
 * "merge" or "json", any case; NULL means "strategic", kubectl's default) to
 * 'object' (a borrowed Kn<Kind> of 'kind'; not a Node) at simulated time
 * 'now'.
 *
 * Returns a new object of 'kind' (free with kn_object_free()) whose spec,
 * labels and annotations are the patched ones and whose identity (name,
 * namespace, uid, creation time, owner, resourceVersion, generation) and
 * status are those of 'object'.  '*changed' (may be NULL) is TRUE when the
 * result differs from 'object'.  The warnings the API server sends with the
 * answer ("unknown field \"spec.foo\"", which the server drops) are appended
 * to 'warnings' (char *, may be NULL) in the order kubectl prints them, each
 * without kubectl's "Warning: " prefix.
 *
 * Returns NULL with 'error' set in KN_INPUT_ERROR when the patch fails; the
 * message is what kubectl prints on standard error, without the final newline
 * ("error: unable to parse ...", "Error from server (BadRequest): ..."). */
gpointer kn_kubectl_patch_apply(KnKind kind, gconstpointer object, const char *patch, const char *type,
                                KnTime now, gboolean *changed, GPtrArray *warnings, GError **error);
