/* api.c -- construction, destruction and label maps for api.h.
 *
 * DOC: Defaults follow the API server's defaulting (k8s.io/api core/v1 and
 * apps/v1, pkg/apis/core/v1/defaults.go): a container port's protocol is
 * TCP, a readiness probe checks every 10 s with a 1 s timeout and counts 1
 * success or 3 failures, a pod's terminationGracePeriodSeconds is 30 and its
 * dnsPolicy ClusterFirst, a Deployment has 1 replica, maxSurge and
 * maxUnavailable 25% and revisionHistoryLimit 10, a ClientIP session
 * affinity times out after 10800 s, and allocateLoadBalancerNodePorts is
 * true. */

#include <config.h>
#include "models/api.h"

#include <math.h>
#include <string.h>

/*****************************************************************************/
/* Label maps: a GPtrArray of pairs kept sorted by key. */

typedef struct {
    char *key;
    char *value;
} Pair;

struct KnLabels {
    GPtrArray *pairs;            /* Pair, sorted by key */
};

static void
pair_free(Pair *pair)
{
    g_free(pair->key);
    g_free(pair->value);
    g_free(pair);
}

KnLabels *
kn_labels_new(void)
{
    KnLabels *labels = g_new(KnLabels, 1);

    labels->pairs = g_ptr_array_new_with_free_func((GDestroyNotify) pair_free);
    return labels;
}

void
kn_labels_free(KnLabels *labels)
{
    if (labels == NULL)
        return;
    g_ptr_array_unref(labels->pairs);
    g_free(labels);
}

KnLabels *
kn_labels_copy(const KnLabels *labels)
{
    if (labels == NULL)
        return NULL;

    KnLabels *copy = kn_labels_new();

    for (guint i = 0; i < labels->pairs->len; i++) {
        const Pair *pair = labels->pairs->pdata[i];
        Pair *dup = g_new(Pair, 1);

        dup->key = g_strdup(pair->key);
        dup->value = g_strdup(pair->value);
        g_ptr_array_add(copy->pairs, dup);
    }
    return copy;
}

/* Index of 'key', or where it would go with '*found' FALSE. */
static guint
find(const KnLabels *labels, const char *key, gboolean *found)
{
    guint lo = 0, hi = labels->pairs->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        int cmp = strcmp(((const Pair *) labels->pairs->pdata[mid])->key, key);

        if (cmp == 0) {
            *found = TRUE;
            return mid;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = FALSE;
    return lo;
}

void
kn_labels_set(KnLabels *labels, const char *key, const char *value)
{
    g_return_if_fail(labels != NULL && key != NULL && value != NULL);

    gboolean found;
    guint at = find(labels, key, &found);

    if (found) {
        Pair *pair = labels->pairs->pdata[at];

        g_free(pair->value);
        pair->value = g_strdup(value);
        return;
    }

    Pair *pair = g_new(Pair, 1);

    pair->key = g_strdup(key);
    pair->value = g_strdup(value);
    g_ptr_array_insert(labels->pairs, (gint) at, pair);
}

gboolean
kn_labels_remove(KnLabels *labels, const char *key)
{
    g_return_val_if_fail(labels != NULL && key != NULL, FALSE);

    gboolean found;
    guint at = find(labels, key, &found);

    if (found)
        g_ptr_array_remove_index(labels->pairs, at);
    return found;
}

const char *
kn_labels_get(const KnLabels *labels, const char *key)
{
    gboolean found;
    guint at;

    if (labels == NULL)
        return NULL;
    at = find(labels, key, &found);
    return found ? ((const Pair *) labels->pairs->pdata[at])->value : NULL;
}

guint
kn_labels_size(const KnLabels *labels)
{
    return labels != NULL ? labels->pairs->len : 0;
}

const char *
kn_labels_key(const KnLabels *labels, guint i)
{
    g_return_val_if_fail(labels != NULL && i < labels->pairs->len, NULL);
    return ((const Pair *) labels->pairs->pdata[i])->key;
}

const char *
kn_labels_value(const KnLabels *labels, guint i)
{
    g_return_val_if_fail(labels != NULL && i < labels->pairs->len, NULL);
    return ((const Pair *) labels->pairs->pdata[i])->value;
}

gboolean
kn_labels_equal(const KnLabels *a, const KnLabels *b)
{
    if (kn_labels_size(a) != kn_labels_size(b))
        return FALSE;
    for (guint i = 0; i < kn_labels_size(a); i++)
        if (strcmp(kn_labels_key(a, i), kn_labels_key(b, i)) != 0
            || strcmp(kn_labels_value(a, i), kn_labels_value(b, i)) != 0)
            return FALSE;
    return TRUE;
}

gboolean
kn_labels_match(const KnLabels *labels, const KnLabels *selector)
{
    for (guint i = 0; i < kn_labels_size(selector); i++) {
        const char *value = kn_labels_get(labels, kn_labels_key(selector, i));

        if (value == NULL || strcmp(value, kn_labels_value(selector, i)) != 0)
            return FALSE;
    }
    return TRUE;
}

KnSelectorRequirement *
kn_selector_requirement_new(void)
{
    KnSelectorRequirement *requirement = g_new0(KnSelectorRequirement, 1);

    requirement->key = g_strdup("");
    requirement->operator = g_strdup("");
    requirement->values = g_ptr_array_new_with_free_func(g_free);
    return requirement;
}

void
kn_selector_requirement_free(KnSelectorRequirement *requirement)
{
    if (requirement == NULL)
        return;
    g_free(requirement->key);
    g_free(requirement->operator);
    g_ptr_array_unref(requirement->values);
    g_free(requirement);
}

void
kn_selector_rest_clear(KnSelectorRest *rest)
{
    g_clear_pointer(&rest->expressions, g_ptr_array_unref);
}

/* labels.Requirement.Matches for one matchExpressions term. */
static gboolean
requirement_matches(const KnLabels *labels, const KnSelectorRequirement *requirement)
{
    const char *value = kn_labels_get(labels, requirement->key);
    gboolean listed = FALSE;

    for (guint i = 0; value != NULL && i < requirement->values->len; i++)
        listed = listed || strcmp(value, requirement->values->pdata[i]) == 0;
    if (strcmp(requirement->operator, "In") == 0)
        return listed;
    if (strcmp(requirement->operator, "NotIn") == 0)
        return !listed;
    if (strcmp(requirement->operator, "Exists") == 0)
        return value != NULL;
    if (strcmp(requirement->operator, "DoesNotExist") == 0)
        return value == NULL;
    return FALSE;
}

gboolean
kn_selector_matches(const KnLabels *labels, const KnLabels *match_labels, const KnSelectorRest *rest)
{
    if (!kn_labels_match(labels, match_labels))
        return FALSE;
    for (guint i = 0; rest != NULL && rest->expressions != NULL && i < rest->expressions->len; i++)
        if (!requirement_matches(labels, rest->expressions->pdata[i]))
            return FALSE;
    return TRUE;
}

char *
kn_labels_to_string(const KnLabels *labels)
{
    if (kn_labels_size(labels) == 0)
        return g_strdup("<none>");

    GString *out = g_string_new(NULL);

    for (guint i = 0; i < kn_labels_size(labels); i++)
        g_string_append_printf(out, "%s%s=%s", i > 0 ? "," : "", kn_labels_key(labels, i),
                               kn_labels_value(labels, i));
    return g_string_free(out, FALSE);
}

/*****************************************************************************/
/* Names of enum values, as the API spells them. */

static const struct {
    const char *name;
    const char *api_version;
} kinds[KN_N_KINDS] = {
    [KN_KIND_NAMESPACE] = { "Namespace", "v1" },
    [KN_KIND_NODE] = { "Node", "v1" },
    [KN_KIND_POD] = { "Pod", "v1" },
    [KN_KIND_DEPLOYMENT] = { "Deployment", "apps/v1" },
    [KN_KIND_REPLICA_SET] = { "ReplicaSet", "apps/v1" },
    [KN_KIND_STATEFUL_SET] = { "StatefulSet", "apps/v1" },
    [KN_KIND_DAEMON_SET] = { "DaemonSet", "apps/v1" },
    [KN_KIND_SERVICE] = { "Service", "v1" },
    [KN_KIND_ENDPOINT_SLICE] = { "EndpointSlice", "discovery.k8s.io/v1" },
    [KN_KIND_ENDPOINTS] = { "Endpoints", "v1" },
    [KN_KIND_CONFIG_MAP] = { "ConfigMap", "v1" },
    [KN_KIND_EVENT] = { "Event", "v1" },
};

const char *
kn_kind_name(KnKind kind)
{
    g_return_val_if_fail(kind < KN_N_KINDS, "?");
    return kinds[kind].name;
}

const char *
kn_kind_api_version(KnKind kind)
{
    g_return_val_if_fail(kind < KN_N_KINDS, "?");
    return kinds[kind].api_version;
}

gboolean
kn_kind_lookup(const char *name, KnKind *kind)
{
    for (int k = 0; k < KN_N_KINDS; k++) {
        if (strcmp(kinds[k].name, name) == 0) {
            *kind = (KnKind) k;
            return TRUE;
        }
    }
    return FALSE;
}

const char *
kn_protocol_name(KnProtocol protocol)
{
    static const char *const names[] = { "TCP", "UDP", "SCTP" };

    g_return_val_if_fail(protocol <= KN_PROTOCOL_SCTP, "?");
    return names[protocol];
}

const char *
kn_pod_phase_name(KnPodPhase phase)
{
    static const char *const names[] = { "Pending", "Running", "Succeeded", "Failed" };

    g_return_val_if_fail(phase <= KN_POD_FAILED, "?");
    return names[phase];
}

const char *
kn_service_type_name(KnServiceType type)
{
    static const char *const names[] = { "ClusterIP", "NodePort", "LoadBalancer", "ExternalName" };

    g_return_val_if_fail(type <= KN_SERVICE_EXTERNAL_NAME, "?");
    return names[type];
}

const char *
kn_ip_family_policy_name(KnIpFamilyPolicy policy)
{
    switch (policy) {
    case KN_IP_FAMILY_POLICY_PREFER_DUAL_STACK:
        return "PreferDualStack";
    case KN_IP_FAMILY_POLICY_REQUIRE_DUAL_STACK:
        return "RequireDualStack";
    case KN_IP_FAMILY_POLICY_UNSET:
    case KN_IP_FAMILY_POLICY_SINGLE_STACK:
        break;
    }
    return "SingleStack";
}

gboolean
kn_service_externally_accessible(const KnService *service)
{
    return service->spec.type == KN_SERVICE_NODE_PORT || service->spec.type == KN_SERVICE_LOAD_BALANCER
           || (service->spec.type == KN_SERVICE_CLUSTER_IP && service->spec.external_ips->len > 0);
}

const char *
kn_traffic_policy_name(KnTrafficPolicy policy)
{
    return policy == KN_TRAFFIC_POLICY_LOCAL ? "Local" : "Cluster";
}

const char *
kn_address_type_name(KnAddressType type)
{
    static const char *const names[] = { "IPv4", "IPv6", "FQDN" };

    g_return_val_if_fail(type <= KN_ADDRESS_FQDN, "?");
    return names[type];
}

/*****************************************************************************/
/* Small parts. */

void
kn_int_or_string_clear(KnIntOrString *value)
{
    g_clear_pointer(&value->name, g_free);
    value->is_string = FALSE;
    value->number = 0;
}

void
kn_int_or_string_set_number(KnIntOrString *value, guint number)
{
    kn_int_or_string_clear(value);
    value->number = number;
}

void
kn_int_or_string_set_string(KnIntOrString *value, const char *name)
{
    kn_int_or_string_clear(value);
    value->is_string = TRUE;
    value->name = g_strdup(name);
}

static GPtrArray *
strings_new(void)
{
    return g_ptr_array_new_with_free_func(g_free);
}

GPtrArray *
kn_api_strings_copy(const GPtrArray *from)
{
    GPtrArray *to = strings_new();

    for (guint i = 0; i < from->len; i++)
        g_ptr_array_add(to, g_strdup(from->pdata[i]));
    return to;
}

gboolean
kn_api_strings_equal(const GPtrArray *a, const GPtrArray *b)
{
    if (a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++)
        if (strcmp(a->pdata[i], b->pdata[i]) != 0)
            return FALSE;
    return TRUE;
}

void
kn_object_meta_clear(KnObjectMeta *meta)
{
    g_clear_pointer(&meta->name, g_free);
    g_clear_pointer(&meta->namespace, g_free);
    g_clear_pointer(&meta->generate_name, g_free);
    g_clear_pointer(&meta->uid, g_free);
    g_clear_pointer(&meta->labels, kn_labels_free);
    g_clear_pointer(&meta->annotations, kn_labels_free);
    g_clear_pointer(&meta->owner.name, g_free);
    g_clear_pointer(&meta->owner.uid, g_free);
}

void
kn_object_meta_copy(KnObjectMeta *to, const KnObjectMeta *from)
{
    kn_object_meta_clear(to);
    *to = *from;
    to->name = g_strdup(from->name);
    to->namespace = g_strdup(from->namespace);
    to->generate_name = g_strdup(from->generate_name);
    to->uid = g_strdup(from->uid);
    to->labels = kn_labels_copy(from->labels);
    to->annotations = kn_labels_copy(from->annotations);
    to->owner.name = g_strdup(from->owner.name);
    to->owner.uid = g_strdup(from->owner.uid);
}

static void
object_meta_init(KnObjectMeta *meta)
{
    meta->labels = kn_labels_new();
    meta->annotations = kn_labels_new();
}

KnContainerPort *
kn_container_port_new(void)
{
    KnContainerPort *port = g_new0(KnContainerPort, 1);

    port->protocol = KN_PROTOCOL_TCP;
    return port;
}

KnContainerPort *
kn_container_port_named(const char *name, KnProtocol protocol, guint port)
{
    KnContainerPort *p = kn_container_port_new();

    p->name = g_strdup(name);
    p->protocol = protocol;
    p->container_port = port;
    return p;
}

static void
container_port_free(KnContainerPort *port)
{
    g_free(port->name);
    g_free(port);
}

static void
probe_init(KnProbe *probe)
{
    probe->kind = KN_PROBE_NONE;
    probe->period_s = 10;
    probe->timeout_s = 1;
    probe->success_threshold = 1;
    probe->failure_threshold = 3;
    probe->command = strings_new();
}

static void
probe_clear(KnProbe *probe)
{
    kn_int_or_string_clear(&probe->port);
    g_clear_pointer(&probe->path, g_free);
    g_clear_pointer(&probe->command, g_ptr_array_unref);
}

KnContainer *
kn_container_new(void)
{
    KnContainer *container = g_new0(KnContainer, 1);

    container->ports = g_ptr_array_new_with_free_func((GDestroyNotify) container_port_free);
    container->command = strings_new();
    probe_init(&container->readiness);
    container->requests = kn_labels_new();
    container->limits = kn_labels_new();
    return container;
}

static void
container_free(KnContainer *container)
{
    g_free(container->name);
    g_free(container->image);
    g_ptr_array_unref(container->ports);
    g_ptr_array_unref(container->command);
    probe_clear(&container->readiness);
    kn_labels_free(container->requests);
    kn_labels_free(container->limits);
    g_free(container);
}

static KnContainer *
container_copy(const KnContainer *from)
{
    KnContainer *to = kn_container_new();

    to->name = g_strdup(from->name);
    to->image = g_strdup(from->image);
    for (guint i = 0; i < from->ports->len; i++) {
        const KnContainerPort *p = from->ports->pdata[i];
        KnContainerPort *q = kn_container_port_new();

        q->name = g_strdup(p->name);
        q->container_port = p->container_port;
        q->protocol = p->protocol;
        g_ptr_array_add(to->ports, q);
    }
    g_ptr_array_unref(to->command);
    to->command = kn_api_strings_copy(from->command);
    to->n_command = from->n_command;
    to->stdin = from->stdin;
    to->stdin_once = from->stdin_once;
    to->tty = from->tty;
    to->attached = from->attached;
    probe_clear(&to->readiness);
    kn_labels_free(to->requests);
    kn_labels_free(to->limits);
    to->requests = kn_labels_copy(from->requests);
    to->limits = kn_labels_copy(from->limits);
    to->readiness = from->readiness;
    to->readiness.port.name = g_strdup(from->readiness.port.name);
    to->readiness.path = g_strdup(from->readiness.path);
    to->readiness.command = kn_api_strings_copy(from->readiness.command);
    return to;
}

KnToleration *
kn_toleration_new(void)
{
    return g_new0(KnToleration, 1);
}

static void
toleration_free(KnToleration *toleration)
{
    g_free(toleration->key);
    g_free(toleration->value);
    g_free(toleration->effect);
    g_free(toleration);
}

static KnToleration *
toleration_copy(const KnToleration *from)
{
    KnToleration *to = g_memdup2(from, sizeof *from);

    to->key = g_strdup(from->key);
    to->value = g_strdup(from->value);
    to->effect = g_strdup(from->effect);
    return to;
}

static void
dns_config_option_free(KnPodDnsConfigOption *option)
{
    g_free(option->name);
    g_free(option->value);
    g_free(option);
}

KnPodDnsConfigOption *
kn_pod_dns_config_option_new(void)
{
    KnPodDnsConfigOption *option = g_new0(KnPodDnsConfigOption, 1);

    option->name = g_strdup("");
    return option;
}

KnPodDnsConfig *
kn_pod_dns_config_new(void)
{
    KnPodDnsConfig *config = g_new0(KnPodDnsConfig, 1);

    config->nameservers = g_ptr_array_new_with_free_func(g_free);
    config->searches = g_ptr_array_new_with_free_func(g_free);
    config->options = g_ptr_array_new_with_free_func((GDestroyNotify) dns_config_option_free);
    return config;
}

void
kn_pod_dns_config_free(KnPodDnsConfig *config)
{
    if (config == NULL)
        return;
    g_ptr_array_unref(config->nameservers);
    g_ptr_array_unref(config->searches);
    g_ptr_array_unref(config->options);
    g_free(config);
}

KnPodDnsConfig *
kn_pod_dns_config_copy(const KnPodDnsConfig *from)
{
    KnPodDnsConfig *to;

    if (from == NULL)
        return NULL;
    to = kn_pod_dns_config_new();
    for (guint i = 0; i < from->nameservers->len; i++)
        g_ptr_array_add(to->nameservers, g_strdup(from->nameservers->pdata[i]));
    for (guint i = 0; i < from->searches->len; i++)
        g_ptr_array_add(to->searches, g_strdup(from->searches->pdata[i]));
    for (guint i = 0; i < from->options->len; i++) {
        const KnPodDnsConfigOption *option = from->options->pdata[i];
        KnPodDnsConfigOption *copy = g_new0(KnPodDnsConfigOption, 1);

        copy->name = g_strdup(option->name);
        copy->value = g_strdup(option->value);
        g_ptr_array_add(to->options, copy);
    }
    return to;
}

void
kn_pod_spec_init(KnPodSpec *spec)
{
    spec->containers = g_ptr_array_new_with_free_func((GDestroyNotify) container_free);
    spec->dns_policy = g_strdup("ClusterFirst");
    spec->enable_service_links = TRUE;
    spec->termination_grace_s = 30;
    spec->node_selector = kn_labels_new();
    spec->tolerations = g_ptr_array_new_with_free_func((GDestroyNotify) toleration_free);
}

void
kn_pod_spec_clear(KnPodSpec *spec)
{
    g_clear_pointer(&spec->containers, g_ptr_array_unref);
    g_clear_pointer(&spec->node_name, g_free);
    g_clear_pointer(&spec->hostname, g_free);
    g_clear_pointer(&spec->subdomain, g_free);
    g_clear_pointer(&spec->dns_policy, g_free);
    g_clear_pointer(&spec->dns_config, kn_pod_dns_config_free);
    g_clear_pointer(&spec->restart_policy, g_free);
    g_clear_pointer(&spec->node_selector, kn_labels_free);
    g_clear_pointer(&spec->tolerations, g_ptr_array_unref);
}

void
kn_pod_spec_copy(KnPodSpec *to, const KnPodSpec *from)
{
    to->containers = g_ptr_array_new_with_free_func((GDestroyNotify) container_free);
    for (guint i = 0; i < from->containers->len; i++)
        g_ptr_array_add(to->containers, container_copy(from->containers->pdata[i]));
    to->node_name = g_strdup(from->node_name);
    to->hostname = g_strdup(from->hostname);
    to->subdomain = g_strdup(from->subdomain);
    to->host_network = from->host_network;
    to->enable_service_links = from->enable_service_links;
    to->dns_policy = g_strdup(from->dns_policy);
    to->dns_config = kn_pod_dns_config_copy(from->dns_config);
    to->restart_policy = g_strdup(from->restart_policy);
    to->termination_grace_s = from->termination_grace_s;
    to->node_selector = kn_labels_copy(from->node_selector);
    to->tolerations = g_ptr_array_new_with_free_func((GDestroyNotify) toleration_free);
    for (guint i = 0; i < from->tolerations->len; i++)
        g_ptr_array_add(to->tolerations, toleration_copy(from->tolerations->pdata[i]));
}

void
kn_pod_template_init(KnPodTemplate *template)
{
    template->labels = kn_labels_new();
    template->annotations = kn_labels_new();
    kn_pod_spec_init(&template->spec);
}

void
kn_pod_template_clear(KnPodTemplate *template)
{
    g_clear_pointer(&template->labels, kn_labels_free);
    g_clear_pointer(&template->annotations, kn_labels_free);
    kn_pod_spec_clear(&template->spec);
}

/*****************************************************************************/
/* Objects. */

KnPod *
kn_pod_new(void)
{
    KnPod *pod = g_new0(KnPod, 1);

    object_meta_init(&pod->meta);
    kn_pod_spec_init(&pod->spec);
    return pod;
}

const KnContainerTermination *
kn_container_run_last_state(const KnContainerRun *run)
{
    if (run->state == KN_CONTAINER_BACK_OFF)
        return &run->ended;
    return run->has_last ? &run->last : NULL;
}

static void
pod_free(KnPod *pod)
{
    kn_pod_spec_clear(&pod->spec);
    g_free(pod->pod_ip);
    g_free(pod->host_ip);
    g_free(pod->unschedulable);
    g_free(pod->runs);
}

KnServicePort *
kn_service_port_new(void)
{
    KnServicePort *port = g_new0(KnServicePort, 1);

    port->protocol = KN_PROTOCOL_TCP;
    return port;
}

KnServicePort *
kn_service_port_named(const char *name, KnProtocol protocol, guint port, guint target_port)
{
    KnServicePort *p = kn_service_port_new();

    p->name = g_strdup(name);
    p->protocol = protocol;
    p->port = port;
    kn_int_or_string_set_number(&p->target_port, target_port);
    return p;
}

static void
service_port_free(KnServicePort *port)
{
    g_free(port->name);
    g_free(port->app_protocol);
    g_free(port->protocol_raw);
    kn_int_or_string_clear(&port->target_port);
    g_free(port);
}

KnService *
kn_service_new(void)
{
    KnService *service = g_new0(KnService, 1);
    KnServiceSpec *spec = &service->spec;

    object_meta_init(&service->meta);
    spec->ports = g_ptr_array_new_with_free_func((GDestroyNotify) service_port_free);
    spec->cluster_ips = strings_new();
    spec->ip_families = strings_new();
    spec->external_ips = strings_new();
    spec->load_balancer_source_ranges = strings_new();
    spec->session_affinity_timeout_s = 10800;
    spec->allocate_load_balancer_node_ports = TRUE;
    service->load_balancer_ingress = strings_new();
    return service;
}

static void
service_free(KnService *service)
{
    KnServiceSpec *spec = &service->spec;

    kn_labels_free(spec->selector);
    g_ptr_array_unref(spec->ports);
    g_free(spec->cluster_ip);
    g_ptr_array_unref(spec->cluster_ips);
    g_ptr_array_unref(spec->ip_families);
    g_ptr_array_unref(spec->external_ips);
    g_free(spec->external_name);
    g_free(spec->load_balancer_ip);
    g_ptr_array_unref(spec->load_balancer_source_ranges);
    g_free(spec->load_balancer_class);
    g_free(spec->traffic_distribution);
    g_free(spec->type_raw);
    g_free(spec->session_affinity_raw);
    g_free(spec->external_traffic_policy_raw);
    g_free(spec->internal_traffic_policy_raw);
    g_free(spec->ip_family_policy_raw);
    g_ptr_array_unref(service->load_balancer_ingress);
}

KnEndpoint *
kn_endpoint_new(void)
{
    KnEndpoint *endpoint = g_new0(KnEndpoint, 1);

    endpoint->addresses = strings_new();
    endpoint->hint_zones = strings_new();
    endpoint->hint_nodes = strings_new();
    return endpoint;
}

void
kn_endpoint_free(KnEndpoint *endpoint)
{
    g_ptr_array_unref(endpoint->addresses);
    g_free(endpoint->hostname);
    g_free(endpoint->node_name);
    g_free(endpoint->zone);
    g_free(endpoint->target_pod);
    g_free(endpoint->target_namespace);
    g_free(endpoint->target_uid);
    g_ptr_array_unref(endpoint->hint_zones);
    g_ptr_array_unref(endpoint->hint_nodes);
    g_free(endpoint);
}

KnEndpoint *
kn_endpoint_copy(const KnEndpoint *from)
{
    KnEndpoint *to = kn_endpoint_new();

    g_ptr_array_unref(to->addresses);
    to->addresses = kn_api_strings_copy(from->addresses);
    to->ready = from->ready;
    to->serving = from->serving;
    to->terminating = from->terminating;
    to->hostname = g_strdup(from->hostname);
    to->node_name = g_strdup(from->node_name);
    to->zone = g_strdup(from->zone);
    to->target_pod = g_strdup(from->target_pod);
    to->target_namespace = g_strdup(from->target_namespace);
    to->target_uid = g_strdup(from->target_uid);
    g_ptr_array_unref(to->hint_zones);
    to->hint_zones = kn_api_strings_copy(from->hint_zones);
    g_ptr_array_unref(to->hint_nodes);
    to->hint_nodes = kn_api_strings_copy(from->hint_nodes);
    return to;
}

KnEndpointPort *
kn_endpoint_port_new(void)
{
    KnEndpointPort *port = g_new0(KnEndpointPort, 1);

    port->protocol = KN_PROTOCOL_TCP;
    return port;
}

void
kn_endpoint_port_free(KnEndpointPort *port)
{
    g_free(port->name);
    g_free(port->app_protocol);
    g_free(port);
}

KnEndpointPort *
kn_endpoint_port_copy(const KnEndpointPort *from)
{
    KnEndpointPort *to = kn_endpoint_port_new();

    to->name = g_strdup(from->name);
    to->protocol = from->protocol;
    to->port = from->port;
    to->app_protocol = g_strdup(from->app_protocol);
    return to;
}

KnEndpointSlice *
kn_endpoint_slice_new(void)
{
    KnEndpointSlice *slice = g_new0(KnEndpointSlice, 1);

    object_meta_init(&slice->meta);
    slice->endpoints = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_free);
    slice->ports = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_port_free);
    return slice;
}

static void
endpoint_slice_free(KnEndpointSlice *slice)
{
    g_ptr_array_unref(slice->endpoints);
    g_ptr_array_unref(slice->ports);
}

KnEndpointAddress *
kn_endpoint_address_new(void)
{
    return g_new0(KnEndpointAddress, 1);
}

void
kn_endpoint_address_free(KnEndpointAddress *address)
{
    g_free(address->ip);
    g_free(address->hostname);
    g_free(address->node_name);
    g_free(address->target_pod);
    g_free(address->target_namespace);
    g_free(address->target_uid);
    g_free(address);
}

KnEndpointSubset *
kn_endpoint_subset_new(void)
{
    KnEndpointSubset *subset = g_new0(KnEndpointSubset, 1);

    subset->addresses = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_address_free);
    subset->not_ready_addresses = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_address_free);
    subset->ports = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_port_free);
    return subset;
}

static void
endpoint_subset_free(KnEndpointSubset *subset)
{
    g_ptr_array_unref(subset->addresses);
    g_ptr_array_unref(subset->not_ready_addresses);
    g_ptr_array_unref(subset->ports);
    g_free(subset);
}

KnEndpoints *
kn_endpoints_new(void)
{
    KnEndpoints *endpoints = g_new0(KnEndpoints, 1);

    object_meta_init(&endpoints->meta);
    endpoints->subsets = g_ptr_array_new_with_free_func((GDestroyNotify) endpoint_subset_free);
    return endpoints;
}

static void
init_rolling(KnIntOrString *value)
{
    kn_int_or_string_set_string(value, "25%");
}

void
kn_deployment_condition_free(KnDeploymentCondition *condition)
{
    if (condition == NULL)
        return;
    g_free(condition->message);
    g_free(condition);
}

KnDeploymentCondition *
kn_deployment_condition_copy(const KnDeploymentCondition *condition)
{
    KnDeploymentCondition *copy = g_memdup2(condition, sizeof *condition);

    copy->message = g_strdup(condition->message);
    return copy;
}

KnDeployment *
kn_deployment_new(void)
{
    KnDeployment *deployment = g_new0(KnDeployment, 1);

    object_meta_init(&deployment->meta);
    deployment->replicas = 1;
    deployment->selector = kn_labels_new();
    deployment->selector_rest.given = TRUE;
    kn_pod_template_init(&deployment->template);
    init_rolling(&deployment->max_surge);
    init_rolling(&deployment->max_unavailable);
    deployment->revision_history_limit = 10;
    deployment->progress_deadline_s = 600;
    deployment->conditions = g_ptr_array_new_with_free_func((GDestroyNotify) kn_deployment_condition_free);
    return deployment;
}

KnReplicaSet *
kn_replica_set_new(void)
{
    KnReplicaSet *replica_set = g_new0(KnReplicaSet, 1);

    object_meta_init(&replica_set->meta);
    replica_set->replicas = 1;
    replica_set->selector = kn_labels_new();
    replica_set->selector_rest.given = TRUE;
    kn_pod_template_init(&replica_set->template);
    return replica_set;
}

KnStatefulSet *
kn_stateful_set_new(void)
{
    KnStatefulSet *stateful_set = g_new0(KnStatefulSet, 1);

    object_meta_init(&stateful_set->meta);
    stateful_set->replicas = 1;
    stateful_set->selector = kn_labels_new();
    stateful_set->selector_rest.given = TRUE;
    kn_pod_template_init(&stateful_set->template);
    return stateful_set;
}

KnDaemonSet *
kn_daemon_set_new(void)
{
    KnDaemonSet *daemon_set = g_new0(KnDaemonSet, 1);

    object_meta_init(&daemon_set->meta);
    daemon_set->selector = kn_labels_new();
    daemon_set->selector_rest.given = TRUE;
    kn_pod_template_init(&daemon_set->template);
    daemon_set->revision_history_limit = 10;
    return daemon_set;
}

static void
taint_free(KnTaint *taint)
{
    g_free(taint->key);
    g_free(taint->value);
    g_free(taint->effect);
    g_free(taint);
}

KnNode *
kn_node_new(void)
{
    KnNode *node = g_new0(KnNode, 1);

    object_meta_init(&node->meta);
    node->max_pods = KN_NODE_MAX_PODS;
    node->taints = g_ptr_array_new_with_free_func((GDestroyNotify) taint_free);
    return node;
}

KnNamespace *
kn_namespace_new(void)
{
    KnNamespace *namespace = g_new0(KnNamespace, 1);

    object_meta_init(&namespace->meta);
    return namespace;
}

KnConfigMap *
kn_config_map_new(void)
{
    KnConfigMap *config_map = g_new0(KnConfigMap, 1);

    object_meta_init(&config_map->meta);
    config_map->data = kn_labels_new();
    return config_map;
}

const char *
kn_image_pull_policy(const char *image)
{
    const char *slash = image != NULL ? strrchr(image, '/') : NULL;
    const char *last = slash != NULL ? slash + 1 : image;

    if (image == NULL || strchr(last, '@') != NULL)
        return "IfNotPresent";
    if (strchr(last, ':') == NULL || g_str_has_suffix(last, ":latest"))
        return "Always";
    return "IfNotPresent";
}

gboolean
kn_quantity_value(const char *text, double *value)
{
    static const struct {
        const char *suffix;
        double scale;
    } suffixes[] = {
        { "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
        { "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
        { "Ei", 1152921504606846976.0 },
        { "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 }, { "", 1.0 }, { "k", 1e3 },
        { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 }, { "E", 1e18 },
    };
    char *end = NULL;
    double number;

    if (text == NULL || !(g_ascii_isdigit(text[0]) || text[0] == '.' || text[0] == '+' || text[0] == '-'))
        return FALSE;
    number = g_ascii_strtod(text, &end);
    if (end == text)
        return FALSE;
    /* strtod has taken an exponent ("1e3") already; what is left is a
     * suffix. */
    for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        if (strcmp(end, suffixes[i].suffix) == 0) {
            *value = number * suffixes[i].scale;
            return TRUE;
        }
    }
    return FALSE;
}

/* Strips trailing zeros off 'mantissa' into '*exponent', then lowers the
 * exponent to a multiple of 3 (int64Amount.AsCanonicalBytes).  FALSE on
 * overflow. */
static gboolean
canonical_decimal(guint64 *mantissa, int *exponent)
{
    while (*mantissa != 0 && *mantissa % 10 == 0) {
        *mantissa /= 10;
        (*exponent)++;
    }
    while (((*exponent % 3) + 3) % 3 != 0) {
        if (!g_uint64_checked_mul(mantissa, *mantissa, 10))
            return FALSE;
        (*exponent)--;
    }
    return TRUE;
}

char *
kn_quantity_string(const char *text)
{
    static const struct {
        const char *suffix;
        int exponent;            /* of 10 for SI, of 1024 for binary */
        gboolean binary;
    } suffixes[] = {
        { "n", -9, FALSE }, { "u", -6, FALSE }, { "m", -3, FALSE }, { "k", 3, FALSE },
        { "M", 6, FALSE }, { "G", 9, FALSE }, { "T", 12, FALSE }, { "P", 15, FALSE }, { "E", 18, FALSE },
        { "Ki", 1, TRUE }, { "Mi", 2, TRUE }, { "Gi", 3, TRUE }, { "Ti", 4, TRUE }, { "Pi", 5, TRUE },
        { "Ei", 6, TRUE },
    };
    static const char *const si[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };
    static const char *const binary[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
    const char *p = text;
    gboolean negative = FALSE, exponent_form = FALSE, is_binary = FALSE, any = FALSE;
    guint64 mantissa = 0;
    int exponent = 0, power = 0;

    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    for (gboolean fraction = FALSE; g_ascii_isdigit(*p) || (*p == '.' && !fraction); p++) {
        if (*p == '.') {
            fraction = TRUE;
            continue;
        }
        if (!g_uint64_checked_mul(&mantissa, mantissa, 10)
            || !g_uint64_checked_add(&mantissa, mantissa, (guint64) (*p - '0')))
            return g_strdup(text);
        exponent -= fraction;
        any = TRUE;
    }
    if (!any)
        return g_strdup(text);
    if ((*p == 'e' || *p == 'E') && p[1] != '\0' && p[1] != 'i') {
        char *end = NULL;
        gint64 e = g_ascii_strtoll(p + 1, &end, 10);

        if (end == p + 1 || *end != '\0' || e < -100 || e > 100)
            return g_strdup(text);
        exponent += (int) e;
        exponent_form = TRUE;
    } else if (*p != '\0') {
        guint i;

        for (i = 0; i < G_N_ELEMENTS(suffixes) && strcmp(p, suffixes[i].suffix) != 0; i++)
            ;
        if (i == G_N_ELEMENTS(suffixes))
            return g_strdup(text);
        if (suffixes[i].binary) {
            is_binary = TRUE;
            power = suffixes[i].exponent;
        } else {
            exponent += suffixes[i].exponent;
        }
    }
    /* Below the nano scale Quantity rounds; knetsim leaves such a
     * quantity as written. */
    if (mantissa == 0)
        return g_strdup("0");
    for (int i = 0; i < power * 10; i++)
        if (!g_uint64_checked_mul(&mantissa, mantissa, 2))
            return g_strdup(text);

    const char *sign = negative ? "-" : "";

    if (is_binary) {
        /* BinarySI: a whole number of at least 1024 in powers of 1024;
         * a smaller or fractional one is shown as DecimalSI. */
        guint64 whole = mantissa;
        gboolean exact = TRUE;

        for (int e = exponent; e < 0 && exact; e++) {
            exact = whole % 10 == 0;
            whole /= 10;
        }
        for (int e = exponent; e > 0 && exact; e--)
            exact = g_uint64_checked_mul(&whole, whole, 10);
        if (exact && whole >= 1024) {
            guint k = 0;

            while (whole % 1024 == 0 && k + 1 < G_N_ELEMENTS(binary)) {
                whole /= 1024;
                k++;
            }
            return g_strdup_printf("%s%" G_GUINT64_FORMAT "%s", sign, whole, binary[k]);
        }
    }
    if (!canonical_decimal(&mantissa, &exponent) || exponent < -9)
        return g_strdup(text);
    if (exponent_form && !is_binary)
        return exponent == 0 ? g_strdup_printf("%s%" G_GUINT64_FORMAT, sign, mantissa)
                             : g_strdup_printf("%s%" G_GUINT64_FORMAT "e%d", sign, mantissa, exponent);
    if (exponent > 18)
        return g_strdup_printf("%s%" G_GUINT64_FORMAT "e%d", sign, mantissa, exponent);
    return g_strdup_printf("%s%" G_GUINT64_FORMAT "%s", sign, mantissa, si[(exponent + 9) / 3]);
}

KnLabels *
kn_container_requests(const KnContainer *c)
{
    KnLabels *requests = kn_labels_copy(c->requests);

    for (guint i = 0; i < kn_labels_size(c->limits); i++) {
        const char *key = kn_labels_key(c->limits, i);

        if (kn_labels_get(requests, key) == NULL)
            kn_labels_set(requests, key, kn_labels_value(c->limits, i));
    }
    return requests;
}

/* A container's cpu request in millicores: a Quantity's MilliValue rounds
 * up. */
static guint64
container_cpu(const KnContainer *c)
{
    const char *text = kn_labels_get(c->requests, "cpu");
    double cores;

    if (text == NULL)
        text = kn_labels_get(c->limits, "cpu");
    if (!kn_quantity_value(text, &cores) || !(cores > 0))
        return 0;
    return cores * 1000 >= (double) G_MAXUINT32 ? G_MAXUINT32 : (guint64) ceil(cores * 1000 - 1e-9);
}

guint64
kn_pod_cpu_request(const KnPodSpec *spec)
{
    guint64 sum = 0;

    for (guint i = 0; i < spec->containers->len; i++)
        sum += container_cpu(spec->containers->pdata[i]);
    return sum;
}

void
kn_go_quoted(GString *out, const char *text)
{
    g_string_append_c(out, '"');
    for (const char *p = text; *p != '\0';) {
        gunichar c = g_utf8_get_char_validated(p, -1);

        if (c == (gunichar) -1 || c == (gunichar) -2) {
            g_string_append_printf(out, "\\x%02x", (guchar) *p++);     /* not UTF-8: the byte */
            continue;
        }
        switch (c) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case '\r': g_string_append(out, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                g_string_append_printf(out, "\\x%02x", c);
            else if (!g_unichar_isprint(c))
                g_string_append_printf(out, c > 0xffff ? "\\U%08x" : "\\u%04x", c);
            else
                g_string_append_len(out, p, g_utf8_next_char(p) - p);
        }
        p = g_utf8_next_char(p);
    }
    g_string_append_c(out, '"');
}

char *
kn_go_quote(const char *text)
{
    GString *out = g_string_new(NULL);

    kn_go_quoted(out, text);
    return g_string_free(out, FALSE);
}

KnEvent *
kn_event_new(void)
{
    KnEvent *event = g_new0(KnEvent, 1);

    object_meta_init(&event->meta);
    return event;
}

void
kn_object_free(KnKind kind, gpointer object)
{
    if (object == NULL)
        return;

    switch (kind) {
    case KN_KIND_POD:
        pod_free(object);
        break;
    case KN_KIND_SERVICE:
        service_free(object);
        break;
    case KN_KIND_ENDPOINT_SLICE:
        endpoint_slice_free(object);
        break;
    case KN_KIND_ENDPOINTS:
        g_ptr_array_unref(((KnEndpoints *) object)->subsets);
        break;
    case KN_KIND_DEPLOYMENT: {
        KnDeployment *d = object;

        kn_labels_free(d->selector);
        kn_selector_rest_clear(&d->selector_rest);
        kn_pod_template_clear(&d->template);
        kn_int_or_string_clear(&d->max_surge);
        kn_int_or_string_clear(&d->max_unavailable);
        g_free(d->strategy_raw);
        g_ptr_array_unref(d->conditions);
        break;
    }
    case KN_KIND_REPLICA_SET: {
        KnReplicaSet *r = object;

        kn_labels_free(r->selector);
        kn_selector_rest_clear(&r->selector_rest);
        kn_pod_template_clear(&r->template);
        break;
    }
    case KN_KIND_STATEFUL_SET: {
        KnStatefulSet *s = object;

        g_free(s->service_name);
        kn_labels_free(s->selector);
        kn_selector_rest_clear(&s->selector_rest);
        kn_pod_template_clear(&s->template);
        break;
    }
    case KN_KIND_DAEMON_SET: {
        KnDaemonSet *d = object;

        kn_labels_free(d->selector);
        kn_selector_rest_clear(&d->selector_rest);
        kn_pod_template_clear(&d->template);
        break;
    }
    case KN_KIND_NODE: {
        KnNode *n = object;

        g_free(n->internal_ip);
        g_free(n->pod_cidr);
        g_ptr_array_unref(n->taints);
        break;
    }
    case KN_KIND_CONFIG_MAP:
        kn_labels_free(((KnConfigMap *) object)->data);
        break;
    case KN_KIND_EVENT: {
        KnEvent *e = object;

        g_free(e->involved_name);
        g_free(e->involved_uid);
        g_free(e->field_path);
        g_free(e->reason);
        g_free(e->message);
        g_free(e->component);
        g_free(e->host);
        break;
    }
    case KN_KIND_NAMESPACE:
        break;
    case KN_N_KINDS:
        g_return_if_reached();
    }
    kn_object_meta_clear(kn_object_meta(object));
    g_free(object);
}
