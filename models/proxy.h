/* proxy.h -- kube-proxy on one node: a mode's ruleset, built from the API
 * objects and consulted by the data path at the netfilter hooks.
 *
 * Each mode (iptables, nftables, ipvs, ebpf) is a provider behind one class
 * struct (OVS netdev-provider.h).  A provider keeps one rule representation
 * per node that is both rendered in the mode's native dump format (what
 * `knetsim rules` prints and what `iptables-restore` / `nft -f` load) and
 * executed: the data path (models/net.h) hands it each packet at each hook,
 * and it answers with a verdict, the NAT to do and the rules it walked.
 *
 * The data path owns conntrack: it calls the nat table only for the first
 * packet of a connection (ct_state NEW), as the kernel does, and reverses or
 * repeats the NAT for the rest itself.  The filter table sees every packet. */
#pragma once

#include <glib.h>
#include "sim/addr.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/time.h"
#include "sim/trace.h"

typedef struct KnCluster KnCluster;
typedef struct KnProxyIrRuleset KnProxyIrRuleset;   /* proxy-ir.h */

typedef enum {
    KN_HOOK_PREROUTING,
    KN_HOOK_INPUT,
    KN_HOOK_FORWARD,
    KN_HOOK_OUTPUT,
    KN_HOOK_POSTROUTING,
    KN_N_HOOKS,
} KnHook;

const char *kn_hook_name(KnHook hook);           /* "PREROUTING", ... */

/* Conntrack state bits, as -m conntrack --ctstate tests them. */
#define KN_CT_NEW 0x01
#define KN_CT_ESTABLISHED 0x02
#define KN_CT_RELATED 0x04
#define KN_CT_INVALID 0x08
#define KN_CT_DNAT 0x10          /* the connection's original direction was DNAT'd */
#define KN_CT_SNAT 0x20
#define KN_CT_REPLY 0x40         /* this packet travels in the reply direction */
#define KN_CT_UNTRACKED 0x80     /* NOTRACK'd in raw: no connection, no NAT (ctstate UNTRACKED) */
#define KN_CT_UNCONFIRMED 0x100  /* the first packet: its entry is not in the table yet, so the
                                  * nat table decides its NAT (later NEW packets, before any
                                  * reply, take the entry's); not a --ctstate state */

typedef enum {
    KN_VERDICT_ACCEPT,
    KN_VERDICT_DROP,
    KN_VERDICT_REJECT,           /* drop and answer ICMP port unreachable */
} KnVerdict;

/* One packet at one hook: what the ruleset may look at, and what it decided. */
typedef struct KnProxyWalk {
    /* In. */
    KnHook hook;
    KnPacket *packet;            /* borrowed; rules may change its 'mark' only */
    const char *in_iface;        /* "eth0", "cni0", "flannel.1", "veth…"; NULL at OUTPUT */
    const char *out_iface;       /* NULL before routing (PREROUTING, OUTPUT's nat) */
    guint ct_state;              /* KN_CT_* of the packet's connection */
    KnTime now;                  /* for -m recent --seconds */
    KnRng *rng;                  /* draws for -m statistic --mode random */
    /* -m addrtype --src-type/--dst-type LOCAL: is 'addr' one of this node's? */
    gboolean (*is_local)(gpointer node, const KnAddr *addr);
    gpointer node;               /* passed to is_local */
    KnTrace *trace;              /* notes of each chain and rule matched; may be NULL */
    guint lane;                  /* the simulation lane walking (sim.h): nodes with the same
                                  * rules share a ruleset, and each lane keeps its own
                                  * memos of it */

    /* Out. */
    KnVerdict verdict;
    gboolean dnat;               /* DNAT to dnat_addr:dnat_port (nat table only) */
    KnAddr dnat_addr;
    guint16 dnat_port;
    gboolean masquerade;         /* MASQUERADE (nat POSTROUTING only) */
    gboolean notrack;            /* NOTRACK (raw only): the packet skips conntrack */
    gboolean accepted;           /* an ACCEPT rule decided (not a chain's policy) */
    gboolean random_fully;       /* ... with --random-fully */
    guint n_rules;               /* rules the kernel evaluated, as it would count them */
    const char *decided_by;      /* the chain that set the verdict or NAT, e.g.
                                  * "KUBE-SEP-AFGSLHOD2HFNCBX4", or NULL; borrowed from the
                                  * ruleset, valid until its next sync */
} KnProxyWalk;

typedef struct KnProxyClass {
    const char *name;            /* "iptables", "nftables", "ipvs", "ebpf" */
    /* A new ruleset for node 'node' of 'cluster' (both borrowed, outliving
     * it), empty until the first sync. */
    gpointer (*new)(KnCluster *cluster, const char *node);
    void (*free)(gpointer proxy);
    /* Rebuilds the ruleset from the store's current Services,
     * EndpointSlices and Node objects (syncProxyRules).  Returns the number
     * of rules written. */
    guint (*sync)(gpointer proxy);
    /* Optional: syncs the 'n_proxies' rulesets 'proxies' (each from 'new',
     * all of one cluster) as if 'sync' ran on each in turn, as kube-proxy
     * does on every node.  The provider may build once for the nodes whose
     * rules come out the same and let them share it; what each node keeps
     * between syncs (-m recent lists) stays its own, and 'walk' still asks
     * the walk's own node (walk->is_local).  Returns the number of rules
     * written on the last node.  NULL: the data path calls 'sync' on each. */
    guint (*sync_all)(gpointer *proxies, guint n_proxies);
    /* Runs the tables registered at 'walk->hook' in priority order (nat only
     * if KN_CT_UNCONFIRMED is in ct_state), filling in the walk's results. */
    void (*walk)(gpointer proxy, KnProxyWalk *walk);
    /* Appends the ruleset in the mode's dump format (iptables-save,
     * `nft list ruleset`, `ipvsadm -Ln`) to 'out'. */
    void (*dump)(gpointer proxy, GString *out);
    /* As 'dump', with the netfilter rules other programs on the node keep
     * beside kube-proxy's: 'others' (n_others rulesets, proxy-ir.h; their
     * rules at the head of the built-in chains, as node-local-dns inserts
     * them) shown where the tool shows them.  May be NULL where the mode's
     * tool does not print iptables rules. */
    void (*dump_with)(gpointer proxy, const KnProxyIrRuleset *const *others, guint n_others,
                      GString *out);
    /* Optional: the netfilter rules the mode keeps (synced first if it has
     * none yet), for `iptables -L`; borrowed, valid until the next sync.
     * NULL, or a NULL answer: the mode keeps no iptables rules. */
    const KnProxyIrRuleset *(*ruleset)(gpointer proxy);
    /* Optional: whether the mode has bound 'addr' to the node (IPVS: the
     * Service addresses on kube-ipvs0), so that it is one of the node's
     * own addresses: routed to its stack, LOCAL to -m addrtype. */
    gboolean (*is_bound)(gpointer proxy, const KnAddr *addr);
} KnProxyClass;

extern const KnProxyClass kn_proxy_iptables_class;
extern const KnProxyClass kn_proxy_nftables_class;   /* proxy-nftables.c */
extern const KnProxyClass kn_proxy_ipvs_class;       /* proxy-ipvs.c */
