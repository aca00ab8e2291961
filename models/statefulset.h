/* statefulset.h -- the StatefulSet controller of kube-controller-manager:
 * pods with a stable name and network identity (<set>-0, <set>-1, ...),
 * created in order and removed in reverse order.  It watches the store
 * like the workload controllers (workload.h), whose scheduler and kubelets
 * run the pods it makes. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "models/workload.h"

typedef struct KnStatefulSetController KnStatefulSetController;

/* Starts the controller on 'cluster' and 'workloads' (borrowed; they
 * outlive it).  Free with kn_statefulset_free(). */
KnStatefulSetController *kn_statefulset_new(KnCluster *cluster, KnWorkloads *workloads);
void kn_statefulset_free(KnStatefulSetController *controller);             /* accepts NULL */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnStatefulSetController, kn_statefulset_free)
