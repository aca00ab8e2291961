/* test_util.h -- what every cmocka test includes first: the headers cmocka
 * 1.1.5 needs before its own, then glib. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include "sim/sim.h"

/* Returns the value of the environment variable 'name' set by the test
 * harness (tests/automake.mk), failing the test if it is missing. */
static inline const char *
test_env(const char *name)
{
    const char *value = g_getenv(name);

    if (value == NULL)
        fail_msg("%s is not set: run the tests through `make check`", name);
    return value;
}

/* Fails unless 'error' is in 'domain' with 'code' and carries the message
 * stored in the file 'expected' (its trailing newline dropped), as the
 * bad-input tests compare whole messages with tests/data/NAME.err.
 * 'source' names the input in the failure. */
static inline void
test_assert_error_file(const GError *error, const char *source, const char *expected,
                       GQuark domain, int code)
{
    g_autofree char *want = NULL;

    assert_non_null(error);
    assert_true(g_file_get_contents(expected, &want, NULL, NULL));
    g_strchomp(want);
    if (g_strcmp0(error->message, want) != 0)
        fail_msg("%s:\n got: %s\nwant: %s", source, error->message, want);
    assert_int_equal(error->domain, domain);
    assert_int_equal(error->code, code);
}

static inline void
test_util_noop(KnSim *sim, gpointer data)
{
    (void) sim;
    (void) data;
}

/* Runs 'sim' to 't' (at least), through an event of its own there. */
static inline void
test_run_to(KnSim *sim, KnTime t)
{
    static const KnEventClass tick = { "test-tick", test_util_noop, NULL };

    kn_sim_schedule_at(sim, t, &tick, NULL);
    kn_sim_run_until(sim, t);
}
