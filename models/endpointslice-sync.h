/* endpointslice-sync.h -- the EndpointSlice and Endpoints controllers as
 * they run in kube-controller-manager: they watch Services, Pods and Nodes,
 * and after each change write the slices (endpointslice.h computes them)
 * and the legacy Endpoints object of the Services concerned, counting the
 * bytes every write sends to each watcher. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "models/endpointslice-topology.h"

typedef struct KnEndpointSliceSync KnEndpointSliceSync;

/* What the controllers wrote so far. */
typedef struct KnEndpointSliceStats {
    guint64 syncs;               /* Service syncs run */
    guint64 slice_writes;        /* EndpointSlice creates and updates */
    guint64 slice_bytes;         /* their JSON size, summed */
    guint64 endpoints_writes;    /* Endpoints creates and updates */
    guint64 endpoints_bytes;
} KnEndpointSliceStats;

/* Starts the controllers on 'cluster' (borrowed), with at most
 * 'max_endpoints' endpoints per slice (0: the default 100). */
KnEndpointSliceSync *kn_endpointslice_sync_new(KnCluster *cluster, guint max_endpoints);
void kn_endpointslice_sync_free(KnEndpointSliceSync *sync);   /* accepts NULL */

const KnEndpointSliceStats *kn_endpointslice_sync_stats(const KnEndpointSliceSync *sync);

/* The controller's topology cache (endpointslice-topology.h); borrowed. */
const KnEndpointSliceTopology *kn_endpointslice_sync_topology(const KnEndpointSliceSync *sync);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnEndpointSliceSync, kn_endpointslice_sync_free)
