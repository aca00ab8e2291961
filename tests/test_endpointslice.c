/* test_endpointslice.c -- the EndpointSlice reconcile (packing, updates in
 * place, placeholder, conditions, port groups, names), the legacy Endpoints
 * object and the JSON both are sized by. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>

#include "models/endpointslice.h"

/*****************************************************************************/
/* Fixtures: a Service "default/web" selecting pods on two zoned nodes, and a
 * store that applies results as the API server would. */

static KnService *
make_service(void)
{
    KnService *service = kn_service_new();
    KnServicePort *port = kn_service_port_new();

    service->meta.name = g_strdup("web");
    service->meta.namespace = g_strdup("default");
    service->meta.uid = g_strdup("svc-uid");
    kn_labels_set(service->meta.labels, "app", "web");
    service->spec.selector = kn_labels_new();
    kn_labels_set(service->spec.selector, "app", "web");
    service->spec.cluster_ip = g_strdup("10.96.0.10");
    g_ptr_array_add(service->spec.ip_families, g_strdup("IPv4"));
    port->name = g_strdup("http");
    port->port = 80;
    kn_int_or_string_set_number(&port->target_port, 8080);
    g_ptr_array_add(service->spec.ports, port);
    return service;
}

static KnPod *
make_pod(const char *name, guint index, gboolean ready)
{
    KnPod *pod = kn_pod_new();

    pod->meta.name = g_strdup(name);
    pod->meta.namespace = g_strdup("default");
    pod->meta.uid = g_strdup_printf("pod-uid-%u", index);
    kn_labels_set(pod->meta.labels, "app", "web");
    pod->spec.node_name = g_strdup(index % 2 == 0 ? "node-a" : "node-b");
    pod->phase = KN_POD_RUNNING;
    pod->pod_ip = g_strdup_printf("10.244.%u.%u", index / 250, index % 250 + 1);
    pod->started = TRUE;
    pod->ready = ready;
    return pod;
}

static void
pod_free(gpointer pod)
{
    kn_object_free(KN_KIND_POD, pod);
}

static void
node_free(gpointer node)
{
    kn_object_free(KN_KIND_NODE, node);
}

static void
slice_free(gpointer slice)
{
    kn_object_free(KN_KIND_ENDPOINT_SLICE, slice);
}

static GPtrArray *
make_pods(guint n)
{
    GPtrArray *pods = g_ptr_array_new_with_free_func(pod_free);

    for (guint i = 0; i < n; i++) {
        g_autofree char *name = g_strdup_printf("web-%05u", i);

        g_ptr_array_add(pods, make_pod(name, i, TRUE));
    }
    return pods;
}

static GHashTable *
make_nodes(void)
{
    GHashTable *nodes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, node_free);

    for (int i = 0; i < 2; i++) {
        KnNode *node = kn_node_new();

        node->meta.name = g_strdup(i == 0 ? "node-a" : "node-b");
        kn_labels_set(node->meta.labels, "topology.kubernetes.io/zone", i == 0 ? "zone-a" : "zone-b");
        g_hash_table_insert(nodes, node->meta.name, node);
    }
    return nodes;
}

static gint
find_slice(GPtrArray *store, const char *name)
{
    for (guint i = 0; i < store->len; i++)
        if (strcmp(((KnEndpointSlice *) store->pdata[i])->meta.name, name) == 0)
            return (gint) i;
    return -1;
}

/* Applies 'result' to 'store' (KnEndpointSlice, owned), taking its slices. */
static void
apply(GPtrArray *store, KnEndpointSliceResult *result)
{
    for (guint i = 0; i < result->to_delete->len; i++) {
        gint at = find_slice(store, result->to_delete->pdata[i]);

        assert_true(at >= 0);
        g_ptr_array_remove_index(store, (guint) at);
    }
    while (result->to_update->len > 0) {
        KnEndpointSlice *slice = kn_endpointslice_result_steal(result->to_update, 0);
        gint at = find_slice(store, slice->meta.name);

        assert_true(at >= 0);
        slice->meta.resource_version++;
        slice_free(store->pdata[at]);
        store->pdata[at] = slice;
    }
    while (result->to_create->len > 0) {
        KnEndpointSlice *slice = kn_endpointslice_result_steal(result->to_create, 0);

        assert_int_equal(find_slice(store, slice->meta.name), -1);
        slice->meta.uid = g_strdup_printf("uid-%s", slice->meta.name);
        slice->meta.resource_version = 1;
        g_ptr_array_add(store, slice);
    }
}

static gint
compare_uint_desc(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *) a, y = *(const guint *) b;

    return (x < y) - (x > y);
}

/* The endpoint counts of 'slices', largest first, as "100,100,50". */
static char *
sizes(const GPtrArray *slices)
{
    g_autoptr(GArray) counts = g_array_new(FALSE, FALSE, sizeof(guint));
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < slices->len; i++)
        g_array_append_val(counts, ((KnEndpointSlice *) slices->pdata[i])->endpoints->len);
    g_array_sort(counts, compare_uint_desc);
    for (guint i = 0; i < counts->len; i++)
        g_string_append_printf(out, "%s%u", i > 0 ? "," : "", g_array_index(counts, guint, i));
    return g_string_free(out, FALSE);
}

static gboolean
slice_has_pod(const KnEndpointSlice *slice, const char *pod)
{
    for (guint i = 0; i < slice->endpoints->len; i++)
        if (g_strcmp0(((KnEndpoint *) slice->endpoints->pdata[i])->target_pod, pod) == 0)
            return TRUE;
    return FALSE;
}

typedef struct {
    KnService *service;
    GHashTable *nodes;
    GPtrArray *store;
    KnRng rng;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->service = make_service();
    f->nodes = make_nodes();
    f->store = g_ptr_array_new_with_free_func(slice_free);
    kn_rng_init(&f->rng, 1, "endpointslice-names");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    kn_object_free(KN_KIND_SERVICE, f->service);
    g_hash_table_unref(f->nodes);
    g_ptr_array_unref(f->store);
    g_free(f);
    return 0;
}

static KnEndpointSliceResult *
reconcile(Fixture *f, const GPtrArray *pods)
{
    return kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, NULL, &f->rng);
}

/*****************************************************************************/
/* Packing. */

static void
check_packing(void **state, guint n_pods, const char *want)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(n_pods);
    g_autoptr(KnEndpointSliceResult) result = reconcile(f, pods);
    g_autofree char *got = sizes(result->to_create);

    assert_string_equal(got, want);
    assert_int_equal(result->to_update->len, 0);
    assert_int_equal(result->to_delete->len, 0);
    apply(f->store, result);

    /* A second pass over the same pods changes nothing. */
    g_autoptr(KnEndpointSliceResult) again = reconcile(f, pods);

    assert_int_equal(again->to_create->len + again->to_update->len + again->to_delete->len, 0);
}

static void
test_endpointslice_packs_200_into_two_full_slices(void **state)
{
    check_packing(state, 200, "100,100");
}

static void
test_endpointslice_packs_250_as_100_100_50(void **state)
{
    check_packing(state, 250, "100,100,50");
}

static void
test_endpointslice_packs_5000_into_50_slices(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(5000);
    g_autoptr(KnEndpointSliceResult) result = reconcile(f, pods);

    assert_int_equal(result->to_create->len, 50);
    for (guint i = 0; i < result->to_create->len; i++)
        assert_int_equal(((KnEndpointSlice *) result->to_create->pdata[i])->endpoints->len, 100);
}

/* Section 4.3: one pod leaves a full slice and a new one arrives; the new
 * endpoint goes into the slice now at 99 (updated anyway), not the 50. */
static void
test_endpointslice_new_endpoint_fills_the_slice_being_updated(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(250);
    g_autoptr(KnEndpointSliceResult) first = reconcile(f, pods);
    const KnEndpointSlice *full = NULL, *half = NULL;
    g_autofree char *full_name = NULL;
    g_autofree char *half_name = NULL;
    guint64 half_version;

    apply(f->store, first);
    for (guint i = 0; i < f->store->len; i++) {
        const KnEndpointSlice *slice = f->store->pdata[i];

        if (slice->endpoints->len == 100 && full == NULL)
            full = slice;
        if (slice->endpoints->len == 50)
            half = slice;
    }
    assert_non_null(full);
    assert_non_null(half);
    full_name = g_strdup(full->meta.name);
    half_name = g_strdup(half->meta.name);
    half_version = half->meta.resource_version;

    /* Delete a pod of the full slice, add "web-new". */
    const char *gone = ((KnEndpoint *) full->endpoints->pdata[17])->target_pod;

    for (guint i = 0; i < pods->len; i++) {
        if (strcmp(((KnPod *) pods->pdata[i])->meta.name, gone) == 0) {
            g_ptr_array_remove_index(pods, i);
            break;
        }
    }
    g_ptr_array_add(pods, make_pod("web-new", 999, TRUE));

    g_autoptr(KnEndpointSliceResult) second = reconcile(f, pods);
    const KnEndpointSlice *updated;

    assert_int_equal(second->to_create->len, 0);
    assert_int_equal(second->to_delete->len, 0);
    assert_int_equal(second->to_update->len, 1);
    updated = second->to_update->pdata[0];
    assert_string_equal(updated->meta.name, full_name);
    assert_int_equal(updated->endpoints->len, 100);
    assert_true(slice_has_pod(updated, "web-new"));
    apply(f->store, second);

    gint at = find_slice(f->store, half_name);

    assert_true(at >= 0);
    assert_int_equal(((KnEndpointSlice *) f->store->pdata[at])->endpoints->len, 50);
    assert_int_equal(((KnEndpointSlice *) f->store->pdata[at])->meta.resource_version, half_version);
}

/* Scale 250 down to every other pod: three updates, 50/50/25, no moves. */
static void
test_endpointslice_scale_down_leaves_sparse_slices(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(250);
    g_autoptr(KnEndpointSliceResult) first = reconcile(f, pods);
    g_autoptr(GPtrArray) half = g_ptr_array_new();

    apply(f->store, first);
    for (guint i = 0; i < pods->len; i += 2)
        g_ptr_array_add(half, pods->pdata[i]);

    g_autoptr(KnEndpointSliceResult) second = reconcile(f, half);
    g_autofree char *got = sizes(second->to_update);

    assert_int_equal(second->to_create->len, 0);
    assert_int_equal(second->to_delete->len, 0);
    assert_string_equal(got, "50,50,25");
}

static void
test_endpointslice_keeps_one_placeholder_without_endpoints(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autoptr(KnEndpointSliceResult) first = reconcile(f, none);
    const KnEndpointSlice *placeholder;

    assert_int_equal(first->to_create->len, 1);
    placeholder = first->to_create->pdata[0];
    assert_int_equal(placeholder->endpoints->len, 0);
    assert_int_equal(placeholder->ports->len, 0);
    assert_int_equal(placeholder->address_type, KN_ADDRESS_IPV4);
    apply(f->store, first);

    g_autoptr(KnEndpointSliceResult) again = reconcile(f, none);

    assert_int_equal(again->to_create->len + again->to_update->len + again->to_delete->len, 0);

    /* 250 pods, then none: the placeholder reuses one doomed slice's name. */
    g_autoptr(GPtrArray) pods = make_pods(250);
    g_autoptr(KnEndpointSliceResult) grow = reconcile(f, pods);

    apply(f->store, grow);
    assert_int_equal(f->store->len, 3);

    g_autoptr(KnEndpointSliceResult) shrink = reconcile(f, none);

    assert_int_equal(shrink->to_create->len, 0);
    assert_int_equal(shrink->to_update->len, 1);
    assert_int_equal(shrink->to_delete->len, 2);
    assert_int_equal(((KnEndpointSlice *) shrink->to_update->pdata[0])->endpoints->len, 0);
}

/*****************************************************************************/
/* Endpoints. */

static const KnEndpoint *
endpoint_of(const KnEndpointSliceResult *result, const char *pod)
{
    for (guint i = 0; i < result->to_create->len; i++) {
        const KnEndpointSlice *slice = result->to_create->pdata[i];

        for (guint e = 0; e < slice->endpoints->len; e++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[e];

            if (g_strcmp0(endpoint->target_pod, pod) == 0)
                return endpoint;
        }
    }
    fail_msg("no endpoint for %s", pod);
    return NULL;
}

static void
test_endpointslice_conditions_follow_readiness_and_termination(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = g_ptr_array_new_with_free_func(pod_free);
    KnPod *terminating = make_pod("web-term", 2, TRUE);
    KnPod *done = make_pod("web-done", 3, TRUE);
    KnPod *no_ip = make_pod("web-noip", 4, TRUE);

    g_ptr_array_add(pods, make_pod("web-ready", 0, TRUE));
    g_ptr_array_add(pods, make_pod("web-unready", 1, FALSE));
    terminating->meta.deleting = TRUE;
    g_ptr_array_add(pods, terminating);
    done->phase = KN_POD_SUCCEEDED;
    g_ptr_array_add(pods, done);
    g_clear_pointer(&no_ip->pod_ip, g_free);
    g_ptr_array_add(pods, no_ip);

    g_autoptr(KnEndpointSliceResult) result = reconcile(f, pods);
    const KnEndpoint *e;

    assert_int_equal(result->to_create->len, 1);
    assert_int_equal(((KnEndpointSlice *) result->to_create->pdata[0])->endpoints->len, 3);
    e = endpoint_of(result, "web-ready");
    assert_true(e->ready && e->serving && !e->terminating);
    assert_string_equal(e->zone, "zone-a");
    assert_string_equal(e->node_name, "node-a");
    assert_string_equal(e->target_uid, "pod-uid-0");
    assert_int_equal(e->hint_zones->len, 0);
    e = endpoint_of(result, "web-unready");
    assert_true(!e->ready && !e->serving && !e->terminating);
    e = endpoint_of(result, "web-term");
    assert_true(!e->ready && e->serving && e->terminating);

    /* publishNotReadyAddresses makes every endpoint ready. */
    f->service->spec.publish_not_ready_addresses = TRUE;
    g_autoptr(KnEndpointSliceResult) published = reconcile(f, pods);

    e = endpoint_of(published, "web-unready");
    assert_true(e->ready && !e->serving && !e->terminating);
    e = endpoint_of(published, "web-term");
    assert_true(e->ready && e->serving && e->terminating);

    /* PreferClose hints ready endpoints for their own zone. */
    f->service->spec.publish_not_ready_addresses = FALSE;
    f->service->spec.traffic_distribution = g_strdup("PreferClose");
    g_autoptr(KnEndpointSliceResult) hinted = reconcile(f, pods);

    e = endpoint_of(hinted, "web-ready");
    assert_int_equal(e->hint_zones->len, 1);
    assert_string_equal(e->hint_zones->pdata[0], "zone-a");
    e = endpoint_of(hinted, "web-unready");
    assert_int_equal(e->hint_zones->len, 0);
    assert_int_equal(endpoint_of(hinted, "web-ready")->hint_nodes->len, 0);

    /* PreferSameNode adds the node; PreferSameZone is PreferClose. */
    g_free(f->service->spec.traffic_distribution);
    f->service->spec.traffic_distribution = g_strdup("PreferSameNode");
    g_autoptr(KnEndpointSliceResult) same_node = reconcile(f, pods);

    e = endpoint_of(same_node, "web-ready");
    assert_int_equal(e->hint_zones->len, 1);
    assert_string_equal(e->hint_zones->pdata[0], "zone-a");
    assert_int_equal(e->hint_nodes->len, 1);
    assert_string_equal(e->hint_nodes->pdata[0], "node-a");
    assert_int_equal(endpoint_of(same_node, "web-unready")->hint_nodes->len, 0);

    g_free(f->service->spec.traffic_distribution);
    f->service->spec.traffic_distribution = g_strdup("PreferSameZone");
    g_autoptr(KnEndpointSliceResult) same_zone = reconcile(f, pods);

    e = endpoint_of(same_zone, "web-ready");
    assert_int_equal(e->hint_zones->len, 1);
    assert_int_equal(e->hint_nodes->len, 0);
}

static void
add_named_port(KnPod *pod, guint number)
{
    KnContainer *container = kn_container_new();
    KnContainerPort *port = kn_container_port_new();

    container->name = g_strdup("app");
    port->name = g_strdup("web");
    port->container_port = number;
    g_ptr_array_add(container->ports, port);
    g_ptr_array_add(pod->spec.containers, container);
}

static void
test_endpointslice_named_target_port_makes_two_port_groups(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = g_ptr_array_new_with_free_func(pod_free);
    KnServicePort *service_port = f->service->spec.ports->pdata[0];

    kn_int_or_string_set_string(&service_port->target_port, "web");
    for (guint i = 0; i < 4; i++) {
        g_autofree char *name = g_strdup_printf("web-%u", i);
        KnPod *pod = make_pod(name, i, TRUE);

        add_named_port(pod, i < 3 ? 8080 : 9090);
        g_ptr_array_add(pods, pod);
    }

    g_autoptr(KnEndpointSliceResult) result = reconcile(f, pods);

    assert_int_equal(result->to_create->len, 2);
    for (guint i = 0; i < 2; i++) {
        const KnEndpointSlice *slice = result->to_create->pdata[i];
        const KnEndpointPort *port = slice->ports->pdata[0];

        assert_int_equal(slice->ports->len, 1);
        assert_string_equal(port->name, "http");
        assert_int_equal(port->port, slice->endpoints->len == 3 ? 8080 : 9090);
        assert_true(slice->endpoints->len == 3 || slice->endpoints->len == 1);
    }
}

static void
test_endpointslice_hostname_needs_the_service_as_subdomain(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = g_ptr_array_new_with_free_func(pod_free);
    KnPod *named = make_pod("web-0", 0, TRUE);
    KnPod *other = make_pod("web-1", 1, TRUE);

    named->spec.hostname = g_strdup("db-0");
    named->spec.subdomain = g_strdup("web");
    other->spec.hostname = g_strdup("db-1");
    other->spec.subdomain = g_strdup("elsewhere");
    g_ptr_array_add(pods, named);
    g_ptr_array_add(pods, other);

    g_autoptr(KnEndpointSliceResult) result = reconcile(f, pods);

    assert_string_equal(endpoint_of(result, "web-0")->hostname, "db-0");
    assert_null(endpoint_of(result, "web-1")->hostname);
}

static void
test_endpointslice_names_are_seeded_and_from_the_alphabet(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(300);
    KnRng a, b;

    kn_rng_init(&a, 42, "endpointslice-names");
    kn_rng_init(&b, 42, "endpointslice-names");

    g_autoptr(KnEndpointSliceResult) x = kn_endpointslice_reconcile(f->service, pods, f->nodes, NULL, 0, NULL, &a);
    g_autoptr(KnEndpointSliceResult) y = kn_endpointslice_reconcile(f->service, pods, f->nodes, NULL, 0, NULL, &b);

    assert_int_equal(x->to_create->len, 3);
    for (guint i = 0; i < x->to_create->len; i++) {
        const KnEndpointSlice *sx = x->to_create->pdata[i], *sy = y->to_create->pdata[i];

        assert_string_equal(sx->meta.name, sy->meta.name);
        assert_string_equal(sx->meta.generate_name, "web-");
        assert_int_equal(strlen(sx->meta.name), 9);
        assert_true(g_str_has_prefix(sx->meta.name, "web-"));
        assert_int_equal(strspn(sx->meta.name + 4, "bcdfghjklmnpqrstvwxz2456789"), 5);
        assert_string_equal(kn_labels_get(sx->meta.labels, "kubernetes.io/service-name"), "web");
        assert_string_equal(kn_labels_get(sx->meta.labels, "endpointslice.kubernetes.io/managed-by"),
                            "endpointslice-controller.k8s.io");
        assert_string_equal(kn_labels_get(sx->meta.labels, "app"), "web");
        assert_null(kn_labels_get(sx->meta.labels, "service.kubernetes.io/headless"));
        assert_string_equal(sx->meta.owner.uid, "svc-uid");
    }
    assert_string_not_equal(((KnEndpointSlice *) x->to_create->pdata[0])->meta.name,
                            ((KnEndpointSlice *) x->to_create->pdata[1])->meta.name);
}

/*****************************************************************************/
/* Legacy Endpoints. */

static void
test_endpointslice_legacy_endpoints_truncate_at_1000(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(1200);
    KnEndpoints *endpoints = kn_endpointslice_legacy_endpoints(f->service, pods);
    const KnEndpointSubset *subset;

    assert_non_null(endpoints);
    assert_string_equal(endpoints->meta.name, "web");
    assert_int_equal(endpoints->subsets->len, 1);
    subset = endpoints->subsets->pdata[0];
    assert_int_equal(subset->addresses->len, 1000);
    assert_int_equal(subset->not_ready_addresses->len, 0);
    assert_int_equal(subset->ports->len, 1);
    assert_string_equal(kn_labels_get(endpoints->meta.annotations, "endpoints.kubernetes.io/over-capacity"),
                        "truncated");
    /* Sorted by IP as bytes: 10.244.0.1, 10.244.0.10, 10.244.0.100, ... */
    assert_string_equal(((KnEndpointAddress *) subset->addresses->pdata[0])->ip, "10.244.0.1");
    assert_string_equal(((KnEndpointAddress *) subset->addresses->pdata[1])->ip, "10.244.0.10");
    kn_object_free(KN_KIND_ENDPOINTS, endpoints);

    /* Under capacity, with a not-ready pod: no annotation. */
    g_autoptr(GPtrArray) few = make_pods(3);

    ((KnPod *) few->pdata[1])->ready = FALSE;
    endpoints = kn_endpointslice_legacy_endpoints(f->service, few);
    subset = endpoints->subsets->pdata[0];
    assert_int_equal(subset->addresses->len, 2);
    assert_int_equal(subset->not_ready_addresses->len, 1);
    assert_null(kn_labels_get(endpoints->meta.annotations, "endpoints.kubernetes.io/over-capacity"));
    kn_object_free(KN_KIND_ENDPOINTS, endpoints);

    /* None for a Service without a selector. */
    g_clear_pointer(&f->service->spec.selector, kn_labels_free);
    assert_null(kn_endpointslice_legacy_endpoints(f->service, few));
}

/*****************************************************************************/
/* JSON. */

static void
test_endpointslice_json_of_a_small_slice(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(1);
    g_autoptr(KnEndpointSliceResult) result = reconcile(f, pods);
    KnEndpointSlice *slice = result->to_create->pdata[0];
    g_autofree char *json = NULL;
    static const char want[] =
        "{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\","
        "\"metadata\":{\"name\":\"web-b2c4d\",\"generateName\":\"web-\",\"namespace\":\"default\","
        "\"uid\":\"slice-uid\",\"resourceVersion\":\"7\","
        "\"labels\":{\"app\":\"web\",\"endpointslice.kubernetes.io/managed-by\":"
        "\"endpointslice-controller.k8s.io\",\"kubernetes.io/service-name\":\"web\"},"
        "\"annotations\":{\"note\":\"a\\u003cb\\u0026\\\"c\\\"\\n\"},"
        "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"name\":\"web\","
        "\"uid\":\"svc-uid\",\"controller\":true,\"blockOwnerDeletion\":true}]},"
        "\"addressType\":\"IPv4\","
        "\"endpoints\":[{\"addresses\":[\"10.244.0.1\"],"
        "\"conditions\":{\"ready\":true,\"serving\":true,\"terminating\":false},"
        "\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"web-00000\","
        "\"uid\":\"pod-uid-0\"},\"nodeName\":\"node-a\",\"zone\":\"zone-a\"}],"
        "\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":8080}]}";

    g_free(slice->meta.name);
    slice->meta.name = g_strdup("web-b2c4d");
    slice->meta.uid = g_strdup("slice-uid");
    slice->meta.resource_version = 7;
    kn_labels_set(slice->meta.annotations, "note", "a<b&\"c\"\n");
    json = kn_endpointslice_to_json(slice);
    assert_string_equal(json, want);
    assert_int_equal(kn_endpointslice_json_size(slice), strlen(want));

    /* The placeholder writes its empty lists as null. */
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autoptr(KnEndpointSliceResult) empty = reconcile(f, none);
    g_autofree char *placeholder = kn_endpointslice_to_json(empty->to_create->pdata[0]);

    assert_true(g_str_has_suffix(placeholder, "\"addressType\":\"IPv4\",\"endpoints\":null,\"ports\":null}"));
}

static void
test_endpointslice_json_of_legacy_endpoints(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) pods = make_pods(2);
    KnEndpoints *endpoints;
    g_autofree char *json = NULL;
    static const char want[] =
        "{\"kind\":\"Endpoints\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web\","
        "\"namespace\":\"default\",\"labels\":{\"app\":\"web\"}},"
        "\"subsets\":[{\"addresses\":["
        "{\"ip\":\"10.244.0.1\",\"nodeName\":\"node-a\",\"targetRef\":{\"kind\":\"Pod\","
        "\"namespace\":\"default\",\"name\":\"web-00000\",\"uid\":\"pod-uid-0\"}},"
        "{\"ip\":\"10.244.0.2\",\"nodeName\":\"node-b\",\"targetRef\":{\"kind\":\"Pod\","
        "\"namespace\":\"default\",\"name\":\"web-00001\",\"uid\":\"pod-uid-1\"}}],"
        "\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]}]}";

    ((KnPod *) pods->pdata[1])->ready = TRUE;
    endpoints = kn_endpointslice_legacy_endpoints(f->service, pods);
    json = kn_endpointslice_endpoints_to_json(endpoints);
    assert_string_equal(json, want);
    assert_int_equal(kn_endpointslice_endpoints_json_size(endpoints), strlen(want));
    kn_object_free(KN_KIND_ENDPOINTS, endpoints);
}

/*****************************************************************************/
/* Topology-mode Auto (section 5.2): the topology cache. */

/* Sets up the Auto fixture: node-a in zone a with 'cpu_a' cores, node-b in
 * zone b with 'cpu_b', both Ready; the Service annotated Auto.  Returns
 * the cache fed with the fixture's nodes. */
static KnEndpointSliceTopology *
auto_setup(Fixture *f, guint cpu_a, guint cpu_b)
{
    KnNode *a = g_hash_table_lookup(f->nodes, "node-a");
    KnNode *b = g_hash_table_lookup(f->nodes, "node-b");
    KnEndpointSliceTopology *topology = kn_endpointslice_topology_new();

    kn_labels_set(a->meta.labels, "topology.kubernetes.io/zone", "a");
    kn_labels_set(b->meta.labels, "topology.kubernetes.io/zone", "b");
    a->cpu = cpu_a;
    b->cpu = cpu_b;
    a->ready = b->ready = TRUE;
    kn_labels_set(f->service->meta.annotations, "service.kubernetes.io/topology-mode", "Auto");
    kn_endpointslice_topology_set_nodes(topology, f->nodes);
    return topology;
}

static void
add_node(Fixture *f, const char *name, const char *zone, guint cpu, gboolean ready, const char *role)
{
    KnNode *node = kn_node_new();

    node->meta.name = g_strdup(name);
    if (zone != NULL)
        kn_labels_set(node->meta.labels, "topology.kubernetes.io/zone", zone);
    if (role != NULL)
        kn_labels_set(node->meta.labels, role, "");
    node->cpu = cpu;
    node->ready = ready;
    g_hash_table_insert(f->nodes, node->meta.name, node);
}

/* 'n_a' pods on node-a then 'n_b' on node-b, all ready. */
static GPtrArray *
zoned_pods(guint n_a, guint n_b)
{
    GPtrArray *pods = make_pods(n_a + n_b);

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        g_free(pod->spec.node_name);
        pod->spec.node_name = g_strdup(i < n_a ? "node-a" : "node-b");
    }
    return pods;
}

static gint
compare_keys(gconstpointer a, gconstpointer b, gpointer data)
{
    (void) data;
    return strcmp(a, b);
}

static gboolean
append_count(gpointer key, gpointer value, gpointer data)
{
    GString *text = data;

    g_string_append_printf(text, "%s%s:%u", text->len > 0 ? " " : "", (char *) key, GPOINTER_TO_UINT(value));
    return FALSE;
}

/* "a:6 b:4": the ready endpoints of 'slices' hinted per zone, in zone
 * order, and in '*n_moved' how many are hinted for another zone than
 * their own. */
static char *
hint_counts(const GPtrArray *slices, guint *n_moved)
{
    g_autoptr(GTree) counts = g_tree_new_full(compare_keys, NULL, g_free, NULL);
    GString *out = g_string_new(NULL);

    *n_moved = 0;
    for (guint s = 0; s < slices->len; s++) {
        const KnEndpointSlice *slice = slices->pdata[s];

        for (guint e = 0; e < slice->endpoints->len; e++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[e];

            for (guint h = 0; h < endpoint->hint_zones->len; h++) {
                const char *zone = endpoint->hint_zones->pdata[h];

                g_tree_insert(counts, g_strdup(zone),
                              GUINT_TO_POINTER(GPOINTER_TO_UINT(g_tree_lookup(counts, zone)) + 1));
                if (g_strcmp0(zone, endpoint->zone) != 0)
                    (*n_moved)++;
            }
        }
    }
    /* GTree walks in key order. */
    g_tree_foreach(counts, append_count, out);
    return g_string_free(out, FALSE);
}

static void
assert_no_hints(const GPtrArray *slices)
{
    guint moved;
    g_autofree char *counts = hint_counts(slices, &moved);

    assert_string_equal(counts, "");
}

static void
assert_one_event(const KnEndpointSliceResult *result, const char *reason, const char *message)
{
    assert_int_equal(result->events->len, 1);

    const KnEndpointSliceEvent *event = result->events->pdata[0];

    assert_string_equal(event->reason, reason);
    assert_string_equal(event->message, message);
}

/* Section 5.2's example: a has 60% of the CPU and 7 of 10 endpoints, so
 * one endpoint of a serves b: a:6 b:4. */
static void
test_endpointslice_auto_hints_move_one_endpoint_from_a_to_b(void **state)
{
    Fixture *f = *state;
    g_autoptr(KnEndpointSliceTopology) topology = auto_setup(f, 6, 4);
    g_autoptr(GPtrArray) pods = zoned_pods(7, 3);
    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);
    guint moved;
    g_autofree char *counts = hint_counts(result->to_create, &moved);

    assert_true(kn_endpointslice_topology_zone_ratio(topology, "a") == 0.6);
    assert_string_equal(counts, "a:6 b:4");
    assert_int_equal(moved, 1);
    /* The first ready endpoint of the giving zone, in slice order. */
    {
        const KnEndpointSlice *slice = result->to_create->pdata[0];
        const KnEndpoint *first = slice->endpoints->pdata[0];

        assert_string_equal(first->zone, "a");
        assert_string_equal(first->hint_zones->pdata[0], "b");
    }
    assert_one_event(result, "TopologyAwareHintsEnabled",
                     "Topology Aware Hints has been enabled, addressType: IPv4");
    apply(f->store, result);

    /* Stable: nothing to write, and no second Enabled event. */
    g_autoptr(KnEndpointSliceResult) again =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);

    assert_int_equal(again->to_create->len + again->to_update->len + again->to_delete->len, 0);
    assert_int_equal(again->events->len, 0);
}

/* Two zones need two ready endpoints. */
static void
test_endpointslice_auto_needs_an_endpoint_per_zone(void **state)
{
    Fixture *f = *state;
    g_autoptr(KnEndpointSliceTopology) topology = auto_setup(f, 6, 4);
    g_autoptr(GPtrArray) pods = zoned_pods(1, 0);
    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);

    assert_no_hints(result->to_create);
    assert_one_event(result, "TopologyAwareHintsDisabled",
                     "Insufficient number of endpoints (1 endpoints, 2 zones), addressType: IPv4");
}

/* 2 endpoints in zones of 90% and 10%: the minimums (2 and 1) are more
 * than there are endpoints. */
static void
test_endpointslice_auto_minimum_above_endpoints_disables(void **state)
{
    Fixture *f = *state;
    g_autoptr(KnEndpointSliceTopology) topology = auto_setup(f, 9, 1);
    g_autoptr(GPtrArray) pods = zoned_pods(1, 1);
    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);

    assert_no_hints(result->to_create);
    assert_one_event(result, "TopologyAwareHintsDisabled",
                     "Unable to allocate minimum required endpoints to each zone without exceeding "
                     "overload threshold (2 endpoints, 2 zones), addressType: IPv4");
}

/* A control-plane node (no zone, no CPU) and a NotReady node without a
 * zone are left out; the two workers still make two zones. */
static void
test_endpointslice_auto_ignores_control_plane_and_not_ready_nodes(void **state)
{
    Fixture *f = *state;
    g_autoptr(KnEndpointSliceTopology) topology = auto_setup(f, 6, 4);

    add_node(f, "cp", NULL, 0, TRUE, "node-role.kubernetes.io/control-plane");
    add_node(f, "old-master", "c", 64, TRUE, "node-role.kubernetes.io/master");
    add_node(f, "down", NULL, 0, FALSE, NULL);
    kn_endpointslice_topology_set_nodes(topology, f->nodes);
    assert_int_equal(kn_endpointslice_topology_n_zones(topology), 2);

    g_autoptr(GPtrArray) pods = zoned_pods(5, 5);
    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);
    guint moved;
    g_autofree char *counts = hint_counts(result->to_create, &moved);

    /* desired 6 and 4: one endpoint of b serves a. */
    assert_string_equal(counts, "a:6 b:4");
    assert_int_equal(moved, 1);
}

/* One Ready worker without a zone voids the node information: existing
 * hints are removed, with the event saying why. */
static void
test_endpointslice_auto_one_zoneless_node_disables(void **state)
{
    Fixture *f = *state;
    g_autoptr(KnEndpointSliceTopology) topology = auto_setup(f, 6, 4);
    g_autoptr(GPtrArray) pods = zoned_pods(7, 3);
    g_autoptr(KnEndpointSliceResult) first =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);

    apply(f->store, first);
    add_node(f, "node-c", NULL, 8, TRUE, NULL);
    kn_endpointslice_topology_set_nodes(topology, f->nodes);
    assert_int_equal(kn_endpointslice_topology_n_zones(topology), 0);

    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);

    assert_int_equal(result->to_update->len, 1);
    assert_no_hints(result->to_update);
    assert_one_event(result, "TopologyAwareHintsDisabled",
                     "Insufficient Node information: allocatable CPU or zone not specified on one or "
                     "more nodes, addressType: IPv4");
    assert_false(kn_endpointslice_topology_has_populated_hints(topology, "default/web"));
}

/* Node b going NotReady leaves one zone: hints go (section 5.2 needs two). */
static void
test_endpointslice_auto_node_not_ready_leaves_one_zone(void **state)
{
    Fixture *f = *state;
    g_autoptr(KnEndpointSliceTopology) topology = auto_setup(f, 6, 4);
    g_autoptr(GPtrArray) pods = zoned_pods(7, 3);
    g_autoptr(KnEndpointSliceResult) first =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);

    apply(f->store, first);
    ((KnNode *) g_hash_table_lookup(f->nodes, "node-b"))->ready = FALSE;
    kn_endpointslice_topology_set_nodes(topology, f->nodes);

    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);

    assert_int_equal(result->to_update->len, 1);
    assert_no_hints(result->to_update);
    /* SetNodes keeps no ratios for one zone, so getAllocations reports
     * missing information rather than "Nodes only ready in one zone". */
    assert_one_event(result, "TopologyAwareHintsDisabled",
                     "Insufficient Node information: allocatable CPU or zone not specified on one or "
                     "more nodes, addressType: IPv4");
}

/* The annotation wins over trafficDistribution; without a cache, Auto
 * gives no hints at all. */
static void
test_endpointslice_auto_wins_over_prefer_close(void **state)
{
    Fixture *f = *state;
    g_autoptr(KnEndpointSliceTopology) topology = auto_setup(f, 6, 4);
    g_autoptr(GPtrArray) pods = zoned_pods(7, 3);

    f->service->spec.traffic_distribution = g_strdup("PreferClose");

    g_autoptr(KnEndpointSliceResult) result =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);
    g_autoptr(KnEndpointSliceResult) no_cache =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, NULL, &f->rng);
    guint moved;
    g_autofree char *counts = hint_counts(result->to_create, &moved);

    assert_int_equal(moved, 1);                 /* PreferClose would move none */
    assert_no_hints(no_cache->to_create);

    /* The annotation removed: hints become PreferClose's, and the cache's
     * end is announced. */
    apply(f->store, result);
    kn_labels_remove(f->service->meta.annotations, "service.kubernetes.io/topology-mode");

    g_autoptr(KnEndpointSliceResult) after =
        kn_endpointslice_reconcile(f->service, pods, f->nodes, f->store, 0, topology, &f->rng);
    g_autofree char *close = hint_counts(after->to_update, &moved);

    assert_string_equal(close, "a:7 b:3");
    assert_int_equal(moved, 0);
    assert_one_event(after, "TopologyAwareHintsDisabled",
                     "Topology Aware Hints has been disabled, addressType: IPv4");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_endpointslice_packs_200_into_two_full_slices),
        T(test_endpointslice_packs_250_as_100_100_50),
        T(test_endpointslice_packs_5000_into_50_slices),
        T(test_endpointslice_new_endpoint_fills_the_slice_being_updated),
        T(test_endpointslice_scale_down_leaves_sparse_slices),
        T(test_endpointslice_keeps_one_placeholder_without_endpoints),
        T(test_endpointslice_conditions_follow_readiness_and_termination),
        T(test_endpointslice_named_target_port_makes_two_port_groups),
        T(test_endpointslice_hostname_needs_the_service_as_subdomain),
        T(test_endpointslice_names_are_seeded_and_from_the_alphabet),
        T(test_endpointslice_legacy_endpoints_truncate_at_1000),
        T(test_endpointslice_json_of_a_small_slice),
        T(test_endpointslice_json_of_legacy_endpoints),
        T(test_endpointslice_auto_hints_move_one_endpoint_from_a_to_b),
        T(test_endpointslice_auto_needs_an_endpoint_per_zone),
        T(test_endpointslice_auto_minimum_above_endpoints_disables),
        T(test_endpointslice_auto_ignores_control_plane_and_not_ready_nodes),
        T(test_endpointslice_auto_one_zoneless_node_disables),
        T(test_endpointslice_auto_node_not_ready_leaves_one_zone),
        T(test_endpointslice_auto_wins_over_prefer_close),
#undef T
    };
    return cmocka_run_group_tests_name("endpointslice", tests, NULL, NULL);
}
