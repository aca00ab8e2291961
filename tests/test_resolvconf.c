/* test_resolvconf.c -- the pod resolv.conf the kubelet writes for each
 * dnsPolicy, its limits and events, and the file read back by glibc and
 * musl. */
#include <config.h>
#include "tests/test_util.h"

#include "models/resolvconf.h"

static const char *const cluster_dns[] = { "10.96.0.10", NULL };

static KnKubeletDns
kind_kubelet(const char *host)
{
    KnKubeletDns kubelet = { cluster_dns, "cluster.local", host, FALSE };

    return kubelet;
}

static void
test_resolvconf_cluster_first(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet(KN_RESOLVCONF_KIND_NODE);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_CLUSTER_FIRST, FALSE,
                                              NULL, NULL);

    assert_string_equal(text, "search app.svc.cluster.local svc.cluster.local cluster.local\n"
                              "nameserver 10.96.0.10\n"
                              "options ndots:5\n");
}

static void
test_resolvconf_cluster_first_appends_host_search(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet("# generated\n"
                                        "search old.example\n"
                                        "search us-west-2.compute.internal. cluster.local .\n"
                                        "nameserver 172.18.0.1\n"
                                        "options rotate timeout:1\n");
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_CLUSTER_FIRST, FALSE,
                                              NULL, NULL);

    /* The last search line wins, "." and the final dot go, duplicates
     * go, host options do not come along. */
    assert_string_equal(text, "search app.svc.cluster.local svc.cluster.local cluster.local "
                              "us-west-2.compute.internal\n"
                              "nameserver 10.96.0.10\n"
                              "options ndots:5\n");
}

static void
test_resolvconf_host_network(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet("nameserver 172.18.0.1\noptions ndots:0 edns0\n");
    g_autofree char *host = kn_resolvconf_pod(&kubelet, "kube-system", KN_DNS_POLICY_CLUSTER_FIRST,
                                              TRUE, NULL, NULL);
    g_autofree char *with = kn_resolvconf_pod(&kubelet, "kube-system",
                                              KN_DNS_POLICY_CLUSTER_FIRST_WITH_HOST_NET, TRUE, NULL,
                                              NULL);
    g_autofree char *def = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_DEFAULT, FALSE, NULL,
                                             NULL);

    assert_string_equal(host, "nameserver 172.18.0.1\noptions ndots:0 edns0\n");
    assert_string_equal(def, host);
    assert_string_equal(with, "search kube-system.svc.cluster.local svc.cluster.local "
                              "cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n");
}

static void
test_resolvconf_empty_resolv_conf_flag(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet(NULL);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_DEFAULT, FALSE, NULL,
                                              NULL);

    assert_string_equal(text, "search .\nnameserver 127.0.0.1\n");
}

/* A pod.spec.dnsConfig from NULL-terminated lists (each may be NULL);
 * 'options' are "name" or "name=value".  New; kn_pod_dns_config_free(). */
static KnPodDnsConfig *
dns_config(const char *const *servers, const char *const *searches, const char *const *options)
{
    KnPodDnsConfig *config = kn_pod_dns_config_new();

    for (guint i = 0; servers != NULL && servers[i] != NULL; i++)
        g_ptr_array_add(config->nameservers, g_strdup(servers[i]));
    for (guint i = 0; searches != NULL && searches[i] != NULL; i++)
        g_ptr_array_add(config->searches, g_strdup(searches[i]));
    for (guint i = 0; options != NULL && options[i] != NULL; i++) {
        KnPodDnsConfigOption *option = kn_pod_dns_config_option_new();
        const char *equals = strchr(options[i], '=');

        g_free(option->name);
        option->name = equals != NULL ? g_strndup(options[i], equals - options[i]) : g_strdup(options[i]);
        option->value = equals != NULL ? g_strdup(equals + 1) : NULL;
        g_ptr_array_add(config->options, option);
    }
    return config;
}

static void
test_resolvconf_dns_config_merges(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet(KN_RESOLVCONF_KIND_NODE);
    static const char *const servers[] = { "10.96.0.10", "8.8.8.8", NULL };
    static const char *const searches[] = { "corp.example", "svc.cluster.local", NULL };
    static const char *const options[] = { "ndots=2", "single-request-reopen", NULL };
    g_autoptr(KnPodDnsConfig) config = dns_config(servers, searches, options);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_CLUSTER_FIRST, FALSE,
                                              config, NULL);

    assert_string_equal(text, "search app.svc.cluster.local svc.cluster.local cluster.local "
                              "corp.example\n"
                              "nameserver 10.96.0.10\n"
                              "nameserver 8.8.8.8\n"
                              "options ndots:2 single-request-reopen\n");
}

/* pod.spec.dnsConfig.options reach the stub resolver: merged into the
 * kubelet's "ndots:5" (a value replacing it in place), then read by each C
 * library as it reads any resolv.conf. */
static void
test_resolvconf_dns_config_options_reach_the_resolver(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet(KN_RESOLVCONF_KIND_NODE);
    static const char *const options[] = {
        "ndots=1", "timeout=3", "attempts=4", "single-request", "single-request-reopen", "rotate",
        "use-vc", "edns0=", "trust-ad", NULL,
    };
    g_autoptr(KnPodDnsConfig) config = dns_config(NULL, NULL, options);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_CLUSTER_FIRST, FALSE,
                                              config, NULL);
    g_autoptr(KnResolvConf) glibc = kn_resolvconf_parse(text, KN_LIBC_GLIBC);
    g_autoptr(KnResolvConf) musl = kn_resolvconf_parse(text, KN_LIBC_MUSL);

    assert_string_equal(text, "search app.svc.cluster.local svc.cluster.local cluster.local\n"
                              "nameserver 10.96.0.10\n"
                              "options ndots:1 timeout:3 attempts:4 single-request single-request-reopen "
                              "rotate use-vc edns0 trust-ad\n");
    assert_int_equal(glibc->ndots, 1);
    assert_int_equal(glibc->timeout, 3);
    assert_int_equal(glibc->attempts, 4);
    assert_true(glibc->single_request && glibc->single_request_reopen && glibc->rotate);
    assert_true(glibc->use_vc && glibc->edns0 && glibc->trust_ad);
    /* musl reads ndots, timeout and attempts and nothing else. */
    assert_int_equal(musl->ndots, 1);
    assert_int_equal(musl->timeout, 3);
    assert_int_equal(musl->attempts, 4);
    assert_false(musl->single_request || musl->rotate || musl->use_vc || musl->edns0);
}

static void
test_resolvconf_none_takes_dns_config_only(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet(KN_RESOLVCONF_KIND_NODE);
    static const char *const servers[] = { "1.1.1.1", NULL };
    g_autoptr(KnPodDnsConfig) config = dns_config(servers, NULL, NULL);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_NONE, FALSE, config,
                                              NULL);

    assert_string_equal(text, "nameserver 1.1.1.1\n");
}

static void
test_resolvconf_limits_and_events(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet(KN_RESOLVCONF_KIND_NODE);
    static const char *const servers[] = { "1.1.1.1", "1.0.0.1", "8.8.8.8", NULL };
    g_autoptr(GPtrArray) searches = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(
        (GDestroyNotify) kn_resolvconf_event_free);

    for (guint i = 0; i < 40; i++)
        g_ptr_array_add(searches, g_strdup_printf("d%u.example", i));
    g_ptr_array_add(searches, NULL);

    g_autoptr(KnPodDnsConfig) config = dns_config(servers, (const char *const *) searches->pdata, NULL);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_CLUSTER_FIRST, FALSE,
                                              config, events);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_auto(GStrv) words = g_strsplit(lines[0], " ", -1);

    /* "search" and 32 domains: the 3 cluster ones and d0..d28. */
    assert_int_equal(g_strv_length(words), 33);
    assert_string_equal(words[32], "d28.example");
    assert_string_equal(lines[3], "nameserver 1.0.0.1");
    assert_string_equal(lines[4], "options ndots:5");
    assert_int_equal(events->len, 2);

    const KnResolvConfEvent *ns = events->pdata[0];
    const KnResolvConfEvent *search = events->pdata[1];

    assert_string_equal(ns->reason, "DNSConfigForming");
    assert_string_equal(ns->message, "Nameserver limits were exceeded, some nameservers have been "
                                     "omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 "
                                     "1.0.0.1");
    assert_true(g_str_has_prefix(search->message,
                                 "Search Line limits were exceeded, some search paths have been "
                                 "omitted, the applied search line is: app.svc.cluster.local "));
    assert_true(g_str_has_suffix(search->message, " d28.example"));
}

static void
test_resolvconf_search_cut_to_2048_chars(void **state)
{
    (void) state;
    KnKubeletDns kubelet = kind_kubelet(KN_RESOLVCONF_KIND_NODE);
    g_autoptr(GPtrArray) searches = g_ptr_array_new_with_free_func(g_free);

    /* 20 domains of 200 characters: 4019 with the spaces. */
    for (guint i = 0; i < 20; i++) {
        g_autofree char *label = g_strnfill(190, 'a' + i);

        g_ptr_array_add(searches, g_strdup_printf("%s.example12", label));
    }
    g_ptr_array_add(searches, NULL);

    g_autoptr(KnPodDnsConfig) config = dns_config(NULL, (const char *const *) searches->pdata, NULL);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_NONE, FALSE, config,
                                              NULL);
    const char *end = strchr(text, '\n');

    /* "search " + 10 domains: 10 * 200 + 9 = 2009 <= 2048. */
    assert_int_equal(end - text, 7 + 2009);
}

static void
test_resolvconf_missing_cluster_dns(void **state)
{
    (void) state;
    KnKubeletDns kubelet = { NULL, "cluster.local", KN_RESOLVCONF_KIND_NODE, FALSE };
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(
        (GDestroyNotify) kn_resolvconf_event_free);
    g_autofree char *text = kn_resolvconf_pod(&kubelet, "app", KN_DNS_POLICY_CLUSTER_FIRST, FALSE,
                                              NULL, events);

    assert_string_equal(text, "nameserver 172.18.0.1\n");
    assert_int_equal(events->len, 1);
    assert_string_equal(((KnResolvConfEvent *) events->pdata[0])->reason, "MissingClusterDNS");
}

static void
test_resolvconf_policy_names(void **state)
{
    (void) state;
    KnDnsPolicy policy;

    assert_true(kn_resolvconf_policy_parse("ClusterFirstWithHostNet", &policy));
    assert_int_equal(policy, KN_DNS_POLICY_CLUSTER_FIRST_WITH_HOST_NET);
    assert_true(kn_resolvconf_policy_parse(NULL, &policy));
    assert_int_equal(policy, KN_DNS_POLICY_CLUSTER_FIRST);
    assert_false(kn_resolvconf_policy_parse("clusterfirst", &policy));
}

static void
test_resolvconf_glibc_reads_defaults_and_options(void **state)
{
    (void) state;
    g_autoptr(KnResolvConf) empty = kn_resolvconf_parse("", KN_LIBC_GLIBC);
    g_autoptr(KnResolvConf) conf = kn_resolvconf_parse(
        "# comment\n"
        "; comment\n"
        "domain first.example\n"
        "search a.example b.example. .\n"
        "nameserver 10.96.0.10\n"
        "nameserver 10.96.0.11 # trailing words ignored\n"
        "nameserver fd00::10\n"
        "nameserver 10.96.0.13\n"
        "options ndots:20 timeout:60 attempts:9 rotatefoo single-request-reopen use-vc\n",
        KN_LIBC_GLIBC);
    char buf[KN_ADDR_STRLEN];

    assert_int_equal(empty->ndots, 1);
    assert_int_equal(empty->timeout, 5);
    assert_int_equal(empty->attempts, 2);
    assert_int_equal(empty->nameservers->len, 1);
    assert_string_equal(kn_addr_format(&g_array_index(empty->nameservers, KnAddr, 0), buf),
                        "127.0.0.1");
    assert_int_equal(conf->ndots, 15);
    assert_int_equal(conf->timeout, 30);
    assert_int_equal(conf->attempts, 5);
    assert_true(conf->rotate);                   /* a prefix match */
    assert_true(conf->single_request_reopen);
    assert_false(conf->single_request);
    assert_true(conf->use_vc);
    assert_int_equal(conf->nameservers->len, 3);
    assert_string_equal(kn_addr_format(&g_array_index(conf->nameservers, KnAddr, 2), buf),
                        "fd00::10");
    assert_int_equal(conf->search->len, 3);
    assert_string_equal(conf->search->pdata[1], "b.example");
    assert_string_equal(conf->search->pdata[2], "");
}

static void
test_resolvconf_musl_skips_long_lines(void **state)
{
    (void) state;
    g_autofree char *domains = g_strnfill(250, 'x');
    g_autofree char *text = g_strdup_printf("search short.example\n"
                                            "search %s.example\n"
                                            "nameserver 10.96.0.10\n"
                                            "options single-request foo ndots:3 attempts:20\n",
                                            domains);
    g_autoptr(KnResolvConf) musl = kn_resolvconf_parse(text, KN_LIBC_MUSL);
    g_autoptr(KnResolvConf) glibc = kn_resolvconf_parse(text, KN_LIBC_GLIBC);

    assert_int_equal(musl->n_ignored_lines, 1);
    assert_int_equal(musl->search->len, 1);
    assert_string_equal(musl->search->pdata[0], "short.example");
    assert_int_equal(musl->ndots, 3);
    assert_int_equal(musl->attempts, 10);
    assert_false(musl->single_request);
    assert_int_equal(glibc->search->len, 1);
    assert_true(g_str_has_prefix(glibc->search->pdata[0], "xxx"));
    assert_true(glibc->single_request);
    assert_int_equal(glibc->attempts, 5);
}

/* A last line without its newline is skipped from 255 characters on too:
 * real musl 1.2.3 kept ndots at 1 for "options<240 spaces> ndots:2" at
 * the end of the file (tests/tools/musl-resolver.sh). */
static void
test_resolvconf_musl_skips_a_long_last_line(void **state)
{
    (void) state;
    g_autofree char *pad = g_strnfill(240, ' ');
    g_autofree char *long_line = g_strdup_printf("nameserver 10.96.0.10\noptions%s ndots:2", pad);
    g_autofree char *short_line = g_strdup_printf("nameserver 10.96.0.10\noptions%sndots:2", pad);
    g_autoptr(KnResolvConf) skipped = kn_resolvconf_parse(long_line, KN_LIBC_MUSL);
    g_autoptr(KnResolvConf) read = kn_resolvconf_parse(short_line, KN_LIBC_MUSL);

    assert_int_equal(strlen(strchr(long_line, '\n') + 1), 255);
    assert_int_equal(skipped->n_ignored_lines, 1);
    assert_int_equal(skipped->ndots, 1);
    assert_int_equal(read->n_ignored_lines, 0);
    assert_int_equal(read->ndots, 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolvconf_cluster_first),
        cmocka_unit_test(test_resolvconf_cluster_first_appends_host_search),
        cmocka_unit_test(test_resolvconf_host_network),
        cmocka_unit_test(test_resolvconf_empty_resolv_conf_flag),
        cmocka_unit_test(test_resolvconf_dns_config_merges),
        cmocka_unit_test(test_resolvconf_dns_config_options_reach_the_resolver),
        cmocka_unit_test(test_resolvconf_none_takes_dns_config_only),
        cmocka_unit_test(test_resolvconf_limits_and_events),
        cmocka_unit_test(test_resolvconf_search_cut_to_2048_chars),
        cmocka_unit_test(test_resolvconf_missing_cluster_dns),
        cmocka_unit_test(test_resolvconf_policy_names),
        cmocka_unit_test(test_resolvconf_glibc_reads_defaults_and_options),
        cmocka_unit_test(test_resolvconf_musl_skips_long_lines),
        cmocka_unit_test(test_resolvconf_musl_skips_a_long_last_line),
    };
    return cmocka_run_group_tests_name("resolvconf", tests, NULL, NULL);
}
