/* test_daemonset.c -- the DaemonSet controller: one pod per eligible node,
 * bound at creation, the control plane's taint, new nodes, status. */

#include <config.h>
#include "tests/test_util.h"

#include "tests/test_cluster.h"

typedef TestCluster Fixture;

static int
setup(void **state)
{
    return test_cluster_setup(state, TEST_CLUSTER_DAEMON_SETS);
}

static int
teardown(void **state)
{
    return test_cluster_teardown(state);
}

static KnDaemonSet *
agent_set(gboolean tolerate_control_plane)
{
    KnDaemonSet *d = kn_daemon_set_new();
    KnContainer *c = kn_container_new();

    d->meta.namespace = g_strdup("default");
    d->meta.name = g_strdup("agent");
    kn_labels_set(d->selector, "app", "agent");
    kn_labels_set(d->template.labels, "app", "agent");
    c->name = g_strdup("agent");
    c->image = g_strdup("nginx:1.27");
    g_ptr_array_add(d->template.spec.containers, c);
    if (tolerate_control_plane) {
        KnToleration *t = kn_toleration_new();

        t->key = g_strdup("node-role.kubernetes.io/control-plane");
        t->exists = TRUE;
        t->effect = g_strdup("NoSchedule");
        g_ptr_array_add(d->template.spec.tolerations, t);
    }
    return d;
}

/* How many pods of the set run on 'node' (NULL: anywhere). */
static guint
pods_on(Fixture *f, const char *node)
{
    g_autoptr(GPtrArray) pods = kn_store_list(f->cluster->store, KN_KIND_POD, "default");
    guint n = 0;

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        if (g_strcmp0(kn_labels_get(pod->meta.labels, "app"), "agent") == 0
            && (node == NULL || g_strcmp0(pod->spec.node_name, node) == 0))
            n++;
    }
    return n;
}

static void
test_daemonset_one_pod_per_worker_none_on_the_control_plane(void **state)
{
    Fixture *f = *state;

    kn_store_add(f->cluster->store, KN_KIND_DAEMON_SET, agent_set(FALSE), NULL);
    kn_sim_run_until(f->sim, 10 * KN_SEC);
    assert_int_equal(pods_on(f, NULL), 2);
    assert_int_equal(pods_on(f, "svc-lab-worker"), 1);
    assert_int_equal(pods_on(f, "svc-lab-worker2"), 1);
    assert_int_equal(pods_on(f, "svc-lab-control-plane"), 0);

    g_autoptr(GPtrArray) pods = kn_store_list(f->cluster->store, KN_KIND_POD, "default");
    KnPod *pod = pods->pdata[0];
    gboolean unreachable_forever = FALSE;

    /* agent-<5>, running, with the daemon tolerations. */
    assert_true(g_str_has_prefix(pod->meta.name, "agent-"));
    assert_int_equal(strlen(pod->meta.name), strlen("agent-") + 5);
    assert_int_equal(pod->phase, KN_POD_RUNNING);
    assert_true(pod->ready);
    assert_non_null(pod->host_ip);
    for (guint i = 0; i < pod->spec.tolerations->len; i++) {
        KnToleration *t = pod->spec.tolerations->pdata[i];

        unreachable_forever |= g_strcmp0(t->key, "node.kubernetes.io/unreachable") == 0
                               && g_strcmp0(t->effect, "NoExecute") == 0 && !t->has_seconds;
    }
    assert_true(unreachable_forever);

    KnDaemonSet *d = kn_store_lookup(f->cluster->store, KN_KIND_DAEMON_SET, "default", "agent");

    assert_int_equal(d->desired, 2);
    assert_int_equal(d->current, 2);
    assert_int_equal(d->ready, 2);
}

static void
test_daemonset_tolerating_the_control_plane_runs_there_too(void **state)
{
    Fixture *f = *state;

    kn_store_add(f->cluster->store, KN_KIND_DAEMON_SET, agent_set(TRUE), NULL);
    kn_sim_run_until(f->sim, 10 * KN_SEC);
    assert_int_equal(pods_on(f, NULL), 3);
    assert_int_equal(pods_on(f, "svc-lab-control-plane"), 1);
}

static void
test_daemonset_new_node_gets_a_pod(void **state)
{
    Fixture *f = *state;
    KnNode *node = kn_node_new();

    kn_store_add(f->cluster->store, KN_KIND_DAEMON_SET, agent_set(FALSE), NULL);
    kn_sim_run_until(f->sim, 10 * KN_SEC);
    node->meta.name = g_strdup("svc-lab-worker3");
    node->internal_ip = g_strdup("172.18.0.5");
    node->pod_cidr = g_strdup("10.244.3.0/24");
    node->ready = TRUE;
    kn_store_add(f->cluster->store, KN_KIND_NODE, node, NULL);
    kn_sim_run_until(f->sim, 20 * KN_SEC);
    assert_int_equal(pods_on(f, "svc-lab-worker3"), 1);

    KnDaemonSet *d = kn_store_lookup(f->cluster->store, KN_KIND_DAEMON_SET, "default", "agent");

    assert_int_equal(d->desired, 3);
    assert_int_equal(d->ready, 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_daemonset_one_pod_per_worker_none_on_the_control_plane, setup, teardown),
        cmocka_unit_test_setup_teardown(test_daemonset_tolerating_the_control_plane_runs_there_too, setup, teardown),
        cmocka_unit_test_setup_teardown(test_daemonset_new_node_gets_a_pod, setup, teardown),
    };
    return cmocka_run_group_tests_name("daemonset", tests, NULL, NULL);
}
