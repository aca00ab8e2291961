/* daemonset.c -- the DaemonSet controller of daemonset.h.
 *
 * DOC: As pkg/controller/daemon (daemon_controller.go manage,
 * util/daemonset_util.go):
 * - Every node that should run the daemon gets exactly one pod of it, named
 *   "<set>-<5 characters>" (generateName), labelled with the template's
 *   labels, controller-revision-hash ("<set>-<hash>") and
 *   pod-template-generation, owned by the set.  A node that should not run
 *   it loses its pod; extra pods on a node are deleted, newest first.
 * - The pod gets the tolerations AddOrUpdateDaemonPodTolerations adds:
 *   node.kubernetes.io/not-ready and node.kubernetes.io/unreachable
 *   (Exists, NoExecute, no tolerationSeconds: never evicted),
 *   disk-pressure, memory-pressure, pid-pressure and unschedulable
 *   (Exists, NoSchedule), and network-unavailable (NoSchedule) for
 *   hostNetwork pods.
 * - A node should run the daemon (nodeShouldRunDaemonPod, predicates) if
 *   the pod's nodeSelector matches its labels and the pod tolerates every
 *   NoSchedule and NoExecute taint on it.  Readiness and cordoning act
 *   through taints and the tolerations above, so a NotReady or cordoned
 *   node keeps its daemon pod, while the control plane's
 *   node-role.kubernetes.io/control-plane:NoSchedule keeps daemons off it
 *   unless the template tolerates that taint.
 * - A node added later gets its pod; a changed node (labels, taints) is
 *   looked at again.
 * - status.desiredNumberScheduled counts the nodes that should run it,
 *   currentNumberScheduled those of them that do, numberReady those whose
 *   pod is Running and Ready.
 *
 * Simplified: the real controller (since v1.12, ScheduleDaemonSetPods)
 * gives each pod a required node affinity on metadata.name and lets the
 * default scheduler bind it; knetsim sets spec.nodeName at creation, which
 * lands the pod on the same node without the scheduler.  No rolling
 * updates, no slow-start batches, no resource fit. */

#include <config.h>
#include "models/daemonset.h"

#include <string.h>
#include "models/node-lifecycle.h"
#include "models/workqueue.h"

#define CONTROLLER_DELAY (10 * KN_MSEC)  /* watch event to sync, as workload.c */

struct KnDaemonSetController {
    KnCluster *cluster;                  /* borrowed */
    KnWorkloads *workloads;              /* borrowed */
    KnWorkQueue *queue;                  /* sets to sync */
};

static void
enqueue_all(KnDaemonSetController *controller)
{
    g_autoptr(GPtrArray) sets = kn_store_list(controller->cluster->store, KN_KIND_DAEMON_SET, NULL);

    for (guint i = 0; i < sets->len; i++)
        kn_workqueue_add(controller->queue, kn_object_meta(sets->pdata[i])->namespace,
                         kn_object_meta(sets->pdata[i])->name);
}

/*****************************************************************************/
/* The daemon pod. */

/* Appends an Exists toleration of 'key' for 'effect' unless there is one. */
static void
add_toleration(KnPodSpec *spec, const char *key, const char *effect)
{
    KnToleration *t;

    for (guint i = 0; i < spec->tolerations->len; i++) {
        t = spec->tolerations->pdata[i];
        if (g_strcmp0(t->key, key) == 0 && g_strcmp0(t->effect, effect) == 0)
            return;
    }
    t = kn_toleration_new();
    t->key = g_strdup(key);
    t->exists = TRUE;
    t->effect = g_strdup(effect);
    g_ptr_array_add(spec->tolerations, t);
}

/* The template's pod spec with AddOrUpdateDaemonPodTolerations applied. */
static void
daemon_pod_spec(KnPodSpec *spec, const KnDaemonSet *set)
{
    kn_pod_spec_copy(spec, &set->template.spec);
    add_toleration(spec, "node.kubernetes.io/not-ready", "NoExecute");
    add_toleration(spec, "node.kubernetes.io/unreachable", "NoExecute");
    add_toleration(spec, "node.kubernetes.io/disk-pressure", "NoSchedule");
    add_toleration(spec, "node.kubernetes.io/memory-pressure", "NoSchedule");
    add_toleration(spec, "node.kubernetes.io/pid-pressure", "NoSchedule");
    add_toleration(spec, "node.kubernetes.io/unschedulable", "NoSchedule");
    if (spec->host_network)
        add_toleration(spec, "node.kubernetes.io/network-unavailable", "NoSchedule");
}

/* nodeShouldRunDaemonPod: nodeSelector and taints. */
static gboolean
should_run(const KnPodSpec *spec, const KnNode *node)
{
    if (!kn_labels_match(node->meta.labels, spec->node_selector))
        return FALSE;
    for (guint i = 0; i < node->taints->len; i++) {
        const KnTaint *taint = node->taints->pdata[i];

        if ((strcmp(taint->effect, "NoSchedule") == 0 || strcmp(taint->effect, "NoExecute") == 0)
            && kn_node_lifecycle_toleration(spec, taint) == NULL)
            return FALSE;
    }
    return TRUE;
}

static gboolean
owned_by(const KnPod *pod, const KnDaemonSet *set)
{
    return pod->meta.owner.name != NULL && pod->meta.owner.kind == KN_KIND_DAEMON_SET
           && g_strcmp0(pod->meta.owner.uid, set->meta.uid) == 0;
}

static KnPod *
new_pod(KnDaemonSetController *controller, const KnDaemonSet *set, const KnNode *node)
{
    KnPod *pod = kn_pod_new();
    g_autofree char *hash = kn_workloads_template_hash(&set->template, kn_sim_seed(controller->cluster->sim));
    g_autofree char *revision = g_strconcat(set->meta.name, "-", hash, NULL);

    pod->meta.namespace = g_strdup(set->meta.namespace);
    pod->meta.generate_name = g_strconcat(set->meta.name, "-", NULL);
    kn_labels_free(pod->meta.labels);
    pod->meta.labels = kn_labels_copy(set->template.labels);
    kn_labels_set(pod->meta.labels, "controller-revision-hash", revision);
    kn_labels_set(pod->meta.labels, "pod-template-generation", "1");
    pod->meta.owner.kind = KN_KIND_DAEMON_SET;
    pod->meta.owner.name = g_strdup(set->meta.name);
    pod->meta.owner.uid = g_strdup(set->meta.uid);
    kn_pod_spec_clear(&pod->spec);
    daemon_pod_spec(&pod->spec, set);
    pod->spec.node_name = g_strdup(node->meta.name);
    return pod;
}

/* Newest first, so that the oldest pod on a node is the one kept. */
static gint
compare_newest_first(gconstpointer a, gconstpointer b)
{
    const KnPod *x = *(KnPod *const *) a, *y = *(KnPod *const *) b;

    if (x->meta.creation_time != y->meta.creation_time)
        return x->meta.creation_time > y->meta.creation_time ? -1 : 1;
    return strcmp(y->meta.name, x->meta.name);
}

/*****************************************************************************/
/* Sync. */

static void
sync_set(KnDaemonSetController *controller, KnDaemonSet *set)
{
    KnStore *store = controller->cluster->store;
    g_autoptr(GPtrArray) nodes = kn_store_list(store, KN_KIND_NODE, NULL);
    g_autoptr(GPtrArray) pods = kn_store_list(store, KN_KIND_POD, set->meta.namespace);
    KnPodSpec spec = { 0 };
    guint desired = 0, current = 0, ready = 0;

    daemon_pod_spec(&spec, set);
    for (guint n = 0; n < nodes->len; n++) {
        KnNode *node = nodes->pdata[n];
        gboolean run = should_run(&spec, node);
        g_autoptr(GPtrArray) here = g_ptr_array_new();

        for (guint p = 0; p < pods->len; p++) {
            KnPod *pod = pods->pdata[p];

            if (owned_by(pod, set) && !pod->meta.deleting && g_strcmp0(pod->spec.node_name, node->meta.name) == 0)
                g_ptr_array_add(here, pod);
        }
        g_ptr_array_sort(here, compare_newest_first);
        if (!run) {
            for (guint p = 0; p < here->len; p++)
                kn_workloads_delete_pod(controller->workloads, here->pdata[p]);
            continue;
        }
        desired++;
        if (here->len == 0) {
            kn_store_add(store, KN_KIND_POD, new_pod(controller, set, node), NULL);
            continue;
        }
        for (guint p = 0; p + 1 < here->len; p++)
            kn_workloads_delete_pod(controller->workloads, here->pdata[p]);

        KnPod *kept = here->pdata[here->len - 1];

        current++;
        ready += kept->phase == KN_POD_RUNNING && kept->ready;
    }
    kn_pod_spec_clear(&spec);
    if (set->desired != desired || set->current != current || set->ready != ready) {
        set->desired = desired;
        set->current = current;
        set->ready = ready;
        kn_store_update(store, KN_KIND_DAEMON_SET, set, FALSE);
    }
}

static void
on_sync(gpointer data, const char *namespace, const char *name)
{
    KnDaemonSetController *controller = data;
    KnDaemonSet *set = kn_store_lookup(controller->cluster->store, KN_KIND_DAEMON_SET, namespace, name);

    if (set != NULL)
        sync_set(controller, set);
}

/*****************************************************************************/
/* Watches. */

static void
on_pod_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnDaemonSetController *controller = user_data;
    KnPod *pod = object;

    (void) store;
    (void) kind;
    (void) event;
    if (pod->meta.owner.name != NULL && pod->meta.owner.kind == KN_KIND_DAEMON_SET)
        kn_workqueue_add(controller->queue, pod->meta.namespace, pod->meta.owner.name);
}

static void
on_node_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    (void) store;
    (void) kind;
    (void) event;
    (void) object;
    enqueue_all(user_data);
}

static void
on_set_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnDaemonSetController *controller = user_data;
    KnDaemonSet *set = object;

    (void) store;
    (void) kind;
    if (event != KN_WATCH_DELETED) {
        kn_workqueue_add(controller->queue, set->meta.namespace, set->meta.name);
        return;
    }
    /* The garbage collector, in the background. */
    g_autoptr(GPtrArray) pods = kn_store_list(controller->cluster->store, KN_KIND_POD, set->meta.namespace);

    for (guint i = 0; i < pods->len; i++)
        if (owned_by(pods->pdata[i], set))
            kn_workloads_delete_pod(controller->workloads, pods->pdata[i]);
}

KnDaemonSetController *
kn_daemonset_new(KnCluster *cluster, KnWorkloads *workloads)
{
    g_return_val_if_fail(cluster != NULL && workloads != NULL, NULL);

    KnDaemonSetController *controller = g_new0(KnDaemonSetController, 1);

    controller->cluster = cluster;
    controller->workloads = workloads;
    controller->queue = kn_workqueue_new(cluster->sim, CONTROLLER_DELAY, "daemonset-sync", on_sync, controller);
    kn_store_watch(cluster->store, KN_KIND_POD, on_pod_event, controller);
    kn_store_watch(cluster->store, KN_KIND_NODE, on_node_event, controller);
    kn_store_watch(cluster->store, KN_KIND_DAEMON_SET, on_set_event, controller);
    enqueue_all(controller);
    return controller;
}

void
kn_daemonset_free(KnDaemonSetController *controller)
{
    if (controller == NULL)
        return;
    kn_workqueue_free(controller->queue);
    g_free(controller);
}
