/* workqueue.c -- the controllers' work queue of workqueue.h.
 *
 * DOC: What client-go's workqueue (k8s.io/client-go/util/workqueue) does
 * for a controller:
 * - Add(key) puts a "namespace/name" key in a set of dirty keys; a key
 *   already dirty and not yet processed is not queued twice, so many watch
 *   events for one object give one sync (queue.go, "dirty" set).
 * - A worker takes the key, forgets it (a later Add queues it again) and
 *   runs the controller's sync, which reads the object from the informer's
 *   cache and may find it deleted.
 *
 * Simplified: one fixed delay from the first Add to the sync stands in for
 * the watch latency and the worker's wait (no rate limiting, no retries
 * with backoff, no parallel workers); the key is forgotten as the sync
 * starts, as with Done() before the sync's own writes are seen. */

#include <config.h>
#include "models/workqueue.h"

#include <string.h>

struct KnWorkQueue {
    KnSim *sim;                          /* borrowed */
    KnTime delay;                        /* from the first Add to the sync */
    const char *name;                    /* borrowed, e.g. "daemonset-sync" */
    KnWorkQueueHandler handler;          /* the controller's sync */
    gpointer controller;                 /* borrowed; handed to 'handler' */
    GHashTable *pending;                 /* "ns/name" (borrowed from the Item) -> Item */
};

/* The data of a pending sync.  The event owns it. */
typedef struct {
    KnWorkQueue *queue;                  /* borrowed */
    KnEventId event;                     /* the sync, to cancel it with the queue */
    char *key;                           /* "ns/name", the key in 'pending' */
    char *namespace;                     /* NULL for a cluster-scoped object */
    const char *name;                    /* points into 'key' */
} Item;

static void
item_free(Item *item)
{
    g_free(item->key);
    g_free(item->namespace);
    g_free(item);
}

static void on_sync(KnSim *sim, gpointer data);

/* One class for every queue: pending events outlive a queue freed before
 * the simulation, so their class cannot live in the queue. */
static const KnEventClass sync_class = { "workqueue-sync", on_sync, (GDestroyNotify) item_free };

static void
on_sync(KnSim *sim, gpointer data)
{
    Item *item = data;
    KnWorkQueue *queue = item->queue;

    (void) sim;
    g_hash_table_remove(queue->pending, item->key);
    queue->handler(queue->controller, item->namespace, item->name);
    item_free(item);
}

KnWorkQueue *
kn_workqueue_new(KnSim *sim, KnTime delay, const char *name, KnWorkQueueHandler handler,
                 gpointer controller)
{
    g_return_val_if_fail(sim != NULL && name != NULL && handler != NULL, NULL);

    KnWorkQueue *queue = g_new(KnWorkQueue, 1);

    queue->sim = sim;
    queue->delay = delay;
    queue->name = name;
    queue->handler = handler;
    queue->controller = controller;
    queue->pending = g_hash_table_new(g_str_hash, g_str_equal);
    return queue;
}

void
kn_workqueue_free(KnWorkQueue *queue)
{
    if (queue == NULL)
        return;

    /* Cancelling frees the items, so collect them first. */
    g_autoptr(GPtrArray) items = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, queue->pending);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(items, value);
    g_hash_table_unref(queue->pending);
    for (guint i = 0; i < items->len; i++)
        kn_sim_cancel(queue->sim, ((Item *) items->pdata[i])->event);
    g_free(queue);
}

gboolean
kn_workqueue_add(KnWorkQueue *queue, const char *namespace, const char *name)
{
    g_return_val_if_fail(queue != NULL && name != NULL, FALSE);

    /* Most adds find the key pending already: look it up from the stack. */
    char buffer[600];
    gsize ns_len = namespace != NULL ? strlen(namespace) : 0, name_len = strlen(name);

    if (ns_len + name_len + 2 <= sizeof buffer) {
        memcpy(buffer, namespace != NULL ? namespace : "", ns_len);
        buffer[ns_len] = '/';
        memcpy(buffer + ns_len + 1, name, name_len + 1);
        if (g_hash_table_contains(queue->pending, buffer))
            return FALSE;
    }

    char *key = g_strconcat(namespace != NULL ? namespace : "", "/", name, NULL);

    if (g_hash_table_contains(queue->pending, key)) {
        g_free(key);
        return FALSE;
    }

    Item *item = g_new(Item, 1);

    item->queue = queue;
    item->key = key;
    item->namespace = g_strdup(namespace);
    item->name = key + (namespace != NULL ? strlen(namespace) : 0) + 1;
    g_hash_table_insert(queue->pending, key, item);
    item->event = kn_sim_schedule_in(queue->sim, queue->delay, &sync_class, item);
    return TRUE;
}
