/* test_api.c -- label maps and object lifetimes of models/api.h. */

#include <config.h>
#include "tests/test_util.h"

#include "models/api.h"

static void
test_api_labels_stay_sorted_and_print_like_kubectl(void **state)
{
    (void) state;
    g_autoptr(KnLabels) labels = kn_labels_new();
    g_autofree char *none = kn_labels_to_string(labels);

    assert_string_equal(none, "<none>");
    kn_labels_set(labels, "tier", "web");
    kn_labels_set(labels, "app", "shop");
    kn_labels_set(labels, "pod-template-hash", "5d8f7c9b6d");
    kn_labels_set(labels, "app", "web");                 /* replaces */
    assert_int_equal(kn_labels_size(labels), 3);
    assert_string_equal(kn_labels_get(labels, "app"), "web");
    assert_null(kn_labels_get(labels, "missing"));

    g_autofree char *text = kn_labels_to_string(labels);
    assert_string_equal(text, "app=web,pod-template-hash=5d8f7c9b6d,tier=web");
    assert_true(kn_labels_remove(labels, "tier"));
    assert_false(kn_labels_remove(labels, "tier"));
    assert_string_equal(kn_labels_key(labels, 1), "pod-template-hash");
}

static void
test_api_selector_matches_subsets_only(void **state)
{
    (void) state;
    g_autoptr(KnLabels) pod = kn_labels_new();
    g_autoptr(KnLabels) selector = kn_labels_new();

    kn_labels_set(pod, "app", "web");
    kn_labels_set(pod, "tier", "fe");
    assert_true(kn_labels_match(pod, selector));        /* empty selects all */
    kn_labels_set(selector, "app", "web");
    assert_true(kn_labels_match(pod, selector));
    kn_labels_set(selector, "tier", "be");
    assert_false(kn_labels_match(pod, selector));
    kn_labels_set(selector, "tier", "fe");
    kn_labels_set(selector, "zone", "a");
    assert_false(kn_labels_match(pod, selector));

    g_autoptr(KnLabels) copy = kn_labels_copy(pod);
    assert_true(kn_labels_equal(copy, pod));
    assert_false(kn_labels_equal(copy, selector));
}

static void
test_api_objects_have_api_defaults_and_free_cleanly(void **state)
{
    (void) state;
    KnService *service = kn_service_new();
    KnDeployment *deployment = kn_deployment_new();
    KnPod *pod = kn_pod_new();
    KnContainer *container = kn_container_new();

    assert_int_equal(service->spec.type, KN_SERVICE_CLUSTER_IP);
    assert_int_equal(service->spec.session_affinity_timeout_s, 10800);
    assert_true(service->spec.allocate_load_balancer_node_ports);
    assert_int_equal(deployment->replicas, 1);
    assert_string_equal(deployment->max_surge.name, "25%");
    assert_string_equal(pod->spec.dns_policy, "ClusterFirst");
    assert_int_equal(pod->spec.termination_grace_s, 30);
    assert_int_equal(container->readiness.period_s, 10);
    assert_int_equal(container->readiness.failure_threshold, 3);

    g_ptr_array_add(deployment->template.spec.containers, container);
    KnPodSpec copy = { 0 };
    kn_pod_spec_copy(&copy, &deployment->template.spec);
    assert_int_equal(copy.containers->len, 1);
    kn_pod_spec_clear(&copy);

    kn_labels_set(service->meta.labels, "app", "web");
    kn_object_free(KN_KIND_SERVICE, service);
    kn_object_free(KN_KIND_DEPLOYMENT, deployment);
    kn_object_free(KN_KIND_POD, pod);
    kn_object_free(KN_KIND_POD, NULL);
}

static void
test_api_kinds_round_trip_their_names(void **state)
{
    (void) state;
    for (int k = 0; k < KN_N_KINDS; k++) {
        KnKind found;

        assert_true(kn_kind_lookup(kn_kind_name((KnKind) k), &found));
        assert_int_equal(found, k);
    }
    KnKind kind;
    assert_false(kn_kind_lookup("Ingress", &kind));
    assert_string_equal(kn_kind_api_version(KN_KIND_ENDPOINT_SLICE), "discovery.k8s.io/v1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_labels_stay_sorted_and_print_like_kubectl),
        cmocka_unit_test(test_api_selector_matches_subsets_only),
        cmocka_unit_test(test_api_objects_have_api_defaults_and_free_cleanly),
        cmocka_unit_test(test_api_kinds_round_trip_their_names),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
