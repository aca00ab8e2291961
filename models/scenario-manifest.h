/* scenario-manifest.h -- Kubernetes manifests read into the objects of
 * api.h, as strictly as `kubectl apply` with the API server's strict field
 * validation: a field the kind does not have, a value of the wrong JSON
 * type, a duplicate key, an apiVersion that does not serve the kind, or a
 * kind knetsim does not have is an error at its file:line:col.
 *
 * The scenario loader (scenario.h) reads the documents after the Scenario
 * with it; `apply` steps and `knetsim validate` read whole files.  Each
 * KnManifest keeps, besides its object, the position of every node it read,
 * so later validation ("spec.ports[1].name: Duplicate value") can point at
 * the YAML.  Only models/scenario*.c include it, as scenario-yaml.h. */
#pragma once

#include <glib.h>
#include <yaml.h>
#include "models/api.h"
#include "models/scenario-yaml.h"
#include "sim/diag.h"

/* One manifest: its object and where each of its fields came from. */
typedef struct KnManifest {
    KnKind kind;
    gpointer object;             /* a Kn<Kind> of api.h (meta.loc at the document);
                                  * owned, NULL once stolen */
    KnSrcLoc loc;                /* the document's root mapping */
    GHashTable *positions;       /* field path ("spec.ports[0].port",
                                  * "metadata.labels[app]", "" for the root) ->
                                  * KnSrcLoc * of the value; owned */
} KnManifest;

/* Reads the document whose root node is 'root' (of ctx->doc, with ctx->path
 * empty) as one manifest.  Returns a new manifest (free with
 * kn_scenario_manifest_free()), or NULL with 'error' set in KN_INPUT_ERROR.
 * The manifest's positions borrow ctx->file. */
KnManifest *kn_scenario_manifest_read(KnYamlCtx *ctx, yaml_node_t *root, GError **error);

/* Reads every manifest of the YAML stream in the 'length' bytes at 'text'
 * (borrowed for the call), as `kubectl apply -f FILE` does; empty documents
 * are skipped.  'file' names the text in messages and is borrowed by the
 * manifests' positions, so it must outlive them.  Returns a new array of
 * KnManifest in document order (g_ptr_array_unref() frees them), or NULL
 * with 'error' set in KN_INPUT_ERROR. */
GPtrArray *kn_scenario_manifest_read_data(const char *file, const char *text, gsize length,
                                          GError **error);

/* Where 'field_path' (as in a validation message, e.g. "spec.ports[1].name")
 * was read, or, when that field was not in the manifest, its closest
 * recorded parent ("spec.ports[1]", "spec.ports", "spec"), and at last the
 * document.  Borrowed; valid as long as 'manifest'. */
const KnSrcLoc *kn_scenario_manifest_locate(const KnManifest *manifest, const char *field_path);

/* Takes the object out of 'manifest' (which keeps its positions); the
 * caller owns it and frees it with kn_object_free(manifest->kind, ...). */
gpointer kn_scenario_manifest_steal_object(KnManifest *manifest);

void kn_scenario_manifest_free(KnManifest *manifest);      /* accepts NULL */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnManifest, kn_scenario_manifest_free)
