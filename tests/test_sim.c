/* test_sim.c -- the simulation loop: run-until boundaries, follow-ups,
 * stop, cancel through the simulation, and the clock; lanes. */

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

/*****************************************************************************/
/* Lanes: a toy cluster of nodes that tick and message each other. */

#define N_NODES 8
#define LOOKAHEAD 1000

typedef struct {
    guint id;
    guint lane;
    KnRng rng;
    GString *log;                /* "t@TIME" and "mFROM@TIME", in order */
    guint ticks_left;
    KnTime last;                 /* the latest time it ran an event at */
    gboolean stop_at_tick;       /* kn_sim_stop() at its 5th tick */
} Node;

typedef struct {
    Node *nodes;
    guint n_lanes;
    gboolean bad;                /* an event ran in the wrong lane or back in time */
} Toy;

typedef struct {
    Toy *toy;
    guint to, from;
} Message;

static Toy *running_toy;

static void
node_saw(KnSim *sim, Node *node)
{
    if (kn_sim_lane(sim) != node->lane || kn_sim_now(sim) < node->last)
        running_toy->bad = TRUE;
    node->last = kn_sim_now(sim);
}

static void
on_message(KnSim *sim, gpointer data)
{
    Message *m = data;
    Node *node = &m->toy->nodes[m->to];

    node_saw(sim, node);
    g_string_append_printf(node->log, " m%u@%" G_GUINT64_FORMAT, m->from, kn_sim_now(sim));
    g_free(m);
}

static const KnEventClass message_class = { "message", on_message, g_free };

static void on_tick(KnSim *sim, gpointer data);
static const KnEventClass tick_class = { "tick", on_tick, NULL };

/* A tick logs, sometimes messages another node, and comes again: ticks at
 * even times, messages at odd ones told apart by their sender (the low
 * bits), so no two events of a node ever share a time and the logs do not
 * depend on the order of ties. */
static void
on_tick(KnSim *sim, gpointer data)
{
    Node *node = data;
    Toy *toy = running_toy;

    node_saw(sim, node);
    g_string_append_printf(node->log, " t@%" G_GUINT64_FORMAT, kn_sim_now(sim));
    if (kn_rng_below(&node->rng, 3) == 0) {
        Message *m = g_new(Message, 1);
        KnTime at = kn_sim_now(sim) + LOOKAHEAD + kn_rng_below(&node->rng, 4 * LOOKAHEAD);

        *m = (Message) { toy, (node->id + 1 + (guint) kn_rng_below(&node->rng, N_NODES - 1)) % N_NODES,
                         node->id };
        at = (at + 15) / 16 * 16 + 2 * node->id + 1;
        kn_sim_schedule_on(sim, toy->nodes[m->to].lane, at - kn_sim_now(sim), &message_class, m);
    }
    if (node->stop_at_tick && node->ticks_left == 95)
        kn_sim_stop(sim);
    if (--node->ticks_left > 0) {
        /* Every node pauses once, together, for a long while: lanes skip
         * the idle windows. */
        KnTime pause = node->ticks_left == 50 ? 2 * 100 * LOOKAHEAD * (100 + node->id) : 0;

        kn_sim_schedule_in(sim, 2 * (1 + kn_rng_below(&node->rng, LOOKAHEAD)) + pause, &tick_class, node);
    }
}

/* Runs the toy on 'n_lanes' lanes until 'until'; returns the nodes' logs
 * joined, and whether each lane ran only its own nodes in time order. */
static char *
run_toy(guint n_lanes, KnTime until, gboolean stop, guint64 *n_events)
{
    g_autoptr(KnSim) sim = kn_sim_new(7);
    Node nodes[N_NODES];
    Toy toy = { nodes, n_lanes, FALSE };
    GString *all = g_string_new(NULL);

    running_toy = &toy;
    kn_sim_set_lanes(sim, n_lanes, LOOKAHEAD);
    assert_int_equal(kn_sim_n_lanes(sim), n_lanes);
    for (guint i = 0; i < N_NODES; i++) {
        g_autofree char *name = g_strdup_printf("node-%u", i);

        nodes[i] = (Node) { .id = i, .lane = i % n_lanes, .log = g_string_new(name),
                            .ticks_left = 100, .stop_at_tick = stop && i == 5 };
        kn_rng_init(&nodes[i].rng, 7, name);
        kn_sim_schedule_on(sim, nodes[i].lane, 2 * i, &tick_class, &nodes[i]);
    }
    *n_events = kn_sim_run_until(sim, until);
    assert_false(toy.bad);
    if (!stop && until != KN_TIME_MAX)
        assert_int_equal(kn_sim_now(sim), until);
    for (guint i = 0; i < N_NODES; i++) {
        g_string_append_printf(all, "%s\n", nodes[i].log->str);
        g_string_free(nodes[i].log, TRUE);
    }
    return g_string_free(all, FALSE);
}

static void
test_sim_lanes_run_as_one_lane_does(void **state)
{
    (void) state;
    guint64 n_one, n;
    g_autofree char *one = run_toy(1, KN_TIME_MAX, FALSE, &n_one);

    assert_true(n_one > 800);                  /* 8 x 100 ticks and the messages */
    assert_non_null(strstr(one, " m"));
    for (guint lanes = 2; lanes <= 5; lanes++) {
        /* The same logs whatever the threads' timing: run each a few times. */
        for (guint run = 0; run < 5; run++) {
            g_autofree char *many = run_toy(lanes, KN_TIME_MAX, FALSE, &n);

            assert_string_equal(many, one);
            assert_int_equal(n, n_one);
        }
    }
}

static void
test_sim_lanes_stop_at_the_bound(void **state)
{
    (void) state;
    guint64 n_one, n_two;
    g_autofree char *one = run_toy(1, 150000, FALSE, &n_one);
    g_autofree char *two = run_toy(3, 150000, FALSE, &n_two);

    /* Events after the bound stay pending in both. */
    assert_string_equal(two, one);
    assert_int_equal(n_two, n_one);
    assert_null(strstr(one, "@150001"));
}

static void
test_sim_lanes_stop_all_lanes(void **state)
{
    (void) state;
    guint64 n_one, n_two;
    g_autofree char *one = run_toy(1, KN_TIME_MAX, TRUE, &n_one);
    g_autofree char *two = run_toy(2, KN_TIME_MAX, TRUE, &n_two);

    /* One lane stops at once; with two, the window in progress ends first,
     * and the same one on every run. */
    assert_true(n_one < 100);
    assert_true(n_two >= n_one && n_two < 800);
    for (guint run = 0; run < 5; run++) {
        guint64 n;
        g_autofree char *again = run_toy(2, KN_TIME_MAX, TRUE, &n);

        assert_string_equal(again, two);
        assert_int_equal(n, n_two);
    }
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
        cmocka_unit_test(test_sim_lanes_run_as_one_lane_does),
        cmocka_unit_test(test_sim_lanes_stop_at_the_bound),
        cmocka_unit_test(test_sim_lanes_stop_all_lanes),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
