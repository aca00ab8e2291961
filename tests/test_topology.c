/* test_topology.c -- the topology picture: the lab's graph read back with
 * cgraph (its clusters, nodes and edges), the same bytes on every replay,
 * SVG and PNG files, the summaries beyond the thresholds, and the 100-node,
 * 1,000-pod capacity scenario rendered in reasonable time and size.  The
 * lab's DOT is also a golden file (tests/golden/svc-lab.at-18s.dot). */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <graphviz/cgraph.h>

#include "models/replay.h"
#include "viz/topology.h"

/* The lab at 18 s: web (NodePort, 2 pods), web-hl (headless) and
 * example-ext (ExternalName) all exist then; the clean-up comes later. */
#define LAB "scenarios/lab/svc-lab.yaml"
#define LAB_AT (18 * KN_SEC)
#define CAPACITY "scenarios/capacity/topology-100-nodes.yaml"

/* What a replay's at_end callback leaves: the topology it drew. */
typedef struct {
    const KnTopologyOptions *options;
    KnTopology *topology;
} Drawing;

static void
on_replay_end(const KnReplayState *state, gpointer data)
{
    Drawing *drawing = data;

    drawing->topology = kn_topology_new(state->cluster, drawing->options);
}

/* Replays 'scenario' until 'until' and returns its topology with
 * 'options' (NULL: the defaults).  New; kn_topology_free(). */
static KnTopology *
draw_scenario(KnScenario *scenario, KnTime until, const KnTopologyOptions *options)
{
    g_autoptr(GError) error = NULL;
    Drawing drawing = { .options = options };
    KnReplayReport report;

    g_assert_no_error(error);
    KnReplayOptions replay = {
        .seed = scenario->seed,
        .until = until,
        .at_end = on_replay_end,
        .at_end_data = &drawing,
    };

    assert_true(kn_replay_run(scenario, &replay, &report, &error));
    assert_int_equal(report.n_failed, 0);
    assert_non_null(drawing.topology);
    return drawing.topology;
}

/* As draw_scenario(), for the scenario file 'path'. */
static KnTopology *
draw(const char *path, KnTime until, const KnTopologyOptions *options)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(path, &error);

    g_assert_no_error(error);
    return draw_scenario(scenario, until, options);
}

/* The lab's DOT, parsed back by cgraph.  Free with agclose(). */
static Agraph_t *
lab_graph(const KnTopologyOptions *options)
{
    g_autoptr(KnTopology) topology = draw(LAB, LAB_AT, options);
    g_autofree char *dot = kn_topology_to_dot(topology);
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

static Agnode_t *
find_node(Agraph_t *graph, const char *name)
{
    Agnode_t *n = agnode(graph, (char *) name, FALSE);

    if (n == NULL)
        fail_msg("no node '%s' in %s", name, agnameof(graph));
    return n;
}

static Agraph_t *
find_cluster(Agraph_t *parent, const char *name)
{
    Agraph_t *graph = agsubg(parent, (char *) name, FALSE);

    if (graph == NULL)
        fail_msg("no subgraph '%s' in %s", name, agnameof(parent));
    return graph;
}

static const char *
attr(void *object, const char *name)
{
    const char *value = agget(object, (char *) name);

    return value != NULL ? value : "";
}

/* The names of the nodes of 'graph' that start with 'prefix', sorted. */
static GPtrArray *
nodes_with_prefix(Agraph_t *graph, const char *prefix)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

    for (Agnode_t *n = agfstnode(graph); n != NULL; n = agnxtnode(graph, n)) {
        if (g_str_has_prefix(agnameof(n), prefix))
            g_ptr_array_add(names, g_strdup(agnameof(n)));
    }
    g_ptr_array_sort(names, (GCompareFunc) g_strcmp0);
    return names;
}

static guint
n_edges_out(Agraph_t *graph, const char *tail)
{
    guint n_edges = 0;

    for (Agedge_t *e = agfstout(graph, find_node(graph, tail)); e != NULL; e = agnxtout(graph, e))
        n_edges++;
    return n_edges;
}

/*****************************************************************************/
/* The lab. */

static void
test_topology_lab_nests_nodes_in_zones_and_pods_in_nodes(void **state)
{
    (void) state;
    Agraph_t *graph = lab_graph(NULL);
    Agraph_t *zone_a = find_cluster(graph, "cluster_zone_zone-a");
    Agraph_t *zone_b = find_cluster(graph, "cluster_zone_zone-b");
    Agraph_t *worker = find_cluster(zone_a, "cluster_node_svc-lab-worker");
    Agraph_t *worker2 = find_cluster(zone_b, "cluster_node_svc-lab-worker2");
    g_autoptr(GPtrArray) web = nodes_with_prefix(worker, "pod/default/web-");

    find_cluster(zone_a, "cluster_node_svc-lab-control-plane");
    assert_null(agsubg(zone_b, (char *) "cluster_node_svc-lab-worker", FALSE));
    assert_true(g_str_has_prefix(attr(graph, "label"), "svc-lab at 18.000s: 3 nodes, 5 pods, 5 Services"));

    /* The node says what `kubectl get node -o wide` would. */
    Agnode_t *info = find_node(worker, "node/svc-lab-worker");

    assert_string_equal(attr(info, "label"),
                        "InternalIP 172.18.0.3\\npodCIDR 10.244.1.0/24\\nroles <none>\\nReady");
    assert_non_null(strstr(attr(find_node(graph, "node/svc-lab-control-plane"), "label"),
                            "roles control-plane"));

    /* Both web pods on the first worker, with their IPs, ready. */
    assert_int_equal(web->len, 2);
    for (guint i = 0; i < web->len; i++) {
        Agnode_t *pod = find_node(worker, web->pdata[i]);

        assert_true(g_regex_match_simple("^web-[b-z2-9]{10}-[b-z2-9]{5}\\\\n10\\.244\\.1\\.\\d+\\\\nready$",
                                         attr(pod, "label"), 0, 0));
        assert_string_equal(attr(pod, "style"), "rounded,filled");
    }
    /* One CoreDNS pod on each of two nodes. */
    g_autoptr(GPtrArray) coredns = nodes_with_prefix(graph, "pod/kube-system/coredns-");
    g_autoptr(GPtrArray) coredns2 = nodes_with_prefix(worker2, "pod/kube-system/coredns-");

    assert_int_equal(coredns->len, 2);
    assert_int_equal(coredns2->len, 1);
    agclose(graph);
}

static void
test_topology_lab_services_point_at_their_endpoints(void **state)
{
    (void) state;
    Agraph_t *graph = lab_graph(NULL);
    Agraph_t *services = find_cluster(graph, "cluster_services");
    Agnode_t *web = find_node(services, "svc/default/web");
    Agnode_t *headless = find_node(services, "svc/default/web-hl");
    Agnode_t *dns = find_node(services, "svc/kube-system/kube-dns");

    assert_true(g_regex_match_simple("^web\\\\nNodePort 10\\.\\d+\\.\\d+\\.\\d+\\\\n80:3\\d{4}/TCP\\\\nselector app=web$",
                                     attr(web, "label"), 0, 0));
    assert_string_equal(attr(web, "shape"), "box3d");
    assert_non_null(strstr(attr(headless, "label"), "headless (clusterIP None)"));
    assert_string_equal(attr(headless, "style"), "dashed,filled");
    assert_true(g_str_has_prefix(attr(dns, "label"), "kube-system/kube-dns (cluster DNS)\\nClusterIP 10.96.0.10"));
    assert_string_equal(attr(dns, "penwidth"), "2");

    /* Ready endpoints: solid edges labelled with the target port. */
    for (Agedge_t *e = agfstout(graph, web); e != NULL; e = agnxtout(graph, e)) {
        assert_true(g_str_has_prefix(agnameof(aghead(e)), "pod/default/web-"));
        assert_string_equal(attr(e, "label"), "80/TCP");
        assert_string_equal(attr(e, "style"), "solid");
    }
    assert_int_equal(n_edges_out(graph, "svc/default/web"), 2);
    assert_int_equal(n_edges_out(graph, "svc/default/web-hl"), 2);
    assert_int_equal(n_edges_out(graph, "svc/kube-system/kube-dns"), 2);
    assert_string_equal(attr(agfstout(graph, dns), "label"), "53/UDP 53/TCP 9153/TCP");
    /* `kubernetes` points at the API server on the control plane, an
     * address and not a pod (the slice the API server writes). */
    assert_int_equal(n_edges_out(graph, "svc/default/kubernetes"), 1);
    assert_string_equal(agnameof(aghead(agfstout(graph, find_node(graph, "svc/default/kubernetes")))),
                        "address/172.18.0.2");
    agclose(graph);
}

static void
test_topology_lab_outside_holds_hosts_nodeports_and_external_names(void **state)
{
    (void) state;
    Agraph_t *graph = lab_graph(NULL);
    Agraph_t *outside = find_cluster(graph, "cluster_outside");
    Agnode_t *laptop = find_node(outside, "host/laptop");
    g_autoptr(GPtrArray) node_ports = nodes_with_prefix(outside, "nodeport/");
    Agnode_t *example = find_node(outside, "external/example.com");
    Agnode_t *alias = find_node(graph, "svc/default/example-ext");
    Agedge_t *cname = agedge(graph, example, alias, NULL, FALSE);

    assert_string_equal(attr(laptop, "label"), "laptop\\n203.0.113.7");
    /* The NodePort leads into web. */
    assert_int_equal(node_ports->len, 1);
    Agedge_t *into = agfstout(graph, find_node(graph, node_ports->pdata[0]));

    assert_non_null(into);
    assert_string_equal(agnameof(aghead(into)), "svc/default/web");
    /* The ExternalName Service aliases a name the outside DNS knows. */
    assert_string_equal(attr(example, "label"), "example.com\\n93.184.215.14");
    assert_string_equal(attr(alias, "shape"), "note");
    assert_non_null(cname);
    assert_string_equal(attr(cname, "label"), "CNAME");
    assert_string_equal(attr(cname, "dir"), "back");
    find_cluster(graph, "cluster_legend");
    agclose(graph);
}

static void
test_topology_lab_dot_is_the_same_on_every_replay(void **state)
{
    (void) state;
    g_autoptr(KnTopology) a = draw(LAB, LAB_AT, NULL);
    g_autoptr(KnTopology) b = draw(LAB, LAB_AT, NULL);
    g_autofree char *dot_a = kn_topology_to_dot(a);
    g_autofree char *dot_b = kn_topology_to_dot(b);

    assert_true(g_str_has_prefix(dot_a, "digraph \"svc-lab\" {\n"));
    assert_string_equal(dot_a, dot_b);
    /* Rendering lays out a copy: the topology itself is unchanged. */
    g_autofree char *dir = g_dir_make_tmp("knetsim-topology-XXXXXX", NULL);
    g_autofree char *svg = g_build_filename(dir, "lab.svg", NULL);
    g_autofree char *dot_after = NULL;

    assert_true(kn_topology_write(a, KN_TOPOLOGY_FORMAT_SVG, svg, NULL));
    dot_after = kn_topology_to_dot(a);
    assert_string_equal(dot_a, dot_after);
    g_unlink(svg);
    g_rmdir(dir);
}

/*****************************************************************************/
/* Files. */

/* Writes the lab as 'name' in a fresh directory; returns its bytes. */
static GBytes *
write_lab(const char *name)
{
    g_autoptr(KnTopology) topology = draw(LAB, LAB_AT, NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("knetsim-topology-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    KnTopologyFormat format;
    char *data;
    gsize length;

    assert_non_null(dir);
    assert_true(kn_topology_format_for_path(path, &format, &error));
    assert_true(kn_topology_write(topology, format, path, &error));
    g_assert_no_error(error);
    assert_true(g_file_get_contents(path, &data, &length, NULL));
    g_unlink(path);
    g_rmdir(dir);
    return g_bytes_new_take(data, length);
}

static void
test_topology_writes_svg_png_and_dot_files(void **state)
{
    (void) state;
    g_autoptr(GBytes) svg = write_lab("lab.svg");
    g_autoptr(GBytes) png = write_lab("LAB.PNG");
    g_autoptr(GBytes) dot = write_lab("lab.dot");
    g_autoptr(KnTopology) topology = draw(LAB, LAB_AT, NULL);
    g_autofree char *expected_dot = kn_topology_to_dot(topology);
    gsize length;
    const char *text = g_bytes_get_data(svg, &length);
    g_autofree char *svg_text = g_strndup(text, length);

    assert_true(length > 1000);
    assert_true(g_str_has_prefix(svg_text, "<?xml"));
    assert_non_null(strstr(svg_text, "<svg"));
    assert_non_null(strstr(svg_text, "InternalIP 172.18.0.4"));
    assert_true(g_bytes_get_size(png) > 1000);
    assert_memory_equal(g_bytes_get_data(png, NULL), "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(g_bytes_get_size(dot), strlen(expected_dot));
    assert_memory_equal(g_bytes_get_data(dot, NULL), expected_dot, strlen(expected_dot));
}

static void
test_topology_refuses_unknown_extensions(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;
    KnTopologyFormat format = KN_TOPOLOGY_FORMAT_SVG;

    assert_true(kn_topology_format_for_path("out.gv", &format, NULL));
    assert_int_equal(format, KN_TOPOLOGY_FORMAT_DOT);
    assert_false(kn_topology_format_for_path("lab.pdf", &format, &error));
    assert_true(g_error_matches(error, KN_INPUT_ERROR, KN_INPUT_ERROR_USAGE));
    assert_string_equal(error->message,
                        "lab.pdf: unknown output format (expected a name ending in .dot, .gv, .svg or .png)");
    g_clear_error(&error);
    assert_false(kn_topology_format_for_path("svg", &format, &error));
}

/*****************************************************************************/
/* Summaries. */

static void
test_topology_summarises_a_node_past_the_pod_threshold(void **state)
{
    (void) state;
    const KnTopologyOptions options = { .max_pods_per_node = 1, .no_legend = TRUE };
    Agraph_t *graph = lab_graph(&options);
    Agraph_t *worker = find_cluster(find_cluster(graph, "cluster_zone_zone-a"), "cluster_node_svc-lab-worker");
    Agnode_t *summary = find_node(worker, "pods/svc-lab-worker");
    g_autoptr(GPtrArray) pods = nodes_with_prefix(graph, "pod/default/web-");
    Agedge_t *e = agedge(graph, find_node(graph, "svc/default/web"), summary, NULL, FALSE);

    assert_string_equal(attr(summary, "label"), "3 pods: 3 ready");
    assert_int_equal(pods->len, 0);
    assert_non_null(e);
    assert_string_equal(attr(e, "label"), "2 endpoints");
    assert_int_equal(n_edges_out(graph, "svc/default/web"), 1);
    /* Nodes with one pod keep it; the picture says what was summarised. */
    g_autoptr(GPtrArray) coredns = nodes_with_prefix(find_cluster(graph, "cluster_zone_zone-b"),
                                                     "pod/kube-system/coredns-");

    assert_int_equal(coredns->len, 1);
    assert_non_null(strstr(attr(graph, "label"),
                           "summarised: 1 node with more than 1 pods shows a count of its pods"));
    assert_null(agsubg(graph, (char *) "cluster_legend", FALSE));
    agclose(graph);
}

/* Three pods that no node can take: they stay Pending, unscheduled. */
static const char unschedulable[] =
    "apiVersion: knetsim/v1\n"
    "kind: Scenario\n"
    "metadata: {name: nowhere}\n"
    "cluster:\n"
    "  nodes: [{name: only-node}]\n"
    "steps: [{wait: 5s}]\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: gpu}\n"
    "spec:\n"
    "  replicas: 3\n"
    "  selector: {matchLabels: {app: gpu}}\n"
    "  template:\n"
    "    metadata: {labels: {app: gpu}}\n"
    "    spec:\n"
    "      nodeSelector: {accelerator: gpu}\n"
    "      containers: [{name: app, image: nginx:1.27}]\n";

static Agraph_t *
unschedulable_graph(const KnTopologyOptions *options)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load_data("nowhere.yaml", unschedulable,
                                                           sizeof unschedulable - 1, &error);
    g_assert_no_error(error);
    g_autoptr(KnTopology) topology = draw_scenario(scenario, KN_TIME_MAX, options);
    g_autofree char *dot = kn_topology_to_dot(topology);

    return agmemread(dot);
}

static void
test_topology_pods_no_node_takes_wait_apart(void **state)
{
    (void) state;
    const KnTopologyOptions few = { .max_pods_per_node = 2 };
    Agraph_t *each = unschedulable_graph(NULL);
    Agraph_t *summed = unschedulable_graph(&few);
    g_autoptr(GPtrArray) pods = nodes_with_prefix(find_cluster(each, "cluster_unscheduled"), "pod/default/gpu-");

    assert_int_equal(pods->len, 3);
    assert_true(g_str_has_suffix(attr(find_node(each, pods->pdata[0]), "label"), "\\n<no IP>\\npending"));
    assert_string_equal(attr(find_node(each, pods->pdata[0]), "style"), "rounded,dashed");
    assert_string_equal(attr(find_node(find_cluster(summed, "cluster_unscheduled"), "unscheduled/pods"), "label"),
                        "3 pods: 3 pending");
    agclose(each);
    agclose(summed);
}

static void
test_topology_renders_100_nodes_and_1000_pods_summarised_per_zone(void **state)
{
    (void) state;
    g_autoptr(KnTopology) topology = draw(CAPACITY, KN_TIME_MAX, NULL);
    g_autofree char *dot = kn_topology_to_dot(topology);
    Agraph_t *graph = agmemread(dot);
    g_autoptr(GPtrArray) pods = nodes_with_prefix(graph, "pod/");
    g_autoptr(GPtrArray) nodes = nodes_with_prefix(graph, "node/");
    g_autofree char *dir = g_dir_make_tmp("knetsim-topology-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "capacity.svg", NULL);
    g_autoptr(GError) error = NULL;
    GStatBuf st;

    assert_true(kn_topology_is_collapsed(topology));
    assert_int_equal(pods->len, 0);
    assert_int_equal(nodes->len, 100);
    assert_string_equal(attr(find_node(graph, "node/cap-worker-42"), "label"),
                        "cap-worker-42\\n172.18.0.44  10.244.42.0/24\\nroles <none>  Ready\\n10 pods: 10 ready");
    assert_non_null(strstr(attr(graph, "label"), "1002 pods"));
    assert_non_null(strstr(attr(graph, "label"), "summarised: with more than 40 nodes"));
    /* Each Service has one edge per zone it has endpoints in. */
    Agedge_t *e = agfstout(graph, find_node(graph, "svc/default/app-0"));

    assert_int_equal(n_edges_out(graph, "svc/default/app-0"), 4);
    assert_true(g_str_has_prefix(attr(e, "lhead"), "cluster_zone_zone-"));
    assert_true(g_regex_match_simple("^\\d+ endpoints on \\d+ nodes$", attr(e, "label"), 0, 0));

    gint64 start = g_get_monotonic_time();

    assert_true(kn_topology_write(topology, KN_TOPOLOGY_FORMAT_SVG, path, &error));
    g_assert_no_error(error);

    double seconds = (g_get_monotonic_time() - start) / 1e6;

    assert_int_equal(g_stat(path, &st), 0);
    print_message("100 nodes, 1,000 pods: SVG of %ld bytes in %.2f s\n", (long) st.st_size, seconds);
    /* Generous bounds for slow machines; it takes well under a second. */
    assert_true(seconds < 30);
    assert_true(st.st_size > 10000 && st.st_size < 2 * 1024 * 1024);
    g_unlink(path);
    g_rmdir(dir);
    agclose(graph);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topology_lab_nests_nodes_in_zones_and_pods_in_nodes),
        cmocka_unit_test(test_topology_lab_services_point_at_their_endpoints),
        cmocka_unit_test(test_topology_lab_outside_holds_hosts_nodeports_and_external_names),
        cmocka_unit_test(test_topology_lab_dot_is_the_same_on_every_replay),
        cmocka_unit_test(test_topology_writes_svg_png_and_dot_files),
        cmocka_unit_test(test_topology_refuses_unknown_extensions),
        cmocka_unit_test(test_topology_summarises_a_node_past_the_pod_threshold),
        cmocka_unit_test(test_topology_pods_no_node_takes_wait_apart),
        cmocka_unit_test(test_topology_renders_100_nodes_and_1000_pods_summarised_per_zone),
    };
    return cmocka_run_group_tests_name("topology", tests, setup, NULL);
}
