/* statefulset.c -- the StatefulSet controller of statefulset.h.
 *
 * DOC: As pkg/controller/statefulset (stateful_set_control.go,
 * stateful_set_utils.go):
 * - A set of N replicas owns the pods "<set>-0" .. "<set>-(N-1)"
 *   (getPodName).  initIdentity gives each pod hostname = its name and
 *   subdomain = spec.serviceName, so with the governing headless Service it
 *   is <set>-<i>.<service>.<namespace>.svc.<domain>; the pod carries the
 *   labels statefulset.kubernetes.io/pod-name (its name),
 *   apps.kubernetes.io/pod-index (the ordinal, PodIndexLabel, on by default
 *   since v1.28) and controller-revision-hash (the ControllerRevision's
 *   name, "<set>-<hash>", the hash as the pod-template-hash is made,
 *   workload.h), and a controller owner reference to the set.
 * - OrderedReady (the default podManagementPolicy, "monotonic"): walking
 *   the ordinals up, the controller creates the first missing pod and
 *   stops; it also stops at a pod that is terminating or not Running and
 *   Ready (isRunningAndReady).  So <set>-N is created only when 0..N-1 are
 *   Running and Ready.  Scaling down deletes the pods at ordinals >= N
 *   ("condemned") from the highest, one at a time, each only once every
 *   pod before it is Running and Ready and the previous one has gone.
 * - Parallel: every missing pod is created and every condemned pod deleted
 *   in one pass, without waiting.
 * - A pod that is deleted (by hand, by eviction) is made again with the
 *   same name once the old one is gone from the API; while it is
 *   Terminating (for example on an unreachable node whose kubelet never
 *   confirms the deletion) nothing replaces it.
 * - status.replicas counts created pods not terminating, readyReplicas
 *   those Running and Ready, currentReplicas those at the current revision
 *   (all of them: rolling updates are not modelled).
 *
 * Simplified: no volumeClaimTemplates (no PVCs), no update strategies or
 * ControllerRevision objects, no minReadySeconds, no start ordinal; failed
 * pods are not recreated (knetsim's pods do not fail). */

#include <config.h>
#include "models/statefulset.h"

#include <string.h>
#include "models/workqueue.h"

#define CONTROLLER_DELAY (10 * KN_MSEC)  /* watch event to sync, as workload.c */

struct KnStatefulSetController {
    KnCluster *cluster;                  /* borrowed */
    KnWorkloads *workloads;              /* borrowed */
    KnWorkQueue *queue;                  /* sets to sync */
};

/*****************************************************************************/
/* Identity. */

/* getParentNameAndOrdinal: the ordinal of 'pod' in 'set', or -1. */
static gint64
pod_ordinal(const KnStatefulSet *set, const KnPod *pod)
{
    const char *name = pod->meta.name;
    gsize prefix = strlen(set->meta.name);
    guint64 ordinal;

    if (strncmp(name, set->meta.name, prefix) != 0 || name[prefix] != '-'
        || !g_ascii_string_to_unsigned(name + prefix + 1, 10, 0, G_MAXINT32, &ordinal, NULL))
        return -1;
    return (gint64) ordinal;
}

static gboolean
owned_by(const KnPod *pod, const KnStatefulSet *set)
{
    return pod->meta.owner.name != NULL && pod->meta.owner.kind == KN_KIND_STATEFUL_SET
           && g_strcmp0(pod->meta.owner.uid, set->meta.uid) == 0;
}

/* newStatefulSetPod: the pod at 'ordinal', from the template, with its
 * identity (initIdentity) and revision label. */
static KnPod *
new_pod(const KnStatefulSet *set, guint ordinal, const char *revision)
{
    KnPod *pod = kn_pod_new();
    char index[16];

    g_snprintf(index, sizeof index, "%u", ordinal);
    pod->meta.namespace = g_strdup(set->meta.namespace);
    pod->meta.name = g_strdup_printf("%s-%u", set->meta.name, ordinal);
    kn_labels_free(pod->meta.labels);
    pod->meta.labels = kn_labels_copy(set->template.labels);
    kn_labels_set(pod->meta.labels, "statefulset.kubernetes.io/pod-name", pod->meta.name);
    kn_labels_set(pod->meta.labels, "apps.kubernetes.io/pod-index", index);
    kn_labels_set(pod->meta.labels, "controller-revision-hash", revision);
    pod->meta.owner.kind = KN_KIND_STATEFUL_SET;
    pod->meta.owner.name = g_strdup(set->meta.name);
    pod->meta.owner.uid = g_strdup(set->meta.uid);
    kn_pod_spec_clear(&pod->spec);
    kn_pod_spec_copy(&pod->spec, &set->template.spec);
    g_free(pod->spec.hostname);
    pod->spec.hostname = g_strdup(pod->meta.name);
    g_free(pod->spec.subdomain);
    pod->spec.subdomain = g_strdup(set->service_name);
    return pod;
}

/*****************************************************************************/
/* Sync. */

static gboolean
running_and_ready(const KnPod *pod)
{
    return pod->phase == KN_POD_RUNNING && pod->ready;
}

static gint
compare_ordinals(gconstpointer a, gconstpointer b, gpointer set)
{
    gint64 x = pod_ordinal(set, *(KnPod *const *) a), y = pod_ordinal(set, *(KnPod *const *) b);

    return x < y ? -1 : x > y;
}

/* One pass of updateStatefulSet's replica and condemned loops. */
static void
sync_pods(KnStatefulSetController *controller, KnStatefulSet *set, GPtrArray *replicas,
          GPtrArray *condemned)
{
    KnStore *store = controller->cluster->store;
    gboolean monotonic = !set->parallel;
    g_autofree char *hash = kn_workloads_template_hash(&set->template, kn_sim_seed(controller->cluster->sim));
    g_autofree char *revision = g_strconcat(set->meta.name, "-", hash, NULL);
    KnPod *first_unhealthy = NULL;

    /* The lowest ordinal that is not Running and Ready, replicas first. */
    for (guint i = 0; i < replicas->len && first_unhealthy == NULL; i++) {
        KnPod *pod = replicas->pdata[i];

        if (pod != NULL && (!running_and_ready(pod) || pod->meta.deleting))
            first_unhealthy = pod;
    }
    for (guint i = 0; i < condemned->len && first_unhealthy == NULL; i++) {
        KnPod *pod = condemned->pdata[i];

        if (!running_and_ready(pod) || pod->meta.deleting)
            first_unhealthy = pod;
    }

    for (guint ordinal = 0; ordinal < replicas->len; ordinal++) {
        KnPod *pod = replicas->pdata[ordinal];

        if (pod == NULL) {
            kn_store_add(store, KN_KIND_POD, new_pod(set, ordinal, revision), NULL);
            if (monotonic)
                return;
            continue;
        }
        if (pod->meta.deleting || !running_and_ready(pod)) {
            if (monotonic)
                return;
        }
    }

    /* Every replica is Running and Ready (or the policy is Parallel). */
    for (guint i = condemned->len; i-- > 0;) {
        KnPod *pod = condemned->pdata[i];

        if (pod->meta.deleting) {
            if (monotonic)
                return;
            continue;
        }
        if (monotonic && !running_and_ready(pod) && pod != first_unhealthy)
            return;
        kn_workloads_delete_pod(controller->workloads, pod);
        if (monotonic)
            return;
    }
}

static void
sync_set(KnStatefulSetController *controller, KnStatefulSet *set)
{
    KnStore *store = controller->cluster->store;
    g_autoptr(GPtrArray) all = kn_store_list(store, KN_KIND_POD, set->meta.namespace);
    g_autoptr(GPtrArray) replicas = g_ptr_array_new();
    g_autoptr(GPtrArray) condemned = g_ptr_array_new();

    g_ptr_array_set_size(replicas, (gint) set->replicas);
    for (guint i = 0; i < all->len; i++) {
        KnPod *pod = all->pdata[i];
        gint64 ordinal = pod_ordinal(set, pod);

        if (!owned_by(pod, set) || ordinal < 0)
            continue;
        if (ordinal < set->replicas)
            replicas->pdata[ordinal] = pod;
        else
            g_ptr_array_add(condemned, pod);
    }
    /* Ascending ordinal: "web-10" comes after "web-9". */
    g_ptr_array_sort_with_data(condemned, compare_ordinals, set);
    sync_pods(controller, set, replicas, condemned);

    /* Status, from the pods as they are now. */
    g_autoptr(GPtrArray) now = kn_store_list(store, KN_KIND_POD, set->meta.namespace);
    guint created = 0, ready = 0;

    for (guint i = 0; i < now->len; i++) {
        KnPod *pod = now->pdata[i];

        if (!owned_by(pod, set) || pod->meta.deleting)
            continue;
        created++;
        ready += running_and_ready(pod);
    }
    if (set->current_replicas != created || set->ready_replicas != ready) {
        set->current_replicas = created;
        set->ready_replicas = ready;
        kn_store_update(store, KN_KIND_STATEFUL_SET, set, FALSE);
    }
}

static void
on_sync(gpointer data, const char *namespace, const char *name)
{
    KnStatefulSetController *controller = data;
    KnStatefulSet *set = kn_store_lookup(controller->cluster->store, KN_KIND_STATEFUL_SET, namespace, name);

    if (set != NULL)
        sync_set(controller, set);
}

/*****************************************************************************/
/* Watches. */

static void
on_pod_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnStatefulSetController *controller = user_data;
    KnPod *pod = object;

    (void) store;
    (void) kind;
    (void) event;
    if (pod->meta.owner.name != NULL && pod->meta.owner.kind == KN_KIND_STATEFUL_SET)
        kn_workqueue_add(controller->queue, pod->meta.namespace, pod->meta.owner.name);
}

static void
on_set_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnStatefulSetController *controller = user_data;
    KnStatefulSet *set = object;

    (void) store;
    (void) kind;
    if (event != KN_WATCH_DELETED) {
        kn_workqueue_add(controller->queue, set->meta.namespace, set->meta.name);
        return;
    }
    /* The garbage collector, in the background: the pods go gracefully. */
    g_autoptr(GPtrArray) pods = kn_store_list(controller->cluster->store, KN_KIND_POD, set->meta.namespace);

    for (guint i = 0; i < pods->len; i++)
        if (owned_by(pods->pdata[i], set))
            kn_workloads_delete_pod(controller->workloads, pods->pdata[i]);
}

KnStatefulSetController *
kn_statefulset_new(KnCluster *cluster, KnWorkloads *workloads)
{
    g_return_val_if_fail(cluster != NULL && workloads != NULL, NULL);

    KnStatefulSetController *controller = g_new0(KnStatefulSetController, 1);

    controller->cluster = cluster;
    controller->workloads = workloads;
    controller->queue = kn_workqueue_new(cluster->sim, CONTROLLER_DELAY, "statefulset-sync", on_sync, controller);
    kn_store_watch(cluster->store, KN_KIND_POD, on_pod_event, controller);
    kn_store_watch(cluster->store, KN_KIND_STATEFUL_SET, on_set_event, controller);

    g_autoptr(GPtrArray) sets = kn_store_list(cluster->store, KN_KIND_STATEFUL_SET, NULL);

    for (guint i = 0; i < sets->len; i++)
        kn_workqueue_add(controller->queue, kn_object_meta(sets->pdata[i])->namespace,
                         kn_object_meta(sets->pdata[i])->name);
    return controller;
}

void
kn_statefulset_free(KnStatefulSetController *controller)
{
    if (controller == NULL)
        return;
    kn_workqueue_free(controller->queue);
    g_free(controller);
}
