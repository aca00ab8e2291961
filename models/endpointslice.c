/* endpointslice.c -- the EndpointSlice controller's reconcile, the legacy
 * Endpoints controller's sync, and their JSON encodings.
 *
 * DOC: This mirrors kube-controller-manager's EndpointSlice controller
 * (k8s.io/endpointslice reconciler.go: reconcile, reconcileByAddressType,
 * reconcileByPortMapping, finalize; utils.go: podToEndpoint,
 * getEndpointPorts, newEndpointSlice, getEndpointSlicePrefix, ownedBy,
 * getSliceToFill, setEndpointSliceLabels; util/endpointset.go: the endpoint
 * identity; trafficdist/trafficdist.go: PreferClose hints; the Auto hints
 * of topologycache/ are in endpointslice-topology.c) and the legacy
 * Endpoints controller (kubernetes pkg/controller/endpoint
 * endpoints_controller.go: syncService, podToEndpointAddressForService,
 * addEndpointSubset, truncateEndpoints; pkg/api/v1/endpoints RepackSubsets).
 * Facts: ../shared/reference/k8s-networking-facts.md sections 4.1-4.5 and
 * 5.1-5.3.  The JSON field order and omitempty rules are those of the Go types
 * (k8s.io/api discovery/v1 and core/v1, apimachinery meta/v1 ObjectMeta,
 * OwnerReference) as encoding/json writes them, HTML-escaping included.
 *
 * Per port-map group (pods whose service ports resolve to the same set),
 * existing slices keep the endpoints still desired in place; slices that
 * changed are filled fullest first, then the rest goes to the unchanged
 * slice that it fills best (getSliceToFill) or into new slices of up to
 * 'max' endpoints.  Nothing is ever rebalanced, so slices stay sparse after
 * a scale-down.  finalize turns creates into updates of slices that would
 * be deleted, and a Service without endpoints keeps one empty placeholder.
 *
 * Simplified:
 *  - Go picks endpoints with PopAny on a hash set and walks name sets in
 *    map order; here endpoints are taken in pod (namespace, name) order,
 *    slices marked for update are filled fullest first with ties broken by
 *    name, unchanged slices are tried in name order, port-map groups are
 *    visited in the order their first pod appears, updates and deletes are
 *    listed in name order, and legacy subsets are sorted by their first
 *    port and address instead of by an MD5 of Go's spew dump.
 *  - A pod has one IP (KnPod.pod_ip), so a dual-stack Service gets its
 *    second family's slices empty.  When spec.ipFamilies is empty the
 *    family is IPv6 if the cluster IP is an IPv6 address, else IPv4; Go's
 *    upgrade fallback of both families for a headless Service is left out
 *    (the API server always defaults ipFamilies).
 *  - Hints: the topology-mode Auto annotation goes to the topology cache
 *    (endpointslice-topology.c, section 5.2); otherwise trafficDistribution
 *    as trafficdist.go (PreferClose and PreferSameZone: forZones;
 *    PreferSameNode: forZones and forNodes; the feature gate
 *    PreferSameTrafficDistribution is on, as from 1.34).
 *  - The endpoints.kubernetes.io/last-change-trigger-time annotation is
 *    not set (the caller knows the trigger time, if it wants it).
 *  - Names of new slices are drawn here, as the API server's generateName
 *    would, and a name already in use is drawn again rather than failing.
 *  - JSON: metadata carries name, generateName, namespace, uid,
 *    resourceVersion, labels, annotations and ownerReferences only (no
 *    creationTimestamp, generation or managedFields); empty endpoint and
 *    port lists are written as null, as after a round trip through etcd. */

#include <config.h>
#include "models/endpointslice.h"

#include <string.h>
#include "models/json.h"

#define LABEL_SERVICE_NAME "kubernetes.io/service-name"
#define LABEL_MANAGED_BY "endpointslice.kubernetes.io/managed-by"
#define LABEL_HEADLESS "service.kubernetes.io/headless"
#define LABEL_ZONE "topology.kubernetes.io/zone"
#define CONTROLLER_NAME "endpointslice-controller.k8s.io"
#define ANNOTATION_OVER_CAPACITY "endpoints.kubernetes.io/over-capacity"

/* apimachinery util/rand: no vowels, no 0, 1, 3 (no words, no look-alikes). */
static const char name_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
#define NAME_RANDOM_LENGTH 5
#define NAME_MAX_BASE 58         /* 63 - NAME_RANDOM_LENGTH */

/*****************************************************************************/
/* Copies. */

/* A deep copy of 'from'; with 'with_endpoints' FALSE its endpoints are left
 * empty.  New; free with kn_object_free(). */
static KnEndpointSlice *
slice_copy(const KnEndpointSlice *from, gboolean with_endpoints)
{
    KnEndpointSlice *to = kn_endpoint_slice_new();

    kn_object_meta_copy(&to->meta, &from->meta);
    to->address_type = from->address_type;
    for (guint i = 0; with_endpoints && i < from->endpoints->len; i++)
        g_ptr_array_add(to->endpoints, kn_endpoint_copy(from->endpoints->pdata[i]));
    for (guint i = 0; i < from->ports->len; i++)
        g_ptr_array_add(to->ports, kn_endpoint_port_copy(from->ports->pdata[i]));
    return to;
}

static void
slice_free(gpointer slice)
{
    kn_object_free(KN_KIND_ENDPOINT_SLICE, slice);
}

/*****************************************************************************/
/* Service and pod predicates. */

/* isServiceIPSet: a cluster IP other than "None". */
static gboolean
service_ip_set(const KnService *service)
{
    const char *ip = service->spec.cluster_ip;

    return ip != NULL && ip[0] != '\0' && strcmp(ip, "None") != 0;
}

static gboolean
is_ipv6(const char *ip)
{
    return ip != NULL && strchr(ip, ':') != NULL;
}

static gboolean
family_is_ipv6(const char *family)
{
    return g_strcmp0(family, "IPv6") == 0;
}

/* ShouldPodBeInEndpoints. */
static gboolean
pod_included(const KnPod *pod, gboolean include_terminating)
{
    if (pod->phase == KN_POD_SUCCEEDED || pod->phase == KN_POD_FAILED)
        return FALSE;
    if (pod->pod_ip == NULL || pod->pod_ip[0] == '\0')
        return FALSE;
    return include_terminating || !pod->meta.deleting;
}

/* ShouldSetHostname. */
static gboolean
should_set_hostname(const KnPod *pod, const KnService *service)
{
    return pod->spec.hostname != NULL && pod->spec.hostname[0] != '\0'
           && g_strcmp0(pod->spec.subdomain, service->meta.name) == 0
           && g_strcmp0(service->meta.namespace, pod->meta.namespace) == 0;
}

/* FindPort: the container port 'service_port' targets on 'pod', or 0. */
static guint
find_port(const KnPod *pod, const KnServicePort *service_port)
{
    const KnIntOrString *target = &service_port->target_port;

    if (!target->is_string)
        return target->number != 0 ? target->number : service_port->port;
    for (guint c = 0; c < pod->spec.containers->len; c++) {
        const KnContainer *container = pod->spec.containers->pdata[c];

        for (guint p = 0; p < container->ports->len; p++) {
            const KnContainerPort *port = container->ports->pdata[p];

            if (g_strcmp0(port->name, target->name) == 0
                && port->protocol == service_port->protocol)
                return port->container_port;
        }
    }
    return 0;
}

static gint
compare_pods(gconstpointer a, gconstpointer b)
{
    const KnPod *x = *(KnPod *const *) a, *y = *(KnPod *const *) b;
    int cmp = g_strcmp0(x->meta.namespace, y->meta.namespace);

    return cmp != 0 ? cmp : g_strcmp0(x->meta.name, y->meta.name);
}

/* 'pods' sorted by namespace and name; a new array of borrowed pointers. */
static GPtrArray *
sorted_pods(const GPtrArray *pods)
{
    GPtrArray *sorted = g_ptr_array_sized_new(pods != NULL ? pods->len : 0);

    for (guint i = 0; pods != NULL && i < pods->len; i++)
        g_ptr_array_add(sorted, pods->pdata[i]);
    g_ptr_array_sort(sorted, compare_pods);
    return sorted;
}

/*****************************************************************************/
/* Endpoints, ports and their identities. */

/* getEndpointPorts: one port per service port that resolves on 'pod'. */
static GPtrArray *
endpoint_ports(const KnService *service, const KnPod *pod)
{
    GPtrArray *ports = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_port_free);

    for (guint i = 0; i < service->spec.ports->len; i++) {
        const KnServicePort *service_port = service->spec.ports->pdata[i];
        guint number = find_port(pod, service_port);
        KnEndpointPort *port;

        if (number == 0)
            continue;
        port = kn_endpoint_port_new();
        port->name = g_strdup(service_port->name != NULL ? service_port->name : "");
        port->protocol = service_port->protocol;
        port->port = number;
        port->app_protocol = g_strdup(service_port->app_protocol);
        g_ptr_array_add(ports, port);
    }
    return ports;
}

static gint
compare_ports(gconstpointer a, gconstpointer b)
{
    const KnEndpointPort *x = *(KnEndpointPort *const *) a, *y = *(KnEndpointPort *const *) b;
    int cmp = g_strcmp0(x->name, y->name);

    if (cmp == 0)
        cmp = (x->port > y->port) - (x->port < y->port);
    if (cmp == 0)
        cmp = (int) x->protocol - (int) y->protocol;
    if (cmp == 0)
        cmp = g_strcmp0(x->app_protocol, y->app_protocol);
    return cmp;
}

/* NewPortMapKey: the same text for the same set of ports in any order. */
static char *
port_map_key(const GPtrArray *ports)
{
    g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(ports->len);
    GString *key = g_string_new(NULL);

    for (guint i = 0; i < ports->len; i++)
        g_ptr_array_add(sorted, ports->pdata[i]);
    g_ptr_array_sort(sorted, compare_ports);
    /* Appends, not printf: this runs for every pod of every sync. */
    for (guint i = 0; i < sorted->len; i++) {
        const KnEndpointPort *port = sorted->pdata[i];
        char number[16];
        gsize n = 0;

        for (guint v = port->port; n == 0 || v > 0; v /= 10)
            number[n++] = (char) ('0' + v % 10);
        g_string_append_c(key, port->name != NULL ? '=' : '!');
        g_string_append(key, port->name != NULL ? port->name : "");
        g_string_append_c(key, '\x1f');
        while (n > 0)
            g_string_append_c(key, number[--n]);
        g_string_append_c(key, '\x1f');
        g_string_append_c(key, (char) ('0' + (int) port->protocol));
        g_string_append_c(key, '\x1f');
        g_string_append_c(key, port->app_protocol != NULL ? '=' : '!');
        g_string_append(key, port->app_protocol != NULL ? port->app_protocol : "");
        g_string_append_c(key, '\x1e');
    }
    return g_string_free(key, FALSE);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* hashEndpoint: sorted addresses, hostname and the target's namespace and
 * name identify an endpoint; everything else may change in place. */
static char *
endpoint_key(const KnEndpoint *endpoint)
{
    g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(endpoint->addresses->len);
    GString *key = g_string_new(NULL);

    for (guint i = 0; i < endpoint->addresses->len; i++)
        g_ptr_array_add(sorted, endpoint->addresses->pdata[i]);
    g_ptr_array_sort(sorted, compare_strings);
    /* Appends, not printf: this runs for every endpoint of every sync. */
    for (guint i = 0; i < sorted->len; i++) {
        g_string_append(key, sorted->pdata[i]);
        g_string_append_c(key, ',');
    }
    g_string_append_c(key, '\x1f');
    g_string_append(key, endpoint->hostname != NULL ? endpoint->hostname : "");
    g_string_append_c(key, '\x1f');
    g_string_append(key, endpoint->target_namespace != NULL ? endpoint->target_namespace : "");
    g_string_append_c(key, '\x1f');
    g_string_append(key, endpoint->target_pod != NULL ? endpoint->target_pod : "");
    return g_string_free(key, FALSE);
}

/* EndpointsEqualBeyondHash: the fields the identity leaves out, less hints. */
static gboolean
endpoints_equal_beyond_key(const KnEndpoint *a, const KnEndpoint *b)
{
    return g_strcmp0(a->node_name, b->node_name) == 0 && g_strcmp0(a->zone, b->zone) == 0
           && a->ready == b->ready && a->serving == b->serving && a->terminating == b->terminating
           && g_strcmp0(a->target_pod, b->target_pod) == 0
           && g_strcmp0(a->target_namespace, b->target_namespace) == 0
           && g_strcmp0(a->target_uid, b->target_uid) == 0;
}

/* podToEndpoint for 'type'; 'node' may be NULL (publishNotReadyAddresses
 * with a missing node).  The endpoint has no address when the pod's IP is
 * of the other family.  New; free with kn_endpoint_free(). */
static KnEndpoint *
pod_to_endpoint(const KnPod *pod, const KnNode *node, const KnService *service, KnAddressType type)
{
    KnEndpoint *endpoint = kn_endpoint_new();
    const char *zone = node != NULL ? kn_labels_get(node->meta.labels, LABEL_ZONE) : NULL;

    if (is_ipv6(pod->pod_ip) == (type == KN_ADDRESS_IPV6))
        g_ptr_array_add(endpoint->addresses, g_strdup(pod->pod_ip));
    endpoint->serving = pod->ready;
    endpoint->terminating = pod->meta.deleting;
    endpoint->ready = service->spec.publish_not_ready_addresses
                      || (endpoint->serving && !endpoint->terminating);
    endpoint->target_pod = g_strdup(pod->meta.name);
    endpoint->target_namespace = g_strdup(pod->meta.namespace);
    endpoint->target_uid = g_strdup(pod->meta.uid);
    if (pod->spec.node_name != NULL && pod->spec.node_name[0] != '\0')
        endpoint->node_name = g_strdup(pod->spec.node_name);
    if (zone != NULL && zone[0] != '\0')
        endpoint->zone = g_strdup(zone);
    if (should_set_hostname(pod, service))
        endpoint->hostname = g_strdup(pod->spec.hostname);
    return endpoint;
}

/*****************************************************************************/
/* Labels, names, new slices. */

static gboolean
reserved_label(const char *key)
{
    return strcmp(key, LABEL_SERVICE_NAME) == 0 || strcmp(key, LABEL_MANAGED_BY) == 0
           || strcmp(key, LABEL_HEADLESS) == 0;
}

static KnLabels *
labels_unreserved(const KnLabels *labels)
{
    KnLabels *out = kn_labels_new();

    for (guint i = 0; i < kn_labels_size(labels); i++)
        if (!reserved_label(kn_labels_key(labels, i)))
            kn_labels_set(out, kn_labels_key(labels, i), kn_labels_value(labels, i));
    return out;
}

/* setEndpointSliceLabels: the labels a slice of 'service' should carry, and
 * in '*changed' whether its non-reserved labels ('current') differ from
 * the Service's.  New; free with kn_labels_free(). */
static KnLabels *
slice_labels(const KnLabels *current, const KnService *service, gboolean *changed)
{
    g_autoptr(KnLabels) mine = labels_unreserved(current);
    KnLabels *labels = labels_unreserved(service->meta.labels);

    *changed = !kn_labels_equal(mine, labels);
    if (!service_ip_set(service))
        kn_labels_set(labels, LABEL_HEADLESS, "");
    kn_labels_set(labels, LABEL_SERVICE_NAME, service->meta.name);
    kn_labels_set(labels, LABEL_MANAGED_BY, CONTROLLER_NAME);
    return labels;
}

/* A DNS-1123 subdomain, as NameIsDNSSubdomain checks it. */
static gboolean
is_dns_subdomain(const char *name)
{
    gsize n = strlen(name);
    gboolean label_start = TRUE;

    if (n == 0 || n > 253)
        return FALSE;
    for (gsize i = 0; i < n; i++) {
        char c = name[i];
        gboolean alnum = g_ascii_islower(c) || g_ascii_isdigit(c);

        if (c == '.') {
            if (label_start || name[i - 1] == '-')
                return FALSE;
            label_start = TRUE;
        } else if (c == '-') {
            if (label_start)
                return FALSE;
        } else if (alnum) {
            label_start = FALSE;
        } else {
            return FALSE;
        }
    }
    return !label_start && name[n - 1] != '-';
}

/* getEndpointSlicePrefix: "<svc>-", or "<svc>" if that is no valid prefix
 * (a trailing dash is allowed in a prefix, so test it masked).  New. */
static char *
slice_prefix(const char *service_name)
{
    g_autofree char *masked = g_strdup_printf("%sa", service_name);

    if (is_dns_subdomain(masked))
        return g_strdup_printf("%s-", service_name);
    return g_strdup(service_name);
}

/* The API server's generateName: the base cut to 58 bytes and five random
 * characters.  New. */
static char *
generate_name(const char *base, KnRng *rng)
{
    GString *name = g_string_new_len(base, MIN(strlen(base), (gsize) NAME_MAX_BASE));

    for (int i = 0; i < NAME_RANDOM_LENGTH; i++)
        g_string_append_c(name, name_alphabet[kn_rng_below(rng, sizeof name_alphabet - 1)]);
    return g_string_free(name, FALSE);
}

/* newEndpointSlice: an unnamed slice of 'service' with copies of 'ports'. */
static KnEndpointSlice *
new_slice(const KnService *service, const GPtrArray *ports, KnAddressType type)
{
    KnEndpointSlice *slice = kn_endpoint_slice_new();
    gboolean changed;

    slice->meta.namespace = g_strdup(service->meta.namespace);
    slice->meta.generate_name = slice_prefix(service->meta.name);
    slice->meta.owner.kind = KN_KIND_SERVICE;
    slice->meta.owner.name = g_strdup(service->meta.name);
    slice->meta.owner.uid = g_strdup(service->meta.uid);
    kn_labels_free(slice->meta.labels);
    slice->meta.labels = slice_labels(NULL, service, &changed);
    slice->address_type = type;
    for (guint i = 0; ports != NULL && i < ports->len; i++)
        g_ptr_array_add(slice->ports, kn_endpoint_port_copy(ports->pdata[i]));
    return slice;
}

/* ownedBy: a controller reference to this Service (by UID). */
static gboolean
owned_by(const KnEndpointSlice *slice, const KnService *service)
{
    return slice->meta.owner.name != NULL && slice->meta.owner.kind == KN_KIND_SERVICE
           && g_strcmp0(slice->meta.owner.uid, service->meta.uid) == 0;
}

/*****************************************************************************/
/* The desired endpoints of one port-map group: an ordered set. */

typedef struct {
    char *key;                   /* endpoint_key() */
    KnEndpoint *endpoint;        /* owned; NULL once taken */
} Desired;

typedef struct {
    char *key;                   /* port_map_key() of 'ports' */
    GPtrArray *ports;            /* KnEndpointPort, owned: in service port order */
    GPtrArray *desired;          /* Desired, owned, in pod order */
    GHashTable *by_key;          /* endpoint key -> Desired, borrowed */
    guint n_left;                /* desired endpoints not yet placed */
    guint cursor;                /* no untaken entry before this index */
} Group;

static void
desired_free(Desired *desired)
{
    g_free(desired->key);
    if (desired->endpoint != NULL)
        kn_endpoint_free(desired->endpoint);
    g_free(desired);
}

static Group *
group_new(char *key, GPtrArray *ports)
{
    Group *group = g_new0(Group, 1);

    group->key = key;
    group->ports = ports;
    group->desired = g_ptr_array_new_with_free_func((GDestroyNotify) desired_free);
    group->by_key = g_hash_table_new(g_str_hash, g_str_equal);
    return group;
}

static void
group_free(Group *group)
{
    g_free(group->key);
    g_ptr_array_unref(group->ports);
    g_hash_table_unref(group->by_key);
    g_ptr_array_unref(group->desired);
    g_free(group);
}

/* EndpointSet.Insert: a later endpoint with the same identity replaces an
 * earlier one.  Takes 'endpoint'. */
static void
group_insert(Group *group, KnEndpoint *endpoint)
{
    char *key = endpoint_key(endpoint);
    Desired *desired = g_hash_table_lookup(group->by_key, key);

    if (desired != NULL) {
        g_free(key);
        kn_endpoint_free(desired->endpoint);
        desired->endpoint = endpoint;
        return;
    }
    desired = g_new(Desired, 1);
    desired->key = key;
    desired->endpoint = endpoint;
    g_ptr_array_add(group->desired, desired);
    g_hash_table_insert(group->by_key, desired->key, desired);
    group->n_left++;
}

/* EndpointSet.Get then Delete: the desired version of 'endpoint', removed
 * from the set; NULL if it is not desired (or already placed).  Caller owns. */
static KnEndpoint *
group_take(Group *group, const KnEndpoint *endpoint)
{
    g_autofree char *key = endpoint_key(endpoint);
    Desired *desired = g_hash_table_lookup(group->by_key, key);
    KnEndpoint *taken;

    if (desired == NULL || desired->endpoint == NULL)
        return NULL;
    taken = g_steal_pointer(&desired->endpoint);
    group->n_left--;
    return taken;
}

/* EndpointSet.PopAny, made deterministic: the first one left in pod order. */
static KnEndpoint *
group_pop(Group *group)
{
    while (group->cursor < group->desired->len) {
        Desired *desired = group->desired->pdata[group->cursor++];

        if (desired->endpoint != NULL) {
            group->n_left--;
            return g_steal_pointer(&desired->endpoint);
        }
    }
    g_assert_not_reached();
}

/*****************************************************************************/
/* reconcileByPortMapping. */

typedef enum {
    SLICE_UNCHANGED,
    SLICE_UPDATE,
    SLICE_DELETE,
} SliceState;

typedef struct {
    const KnEndpointSlice *existing;    /* borrowed */
    KnEndpointSlice *updated;    /* owned: the new version, if SLICE_UPDATE */
    SliceState state;
} Work;

static void
work_free(Work *work)
{
    if (work->updated != NULL)
        slice_free(work->updated);
    g_free(work);
}

static const char *
work_name(const Work *work)
{
    return work->existing->meta.name != NULL ? work->existing->meta.name : "";
}

static guint
work_len(const Work *work)
{
    return (work->updated != NULL ? work->updated : work->existing)->endpoints->len;
}

/* Fullest first; equal counts in name order. */
static gint
compare_work_fullest(gconstpointer a, gconstpointer b)
{
    const Work *x = *(Work *const *) a, *y = *(Work *const *) b;

    if (work_len(x) != work_len(y))
        return work_len(x) > work_len(y) ? -1 : 1;
    return strcmp(work_name(x), work_name(y));
}

static gint
compare_work_name(gconstpointer a, gconstpointer b)
{
    return strcmp(work_name(*(Work *const *) a), work_name(*(Work *const *) b));
}

static void
fill(KnEndpointSlice *slice, Group *group, guint max)
{
    while (group->n_left > 0 && slice->endpoints->len < max)
        g_ptr_array_add(slice->endpoints, group_pop(group));
}

/* getSliceToFill over 'unchanged' (in name order): the slice closest to
 * full once 'n' endpoints are added, or NULL if none has room. */
static Work *
slice_to_fill(GPtrArray *unchanged, guint n, guint max)
{
    gint64 closest_diff = max;
    Work *closest = NULL;

    for (guint i = 0; i < unchanged->len; i++) {
        Work *work = unchanged->pdata[i];
        gint64 diff = (gint64) max - (gint64) (n + work->existing->endpoints->len);

        if (diff >= 0 && diff < closest_diff) {
            closest_diff = diff;
            closest = work;
            if (diff == 0)
                break;
        }
    }
    return closest;
}

/* One address type's lists, before finalize. */
typedef struct {
    GPtrArray *create;           /* KnEndpointSlice, owned */
    GPtrArray *update;           /* KnEndpointSlice, owned */
    GPtrArray *delete;           /* const KnEndpointSlice *, borrowed */
} Plan;

/* Moves the group's desired endpoints into 'existing' (its slices, in input
 * order) and new slices, adding to 'plan'. */
static void
reconcile_by_port_mapping(const KnService *service, const GPtrArray *existing, Group *group,
                          KnAddressType type, guint max, Plan *plan)
{
    g_autoptr(GPtrArray) works = g_ptr_array_new_with_free_func((GDestroyNotify) work_free);

    /* 1. Keep the endpoints still desired, in their desired version. */
    for (guint i = 0; existing != NULL && i < existing->len; i++) {
        const KnEndpointSlice *slice = existing->pdata[i];
        Work *work = g_new0(Work, 1);
        g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_free);
        gboolean endpoint_updated = FALSE;
        gboolean labels_changed;
        g_autoptr(KnLabels) labels = slice_labels(slice->meta.labels, service, &labels_changed);

        work->existing = slice;
        g_ptr_array_add(works, work);
        for (guint e = 0; e < slice->endpoints->len; e++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[e];
            KnEndpoint *got = group_take(group, endpoint);

            if (got == NULL)
                continue;
            if (!endpoints_equal_beyond_key(got, endpoint))
                endpoint_updated = TRUE;
            g_ptr_array_add(kept, got);
        }

        if (endpoint_updated || kept->len != slice->endpoints->len) {
            if (kept->len == 0) {
                work->state = SLICE_DELETE;
            } else {
                work->updated = slice_copy(slice, FALSE);
                g_ptr_array_extend_and_steal(work->updated->endpoints, g_steal_pointer(&kept));
                kn_labels_free(work->updated->meta.labels);
                work->updated->meta.labels = g_steal_pointer(&labels);
                work->state = SLICE_UPDATE;
            }
        } else if (labels_changed) {
            work->updated = slice_copy(slice, TRUE);
            kn_labels_free(work->updated->meta.labels);
            work->updated->meta.labels = g_steal_pointer(&labels);
            work->state = SLICE_UPDATE;
        } else {
            work->state = SLICE_UNCHANGED;
        }
    }

    /* 2. Fill the slices being updated anyway, fullest first. */
    if (group->n_left > 0) {
        g_autoptr(GPtrArray) updating = g_ptr_array_new();

        for (guint i = 0; i < works->len; i++)
            if (((Work *) works->pdata[i])->state == SLICE_UPDATE)
                g_ptr_array_add(updating, works->pdata[i]);
        g_ptr_array_sort(updating, compare_work_fullest);
        for (guint i = 0; i < updating->len; i++)
            fill(((Work *) updating->pdata[i])->updated, group, max);
    }

    /* 3. The rest: into the unchanged slice they fill best, or new slices. */
    while (group->n_left > 0) {
        Work *work = NULL;

        if (group->n_left < max) {
            g_autoptr(GPtrArray) unchanged = g_ptr_array_new();

            for (guint i = 0; i < works->len; i++)
                if (((Work *) works->pdata[i])->state == SLICE_UNCHANGED)
                    g_ptr_array_add(unchanged, works->pdata[i]);
            g_ptr_array_sort(unchanged, compare_work_name);
            work = slice_to_fill(unchanged, group->n_left, max);
        }
        if (work != NULL) {
            work->updated = slice_copy(work->existing, TRUE);
            work->state = SLICE_UPDATE;
            fill(work->updated, group, max);
        } else {
            KnEndpointSlice *slice = new_slice(service, group->ports, type);

            fill(slice, group, max);
            g_ptr_array_add(plan->create, slice);
        }
    }

    g_ptr_array_sort(works, compare_work_name);
    for (guint i = 0; i < works->len; i++) {
        Work *work = works->pdata[i];

        if (work->state == SLICE_UPDATE)
            g_ptr_array_add(plan->update, g_steal_pointer(&work->updated));
        else if (work->state == SLICE_DELETE)
            g_ptr_array_add(plan->delete, (gpointer) work->existing);
    }
}

/*****************************************************************************/
/* Hints: the topology cache (endpointslice-topology.h) for topology-mode
 * Auto, trafficdist.go for trafficDistribution, and none otherwise. */

/* trafficdist.go's heuristics. */
typedef enum {
    HINTS_NONE,                  /* defaultHeuristic: no hints at all */
    HINTS_SAME_ZONE,             /* preferCloseHeuristic: forZones */
    HINTS_SAME_NODE,             /* preferCloseHeuristic with node hints: forZones, forNodes */
} HintPolicy;

/* closeTrafficDistribution (PreferClose, PreferSameZone, PreferSameNode)
 * when the Auto annotation does not override it (canUseTrafficDistribution). */
static HintPolicy
hint_policy(const KnService *service)
{
    const char *distribution = service->spec.traffic_distribution;

    if (kn_endpointslice_topology_hints_enabled(service) || distribution == NULL)
        return HINTS_NONE;
    if (strcmp(distribution, "PreferSameNode") == 0)
        return HINTS_SAME_NODE;
    if (strcmp(distribution, "PreferClose") == 0 || strcmp(distribution, "PreferSameZone") == 0)
        return HINTS_SAME_ZONE;
    return HINTS_NONE;
}

/* Whether 'hints' is exactly [want] (want set) or empty (want NULL). */
static gboolean
hint_is(const GPtrArray *hints, const char *want)
{
    if (want == NULL)
        return hints->len == 0;
    return hints->len == 1 && strcmp(hints->pdata[0], want) == 0;
}

/* needsUpdate: a missing, wrong or stale hint on a ready endpoint (on any
 * endpoint for no hints). */
static gboolean
hints_need_update(const KnEndpointSlice *slice, HintPolicy policy)
{
    for (guint i = 0; i < slice->endpoints->len; i++) {
        const KnEndpoint *endpoint = slice->endpoints->pdata[i];

        if (policy == HINTS_NONE) {
            if (endpoint->hint_zones->len > 0 || endpoint->hint_nodes->len > 0)
                return TRUE;
            continue;
        }
        if (!endpoint->ready)
            continue;
        if (!hint_is(endpoint->hint_zones, endpoint->zone)
            || !hint_is(endpoint->hint_nodes, policy == HINTS_SAME_NODE ? endpoint->node_name : NULL))
            return TRUE;
    }
    return FALSE;
}

/* update: each ready endpoint hinted for its own zone (and node); the
 * others keep what they have. */
static void
hints_update(KnEndpointSlice *slice, HintPolicy policy)
{
    for (guint i = 0; i < slice->endpoints->len; i++) {
        KnEndpoint *endpoint = slice->endpoints->pdata[i];

        if (policy != HINTS_NONE && !endpoint->ready)
            continue;
        g_ptr_array_set_size(endpoint->hint_zones, 0);
        g_ptr_array_set_size(endpoint->hint_nodes, 0);
        if (policy != HINTS_NONE && endpoint->zone != NULL)
            g_ptr_array_add(endpoint->hint_zones, g_strdup(endpoint->zone));
        if (policy == HINTS_SAME_NODE && endpoint->node_name != NULL)
            g_ptr_array_add(endpoint->hint_nodes, g_strdup(endpoint->node_name));
    }
}

static gboolean
listed(const GPtrArray *slices, const char *name)
{
    for (guint i = 0; i < slices->len; i++)
        if (g_strcmp0(((const KnEndpointSlice *) slices->pdata[i])->meta.name, name) == 0)
            return TRUE;
    return FALSE;
}

/* The hint step of reconcileByAddressType for one address 'type': sets or
 * clears hints on everything created or updated, and updates the unchanged
 * slices of 'existing' whose hints are stale.  'topology' may be NULL (no
 * topology cache: Auto then gives no hints).  Appends to 'events'. */
static void
reconcile_hints(const KnService *service, const GPtrArray *existing, KnAddressType type,
                KnEndpointSliceTopology *topology, Plan *plan, GPtrArray *events)
{
    gboolean auto_mode = kn_endpointslice_topology_hints_enabled(service);
    HintPolicy policy = hint_policy(service);
    g_autofree char *key = g_strconcat(service->meta.namespace, "/", service->meta.name, NULL);
    g_autoptr(GPtrArray) unchanged = g_ptr_array_new();

    /* unchangedSlices: existing slices neither updated nor deleted. */
    for (guint i = 0; i < existing->len; i++) {
        const KnEndpointSlice *slice = existing->pdata[i];

        if (!listed(plan->update, slice->meta.name) && !listed(plan->delete, slice->meta.name))
            g_ptr_array_add(unchanged, (gpointer) slice);
    }

    KnEndpointSliceInfo info = { key, type, plan->create, plan->update, unchanged };

    if (topology != NULL && auto_mode) {
        kn_endpointslice_topology_add_hints(topology, &info, events);
    } else {
        /* Hints the cache populated before the annotation went away. */
        if (topology != NULL) {
            if (kn_endpointslice_topology_has_populated_hints(topology, key)) {
                KnEndpointSliceEvent *event = g_new0(KnEndpointSliceEvent, 1);

                event->warning = TRUE;
                event->reason = g_strdup("TopologyAwareHintsDisabled");
                event->message = kn_endpointslice_topology_format("Topology Aware Hints has been disabled", type);
                g_ptr_array_add(events, event);
            }
            kn_endpointslice_topology_remove_hints(topology, key);
        }
        if (policy == HINTS_NONE)
            kn_endpointslice_topology_remove_hints_from_slices(&info);
    }
    if (policy == HINTS_NONE)
        return;

    /* trafficdist.ReconcileHints. */
    for (guint i = 0; i < unchanged->len; i++) {
        const KnEndpointSlice *slice = unchanged->pdata[i];

        if (hints_need_update(slice, policy))
            g_ptr_array_add(plan->update, slice_copy(slice, TRUE));
    }
    for (guint i = 0; i < plan->create->len; i++)
        hints_update(plan->create->pdata[i], policy);
    for (guint i = 0; i < plan->update->len; i++)
        hints_update(plan->update->pdata[i], policy);
}

/*****************************************************************************/
/* reconcileByAddressType and finalize. */

/* placeholderSliceCompare: namespace, labels, address type, no endpoints,
 * no ports. */
static gboolean
placeholder_equal(const KnEndpointSlice *a, const KnEndpointSlice *b)
{
    return g_strcmp0(a->meta.namespace, b->meta.namespace) == 0
           && kn_labels_equal(a->meta.labels, b->meta.labels) && a->address_type == b->address_type
           && a->endpoints->len == 0 && b->endpoints->len == 0 && a->ports->len == 0
           && b->ports->len == 0;
}

static gboolean
name_taken(const GPtrArray *existing, const GPtrArray *created, const char *name)
{
    return (existing != NULL && listed(existing, name)) || listed(created, name);
}

static void
reconcile_by_address_type(const KnService *service, const GPtrArray *pods, GHashTable *nodes,
                          const GPtrArray *all_existing, const GPtrArray *existing,
                          KnAddressType type, guint max, KnEndpointSliceTopology *topology, KnRng *rng,
                          KnEndpointSliceResult *result)
{
    g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func((GDestroyNotify) group_free);
    g_autoptr(GHashTable) group_by_key = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) existing_by_key =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
    g_autoptr(GPtrArray) create = g_ptr_array_new_with_free_func(slice_free);
    g_autoptr(GPtrArray) update = g_ptr_array_new_with_free_func(slice_free);
    g_autoptr(GPtrArray) delete = g_ptr_array_new();
    Plan plan = { create, update, delete };

    /* Existing state: owned slices by port map; the rest goes. */
    for (guint i = 0; i < existing->len; i++) {
        KnEndpointSlice *slice = existing->pdata[i];

        if (owned_by(slice, service)) {
            char *key = port_map_key(slice->ports);
            GPtrArray *list = g_hash_table_lookup(existing_by_key, key);

            if (list == NULL) {
                list = g_ptr_array_new();
                g_hash_table_insert(existing_by_key, key, list);
            } else {
                g_free(key);
            }
            g_ptr_array_add(list, slice);
        } else {
            g_ptr_array_add(delete, slice);
        }
    }

    /* Desired state: endpoints by port map, groups in first-pod order. */
    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];
        GPtrArray *ports;
        char *key;
        Group *group;
        const KnNode *node;

        if (!pod_included(pod, TRUE))
            continue;
        ports = endpoint_ports(service, pod);
        key = port_map_key(ports);
        group = g_hash_table_lookup(group_by_key, key);
        if (group == NULL) {
            group = group_new(key, ports);
            g_ptr_array_add(groups, group);
            g_hash_table_insert(group_by_key, group->key, group);
        } else {
            g_free(key);
            g_ptr_array_unref(ports);
        }
        node = pod->spec.node_name != NULL && nodes != NULL
                   ? g_hash_table_lookup(nodes, pod->spec.node_name) : NULL;
        if (node == NULL && !service->spec.publish_not_ready_addresses)
            continue;            /* Node not found: skipped, the Service retried */

        KnEndpoint *endpoint = pod_to_endpoint(pod, node, service, type);

        if (endpoint->addresses->len > 0)
            group_insert(group, endpoint);
        else
            kn_endpoint_free(endpoint);
    }

    for (guint i = 0; i < groups->len; i++) {
        Group *group = groups->pdata[i];

        reconcile_by_port_mapping(service, g_hash_table_lookup(existing_by_key, group->key), group,
                                  type, max, &plan);
    }
    /* Port maps no longer desired: all their slices go. */
    for (guint i = 0; i < existing->len; i++) {
        KnEndpointSlice *slice = existing->pdata[i];
        g_autofree char *key = NULL;

        if (!owned_by(slice, service))
            continue;
        key = port_map_key(slice->ports);
        if (g_hash_table_lookup(group_by_key, key) == NULL)
            g_ptr_array_add(delete, slice);
    }

    /* The placeholder: one empty slice when there would be none. */
    if (existing->len == delete->len && create->len == 0) {
        KnEndpointSlice *placeholder = new_slice(service, NULL, type);

        if (delete->len == 1 && placeholder_equal(delete->pdata[0], placeholder)) {
            g_ptr_array_set_size(delete, 0);
            slice_free(placeholder);
        } else {
            g_ptr_array_add(create, placeholder);
        }
    }

    reconcile_hints(service, existing, type, topology, &plan, result->events);

    /* finalize: creates become updates of slices about to be deleted. */
    for (guint i = 0; i < delete->len && create->len > 0;) {
        const KnEndpointSlice *doomed = delete->pdata[i];
        KnEndpointSlice *slice = create->pdata[create->len - 1];

        if (doomed->address_type == slice->address_type && owned_by(doomed, service)) {
            g_ptr_array_steal_index(create, create->len - 1);
            g_free(slice->meta.name);
            slice->meta.name = g_strdup(doomed->meta.name);
            g_free(slice->meta.uid);
            slice->meta.uid = g_strdup(doomed->meta.uid);
            slice->meta.creation_time = doomed->meta.creation_time;
            slice->meta.resource_version = doomed->meta.resource_version;
            g_ptr_array_add(update, slice);
            g_ptr_array_remove_index(delete, i);
        } else {
            i++;
        }
    }
    /* No creates while the Service is being deleted (the garbage collector
     * would race them). */
    if (service->meta.deleting)
        g_ptr_array_set_size(create, 0);

    for (guint i = 0; i < create->len; i++) {
        KnEndpointSlice *slice = create->pdata[i];
        char *name;

        while (name = generate_name(slice->meta.generate_name, rng),
               name_taken(all_existing, result->to_create, name)
               || name_taken(NULL, create, name)) {
            g_free(name);
        }
        slice->meta.name = name;
    }
    g_ptr_array_extend_and_steal(result->to_create, g_steal_pointer(&create));
    g_ptr_array_extend_and_steal(result->to_update, g_steal_pointer(&update));
    for (guint i = 0; i < delete->len; i++)
        g_ptr_array_add(result->to_delete,
                        g_strdup(((const KnEndpointSlice *) delete->pdata[i])->meta.name));
}

void
kn_endpointslice_result_free(KnEndpointSliceResult *result)
{
    if (result == NULL)
        return;
    g_ptr_array_unref(result->to_create);
    g_ptr_array_unref(result->to_update);
    g_ptr_array_unref(result->to_delete);
    g_ptr_array_unref(result->events);
    g_free(result);
}

KnEndpointSlice *
kn_endpointslice_result_steal(GPtrArray *array, guint i)
{
    g_return_val_if_fail(array != NULL && i < array->len, NULL);
    return g_ptr_array_steal_index(array, i);
}

KnEndpointSliceResult *
kn_endpointslice_reconcile(const KnService *service, const GPtrArray *pods, GHashTable *nodes,
                           const GPtrArray *existing, guint max_endpoints,
                           KnEndpointSliceTopology *topology, KnRng *rng)
{
    g_return_val_if_fail(service != NULL && rng != NULL, NULL);

    KnEndpointSliceResult *result = g_new0(KnEndpointSliceResult, 1);
    g_autoptr(GPtrArray) sorted = sorted_pods(pods);
    gboolean want[KN_ADDRESS_FQDN + 1] = { FALSE };
    guint max = max_endpoints != 0 ? max_endpoints : KN_ENDPOINTSLICE_MAX_ENDPOINTS_DEFAULT;

    result->to_create = g_ptr_array_new_with_free_func(slice_free);
    result->to_update = g_ptr_array_new_with_free_func(slice_free);
    result->to_delete = g_ptr_array_new_with_free_func(g_free);
    result->events = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpointslice_event_free);

    /* getAddressTypesForService. */
    for (guint i = 0; i < service->spec.ip_families->len; i++) {
        const char *family = service->spec.ip_families->pdata[i];

        if (g_strcmp0(family, "IPv4") == 0)
            want[KN_ADDRESS_IPV4] = TRUE;
        else if (family_is_ipv6(family))
            want[KN_ADDRESS_IPV6] = TRUE;
    }
    if (!want[KN_ADDRESS_IPV4] && !want[KN_ADDRESS_IPV6])
        want[is_ipv6(service->spec.cluster_ip) ? KN_ADDRESS_IPV6 : KN_ADDRESS_IPV4] = TRUE;

    for (KnAddressType type = KN_ADDRESS_IPV4; type <= KN_ADDRESS_IPV6; type++) {
        g_autoptr(GPtrArray) of_type = g_ptr_array_new();

        if (!want[type])
            continue;
        for (guint i = 0; existing != NULL && i < existing->len; i++)
            if (((KnEndpointSlice *) existing->pdata[i])->address_type == type)
                g_ptr_array_add(of_type, existing->pdata[i]);
        reconcile_by_address_type(service, sorted, nodes, existing, of_type, type, max, topology, rng,
                                  result);
    }
    /* Slices of an address type the Service no longer has. */
    for (guint i = 0; existing != NULL && i < existing->len; i++) {
        const KnEndpointSlice *slice = existing->pdata[i];

        if (!want[slice->address_type])
            g_ptr_array_add(result->to_delete, g_strdup(slice->meta.name));
    }
    return result;
}

/*****************************************************************************/
/* The legacy Endpoints object (endpoints_controller.go syncService). */

static KnEndpointAddress *
endpoint_address_copy(const KnEndpointAddress *from)
{
    KnEndpointAddress *to = kn_endpoint_address_new();

    to->ip = g_strdup(from->ip);
    to->hostname = g_strdup(from->hostname);
    to->node_name = g_strdup(from->node_name);
    to->target_pod = g_strdup(from->target_pod);
    to->target_namespace = g_strdup(from->target_namespace);
    to->target_uid = g_strdup(from->target_uid);
    return to;
}

/* LessEndpointAddress: by IP bytes, then by target UID. */
static gint
compare_addresses(gconstpointer a, gconstpointer b)
{
    const KnEndpointAddress *x = *(KnEndpointAddress *const *) a;
    const KnEndpointAddress *y = *(KnEndpointAddress *const *) b;
    int cmp = strcmp(x->ip, y->ip);

    return cmp != 0 ? cmp : g_strcmp0(x->target_uid, y->target_uid);
}

static gint
compare_subsets(gconstpointer a, gconstpointer b)
{
    const KnEndpointSubset *x = *(KnEndpointSubset *const *) a;
    const KnEndpointSubset *y = *(KnEndpointSubset *const *) b;
    int cmp = (x->ports->len > 0) - (y->ports->len > 0);

    if (cmp == 0 && x->ports->len > 0)
        cmp = compare_ports(&x->ports->pdata[0], &y->ports->pdata[0]);
    if (cmp == 0) {
        const GPtrArray *xa = x->addresses->len > 0 ? x->addresses : x->not_ready_addresses;
        const GPtrArray *ya = y->addresses->len > 0 ? y->addresses : y->not_ready_addresses;

        if (xa->len > 0 && ya->len > 0)
            cmp = compare_addresses(&xa->pdata[0], &ya->pdata[0]);
    }
    return cmp;
}

/* One (address, port) pair of addEndpointSubset; port -1: the sentinel of
 * a headless Service without ports. */
typedef struct {
    guint address;
    gint port;
    gboolean ready;
} Offer;

enum { OFFER_NONE, OFFER_READY, OFFER_NOT_READY };

/* RepackSubsets: each port maps to the addresses offering it (not ready
 * trumps ready); ports with the same address set share a subset.  Takes
 * nothing; adds the subsets to 'endpoints'. */
static void
repack(KnEndpoints *endpoints, GPtrArray *addresses, GPtrArray *ports, GArray *offers)
{
    guint n_ports = ports->len + 1;          /* the last row: the sentinel */
    g_autofree char *state = g_malloc0((gsize) n_ports * addresses->len + 1);
    g_autoptr(GHashTable) by_set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gboolean used[n_ports];

    memset(used, 0, sizeof used);
    for (guint i = 0; i < offers->len; i++) {
        const Offer *offer = &g_array_index(offers, Offer, i);
        guint row = offer->port < 0 ? ports->len : (guint) offer->port;
        char *cell = &state[(gsize) row * addresses->len + offer->address];

        used[row] = TRUE;
        if (*cell == OFFER_NONE || *cell == OFFER_READY)
            *cell = offer->ready ? OFFER_READY : OFFER_NOT_READY;
    }
    for (guint row = 0; row < n_ports; row++) {
        const char *cells = &state[(gsize) row * addresses->len];
        char *set;
        KnEndpointSubset *subset;

        if (!used[row])
            continue;
        set = g_malloc(addresses->len + 1);
        for (guint a = 0; a < addresses->len; a++)
            set[a] = (char) ('0' + cells[a]);
        set[addresses->len] = '\0';
        subset = g_hash_table_lookup(by_set, set);
        if (subset == NULL) {
            subset = kn_endpoint_subset_new();
            for (guint a = 0; a < addresses->len; a++) {
                if (cells[a] == OFFER_NONE)
                    continue;
                g_ptr_array_add(cells[a] == OFFER_READY ? subset->addresses
                                                        : subset->not_ready_addresses,
                                endpoint_address_copy(addresses->pdata[a]));
            }
            g_ptr_array_sort(subset->addresses, compare_addresses);
            g_ptr_array_sort(subset->not_ready_addresses, compare_addresses);
            g_ptr_array_add(endpoints->subsets, subset);
            g_hash_table_insert(by_set, set, subset);
        } else {
            g_free(set);
        }
        if (row < ports->len)
            g_ptr_array_add(subset->ports, kn_endpoint_port_copy(ports->pdata[row]));
    }
    for (guint i = 0; i < endpoints->subsets->len; i++) {
        KnEndpointSubset *subset = endpoints->subsets->pdata[i];

        g_ptr_array_sort(subset->ports, compare_ports);
    }
    g_ptr_array_sort(endpoints->subsets, compare_subsets);
}

/* truncateEndpoints: keeps at most the capacity, ready addresses first,
 * each subset its proportional share rounded up.  TRUE if it cut any. */
static gboolean
truncate_endpoints(KnEndpoints *endpoints)
{
    guint total_ready = 0, total_not_ready = 0;
    gboolean truncate_ready = FALSE;
    guint max, total, can_be_added;

    for (guint i = 0; i < endpoints->subsets->len; i++) {
        const KnEndpointSubset *subset = endpoints->subsets->pdata[i];

        total_ready += subset->addresses->len;
        total_not_ready += subset->not_ready_addresses->len;
    }
    if (total_ready + total_not_ready <= KN_ENDPOINTSLICE_ENDPOINTS_MAX_CAPACITY)
        return FALSE;

    max = KN_ENDPOINTSLICE_ENDPOINTS_MAX_CAPACITY - total_ready;
    total = total_not_ready;
    if (total_ready > KN_ENDPOINTSLICE_ENDPOINTS_MAX_CAPACITY) {
        truncate_ready = TRUE;
        max = KN_ENDPOINTSLICE_ENDPOINTS_MAX_CAPACITY;
        total = total_ready;
    }
    can_be_added = max;
    for (guint i = 0; i < endpoints->subsets->len; i++) {
        KnEndpointSubset *subset = endpoints->subsets->pdata[i];
        GPtrArray *cut = truncate_ready ? subset->addresses : subset->not_ready_addresses;
        /* ceil(n / total * max) in integers: the same for these sizes. */
        guint to_be_added = (guint) (((guint64) cut->len * max + total - 1) / total);

        if (to_be_added > can_be_added)
            to_be_added = can_be_added;
        if (cut->len > to_be_added)
            g_ptr_array_set_size(cut, to_be_added);
        if (truncate_ready)
            g_ptr_array_set_size(subset->not_ready_addresses, 0);
        can_be_added -= cut->len;
    }
    return TRUE;
}

KnEndpoints *
kn_endpointslice_legacy_endpoints(const KnService *service, const GPtrArray *pods)
{
    g_return_val_if_fail(service != NULL, NULL);

    if (service->spec.type == KN_SERVICE_EXTERNAL_NAME || service->spec.selector == NULL)
        return NULL;

    gboolean tolerate = service->spec.publish_not_ready_addresses;
    gboolean want_ipv6;
    g_autoptr(GPtrArray) sorted = sorted_pods(pods);
    g_autoptr(GPtrArray) addresses =
        g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_address_free);
    g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func((GDestroyNotify) kn_endpoint_port_free);
    g_autoptr(GHashTable) address_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) port_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GArray) offers = g_array_new(FALSE, FALSE, sizeof(Offer));
    KnEndpoints *endpoints = kn_endpoints_new();

    endpoints->meta.name = g_strdup(service->meta.name);
    endpoints->meta.namespace = g_strdup(service->meta.namespace);

    for (guint i = 0; i < sorted->len; i++) {
        const KnPod *pod = sorted->pdata[i];
        KnEndpointAddress *address;
        g_autofree char *key = NULL;
        gpointer index;
        gboolean ready;

        if (!pod_included(pod, tolerate))
            continue;
        /* podToEndpointAddressForService: the Service's first family. */
        if (service->spec.ip_families->len > 0)
            want_ipv6 = family_is_ipv6(service->spec.ip_families->pdata[0]);
        else if (service_ip_set(service))
            want_ipv6 = is_ipv6(service->spec.cluster_ip);
        else
            want_ipv6 = is_ipv6(pod->pod_ip);
        if (is_ipv6(pod->pod_ip) != want_ipv6)
            continue;

        /* The same IP and UID is the same address (mapAddressByPort). */
        key = g_strconcat(pod->pod_ip, "\x1f", pod->meta.uid != NULL ? pod->meta.uid : "", NULL);
        if (!g_hash_table_lookup_extended(address_index, key, NULL, &index)) {
            address = kn_endpoint_address_new();
            address->ip = g_strdup(pod->pod_ip);
            address->node_name = g_strdup(pod->spec.node_name);
            address->target_pod = g_strdup(pod->meta.name);
            address->target_namespace = g_strdup(pod->meta.namespace);
            address->target_uid = g_strdup(pod->meta.uid);
            if (should_set_hostname(pod, service))
                address->hostname = g_strdup(pod->spec.hostname);
            index = GUINT_TO_POINTER(addresses->len);
            g_ptr_array_add(addresses, address);
            g_hash_table_insert(address_index, g_steal_pointer(&key), index);
        }
        ready = tolerate || pod->ready;

        if (service->spec.ports->len == 0) {
            if (g_strcmp0(service->spec.cluster_ip, "None") == 0) {
                Offer offer = { GPOINTER_TO_UINT(index), -1, ready };

                g_array_append_val(offers, offer);
            }
            continue;
        }
        for (guint p = 0; p < service->spec.ports->len; p++) {
            const KnServicePort *service_port = service->spec.ports->pdata[p];
            guint number = find_port(pod, service_port);
            KnEndpointPort *port;
            char *port_key;
            gpointer at;
            Offer offer = { GPOINTER_TO_UINT(index), 0, ready };

            if (number == 0)
                continue;
            port = kn_endpoint_port_new();
            port->name = g_strdup(service_port->name);
            port->port = number;
            port->protocol = service_port->protocol;
            port->app_protocol = g_strdup(service_port->app_protocol);
            {
                g_autoptr(GPtrArray) one = g_ptr_array_new();

                g_ptr_array_add(one, port);
                port_key = port_map_key(one);
            }
            if (g_hash_table_lookup_extended(port_index, port_key, NULL, &at)) {
                g_free(port_key);
                kn_endpoint_port_free(port);
            } else {
                at = GUINT_TO_POINTER(ports->len);
                g_ptr_array_add(ports, port);
                g_hash_table_insert(port_index, port_key, at);
            }
            offer.port = (gint) GPOINTER_TO_UINT(at);
            g_array_append_val(offers, offer);
        }
    }
    repack(endpoints, addresses, ports, offers);

    /* Labels: the Service's, with the headless label as the IP says. */
    kn_labels_free(endpoints->meta.labels);
    endpoints->meta.labels = kn_labels_copy(service->meta.labels);
    if (!service_ip_set(service))
        kn_labels_set(endpoints->meta.labels, LABEL_HEADLESS, "");
    else
        kn_labels_remove(endpoints->meta.labels, LABEL_HEADLESS);
    if (truncate_endpoints(endpoints))
        kn_labels_set(endpoints->meta.annotations, ANNOTATION_OVER_CAPACITY, "truncated");
    return endpoints;
}

/*****************************************************************************/
/* JSON, as Go's encoding/json writes the API types.  The writers go to a
 * sink that either builds the text or only counts its bytes: the byte
 * counts of every write need the length, not the text. */

typedef struct {
    GString *text;                       /* NULL: count only */
    gsize n;                             /* bytes written */
} Sink;

static inline void
sink_c(Sink *out, char c)
{
    if (out->text != NULL)
        g_string_append_c(out->text, c);
    out->n++;
}

static inline void
sink_len(Sink *out, const char *p, gsize len)
{
    if (out->text != NULL)
        g_string_append_len(out->text, p, (gssize) len);
    out->n += len;
}

static inline void
sink_str(Sink *out, const char *p)
{
    sink_len(out, p, strlen(p));
}

static void G_GNUC_PRINTF(2, 3)
sink_printf(Sink *out, const char *format, ...)
{
    g_autofree char *text = NULL;
    va_list args;

    va_start(args, format);
    text = g_strdup_vprintf(format, args);
    va_end(args);
    sink_str(out, text);
}

static void
sink_json(Sink *out, const char *text)
{
    if (out->text != NULL) {
        gsize before = out->text->len;

        kn_json_string(out->text, text);
        out->n += out->text->len - before;
    } else {
        out->n += kn_json_string_length(text);
    }
}

/* Starts member 'key' of an object with 'n' members written so far. */
static void
json_key(Sink *out, guint *n, const char *key)
{
    const guchar *p = (const guchar *) key;

    if ((*n)++ > 0)
        sink_c(out, ',');
    /* Keys are field names and label keys: plain ASCII, copied at once. */
    while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\' && *p != '<' && *p != '>' && *p != '&')
        p++;
    if (*p == '\0') {
        sink_c(out, '"');
        sink_len(out, key, (gssize) (p - (const guchar *) key));
        sink_len(out, "\":", 2);
        return;
    }
    sink_json(out, key);
    sink_c(out, ':');
}

static void
json_member_string(Sink *out, guint *n, const char *key, const char *value)
{
    json_key(out, n, key);
    sink_json(out, value);
}

/* An omitempty string member: left out when NULL or empty. */
static void
json_member_optional(Sink *out, guint *n, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0')
        json_member_string(out, n, key, value);
}

static void
json_bool(Sink *out, guint *n, const char *key, gboolean value)
{
    json_key(out, n, key);
    sink_str(out, value ? "true" : "false");
}

/* An omitempty list of {"name": ...}: EndpointHints' forZones, forNodes. */
static void
json_hint_list(Sink *out, guint *n, const char *key, const GPtrArray *names)
{
    if (names->len == 0)
        return;
    json_key(out, n, key);
    sink_c(out, '[');
    for (guint i = 0; i < names->len; i++) {
        guint m = 0;

        sink_str(out, i > 0 ? ",{" : "{");
        json_member_string(out, &m, "name", names->pdata[i]);
        sink_c(out, '}');
    }
    sink_c(out, ']');
}

static void
json_labels(Sink *out, guint *n, const char *key, const KnLabels *labels)
{
    guint m = 0;

    if (kn_labels_size(labels) == 0)
        return;                  /* omitempty */
    json_key(out, n, key);
    sink_c(out, '{');
    for (guint i = 0; i < kn_labels_size(labels); i++)
        json_member_string(out, &m, kn_labels_key(labels, i), kn_labels_value(labels, i));
    sink_c(out, '}');
}

/* TypeMeta (kind, then apiVersion) and ObjectMeta in Go's field order. */
static void
json_head(Sink *out, guint *n, KnKind kind, const KnObjectMeta *meta)
{
    guint m = 0;

    json_member_string(out, n, "kind", kn_kind_name(kind));
    json_member_string(out, n, "apiVersion", kn_kind_api_version(kind));
    json_key(out, n, "metadata");
    sink_c(out, '{');
    json_member_optional(out, &m, "name", meta->name);
    json_member_optional(out, &m, "generateName", meta->generate_name);
    json_member_optional(out, &m, "namespace", meta->namespace);
    json_member_optional(out, &m, "uid", meta->uid);
    if (meta->resource_version != 0) {
        json_key(out, &m, "resourceVersion");
        sink_printf(out, "\"%" G_GUINT64_FORMAT "\"", meta->resource_version);
    }
    json_labels(out, &m, "labels", meta->labels);
    json_labels(out, &m, "annotations", meta->annotations);
    if (meta->owner.name != NULL) {
        guint o = 0;

        /* NewControllerRef sets controller and blockOwnerDeletion. */
        json_key(out, &m, "ownerReferences");
        sink_str(out, "[{");
        json_member_string(out, &o, "apiVersion", kn_kind_api_version(meta->owner.kind));
        json_member_string(out, &o, "kind", kn_kind_name(meta->owner.kind));
        json_member_string(out, &o, "name", meta->owner.name);
        json_member_string(out, &o, "uid", meta->owner.uid);
        json_bool(out, &o, "controller", TRUE);
        json_bool(out, &o, "blockOwnerDeletion", TRUE);
        sink_str(out, "}]");
    }
    sink_c(out, '}');
}

/* core/v1 ObjectReference to a pod: kind, namespace, name, uid. */
static void
json_target_ref(Sink *out, guint *n, const char *namespace, const char *name, const char *uid)
{
    guint m = 0;

    if (name == NULL)
        return;
    json_key(out, n, "targetRef");
    sink_c(out, '{');
    json_member_string(out, &m, "kind", "Pod");
    json_member_optional(out, &m, "namespace", namespace);
    json_member_optional(out, &m, "name", name);
    json_member_optional(out, &m, "uid", uid);
    sink_c(out, '}');
}

static void
json_slice_endpoint(Sink *out, const KnEndpoint *endpoint)
{
    guint n = 0, c = 0;

    sink_c(out, '{');
    json_key(out, &n, "addresses");
    if (endpoint->addresses->len == 0) {
        sink_str(out, "null");
    } else {
        sink_c(out, '[');
        for (guint i = 0; i < endpoint->addresses->len; i++) {
            if (i > 0)
                sink_c(out, ',');
            sink_json(out, endpoint->addresses->pdata[i]);
        }
        sink_c(out, ']');
    }
    json_key(out, &n, "conditions");
    sink_c(out, '{');
    json_bool(out, &c, "ready", endpoint->ready);
    json_bool(out, &c, "serving", endpoint->serving);
    json_bool(out, &c, "terminating", endpoint->terminating);
    sink_c(out, '}');
    if (endpoint->hostname != NULL)
        json_member_string(out, &n, "hostname", endpoint->hostname);
    json_target_ref(out, &n, endpoint->target_namespace, endpoint->target_pod, endpoint->target_uid);
    if (endpoint->node_name != NULL)
        json_member_string(out, &n, "nodeName", endpoint->node_name);
    if (endpoint->zone != NULL)
        json_member_string(out, &n, "zone", endpoint->zone);
    if (endpoint->hint_zones->len > 0 || endpoint->hint_nodes->len > 0) {
        guint h = 0;

        json_key(out, &n, "hints");
        sink_c(out, '{');
        json_hint_list(out, &h, "forZones", endpoint->hint_zones);
        json_hint_list(out, &h, "forNodes", endpoint->hint_nodes);
        sink_c(out, '}');
    }
    sink_c(out, '}');
}

/* discovery/v1 EndpointPort: name, protocol, port, appProtocol (pointers,
 * so an empty name is still written). */
static void
json_slice_port(Sink *out, const KnEndpointPort *port)
{
    guint n = 0;

    sink_c(out, '{');
    if (port->name != NULL)
        json_member_string(out, &n, "name", port->name);
    json_member_string(out, &n, "protocol", kn_protocol_name(port->protocol));
    if (port->port != 0) {
        json_key(out, &n, "port");
        sink_printf(out, "%u", port->port);
    }
    if (port->app_protocol != NULL)
        json_member_string(out, &n, "appProtocol", port->app_protocol);
    sink_c(out, '}');
}

static void write_slice_json(Sink *out, const KnEndpointSlice *slice);
static void write_endpoints_json(Sink *out, const KnEndpoints *endpoints);

char *
kn_endpointslice_to_json(const KnEndpointSlice *slice)
{
    g_return_val_if_fail(slice != NULL, NULL);

    Sink out = { g_string_sized_new(4096), 0 };

    write_slice_json(&out, slice);
    return g_string_free(out.text, FALSE);
}

/* Appends the JSON of 'slice' to 'out'. */
static void
write_slice_json(Sink *out, const KnEndpointSlice *slice)
{
    guint n = 0;

    sink_c(out, '{');
    json_head(out, &n, KN_KIND_ENDPOINT_SLICE, &slice->meta);
    json_member_string(out, &n, "addressType", kn_address_type_name(slice->address_type));
    json_key(out, &n, "endpoints");
    if (slice->endpoints->len == 0)
        sink_str(out, "null");
    for (guint i = 0; i < slice->endpoints->len; i++) {
        sink_c(out, i > 0 ? ',' : '[');
        json_slice_endpoint(out, slice->endpoints->pdata[i]);
        if (i + 1 == slice->endpoints->len)
            sink_c(out, ']');
    }
    json_key(out, &n, "ports");
    if (slice->ports->len == 0)
        sink_str(out, "null");
    for (guint i = 0; i < slice->ports->len; i++) {
        sink_c(out, i > 0 ? ',' : '[');
        json_slice_port(out, slice->ports->pdata[i]);
        if (i + 1 == slice->ports->len)
            sink_c(out, ']');
    }
    sink_c(out, '}');
}

static void
json_addresses(Sink *out, guint *n, const char *key, const GPtrArray *addresses)
{
    if (addresses->len == 0)
        return;                  /* omitempty */
    json_key(out, n, key);
    for (guint i = 0; i < addresses->len; i++) {
        const KnEndpointAddress *address = addresses->pdata[i];
        guint m = 0;

        sink_str(out, i > 0 ? ",{" : "[{");
        json_member_string(out, &m, "ip", address->ip);
        json_member_optional(out, &m, "hostname", address->hostname);
        if (address->node_name != NULL)
            json_member_string(out, &m, "nodeName", address->node_name);
        json_target_ref(out, &m, address->target_namespace, address->target_pod, address->target_uid);
        sink_c(out, '}');
    }
    sink_c(out, ']');
}

char *
kn_endpointslice_endpoints_to_json(const KnEndpoints *endpoints)
{
    g_return_val_if_fail(endpoints != NULL, NULL);

    Sink out = { g_string_sized_new(4096), 0 };

    write_endpoints_json(&out, endpoints);
    return g_string_free(out.text, FALSE);
}

/* Appends the JSON of 'endpoints' to 'out'. */
static void
write_endpoints_json(Sink *out, const KnEndpoints *endpoints)
{
    guint n = 0;

    sink_c(out, '{');
    json_head(out, &n, KN_KIND_ENDPOINTS, &endpoints->meta);
    if (endpoints->subsets->len > 0) {
        json_key(out, &n, "subsets");
        sink_c(out, '[');
        for (guint i = 0; i < endpoints->subsets->len; i++) {
            const KnEndpointSubset *subset = endpoints->subsets->pdata[i];
            guint m = 0;

            sink_str(out, i > 0 ? ",{" : "{");
            json_addresses(out, &m, "addresses", subset->addresses);
            json_addresses(out, &m, "notReadyAddresses", subset->not_ready_addresses);
            if (subset->ports->len > 0) {
                json_key(out, &m, "ports");
                for (guint p = 0; p < subset->ports->len; p++) {
                    const KnEndpointPort *port = subset->ports->pdata[p];
                    guint k = 0;

                    /* core/v1 EndpointPort: name, port, protocol, appProtocol. */
                    sink_str(out, p > 0 ? ",{" : "[{");
                    json_member_optional(out, &k, "name", port->name);
                    json_key(out, &k, "port");
                    sink_printf(out, "%u", port->port);
                    json_member_string(out, &k, "protocol", kn_protocol_name(port->protocol));
                    if (port->app_protocol != NULL)
                        json_member_string(out, &k, "appProtocol", port->app_protocol);
                    sink_c(out, '}');
                }
                sink_c(out, ']');
            }
            sink_c(out, '}');
        }
        sink_c(out, ']');
    }
    sink_c(out, '}');
}

gsize
kn_endpointslice_json_size(const KnEndpointSlice *slice)
{
    g_return_val_if_fail(slice != NULL, 0);

    Sink out = { NULL, 0 };

    write_slice_json(&out, slice);
    return out.n;
}

gsize
kn_endpointslice_endpoints_json_size(const KnEndpoints *endpoints)
{
    g_return_val_if_fail(endpoints != NULL, 0);

    Sink out = { NULL, 0 };

    write_endpoints_json(&out, endpoints);
    return out.n;
}
