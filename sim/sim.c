/* sim.c -- the simulation loop of sim.h. */

#include <config.h>
#include "sim/sim.h"

#include <string.h>

#include "sim/queue.h"

/* Runs with lanes go in windows of lookahead / (SLACK + 1), on a grid from
 * the run's start.  What a lane sends in window w lands in window
 * w + SLACK + 1 or later, so a lane may run window k as soon as the others
 * are done with window k - SLACK - 1: it may be SLACK windows ahead of the
 * slowest, and the lanes' uneven windows even out.  At the start of window
 * k it takes what the others sent in window k - SLACK - 1, in lane order,
 * so its queue gets the same events in the same order however the threads
 * ran.  (bench dataplane ran as fast with a slack of 2 or 3 as with 1.) */
#define SLACK 1                  /* windows a lane may run ahead of the slowest */
#define N_OUTS (2 * SLACK + 2)   /* windows whose crossings may be unclaimed */
#define N_REPORTS (4 * SLACK + 4)  /* windows whose reports may be read or written */

/* An event on its way to another lane, until that lane takes it (above). */
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
    guint64 window;              /* the window it runs */
    gboolean sent;               /* it sent another lane something in this window */
    GArray *out[N_OUTS][KN_SIM_MAX_LANES];   /* Crossing, by window and lane; or NULL */
} __attribute__((aligned(64))) Lane;   /* a cache line of its own: lanes run apart */

/* What a lane tells of a window once it has run it. */
typedef struct {
    guint64 window;              /* which window this is the report of */
    KnTime next;                 /* the earliest time it had pending after it */
    gboolean sent;               /* it sent another lane something in it */
    gboolean stop;               /* kn_sim_stop() ran in it */
} Report;

struct KnSim {
    guint64 seed;                /* the run's seed, root of every stream */
    GMutex streams_lock;
    GHashTable *streams;         /* name -> KnRng; both owned */
    guint n_lanes;
    KnTime lookahead;
    /* A run with lanes: */
    gboolean running;
    KnTime until;                /* its bound */
    KnTime origin, width;        /* window w is [origin + w * width, origin + (w + 1) * width) */
    struct {
        gint64 done;             /* windows before this one are done */
    } __attribute__((aligned(64))) progress[KN_SIM_MAX_LANES];
    Report reports[N_REPORTS][KN_SIM_MAX_LANES];
    GMutex lock;                 /* for the lanes that wait asleep */
    GCond wake;
    gint sleepers;
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
    g_mutex_init(&sim->lock);
    g_cond_init(&sim->wake);
    sim->streams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_aligned_free);
    sim->n_lanes = 1;
    sim->lanes[0].queue = kn_queue_new();
    return sim;
}

static void
lane_clear(Lane *lane)
{
    g_clear_pointer(&lane->queue, kn_queue_free);
    for (guint p = 0; p < N_OUTS; p++)
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
    g_mutex_clear(&sim->lock);
    g_cond_clear(&sim->wake);
    g_aligned_free(sim);
}

__thread const KnSim *kn_sim_running_;
__thread const KnTime *kn_sim_clock_;

KnTime
kn_sim_now_other_(const KnSim *sim)
{
    return lane_of(sim)->now;
}

/* Tells kn_sim_now() in this thread that 'sim' runs 'lane''s events here
 * (NULL: none), until the returned state is put back with clock_restore(). */
typedef struct {
    const KnSim *sim;
    const KnTime *clock;
} ClockState;

static inline ClockState
clock_set(const KnSim *sim, const Lane *lane)
{
    ClockState old = { kn_sim_running_, kn_sim_clock_ };

    kn_sim_running_ = sim;
    kn_sim_clock_ = &lane->now;
    return old;
}

static inline void
clock_restore(ClockState old)
{
    kn_sim_running_ = old.sim;
    kn_sim_clock_ = old.clock;
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

/* An event for another lane, during a run: it waits in this lane's 'out'
 * until that lane takes it, SLACK + 1 windows on. */
static void
cross(KnSim *sim, Lane *lane, guint to, KnTime delay, const KnEventClass *klass, gpointer data)
{
    GArray **out = &lane->out[lane->window % N_OUTS][to];
    Crossing crossing = { lane->now + delay, klass, data };

    g_return_if_fail(delay >= sim->lookahead);
    g_return_if_fail(klass != NULL && klass->handler != NULL);
    if (*out == NULL)
        *out = g_array_sized_new(FALSE, FALSE, sizeof(Crossing), 256);
    g_array_append_val(*out, crossing);
    lane->sent = TRUE;
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

void
kn_sim_post_on(KnSim *sim, guint to, KnTime delay, const KnEventClass *klass, gpointer data)
{
    g_return_if_fail(sim != NULL && to < sim->n_lanes);

    Lane *lane = lane_of(sim);

    g_return_if_fail(delay <= KN_TIME_MAX - lane->now);
    if (G_UNLIKELY(&sim->lanes[to] != lane) && sim->running) {
        cross(sim, lane, to, delay, klass, data);
        return;
    }
    kn_queue_post(sim->lanes[to].queue, lane->now + delay, klass, data);
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
    g_return_if_fail(n_lanes == 1 || lookahead >= 2);
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

    ClockState clock = clock_set(sim, lane);

    lane->stop = FALSE;
    while (!lane->stop && kn_queue_pop(lane->queue, until, &lane->now, &klass, &data)) {
        klass->handler(sim, data);
        n_run++;
    }
    clock_restore(clock);
    lane->n_events += n_run;
    if (!lane->stop && until != KN_TIME_MAX)
        lane->now = until;
    return n_run;
}

#define WAIT_SPINS 1000

/* Waits until every lane but 'index' is done with the windows before
 * 'window': spins a while (the others are usually about to get there),
 * then sleeps until a lane's progress wakes it (more lanes than free
 * processors). */
static void
wait_for_others(KnSim *sim, guint index, gint64 window)
{
    for (guint j = 0; j < sim->n_lanes; j++) {
        if (j == index)
            continue;
        for (guint spins = 0; __atomic_load_n(&sim->progress[j].done, __ATOMIC_SEQ_CST) < window; spins++) {
            if (spins < WAIT_SPINS) {
#if defined(__x86_64__) || defined(__i386__)
                __builtin_ia32_pause();
#endif
                continue;
            }
            g_mutex_lock(&sim->lock);
            g_atomic_int_inc(&sim->sleepers);
            while (__atomic_load_n(&sim->progress[j].done, __ATOMIC_SEQ_CST) < window)
                g_cond_wait(&sim->wake, &sim->lock);
            g_atomic_int_dec_and_test(&sim->sleepers);
            g_mutex_unlock(&sim->lock);
        }
    }
}

/* Lane 'index' is done with the windows before 'window'.  A sleeper counted
 * itself before it looked at the progress: either it saw this, or it is
 * woken here. */
static void
publish_progress(KnSim *sim, guint index, gint64 window)
{
    __atomic_store_n(&sim->progress[index].done, window, __ATOMIC_SEQ_CST);
    if (g_atomic_int_get(&sim->sleepers) > 0) {
        g_mutex_lock(&sim->lock);
        g_cond_broadcast(&sim->wake);
        g_mutex_unlock(&sim->lock);
    }
}

/* Queues what the other lanes sent 'to' in window 'window', in lane order:
 * the same order however the threads ran. */
static void
take_crossings(KnSim *sim, guint to, guint64 window)
{
    KnQueue *queue = sim->lanes[to].queue;

    for (guint from = 0; from < sim->n_lanes; from++) {
        GArray *in = sim->lanes[from].out[window % N_OUTS][to];

        if (in == NULL || in->len == 0)
            continue;
        for (guint i = 0; i < in->len; i++) {
            const Crossing *c = &g_array_index(in, Crossing, i);

            kn_queue_post(queue, c->time, c->klass, c->data);   /* no handle was given */
        }
        g_array_set_size(in, 0);
    }
}

/* What the lanes do at the start of window 'window', from the reports of
 * the last window all are done with and the SLACK before it (every lane
 * reads the same, and so decides the same): TRUE to stop (a lane called
 * kn_sim_stop(), or nothing is pending before the bound); otherwise
 * '*jump' is the window to go on with: 'window' itself, or, when nothing
 * is on its way between lanes, the window of the earliest pending event. */
static gboolean
decide(KnSim *sim, guint64 window, guint64 *jump)
{
    guint64 seen = window - SLACK - 1;   /* the last window all lanes are done with */
    gboolean quiet = TRUE;
    KnTime next = KN_TIME_MAX;

    *jump = window;
    for (guint j = 0; j < sim->n_lanes; j++) {
        const Report *last = &sim->reports[seen % N_REPORTS][j];

        if (last->stop)
            return TRUE;
        next = MIN(next, last->next);
        /* What was sent in the last SLACK + 1 windows is not taken yet. */
        for (guint64 w = seen - SLACK; w != seen + 1; w++) {
            const Report *r = &sim->reports[w % N_REPORTS][j];

            quiet &= r->window != w || !r->sent;
        }
    }
    if (!quiet)
        return FALSE;
    if (next == KN_TIME_MAX || next > sim->until)
        return TRUE;
    *jump = MAX(window, (next - sim->origin) / sim->width);
    return FALSE;
}

/* One lane's part of a run with lanes, on its own thread (lane 0 on the
 * caller's). */
static guint64
run_lane(KnSim *sim, guint index)
{
    Lane *lane = &sim->lanes[index];
    guint64 n_run = 0, decide_from = SLACK + 1;
    const KnEventClass *klass;
    gpointer data;

    ClockState clock = clock_set(sim, lane);

    current_lane = index;
    for (guint64 k = 0;; k++) {
        KnTime start = sim->origin + k * sim->width;

        if (k > SLACK)
            wait_for_others(sim, index, (gint64) (k - SLACK));
        if (start > sim->until)
            break;
        if (k >= decide_from) {
            guint64 jump;

            if (decide(sim, k, &jump))
                break;
            if (jump > k) {
                /* Nothing happens before window 'jump': the windows between
                 * are done, and their reports, never made, are not read.
                 * All lanes jump before any goes on, so that none writes
                 * the reports and crossings of its new windows where a
                 * lane still at the old ones reads. */
                k = jump;
                start = sim->origin + k * sim->width;
                decide_from = k + SLACK + 1;
                publish_progress(sim, index, (gint64) k);
                wait_for_others(sim, index, (gint64) k);
                if (start > sim->until)
                    break;
            }
        }
        if (k > SLACK)
            take_crossings(sim, index, k - SLACK - 1);

        KnTime end = start + MIN(sim->width - 1, sim->until - start);

        lane->window = k;
        lane->sent = FALSE;
        while (!lane->stop && kn_queue_pop(lane->queue, end, &lane->now, &klass, &data)) {
            klass->handler(sim, data);
            n_run++;
        }
        sim->reports[k % N_REPORTS][index] = (Report) { .window = k, .next = kn_queue_next_time(lane->queue),
                                                        .sent = lane->sent, .stop = lane->stop };
        publish_progress(sim, index, (gint64) k + 1);
    }
    lane->n_events += n_run;
    current_lane = 0;
    clock_restore(clock);
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
    sim->origin = sim->lanes[0].now;
    sim->width = MAX(sim->lookahead / (SLACK + 1), 1);
    sim->sleepers = 0;
    memset(sim->reports, 0, sizeof sim->reports);
    for (guint i = 0; i < sim->n_lanes; i++) {
        sim->lanes[i].stop = FALSE;
        sim->progress[i].done = 0;
        for (guint w = 0; w < N_REPORTS; w++)
            sim->reports[w][i].window = G_MAXUINT64;
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
    /* What is still on its way goes to its lane. */
    for (guint i = 0; i < sim->n_lanes; i++)
        for (guint w = 0; w < N_OUTS; w++)
            take_crossings(sim, i, w);
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
