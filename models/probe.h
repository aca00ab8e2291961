/* probe.h -- one request, followed hop by hop: what `knetsim trace` runs.
 *
 * A probe resolves a name from a namespace (a pod, a node, an outside
 * host) as its resolver would, then makes one HTTP request over TCP (or, for
 * a UDP port, sends one datagram), with the data path's trace on, and runs
 * the simulation until the answer (or the failure) is in. */
#pragma once

#include <glib.h>
#include "models/net.h"
#include "sim/sim.h"
#include "sim/trace.h"

typedef struct KnProbeResult {
    KnNetStatus status;
    gboolean resolved;           /* FALSE: the name did not resolve */
    char *address;               /* what the name resolved to; NULL if it did not */
    char *status_line;           /* "HTTP/1.1 200 OK", or NULL */
    KnTime elapsed;              /* from the first packet to the answer */
} KnProbeResult;

/* Sends one request from 'from' to 'target' port 'port' (TCP unless 'udp')
 * on 'sim', noting every hop in 'trace' (borrowed).  Must be called outside
 * the simulation loop; runs it until the request is over.  Fills 'result'
 * (clear it with kn_probe_result_clear()). */
void kn_probe_run(KnSim *sim, KnNet *net, KnNetns *from, const char *target, guint16 port,
                  gboolean udp, KnTrace *trace, KnProbeResult *result);
void kn_probe_result_clear(KnProbeResult *result);
