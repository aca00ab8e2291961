/* svc-alloc.h -- the API server's allocators of Service ClusterIPs (one
 * per service CIDR and family) and of NodePorts (also used for
 * healthCheckNodePort).  The cluster model (svc) asks them for an address
 * or a port when a Service is created and gives it back when the Service is
 * deleted; each draws its random starting points from a KnRng stream the
 * caller names, so a run is reproducible.
 *
 * Errors are bad input, GErrors in KN_INPUT_ERROR with the code
 * KN_INPUT_ERROR_VALUE.  Their message is the API server's own text for the
 * field, without the field path: the caller adds "spec.clusterIPs: Invalid
 * value: []string{\"10.96.0.10\"}: ", "spec.ports[0].nodePort: Invalid value:
 * 30080: " or "Internal error occurred: " as the API server does (see each
 * function), and the file location. */
#pragma once

#include <glib.h>
#include "sim/diag.h"
#include "sim/rng.h"

/*****************************************************************************/
/* ClusterIPs */

typedef struct KnSvcIpAllocator KnSvcIpAllocator;   /* opaque */

/* Creates the allocator of the service CIDR 'cidr' ("10.96.0.0/12",
 * "fd00:10:96::/112"; host bits are cleared as Go's ParseCIDR does).  Fails
 * for text that is not a CIDR, for a range of more than 20 host bits
 * (kubeadm's "specified service subnet is too large; for 32-bit addresses,
 * the mask must be >= 12") and for one of fewer than 8 addresses ("the
 * service cluster IP range must be at least 8 IP addresses").
 * Returns: new; free with kn_svc_alloc_ip_free(). */
KnSvcIpAllocator *kn_svc_alloc_ip_new(const char *cidr, GError **error);
void kn_svc_alloc_ip_free(KnSvcIpAllocator *alloc);           /* accepts NULL */

/* The range as the API server prints it ("10.96.0.0/12"); borrowed. */
const char *kn_svc_alloc_ip_get_cidr(const KnSvcIpAllocator *alloc);
gboolean kn_svc_alloc_ip_is_ipv6(const KnSvcIpAllocator *alloc);
/* How many addresses can be allocated: the CIDR less the network address,
 * less the broadcast address for IPv4; IPv6 counts at most 65536 addresses
 * from the network address on.  4094 for a /20, 1048574 for a /12. */
guint kn_svc_alloc_ip_get_size(const KnSvcIpAllocator *alloc);
/* The size of the static band (KEP-3070), the first addresses of the range,
 * which allocate_next() uses only once the rest is full: 256 for a /12,
 * 16 for a /24, 0 for a /28. */
guint kn_svc_alloc_ip_get_band(const KnSvcIpAllocator *alloc);
guint kn_svc_alloc_ip_n_used(const KnSvcIpAllocator *alloc);
guint kn_svc_alloc_ip_n_free(const KnSvcIpAllocator *alloc);

/* Allocates a free address, drawing from 'rng' (the caller's stream): a
 * random start in the dynamic band, scanning up and wrapping inside it,
 * then, if that band is full, the same in the static band.  On a full range
 * fails with "failed to allocate a serviceIP: range is full" (an internal
 * error: "Internal error occurred: " goes first).
 * Returns: new, the address as text; free with g_free(). */
char *kn_svc_alloc_ip_allocate_next(KnSvcIpAllocator *alloc, KnRng *rng, GError **error);

/* Allocates the address 'ip' (text, as in spec.clusterIPs), anywhere in the
 * range, static band included.  Fails with "failed to allocate IP
 * 10.96.0.10: provided IP is already allocated" or "failed to allocate IP
 * 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range
 * of valid IPs is 10.96.0.0/12"; the caller prefixes "spec.clusterIPs:
 * Invalid value: []string{\"10.96.0.10\"}: ". */
gboolean kn_svc_alloc_ip_allocate(KnSvcIpAllocator *alloc, const char *ip, GError **error);

/* Frees 'ip'.  An address that is not allocated, or not in the range, or
 * not an address is ignored, as the API server ignores it. */
void kn_svc_alloc_ip_release(KnSvcIpAllocator *alloc, const char *ip);

/* Whether 'ip' is in the range and allocated. */
gboolean kn_svc_alloc_ip_has(const KnSvcIpAllocator *alloc, const char *ip);

/* The address 'index' places after the network address of 'cidr', as
 * k8s.io/utils/net GetIndexedIP: 1 is the `kubernetes` Service's ClusterIP
 * (10.96.0.1), 10 is kubeadm's kube-dns (10.96.0.10).  Fails if 'cidr' is
 * not a CIDR or the address falls outside it.
 * Returns: new; free with g_free(). */
char *kn_svc_alloc_indexed_ip(const char *cidr, guint64 index, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnSvcIpAllocator, kn_svc_alloc_ip_free)

/*****************************************************************************/
/* NodePorts */

typedef struct KnSvcPortAllocator KnSvcPortAllocator;   /* opaque */

/* The default --service-node-port-range, 30000-32767. */
#define KN_SVC_ALLOC_PORT_BASE 30000
#define KN_SVC_ALLOC_PORT_SIZE 2768

/* Creates the allocator of the 'size' ports from 'base' on.  Fails if the
 * range is empty or goes past 65535.
 * Returns: new; free with kn_svc_alloc_port_free(). */
KnSvcPortAllocator *kn_svc_alloc_port_new(guint base, guint size, GError **error);
void kn_svc_alloc_port_free(KnSvcPortAllocator *alloc);       /* accepts NULL */

/* The range as the API server prints it ("30000-32767"); borrowed. */
const char *kn_svc_alloc_port_get_range(const KnSvcPortAllocator *alloc);
guint kn_svc_alloc_port_get_size(const KnSvcPortAllocator *alloc);
/* The static band: 86 for the default range (30000-30085). */
guint kn_svc_alloc_port_get_band(const KnSvcPortAllocator *alloc);
guint kn_svc_alloc_port_n_used(const KnSvcPortAllocator *alloc);
guint kn_svc_alloc_port_n_free(const KnSvcPortAllocator *alloc);

/* Allocates a free port as allocate_next() does for addresses.  Returns the
 * port, or 0 when the range is full, with "failed to allocate a nodePort:
 * range is full" (an internal error).  For healthCheckNodePort the API
 * server says "failed to allocate a HealthCheck NodePort 0: range is full"
 * instead (Go prints a shadowed variable); the caller words that case. */
guint kn_svc_alloc_port_allocate_next(KnSvcPortAllocator *alloc, KnRng *rng, GError **error);

/* Allocates 'port'.  Fails with "provided port is already allocated" or
 * "provided port is not in the valid range. The range of valid ports is
 * 30000-32767"; the caller prefixes "spec.ports[0].nodePort: Invalid value:
 * 30080: ", or for healthCheckNodePort, "Internal error occurred: failed to
 * allocate requested HealthCheck NodePort 30080: ". */
gboolean kn_svc_alloc_port_allocate(KnSvcPortAllocator *alloc, gint64 port, GError **error);

/* Frees 'port'; one not allocated, or out of the range, is ignored. */
void kn_svc_alloc_port_release(KnSvcPortAllocator *alloc, gint64 port);
gboolean kn_svc_alloc_port_has(const KnSvcPortAllocator *alloc, gint64 port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnSvcPortAllocator, kn_svc_alloc_port_free)
