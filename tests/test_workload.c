/* test_workload.c -- the cluster bootstrap and the workload controllers on
 * the simulated clock: Deployments to pods, scaling, deletion. */

#include <config.h>
#include "tests/test_util.h"

#include "tests/test_cluster.h"
#include "models/recorder.h"

typedef TestCluster Fixture;

static int
setup(void **state)
{
    return test_cluster_setup(state, 0);
}

static int
teardown(void **state)
{
    return test_cluster_teardown(state);
}

static KnDeployment *
web_deployment(guint replicas)
{
    KnDeployment *d = kn_deployment_new();
    KnContainer *c = kn_container_new();

    d->meta.namespace = g_strdup("default");
    d->meta.name = g_strdup("web");
    kn_labels_set(d->meta.labels, "app", "web");
    kn_labels_set(d->selector, "app", "web");
    kn_labels_set(d->template.labels, "app", "web");
    d->replicas = replicas;
    c->name = g_strdup("nginx");
    c->image = g_strdup("nginx:1.27");
    g_ptr_array_add(d->template.spec.containers, c);
    return d;
}

/* Pods of 'namespace' whose labels match app='app': counts of all, of
 * running-and-ready, and of terminating ones. */
static void
count_pods(Fixture *f, const char *namespace, const char *key, const char *app,
           guint *all, guint *ready, guint *terminating)
{
    g_autoptr(GPtrArray) pods = kn_store_list(f->cluster->store, KN_KIND_POD, namespace);

    *all = *ready = *terminating = 0;
    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        if (g_strcmp0(kn_labels_get(pod->meta.labels, key), app) != 0)
            continue;
        (*all)++;
        *ready += pod->ready && pod->phase == KN_POD_RUNNING;
        *terminating += pod->meta.deleting;
    }
}

static void
test_workload_bootstrap_is_a_kubeadm_cluster(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;
    KnNode *cp = kn_store_lookup(store, KN_KIND_NODE, NULL, "svc-lab-control-plane");
    KnNode *w2 = kn_store_lookup(store, KN_KIND_NODE, NULL, "svc-lab-worker2");
    KnService *kubernetes = kn_store_lookup(store, KN_KIND_SERVICE, "default", "kubernetes");
    KnService *dns = kn_store_lookup(store, KN_KIND_SERVICE, "kube-system", "kube-dns");
    KnConfigMap *corefile = kn_store_lookup(store, KN_KIND_CONFIG_MAP, "kube-system", "coredns");

    assert_non_null(cp);
    assert_string_equal(cp->internal_ip, "172.18.0.2");
    assert_string_equal(cp->pod_cidr, "10.244.0.0/24");
    assert_string_equal(w2->internal_ip, "172.18.0.4");
    assert_string_equal(w2->pod_cidr, "10.244.2.0/24");
    assert_string_equal(kn_labels_get(w2->meta.labels, "topology.kubernetes.io/zone"), "zone-b");
    assert_non_null(kn_labels_get(cp->meta.labels, "node-role.kubernetes.io/control-plane"));
    assert_int_equal(cp->taints->len, 1);
    assert_string_equal(kubernetes->spec.cluster_ip, "10.96.0.1");
    assert_string_equal(dns->spec.cluster_ip, "10.96.0.10");
    assert_int_equal(dns->spec.ports->len, 3);
    assert_non_null(strstr(kn_labels_get(corefile->data, "Corefile"), "kubernetes cluster.local in-addr.arpa ip6.arpa"));
    assert_non_null(kn_store_lookup(store, KN_KIND_NAMESPACE, NULL, "kube-node-lease"));
}

static void
test_workload_coredns_comes_up_with_two_ready_pods(void **state)
{
    Fixture *f = *state;
    guint all, ready, terminating;

    kn_sim_run_until(f->sim, 10 * KN_SEC);
    count_pods(f, "kube-system", "k8s-app", "kube-dns", &all, &ready, &terminating);
    assert_int_equal(all, 2);
    assert_int_equal(ready, 2);
}

static void
test_workload_deployment_spreads_ready_pods_over_workers(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;
    guint all, ready, terminating;

    assert_true(kn_store_add(store, KN_KIND_DEPLOYMENT, web_deployment(4), NULL));
    kn_sim_run_until(f->sim, 5 * KN_SEC);
    count_pods(f, "default", "app", "web", &all, &ready, &terminating);
    assert_int_equal(all, 4);
    assert_int_equal(ready, 4);

    g_autoptr(GPtrArray) pods = kn_store_list(store, KN_KIND_POD, "default");
    guint on_worker = 0, on_worker2 = 0;
    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];
        KnNode *node = kn_store_lookup(store, KN_KIND_NODE, NULL, pod->spec.node_name);

        /* web-<hash>-<5>: the ReplicaSet's name, then a generated suffix. */
        assert_true(g_str_has_prefix(pod->meta.name, "web-"));
        assert_int_equal(strlen(pod->meta.name), strlen("web-") + 10 + 1 + 5);
        assert_non_null(kn_labels_get(pod->meta.labels, "pod-template-hash"));
        on_worker += strcmp(pod->spec.node_name, "svc-lab-worker") == 0;
        on_worker2 += strcmp(pod->spec.node_name, "svc-lab-worker2") == 0;
        assert_true(g_str_has_prefix(pod->pod_ip, "10.244."));
        assert_string_equal(pod->host_ip, node->internal_ip);
    }
    assert_int_equal(on_worker, 2);                 /* spread, none on the control plane */
    assert_int_equal(on_worker2, 2);

    KnDeployment *d = kn_store_lookup(store, KN_KIND_DEPLOYMENT, "default", "web");
    assert_int_equal(d->ready_replicas, 4);
}

static void
test_workload_scale_down_terminates_then_removes(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;
    guint all, ready, terminating;

    kn_store_add(store, KN_KIND_DEPLOYMENT, web_deployment(5), NULL);
    kn_sim_run_until(f->sim, 5 * KN_SEC);
    KnDeployment *d = kn_store_lookup(store, KN_KIND_DEPLOYMENT, "default", "web");
    d->replicas = 2;
    kn_store_update(store, KN_KIND_DEPLOYMENT, d, TRUE);
    kn_sim_run_until(f->sim, 5 * KN_SEC + 100 * KN_MSEC);
    count_pods(f, "default", "app", "web", &all, &ready, &terminating);
    assert_int_equal(terminating, 3);
    assert_int_equal(ready, 2);
    kn_sim_run_until(f->sim, 7 * KN_SEC);
    count_pods(f, "default", "app", "web", &all, &ready, &terminating);
    assert_int_equal(all, 2);
    assert_int_equal(terminating, 0);

    /* What the controllers and the kubelet recorded (recorder.h). */
    g_autoptr(GPtrArray) scaling = kn_recorder_events_about(store, KN_KIND_DEPLOYMENT, &d->meta);
    assert_int_equal(scaling->len, 2);

    const KnEvent *up = scaling->pdata[0], *down = scaling->pdata[1];
    g_autoptr(GPtrArray) sets = kn_store_list(store, KN_KIND_REPLICA_SET, "default");
    KnReplicaSet *rs = sets->pdata[0];
    g_autofree char *want_up = g_strdup_printf("Scaled up replica set %s from 0 to 5", rs->meta.name);
    g_autofree char *want_down = g_strdup_printf("Scaled down replica set %s from 5 to 2", rs->meta.name);

    assert_string_equal(up->reason, "ScalingReplicaSet");
    assert_string_equal(up->component, "deployment-controller");
    assert_string_equal(up->message, want_up);
    assert_string_equal(down->message, want_down);

    g_autoptr(GPtrArray) pods = kn_recorder_events_about(store, KN_KIND_REPLICA_SET, &rs->meta);
    guint created = 0, deleted = 0;

    for (guint i = 0; i < pods->len; i++) {
        const KnEvent *e = pods->pdata[i];

        created += strcmp(e->reason, "SuccessfulCreate") == 0 && g_str_has_prefix(e->message, "Created pod: web-");
        deleted += strcmp(e->reason, "SuccessfulDelete") == 0 && g_str_has_prefix(e->message, "Deleted pod: web-");
    }
    assert_int_equal(created, 5);
    assert_int_equal(deleted, 3);
}

static const KnDeploymentCondition *
condition(const KnDeployment *d, guint i)
{
    assert_true(i < d->conditions->len);
    return d->conditions->pdata[i];
}

/* syncRolloutStatus: a new ReplicaSet starts Progressing, Available is
 * False until replicas - maxUnavailable pods are ready (4 - 1 here), and a
 * finished rollout ends Available then Progressing NewReplicaSetAvailable,
 * Progressing keeping the time it first became True; a scale that keeps
 * the availability changes neither. */
static void
test_workload_deployment_conditions(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;

    kn_store_add(store, KN_KIND_DEPLOYMENT, web_deployment(4), NULL);
    kn_sim_run_until(f->sim, 10 * KN_MSEC);

    KnDeployment *d = kn_store_lookup(store, KN_KIND_DEPLOYMENT, "default", "web");

    assert_int_equal(d->conditions->len, 2);
    assert_string_equal(condition(d, 0)->type, "Progressing");
    assert_string_equal(condition(d, 0)->reason, "NewReplicaSetCreated");
    assert_true(g_str_has_prefix(condition(d, 0)->message, "Created new replica set \"web-"));
    assert_string_equal(condition(d, 1)->type, "Available");
    assert_false(condition(d, 1)->status);
    assert_string_equal(condition(d, 1)->reason, "MinimumReplicasUnavailable");

    KnTime progressing_since = condition(d, 0)->last_transition;

    kn_sim_run_until(f->sim, 5 * KN_SEC);
    assert_int_equal(d->available_replicas, 4);
    assert_int_equal(d->conditions->len, 2);
    assert_string_equal(condition(d, 0)->type, "Available");
    assert_true(condition(d, 0)->status);
    assert_string_equal(condition(d, 0)->message, "Deployment has minimum availability.");
    assert_string_equal(condition(d, 1)->type, "Progressing");
    assert_string_equal(condition(d, 1)->reason, "NewReplicaSetAvailable");
    assert_true(g_str_has_suffix(condition(d, 1)->message, "\" has successfully progressed."));
    assert_int_equal(condition(d, 1)->last_transition, progressing_since);
    assert_true(condition(d, 1)->last_update > progressing_since);

    KnTime available_since = condition(d, 0)->last_transition;

    d->replicas = 5;
    kn_store_update(store, KN_KIND_DEPLOYMENT, d, TRUE);
    kn_sim_run_until(f->sim, 10 * KN_SEC);
    assert_int_equal(d->available_replicas, 5);
    assert_true(condition(d, 0)->status);
    assert_int_equal(condition(d, 0)->last_transition, available_since);
    assert_string_equal(condition(d, 1)->reason, "NewReplicaSetAvailable");
}

/* The one pod of app=web not bound to a node, or NULL. */
static KnPod *
pending_web_pod(Fixture *f)
{
    g_autoptr(GPtrArray) pods = kn_store_list(f->cluster->store, KN_KIND_POD, "default");
    KnPod *pending = NULL;

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        if (pod->spec.node_name == NULL) {
            assert_null(pending);
            pending = pod;
        }
    }
    return pending;
}

/* NodeResourcesFit: a node full of pods turns the next one away, the
 * FitError says why on every node, and the pod is bound once a node has
 * room again. */
static void
test_workload_full_nodes_leave_pods_pending(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;
    KnNode *w1 = kn_store_lookup(store, KN_KIND_NODE, NULL, "svc-lab-worker");
    KnNode *w2 = kn_store_lookup(store, KN_KIND_NODE, NULL, "svc-lab-worker2");
    guint all, ready, terminating;

    kn_sim_run_until(f->sim, 5 * KN_SEC);
    w1->max_pods = w1->n_pods + 2;
    w2->max_pods = w2->n_pods + 2;
    kn_store_update(store, KN_KIND_NODE, w1, FALSE);
    kn_store_update(store, KN_KIND_NODE, w2, FALSE);
    assert_true(kn_store_add(store, KN_KIND_DEPLOYMENT, web_deployment(5), NULL));
    kn_sim_run_until(f->sim, 15 * KN_SEC);
    count_pods(f, "default", "app", "web", &all, &ready, &terminating);
    assert_int_equal(all, 5);
    assert_int_equal(ready, 4);

    KnPod *pending = pending_web_pod(f);
    static const char why[] = "0/3 nodes are available: 1 node(s) had untolerated taint "
                              "{node-role.kubernetes.io/control-plane: }, 2 Too many pods. preemption: 0/3 nodes "
                              "are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims "
                              "found for incoming pod.";

    assert_non_null(pending);
    assert_int_equal(pending->phase, KN_POD_PENDING);
    assert_string_equal(pending->unschedulable, why);

    g_autoptr(GPtrArray) events = kn_recorder_events_about(store, KN_KIND_POD, &pending->meta);
    KnEvent *event = events->pdata[0];

    assert_int_equal(events->len, 1);
    assert_string_equal(event->reason, "FailedScheduling");
    assert_string_equal(event->message, why);

    /* A node with room again: the pod is bound after its backoff. */
    w2->max_pods++;
    kn_store_update(store, KN_KIND_NODE, w2, FALSE);
    kn_sim_run_until(f->sim, 25 * KN_SEC);
    count_pods(f, "default", "app", "web", &all, &ready, &terminating);
    assert_int_equal(ready, 5);
    assert_null(pending_web_pod(f));
}

/* A cpu request no node has room for (4 cores each in svc-lab). */
static void
test_workload_cpu_requests_must_fit(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;
    KnDeployment *d = web_deployment(3);
    KnContainer *c = d->template.spec.containers->pdata[0];

    kn_labels_set(c->requests, "cpu", "1500m");
    assert_true(kn_store_add(store, KN_KIND_DEPLOYMENT, d, NULL));
    kn_sim_run_until(f->sim, 10 * KN_SEC);

    KnPod *pending = pending_web_pod(f);

    /* Two fit on each worker (3000m of 4000m), so all three run. */
    assert_null(pending);
    d->replicas = 5;
    d->meta.generation++;
    kn_store_update(store, KN_KIND_DEPLOYMENT, d, FALSE);
    kn_sim_run_until(f->sim, 20 * KN_SEC);

    g_autoptr(GPtrArray) pods = kn_store_list(store, KN_KIND_POD, "default");
    guint unbound = 0;

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        if (pod->spec.node_name != NULL)
            continue;
        unbound++;
        assert_string_equal(pod->unschedulable, "0/3 nodes are available: 1 node(s) had untolerated taint "
                            "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 "
                            "nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption "
                            "victims found for incoming pod.");
    }
    assert_int_equal(unbound, 1);
}

/* A Recreate rollout: the old pods all go before the new ReplicaSet is
 * made, so old and new never run side by side. */
static void
test_workload_recreate_stops_old_pods_first(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->cluster->store;
    KnDeployment *d = web_deployment(3);
    KnContainer *c = d->template.spec.containers->pdata[0];
    guint all, ready, terminating;

    d->recreate = TRUE;
    assert_true(kn_store_add(store, KN_KIND_DEPLOYMENT, d, NULL));
    kn_sim_run_until(f->sim, 10 * KN_SEC);
    g_free(c->image);
    c->image = g_strdup("nginx:1.28");
    d->meta.generation++;
    kn_store_update(store, KN_KIND_DEPLOYMENT, d, FALSE);

    /* The old set is scaled to 0 and its pods terminate; no new set yet. */
    kn_sim_run_until(f->sim, 10 * KN_SEC + 100 * KN_MSEC);
    {
        g_autoptr(GPtrArray) sets = kn_store_list(store, KN_KIND_REPLICA_SET, "default");

        assert_int_equal(sets->len, 1);
        assert_int_equal(((KnReplicaSet *) sets->pdata[0])->replicas, 0);
        count_pods(f, "default", "app", "web", &all, &ready, &terminating);
        assert_int_equal(all, 3);
        assert_int_equal(terminating, 3);
    }

    kn_sim_run_until(f->sim, 20 * KN_SEC);
    count_pods(f, "default", "app", "web", &all, &ready, &terminating);
    assert_int_equal(all, 3);
    assert_int_equal(ready, 3);

    g_autoptr(GPtrArray) events = kn_recorder_events_about(store, KN_KIND_DEPLOYMENT, &d->meta);

    assert_int_equal(events->len, 3);
    assert_non_null(strstr(((KnEvent *) events->pdata[1])->message, "Scaled down replica set web-"));
    assert_non_null(strstr(((KnEvent *) events->pdata[1])->message, " from 3 to 0"));
    assert_non_null(strstr(((KnEvent *) events->pdata[2])->message, " from 0 to 3"));
    assert_string_equal(d->conditions->len > 0 ? ((KnDeploymentCondition *) d->conditions->pdata[1])->reason : "",
                        "NewReplicaSetAvailable");
}

static void
test_workload_same_seed_same_names(void **state)
{
    Fixture *f = *state;
    Fixture *g = NULL;

    kn_store_add(f->cluster->store, KN_KIND_DEPLOYMENT, web_deployment(3), NULL);
    kn_sim_run_until(f->sim, 5 * KN_SEC);
    assert_int_equal(setup((void **) &g), 0);
    kn_store_add(g->cluster->store, KN_KIND_DEPLOYMENT, web_deployment(3), NULL);
    kn_sim_run_until(g->sim, 5 * KN_SEC);

    g_autoptr(GPtrArray) a = kn_store_list(f->cluster->store, KN_KIND_POD, NULL);
    g_autoptr(GPtrArray) b = kn_store_list(g->cluster->store, KN_KIND_POD, NULL);
    assert_int_equal(a->len, b->len);
    for (guint i = 0; i < a->len; i++) {
        assert_string_equal(((KnPod *) a->pdata[i])->meta.name, ((KnPod *) b->pdata[i])->meta.name);
        assert_string_equal(((KnPod *) a->pdata[i])->pod_ip, ((KnPod *) b->pdata[i])->pod_ip);
        assert_string_equal(((KnPod *) a->pdata[i])->meta.uid, ((KnPod *) b->pdata[i])->meta.uid);
    }
    teardown((void **) &g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_workload_bootstrap_is_a_kubeadm_cluster, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_coredns_comes_up_with_two_ready_pods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_deployment_spreads_ready_pods_over_workers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_scale_down_terminates_then_removes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_deployment_conditions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_full_nodes_leave_pods_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_cpu_requests_must_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_recreate_stops_old_pods_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workload_same_seed_same_names, setup, teardown),
    };
    return cmocka_run_group_tests_name("workload", tests, NULL, NULL);
}
