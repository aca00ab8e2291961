/* test_coredns.c -- CoreDNS answering as v1.11 does, on the lab cluster:
 * each record type, NXDOMAIN against NODATA (reference 7.3), SRV weights,
 * PTR, pod records, ExternalName, forward, cache, and Corefile errors. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include "models/apiserver.h"
#include "models/coredns.h"
#include "models/images.h"
#include "tests/test_cluster.h"

typedef struct {
    TestCluster *t;
    KnCoreDns *dns;
} Fixture;

static KnService *
service(const char *name, const char *selector, const char *port_name, guint port)
{
    KnService *s = kn_service_new();
    KnServicePort *p = kn_service_port_new();

    s->meta.namespace = g_strdup("default");
    s->meta.name = g_strdup(name);
    if (selector) {
        s->spec.selector = kn_labels_new();
        kn_labels_set(s->spec.selector, "app", selector);
    }
    p->name = g_strdup(port_name);
    p->port = port;
    kn_int_or_string_set_number(&p->target_port, port);
    g_ptr_array_add(s->spec.ports, p);
    return s;
}

static void
create(Fixture *f, KnKind kind, gpointer object)
{
    g_autoptr(GError) error = NULL;

    if (!kn_apiserver_create(f->t->cluster, kind, object, &error))
        fail_msg("create: %s", error->message);
}

static KnContainer *
nginx(void)
{
    KnContainer *c = kn_container_new();

    c->name = g_strdup("nginx");
    c->image = g_strdup("nginx:1.27");
    return c;
}

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    g_autoptr(GError) error = NULL;

    f->t = test_cluster_new(TEST_CLUSTER_ENDPOINT_SLICES | TEST_CLUSTER_STATEFUL_SETS);
    if (f->t == NULL)
        return -1;

    KnDeployment *d = kn_deployment_new();
    d->meta.namespace = g_strdup("default");
    d->meta.name = g_strdup("web");
    d->replicas = 3;
    kn_labels_set(d->selector, "app", "web");
    kn_labels_set(d->template.labels, "app", "web");
    g_ptr_array_add(d->template.spec.containers, nginx());
    create(f, KN_KIND_DEPLOYMENT, d);
    create(f, KN_KIND_SERVICE, service("web", "web", "http", 80));

    KnService *db = service("db", "db", "pg", 5432);
    db->spec.cluster_ip = g_strdup("None");
    create(f, KN_KIND_SERVICE, db);
    KnStatefulSet *s = kn_stateful_set_new();
    s->meta.namespace = g_strdup("default");
    s->meta.name = g_strdup("db");
    s->service_name = g_strdup("db");
    s->replicas = 2;
    s->parallel = TRUE;
    kn_labels_set(s->selector, "app", "db");
    kn_labels_set(s->template.labels, "app", "db");
    g_ptr_array_add(s->template.spec.containers, nginx());
    create(f, KN_KIND_STATEFUL_SET, s);

    KnService *empty = service("empty", "nothing", "http", 80);
    empty->spec.cluster_ip = g_strdup("None");
    create(f, KN_KIND_SERVICE, empty);

    KnService *ext = service("ext", NULL, "http", 80);
    ext->spec.type = KN_SERVICE_EXTERNAL_NAME;
    ext->spec.external_name = g_strdup("example.com");
    g_ptr_array_set_size(ext->spec.ports, 0);
    create(f, KN_KIND_SERVICE, ext);

    kn_sim_run_until(f->t->sim, 60 * KN_SEC);
    f->dns = kn_coredns_new(f->t->cluster, "coredns-0", &error);
    g_assert_no_error(error);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    kn_coredns_free(f->dns);
    test_cluster_free(f->t);
    g_free(f);
    return 0;
}

/* Asks 'name' 'type' over UDP without EDNS0; the answer is in 'out'. */
static void
ask(Fixture *f, const char *name, guint16 type, KnCoreDnsAnswer *out)
{
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(42, name, type, TRUE);

    kn_coredns_answer(f->dns, q, NULL, FALSE, out);
    assert_non_null(out->response);
    assert_int_equal(out->response->id, 42);
    /* Whatever CoreDNS sends must survive the wire. */
    g_autoptr(GBytes) wire = kn_dns_message_encode(out->response);
    g_autoptr(KnDnsMessage) back = kn_dns_message_decode(wire, NULL);
    assert_non_null(back);
}

static char *
line(const KnDnsMessage *m, GPtrArray *section, guint i)
{
    (void) m;
    assert_true(i < section->len);
    return kn_dns_record_to_string(section->pdata[i]);
}

static const char *
cluster_ip(Fixture *f, const char *name)
{
    KnService *s = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", name);

    return s->spec.cluster_ip;
}

static void
assert_negative(KnCoreDnsAnswer *a, guint8 rcode)
{
    KnDnsMessage *m = a->response;

    assert_int_equal(m->rcode, rcode);
    assert_true(m->aa);
    assert_int_equal(m->answers->len, 0);
    assert_int_equal(m->authority->len, 1);
    g_autofree char *soa = line(m, m->authority, 0);
    if (!g_str_has_prefix(soa, "cluster.local. 30 IN SOA ns.dns.cluster.local. "
                               "hostmaster.cluster.local. ") ||
        !g_str_has_suffix(soa, " 7200 1800 86400 30"))
        fail_msg("SOA: %s", soa);
    /* The serial: the Unix time of the last change, on the pods' clock. */
    guint64 serial = g_ascii_strtoull(soa + strlen("cluster.local. 30 IN SOA ns.dns.cluster.local. "
                                                   "hostmaster.cluster.local. "), NULL, 10);
    assert_true(serial >= (guint64) KN_IMAGES_EPOCH && serial < (guint64) KN_IMAGES_EPOCH + 3600);
    assert_string_equal(a->plugin, "kubernetes");
}

static void
test_coredns_clusterip_a(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;

    ask(f, "web.default.svc.cluster.local", KN_DNS_TYPE_A, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_NOERROR);
    assert_true(a.response->aa);
    assert_false(a.response->ra);
    assert_int_equal(a.response->answers->len, 1);
    g_autofree char *got = line(a.response, a.response->answers, 0);
    g_autofree char *want = g_strdup_printf("web.default.svc.cluster.local. 30 IN A %s",
                                            cluster_ip(f, "web"));
    assert_string_equal(got, want);
    assert_string_equal(a.plugin, "kubernetes");
    assert_false(a.cached);
    assert_false(a.forwarded);
    /* Small replies leave uncompressed (request.Scrub). */
    assert_false(a.response->compress);
    kn_coredns_answer_clear(&a);

    /* The second time it comes from this pod's cache. */
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 12 * KN_SEC);
    ask(f, "WEB.default.svc.cluster.local", KN_DNS_TYPE_A, &a);
    assert_true(a.cached);
    assert_string_equal(a.plugin, "cache");
    assert_int_equal(((KnDnsRecord *) a.response->answers->pdata[0])->ttl, 18);
    assert_int_equal(kn_coredns_stats(f->dns)->n_cache_hits, 1);
    kn_coredns_answer_clear(&a);
}

static void
test_coredns_nodata_and_nxdomain(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;
    const struct {
        const char *name;
        guint16 type;
        guint8 rcode;
    } cases[] = {
        { "web.default.svc.cluster.local", KN_DNS_TYPE_AAAA, KN_DNS_RCODE_NOERROR },
        { "web.default.svc.cluster.local", KN_DNS_TYPE_MX, KN_DNS_RCODE_NOERROR },
        { "web.default.svc.cluster.local", KN_DNS_TYPE_TXT, KN_DNS_RCODE_NOERROR },
        { "default.svc.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NOERROR },
        { "svc.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NOERROR },
        { "cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NOERROR },
        { "nosuch.default.svc.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NXDOMAIN },
        { "web.nons.svc.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NXDOMAIN },
        { "nons.svc.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NXDOMAIN },
        { "empty.default.svc.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NXDOMAIN },
        { "api.github.com.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NXDOMAIN },
        { "api.github.com.default.svc.cluster.local", KN_DNS_TYPE_A, KN_DNS_RCODE_NXDOMAIN },
        { "_http._tcp.nosuch.default.svc.cluster.local", KN_DNS_TYPE_SRV, KN_DNS_RCODE_NXDOMAIN },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        ask(f, cases[i].name, cases[i].type, &a);
        if (a.response->rcode != cases[i].rcode)
            fail_msg("%s: rcode %u, want %u", cases[i].name, a.response->rcode, cases[i].rcode);
        assert_negative(&a, cases[i].rcode);
        kn_coredns_answer_clear(&a);
    }

    ask(f, "web.default.svc.cluster.local", KN_DNS_TYPE_AXFR, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_REFUSED);
    kn_coredns_answer_clear(&a);
}

static void
test_coredns_headless_and_statefulset(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;
    KnPod *db0 = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "db-0");

    assert_non_null(db0);
    ask(f, "db.default.svc.cluster.local", KN_DNS_TYPE_A, &a);
    assert_int_equal(a.response->answers->len, 2);
    kn_coredns_answer_clear(&a);

    ask(f, "db-0.db.default.svc.cluster.local", KN_DNS_TYPE_A, &a);
    assert_int_equal(a.response->answers->len, 1);
    g_autofree char *got = line(a.response, a.response->answers, 0);
    g_autofree char *want = g_strdup_printf("db-0.db.default.svc.cluster.local. 30 IN A %s",
                                            db0->pod_ip);
    assert_string_equal(got, want);
    kn_coredns_answer_clear(&a);

    /* SRV per endpoint: two records of weight 50, targets the pods' names,
     * their addresses in the additional section. */
    ask(f, "_pg._tcp.db.default.svc.cluster.local", KN_DNS_TYPE_SRV, &a);
    assert_int_equal(a.response->answers->len, 2);
    assert_int_equal(a.response->additional->len, 2);
    g_autofree char *srv0 = line(a.response, a.response->answers, 0);
    g_autofree char *srv1 = line(a.response, a.response->answers, 1);
    assert_true(g_str_has_prefix(srv0, "_pg._tcp.db.default.svc.cluster.local. 30 IN SRV 0 50 5432 db-"));
    assert_true(g_str_has_suffix(srv1, ".db.default.svc.cluster.local."));
    kn_coredns_answer_clear(&a);

    /* PTR of a pod IP names its endpoint. */
    KnAddr addr;
    kn_addr_parse(db0->pod_ip, &addr);
    g_autofree char *rev = kn_dns_name_reverse(&addr);
    ask(f, rev, KN_DNS_TYPE_PTR, &a);
    assert_int_equal(a.response->answers->len, 1);
    assert_string_equal(((KnDnsRecord *) a.response->answers->pdata[0])->target,
                        "db-0.db.default.svc.cluster.local");
    kn_coredns_answer_clear(&a);
}

static void
test_coredns_srv_and_ptr_for_clusterip(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;

    ask(f, "_http._tcp.web.default.svc.cluster.local", KN_DNS_TYPE_SRV, &a);
    assert_int_equal(a.response->answers->len, 1);
    g_autofree char *srv = line(a.response, a.response->answers, 0);
    assert_string_equal(srv, "_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 "
                             "web.default.svc.cluster.local.");
    g_autofree char *extra = line(a.response, a.response->additional, 0);
    g_autofree char *want = g_strdup_printf("web.default.svc.cluster.local. 30 IN A %s",
                                            cluster_ip(f, "web"));
    assert_string_equal(extra, want);
    kn_coredns_answer_clear(&a);

    /* An unnamed or wrong port has no SRV: the name exists, so NXDOMAIN
     * only because no port matched (findServices keeps errNoItems). */
    ask(f, "_https._tcp.web.default.svc.cluster.local", KN_DNS_TYPE_SRV, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_NXDOMAIN);
    kn_coredns_answer_clear(&a);

    /* A bare underscore is any port (stripUnderscore leaves "", which
     * matchPortAndProtocol takes as a wildcard): every TCP port, no UDP. */
    ask(f, "_._tcp.web.default.svc.cluster.local", KN_DNS_TYPE_SRV, &a);
    assert_int_equal(a.response->answers->len, 1);
    g_autofree char *any = line(a.response, a.response->answers, 0);
    assert_string_equal(any, "_._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 "
                             "web.default.svc.cluster.local.");
    kn_coredns_answer_clear(&a);
    ask(f, "_._udp.web.default.svc.cluster.local", KN_DNS_TYPE_SRV, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_NXDOMAIN);
    kn_coredns_answer_clear(&a);

    KnAddr addr;
    kn_addr_parse(cluster_ip(f, "web"), &addr);
    g_autofree char *rev = kn_dns_name_reverse(&addr);
    ask(f, rev, KN_DNS_TYPE_PTR, &a);
    g_autofree char *ptr = line(a.response, a.response->answers, 0);
    g_autofree char *want_ptr = g_strdup_printf("%s. 30 IN PTR web.default.svc.cluster.local.", rev);
    assert_string_equal(ptr, want_ptr);
    kn_coredns_answer_clear(&a);

    /* An address nobody has falls through to the upstream: NXDOMAIN. */
    ask(f, "9.9.9.10.in-addr.arpa", KN_DNS_TYPE_PTR, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_NXDOMAIN);
    assert_true(a.forwarded);
    kn_coredns_answer_clear(&a);
}

static void
test_coredns_pods_and_txt(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;

    ask(f, "10-244-1-5.default.pod.cluster.local", KN_DNS_TYPE_A, &a);
    g_autofree char *pod = line(a.response, a.response->answers, 0);
    assert_string_equal(pod, "10-244-1-5.default.pod.cluster.local. 30 IN A 10.244.1.5");
    kn_coredns_answer_clear(&a);

    ask(f, "10-244-1-5.nons.pod.cluster.local", KN_DNS_TYPE_A, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_NXDOMAIN);
    kn_coredns_answer_clear(&a);

    ask(f, "dns-version.cluster.local", KN_DNS_TYPE_TXT, &a);
    g_autofree char *txt = line(a.response, a.response->answers, 0);
    /* The cache caps every TTL at 30. */
    assert_string_equal(txt, "dns-version.cluster.local. 30 IN TXT \"1.1.0\"");
    kn_coredns_answer_clear(&a);
}

static void
test_coredns_externalname_and_forward(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;

    /* The CNAME, then example.com looked up through the server again. */
    ask(f, "ext.default.svc.cluster.local", KN_DNS_TYPE_A, &a);
    assert_int_equal(a.response->answers->len, 2);
    g_autofree char *cname = line(a.response, a.response->answers, 0);
    g_autofree char *target = line(a.response, a.response->answers, 1);
    assert_string_equal(cname, "ext.default.svc.cluster.local. 30 IN CNAME example.com.");
    assert_string_equal(target, "example.com. 30 IN A 93.184.215.14");
    assert_true(a.forwarded);
    assert_string_equal(a.upstream, "external.dns");
    assert_int_equal(a.upstream_delay, 2 * f->t->scenario->network.external);
    kn_coredns_answer_clear(&a);

    /* With DO set the reply is another cache entry (the key holds DO),
     * built again by the kubernetes plugin; only its lookup of
     * example.com, asked without DO, comes from the cache. */
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(42, "ext.default.svc.cluster.local", KN_DNS_TYPE_A, TRUE);

    kn_dns_message_set_edns(q, 1232, TRUE);
    kn_coredns_answer(f->dns, q, NULL, FALSE, &a);
    assert_int_equal(a.response->answers->len, 2);
    assert_false(a.cached);
    assert_false(a.forwarded);
    assert_string_equal(a.plugin, "kubernetes");
    kn_coredns_answer_clear(&a);
    kn_coredns_answer(f->dns, q, NULL, FALSE, &a);
    assert_true(a.cached);
    assert_string_equal(a.plugin, "cache");
    kn_coredns_answer_clear(&a);

    ask(f, "ext.default.svc.cluster.local", KN_DNS_TYPE_SRV, &a);
    assert_negative(&a, KN_DNS_RCODE_NOERROR);
    kn_coredns_answer_clear(&a);

    ask(f, "api.github.com", KN_DNS_TYPE_A, &a);
    assert_string_equal(a.plugin, "forward");
    assert_true(a.forwarded);
    assert_true(a.response->ra);
    assert_false(a.response->aa);
    g_autofree char *gh = line(a.response, a.response->answers, 0);
    assert_string_equal(gh, "api.github.com. 30 IN A 140.82.112.6");
    kn_coredns_answer_clear(&a);

    ask(f, "api.github.com", KN_DNS_TYPE_A, &a);
    assert_true(a.cached);
    assert_false(a.forwarded);
    assert_true(a.response->aa);
    kn_coredns_answer_clear(&a);

    ask(f, "nosuch.example.org", KN_DNS_TYPE_A, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_NXDOMAIN);
    assert_true(a.forwarded);
    kn_coredns_answer_clear(&a);
}

/* Over 512 bytes without EDNS0: TC and as many records as fit. */
static void
test_coredns_truncation(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(1, "_pg._tcp.db.default.svc.cluster.local",
                                                         KN_DNS_TYPE_SRV, TRUE);

    kn_dns_message_set_edns(q, 1232, FALSE);
    kn_coredns_answer(f->dns, q, NULL, FALSE, &a);
    guint16 size = 0;
    assert_true(kn_dns_message_get_edns(a.response, &size, NULL));
    assert_int_equal(size, 1232);
    assert_false(a.response->tc);
    kn_coredns_answer_clear(&a);
}

static void
set_corefile(Fixture *f, const char *text)
{
    KnConfigMap *cm = kn_store_lookup(f->t->cluster->store, KN_KIND_CONFIG_MAP, "kube-system",
                                      "coredns");

    kn_labels_set(cm->data, "Corefile", text);
}

/* request.SizeAndDo: the client's COOKIE (and other supported options)
 * come back as sent; an unsupported option (ECS, 8) does not. */
static void
test_coredns_echoes_supported_edns_options(void **state)
{
    Fixture *f = *state;
    KnCoreDnsAnswer a;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(7, "web.default.svc.cluster.local",
                                                         KN_DNS_TYPE_A, TRUE);
    static const guint8 options[] = { 0, 8, 0, 4, 0, 1, 0, 0,              /* ECS */
                                      0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 }; /* COOKIE */
    const KnDnsRecord *opt;
    gsize size;
    const guint8 *data;

    kn_dns_message_set_edns(q, 1232, FALSE);
    kn_dns_message_opt(q)->rdata = g_bytes_new_static(options, sizeof options);
    kn_coredns_answer(f->dns, q, NULL, FALSE, &a);
    opt = kn_dns_message_opt(a.response);
    assert_non_null(opt);
    assert_non_null(opt->rdata);
    data = g_bytes_get_data(opt->rdata, &size);
    assert_int_equal(size, 12);
    assert_memory_equal(data, options + 8, 12);
    kn_coredns_answer_clear(&a);

    /* Forwarded, first asked: the cache plugin drops the upstream's OPT on
     * the way out, so the request's comes back; an ExternalName's answer
     * has the kubernetes plugin's own (no OPT of the upstream's). */
    for (guint i = 0; i < 2; i++) {
        g_autoptr(KnDnsMessage) out = kn_dns_message_new_query(8 + i, i == 0 ? "example.com"
                                                               : "ext.default.svc.cluster.local",
                                                               KN_DNS_TYPE_A, TRUE);

        kn_dns_message_set_edns(out, 1232, FALSE);
        kn_dns_message_opt(out)->rdata = g_bytes_new_static(options + 8, 12);
        kn_coredns_answer(f->dns, out, NULL, FALSE, &a);
        assert_string_equal(a.plugin, i == 0 ? "forward" : "kubernetes");
        assert_false(a.cached);
        assert_non_null(kn_dns_message_opt(a.response)->rdata);
        assert_int_equal(g_bytes_get_size(kn_dns_message_opt(a.response)->rdata), 12);
        kn_coredns_answer_clear(&a);
    }
    /* Without the cache plugin, forward's reply keeps the upstream's OPT
     * (here one without options), while the ExternalName's still echoes. */
    g_autoptr(GError) error = NULL;

    set_corefile(f, ".:53 {\n    kubernetes cluster.local\n    forward . /etc/resolv.conf\n}\n");
    assert_true(kn_coredns_reload(f->dns, &error));
    for (guint i = 0; i < 2; i++) {
        g_autoptr(KnDnsMessage) out = kn_dns_message_new_query(10 + i, i == 0 ? "example.org"
                                                               : "ext.default.svc.cluster.local",
                                                               KN_DNS_TYPE_A, TRUE);
        GBytes *rdata;

        kn_dns_message_set_edns(out, 1232, FALSE);
        kn_dns_message_opt(out)->rdata = g_bytes_new_static(options + 8, 12);
        kn_coredns_answer(f->dns, out, NULL, FALSE, &a);
        rdata = kn_dns_message_opt(a.response)->rdata;
        assert_int_equal(rdata != NULL ? g_bytes_get_size(rdata) : 0, i == 0 ? 0 : 12);
        kn_coredns_answer_clear(&a);
    }
}

static void
test_coredns_corefile_errors(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;

    assert_false(kn_coredns_check_corefile(".:53 {\n    errors\n    xyz\n}\n", NULL, &error));
    assert_string_equal(error->message,
                        "/etc/coredns/Corefile:3 - Error during parsing: Unknown directive 'xyz'");
    assert_int_equal(error->code, KN_COREDNS_ERROR_UNKNOWN_PLUGIN);
    g_clear_error(&error);

    assert_false(kn_coredns_check_corefile(".:53 {\n  kubernetes cluster.local {\n    ttl 4000\n  }\n}\n",
                                           NULL, &error));
    assert_string_equal(error->message, "plugin/kubernetes: /etc/coredns/Corefile:3 - Error during "
                                        "parsing: ttl must be in range [0, 3600]: 4000");
    g_clear_error(&error);

    assert_false(kn_coredns_check_corefile(".:53 {\n  forward .\n}\n", NULL, &error));
    assert_string_equal(error->message, "plugin/forward: /etc/coredns/Corefile:2 - Error during "
                                        "parsing: Wrong argument count or unexpected line ending after '.'");
    g_clear_error(&error);

    /* A bad reload keeps the running configuration. */
    set_corefile(f, ".:53 {\n    bogus\n}\n");
    assert_false(kn_coredns_reload(f->dns, &error));
    assert_string_equal(error->message,
                        "/etc/coredns/Corefile:2 - Error during parsing: Unknown directive 'bogus'");
    assert_string_equal(kn_coredns_zone(f->dns), "cluster.local");
    assert_int_equal(kn_coredns_ttl(f->dns), 30);
}

/* autopath @kubernetes with pods verified, rewrite and hosts. */
static void
test_coredns_autopath_rewrite_hosts(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    KnCoreDnsAnswer a;
    KnPod *client = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "db-1");
    KnAddr addr;

    set_corefile(f, ".:53 {\n"
                    "    errors\n"
                    "    hosts {\n"
                    "        192.0.2.1 legacy.corp\n"
                    "        fallthrough\n"
                    "    }\n"
                    "    rewrite name exact old.default.svc.cluster.local web.default.svc.cluster.local\n"
                    "    autopath @kubernetes\n"
                    "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
                    "       pods verified\n"
                    "       fallthrough in-addr.arpa ip6.arpa\n"
                    "    }\n"
                    "    forward . /etc/resolv.conf\n"
                    "}\n");
    assert_true(kn_coredns_reload(f->dns, &error));
    assert_int_equal(kn_coredns_ttl(f->dns), 5);
    kn_addr_parse(client->pod_ip, &addr);

    /* "web" with the client's first search domain: found at once. */
    g_autoptr(KnDnsMessage) q1 = kn_dns_message_new_query(1, "web.default.svc.cluster.local",
                                                          KN_DNS_TYPE_A, TRUE);
    kn_coredns_answer(f->dns, q1, &addr, FALSE, &a);
    assert_int_equal(a.response->answers->len, 1);
    assert_true(a.autopath);
    kn_coredns_answer_clear(&a);

    /* example.com.default.svc.cluster.local: NXDOMAIN twice, then the bare
     * name answers, with a CNAME from the name asked. */
    g_autoptr(KnDnsMessage) q2 = kn_dns_message_new_query(2, "example.com.default.svc.cluster.local",
                                                          KN_DNS_TYPE_A, TRUE);
    kn_coredns_answer(f->dns, q2, &addr, FALSE, &a);
    assert_string_equal(a.plugin, "autopath");
    assert_int_equal(a.response->answers->len, 2);
    g_autofree char *cname = line(a.response, a.response->answers, 0);
    assert_string_equal(cname, "example.com.default.svc.cluster.local. 300 IN CNAME example.com.");
    assert_string_equal(kn_dns_message_question(a.response)->name,
                        "example.com.default.svc.cluster.local");
    assert_true(a.forwarded);
    kn_coredns_answer_clear(&a);

    /* The client's first search domain itself: no base name to try the
     * search list with (dnsutil.TrimZone fails), SERVFAIL. */
    g_autoptr(KnDnsMessage) q5 = kn_dns_message_new_query(5, "default.svc.cluster.local", KN_DNS_TYPE_A, TRUE);
    kn_coredns_answer(f->dns, q5, &addr, FALSE, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_SERVFAIL);
    assert_string_equal(a.plugin, "autopath");
    kn_coredns_answer_clear(&a);

    g_autoptr(KnDnsMessage) q3 = kn_dns_message_new_query(3, "old.default.svc.cluster.local",
                                                          KN_DNS_TYPE_A, TRUE);
    kn_coredns_answer(f->dns, q3, NULL, FALSE, &a);
    assert_int_equal(a.response->rcode, KN_DNS_RCODE_NOERROR);
    assert_string_equal(kn_dns_message_question(a.response)->name, "old.default.svc.cluster.local");
    assert_string_equal(((KnDnsRecord *) a.response->answers->pdata[0])->name,
                        "web.default.svc.cluster.local");
    kn_coredns_answer_clear(&a);

    g_autoptr(KnDnsMessage) q4 = kn_dns_message_new_query(4, "legacy.corp", KN_DNS_TYPE_A, TRUE);
    kn_coredns_answer(f->dns, q4, NULL, FALSE, &a);
    assert_string_equal(a.plugin, "hosts");
    g_autofree char *host = line(a.response, a.response->answers, 0);
    assert_string_equal(host, "legacy.corp. 3600 IN A 192.0.2.1");
    kn_coredns_answer_clear(&a);
}

/* node-local-dns's Corefile as node-cache writes it (the addon's
 * nodelocaldns.yaml with its __PILLAR__ values filled in). */
static const char node_cache_corefile[] =
    "cluster.local:53 {\n"
    "    errors\n"
    "    cache {\n"
    "            success 9984 30\n"
    "            denial 9984 5\n"
    "    }\n"
    "    reload\n"
    "    loop\n"
    "    bind 169.254.20.10 10.96.0.10\n"
    "    forward . 10.96.0.20 {\n"
    "            force_tcp\n"
    "    }\n"
    "    prometheus :9253\n"
    "    health 169.254.20.10:8080\n"
    "    }\n"
    ".:53 {\n"
    "    errors\n"
    "    cache 30\n"
    "    reload\n"
    "    loop\n"
    "    bind 169.254.20.10 10.96.0.10\n"
    "    forward . /etc/resolv.conf\n"
    "    prometheus :9253\n"
    "    }\n";

/* A forward to an address over the data path: pending with a new id over
 * TCP (force_tcp), resumed with the upstream's reply under the client's
 * id and kept by the cache (30 s for answers, 5 s for denials in the
 * cluster zone); the root zone still goes to the outside resolver. */
static void
test_coredns_network_forward_and_bind(void **state)
{
    Fixture *f = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(KnCoreDns) cache = kn_coredns_new_from_corefile(f->t->cluster, "node-local-dns-x",
                                                              node_cache_corefile, "/etc/Corefile", &error);
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(42, "web.default.svc.cluster.local", KN_DNS_TYPE_A, TRUE);
    g_autoptr(KnDnsMessage) nx = kn_dns_message_new_query(43, "nosuch.default.svc.cluster.local",
                                                          KN_DNS_TYPE_A, TRUE);
    g_autoptr(KnDnsMessage) out = kn_dns_message_new_query(44, "example.com", KN_DNS_TYPE_A, TRUE);
    KnCoreDnsAnswer a, up, done;
    KnAddr local, pod, upstream;
    char buf[KN_ADDR_STRLEN];

    g_assert_no_error(error);
    kn_coredns_set_network_forward(cache, TRUE);
    kn_addr_parse("169.254.20.10", &local);
    kn_addr_parse("10.244.1.2", &pod);
    kn_addr_parse("10.96.0.20", &upstream);
    assert_true(kn_coredns_listens_on(cache, &local, 53));
    assert_false(kn_coredns_listens_on(cache, &pod, 53));
    assert_true(kn_coredns_listens_on(f->dns, &pod, 53));    /* no bind: everywhere */

    kn_coredns_answer(cache, q, &pod, FALSE, &a);
    assert_null(a.response);
    assert_non_null(a.pending);
    assert_true(a.pending_tcp);
    assert_string_equal(kn_addr_format(&a.pending_to, buf), "10.96.0.20");
    assert_true(kn_addr_equal(&a.pending_to, &upstream));
    assert_int_not_equal(a.pending->id, 42);
    assert_string_equal(kn_dns_message_question(a.pending)->name, "web.default.svc.cluster.local");
    assert_string_equal(a.plugin, "forward");

    /* The cluster's CoreDNS answers over TCP; node-local-dns resumes. */
    kn_coredns_answer(f->dns, a.pending, NULL, TRUE, &up);
    assert_int_equal(up.response->id, a.pending->id);
    kn_coredns_answer_resume(cache, q, &pod, FALSE, up.response, &done);
    assert_non_null(done.response);
    assert_int_equal(done.response->id, 42);
    assert_int_equal(done.response->answers->len, 1);
    assert_true(done.forwarded);
    assert_false(done.cached);
    assert_string_equal(done.upstream, "10.96.0.20");
    assert_int_equal(done.upstream_delay, 0);
    kn_coredns_answer_clear(&a);
    kn_coredns_answer_clear(&up);
    kn_coredns_answer_clear(&done);

    /* Again: from the cache, nothing pending. */
    kn_coredns_answer(cache, q, &pod, FALSE, &a);
    assert_null(a.pending);
    assert_true(a.cached);
    assert_string_equal(a.plugin, "cache");
    kn_coredns_answer_clear(&a);
    assert_int_equal(kn_coredns_stats(cache)->n_forwarded, 1);
    assert_int_equal(kn_coredns_stats(cache)->n_cache_hits, 1);
    assert_int_equal(kn_coredns_stats(cache)->n_queries, 2);

    /* A denial is kept 5 s (denial 9984 5), then asked for again. */
    kn_coredns_answer(cache, nx, &pod, FALSE, &a);
    kn_coredns_answer(f->dns, a.pending, NULL, TRUE, &up);
    kn_coredns_answer_resume(cache, nx, &pod, FALSE, up.response, &done);
    assert_int_equal(done.response->rcode, KN_DNS_RCODE_NXDOMAIN);
    assert_int_equal(((KnDnsRecord *) done.response->authority->pdata[0])->ttl, 5);
    kn_coredns_answer_clear(&a);
    kn_coredns_answer_clear(&up);
    kn_coredns_answer_clear(&done);
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 6 * KN_SEC);
    kn_coredns_answer(cache, nx, &pod, FALSE, &a);
    assert_non_null(a.pending);
    /* No reply at all: forward answers SERVFAIL. */
    kn_coredns_answer_resume(cache, nx, &pod, FALSE, NULL, &done);
    assert_int_equal(done.response->rcode, KN_DNS_RCODE_SERVFAIL);
    kn_coredns_answer_clear(&a);
    kn_coredns_answer_clear(&done);

    /* The root zone forwards to /etc/resolv.conf: the outside world. */
    kn_coredns_answer(cache, out, &pod, FALSE, &a);
    assert_null(a.pending);
    assert_string_equal(a.upstream, "external.dns");
    kn_coredns_answer_clear(&a);

    /* forward's block is checked. */
    assert_false(kn_coredns_check_corefile(".:53 {\n    forward . 10.96.0.20 {\n        force_udp\n    }\n}\n",
                                           "/etc/Corefile", &error));
    assert_string_equal(error->message, "plugin/forward: /etc/Corefile:3 - Error during parsing: "
                                        "unknown property 'force_udp'");
}

/* kn_coredns_answer_again() replies exactly what the walk replies, with
 * the same counters, for every shape of query, as cache entries age,
 * expire and come back; and never for a reply loadbalance shuffled. */
static void
test_coredns_answer_again_matches_walk(void **state)
{
    Fixture *f = *state;
    static const char *const names[] = {
        "web.default.svc.cluster.local", "WEB.Default.svc.cluster.local", "db.default.svc.cluster.local",
        "db-0.db.default.svc.cluster.local", "nothere.default.svc.cluster.local",
        "ext.default.svc.cluster.local", "_http._tcp.web.default.svc.cluster.local", "example.com",
    };
    static const guint16 types[] = { KN_DNS_TYPE_A, KN_DNS_TYPE_AAAA, KN_DNS_TYPE_SRV };
    KnAddr v4, v6;
    guint n_again = 0, n_walked = 0;

    assert_true(kn_addr_parse("10.244.1.7", &v4));
    assert_true(kn_addr_parse("fd00::7", &v6));
    for (guint step = 0; step < 600; step++) {
        guint shape = step * 7 % (G_N_ELEMENTS(names) * G_N_ELEMENTS(types) * 4);
        const char *name = names[shape % G_N_ELEMENTS(names)];
        guint16 type = types[shape / G_N_ELEMENTS(names) % G_N_ELEMENTS(types)];
        guint variant = shape / (G_N_ELEMENTS(names) * G_N_ELEMENTS(types));
        g_autoptr(KnDnsMessage) q = kn_dns_message_new_query((guint16) (1000 + step), name, type, TRUE);
        const KnAddr *client = variant & 2 ? &v6 : &v4;
        KnCoreDnsStats before, middle;
        KnCoreDnsAnswer a;

        if (variant & 1)
            kn_dns_message_set_edns(q, 1232, step % 3 == 0);
        g_autoptr(GBytes) request = kn_dns_message_encode(q);

        before = *kn_coredns_stats(f->dns);
        g_autoptr(GBytes) again = kn_coredns_answer_again(f->dns, request, client);
        middle = *kn_coredns_stats(f->dns);
        if (again == NULL)
            assert_memory_equal(&before, &middle, sizeof before);

        kn_coredns_answer(f->dns, q, client, FALSE, &a);
        g_autoptr(GBytes) walked = kn_dns_message_encode(a.response);
        const KnCoreDnsStats *after = kn_coredns_stats(f->dns);

        if (again != NULL) {
            if (!g_bytes_equal(again, walked)) {
                g_autofree char *x = g_base64_encode(g_bytes_get_data(again, NULL), g_bytes_get_size(again));
                g_autofree char *y = g_base64_encode(g_bytes_get_data(walked, NULL), g_bytes_get_size(walked));
                fail_msg("step %u %s type %u variant %u: again %s walked %s", step, name, type, variant, x, y);
            }
            assert_int_equal(middle.n_queries - before.n_queries, after->n_queries - middle.n_queries);
            assert_int_equal(middle.n_cache_hits - before.n_cache_hits, after->n_cache_hits - middle.n_cache_hits);
            assert_int_equal(middle.n_nxdomain - before.n_nxdomain, after->n_nxdomain - middle.n_nxdomain);
            assert_int_equal(middle.n_truncated - before.n_truncated, after->n_truncated - middle.n_truncated);
            n_again++;
        } else {
            n_walked++;
        }
        /* db has two ready pods: their order is drawn, so never kept. */
        if (strcmp(name, "db.default.svc.cluster.local") == 0 && type == KN_DNS_TYPE_A)
            assert_null(a.hit);
        kn_coredns_remember(f->dns, request, client, &a, walked);
        kn_coredns_answer_clear(&a);
        kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + (step % 5) * 60 * KN_MSEC);
    }
    /* Both ways were taken, many times. */
    assert_true(n_again > 200);
    assert_true(n_walked > 50);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_coredns_clusterip_a, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_nodata_and_nxdomain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_headless_and_statefulset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_srv_and_ptr_for_clusterip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_pods_and_txt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_externalname_and_forward, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_truncation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_echoes_supported_edns_options, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_coredns_corefile_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_autopath_rewrite_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_network_forward_and_bind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coredns_answer_again_matches_walk, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
