/* bench.h -- benchmarks of the simulator itself, behind `knetsim bench`.
 * They print one line per measurement; figures are medians of several runs
 * because the machines they run on are shared and noisy. */
#pragma once

#include <stdio.h>
#include <glib.h>

/* The hold model on the event core: 'n_populations' pending-event
 * populations, each measured 'n_runs' times over 'n_events' events.  Prints
 * "hold population=N events/s=R bytes/event=B" lines to 'out'. */
void kn_bench_core(FILE *out, const guint *populations, guint n_populations,
                   guint n_runs, guint64 n_events);
