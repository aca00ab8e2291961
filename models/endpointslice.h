/* endpointslice.h -- the EndpointSlice controller's reconcile and the legacy
 * Endpoints controller's sync, as pure computations over API objects
 * (api.h).  A store-driven controller calls them with what its informers
 * hold and applies the result; nothing here touches a store or the clock.
 * The JSON encoders size the objects as a JSON watcher receives them. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/endpointslice-topology.h"
#include "sim/rng.h"

/* --max-endpoints-per-slice of kube-controller-manager. */
#define KN_ENDPOINTSLICE_MAX_ENDPOINTS_DEFAULT 100
/* The legacy Endpoints controller's maxCapacity. */
#define KN_ENDPOINTSLICE_ENDPOINTS_MAX_CAPACITY 1000

/* What one reconcile of one Service asks the API server to do. */
typedef struct KnEndpointSliceResult {
    GPtrArray *to_create;        /* KnEndpointSlice, owned: new objects named
                                  * as the API server would name them */
    GPtrArray *to_update;        /* KnEndpointSlice, owned: full new versions
                                  * of existing slices, under the same names */
    GPtrArray *to_delete;        /* char *, owned: names of slices to delete */
    GPtrArray *events;           /* KnEndpointSliceEvent, owned: to record on the
                                  * Service, in order (topology hints only) */
} KnEndpointSliceResult;

void kn_endpointslice_result_free(KnEndpointSliceResult *result);  /* accepts NULL */
/* Takes the 'i'th slice out of 'array' (to_create or to_update) without
 * freeing it; the caller owns it (free with kn_object_free()). */
KnEndpointSlice *kn_endpointslice_result_steal(GPtrArray *array, guint i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnEndpointSliceResult, kn_endpointslice_result_free)

/* Reconciles the EndpointSlices of 'service' (borrowed).  'pods' (KnPod *,
 * borrowed) are the pods its selector matches, in any order; the inclusion
 * rules (not terminal, has an IP) are applied here.  'nodes' maps a node name
 * to its KnNode (both borrowed) for zones and existence.  'existing'
 * (KnEndpointSlice *, borrowed) are the slices labelled with the Service's
 * name.  'max_endpoints' of 0 means KN_ENDPOINTSLICE_MAX_ENDPOINTS_DEFAULT.
 * 'topology' (borrowed, may be NULL: no cache, so topology-mode Auto gives
 * no hints) is the controller's topology cache, fed with the nodes by its
 * owner and updated here (which Services have hints).  Names of new slices
 * are drawn from 'rng'.  Returns a new result; free with
 * kn_endpointslice_result_free(). */
KnEndpointSliceResult *kn_endpointslice_reconcile(const KnService *service,
                                                  const GPtrArray *pods,
                                                  GHashTable *nodes,
                                                  const GPtrArray *existing,
                                                  guint max_endpoints,
                                                  KnEndpointSliceTopology *topology,
                                                  KnRng *rng);

/* The legacy Endpoints object the Endpoints controller wants for 'service'
 * (borrowed) and its selected 'pods' (KnPod *, borrowed), or NULL when the
 * controller keeps none (ExternalName, no selector).  New; free with
 * kn_object_free(KN_KIND_ENDPOINTS, ...). */
KnEndpoints *kn_endpointslice_legacy_endpoints(const KnService *service,
                                               const GPtrArray *pods);

/* The compact JSON of 'slice' or 'endpoints' as the API server sends it to a
 * JSON watcher (no trailing newline).  New; g_free(). */
char *kn_endpointslice_to_json(const KnEndpointSlice *slice);
char *kn_endpointslice_endpoints_to_json(const KnEndpoints *endpoints);

/* strlen() of the JSON above: the bytes one watcher receives per copy. */
gsize kn_endpointslice_json_size(const KnEndpointSlice *slice);
gsize kn_endpointslice_endpoints_json_size(const KnEndpoints *endpoints);
