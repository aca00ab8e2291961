/* proxy-endpoints.c -- kube-proxy's endpoint list of proxy-endpoints.h.
 *
 * DOC: This mirrors what every kube-proxy mode shares before it writes a
 * rule (kubernetes pkg/proxy): endpointslicecache.go
 * (endpointInfoByServicePort, addEndpoints, endpointsMapFromEndpointInfo,
 * byEndpoint), endpoint.go (newBaseEndpointInfo, String), serviceport.go
 * (newBaseServiceInfo, ExternallyAccessible, UsesClusterEndpoints,
 * UsesLocalEndpoints), types.go (ServicePortName.String), topology.go
 * (CategorizeEndpoints, topologyModeFromHints, availableForTopology), the
 * flags at the top of each service in iptables/proxier.go syncProxyRules,
 * and pkg/api/v1/service (ExternalPolicyLocal, InternalPolicyLocal).  The
 * informer filter is cmd/kube-proxy's (no service-proxy-name, no headless
 * label).  Facts: ../shared/reference/k8s-networking-facts.md sections
 * 1.5-1.7 and 5.4.
 *
 * Each slice port whose name and protocol are the service port's brings
 * every endpoint of the slice that has an address, at that port; the first
 * address only.  Two endpoints with the same "ip:port" are one, and a
 * non-terminating one replaces what was there (a new pod reusing the IP of
 * a terminating one).  The list is then sorted by that string, as text:
 * "10.0.0.10:80" comes before "10.0.0.2:80".
 *
 * CategorizeEndpoints: the Cluster list is the ready endpoints, narrowed to
 * those hinted for this node when every ready endpoint has a node hint and
 * one is hinted for this node (PreferSameNode), else to those hinted for
 * this node's zone when every ready endpoint has a zone hint and one is
 * hinted for this zone; failing any ready endpoint, the
 * serving terminating ones.  The Local list is this node's ready endpoints,
 * else its serving terminating ones.  Local policy never looks at hints.
 *
 * Simplified:
 *  - Go walks the slices of a Service in map order; here they go in name
 *    order, which only matters when two slices hold the same "ip:port"
 *    with the same terminating state (the later one wins).
 *  - Addresses are used as written (Go re-prints them with ParseIPSloppy,
 *    which the controller's canonical addresses survive unchanged).
 *  - all_reachable is sorted; Go builds it from a map in random order when
 *    it differs from the Cluster list (iptables-save sorts the chains). */

#include <config.h>
#include "models/proxy-endpoints.h"

#include <string.h>

#include "sim/packet.h"

#define LABEL_SERVICE_NAME "kubernetes.io/service-name"
#define LABEL_HEADLESS "service.kubernetes.io/headless"
#define LABEL_SERVICE_PROXY_NAME "service.kubernetes.io/service-proxy-name"

gboolean
kn_proxy_endpoints_informed(const KnLabels *labels)
{
    return kn_labels_get(labels, LABEL_HEADLESS) == NULL && kn_labels_get(labels, LABEL_SERVICE_PROXY_NAME) == NULL;
}

/*****************************************************************************/
/* Names and families. */

const char *
kn_proxy_endpoints_protocol(KnProtocol protocol)
{
    switch (protocol) {
    case KN_PROTOCOL_TCP:
        return "tcp";
    case KN_PROTOCOL_UDP:
        return "udp";
    case KN_PROTOCOL_SCTP:
        return "sctp";
    }
    g_return_val_if_reached("tcp");
}

guint8
kn_proxy_endpoints_protocol_number(KnProtocol protocol)
{
    switch (protocol) {
    case KN_PROTOCOL_UDP:
        return KN_IPPROTO_UDP;
    case KN_PROTOCOL_SCTP:
        return 132;              /* IPPROTO_SCTP */
    case KN_PROTOCOL_TCP:
    default:
        return KN_IPPROTO_TCP;
    }
}

char *
kn_proxy_endpoints_svc_port_name(const KnService *service, const KnServicePort *port)
{
    g_return_val_if_fail(service != NULL && port != NULL, NULL);

    if (port->name == NULL || port->name[0] == '\0')
        return g_strdup_printf("%s/%s", service->meta.namespace, service->meta.name);
    return g_strdup_printf("%s/%s:%s", service->meta.namespace, service->meta.name, port->name);
}

static gboolean
is_ipv6(const char *address)
{
    return address != NULL && strchr(address, ':') != NULL;
}

static gboolean
of_family(const char *address, KnAddressType family)
{
    return address != NULL && address[0] != '\0' && is_ipv6(address) == (family == KN_ADDRESS_IPV6);
}

KnAddressType
kn_proxy_endpoints_primary_family(const KnService *service)
{
    g_return_val_if_fail(service != NULL, KN_ADDRESS_IPV4);

    if (service->spec.ip_families->len > 0)
        return g_strcmp0(service->spec.ip_families->pdata[0], "IPv6") == 0 ? KN_ADDRESS_IPV6 : KN_ADDRESS_IPV4;
    return is_ipv6(service->spec.cluster_ip) ? KN_ADDRESS_IPV6 : KN_ADDRESS_IPV4;
}

/* GetClusterIPByFamily: borrowed, or NULL. */
static const char *
cluster_ip_of_family(const KnService *service, KnAddressType family)
{
    const char *primary = service->spec.cluster_ip;

    if (primary == NULL || primary[0] == '\0' || strcmp(primary, "None") == 0)
        return NULL;
    if (service->spec.cluster_ips->len == 0)
        return of_family(primary, family) ? primary : NULL;
    for (guint i = 0; i < service->spec.cluster_ips->len; i++)
        if (of_family(service->spec.cluster_ips->pdata[i], family))
            return service->spec.cluster_ips->pdata[i];
    return NULL;
}

/* A new array of copies of the strings of 'from' in 'family', trimmed of
 * blanks when 'trim' (source ranges, which validation lets through padded). */
static GPtrArray *
strings_of_family(const GPtrArray *from, KnAddressType family, gboolean trim)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; from != NULL && i < from->len; i++) {
        char *text = g_strdup(from->pdata[i]);

        if (trim)
            g_strstrip(text);
        if (of_family(text, family))
            g_ptr_array_add(out, text);
        else
            g_free(text);
    }
    return out;
}

/*****************************************************************************/
/* The merged endpoint list (EndpointSliceCache). */

static void
endpoint_free(KnProxyEndpoint *endpoint)
{
    g_free(endpoint);            /* its endpoint_string with it */
}

/* newBaseEndpointInfo for 'from' at 'port', borrowing its strings; its
 * Endpoint.String(), net.JoinHostPort(ip, port), in the same block (a
 * full sync makes one for every endpoint).  New. */
static KnProxyEndpoint *
endpoint_new(const KnEndpoint *from, guint port, const char *node_name)
{
    const char *ip = from->addresses->pdata[0];
    gboolean v6 = is_ipv6(ip);
    gsize n = strlen(ip);
    char digits[16], *d = digits + sizeof digits;
    guint rest = port;

    do {
        *--d = (char) ('0' + rest % 10);
        rest /= 10;
    } while (rest != 0);

    gsize n_digits = (gsize) (digits + sizeof digits - d);
    KnProxyEndpoint *endpoint = g_malloc(sizeof *endpoint + n + 4 + n_digits);
    char *p = (char *) (endpoint + 1);

    *endpoint = (KnProxyEndpoint) {
        .ip = ip,
        .port = port,
        .endpoint_string = p,
        .ready = from->ready,
        .serving = from->serving,
        .terminating = from->terminating,
        .is_local = node_name != NULL && node_name[0] != '\0' && from->node_name != NULL
                    && strcmp(from->node_name, node_name) == 0,
        .node_name = from->node_name,
        .zone = from->zone,
        .zone_hints = from->hint_zones,
        .node_hints = from->hint_nodes,
        .target_namespace = from->target_namespace,
        .target_pod = from->target_pod,
    };
    if (v6)
        *p++ = '[';
    memcpy(p, ip, n);
    p += n;
    if (v6)
        *p++ = ']';
    *p++ = ':';
    memcpy(p, d, n_digits);
    p[n_digits] = '\0';
    /* Now, while 'ip' is in the cache: the rules want it parsed (family 0
     * if it does not parse). */
    kn_addr_parse(ip, &endpoint->addr);
    return endpoint;
}

static gint
compare_slices(gconstpointer a, gconstpointer b)
{
    const KnEndpointSlice *x = *(KnEndpointSlice *const *) a, *y = *(KnEndpointSlice *const *) b;

    return g_strcmp0(x->meta.name, y->meta.name);
}

/* byEndpoint: plain string order of Endpoint.String(). */
static gint
compare_endpoints(gconstpointer a, gconstpointer b)
{
    const KnProxyEndpoint *x = *(KnProxyEndpoint *const *) a, *y = *(KnProxyEndpoint *const *) b;

    return strcmp(x->endpoint_string, y->endpoint_string);
}

/* The sorted, de-duplicated endpoints of the service port in 'slices'.
 * New array owning its KnProxyEndpoint. */
static GPtrArray *
merge_endpoints(const GPtrArray *slices, const KnServicePort *port, KnAddressType family,
                const char *node_name)
{
    GPtrArray *endpoints = g_ptr_array_new_with_free_func((GDestroyNotify) endpoint_free);
    g_autoptr(GHashTable) by_string = g_hash_table_new(g_str_hash, g_str_equal);  /* -> index + 1 */
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    const char *port_name = port->name != NULL ? port->name : "";

    for (guint i = 0; slices != NULL && i < slices->len; i++)
        g_ptr_array_add(sorted, slices->pdata[i]);
    g_ptr_array_sort(sorted, compare_slices);

    for (guint s = 0; s < sorted->len; s++) {
        const KnEndpointSlice *slice = sorted->pdata[s];

        /* The proxier of one family only tracks slices of that type. */
        if (slice->address_type != family)
            continue;
        for (guint p = 0; p < slice->ports->len; p++) {
            const KnEndpointPort *slice_port = slice->ports->pdata[p];

            /* A nil name or port is ignored; the rest is keyed by
             * ServicePortName (name and protocol). */
            if (slice_port->name == NULL || slice_port->port == 0)
                continue;
            if (strcmp(slice_port->name, port_name) != 0 || slice_port->protocol != port->protocol)
                continue;
            for (guint e = 0; e < slice->endpoints->len; e++) {
                const KnEndpoint *from = slice->endpoints->pdata[e];
                KnProxyEndpoint *endpoint;
                gpointer at;

                /* A full sync reads every endpoint of the store, each
                 * somewhere else: load the next ones ahead. */
                if (e + 3 < slice->endpoints->len)
                    __builtin_prefetch(slice->endpoints->pdata[e + 3]);
                if (e + 1 < slice->endpoints->len)
                    __builtin_prefetch(((const KnEndpoint *) slice->endpoints->pdata[e + 1])->addresses);

                if (from->addresses->len == 0)
                    continue;
                endpoint = endpoint_new(from, slice_port->port, node_name);
                at = g_hash_table_lookup(by_string, endpoint->endpoint_string);
                if (at == NULL) {
                    g_ptr_array_add(endpoints, endpoint);
                    g_hash_table_insert(by_string, endpoint->endpoint_string,
                                        GUINT_TO_POINTER(endpoints->len));
                } else if (!endpoint->terminating) {
                    /* The key is borrowed from the entry being replaced. */
                    guint index = GPOINTER_TO_UINT(at) - 1;

                    g_hash_table_remove(by_string, endpoint->endpoint_string);
                    endpoint_free(endpoints->pdata[index]);
                    endpoints->pdata[index] = endpoint;
                    g_hash_table_insert(by_string, endpoint->endpoint_string, at);
                } else {
                    endpoint_free(endpoint);
                }
            }
        }
    }
    g_ptr_array_sort(endpoints, compare_endpoints);
    return endpoints;
}

/*****************************************************************************/
/* CategorizeEndpoints. */

/* Is 'name' (a zone or node; NULL: none) among 'hints'? */
static gboolean
hinted_for(const GPtrArray *hints, const char *name)
{
    for (guint i = 0; name != NULL && i < hints->len; i++)
        if (strcmp(hints->pdata[i], name) == 0)
            return TRUE;
    return FALSE;
}

/* topologyModeFromHints over the ready endpoints: PreferSameNode if every
 * one has a node hint and one is hinted for this node (the
 * PreferSameTrafficDistribution gate, GA in 1.35), else PreferSameZone if
 * every one has a zone hint and one is hinted for this node's zone. */
static KnProxyTopologyMode
topology_mode_from_hints(const GPtrArray *endpoints, const char *node, const char *zone)
{
    gboolean any_ready = FALSE;
    gboolean all_have_node_hints = TRUE, has_endpoint_for_node = FALSE;
    gboolean all_have_zone_hints = TRUE, has_endpoint_for_zone = FALSE;

    for (guint i = 0; i < endpoints->len; i++) {
        const KnProxyEndpoint *endpoint = endpoints->pdata[i];

        if (!endpoint->ready)
            continue;
        any_ready = TRUE;
        if (endpoint->node_hints->len == 0)
            all_have_node_hints = FALSE;
        else if (hinted_for(endpoint->node_hints, node))
            has_endpoint_for_node = TRUE;
        if (endpoint->zone_hints->len == 0)
            all_have_zone_hints = FALSE;
        else if (hinted_for(endpoint->zone_hints, zone))
            has_endpoint_for_zone = TRUE;
    }
    if (any_ready && all_have_node_hints && has_endpoint_for_node)
        return KN_PROXY_TOPOLOGY_PREFER_SAME_NODE;
    if (any_ready && all_have_zone_hints && has_endpoint_for_zone)
        return KN_PROXY_TOPOLOGY_PREFER_SAME_ZONE;
    return KN_PROXY_TOPOLOGY_NONE;
}

/* availableForTopology. */
static gboolean
available_for_topology(const KnProxyEndpoint *endpoint, KnProxyTopologyMode mode, const char *node,
                       const char *zone)
{
    switch (mode) {
    case KN_PROXY_TOPOLOGY_PREFER_SAME_NODE:
        return hinted_for(endpoint->node_hints, node);
    case KN_PROXY_TOPOLOGY_PREFER_SAME_ZONE:
        return hinted_for(endpoint->zone_hints, zone);
    case KN_PROXY_TOPOLOGY_NONE:
        break;
    }
    return TRUE;
}

static void
categorize(KnProxyServicePort *sp, const char *node, const char *zone)
{
    GPtrArray *endpoints = sp->endpoints;
    gboolean local_ready = FALSE, local_serving_terminating = FALSE;

    if (sp->uses_cluster_endpoints) {
        sp->topology_mode = topology_mode_from_hints(endpoints, node, zone);
        for (guint i = 0; i < endpoints->len; i++) {
            KnProxyEndpoint *endpoint = endpoints->pdata[i];

            if (endpoint->ready && available_for_topology(endpoint, sp->topology_mode, node, zone))
                g_ptr_array_add(sp->cluster_endpoints, endpoint);
        }
    /* No ready endpoint anywhere (topology never filters them all):
         * fall back to the serving terminating ones. */
        if (sp->cluster_endpoints->len == 0) {
            for (guint i = 0; i < endpoints->len; i++) {
                KnProxyEndpoint *endpoint = endpoints->pdata[i];

                if (endpoint->serving && endpoint->terminating)
                    g_ptr_array_add(sp->cluster_endpoints, endpoint);
            }
        }
        sp->has_any_endpoints = sp->cluster_endpoints->len > 0;
    }

    if (sp->uses_local_endpoints) {
        for (guint i = 0; i < endpoints->len; i++) {
            const KnProxyEndpoint *endpoint = endpoints->pdata[i];

            if (endpoint->ready) {
                sp->has_any_endpoints = TRUE;
                local_ready |= endpoint->is_local;
            } else if (endpoint->serving && endpoint->terminating) {
                sp->has_any_endpoints = TRUE;
                local_serving_terminating |= endpoint->is_local;
            }
        }
        sp->local_serving_terminating = !local_ready && local_serving_terminating;
        for (guint i = 0; i < endpoints->len; i++) {
            KnProxyEndpoint *endpoint = endpoints->pdata[i];

            if (!endpoint->is_local)
                continue;
            if (local_ready ? endpoint->ready : (local_serving_terminating && endpoint->serving
                                                 && endpoint->terminating))
                g_ptr_array_add(sp->local_endpoints, endpoint);
        }
    }

    /* allReachableEndpoints: the union.  Both lists keep the order of
     * 'endpoints', so one merging walk finds it. */
    for (guint i = 0, c = 0, l = 0; i < endpoints->len; i++) {
        KnProxyEndpoint *endpoint = endpoints->pdata[i];
        gboolean in_cluster = c < sp->cluster_endpoints->len && sp->cluster_endpoints->pdata[c] == endpoint;
        gboolean in_local = l < sp->local_endpoints->len && sp->local_endpoints->pdata[l] == endpoint;

        c += in_cluster ? 1 : 0;
        l += in_local ? 1 : 0;
        if (in_cluster || in_local)
            g_ptr_array_add(sp->all_reachable, endpoint);
    }
}

/*****************************************************************************/
/* The service port. */

KnProxyServicePort *
kn_proxy_endpoints_new_from_slices(const GPtrArray *slices, const KnService *service,
                                   const KnServicePort *port, KnAddressType family,
                                   const char *node_name, const char *node_zone)
{
    g_return_val_if_fail(service != NULL && port != NULL, NULL);
    g_return_val_if_fail(family == KN_ADDRESS_IPV4 || family == KN_ADDRESS_IPV6, NULL);

    KnProxyServicePort *sp = g_new0(KnProxyServicePort, 1);
    const KnServiceSpec *spec = &service->spec;
    const char *zone = node_zone != NULL && node_zone[0] != '\0' ? node_zone : NULL;

    sp->service = service;
    sp->service_port = port;
    sp->svc_port_name = kn_proxy_endpoints_svc_port_name(service, port);
    sp->protocol = kn_proxy_endpoints_protocol(port->protocol);
    sp->family = family;
    sp->cluster_ip = cluster_ip_of_family(service, family);
    sp->port = port->port;
    sp->node_port = port->node_port;
    sp->external_ips = strings_of_family(spec->external_ips, family, FALSE);
    sp->load_balancer_vips = strings_of_family(service->load_balancer_ingress, family, FALSE);
    sp->load_balancer_source_ranges = strings_of_family(spec->load_balancer_source_ranges, family, TRUE);

    /* apiservice.ExternalPolicyLocal counts only for externally accessible
     * Services (a ClusterIP one with externalIPs too); InternalPolicyLocal
     * always. */
    sp->external_policy_local = kn_service_externally_accessible(service)
                                && spec->external_traffic_policy == KN_TRAFFIC_POLICY_LOCAL;
    sp->internal_policy_local = spec->internal_traffic_policy == KN_TRAFFIC_POLICY_LOCAL;
    sp->externally_accessible = sp->node_port != 0 || sp->load_balancer_vips->len > 0
                                || sp->external_ips->len > 0;
    sp->uses_cluster_endpoints = !sp->internal_policy_local || sp->externally_accessible;
    sp->uses_local_endpoints = sp->internal_policy_local
                               || (sp->external_policy_local && sp->externally_accessible);

    sp->endpoints = merge_endpoints(slices, port, family, node_name);
    sp->cluster_endpoints = g_ptr_array_new();
    sp->local_endpoints = g_ptr_array_new();
    sp->all_reachable = g_ptr_array_new();
    categorize(sp, node_name != NULL && node_name[0] != '\0' ? node_name : NULL, zone);

    /* syncProxyRules, per service port. */
    sp->has_internal_endpoints = sp->has_any_endpoints
                                 && !(sp->internal_policy_local && sp->local_endpoints->len == 0);
    sp->has_external_endpoints = sp->has_any_endpoints
                                 && !(sp->external_policy_local && sp->local_endpoints->len == 0);
    sp->uses_external_traffic_chain = sp->has_any_endpoints && sp->externally_accessible;
    sp->uses_fw_chain = sp->has_any_endpoints && sp->load_balancer_vips->len > 0
                        && sp->load_balancer_source_ranges->len > 0;
    return sp;
}

KnProxyServicePort *
kn_proxy_endpoints_new(KnStore *store, const KnService *service, const KnServicePort *port,
                       KnAddressType family, const char *node_name, const char *node_zone)
{
    g_return_val_if_fail(store != NULL && service != NULL && port != NULL, NULL);

    g_autoptr(GPtrArray) labelled = kn_store_list_labelled(store, KN_KIND_ENDPOINT_SLICE, service->meta.namespace,
                                                           LABEL_SERVICE_NAME, service->meta.name);
    g_autoptr(GPtrArray) slices = g_ptr_array_new();

    for (guint i = 0; i < labelled->len; i++) {
        const KnEndpointSlice *slice = labelled->pdata[i];

        if (kn_proxy_endpoints_informed(slice->meta.labels))
            g_ptr_array_add(slices, labelled->pdata[i]);
    }
    return kn_proxy_endpoints_new_from_slices(slices, service, port, family, node_name, node_zone);
}

void
kn_proxy_endpoints_free(KnProxyServicePort *sp)
{
    if (sp == NULL)
        return;
    g_free(sp->svc_port_name);
    g_ptr_array_unref(sp->external_ips);
    g_ptr_array_unref(sp->load_balancer_vips);
    g_ptr_array_unref(sp->load_balancer_source_ranges);
    g_ptr_array_unref(sp->cluster_endpoints);
    g_ptr_array_unref(sp->local_endpoints);
    g_ptr_array_unref(sp->all_reachable);
    g_ptr_array_unref(sp->endpoints);
    g_free(sp);
}

/*****************************************************************************/
/* The service ports of a sync. */

static int
compare_service_ports(gconstpointer a, gconstpointer b)
{
    const KnProxyServicePort *x = *(KnProxyServicePort *const *) a;
    const KnProxyServicePort *y = *(KnProxyServicePort *const *) b;

    return strcmp(x->svc_port_name, y->svc_port_name);
}

/* Does kube-proxy handle 'service' at all?  Not ExternalName, not headless,
 * not one its informer drops by label (another proxy's, or labelled
 * headless whatever its clusterIP). */
static gboolean
proxied(const KnService *service)
{
    return service->spec.type != KN_SERVICE_EXTERNAL_NAME && service->spec.cluster_ip != NULL
           && strcmp(service->spec.cluster_ip, "None") != 0
           && kn_proxy_endpoints_informed(service->meta.labels);
}

GPtrArray *
kn_proxy_endpoints_collect(KnStore *store, KnAddressType family, const char *node_name,
                           const char *node_zone, guint *n_endpoints)
{
    g_autoptr(GPtrArray) services = kn_store_list(store, KN_KIND_SERVICE, NULL);
    GPtrArray *ports = g_ptr_array_new_with_free_func((GDestroyNotify) kn_proxy_endpoints_free);

    for (guint i = 0; i < services->len; i++) {
        const KnService *service = services->pdata[i];

        if (!proxied(service))
            continue;
        for (guint p = 0; p < service->spec.ports->len; p++) {
            KnProxyServicePort *sp = kn_proxy_endpoints_new(store, service, service->spec.ports->pdata[p],
                                                            family, node_name, node_zone);

            if (sp->cluster_ip == NULL) {
                kn_proxy_endpoints_free(sp);
                continue;
            }
            if (n_endpoints != NULL)
                *n_endpoints += sp->endpoints->len;
            g_ptr_array_add(ports, sp);
        }
    }
    g_ptr_array_sort(ports, compare_service_ports);
    return ports;
}
