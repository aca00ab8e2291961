/* test_node_lifecycle.c -- a node fails and recovers: NotReady after the
 * grace period, endpoints drop, taint-based eviction after 300 s, pods
 * rescheduled, StatefulSet pods held, recovery. */

#include <config.h>
#include "tests/test_util.h"

#include "tests/test_cluster.h"

typedef TestCluster Fixture;

#define W2 "svc-lab-worker2"

static int
setup(void **state)
{
    return test_cluster_setup(state, TEST_CLUSTER_STATEFUL_SETS | TEST_CLUSTER_NODE_LIFECYCLE
                                         | TEST_CLUSTER_ENDPOINT_SLICES);
}

static int
teardown(void **state)
{
    return test_cluster_teardown(state);
}

static void
template_nginx(KnPodTemplate *template, const char *app)
{
    KnContainer *c = kn_container_new();

    kn_labels_set(template->labels, "app", app);
    c->name = g_strdup("nginx");
    c->image = g_strdup("nginx:1.27");
    g_ptr_array_add(template->spec.containers, c);
}

static void
add_web(Fixture *f, guint replicas)
{
    KnDeployment *d = kn_deployment_new();
    KnService *s = kn_service_new();
    KnServicePort *port = kn_service_port_new();

    d->meta.namespace = g_strdup("default");
    d->meta.name = g_strdup("web");
    kn_labels_set(d->selector, "app", "web");
    template_nginx(&d->template, "web");
    d->replicas = replicas;
    kn_store_add(f->cluster->store, KN_KIND_DEPLOYMENT, d, NULL);
    s->meta.namespace = g_strdup("default");
    s->meta.name = g_strdup("web");
    s->spec.selector = kn_labels_new();
    kn_labels_set(s->spec.selector, "app", "web");
    s->spec.cluster_ip = g_strdup("10.96.100.100");
    port->port = 80;
    kn_int_or_string_set_number(&port->target_port, 80);
    g_ptr_array_add(s->spec.ports, port);
    kn_store_add(f->cluster->store, KN_KIND_SERVICE, s, NULL);
}

/* Pods with app='app': all, Running and Ready, on 'node' (not deleting),
 * and terminating. */
typedef struct {
    guint all, ready, on_node, terminating;
} Counts;

static Counts
count(Fixture *f, const char *app, const char *node)
{
    g_autoptr(GPtrArray) pods = kn_store_list(f->cluster->store, KN_KIND_POD, "default");
    Counts c = { 0 };

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        if (g_strcmp0(kn_labels_get(pod->meta.labels, "app"), app) != 0)
            continue;
        c.all++;
        c.ready += pod->ready && pod->phase == KN_POD_RUNNING && !pod->meta.deleting;
        c.on_node += g_strcmp0(pod->spec.node_name, node) == 0 && !pod->meta.deleting;
        c.terminating += pod->meta.deleting;
    }
    return c;
}

static guint
ready_endpoints(Fixture *f)
{
    g_autoptr(GPtrArray) slices = kn_store_list(f->cluster->store, KN_KIND_ENDPOINT_SLICE, "default");
    guint ready = 0;

    for (guint i = 0; i < slices->len; i++) {
        KnEndpointSlice *slice = slices->pdata[i];

        if (g_strcmp0(kn_labels_get(slice->meta.labels, "kubernetes.io/service-name"), "web") != 0)
            continue;
        for (guint e = 0; e < slice->endpoints->len; e++)
            ready += ((KnEndpoint *) slice->endpoints->pdata[e])->ready;
    }
    return ready;
}

static KnNode *
node(Fixture *f, const char *name)
{
    return kn_store_lookup(f->cluster->store, KN_KIND_NODE, NULL, name);
}

static gboolean
has_taint(const KnNode *n, const char *key, const char *effect)
{
    for (guint i = 0; i < n->taints->len; i++) {
        const KnTaint *t = n->taints->pdata[i];

        if (strcmp(t->key, key) == 0 && strcmp(t->effect, effect) == 0)
            return TRUE;
    }
    return FALSE;
}

static void
test_node_lifecycle_pods_get_default_tolerations(void **state)
{
    Fixture *f = *state;

    add_web(f, 1);
    kn_sim_run_until(f->sim, 5 * KN_SEC);

    g_autoptr(GPtrArray) pods = kn_store_list(f->cluster->store, KN_KIND_POD, "default");
    KnPod *pod = pods->pdata[0];
    KnTaint unreachable = { (char *) "node.kubernetes.io/unreachable", NULL, (char *) "NoExecute", 0 };
    KnTaint not_ready = { (char *) "node.kubernetes.io/not-ready", NULL, (char *) "NoExecute", 0 };
    const KnToleration *t = kn_node_lifecycle_toleration(&pod->spec, &unreachable);

    assert_non_null(t);
    assert_true(t->exists && t->has_seconds);
    assert_int_equal(t->seconds, 300);
    assert_non_null(kn_node_lifecycle_toleration(&pod->spec, &not_ready));
    assert_int_equal(pod->spec.tolerations->len, 2);
}

static void
test_node_lifecycle_failure_eviction_and_recovery(void **state)
{
    Fixture *f = *state;
    Counts c;

    add_web(f, 4);
    kn_sim_run_until(f->sim, 12 * KN_SEC);
    c = count(f, "web", W2);
    assert_int_equal(c.ready, 4);
    assert_int_equal(c.on_node, 2);
    assert_int_equal(ready_endpoints(f), 4);

    /* Fails at 12 s; the lease was renewed at 10 s, so the monitor pass
     * after 10 + 40 s, at 55 s, finds it stale. */
    assert_true(kn_node_lifecycle_fail(f->lifecycle, W2));
    assert_false(kn_node_lifecycle_fail(f->lifecycle, "no-such-node"));
    kn_sim_run_until(f->sim, 54 * KN_SEC);
    assert_true(node(f, W2)->ready);
    assert_int_equal(ready_endpoints(f), 4);
    kn_sim_run_until(f->sim, 55 * KN_SEC + 100 * KN_MSEC);
    assert_false(node(f, W2)->ready);
    assert_int_equal(node(f, W2)->ready_time, 55 * KN_SEC);
    assert_true(has_taint(node(f, W2), "node.kubernetes.io/unreachable", "NoExecute"));
    assert_true(has_taint(node(f, W2), "node.kubernetes.io/unreachable", "NoSchedule"));
    c = count(f, "web", W2);
    assert_int_equal(c.ready, 2);
    assert_int_equal(c.terminating, 0);
    assert_int_equal(ready_endpoints(f), 2);

    /* 300 s after the taint: evicted, Terminating for good, replaced. */
    kn_sim_run_until(f->sim, 354 * KN_SEC);
    assert_int_equal(count(f, "web", W2).terminating, 0);
    kn_sim_run_until(f->sim, 365 * KN_SEC);
    c = count(f, "web", W2);
    assert_int_equal(c.terminating, 2);
    assert_int_equal(c.on_node, 0);
    assert_int_equal(c.ready, 4);
    assert_int_equal(ready_endpoints(f), 4);
    kn_sim_run_until(f->sim, 600 * KN_SEC);
    assert_int_equal(count(f, "web", W2).terminating, 2);   /* the kubelet never confirms */

    /* Recovery: Ready at once, taints at the next pass, the old pods go. */
    assert_true(kn_node_lifecycle_recover(f->lifecycle, W2));
    assert_true(node(f, W2)->ready);
    kn_sim_run_until(f->sim, 606 * KN_SEC);
    assert_int_equal(node(f, W2)->taints->len, 0);
    c = count(f, "web", W2);
    assert_int_equal(c.terminating, 0);
    assert_int_equal(c.all, 4);
    assert_int_equal(c.ready, 4);
}

static void
test_node_lifecycle_recovery_before_eviction_keeps_the_pods(void **state)
{
    Fixture *f = *state;
    Counts c;

    add_web(f, 4);
    kn_sim_run_until(f->sim, 12 * KN_SEC);
    kn_node_lifecycle_fail(f->lifecycle, W2);
    kn_sim_run_until(f->sim, 100 * KN_SEC);
    assert_int_equal(ready_endpoints(f), 2);
    kn_node_lifecycle_recover(f->lifecycle, W2);
    kn_sim_run_until(f->sim, 110 * KN_SEC);
    c = count(f, "web", W2);
    assert_int_equal(c.on_node, 2);
    assert_int_equal(c.ready, 4);
    assert_int_equal(ready_endpoints(f), 4);
    kn_sim_run_until(f->sim, 500 * KN_SEC);     /* the eviction was cancelled */
    assert_int_equal(count(f, "web", W2).terminating, 0);
}

static void
test_node_lifecycle_statefulset_pod_waits_for_the_old_one(void **state)
{
    Fixture *f = *state;
    KnStatefulSet *s = kn_stateful_set_new();
    const char *lost = NULL;

    s->meta.namespace = g_strdup("default");
    s->meta.name = g_strdup("db");
    s->service_name = g_strdup("db");
    kn_labels_set(s->selector, "app", "db");
    template_nginx(&s->template, "db");
    s->replicas = 2;
    kn_store_add(f->cluster->store, KN_KIND_STATEFUL_SET, s, NULL);
    kn_sim_run_until(f->sim, 20 * KN_SEC);

    KnPod *p0 = kn_store_lookup(f->cluster->store, KN_KIND_POD, "default", "db-0");
    KnPod *p1 = kn_store_lookup(f->cluster->store, KN_KIND_POD, "default", "db-1");

    assert_non_null(p0);
    assert_non_null(p1);
    lost = strcmp(p0->spec.node_name, W2) == 0 ? "db-0" : "db-1";
    assert_string_equal(((KnPod *) kn_store_lookup(f->cluster->store, KN_KIND_POD, "default", lost))->spec.node_name, W2);
    kn_node_lifecycle_fail(f->lifecycle, W2);
    kn_sim_run_until(f->sim, 700 * KN_SEC);

    KnPod *pod = kn_store_lookup(f->cluster->store, KN_KIND_POD, "default", lost);

    assert_true(pod->meta.deleting);              /* evicted, still there */
    assert_string_equal(pod->spec.node_name, W2); /* and not made elsewhere */
    kn_node_lifecycle_recover(f->lifecycle, W2);
    kn_sim_run_until(f->sim, 720 * KN_SEC);
    pod = kn_store_lookup(f->cluster->store, KN_KIND_POD, "default", lost);
    assert_non_null(pod);
    assert_false(pod->meta.deleting);
    assert_true(pod->ready);
}

/* Hinted endpoints of "web" per zone, as "zone-a:2 zone-b:2" (zones in
 * name order; at most two zones in this cluster). */
static char *
web_hints(Fixture *f)
{
    g_autoptr(GPtrArray) slices = kn_store_list(f->cluster->store, KN_KIND_ENDPOINT_SLICE, "default");
    guint a = 0, b = 0;

    for (guint i = 0; i < slices->len; i++) {
        KnEndpointSlice *slice = slices->pdata[i];

        if (g_strcmp0(kn_labels_get(slice->meta.labels, "kubernetes.io/service-name"), "web") != 0)
            continue;
        for (guint e = 0; e < slice->endpoints->len; e++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[e];

            for (guint h = 0; h < endpoint->hint_zones->len; h++) {
                a += g_strcmp0(endpoint->hint_zones->pdata[h], "zone-a") == 0;
                b += g_strcmp0(endpoint->hint_zones->pdata[h], "zone-b") == 0;
            }
        }
    }
    return g_strdup_printf("zone-a:%u zone-b:%u", a, b);
}

/* The latest event on Service "web" (recorder.h); borrowed from the store. */
static const KnEvent *
last_event(Fixture *f)
{
    KnService *web = kn_store_lookup(f->cluster->store, KN_KIND_SERVICE, "default", "web");
    g_autoptr(GPtrArray) events = kn_recorder_events_about(f->cluster->store, KN_KIND_SERVICE, &web->meta);
    const KnEvent *last;

    assert_true(events->len > 0);
    last = events->pdata[events->len - 1];
    assert_string_equal(last->component, "endpoint-slice-controller");
    return last;
}

/* topology-mode Auto on "web": both workers (4 CPU each, the control plane
 * left out) share the endpoints; the failed node leaves one zone, so the
 * hints go with an event, and come back after recovery. */
static void
test_node_lifecycle_failure_turns_auto_hints_off_and_on(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;

    add_web(f, 4);

    KnService *web = kn_store_lookup(store, KN_KIND_SERVICE, "default", "web");

    kn_labels_set(web->meta.annotations, "service.kubernetes.io/topology-mode", "Auto");
    kn_store_update(store, KN_KIND_SERVICE, web, FALSE);
    kn_sim_run_until(f->sim, 12 * KN_SEC);
    {
        g_autofree char *hints = web_hints(f);

        assert_string_equal(hints, "zone-a:2 zone-b:2");
        assert_string_equal(last_event(f)->reason, "TopologyAwareHintsEnabled");
    }

    kn_node_lifecycle_fail(f->lifecycle, W2);
    kn_sim_run_until(f->sim, 56 * KN_SEC);
    {
        g_autofree char *hints = web_hints(f);

        assert_false(node(f, W2)->ready);
        assert_string_equal(hints, "zone-a:0 zone-b:0");
        assert_string_equal(last_event(f)->reason, "TopologyAwareHintsDisabled");
        assert_string_equal(last_event(f)->message,
                            "Insufficient Node information: allocatable CPU or zone not specified on "
                            "one or more nodes, addressType: IPv4");
    }

    /* Recovered before the eviction: the same four pods, hints again. */
    kn_node_lifecycle_recover(f->lifecycle, W2);
    kn_sim_run_until(f->sim, 110 * KN_SEC);
    {
        g_autofree char *hints = web_hints(f);

        assert_string_equal(hints, "zone-a:2 zone-b:2");
        assert_string_equal(last_event(f)->reason, "TopologyAwareHintsEnabled");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_node_lifecycle_pods_get_default_tolerations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_lifecycle_failure_eviction_and_recovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_lifecycle_recovery_before_eviction_keeps_the_pods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_lifecycle_statefulset_pod_waits_for_the_old_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_lifecycle_failure_turns_auto_hints_off_and_on, setup, teardown),
    };
    return cmocka_run_group_tests_name("node_lifecycle", tests, NULL, NULL);
}
