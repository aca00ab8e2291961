/* test_scenario.c -- loading scenario files: the fields of a good one, and
 * for each bad one in tests/data/ the whole message, file:line:col, field
 * path and caret line included (NAME.yaml against NAME.err). */

#include <config.h>
#include "tests/test_util.h"
#include "models/scenario-yaml.h"

#include <unistd.h>
#include "models/scenario.h"

static int
setup(void **state)
{
    (void) state;
    /* Paths in messages are as given: load from the source tree's top. */
    return chdir(test_env("KNETSIM_SRCDIR"));
}

static void
test_scenario_loads_the_lab(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load("scenarios/lab/svc-lab.yaml", &error);

    assert_null(error);
    assert_non_null(scenario);
    assert_string_equal(scenario->name, "svc-lab");
    assert_int_equal(scenario->seed, 1);
    assert_int_equal(scenario->proxy_mode, KN_PROXY_MODE_IPTABLES);
    assert_int_equal(scenario->cni_mode, KN_CNI_MODE_VXLAN);
    assert_string_equal(scenario->service_cidr, "10.96.0.0/12");
    assert_int_equal(scenario->nodes->len, 3);

    KnNodeSpec *cp = scenario->nodes->pdata[0];
    KnNodeSpec *w2 = scenario->nodes->pdata[2];
    assert_string_equal(cp->name, "svc-lab-control-plane");
    assert_string_equal(cp->roles[0], "control-plane");
    assert_null(cp->roles[1]);
    assert_int_equal(cp->cpu, 4);
    assert_string_equal(w2->zone, "zone-b");
    assert_null(w2->roles[0]);
    assert_null(w2->ip);
    assert_string_equal(w2->loc.file, "scenarios/lab/svc-lab.yaml");
    assert_true(w2->loc.line > 1);

    /* external.dns comes sorted by name. */
    assert_int_equal(scenario->external_names->len, 2);
    assert_string_equal(((KnExternalName *) scenario->external_names->pdata[0])->name, "api.github.com");
    assert_int_equal(scenario->hosts->len, 1);
    assert_string_equal(((KnHostSpec *) scenario->hosts->pdata[0])->ip, "203.0.113.7");

    KnStep *create = scenario->steps->pdata[0];
    assert_int_equal(create->kind, KN_STEP_KUBECTL);
    assert_string_equal(create->command, "create deployment web --image=nginx:1.27 --replicas=3");
    assert_string_equal(create->narrate, "deploy the app and wait for it");
    assert_string_equal(create->expect->out.equals, "deployment.apps/web created");
    assert_true(create->expect->has_exit_code);
    assert_int_equal(create->expect->exit_code, 0);

    gboolean saw_wait = FALSE, saw_apply = FALSE, saw_endpoints = FALSE;
    for (guint i = 0; i < scenario->steps->len; i++) {
        KnStep *step = scenario->steps->pdata[i];

        if (step->kind == KN_STEP_WAIT && step->duration == KN_SEC)
            saw_wait = TRUE;
        if (step->kind == KN_STEP_APPLY) {
            saw_apply = TRUE;
            assert_null(step->apply_file);
            assert_int_equal(step->manifests->len, 1);
        }
        if (step->expect != NULL && step->expect->endpoints_service != NULL)
            saw_endpoints = TRUE;
    }
    assert_true(saw_wait && saw_apply && saw_endpoints);
}

static void
test_scenario_defaults_fill_a_minimal_file(void **state)
{
    (void) state;
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    int fd = g_file_open_tmp("knetsim-XXXXXX.yaml", &path, NULL);

    assert_true(fd >= 0);
    close(fd);
    assert_true(g_file_set_contents(path, "apiVersion: knetsim/v1\nkind: Scenario\nmetadata: {name: m}\n", -1, NULL));

    g_autoptr(KnScenario) scenario = kn_scenario_load(path, &error);
    unlink(path);
    assert_non_null(scenario);
    assert_int_equal(scenario->seed, 1);
    assert_string_equal(scenario->pod_cidr, "10.244.0.0/16");
    assert_string_equal(scenario->cluster_domain, "cluster.local");
    assert_false(scenario->node_local_dns);
    assert_int_equal(scenario->nodes->len, 0);
    assert_int_equal(scenario->steps->len, 0);
}

/* Waits that would run the simulated clock out (it holds 584 years) are
 * refused at the one that goes past 100 years, not left to skip the
 * steps after them. */
static void
test_scenario_refuses_waits_past_the_clock(void **state)
{
    (void) state;
    static const char text[] = "apiVersion: knetsim/v1\nkind: Scenario\nmetadata: {name: x}\n"
                               "steps:\n- wait: 1000000000s\n- wait: 1000000000s\n- wait: 1000000000s\n"
                               "- wait: 1000000000s\n";
    static const char fine[] = "apiVersion: knetsim/v1\nkind: Scenario\nmetadata: {name: x}\n"
                               "steps:\n- {wait: 1000000000s, repeat: 3}\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) none = NULL;
    g_autoptr(KnScenario) ok = kn_scenario_load_data("fine.yaml", fine, sizeof fine - 1, &none);

    g_assert_no_error(none);
    assert_non_null(ok);
    assert_null(kn_scenario_load_data("inline.yaml", text, sizeof text - 1, &error));
    assert_non_null(error);
    assert_true(g_str_has_prefix(error->message, "inline.yaml:8:3: error: steps[3]: the waits up to here add up "
                                                 "to more than 100 years of simulated time"));
}

/* cluster.dns.nodeLocalCache: NodeLocal DNSCache installed. */
static void
test_scenario_reads_the_node_local_dns_switch(void **state)
{
    (void) state;
    static const char text[] = "apiVersion: knetsim/v1\nkind: Scenario\nmetadata: {name: x}\n"
                               "cluster: {dns: {nodeLocalCache: true}}\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load_data("inline.yaml", text, sizeof text - 1, &error);

    g_assert_no_error(error);
    assert_true(scenario->node_local_dns);
}

/* Flow collections nested past yaml.v3's 10,000 levels are refused before
 * libyaml spends quadratic time on them, and the error shows only a window
 * of the long line. */
static void
test_scenario_refuses_deep_flow_nesting(void **state)
{
    g_autoptr(GString) text = g_string_new("apiVersion: knetsim/v1\nkind: Scenario\nmetadata: {name: x, description: ");
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = NULL;
    gsize at = 0;

    (void) state;
    for (guint i = 0; i < 20000; i++)
        g_string_append_c(text, '[');
    for (guint i = 0; i < 20000; i++)
        g_string_append_c(text, ']');
    g_string_append(text, "}\n");
    scenario = kn_scenario_load_data("deep.yaml", text->str, text->len, &error);
    assert_null(scenario);
    assert_true(g_str_has_prefix(error->message, "deep.yaml:3:10033: error: exceeded max depth of 10000\n...[[["));
    assert_int_equal(strlen(strchr(error->message, '\n') + 1), 3 + 120 + 3 + 1 + 3 + 60 + 1);
    assert_true(g_str_has_suffix(error->message, "[[[...\n" "   " "                                                            ^"));
    /* Brackets inside quotes and comments do not count. */
    static const char quoted[] = "a: '[[[[' # {{{{\nb: \"[[\\\"[\"\n";

    assert_true(kn_yaml_flow_depth_ok(quoted, sizeof quoted - 1, &at));
}

static void
test_scenario_bad_files_give_exact_messages(void **state)
{
    (void) state;
    static const struct { const char *name; KnInputError code; } cases[] = {
        { "unknown-key", KN_INPUT_ERROR_UNKNOWN_KEY },
        { "bad-cidr", KN_INPUT_ERROR_VALUE },
        { "servicecidr-too-large", KN_INPUT_ERROR_VALUE },
        { "bad-pods-selector", KN_INPUT_ERROR_VALUE },
        { "open-quote", KN_INPUT_ERROR_VALUE },
        { "exec-open-quote", KN_INPUT_ERROR_VALUE },
        { "bad-node-name", KN_INPUT_ERROR_VALUE },
        { "bad-syntax", KN_INPUT_ERROR_SYNTAX },
        { "bad-proxy-mode", KN_INPUT_ERROR_VALUE },
        { "proxy-mode-not-built", KN_INPUT_ERROR_UNSUPPORTED },
        { "bad-wait", KN_INPUT_ERROR_VALUE },
        { "wrong-type", KN_INPUT_ERROR_TYPE },
        { "not-scenario", KN_INPUT_ERROR_VALUE },
        { "two-actions", KN_INPUT_ERROR_VALUE },
        { "fail-unknown-node", KN_INPUT_ERROR_REFERENCE },
        { "duplicate-key", KN_INPUT_ERROR_VALUE },
        { "missing-name", KN_INPUT_ERROR_VALUE },
        { "cr-line-ends", KN_INPUT_ERROR_VALUE },
        { "utf8-caret", KN_INPUT_ERROR_VALUE },
        { "empty", KN_INPUT_ERROR_VALUE },
        { "bad-bandwidth", KN_INPUT_ERROR_VALUE },
        { "exec-missing-command", KN_INPUT_ERROR_VALUE },
        { "from-unknown-host", KN_INPUT_ERROR_REFERENCE },
        { "dns-bad-type", KN_INPUT_ERROR_VALUE },
        { "bad-save", KN_INPUT_ERROR_VALUE },
        { "bad-dns-switch", KN_INPUT_ERROR_VALUE },
        { "nul-in-string", KN_INPUT_ERROR_VALUE },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *yaml = g_strdup_printf("tests/data/%s.yaml", cases[i].name);
        g_autofree char *err = g_strdup_printf("tests/data/%s.err", cases[i].name);
        g_autoptr(GError) error = NULL;
        g_autoptr(KnScenario) scenario = kn_scenario_load(yaml, &error);

        assert_null(scenario);
        test_assert_error_file(error, yaml, err, KN_INPUT_ERROR, cases[i].code);
    }
}

static void
test_scenario_missing_file_is_an_input_error(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;

    assert_null(kn_scenario_load("tests/data/no-such-file.yaml", &error));
    assert_true(g_error_matches(error, KN_INPUT_ERROR, KN_INPUT_ERROR_REFERENCE));
    assert_true(g_str_has_prefix(error->message, "tests/data/no-such-file.yaml: error: "));
}

static void
test_scenario_no_bytes_may_be_null(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;

    /* Found by tests/fuzz: NULL data reached memchr() and strlen(). */
    assert_null(kn_scenario_load_data("empty.yaml", NULL, 0, &error));
    assert_true(g_error_matches(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE));
    assert_string_equal(error->message, "empty.yaml: error: no Scenario document (the file is empty)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_loads_the_lab),
        cmocka_unit_test(test_scenario_defaults_fill_a_minimal_file),
        cmocka_unit_test(test_scenario_reads_the_node_local_dns_switch),
        cmocka_unit_test(test_scenario_refuses_waits_past_the_clock),
        cmocka_unit_test(test_scenario_refuses_deep_flow_nesting),
        cmocka_unit_test(test_scenario_bad_files_give_exact_messages),
        cmocka_unit_test(test_scenario_missing_file_is_an_input_error),
        cmocka_unit_test(test_scenario_no_bytes_may_be_null),
    };
    return cmocka_run_group_tests_name("scenario", tests, setup, NULL);
}
