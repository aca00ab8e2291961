/* nodelocaldns.c -- NodeLocal DNSCache (nodelocaldns.h).
 *
 * DOC: NodeLocal DNSCache
 *
 * The addon (kubernetes/kubernetes cluster/addons/dns/nodelocaldns/
 * nodelocaldns.yaml; reference/k8s-networking-facts.md section 9, KDNS):
 *  - ConfigMap node-local-dns, key Corefile: four server blocks, the
 *    cluster domain (cache success 9984 30, denial 9984 5), in-addr.arpa
 *    and ip6.arpa (cache 30), each `forward . __PILLAR__CLUSTER__DNS__`
 *    with force_tcp, and `.` (cache 30) forwarding to
 *    __PILLAR__UPSTREAM__SERVERS__; every block binds
 *    `__PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__`.  The install
 *    instructions for kube-proxy in iptables mode (kubernetes.io "Using
 *    NodeLocal DNSCache in Kubernetes Clusters") sed __PILLAR__LOCAL__DNS__
 *    (169.254.20.10 by the addon README's default), __PILLAR__DNS__DOMAIN__
 *    and __PILLAR__DNS__SERVER__ (the kube-dns ClusterIP): node-local-dns
 *    then listens on both addresses.
 *  - Service kube-dns-upstream: kube-dns's selector (k8s-app: kube-dns)
 *    and ports dns 53/UDP, dns-tcp 53/TCP under a ClusterIP of its own.
 *    node-cache binds the kube-dns ClusterIP on the node, so it cannot
 *    reach CoreDNS through that address: it forwards to this one.
 *  - DaemonSet node-local-dns (k8s-app: node-local-dns): hostNetwork,
 *    dnsPolicy Default, tolerations CriticalAddonsOnly, and NoExecute and
 *    NoSchedule with no key (every node, the control plane too); container
 *    node-cache, image registry.k8s.io/dns/k8s-dns-node-cache:1.26.4, args
 *    -localip LOCAL,DNS_SERVER -conf /etc/Corefile -upstreamsvc
 *    kube-dns-upstream -pidfile /tmp/node-cache.pid; ports dns 53/UDP,
 *    dns-tcp 53/TCP, metrics 9253/TCP.
 *  - Service node-local-dns: headless, port metrics 9253, for Prometheus.
 *
 * node-cache (kubernetes/dns cmd/node-cache main.go, app/cache_app.go,
 * app/configmap.go):
 *  - updateCorefile: the ConfigMap's Corefile (Corefile.base) with
 *    __PILLAR__UPSTREAM__SERVERS__ = /etc/resolv.conf when kube-dns's
 *    ConfigMap names no upstreamNameservers, __PILLAR__CLUSTER__DNS__ =
 *    the upstream Service's ClusterIP (the $KUBE_DNS_UPSTREAM_SERVICE_HOST
 *    of -upstreamsvc), __PILLAR__LOCAL__DNS__ = -localip with spaces, and
 *    any leftover __PILLAR__DNS__SERVER__ removed.
 *  - a dummy interface "nodelocaldns" holding the -localip addresses.
 *  - initIptables, per -localip address, each rule added with
 *    EnsureRule(Prepend) so the last ensured comes first: raw PREROUTING
 *    -p tcp|udp -d IP --dport 53 -j NOTRACK; filter INPUT the same with
 *    ACCEPT; raw OUTPUT -s IP --sport 53 NOTRACK; filter OUTPUT the same
 *    ACCEPT; raw OUTPUT -d IP --dport 53 NOTRACK (hostNetwork clients);
 *    raw OUTPUT tcp -d IP --dport 8080 and -s IP --sport 8080 NOTRACK (the
 *    liveness probe of the health plugin).  Comments "NodeLocal DNS
 *    Cache: skip conntrack" and "NodeLocal DNS Cache: allow DNS traffic"
 *    (iptablesCommentSkipConntrack, iptablesCommentAllowTraffic); the
 *    resulting iptables-save was checked against a real iptables 1.8.9
 *    and a published dump of a cluster running the addon.  The rules are
 *    node-cache's, not kube-proxy's: kube-proxy never writes raw.
 *
 * Simplified: the kube-dns ConfigMap's stubDomains and upstreamNameservers
 * are not read; node-cache's 60 s re-check of its rules and interface, the
 * teardown on exit and the liveness probe are not modelled (a stopped pod
 * takes its addresses and rules with it at once); the newest node-cache's
 * extra rules for the ready plugin's port (-ready-port) are left out, as
 * the addon's Corefile has no ready plugin and the dump above shows none. */

#include <config.h>
#include "models/nodelocaldns.h"

#include <string.h>
#include "models/apiserver.h"
#include "models/store.h"

#define COREFILE "/etc/Corefile"           /* node-cache's -conf */
#define COMMENT_SKIP "NodeLocal DNS Cache: skip conntrack"
#define COMMENT_ALLOW "NodeLocal DNS Cache: allow DNS traffic"

/*****************************************************************************/
/* The addon. */

char *
kn_nodelocaldns_addon_corefile(const char *domain, const char *local_ip, const char *dns_server)
{
    /* nodelocaldns.yaml's data.Corefile, indentation and all. */
    static const char *const template =
        "__PILLAR__DNS__DOMAIN__:53 {\n"
        "    errors\n"
        "    cache {\n"
        "            success 9984 30\n"
        "            denial 9984 5\n"
        "    }\n"
        "    reload\n"
        "    loop\n"
        "    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\n"
        "    forward . __PILLAR__CLUSTER__DNS__ {\n"
        "            force_tcp\n"
        "    }\n"
        "    prometheus :9253\n"
        "    health __PILLAR__LOCAL__DNS__:8080\n"
        "    }\n"
        "in-addr.arpa:53 {\n"
        "    errors\n"
        "    cache 30\n"
        "    reload\n"
        "    loop\n"
        "    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\n"
        "    forward . __PILLAR__CLUSTER__DNS__ {\n"
        "            force_tcp\n"
        "    }\n"
        "    prometheus :9253\n"
        "    }\n"
        "ip6.arpa:53 {\n"
        "    errors\n"
        "    cache 30\n"
        "    reload\n"
        "    loop\n"
        "    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\n"
        "    forward . __PILLAR__CLUSTER__DNS__ {\n"
        "            force_tcp\n"
        "    }\n"
        "    prometheus :9253\n"
        "    }\n"
        ".:53 {\n"
        "    errors\n"
        "    cache 30\n"
        "    reload\n"
        "    loop\n"
        "    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\n"
        "    forward . __PILLAR__UPSTREAM__SERVERS__\n"
        "    prometheus :9253\n"
        "    }\n";
    g_autoptr(GString) text = g_string_new(template);

    /* The documented sed, in its order. */
    g_string_replace(text, "__PILLAR__LOCAL__DNS__", local_ip, 0);
    g_string_replace(text, "__PILLAR__DNS__DOMAIN__", domain, 0);
    g_string_replace(text, "__PILLAR__DNS__SERVER__", dns_server, 0);
    return g_string_free(g_steal_pointer(&text), FALSE);
}

static void
meta_set(KnObjectMeta *meta, const char *name, const char *const *labels)
{
    meta->namespace = g_strdup("kube-system");
    meta->name = g_strdup(name);
    for (guint i = 0; labels != NULL && labels[i] != NULL; i += 2)
        kn_labels_set(meta->labels, labels[i], labels[i + 1]);
}

static void
create(KnCluster *cluster, KnKind kind, gpointer object)
{
    g_autoptr(GError) error = NULL;

    /* Fixed names in a cluster that has none of them yet. */
    if (!kn_apiserver_create(cluster, kind, object, &error))
        g_error("nodelocaldns addon: %s", error->message);
}

static KnToleration *
toleration(const char *key, const char *effect)
{
    KnToleration *t = kn_toleration_new();

    t->key = g_strdup(key);
    t->exists = TRUE;
    t->effect = g_strdup(effect);
    return t;
}

void
kn_nodelocaldns_install(KnCluster *cluster)
{
    const KnService *kube_dns = kn_store_lookup(cluster->store, KN_KIND_SERVICE, "kube-system", "kube-dns");
    static const char *const upstream_labels[] = {
        "k8s-app", "kube-dns", "kubernetes.io/cluster-service", "true",
        "addonmanager.kubernetes.io/mode", "Reconcile", "kubernetes.io/name", "KubeDNSUpstream", NULL,
    };
    static const char *const config_labels[] = { "addonmanager.kubernetes.io/mode", "Reconcile", NULL };
    static const char *const set_labels[] = {
        "k8s-app", "node-local-dns", "kubernetes.io/cluster-service", "true",
        "addonmanager.kubernetes.io/mode", "Reconcile", NULL,
    };
    static const char *const metrics_labels[] = { "k8s-app", "node-local-dns", NULL };

    g_return_if_fail(kube_dns != NULL && kube_dns->spec.cluster_ip != NULL);

    /* kube-dns-upstream: the API server picks its address. */
    KnService *upstream = kn_service_new();

    meta_set(&upstream->meta, KN_NODELOCALDNS_UPSTREAM, upstream_labels);
    upstream->spec.selector = kn_labels_new();
    kn_labels_set(upstream->spec.selector, "k8s-app", "kube-dns");
    g_ptr_array_add(upstream->spec.ports, kn_service_port_named("dns", KN_PROTOCOL_UDP, 53, 53));
    g_ptr_array_add(upstream->spec.ports, kn_service_port_named("dns-tcp", KN_PROTOCOL_TCP, 53, 53));
    create(cluster, KN_KIND_SERVICE, upstream);

    KnConfigMap *config = kn_config_map_new();
    g_autofree char *corefile = kn_nodelocaldns_addon_corefile(cluster->scenario->cluster_domain,
                                                               KN_NODELOCALDNS_IP, kube_dns->spec.cluster_ip);

    meta_set(&config->meta, KN_NODELOCALDNS_NAME, config_labels);
    kn_labels_set(config->data, "Corefile", corefile);
    create(cluster, KN_KIND_CONFIG_MAP, config);

    KnDaemonSet *set = kn_daemon_set_new();
    KnContainer *container = kn_container_new();
    KnPodSpec *spec = &set->template.spec;
    g_autofree char *local_ips = g_strdup_printf("%s,%s", KN_NODELOCALDNS_IP, kube_dns->spec.cluster_ip);
    const char *const args[] = {
        "-localip", local_ips, "-conf", COREFILE, "-upstreamsvc", KN_NODELOCALDNS_UPSTREAM,
        "-pidfile", "/tmp/node-cache.pid",
    };
    static const struct { const char *name; KnProtocol protocol; guint port; } ports[] = {
        { "dns", KN_PROTOCOL_UDP, 53 },
        { "dns-tcp", KN_PROTOCOL_TCP, 53 },
        { "metrics", KN_PROTOCOL_TCP, 9253 },
    };

    meta_set(&set->meta, KN_NODELOCALDNS_NAME, set_labels);
    kn_labels_set(set->selector, "k8s-app", "node-local-dns");
    kn_labels_set(set->template.labels, "k8s-app", "node-local-dns");
    kn_labels_set(set->template.annotations, "prometheus.io/port", "9253");
    kn_labels_set(set->template.annotations, "prometheus.io/scrape", "true");
    spec->host_network = TRUE;
    g_free(spec->dns_policy);
    spec->dns_policy = g_strdup("Default");
    g_ptr_array_add(spec->tolerations, toleration("CriticalAddonsOnly", NULL));
    g_ptr_array_add(spec->tolerations, toleration(NULL, "NoExecute"));
    g_ptr_array_add(spec->tolerations, toleration(NULL, "NoSchedule"));
    container->name = g_strdup("node-cache");
    container->image = g_strdup(KN_NODELOCALDNS_IMAGE);
    for (guint i = 0; i < G_N_ELEMENTS(args); i++)
        g_ptr_array_add(container->command, g_strdup(args[i]));
    for (guint i = 0; i < G_N_ELEMENTS(ports); i++)
        g_ptr_array_add(container->ports,
                        kn_container_port_named(ports[i].name, ports[i].protocol, ports[i].port));
    kn_labels_set(container->requests, "cpu", "25m");
    kn_labels_set(container->requests, "memory", "5Mi");
    g_ptr_array_add(spec->containers, container);
    create(cluster, KN_KIND_DAEMON_SET, set);

    KnService *metrics = kn_service_new();

    meta_set(&metrics->meta, KN_NODELOCALDNS_NAME, metrics_labels);
    kn_labels_set(metrics->meta.annotations, "prometheus.io/port", "9253");
    kn_labels_set(metrics->meta.annotations, "prometheus.io/scrape", "true");
    metrics->spec.cluster_ip = g_strdup("None");
    metrics->spec.selector = kn_labels_new();
    kn_labels_set(metrics->spec.selector, "k8s-app", "node-local-dns");
    g_ptr_array_add(metrics->spec.ports, kn_service_port_named("metrics", KN_PROTOCOL_TCP, 9253, 9253));
    create(cluster, KN_KIND_SERVICE, metrics);
}

/*****************************************************************************/
/* node-cache. */

char *
kn_nodelocaldns_corefile(const char *base, const char *local_ips, const char *cluster_dns)
{
    g_autoptr(GString) text = g_string_new(base);
    g_autofree char *listen = g_strdup(local_ips);

    g_strdelimit(listen, ",", ' ');
    g_string_replace(text, "__PILLAR__UPSTREAM__SERVERS__", "/etc/resolv.conf", 0);
    g_string_replace(text, "__PILLAR__CLUSTER__DNS__", cluster_dns, 0);
    g_string_replace(text, "__PILLAR__LOCAL__DNS__", listen, 0);
    g_string_replace(text, "__PILLAR__DNS__SERVER__", "", 0);
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/* A rule node-cache ensures, with the chain it goes to. */
typedef struct Ensured {
    KnProxyIrTable table;
    const char *chain;
    KnProxyIrRule rule;
} Ensured;

/* "-p PROTO -s|-d IP --sport|--dport PORT -j TARGET -m comment --comment C". */
static void
ensure(GArray *ensured, KnProxyIrTable table, const char *chain, guint8 proto, gboolean source,
       const char *ip, guint16 port, KnProxyIrTargetKind target, const char *comment)
{
    Ensured e = { .table = table, .chain = chain };
    g_autofree char *cidr = g_strdup_printf("%s/%u", ip, strchr(ip, ':') != NULL ? 128 : 32);

    if (source) {
        e.rule.has_src = kn_cidr_parse(cidr, &e.rule.src);
        kn_proxy_ir_add_sport(&e.rule, proto, port);
    } else {
        e.rule.has_dst = kn_cidr_parse(cidr, &e.rule.dst);
        kn_proxy_ir_add_port(&e.rule, proto, port);
    }
    kn_proxy_ir_add_comment(&e.rule, comment);
    e.rule.target = target;
    g_array_append_val(ensured, e);
}

KnProxyIrRuleset *
kn_nodelocaldns_rules(const char *local_ips, guint16 port, guint16 health_port)
{
    KnProxyIrRuleset *ruleset = kn_proxy_ir_ruleset_new();
    g_auto(GStrv) ips = g_strsplit(local_ips, ",", -1);
    g_autoptr(GArray) ensured = g_array_new(FALSE, TRUE, sizeof(Ensured));
    const guint8 tcp = KN_IPPROTO_TCP, udp = KN_IPPROTO_UDP;
    const KnProxyIrTable raw = KN_PROXY_IR_RAW, filter = KN_PROXY_IR_FILTER;
    const KnProxyIrTargetKind notrack = KN_PROXY_IR_TARGET_NOTRACK, accept = KN_PROXY_IR_TARGET_ACCEPT;

    kn_proxy_ir_chain(ruleset, KN_PROXY_IR_RAW, "PREROUTING");   /* the raw table exists */
    for (guint i = 0; ips[i] != NULL; i++) {
        const char *ip = g_strstrip(ips[i]);

        ensure(ensured, raw, "PREROUTING", tcp, FALSE, ip, port, notrack, COMMENT_SKIP);
        ensure(ensured, raw, "PREROUTING", udp, FALSE, ip, port, notrack, COMMENT_SKIP);
        ensure(ensured, filter, "INPUT", tcp, FALSE, ip, port, accept, COMMENT_ALLOW);
        ensure(ensured, filter, "INPUT", udp, FALSE, ip, port, accept, COMMENT_ALLOW);
        ensure(ensured, raw, "OUTPUT", tcp, TRUE, ip, port, notrack, COMMENT_SKIP);
        ensure(ensured, raw, "OUTPUT", udp, TRUE, ip, port, notrack, COMMENT_SKIP);
        ensure(ensured, filter, "OUTPUT", tcp, TRUE, ip, port, accept, COMMENT_ALLOW);
        ensure(ensured, filter, "OUTPUT", udp, TRUE, ip, port, accept, COMMENT_ALLOW);
        ensure(ensured, raw, "OUTPUT", tcp, FALSE, ip, port, notrack, COMMENT_SKIP);
        ensure(ensured, raw, "OUTPUT", udp, FALSE, ip, port, notrack, COMMENT_SKIP);
        ensure(ensured, raw, "OUTPUT", tcp, FALSE, ip, health_port, notrack, COMMENT_SKIP);
        ensure(ensured, raw, "OUTPUT", tcp, TRUE, ip, health_port, notrack, COMMENT_SKIP);
    }
    /* EnsureRule(Prepend) puts each at the head of its chain: the last
     * ensured comes first. */
    for (guint i = ensured->len; i-- > 0;) {
        const Ensured *e = &g_array_index(ensured, Ensured, i);

        kn_proxy_ir_append(ruleset, kn_proxy_ir_chain(ruleset, e->table, e->chain), &e->rule);
    }
    return ruleset;
}

struct KnNodeLocalDns {
    char *pod;                   /* the node-local-dns pod */
    char *addrs_text;            /* -localip with spaces: "169.254.20.10 10.96.0.10" */
    GArray *addrs;               /* KnAddr: -localip, on the nodelocaldns interface */
    char *upstream;              /* the -upstreamsvc Service's ClusterIP */
    KnProxyIrRuleset *ruleset;   /* owned */
    KnCoreDns *server;           /* owned */
};

/* The value after 'flag' in 'container''s arguments, or NULL. */
static const char *
container_arg(const KnContainer *container, const char *flag)
{
    for (guint i = 0; i + 1 < container->command->len; i++)
        if (strcmp(container->command->pdata[i], flag) == 0)
            return container->command->pdata[i + 1];
    return NULL;
}

KnNodeLocalDns *
kn_nodelocaldns_new(KnCluster *cluster, const KnPod *pod, GError **error)
{
    const KnContainer *container = pod->spec.containers->len > 0 ? pod->spec.containers->pdata[0] : NULL;
    const char *local_ips = container != NULL ? container_arg(container, "-localip") : NULL;
    const char *service_name = container != NULL ? container_arg(container, "-upstreamsvc") : NULL;
    const char *health = container != NULL ? container_arg(container, "-health-port") : NULL;
    const KnService *service;
    const KnConfigMap *config;
    const char *base;

    if (local_ips == NULL) {
        g_set_error(error, KN_COREDNS_ERROR, KN_COREDNS_ERROR_VALUE, "invalid localip specified - \"\"");
        return NULL;
    }
    service = kn_store_lookup(cluster->store, KN_KIND_SERVICE, pod->meta.namespace,
                              service_name != NULL ? service_name : "kube-dns");
    config = kn_store_lookup(cluster->store, KN_KIND_CONFIG_MAP, pod->meta.namespace, KN_NODELOCALDNS_NAME);
    base = config != NULL ? kn_labels_get(config->data, "Corefile") : NULL;
    if (base == NULL) {
        /* Failed to read node-cache coreFile: node-cache runs nothing. */
        g_set_error(error, KN_COREDNS_ERROR, KN_COREDNS_ERROR_NO_COREFILE,
                    "Failed to read node-cache coreFile /etc/coredns/Corefile.base");
        return NULL;
    }

    KnNodeLocalDns *cache = g_new0(KnNodeLocalDns, 1);
    g_auto(GStrv) ips = g_strsplit(local_ips, ",", -1);
    /* A Service that did not exist when the pod started gives no
     * environment variable: "<nil>" in the Corefile, as net.IP's String(). */
    g_autofree char *corefile = NULL;

    cache->pod = g_strdup(pod->meta.name);
    cache->addrs_text = g_strdelimit(g_strdup(local_ips), ",", ' ');
    cache->upstream = g_strdup(service != NULL && service->spec.cluster_ip != NULL ? service->spec.cluster_ip
                                                                                   : "<nil>");
    cache->addrs = g_array_new(FALSE, FALSE, sizeof(KnAddr));
    for (guint i = 0; ips[i] != NULL; i++) {
        KnAddr addr;

        if (kn_addr_parse(g_strstrip(ips[i]), &addr))
            g_array_append_val(cache->addrs, addr);
    }
    corefile = kn_nodelocaldns_corefile(base, local_ips, cache->upstream);
    cache->server = kn_coredns_new_from_corefile(cluster, pod->meta.name, corefile, COREFILE, error);
    if (cache->server == NULL) {
        kn_nodelocaldns_free(cache);
        return NULL;
    }
    kn_coredns_set_network_forward(cache->server, TRUE);
    cache->ruleset = kn_nodelocaldns_rules(local_ips, 53,
                                           health != NULL ? (guint16) g_ascii_strtoull(health, NULL, 10)
                                                          : KN_NODELOCALDNS_HEALTH_PORT);
    return cache;
}

void
kn_nodelocaldns_free(KnNodeLocalDns *cache)
{
    if (cache == NULL)
        return;
    g_free(cache->pod);
    g_free(cache->addrs_text);
    g_free(cache->upstream);
    g_array_unref(cache->addrs);
    kn_proxy_ir_ruleset_free(cache->ruleset);
    kn_coredns_free(cache->server);
    g_free(cache);
}

gboolean
kn_nodelocaldns_has_addr(const KnNodeLocalDns *cache, const KnAddr *addr)
{
    for (guint i = 0; i < cache->addrs->len; i++)
        if (kn_addr_equal(&g_array_index(cache->addrs, KnAddr, i), addr))
            return TRUE;
    return FALSE;
}

KnProxyIrRuleset *
kn_nodelocaldns_ruleset(KnNodeLocalDns *cache)
{
    return cache->ruleset;
}

KnCoreDns *
kn_nodelocaldns_server(KnNodeLocalDns *cache)
{
    return cache->server;
}

const char *
kn_nodelocaldns_upstream(const KnNodeLocalDns *cache)
{
    return cache->upstream;
}

const char *
kn_nodelocaldns_pod(const KnNodeLocalDns *cache)
{
    return cache->pod;
}

const char *
kn_nodelocaldns_addrs_text(const KnNodeLocalDns *cache)
{
    return cache->addrs_text;
}
