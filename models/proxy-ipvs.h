/* proxy-ipvs.h -- kube-proxy's IPVS mode: what it programs on one node,
 * built from the store's Services and EndpointSlices.  Three things, each
 * printed as its own tool prints it:
 *  - the IPVS virtual servers and their real servers (`ipvsadm -Ln`);
 *  - the ipsets the iptables rules match against (`ipset save`);
 *  - the iptables rules themselves, in nat and filter (`iptables-save`),
 *    in the rule representation of proxy-ir.h, which also holds the sets;
 * and the addresses bound to the dummy interface kube-ipvs0.
 *
 * kn_proxy_ipvs_class (proxy.h) runs it on the data path: the rules at
 * their hooks, IPVS's choice of a real server at LOCAL_IN and LOCAL_OUT.
 * IPv4 only (kube-proxy runs one proxier per family). */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "models/proxy-iptables.h"
#include "models/proxy-ir.h"
#include "models/store.h"
#include "sim/addr.h"

typedef struct KnIpvsDest {
    KnAddr addr;
    guint16 port;
    guint weight;                /* kube-proxy: 1 */
} KnIpvsDest;

typedef struct KnIpvsService {
    guint8 proto;                /* KN_IPPROTO_TCP, _UDP, KN_PROXY_IR_IPPROTO_SCTP */
    KnAddr addr;
    guint16 port;
    const char *scheduler;       /* "rr"; static */
    guint persistent;            /* sessionAffinity ClientIP: its timeout in seconds; 0: none */
    GArray *dests;               /* KnIpvsDest */
} KnIpvsService;

typedef struct KnIpvs {
    GPtrArray *services;         /* KnIpvsService, owned, in the order kube-proxy adds them */
    KnProxyIrRuleset *rules;     /* iptables rules and ipsets, owned */
    GPtrArray *dummy_addrs;      /* char *, owned: kube-ipvs0's addresses, sorted */
} KnIpvs;

/* What kube-proxy on 'config->node_name' (the iptables mode's settings;
 * family IPv4) holds after a full sync from 'store'.  New. */
KnIpvs *kn_proxy_ipvs_build(KnStore *store, const KnProxyIptablesConfig *config);
void kn_proxy_ipvs_free(KnIpvs *ipvs);            /* accepts NULL */
/* The same for node 'node' of 'cluster', with the configuration kube-proxy
 * runs with there (the pod network as --cluster-cidr, the node's address
 * and zone). */
KnIpvs *kn_proxy_ipvs_build_for_node(KnCluster *cluster, const char *node);

/* Appends `ipvsadm -Ln` (ipvsadm 1.31): the version line, the titles, then
 * the services and each one's destinations in ipvsadm's sort order.
 * 'conns', if not NULL, counts each destination's connections: key
 * kn_proxy_ipvs_conn_key(), value a guint[2] (ActiveConn, InActConn). */
void kn_proxy_ipvs_render_ipvsadm(const KnIpvs *ipvs, GHashTable *conns, GString *out);
/* "TCP 10.96.1.100:80 10.244.1.5:8080": a destination of a virtual
 * server, as 'conns' above keys it.  New. */
char *kn_proxy_ipvs_conn_key(guint8 proto, const KnAddr *vaddr, guint16 vport, const KnAddr *daddr,
                             guint16 dport);

/* Appends what `knetsim rules --mode ipvs` prints: `ipvsadm -Ln`, `ipset
 * save` and `iptables-save` (with 'date'; the rules of 'others', n_others
 * rulesets of other programs such as node-local-dns, at the head of the
 * built-in chains as kn_proxy_ir_render_layers() puts them), each after a
 * "# COMMAND" line. */
void kn_proxy_ipvs_render(const KnIpvs *ipvs, const KnProxyIrRuleset *const *others, guint n_others,
                          const char *date, GString *out);

/* What a node's proxy of kn_proxy_ipvs_class holds (synced first if it
 * has not been).  Borrowed, valid until its next sync. */
const KnIpvs *kn_proxy_ipvs_of(gpointer proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnIpvs, kn_proxy_ipvs_free)
