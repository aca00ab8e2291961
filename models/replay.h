/* replay.h -- replaying a scenario: the cluster, its controllers and a
 * kubectl, driven by the scenario's steps on the simulated clock.  The
 * transcript shows each step as a person would type it, followed by what
 * the tool printed; expectations are graded as the steps run. */
#pragma once

#include <stdio.h>
#include <glib.h>
#include "models/scenario.h"

typedef struct KnCluster KnCluster;
typedef struct KnCapture KnCapture;

/* What a replay leaves to look at when it ends (or stops at --until): the
 * cluster and the models running on it.  Borrowed; valid during the
 * callback only. */
typedef struct KnReplayState {
    KnCluster *cluster;          /* the store, nodes and allocators */
    gpointer net;                /* the data plane (KnNet, models/net.h), or NULL */
} KnReplayState;

typedef void (*KnReplayInspect)(const KnReplayState *state, gpointer user_data);

typedef struct KnReplayOptions {
    guint64 seed;                /* the run's seed (the scenario's, or --seed) */
    KnTime until;                /* stop at this time; KN_TIME_MAX: at the end */
    gboolean explain;            /* narrate decisions with the simulated time */
    FILE *transcript;            /* where the transcript goes; NULL: nowhere */
    FILE *failures;              /* where failed expectations are reported */
    gboolean validate_only;      /* build the cluster and apply the manifests, no steps */
    KnCapture *capture;          /* packets and events go here (borrowed), or NULL */
    KnReplayInspect at_end;      /* called once at the end of the run, or NULL */
    gpointer at_end_data;        /* its 'user_data' */
} KnReplayOptions;

typedef struct KnReplayReport {
    guint n_passed;              /* expectations that held */
    guint n_failed;              /* expectations that did not */
    KnTime end;                  /* the simulated time the replay ended */
    guint64 n_events;            /* events the simulation ran */
} KnReplayReport;

/* Replays 'scenario', whose manifests it applies at time zero (it takes
 * their objects: a scenario replays once).  Returns FALSE with 'error' set
 * (KN_INPUT_ERROR, at the offending field of the manifest) for a scenario
 * the cluster cannot be built from or whose manifests the API server
 * refuses; failed expectations are counted in 'report', not errors. */
gboolean kn_replay_run(KnScenario *scenario, const KnReplayOptions *options,
                       KnReplayReport *report, GError **error);
