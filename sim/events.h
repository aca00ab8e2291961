/* events.h -- the `--events FILE` sink: every event of a run as a line of
 * JSON, for tools rather than people.
 *
 * Where --explain narrates and the pcapng sink (sim/pcapng.h) shows bytes,
 * this log gives each thing that happened as one JSON object per line (JSON
 * Lines), written with json-glib: when, what kind of thing, where (node,
 * pod, interface), the packet it concerns (as a summary object, see
 * sim/packet.h), the verdict and the rule or object that decided.  The
 * field names are a contract documented in the README ("Event log"):
 * fields are added, never renamed or removed, and absent ones are left
 * out rather than written as null.  Lines come in the order events are
 * written, which is simulated-time order; the same run gives the same
 * bytes. */
#pragma once

#include <glib.h>
#include "sim/packet.h"
#include "sim/time.h"

typedef struct KnEvents KnEvents;                   /* opaque */

/* One event, as the data path and the controllers report it.  Every
 * pointer is borrowed for the duration of the call; NULL (or "" for text)
 * leaves the field out of the line. */
typedef struct KnEventRecord {
    KnTime time;                 /* simulated time: "t_ns" and "time" */
    const char *kind;            /* "kind", required: "packet", or a trace note's kind
                                  * (kn_trace_kind_name(): "hop", "rule", "nat",
                                  * "conntrack", "verdict", ...); README lists them */
    const char *node;            /* "node": the node where it happened */
    const char *namespace;       /* "namespace": the pod's namespace */
    const char *pod;             /* "pod": the pod's name */
    const char *interface;       /* "interface": e.g. "eth0", "flannel.1", "cni0" */
    const KnPacket *packet;      /* "packet": the packet's summary object */
    const char *verdict;         /* "verdict": "ACCEPT", "DROP", "DNAT", "REJECT", ... */
    const char *rule;            /* "rule": what decided, e.g. "nat/KUBE-SEP-ABC123 rule 2",
                                  * "EndpointSlice default/web-z468m" */
    const char *detail;          /* "detail": free text for people */
} KnEventRecord;

/* Creates (or truncates) 'path' for the log.  Returns the writer (new; free
 * with kn_events_free()), or NULL with 'error' set in G_FILE_ERROR. */
KnEvents *kn_events_new(const char *path, GError **error);

/* Appends 'record' (borrowed) as one line.  Write errors are kept for
 * kn_events_close(). */
void kn_events_write(KnEvents *events, const KnEventRecord *record);

/* The number of lines written so far. */
guint64 kn_events_n_events(const KnEvents *events);

/* Flushes and closes the file; FALSE with 'error' set (in G_FILE_ERROR) if
 * any write, the flush or the close failed.  The writer must still be
 * freed; later writes are ignored. */
gboolean kn_events_close(KnEvents *events, GError **error);

/* Closes the file if kn_events_close() was not called (a failure is then
 * only logged with g_warning()) and frees the writer.  Accepts NULL. */
void kn_events_free(KnEvents *events);

/* 'record' (borrowed) as the JSON object of its line, without the newline.
 * New; free with g_free(). */
char *kn_events_format(const KnEventRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnEvents, kn_events_free)
