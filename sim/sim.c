/* sim.c -- the simulation loop of sim.h. */

#include <config.h>
#include "sim/sim.h"

#include <string.h>

#include "sim/queue.h"

/* An event on its way to another lane: queued there when the window ends. */
typedef struct {
    KnTime time;
    const KnEventClass *klass;
    gpointer data;
} Crossing;

typedef struct Lane {
    KnQueue *queue;              /* pending events; owned */
    KnTime now;                  /* the clock */
    guint64 n_events;            /* events run so far */
    gboolean stop;               /* set by kn_sim_stop() */
    guint parity;                /* the window's: which 'out' it fills */
    KnTime sent_min;             /* earliest time sent to another lane this window */
    GArray *out[2][KN_SIM_MAX_LANES];   /* Crossing, by window parity and lane; or NULL */
} __attribute__((aligned(64))) Lane;   /* a cache line of its own: lanes run apart */

/* A sense-reversing barrier for the lanes' threads.  A thread spins a
 * while (windows are short: the others are usually about to arrive), then
 * sleeps until the last one wakes it (more lanes than free cores). */
typedef struct {
    gint count;                  /* threads yet to arrive */
    gint sense;
    gint n;
    gint sleepers;               /* threads asleep or about to be */
    GMutex lock;
    GCond wake;
} Barrier;

struct KnSim {
    guint64 seed;                /* the run's seed, root of every stream */
    GMutex streams_lock;
    GHashTable *streams;         /* name -> KnRng; both owned */
    guint n_lanes;
    KnTime lookahead;
    gboolean running;            /* a run with lanes is on */
    KnTime until;                /* its bound */
    Barrier barrier;
    /* What each lane publishes at the end of a window, by parity: the
     * earliest time it has pending or sent, and whether it stopped. */
    KnTime next[2][KN_SIM_MAX_LANES];
    gboolean stopped[2][KN_SIM_MAX_LANES];
    Lane lanes[KN_SIM_MAX_LANES];
};

/* The lane this thread runs (lane 0 but in a run's other threads). */
static __thread guint current_lane;

static inline Lane *
lane_of(const KnSim *sim)
{
    if (G_LIKELY(sim->n_lanes == 1))
        return (Lane *) &sim->lanes[0];
    return (Lane *) &sim->lanes[current_lane < sim->n_lanes ? current_lane : 0];
}

KnSim *
kn_sim_new(guint64 seed)
{
    KnSim *sim = g_aligned_alloc0(1, sizeof(KnSim), 64);

    sim->seed = seed;
    g_mutex_init(&sim->streams_lock);
    g_mutex_init(&sim->barrier.lock);
    g_cond_init(&sim->barrier.wake);
    sim->streams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_aligned_free);
    sim->n_lanes = 1;
    sim->lanes[0].queue = kn_queue_new();
    return sim;
}

static void
lane_clear(Lane *lane)
{
    g_clear_pointer(&lane->queue, kn_queue_free);
    for (guint p = 0; p < 2; p++)
        for (guint i = 0; i < KN_SIM_MAX_LANES; i++)
            g_clear_pointer(&lane->out[p][i], g_array_unref);
}

void
kn_sim_free(KnSim *sim)
{
    if (sim == NULL)
        return;
    for (guint i = 0; i < sim->n_lanes; i++)
        lane_clear(&sim->lanes[i]);
    g_clear_pointer(&sim->streams, g_hash_table_unref);
    g_mutex_clear(&sim->streams_lock);
    g_mutex_clear(&sim->barrier.lock);
    g_cond_clear(&sim->barrier.wake);
    g_aligned_free(sim);
}

KnTime
kn_sim_now(const KnSim *sim)
{
    return lane_of(sim)->now;
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

    Lane *lane = lane_of(sim);

    g_return_val_if_fail(time >= lane->now, KN_EVENT_ID_NONE);

    KnEventId id = kn_queue_push(lane->queue, time, klass, data);

    id.lane = (guint32) (lane - sim->lanes);
    return id;
}

KnEventId
kn_sim_schedule_in(KnSim *sim, KnTime delay, const KnEventClass *klass, gpointer data)
{
    g_return_val_if_fail(sim != NULL, KN_EVENT_ID_NONE);

    Lane *lane = lane_of(sim);

    g_return_val_if_fail(delay <= KN_TIME_MAX - lane->now, KN_EVENT_ID_NONE);

    KnEventId id = kn_queue_push(lane->queue, lane->now + delay, klass, data);

    id.lane = (guint32) (lane - sim->lanes);
    return id;
}

/* An event for another lane, during a run: on its way until the window ends. */
static void
cross(KnSim *sim, Lane *lane, guint to, KnTime delay, const KnEventClass *klass, gpointer data)
{
    GArray **out = &lane->out[lane->parity][to];
    Crossing crossing = { lane->now + delay, klass, data };

    g_return_if_fail(delay >= sim->lookahead);
    g_return_if_fail(klass != NULL && klass->handler != NULL);
    if (*out == NULL)
        *out = g_array_sized_new(FALSE, FALSE, sizeof(Crossing), 256);
    g_array_append_val(*out, crossing);
    lane->sent_min = MIN(lane->sent_min, crossing.time);
}

KnEventId
kn_sim_schedule_on(KnSim *sim, guint to, KnTime delay, const KnEventClass *klass, gpointer data)
{
    g_return_val_if_fail(sim != NULL && to < sim->n_lanes, KN_EVENT_ID_NONE);

    Lane *lane = lane_of(sim);
    KnEventId id = KN_EVENT_ID_NONE;

    g_return_val_if_fail(delay <= KN_TIME_MAX - lane->now, KN_EVENT_ID_NONE);
    if (G_UNLIKELY(&sim->lanes[to] != lane) && sim->running) {
        cross(sim, lane, to, delay, klass, data);
        return id;               /* on its way: no lane can cancel it */
    }
    id = kn_queue_push(sim->lanes[to].queue, lane->now + delay, klass, data);
    id.lane = to;
    return id;
}

gboolean
kn_sim_cancel(KnSim *sim, KnEventId id)
{
    g_return_val_if_fail(sim != NULL, FALSE);
    g_return_val_if_fail(id.lane < sim->n_lanes, FALSE);
    g_return_val_if_fail(!sim->running || &sim->lanes[id.lane] == lane_of(sim), FALSE);
    return kn_queue_cancel(sim->lanes[id.lane].queue, id);
}

gsize
kn_sim_pending(const KnSim *sim)
{
    gsize n = 0;

    for (guint i = 0; i < sim->n_lanes; i++)
        n += kn_queue_size(sim->lanes[i].queue);
    return n;
}

void
kn_sim_set_lanes(KnSim *sim, guint n_lanes, KnTime lookahead)
{
    g_return_if_fail(sim != NULL && !sim->running);
    g_return_if_fail(n_lanes >= 1 && n_lanes <= KN_SIM_MAX_LANES);
    g_return_if_fail(n_lanes == 1 || lookahead > 0);
    g_return_if_fail(kn_sim_pending(sim) == 0);

    for (guint i = n_lanes; i < sim->n_lanes; i++)
        lane_clear(&sim->lanes[i]);
    for (guint i = sim->n_lanes; i < n_lanes; i++) {
        memset(&sim->lanes[i], 0, sizeof sim->lanes[i]);
        sim->lanes[i].queue = kn_queue_new();
        sim->lanes[i].now = sim->lanes[0].now;
    }
    sim->n_lanes = n_lanes;
    sim->lookahead = lookahead;
}

guint
kn_sim_n_lanes(const KnSim *sim)
{
    return sim->n_lanes;
}

guint
kn_sim_lane(const KnSim *sim)
{
    return (guint) (lane_of(sim) - sim->lanes);
}

/*****************************************************************************/
/* Running. */

static guint64
run_serial(KnSim *sim, KnTime until)
{
    Lane *lane = &sim->lanes[0];
    guint64 n_run = 0;
    const KnEventClass *klass;
    gpointer data;

    lane->stop = FALSE;
    while (!lane->stop && kn_queue_pop(lane->queue, until, &lane->now, &klass, &data)) {
        klass->handler(sim, data);
        n_run++;
    }
    lane->n_events += n_run;
    if (!lane->stop && until != KN_TIME_MAX)
        lane->now = until;
    return n_run;
}

#define BARRIER_SPINS 1000

static void
barrier_wait(Barrier *barrier, gint *sense)
{
    *sense = !*sense;
    if (g_atomic_int_dec_and_test(&barrier->count)) {
        g_atomic_int_set(&barrier->count, barrier->n);
        g_atomic_int_set(&barrier->sense, *sense);
        /* A sleeper counted itself before it looked at 'sense': either it
         * saw the new one, or it is counted here. */
        if (g_atomic_int_get(&barrier->sleepers) > 0) {
            g_mutex_lock(&barrier->lock);
            g_cond_broadcast(&barrier->wake);
            g_mutex_unlock(&barrier->lock);
        }
        return;
    }
    for (guint spins = 0; spins < BARRIER_SPINS; spins++) {
        if (g_atomic_int_get(&barrier->sense) == *sense)
            return;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    g_mutex_lock(&barrier->lock);
    g_atomic_int_inc(&barrier->sleepers);
    while (g_atomic_int_get(&barrier->sense) != *sense)
        g_cond_wait(&barrier->wake, &barrier->lock);
    g_atomic_int_dec_and_test(&barrier->sleepers);
    g_mutex_unlock(&barrier->lock);
}

/* Queues what the other lanes sent 'to' in the windows of 'parity', in lane
 * order: the same order however the threads ran. */
static void
take_crossings(KnSim *sim, guint to, guint parity)
{
    KnQueue *queue = sim->lanes[to].queue;

    for (guint from = 0; from < sim->n_lanes; from++) {
        GArray *in = sim->lanes[from].out[parity][to];

        if (in == NULL || in->len == 0)
            continue;
        for (guint i = 0; i < in->len; i++) {
            const Crossing *c = &g_array_index(in, Crossing, i);

            kn_queue_push(queue, c->time, c->klass, c->data);
        }
        g_array_set_size(in, 0);
    }
}

/* One lane's part of a run with lanes, on its own thread (lane 0 on the
 * caller's).  Every lane sees the same published values after each meeting,
 * so all leave the loop at the same window. */
static guint64
run_lane(KnSim *sim, guint index)
{
    Lane *lane = &sim->lanes[index];
    guint64 n_run = 0;
    gint sense = 0;
    const KnEventClass *klass;
    gpointer data;

    current_lane = index;
    for (guint parity = 0;; parity ^= 1) {
        KnTime start = KN_TIME_MAX;
        gboolean stop = FALSE;

        barrier_wait(&sim->barrier, &sense);
        for (guint i = 0; i < sim->n_lanes; i++) {
            start = MIN(start, sim->next[parity][i]);
            stop |= sim->stopped[parity][i];
        }
        /* What the others sent in the last window (they are past it). */
        take_crossings(sim, index, parity ^ 1);
        if (stop || start == KN_TIME_MAX || start > sim->until)
            break;

        KnTime end = start + MIN(sim->lookahead - 1, sim->until - start);

        lane->parity = parity;
        lane->sent_min = KN_TIME_MAX;
        while (!lane->stop && kn_queue_pop(lane->queue, end, &lane->now, &klass, &data)) {
            klass->handler(sim, data);
            n_run++;
        }
        sim->next[parity ^ 1][index] = MIN(kn_queue_next_time(lane->queue), lane->sent_min);
        sim->stopped[parity ^ 1][index] = lane->stop;
    }
    lane->n_events += n_run;
    current_lane = 0;
    return n_run;
}

typedef struct {
    KnSim *sim;
    guint index;
    guint64 n_run;
} Worker;

static gpointer
lane_thread(gpointer data)
{
    Worker *worker = data;

    worker->n_run = run_lane(worker->sim, worker->index);
    return NULL;
}

static guint64
run_lanes(KnSim *sim, KnTime until)
{
    Worker workers[KN_SIM_MAX_LANES];
    GThread *threads[KN_SIM_MAX_LANES];
    guint64 n_run;
    gboolean stop = FALSE;
    KnTime now = 0;

    sim->until = until;
    sim->barrier.count = sim->barrier.n = (gint) sim->n_lanes;
    sim->barrier.sense = sim->barrier.sleepers = 0;
    for (guint i = 0; i < sim->n_lanes; i++) {
        sim->lanes[i].stop = FALSE;
        sim->next[0][i] = kn_queue_next_time(sim->lanes[i].queue);
        sim->stopped[0][i] = FALSE;
    }
    sim->running = TRUE;
    for (guint i = 1; i < sim->n_lanes; i++) {
        workers[i] = (Worker) { sim, i, 0 };
        threads[i] = g_thread_new("knetsim-lane", lane_thread, &workers[i]);
    }
    n_run = run_lane(sim, 0);
    for (guint i = 1; i < sim->n_lanes; i++) {
        g_thread_join(threads[i]);
        n_run += workers[i].n_run;
    }
    sim->running = FALSE;
    for (guint i = 0; i < sim->n_lanes; i++) {
        stop |= sim->lanes[i].stop;
        now = MAX(now, sim->lanes[i].now);
    }
    if (stop)
        return n_run;            /* each lane's clock where it stopped */
    if (until != KN_TIME_MAX)
        now = until;
    for (guint i = 0; i < sim->n_lanes; i++)
        sim->lanes[i].now = now;
    return n_run;
}

guint64
kn_sim_run_until(KnSim *sim, KnTime until)
{
    g_return_val_if_fail(sim != NULL, 0);
    g_return_val_if_fail(until >= kn_sim_now(sim), 0);
    g_return_val_if_fail(!sim->running, 0);

    return sim->n_lanes == 1 ? run_serial(sim, until) : run_lanes(sim, until);
}

void
kn_sim_stop(KnSim *sim)
{
    g_return_if_fail(sim != NULL);
    lane_of(sim)->stop = TRUE;
}

KnRng *
kn_sim_rng(KnSim *sim, const char *name)
{
    g_return_val_if_fail(sim != NULL, NULL);
    g_return_val_if_fail(name != NULL, NULL);

    g_mutex_lock(&sim->streams_lock);    /* lanes may ask at once */

    KnRng *rng = g_hash_table_lookup(sim->streams, name);

    if (rng == NULL) {
        /* A cache line each: streams of different lanes are drawn at once. */
        rng = g_aligned_alloc(1, sizeof(KnRng), 64);
        kn_rng_init(rng, sim->seed, name);
        g_hash_table_insert(sim->streams, g_strdup(name), rng);
    }
    g_mutex_unlock(&sim->streams_lock);
    return rng;
}

guint64
kn_sim_n_events(const KnSim *sim)
{
    guint64 n = 0;

    for (guint i = 0; i < sim->n_lanes; i++)
        n += sim->lanes[i].n_events;
    return n;
}

gsize
kn_sim_queue_memory(const KnSim *sim)
{
    gsize n = 0;

    for (guint i = 0; i < sim->n_lanes; i++)
        n += kn_queue_memory(sim->lanes[i].queue);
    return n;
}
