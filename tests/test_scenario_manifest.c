/* test_scenario_manifest.c -- Kubernetes manifests read into api.h objects:
 * each kind with its fields, the lab's multi-document file, the position of
 * every field, and for each bad manifest in tests/data/ the whole message
 * (manifest-NAME.yaml against manifest-NAME.err). */

#include <config.h>
#include "tests/test_util.h"

#include <unistd.h>
#include "models/scenario.h"
#include "models/scenario-manifest.h"

static int
setup(void **state)
{
    (void) state;
    /* Paths in messages are as given: read from the source tree's top. */
    return chdir(test_env("KNETSIM_SRCDIR"));
}

/* Reads 'path' with kn_scenario_manifest_read_data(); the path must be a
 * literal, since the manifests borrow it. */
static GPtrArray *
read_file(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize length;

    if (!g_file_get_contents(path, &text, &length, NULL))
        fail_msg("cannot read %s", path);
    return kn_scenario_manifest_read_data(path, text, length, error);
}

static gpointer
object_at(GPtrArray *manifests, guint i, KnKind kind)
{
    KnManifest *manifest = manifests->pdata[i];

    assert_int_equal(manifest->kind, kind);
    return manifest->object;
}

static const char *
str_at(GPtrArray *strings, guint i)
{
    assert_true(i < strings->len);
    return strings->pdata[i];
}

/*****************************************************************************/

static void
test_scenario_manifest_reads_the_lab(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = read_file("tests/data/manifest-lab.yaml", &error);

    assert_null(error);
    assert_non_null(manifests);
    assert_int_equal(manifests->len, 4);     /* the empty document at the end is skipped */

    KnDeployment *web = object_at(manifests, 0, KN_KIND_DEPLOYMENT);
    assert_string_equal(web->meta.name, "web");
    assert_null(web->meta.namespace);        /* the caller puts it in "default" */
    assert_int_equal(web->meta.loc.line, 2);
    assert_int_equal(web->meta.loc.col, 1);
    assert_string_equal(kn_labels_get(web->meta.labels, "app"), "web");
    assert_int_equal(web->replicas, 3);
    assert_string_equal(kn_labels_get(web->selector, "app"), "web");
    assert_false(web->max_surge.is_string);
    assert_int_equal(web->max_surge.number, 1);
    assert_true(web->max_unavailable.is_string);
    assert_string_equal(web->max_unavailable.name, "50%");
    assert_string_equal(kn_labels_get(web->template.labels, "tier"), "1");

    KnContainer *nginx = web->template.spec.containers->pdata[0];
    assert_int_equal(web->template.spec.containers->len, 1);
    assert_string_equal(nginx->name, "nginx");
    assert_string_equal(nginx->image, "nginx:1.27");
    assert_int_equal(nginx->command->len, 0);
    KnContainerPort *http = nginx->ports->pdata[0];
    assert_string_equal(http->name, "http");
    assert_int_equal(http->container_port, 80);
    assert_int_equal(http->protocol, KN_PROTOCOL_TCP);
    assert_int_equal(nginx->readiness.kind, KN_PROBE_HTTP_GET);
    assert_string_equal(nginx->readiness.path, "/");
    assert_true(nginx->readiness.port.is_string);
    assert_string_equal(nginx->readiness.port.name, "http");
    assert_int_equal(nginx->readiness.period_s, 5);
    assert_int_equal(nginx->readiness.timeout_s, 1);   /* the kubelet's default */

    KnService *svc = object_at(manifests, 1, KN_KIND_SERVICE);
    assert_string_equal(svc->meta.name, "web");
    assert_int_equal(svc->spec.type, KN_SERVICE_CLUSTER_IP);
    assert_string_equal(kn_labels_get(svc->spec.selector, "app"), "web");
    assert_null(svc->spec.cluster_ip);
    KnServicePort *port = svc->spec.ports->pdata[0];
    assert_string_equal(port->name, "http");
    assert_int_equal(port->port, 80);
    assert_true(port->target_port.is_string);
    assert_string_equal(port->target_port.name, "http");
    assert_int_equal(port->loc.line, 37);

    KnService *headless = object_at(manifests, 2, KN_KIND_SERVICE);
    assert_string_equal(headless->spec.cluster_ip, "None");
    assert_string_equal(str_at(headless->spec.cluster_ips, 0), "None");
    port = headless->spec.ports->pdata[0];
    assert_null(port->name);
    assert_false(port->target_port.is_string);
    assert_int_equal(port->target_port.number, 80);    /* defaults to the port */

    KnService *github = object_at(manifests, 3, KN_KIND_SERVICE);
    assert_string_equal(github->meta.namespace, "lab");
    assert_int_equal(github->spec.type, KN_SERVICE_EXTERNAL_NAME);
    assert_string_equal(github->spec.external_name, "api.github.com");
    assert_null(github->spec.selector);
    assert_int_equal(github->spec.ports->len, 0);
}

static void
test_scenario_manifest_reads_every_kind(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = read_file("tests/data/manifest-kinds.yaml", &error);

    assert_null(error);
    assert_non_null(manifests);
    assert_int_equal(manifests->len, 9);

    KnNamespace *ns = object_at(manifests, 0, KN_KIND_NAMESPACE);
    assert_string_equal(ns->meta.name, "shop");
    assert_null(ns->meta.namespace);         /* cluster-scoped */
    assert_string_equal(kn_labels_get(ns->meta.labels, "team"), "a");

    KnPod *pod = object_at(manifests, 1, KN_KIND_POD);
    KnPodSpec *ps = &pod->spec;
    assert_string_equal(pod->meta.namespace, "shop");
    assert_string_equal(kn_labels_get(pod->meta.annotations, "note"), "hello");
    assert_string_equal(ps->hostname, "c1");
    assert_string_equal(ps->subdomain, "sub");
    assert_false(ps->host_network);
    assert_string_equal(ps->dns_policy, "Default");
    assert_non_null(ps->dns_config);
    assert_string_equal(str_at(ps->dns_config->nameservers, 0), "1.1.1.1");
    assert_string_equal(str_at(ps->dns_config->searches, 0), "corp.example");
    assert_int_equal(ps->dns_config->options->len, 2);
    KnPodDnsConfigOption *ndots = ps->dns_config->options->pdata[0];
    KnPodDnsConfigOption *reopen = ps->dns_config->options->pdata[1];
    assert_string_equal(ndots->name, "ndots");
    assert_string_equal(ndots->value, "1");
    assert_string_equal(reopen->name, "single-request-reopen");
    assert_null(reopen->value);             /* nil: the option alone */
    assert_int_equal(ps->termination_grace_s, 5);
    assert_string_equal(ps->node_name, "worker2");
    assert_string_equal(kn_labels_get(ps->node_selector, "disk"), "ssd");
    assert_int_equal(ps->tolerations->len, 2);
    KnToleration *t0 = ps->tolerations->pdata[0], *t1 = ps->tolerations->pdata[1];
    assert_string_equal(t0->key, "node.kubernetes.io/unreachable");
    assert_true(t0->exists);
    assert_string_equal(t0->effect, "NoExecute");
    assert_true(t0->has_seconds);
    assert_int_equal(t0->seconds, 30);
    assert_false(t1->exists);
    assert_string_equal(t1->value, "db");
    assert_false(t1->has_seconds);
    KnContainer *c0 = ps->containers->pdata[0], *c1 = ps->containers->pdata[1];
    /* command: comes first even when written after args:. */
    assert_int_equal(c0->command->len, 2);
    assert_int_equal(c0->n_command, 1);
    assert_string_equal(str_at(c0->command, 0), "sleep");
    assert_string_equal(str_at(c0->command, 1), "infinity");
    assert_int_equal(c0->readiness.kind, KN_PROBE_EXEC);
    assert_string_equal(str_at(c0->readiness.command, 1), "/tmp/ready");
    assert_int_equal(c0->readiness.initial_delay_s, 2);
    assert_int_equal(c0->readiness.timeout_s, 3);
    assert_int_equal(c0->readiness.success_threshold, 2);
    assert_int_equal(c0->readiness.failure_threshold, 4);
    assert_int_equal(c1->n_command, 0);
    assert_string_equal(str_at(c1->command, 2), "sleep 1d");
    assert_int_equal(((KnContainerPort *) c1->ports->pdata[0])->protocol, KN_PROTOCOL_UDP);
    assert_int_equal(c1->readiness.kind, KN_PROBE_TCP_SOCKET);
    assert_int_equal(c1->readiness.port.number, 53);

    KnService *svc = object_at(manifests, 2, KN_KIND_SERVICE);
    KnServiceSpec *s = &svc->spec;
    assert_int_equal(s->type, KN_SERVICE_LOAD_BALANCER);
    KnServicePort *https = s->ports->pdata[0], *dns = s->ports->pdata[1];
    assert_string_equal(https->name, "https");
    assert_string_equal(https->app_protocol, "https");
    assert_int_equal(https->port, 443);
    assert_int_equal(https->target_port.number, 8443);
    assert_int_equal(https->node_port, 30443);
    assert_int_equal(dns->protocol, KN_PROTOCOL_UDP);
    assert_int_equal(dns->target_port.number, 53);
    assert_string_equal(s->cluster_ip, "10.96.0.50");
    assert_string_equal(str_at(s->cluster_ips, 0), "10.96.0.50");
    assert_string_equal(str_at(s->ip_families, 0), "IPv4");
    assert_int_equal(s->ip_family_policy, KN_IP_FAMILY_POLICY_SINGLE_STACK);
    assert_string_equal(str_at(s->external_ips, 0), "192.0.2.10");
    assert_true(s->session_affinity_client_ip);
    assert_true(s->has_session_affinity_config);
    assert_int_equal(s->session_affinity_timeout_s, 600);
    assert_true(s->has_external_traffic_policy);
    assert_int_equal(s->external_traffic_policy, KN_TRAFFIC_POLICY_LOCAL);
    assert_int_equal(s->internal_traffic_policy, KN_TRAFFIC_POLICY_LOCAL);
    assert_int_equal(s->health_check_node_port, 32000);
    assert_string_equal(s->load_balancer_ip, "198.51.100.7");
    assert_string_equal(str_at(s->load_balancer_source_ranges, 0), "203.0.113.0/24");
    assert_string_equal(s->load_balancer_class, "example.com/lb");
    assert_true(s->has_allocate_load_balancer_node_ports);
    assert_false(s->allocate_load_balancer_node_ports);
    assert_true(s->publish_not_ready_addresses);
    assert_string_equal(s->traffic_distribution, "PreferClose");

    KnEndpointSlice *slice = object_at(manifests, 3, KN_KIND_ENDPOINT_SLICE);
    assert_int_equal(slice->address_type, KN_ADDRESS_IPV4);
    assert_int_equal(slice->endpoints->len, 2);
    KnEndpoint *e0 = slice->endpoints->pdata[0], *e1 = slice->endpoints->pdata[1];
    assert_string_equal(str_at(e0->addresses, 0), "10.244.1.5");
    assert_false(e0->ready);
    assert_false(e0->serving);               /* unset: as ready */
    assert_true(e0->terminating);
    assert_string_equal(e0->hostname, "pod-a");
    assert_string_equal(e0->node_name, "worker");
    assert_string_equal(e0->zone, "zone-a");
    assert_string_equal(e0->target_pod, "pod-a");
    assert_string_equal(e0->target_namespace, "default");
    assert_string_equal(e0->target_uid, "1234");
    assert_string_equal(str_at(e0->hint_zones, 0), "zone-a");
    assert_true(e1->ready);                  /* no conditions: ready and serving */
    assert_true(e1->serving);
    assert_false(e1->terminating);
    KnEndpointPort *ep = slice->ports->pdata[0];
    assert_string_equal(ep->name, "");
    assert_int_equal(ep->port, 8080);
    assert_string_equal(ep->app_protocol, "http");

    KnEndpoints *endpoints = object_at(manifests, 4, KN_KIND_ENDPOINTS);
    KnEndpointSubset *subset = endpoints->subsets->pdata[0];
    KnEndpointAddress *a0 = subset->addresses->pdata[0];
    assert_string_equal(a0->ip, "10.244.1.5");
    assert_string_equal(a0->hostname, "pod-a");
    assert_string_equal(a0->node_name, "worker");
    assert_string_equal(a0->target_pod, "pod-a");
    assert_string_equal(a0->target_uid, "u1");
    assert_string_equal(((KnEndpointAddress *) subset->not_ready_addresses->pdata[0])->ip, "10.244.2.6");
    assert_string_equal(((KnEndpointPort *) subset->ports->pdata[0])->name, "http");

    KnConfigMap *cm = object_at(manifests, 5, KN_KIND_CONFIG_MAP);
    assert_string_equal(kn_labels_get(cm->data, "Corefile"), ".:53 {\n    forward . 8.8.8.8\n}\n");
    assert_string_equal(kn_labels_get(cm->data, "mode"), "on");

    KnReplicaSet *rs = object_at(manifests, 6, KN_KIND_REPLICA_SET);
    assert_int_equal(rs->replicas, 0);
    assert_int_equal(kn_labels_size(rs->selector), 1);
    assert_string_equal(((KnContainer *) rs->template.spec.containers->pdata[0])->image, "nginx");

    KnStatefulSet *sts = object_at(manifests, 7, KN_KIND_STATEFUL_SET);
    assert_string_equal(sts->service_name, "db");
    assert_int_equal(sts->replicas, 2);
    assert_true(sts->parallel);
    assert_string_equal(kn_labels_get(sts->template.labels, "app"), "db");

    KnDaemonSet *ds = object_at(manifests, 8, KN_KIND_DAEMON_SET);
    assert_null(ds->meta.name);
    assert_string_equal(ds->meta.generate_name, "agent-");
    assert_true(ds->template.spec.host_network);   /* YAML 1.1: yes is true */
}

static void
test_scenario_manifest_locates_fields_and_their_parents(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = read_file("tests/data/manifest-lab.yaml", &error);
    KnManifest *deployment = manifests->pdata[0];
    KnManifest *service = manifests->pdata[1];
    const KnSrcLoc *loc;

    /* Exact paths: the value's position. */
    loc = kn_scenario_manifest_locate(service, "spec.ports[0].targetPort");
    assert_string_equal(loc->file, "tests/data/manifest-lab.yaml");
    assert_int_equal(loc->line, 39);
    assert_int_equal(loc->col, 17);
    loc = kn_scenario_manifest_locate(service, "spec.ports[0]");
    assert_int_equal(loc->line, 37);
    assert_int_equal(loc->col, 5);
    loc = kn_scenario_manifest_locate(deployment, "spec.template.spec.containers[0].ports[0].containerPort");
    assert_int_equal(loc->line, 23);
    assert_int_equal(loc->col, 39);
    loc = kn_scenario_manifest_locate(deployment, "metadata.labels[app]");
    assert_int_equal(loc->line, 6);
    assert_int_equal(loc->col, 17);
    /* Skipped fields keep their position too. */
    loc = kn_scenario_manifest_locate(deployment, "spec.template.spec.containers[0].resources");
    assert_int_equal(loc->line, 25);

    /* Fields not in the file: the closest parent that is. */
    loc = kn_scenario_manifest_locate(service, "spec.ports[0].protocol");
    assert_int_equal(loc->line, 37);
    loc = kn_scenario_manifest_locate(service, "spec.ports[3].name");
    assert_int_equal(loc->line, 37);         /* spec.ports */
    assert_int_equal(loc->col, 3);
    loc = kn_scenario_manifest_locate(service, "spec.clusterIP");
    assert_int_equal(loc->line, 35);         /* spec */
    loc = kn_scenario_manifest_locate(deployment, "spec.template.metadata.labels[x.io/y]");
    assert_int_equal(loc->line, 16);
    loc = kn_scenario_manifest_locate(service, "status.loadBalancer");
    assert_int_equal(loc->line, 30);         /* the document */
    assert_int_equal(loc->col, 1);
    loc = kn_scenario_manifest_locate(service, "");
    assert_int_equal(loc->line, 30);
}

static void
test_scenario_manifest_reads_one_document(void **state)
{
    (void) state;
    static const char text[] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n";
    g_autoptr(GString) path = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    yaml_parser_t parser;
    yaml_document_t doc;

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const guchar *) text, sizeof text - 1);
    assert_true(yaml_parser_load(&parser, &doc));

    KnYamlCtx ctx = { "inline", text, &doc, path };
    g_autoptr(KnManifest) manifest = kn_scenario_manifest_read(&ctx, yaml_document_get_root_node(&doc), &error);

    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    assert_non_null(manifest);
    assert_int_equal(manifest->kind, KN_KIND_CONFIG_MAP);
    assert_int_equal(kn_scenario_manifest_locate(manifest, "data[k]")->line, 4);

    KnConfigMap *cm = kn_scenario_manifest_steal_object(manifest);
    assert_null(manifest->object);
    assert_string_equal(kn_labels_get(cm->data, "k"), "v");
    kn_object_free(KN_KIND_CONFIG_MAP, cm);
}

static void
test_scenario_manifest_scenario_keeps_its_manifests(void **state)
{
    (void) state;
    static const char text[] =
        "apiVersion: knetsim/v1\nkind: Scenario\nmetadata: {name: t}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"
        "---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: lab}\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load_data("inline.yaml", text, sizeof text - 1, &error);

    assert_null(error);
    assert_int_equal(scenario->manifests->len, 2);
    KnManifest *service = scenario->manifests->pdata[0];
    assert_int_equal(service->kind, KN_KIND_SERVICE);
    assert_string_equal(((KnService *) service->object)->meta.loc.file, "inline.yaml");
    assert_int_equal(((KnService *) service->object)->meta.loc.line, 5);
    assert_int_equal(((KnManifest *) scenario->manifests->pdata[1])->kind, KN_KIND_NAMESPACE);
}

static void
test_scenario_manifest_bad_files_give_exact_messages(void **state)
{
    (void) state;
    static const struct { const char *name; KnInputError code; } cases[] = {
        { "unknown-field", KN_INPUT_ERROR_UNKNOWN_KEY },
        { "wrong-type", KN_INPUT_ERROR_TYPE },
        { "label-number", KN_INPUT_ERROR_TYPE },
        { "wrong-api-version", KN_INPUT_ERROR_VALUE },
        { "unknown-kind", KN_INPUT_ERROR_UNSUPPORTED },
        { "duplicate-key", KN_INPUT_ERROR_VALUE },
        { "missing-name", KN_INPUT_ERROR_VALUE },
        { "bad-protocol", KN_INPUT_ERROR_VALUE },
        { "in-scenario", KN_INPUT_ERROR_VALUE },
        { "dns-option-number", KN_INPUT_ERROR_TYPE },
        { "bad-quantity", KN_INPUT_ERROR_VALUE },
        { "nul-in-string", KN_INPUT_ERROR_VALUE },
        { "nul-label", KN_INPUT_ERROR_VALUE },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *yaml = g_strdup_printf("tests/data/manifest-%s.yaml", cases[i].name);
        g_autofree char *err = g_strdup_printf("tests/data/manifest-%s.err", cases[i].name);
        g_autofree char *text = NULL;
        gsize length;
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) manifests = NULL;
        g_autoptr(KnScenario) scenario = NULL;

        /* A file that starts with a Scenario goes through the scenario loader. */
        assert_true(g_file_get_contents(yaml, &text, &length, NULL));
        if (g_str_has_prefix(text, "apiVersion: knetsim/v1"))
            assert_null(scenario = kn_scenario_load(yaml, &error));
        else
            assert_null(manifests = kn_scenario_manifest_read_data(yaml, text, length, &error));
        test_assert_error_file(error, yaml, err, KN_INPUT_ERROR, cases[i].code);
    }
}

static void
test_scenario_manifest_checks_duplicates_in_skipped_fields(void **state)
{
    (void) state;
    static const char text[] =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
        "    resources:\n      limits: {cpu: 1, cpu: 2}\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data("x.yaml", text, sizeof text - 1, &error);

    assert_null(manifests);
    assert_true(g_str_has_prefix(error->message, "x.yaml:8:24: error: spec.containers[0].resources.limits: "
                                                 "mapping key \"cpu\" already defined at line 8\n"));
}

/* Container resources: quantities as strings or numbers; anything else is
 * the decoder's type error at the value. */
static void
test_scenario_manifest_reads_resource_quantities(void **state)
{
    (void) state;
    static const char good[] =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: 50m, memory: 32Mi}\n"
        "      limits: {cpu: 1}\n";
    static const char bad[] =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: c\n    image: nginx\n    resources:\n      limits: {cpu: [1]}\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data("good.yaml", good, strlen(good), &error);

    g_assert_no_error(error);
    KnPod *pod = ((KnManifest *) manifests->pdata[0])->object;
    KnContainer *c = pod->spec.containers->pdata[0];
    assert_string_equal(kn_labels_get(c->requests, "cpu"), "50m");
    assert_string_equal(kn_labels_get(c->requests, "memory"), "32Mi");
    assert_string_equal(kn_labels_get(c->limits, "cpu"), "1");

    g_autoptr(GPtrArray) none = kn_scenario_manifest_read_data("bad.yaml", bad, strlen(bad), &error);
    assert_null(none);
    assert_true(g_str_has_prefix(error->message,
                                 "bad.yaml:9:21: error: spec.containers[0].resources.limits[cpu]: json: cannot "
                                 "unmarshal array into Go struct field ResourceRequirements.spec.containers."
                                 "resources.limits of type resource.Quantity\n"));
}

/* A negative terminationGracePeriodSeconds is no error: the API server
 * makes it 1 (kubernetes#115606), where other int fields refuse negatives. */
static void
test_scenario_manifest_takes_a_negative_grace_period_as_1(void **state)
{
    (void) state;
    static const char text[] =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: -5\n"
        "  containers: [{name: c, image: nginx}]\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data("x.yaml", text, sizeof text - 1, &error);

    g_assert_no_error(error);
    assert_int_equal(((KnPod *) object_at(manifests, 0, KN_KIND_POD))->spec.termination_grace_s, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_manifest_reads_the_lab),
        cmocka_unit_test(test_scenario_manifest_reads_every_kind),
        cmocka_unit_test(test_scenario_manifest_locates_fields_and_their_parents),
        cmocka_unit_test(test_scenario_manifest_reads_one_document),
        cmocka_unit_test(test_scenario_manifest_scenario_keeps_its_manifests),
        cmocka_unit_test(test_scenario_manifest_bad_files_give_exact_messages),
        cmocka_unit_test(test_scenario_manifest_checks_duplicates_in_skipped_fields),
        cmocka_unit_test(test_scenario_manifest_reads_resource_quantities),
        cmocka_unit_test(test_scenario_manifest_takes_a_negative_grace_period_as_1),
    };
    return cmocka_run_group_tests_name("scenario_manifest", tests, setup, NULL);
}
