/* node-lifecycle.h -- node failure and recovery as kube-controller-manager's
 * node lifecycle controller, its taint-based eviction and the kubelet make
 * them happen, with the API server's DefaultTolerationSeconds admission that
 * gives every pod its five minutes on a lost node.  It sits next to the
 * workload controllers (workload.h), whose kubelets it stops and starts. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "models/workload.h"

typedef struct KnNodeLifecycle KnNodeLifecycle;

/* Starts the controller on 'cluster' and 'workloads' (both borrowed; they
 * outlive it).  From now on every pod created gets the default tolerations.
 * Free with kn_node_lifecycle_free(). */
KnNodeLifecycle *kn_node_lifecycle_new(KnCluster *cluster, KnWorkloads *workloads);
void kn_node_lifecycle_free(KnNodeLifecycle *lifecycle);      /* accepts NULL */

/* Fails the node called 'node': its kubelet stops at once, the API notices
 * after the grace period.  FALSE if there is no such node. */
gboolean kn_node_lifecycle_fail(KnNodeLifecycle *lifecycle, const char *node);

/* Restarts the kubelet of 'node'; FALSE if there is no such node. */
gboolean kn_node_lifecycle_recover(KnNodeLifecycle *lifecycle, const char *node);

/* The toleration of 'spec' that tolerates 'taint' (ToleratesTaint of
 * k8s.io/api/core/v1), preferring one without tolerationSeconds, or NULL.
 * Borrowed from 'spec'. */
const KnToleration *kn_node_lifecycle_toleration(const KnPodSpec *spec, const KnTaint *taint);

/* What DefaultTolerationSeconds admission does to a pod on create: adds
 * node.kubernetes.io/not-ready and node.kubernetes.io/unreachable, Exists,
 * NoExecute, for 300 s, each unless 'spec' already tolerates that taint. */
void kn_node_lifecycle_default_tolerations(KnPodSpec *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnNodeLifecycle, kn_node_lifecycle_free)
