/* node-lifecycle.c -- node failure and recovery of node-lifecycle.h.
 *
 * DOC: What happens when a node dies, as kube-controller-manager's node
 * lifecycle controller (pkg/controller/nodelifecycle), its taint eviction
 * controller (pkg/controller/tainteviction) and the kubelet do it:
 * - `fail: {node: N}` stops N's kubelet (workload.h): its pods stop
 *   answering and nothing it would report is reported.  Nothing changes in
 *   the API at once.
 * - The kubelet renewed its Lease in kube-node-lease every 10 s
 *   (nodeLeaseDurationSeconds 40 x NodeLeaseRenewIntervalFraction 0.25,
 *   pkg/kubelet/nodelease).  The controller looks every
 *   --node-monitor-period (5 s) and, when now is After(last renewal +
 *   --node-monitor-grace-period), sets the node's Ready condition to
 *   Unknown (tryUpdateNodeHealth): `kubectl get nodes` says NotReady.  The
 *   grace period is 40 s, the default up to v1.31, the release knetsim's
 *   nodes report (KN_KUBERNETES_VERSION in api.h); v1.32 raised it to
 *   50 s (kubernetes/kubernetes#126287).  So a node failing at time t turns
 *   NotReady at the first 5 s tick after floor(t / 10 s) * 10 s + 40 s,
 *   between 40 and 50 s after the failure.
 * - At the same pass the controller marks every pod on the node Ready=False
 *   (MarkPodsNotReady), so the EndpointSlice controller drops them, and
 *   taints the node node.kubernetes.io/unreachable:NoSchedule
 *   (doNoScheduleTaintingPass) and node.kubernetes.io/unreachable:NoExecute
 *   (doNoExecuteTaintingPass; --node-eviction-rate 0.1/s lets the first
 *   node through at once).
 * - The taint eviction controller deletes a pod on a NoExecute-tainted node
 *   at once if it does not tolerate a taint, else after the shortest
 *   tolerationSeconds of the tolerations used (getMinTolerationTime), never
 *   if none has one.  The API server's DefaultTolerationSeconds admission
 *   plugin gave every pod not-ready:NoExecute and unreachable:NoExecute for
 *   300 s (--default-not-ready-toleration-seconds,
 *   --default-unreachable-toleration-seconds), so ordinary pods go 300 s
 *   after the taint.  Deletion is graceful, and the stopped kubelet never
 *   confirms it: the pod stays Terminating while its ReplicaSet already
 *   counts it gone and makes a replacement on a healthy node.  A
 *   StatefulSet's pod keeps its name, so it is not replaced until the old
 *   one is gone (at recovery, or by a forced deletion).
 * - `recover: {node: N}` starts the kubelet again: it posts Ready=True at
 *   once and resyncs its pods (terminating ones finish deleting, the others
 *   are Ready again); the controller removes the unreachable taints at its
 *   next 5 s pass (markNodeAsReachable) and evictions still pending are
 *   cancelled.
 *
 * Simplified: no zone disruption states (with fewer than three NotReady
 * nodes in a zone ComputeZoneState never reports partial disruption); no
 * not-ready taint (a kubelet that reports NotReady itself), only the lost
 * node; a recovered node keeps its containers (a kubelet or network
 * outage, not a reboot); the NoSchedule taint goes with the NoExecute one,
 * at the next monitor pass. */

#include <config.h>
#include "models/node-lifecycle.h"

#include <string.h>

#define NODE_MONITOR_PERIOD (5 * KN_SEC)         /* --node-monitor-period */
#define NODE_MONITOR_GRACE_PERIOD (40 * KN_SEC)  /* --node-monitor-grace-period (v1.31) */
#define LEASE_RENEW_INTERVAL (10 * KN_SEC)       /* 0.25 x nodeLeaseDurationSeconds 40 */
#define DEFAULT_TOLERATION_SECONDS 300           /* kube-apiserver --default-*-toleration-seconds */

#define TAINT_UNREACHABLE "node.kubernetes.io/unreachable"
#define TAINT_NOT_READY "node.kubernetes.io/not-ready"

struct KnNodeLifecycle {
    KnCluster *cluster;                  /* borrowed */
    KnWorkloads *workloads;              /* borrowed */
    GHashTable *nodes;                   /* node name -> NodeState; owned */
    GHashTable *evictions;               /* "ns/name" of pods the taint manager has seen on a
                                          * tainted node -> Eviction; owned */
};

/* What the controller knows of one failed or recovering node. */
typedef struct {
    char *name;
    gboolean failed;                     /* the kubelet is stopped */
    KnEventId grace;                     /* the pass that finds the lease too old */
    KnEventId untaint;                   /* the pass that removes the taints */
} NodeState;

/* A pod the taint manager has seen on a tainted node. */
typedef struct {
    char *node;                          /* where it was seen */
    KnEventId event;                     /* its deletion, if one is due */
} Eviction;

/* The data of an event: the controller and a node or pod name. */
typedef struct {
    KnNodeLifecycle *lifecycle;
    char *namespace;                     /* NULL for a node */
    char *name;
} Work;

static void
node_state_free(NodeState *state)
{
    g_free(state->name);
    g_free(state);
}

static void
eviction_free(Eviction *eviction)
{
    g_free(eviction->node);
    g_free(eviction);
}

static void
work_free(Work *work)
{
    g_free(work->namespace);
    g_free(work->name);
    g_free(work);
}

static Work *
work_new(KnNodeLifecycle *lifecycle, const char *namespace, const char *name)
{
    Work *work = g_new(Work, 1);

    work->lifecycle = lifecycle;
    work->namespace = g_strdup(namespace);
    work->name = g_strdup(name);
    return work;
}

static void on_grace_expired(KnSim *sim, gpointer data);
static void on_untaint(KnSim *sim, gpointer data);
static void on_evict(KnSim *sim, gpointer data);

static const KnEventClass grace_class = { "node-monitor-grace-expired", on_grace_expired, (GDestroyNotify) work_free };
static const KnEventClass untaint_class = { "node-reachable", on_untaint, (GDestroyNotify) work_free };
static const KnEventClass evict_class = { "taint-eviction", on_evict, (GDestroyNotify) work_free };

/*****************************************************************************/
/* Taints and tolerations. */

/* ToleratesTaint: the effect matches (or the toleration has none), and the
 * key matches (an empty key with Exists matches every key), and for Equal
 * the value too. */
static gboolean
tolerates(const KnToleration *t, const KnTaint *taint)
{
    if (t->effect != NULL && t->effect[0] != '\0' && g_strcmp0(t->effect, taint->effect) != 0)
        return FALSE;
    if (t->key == NULL || t->key[0] == '\0')
        return t->exists;
    if (strcmp(t->key, taint->key) != 0)
        return FALSE;
    return t->exists || g_strcmp0(t->value != NULL ? t->value : "", taint->value != NULL ? taint->value : "") == 0;
}

const KnToleration *
kn_node_lifecycle_toleration(const KnPodSpec *spec, const KnTaint *taint)
{
    g_return_val_if_fail(spec != NULL && taint != NULL, NULL);

    const KnToleration *found = NULL;

    for (guint i = 0; i < spec->tolerations->len; i++) {
        const KnToleration *t = spec->tolerations->pdata[i];

        if (!tolerates(t, taint))
            continue;
        if (!t->has_seconds)
            return t;
        if (found == NULL || t->seconds < found->seconds)
            found = t;
    }
    return found;
}

void
kn_node_lifecycle_default_tolerations(KnPodSpec *spec)
{
    g_return_if_fail(spec != NULL);

    static const char *const keys[] = { TAINT_NOT_READY, TAINT_UNREACHABLE };

    for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
        KnTaint taint = { (char *) keys[i], NULL, (char *) "NoExecute", 0 };
        KnToleration *t;

        if (kn_node_lifecycle_toleration(spec, &taint) != NULL)
            continue;
        t = kn_toleration_new();
        t->key = g_strdup(keys[i]);
        t->exists = TRUE;
        t->effect = g_strdup("NoExecute");
        t->has_seconds = TRUE;
        t->seconds = DEFAULT_TOLERATION_SECONDS;
        g_ptr_array_add(spec->tolerations, t);
    }
}

static gboolean
has_taint(const KnNode *node, const char *key, const char *effect)
{
    for (guint i = 0; i < node->taints->len; i++) {
        const KnTaint *t = node->taints->pdata[i];

        if (strcmp(t->key, key) == 0 && strcmp(t->effect, effect) == 0)
            return TRUE;
    }
    return FALSE;
}

static void
add_taint(KnNode *node, const char *key, const char *effect, KnTime now)
{
    KnTaint *taint;

    if (has_taint(node, key, effect))
        return;
    taint = g_new0(KnTaint, 1);
    taint->key = g_strdup(key);
    taint->effect = g_strdup(effect);
    taint->added = now;
    g_ptr_array_add(node->taints, taint);
}

/* Removes the taints with 'key'; TRUE if there were any. */
static gboolean
remove_taints(KnNode *node, const char *key)
{
    gboolean removed = FALSE;

    for (guint i = node->taints->len; i-- > 0;) {
        if (strcmp(((KnTaint *) node->taints->pdata[i])->key, key) == 0) {
            g_ptr_array_remove_index(node->taints, i);
            removed = TRUE;
        }
    }
    return removed;
}

/*****************************************************************************/
/* The taint eviction controller. */

static char *
pod_key(const KnPod *pod)
{
    return g_strconcat(pod->meta.namespace, "/", pod->meta.name, NULL);
}

/* processPodOnNode: schedules the pod's deletion if the node's NoExecute
 * taints call for one, unless it was already seen on this node. */
static void
process_pod(KnNodeLifecycle *lifecycle, KnPod *pod, const KnNode *node)
{
    g_autofree char *key = pod_key(pod);
    gboolean any = FALSE, forever = TRUE;
    guint min_seconds = G_MAXUINT;

    if (pod->meta.deleting || g_hash_table_contains(lifecycle->evictions, key))
        return;
    for (guint i = 0; i < node->taints->len; i++) {
        const KnTaint *taint = node->taints->pdata[i];
        const KnToleration *t;

        if (strcmp(taint->effect, "NoExecute") != 0)
            continue;
        any = TRUE;
        t = kn_node_lifecycle_toleration(&pod->spec, taint);
        if (t == NULL) {
            min_seconds = 0;             /* not tolerated: at once */
            forever = FALSE;
        } else if (t->has_seconds) {
            min_seconds = MIN(min_seconds, t->seconds);
            forever = FALSE;
        }
    }
    if (!any)
        return;

    Eviction *eviction = g_new0(Eviction, 1);

    eviction->node = g_strdup(node->meta.name);
    if (!forever)
        eviction->event = kn_sim_schedule_in(lifecycle->cluster->sim, (KnTime) min_seconds * KN_SEC,
                                             &evict_class, work_new(lifecycle, pod->meta.namespace, pod->meta.name));
    g_hash_table_insert(lifecycle->evictions, g_steal_pointer(&key), eviction);
}

static void
on_evict(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnNodeLifecycle *lifecycle = work->lifecycle;
    KnPod *pod = kn_store_lookup(lifecycle->cluster->store, KN_KIND_POD, work->namespace, work->name);
    g_autofree char *key = g_strconcat(work->namespace, "/", work->name, NULL);
    Eviction *eviction = g_hash_table_lookup(lifecycle->evictions, key);

    (void) sim;
    if (eviction != NULL)
        eviction->event = KN_EVENT_ID_NONE;
    if (pod != NULL)
        kn_workloads_delete_pod(lifecycle->workloads, pod);
    work_free(work);
}

/* Forgets the pods seen on 'node' and cancels their pending deletions. */
static void
cancel_evictions(KnNodeLifecycle *lifecycle, const char *node)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, lifecycle->evictions);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Eviction *eviction = value;

        if (strcmp(eviction->node, node) != 0)
            continue;
        if (kn_event_id_is_set(eviction->event))
            kn_sim_cancel(lifecycle->cluster->sim, eviction->event);
        g_hash_table_iter_remove(&iter);
    }
}

/*****************************************************************************/
/* The node lifecycle controller. */

/* The pods bound to 'node', borrowed. */
static GPtrArray *
pods_on(KnNodeLifecycle *lifecycle, const char *node)
{
    g_autoptr(GPtrArray) all = kn_store_list(lifecycle->cluster->store, KN_KIND_POD, NULL);
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < all->len; i++)
        if (g_strcmp0(((KnPod *) all->pdata[i])->spec.node_name, node) == 0)
            g_ptr_array_add(out, all->pdata[i]);
    return out;
}

static NodeState *
node_state(KnNodeLifecycle *lifecycle, const char *name)
{
    NodeState *state = g_hash_table_lookup(lifecycle->nodes, name);

    if (state == NULL) {
        state = g_new0(NodeState, 1);
        state->name = g_strdup(name);
        g_hash_table_insert(lifecycle->nodes, state->name, state);
    }
    return state;
}

/* The monitor pass that finds the lease older than the grace period. */
static void
on_grace_expired(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnNodeLifecycle *lifecycle = work->lifecycle;
    KnStore *store = lifecycle->cluster->store;
    KnNode *node = kn_store_lookup(store, KN_KIND_NODE, NULL, work->name);
    KnTime now = kn_sim_now(sim);

    node_state(lifecycle, work->name)->grace = KN_EVENT_ID_NONE;
    if (node == NULL) {
        work_free(work);
        return;
    }
    /* Ready=Unknown and the taints. */
    node->ready = FALSE;
    node->ready_time = now;
    add_taint(node, TAINT_UNREACHABLE, "NoSchedule", now);
    add_taint(node, TAINT_UNREACHABLE, "NoExecute", now);
    kn_store_update(store, KN_KIND_NODE, node, TRUE);

    /* MarkPodsNotReady, then the taint manager's look at each pod. */
    g_autoptr(GPtrArray) pods = pods_on(lifecycle, node->meta.name);

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        if (pod->ready) {
            pod->ready = FALSE;
            pod->ready_stale = TRUE;
            pod->ready_time = now;
            kn_store_update(store, KN_KIND_POD, pod, FALSE);
        }
    }
    for (guint i = 0; i < pods->len; i++)
        process_pod(lifecycle, pods->pdata[i], node);
    work_free(work);
}

/* The monitor pass that sees the node Ready again. */
static void
on_untaint(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnNodeLifecycle *lifecycle = work->lifecycle;
    KnNode *node = kn_store_lookup(lifecycle->cluster->store, KN_KIND_NODE, NULL, work->name);

    (void) sim;
    node_state(lifecycle, work->name)->untaint = KN_EVENT_ID_NONE;
    if (node != NULL && remove_taints(node, TAINT_UNREACHABLE))
        kn_store_update(lifecycle->cluster->store, KN_KIND_NODE, node, TRUE);
    cancel_evictions(lifecycle, work->name);
    work_free(work);
}

gboolean
kn_node_lifecycle_fail(KnNodeLifecycle *lifecycle, const char *node)
{
    g_return_val_if_fail(lifecycle != NULL && node != NULL, FALSE);

    KnSim *sim = lifecycle->cluster->sim;

    if (kn_store_lookup(lifecycle->cluster->store, KN_KIND_NODE, NULL, node) == NULL)
        return FALSE;

    NodeState *state = node_state(lifecycle, node);

    if (state->failed)
        return TRUE;
    state->failed = TRUE;
    kn_workloads_stop_kubelet(lifecycle->workloads, node);
    if (kn_event_id_is_set(state->untaint)) {
        kn_sim_cancel(sim, state->untaint);
        state->untaint = KN_EVENT_ID_NONE;
    }

    /* The last renewal, then the first monitor pass After() the grace. */
    KnTime renewed = kn_sim_now(sim) / LEASE_RENEW_INTERVAL * LEASE_RENEW_INTERVAL;
    KnTime noticed = ((renewed + NODE_MONITOR_GRACE_PERIOD) / NODE_MONITOR_PERIOD + 1) * NODE_MONITOR_PERIOD;

    state->grace = kn_sim_schedule_at(sim, noticed, &grace_class, work_new(lifecycle, NULL, node));
    return TRUE;
}

gboolean
kn_node_lifecycle_recover(KnNodeLifecycle *lifecycle, const char *node)
{
    g_return_val_if_fail(lifecycle != NULL && node != NULL, FALSE);

    KnSim *sim = lifecycle->cluster->sim;
    KnNode *object = kn_store_lookup(lifecycle->cluster->store, KN_KIND_NODE, NULL, node);

    if (object == NULL)
        return FALSE;

    NodeState *state = node_state(lifecycle, node);

    if (!state->failed)
        return TRUE;
    state->failed = FALSE;
    if (kn_event_id_is_set(state->grace)) {
        kn_sim_cancel(sim, state->grace);
        state->grace = KN_EVENT_ID_NONE;
    }
    /* The kubelet posts Ready=True as it starts, then syncs its pods. */
    if (!object->ready) {
        object->ready = TRUE;
        object->ready_time = kn_sim_now(sim);
        kn_store_update(lifecycle->cluster->store, KN_KIND_NODE, object, FALSE);
    }
    kn_workloads_start_kubelet(lifecycle->workloads, node);
    if (!kn_event_id_is_set(state->untaint))
        state->untaint = kn_sim_schedule_at(sim, (kn_sim_now(sim) / NODE_MONITOR_PERIOD + 1) * NODE_MONITOR_PERIOD,
                                            &untaint_class, work_new(lifecycle, NULL, node));
    return TRUE;
}

/*****************************************************************************/
/* Watches. */

static void
on_pod_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnNodeLifecycle *lifecycle = user_data;
    KnPod *pod = object;
    KnNode *node;

    (void) kind;
    if (event == KN_WATCH_DELETED) {
        g_autofree char *key = pod_key(pod);
        Eviction *eviction = g_hash_table_lookup(lifecycle->evictions, key);

        if (eviction != NULL && kn_event_id_is_set(eviction->event))
            kn_sim_cancel(lifecycle->cluster->sim, eviction->event);
        g_hash_table_remove(lifecycle->evictions, key);
        return;
    }
    /* DefaultTolerationSeconds admission: the pod is stored with them. */
    if (event == KN_WATCH_ADDED)
        kn_node_lifecycle_default_tolerations(&pod->spec);
    /* A pod bound to a node that already carries NoExecute taints. */
    if (pod->spec.node_name != NULL
        && (node = kn_store_lookup(store, KN_KIND_NODE, NULL, pod->spec.node_name)) != NULL)
        process_pod(lifecycle, pod, node);
}

KnNodeLifecycle *
kn_node_lifecycle_new(KnCluster *cluster, KnWorkloads *workloads)
{
    g_return_val_if_fail(cluster != NULL && workloads != NULL, NULL);

    KnNodeLifecycle *lifecycle = g_new0(KnNodeLifecycle, 1);

    lifecycle->cluster = cluster;
    lifecycle->workloads = workloads;
    lifecycle->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) node_state_free);
    lifecycle->evictions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) eviction_free);
    kn_store_watch(cluster->store, KN_KIND_POD, on_pod_event, lifecycle);

    /* Pods that were there before: admitted before the plugin ran. */
    g_autoptr(GPtrArray) pods = kn_store_list(cluster->store, KN_KIND_POD, NULL);

    for (guint i = 0; i < pods->len; i++)
        kn_node_lifecycle_default_tolerations(&((KnPod *) pods->pdata[i])->spec);
    return lifecycle;
}

void
kn_node_lifecycle_free(KnNodeLifecycle *lifecycle)
{
    if (lifecycle == NULL)
        return;
    g_hash_table_unref(lifecycle->nodes);
    g_hash_table_unref(lifecycle->evictions);
    g_free(lifecycle);
}
