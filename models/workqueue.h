/* workqueue.h -- the work queue every controller of models/ feeds: client-go's
 * workqueue, as kube-controller-manager's controllers use it.  A watch handler
 * adds the "namespace/name" key of the object to look at; the queue runs the
 * controller's handler once for it after a fixed delay, and adding a key
 * already waiting does nothing, so a burst of watch events costs one sync.
 * The handler looks the object up again: it may be gone by then. */
#pragma once

#include <glib.h>
#include "sim/sim.h"

typedef struct KnWorkQueue KnWorkQueue;  /* opaque */

/* Syncs the object 'namespace'/'name' ('namespace' NULL for cluster-scoped
 * objects; both borrowed, valid during the call).  'controller' is the
 * pointer given to kn_workqueue_new(). */
typedef void (*KnWorkQueueHandler)(gpointer controller, const char *namespace, const char *name);

/* Returns a queue that runs 'handler' on 'controller' (borrowed) 'delay'
 * nanoseconds after a key is first added to it, as events of 'sim'
 * (borrowed; it outlives the queue).  'name' (borrowed, usually static, e.g.
 * "endpointslice-sync") names the queue as client-go's named queues.  Free
 * with kn_workqueue_free(). */
KnWorkQueue *kn_workqueue_new(KnSim *sim, KnTime delay, const char *name,
                              KnWorkQueueHandler handler, gpointer controller);

/* Frees 'queue' and cancels its pending syncs.  Accepts NULL. */
void kn_workqueue_free(KnWorkQueue *queue);

/* Schedules a sync of 'namespace'/'name' (borrowed; 'namespace' may be NULL)
 * unless one is pending.  Returns TRUE if it scheduled one. */
gboolean kn_workqueue_add(KnWorkQueue *queue, const char *namespace, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnWorkQueue, kn_workqueue_free)
