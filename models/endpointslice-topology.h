/* endpointslice-topology.h -- the EndpointSlice controller's topology cache:
 * the zones' share of allocatable CPU, and the hints of Services annotated
 * service.kubernetes.io/topology-mode: Auto.
 *
 * A part of the reconcile of endpointslice.h (which calls it once per
 * Service and address type, after packing and before finalize), with state
 * of its own that outlives a sync: the CPU ratios, which only node changes
 * move (kn_endpointslice_topology_set_nodes()), and the set of Services
 * whose hints it populated, which decides when the TopologyAwareHintsEnabled
 * event is due.  endpointslice-sync.h owns one per controller. */
#pragma once

#include <glib.h>
#include "models/api.h"

/* The annotation (and its deprecated predecessor) that selects the cache. */
#define KN_ENDPOINTSLICE_ANNOTATION_TOPOLOGY_MODE "service.kubernetes.io/topology-mode"
#define KN_ENDPOINTSLICE_ANNOTATION_TOPOLOGY_HINTS "service.kubernetes.io/topology-aware-hints"

/* topologycache.go overloadThreshold: no endpoint takes more than 20% over
 * its fair share of the traffic of its zone. */
#define KN_ENDPOINTSLICE_OVERLOAD_THRESHOLD 0.2

/* An event the controller records on the Service (EventBuilder). */
typedef struct KnEndpointSliceEvent {
    gboolean warning;            /* type Warning (else Normal) */
    char *reason;                /* "TopologyAwareHintsEnabled", "TopologyAwareHintsDisabled" */
    char *message;               /* e.g. "Topology Aware Hints has been enabled, addressType: IPv4" */
} KnEndpointSliceEvent;

void kn_endpointslice_event_free(KnEndpointSliceEvent *event);      /* accepts NULL */

/* SliceInfo: one Service's slices of one address type as the reconcile
 * left them.  The hint functions change the slices of 'to_create' and
 * 'to_update' in place, may append deep copies of 'unchanged' slices to
 * 'to_update' (then dropping them from 'unchanged'), and never touch the
 * borrowed 'unchanged' slices themselves. */
typedef struct KnEndpointSliceInfo {
    const char *service_key;     /* "namespace/name", borrowed */
    KnAddressType address_type;
    GPtrArray *to_create;        /* KnEndpointSlice, owned by the caller's array */
    GPtrArray *to_update;        /* KnEndpointSlice, owned by the caller's array, which
                                  * must free its elements with kn_object_free() */
    GPtrArray *unchanged;        /* const KnEndpointSlice *, borrowed (store objects) */
} KnEndpointSliceInfo;

typedef struct KnEndpointSliceTopology KnEndpointSliceTopology;

/* An empty cache: no node information yet, so Auto gives no hints. */
KnEndpointSliceTopology *kn_endpointslice_topology_new(void);
void kn_endpointslice_topology_free(KnEndpointSliceTopology *topology);  /* accepts NULL */

/* hintsEnabled: the Service asks for the cache (the deprecated
 * topology-aware-hints annotation, or else topology-mode, is "Auto" or
 * "auto"; when both are set the deprecated one decides). */
gboolean kn_endpointslice_topology_hints_enabled(const KnService *service);

/* SetNodes over all nodes of the cluster ('nodes' maps a name to a KnNode,
 * both borrowed; NULL is no nodes).  Nodes labelled
 * node-role.kubernetes.io/control-plane or .../master and nodes not Ready
 * are skipped; one remaining node without a zone label or with 0 CPU
 * leaves the cache without information, as do fewer than two zones. */
void kn_endpointslice_topology_set_nodes(KnEndpointSliceTopology *topology, GHashTable *nodes);

/* The number of zones with a CPU ratio (0 without sufficient information),
 * and the ratio of 'zone' (0.0 if it has none). */
guint kn_endpointslice_topology_n_zones(const KnEndpointSliceTopology *topology);
double kn_endpointslice_topology_zone_ratio(const KnEndpointSliceTopology *topology,
                                            const char *zone);

/* AddHints: hints for the ready endpoints of 'info' as the allocation for
 * their total asks, or no hints at all when it cannot be done.  Appends the
 * events to record (KnEndpointSliceEvent, owned by 'events'). */
void kn_endpointslice_topology_add_hints(KnEndpointSliceTopology *topology,
                                         KnEndpointSliceInfo *info, GPtrArray *events);

/* HasPopulatedHints and RemoveHints: whether the cache gave 'service_key'
 * hints since they were last removed, and forgetting that. */
gboolean kn_endpointslice_topology_has_populated_hints(const KnEndpointSliceTopology *topology,
                                                       const char *service_key);
void kn_endpointslice_topology_remove_hints(KnEndpointSliceTopology *topology,
                                            const char *service_key);

/* RemoveHintsFromSlices: no hints on anything created or updated, and the
 * unchanged slices that carry hints move to 'to_update' without them. */
void kn_endpointslice_topology_remove_hints_from_slices(KnEndpointSliceInfo *info);

/* FormatWithAddressType: "<message>, addressType: IPv4".  New; g_free(). */
char *kn_endpointslice_topology_format(const char *message, KnAddressType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnEndpointSliceTopology, kn_endpointslice_topology_free)
