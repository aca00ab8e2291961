/* event.h -- what an event is.  An event is (time, sequence, class, data):
 * the queue (queue.h) orders events by time, then by the sequence number it
 * gave them at push, so events at the same time fire in the order they were
 * scheduled.  The class is a static description shared by every event of a
 * kind, which keeps a pending event at a few words and no allocation. */
#pragma once

#include <glib.h>
#include "sim/time.h"

typedef struct KnSim KnSim;

/* Called when the event fires, with the simulation whose clock now reads the
 * event's time.  The handler takes ownership of 'data'. */
typedef void (*KnEventHandler)(KnSim *sim, gpointer data);

typedef struct KnEventClass {
    const char *name;            /* kind of event, e.g. "pod-ready"; for logs */
    KnEventHandler handler;      /* runs the event */
    GDestroyNotify data_free;    /* frees 'data' of an event that never fires
                                  * (cancelled, or pending when the queue is
                                  * freed); NULL if 'data' is borrowed */
} KnEventClass;

/* Names a pending event so that it can be cancelled.  'seq' is unique over
 * the queue's life, so a handle to an event that already fired or was
 * cancelled is recognised as stale even after its slot is reused. */
typedef struct KnEventId {
    guint64 seq;                 /* push order, from 1; 0 means "no event" */
    guint32 slot;                /* where the queue keeps the event */
    guint32 lane;                /* whose queue: see kn_sim_set_lanes() */
    const KnEventClass *klass;   /* its class and data: a cancel frees the data */
    gpointer data;
} KnEventId;

#define KN_EVENT_ID_NONE ((KnEventId) { 0, 0, 0, NULL, NULL })

static inline gboolean
kn_event_id_is_set(KnEventId id)
{
    return id.seq != 0;
}
