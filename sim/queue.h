/* queue.h -- pending events, ordered by (time, sequence).  The simulation
 * loop (sim.h) is the queue's one user; models schedule through KnSim.
 * Equal times pop in push order.  Time only moves forward: an event may not
 * be pushed earlier than one already popped.  A cancelled event's data is
 * freed at once; the event stays in the queue, marked, and is dropped when
 * the queue next reorganises the part holding it, at the latest when it
 * reaches the front.
 *
 * The queue holds each event in a few words and allocates nothing per event
 * once it has grown to its working size. */
#pragma once

#include <glib.h>
#include "sim/event.h"

typedef struct KnQueue KnQueue;                     /* opaque */

/* Returns a new, empty queue; free with kn_queue_free(). */
KnQueue *kn_queue_new(void);

/* Frees 'queue' and, through their class's data_free, the data of the events
 * still pending in it.  Accepts NULL. */
void kn_queue_free(KnQueue *queue);

/* Schedules an event of class 'klass' (borrowed; must outlive the event) at
 * 'time', which is not earlier than any event popped so far nor than the
 * 'until' of a pop that found nothing, unless the queue has been empty since.
 * The queue takes 'data' until the event pops or is cancelled.  Returns the
 * event's handle. */
KnEventId kn_queue_push(KnQueue *queue, KnTime time, const KnEventClass *klass,
                        gpointer data);

/* As kn_queue_push(), for an event nobody will cancel: it gets no handle,
 * and costs the queue neither a slot nor a look at one when it moves. */
void kn_queue_post(KnQueue *queue, KnTime time, const KnEventClass *klass, gpointer data);

/* Removes the earliest pending event if its time is at most 'until'.
 * Returns FALSE if there is none; otherwise stores its time, class and data
 * (the caller now owns 'data') in the non-NULL out arguments. */
gboolean kn_queue_pop(KnQueue *queue, KnTime until, KnTime *time,
                      const KnEventClass **klass, gpointer *data);

/* A lower bound of the earliest pending event's time (exact unless that
 * event was cancelled), or KN_TIME_MAX if none is pending.  Moves nothing:
 * pushes may still come at any time not earlier than the last pop's. */
KnTime kn_queue_next_time(const KnQueue *queue);

/* Cancels the event named by 'id'; its data is freed now, through its
 * class's data_free (which may push and cancel events).  Returns TRUE if it
 * was pending, FALSE if it had already fired or been cancelled (then nothing
 * happens). */
gboolean kn_queue_cancel(KnQueue *queue, KnEventId id);

/* Number of events that are pending and not cancelled. */
gsize kn_queue_size(const KnQueue *queue);

/* Bytes of memory the queue holds now, for the benchmark's bytes/event. */
gsize kn_queue_memory(const KnQueue *queue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnQueue, kn_queue_free)
