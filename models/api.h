/* api.h -- the Kubernetes API objects knetsim models, as plain structs.
 *
 * These mirror k8s.io/api/core/v1, apps/v1 and discovery/v1 (types.go), field
 * for field where knetsim uses a field, with the same names in camelCase
 * turned into snake_case.  The store (store.h) owns every object; everyone
 * else borrows.  Objects read from YAML keep the position of their manifest.
 *
 * Optional scalars use a 'has_' flag or NULL; lists are GPtrArrays that own
 * their elements (never NULL once an object is built by kn_*_new()). */
#pragma once

#include <glib.h>
#include "sim/diag.h"
#include "sim/time.h"

/*****************************************************************************/
/* Labels, selectors, metadata. */

/* A string-to-string map kept sorted by key, as Kubernetes prints maps. */
typedef struct KnLabels KnLabels;

KnLabels *kn_labels_new(void);                          /* free with kn_labels_free() */
void kn_labels_free(KnLabels *labels);                  /* accepts NULL */
KnLabels *kn_labels_copy(const KnLabels *labels);       /* NULL gives NULL */
void kn_labels_set(KnLabels *labels, const char *key, const char *value);
gboolean kn_labels_remove(KnLabels *labels, const char *key);
const char *kn_labels_get(const KnLabels *labels, const char *key); /* borrowed; NULL if unset */
guint kn_labels_size(const KnLabels *labels);           /* 0 for NULL */
/* The 'i'th key and value in key order; borrowed. */
const char *kn_labels_key(const KnLabels *labels, guint i);
const char *kn_labels_value(const KnLabels *labels, guint i);
gboolean kn_labels_equal(const KnLabels *a, const KnLabels *b);
/* TRUE if every pair of 'selector' is in 'labels' (an equality-based
 * selector, as a Service's); an empty selector matches everything. */
gboolean kn_labels_match(const KnLabels *labels, const KnLabels *selector);
/* "k1=v1,k2=v2" in key order, as kubectl --show-labels prints them, or
 * "<none>" when empty.  New; g_free(). */
char *kn_labels_to_string(const KnLabels *labels);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnLabels, kn_labels_free)

/* metav1.LabelSelectorRequirement: a set-based term of a workload's
 * selector, kept as written for validation to judge. */
typedef struct KnSelectorRequirement {
    char *key;                   /* "" if not given */
    char *operator;              /* "In", "NotIn", "Exists", "DoesNotExist", or as written */
    GPtrArray *values;           /* char *; never NULL */
    gboolean values_given;       /* values set, even empty ([] versus nil) */
} KnSelectorRequirement;

KnSelectorRequirement *kn_selector_requirement_new(void);
void kn_selector_requirement_free(KnSelectorRequirement *requirement);  /* accepts NULL */

/* What a workload's spec.selector holds besides its matchLabels (the
 * workload's KnLabels *selector, which this follows in each struct). */
typedef struct KnSelectorRest {
    gboolean given;              /* spec.selector is set (apps/v1 requires it); TRUE unless
                                  * a manifest leaves it out */
    gboolean match_labels_given; /* matchLabels set, even empty ({} versus nil) */
    GPtrArray *expressions;      /* matchExpressions: KnSelectorRequirement; NULL unless set */
} KnSelectorRest;

void kn_selector_rest_clear(KnSelectorRest *rest);
/* Does the selector of 'match_labels' and 'rest' select 'labels'?
 * Equality for match_labels, and In, NotIn, Exists and DoesNotExist as
 * labels.Selector does; an empty selector selects everything. */
gboolean kn_selector_matches(const KnLabels *labels, const KnLabels *match_labels, const KnSelectorRest *rest);

typedef enum {
    KN_KIND_NAMESPACE,
    KN_KIND_NODE,
    KN_KIND_POD,
    KN_KIND_DEPLOYMENT,
    KN_KIND_REPLICA_SET,
    KN_KIND_STATEFUL_SET,
    KN_KIND_DAEMON_SET,
    KN_KIND_SERVICE,
    KN_KIND_ENDPOINT_SLICE,
    KN_KIND_ENDPOINTS,
    KN_KIND_CONFIG_MAP,
    KN_KIND_EVENT,
    KN_N_KINDS,
} KnKind;

/* "Service", "EndpointSlice", ... as in a manifest's kind field. */
const char *kn_kind_name(KnKind kind);
/* The apiVersion a manifest of 'kind' carries: "v1", "apps/v1", "discovery.k8s.io/v1". */
const char *kn_kind_api_version(KnKind kind);
/* Looks a kind up by its manifest name; FALSE if knetsim does not know it. */
gboolean kn_kind_lookup(const char *name, KnKind *kind);

/* metadata.ownerReferences[] with controller: true (the one knetsim keeps). */
typedef struct KnOwnerRef {
    KnKind kind;
    char *name;                  /* NULL: no owner */
    char *uid;
} KnOwnerRef;

typedef struct KnObjectMeta {
    char *name;
    char *namespace;             /* NULL for cluster-scoped kinds (Node, Namespace) */
    char *generate_name;         /* NULL unless given */
    char *uid;                   /* RFC 4122 v4 form, drawn from the "uid" stream */
    KnLabels *labels;            /* never NULL */
    KnLabels *annotations;       /* never NULL */
    KnTime creation_time;        /* metadata.creationTimestamp, simulated */
    gboolean deleting;           /* metadata.deletionTimestamp is set */
    KnTime deletion_time;        /* when the object goes, if 'deleting' */
    guint64 resource_version;    /* bumped by the store on every write */
    guint64 generation;          /* bumped on spec changes */
    KnOwnerRef owner;            /* the controller owner, if any */
    KnSrcLoc loc;                /* the manifest, if the object came from YAML */
} KnObjectMeta;

/*****************************************************************************/
/* Ports, probes, pods. */

typedef enum {
    KN_PROTOCOL_TCP,
    KN_PROTOCOL_UDP,
    KN_PROTOCOL_SCTP,
} KnProtocol;

const char *kn_protocol_name(KnProtocol protocol);      /* "TCP", "UDP", "SCTP" */

/* An int-or-string port reference (targetPort, probe ports). */
typedef struct KnIntOrString {
    gboolean is_string;
    guint number;                /* if !is_string */
    char *name;                  /* if is_string */
} KnIntOrString;

typedef struct KnContainerPort {
    char *name;                  /* NULL if unnamed */
    guint container_port;
    KnProtocol protocol;
} KnContainerPort;

typedef enum {
    KN_PROBE_NONE,
    KN_PROBE_HTTP_GET,
    KN_PROBE_TCP_SOCKET,
    KN_PROBE_EXEC,
} KnProbeKind;

/* A readiness probe with the kubelet's defaults: period 10 s, timeout 1 s,
 * success 1, failure 3, initial delay 0. */
typedef struct KnProbe {
    KnProbeKind kind;
    KnIntOrString port;          /* HTTP_GET, TCP_SOCKET */
    char *path;                  /* HTTP_GET */
    GPtrArray *command;          /* char *: EXEC's command; never NULL */
    guint initial_delay_s;
    guint period_s;
    guint timeout_s;
    guint success_threshold;
    guint failure_threshold;
} KnProbe;

typedef struct KnContainer {
    char *name;
    char *image;
    GPtrArray *ports;            /* KnContainerPort */
    GPtrArray *command;          /* char *: command then args, may be empty */
    guint n_command;             /* how many of 'command' came from command:, the rest
                                  * being args: (0: the image's entrypoint runs them) */
    KnProbe readiness;           /* kind NONE: ready as soon as started */
    KnLabels *requests;          /* resources.requests: "cpu" -> "50m", ...; never NULL */
    KnLabels *limits;            /* resources.limits; never NULL */
    gboolean stdin, stdin_once, tty;  /* stdin, stdinOnce, tty: what `kubectl run -i [-t]` sets */
    gboolean attached;           /* not in the API: `kubectl run -i` or --attach starts its
                                  * process when it attaches (kubectl.h), the kubelet not */
} KnContainer;

/* A toleration: 'key' empty with operator Exists tolerates every taint. */
typedef struct KnToleration {
    char *key;                   /* NULL: any key */
    gboolean exists;             /* operator Exists (else Equal) */
    char *value;                 /* Equal only */
    char *effect;                /* NULL: any effect */
    guint seconds;               /* tolerationSeconds for NoExecute; 0: forever */
    gboolean has_seconds;
} KnToleration;

/* pod.spec.dnsConfig.options[]: a resolver option, "name" or "name:value"
 * in the resolv.conf the kubelet writes. */
typedef struct KnPodDnsConfigOption {
    char *name;                  /* "" if not given (validation refuses it) */
    char *value;                 /* NULL: not given (Go's nil *string) */
} KnPodDnsConfigOption;

/* pod.spec.dnsConfig: what the kubelet adds to the resolv.conf its
 * dnsPolicy makes (appendDNSConfig), or all of it for dnsPolicy None. */
typedef struct KnPodDnsConfig {
    GPtrArray *nameservers;      /* char *, IP literals; never NULL */
    GPtrArray *searches;         /* char *; never NULL */
    GPtrArray *options;          /* KnPodDnsConfigOption; never NULL */
} KnPodDnsConfig;

typedef struct KnPodSpec {
    GPtrArray *containers;       /* KnContainer */
    char *node_name;             /* NULL until scheduled */
    char *hostname;              /* spec.hostname, or NULL */
    char *subdomain;             /* spec.subdomain, or NULL */
    gboolean host_network;
    gboolean enable_service_links; /* TRUE unless set: the Services' environment variables */
    char *dns_policy;            /* "ClusterFirst" unless set */
    KnPodDnsConfig *dns_config;  /* spec.dnsConfig; NULL unless given */
    char *restart_policy;        /* spec.restartPolicy as written; NULL: Always, the default */
    guint termination_grace_s;   /* 30 unless set */
    KnLabels *node_selector;     /* never NULL */
    GPtrArray *tolerations;      /* KnToleration */
} KnPodSpec;

/* A pod template: the labels and spec that workloads stamp pods from. */
typedef struct KnPodTemplate {
    KnLabels *labels;            /* never NULL */
    KnLabels *annotations;       /* never NULL */
    KnPodSpec spec;
} KnPodTemplate;

typedef enum {
    KN_POD_PENDING,
    KN_POD_RUNNING,
    KN_POD_SUCCEEDED,
    KN_POD_FAILED,
} KnPodPhase;

const char *kn_pod_phase_name(KnPodPhase phase);

/* What the kubelet reports of a container whose main process has ended at
 * least once (containerStatuses[]): its state and its lastState. */
typedef enum {
    KN_CONTAINER_RUNNING,
    KN_CONTAINER_TERMINATED,     /* exited: for good, or until its restart */
    KN_CONTAINER_BACK_OFF,       /* waiting, reason CrashLoopBackOff */
} KnContainerState;

typedef struct KnContainerTermination {
    int exit_code;
    KnTime started_at, finished_at;
} KnContainerTermination;

typedef struct KnContainerRun {
    KnContainerState state;
    KnTime running_since;        /* RUNNING: when this run started */
    KnContainerTermination ended;    /* TERMINATED, BACK_OFF: the run that ended */
    KnContainerTermination last;     /* the run before this one, if has_last */
    gboolean has_last;
    guint restarts;              /* restartCount */
    KnTime back_off;             /* the kubelet's back-off for its next restart; 0: none yet */
    KnTime back_off_set;         /* when it was last set */
} KnContainerRun;

/* lastState.terminated of a container (convertToAPIContainerStatuses):
 * waiting to restart, the run that just ended; else the run before this
 * one.  NULL if there is none. */
const KnContainerTermination *kn_container_run_last_state(const KnContainerRun *run);

typedef struct KnPod {
    KnObjectMeta meta;
    KnPodSpec spec;
    KnPodPhase phase;
    char *pod_ip;                /* NULL until the sandbox has a network */
    char *host_ip;
    gboolean started;            /* containers running */
    gboolean ready;              /* the Ready condition */
    gboolean ready_stale;        /* Ready was set False by the node lifecycle controller
                                  * (node unreachable); containerStatuses still say what
                                  * the kubelet last reported */
    KnTime start_time;
    KnTime ready_time;           /* last transition of Ready */
    guint restarts;
    guint n_terminated;          /* containers whose process ended for good (restartPolicy
                                  * Never, or OnFailure with status 0) */
    guint n_failed;              /* those of them that ended with a status other than 0 */
    KnContainerRun *runs;        /* per container, once a process of one has ended; else NULL */
    char *unschedulable;         /* the scheduler's last FitError while unbound, else NULL:
                                  * PodScheduled False, reason Unschedulable */
    KnTime unschedulable_time;   /* when PodScheduled turned False */
} KnPod;

/*****************************************************************************/
/* Services. */

typedef enum {
    KN_SERVICE_CLUSTER_IP,
    KN_SERVICE_NODE_PORT,
    KN_SERVICE_LOAD_BALANCER,
    KN_SERVICE_EXTERNAL_NAME,
} KnServiceType;

const char *kn_service_type_name(KnServiceType type);  /* "ClusterIP", ... */

typedef struct KnServicePort {
    char *name;                  /* required once there are two or more ports */
    KnProtocol protocol;
    char *app_protocol;          /* NULL if unset */
    guint port;
    KnIntOrString target_port;   /* defaults to 'port' */
    guint node_port;             /* 0: none (yet) */
    char *protocol_raw;          /* the protocol as written when it is none of
                                  * TCP, UDP, SCTP ("" if empty), else NULL */
    KnSrcLoc loc;
} KnServicePort;

typedef enum {
    KN_IP_FAMILY_POLICY_UNSET,
    KN_IP_FAMILY_POLICY_SINGLE_STACK,
    KN_IP_FAMILY_POLICY_PREFER_DUAL_STACK,
    KN_IP_FAMILY_POLICY_REQUIRE_DUAL_STACK,
} KnIpFamilyPolicy;

typedef enum {
    KN_TRAFFIC_POLICY_CLUSTER,
    KN_TRAFFIC_POLICY_LOCAL,
} KnTrafficPolicy;

const char *kn_ip_family_policy_name(KnIpFamilyPolicy policy);  /* "SingleStack" when unset */
const char *kn_traffic_policy_name(KnTrafficPolicy policy);     /* "Cluster", "Local" */

typedef struct KnServiceSpec {
    KnServiceType type;
    KnLabels *selector;          /* NULL: no selector (hand-made endpoints) */
    GPtrArray *ports;            /* KnServicePort */
    char *cluster_ip;            /* NULL before allocation; "None" if headless */
    GPtrArray *cluster_ips;      /* char *; [0] equals cluster_ip */
    GPtrArray *ip_families;      /* char *: "IPv4", "IPv6" */
    KnIpFamilyPolicy ip_family_policy;
    GPtrArray *external_ips;     /* char * */
    char *external_name;         /* ExternalName only */
    gboolean session_affinity_client_ip;
    guint session_affinity_timeout_s;  /* 10800 by default for ClientIP */
    KnTrafficPolicy external_traffic_policy;
    KnTrafficPolicy internal_traffic_policy;
    guint health_check_node_port;       /* 0: none */
    char *load_balancer_ip;
    GPtrArray *load_balancer_source_ranges; /* char * CIDRs */
    char *load_balancer_class;
    gboolean allocate_load_balancer_node_ports; /* TRUE unless set false */
    gboolean publish_not_ready_addresses;
    char *traffic_distribution;  /* "PreferClose", or NULL */

    /* What the manifest said, where the fields above cannot hold it.  A
     * '_raw' string is set only when the value written is not one the enum
     * holds ("" if written empty), so validation can name it; NULL otherwise.
     * A 'has_' flag says the field was given rather than defaulted. */
    char *type_raw;              /* spec.type */
    char *session_affinity_raw;  /* spec.sessionAffinity */
    char *external_traffic_policy_raw;  /* spec.externalTrafficPolicy */
    char *internal_traffic_policy_raw;  /* spec.internalTrafficPolicy */
    char *ip_family_policy_raw;  /* spec.ipFamilyPolicy */
    gboolean has_external_traffic_policy;   /* given, or defaulted for NodePort/LoadBalancer */
    gboolean has_session_affinity_config;   /* spec.sessionAffinityConfig given */
    gboolean has_allocate_load_balancer_node_ports; /* given, or defaulted for LoadBalancer */
} KnServiceSpec;

typedef struct KnService {
    KnObjectMeta meta;
    KnServiceSpec spec;
    GPtrArray *load_balancer_ingress;   /* char *: status.loadBalancer.ingress[].ip */
} KnService;

/*****************************************************************************/
/* EndpointSlices and Endpoints. */

typedef enum {
    KN_ADDRESS_IPV4,
    KN_ADDRESS_IPV6,
    KN_ADDRESS_FQDN,
} KnAddressType;

const char *kn_address_type_name(KnAddressType type);   /* "IPv4", "IPv6", "FQDN" */

typedef struct KnEndpoint {
    GPtrArray *addresses;        /* char * */
    gboolean ready, serving, terminating;
    char *hostname;              /* NULL if unset */
    char *node_name;             /* NULL if unset */
    char *zone;                  /* NULL if unset */
    char *target_pod;            /* targetRef: the pod's name, or NULL */
    char *target_namespace;
    char *target_uid;
    GPtrArray *hint_zones;       /* char *: hints.forZones[].name */
    GPtrArray *hint_nodes;       /* char *: hints.forNodes[].name */
} KnEndpoint;

typedef struct KnEndpointPort {
    char *name;                  /* "" is a name too; NULL: unset */
    KnProtocol protocol;
    guint port;                  /* 0: unset */
    char *app_protocol;
} KnEndpointPort;

typedef struct KnEndpointSlice {
    KnObjectMeta meta;
    KnAddressType address_type;
    gboolean address_type_missing;      /* a manifest left addressType out */
    GPtrArray *endpoints;        /* KnEndpoint */
    GPtrArray *ports;            /* KnEndpointPort */
} KnEndpointSlice;

/* The legacy Endpoints object: subsets of addresses sharing ports. */
typedef struct KnEndpointAddress {
    char *ip;
    char *hostname;
    char *node_name;
    char *target_pod;
    char *target_namespace;
    char *target_uid;
} KnEndpointAddress;

typedef struct KnEndpointSubset {
    GPtrArray *addresses;        /* KnEndpointAddress */
    GPtrArray *not_ready_addresses; /* KnEndpointAddress */
    GPtrArray *ports;            /* KnEndpointPort */
} KnEndpointSubset;

typedef struct KnEndpoints {
    KnObjectMeta meta;
    GPtrArray *subsets;          /* KnEndpointSubset */
} KnEndpoints;

/*****************************************************************************/
/* Workloads, nodes, namespaces, config maps. */

/* A condition of a Deployment's status (apps/v1 DeploymentCondition). */
typedef struct KnDeploymentCondition {
    const char *type;            /* "Available" or "Progressing"; static */
    gboolean status;
    const char *reason;          /* "MinimumReplicasAvailable", ...; static */
    char *message;               /* owned */
    KnTime last_update, last_transition;
} KnDeploymentCondition;

/* The int32 fields of the workloads (replicas, minReadySeconds,
 * revisionHistoryLimit, progressDeadlineSeconds) and the numbers of
 * maxSurge and maxUnavailable hold an int32's bits when read from a
 * manifest: a negative one is the API server's validation to refuse
 * (svc-validate.h), and nothing else ever sees it. */
typedef struct KnDeployment {
    KnObjectMeta meta;
    guint replicas;              /* spec.replicas, 1 unless set */
    KnLabels *selector;          /* spec.selector.matchLabels */
    KnSelectorRest selector_rest; /* the rest of spec.selector */
    KnPodTemplate template;
    gboolean recreate;           /* spec.strategy.type Recreate, else RollingUpdate */
    char *strategy_raw;          /* spec.strategy.type as written when it is neither, else NULL */
    gboolean rolling_update_given; /* spec.strategy.rollingUpdate was in the manifest */
    KnIntOrString max_surge;     /* "25%" unless set (RollingUpdate only) */
    KnIntOrString max_unavailable; /* "25%" unless set (RollingUpdate only) */
    guint min_ready_s;
    guint revision_history_limit; /* 10 */
    guint progress_deadline_s;   /* spec.progressDeadlineSeconds, 600 unless set */
    /* status */
    guint64 observed_generation; /* the generation the controller last acted on */
    guint status_replicas, updated_replicas, ready_replicas, available_replicas;
    GPtrArray *conditions;       /* KnDeploymentCondition *, in the order the controller set them */
} KnDeployment;

typedef struct KnReplicaSet {
    KnObjectMeta meta;
    guint replicas;
    KnLabels *selector;
    KnSelectorRest selector_rest;
    KnPodTemplate template;
    guint min_ready_s;           /* spec.minReadySeconds */
    guint status_replicas, ready_replicas, available_replicas;
} KnReplicaSet;

typedef struct KnStatefulSet {
    KnObjectMeta meta;
    guint replicas;
    char *service_name;          /* the governing headless Service */
    KnLabels *selector;
    KnSelectorRest selector_rest;
    KnPodTemplate template;
    gboolean parallel;           /* podManagementPolicy: Parallel */
    guint min_ready_s;           /* spec.minReadySeconds */
    guint ready_replicas, current_replicas;
} KnStatefulSet;

typedef struct KnDaemonSet {
    KnObjectMeta meta;
    KnLabels *selector;
    KnSelectorRest selector_rest;
    KnPodTemplate template;
    guint min_ready_s;           /* spec.minReadySeconds */
    guint revision_history_limit; /* 10 */
    guint desired, current, ready;
} KnDaemonSet;

/* A taint on a node: key, value, effect (NoSchedule, NoExecute, ...). */
typedef struct KnTaint {
    char *key;
    char *value;                 /* NULL if none */
    char *effect;
    KnTime added;                /* for NoExecute eviction timing */
} KnTaint;

/* The release the simulated cluster and its kubectl are: nodes' kubelet
 * and kube-proxy, `kubectl version`. */
#define KN_KUBERNETES_VERSION "v1.31.0"

/* The kubelet's default maxPods, its node's allocatable pods. */
#define KN_NODE_MAX_PODS 110

typedef struct KnNode {
    KnObjectMeta meta;           /* labels carry roles, zone, hostname, os */
    char *internal_ip;
    char *pod_cidr;              /* spec.podCIDR, a /24 of the cluster's podCIDR */
    guint cpu;                   /* allocatable cores */
    guint max_pods;              /* allocatable pods: the kubelet's maxPods, 110 */
    gboolean ready;              /* the Ready condition */
    gboolean unschedulable;
    GPtrArray *taints;           /* KnTaint */
    KnTime ready_time;           /* last transition of Ready */
    /* The scheduler's bookkeeping (not API fields). */
    guint n_pods;                /* pods bound to the node */
    guint64 cpu_requested;       /* millicores the pods bound to the node request */
    guint index;                 /* position in the scheduler's node list */
} KnNode;

typedef struct KnNamespace {
    KnObjectMeta meta;
    gboolean terminating;
} KnNamespace;

typedef struct KnConfigMap {
    KnObjectMeta meta;
    KnLabels *data;              /* key -> value, sorted */
} KnConfigMap;

/* core/v1 Event: what a component saw happen to an object (recorder.h
 * records them).  Its namespace is the object's. */
typedef struct KnEvent {
    KnObjectMeta meta;           /* name: "<object>.<hex of its first time in ns>" */
    KnKind involved_kind;        /* involvedObject */
    char *involved_name;
    char *involved_uid;
    char *field_path;            /* "spec.containers{nginx}", or NULL */
    gboolean warning;            /* type Warning, else Normal */
    char *reason;
    char *message;
    char *component;             /* source.component (legacy recorder) or reportingController */
    char *host;                  /* source.host, or NULL */
    gboolean series_api;         /* recorded through events.k8s.io: eventTime, no count */
    KnTime first_time;           /* firstTimestamp, or eventTime for series_api */
    KnTime last_time;            /* lastTimestamp (the series' last for series_api) */
    guint count;                 /* occurrences (1 for a singleton) */
} KnEvent;

/*****************************************************************************/
/* Construction and destruction.  kn_<kind>_new() gives an object with
 * every list allocated and every default set; free with kn_object_free(). */

KnPod *kn_pod_new(void);
KnService *kn_service_new(void);
/* apiservice.ExternallyAccessible: a NodePort or LoadBalancer Service, or
 * a ClusterIP one with externalIPs.  Only these have an
 * externalTrafficPolicy (the API server defaults it to Cluster) and only
 * on these does Local mean anything to kube-proxy. */
gboolean kn_service_externally_accessible(const KnService *service);
KnEndpointSlice *kn_endpoint_slice_new(void);
KnEndpoint *kn_endpoint_new(void);
KnEndpointPort *kn_endpoint_port_new(void);
KnEndpoints *kn_endpoints_new(void);
KnEndpointSubset *kn_endpoint_subset_new(void);
KnEndpointAddress *kn_endpoint_address_new(void);
KnDeployment *kn_deployment_new(void);
void kn_deployment_condition_free(KnDeploymentCondition *condition);   /* accepts NULL */
KnDeploymentCondition *kn_deployment_condition_copy(const KnDeploymentCondition *condition); /* new */
KnReplicaSet *kn_replica_set_new(void);
KnStatefulSet *kn_stateful_set_new(void);
KnDaemonSet *kn_daemon_set_new(void);
KnNode *kn_node_new(void);
KnNamespace *kn_namespace_new(void);
KnConfigMap *kn_config_map_new(void);
KnEvent *kn_event_new(void);

/* A container's imagePullPolicy when the spec gives none (defaults.go):
 * Always for ":latest" or no tag, IfNotPresent otherwise (a digest too). */
const char *kn_image_pull_policy(const char *image);

/* Appends Go's %q of 'text' (strconv.Quote), as the API server's and
 * kubectl's messages quote values, to 'out'. */
void kn_go_quoted(GString *out, const char *text);
char *kn_go_quote(const char *text);                     /* the same, new */

/* resource.Quantity's value: a decimal number with an exponent or an SI
 * or binary suffix ("100m", "0.5", "1e3", "128Mi").  FALSE if 'text' is
 * not a quantity. */
gboolean kn_quantity_value(const char *text, double *value);
/* resource.Quantity's canonical form (String()), as the API server stores
 * a quantity and kubectl prints it: "0.5" is "500m", "1000m" "1", "1024Mi"
 * "1Gi", "0.5Gi" "512Mi".  What does not parse, or needs rounding below
 * the nano scale, is returned as written.  New; g_free(). */
char *kn_quantity_string(const char *text);

/* A pod container's resources.requests as the API server stores them:
 * SetDefaults_Pod copies every limit without a request into the requests
 * (only for pods, not templates).  New; kn_labels_free(). */
KnLabels *kn_container_requests(const KnContainer *c);

/* The cpu a pod requests, in millicores, as the scheduler adds it up
 * (computePodResourceRequest; knetsim's pods have no init containers):
 * its containers' requests summed, a limit standing in for a missing
 * request. */
guint64 kn_pod_cpu_request(const KnPodSpec *spec);

KnServicePort *kn_service_port_new(void);
/* A port 'name' of 'protocol' on 'port', to the number 'target_port'. */
KnServicePort *kn_service_port_named(const char *name, KnProtocol protocol, guint port, guint target_port);
KnContainer *kn_container_new(void);
KnContainerPort *kn_container_port_new(void);
/* A container port 'name' of 'protocol' on 'port'. */
KnContainerPort *kn_container_port_named(const char *name, KnProtocol protocol, guint port);
KnToleration *kn_toleration_new(void);
KnPodDnsConfig *kn_pod_dns_config_new(void);            /* empty lists */
KnPodDnsConfigOption *kn_pod_dns_config_option_new(void);

/* Frees an object of 'kind' made by its kn_<kind>_new(); accepts NULL. */
void kn_object_free(KnKind kind, gpointer object);

/* Every object begins with its KnObjectMeta. */
static inline KnObjectMeta *
kn_object_meta(gpointer object)
{
    return (KnObjectMeta *) object;
}

void kn_object_meta_clear(KnObjectMeta *meta);
/* Deep copy of 'from' into 'to', whose old contents are cleared. */
void kn_object_meta_copy(KnObjectMeta *to, const KnObjectMeta *from);

/* Parts of objects: free and deep copy. */
void kn_endpoint_free(KnEndpoint *endpoint);
KnEndpoint *kn_endpoint_copy(const KnEndpoint *from);
void kn_endpoint_port_free(KnEndpointPort *port);
KnEndpointPort *kn_endpoint_port_copy(const KnEndpointPort *from);
void kn_endpoint_address_free(KnEndpointAddress *address);
/* A new array of copies of the strings in 'from', freeing them with it. */
GPtrArray *kn_api_strings_copy(const GPtrArray *from);
/* Do 'a' and 'b' hold the same strings in the same order? */
gboolean kn_api_strings_equal(const GPtrArray *a, const GPtrArray *b);
void kn_pod_dns_config_free(KnPodDnsConfig *config);    /* accepts NULL */
KnPodDnsConfig *kn_pod_dns_config_copy(const KnPodDnsConfig *from); /* NULL gives NULL */
void kn_pod_spec_init(KnPodSpec *spec);
void kn_pod_spec_clear(KnPodSpec *spec);
/* Deep copy of 'from' into the cleared or fresh 'to'. */
void kn_pod_spec_copy(KnPodSpec *to, const KnPodSpec *from);
void kn_pod_template_init(KnPodTemplate *template);
void kn_pod_template_clear(KnPodTemplate *template);

void kn_int_or_string_clear(KnIntOrString *value);
void kn_int_or_string_set_number(KnIntOrString *value, guint number);
void kn_int_or_string_set_string(KnIntOrString *value, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnPodDnsConfig, kn_pod_dns_config_free)
