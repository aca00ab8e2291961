/* envelope.c -- the scalability envelope of envelope.h.
 *
 * DOC: The shape follows the Kubernetes scalability thresholds
 * (kubernetes/community sig-scalability/configs-and-limits/thresholds.md):
 * up to 5,000 nodes, 150,000 pods and 10,000 Services.  Nodes spread over
 * three zones; every Service selects the pods of one Deployment, and the
 * Deployments share the pods evenly; objects spread over the namespaces.
 * Everything goes through the API server (allocation, validation) and the
 * real controllers, and the simulation runs until no event is left. */

#include <config.h>
#include "models/envelope.h"

#include <string.h>

#include "models/apiserver.h"
#include "models/cluster.h"
#include "models/endpointslice-sync.h"
#include "models/net.h"
#include "models/proxy-iptables.h"
#include "models/scenario.h"
#include "models/workload.h"

static KnScenario *
envelope_scenario(const KnEnvelopeSize *size)
{
    g_autofree char *yaml = NULL;
    g_autoptr(GString) text = g_string_new("apiVersion: knetsim/v1\nkind: Scenario\n"
                                           "metadata: {name: envelope}\n"
                                           "external:\n  dns: {api.github.com: [140.82.112.6], "
                                           "example.com: [93.184.215.14]}\n"
                                           "cluster:\n  nodeCIDR: 172.16.0.0/12\n"
                                           "  podCIDR: 10.0.0.0/10\n  nodes:\n"
                                           "  - {name: control-plane, roles: [control-plane], zone: zone-a, cpu: 8}\n");
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < size->nodes; i++)
        g_string_append_printf(text, "  - {name: node-%u, zone: zone-%c, cpu: 8}\n", i, 'a' + i % 3);
    KnScenario *scenario = kn_scenario_load_data("envelope", text->str, text->len, &error);

    g_assert_no_error(error);
    return scenario;
}

static void
add_workload(KnCluster *cluster, const char *namespace, guint index, guint replicas)
{
    g_autofree char *name = g_strdup_printf("svc-%u", index);
    KnDeployment *d = kn_deployment_new();
    KnContainer *c = kn_container_new();
    KnContainerPort *p = kn_container_port_new();
    KnService *s = kn_service_new();
    KnServicePort *sp = kn_service_port_new();
    g_autoptr(GError) error = NULL;

    d->meta.namespace = g_strdup(namespace);
    d->meta.name = g_strdup(name);
    kn_labels_set(d->meta.labels, "app", name);
    kn_labels_set(d->selector, "app", name);
    kn_labels_set(d->template.labels, "app", name);
    d->replicas = replicas;
    c->name = g_strdup("app");
    c->image = g_strdup("registry.k8s.io/e2e-test-images/agnhost:2.52");
    g_ptr_array_add(c->command, g_strdup("netexec"));      /* args: the image's entrypoint runs them */
    g_ptr_array_add(c->command, g_strdup("--http-port=8080"));
    p->name = g_strdup("http");
    p->container_port = 8080;
    g_ptr_array_add(c->ports, p);
    g_ptr_array_add(d->template.spec.containers, c);
    if (!kn_apiserver_create(cluster, KN_KIND_DEPLOYMENT, d, &error))
        g_error("envelope: %s", error->message);

    s->meta.namespace = g_strdup(namespace);
    s->meta.name = g_strdup(name);
    s->spec.selector = kn_labels_new();
    kn_labels_set(s->spec.selector, "app", name);
    sp->name = g_strdup("http");
    sp->port = 80;
    kn_int_or_string_set_string(&sp->target_port, "http");
    g_ptr_array_add(s->spec.ports, sp);
    if (!kn_apiserver_create(cluster, KN_KIND_SERVICE, s, &error))
        g_error("envelope: %s", error->message);
}

/* Makes a Deployment and a Service for each of the envelope's Services. */
static void
add_workloads(KnCluster *cluster, const KnEnvelopeSize *size)
{
    /* The namespaces first, as any cluster has them (CoreDNS answers
     * NXDOMAIN for names in a namespace that does not exist). */
    for (guint i = 0; i < MAX(size->namespaces, 1); i++) {
        KnNamespace *namespace = kn_namespace_new();
        g_autoptr(GError) error = NULL;

        namespace->meta.name = g_strdup_printf("ns-%u", i);
        kn_labels_set(namespace->meta.labels, "kubernetes.io/metadata.name", namespace->meta.name);
        if (!kn_apiserver_create(cluster, KN_KIND_NAMESPACE, namespace, &error))
            g_error("envelope: %s", error->message);
    }
    for (guint i = 0; i < size->services; i++) {
        g_autofree char *namespace = g_strdup_printf("ns-%u", i % MAX(size->namespaces, 1));
        guint replicas = size->pods / size->services + (i < size->pods % size->services);

        add_workload(cluster, namespace, i, replicas);
    }
}

/* A running envelope: the cluster with its controllers, settled. */
typedef struct {
    KnScenario *scenario;
    KnSim *sim;
    KnCluster *cluster;
    KnWorkloads *workloads;
    KnEndpointSliceSync *slices;
} Envelope;

/* Builds the envelope of 'size' with 'seed' and runs it until no event is
 * left.  Clear with envelope_clear(). */
static void
envelope_build(Envelope *e, const KnEnvelopeSize *size, guint64 seed)
{
    g_autoptr(GError) error = NULL;

    e->scenario = envelope_scenario(size);
    e->sim = kn_sim_new(seed);
    e->cluster = kn_cluster_new(e->scenario, e->sim, &error);
    g_assert_no_error(error);
    kn_recorder_set_enabled(e->cluster->recorder, FALSE);    /* what the benches size is the network */
    e->workloads = kn_workloads_new(e->cluster);
    e->slices = kn_endpointslice_sync_new(e->cluster, 0);
    add_workloads(e->cluster, size);
    kn_sim_run_until(e->sim, KN_TIME_MAX);
}

static void
envelope_clear(Envelope *e)
{
    kn_endpointslice_sync_free(e->slices);
    kn_workloads_free(e->workloads);
    kn_cluster_free(e->cluster);
    kn_sim_free(e->sim);
    kn_scenario_free(e->scenario);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Envelope, envelope_clear)

void
kn_envelope_run(const KnEnvelopeSize *size, guint64 seed, KnEnvelopeReport *report)
{
    gint64 start = g_get_monotonic_time();
    g_auto(Envelope) e = { 0 };

    envelope_build(&e, size, seed);

    KnSim *sim = e.sim;
    KnCluster *cluster = e.cluster;
    KnEndpointSliceSync *slices = e.slices;

    g_autoptr(GPtrArray) pods = kn_store_list(cluster->store, KN_KIND_POD, NULL);
    g_autoptr(GPtrArray) all_slices = kn_store_list(cluster->store, KN_KIND_ENDPOINT_SLICE, NULL);

    memset(report, 0, sizeof *report);
    for (guint i = 0; i < pods->len; i++)
        report->pods_ready += ((KnPod *) pods->pdata[i])->ready;
    for (guint i = 0; i < all_slices->len; i++) {
        KnEndpointSlice *slice = all_slices->pdata[i];

        for (guint j = 0; j < slice->endpoints->len; j++)
            report->endpoints_ready += ((KnEndpoint *) slice->endpoints->pdata[j])->ready;
    }
    report->n_events = kn_sim_n_events(sim);
    report->settled = kn_sim_now(sim);
    const KnEndpointSliceStats *stats = kn_endpointslice_sync_stats(slices);

    report->syncs = stats->syncs;
    report->slice_writes = stats->slice_writes;
    report->slice_bytes = stats->slice_bytes;
    report->endpoints_writes = stats->endpoints_writes;
    report->endpoints_bytes = stats->endpoints_bytes;
    report->wall_s = (double) (g_get_monotonic_time() - start) / 1e6;
}

/*****************************************************************************/
/* Load: what one lane of a benchmark starts, from its own pods, at its
 * share of the rate (a Poisson process), from a stream of its own. */

typedef struct {
    KnRng *rng;
    GPtrArray *clients;          /* KnNetns * of the lane's pods */
    GPtrArray *names;            /* char *: for each client, a name it looks up (bench dns) */
    const GPtrArray *targets;    /* KnAddr * of the ClusterIPs (bench dataplane) */
    GBytes *request;             /* what each request sends (bench dataplane) */
    guint64 left;                /* still to start */
    double mean_gap_ns;
    guint64 started, ok, failed;
} Load;

/* Puts the data path on 'n_lanes' lanes if it can and returns how many it
 * has, each load with its empty client arrays. */
static guint
loads_init(KnNet *net, KnSim *sim, guint n_lanes, Load *loads)
{
    if (!kn_net_set_lanes(net, n_lanes))
        kn_net_set_lanes(net, 1);
    n_lanes = kn_sim_n_lanes(sim);
    for (guint i = 0; i < n_lanes; i++) {
        loads[i] = (Load) { .clients = g_ptr_array_new(), .names = g_ptr_array_new_with_free_func(g_free) };
    }
    return n_lanes;
}

/* Shares 'total' starts at 'rate' per simulated second out between the
 * lanes in proportion to their pods, and schedules each lane's first
 * 'klass' event.  The streams are 'stream' with one lane, 'stream/lane-I'
 * with several. */
static void
loads_start(KnSim *sim, Load *loads, guint n_lanes, guint64 total, double rate, const char *stream,
            const KnEventClass *klass)
{
    guint64 n_clients = 0, before = 0;

    for (guint i = 0; i < n_lanes; i++)
        n_clients += loads[i].clients->len;
    if (n_clients == 0)
        return;
    for (guint i = 0; i < n_lanes; i++) {
        Load *load = &loads[i];
        g_autofree char *name = n_lanes == 1 ? g_strdup(stream) : g_strdup_printf("%s/lane-%u", stream, i);

        /* The shares add up to 'total' (at most 2^40, pods far fewer than 2^24). */
        load->left = total * (before + load->clients->len) / n_clients - total * before / n_clients;
        before += load->clients->len;
        if (load->left == 0)
            continue;
        load->rng = kn_sim_rng(sim, name);
        load->mean_gap_ns = 1e9 / (rate * (double) load->clients->len / (double) n_clients);
        kn_sim_schedule_on(sim, i, 0, klass, load);
    }
}

/* Adds up the lanes' counts into '*started', '*ok' and '*failed', and
 * frees the loads' arrays. */
static void
loads_finish(Load *loads, guint n_lanes, guint64 *started, guint64 *ok, guint64 *failed)
{
    for (guint i = 0; i < n_lanes; i++) {
        *started += loads[i].started;
        *ok += loads[i].ok;
        *failed += loads[i].failed;
        g_ptr_array_unref(loads[i].clients);
        g_ptr_array_unref(loads[i].names);
        g_clear_pointer(&loads[i].request, g_bytes_unref);
    }
}

/* The next start of 'load' after this one, if any is left. */
static void
load_next(KnSim *sim, Load *load, const KnEventClass *klass)
{
    load->started++;
    if (--load->left > 0)
        kn_sim_schedule_in(sim, (KnTime) kn_rng_exponential(load->rng, load->mean_gap_ns) + 1, klass, load);
}

/*****************************************************************************/
/* Requests through the data path. */

static void on_arrival(KnSim *sim, gpointer data);

static const KnEventClass arrival_class = { "bench-request", on_arrival, NULL };

static void
on_answer(const KnTcpResult *result, gpointer user_data)
{
    Load *load = user_data;

    if (result->status == KN_NET_OK && g_bytes_get_size(result->received) > 12
        && memcmp(g_bytes_get_data(result->received, NULL), "HTTP/1.1 200", 12) == 0)
        load->ok++;
    else
        load->failed++;
}

/* One request from a random pod of the lane to a random Service. */
static void
on_arrival(KnSim *sim, gpointer data)
{
    Load *load = data;
    KnNetns *from = load->clients->pdata[kn_rng_below(load->rng, load->clients->len)];
    const KnAddr *to = load->targets->pdata[kn_rng_below(load->rng, load->targets->len)];
    KnNetClient *client = kn_netns_client(from);
    KnTcpRequest request = { .dst = *to, .port = 80, .send = load->request, .http = TRUE,
                             .connect_timeout = 10 * KN_SEC };

    client->klass->tcp_exchange(client->self, &request, on_answer, load);
    load_next(sim, load, &arrival_class);
}

void
kn_envelope_dataplane(const KnEnvelopeSize *size, guint64 requests, double rate, guint64 seed,
                      guint n_lanes, KnDataplaneReport *report)
{
    gint64 start = g_get_monotonic_time();
    g_auto(Envelope) e = { 0 };
    static const char http_get[] = "GET / HTTP/1.1\r\nHost: svc\r\nUser-Agent: curl/8.7.1\r\n"
                                   "Accept: */*\r\n\r\n";

    memset(report, 0, sizeof *report);
    envelope_build(&e, size, seed);

    KnSim *sim = e.sim;
    KnCluster *cluster = e.cluster;

    g_autoptr(KnNet) net = kn_net_new(cluster);
    g_autoptr(GPtrArray) pods = kn_store_list(cluster->store, KN_KIND_POD, NULL);
    g_autoptr(GPtrArray) services = kn_store_list(cluster->store, KN_KIND_SERVICE, NULL);
    g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func(g_free);
    Load loads[KN_SIM_MAX_LANES];

    n_lanes = report->lanes = loads_init(net, sim, n_lanes, loads);
    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];
        KnNetns *ns = kn_net_pod(net, pod->meta.namespace, pod->meta.name);

        if (ns != NULL && g_str_has_prefix(pod->meta.name, "svc-"))
            g_ptr_array_add(loads[kn_netns_lane(ns)].clients, ns);
    }
    for (guint i = 0; i < services->len; i++) {
        const KnService *service = services->pdata[i];
        KnAddr *addr = g_new(KnAddr, 1);

        if (g_str_has_prefix(service->meta.name, "svc-") && kn_addr_parse(service->spec.cluster_ip, addr))
            g_ptr_array_add(targets, addr);
        else
            g_free(addr);
    }
    for (guint i = 0; i < n_lanes; i++) {
        loads[i].targets = targets;
        /* Its own: every request's packets count references to it. */
        loads[i].request = g_bytes_new_static(http_get, sizeof http_get - 1);
    }
    report->build_s = (double) (g_get_monotonic_time() - start) / 1e6;

    KnTime begin = kn_sim_now(sim);
    guint64 events = kn_sim_n_events(sim);

    if (targets->len > 0)
        loads_start(sim, loads, n_lanes, requests, rate, "bench-load", &arrival_class);
    start = g_get_monotonic_time();
    kn_sim_run_until(sim, KN_TIME_MAX);
    report->run_s = (double) (g_get_monotonic_time() - start) / 1e6;
    report->sim_time = kn_sim_now(sim) - begin;
    report->n_events = kn_sim_n_events(sim) - events;

    KnNetStats stats = kn_net_stats(net);

    report->packets = stats.n_packets;
    report->rules = stats.n_rules;
    loads_finish(loads, n_lanes, &report->requests, &report->ok, &report->failed);
}

/*****************************************************************************/
/* One node's kube-proxy rules for the envelope. */

static int
compare_doubles(gconstpointer a, gconstpointer b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

void
kn_envelope_render(const KnEnvelopeSize *size, guint64 seed, guint n_runs, KnEnvelopeRenderReport *report)
{
    gint64 start = g_get_monotonic_time();
    g_auto(Envelope) e = { 0 };
    g_autoptr(GArray) totals = g_array_new(FALSE, FALSE, sizeof(double));
    g_autoptr(GArray) syncs = g_array_new(FALSE, FALSE, sizeof(double));
    KnProxyIptablesConfig config;

    memset(report, 0, sizeof *report);
    envelope_build(&e, size, seed);

    KnSim *sim = e.sim;
    KnCluster *cluster = e.cluster;
    report->cluster_s = (double) (g_get_monotonic_time() - start) / 1e6;

    /* node-0's kube-proxy, configured as iptables_sync() does. */
    const KnNode *node = kn_store_lookup(cluster->store, KN_KIND_NODE, NULL, "node-0");

    kn_proxy_iptables_config_init(&config);
    config.node_name = "node-0";
    config.cluster_cidr = cluster->scenario->pod_cidr;
    if (node != NULL) {
        config.node_ip = node->internal_ip;
        config.node_zone = kn_labels_get(node->meta.labels, "topology.kubernetes.io/zone");
    }
    for (guint i = 0; i < MAX(n_runs, 1); i++) {
        gint64 begin = g_get_monotonic_time();
        KnProxyIptablesStats stats;
        g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_iptables_build(cluster->store, &config, &stats);
        gint64 synced = g_get_monotonic_time();
        g_autofree char *date = kn_proxy_ir_date(kn_sim_now(sim));
        g_autoptr(GString) out = g_string_sized_new(64 << 20);

        kn_proxy_ir_render(ruleset, date, out);

        double total = (double) (g_get_monotonic_time() - begin) / 1e6;
        double sync = (double) (synced - begin) / 1e6;

        g_array_append_val(totals, total);
        g_array_append_val(syncs, sync);
        report->n_service_ports = stats.n_service_ports;
        report->n_endpoints = stats.n_endpoints;
        report->n_rules = stats.n_rules;
        report->bytes = out->len;
    }
    g_array_sort(totals, compare_doubles);
    g_array_sort(syncs, compare_doubles);
    report->render_s = g_array_index(totals, double, totals->len / 2);
    report->sync_s = g_array_index(syncs, double, syncs->len / 2);
}

/*****************************************************************************/
/* Lookups through the pods' resolvers and CoreDNS. */

static void on_lookup(KnSim *sim, gpointer data);

static const KnEventClass lookup_class = { "bench-lookup", on_lookup, NULL };

static void
on_resolved_name(const KnResolveResult *result, gpointer user_data)
{
    Load *load = user_data;

    if (result->found)
        load->ok++;
    else
        load->failed++;
}

/* One lookup from a random pod of the lane: its own Service's short name,
 * the same as an FQDN, or an outside name, a third each. */
static void
on_lookup(KnSim *sim, gpointer data)
{
    Load *load = data;
    guint i = (guint) kn_rng_below(load->rng, load->clients->len);
    KnNetClient *client = kn_netns_client(load->clients->pdata[i]);
    const char *service = load->names->pdata[i];
    g_autofree char *fqdn = NULL;
    const char *name;

    /* The resolver copies the name: only the FQDN is made. */
    switch (kn_rng_below(load->rng, 3)) {
    case 0:
        name = service;
        break;
    case 1:
        name = fqdn = g_strconcat(service, ".", kn_netns_namespace(load->clients->pdata[i]), ".svc.cluster.local",
                                  NULL);
        break;
    default:
        name = "api.github.com";
        break;
    }
    client->klass->resolve(client->self, name, on_resolved_name, load);
    load_next(sim, load, &lookup_class);
}

void
kn_envelope_dns(const KnEnvelopeSize *size, guint64 lookups, double rate, guint64 seed, guint n_lanes,
                KnDnsBenchReport *report)
{
    gint64 start = g_get_monotonic_time();
    g_auto(Envelope) e = { 0 };

    memset(report, 0, sizeof *report);
    envelope_build(&e, size, seed);

    g_autoptr(KnNet) net = kn_net_new(e.cluster);
    g_autoptr(GPtrArray) pods = kn_store_list(e.cluster->store, KN_KIND_POD, NULL);
    Load loads[KN_SIM_MAX_LANES];

    n_lanes = report->lanes = loads_init(net, e.sim, n_lanes, loads);
    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];
        KnNetns *ns = kn_net_pod(net, pod->meta.namespace, pod->meta.name);
        const char *app = kn_labels_get(pod->meta.labels, "app");

        if (ns != NULL && app != NULL && g_str_has_prefix(pod->meta.name, "svc-")) {
            g_ptr_array_add(loads[kn_netns_lane(ns)].clients, ns);
            g_ptr_array_add(loads[kn_netns_lane(ns)].names, g_strdup(app));
        }
    }
    report->build_s = (double) (g_get_monotonic_time() - start) / 1e6;

    KnTime begin = kn_sim_now(e.sim);

    loads_start(e.sim, loads, n_lanes, lookups, rate, "bench-lookups", &lookup_class);
    start = g_get_monotonic_time();
    kn_sim_run_until(e.sim, KN_TIME_MAX);
    report->run_s = (double) (g_get_monotonic_time() - start) / 1e6;
    report->sim_time = kn_sim_now(e.sim) - begin;
    report->packets = kn_net_stats(net).n_packets;
    loads_finish(loads, n_lanes, &report->lookups, &report->ok, &report->failed);
}
