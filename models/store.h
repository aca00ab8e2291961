/* store.h -- the API server's storage: every object of the cluster, by kind
 * and "namespace/name", with the metadata the API server fills in (uid,
 * resourceVersion, generation, creationTimestamp, generated names).
 *
 * The store owns the objects, ordered by namespace and name, and keeps
 * indexes by controller owner and by label so that controllers find their
 * objects without scanning.  Controllers watch it: each write calls the
 * watchers of that kind, in the order they registered, and a watcher
 * usually schedules its reconcile on the simulated clock rather than
 * acting at once, as a real controller's work queue does. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "sim/sim.h"

typedef struct KnStore KnStore;

typedef enum {
    KN_WATCH_ADDED,
    KN_WATCH_MODIFIED,
    KN_WATCH_DELETED,
} KnWatchEvent;

/* Called after 'object' of 'kind' was written.  For DELETED the object is
 * still valid during the call and freed after it. */
typedef void (*KnWatchFunc)(KnStore *store, KnKind kind, KnWatchEvent event,
                            gpointer object, gpointer user_data);

/* Returns a new, empty store on 'sim' (borrowed; outlives the store). */
KnStore *kn_store_new(KnSim *sim);
void kn_store_free(KnStore *store);                       /* accepts NULL */

KnSim *kn_store_sim(KnStore *store);

/* Adds 'object' of 'kind' (the store takes it).  Fills in uid,
 * creationTimestamp, resourceVersion and generation; if the name is NULL
 * and generate_name is set, appends 5 random characters as the API server
 * does.  Returns FALSE, and frees the object, if one of that name exists
 * (then '*error' says so as the API server does: `services "web" already
 * exists`). */
gboolean kn_store_add(KnStore *store, KnKind kind, gpointer object, GError **error);

/* Tells the store that the caller changed 'object' in place: bumps its
 * resourceVersion (and generation if 'spec_changed') and notifies. */
void kn_store_update(KnStore *store, KnKind kind, gpointer object, gboolean spec_changed);

/* Removes and frees the object of 'kind' named 'namespace'/'name'; FALSE if
 * there is none. */
gboolean kn_store_delete(KnStore *store, KnKind kind, const char *namespace, const char *name);

/* Borrowed; NULL if there is none.  'namespace' is NULL for cluster-scoped
 * kinds. */
gpointer kn_store_lookup(KnStore *store, KnKind kind, const char *namespace, const char *name);

/* The objects of 'kind' in 'namespace' (NULL: all namespaces), sorted by
 * namespace then name.  New array of borrowed objects; g_ptr_array_unref(). */
GPtrArray *kn_store_list(KnStore *store, KnKind kind, const char *namespace);

/* The objects of 'kind' whose controller owner has uid 'owner_uid', sorted
 * by name.  New array of borrowed objects. */
GPtrArray *kn_store_list_owned(KnStore *store, KnKind kind, const char *owner_uid);

/* The objects of 'kind' in 'namespace' (NULL for cluster-scoped kinds)
 * labelled 'key'='value', sorted by name: what an equality selector's first
 * term narrows a search to.  New array of borrowed objects. */
GPtrArray *kn_store_list_labelled(KnStore *store, KnKind kind, const char *namespace,
                                  const char *key, const char *value);

/* Registers 'func' for writes to objects of 'kind'. */
void kn_store_watch(KnStore *store, KnKind kind, KnWatchFunc func, gpointer user_data);

/* Removes the watcher that kn_store_watch() registered with the same
 * arguments; FALSE if there is none. */
gboolean kn_store_unwatch(KnStore *store, KnKind kind, KnWatchFunc func, gpointer user_data);

/* A lowercase plural resource name, for messages: "services", "pods", ... */
const char *kn_store_resource_name(KnKind kind);

/* A name suffix the way the API server makes generated names: 5 characters
 * from "bcdfghjklmnpqrstvwxz2456789", from the store's "names" stream.  New. */
char *kn_store_random_suffix(KnStore *store, guint length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnStore, kn_store_free)
