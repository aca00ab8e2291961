/* proxy-nftables.c -- kube-proxy's nftables mode (proxy-nftables.h).
 *
 * DOC: This mirrors kubernetes/kubernetes pkg/proxy/nftables/proxier.go
 * (K-NFT): setupNFTables (the table, base chains, jump rules, the fixed
 * chains, sets and maps), syncProxyRules (per service port: the map
 * elements, the policy, external and firewall chains, affinity sets) and
 * writeServiceToEndpointRules, with knftables' names (hashAndTruncate) and
 * the text `nft list table` prints.  Facts and their sources are in
 * ../shared/reference/k8s-networking-facts.md section 2 (2.4 is a real
 * listing, nft 1.0.6); the classification of each service port and its
 * endpoint lists come from proxy-endpoints.h, as for the iptables mode.
 *
 * Decisions where the real system has no single answer:
 * - Service order: kube-proxy walks a Go map; knetsim takes service ports
 *   in byte order of "ns/name:port", so the chains come out reproducibly.
 * - Elements are printed in nft's order: sorted by value, component by
 *   component; two IPv4 addresses to a line in a named set, one element to
 *   a line in a map (nft's line breaks).
 *
 * --nodeport-addresses is "primary" unless the config says all, as the
 * nftables mode defaults it (cmd/kube-proxy server_linux.go
 * platformApplyDefaults): NodePorts answer on the node's address only.
 *
 * Simplified: one full sync into an empty table (no stale chains to flush
 * and delete; chains of a Service created later are listed in name order,
 * not at the end); the
 * local detector is ClusterCIDR only. */

#include <config.h>
#include "models/proxy-nftables.h"

#include <string.h>

#include "models/cluster.h"
#include "models/proxy.h"
#include "models/proxy-endpoints.h"
#include "models/scenario.h"
#include "sim/addr.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/sha256.h"
#include "sim/sim.h"
#include "sim/trace.h"

void
kn_proxy_nftables_config_init(KnProxyNftablesConfig *config)
{
    memset(config, 0, sizeof *config);
    config->family = KN_ADDRESS_IPV4;
    config->masquerade_bit = 14;
}

/* The configuration kube-proxy runs with on node 'node' of 'cluster': the
 * pod network as --cluster-cidr, the node's address and zone, the
 * scenario's serviceCIDR; strings borrowed from 'cluster'. */
static void
config_for_node(KnProxyNftablesConfig *config, KnCluster *cluster, const char *node)
{
    const KnNode *object = kn_store_lookup(cluster->store, KN_KIND_NODE, NULL, node);

    kn_proxy_nftables_config_init(config);
    config->node_name = node;
    config->cluster_cidr = kn_cluster_pod_network(cluster);
    config->service_cidr = cluster->scenario->service_cidr;
    if (object != NULL) {
        config->node_ip = object->internal_ip;
        config->node_zone = kn_labels_get(object->meta.labels, "topology.kubernetes.io/zone");
    }
}

#define NAME_BASE_MAX 240        /* knftables NameLengthMax 256 - chainNamePrefixLengthMax 16 */

char *
kn_proxy_nftables_name(const char *prefix, const char *name)
{
    guint8 digest[KN_SHA256_DIGEST];
    char hash[9];
    KnSha256 sha;

    kn_sha256_init(&sha);
    kn_sha256_update(&sha, name, strlen(name));
    kn_sha256_final(&sha, digest);
    kn_sha256_base32(digest, 8, hash);

    g_autofree char *base = g_strdup_printf("%s-%s", hash, name);

    if (strlen(base) > NAME_BASE_MAX)
        memcpy(base + NAME_BASE_MAX - 3, "...", 4);
    return g_strconcat(prefix, base, NULL);
}

/*****************************************************************************/
/* The table. */

typedef enum {
    V_NONE,
    V_JUMP,                      /* jump CHAIN */
    V_GOTO,                      /* goto CHAIN */
    V_RETURN,
    V_DROP,
    V_REJECT,
} VerdictKind;

typedef struct {
    guint8 kind;                 /* VerdictKind */
    guint chain;                 /* V_JUMP, V_GOTO: index in the table's chains */
} Verdict;

typedef enum {
    SET_ADDRS,                   /* type ipv4_addr: addresses */
    SET_AFFINITY,                /* type ipv4_addr, flags dynamic,timeout: filled by packets */
    MAP_ADDR_PROTO_PORT,         /* ipv4_addr . inet_proto . inet_service : verdict */
    MAP_PROTO_PORT,              /* inet_proto . inet_service : verdict */
} SetKind;

typedef struct {
    KnAddr addr;                 /* SET_ADDRS, MAP_ADDR_PROTO_PORT */
    guint8 proto;                /* maps */
    guint16 port;
    Verdict verdict;             /* maps */
    char *comment;               /* or NULL */
    KnTime left;                 /* a dynamic set's element, as listed: the time left before
                                  * it expires; 0 otherwise */
} Element;

typedef struct {
    char *name;
    guint8 kind;                 /* SetKind */
    const char *comment;         /* static, or NULL */
    guint timeout_s;             /* SET_AFFINITY */
    GArray *elements;            /* Element */
    GHashTable *index;           /* Element * -> itself, by key: the walk's lookups (the
                                  * kernel's hash); made once the table is built */
} Set;

typedef enum {
    R_VERDICT,                   /* [ct state new] VERDICT */
    R_VMAP_ADDR_PROTO_PORT,      /* ip daddr . meta l4proto . th dport vmap @SET */
    R_VMAP_PROTO_PORT,           /* [fib daddr type local] ip daddr != 127.0.0.0/8
                                  * meta l4proto . th dport vmap @SET, or with
                                  * --nodeport-addresses: ip daddr @ADDRS ... */
    R_MARK_OR,                   /* meta mark set meta mark | MARK */
    R_MARK_CLEAR_RETURN,         /* meta mark & MARK == 0x00000000 return */
    R_MARK_XOR,                  /* meta mark set meta mark ^ MARK */
    R_MASQUERADE,                /* masquerade fully-random */
    R_DADDR_IN_SET,              /* ip daddr @SET VERDICT */
    R_DADDR_IN_CIDRS,            /* ip daddr CIDRS VERDICT */
    R_SERVICE_MASQ,              /* ip daddr ADDR PROTO dport PORT [ip saddr != CIDR] VERDICT */
    R_SADDR_IN_CIDR,             /* ip saddr CIDR VERDICT */
    R_FIB_SADDR_LOCAL,           /* fib saddr type local VERDICT */
    R_SADDR_NOT_IN_CIDRS,        /* ip saddr != CIDRS VERDICT */
    R_SADDR_IN_SET,              /* ip saddr @SET VERDICT */
    R_NUMGEN,                    /* numgen random mod N vmap { 0 : goto C0, ... } */
    R_SADDR,                     /* ip saddr ADDR VERDICT */
    R_UPDATE_SET,                /* update @SET { ip saddr } */
    R_DNAT,                      /* meta l4proto PROTO dnat to ADDR:PORT */
} RuleKind;

typedef struct {
    guint8 kind;                 /* RuleKind */
    guint8 ct_new;               /* R_VERDICT: "ct state new" first */
    guint8 fib_local;            /* R_VMAP_PROTO_PORT: "fib daddr type local" first */
    guint addrs;                 /* R_VMAP_PROTO_PORT: the nodeport-ips set's index + 1, or 0 */
    guint8 proto;                /* R_SERVICE_MASQ, R_DNAT */
    guint16 port;
    KnAddr addr;                 /* R_SERVICE_MASQ (daddr), R_SADDR, R_DNAT */
    KnCidr cidr;                 /* R_SERVICE_MASQ (the detector; len 0 with family 0:
                                  * none), R_SADDR_IN_CIDR */
    GArray *cidrs;               /* KnCidr: R_DADDR_IN_CIDRS, R_SADDR_NOT_IN_CIDRS; owned */
    guint set;                   /* index in the table's sets */
    GArray *targets;             /* guint chain indices: R_NUMGEN; owned */
    Verdict verdict;
    guint32 mark;
    char *comment;               /* or NULL */
} Rule;

typedef struct {
    char *name;
    const char *type, *hook;     /* base chains: "filter", "prerouting"; else NULL */
    gint priority;
    const char *comment;         /* static, or NULL */
    GArray *rules;               /* Rule */
} Chain;

/* The dynamic sets' elements: set name -> GHashTable (KnAddr * -> KnTime *
 * expiry). */
struct KnNftSets {
    GHashTable *sets;
};

struct KnNftTable {
    gboolean ipv6;
    GArray *sets;                /* Set, in creation order */
    GArray *chains;              /* Chain, in creation order */
    GHashTable *chain_index;     /* name -> index + 1, borrowed keys */
};

static void
element_clear(gpointer data)
{
    g_free(((Element *) data)->comment);
}

static void
set_clear(gpointer data)
{
    Set *set = data;

    g_free(set->name);
    if (set->index != NULL)
        g_hash_table_unref(set->index);
    g_array_unref(set->elements);
}

static void
rule_clear(gpointer data)
{
    Rule *rule = data;

    if (rule->cidrs != NULL)
        g_array_unref(rule->cidrs);
    if (rule->targets != NULL)
        g_array_unref(rule->targets);
    g_free(rule->comment);
}

static void
chain_clear(gpointer data)
{
    Chain *chain = data;

    g_free(chain->name);
    g_array_unref(chain->rules);
}

static KnNftTable *
table_new(gboolean ipv6)
{
    KnNftTable *table = g_new0(KnNftTable, 1);

    table->ipv6 = ipv6;
    table->sets = g_array_new(FALSE, TRUE, sizeof(Set));
    g_array_set_clear_func(table->sets, set_clear);
    table->chains = g_array_new(FALSE, TRUE, sizeof(Chain));
    g_array_set_clear_func(table->chains, chain_clear);
    table->chain_index = g_hash_table_new(g_str_hash, g_str_equal);
    return table;
}

void
kn_nft_table_free(KnNftTable *table)
{
    if (table == NULL)
        return;
    g_hash_table_unref(table->chain_index);
    g_array_unref(table->chains);
    g_array_unref(table->sets);
    g_free(table);
}

guint
kn_nft_table_n_rules(const KnNftTable *table)
{
    guint n = 0;

    g_return_val_if_fail(table != NULL, 0);
    for (guint i = 0; i < table->chains->len; i++)
        n += g_array_index(table->chains, Chain, i).rules->len;
    return n;
}

/* The index of chain 'name', created (empty, regular) if new: ensureChain. */
static guint
chain_ensure(KnNftTable *table, const char *name)
{
    gpointer found = g_hash_table_lookup(table->chain_index, name);

    if (found != NULL)
        return GPOINTER_TO_UINT(found) - 1;

    Chain chain = { .name = g_strdup(name), .rules = g_array_new(FALSE, TRUE, sizeof(Rule)) };

    g_array_set_clear_func(chain.rules, rule_clear);
    g_array_append_val(table->chains, chain);
    g_hash_table_insert(table->chain_index, chain.name, GUINT_TO_POINTER(table->chains->len));
    return table->chains->len - 1;
}

static guint
base_chain(KnNftTable *table, const char *name, const char *type, const char *hook, gint priority)
{
    guint index = chain_ensure(table, name);
    Chain *chain = &g_array_index(table->chains, Chain, index);

    chain->type = type;
    chain->hook = hook;
    chain->priority = priority;
    return index;
}

static guint
set_add(KnNftTable *table, const char *name, SetKind kind, const char *comment)
{
    Set set = { .name = g_strdup(name), .kind = (guint8) kind, .comment = comment,
                .elements = g_array_new(FALSE, TRUE, sizeof(Element)) };

    g_array_set_clear_func(set.elements, element_clear);
    g_array_append_val(table->sets, set);
    return table->sets->len - 1;
}

static void
element_add(KnNftTable *table, guint set, const Element *element)
{
    g_array_append_val(g_array_index(table->sets, Set, set).elements, *element);
}

/* Appends 'rule' (its owned members taken) to chain 'chain'. */
static void
rule_add(KnNftTable *table, guint chain, const Rule *rule)
{
    g_array_append_val(g_array_index(table->chains, Chain, chain).rules, *rule);
}

static inline Verdict
verdict(VerdictKind kind, guint chain)
{
    return (Verdict) { (guint8) kind, chain };
}

/*****************************************************************************/
/* setupNFTables and syncProxyRules. */

typedef struct {
    KnNftTable *table;
    const KnProxyNftablesConfig *config;
    guint32 mark;
    KnCidr cluster_cidr;         /* the detector; family 0: none */
    KnAddr node_ip;              /* family 0: unknown */
    /* Chains and sets every service port refers to. */
    guint mark_masq, reject_chain;
    guint cluster_ips, no_endpoint_services, no_endpoint_nodeports, firewall_ips, service_ips,
        service_nodeports;
    guint nodeport_ips;          /* index + 1; 0: NodePorts on every local address */
} Gen;

/* The jump rules of setupNFTables, in order: (from, "ct state new"?, to). */
static const struct {
    const char *from;
    gboolean ct_new;
    const char *to;
} jump_rules[] = {
    { "filter-input", TRUE, "nodeport-endpoints-check" },
    { "filter-input", TRUE, "service-endpoints-check" },
    { "filter-forward", TRUE, "service-endpoints-check" },
    { "filter-output", TRUE, "service-endpoints-check" },
    { "filter-prerouting", TRUE, "firewall-check" },
    { "filter-output", TRUE, "firewall-check" },
    { "nat-output", FALSE, "services" },
    { "nat-prerouting", FALSE, "services" },
    { "nat-postrouting", FALSE, "masquerading" },
    { "filter-forward", TRUE, "cluster-ips-check" },
    { "filter-output-post-dnat", TRUE, "cluster-ips-check" },
};

#define PRIORITY_DSTNAT (-100)
#define PRIORITY_SRCNAT 100

static void
setup(Gen *gen)
{
    KnNftTable *t = gen->table;
    Rule rule;

    gen->cluster_ips = set_add(t, "cluster-ips", SET_ADDRS, "Active ClusterIPs");
    /* --nodeport-addresses primary (the nftables mode's default): NodePorts
     * only on the node's own address. */
    if (!gen->config->nodeport_addresses_all) {
        gen->nodeport_ips = set_add(t, "nodeport-ips", SET_ADDRS, "IPs that accept NodePort traffic") + 1;
        if (gen->node_ip.family == (t->ipv6 ? 6 : 4)) {
            Element element = { .addr = gen->node_ip };

            element_add(t, gen->nodeport_ips - 1, &element);
        }
    }
    gen->no_endpoint_services = set_add(t, "no-endpoint-services", MAP_ADDR_PROTO_PORT,
                                        "vmap to drop or reject packets to services with no endpoints");
    gen->no_endpoint_nodeports = set_add(t, "no-endpoint-nodeports", MAP_PROTO_PORT,
                                         "vmap to drop or reject packets to service nodeports with no endpoints");
    gen->firewall_ips = set_add(t, "firewall-ips", MAP_ADDR_PROTO_PORT,
                                "destinations that are subject to LoadBalancerSourceRanges");
    gen->service_ips = set_add(t, "service-ips", MAP_ADDR_PROTO_PORT,
                               "ClusterIP, ExternalIP and LoadBalancer IP traffic");
    gen->service_nodeports = set_add(t, "service-nodeports", MAP_PROTO_PORT, "NodePort traffic");

    base_chain(t, "filter-prerouting", "filter", "prerouting", PRIORITY_DSTNAT - 10);
    base_chain(t, "filter-input", "filter", "input", PRIORITY_DSTNAT - 10);
    base_chain(t, "filter-forward", "filter", "forward", PRIORITY_DSTNAT - 10);
    base_chain(t, "filter-output", "filter", "output", PRIORITY_DSTNAT - 10);
    base_chain(t, "filter-output-post-dnat", "filter", "output", PRIORITY_DSTNAT + 10);
    base_chain(t, "nat-prerouting", "nat", "prerouting", PRIORITY_DSTNAT);
    base_chain(t, "nat-output", "nat", "output", PRIORITY_DSTNAT);
    base_chain(t, "nat-postrouting", "nat", "postrouting", PRIORITY_SRCNAT);
    for (guint i = 0; i < G_N_ELEMENTS(jump_rules); i++) {
        guint to = chain_ensure(t, jump_rules[i].to);

        rule = (Rule) { .kind = R_VERDICT, .ct_new = (guint8) jump_rules[i].ct_new, .verdict = verdict(V_JUMP, to) };
        rule_add(t, chain_ensure(t, jump_rules[i].from), &rule);
    }

    /* The fixed chains' rules. */
    gen->mark_masq = chain_ensure(t, "mark-for-masquerade");
    rule = (Rule) { .kind = R_MARK_OR, .mark = gen->mark };
    rule_add(t, gen->mark_masq, &rule);

    guint masquerading = chain_ensure(t, "masquerading");

    rule = (Rule) { .kind = R_MARK_CLEAR_RETURN, .mark = gen->mark };
    rule_add(t, masquerading, &rule);
    rule = (Rule) { .kind = R_MARK_XOR, .mark = gen->mark };
    rule_add(t, masquerading, &rule);
    rule = (Rule) { .kind = R_MASQUERADE };
    rule_add(t, masquerading, &rule);

    guint cluster_ips_check = chain_ensure(t, "cluster-ips-check");

    rule = (Rule) { .kind = R_DADDR_IN_SET, .set = gen->cluster_ips, .verdict = verdict(V_REJECT, 0),
                    .comment = g_strdup("Reject traffic to invalid ports of ClusterIPs") };
    rule_add(t, cluster_ips_check, &rule);

    KnCidr service_cidr;

    if (gen->config->service_cidr != NULL && kn_cidr_parse(gen->config->service_cidr, &service_cidr)
        && service_cidr.addr.family == (t->ipv6 ? 6 : 4)) {
        rule = (Rule) { .kind = R_DADDR_IN_CIDRS, .cidrs = g_array_new(FALSE, FALSE, sizeof(KnCidr)),
                        .verdict = verdict(V_DROP, 0),
                        .comment = g_strdup("Drop traffic to unallocated ClusterIPs") };
        g_array_append_val(rule.cidrs, service_cidr);
        rule_add(t, cluster_ips_check, &rule);
    }

    gen->reject_chain = chain_ensure(t, "reject-chain");
    g_array_index(t->chains, Chain, gen->reject_chain).comment = "helper for @no-endpoint-services / @no-endpoint-nodeports";
    rule = (Rule) { .kind = R_VERDICT, .verdict = verdict(V_REJECT, 0) };
    rule_add(t, gen->reject_chain, &rule);

    rule = (Rule) { .kind = R_VMAP_PROTO_PORT, .set = gen->no_endpoint_nodeports, .addrs = gen->nodeport_ips };
    rule_add(t, chain_ensure(t, "nodeport-endpoints-check"), &rule);
    rule = (Rule) { .kind = R_VMAP_ADDR_PROTO_PORT, .set = gen->no_endpoint_services };
    rule_add(t, chain_ensure(t, "service-endpoints-check"), &rule);
    rule = (Rule) { .kind = R_VMAP_ADDR_PROTO_PORT, .set = gen->firewall_ips };
    rule_add(t, chain_ensure(t, "firewall-check"), &rule);

    guint services = chain_ensure(t, "services");

    rule = (Rule) { .kind = R_VMAP_ADDR_PROTO_PORT, .set = gen->service_ips };
    rule_add(t, services, &rule);
    rule = (Rule) { .kind = R_VMAP_PROTO_PORT, .fib_local = gen->nodeport_ips == 0, .set = gen->service_nodeports,
                    .addrs = gen->nodeport_ips };
    rule_add(t, services, &rule);
}

/* A map element keyed by ADDR . PROTO . PORT (addr NULL: PROTO . PORT). */
static void
map_add(Gen *gen, guint set, const char *addr, guint8 proto, guint port, Verdict v, const char *comment)
{
    Element element = { .proto = proto, .port = (guint16) port, .verdict = v,
                        .comment = g_strdup(comment) };

    if (addr != NULL && !kn_addr_parse(addr, &element.addr)) {
        g_free(element.comment);
        return;
    }
    element_add(gen->table, set, &element);
}

/* "ns/name/proto/portName": the base of a service port's chain names. */
static char *
service_base(const KnProxyServicePort *sp)
{
    const KnServicePort *port = sp->service_port;

    return g_strdup_printf("%s/%s/%s/%s", sp->service->meta.namespace, sp->service->meta.name, sp->protocol,
                           port->name != NULL ? port->name : "");
}

/* "...__IP/port" (IPv6 colons as dots): an endpoint's. */
static char *
endpoint_base(const char *service, const KnProxyEndpoint *ep)
{
    g_autofree char *ip = g_strdup(ep->ip);

    g_strdelimit(ip, ":", '.');
    return g_strdup_printf("%s__%s/%u", service, ip, ep->port);
}

/* writeServiceToEndpointRules. */
static void
write_service_to_endpoints(Gen *gen, const KnProxyServicePort *sp, guint chain, const GPtrArray *endpoints,
                           GHashTable *endpoint_chains, GHashTable *affinity_sets)
{
    Rule rule;

    if (sp->service->spec.session_affinity_client_ip) {
        for (guint i = 0; i < endpoints->len; i++) {
            gconstpointer ep = endpoints->pdata[i];

            rule = (Rule) { .kind = R_SADDR_IN_SET,
                            .set = GPOINTER_TO_UINT(g_hash_table_lookup(affinity_sets, ep)) - 1,
                            .verdict = verdict(V_GOTO, GPOINTER_TO_UINT(g_hash_table_lookup(endpoint_chains, ep)) - 1) };
            rule_add(gen->table, chain, &rule);
        }
    }
    rule = (Rule) { .kind = R_NUMGEN, .targets = g_array_sized_new(FALSE, FALSE, sizeof(guint), endpoints->len) };
    for (guint i = 0; i < endpoints->len; i++) {
        guint target = GPOINTER_TO_UINT(g_hash_table_lookup(endpoint_chains, endpoints->pdata[i])) - 1;

        g_array_append_val(rule.targets, target);
    }
    rule_add(gen->table, chain, &rule);
}

static void
write_service_port(Gen *gen, const KnProxyServicePort *sp)
{
    KnNftTable *t = gen->table;
    const char *name = sp->svc_port_name;
    guint8 proto = kn_proxy_endpoints_protocol_number(sp->service_port->protocol);
    g_autofree char *base = service_base(sp);
    g_autofree char *cluster_name = kn_proxy_nftables_name("service-", base);
    g_autofree char *local_name = kn_proxy_nftables_name("local-", base);
    g_autofree char *external_name = kn_proxy_nftables_name("external-", base);
    g_autofree char *firewall_name = kn_proxy_nftables_name("firewall-", base);
    g_autoptr(GHashTable) endpoint_chains = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) affinity_sets = g_hash_table_new(g_direct_hash, g_direct_equal);
    gboolean has_endpoints = sp->has_any_endpoints;
    Rule rule;

    /* The chains, in the order syncProxyRules ensures them. */
    for (guint i = 0; i < sp->all_reachable->len; i++) {
        const KnProxyEndpoint *ep = sp->all_reachable->pdata[i];
        g_autofree char *ep_base = endpoint_base(base, ep);
        g_autofree char *chain_name = kn_proxy_nftables_name("endpoint-", ep_base);

        g_hash_table_insert(endpoint_chains, (gpointer) ep, GUINT_TO_POINTER(chain_ensure(t, chain_name) + 1));
    }

    gboolean uses_cluster_chain = sp->cluster_endpoints->len > 0 && sp->uses_cluster_endpoints;
    gboolean uses_local_chain = sp->local_endpoints->len > 0 && sp->uses_local_endpoints;
    guint cluster_chain = uses_cluster_chain ? chain_ensure(t, cluster_name) : 0;
    guint local_chain = uses_local_chain ? chain_ensure(t, local_name) : 0;
    /* internalTrafficChain and externalPolicyChain: the policy's chain (which
     * may not exist, when it is not used). */
    guint internal_chain = sp->internal_policy_local ? local_chain : cluster_chain;
    guint external_policy_chain = sp->external_policy_local ? local_chain : cluster_chain;
    gboolean uses_external_chain = has_endpoints && sp->externally_accessible;
    guint external_chain = uses_external_chain ? chain_ensure(t, external_name) : 0;
    Verdict internal_filter = verdict(V_NONE, 0), external_filter = verdict(V_NONE, 0);

    if (!has_endpoints) {
        internal_filter = external_filter = verdict(V_GOTO, gen->reject_chain);
    } else {
        if (!sp->has_internal_endpoints)
            internal_filter = verdict(V_DROP, 0);
        if (!sp->has_external_endpoints)
            external_filter = verdict(V_DROP, 0);
    }

    /* Capture the clusterIP. */
    map_add(gen, gen->cluster_ips, sp->cluster_ip, 0, 0, verdict(V_NONE, 0), NULL);
    if (sp->has_internal_endpoints)
        map_add(gen, gen->service_ips, sp->cluster_ip, proto, sp->port, verdict(V_GOTO, internal_chain), NULL);
    else
        map_add(gen, gen->no_endpoint_services, sp->cluster_ip, proto, sp->port, internal_filter, name);

    /* Capture externalIPs. */
    for (guint i = 0; i < sp->external_ips->len; i++) {
        const char *ip = sp->external_ips->pdata[i];

        if (has_endpoints)
            map_add(gen, gen->service_ips, ip, proto, sp->port, verdict(V_GOTO, external_chain), NULL);
        if (!sp->has_external_endpoints)
            map_add(gen, gen->no_endpoint_services, ip, proto, sp->port, external_filter, name);
    }

    /* The firewall chain: loadBalancerSourceRanges. */
    gboolean uses_fw_chain = sp->load_balancer_vips->len > 0 && sp->load_balancer_source_ranges->len > 0;
    guint fw_chain = 0;

    if (uses_fw_chain) {
        gboolean allow_from_node = FALSE;

        fw_chain = chain_ensure(t, firewall_name);
        rule = (Rule) { .kind = R_SADDR_NOT_IN_CIDRS, .cidrs = g_array_new(FALSE, FALSE, sizeof(KnCidr)),
                        .verdict = verdict(V_DROP, 0) };
        for (guint i = 0; i < sp->load_balancer_source_ranges->len; i++) {
            KnCidr cidr;

            if (!kn_cidr_parse(sp->load_balancer_source_ranges->pdata[i], &cidr))
                continue;
            g_array_append_val(rule.cidrs, cidr);
            if (gen->node_ip.family != 0 && kn_cidr_contains(&cidr, &gen->node_ip))
                allow_from_node = TRUE;
        }
        for (guint i = 0; allow_from_node && i < sp->load_balancer_vips->len; i++) {
            KnCidr cidr;

            if (kn_cidr_parse(sp->load_balancer_vips->pdata[i], &cidr))
                g_array_append_val(rule.cidrs, cidr);
        }
        rule_add(t, fw_chain, &rule);
    }

    /* Capture load-balancer ingress. */
    for (guint i = 0; i < sp->load_balancer_vips->len; i++) {
        const char *ip = sp->load_balancer_vips->pdata[i];

        if (has_endpoints)
            map_add(gen, gen->service_ips, ip, proto, sp->port, verdict(V_GOTO, external_chain), NULL);
        if (uses_fw_chain)
            map_add(gen, gen->firewall_ips, ip, proto, sp->port, verdict(V_GOTO, fw_chain), NULL);
    }
    for (guint i = 0; !sp->has_external_endpoints && i < sp->load_balancer_vips->len; i++)
        map_add(gen, gen->no_endpoint_services, sp->load_balancer_vips->pdata[i], proto, sp->port,
                external_filter, name);

    /* Capture nodeports. */
    if (sp->node_port != 0) {
        if (has_endpoints)
            map_add(gen, gen->service_nodeports, NULL, proto, sp->node_port, verdict(V_GOTO, external_chain), NULL);
        if (!sp->has_external_endpoints)
            map_add(gen, gen->no_endpoint_nodeports, NULL, proto, sp->node_port, external_filter, name);
    }

    /* Internal traffic: masquerade off-cluster sources to the clusterIP. */
    if (sp->has_internal_endpoints && (gen->config->masquerade_all || gen->cluster_cidr.addr.family != 0)) {
        rule = (Rule) { .kind = R_SERVICE_MASQ, .proto = proto, .port = (guint16) sp->port,
                        .verdict = verdict(V_JUMP, gen->mark_masq) };
        kn_addr_parse(sp->cluster_ip, &rule.addr);
        if (!gen->config->masquerade_all)
            rule.cidr = gen->cluster_cidr;
        rule_add(t, internal_chain, &rule);
    }

    /* The external chain. */
    if (uses_external_chain) {
        if (!sp->external_policy_local) {
            rule = (Rule) { .kind = R_VERDICT, .verdict = verdict(V_JUMP, gen->mark_masq) };
            rule_add(t, external_chain, &rule);
        } else {
            /* clusterPolicyChain: the cluster chain, which may have no
             * rules (an empty chain still exists in a goto). */
            guint cluster = chain_ensure(t, cluster_name);

            if (gen->cluster_cidr.addr.family != 0) {
                rule = (Rule) { .kind = R_SADDR_IN_CIDR, .cidr = gen->cluster_cidr,
                                .verdict = verdict(V_GOTO, cluster), .comment = g_strdup("short-circuit pod traffic") };
                rule_add(t, external_chain, &rule);
            }
            rule = (Rule) { .kind = R_FIB_SADDR_LOCAL, .verdict = verdict(V_JUMP, gen->mark_masq),
                            .comment = g_strdup("masquerade local traffic") };
            rule_add(t, external_chain, &rule);
            rule = (Rule) { .kind = R_FIB_SADDR_LOCAL, .verdict = verdict(V_GOTO, cluster),
                            .comment = g_strdup("short-circuit local traffic") };
            rule_add(t, external_chain, &rule);
        }
        if (sp->has_external_endpoints) {
            rule = (Rule) { .kind = R_VERDICT, .verdict = verdict(V_GOTO, external_policy_chain) };
            rule_add(t, external_chain, &rule);
        }
    }

    /* Affinity sets, one per endpoint. */
    if (sp->service->spec.session_affinity_client_ip) {
        for (guint i = 0; i < sp->all_reachable->len; i++) {
            const KnProxyEndpoint *ep = sp->all_reachable->pdata[i];
            g_autofree char *ep_base = endpoint_base(base, ep);
            g_autofree char *set_name = kn_proxy_nftables_name("affinity-", ep_base);
            guint set = set_add(t, set_name, SET_AFFINITY, NULL);

            g_array_index(t->sets, Set, set).timeout_s = sp->service->spec.session_affinity_timeout_s;
            g_hash_table_insert(affinity_sets, (gpointer) ep, GUINT_TO_POINTER(set + 1));
        }
    }

    if (uses_cluster_chain)
        write_service_to_endpoints(gen, sp, cluster_chain, sp->cluster_endpoints, endpoint_chains, affinity_sets);
    if (uses_local_chain)
        write_service_to_endpoints(gen, sp, local_chain, sp->local_endpoints, endpoint_chains, affinity_sets);

    /* The endpoint chains. */
    for (guint i = 0; i < sp->all_reachable->len; i++) {
        const KnProxyEndpoint *ep = sp->all_reachable->pdata[i];
        guint chain = GPOINTER_TO_UINT(g_hash_table_lookup(endpoint_chains, ep)) - 1;

        rule = (Rule) { .kind = R_SADDR, .addr = ep->addr, .verdict = verdict(V_JUMP, gen->mark_masq) };
        rule_add(t, chain, &rule);
        if (sp->service->spec.session_affinity_client_ip) {
            rule = (Rule) { .kind = R_UPDATE_SET, .set = GPOINTER_TO_UINT(g_hash_table_lookup(affinity_sets, ep)) - 1 };
            rule_add(t, chain, &rule);
        }
        rule = (Rule) { .kind = R_DNAT, .proto = proto, .addr = ep->addr, .port = (guint16) ep->port };
        rule_add(t, chain, &rule);
    }
}

static guint
element_hash(gconstpointer data)
{
    const Element *e = data;

    return kn_addr_hash(&e->addr) ^ (guint) e->proto * 2654435761u ^ (guint) e->port * 40503u;
}

static gboolean
element_equal(gconstpointer a, gconstpointer b)
{
    const Element *x = a, *y = b;

    return x->proto == y->proto && x->port == y->port && kn_addr_equal(&x->addr, &y->addr);
}

/* Indexes the elements of every set the walk looks keys up in (the first
 * of equal keys wins, as the kernel keeps the element it has). */
static void
index_sets(KnNftTable *table)
{
    for (guint i = 0; i < table->sets->len; i++) {
        Set *set = &g_array_index(table->sets, Set, i);

        if (set->kind == SET_AFFINITY)
            continue;
        set->index = g_hash_table_new(element_hash, element_equal);
        for (guint j = 0; j < set->elements->len; j++) {
            Element *e = &g_array_index(set->elements, Element, j);

            if (!g_hash_table_contains(set->index, e))
                g_hash_table_add(set->index, e);
        }
    }
}

KnNftTable *
kn_proxy_nftables_build(KnStore *store, const KnProxyNftablesConfig *config)
{
    g_return_val_if_fail(store != NULL && config != NULL, NULL);

    g_autoptr(GPtrArray) ports = kn_proxy_endpoints_collect(store, config->family, config->node_name,
                                                            config->node_zone, NULL);
    Gen gen = {
        .table = table_new(config->family == KN_ADDRESS_IPV6),
        .config = config,
        .mark = 1u << config->masquerade_bit,
    };

    if (config->cluster_cidr == NULL || !kn_cidr_parse(config->cluster_cidr, &gen.cluster_cidr)
        || gen.cluster_cidr.addr.family != (gen.table->ipv6 ? 6 : 4))
        memset(&gen.cluster_cidr, 0, sizeof gen.cluster_cidr);
    if (config->node_ip != NULL)
        kn_addr_parse(config->node_ip, &gen.node_ip);

    setup(&gen);
    for (guint i = 0; i < ports->len; i++)
        write_service_port(&gen, ports->pdata[i]);
    index_sets(gen.table);
    return gen.table;
}

/*****************************************************************************/
/* `nft list table`. */

static const char *
proto_name(guint8 proto)
{
    switch (proto) {
    case KN_IPPROTO_UDP:
        return "udp";
    case 132:
        return "sctp";
    default:
        return "tcp";
    }
}

static void
render_verdict(const KnNftTable *table, Verdict v, GString *out)
{
    static const char *const names[] = { "", "jump", "goto", "return", "drop", "reject" };

    g_string_append(out, names[v.kind]);
    if (v.kind == V_JUMP || v.kind == V_GOTO)
        g_string_append_printf(out, " %s", g_array_index(table->chains, Chain, v.chain).name);
}

/* A CIDR as nft prints it: a host prefix as the bare address. */
static void
render_cidr(const KnCidr *cidr, GString *out)
{
    char buf[KN_ADDR_STRLEN + 4];

    if (cidr->len == (cidr->addr.family == 4 ? 32 : 128))
        g_string_append(out, kn_addr_format(&cidr->addr, buf));
    else
        g_string_append(out, kn_cidr_format(cidr, buf));
}

static int
compare_cidrs(gconstpointer a, gconstpointer b)
{
    const KnCidr *x = a, *y = b;
    int c = kn_addr_compare(&x->addr, &y->addr);

    return c != 0 ? c : (int) x->len - (int) y->len;
}

/* An anonymous set of CIDRs ("{ a, b }"; a single one bare) as nft lists
 * it: sorted, and without those inside another (an interval set merges
 * them: a load balancer's IP inside a source range). */
static void
render_cidrs(const GArray *cidrs, GString *out)
{
    g_autoptr(GArray) sorted = g_array_copy((GArray *) cidrs);

    g_array_sort(sorted, compare_cidrs);
    for (guint i = 1; i < sorted->len;) {
        const KnCidr *prev = &g_array_index(sorted, KnCidr, i - 1), *cidr = &g_array_index(sorted, KnCidr, i);

        if (prev->len <= cidr->len && kn_cidr_contains(prev, &cidr->addr))
            g_array_remove_index(sorted, i);
        else
            i++;
    }
    if (sorted->len == 1) {
        render_cidr(&g_array_index(sorted, KnCidr, 0), out);
        return;
    }
    g_string_append(out, "{ ");
    for (guint i = 0; i < sorted->len; i++) {
        if (i > 0)
            g_string_append(out, ", ");
        render_cidr(&g_array_index(sorted, KnCidr, i), out);
    }
    g_string_append(out, " }");
}

/* A rule's text as nft lists it, without indent or line end. */
static void
rule_text(const KnNftTable *table, const Rule *rule, GString *out)
{
    const char *ip = table->ipv6 ? "ip6" : "ip";
    const char *loopback = table->ipv6 ? "::1" : "127.0.0.0/8";
    char buf[KN_ADDR_STRLEN];

    switch ((RuleKind) rule->kind) {
    case R_VERDICT:
        if (rule->ct_new)
            g_string_append(out, "ct state new ");
        render_verdict(table, rule->verdict, out);
        break;
    case R_VMAP_ADDR_PROTO_PORT:
        g_string_append_printf(out, "%s daddr . meta l4proto . th dport vmap @%s", ip,
                               g_array_index(table->sets, Set, rule->set).name);
        break;
    case R_VMAP_PROTO_PORT:
        if (rule->addrs != 0)
            g_string_append_printf(out, "%s daddr @%s meta l4proto . th dport vmap @%s", ip,
                                   g_array_index(table->sets, Set, rule->addrs - 1).name,
                                   g_array_index(table->sets, Set, rule->set).name);
        else
            g_string_append_printf(out, "%s%s daddr != %s meta l4proto . th dport vmap @%s",
                                   rule->fib_local ? "fib daddr type local " : "", ip, loopback,
                                   g_array_index(table->sets, Set, rule->set).name);
        break;
    case R_MARK_OR:
        g_string_append_printf(out, "meta mark set meta mark | 0x%08x", rule->mark);
        break;
    case R_MARK_CLEAR_RETURN:
        g_string_append_printf(out, "meta mark & 0x%08x == 0x00000000 return", rule->mark);
        break;
    case R_MARK_XOR:
        g_string_append_printf(out, "meta mark set meta mark ^ 0x%08x", rule->mark);
        break;
    case R_MASQUERADE:
        g_string_append(out, "masquerade fully-random");
        break;
    case R_DADDR_IN_SET:
        g_string_append_printf(out, "%s daddr @%s ", ip, g_array_index(table->sets, Set, rule->set).name);
        render_verdict(table, rule->verdict, out);
        break;
    case R_DADDR_IN_CIDRS:
        g_string_append_printf(out, "%s daddr ", ip);
        render_cidrs(rule->cidrs, out);
        g_string_append_c(out, ' ');
        render_verdict(table, rule->verdict, out);
        break;
    case R_SERVICE_MASQ:
        g_string_append_printf(out, "%s daddr %s %s dport %u ", ip, kn_addr_format(&rule->addr, buf),
                               proto_name(rule->proto), rule->port);
        if (rule->cidr.addr.family != 0) {
            g_string_append_printf(out, "%s saddr != ", ip);
            render_cidr(&rule->cidr, out);
            g_string_append_c(out, ' ');
        }
        render_verdict(table, rule->verdict, out);
        break;
    case R_SADDR_IN_CIDR:
        g_string_append_printf(out, "%s saddr ", ip);
        render_cidr(&rule->cidr, out);
        g_string_append_c(out, ' ');
        render_verdict(table, rule->verdict, out);
        break;
    case R_FIB_SADDR_LOCAL:
        g_string_append(out, "fib saddr type local ");
        render_verdict(table, rule->verdict, out);
        break;
    case R_SADDR_NOT_IN_CIDRS:
        g_string_append_printf(out, "%s saddr != ", ip);
        render_cidrs(rule->cidrs, out);
        g_string_append_c(out, ' ');
        render_verdict(table, rule->verdict, out);
        break;
    case R_SADDR_IN_SET:
        g_string_append_printf(out, "%s saddr @%s ", ip, g_array_index(table->sets, Set, rule->set).name);
        render_verdict(table, rule->verdict, out);
        break;
    case R_NUMGEN:
        g_string_append_printf(out, "numgen random mod %u vmap { ", rule->targets->len);
        for (guint i = 0; i < rule->targets->len; i++)
            g_string_append_printf(out, "%s%u : goto %s", i > 0 ? ", " : "", i,
                                   g_array_index(table->chains, Chain, g_array_index(rule->targets, guint, i)).name);
        g_string_append(out, " }");
        break;
    case R_SADDR:
        g_string_append_printf(out, "%s saddr %s ", ip, kn_addr_format(&rule->addr, buf));
        render_verdict(table, rule->verdict, out);
        break;
    case R_UPDATE_SET:
        g_string_append_printf(out, "update @%s { %s saddr }", g_array_index(table->sets, Set, rule->set).name, ip);
        break;
    case R_DNAT:
        if (rule->addr.family == 6)
            g_string_append_printf(out, "meta l4proto %s dnat to [%s]:%u", proto_name(rule->proto),
                                   kn_addr_format(&rule->addr, buf), rule->port);
        else
            g_string_append_printf(out, "meta l4proto %s dnat to %s:%u", proto_name(rule->proto),
                                   kn_addr_format(&rule->addr, buf), rule->port);
        break;
    }
    if (rule->comment != NULL)
        g_string_append_printf(out, " comment \"%s\"", rule->comment);
}

/* A base chain's priority as nft 1.0.6 lists it: relative to dstnat in
 * prerouting and to srcnat in postrouting ("dstnat - 10"), where those
 * names belong; a number at the other hooks. */
static void
render_priority(const Chain *chain, GString *out)
{
    const char *name = NULL;
    gint offset = 0;

    if (strcmp(chain->hook, "prerouting") == 0) {
        name = "dstnat";
        offset = chain->priority - PRIORITY_DSTNAT;
    } else if (strcmp(chain->hook, "postrouting") == 0) {
        name = "srcnat";
        offset = chain->priority - PRIORITY_SRCNAT;
    }
    if (name == NULL)
        g_string_append_printf(out, "%d", chain->priority);
    else if (offset == 0)
        g_string_append(out, name);
    else
        g_string_append_printf(out, "%s %c %d", name, offset < 0 ? '-' : '+', ABS(offset));
}

static int
compare_elements(gconstpointer a, gconstpointer b)
{
    const Element *x = a, *y = b;
    int c = kn_addr_compare(&x->addr, &y->addr);

    if (c != 0)
        return c;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

/* A duration as nft prints one: "3h", "1h1m", 90 s as "1m30s", and the
 * milliseconds of an element's expiry ("2h59m58s680ms"). */
static void
render_duration_ms(guint64 ms, GString *out)
{
    guint64 seconds = ms / 1000;
    guint64 parts[] = { seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60, ms % 1000 };
    static const char *const units[] = { "d", "h", "m", "s", "ms" };

    for (guint i = 0; i < G_N_ELEMENTS(parts); i++)
        if (parts[i] > 0)
            g_string_append_printf(out, "%" G_GUINT64_FORMAT "%s", parts[i], units[i]);
    if (ms == 0)
        g_string_append(out, "0s");
}

static void
render_duration(guint seconds, GString *out)
{
    render_duration_ms((guint64) seconds * 1000, out);
}

static void
render_set(const KnNftTable *table, const Set *set, GString *out)
{
    const char *addr_type = table->ipv6 ? "ipv6_addr" : "ipv4_addr";
    gboolean map = set->kind == MAP_ADDR_PROTO_PORT || set->kind == MAP_PROTO_PORT;
    char buf[KN_ADDR_STRLEN];

    g_string_append_printf(out, "\t%s %s {\n", map ? "map" : "set", set->name);
    switch ((SetKind) set->kind) {
    case SET_ADDRS:
        g_string_append_printf(out, "\t\ttype %s\n", addr_type);
        break;
    case SET_AFFINITY:
        g_string_append_printf(out, "\t\ttype %s\n\t\tsize 65535\n\t\tflags dynamic,timeout\n\t\ttimeout ",
                               addr_type);
        render_duration(set->timeout_s, out);
        g_string_append_c(out, '\n');
        break;
    case MAP_ADDR_PROTO_PORT:
        g_string_append_printf(out, "\t\ttype %s . inet_proto . inet_service : verdict\n", addr_type);
        break;
    case MAP_PROTO_PORT:
        g_string_append(out, "\t\ttype inet_proto . inet_service : verdict\n");
        break;
    }
    if (set->comment != NULL)
        g_string_append_printf(out, "\t\tcomment \"%s\"\n", set->comment);
    if (set->elements->len == 0) {
        g_string_append(out, "\t}\n");
        return;
    }

    g_autoptr(GArray) sorted = g_array_copy(set->elements);

    g_array_set_clear_func(sorted, NULL);    /* the copies borrow the comments */
    g_array_sort(sorted, compare_elements);
    g_string_append(out, "\t\telements = { ");
    for (guint i = 0, n = 0; i < sorted->len; i++) {
        const Element *e = &g_array_index(sorted, Element, i);

        /* nft drops a duplicate element (one Service's IP, twice). */
        if (i > 0 && compare_elements(e, e - 1) == 0)
            continue;
        /* nft's breaks: a map's elements one to a line, a set's IPv4
         * addresses two, its IPv6 addresses one. */
        if (n > 0)
            g_string_append(out, map || table->ipv6 || n % 2 == 0 ? ",\n\t\t\t     " : ", ");
        n++;
        if (set->kind != MAP_PROTO_PORT)
            g_string_append(out, kn_addr_format(&e->addr, buf));
        if (map)
            g_string_append_printf(out, "%s%s . %u", set->kind == MAP_PROTO_PORT ? "" : " . ",
                                   proto_name(e->proto), e->port);
        if (e->comment != NULL)
            g_string_append_printf(out, " comment \"%s\"", e->comment);
        if (e->left > 0) {
            g_string_append(out, " expires ");
            render_duration_ms((guint64) (e->left / KN_MSEC), out);
        }
        if (map) {
            g_string_append(out, " : ");
            render_verdict(table, e->verdict, out);
        }
    }
    g_string_append(out, " }\n\t}\n");
}

static void
render_chain(const KnNftTable *table, const Chain *chain, GString *out)
{
    g_string_append_printf(out, "\tchain %s {\n", chain->name);
    if (chain->comment != NULL)
        g_string_append_printf(out, "\t\tcomment \"%s\"\n", chain->comment);
    if (chain->hook != NULL) {
        g_string_append_printf(out, "\t\ttype %s hook %s priority ", chain->type, chain->hook);
        render_priority(chain, out);
        g_string_append(out, "; policy accept;\n");
    }
    for (guint i = 0; i < chain->rules->len; i++) {
        g_string_append(out, "\t\t");
        rule_text(table, &g_array_index(chain->rules, Rule, i), out);
        g_string_append_c(out, '\n');
    }
    g_string_append(out, "\t}\n");
}

static void render_sets_and_chains(const KnNftTable *table, KnNftSets *dynamic, KnTime now, GString *out);

void
kn_nft_table_render(const KnNftTable *table, GString *out)
{
    g_return_if_fail(table != NULL && out != NULL);
    render_sets_and_chains(table, NULL, 0, out);
}

void
kn_nft_table_render_state(const KnNftTable *table, KnNftSets *dynamic, KnTime now, GString *out)
{
    g_return_if_fail(table != NULL && dynamic != NULL && out != NULL);
    render_sets_and_chains(table, dynamic, now, out);
}

static void
render_sets_and_chains(const KnNftTable *table, KnNftSets *dynamic, KnTime now, GString *out)
{
    g_string_append_printf(out, "table %s kube-proxy {\n\tcomment \"rules for kube-proxy\"\n",
                           table->ipv6 ? "ip6" : "ip");
    for (guint i = 0; i < table->sets->len; i++) {
        const Set *set = &g_array_index(table->sets, Set, i);

        if (i > 0)
            g_string_append_c(out, '\n');
        if (set->kind == SET_AFFINITY && dynamic != NULL) {
            /* The elements packets added, those not yet expired. */
            Set listed = *set;
            GHashTable *members = g_hash_table_lookup(dynamic->sets, set->name);

            listed.elements = g_array_new(FALSE, TRUE, sizeof(Element));
            if (members != NULL) {
                GHashTableIter iter;
                gpointer addr, expiry;

                g_hash_table_iter_init(&iter, members);
                while (g_hash_table_iter_next(&iter, &addr, &expiry)) {
                    Element e = { .addr = *(const KnAddr *) addr, .left = *(const KnTime *) expiry - now };

                    if (*(const KnTime *) expiry > now)
                        g_array_append_val(listed.elements, e);
                }
            }
            render_set(table, &listed, out);
            g_array_unref(listed.elements);
            continue;
        }
        render_set(table, set, out);
    }
    for (guint i = 0; i < table->chains->len; i++) {
        if (i > 0 || table->sets->len > 0)
            g_string_append_c(out, '\n');
        render_chain(table, &g_array_index(table->chains, Chain, i), out);
    }
    g_string_append(out, "}\n");
}

/*****************************************************************************/
/* The walk: a packet through the table's base chains at one hook, as the
 * kernel's nf_tables evaluates them (jump pushes, goto replaces, a regular
 * chain's end returns, a base chain's end is its policy, accept). */

#define MAX_DEPTH 16

/* Element lookups, through the set's index: the rule count charges one
 * rule for a lookup however many elements the map holds, as the kernel's
 * hash does. */
static const Element *
map_find(const Set *set, const KnAddr *addr, guint8 proto, guint16 port)
{
    Element key = { .proto = proto, .port = port };

    if (set->kind != MAP_PROTO_PORT)
        key.addr = *addr;
    return g_hash_table_lookup(set->index, &key);
}

static gboolean
set_has_addr(const Set *set, const KnAddr *addr)
{
    Element key = { .addr = *addr };

    return g_hash_table_contains(set->index, &key);
}

static gboolean
cidrs_contain(const GArray *cidrs, const KnAddr *addr)
{
    for (guint i = 0; i < cidrs->len; i++)
        if (kn_cidr_contains(&g_array_index(cidrs, KnCidr, i), addr))
            return TRUE;
    return FALSE;
}

KnNftSets *
kn_nft_sets_new(void)
{
    KnNftSets *sets = g_new(KnNftSets, 1);

    sets->sets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
    return sets;
}

void
kn_nft_sets_free(KnNftSets *sets)
{
    if (sets == NULL)
        return;
    g_hash_table_unref(sets->sets);
    g_free(sets);
}

/* What one node's kube-proxy keeps: its table, and the affinity sets'
 * elements between syncs (kube-proxy adds the sets and never flushes them
 * while their Service keeps ClientIP affinity). */
typedef struct {
    KnCluster *cluster;          /* borrowed */
    char *node;
    KnNftTable *table;           /* the last sync's; NULL before */
    KnNftSets *dynamic;          /* owned */
} ProxyNftables;

typedef struct {
    const KnNftTable *table;
    KnNftSets *dynamic;
    KnProxyWalk *walk;
    KnAddr dst;                  /* after any DNAT of this walk */
    guint16 dport;
} WalkCtx;

static guint
addr_hash(gconstpointer addr)
{
    return kn_addr_hash(addr);
}

static gboolean
addr_equal(gconstpointer a, gconstpointer b)
{
    return kn_addr_equal(a, b);
}

static GHashTable *
affinity_set(KnNftSets *dynamic, const char *name)
{
    GHashTable *set = g_hash_table_lookup(dynamic->sets, name);

    if (set == NULL) {
        set = g_hash_table_new_full(addr_hash, addr_equal, g_free, g_free);
        g_hash_table_insert(dynamic->sets, g_strdup(name), set);
    }
    return set;
}

static void
note_rule(WalkCtx *ctx, const Chain *chain, const Rule *rule)
{
    g_autoptr(GString) text = NULL;

    if (ctx->walk->trace == NULL)
        return;
    text = g_string_new(NULL);
    rule_text(ctx->table, rule, text);
    kn_trace_note(ctx->walk->trace, KN_TRACE_RULE, "%s: %s", chain->name, text->str);
}

/* A map lookup that found 'e': the rule and the element it matched. */
static void
note_element(WalkCtx *ctx, const Chain *chain, const Rule *rule, const Set *set, const Element *e)
{
    g_autoptr(GString) text = NULL;
    char buf[KN_ADDR_STRLEN];

    if (ctx->walk->trace == NULL)
        return;
    text = g_string_new(NULL);
    rule_text(ctx->table, rule, text);
    g_string_append(text, ": element ");
    if (set->kind != MAP_PROTO_PORT)
        g_string_append_printf(text, "%s . ", kn_addr_format(&e->addr, buf));
    g_string_append_printf(text, "%s . %u : ", proto_name(e->proto), e->port);
    render_verdict(ctx->table, e->verdict, text);
    kn_trace_note(ctx->walk->trace, KN_TRACE_RULE, "%s: %s", chain->name, text->str);
}

/* Sets the walk's verdict from 'v' where it ends the walk (drop, reject);
 * TRUE if it did. */
static gboolean
final_verdict(WalkCtx *ctx, const Chain *chain, Verdict v)
{
    if (v.kind != V_DROP && v.kind != V_REJECT)
        return FALSE;
    ctx->walk->verdict = v.kind == V_DROP ? KN_VERDICT_DROP : KN_VERDICT_REJECT;
    ctx->walk->decided_by = chain->name;
    return TRUE;
}

/* Runs base chain 'start'; TRUE if the walk ended with a verdict other than
 * the chain's policy (drop, reject, or the NAT statements that accept). */
static gboolean
walk_chain(WalkCtx *ctx, guint start)
{
    const KnNftTable *t = ctx->table;
    KnProxyWalk *walk = ctx->walk;
    KnPacket *packet = walk->packet;
    struct {
        guint chain, pos;
    } stack[MAX_DEPTH];
    guint depth = 0, chain_index = start, pos = 0;
    gboolean note_rule_done = FALSE;

    for (;;) {
        const Chain *chain = &g_array_index(t->chains, Chain, chain_index);

        if (pos >= chain->rules->len) {
            if (depth == 0)
                return FALSE;    /* the base chain's policy: accept */
            depth--;
            chain_index = stack[depth].chain;
            pos = stack[depth].pos;
            continue;
        }

        const Rule *rule = &g_array_index(chain->rules, Rule, pos++);
        Verdict v = rule->verdict;
        gboolean match = FALSE;

        walk->n_rules++;
        switch ((RuleKind) rule->kind) {
        case R_VERDICT:
            match = !rule->ct_new || (walk->ct_state & KN_CT_NEW);
            break;
        case R_VMAP_ADDR_PROTO_PORT:
        case R_VMAP_PROTO_PORT: {
            const Set *set = &g_array_index(t->sets, Set, rule->set);
            const Element *e;

            if (rule->kind == R_VMAP_PROTO_PORT && rule->addrs != 0
                && !set_has_addr(&g_array_index(t->sets, Set, rule->addrs - 1), &ctx->dst))
                break;
            if (rule->kind == R_VMAP_PROTO_PORT && rule->addrs == 0
                && (kn_addr_is_loopback(&ctx->dst)
                    || (rule->fib_local && (walk->is_local == NULL || !walk->is_local(walk->node, &ctx->dst)))))
                break;
            e = map_find(set, &ctx->dst, packet->proto, ctx->dport);
            if (e != NULL) {
                match = TRUE;
                v = e->verdict;
                note_element(ctx, chain, rule, set, e);
                note_rule_done = TRUE;
            }
            break;
        }
        case R_MARK_OR:
            packet->mark |= rule->mark;
            match = TRUE;
            break;
        case R_MARK_CLEAR_RETURN:
            match = (packet->mark & rule->mark) == 0;
            v = verdict(V_RETURN, 0);
            break;
        case R_MARK_XOR:
            packet->mark ^= rule->mark;
            match = TRUE;
            break;
        case R_MASQUERADE:
            note_rule(ctx, chain, rule);
            walk->masquerade = TRUE;
            walk->random_fully = TRUE;
            walk->decided_by = chain->name;
            return TRUE;
        case R_DADDR_IN_SET:
            match = set_has_addr(&g_array_index(t->sets, Set, rule->set), &ctx->dst);
            break;
        case R_DADDR_IN_CIDRS:
            match = cidrs_contain(rule->cidrs, &ctx->dst);
            break;
        case R_SERVICE_MASQ:
            match = kn_addr_equal(&ctx->dst, &rule->addr) && packet->proto == rule->proto
                    && ctx->dport == rule->port
                    && (rule->cidr.addr.family == 0 || !kn_cidr_contains(&rule->cidr, &packet->src));
            break;
        case R_SADDR_IN_CIDR:
            match = kn_cidr_contains(&rule->cidr, &packet->src);
            break;
        case R_FIB_SADDR_LOCAL:
            match = walk->is_local != NULL && walk->is_local(walk->node, &packet->src);
            break;
        case R_SADDR_NOT_IN_CIDRS:
            match = !cidrs_contain(rule->cidrs, &packet->src);
            break;
        case R_SADDR_IN_SET: {
            const Set *set = &g_array_index(t->sets, Set, rule->set);
            GHashTable *members = g_hash_table_lookup(ctx->dynamic->sets, set->name);
            const KnTime *expiry = members != NULL ? g_hash_table_lookup(members, &packet->src) : NULL;

            match = expiry != NULL && *expiry > walk->now;
            if (match && walk->trace != NULL)
                kn_trace_note(walk->trace, KN_TRACE_CHOICE, "session affinity: %s is in @%s",
                              kn_addr_format(&packet->src, (char[KN_ADDR_STRLEN]) { 0 }), set->name);
            break;
        }
        case R_NUMGEN: {
            guint n = rule->targets->len;
            guint pick = walk->rng != NULL ? (guint) kn_rng_below(walk->rng, n) : 0;

            if (walk->trace != NULL) {
                g_autoptr(GString) text = g_string_new(NULL);

                rule_text(t, rule, text);
                kn_trace_note(walk->trace, KN_TRACE_RULE, "%s: %s: element %u : goto %s", chain->name, text->str,
                              pick, g_array_index(t->chains, Chain, g_array_index(rule->targets, guint, pick)).name);
                kn_trace_note(walk->trace, KN_TRACE_CHOICE, "numgen random mod %u gave %u: each endpoint "
                              "equally likely, no probabilities as in iptables mode", n, pick);
            }
            chain_index = g_array_index(rule->targets, guint, pick);
            pos = 0;
            continue;
        }
        case R_SADDR:
            match = kn_addr_equal(&packet->src, &rule->addr);
            break;
        case R_UPDATE_SET: {
            const Set *set = &g_array_index(t->sets, Set, rule->set);
            GHashTable *members = affinity_set(ctx->dynamic, set->name);
            KnTime *expiry = g_new(KnTime, 1);

            *expiry = walk->now + (KnTime) set->timeout_s * KN_SEC;
            g_hash_table_replace(members, g_memdup2(&packet->src, sizeof packet->src), expiry);
            match = TRUE;
            break;
        }
        case R_DNAT:
            if (packet->proto != rule->proto)
                break;
            note_rule(ctx, chain, rule);
            walk->dnat = TRUE;
            walk->dnat_addr = rule->addr;
            walk->dnat_port = rule->port;
            walk->decided_by = chain->name;
            ctx->dst = rule->addr;
            ctx->dport = rule->port;
            return TRUE;
        }
        if (!match)
            continue;
        if (!note_rule_done)
            note_rule(ctx, chain, rule);
        note_rule_done = FALSE;
        switch ((VerdictKind) v.kind) {
        case V_NONE:
            continue;
        case V_JUMP:
            if (depth == MAX_DEPTH)
                return FALSE;    /* the kernel refuses such a ruleset */
            stack[depth].chain = chain_index;
            stack[depth].pos = pos;
            depth++;
            chain_index = v.chain;
            pos = 0;
            continue;
        case V_GOTO:
            chain_index = v.chain;
            pos = 0;
            continue;
        case V_RETURN:
            if (depth == 0)
                return FALSE;
            depth--;
            chain_index = stack[depth].chain;
            pos = stack[depth].pos;
            continue;
        case V_DROP:
        case V_REJECT:
            return final_verdict(ctx, chain, v);
        }
    }
}

static guint
chain_at(const KnNftTable *table, const char *name)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(table->chain_index, name)) - 1;
}

void
kn_nft_table_walk(const KnNftTable *table, KnNftSets *dynamic, KnProxyWalk *walk)
{
    gboolean is_new = (walk->ct_state & KN_CT_UNCONFIRMED) != 0;
    WalkCtx ctx = { .table = table, .dynamic = dynamic, .walk = walk, .dst = walk->packet->dst,
                    .dport = walk->packet->dport };

    g_return_if_fail(table != NULL && dynamic != NULL);
    walk->verdict = KN_VERDICT_ACCEPT;
    walk->dnat = FALSE;
    walk->masquerade = FALSE;
    walk->random_fully = FALSE;

    /* The base chains at each hook in priority order: filter at dstnat - 10
     * (-110), nat at dstnat (-100, the first packet of a connection only),
     * filter-output-post-dnat at -90; nat-postrouting at srcnat. */
    switch (walk->hook) {
    case KN_HOOK_PREROUTING:
        if (!walk_chain(&ctx, chain_at(table, "filter-prerouting")) && is_new)
            walk_chain(&ctx, chain_at(table, "nat-prerouting"));
        break;
    case KN_HOOK_INPUT:
        walk_chain(&ctx, chain_at(table, "filter-input"));
        break;
    case KN_HOOK_FORWARD:
        walk_chain(&ctx, chain_at(table, "filter-forward"));
        break;
    case KN_HOOK_OUTPUT:
        if (walk_chain(&ctx, chain_at(table, "filter-output")))
            break;
        if (is_new)
            walk_chain(&ctx, chain_at(table, "nat-output"));    /* DNAT at most */
        walk_chain(&ctx, chain_at(table, "filter-output-post-dnat"));
        break;
    case KN_HOOK_POSTROUTING:
        if (is_new)
            walk_chain(&ctx, chain_at(table, "nat-postrouting"));
        break;
    default:
        break;
    }
}

void
kn_nft_sets_keep(KnNftSets *dynamic, const KnNftTable *table)
{
    GHashTableIter iter;
    gpointer name;

    g_return_if_fail(dynamic != NULL && table != NULL);
    g_hash_table_iter_init(&iter, dynamic->sets);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        gboolean kept = FALSE;

        for (guint i = 0; i < table->sets->len && !kept; i++)
            kept = strcmp(g_array_index(table->sets, Set, i).name, name) == 0;
        if (!kept)
            g_hash_table_iter_remove(&iter);
    }
}

/*****************************************************************************/
/* The proxy mode (proxy.h). */

static gpointer
nftables_new(KnCluster *cluster, const char *node)
{
    ProxyNftables *proxy = g_new0(ProxyNftables, 1);

    proxy->cluster = cluster;
    proxy->node = g_strdup(node);
    proxy->dynamic = kn_nft_sets_new();
    return proxy;
}

static void
nftables_free(gpointer data)
{
    ProxyNftables *proxy = data;

    if (proxy == NULL)
        return;
    kn_nft_table_free(proxy->table);
    kn_nft_sets_free(proxy->dynamic);
    g_free(proxy->node);
    g_free(proxy);
}

static guint
nftables_sync(gpointer data)
{
    ProxyNftables *proxy = data;
    KnProxyNftablesConfig config;

    config_for_node(&config, proxy->cluster, proxy->node);
    kn_nft_table_free(proxy->table);
    proxy->table = kn_proxy_nftables_build(proxy->cluster->store, &config);
    kn_nft_sets_keep(proxy->dynamic, proxy->table);
    return kn_nft_table_n_rules(proxy->table);
}

static void
nftables_walk(gpointer data, KnProxyWalk *walk)
{
    ProxyNftables *proxy = data;

    if (proxy->table == NULL) {
        walk->verdict = KN_VERDICT_ACCEPT;
        walk->dnat = walk->masquerade = walk->random_fully = FALSE;
        return;
    }
    kn_nft_table_walk(proxy->table, proxy->dynamic, walk);
}

static void
nftables_dump(gpointer data, GString *out)
{
    ProxyNftables *proxy = data;

    if (proxy->table == NULL)
        nftables_sync(proxy);
    kn_nft_table_render_state(proxy->table, proxy->dynamic, kn_sim_now(proxy->cluster->sim), out);
}

const KnProxyClass kn_proxy_nftables_class = {
    .name = "nftables",
    .new = nftables_new,
    .free = nftables_free,
    .sync = nftables_sync,
    .walk = nftables_walk,
    .dump = nftables_dump,
};
