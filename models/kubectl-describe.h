/* kubectl-describe.h -- what `kubectl describe KIND NAME` and `kubectl
 * describe KIND -l SELECTOR` print, byte for byte as kubectl v1.30+ does.
 *
 * The sibling of kubectl-print.h (`kubectl get`): a pure formatting module
 * between the store (store.h), which owns the objects, and the transcript.
 * It reads borrowed objects, looks related ones up in the store (a
 * Service's EndpointSlices, a Deployment's ReplicaSets) and never changes
 * anything.  Times count from KN_KUBECTL_PRINT_EPOCH: simulated time 2 s is
 * printed "Thu, 01 Jan 2026 00:00:02 +0000". */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/store.h"

/* Describes the objects of 'kind' in 'objects' (borrowed KnService *,
 * KnPod *, ... in the order the API server lists them) at simulated time
 * 'now', appending to 'out' what kubectl writes to standard output: each
 * object's description, the later ones after "\n\n" as kubectl's describe
 * command separates them.  'store' (borrowed, may be NULL) is where related
 * objects are looked up; without it a Service shows no endpoints and a
 * Deployment no ReplicaSets.  An empty 'objects' writes nothing (the
 * caller prints the "No resources found" notice).
 *
 * Returns FALSE, with kubectl's message on 'err', for a kind it cannot
 * describe; knetsim then writes nothing to 'out'. */
gboolean kn_kubectl_describe(KnKind kind, const GPtrArray *objects, KnStore *store,
                             KnTime now, GString *out, GString *err);

/* Simulated time 't' as Go's time.RFC1123Z in UTC, counted from
 * KN_KUBECTL_PRINT_EPOCH: "Thu, 01 Jan 2026 00:00:02 +0000".  New; g_free(). */
char *kn_kubectl_describe_rfc1123z(KnTime t);
