/* cluster.h -- a running cluster: the scenario's nodes, the store of API
 * objects, and what kubeadm (or kind) puts there before anyone types a
 * command.  Controllers (workload.h) hang off it. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/recorder.h"
#include "models/scenario.h"
#include "models/store.h"
#include "models/svc-alloc.h"
#include "sim/sim.h"

/* kube-dns's ClusterIP is this address of the Service CIDR (kubeadm's
 * GetDNSIP), and the kubelets' clusterDNS is set to it. */
#define KN_CLUSTER_DNS_INDEX 10

typedef struct KnCluster {
    const KnScenario *scenario;  /* borrowed; outlives the cluster */
    KnSim *sim;                  /* borrowed */
    KnStore *store;              /* owned */
    KnRecorder *recorder;        /* the components' Events; owned */
    char *control_plane;         /* name of the first control-plane node, or NULL */
    KnSvcIpAllocator *service_ips;   /* serviceCIDR; owned */
    KnSvcIpAllocator *service_ips_secondary; /* the other family's, dual-stack only; owned, or NULL */
    KnSvcPortAllocator *node_ports;  /* 30000-32767; owned */
} KnCluster;

/* Builds the cluster of 'scenario' on 'sim' as kubeadm leaves it: Node
 * objects with their addresses, pod CIDRs and labels (the control plane
 * tainted NoSchedule), the default, kube-system, kube-public and
 * kube-node-lease namespaces, the `kubernetes` Service, and CoreDNS (its
 * ConfigMap, Deployment and the `kube-dns` Service), and NodeLocal
 * DNSCache when the scenario asks for it (nodelocaldns.h).  Returns NULL with
 * 'error' set (KN_INPUT_ERROR, at the offending node) if the scenario's
 * addresses do not fit its CIDRs.  Free with kn_cluster_free(). */
KnCluster *kn_cluster_new(const KnScenario *scenario, KnSim *sim, GError **error);
void kn_cluster_free(KnCluster *cluster);                  /* accepts NULL */

/* The 'index'th address of the IPv4 'cidr' as text ("10.96.0.0/12", 1 gives
 * "10.96.0.1"); NULL if 'cidr' is not IPv4 or too small.  New. */
char *kn_cluster_cidr_address(const char *cidr, guint32 index);

/* The pod network: podCIDR, or the nodes' network (the VPC) when pods
 * take VPC addresses (cni mode cloud); kube-proxy's --cluster-cidr, its
 * local-traffic detector, as EKS configures it.  Borrowed from the
 * scenario. */
const char *kn_cluster_pod_network(const KnCluster *cluster);

/* kubeadm's default Corefile for 'domain'.  New. */
char *kn_cluster_default_corefile(const char *domain);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnCluster, kn_cluster_free)
