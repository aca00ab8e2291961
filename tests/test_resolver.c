/* test_resolver.c -- glibc's and musl's search walks, query counts and
 * timing against a fake DNS server: ndots, the trailing dot, NXDOMAIN
 * versus NODATA, timeouts and the single-request fallback, SERVFAIL,
 * truncation and TCP, a dead first nameserver. */
#include <config.h>
#include "tests/test_util.h"

#include "models/resolver.h"
#include "tests/fake_net.h"

#define POD_RESOLV_CONF \
    "search app.svc.cluster.local svc.cluster.local cluster.local\n" \
    "nameserver 10.96.0.10\n" \
    "options ndots:5\n"

typedef struct Lookup {
    FakeNet *net;
    KnResolverStatus status;
    guint n_queries;
    guint n_wasted;
    KnTime elapsed;
    char *addresses;             /* space-separated */
    char *answered;
    char *queries;               /* "name TYPE status\n" as sent */
    gboolean done;
} Lookup;

static void
lookup_free(Lookup *lookup)
{
    fake_net_free(lookup->net);
    g_free(lookup->addresses);
    g_free(lookup->answered);
    g_free(lookup->queries);
    g_free(lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Lookup, lookup_free)

static void
on_done(const KnResolverResult *result, gpointer user_data)
{
    Lookup *lookup = user_data;
    GString *addresses = g_string_new(NULL);
    GString *queries = g_string_new(NULL);

    for (guint i = 0; i < result->addresses->len; i++) {
        char buf[KN_ADDR_STRLEN];

        g_string_append_printf(addresses, "%s%s", i > 0 ? " " : "",
                               kn_addr_format(result->addresses->pdata[i], buf));
    }
    for (guint i = 0; i < result->queries->len; i++) {
        const KnResolverQuery *query = result->queries->pdata[i];
        char type[16];

        g_string_append_printf(queries, "%s %s%s\n", query->name,
                               kn_dns_type_format(query->type, type), query->tcp ? " tcp" : "");
    }
    lookup->status = result->status;
    lookup->n_queries = result->queries->len;
    lookup->n_wasted = result->n_wasted;
    lookup->elapsed = result->finished - result->started;
    lookup->addresses = g_string_free(addresses, FALSE);
    lookup->answered = g_strdup(result->answered);
    lookup->queries = g_string_free(queries, FALSE);
    lookup->done = TRUE;
}

/* A cluster: web (ClusterIP), foo (exists, TXT only, in app), foo in
 * svc.cluster.local (an A record), api.github.com outside. */
static FakeNet *
cluster_net(void)
{
    FakeNet *net = fake_net_new("busybox", "client");

    fake_net_dns(net, "10.96.0.10");
    fake_net_dns_addr(net, "web.app.svc.cluster.local", "10.96.0.12");
    fake_net_dns_addr(net, "api.github.com", "140.82.112.6");
    g_ptr_array_add(net->dns_records, kn_dns_record_new_txt("foo.app.svc.cluster.local", 30, "x"));
    fake_net_dns_addr(net, "foo.svc.cluster.local", "10.96.0.44");
    return net;
}

/* Looks 'name' up with 'resolv_conf' read by 'libc', after 'setup'. */
static Lookup *
resolve_with(FakeNet *net, KnLibc libc, const char *resolv_conf, const char *name,
             KnResolverFlags flags)
{
    Lookup *lookup = g_new0(Lookup, 1);
    g_autoptr(KnResolvConf) conf = kn_resolvconf_parse(resolv_conf, libc);

    lookup->net = net;
    kn_resolver_lookup(&net->client, conf, kn_sim_rng(net->sim, "dns-id"), name, flags, on_done,
                       lookup, NULL);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_true(lookup->done);
    /* What the server saw is what the resolver says it sent (when every
     * server is the fake one). */
    if (strstr(resolv_conf, "10.96.0.99") == NULL)
        assert_string_equal(net->dns_log->str, lookup->queries);
    return lookup;
}

static Lookup *
resolve(KnLibc libc, const char *resolv_conf, const char *name)
{
    return resolve_with(cluster_net(), libc, resolv_conf, name, KN_RESOLVER_BOTH);
}

static void
test_resolver_glibc_short_name_first_suffix(void **state)
{
    (void) state;
    g_autoptr(Lookup) lookup = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "web");

    assert_int_equal(lookup->status, KN_RESOLVER_OK);
    assert_string_equal(lookup->addresses, "10.96.0.12");
    assert_string_equal(lookup->queries, "web.app.svc.cluster.local A\n"
                                         "web.app.svc.cluster.local AAAA\n");
    assert_int_equal(lookup->n_wasted, 0);
    assert_int_equal(lookup->elapsed, 250 * KN_USEC);
}

static void
test_resolver_glibc_external_name_walks_the_search_list(void **state)
{
    (void) state;
    g_autoptr(Lookup) lookup = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "api.github.com");

    assert_int_equal(lookup->status, KN_RESOLVER_OK);
    assert_string_equal(lookup->queries, "api.github.com.app.svc.cluster.local A\n"
                                         "api.github.com.app.svc.cluster.local AAAA\n"
                                         "api.github.com.svc.cluster.local A\n"
                                         "api.github.com.svc.cluster.local AAAA\n"
                                         "api.github.com.cluster.local A\n"
                                         "api.github.com.cluster.local AAAA\n"
                                         "api.github.com A\n"
                                         "api.github.com AAAA\n");
    assert_int_equal(lookup->n_wasted, 6);
    assert_string_equal(lookup->answered, "api.github.com");
}

static void
test_resolver_trailing_dot_is_absolute(void **state)
{
    (void) state;
    g_autoptr(Lookup) glibc = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "api.github.com.");
    g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, POD_RESOLV_CONF, "api.github.com.");
    g_autoptr(Lookup) missing = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "nothere.example.");

    assert_string_equal(glibc->queries, "api.github.com A\napi.github.com AAAA\n");
    assert_string_equal(musl->queries, "api.github.com A\napi.github.com AAAA\n");
    assert_int_equal(missing->status, KN_RESOLVER_NXDOMAIN);
    assert_int_equal(missing->n_queries, 2);
}

static void
test_resolver_ndots_as_is_first(void **state)
{
    (void) state;
    const char *ndots2 = "search app.svc.cluster.local svc.cluster.local cluster.local\n"
                         "nameserver 10.96.0.10\noptions ndots:2\n";
    g_autoptr(Lookup) glibc = resolve(KN_LIBC_GLIBC, ndots2, "api.github.com");
    g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, ndots2, "api.github.com");
    /* With enough dots glibc still searches after a failed as-is query;
     * musl never searches. */
    g_autoptr(Lookup) glibc_miss = resolve(KN_LIBC_GLIBC, ndots2, "web.app.svc");
    g_autoptr(Lookup) musl_miss = resolve(KN_LIBC_MUSL, ndots2, "web.app.svc");

    assert_int_equal(glibc->n_queries, 2);
    assert_int_equal(musl->n_queries, 2);
    assert_string_equal(glibc_miss->queries, "web.app.svc A\nweb.app.svc AAAA\n"
                                             "web.app.svc.app.svc.cluster.local A\n"
                                             "web.app.svc.app.svc.cluster.local AAAA\n"
                                             "web.app.svc.svc.cluster.local A\n"
                                             "web.app.svc.svc.cluster.local AAAA\n"
                                             "web.app.svc.cluster.local A\n"
                                             "web.app.svc.cluster.local AAAA\n");
    assert_int_equal(glibc_miss->status, KN_RESOLVER_OK);
    assert_int_equal(musl_miss->status, KN_RESOLVER_NXDOMAIN);
    assert_int_equal(musl_miss->n_queries, 2);
}

static void
test_resolver_nodata_continues_in_glibc_stops_in_musl(void **state)
{
    (void) state;
    g_autoptr(Lookup) glibc = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "foo");
    g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, POD_RESOLV_CONF, "foo");

    assert_int_equal(glibc->status, KN_RESOLVER_OK);
    assert_string_equal(glibc->addresses, "10.96.0.44");
    assert_int_equal(glibc->n_queries, 4);
    assert_int_equal(musl->status, KN_RESOLVER_NODATA);
    assert_int_equal(musl->n_queries, 2);
}

static void
test_resolver_not_found_everywhere(void **state)
{
    (void) state;
    g_autoptr(Lookup) glibc = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "nothere");
    g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, POD_RESOLV_CONF, "nothere");

    assert_int_equal(glibc->status, KN_RESOLVER_NXDOMAIN);
    assert_int_equal(glibc->n_queries, 8);
    assert_int_equal(glibc->n_wasted, 8);
    assert_int_equal(musl->status, KN_RESOLVER_NXDOMAIN);
    assert_int_equal(musl->n_queries, 8);
}

static void
test_resolver_a_only_and_no_aaaa(void **state)
{
    (void) state;
    g_autoptr(Lookup) a = resolve_with(cluster_net(), KN_LIBC_GLIBC, POD_RESOLV_CONF, "web",
                                       KN_RESOLVER_A);
    g_autoptr(Lookup) no_aaaa = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF "options no-aaaa\n", "web");

    assert_string_equal(a->queries, "web.app.svc.cluster.local A\n");
    assert_string_equal(no_aaaa->queries, "web.app.svc.cluster.local A\n");
}

/* gethostbyname2(AF_INET6) (getent hosts' first walk) with no-aaaa: each
 * AAAA query goes out as A, and an answer counts as NO_DATA, so the walk
 * goes on, as glibc's __res_handle_no_aaaa does. */
static void
test_resolver_glibc_no_aaaa_walks_with_a_queries(void **state)
{
    (void) state;
    g_autoptr(Lookup) lookup = resolve_with(cluster_net(), KN_LIBC_GLIBC,
                                            POD_RESOLV_CONF "options no-aaaa edns0\n", "web",
                                            KN_RESOLVER_AAAA);

    assert_string_equal(lookup->queries, "web.app.svc.cluster.local A\n"
                                         "web.svc.cluster.local A\n"
                                         "web.cluster.local A\n"
                                         "web A\n");
    assert_int_equal(lookup->status, KN_RESOLVER_NODATA);
    assert_string_equal(lookup->addresses, "");
}

/* getaddrinfo() answers an address literal and the pod's /etc/hosts
 * before DNS; a family the hosts entry lacks goes on to DNS. */
static void
test_resolver_literal_and_hosts_need_no_query(void **state)
{
    (void) state;
    g_autoptr(Lookup) literal = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "10.96.0.12");
    g_autoptr(Lookup) localhost = resolve(KN_LIBC_MUSL, POD_RESOLV_CONF, "localhost");
    g_autoptr(Lookup) loopback6 = resolve_with(cluster_net(), KN_LIBC_GLIBC, POD_RESOLV_CONF, "localhost",
                                               KN_RESOLVER_AAAA);
    g_autoptr(Lookup) own = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "client");
    g_autoptr(Lookup) own6 = resolve_with(cluster_net(), KN_LIBC_GLIBC, POD_RESOLV_CONF, "client",
                                          KN_RESOLVER_AAAA);

    assert_string_equal(literal->addresses, "10.96.0.12");
    assert_int_equal(literal->n_queries, 0);
    assert_string_equal(localhost->addresses, "127.0.0.1 ::1");
    assert_int_equal(localhost->n_queries, 0);
    assert_string_equal(loopback6->addresses, "::1");
    assert_string_equal(own->addresses, "10.244.1.5");
    assert_int_equal(own->status, KN_RESOLVER_OK);
    assert_int_equal(own->n_queries, 0);
    assert_true(own6->n_queries > 0);            /* no IPv6 address in /etc/hosts: DNS */
}

/* getaddrinfo() tries inet_aton before anything else: "10.1" is
 * 10.0.0.1, "0x7f.1" 127.0.0.1, "010.1.1.1" (octal) 8.1.1.1, with no
 * query; "1.2.3.256" and "08.1.1.1" are names.  A literal of the other
 * family is answered too (EAI_ADDRFAMILY), without a query. */
static void
test_resolver_glibc_inet_aton_literals(void **state)
{
    (void) state;
    static const char *const literals[][2] = {
        { "10.1", "10.0.0.1" }, { "0x7f.1", "127.0.0.1" }, { "010.1.1.1", "8.1.1.1" },
        { "4294967295", "255.255.255.255" }, { "1.2.3", "1.2.0.3" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(literals); i++) {
        g_autoptr(Lookup) lookup = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, literals[i][0]);

        assert_int_equal(lookup->n_queries, 0);
        assert_string_equal(lookup->addresses, literals[i][1]);
    }
    g_autoptr(Lookup) big = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "1.2.3.256");
    g_autoptr(Lookup) octal = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "08.1.1.1");
    g_autoptr(Lookup) v6 = resolve_with(cluster_net(), KN_LIBC_GLIBC, POD_RESOLV_CONF, "::1",
                                        KN_RESOLVER_A);

    assert_int_equal(big->n_queries, 8);
    assert_int_equal(octal->n_queries, 8);
    assert_int_equal(v6->n_queries, 0);
    assert_int_equal(v6->status, KN_RESOLVER_FAIL);
}

/* glibc's nss_files compares the name as given: "localhost." is not
 * in /etc/hosts and goes to DNS.  (musl keeps its own path.) */
static void
test_resolver_glibc_localhost_dot_goes_to_dns(void **state)
{
    (void) state;
    g_autoptr(Lookup) glibc = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "localhost.");
    g_autoptr(Lookup) own = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "client.");
    g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, POD_RESOLV_CONF, "localhost.");

    assert_string_equal(glibc->queries, "localhost A\nlocalhost AAAA\n");
    assert_int_equal(own->n_queries, 2);
    assert_int_equal(musl->n_queries, 0);
}

/* The conntrack race: the AAAA query vanishes. */
static void
test_resolver_lost_aaaa_costs_glibc_5s_and_musl_2_5s(void **state)
{
    (void) state;
    FakeNet *gnet = cluster_net();
    FakeNet *mnet = cluster_net();

    gnet->dns_drop_aaaa = 1;
    mnet->dns_drop_aaaa = 1;

    g_autoptr(Lookup) glibc = resolve_with(gnet, KN_LIBC_GLIBC, POD_RESOLV_CONF, "web",
                                           KN_RESOLVER_BOTH);
    g_autoptr(Lookup) musl = resolve_with(mnet, KN_LIBC_MUSL, POD_RESOLV_CONF, "web",
                                          KN_RESOLVER_BOTH);

    /* glibc waits its 5 s, then falls back to single-request: A, its
     * answer, then AAAA. */
    assert_int_equal(glibc->status, KN_RESOLVER_OK);
    assert_string_equal(glibc->queries, "web.app.svc.cluster.local A\n"
                                        "web.app.svc.cluster.local AAAA\n"
                                        "web.app.svc.cluster.local A\n"
                                        "web.app.svc.cluster.local AAAA\n");
    assert_int_equal(glibc->elapsed, 5 * KN_SEC + 2 * 250 * KN_USEC);
    /* musl re-sends the unanswered AAAA after timeout/attempts. */
    assert_int_equal(musl->status, KN_RESOLVER_OK);
    assert_string_equal(musl->queries, "web.app.svc.cluster.local A\n"
                                       "web.app.svc.cluster.local AAAA\n"
                                       "web.app.svc.cluster.local AAAA\n");
    assert_int_equal(musl->elapsed, 2500 * KN_MSEC + 250 * KN_USEC);
}

/* musl sends `attempts` rounds, not one more when timeout / attempts
 * leaves a remainder: the real musl 1.2.3 asked a silent server 3 times
 * with timeout:1 attempts:3, where knetsim sent a 4th round at 999 ms. */
static void
test_resolver_musl_sends_attempts_rounds(void **state)
{
    (void) state;
    static const char *const options[] = { "timeout:1 attempts:3", "timeout:1 attempts:4",
                                            "timeout:5 attempts:3", "timeout:2 attempts:7" };
    static const guint rounds[] = { 3, 4, 3, 7 };

    for (gsize i = 0; i < G_N_ELEMENTS(options); i++) {
        FakeNet *net = cluster_net();
        g_autofree char *conf = g_strdup_printf("nameserver 10.96.0.10\noptions %s\n", options[i]);

        g_ptr_array_add(net->dns_silent, g_strdup("silent.test"));
        g_autoptr(Lookup) musl = resolve_with(net, KN_LIBC_MUSL, conf, "x.silent.test",
                                              KN_RESOLVER_BOTH);

        assert_int_equal(musl->status, KN_RESOLVER_AGAIN);
        assert_int_equal(musl->n_queries, 2 * rounds[i]);
    }
}

static void
test_resolver_glibc_timeout_retries_then_gives_up(void **state)
{
    (void) state;
    FakeNet *net = cluster_net();

    net->dns_drop_all = 100;

    g_autoptr(Lookup) lookup = resolve_with(net, KN_LIBC_GLIBC, POD_RESOLV_CONF, "web",
                                            KN_RESOLVER_BOTH);

    /* Two attempts of 5 s on the first name; a timeout ends the search,
     * but the as-is query still follows (two more attempts). */
    assert_int_equal(lookup->status, KN_RESOLVER_AGAIN);
    assert_string_equal(lookup->queries, "web.app.svc.cluster.local A\n"
                                         "web.app.svc.cluster.local AAAA\n"
                                         "web.app.svc.cluster.local A\n"
                                         "web.app.svc.cluster.local AAAA\n"
                                         "web A\nweb AAAA\nweb A\nweb AAAA\n");
    assert_int_equal(lookup->elapsed, 20 * KN_SEC);
}

static void
test_resolver_glibc_servfail_goes_on(void **state)
{
    (void) state;
    FakeNet *net = cluster_net();

    g_ptr_array_add(net->dns_servfail, g_strdup("web.app.svc.cluster.local"));
    fake_net_dns_addr(net, "web.svc.cluster.local", "10.96.0.13");

    g_autoptr(Lookup) lookup = resolve_with(net, KN_LIBC_GLIBC, POD_RESOLV_CONF, "web",
                                            KN_RESOLVER_BOTH);

    /* SERVFAIL moves to the next server (the same one, second attempt),
     * then the walk goes on to the next suffix. */
    assert_int_equal(lookup->status, KN_RESOLVER_OK);
    assert_string_equal(lookup->addresses, "10.96.0.13");
    assert_int_equal(lookup->n_queries, 6);
}

static void
test_resolver_truncated_answer_retries_over_tcp(void **state)
{
    (void) state;
    FakeNet *net = cluster_net();

    net->dns_truncate = TRUE;

    g_autoptr(Lookup) lookup = resolve_with(net, KN_LIBC_GLIBC, POD_RESOLV_CONF, "web",
                                            KN_RESOLVER_BOTH);

    assert_int_equal(lookup->status, KN_RESOLVER_OK);
    assert_string_equal(lookup->addresses, "10.96.0.12");
    assert_string_equal(lookup->queries, "web.app.svc.cluster.local A\n"
                                         "web.app.svc.cluster.local AAAA\n"
                                         "web.app.svc.cluster.local A tcp\n"
                                         "web.app.svc.cluster.local AAAA tcp\n");
}

static void
test_resolver_dead_first_nameserver(void **state)
{
    (void) state;
    const char *two = "search app.svc.cluster.local\nnameserver 10.96.0.99\nnameserver 10.96.0.10\n"
                      "options ndots:5\n";
    g_autoptr(Lookup) glibc = resolve(KN_LIBC_GLIBC, two, "web");
    g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, two, "web");

    /* Port unreachable from the first: glibc moves on at once. */
    assert_int_equal(glibc->status, KN_RESOLVER_OK);
    assert_int_equal(glibc->n_queries, 4);
    assert_true(glibc->elapsed < KN_SEC);
    /* musl asked both at once. */
    assert_int_equal(musl->status, KN_RESOLVER_OK);
    assert_int_equal(musl->n_queries, 4);
}

/* nss_dns's check_name: a name res_hnok refuses (an empty label, a label
 * over 63 octets, a leading '-', characters outside [0-9A-Za-z_-]) is
 * HOST_NOT_FOUND before any query; '_' and a trailing '-' are fine. */
static void
test_resolver_glibc_refuses_non_host_names(void **state)
{
    (void) state;
    static const char *const refused[] = {
        "web..app", ".web", "web..", "-web", "a*b", "::1.", "web\\.x",
        "x123456789012345678901234567890123456789012345678901234567890123",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autoptr(Lookup) lookup = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, refused[i]);

        assert_int_equal(lookup->n_queries, 0);
        assert_int_equal(lookup->status, KN_RESOLVER_NXDOMAIN);
    }
    g_autoptr(Lookup) underscore = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, "we_b-");

    assert_int_equal(underscore->n_queries, 8);
}

/* A search candidate whose query cannot be built (over 255 octets, or a
 * bad label in the domain) fails with NO_RECOVERY and no query, which
 * ends the search list; the name as is still follows. */
static void
test_resolver_glibc_unbuildable_candidate_ends_the_search(void **state)
{
    (void) state;
    const char *bad = "search s1 bad..dom s2\nnameserver 10.96.0.10\n";
    g_autofree char *label = g_strnfill(63, 'a');
    g_autofree char *tail = g_strnfill(48, 'd');
    g_autofree char *long_name = g_strdup_printf("%s.%s.%s.%s", label, label, label, tail);
    g_autoptr(Lookup) lookup = resolve(KN_LIBC_GLIBC, bad, "web");
    g_autoptr(Lookup) longer = resolve(KN_LIBC_GLIBC, POD_RESOLV_CONF, long_name);
    g_autoptr(KnResolvConf) conf = kn_resolvconf_parse(bad, KN_LIBC_GLIBC);
    g_autoptr(GPtrArray) candidates = kn_resolver_candidates(conf, "web");
    g_autofree char *as_is = g_strdup_printf("%s A\n%s AAAA\n", long_name, long_name);

    assert_string_equal(lookup->queries, "web.s1 A\nweb.s1 AAAA\nweb A\nweb AAAA\n");
    /* 240 characters, 3 dots: with each search domain the name passes
     * 255 octets, so the walk goes straight to the name as is. */
    assert_string_equal(longer->queries, as_is);
    assert_int_equal(candidates->len, 2);
    assert_string_equal(candidates->pdata[1], "web");
}

/* A long name tried with six search domains: the candidates together pass
 * the block a lookup keeps its names in, and the lookup takes more. */
static void
test_resolver_long_candidates_fill_the_lookup_room(void **state)
{
    (void) state;
    const char *conf = "search s1 s2 s3 s4 s5 s6\nnameserver 10.96.0.10\noptions ndots:5\n";
    g_autofree char *label = g_strnfill(63, 'a');
    g_autofree char *name = g_strdup_printf("%s.%s.%s.dddddddd", label, label, label);
    g_autoptr(GString) expected = g_string_new(NULL);

    for (guint i = 1; i <= 6; i++)
        g_string_append_printf(expected, "%s.s%u A\n%s.s%u AAAA\n", name, i, name, i);
    g_string_append_printf(expected, "%s A\n%s AAAA\n", name, name);
    for (guint libc = 0; libc < 2; libc++) {
        g_autoptr(Lookup) lookup = resolve(libc == 0 ? KN_LIBC_GLIBC : KN_LIBC_MUSL, conf, name);

        assert_int_equal(lookup->status, KN_RESOLVER_NXDOMAIN);
        assert_string_equal(lookup->queries, expected->str);
    }
}

/* use-vc: send_vc connects and reads without a timeout of its own, so a
 * first nameserver that drops SYNs costs the kernel's SYN retries
 * (about 127 s), not 'timeout' seconds. */
static void
test_resolver_glibc_use_vc_waits_for_the_kernel(void **state)
{
    (void) state;
    FakeNet *net = cluster_net();
    const char *conf = "search app.svc.cluster.local\nnameserver 10.96.0.99\nnameserver 10.96.0.10\n"
                       "options ndots:5 timeout:1 attempts:1 use-vc\n";

    fake_net_service(net, "10.96.0.99", 53, KN_IPPROTO_TCP, FAKE_DROP, NULL, NULL);

    g_autoptr(Lookup) lookup = resolve_with(net, KN_LIBC_GLIBC, conf, "web", KN_RESOLVER_BOTH);

    assert_int_equal(lookup->status, KN_RESOLVER_OK);
    assert_true(lookup->elapsed >= 127 * KN_SEC);
    assert_true(lookup->elapsed < 128 * KN_SEC);
}

static void
test_resolver_candidates(void **state)
{
    (void) state;
    g_autoptr(KnResolvConf) glibc = kn_resolvconf_parse(POD_RESOLV_CONF, KN_LIBC_GLIBC);
    g_autoptr(KnResolvConf) musl = kn_resolvconf_parse(
        "search a.example .\nnameserver 10.96.0.10\noptions ndots:2\n", KN_LIBC_MUSL);
    g_autoptr(KnResolvConf) root = kn_resolvconf_parse(
        "search a.example .\nnameserver 10.96.0.10\noptions ndots:2\n", KN_LIBC_GLIBC);
    g_autoptr(GPtrArray) g = kn_resolver_candidates(glibc, "db.prod");
    g_autoptr(GPtrArray) m = kn_resolver_candidates(musl, "db");
    g_autoptr(GPtrArray) r = kn_resolver_candidates(root, "db");

    assert_int_equal(g->len, 4);
    assert_string_equal(g->pdata[0], "db.prod.app.svc.cluster.local");
    assert_string_equal(g->pdata[3], "db.prod");
    /* musl: "." makes "db..", then the walk goes on if it can. */
    assert_int_equal(m->len, 3);
    assert_string_equal(m->pdata[0], "db.a.example");
    assert_string_equal(m->pdata[1], "db..");
    assert_string_equal(m->pdata[2], "db");
    /* glibc: the root on the list stands for the as-is query. */
    assert_int_equal(r->len, 2);
    assert_string_equal(r->pdata[1], "db");
}

/* Names musl's __res_mkquery cannot encode are never sent: the real
 * musl 1.2.3 sent nothing for "web..", ".web", "", a 64-character label
 * or a 254-character name, and stopped the walk at a search domain that
 * made the name 254 characters long (tests/tools/musl-resolver.sh), where
 * knetsim queried each of them. */
static void
test_resolver_musl_sends_only_names_it_can_encode(void **state)
{
    (void) state;
    g_autofree char *label61 = g_strnfill(61, 'x');
    g_autofree char *label63 = g_strnfill(63, 'n');
    g_autofree char *label64 = g_strnfill(64, 'z');
    /* 3 x 62 + 4 = 190 characters: with a 63-character name, 254. */
    g_autofree char *domain190 = g_strdup_printf("%s.%s.%s.yyyy", label61, label61, label61);
    g_autofree char *domain189 = g_strdup_printf("%s.%s.%s.yyy", label61, label61, label61);
    g_autofree char *long_conf = g_strdup_printf(
        "search %s svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", domain190);
    g_autofree char *ok_conf = g_strdup_printf(
        "search %s svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", domain189);
    g_autofree char *bad_label = g_strdup_printf("%s.example", label64);
    g_autofree char *name254 = g_strdup_printf("abcd.%s.%s.%s.%s", label61, label61, label61,
                                               label63);
    const char *const invalid[] = { "web..", ".web", "", "a..b", bad_label, name254 };

    for (gsize i = 0; i < G_N_ELEMENTS(invalid); i++) {
        g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, POD_RESOLV_CONF, invalid[i]);

        assert_int_equal(musl->status, KN_RESOLVER_NXDOMAIN);
        assert_int_equal(musl->n_queries, 0);
    }
    {
        /* 254 characters: EAI_NONAME ends the walk there. */
        g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, long_conf, label63);

        assert_int_equal(musl->status, KN_RESOLVER_NXDOMAIN);
        assert_int_equal(musl->n_queries, 0);
    }
    {
        /* 253 characters are sent; then the walk goes on. */
        g_autoptr(Lookup) musl = resolve(KN_LIBC_MUSL, ok_conf, label63);

        assert_int_equal(musl->status, KN_RESOLVER_NXDOMAIN);
        assert_int_equal(musl->n_queries, 6);
    }
}

/* A "." search domain: musl queries "web.." in a malformed question that
 * no server answers, and fails with EAI_AGAIN after the timeout without
 * trying the rest of the list.  The real musl 1.2.3 did that against
 * dnsmasq (which answered REFUSED); knetsim skipped the domain and found
 * web.svc.cluster.local. */
static void
test_resolver_musl_root_search_domain(void **state)
{
    (void) state;
    FakeNet *net = cluster_net();
    g_autoptr(KnResolvConf) conf = kn_resolvconf_parse(
        "search . svc.cluster.local\nnameserver 10.96.0.10\noptions timeout:2\n", KN_LIBC_MUSL);
    g_autoptr(Lookup) lookup = g_new0(Lookup, 1);

    fake_net_dns_addr(net, "web.svc.cluster.local", "10.96.0.13");
    lookup->net = net;
    kn_resolver_lookup(&net->client, conf, kn_sim_rng(net->sim, "dns-id"), "web",
                       KN_RESOLVER_BOTH, on_done, lookup, NULL);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_true(lookup->done);
    assert_int_equal(lookup->status, KN_RESOLVER_AGAIN);
    /* Two rounds of both; the fake server could not parse one. */
    assert_string_equal(lookup->queries, "web.. A\nweb.. AAAA\nweb.. A\nweb.. AAAA\n");
    assert_string_equal(net->dns_log->str, "");
    assert_int_equal(lookup->elapsed, 2 * KN_SEC);
}

static void
on_query_done(const KnResolverResult *result, gpointer user_data)
{
    KnDnsMessage **out = user_data;
    const KnResolverQuery *query = result->queries->pdata[result->queries->len - 1];

    *out = kn_dns_message_copy(query->response);
}

static void
test_resolver_direct_query(void **state)
{
    (void) state;
    FakeNet *net = cluster_net();
    g_autoptr(KnResolvConf) conf = kn_resolvconf_parse(POD_RESOLV_CONF, KN_LIBC_GLIBC);
    g_autoptr(KnDnsMessage) response = NULL;

    kn_resolver_query(&net->client, conf, NULL, "web", KN_DNS_TYPE_A, FALSE, 0, on_query_done,
                      &response, NULL);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    assert_non_null(response);
    assert_int_equal(response->rcode, KN_DNS_RCODE_NXDOMAIN);
    assert_string_equal(net->dns_log->str, "web A\n");
    fake_net_free(net);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolver_glibc_short_name_first_suffix),
        cmocka_unit_test(test_resolver_glibc_external_name_walks_the_search_list),
        cmocka_unit_test(test_resolver_trailing_dot_is_absolute),
        cmocka_unit_test(test_resolver_ndots_as_is_first),
        cmocka_unit_test(test_resolver_nodata_continues_in_glibc_stops_in_musl),
        cmocka_unit_test(test_resolver_not_found_everywhere),
        cmocka_unit_test(test_resolver_a_only_and_no_aaaa),
        cmocka_unit_test(test_resolver_glibc_no_aaaa_walks_with_a_queries),
        cmocka_unit_test(test_resolver_literal_and_hosts_need_no_query),
        cmocka_unit_test(test_resolver_glibc_inet_aton_literals),
        cmocka_unit_test(test_resolver_glibc_localhost_dot_goes_to_dns),
        cmocka_unit_test(test_resolver_lost_aaaa_costs_glibc_5s_and_musl_2_5s),
        cmocka_unit_test(test_resolver_musl_sends_attempts_rounds),
        cmocka_unit_test(test_resolver_glibc_timeout_retries_then_gives_up),
        cmocka_unit_test(test_resolver_glibc_servfail_goes_on),
        cmocka_unit_test(test_resolver_truncated_answer_retries_over_tcp),
        cmocka_unit_test(test_resolver_dead_first_nameserver),
        cmocka_unit_test(test_resolver_glibc_refuses_non_host_names),
        cmocka_unit_test(test_resolver_glibc_unbuildable_candidate_ends_the_search),
        cmocka_unit_test(test_resolver_long_candidates_fill_the_lookup_room),
        cmocka_unit_test(test_resolver_glibc_use_vc_waits_for_the_kernel),
        cmocka_unit_test(test_resolver_candidates),
        cmocka_unit_test(test_resolver_musl_sends_only_names_it_can_encode),
        cmocka_unit_test(test_resolver_musl_root_search_domain),
        cmocka_unit_test(test_resolver_direct_query),
    };
    return cmocka_run_group_tests_name("resolver", tests, NULL, NULL);
}
