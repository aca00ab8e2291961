/* workload.h -- the controllers that turn workloads into running pods: the
 * Deployment and ReplicaSet controllers of kube-controller-manager, the
 * default scheduler, and each node's kubelet (start-up, pod IPs, readiness
 * probes, graceful termination).  They watch the cluster's store and act on
 * the simulated clock. */
#pragma once

#include <glib.h>
#include "models/cluster.h"

typedef struct KnWorkloads KnWorkloads;

/* Starts the controllers on 'cluster' (borrowed; outlives them).  Free with
 * kn_workloads_free(). */
KnWorkloads *kn_workloads_new(KnCluster *cluster);
void kn_workloads_free(KnWorkloads *workloads);          /* accepts NULL */

/* Begins the graceful deletion of a pod, as `kubectl delete pod` or a
 * controller scaling down does: the pod turns Terminating at once and goes
 * when its containers have stopped. */
void kn_workloads_delete_pod(KnWorkloads *workloads, KnPod *pod);

/* The pod-template-hash of 'template': the FNV-1a hash of its content, as
 * text in the alphabet of the real one (apimachinery SafeEncodeString).
 * New. */
char *kn_workloads_template_hash(const KnPodTemplate *template, guint64 seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnWorkloads, kn_workloads_free)
