/* probe.h -- one request, followed hop by hop: what `knetsim trace` runs.
 *
 * A probe resolves a name from a namespace (a pod, a node, an outside
 * host) as its resolver would, then makes one HTTP request over TCP (or, for
 * a UDP port, sends one datagram), with the data path's trace on, and runs
 * the simulation until the answer (or the failure) is in. */
#pragma once

#include <glib.h>
#include "models/net.h"
#include "sim/dns-wire.h"
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

/* `knetsim dns`: looks 'name' up from 'from' (a pod) as its C library's
 * resolver would, over the data path, and appends to 'out' the resolv.conf
 * in force, every query with its time, server and answer, the summary
 * (queries sent, wasted on search suffixes, time) and the addresses.
 * 'type' is an address type (A, AAAA; 0 for both, as getaddrinfo asks), or
 * another type (SRV, PTR, ...), which is sent once for the name as given,
 * as dig does.  Must be called outside the simulation loop; runs it until
 * the lookup is over.  Returns FALSE if nothing answered. */
gboolean kn_probe_dns(KnSim *sim, KnNet *net, KnNetns *from, const char *name, guint16 type,
                      KnTrace *trace, GString *out);

/* As kn_probe_dns(), from inside the simulation: calls 'done' (from an
 * event) with whether it answered and the text (borrowed for the call). */
typedef void (*KnProbeDnsDone)(gboolean answered, GString *out, gpointer user_data);
void kn_probe_dns_start(KnSim *sim, KnNet *net, KnNetns *from, const char *name, guint16 type,
                        KnTrace *trace, KnProbeDnsDone done, gpointer user_data);
