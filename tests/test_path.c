/* test_path.c -- the packet-path picture of `knetsim trace --dot`: a
 * request through the lab's ClusterIP and one through its NodePort on the
 * other worker (with the VXLAN hop and the masquerade), read back with
 * cgraph for their clusters, nodes and edges; the same bytes on every
 * replay; an SVG file.  One of them is also a golden file
 * (tests/golden/svc-lab.trace-clusterip.dot). */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <graphviz/cgraph.h>

#include "models/cluster.h"
#include "models/probe.h"
#include "models/replay.h"
#include "models/store.h"
#include "viz/path.h"

/* The lab at 18 s: web is a NodePort Service with two pods on
 * svc-lab-worker, where the client pod runs too. */
#define LAB "scenarios/lab/svc-lab.yaml"
#define LAB_AT (18 * KN_SEC)

typedef struct {
    const char *from;            /* pod or host */
    const char *via_node;        /* NULL: to web:80 by name; else web's NodePort on this node */
    gboolean no_net;             /* draw without the net */
    KnPath *path;                /* out */
} Request;

static void
on_replay_end(const KnReplayState *state, gpointer data)
{
    Request *request = data;
    KnNetns *from = kn_net_pod(state->net, "default", request->from);
    g_autoptr(KnTrace) trace = kn_trace_new();
    g_autofree char *target = g_strdup("web");
    guint16 port = 80;
    KnProbeResult result;

    if (from == NULL)
        from = kn_net_host(state->net, request->from);
    assert_non_null(from);
    if (request->via_node != NULL) {
        const KnService *service = kn_store_lookup(state->cluster->store, KN_KIND_SERVICE, "default", "web");
        const KnServicePort *sp;

        assert_non_null(service);
        sp = service->spec.ports->pdata[0];
        assert_true(sp->node_port > 0);
        g_free(target);
        target = kn_addr_to_string(&kn_netns_client(kn_net_node(state->net, request->via_node))->address);
        port = (guint16) sp->node_port;
    }
    kn_probe_run(state->cluster->sim, state->net, from, target, port, FALSE, trace, &result);
    assert_int_equal(result.status, KN_NET_OK);
    kn_probe_result_clear(&result);
    request->path = kn_path_new(trace, request->no_net ? NULL : state->net, request->from, "test");
}

/* Replays 'file' to 'at' and traces 'request'; returns its picture.
 * New; kn_path_free(). */
static KnPath *
trace_at(const char *file, KnTime at, Request *request)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(file, &error);
    KnReplayReport report;

    g_assert_no_error(error);
    KnReplayOptions options = {
        .seed = scenario->seed, .until = at, .at_end = on_replay_end, .at_end_data = request,
    };

    assert_true(kn_replay_run(scenario, &options, &report, &error));
    assert_non_null(request->path);
    return request->path;
}

/* The lab at 18 s. */
static KnPath *
trace_lab(Request *request)
{
    return trace_at(LAB, LAB_AT, request);
}

/* The picture's DOT, parsed back by cgraph.  Free with agclose(). */
static Agraph_t *
parse(KnPath *path)
{
    g_autofree char *dot = kn_path_to_dot(path);
    Agraph_t *graph = agmemread(dot);

    assert_non_null(graph);
    return graph;
}

static int
setup(void **state)
{
    (void) state;
    return chdir(test_env("KNETSIM_SRCDIR"));
}

/*****************************************************************************/
/* Helpers on a parsed graph. */

static const char *
attr(void *object, const char *name)
{
    const char *value = agget(object, (char *) name);

    return value != NULL ? value : "";
}

/* How many nodes of 'graph' have a label containing 'text'. */
static guint
n_labelled(Agraph_t *graph, const char *text)
{
    guint n = 0;

    for (Agnode_t *node = agfstnode(graph); node != NULL; node = agnxtnode(graph, node))
        n += strstr(attr(node, "label"), text) != NULL;
    return n;
}

/* How many edges of 'graph' have a label containing 'text' (NULL: any)
 * and, if 'color' is not NULL, that color. */
static guint
n_edges_labelled(Agraph_t *graph, const char *text, const char *color)
{
    guint n = 0;

    for (Agnode_t *node = agfstnode(graph); node != NULL; node = agnxtnode(graph, node)) {
        for (Agedge_t *e = agfstout(graph, node); e != NULL; e = agnxtout(graph, e)) {
            if ((text == NULL || strstr(attr(e, "label"), text) != NULL)
                && (color == NULL || strcmp(attr(e, "color"), color) == 0))
                n++;
        }
    }
    return n;
}

static Agraph_t *
find_cluster(Agraph_t *parent, const char *name)
{
    Agraph_t *graph = agsubg(parent, (char *) name, FALSE);

    if (graph == NULL)
        fail_msg("no subgraph '%s'", name);
    return graph;
}

/*****************************************************************************/
/* Through the ClusterIP, on one node. */

static void
test_path_clusterip_walks_the_chains_to_the_dnat(void **state)
{
    (void) state;
    Request request = { .from = "client" };
    g_autoptr(KnPath) path = trace_lab(&request);
    Agraph_t *graph = parse(path);
    Agraph_t *worker = find_cluster(graph, "cluster_node_svc-lab-worker");

    /* The handshake, the request, the answer: two drawn, the rest counted. */
    assert_int_equal(kn_path_n_drawn(path), 2);
    assert_true(kn_path_n_packets(path) >= 5);
    assert_string_equal(attr(worker, "label"), "node svc-lab-worker\\n172.18.0.3");
    /* Both pods inside their node; the client says what its name resolved to. */
    assert_non_null(agnode(worker, (char *) "pod client", FALSE));
    assert_int_equal(n_labelled(worker, "web resolves to 10.96."), 1);
    assert_int_equal(n_labelled(worker, "answers on port 80"), 1);
    /* The request's hooks, in the tables kube-proxy uses. */
    assert_int_equal(n_labelled(worker, "PREROUTING\\n(nat table)"), 1);
    assert_int_equal(n_labelled(worker, "POSTROUTING\\n(nat table)"), 1);
    assert_int_equal(n_labelled(worker, "FORWARD\\n(filter table)"), 2);   /* the request's and the reply's */
    /* PREROUTING -> KUBE-SERVICES -> KUBE-SVC- -> KUBE-SEP- with the DNAT. */
    assert_int_equal(n_labelled(worker, "KUBE-SVC-"), 1);
    assert_int_equal(n_labelled(worker, "KUBE-SEP-"), 1);
    assert_int_equal(n_labelled(worker, "DNAT --to-destination 10.244.1."), 1);
    assert_int_equal(n_edges_labelled(graph, "default/web cluster IP", NULL), 1);
    assert_int_equal(n_edges_labelled(graph, "DNAT 10.96.", NULL), 1);
    /* The conntrack entry made, and the reply that found it. */
    assert_int_equal(n_labelled(worker, "conntrack: new entry"), 1);
    assert_int_equal(n_labelled(worker, "found this entry"), 1);
    assert_int_equal(n_labelled(worker, "reply packet, source 10.244.1."), 1);
    /* The reply in its own style; it reaches the client without ranking. */
    assert_true(n_edges_labelled(graph, "[S.]", "#1565c0") >= 2);
    Agnode_t *client = agnode(graph, (char *) "pod client", FALSE);
    guint n_back = 0;

    for (Agedge_t *e = agfstin(graph, client); e != NULL; e = agnxtin(graph, e))
        n_back += strcmp(attr(e, "constraint"), "false") == 0;
    assert_int_equal(n_back, 1);
    /* Later packets summarised on the first ones' edges. */
    assert_true(n_edges_labelled(graph, "later: [.] [P.] 66 B", NULL) >= 1);
    /* Simulated times on the wires. */
    assert_true(n_edges_labelled(graph, "18.000000s", NULL) >= 1);
    agclose(graph);
}

/* kube-proxy in nftables mode: its base chains as the hooks, the service-ips
 * map's element as the edge to the service chain, numgen's pick as the edge
 * to the endpoint chain, which does the DNAT. */
static void
test_path_nftables_mode_draws_its_chains(void **state)
{
    (void) state;
    Request request = { .from = "client" };
    g_autoptr(KnPath) path = trace_at("scenarios/exam/nftables-mode.yaml", 10 * KN_SEC, &request);
    Agraph_t *graph = parse(path);

    assert_true(n_labelled(graph, "nat-prerouting\\n(kube-proxy table)") >= 1);
    assert_true(n_labelled(graph, "filter-forward\\n(kube-proxy table)") >= 1);
    assert_int_equal(n_labelled(graph, "service-PFISGYVC-default/web/tcp/"), 1);
    assert_int_equal(n_labelled(graph, "\\nDNAT 10.244."), 1);
    assert_int_equal(n_edges_labelled(graph, " . tcp . 80", NULL), 1);
    assert_int_equal(n_edges_labelled(graph, "DNAT 10.96.", NULL), 1);
    agclose(graph);
}

static void
test_path_dot_is_the_same_on_every_replay_and_renders_svg(void **state)
{
    (void) state;
    Request a_request = { .from = "client" }, b_request = { .from = "client" };
    g_autoptr(KnPath) a = trace_lab(&a_request);
    g_autoptr(KnPath) b = trace_lab(&b_request);
    g_autofree char *dot_a = kn_path_to_dot(a);
    g_autofree char *dot_b = kn_path_to_dot(b);
    g_autofree char *dir = g_dir_make_tmp("knetsim-path-XXXXXX", NULL);
    g_autofree char *svg = g_build_filename(dir, "path.svg", NULL);
    g_autofree char *data = NULL;
    g_autofree char *dot_after = NULL;
    g_autoptr(GError) error = NULL;

    assert_true(g_str_has_prefix(dot_a, "digraph path {\n"));
    assert_string_equal(dot_a, dot_b);
    assert_true(kn_path_write(a, KN_GRAPHVIZ_FORMAT_SVG, svg, &error));
    g_assert_no_error(error);
    assert_true(g_file_get_contents(svg, &data, NULL, NULL));
    assert_non_null(strstr(data, "<svg"));
    assert_non_null(strstr(data, "PREROUTING"));
    dot_after = kn_path_to_dot(a);
    assert_string_equal(dot_a, dot_after);
    g_unlink(svg);
    g_rmdir(dir);
}

/*****************************************************************************/
/* Through the NodePort on the other worker: masquerade and VXLAN. */

static void
test_path_nodeport_crosses_the_overlay(void **state)
{
    (void) state;
    Request request = { .from = "laptop", .via_node = "svc-lab-worker2" };
    g_autoptr(KnPath) path = trace_lab(&request);
    Agraph_t *graph = parse(path);
    Agraph_t *worker = find_cluster(graph, "cluster_node_svc-lab-worker");
    Agraph_t *worker2 = find_cluster(graph, "cluster_node_svc-lab-worker2");

    /* The laptop is outside every node; the backend inside its own. */
    assert_non_null(agnode(graph, (char *) "host laptop", FALSE));
    assert_null(agnode(worker2, (char *) "host laptop", FALSE));
    assert_int_equal(n_labelled(worker, "answers on port 80"), 1);
    /* The rule walk is on the node the request entered by. */
    assert_int_equal(n_labelled(worker2, "KUBE-NODEPORTS"), 1);
    assert_int_equal(n_labelled(worker2, "KUBE-MARK-MASQ"), 1);
    assert_int_equal(n_labelled(worker2, "MASQUERADE --random-fully"), 1);
    assert_int_equal(n_edges_labelled(graph, "MASQUERADE 203.0.113.7:", NULL), 1);
    assert_int_equal(n_labelled(worker, "KUBE-SEP-"), 0);
    /* The fabric hop both ways, with the outer addresses. */
    assert_int_equal(n_edges_labelled(graph, "VXLAN VNI 1, outer 172.18.0.4 \u2192 172.18.0.3 UDP 8472",
                                      "#212121"), 1);
    assert_int_equal(n_edges_labelled(graph, "VXLAN VNI 1, outer 172.18.0.3 \u2192 172.18.0.4 UDP 8472",
                                      "#1565c0"), 1);
    assert_int_equal(n_labelled(worker, "in eth0: VXLAN\\n\u2192 flannel.1"), 1);
    /* Each node made its own conntrack entry. */
    assert_int_equal(n_labelled(worker, "conntrack: new entry"), 1);
    assert_int_equal(n_labelled(worker2, "conntrack: new entry"), 1);
    agclose(graph);
}

static void
test_path_without_a_net_names_nodes_only(void **state)
{
    (void) state;
    Request request = { .from = "laptop", .via_node = "svc-lab-worker2", .no_net = TRUE };
    g_autoptr(KnPath) path = trace_lab(&request);
    Agraph_t *graph = parse(path);
    Agraph_t *worker2 = find_cluster(graph, "cluster_node_svc-lab-worker2");

    assert_string_equal(attr(worker2, "label"), "node svc-lab-worker2");
    assert_int_equal(n_edges_labelled(graph, "outer svc-lab-worker2 \u2192 svc-lab-worker UDP", NULL), 1);
    agclose(graph);
}

static void
test_path_of_an_empty_trace_is_a_title(void **state)
{
    (void) state;
    g_autoptr(KnTrace) trace = kn_trace_new();
    g_autoptr(KnPath) path = kn_path_new(trace, NULL, "client", "nothing happened");
    Agraph_t *graph = parse(path);

    assert_int_equal(kn_path_n_packets(path), 0);
    assert_int_equal(agnnodes(graph), 0);
    assert_non_null(strstr(attr(graph, "label"), "nothing happened"));
    agclose(graph);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_clusterip_walks_the_chains_to_the_dnat),
        cmocka_unit_test(test_path_dot_is_the_same_on_every_replay_and_renders_svg),
        cmocka_unit_test(test_path_nodeport_crosses_the_overlay),
        cmocka_unit_test(test_path_nftables_mode_draws_its_chains),
        cmocka_unit_test(test_path_without_a_net_names_nodes_only),
        cmocka_unit_test(test_path_of_an_empty_trace_is_a_title),
    };
    return cmocka_run_group_tests_name("path", tests, setup, NULL);
}
