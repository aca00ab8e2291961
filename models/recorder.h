/* recorder.h -- the Events the cluster's components record about objects.
 *
 * A component (the scheduler, the kubelet, the ReplicaSet and Deployment
 * controllers) records that something happened to an object; the recorder
 * writes it to the store as a core/v1 Event (api.h), where `kubectl get
 * events` and `kubectl describe` find it.
 *
 * Two recorders exist in Kubernetes and both are modelled:
 *
 * - client-go's tools/record, which the kubelet and the controllers use:
 *   its EventCorrelator writes a repeat of an event (same source, object,
 *   field path, type, reason and message) as a patch of the first one,
 *   count + 1 and a new lastTimestamp, and its spam filter lets each
 *   source and object write 25 events at once and one per 5 minutes after
 *   (a token bucket; a filtered repeat is still counted, so the next
 *   written count jumps).  The object's name is "<object>.<hex of the
 *   Unix time in ns>";
 * - events.k8s.io (the scheduler's): eventTime in microseconds, no
 *   firstTimestamp, lastTimestamp or count.
 *
 * Simplified: the EventAggregator's "(combined from similar events)" for
 * ten events of one reason with different messages in ten minutes, and
 * the API server's one-hour TTL, are not modelled. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/store.h"

typedef struct KnRecorder KnRecorder;

/* A recorder writing to 'store' at the time of its simulation. */
KnRecorder *kn_recorder_new(KnStore *store);
void kn_recorder_free(KnRecorder *recorder);               /* accepts NULL */

/* Off, it records nothing: the benchmarks' clusters of 100,000 pods would
 * spend their time and memory on half a million Events no one reads. */
void kn_recorder_set_enabled(KnRecorder *recorder, gboolean enabled);

/* Records, as client-go's recorder of 'component' on 'host' (NULL for a
 * controller), an event about 'object' of 'kind' ('field_path' names the
 * container, or NULL). */
void kn_recorder_event(KnRecorder *recorder, KnKind kind, const KnObjectMeta *object,
                       const char *field_path, gboolean warning, const char *reason,
                       const char *component, const char *host, const char *format, ...)
    G_GNUC_PRINTF(9, 10);

/* The same, recurring every 'period' from now on until
 * kn_recorder_stop() (a probe that keeps failing).  The occurrences are
 * written when kn_recorder_catch_up() asks, each at its own time, rather
 * than by events of their own, which would keep a run from ever ending. */
void kn_recorder_event_every(KnRecorder *recorder, KnTime period, KnKind kind, const KnObjectMeta *object,
                             const char *field_path, gboolean warning, const char *reason,
                             const char *component, const char *host, const char *format, ...)
    G_GNUC_PRINTF(10, 11);

/* Writes the recurring events' occurrences up to now: before anything
 * reads the events. */
void kn_recorder_catch_up(KnRecorder *recorder);

/* Ends the recurring events about the object with 'uid', after writing
 * their occurrences up to now. */
void kn_recorder_stop(KnRecorder *recorder, const char *uid);

/* The same through events.k8s.io, as the scheduler records: its
 * reportingInstance is "<component>-<host>" (the recorder's hostname). */
void kn_recorder_event_series(KnRecorder *recorder, KnKind kind, const KnObjectMeta *object,
                              gboolean warning, const char *reason, const char *component,
                              const char *host, const char *format, ...) G_GNUC_PRINTF(8, 9);

/* The events in 'store' about 'object' of 'kind', as `kubectl describe`
 * lists them: by their last time (a series' eventTime), ties in name order
 * (their first times).  New array of borrowed KnEvent. */
GPtrArray *kn_recorder_events_about(KnStore *store, KnKind kind, const KnObjectMeta *object);

/* An event's first and last times as the API keeps them, and so as
 * kubectl reads them: first- and lastTimestamp in whole seconds, or a
 * series singleton's eventTime (for both) in microseconds. */
KnTime kn_recorder_first_seen(const KnEvent *event);
KnTime kn_recorder_last_seen(const KnEvent *event);

/* The Unix time in ns of simulated time 't' (KN_KUBECTL_PRINT_EPOCH +
 * 't'), as event names carry it. */
gint64 kn_recorder_unix_ns(KnTime t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnRecorder, kn_recorder_free)
