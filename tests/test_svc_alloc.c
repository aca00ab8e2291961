/* test_svc_alloc.c -- the ClusterIP and NodePort allocators: their bands,
 * the upper-band-first random scan, exhaustion, the API server's messages,
 * release, IPv6 and GetIndexedIP. */

#include <config.h>
#include "tests/test_util.h"

#include <arpa/inet.h>

#include "models/svc-alloc.h"

/* The allocator offset of the IPv4 address 'ip': its distance from the
 * address after 'network'. */
static guint
ipv4_offset(const char *ip, const char *network)
{
    struct in_addr a, n;

    assert_int_equal(inet_pton(AF_INET, ip, &a), 1);
    assert_int_equal(inet_pton(AF_INET, network, &n), 1);
    return ntohl(a.s_addr) - ntohl(n.s_addr) - 1;
}

static KnSvcIpAllocator *
ip_allocator(const char *cidr)
{
    g_autoptr(GError) error = NULL;
    KnSvcIpAllocator *alloc = kn_svc_alloc_ip_new(cidr, &error);

    if (alloc == NULL)
        fail_msg("%s: %s", cidr, error->message);
    return alloc;
}

static KnSvcPortAllocator *
port_allocator(guint base, guint size)
{
    g_autoptr(GError) error = NULL;
    KnSvcPortAllocator *alloc = kn_svc_alloc_port_new(base, size, &error);

    if (alloc == NULL)
        fail_msg("%u+%u: %s", base, size, error->message);
    return alloc;
}

/* Asserts that 'error' is KN_INPUT_ERROR_VALUE with message 'message'. */
static void
assert_value_error(const GError *error, const char *message)
{
    assert_non_null(error);
    assert_true(error->domain == KN_INPUT_ERROR);
    assert_int_equal(error->code, KN_INPUT_ERROR_VALUE);
    assert_string_equal(error->message, message);
}

/*****************************************************************************/

static void
test_svc_alloc_bands_follow_kep_3070(void **state)
{
    (void) state;
    static const struct {
        const char *cidr;
        guint size;
        guint band;
    } cases[] = {
        { "10.96.0.0/12", 1048574, 256 },
        { "10.0.0.0/16", 65534, 256 },
        { "10.0.0.0/20", 4094, 256 },
        { "10.0.0.0/24", 254, 16 },
        { "10.0.0.0/27", 30, 16 },
        { "10.0.0.0/28", 14, 0 },
        { "10.0.0.0/29", 6, 0 },
        { "fd00:10:96::/112", 65535, 256 },
        { "fd00:10:96::/108", 65535, 256 },    /* capped at 65536 */
        { "fd00:10:96::/120", 255, 16 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(KnSvcIpAllocator) alloc = ip_allocator(cases[i].cidr);

        assert_string_equal(kn_svc_alloc_ip_get_cidr(alloc), cases[i].cidr);
        assert_int_equal(kn_svc_alloc_ip_get_size(alloc), cases[i].size);
        assert_int_equal(kn_svc_alloc_ip_get_band(alloc), cases[i].band);
        assert_int_equal(kn_svc_alloc_ip_n_free(alloc), cases[i].size);
        assert_int_equal(kn_svc_alloc_ip_n_used(alloc), 0);
    }

    g_autoptr(KnSvcPortAllocator) ports = port_allocator(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE);
    assert_string_equal(kn_svc_alloc_port_get_range(ports), "30000-32767");
    assert_int_equal(kn_svc_alloc_port_get_size(ports), 2768);
    assert_int_equal(kn_svc_alloc_port_get_band(ports), 86);

    g_autoptr(KnSvcPortAllocator) wide = port_allocator(20000, 20000);
    assert_int_equal(kn_svc_alloc_port_get_band(wide), 128);
    g_autoptr(KnSvcPortAllocator) small = port_allocator(30000, 16);
    assert_int_equal(kn_svc_alloc_port_get_band(small), 0);
    g_autoptr(KnSvcPortAllocator) seventeen = port_allocator(30000, 17);
    assert_int_equal(kn_svc_alloc_port_get_band(seventeen), 16);
}

static void
test_svc_alloc_rejects_bad_ranges(void **state)
{
    (void) state;
    static const struct {
        const char *cidr;
        const char *message;
    } cases[] = {
        { "10.0.0.0/30", "the service cluster IP range must be at least 8 IP addresses" },
        { "fd00::/126", "the service cluster IP range must be at least 8 IP addresses" },
        { "10.0.0.0/11", "specified service subnet is too large; for 32-bit addresses, the mask must be >= 12" },
        { "fd00::/64", "specified service subnet is too large; for 128-bit addresses, the mask must be >= 108" },
        { "10.0.0.0", "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)" },
        { "10.0.0.0/33", "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;

        assert_null(kn_svc_alloc_ip_new(cases[i].cidr, &error));
        assert_value_error(error, cases[i].message);
    }

    /* Host bits are cleared, as Go's ParseCIDR does. */
    g_autoptr(KnSvcIpAllocator) alloc = ip_allocator("10.96.3.7/12");
    assert_string_equal(kn_svc_alloc_ip_get_cidr(alloc), "10.96.0.0/12");

    g_autoptr(GError) error = NULL;
    assert_null(kn_svc_alloc_port_new(65000, 1000, &error));
    assert_non_null(error);
}

/* 10,000 Services in 10.96.0.0/12, the envelope's scale: none lands in the
 * static band 10.96.0.1-10.96.1.0, and none twice. */
static void
test_svc_alloc_dynamic_ips_avoid_the_static_band(void **state)
{
    (void) state;
    g_autoptr(KnSvcIpAllocator) alloc = ip_allocator("10.96.0.0/12");
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    KnRng rng;

    kn_rng_init(&rng, 1, "svc-alloc/ip");
    for (int i = 0; i < 10000; i++) {
        g_autoptr(GError) error = NULL;
        char *ip = kn_svc_alloc_ip_allocate_next(alloc, &rng, &error);

        assert_non_null(ip);
        assert_null(error);
        assert_true(ipv4_offset(ip, "10.96.0.0") >= 256);
        assert_true(kn_svc_alloc_ip_has(alloc, ip));
        assert_true(g_hash_table_add(seen, ip));
    }
    assert_int_equal(kn_svc_alloc_ip_n_used(alloc), 10000);
    assert_int_equal(kn_svc_alloc_ip_n_free(alloc), 1048574 - 10000);
}

/* A /24: the 238 addresses of the dynamic band go first, then the 16 of the
 * static band, then the range is full. */
static void
test_svc_alloc_exhaustion_falls_back_to_the_static_band(void **state)
{
    (void) state;
    g_autoptr(KnSvcIpAllocator) alloc = ip_allocator("10.0.0.0/24");
    g_autoptr(GError) error = NULL;
    KnRng rng;

    kn_rng_init(&rng, 7, "svc-alloc/ip");
    for (int i = 0; i < 254; i++) {
        g_autofree char *ip = kn_svc_alloc_ip_allocate_next(alloc, &rng, NULL);
        guint offset;

        assert_non_null(ip);
        offset = ipv4_offset(ip, "10.0.0.0");
        if (i < 238)
            assert_true(offset >= 16 && offset < 254);
        else
            assert_true(offset < 16);
    }
    assert_int_equal(kn_svc_alloc_ip_n_free(alloc), 0);
    assert_null(kn_svc_alloc_ip_allocate_next(alloc, &rng, &error));
    assert_value_error(error, "failed to allocate a serviceIP: range is full");

    /* The same for ports: 4 dynamic, then the 16 static, then full. */
    g_autoptr(KnSvcPortAllocator) ports = port_allocator(30000, 20);
    g_autoptr(GError) port_error = NULL;

    assert_int_equal(kn_svc_alloc_port_get_band(ports), 16);
    for (int i = 0; i < 20; i++) {
        guint port = kn_svc_alloc_port_allocate_next(ports, &rng, NULL);

        if (i < 4)
            assert_true(port >= 30016 && port <= 30019);
        else
            assert_true(port >= 30000 && port < 30016);
    }
    assert_int_equal(kn_svc_alloc_port_allocate_next(ports, &rng, &port_error), 0);
    assert_value_error(port_error, "failed to allocate a nodePort: range is full");
}

/* Default NodePorts never come from 30000-30085 while the rest has room. */
static void
test_svc_alloc_dynamic_ports_avoid_the_static_band(void **state)
{
    (void) state;
    g_autoptr(KnSvcPortAllocator) ports = port_allocator(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE);
    KnRng rng;

    kn_rng_init(&rng, 3, "svc-alloc/port");
    for (int i = 0; i < 2768 - 86; i++) {
        guint port = kn_svc_alloc_port_allocate_next(ports, &rng, NULL);

        assert_true(port >= 30086 && port <= 32767);
    }
    assert_int_equal(kn_svc_alloc_port_n_free(ports), 86);
    guint port = kn_svc_alloc_port_allocate_next(ports, &rng, NULL);
    assert_true(port >= 30000 && port <= 30085);
}

static void
test_svc_alloc_explicit_ips_may_use_the_static_band(void **state)
{
    (void) state;
    g_autoptr(KnSvcIpAllocator) alloc = ip_allocator("10.96.0.0/12");

    assert_true(kn_svc_alloc_ip_allocate(alloc, "10.96.0.1", NULL));
    assert_true(kn_svc_alloc_ip_allocate(alloc, "10.96.0.10", NULL));
    assert_true(kn_svc_alloc_ip_allocate(alloc, "10.111.255.254", NULL));
    assert_true(kn_svc_alloc_ip_has(alloc, "10.96.0.1"));
    assert_true(kn_svc_alloc_ip_has(alloc, "10.96.0.10"));
    assert_false(kn_svc_alloc_ip_has(alloc, "10.96.0.2"));
    assert_int_equal(kn_svc_alloc_ip_n_used(alloc), 3);

    g_autoptr(KnSvcPortAllocator) ports = port_allocator(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE);
    assert_true(kn_svc_alloc_port_allocate(ports, 30000, NULL));
    assert_true(kn_svc_alloc_port_allocate(ports, 32767, NULL));
    assert_true(kn_svc_alloc_port_has(ports, 30000));
}

static void
test_svc_alloc_errors_use_the_api_servers_words(void **state)
{
    (void) state;
    g_autoptr(KnSvcIpAllocator) alloc = ip_allocator("10.96.0.0/12");
    static const char *const outside[] = { "10.0.0.1", "10.96.0.0", "10.111.255.255", "10.112.0.0" };

    assert_true(kn_svc_alloc_ip_allocate(alloc, "10.96.0.10", NULL));
    {
        g_autoptr(GError) error = NULL;

        assert_false(kn_svc_alloc_ip_allocate(alloc, "10.96.0.10", &error));
        assert_value_error(error, "failed to allocate IP 10.96.0.10: provided IP is already allocated");
    }
    for (gsize i = 0; i < G_N_ELEMENTS(outside); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *want = g_strdup_printf("failed to allocate IP %s: the provided IP (%s) is not in "
                                                "the valid range. The range of valid IPs is 10.96.0.0/12",
                                                outside[i], outside[i]);

        assert_false(kn_svc_alloc_ip_allocate(alloc, outside[i], &error));
        assert_value_error(error, want);
    }
    {
        g_autoptr(GError) error = NULL;

        assert_false(kn_svc_alloc_ip_allocate(alloc, "fd00::1", &error));
        assert_value_error(error, "failed to allocate IP fd00::1: the provided IP (fd00::1) is not in "
                                  "the valid range. The range of valid IPs is 10.96.0.0/12");
    }
    {
        g_autoptr(GError) error = NULL;

        assert_false(kn_svc_alloc_ip_allocate(alloc, "10.96.0.300", &error));
        assert_value_error(error, "failed to parse service IP \"10.96.0.300\"");
    }
    assert_int_equal(kn_svc_alloc_ip_n_used(alloc), 1);

    g_autoptr(KnSvcPortAllocator) ports = port_allocator(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE);
    assert_true(kn_svc_alloc_port_allocate(ports, 30080, NULL));
    {
        g_autoptr(GError) error = NULL;

        assert_false(kn_svc_alloc_port_allocate(ports, 30080, &error));
        assert_value_error(error, "provided port is already allocated");
    }
    for (gint64 port = 29999; port <= 32768; port += 32768 - 29999) {
        g_autoptr(GError) error = NULL;

        assert_false(kn_svc_alloc_port_allocate(ports, port, &error));
        assert_value_error(error, "provided port is not in the valid range. "
                                  "The range of valid ports is 30000-32767");
    }
    assert_int_equal(kn_svc_alloc_port_n_used(ports), 1);
}

/* A /29 has 6 addresses and no static band: fill it, free one, and the
 * next allocation is that one. */
static void
test_svc_alloc_release_makes_room_again(void **state)
{
    (void) state;
    g_autoptr(KnSvcIpAllocator) alloc = ip_allocator("10.0.0.0/29");
    KnRng rng;

    kn_rng_init(&rng, 1, "svc-alloc/ip");
    for (int i = 0; i < 6; i++)
        g_free(kn_svc_alloc_ip_allocate_next(alloc, &rng, NULL));
    assert_null(kn_svc_alloc_ip_allocate_next(alloc, &rng, NULL));

    kn_svc_alloc_ip_release(alloc, "10.0.0.4");
    kn_svc_alloc_ip_release(alloc, "10.0.0.4");      /* a no-op */
    kn_svc_alloc_ip_release(alloc, "10.0.0.7");      /* broadcast: ignored */
    kn_svc_alloc_ip_release(alloc, "192.0.2.1");     /* elsewhere: ignored */
    assert_false(kn_svc_alloc_ip_has(alloc, "10.0.0.4"));
    assert_int_equal(kn_svc_alloc_ip_n_free(alloc), 1);

    g_autofree char *again = kn_svc_alloc_ip_allocate_next(alloc, &rng, NULL);
    assert_string_equal(again, "10.0.0.4");
    kn_svc_alloc_ip_release(alloc, "10.0.0.4");
    assert_true(kn_svc_alloc_ip_allocate(alloc, "10.0.0.4", NULL));

    g_autoptr(KnSvcPortAllocator) ports = port_allocator(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE);
    assert_true(kn_svc_alloc_port_allocate(ports, 31000, NULL));
    kn_svc_alloc_port_release(ports, 31000);
    kn_svc_alloc_port_release(ports, 80);            /* out of range: ignored */
    assert_false(kn_svc_alloc_port_has(ports, 31000));
    assert_true(kn_svc_alloc_port_allocate(ports, 31000, NULL));
}

static void
test_svc_alloc_ipv6_range(void **state)
{
    (void) state;
    g_autoptr(KnSvcIpAllocator) alloc = ip_allocator("fd00:10:96::/112");
    KnRng rng;

    assert_true(kn_svc_alloc_ip_is_ipv6(alloc));
    /* IPv6 keeps the last address: there is no broadcast. */
    assert_true(kn_svc_alloc_ip_allocate(alloc, "fd00:10:96::ffff", NULL));
    assert_true(kn_svc_alloc_ip_allocate(alloc, "fd00:10:96::a", NULL));
    kn_rng_init(&rng, 1, "svc-alloc/ip6");
    for (int i = 0; i < 1000; i++) {
        g_autofree char *ip = kn_svc_alloc_ip_allocate_next(alloc, &rng, NULL);
        struct in6_addr a;

        assert_non_null(ip);
        assert_true(g_str_has_prefix(ip, "fd00:10:96::"));
        assert_int_equal(inet_pton(AF_INET6, ip, &a), 1);
        /* Offset 256 on: the last two bytes are above 0x0100. */
        assert_true((a.s6_addr[14] << 8 | a.s6_addr[15]) > 256);
    }
    assert_true(kn_svc_alloc_ip_has(alloc, "fd00:10:96::a"));
    assert_true(kn_svc_alloc_ip_has(alloc, "fd00:10:96::ffff"));
    assert_int_equal(kn_svc_alloc_ip_n_used(alloc), 1002);

    g_autoptr(GError) error = NULL;
    assert_false(kn_svc_alloc_ip_allocate(alloc, "fd00:10:96::", &error));
    assert_value_error(error, "failed to allocate IP fd00:10:96::: the provided IP (fd00:10:96::) is not "
                              "in the valid range. The range of valid IPs is fd00:10:96::/112");

    /* A /108 is capped at 65536 addresses from the network on. */
    g_autoptr(KnSvcIpAllocator) wide = ip_allocator("fd00:10:96::/108");
    g_autoptr(GError) capped = NULL;
    assert_true(kn_svc_alloc_ip_allocate(wide, "fd00:10:96::ffff", NULL));
    assert_false(kn_svc_alloc_ip_allocate(wide, "fd00:10:96::1:0", &capped));
    assert_value_error(capped, "failed to allocate IP fd00:10:96::1:0: the provided IP (fd00:10:96::1:0) is "
                               "not in the valid range. The range of valid IPs is fd00:10:96::/108");
}

static void
test_svc_alloc_indexed_ip(void **state)
{
    (void) state;
    static const struct {
        const char *cidr;
        guint64 index;
        const char *ip;
    } cases[] = {
        { "10.96.0.0/12", 1, "10.96.0.1" },
        { "10.96.0.0/12", 10, "10.96.0.10" },
        { "10.96.0.0/12", 256, "10.96.1.0" },
        { "10.0.0.0/24", 1, "10.0.0.1" },
        { "fd00:10:96::/112", 1, "fd00:10:96::1" },
        { "fd00:10:96::/112", 10, "fd00:10:96::a" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *ip = kn_svc_alloc_indexed_ip(cases[i].cidr, cases[i].index, &error);

        assert_null(error);
        assert_string_equal(ip, cases[i].ip);
    }

    g_autoptr(GError) error = NULL;
    assert_null(kn_svc_alloc_indexed_ip("10.0.0.0/29", 8, &error));
    assert_value_error(error, "can't generate IP with index 8 from subnet. subnet too small. "
                              "subnet: \"10.0.0.0/29\"");
}

/* Same stream state, same addresses and ports; another stream, others. */
static void
test_svc_alloc_same_seed_same_results(void **state)
{
    (void) state;
    g_autoptr(KnSvcIpAllocator) a = ip_allocator("10.96.0.0/12");
    g_autoptr(KnSvcIpAllocator) b = ip_allocator("10.96.0.0/12");
    g_autoptr(KnSvcIpAllocator) c = ip_allocator("10.96.0.0/12");
    g_autoptr(KnSvcPortAllocator) pa = port_allocator(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE);
    g_autoptr(KnSvcPortAllocator) pb = port_allocator(KN_SVC_ALLOC_PORT_BASE, KN_SVC_ALLOC_PORT_SIZE);
    KnRng ra, rb, rc;
    gboolean all_same = TRUE;

    kn_rng_init(&ra, 42, "svc-alloc");
    kn_rng_init(&rb, 42, "svc-alloc");
    kn_rng_init(&rc, 43, "svc-alloc");
    for (int i = 0; i < 200; i++) {
        g_autofree char *x = kn_svc_alloc_ip_allocate_next(a, &ra, NULL);
        g_autofree char *y = kn_svc_alloc_ip_allocate_next(b, &rb, NULL);
        g_autofree char *z = kn_svc_alloc_ip_allocate_next(c, &rc, NULL);

        assert_string_equal(x, y);
        all_same = all_same && g_str_equal(x, z);
        assert_int_equal(kn_svc_alloc_port_allocate_next(pa, &ra, NULL),
                         kn_svc_alloc_port_allocate_next(pb, &rb, NULL));
    }
    assert_false(all_same);
    assert_memory_equal(&ra, &rb, sizeof ra);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svc_alloc_bands_follow_kep_3070),
        cmocka_unit_test(test_svc_alloc_rejects_bad_ranges),
        cmocka_unit_test(test_svc_alloc_dynamic_ips_avoid_the_static_band),
        cmocka_unit_test(test_svc_alloc_exhaustion_falls_back_to_the_static_band),
        cmocka_unit_test(test_svc_alloc_dynamic_ports_avoid_the_static_band),
        cmocka_unit_test(test_svc_alloc_explicit_ips_may_use_the_static_band),
        cmocka_unit_test(test_svc_alloc_errors_use_the_api_servers_words),
        cmocka_unit_test(test_svc_alloc_release_makes_room_again),
        cmocka_unit_test(test_svc_alloc_ipv6_range),
        cmocka_unit_test(test_svc_alloc_indexed_ip),
        cmocka_unit_test(test_svc_alloc_same_seed_same_results),
    };
    return cmocka_run_group_tests_name("svc-alloc", tests, NULL, NULL);
}
