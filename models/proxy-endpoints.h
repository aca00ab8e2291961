/* proxy-endpoints.h -- the endpoints kube-proxy uses for one service port
 * on one node: the EndpointSlices of the Service merged, de-duplicated and
 * sorted as kube-proxy's EndpointSliceCache does, then sorted into the
 * Cluster and Local lists by CategorizeEndpoints (topology hints, the
 * terminating fallback, traffic policies).
 *
 * A pure computation between the store (store.h), which owns the Services
 * and EndpointSlices, and the proxy modes (iptables and nftables rule
 * generators, the packet walk), which read the result and never recompute
 * it: the same inputs give the same lists, in the same order, on every
 * call.  Nothing here touches the clock or changes an object.
 *
 * Typical use, once per (Service, port, address family) in a proxy sync:
 *
 *     g_autoptr(KnProxyServicePort) sp =
 *         kn_proxy_endpoints_new(store, service, port, KN_ADDRESS_IPV4,
 *                                node->meta.name, zone);
 *     if (sp->has_internal_endpoints)
 *         ... jump to KUBE-SVC (or KUBE-SVL when internal_policy_local) ...
 *     for (guint i = 0; i < sp->cluster_endpoints->len; i++) {
 *         const KnProxyEndpoint *ep = sp->cluster_endpoints->pdata[i];
 *         ... "-A KUBE-SVC-... -m comment --comment \"%s -> %s\"",
 *             sp->svc_port_name, ep->endpoint_string ...
 *     }
 *
 * Which Services a proxy handles at all (not ExternalName, not headless,
 * passed by kn_proxy_endpoints_informed()) is the caller's decision; this
 * module takes the Service it is given. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/store.h"
#include "sim/addr.h"

/* One endpoint of a service port as kube-proxy sees it (BaseEndpointInfo). */
/* The strings and arrays of an endpoint are borrowed from its
 * EndpointSlice: valid while the slice is unchanged in the store (one sync
 * of kube-proxy), as a build uses them.  Only 'endpoint_string' is its own. */
typedef struct KnProxyEndpoint {
    const char *ip;              /* addresses[0] of the slice endpoint, as written */
    KnAddr addr;                 /* ... parsed; family 0 if it does not parse */
    guint port;                  /* the slice's port for this service port */
    char *endpoint_string;       /* Endpoint.String(): "10.244.1.5:8080", "[fd00::5]:8080";
                                  * in the endpoint's own block */
    gboolean ready;              /* conditions.ready */
    gboolean serving;            /* conditions.serving */
    gboolean terminating;        /* conditions.terminating */
    gboolean is_local;           /* nodeName is this node */
    const char *node_name;       /* nodeName, or NULL */
    const char *zone;            /* zone, or NULL */
    const GPtrArray *zone_hints; /* char *: hints.forZones[].name in slice order; never NULL */
    const GPtrArray *node_hints; /* char *: hints.forNodes[].name in slice order; never NULL */
    const char *target_namespace; /* targetRef (the pod), or NULL */
    const char *target_pod;
} KnProxyEndpoint;

/* topologyModeFromHints: how the Cluster list was filtered. */
typedef enum {
    KN_PROXY_TOPOLOGY_NONE,      /* "": every ready endpoint */
    KN_PROXY_TOPOLOGY_PREFER_SAME_ZONE,  /* only endpoints hinted for this node's zone */
    KN_PROXY_TOPOLOGY_PREFER_SAME_NODE,  /* only endpoints hinted for this node */
} KnProxyTopologyMode;

/* One service port of one address family on one node: its identity, the
 * classification of section 1.5, its endpoints and the flags of section
 * 1.7 that decide which chains and rules exist.
 *
 * The endpoint lists hold borrowed pointers into 'endpoints' and keep its
 * order (sorted by endpoint_string with strcmp), except that
 * 'all_reachable' is sorted too (Go builds it from a map). */
typedef struct KnProxyServicePort {
    const KnService *service;    /* borrowed; valid while the store keeps it */
    const KnServicePort *service_port;  /* borrowed, one of service->spec.ports */
    char *svc_port_name;         /* ServicePortName.String(): "ns/name:port", or
                                  * "ns/name" when the port is unnamed */
    const char *protocol;        /* lower case: "tcp", "udp", "sctp" (static) */
    KnAddressType family;        /* KN_ADDRESS_IPV4 or KN_ADDRESS_IPV6 */
    const char *cluster_ip;      /* the family's cluster IP, borrowed from the
                                  * Service; NULL if it has none */
    guint port;                  /* spec.ports[].port */
    guint node_port;             /* 0: none */
    GPtrArray *external_ips;     /* char *, owned: spec.externalIPs of the family */
    GPtrArray *load_balancer_vips;    /* char *, owned: status ingress IPs of the family */
    GPtrArray *load_balancer_source_ranges;  /* char *, owned: trimmed, of the family */

    /* Section 1.5 (serviceport.go). */
    gboolean external_policy_local;   /* NodePort/LoadBalancer with ETP Local */
    gboolean internal_policy_local;   /* ITP Local */
    gboolean externally_accessible;   /* node port, LB VIP or external IP */
    gboolean uses_cluster_endpoints;  /* !ITP Local || externally accessible */
    gboolean uses_local_endpoints;    /* ITP Local || (ETP Local && externally accessible) */

    /* Section 1.6: the merged list and CategorizeEndpoints. */
    GPtrArray *endpoints;        /* KnProxyEndpoint, owned: every endpoint, sorted */
    KnProxyTopologyMode topology_mode;
    GPtrArray *cluster_endpoints;     /* KnProxyEndpoint, borrowed: empty unless
                                       * uses_cluster_endpoints */
    GPtrArray *local_endpoints;       /* KnProxyEndpoint, borrowed: empty unless
                                       * uses_local_endpoints */
    GPtrArray *all_reachable;         /* KnProxyEndpoint, borrowed: the union of both,
                                       * sorted; the SEP chains to write */
    gboolean local_serving_terminating;  /* local_endpoints fell back to serving
                                          * terminating ones */
    gboolean has_any_endpoints;       /* usable endpoints anywhere in the cluster */

    /* Section 1.7 (syncProxyRules). */
    gboolean has_internal_endpoints;  /* has_any, unless ITP Local without local ones */
    gboolean has_external_endpoints;  /* has_any, unless ETP Local without local ones */
    gboolean uses_external_traffic_chain;  /* KUBE-EXT: has_any && externally accessible */
    gboolean uses_fw_chain;           /* KUBE-FW: has_any, an LB VIP and a source range */
} KnProxyServicePort;

/* Does kube-proxy's informer pass an object with 'labels'?  Its label
 * selector (cmd/kube-proxy/app/server.go) drops every Service and
 * EndpointSlice labelled service.kubernetes.io/service-proxy-name (another
 * proxy's) or service.kubernetes.io/headless, so the proxy never sees them. */
gboolean kn_proxy_endpoints_informed(const KnLabels *labels);

/* The endpoints of 'port' (borrowed, one of 'service''s ports) of 'service'
 * (borrowed) for the proxier of address 'family' (KN_ADDRESS_IPV4 or
 * KN_ADDRESS_IPV6) on the node named 'node_name' (NULL: no endpoint is
 * local) in zone 'node_zone' (its topology.kubernetes.io/zone label, or
 * NULL).  The slices are those of 'store' in the Service's namespace
 * labelled kubernetes.io/service-name=<name>, less those kube-proxy's
 * informer filters out (labelled service.kubernetes.io/headless or
 * service.kubernetes.io/service-proxy-name).  New; free with
 * kn_proxy_endpoints_free(). */
KnProxyServicePort *kn_proxy_endpoints_new(KnStore *store, const KnService *service,
                                           const KnServicePort *port, KnAddressType family,
                                           const char *node_name, const char *node_zone);

/* The same over 'slices' (KnEndpointSlice *, borrowed; NULL is none), which
 * the caller has already chosen as the Service's; slices of another address
 * type are still skipped.  For tests and for callers holding their own
 * cache. */
KnProxyServicePort *kn_proxy_endpoints_new_from_slices(const GPtrArray *slices,
                                                       const KnService *service,
                                                       const KnServicePort *port,
                                                       KnAddressType family,
                                                       const char *node_name,
                                                       const char *node_zone);

void kn_proxy_endpoints_free(KnProxyServicePort *service_port);   /* accepts NULL */

/* Every service port a proxy on 'node_name' programs for 'family': the
 * Services kube-proxy handles (not ExternalName, not headless, passed by
 * kn_proxy_endpoints_informed()) with a cluster IP of that family, each
 * port's KnProxyServicePort, sorted by svc_port_name in byte order (kube-
 * proxy walks a Go map, a new order each sync; a fixed one keeps output
 * reproducible).  Adds the endpoints of all of them to '*n_endpoints' if
 * not NULL.  New array, owning its elements. */
GPtrArray *kn_proxy_endpoints_collect(KnStore *store, KnAddressType family, const char *node_name,
                                      const char *node_zone, guint *n_endpoints);

/* ServicePortName.String() of 'port' of 'service'.  New; g_free(). */
char *kn_proxy_endpoints_svc_port_name(const KnService *service, const KnServicePort *port);

/* strings.ToLower of the protocol, as kube-proxy writes it in rules. */
const char *kn_proxy_endpoints_protocol(KnProtocol protocol);
/* Its IP protocol number: KN_IPPROTO_TCP, _UDP, or 132 for SCTP. */
guint8 kn_proxy_endpoints_protocol_number(KnProtocol protocol);

/* The family of the Service's primary cluster IP: spec.ipFamilies[0], else
 * IPv6 if the cluster IP has a ':', else IPv4. */
KnAddressType kn_proxy_endpoints_primary_family(const KnService *service);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnProxyServicePort, kn_proxy_endpoints_free)
