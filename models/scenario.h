/* scenario.h -- a scenario file: its first YAML document (kind: Scenario)
 * describes the cluster, the world outside it and the steps to replay; the
 * documents after it are Kubernetes manifests applied at time zero.  The
 * format is ../shared/DESIGN.md's "Scenario format", a contract.
 *
 * The loader is the one user of libyaml.  It checks every field as it reads
 * it and reports the first problem as "file:line:col: error: ..." with the
 * field's path, in the KN_INPUT_ERROR domain (sim/diag.h). */
#pragma once

#include <glib.h>
#include "sim/diag.h"
#include "sim/time.h"

typedef enum {
    KN_PROXY_MODE_IPTABLES,
    KN_PROXY_MODE_NFTABLES,
    KN_PROXY_MODE_IPVS,
    KN_PROXY_MODE_EBPF,
} KnProxyMode;

typedef enum {
    KN_CNI_MODE_VXLAN,           /* overlay, flannel's VXLAN on UDP 8472 */
    KN_CNI_MODE_GENEVE,          /* overlay, Geneve on UDP 6081 */
    KN_CNI_MODE_NATIVE,          /* routed pod subnets, no encapsulation */
    KN_CNI_MODE_CLOUD,           /* pods take VPC addresses */
} KnCniMode;

typedef enum {
    KN_LOAD_BALANCER_NONE,       /* LoadBalancer Services stay <pending> */
    KN_LOAD_BALANCER_CLOUD,
    KN_LOAD_BALANCER_METALLB,
} KnLoadBalancer;

/* A node of cluster.nodes. */
typedef struct KnNodeSpec {
    char *name;                  /* DNS-1123 subdomain */
    GStrv roles;                 /* e.g. {"control-plane"}; never NULL */
    char *zone;                  /* topology.kubernetes.io/zone; NULL if none */
    guint cpu;                   /* cores; 0 if not given */
    guint max_pods;              /* the kubelet's maxPods; 0 if not given (110) */
    char *ip;                    /* NULL: the next free address of nodeCIDR */
    KnSrcLoc loc;                /* the node's mapping */
} KnNodeSpec;

/* A host of external.hosts: a machine outside the cluster. */
typedef struct KnHostSpec {
    char *name;
    char *ip;
    KnSrcLoc loc;
} KnHostSpec;

/* A name the outside world's DNS answers (external.dns). */
typedef struct KnExternalName {
    char *name;                  /* e.g. "example.com" */
    GStrv addresses;             /* IPv4 or IPv6 literals, in file order */
    KnSrcLoc loc;
} KnExternalName;

typedef enum {
    KN_STEP_KUBECTL,             /* kubectl: "create deployment web ..." */
    KN_STEP_APPLY,               /* apply: inline manifests or {file: PATH} */
    KN_STEP_EXEC,                /* exec: {pod, namespace, container, command} */
    KN_STEP_FROM,                /* from: HOST, command: "..." */
    KN_STEP_WAIT,                /* wait: DURATION */
    KN_STEP_FAIL,                /* fail: {node: NAME} */
    KN_STEP_RECOVER,             /* recover: {node: NAME} */
    KN_STEP_TRAFFIC,             /* traffic: load generation */
    KN_STEP_DNS,                 /* dns: {pod, namespace, name, type}: a lookup, query by query */
    KN_STEP_EXPECT,              /* expect: on its own, checks the cluster */
} KnStepKind;

/* A check of text a step printed (expect.stdout, expect.stderr). */
typedef struct KnTextExpect {
    char *contains;              /* a substring it must contain, or NULL */
    char *not_contains;          /* a substring it must not contain, or NULL */
    char *matches;               /* a regular expression (PCRE, multi-line) */
    char *equals;                /* the whole text, less a final newline */
} KnTextExpect;

/* An expect: mapping: checks of the step's output or of the cluster. */
typedef struct KnExpect {
    KnTextExpect out;            /* stdout */
    KnTextExpect err;            /* stderr */
    gboolean has_exit_code;
    guint exit_code;
    char *endpoints_service;     /* endpoints: {service, namespace, ready} */
    char *endpoints_namespace;   /* "default" if not given */
    guint endpoints_ready;       /* ready endpoints over the Service's slices */
    char *pods_selector;         /* pods: {selector, namespace, ready} */
    char *pods_namespace;
    guint pods_ready;            /* pods matching, Running and Ready */
    KnSrcLoc loc;                /* the expect mapping */
} KnExpect;

/* One entry of steps. */
typedef struct KnStep {
    KnStepKind kind;
    char *command;               /* KN_STEP_KUBECTL: the command line after "kubectl";
                                  * KN_STEP_EXEC, KN_STEP_FROM: the command to run */
    KnTime duration;             /* KN_STEP_WAIT: how long */
    guint repeat;                /* times to run it; 1 if not given */
    char *narrate;               /* text printed before the step, or NULL */
    char *save;                  /* save: NAME keeps the step's standard output (less a
                                  * final newline) as $NAME for later commands; or NULL */
    KnExpect *expect;            /* checks after each run, or NULL */
    char *apply_file;            /* KN_STEP_APPLY: the file as given, or NULL if inline */
    char *apply_name;            /* the name its manifests' messages use */
    char *apply_text;            /* the YAML applied */
    GPtrArray *manifests;        /* KN_STEP_APPLY: KnManifest, read at load */
    char *node;                  /* KN_STEP_FAIL, KN_STEP_RECOVER: the node's name;
                                  * KN_STEP_FROM: the node or outside host */
    char *pod;                   /* KN_STEP_EXEC: the pod (or TYPE/NAME, e.g. deployment/web) */
    char *namespace;             /* KN_STEP_EXEC: "default" unless given */
    char *container;             /* KN_STEP_EXEC: the container, or NULL for the first */
    char *dns_name;              /* KN_STEP_DNS: the name looked up */
    char *dns_type;              /* KN_STEP_DNS: A, AAAA, SRV, ...; NULL: A and AAAA */
    KnSrcLoc node_loc;           /* where the node's name is */
    char *node_path;             /* its field path, "steps[4].fail.node" */
    KnSrcLoc loc;                /* the step's mapping */
} KnStep;

/* cluster.network: the fabric's one-way latencies and link bandwidth. */
typedef struct KnNetworkSpec {
    KnTime same_node;            /* through a veth: 5us unless given */
    KnTime same_zone;            /* node to node in one zone: 100us */
    KnTime cross_zone;           /* node to node across zones: 500us */
    KnTime external;             /* to and from outside hosts: 5ms */
    guint64 bandwidth_bps;       /* each node's NIC: 10Gbps */
} KnNetworkSpec;

typedef struct KnScenario {
    char *file;                  /* path as given; every KnSrcLoc points here */
    char *source;                /* the file's text, for error excerpts */
    char *name;                  /* metadata.name */
    char *description;           /* metadata.description, or NULL */
    guint64 seed;                /* 1 if not given */

    KnProxyMode proxy_mode;
    char *cni_plugin;            /* e.g. "flannel" */
    KnCniMode cni_mode;
    char *service_cidr;          /* "10.96.0.0/12", the primary family's */
    char *service_cidr_secondary; /* the other family's, for dual-stack; or NULL */
    char *pod_cidr;              /* "10.244.0.0/16" */
    char *node_cidr;             /* "172.18.0.0/16" */
    char *cluster_domain;        /* "cluster.local" */
    KnNetworkSpec network;       /* cluster.network, defaults filled in */
    KnLoadBalancer load_balancer;
    char *load_balancer_pool;    /* CIDR the provider hands addresses from; NULL: its default */
    gboolean node_local_dns;     /* cluster.dns.nodeLocalCache: the NodeLocal DNSCache addon
                                  * is installed and kubelets point pods at it */
    KnSrcLoc node_local_dns_loc; /* where the scenario turned it on */
    GPtrArray *nodes;            /* KnNodeSpec; owned */

    GPtrArray *external_names;   /* KnExternalName, sorted by name; owned */
    GPtrArray *hosts;            /* KnHostSpec; owned */
    GPtrArray *steps;            /* KnStep; owned */
    GPtrArray *manifests;        /* KnManifest (scenario-manifest.h), the documents
                                  * after the Scenario in file order; owned */
} KnScenario;

/* Reads and checks the scenario in 'path'.  Returns a new scenario (free
 * with kn_scenario_free()), or NULL with 'error' set in KN_INPUT_ERROR. */
KnScenario *kn_scenario_load(const char *path, GError **error);

/* As kn_scenario_load(), from the 'length' bytes at 'data' (borrowed),
 * which messages call 'name'. */
KnScenario *kn_scenario_load_data(const char *name, const char *data, gsize length,
                                  GError **error);

void kn_scenario_free(KnScenario *scenario);      /* accepts NULL */

/* The spelling of an enum value in a scenario file. */
const char *kn_proxy_mode_name(KnProxyMode mode);
const char *kn_step_kind_name(KnStepKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnScenario, kn_scenario_free)
