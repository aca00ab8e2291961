/* test_queue.c -- ordering, tie-breaking and cancellation of pending events. */

#include <config.h>
#include "tests/test_util.h"

#include "sim/queue.h"
#include "sim/rng.h"

static void on_noop(KnSim *sim, gpointer data) { (void) sim; (void) data; }

static const KnEventClass noop_class = { "noop", on_noop, NULL };

static int n_freed;
static void count_free(gpointer data) { (void) data; n_freed++; }

static const KnEventClass counted_class = { "counted", on_noop, count_free };

static void
test_queue_same_time_pops_in_push_order(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    gpointer data;

    kn_queue_push(queue, 10, &noop_class, "a");
    kn_queue_push(queue, 10, &noop_class, "b");
    kn_queue_push(queue, 5, &noop_class, "c");
    kn_queue_push(queue, 10, &noop_class, "d");
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, NULL, NULL, &data));
    assert_string_equal(data, "c");
    for (const char *const *want = (const char *const[]) { "a", "b", "d", NULL }; *want; want++) {
        KnTime time;

        assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, &data));
        assert_int_equal(time, 10);
        assert_string_equal(data, *want);
    }
    assert_false(kn_queue_pop(queue, KN_TIME_MAX, NULL, NULL, &data));
}

typedef struct {
    KnTime time;
    guint64 seq;
    KnEventId id;                /* the queue's handle */
    guint index;                 /* in the array of pending refs */
} Ref;

static gint
compare_ref(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const Ref *x = a, *y = b;

    (void) user_data;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Removes 'ref' from the reference: the ordered tree and the array. */
static void
forget(GTree *tree, GPtrArray *all, Ref *ref)
{
    Ref *last = g_ptr_array_index(all, all->len - 1);

    all->pdata[ref->index] = last;
    last->index = ref->index;
    g_ptr_array_set_size(all, all->len - 1);
    g_tree_remove(tree, ref);
}

/* Many pushes, interleaved with bounded pops and cancels, at times drawn
 * from a small range so that ties are frequent: every pop must be the least
 * (time, seq) pending and not cancelled, or nothing when that is past the
 * bound, which an ordered reference tree checks. */
static void
heavy_insertion(gboolean post_some)
{
    g_autoptr(KnQueue) queue = kn_queue_new();
    g_autoptr(GTree) pending = g_tree_new_full(compare_ref, NULL, g_free, NULL);
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    KnRng rng;
    guint64 seq = 0;
    KnTime now = 0;

    kn_rng_init(&rng, 7, "test/queue");
    for (int round = 0; round < 300000; round++) {
        guint64 op = kn_rng_below(&rng, 10);

        if (op < 6 || all->len == 0) {
            /* Push at now + 0..63: many equal times, across bucket edges. */
            Ref *ref = g_new(Ref, 1);

            /* A quarter at 'now' itself, as zero-delay events are. */
            ref->time = now + (kn_rng_below(&rng, 4) == 0 ? 0 : kn_rng_below(&rng, 64));
            ref->seq = ++seq;
            if (post_some && kn_rng_below(&rng, 3) == 0) {
                ref->id = KN_EVENT_ID_NONE;
                kn_queue_post(queue, ref->time, &noop_class, ref);
            } else {
                ref->id = kn_queue_push(queue, ref->time, &noop_class, ref);
            }
            ref->index = all->len;
            g_ptr_array_add(all, ref);
            g_tree_insert(pending, ref, ref);
        } else if (op == 6) {
            Ref *ref = g_ptr_array_index(all, kn_rng_below(&rng, all->len));

            if (!kn_event_id_is_set(ref->id))
                continue;            /* posted: nobody can cancel it */
            assert_true(kn_queue_cancel(queue, ref->id));
            assert_false(kn_queue_cancel(queue, ref->id));
            forget(pending, all, ref);
        } else {
            /* Pop with a bound a little past 'now', as run-until does. */
            KnTime until = now + kn_rng_below(&rng, 8);
            Ref *want = g_tree_node_key(g_tree_node_first(pending));
            KnTime time;
            gpointer data;

            if (want->time > until) {
                assert_false(kn_queue_pop(queue, until, &time, NULL, &data));
                now = until;             /* the clock moves to the bound */
                continue;
            }
            assert_true(kn_queue_pop(queue, until, &time, NULL, &data));
            assert_ptr_equal(data, want);
            assert_int_equal(time, want->time);
            now = time;
            forget(pending, all, want);
        }
        assert_int_equal(kn_queue_size(queue), all->len);
    }
}

static void
test_queue_orders_heavy_insertion_with_ties_and_cancels(void **state)
{
    (void) state;
    heavy_insertion(FALSE);
}

/* The same with a third of the events posted without a handle: they keep
 * their place in push order among the others, cancelled ones around them. */
static void
test_queue_orders_posted_events_among_pushed_and_cancelled(void **state)
{
    (void) state;
    heavy_insertion(TRUE);
}

/* Drains a queue filled in random order and checks that (time, seq) never
 * decreases, over times that span all 64 bits. */
static void
test_queue_drains_in_order_over_the_whole_time_range(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    KnRng rng;
    KnTime last_time = 0;
    gsize last_seq = 0;

    kn_rng_init(&rng, 1, "test/range");
    for (gsize seq = 1; seq <= 100000; seq++) {
        KnTime time = kn_rng_next(&rng) >> kn_rng_below(&rng, 64);

        kn_queue_push(queue, seq % 10 == 0 ? 12345 : time, &noop_class, GSIZE_TO_POINTER(seq));
    }
    for (gsize n = 0; n < 100000; n++) {
        KnTime time;
        gpointer data;

        assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, &data));
        assert_true(time > last_time || (time == last_time && GPOINTER_TO_SIZE(data) > last_seq));
        last_time = time;
        last_seq = GPOINTER_TO_SIZE(data);
    }
    assert_int_equal(kn_queue_size(queue), 0);
}

static void
test_queue_cancel_of_pending_event_skips_and_frees_it(void **state)
{
    (void) state;
    KnQueue *queue = kn_queue_new();
    gpointer data;

    n_freed = 0;
    KnEventId a = kn_queue_push(queue, 10, &counted_class, "a");
    kn_queue_push(queue, 20, &counted_class, "b");
    assert_true(kn_queue_cancel(queue, a));
    assert_int_equal(n_freed, 1);                     /* at once, not when reached */
    assert_int_equal(kn_queue_size(queue), 1);
    assert_false(kn_queue_cancel(queue, a));          /* twice is a no-op */
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, NULL, NULL, &data));
    assert_string_equal(data, "b");
    assert_int_equal(n_freed, 1);                     /* a's data, and only a's */
    kn_queue_free(queue);
    assert_int_equal(n_freed, 1);
}

/* A data_free that schedules: the pushes grow the side table under the
 * cancel that called it. */
static KnQueue *pushing_queue;

static void
push_many(gpointer data)
{
    (void) data;
    for (int i = 0; i < 1000; i++)
        kn_queue_push(pushing_queue, 100 + (KnTime) i, &noop_class, NULL);
}

static const KnEventClass pushing_class = { "pushing", on_noop, push_many };

static void
test_queue_cancel_frees_data_that_pushes_more(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = pushing_queue = kn_queue_new();
    KnTime time;

    n_freed = 0;
    KnEventId a = kn_queue_push(queue, 50, &pushing_class, NULL);
    KnEventId b = kn_queue_push(queue, 60, &counted_class, NULL);

    assert_true(kn_queue_cancel(queue, a));
    assert_int_equal(kn_queue_size(queue), 1001);
    assert_true(kn_queue_cancel(queue, b));
    assert_int_equal(n_freed, 1);
    for (int i = 0; i < 1000; i++) {
        assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, NULL));
        assert_int_equal(time, 100 + i);
    }
    assert_false(kn_queue_pop(queue, KN_TIME_MAX, NULL, NULL, NULL));
}

static void
test_queue_cancel_of_fired_event_is_refused_even_after_slot_reuse(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    gpointer data;

    KnEventId a = kn_queue_push(queue, 10, &noop_class, "a");
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, NULL, NULL, &data));
    /* 'b' reuses a's slot; a's stale handle must not cancel it. */
    KnEventId b = kn_queue_push(queue, 20, &noop_class, "b");
    assert_int_equal(a.slot, b.slot);
    assert_false(kn_queue_cancel(queue, a));
    assert_false(kn_queue_cancel(queue, KN_EVENT_ID_NONE));
    assert_false(kn_queue_cancel(queue, (KnEventId) { 99, 123456, 0, NULL, NULL }));
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, NULL, NULL, &data));
    assert_string_equal(data, "b");
}

static void
test_queue_pop_stops_at_until(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    KnTime time;

    kn_queue_push(queue, 100, &noop_class, NULL);
    kn_queue_push(queue, 200, &noop_class, NULL);
    assert_false(kn_queue_pop(queue, 99, &time, NULL, NULL));
    assert_true(kn_queue_pop(queue, 100, &time, NULL, NULL));  /* the bound is inclusive */
    assert_int_equal(time, 100);
    assert_false(kn_queue_pop(queue, 199, &time, NULL, NULL));
    /* After a pop that found nothing, pushes at or after its bound are fine. */
    kn_queue_push(queue, 150, &noop_class, NULL);
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, NULL));
    assert_int_equal(time, 150);
}

/* After bucket 0 runs dry in a pop that finds nothing, an event pushed at
 * the very time of the last pop must still come out. */
static void
test_queue_zero_delay_push_after_an_empty_pop(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    KnTime time;
    gpointer data;

    kn_queue_push(queue, 10, &noop_class, "a");
    kn_queue_push(queue, 100, &noop_class, "c");
    assert_true(kn_queue_pop(queue, 10, &time, NULL, &data));
    assert_false(kn_queue_pop(queue, 10, &time, NULL, &data));
    kn_queue_push(queue, 10, &noop_class, "b");
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, &data));
    assert_string_equal(data, "b");
    assert_int_equal(time, 10);
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, &data));
    assert_string_equal(data, "c");
    assert_int_equal(kn_queue_size(queue), 0);
}

/* A cancelled event drained at the end must not stop earlier pushes once the
 * queue is empty again. */
static void
test_queue_accepts_any_time_once_empty(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    KnTime time;

    kn_queue_push(queue, 10, &noop_class, NULL);
    KnEventId late = kn_queue_push(queue, 1000, &noop_class, NULL);
    assert_true(kn_queue_cancel(queue, late));
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, NULL));
    assert_false(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, NULL));
    kn_queue_push(queue, 11, &noop_class, NULL);
    assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, NULL));
    assert_int_equal(time, 11);
}

static void
test_queue_free_frees_pending_data(void **state)
{
    (void) state;
    KnQueue *queue = kn_queue_new();

    n_freed = 0;
    for (int i = 0; i < 1000; i++)
        kn_queue_push(queue, (KnTime) i * 7 % 101, &counted_class, NULL);
    kn_queue_cancel(queue, kn_queue_push(queue, 5, &counted_class, NULL));
    kn_queue_free(queue);
    assert_int_equal(n_freed, 1001);
    kn_queue_free(NULL);
}

static void
test_queue_memory_stays_within_48_bytes_per_event(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    KnRng rng;

    kn_rng_init(&rng, 3, "test/memory");
    for (int i = 0; i < 100000; i++)
        kn_queue_push(queue, (KnTime) kn_rng_exponential(&rng, 1e6), &noop_class, NULL);
    assert_true(kn_queue_memory(queue) <= 48 * 100000);
}

static void
test_queue_next_time_is_the_earliest_without_moving_anything(void **state)
{
    (void) state;
    g_autoptr(KnQueue) queue = kn_queue_new();
    KnTime time;

    assert_true(kn_queue_next_time(queue) == KN_TIME_MAX);
    kn_queue_push(queue, 5000, &noop_class, NULL);
    kn_queue_push(queue, 70, &noop_class, NULL);
    kn_queue_push(queue, 300, &noop_class, NULL);
    assert_int_equal(kn_queue_next_time(queue), 70);
    assert_true(kn_queue_pop(queue, 100, &time, NULL, NULL));
    assert_int_equal(time, 70);
    assert_int_equal(kn_queue_next_time(queue), 300);
    /* Asking did not move the queue on: an earlier push still fits. */
    kn_queue_push(queue, 120, &noop_class, NULL);
    assert_int_equal(kn_queue_next_time(queue), 120);
    /* A pop that stops at its bound leaves the next time where it was. */
    assert_false(kn_queue_pop(queue, 110, NULL, NULL, NULL));
    assert_int_equal(kn_queue_next_time(queue), 120);
    /* A cancelled earliest event leaves a lower bound. */
    KnEventId early = kn_queue_push(queue, 115, &noop_class, NULL);

    assert_true(kn_queue_cancel(queue, early));
    assert_true(kn_queue_next_time(queue) <= 120);
    for (KnTime want = 120; want != 0; want = want == 120 ? 300 : want == 300 ? 5000 : 0) {
        assert_true(kn_queue_pop(queue, KN_TIME_MAX, &time, NULL, NULL));
        assert_int_equal(time, want);
    }
    assert_true(kn_queue_next_time(queue) == KN_TIME_MAX);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_same_time_pops_in_push_order),
        cmocka_unit_test(test_queue_orders_heavy_insertion_with_ties_and_cancels),
        cmocka_unit_test(test_queue_orders_posted_events_among_pushed_and_cancelled),
        cmocka_unit_test(test_queue_drains_in_order_over_the_whole_time_range),
        cmocka_unit_test(test_queue_cancel_of_pending_event_skips_and_frees_it),
        cmocka_unit_test(test_queue_cancel_frees_data_that_pushes_more),
        cmocka_unit_test(test_queue_cancel_of_fired_event_is_refused_even_after_slot_reuse),
        cmocka_unit_test(test_queue_pop_stops_at_until),
        cmocka_unit_test(test_queue_zero_delay_push_after_an_empty_pop),
        cmocka_unit_test(test_queue_accepts_any_time_once_empty),
        cmocka_unit_test(test_queue_free_frees_pending_data),
        cmocka_unit_test(test_queue_memory_stays_within_48_bytes_per_event),
        cmocka_unit_test(test_queue_next_time_is_the_earliest_without_moving_anything),
    };
    return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
