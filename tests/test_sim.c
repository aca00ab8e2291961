/* test_sim.c -- the simulation loop: run-until boundaries, follow-ups,
 * stop, cancel through the simulation, and the clock. */

#include <config.h>
#include "tests/test_util.h"

#include "sim/sim.h"

/* Each fired event appends "name@time" to the log. */
static GString *fired;

static void
on_log(KnSim *sim, gpointer data)
{
    g_string_append_printf(fired, "%s%s@%" G_GUINT64_FORMAT, fired->len > 0 ? " " : "",
                           (const char *) data, kn_sim_now(sim));
}

static const KnEventClass log_class = { "log", on_log, NULL };

static int
setup(void **state)
{
    (void) state;
    fired = g_string_new(NULL);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    g_string_free(fired, TRUE);
    return 0;
}

static void
test_sim_run_until_includes_the_bound_and_leaves_later_events(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);

    kn_sim_schedule_at(sim, 10, &log_class, "a");
    kn_sim_schedule_at(sim, 20, &log_class, "b");
    kn_sim_schedule_at(sim, 21, &log_class, "c");
    assert_int_equal(kn_sim_run_until(sim, 20), 2);
    assert_string_equal(fired->str, "a@10 b@20");
    assert_int_equal(kn_sim_now(sim), 20);
    assert_int_equal(kn_sim_pending(sim), 1);

    /* An empty stretch still moves the clock to its bound. */
    assert_int_equal(kn_sim_run_until(sim, 20), 0);
    assert_int_equal(kn_sim_run_until(sim, 25), 1);
    assert_int_equal(kn_sim_now(sim), 25);
    assert_int_equal(kn_sim_run_until(sim, 1000), 0);
    assert_int_equal(kn_sim_now(sim), 1000);
    assert_int_equal(kn_sim_n_events(sim), 3);
}

static void
test_sim_run_without_bound_stops_clock_at_last_event(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);

    kn_sim_schedule_in(sim, 7 * KN_SEC, &log_class, "a");
    kn_sim_run_until(sim, KN_TIME_MAX);
    assert_int_equal(kn_sim_now(sim), 7 * KN_SEC);
}

/* A handler that schedules a follow-up 5 ns later, 'n' times. */
static int chain_left;

static void on_chain(KnSim *sim, gpointer data);
static const KnEventClass chain_class = { "chain", on_chain, NULL };

static void
on_chain(KnSim *sim, gpointer data)
{
    on_log(sim, data);
    if (--chain_left > 0)
        kn_sim_schedule_in(sim, 5, &chain_class, data);
}

static void
test_sim_follow_ups_scheduled_inside_the_bound_run(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);

    chain_left = 10;
    kn_sim_schedule_at(sim, 0, &chain_class, "x");
    assert_int_equal(kn_sim_run_until(sim, 12), 3);   /* 0, 5, 10; 15 is out */
    assert_string_equal(fired->str, "x@0 x@5 x@10");
    assert_int_equal(kn_sim_pending(sim), 1);
}

/* Events scheduled for "now" by a handler run after the events already due
 * at that time: ties break by insertion order. */
static void
on_spawn(KnSim *sim, gpointer data)
{
    on_log(sim, data);
    kn_sim_schedule_in(sim, 0, &log_class, "spawned");
}

static const KnEventClass spawn_class = { "spawn", on_spawn, NULL };

static void
test_sim_same_time_events_run_in_schedule_order(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);

    kn_sim_schedule_at(sim, 3, &spawn_class, "first");
    kn_sim_schedule_at(sim, 3, &log_class, "second");
    kn_sim_run_until(sim, KN_TIME_MAX);
    assert_string_equal(fired->str, "first@3 second@3 spawned@3");
}

static void
on_stop(KnSim *sim, gpointer data)
{
    on_log(sim, data);
    kn_sim_stop(sim);
}

static const KnEventClass stop_class = { "stop", on_stop, NULL };

static void
test_sim_stop_returns_at_the_handlers_time(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);

    kn_sim_schedule_at(sim, 4, &stop_class, "stop");
    kn_sim_schedule_at(sim, 9, &log_class, "later");
    assert_int_equal(kn_sim_run_until(sim, 100), 1);
    assert_int_equal(kn_sim_now(sim), 4);
    assert_int_equal(kn_sim_run_until(sim, 100), 1);
    assert_string_equal(fired->str, "stop@4 later@9");
}

static void
test_sim_cancel_pending_and_fired(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);

    KnEventId a = kn_sim_schedule_at(sim, 1, &log_class, "a");
    KnEventId b = kn_sim_schedule_at(sim, 2, &log_class, "b");
    kn_sim_run_until(sim, 1);
    assert_false(kn_sim_cancel(sim, a));               /* already fired */
    assert_true(kn_sim_cancel(sim, b));
    assert_int_equal(kn_sim_pending(sim), 0);
    kn_sim_run_until(sim, KN_TIME_MAX);
    assert_string_equal(fired->str, "a@1");
}

static void
test_sim_streams_are_per_name_and_stable(void **state)
{
    (void) state;
    g_autoptr(KnSim) one = kn_sim_new(42);
    g_autoptr(KnSim) two = kn_sim_new(42);

    /* 'two' creates and uses another stream first: "b" must not notice. */
    kn_rng_next(kn_sim_rng(two, "a"));
    assert_ptr_equal(kn_sim_rng(one, "b"), kn_sim_rng(one, "b"));
    for (int i = 0; i < 100; i++)
        assert_int_equal(kn_rng_next(kn_sim_rng(one, "b")), kn_rng_next(kn_sim_rng(two, "b")));
    assert_int_equal(kn_sim_seed(one), 42);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sim_run_until_includes_the_bound_and_leaves_later_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_run_without_bound_stops_clock_at_last_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_follow_ups_scheduled_inside_the_bound_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_same_time_events_run_in_schedule_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_stop_returns_at_the_handlers_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_cancel_pending_and_fired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_streams_are_per_name_and_stable, setup, teardown),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
