/* field-selector.h -- the API server's field selectors: what a list or a
 * watch with ?fieldSelector= (`kubectl get --field-selector`) keeps.
 *
 * Server-side, between kubectl (kubectl.h), which sends the text as it was
 * typed, and the store (store.h), whose objects it reads: the text is
 * parsed as fields.ParseSelector does, each field is checked against the
 * fields the kind's registry makes selectable, and objects match on those
 * fields' values. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/store.h"

typedef struct KnFieldSelector KnFieldSelector;      /* opaque */

/* Parses 'text' (borrowed; not empty) for a list of 'kind'.  NULL with the
 * API server's BadRequest message in '*message' (new) when the selector
 * does not parse ("invalid selector: 'x'; can't understand 'x'") or names
 * a field the kind does not select on ("field label not supported: x",
 * or for kinds without their own list '"x" is not a known field selector:
 * only "metadata.name", "metadata.namespace"').  Free the result with
 * kn_field_selector_free(). */
KnFieldSelector *kn_field_selector_parse(KnKind kind, const char *text, char **message);

void kn_field_selector_free(KnFieldSelector *selector);    /* accepts NULL */

/* Whether 'object' (borrowed, of the kind 'selector' was parsed for)
 * matches every term.  'store' (borrowed, may be NULL) is read for an
 * event's involvedObject.resourceVersion.  A NULL 'selector' matches all. */
gboolean kn_field_selector_matches(const KnFieldSelector *selector, gconstpointer object, KnStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnFieldSelector, kn_field_selector_free)
