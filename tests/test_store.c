/* test_store.c -- the object store: order, generated names, uids, indexes
 * by owner and by label (kept right through label changes), watchers. */

#include <config.h>
#include "tests/test_util.h"

#include "models/store.h"

static KnPod *
pod(const char *namespace, const char *name, const char *app)
{
    KnPod *p = kn_pod_new();

    p->meta.namespace = g_strdup(namespace);
    p->meta.name = g_strdup(name);
    if (app != NULL)
        kn_labels_set(p->meta.labels, "app", app);
    return p;
}

static GString *events;

static void
on_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    (void) store;
    (void) kind;
    (void) user_data;
    g_string_append_printf(events, "%s%c:%s", events->len > 0 ? " " : "", "AMD"[event],
                           kn_object_meta(object)->name);
}

static void
test_store_lists_in_namespace_then_name_order(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);
    g_autoptr(KnStore) store = kn_store_new(sim);
    const char *order[][2] = { { "ns-1", "b" }, { "ns-10", "a" }, { "ns-1", "a" }, { "default", "z" }, { "ns-1", "a-b" } };

    for (guint i = 0; i < G_N_ELEMENTS(order); i++)
        assert_true(kn_store_add(store, KN_KIND_POD, pod(order[i][0], order[i][1], NULL), NULL));

    g_autoptr(GPtrArray) all = kn_store_list(store, KN_KIND_POD, NULL);
    const char *want[] = { "default/z", "ns-1/a", "ns-1/a-b", "ns-1/b", "ns-10/a" };
    assert_int_equal(all->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < all->len; i++) {
        KnObjectMeta *meta = kn_object_meta(all->pdata[i]);
        g_autofree char *key = g_strconcat(meta->namespace, "/", meta->name, NULL);

        assert_string_equal(key, want[i]);
    }
    g_autoptr(GPtrArray) ns1 = kn_store_list(store, KN_KIND_POD, "ns-1");
    assert_int_equal(ns1->len, 3);
    assert_non_null(kn_store_lookup(store, KN_KIND_POD, "ns-10", "a"));
    assert_null(kn_store_lookup(store, KN_KIND_POD, "ns-1", "c"));
}

static void
test_store_fills_metadata_and_refuses_duplicates(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);
    g_autoptr(KnStore) store = kn_store_new(sim);
    g_autoptr(GError) error = NULL;
    KnPod *generated = pod("default", NULL, NULL);

    generated->meta.generate_name = g_strdup("web-");
    assert_true(kn_store_add(store, KN_KIND_POD, generated, NULL));
    assert_true(g_str_has_prefix(generated->meta.name, "web-"));
    assert_int_equal(strlen(generated->meta.name), 9);
    assert_int_equal(strspn(generated->meta.name + 4, "bcdfghjklmnpqrstvwxz2456789"), 5);
    /* A version 4, RFC 4122 variant UUID. */
    assert_int_equal(strlen(generated->meta.uid), 36);
    assert_int_equal(generated->meta.uid[14], '4');
    assert_non_null(strchr("89ab", generated->meta.uid[19]));

    assert_true(kn_store_add(store, KN_KIND_POD, pod("default", "x", NULL), NULL));
    assert_false(kn_store_add(store, KN_KIND_POD, pod("default", "x", NULL), &error));
    assert_string_equal(error->message, "pods \"x\" already exists");
    KnPod *x = kn_store_lookup(store, KN_KIND_POD, "default", "x");
    assert_true(x->meta.resource_version > generated->meta.resource_version);
}

static void
test_store_indexes_follow_labels_owners_and_deletes(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);
    g_autoptr(KnStore) store = kn_store_new(sim);
    KnPod *a = pod("default", "a", "web"), *b = pod("default", "b", "web"), *c = pod("other", "c", "web");

    b->meta.owner.kind = KN_KIND_REPLICA_SET;
    b->meta.owner.name = g_strdup("rs");
    b->meta.owner.uid = g_strdup("uid-rs");
    kn_store_add(store, KN_KIND_POD, a, NULL);
    kn_store_add(store, KN_KIND_POD, b, NULL);
    kn_store_add(store, KN_KIND_POD, c, NULL);

    g_autoptr(GPtrArray) web = kn_store_list_labelled(store, KN_KIND_POD, "default", "app", "web");
    assert_int_equal(web->len, 2);
    assert_ptr_equal(web->pdata[0], a);
    g_autoptr(GPtrArray) owned = kn_store_list_owned(store, KN_KIND_POD, "uid-rs");
    assert_int_equal(owned->len, 1);
    assert_ptr_equal(owned->pdata[0], b);

    /* Relabelled: the index moves with the labels at the next update. */
    kn_labels_set(a->meta.labels, "app", "api");
    kn_store_update(store, KN_KIND_POD, a, FALSE);
    g_autoptr(GPtrArray) web2 = kn_store_list_labelled(store, KN_KIND_POD, "default", "app", "web");
    g_autoptr(GPtrArray) api = kn_store_list_labelled(store, KN_KIND_POD, "default", "app", "api");
    assert_int_equal(web2->len, 1);
    assert_int_equal(api->len, 1);

    assert_true(kn_store_delete(store, KN_KIND_POD, "default", "b"));
    assert_false(kn_store_delete(store, KN_KIND_POD, "default", "b"));
    g_autoptr(GPtrArray) web3 = kn_store_list_labelled(store, KN_KIND_POD, "default", "app", "web");
    g_autoptr(GPtrArray) owned2 = kn_store_list_owned(store, KN_KIND_POD, "uid-rs");
    assert_int_equal(web3->len, 0);
    assert_int_equal(owned2->len, 0);
}

static void
test_store_watchers_see_adds_updates_and_deletes(void **state)
{
    (void) state;
    g_autoptr(KnSim) sim = kn_sim_new(1);
    g_autoptr(KnStore) store = kn_store_new(sim);

    events = g_string_new(NULL);
    kn_store_watch(store, KN_KIND_POD, on_event, NULL);
    kn_store_add(store, KN_KIND_POD, pod("default", "a", NULL), NULL);
    kn_store_update(store, KN_KIND_POD, kn_store_lookup(store, KN_KIND_POD, "default", "a"), TRUE);
    kn_store_delete(store, KN_KIND_POD, "default", "a");
    assert_string_equal(events->str, "A:a M:a D:a");
    g_string_free(events, TRUE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_lists_in_namespace_then_name_order),
        cmocka_unit_test(test_store_fills_metadata_and_refuses_duplicates),
        cmocka_unit_test(test_store_indexes_follow_labels_owners_and_deletes),
        cmocka_unit_test(test_store_watchers_see_adds_updates_and_deletes),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
