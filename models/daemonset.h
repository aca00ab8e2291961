/* daemonset.h -- the DaemonSet controller of kube-controller-manager: one
 * pod per eligible node, bound to it at creation, so the kubelets of
 * workload.h run it without the scheduler. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "models/workload.h"

typedef struct KnDaemonSetController KnDaemonSetController;

/* Starts the controller on 'cluster' and 'workloads' (borrowed; they
 * outlive it).  Free with kn_daemonset_free(). */
KnDaemonSetController *kn_daemonset_new(KnCluster *cluster, KnWorkloads *workloads);
void kn_daemonset_free(KnDaemonSetController *controller);                 /* accepts NULL */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnDaemonSetController, kn_daemonset_free)
