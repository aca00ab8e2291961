/* proxy-ipvs.c -- kube-proxy's IPVS mode (proxy-ipvs.h).
 *
 * DOC: This mirrors kubernetes/kubernetes pkg/proxy/ipvs/proxier.go
 * (K-IPVS): syncProxyRules, per service port, fills the ipsets (ipsetInfo,
 * Entry.String's member text), adds a virtual server for the ClusterIP,
 * each externalIP, each load-balancer ingress IP and each node address x
 * NodePort, all with the proxier's scheduler (rr) and, for ClientIP
 * affinity, the persistent flag and timeout; syncEndpoint gives each its
 * real servers (weight 1): the cluster endpoints, or the local ones for a
 * Local policy, falling back to the cluster ones when the node has none
 * (kubernetes PR 97081); and binds the ClusterIPs (and external and LB IPs
 * that are not the node's) to kube-ipvs0.  writeIptablesRules then writes
 * the few iptables rules that match the sets (ipsetWithIptablesChain), and
 * the jumps into the built-in chains, each inserted at the head.  ipvsadm
 * 1.31 prints the virtual servers (print_title, print_service_entry; the
 * libipvs.c sort).  Facts: ../shared/reference/k8s-networking-facts.md
 * section 3.
 *
 * Decisions where the real system has no single answer: service ports in
 * byte order of "ns/name:port" (kube-proxy walks a Go map); sets created in
 * ipsetInfo's order and their members in the order added (the kernel lists
 * a hash set in its own order); a set's initval comes from its name.
 *
 * Left out: the KUBE-IPVS-OUT-FILTER drop (`-m ipvs --vaddr`) for a
 * load-balancer IP whose source ranges leave the node out; SCTP NodePorts
 * take the node's addresses as for TCP.  The node's local addresses are
 * those the data path gives it: its InternalIP, flannel.1 (the pod
 * subnet's .0) and cni0 (its .1); loopback addresses never take a
 * NodePort (netlink_linux.go isValidForSet).
 *
 * Simplified on the data path: real servers keep weight 1 and go at the
 * next sync (no graceful termination at weight 0); round robin walks the
 * real servers in ipvsadm's order (the kernel's is the reverse of the
 * order kube-proxy added them, a Go set's); ipvsadm's connection counts
 * come from conntrack's timeouts, not IPVS's own (TCP ESTABLISHED 15 min,
 * UDP 5 min); a packet IPVS sends on skips filter OUTPUT; a later packet of
 * the connection takes its NAT from conntrack before routing, so passes
 * FORWARD where the kernel's passes INPUT. */

#include <config.h>
#include "models/proxy-ipvs.h"

#include <stdlib.h>
#include <string.h>

#include "models/proxy-endpoints.h"
#include "sim/packet.h"

/* ipsetInfo, in its order: name, type, comment. */
typedef enum {
    SET_LOOP_BACK,
    SET_CLUSTER_IP,
    SET_EXTERNAL_IP,
    SET_EXTERNAL_IP_LOCAL,
    SET_LOAD_BALANCER,
    SET_LOAD_BALANCER_FW,
    SET_LOAD_BALANCER_LOCAL,
    SET_LOAD_BALANCER_SOURCE_IP,
    SET_LOAD_BALANCER_SOURCE_CIDR,
    SET_NODE_PORT_TCP,
    SET_NODE_PORT_LOCAL_TCP,
    SET_NODE_PORT_UDP,
    SET_NODE_PORT_LOCAL_UDP,
    SET_NODE_PORT_SCTP,
    SET_NODE_PORT_LOCAL_SCTP,
    SET_HEALTH_CHECK_NODE_PORT,
    SET_IPVS_IPS,
    N_SETS,
} SetId;

static const struct {
    const char *name, *type, *comment;
} set_info[N_SETS] = {
    [SET_LOOP_BACK] = { "KUBE-LOOP-BACK", "hash:ip,port,ip",
                        "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" },
    [SET_CLUSTER_IP] = { "KUBE-CLUSTER-IP", "hash:ip,port",
                         "Kubernetes service cluster ip + port for masquerade purpose" },
    [SET_EXTERNAL_IP] = { "KUBE-EXTERNAL-IP", "hash:ip,port",
                          "Kubernetes service external ip + port for masquerade and filter purpose" },
    [SET_EXTERNAL_IP_LOCAL] = { "KUBE-EXTERNAL-IP-LOCAL", "hash:ip,port",
                                "Kubernetes service external ip + port with externalTrafficPolicy=local" },
    [SET_LOAD_BALANCER] = { "KUBE-LOAD-BALANCER", "hash:ip,port", "Kubernetes service lb portal" },
    [SET_LOAD_BALANCER_FW] = { "KUBE-LOAD-BALANCER-FW", "hash:ip,port",
                               "Kubernetes service load balancer ip + port for load balancer with sourceRange" },
    [SET_LOAD_BALANCER_LOCAL] = { "KUBE-LOAD-BALANCER-LOCAL", "hash:ip,port",
                                  "Kubernetes service load balancer ip + port with externalTrafficPolicy=local" },
    [SET_LOAD_BALANCER_SOURCE_IP] = { "KUBE-LOAD-BALANCER-SOURCE-IP", "hash:ip,port,ip",
                                      "Kubernetes service load balancer ip + port + source IP for packet filter purpose" },
    [SET_LOAD_BALANCER_SOURCE_CIDR] = { "KUBE-LOAD-BALANCER-SOURCE-CIDR", "hash:ip,port,net",
                                        "Kubernetes service load balancer ip + port + source cidr for packet filter purpose" },
    [SET_NODE_PORT_TCP] = { "KUBE-NODE-PORT-TCP", "bitmap:port", "Kubernetes nodeport TCP port for masquerade purpose" },
    [SET_NODE_PORT_LOCAL_TCP] = { "KUBE-NODE-PORT-LOCAL-TCP", "bitmap:port",
                                  "Kubernetes nodeport TCP port with externalTrafficPolicy=local" },
    [SET_NODE_PORT_UDP] = { "KUBE-NODE-PORT-UDP", "bitmap:port", "Kubernetes nodeport UDP port for masquerade purpose" },
    [SET_NODE_PORT_LOCAL_UDP] = { "KUBE-NODE-PORT-LOCAL-UDP", "bitmap:port",
                                  "Kubernetes nodeport UDP port with externalTrafficPolicy=local" },
    [SET_NODE_PORT_SCTP] = { "KUBE-NODE-PORT-SCTP-HASH", "hash:ip,port",
                             "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'" },
    [SET_NODE_PORT_LOCAL_SCTP] = { "KUBE-NODE-PORT-LOCAL-SCTP-HASH", "hash:ip,port",
                                   "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'" },
    [SET_HEALTH_CHECK_NODE_PORT] = { "KUBE-HEALTH-CHECK-NODE-PORT", "bitmap:port", "Kubernetes health check node port" },
    [SET_IPVS_IPS] = { "KUBE-IPVS-IPS", "hash:ip", "Addresses on the ipvs interface" },
};

/* ipsetWithIptablesChain, in its order: the set, the table and chain of
 * the rule that matches it, its target, the match flags, and -p. */
static const struct {
    SetId set;
    KnProxyIrTable table;
    const char *from, *to, *flags;
    guint8 proto;
} set_rules[] = {
    { SET_LOOP_BACK, KN_PROXY_IR_NAT, "KUBE-POSTROUTING", "MASQUERADE", "dst,dst,src", 0 },
    { SET_LOAD_BALANCER, KN_PROXY_IR_NAT, "KUBE-SERVICES", "KUBE-LOAD-BALANCER", "dst,dst", 0 },
    { SET_LOAD_BALANCER_LOCAL, KN_PROXY_IR_NAT, "KUBE-LOAD-BALANCER", "RETURN", "dst,dst", 0 },
    { SET_NODE_PORT_LOCAL_TCP, KN_PROXY_IR_NAT, "KUBE-NODE-PORT", "RETURN", "dst", KN_IPPROTO_TCP },
    { SET_NODE_PORT_TCP, KN_PROXY_IR_NAT, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", KN_IPPROTO_TCP },
    { SET_NODE_PORT_LOCAL_UDP, KN_PROXY_IR_NAT, "KUBE-NODE-PORT", "RETURN", "dst", KN_IPPROTO_UDP },
    { SET_NODE_PORT_UDP, KN_PROXY_IR_NAT, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", KN_IPPROTO_UDP },
    { SET_NODE_PORT_LOCAL_SCTP, KN_PROXY_IR_NAT, "KUBE-NODE-PORT", "RETURN", "dst,dst", KN_PROXY_IR_IPPROTO_SCTP },
    { SET_NODE_PORT_SCTP, KN_PROXY_IR_NAT, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst,dst", KN_PROXY_IR_IPPROTO_SCTP },
    { SET_LOAD_BALANCER_FW, KN_PROXY_IR_FILTER, "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL", "dst,dst", 0 },
    { SET_LOAD_BALANCER_SOURCE_CIDR, KN_PROXY_IR_FILTER, "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", 0 },
    { SET_LOAD_BALANCER_SOURCE_IP, KN_PROXY_IR_FILTER, "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", 0 },
};

/* The chains kube-proxy creates (iptablesChains), in its order, and the
 * jumps into the built-in chains (iptablesJumpChain), each inserted at the
 * head in this order. */
static const struct {
    KnProxyIrTable table;
    const char *name;
} kube_chains[] = {
    { KN_PROXY_IR_NAT, "KUBE-SERVICES" }, { KN_PROXY_IR_NAT, "KUBE-POSTROUTING" },
    { KN_PROXY_IR_NAT, "KUBE-NODE-PORT" }, { KN_PROXY_IR_NAT, "KUBE-LOAD-BALANCER" },
    { KN_PROXY_IR_NAT, "KUBE-MARK-MASQ" },
    { KN_PROXY_IR_FILTER, "KUBE-FORWARD" }, { KN_PROXY_IR_FILTER, "KUBE-NODE-PORT" },
    { KN_PROXY_IR_FILTER, "KUBE-PROXY-FIREWALL" }, { KN_PROXY_IR_FILTER, "KUBE-SOURCE-RANGES-FIREWALL" },
    { KN_PROXY_IR_FILTER, "KUBE-IPVS-FILTER" }, { KN_PROXY_IR_FILTER, "KUBE-IPVS-OUT-FILTER" },
};

static const struct {
    KnProxyIrTable table;
    const char *from, *to, *comment;
} jumps[] = {
    { KN_PROXY_IR_NAT, "OUTPUT", "KUBE-SERVICES", "kubernetes service portals" },
    { KN_PROXY_IR_NAT, "PREROUTING", "KUBE-SERVICES", "kubernetes service portals" },
    { KN_PROXY_IR_NAT, "POSTROUTING", "KUBE-POSTROUTING", "kubernetes postrouting rules" },
    { KN_PROXY_IR_FILTER, "FORWARD", "KUBE-FORWARD", "kubernetes forwarding rules" },
    { KN_PROXY_IR_FILTER, "INPUT", "KUBE-NODE-PORT", "kubernetes health check rules" },
    { KN_PROXY_IR_FILTER, "INPUT", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules" },
    { KN_PROXY_IR_FILTER, "FORWARD", "KUBE-PROXY-FIREWALL", "kube-proxy firewall rules" },
    { KN_PROXY_IR_FILTER, "INPUT", "KUBE-IPVS-FILTER", "kubernetes ipvs access filter" },
    { KN_PROXY_IR_FILTER, "OUTPUT", "KUBE-IPVS-OUT-FILTER", "kubernetes ipvs access filter" },
};

typedef struct Gen {
    KnIpvs *ipvs;
    const KnProxyIptablesConfig *config;
    KnProxyIrSet *sets[N_SETS];
    GPtrArray *node_ips;         /* char *, owned: the node's addresses but kube-ipvs0's */
    GHashTable *bound;           /* address (owned) -> itself: bound to kube-ipvs0 */
    KnAddr node_ip;              /* family 0 if unknown */
} Gen;

static void
service_free(gpointer data)
{
    KnIpvsService *service = data;

    g_array_unref(service->dests);
    g_free(service);
}

void
kn_proxy_ipvs_free(KnIpvs *ipvs)
{
    if (ipvs == NULL)
        return;
    g_ptr_array_unref(ipvs->services);
    kn_proxy_ir_ruleset_free(ipvs->rules);
    g_ptr_array_unref(ipvs->dummy_addrs);
    g_free(ipvs);
}

static void
set_add(Gen *gen, SetId id, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
set_add(Gen *gen, SetId id, const char *format, ...)
{
    va_list args;
    g_autofree char *member = NULL;

    va_start(args, format);
    member = g_strdup_vprintf(format, args);
    va_end(args);
    kn_proxy_ir_set_add(gen->sets[id], member);
}

static gboolean
is_node_ip(const Gen *gen, const char *ip)
{
    for (guint i = 0; i < gen->node_ips->len; i++)
        if (strcmp(gen->node_ips->pdata[i], ip) == 0)
            return TRUE;
    return FALSE;
}

static int compare_dests(const void *a, const void *b);

/* syncService and syncEndpoint: a virtual server 'ip':'port' of 'sp' with
 * the endpoints a Local policy ('local_only') or else the cluster gives;
 * 'bind' puts 'ip' on kube-ipvs0. */
static void
virtual_server(Gen *gen, const KnProxyServicePort *sp, const char *ip, guint port, gboolean local_only,
               gboolean bind)
{
    KnIpvsService *service = g_new0(KnIpvsService, 1);
    const GPtrArray *endpoints = local_only && sp->local_endpoints->len > 0 ? sp->local_endpoints
                                                                            : sp->cluster_endpoints;

    if (!kn_addr_parse(ip, &service->addr)) {
        g_free(service);
        return;
    }
    service->proto = kn_proxy_endpoints_protocol_number(sp->service_port->protocol);
    service->port = port;
    service->scheduler = "rr";
    if (sp->service->spec.session_affinity_client_ip)
        service->persistent = sp->service->spec.session_affinity_timeout_s;
    service->dests = g_array_new(FALSE, FALSE, sizeof(KnIpvsDest));
    for (guint i = 0; i < endpoints->len; i++) {
        const KnProxyEndpoint *ep = endpoints->pdata[i];
        KnIpvsDest dest = { .addr = ep->addr, .port = ep->port, .weight = 1 };

        if (ep->addr.family != 0)
            g_array_append_val(service->dests, dest);
    }
    /* In ipvsadm's order, once: the listing and round robin walk it. */
    if (service->dests->len > 1)         /* an empty GArray's data may be NULL, which qsort may not take */
        qsort(service->dests->data, service->dests->len, sizeof(KnIpvsDest), compare_dests);
    g_ptr_array_add(gen->ipvs->services, service);
    if (bind)
        g_hash_table_add(gen->bound, g_strdup(ip));
}

static void
write_service_port(Gen *gen, const KnProxyServicePort *sp)
{
    const char *proto = sp->protocol;
    gboolean etp_local = sp->external_policy_local;

    if (sp->cluster_ip == NULL)
        return;
    for (guint i = 0; i < sp->endpoints->len; i++) {
        const KnProxyEndpoint *ep = sp->endpoints->pdata[i];

        if (ep->is_local && ep->addr.family != 0 && ep->port != 0)
            set_add(gen, SET_LOOP_BACK, "%s,%s:%u,%s", ep->ip, proto, ep->port, ep->ip);
    }

    set_add(gen, SET_CLUSTER_IP, "%s,%s:%u", sp->cluster_ip, proto, sp->port);
    virtual_server(gen, sp, sp->cluster_ip, sp->port, sp->internal_policy_local, TRUE);

    for (guint i = 0; i < sp->external_ips->len; i++) {
        const char *ip = sp->external_ips->pdata[i];

        set_add(gen, etp_local ? SET_EXTERNAL_IP_LOCAL : SET_EXTERNAL_IP, "%s,%s:%u", ip, proto, sp->port);
        virtual_server(gen, sp, ip, sp->port, etp_local, !is_node_ip(gen, ip));
    }

    for (guint i = 0; i < sp->load_balancer_vips->len; i++) {
        const char *ip = sp->load_balancer_vips->pdata[i];
        const GPtrArray *ranges = sp->load_balancer_source_ranges;

        set_add(gen, SET_LOAD_BALANCER, "%s,%s:%u", ip, proto, sp->port);
        if (etp_local)
            set_add(gen, SET_LOAD_BALANCER_LOCAL, "%s,%s:%u", ip, proto, sp->port);
        if (ranges->len > 0) {
            gboolean allow_from_node = FALSE;

            set_add(gen, SET_LOAD_BALANCER_FW, "%s,%s:%u", ip, proto, sp->port);
            for (guint r = 0; r < ranges->len; r++) {
                KnCidr cidr;

                set_add(gen, SET_LOAD_BALANCER_SOURCE_CIDR, "%s,%s:%u,%s", ip, proto, sp->port,
                        (const char *) ranges->pdata[r]);
                if (gen->node_ip.family != 0 && kn_cidr_parse(ranges->pdata[r], &cidr)
                    && kn_cidr_contains(&cidr, &gen->node_ip))
                    allow_from_node = TRUE;
            }
            if (allow_from_node)
                set_add(gen, SET_LOAD_BALANCER_SOURCE_IP, "%s,%s:%u,%s", ip, proto, sp->port, ip);
        }
        virtual_server(gen, sp, ip, sp->port, etp_local, !is_node_ip(gen, ip));
    }

    if (sp->node_port != 0) {
        if (gen->node_ips->len == 0)
            return;
        if (strcmp(proto, "sctp") == 0) {
            for (guint i = 0; i < gen->node_ips->len; i++) {
                set_add(gen, SET_NODE_PORT_SCTP, "%s,sctp:%u", (const char *) gen->node_ips->pdata[i], sp->node_port);
                if (etp_local)
                    set_add(gen, SET_NODE_PORT_LOCAL_SCTP, "%s,sctp:%u", (const char *) gen->node_ips->pdata[i],
                            sp->node_port);
            }
        } else {
            gboolean udp = strcmp(proto, "udp") == 0;

            set_add(gen, udp ? SET_NODE_PORT_UDP : SET_NODE_PORT_TCP, "%u", sp->node_port);
            if (etp_local)
                set_add(gen, udp ? SET_NODE_PORT_LOCAL_UDP : SET_NODE_PORT_LOCAL_TCP, "%u", sp->node_port);
        }
        for (guint i = 0; i < gen->node_ips->len; i++)
            virtual_server(gen, sp, gen->node_ips->pdata[i], sp->node_port, etp_local, FALSE);
    }
    if (sp->service->spec.health_check_node_port != 0)
        set_add(gen, SET_HEALTH_CHECK_NODE_PORT, "%u", sp->service->spec.health_check_node_port);
}

/* Appends 'rule' to 'chain' of 'table' with 'target' (a chain's name for a
 * jump), and clears it for the next. */
static void
append(Gen *gen, KnProxyIrTable table, const char *chain, KnProxyIrRule *rule, const char *target)
{
    KnProxyIrRuleset *rs = gen->ipvs->rules;
    static const struct {
        const char *name;
        KnProxyIrTargetKind kind;
    } builtins[] = {
        { "RETURN", KN_PROXY_IR_TARGET_RETURN }, { "ACCEPT", KN_PROXY_IR_TARGET_ACCEPT },
        { "DROP", KN_PROXY_IR_TARGET_DROP }, { "REJECT", KN_PROXY_IR_TARGET_REJECT },
        { "MASQUERADE", KN_PROXY_IR_TARGET_MASQUERADE },
    };

    rule->target = KN_PROXY_IR_TARGET_JUMP;
    for (guint i = 0; i < G_N_ELEMENTS(builtins); i++)
        if (strcmp(target, builtins[i].name) == 0)
            rule->target = builtins[i].kind;
    if (rule->target == KN_PROXY_IR_TARGET_JUMP)
        rule->jump = kn_proxy_ir_chain(rs, table, target);
    kn_proxy_ir_append(rs, kn_proxy_ir_chain(rs, table, chain), rule);
    memset(rule, 0, sizeof *rule);
}

static void
append_mark(Gen *gen, KnProxyIrTable table, const char *chain, KnProxyIrRule *rule, guint32 value, guint32 mask)
{
    KnProxyIrRuleset *rs = gen->ipvs->rules;

    rule->target = KN_PROXY_IR_TARGET_MARK;
    rule->mark_value = value;
    rule->mark_mask = mask;
    kn_proxy_ir_append(rs, kn_proxy_ir_chain(rs, table, chain), rule);
    memset(rule, 0, sizeof *rule);
}

static gboolean
set_empty(const Gen *gen, SetId id)
{
    return kn_proxy_ir_set_size(gen->sets[id]) == 0;
}

/* writeIptablesRules. */
static void
write_iptables_rules(Gen *gen)
{
    KnProxyIrRuleset *rs = gen->ipvs->rules;
    KnProxyIrRule rule = { 0 };
    guint32 mark = 1u << gen->config->masquerade_bit;
    KnCidr cluster_cidr;
    gboolean detector = gen->config->cluster_cidr != NULL && kn_cidr_parse(gen->config->cluster_cidr, &cluster_cidr)
                        && cluster_cidr.addr.family == 4;

    for (guint i = 0; i < G_N_ELEMENTS(kube_chains); i++)
        kn_proxy_ir_chain(rs, kube_chains[i].table, kube_chains[i].name);
    /* Each jump is inserted at the head (EnsureRule Prepend): the last
     * one comes first. */
    for (guint i = G_N_ELEMENTS(jumps); i-- > 0;) {
        kn_proxy_ir_add_comment(&rule, jumps[i].comment);
        append(gen, jumps[i].table, jumps[i].from, &rule, jumps[i].to);
    }

    rule.has_src = TRUE;
    kn_cidr_parse("127.0.0.0/8", &rule.src);
    append(gen, KN_PROXY_IR_NAT, "KUBE-SERVICES", &rule, "RETURN");

    for (guint i = 0; i < G_N_ELEMENTS(set_rules); i++) {
        if (set_empty(gen, set_rules[i].set))
            continue;
        rule.proto = set_rules[i].proto;          /* -p alone: no -m tcp */
        kn_proxy_ir_add_comment(&rule, set_info[set_rules[i].set].comment);
        kn_proxy_ir_add_set(&rule, FALSE, set_info[set_rules[i].set].name, set_rules[i].flags);
        append(gen, set_rules[i].table, set_rules[i].from, &rule, set_rules[i].to);
    }
    if (!set_empty(gen, SET_CLUSTER_IP)) {
        kn_proxy_ir_add_comment(&rule, set_info[SET_CLUSTER_IP].comment);
        if (gen->config->masquerade_all) {
            kn_proxy_ir_add_set(&rule, FALSE, "KUBE-CLUSTER-IP", "dst,dst");
        } else if (detector) {
            kn_proxy_ir_add_set(&rule, FALSE, "KUBE-CLUSTER-IP", "dst,dst");
            rule.has_src = rule.not_src = TRUE;
            rule.src = cluster_cidr;
        } else {
            kn_proxy_ir_add_set(&rule, FALSE, "KUBE-CLUSTER-IP", "src,dst");
        }
        append(gen, KN_PROXY_IR_NAT, "KUBE-SERVICES", &rule, "KUBE-MARK-MASQ");
    }
    for (SetId id = SET_EXTERNAL_IP; id <= SET_EXTERNAL_IP_LOCAL; id++) {
        if (set_empty(gen, id))
            continue;
        if (id == SET_EXTERNAL_IP) {
            kn_proxy_ir_add_comment(&rule, set_info[id].comment);
            kn_proxy_ir_add_set(&rule, FALSE, set_info[id].name, "dst,dst");
            append(gen, KN_PROXY_IR_NAT, "KUBE-SERVICES", &rule, "KUBE-MARK-MASQ");
        }
        /* Not from a bridge port, and not from the node: from outside. */
        kn_proxy_ir_add_comment(&rule, set_info[id].comment);
        kn_proxy_ir_add_set(&rule, FALSE, set_info[id].name, "dst,dst");
        kn_proxy_ir_add_physdev_in(&rule, TRUE);
        kn_proxy_ir_add_addrtype(&rule, TRUE, FALSE);
        append(gen, KN_PROXY_IR_NAT, "KUBE-SERVICES", &rule, "ACCEPT");
        kn_proxy_ir_add_comment(&rule, set_info[id].comment);
        kn_proxy_ir_add_set(&rule, FALSE, set_info[id].name, "dst,dst");
        kn_proxy_ir_add_addrtype(&rule, FALSE, TRUE);
        append(gen, KN_PROXY_IR_NAT, "KUBE-SERVICES", &rule, "ACCEPT");
    }
    kn_proxy_ir_add_addrtype(&rule, FALSE, TRUE);
    append(gen, KN_PROXY_IR_NAT, "KUBE-SERVICES", &rule, "KUBE-NODE-PORT");
    append(gen, KN_PROXY_IR_NAT, "KUBE-LOAD-BALANCER", &rule, "KUBE-MARK-MASQ");
    append(gen, KN_PROXY_IR_FILTER, "KUBE-SOURCE-RANGES-FIREWALL", &rule, "DROP");
    /* acceptIPVSTraffic */
    for (SetId id = SET_CLUSTER_IP; id <= SET_LOAD_BALANCER; id += SET_LOAD_BALANCER - SET_CLUSTER_IP) {
        if (set_empty(gen, id))
            continue;
        kn_proxy_ir_add_set(&rule, FALSE, set_info[id].name, "dst,dst");
        append(gen, KN_PROXY_IR_NAT, "KUBE-SERVICES", &rule, "ACCEPT");
    }

    kn_proxy_ir_add_comment(&rule, "kubernetes forwarding rules");
    kn_proxy_ir_add_mark(&rule, FALSE, mark, mark);
    append(gen, KN_PROXY_IR_FILTER, "KUBE-FORWARD", &rule, "ACCEPT");
    kn_proxy_ir_add_comment(&rule, "kubernetes forwarding conntrack rule");
    kn_proxy_ir_add_ctstate(&rule, FALSE, KN_CT_RELATED | KN_CT_ESTABLISHED);
    append(gen, KN_PROXY_IR_FILTER, "KUBE-FORWARD", &rule, "ACCEPT");
    kn_proxy_ir_add_comment(&rule, set_info[SET_HEALTH_CHECK_NODE_PORT].comment);
    kn_proxy_ir_add_set(&rule, FALSE, "KUBE-HEALTH-CHECK-NODE-PORT", "dst");
    append(gen, KN_PROXY_IR_FILTER, "KUBE-NODE-PORT", &rule, "ACCEPT");

    static const SetId filter_returns[] = {
        SET_LOAD_BALANCER, SET_CLUSTER_IP, SET_EXTERNAL_IP, SET_EXTERNAL_IP_LOCAL, SET_HEALTH_CHECK_NODE_PORT,
    };
    for (guint i = 0; i < G_N_ELEMENTS(filter_returns); i++) {
        SetId id = filter_returns[i];

        kn_proxy_ir_add_set(&rule, FALSE, set_info[id].name, id == SET_HEALTH_CHECK_NODE_PORT ? "dst" : "dst,dst");
        append(gen, KN_PROXY_IR_FILTER, "KUBE-IPVS-FILTER", &rule, "RETURN");
    }
    kn_proxy_ir_add_ctstate(&rule, FALSE, KN_CT_NEW);
    kn_proxy_ir_add_set(&rule, FALSE, "KUBE-IPVS-IPS", "dst");
    append(gen, KN_PROXY_IR_FILTER, "KUBE-IPVS-FILTER", &rule, "REJECT");

    kn_proxy_ir_add_mark(&rule, TRUE, mark, mark);
    append(gen, KN_PROXY_IR_NAT, "KUBE-POSTROUTING", &rule, "RETURN");
    append_mark(gen, KN_PROXY_IR_NAT, "KUBE-POSTROUTING", &rule, mark, 0);
    kn_proxy_ir_add_comment(&rule, "kubernetes service traffic requiring SNAT");
    rule.random_fully = gen->config->random_fully;      /* this rule's alone (HasRandomFully) */
    append(gen, KN_PROXY_IR_NAT, "KUBE-POSTROUTING", &rule, "MASQUERADE");
    append_mark(gen, KN_PROXY_IR_NAT, "KUBE-MARK-MASQ", &rule, mark, mark);
}

static int
compare_strings_as_addrs(gconstpointer a, gconstpointer b)
{
    KnAddr x, y;
    const char *sa = *(const char *const *) a, *sb = *(const char *const *) b;

    if (kn_addr_parse(sa, &x) && kn_addr_parse(sb, &y))
        return kn_addr_compare(&x, &y);
    return strcmp(sa, sb);
}

KnIpvs *
kn_proxy_ipvs_build(KnStore *store, const KnProxyIptablesConfig *config)
{
    g_return_val_if_fail(store != NULL && config != NULL, NULL);

    KnIpvs *ipvs = g_new0(KnIpvs, 1);
    Gen gen = { .ipvs = ipvs, .config = config };
    const KnNode *node = config->node_name != NULL ? kn_store_lookup(store, KN_KIND_NODE, NULL, config->node_name)
                                                   : NULL;
    guint n_endpoints = 0;
    g_autoptr(GPtrArray) ports = kn_proxy_endpoints_collect(store, KN_ADDRESS_IPV4, config->node_name,
                                                            config->node_zone, &n_endpoints);
    GHashTableIter iter;
    gpointer key;

    ipvs->services = g_ptr_array_new_with_free_func(service_free);
    ipvs->rules = kn_proxy_ir_ruleset_new();
    ipvs->dummy_addrs = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < N_SETS; i++)
        gen.sets[i] = kn_proxy_ir_set(ipvs->rules, set_info[i].name, set_info[i].type, 4);
    gen.bound = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gen.node_ips = g_ptr_array_new_with_free_func(g_free);
    if (config->node_ip != NULL && kn_addr_parse(config->node_ip, &gen.node_ip) && gen.node_ip.family == 4)
        g_ptr_array_add(gen.node_ips, g_strdup(config->node_ip));
    else
        memset(&gen.node_ip, 0, sizeof gen.node_ip);
    if (node != NULL && node->pod_cidr != NULL) {
        KnCidr subnet;
        char buf[KN_ADDR_STRLEN];

        if (kn_cidr_parse(node->pod_cidr, &subnet) && subnet.addr.family == 4) {
            KnAddr gateway = kn_addr_ipv4(kn_addr_ipv4_value(&subnet.addr) + 1);

            g_ptr_array_add(gen.node_ips, g_strdup(kn_addr_format(&subnet.addr, buf)));   /* flannel.1 */
            g_ptr_array_add(gen.node_ips, g_strdup(kn_addr_format(&gateway, buf)));       /* cni0 */
        }
    }

    for (guint i = 0; i < ports->len; i++)
        write_service_port(&gen, ports->pdata[i]);
    g_hash_table_iter_init(&iter, gen.bound);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(ipvs->dummy_addrs, g_strdup(key));
    g_ptr_array_sort(ipvs->dummy_addrs, compare_strings_as_addrs);
    for (guint i = 0; i < ipvs->dummy_addrs->len; i++)
        kn_proxy_ir_set_add(gen.sets[SET_IPVS_IPS], ipvs->dummy_addrs->pdata[i]);
    write_iptables_rules(&gen);

    g_hash_table_unref(gen.bound);
    g_ptr_array_unref(gen.node_ips);
    return ipvs;
}

KnIpvs *
kn_proxy_ipvs_build_for_node(KnCluster *cluster, const char *node)
{
    const KnNode *object = kn_store_lookup(cluster->store, KN_KIND_NODE, NULL, node);
    KnProxyIptablesConfig config;

    kn_proxy_iptables_config_init(&config);
    config.node_name = node;
    config.cluster_cidr = kn_cluster_pod_network(cluster);
    if (object != NULL) {
        config.node_ip = object->internal_ip;
        config.node_zone = kn_labels_get(object->meta.labels, "topology.kubernetes.io/zone");
    }
    return kn_proxy_ipvs_build(cluster->store, &config);
}

/*****************************************************************************/
/* ipvsadm -Ln. */

static const char *
proto_name(guint8 proto)
{
    return proto == KN_IPPROTO_TCP ? "TCP" : proto == KN_IPPROTO_UDP ? "UDP"
           : proto == KN_PROXY_IR_IPPROTO_SCTP ? "SCTP" : "IP";
}

/* libipvs compares IPv4 addresses as `r = ntohl(a) - ntohl(b)`, an
 * unsigned difference kept in an int: two addresses 2^31 or more apart
 * compare backwards (172.18.0.3 before 10.96.0.1).  IPv6: memcmp. */
static int
compare_addrs(const KnAddr *x, const KnAddr *y)
{
    if (x->family == 4 && y->family == 4)
        return (int) (kn_addr_ipv4_value(x) - kn_addr_ipv4_value(y));
    return memcmp(x->bytes, y->bytes, x->family == 6 ? 16 : 4);
}

/* libipvs's ipvs_cmp_services: family, protocol, address, port. */
static int
compare_services(const void *a, const void *b)
{
    const KnIpvsService *x = *(const KnIpvsService *const *) a, *y = *(const KnIpvsService *const *) b;
    int c;

    if (x->addr.family != y->addr.family)
        return x->addr.family - y->addr.family;
    if (x->proto != y->proto)
        return x->proto - y->proto;
    if ((c = compare_addrs(&x->addr, &y->addr)) != 0)
        return c;
    return x->port - y->port;
}

/* ipvs_cmp_dests: address, then port. */
static int
compare_dests(const void *a, const void *b)
{
    const KnIpvsDest *x = a, *y = b;
    int c = compare_addrs(&x->addr, &y->addr);

    return c != 0 ? c : x->port - y->port;
}

/* "ip:port", or "[ip]:port" for IPv6. */
static void
addr_port(const KnAddr *addr, guint16 port, char *buf, gsize size)
{
    char text[KN_ADDR_STRLEN];

    kn_addr_format(addr, text);
    g_snprintf(buf, size, addr->family == 6 ? "[%s]:%u" : "%s:%u", text, port);
}

char *
kn_proxy_ipvs_conn_key(guint8 proto, const KnAddr *vaddr, guint16 vport, const KnAddr *daddr, guint16 dport)
{
    char v[80], d[80];

    addr_port(vaddr, vport, v, sizeof v);
    addr_port(daddr, dport, d, sizeof d);
    return g_strdup_printf("%s %s %s", proto_name(proto), v, d);
}

void
kn_proxy_ipvs_render_ipvsadm(const KnIpvs *ipvs, GHashTable *conns, GString *out)
{
    g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(ipvs->services->len);

    for (guint i = 0; i < ipvs->services->len; i++)
        g_ptr_array_add(sorted, ipvs->services->pdata[i]);

    /* print_title: the kernel's IPVS version and its connection table's
     * size (CONFIG_IP_VS_TAB_BITS 12). */
    g_string_append(out, "IP Virtual Server version 1.2.1 (size=4096)\n"
                         "Prot LocalAddress:Port Scheduler Flags\n"
                         "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
    if (sorted->len > 1)
        qsort(sorted->pdata, sorted->len, sizeof(gpointer), compare_services);   /* as ipvsadm sorts */
    for (guint i = 0; i < sorted->len; i++) {
        const KnIpvsService *service = sorted->pdata[i];
        const GArray *dests = service->dests;
        char name[80], svc[96];

        addr_port(&service->addr, service->port, name, sizeof name);
        g_snprintf(svc, sizeof svc, "%-4s %s", proto_name(service->proto), name);
        if (service->addr.family == 4)
            svc[MIN(strlen(svc), 33)] = '\0';
        g_string_append_printf(out, "%s %s", svc, service->scheduler);
        if (service->persistent != 0)
            g_string_append_printf(out, " persistent %u", service->persistent);
        g_string_append_c(out, '\n');
        for (guint d = 0; d < dests->len; d++) {
            const KnIpvsDest *dest = &g_array_index(dests, KnIpvsDest, d);

            g_autofree char *key = conns != NULL ? kn_proxy_ipvs_conn_key(service->proto, &service->addr,
                                                                            service->port, &dest->addr,
                                                                            dest->port) : NULL;
            const guint *counts = key != NULL ? g_hash_table_lookup(conns, key) : NULL;

            addr_port(&dest->addr, dest->port, name, sizeof name);
            if (dest->addr.family == 4)
                name[MIN(strlen(name), 28)] = '\0';
            g_string_append_printf(out, "  -> %-28s %-7s %-6u %-10u %-10u\n", name, "Masq", dest->weight,
                                   counts != NULL ? counts[0] : 0u, counts != NULL ? counts[1] : 0u);
        }
    }
}

void
kn_proxy_ipvs_render(const KnIpvs *ipvs, const KnProxyIrRuleset *const *others, guint n_others,
                     const char *date, GString *out)
{
    g_string_append(out, "# ipvsadm -Ln\n");
    kn_proxy_ipvs_render_ipvsadm(ipvs, NULL, out);
    g_string_append(out, "# ipset save\n");
    kn_proxy_ir_render_sets(ipvs->rules, out);
    g_string_append(out, "# iptables-save\n");
    kn_proxy_ir_render_with(ipvs->rules, others, n_others, date, out);
}

/*****************************************************************************/
/* The proxy mode (proxy.h): the iptables rules walked at their hooks, and
 * IPVS itself: a connection's first packet to a virtual server, past the
 * filter table at LOCAL_IN (INPUT; LOCAL_OUT for the node's own), goes to
 * the real server the scheduler picks, its destination rewritten (Masq
 * forwarding, recorded in the connection's conntrack entry as IPVS does
 * with net.ipv4.vs.conntrack=1, so replies are rewritten back). */

/* What IPVS keeps for a virtual server between packets and syncs. */
typedef struct VsState {
    char *name;                  /* "IPVS TCP 10.96.1.100:80 rr", for notes and decided_by */
    guint next;                  /* rr: the next destination, counted */
    GHashTable *templates;       /* persistence: client KnAddr (owned) -> Template (owned) */
} VsState;

typedef struct {
    KnIpvsDest dest;
    KnTime expires;
} Template;

typedef struct ProxyIpvs {
    KnCluster *cluster;          /* borrowed */
    char *node;                  /* owned */
    KnIpvs *ipvs;                /* owned; NULL before the first sync */
    GHashTable *services;        /* VsState name -> the sync's KnIpvsService (borrowed) */
    GHashTable *states;          /* VsState name (borrowed) -> VsState (owned): kept across syncs */
    GHashTable *bound;           /* KnAddr (owned) -> itself: kube-ipvs0's addresses */
} ProxyIpvs;

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

static void
vs_state_free(gpointer data)
{
    VsState *state = data;

    g_hash_table_unref(state->templates);
    g_free(state->name);
    g_free(state);
}

/* "IPVS TCP 10.96.1.100:80 rr" */
static char *
vs_name(const KnIpvsService *service)
{
    char where[80];

    addr_port(&service->addr, service->port, where, sizeof where);
    return g_strdup_printf("IPVS %s %s %s", proto_name(service->proto), where, service->scheduler);
}

static gpointer
ipvs_new(KnCluster *cluster, const char *node)
{
    ProxyIpvs *proxy = g_new0(ProxyIpvs, 1);

    proxy->cluster = cluster;
    proxy->node = g_strdup(node);
    proxy->services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    proxy->states = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, vs_state_free);
    proxy->bound = g_hash_table_new_full(addr_hash, addr_equal, g_free, NULL);
    return proxy;
}

static void
ipvs_free(gpointer data)
{
    ProxyIpvs *proxy = data;

    if (proxy == NULL)
        return;
    g_hash_table_unref(proxy->services);
    g_hash_table_unref(proxy->states);
    g_hash_table_unref(proxy->bound);
    kn_proxy_ipvs_free(proxy->ipvs);
    g_free(proxy->node);
    g_free(proxy);
}

static guint
ipvs_sync(gpointer data)
{
    ProxyIpvs *proxy = data;

    kn_proxy_ipvs_free(proxy->ipvs);
    proxy->ipvs = kn_proxy_ipvs_build_for_node(proxy->cluster, proxy->node);
    g_hash_table_remove_all(proxy->services);
    g_hash_table_remove_all(proxy->bound);
    for (guint i = 0; i < proxy->ipvs->services->len; i++) {
        KnIpvsService *service = proxy->ipvs->services->pdata[i];
        char *name = vs_name(service);

        if (!g_hash_table_contains(proxy->states, name)) {
            VsState *state = g_new0(VsState, 1);

            state->name = g_strdup(name);
            state->templates = g_hash_table_new_full(addr_hash, addr_equal, g_free, g_free);
            g_hash_table_insert(proxy->states, state->name, state);
        }
        g_hash_table_replace(proxy->services, name, service);
    }
    for (guint i = 0; i < proxy->ipvs->dummy_addrs->len; i++) {
        KnAddr *addr = g_new(KnAddr, 1);

        if (kn_addr_parse(proxy->ipvs->dummy_addrs->pdata[i], addr))
            g_hash_table_add(proxy->bound, addr);
        else
            g_free(addr);
    }
    return kn_proxy_ir_n_rules(proxy->ipvs->rules);
}

static gboolean
dest_present(const KnIpvsService *service, const KnIpvsDest *dest)
{
    for (guint i = 0; i < service->dests->len; i++) {
        const KnIpvsDest *d = &g_array_index(service->dests, KnIpvsDest, i);

        if (d->port == dest->port && kn_addr_equal(&d->addr, &dest->addr))
            return TRUE;
    }
    return FALSE;
}

/* ip_vs_schedule for a new connection to a virtual server: the
 * persistence template's destination if the client has a live one, else
 * round robin over the destinations (in ipvsadm's order); DNATs there.
 * Without a virtual server the packet goes on to the node's own stack;
 * with one that has no destination, IPVS rejects it. */
static void
ipvs_schedule(ProxyIpvs *proxy, KnProxyWalk *walk)
{
    const KnPacket *packet = walk->packet;
    char where[80];
    g_autofree char *name = NULL;
    KnIpvsService probe = { .proto = packet->proto, .addr = packet->dst, .port = packet->dport, .scheduler = "rr" };
    const KnIpvsService *service;
    VsState *state;
    KnIpvsDest dest;
    Template *template;

    name = vs_name(&probe);
    service = g_hash_table_lookup(proxy->services, name);
    if (service == NULL)
        return;
    state = g_hash_table_lookup(proxy->states, name);
    if (service->dests->len == 0) {
        /* ip_vs_leave: ICMP port unreachable, whatever the protocol. */
        walk->verdict = KN_VERDICT_REJECT;
        walk->decided_by = state->name;
        kn_trace_note(walk->trace, KN_TRACE_VERDICT, "%s has no real server: IPVS answers ICMP port "
                      "unreachable", state->name);
        return;
    }
    const GArray *dests = service->dests;     /* in ipvsadm's order */
    template = service->persistent != 0 ? g_hash_table_lookup(state->templates, &packet->src) : NULL;
    if (template != NULL && template->expires > walk->now && dest_present(service, &template->dest)) {
        dest = template->dest;
        addr_port(&dest.addr, dest.port, where, sizeof where);
        kn_trace_note(walk->trace, KN_TRACE_CHOICE, "%s persistent %u: this client's template sends it "
                      "to %s again", state->name, service->persistent, where);
    } else {
        guint k = state->next++ % dests->len;

        dest = g_array_index(dests, KnIpvsDest, k);
        addr_port(&dest.addr, dest.port, where, sizeof where);
        kn_trace_note(walk->trace, KN_TRACE_CHOICE, "%s: real server %u of %u, %s, in round-robin turn",
                      state->name, k + 1, dests->len, where);
    }
    if (service->persistent != 0) {
        Template *t = g_new(Template, 1);

        *t = (Template) { .dest = dest, .expires = walk->now + (KnTime) service->persistent * KN_SEC };
        g_hash_table_replace(state->templates, g_memdup2(&packet->src, sizeof packet->src), t);
    }
    walk->dnat = TRUE;
    walk->dnat_addr = dest.addr;
    walk->dnat_port = dest.port;
    walk->decided_by = state->name;
}

static void
ipvs_walk(gpointer data, KnProxyWalk *walk)
{
    ProxyIpvs *proxy = data;
    gboolean is_new = (walk->ct_state & KN_CT_UNCONFIRMED) != 0;
    gboolean ended = FALSE;
    KnProxyIrRuleset *rules;

    walk->verdict = KN_VERDICT_ACCEPT;
    walk->dnat = FALSE;
    walk->masquerade = FALSE;
    walk->random_fully = FALSE;
    if (proxy->ipvs == NULL)
        return;
    rules = proxy->ipvs->rules;
    /* nat's DNAT priority (-100), filter (0), IPVS (LOCAL_IN after filter;
     * LOCAL_OUT after nat's), nat's SNAT (100). */
    switch (walk->hook) {
    case KN_HOOK_PREROUTING:
    case KN_HOOK_POSTROUTING:
        if (is_new)
            kn_proxy_ir_walk(rules, KN_PROXY_IR_NAT, NULL, walk);
        break;
    case KN_HOOK_INPUT:
        ended = kn_proxy_ir_walk(rules, KN_PROXY_IR_FILTER, NULL, walk);
        if (!ended && is_new) {
            ended = kn_proxy_ir_walk(rules, KN_PROXY_IR_NAT, NULL, walk);
            if (!ended)
                ipvs_schedule(proxy, walk);
        }
        break;
    case KN_HOOK_FORWARD:
        kn_proxy_ir_walk(rules, KN_PROXY_IR_FILTER, NULL, walk);
        break;
    case KN_HOOK_OUTPUT:
        if (is_new) {
            ended = kn_proxy_ir_walk(rules, KN_PROXY_IR_NAT, NULL, walk);
            if (!ended)
                ipvs_schedule(proxy, walk);
        }
        if (!ended)
            kn_proxy_ir_walk(rules, KN_PROXY_IR_FILTER, NULL, walk);
        break;
    default:
        break;
    }
}

/* iptables-save: the mode's iptables rules, with the other programs'. */
static void
ipvs_dump_with(gpointer data, const KnProxyIrRuleset *const *others, guint n_others, GString *out)
{
    ProxyIpvs *proxy = data;
    g_autofree char *date = kn_proxy_ir_date(kn_sim_now(proxy->cluster->sim));

    if (proxy->ipvs == NULL)
        ipvs_sync(proxy);
    kn_proxy_ir_render_with(proxy->ipvs->rules, others, n_others, date, out);
}

static void
ipvs_dump(gpointer data, GString *out)
{
    ipvs_dump_with(data, NULL, 0, out);
}

static const KnProxyIrRuleset *
ipvs_ruleset(gpointer data)
{
    ProxyIpvs *proxy = data;

    if (proxy->ipvs == NULL)
        ipvs_sync(proxy);
    return proxy->ipvs->rules;
}

static gboolean
ipvs_is_bound(gpointer data, const KnAddr *addr)
{
    ProxyIpvs *proxy = data;

    return g_hash_table_contains(proxy->bound, addr);
}

const KnProxyClass kn_proxy_ipvs_class = {
    .name = "ipvs",
    .new = ipvs_new,
    .free = ipvs_free,
    .sync = ipvs_sync,
    .walk = ipvs_walk,
    .dump = ipvs_dump,
    .dump_with = ipvs_dump_with,
    .ruleset = ipvs_ruleset,
    .is_bound = ipvs_is_bound,
};

const KnIpvs *
kn_proxy_ipvs_of(gpointer proxy)
{
    ProxyIpvs *p = proxy;

    if (p->ipvs == NULL)
        ipvs_sync(p);
    return p->ipvs;
}
