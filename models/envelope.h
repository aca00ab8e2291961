/* envelope.h -- the Kubernetes scalability envelope as a benchmark: a
 * cluster of many nodes, Deployments and Services built through the same
 * API server, controllers and clock as any scenario, run to steady state.
 * `knetsim bench cluster` prints what it cost. */
#pragma once

#include <glib.h>
#include "sim/time.h"

typedef struct KnEnvelopeSize {
    guint nodes;                 /* 5,000 in the envelope */
    guint services;              /* 10,000: each fronts one Deployment */
    guint pods;                  /* 150,000: spread over the Deployments */
    guint namespaces;            /* the objects are spread over these */
} KnEnvelopeSize;

typedef struct KnEnvelopeReport {
    double wall_s;               /* wall-clock seconds, build and run */
    guint64 n_events;            /* simulation events run */
    guint pods_ready;            /* pods Running and Ready at the end */
    guint endpoints_ready;       /* ready endpoints over all EndpointSlices */
    guint64 syncs;               /* EndpointSlice controller Service syncs */
    guint64 slice_writes;        /* EndpointSlice creates and updates */
    guint64 slice_bytes;         /* JSON bytes of all EndpointSlice writes */
    guint64 endpoints_writes;    /* Endpoints creates and updates */
    guint64 endpoints_bytes;     /* JSON bytes of all Endpoints writes */
    KnTime settled;              /* simulated time when the last event ran */
} KnEnvelopeReport;

/* Builds and runs a cluster of 'size' with 'seed'; fills 'report'. */
void kn_envelope_run(const KnEnvelopeSize *size, guint64 seed, KnEnvelopeReport *report);
