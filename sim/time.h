/* time.h -- simulated time.  Every clock in knetsim counts integer
 * nanoseconds from the start of the scenario; nothing reads the wall clock.
 * Durations in scenarios and on the command line use the Go/Kubernetes
 * spelling ("1h30m", "3s", "250ms", "1.5s"), parsed here. */
#pragma once

#include <glib.h>

typedef guint64 KnTime;                 /* nanoseconds since scenario start */

#define KN_NSEC  ((KnTime) 1)
#define KN_USEC  ((KnTime) 1000)
#define KN_MSEC  ((KnTime) 1000000)
#define KN_SEC   ((KnTime) 1000000000)
#define KN_TIME_MAX G_MAXUINT64         /* "never"; run-until without a bound */

/* Parses a duration such as "90s", "1m30s", "1.5s", "250ms", "10us", "7ns"
 * or "0" into '*out'.  A bare number is rejected (units are required, as in
 * Go's time.ParseDuration).  Returns FALSE with 'error' set on bad input. */
gboolean kn_time_parse(const char *text, KnTime *out, GError **error);

/* Formats 't' as seconds with millisecond precision ("3.000s"), the form the
 * transcript and --explain use.  Returns a new string; free with g_free(). */
char *kn_time_format(KnTime t);
