/* test_recorder.c -- Events: client-go's correlator (repeats counted on
 * the first, the spam filter's 25 and one per 5 minutes), recurring events
 * written when asked, names, and the order describe lists them in. */

#include <config.h>
#include "tests/test_util.h"

#include "models/recorder.h"

typedef struct {
    KnSim *sim;
    KnStore *store;
    KnRecorder *recorder;
    KnPod *pod;                  /* borrowed from the store */
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->sim = kn_sim_new(1);
    f->store = kn_store_new(f->sim);
    f->recorder = kn_recorder_new(f->store);
    f->pod = kn_pod_new();
    f->pod->meta.namespace = g_strdup("default");
    f->pod->meta.name = g_strdup("web");
    assert_true(kn_store_add(f->store, KN_KIND_POD, f->pod, NULL));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    kn_recorder_free(f->recorder);
    kn_store_free(f->store);
    kn_sim_free(f->sim);
    g_free(f);
    return 0;
}

/* Moves the clock to 't'. */
static void
at(Fixture *f, KnTime t)
{
    test_run_to(f->sim, t);
}

static GPtrArray *
events(Fixture *f)
{
    return kn_store_list(f->store, KN_KIND_EVENT, "default");
}

static void
unhealthy(Fixture *f)
{
    kn_recorder_event(f->recorder, KN_KIND_POD, &f->pod->meta, "spec.containers{nginx}", TRUE, "Unhealthy",
                      "kubelet", "kind-worker", "Readiness probe failed: %s", "HTTP probe failed with statuscode: 404");
}

/* A repeat patches the first: count and lastTimestamp; another message
 * is another event. */
static void
test_recorder_counts_repeats(void **state)
{
    Fixture *f = *state;

    at(f, 2 * KN_SEC);
    unhealthy(f);
    at(f, 7 * KN_SEC);
    unhealthy(f);
    at(f, 12 * KN_SEC);
    unhealthy(f);
    kn_recorder_event(f->recorder, KN_KIND_POD, &f->pod->meta, "spec.containers{nginx}", FALSE, "Started",
                      "kubelet", "kind-worker", "Started container %s", "nginx");

    g_autoptr(GPtrArray) all = events(f);
    assert_int_equal(all->len, 2);

    const KnEvent *e = all->pdata[0];
    assert_string_equal(e->reason, "Unhealthy");
    assert_int_equal(e->count, 3);
    assert_int_equal(e->first_time, 2 * KN_SEC);
    assert_int_equal(e->last_time, 12 * KN_SEC);
    assert_true(e->warning);
    assert_string_equal(e->involved_uid, f->pod->meta.uid);
    /* record.go: the object's name and the first time's UnixNano in hex. */
    g_autofree char *name = g_strdup_printf("web.%" G_GINT64_MODIFIER "x", kn_recorder_unix_ns(2 * KN_SEC));
    assert_string_equal(e->meta.name, name);
    assert_int_equal(((const KnEvent *) all->pdata[1])->count, 1);
}

/* 25 at once, then one token per 300 s; the skipped ones still count. */
static void
test_recorder_spam_filter(void **state)
{
    Fixture *f = *state;

    for (int i = 0; i < 30; i++)
        unhealthy(f);

    g_autoptr(GPtrArray) all = events(f);
    assert_int_equal(all->len, 1);
    const KnEvent *e = all->pdata[0];
    assert_int_equal(e->count, 25);

    at(f, 299 * KN_SEC);
    unhealthy(f);
    assert_int_equal(e->count, 25);
    at(f, 600 * KN_SEC);
    unhealthy(f);
    assert_int_equal(e->count, 32);
    assert_int_equal(e->last_time, 600 * KN_SEC);

    /* Another type is another bucket. */
    kn_recorder_event(f->recorder, KN_KIND_POD, &f->pod->meta, NULL, FALSE, "Killing", "kubelet", "kind-worker",
                      "Stopping container nginx");
    g_autoptr(GPtrArray) after = events(f);
    assert_int_equal(after->len, 2);
}

/* A recurring event's occurrences are written at their own times when
 * asked, and end with kn_recorder_stop(). */
static void
test_recorder_recurring(void **state)
{
    Fixture *f = *state;

    at(f, 1 * KN_SEC);
    kn_recorder_event_every(f->recorder, 5 * KN_SEC, KN_KIND_POD, &f->pod->meta, "spec.containers{nginx}", TRUE,
                            "Unhealthy", "kubelet", "kind-worker", "Readiness probe failed: %s", "boom");
    at(f, 13 * KN_SEC);

    g_autoptr(GPtrArray) before = events(f);
    const KnEvent *e = before->pdata[0];
    assert_int_equal(e->count, 1);
    kn_recorder_catch_up(f->recorder);
    assert_int_equal(e->count, 3);               /* 1 s, 6 s, 11 s */
    assert_int_equal(e->last_time, 11 * KN_SEC);

    at(f, 17 * KN_SEC);
    kn_recorder_stop(f->recorder, f->pod->meta.uid);
    assert_int_equal(e->count, 4);               /* and 16 s */
    at(f, 60 * KN_SEC);
    kn_recorder_catch_up(f->recorder);
    assert_int_equal(e->count, 4);
}

/* describe's order: lastTimestamp in whole seconds, an eventTime in
 * microseconds, ties in name order; two events in one nanosecond get
 * names a nanosecond apart. */
static void
test_recorder_describe_order(void **state)
{
    Fixture *f = *state;

    at(f, 5 * KN_SEC + 5 * KN_MSEC);
    kn_recorder_event_series(f->recorder, KN_KIND_POD, &f->pod->meta, FALSE, "Scheduled", "default-scheduler",
                             "kind-control-plane", "Successfully assigned default/web to kind-worker");
    at(f, 5 * KN_SEC + 300 * KN_MSEC);
    kn_recorder_event(f->recorder, KN_KIND_POD, &f->pod->meta, NULL, FALSE, "Pulling", "kubelet", "kind-worker",
                      "Pulling image \"nginx:1.27\"");
    at(f, 6 * KN_SEC);
    kn_recorder_event(f->recorder, KN_KIND_POD, &f->pod->meta, NULL, FALSE, "Created", "kubelet", "kind-worker",
                      "Created container nginx");
    kn_recorder_event(f->recorder, KN_KIND_POD, &f->pod->meta, NULL, FALSE, "Started", "kubelet", "kind-worker",
                      "Started container nginx");

    g_autoptr(GPtrArray) about = kn_recorder_events_about(f->store, KN_KIND_POD, &f->pod->meta);
    const char *want[] = { "Pulling", "Scheduled", "Created", "Started" };

    assert_int_equal(about->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < about->len; i++)
        assert_string_equal(((const KnEvent *) about->pdata[i])->reason, want[i]);

    const KnEvent *created = about->pdata[2], *started = about->pdata[3];
    g_autofree char *next = g_strdup_printf("web.%" G_GINT64_MODIFIER "x", kn_recorder_unix_ns(6 * KN_SEC) + 1);
    assert_string_equal(started->meta.name, next);
    assert_true(strcmp(created->meta.name, started->meta.name) < 0);
    assert_string_equal(((const KnEvent *) about->pdata[1])->host, "default-scheduler-kind-control-plane");

    /* Another object's events are not this one's. */
    KnPod *other = kn_pod_new();

    other->meta.namespace = g_strdup("default");
    other->meta.name = g_strdup("db");
    assert_true(kn_store_add(f->store, KN_KIND_POD, other, NULL));
    g_autoptr(GPtrArray) none = kn_recorder_events_about(f->store, KN_KIND_POD, &other->meta);
    assert_int_equal(none->len, 0);
}

/* Off (the benchmarks' clusters), nothing is written. */
static void
test_recorder_disabled(void **state)
{
    Fixture *f = *state;

    kn_recorder_set_enabled(f->recorder, FALSE);
    unhealthy(f);
    kn_recorder_event_every(f->recorder, KN_SEC, KN_KIND_POD, &f->pod->meta, NULL, TRUE, "Unhealthy", "kubelet",
                            "kind-worker", "x");
    at(f, 10 * KN_SEC);
    kn_recorder_catch_up(f->recorder);

    g_autoptr(GPtrArray) all = events(f);
    assert_int_equal(all->len, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recorder_counts_repeats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_spam_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_recurring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_describe_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_disabled, setup, teardown),
    };

    return cmocka_run_group_tests_name("recorder", tests, NULL, NULL);
}
