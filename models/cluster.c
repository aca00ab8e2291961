/* cluster.c -- the cluster a scenario starts with, as kubeadm and kind make it.
 *
 * DOC: What is there before the first step (KADM; reference section 6):
 * - Nodes in the scenario's order.  An address not given is the next free
 *   one of nodeCIDR from .2 up, as Docker hands them to kind's node
 *   containers (.1 is the bridge).  Each gets a /24 of podCIDR in
 *   registration order, as kube-controller-manager's range allocator does
 *   (--node-cidr-mask-size 24), and the labels kubelet and kubeadm set:
 *   kubernetes.io/hostname, kubernetes.io/os=linux, kubernetes.io/arch=amd64,
 *   node-role.kubernetes.io/<role>="", topology.kubernetes.io/zone.  A
 *   control-plane node carries the taint
 *   node-role.kubernetes.io/control-plane:NoSchedule.
 * - Namespaces default, kube-system, kube-public, kube-node-lease.
 * - The `kubernetes` Service in default: the first address of serviceCIDR,
 *   port https 443/TCP to 6443 on the control plane, no selector.
 * - CoreDNS: the `coredns` ConfigMap with kubeadm's Corefile, a Deployment
 *   of 2 replicas labelled k8s-app=kube-dns, and the `kube-dns` Service at
 *   the tenth address of serviceCIDR with ports dns 53/UDP, dns-tcp 53/TCP
 *   and metrics 9153/TCP.
 * - With cluster.dns.nodeLocalCache, the NodeLocal DNSCache addon
 *   (nodelocaldns.h): its ConfigMap, DaemonSet and the kube-dns-upstream
 *   and node-local-dns Services.
 *
 * Simplified: IPv4 node and pod CIDRs only; the apiserver's own Endpoints
 * and EndpointSlice for `kubernetes` are not made yet. */

#include <config.h>
#include "models/cluster.h"

#include "models/apiserver.h"
#include "models/nodelocaldns.h"

#include <arpa/inet.h>
#include <string.h>

#define COREDNS_IMAGE "registry.k8s.io/coredns/coredns:v1.11.3"

/*****************************************************************************/
/* IPv4 arithmetic. */

static gboolean
parse_cidr4(const char *cidr, guint32 *base, guint *prefix)
{
    const char *slash = strchr(cidr, '/');
    g_autofree char *address = slash != NULL ? g_strndup(cidr, (gsize) (slash - cidr)) : NULL;
    struct in_addr in;
    guint64 bits;

    if (address == NULL || inet_pton(AF_INET, address, &in) != 1
        || !g_ascii_string_to_unsigned(slash + 1, 10, 0, 32, &bits, NULL))
        return FALSE;
    *prefix = (guint) bits;
    *base = ntohl(in.s_addr) & (bits == 0 ? 0 : ~((G_GUINT64_CONSTANT(1) << (32 - bits)) - 1));
    return TRUE;
}

static char *
format_ip4(guint32 address)
{
    return g_strdup_printf("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                           (address >> 8) & 0xff, address & 0xff);
}

char *
kn_cluster_cidr_address(const char *cidr, guint32 index)
{
    guint32 base;
    guint prefix;

    if (!parse_cidr4(cidr, &base, &prefix))
        return NULL;
    if (prefix < 32 && index >= (G_GUINT64_CONSTANT(1) << (32 - prefix)))
        return NULL;
    return format_ip4(base + index);
}

static gboolean
cidr4_contains(guint32 base, guint prefix, const char *ip)
{
    struct in_addr in;

    if (inet_pton(AF_INET, ip, &in) != 1)
        return FALSE;
    return prefix == 0 || (ntohl(in.s_addr) >> (32 - prefix)) == (base >> (32 - prefix));
}

/*****************************************************************************/

const char *
kn_cluster_pod_network(const KnCluster *cluster)
{
    return cluster->scenario->cni_mode == KN_CNI_MODE_CLOUD ? cluster->scenario->node_cidr
                                                            : cluster->scenario->pod_cidr;
}

char *
kn_cluster_default_corefile(const char *domain)
{
    return g_strdup_printf(".:53 {\n"
                           "    errors\n"
                           "    health {\n"
                           "       lameduck 5s\n"
                           "    }\n"
                           "    ready\n"
                           "    kubernetes %s in-addr.arpa ip6.arpa {\n"
                           "       pods insecure\n"
                           "       fallthrough in-addr.arpa ip6.arpa\n"
                           "       ttl 30\n"
                           "    }\n"
                           "    prometheus :9153\n"
                           "    forward . /etc/resolv.conf {\n"
                           "       max_concurrent 1000\n"
                           "    }\n"
                           "    cache 30\n"
                           "    loop\n"
                           "    reload\n"
                           "    loadbalance\n"
                           "}\n", domain);
}

static void
add(KnCluster *cluster, KnKind kind, gpointer object)
{
    g_autoptr(GError) error = NULL;

    /* The bootstrap objects have fixed, distinct names. */
    if (!kn_store_add(cluster->store, kind, object, &error))
        g_error("cluster bootstrap: %s", error->message);
}

static void
meta_set(KnObjectMeta *meta, const char *namespace, const char *name)
{
    meta->namespace = g_strdup(namespace);
    meta->name = g_strdup(name);
}

/* Creates 'service' at the 'index'th address of serviceCIDR, through the
 * API server so that the address is taken in the allocator. */
static void
add_service(KnCluster *cluster, KnService *service, guint index)
{
    g_autoptr(GError) error = NULL;

    service->spec.cluster_ip = kn_svc_alloc_indexed_ip(cluster->scenario->service_cidr, index, &error);
    if (service->spec.cluster_ip == NULL || !kn_apiserver_create(cluster, KN_KIND_SERVICE, service, &error))
        g_error("cluster bootstrap: %s", error->message);
}

/* The `kubernetes` Service has no selector: the API server's endpoint
 * reconciler (pkg/controlplane/reconcilers, the lease reconciler) writes its
 * Endpoints and EndpointSlice, both named `kubernetes`, with each API
 * server's address and 6443 under the port name https; the slice is marked
 * endpointslice.kubernetes.io/skip-mirror so the mirroring controller
 * leaves it alone.  One API server here: the first control-plane node. */
static void
add_apiserver_endpoints(KnCluster *cluster)
{
    const KnNode *node = cluster->control_plane != NULL
        ? kn_store_lookup(cluster->store, KN_KIND_NODE, NULL, cluster->control_plane) : NULL;
    KnEndpointSlice *slice;
    KnEndpoint *endpoint;
    KnEndpointPort *port;
    KnEndpoints *endpoints;
    KnEndpointSubset *subset;
    KnEndpointAddress *address;

    if (node == NULL || node->internal_ip == NULL)
        return;
    slice = kn_endpoint_slice_new();
    meta_set(&slice->meta, "default", "kubernetes");
    kn_labels_set(slice->meta.labels, "kubernetes.io/service-name", "kubernetes");
    kn_labels_set(slice->meta.labels, "endpointslice.kubernetes.io/skip-mirror", "true");
    slice->address_type = KN_ADDRESS_IPV4;
    endpoint = kn_endpoint_new();
    g_ptr_array_add(endpoint->addresses, g_strdup(node->internal_ip));
    endpoint->ready = endpoint->serving = TRUE;
    g_ptr_array_add(slice->endpoints, endpoint);
    port = kn_endpoint_port_new();
    port->name = g_strdup("https");
    port->protocol = KN_PROTOCOL_TCP;
    port->port = 6443;
    g_ptr_array_add(slice->ports, port);
    add(cluster, KN_KIND_ENDPOINT_SLICE, slice);

    endpoints = kn_endpoints_new();
    meta_set(&endpoints->meta, "default", "kubernetes");
    kn_labels_set(endpoints->meta.labels, "endpointslice.kubernetes.io/skip-mirror", "true");
    subset = kn_endpoint_subset_new();
    address = kn_endpoint_address_new();
    address->ip = g_strdup(node->internal_ip);
    g_ptr_array_add(subset->addresses, address);
    port = kn_endpoint_port_new();
    port->name = g_strdup("https");
    port->protocol = KN_PROTOCOL_TCP;
    port->port = 6443;
    g_ptr_array_add(subset->ports, port);
    g_ptr_array_add(endpoints->subsets, subset);
    add(cluster, KN_KIND_ENDPOINTS, endpoints);
}

static void
add_coredns(KnCluster *cluster)
{
    const char *domain = cluster->scenario->cluster_domain;
    KnConfigMap *config = kn_config_map_new();
    g_autofree char *corefile = kn_cluster_default_corefile(domain);

    meta_set(&config->meta, "kube-system", "coredns");
    kn_labels_set(config->data, "Corefile", corefile);
    add(cluster, KN_KIND_CONFIG_MAP, config);

    KnDeployment *deployment = kn_deployment_new();
    KnContainer *container = kn_container_new();
    static const struct { const char *name; KnProtocol protocol; guint port; } ports[] = {
        { "dns", KN_PROTOCOL_UDP, 53 },
        { "dns-tcp", KN_PROTOCOL_TCP, 53 },
        { "metrics", KN_PROTOCOL_TCP, 9153 },
    };

    meta_set(&deployment->meta, "kube-system", "coredns");
    kn_labels_set(deployment->meta.labels, "k8s-app", "kube-dns");
    deployment->replicas = 2;
    kn_int_or_string_set_number(&deployment->max_unavailable, 1);
    kn_labels_set(deployment->selector, "k8s-app", "kube-dns");
    kn_labels_set(deployment->template.labels, "k8s-app", "kube-dns");
    container->name = g_strdup("coredns");
    container->image = g_strdup(COREDNS_IMAGE);
    for (guint i = 0; i < G_N_ELEMENTS(ports); i++)
        g_ptr_array_add(container->ports,
                        kn_container_port_named(ports[i].name, ports[i].protocol, ports[i].port));
    /* kubeadm's probe: GET /ready on 8181, every 10 s. */
    container->readiness.kind = KN_PROBE_HTTP_GET;
    container->readiness.path = g_strdup("/ready");
    kn_int_or_string_set_number(&container->readiness.port, 8181);
    g_ptr_array_add(container->command, g_strdup("-conf"));
    g_ptr_array_add(container->command, g_strdup("/etc/coredns/Corefile"));
    g_ptr_array_add(deployment->template.spec.containers, container);
    /* kubeadm's tolerations: CoreDNS may run on the control plane. */
    static const char *const tolerated[] = { "CriticalAddonsOnly", "node-role.kubernetes.io/control-plane" };
    for (guint i = 0; i < G_N_ELEMENTS(tolerated); i++) {
        KnToleration *toleration = kn_toleration_new();

        toleration->key = g_strdup(tolerated[i]);
        toleration->exists = TRUE;
        if (i == 1)
            toleration->effect = g_strdup("NoSchedule");
        g_ptr_array_add(deployment->template.spec.tolerations, toleration);
    }
    g_free(deployment->template.spec.dns_policy);
    deployment->template.spec.dns_policy = g_strdup("Default");
    add(cluster, KN_KIND_DEPLOYMENT, deployment);

    KnService *service = kn_service_new();

    meta_set(&service->meta, "kube-system", "kube-dns");
    kn_labels_set(service->meta.labels, "k8s-app", "kube-dns");
    kn_labels_set(service->meta.labels, "kubernetes.io/cluster-service", "true");
    kn_labels_set(service->meta.labels, "kubernetes.io/name", "CoreDNS");
    kn_labels_set(service->meta.annotations, "prometheus.io/port", "9153");
    kn_labels_set(service->meta.annotations, "prometheus.io/scrape", "true");
    service->spec.selector = kn_labels_new();
    kn_labels_set(service->spec.selector, "k8s-app", "kube-dns");
    for (guint i = 0; i < G_N_ELEMENTS(ports); i++)
        g_ptr_array_add(service->spec.ports,
                        kn_service_port_named(ports[i].name, ports[i].protocol, ports[i].port, ports[i].port));
    add_service(cluster, service, KN_CLUSTER_DNS_INDEX);
}

/* Adds the scenario's nodes; FALSE with 'error' if an address is bad. */
static gboolean
add_nodes(KnCluster *cluster, GError **error)
{
    const KnScenario *scenario = cluster->scenario;
    guint32 node_base, pod_base;
    guint node_prefix, pod_prefix;
    g_autoptr(GHashTable) taken = g_hash_table_new(g_str_hash, g_str_equal);
    guint32 next_host = 2;

    if (!parse_cidr4(scenario->node_cidr, &node_base, &node_prefix)
        || !parse_cidr4(scenario->pod_cidr, &pod_base, &pod_prefix) || pod_prefix > 24) {
        KnSrcLoc loc = { scenario->file, 0, 0 };

        kn_diag_set_error(error, KN_INPUT_ERROR_UNSUPPORTED, &loc, NULL,
                          "cluster.nodeCIDR and cluster.podCIDR must be IPv4, and podCIDR "
                          "no smaller than /24 (IPv6 clusters are not built yet)");
        return FALSE;
    }
    for (guint i = 0; i < scenario->nodes->len; i++) {
        const KnNodeSpec *spec = scenario->nodes->pdata[i];

        if (spec->ip != NULL)
            g_hash_table_add(taken, spec->ip);
    }
    if (scenario->cni_mode == KN_CNI_MODE_CLOUD) {
        /* Pods take VPC addresses (the AWS VPC CNI, Azure CNI): each node's
         * /24 comes from the upper half of the nodes' own network. */
        if (node_prefix > 23 || scenario->nodes->len > (1u << (23 - node_prefix))) {
            KnSrcLoc loc = { scenario->file, 0, 0 };

            kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, &loc, NULL,
                              "cluster.nodeCIDR %s is too small for cni mode cloud: pods take /24s "
                              "from its upper half, room for %u nodes, not %u", scenario->node_cidr,
                              node_prefix > 23 ? 0 : 1u << (23 - node_prefix), scenario->nodes->len);
            return FALSE;
        }
        pod_base = node_base + (1u << (31 - node_prefix));
        pod_prefix = node_prefix + 1;
    }
    if (scenario->nodes->len > (1u << (24 - pod_prefix))) {
        KnSrcLoc loc = { scenario->file, 0, 0 };

        kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, &loc, NULL,
                          "cluster.podCIDR %s has room for %u node subnets (/24), not %u",
                          scenario->pod_cidr, 1u << (24 - pod_prefix), scenario->nodes->len);
        return FALSE;
    }

    for (guint i = 0; i < scenario->nodes->len; i++) {
        const KnNodeSpec *spec = scenario->nodes->pdata[i];
        KnNode *node = kn_node_new();
        gboolean control_plane = FALSE;

        if (spec->ip != NULL && !cidr4_contains(node_base, node_prefix, spec->ip)) {
            kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, &spec->loc, scenario->source,
                              "node %s: ip %s is not in cluster.nodeCIDR %s", spec->name,
                              spec->ip, scenario->node_cidr);
            kn_object_free(KN_KIND_NODE, node);
            return FALSE;
        }
        node->meta.name = g_strdup(spec->name);
        node->meta.loc = spec->loc;
        if (spec->ip != NULL) {
            node->internal_ip = g_strdup(spec->ip);
        } else {
            for (;;) {
                g_autofree char *ip = format_ip4(node_base + next_host++);

                if ((guint64) next_host >= G_GUINT64_CONSTANT(1) << (32 - node_prefix)) {   /* /31, /32 hold none */
                    kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, &spec->loc, scenario->source,
                                      "node %s: cluster.nodeCIDR %s has no free address left",
                                      spec->name, scenario->node_cidr);
                    kn_object_free(KN_KIND_NODE, node);
                    return FALSE;
                }
                if (!g_hash_table_contains(taken, ip)) {
                    node->internal_ip = g_steal_pointer(&ip);
                    break;
                }
            }
        }
        g_autofree char *subnet = format_ip4(pod_base + (i << 8));

        node->pod_cidr = g_strconcat(subnet, "/24", NULL);
        node->cpu = spec->cpu;
        if (spec->max_pods > 0)
            node->max_pods = spec->max_pods;
        node->ready = TRUE;
        kn_labels_set(node->meta.labels, "kubernetes.io/arch", "amd64");
        kn_labels_set(node->meta.labels, "kubernetes.io/hostname", spec->name);
        kn_labels_set(node->meta.labels, "kubernetes.io/os", "linux");
        for (guint r = 0; spec->roles[r] != NULL; r++) {
            g_autofree char *key = g_strconcat("node-role.kubernetes.io/", spec->roles[r], NULL);

            kn_labels_set(node->meta.labels, key, "");
            control_plane |= strcmp(spec->roles[r], "control-plane") == 0;
        }
        if (spec->zone != NULL)
            kn_labels_set(node->meta.labels, "topology.kubernetes.io/zone", spec->zone);
        if (control_plane) {
            KnTaint *taint = g_new0(KnTaint, 1);

            /* kubeadm's mark-control-plane phase keeps load balancers off it. */
            kn_labels_set(node->meta.labels, "node.kubernetes.io/exclude-from-external-load-balancers", "");
            taint->key = g_strdup("node-role.kubernetes.io/control-plane");
            taint->effect = g_strdup("NoSchedule");
            g_ptr_array_add(node->taints, taint);
            if (cluster->control_plane == NULL)
                cluster->control_plane = g_strdup(spec->name);
        }
        add(cluster, KN_KIND_NODE, node);
    }
    return TRUE;
}

KnCluster *
kn_cluster_new(const KnScenario *scenario, KnSim *sim, GError **error)
{
    g_return_val_if_fail(scenario != NULL && sim != NULL, NULL);

    g_autoptr(KnCluster) cluster = g_new0(KnCluster, 1);
    static const char *const namespaces[] = { "default", "kube-node-lease", "kube-public", "kube-system" };

    cluster->scenario = scenario;
    cluster->sim = sim;
    cluster->store = kn_store_new(sim);
    cluster->recorder = kn_recorder_new(cluster->store);
    g_autoptr(GError) local = NULL;

    cluster->service_ips = kn_svc_alloc_ip_new(scenario->service_cidr, &local);
    if (cluster->service_ips == NULL) {
        KnSrcLoc loc = { scenario->file, 0, 0 };

        kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, &loc, NULL, "cluster.serviceCIDR: %s",
                          local->message);
        return NULL;
    }
    if (scenario->service_cidr_secondary != NULL) {
        cluster->service_ips_secondary = kn_svc_alloc_ip_new(scenario->service_cidr_secondary, &local);
        if (cluster->service_ips_secondary == NULL) {
            KnSrcLoc loc = { scenario->file, 0, 0 };

            kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, &loc, NULL, "cluster.serviceCIDR: %s",
                              local->message);
            return NULL;
        }
    }
    cluster->node_ports = kn_svc_alloc_port_new(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE, error);
    g_assert(cluster->node_ports != NULL);

    for (guint i = 0; i < G_N_ELEMENTS(namespaces); i++) {
        KnNamespace *namespace = kn_namespace_new();

        namespace->meta.name = g_strdup(namespaces[i]);
        kn_labels_set(namespace->meta.labels, "kubernetes.io/metadata.name", namespaces[i]);
        add(cluster, KN_KIND_NAMESPACE, namespace);
    }
    if (!add_nodes(cluster, error))
        return NULL;

    KnService *kubernetes = kn_service_new();

    meta_set(&kubernetes->meta, "default", "kubernetes");
    kn_labels_set(kubernetes->meta.labels, "component", "apiserver");
    kn_labels_set(kubernetes->meta.labels, "provider", "kubernetes");
    g_ptr_array_add(kubernetes->spec.ports, kn_service_port_named("https", KN_PROTOCOL_TCP, 443, 6443));
    add_service(cluster, kubernetes, 1);
    add_apiserver_endpoints(cluster);

    add_coredns(cluster);
    if (scenario->node_local_dns)
        kn_nodelocaldns_install(cluster);
    return g_steal_pointer(&cluster);
}

void
kn_cluster_free(KnCluster *cluster)
{
    if (cluster == NULL)
        return;
    kn_recorder_free(cluster->recorder);
    kn_store_free(cluster->store);
    kn_svc_alloc_ip_free(cluster->service_ips);
    kn_svc_alloc_ip_free(cluster->service_ips_secondary);
    kn_svc_alloc_port_free(cluster->node_ports);
    g_free(cluster->control_plane);
    g_free(cluster);
}
