/* proxy-iptables.h -- kube-proxy in iptables mode on one node: the rules
 * syncProxyRules writes for the store's Services and EndpointSlices, kept
 * as a rule IR (proxy-ir.h) that is both printed (iptables-save) and run
 * by the data path at each netfilter hook.
 *
 * kn_proxy_iptables_build() is the generator on its own, for tests and
 * `knetsim rules`; kn_proxy_iptables_class (proxy.h) wraps it as a proxy
 * mode with the -m recent lists that outlive each sync. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/proxy-ir.h"
#include "models/proxy.h"
#include "models/store.h"

/* What one node's kube-proxy is configured with, and what it knows of its
 * node.  kn_proxy_iptables_config_init() sets kube-proxy's defaults. */
typedef struct KnProxyIptablesConfig {
    const char *node_name;       /* this node (endpoints on it are local); borrowed */
    const char *node_ip;         /* its address, for loadBalancerSourceRanges; borrowed, or NULL */
    const char *node_zone;       /* topology.kubernetes.io/zone, for hints; borrowed, or NULL */
    const char *cluster_cidr;    /* --cluster-cidr for the ClusterCIDR local detector
                                  * (`! -s CIDR`); borrowed; NULL: no detector */
    KnAddressType family;        /* KN_ADDRESS_IPV4 (iptables) or _IPV6 (ip6tables) */
    guint masquerade_bit;        /* --iptables-masquerade-bit: 14 */
    gboolean masquerade_all;     /* --masquerade-all: FALSE */
    gboolean random_fully;       /* the iptables binary has --random-fully: TRUE */
    gboolean localhost_nodeports; /* iptables.localhostNodePorts: TRUE */
    gboolean conntrack_tcp_liberal; /* nf_conntrack_tcp_be_liberal set: FALSE */
} KnProxyIptablesConfig;

void kn_proxy_iptables_config_init(KnProxyIptablesConfig *config);

/* What a build wrote, for `bench` and the sync cost. */
typedef struct KnProxyIptablesStats {
    guint n_service_ports;       /* service ports with rules (any table) */
    guint n_endpoints;           /* endpoints over all service ports (largeClusterMode's count) */
    gboolean large_cluster;      /* > 1000 endpoints: SEP and SVC->SEP comments left out */
    guint n_rules;               /* rules in the ruleset */
} KnProxyIptablesStats;

/* The ruleset kube-proxy on 'config->node_name' leaves in the kernel after
 * a full sync from the Services and EndpointSlices in 'store' (borrowed):
 * nat and filter, with the jump rules it ensures in the built-in chains and
 * the canary chain.  Services are taken in order of their service port
 * names (byte order), where kube-proxy iterates a Go map.  Fills 'stats'
 * unless NULL.  New; free with kn_proxy_ir_ruleset_free(). */
KnProxyIrRuleset *kn_proxy_iptables_build(KnStore *store, const KnProxyIptablesConfig *config,
                                          KnProxyIptablesStats *stats);

/* The chain name suffix of section 1.2: the first 16 characters of
 * base32(sha256('svc_port_name' + 'protocol' + 'endpoint')); 'endpoint' is
 * NULL for the KUBE-SVC/SVL/EXT/FW chains.  Writes 17 bytes into 'buf'
 * and returns it. */
char *kn_proxy_iptables_hash(const char *svc_port_name, const char *protocol,
                             const char *endpoint, char *buf);
