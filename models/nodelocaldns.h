/* nodelocaldns.h -- NodeLocal DNSCache: the cluster addon
 * (kubernetes/kubernetes cluster/addons/dns/nodelocaldns/nodelocaldns.yaml)
 * and its node-cache agent (kubernetes/dns cmd/node-cache), which runs
 * CoreDNS as a cache in each node's host network namespace on a link-local
 * address.
 *
 * The cluster (cluster.h) installs the addon's objects when the scenario
 * asks for it (cluster.dns.nodeLocalCache); the DaemonSet controller runs
 * the node-local-dns pod on every node; when that pod starts, the data
 * path (net.h) starts the node's KnNodeLocalDns: the addresses of its
 * dummy interface, the raw and filter rules it ensures, and the CoreDNS
 * server (coredns.h) of the Corefile it writes, whose cluster-zone forward
 * to the kube-dns-upstream Service goes over TCP through the data path. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "models/coredns.h"
#include "models/proxy-ir.h"
#include "sim/addr.h"

/* The addon's __PILLAR__LOCAL__DNS__: its README's and kube-up's default
 * link-local address (cluster/addons/dns/nodelocaldns/README.md,
 * cluster/gce/config-default.sh LOCAL_DNS_IP). */
#define KN_NODELOCALDNS_IP "169.254.20.10"
/* The image nodelocaldns.yaml runs. */
#define KN_NODELOCALDNS_IMAGE "registry.k8s.io/dns/k8s-dns-node-cache:1.26.4"
/* node-cache's -health-port default, the health plugin's port in the Corefile. */
#define KN_NODELOCALDNS_HEALTH_PORT 8080
/* The names the addon gives its objects, all in kube-system. */
#define KN_NODELOCALDNS_NAME "node-local-dns"
#define KN_NODELOCALDNS_UPSTREAM "kube-dns-upstream"

/* The Corefile of the node-local-dns ConfigMap as the documented install
 * for kube-proxy in iptables mode leaves it: the addon's text with
 * __PILLAR__LOCAL__DNS__ 'local_ip', __PILLAR__DNS__DOMAIN__ 'domain' and
 * __PILLAR__DNS__SERVER__ 'dns_server' (the kube-dns ClusterIP) filled in,
 * __PILLAR__CLUSTER__DNS__ and __PILLAR__UPSTREAM__SERVERS__ left for
 * node-cache.  New. */
char *kn_nodelocaldns_addon_corefile(const char *domain, const char *local_ip, const char *dns_server);

/* Creates the addon's objects in 'cluster' through the API server: the
 * node-local-dns ConfigMap, the kube-dns-upstream Service (kube-dns's
 * selector and DNS ports, its own ClusterIP), the node-local-dns DaemonSet
 * (hostNetwork, dnsPolicy Default, tolerating every taint) and the headless
 * node-local-dns metrics Service.  Needs the kube-dns Service. */
void kn_nodelocaldns_install(KnCluster *cluster);

/* node-cache's updateCorefile (cmd/node-cache/app/configmap.go): 'base'
 * (the ConfigMap's Corefile) with __PILLAR__UPSTREAM__SERVERS__ made
 * /etc/resolv.conf, __PILLAR__CLUSTER__DNS__ 'cluster_dns' (the
 * kube-dns-upstream ClusterIP), __PILLAR__LOCAL__DNS__ the -localip list
 * 'local_ips' with spaces for commas, and any __PILLAR__DNS__SERVER__ left
 * removed.  New. */
char *kn_nodelocaldns_corefile(const char *base, const char *local_ips, const char *cluster_dns);

/* node-cache's initIptables for the comma-separated 'local_ips' and DNS
 * 'port', health check port 'health_port': for each address, raw
 * PREROUTING NOTRACK of TCP and UDP to it, filter INPUT ACCEPT of the same,
 * raw OUTPUT NOTRACK and filter OUTPUT ACCEPT from it, raw OUTPUT NOTRACK
 * to it and of the health port both ways, each with its "NodeLocal DNS
 * Cache: ..." comment, in the order EnsureRule(Prepend) leaves them (the
 * last ensured first).  New; kn_proxy_ir_ruleset_free(). */
KnProxyIrRuleset *kn_nodelocaldns_rules(const char *local_ips, guint16 port, guint16 health_port);

/* node-cache on one node. */
typedef struct KnNodeLocalDns KnNodeLocalDns;

/* Starts node-cache as the pod 'pod' (borrowed; its first container's
 * -localip, -upstreamsvc and -health-port arguments) runs it on its node:
 * the Corefile from the node-local-dns ConfigMap and the upstream
 * Service's ClusterIP (the KUBE_DNS_UPSTREAM_SERVICE_HOST the kubelet gives
 * the pod), the rules, and the CoreDNS server, with forwards to addresses
 * carried over the data path.  NULL with 'error' set if the ConfigMap, the
 * Service or the arguments are missing or the Corefile does not parse.
 * Free with kn_nodelocaldns_free(). */
KnNodeLocalDns *kn_nodelocaldns_new(KnCluster *cluster, const KnPod *pod, GError **error);
void kn_nodelocaldns_free(KnNodeLocalDns *cache);           /* accepts NULL */

/* Whether 'addr' is one of its -localip addresses (on the node's
 * nodelocaldns dummy interface). */
gboolean kn_nodelocaldns_has_addr(const KnNodeLocalDns *cache, const KnAddr *addr);
/* Its rules (borrowed), its CoreDNS server (borrowed), the ClusterIP it
 * forwards the cluster zone to (borrowed) and the pod it runs as. */
KnProxyIrRuleset *kn_nodelocaldns_ruleset(KnNodeLocalDns *cache);
KnCoreDns *kn_nodelocaldns_server(KnNodeLocalDns *cache);
const char *kn_nodelocaldns_upstream(const KnNodeLocalDns *cache);
const char *kn_nodelocaldns_pod(const KnNodeLocalDns *cache);
/* Its addresses as its Corefile's bind line has them: "169.254.20.10 10.96.0.10". */
const char *kn_nodelocaldns_addrs_text(const KnNodeLocalDns *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnNodeLocalDns, kn_nodelocaldns_free)
