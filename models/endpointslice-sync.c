/* endpointslice-sync.c -- the controllers of endpointslice-sync.h.
 *
 * DOC: Like pkg/controller/endpointslice and pkg/controller/endpoint, the
 * controllers queue a Service whenever it changes, or a pod or node that it
 * may select changes (a pod's labels, readiness, address or deletion), and
 * find those Services through indexes (by the first term of their selector,
 * and by the pods their last sync had) rather than by scanning, and
 * sync each queued Service once after a short delay: compute the slices,
 * create, update and delete them in the store, and rewrite the Endpoints
 * object if it changed.  A deleted Service's slices and Endpoints go with it
 * (owner references and the garbage collector).
 *
 * The topology cache (endpointslice-topology.h) is fed all nodes whenever a
 * node is added, deleted or changes (checkNodeTopologyDistribution), and the
 * events a sync produces (TopologyAwareHintsEnabled/Disabled) are recorded
 * on the Service as endpoint-slice-controller (recorder.h).
 *
 * Simplified: one delay for both controllers; no batching period
 * (--endpointslice-updates-batch-period is 0 by default anyway).  A node
 * change queues every Service with a selector, where Go queues only those
 * GetOverloadedServices names (and updateNode reacts only to readiness and
 * zone changes); for Auto Services that is a superset of the same syncs. */

#include <config.h>
#include "models/endpointslice-sync.h"

#include <string.h>
#include "models/endpointslice.h"
#include "models/workqueue.h"

#define SYNC_DELAY (10 * KN_MSEC)        /* a change to the Service's sync */
#define SERVICE_NAME_LABEL "kubernetes.io/service-name"

struct KnEndpointSliceSync {
    KnCluster *cluster;                  /* borrowed */
    guint max_endpoints;
    KnWorkQueue *queue;                  /* Services to sync */
    GHashTable *by_selector;             /* "ns\1k=v" of a selector's first term -> set of "ns/name" */
    GHashTable *selectors;               /* "ns/name" -> the "ns\1k=v" it is indexed under */
    GHashTable *pod_services;            /* "ns/pod" -> set of "ns/name" whose last sync had it */
    GHashTable *written;                 /* "ns/name" of Services whose Endpoints it wrote */
    GHashTable *last_pods;               /* "ns/name" -> set of "ns/pod" its last sync selected */
    GHashTable *nodes;                   /* node name (borrowed) -> KnNode *, kept by the node watch */
    KnEndpointSliceTopology *topology;   /* the topology cache, owned */
    KnEndpointSliceStats stats;
};

/* The slices the controller manages for 'service', borrowed. */
static GPtrArray *
slices_of(KnStore *store, const KnService *service)
{
    g_autoptr(GPtrArray) all = kn_store_list_labelled(store, KN_KIND_ENDPOINT_SLICE, service->meta.namespace,
                                                      SERVICE_NAME_LABEL, service->meta.name);
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < all->len; i++) {
        KnEndpointSlice *slice = all->pdata[i];

        if (g_strcmp0(kn_labels_get(slice->meta.labels, "endpointslice.kubernetes.io/managed-by"),
                      "endpointslice-controller.k8s.io") == 0)
            g_ptr_array_add(out, slice);
    }
    return out;
}

/* The pods of the namespace that 'selector' selects, borrowed: narrowed by
 * the label index on its first term. */
static GPtrArray *
selected_pods(KnStore *store, const char *namespace, const KnLabels *selector)
{
    g_autoptr(GPtrArray) candidates =
        kn_labels_size(selector) > 0
            ? kn_store_list_labelled(store, KN_KIND_POD, namespace, kn_labels_key(selector, 0),
                                     kn_labels_value(selector, 0))
            : kn_store_list(store, KN_KIND_POD, namespace);
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < candidates->len; i++)
        if (kn_labels_match(((KnPod *) candidates->pdata[i])->meta.labels, selector))
            g_ptr_array_add(out, candidates->pdata[i]);
    return out;
}

static void
set_add(GHashTable *index, const char *key, const char *member)
{
    GHashTable *set = g_hash_table_lookup(index, key);

    if (set == NULL) {
        set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_hash_table_insert(index, g_strdup(key), set);
    }
    g_hash_table_add(set, g_strdup(member));
}

static void
set_remove(GHashTable *index, const char *key, const char *member)
{
    GHashTable *set = g_hash_table_lookup(index, key);

    if (set != NULL && g_hash_table_remove(set, member) && g_hash_table_size(set) == 0)
        g_hash_table_remove(index, key);
}

/* Indexes 'service' by its selector's first term ("" for an empty
 * selector), or takes it out of the index when 'add' is FALSE. */
static void
index_service(KnEndpointSliceSync *sync, const KnService *service, gboolean add)
{
    g_autofree char *name = g_strconcat(service->meta.namespace, "/", service->meta.name, NULL);
    const char *old = g_hash_table_lookup(sync->selectors, name);

    if (old != NULL)
        set_remove(sync->by_selector, old, name);
    g_hash_table_remove(sync->selectors, name);
    if (!add || service->spec.selector == NULL)
        return;

    const KnLabels *selector = service->spec.selector;
    char *key = kn_labels_size(selector) > 0
                    ? g_strconcat(service->meta.namespace, "\1", kn_labels_key(selector, 0), "=",
                                  kn_labels_value(selector, 0), NULL)
                    : g_strconcat(service->meta.namespace, "\1", NULL);

    set_add(sync->by_selector, key, name);
    g_hash_table_insert(sync->selectors, g_strdup(name), key);
}

/* Remembers which pods the sync of "ns/name" 'name' selected, so that an
 * event on one of them queues the Service even after it stopped matching.
 * Only the differences from the last sync touch the index. */
static void
remember_pods(KnEndpointSliceSync *sync, const char *name, const GPtrArray *pods)
{
    GHashTable *now = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *before = g_hash_table_lookup(sync->last_pods, name);
    GHashTableIter iter;
    gpointer key;

    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];
        char *pod_key = g_strconcat(pod->meta.namespace, "/", pod->meta.name, NULL);

        if (before == NULL || !g_hash_table_contains(before, pod_key))
            set_add(sync->pod_services, pod_key, name);
        g_hash_table_add(now, pod_key);
    }
    if (before != NULL) {
        g_hash_table_iter_init(&iter, before);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            if (!g_hash_table_contains(now, key))
                set_remove(sync->pod_services, key, name);
    }
    g_hash_table_insert(sync->last_pods, g_strdup(name), now);
}

/* Forgets the pods of a Service that is gone. */
static void
forget_pods(KnEndpointSliceSync *sync, const char *name)
{
    GHashTable *before = g_hash_table_lookup(sync->last_pods, name);
    GHashTableIter iter;
    gpointer key;

    if (before == NULL)
        return;
    g_hash_table_iter_init(&iter, before);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        set_remove(sync->pod_services, key, name);
    g_hash_table_remove(sync->last_pods, name);
}

/* Moves the content of 'from' (taken) into the stored 'to', whose identity
 * (name, uid, creation time) stays. */
static void
replace_slice(KnEndpointSlice *to, KnEndpointSlice *from)
{
    GPtrArray *endpoints = to->endpoints, *ports = to->ports;
    KnLabels *labels = to->meta.labels, *annotations = to->meta.annotations;

    to->endpoints = from->endpoints;
    to->ports = from->ports;
    to->meta.labels = from->meta.labels;
    to->meta.annotations = from->meta.annotations;
    to->address_type = from->address_type;
    from->endpoints = endpoints;
    from->ports = ports;
    from->meta.labels = labels;
    from->meta.annotations = annotations;
    kn_object_free(KN_KIND_ENDPOINT_SLICE, from);
}

static void
count_slice(KnEndpointSliceSync *sync, const KnEndpointSlice *slice)
{
    sync->stats.slice_writes++;
    sync->stats.slice_bytes += kn_endpointslice_json_size(slice);
}

static gboolean
addresses_equal(const GPtrArray *a, const GPtrArray *b)
{
    if (a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++) {
        const KnEndpointAddress *x = a->pdata[i], *y = b->pdata[i];

        if (g_strcmp0(x->ip, y->ip) != 0 || g_strcmp0(x->hostname, y->hostname) != 0
            || g_strcmp0(x->node_name, y->node_name) != 0 || g_strcmp0(x->target_pod, y->target_pod) != 0
            || g_strcmp0(x->target_namespace, y->target_namespace) != 0
            || g_strcmp0(x->target_uid, y->target_uid) != 0)
            return FALSE;
    }
    return TRUE;
}

/* The Endpoints controller's comparison before it writes: the same labels,
 * annotations and subsets (addresses, not-ready addresses, ports), field by
 * field; identity and resourceVersion do not count. */
static gboolean
endpoints_equal(const KnEndpoints *a, const KnEndpoints *b)
{
    if (!kn_labels_equal(a->meta.labels, b->meta.labels)
        || !kn_labels_equal(a->meta.annotations, b->meta.annotations) || a->subsets->len != b->subsets->len)
        return FALSE;
    for (guint i = 0; i < a->subsets->len; i++) {
        const KnEndpointSubset *x = a->subsets->pdata[i], *y = b->subsets->pdata[i];

        if (!addresses_equal(x->addresses, y->addresses)
            || !addresses_equal(x->not_ready_addresses, y->not_ready_addresses) || x->ports->len != y->ports->len)
            return FALSE;
        for (guint p = 0; p < x->ports->len; p++) {
            const KnEndpointPort *u = x->ports->pdata[p], *v = y->ports->pdata[p];

            if (g_strcmp0(u->name, v->name) != 0 || u->port != v->port || u->protocol != v->protocol
                || g_strcmp0(u->app_protocol, v->app_protocol) != 0)
                return FALSE;
        }
    }
    return TRUE;
}

static void
sync_endpoints(KnEndpointSliceSync *sync, const KnService *service, const GPtrArray *pods)
{
    KnStore *store = sync->cluster->store;
    KnEndpoints *want = kn_endpointslice_legacy_endpoints(service, pods);
    KnEndpoints *have = kn_store_lookup(store, KN_KIND_ENDPOINTS, service->meta.namespace, service->meta.name);

    if (want == NULL) {
        if (have != NULL)
            kn_store_delete(store, KN_KIND_ENDPOINTS, service->meta.namespace, service->meta.name);
        return;
    }

    /* Unchanged since this controller last wrote it: nothing to write. */
    if (have != NULL && endpoints_equal(want, have)) {
        kn_object_free(KN_KIND_ENDPOINTS, want);
        return;
    }
    g_hash_table_add(sync->written, g_strconcat(service->meta.namespace, "/", service->meta.name, NULL));
    if (have != NULL) {
        /* An Update (endpoints_controller.go syncService): the object keeps
         * its uid and creationTimestamp, only its subsets and labels change. */
        GPtrArray *subsets = have->subsets;
        KnLabels *labels = have->meta.labels, *annotations = have->meta.annotations;

        have->subsets = want->subsets;
        have->meta.labels = want->meta.labels;
        have->meta.annotations = want->meta.annotations;
        want->subsets = subsets;
        want->meta.labels = labels;
        want->meta.annotations = annotations;
        kn_object_free(KN_KIND_ENDPOINTS, want);
        kn_store_update(store, KN_KIND_ENDPOINTS, have, FALSE);
        want = have;
    } else {
        kn_store_add(store, KN_KIND_ENDPOINTS, want, NULL);
    }
    sync->stats.endpoints_writes++;
    sync->stats.endpoints_bytes += kn_endpointslice_endpoints_json_size(want);
}

static void
sync_service(KnEndpointSliceSync *sync, const char *namespace, const char *name)
{
    KnStore *store = sync->cluster->store;
    KnService *service = kn_store_lookup(store, KN_KIND_SERVICE, namespace, name);

    if (service == NULL)
        return;
    sync->stats.syncs++;
    /* syncService: an ExternalName Service gets no endpoints from this
     * controller (issues.k8s.io/105986), even with a selector (kubectl
     * create service externalname sets app=NAME); slices it had stay. */
    if (service->spec.type == KN_SERVICE_EXTERNAL_NAME)
        return;
    if (service->spec.selector == NULL) {
        /* Selectorless: the user manages slices and Endpoints by hand. */
        return;
    }

    g_autoptr(GPtrArray) pods = selected_pods(store, namespace, service->spec.selector);
    g_autoptr(GPtrArray) existing = slices_of(store, service);
    g_autofree char *service_key = g_strconcat(namespace, "/", name, NULL);

    remember_pods(sync, service_key, pods);

    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(service, pods, sync->nodes, existing, sync->max_endpoints,
                                   sync->topology, kn_sim_rng(sync->cluster->sim, "names"));

    /* The EventRecorder: after the writes in Go, the same events, on the
     * Service (recorder.h). */
    for (guint i = 0; i < result->events->len; i++) {
        const KnEndpointSliceEvent *event = result->events->pdata[i];

        kn_recorder_event(sync->cluster->recorder, KN_KIND_SERVICE, &service->meta, NULL, event->warning,
                          event->reason, "endpoint-slice-controller", NULL, "%s", event->message);
    }

    /* The Endpoints object follows the same pods through the same fields
     * (address, readiness, termination, node, hostname, ports): when no
     * slice changes and it was written before, it cannot change either. */
    gboolean slices_changed = result->to_delete->len > 0 || result->to_update->len > 0
                              || result->to_create->len > 0;

    for (guint i = 0; i < result->to_delete->len; i++)
        kn_store_delete(store, KN_KIND_ENDPOINT_SLICE, namespace, result->to_delete->pdata[i]);
    while (result->to_update->len > 0) {
        KnEndpointSlice *update = kn_endpointslice_result_steal(result->to_update, 0);
        KnEndpointSlice *stored = kn_store_lookup(store, KN_KIND_ENDPOINT_SLICE, namespace, update->meta.name);

        if (stored == NULL) {
            kn_object_free(KN_KIND_ENDPOINT_SLICE, update);
            continue;
        }
        replace_slice(stored, update);
        kn_store_update(store, KN_KIND_ENDPOINT_SLICE, stored, TRUE);
        count_slice(sync, stored);
    }
    while (result->to_create->len > 0) {
        KnEndpointSlice *slice = kn_endpointslice_result_steal(result->to_create, 0);
        g_autofree char *slice_name = g_strdup(slice->meta.name);

        if (kn_store_add(store, KN_KIND_ENDPOINT_SLICE, slice, NULL))
            count_slice(sync, kn_store_lookup(store, KN_KIND_ENDPOINT_SLICE, namespace, slice_name));
    }
    if (slices_changed || !g_hash_table_contains(sync->written, service_key))
        sync_endpoints(sync, service, pods);
}

static void
on_sync(gpointer data, const char *namespace, const char *name)
{
    sync_service(data, namespace, name);
}

/*****************************************************************************/
/* Watches. */

/* Deletes what a deleted Service owned. */
static void
collect(KnEndpointSliceSync *sync, const KnService *service)
{
    KnStore *store = sync->cluster->store;
    g_autoptr(GPtrArray) slices = slices_of(store, service);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < slices->len; i++)
        g_ptr_array_add(names, g_strdup(((KnEndpointSlice *) slices->pdata[i])->meta.name));
    for (guint i = 0; i < names->len; i++)
        kn_store_delete(store, KN_KIND_ENDPOINT_SLICE, service->meta.namespace, names->pdata[i]);
    kn_store_delete(store, KN_KIND_ENDPOINTS, service->meta.namespace, service->meta.name);

    g_autofree char *key = g_strconcat(service->meta.namespace, "/", service->meta.name, NULL);

    g_hash_table_remove(sync->written, key);
    forget_pods(sync, key);
}

static void
on_service_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnEndpointSliceSync *sync = user_data;
    KnService *service = object;

    (void) store;
    (void) kind;
    index_service(sync, service, event != KN_WATCH_DELETED);
    if (event == KN_WATCH_DELETED)
        collect(sync, service);
    else
        kn_workqueue_add(sync->queue, service->meta.namespace, service->meta.name);
}

/* Queues the Services of the set 'names' ("ns/name") that select 'pod', or
 * all of them if 'all' is set. */
static void
enqueue_set(KnEndpointSliceSync *sync, GHashTable *names, const KnPod *pod, gboolean all)
{
    GHashTableIter iter;
    gpointer key;

    if (names == NULL)
        return;
    g_hash_table_iter_init(&iter, names);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        const char *slash = strchr(key, '/');
        char namespace[256];
        gsize ns_len = (gsize) (slash - (const char *) key);
        KnService *service;

        if (ns_len >= sizeof namespace)
            continue;                    /* longer than any valid namespace */
        memcpy(namespace, key, ns_len);
        namespace[ns_len] = '\0';
        service = kn_store_lookup(sync->cluster->store, KN_KIND_SERVICE, namespace, slash + 1);
        if (service != NULL && (all || kn_labels_match(pod->meta.labels, service->spec.selector)))
            kn_workqueue_add(sync->queue, namespace, slash + 1);
    }
}

/* Writes "PREFIX SEP A [= B]" into 'buffer' of 'size'; FALSE if it does not fit. */
static gboolean
join_key(char *buffer, gsize size, const char *prefix, char sep, const char *a, const char *b)
{
    gsize p = strlen(prefix), la = a != NULL ? strlen(a) : 0, lb = b != NULL ? strlen(b) : 0;

    if (p + 1 + la + (b != NULL ? 1 + lb : 0) + 1 > size)
        return FALSE;
    memcpy(buffer, prefix, p);
    buffer[p++] = sep;
    memcpy(buffer + p, a != NULL ? a : "", la);
    p += la;
    if (b != NULL) {
        buffer[p++] = '=';
        memcpy(buffer + p, b, lb);
        p += lb;
    }
    buffer[p] = '\0';
    return TRUE;
}

/* Queues the Services that select the pod now, through the selector index,
 * and those whose last sync had it (so a pod that lost a label leaves).
 * Every pod event comes here: the keys are built on the stack. */
static void
on_pod_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnEndpointSliceSync *sync = user_data;
    KnPod *pod = object;
    const KnLabels *labels = pod->meta.labels;
    char key[1024];

    (void) store;
    (void) kind;
    (void) event;
    for (guint i = 0; i < kn_labels_size(labels); i++)
        if (join_key(key, sizeof key, pod->meta.namespace, '\1', kn_labels_key(labels, i), kn_labels_value(labels, i)))
            enqueue_set(sync, g_hash_table_lookup(sync->by_selector, key), pod, FALSE);
    if (join_key(key, sizeof key, pod->meta.namespace, '\1', NULL, NULL))
        enqueue_set(sync, g_hash_table_lookup(sync->by_selector, key), pod, FALSE);
    if (join_key(key, sizeof key, pod->meta.namespace, '/', pod->meta.name, NULL))
        enqueue_set(sync, g_hash_table_lookup(sync->pod_services, key), pod, TRUE);
}

static void
on_node_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnEndpointSliceSync *sync = user_data;
    KnNode *node = object;
    g_autoptr(GPtrArray) services = kn_store_list(store, KN_KIND_SERVICE, NULL);

    (void) kind;
    if (event == KN_WATCH_DELETED)
        g_hash_table_remove(sync->nodes, node->meta.name);
    else
        g_hash_table_insert(sync->nodes, node->meta.name, node);
    kn_endpointslice_topology_set_nodes(sync->topology, sync->nodes);
    for (guint i = 0; i < services->len; i++) {
        KnService *service = services->pdata[i];

        if (service->spec.selector != NULL)
            kn_workqueue_add(sync->queue, service->meta.namespace, service->meta.name);
    }
}

KnEndpointSliceSync *
kn_endpointslice_sync_new(KnCluster *cluster, guint max_endpoints)
{
    g_return_val_if_fail(cluster != NULL, NULL);

    KnEndpointSliceSync *sync = g_new0(KnEndpointSliceSync, 1);
    g_autoptr(GPtrArray) services = kn_store_list(cluster->store, KN_KIND_SERVICE, NULL);

    sync->cluster = cluster;
    sync->max_endpoints = max_endpoints;
    sync->queue = kn_workqueue_new(cluster->sim, SYNC_DELAY, "endpointslice-sync", on_sync, sync);
    sync->by_selector = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_hash_table_unref);
    sync->selectors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    sync->pod_services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_hash_table_unref);
    sync->written = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    sync->last_pods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
    sync->nodes = g_hash_table_new(g_str_hash, g_str_equal);

    g_autoptr(GPtrArray) nodes = kn_store_list(cluster->store, KN_KIND_NODE, NULL);

    for (guint i = 0; i < nodes->len; i++)
        g_hash_table_insert(sync->nodes, ((KnNode *) nodes->pdata[i])->meta.name, nodes->pdata[i]);
    sync->topology = kn_endpointslice_topology_new();
    kn_endpointslice_topology_set_nodes(sync->topology, sync->nodes);
    kn_store_watch(cluster->store, KN_KIND_SERVICE, on_service_event, sync);
    kn_store_watch(cluster->store, KN_KIND_POD, on_pod_event, sync);
    kn_store_watch(cluster->store, KN_KIND_NODE, on_node_event, sync);
    for (guint i = 0; i < services->len; i++) {
        KnService *service = services->pdata[i];

        index_service(sync, service, TRUE);
        kn_workqueue_add(sync->queue, service->meta.namespace, service->meta.name);
    }
    return sync;
}

void
kn_endpointslice_sync_free(KnEndpointSliceSync *sync)
{
    if (sync == NULL)
        return;
    kn_workqueue_free(sync->queue);
    g_hash_table_unref(sync->by_selector);
    g_hash_table_unref(sync->selectors);
    g_hash_table_unref(sync->pod_services);
    g_hash_table_unref(sync->written);
    g_hash_table_unref(sync->last_pods);
    g_hash_table_unref(sync->nodes);
    kn_endpointslice_topology_free(sync->topology);
    g_free(sync);
}

const KnEndpointSliceStats *
kn_endpointslice_sync_stats(const KnEndpointSliceSync *sync)
{
    return &sync->stats;
}

const KnEndpointSliceTopology *
kn_endpointslice_sync_topology(const KnEndpointSliceSync *sync)
{
    g_return_val_if_fail(sync != NULL, NULL);
    return sync->topology;
}
