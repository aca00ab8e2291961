/* sim.c -- the simulation loop of sim.h. */

#include <config.h>
#include "sim/sim.h"

#include "sim/queue.h"

struct KnSim {
    KnTime now;                  /* the clock */
    guint64 seed;                /* the run's seed, root of every stream */
    KnQueue *queue;              /* pending events; owned */
    GHashTable *streams;         /* name -> KnRng; both owned */
    gboolean stop;               /* set by kn_sim_stop() */
    guint64 n_events;            /* events run so far */
};

KnSim *
kn_sim_new(guint64 seed)
{
    KnSim *sim = g_new0(KnSim, 1);

    sim->seed = seed;
    sim->queue = kn_queue_new();
    sim->streams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return sim;
}

void
kn_sim_free(KnSim *sim)
{
    if (sim == NULL)
        return;
    g_clear_pointer(&sim->queue, kn_queue_free);
    g_clear_pointer(&sim->streams, g_hash_table_unref);
    g_free(sim);
}

KnTime
kn_sim_now(const KnSim *sim)
{
    return sim->now;
}

guint64
kn_sim_seed(const KnSim *sim)
{
    return sim->seed;
}

KnEventId
kn_sim_schedule_at(KnSim *sim, KnTime time, const KnEventClass *klass, gpointer data)
{
    g_return_val_if_fail(sim != NULL, KN_EVENT_ID_NONE);
    g_return_val_if_fail(time >= sim->now, KN_EVENT_ID_NONE);

    return kn_queue_push(sim->queue, time, klass, data);
}

KnEventId
kn_sim_schedule_in(KnSim *sim, KnTime delay, const KnEventClass *klass, gpointer data)
{
    g_return_val_if_fail(sim != NULL, KN_EVENT_ID_NONE);
    g_return_val_if_fail(delay <= KN_TIME_MAX - sim->now, KN_EVENT_ID_NONE);

    return kn_queue_push(sim->queue, sim->now + delay, klass, data);
}

gboolean
kn_sim_cancel(KnSim *sim, KnEventId id)
{
    g_return_val_if_fail(sim != NULL, FALSE);
    return kn_queue_cancel(sim->queue, id);
}

gsize
kn_sim_pending(const KnSim *sim)
{
    return kn_queue_size(sim->queue);
}

guint64
kn_sim_run_until(KnSim *sim, KnTime until)
{
    g_return_val_if_fail(sim != NULL, 0);
    g_return_val_if_fail(until >= sim->now, 0);

    guint64 n_run = 0;
    const KnEventClass *klass;
    gpointer data;

    sim->stop = FALSE;
    while (!sim->stop && kn_queue_pop(sim->queue, until, &sim->now, &klass, &data)) {
        klass->handler(sim, data);
        n_run++;
    }
    sim->n_events += n_run;
    if (!sim->stop && until != KN_TIME_MAX)
        sim->now = until;
    return n_run;
}

void
kn_sim_stop(KnSim *sim)
{
    g_return_if_fail(sim != NULL);
    sim->stop = TRUE;
}

KnRng *
kn_sim_rng(KnSim *sim, const char *name)
{
    g_return_val_if_fail(sim != NULL, NULL);
    g_return_val_if_fail(name != NULL, NULL);

    KnRng *rng = g_hash_table_lookup(sim->streams, name);

    if (rng == NULL) {
        rng = g_new(KnRng, 1);
        kn_rng_init(rng, sim->seed, name);
        g_hash_table_insert(sim->streams, g_strdup(name), rng);
    }
    return rng;
}

guint64
kn_sim_n_events(const KnSim *sim)
{
    return sim->n_events;
}

gsize
kn_sim_queue_memory(const KnSim *sim)
{
    return kn_queue_memory(sim->queue);
}
