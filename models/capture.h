/* capture.h -- where a run's packets and events go: the pcapng trace
 * (sim/pcapng.h) and the JSON-lines event log (sim/events.h), fed by the
 * data path's observer and note log (models/net.h).
 *
 * Each interface a packet crosses ("svc-lab-worker/eth0", "web-…/eth0")
 * becomes a pcapng interface when it first carries a packet; each packet is
 * written with the comment the data path gives it.  The event log gets a
 * "packet" line per crossing and a line per note (hop, rule, NAT, conntrack,
 * verdict, ...) of the data path. */
#pragma once

#include <glib.h>
#include "models/net.h"

typedef struct KnCapture KnCapture;

/* Opens the files ('pcap' and/or 'events', either may be NULL).  Returns
 * NULL with 'error' set if one cannot be created.  Free with
 * kn_capture_free() after kn_capture_close(). */
KnCapture *kn_capture_new(const char *pcap, const char *events, GError **error);
/* Starts (or, with NULL, stops) feeding from 'net' (borrowed). */
void kn_capture_attach(KnCapture *capture, KnNet *net);
/* Writes an event of 'kind' with 'detail' at 'time' (steps, controllers). */
void kn_capture_event(KnCapture *capture, KnTime time, const char *kind, const char *detail);
/* Flushes and closes both files; FALSE with 'error' set if a write failed. */
gboolean kn_capture_close(KnCapture *capture, GError **error);
void kn_capture_free(KnCapture *capture);       /* accepts NULL */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnCapture, kn_capture_free)
