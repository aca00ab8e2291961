/* proxy_fixture.h -- for the proxy modes' tests: a store holding
 * hand-made Services and EndpointSlices, as the reference's worked
 * examples have them.  Include after test_util.h. */
#pragma once

#include <string.h>

#include "models/store.h"
#include "sim/sim.h"

typedef struct {
    KnSim *sim;
    KnStore *store;
} Fixture;

static Fixture *
fixture_new(void)
{
    Fixture *f = g_new0(Fixture, 1);

    f->sim = kn_sim_new(1);
    f->store = kn_store_new(f->sim);
    return f;
}

static void
fixture_free(Fixture *f)
{
    kn_store_free(f->store);
    kn_sim_free(f->sim);
    g_free(f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Fixture, fixture_free)

/* A Service 'name' in default with one TCP port named 'http' ('port' ->
 * 8080) on 'cluster_ip'. */
static KnService *
add_service(Fixture *f, const char *name, const char *cluster_ip, guint port)
{
    KnService *service = kn_service_new();
    KnServicePort *sp = kn_service_port_new();
    g_autoptr(GError) error = NULL;

    service->meta.namespace = g_strdup("default");
    service->meta.name = g_strdup(name);
    service->spec.selector = kn_labels_new();
    kn_labels_set(service->spec.selector, "app", name);
    service->spec.cluster_ip = g_strdup(cluster_ip);
    g_ptr_array_add(service->spec.cluster_ips, g_strdup(cluster_ip));
    g_ptr_array_add(service->spec.ip_families, g_strdup("IPv4"));
    sp->name = g_strdup("http");
    sp->port = port;
    kn_int_or_string_set_number(&sp->target_port, 8080);
    g_ptr_array_add(service->spec.ports, sp);
    assert_true(kn_store_add(f->store, KN_KIND_SERVICE, service, &error));
    return service;
}

/* An EndpointSlice of Service 'name' with port http/8080 and the endpoints
 * "IP@NODE" of 'endpoints' (NULL-terminated), all ready. */
static void
add_slice(Fixture *f, const char *name, const char *const *endpoints)
{
    KnEndpointSlice *slice = kn_endpoint_slice_new();
    KnEndpointPort *port = kn_endpoint_port_new();
    g_autoptr(GError) error = NULL;

    slice->meta.namespace = g_strdup("default");
    slice->meta.name = g_strdup_printf("%s-abcde", name);
    kn_labels_set(slice->meta.labels, "kubernetes.io/service-name", name);
    port->name = g_strdup("http");
    port->port = 8080;
    g_ptr_array_add(slice->ports, port);
    for (guint i = 0; endpoints[i] != NULL; i++) {
        g_auto(GStrv) parts = g_strsplit(endpoints[i], "@", 2);
        KnEndpoint *ep = kn_endpoint_new();

        g_ptr_array_add(ep->addresses, g_strdup(parts[0]));
        ep->node_name = g_strdup(parts[1]);
        ep->ready = ep->serving = TRUE;
        g_ptr_array_add(slice->endpoints, ep);
    }
    assert_true(kn_store_add(f->store, KN_KIND_ENDPOINT_SLICE, slice, &error));
}

/* -m addrtype LOCAL, fib ... type local: the node under test is 172.18.0.9. */
static G_GNUC_UNUSED gboolean
is_node_x(gpointer node, const KnAddr *addr)
{
    KnAddr self;

    (void) node;
    return kn_addr_parse("172.18.0.9", &self) && kn_addr_equal(addr, &self);
}

/* 'got' is 'want', or the test fails showing both. */
static G_GNUC_UNUSED void
assert_text(const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("got:\n%s\nwant:\n%s", got, want);
}

/* 'line' occurs in 'text', or the test fails showing both. */
static G_GNUC_UNUSED void
assert_has(const char *text, const char *line)
{
    if (strstr(text, line) == NULL)
        fail_msg("missing:\n%s\nin:\n%s", line, text);
}
