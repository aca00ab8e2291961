/* bench.c -- the classic hold model (Jones, CACM 1986; Vaucher and Duval,
 * 1975) on the event core: with N events pending, repeatedly pop the
 * earliest and push one at now + an exponentially distributed increment, so
 * that the population stays at N.  This is the workload every discrete-event
 * scheduler is compared on, ns-3's utils/bench-scheduler among them.
 *
 * Each run builds a fresh simulation, fills it to N, lets N events pass so
 * the queue reaches its steady shape, then times 'n_events' holds through
 * the real loop (kn_sim_run_until and handler dispatch). */

#include <config.h>
#include "sim/bench.h"

#include <stdlib.h>
#include "sim/sim.h"

#define HOLD_MEAN 1e6                    /* mean increment, ns */

typedef struct {
    KnRng *rng;                          /* the "bench/hold" stream */
    guint64 n_left;                      /* holds before the loop stops */
} Hold;

static void on_hold(KnSim *sim, gpointer data);

static const KnEventClass hold_class = { "hold", on_hold, NULL };

static void
on_hold(KnSim *sim, gpointer data)
{
    Hold *hold = data;

    kn_sim_schedule_in(sim, (KnTime) kn_rng_exponential(hold->rng, HOLD_MEAN),
                       &hold_class, hold);
    if (--hold->n_left == 0)
        kn_sim_stop(sim);
}

/* Runs the hold model once; returns events per second and stores the
 * queue's bytes per pending event in '*bytes_per_event'. */
static double
hold_once(guint population, guint64 n_events, guint seed, double *bytes_per_event)
{
    g_autoptr(KnSim) sim = kn_sim_new(seed);
    Hold hold = { kn_sim_rng(sim, "bench/hold"), population };

    for (guint i = 0; i < population; i++)
        kn_sim_schedule_at(sim, (KnTime) kn_rng_exponential(hold.rng, HOLD_MEAN),
                           &hold_class, &hold);
    kn_sim_run_until(sim, KN_TIME_MAX);  /* warm up: N holds */

    hold.n_left = n_events;
    gint64 start = g_get_monotonic_time();
    kn_sim_run_until(sim, KN_TIME_MAX);
    gint64 elapsed = MAX(g_get_monotonic_time() - start, 1);

    g_assert(kn_sim_pending(sim) == population);
    *bytes_per_event = (double) kn_sim_queue_memory(sim) / population;
    return (double) n_events * 1e6 / (double) elapsed;
}

static int
compare_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

void
kn_bench_core(FILE *out, const guint *populations, guint n_populations,
              guint n_runs, guint64 n_events)
{
    g_return_if_fail(n_runs > 0 && n_events > 0);

    g_autofree double *rates = g_new(double, n_runs);

    for (guint p = 0; p < n_populations; p++) {
        double bytes = 0;

        for (guint r = 0; r < n_runs; r++)
            rates[r] = hold_once(populations[p], n_events, r + 1, &bytes);
        qsort(rates, n_runs, sizeof *rates, compare_double);
        fprintf(out, "hold population=%u events/s=%.0f bytes/event=%.0f\n",
                populations[p], rates[n_runs / 2], bytes);
        fflush(out);
    }
}
