/* loadbalancer.c -- the load-balancer provider of loadbalancer.h.
 *
 * DOC: What the real providers do with a Service of type LoadBalancer:
 * - MetalLB's controller gives it the first free address of its pool as
 *   soon as it sees the Service (its allocator walks the pool in order),
 *   honouring spec.loadBalancerIP when that address is in the pool and free,
 *   and writes it to status.loadBalancer.ingress[0].ip.  The pool is
 *   cluster.loadBalancerPool, by default the top of the node network, as the
 *   kind and MetalLB guides set it up (172.18.255.200-250 for 172.18.0.0/16:
 *   here the .200 to .250 addresses of nodeCIDR's last /24).
 * - A cloud's service controller provisions a load balancer, which takes
 *   tens of seconds, then writes its address.  knetsim waits PROVISION_DELAY
 *   and hands addresses from cluster.loadBalancerPool, by default
 *   198.51.100.0/24 (TEST-NET-2, an address no one owns).
 * The address returns to the pool when the Service goes or stops being a
 * LoadBalancer, and a Service with spec.loadBalancerClass is left to the
 * controller of that class (none here), as both providers do.
 *
 * Simplified: one pool; no sharing of an address between Services. */

#include <config.h>
#include "models/loadbalancer.h"

#include <arpa/inet.h>
#include <string.h>
#include "models/workqueue.h"

#define METALLB_DELAY (50 * KN_MSEC)     /* watch event to the address written */
#define PROVISION_DELAY (30 * KN_SEC)    /* a cloud load balancer coming up */

struct KnLoadBalancerProvider {
    KnCluster *cluster;                  /* borrowed */
    guint32 first, last;                 /* the pool, host order, inclusive */
    GHashTable *taken;                   /* address (GUINT) -> "ns/name" holding it */
    KnWorkQueue *queue;                  /* Services waiting for an address */
};

static char *
format_ip4(guint32 address)
{
    return g_strdup_printf("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                           (address >> 8) & 0xff, address & 0xff);
}

static gboolean
parse_ip4(const char *text, guint32 *out)
{
    struct in_addr in;

    if (text == NULL || inet_pton(AF_INET, text, &in) != 1)
        return FALSE;
    *out = ntohl(in.s_addr);
    return TRUE;
}

/* Releases what 'owner' ("ns/name") holds. */
static void
release(KnLoadBalancerProvider *provider, const char *owner)
{
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, provider->taken);
    while (g_hash_table_iter_next(&iter, &key, &value))
        if (strcmp(value, owner) == 0)
            g_hash_table_iter_remove(&iter);
}

static void
on_assign(gpointer data, const char *namespace, const char *name)
{
    KnLoadBalancerProvider *provider = data;
    KnService *service = kn_store_lookup(provider->cluster->store, KN_KIND_SERVICE, namespace, name);
    g_autofree char *owner = g_strconcat(namespace, "/", name, NULL);
    guint32 address = 0, wanted;
    gboolean found = FALSE;

    if (service == NULL || service->spec.type != KN_SERVICE_LOAD_BALANCER
        || service->load_balancer_ingress->len > 0)
        return;
    if (parse_ip4(service->spec.load_balancer_ip, &wanted) && wanted >= provider->first
        && wanted <= provider->last && !g_hash_table_contains(provider->taken, GUINT_TO_POINTER(wanted))) {
        address = wanted;
        found = TRUE;
    }
    for (guint32 a = provider->first; !found && a <= provider->last && a != 0; a++) {
        if (!g_hash_table_contains(provider->taken, GUINT_TO_POINTER(a))) {
            address = a;
            found = TRUE;
        }
    }
    if (found) {
        g_hash_table_insert(provider->taken, GUINT_TO_POINTER(address), g_strdup(owner));
        g_ptr_array_add(service->load_balancer_ingress, format_ip4(address));
        kn_store_update(provider->cluster->store, KN_KIND_SERVICE, service, FALSE);
    }
    /* A full pool leaves the Service <pending>, as MetalLB does. */
}

static void
on_service_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnLoadBalancerProvider *provider = user_data;
    KnService *service = object;
    g_autofree char *owner = g_strconcat(service->meta.namespace, "/", service->meta.name, NULL);

    (void) store;
    (void) kind;
    if (event == KN_WATCH_DELETED || service->spec.type != KN_SERVICE_LOAD_BALANCER) {
        release(provider, owner);
        if (service->load_balancer_ingress->len > 0 && event != KN_WATCH_DELETED) {
            g_ptr_array_set_size(service->load_balancer_ingress, 0);
            kn_store_update(provider->cluster->store, KN_KIND_SERVICE, service, FALSE);
        }
        return;
    }
    if (service->spec.load_balancer_class == NULL && service->load_balancer_ingress->len == 0)
        kn_workqueue_add(provider->queue, service->meta.namespace, service->meta.name);
}

KnLoadBalancerProvider *
kn_loadbalancer_new(KnCluster *cluster)
{
    g_return_val_if_fail(cluster != NULL, NULL);

    const KnScenario *scenario = cluster->scenario;
    KnLoadBalancerProvider *provider;
    g_autofree char *pool = NULL;
    guint32 base;
    guint64 prefix;
    KnTime delay;

    if (scenario->load_balancer == KN_LOAD_BALANCER_NONE)
        return NULL;
    provider = g_new0(KnLoadBalancerProvider, 1);
    provider->cluster = cluster;
    provider->taken = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    if (scenario->load_balancer_pool != NULL) {
        pool = g_strdup(scenario->load_balancer_pool);
    } else if (scenario->load_balancer == KN_LOAD_BALANCER_METALLB) {
        /* The .200-.250 addresses of the node network's last /24. */
        g_auto(GStrv) parts = g_strsplit(scenario->node_cidr, "/", 2);
        guint64 bits = 24;

        if (parse_ip4(parts[0], &base) && g_ascii_string_to_unsigned(parts[1], 10, 0, 32, &bits, NULL)) {
            guint32 last24 = (base | (bits >= 32 ? 0 : (guint32) ((G_GUINT64_CONSTANT(1) << (32 - bits)) - 1))) & ~0xffu;

            provider->first = last24 + 200;
            provider->last = last24 + 250;
        }
    } else {
        pool = g_strdup("198.51.100.0/24");
    }
    if (pool != NULL) {
        g_auto(GStrv) parts = g_strsplit(pool, "/", 2);

        if (parse_ip4(parts[0], &base) && g_ascii_string_to_unsigned(parts[1], 10, 0, 32, &prefix, NULL)) {
            guint32 size = prefix >= 32 ? 1 : (guint32) (G_GUINT64_CONSTANT(1) << (32 - prefix));

            base &= ~(size - 1);
            /* Skip the network and broadcast addresses of a real subnet. */
            provider->first = size > 2 ? base + 1 : base;
            provider->last = size > 2 ? base + size - 2 : base + size - 1;
        }
    }
    delay = scenario->load_balancer == KN_LOAD_BALANCER_METALLB ? METALLB_DELAY : PROVISION_DELAY;
    provider->queue = kn_workqueue_new(cluster->sim, delay, "loadbalancer-assign", on_assign, provider);
    kn_store_watch(cluster->store, KN_KIND_SERVICE, on_service_event, provider);
    return provider;
}

void
kn_loadbalancer_free(KnLoadBalancerProvider *provider)
{
    if (provider == NULL)
        return;
    g_hash_table_unref(provider->taken);
    kn_workqueue_free(provider->queue);
    g_free(provider);
}
