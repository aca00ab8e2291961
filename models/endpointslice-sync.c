/* endpointslice-sync.c -- the controllers of endpointslice-sync.h.
 *
 * DOC: Like pkg/controller/endpointslice and pkg/controller/endpoint, the
 * controllers queue a Service whenever it changes, or a pod or node that it
 * may select changes (a pod's labels, readiness, address or deletion), and
 * sync each queued Service once after a short delay: compute the slices,
 * create, update and delete them in the store, and rewrite the Endpoints
 * object if it changed.  A deleted Service's slices and Endpoints go with it
 * (owner references and the garbage collector).
 *
 * Simplified: one delay for both controllers; no batching period
 * (--endpointslice-updates-batch-period is 0 by default anyway). */

#include <config.h>
#include "models/endpointslice-sync.h"

#include <string.h>
#include "models/endpointslice.h"

#define SYNC_DELAY (10 * KN_MSEC)        /* a change to the Service's sync */
#define SERVICE_NAME_LABEL "kubernetes.io/service-name"

struct KnEndpointSliceSync {
    KnCluster *cluster;                  /* borrowed */
    guint max_endpoints;
    GHashTable *queued;                  /* "ns/name" of Services to sync */
    KnEndpointSliceStats stats;
};

typedef struct {
    KnEndpointSliceSync *sync;
    char *namespace;
    char *name;
} Work;

static void
work_free(Work *work)
{
    g_free(work->namespace);
    g_free(work->name);
    g_free(work);
}

static void on_sync(KnSim *sim, gpointer data);

static const KnEventClass sync_class = { "endpointslice-sync", on_sync, (GDestroyNotify) work_free };

static void
enqueue(KnEndpointSliceSync *sync, const char *namespace, const char *name)
{
    char *key = g_strconcat(namespace, "/", name, NULL);
    Work *work;

    if (!g_hash_table_add(sync->queued, key))
        return;
    work = g_new(Work, 1);
    work->sync = sync;
    work->namespace = g_strdup(namespace);
    work->name = g_strdup(name);
    kn_sim_schedule_in(sync->cluster->sim, SYNC_DELAY, &sync_class, work);
}

/* The slices the controller manages for 'service', borrowed. */
static GPtrArray *
slices_of(KnStore *store, const KnService *service)
{
    g_autoptr(GPtrArray) all = kn_store_list(store, KN_KIND_ENDPOINT_SLICE, service->meta.namespace);
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < all->len; i++) {
        KnEndpointSlice *slice = all->pdata[i];

        if (g_strcmp0(kn_labels_get(slice->meta.labels, SERVICE_NAME_LABEL), service->meta.name) == 0
            && g_strcmp0(kn_labels_get(slice->meta.labels, "endpointslice.kubernetes.io/managed-by"),
                         "endpointslice-controller.k8s.io") == 0)
            g_ptr_array_add(out, slice);
    }
    return out;
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

    g_autofree char *want_json = kn_endpointslice_endpoints_to_json(want);
    g_autofree char *have_json = have != NULL ? kn_endpointslice_endpoints_to_json(have) : NULL;

    if (have != NULL && g_strcmp0(want_json, have_json) == 0) {
        kn_object_free(KN_KIND_ENDPOINTS, want);
        return;
    }
    if (have != NULL)
        kn_store_delete(store, KN_KIND_ENDPOINTS, service->meta.namespace, service->meta.name);
    kn_store_add(store, KN_KIND_ENDPOINTS, want, NULL);
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
    if (service->spec.selector == NULL) {
        /* Selectorless: the user manages slices and Endpoints by hand. */
        return;
    }

    g_autoptr(GPtrArray) all_pods = kn_store_list(store, KN_KIND_POD, namespace);
    g_autoptr(GPtrArray) pods = g_ptr_array_new();
    g_autoptr(GPtrArray) nodes = kn_store_list(store, KN_KIND_NODE, NULL);
    g_autoptr(GHashTable) node_table = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) existing = slices_of(store, service);

    for (guint i = 0; i < all_pods->len; i++)
        if (kn_labels_match(((KnPod *) all_pods->pdata[i])->meta.labels, service->spec.selector))
            g_ptr_array_add(pods, all_pods->pdata[i]);
    for (guint i = 0; i < nodes->len; i++)
        g_hash_table_insert(node_table, ((KnNode *) nodes->pdata[i])->meta.name, nodes->pdata[i]);

    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(service, pods, node_table, existing, sync->max_endpoints,
                                   kn_sim_rng(sync->cluster->sim, "names"));

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
    sync_endpoints(sync, service, pods);
}

static void
on_sync(KnSim *sim, gpointer data)
{
    Work *work = data;
    g_autofree char *key = g_strconcat(work->namespace, "/", work->name, NULL);

    (void) sim;
    g_hash_table_remove(work->sync->queued, key);
    sync_service(work->sync, work->namespace, work->name);
    work_free(work);
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
}

static void
on_service_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnEndpointSliceSync *sync = user_data;
    KnService *service = object;

    (void) store;
    (void) kind;
    if (event == KN_WATCH_DELETED)
        collect(sync, service);
    else
        enqueue(sync, service->meta.namespace, service->meta.name);
}

/* Queues every Service of the pod's namespace that selects it, or whose
 * slices name it (so a pod that lost the label leaves). */
static void
on_pod_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnEndpointSliceSync *sync = user_data;
    KnPod *pod = object;
    g_autoptr(GPtrArray) services = kn_store_list(store, KN_KIND_SERVICE, pod->meta.namespace);

    (void) kind;
    (void) event;
    for (guint i = 0; i < services->len; i++) {
        KnService *service = services->pdata[i];

        if (service->spec.selector == NULL)
            continue;
        if (kn_labels_match(pod->meta.labels, service->spec.selector)) {
            enqueue(sync, service->meta.namespace, service->meta.name);
            continue;
        }

        g_autoptr(GPtrArray) slices = slices_of(store, service);

        for (guint s = 0; s < slices->len; s++) {
            KnEndpointSlice *slice = slices->pdata[s];

            for (guint e = 0; e < slice->endpoints->len; e++)
                if (g_strcmp0(((KnEndpoint *) slice->endpoints->pdata[e])->target_pod, pod->meta.name) == 0)
                    enqueue(sync, service->meta.namespace, service->meta.name);
        }
    }
}

static void
on_node_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnEndpointSliceSync *sync = user_data;
    g_autoptr(GPtrArray) services = kn_store_list(store, KN_KIND_SERVICE, NULL);

    (void) kind;
    (void) event;
    (void) object;
    for (guint i = 0; i < services->len; i++) {
        KnService *service = services->pdata[i];

        if (service->spec.selector != NULL)
            enqueue(sync, service->meta.namespace, service->meta.name);
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
    sync->queued = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    kn_store_watch(cluster->store, KN_KIND_SERVICE, on_service_event, sync);
    kn_store_watch(cluster->store, KN_KIND_POD, on_pod_event, sync);
    kn_store_watch(cluster->store, KN_KIND_NODE, on_node_event, sync);
    for (guint i = 0; i < services->len; i++) {
        KnService *service = services->pdata[i];

        enqueue(sync, service->meta.namespace, service->meta.name);
    }
    return sync;
}

void
kn_endpointslice_sync_free(KnEndpointSliceSync *sync)
{
    if (sync == NULL)
        return;
    g_hash_table_unref(sync->queued);
    g_free(sync);
}

const KnEndpointSliceStats *
kn_endpointslice_sync_stats(const KnEndpointSliceSync *sync)
{
    return &sync->stats;
}
