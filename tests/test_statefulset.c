/* test_statefulset.c -- the StatefulSet controller on the simulated clock:
 * identity, OrderedReady against Parallel, scale-down order, recreation. */

#include <config.h>
#include "tests/test_util.h"

#include "tests/test_cluster.h"

typedef TestCluster Fixture;

static int
setup(void **state)
{
    return test_cluster_setup(state, TEST_CLUSTER_STATEFUL_SETS);
}

static int
teardown(void **state)
{
    return test_cluster_teardown(state);
}

static KnStatefulSet *
db_set(guint replicas, gboolean parallel)
{
    KnStatefulSet *s = kn_stateful_set_new();
    KnContainer *c = kn_container_new();

    s->meta.namespace = g_strdup("default");
    s->meta.name = g_strdup("db");
    s->service_name = g_strdup("db-hl");
    kn_labels_set(s->selector, "app", "db");
    kn_labels_set(s->template.labels, "app", "db");
    s->replicas = replicas;
    s->parallel = parallel;
    c->name = g_strdup("nginx");
    c->image = g_strdup("nginx:1.27");
    g_ptr_array_add(s->template.spec.containers, c);
    return s;
}

static KnPod *
pod(Fixture *f, const char *name)
{
    return kn_store_lookup(f->cluster->store, KN_KIND_POD, "default", name);
}

static guint
n_pods(Fixture *f)
{
    g_autoptr(GPtrArray) pods = kn_store_list(f->cluster->store, KN_KIND_POD, "default");

    return pods->len;
}

static void
test_statefulset_pods_have_stable_identity(void **state)
{
    Fixture *f = *state;

    kn_store_add(f->cluster->store, KN_KIND_STATEFUL_SET, db_set(2, FALSE), NULL);
    kn_sim_run_until(f->sim, 20 * KN_SEC);

    KnPod *p1 = pod(f, "db-1");
    KnStatefulSet *set = kn_store_lookup(f->cluster->store, KN_KIND_STATEFUL_SET, "default", "db");

    assert_non_null(pod(f, "db-0"));
    assert_non_null(p1);
    assert_string_equal(p1->spec.hostname, "db-1");
    assert_string_equal(p1->spec.subdomain, "db-hl");
    assert_string_equal(kn_labels_get(p1->meta.labels, "statefulset.kubernetes.io/pod-name"), "db-1");
    assert_string_equal(kn_labels_get(p1->meta.labels, "apps.kubernetes.io/pod-index"), "1");
    assert_true(g_str_has_prefix(kn_labels_get(p1->meta.labels, "controller-revision-hash"), "db-"));
    assert_int_equal(p1->meta.owner.kind, KN_KIND_STATEFUL_SET);
    assert_string_equal(p1->meta.owner.uid, set->meta.uid);
    assert_int_equal(set->ready_replicas, 2);
    assert_int_equal(set->current_replicas, 2);
}

static void
test_statefulset_ordered_ready_creates_one_at_a_time(void **state)
{
    Fixture *f = *state;

    kn_store_add(f->cluster->store, KN_KIND_STATEFUL_SET, db_set(3, FALSE), NULL);
    kn_sim_run_until(f->sim, 500 * KN_MSEC);
    assert_non_null(pod(f, "db-0"));
    assert_null(pod(f, "db-1"));           /* db-0 is not Ready yet */

    /* Step until db-1 appears: db-0 must be Running and Ready by then. */
    KnTime t = 500 * KN_MSEC;

    while (pod(f, "db-1") == NULL && t < 20 * KN_SEC)
        kn_sim_run_until(f->sim, t += 10 * KN_MSEC);
    assert_non_null(pod(f, "db-1"));
    assert_true(pod(f, "db-0")->ready);
    assert_true(pod(f, "db-1")->meta.creation_time >= pod(f, "db-0")->ready_time);
    assert_null(pod(f, "db-2"));
    kn_sim_run_until(f->sim, 30 * KN_SEC);
    assert_true(pod(f, "db-2")->meta.creation_time >= pod(f, "db-1")->ready_time);
    assert_true(pod(f, "db-2")->ready);
}

static void
test_statefulset_parallel_creates_all_at_once(void **state)
{
    Fixture *f = *state;

    kn_store_add(f->cluster->store, KN_KIND_STATEFUL_SET, db_set(3, TRUE), NULL);
    kn_sim_run_until(f->sim, 100 * KN_MSEC);
    assert_int_equal(n_pods(f), 3);
    assert_int_equal(pod(f, "db-0")->meta.creation_time, pod(f, "db-2")->meta.creation_time);
    assert_false(pod(f, "db-0")->ready);
}

static void
test_statefulset_scale_down_from_the_highest_ordinal(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;

    kn_store_add(store, KN_KIND_STATEFUL_SET, db_set(3, FALSE), NULL);
    kn_sim_run_until(f->sim, 30 * KN_SEC);
    assert_int_equal(n_pods(f), 3);

    KnStatefulSet *set = kn_store_lookup(store, KN_KIND_STATEFUL_SET, "default", "db");

    set->replicas = 1;
    kn_store_update(store, KN_KIND_STATEFUL_SET, set, TRUE);
    kn_sim_run_until(f->sim, 30 * KN_SEC + 100 * KN_MSEC);
    assert_true(pod(f, "db-2")->meta.deleting);
    assert_false(pod(f, "db-1")->meta.deleting);   /* waits for db-2 to go */
    kn_sim_run_until(f->sim, 30 * KN_SEC + 550 * KN_MSEC);
    assert_null(pod(f, "db-2"));
    assert_true(pod(f, "db-1")->meta.deleting);
    kn_sim_run_until(f->sim, 40 * KN_SEC);
    assert_null(pod(f, "db-1"));
    assert_non_null(pod(f, "db-0"));
    assert_int_equal(set->current_replicas, 1);
}

static void
test_statefulset_deleted_pod_comes_back_with_its_name(void **state)
{
    Fixture *f = *state;

    kn_store_add(f->cluster->store, KN_KIND_STATEFUL_SET, db_set(2, FALSE), NULL);
    kn_sim_run_until(f->sim, 20 * KN_SEC);

    g_autofree char *old_uid = g_strdup(pod(f, "db-0")->meta.uid);

    kn_workloads_delete_pod(f->workloads, pod(f, "db-0"));
    kn_sim_run_until(f->sim, 20 * KN_SEC + 100 * KN_MSEC);
    assert_true(pod(f, "db-0")->meta.deleting);    /* not replaced while Terminating */
    kn_sim_run_until(f->sim, 30 * KN_SEC);
    assert_non_null(pod(f, "db-0"));
    assert_string_not_equal(pod(f, "db-0")->meta.uid, old_uid);
    assert_true(pod(f, "db-0")->ready);
    assert_string_equal(pod(f, "db-0")->spec.hostname, "db-0");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_statefulset_pods_have_stable_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statefulset_ordered_ready_creates_one_at_a_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statefulset_parallel_creates_all_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statefulset_scale_down_from_the_highest_ordinal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statefulset_deleted_pod_comes_back_with_its_name, setup, teardown),
    };
    return cmocka_run_group_tests_name("statefulset", tests, NULL, NULL);
}
