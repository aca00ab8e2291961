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

/* Stops the kubelet of 'node' (a node failure): from now on nothing that
 * kubelet would do happens, so pods bound there neither start nor finish
 * terminating, and nothing in the API changes at once.  Idempotent. */
void kn_workloads_stop_kubelet(KnWorkloads *workloads, const char *node);

/* Starts the kubelet of 'node' again: it reconciles the pods bound there
 * (terminating ones finish deleting, pending ones start, running ones are
 * reported Ready again).  Idempotent. */
void kn_workloads_start_kubelet(KnWorkloads *workloads, const char *node);

/* The main process of container 'container' (an index) of 'pod' exited
 * with 'status' (a command run to its end); the pod is no longer ready.
 * Under restartPolicy Never, and under OnFailure on 0, the container stays
 * terminated, and once all its containers are, the pod turns Failed if one
 * failed, else Succeeded.  Otherwise the kubelet restarts it when its
 * next sync notices (a relist later): at once the first time, then after
 * its crash back-off (10 s, doubling up to 5 min) in CrashLoopBackOff; the
 * restart counts, and the runner runs the command again.  Nothing changes
 * for a pod being deleted. */
void kn_workloads_container_exited(KnWorkloads *workloads, KnPod *pod, guint container, int status);

/* As kn_workloads_container_exited() for the pod 'namespace'/'name' if it
 * is still the one with 'uid' and its kubelet runs (a runner's process
 * outlives neither). */
void kn_workloads_process_exited(KnWorkloads *workloads, const char *uid, const char *namespace,
                                 const char *name, guint container, int status);

/* Starts the main process of container 'container' (an index) of 'pod'
 * (its command, or the image's own when it has none), as the container
 * runtime does when the container starts; the runner calls
 * kn_workloads_process_exited() when it ends, and does nothing for a
 * process knetsim does not model (a server the data path answers for, an
 * unknown program: the container then runs on). */
typedef void (*KnWorkloadsRunner)(const KnPod *pod, guint container, gpointer user_data);

/* Has containers' commands run by 'runner' (NULL: none runs, every
 * container runs on, as when there is no data path). */
void kn_workloads_set_runner(KnWorkloads *workloads, KnWorkloadsRunner runner, gpointer user_data);

/* FALSE if kn_workloads_stop_kubelet() stopped the kubelet of 'node'. */
gboolean kn_workloads_kubelet_running(KnWorkloads *workloads, const char *node);

/* Runs one readiness probe of container 'container' of 'pod' as the
 * kubelet's prober would (httpGet, tcpSocket, exec) against the running
 * application; TRUE if it succeeds.  A failure sets '*message' (new) to the
 * kubelet's event text, e.g. "HTTP probe failed with statuscode: 404". */
typedef gboolean (*KnWorkloadsProber)(const KnPod *pod, const KnContainer *container,
                                      char **message, gpointer user_data);

/* Has readiness probes run by 'prober' (NULL: every probe succeeds, as when
 * there is no application model). */
void kn_workloads_set_prober(KnWorkloads *workloads, KnWorkloadsProber prober, gpointer user_data);

/* The pod-template-hash of 'template': the FNV-1a hash of its content, as
 * text in the alphabet of the real one (apimachinery SafeEncodeString).
 * New. */
char *kn_workloads_template_hash(const KnPodTemplate *template, guint64 seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnWorkloads, kn_workloads_free)
