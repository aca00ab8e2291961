/* knetsim.c -- main(): the `knetsim` command line of DESIGN.md.
 *
 * Each subcommand has its own GOptionContext, so `knetsim SUB --help` shows
 * its options.  Exit status: 0 success, 1 a failed expectation or a run-time
 * error, 2 bad input (command line, YAML), as every subcommand documents.
 * This is the one file in sim/ that may include models/ and viz/. */

#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <yaml.h>

#include "models/capture.h"
#include "models/cluster.h"
#include "models/envelope.h"
#include "models/net.h"
#include "models/probe.h"
#include "sim/dns-wire.h"
#include "models/proxy-iptables.h"
#include "models/proxy-ipvs.h"
#include "models/store.h"
#include "models/replay.h"
#include "models/scenario.h"
#include "sim/bench.h"
#include "sim/diag.h"
#include "sim/sim.h"
#include "viz/graphviz.h"
#include "viz/path.h"
#include "viz/topology.h"

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,             /* an expectation failed; a run-time error */
    EXIT_BAD_INPUT = 2,          /* command line, YAML, manifests */
};

typedef struct Command Command;

struct Command {
    const char *name;
    const char *args;            /* positional arguments, for --help */
    const char *summary;         /* one line, for `knetsim --help` */
    const char *missing;         /* NULL if built; else what it still needs */
    int (*run)(const Command *command, int argc, char **argv);
};

/*****************************************************************************/
/* Usage errors. */

static int G_GNUC_PRINTF(2, 3)
usage_error(const Command *command, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_printerr("knetsim %s: %s\nTry 'knetsim %s --help' for more information.\n",
               command->name, message, command->name);
    return EXIT_BAD_INPUT;
}

/* Parses 'argv' against 'entries'; on an error prints it and returns FALSE. */
static gboolean
parse_options(const Command *command, const GOptionEntry *entries, int *argc, char ***argv)
{
    g_autofree char *parameter = g_strdup_printf("%s - %s", command->args, command->summary);
    g_autoptr(GOptionContext) context = g_option_context_new(parameter);
    g_autoptr(GError) error = NULL;

    g_option_context_add_main_entries(context, entries, NULL);
    if (command->missing != NULL)
        g_option_context_set_description(context, command->missing);
    if (!g_option_context_parse(context, argc, argv, &error)) {
        usage_error(command, "%s", error->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_time_option(const Command *command, const char *option, const char *text, KnTime *out)
{
    g_autoptr(GError) error = NULL;

    if (text == NULL)
        return TRUE;
    if (!kn_time_parse(text, out, &error)) {
        usage_error(command, "%s: %s", option, error->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_u64_option(const Command *command, const char *option, const char *text, guint64 min,
                 guint64 max, guint64 *out)
{
    if (text == NULL)
        return TRUE;
    if (!g_ascii_string_to_unsigned(text, 10, min, max, out, NULL)) {
        usage_error(command, "%s: expected an integer from %" G_GUINT64_FORMAT " to %"
                    G_GUINT64_FORMAT ", found '%s'", option, min, max, text);
        return FALSE;
    }
    return TRUE;
}

/* Prints a bad-input error and returns the exit status for it. */
static int
input_error(const GError *error)
{
    g_printerr("%s\n", error->message);
    return error->domain == KN_INPUT_ERROR ? EXIT_BAD_INPUT : EXIT_FAILED;
}

/*****************************************************************************/
/* Pictures of the topology, drawn when a replay ends. */

typedef struct {
    const char *path;            /* borrowed; NULL: standard output (as DOT) */
    KnTopologyFormat format;
    GError *error;               /* why the picture was not written, or NULL */
} Picture;

/* KnReplayOptions.at_end: draws the cluster into 'data' (a Picture). */
static void
on_replay_end_draw(const KnReplayState *state, gpointer data)
{
    Picture *picture = data;
    g_autoptr(KnTopology) topology = kn_topology_new(state->cluster, NULL);

    kn_topology_write(topology, picture->format, picture->path, &picture->error);
}

/* TRUE if 'picture' was written; otherwise says why and frees the error. */
static gboolean
picture_written(Picture *picture)
{
    if (picture->error != NULL) {
        g_printerr("knetsim: %s\n", picture->error->message);
        g_clear_error(&picture->error);
        return FALSE;
    }
    return TRUE;
}

static int
run_run(const Command *command, int argc, char **argv)
{
    g_autofree char *seed_text = NULL, *until_text = NULL;
    g_autofree char *pcap = NULL, *events = NULL, *dot = NULL;
    gboolean explain_on = FALSE;
    const GOptionEntry entries[] = {
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, "Seed the random streams with N instead of the scenario's seed", "N" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain_on, "Narrate every decision the simulation makes", NULL },
        { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &pcap, "Write the packets to FILE as pcapng", "FILE" },
        { "events", 0, 0, G_OPTION_ARG_FILENAME, &events, "Write one JSON line per event to FILE", "FILE" },
        { "dot", 0, 0, G_OPTION_ARG_FILENAME, &dot, "Write the topology at the end as DOT to FILE", "FILE" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &until_text, "Stop at simulated time TIME (e.g. 90s)", "TIME" },
        { NULL },
    };
    guint64 seed = 0;
    KnTime until = KN_TIME_MAX;

    if (!parse_options(command, entries, &argc, &argv)
        || !parse_u64_option(command, "--seed", seed_text, 0, G_MAXUINT64, &seed)
        || !parse_time_option(command, "--until", until_text, &until))
        return EXIT_BAD_INPUT;
    if (argc != 2)
        return usage_error(command, argc < 2 ? "missing SCENARIO.yaml" : "too many arguments");
    Picture picture = { .path = dot };

    if (dot != NULL && !kn_topology_format_for_path(dot, &picture.format, &picture.error))
        return usage_error(command, "--dot: %s", picture.error->message);

    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(argv[1], &error);
    KnReplayReport report;

    if (scenario == NULL)
        return input_error(error);

    g_autoptr(KnCapture) capture = NULL;

    if ((pcap != NULL || events != NULL) && (capture = kn_capture_new(pcap, events, &error)) == NULL) {
        g_printerr("knetsim: %s\n", error->message);
        return EXIT_FAILED;
    }

    KnReplayOptions options = {
        .seed = seed_text != NULL ? seed : scenario->seed,
        .until = until,
        .explain = explain_on,
        .transcript = stdout,
        .failures = stderr,
        .capture = capture,
        .at_end = dot != NULL ? on_replay_end_draw : NULL,
        .at_end_data = &picture,
    };

    if (!kn_replay_run(scenario, &options, &report, &error))
        return input_error(error);
    if (capture != NULL && !kn_capture_close(capture, &error)) {
        g_printerr("knetsim: %s\n", error->message);
        return EXIT_FAILED;
    }
    if (!picture_written(&picture))
        return EXIT_FAILED;
    return report.n_failed > 0 ? EXIT_FAILED : EXIT_OK;
}

static int
run_check(const Command *command, int argc, char **argv)
{
    const GOptionEntry entries[] = { { NULL } };
    guint n_passed = 0, n_failed = 0;
    int status = EXIT_OK;

    if (!parse_options(command, entries, &argc, &argv))
        return EXIT_BAD_INPUT;
    if (argc < 2)
        return usage_error(command, "missing SCENARIO.yaml");
    for (int i = 1; i < argc; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(KnScenario) scenario = kn_scenario_load(argv[i], &error);

        if (scenario == NULL) {
            int failed = input_error(error);

            status = MAX(status, failed);
            continue;
        }
        /* The transcript is not shown; only the expectations' grades are. */
        KnReplayOptions options = { .seed = scenario->seed, .until = KN_TIME_MAX, .failures = stdout };
        KnReplayReport report;

        if (!kn_replay_run(scenario, &options, &report, &error)) {
            int failed = input_error(error);

            status = MAX(status, failed);
            continue;
        }
        printf("%s: %u passed, %u failed\n", argv[i], report.n_passed, report.n_failed);
        n_passed += report.n_passed;
        n_failed += report.n_failed;
    }
    printf("%u passed, %u failed\n", n_passed, n_failed);
    if (status == EXIT_OK && n_failed > 0)
        status = EXIT_FAILED;
    return status;
}

static int
run_validate(const Command *command, int argc, char **argv)
{
    const GOptionEntry entries[] = { { NULL } };
    int status = EXIT_OK;

    if (!parse_options(command, entries, &argc, &argv))
        return EXIT_BAD_INPUT;
    if (argc < 2)
        return usage_error(command, "missing FILE.yaml");
    for (int i = 1; i < argc; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(KnScenario) scenario = kn_scenario_load(argv[i], &error);

        /* As kubectl apply --dry-run=server: the manifests go through the
         * API server of a freshly built cluster, and nothing runs. */
        KnReplayOptions options = { .seed = scenario != NULL ? scenario->seed : 0, .validate_only = TRUE };
        KnReplayReport report;

        if (scenario == NULL || !kn_replay_run(scenario, &options, &report, &error)) {
            int failed = input_error(error);

            status = MAX(status, failed);
        } else {
            printf("%s: valid (scenario %s, %u nodes, %u manifests, %u steps)\n", argv[i], scenario->name,
                   scenario->nodes->len, scenario->manifests->len, scenario->steps->len);
        }
    }
    return status;
}

/*****************************************************************************/
/* `rules`: one node's kube-proxy rules, as the mode's own tool prints them
 * (with node-local-dns's where its node-cache runs). */

typedef struct RulesRequest {
    const char *node;
    gboolean nftables;           /* `nft list table ip kube-proxy` rather than iptables-save */
    gboolean ipvs;               /* `ipvsadm -Ln`, `ipset save` and iptables-save of the IPVS mode */
    char **iptables;             /* `iptables` arguments to list them with, or NULL */
    GString *out;                /* the dump or listing */
    GString *err;                /* the listing's errors */
    int status;                  /* the listing's exit status */
} RulesRequest;

static void
on_rules_end(const KnReplayState *state, gpointer user_data)
{
    RulesRequest *request = user_data;

    /* What else the node's kernel holds: node-local-dns's rules (iptables
     * rules, shown beside kube-proxy's where they are iptables rules too). */
    const KnProxyIrRuleset *others = kn_net_node_rules(state->net, request->node);

    if (request->ipvs) {
        /* The data path has no IPVS mode yet: no class, the rules alone. */
        g_autoptr(KnIpvs) ipvs = kn_proxy_ipvs_build_for_node(state->cluster, request->node);
        g_autofree char *date = kn_proxy_ir_date(kn_sim_now(state->cluster->sim));

        if (request->iptables != NULL)
            request->status = kn_net_node_iptables(state->net, request->node, ipvs->rules,
                                                   (const char *const *) request->iptables,
                                                   request->out, request->err);
        else
            kn_proxy_ipvs_render(ipvs, &others, others != NULL, date, request->out);
        return;
    }

    const KnProxyClass *klass = request->nftables ? &kn_proxy_nftables_class : &kn_proxy_iptables_class;
    gpointer proxy = klass->new(state->cluster, request->node);

    klass->sync(proxy);
    if (request->iptables != NULL)      /* iptables mode only: run_rules() refuses it otherwise */
        request->status = kn_net_node_iptables(state->net, request->node, klass->ruleset(proxy),
                                               (const char *const *) request->iptables,
                                               request->out, request->err);
    else if (others != NULL && klass->dump_with != NULL)
        klass->dump_with(proxy, &others, 1, request->out);
    else
        klass->dump(proxy, request->out);
    klass->free(proxy);
}

static int
run_rules(const Command *command, int argc, char **argv)
{
    g_autofree char *node = NULL, *mode = NULL, *at_text = NULL, *iptables = NULL;
    const GOptionEntry entries[] = {
        { "node", 0, 0, G_OPTION_ARG_STRING, &node, "The node whose rules to print", "NAME" },
        { "iptables", 0, 0, G_OPTION_ARG_STRING, &iptables,
          "List them as `iptables ARGS` on the node would (e.g. '-t nat -L -n')", "ARGS" },
        { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "Proxy mode: iptables, nftables, ipvs or ebpf (default: the scenario's)", "MODE" },
        { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, "Simulated time at which to print them (default: the end)", "TIME" },
        { NULL },
    };
    KnTime at = KN_TIME_MAX;

    if (!parse_options(command, entries, &argc, &argv)
        || !parse_time_option(command, "--at", at_text, &at))
        return EXIT_BAD_INPUT;
    if (argc != 2)
        return usage_error(command, argc < 2 ? "missing SCENARIO.yaml" : "too many arguments");
    if (node == NULL)
        return usage_error(command, "missing --node NAME");
    if (mode != NULL && strcmp(mode, "iptables") != 0 && strcmp(mode, "nftables") != 0
        && strcmp(mode, "ipvs") != 0 && strcmp(mode, "ebpf") != 0)
        return usage_error(command, "--mode: expected iptables, nftables, ipvs or ebpf, found '%s'", mode);

    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(argv[1], &error);

    if (scenario == NULL)
        return input_error(error);

    const char *mode_name = mode != NULL ? mode : kn_proxy_mode_name(scenario->proxy_mode);
    gboolean known = FALSE;
    g_autoptr(GString) names = g_string_new(NULL);

    if (strcmp(mode_name, "ebpf") == 0)
        return usage_error(command, "--mode %s: not built yet (the iptables, nftables and ipvs modes have rules so far)",
                           mode_name);
    if (iptables != NULL && strcmp(mode_name, "nftables") == 0)
        return usage_error(command, "--iptables lists iptables rules: kube-proxy's %s mode writes none", mode_name);
    for (guint i = 0; i < scenario->nodes->len; i++) {
        const KnNodeSpec *spec = scenario->nodes->pdata[i];

        known |= strcmp(spec->name, node) == 0;
        g_string_append_printf(names, "%s%s", i > 0 ? ", " : "", spec->name);
    }
    if (!known)
        return usage_error(command, "no node '%s' in scenario %s (its nodes: %s)", node, scenario->name,
                           names->len > 0 ? names->str : "none");

    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    g_auto(GStrv) iptables_argv = NULL;
    RulesRequest request = { .node = node, .nftables = strcmp(mode_name, "nftables") == 0,
                             .ipvs = strcmp(mode_name, "ipvs") == 0, .out = out, .err = err };

    if (iptables != NULL) {
        g_autofree char *line = g_strconcat("iptables ", iptables, NULL);

        if (!g_shell_parse_argv(line, NULL, &iptables_argv, &error))
            return usage_error(command, "--iptables: %s", error->message);
        request.iptables = iptables_argv;
    }
    KnReplayOptions options = {
        .seed = scenario->seed,
        .until = at,
        .at_end = on_rules_end,
        .at_end_data = &request,
    };
    KnReplayReport report;

    if (!kn_replay_run(scenario, &options, &report, &error))
        return input_error(error);
    fwrite(out->str, 1, out->len, stdout);
    fwrite(err->str, 1, err->len, stderr);
    /* The listing's own exit status, as `docker exec NODE iptables` gives it. */
    return request.iptables != NULL ? request.status : EXIT_OK;
}

/* `bench cluster`: the scalability envelope, scaled by 'scale_text' (a
 * fraction such as 0.1; 1 is the whole envelope). */
/* The scalability envelope scaled by --scale (a fraction in (0, 1]); FALSE
 * after a usage error. */
static gboolean
envelope_size(const Command *command, const char *scale_text, KnEnvelopeSize *size)
{
    double scale = 1.0;

    if (scale_text != NULL) {
        char *end;

        scale = g_ascii_strtod(scale_text, &end);
        if (*end != '\0' || !(scale > 0 && scale <= 1)) {
            usage_error(command, "--scale: expected a number in (0, 1], found '%s'", scale_text);
            return FALSE;
        }
    }
    *size = (KnEnvelopeSize) {
        .nodes = MAX((guint) (5000 * scale), 1),
        .services = MAX((guint) (10000 * scale), 1),
        .pods = MAX((guint) (150000 * scale), 1),
        .namespaces = MAX((guint) (100 * scale), 1),
    };
    return TRUE;
}

static int
bench_cluster(const Command *command, const char *scale_text)
{
    struct rusage usage;
    KnEnvelopeSize size;
    KnEnvelopeReport report;

    if (!envelope_size(command, scale_text, &size))
        return EXIT_BAD_INPUT;

    kn_envelope_run(&size, 1, &report);
    getrusage(RUSAGE_SELF, &usage);
    printf("envelope nodes=%u services=%u pods=%u pods_ready=%u endpoints_ready=%u events=%" G_GUINT64_FORMAT "\n",
           size.nodes, size.services, size.pods, report.pods_ready, report.endpoints_ready, report.n_events);
    printf("endpointslice syncs=%" G_GUINT64_FORMAT " slice_writes=%" G_GUINT64_FORMAT " slice_bytes=%"
           G_GUINT64_FORMAT " endpoints_writes=%" G_GUINT64_FORMAT " endpoints_bytes=%" G_GUINT64_FORMAT "\n",
           report.syncs, report.slice_writes, report.slice_bytes, report.endpoints_writes, report.endpoints_bytes);
    printf("wall_s=%.2f peak_rss_mib=%ld\n", report.wall_s, usage.ru_maxrss / 1024);
    return EXIT_OK;
}

/* `bench render`: node-0's iptables-save for the envelope (the render half
 * of `bench dataplane`), the median of 'runs'. */
static int
bench_render(const Command *command, const char *scale_text, guint runs)
{
    KnEnvelopeRenderReport report;
    KnEnvelopeSize size;

    if (!envelope_size(command, scale_text, &size))
        return EXIT_BAD_INPUT;

    kn_envelope_render(&size, 1, runs, &report);
    printf("render node=node-0 services=%u service_ports=%u endpoints=%u rules=%u bytes=%" G_GSIZE_FORMAT
           " cluster_s=%.2f sync_s=%.3f render_s=%.3f\n",
           size.services, report.n_service_ports, report.n_endpoints, report.n_rules, report.bytes,
           report.cluster_s, report.sync_s, report.render_s);
    return EXIT_OK;
}

/* bench dataplane: requests through kube-proxy's rules and the fabric. */
static int
bench_dataplane(const Command *command, guint64 requests, guint threads)
{
    KnEnvelopeSize size = { .nodes = 100, .services = 1000, .pods = 10000, .namespaces = 10 };
    KnDataplaneReport report;
    struct rusage usage;

    (void) command;
    kn_envelope_dataplane(&size, requests, 50000.0, 1, threads, &report);
    getrusage(RUSAGE_SELF, &usage);
    printf("dataplane nodes=%u services=%u pods=%u threads=%u requests=%" G_GUINT64_FORMAT " ok=%" G_GUINT64_FORMAT
           " failed=%" G_GUINT64_FORMAT "\n", size.nodes, size.services, size.pods, report.lanes,
           report.requests, report.ok, report.failed);
    printf("packets=%" G_GUINT64_FORMAT " rules_evaluated=%" G_GUINT64_FORMAT " events=%" G_GUINT64_FORMAT
           " simulated_s=%.3f build_s=%.2f run_s=%.2f peak_rss_mib=%ld\n", report.packets, report.rules,
           report.n_events, (double) report.sim_time / KN_SEC, report.build_s, report.run_s,
           usage.ru_maxrss / 1024);
    fflush(stdout);

    /* The second figure: one node's iptables-save for the whole
     * scalability envelope, as `bench render` measures it (median of 3). */
    KnEnvelopeSize envelope = { .nodes = 5000, .services = 10000, .pods = 150000, .namespaces = 100 };
    KnEnvelopeRenderReport render;

    kn_envelope_render(&envelope, 1, 3, &render);
    printf("render node=node-0 services=%u rules=%u bytes=%" G_GSIZE_FORMAT " sync_s=%.3f\n",
           envelope.services, render.n_rules, render.bytes, render.sync_s);
    printf("requests/s=%.0f render_s=%.3f\n", report.run_s > 0 ? report.requests / report.run_s : 0.0,
           render.render_s);
    return report.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

/* bench dns: lookups through the pods' resolvers and CoreDNS. */
static int
bench_dns(const Command *command, guint64 lookups, guint threads)
{
    KnEnvelopeSize size = { .nodes = 100, .services = 1000, .pods = 10000, .namespaces = 10 };
    KnDnsBenchReport report;
    struct rusage usage;

    (void) command;
    kn_envelope_dns(&size, lookups, 50000.0, 1, threads, &report);
    getrusage(RUSAGE_SELF, &usage);
    printf("dns nodes=%u services=%u pods=%u threads=%u lookups=%" G_GUINT64_FORMAT " ok=%" G_GUINT64_FORMAT
           " failed=%" G_GUINT64_FORMAT "\n", size.nodes, size.services, size.pods, report.lanes, report.lookups,
           report.ok, report.failed);
    printf("packets=%" G_GUINT64_FORMAT " simulated_s=%.3f build_s=%.2f run_s=%.2f peak_rss_mib=%ld\n",
           report.packets, (double) report.sim_time / KN_SEC, report.build_s, report.run_s,
           usage.ru_maxrss / 1024);
    printf("lookups/s=%.0f\n", report.run_s > 0 ? report.lookups / report.run_s : 0.0);
    return report.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

static int
run_bench(const Command *command, int argc, char **argv)
{
    g_autofree char *runs_text = NULL, *events_text = NULL, *scale_text = NULL, *requests_text = NULL;
    g_autofree char *threads_text = NULL;
    g_auto(GStrv) population_texts = NULL;
    const GOptionEntry entries[] = {
        { "runs", 0, 0, G_OPTION_ARG_STRING, &runs_text, "Runs per measurement; the median is printed (default 5)", "N" },
        { "events", 0, 0, G_OPTION_ARG_STRING, &events_text, "Events timed per run (default 5000000)", "N" },
        { "population", 0, 0, G_OPTION_ARG_STRING_ARRAY, &population_texts, "Pending-event population to measure; repeatable (default 1000, 100000, 1000000)", "N" },
        { "scale", 0, 0, G_OPTION_ARG_STRING, &scale_text, "bench cluster, render: the fraction of the envelope to build (default 1)", "F" },
        { "requests", 0, 0, G_OPTION_ARG_STRING, &requests_text, "bench dataplane: HTTP requests to send; bench dns: lookups (default 1000000)", "N" },
        { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "bench dataplane, dns: simulation lanes, one thread each (default: the processors, at most 16)", "N" },
        { NULL },
    };
    guint64 runs = 5, events = 5000000, requests = 1000000;
    guint64 threads = MIN(g_get_num_processors(), KN_SIM_MAX_LANES);
    g_autoptr(GArray) populations = g_array_new(FALSE, FALSE, sizeof(guint));

    if (!parse_options(command, entries, &argc, &argv)
        || !parse_u64_option(command, "--runs", runs_text, 1, 1000, &runs)
        || !parse_u64_option(command, "--events", events_text, 1, G_GUINT64_CONSTANT(1) << 40, &events)
        || !parse_u64_option(command, "--requests", requests_text, 1, G_GUINT64_CONSTANT(1) << 40, &requests)
        || !parse_u64_option(command, "--threads", threads_text, 1, KN_SIM_MAX_LANES, &threads))
        return EXIT_BAD_INPUT;
    for (guint i = 0; population_texts != NULL && population_texts[i] != NULL; i++) {
        guint64 population;

        if (!parse_u64_option(command, "--population", population_texts[i], 1, 100000000, &population))
            return EXIT_BAD_INPUT;
        g_array_append_val(populations, population);
    }
    if (populations->len == 0) {
        static const guint defaults[] = { 1000, 100000, 1000000 };

        g_array_append_vals(populations, defaults, G_N_ELEMENTS(defaults));
    }
    if (argc > 2)
        return usage_error(command, "too many arguments");
    if (argc == 2 && strcmp(argv[1], "cluster") == 0)
        return bench_cluster(command, scale_text);
    if (argc == 2 && strcmp(argv[1], "render") == 0)
        return bench_render(command, scale_text, runs_text != NULL ? (guint) runs : 3);
    if (argc == 2 && strcmp(argv[1], "dataplane") == 0)
        return bench_dataplane(command, requests, (guint) threads);
    if (argc == 2 && strcmp(argv[1], "dns") == 0)
        return bench_dns(command, requests, (guint) threads);
    if (argc == 2 && strcmp(argv[1], "core") != 0)
        return usage_error(command, "unknown benchmark '%s' (expected core, cluster, dataplane, render or dns)", argv[1]);

    kn_bench_core(stdout, (const guint *) (gpointer) populations->data, populations->len,
                  (guint) runs, events);
    return EXIT_OK;
}

static int
run_graph(const Command *command, int argc, char **argv)
{
    g_autofree char *output = NULL, *at_text = NULL, *seed_text = NULL;
    const GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write FILE.dot, FILE.svg or FILE.png (default: DOT on standard output)", "FILE" },
        { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, "Simulated time of the picture (default: the end)", "TIME" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, "Seed the random streams with N instead of the scenario's seed", "N" },
        { NULL },
    };
    guint64 seed = 0;
    KnTime at = KN_TIME_MAX;
    Picture picture = { .format = KN_TOPOLOGY_FORMAT_DOT };

    if (!parse_options(command, entries, &argc, &argv)
        || !parse_u64_option(command, "--seed", seed_text, 0, G_MAXUINT64, &seed)
        || !parse_time_option(command, "--at", at_text, &at))
        return EXIT_BAD_INPUT;
    if (argc != 2)
        return usage_error(command, argc < 2 ? "missing SCENARIO.yaml" : "too many arguments");
    if (output != NULL && !kn_topology_format_for_path(output, &picture.format, &picture.error)) {
        int status = usage_error(command, "-o: %s", picture.error->message);

        g_clear_error(&picture.error);
        return status;
    }
    picture.path = output;

    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(argv[1], &error);
    KnReplayReport report;

    if (scenario == NULL)
        return input_error(error);

    /* The replay runs without a transcript; its expectations are not
     * graded here (`knetsim check` does that), only the cluster is drawn. */
    KnReplayOptions options = {
        .seed = seed_text != NULL ? seed : scenario->seed,
        .until = at,
        .at_end = on_replay_end_draw,
        .at_end_data = &picture,
    };

    if (!kn_replay_run(scenario, &options, &report, &error))
        return input_error(error);
    return picture_written(&picture) ? EXIT_OK : EXIT_FAILED;
}

/* A subcommand whose models are still to come: it parses its options, so
 * that --help works and usage errors are caught, then says what it needs. */
static int
run_missing(const Command *command, int argc, char **argv)
{
    g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;
    gboolean flag = FALSE;
    const GOptionEntry sweep[] = {
        { "jobs", 'j', 0, G_OPTION_ARG_STRING, &s1, "Run N points at once", "N" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &s2, "Write the results as CSV to FILE", "FILE" },
        { "emit-jobs", 0, 0, G_OPTION_ARG_NONE, &flag, "Print the points as jobs for another engine", NULL },
        { NULL },
    };
    const GOptionEntry *entries = sweep;

    if (!parse_options(command, entries, &argc, &argv))
        return EXIT_BAD_INPUT;
    return usage_error(command, "not built yet: %s", command->missing);
}

/*****************************************************************************/
/* dns: one name looked up from a pod, query by query. */

typedef struct {
    const char *from;
    const char *name;
    guint16 type;
    gboolean explain;
    int status;
    char *message;
} DnsRequest;

static KnNetns *trace_source(KnNet *net, const char *name);

static void
on_dns_end(const KnReplayState *state, gpointer user_data)
{
    DnsRequest *request = user_data;
    KnNetns *from = trace_source(state->net, request->from);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(KnTrace) trace = request->explain ? kn_trace_new() : NULL;

    if (from == NULL || kn_netns_kind(from) != KN_NETNS_POD) {
        request->message = g_strdup_printf("--from %s: no such pod (with an IP) at the end", request->from);
        request->status = EXIT_FAILED;
        return;
    }
    if (!kn_probe_dns(state->cluster->sim, state->net, from, request->name, request->type, trace, out))
        request->status = EXIT_FAILED;
    if (trace != NULL) {
        g_autoptr(GString) hops = g_string_new(NULL);

        kn_trace_print(trace, hops);
        fputs(hops->str, stdout);
    }
    fputs(out->str, stdout);
}

static int
run_dns(const Command *command, int argc, char **argv)
{
    g_autofree char *from = NULL, *type_text = NULL, *at_text = NULL;
    gboolean explain_on = FALSE;
    const GOptionEntry entries[] = {
        { "from", 0, 0, G_OPTION_ARG_STRING, &from, "The pod that asks (NAME or NAMESPACE/NAME)", "POD" },
        { "type", 0, 0, G_OPTION_ARG_STRING, &type_text, "Query type: A, AAAA (default: both, as getaddrinfo), SRV, PTR, ...", "TYPE" },
        { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, "Simulated time of the lookup (default: the end)", "TIME" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain_on, "Show every hop of every query", NULL },
        { NULL },
    };
    KnTime at = KN_TIME_MAX;
    guint16 type = 0;

    if (!parse_options(command, entries, &argc, &argv) || !parse_time_option(command, "--at", at_text, &at))
        return EXIT_BAD_INPUT;
    if (argc != 3)
        return usage_error(command, argc < 3 ? "missing SCENARIO.yaml or NAME" : "too many arguments");
    if (from == NULL)
        return usage_error(command, "missing --from");
    if (type_text != NULL && !kn_dns_type_parse(type_text, &type))
        return usage_error(command, "--type: unknown query type '%s'", type_text);

    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(argv[1], &error);
    DnsRequest request = { .from = from, .name = argv[2], .type = type, .explain = explain_on };
    KnReplayReport report;

    if (scenario == NULL)
        return input_error(error);

    KnReplayOptions options = {
        .seed = scenario->seed, .until = at, .failures = stderr, .at_end = on_dns_end,
        .at_end_data = &request,
    };

    if (!kn_replay_run(scenario, &options, &report, &error))
        return input_error(error);
    if (request.message != NULL) {
        g_printerr("knetsim dns: %s\n", request.message);
        g_free(request.message);
    }
    return request.status;
}

/*****************************************************************************/
/* trace: one request, hop by hop, at the end of a scenario. */

typedef struct {
    const char *from;            /* POD, NAMESPACE/POD, NODE or HOST */
    const char *to;              /* NAME[:PORT] */
    const char *node;            /* enter by this node's NodePort, or NULL */
    gboolean udp;
    KnCapture *capture;          /* --pcap: the probe's packets; owned, or NULL */
    Picture *picture;            /* --dot: the path picture to write, or NULL */
    int status;
    char *message;               /* what went wrong, or NULL */
} TraceRequest;

/* The namespace 'name' names: a pod ("client", "app/client"), a node or an
 * outside host. */
static KnNetns *
trace_source(KnNet *net, const char *name)
{
    const char *slash = strchr(name, '/');
    KnNetns *ns;

    if (slash != NULL) {
        g_autofree char *namespace = g_strndup(name, slash - name);

        return kn_net_pod(net, namespace, slash + 1);
    }
    if ((ns = kn_net_pod(net, "default", name)) != NULL || (ns = kn_net_node(net, name)) != NULL)
        return ns;
    return kn_net_host(net, name);
}

/* The NodePort of Service 'name' (default namespace, or NAMESPACE/NAME) for
 * 'port' (0: its first port); 0 if it has none. */
static guint16
trace_node_port(KnCluster *cluster, const char *name, guint port, gboolean *udp)
{
    const char *slash = strchr(name, '/');
    g_autofree char *namespace = slash != NULL ? g_strndup(name, slash - name) : g_strdup("default");
    const KnService *service = kn_store_lookup(cluster->store, KN_KIND_SERVICE, namespace,
                                               slash != NULL ? slash + 1 : name);

    for (guint i = 0; service != NULL && i < service->spec.ports->len; i++) {
        const KnServicePort *sp = service->spec.ports->pdata[i];

        if (port == 0 || sp->port == port) {
            *udp = sp->protocol == KN_PROTOCOL_UDP;
            return (guint16) sp->node_port;
        }
    }
    return 0;
}

/* --dot: the picture of the path 'trace' took, titled with what was asked
 * and what came back. */
static void
draw_path(TraceRequest *request, const KnTrace *trace, KnNet *net, KnNetns *from, const char *name,
          guint port, const char *when, const KnProbeResult *result)
{
    g_autoptr(GString) title = g_string_new(NULL);
    g_autoptr(KnPath) path = NULL;

    g_string_printf(title, "knetsim trace: %s \u2192 %s port %u at %s", kn_netns_name(from), name, port, when);
    if (!result->resolved) {
        g_string_append(title, ": the name does not resolve");
    } else if (result->status == KN_NET_OK) {
        g_autofree char *took = kn_time_format(result->elapsed);

        g_string_append_printf(title, ": %s after %s", result->status_line != NULL ? result->status_line
                               : "connected", took);
    }
    path = kn_path_new(trace, net, kn_netns_name(from), title->str);
    kn_path_write(path, request->picture->format, request->picture->path, &request->picture->error);
}

static void
on_trace_end(const KnReplayState *state, gpointer user_data)
{
    TraceRequest *request = user_data;
    KnNet *net = state->net;
    KnSim *sim = state->cluster->sim;
    KnNetns *from = trace_source(net, request->from);
    g_autofree char *name = g_strdup(request->to);
    char *colon = strrchr(name, ':');
    guint64 port = 80;
    g_autoptr(KnTrace) trace = kn_trace_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *when = kn_time_format(kn_sim_now(sim));
    KnProbeResult result;

    if (from == NULL) {
        request->message = g_strdup_printf("--from %s: no such pod (with an IP), node or host at %s",
                                           request->from, when);
        request->status = EXIT_FAILED;
        return;
    }
    if (colon != NULL && strchr(name, ']') == NULL && strchr(colon + 1, ':') == NULL) {
        if (!g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &port, NULL)) {
            request->message = g_strdup_printf("--to %s: the port must be a number from 1 to 65535",
                                               request->to);
            request->status = EXIT_BAD_INPUT;
            return;
        }
        *colon = '\0';
    }
    if (request->node != NULL) {
        KnNetns *node = kn_net_node(net, request->node);
        guint16 node_port = trace_node_port(state->cluster, name, colon != NULL ? (guint) port : 0,
                                            &request->udp);

        if (node == NULL || node_port == 0) {
            request->message = node == NULL
                ? g_strdup_printf("--node %s: no such node", request->node)
                : g_strdup_printf("--to %s: no Service with a NodePort for that port", request->to);
            request->status = EXIT_FAILED;
            return;
        }
        g_free(name);
        name = kn_addr_to_string(&kn_netns_client(node)->address);
        port = node_port;
    }
    printf("# trace from %s (%s) to %s port %u at %s\n", kn_netns_name(from),
           kn_netns_kind(from) == KN_NETNS_POD ? "pod" : kn_netns_kind(from) == KN_NETNS_NODE
                                                              ? "node" : "host",
           name, (guint) port, when);
    if (request->capture != NULL)
        kn_capture_attach(request->capture, net);
    kn_probe_run(sim, net, from, name, (guint16) port, request->udp, trace, &result);
    if (request->capture != NULL)
        kn_capture_attach(request->capture, NULL);
    kn_trace_print(trace, out);
    fputs(out->str, stdout);
    if (request->picture != NULL)
        draw_path(request, trace, net, from, name, (guint) port, when, &result);
    if (!result.resolved) {
        printf("# %s: name does not resolve\n", name);
        request->status = EXIT_FAILED;
    } else if (result.status == KN_NET_OK) {
        printf("# answer: %s after %" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT "s\n",
               result.status_line != NULL ? result.status_line : "connected", result.elapsed / KN_SEC,
               result.elapsed % KN_SEC / KN_USEC);
    } else {
        static const char *const reasons[] = {
            [KN_NET_REFUSED] = "connection refused", [KN_NET_CONNECT_TIMEOUT] = "connect timed out",
            [KN_NET_TIMEOUT] = "timed out", [KN_NET_HOST_UNREACHABLE] = "no route to host",
            [KN_NET_NETWORK_UNREACHABLE] = "network unreachable", [KN_NET_RESET] = "connection reset",
        };

        printf("# no answer: %s\n", reasons[result.status]);
        request->status = EXIT_FAILED;
    }
    kn_probe_result_clear(&result);
}

static int
run_trace(const Command *command, int argc, char **argv)
{
    g_autofree char *from = NULL, *to = NULL, *node = NULL, *dot = NULL, *pcap = NULL;
    g_autofree char *at_text = NULL;
    gboolean udp = FALSE;
    const GOptionEntry entries[] = {
        { "from", 0, 0, G_OPTION_ARG_STRING, &from, "The pod, node or host that sends", "POD|NODE|HOST" },
        { "to", 0, 0, G_OPTION_ARG_STRING, &to, "The destination: a name or address, and port (80)", "NAME[:PORT]" },
        { "node", 0, 0, G_OPTION_ARG_STRING, &node, "Enter by this node's NodePort for the Service NAME", "NODE" },
        { "udp", 0, 0, G_OPTION_ARG_NONE, &udp, "Send one UDP datagram instead of an HTTP request", NULL },
        { "dot", 0, 0, G_OPTION_ARG_FILENAME, &dot, "Draw the path as FILE.dot, FILE.svg or FILE.png", "FILE" },
        { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &pcap, "Write the packets as pcapng to FILE", "FILE" },
        { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, "Replay until simulated time TIME, then trace (default: the end)", "TIME" },
        { NULL },
    };
    KnTime at = KN_TIME_MAX;

    if (!parse_options(command, entries, &argc, &argv)
        || !parse_time_option(command, "--at", at_text, &at))
        return EXIT_BAD_INPUT;
    if (argc != 2)
        return usage_error(command, argc < 2 ? "missing SCENARIO.yaml" : "too many arguments");
    if (from == NULL || to == NULL)
        return usage_error(command, "missing --%s", from == NULL ? "from" : "to");
    Picture picture = { .path = dot };

    if (dot != NULL && !kn_graphviz_format_for_path(dot, &picture.format, &picture.error)) {
        int status = usage_error(command, "--dot: %s", picture.error->message);

        g_clear_error(&picture.error);
        return status;
    }

    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(argv[1], &error);
    TraceRequest request = { .from = from, .to = to, .node = node, .udp = udp,
                             .picture = dot != NULL ? &picture : NULL };
    KnReplayReport report;

    if (scenario == NULL)
        return input_error(error);
    if (pcap != NULL && (request.capture = kn_capture_new(pcap, NULL, &error)) == NULL) {
        g_printerr("knetsim: %s\n", error->message);
        return EXIT_FAILED;
    }

    KnReplayOptions options = {
        .seed = scenario->seed, .until = at, .failures = stderr,
        .at_end = on_trace_end, .at_end_data = &request,
    };

    if (!kn_replay_run(scenario, &options, &report, &error))
        return input_error(error);
    if (request.capture != NULL) {
        if (!kn_capture_close(request.capture, &error)) {
            g_printerr("knetsim: %s\n", error->message);
            request.status = EXIT_FAILED;
        }
        kn_capture_free(request.capture);
    }
    if (request.message != NULL) {
        g_printerr("knetsim trace: %s\n", request.message);
        g_free(request.message);
    }
    if (!picture_written(&picture))
        return EXIT_FAILED;
    return request.status;
}

/*****************************************************************************/

static const Command commands[] = {
    { "run", "SCENARIO.yaml", "replay a scenario and print its transcript", NULL, run_run },
    { "check", "SCENARIO.yaml...", "replay scenarios and grade their expectations", NULL, run_check },
    { "validate", "FILE.yaml...", "load and validate only, like kubectl apply --dry-run=server", NULL, run_validate },
    { "rules", "SCENARIO.yaml", "print a node's kube-proxy rules in the mode's own format", NULL, run_rules },
    { "dns", "SCENARIO.yaml NAME", "resolve NAME from a pod as its resolver would", NULL, run_dns },
    { "trace", "SCENARIO.yaml", "follow one request hop by hop", NULL, run_trace },
    { "graph", "SCENARIO.yaml", "draw the cluster topology as DOT, SVG or PNG", NULL, run_graph },
    { "sweep", "STUDY.yaml", "run a what-if capacity study and write CSV",
      "this needs the cluster and data-plane models (the capacity-study issue)", run_missing },
    { "bench", "[core|cluster|dataplane|render|dns]", "measure the simulator itself", NULL, run_bench },
};

static void
print_usage(FILE *out)
{
    fprintf(out, "Usage: knetsim COMMAND [OPTION...] ARGS...\n\n"
                 "A discrete-event simulator of Kubernetes Service networking.\n\nCommands:\n");
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-9s %s%s\n", commands[i].name, commands[i].summary,
                commands[i].missing != NULL ? " (not built yet)" : "");
    fprintf(out, "\n'knetsim COMMAND --help' shows a command's options; 'knetsim --version' the "
                 "versions.\nExit status: 0 success, 1 a failed expectation or run-time error, "
                 "2 bad input.\n");
}

static void
print_version(void)
{
    g_autofree char *graphviz = kn_graphviz_version();

    printf("knetsim %s\n", PACKAGE_VERSION);
    printf("glib %u.%u.%u, libyaml %s, graphviz %s\n", glib_major_version, glib_minor_version,
           glib_micro_version, yaml_get_version_string(), graphviz);
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    g_set_prgname("knetsim");

    if (argc < 2) {
        print_usage(stderr);
        return EXIT_BAD_INPUT;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        print_version();
        return EXIT_OK;
    }
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            g_autofree char *prgname = g_strdup_printf("knetsim %s", commands[i].name);

            g_set_prgname(prgname);
            return commands[i].run(&commands[i], argc - 1, argv + 1);
        }
    }
    g_printerr("knetsim: unknown command '%s'\nTry 'knetsim --help' for the list of commands.\n",
               argv[1]);
    return EXIT_BAD_INPUT;
}
