/* recorder.c -- the event recorders of recorder.h.
 *
 * DOC: client-go tools/record/events_cache.go: getEventKey() (source
 * component and host, involvedObject kind, namespace, name, fieldPath,
 * uid and apiVersion, type, reason, message) names a repeat, which
 * eventObserve() counts before the spam filter looks; getSpamKey() (the
 * same without fieldPath, reason and message) names a token bucket of 25,
 * refilled at 1/300 per second (defaultSpamBurst, defaultSpamQPS).
 * record/event.go names a new event "%v.%x" of the object's name and
 * t.UnixNano(); events.k8s.io's recorder does the same. */

#include <config.h>
#include "models/recorder.h"

#include <stdarg.h>

#define SPAM_BURST 25.0
#define SPAM_REFILL_NS (300 * KN_SEC)    /* one token per 5 minutes */
#define EPOCH_UNIX G_GINT64_CONSTANT(1767225600)   /* KN_KUBECTL_PRINT_EPOCH */

typedef struct {
    double tokens;
    KnTime at;                   /* when 'tokens' was counted */
} Bucket;

typedef struct {
    char *name;                  /* the Event written for it, or NULL while every one was filtered */
    guint count;                 /* occurrences seen, filtered or not */
    KnTime first;
} Seen;

/* An event that recurs every 'period' until stopped (a failing probe). */
typedef struct {
    KnKind kind;
    KnObjectMeta object;         /* namespace, name and uid only; owned */
    char *field_path, *reason, *component, *host, *message;
    gboolean warning;
    KnTime period;
    KnTime next;                 /* its next occurrence */
} Repeat;

struct KnRecorder {
    KnStore *store;              /* borrowed */
    gboolean enabled;
    GHashTable *seen;            /* event key -> Seen */
    GHashTable *buckets;         /* spam key -> Bucket */
    GPtrArray *repeats;          /* Repeat, in the order they began */
};

static void
repeat_free(gpointer data)
{
    Repeat *r = data;

    g_free(r->object.namespace);
    g_free(r->object.name);
    g_free(r->object.uid);
    g_free(r->field_path);
    g_free(r->reason);
    g_free(r->component);
    g_free(r->host);
    g_free(r->message);
    g_free(r);
}

static void
seen_free(gpointer data)
{
    Seen *seen = data;

    g_free(seen->name);
    g_free(seen);
}

KnRecorder *
kn_recorder_new(KnStore *store)
{
    KnRecorder *recorder = g_new0(KnRecorder, 1);

    recorder->store = store;
    recorder->enabled = TRUE;
    recorder->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, seen_free);
    recorder->buckets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    recorder->repeats = g_ptr_array_new_with_free_func(repeat_free);
    return recorder;
}

void
kn_recorder_free(KnRecorder *recorder)
{
    if (recorder == NULL)
        return;
    g_hash_table_unref(recorder->seen);
    g_hash_table_unref(recorder->buckets);
    g_ptr_array_unref(recorder->repeats);
    g_free(recorder);
}

void
kn_recorder_set_enabled(KnRecorder *recorder, gboolean enabled)
{
    g_return_if_fail(recorder != NULL);
    recorder->enabled = enabled;
}

gint64
kn_recorder_unix_ns(KnTime t)
{
    return EPOCH_UNIX * KN_SEC + (gint64) t;
}

/* TRUE if the spam filter lets the source write about the object now. */
static gboolean
spam_allows(KnRecorder *recorder, const char *key, KnTime now)
{
    Bucket *bucket = g_hash_table_lookup(recorder->buckets, key);

    if (bucket == NULL) {
        bucket = g_new(Bucket, 1);
        *bucket = (Bucket) { SPAM_BURST, now };
        g_hash_table_insert(recorder->buckets, g_strdup(key), bucket);
    }
    bucket->tokens = MIN(SPAM_BURST, bucket->tokens + (double) (now - bucket->at) / SPAM_REFILL_NS);
    bucket->at = now;
    if (bucket->tokens < 1.0)
        return FALSE;
    bucket->tokens -= 1.0;
    return TRUE;
}

/* A new Event about 'object', first seen at 'first', in the store; returns
 * its name (borrowed from the stored event). */
static const char *
write_new(KnRecorder *recorder, KnKind kind, const KnObjectMeta *object, const char *field_path,
          gboolean warning, const char *reason, const char *component, const char *host,
          const char *message, gboolean series_api, KnTime first, KnTime now, guint count)
{
    KnEvent *event = kn_event_new();
    gint64 ns = kn_recorder_unix_ns(first);
    char *name = g_strdup_printf("%s.%" G_GINT64_MODIFIER "x", object->name, ns);

    /* Two events of one object in the same simulated nanosecond: the next
     * nanosecond names the second, as a real clock would have moved on. */
    while (kn_store_lookup(recorder->store, KN_KIND_EVENT, object->namespace, name) != NULL) {
        g_free(name);
        name = g_strdup_printf("%s.%" G_GINT64_MODIFIER "x", object->name, ++ns);
    }
    event->meta.name = name;
    event->meta.namespace = g_strdup(object->namespace != NULL ? object->namespace : "default");
    event->involved_kind = kind;
    event->involved_name = g_strdup(object->name);
    event->involved_uid = g_strdup(object->uid);
    event->field_path = g_strdup(field_path);
    event->warning = warning;
    event->reason = g_strdup(reason);
    event->message = g_strdup(message);
    event->component = g_strdup(component);
    event->host = g_strdup(host);
    event->series_api = series_api;
    event->first_time = first;
    event->last_time = now;
    event->count = count;
    if (!kn_store_add(recorder->store, KN_KIND_EVENT, event, NULL))
        return NULL;
    return name;
}

/* One occurrence at 'at' (at most now) through the correlator: a repeat
 * patches the first's count and lastTimestamp, the spam filter may skip
 * the write (not the count). */
static void
record_at(KnRecorder *recorder, KnTime at, KnKind kind, const KnObjectMeta *object, const char *field_path,
          gboolean warning, const char *reason, const char *component, const char *host, const char *message)
{
    const char *type = warning ? "Warning" : "Normal";
    const char *api_version = kn_kind_api_version(kind);
    const char *ns = object->namespace != NULL ? object->namespace : "";
    const char *uid = object->uid != NULL ? object->uid : "";
    g_autofree char *key = g_strjoin("\1", component, host != NULL ? host : "", kn_kind_name(kind), ns,
                                     object->name, field_path != NULL ? field_path : "", uid, api_version, type,
                                     reason, message, NULL);
    g_autofree char *spam_key = g_strjoin("\1", component, host != NULL ? host : "", kn_kind_name(kind), ns,
                                          object->name, uid, api_version, type, NULL);
    Seen *seen = g_hash_table_lookup(recorder->seen, key);

    if (seen == NULL) {
        seen = g_new0(Seen, 1);
        seen->first = at;
        g_hash_table_insert(recorder->seen, g_strdup(key), seen);
    }
    seen->count++;
    if (!spam_allows(recorder, spam_key, at))
        return;

    KnEvent *event = seen->name != NULL
                         ? kn_store_lookup(recorder->store, KN_KIND_EVENT, object->namespace, seen->name)
                         : NULL;

    if (event != NULL) {
        event->count = seen->count;
        event->last_time = at;
        kn_store_update(recorder->store, KN_KIND_EVENT, event, FALSE);
        return;
    }
    g_free(seen->name);
    seen->name = g_strdup(write_new(recorder, kind, object, field_path, warning, reason, component, host,
                                    message, FALSE, seen->first, at, seen->count));
}

void
kn_recorder_event(KnRecorder *recorder, KnKind kind, const KnObjectMeta *object, const char *field_path,
                  gboolean warning, const char *reason, const char *component, const char *host,
                  const char *format, ...)
{
    g_return_if_fail(recorder != NULL && object != NULL && object->name != NULL);
    g_return_if_fail(reason != NULL && component != NULL && format != NULL);

    if (!recorder->enabled)
        return;

    va_list args;

    va_start(args, format);
    g_autofree char *message = g_strdup_vprintf(format, args);
    va_end(args);
    record_at(recorder, kn_sim_now(kn_store_sim(recorder->store)), kind, object, field_path, warning, reason,
              component, host, message);
}

void
kn_recorder_event_every(KnRecorder *recorder, KnTime period, KnKind kind, const KnObjectMeta *object,
                        const char *field_path, gboolean warning, const char *reason, const char *component,
                        const char *host, const char *format, ...)
{
    g_return_if_fail(recorder != NULL && object != NULL && object->name != NULL && period > 0);
    g_return_if_fail(reason != NULL && component != NULL && format != NULL);

    if (!recorder->enabled)
        return;

    KnTime now = kn_sim_now(kn_store_sim(recorder->store));
    Repeat *r = g_new0(Repeat, 1);
    va_list args;

    va_start(args, format);
    r->message = g_strdup_vprintf(format, args);
    va_end(args);
    r->kind = kind;
    r->object.namespace = g_strdup(object->namespace);
    r->object.name = g_strdup(object->name);
    r->object.uid = g_strdup(object->uid);
    r->field_path = g_strdup(field_path);
    r->warning = warning;
    r->reason = g_strdup(reason);
    r->component = g_strdup(component);
    r->host = g_strdup(host);
    r->period = period;
    r->next = now + period;
    record_at(recorder, now, kind, object, field_path, warning, reason, component, host, r->message);
    g_ptr_array_add(recorder->repeats, r);
}

/* Writes the occurrences of 'r' up to now. */
static void
repeat_catch_up(KnRecorder *recorder, Repeat *r, KnTime now)
{
    for (; r->next <= now; r->next += r->period)
        record_at(recorder, r->next, r->kind, &r->object, r->field_path, r->warning, r->reason, r->component,
                  r->host, r->message);
}

void
kn_recorder_catch_up(KnRecorder *recorder)
{
    g_return_if_fail(recorder != NULL);

    KnTime now = kn_sim_now(kn_store_sim(recorder->store));

    for (guint i = 0; i < recorder->repeats->len; i++)
        repeat_catch_up(recorder, recorder->repeats->pdata[i], now);
}

void
kn_recorder_stop(KnRecorder *recorder, const char *uid)
{
    g_return_if_fail(recorder != NULL);

    KnTime now = kn_sim_now(kn_store_sim(recorder->store));

    for (guint i = 0; i < recorder->repeats->len;) {
        Repeat *r = recorder->repeats->pdata[i];

        if (g_strcmp0(r->object.uid, uid) != 0) {
            i++;
            continue;
        }
        repeat_catch_up(recorder, r, now);
        g_ptr_array_remove_index(recorder->repeats, i);
    }
}

void
kn_recorder_event_series(KnRecorder *recorder, KnKind kind, const KnObjectMeta *object, gboolean warning,
                         const char *reason, const char *component, const char *host, const char *format, ...)
{
    g_return_if_fail(recorder != NULL && object != NULL && object->name != NULL);
    g_return_if_fail(reason != NULL && component != NULL && format != NULL);

    if (!recorder->enabled)
        return;

    KnTime now = kn_sim_now(kn_store_sim(recorder->store));
    va_list args;

    va_start(args, format);
    g_autofree char *message = g_strdup_vprintf(format, args);
    va_end(args);
    g_autofree char *instance = host != NULL ? g_strdup_printf("%s-%s", component, host) : NULL;

    write_new(recorder, kind, object, NULL, warning, reason, component, instance, message, TRUE, now, now, 1);
}

KnTime
kn_recorder_first_seen(const KnEvent *event)
{
    g_return_val_if_fail(event != NULL, 0);
    return event->series_api ? event->first_time / KN_USEC * KN_USEC : event->first_time / KN_SEC * KN_SEC;
}

KnTime
kn_recorder_last_seen(const KnEvent *event)
{
    g_return_val_if_fail(event != NULL, 0);
    return event->series_api ? kn_recorder_first_seen(event) : event->last_time / KN_SEC * KN_SEC;
}

/* What SortableEvents orders by: lastTimestamp, or for a series'
 * singleton its eventTime. */
static gint
compare_times(gconstpointer a, gconstpointer b)
{
    KnTime x = kn_recorder_last_seen(*(const KnEvent *const *) a);
    KnTime y = kn_recorder_last_seen(*(const KnEvent *const *) b);

    return x < y ? -1 : x > y;
}

GPtrArray *
kn_recorder_events_about(KnStore *store, KnKind kind, const KnObjectMeta *object)
{
    g_return_val_if_fail(store != NULL && object != NULL, NULL);

    g_autoptr(GPtrArray) all = kn_store_list(store, KN_KIND_EVENT,
                                             object->namespace != NULL ? object->namespace : "default");
    GPtrArray *about = g_ptr_array_new();

    for (guint i = 0; i < all->len; i++) {
        const KnEvent *event = all->pdata[i];

        if (event->involved_kind == kind && g_strcmp0(event->involved_name, object->name) == 0
            && g_strcmp0(event->involved_uid, object->uid) == 0)
            g_ptr_array_add(about, (gpointer) event);
    }
    /* g_ptr_array_sort() is a stable merge sort: ties keep name order. */
    g_ptr_array_sort(about, compare_times);
    return about;
}
