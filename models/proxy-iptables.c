/* proxy-iptables.c -- kube-proxy's iptables mode (proxy-iptables.h).
 *
 * DOC: This mirrors kubernetes/kubernetes pkg/proxy/iptables/proxier.go
 * (K-IPT): syncProxyRules, writeServiceToEndpointRules, the jump chains of
 * iptablesJumpChains and iptablesKubeletJumpChains, servicePortChainName
 * and servicePortEndpointChainName (portProtoHash), computeProbability and
 * appendServiceCommentLocked.  Facts and their sources are in
 * ../shared/reference/k8s-networking-facts.md:
 *   1.1  global chains; the jump rules kube-proxy prepends (EnsureRule), so
 *        each built-in chain holds them in reverse order of the list;
 *   1.2  chain names: base32(sha256(svcPortName + protocol [+ endpoint]))[:16];
 *   1.3  the masquerade mark (bit 14), KUBE-POSTROUTING, KUBE-MARK-MASQ,
 *        KUBE-FORWARD and the KUBE-FIREWALL localnet rule;
 *   1.4  the ClusterCIDR local detector (`! -s CIDR` / `-s CIDR`);
 *   1.5-1.6 and 5.4  classification and CategorizeEndpoints, taken from
 *        proxy-endpoints.h (K-SP, K-ESC, K-TOPO);
 *   1.7  the rules of each service port in emission order, the last
 *        KUBE-SERVICES rule, large-cluster mode (> 1000 endpoints);
 *   1.8  probabilities: kube-proxy's "%0.10f" of 1/n, stored as the u32
 *        iptables-restore makes of it.
 *
 * Decisions where the real system has no single answer:
 * - Service order in KUBE-SERVICES: kube-proxy iterates a Go map, a new
 *   random order at every sync; knetsim takes service ports in byte order
 *   of their names ("ns/name:port"), so output is reproducible.
 * - KUBE-PROXY-CANARY is created (empty) in nat and filter as ipt.Monitor
 *   does; its mangle copy is not printed, as only nat and filter are.
 * - KUBE-FIREWALL: kube-proxy writes the "block incoming localnet
 *   connections" rule (IPv4 with localhostNodePorts, the default) and
 *   prepends the kubelet jump chains (INPUT and OUTPUT to KUBE-FIREWALL,
 *   no comment) after its own, so they sit at the top.  kubelet's own
 *   chains (KUBE-KUBELET-CANARY) are not modelled.
 * - No nfacct: most nodes' dumps have no localhost_nps_accepted_pkts
 *   counter, so there is no 127.0.0.0/8 NodePort rule and no nfacct match
 *   on the INVALID drop.
 *
 * Simplified: one full sync from scratch each time (no partial syncs, no
 * stale-chain deletion lines, which a fresh ruleset never needs);
 * --nodeport-addresses is "all" (the addrtype LOCAL tail rule); the local
 * detector is ClusterCIDR only. */

#include <config.h>
#include "models/proxy-iptables.h"

#include <string.h>

#include "models/cluster.h"
#include "models/proxy-endpoints.h"
#include "models/scenario.h"
#include "sim/packet.h"
#include "sim/sha256.h"
#include "sim/sim.h"

#define LARGE_CLUSTER_ENDPOINTS 1000   /* largeClusterEndpointsThreshold */

void
kn_proxy_iptables_config_init(KnProxyIptablesConfig *config)
{
    memset(config, 0, sizeof *config);
    config->family = KN_ADDRESS_IPV4;
    config->masquerade_bit = 14;
    config->random_fully = TRUE;
    config->localhost_nodeports = TRUE;
}

/*****************************************************************************/
/* Chain names (section 1.2). */

char *
kn_proxy_iptables_hash(const char *svc_port_name, const char *protocol, const char *endpoint,
                       char *buf)
{
    guint8 digest[KN_SHA256_DIGEST];
    KnSha256 sha;

    kn_sha256_init(&sha);
    kn_sha256_update(&sha, svc_port_name, strlen(svc_port_name));
    kn_sha256_update(&sha, protocol, strlen(protocol));
    if (endpoint != NULL)
        kn_sha256_update(&sha, endpoint, strlen(endpoint));
    kn_sha256_final(&sha, digest);
    /* 16 characters: the first 80 bits. */
    return kn_sha256_base32(digest, 16, buf);
}

/*****************************************************************************/
/* Building rules. */

typedef struct Gen {
    KnProxyIrRuleset *ruleset;
    const KnProxyIptablesConfig *config;
    guint32 mark;                /* 1 << masquerade_bit */
    gboolean ipv6;
    KnCidr cluster_cidr;         /* the detector's; family 0 if none */
    KnAddr node_ip;              /* family 0 if unknown */
    gboolean large_cluster;
    KnProxyIrChain *filter_services, *filter_external, *filter_forward, *filter_nodeports,
        *filter_proxy_firewall;
    KnProxyIrChain *nat_services, *nat_nodeports, *nat_postrouting, *nat_mark_masq;
} Gen;

static void
rule_init(KnProxyIrRule *rule)
{
    memset(rule, 0, sizeof *rule);
}

static void
rule_jump(KnProxyIrRule *rule, KnProxyIrChain *chain)
{
    rule->target = KN_PROXY_IR_TARGET_JUMP;
    rule->jump = chain;
}

/* -d IP (a host address) unless 'ip' does not parse. */
static void
rule_dst(KnProxyIrRule *rule, const char *ip)
{
    KnCidr cidr;

    if (kn_cidr_parse(ip, &cidr)) {
        rule->has_dst = TRUE;
        rule->dst = cidr;
    }
}

static void
rule_src(KnProxyIrRule *rule, const char *cidr_text, gboolean negate)
{
    KnCidr cidr;

    if (kn_cidr_parse(cidr_text, &cidr)) {
        rule->has_src = TRUE;
        rule->not_src = negate != FALSE;
        rule->src = cidr;
    }
}

/* "-m comment --comment C -m P -p P -d IP --dport PORT", the capture every
 * per-service rule of KUBE-SERVICES and friends starts with. */
static void
rule_capture(KnProxyIrRule *rule, const char *comment, guint8 proto, const char *ip, guint port)
{
    rule_init(rule);
    kn_proxy_ir_add_comment(rule, comment);
    kn_proxy_ir_add_port(rule, proto, (guint16) port);
    if (ip != NULL)
        rule_dst(rule, ip);
}

static void
append_target(Gen *gen, KnProxyIrChain *chain, KnProxyIrRule *rule, KnProxyIrTargetKind target)
{
    rule->target = target;
    kn_proxy_ir_append(gen->ruleset, chain, rule);
}

static void
append_jump(Gen *gen, KnProxyIrChain *chain, KnProxyIrRule *rule, KnProxyIrChain *to)
{
    rule_jump(rule, to);
    kn_proxy_ir_append(gen->ruleset, chain, rule);
}

static gboolean
has_detector(const Gen *gen)
{
    return gen->cluster_cidr.addr.family != 0;
}

static void
rule_if_not_local(const Gen *gen, KnProxyIrRule *rule)
{
    rule->has_src = TRUE;
    rule->not_src = TRUE;
    rule->src = gen->cluster_cidr;
}

static void
rule_if_local(const Gen *gen, KnProxyIrRule *rule)
{
    rule->has_src = TRUE;
    rule->src = gen->cluster_cidr;
}

/*****************************************************************************/
/* The global chains (sections 1.1 and 1.3). */

typedef struct JumpChain {
    KnProxyIrTable table;
    const char *to;              /* dstChain */
    const char *from;            /* srcChain */
    const char *comment;         /* NULL: none */
    guint ctstate;               /* extraArgs "-m conntrack --ctstate NEW"; 0: none */
} JumpChain;

/* iptablesJumpChains then iptablesKubeletJumpChains, in list order. */
static const JumpChain jump_chains[] = {
    { KN_PROXY_IR_FILTER, "KUBE-EXTERNAL-SERVICES", "INPUT", "kubernetes externally-visible service portals", KN_CT_NEW },
    { KN_PROXY_IR_FILTER, "KUBE-EXTERNAL-SERVICES", "FORWARD", "kubernetes externally-visible service portals", KN_CT_NEW },
    { KN_PROXY_IR_FILTER, "KUBE-NODEPORTS", "INPUT", "kubernetes health check service ports", 0 },
    { KN_PROXY_IR_FILTER, "KUBE-SERVICES", "FORWARD", "kubernetes service portals", KN_CT_NEW },
    { KN_PROXY_IR_FILTER, "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", KN_CT_NEW },
    { KN_PROXY_IR_FILTER, "KUBE-FORWARD", "FORWARD", "kubernetes forwarding rules", 0 },
    { KN_PROXY_IR_FILTER, "KUBE-PROXY-FIREWALL", "INPUT", "kubernetes load balancer firewall", KN_CT_NEW },
    { KN_PROXY_IR_FILTER, "KUBE-PROXY-FIREWALL", "OUTPUT", "kubernetes load balancer firewall", KN_CT_NEW },
    { KN_PROXY_IR_FILTER, "KUBE-PROXY-FIREWALL", "FORWARD", "kubernetes load balancer firewall", KN_CT_NEW },
    { KN_PROXY_IR_NAT, "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", 0 },
    { KN_PROXY_IR_NAT, "KUBE-SERVICES", "PREROUTING", "kubernetes service portals", 0 },
    { KN_PROXY_IR_NAT, "KUBE-POSTROUTING", "POSTROUTING", "kubernetes postrouting rules", 0 },
    { KN_PROXY_IR_FILTER, "KUBE-FIREWALL", "INPUT", NULL, 0 },
    { KN_PROXY_IR_FILTER, "KUBE-FIREWALL", "OUTPUT", NULL, 0 },
};

static void
write_jump_chains(Gen *gen)
{
    /* Each is prepended (EnsureRule(Prepend)), so a built-in chain ends up
     * with them in reverse list order: append them walking the list back. */
    for (guint i = G_N_ELEMENTS(jump_chains); i-- > 0;) {
        const JumpChain *jump = &jump_chains[i];
        KnProxyIrRule rule;

        if (strcmp(jump->to, "KUBE-FIREWALL") == 0 && !(gen->config->localhost_nodeports && !gen->ipv6))
            continue;
        rule_init(&rule);
        if (jump->ctstate != 0)
            kn_proxy_ir_add_ctstate(&rule, FALSE, jump->ctstate);
        if (jump->comment != NULL)
            kn_proxy_ir_add_comment(&rule, jump->comment);
        append_jump(gen, kn_proxy_ir_chain(gen->ruleset, jump->table, jump->from), &rule,
                    kn_proxy_ir_chain(gen->ruleset, jump->table, jump->to));
    }
}

static void
write_global_chains(Gen *gen)
{
    KnProxyIrRuleset *rs = gen->ruleset;
    KnProxyIrRule rule;

    /* ipt.Monitor's canary. */
    kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, "KUBE-PROXY-CANARY");
    kn_proxy_ir_chain(rs, KN_PROXY_IR_FILTER, "KUBE-PROXY-CANARY");

    gen->filter_services = kn_proxy_ir_chain(rs, KN_PROXY_IR_FILTER, "KUBE-SERVICES");
    gen->filter_external = kn_proxy_ir_chain(rs, KN_PROXY_IR_FILTER, "KUBE-EXTERNAL-SERVICES");
    gen->filter_forward = kn_proxy_ir_chain(rs, KN_PROXY_IR_FILTER, "KUBE-FORWARD");
    gen->filter_nodeports = kn_proxy_ir_chain(rs, KN_PROXY_IR_FILTER, "KUBE-NODEPORTS");
    gen->filter_proxy_firewall = kn_proxy_ir_chain(rs, KN_PROXY_IR_FILTER, "KUBE-PROXY-FIREWALL");
    gen->nat_services = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, "KUBE-SERVICES");
    gen->nat_nodeports = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, "KUBE-NODEPORTS");
    gen->nat_postrouting = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, "KUBE-POSTROUTING");
    gen->nat_mark_masq = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, "KUBE-MARK-MASQ");

    write_jump_chains(gen);

    /* KUBE-POSTROUTING: leave unmarked packets alone, clear the mark so a
     * re-traversal does not masquerade twice, masquerade. */
    rule_init(&rule);
    kn_proxy_ir_add_mark(&rule, TRUE, gen->mark, gen->mark);
    append_target(gen, gen->nat_postrouting, &rule, KN_PROXY_IR_TARGET_RETURN);
    rule_init(&rule);
    rule.mark_value = gen->mark;
    rule.mark_mask = 0;          /* --xor-mark M is --set-xmark M/0 */
    append_target(gen, gen->nat_postrouting, &rule, KN_PROXY_IR_TARGET_MARK);
    rule_init(&rule);
    kn_proxy_ir_add_comment(&rule, "kubernetes service traffic requiring SNAT");
    rule.random_fully = gen->config->random_fully != FALSE;
    append_target(gen, gen->nat_postrouting, &rule, KN_PROXY_IR_TARGET_MASQUERADE);

    /* KUBE-MARK-MASQ: --or-mark M is --set-xmark M/M. */
    rule_init(&rule);
    rule.mark_value = gen->mark;
    rule.mark_mask = gen->mark;
    append_target(gen, gen->nat_mark_masq, &rule, KN_PROXY_IR_TARGET_MARK);

    /* The localnet rule of KUBE-FIREWALL (route_localnet's hole, #90259). */
    if (gen->config->localhost_nodeports && !gen->ipv6) {
        rule_init(&rule);
        kn_proxy_ir_add_comment(&rule, "block incoming localnet connections");
        rule_dst(&rule, "127.0.0.0/8");
        rule_src(&rule, "127.0.0.0/8", TRUE);
        kn_proxy_ir_add_ctstate(&rule, TRUE, KN_CT_RELATED | KN_CT_ESTABLISHED | KN_CT_DNAT);
        append_target(gen, kn_proxy_ir_chain(rs, KN_PROXY_IR_FILTER, "KUBE-FIREWALL"), &rule,
                      KN_PROXY_IR_TARGET_DROP);
    }
}

static void
write_tail_rules(Gen *gen)
{
    KnProxyIrRule rule;

    /* The tail call of KUBE-SERVICES (nodePortAddresses matches all). */
    rule_init(&rule);
    kn_proxy_ir_add_comment(&rule, "kubernetes service nodeports; NOTE: this must be the last rule in this chain");
    kn_proxy_ir_add_addrtype(&rule, FALSE, TRUE);
    if (gen->ipv6) {
        rule_dst(&rule, "::1/128");
        rule.not_dst = TRUE;
    } else if (!gen->config->localhost_nodeports) {
        rule_dst(&rule, "127.0.0.0/8");
        rule.not_dst = TRUE;
    }
    append_jump(gen, gen->nat_services, &rule, gen->nat_nodeports);

    /* KUBE-FORWARD. */
    if (!gen->config->conntrack_tcp_liberal) {
        rule_init(&rule);
        kn_proxy_ir_add_ctstate(&rule, FALSE, KN_CT_INVALID);
        append_target(gen, gen->filter_forward, &rule, KN_PROXY_IR_TARGET_DROP);
    }
    rule_init(&rule);
    kn_proxy_ir_add_comment(&rule, "kubernetes forwarding rules");
    kn_proxy_ir_add_mark(&rule, FALSE, gen->mark, gen->mark);
    append_target(gen, gen->filter_forward, &rule, KN_PROXY_IR_TARGET_ACCEPT);
    rule_init(&rule);
    kn_proxy_ir_add_comment(&rule, "kubernetes forwarding conntrack rule");
    kn_proxy_ir_add_ctstate(&rule, FALSE, KN_CT_RELATED | KN_CT_ESTABLISHED);
    append_target(gen, gen->filter_forward, &rule, KN_PROXY_IR_TARGET_ACCEPT);
}

/*****************************************************************************/
/* One service port (section 1.7). */

/* The SEP chain name of 'ep' of 'sp'; 'buf' at least 26 bytes. */
static char *
sep_chain_name(const KnProxyServicePort *sp, const KnProxyEndpoint *ep, char *buf)
{
    char hash[17];

    kn_proxy_iptables_hash(sp->svc_port_name, sp->protocol, ep->endpoint_string, hash);
    memcpy(buf, "KUBE-SEP-", 9);
    memcpy(buf + 9, hash, 17);
    return buf;
}

/* The SEP chain names of a service port's endpoints, computed once: 'ep'
 * (borrowed) -> name (owned). */
static const char *
sep_name_lookup(GHashTable *names, const KnProxyServicePort *sp, const KnProxyEndpoint *ep)
{
    char *name = g_hash_table_lookup(names, ep);

    if (name == NULL) {
        name = g_malloc(32);
        sep_chain_name(sp, ep, name);
        g_hash_table_insert(names, (gpointer) ep, name);
    }
    return name;
}

/* writeServiceToEndpointRules: affinity checks, then one rule per endpoint
 * with probability 1/(n-i), the last without. */
static void
write_service_to_endpoints(Gen *gen, const KnProxyServicePort *sp, KnProxyIrChain *chain,
                           const GPtrArray *endpoints, GHashTable *sep_names)
{
    const KnService *service = sp->service;
    KnProxyIrRule rule;
    const char *sep;

    if (service->spec.session_affinity_client_ip) {
        for (guint i = 0; i < endpoints->len; i++) {
            const KnProxyEndpoint *ep = endpoints->pdata[i];
            g_autofree char *comment = NULL;

            sep = sep_name_lookup(sep_names, sp, ep);
            rule_init(&rule);
            if (!gen->large_cluster) {
                comment = g_strdup_printf("%s -> %s", sp->svc_port_name, ep->endpoint_string);
                kn_proxy_ir_add_comment(&rule, comment);
            }
            kn_proxy_ir_add_recent_rcheck(&rule, sep, service->spec.session_affinity_timeout_s, TRUE);
            append_jump(gen, chain, &rule, kn_proxy_ir_chain(gen->ruleset, KN_PROXY_IR_NAT, sep));
        }
    }
    for (guint i = 0; i < endpoints->len; i++) {
        const KnProxyEndpoint *ep = endpoints->pdata[i];
        g_autofree char *comment = NULL;

        sep = sep_name_lookup(sep_names, sp, ep);
        rule_init(&rule);
        if (!gen->large_cluster) {
            comment = g_strdup_printf("%s -> %s", sp->svc_port_name, ep->endpoint_string);
            kn_proxy_ir_add_comment(&rule, comment);
        }
        if (i + 1 < endpoints->len)
            kn_proxy_ir_add_statistic(&rule, kn_proxy_ir_probability(endpoints->len - i));
        append_jump(gen, chain, &rule, kn_proxy_ir_chain(gen->ruleset, KN_PROXY_IR_NAT, sep));
    }
}

static void
write_service_port(Gen *gen, const KnProxyServicePort *sp)
{
    KnProxyIrRuleset *rs = gen->ruleset;
    const KnService *service = sp->service;
    const char *name = sp->svc_port_name;
    guint8 proto = kn_proxy_endpoints_protocol_number(sp->service_port->protocol);
    char hash[17], svc_name[32], svl_name[32], ext_name[32], fw_name[32];
    KnProxyIrRule rule;

    kn_proxy_iptables_hash(name, sp->protocol, NULL, hash);
    g_snprintf(svc_name, sizeof svc_name, "KUBE-SVC-%s", hash);
    g_snprintf(svl_name, sizeof svl_name, "KUBE-SVL-%s", hash);
    g_snprintf(ext_name, sizeof ext_name, "KUBE-EXT-%s", hash);
    g_snprintf(fw_name, sizeof fw_name, "KUBE-FW-%s", hash);

    gboolean has_endpoints = sp->has_any_endpoints;
    gboolean uses_cluster_chain = sp->cluster_endpoints->len > 0 && sp->uses_cluster_endpoints;
    gboolean uses_local_chain = sp->local_endpoints->len > 0 && sp->uses_local_endpoints;
    const char *internal_chain = sp->internal_policy_local ? svl_name : svc_name;
    const char *external_policy_chain = sp->external_policy_local ? svl_name : svc_name;
    const char *lb_chain = sp->uses_fw_chain ? fw_name : ext_name;
    KnProxyIrTargetKind internal_filter = KN_PROXY_IR_TARGET_NONE, external_filter = KN_PROXY_IR_TARGET_NONE;
    g_autofree char *internal_comment = NULL, *external_comment = NULL;
    g_autofree char *cluster_ip_comment = g_strdup_printf("%s cluster IP", name);

    if (!has_endpoints) {
        internal_filter = external_filter = KN_PROXY_IR_TARGET_REJECT;
        internal_comment = g_strdup_printf("%s has no endpoints", name);
        external_comment = g_strdup(internal_comment);
    } else {
        if (!sp->has_internal_endpoints) {
            internal_filter = KN_PROXY_IR_TARGET_DROP;
            internal_comment = g_strdup_printf("%s has no local endpoints", name);
        }
        if (!sp->has_external_endpoints) {
            external_filter = KN_PROXY_IR_TARGET_DROP;
            external_comment = g_strdup_printf("%s has no local endpoints", name);
        }
    }

    /* 1. Capture the clusterIP. */
    if (sp->cluster_ip != NULL) {
        if (sp->has_internal_endpoints) {
            rule_capture(&rule, cluster_ip_comment, proto, sp->cluster_ip, sp->port);
            append_jump(gen, gen->nat_services, &rule, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, internal_chain));
        } else {
            rule_capture(&rule, internal_comment, proto, sp->cluster_ip, sp->port);
            append_target(gen, gen->filter_services, &rule, internal_filter);
        }
    }

    /* 2. Capture externalIPs. */
    if (sp->external_ips->len > 0) {
        g_autofree char *comment = g_strdup_printf("%s external IP", name);

        for (guint i = 0; i < sp->external_ips->len; i++) {
            const char *ip = sp->external_ips->pdata[i];

            if (has_endpoints) {
                rule_capture(&rule, comment, proto, ip, sp->port);
                append_jump(gen, gen->nat_services, &rule, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, ext_name));
            }
            if (!sp->has_external_endpoints) {
                rule_capture(&rule, external_comment, proto, ip, sp->port);
                append_target(gen, gen->filter_external, &rule, external_filter);
            }
        }
    }

    /* 3. Capture load-balancer ingress. */
    if (sp->load_balancer_vips->len > 0) {
        g_autofree char *comment = g_strdup_printf("%s loadbalancer IP", name);
        g_autofree char *fw_comment = g_strdup_printf("%s traffic not accepted by %s", name, fw_name);

        for (guint i = 0; i < sp->load_balancer_vips->len; i++) {
            const char *ip = sp->load_balancer_vips->pdata[i];

            if (has_endpoints) {
                rule_capture(&rule, comment, proto, ip, sp->port);
                append_jump(gen, gen->nat_services, &rule, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, lb_chain));
            }
            if (sp->uses_fw_chain) {
                rule_capture(&rule, fw_comment, proto, ip, sp->port);
                append_target(gen, gen->filter_proxy_firewall, &rule, KN_PROXY_IR_TARGET_DROP);
            }
        }
        if (!sp->has_external_endpoints) {
            for (guint i = 0; i < sp->load_balancer_vips->len; i++) {
                rule_capture(&rule, external_comment, proto, sp->load_balancer_vips->pdata[i], sp->port);
                append_target(gen, gen->filter_external, &rule, external_filter);
            }
        }
    }

    /* 4. Capture nodeports (without the nfacct localhost rule). */
    if (sp->node_port != 0) {
        if (has_endpoints) {
            rule_capture(&rule, name, proto, NULL, sp->node_port);
            append_jump(gen, gen->nat_nodeports, &rule, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, ext_name));
        }
        if (!sp->has_external_endpoints) {
            rule_init(&rule);
            kn_proxy_ir_add_comment(&rule, external_comment);
            kn_proxy_ir_add_addrtype(&rule, FALSE, TRUE);
            kn_proxy_ir_add_port(&rule, proto, (guint16) sp->node_port);
            append_target(gen, gen->filter_external, &rule, external_filter);
        }
    }

    /* 5. Capture healthCheckNodePorts, with or without local endpoints. */
    if (service->spec.health_check_node_port != 0) {
        g_autofree char *comment = g_strdup_printf("%s health check node port", name);

        rule_capture(&rule, comment, KN_IPPROTO_TCP, NULL, service->spec.health_check_node_port);
        append_target(gen, gen->filter_nodeports, &rule, KN_PROXY_IR_TARGET_ACCEPT);
    }

    /* 7. Internal traffic: masquerade off-cluster sources to the clusterIP. */
    if (sp->has_internal_endpoints && sp->cluster_ip != NULL
        && (gen->config->masquerade_all || has_detector(gen))) {
        rule_capture(&rule, cluster_ip_comment, proto, sp->cluster_ip, sp->port);
        if (!gen->config->masquerade_all)
            rule_if_not_local(gen, &rule);
        append_jump(gen, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, internal_chain), &rule, gen->nat_mark_masq);
    }

    /* 8. KUBE-EXT. */
    if (has_endpoints && sp->externally_accessible) {
        KnProxyIrChain *ext = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, ext_name);

        if (!sp->external_policy_local) {
            g_autofree char *comment = g_strdup_printf("masquerade traffic for %s external destinations", name);

            rule_init(&rule);
            kn_proxy_ir_add_comment(&rule, comment);
            append_jump(gen, ext, &rule, gen->nat_mark_masq);
        } else {
            g_autofree char *pod = g_strdup_printf("pod traffic for %s external destinations", name);
            g_autofree char *masq = g_strdup_printf("masquerade LOCAL traffic for %s external destinations", name);
            g_autofree char *route = g_strdup_printf("route LOCAL traffic for %s external destinations", name);
            KnProxyIrChain *svc = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, svc_name);

            if (has_detector(gen)) {
                rule_init(&rule);
                kn_proxy_ir_add_comment(&rule, pod);
                rule_if_local(gen, &rule);
                append_jump(gen, ext, &rule, svc);
            }
            rule_init(&rule);
            kn_proxy_ir_add_comment(&rule, masq);
            kn_proxy_ir_add_addrtype(&rule, FALSE, FALSE);
            append_jump(gen, ext, &rule, gen->nat_mark_masq);
            rule_init(&rule);
            kn_proxy_ir_add_comment(&rule, route);
            kn_proxy_ir_add_addrtype(&rule, FALSE, FALSE);
            append_jump(gen, ext, &rule, svc);
        }
        if (sp->has_external_endpoints) {
            rule_init(&rule);
            append_jump(gen, ext, &rule, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, external_policy_chain));
        }
    }

    /* 9. KUBE-FW: loadBalancerSourceRanges. */
    if (sp->uses_fw_chain) {
        KnProxyIrChain *fw = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, fw_name);
        KnProxyIrChain *ext = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, ext_name);
        g_autofree char *comment = g_strdup_printf("%s loadbalancer IP", name);
        g_autofree char *other = g_strdup_printf("other traffic to %s will be dropped by KUBE-PROXY-FIREWALL", name);
        gboolean allow_from_node = FALSE;

        for (guint i = 0; i < sp->load_balancer_source_ranges->len; i++) {
            const char *range = sp->load_balancer_source_ranges->pdata[i];
            KnCidr cidr;

            rule_init(&rule);
            kn_proxy_ir_add_comment(&rule, comment);
            rule_src(&rule, range, FALSE);
            append_jump(gen, fw, &rule, ext);
            if (gen->node_ip.family != 0 && kn_cidr_parse(range, &cidr) && kn_cidr_contains(&cidr, &gen->node_ip))
                allow_from_node = TRUE;
        }
        for (guint i = 0; allow_from_node && i < sp->load_balancer_vips->len; i++) {
            rule_init(&rule);
            kn_proxy_ir_add_comment(&rule, comment);
            rule_src(&rule, sp->load_balancer_vips->pdata[i], FALSE);
            append_jump(gen, fw, &rule, ext);
        }
        rule_init(&rule);
        kn_proxy_ir_add_comment(&rule, other);
        append_target(gen, fw, &rule, KN_PROXY_IR_TARGET_NONE);
    }

    /* 10. KUBE-SVC and KUBE-SVL. */
    g_autoptr(GHashTable) sep_names = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);

    if (uses_cluster_chain)
        write_service_to_endpoints(gen, sp, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, svc_name), sp->cluster_endpoints,
                                   sep_names);
    if (uses_local_chain)
        write_service_to_endpoints(gen, sp, kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, svl_name), sp->local_endpoints,
                                   sep_names);

    /* 11. The endpoint chains. */
    for (guint i = 0; i < sp->all_reachable->len; i++) {
        const KnProxyEndpoint *ep = sp->all_reachable->pdata[i];
        const char *sep_name = sep_name_lookup(sep_names, sp, ep);
        KnProxyIrChain *sep = kn_proxy_ir_chain(rs, KN_PROXY_IR_NAT, sep_name);

        rule_init(&rule);
        if (!gen->large_cluster)
            kn_proxy_ir_add_comment(&rule, name);
        if (ep->addr.family != 0) {     /* rule_src() of the address alone */
            rule.has_src = TRUE;
            rule.src = (KnCidr) { ep->addr, ep->addr.family == 4 ? 32 : 128 };
        }
        append_jump(gen, sep, &rule, gen->nat_mark_masq);

        rule_init(&rule);
        if (!gen->large_cluster)
            kn_proxy_ir_add_comment(&rule, name);
        if (service->spec.session_affinity_client_ip)
            kn_proxy_ir_add_recent_set(&rule, sep_name);
        kn_proxy_ir_add_port(&rule, proto, 0);
        rule.dnat_addr = ep->addr;
        rule.dnat_port = (guint16) ep->port;
        append_target(gen, sep, &rule, KN_PROXY_IR_TARGET_DNAT);
    }
}

/*****************************************************************************/
/* The sync. */

KnProxyIrRuleset *
kn_proxy_iptables_build(KnStore *store, const KnProxyIptablesConfig *config, KnProxyIptablesStats *stats)
{
    g_return_val_if_fail(store != NULL && config != NULL, NULL);

    guint n_endpoints = 0;
    g_autoptr(GPtrArray) ports = kn_proxy_endpoints_collect(store, config->family, config->node_name,
                                                            config->node_zone, &n_endpoints);
    Gen gen = {
        .ruleset = kn_proxy_ir_ruleset_new(),
        .config = config,
        .mark = 1u << config->masquerade_bit,
        .ipv6 = config->family == KN_ADDRESS_IPV6,
    };

    if (config->cluster_cidr != NULL && !kn_cidr_parse(config->cluster_cidr, &gen.cluster_cidr))
        memset(&gen.cluster_cidr, 0, sizeof gen.cluster_cidr);
    if (gen.cluster_cidr.addr.family != (gen.ipv6 ? 6 : 4))
        memset(&gen.cluster_cidr, 0, sizeof gen.cluster_cidr);
    if (config->node_ip != NULL)
        kn_addr_parse(config->node_ip, &gen.node_ip);
    gen.large_cluster = n_endpoints > LARGE_CLUSTER_ENDPOINTS;

    write_global_chains(&gen);
    for (guint i = 0; i < ports->len; i++)
        write_service_port(&gen, ports->pdata[i]);
    write_tail_rules(&gen);

    if (stats != NULL) {
        stats->n_service_ports = ports->len;
        stats->n_endpoints = n_endpoints;
        stats->large_cluster = gen.large_cluster;
        stats->n_rules = kn_proxy_ir_n_rules(gen.ruleset);
    }
    return gen.ruleset;
}

/*****************************************************************************/
/* The proxy mode (proxy.h). */

/* A ruleset shared by the nodes whose rules came out the same. */
typedef struct SharedRuleset {
    guint ref_count;
    KnProxyIrRuleset *ruleset;   /* owned */
    guint n_rules;               /* what the build wrote */
} SharedRuleset;

static SharedRuleset *
shared_new(KnProxyIrRuleset *ruleset, guint n_rules)
{
    SharedRuleset *shared = g_new(SharedRuleset, 1);

    *shared = (SharedRuleset) { .ref_count = 1, .ruleset = ruleset, .n_rules = n_rules };
    return shared;
}

static SharedRuleset *
shared_ref(SharedRuleset *shared)
{
    shared->ref_count++;
    return shared;
}

static void
shared_unref(SharedRuleset *shared)
{
    if (shared == NULL || --shared->ref_count > 0)
        return;
    kn_proxy_ir_ruleset_free(shared->ruleset);
    g_free(shared);
}

typedef struct ProxyIptables {
    KnCluster *cluster;          /* borrowed */
    char *node;                  /* owned */
    SharedRuleset *rules;        /* a reference; NULL before the first sync */
    KnProxyIrRuleset *ruleset;   /* rules->ruleset, or NULL */
    KnProxyIrRecent *recent;     /* owned, this node's own; kept across syncs, as the
                                  * kernel keeps xt_recent lists */
} ProxyIptables;

static gpointer
iptables_new(KnCluster *cluster, const char *node)
{
    ProxyIptables *proxy = g_new0(ProxyIptables, 1);

    proxy->cluster = cluster;
    proxy->node = g_strdup(node);
    proxy->recent = kn_proxy_ir_recent_new();
    return proxy;
}

static void
iptables_free(gpointer data)
{
    ProxyIptables *proxy = data;

    if (proxy == NULL)
        return;
    shared_unref(proxy->rules);
    kn_proxy_ir_recent_free(proxy->recent);
    g_free(proxy->node);
    g_free(proxy);
}

/* The configuration iptables_sync() builds with for 'proxy''s node
 * ('node', NULL if the store has no such Node). */
static void
proxy_config(const ProxyIptables *proxy, const KnNode *node, KnProxyIptablesConfig *config)
{
    kn_proxy_iptables_config_init(config);
    config->node_name = proxy->node;
    config->cluster_cidr = kn_cluster_pod_network(proxy->cluster);
    if (node != NULL) {
        config->node_ip = node->internal_ip;
        config->node_zone = kn_labels_get(node->meta.labels, "topology.kubernetes.io/zone");
    }
}

/* Makes 'rules' (a reference, taken) the ruleset of 'proxy'. */
static void
proxy_set_rules(ProxyIptables *proxy, SharedRuleset *rules)
{
    shared_unref(proxy->rules);
    proxy->rules = rules;
    proxy->ruleset = rules->ruleset;
}

static guint
iptables_sync(gpointer data)
{
    ProxyIptables *proxy = data;
    KnStore *store = proxy->cluster->store;
    KnProxyIptablesConfig config;
    KnProxyIptablesStats stats;
    KnProxyIrRuleset *ruleset;

    proxy_config(proxy, kn_store_lookup(store, KN_KIND_NODE, NULL, proxy->node), &config);
    ruleset = kn_proxy_iptables_build(store, &config, &stats);
    proxy_set_rules(proxy, shared_new(ruleset, stats.n_rules));
    return stats.n_rules;
}

/*****************************************************************************/
/* Syncing every node at once. */

/* What of the cluster makes one node's rules differ from another's.
 * syncProxyRules reads its node only through (a) which endpoints are on it,
 * and only for service ports that use local endpoints (internal or external
 * traffic policy Local), (b) its zone, and only when endpoints carry zone
 * hints, and (c) its IP, and only to test it against
 * loadBalancerSourceRanges (KUBE-FW).  Each is gathered here a little
 * wider than the generator looks (every Service with a Local policy, any
 * hint anywhere, every range), which can only split groups, never merge
 * two nodes whose rules differ. */
typedef struct NodeDeps {
    GHashTable *local_hosts;     /* node name (borrowed) -> itself: nodes with an endpoint
                                  * of a Service with a Local traffic policy */
    gboolean any_hints;          /* some endpoint has zone hints */
    GArray *ranges;              /* KnCidr: every parsable loadBalancerSourceRanges entry */
} NodeDeps;

static void
node_deps_init(NodeDeps *deps, KnStore *store)
{
    g_autoptr(GPtrArray) services = kn_store_list(store, KN_KIND_SERVICE, NULL);
    g_autoptr(GPtrArray) slices = kn_store_list(store, KN_KIND_ENDPOINT_SLICE, NULL);

    deps->local_hosts = g_hash_table_new(g_str_hash, g_str_equal);
    deps->any_hints = FALSE;
    deps->ranges = g_array_new(FALSE, FALSE, sizeof(KnCidr));
    for (guint i = 0; i < services->len; i++) {
        const KnService *service = services->pdata[i];
        const GPtrArray *ranges = service->spec.load_balancer_source_ranges;

        for (guint r = 0; ranges != NULL && r < ranges->len; r++) {
            g_autofree char *text = g_strstrip(g_strdup(ranges->pdata[r]));
            KnCidr cidr;

            if (kn_cidr_parse(text, &cidr))
                g_array_append_val(deps->ranges, cidr);
        }
        if (service->spec.internal_traffic_policy != KN_TRAFFIC_POLICY_LOCAL
            && service->spec.external_traffic_policy != KN_TRAFFIC_POLICY_LOCAL)
            continue;
        g_autoptr(GPtrArray) own = kn_store_list_labelled(store, KN_KIND_ENDPOINT_SLICE, service->meta.namespace,
                                                          "kubernetes.io/service-name", service->meta.name);

        for (guint s = 0; s < own->len; s++) {
            const KnEndpointSlice *slice = own->pdata[s];

            for (guint e = 0; e < slice->endpoints->len; e++) {
                const KnEndpoint *endpoint = slice->endpoints->pdata[e];

                if (endpoint->node_name != NULL)
                    g_hash_table_add(deps->local_hosts, endpoint->node_name);
            }
        }
    }
    for (guint s = 0; s < slices->len && !deps->any_hints; s++) {
        const KnEndpointSlice *slice = slices->pdata[s];

        for (guint e = 0; e < slice->endpoints->len; e++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[e];

            if (endpoint->hint_zones->len > 0 || endpoint->hint_nodes->len > 0)
                deps->any_hints = TRUE;
        }
    }
}

static void
node_deps_clear(NodeDeps *deps)
{
    g_hash_table_unref(deps->local_hosts);
    g_array_unref(deps->ranges);
}

/* Text equal for two nodes only if 'config' gives both the same rules. */
static char *
node_key(const NodeDeps *deps, const KnProxyIptablesConfig *config)
{
    GString *key = g_string_new(NULL);
    KnAddr ip = { 0 };

    if (config->node_name != NULL && g_hash_table_contains(deps->local_hosts, config->node_name))
        g_string_append_printf(key, "node %s\n", config->node_name);
    if (deps->any_hints)
        g_string_append_printf(key, "zone %s\n",
                               config->node_zone != NULL && config->node_zone[0] != '\0' ? config->node_zone : "");
    if (config->node_ip != NULL)
        kn_addr_parse(config->node_ip, &ip);
    g_string_append(key, "ranges ");
    for (guint i = 0; i < deps->ranges->len; i++)
        g_string_append_c(key, ip.family != 0 && kn_cidr_contains(&g_array_index(deps->ranges, KnCidr, i), &ip)
                               ? '1' : '0');
    return g_string_free(key, FALSE);
}

static guint
iptables_sync_all(gpointer *proxies, guint n_proxies)
{
    g_autoptr(GHashTable) built = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    NodeDeps deps;
    guint n_rules = 0;

    if (n_proxies == 0)
        return 0;
    node_deps_init(&deps, ((ProxyIptables *) proxies[0])->cluster->store);
    for (guint i = 0; i < n_proxies; i++) {
        ProxyIptables *proxy = proxies[i];
        KnStore *store = proxy->cluster->store;
        KnProxyIptablesConfig config;
        SharedRuleset *rules;

        proxy_config(proxy, kn_store_lookup(store, KN_KIND_NODE, NULL, proxy->node), &config);

        char *key = node_key(&deps, &config);

        rules = g_hash_table_lookup(built, key);
        if (rules == NULL) {
            KnProxyIptablesStats stats;
            KnProxyIrRuleset *ruleset = kn_proxy_iptables_build(store, &config, &stats);

            /* The table borrows: each node holds its own reference. */
            rules = shared_new(ruleset, stats.n_rules);
            g_hash_table_insert(built, key, rules);
        } else {
            g_free(key);
            shared_ref(rules);
        }
        proxy_set_rules(proxy, rules);
        n_rules = rules->n_rules;
    }
    node_deps_clear(&deps);
    return n_rules;
}

static void
iptables_walk(gpointer data, KnProxyWalk *walk)
{
    ProxyIptables *proxy = data;
    gboolean is_new = (walk->ct_state & KN_CT_UNCONFIRMED) != 0;
    gboolean ended = FALSE;

    walk->verdict = KN_VERDICT_ACCEPT;
    walk->dnat = FALSE;
    walk->masquerade = FALSE;
    walk->random_fully = FALSE;
    if (proxy->ruleset == NULL)
        return;

    /* The tables at each hook in priority order: nat's DNAT (-100) before
     * filter (0) before nat's SNAT (100). */
    switch (walk->hook) {
    case KN_HOOK_PREROUTING:
    case KN_HOOK_POSTROUTING:
        if (is_new)
            kn_proxy_ir_walk(proxy->ruleset, KN_PROXY_IR_NAT, proxy->recent, walk);
        break;
    case KN_HOOK_INPUT:
        ended = kn_proxy_ir_walk(proxy->ruleset, KN_PROXY_IR_FILTER, proxy->recent, walk);
        if (!ended && is_new)
            kn_proxy_ir_walk(proxy->ruleset, KN_PROXY_IR_NAT, proxy->recent, walk);
        break;
    case KN_HOOK_FORWARD:
        kn_proxy_ir_walk(proxy->ruleset, KN_PROXY_IR_FILTER, proxy->recent, walk);
        break;
    case KN_HOOK_OUTPUT:
        if (is_new)
            ended = kn_proxy_ir_walk(proxy->ruleset, KN_PROXY_IR_NAT, proxy->recent, walk);
        if (!ended)
            kn_proxy_ir_walk(proxy->ruleset, KN_PROXY_IR_FILTER, proxy->recent, walk);
        break;
    default:
        break;
    }
}

static void
iptables_dump(gpointer data, GString *out)
{
    ProxyIptables *proxy = data;
    g_autofree char *date = kn_proxy_ir_date(kn_sim_now(proxy->cluster->sim));

    if (proxy->ruleset == NULL)
        iptables_sync(proxy);
    kn_proxy_ir_render(proxy->ruleset, date, out);
}

static void
iptables_dump_with(gpointer data, const KnProxyIrRuleset *const *others, guint n_others, GString *out)
{
    ProxyIptables *proxy = data;
    g_autofree char *date = kn_proxy_ir_date(kn_sim_now(proxy->cluster->sim));

    if (proxy->ruleset == NULL)
        iptables_sync(proxy);
    kn_proxy_ir_render_with(proxy->ruleset, others, n_others, date, out);
}

static const KnProxyIrRuleset *
iptables_ruleset(gpointer data)
{
    ProxyIptables *proxy = data;

    if (proxy->ruleset == NULL)
        iptables_sync(proxy);
    return proxy->ruleset;
}

const KnProxyClass kn_proxy_iptables_class = {
    .name = "iptables",
    .new = iptables_new,
    .free = iptables_free,
    .sync = iptables_sync,
    .sync_all = iptables_sync_all,
    .walk = iptables_walk,
    .dump = iptables_dump,
    .dump_with = iptables_dump_with,
    .ruleset = iptables_ruleset,
};
