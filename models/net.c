/* net.c -- the data path (net.h).
 *
 * DOC: A packet walk follows the Linux receive and transmit paths of a
 * Kubernetes node (netfilter's hook order: raw/conntrack, mangle, nat
 * PREROUTING at priority -100, routing, filter FORWARD or INPUT, nat
 * POSTROUTING at 100, conntrack confirm; OUTPUT for locally generated
 * packets: conntrack, nat OUTPUT, filter OUTPUT, reroute, POSTROUTING) and
 * of flannel, the CNI the lab's kind cluster uses: each pod's eth0 is one end
 * of a veth pair whose other end is on the node's cni0 bridge (the bridge
 * holds the subnet's .1, the gateway); each node routes the other nodes' pod
 * subnets through flannel.1, a VXLAN device on UDP 8472 with VNI 1 whose
 * address is the subnet's .0 (native routing sends them plain over eth0
 * instead); and flannel's FLANNEL-POSTRTG chain masquerades pod traffic that
 * leaves the pod network ("-s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE
 * --random-fully").  MASQUERADE takes the address of the interface the
 * packet leaves by, so a masqueraded packet over the overlay carries the
 * node's flannel.1 address (10.244.N.0), over cni0 its .1, over eth0 the
 * node's own.
 *
 * NodeLocal DNSCache (nodelocaldns.h): while a node-local-dns pod runs on
 * a node, the node holds node-cache's addresses, its raw table runs before
 * conntrack at PREROUTING and OUTPUT (a NOTRACK'd packet gets no entry and
 * so never meets the nat table: no DNAT, no masquerade, no confirmation)
 * and its filter rules head INPUT and OUTPUT; node-cache answers DNS on
 * those addresses from its cache, sends cluster names it does not hold to
 * kube-dns-upstream over TCP from the node (through kube-proxy's DNAT and
 * masquerade, tracked like any connection) and answers when that
 * connection has the reply.
 *
 * TCP follows Linux's defaults where they show: the SYN is retransmitted
 * after 1, 2, 4, 8, 16 and 32 s (tcp_syn_retries 6, initial RTO 1 s), so an
 * unanswered connect gives up after 127 s; a SYN to a port nobody listens
 * on gets a RST; a REJECT answers with ICMP port unreachable, which connect()
 * reports as "Connection refused"; ephemeral ports come from 32768-60999.
 * The MSS is the pod MTU less 40 (flannel's VXLAN MTU is 1450).
 *
 * Time: a packet costs the veth latency into a pod, the fabric latency
 * between nodes (same zone or across zones) or to the outside, plus its
 * serialization on the sender's NIC at the link's bandwidth; the hooks
 * themselves take no simulated time.
 *
 * Simplified:
 *  - IPv4 only on the wire: pods hold one (IPv4) address.
 *  - No ARP, no neighbour tables, no checksum offload, no GRO/TSO: every
 *    segment is its own packet of at most the MSS.
 *  - No TCP congestion control, window or delayed ACK timer: the receiver of
 *    a burst of segments acknowledges its last one; no loss except drops.
 *  - Name resolution (until the DNS model lands) answers from the store as
 *    the cluster DNS would (search list of the pod's namespace), without
 *    DNS packets. */

#include <config.h>
#include "models/net.h"

#include <string.h>
#include "models/cluster.h"
#include "models/conntrack.h"
#include "models/coredns.h"
#include "models/images.h"
#include "models/nodelocaldns.h"
#include "models/proxy-ipvs.h"
#include "models/proxy-ir-list.h"
#include "models/resolvconf.h"
#include "models/resolver.h"
#include "sim/dns-wire.h"
#include "models/store.h"
#include "sim/spares.h"

#define VXLAN_PORT 8472
#define VXLAN_VNI 1
#define VXLAN_OVERHEAD 50        /* outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
#define EPHEMERAL_LOW 32768      /* net.ipv4.ip_local_port_range */
#define UPSTREAM_EDNS_SIZE 1232  /* the outside resolver's EDNS payload size (DNS flag day 2020) */
#define EPHEMERAL_HIGH 60999
#define SYN_RETRIES 6            /* net.ipv4.tcp_syn_retries */
#define MIN_SYNC_PERIOD (1 * KN_SEC)  /* kube-proxy --iptables-min-sync-period */
#define CONNTRACK_GC_EVERY 4096     /* new entries between sweeps */
/* kube-proxy's conntrack.maxPerCore and conntrack.min: it sets each node's
 * nf_conntrack_max to the first times the cores, at least the second. */
#define CONNTRACK_MAX_PER_CORE 32768
#define CONNTRACK_MIN 131072
#define MAX_HOPS 16              /* a routing loop stops here */
#define NODE_IMAGE "kindest/node:v1.31.0"  /* what a node's commands run in */
#define HOST_IMAGE "knetsim/host"          /* what an outside host's commands run in */

typedef struct Tcb Tcb;
typedef struct UdpWait UdpWait;

/* A slot of a namespace's table of local UDP ports in use: the exchanges
 * waiting on the port and whether udp_bind() holds it. */
typedef struct UdpSlot {
    guint32 key;                 /* the port + 1; 0 when the slot is empty */
    gboolean bound;
    UdpWait *waits;              /* the oldest first (->next); NULL if none */
} UdpSlot;

/* A slot of a namespace's socket table; 'tcb' NULL when empty. */
typedef struct TcbSlot {
    gint64 key;
    Tcb *tcb;
} TcbSlot;

/* One listening socket of a pod's container. */
typedef struct App {
    KnImageListener listener;
    const KnImage *image;        /* the catalog's entry; static */
    char *reference;             /* the image as the pod spec names it */
} App;

static void
app_clear(gpointer data)
{
    g_free(((App *) data)->reference);
}

static GArray *pod_apps(const KnPod *pod);

struct KnNetns {
    /* What a packet's hop reads, first: the struct is aligned to 128 bytes,
     * so these share the pair of cache lines a miss brings in. */
    KnNet *net;
    KnNetns *node;               /* a pod's node, a node itself; NULL for a host */
    TcbSlot *tcbs;               /* sock_key() -> Tcb (owned): open addressing, NULL
                                  * until the first socket */
    GArray *apps;                /* App: what a pod's containers listen on; or NULL */
    KnConntrack *ct;
    gpointer proxy;              /* the kube-proxy ruleset */
    gboolean proxy_binds;        /* its mode binds addresses to the node (IPVS's kube-ipvs0) */
    guint tcbs_mask;             /* slots - 1 */
    guint n_tcbs;
    KnNetnsKind kind;
    gboolean alive;              /* a pod that still exists */
    gboolean started;            /* a pod's containers run (they answer) */
    guint next_port;
    guint32 next_isn;
    KnAddr addr;                 /* eth0's address */
    guint8 mac[6];
    UdpSlot *udp_slots;          /* local port -> UdpSlot: open addressing, NULL until
                                  * the first UDP socket */
    guint udp_mask;              /* slots - 1 */
    guint n_udp;
    KnNodeLocalDns *node_cache;  /* node-local-dns's node-cache running here (its
                                  * addresses, rules and server), or NULL */
    /* The rest. */
    char *name;                  /* pod, node or host name */
    char *namespace;             /* a pod's namespace; NULL otherwise */
    char *eth0;                  /* "NAME/eth0", for observers */
    char *veth;                  /* a pod's node-side veth, "NODE/vethXXXXXXXX" */
    const char *veth_iface;      /* its name on the node, "vethXXXXXXXX" (inside 'veth') */
    char *image;                 /* a pod's first container's image */
    KnCoreDns *coredns;          /* a CoreDNS pod's server (its own cache); or NULL */
    KnTime start_time;           /* when they started */
    KnNetClient client;
    GHashTable *ping_waits;      /* id << 16 | seq -> PingWait; those still waiting
                                  * when the run ends go with the table */
    guint16 next_ping_id;
    guint lane;                  /* the simulation lane its events run in: its node's */
    /* Nodes only. */
    const char *zone;            /* interned (g_intern_string), so equal zones are one pointer */
    KnCidr pod_cidr;
    KnAddr cni0_addr;            /* the bridge: the subnet's .1 */
    KnAddr flannel_addr;         /* flannel.1: the subnet's .0 */
    char *cni0, *flannel;        /* "NODE/cni0", "NODE/flannel.1" */
    KnRng *rng;                  /* MASQUERADE ports, -m statistic */
    KnTime nic_busy;             /* when eth0 finishes sending what it has */
    guint64 n_confirmed;         /* conntrack entries made */
    guint node_cache_generation; /* bumped at each start and stop of it */
    gboolean node_cache_explained; /* --explain said once why it forwards to kube-dns-upstream */
    GHashTable *cache_queries;   /* CacheQuery (owned) whose upstream answer is on its way;
                                  * freed with the namespace if the run stops first */
    GArray *processes;           /* Process: shells and tools running here, or NULL */
    KnResolvConf *resolv_conf;   /* the resolver's reading of /etc/resolv.conf, or NULL */
    KnNetns *shares;             /* a hostNetwork pod: the node whose network it uses */
    GStrv environ;               /* the environment commands start with ("NAME=value"), or
                                  * NULL until a pod's is first asked for */
    KnTime environ_at;           /* a pod's: when its containers started */
    GString *logs;               /* what a pod's container printed (kubectl logs), or NULL */
    GString *previous_logs;      /* the same of its instance before the last restart, or NULL */
};

#define NETNS_ALIGN 128

typedef enum {
    ARRIVE_NODE,                 /* at a node, from the fabric or the outside (eth0) */
    ARRIVE_NODE_OVERLAY,         /* at a node, inside VXLAN (eth0, then flannel.1) */
    ARRIVE_POD,                  /* at a pod, through its veth */
    ARRIVE_HOST,                 /* at an outside host */
    ARRIVE_LOCAL,                /* at the sender's own namespace (loopback) */
} ArriveAt;

typedef struct Arrival Arrival;
typedef struct Timer Timer;

struct Arrival {
    KnNetns *to;
    ArriveAt at;
    KnPacket *packet;
    guint hops;
    gboolean hashed;             /* prefetch_node() gave the packet's conntrack hash: */
    guint32 ct_hash;
    Arrival *next;               /* on the net's free list */
};

/* A slot of the IPv4 index: 'ns' NULL when empty. */
typedef struct AddrSlot {
    guint32 ipv4;                /* host order */
    KnNetns *ns;
} AddrSlot;

struct KnNet {
    KnCluster *cluster;
    KnStore *store;
    KnSim *sim;
    const KnProxyClass *proxy_class;  /* NULL: no kube-proxy */
    GHashTable *by_addr;         /* KnAddr * (the ns's) -> KnNetns *, live namespaces
                                  * with an address other than IPv4 */
    AddrSlot *by_ipv4;           /* the same for IPv4: open addressing on the value */
    guint by_ipv4_mask;          /* slots - 1 */
    guint by_ipv4_used;
    GHashTable *pods;            /* "ns/name" -> KnNetns *, live pods */
    GPtrArray *nodes;            /* KnNetns *, scenario order */
    GPtrArray *hosts;            /* KnNetns * */
    KnNetns *resolver;           /* the outside resolver (in net->hosts), or NULL */
    char *node_resolv_conf;      /* a node's /etc/resolv.conf: the outside resolver */
    char *cluster_dns;           /* the kubelets' --cluster-dns, or NULL */
    GPtrArray *all;              /* every KnNetns ever made (owned) */
    GHashTable *subnets;         /* a node's pod subnet (IPv4 network, host order) -> KnNetns */
    guint32 subnet_mask;         /* the nodes' pod subnet mask */
    KnNetns **subnet_nodes;      /* the same by the subnet's number inside the cluster's pod
                                  * network, when it has at most 2^MAX_SUBNET_BITS; or NULL */
    guint32 subnet_base;         /* the pod network's first address (host order) */
    guint subnet_shift;          /* 32 - the subnets' prefix length */
    KnCidr cluster_pod_cidr;
    gboolean overlay;
    gboolean cloud;              /* pods have VPC addresses (cni mode cloud) */
    guint pod_mtu;
    KnTime veth_latency, zone_latency, cross_zone_latency, external_latency;
    guint64 bandwidth_bps;
    KnTrace *trace;              /* --explain, a probe: borrowed, or NULL */
    KnTrace *log;                /* the event log's: borrowed, or NULL */
    GString *story;              /* what the node did to the packet it handles, for
                                  * the capture's comments (observer only) */
    KnNetPacketFunc observer;
    gpointer observer_data;
    gboolean sync_pending;
    gboolean race_explained;     /* --explain said once why a second datagram takes the first's DNAT */
    KnTime last_sync;
    /* What each simulation lane (kn_net_set_lanes()) keeps apart. */
    struct {
        KnNetStats stats;
        Timer *timers;           /* its processes' pending timers */
        KnRng *dns_ids;          /* its resolvers' query ids; NULL until the first */
    } __attribute__((aligned(64))) lanes[KN_SIM_MAX_LANES];
};

/* The counters of the lane that runs 'ns''s events. */
#define STATS(ns) ((ns)->net->lanes[(ns)->lane].stats)

/*****************************************************************************/
/* Helpers. */

static guint
addr_key_hash(gconstpointer key)
{
    return kn_addr_hash(key);
}

static gboolean
addr_key_equal(gconstpointer a, gconstpointer b)
{
    return kn_addr_equal(a, b);
}

/* A locally administered MAC derived from an address (02:42 as Docker's). */
static void
mac_of(const KnAddr *addr, guint8 salt, guint8 mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0x42 ^ salt;
    memcpy(mac + 2, addr->bytes, 4);
}

/* Whether anyone listens to notes: the fast path skips formatting. */
#define TRACING(net) ((net)->trace != NULL || (net)->log != NULL)

static void G_GNUC_PRINTF(3, 4)
note(KnNet *net, KnTraceKind kind, const char *format, ...)
{
    va_list args;
    g_autofree char *text = NULL;

    if (!TRACING(net))
        return;
    va_start(args, format);
    text = g_strdup_vprintf(format, args);
    va_end(args);
    if (net->trace != NULL) {
        kn_trace_set_time(net->trace, kn_sim_now(net->sim));
        kn_trace_note(net->trace, kind, "%s", text);
    }
    if (net->log != NULL) {
        kn_trace_set_time(net->log, kn_sim_now(net->sim));
        kn_trace_note(net->log, kind, "%s", text);
    }
}

/* A note's arguments are loads (names, formatted addresses) the fast path
 * should not pay for: they are evaluated only when someone listens. */
#define note(net, ...) (TRACING(net) ? note(net, __VA_ARGS__) : (void) 0)

/* Where later notes happen. */
static void
note_place(KnNet *net, const char *place)
{
    kn_trace_set_node(net->trace, place);
    kn_trace_set_node(net->log, place);
}

/* Adds to the story of the packet in hand (for the capture's comments). */
static void G_GNUC_PRINTF(2, 3)
story(KnNet *net, const char *format, ...)
{
    va_list args;

    if (net->observer == NULL)
        return;
    if (net->story->len > 0)
        g_string_append(net->story, "; ");
    va_start(args, format);
    g_string_append_vprintf(net->story, format, args);
    va_end(args);
}

#define story(net, ...) ((net)->observer != NULL ? story(net, __VA_ARGS__) : (void) 0)

/* Shows 'packet' on 'iface' to the observer, with a comment made of the
 * story so far (if 'with_story') and 'format'. */
static void G_GNUC_PRINTF(5, 6)
observe(KnNet *net, const char *iface, const KnPacket *packet, gboolean with_story,
        const char *format, ...)
{
    g_autoptr(GString) comment = NULL;
    va_list args;

    if (net->observer == NULL)
        return;
    comment = g_string_new(with_story ? net->story->str : "");
    if (comment->len > 0)
        g_string_append(comment, "; ");
    va_start(args, format);
    g_string_append_vprintf(comment, format, args);
    va_end(args);
    net->observer(net->observer_data, kn_sim_now(net->sim), iface, packet, comment->str);
}

#define observe(net, ...) ((net)->observer != NULL ? observe(net, __VA_ARGS__) : (void) 0)

/* "10.244.1.5:8080" into 'buf' (at least KN_ADDR_STRLEN + 8 bytes). */
static const char *
endpoint_text(const KnAddr *addr, guint16 port, char *buf)
{
    char a[KN_ADDR_STRLEN];

    g_snprintf(buf, KN_ADDR_STRLEN + 8, addr->family == 6 ? "[%s]:%u" : "%s:%u",
               kn_addr_format(addr, a), port);
    return buf;
}

/* The packet in tcpdump's words, for trace notes; new. */
static char *
summary(const KnPacket *packet)
{
    char src[KN_ADDR_STRLEN + 8], dst[KN_ADDR_STRLEN + 8];
    GString *flags;

    if (packet->proto == KN_IPPROTO_ICMP) {
        char a[KN_ADDR_STRLEN], b[KN_ADDR_STRLEN];

        return g_strdup_printf("%s > %s ICMP %s", kn_addr_format(&packet->src, a),
                               kn_addr_format(&packet->dst, b),
                               packet->icmp_type == KN_ICMP_ECHO_REQUEST ? "echo request"
                               : packet->icmp_type == KN_ICMP_ECHO_REPLY ? "echo reply"
                               : "port unreachable");
    }
    endpoint_text(&packet->src, packet->sport, src);
    endpoint_text(&packet->dst, packet->dport, dst);
    if (packet->proto == KN_IPPROTO_UDP)
        return g_strdup_printf("%s > %s UDP length %u", src, dst, packet->payload_len);
    flags = g_string_new(NULL);
    if (packet->tcp_flags & KN_TCP_SYN)
        g_string_append_c(flags, 'S');
    if (packet->tcp_flags & KN_TCP_FIN)
        g_string_append_c(flags, 'F');
    if (packet->tcp_flags & KN_TCP_RST)
        g_string_append_c(flags, 'R');
    if (packet->tcp_flags & KN_TCP_PSH)
        g_string_append_c(flags, 'P');
    if (packet->tcp_flags & KN_TCP_ACK)
        g_string_append_c(flags, '.');
    char *text = g_strdup_printf("%s > %s TCP [%s] length %u", src, dst, flags->str,
                                 packet->payload_len);

    g_string_free(flags, TRUE);
    return text;
}

/*****************************************************************************/
/* Events: a packet arriving somewhere after a link's delay.  Arrivals that
 * ran are kept for the next ones, linked through 'next', so a hop
 * allocates nothing.  Each thread keeps its own (the lanes of
 * kn_net_set_lanes()) and frees them as it exits, with its spare TCBs. */

static __thread Arrival *spare_arrivals;

static void spares_release(gpointer unused);

/* Armed in each thread that keeps spares: its exit releases them. */
static GPrivate spares_exit = G_PRIVATE_INIT(spares_release);
static __thread gboolean spares_armed;

static void on_arrival(KnSim *sim, gpointer data);

/* Frees an arrival the queue dropped (cancelled, or left when the
 * simulation ends, possibly after the net). */
static void
arrival_free(gpointer data)
{
    Arrival *arrival = data;

    kn_packet_free(arrival->packet);
    g_free(arrival);
}

static const KnEventClass arrival_class = { "packet-arrival", on_arrival, arrival_free };

/* Schedules the packet's arrival; returns it, for the sender to add to
 * until its event runs. */
static Arrival *
send_after(KnNet *net, KnTime delay, KnNetns *to, ArriveAt at, KnPacket *packet, guint hops)
{
    Arrival *arrival = spare_arrivals;

    if (arrival != NULL)
        spare_arrivals = arrival->next;
    else
        arrival = g_new(Arrival, 1);
    *arrival = (Arrival) { .to = to, .at = at, .packet = packet, .hops = hops };
    kn_sim_post_on(net->sim, to->lane, delay, &arrival_class, arrival);
    return arrival;
}

/* When a frame of 'bytes' put on 'from''s NIC now has left it. */
static KnTime
serialize_delay(KnNet *net, KnNetns *from, guint bytes)
{
    KnTime now = kn_sim_now(net->sim);
    KnTime wire = (KnTime) bytes * 8 * KN_SEC / net->bandwidth_bps;
    KnTime start = MAX(now, from->nic_busy);

    from->nic_busy = start + wire;
    return from->nic_busy - now;
}

/*****************************************************************************/
/* Namespaces. */

static Tcb *tcb_lookup(KnNetns *ns, const KnPacket *packet);
static void tcb_free(gpointer data);
static const KnNetClientClass client_class;

/* Where a process's sockets live: its own namespace, or for a hostNetwork
 * pod its node's. */
static inline KnNetns *
client_net(gpointer self)
{
    KnNetns *ns = self;

    return ns->shares != NULL ? ns->shares : ns;
}

static KnNetns *
netns_new(KnNet *net, KnNetnsKind kind, const char *name, const KnAddr *addr)
{
    KnNetns *ns = g_aligned_alloc0(1, sizeof(KnNetns), NETNS_ALIGN);

    ns->net = net;
    ns->kind = kind;
    ns->name = g_strdup(name);
    ns->addr = *addr;
    ns->alive = TRUE;
    mac_of(addr, 0, ns->mac);
    ns->eth0 = g_strdup_printf("%s/eth0", name);
    ns->ping_waits = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    ns->next_port = EPHEMERAL_LOW + kn_addr_hash(addr) % (EPHEMERAL_HIGH - EPHEMERAL_LOW);
    ns->next_isn = kn_addr_hash(addr) * 2654435761u;
    ns->client = (KnNetClient) { .klass = &client_class, .self = ns, .hostname = ns->name,
                                 .address = *addr };
    g_ptr_array_add(net->all, ns);
    return ns;
}

static void drop_udp_waits(KnNetns *ns);
static void drop_processes(KnNetns *ns);

static void
netns_free(gpointer data)
{
    KnNetns *ns = data;

    drop_udp_waits(ns);
    for (guint i = 0; ns->tcbs != NULL && i <= ns->tcbs_mask; i++)
        if (ns->tcbs[i].tcb != NULL)
            tcb_free(ns->tcbs[i].tcb);
    g_free(ns->tcbs);
    /* Processes dropped below close their sockets into an empty table. */
    g_clear_pointer(&ns->udp_slots, g_free);
    ns->n_udp = 0;
    g_hash_table_unref(ns->ping_waits);
    drop_processes(ns);
    if (ns->proxy != NULL)
        ns->net->proxy_class->free(ns->proxy);
    kn_conntrack_free(ns->ct);
    g_free(ns->name);
    g_free(ns->namespace);
    g_free(ns->eth0);
    g_free(ns->veth);
    g_free(ns->image);
    kn_coredns_free(ns->coredns);
    kn_nodelocaldns_free(ns->node_cache);
    kn_resolvconf_free(ns->resolv_conf);
    g_strfreev(ns->environ);
    if (ns->logs != NULL)
        g_string_free(ns->logs, TRUE);
    if (ns->previous_logs != NULL)
        g_string_free(ns->previous_logs, TRUE);
    if (ns->cache_queries != NULL)
        g_hash_table_unref(ns->cache_queries);
    if (ns->apps != NULL)
        g_array_unref(ns->apps);
    g_free(ns->cni0);
    g_free(ns->flannel);
    g_aligned_free(ns);
}

/* The IPv4 index: linear probing on a mix of the value, at most half full,
 * backward-shift deletion. */
static guint
ipv4_home(const KnNet *net, guint32 ipv4)
{
    return (ipv4 * 2654435761u) >> 7 & net->by_ipv4_mask;
}

static guint
ipv4_find(const KnNet *net, guint32 ipv4)
{
    guint i = ipv4_home(net, ipv4);

    while (net->by_ipv4[i].ns != NULL && net->by_ipv4[i].ipv4 != ipv4)
        i = (i + 1) & net->by_ipv4_mask;
    return i;
}

static void
ipv4_resize(KnNet *net, guint n_slots)
{
    AddrSlot *old = net->by_ipv4;
    guint n_old = old != NULL ? net->by_ipv4_mask + 1 : 0;

    net->by_ipv4 = g_new0(AddrSlot, n_slots);
    net->by_ipv4_mask = n_slots - 1;
    for (guint i = 0; i < n_old; i++)
        if (old[i].ns != NULL)
            net->by_ipv4[ipv4_find(net, old[i].ipv4)] = old[i];
    g_free(old);
}

/* Makes 'ns' the live namespace of its address (replacing any other). */
static void
addr_index_insert(KnNet *net, KnNetns *ns)
{
    if (ns->addr.family != 4) {
        g_hash_table_insert(net->by_addr, &ns->addr, ns);
        return;
    }
    if ((net->by_ipv4_used + 1) * 2 > net->by_ipv4_mask + 1)
        ipv4_resize(net, (net->by_ipv4_mask + 1) * 2);

    guint32 ipv4 = kn_addr_ipv4_value(&ns->addr);
    guint i = ipv4_find(net, ipv4);

    net->by_ipv4_used += net->by_ipv4[i].ns == NULL;
    net->by_ipv4[i] = (AddrSlot) { .ipv4 = ipv4, .ns = ns };
}

static void
addr_index_remove(KnNet *net, const KnAddr *addr)
{
    if (addr->family != 4) {
        g_hash_table_remove(net->by_addr, addr);
        return;
    }

    guint i = ipv4_find(net, kn_addr_ipv4_value(addr));

    if (net->by_ipv4[i].ns == NULL)
        return;
    net->by_ipv4[i].ns = NULL;
    net->by_ipv4_used--;
    for (guint j = (i + 1) & net->by_ipv4_mask; net->by_ipv4[j].ns != NULL; j = (j + 1) & net->by_ipv4_mask) {
        guint home = ipv4_home(net, net->by_ipv4[j].ipv4);

        if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
            continue;
        net->by_ipv4[i] = net->by_ipv4[j];
        net->by_ipv4[j].ns = NULL;
        i = j;
    }
}

static KnNetns *
ns_by_addr(KnNet *net, const KnAddr *addr)
{
    if (addr->family != 4)
        return g_hash_table_lookup(net->by_addr, addr);
    return net->by_ipv4[ipv4_find(net, kn_addr_ipv4_value(addr))].ns;
}

static KnNetns *kn_net_node_of(KnNet *net, const char *name);

static void dns_server_resolv_conf(KnNet *net, KnNetns *ns, KnCoreDns *server);

/* A hostNetwork pod runs in its node's namespace: node-local-dns's
 * node-cache starts there with the pod's containers and stops with them
 * (the dummy interface, the rules and the server go together). */
static void
host_pod_changed(KnNet *net, const KnPod *pod, gboolean deleted)
{
    const KnContainer *first = pod->spec.containers->len > 0 ? pod->spec.containers->pdata[0] : NULL;
    KnNetns *node = pod->spec.node_name != NULL ? kn_net_node_of(net, pod->spec.node_name) : NULL;
    gboolean runs = !deleted && pod->started && !pod->meta.deleting;

    if (node == NULL || first == NULL || !g_str_has_prefix(first->image, "registry.k8s.io/dns/k8s-dns-node-cache:"))
        return;
    if (node->node_cache != NULL && strcmp(kn_nodelocaldns_pod(node->node_cache), pod->meta.name) != 0)
        return;                  /* another node-cache already holds the node */
    if (runs && node->node_cache == NULL) {
        g_autoptr(GError) error = NULL;

        node->node_cache = kn_nodelocaldns_new(net->cluster, pod, &error);
        node->node_cache_generation++;
        note_place(net, node->name);
        if (node->node_cache == NULL)
            note(net, KN_TRACE_APP, "node-cache %s cannot start: %s", pod->meta.name, error->message);
        else
            note(net, KN_TRACE_APP, "node-cache %s: %s holds %s on its nodelocaldns interface and ensures "
                 "its raw NOTRACK and filter ACCEPT rules", pod->meta.name, node->name,
                 kn_nodelocaldns_addrs_text(node->node_cache));
        if (node->node_cache != NULL)
            dns_server_resolv_conf(net, node, kn_nodelocaldns_server(node->node_cache));
    } else if (!runs && node->node_cache != NULL) {
        g_clear_pointer(&node->node_cache, kn_nodelocaldns_free);
        node->node_cache_generation++;
    }
}

/* Adds 'text' to 'env' and frees it. */
static void
env_take(GStrvBuilder *env, char *text)
{
    g_strv_builder_add(env, text);
    g_free(text);
}

/* makeEnvVariableName: "my-svc" -> "MY_SVC". */
static char *
env_name(const char *name)
{
    char *upper = g_ascii_strup(name, -1);

    g_strdelimit(upper, "-", '_');
    return upper;
}

/* envvars.FromServices for one Service: NAME_SERVICE_HOST, _SERVICE_PORT
 * (the first port) and _SERVICE_PORT_PORTNAME per named port, then the
 * Docker link variables of each port (_PORT for the first, _PORT_P_PROTO
 * and its _PROTO, _PORT, _ADDR). */
static void
service_environ(GStrvBuilder *env, const KnService *service)
{
    g_autofree char *prefix = env_name(service->meta.name);
    const char *ip = service->spec.cluster_ip;
    gboolean v6 = strchr(ip, ':') != NULL;

    env_take(env, g_strdup_printf("%s_SERVICE_HOST=%s", prefix, ip));
    if (service->spec.ports->len == 0)
        return;
    env_take(env, g_strdup_printf("%s_SERVICE_PORT=%u", prefix,
                                             ((const KnServicePort *) service->spec.ports->pdata[0])->port));
    for (guint i = 0; i < service->spec.ports->len; i++) {
        const KnServicePort *p = service->spec.ports->pdata[i];

        if (p->name != NULL && p->name[0] != '\0') {
            g_autofree char *port_name = env_name(p->name);

            env_take(env, g_strdup_printf("%s_SERVICE_PORT_%s=%u", prefix, port_name, p->port));
        }
    }
    for (guint i = 0; i < service->spec.ports->len; i++) {
        const KnServicePort *p = service->spec.ports->pdata[i];
        const char *proto = kn_protocol_name(p->protocol);
        g_autofree char *lower = g_ascii_strdown(proto, -1);
        g_autofree char *url = g_strdup_printf("%s://%s%s%s:%u", lower, v6 ? "[" : "", ip, v6 ? "]" : "", p->port);

        if (i == 0)
            env_take(env, g_strdup_printf("%s_PORT=%s", prefix, url));
        env_take(env, g_strdup_printf("%s_PORT_%u_%s=%s", prefix, p->port, proto, url));
        env_take(env, g_strdup_printf("%s_PORT_%u_%s_PROTO=%s", prefix, p->port, proto, lower));
        env_take(env, g_strdup_printf("%s_PORT_%u_%s_PORT=%u", prefix, p->port, proto, p->port));
        env_take(env, g_strdup_printf("%s_PORT_%u_%s_ADDR=%s", prefix, p->port, proto, ip));
    }
}

/* The environment the kubelet gives a pod's containers as they start
 * (makeEnvironmentVariables, getServiceEnvVarMap): PATH and HOSTNAME as
 * the runtime sets them, the variables of every Service of the pod's
 * namespace that has a cluster IP (unless enableServiceLinks is false)
 * and always of default/kubernetes, then HOME.  A snapshot as of
 * 'started': Services made later are not in it.  Worked out when first
 * asked (a namespace of many Services gives each pod thousands of
 * variables), from the Services made by then; simplified: one deleted
 * since is missing.  The real order of the Service variables is Go's map
 * order; here it is the store's (namespace, then name). */
static GStrv
pod_environ(KnNet *net, const KnPod *pod, const char *hostname, KnTime started)
{
    g_autoptr(GStrvBuilder) env = g_strv_builder_new();
    g_autoptr(GPtrArray) services = pod->spec.enable_service_links
                                    ? kn_store_list(net->store, KN_KIND_SERVICE, pod->meta.namespace)
                                    : g_ptr_array_new();
    const KnService *master = kn_store_lookup(net->store, KN_KIND_SERVICE, "default", "kubernetes");

    if (master != NULL && strcmp(pod->meta.namespace, "default") != 0)
        g_ptr_array_insert(services, strcmp("default", pod->meta.namespace) < 0 ? 0 : -1, (gpointer) master);
    else if (master != NULL && !pod->spec.enable_service_links)
        g_ptr_array_add(services, (gpointer) master);
    g_strv_builder_add(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env_take(env, g_strdup_printf("HOSTNAME=%s", hostname));
    for (guint i = 0; i < services->len; i++) {
        const KnService *service = services->pdata[i];
        const char *ip = service->spec.cluster_ip;

        if (ip != NULL && ip[0] != '\0' && strcmp(ip, "None") != 0 && service->meta.creation_time <= started)
            service_environ(env, service);
    }
    g_strv_builder_add(env, "HOME=/root");
    return g_strv_builder_end(env);
}

/* A node's or outside host's environment ends with its HOSTNAME and
 * HOME, as `docker exec` sets them. */
static void
host_environ(KnNetns *ns)
{
    guint n = g_strv_length(ns->environ);

    ns->environ = g_renew(char *, ns->environ, n + 3);
    ns->environ[n] = g_strdup_printf("HOSTNAME=%s", ns->name);
    ns->environ[n + 1] = g_strdup("HOME=/root");
    ns->environ[n + 2] = NULL;
}

/* A hostNetwork pod, once scheduled: a namespace of its own for its
 * processes (its image, its resolv.conf, which the kubelet writes for a
 * hostNetwork pod: the node's under ClusterFirst, the cluster's under
 * ClusterFirstWithHostNet) whose network is the node's: every socket,
 * address and packet is the node's (client_net()).  It takes no address of
 * its own; its hostname is the node's. */
static void
host_network_pod(KnNet *net, const KnPod *pod, const char *key)
{
    KnNetns *node = pod->spec.node_name != NULL ? kn_net_node_of(net, pod->spec.node_name) : NULL;
    KnNetns *ns;

    if (node == NULL)
        return;
    ns = netns_new(net, KN_NETNS_POD, pod->meta.name, &node->addr);
    ns->shares = node;
    ns->namespace = g_strdup(pod->meta.namespace);
    ns->node = node;
    ns->lane = node->lane;
    if (pod->spec.containers->len > 0)
        ns->image = g_strdup(((KnContainer *) pod->spec.containers->pdata[0])->image);
    ns->client.image = ns->image;
    ns->client.hostname = node->name;
    ns->environ_at = kn_sim_now(net->sim);
    ns->started = pod->started;
    ns->start_time = pod->start_time;
    g_hash_table_insert(net->pods, g_strdup(key), ns);
}

/* A pod's namespace, made when the pod has an IP and a node. */
static void
pod_changed(KnNet *net, KnPod *pod)
{
    g_autofree char *key = g_strdup_printf("%s/%s", pod->meta.namespace, pod->meta.name);
    KnNetns *ns = g_hash_table_lookup(net->pods, key);
    KnAddr addr;

    if (pod->spec.host_network) {
        host_pod_changed(net, pod, FALSE);
        if (ns == NULL)
            host_network_pod(net, pod, key);
    }
    if (ns != NULL) {
        ns->started = pod->started;
        ns->start_time = pod->start_time;
        return;
    }
    if (pod->spec.host_network)
        return;
    if (pod->pod_ip == NULL || pod->spec.node_name == NULL || pod->spec.host_network
        || !kn_addr_parse(pod->pod_ip, &addr))
        return;
    KnNetns *node = NULL;

    for (guint i = 0; i < net->nodes->len; i++)
        if (strcmp(kn_netns_name(net->nodes->pdata[i]), pod->spec.node_name) == 0)
            node = net->nodes->pdata[i];
    if (node == NULL)
        return;
    ns = netns_new(net, KN_NETNS_POD, pod->meta.name, &addr);
    ns->namespace = g_strdup(pod->meta.namespace);
    ns->node = node;
    ns->lane = node->lane;
    ns->veth = g_strdup_printf("%s/veth%08x", node->name,
                               g_str_hash(pod->meta.uid != NULL ? pod->meta.uid : key));
    ns->veth_iface = strchr(ns->veth, '/') + 1;
    if (pod->spec.containers->len > 0)
        ns->image = g_strdup(((KnContainer *) pod->spec.containers->pdata[0])->image);
    ns->client.image = ns->image;
    ns->environ_at = kn_sim_now(net->sim);
    ns->started = pod->started;
    ns->start_time = pod->start_time;
    ns->apps = pod_apps(pod);
    g_hash_table_insert(net->pods, g_steal_pointer(&key), ns);
    addr_index_insert(net, ns);
}

static void
pod_deleted(KnNet *net, KnPod *pod)
{
    g_autofree char *key = g_strdup_printf("%s/%s", pod->meta.namespace, pod->meta.name);
    KnNetns *ns = g_hash_table_lookup(net->pods, key);

    if (pod->spec.host_network)
        host_pod_changed(net, pod, TRUE);

    if (ns == NULL)
        return;
    ns->alive = FALSE;
    g_hash_table_remove(net->pods, key);
    if (ns_by_addr(net, &ns->addr) == ns)
        addr_index_remove(net, &ns->addr);
}

KnNetns *
kn_net_pod(KnNet *net, const char *namespace, const char *name)
{
    g_autofree char *key = g_strdup_printf("%s/%s", namespace, name);

    return g_hash_table_lookup(net->pods, key);
}

static KnNetns *
find_named(GPtrArray *list, const char *name)
{
    for (guint i = 0; i < list->len; i++)
        if (strcmp(((KnNetns *) list->pdata[i])->name, name) == 0)
            return list->pdata[i];
    return NULL;
}

KnNetns *
kn_net_node(KnNet *net, const char *name)
{
    return find_named(net->nodes, name);
}

static KnNetns *
kn_net_node_of(KnNet *net, const char *name)
{
    return find_named(net->nodes, name);
}

KnNetns *
kn_net_host(KnNet *net, const char *name)
{
    return find_named(net->hosts, name);
}

KnNetnsKind
kn_netns_kind(const KnNetns *ns)
{
    return ns->kind;
}

const char *
kn_netns_name(const KnNetns *ns)
{
    return ns->name;
}

const char *
kn_netns_namespace(const KnNetns *ns)
{
    return ns->namespace;
}

KnNetns *
kn_netns_node(KnNetns *ns)
{
    return ns->node;
}

KnNetClient *
kn_netns_client(KnNetns *ns)
{
    return &ns->client;
}

/*****************************************************************************/
/* kube-proxy. */

const char *
kn_hook_name(KnHook hook)
{
    static const char *const names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

    return hook < G_N_ELEMENTS(names) ? names[hook] : "?";
}

/* The provider of 'mode', or NULL while knetsim has none for it. */
static const KnProxyClass *
proxy_class_for(KnProxyMode mode)
{
    switch (mode) {
    case KN_PROXY_MODE_IPTABLES:
        return &kn_proxy_iptables_class;
    case KN_PROXY_MODE_NFTABLES:
        return &kn_proxy_nftables_class;
    case KN_PROXY_MODE_IPVS:
        return &kn_proxy_ipvs_class;
    default:
        return NULL;
    }
}

static void on_sync(KnSim *sim, gpointer data);

static const KnEventClass sync_class = { "kube-proxy-sync", on_sync, NULL };

void
kn_net_sync(KnNet *net)
{
    guint n_rules = 0;

    net->last_sync = kn_sim_now(net->sim);
    if (net->proxy_class == NULL)
        return;
    if (net->proxy_class->sync_all != NULL) {
        g_autofree gpointer *proxies = g_new(gpointer, MAX(net->nodes->len, 1));

        for (guint i = 0; i < net->nodes->len; i++)
            proxies[i] = ((KnNetns *) net->nodes->pdata[i])->proxy;
        n_rules = net->proxy_class->sync_all(proxies, net->nodes->len);
        net->lanes[kn_sim_lane(net->sim)].stats.n_syncs += net->nodes->len;
    } else {
        for (guint i = 0; i < net->nodes->len; i++) {
            KnNetns *node = net->nodes->pdata[i];

            n_rules = net->proxy_class->sync(node->proxy);
            net->lanes[kn_sim_lane(net->sim)].stats.n_syncs++;
        }
    }
    if (!TRACING(net))
        return;
    note_place(net, "kube-proxy");
    note(net, KN_TRACE_APP, "rules synced (%s mode) on %u node%s; %s has %u", net->proxy_class->name,
         net->nodes->len, net->nodes->len == 1 ? "" : "s",
         net->nodes->len > 0 ? ((KnNetns *) net->nodes->pdata[net->nodes->len - 1])->name : "none", n_rules);
}

static void
on_sync(KnSim *sim, gpointer data)
{
    KnNet *net = data;

    (void) sim;
    net->sync_pending = FALSE;
    kn_net_sync(net);
}

/* A Service, EndpointSlice or Node changed: sync when the bounded-frequency
 * runner allows (at most once per min-sync-period). */
static void
schedule_sync(KnNet *net)
{
    KnTime now = kn_sim_now(net->sim);
    KnTime at = MAX(now, net->last_sync + MIN_SYNC_PERIOD);

    if (net->sync_pending || net->proxy_class == NULL)
        return;
    net->sync_pending = TRUE;
    kn_sim_schedule_at(net->sim, at, &sync_class, net);
}

static void
on_store_change(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object,
                gpointer user_data)
{
    KnNet *net = user_data;

    (void) store;
    switch (kind) {
    case KN_KIND_POD:
        if (event == KN_WATCH_DELETED)
            pod_deleted(net, object);
        else
            pod_changed(net, object);
        break;
    case KN_KIND_SERVICE:
    case KN_KIND_ENDPOINT_SLICE:
    case KN_KIND_NODE:
        schedule_sync(net);
        break;
    default:
        break;
    }
}

gpointer
kn_net_proxy(KnNet *net, const char *node, const KnProxyClass **klass)
{
    KnNetns *ns = kn_net_node(net, node);

    if (klass != NULL)
        *klass = net->proxy_class;
    return ns != NULL ? ns->proxy : NULL;
}

const KnProxyIrRuleset *
kn_net_node_rules(KnNet *net, const char *node)
{
    KnNetns *ns = kn_net_node(net, node);

    return ns != NULL && ns->node_cache != NULL ? kn_nodelocaldns_ruleset(ns->node_cache) : NULL;
}

static int node_iptables(KnNetns *ns, const KnProxyIrRuleset *proxy_rules, const char *const *argv,
                         GString *out, GString *err);

int
kn_net_node_iptables(KnNet *net, const char *node, const KnProxyIrRuleset *proxy_rules,
                     const char *const *argv, GString *out, GString *err)
{
    KnNetns *ns = kn_net_node(net, node);

    g_return_val_if_fail(ns != NULL, 1);
    return node_iptables(ns, proxy_rules, argv, out, err);
}

char *
kn_net_conntrack_list(KnNet *net, const char *node)
{
    KnNetns *ns = kn_net_node(net, node);

    return ns != NULL ? kn_conntrack_list(ns->ct, kn_sim_now(net->sim)) : g_strdup("");
}

/*****************************************************************************/
/* The node: hooks, routing, forwarding. */

typedef enum {
    ROUTE_LOCAL,                 /* to the node itself */
    ROUTE_POD,                   /* to one of its pods, over cni0 */
    ROUTE_OVERLAY,               /* to another node's pod subnet, over flannel.1 */
    ROUTE_NATIVE,                /* to another node's pod subnet, plain over eth0 */
    ROUTE_NODE,                  /* to another node's address */
    ROUTE_OUTSIDE,               /* to an outside host, via the default gateway */
    ROUTE_NOWHERE,               /* default gateway, where nobody has it */
} Route;

typedef struct {
    Route route;
    KnNetns *next;               /* the pod, node or host it goes to */
    const char *dev;             /* "cni0", "flannel.1", "eth0", "lo" */
    const KnAddr *src;           /* the address the route prefers as source: borrowed from
                                  * the node, or for a local route the destination asked */
} RouteResult;

/* node_has_addr() for an address other than IPv4.  Out of line: its
 * calls (memcmp) would make every IPv4 test save registers. */
G_NO_INLINE static gboolean
node_has_other_addr(const KnNetns *node, const KnAddr *addr)
{
    return kn_addr_equal(addr, &node->addr) || kn_addr_equal(addr, &node->cni0_addr)
           || kn_addr_equal(addr, &node->flannel_addr) || kn_addr_is_loopback(addr)
           || (node->node_cache != NULL && kn_nodelocaldns_has_addr(node->node_cache, addr))
           || (node->proxy_binds && node->net->proxy_class->is_bound(node->proxy, addr));
}

/* Whether 'addr' is one of the node's own.  Routing asks for every
 * packet: for IPv4 the tests are word compares, inline. */
static inline gboolean
node_has_addr(const KnNetns *node, const KnAddr *addr)
{
    if (G_UNLIKELY(addr->family != 4))
        return node_has_other_addr(node, addr);
    return kn_addr_equal(addr, &node->addr) || kn_addr_equal(addr, &node->cni0_addr)
           || kn_addr_equal(addr, &node->flannel_addr) || kn_addr_is_loopback(addr)
           || (node->node_cache != NULL && kn_nodelocaldns_has_addr(node->node_cache, addr))
           || (G_UNLIKELY(node->proxy_binds) && node->net->proxy_class->is_bound(node->proxy, addr));
}

static gboolean
is_local_cb(gpointer node, const KnAddr *addr)
{
    return node_has_addr(node, addr);
}

/* The node whose pod subnet holds 'addr', an address of the cluster's pod
 * network. */
static KnNetns *
node_of_pod_cidr(KnNet *net, const KnAddr *addr)
{
    guint32 value;

    if (addr->family != 4)
        return NULL;
    value = kn_addr_ipv4_value(addr);
    if (net->subnet_nodes != NULL)
        return net->subnet_nodes[(value - net->subnet_base) >> net->subnet_shift];
    return g_hash_table_lookup(net->subnets, GUINT_TO_POINTER(value & net->subnet_mask));
}

/* At most 2^MAX_SUBNET_BITS subnets in the pod network for an array of
 * its nodes (a /16 cut in /24s has 2^8). */
#define MAX_SUBNET_BITS 16

/* Makes net->subnet_nodes when the nodes' subnets are all of one size,
 * inside the pod network, and not too many. */
static void
subnet_index_build(KnNet *net)
{
    const KnCidr *all = &net->cluster_pod_cidr;
    guint len = 0;
    GHashTableIter iter;
    gpointer key, value;

    if (all->addr.family != 4 || g_hash_table_size(net->subnets) == 0)
        return;
    for (guint i = 0; i < net->nodes->len; i++) {
        const KnNetns *node = net->nodes->pdata[i];

        if (node->pod_cidr.addr.family != 4)
            continue;
        if ((len != 0 && node->pod_cidr.len != len) || !kn_cidr_contains(all, &node->pod_cidr.addr))
            return;
        len = node->pod_cidr.len;
    }
    if (len < all->len || len - all->len > MAX_SUBNET_BITS || len > 32)
        return;
    net->subnet_base = kn_addr_ipv4_value(&all->addr) & (all->len == 0 ? 0 : ~0u << (32 - all->len));
    net->subnet_shift = 32 - len;
    net->subnet_nodes = g_new0(KnNetns *, (gsize) 1 << (len - all->len));
    g_hash_table_iter_init(&iter, net->subnets);
    while (g_hash_table_iter_next(&iter, &key, &value))
        net->subnet_nodes[(GPOINTER_TO_UINT(key) - net->subnet_base) >> net->subnet_shift] = value;
}

/* Fills in '*r', the route 'node' takes to 'dst' (borrowed: a local
 * route's source is 'dst' itself).  Out, not returned: the caller's
 * struct is written once, not built and then copied. */
static void
route_lookup(KnNet *net, KnNetns *node, const KnAddr *dst, RouteResult *r)
{
    KnNetns *ns;

    *r = (RouteResult) { .route = ROUTE_NOWHERE, .dev = "eth0", .src = &node->addr };
    if (node_has_addr(node, dst)) {
        r->route = ROUTE_LOCAL;
        r->dev = "lo";
        r->src = dst;
        return;
    }
    if (kn_cidr_contains(&node->pod_cidr, dst)) {
        r->route = ROUTE_POD;
        r->next = ns_by_addr(net, dst);
        r->dev = "cni0";
        r->src = &node->cni0_addr;
        return;
    }
    if (kn_cidr_contains(&net->cluster_pod_cidr, dst) && (r->next = node_of_pod_cidr(net, dst))) {
        r->route = net->overlay ? ROUTE_OVERLAY : ROUTE_NATIVE;
        r->dev = net->overlay ? "flannel.1" : "eth0";
        r->src = net->overlay ? &node->flannel_addr : &node->addr;
        return;
    }
    ns = ns_by_addr(net, dst);
    if (ns != NULL && ns->kind == KN_NETNS_NODE) {
        r->route = ROUTE_NODE;
        r->next = ns;
    } else if (ns != NULL && ns->kind == KN_NETNS_HOST) {
        r->route = ROUTE_OUTSIDE;
        r->next = ns;
    }
}

/* The address a socket in node 'node' that talks to 'dst' takes as its
 * own: its route's preferred source. */
static KnAddr
route_source(KnNet *net, KnNetns *node, const KnAddr *dst)
{
    RouteResult route;

    route_lookup(net, node, dst, &route);
    return *route.src;
}

/* What a DROP or REJECT of kube-proxy's means, for --explain: the chain
 * that decided tells which of kube-proxy's filter rules it was
 * (syncProxyRules: the "has no endpoints" REJECT, the "has no local
 * endpoints" DROP, the loadBalancerSourceRanges firewall). */
static void
explain_verdict(KnNet *net, const KnProxyWalk *walk)
{
    const char *chain = walk->decided_by != NULL ? walk->decided_by : "";

    if (walk->verdict == KN_VERDICT_REJECT && strcmp(chain, "KUBE-IPVS-FILTER") == 0)
        note(net, KN_TRACE_VERDICT, "why: the address is a Service's, bound to kube-ipvs0, but no Service "
             "has this port and protocol on it (KUBE-IPVS-FILTER rejects new connections to anything of "
             "kube-ipvs0's that is not in its sets)");
    else if (walk->verdict == KN_VERDICT_REJECT && g_str_has_prefix(chain, "IPVS "))
        note(net, KN_TRACE_VERDICT, "why: the Service has no ready endpoint, so its IPVS virtual server has "
             "no real server, and IPVS answers ICMP port unreachable itself (ip_vs_leave): the client gets "
             "\"Connection refused\" at once");
    else if (walk->verdict == KN_VERDICT_REJECT)
        note(net, KN_TRACE_VERDICT, "why: the Service has no ready endpoint, so kube-proxy REJECTs in the "
             "filter table and the client gets \"Connection refused\" at once (tutorials often say such a "
             "Service times out; the real kube-proxy rejects, in iptables and nftables mode alike)");
    else if (strcmp(chain, "KUBE-EXTERNAL-SERVICES") == 0)
        note(net, KN_TRACE_VERDICT, "why: externalTrafficPolicy is Local and this node has no endpoint of "
             "the Service; kube-proxy drops rather than forward to another node (which would hide the "
             "client's address), so the client times out");
    else if (strcmp(chain, "KUBE-SERVICES") == 0)
        note(net, KN_TRACE_VERDICT, "why: internalTrafficPolicy is Local and this node has no endpoint of "
             "the Service, so kube-proxy drops the connection");
    else if (strcmp(chain, "service-endpoints-check") == 0 || strcmp(chain, "nodeport-endpoints-check") == 0)
        note(net, KN_TRACE_VERDICT, "why: a traffic policy of the Service is Local and this node has no "
             "endpoint of it; kube-proxy's @no-endpoint-services / @no-endpoint-nodeports map drops the "
             "packet, so the client times out");
    else if (g_str_has_prefix(chain, "firewall-"))
        note(net, KN_TRACE_VERDICT, "why: the client is outside the Service's loadBalancerSourceRanges "
             "(the firewall chain drops every other source)");
    else if (strcmp(chain, "KUBE-PROXY-FIREWALL") == 0)
        note(net, KN_TRACE_VERDICT, "why: the client is outside the Service's loadBalancerSourceRanges "
             "(KUBE-FW-… let it fall through to the firewall)");
}

/* Runs kube-proxy's tables at 'hook' for 'packet'; TRUE if it may go on.
 * For a REJECT, answers with ICMP port unreachable. */
static gboolean node_reject(KnNet *net, KnNetns *node, const KnPacket *packet, guint hops);

static gboolean
run_hook(KnNet *net, KnNetns *node, KnHook hook, KnPacket *packet, guint ct_state,
         const char *in_iface, const char *out_iface, KnProxyWalk *walk_out, guint hops)
{
    KnProxyWalk local, *walk = walk_out != NULL ? walk_out : &local;   /* built where it is wanted */

    /* Member by member rather than from a compound literal, which zeroes
     * the whole struct first (a string instruction of 18 stores); the DNAT
     * target is read only once 'dnat' is set, so it is left as it is. */
    walk->hook = hook;
    walk->packet = packet;
    walk->in_iface = in_iface;
    walk->out_iface = out_iface;
    walk->ct_state = ct_state;
    walk->now = kn_sim_now(net->sim);
    walk->rng = node->rng;
    walk->is_local = is_local_cb;
    walk->node = node;
    walk->trace = net->trace != NULL ? net->trace : net->log;
    walk->lane = node->lane;
    walk->verdict = KN_VERDICT_ACCEPT;
    walk->dnat = FALSE;
    walk->masquerade = FALSE;
    walk->notrack = FALSE;
    walk->accepted = FALSE;
    walk->random_fully = FALSE;
    walk->n_rules = 0;
    walk->decided_by = NULL;

    if (walk->trace != NULL) {
        kn_trace_set_time(walk->trace, kn_sim_now(net->sim));
        kn_trace_push(walk->trace);
    }
    /* node-local-dns's filter rules head INPUT and OUTPUT.  They accept
     * only what its raw rules untracked (the same addresses and ports),
     * which the nat table never sees: their ACCEPT ends the hook. */
    if (node->node_cache != NULL && (hook == KN_HOOK_INPUT || hook == KN_HOOK_OUTPUT)) {
        kn_proxy_ir_walk(kn_nodelocaldns_ruleset(node->node_cache), KN_PROXY_IR_FILTER, NULL, walk);
        if (walk->accepted && (ct_state & KN_CT_UNTRACKED)) {
            kn_trace_pop(walk->trace);
            STATS(node).n_rules += walk->n_rules;
            return TRUE;
        }
    }
    if (net->proxy_class == NULL || node->proxy == NULL) {
        kn_trace_pop(walk->trace);
        STATS(node).n_rules += walk->n_rules;
        return TRUE;
    }
    net->proxy_class->walk(node->proxy, walk);
    kn_trace_pop(walk->trace);
    STATS(node).n_rules += walk->n_rules;
    switch (walk->verdict) {
    case KN_VERDICT_ACCEPT:
        return TRUE;
    case KN_VERDICT_DROP:
        STATS(node).n_dropped++;
        note(net, KN_TRACE_VERDICT, "%s: DROP%s%s (%u rules evaluated)", kn_hook_name(hook),
             walk->decided_by != NULL ? " by " : "", walk->decided_by != NULL ? walk->decided_by : "",
             walk->n_rules);
        if (TRACING(net))
            explain_verdict(net, walk);
        break;
    case KN_VERDICT_REJECT:
        STATS(node).n_rejected++;
        note(net, KN_TRACE_VERDICT, "%s: REJECT%s%s, answered with ICMP port unreachable",
             kn_hook_name(hook), walk->decided_by != NULL ? " by " : "",
             walk->decided_by != NULL ? walk->decided_by : "");
        if (TRACING(net))
            explain_verdict(net, walk);
        node_reject(net, node, packet, hops);
        break;
    }
    return FALSE;
}

static void node_transmit(KnNet *net, KnNetns *node, KnPacket *packet, const RouteResult *route,
                          guint hops, const char *comment);

/* Whether 'addr' is in the cluster's Service range(s). */
static gboolean
in_service_range(KnNet *net, const KnAddr *addr)
{
    const KnScenario *scenario = net->cluster->scenario;
    KnCidr cidr;

    return (kn_cidr_parse(scenario->service_cidr, &cidr) && kn_cidr_contains(&cidr, addr))
           || (scenario->service_cidr_secondary != NULL
               && kn_cidr_parse(scenario->service_cidr_secondary, &cidr) && kn_cidr_contains(&cidr, addr));
}
static void deliver_local(KnNet *net, KnNetns *ns, KnPacket *packet);

/* The packet's conntrack state before NAT: finds or makes its entry. */
typedef struct {
    KnCtEntry *entry;            /* confirmed entry, or a new unconfirmed one;
                                  * NULL: no room for one (ct_table_full()) */
    gboolean is_new;
    gboolean reply;
} CtState;

static CtState
ct_begin(KnNet *net, KnNetns *node, KnPacket *packet, const guint32 *ct_hash)
{
    CtState cs = { 0 };
    KnCtTuple tuple;

    kn_conntrack_tuple_of(packet, &tuple);
    if (ct_hash != NULL)
        cs.entry = kn_conntrack_lookup_hashed(node->ct, &tuple, *ct_hash, kn_sim_now(net->sim), &cs.reply);
    else
        cs.entry = kn_conntrack_lookup(node->ct, &tuple, kn_sim_now(net->sim), &cs.reply);
    if (cs.entry == NULL && kn_conntrack_make_room(node->ct, &tuple, kn_sim_now(net->sim))) {
        cs.entry = kn_conntrack_entry_new(node->ct, &tuple);
        cs.is_new = TRUE;
    }
    return cs;
}

/* ct_begin() found no room for a new entry: the packet goes. */
static void
ct_table_full(KnNet *net, KnNetns *node, KnPacket *packet)
{
    STATS(node).n_dropped++;
    note(net, KN_TRACE_CONNTRACK, "conntrack: table full at nf_conntrack_max %u with no unassured entry "
         "to evict, packet dropped (the kernel logs \"nf_conntrack: table full, dropping packet\")",
         kn_conntrack_max(node->ct));
    kn_packet_free(packet);
}

/* The KN_CT_* bits the rules see.  Inline: each hook asks. */
static inline guint
ct_bits(const CtState *cs)
{
    /* NEW until a packet has gone the reply way: a second datagram from
     * one socket, a retransmitted SYN. */
    guint bits = cs->is_new || (!cs->reply && !cs->entry->seen_reply) ? KN_CT_NEW : KN_CT_ESTABLISHED;

    if (cs->is_new)
        bits |= KN_CT_UNCONFIRMED;

    if (cs->reply)
        bits |= KN_CT_REPLY;
    if (cs->entry->dnat)
        bits |= KN_CT_DNAT;
    if (cs->entry->snat)
        bits |= KN_CT_SNAT;
    return bits;
}

/* Applies the nat table's DNAT decision of 'walk' to a new connection. */
static void
ct_dnat(KnNet *net, CtState *cs, KnPacket *packet, KnProxyWalk *walk)
{
    char from[KN_ADDR_STRLEN + 8], to[KN_ADDR_STRLEN + 8];

    if (!walk->dnat)
        return;
    if (TRACING(net) || net->observer != NULL) {
        endpoint_text(&packet->dst, packet->dport, from);
        endpoint_text(&walk->dnat_addr, walk->dnat_port, to);
    }
    kn_conntrack_set_dnat(cs->entry, &walk->dnat_addr, walk->dnat_port);
    packet->dst = walk->dnat_addr;
    packet->dport = walk->dnat_port;
    if (!TRACING(net) && net->observer == NULL)
        return;
    story(net, "DNAT %s \u2192 %s%s%s", from, to, walk->decided_by != NULL ? " by " : "",
          walk->decided_by != NULL ? walk->decided_by : "");
    note(net, KN_TRACE_NAT, "DNAT %s -> %s%s%s (%u rules evaluated)", from, to,
         walk->decided_by != NULL ? " by " : "", walk->decided_by != NULL ? walk->decided_by : "",
         walk->n_rules);
}

/* ct_replay() for a NATted connection while someone listens: the
 * rewrite, told.  Out of line, so the quiet path sets up no buffers. */
G_NO_INLINE static void
ct_replay_told(KnNet *net, CtState *cs, KnPacket *packet)
{
    char before[KN_ADDR_STRLEN + 8], after[KN_ADDR_STRLEN + 8];

    endpoint_text(cs->reply ? &packet->src : &packet->dst, cs->reply ? packet->sport : packet->dport,
                  before);
    kn_conntrack_apply_nat(cs->entry, packet, cs->reply);
    endpoint_text(cs->reply ? &packet->src : &packet->dst, cs->reply ? packet->sport : packet->dport,
                  after);
    if (strcmp(before, after) != 0)
        story(net, "conntrack %s: %s %s \u2192 %s", cs->reply ? "reply" : "original",
              cs->reply ? "source" : "destination", before, after);
    if (TRACING(net) && strcmp(before, after) != 0)
        note(net, KN_TRACE_CONNTRACK, "conntrack: %s packet, %s %s -> %s",
             cs->reply ? "reply" : "original", cs->reply ? "source" : "destination", before, after);
    else if (TRACING(net) && cs->reply && cs->entry->snat)
        note(net, KN_TRACE_CONNTRACK, "conntrack: reply packet, destination back to the client");
    if (TRACING(net) && !cs->reply && !cs->entry->seen_reply && packet->proto == KN_IPPROTO_UDP
        && cs->entry->dnat && !net->race_explained) {
        net->race_explained = TRUE;
        note(net, KN_TRACE_CONNTRACK, "why: a second datagram from the same socket before any reply "
             "(glibc's and musl's A and AAAA) is still NEW, but it finds the entry the first one made and "
             "takes its DNAT: both reach the same backend.  On a real node two such packets handled at "
             "once on two CPUs can both miss the table, and the second insert clashes and is dropped: the "
             "conntrack race behind 5 s DNS timeouts, which newer kernels resolve");
    }
}

/* For a connection conntrack already knows: NAT as the entry says. */
static inline void
ct_replay(KnNet *net, CtState *cs, KnPacket *packet)
{
    if (!cs->entry->dnat && !cs->entry->snat)
        return;
    if (TRACING(net) || net->observer != NULL)
        ct_replay_told(net, cs, packet);
    else
        kn_conntrack_apply_nat(cs->entry, packet, cs->reply);
}

/* POSTROUTING for a new connection: kube-proxy's masquerade, flannel's.
 * The nat table sees only a connection's first packet, so the callers
 * ask only for 'cs' new: later packets pay for no call. */
static gboolean
postrouting(KnNet *net, KnNetns *node, CtState *cs, KnPacket *packet, const RouteResult *route,
            const char *in_iface, guint hops)
{
    KnProxyWalk walk;
    gboolean masquerade = FALSE;
    const char *by = NULL;

    g_assert(cs->is_new);
    if (!run_hook(net, node, KN_HOOK_POSTROUTING, packet, ct_bits(cs), in_iface, route->dev, &walk,
                  hops))
        return FALSE;
    if (walk.masquerade) {
        masquerade = TRUE;
        by = "KUBE-POSTROUTING";
    } else if (kn_cidr_contains(&net->cluster_pod_cidr, &packet->src)
               && !kn_cidr_contains(&net->cluster_pod_cidr, &packet->dst)
               && route->route != ROUTE_LOCAL && route->route != ROUTE_POD
               && (!net->cloud || !kn_addr_equal(&packet->src, &node->addr))) {
        /* FLANNEL-POSTRTG: pod traffic leaving the pod network; with VPC
         * addresses, the VPC CNI's AWS-SNAT-CHAIN-0 for traffic leaving the
         * VPC ("! -d VPC_CIDR -j SNAT --to-source NODE_IP"). */
        masquerade = TRUE;
        by = net->cloud ? "AWS-SNAT-CHAIN-0" : "FLANNEL-POSTRTG";
    }
    if (masquerade) {
        char before[KN_ADDR_STRLEN + 8] = "", after[KN_ADDR_STRLEN + 8] = "";
        guint16 port = (guint16) (1024 + kn_rng_below(node->rng, 65536 - 1024));

        if (TRACING(net) || net->observer != NULL)
            endpoint_text(&packet->src, packet->sport, before);
        kn_conntrack_set_snat(node->ct, cs->entry, route->src, port);
        packet->src = cs->entry->reply.dst;
        packet->sport = cs->entry->reply.dport;
        if (TRACING(net) || net->observer != NULL)
            endpoint_text(&packet->src, packet->sport, after);
        story(net, "MASQUERADE %s \u2192 %s by %s", before, after, by);
        note(net, KN_TRACE_NAT, "MASQUERADE %s -> %s by %s (source of the interface %s)", before,
             after, by, route->dev);
    }
    return TRUE;
}

/* Confirms a new connection's entry; FALSE if the insert clashed. */
G_NO_INLINE static gboolean
ct_confirm_new(KnNet *net, KnNetns *node, CtState *cs, const KnPacket *packet)
{
    KnTime now = kn_sim_now(net->sim);

    kn_conntrack_update(node->ct, cs->entry, packet->tcp_flags, FALSE, now);
    cs->entry->mark = packet->mark;
    if (!kn_conntrack_confirm(node->ct, cs->entry, now)) {
        STATS(node).n_dropped++;
        note(net, KN_TRACE_CONNTRACK, "conntrack: insert clash, packet dropped (insert_failed)");
        return FALSE;
    }
    cs->is_new = FALSE;
    /* The kernel's gc worker sweeps in the background; here every so many
     * new entries sweep the table, so no timer keeps the simulation busy. */
    if (++node->n_confirmed % CONNTRACK_GC_EVERY == 0)
        kn_conntrack_gc(node->ct, now);
    if (TRACING(net)) {
        g_autofree char *line = kn_conntrack_format(cs->entry, now);

        note(net, KN_TRACE_CONNTRACK, "conntrack: new entry %s", line);
    }
    return TRUE;
}

/* After the last hook: a known connection's entry is refreshed, a new
 * one's confirmed; FALSE if that clashed.  Inline: every packet passes. */
static inline gboolean
ct_confirm(KnNet *net, KnNetns *node, CtState *cs, const KnPacket *packet)
{
    if (cs->is_new)
        return ct_confirm_new(net, node, cs, packet);
    kn_conntrack_update(node->ct, cs->entry, packet->tcp_flags, cs->reply, kn_sim_now(net->sim));
    return TRUE;
}

static void
ct_abandon(KnNetns *node, CtState *cs)
{
    if (cs->is_new)
        kn_conntrack_entry_free(node->ct, cs->entry);
    cs->entry = NULL;
}

/* The raw table at 'hook' (PREROUTING or OUTPUT, priority -300, before
 * conntrack): only node-local-dns writes it.  TRUE if its NOTRACK took the
 * packet out of connection tracking. */
static gboolean
raw_notrack(KnNet *net, KnNetns *node, KnHook hook, KnPacket *packet, const char *in_iface)
{
    KnProxyWalk walk = {
        .hook = hook, .packet = packet, .in_iface = in_iface, .now = kn_sim_now(net->sim),
        .rng = node->rng, .is_local = is_local_cb, .node = node,
        .trace = net->trace != NULL ? net->trace : net->log, .lane = node->lane,
    };

    if (node->node_cache == NULL)
        return FALSE;
    if (walk.trace != NULL) {
        kn_trace_set_time(walk.trace, kn_sim_now(net->sim));
        kn_trace_push(walk.trace);
    }
    kn_proxy_ir_walk(kn_nodelocaldns_ruleset(node->node_cache), KN_PROXY_IR_RAW, NULL, &walk);
    kn_trace_pop(walk.trace);
    STATS(node).n_rules += walk.n_rules;
    if (walk.notrack) {
        story(net, "NOTRACK (raw %s): no conntrack entry, so no NAT", kn_hook_name(hook));
        note(net, KN_TRACE_CONNTRACK, "untracked: the raw table's NOTRACK skips conntrack, so kube-proxy's "
             "nat rules never see this packet (no DNAT, no masquerade) and no entry is made");
    }
    return walk.notrack;
}

/* Whether a packet from one of the node's pods ('from_pod') to 'dst' (as
 * the pod addressed it) crosses the node at layer 2: to another pod of the
 * node's subnet it goes over the cni0 bridge, where br_netfilter runs the
 * hooks but nothing routes it.  With VPC addresses every pod has a route
 * of its own, and everything is routed. */
static gboolean
bridged(const KnNet *net, const KnNetns *node, gboolean from_pod, const KnAddr *dst)
{
    return from_pod && !net->cloud && node->pod_cidr.addr.family != 0
           && kn_cidr_contains(&node->pod_cidr, dst);
}

/* ip_forward(): a routed packet loses one of its TTL before FORWARD; one
 * with none left goes (ICMP time exceeded is not modelled). */
static gboolean
forward_ttl(KnNet *net, KnPacket *packet)
{
    if (packet->ttl <= 1) {
        note(net, KN_TRACE_VERDICT, "TTL exceeded in transit: dropped");
        return FALSE;
    }
    packet->ttl--;
    return TRUE;
}

/* An untracked packet at 'node' after PREROUTING: routing, INPUT or FORWARD,
 * no nat and no conntrack confirmation. */
static void
node_receive_untracked(KnNet *net, KnNetns *node, KnPacket *packet, const char *in_iface,
                       gboolean from_pod, guint hops)
{
    RouteResult route;

    route_lookup(net, node, &packet->dst, &route);
    if (route.route == ROUTE_LOCAL) {
        if (!run_hook(net, node, KN_HOOK_INPUT, packet, KN_CT_UNTRACKED, in_iface, NULL, NULL, hops)) {
            kn_packet_free(packet);
            return;
        }
        deliver_local(net, node, packet);
        return;
    }
    if ((!bridged(net, node, from_pod, &packet->dst) && !forward_ttl(net, packet))
        || !run_hook(net, node, KN_HOOK_FORWARD, packet, KN_CT_UNTRACKED, in_iface, route.dev, NULL, hops)) {
        kn_packet_free(packet);
        return;
    }
    node_transmit(net, node, packet, &route, hops, NULL);
}

/* A packet arrives at 'node' on 'in_iface' ("eth0", "flannel.1", or a pod's
 * veth, 'from_pod'): PREROUTING, routing, then INPUT or FORWARD and
 * POSTROUTING.  'ct_hash', if not NULL, is its conntrack hash (from
 * prefetch_node()). */
static void
node_receive(KnNet *net, KnNetns *node, KnPacket *packet, const char *in_iface, gboolean from_pod,
             guint hops, const guint32 *ct_hash)
{
    CtState cs;
    KnProxyWalk walk;
    RouteResult route;
    gboolean l2;

    STATS(node).n_hops++;
    if (net->observer != NULL)
        g_string_truncate(net->story, 0);
    if (hops > MAX_HOPS) {
        note(net, KN_TRACE_VERDICT, "TTL exceeded: routing loop");
        kn_packet_free(packet);
        return;
    }
    if (TRACING(net)) {
        g_autofree char *text = summary(packet);

        note_place(net, node->name);
        note(net, KN_TRACE_HOP, "in %s: %s", in_iface, text);
    }
    if (node->node_cache != NULL && raw_notrack(net, node, KN_HOOK_PREROUTING, packet, in_iface)) {
        node_receive_untracked(net, node, packet, in_iface, from_pod, hops);
        return;
    }
    l2 = bridged(net, node, from_pod, &packet->dst);    /* the destination as sent */
    cs = ct_begin(net, node, packet, ct_hash);
    if (cs.entry == NULL) {
        ct_table_full(net, node, packet);
        return;
    }
    if (cs.is_new) {
        if (!run_hook(net, node, KN_HOOK_PREROUTING, packet, ct_bits(&cs), in_iface, NULL, &walk, hops)) {
            ct_abandon(node, &cs);
            kn_packet_free(packet);
            return;
        }
        ct_dnat(net, &cs, packet, &walk);
        kn_conntrack_prefetch(node->ct, &cs.entry->reply);   /* for the confirmation */
    } else {
        ct_replay(net, &cs, packet);
    }
    route_lookup(net, node, &packet->dst, &route);
    if (route.route == ROUTE_LOCAL) {
        if (!run_hook(net, node, KN_HOOK_INPUT, packet, ct_bits(&cs), in_iface, NULL, &walk, hops)) {
            ct_abandon(node, &cs);
            kn_packet_free(packet);
            return;
        }
        if (cs.is_new && walk.dnat) {
            /* IPVS at LOCAL_IN picked a real server: the packet leaves
             * again, to it (ip_vs_nat_xmit), through POSTROUTING. */
            ct_dnat(net, &cs, packet, &walk);
            route_lookup(net, node, &packet->dst, &route);
            if (!postrouting(net, node, &cs, packet, &route, in_iface, hops)
                || !ct_confirm(net, node, &cs, packet)) {
                ct_abandon(node, &cs);
                kn_packet_free(packet);
                return;
            }
            if (route.route == ROUTE_LOCAL)
                deliver_local(net, node, packet);
            else
                node_transmit(net, node, packet, &route, hops, NULL);
            return;
        }
        if (!ct_confirm(net, node, &cs, packet)) {
            ct_abandon(node, &cs);
            kn_packet_free(packet);
            return;
        }
        deliver_local(net, node, packet);
        return;
    }
    if ((!l2 && !forward_ttl(net, packet))
        || !run_hook(net, node, KN_HOOK_FORWARD, packet, ct_bits(&cs), in_iface, route.dev, NULL, hops)
        || (cs.is_new && !postrouting(net, node, &cs, packet, &route, in_iface, hops))
        || !ct_confirm(net, node, &cs, packet)) {
        ct_abandon(node, &cs);
        kn_packet_free(packet);
        return;
    }
    node_transmit(net, node, packet, &route, hops, NULL);
}

/* A packet made by a process in the node's own namespace: OUTPUT, routing,
 * POSTROUTING. */
static void
node_output(KnNet *net, KnNetns *node, KnPacket *packet, guint hops)
{
    CtState cs;
    KnProxyWalk walk;
    RouteResult route;

    if (net->observer != NULL)
        g_string_truncate(net->story, 0);
    if (TRACING(net)) {
        g_autofree char *text = summary(packet);

        note_place(net, node->name);
        note(net, KN_TRACE_HOP, "out (host network): %s", text);
    }
    if (node->node_cache != NULL && raw_notrack(net, node, KN_HOOK_OUTPUT, packet, NULL)) {
        /* OUTPUT's filter, routing; POSTROUTING's nat skips untracked packets. */
        if (!run_hook(net, node, KN_HOOK_OUTPUT, packet, KN_CT_UNTRACKED, NULL, NULL, NULL, hops)) {
            kn_packet_free(packet);
            return;
        }
        route_lookup(net, node, &packet->dst, &route);
        if (route.route == ROUTE_LOCAL)
            deliver_local(net, node, packet);
        else
            node_transmit(net, node, packet, &route, hops, NULL);
        return;
    }
    cs = ct_begin(net, node, packet, NULL);
    if (cs.entry == NULL) {
        ct_table_full(net, node, packet);
        return;
    }
    if (cs.is_new) {
        if (!run_hook(net, node, KN_HOOK_OUTPUT, packet, ct_bits(&cs), NULL, NULL, &walk, hops)) {
            ct_abandon(node, &cs);
            kn_packet_free(packet);
            return;
        }
        ct_dnat(net, &cs, packet, &walk);
    } else {
        ct_replay(net, &cs, packet);
        if (!run_hook(net, node, KN_HOOK_OUTPUT, packet, ct_bits(&cs), NULL, NULL, NULL, hops)) {
            ct_abandon(node, &cs);
            kn_packet_free(packet);
            return;
        }
    }
    route_lookup(net, node, &packet->dst, &route);
    if ((cs.is_new && !postrouting(net, node, &cs, packet, &route, NULL, hops))
        || !ct_confirm(net, node, &cs, packet)) {
        ct_abandon(node, &cs);
        kn_packet_free(packet);
        return;
    }
    if (route.route == ROUTE_LOCAL) {
        deliver_local(net, node, packet);
        return;
    }
    node_transmit(net, node, packet, &route, hops, NULL);
}

static KnTime
fabric_latency(KnNet *net, KnNetns *from, KnNetns *to)
{
    if (from->kind == KN_NETNS_HOST || to->kind == KN_NETNS_HOST)
        return net->external_latency;
    if (from->zone == to->zone)  /* interned: g_strcmp0() == 0 */
        return net->zone_latency;
    return net->cross_zone_latency;
}

/* The packet will reach node 'to' after a link's delay: starts loading
 * the conntrack slots its lookup and, for what may be a first packet (not
 * a TCP segment past the SYN), its confirmation will read, and the
 * namespace of the pod it is for (on that node), so the misses overlap the
 * events in between.  Returns the packet's conntrack hash, for its lookup
 * there. */
static guint32
prefetch_node(KnNet *net, const KnNetns *to, const KnPacket *packet)
{
    KnCtTuple tuple;
    guint32 hash;

    kn_conntrack_tuple_of(packet, &tuple);
    hash = kn_conntrack_prefetch(to->ct, &tuple);
    if (packet->proto != KN_IPPROTO_TCP || (packet->tcp_flags & (KN_TCP_SYN | KN_TCP_ACK)) == KN_TCP_SYN) {
        KnCtTuple inverse = { .src = tuple.dst, .dst = tuple.src, .sport = tuple.dport,
                              .dport = tuple.sport, .proto = tuple.proto };

        kn_conntrack_prefetch(to->ct, &inverse);
    }
    if (kn_cidr_contains(&to->pod_cidr, &packet->dst)) {
        const KnNetns *pod = ns_by_addr(net, &packet->dst);

        if (pod != NULL) {
            __builtin_prefetch(pod);
            __builtin_prefetch((const char *) pod + 64);
        }
    }
    return hash;
}

static gint64 sock_key(guint16 lport, const KnAddr *remote, guint16 rport);
static guint tcb_home(const KnNetns *ns, gint64 key);

/* The same for a packet on its way to a pod: its socket's slot and its
 * applications. */
static void
prefetch_pod(const KnNetns *to, const KnPacket *packet)
{
    if (to->tcbs != NULL && packet->proto == KN_IPPROTO_TCP)
        __builtin_prefetch(&to->tcbs[tcb_home(to, sock_key(packet->dport, &packet->src, packet->sport))]);
    if (to->apps != NULL)
        __builtin_prefetch(to->apps);   /* not ->data: that would wait for this load */
}

/* Puts a packet the node has routed on the wire. */
static void
node_transmit(KnNet *net, KnNetns *node, KnPacket *packet, const RouteResult *route, guint hops,
              const char *comment)
{
    char dst[KN_ADDR_STRLEN];

    if (comment != NULL)
        story(net, "%s", comment);      /* leads what the capture says of each wire */
    switch (route->route) {
    case ROUTE_POD:
        if (route->next == NULL || !route->next->alive) {
            note(net, KN_TRACE_VERDICT, "no pod has %s on cni0: the packet is lost",
                 kn_addr_format(&packet->dst, dst));
            STATS(node).n_dropped++;
            kn_packet_free(packet);
            return;
        }
        note(net, KN_TRACE_HOP, "out cni0 -> %s to pod %s", route->next->veth, route->next->name);
        observe(net, route->next->veth, packet, TRUE, "%s forwards it to pod %s over cni0", node->name,
                route->next->name);
        prefetch_pod(route->next, packet);
        send_after(net, net->veth_latency, route->next, ARRIVE_POD, packet, hops + 1);
        return;
    case ROUTE_OVERLAY: {
        KnNetns *to = route->next;
        KnEncap *outer = kn_encap_new();
        Arrival *arrival;
        KnTime delay;

        observe(net, node->flannel, packet, TRUE, "%s routes it into flannel.1 for node %s", node->name,
                to->name);
        mac_of(&node->addr, 0, outer->eth_src);
        mac_of(&to->addr, 0, outer->eth_dst);
        outer->src = node->addr;
        outer->dst = to->addr;
        outer->dport = VXLAN_PORT;
        outer->sport = (guint16) (32768 + (kn_addr_hash(&packet->src) ^ packet->sport
                                           ^ kn_addr_hash(&packet->dst) ^ packet->dport) % 28232);
        outer->vni = VXLAN_VNI;
        mac_of(&node->flannel_addr, 1, packet->eth_src);
        mac_of(&to->flannel_addr, 1, packet->eth_dst);
        packet->outer = outer;
        STATS(node).n_encapsulated++;
        note(net, KN_TRACE_HOP, "out flannel.1: VXLAN VNI %u, outer %s -> %s UDP %u (+%u bytes)",
             VXLAN_VNI, node->name, to->name, VXLAN_PORT, VXLAN_OVERHEAD);
        observe(net, node->eth0, packet, FALSE, "VXLAN VNI %u from %s to %s (outer headers +%u bytes)",
                VXLAN_VNI, node->name, to->name, VXLAN_OVERHEAD);
        delay = serialize_delay(net, node, kn_packet_frame_length(packet))
                + fabric_latency(net, node, to);
        arrival = send_after(net, delay, to, ARRIVE_NODE_OVERLAY, packet, hops + 1);
        if (to->lane == node->lane) {    /* another lane's node is its thread's alone */
            arrival->ct_hash = prefetch_node(net, to, packet);
            arrival->hashed = TRUE;
        }
        return;
    }
    case ROUTE_NATIVE:
    case ROUTE_NODE:
    case ROUTE_OUTSIDE: {
        KnNetns *to = route->next;
        Arrival *arrival;
        KnTime delay;

        note(net, KN_TRACE_HOP, "out eth0 -> %s %s", route->route == ROUTE_OUTSIDE ? "host" : "node",
             to->name);
        mac_of(&node->addr, 0, packet->eth_src);
        mac_of(&to->addr, 0, packet->eth_dst);
        observe(net, node->eth0, packet, TRUE, "%s sends it to %s %s", node->name,
                route->route == ROUTE_OUTSIDE ? "host" : "node", to->name);
        delay = serialize_delay(net, node, kn_packet_frame_length(packet))
                + fabric_latency(net, node, to);
        arrival = send_after(net, delay, to, route->route == ROUTE_OUTSIDE ? ARRIVE_HOST : ARRIVE_NODE,
                             packet, hops + 1);
        if (to->lane == node->lane) {    /* another lane's node is its thread's alone */
            arrival->ct_hash = prefetch_node(net, to, packet);
            arrival->hashed = TRUE;
        }
        return;
    }
    case ROUTE_LOCAL:
    case ROUTE_NOWHERE:
        break;
    }
    note(net, KN_TRACE_VERDICT, "no route to %s but the default gateway, which drops it",
         kn_addr_format(&packet->dst, dst));
    if (TRACING(net) && in_service_range(net, &packet->dst))
        note(net, KN_TRACE_VERDICT, "why: %s is a Service address, but no kube-proxy rule matched port %u; "
             "a ClusterIP is no real host, only its Service's ports are translated", dst, packet->dport);
    STATS(node).n_dropped++;
    kn_packet_free(packet);
}

/* ICMP port unreachable from 'node' for 'offending' (borrowed), as REJECT
 * sends it: from the address the packet was for, through OUTPUT. */
static gboolean
node_reject(KnNet *net, KnNetns *node, const KnPacket *offending, guint hops)
{
    KnPacket *icmp = kn_packet_new();
    RouteResult route;

    icmp->src = offending->dst;
    icmp->dst = offending->src;
    icmp->proto = KN_IPPROTO_ICMP;
    icmp->icmp_type = KN_ICMP_DEST_UNREACH;
    icmp->icmp_code = KN_ICMP_PORT_UNREACH;
    icmp->quoted = kn_packet_copy(offending);
    g_clear_pointer(&icmp->quoted->outer, kn_encap_free);
    STATS(node).n_packets++;
    route_lookup(net, node, &icmp->dst, &route);
    if (route.route == ROUTE_LOCAL) {
        deliver_local(net, node, icmp);
        return TRUE;
    }
    node_transmit(net, node, icmp, &route, hops, "ICMP port unreachable (REJECT)");
    return TRUE;
}

/*****************************************************************************/
/* Load balancers. */

/* The ready endpoints of 'service' on 'node' that kube-proxy counts: what
 * its health check server on healthCheckNodePort answers for ETP Local
 * (LocalReadyEndpoints).  Its endpoint map holds only slices' endpoints
 * under a port with a name and a number, and it counts addresses, once
 * each: a pod of a multi-port Service, or in two slices, is one. */
static guint
local_endpoints(KnNet *net, const KnService *service, const char *node)
{
    g_autoptr(GPtrArray) slices = kn_store_list(net->store, KN_KIND_ENDPOINT_SLICE,
                                                service->meta.namespace);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < slices->len; i++) {
        const KnEndpointSlice *slice = slices->pdata[i];
        gboolean ported = FALSE;

        if (g_strcmp0(kn_labels_get(slice->meta.labels, "kubernetes.io/service-name"),
                      service->meta.name) != 0)
            continue;
        for (guint j = 0; j < slice->ports->len; j++) {
            const KnEndpointPort *port = slice->ports->pdata[j];

            ported |= port->name != NULL && port->port != 0;
        }
        for (guint j = 0; ported && j < slice->endpoints->len; j++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[j];

            if (endpoint->ready && g_strcmp0(endpoint->node_name, node) == 0 && endpoint->addresses->len > 0)
                g_hash_table_add(seen, endpoint->addresses->pdata[0]);
        }
    }
    return g_hash_table_size(seen);
}

static const KnService *
service_of_lb_ip(KnNet *net, const KnAddr *addr)
{
    g_autoptr(GPtrArray) services = kn_store_list(net->store, KN_KIND_SERVICE, NULL);

    for (guint i = 0; i < services->len; i++) {
        const KnService *service = services->pdata[i];

        for (guint j = 0; j < service->load_balancer_ingress->len; j++) {
            KnAddr ip;

            if (kn_addr_parse(service->load_balancer_ingress->pdata[j], &ip) && kn_addr_equal(&ip, addr))
                return service;
        }
        /* spec.externalIPs: the cluster's admin routes them to the nodes;
         * here they reach nodes as a load balancer's address would. */
        for (guint j = 0; j < service->spec.external_ips->len; j++) {
            KnAddr ip;

            if (kn_addr_parse(service->spec.external_ips->pdata[j], &ip) && kn_addr_equal(&ip, addr))
                return service;
        }
    }
    return NULL;
}

/* The node a load balancer hands 'packet' to: among Ready nodes not
 * excluded from load balancers (kubeadm labels the control plane
 * node.kubernetes.io/exclude-from-external-load-balancers) and, for
 * externalTrafficPolicy Local, whose health check answers (a local ready
 * endpoint), MetalLB's announcing node (the lowest hash of node and address)
 * or, for a cloud, the node a per-flow hash picks.  NULL if none. */
static KnNetns *
lb_pick_node(KnNet *net, const KnPacket *packet)
{
    const KnService *service = service_of_lb_ip(net, &packet->dst);
    g_autoptr(GPtrArray) candidates = g_ptr_array_new();
    char ip[KN_ADDR_STRLEN];
    KnNetns *best = NULL;
    guint best_hash = 0;

    if (service == NULL)
        return NULL;
    kn_addr_format(&packet->dst, ip);
    for (guint i = 0; i < net->nodes->len; i++) {
        KnNetns *ns = net->nodes->pdata[i];
        const KnNode *node = kn_store_lookup(net->store, KN_KIND_NODE, NULL, ns->name);

        if (node == NULL || !node->ready
            || kn_labels_get(node->meta.labels, "node.kubernetes.io/exclude-from-external-load-balancers") != NULL)
            continue;
        if (service->spec.external_traffic_policy == KN_TRAFFIC_POLICY_LOCAL
            && local_endpoints(net, service, ns->name) == 0) {
            note(net, KN_TRACE_HOP, "load balancer health check: %s answers 503 on healthCheckNodePort %u "
                 "(no local endpoint), skipped", ns->name, service->spec.health_check_node_port);
            continue;
        }
        g_ptr_array_add(candidates, ns);
    }
    if (candidates->len == 0)
        return NULL;
    if (net->cluster->scenario->load_balancer == KN_LOAD_BALANCER_CLOUD) {
        guint flow = kn_addr_hash(&packet->src) ^ ((guint) packet->sport << 16 | packet->dport);

        return candidates->pdata[flow % candidates->len];
    }
    for (guint i = 0; i < candidates->len; i++) {
        KnNetns *ns = candidates->pdata[i];
        g_autofree char *key = g_strdup_printf("%s#%s", ns->name, ip);
        guint hash = g_str_hash(key);

        if (best == NULL || hash < best_hash) {
            best = ns;
            best_hash = hash;
        }
    }
    return best;
}

/*****************************************************************************/
/* Endpoints: sending from a namespace, delivering to one. */

static void pod_deliver(KnNet *net, KnNetns *ns, KnPacket *packet);

/* Sends a packet a process in 'ns' made. */
static void
ns_send(KnNetns *ns, KnPacket *packet)
{
    KnNet *net = ns->net;

    STATS(ns).n_packets++;
    if (ns->kind != KN_NETNS_HOST && packet->ttl == 0)
        packet->ttl = 64;
    if (ns->kind != KN_NETNS_NODE
        && (kn_addr_equal(&packet->dst, &ns->addr) || kn_addr_is_loopback(&packet->dst))) {
        /* The same namespace: lo (containers of one pod share it).  A node's
         * own traffic goes through its OUTPUT hook even to itself. */
        if (TRACING(net)) {
            g_autofree char *text = summary(packet);

            note_place(net, ns->name);
            note(net, KN_TRACE_HOP, "lo: %s", text);
        }
        send_after(net, 0, ns, ARRIVE_LOCAL, packet, 0);
        return;
    }
    switch (ns->kind) {
    case KN_NETNS_POD:
        memcpy(packet->eth_src, ns->mac, 6);
        mac_of(&ns->node->cni0_addr, 2, packet->eth_dst);
        if (TRACING(net)) {
            g_autofree char *text = summary(packet);

            note_place(net, ns->name);
            note(net, KN_TRACE_HOP, "eth0: %s", text);
        }
        observe(net, ns->eth0, packet, FALSE, "sent by pod %s", ns->name);
        observe(net, ns->veth, packet, FALSE, "enters node %s from pod %s", ns->node->name, ns->name);
        node_receive(net, ns->node, packet, ns->veth_iface, TRUE, 0, NULL);
        return;
    case KN_NETNS_NODE:
        node_output(net, ns, packet, 0);
        return;
    case KN_NETNS_HOST: {
        KnNetns *to = ns_by_addr(net, &packet->dst);
        char dst[KN_ADDR_STRLEN];

        if (TRACING(net)) {
            g_autofree char *text = summary(packet);

            note_place(net, ns->name);
            note(net, KN_TRACE_HOP, "eth0: %s", text);
        }
        memcpy(packet->eth_src, ns->mac, 6);
        observe(net, ns->eth0, packet, FALSE, "sent by host %s", ns->name);
        if (to == NULL || to->kind == KN_NETNS_POD) {
            /* A load balancer's address: the provider hands the packet to a
             * node, destination unchanged (MetalLB L2, a pass-through cloud LB). */
            KnNetns *lb_node = lb_pick_node(net, packet);

            if (lb_node != NULL) {
                note(net, KN_TRACE_HOP, "load balancer %s hands it to node %s",
                     kn_addr_format(&packet->dst, dst), lb_node->name);
                mac_of(&lb_node->addr, 0, packet->eth_dst);
                send_after(net, net->external_latency, lb_node, ARRIVE_NODE, packet, 1);
                return;
            }
            note(net, KN_TRACE_VERDICT, "%s is not reachable from outside the cluster",
                 kn_addr_format(&packet->dst, dst));
            STATS(ns).n_dropped++;
            kn_packet_free(packet);
            return;
        }
        mac_of(&to->addr, 0, packet->eth_dst);
        send_after(net, net->external_latency + serialize_delay(net, ns, kn_packet_frame_length(packet)),
                   to, to->kind == KN_NETNS_HOST ? ARRIVE_HOST : ARRIVE_NODE, packet, 1);
        return;
    }
    }
}

static void
on_arrival(KnSim *sim, gpointer data)
{
    Arrival *arrival = data;
    KnNetns *to = arrival->to;
    KnNet *net = to->net;
    KnPacket *packet = g_steal_pointer(&arrival->packet);

    (void) sim;
    switch (arrival->at) {
    case ARRIVE_NODE:
        observe(net, to->eth0, packet, FALSE, "arrives at node %s", to->name);
        node_receive(net, to, packet, "eth0", FALSE, arrival->hops, arrival->hashed ? &arrival->ct_hash : NULL);
        break;
    case ARRIVE_NODE_OVERLAY:
        observe(net, to->eth0, packet, FALSE, "VXLAN arrives at node %s", to->name);
        g_clear_pointer(&packet->outer, kn_encap_free);
        if (TRACING(net)) {
            note_place(net, to->name);
            note(net, KN_TRACE_HOP, "in eth0: VXLAN from the overlay, decapsulated to flannel.1");
        }
        observe(net, to->flannel, packet, FALSE, "decapsulated by flannel.1 on %s", to->name);
        node_receive(net, to, packet, "flannel.1", FALSE, arrival->hops,
                     arrival->hashed ? &arrival->ct_hash : NULL);
        break;
    case ARRIVE_POD:
        if (!to->alive) {
            kn_packet_free(packet);
            break;
        }
        memcpy(packet->eth_dst, to->mac, 6);
        observe(net, to->eth0, packet, FALSE, "delivered to pod %s", to->name);
        pod_deliver(net, to, packet);
        break;
    case ARRIVE_HOST:
    case ARRIVE_LOCAL:
        if (arrival->at == ARRIVE_HOST)
            observe(net, to->eth0, packet, FALSE, "arrives at host %s", to->name);
        pod_deliver(net, to, packet);
        break;
    }
    kn_spares_arm(&spares_exit, &spares_armed);
    arrival->next = spare_arrivals;
    spare_arrivals = arrival;
}

/* Delivery to the node's own stack: an event of its own (at once), so a
 * socket never sees its answer while it is still sending. */
static void
deliver_local(KnNet *net, KnNetns *ns, KnPacket *packet)
{
    send_after(net, 0, ns, ARRIVE_LOCAL, packet, 0);
}

/*****************************************************************************/
/* Applications: who listens, and what they answer. */

static const App *app_find(KnNetns *ns, guint8 proto, guint16 port);
static GBytes *upstream_answer(KnNet *net, const guint8 *data, gsize length);

/* Whether something in 'ns' listens on 'port' for 'proto'. */
static gboolean app_listens(KnNet *net, KnNetns *ns, guint8 proto, guint16 port);
/* node-local-dns: whether 'ns' is a node whose node-cache listens on
 * 'addr' port 'port'; a query for it from 'client':'client_port' to
 * 'local' (over TCP on the socket 'tcb_key', or UDP). */
static gboolean node_cache_listens(const KnNetns *ns, const KnAddr *addr, guint16 port);
static void node_cache_query(KnNet *net, KnNetns *node, GBytes *request, const KnAddr *client,
                             guint16 client_port, const KnAddr *local, gboolean tcp, gint64 tcb_key);
static void node_cache_tcp(KnNet *net, Tcb *tcb);
static KnCoreDns *pod_coredns(KnNet *net, KnNetns *ns);
/* The answer of the application on 'port' to 'request' (a complete
 * request); NULL if it does not answer.  New reference. */
#define CONTAINER_LOG_MAX (10 * 1024 * 1024)   /* the kubelet's containerLogMaxSize */

static GBytes *app_answer(KnNet *net, KnNetns *ns, guint8 proto, guint16 port, GBytes *request,
                          const KnAddr *client, guint16 client_port, gboolean probe);
/* Whether 'request' holds a whole request for the application on 'port'. */
static gboolean app_request_complete(GBytes *request);

/*****************************************************************************/
/* TCP. */

typedef enum {
    TCP_SYN_SENT,
    TCP_SYN_RECEIVED,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT,                /* we sent FIN */
    TCP_LAST_ACK,                /* we answered their FIN with ours */
    TCP_CLOSED,
} TcpState;

struct Tcb {
    gint64 key;                  /* local port << 48 | remote port << 32 | remote IPv4 */
    KnNetns *ns;
    KnAddr local, remote;
    guint16 lport, rport;
    TcpState state;
    gboolean server;
    guint32 snd_nxt, rcv_nxt;
    GByteArray *received;
    /* Client side. */
    KnTcpRequest request;        /* 'send' is a reference we hold */
    KnTcpDone done;
    gpointer user_data;
    KnTcpResult result;
    gboolean reported;
    guint syn_tries;
    KnEventId retransmit, deadline;
    gboolean has_retransmit, has_deadline;
    gboolean answered;           /* server: the response went out */
    gsize dns_consumed;          /* node-cache: bytes of 'received' taken as queries */
    guint dns_pending;           /* node-cache: those queries not answered yet */
};

static gint64
sock_key(guint16 lport, const KnAddr *remote, guint16 rport)
{
    return (gint64) ((guint64) lport << 48 | (guint64) rport << 32 | kn_addr_ipv4_value(remote));
}

/* Freed TCBs kept for the next connection, with their (emptied) receive
 * buffers, linked through 'user_data': every request opens two sockets.
 * Each thread keeps its own (the lanes of kn_net_set_lanes()) and frees
 * them as it exits. */
#define MAX_SPARE_TCBS 1024

static __thread Tcb *spare_tcbs;
static __thread guint n_spare_tcbs;

static void
spares_release(gpointer unused)
{
    (void) unused;
    while (spare_tcbs != NULL) {
        Tcb *next = spare_tcbs->user_data;

        g_byte_array_unref(spare_tcbs->received);
        g_free(spare_tcbs);
        spare_tcbs = next;
    }
    n_spare_tcbs = 0;
    while (spare_arrivals != NULL) {
        Arrival *next = spare_arrivals->next;

        g_free(spare_arrivals);
        spare_arrivals = next;
    }
}

/* A zeroed TCB with an empty 'received'.  Free with tcb_free(). */
static Tcb *
tcb_new(void)
{
    Tcb *tcb = spare_tcbs;
    GByteArray *received;

    if (tcb == NULL) {
        tcb = g_new0(Tcb, 1);
        tcb->received = g_byte_array_new();
        return tcb;
    }
    spare_tcbs = tcb->user_data;
    n_spare_tcbs--;
    received = tcb->received;
    memset(tcb, 0, sizeof *tcb);
    tcb->received = received;
    return tcb;
}

static void
tcb_free(gpointer data)
{
    Tcb *tcb = data;

    if (tcb->has_retransmit)
        kn_sim_cancel(tcb->ns->net->sim, tcb->retransmit);
    if (tcb->has_deadline)
        kn_sim_cancel(tcb->ns->net->sim, tcb->deadline);
    if (tcb->request.send != NULL)
        g_bytes_unref(tcb->request.send);
    if (tcb->result.received != NULL)
        g_bytes_unref(tcb->result.received);
    if (n_spare_tcbs < MAX_SPARE_TCBS) {
        kn_spares_arm(&spares_exit, &spares_armed);
        g_byte_array_set_size(tcb->received, 0);
        tcb->user_data = spare_tcbs;
        spare_tcbs = tcb;
        n_spare_tcbs++;
        return;
    }
    g_byte_array_unref(tcb->received);
    g_free(tcb);
}

/* The socket table: linear probing on a mix of the key, at most half
 * full, backward-shift deletion. */
static guint
tcb_home(const KnNetns *ns, gint64 key)
{
    guint64 x = (guint64) key * 0x9e3779b97f4a7c15ull;

    return (guint) (x >> 32 ^ x) & ns->tcbs_mask;
}

/* The slot of 'key', or the empty slot where it would go; the table must
 * exist. */
static guint
tcb_slot(const KnNetns *ns, gint64 key)
{
    guint i = tcb_home(ns, key);

    while (ns->tcbs[i].tcb != NULL && ns->tcbs[i].key != key)
        i = (i + 1) & ns->tcbs_mask;
    return i;
}

static Tcb *
tcb_find(const KnNetns *ns, gint64 key)
{
    return ns->tcbs != NULL ? ns->tcbs[tcb_slot(ns, key)].tcb : NULL;
}

static void
tcb_resize(KnNetns *ns, guint n_slots)
{
    TcbSlot *old = ns->tcbs;
    guint n_old = old != NULL ? ns->tcbs_mask + 1 : 0;

    ns->tcbs = g_new0(TcbSlot, n_slots);
    ns->tcbs_mask = n_slots - 1;
    for (guint i = 0; i < n_old; i++)
        if (old[i].tcb != NULL)
            ns->tcbs[tcb_slot(ns, old[i].key)] = old[i];
    g_free(old);
}

/* Adds 'tcb' under its key, which no socket of its namespace has. */
static void
tcb_insert(KnNetns *ns, Tcb *tcb)
{
    if (ns->tcbs == NULL)
        tcb_resize(ns, 8);
    else if ((ns->n_tcbs + 1) * 2 > ns->tcbs_mask + 1)
        tcb_resize(ns, (ns->tcbs_mask + 1) * 2);

    guint i = tcb_slot(ns, tcb->key);

    g_assert(ns->tcbs[i].tcb == NULL);
    ns->tcbs[i] = (TcbSlot) { .key = tcb->key, .tcb = tcb };
    ns->n_tcbs++;
}

static Tcb *
tcb_lookup(KnNetns *ns, const KnPacket *packet)
{
    return tcb_find(ns, sock_key(packet->dport, &packet->src, packet->sport));
}

/* Takes 'tcb' out of its namespace's table and frees it. */
static void
tcb_remove(Tcb *tcb)
{
    KnNetns *ns = tcb->ns;
    guint i = tcb_slot(ns, tcb->key);

    g_assert(ns->tcbs[i].tcb == tcb);
    ns->tcbs[i].tcb = NULL;
    ns->n_tcbs--;
    for (guint j = (i + 1) & ns->tcbs_mask; ns->tcbs[j].tcb != NULL; j = (j + 1) & ns->tcbs_mask) {
        guint home = tcb_home(ns, ns->tcbs[j].key);

        if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
            continue;
        ns->tcbs[i] = ns->tcbs[j];
        ns->tcbs[j].tcb = NULL;
        i = j;
    }
    tcb_free(tcb);
}

static guint
mss_of(KnNet *net)
{
    return net->pod_mtu - 40;
}

/* Sends a segment whose payload is 'bytes' (borrowed; NULL: none). */
static void
tcp_send_bytes(Tcb *tcb, guint8 flags, GBytes *bytes)
{
    KnPacket *packet = kn_packet_new();
    gsize length = bytes != NULL ? g_bytes_get_size(bytes) : 0;

    packet->src = tcb->local;
    packet->dst = tcb->remote;
    packet->proto = KN_IPPROTO_TCP;
    packet->sport = tcb->lport;
    packet->dport = tcb->rport;
    packet->seq = tcb->snd_nxt;
    packet->ack = (flags & KN_TCP_ACK) ? tcb->rcv_nxt : 0;
    packet->tcp_flags = flags;
    packet->window = 64240;
    if (flags & KN_TCP_SYN)
        packet->mss = (guint16) mss_of(tcb->ns->net);
    if (length > 0)
        kn_packet_set_payload_bytes(packet, bytes);
    tcb->snd_nxt += (guint32) length + ((flags & (KN_TCP_SYN | KN_TCP_FIN)) ? 1 : 0);
    ns_send(tcb->ns, packet);
}

static void
tcp_send(Tcb *tcb, guint8 flags, const guint8 *data, gsize length)
{
    g_autoptr(GBytes) bytes = length > 0 ? g_bytes_new(data, length) : NULL;

    tcp_send_bytes(tcb, flags, bytes);
}

/* Sends 'bytes' as MSS-sized segments, PSH on the last. */
static void
tcp_send_data(Tcb *tcb, GBytes *bytes)
{
    gsize length = g_bytes_get_size(bytes);
    guint mss = mss_of(tcb->ns->net);

    for (gsize off = 0; off < length; off += mss) {
        gsize n = MIN(mss, length - off);
        g_autoptr(GBytes) segment = g_bytes_new_from_bytes(bytes, off, n);

        tcp_send_bytes(tcb, KN_TCP_ACK | (off + n == length ? KN_TCP_PSH : 0), segment);
    }
}

static void
client_report(Tcb *tcb, KnNetStatus status)
{
    KnNet *net = tcb->ns->net;

    if (tcb->reported)
        return;
    tcb->reported = TRUE;
    tcb->result.status = status;
    tcb->result.finished = kn_sim_now(net->sim);
    if (tcb->result.received != NULL)
        g_bytes_unref(tcb->result.received);
    tcb->result.received = g_byte_array_free_to_bytes(g_byte_array_ref(tcb->received));
    g_byte_array_set_size(tcb->received, 0);
    if (tcb->has_retransmit) {
        kn_sim_cancel(net->sim, tcb->retransmit);
        tcb->has_retransmit = FALSE;
    }
    if (tcb->has_deadline) {
        kn_sim_cancel(net->sim, tcb->deadline);
        tcb->has_deadline = FALSE;
    }
    tcb->done(&tcb->result, tcb->user_data);
}

static void on_retransmit(KnSim *sim, gpointer data);
static void on_deadline(KnSim *sim, gpointer data);

static const KnEventClass retransmit_class = { "tcp-syn-retransmit", on_retransmit, NULL };
static const KnEventClass deadline_class = { "tcp-deadline", on_deadline, NULL };

static void
on_retransmit(KnSim *sim, gpointer data)
{
    Tcb *tcb = data;

    tcb->has_retransmit = FALSE;
    if (tcb->state != TCP_SYN_SENT)
        return;
    if (TRACING(tcb->ns->net))
        note_place(tcb->ns->net, tcb->ns->name);
    if (tcb->syn_tries > SYN_RETRIES) {
        note(tcb->ns->net, KN_TRACE_APP, "connect() gave up after %u SYNs: timed out",
             tcb->syn_tries);
        client_report(tcb, KN_NET_CONNECT_TIMEOUT);
        tcb_remove(tcb);
        return;
    }
    note(tcb->ns->net, KN_TRACE_APP, "no answer to the SYN: retransmission %u", tcb->syn_tries);
    tcb->snd_nxt--;              /* the SYN again, same sequence number */
    tcp_send(tcb, KN_TCP_SYN, NULL, 0);
    tcb->retransmit = kn_sim_schedule_in(sim, (KnTime) KN_SEC << tcb->syn_tries, &retransmit_class,
                                         tcb);
    tcb->has_retransmit = TRUE;
    tcb->syn_tries++;
}

static void
on_deadline(KnSim *sim, gpointer data)
{
    Tcb *tcb = data;

    (void) sim;
    tcb->has_deadline = FALSE;
    if (TRACING(tcb->ns->net))
        note_place(tcb->ns->net, tcb->ns->name);
    note(tcb->ns->net, KN_TRACE_APP, "%s timeout", tcb->state == TCP_SYN_SENT ? "connect" : "transfer");
    client_report(tcb, tcb->state == TCP_SYN_SENT ? KN_NET_CONNECT_TIMEOUT : KN_NET_TIMEOUT);
    if (tcb->state != TCP_SYN_SENT && tcb->state != TCP_CLOSED)
        tcp_send(tcb, KN_TCP_RST | KN_TCP_ACK, NULL, 0);
    tcb_remove(tcb);
}

/* The slot of UDP port 'port' of 'ns'; NULL if nothing uses the port. */
static UdpSlot *
udp_slot_find(const KnNetns *ns, guint16 port)
{
    guint32 key = (guint32) port + 1;

    if (ns->udp_slots == NULL)
        return NULL;
    for (guint i = key & ns->udp_mask;; i = (i + 1) & ns->udp_mask) {
        if (ns->udp_slots[i].key == key)
            return &ns->udp_slots[i];
        if (ns->udp_slots[i].key == 0)
            return NULL;
    }
}

static gboolean
udp_port_busy(const KnNetns *ns, guint16 port)
{
    return udp_slot_find(ns, port) != NULL;
}

static void
udp_resize(KnNetns *ns, guint n_slots)
{
    UdpSlot *old = ns->udp_slots;
    guint n_old = old != NULL ? ns->udp_mask + 1 : 0;

    ns->udp_slots = g_new0(UdpSlot, n_slots);
    ns->udp_mask = n_slots - 1;
    for (guint i = 0; i < n_old; i++) {
        guint j = old[i].key & ns->udp_mask;

        if (old[i].key == 0)
            continue;
        while (ns->udp_slots[j].key != 0)
            j = (j + 1) & ns->udp_mask;
        ns->udp_slots[j] = old[i];
    }
    g_free(old);
}

/* The slot of 'port' of 'ns', added empty if there is none.  Valid until
 * the next slot is added or released. */
static UdpSlot *
udp_slot_get(KnNetns *ns, guint16 port)
{
    UdpSlot *slot = udp_slot_find(ns, port);
    guint i;

    if (slot != NULL)
        return slot;
    if (ns->udp_slots == NULL)
        udp_resize(ns, 8);
    else if ((ns->n_udp + 1) * 2 > ns->udp_mask + 1)
        udp_resize(ns, (ns->udp_mask + 1) * 2);
    for (i = ((guint32) port + 1) & ns->udp_mask; ns->udp_slots[i].key != 0; i = (i + 1) & ns->udp_mask)
        ;
    ns->udp_slots[i] = (UdpSlot) { .key = (guint32) port + 1 };
    ns->n_udp++;
    return &ns->udp_slots[i];
}

/* Frees 'slot' of 'ns' once nothing uses its port. */
static void
udp_slot_release(KnNetns *ns, UdpSlot *slot)
{
    guint i = (guint) (slot - ns->udp_slots);

    if (slot->bound || slot->waits != NULL)
        return;
    *slot = (UdpSlot) { 0 };
    ns->n_udp--;
    /* Backward shift: the slots after it that probed past 'i' move up. */
    for (guint j = (i + 1) & ns->udp_mask; ns->udp_slots[j].key != 0; j = (j + 1) & ns->udp_mask) {
        guint home = ns->udp_slots[j].key & ns->udp_mask;

        if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
            continue;
        ns->udp_slots[i] = ns->udp_slots[j];
        ns->udp_slots[j] = (UdpSlot) { 0 };
        i = j;
    }
}

static guint16
ephemeral_port(KnNetns *ns, const KnAddr *remote, guint16 rport)
{
    for (guint tries = 0; tries < EPHEMERAL_HIGH - EPHEMERAL_LOW; tries++) {
        guint16 port = (guint16) ns->next_port;
        gint64 key = sock_key(port, remote, rport);

        ns->next_port = ns->next_port >= EPHEMERAL_HIGH ? EPHEMERAL_LOW : ns->next_port + 1;
        if (tcb_find(ns, key) == NULL && !udp_port_busy(ns, port))
            return port;
    }
    return 0;
}

static void
client_tcp_exchange(gpointer self, const KnTcpRequest *request, KnTcpDone done, gpointer user_data)
{
    KnNetns *ns = client_net(self);
    KnNet *net = ns->net;
    Tcb *tcb = tcb_new();
    KnTime now = kn_sim_now(net->sim);

    tcb->ns = ns;
    tcb->local = ns->kind == KN_NETNS_NODE ? route_source(net, ns, &request->dst) : ns->addr;
    tcb->remote = request->dst;
    tcb->rport = request->port;
    tcb->lport = ephemeral_port(ns, &request->dst, request->port);
    tcb->key = sock_key(tcb->lport, &tcb->remote, tcb->rport);
    tcb->state = TCP_SYN_SENT;
    tcb->request = *request;
    if (request->send != NULL)
        tcb->request.send = g_bytes_ref(request->send);
    tcb->done = done;
    tcb->user_data = user_data;
    tcb->result.local = tcb->local;
    tcb->result.local_port = tcb->lport;
    tcb->result.started = now;
    tcb->snd_nxt = ns->next_isn;
    ns->next_isn += 64000;
    tcb_insert(ns, tcb);
    tcp_send(tcb, KN_TCP_SYN, NULL, 0);
    tcb->syn_tries = 1;
    tcb->retransmit = kn_sim_schedule_in(net->sim, KN_SEC, &retransmit_class, tcb);
    tcb->has_retransmit = TRUE;
    if (request->connect_timeout > 0 || request->max_time > 0) {
        KnTime limit = request->connect_timeout > 0 ? request->connect_timeout : request->max_time;

        tcb->deadline = kn_sim_schedule_in(net->sim, limit, &deadline_class, tcb);
        tcb->has_deadline = TRUE;
    }
}

/* The first 'needle' (of 'm' bytes, the first a '\r') in the 'n' bytes at
 * 'text', or NULL: memchr() skips to each candidate. */
static const char *
find_text(const char *text, gsize n, const char *needle, gsize m)
{
    const char *end = text + n, *p = text;

    while (n >= m && (p = memchr(p, needle[0], (gsize) (end - p) - m + 1)) != NULL) {
        if (memcmp(p, needle, m) == 0)
            return p;
        p++;
        if ((gsize) (end - p) < m)
            break;
    }
    return NULL;
}

/* Whether the HTTP response in 'data' is complete: its headers, then as
 * many bytes as Content-Length says, unless it answers a HEAD ('head') or
 * is a 1xx, 204 or 304, which have no body (RFC 9112 section 6.3). */
static gboolean
http_complete(const GByteArray *data, gboolean head)
{
    const char *text = (const char *) data->data;
    /* As g_strstr_len() looks: up to a NUL. */
    gsize n = text != NULL ? strnlen(text, data->len) : 0;
    const char *end = find_text(text, n, "\r\n\r\n", 4);
    const char *length;

    if (end == NULL)
        return FALSE;
    if (head || (data->len > 12 && (text[9] == '1' || strncmp(text + 9, "204", 3) == 0
                                    || strncmp(text + 9, "304", 3) == 0)))
        return TRUE;
    length = find_text(text, end - text, "\r\nContent-Length: ", 18);
    if (length == NULL)
        length = find_text(text, end - text, "\r\ncontent-length: ", 18);
    if (length == NULL)
        return TRUE;
    return (gsize) (end + 4 - text) + g_ascii_strtoull(length + 18, NULL, 10) <= data->len;
}

static void
tcp_client_input(Tcb *tcb, const KnPacket *packet)
{
    KnNet *net = tcb->ns->net;
    KnTime now = kn_sim_now(net->sim);

    if (packet->tcp_flags & KN_TCP_RST) {
        note(net, KN_TRACE_APP, "%s", tcb->state == TCP_SYN_SENT ? "connection refused (RST)"
                                                                  : "connection reset by peer");
        client_report(tcb, tcb->state == TCP_SYN_SENT ? KN_NET_REFUSED : KN_NET_RESET);
        tcb_remove(tcb);
        return;
    }
    switch (tcb->state) {
    case TCP_SYN_SENT:
        if ((packet->tcp_flags & (KN_TCP_SYN | KN_TCP_ACK)) != (KN_TCP_SYN | KN_TCP_ACK))
            return;
        tcb->rcv_nxt = packet->seq + 1;
        tcb->state = TCP_ESTABLISHED;
        tcb->result.connected = now;
        if (tcb->has_retransmit) {
            kn_sim_cancel(net->sim, tcb->retransmit);
            tcb->has_retransmit = FALSE;
        }
        if (tcb->has_deadline) {
            kn_sim_cancel(net->sim, tcb->deadline);
            tcb->has_deadline = FALSE;
        }
        if (tcb->request.max_time > 0 && now - tcb->result.started < tcb->request.max_time) {
            tcb->deadline = kn_sim_schedule_in(net->sim, tcb->request.max_time - (now - tcb->result.started),
                                               &deadline_class, tcb);
            tcb->has_deadline = TRUE;
        }
        tcp_send(tcb, KN_TCP_ACK, NULL, 0);
        if (tcb->request.send != NULL && g_bytes_get_size(tcb->request.send) > 0) {
            tcp_send_data(tcb, tcb->request.send);
        } else {
            client_report(tcb, KN_NET_OK);
            tcb->state = TCP_FIN_WAIT;
            tcp_send(tcb, KN_TCP_FIN | KN_TCP_ACK, NULL, 0);
        }
        return;
    case TCP_ESTABLISHED:
        if (packet->payload_len > 0) {
            gsize have = packet->payload != NULL ? g_bytes_get_size(packet->payload) : 0;

            if (tcb->received->len == 0)
                tcb->result.first_byte = now;
            if (have > 0)
                g_byte_array_append(tcb->received, g_bytes_get_data(packet->payload, NULL), have);
            if (packet->payload_len > have) {
                g_byte_array_set_size(tcb->received, tcb->received->len + packet->payload_len - have);
                memset(tcb->received->data + tcb->received->len - (packet->payload_len - have), 0,
                       packet->payload_len - have);
            }
            tcb->rcv_nxt = packet->seq + packet->payload_len;
        }
        if (packet->tcp_flags & KN_TCP_FIN) {
            tcb->rcv_nxt++;
            client_report(tcb, KN_NET_OK);
            tcb->state = TCP_LAST_ACK;
            tcp_send(tcb, KN_TCP_FIN | KN_TCP_ACK, NULL, 0);
            return;
        }
        if (tcb->request.http && (packet->tcp_flags & KN_TCP_PSH)
            && http_complete(tcb->received, tcb->request.send != NULL
                             && g_bytes_get_size(tcb->request.send) > 5
                             && memcmp(g_bytes_get_data(tcb->request.send, NULL), "HEAD ", 5) == 0)) {
            client_report(tcb, KN_NET_OK);
            tcb->state = TCP_FIN_WAIT;
            tcp_send(tcb, KN_TCP_FIN | KN_TCP_ACK, NULL, 0);
            return;
        }
        if (packet->tcp_flags & KN_TCP_PSH)
            tcp_send(tcb, KN_TCP_ACK, NULL, 0);
        return;
    case TCP_FIN_WAIT:
        if (packet->tcp_flags & KN_TCP_FIN) {
            tcb->rcv_nxt = packet->seq + packet->payload_len + 1;
            tcp_send(tcb, KN_TCP_ACK, NULL, 0);
            tcb_remove(tcb);
        }
        return;
    case TCP_LAST_ACK:
        if (packet->tcp_flags & KN_TCP_ACK)
            tcb_remove(tcb);
        return;
    default:
        return;
    }
}

/* DNS over TCP (RFC 7766): each message has a two-byte length before it.
 * Once every query received is whole, answers them all and closes, as a
 * stub resolver's one-shot connection expects.  TRUE if it answered (and
 * the TCB may be gone). */
static gboolean
dns_tcp_answer(KnNet *net, Tcb *tcb)
{
    const guint8 *data = tcb->received->data;
    gsize length = tcb->received->len, at = 0;
    g_autoptr(GByteArray) out = g_byte_array_new();

    while (at + 2 <= length) {
        gsize n = (gsize) data[at] << 8 | data[at + 1];
        g_autoptr(GBytes) answer = NULL;

        if (at + 2 + n > length)
            return FALSE;        /* wait for the rest */
        answer = upstream_answer(net, data + at + 2, n);
        if (answer != NULL) {
            guint8 prefix[2] = { g_bytes_get_size(answer) >> 8, g_bytes_get_size(answer) & 0xff };

            g_byte_array_append(out, prefix, 2);
            g_byte_array_append(out, g_bytes_get_data(answer, NULL), g_bytes_get_size(answer));
        }
        at += 2 + n;
    }
    if (at == 0)
        return FALSE;
    tcb->answered = TRUE;
    if (out->len > 0) {
        g_autoptr(GBytes) bytes = g_bytes_new(out->data, out->len);

        tcp_send_data(tcb, bytes);
    }
    tcb->state = TCP_FIN_WAIT;
    tcp_send(tcb, KN_TCP_FIN | KN_TCP_ACK, NULL, 0);
    return TRUE;
}

static void
tcp_server_input(Tcb *tcb, const KnPacket *packet)
{
    KnNet *net = tcb->ns->net;

    if (packet->tcp_flags & KN_TCP_RST) {
        tcb_remove(tcb);
        return;
    }
    if (packet->payload_len > 0) {
        if (packet->payload != NULL)
            g_byte_array_append(tcb->received, g_bytes_get_data(packet->payload, NULL),
                                g_bytes_get_size(packet->payload));
        tcb->rcv_nxt = packet->seq + packet->payload_len;
        tcb->state = TCP_ESTABLISHED;
        /* Borrowed from 'received' for the calls below, which keep no reference. */
        g_autoptr(GBytes) request = g_bytes_new_static(tcb->received->data, tcb->received->len);
        const App *app = app_find(tcb->ns, KN_IPPROTO_TCP, tcb->lport);

        if (!tcb->answered && app != NULL && app->listener.server == KN_SERVER_COREDNS_DNS) {
            if (pod_coredns(net, tcb->ns) != NULL)
                node_cache_tcp(net, tcb);
        } else if (!tcb->answered && app != NULL && app->listener.server == KN_SERVER_UPSTREAM_DNS) {
            if (dns_tcp_answer(net, tcb))
                return;
        } else if (!tcb->answered && node_cache_listens(tcb->ns, &tcb->local, tcb->lport)) {
            node_cache_tcp(net, tcb);
        } else if (!tcb->answered && app_request_complete(request)) {
            g_autoptr(GBytes) answer = app_answer(net, tcb->ns, KN_IPPROTO_TCP, tcb->lport, request,
                                                  &tcb->remote, tcb->rport, FALSE);

            tcb->answered = TRUE;
            if (TRACING(net)) {
                char client[KN_ADDR_STRLEN + 8];

                note(net, KN_TRACE_APP, "%s answers on port %u (the request came from %s)",
                     tcb->ns->name, tcb->lport, endpoint_text(&tcb->remote, tcb->rport, client));
            }
            if (answer != NULL && g_bytes_get_size(answer) > 0)
                tcp_send_data(tcb, answer);
            else
                tcp_send(tcb, KN_TCP_ACK, NULL, 0);
        } else if (packet->tcp_flags & KN_TCP_PSH) {
            tcp_send(tcb, KN_TCP_ACK, NULL, 0);
        }
    }
    if (packet->tcp_flags & KN_TCP_FIN) {
        tcb->rcv_nxt = packet->seq + packet->payload_len + 1;
        if (tcb->state == TCP_LAST_ACK)
            return;
        if (tcb->state == TCP_FIN_WAIT) {
            /* We closed first (DNS over TCP): acknowledge theirs, done. */
            tcp_send(tcb, KN_TCP_ACK, NULL, 0);
            tcb_remove(tcb);
            return;
        }
        tcb->state = TCP_LAST_ACK;
        tcp_send(tcb, KN_TCP_FIN | KN_TCP_ACK, NULL, 0);
        return;
    }
    if (tcb->state == TCP_LAST_ACK && (packet->tcp_flags & KN_TCP_ACK)) {
        tcb_remove(tcb);
        return;
    }
    if (tcb->state == TCP_SYN_RECEIVED && (packet->tcp_flags & KN_TCP_ACK))
        tcb->state = TCP_ESTABLISHED;
}

/* A RST answering 'packet' (borrowed), as a closed port answers. */
static void
tcp_reset(KnNetns *ns, const KnPacket *packet)
{
    KnPacket *rst = kn_packet_new();

    rst->src = packet->dst;
    rst->dst = packet->src;
    rst->proto = KN_IPPROTO_TCP;
    rst->sport = packet->dport;
    rst->dport = packet->sport;
    rst->seq = 0;
    rst->ack = packet->seq + 1;
    rst->tcp_flags = KN_TCP_RST | KN_TCP_ACK;
    ns_send(ns, rst);
}

static void
tcp_input(KnNet *net, KnNetns *ns, KnPacket *packet)
{
    Tcb *tcb = tcb_lookup(ns, packet);

    if (tcb != NULL) {
        if (tcb->server)
            tcp_server_input(tcb, packet);
        else
            tcp_client_input(tcb, packet);
        return;
    }
    if ((packet->tcp_flags & (KN_TCP_SYN | KN_TCP_ACK)) != KN_TCP_SYN) {
        if (!(packet->tcp_flags & KN_TCP_RST))
            tcp_reset(ns, packet);
        return;
    }
    if (!app_listens(net, ns, KN_IPPROTO_TCP, packet->dport) && !node_cache_listens(ns, &packet->dst, packet->dport)) {
        note(net, KN_TRACE_APP, "nothing listens on %s port %u: RST", ns->name, packet->dport);
        tcp_reset(ns, packet);
        return;
    }
    tcb = tcb_new();
    tcb->ns = ns;
    tcb->server = TRUE;
    tcb->local = packet->dst;
    tcb->lport = packet->dport;
    tcb->remote = packet->src;
    tcb->rport = packet->sport;
    tcb->key = sock_key(tcb->lport, &tcb->remote, tcb->rport);
    tcb->state = TCP_SYN_RECEIVED;
    tcb->rcv_nxt = packet->seq + 1;
    tcb->snd_nxt = ns->next_isn;
    ns->next_isn += 64000;
    tcb_insert(ns, tcb);
    tcp_send(tcb, KN_TCP_SYN | KN_TCP_ACK, NULL, 0);
}

/*****************************************************************************/
/* UDP and ICMP. */

struct UdpWait {
    KnNetns *ns;
    guint16 port;
    KnUdpDone done;
    gboolean (*accepts)(GBytes *datagram, gpointer user_data);
    gpointer user_data;
    GDestroyNotify destroy;      /* frees 'user_data' if the run ends first */
    KnEventId timeout;
    KnAddr dst;
    guint16 dport;
    UdpWait *next;               /* the next exchange waiting on the same port */
};

/* The UDP exchanges still waiting when the run ends: their owners'
 * data goes through the destroy notify they gave, while the namespace
 * (whose sockets a resolver closes as it lets go) still stands. */
static void
drop_udp_waits(KnNetns *ns)
{
    g_autoptr(GPtrArray) waits = g_ptr_array_new();
    UdpSlot *old = ns->udp_slots;
    guint n_old = old != NULL ? ns->udp_mask + 1 : 0;

    /* The bound ports stay, for their owners to unbind as they go. */
    ns->udp_slots = NULL;
    ns->udp_mask = 0;
    ns->n_udp = 0;
    for (guint i = 0; i < n_old; i++) {
        if (old[i].key == 0)
            continue;
        for (UdpWait *w = old[i].waits; w != NULL; w = w->next)
            g_ptr_array_add(waits, w);
        if (old[i].bound)
            udp_slot_get(ns, (guint16) (old[i].key - 1))->bound = TRUE;
    }
    g_free(old);
    for (guint i = 0; i < waits->len; i++) {
        UdpWait *wait = waits->pdata[i];

        if (wait->destroy != NULL)
            wait->destroy(wait->user_data);
        kn_spare_delete(wait);
    }
}

static void on_udp_timeout(KnSim *sim, gpointer data);

static const KnEventClass udp_timeout_class = { "udp-timeout", on_udp_timeout, NULL };

static void
udp_wait_remove(UdpWait *wait)
{
    UdpSlot *slot = udp_slot_find(wait->ns, wait->port);

    if (slot == NULL)
        return;
    if (slot->waits == wait) {
        slot->waits = wait->next;
        udp_slot_release(wait->ns, slot);
        return;
    }
    for (UdpWait *w = slot->waits; w != NULL; w = w->next)
        if (w->next == wait) {
            w->next = wait->next;
            return;
        }
}

static void
udp_wait_add(UdpWait *wait)
{
    UdpSlot *slot = udp_slot_get(wait->ns, wait->port);
    UdpWait *head = slot->waits;

    if (head == NULL) {
        slot->waits = wait;
        return;
    }
    while (head->next != NULL)
        head = head->next;
    head->next = wait;
}

/* The exchange of the list 'waits' (a port's, the oldest first) that
 * 'datagram' answers (NULL: the oldest). */
static UdpWait *
udp_wait_among(UdpWait *waits, GBytes *datagram)
{
    for (UdpWait *w = waits; w != NULL; w = w->next)
        if (datagram == NULL || w->accepts == NULL || w->accepts(datagram, w->user_data))
            return w;
    return NULL;
}

/* The exchange on 'port' that 'datagram' answers (NULL: the oldest). */
static UdpWait *
udp_wait_for(KnNetns *ns, guint16 port, GBytes *datagram)
{
    const UdpSlot *slot = udp_slot_find(ns, port);

    return udp_wait_among(slot != NULL ? slot->waits : NULL, datagram);
}

static void
udp_finish(UdpWait *wait, KnNetStatus status, const KnPacket *answer)
{
    KnUdpResult result = { .status = status, .finished = kn_sim_now(wait->ns->net->sim) };
    g_autoptr(GBytes) empty = answer != NULL && answer->payload != NULL ? NULL : g_bytes_new(NULL, 0);

    result.received = empty != NULL ? empty : answer->payload;
    if (answer != NULL) {
        result.from = answer->src;
        result.from_port = answer->sport;
    }
    udp_wait_remove(wait);
    wait->done(&result, wait->user_data);
    kn_spare_delete(wait);
}

static void
on_udp_timeout(KnSim *sim, gpointer data)
{
    (void) sim;
    udp_finish(data, KN_NET_CONNECT_TIMEOUT, NULL);
}

static guint16
client_udp_bind(gpointer self)
{
    KnNetns *ns = client_net(self);
    guint16 port = 0;

    for (guint tries = 0; tries < EPHEMERAL_HIGH - EPHEMERAL_LOW && port == 0; tries++) {
        guint16 p = (guint16) ns->next_port;

        ns->next_port = ns->next_port >= EPHEMERAL_HIGH ? EPHEMERAL_LOW : ns->next_port + 1;
        if (!udp_port_busy(ns, p))
            port = p;
    }
    if (port == 0)
        return 0;
    udp_slot_get(ns, port)->bound = TRUE;
    return port;
}

static void
client_udp_unbind(gpointer self, guint16 port)
{
    KnNetns *ns = client_net(self);
    UdpSlot *slot = udp_slot_find(ns, port);

    if (slot != NULL) {
        slot->bound = FALSE;
        udp_slot_release(ns, slot);
    }
}

static void
client_udp_exchange(gpointer self, const KnUdpRequest *request, KnUdpDone done, gpointer user_data)
{
    KnNetns *ns = client_net(self);
    KnNet *net = ns->net;
    UdpWait *wait = kn_spare_new0(UdpWait);
    KnPacket *packet = kn_packet_new();

    wait->ns = ns;
    wait->port = request->sport != 0 ? request->sport : ephemeral_port(ns, &request->dst, request->port);
    wait->done = done;
    wait->accepts = request->accepts;
    wait->user_data = user_data;
    wait->destroy = request->destroy;
    wait->dst = request->dst;
    wait->dport = request->port;
    udp_wait_add(wait);
    wait->timeout = kn_sim_schedule_in(net->sim, request->timeout > 0 ? request->timeout : 5 * KN_SEC,
                                       &udp_timeout_class, wait);
    packet->src = ns->kind == KN_NETNS_NODE ? route_source(net, ns, &request->dst) : ns->addr;
    packet->dst = request->dst;
    packet->proto = KN_IPPROTO_UDP;
    packet->sport = wait->port;
    packet->dport = request->port;
    if (request->send != NULL)
        kn_packet_set_payload_bytes(packet, request->send);   /* shared: GBytes do not change */
    ns_send(ns, packet);
}

/*****************************************************************************/
/* The outside resolver (external.dns) answers DNS on 53: what the
 * scenario's external names say (kn_coredns_upstream_answer()), with an
 * OPT of its own if the query had one.  NULL for a message it cannot
 * parse.  New. */
static GBytes *
upstream_answer(KnNet *net, const guint8 *data, gsize length)
{
    g_autoptr(KnDnsMessage) query = kn_dns_message_decode_data(data, length, NULL);
    g_autoptr(KnDnsMessage) reply = NULL;
    gboolean dnssec = FALSE;

    if (query == NULL)
        return NULL;
    reply = kn_coredns_upstream_answer(net->cluster->scenario, query);
    if (kn_dns_message_get_edns(query, NULL, &dnssec))
        kn_dns_message_set_edns(reply, UPSTREAM_EDNS_SIZE, dnssec);
    if (TRACING(net)) {
        const KnDnsQuestion *q = kn_dns_message_question(query);
        char type[16];

        note(net, KN_TRACE_DNS, "the outside resolver: %s %s -> %s, %u answer%s",
             q != NULL ? q->name : "?", q != NULL ? kn_dns_type_format(q->type, type) : "?",
             kn_dns_rcode_name(reply->rcode), reply->answers->len, reply->answers->len == 1 ? "" : "s");
    }
    return kn_dns_message_encode(reply);
}

/* A packet sent later: a server's answer that waited for its upstream. */
typedef struct {
    KnNetns *ns;
    KnPacket *packet;
} LaterSend;

static void
on_later_send(KnSim *sim, gpointer data)
{
    LaterSend *later = data;

    (void) sim;
    ns_send(later->ns, later->packet);
    g_free(later);
}

static void
later_send_free(gpointer data)
{
    LaterSend *later = data;

    kn_packet_free(later->packet);
    g_free(later);
}

static const KnEventClass later_send_class = { "answer-after-upstream", on_later_send, later_send_free };

static void
udp_input(KnNet *net, KnNetns *ns, KnPacket *packet)
{
    const UdpSlot *slot = udp_slot_find(ns, packet->dport);
    UdpWait *waits = slot != NULL ? slot->waits : NULL;

    if (waits != NULL) {
        g_autoptr(GBytes) empty = packet->payload == NULL ? g_bytes_new(NULL, 0) : NULL;
        UdpWait *wait = udp_wait_among(waits, packet->payload != NULL ? packet->payload : empty);

        if (wait == NULL) {
            note(net, KN_TRACE_APP, "a datagram no exchange on port %u waits for: read and dropped",
                 packet->dport);
            return;
        }
        kn_sim_cancel(net->sim, wait->timeout);
        udp_finish(wait, KN_NET_OK, packet);
        return;
    }
    if (node_cache_listens(ns, &packet->dst, packet->dport)) {
        g_autoptr(GBytes) request = packet->payload != NULL ? g_bytes_ref(packet->payload)
                                                            : g_bytes_new(NULL, 0);

        node_cache_query(net, ns, request, &packet->src, packet->sport, &packet->dst, FALSE, 0);
        return;
    }
    if (app_listens(net, ns, KN_IPPROTO_UDP, packet->dport)) {
        g_autoptr(GBytes) request = packet->payload != NULL ? g_bytes_ref(packet->payload)
                                                            : g_bytes_new(NULL, 0);
        const App *app = app_find(ns, KN_IPPROTO_UDP, packet->dport);
        KnTime delay = 0;
        g_autoptr(GBytes) answer = NULL;
        KnPacket *reply;

        if (app != NULL && app->listener.server == KN_SERVER_COREDNS_DNS) {
            if (pod_coredns(net, ns) != NULL)
                node_cache_query(net, ns, request, &packet->src, packet->sport, &packet->dst, FALSE, 0);
            return;
        }
        if (app != NULL && app->listener.server == KN_SERVER_UPSTREAM_DNS)
            answer = upstream_answer(net, g_bytes_get_data(request, NULL), g_bytes_get_size(request));
        else
            answer = app_answer(net, ns, KN_IPPROTO_UDP, packet->dport, request, &packet->src,
                                packet->sport, FALSE);
        if (answer == NULL)
            return;
        reply = kn_packet_new();
        reply->src = packet->dst;
        reply->dst = packet->src;
        reply->proto = KN_IPPROTO_UDP;
        reply->sport = packet->dport;
        reply->dport = packet->sport;
        kn_packet_set_payload_bytes(reply, answer);
        if (delay > 0) {
            LaterSend *later = g_new(LaterSend, 1);

            *later = (LaterSend) { .ns = ns, .packet = reply };
            kn_sim_schedule_in(net->sim, delay, &later_send_class, later);
            return;
        }
        ns_send(ns, reply);
        return;
    }
    /* Nobody listens: ICMP port unreachable from the host's stack. */
    KnPacket *icmp = kn_packet_new();

    icmp->src = packet->dst;
    icmp->dst = packet->src;
    icmp->proto = KN_IPPROTO_ICMP;
    icmp->icmp_type = KN_ICMP_DEST_UNREACH;
    icmp->icmp_code = KN_ICMP_PORT_UNREACH;
    icmp->quoted = kn_packet_copy(packet);
    ns_send(ns, icmp);
}

/*****************************************************************************/
/* DNS servers in namespaces: CoreDNS in a CoreDNS pod (coredns.h), and
 * NodeLocal DNSCache's node-cache on its node's addresses
 * (nodelocaldns.h).  What a server knows it answers at once; a forward
 * goes out of the namespace as a real query, as any client's would: the
 * /etc/resolv.conf forward to the nameserver of the namespace's own
 * resolv.conf (the outside resolver), node-cache's cluster-zone forward to
 * kube-dns-upstream over TCP through kube-proxy's DNAT; the answer follows
 * when the reply is in. */

#define DNS_FORWARD_TIMEOUT (5 * KN_SEC)   /* forward's defaultTimeout */

static gboolean
node_cache_listens(const KnNetns *ns, const KnAddr *addr, guint16 port)
{
    return ns->kind == KN_NETNS_NODE && ns->node_cache != NULL && kn_nodelocaldns_has_addr(ns->node_cache, addr)
           && kn_coredns_listens_on(kn_nodelocaldns_server(ns->node_cache), addr, port);
}

/* The server answering in 'ns' now; NULL if it stopped (the pod went). */
static KnCoreDns *
dns_server(const KnNetns *ns)
{
    if (ns->kind == KN_NETNS_NODE)
        return ns->node_cache != NULL ? kn_nodelocaldns_server(ns->node_cache) : NULL;
    return ns->alive ? ns->coredns : NULL;
}

/* 'server''s forward . /etc/resolv.conf goes to the first nameserver of
 * the resolv.conf of 'ns', where it runs. */
static void
dns_server_resolv_conf(KnNet *net, KnNetns *ns, KnCoreDns *server)
{
    g_autofree char *text = kn_net_resolv_conf(net, ns);
    g_autoptr(KnResolvConf) conf = kn_resolvconf_parse(text, KN_LIBC_GLIBC);

    if (conf->nameservers->len > 0)
        kn_coredns_set_resolv_conf(server, &g_array_index(conf->nameservers, KnAddr, 0));
}

/* The CoreDNS of CoreDNS pod 'ns', started at its first query; NULL if
 * its Corefile does not load. */
static KnCoreDns *
pod_coredns(KnNet *net, KnNetns *ns)
{
    g_autoptr(GError) error = NULL;

    if (ns->coredns != NULL)
        return ns->coredns;
    ns->coredns = kn_coredns_new(net->cluster, ns->name, &error);
    if (ns->coredns == NULL) {
        note_place(net, ns->name);
        note(net, KN_TRACE_DNS, "CoreDNS %s cannot start: %s", ns->name, error->message);
        return NULL;
    }
    dns_server_resolv_conf(net, ns, ns->coredns);
    return ns->coredns;
}

/* A query a server still owes an answer. */
typedef struct CacheQuery {
    KnNetns *node;               /* where the server runs: a node, a CoreDNS pod */
    guint generation;            /* node->node_cache_generation when asked */
    KnDnsMessage *query;         /* the client's; owned */
    KnAddr client, local;        /* who asked, and which of the server's addresses */
    guint16 client_port;
    gboolean tcp;
    gint64 tcb_key;              /* TCP: the server socket to answer on */
} CacheQuery;

static void
cache_query_free(CacheQuery *cq)
{
    kn_dns_message_free(cq->query);
    g_free(cq);
}

/* A DNS server's reply over UDP, from port 53 of 'local' to the client. */
static KnPacket *
dns_udp_reply(const KnAddr *local, const KnAddr *client, guint16 client_port, GBytes *bytes)
{
    KnPacket *reply = kn_packet_new();

    reply->src = *local;
    reply->dst = *client;
    reply->proto = KN_IPPROTO_UDP;
    reply->sport = 53;
    reply->dport = client_port;
    kn_packet_set_payload_bytes(reply, bytes);
    return reply;
}

/* Sends node-cache's reply 'bytes' to the client of 'cq', 'delay' from now. */
static void
node_cache_send(KnNet *net, const CacheQuery *cq, GBytes *bytes, KnTime delay)
{
    if (cq->tcp) {
        Tcb *tcb = tcb_find(cq->node, cq->tcb_key);
        g_autoptr(GByteArray) out = g_byte_array_new();
        guint8 prefix[2] = { g_bytes_get_size(bytes) >> 8, g_bytes_get_size(bytes) & 0xff };

        if (tcb == NULL || tcb->answered)
            return;              /* the client gave up */
        g_byte_array_append(out, prefix, 2);
        g_byte_array_append(out, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
        g_autoptr(GBytes) data = g_bytes_new(out->data, out->len);

        tcp_send_data(tcb, data);
        /* Every query of the connection answered: close, as the stub
         * resolver's one-shot connection expects. */
        if (tcb->dns_pending > 0 && --tcb->dns_pending == 0) {
            tcb->answered = TRUE;
            tcb->state = TCP_FIN_WAIT;
            tcp_send(tcb, KN_TCP_FIN | KN_TCP_ACK, NULL, 0);
        }
        return;
    }

    KnPacket *reply = dns_udp_reply(&cq->local, &cq->client, cq->client_port, bytes);

    if (delay > 0) {
        LaterSend *later = g_new(LaterSend, 1);

        *later = (LaterSend) { .ns = cq->node, .packet = reply };
        kn_sim_schedule_in(net->sim, delay, &later_send_class, later);
        return;
    }
    ns_send(cq->node, reply);
}

static void
node_cache_reply(KnNet *net, const CacheQuery *cq, const KnDnsMessage *response, KnTime delay)
{
    g_autoptr(GBytes) bytes = kn_dns_message_encode(response);

    node_cache_send(net, cq, bytes, delay);
}

/* For --explain: what a CoreDNS pod did with a query. */
static void
coredns_note(KnNet *net, const CacheQuery *cq, const KnCoreDnsAnswer *out, gboolean resumed)
{
    const KnDnsQuestion *q = kn_dns_message_question(cq->query);
    char type[16];

    if (out->pending != NULL) {
        const KnDnsQuestion *fq = kn_dns_message_question(out->pending);
        char to[KN_ADDR_STRLEN], ftype[16];

        note(net, KN_TRACE_DNS, "CoreDNS %s: for %s %s, asks the node's resolver %s:53 for %s %s over %s "
             "(forward . /etc/resolv.conf)", cq->node->name,
             q != NULL ? q->name : "?", q != NULL ? kn_dns_type_format(q->type, type) : "?",
             kn_addr_format(&out->pending_to, to), fq != NULL ? fq->name : "?",
             fq != NULL ? kn_dns_type_format(fq->type, ftype) : "?", out->pending_tcp ? "TCP" : "UDP");
        return;
    }
    note(net, KN_TRACE_DNS, "CoreDNS %s: %s %s -> %s, %u answer%s (%s%s)", cq->node->name,
         q != NULL ? q->name : "?", q != NULL ? kn_dns_type_format(q->type, type) : "?",
         kn_dns_rcode_name(out->response->rcode), out->response->answers->len,
         out->response->answers->len == 1 ? "" : "s",
         out->cached ? "from its cache" : resumed ? "the upstream's answer"
         : out->plugin != NULL && *out->plugin != '\0' ? out->plugin : "no plugin",
         out->forwarded && !resumed ? ", forwarded upstream" : "");
}

/* For --explain: what node-cache did with a query. */
static void
node_cache_note(KnNet *net, const CacheQuery *cq, const KnCoreDnsAnswer *out, gboolean resumed)
{
    const KnDnsQuestion *q = kn_dns_message_question(cq->query);
    char type[16];

    if (!TRACING(net))
        return;
    note_place(net, cq->node->name);
    if (cq->node->kind != KN_NETNS_NODE) {
        coredns_note(net, cq, out, resumed);
        return;
    }
    if (out->pending != NULL && out->upstream != NULL && out->upstream[0] == '/') {
        char to[KN_ADDR_STRLEN];

        note(net, KN_TRACE_DNS, "node-local-dns %s: %s %s not in its cache (miss): forwards it to the "
             "node's resolver %s:53 (forward . /etc/resolv.conf) over %s", kn_nodelocaldns_pod(cq->node->node_cache),
             q != NULL ? q->name : "?", q != NULL ? kn_dns_type_format(q->type, type) : "?",
             kn_addr_format(&out->pending_to, to), out->pending_tcp ? "TCP" : "UDP");
        return;
    }
    if (out->pending != NULL) {
        char to[KN_ADDR_STRLEN];

        note(net, KN_TRACE_DNS, "node-local-dns %s: %s %s not in its cache (miss): forwards it to "
             "kube-dns-upstream %s:53 over %s%s", kn_nodelocaldns_pod(cq->node->node_cache),
             q != NULL ? q->name : "?", q != NULL ? kn_dns_type_format(q->type, type) : "?",
             kn_addr_format(&out->pending_to, to), out->pending_tcp ? "TCP" : "UDP",
             out->pending_tcp ? " (force_tcp)" : "");
        if (!cq->node->node_cache_explained) {
            cq->node->node_cache_explained = TRUE;
            note(net, KN_TRACE_DNS, "why: node-local-dns holds the kube-dns ClusterIP itself, so it reaches "
                 "CoreDNS through kube-dns-upstream, a Service with kube-dns's selector and an address of its "
                 "own; over TCP the conntrack entry ends with the connection");
        }
        return;
    }
    note(net, KN_TRACE_DNS, "node-local-dns %s: %s %s -> %s, %u answer%s (%s%s)",
         kn_nodelocaldns_pod(cq->node->node_cache), q != NULL ? q->name : "?",
         q != NULL ? kn_dns_type_format(q->type, type) : "?", kn_dns_rcode_name(out->response->rcode),
         out->response->answers->len, out->response->answers->len == 1 ? "" : "s",
         out->cached ? "cache hit: answered on the node, nothing leaves it"
         : resumed ? "the upstream's answer, now in its cache"
         : out->forwarded ? "cache miss: forwarded to the node's /etc/resolv.conf upstream"
         : out->plugin != NULL && *out->plugin != '\0' ? out->plugin : "no plugin",
         out->forwarded && !out->cached && !resumed ? ", the outside resolver" : "");
}

static void node_cache_forward(KnNet *net, CacheQuery *cq, const KnCoreDnsAnswer *out);

static void
node_cache_query(KnNet *net, KnNetns *node, GBytes *request, const KnAddr *client, guint16 client_port,
                 const KnAddr *local, gboolean tcp, gint64 tcb_key)
{
    KnDnsMessage *query;
    KnCoreDnsAnswer out;
    CacheQuery *cq;

    /* A query the server answered from its cache before, byte for byte:
     * the same reply again, without decoding, walking and encoding (and
     * nothing to note). */
    if (!tcp && !TRACING(net) && net->observer == NULL && dns_server(node) != NULL) {
        g_autoptr(GBytes) again = kn_coredns_answer_again(dns_server(node), request, client);

        if (again != NULL) {
            ns_send(node, dns_udp_reply(local, client, client_port, again));
            return;
        }
    }
    query = kn_dns_message_decode(request, NULL);
    if (query == NULL || dns_server(node) == NULL) {
        kn_dns_message_free(query);
        return;                  /* CoreDNS drops what it cannot parse */
    }
    cq = g_new0(CacheQuery, 1);
    *cq = (CacheQuery) { .node = node, .generation = node->node_cache_generation, .query = query,
                         .client = *client, .local = *local, .client_port = client_port, .tcp = tcp,
                         .tcb_key = tcb_key };
    kn_coredns_answer(dns_server(node), query, client, tcp, &out);
    node_cache_note(net, cq, &out, FALSE);
    if (out.pending != NULL) {
        node_cache_forward(net, cq, &out);       /* takes 'cq' */
    } else {
        g_autoptr(GBytes) bytes = kn_dns_message_encode(out.response);

        node_cache_send(net, cq, bytes, out.upstream_delay);
        kn_coredns_remember(dns_server(node), request, client, &out, bytes);
        cache_query_free(cq);
    }
    kn_coredns_answer_clear(&out);
}

/* The upstream's answer (NULL: none) to the query 'cq' is waiting for. */
static void
node_cache_resume(KnNet *net, CacheQuery *cq, const KnDnsMessage *reply)
{
    KnNetns *node = cq->node;
    KnCoreDnsAnswer out;

    g_hash_table_steal(node->cache_queries, cq);
    if (dns_server(node) == NULL || node->node_cache_generation != cq->generation) {
        cache_query_free(cq);    /* the server stopped meanwhile */
        return;
    }
    kn_coredns_answer_resume(dns_server(node), cq->query, &cq->client, cq->tcp,
                             reply, &out);
    node_cache_note(net, cq, &out, TRUE);
    node_cache_reply(net, cq, out.response, 0);
    kn_coredns_answer_clear(&out);
    cache_query_free(cq);
}

static void
on_upstream_tcp(const KnTcpResult *result, gpointer user_data)
{
    CacheQuery *cq = user_data;
    KnNet *net = cq->node->net;
    gsize length = 0;
    const guint8 *data = g_bytes_get_data(result->received, &length);
    g_autoptr(KnDnsMessage) reply = NULL;

    /* RFC 7766: a two-byte length, then the message. */
    if (result->status == KN_NET_OK && length >= 2 && (gsize) (data[0] << 8 | data[1]) + 2 <= length)
        reply = kn_dns_message_decode_data(data + 2, data[0] << 8 | data[1], NULL);
    node_cache_resume(net, cq, reply);
}

static void
on_upstream_udp(const KnUdpResult *result, gpointer user_data)
{
    CacheQuery *cq = user_data;
    g_autoptr(KnDnsMessage) reply = result->status == KN_NET_OK ? kn_dns_message_decode(result->received, NULL)
                                                                : NULL;

    node_cache_resume(cq->node->net, cq, reply);
}

/* Sends out->pending to its upstream from the node (takes 'cq'). */
static void
node_cache_forward(KnNet *net, CacheQuery *cq, const KnCoreDnsAnswer *out)
{
    g_autoptr(GBytes) message = kn_dns_message_encode(out->pending);

    (void) net;
    if (cq->node->cache_queries == NULL)
        cq->node->cache_queries = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                                        (GDestroyNotify) cache_query_free, NULL);
    g_hash_table_add(cq->node->cache_queries, cq);
    if (out->pending_tcp) {
        gsize n = g_bytes_get_size(message);
        g_autoptr(GByteArray) framed = g_byte_array_sized_new(n + 2);
        guint8 prefix[2] = { n >> 8, n & 0xff };

        g_byte_array_append(framed, prefix, 2);
        g_byte_array_append(framed, g_bytes_get_data(message, NULL), n);
        g_autoptr(GBytes) send = g_bytes_new(framed->data, framed->len);
        KnTcpRequest request = { .dst = out->pending_to, .port = 53, .send = send,
                                 .max_time = DNS_FORWARD_TIMEOUT };

        client_tcp_exchange(cq->node, &request, on_upstream_tcp, cq);
    } else {
        KnUdpRequest request = { .dst = out->pending_to, .port = 53, .send = message,
                                 .timeout = DNS_FORWARD_TIMEOUT };

        client_udp_exchange(cq->node, &request, on_upstream_udp, cq);
    }
}

/* DNS over TCP to node-cache (RFC 7766): each whole message of the stream
 * not yet taken is a query; the answers go back as they are ready. */
static void
node_cache_tcp(KnNet *net, Tcb *tcb)
{
    g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
    const guint8 *data = tcb->received->data;
    gsize length = tcb->received->len;
    KnNetns *ns = tcb->ns;
    gint64 key = tcb->key;
    KnAddr remote = tcb->remote, local = tcb->local;
    guint16 rport = tcb->rport;

    while (tcb->dns_consumed + 2 <= length) {
        gsize at = tcb->dns_consumed;
        gsize n = (gsize) data[at] << 8 | data[at + 1];

        if (at + 2 + n > length)
            break;               /* wait for the rest */
        g_ptr_array_add(requests, g_bytes_new(data + at + 2, n));
        tcb->dns_consumed = at + 2 + n;
        tcb->dns_pending++;
    }
    /* An answer may close (and free) the socket: keep nothing of it. */
    for (guint i = 0; i < requests->len; i++)
        node_cache_query(net, ns, requests->pdata[i], &remote, rport, &local, TRUE, key);
}

typedef struct PingWait {
    KnNetns *ns;
    guint key;
    KnPingDone done;
    gpointer user_data;
    KnEventId timeout;
    KnTime sent;
} PingWait;

static void on_ping_timeout(KnSim *sim, gpointer data);

static const KnEventClass ping_timeout_class = { "ping-timeout", on_ping_timeout, NULL };

static void
ping_finish(PingWait *wait, KnNetStatus status, const KnPacket *answer)
{
    KnPingResult result = { .status = status };

    if (answer != NULL) {
        result.from = answer->src;
        result.ttl = answer->ttl;
        result.rtt = kn_sim_now(wait->ns->net->sim) - wait->sent;
    }
    g_hash_table_steal(wait->ns->ping_waits, GUINT_TO_POINTER(wait->key));
    wait->done(&result, wait->user_data);
    g_free(wait);
}

static void
on_ping_timeout(KnSim *sim, gpointer data)
{
    (void) sim;
    ping_finish(data, KN_NET_CONNECT_TIMEOUT, NULL);
}

static void
client_ping(gpointer self, const KnAddr *dst, guint16 seq, KnTime timeout, KnPingDone done,
            gpointer user_data)
{
    KnNetns *ns = client_net(self);
    KnNet *net = ns->net;
    PingWait *wait = g_new0(PingWait, 1);
    KnPacket *packet = kn_packet_new();

    if (ns->next_ping_id == 0)
        ns->next_ping_id = (guint16) (kn_addr_hash(&ns->addr) | 1);
    wait->ns = ns;
    wait->key = (guint) ns->next_ping_id << 16 | seq;
    wait->done = done;
    wait->user_data = user_data;
    wait->sent = kn_sim_now(net->sim);
    g_hash_table_steal(ns->ping_waits, GUINT_TO_POINTER(wait->key));  /* an older one keeps its own timer */
    g_hash_table_insert(ns->ping_waits, GUINT_TO_POINTER(wait->key), wait);
    wait->timeout = kn_sim_schedule_in(net->sim, timeout > 0 ? timeout : 10 * KN_SEC,
                                       &ping_timeout_class, wait);
    packet->src = ns->kind == KN_NETNS_NODE ? route_source(net, ns, dst) : ns->addr;
    packet->dst = *dst;
    packet->proto = KN_IPPROTO_ICMP;
    packet->icmp_type = KN_ICMP_ECHO_REQUEST;
    packet->sport = ns->next_ping_id;
    packet->dport = ns->next_ping_id;
    packet->seq = seq;
    packet->payload_len = 56;
    ns_send(ns, packet);
}

static void
icmp_input(KnNet *net, KnNetns *ns, KnPacket *packet)
{
    if (packet->icmp_type == KN_ICMP_ECHO_REQUEST) {
        KnPacket *reply = kn_packet_copy(packet);

        reply->src = packet->dst;
        reply->dst = packet->src;
        reply->icmp_type = KN_ICMP_ECHO_REPLY;
        reply->ttl = 64;
        g_clear_pointer(&reply->outer, kn_encap_free);
        ns_send(ns, reply);
        return;
    }
    if (packet->icmp_type == KN_ICMP_ECHO_REPLY) {
        PingWait *wait = g_hash_table_lookup(ns->ping_waits,
                                             GUINT_TO_POINTER((guint) packet->sport << 16 | (packet->seq & 0xffff)));

        if (wait != NULL) {
            kn_sim_cancel(net->sim, wait->timeout);
            ping_finish(wait, KN_NET_OK, packet);
        }
        return;
    }
    if (packet->icmp_type == KN_ICMP_DEST_UNREACH && packet->quoted != NULL) {
        const KnPacket *q = packet->quoted;

        if (q->proto == KN_IPPROTO_TCP) {
            gint64 key = sock_key(q->sport, &q->dst, q->dport);
            Tcb *tcb = tcb_find(ns, key);

            if (tcb != NULL && !tcb->server) {
                note(net, KN_TRACE_APP, "ICMP port unreachable: connect() fails with ECONNREFUSED");
                client_report(tcb, KN_NET_REFUSED);
                tcb_remove(tcb);
            }
        } else if (q->proto == KN_IPPROTO_UDP) {
            /* The error is the socket's: the oldest exchange on it reads it. */
            UdpWait *wait = udp_wait_for(ns, q->sport, NULL);

            if (wait != NULL) {
                kn_sim_cancel(net->sim, wait->timeout);
                udp_finish(wait, KN_NET_REFUSED, NULL);
            }
        }
    }
}

/* A packet for a socket in 'ns' (the stack of a pod, node or host). */
static void
pod_deliver(KnNet *net, KnNetns *ns, KnPacket *packet)
{
    if (TRACING(net)) {
        g_autofree char *text = summary(packet);

        note_place(net, ns->name);
        note(net, KN_TRACE_HOP, "delivered: %s", text);
    }
    switch (packet->proto) {
    case KN_IPPROTO_TCP:
        tcp_input(net, ns, packet);
        break;
    case KN_IPPROTO_UDP:
        udp_input(net, ns, packet);
        break;
    case KN_IPPROTO_ICMP:
        icmp_input(net, ns, packet);
        break;
    default:
        break;
    }
    kn_packet_free(packet);
}

/*****************************************************************************/
/* The rest of the client interface. */

/* A process's timer.  The pending ones are listed in the net (a list per
 * lane), which lets them go when it goes (kn_net_free()), while what their
 * data refers to still exists; the event itself then only frees the
 * struct. */
struct Timer {
    KnTimerDone done;
    gpointer user_data;
    GDestroyNotify destroy;      /* frees 'user_data' if it never fires, or NULL */
    Timer **list;                /* the lane's list it is in; NULL once let go */
    Timer *prev, *next;
};

static void
timer_unlink(Timer *timer)
{
    if (timer->list == NULL)
        return;
    if (timer->prev != NULL)
        timer->prev->next = timer->next;
    else
        *timer->list = timer->next;
    if (timer->next != NULL)
        timer->next->prev = timer->prev;
    timer->list = NULL;
}

static void
on_timer(KnSim *sim, gpointer data)
{
    Timer *timer = data;
    KnTimerDone done = timer->done;
    gpointer user_data = timer->user_data;

    (void) sim;
    timer_unlink(timer);
    kn_spare_delete(timer);
    done(user_data);
}

/* A timer that never fired: its data goes with it. */
static void
timer_free(gpointer data)
{
    Timer *timer = data;

    timer_unlink(timer);
    if (timer->destroy != NULL)
        timer->destroy(timer->user_data);
    kn_spare_delete(timer);
}

/* The run is over: the pending timers' data goes now. */
static void
drop_timers(KnNet *net)
{
    for (guint i = 0; i < KN_SIM_MAX_LANES; i++) {
        while (net->lanes[i].timers != NULL) {
            Timer *timer = net->lanes[i].timers;
            GDestroyNotify destroy = timer->destroy;

            timer_unlink(timer);
            timer->destroy = NULL;
            if (destroy != NULL)
                destroy(timer->user_data);
        }
    }
}

static const KnEventClass timer_class = { "process-timer", on_timer, timer_free };

static KnEventId
client_after(gpointer self, KnTime delay, KnTimerDone done, gpointer user_data, GDestroyNotify destroy)
{
    KnNetns *ns = self;
    Timer **list = &ns->net->lanes[ns->lane].timers;
    Timer *timer = kn_spare_new0(Timer);

    *timer = (Timer) { .done = done, .user_data = user_data, .destroy = destroy, .list = list,
                       .next = *list };
    if (timer->next != NULL)
        timer->next->prev = timer;
    *list = timer;
    return kn_sim_schedule_in(ns->net->sim, delay, &timer_class, timer);
}

/* The timer's data goes now, through timer_free(). */
static void
client_cancel(gpointer self, KnEventId id)
{
    kn_sim_cancel(((KnNetns *) self)->net->sim, id);
}

static KnTime
client_now(gpointer self)
{
    return kn_sim_now(((KnNetns *) self)->net->sim);
}

static void client_resolve(gpointer self, const char *name, KnResolveDone done, gpointer user_data);
static int client_host_tool(gpointer self, const char *const *argv, GString *out, GString *err);

/* The simulation's stream 'stream': every namespace's processes draw from
 * the same named stream, so a tool's ids depend on the seed and on how
 * many draws came before in the run. */
static guint64
client_random(gpointer self, const char *stream)
{
    return kn_rng_next(kn_sim_rng(((KnNetns *) self)->net->sim, stream));
}

/* The processes running in a namespace, for netns_free() to let go of
 * those still waiting, in the order they started. */
typedef struct {
    gpointer process;
    GDestroyNotify abandon;
} Process;

static void
client_adopt(gpointer self, gpointer process, GDestroyNotify abandon)
{
    KnNetns *ns = self;
    Process p = { process, abandon };

    if (ns->processes == NULL)
        ns->processes = g_array_new(FALSE, FALSE, sizeof(Process));
    g_array_append_val(ns->processes, p);
}

static void
client_disown(gpointer self, gpointer process)
{
    KnNetns *ns = self;

    for (guint i = 0; ns->processes != NULL && i < ns->processes->len; i++)
        if (g_array_index(ns->processes, Process, i).process == process) {
            g_array_remove_index(ns->processes, i);
            return;
        }
}

/* The run is over: the processes still waiting go, after everything that
 * could have answered them. */
static void
drop_processes(KnNetns *ns)
{
    GArray *processes = g_steal_pointer(&ns->processes);

    for (guint i = 0; processes != NULL && i < processes->len; i++) {
        const Process *p = &g_array_index(processes, Process, i);

        p->abandon(p->process);
    }
    if (processes != NULL)
        g_array_unref(processes);
}

static gboolean
client_alive(gpointer self)
{
    return ((KnNetns *) self)->alive;
}

static const KnNetClientClass client_class = {
    .resolve = client_resolve,
    .tcp_exchange = client_tcp_exchange,
    .udp_exchange = client_udp_exchange,
    .ping = client_ping,
    .after = client_after,
    .cancel = client_cancel,
    .now = client_now,
    .host_tool = client_host_tool,
    .udp_bind = client_udp_bind,
    .udp_unbind = client_udp_unbind,
    .random = client_random,
    .adopt = client_adopt,
    .disown = client_disown,
    .alive = client_alive,
};

/*****************************************************************************/
/* Building the network. */


/* The outside resolver: the scenario's external.dns, on the nodes'
 * network gateway (the first address of nodeCIDR, where a kind node's
 * resolv.conf points), answering on UDP and TCP 53.  None if a node or
 * host took that address. */
static void
add_resolver(KnNet *net)
{
    static const KnImageListener listeners[] = {
        { KN_IPPROTO_UDP, 53, KN_SERVER_UPSTREAM_DNS },
        { KN_IPPROTO_TCP, 53, KN_SERVER_UPSTREAM_DNS },
    };
    KnCidr cidr;
    KnAddr gateway;
    char text[KN_ADDR_STRLEN];

    if (!kn_cidr_parse(net->cluster->scenario->node_cidr, &cidr) || cidr.addr.family != 4 || cidr.len > 30)
        return;
    gateway = kn_addr_ipv4(kn_addr_ipv4_value(&cidr.addr) + 1);
    net->node_resolv_conf = g_strdup_printf("nameserver %s\n", kn_addr_format(&gateway, text));
    if (ns_by_addr(net, &gateway) != NULL)
        return;
    net->resolver = netns_new(net, KN_NETNS_HOST, "external.dns", &gateway);
    net->resolver->client.image = HOST_IMAGE;
    net->resolver->apps = g_array_new(FALSE, FALSE, sizeof(App));
    g_array_set_clear_func(net->resolver->apps, app_clear);
    for (guint i = 0; i < G_N_ELEMENTS(listeners); i++) {
        App app = { .listener = listeners[i], .reference = g_strdup("external.dns") };

        g_array_append_val(net->resolver->apps, app);
    }
    net->resolver->started = TRUE;
    g_ptr_array_add(net->hosts, net->resolver);
    addr_index_insert(net, net->resolver);
}

KnNet *
kn_net_new(KnCluster *cluster)
{
    KnNet *net = g_new0(KnNet, 1);
    const KnScenario *scenario = cluster->scenario;

    net->cluster = cluster;
    /* The kubelets' clusterDNS, read as they start: where the bootstrap
     * put kube-dns.  A kube-dns deleted or moved later changes no pod's
     * file. */
    net->cluster_dns = kn_svc_alloc_indexed_ip(cluster->scenario->service_cidr, KN_CLUSTER_DNS_INDEX, NULL);
    net->store = cluster->store;
    net->sim = cluster->sim;
    net->by_addr = g_hash_table_new(addr_key_hash, addr_key_equal);
    ipv4_resize(net, 64);
    net->story = g_string_new(NULL);
    net->subnets = g_hash_table_new(g_direct_hash, g_direct_equal);
    net->pods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    net->nodes = g_ptr_array_new();
    net->hosts = g_ptr_array_new();
    net->all = g_ptr_array_new_with_free_func(netns_free);
    kn_cidr_parse(kn_cluster_pod_network(cluster), &net->cluster_pod_cidr);
    net->cloud = scenario->cni_mode == KN_CNI_MODE_CLOUD;
    net->overlay = scenario->cni_mode == KN_CNI_MODE_VXLAN || scenario->cni_mode == KN_CNI_MODE_GENEVE;
    net->pod_mtu = net->overlay ? 1500 - VXLAN_OVERHEAD : 1500;
    net->veth_latency = scenario->network.same_node;
    net->zone_latency = scenario->network.same_zone;
    net->cross_zone_latency = scenario->network.cross_zone;
    net->external_latency = scenario->network.external;
    net->bandwidth_bps = MAX(scenario->network.bandwidth_bps, 1);
    net->proxy_class = proxy_class_for(scenario->proxy_mode);
    net->last_sync = 0;

    g_autoptr(GPtrArray) nodes = kn_store_list(net->store, KN_KIND_NODE, NULL);

    for (guint i = 0; i < nodes->len; i++) {
        const KnNode *node = nodes->pdata[i];
        KnAddr addr;
        KnNetns *ns;

        if (!kn_addr_parse(node->internal_ip, &addr))
            continue;
        ns = netns_new(net, KN_NETNS_NODE, node->meta.name, &addr);
        ns->node = ns;
        ns->client.image = NODE_IMAGE;
        /* `docker exec`: the kindest/node image's ENV, then what Docker adds. */
        ns->environ = g_strsplit_set("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
                                     "container=docker", "\n", -1);
        host_environ(ns);
        ns->zone = g_intern_string(kn_labels_get(node->meta.labels, "topology.kubernetes.io/zone"));
        ns->ct = kn_conntrack_new();
        kn_conntrack_set_max(ns->ct, MAX(CONNTRACK_MAX_PER_CORE * node->cpu, CONNTRACK_MIN));
        ns->rng = kn_sim_rng(net->sim, ns->eth0);
        if (node->pod_cidr != NULL && kn_cidr_parse(node->pod_cidr, &ns->pod_cidr)
            && ns->pod_cidr.addr.family == 4) {
            ns->cni0_addr = kn_addr_ipv4(kn_addr_ipv4_value(&ns->pod_cidr.addr) + 1);
            ns->flannel_addr = ns->pod_cidr.addr;
            net->subnet_mask = ns->pod_cidr.len == 0 ? 0 : ~0u << (32 - ns->pod_cidr.len);
            g_hash_table_insert(net->subnets, GUINT_TO_POINTER(kn_addr_ipv4_value(&ns->pod_cidr.addr)), ns);
        }
        ns->cni0 = g_strdup_printf("%s/cni0", node->meta.name);
        ns->flannel = g_strdup_printf("%s/flannel.1", node->meta.name);
        if (net->proxy_class != NULL) {
            ns->proxy = net->proxy_class->new(cluster, node->meta.name);
            ns->proxy_binds = net->proxy_class->is_bound != NULL;
        }
        g_ptr_array_add(net->nodes, ns);
        addr_index_insert(net, ns);
    }
    subnet_index_build(net);
    for (guint i = 0; i < scenario->hosts->len; i++) {
        const KnHostSpec *spec = scenario->hosts->pdata[i];
        KnAddr addr;
        KnNetns *ns;

        if (!kn_addr_parse(spec->ip, &addr))
            continue;
        ns = netns_new(net, KN_NETNS_HOST, spec->name, &addr);
        ns->client.image = HOST_IMAGE;
        ns->environ = g_strsplit("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "\n", -1);
        host_environ(ns);
        g_ptr_array_add(net->hosts, ns);
        addr_index_insert(net, ns);
    }
    add_resolver(net);
    g_autoptr(GPtrArray) pods = kn_store_list(net->store, KN_KIND_POD, NULL);

    for (guint i = 0; i < pods->len; i++)
        pod_changed(net, pods->pdata[i]);
    kn_store_watch(net->store, KN_KIND_POD, on_store_change, net);
    kn_store_watch(net->store, KN_KIND_SERVICE, on_store_change, net);
    kn_store_watch(net->store, KN_KIND_ENDPOINT_SLICE, on_store_change, net);
    kn_store_watch(net->store, KN_KIND_NODE, on_store_change, net);
    kn_net_sync(net);
    return net;
}

void
kn_net_free(KnNet *net)
{
    if (net == NULL)
        return;
    /* The run is over: what its processes still wait for goes first,
     * while the namespaces it refers to exist. */
    drop_timers(net);
    kn_store_unwatch(net->store, KN_KIND_POD, on_store_change, net);
    kn_store_unwatch(net->store, KN_KIND_SERVICE, on_store_change, net);
    kn_store_unwatch(net->store, KN_KIND_ENDPOINT_SLICE, on_store_change, net);
    kn_store_unwatch(net->store, KN_KIND_NODE, on_store_change, net);
    g_hash_table_unref(net->by_addr);
    g_free(net->by_ipv4);
    g_hash_table_unref(net->pods);
    g_ptr_array_unref(net->nodes);
    g_ptr_array_unref(net->hosts);
    g_free(net->node_resolv_conf);
    g_free(net->cluster_dns);
    g_ptr_array_unref(net->all);
    g_string_free(net->story, TRUE);
    g_hash_table_unref(net->subnets);
    g_free(net->subnet_nodes);
    g_free(net);
}

void
kn_net_set_trace(KnNet *net, KnTrace *trace)
{
    net->trace = trace;
}

void
kn_net_set_log(KnNet *net, KnTrace *log)
{
    net->log = log;
}

void
kn_net_set_observer(KnNet *net, KnNetPacketFunc func, gpointer user_data)
{
    net->observer = func;
    net->observer_data = user_data;
}

/* Whether a CoreDNS server listens in 'ns' (a started pod). */
static gboolean
runs_coredns(const KnNetns *ns)
{
    if (!ns->alive || !ns->started || ns->apps == NULL)
        return FALSE;
    for (guint i = 0; i < ns->apps->len; i++)
        if (g_array_index(ns->apps, App, i).listener.server == KN_SERVER_COREDNS_DNS)
            return TRUE;
    return FALSE;
}

gboolean
kn_net_set_lanes(KnNet *net, guint n_lanes)
{
    KnTime lookahead = MIN(net->zone_latency, net->cross_zone_latency);

    g_return_val_if_fail(n_lanes >= 1 && n_lanes <= KN_SIM_MAX_LANES, FALSE);
    if (net->hosts->len > 0)
        lookahead = MIN(lookahead, net->external_latency);
    n_lanes = MIN(n_lanes, MAX(net->nodes->len, 1));
    if (n_lanes > 1 && (lookahead < 2 || net->trace != NULL || net->log != NULL
                        || net->observer != NULL || kn_sim_pending(net->sim) > 0))
        return FALSE;
    for (guint i = 0; i < net->nodes->len; i++)
        ((KnNetns *) net->nodes->pdata[i])->lane = i % n_lanes;
    for (guint i = 0; i < net->all->len; i++) {
        KnNetns *ns = net->all->pdata[i];

        ns->lane = ns->node != NULL ? ns->node->lane : 0;
        /* CoreDNS starts at its first query and then watches the store:
         * start it now, before the lanes share the store. */
        if (n_lanes > 1 && runs_coredns(ns))
            pod_coredns(net, ns);
    }
    kn_sim_set_lanes(net->sim, n_lanes, lookahead);
    return TRUE;
}

guint
kn_netns_lane(const KnNetns *ns)
{
    return ns->lane;
}

KnNetStats
kn_net_stats(const KnNet *net)
{
    KnNetStats sum = { 0 };

    for (guint i = 0; i < KN_SIM_MAX_LANES; i++) {
        const KnNetStats *lane = &net->lanes[i].stats;

        sum.n_packets += lane->n_packets;
        sum.n_hops += lane->n_hops;
        sum.n_rules += lane->n_rules;
        sum.n_dropped += lane->n_dropped;
        sum.n_rejected += lane->n_rejected;
        sum.n_syncs += lane->n_syncs;
        sum.n_encapsulated += lane->n_encapsulated;
    }
    return sum;
}

/*****************************************************************************/
/* Applications: what each container's image listens on and answers
 * (models/images.h). */

/* The listening sockets of 'pod''s containers, from their images and
 * arguments (agnhost listens only as netexec).  New. */
static GArray *
pod_apps(const KnPod *pod)
{
    GArray *apps = g_array_new(FALSE, FALSE, sizeof(App));

    g_array_set_clear_func(apps, app_clear);
    for (guint i = 0; i < pod->spec.containers->len; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];
        const KnImage *image = kn_images_lookup(kn_images_builtin(), c->image);
        g_autoptr(GPtrArray) args = g_ptr_array_new();
        g_autoptr(GArray) listeners = NULL;

        for (guint a = 0; a < c->command->len; a++)
            g_ptr_array_add(args, c->command->pdata[a]);
        g_ptr_array_add(args, NULL);
        listeners = kn_images_listeners(image, (const char *const *) args->pdata);
        for (guint l = 0; l < listeners->len; l++) {
            App app = { .listener = g_array_index(listeners, KnImageListener, l), .image = image,
                        .reference = g_strdup(c->image) };

            g_array_append_val(apps, app);
        }
    }
    return apps;
}

/* The application of a started pod listening on 'port'/'proto', or NULL. */
static const App *
app_find(KnNetns *ns, guint8 proto, guint16 port)
{
    if (!ns->started || ns->apps == NULL)
        return NULL;                 /* pods, and the outside resolver */
    for (guint i = 0; i < ns->apps->len; i++) {
        const App *app = &g_array_index(ns->apps, App, i);

        if (app->listener.proto == proto && app->listener.port == port)
            return app;
    }
    return NULL;
}

/* kube-proxy's health check server: every node listens on the
 * healthCheckNodePort of each LoadBalancer Service with
 * externalTrafficPolicy Local (pkg/proxy/healthcheck/service_health.go).
 * The Service with that port, or NULL. */
static const KnService *
health_check_service(KnNet *net, guint16 port)
{
    g_autoptr(GPtrArray) services = NULL;

    if (port == 0)
        return NULL;
    services = kn_store_list(net->store, KN_KIND_SERVICE, NULL);
    for (guint i = 0; i < services->len; i++) {
        const KnService *service = services->pdata[i];

        if (service->spec.health_check_node_port == port)
            return service;
    }
    return NULL;
}

/* Its answer: 200 while the node has a local ready endpoint, 503 without
 * one, the count in X-Load-Balancing-Endpoint-Weight and in the body, as
 * Go's net/http writes it (handler headers sorted, then Date and
 * Content-Length).  New. */
static GBytes *
health_check_answer(KnNet *net, KnNetns *node, const KnService *service)
{
    guint count = local_endpoints(net, service, node->name);
    g_autofree char *body = g_strdup_printf("{\n\t\"service\": {\n\t\t\"namespace\": \"%s\",\n"
                                            "\t\t\"name\": \"%s\"\n\t},\n\t\"localEndpoints\": %u,\n"
                                            "\t\"serviceProxyHealthy\": true\n}",
                                            service->meta.namespace, service->meta.name, count);
    char date[32];
    char *text;

    kn_images_http_date(KN_IMAGES_EPOCH + (gint64) (kn_sim_now(net->sim) / KN_SEC), date);
    text = g_strdup_printf("HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
                           "X-Content-Type-Options: nosniff\r\nX-Load-Balancing-Endpoint-Weight: %u\r\n"
                           "Date: %s\r\nContent-Length: %zu\r\n\r\n%s",
                           count > 0 ? "200 OK" : "503 Service Unavailable", count, date,
                           strlen(body), body);
    return g_bytes_new_take(text, strlen(text));
}

static gboolean
app_listens(KnNet *net, KnNetns *ns, guint8 proto, guint16 port)
{
    if (ns->kind == KN_NETNS_NODE)
        return proto == KN_IPPROTO_TCP && health_check_service(net, port) != NULL;
    return app_find(ns, proto, port) != NULL;
}

/* A whole HTTP request: its headers and as many body bytes as its
 * Content-Length says. */
static gboolean
app_request_complete(GBytes *request)
{
    gsize length;
    const char *data = g_bytes_get_data(request, &length);
    /* As g_strstr_len() looks: up to a NUL. */
    const char *end = data != NULL ? find_text(data, strnlen(data, length), "\r\n\r\n", 4) : NULL;
    const char *field;

    if (end == NULL)
        return FALSE;
    field = find_text(data, end - data, "\r\nContent-Length: ", 18);
    if (field == NULL)
        return TRUE;
    return (gsize) (end + 4 - data) + g_ascii_strtoull(field + 18, NULL, 10) <= length;
}

static GBytes *
app_answer(KnNet *net, KnNetns *ns, guint8 proto, guint16 port, GBytes *request,
           const KnAddr *client, guint16 client_port, gboolean probe)
{
    const App *app;

    if (ns->kind == KN_NETNS_NODE) {
        const KnService *service = proto == KN_IPPROTO_TCP ? health_check_service(net, port) : NULL;

        return service != NULL ? health_check_answer(net, ns, service) : NULL;
    }
    app = app_find(ns, proto, port);
    if (app == NULL)
        return NULL;

    KnImageServeContext context = {
        .reference = app->reference, .hostname = ns->name, .client = *client,
        .client_port = client_port, .server = ns->addr, .server_port = port,
        .now = kn_sim_now(net->sim), .started = ns->start_time, .epoch = KN_IMAGES_EPOCH,
    };

    /* The container's output (nginx's access log; the other servers'
     * output is not modelled): the kubelet's probes, which run once here
     * where the kubelet would repeat them every periodSeconds, stay out.
     * The kubelet rotates a container's log past containerLogMaxSize
     * (10 MiB), and kubectl logs reads the new file only. */
    if (!probe && app->listener.server == KN_SERVER_NGINX) {
        if (ns->logs == NULL)
            ns->logs = g_string_new(NULL);
        else if (ns->logs->len > CONTAINER_LOG_MAX)
            g_string_truncate(ns->logs, 0);
        context.log = ns->logs;
    }

    return kn_images_serve(app->image, &app->listener, request, &context);
}

/*****************************************************************************/
/* Names.  Simplified: the answer the cluster DNS would give, straight from
 * the store, until the DNS model sends real queries: a pod tries its search
 * list (NAMESPACE.svc.DOMAIN, svc.DOMAIN, DOMAIN) before the name as given
 * when it has fewer than 5 dots (ndots:5), after it otherwise; nodes and
 * outside hosts know only the outside world's names (external.dns). */

typedef struct {
    KnResolveDone done;
    gpointer user_data;
    KnResolveResult result;
} Resolution;

static void
resolution_free(gpointer data)
{
    Resolution *r = data;

    g_ptr_array_unref(r->result.addresses);
    g_free(r->result.canonical);
    g_free(r);
}

static void
on_resolved(gpointer data)
{
    Resolution *r = data;

    r->done(&r->result, r->user_data);
    resolution_free(r);
}

/* A lookup through the stub resolver (models/resolver.h). */
typedef struct {
    KnNetns *ns;
    KnResolvConf *conf;          /* owned */
    KnResolveDone done;
    gpointer user_data;
} DnsLookup;

static void
dns_lookup_free(gpointer data)
{
    DnsLookup *d = data;

    kn_resolvconf_free(d->conf);
    kn_spare_delete(d);
}

static void
on_dns_done(const KnResolverResult *result, gpointer data)
{
    DnsLookup *d = data;
    KnNet *net = d->ns->net;
    KnResolveResult out = { result->status == KN_RESOLVER_OK, result->addresses, result->canonical };

    if (TRACING(net)) {
        g_autoptr(GString) text = g_string_new(NULL);
        g_auto(GStrv) lines = NULL;

        kn_resolver_result_describe(result, text);
        lines = g_strsplit(text->str, "\n", -1);
        note_place(net, d->ns->name);
        for (guint i = 0; lines[i] != NULL; i++)
            if (lines[i][0] != '\0')
                note(net, KN_TRACE_DNS, "%s", lines[i]);
    }
    d->done(&out, d->user_data);
    dns_lookup_free(d);
}

char *
kn_net_proc_file(KnNet *net, KnNetns *ns, const char *path)
{
    (void) net;
    if (ns->kind != KN_NETNS_NODE || ns->ct == NULL)
        return NULL;
    if (strcmp(path, "/proc/sys/net/netfilter/nf_conntrack_max") == 0)
        return g_strdup_printf("%u\n", kn_conntrack_max(ns->ct));
    if (strcmp(path, "/proc/sys/net/netfilter/nf_conntrack_count") == 0)
        return g_strdup_printf("%u\n", kn_conntrack_size(ns->ct));
    return NULL;
}

char *
kn_net_resolv_conf(KnNet *net, KnNetns *ns)
{
    /* --cluster-dns: the kube-dns ClusterIP, or with NodeLocal DNSCache its
     * link-local address, as kube-up and local-up-cluster.sh set it. */
    const char *cluster_dns[2] = { net->cluster->scenario->node_local_dns ? KN_NODELOCALDNS_IP : net->cluster_dns,
                                   NULL };
    KnKubeletDns kubelet = { cluster_dns[0] != NULL ? cluster_dns : NULL, net->cluster->scenario->cluster_domain,
                             net->node_resolv_conf != NULL ? net->node_resolv_conf : KN_RESOLVCONF_KIND_NODE,
                             FALSE };
    KnDnsPolicy policy = KN_DNS_POLICY_CLUSTER_FIRST;
    const KnPod *pod;

    if (ns->kind != KN_NETNS_POD)
        return g_strdup(kubelet.host_resolv_conf);
    pod = kn_store_lookup(net->store, KN_KIND_POD, ns->namespace, ns->name);
    if (pod != NULL)
        kn_resolvconf_policy_parse(pod->spec.dns_policy, &policy);
    return kn_resolvconf_pod(&kubelet, ns->namespace, policy, pod != NULL && pod->spec.host_network,
                             pod != NULL ? pod->spec.dns_config : NULL, NULL);
}

/* The resolv.conf of 'ns' as its C library reads it.  The kubelet writes
 * the file once, as it creates the pod's sandbox, from the pod's DNS
 * fields (immutable) and its own settings, so it is read once.
 * Borrowed. */
static KnResolvConf *
ns_resolv_conf(KnNet *net, KnNetns *ns)
{
    if (ns->resolv_conf == NULL) {
        g_autofree char *text = kn_net_resolv_conf(net, ns);

        ns->resolv_conf = kn_resolvconf_parse(text, kn_images_lookup(NULL, ns->client.image)->libc);
    }
    return ns->resolv_conf;
}

/* The stream of the query ids of 'ns''s resolvers: "dns-id", one per lane
 * beyond the first (lanes draw apart). */
static KnRng *
dns_ids(KnNet *net, KnNetns *ns)
{
    KnRng **ids = &net->lanes[ns->lane].dns_ids;

    if (*ids == NULL) {
        g_autofree char *name = ns->lane == 0 ? g_strdup("dns-id") : g_strdup_printf("dns-id/lane-%u", ns->lane);

        *ids = kn_sim_rng(net->sim, name);
    }
    return *ids;
}

static void
client_resolve(gpointer self, const char *name, KnResolveDone done, gpointer user_data)
{
    KnNetns *ns = self;
    KnNet *net = ns->net;
    KnAddr local;
    gboolean found = TRUE;

    /* /etc/hosts first (nsswitch "files dns"): localhost, and the
     * namespace's own name, which the kubelet writes for a pod.  glibc's
     * nss_files compares the name as given: "localhost." goes to DNS. */
    if (g_ascii_strcasecmp(name, "localhost") == 0
        || (g_ascii_strcasecmp(name, "localhost.") == 0
            && kn_images_lookup(NULL, ns->client.image)->libc != KN_LIBC_GLIBC))
        kn_addr_parse("127.0.0.1", &local);
    else if (g_ascii_strcasecmp(name, ns->client.hostname) == 0)
        local = ns->addr;
    else
        found = kn_addr_parse(name, &local);
    if (found) {
        Resolution *r = g_new0(Resolution, 1);

        r->done = done;
        r->user_data = user_data;
        r->result.addresses = g_ptr_array_new_with_free_func(g_free);
        r->result.found = TRUE;
        g_ptr_array_add(r->result.addresses, g_memdup2(&local, sizeof local));
        client_after(ns, 0, on_resolved, r, resolution_free);
        return;
    }
    /* The C library's stub resolver, over real DNS packets to the
     * nameserver of the namespace's resolv.conf.  A ClusterFirst pod's is
     * the kube-dns ClusterIP, DNAT'd by kube-proxy to a CoreDNS pod (or
     * node-local-dns); a node's, an outside host's and a Default pod's is
     * the outside resolver, with no search list, which knows nothing of
     * cluster names (`curl web.default.svc.cluster.local` on a node:
     * "Could not resolve host"). */
    DnsLookup *d = kn_spare_new0(DnsLookup);

    d->ns = ns;
    d->conf = kn_resolvconf_ref(ns_resolv_conf(net, ns));
    d->done = done;
    d->user_data = user_data;
    kn_resolver_lookup(&ns->client, d->conf, dns_ids(net, ns), name, KN_RESOLVER_BOTH,
                       on_dns_done, d, dns_lookup_free);
}

/*****************************************************************************/
/* The kubelet's prober. */

/* The port 'ref' names in 'pod' (a number, or a container port's name);
 * 0 if none. */
static guint16
probe_port(const KnPod *pod, const KnIntOrString *ref)
{
    if (!ref->is_string)
        return (guint16) ref->number;
    for (guint i = 0; i < pod->spec.containers->len; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];

        for (guint j = 0; j < c->ports->len; j++) {
            const KnContainerPort *p = c->ports->pdata[j];

            if (g_strcmp0(p->name, ref->name) == 0)
                return (guint16) p->container_port;
        }
    }
    return 0;
}

gboolean
kn_net_probe(const KnPod *pod, const KnContainer *container, char **message, gpointer user_data)
{
    KnNet *net = user_data;
    const KnProbe *probe = &container->readiness;
    KnNetns *ns = kn_net_pod(net, pod->meta.namespace, pod->meta.name);
    guint16 port = probe_port(pod, &probe->port);
    char ip[KN_ADDR_STRLEN];

    if (probe->kind == KN_PROBE_EXEC || probe->kind == KN_PROBE_NONE)
        return TRUE;
    if (ns == NULL) {
        *message = g_strdup("pod has no IP address");
        return FALSE;
    }
    kn_addr_format(&ns->addr, ip);
    if (probe->kind == KN_PROBE_TCP_SOCKET) {
        if (app_listens(net, ns, KN_IPPROTO_TCP, port))
            return TRUE;
        *message = g_strdup_printf("dial tcp %s:%u: connect: connection refused", ip, port);
        return FALSE;
    }
    if (!app_listens(net, ns, KN_IPPROTO_TCP, port)) {
        *message = g_strdup_printf("Get \"http://%s:%u%s\": dial tcp %s:%u: connect: connection refused",
                                   ip, port, probe->path != NULL ? probe->path : "/", ip, port);
        return FALSE;
    }

    /* The kubelet's request (pkg/probe/http): its User-Agent and Accept. */
    g_autofree char *text = g_strdup_printf("GET %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: kube-probe/1.31\r\n"
                                            "Accept: */*\r\nConnection: close\r\n\r\n",
                                            probe->path != NULL ? probe->path : "/", ip, port);
    g_autoptr(GBytes) request = g_bytes_new(text, strlen(text));
    KnAddr kubelet = ns->node->cni0_addr;
    g_autoptr(GBytes) answer = app_answer(net, ns, KN_IPPROTO_TCP, port, request, &kubelet, 40000, TRUE);
    gsize length = 0;
    const char *data = answer != NULL ? g_bytes_get_data(answer, &length) : NULL;
    guint status = data != NULL && length > 12 ? (guint) g_ascii_strtoull(data + 9, NULL, 10) : 0;

    if (status >= 200 && status < 400)
        return TRUE;
    *message = g_strdup_printf("HTTP probe failed with statuscode: %u", status);
    return FALSE;
}

/*****************************************************************************/
/* A node's administration tools. */

/* The section of iptables-save output 'all' for 'table' ("nat", "filter"),
 * from its "# Generated" line to its "# Completed" line. */
static void
append_table(const char *all, const char *table, GString *out)
{
    g_autofree char *marker = g_strdup_printf("\n*%s\n", table);
    const char *at = strstr(all, marker);
    const char *start, *end;

    if (at == NULL)
        return;
    start = at;
    while (start > all && !g_str_has_prefix(start, "# Generated"))
        start--;
    end = strstr(at, "# Completed");
    end = end != NULL ? strchr(end, '\n') : NULL;
    g_string_append_len(out, start, end != NULL ? end + 1 - start : (gssize) strlen(start));
}

/* gethostbyaddr() on a node for `iptables -L`: its /etc/hosts (localhost,
 * and the node's own name for its address); the outside resolver the node
 * asks next has no reverse names for cluster addresses. */
static const char *
node_host_name(const KnAddr *addr, gpointer user_data)
{
    const KnNetns *ns = user_data;

    return kn_resolver_hosts_names(&ns->client, addr);
}

/* `iptables -L`/`-S` over the node's netfilter rules: node-local-dns's
 * (when it runs there) and kube-proxy's ('proxy_rules', or if NULL the
 * node's own), as iptables-save shows them. */
static int
node_iptables(KnNetns *ns, const KnProxyIrRuleset *proxy_rules, const char *const *argv,
              GString *out, GString *err)
{
    KnNet *net = ns->net;
    const KnProxyIrRuleset *layers[2];
    guint n_layers = 0;
    g_autoptr(KnProxyIrRuleset) empty = NULL;

    if (proxy_rules == NULL && net->proxy_class != NULL && ns->proxy != NULL
        && net->proxy_class->ruleset != NULL)
        proxy_rules = net->proxy_class->ruleset(ns->proxy);
    if (ns->node_cache != NULL)
        layers[n_layers++] = kn_nodelocaldns_ruleset(ns->node_cache);
    if (proxy_rules != NULL)
        layers[n_layers++] = proxy_rules;
    if (n_layers == 0)
        layers[n_layers++] = empty = kn_proxy_ir_ruleset_new();
    return kn_proxy_ir_iptables(layers, n_layers, argv, node_host_name, ns, out, err);
}

/* Counts a conntrack entry of a connection IPVS scheduled: TCP
 * ESTABLISHED as active, the rest (other TCP states, UDP) as inactive, as
 * ipvsadm's ActiveConn and InActConn count them. */
static void
count_ipvs_conn(const KnCtEntry *entry, gpointer data)
{
    GHashTable *conns = data;

    if (!entry->dnat)
        return;
    char *key = kn_proxy_ipvs_conn_key(entry->orig.proto, &entry->orig.dst, entry->orig.dport,
                                       &entry->reply.src, entry->reply.sport);
    guint *counts = g_hash_table_lookup(conns, key);

    if (counts == NULL) {
        counts = g_new0(guint, 2);
        g_hash_table_insert(conns, key, counts);
    } else {
        g_free(key);
    }
    counts[entry->orig.proto == KN_IPPROTO_TCP && entry->tcp_state == KN_CT_TCP_ESTABLISHED ? 0 : 1]++;
}

/* ipvsadm and ipset on a node: the IPVS mode's virtual servers and sets;
 * on a node of another mode, what a kernel without ip_vs loaded and
 * without sets answers. */
static int
node_ipvs_tool(KnNet *net, KnNetns *ns, const char *name, const char *const *argv, GString *out, GString *err)
{
    const KnIpvs *ipvs = net->proxy_class == &kn_proxy_ipvs_class && ns->proxy != NULL
                         ? kn_proxy_ipvs_of(ns->proxy) : NULL;
    g_autofree char *args = g_strjoinv(" ", (char **) argv + 1);

    if (strcmp(name, "ipset") == 0) {
        if (strcmp(args, "save") == 0 || strcmp(args, "-S") == 0 || strcmp(args, "-save") == 0) {
            if (ipvs != NULL)
                kn_proxy_ir_render_sets(ipvs->rules, out);
            return 0;
        }
        if (strcmp(args, "list -n") == 0 || strcmp(args, "-L -n") == 0 || strcmp(args, "list -name") == 0) {
            if (ipvs != NULL) {
                g_autoptr(GString) all = g_string_new(NULL);
                g_auto(GStrv) lines = NULL;

                kn_proxy_ir_render_sets(ipvs->rules, all);
                lines = g_strsplit(all->str, "\n", -1);
                for (guint i = 0; lines[i] != NULL; i++) {
                    g_auto(GStrv) words = g_strsplit(lines[i], " ", 3);

                    if (g_strv_length(words) >= 2 && strcmp(words[0], "create") == 0)
                        g_string_append_printf(out, "%s\n", words[1]);
                }
            }
            return 0;
        }
        if (strcmp(args, "list") == 0 || strcmp(args, "-L") == 0 || strcmp(args, "-list") == 0) {
            return ipvs != NULL ? kn_proxy_ir_list_sets(ipvs->rules, NULL, out, err) : 0;
        }
        if (argv[1] != NULL && argv[2] != NULL && argv[3] == NULL
            && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "-L") == 0)) {
            if (ipvs != NULL)
                return kn_proxy_ir_list_sets(ipvs->rules, argv[2], out, err);
            g_string_append(err, "ipset v7.17: The set with the given name does not exist\n");
            return 1;
        }
        g_string_append_printf(err, "knetsim: ipset %s: only `ipset list [NAME]`, `ipset list -n` and `ipset save` "
                                    "are simulated\n", args);
        return 126;
    }

    gboolean list = FALSE, numeric = FALSE;

    for (guint i = 1; argv[i] != NULL; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--list") == 0) {
            list = TRUE;
        } else if (strcmp(a, "--numeric") == 0) {
            numeric = TRUE;
        } else if (a[0] == '-' && a[1] != '-' && a[1] != '\0' && strspn(a + 1, "Lln") == strlen(a + 1)) {
            list |= strpbrk(a + 1, "Ll") != NULL;
            numeric |= strchr(a + 1, 'n') != NULL;
        } else {
            g_string_append_printf(err, "knetsim: ipvsadm %s: only `ipvsadm -Ln` is simulated\n", args);
            return 126;
        }
    }
    if (!list || !numeric) {
        g_string_append_printf(err, "knetsim: ipvsadm %s: only `ipvsadm -Ln` is simulated (-n: addresses, "
                                    "not names)\n", args);
        return 126;
    }
    if (ipvs == NULL) {
        /* ip_vs is loaded only where kube-proxy runs in IPVS mode. */
        g_string_append(err, "Can't initialize ipvs: Protocol not available\n"
                             "Are you sure that IP Virtual Server is built in the kernel or as module?\n");
        return 2;
    }
    g_autoptr(GHashTable) conns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    kn_conntrack_foreach(ns->ct, kn_sim_now(net->sim), count_ipvs_conn, conns);
    kn_proxy_ipvs_render_ipvsadm(ipvs, conns, out);
    return 0;
}

static int
client_host_tool(gpointer self, const char *const *argv, GString *out, GString *err)
{
    KnNetns *ns = self;
    KnNet *net = ns->net;
    guint argc = g_strv_length((char **) argv);

    if (ns->kind != KN_NETNS_NODE) {
        g_string_append_printf(err, "%s: Permission denied (you must be root)\n", argv[0]);
        return 1;
    }
    /* The tool by its name, however the command was spelled
     * (/usr/sbin/iptables). */
    const char *name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];

    if (strcmp(name, "iptables") == 0)
        return node_iptables(ns, NULL, argv, out, err);
    if (strcmp(name, "iptables-save") == 0) {
        g_autoptr(GString) all = g_string_new(NULL);
        const char *table = NULL;

        for (guint i = 1; i < argc; i++) {
            if ((strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--table") == 0) && i + 1 < argc)
                table = argv[++i];
            else if (g_str_has_prefix(argv[i], "--table="))
                table = argv[i] + 8;
            else if (strcmp(argv[i], "-c") != 0 && strcmp(argv[i], "--counters") != 0) {
                g_string_append_printf(err, "iptables-save: unknown option \"%s\"\n", argv[i]);
                return 1;
            }
        }
        /* kube-proxy's rules where its mode writes iptables rules; in
         * nftables mode only node-cache's are iptables rules. */
        gboolean proxy_rules = net->proxy_class != NULL && ns->proxy != NULL && net->proxy_class->ruleset != NULL;

        if (proxy_rules && ns->node_cache != NULL && net->proxy_class->dump_with != NULL) {
            const KnProxyIrRuleset *others[] = { kn_nodelocaldns_ruleset(ns->node_cache) };

            net->proxy_class->dump_with(ns->proxy, others, 1, all);
        } else if (proxy_rules) {
            net->proxy_class->dump(ns->proxy, all);
        } else if (ns->node_cache != NULL) {
            g_autofree char *date = kn_proxy_ir_date(kn_sim_now(net->sim));

            kn_proxy_ir_render(kn_nodelocaldns_ruleset(ns->node_cache), date, all);
        }
        if (table == NULL)
            g_string_append(out, all->str);
        else if (strcmp(table, "nat") == 0 || strcmp(table, "filter") == 0 || strcmp(table, "raw") == 0)
            append_table(all->str, table, out);
        else if (strcmp(table, "mangle") != 0 && strcmp(table, "security") != 0) {
            g_string_append_printf(err, "iptables-save: Table '%s' does not exist\n", table);
            return 1;
        }
        return 0;
    }
    if (strcmp(name, "ipvsadm") == 0 || strcmp(name, "ipset") == 0)
        return node_ipvs_tool(net, ns, name, argv, out, err);
    /* nft list ruleset | list table ip kube-proxy: the table kube-proxy's
     * nftables mode keeps (the only one knetsim models in nft's terms). */
    if (strcmp(name, "nft") == 0) {
        g_autofree char *args = g_strjoinv(" ", (char **) argv + 1);

        if (net->proxy_class != &kn_proxy_nftables_class || ns->proxy == NULL) {
            g_string_append_printf(err, "knetsim: nft %s: not simulated on a node whose kube-proxy runs in "
                                        "iptables mode (its iptables-nft tables): use iptables-save\n", args);
            return 126;
        }
        if (strcmp(args, "list tables") == 0) {
            g_string_append(out, "table ip kube-proxy\n");
            return 0;
        }
        if (strcmp(args, "list ruleset") == 0 || strcmp(args, "list table ip kube-proxy") == 0
            || strcmp(args, "list table kube-proxy") == 0) {
            net->proxy_class->dump(ns->proxy, out);
            return 0;
        }
        g_string_append_printf(err, "knetsim: nft %s: only `nft list ruleset`, `nft list tables` and "
                                    "`nft list table ip kube-proxy` are simulated\n", args);
        return 126;
    }
    /* conntrack -L [-p PROTO] and -C. */
    gboolean count = argc > 1 && (strcmp(argv[1], "-C") == 0 || strcmp(argv[1], "--count") == 0);
    gboolean list = argc > 1 && (strcmp(argv[1], "-L") == 0 || strcmp(argv[1], "--dump") == 0);
    const char *proto = NULL;

    if (!count && !list) {
        g_string_append(err, "conntrack v1.4.7 (conntrack-tools): no command specified\n"
                             "Try `conntrack -h' or 'conntrack --help' for more information.\n");
        return 2;
    }
    for (guint i = 2; i < argc; i++)
        if ((strcmp(argv[i], "-p") == 0 || strcmp(argv[i], "--proto") == 0) && i + 1 < argc)
            proto = argv[++i];
    g_autofree char *lines = kn_conntrack_list(ns->ct, kn_sim_now(net->sim));
    g_auto(GStrv) rows = g_strsplit(lines, "\n", -1);
    guint shown = 0;

    for (guint i = 0; rows[i] != NULL; i++) {
        if (rows[i][0] == '\0' || (proto != NULL && !g_str_has_prefix(rows[i], proto)))
            continue;
        shown++;
        if (list)
            g_string_append_printf(out, "%s\n", rows[i]);
    }
    if (count)
        g_string_append_printf(out, "%u\n", shown);
    else
        g_string_append_printf(err, "conntrack v1.4.7 (conntrack-tools): %u flow entries have been shown.\n",
                               shown);
    return 0;
}

const char *const *
kn_netns_environ(const KnNetns *ns)
{
    KnNetns *self = (KnNetns *) ns;      /* the pod's is worked out once, when first asked */

    if (ns == NULL)
        return NULL;
    if (ns->environ == NULL && ns->kind == KN_NETNS_POD) {
        const KnPod *pod = kn_store_lookup(ns->net->store, KN_KIND_POD, ns->namespace, ns->name);

        if (pod != NULL)
            self->environ = pod_environ(ns->net, pod, ns->client.hostname != NULL ? ns->client.hostname : ns->name,
                                        ns->environ_at);
    }
    return (const char *const *) ns->environ;
}

const char *
kn_net_container_logs(KnNet *net, const KnPod *pod, const KnContainer *container)
{
    g_return_val_if_fail(net != NULL && pod != NULL && container != NULL, NULL);

    const KnImage *image = kn_images_lookup(NULL, container->image);
    KnNetns *ns = kn_net_pod(net, pod->meta.namespace, pod->meta.name);
    gboolean nginx = image != NULL && image->n_listeners > 0 && image->listeners[0].server == KN_SERVER_NGINX;
    const char *program = container->command->len > 0 ? container->command->pdata[0] : NULL;

    /* nginx as the image runs it prints its access log; sleep prints
     * nothing; any other program's output is not modelled. */
    if (!(program == NULL ? nginx || image == NULL || image->n_listeners == 0 : strcmp(program, "sleep") == 0))
        return NULL;
    return ns != NULL && ns->logs != NULL ? ns->logs->str : "";
}

GString *
kn_net_pod_log(KnNet *net, const KnPod *pod)
{
    g_return_val_if_fail(net != NULL && pod != NULL, NULL);

    KnNetns *ns = kn_net_pod(net, pod->meta.namespace, pod->meta.name);

    if (ns == NULL)
        return NULL;
    if (ns->logs == NULL)
        ns->logs = g_string_new(NULL);
    return ns->logs;
}

void
kn_net_pod_log_restart(KnNet *net, const KnPod *pod)
{
    g_return_if_fail(net != NULL && pod != NULL);

    KnNetns *ns = kn_net_pod(net, pod->meta.namespace, pod->meta.name);

    if (ns == NULL || ns->logs == NULL)
        return;
    if (ns->previous_logs == NULL)
        ns->previous_logs = g_string_new(NULL);
    g_string_assign(ns->previous_logs, ns->logs->str);
    g_string_truncate(ns->logs, 0);
}

const char *
kn_net_pod_previous_log(KnNet *net, const KnPod *pod)
{
    g_return_val_if_fail(net != NULL && pod != NULL, "");

    KnNetns *ns = kn_net_pod(net, pod->meta.namespace, pod->meta.name);

    return ns != NULL && ns->previous_logs != NULL ? ns->previous_logs->str : "";
}
