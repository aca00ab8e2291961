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

/* What `knetsim bench dataplane` measures. */
typedef struct KnDataplaneReport {
    double build_s;              /* wall-clock seconds to build the cluster and its rules */
    double run_s;                /* wall-clock seconds of the requests */
    guint64 requests;            /* requests started */
    guint64 ok;                  /* answered 200 */
    guint64 failed;              /* refused, timed out, anything else */
    guint64 packets;             /* packets sent by endpoints */
    guint64 rules;               /* netfilter rules the kernel would have evaluated */
    guint64 n_events;            /* simulation events of the request phase */
    KnTime sim_time;             /* simulated time of the request phase */
    guint lanes;                 /* simulation lanes (threads) it ran on */
} KnDataplaneReport;

/* Builds a cluster of 'size' with 'seed', then sends 'requests' HTTP
 * requests (a whole TCP exchange each) from random pods to random
 * ClusterIPs, arriving as a Poisson process of 'rate' per simulated second;
 * fills 'report'.  The requests run on 'n_lanes' lanes (kn_net_set_lanes()),
 * each sending its share from its own nodes' pods; one lane if the data path
 * cannot take more. */
void kn_envelope_dataplane(const KnEnvelopeSize *size, guint64 requests, double rate, guint64 seed,
                           guint n_lanes, KnDataplaneReport *report);

/* What rendering one node's kube-proxy rules for the envelope cost. */
typedef struct KnEnvelopeRenderReport {
    double render_s;             /* median over the runs: sync (build the ruleset) + iptables-save text */
    double sync_s;               /* median of the sync part alone */
    double cluster_s;            /* building and settling the envelope cluster (not in render_s) */
    guint n_service_ports;       /* service ports in the ruleset */
    guint n_endpoints;           /* endpoints over them */
    guint n_rules;               /* rules in nat and filter */
    gsize bytes;                 /* bytes of iptables-save text */
} KnEnvelopeRenderReport;

/* Builds a cluster of 'size' with 'seed' and runs it to steady state, then
 * 'n_runs' times builds node-0's iptables-mode ruleset from the store and
 * renders it as iptables-save text; fills 'report'. */
void kn_envelope_render(const KnEnvelopeSize *size, guint64 seed, guint n_runs,
                        KnEnvelopeRenderReport *report);

/* What `knetsim bench dns` measures. */
typedef struct KnDnsBenchReport {
    double build_s;              /* wall-clock seconds to build the cluster */
    double run_s;                /* wall-clock seconds of the lookups */
    guint64 lookups;             /* lookups started */
    guint64 ok;                  /* answered with an address */
    guint64 failed;
    guint64 packets;             /* packets sent by endpoints (the DNS queries and answers) */
    KnTime sim_time;             /* simulated time of the lookups */
    guint lanes;                 /* simulation lanes (threads) it ran on */
} KnDnsBenchReport;

/* Builds a cluster of 'size' with 'seed', then makes 'lookups' name
 * lookups from random pods through their resolvers and CoreDNS (a third
 * each: their Service's short name, its FQDN, an outside name), arriving
 * as a Poisson process of 'rate' per simulated second; fills 'report'.
 * The lookups run on 'n_lanes' lanes, as kn_envelope_dataplane()'s
 * requests do. */
void kn_envelope_dns(const KnEnvelopeSize *size, guint64 lookups, double rate, guint64 seed,
                     guint n_lanes, KnDnsBenchReport *report);
