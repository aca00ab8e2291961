/* test_cli.c -- the knetsim command line, run as a user would: exit status
 * and messages for good and bad invocations. */

#include <config.h>
#include "tests/test_util.h"

#include <sys/wait.h>
#include <glib/gstdio.h>

typedef struct {
    int status;                  /* exit status */
    char *out, *err;
} Result;

/* Runs knetsim with 'args' (NULL-terminated) from the source tree's top. */
static Result
run(const char *first, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    Result result = { 0 };
    int wait_status;
    va_list args;

    g_ptr_array_add(argv, (gpointer) test_env("KNETSIM"));
    va_start(args, first);
    for (const char *a = first; a != NULL; a = va_arg(args, const char *))
        g_ptr_array_add(argv, (gpointer) a);
    va_end(args);
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(test_env("KNETSIM_SRCDIR"), (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                      NULL, NULL, &result.out, &result.err, &wait_status, &error))
        fail_msg("cannot run knetsim: %s", error->message);
    assert_true(WIFEXITED(wait_status));
    result.status = WEXITSTATUS(wait_status);
    return result;
}

static void
result_clear(Result *result)
{
    g_free(result->out);
    g_free(result->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Result, result_clear)

static void
test_cli_without_arguments_prints_usage_and_exits_2(void **state)
{
    (void) state;
    g_auto(Result) r = run(NULL);

    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "Usage: knetsim COMMAND"));
}

static void
test_cli_unknown_command_exits_2(void **state)
{
    (void) state;
    g_auto(Result) r = run("frobnicate", NULL);

    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "knetsim: unknown command 'frobnicate'\n"
                               "Try 'knetsim --help' for the list of commands.\n");
}

static void
test_cli_unknown_option_exits_2_with_its_name(void **state)
{
    (void) state;
    g_auto(Result) r = run("run", "--frobnicate", "scenarios/lab/svc-lab.yaml", NULL);

    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "knetsim run: Unknown option --frobnicate"));
    assert_non_null(strstr(r.err, "Try 'knetsim run --help'"));
}

static void
test_cli_bad_option_values_exit_2(void **state)
{
    (void) state;
    g_auto(Result) seed = run("run", "--seed", "-3", "scenarios/lab/svc-lab.yaml", NULL);
    g_auto(Result) until = run("run", "--until", "soon", "scenarios/lab/svc-lab.yaml", NULL);
    g_auto(Result) runs = run("bench", "--runs", "0", NULL);
    g_auto(Result) which = run("bench", "disk", NULL);

    assert_int_equal(seed.status, 2);
    assert_non_null(strstr(seed.err, "--seed: expected an integer"));
    assert_int_equal(until.status, 2);
    assert_non_null(strstr(until.err, "--until: invalid duration 'soon'"));
    assert_int_equal(runs.status, 2);
    assert_int_equal(which.status, 2);
    assert_non_null(strstr(which.err, "unknown benchmark 'disk'"));
}

static void
test_cli_missing_scenario_argument_exits_2(void **state)
{
    (void) state;
    g_auto(Result) r = run("run", NULL);

    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "knetsim run: missing SCENARIO.yaml"));
}

static void
test_cli_each_command_has_help(void **state)
{
    (void) state;
    const char *commands[] = { "run", "check", "validate", "rules", "dns", "trace", "graph", "sweep", "bench" };

    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_auto(Result) r = run(commands[i], "--help", NULL);

        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "Usage:"));
    }
}

static void
test_cli_unbuilt_command_says_so_and_exits_2(void **state)
{
    (void) state;
    g_auto(Result) r = run("sweep", "study.yaml", NULL);

    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "knetsim sweep: not built yet"));
}

/* knetsim dns: the resolv.conf, each query, the cost; exit 1 when nothing
 * answered. */
static void
test_cli_dns_shows_every_query(void **state)
{
    (void) state;
    g_auto(Result) r = run("dns", "scenarios/exam/ndots.yaml", "--from", "app/shell", "api.github.com", NULL);
    g_auto(Result) none = run("dns", "scenarios/exam/ndots.yaml", "--from", "app/shell", "nosuch.example", NULL);
    g_auto(Result) bad = run("dns", "scenarios/exam/ndots.yaml", "--from", "app/shell", "--type", "XYZ", "x", NULL);

    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "# /etc/resolv.conf of shell (musl resolver)\nsearch app.svc.cluster.local"));
    assert_non_null(strstr(r.out, "8 queries, 6 wasted on search suffixes"));
    assert_non_null(strstr(r.out, "# OK for api.github.com: 140.82.112.6\n"));
    assert_int_equal(none.status, 1);
    assert_non_null(strstr(none.out, "# NXDOMAIN\n"));
    assert_int_equal(bad.status, 2);
    assert_non_null(strstr(bad.err, "--type: unknown query type 'XYZ'"));
}

static void
test_cli_rules_prints_iptables_save(void **state)
{
    (void) state;
    g_auto(Result) r = run("rules", "scenarios/lab/svc-lab.yaml", "--node", "svc-lab-worker", NULL);
    g_auto(Result) unknown = run("rules", "scenarios/lab/svc-lab.yaml", "--node", "nope", NULL);
    g_auto(Result) ipvs = run("rules", "scenarios/lab/svc-lab.yaml", "--node", "svc-lab-worker", "--mode", "ipvs", NULL);
    g_auto(Result) ipvs_list = run("rules", "scenarios/lab/svc-lab.yaml", "--node", "svc-lab-worker", "--mode", "ipvs",
                                   "--iptables", "-t nat -S KUBE-SERVICES", NULL);
    g_auto(Result) ebpf = run("rules", "scenarios/lab/svc-lab.yaml", "--node", "svc-lab-worker", "--mode", "ebpf", NULL);
    g_auto(Result) nft = run("rules", "scenarios/lab/svc-lab.yaml", "--node", "svc-lab-worker", "--mode", "nftables", NULL);
    g_auto(Result) nft_list = run("rules", "scenarios/lab/svc-lab.yaml", "--node", "svc-lab-worker", "--mode", "nftables",
                                  "--iptables", "-t nat -L", NULL);

    assert_int_equal(r.status, 0);
    assert_true(g_str_has_prefix(r.out, "# Generated by iptables-save v1.8.9 (nf_tables) on "));
    assert_non_null(strstr(r.out, "\nCOMMIT\n# Completed on "));
    assert_non_null(strstr(r.out, "\n*nat\n:PREROUTING ACCEPT [0:0]\n"));
    assert_int_equal(unknown.status, 2);
    assert_non_null(strstr(unknown.err, "no node 'nope' in scenario svc-lab (its nodes: svc-lab-control-plane, "
                                        "svc-lab-worker, svc-lab-worker2)"));
    assert_int_equal(ipvs.status, 0);
    assert_true(g_str_has_prefix(ipvs.out, "# ipvsadm -Ln\nIP Virtual Server version 1.2.1 (size=4096)\n"));
    assert_non_null(strstr(ipvs.out, "\nUDP  10.96.0.10:53 rr\n"));
    assert_non_null(strstr(ipvs.out, "\n# ipset save\ncreate KUBE-LOOP-BACK hash:ip,port,ip family inet "));
    assert_non_null(strstr(ipvs.out, "\nadd KUBE-CLUSTER-IP 10.96.0.10,udp:53\n"));
    assert_non_null(strstr(ipvs.out, "\n# iptables-save\n# Generated by iptables-save v1.8.9 (nf_tables) on "));
    assert_int_equal(ipvs_list.status, 0);
    assert_non_null(strstr(ipvs_list.out, "-N KUBE-SERVICES\n-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN\n"));
    assert_int_equal(ebpf.status, 2);
    assert_non_null(strstr(ebpf.err, "--mode ebpf: not built yet"));
    assert_int_equal(nft.status, 0);
    assert_true(g_str_has_prefix(nft.out, "table ip kube-proxy {\n\tcomment \"rules for kube-proxy\"\n"));
    assert_non_null(strstr(nft.out, "10.96.0.10 . udp . 53 : goto service-FY5PMXPG-kube-system/kube-dns/udp/dns"));
    assert_int_equal(nft_list.status, 2);
    assert_non_null(strstr(nft_list.err, "--iptables lists iptables rules: kube-proxy's nftables mode writes none"));
}

/* Where node-local-dns runs, the node's rules are node-cache's and
 * kube-proxy's: raw first, node-cache's ACCEPTs ahead of kube-proxy's jumps. */
static void
test_cli_rules_show_node_local_dns_rules(void **state)
{
    (void) state;
    g_auto(Result) r = run("rules", "scenarios/exam/nodelocal-dns.yaml", "--node", "kind-worker", NULL);

    assert_int_equal(r.status, 0);
    assert_true(g_str_has_prefix(r.out, "# Generated by iptables-save v1.8.9 (nf_tables) on "));
    assert_non_null(strstr(r.out, " 2026\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                                  "-A PREROUTING -d 10.96.0.10/32 -p udp -m udp --dport 53 -m comment --comment "
                                  "\"NodeLocal DNS Cache: skip conntrack\" -j NOTRACK\n"));
    assert_non_null(strstr(r.out, "-m comment --comment \"NodeLocal DNS Cache: allow DNS traffic\" -j ACCEPT\n"
                                  "-A INPUT -j KUBE-FIREWALL\n"));
}

/* rules --iptables: the node's rules (node-cache's first) listed as
 * `iptables ARGS` there would, with its exit status and errors. */
static void
test_cli_rules_iptables_lists_them(void **state)
{
    (void) state;
    g_auto(Result) r = run("rules", "scenarios/exam/nodelocal-dns.yaml", "--node", "kind-worker",
                           "--iptables", "-L INPUT 1 -n --line-numbers", NULL);
    g_auto(Result) none = run("rules", "scenarios/exam/nodelocal-dns.yaml", "--node", "kind-worker",
                              "--iptables", "-t nat -L NOPE", NULL);
    g_auto(Result) change = run("rules", "scenarios/exam/nodelocal-dns.yaml", "--node", "kind-worker",
                                "--iptables", "-F", NULL);

    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "1    ACCEPT     17   --  0.0.0.0/0            10.96.0.10           udp dpt:53 "
                               "/* NodeLocal DNS Cache: allow DNS traffic */\n");
    assert_int_equal(none.status, 1);
    assert_string_equal(none.err, "iptables v1.8.9 (nf_tables): chain `NOPE' in table `nat' is incompatible, "
                                  "use 'nft' tool.\n");
    assert_int_equal(change.status, 126);
    assert_string_equal(change.err, "knetsim: iptables -F is not simulated\n");
}

/* Runs `knetsim check` on 'scenario' (written to a file of its own) and
 * asserts every expectation held. */
static void
assert_scenario_checks(const char *scenario)
{
    g_autofree char *dir = g_dir_make_tmp("knetsim-cli-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "scenario.yaml", NULL);
    g_auto(Result) r = (g_file_set_contents(path, scenario, -1, NULL), run("check", path, NULL));

    if (r.status != 0)
        print_message("%s%s", r.out, r.err);
    assert_int_equal(r.status, 0);
    g_unlink(path);
    g_rmdir(dir);
}

/* A from: step on a node runs iptables, alone or in its shell's pipes (at
 * the start only default/kubernetes has endpoints, so one KUBE-SVC). */
static void
test_cli_node_runs_iptables(void **state)
{
    static const char scenario[] =
        "apiVersion: knetsim/v1\n"
        "kind: Scenario\n"
        "metadata: {name: ipt}\n"
        "cluster:\n"
        "  nodes:\n"
        "  - {name: kind-control-plane, roles: [control-plane]}\n"
        "  - {name: kind-worker}\n"
        "steps:\n"
        "- from: kind-worker\n"
        "  command: iptables -t nat -nvL KUBE-MARK-MASQ\n"
        "  expect:\n"
        "    stdout: {contains: \"Chain KUBE-MARK-MASQ (\"}\n"
        "- from: kind-worker\n"
        "  command: bash -c \"iptables -t nat -S | grep -c -- '-N KUBE-SVC-'\"\n"
        "  expect: {stdout: {equals: \"1\"}}\n"
        "- from: kind-worker\n"
        "  command: iptables -L NOPE\n"
        "  expect: {exitCode: 1}\n";

    (void) state;
    assert_scenario_checks(scenario);
}

/* iputils ping names its target by the canonical name getaddrinfo gives
 * (the search list's full name); busybox keeps the name as typed. */
static void
test_cli_ping_names_the_target_canonically(void **state)
{
    static const char scenario[] =
        "apiVersion: knetsim/v1\n"
        "kind: Scenario\n"
        "metadata: {name: ping}\n"
        "cluster:\n"
        "  nodes:\n"
        "  - {name: kind-control-plane, roles: [control-plane]}\n"
        "  - {name: kind-worker}\n"
        "steps:\n"
        "- kubectl: run shoot --image=nicolaka/netshoot -- sleep infinity\n"
        "- kubectl: run bb --image=busybox -- sleep 3600\n"
        "- wait: 5s\n"
        "- exec: {pod: shoot, command: ping -c 1 bb}\n"
        "  expect: {exitCode: 2, stderr: {contains: \"ping: bb: Name does not resolve\"}}\n"
        "- apply: \"{apiVersion: v1, kind: Service, metadata: {name: hl}, spec: {clusterIP: None, "
        "selector: {run: bb}, ports: [{port: 80}]}}\"\n"
        "- wait: 2s\n"
        "- exec: {pod: shoot, command: ping -c 1 hl}\n"
        "  expect: {stdout: {contains: \"PING hl.default.svc.cluster.local (\", "
        "matches: '^--- hl.default.svc.cluster.local ping statistics ---$'}}\n"
        "- exec: {pod: bb, command: ping -c 1 hl}\n"
        "  expect: {stdout: {contains: \"PING hl (\"}}\n";

    (void) state;
    assert_scenario_checks(scenario);
}

static void
test_cli_bad_scenario_exits_2_with_location(void **state)
{
    (void) state;
    g_auto(Result) r = run("validate", "tests/data/bad-cidr.yaml", NULL);

    assert_int_equal(r.status, 2);
    assert_true(g_str_has_prefix(r.err, "tests/data/bad-cidr.yaml:5:16: error: cluster.serviceCIDR:"));

    /* A /31 nodeCIDR leaves no address for a node (its two are the
     * network's and the gateway's .1 is below them). */
    g_auto(Result) full = run("validate", "tests/data/nodecidr-no-room.yaml", NULL);

    assert_int_equal(full.status, 2);
    assert_true(g_str_has_prefix(full.err, "tests/data/nodecidr-no-room.yaml:7:5: error: node cp: "
                                           "cluster.nodeCIDR 172.18.0.0/31 has no free address left"));
}

/* `knetsim validate` of each tests/data/PREFIX-NAME.yaml prints exactly
 * PREFIX-NAME.err on stderr, nothing on stdout, and exits 2. */
static void
assert_validate_messages(const char *prefix, const char *const *names, guint n_names)
{
    for (guint i = 0; i < n_names; i++) {
        g_autofree char *yaml = g_strdup_printf("tests/data/%s-%s.yaml", prefix, names[i]);
        g_autofree char *err = g_strdup_printf("%s/tests/data/%s-%s.err", test_env("KNETSIM_SRCDIR"),
                                               prefix, names[i]);
        g_autofree char *want = NULL;
        g_auto(Result) r = run("validate", yaml, NULL);

        assert_true(g_file_get_contents(err, &want, NULL, NULL));
        if (g_strcmp0(r.err, want) != 0)
            fail_msg("%s:\n got: %s\nwant: %s", yaml, r.err, want);
        assert_int_equal(r.status, 2);
        assert_string_equal(r.out, "");
    }
}

/* The API server's checks of pod.spec.dnsConfig (validatePodDNSConfig), as
 * `knetsim validate` reports them (tests/data/dnsconfig-NAME.yaml). */
static void
test_cli_validate_bad_dns_config_gives_exact_messages(void **state)
{
    (void) state;
    static const char *const names[] = {
        "none-required", "none-nameserver", "nameservers", "bad-ip", "searches", "template",
    };

    assert_validate_messages("dnsconfig", names, G_N_ELEMENTS(names));
}

/* The API server's checks of workloads (pkg/apis/apps/validation and what
 * it calls), as `knetsim validate` reports them
 * (tests/data/workload-NAME.yaml). */
static void
test_cli_validate_bad_workloads_give_exact_messages(void **state)
{
    (void) state;
    static const char *const names[] = {
        "numbers", "rolling-update", "empty-selector", "empty-selector-daemonset", "no-selector",
        "selector-operator", "selector-mismatch", "selector-expressions", "selector-empty-values", "template",
        "pod-names", "strategy", "strategy-type",
    };

    assert_validate_messages("workload", names, G_N_ELEMENTS(names));
}

static void
test_cli_run_replays_the_lab_deterministically(void **state)
{
    (void) state;
    g_auto(Result) a = run("run", "--explain", "scenarios/lab/svc-lab.yaml", NULL);
    g_auto(Result) b = run("run", "--explain", "scenarios/lab/svc-lab.yaml", NULL);

    assert_int_equal(a.status, 0);
    assert_string_equal(a.out, b.out);
    assert_non_null(strstr(a.out, "$ kubectl create deployment web --image=nginx:1.27 --replicas=3\n"
                                  "  [0.000s] step 1 (scenarios/lab/svc-lab.yaml:"));
    assert_non_null(strstr(a.out, "deployment \"web\" successfully rolled out\n"));
    assert_string_equal(a.err, "");
}

static void
test_cli_run_until_stops_the_clock_midway(void **state)
{
    (void) state;
    g_auto(Result) r = run("run", "--explain", "--until", "1.5s", "scenarios/lab/svc-lab.yaml", NULL);

    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "$ kubectl rollout status deployment/web\n"));
    assert_non_null(strstr(r.out, "[1.500s] stopped by --until after "));
    assert_null(strstr(r.out, "successfully rolled out"));
}

static void
test_cli_graph_writes_dot_to_standard_output(void **state)
{
    (void) state;
    g_auto(Result) r = run("graph", "--at", "18s", "scenarios/lab/svc-lab.yaml", NULL);
    g_auto(Result) again = run("graph", "--at", "18s", "scenarios/lab/svc-lab.yaml", NULL);

    assert_int_equal(r.status, 0);
    assert_true(g_str_has_prefix(r.out, "digraph \"svc-lab\" {\n"));
    assert_non_null(strstr(r.out, "\"svc/default/web-hl\""));
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, again.out);
}

static void
test_cli_graph_bad_input_exits_2(void **state)
{
    (void) state;
    g_auto(Result) extension = run("graph", "-o", "lab.pdf", "scenarios/lab/svc-lab.yaml", NULL);
    g_auto(Result) at = run("graph", "--at", "later", "scenarios/lab/svc-lab.yaml", NULL);
    g_auto(Result) missing = run("graph", NULL);
    g_auto(Result) scenario = run("graph", "tests/data/bad-cidr.yaml", NULL);
    g_auto(Result) dot = run("run", "--dot", "lab.txt", "scenarios/lab/svc-lab.yaml", NULL);

    assert_int_equal(extension.status, 2);
    assert_true(g_str_has_prefix(extension.err, "knetsim graph: -o: lab.pdf: unknown output format "
                                                "(expected a name ending in .dot, .gv, .svg or .png)\n"));
    assert_int_equal(at.status, 2);
    assert_non_null(strstr(at.err, "--at: invalid duration 'later'"));
    assert_int_equal(missing.status, 2);
    assert_non_null(strstr(missing.err, "knetsim graph: missing SCENARIO.yaml"));
    assert_int_equal(scenario.status, 2);
    assert_true(g_str_has_prefix(scenario.err, "tests/data/bad-cidr.yaml:5:16: error: "));
    assert_int_equal(dot.status, 2);
    assert_non_null(strstr(dot.err, "knetsim run: --dot: lab.txt: unknown output format"));
    assert_string_equal(dot.out, "");
}

static void
test_cli_graph_and_run_write_files(void **state)
{
    (void) state;
    g_autofree char *dir = g_dir_make_tmp("knetsim-cli-XXXXXX", NULL);
    g_autofree char *svg = g_build_filename(dir, "lab.svg", NULL);
    g_autofree char *dot = g_build_filename(dir, "end.dot", NULL);
    g_autofree char *unwritable = g_build_filename(dir, "no-such-dir", "lab.svg", NULL);
    g_auto(Result) graph = run("graph", "scenarios/lab/svc-lab.yaml", "-o", svg, NULL);
    g_auto(Result) replay = run("run", "--dot", dot, "scenarios/lab/svc-lab.yaml", NULL);
    g_auto(Result) failed = run("graph", "scenarios/lab/svc-lab.yaml", "-o", unwritable, NULL);
    g_autofree char *svg_text = NULL, *dot_text = NULL;

    assert_int_equal(graph.status, 0);
    assert_string_equal(graph.out, "");
    assert_true(g_file_get_contents(svg, &svg_text, NULL, NULL));
    assert_true(g_str_has_prefix(svg_text, "<?xml"));
    assert_non_null(strstr(svg_text, "<svg"));
    /* run --dot: the transcript as usual, and the topology at the end. */
    assert_int_equal(replay.status, 0);
    assert_non_null(strstr(replay.out, "$ kubectl create deployment web"));
    assert_true(g_file_get_contents(dot, &dot_text, NULL, NULL));
    assert_true(g_str_has_prefix(dot_text, "digraph \"svc-lab\" {\n"));
    assert_non_null(strstr(dot_text, "\"svc/kube-system/kube-dns\""));
    assert_null(strstr(dot_text, "\"svc/default/web\""));     /* deleted by the lab's clean-up */
    /* A file that cannot be written is a run-time error. */
    assert_int_equal(failed.status, 1);
    assert_true(g_str_has_prefix(failed.err, "knetsim: "));
    assert_non_null(strstr(failed.err, "no-such-dir"));
    g_unlink(svg);
    g_unlink(dot);
    g_rmdir(dir);
}

static void
test_cli_trace_at_draws_the_path(void **state)
{
    (void) state;
    g_autofree char *dir = g_dir_make_tmp("knetsim-cli-XXXXXX", NULL);
    g_autofree char *svg = g_build_filename(dir, "path.svg", NULL);
    g_auto(Result) traced = run("trace", "scenarios/lab/svc-lab.yaml", "--at", "18s", "--from", "client",
                                "--to", "web:80", "--dot", svg, NULL);
    g_auto(Result) late = run("trace", "scenarios/lab/svc-lab.yaml", "--from", "client", "--to", "web", NULL);
    g_auto(Result) bad = run("trace", "scenarios/lab/svc-lab.yaml", "--from", "client", "--to", "web",
                             "--dot", "path.txt", NULL);
    g_auto(Result) bad_at = run("trace", "scenarios/lab/svc-lab.yaml", "--from", "client", "--to", "web",
                                "--at", "soon", NULL);
    g_autofree char *svg_text = NULL;

    /* At 18 s web exists: the notes, the answer, and the picture. */
    assert_int_equal(traced.status, 0);
    assert_true(g_str_has_prefix(traced.out, "# trace from client (pod) to web port 80 at 18.000s\n"));
    assert_non_null(strstr(traced.out, "# answer: HTTP/1.1 200 OK"));
    assert_true(g_file_get_contents(svg, &svg_text, NULL, NULL));
    assert_non_null(strstr(svg_text, "<svg"));
    /* At the end the lab has deleted the client too. */
    assert_int_equal(late.status, 1);
    assert_non_null(strstr(late.err, "--from client: no such pod"));
    assert_int_equal(bad.status, 2);
    assert_non_null(strstr(bad.err, "knetsim trace: --dot: path.txt: unknown output format"));
    assert_int_equal(bad_at.status, 2);
    assert_non_null(strstr(bad_at.err, "knetsim trace: --at: "));
    g_unlink(svg);
    g_rmdir(dir);
}

static void
test_cli_version_names_the_libraries(void **state)
{
    (void) state;
    g_auto(Result) r = run("--version", NULL);

    assert_int_equal(r.status, 0);
    assert_true(g_str_has_prefix(r.out, "knetsim " PACKAGE_VERSION "\n"));
    assert_non_null(strstr(r.out, "graphviz "));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_without_arguments_prints_usage_and_exits_2),
        cmocka_unit_test(test_cli_unknown_command_exits_2),
        cmocka_unit_test(test_cli_unknown_option_exits_2_with_its_name),
        cmocka_unit_test(test_cli_bad_option_values_exit_2),
        cmocka_unit_test(test_cli_missing_scenario_argument_exits_2),
        cmocka_unit_test(test_cli_each_command_has_help),
        cmocka_unit_test(test_cli_unbuilt_command_says_so_and_exits_2),
        cmocka_unit_test(test_cli_dns_shows_every_query),
        cmocka_unit_test(test_cli_rules_prints_iptables_save),
        cmocka_unit_test(test_cli_rules_show_node_local_dns_rules),
        cmocka_unit_test(test_cli_rules_iptables_lists_them),
        cmocka_unit_test(test_cli_node_runs_iptables),
        cmocka_unit_test(test_cli_ping_names_the_target_canonically),
        cmocka_unit_test(test_cli_bad_scenario_exits_2_with_location),
        cmocka_unit_test(test_cli_validate_bad_dns_config_gives_exact_messages),
        cmocka_unit_test(test_cli_validate_bad_workloads_give_exact_messages),
        cmocka_unit_test(test_cli_run_replays_the_lab_deterministically),
        cmocka_unit_test(test_cli_run_until_stops_the_clock_midway),
        cmocka_unit_test(test_cli_graph_writes_dot_to_standard_output),
        cmocka_unit_test(test_cli_graph_bad_input_exits_2),
        cmocka_unit_test(test_cli_graph_and_run_write_files),
        cmocka_unit_test(test_cli_trace_at_draws_the_path),
        cmocka_unit_test(test_cli_version_names_the_libraries),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
