/* test_cluster.h -- the fixture of the tests that run controllers on the
 * simulated clock: scenarios/lab/svc-lab.yaml loaded, its cluster
 * bootstrapped on a simulation seeded from the scenario, the workload
 * controllers and whichever other controllers the test asks for.  Include
 * after test_util.h. */
#pragma once

#include <unistd.h>
#include "models/cluster.h"
#include "models/daemonset.h"
#include "models/endpointslice-sync.h"
#include "models/node-lifecycle.h"
#include "models/statefulset.h"
#include "models/workload.h"

/* The controllers to start besides the workload controllers. */
typedef enum {
    TEST_CLUSTER_STATEFUL_SETS = 1 << 0,
    TEST_CLUSTER_DAEMON_SETS = 1 << 1,
    TEST_CLUSTER_NODE_LIFECYCLE = 1 << 2,
    TEST_CLUSTER_ENDPOINT_SLICES = 1 << 3,
} TestClusterControllers;

typedef struct {
    KnScenario *scenario;
    KnSim *sim;
    KnCluster *cluster;
    KnWorkloads *workloads;
    KnStatefulSetController *stateful_sets;    /* NULL unless asked for */
    KnDaemonSetController *daemon_sets;        /* NULL unless asked for */
    KnNodeLifecycle *lifecycle;                /* NULL unless asked for */
    KnEndpointSliceSync *slices;               /* NULL unless asked for */
} TestCluster;

/* Returns the fixture with the workload controllers and 'controllers'
 * started in a fixed order (workloads, StatefulSets, DaemonSets, node
 * lifecycle, EndpointSlices: the order their watches see events in), or
 * NULL if the source tree is not reachable.  Free with test_cluster_free(). */
static inline TestCluster *
test_cluster_new(TestClusterControllers controllers)
{
    g_autoptr(GError) error = NULL;

    if (chdir(test_env("KNETSIM_SRCDIR")) != 0)
        return NULL;

    TestCluster *t = g_new0(TestCluster, 1);

    t->scenario = kn_scenario_load("scenarios/lab/svc-lab.yaml", &error);
    g_assert_no_error(error);
    t->sim = kn_sim_new(t->scenario->seed);
    t->cluster = kn_cluster_new(t->scenario, t->sim, &error);
    g_assert_no_error(error);
    t->workloads = kn_workloads_new(t->cluster);
    if (controllers & TEST_CLUSTER_STATEFUL_SETS)
        t->stateful_sets = kn_statefulset_new(t->cluster, t->workloads);
    if (controllers & TEST_CLUSTER_DAEMON_SETS)
        t->daemon_sets = kn_daemonset_new(t->cluster, t->workloads);
    if (controllers & TEST_CLUSTER_NODE_LIFECYCLE)
        t->lifecycle = kn_node_lifecycle_new(t->cluster, t->workloads);
    if (controllers & TEST_CLUSTER_ENDPOINT_SLICES)
        t->slices = kn_endpointslice_sync_new(t->cluster, 0);
    return t;
}

/* Stops the controllers, then frees the cluster, the simulation and the
 * scenario.  Accepts NULL. */
static inline void
test_cluster_free(TestCluster *t)
{
    if (t == NULL)
        return;
    kn_endpointslice_sync_free(t->slices);
    kn_node_lifecycle_free(t->lifecycle);
    kn_daemonset_free(t->daemon_sets);
    kn_statefulset_free(t->stateful_sets);
    kn_workloads_free(t->workloads);
    kn_cluster_free(t->cluster);
    kn_sim_free(t->sim);
    kn_scenario_free(t->scenario);
    g_free(t);
}

/* cmocka setup and teardown for a test whose state is the TestCluster of
 * test_cluster_new(controllers). */
static inline int
test_cluster_setup(void **state, TestClusterControllers controllers)
{
    *state = test_cluster_new(controllers);
    return *state != NULL ? 0 : -1;
}

static inline int
test_cluster_teardown(void **state)
{
    test_cluster_free(*state);
    return 0;
}
