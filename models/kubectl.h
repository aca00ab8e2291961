/* kubectl.h -- the kubectl commands the Services lab and the exams use,
 * run against the cluster's store as the real client runs them against the
 * API server: the same arguments, the same output and error text, the same
 * exit status.  Commands that wait (rollout status, delete, get --watch)
 * take simulated time. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "models/workload.h"

typedef struct KnKubectl KnKubectl;

/* What one command printed and how it exited. */
typedef struct KnKubectlResult {
    GString *out;                /* standard output */
    GString *err;                /* standard error */
    int status;                  /* exit status */
} KnKubectlResult;

/* Called on the simulated clock when the command has exited; 'result' is
 * borrowed for the call. */
typedef void (*KnKubectlDone)(const KnKubectlResult *result, gpointer user_data);

/* A client for 'cluster' (borrowed) whose pods 'workloads' (borrowed) runs. */
KnKubectl *kn_kubectl_new(KnCluster *cluster, KnWorkloads *workloads);
void kn_kubectl_free(KnKubectl *kubectl);                  /* accepts NULL */

/* Sets the folder that relative `-f PATH` arguments start from ("." by
 * default); a scenario's own folder. */
void kn_kubectl_set_workdir(KnKubectl *kubectl, const char *workdir);

/* What the kubelet has of a container's output, for `kubectl logs`: of
 * its current instance, or under 'previous' of the one before its last
 * restart.  Borrowed text, or NULL when knetsim does not model what it
 * prints. */
typedef const char *(*KnKubectlLogs)(const KnPod *pod, const KnContainer *container, gboolean previous,
                                     gpointer user_data);

/* Where `kubectl logs` reads containers' output; without it every
 * container's output is "not simulated". */
void kn_kubectl_set_logs(KnKubectl *kubectl, KnKubectlLogs logs, gpointer user_data);

/* Runs 'argv' in 'pod''s 'container' on the pod's network and calls
 * 'done' with what it printed and its exit status when it ends: the main
 * process `kubectl run -i` attaches to, or what `kubectl exec` starts.
 * Under 'tty' standard error joins standard output, in order, as on a
 * terminal ('err' is then empty).  Without it, both commands say they are
 * not simulated. */
typedef void (*KnKubectlAttachDone)(const char *out, const char *err, int status, gpointer done_data);
typedef void (*KnKubectlAttach)(const KnPod *pod, const KnContainer *container, const char *const *argv,
                                gboolean tty, KnKubectlAttachDone done, gpointer done_data, gpointer user_data);

void kn_kubectl_set_attach(KnKubectl *kubectl, KnKubectlAttach attach, gpointer user_data);

/* The pod `kubectl exec` picks for 'name' ("client", "pod/client",
 * "deployment/web") in 'namespace': for a Deployment, the first of its
 * pods that is ready, by name, else the first running one.  Borrowed;
 * NULL if none. */
const KnPod *kn_kubectl_exec_pod(KnStore *store, const char *namespace, const char *name);

/* Runs `kubectl COMMAND_LINE` ('command_line' without the word kubectl,
 * split as a POSIX shell splits words).  'stdin_text' is what a pipe or
 * heredoc feeds it (for `apply -f -`), or NULL.  'done' is called once, on
 * the simulated clock, when the command exits. */
void kn_kubectl_run(KnKubectl *kubectl, const char *command_line, const char *stdin_text,
                    KnKubectlDone done, gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnKubectl, kn_kubectl_free)
