/* coredns.h -- one CoreDNS pod's server: the Corefile of the kube-system
 * `coredns` ConfigMap (written by models/cluster.c) parsed into a plugin
 * chain, and the answer that chain gives a query.  The kubernetes plugin
 * reads Services, EndpointSlices, pods and namespaces from the cluster's
 * store at the moment of the query; names outside the cluster zone go to
 * the scenario's external.dns through `forward`.  The data path (models/
 * net.c) delivers the query packet to the pod and sends back the reply
 * after any upstream delay; the resolvers (models/resolver.h) never call
 * this directly.  Each pod has its own KnCoreDns, hence its own cache and
 * its own loadbalance stream, as in a real cluster. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "sim/addr.h"
#include "sim/dns-wire.h"
#include "sim/time.h"

typedef struct KnCoreDns KnCoreDns;                 /* opaque */

#define KN_COREDNS_ERROR (kn_coredns_error_quark())
GQuark kn_coredns_error_quark(void);
typedef enum {
    KN_COREDNS_ERROR_NO_COREFILE,    /* no kube-system/coredns ConfigMap or no Corefile key */
    KN_COREDNS_ERROR_SYNTAX,         /* a brace, block or argument out of place */
    KN_COREDNS_ERROR_UNKNOWN_PLUGIN, /* a directive CoreDNS does not know */
    KN_COREDNS_ERROR_VALUE,          /* a plugin argument CoreDNS would reject */
} KnCoreDnsError;

/* What kn_coredns_answer() produced. */
typedef struct KnCoreDnsAnswer {
    KnDnsMessage *response;      /* the reply to send back (already truncated to
                                  * fit UDP, TC set, if it had to be); owned:
                                  * release with kn_coredns_answer_clear() */
    const char *plugin;          /* the plugin that wrote the reply: "kubernetes",
                                  * "forward", "cache", "hosts", "autopath";
                                  * "" when no server block or plugin took the
                                  * name (REFUSED); static */
    gboolean cached;             /* served from the cache plugin's memory */
    gboolean forwarded;          /* the forward plugin asked an upstream */
    char *upstream;              /* then which: "external.dns" (the scenario's
                                  * outside resolver, reached through the
                                  * node's /etc/resolv.conf) or the IP given in
                                  * the Corefile; owned; NULL otherwise */
    KnTime upstream_delay;       /* the round trip to that upstream: twice the
                                  * scenario's network.external; 0 if not forwarded */
    gboolean autopath;           /* autopath walked the search path for it */
    guint n_internal;            /* lookups autopath made inside the server */
    /* A forward over the data path (kn_coredns_set_network_forward()): no
     * 'response' yet.  The caller sends 'pending' to 'pending_to' port 53
     * (over TCP if 'pending_tcp') and calls kn_coredns_answer_resume()
     * with the reply.  'upstream' names the address. */
    KnDnsMessage *pending;       /* the query to send, with its own id; owned, or NULL */
    KnAddr pending_to;
    gboolean pending_tcp;        /* force_tcp, or the client's TCP */
    /* Private, for kn_coredns_remember(): the cache entry a hit over UDP
     * came from when nothing random went into the reply; or NULL. */
    gconstpointer hit;
} KnCoreDnsAnswer;

/* Counters of one server since kn_coredns_new(). */
typedef struct KnCoreDnsStats {
    guint64 n_queries;           /* kn_coredns_answer() calls */
    guint64 n_cache_hits;        /* answered from the cache (positive or negative) */
    guint64 n_cache_misses;      /* looked up in the cache and not found */
    guint64 n_forwarded;         /* sent upstream */
    guint64 n_nxdomain;          /* replies with rcode NXDOMAIN */
    guint64 n_truncated;         /* UDP replies with TC set */
} KnCoreDnsStats;

/* Reads the Corefile from the kube-system/coredns ConfigMap of 'cluster'
 * (borrowed; outlives the server) and builds the server of the CoreDNS
 * pod 'pod' (its name, for the loadbalance RNG stream "coredns/<pod>").
 * Returns NULL with 'error' set (KN_COREDNS_ERROR) if the ConfigMap or the
 * key is missing or the Corefile is one CoreDNS would refuse to start
 * with; the message is CoreDNS's own (coredns/caddy caddyfile Dispenser.Err,
 * the file as kubeadm's Deployment passes it with -conf), e.g.
 * "/etc/coredns/Corefile:12 - Error during parsing: Unknown directive 'xyz'"
 * or, from a plugin's setup, "plugin/cache: /etc/coredns/Corefile:9 - Error
 * during parsing: Wrong argument count or unexpected line ending after 'cache'".
 * New; free with kn_coredns_free(). */
KnCoreDns *kn_coredns_new(KnCluster *cluster, const char *pod, GError **error);

/* As kn_coredns_new() for a server whose Corefile is 'corefile' (borrowed;
 * 'file' names it in messages, as node-cache's /etc/Corefile), not the
 * ConfigMap's: node-local-dns (models/nodelocaldns.h).  'name' seeds its
 * streams as the pod name does. */
KnCoreDns *kn_coredns_new_from_corefile(KnCluster *cluster, const char *name, const char *corefile,
                                        const char *file, GError **error);

/* With 'network', a forward to an IP address (not /etc/resolv.conf) is
 * left to the caller to carry over the data path (KnCoreDnsAnswer.pending)
 * instead of being answered from the scenario's external.dns. */
void kn_coredns_set_network_forward(KnCoreDns *coredns, gboolean network);
/* With a 'nameserver' (borrowed; NULL: none), a forward to /etc/resolv.conf
 * goes to it over the data path (KnCoreDnsAnswer.pending) too: the first
 * nameserver of the resolv.conf of the pod or node the server runs in. */
void kn_coredns_set_resolv_conf(KnCoreDns *coredns, const KnAddr *nameserver);

/* The scenario's outside resolver (external.dns)'s reply to 'query': its
 * external names' addresses, else NXDOMAIN or NODATA with the root zone's
 * SOA; recursion available.  New. */
KnDnsMessage *kn_coredns_upstream_answer(const KnScenario *scenario, const KnDnsMessage *query);

/* Whether a server block listens on 'addr' (borrowed) port 'port': every
 * address, or one of its `bind` addresses. */
gboolean kn_coredns_listens_on(const KnCoreDns *coredns, const KnAddr *addr, guint16 port);
void kn_coredns_free(KnCoreDns *coredns);                   /* accepts NULL */

/* Checks a Corefile's text without a cluster, as above; 'file' names it
 * in messages ("/etc/coredns/Corefile" when NULL). */
gboolean kn_coredns_check_corefile(const char *text, const char *file, GError **error);

/* Re-reads the ConfigMap (what the reload plugin does when the file
 * changes).  On error the running configuration stays, as in CoreDNS. */
gboolean kn_coredns_reload(KnCoreDns *coredns, GError **error);

/* Answers 'query' (borrowed) as CoreDNS v1.11 would at the current
 * simulated time, from the client at 'client' (borrowed; autopath and
 * `pods verified` use it; NULL for none) over UDP or, if 'tcp', TCP.
 * Fills 'out' (overwritten; kn_coredns_answer_clear() it afterwards).
 * Simulated failures (NXDOMAIN, SERVFAIL, REFUSED) are replies, never
 * errors. */
void kn_coredns_answer(KnCoreDns *coredns, const KnDnsMessage *query,
                       const KnAddr *client, gboolean tcp, KnCoreDnsAnswer *out);
/* A repeat, answered without a walk: if the server answered the same
 * bytes as 'request' (a UDP query as received; all but its id) from a
 * client of the same family out of its cache, kn_coredns_remember() kept
 * that reply, and the cache entry still lives, the reply kn_coredns_answer()
 * would encode now (the new id, what is left of the TTL), with the same
 * counters.  New; NULL: answer it the long way. */
GBytes *kn_coredns_answer_again(KnCoreDns *coredns, GBytes *request, const KnAddr *client);
/* After kn_coredns_answer() over UDP gave 'answer' for 'request' (as
 * received, from 'client'), sent as 'reply' (its encoding): keeps it for
 * kn_coredns_answer_again() if it came from the cache. */
void kn_coredns_remember(KnCoreDns *coredns, GBytes *request, const KnAddr *client,
                         const KnCoreDnsAnswer *answer, GBytes *reply);
/* The answer to 'query' (the one that came back pending, with the same
 * 'client' and 'tcp') once the upstream replied 'upstream_reply' (borrowed;
 * NULL: no reply, which forward turns into SERVFAIL): the walk resumes,
 * the cache keeps the reply, and 'out' holds what to send the client. */
void kn_coredns_answer_resume(KnCoreDns *coredns, const KnDnsMessage *query, const KnAddr *client,
                              gboolean tcp, const KnDnsMessage *upstream_reply, KnCoreDnsAnswer *out);
void kn_coredns_answer_clear(KnCoreDnsAnswer *answer);

/* Empties the cache (a pod restart). */
void kn_coredns_flush_cache(KnCoreDns *coredns);
/* Entries in the cache now (expired ones included until evicted). */
guint kn_coredns_cache_size(const KnCoreDns *coredns);
const KnCoreDnsStats *kn_coredns_stats(const KnCoreDns *coredns);  /* borrowed */

/* The cluster zone the kubernetes plugin serves ("cluster.local"), and its
 * TTL (the `ttl` option; 5 if not given).  Borrowed. */
const char *kn_coredns_zone(const KnCoreDns *coredns);
guint32 kn_coredns_ttl(const KnCoreDns *coredns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnCoreDns, kn_coredns_free)
