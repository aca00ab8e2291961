/* test_kubectl_patch.c -- `kubectl patch`: strategic, merge and JSON
 * patches of stored objects, what changes, what stays, and the messages of
 * kubectl (pkg/cmd/patch/patch.go) and the API server
 * (apiserver pkg/endpoints/handlers/patch.go). */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include "models/kubectl-patch.h"
#include "models/scenario-manifest.h"

/*****************************************************************************/
/* Helpers: stored objects, as the API server would hold them. */

static const char web_service[] =
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace: default\n"
    "  labels: {app: web, tier: frontend}\n"
    "spec:\n"
    "  selector: {app: web}\n"
    "  clusterIP: 10.96.100.10\n"
    "  clusterIPs: [10.96.100.10]\n"
    "  ports:\n"
    "  - name: http\n"
    "    port: 80\n"
    "    targetPort: 8080\n"
    "  - name: https\n"
    "    port: 443\n"
    "    targetPort: \"8443\"\n";

static const char web_deployment[] =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: web, namespace: default, labels: {app: web}}\n"
    "spec:\n"
    "  replicas: 3\n"
    "  selector: {matchLabels: {app: web}}\n"
    "  template:\n"
    "    metadata: {labels: {app: web}}\n"
    "    spec:\n"
    "      containers:\n"
    "      - name: web\n"
    "        image: nginx:1.25\n"
    "        ports: [{containerPort: 80}]\n"
    "      - name: sidecar\n"
    "        image: busybox\n";

/* The object of the one manifest in 'yaml', given the identity the store
 * gives it. */
static gpointer
stored(KnKind kind, const char *yaml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data("stored.yaml", yaml, strlen(yaml), &error);
    gpointer object;
    KnObjectMeta *meta;

    g_assert_no_error(error);
    assert_int_equal(manifests->len, 1);
    object = kn_scenario_manifest_steal_object(manifests->pdata[0]);
    assert_int_equal(((KnManifest *) manifests->pdata[0])->kind, kind);
    meta = kn_object_meta(object);
    meta->uid = g_strdup("8f1c2b7e-4c1d-4e6a-9a51-2f0d3b6c7a10");
    meta->creation_time = 5 * KN_SEC;
    meta->resource_version = 612;
    meta->generation = 1;
    return object;
}

/* Patches 'object'; asserts success and that 'changed' is as expected. */
static gpointer
patch_ok(KnKind kind, gconstpointer object, const char *patch, const char *type, gboolean want_changed)
{
    g_autoptr(GError) error = NULL;
    gboolean changed = !want_changed;
    gpointer result = kn_kubectl_patch_apply(kind, object, patch, type, 60 * KN_SEC, &changed, NULL, &error);

    g_assert_no_error(error);
    assert_non_null(result);
    assert_int_equal(changed, want_changed);
    return result;
}

/* Patches 'object'; asserts failure with exactly 'want' and returns nothing. */
static void
patch_fails(KnKind kind, gconstpointer object, const char *patch, const char *type, const char *want)
{
    g_autoptr(GError) error = NULL;
    gpointer result = kn_kubectl_patch_apply(kind, object, patch, type, 60 * KN_SEC, NULL, NULL, &error);

    assert_null(result);
    assert_non_null(error);
    assert_true(error->domain == KN_INPUT_ERROR);
    assert_string_equal(error->message, want);
}

static KnServicePort *
port(KnService *service, guint i)
{
    return service->spec.ports->pdata[i];
}

/*****************************************************************************/
/* Strategic merge patches (the default). */

/* The lab's `kubectl patch svc web -p '{"spec":{"type":"NodePort"}}'`: the
 * type changes; ports, clusterIP, identity and status stay. */
static void
test_kubectl_patch_service_type_node_port(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);

    g_ptr_array_add(svc->load_balancer_ingress, g_strdup("172.18.255.200"));

    KnService *got = patch_ok(KN_KIND_SERVICE, svc, "{\"spec\":{\"type\":\"NodePort\"}}", NULL, TRUE);

    assert_int_equal(got->spec.type, KN_SERVICE_NODE_PORT);
    assert_string_equal(got->spec.cluster_ip, "10.96.100.10");
    assert_int_equal(got->spec.ports->len, 2);
    assert_int_equal(port(got, 0)->port, 80);
    assert_int_equal(port(got, 0)->target_port.number, 8080);
    assert_int_equal(port(got, 1)->port, 443);
    assert_true(port(got, 1)->target_port.is_string);          /* "8443" stays a string */
    assert_string_equal(port(got, 1)->target_port.name, "8443");
    assert_string_equal(kn_labels_get(got->spec.selector, "app"), "web");
    assert_string_equal(got->meta.name, "web");
    assert_string_equal(got->meta.namespace, "default");
    assert_string_equal(got->meta.uid, svc->meta.uid);
    assert_int_equal(got->meta.creation_time, 5 * KN_SEC);
    assert_int_equal(got->meta.resource_version, 612);
    assert_string_equal(kn_labels_get(got->meta.labels, "tier"), "frontend");
    assert_int_equal(got->load_balancer_ingress->len, 1);
    assert_string_equal(got->load_balancer_ingress->pdata[0], "172.18.255.200");
    assert_int_equal(svc->spec.type, KN_SERVICE_CLUSTER_IP);      /* the original is untouched */
    kn_object_free(KN_KIND_SERVICE, got);
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* spec.ports merges by "port": the port 80 entry gets a nodePort and keeps
 * its other fields; the 443 entry stays.  A new port comes first, as
 * strategicpatch's mergeSortedSlice puts it. */
static void
test_kubectl_patch_service_ports_merge_by_port(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);
    KnService *got = patch_ok(KN_KIND_SERVICE, svc,
                              "{\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}}",
                              "strategic", TRUE);

    assert_int_equal(got->spec.ports->len, 2);
    assert_int_equal(port(got, 0)->port, 80);
    assert_int_equal(port(got, 0)->node_port, 30080);
    assert_string_equal(port(got, 0)->name, "http");
    assert_int_equal(port(got, 0)->target_port.number, 8080);
    assert_int_equal(port(got, 1)->port, 443);
    assert_int_equal(port(got, 1)->node_port, 0);
    kn_object_free(KN_KIND_SERVICE, got);

    got = patch_ok(KN_KIND_SERVICE, svc, "{\"spec\":{\"ports\":[{\"name\":\"metrics\",\"port\":9090}]}}", NULL, TRUE);
    assert_int_equal(got->spec.ports->len, 3);
    assert_int_equal(port(got, 0)->port, 9090);
    assert_int_equal(port(got, 1)->port, 80);
    assert_int_equal(port(got, 2)->port, 443);
    kn_object_free(KN_KIND_SERVICE, got);

    /* $patch: delete removes the item with that key. */
    got = patch_ok(KN_KIND_SERVICE, svc, "{\"spec\":{\"ports\":[{\"$patch\":\"delete\",\"port\":443}]}}", NULL, TRUE);
    assert_int_equal(got->spec.ports->len, 1);
    assert_int_equal(port(got, 0)->port, 80);
    kn_object_free(KN_KIND_SERVICE, got);

    /* $patch: replace makes the other items the whole list. */
    got = patch_ok(KN_KIND_SERVICE, svc, "{\"spec\":{\"ports\":[{\"$patch\":\"replace\"},{\"port\":8000}]}}",
                   NULL, TRUE);
    assert_int_equal(got->spec.ports->len, 1);
    assert_int_equal(port(got, 0)->port, 8000);
    assert_int_equal(port(got, 0)->target_port.number, 8000);
    kn_object_free(KN_KIND_SERVICE, got);

    /* An item without the merge key. */
    patch_fails(KN_KIND_SERVICE, svc, "{\"spec\":{\"ports\":[{\"nodePort\":30080}]}}", NULL,
                "Error from server: map: map[nodePort:30080] does not contain declared merge key: port");
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* --type merge (RFC 7386) replaces the whole list. */
static void
test_kubectl_patch_merge_replaces_ports(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);
    KnService *got = patch_ok(KN_KIND_SERVICE, svc, "{\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30080}]}}",
                              "merge", TRUE);

    assert_int_equal(got->spec.ports->len, 1);
    assert_int_equal(port(got, 0)->port, 80);
    assert_null(port(got, 0)->name);                           /* the old entry is gone */
    assert_int_equal(port(got, 0)->target_port.number, 80);    /* defaulted again */
    assert_int_equal(port(got, 0)->node_port, 30080);
    kn_object_free(KN_KIND_SERVICE, got);
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* --type json (RFC 6902). */
static void
test_kubectl_patch_json_patch(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);
    KnService *got = patch_ok(KN_KIND_SERVICE, svc,
                              "[{\"op\":\"replace\",\"path\":\"/spec/ports/0/port\",\"value\":8080},"
                              "{\"op\":\"add\",\"path\":\"/spec/ports/1/nodePort\",\"value\":30443},"
                              "{\"op\":\"test\",\"path\":\"/spec/clusterIP\",\"value\":\"10.96.100.10\"},"
                              "{\"op\":\"remove\",\"path\":\"/metadata/labels/tier\"}]",
                              "JSON", TRUE);

    assert_int_equal(port(got, 0)->port, 8080);
    assert_int_equal(port(got, 1)->node_port, 30443);
    assert_null(kn_labels_get(got->meta.labels, "tier"));
    kn_object_free(KN_KIND_SERVICE, got);

    patch_fails(KN_KIND_SERVICE, svc, "[{\"op\":\"replace\",\"path\":\"/spec/foo\",\"value\":1}]", "json",
                "The request is invalid: replace operation does not apply: doc is missing key: /spec/foo: "
                "missing value");
    patch_fails(KN_KIND_SERVICE, svc, "[{\"op\":\"test\",\"path\":\"/spec/type\",\"value\":\"NodePort\"}]", "json",
                "The request is invalid: testing value /spec/type failed: test failed");
    patch_fails(KN_KIND_SERVICE, svc, "{\"spec\":{}}", "json",
                "Error from server (BadRequest): error decoding patch: json: cannot unmarshal object into Go "
                "value of type []handlers.jsonPatchOp");
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* A null deletes a label; the other labels stay. */
static void
test_kubectl_patch_null_removes_label(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);
    KnService *got = patch_ok(KN_KIND_SERVICE, svc, "{\"metadata\":{\"labels\":{\"tier\":null}}}", NULL, TRUE);

    assert_null(kn_labels_get(got->meta.labels, "tier"));
    assert_string_equal(kn_labels_get(got->meta.labels, "app"), "web");
    assert_string_equal(got->meta.uid, svc->meta.uid);
    kn_object_free(KN_KIND_SERVICE, got);

    /* A label added as YAML: kubectl takes YAML too. */
    got = patch_ok(KN_KIND_SERVICE, svc, "metadata: {labels: {env: prod}}", NULL, TRUE);
    assert_string_equal(kn_labels_get(got->meta.labels, "env"), "prod");
    assert_string_equal(kn_labels_get(got->meta.labels, "tier"), "frontend");
    kn_object_free(KN_KIND_SERVICE, got);
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* "patched (no change)": the same value, an empty patch, a null for an
 * unset field. */
static void
test_kubectl_patch_no_change(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);
    const char *const patches[] = {
        "{\"spec\":{\"type\":\"ClusterIP\"}}",
        "{}",
        "{\"metadata\":{\"labels\":{\"absent\":null}}}",
        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}",
    };

    for (guint i = 0; i < G_N_ELEMENTS(patches); i++)
        kn_object_free(KN_KIND_SERVICE, patch_ok(KN_KIND_SERVICE, svc, patches[i], NULL, FALSE));
    kn_object_free(KN_KIND_SERVICE, patch_ok(KN_KIND_SERVICE, svc, "[]", "json", FALSE));
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* Every kind knetsim patches reads back as it was printed. */
static void
test_kubectl_patch_empty_patch_round_trips(void **state)
{
    (void) state;
    static const struct {
        KnKind kind;
        const char *yaml;
    } cases[] = {
        { KN_KIND_SERVICE, web_service },
        { KN_KIND_DEPLOYMENT, web_deployment },
        { KN_KIND_POD, "apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, namespace: default}\n"
                       "spec:\n  nodeName: worker-1\n  containers:\n  - name: web\n    image: nginx\n"
                       "    ports: [{containerPort: 80, name: http}]\n"
                       "  tolerations: [{key: k, operator: Exists, effect: NoSchedule}]\n" },
        { KN_KIND_CONFIG_MAP, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\n"
                              "data: {replicas: \"3\", motd: \"# hi: there\", conf: \"a\\nb\\n\"}\n" },
        { KN_KIND_NAMESPACE, "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        gpointer object = stored(cases[i].kind, cases[i].yaml);

        kn_object_free(cases[i].kind, patch_ok(cases[i].kind, object, "{}", NULL, FALSE));
        kn_object_free(cases[i].kind, patch_ok(cases[i].kind, object, "{}", "merge", FALSE));
        kn_object_free(cases[i].kind, object);
    }
}

/* The messages: kubectl's for bad text and --type, the server's for the rest. */
static void
test_kubectl_patch_errors(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);

    patch_fails(KN_KIND_SERVICE, svc, "{\"spec\":{\"type\":\"NodePort\"}", NULL,
                "error: unable to parse \"{\\\"spec\\\":{\\\"type\\\":\\\"NodePort\\\"}\": "
                "yaml: line 1: did not find expected ',' or '}'");
    patch_fails(KN_KIND_SERVICE, svc, "{\n\"spec\": {\"type\": \"NodePort\"}\n", NULL,
                "error: unable to parse \"{\\n\\\"spec\\\": {\\\"type\\\": \\\"NodePort\\\"}\\n\": "
                "yaml: line 2: did not find expected ',' or '}'");
    patch_fails(KN_KIND_SERVICE, svc, "{\"spec\":{\"type\":\"NodePort}}", NULL,
                "error: unable to parse \"{\\\"spec\\\":{\\\"type\\\":\\\"NodePort}}\": "
                "yaml: found unexpected end of stream");
    patch_fails(KN_KIND_SERVICE, svc, "{}", "apply",
                "error: --type must be one of [json merge strategic], not \"apply\"");
    patch_fails(KN_KIND_SERVICE, svc, "", NULL,
                "error: must specify --patch or --patch-file containing the contents of the patch");
    patch_fails(KN_KIND_SERVICE, svc, "NodePort", NULL,
                "Error from server (BadRequest): json: cannot unmarshal string into Go value of type "
                "map[string]interface {}");
    patch_fails(KN_KIND_SERVICE, svc, "{\"metadata\":{\"name\":\"api\"}}", NULL,
                "Error from server (BadRequest): the name of the object (api) does not match the name on "
                "the URL (web)");
    patch_fails(KN_KIND_SERVICE, svc, "{\"spec\":{\"$patch\":\"merge\"}}", NULL,
                "Error from server (BadRequest): unknown patch type: merge in map: map[$patch:merge]");
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* An unknown field: the server's default field validation (Warn) drops it
 * and warns; kubectl says "patched (no change)". */
static void
test_kubectl_patch_unknown_field_warns(void **state)
{
    (void) state;
    KnService *svc = stored(KN_KIND_SERVICE, web_service);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    gboolean changed = TRUE;
    KnService *got = kn_kubectl_patch_apply(KN_KIND_SERVICE, svc,
                                            "{\"spec\":{\"typo\":\"NodePort\",\"ports\":[{\"port\":80,\"prot\":\"TCP\"}]}}",
                                            NULL, 0, &changed, warnings, &error);

    g_assert_no_error(error);
    assert_false(changed);
    assert_int_equal(warnings->len, 2);
    assert_string_equal(warnings->pdata[0], "unknown field \"spec.ports[0].prot\"");
    assert_string_equal(warnings->pdata[1], "unknown field \"spec.typo\"");
    assert_int_equal(got->spec.type, KN_SERVICE_CLUSTER_IP);
    kn_object_free(KN_KIND_SERVICE, got);

    /* With a real change beside it. */
    g_ptr_array_set_size(warnings, 0);
    got = kn_kubectl_patch_apply(KN_KIND_SERVICE, svc, "{\"spec\":{\"type\":\"NodePort\",\"foo\":{\"bar\":1}}}",
                                 NULL, 0, &changed, warnings, &error);
    g_assert_no_error(error);
    assert_true(changed);
    assert_int_equal(warnings->len, 1);
    assert_string_equal(warnings->pdata[0], "unknown field \"spec.foo\"");
    kn_object_free(KN_KIND_SERVICE, got);

    /* A value of the wrong type is an error. */
    patch_fails(KN_KIND_SERVICE, svc, "{\"spec\":{\"ports\":[{\"port\":\"eighty\"}]}}", "merge",
                "The request is invalid: patch: spec.ports[0].port: json: cannot unmarshal string into Go "
                "struct field ServicePort.spec.ports.port of type int32");
    kn_object_free(KN_KIND_SERVICE, svc);
}

/* `kubectl patch deployment web -p '{"spec":{"replicas":5}}'`, and a
 * container image by its merge key "name". */
static void
test_kubectl_patch_deployment(void **state)
{
    (void) state;
    KnDeployment *deploy = stored(KN_KIND_DEPLOYMENT, web_deployment);

    deploy->status_replicas = deploy->ready_replicas = deploy->available_replicas = 3;

    KnDeployment *got = patch_ok(KN_KIND_DEPLOYMENT, deploy, "{\"spec\":{\"replicas\":5}}", NULL, TRUE);
    KnContainer *c;

    assert_int_equal(got->replicas, 5);
    assert_int_equal(got->ready_replicas, 3);
    assert_int_equal(got->available_replicas, 3);
    assert_int_equal(got->template.spec.containers->len, 2);
    assert_int_equal(got->meta.generation, 1);                 /* the store bumps it */
    kn_object_free(KN_KIND_DEPLOYMENT, got);

    got = patch_ok(KN_KIND_DEPLOYMENT, deploy,
                   "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}}}",
                   NULL, TRUE);
    assert_int_equal(got->template.spec.containers->len, 2);
    c = got->template.spec.containers->pdata[0];
    assert_string_equal(c->name, "web");
    assert_string_equal(c->image, "nginx:1.27");
    assert_int_equal(c->ports->len, 1);
    c = got->template.spec.containers->pdata[1];
    assert_string_equal(c->image, "busybox");
    kn_object_free(KN_KIND_DEPLOYMENT, got);
    kn_object_free(KN_KIND_DEPLOYMENT, deploy);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kubectl_patch_service_type_node_port),
        cmocka_unit_test(test_kubectl_patch_service_ports_merge_by_port),
        cmocka_unit_test(test_kubectl_patch_merge_replaces_ports),
        cmocka_unit_test(test_kubectl_patch_json_patch),
        cmocka_unit_test(test_kubectl_patch_null_removes_label),
        cmocka_unit_test(test_kubectl_patch_no_change),
        cmocka_unit_test(test_kubectl_patch_empty_patch_round_trips),
        cmocka_unit_test(test_kubectl_patch_errors),
        cmocka_unit_test(test_kubectl_patch_unknown_field_warns),
        cmocka_unit_test(test_kubectl_patch_deployment),
    };
    return cmocka_run_group_tests_name("kubectl_patch", tests, NULL, NULL);
}
