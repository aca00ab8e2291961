/* test_proxy_endpoints.c -- kube-proxy's endpoint list: merging slices,
 * de-duplication, string order, the terminating fallback, traffic policy
 * categories, topology hints, and the flags the rule generators read. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>

#include "models/proxy-endpoints.h"

/*****************************************************************************/
/* Fixtures: Service "default/web", port "http" 80/TCP, and slices built by
 * hand as the controller would write them. */

static void
slice_free(gpointer slice)
{
    kn_object_free(KN_KIND_ENDPOINT_SLICE, slice);
}

static KnService *
make_service(void)
{
    KnService *service = kn_service_new();
    KnServicePort *port = kn_service_port_new();

    service->meta.name = g_strdup("web");
    service->meta.namespace = g_strdup("default");
    service->spec.cluster_ip = g_strdup("10.96.0.10");
    g_ptr_array_add(service->spec.cluster_ips, g_strdup("10.96.0.10"));
    g_ptr_array_add(service->spec.ip_families, g_strdup("IPv4"));
    port->name = g_strdup("http");
    port->port = 80;
    kn_int_or_string_set_number(&port->target_port, 8080);
    g_ptr_array_add(service->spec.ports, port);
    return service;
}

/* A slice named 'name' with one port (name "http", 'port', TCP). */
static KnEndpointSlice *
make_slice(const char *name, guint port, KnAddressType type)
{
    KnEndpointSlice *slice = kn_endpoint_slice_new();
    KnEndpointPort *slice_port = kn_endpoint_port_new();

    slice->meta.name = g_strdup(name);
    slice->meta.namespace = g_strdup("default");
    kn_labels_set(slice->meta.labels, "kubernetes.io/service-name", "web");
    slice->address_type = type;
    slice_port->name = g_strdup("http");
    slice_port->port = port;
    slice_port->protocol = KN_PROTOCOL_TCP;
    g_ptr_array_add(slice->ports, slice_port);
    return slice;
}

/* Conditions as a string of flags: 'r' ready, 's' serving, 't' terminating. */
static KnEndpoint *
add_endpoint(KnEndpointSlice *slice, const char *ip, const char *node, const char *zone,
             const char *conditions, const char *hint)
{
    KnEndpoint *endpoint = kn_endpoint_new();

    g_ptr_array_add(endpoint->addresses, g_strdup(ip));
    endpoint->ready = strchr(conditions, 'r') != NULL;
    endpoint->serving = strchr(conditions, 's') != NULL;
    endpoint->terminating = strchr(conditions, 't') != NULL;
    endpoint->node_name = g_strdup(node);
    endpoint->zone = g_strdup(zone);
    if (hint != NULL)
        g_ptr_array_add(endpoint->hint_zones, g_strdup(hint));
    g_ptr_array_add(slice->endpoints, endpoint);
    return endpoint;
}

typedef struct {
    KnService *service;
    GPtrArray *slices;           /* KnEndpointSlice, owned */
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->service = make_service();
    f->slices = g_ptr_array_new_with_free_func(slice_free);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    kn_object_free(KN_KIND_SERVICE, f->service);
    g_ptr_array_unref(f->slices);
    g_free(f);
    return 0;
}

/* The endpoints of 'f' on "node-1" in zone "a". */
static KnProxyServicePort *
build(Fixture *f)
{
    return kn_proxy_endpoints_new_from_slices(f->slices, f->service, f->service->spec.ports->pdata[0],
                                              KN_ADDRESS_IPV4, "node-1", "a");
}

/* "e1 e2 ..." of a list of KnProxyEndpoint. */
static char *
list(const GPtrArray *endpoints)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < endpoints->len; i++)
        g_string_append_printf(out, "%s%s", i > 0 ? " " : "",
                               ((const KnProxyEndpoint *) endpoints->pdata[i])->endpoint_string);
    return g_string_free(out, FALSE);
}

#define assert_list(endpoints, want)                  \
    do {                                              \
        g_autofree char *got_ = list(endpoints);      \
        assert_string_equal(got_, want);              \
    } while (0)

/*****************************************************************************/
/* Merging. */

/* byEndpoint compares text: "10.0.0.10:80" sorts before "10.0.0.2:80",
 * and even before "10.0.0.1:80" ('0' is below ':'). */
static void
test_proxy_endpoints_sort_as_strings_across_slices(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *one = make_slice("web-b", 80, KN_ADDRESS_IPV4);
    KnEndpointSlice *two = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    add_endpoint(one, "10.0.0.2", "node-1", "a", "rs", NULL);
    add_endpoint(one, "10.0.0.10", "node-2", "a", "rs", NULL);
    add_endpoint(two, "10.0.0.1", "node-2", "a", "rs", NULL);
    g_ptr_array_add(f->slices, one);
    g_ptr_array_add(f->slices, two);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_list(sp->endpoints, "10.0.0.10:80 10.0.0.1:80 10.0.0.2:80");
    assert_list(sp->cluster_endpoints, "10.0.0.10:80 10.0.0.1:80 10.0.0.2:80");
    assert_list(sp->all_reachable, "10.0.0.10:80 10.0.0.1:80 10.0.0.2:80");
    assert_string_equal(sp->svc_port_name, "default/web:http");
    assert_string_equal(sp->protocol, "tcp");
    assert_string_equal(sp->cluster_ip, "10.96.0.10");
    assert_true(((KnProxyEndpoint *) sp->endpoints->pdata[2])->is_local);
    assert_false(((KnProxyEndpoint *) sp->endpoints->pdata[1])->is_local);
    assert_true(sp->has_any_endpoints && sp->has_internal_endpoints && sp->has_external_endpoints);
    assert_false(sp->externally_accessible || sp->uses_external_traffic_chain);
}

/* The same "ip:port" in two slices is one endpoint; the non-terminating
 * copy wins whichever slice comes first. */
static void
test_proxy_endpoints_dedupe_prefers_non_terminating(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *a = make_slice("web-a", 80, KN_ADDRESS_IPV4);
    KnEndpointSlice *b = make_slice("web-b", 80, KN_ADDRESS_IPV4);
    KnEndpointSlice *c = make_slice("web-c", 80, KN_ADDRESS_IPV4);

    add_endpoint(a, "10.0.0.5", "node-2", "a", "rs", NULL);        /* new pod */
    add_endpoint(b, "10.0.0.5", "node-2", "a", "st", NULL);        /* old pod, terminating */
    add_endpoint(b, "10.0.0.6", "node-2", "a", "st", NULL);
    add_endpoint(c, "10.0.0.6", "node-3", "a", "rs", NULL);
    g_ptr_array_add(f->slices, a);
    g_ptr_array_add(f->slices, b);
    g_ptr_array_add(f->slices, c);

    g_autoptr(KnProxyServicePort) sp = build(f);
    const KnProxyEndpoint *five = sp->endpoints->pdata[0], *six = sp->endpoints->pdata[1];

    assert_list(sp->endpoints, "10.0.0.5:80 10.0.0.6:80");
    assert_true(five->ready && !five->terminating);
    assert_true(six->ready && !six->terminating);
    assert_string_equal(six->node_name, "node-3");
}

/* Only addresses[0], only slices of the proxier's family, only the port
 * of the same name and protocol; IPv6 in brackets. */
static void
test_proxy_endpoints_match_port_family_and_first_address(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *v4 = make_slice("web-a", 8080, KN_ADDRESS_IPV4);
    KnEndpointSlice *v6 = make_slice("web-b", 8080, KN_ADDRESS_IPV6);
    KnEndpointPort *udp = kn_endpoint_port_new();
    KnEndpoint *two;

    udp->name = g_strdup("http");
    udp->port = 9999;
    udp->protocol = KN_PROTOCOL_UDP;
    g_ptr_array_add(v4->ports, udp);
    two = add_endpoint(v4, "10.0.0.1", "node-1", "a", "rs", NULL);
    g_ptr_array_add(two->addresses, g_strdup("10.0.0.99"));
    add_endpoint(v6, "fd00::1", "node-1", "a", "rs", NULL);
    g_ptr_array_add(f->slices, v4);
    g_ptr_array_add(f->slices, v6);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_list(sp->endpoints, "10.0.0.1:8080");

    g_autoptr(KnProxyServicePort) sp6 = kn_proxy_endpoints_new_from_slices(
        f->slices, f->service, f->service->spec.ports->pdata[0], KN_ADDRESS_IPV6, "node-1", "a");

    assert_list(sp6->endpoints, "[fd00::1]:8080");
    assert_null(sp6->cluster_ip);
}

/* An unnamed service port matches the slice port named "". */
static void
test_proxy_endpoints_unnamed_port(void **state)
{
    Fixture *f = *state;
    KnServicePort *port = f->service->spec.ports->pdata[0];
    KnEndpointSlice *slice = make_slice("web-a", 8080, KN_ADDRESS_IPV4);

    g_clear_pointer(&port->name, g_free);
    g_free(((KnEndpointPort *) slice->ports->pdata[0])->name);
    ((KnEndpointPort *) slice->ports->pdata[0])->name = g_strdup("");
    add_endpoint(slice, "10.0.0.1", "node-1", "a", "rs", NULL);
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_string_equal(sp->svc_port_name, "default/web");
    assert_list(sp->endpoints, "10.0.0.1:8080");
}

/*****************************************************************************/
/* Categories. */

/* No ready endpoint anywhere: the serving terminating ones carry traffic;
 * a terminating endpoint that no longer serves never does. */
static void
test_proxy_endpoints_terminating_fallback(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    add_endpoint(slice, "10.0.0.1", "node-1", "a", "st", NULL);
    add_endpoint(slice, "10.0.0.2", "node-2", "a", "t", NULL);
    add_endpoint(slice, "10.0.0.3", "node-2", "a", "st", NULL);
    add_endpoint(slice, "10.0.0.4", "node-2", "a", "", NULL);        /* not ready, not terminating */
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_list(sp->cluster_endpoints, "10.0.0.1:80 10.0.0.3:80");
    assert_true(sp->has_any_endpoints);

    /* One ready endpoint: only it. */
    ((KnEndpoint *) slice->endpoints->pdata[3])->ready = TRUE;

    g_autoptr(KnProxyServicePort) again = build(f);

    assert_list(again->cluster_endpoints, "10.0.0.4:80");

    /* Nothing usable at all: no endpoints, REJECT. */
    for (guint i = 0; i < slice->endpoints->len; i++) {
        KnEndpoint *endpoint = slice->endpoints->pdata[i];

        endpoint->ready = endpoint->serving = FALSE;
    }

    g_autoptr(KnProxyServicePort) none = build(f);

    assert_int_equal(none->cluster_endpoints->len, 0);
    assert_false(none->has_any_endpoints || none->has_internal_endpoints);
}

/* internalTrafficPolicy Local: only this node's endpoints, ready first,
 * else serving terminating ones; none local means no internal endpoints
 * although the Service has endpoints. */
static void
test_proxy_endpoints_internal_policy_local(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    f->service->spec.internal_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    add_endpoint(slice, "10.0.0.1", "node-1", "a", "st", NULL);
    add_endpoint(slice, "10.0.0.2", "node-2", "a", "rs", NULL);
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_true(sp->internal_policy_local && sp->uses_local_endpoints);
    assert_false(sp->uses_cluster_endpoints);
    assert_int_equal(sp->cluster_endpoints->len, 0);
    assert_list(sp->local_endpoints, "10.0.0.1:80");
    assert_true(sp->local_serving_terminating);
    assert_list(sp->all_reachable, "10.0.0.1:80");
    assert_true(sp->has_internal_endpoints);

    /* The local one gone: endpoints exist, but none here. */
    g_ptr_array_remove_index(slice->endpoints, 0);

    g_autoptr(KnProxyServicePort) remote = build(f);

    assert_true(remote->has_any_endpoints);
    assert_false(remote->has_internal_endpoints);
    assert_int_equal(remote->local_endpoints->len, 0);
}

/* externalTrafficPolicy Local on a NodePort: Cluster endpoints for
 * internal traffic, Local ones for external; no local endpoint means the
 * external side drops. */
static void
test_proxy_endpoints_external_policy_local(void **state)
{
    Fixture *f = *state;
    KnServicePort *port = f->service->spec.ports->pdata[0];
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    f->service->spec.type = KN_SERVICE_NODE_PORT;
    f->service->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    port->node_port = 30080;
    add_endpoint(slice, "10.0.0.1", "node-1", "a", "rs", NULL);
    add_endpoint(slice, "10.0.0.2", "node-2", "a", "rs", NULL);
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_true(sp->externally_accessible && sp->external_policy_local);
    assert_true(sp->uses_cluster_endpoints && sp->uses_local_endpoints);
    assert_list(sp->cluster_endpoints, "10.0.0.1:80 10.0.0.2:80");
    assert_list(sp->local_endpoints, "10.0.0.1:80");
    assert_true(sp->uses_external_traffic_chain && sp->has_external_endpoints);

    g_autoptr(KnProxyServicePort) elsewhere = kn_proxy_endpoints_new_from_slices(
        f->slices, f->service, port, KN_ADDRESS_IPV4, "node-3", "a");

    assert_true(elsewhere->has_internal_endpoints);
    assert_false(elsewhere->has_external_endpoints);
    assert_true(elsewhere->uses_external_traffic_chain);

    /* A ClusterIP Service with an external IP is externally accessible
     * too: ETP Local holds for it (apiservice.ExternalPolicyLocal; older
     * releases' RequestsOnlyLocalTraffic looked at NodePort and LoadBalancer
     * only). */
    f->service->spec.type = KN_SERVICE_CLUSTER_IP;
    port->node_port = 0;
    g_ptr_array_add(f->service->spec.external_ips, g_strdup("192.0.2.10"));

    g_autoptr(KnProxyServicePort) external_ip = build(f);

    assert_true(external_ip->externally_accessible);
    assert_true(external_ip->external_policy_local && external_ip->uses_local_endpoints);
    assert_list(external_ip->local_endpoints, "10.0.0.1:80");
}

/*****************************************************************************/
/* Topology hints (section 5.4). */

/* Every ready endpoint hinted and one for zone a: only zone a's. */
static void
test_proxy_endpoints_hints_filter_to_the_zone(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    add_endpoint(slice, "10.0.0.1", "node-1", "a", "rs", "a");
    add_endpoint(slice, "10.0.0.2", "node-2", "b", "rs", "a");     /* re-hinted for a */
    add_endpoint(slice, "10.0.0.3", "node-3", "b", "rs", "b");
    add_endpoint(slice, "10.0.0.4", "node-3", "b", "", NULL);      /* not ready: ignored */
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_int_equal(sp->topology_mode, KN_PROXY_TOPOLOGY_PREFER_SAME_ZONE);
    assert_list(sp->cluster_endpoints, "10.0.0.1:80 10.0.0.2:80");

    /* A node in a zone nobody is hinted for uses them all. */
    g_autoptr(KnProxyServicePort) zone_c = kn_proxy_endpoints_new_from_slices(
        f->slices, f->service, f->service->spec.ports->pdata[0], KN_ADDRESS_IPV4, "node-9", "c");

    assert_int_equal(zone_c->topology_mode, KN_PROXY_TOPOLOGY_NONE);
    assert_list(zone_c->cluster_endpoints, "10.0.0.1:80 10.0.0.2:80 10.0.0.3:80");

    /* So does a node without a zone label. */
    g_autoptr(KnProxyServicePort) no_zone = kn_proxy_endpoints_new_from_slices(
        f->slices, f->service, f->service->spec.ports->pdata[0], KN_ADDRESS_IPV4, "node-9", NULL);

    assert_int_equal(no_zone->cluster_endpoints->len, 3);
}

/* PreferSameNode's node hints come first: this node's endpoints when
 * every ready endpoint has one and one is for this node; a node without
 * one of its own falls back to the zone hints, then to all. */
static void
test_proxy_endpoints_node_hints_filter_to_the_node(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);
    const char *const nodes[] = { "node-1", "node-2", "node-3" };

    add_endpoint(slice, "10.0.0.1", "node-1", "a", "rs", "a");
    add_endpoint(slice, "10.0.0.2", "node-2", "a", "rs", "a");
    add_endpoint(slice, "10.0.0.3", "node-3", "b", "rs", "b");
    for (guint i = 0; i < 3; i++)
        g_ptr_array_add(((KnEndpoint *) slice->endpoints->pdata[i])->hint_nodes, g_strdup(nodes[i]));
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_int_equal(sp->topology_mode, KN_PROXY_TOPOLOGY_PREFER_SAME_NODE);
    assert_list(sp->cluster_endpoints, "10.0.0.1:80");

    g_autoptr(KnProxyServicePort) other_node = kn_proxy_endpoints_new_from_slices(
        f->slices, f->service, f->service->spec.ports->pdata[0], KN_ADDRESS_IPV4, "node-9", "a");

    assert_int_equal(other_node->topology_mode, KN_PROXY_TOPOLOGY_PREFER_SAME_ZONE);
    assert_list(other_node->cluster_endpoints, "10.0.0.1:80 10.0.0.2:80");

    /* One ready endpoint without a node hint: zones decide. */
    g_ptr_array_set_size(((KnEndpoint *) slice->endpoints->pdata[2])->hint_nodes, 0);

    g_autoptr(KnProxyServicePort) partial = build(f);

    assert_int_equal(partial->topology_mode, KN_PROXY_TOPOLOGY_PREFER_SAME_ZONE);
    assert_list(partial->cluster_endpoints, "10.0.0.1:80 10.0.0.2:80");
}

/* One ready endpoint without hints turns topology off for the service. */
static void
test_proxy_endpoints_one_unhinted_endpoint_disables_hints(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    add_endpoint(slice, "10.0.0.1", "node-1", "a", "rs", "a");
    add_endpoint(slice, "10.0.0.2", "node-2", "b", "rs", "b");
    add_endpoint(slice, "10.0.0.3", "node-3", "b", "rs", NULL);
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_int_equal(sp->topology_mode, KN_PROXY_TOPOLOGY_NONE);
    assert_list(sp->cluster_endpoints, "10.0.0.1:80 10.0.0.2:80 10.0.0.3:80");
}

/* Local policy ignores hints: the local endpoint hinted for another zone
 * is still this node's. */
static void
test_proxy_endpoints_local_policy_ignores_hints(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    f->service->spec.internal_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    add_endpoint(slice, "10.0.0.1", "node-1", "a", "rs", "b");
    add_endpoint(slice, "10.0.0.2", "node-2", "a", "rs", "a");
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_list(sp->local_endpoints, "10.0.0.1:80");
    assert_true(sp->has_internal_endpoints);
}

/* With ETP Local and hints the reachable set is the union of the zone's
 * Cluster endpoints and the (unfiltered) local ones, sorted. */
static void
test_proxy_endpoints_all_reachable_is_the_union(void **state)
{
    Fixture *f = *state;
    KnServicePort *port = f->service->spec.ports->pdata[0];
    KnEndpointSlice *slice = make_slice("web-a", 80, KN_ADDRESS_IPV4);

    f->service->spec.type = KN_SERVICE_LOAD_BALANCER;
    f->service->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    port->node_port = 30080;
    g_ptr_array_add(f->service->load_balancer_ingress, g_strdup("192.0.2.1"));
    g_ptr_array_add(f->service->spec.load_balancer_source_ranges, g_strdup(" 203.0.113.0/24 "));
    add_endpoint(slice, "10.0.0.1", "node-1", "a", "rs", "b");      /* local, hinted away */
    add_endpoint(slice, "10.0.0.2", "node-2", "a", "rs", "a");
    add_endpoint(slice, "10.0.0.3", "node-3", "b", "rs", "b");
    g_ptr_array_add(f->slices, slice);

    g_autoptr(KnProxyServicePort) sp = build(f);

    assert_list(sp->cluster_endpoints, "10.0.0.2:80");
    assert_list(sp->local_endpoints, "10.0.0.1:80");
    assert_list(sp->all_reachable, "10.0.0.1:80 10.0.0.2:80");
    assert_true(sp->uses_fw_chain);
    assert_string_equal(sp->load_balancer_source_ranges->pdata[0], "203.0.113.0/24");
    assert_string_equal(sp->load_balancer_vips->pdata[0], "192.0.2.1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_proxy_endpoints_sort_as_strings_across_slices),
        T(test_proxy_endpoints_dedupe_prefers_non_terminating),
        T(test_proxy_endpoints_match_port_family_and_first_address),
        T(test_proxy_endpoints_unnamed_port),
        T(test_proxy_endpoints_terminating_fallback),
        T(test_proxy_endpoints_internal_policy_local),
        T(test_proxy_endpoints_external_policy_local),
        T(test_proxy_endpoints_hints_filter_to_the_zone),
        T(test_proxy_endpoints_node_hints_filter_to_the_node),
        T(test_proxy_endpoints_one_unhinted_endpoint_disables_hints),
        T(test_proxy_endpoints_local_policy_ignores_hints),
        T(test_proxy_endpoints_all_reachable_is_the_union),
#undef T
    };
    return cmocka_run_group_tests_name("proxy_endpoints", tests, NULL, NULL);
}
