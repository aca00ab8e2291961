/* sim.h -- the simulation: a clock, the queue of pending events and the
 * random streams of one run.  Models schedule events here; the loop pops
 * them in (time, sequence) order, advances the clock to each event's time
 * and runs its handler.  Handlers are short and schedule follow-ups rather
 * than recurse. */
#pragma once

#include <glib.h>
#include "sim/event.h"
#include "sim/rng.h"
#include "sim/time.h"

/* Returns a new simulation at time 0 whose random streams derive from
 * 'seed'.  Free with kn_sim_free(). */
KnSim *kn_sim_new(guint64 seed);

/* Frees 'sim', its streams and its pending events (their data through the
 * class's data_free).  Accepts NULL. */
void kn_sim_free(KnSim *sim);

/* The current time: the clock of the lane running this thread's event. */
static inline KnTime kn_sim_now(const KnSim *sim);
guint64 kn_sim_seed(const KnSim *sim);

/* Schedules an event of class 'klass' (borrowed, usually static) at the
 * absolute time 'time', which must not be in the past.  Takes 'data'. */
KnEventId kn_sim_schedule_at(KnSim *sim, KnTime time, const KnEventClass *klass,
                             gpointer data);

/* Schedules an event 'delay' nanoseconds from now.  Takes 'data'. */
KnEventId kn_sim_schedule_in(KnSim *sim, KnTime delay, const KnEventClass *klass,
                             gpointer data);

/* Cancels a pending event (its data is freed now, through its class's
 * data_free); FALSE if 'id' is not pending.  With lanes, only the event's
 * own lane may cancel it. */
gboolean kn_sim_cancel(KnSim *sim, KnEventId id);

/* Number of events pending (in every lane). */
gsize kn_sim_pending(const KnSim *sim);

/* Runs every event whose time is at most 'until', including those that the
 * handlers schedule within the bound, then sets the clock to 'until' (unless
 * it is KN_TIME_MAX, when the clock stays at the last event's time).  Events
 * after 'until' stay pending.  A handler may call kn_sim_stop() to return
 * early, with the clock at that handler's time.  Returns the number of
 * events run. */
guint64 kn_sim_run_until(KnSim *sim, KnTime until);

/* Makes the running kn_sim_run_until() return after the current handler
 * (with lanes, two windows later, every lane's clock where it stopped). */
void kn_sim_stop(KnSim *sim);

/* Lanes: a conservative parallel run.  The events split into 'n_lanes'
 * lanes, each with its own queue and clock, run by a thread of its own.
 * What an event touches must belong to its lane alone (a model gives each
 * lane its own nodes, say); a lane hands an event to another only through
 * kn_sim_schedule_on(), at least 'lookahead' nanoseconds ahead (the
 * shortest link between them).  The run proceeds in windows of half the
 * lookahead: what a lane sends in one window lands two windows on at the
 * earliest, so each lane runs a window once the others are done with the
 * one before the last, and takes what they sent in it.  Nothing a lane does
 * can reach another before the other has taken it, so the events run in
 * the same order whatever the threads' timing: for a given number of lanes
 * the run is deterministic.  (Its order of events at equal times may differ
 * from a run with another number of lanes.)  When nothing is on its way
 * between lanes, they skip together to the earliest pending event.
 *
 * Call with no event pending; 'n_lanes' is 1 (the default: one queue, no
 * threads) to KN_SIM_MAX_LANES, 'lookahead' at least 2 ns when 'n_lanes' > 1.
 * Events scheduled with kn_sim_schedule_in()/_at() go to the lane that
 * schedules them: lane 0 outside a run. */
#define KN_SIM_MAX_LANES 16
void kn_sim_set_lanes(KnSim *sim, guint n_lanes, KnTime lookahead);
guint kn_sim_n_lanes(const KnSim *sim);

/* The lane whose event is running on this thread; 0 outside a run. */
guint kn_sim_lane(const KnSim *sim);

/* Schedules an event in lane 'lane', 'delay' nanoseconds from the current
 * lane's clock.  Another lane's event during a run needs 'delay' of at
 * least the lookahead.  Takes 'data'. */
KnEventId kn_sim_schedule_on(KnSim *sim, guint lane, KnTime delay, const KnEventClass *klass,
                             gpointer data);

/* As kn_sim_schedule_on(), for an event nobody will cancel (a packet's
 * hop): it gets no handle, which spares the queue some work. */
void kn_sim_post_on(KnSim *sim, guint lane, KnTime delay, const KnEventClass *klass, gpointer data);

/* Returns the stream called 'name', created on first use.  Borrowed; valid
 * until 'sim' is freed. */
KnRng *kn_sim_rng(KnSim *sim, const char *name);

/* Total events run since the simulation began. */
guint64 kn_sim_n_events(const KnSim *sim);


/* Bytes of memory the pending-event queue holds now (for benchmarks). */
gsize kn_sim_queue_memory(const KnSim *sim);

/* kn_sim_now() without a call, for the data path's many reads: while a
 * run is in a thread, the thread knows its simulation and its lane's
 * clock.  Private to sim.c. */
extern __thread const KnSim *kn_sim_running_;
extern __thread const KnTime *kn_sim_clock_;
KnTime kn_sim_now_other_(const KnSim *sim);

static inline KnTime
kn_sim_now(const KnSim *sim)
{
    if (G_LIKELY(sim == kn_sim_running_))
        return *kn_sim_clock_;
    return kn_sim_now_other_(sim);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnSim, kn_sim_free)
