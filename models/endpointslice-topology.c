/* endpointslice-topology.c -- the topology cache of endpointslice-topology.h.
 *
 * DOC: This mirrors the EndpointSlice controller's topology cache
 * (k8s.io/endpointslice topologycache/topologycache.go: SetNodes,
 * getAllocations, AddHints, HasPopulatedHints, RemoveHints,
 * hasExcludedLabels; utils.go: RemoveHintsFromSlices,
 * FormatWithAddressType, redistributeHints, getGivingAndReceivingZones,
 * getMost, getHintsByZone, EndpointReady; sliceinfo.go:
 * getTotalReadyEndpoints, getAllocatedHintsByZone; event.go: the messages)
 * and reconciler.go's hintsEnabled.  Facts:
 * ../shared/reference/k8s-networking-facts.md sections 5.1 and 5.2.
 *
 * The nodes give each zone a share of the cluster's allocatable CPU.  A
 * Service with N ready endpoints wants ratio * N of them in each zone, and
 * at least ceil(desired / 1.2) (the overload threshold), which caps what
 * any zone may hold at its minimum plus what the minimums leave over.
 * AddHints first counts the hints of the slices it keeps untouched (those
 * whose hints break the allocation are rewritten), hints every ready
 * endpoint of the slices being written for its own zone, then moves whole
 * endpoints from zones above their desired share to zones below it,
 * largest surplus to largest deficit, and re-hints that many endpoints of
 * the giving zones for the receiving ones.
 *
 * Example (section 5.2): zones a (60% of CPU) and b (40%), ten ready
 * endpoints, seven in a: desired 6 and 4, minimum 5 and 4, maximum 6 and
 * 5; a has one too many, so one endpoint of a is hinted for b.
 *
 * Simplified:
 *  - Go walks maps (zones, giving and receiving zones) in random order;
 *    here zones go in name order: getMost breaks ties by the first name and
 *    redistributeHints hands an endpoint to the first receiving zone by name.
 *  - Allocatable CPU is KnNode.cpu in whole cores (milli-CPU is cores * 1000).
 *  - endpointsByService (hint counts per zone) only serves
 *    GetOverloadedServices, which picks the Services to requeue after a node
 *    change; endpointslice-sync.c requeues every Service on a node change,
 *    so it is not kept.
 *  - As in Go, the set of Services with populated hints is not cleared when
 *    a Service is deleted (syncService never calls RemoveHints then). */

#include <config.h>
#include "models/endpointslice-topology.h"

#include <math.h>
#include <string.h>

#define LABEL_ZONE "topology.kubernetes.io/zone"
#define LABEL_CONTROL_PLANE "node-role.kubernetes.io/control-plane"
#define LABEL_MASTER "node-role.kubernetes.io/master"

#define REASON_DISABLED "TopologyAwareHintsDisabled"
#define REASON_ENABLED "TopologyAwareHintsEnabled"

/* event.go, word for word. */
#define MSG_NO_ZONE_SPECIFIED "One or more endpoints do not have a zone specified"
#define MSG_NO_ALLOCATED_HINTS "No hints allocated for zones"
#define MSG_ENABLED "Topology Aware Hints has been enabled"
#define MSG_INSUFFICIENT_NODE_INFO \
    "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes"
#define MSG_ONE_ZONE "Nodes only ready in one zone"
#define MSG_INSUFFICIENT_ENDPOINTS "Insufficient number of endpoints"
#define MSG_MIN_EXCEEDS_THRESHOLD \
    "Unable to allocate minimum required endpoints to each zone without exceeding overload threshold"

struct KnEndpointSliceTopology {
    GPtrArray *zones;            /* char *, owned, in name order; empty: cpuRatiosByZone nil */
    GArray *ratios;              /* double: the CPU share of zones[i] */
    GHashTable *populated;       /* set of "ns/name" (owned): hintsPopulatedByService */
};

/* One zone's allocation (getAllocations). */
typedef struct {
    const char *zone;            /* borrowed from the cache */
    int minimum;
    int maximum;
    double desired;
} Allocation;

/*****************************************************************************/
/* Small helpers. */

void
kn_endpointslice_event_free(KnEndpointSliceEvent *event)
{
    if (event == NULL)
        return;
    g_free(event->reason);
    g_free(event->message);
    g_free(event);
}

char *
kn_endpointslice_topology_format(const char *message, KnAddressType type)
{
    return g_strdup_printf("%s, addressType: %s", message, kn_address_type_name(type));
}

/* Appends an event; takes 'message'. */
static void
add_event(GPtrArray *events, gboolean warning, const char *reason, char *message)
{
    KnEndpointSliceEvent *event = g_new0(KnEndpointSliceEvent, 1);

    event->warning = warning;
    event->reason = g_strdup(reason);
    event->message = message;
    g_ptr_array_add(events, event);
}

/* EndpointReady: the ready condition is set and true. */
static gboolean
endpoint_ready(const KnEndpoint *endpoint)
{
    return endpoint->ready;
}

static gboolean
has_zone(const KnEndpoint *endpoint)
{
    return endpoint->zone != NULL && endpoint->zone[0] != '\0';
}

/* endpoint.Hints = nil. */
static void
clear_hints(KnEndpoint *endpoint)
{
    g_ptr_array_set_size(endpoint->hint_zones, 0);
    g_ptr_array_set_size(endpoint->hint_nodes, 0);
}

/* endpoint.Hints = &EndpointHints{ForZones: [zone]}: no node hint. */
static void
set_hint(KnEndpoint *endpoint, const char *zone)
{
    clear_hints(endpoint);
    g_ptr_array_add(endpoint->hint_zones, g_strdup(zone));
}

/* A deep copy of 'from' (slice.DeepCopy()).  New; kn_object_free(). */
static KnEndpointSlice *
slice_copy(const KnEndpointSlice *from)
{
    KnEndpointSlice *to = kn_endpoint_slice_new();

    kn_object_meta_copy(&to->meta, &from->meta);
    to->address_type = from->address_type;
    for (guint i = 0; i < from->endpoints->len; i++)
        g_ptr_array_add(to->endpoints, kn_endpoint_copy(from->endpoints->pdata[i]));
    for (guint i = 0; i < from->ports->len; i++)
        g_ptr_array_add(to->ports, kn_endpoint_port_copy(from->ports->pdata[i]));
    return to;
}

/* Zone -> count maps (EndpointZoneInfo): keys owned, values as pointers. */
static GHashTable *
counts_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static int
counts_get(GHashTable *counts, const char *zone)
{
    return GPOINTER_TO_INT(g_hash_table_lookup(counts, zone));
}

static void
counts_add(GHashTable *counts, const char *zone, int n)
{
    gpointer key, value;

    if (g_hash_table_lookup_extended(counts, zone, &key, &value))
        g_hash_table_insert(counts, g_strdup(zone), GINT_TO_POINTER(GPOINTER_TO_INT(value) + n));
    else
        g_hash_table_insert(counts, g_strdup(zone), GINT_TO_POINTER(n));
}

/*****************************************************************************/
/* The cache and its node input. */

KnEndpointSliceTopology *
kn_endpointslice_topology_new(void)
{
    KnEndpointSliceTopology *topology = g_new0(KnEndpointSliceTopology, 1);

    topology->zones = g_ptr_array_new_with_free_func(g_free);
    topology->ratios = g_array_new(FALSE, FALSE, sizeof(double));
    topology->populated = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return topology;
}

void
kn_endpointslice_topology_free(KnEndpointSliceTopology *topology)
{
    if (topology == NULL)
        return;
    g_ptr_array_unref(topology->zones);
    g_array_unref(topology->ratios);
    g_hash_table_unref(topology->populated);
    g_free(topology);
}

gboolean
kn_endpointslice_topology_hints_enabled(const KnService *service)
{
    g_return_val_if_fail(service != NULL, FALSE);

    const char *mode = kn_labels_get(service->meta.annotations, KN_ENDPOINTSLICE_ANNOTATION_TOPOLOGY_HINTS);

    /* When both are set the deprecated one wins, whatever its value. */
    if (mode == NULL)
        mode = kn_labels_get(service->meta.annotations, KN_ENDPOINTSLICE_ANNOTATION_TOPOLOGY_MODE);
    return g_strcmp0(mode, "Auto") == 0 || g_strcmp0(mode, "auto") == 0;
}

/* hasExcludedLabels: control-plane nodes carry no workload capacity. */
static gboolean
excluded(const KnNode *node)
{
    return kn_labels_get(node->meta.labels, LABEL_CONTROL_PLANE) != NULL
           || kn_labels_get(node->meta.labels, LABEL_MASTER) != NULL;
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

void
kn_endpointslice_topology_set_nodes(KnEndpointSliceTopology *topology, GHashTable *nodes)
{
    g_return_if_fail(topology != NULL);

    g_autoptr(GHashTable) cpu_by_zone = g_hash_table_new(g_str_hash, g_str_equal);  /* borrowed keys */
    gboolean sufficient = TRUE;
    guint64 total = 0;
    GHashTableIter iter;
    gpointer value;

    if (nodes != NULL) {
        g_hash_table_iter_init(&iter, nodes);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            const KnNode *node = value;
            const char *zone = kn_labels_get(node->meta.labels, LABEL_ZONE);
            guint64 milli = (guint64) node->cpu * 1000;
            gpointer before;

            if (excluded(node) || !node->ready)
                continue;
            /* One node without the facts voids them all (the order of
             * the walk does not matter: the outcome is the same). */
            if (zone == NULL || zone[0] == '\0' || milli == 0) {
                sufficient = FALSE;
                break;
            }
            total += milli;
            before = g_hash_table_lookup(cpu_by_zone, zone);
            g_hash_table_insert(cpu_by_zone, (gpointer) zone,
                                GSIZE_TO_POINTER(GPOINTER_TO_SIZE(before) + milli));
        }
    }

    g_ptr_array_set_size(topology->zones, 0);
    g_array_set_size(topology->ratios, 0);
    if (total == 0 || !sufficient || g_hash_table_size(cpu_by_zone) < 2)
        return;                  /* cpuRatiosByZone = nil */

    g_hash_table_iter_init(&iter, cpu_by_zone);
    while (g_hash_table_iter_next(&iter, &value, NULL))
        g_ptr_array_add(topology->zones, g_strdup(value));
    g_ptr_array_sort(topology->zones, compare_strings);
    for (guint i = 0; i < topology->zones->len; i++) {
        guint64 milli = GPOINTER_TO_SIZE(g_hash_table_lookup(cpu_by_zone, topology->zones->pdata[i]));
        double ratio = (double) milli / (double) total;

        g_array_append_val(topology->ratios, ratio);
    }
}

guint
kn_endpointslice_topology_n_zones(const KnEndpointSliceTopology *topology)
{
    g_return_val_if_fail(topology != NULL, 0);
    return topology->zones->len;
}

double
kn_endpointslice_topology_zone_ratio(const KnEndpointSliceTopology *topology, const char *zone)
{
    g_return_val_if_fail(topology != NULL && zone != NULL, 0.0);

    for (guint i = 0; i < topology->zones->len; i++)
        if (strcmp(topology->zones->pdata[i], zone) == 0)
            return g_array_index(topology->ratios, double, i);
    return 0.0;
}

gboolean
kn_endpointslice_topology_has_populated_hints(const KnEndpointSliceTopology *topology,
                                              const char *service_key)
{
    g_return_val_if_fail(topology != NULL && service_key != NULL, FALSE);
    return g_hash_table_contains(topology->populated, service_key);
}

void
kn_endpointslice_topology_remove_hints(KnEndpointSliceTopology *topology, const char *service_key)
{
    g_return_if_fail(topology != NULL && service_key != NULL);
    g_hash_table_remove(topology->populated, service_key);
}

/*****************************************************************************/
/* Allocations. */

/* getAllocations for 'n' ready endpoints: a new array of Allocation in
 * zone order, or NULL with '*message' (new) saying why not. */
static GArray *
get_allocations(const KnEndpointSliceTopology *topology, int n, char **message)
{
    guint n_zones = topology->zones->len;
    g_autoptr(GArray) allocations = NULL;
    int remaining = n, min_total = 0;

    if (n_zones == 0) {
        *message = g_strdup(MSG_INSUFFICIENT_NODE_INFO);
        return NULL;
    }
    if (n_zones < 2) {
        *message = g_strdup(MSG_ONE_ZONE);     /* set_nodes never leaves one zone */
        return NULL;
    }
    if ((int) n_zones > n) {
        *message = g_strdup_printf("%s (%d endpoints, %u zones)", MSG_INSUFFICIENT_ENDPOINTS, n, n_zones);
        return NULL;
    }

    allocations = g_array_sized_new(FALSE, FALSE, sizeof(Allocation), n_zones);
    for (guint i = 0; i < n_zones; i++) {
        double desired = g_array_index(topology->ratios, double, i) * (double) n;
        /* The same float expression as Go, for the same rounding. */
        int minimum = (int) ceil(desired * (1 / (1 + KN_ENDPOINTSLICE_OVERLOAD_THRESHOLD)));
        Allocation allocation = { topology->zones->pdata[i], minimum, 0, MAX(desired, (double) minimum) };

        g_array_append_val(allocations, allocation);
        min_total += minimum;
        remaining -= minimum;
        if (remaining < 0) {
            *message = g_strdup_printf("%s (%d endpoints, %u zones)", MSG_MIN_EXCEEDS_THRESHOLD, n, n_zones);
            return NULL;
        }
    }
    for (guint i = 0; i < n_zones; i++) {
        Allocation *allocation = &g_array_index(allocations, Allocation, i);

        allocation->maximum = allocation->minimum + n - min_total;
    }
    return g_steal_pointer(&allocations);
}

static const Allocation *
allocation_lookup(const GArray *allocations, const char *zone)
{
    for (guint i = 0; i < allocations->len; i++) {
        const Allocation *allocation = &g_array_index(allocations, Allocation, i);

        if (strcmp(allocation->zone, zone) == 0)
            return allocation;
    }
    return NULL;
}

/* getHintsByZone: the hints 'slice' holds per zone, added to
 * 'allocated' (the counts so far), or NULL if the slice must be rewritten:
 * a ready endpoint without hints, a hint for a zone without an allocation,
 * or more hints for a zone than its maximum.  New. */
static GHashTable *
hints_by_zone(const KnEndpointSlice *slice, GHashTable *allocated, const GArray *allocations)
{
    g_autoptr(GHashTable) hints = counts_new();
    GHashTableIter iter;
    gpointer zone, count;

    for (guint i = 0; i < slice->endpoints->len; i++) {
        const KnEndpoint *endpoint = slice->endpoints->pdata[i];

        if (!endpoint_ready(endpoint))
            continue;
        if (endpoint->hint_zones->len == 0)
            return NULL;
        for (guint z = 0; z < endpoint->hint_zones->len; z++) {
            if (allocation_lookup(allocations, endpoint->hint_zones->pdata[z]) == NULL)
                return NULL;
            counts_add(hints, endpoint->hint_zones->pdata[z], 1);
        }
    }
    g_hash_table_iter_init(&iter, hints);
    while (g_hash_table_iter_next(&iter, &zone, &count)) {
        const Allocation *allocation = allocation_lookup(allocations, zone);

        if (allocation == NULL
            || GPOINTER_TO_INT(count) + counts_get(allocated, zone) > allocation->maximum)
            return NULL;
    }
    return g_steal_pointer(&hints);
}

/* getAllocatedHintsByZone: the hints the unchanged slices keep, per zone;
 * an unchanged slice whose hints do not fit moves to 'to_update' as a
 * copy.  New. */
static GHashTable *
allocated_hints_by_zone(KnEndpointSliceInfo *info, const GArray *allocations)
{
    GHashTable *allocated = counts_new();
    guint j = 0;

    for (guint i = 0; i < info->unchanged->len; i++) {
        const KnEndpointSlice *slice = info->unchanged->pdata[i];
        g_autoptr(GHashTable) hints = hints_by_zone(slice, allocated, allocations);
        GHashTableIter iter;
        gpointer zone, count;

        if (hints == NULL) {
            g_ptr_array_add(info->to_update, slice_copy(slice));
            continue;
        }
        info->unchanged->pdata[j++] = (gpointer) slice;
        g_hash_table_iter_init(&iter, hints);
        while (g_hash_table_iter_next(&iter, &zone, &count))
            counts_add(allocated, zone, GPOINTER_TO_INT(count));
    }
    g_ptr_array_set_size(info->unchanged, j);
    return allocated;
}

/* getMost over 'values' (present where 'present'), in zone order: the
 * first index holding the greatest value above 0, or -1. */
static gint
get_most(const double *values, const gboolean *present, guint n, double *most)
{
    gint at = -1;

    *most = 0.0;
    for (guint i = 0; i < n; i++) {
        if (present[i] && values[i] > *most) {
            at = (gint) i;
            *most = values[i];
        }
    }
    return at;
}

/* getGivingAndReceivingZones: whole endpoints each zone gives ('giving')
 * or receives ('receiving'), indexed like 'allocations'. */
static void
giving_and_receiving(const GArray *allocations, GHashTable *allocated, int *giving, int *receiving)
{
    guint n = allocations->len;
    g_autofree double *give_desired = g_new0(double, n);
    g_autofree double *receive_desired = g_new0(double, n);
    g_autofree gboolean *gives = g_new0(gboolean, n);
    g_autofree gboolean *receives = g_new0(gboolean, n);

    /* 1. The exact surplus or deficit of each zone. */
    for (guint i = 0; i < n; i++) {
        const Allocation *allocation = &g_array_index(allocations, Allocation, i);
        double hints = (double) counts_get(allocated, allocation->zone);

        if (hints > allocation->desired) {
            give_desired[i] = hints - allocation->desired;
            gives[i] = TRUE;
        } else if (hints < allocation->desired) {
            receive_desired[i] = allocation->desired - hints;
            receives[i] = TRUE;
        }
    }

    /* 2. Whole endpoints, from the largest surplus to the largest deficit. */
    for (;;) {
        double to_give, to_receive;
        gint giver = get_most(give_desired, gives, n, &to_give);
        gint receiver = get_most(receive_desired, receives, n, &to_receive);

        if (giver < 0 || receiver < 0 || (to_give < 1.0 && to_receive < 1.0) || to_give < 0.5
            || to_receive < 0.5)
            break;
        giving[giver]++;
        give_desired[giver]--;
        receiving[receiver]++;
        receive_desired[receiver]--;
    }
}

static gboolean
any_positive(const int *counts, guint n)
{
    for (guint i = 0; i < n; i++)
        if (counts[i] > 0)
            return TRUE;
    return FALSE;
}

/* redistributeHints: re-hints endpoints of giving zones for receiving
 * zones, walking 'slices' in order, and counts the moves in
 * 'redistributions' (zone -> change). */
static void
redistribute_hints(GPtrArray *slices, const GArray *allocations, int *giving, int *receiving,
                   GHashTable *redistributions)
{
    guint n = allocations->len;

    for (guint s = 0; s < slices->len; s++) {
        KnEndpointSlice *slice = slices->pdata[s];

        for (guint e = 0; e < slice->endpoints->len; e++) {
            KnEndpoint *endpoint = slice->endpoints->pdata[e];
            gint giver = -1;

            if (!endpoint_ready(endpoint)) {
                clear_hints(endpoint);
                continue;
            }
            if (!any_positive(giving, n) || !any_positive(receiving, n))
                return;
            if (!has_zone(endpoint))
                continue;        /* caught earlier by AddHints */
            for (guint i = 0; i < n && giver < 0; i++)
                if (strcmp(g_array_index(allocations, Allocation, i).zone, endpoint->zone) == 0)
                    giver = (gint) i;
            if (giver < 0 || giving[giver] <= 0)
                continue;
            for (guint r = 0; r < n; r++) {
                const char *receiver = g_array_index(allocations, Allocation, r).zone;

                if (receiving[r] <= 0)
                    continue;
                set_hint(endpoint, receiver);
                giving[giver]--;
                receiving[r]--;
                counts_add(redistributions, receiver, 1);
                counts_add(redistributions, endpoint->zone, -1);
                break;
            }
        }
    }
}

/*****************************************************************************/
/* AddHints and RemoveHintsFromSlices. */

void
kn_endpointslice_topology_remove_hints_from_slices(KnEndpointSliceInfo *info)
{
    g_return_if_fail(info != NULL);

    guint j = 0;

    for (guint i = 0; i < info->to_create->len; i++) {
        KnEndpointSlice *slice = info->to_create->pdata[i];

        for (guint e = 0; e < slice->endpoints->len; e++)
            clear_hints(slice->endpoints->pdata[e]);
    }
    for (guint i = 0; i < info->to_update->len; i++) {
        KnEndpointSlice *slice = info->to_update->pdata[i];

        for (guint e = 0; e < slice->endpoints->len; e++)
            clear_hints(slice->endpoints->pdata[e]);
    }
    /* Unchanged slices with hints are copied, cleared and updated. */
    for (guint i = 0; i < info->unchanged->len; i++) {
        const KnEndpointSlice *slice = info->unchanged->pdata[i];
        gboolean hinted = FALSE;

        for (guint e = 0; e < slice->endpoints->len && !hinted; e++)
            hinted = ((const KnEndpoint *) slice->endpoints->pdata[e])->hint_zones->len > 0
                     || ((const KnEndpoint *) slice->endpoints->pdata[e])->hint_nodes->len > 0;
        if (hinted) {
            KnEndpointSlice *copy = slice_copy(slice);

            for (guint e = 0; e < copy->endpoints->len; e++)
                clear_hints(copy->endpoints->pdata[e]);
            g_ptr_array_add(info->to_update, copy);
        } else {
            info->unchanged->pdata[j++] = (gpointer) slice;
        }
    }
    g_ptr_array_set_size(info->unchanged, j);
}

/* The way out of AddHints without hints: the event, the cache forgets the
 * Service, and no slice keeps a hint.  Takes 'message' (not yet formatted). */
static void
disable(KnEndpointSliceTopology *topology, KnEndpointSliceInfo *info, GPtrArray *events, char *message)
{
    add_event(events, TRUE, REASON_DISABLED, kn_endpointslice_topology_format(message, info->address_type));
    g_free(message);
    kn_endpointslice_topology_remove_hints(topology, info->service_key);
    kn_endpointslice_topology_remove_hints_from_slices(info);
}

static guint
ready_count(const GPtrArray *slices)
{
    guint n = 0;

    for (guint i = 0; i < slices->len; i++) {
        const KnEndpointSlice *slice = slices->pdata[i];

        for (guint e = 0; e < slice->endpoints->len; e++)
            n += endpoint_ready(slice->endpoints->pdata[e]) ? 1 : 0;
    }
    return n;
}

void
kn_endpointslice_topology_add_hints(KnEndpointSliceTopology *topology, KnEndpointSliceInfo *info,
                                    GPtrArray *events)
{
    g_return_if_fail(topology != NULL && info != NULL && events != NULL);

    guint total = ready_count(info->to_create) + ready_count(info->to_update) + ready_count(info->unchanged);
    char *message = NULL;
    g_autoptr(GArray) allocations = get_allocations(topology, (int) total, &message);

    if (allocations == NULL) {
        disable(topology, info, events, message);
        return;
    }

    g_autoptr(GHashTable) allocated = allocated_hints_by_zone(info, allocations);
    /* Creates first, then updates (including the copies just added). */
    g_autoptr(GPtrArray) allocatable = g_ptr_array_new();

    for (guint i = 0; i < info->to_create->len; i++)
        g_ptr_array_add(allocatable, info->to_create->pdata[i]);
    for (guint i = 0; i < info->to_update->len; i++)
        g_ptr_array_add(allocatable, info->to_update->pdata[i]);

    /* 1. Same-zone hints for every ready endpoint as a starting point. */
    for (guint s = 0; s < allocatable->len; s++) {
        KnEndpointSlice *slice = allocatable->pdata[s];

        for (guint e = 0; e < slice->endpoints->len; e++) {
            KnEndpoint *endpoint = slice->endpoints->pdata[e];

            if (!endpoint_ready(endpoint)) {
                clear_hints(endpoint);
                continue;
            }
            if (!has_zone(endpoint)) {
                disable(topology, info, events, g_strdup(MSG_NO_ZONE_SPECIFIED));
                return;
            }
            counts_add(allocated, endpoint->zone, 1);
            set_hint(endpoint, endpoint->zone);
        }
    }

    /* 2. Which zones give endpoints and which receive them. */
    g_autofree int *giving = g_new0(int, allocations->len);
    g_autofree int *receiving = g_new0(int, allocations->len);
    g_autoptr(GHashTable) redistributions = counts_new();
    GHashTableIter iter;
    gpointer zone, diff;

    giving_and_receiving(allocations, allocated, giving, receiving);

    /* 3. Re-hint endpoints accordingly. */
    redistribute_hints(allocatable, allocations, giving, receiving, redistributions);
    g_hash_table_iter_init(&iter, redistributions);
    while (g_hash_table_iter_next(&iter, &zone, &diff))
        counts_add(allocated, zone, GPOINTER_TO_INT(diff));

    if (g_hash_table_size(allocated) == 0) {
        disable(topology, info, events, g_strdup(MSG_NO_ALLOCATED_HINTS));
        return;
    }

    /* The first time hints go on, the Service hears of it. */
    if (!g_hash_table_contains(topology->populated, info->service_key)) {
        g_hash_table_add(topology->populated, g_strdup(info->service_key));
        add_event(events, FALSE, REASON_ENABLED, kn_endpointslice_topology_format(MSG_ENABLED, info->address_type));
    }
}
