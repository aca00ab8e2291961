/* topology.c -- see topology.h.
 *
 * DOC: What the picture shows, and where each part comes from:
 * - Zones (label topology.kubernetes.io/zone) as clusters `cluster_zone_Z`,
 *   holding their nodes as clusters `cluster_node_N`.  A node without a zone
 *   sits in the graph itself.  In each node cluster, a "tab" shape carries
 *   what `kubectl get node -o wide` shows: InternalIP, spec.podCIDR, roles
 *   (node-role.kubernetes.io/<role> labels, kubectl's findNodeRoles) and the
 *   Ready condition.
 * - Pods inside their node (spec.nodeName), with the pod IP and a state that
 *   picks the style: Ready, NotReady, Pending, Terminating (a deletion
 *   timestamp, as kubectl's STATUS column shows it), Completed or Failed.
 *   Pods not scheduled yet sit in a cluster of their own.
 * - Services as 3-D boxes with their type, ClusterIP and ports in kubectl's
 *   PORT(S) form ("80:32737/TCP"); a headless Service (clusterIP None) is
 *   dashed and white; an ExternalName Service is a note pointing at its
 *   external name.  kube-system/kube-dns, the cluster DNS that every pod's
 *   resolv.conf names, is outlined in gold.
 * - An edge from each Service to every endpoint of the EndpointSlices
 *   labelled kubernetes.io/service-name=<service> (discovery/v1): solid when
 *   ready, dashed when not ready (grey unless still serving), dotted when
 *   terminating; the label is the slice's target port(s).  Ready is what
 *   kube-proxy and CoreDNS use; serving-and-terminating is kube-proxy's
 *   fallback (../shared/reference/k8s-networking-facts.md section 4.4).
 * - What comes from outside in a cluster of its own: each NodePort (on every
 *   node's address), each LoadBalancer's ingress address (or <pending>), the
 *   scenario's external hosts, and the names ExternalName Services alias.
 *   Edges from outside point into the cluster so that dot ranks the outside
 *   first; an ExternalName's alias edge is drawn backwards for that reason.
 * - At scale: a node with more than max_pods_per_node pods shows one
 *   summary ("37 pods: 35 ready, 2 not ready") instead of its pods, and
 *   Service edges to it carry the count of its endpoints.  With more than
 *   max_nodes nodes the picture is compact: every node is one box with its
 *   summary, laid out in a grid per zone, and each Service has one edge per
 *   zone (ending at the zone's border) with the count of its endpoints
 *   there.  The graph label says what was summarised.
 *
 * Every list comes from the store sorted by namespace and name (or from the
 * scenario in file order), so the same cluster gives the same graph, and
 * cgraph writes it in creation order: the same bytes.
 *
 * Simplified: an endpoint whose pod is not in the store is drawn by its
 * first address; Services that publish externalIPs list them but draw no
 * edge for them; a NodePort is drawn once for all nodes rather than once
 * per node address, and a load balancer leads straight to its Service
 * (not through the node ports it really uses). */

#include <config.h>
#include "viz/topology.h"

#include <string.h>
#include <graphviz/cgraph.h>

#include "models/kubectl-print.h"
#include "sim/time.h"
#include "viz/graphviz.h"

#define LABEL_ZONE "topology.kubernetes.io/zone"
#define LABEL_SERVICE_NAME "kubernetes.io/service-name"

struct KnTopology {
    Agraph_t *graph;             /* owned; closed with the topology */
    gboolean collapsed;          /* some node's pods are a summary */
};

/*****************************************************************************/
/* cgraph glue.  Debian 12's cgraph takes 'char *' for names and values it
 * only reads; the casts stay in these helpers. */

static Agraph_t *
subgraph(Agraph_t *parent, const char *name, const char *label)
{
    Agraph_t *graph = agsubg(parent, (char *) name, TRUE);

    kn_graphviz_set(graph, "label", label);
    return graph;
}

/*****************************************************************************/
/* States and their styles. */

typedef enum {
    POD_READY,
    POD_NOT_READY,               /* running, the Ready condition False */
    POD_PENDING,                 /* not scheduled, or its sandbox not started */
    POD_TERMINATING,             /* a deletion timestamp: going away */
    POD_COMPLETED,               /* Succeeded */
    POD_FAILED,
    N_POD_STATES,
} PodState;

static const struct {
    const char *name;            /* as in the label and summaries */
    const char *style;
    const char *fill;
    const char *color;
} pod_styles[N_POD_STATES] = {
    [POD_READY] = { "ready", "rounded,filled", "#d5f0d5", "#2e7d32" },
    [POD_NOT_READY] = { "not ready", "rounded,filled", "#fff1c1", "#b26a00" },
    [POD_PENDING] = { "pending", "rounded,dashed", "#ffffff", "#757575" },
    [POD_TERMINATING] = { "terminating", "rounded,filled,dotted", "#e6e6e6", "#616161" },
    [POD_COMPLETED] = { "completed", "rounded,filled", "#eeeeee", "#9e9e9e" },
    [POD_FAILED] = { "failed", "rounded,filled", "#f8d0d0", "#c62828" },
};

static PodState
pod_state(const KnPod *pod)
{
    if (pod->meta.deleting)
        return POD_TERMINATING;
    switch (pod->phase) {
    case KN_POD_SUCCEEDED:
        return POD_COMPLETED;
    case KN_POD_FAILED:
        return POD_FAILED;
    case KN_POD_PENDING:
        return POD_PENDING;
    case KN_POD_RUNNING:
        break;
    }
    return pod->ready ? POD_READY : POD_NOT_READY;
}

/* An endpoint's conditions, as one style of edge. */
typedef enum {
    EP_READY,
    EP_SERVING,                  /* serving but not ready */
    EP_NOT_READY,                /* neither */
    EP_TERMINATING,
    N_EP_STATES,
} EndpointState;

static const struct {
    const char *name;
    const char *style;
    const char *color;
} endpoint_styles[N_EP_STATES] = {
    [EP_READY] = { "ready", "solid", "#1f4e9c" },
    [EP_SERVING] = { "serving, not ready", "dashed", "#1f4e9c" },
    [EP_NOT_READY] = { "not ready", "dashed", "#9e9e9e" },
    [EP_TERMINATING] = { "terminating", "dotted", "#616161" },
};

static EndpointState
endpoint_state(const KnEndpoint *endpoint)
{
    if (endpoint->terminating)
        return EP_TERMINATING;
    if (endpoint->ready)
        return EP_READY;
    return endpoint->serving ? EP_SERVING : EP_NOT_READY;
}

static void
style_endpoint_edge(Agedge_t *e, EndpointState state)
{
    kn_graphviz_set(e, "style", endpoint_styles[state].style);
    kn_graphviz_set(e, "color", endpoint_styles[state].color);
}

/*****************************************************************************/
/* The builder. */

/* Endpoint counts of one Service on one summarised node. */
typedef struct {
    guint n[N_EP_STATES];
} EndpointCounts;

typedef struct {
    KnCluster *cluster;          /* borrowed */
    KnTopologyOptions options;
    Agraph_t *graph;             /* the root; owned until handed to the topology */
    Agraph_t *outside;           /* cluster_outside, made on first use */
    Agraph_t *services;          /* cluster_services */
    GPtrArray *nodes;            /* KnNode *, borrowed, sorted by name */
    GHashTable *pods;            /* "ns/name" -> Agnode_t * of a pod drawn on its own */
    GHashTable *summaries;       /* node name -> Agnode_t * of its summary, if collapsed */
    GHashTable *zone_anchors;    /* zone -> Agnode_t * that Service edges to it point at
                                  * (compact pictures only) */
    gboolean compact;            /* more than max_nodes nodes: every node is one box */
    guint n_collapsed;           /* nodes drawn as a summary */
    guint n_pods;                /* pods in the store */
} Builder;

/* "name" in the default namespace, "ns/name" elsewhere, as people say it. */
static char *
display_name(const KnObjectMeta *meta)
{
    if (meta->namespace == NULL || strcmp(meta->namespace, "default") == 0)
        return g_strdup(meta->name);
    return g_strdup_printf("%s/%s", meta->namespace, meta->name);
}

/* The cgraph node name of an object: "KIND/ns/name", unique in the graph. */
static char *
object_id(const char *kind, const KnObjectMeta *meta)
{
    if (meta->namespace == NULL)
        return g_strdup_printf("%s/%s", kind, meta->name);
    return g_strdup_printf("%s/%s/%s", kind, meta->namespace, meta->name);
}

/* Declares the graph's defaults.  The node label default is the one gvc
 * sets for every graph made after gvContext() (agattr() on the prototype
 * graph), stated here so the DOT is the same whether or not a picture was
 * rendered before. */
static void
set_graph_defaults(Agraph_t *graph)
{
    agattr(graph, AGNODE, (char *) "label", (char *) "\\N");
    agattr(graph, AGRAPH, (char *) "rankdir", (char *) "LR");
    agattr(graph, AGRAPH, (char *) "fontname", (char *) "Helvetica");
    agattr(graph, AGRAPH, (char *) "fontsize", (char *) "11");
    agattr(graph, AGRAPH, (char *) "nodesep", (char *) "0.15");
    agattr(graph, AGRAPH, (char *) "ranksep", (char *) "0.9");
    agattr(graph, AGNODE, (char *) "fontname", (char *) "Helvetica");
    agattr(graph, AGNODE, (char *) "fontsize", (char *) "10");
    agattr(graph, AGNODE, (char *) "shape", (char *) "box");
    agattr(graph, AGEDGE, (char *) "fontname", (char *) "Helvetica");
    agattr(graph, AGEDGE, (char *) "fontsize", (char *) "9");
    agattr(graph, AGEDGE, (char *) "arrowsize", (char *) "0.6");
}

/*****************************************************************************/
/* Zones, nodes and pods. */

static Agraph_t *
zone_graph(Builder *b, GHashTable *zones, const char *zone)
{
    Agraph_t *graph = g_hash_table_lookup(zones, zone);

    if (graph == NULL) {
        g_autofree char *name = g_strdup_printf("cluster_zone_%s", zone);
        g_autofree char *label = g_strdup_printf("zone %s", zone);

        graph = subgraph(b->graph, name, label);
        kn_graphviz_set(graph, "style", "rounded,dashed");
        kn_graphviz_set(graph, "color", "#5f6b7a");
        g_hash_table_insert(zones, (gpointer) zone, graph);
    }
    return graph;
}

/* The shape inside a node's cluster that says what the node is (its name
 * is the cluster's label). */
static void
add_node_info(Agraph_t *graph, const KnNode *node)
{
    g_autofree char *id = object_id("node", &node->meta);
    g_autofree char *roles = kn_kubectl_print_node_roles(node);
    Agnode_t *n = kn_graphviz_node(graph, id);

    kn_graphviz_setf(n, "label", "InternalIP %s\\npodCIDR %s\\nroles %s\\n%s%s",
                     node->internal_ip != NULL ? node->internal_ip : "<none>",
                     node->pod_cidr != NULL ? node->pod_cidr : "<none>", roles,
                     node->ready ? "Ready" : "NotReady", node->unschedulable ? ",SchedulingDisabled" : "");
    kn_graphviz_set(n, "shape", "tab");
    kn_graphviz_set(n, "style", "filled");
    kn_graphviz_set(n, "fillcolor", node->ready ? "#ffffff" : "#f8d0d0");
}

static void
add_pod(Builder *b, Agraph_t *graph, const KnPod *pod)
{
    g_autofree char *id = object_id("pod", &pod->meta);
    g_autofree char *name = display_name(&pod->meta);
    PodState state = pod_state(pod);
    Agnode_t *n = kn_graphviz_node(graph, id);

    kn_graphviz_setf(n, "label", "%s\\n%s\\n%s", name, pod->pod_ip != NULL ? pod->pod_ip : "<no IP>",
         pod_styles[state].name);
    kn_graphviz_set(n, "style", pod_styles[state].style);
    kn_graphviz_set(n, "fillcolor", pod_styles[state].fill);
    kn_graphviz_set(n, "color", pod_styles[state].color);
    g_hash_table_insert(b->pods, g_strdup_printf("%s/%s", pod->meta.namespace, pod->meta.name), n);
}

/* "37 pods: 35 ready, 2 not ready" for 'pods' (KnPod *, borrowed) into
 * 'label'; returns the fill colour for it. */
static const char *
summarise_pods(const GPtrArray *pods, GString *label)
{
    guint n_state[N_POD_STATES] = { 0 };

    for (guint i = 0; i < pods->len; i++)
        n_state[pod_state(pods->pdata[i])]++;
    g_string_append_printf(label, "%u pod%s", pods->len, pods->len == 1 ? "" : "s");
    for (guint s = 0, first = TRUE; s < N_POD_STATES; s++) {
        if (n_state[s] == 0)
            continue;
        g_string_append_printf(label, "%s %u %s", first ? ":" : ",", n_state[s], pod_styles[s].name);
        first = FALSE;
    }
    return n_state[POD_READY] == pods->len ? pod_styles[POD_READY].fill : pod_styles[POD_NOT_READY].fill;
}

/* One box named 'id' in 'graph' that stands for 'pods'. */
static Agnode_t *
add_summary(Agraph_t *graph, const char *id, const GPtrArray *pods)
{
    g_autoptr(GString) label = g_string_new(NULL);
    Agnode_t *n = kn_graphviz_node(graph, id);
    const char *fill = summarise_pods(pods, label);

    kn_graphviz_set(n, "label", label->str);
    kn_graphviz_set(n, "style", "rounded,filled,bold");
    kn_graphviz_set(n, "fillcolor", fill);
    return n;
}

/* One summary for the pods of 'node' (a node with too many to draw). */
static void
add_pod_summary(Builder *b, Agraph_t *graph, const KnNode *node, const GPtrArray *pods)
{
    g_autofree char *id = g_strdup_printf("pods/%s", node->meta.name);

    g_hash_table_insert(b->summaries, node->meta.name, add_summary(graph, id, pods));
    b->n_collapsed++;
}

/* A node of a big cluster: one box with what add_node_info() says and the
 * summary of its pods, and no cluster of its own. */
static Agnode_t *
add_compact_node(Builder *b, Agraph_t *graph, const KnNode *node, const GPtrArray *pods)
{
    g_autofree char *id = object_id("node", &node->meta);
    g_autofree char *roles = kn_kubectl_print_node_roles(node);
    g_autoptr(GString) label = g_string_new(NULL);
    Agnode_t *n = kn_graphviz_node(graph, id);
    const char *fill = pod_styles[POD_COMPLETED].fill;

    g_string_printf(label, "%s\\n%s  %s\\nroles %s  %s\\n", node->meta.name,
                    node->internal_ip != NULL ? node->internal_ip : "<none>",
                    node->pod_cidr != NULL ? node->pod_cidr : "<none>", roles,
                    node->ready ? "Ready" : "NotReady");
    if (pods != NULL)
        fill = summarise_pods(pods, label);
    else
        g_string_append(label, "no pods");
    kn_graphviz_set(n, "label", label->str);
    kn_graphviz_set(n, "shape", "tab");
    kn_graphviz_set(n, "style", node->ready ? "filled,bold" : "filled,bold,dashed");
    kn_graphviz_set(n, "fillcolor", node->ready ? fill : "#f8d0d0");
    kn_graphviz_set(n, "color", node->ready ? "#5b7fbf" : "#c62828");
    g_hash_table_insert(b->summaries, node->meta.name, n);
    b->n_collapsed++;
    return n;
}

/* Lays the compact nodes of a zone ('nodes', Agnode_t *) out as a grid of
 * about as many columns as rows: invisible edges chain each row, so dot
 * puts its nodes in successive ranks (columns, left to right).  Records the
 * middle node as where Service edges to the zone point. */
static void
lay_out_zone_grid(Builder *b, Agraph_t *zone, const char *name, const GPtrArray *nodes)
{
    guint columns = 1;

    while (columns * columns < nodes->len)
        columns++;
    for (guint i = 0; i + 1 < nodes->len; i++) {
        if ((i + 1) % columns != 0)
            kn_graphviz_set(kn_graphviz_edge(zone, nodes->pdata[i], nodes->pdata[i + 1]), "style", "invis");
    }
    g_hash_table_insert(b->zone_anchors, (gpointer) name, nodes->pdata[nodes->len / 2]);
}

static void
add_nodes_and_pods(Builder *b)
{
    KnStore *store = b->cluster->store;
    g_autoptr(GPtrArray) pods = kn_store_list(store, KN_KIND_POD, NULL);
    /* Node name -> its pods, in the store's order; lookups only. */
    g_autoptr(GHashTable) by_node = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
    g_autoptr(GHashTable) zones = g_hash_table_new(g_str_hash, g_str_equal);
    /* Zones in the order of their first node, and their compact nodes. */
    g_autoptr(GPtrArray) zone_names = g_ptr_array_new();
    g_autoptr(GHashTable) zone_nodes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                             (GDestroyNotify) g_ptr_array_unref);
    g_autoptr(GPtrArray) unscheduled = g_ptr_array_new();

    b->n_pods = pods->len;
    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];
        GPtrArray *list;

        if (pod->spec.node_name == NULL
            || kn_store_lookup(store, KN_KIND_NODE, NULL, pod->spec.node_name) == NULL) {
            g_ptr_array_add(unscheduled, pod);
            continue;
        }
        list = g_hash_table_lookup(by_node, pod->spec.node_name);
        if (list == NULL) {
            list = g_ptr_array_new();
            g_hash_table_insert(by_node, pod->spec.node_name, list);
        }
        g_ptr_array_add(list, pod);
    }

    for (guint i = 0; i < b->nodes->len; i++) {
        KnNode *node = b->nodes->pdata[i];
        const char *zone = kn_labels_get(node->meta.labels, LABEL_ZONE);
        Agraph_t *parent = zone != NULL ? zone_graph(b, zones, zone) : b->graph;
        GPtrArray *on_node = g_hash_table_lookup(by_node, node->meta.name);

        if (b->compact) {
            Agnode_t *n = add_compact_node(b, parent, node, on_node);
            GPtrArray *in_zone;

            if (zone == NULL)
                continue;
            in_zone = g_hash_table_lookup(zone_nodes, zone);
            if (in_zone == NULL) {
                in_zone = g_ptr_array_new();
                g_hash_table_insert(zone_nodes, (gpointer) zone, in_zone);
                g_ptr_array_add(zone_names, (gpointer) zone);
            }
            g_ptr_array_add(in_zone, n);
            continue;
        }

        g_autofree char *name = g_strdup_printf("cluster_node_%s", node->meta.name);
        Agraph_t *graph = subgraph(parent, name, node->meta.name);

        kn_graphviz_set(graph, "style", "rounded,filled");
        kn_graphviz_set(graph, "fillcolor", node->ready ? "#eef3fb" : "#fbeaea");
        kn_graphviz_set(graph, "color", node->ready ? "#5b7fbf" : "#c62828");
        add_node_info(graph, node);
        if (on_node == NULL)
            continue;
        if (on_node->len > b->options.max_pods_per_node) {
            add_pod_summary(b, graph, node, on_node);
            continue;
        }
        for (guint p = 0; p < on_node->len; p++)
            add_pod(b, graph, on_node->pdata[p]);
    }
    for (guint i = 0; i < zone_names->len; i++) {
        const char *zone = zone_names->pdata[i];

        lay_out_zone_grid(b, g_hash_table_lookup(zones, zone), zone, g_hash_table_lookup(zone_nodes, zone));
    }

    if (unscheduled->len > 0) {
        Agraph_t *graph = subgraph(b->graph, "cluster_unscheduled", "not scheduled");

        kn_graphviz_set(graph, "style", "rounded,dashed");
        kn_graphviz_set(graph, "color", "#757575");
        if (b->compact || unscheduled->len > b->options.max_pods_per_node) {
            add_summary(graph, "unscheduled/pods", unscheduled);
            return;
        }
        for (guint p = 0; p < unscheduled->len; p++)
            add_pod(b, graph, unscheduled->pdata[p]);
    }
}

/*****************************************************************************/
/* The world outside. */

static Agraph_t *
outside(Builder *b)
{
    if (b->outside == NULL) {
        b->outside = subgraph(b->graph, "cluster_outside", "outside the cluster");
        kn_graphviz_set(b->outside, "style", "rounded,filled");
        kn_graphviz_set(b->outside, "fillcolor", "#f4f4f4");
        kn_graphviz_set(b->outside, "color", "#9e9e9e");
    }
    return b->outside;
}

static void
add_external_hosts(Builder *b)
{
    const KnScenario *scenario = b->cluster->scenario;

    for (guint i = 0; scenario != NULL && i < scenario->hosts->len; i++) {
        const KnHostSpec *host = scenario->hosts->pdata[i];
        g_autofree char *id = g_strdup_printf("host/%s", host->name);
        Agnode_t *n = kn_graphviz_node(outside(b), id);

        kn_graphviz_setf(n, "label", "%s\\n%s", host->name, host->ip);
        kn_graphviz_set(n, "shape", "box");
        kn_graphviz_set(n, "style", "rounded,filled");
        kn_graphviz_set(n, "fillcolor", "#ffffff");
    }
}

/* The addresses the outside world's DNS gives 'name', or NULL. */
static const KnExternalName *
external_name_lookup(const KnScenario *scenario, const char *name)
{
    for (guint i = 0; scenario != NULL && i < scenario->external_names->len; i++) {
        const KnExternalName *external = scenario->external_names->pdata[i];

        if (g_ascii_strcasecmp(external->name, name) == 0)
            return external;
    }
    return NULL;
}

/*****************************************************************************/
/* Services and their endpoints. */

/* The strings of 'strings' joined by 'separator'.  New; g_free(). */
static char *
join(const GPtrArray *strings, const char *separator)
{
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint i = 0; i < strings->len; i++)
        g_string_append_printf(text, "%s%s", i > 0 ? separator : "", (const char *) strings->pdata[i]);
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/* kubectl's PORT(S) column: "80/TCP", "80:32737/TCP", joined by ','. */
static char *
service_ports(const KnService *service)
{
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint i = 0; i < service->spec.ports->len; i++) {
        const KnServicePort *port = service->spec.ports->pdata[i];

        if (i > 0)
            g_string_append_c(text, ',');
        g_string_append_printf(text, "%u", port->port);
        if (port->node_port != 0)
            g_string_append_printf(text, ":%u", port->node_port);
        g_string_append_printf(text, "/%s", kn_protocol_name(port->protocol));
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/* A slice's target ports: "80/TCP", "53/UDP 53/TCP 9153/TCP". */
static char *
slice_ports(const KnEndpointSlice *slice)
{
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint i = 0; i < slice->ports->len; i++) {
        const KnEndpointPort *port = slice->ports->pdata[i];

        if (i > 0)
            g_string_append_c(text, ' ');
        if (port->port == 0)
            g_string_append(text, "<unset>");
        else
            g_string_append_printf(text, "%u/%s", port->port, kn_protocol_name(port->protocol));
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

static gboolean
is_cluster_dns(const KnService *service)
{
    return g_strcmp0(service->meta.namespace, "kube-system") == 0
           && strcmp(service->meta.name, "kube-dns") == 0;
}

static gboolean
is_headless(const KnService *service)
{
    return g_strcmp0(service->spec.cluster_ip, "None") == 0;
}

static Agnode_t *
add_service_node(Builder *b, const KnService *service)
{
    g_autofree char *id = object_id("svc", &service->meta);
    g_autofree char *name = display_name(&service->meta);
    g_autofree char *ports = service_ports(service);
    g_autoptr(GString) label = g_string_new(name);
    Agnode_t *n = kn_graphviz_node(b->services, id);
    KnServiceType type = service->spec.type;

    if (is_cluster_dns(service))
        g_string_append(label, " (cluster DNS)");
    if (type == KN_SERVICE_EXTERNAL_NAME)
        g_string_append_printf(label, "\\nExternalName\\n→ %s", service->spec.external_name);
    else if (is_headless(service))
        g_string_append(label, "\\nheadless (clusterIP None)");
    else
        g_string_append_printf(label, "\\n%s %s", kn_service_type_name(type),
                               service->spec.cluster_ip != NULL ? service->spec.cluster_ip : "<none>");
    if (type != KN_SERVICE_EXTERNAL_NAME && service->spec.ports->len > 0)
        g_string_append_printf(label, "\\n%s", ports);
    if (type == KN_SERVICE_LOAD_BALANCER)
        g_string_append_printf(label, "\\ningress %s", service->load_balancer_ingress->len > 0
                               ? (const char *) service->load_balancer_ingress->pdata[0] : "<pending>");
    if (service->spec.external_ips->len > 0) {
        g_autofree char *ips = join(service->spec.external_ips, ",");

        g_string_append_printf(label, "\\nexternalIPs %s", ips);
    }
    if (service->spec.selector != NULL && kn_labels_size(service->spec.selector) > 0) {
        g_autofree char *selector = kn_labels_to_string(service->spec.selector);

        g_string_append_printf(label, "\\nselector %s", selector);
    }
    kn_graphviz_set(n, "label", label->str);

    if (type == KN_SERVICE_EXTERNAL_NAME) {
        kn_graphviz_set(n, "shape", "note");
        kn_graphviz_set(n, "style", "filled");
        kn_graphviz_set(n, "fillcolor", "#f3e5f5");
    } else if (is_headless(service)) {
        kn_graphviz_set(n, "shape", "box3d");
        kn_graphviz_set(n, "style", "dashed,filled");
        kn_graphviz_set(n, "fillcolor", "#ffffff");
    } else {
        kn_graphviz_set(n, "shape", "box3d");
        kn_graphviz_set(n, "style", "filled");
        kn_graphviz_set(n, "fillcolor", "#dae8fc");
    }
    if (is_cluster_dns(service)) {
        kn_graphviz_set(n, "fillcolor", "#fff2cc");
        kn_graphviz_set(n, "color", "#b8860b");
        kn_graphviz_set(n, "penwidth", "2");
    }
    return n;
}

/* NodePorts and load balancers in front of 'service' ('n'). */
static void
add_entry_points(Builder *b, const KnService *service, Agnode_t *n)
{
    for (guint i = 0; i < service->spec.ports->len; i++) {
        const KnServicePort *port = service->spec.ports->pdata[i];
        const char *protocol = kn_protocol_name(port->protocol);

        if (port->node_port == 0)
            continue;

        g_autofree char *id = g_strdup_printf("nodeport/%u/%s", port->node_port, protocol);
        Agnode_t *entry = kn_graphviz_node(outside(b), id);
        Agedge_t *e = kn_graphviz_edge(b->graph, entry, n);

        kn_graphviz_setf(entry, "label", "NodePort %u/%s\\non every node's IP", port->node_port, protocol);
        kn_graphviz_set(entry, "shape", "cds");
        kn_graphviz_set(entry, "style", "filled");
        kn_graphviz_set(entry, "fillcolor", "#e1f5fe");
        kn_graphviz_setf(e, "label", "%u", port->port);
    }
    if (service->spec.type != KN_SERVICE_LOAD_BALANCER)
        return;

    g_autofree char *id = object_id("lb", &service->meta);
    g_autofree char *ports = service_ports(service);
    Agnode_t *entry = kn_graphviz_node(outside(b), id);
    gboolean pending = service->load_balancer_ingress->len == 0;

    if (pending) {
        kn_graphviz_set(entry, "label", "LoadBalancer\\n<pending>");
    } else {
        g_autofree char *ips = join(service->load_balancer_ingress, ",");

        kn_graphviz_setf(entry, "label", "LoadBalancer\\n%s", ips);
    }
    kn_graphviz_set(entry, "shape", "cds");
    kn_graphviz_set(entry, "style", pending ? "dashed" : "filled");
    kn_graphviz_set(entry, "fillcolor", "#e1f5fe");
    kn_graphviz_set(kn_graphviz_edge(b->graph, entry, n), "style", pending ? "dashed" : "solid");
}

/* The external name an ExternalName Service aliases, with its addresses
 * when the scenario's outside DNS knows them. */
static void
add_external_name(Builder *b, const KnService *service, Agnode_t *n)
{
    const char *name = service->spec.external_name != NULL ? service->spec.external_name : "";
    const KnExternalName *known = external_name_lookup(b->cluster->scenario, name);
    g_autofree char *id = g_strdup_printf("external/%s", name);
    g_autofree char *addresses = known != NULL ? g_strjoinv(" ", known->addresses)
                                               : g_strdup("(outside DNS)");
    Agnode_t *target = kn_graphviz_node(outside(b), id);
    /* Drawn from the name to the Service, so dot ranks the name outside,
     * with the arrow turned round to read "Service is a CNAME for it". */
    Agedge_t *e = kn_graphviz_edge(b->graph, target, n);

    kn_graphviz_setf(target, "label", "%s\\n%s", name, addresses);
    kn_graphviz_set(target, "shape", "ellipse");
    kn_graphviz_set(target, "style", "filled");
    kn_graphviz_set(target, "fillcolor", "#ffffff");
    kn_graphviz_set(e, "dir", "back");
    kn_graphviz_set(e, "style", "dashed");
    kn_graphviz_set(e, "label", "CNAME");
}

/* An endpoint whose pod is not drawn (a hand-made slice): its address. */
static Agnode_t *
address_node(Builder *b, const char *address)
{
    g_autofree char *id = g_strdup_printf("address/%s", address);
    Agnode_t *n = agnode(b->graph, id, FALSE);

    if (n == NULL) {
        n = kn_graphviz_node(b->graph, id);
        kn_graphviz_set(n, "label", address);
        kn_graphviz_set(n, "shape", "ellipse");
    }
    return n;
}

/* The node an endpoint runs on: its nodeName, else its pod's. */
static const char *
endpoint_node(Builder *b, const KnEndpoint *endpoint)
{
    KnPod *pod;

    if (endpoint->node_name != NULL)
        return endpoint->node_name;
    if (endpoint->target_pod == NULL || endpoint->target_namespace == NULL)
        return NULL;
    pod = kn_store_lookup(b->cluster->store, KN_KIND_POD, endpoint->target_namespace, endpoint->target_pod);
    return pod != NULL ? pod->spec.node_name : NULL;
}

/* Where counted endpoints go: a summarised node, or in a big cluster the
 * zone the node is in. */
typedef struct {
    Agnode_t *head;              /* the summary, or the zone's middle node */
    const char *zone;            /* borrowed; the zone, or NULL for a node */
    guint n_nodes;               /* nodes counted into it */
    EndpointCounts counts;
} CountedTarget;

/* Service 'n' -> summary edges with the counts of 'counts' (node name ->
 * EndpointCounts); in a compact picture, one edge per zone instead. */
static void
add_counted_edges(Builder *b, Agnode_t *n, GHashTable *counts)
{
    g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) by_zone = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < b->nodes->len; i++) {
        const KnNode *node = b->nodes->pdata[i];
        const EndpointCounts *c = g_hash_table_lookup(counts, node->meta.name);
        const char *zone = b->compact ? kn_labels_get(node->meta.labels, LABEL_ZONE) : NULL;
        CountedTarget *target = zone != NULL ? g_hash_table_lookup(by_zone, zone) : NULL;

        if (c == NULL)
            continue;
        if (target == NULL) {
            target = g_new0(CountedTarget, 1);
            target->zone = zone;
            target->head = zone != NULL ? g_hash_table_lookup(b->zone_anchors, zone)
                                        : g_hash_table_lookup(b->summaries, node->meta.name);
            g_ptr_array_add(targets, target);
            if (zone != NULL)
                g_hash_table_insert(by_zone, (gpointer) zone, target);
        }
        target->n_nodes++;
        for (guint s = 0; s < N_EP_STATES; s++)
            target->counts.n[s] += c->n[s];
    }

    for (guint i = 0; i < targets->len; i++) {
        const CountedTarget *target = targets->pdata[i];
        const guint *n_state = target->counts.n;
        g_autoptr(GString) label = g_string_new(NULL);
        guint total = 0;

        for (guint s = 0; s < N_EP_STATES; s++)
            total += n_state[s];
        g_string_printf(label, "%u endpoint%s", total, total == 1 ? "" : "s");
        if (target->zone != NULL)
            g_string_append_printf(label, " on %u node%s", target->n_nodes, target->n_nodes == 1 ? "" : "s");
        if (n_state[EP_READY] != total) {
            for (guint s = 0, first = TRUE; s < N_EP_STATES; s++) {
                if (n_state[s] == 0)
                    continue;
                g_string_append_printf(label, "%s%u %s", first ? "\\n" : ", ", n_state[s],
                                       endpoint_styles[s].name);
                first = FALSE;
            }
        }

        Agedge_t *e = kn_graphviz_edge(b->graph, n, target->head);

        kn_graphviz_set(e, "label", label->str);
        style_endpoint_edge(e, n_state[EP_READY] > 0 ? EP_READY
                               : n_state[EP_SERVING] > 0 ? EP_SERVING
                               : n_state[EP_NOT_READY] > 0 ? EP_NOT_READY : EP_TERMINATING);
        kn_graphviz_setf(e, "penwidth", "%.1f", MIN(1.0 + total / 8.0, 4.0));
        if (target->zone != NULL)
            kn_graphviz_setf(e, "lhead", "cluster_zone_%s", target->zone);
    }
}

static void
add_endpoints(Builder *b, const KnService *service, Agnode_t *n)
{
    g_autoptr(GPtrArray) slices = kn_store_list_labelled(b->cluster->store, KN_KIND_ENDPOINT_SLICE,
                                                         service->meta.namespace, LABEL_SERVICE_NAME,
                                                         service->meta.name);
    g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);

    for (guint i = 0; i < slices->len; i++) {
        const KnEndpointSlice *slice = slices->pdata[i];
        g_autofree char *ports = slice_ports(slice);

        for (guint j = 0; j < slice->endpoints->len; j++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[j];
            EndpointState state = endpoint_state(endpoint);
            const char *node_name = endpoint_node(b, endpoint);
            Agnode_t *target = NULL;

            if (endpoint->target_pod != NULL && endpoint->target_namespace != NULL) {
                g_autofree char *key = g_strdup_printf("%s/%s", endpoint->target_namespace, endpoint->target_pod);

                target = g_hash_table_lookup(b->pods, key);
            }
            if (target == NULL && node_name != NULL && g_hash_table_contains(b->summaries, node_name)) {
                EndpointCounts *c = g_hash_table_lookup(counts, node_name);

                if (c == NULL) {
                    c = g_new0(EndpointCounts, 1);
                    g_hash_table_insert(counts, (gpointer) node_name, c);
                }
                c->n[state]++;
                continue;
            }
            if (target == NULL && endpoint->addresses->len > 0)
                target = address_node(b, endpoint->addresses->pdata[0]);
            if (target == NULL)
                continue;

            Agedge_t *e = kn_graphviz_edge(b->graph, n, target);

            kn_graphviz_set(e, "label", ports);
            style_endpoint_edge(e, state);
        }
    }
    add_counted_edges(b, n, counts);
}

static guint
add_services(Builder *b)
{
    g_autoptr(GPtrArray) services = kn_store_list(b->cluster->store, KN_KIND_SERVICE, NULL);

    b->services = subgraph(b->graph, "cluster_services", "Services");
    kn_graphviz_set(b->services, "style", "rounded");
    kn_graphviz_set(b->services, "color", "#5b7fbf");
    for (guint i = 0; i < services->len; i++) {
        const KnService *service = services->pdata[i];
        Agnode_t *n = add_service_node(b, service);

        add_entry_points(b, service, n);
        if (service->spec.type == KN_SERVICE_EXTERNAL_NAME)
            add_external_name(b, service, n);
        else
            add_endpoints(b, service, n);
    }
    return services->len;
}

/*****************************************************************************/
/* The legend and the title. */

static void
add_legend(Builder *b)
{
    Agraph_t *legend = subgraph(b->graph, "cluster_legend", "legend");
    Agnode_t *service = kn_graphviz_node(legend, "legend/service");
    static const PodState samples[] = { POD_READY, POD_NOT_READY, POD_TERMINATING, POD_PENDING };
    static const EndpointState edges[] = { EP_READY, EP_NOT_READY, EP_TERMINATING, N_EP_STATES };

    kn_graphviz_set(legend, "style", "rounded");
    kn_graphviz_set(legend, "color", "#bdbdbd");
    kn_graphviz_set(service, "label", "Service\\ntype, IP, ports");
    kn_graphviz_set(service, "shape", "box3d");
    kn_graphviz_set(service, "style", "filled");
    kn_graphviz_set(service, "fillcolor", "#dae8fc");
    for (guint i = 0; i < G_N_ELEMENTS(samples); i++) {
        g_autofree char *id = g_strdup_printf("legend/pod-%u", i);
        Agnode_t *pod = kn_graphviz_node(legend, id);

        kn_graphviz_setf(pod, "label", "%s pod", pod_styles[samples[i]].name);
        kn_graphviz_set(pod, "style", pod_styles[samples[i]].style);
        kn_graphviz_set(pod, "fillcolor", pod_styles[samples[i]].fill);
        kn_graphviz_set(pod, "color", pod_styles[samples[i]].color);
        if (edges[i] == N_EP_STATES) {
            kn_graphviz_set(kn_graphviz_edge(legend, service, pod), "style", "invis");
            continue;
        }
        Agedge_t *e = kn_graphviz_edge(legend, service, pod);

        kn_graphviz_setf(e, "label", "%s endpoint", endpoint_styles[edges[i]].name);
        style_endpoint_edge(e, edges[i]);
    }
}

static void
set_title(Builder *b, guint n_services)
{
    KnCluster *cluster = b->cluster;
    g_autofree char *now = kn_time_format(kn_sim_now(cluster->sim));
    g_autoptr(GString) label = g_string_new(NULL);

    g_string_printf(label, "%s at %s: %u node%s, %u pod%s, %u Service%s",
                    cluster->scenario != NULL ? cluster->scenario->name : "cluster", now,
                    b->nodes->len, b->nodes->len == 1 ? "" : "s", b->n_pods, b->n_pods == 1 ? "" : "s",
                    n_services, n_services == 1 ? "" : "s");
    if (b->n_collapsed > 0) {
        if (b->compact)
            g_string_append_printf(label, "\\nsummarised: with more than %u nodes, each node is one box "
                                   "with a count of its pods, and Service edges count endpoints per zone",
                                   b->options.max_nodes);
        else
            g_string_append_printf(label, "\\nsummarised: %u node%s with more than %u pods show%s a "
                                   "count of its pods, and Service edges to it count endpoints",
                                   b->n_collapsed, b->n_collapsed == 1 ? "" : "s",
                                   b->options.max_pods_per_node, b->n_collapsed == 1 ? "s" : "");
    }
    kn_graphviz_set(b->graph, "label", label->str);
    if (b->compact)
        kn_graphviz_set(b->graph, "compound", "true");   /* Service edges end at zone borders (lhead) */
    kn_graphviz_set(b->graph, "labelloc", "t");
    kn_graphviz_set(b->graph, "labeljust", "l");
}

/*****************************************************************************/
/* Entry points. */

KnTopology *
kn_topology_new(KnCluster *cluster, const KnTopologyOptions *options)
{
    g_return_val_if_fail(cluster != NULL, NULL);

    Builder b = { .cluster = cluster };
    g_autofree char *name = g_strdup(cluster->scenario != NULL ? cluster->scenario->name : "cluster");
    KnTopology *topology = g_new0(KnTopology, 1);
    guint n_services;

    if (options != NULL)
        b.options = *options;
    if (b.options.max_pods_per_node == 0)
        b.options.max_pods_per_node = KN_TOPOLOGY_MAX_PODS_PER_NODE;
    if (b.options.max_nodes == 0)
        b.options.max_nodes = KN_TOPOLOGY_MAX_NODES;
    b.graph = kn_graphviz_open(name);
    b.nodes = kn_store_list(cluster->store, KN_KIND_NODE, NULL);
    b.pods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    b.summaries = g_hash_table_new(g_str_hash, g_str_equal);
    b.zone_anchors = g_hash_table_new(g_str_hash, g_str_equal);
    b.compact = b.nodes->len > b.options.max_nodes;

    set_graph_defaults(b.graph);
    /* The outside comes first, so that it is written (and ranked) first. */
    add_external_hosts(&b);
    add_nodes_and_pods(&b);
    n_services = add_services(&b);
    if (!b.options.no_legend)
        add_legend(&b);
    set_title(&b, n_services);

    topology->graph = b.graph;
    topology->collapsed = b.n_collapsed > 0;
    g_ptr_array_unref(b.nodes);
    g_hash_table_unref(b.pods);
    g_hash_table_unref(b.summaries);
    g_hash_table_unref(b.zone_anchors);
    return topology;
}

void
kn_topology_free(KnTopology *topology)
{
    if (topology == NULL)
        return;
    agclose(topology->graph);
    g_free(topology);
}

gboolean
kn_topology_is_collapsed(const KnTopology *topology)
{
    g_return_val_if_fail(topology != NULL, FALSE);
    return topology->collapsed;
}

char *
kn_topology_to_dot(KnTopology *topology)
{
    g_return_val_if_fail(topology != NULL, NULL);
    return kn_graphviz_to_dot(topology->graph);
}

gboolean
kn_topology_format_for_path(const char *path, KnTopologyFormat *format, GError **error)
{
    return kn_graphviz_format_for_path(path, format, error);
}

gboolean
kn_topology_write(KnTopology *topology, KnTopologyFormat format, const char *path, GError **error)
{
    g_return_val_if_fail(topology != NULL, FALSE);
    return kn_graphviz_write(topology->graph, format, path, error);
}
