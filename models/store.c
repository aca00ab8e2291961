/* store.c -- the object store of store.h.
 *
 * DOC: Mirrors what kube-apiserver's registry does on create: metadata.uid
 * is a random (version 4) UUID, resourceVersion a counter shared by all
 * objects (etcd's revision), generation starts at 1 and grows with spec
 * changes, and a generateName gets 5 characters from the alphabet of
 * apimachinery's util/rand ("bcdfghjklmnpqrstvwxz2456789", no vowels so no
 * words), the base cut to 58 characters (storage/names/generate.go).
 *
 * Simplified: no conflicts or optimistic concurrency (a single writer, the
 * simulation), and watchers are called synchronously. */

#include <config.h>
#include "models/store.h"

#include <string.h>

#define NAME_ALPHABET "bcdfghjklmnpqrstvwxz2456789"
#define GENERATE_BASE_MAX 58

typedef struct {
    KnWatchFunc func;
    gpointer user_data;
} Watcher;

struct KnStore {
    KnSim *sim;                          /* borrowed */
    GHashTable *by_key[KN_N_KINDS];      /* "ns\1name" or "name" -> object; both owned */
    GPtrArray *sorted[KN_N_KINDS];       /* the objects by namespace and name; NULL: to sort again */
    GHashTable *owned[KN_N_KINDS];       /* owner uid -> set of objects */
    GHashTable *labelled[KN_N_KINDS];    /* "ns\1key=value" -> set of objects */
    GHashTable *indexed[KN_N_KINDS];     /* object -> the KnLabels it is indexed under */
    GArray *watchers[KN_N_KINDS];        /* Watcher */
    guint64 revision;                    /* the last resourceVersion given */
};

static const char *const resource_names[KN_N_KINDS] = {
    [KN_KIND_NAMESPACE] = "namespaces",
    [KN_KIND_NODE] = "nodes",
    [KN_KIND_POD] = "pods",
    [KN_KIND_DEPLOYMENT] = "deployments.apps",
    [KN_KIND_REPLICA_SET] = "replicasets.apps",
    [KN_KIND_STATEFUL_SET] = "statefulsets.apps",
    [KN_KIND_DAEMON_SET] = "daemonsets.apps",
    [KN_KIND_SERVICE] = "services",
    [KN_KIND_ENDPOINT_SLICE] = "endpointslices.discovery.k8s.io",
    [KN_KIND_ENDPOINTS] = "endpoints",
    [KN_KIND_CONFIG_MAP] = "configmaps",
    [KN_KIND_EVENT] = "events",
};

const char *
kn_store_resource_name(KnKind kind)
{
    g_return_val_if_fail(kind < KN_N_KINDS, "?");
    return resource_names[kind];
}

static gint
compare_objects(gconstpointer a, gconstpointer b)
{
    const KnObjectMeta *x = *(KnObjectMeta *const *) a;
    const KnObjectMeta *y = *(KnObjectMeta *const *) b;
    int cmp = g_strcmp0(x->namespace, y->namespace);

    return cmp != 0 ? cmp : strcmp(x->name, y->name);
}

/* Keys name objects uniquely: '\1' cannot appear in a namespace or a name. */
static char *
object_key(const char *namespace, const char *name)
{
    return namespace != NULL ? g_strconcat(namespace, "\1", name, NULL) : g_strdup(name);
}

static char *
label_key(const char *namespace, const char *key, const char *value)
{
    return g_strconcat(namespace != NULL ? namespace : "", "\1", key, "=", value, NULL);
}

static void
set_add(GHashTable *index, char *key, gpointer object)
{
    GHashTable *set = g_hash_table_lookup(index, key);

    if (set == NULL) {
        set = g_hash_table_new(NULL, NULL);
        g_hash_table_insert(index, key, set);
    } else {
        g_free(key);
    }
    g_hash_table_add(set, object);
}

static void
set_remove(GHashTable *index, const char *key, gpointer object)
{
    GHashTable *set = g_hash_table_lookup(index, key);

    if (set != NULL && g_hash_table_remove(set, object) && g_hash_table_size(set) == 0)
        g_hash_table_remove(index, key);
}

/* Indexes 'object' under its current labels, or none if 'add' is FALSE. */
static void
index_labels(KnStore *store, KnKind kind, gpointer object, gboolean add)
{
    KnObjectMeta *meta = kn_object_meta(object);
    KnLabels *old = g_hash_table_lookup(store->indexed[kind], object);

    if (add && old != NULL && kn_labels_equal(old, meta->labels))
        return;
    for (guint i = 0; i < kn_labels_size(old); i++) {
        g_autofree char *key = label_key(meta->namespace, kn_labels_key(old, i), kn_labels_value(old, i));

        set_remove(store->labelled[kind], key, object);
    }
    g_hash_table_remove(store->indexed[kind], object);
    if (!add)
        return;
    for (guint i = 0; i < kn_labels_size(meta->labels); i++)
        set_add(store->labelled[kind],
                label_key(meta->namespace, kn_labels_key(meta->labels, i), kn_labels_value(meta->labels, i)),
                object);
    g_hash_table_insert(store->indexed[kind], object, kn_labels_copy(meta->labels));
}

/* The objects of a set, sorted by namespace and name.  New. */
static GPtrArray *
set_sorted(GHashTable *set)
{
    GPtrArray *out = g_ptr_array_new();
    GHashTableIter iter;
    gpointer object;

    if (set != NULL) {
        g_hash_table_iter_init(&iter, set);
        while (g_hash_table_iter_next(&iter, &object, NULL))
            g_ptr_array_add(out, object);
    }
    g_ptr_array_sort(out, compare_objects);
    return out;
}

KnStore *
kn_store_new(KnSim *sim)
{
    KnStore *store = g_new0(KnStore, 1);

    store->sim = sim;
    for (int k = 0; k < KN_N_KINDS; k++) {
        store->by_key[k] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        store->owned[k] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
        store->labelled[k] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) g_hash_table_unref);
        store->indexed[k] = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify) kn_labels_free);
        store->watchers[k] = g_array_new(FALSE, FALSE, sizeof(Watcher));
    }
    return store;
}

void
kn_store_free(KnStore *store)
{
    if (store == NULL)
        return;
    for (int k = 0; k < KN_N_KINDS; k++) {
        GHashTableIter iter;
        gpointer object;

        g_hash_table_iter_init(&iter, store->by_key[k]);
        while (g_hash_table_iter_next(&iter, NULL, &object))
            kn_object_free((KnKind) k, object);
        g_hash_table_unref(store->by_key[k]);
        g_clear_pointer(&store->sorted[k], g_ptr_array_unref);
        g_hash_table_unref(store->owned[k]);
        g_hash_table_unref(store->labelled[k]);
        g_hash_table_unref(store->indexed[k]);
        g_array_unref(store->watchers[k]);
    }
    g_free(store);
}

KnSim *
kn_store_sim(KnStore *store)
{
    return store->sim;
}

char *
kn_store_random_suffix(KnStore *store, guint length)
{
    KnRng *rng = kn_sim_rng(store->sim, "names");
    char *out = g_malloc(length + 1);

    for (guint i = 0; i < length; i++)
        out[i] = NAME_ALPHABET[kn_rng_below(rng, sizeof NAME_ALPHABET - 1)];
    out[length] = '\0';
    return out;
}

/* A version 4 UUID from the "uid" stream, in its canonical text form
 * (8-4-4-4-12 lower-case hex digits), written without printf: every object
 * created gets one.  Events draw theirs from a stream of their own, so that
 * recording one leaves the other objects' uids (and what derives from them,
 * such as veth names) as they were. */
static char *
random_uid(KnStore *store, KnKind kind)
{
    static const char hex[] = "0123456789abcdef";
    KnRng *rng = kn_sim_rng(store->sim, kind == KN_KIND_EVENT ? "uid/events" : "uid");
    guint64 hi = kn_rng_next(rng), lo = kn_rng_next(rng);
    char *out = g_malloc(37);
    guint at = 0;

    hi = (hi & ~G_GUINT64_CONSTANT(0xf000)) | 0x4000;              /* version 4 */
    lo = (lo & ~(G_GUINT64_CONSTANT(3) << 62)) | (G_GUINT64_CONSTANT(2) << 62); /* RFC 4122 variant */
    for (int i = 15; i >= 0; i--) {
        out[at++] = hex[(hi >> (4 * i)) & 0xf];
        if (i == 8 || i == 4)
            out[at++] = '-';
    }
    out[at++] = '-';
    for (int i = 15; i >= 0; i--) {
        out[at++] = hex[(lo >> (4 * i)) & 0xf];
        if (i == 12)
            out[at++] = '-';
    }
    out[at] = '\0';
    return out;
}

static void
notify(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object)
{
    GArray *watchers = store->watchers[kind];

    for (guint i = 0; i < watchers->len; i++) {
        Watcher *w = &g_array_index(watchers, Watcher, i);

        w->func(store, kind, event, object, w->user_data);
    }
}

gboolean
kn_store_add(KnStore *store, KnKind kind, gpointer object, GError **error)
{
    g_return_val_if_fail(store != NULL && kind < KN_N_KINDS && object != NULL, FALSE);

    KnObjectMeta *meta = kn_object_meta(object);

    if (meta->name == NULL && meta->generate_name != NULL) {
        g_autofree char *suffix = kn_store_random_suffix(store, 5);
        g_autofree char *base = g_strndup(meta->generate_name, GENERATE_BASE_MAX);

        meta->name = g_strconcat(base, suffix, NULL);
    }
    g_return_val_if_fail(meta->name != NULL, FALSE);

    char *key = object_key(meta->namespace, meta->name);

    if (g_hash_table_contains(store->by_key[kind], key)) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "%s \"%s\" already exists",
                    resource_names[kind], meta->name);
        g_free(key);
        kn_object_free(kind, object);
        return FALSE;
    }
    if (meta->uid == NULL)
        meta->uid = random_uid(store, kind);
    meta->creation_time = kn_sim_now(store->sim);
    meta->resource_version = ++store->revision;
    meta->generation = 1;
    g_hash_table_insert(store->by_key[kind], key, object);
    g_clear_pointer(&store->sorted[kind], g_ptr_array_unref);
    if (meta->owner.uid != NULL)
        set_add(store->owned[kind], g_strdup(meta->owner.uid), object);
    index_labels(store, kind, object, TRUE);
    notify(store, kind, KN_WATCH_ADDED, object);
    return TRUE;
}

void
kn_store_update(KnStore *store, KnKind kind, gpointer object, gboolean spec_changed)
{
    g_return_if_fail(store != NULL && kind < KN_N_KINDS && object != NULL);

    KnObjectMeta *meta = kn_object_meta(object);

    meta->resource_version = ++store->revision;
    if (spec_changed)
        meta->generation++;
    index_labels(store, kind, object, TRUE);
    notify(store, kind, KN_WATCH_MODIFIED, object);
}

gboolean
kn_store_delete(KnStore *store, KnKind kind, const char *namespace, const char *name)
{
    g_return_val_if_fail(store != NULL && kind < KN_N_KINDS && name != NULL, FALSE);

    g_autofree char *key = object_key(namespace, name);
    gpointer object = g_hash_table_lookup(store->by_key[kind], key);
    KnObjectMeta *meta;

    if (object == NULL)
        return FALSE;
    g_hash_table_remove(store->by_key[kind], key);
    g_clear_pointer(&store->sorted[kind], g_ptr_array_unref);
    meta = kn_object_meta(object);
    if (meta->owner.uid != NULL)
        set_remove(store->owned[kind], meta->owner.uid, object);
    index_labels(store, kind, object, FALSE);
    ++store->revision;
    notify(store, kind, KN_WATCH_DELETED, object);
    kn_object_free(kind, object);
    return TRUE;
}

gpointer
kn_store_lookup(KnStore *store, KnKind kind, const char *namespace, const char *name)
{
    g_return_val_if_fail(store != NULL && kind < KN_N_KINDS && name != NULL, NULL);

    /* Look-ups are the hottest path of every controller: build the key on
     * the stack when it fits (names are at most 253 characters). */
    char buffer[600];
    gsize ns_len = namespace != NULL ? strlen(namespace) : 0, name_len = strlen(name);

    if (ns_len + name_len + 2 > sizeof buffer) {
        g_autofree char *key = object_key(namespace, name);

        return g_hash_table_lookup(store->by_key[kind], key);
    }
    if (namespace != NULL) {
        memcpy(buffer, namespace, ns_len);
        buffer[ns_len++] = '\1';
    }
    memcpy(buffer + ns_len, name, name_len + 1);
    return g_hash_table_lookup(store->by_key[kind], buffer);
}

GPtrArray *
kn_store_list(KnStore *store, KnKind kind, const char *namespace)
{
    g_return_val_if_fail(store != NULL && kind < KN_N_KINDS, NULL);

    /* Controllers find objects through the indexes; listings are rare, so
     * the sorted view is rebuilt on the first listing after a change
     * rather than kept in order at every write. */
    if (store->sorted[kind] == NULL) {
        GHashTableIter iter;
        gpointer object;

        store->sorted[kind] = g_ptr_array_sized_new(g_hash_table_size(store->by_key[kind]));
        g_hash_table_iter_init(&iter, store->by_key[kind]);
        while (g_hash_table_iter_next(&iter, NULL, &object))
            g_ptr_array_add(store->sorted[kind], object);
        g_ptr_array_sort(store->sorted[kind], compare_objects);
    }

    GPtrArray *all = store->sorted[kind];
    GPtrArray *out;
    guint lo = 0, hi = all->len;

    if (namespace == NULL) {
        out = g_ptr_array_sized_new(all->len);
        for (guint i = 0; i < all->len; i++)
            g_ptr_array_add(out, all->pdata[i]);
        return out;
    }
    /* The first object of the namespace, by binary search. */
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_strcmp0(kn_object_meta(all->pdata[mid])->namespace, namespace) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    out = g_ptr_array_new();
    for (guint i = lo; i < all->len && g_strcmp0(kn_object_meta(all->pdata[i])->namespace, namespace) == 0; i++)
        g_ptr_array_add(out, all->pdata[i]);
    return out;
}

GPtrArray *
kn_store_list_owned(KnStore *store, KnKind kind, const char *owner_uid)
{
    g_return_val_if_fail(store != NULL && kind < KN_N_KINDS && owner_uid != NULL, NULL);
    return set_sorted(g_hash_table_lookup(store->owned[kind], owner_uid));
}

GPtrArray *
kn_store_list_labelled(KnStore *store, KnKind kind, const char *namespace, const char *key,
                       const char *value)
{
    g_return_val_if_fail(store != NULL && kind < KN_N_KINDS && key != NULL && value != NULL, NULL);

    g_autofree char *index_key = label_key(namespace, key, value);

    return set_sorted(g_hash_table_lookup(store->labelled[kind], index_key));
}

void
kn_store_watch(KnStore *store, KnKind kind, KnWatchFunc func, gpointer user_data)
{
    g_return_if_fail(store != NULL && kind < KN_N_KINDS && func != NULL);

    Watcher watcher = { func, user_data };

    g_array_append_val(store->watchers[kind], watcher);
}

gboolean
kn_store_unwatch(KnStore *store, KnKind kind, KnWatchFunc func, gpointer user_data)
{
    g_return_val_if_fail(store != NULL && kind < KN_N_KINDS, FALSE);

    GArray *watchers = store->watchers[kind];

    for (guint i = 0; i < watchers->len; i++) {
        Watcher *w = &g_array_index(watchers, Watcher, i);

        if (w->func == func && w->user_data == user_data) {
            g_array_remove_index(watchers, i);
            return TRUE;
        }
    }
    return FALSE;
}
