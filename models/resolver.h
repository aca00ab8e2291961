/* resolver.h -- the stub resolvers of the C libraries: what getaddrinfo()
 * does between reading /etc/resolv.conf and returning addresses.
 *
 * The data path (models/net.c) calls kn_resolver_lookup() for a process's
 * resolve() after /etc/hosts and address literals; the tools
 * (models/tools.h: getent, curl, wget, ...) get its answer through that.
 * The resolver walks the search list by the rules of the image's C
 * library (glibc or musl, models/images.h), sends each query as a real
 * DNS message (sim/dns-wire.h) through the process's KnNetClient
 * (udp_exchange to port 53 of each nameserver, tcp_exchange when an
 * answer is truncated) and records every query it sent, for `knetsim
 * dns` and --explain. */
#pragma once

#include <glib.h>
#include "models/images.h"
#include "models/netclient.h"
#include "models/resolvconf.h"
#include "sim/dns-wire.h"
#include "sim/rng.h"

/* Which address families to ask for. */
typedef enum {
    KN_RESOLVER_A = 1 << 0,      /* getaddrinfo AF_INET */
    KN_RESOLVER_AAAA = 1 << 1,   /* getaddrinfo AF_INET6 */
    KN_RESOLVER_BOTH = KN_RESOLVER_A | KN_RESOLVER_AAAA, /* AF_UNSPEC */
} KnResolverFlags;

/* How one query ended. */
typedef enum {
    KN_RESOLVER_QUERY_ANSWERED,  /* a response came: see 'response' */
    KN_RESOLVER_QUERY_TIMEOUT,   /* none within the resolver's wait */
    KN_RESOLVER_QUERY_REFUSED,   /* ICMP port unreachable (or TCP RST) */
    KN_RESOLVER_QUERY_UNUSED,    /* still in flight when the lookup ended */
} KnResolverQueryStatus;

/* One DNS query the resolver sent. */
typedef struct KnResolverQuery {
    const char *name;            /* the name asked, no final dot (but musl's
                                  * "name.." for a "." search domain, a malformed
                                  * question); the candidate's, in the result */
    guint16 type;                /* KN_DNS_TYPE_A, KN_DNS_TYPE_AAAA */
    guint16 id;                  /* the message id */
    KnAddr server;               /* the nameserver (port 53) */
    gboolean tcp;                /* sent over TCP (truncation, use-vc) */
    guint candidate;             /* index into KnResolverResult.candidates */
    KnTime sent;
    KnTime finished;             /* when the answer (or the give-up) came */
    KnResolverQueryStatus status;
    KnDnsMessage *response;      /* ANSWERED: the reply; owned; else NULL */
} KnResolverQuery;

/* The lookup's outcome, as h_errno (glibc) / the EAI_ code (musl) says. */
typedef enum {
    KN_RESOLVER_OK,              /* addresses found */
    KN_RESOLVER_NXDOMAIN,        /* HOST_NOT_FOUND / EAI_NONAME: "Name or service not known" */
    KN_RESOLVER_NODATA,          /* NO_DATA / EAI_NODATA: the name exists, no address */
    KN_RESOLVER_AGAIN,           /* TRY_AGAIN / EAI_AGAIN: timeouts, SERVFAIL */
    KN_RESOLVER_FAIL,            /* NO_RECOVERY / EAI_FAIL: REFUSED, FORMERR, ... */
} KnResolverStatus;

typedef struct KnResolverResult {
    KnResolverStatus status;
    GPtrArray *addresses;        /* KnAddr *: A answers, then AAAA, as received */
    char *canonical;             /* the owner of the address records (the end of any
                                  * CNAME chain), or NULL; borrowed, as are all the
                                  * result's names and addresses */
    char *answered;              /* the candidate name that answered, or NULL */
    GPtrArray *candidates;       /* char *: the names tried, in order */
    GPtrArray *queries;          /* KnResolverQuery *, in the order sent */
    guint n_wasted;              /* queries for candidates other than 'answered'
                                  * (all of them when nothing answered) */
    KnTime started;
    KnTime finished;
    const char *local;           /* what answered without a query ("an address
                                  * literal", "/etc/hosts"), or NULL; static */
} KnResolverResult;

/* Called once, from an event, with the result (borrowed for the call). */
typedef void (*KnResolverDone)(const KnResolverResult *result, gpointer user_data);

/* Resolves 'name' as 'conf->libc's getaddrinfo() would, with
 * resolv.conf 'conf', asking for 'flags'.  Queries go out through
 * 'client'; their ids come from 'ids' (the "dns-id" stream of the
 * simulation, kn_sim_rng(sim, "dns-id"); NULL: 1, 2, 3, ...).  'client',
 * 'conf' and 'ids' are borrowed until 'done' has been called.  An address
 * literal, and a name in the pod's /etc/hosts (localhost, the client's
 * hostname) with an address of a family asked for, are answered without a
 * query, as getaddrinfo() does before DNS.  If
 * the simulation ends before 'done' is called, 'destroy' (if not NULL)
 * frees 'user_data'. */
void kn_resolver_lookup(KnNetClient *client, const KnResolvConf *conf, KnRng *ids,
                        const char *name, KnResolverFlags flags, KnResolverDone done,
                        gpointer user_data, GDestroyNotify destroy);

/* The names the pod's /etc/hosts (as the kubelet writes it) gives 'addr'
 * on 'client', h_name first: "localhost", "localhost ip6-localhost
 * ip6-loopback", the client's hostname; NULL if it has none.  Static or
 * borrowed from 'client'. */
const char *kn_resolver_hosts_names(const KnNetClient *client, const KnAddr *addr);

/* The names a lookup of 'name' would try, in order, if each failed with
 * NXDOMAIN (glibc __res_context_search, musl name_from_dns_search).
 * New array of char *. */
GPtrArray *kn_resolver_candidates(const KnResolvConf *conf, const char *name);

/* Sends one query for 'name' (absolute, no search list) of 'type' to the
 * first nameserver of 'conf', over TCP if 'tcp', waiting 'timeout' (0:
 * conf's), as dig and nslookup do; 'rd' sets Recursion Desired.  The
 * result's 'queries' holds the one query (with its response) and
 * 'status' says what the rcode means; 'addresses' lists any A/AAAA
 * answers.  'destroy' as for kn_resolver_lookup(). */
void kn_resolver_query(KnNetClient *client, const KnResolvConf *conf, KnRng *ids,
                       const char *name, guint16 type, gboolean tcp, KnTime timeout,
                       KnResolverDone done, gpointer user_data, GDestroyNotify destroy);

/* "1 query" lines for `knetsim dns`: each query as
 * "  0.000000s  A     web.app.svc.cluster.local  -> 10.96.0.10  NXDOMAIN",
 * then "N queries, M wasted on search suffixes, T s".  Appends to 'out'. */
void kn_resolver_result_describe(const KnResolverResult *result, GString *out);

/* The name of 'status' ("NXDOMAIN", "NODATA", ...); static. */
const char *kn_resolver_status_name(KnResolverStatus status);
