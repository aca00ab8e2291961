/* kubectl-describe.c -- `kubectl describe` output for the objects of api.h.
 *
 * DOC: This mirrors kubernetes/kubectl pkg/describe/describe.go (the
 * v1.31+ tree, whose describeService lists endpoints from EndpointSlices):
 *
 * - the layout: PrefixWriter (two spaces per level) into one text/tabwriter
 *   set up by tabbedString (minwidth 0, tabwidth 8, padding 2, ' ', no
 *   flags).  The tabwriter aligns a column over each run of consecutive
 *   lines that have a cell there, so a line without a tab ("Containers:")
 *   ends every column; a tab-terminated cell is padded even when empty (so
 *   "Image ID:" keeps its trailing spaces); the text after a line's last
 *   tab is never padded.  tabwriter() below is Writer.format, branch for
 *   branch;
 * - describeService (buildIngressString, formatEndpointSlices with the
 *   service's slices, labelled kubernetes.io/service-name, in name order),
 *   describeEndpointSliceV1, describeEndpoints, describePod
 *   (describeContainers, DescribeProbe, describePodIPs, describeVolumes,
 *   printPodTolerationsMultiline), describeDeployment (DescribePodTemplate,
 *   printReplicaSetsByLabels), describeReplicaSet
 *   (getPodStatusForController), describeNode (findNodeRoles,
 *   printNodeTaintsMultiline, describeNodeLease), describeStatefulSet,
 *   describeDaemonSet, describeNamespace and ConfigMapDescriber;
 * - printLabelsMultiline and printAnnotationsMultiline (sorted keys,
 *   kubectl.kubernetes.io/last-applied-configuration skipped, values longer
 *   than 140 bytes folded), time.RFC1123Z in UTC, DescribeEvents (the
 *   events recorder.h keeps about the object);
 * - pkg/cmd/describe: the second and later objects are written after
 *   "\n\n", and a kind without a describer fails with "no description has
 *   been implemented for GROUP/VERSION, Kind=KIND" (every kind knetsim
 *   keeps has one but Event, which kubectl's generic describer prints
 *   field by field: not modelled, so it gets that message).
 *
 * What knetsim does not model is printed as kubectl prints it when the API
 * leaves it out, as -o yaml (kubectl-print.c) shows the object:
 *
 * Simplified: a pod's only volume is the kube-api-access projected volume
 * of its ServiceAccount (its name as kubectl-print.h makes it), its
 * containers have no Container ID or Image ID (printed empty) and no
 * environment.  A node shows the Ready condition only, with the kubelet's
 * reason while Ready and the node lifecycle controller's (Unknown,
 * NodeStatusUnknown) once not, its last heartbeat taken as the last
 * transition; its Lease is held by the node and renewed every 10 s from
 * its creation while Ready; Capacity and Allocatable list the cpu knetsim
 * gives it (if any) and its pods only, and the node-resource tables (Non-terminated Pods,
 * Allocated resources) are left out.  System Info has no machine ID,
 * system UUID or boot ID.  describeEndpointSliceV1 prints only the Ready
 * condition of an endpoint and no hints: Serving, Terminating and
 * hints.forZones stay in -o yaml, as with kubectl. */

#include <config.h>
#include "models/kubectl-describe.h"

#include <string.h>
#include "models/kubectl-print.h"
#include "models/recorder.h"
#include "models/workload.h"

/* kubectl's maxAnnotationLen. */
#define MAX_ANNOTATION_LEN 140

#define NODE_OS_IMAGE "Debian GNU/Linux 12 (bookworm)"
#define NODE_KERNEL_VERSION "6.1.0-25-amd64"
#define NODE_CONTAINER_RUNTIME "containerd://1.7.18"

/*****************************************************************************/
/* Times. */

char *
kn_kubectl_describe_rfc1123z(KnTime t)
{
    static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
    static const char *const months[] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    };
    g_autoptr(GDateTime) epoch = g_date_time_new_utc(2026, 1, 1, 0, 0, 0);
    g_autoptr(GDateTime) at = g_date_time_add_seconds(epoch, (gdouble) (t / KN_SEC));

    /* Spelled out rather than %a/%b, which follow the locale. */
    return g_strdup_printf("%s, %02d %s %04d %02d:%02d:%02d +0000",
                           days[g_date_time_get_day_of_week(at) - 1],
                           g_date_time_get_day_of_month(at),
                           months[g_date_time_get_month(at) - 1], g_date_time_get_year(at),
                           g_date_time_get_hour(at), g_date_time_get_minute(at),
                           g_date_time_get_second(at));
}

/* translateTimestampSince: HumanDuration of now minus a whole-second time. */
static char *
since(KnTime t, KnTime now)
{
    return kn_kubectl_print_human_duration((gint64) now - (gint64) (t / KN_SEC * KN_SEC));
}

/*****************************************************************************/
/* PrefixWriter and text/tabwriter. */

/* PrefixWriter.Write: 'level' times two spaces, then the text. */
static void G_GNUC_PRINTF(3, 4)
wr(GString *w, int level, const char *format, ...)
{
    va_list args;

    for (int i = 0; i < level; i++)
        g_string_append(w, "  ");
    va_start(args, format);
    g_string_append_vprintf(w, format, args);
    va_end(args);
}

static gsize
cell_width(const char *cell)
{
    return (gsize) g_utf8_strlen(cell, -1);
}

static void
spaces(GString *out, gsize n)
{
    for (gsize i = 0; i < n; i++)
        g_string_append_c(out, ' ');
}

/* Writer.writeLines: every cell padded to its column's width, if it has one. */
static void
tw_write_lines(GString *out, const GPtrArray *lines, guint line0, guint line1, const GArray *widths)
{
    for (guint i = line0; i < line1; i++) {
        const GPtrArray *line = lines->pdata[i];

        for (guint j = 0; j < line->len; j++) {
            const char *cell = line->pdata[j];

            g_string_append(out, cell);
            if (j < widths->len)
                spaces(out, g_array_index(widths, gsize, j) - cell_width(cell));
        }
        g_string_append_c(out, '\n');
    }
}

/* Writer.format: a column spans consecutive lines that have a cell in it
 * (the last cell of a line is not in a column); its width is its widest
 * cell plus the padding of 2. */
static void
tw_format(GString *out, const GPtrArray *lines, guint line0, guint line1, GArray *widths)
{
    guint column = widths->len;

    for (guint this = line0; this < line1; this++) {
        const GPtrArray *line = lines->pdata[this];

        if (column + 1 >= line->len)
            continue;
        tw_write_lines(out, lines, line0, this, widths);
        line0 = this;

        gsize width = 0;

        for (; this < line1; this++) {
            line = lines->pdata[this];
            if (column + 1 >= line->len)
                break;
            width = MAX(width, cell_width(line->pdata[column]) + 2);
        }
        g_array_append_val(widths, width);
        tw_format(out, lines, line0, this, widths);
        g_array_set_size(widths, widths->len - 1);
        line0 = this;
    }
    tw_write_lines(out, lines, line0, line1, widths);
}

/* tabbedString: 'text' (whole lines) through the tabwriter onto 'out'. */
static void
tabwrite(GString *out, const char *text)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func((GDestroyNotify) g_ptr_array_unref);
    g_auto(GStrv) split = g_strsplit(text, "\n", -1);
    g_autoptr(GArray) widths = g_array_new(FALSE, FALSE, sizeof(gsize));

    /* The text ends with a newline, so the last piece is empty. */
    for (guint i = 0; split[i] != NULL && split[i + 1] != NULL; i++) {
        GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
        g_auto(GStrv) parts = g_strsplit(split[i], "\t", -1);

        for (guint j = 0; parts[j] != NULL; j++)
            g_ptr_array_add(cells, g_strdup(parts[j]));
        g_ptr_array_add(lines, cells);
    }
    tw_format(out, lines, 0, lines->len, widths);
}

/*****************************************************************************/
/* Shared printers. */

/* printLabelsMultilineWithIndent */
static void
labels_multiline(GString *w, const char *title, const KnLabels *labels)
{
    wr(w, 0, "%s:\t", title);
    if (kn_labels_size(labels) == 0) {
        g_string_append(w, "<none>\n");
        return;
    }
    for (guint i = 0; i < kn_labels_size(labels); i++) {
        if (i != 0)
            g_string_append(w, "\t");
        wr(w, 0, "%s=%s\n", kn_labels_key(labels, i), kn_labels_value(labels, i));
    }
}

/* The first two lines of every namespaced object's description. */
static void
name_namespace(GString *w, const KnObjectMeta *meta)
{
    wr(w, 0, "Name:\t%s\n", meta->name);
    wr(w, 0, "Namespace:\t%s\n", meta->namespace != NULL ? meta->namespace : "");
}

/* printAnnotationsMultiline */
static void
annotations_multiline(GString *w, const char *title, const KnLabels *annotations)
{
    guint n = 0;

    wr(w, 0, "%s:\t", title);
    for (guint i = 0; i < kn_labels_size(annotations); i++) {
        const char *key = kn_labels_key(annotations, i);
        g_autofree char *value = g_strdup(kn_labels_value(annotations, i));
        gsize len = strlen(value);

        if (strcmp(key, "kubectl.kubernetes.io/last-applied-configuration") == 0)
            continue;
        if (n++ != 0)
            g_string_append(w, "\t");
        if (len > 0 && value[len - 1] == '\n')
            value[--len] = '\0';
        if (len + strlen(key) + 2 > MAX_ANNOTATION_LEN || strchr(value, '\n') != NULL) {
            g_auto(GStrv) parts = g_strsplit(value, "\n", -1);

            wr(w, 0, "%s:\n", key);
            for (guint j = 0; parts[j] != NULL; j++) {
                /* shorten(s, maxAnnotationLen-2), in bytes as Go's len. */
                if (strlen(parts[j]) > MAX_ANNOTATION_LEN - 2)
                    wr(w, 0, "\t  %.*s...\n", MAX_ANNOTATION_LEN - 2, parts[j]);
                else
                    wr(w, 0, "\t  %s\n", parts[j]);
            }
        } else {
            wr(w, 0, "%s: %s\n", key, value);
        }
    }
    if (n == 0)
        g_string_append(w, "<none>\n");
}

/* DescribeEvents: the object's events (recorder.h), oldest first; a
 * repeat's Age is its last time's, with the count and its first time's. */
static void
describe_events(GString *w, KnStore *store, KnKind kind, const KnObjectMeta *meta, KnTime now)
{
    g_autoptr(GPtrArray) events = store != NULL ? kn_recorder_events_about(store, kind, meta) : g_ptr_array_new();

    if (events->len == 0) {
        wr(w, 0, "Events:\t<none>\n");
        return;
    }
    wr(w, 0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    wr(w, 1, "----\t------\t----\t----\t-------\n");
    for (guint i = 0; i < events->len; i++) {
        const KnEvent *e = events->pdata[i];
        g_autofree char *since = kn_kubectl_print_human_duration((gint64) now
                                                                 - (gint64) kn_recorder_first_seen(e));
        g_autofree char *interval = NULL;
        g_autofree char *message = g_strstrip(g_strdup(e->message));

        if (!e->series_api && e->count > 1) {
            g_autofree char *last = kn_kubectl_print_human_duration((gint64) now
                                                                    - (gint64) kn_recorder_last_seen(e));

            interval = g_strdup_printf("%s (x%u over %s)", last, e->count, since);
        }
        wr(w, 1, "%s\t%s\t%s\t%s\t%s\n", e->warning ? "Warning" : "Normal", e->reason,
           interval != NULL ? interval : since, e->component, message);
    }
}

static const char *
bool_title(gboolean b)
{
    return b ? "True" : "False";
}

static const char *
bool_go(gboolean b)
{
    return b ? "true" : "false";
}

/* strings.Join of a char * array. */
static char *
join(const GPtrArray *strings, const char *sep)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < strings->len; i++)
        g_string_append_printf(out, "%s%s", i > 0 ? sep : "", (const char *) strings->pdata[i]);
    return g_string_free(out, FALSE);
}

/* net.JoinHostPort */
static char *
join_host_port(const char *host, const char *port)
{
    if (strchr(host, ':') != NULL)
        return g_strdup_printf("[%s]:%s", host, port);
    return g_strdup_printf("%s:%s", host, port);
}

static char *
int_or_string(const KnIntOrString *value)
{
    if (value->is_string)
        return g_strdup(value->name != NULL ? value->name : "");
    return g_strdup_printf("%u", value->number);
}

/*****************************************************************************/
/* Service: describeService. */

/* formatEndpointSlices for the port named 'port_name': the ready
 * endpoints' first addresses as host:port, at most three.  As in kubectl,
 * "more" is set when a fourth endpoint is looked at, ready or not, while
 * the count after " + " counts ready ones only. */
static char *
format_endpoint_slices(const GPtrArray *slices, const char *port_name)
{
    if (slices->len == 0)
        return g_strdup("<none>");

    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    const guint max = 3;
    gboolean more = FALSE;
    guint count = 0;

    for (guint i = 0; i < slices->len; i++) {
        const KnEndpointSlice *slice = slices->pdata[i];

        if (slice->ports->len == 0) {
            for (guint j = 0; j < slice->endpoints->len; j++) {
                const KnEndpoint *ep = slice->endpoints->pdata[j];

                if (list->len == max)
                    more = TRUE;
                if (!ep->ready)
                    continue;
                if (!more)
                    g_ptr_array_add(list, g_strdup(ep->addresses->len > 0 ? ep->addresses->pdata[0] : ""));
                count++;
            }
            continue;
        }
        for (guint p = 0; p < slice->ports->len; p++) {
            const KnEndpointPort *port = slice->ports->pdata[p];

            if (g_strcmp0(port->name != NULL ? port->name : "", port_name) != 0)
                continue;
            for (guint k = 0; k < slice->endpoints->len; k++) {
                const KnEndpoint *ep = slice->endpoints->pdata[k];

                if (list->len == max)
                    more = TRUE;
                if (!ep->ready)
                    continue;
                if (!more) {
                    g_autofree char *num = g_strdup_printf("%u", port->port);

                    g_ptr_array_add(list, join_host_port(ep->addresses->len > 0 ? ep->addresses->pdata[0] : "",
                                                         num));
                }
                count++;
            }
        }
    }

    g_autofree char *ret = join(list, ",");

    if (more)
        return g_strdup_printf("%s + %d more...", ret, (int) count - (int) max);
    return g_steal_pointer(&ret);
}

static void
describe_service(GString *w, const KnService *svc, KnStore *store)
{
    const KnServiceSpec *spec = &svc->spec;
    gboolean external_name = spec->type == KN_SERVICE_EXTERNAL_NAME;
    g_autoptr(GPtrArray) slices = NULL;

    /* The API server's view, as doc_service() in kubectl-print.c gives it:
     * ipFamilyPolicy, ipFamilies, clusterIP(s) and internalTrafficPolicy
     * for all but ExternalName, externalTrafficPolicy for the externally
     * accessible ones. */
    if (store != NULL)
        slices = kn_store_list_labelled(store, KN_KIND_ENDPOINT_SLICE, svc->meta.namespace,
                                        "kubernetes.io/service-name", svc->meta.name);
    else
        slices = g_ptr_array_new();

    g_autofree char *selector = kn_labels_to_string(spec->selector);

    name_namespace(w, &svc->meta);
    labels_multiline(w, "Labels", svc->meta.labels);
    annotations_multiline(w, "Annotations", svc->meta.annotations);
    wr(w, 0, "Selector:\t%s\n", selector);
    wr(w, 0, "Type:\t%s\n", kn_service_type_name(spec->type));
    if (!external_name)
        wr(w, 0, "IP Family Policy:\t%s\n", kn_ip_family_policy_name(spec->ip_family_policy));
    if (!external_name && spec->ip_families->len > 0) {
        g_autofree char *families = join(spec->ip_families, ",");

        wr(w, 0, "IP Families:\t%s\n", families);
    } else if (!external_name) {
        wr(w, 0, "IP Families:\t%s\n", "IPv4");
    } else {
        wr(w, 0, "IP Families:\t%s\n", "<none>");
    }

    const char *cluster_ip = !external_name && spec->cluster_ip != NULL ? spec->cluster_ip : "";

    wr(w, 0, "IP:\t%s\n", cluster_ip);
    if (!external_name && spec->cluster_ips->len > 0) {
        g_autofree char *ips = join(spec->cluster_ips, ",");

        wr(w, 0, "IPs:\t%s\n", ips);
    } else if (cluster_ip[0] != '\0') {
        wr(w, 0, "IPs:\t%s\n", cluster_ip);
    } else {
        wr(w, 0, "IPs:\t%s\n", "<none>");
    }
    if (spec->external_ips->len > 0) {
        g_autofree char *ips = join(spec->external_ips, ",");

        wr(w, 0, "External IPs:\t%s\n", ips);
    }
    if (spec->load_balancer_ip != NULL && spec->load_balancer_ip[0] != '\0')
        wr(w, 0, "Desired LoadBalancer IP:\t%s\n", spec->load_balancer_ip);
    if (external_name && spec->external_name != NULL && spec->external_name[0] != '\0')
        wr(w, 0, "External Name:\t%s\n", spec->external_name);
    if (svc->load_balancer_ingress->len > 0) {
        /* buildIngressString: every ingress carries ipMode VIP. */
        wr(w, 0, "LoadBalancer Ingress:\t");
        for (guint i = 0; i < svc->load_balancer_ingress->len; i++)
            g_string_append_printf(w, "%s%s (VIP)", i > 0 ? ", " : "",
                                   (const char *) svc->load_balancer_ingress->pdata[i]);
        g_string_append_c(w, '\n');
    }
    for (guint i = 0; i < spec->ports->len; i++) {
        const KnServicePort *sp = spec->ports->pdata[i];
        const char *name = sp->name != NULL && sp->name[0] != '\0' ? sp->name : "<unset>";
        const char *proto = kn_protocol_name(sp->protocol);
        g_autofree char *eps = format_endpoint_slices(slices, sp->name != NULL ? sp->name : "");

        wr(w, 0, "Port:\t%s\t%u/%s\n", name, sp->port, proto);
        if (sp->target_port.is_string)
            wr(w, 0, "TargetPort:\t%s/%s\n", sp->target_port.name, proto);
        else
            wr(w, 0, "TargetPort:\t%u/%s\n", sp->target_port.number > 0 ? sp->target_port.number : sp->port,
               proto);
        if (sp->node_port != 0)
            wr(w, 0, "NodePort:\t%s\t%u/%s\n", name, sp->node_port, proto);
        wr(w, 0, "Endpoints:\t%s\n", eps);
    }
    wr(w, 0, "Session Affinity:\t%s\n", spec->session_affinity_client_ip ? "ClientIP" : "None");
    if (kn_service_externally_accessible(svc))        /* set, if only by defaulting */
        wr(w, 0, "External Traffic Policy:\t%s\n", kn_traffic_policy_name(spec->external_traffic_policy));
    if (!external_name)
        wr(w, 0, "Internal Traffic Policy:\t%s\n", kn_traffic_policy_name(spec->internal_traffic_policy));
    if (spec->health_check_node_port != 0)
        wr(w, 0, "HealthCheck NodePort:\t%u\n", spec->health_check_node_port);
    if (spec->load_balancer_source_ranges->len > 0) {
        g_autofree char *ranges = join(spec->load_balancer_source_ranges, ",");

        wr(w, 0, "LoadBalancer Source Ranges:\t%s\n", ranges);
    }
    if (spec->traffic_distribution != NULL && spec->traffic_distribution[0] != '\0')
        wr(w, 0, "Traffic Distribution:\t%s\n", spec->traffic_distribution);
}

/*****************************************************************************/
/* EndpointSlice and Endpoints: describeEndpointSliceV1, describeEndpoints. */

static void
describe_endpoint_slice(GString *w, const KnEndpointSlice *eps)
{
    name_namespace(w, &eps->meta);
    labels_multiline(w, "Labels", eps->meta.labels);
    annotations_multiline(w, "Annotations", eps->meta.annotations);
    wr(w, 0, "AddressType:\t%s\n", kn_address_type_name(eps->address_type));
    if (eps->ports->len == 0) {
        wr(w, 0, "Ports: <unset>\n");
    } else {
        wr(w, 0, "Ports:\n");
        wr(w, 1, "Name\tPort\tProtocol\n");
        wr(w, 1, "----\t----\t--------\n");
        for (guint i = 0; i < eps->ports->len; i++) {
            const KnEndpointPort *port = eps->ports->pdata[i];
            g_autofree char *num = port->port > 0 ? g_strdup_printf("%u", port->port) : g_strdup("<unset>");

            wr(w, 1, "%s\t%s\t%s\n", port->name != NULL && port->name[0] != '\0' ? port->name : "<unset>",
               num, kn_protocol_name(port->protocol));
        }
    }
    if (eps->endpoints->len == 0) {
        wr(w, 0, "Endpoints: <none>\n");
    } else {
        wr(w, 0, "Endpoints:\n");
        for (guint i = 0; i < eps->endpoints->len; i++) {
            const KnEndpoint *ep = eps->endpoints->pdata[i];
            g_autofree char *addresses = join(ep->addresses, ", ");

            wr(w, 1, "- Addresses:\t%s\n", addresses[0] != '\0' ? addresses : "<none>");
            wr(w, 2, "Conditions:\n");
            wr(w, 3, "Ready:\t%s\n", bool_go(ep->ready));
            wr(w, 2, "Hostname:\t%s\n", ep->hostname != NULL ? ep->hostname : "<unset>");
            if (ep->target_pod != NULL)
                wr(w, 2, "TargetRef:\tPod/%s\n", ep->target_pod);
            wr(w, 2, "NodeName:\t%s\n", ep->node_name != NULL ? ep->node_name : "<unset>");
            wr(w, 2, "Zone:\t%s\n", ep->zone != NULL ? ep->zone : "<unset>");
        }
    }
}

static char *
join_address_ips(const GPtrArray *addresses)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < addresses->len; i++)
        g_string_append_printf(out, "%s%s", i > 0 ? "," : "",
                               ((const KnEndpointAddress *) addresses->pdata[i])->ip);
    if (out->len == 0)
        g_string_append(out, "<none>");
    return g_string_free(out, FALSE);
}

static void
describe_endpoints(GString *w, const KnEndpoints *ep)
{
    name_namespace(w, &ep->meta);
    labels_multiline(w, "Labels", ep->meta.labels);
    annotations_multiline(w, "Annotations", ep->meta.annotations);
    wr(w, 0, "Subsets:\n");
    for (guint i = 0; i < ep->subsets->len; i++) {
        const KnEndpointSubset *subset = ep->subsets->pdata[i];
        g_autofree char *ready = join_address_ips(subset->addresses);
        g_autofree char *not_ready = join_address_ips(subset->not_ready_addresses);

        wr(w, 1, "Addresses:\t%s\n", ready);
        wr(w, 1, "NotReadyAddresses:\t%s\n", not_ready);
        if (subset->ports->len > 0) {
            wr(w, 1, "Ports:\n");
            wr(w, 2, "Name\tPort\tProtocol\n");
            wr(w, 2, "----\t----\t--------\n");
            for (guint j = 0; j < subset->ports->len; j++) {
                const KnEndpointPort *port = subset->ports->pdata[j];

                wr(w, 2, "%s\t%u\t%s\n", port->name != NULL && port->name[0] != '\0' ? port->name : "<unset>",
                   port->port, kn_protocol_name(port->protocol));
            }
        }
        wr(w, 0, "\n");
    }
}

/*****************************************************************************/
/* Containers and pod templates: describeContainers, DescribePodTemplate. */

/* url.URL.EscapedPath for a path set alone: Go's escape in encodePath
 * mode keeps letters, digits, "-_.~" and "$&+,/:;=@", and writes every
 * other byte (a "?" included) as %XX in upper case. */
static char *
escape_path(const char *path)
{
    if (strcmp(path, "*") == 0)
        return g_strdup(path);

    GString *out = g_string_new(NULL);

    for (const char *p = path; *p != '\0'; p++) {
        guchar c = (guchar) *p;

        if (g_ascii_isalnum(c) || strchr("-_.~$&+,/:;=@", c) != NULL)
            g_string_append_c(out, (char) c);
        else
            g_string_append_printf(out, "%%%02X", c);
    }
    return g_string_free(out, FALSE);
}

/* DescribeProbe */
static char *
describe_probe(const KnProbe *probe)
{
    g_autofree char *attrs = g_strdup_printf("delay=%us timeout=%us period=%us #success=%u #failure=%u",
                                             probe->initial_delay_s, probe->timeout_s, probe->period_s,
                                             probe->success_threshold, probe->failure_threshold);
    g_autofree char *port = int_or_string(&probe->port);

    switch (probe->kind) {
    case KN_PROBE_EXEC: {
        g_autofree char *command = join(probe->command, " ");

        return g_strdup_printf("exec [%s] %s", command, attrs);
    }
    case KN_PROBE_HTTP_GET: {
        /* url.URL{Scheme: "http", Host: JoinHostPort("", port), Path}.String(),
         * the path defaulted to "/" by the API server (SetDefaults_HTTPGetAction)
         * when empty. */
        g_autofree char *host = join_host_port("", port);
        g_autofree char *path = escape_path(probe->path != NULL && probe->path[0] != '\0' ? probe->path : "/");

        return g_strdup_printf("http-get http://%s%s%s %s", host, path[0] != '/' ? "/" : "", path, attrs);
    }
    case KN_PROBE_TCP_SOCKET:
        return g_strdup_printf("tcp-socket :%s %s", port, attrs);
    case KN_PROBE_NONE:
        break;
    }
    return g_strdup_printf("unknown %s", attrs);
}

/* describeResources: limits, then requests, each sorted by name, in
 * Quantity's canonical form ("0.5" is "500m"). */
static void
describe_resources(GString *w, const KnLabels *limits, const KnLabels *requests, int level)
{
    for (guint k = 0; k < 2; k++) {
        const KnLabels *list = k == 0 ? limits : requests;

        if (kn_labels_size(list) > 0)
            wr(w, level, "%s:\n", k == 0 ? "Limits" : "Requests");
        for (guint i = 0; i < kn_labels_size(list); i++) {
            g_autofree char *quantity = kn_quantity_string(kn_labels_value(list, i));

            wr(w, level + 1, "%s:\t%s\n", kn_labels_key(list, i), quantity);
        }
    }
}

/* describeStatus of a terminated state: 'label' is "State" or "Last
 * State". */
static void
describe_terminated(GString *w, const char *label, const KnContainerTermination *t)
{
    g_autofree char *started = kn_kubectl_describe_rfc1123z(t->started_at);
    g_autofree char *finished = kn_kubectl_describe_rfc1123z(t->finished_at);

    wr(w, 2, "%s:\tTerminated\n", label);
    wr(w, 3, "Reason:\t%s\n", kn_kubectl_print_termination_reason(t));
    wr(w, 3, "Exit Code:\t%d\n", t->exit_code);
    wr(w, 3, "Started:\t%s\n", started);
    wr(w, 3, "Finished:\t%s\n", finished);
}

/* The container statuses of 'pod', as doc_pod() has them: one per
 * container once the pod is scheduled. */
static void
describe_containers(GString *w, const char *label, const KnPodSpec *spec, const KnPod *pod,
                    const char *space)
{
    gboolean ok = pod != NULL && pod->spec.node_name != NULL;
    const char *name_indent = space[0] != '\0' ? " " : "";

    wr(w, 0, "%s%s:%s\n", space, label, spec->containers->len == 0 ? " <none>" : "");
    for (guint i = 0; i < spec->containers->len; i++) {
        const KnContainer *c = spec->containers->pdata[i];
        GString *ports = g_string_new(NULL), *host_ports = g_string_new(NULL);

        /* describeContainerBasicInfo */
        wr(w, 1, "%s%s:\n", name_indent, c->name);
        if (ok)
            wr(w, 2, "Container ID:\t%s\n", "");
        wr(w, 2, "Image:\t%s\n", c->image != NULL ? c->image : "");
        if (ok)
            wr(w, 2, "Image ID:\t%s\n", "");
        for (guint j = 0; j < c->ports->len; j++) {
            const KnContainerPort *p = c->ports->pdata[j];

            g_string_append_printf(ports, "%s%u/%s", j > 0 ? ", " : "", p->container_port,
                                   kn_protocol_name(p->protocol));
            g_string_append_printf(host_ports, "%s0/%s", j > 0 ? ", " : "", kn_protocol_name(p->protocol));
            /* describeContainerPorts and describeContainerHostPorts both
             * name the port after it: a named targetPort points at it. */
            if (p->name != NULL && p->name[0] != '\0') {
                g_string_append_printf(ports, " (%s)", p->name);
                g_string_append_printf(host_ports, " (%s)", p->name);
            }
        }
        if (strchr(ports->str, ',') != NULL)
            wr(w, 2, "Ports:\t%s\n", ports->str);
        else
            wr(w, 2, "Port:\t%s\n", ports->len > 0 ? ports->str : "<none>");
        if (strchr(host_ports->str, ',') != NULL)
            wr(w, 2, "Host Ports:\t%s\n", host_ports->str);
        else
            wr(w, 2, "Host Port:\t%s\n", host_ports->len > 0 ? host_ports->str : "<none>");
        g_string_free(ports, TRUE);
        g_string_free(host_ports, TRUE);

        /* describeContainerCommand: each element split at newlines. */
        for (guint part = 0; part < 2; part++) {
            guint from = part == 0 ? 0 : c->n_command, to = part == 0 ? c->n_command : c->command->len;

            if (from >= to)
                continue;
            wr(w, 2, "%s:\n", part == 0 ? "Command" : "Args");
            for (guint j = from; j < to; j++) {
                g_auto(GStrv) lines = g_strsplit(c->command->pdata[j], "\n", -1);

                for (guint k = 0; lines[k] != NULL; k++)
                    wr(w, 3, "%s\n", lines[k]);
            }
        }

        /* describeContainerState: the kubelet's containerStatuses. */
        if (ok) {
            /* The pod's state, until a process of one of its containers ends. */
            const KnContainerRun *run = pod->runs != NULL ? &pod->runs[i] : NULL;
            gboolean running = run != NULL ? run->state == KN_CONTAINER_RUNNING : pod->started;

            if (running) {
                g_autofree char *started = kn_kubectl_describe_rfc1123z(run != NULL ? run->running_since
                                                                                    : pod->start_time);

                wr(w, 2, "State:\tRunning\n");
                wr(w, 3, "Started:\t%s\n", started);
            } else if (run != NULL && run->state == KN_CONTAINER_TERMINATED) {
                describe_terminated(w, "State", &run->ended);
            } else {
                wr(w, 2, "State:\tWaiting\n");
                wr(w, 3, "Reason:\t%s\n", run != NULL ? "CrashLoopBackOff" : "ContainerCreating");
            }
            if (run != NULL && kn_container_run_last_state(run) != NULL)
                describe_terminated(w, "Last State", kn_container_run_last_state(run));
            wr(w, 2, "Ready:\t%s\n", bool_title(running && (pod->ready || pod->ready_stale)));
            wr(w, 2, "Restart Count:\t%u\n", run != NULL ? run->restarts : pod->restarts);
        }

        /* A pod's as the API server stores it, a template's as written. */
        g_autoptr(KnLabels) requests = pod != NULL ? kn_container_requests(c) : kn_labels_copy(c->requests);

        describe_resources(w, c->limits, requests, 2);
        if (c->readiness.kind != KN_PROBE_NONE) {
            g_autofree char *probe = describe_probe(&c->readiness);

            wr(w, 2, "Readiness:\t%s\n", probe);
        }
        wr(w, 2, "Environment:\t<none>\n");
        /* describeContainerVolumes: a pod's containers mount its
         * kube-api-access volume; "Mounts:" without a tab then ends the
         * column block. */
        if (pod != NULL) {
            g_autofree char *api_access = kn_kubectl_print_api_access_volume(pod);

            wr(w, 2, "Mounts:\n");
            wr(w, 3, "%s from %s (ro)\n", KN_KUBECTL_PRINT_API_ACCESS_PATH, api_access);
        } else {
            wr(w, 2, "Mounts:\t<none>\n");
        }
    }
}

/* printTolerationsMultilineWithIndent, sorted by key (a stable sort, as
 * Go's insertion sort is for short lists). */
typedef struct {
    const char *key, *value, *effect;
    gboolean exists, has_seconds;
    guint seconds;
} Toleration;

static gint
compare_toleration_keys(gconstpointer a, gconstpointer b)
{
    const Toleration *x = a, *y = b;

    return strcmp(x->key != NULL ? x->key : "", y->key != NULL ? y->key : "");
}

static void
tolerations_multiline(GString *w, const char *title, const KnPodSpec *spec, gboolean in_pod)
{
    g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(Toleration));

    for (guint i = 0; i < spec->tolerations->len; i++) {
        const KnToleration *t = spec->tolerations->pdata[i];
        Toleration v = { t->key, t->value, t->effect, t->exists, t->has_seconds, t->seconds };

        g_array_append_val(list, v);
    }
    /* DefaultTolerationSeconds admission, as doc_pod_spec() adds them. */
    if (in_pod && !kn_kubectl_print_has_toleration(spec, "node.kubernetes.io/not-ready")) {
        Toleration v = { "node.kubernetes.io/not-ready", NULL, "NoExecute", TRUE, TRUE, 300 };

        g_array_append_val(list, v);
    }
    if (in_pod && !kn_kubectl_print_has_toleration(spec, "node.kubernetes.io/unreachable")) {
        Toleration v = { "node.kubernetes.io/unreachable", NULL, "NoExecute", TRUE, TRUE, 300 };

        g_array_append_val(list, v);
    }

    wr(w, 0, "%s:\t", title);
    if (list->len == 0) {
        g_string_append(w, "<none>\n");
        return;
    }
    g_array_sort(list, compare_toleration_keys);
    for (guint i = 0; i < list->len; i++) {
        const Toleration *t = &g_array_index(list, Toleration, i);
        gboolean has_key = t->key != NULL && t->key[0] != '\0';
        gboolean has_value = t->value != NULL && t->value[0] != '\0';
        gboolean has_effect = t->effect != NULL && t->effect[0] != '\0';

        if (i != 0)
            g_string_append(w, "\t");
        g_string_append(w, has_key ? t->key : "");
        if (has_value)
            g_string_append_printf(w, "=%s", t->value);
        if (has_effect)
            g_string_append_printf(w, ":%s", t->effect);
        if (t->exists && !has_value)
            g_string_append(w, has_key || has_effect ? " op=Exists" : "op=Exists");
        if (t->has_seconds)
            g_string_append_printf(w, " for %us", t->seconds);
        g_string_append_c(w, '\n');
    }
}

/* DescribePodTemplate */
static void
describe_pod_template(GString *w, const KnPodTemplate *template)
{
    wr(w, 0, "Pod Template:\n");
    labels_multiline(w, "  Labels", template->labels);
    if (kn_labels_size(template->annotations) > 0)
        annotations_multiline(w, "  Annotations", template->annotations);
    describe_containers(w, "Containers", &template->spec, NULL, "  ");
    wr(w, 0, "  Volumes:\t<none>\n");
    labels_multiline(w, "  Node-Selectors", template->spec.node_selector);
    tolerations_multiline(w, "  Tolerations", &template->spec, FALSE);
}

/*****************************************************************************/
/* Pod: describePod. */

static void
describe_pod(GString *w, const KnPod *pod, KnTime now)
{
    gboolean scheduled = pod->spec.node_name != NULL;
    gboolean terminal = pod->phase == KN_POD_SUCCEEDED || pod->phase == KN_POD_FAILED;

    name_namespace(w, &pod->meta);
    wr(w, 0, "Priority:\t%d\n", 0);
    wr(w, 0, "Service Account:\t%s\n", "default");
    if (!scheduled)
        wr(w, 0, "Node:\t<none>\n");
    else
        wr(w, 0, "Node:\t%s/%s\n", pod->spec.node_name, pod->host_ip != NULL ? pod->host_ip : "");
    if (scheduled) {
        /* status.startTime, as doc_pod() sets it. */
        g_autofree char *start = kn_kubectl_describe_rfc1123z(pod->meta.creation_time);

        wr(w, 0, "Start Time:\t%s\n", start);
    }
    labels_multiline(w, "Labels", pod->meta.labels);
    annotations_multiline(w, "Annotations", pod->meta.annotations);
    if (pod->meta.deleting && !terminal) {
        g_autofree char *lasts = since(pod->meta.deletion_time, now);

        wr(w, 0, "Status:\tTerminating (lasts %s)\n", lasts);
        wr(w, 0, "Termination Grace Period:\t%us\n", pod->spec.termination_grace_s);
    } else {
        wr(w, 0, "Status:\t%s\n", kn_pod_phase_name(pod->phase));
    }
    wr(w, 0, "IP:\t%s\n", pod->pod_ip != NULL ? pod->pod_ip : "");
    if (pod->pod_ip == NULL) {
        wr(w, 0, "IPs:\t<none>\n");
    } else {
        wr(w, 0, "IPs:\n");
        wr(w, 1, "IP:\t%s\n", pod->pod_ip);
    }
    if (pod->meta.owner.name != NULL)
        wr(w, 0, "Controlled By:\t%s/%s\n", kn_kind_name(pod->meta.owner.kind), pod->meta.owner.name);
    describe_containers(w, "Containers", &pod->spec, pod, "");
    /* The conditions of doc_pod(), in the kubelet's order. */
    wr(w, 0, "Conditions:\n  Type\tStatus\n");
    if (scheduled) {
        wr(w, 1, "%s \t%s \n", "PodReadyToStartContainers", bool_title(pod->started));
        wr(w, 1, "%s \t%s \n", "Initialized", "True");
        wr(w, 1, "%s \t%s \n", "Ready", bool_title(pod->ready));
        wr(w, 1, "%s \t%s \n", "ContainersReady", bool_title(pod->ready));
    }
    wr(w, 1, "%s \t%s \n", "PodScheduled", bool_title(scheduled));

    /* describeVolumes with the ServiceAccount admission plugin's projected
     * volume (printProjectedVolumeSource, one line per source). */
    g_autofree char *api_access = kn_kubectl_print_api_access_volume(pod);

    wr(w, 0, "Volumes:\n");
    wr(w, 1, "%s:\n", api_access);
    wr(w, 2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
    wr(w, 2, "TokenExpirationSeconds:\t%d\n", 3607);
    wr(w, 2, "ConfigMapName:\t%s\n", "kube-root-ca.crt");
    wr(w, 2, "Optional:\t%s\n", "false");
    wr(w, 2, "DownwardAPI:\ttrue\n");
    wr(w, 0, "QoS Class:\t%s\n", kn_kubectl_print_qos_class(&pod->spec));
    labels_multiline(w, "Node-Selectors", pod->spec.node_selector);
    tolerations_multiline(w, "Tolerations", &pod->spec, TRUE);
}

/*****************************************************************************/
/* Deployment: describeDeployment. */

static char *
int_or_string_text(const KnIntOrString *value)
{
    return int_or_string(value);
}

/* printReplicaSetsByLabels */
static char *
replica_sets_text(const GPtrArray *sets)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < sets->len; i++) {
        const KnReplicaSet *rs = sets->pdata[i];

        g_string_append_printf(out, "%s%s (%u/%u replicas created)", i > 0 ? ", " : "", rs->meta.name,
                               rs->status_replicas, rs->replicas);
    }
    if (out->len == 0)
        g_string_append(out, "<none>");
    return g_string_free(out, FALSE);
}

static void
describe_deployment(GString *w, const KnDeployment *d, KnStore *store)
{
    g_autofree char *created = kn_kubectl_describe_rfc1123z(d->meta.creation_time);
    g_autofree char *selector = kn_labels_size(d->selector) > 0 ? kn_labels_to_string(d->selector)
                                                                : g_strdup("");
    g_autofree char *max_unavailable = int_or_string_text(&d->max_unavailable);
    g_autofree char *max_surge = int_or_string_text(&d->max_surge);
    guint unavailable = d->status_replicas > d->available_replicas
                        ? d->status_replicas - d->available_replicas : 0;

    name_namespace(w, &d->meta);
    wr(w, 0, "CreationTimestamp:\t%s\n", created);
    labels_multiline(w, "Labels", d->meta.labels);
    annotations_multiline(w, "Annotations", d->meta.annotations);
    wr(w, 0, "Selector:\t%s\n", selector);
    wr(w, 0, "Replicas:\t%u desired | %u updated | %u total | %u available | %u unavailable\n",
       d->replicas, d->updated_replicas, d->status_replicas, d->available_replicas, unavailable);
    wr(w, 0, "StrategyType:\t%s\n", d->recreate ? "Recreate" : "RollingUpdate");
    wr(w, 0, "MinReadySeconds:\t%u\n", d->min_ready_s);
    if (!d->recreate)
        wr(w, 0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", max_unavailable, max_surge);
    describe_pod_template(w, &d->template);
    if (d->conditions->len > 0) {
        wr(w, 0, "Conditions:\n  Type\tStatus\tReason\n");
        wr(w, 1, "----\t------\t------\n");
        for (guint i = 0; i < d->conditions->len; i++) {
            const KnDeploymentCondition *c = d->conditions->pdata[i];

            wr(w, 1, "%s \t%s\t%s\n", c->type, c->status ? "True" : "False", c->reason);
        }
    }

    /* GetAllReplicaSets: the owned ReplicaSet named after the current
     * template's hash is the new one, every other owned one is old. */
    if (store != NULL && d->meta.uid != NULL) {
        g_autoptr(GPtrArray) owned = kn_store_list_owned(store, KN_KIND_REPLICA_SET, d->meta.uid);
        g_autoptr(GPtrArray) old_sets = g_ptr_array_new();
        g_autoptr(GPtrArray) new_sets = g_ptr_array_new();
        g_autofree char *hash = kn_workloads_template_hash(&d->template, kn_sim_seed(kn_store_sim(store)));
        g_autofree char *new_name = g_strdup_printf("%s-%s", d->meta.name, hash);

        for (guint i = 0; i < owned->len; i++) {
            KnReplicaSet *rs = owned->pdata[i];

            g_ptr_array_add(strcmp(rs->meta.name, new_name) == 0 ? new_sets : old_sets, rs);
        }
        if (owned->len > 0) {
            g_autofree char *old_text = replica_sets_text(old_sets);
            g_autofree char *new_text = replica_sets_text(new_sets);

            wr(w, 0, "OldReplicaSets:\t%s\n", old_text);
            wr(w, 0, "NewReplicaSet:\t%s\n", new_text);
        }
    }
}

/*****************************************************************************/
/* ReplicaSet: describeReplicaSet. */

/* getPodStatusForController: the pods 'owner' controls, by phase (kubectl
 * lists by selector, then keeps those whose controller is the owner), as
 * the "Pods Status:" line shows them. */
static char *
pods_status(KnStore *store, const KnObjectMeta *owner)
{
    guint phases[KN_POD_FAILED + 1] = { 0 };

    if (store != NULL && owner->uid != NULL) {
        g_autoptr(GPtrArray) pods = kn_store_list_owned(store, KN_KIND_POD, owner->uid);

        for (guint i = 0; i < pods->len; i++) {
            const KnPod *pod = pods->pdata[i];

            if (pod->phase <= KN_POD_FAILED)
                phases[pod->phase]++;
        }
    }
    return g_strdup_printf("%u Running / %u Waiting / %u Succeeded / %u Failed", phases[KN_POD_RUNNING],
                           phases[KN_POD_PENDING], phases[KN_POD_SUCCEEDED], phases[KN_POD_FAILED]);
}

static void
describe_replica_set(GString *w, const KnReplicaSet *rs, KnStore *store)
{
    g_autofree char *selector = kn_labels_to_string(rs->selector);
    g_autofree char *status = pods_status(store, &rs->meta);

    name_namespace(w, &rs->meta);
    wr(w, 0, "Selector:\t%s\n", selector);
    labels_multiline(w, "Labels", rs->meta.labels);
    annotations_multiline(w, "Annotations", rs->meta.annotations);
    if (rs->meta.owner.name != NULL)
        wr(w, 0, "Controlled By:\t%s/%s\n", kn_kind_name(rs->meta.owner.kind), rs->meta.owner.name);
    wr(w, 0, "Replicas:\t%u current / %u desired\n", rs->status_replicas, rs->replicas);
    wr(w, 0, "Pods Status:\t");
    wr(w, 0, "%s\n", status);
    describe_pod_template(w, &rs->template);
}

/*****************************************************************************/
/* StatefulSet and DaemonSet: describeStatefulSet, describeDaemonSet. */

static void
describe_stateful_set(GString *w, const KnStatefulSet *set, KnStore *store)
{
    g_autofree char *created = kn_kubectl_describe_rfc1123z(set->meta.creation_time);
    g_autofree char *selector = kn_labels_to_string(set->selector);
    g_autofree char *status = pods_status(store, &set->meta);

    name_namespace(w, &set->meta);
    wr(w, 0, "CreationTimestamp:\t%s\n", created);
    wr(w, 0, "Selector:\t%s\n", selector);
    labels_multiline(w, "Labels", set->meta.labels);
    annotations_multiline(w, "Annotations", set->meta.annotations);
    wr(w, 0, "Replicas:\t%u desired | %u total\n", set->replicas, set->current_replicas);
    /* The API server's defaults: RollingUpdate with partition 0 (and no
     * maxUnavailable, an alpha feature in v1.31). */
    wr(w, 0, "Update Strategy:\t%s\n", "RollingUpdate");
    wr(w, 1, "Partition:\t%d\n", 0);
    wr(w, 0, "Pods Status:\t%s\n", status);
    describe_pod_template(w, &set->template);
    /* describeVolumeClaimTemplates: knetsim has no volumes. */
    wr(w, 0, "Volume Claims:\t<none>\n");
}

static void
describe_daemon_set(GString *w, const KnDaemonSet *set, KnStore *store)
{
    g_autofree char *selector = kn_labels_to_string(set->selector);
    g_autofree char *node_selector = kn_labels_to_string(set->template.spec.node_selector);
    g_autofree char *status = pods_status(store, &set->meta);
    g_autoptr(KnLabels) annotations = kn_kubectl_print_annotations(KN_KIND_DAEMON_SET, &set->meta);

    name_namespace(w, &set->meta);
    wr(w, 0, "Selector:\t%s\n", selector);
    wr(w, 0, "Node-Selector:\t%s\n", node_selector);
    labels_multiline(w, "Labels", set->meta.labels);
    annotations_multiline(w, "Annotations", annotations);
    /* The status doc_daemon_set() gives: every current pod up to date,
     * every ready one available, none misscheduled. */
    wr(w, 0, "Desired Number of Nodes Scheduled: %u\n", set->desired);
    wr(w, 0, "Current Number of Nodes Scheduled: %u\n", set->current);
    wr(w, 0, "Number of Nodes Scheduled with Up-to-date Pods: %u\n", set->current);
    wr(w, 0, "Number of Nodes Scheduled with Available Pods: %u\n", set->ready);
    wr(w, 0, "Number of Nodes Misscheduled: %u\n", 0);
    wr(w, 0, "Pods Status:\t%s\n", status);
    describe_pod_template(w, &set->template);
}

/*****************************************************************************/
/* Namespace and ConfigMap: describeNamespace, ConfigMapDescriber. */

static void
describe_namespace(GString *w, const KnNamespace *ns)
{
    wr(w, 0, "Name:\t%s\n", ns->meta.name);
    labels_multiline(w, "Labels", ns->meta.labels);
    annotations_multiline(w, "Annotations", ns->meta.annotations);
    wr(w, 0, "Status:\t%s\n", ns->terminating ? "Terminating" : "Active");
    /* DescribeResourceQuotas and DescribeLimitRanges with the empty lists
     * the API server gives: knetsim has neither kind.  No events either:
     * describeNamespace prints none. */
    wr(w, 0, "\n");
    wr(w, 0, "No resource quota.\n");
    wr(w, 0, "\n");
    wr(w, 0, "No LimitRange resource.\n");
}

static void
describe_config_map(GString *w, const KnConfigMap *cm)
{
    name_namespace(w, &cm->meta);
    labels_multiline(w, "Labels", cm->meta.labels);
    annotations_multiline(w, "Annotations", cm->meta.annotations);
    /* kubectl ranges over the Data map, in Go's random order; knetsim
     * keeps the keys sorted, as -o yaml prints them. */
    wr(w, 0, "\nData\n====\n");
    for (guint i = 0; i < kn_labels_size(cm->data); i++) {
        wr(w, 0, "%s:\n----\n", kn_labels_key(cm->data, i));
        wr(w, 0, "%s\n", kn_labels_value(cm->data, i));
        wr(w, 0, "\n");
    }
    /* knetsim keeps no binaryData. */
    wr(w, 0, "\nBinaryData\n====\n");
    wr(w, 0, "\n");
}

/*****************************************************************************/
/* Node: describeNode. */

/* Taint.ToString */
static char *
taint_string(const KnTaint *t)
{
    gboolean has_value = t->value != NULL && t->value[0] != '\0';
    gboolean has_effect = t->effect != NULL && t->effect[0] != '\0';

    if (!has_effect)
        return has_value ? g_strdup_printf("%s=%s", t->key, t->value) : g_strdup(t->key);
    if (!has_value)
        return g_strdup_printf("%s:%s", t->key, t->effect);
    return g_strdup_printf("%s=%s:%s", t->key, t->value, t->effect);
}

static gint
compare_taints(gconstpointer a, gconstpointer b)
{
    const KnTaint *x = *(const KnTaint *const *) a, *y = *(const KnTaint *const *) b;
    g_autofree char *kx = g_strdup_printf("%s,%s", x->effect != NULL ? x->effect : "", x->key);
    g_autofree char *ky = g_strdup_printf("%s,%s", y->effect != NULL ? y->effect : "", y->key);

    return strcmp(kx, ky);
}

static void
describe_node(GString *w, const KnNode *node, KnTime now)
{
    g_autofree char *roles = kn_kubectl_print_node_roles(node);
    g_autofree char *created = kn_kubectl_describe_rfc1123z(node->meta.creation_time);
    g_autofree char *transition = kn_kubectl_describe_rfc1123z(node->ready_time);

    wr(w, 0, "Name:\t%s\n", node->meta.name);
    wr(w, 0, "Roles:\t%s\n", roles);
    labels_multiline(w, "Labels", node->meta.labels);
    annotations_multiline(w, "Annotations", node->meta.annotations);
    wr(w, 0, "CreationTimestamp:\t%s\n", created);

    wr(w, 0, "Taints:\t");
    if (node->taints->len == 0) {
        g_string_append(w, "<none>\n");
    } else {
        g_autoptr(GPtrArray) taints = g_ptr_array_new();

        for (guint i = 0; i < node->taints->len; i++)
            g_ptr_array_add(taints, node->taints->pdata[i]);
        g_ptr_array_sort(taints, compare_taints);
        for (guint i = 0; i < taints->len; i++) {
            g_autofree char *text = taint_string(taints->pdata[i]);

            if (i != 0)
                g_string_append(w, "\t");
            wr(w, 0, "%s\n", text);
        }
    }
    wr(w, 0, "Unschedulable:\t%s\n", bool_go(node->unschedulable));

    /* describeNodeLease: the kubelet renews every 10 s while it runs; the
     * node lifecycle controller gave up 40 s after the last renewal. */
    {
        KnTime start = node->meta.creation_time / KN_SEC * KN_SEC;
        KnTime until = node->ready ? now : (node->ready_time > 40 * KN_SEC ? node->ready_time - 40 * KN_SEC : 0);
        KnTime renew = until > start ? start + (until - start) / (10 * KN_SEC) * (10 * KN_SEC) : start;
        g_autofree char *renew_text = kn_kubectl_describe_rfc1123z(renew);

        wr(w, 0, "Lease:\n");
        wr(w, 1, "HolderIdentity:\t%s\n", node->meta.name);
        wr(w, 1, "AcquireTime:\t%s\n", "<unset>");
        wr(w, 1, "RenewTime:\t%s\n", renew_text);
    }

    wr(w, 0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    wr(w, 1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    if (node->ready)
        wr(w, 1, "%s \t%s \t%s \t%s \t%s \t%s\n", "Ready", "True", transition, transition, "KubeletReady",
           "kubelet is posting ready status");
    else
        wr(w, 1, "%s \t%s \t%s \t%s \t%s \t%s\n", "Ready", "Unknown", transition, transition,
           "NodeStatusUnknown", "Kubelet stopped posting node status.");

    wr(w, 0, "Addresses:\n");
    if (node->internal_ip != NULL)
        wr(w, 1, "%s:\t%s\n", "InternalIP", node->internal_ip);
    wr(w, 1, "%s:\t%s\n", "Hostname", node->meta.name);
    for (guint i = 0; i < 2; i++) {
        wr(w, 0, "%s:\n", i == 0 ? "Capacity" : "Allocatable");
        if (node->cpu > 0)
            wr(w, 0, "  %s:\t%u\n", "cpu", node->cpu);
        wr(w, 0, "  %s:\t%u\n", "pods", node->max_pods);
    }
    wr(w, 0, "System Info:\n");
    wr(w, 0, "  Machine ID:\t%s\n", "");
    wr(w, 0, "  System UUID:\t%s\n", "");
    wr(w, 0, "  Boot ID:\t%s\n", "");
    wr(w, 0, "  Kernel Version:\t%s\n", NODE_KERNEL_VERSION);
    wr(w, 0, "  OS Image:\t%s\n", NODE_OS_IMAGE);
    wr(w, 0, "  Operating System:\t%s\n", "linux");
    wr(w, 0, "  Architecture:\t%s\n", "amd64");
    wr(w, 0, "  Container Runtime Version:\t%s\n", NODE_CONTAINER_RUNTIME);
    wr(w, 0, "  Kubelet Version:\t%s\n", KN_KUBERNETES_VERSION);
    wr(w, 0, "  Kube-Proxy Version:\t%s\n", KN_KUBERNETES_VERSION);
    if (node->pod_cidr != NULL && node->pod_cidr[0] != '\0') {
        wr(w, 0, "PodCIDR:\t%s\n", node->pod_cidr);
        wr(w, 0, "PodCIDRs:\t%s\n", node->pod_cidr);
    }
}

/*****************************************************************************/
/* Entry point. */

gboolean
kn_kubectl_describe(KnKind kind, const GPtrArray *objects, KnStore *store, KnTime now,
                    GString *out, GString *err)
{
    g_return_val_if_fail(kind < KN_N_KINDS && objects != NULL, FALSE);
    g_return_val_if_fail(out != NULL && err != NULL, FALSE);

    switch (kind) {
    case KN_KIND_SERVICE:
    case KN_KIND_ENDPOINT_SLICE:
    case KN_KIND_ENDPOINTS:
    case KN_KIND_POD:
    case KN_KIND_DEPLOYMENT:
    case KN_KIND_REPLICA_SET:
    case KN_KIND_STATEFUL_SET:
    case KN_KIND_DAEMON_SET:
    case KN_KIND_NODE:
    case KN_KIND_NAMESPACE:
    case KN_KIND_CONFIG_MAP:
        break;
    default: {
        /* Describer(): GroupVersionKind.String() is "group/version, Kind=K",
         * with an empty group for core kinds. */
        const char *version = kn_kind_api_version(kind);

        g_string_append_printf(err, "error: no description has been implemented for %s%s, Kind=%s\n",
                               strchr(version, '/') != NULL ? "" : "/", version, kn_kind_name(kind));
        return FALSE;
    }
    }

    for (guint i = 0; i < objects->len; i++) {
        g_autoptr(GString) text = g_string_new(NULL);
        gconstpointer object = objects->pdata[i];

        switch (kind) {
        case KN_KIND_SERVICE:
            describe_service(text, object, store);
            break;
        case KN_KIND_ENDPOINT_SLICE:
            describe_endpoint_slice(text, object);
            break;
        case KN_KIND_ENDPOINTS:
            describe_endpoints(text, object);
            break;
        case KN_KIND_POD:
            describe_pod(text, object, now);
            break;
        case KN_KIND_DEPLOYMENT:
            describe_deployment(text, object, store);
            break;
        case KN_KIND_REPLICA_SET:
            describe_replica_set(text, object, store);
            break;
        case KN_KIND_STATEFUL_SET:
            describe_stateful_set(text, object, store);
            break;
        case KN_KIND_DAEMON_SET:
            describe_daemon_set(text, object, store);
            break;
        case KN_KIND_NODE:
            describe_node(text, object, now);
            break;
        case KN_KIND_NAMESPACE:
            describe_namespace(text, object);
            break;
        case KN_KIND_CONFIG_MAP:
            describe_config_map(text, object);
            break;
        default:
            g_assert_not_reached();
        }
        if (kind != KN_KIND_NAMESPACE)   /* describeNamespace lists none */
            describe_events(text, store, kind, kn_object_meta((gpointer) object), now);
        if (i > 0)
            g_string_append(out, "\n\n");
        tabwrite(out, text->str);
    }
    return TRUE;
}
