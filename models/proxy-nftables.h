/* proxy-nftables.h -- kube-proxy's nftables mode: the `ip kube-proxy`
 * table it programs on one node, built from the store's Services and
 * EndpointSlices, printed as `nft list table ip kube-proxy` prints it, and
 * walked by the data path (kn_proxy_nftables_class, proxy.h) as nf_tables
 * evaluates it.  One table both: what `knetsim rules --mode nftables` and
 * a node's `nft list table` print is what the packets go through.
 *
 * The table is typed sets, maps, chains and rules, not text: the walk
 * looks a destination up in a verdict map as the kernel does. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/proxy.h"
#include "models/store.h"

typedef struct KnProxyNftablesConfig {
    const char *node_name;       /* this node (endpoints on it are local); borrowed */
    const char *node_ip;         /* its address, for loadBalancerSourceRanges; borrowed, or NULL */
    const char *node_zone;       /* topology.kubernetes.io/zone, for hints; borrowed, or NULL */
    const char *cluster_cidr;    /* --cluster-cidr: the local detector (`ip saddr != CIDR`);
                                  * borrowed; NULL: no detector */
    const char *service_cidr;    /* the ServiceCIDR, for cluster-ips-check's drop; borrowed,
                                  * or NULL */
    KnAddressType family;        /* KN_ADDRESS_IPV4 (table ip) or _IPV6 (table ip6) */
    gboolean nodeport_addresses_all; /* --nodeport-addresses unset, NodePorts on every local
                                  * address; FALSE: "primary" (the nftables mode's default),
                                  * only on node_ip, through the nodeport-ips set */
    guint masquerade_bit;        /* --iptables-masquerade-bit: 14 */
    gboolean masquerade_all;     /* --masquerade-all: FALSE */
} KnProxyNftablesConfig;

void kn_proxy_nftables_config_init(KnProxyNftablesConfig *config);

typedef struct KnNftTable KnNftTable;    /* opaque */

/* The table kube-proxy's syncProxyRules writes from scratch for 'config'.
 * New; free with kn_nft_table_free(). */
KnNftTable *kn_proxy_nftables_build(KnStore *store, const KnProxyNftablesConfig *config);
void kn_nft_table_free(KnNftTable *table);        /* accepts NULL */

/* Appends the table as `nft list table ip kube-proxy` (nft 1.0.6) lists it:
 * sets and maps, then chains, in the order they were created; elements
 * sorted as nft sorts them.  `nft -f` loads the text as it is. */
void kn_nft_table_render(const KnNftTable *table, GString *out);

/* The elements packets add to the table's dynamic sets (ClientIP
 * affinity), which outlive a sync as the kernel's do. */
typedef struct KnNftSets KnNftSets;
KnNftSets *kn_nft_sets_new(void);
void kn_nft_sets_free(KnNftSets *sets);           /* accepts NULL */
/* Drops the elements of the sets 'table' no longer has (kube-proxy deletes
 * a stale affinity set at once). */
void kn_nft_sets_keep(KnNftSets *sets, const KnNftTable *table);

/* Runs the base chains registered at 'walk->hook' in priority order (nat
 * only for a connection's first packet, KN_CT_UNCONFIRMED), filling in the
 * walk's results: verdict, DNAT, masquerade, the rules evaluated (a map
 * lookup is one), the chain that decided, trace notes. */
void kn_nft_table_walk(const KnNftTable *table, KnNftSets *sets, KnProxyWalk *walk);

/* As kn_nft_table_render(), with the elements packets have added to the
 * dynamic sets ('sets') and not yet expired at 'now', as nft lists them
 * ("10.244.2.2 expires 2h59m58s680ms"): the node's `nft list table`. */
void kn_nft_table_render_state(const KnNftTable *table, KnNftSets *sets, KnTime now, GString *out);

/* Number of rules in the table's chains. */
guint kn_nft_table_n_rules(const KnNftTable *table);

/* 'prefix' ("service-", "endpoint-", "affinity-", ...) and the base
 * hashAndTruncate() makes of 'name': the first 8 characters of
 * base32(sha256(name)), '-', then 'name', the base cut to 240 characters
 * ("..." ending the cut).  New; g_free(). */
char *kn_proxy_nftables_name(const char *prefix, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnNftTable, kn_nft_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnNftSets, kn_nft_sets_free)
