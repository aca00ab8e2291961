/* net.h -- the data path: network namespaces, the CNI fabric between
 * nodes, each node's netfilter hooks with conntrack and kube-proxy's rules,
 * and the TCP, UDP and ICMP endpoints that applications and tools use.
 *
 * Every pod, node and outside host is a network namespace (KnNetns) with an
 * address.  A packet a pod sends crosses its veth into the node, which runs
 * it through PREROUTING (conntrack, then the nat table for a new
 * connection), routing, FORWARD or INPUT, and POSTROUTING (masquerade), as
 * the kernel does; then the fabric carries it to the node that owns the
 * destination (inside VXLAN for an overlay), which runs its own hooks and
 * hands it to the destination pod.  Replies come back the same way, with
 * conntrack undoing the NAT.  Processes reach the network through the
 * KnNetClient of their namespace (netclient.h).
 *
 * Observers see every packet on every interface it crosses (for pcapng) and
 * a KnTrace, when set, receives a note per hop (for --explain). */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/netclient.h"
#include "models/proxy.h"
#include "sim/packet.h"
#include "sim/trace.h"

typedef struct KnCluster KnCluster;
typedef struct KnNet KnNet;
typedef struct KnNetns KnNetns;

typedef enum {
    KN_NETNS_POD,
    KN_NETNS_NODE,               /* a node's host network namespace */
    KN_NETNS_HOST,               /* a machine outside the cluster */
} KnNetnsKind;

/* Called for each packet on each interface it crosses: 'iface' is
 * "NODE/eth0", "NODE/flannel.1", "NODE/vethXXXX", "POD/eth0" or "HOST/eth0";
 * 'comment' says what happened to it there (or NULL). */
typedef void (*KnNetPacketFunc)(gpointer user_data, KnTime time, const char *iface,
                                const KnPacket *packet, const char *comment);

/* Counters for benchmarks and capacity studies. */
typedef struct KnNetStats {
    guint64 n_packets;           /* packets sent by endpoints */
    guint64 n_hops;              /* node traversals */
    guint64 n_rules;             /* rules evaluated by the kernel, over all walks */
    guint64 n_dropped;
    guint64 n_rejected;
    guint64 n_syncs;             /* kube-proxy syncs, over all nodes */
    guint64 n_encapsulated;      /* packets that crossed the overlay */
} KnNetStats;

/* The data path of 'cluster' (borrowed; outlives it), with the scenario's
 * proxy mode and CNI.  It follows the store: pods get namespaces when they
 * have an IP, kube-proxy resyncs after Service, EndpointSlice and Node
 * changes.  Free with kn_net_free(). */
KnNet *kn_net_new(KnCluster *cluster);
void kn_net_free(KnNet *net);                   /* accepts NULL */

/* Namespaces; borrowed, valid until 'net' is freed; NULL if unknown (a pod
 * without an IP yet, say). */
KnNetns *kn_net_pod(KnNet *net, const char *namespace, const char *name);
KnNetns *kn_net_node(KnNet *net, const char *name);
KnNetns *kn_net_host(KnNet *net, const char *name);

KnNetnsKind kn_netns_kind(const KnNetns *ns);
const char *kn_netns_name(const KnNetns *ns);   /* pod, node or host name */
const char *kn_netns_namespace(const KnNetns *ns); /* a pod's namespace; NULL otherwise */
/* The environment a command starts with ("NAME=value", NULL-terminated):
 * a pod's as the kubelet set it when the pod started, the Services'
 * variables among them; a node's or host's as `docker exec` gives it.
 * Borrowed. */
const char *const *kn_netns_environ(const KnNetns *ns);
/* What `kubectl logs` shows of 'container' of 'pod': the nginx access log
 * lines of the requests it answered, "" for a container that prints
 * nothing (sleep); NULL when knetsim does not model what its program
 * prints (agnhost, CoreDNS, any other command).  Simplified: nginx's
 * start-up lines are left out.  Borrowed. */
const char *kn_net_container_logs(KnNet *net, const KnPod *pod, const KnContainer *container);
/* The log the containers of 'pod' write to, which kn_net_container_logs()
 * reads: a process the kubelet starts appends its output there.  Created
 * empty if need be; NULL if the pod has no network (yet).  Borrowed. */
GString *kn_net_pod_log(KnNet *net, const KnPod *pod);
/* A container of 'pod' restarts: its log so far becomes the previous one
 * (`kubectl logs --previous`), and the new instance's starts empty. */
void kn_net_pod_log_restart(KnNet *net, const KnPod *pod);
/* What kn_net_pod_log_restart() last kept: borrowed, "" if none. */
const char *kn_net_pod_previous_log(KnNet *net, const KnPod *pod);
/* The node a pod runs on, or the node itself; NULL for an outside host. */
KnNetns *kn_netns_node(KnNetns *ns);
/* The interface processes in 'ns' use (borrowed, lives with 'ns'). */
KnNetClient *kn_netns_client(KnNetns *ns);

/* Sends every later note to 'trace' (borrowed), or stops with NULL. */
void kn_net_set_trace(KnNet *net, KnTrace *trace);
/* Sends every note also to 'log' (borrowed; usually a trace with a sink),
 * or stops with NULL: the event log's feed, independent of the trace. */
void kn_net_set_log(KnNet *net, KnTrace *log);
/* Registers the packet observer (one at a time; NULL clears it). */
void kn_net_set_observer(KnNet *net, KnNetPacketFunc func, gpointer user_data);

/* Runs kube-proxy's sync on every node now (as at start-up). */
void kn_net_sync(KnNet *net);
/* Node 'node''s kube-proxy ruleset, for dumps; its class in '*klass'.
 * NULL if there is no such node.  Borrowed. */
gpointer kn_net_proxy(KnNet *net, const char *node, const KnProxyClass **klass);
/* The netfilter rules programs other than kube-proxy keep on node 'node'
 * (node-local-dns's raw and filter rules while its node-cache runs there),
 * for dumps with KnProxyClass.dump_with; NULL if none.  Borrowed. */
const KnProxyIrRuleset *kn_net_node_rules(KnNet *net, const char *node);
/* Runs `iptables ARGS` ('argv', argv[0] "iptables"; proxy-ir-list.h) on
 * node 'node' over its rules, kube-proxy's being 'proxy_rules' (borrowed)
 * or, if NULL, the node's own.  Appends the output to 'out' and 'err';
 * returns the exit status. */
int kn_net_node_iptables(KnNet *net, const char *node, const KnProxyIrRuleset *proxy_rules,
                         const char *const *argv, GString *out, GString *err);
/* The node's conntrack table as `conntrack -L` prints it.  New. */
char *kn_net_conntrack_list(KnNet *net, const char *node);

/* Runs the data path on 'n_lanes' lanes of the simulation (sim.h), on as
 * many threads: node i and its pods in lane i % n_lanes, outside hosts in
 * lane 0, with the shortest link between nodes or to the outside as the
 * lookahead.  Each lane keeps its own counters, timers and resolver query
 * ids; packets, conntrack, kube-proxy's rules, sockets, the images'
 * servers, the resolvers and CoreDNS (started now) belong to their node.
 * What the whole cluster shares must not change during such a run: the
 * store and its controllers, and the named streams of shells' tools.  One
 * lane is the default.  Returns FALSE, changing nothing, when lanes cannot
 * run: a link under 2 ns, --explain, a capture or a log (each is one
 * ordered stream), or events already pending.  Fewer lanes than asked
 * when there are fewer nodes. */
gboolean kn_net_set_lanes(KnNet *net, guint n_lanes);

/* The lane 'ns''s events run in. */
guint kn_netns_lane(const KnNetns *ns);

/* The counters so far, summed over the lanes. */
KnNetStats kn_net_stats(const KnNet *net);

/* The /etc/resolv.conf of 'ns': a pod's as its kubelet writes it for its
 * dnsPolicy, a node's or outside host's own.  New. */
char *kn_net_resolv_conf(KnNet *net, KnNetns *ns);
/* A node's /proc/sys/net/netfilter/nf_conntrack_max or nf_conntrack_count
 * as `cat` prints it; NULL for other paths and other namespaces.  New. */
char *kn_net_proc_file(KnNet *net, KnNetns *ns, const char *path);

/* The kubelet's readiness prober (a KnWorkloadsProber, workload.h, with
 * the KnNet as 'user_data'): runs 'container''s readiness probe against
 * what the pod's images serve.  An httpGet probe succeeds on a status from
 * 200 to 399 ("HTTP probe failed with statuscode: 404" otherwise), a
 * tcpSocket probe if something listens, an exec probe always. */
gboolean kn_net_probe(const KnPod *pod, const KnContainer *container, char **message,
                      gpointer user_data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnNet, kn_net_free)
