/* test_proxy_iptables.c -- kube-proxy's iptables mode: chain names, the
 * probability strings, worked examples A and B of the reference byte for
 * byte, and the executor (endpoint choice, affinity, traffic policies,
 * REJECT, masquerade, rule counts). */

#include <config.h>
#include "tests/test_util.h"

#include <math.h>
#include <string.h>

#include "models/proxy-iptables.h"
#include "models/store.h"
#include "sim/packet.h"
#include "sim/sim.h"

#define DATE "Thu Jan  1 00:00:00 2026"

/*****************************************************************************/
/* Fixture: a store holding hand-made Services and EndpointSlices. */

typedef struct {
    KnSim *sim;
    KnStore *store;
} Fixture;

static Fixture *
fixture_new(void)
{
    Fixture *f = g_new0(Fixture, 1);

    f->sim = kn_sim_new(1);
    f->store = kn_store_new(f->sim);
    return f;
}

static void
fixture_free(Fixture *f)
{
    kn_store_free(f->store);
    kn_sim_free(f->sim);
    g_free(f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Fixture, fixture_free)

/* A Service 'name' in default with one TCP port named 'http' ('port' ->
 * 8080) on 'cluster_ip'. */
static KnService *
add_service(Fixture *f, const char *name, const char *cluster_ip, guint port)
{
    KnService *service = kn_service_new();
    KnServicePort *sp = kn_service_port_new();
    g_autoptr(GError) error = NULL;

    service->meta.namespace = g_strdup("default");
    service->meta.name = g_strdup(name);
    service->spec.selector = kn_labels_new();
    kn_labels_set(service->spec.selector, "app", name);
    service->spec.cluster_ip = g_strdup(cluster_ip);
    g_ptr_array_add(service->spec.cluster_ips, g_strdup(cluster_ip));
    g_ptr_array_add(service->spec.ip_families, g_strdup("IPv4"));
    sp->name = g_strdup("http");
    sp->port = port;
    kn_int_or_string_set_number(&sp->target_port, 8080);
    g_ptr_array_add(service->spec.ports, sp);
    assert_true(kn_store_add(f->store, KN_KIND_SERVICE, service, &error));
    return service;
}

/* An EndpointSlice of Service 'name' with port http/8080 and the endpoints
 * "IP@NODE" of 'endpoints' (NULL-terminated), all ready. */
static void
add_slice(Fixture *f, const char *name, const char *const *endpoints)
{
    KnEndpointSlice *slice = kn_endpoint_slice_new();
    KnEndpointPort *port = kn_endpoint_port_new();
    g_autoptr(GError) error = NULL;

    slice->meta.namespace = g_strdup("default");
    slice->meta.name = g_strdup_printf("%s-abcde", name);
    kn_labels_set(slice->meta.labels, "kubernetes.io/service-name", name);
    port->name = g_strdup("http");
    port->port = 8080;
    g_ptr_array_add(slice->ports, port);
    for (guint i = 0; endpoints[i] != NULL; i++) {
        g_auto(GStrv) parts = g_strsplit(endpoints[i], "@", 2);
        KnEndpoint *ep = kn_endpoint_new();

        g_ptr_array_add(ep->addresses, g_strdup(parts[0]));
        ep->node_name = g_strdup(parts[1]);
        ep->ready = ep->serving = TRUE;
        g_ptr_array_add(slice->endpoints, ep);
    }
    assert_true(kn_store_add(f->store, KN_KIND_ENDPOINT_SLICE, slice, &error));
}

static void
config_for(KnProxyIptablesConfig *config, const char *node)
{
    kn_proxy_iptables_config_init(config);
    config->node_name = node;
    config->node_ip = "172.18.0.2";
    config->cluster_cidr = "10.244.0.0/16";
}

static char *
render_table(KnProxyIrRuleset *ruleset, KnProxyIrTable table)
{
    GString *out = g_string_new(NULL);

    kn_proxy_ir_render_table(ruleset, table, DATE, out);
    return g_string_free(out, FALSE);
}

static void
assert_text(const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("got:\n%s\nwant:\n%s", got, want);
}

/* Every line of 'lines' occurs in 'text' as a whole line, in that order. */
static void
assert_lines_in_order(const char *text, const char *lines)
{
    g_auto(GStrv) want = g_strsplit(lines, "\n", -1);
    const char *from = text;

    for (guint i = 0; want[i] != NULL; i++) {
        if (want[i][0] == '\0')
            continue;
        g_autofree char *needle = g_strdup_printf("\n%s\n", want[i]);
        const char *at = strstr(from > text ? from - 1 : from, needle);

        if (at == NULL)
            fail_msg("missing or out of order:\n%s\nin:\n%s", want[i], text);
        from = at + strlen(needle);
    }
}

/*****************************************************************************/
/* Section 1.2: chain names. */

static void
test_chain_hashes(void **state)
{
    static const struct { const char *port, *proto, *endpoint, *want; } cases[] = {
        { "ns1/svc1:p80", "tcp", NULL, "XPGD46QRK7WJZT7O" },
        { "ns1/svc1:p80", "tcp", "10.180.0.1:80", "SXIVWICOYRO3J4NJ" },
        { "ns2/svc2:p8080", "tcp", NULL, "2VJB64SDSIJUP5T6" },
        { "kube-system/kube-dns:dns", "udp", NULL, "TCOU7JCQXEZGVUNU" },
        { "kube-system/kube-dns:dns-tcp", "tcp", NULL, "ERIFXISQEP7F7OF4" },
        { "kube-system/kube-dns:metrics", "tcp", NULL, "JD5MR3NA4I4DYORP" },
        { "default/kubernetes:https", "tcp", NULL, "NPX46M4PTMTKRN6Y" },
        { "default/web:http", "tcp", NULL, "CDGGSHYLG3RE2FKL" },
        { "default/web:http", "tcp", "10.244.1.5:8080", "AFGSLHOD2HFNCBX4" },
        { "default/web:http", "tcp", "10.244.2.7:8080", "2RIJ5GIYXEFH6G4D" },
        { "default/web:http", "tcp", "10.244.3.9:8080", "RBX5X5TOEG5GD3RO" },
        { "default/lb:http", "tcp", NULL, "JSLCNGWSGB5JPS5Q" },
    };
    char buf[17];

    (void) state;
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_string_equal(kn_proxy_iptables_hash(cases[i].port, cases[i].proto, cases[i].endpoint, buf),
                            cases[i].want);
}

/*****************************************************************************/
/* Section 1.8: probabilities. */

static void
test_probabilities(void **state)
{
    static const struct { guint n; const char *written, *saved; } table[] = {
        { 2, "0.5000000000", "0.50000000000" }, { 3, "0.3333333333", "0.33333333349" },
        { 4, "0.2500000000", "0.25000000000" }, { 5, "0.2000000000", "0.20000000019" },
        { 6, "0.1666666667", "0.16666666651" }, { 7, "0.1428571429", "0.14285714272" },
        { 8, "0.1250000000", "0.12500000000" }, { 9, "0.1111111111", "0.11111111101" },
        { 10, "0.1000000000", "0.10000000009" }, { 11, "0.0909090909", "0.09090909082" },
        { 12, "0.0833333333", "0.08333333349" }, { 16, "0.0625000000", "0.06250000000" },
        { 20, "0.0500000000", "0.04999999981" },
    };
    char buf[32];

    (void) state;
    for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
        assert_string_equal(kn_proxy_ir_probability_text(table[i].n, buf), table[i].written);
        assert_string_equal(kn_proxy_ir_probability_format(kn_proxy_ir_probability(table[i].n), buf),
                            table[i].saved);
    }
    /* Every n from 2 to 20: the stored value is the nearest u32 to 2^31/n
     * (within the rounding of 10 decimals), printed with 11 decimals. */
    for (guint n = 2; n <= 20; n++) {
        guint32 value = kn_proxy_ir_probability(n);
        double exact = 2147483648.0 / n;

        assert_true(fabs(value - exact) <= 2147483648.0 * 0.5e-10 + 0.5);
        kn_proxy_ir_probability_format(value, buf);
        assert_int_equal(strlen(buf), 13);
        assert_true(g_str_has_prefix(buf, "0."));
    }
}

/*****************************************************************************/
/* Worked example A (section 1.10). */

static const char example_a_nat[] =
    "# Generated by iptables-save v1.8.9 (nf_tables) on " DATE "\n"
    "*nat\n"
    ":PREROUTING ACCEPT [0:0]\n"
    ":INPUT ACCEPT [0:0]\n"
    ":OUTPUT ACCEPT [0:0]\n"
    ":POSTROUTING ACCEPT [0:0]\n"
    ":KUBE-MARK-MASQ - [0:0]\n"
    ":KUBE-NODEPORTS - [0:0]\n"
    ":KUBE-POSTROUTING - [0:0]\n"
    ":KUBE-PROXY-CANARY - [0:0]\n"
    ":KUBE-SEP-2RIJ5GIYXEFH6G4D - [0:0]\n"
    ":KUBE-SEP-AFGSLHOD2HFNCBX4 - [0:0]\n"
    ":KUBE-SEP-RBX5X5TOEG5GD3RO - [0:0]\n"
    ":KUBE-SERVICES - [0:0]\n"
    ":KUBE-SVC-CDGGSHYLG3RE2FKL - [0:0]\n"
    "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
    "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
    "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n"
    "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n"
    "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"
    "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n"
    "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n"
    "-A KUBE-SEP-2RIJ5GIYXEFH6G4D -s 10.244.2.7/32 -m comment --comment \"default/web:http\" -j KUBE-MARK-MASQ\n"
    "-A KUBE-SEP-2RIJ5GIYXEFH6G4D -p tcp -m comment --comment \"default/web:http\" -m tcp -j DNAT --to-destination 10.244.2.7:8080\n"
    "-A KUBE-SEP-AFGSLHOD2HFNCBX4 -s 10.244.1.5/32 -m comment --comment \"default/web:http\" -j KUBE-MARK-MASQ\n"
    "-A KUBE-SEP-AFGSLHOD2HFNCBX4 -p tcp -m comment --comment \"default/web:http\" -m tcp -j DNAT --to-destination 10.244.1.5:8080\n"
    "-A KUBE-SEP-RBX5X5TOEG5GD3RO -s 10.244.3.9/32 -m comment --comment \"default/web:http\" -j KUBE-MARK-MASQ\n"
    "-A KUBE-SEP-RBX5X5TOEG5GD3RO -p tcp -m comment --comment \"default/web:http\" -m tcp -j DNAT --to-destination 10.244.3.9:8080\n"
    "-A KUBE-SERVICES -d 10.96.1.100/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL\n"
    "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"
    "-A KUBE-SVC-CDGGSHYLG3RE2FKL ! -s 10.244.0.0/16 -d 10.96.1.100/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ\n"
    "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.1.5:8080\" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-AFGSLHOD2HFNCBX4\n"
    "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.2.7:8080\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-2RIJ5GIYXEFH6G4D\n"
    "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.3.9:8080\" -j KUBE-SEP-RBX5X5TOEG5GD3RO\n"
    "COMMIT\n"
    "# Completed on " DATE "\n";

/* The filter table of example A: the jump rules of section 1.1 (EMP), the
 * kubelet jump chains on top of INPUT and OUTPUT, KUBE-FIREWALL's localnet
 * rule (section 1.3, EMP save form) and the KUBE-FORWARD rules. */
static const char example_a_filter[] =
    "# Generated by iptables-save v1.8.9 (nf_tables) on " DATE "\n"
    "*filter\n"
    ":INPUT ACCEPT [0:0]\n"
    ":FORWARD ACCEPT [0:0]\n"
    ":OUTPUT ACCEPT [0:0]\n"
    ":KUBE-EXTERNAL-SERVICES - [0:0]\n"
    ":KUBE-FIREWALL - [0:0]\n"
    ":KUBE-FORWARD - [0:0]\n"
    ":KUBE-NODEPORTS - [0:0]\n"
    ":KUBE-PROXY-CANARY - [0:0]\n"
    ":KUBE-PROXY-FIREWALL - [0:0]\n"
    ":KUBE-SERVICES - [0:0]\n"
    "-A INPUT -j KUBE-FIREWALL\n"
    "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL\n"
    "-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS\n"
    "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES\n"
    "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL\n"
    "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
    "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
    "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES\n"
    "-A OUTPUT -j KUBE-FIREWALL\n"
    "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL\n"
    "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
    "-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n"
    "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n"
    "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT\n"
    "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    "COMMIT\n"
    "# Completed on " DATE "\n";

static const char *const web_endpoints[] = {
    "10.244.3.9@node-c", "10.244.1.5@node-a", "10.244.2.7@node-b", NULL,
};

static KnProxyIrRuleset *
example_a(Fixture *f, const char *node)
{
    KnProxyIptablesConfig config;

    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", web_endpoints);
    config_for(&config, node);
    return kn_proxy_iptables_build(f->store, &config, NULL);
}

static void
test_example_a(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnProxyIrRuleset) ruleset = example_a(f, "node-x");
    g_autofree char *nat = render_table(ruleset, KN_PROXY_IR_NAT);
    g_autofree char *filter = render_table(ruleset, KN_PROXY_IR_FILTER);
    g_autoptr(GString) both = g_string_new(NULL);

    (void) state;
    assert_text(nat, example_a_nat);
    assert_text(filter, example_a_filter);
    kn_proxy_ir_render(ruleset, DATE, both);
    assert_true(g_str_has_prefix(both->str, example_a_filter));
    assert_string_equal(both->str + strlen(example_a_filter), example_a_nat);
}

/*****************************************************************************/
/* Worked example B (section 1.11). */

static KnProxyIrRuleset *
example_b(Fixture *f, const char *node, gboolean lb_local_endpoint)
{
    static const char *const lb_endpoints[] = { "10.244.1.5@node-a", "10.244.2.7@node-b", NULL };
    static const char *const lb_remote[] = { "10.244.2.7@node-b", NULL };
    static const char *const none[] = { NULL };
    KnProxyIptablesConfig config;
    KnService *web = add_service(f, "web", "10.96.1.100", 80);
    KnService *lb = add_service(f, "lb", "10.96.1.150", 80);

    web->spec.session_affinity_client_ip = TRUE;
    add_slice(f, "web", web_endpoints);
    lb->spec.type = KN_SERVICE_LOAD_BALANCER;
    ((KnServicePort *) lb->spec.ports->pdata[0])->node_port = 30080;
    g_ptr_array_add(lb->load_balancer_ingress, g_strdup("203.0.113.10"));
    g_ptr_array_add(lb->spec.load_balancer_source_ranges, g_strdup("198.51.100.0/24"));
    lb->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    lb->spec.health_check_node_port = 32000;
    add_slice(f, "lb", lb_local_endpoint ? lb_endpoints : lb_remote);
    add_service(f, "empty", "10.96.1.200", 80);
    add_slice(f, "empty", none);
    config_for(&config, node);
    return kn_proxy_iptables_build(f->store, &config, NULL);
}

static void
test_example_b(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnProxyIrRuleset) ruleset = example_b(f, "node-a", TRUE);
    g_autofree char *nat = render_table(ruleset, KN_PROXY_IR_NAT);
    g_autofree char *filter = render_table(ruleset, KN_PROXY_IR_FILTER);

    (void) state;
    /* The excerpt of section 1.11, in save order. */
    assert_lines_in_order(nat,
        "-A KUBE-EXT-JSLCNGWSGB5JPS5Q -s 10.244.0.0/16 -m comment --comment \"pod traffic for default/lb:http external destinations\" -j KUBE-SVC-JSLCNGWSGB5JPS5Q\n"
        "-A KUBE-EXT-JSLCNGWSGB5JPS5Q -m comment --comment \"masquerade LOCAL traffic for default/lb:http external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n"
        "-A KUBE-EXT-JSLCNGWSGB5JPS5Q -m comment --comment \"route LOCAL traffic for default/lb:http external destinations\" -m addrtype --src-type LOCAL -j KUBE-SVC-JSLCNGWSGB5JPS5Q\n"
        "-A KUBE-EXT-JSLCNGWSGB5JPS5Q -j KUBE-SVL-JSLCNGWSGB5JPS5Q\n"
        "-A KUBE-FW-JSLCNGWSGB5JPS5Q -s 198.51.100.0/24 -m comment --comment \"default/lb:http loadbalancer IP\" -j KUBE-EXT-JSLCNGWSGB5JPS5Q\n"
        "-A KUBE-FW-JSLCNGWSGB5JPS5Q -m comment --comment \"other traffic to default/lb:http will be dropped by KUBE-PROXY-FIREWALL\"\n"
        "-A KUBE-NODEPORTS -p tcp -m comment --comment \"default/lb:http\" -m tcp --dport 30080 -j KUBE-EXT-JSLCNGWSGB5JPS5Q\n"
        "-A KUBE-SEP-2RIJ5GIYXEFH6G4D -p tcp -m comment --comment \"default/web:http\" -m recent --set --name KUBE-SEP-2RIJ5GIYXEFH6G4D --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.2.7:8080\n"
        "-A KUBE-SEP-C7BTMN4CDJDLVANM -p tcp -m comment --comment \"default/lb:http\" -m tcp -j DNAT --to-destination 10.244.2.7:8080\n"
        "-A KUBE-SERVICES -d 10.96.1.150/32 -p tcp -m comment --comment \"default/lb:http cluster IP\" -m tcp --dport 80 -j KUBE-SVC-JSLCNGWSGB5JPS5Q\n"
        "-A KUBE-SERVICES -d 203.0.113.10/32 -p tcp -m comment --comment \"default/lb:http loadbalancer IP\" -m tcp --dport 80 -j KUBE-FW-JSLCNGWSGB5JPS5Q\n"
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.1.5:8080\" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-AFGSLHOD2HFNCBX4 --mask 255.255.255.255 --rsource -j KUBE-SEP-AFGSLHOD2HFNCBX4\n"
        "-A KUBE-SVC-JSLCNGWSGB5JPS5Q -m comment --comment \"default/lb:http -> 10.244.1.5:8080\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-RZ2QWLR55GE4AFV2\n"
        "-A KUBE-SVC-JSLCNGWSGB5JPS5Q -m comment --comment \"default/lb:http -> 10.244.2.7:8080\" -j KUBE-SEP-C7BTMN4CDJDLVANM\n"
        "-A KUBE-SVL-JSLCNGWSGB5JPS5Q -m comment --comment \"default/lb:http -> 10.244.1.5:8080\" -j KUBE-SEP-RZ2QWLR55GE4AFV2\n");
    /* The web SVC chain: masquerade, three --rcheck rules, three statistic rules. */
    assert_lines_in_order(nat,
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL ! -s 10.244.0.0/16 -d 10.96.1.100/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ\n"
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.1.5:8080\" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-AFGSLHOD2HFNCBX4 --mask 255.255.255.255 --rsource -j KUBE-SEP-AFGSLHOD2HFNCBX4\n"
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.2.7:8080\" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-2RIJ5GIYXEFH6G4D --mask 255.255.255.255 --rsource -j KUBE-SEP-2RIJ5GIYXEFH6G4D\n"
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.3.9:8080\" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-RBX5X5TOEG5GD3RO --mask 255.255.255.255 --rsource -j KUBE-SEP-RBX5X5TOEG5GD3RO\n"
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.1.5:8080\" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-AFGSLHOD2HFNCBX4\n"
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.2.7:8080\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-2RIJ5GIYXEFH6G4D\n"
        "-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment \"default/web:http -> 10.244.3.9:8080\" -j KUBE-SEP-RBX5X5TOEG5GD3RO\n");
    /* No nat rule at all for the Service without endpoints. */
    assert_null(strstr(nat, "10.96.1.200"));
    assert_null(strstr(nat, "default/empty"));
    assert_lines_in_order(filter,
        "-A KUBE-NODEPORTS -p tcp -m comment --comment \"default/lb:http health check node port\" -m tcp --dport 32000 -j ACCEPT\n"
        "-A KUBE-PROXY-FIREWALL -d 203.0.113.10/32 -p tcp -m comment --comment \"default/lb:http traffic not accepted by KUBE-FW-JSLCNGWSGB5JPS5Q\" -m tcp --dport 80 -j DROP\n"
        "-A KUBE-SERVICES -d 10.96.1.200/32 -p tcp -m comment --comment \"default/empty:http has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\n");
    assert_null(strstr(filter, "-A KUBE-EXTERNAL-SERVICES"));
}

/* ETP Local on a node without a local endpoint: the EXT chain loses its
 * last jump, and KUBE-EXTERNAL-SERVICES drops (section 1.11 note 2). */
static void
test_example_b_no_local_endpoint(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnProxyIrRuleset) ruleset = example_b(f, "node-a", FALSE);
    g_autofree char *nat = render_table(ruleset, KN_PROXY_IR_NAT);
    g_autofree char *filter = render_table(ruleset, KN_PROXY_IR_FILTER);

    (void) state;
    assert_null(strstr(nat, "-j KUBE-SVL-JSLCNGWSGB5JPS5Q"));
    assert_null(strstr(nat, ":KUBE-SVL-JSLCNGWSGB5JPS5Q"));
    assert_lines_in_order(filter,
        "-A KUBE-EXTERNAL-SERVICES -d 203.0.113.10/32 -p tcp -m comment --comment \"default/lb:http has no local endpoints\" -m tcp --dport 80 -j DROP\n"
        "-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"default/lb:http has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP\n");
}

/* ETP Local on a ClusterIP Service with externalIPs: externally
 * accessible, so Local holds for the external IP as for a node port
 * (apiservice.ExternalPolicyLocal). */
static void
test_etp_local_external_ip(void **state)
{
    static const char *const local[] = { "10.244.1.5@node-a", "10.244.2.7@node-b", NULL };
    g_autoptr(Fixture) f = fixture_new();
    KnService *ext = add_service(f, "ext", "10.96.1.160", 80);
    KnProxyIptablesConfig config;

    (void) state;
    g_ptr_array_add(ext->spec.external_ips, g_strdup("192.0.2.21"));
    ext->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    add_slice(f, "ext", local);
    for (guint i = 0; i < 2; i++) {
        config_for(&config, i == 0 ? "node-a" : "node-c");
        g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_iptables_build(f->store, &config, NULL);
        g_autofree char *nat = render_table(ruleset, KN_PROXY_IR_NAT);
        g_autofree char *filter = render_table(ruleset, KN_PROXY_IR_FILTER);

        assert_lines_in_order(nat,
            "-A KUBE-EXT-RDUUZW33FIKP2MUD -s 10.244.0.0/16 -m comment --comment \"pod traffic for default/ext:http external destinations\" -j KUBE-SVC-RDUUZW33FIKP2MUD\n"
            "-A KUBE-EXT-RDUUZW33FIKP2MUD -m comment --comment \"masquerade LOCAL traffic for default/ext:http external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n"
            "-A KUBE-EXT-RDUUZW33FIKP2MUD -m comment --comment \"route LOCAL traffic for default/ext:http external destinations\" -m addrtype --src-type LOCAL -j KUBE-SVC-RDUUZW33FIKP2MUD\n");
        if (i == 0) {
            assert_lines_in_order(nat, "-A KUBE-EXT-RDUUZW33FIKP2MUD -j KUBE-SVL-RDUUZW33FIKP2MUD\n");
            assert_null(strstr(filter, "has no local endpoints"));
        } else {
            assert_null(strstr(nat, "KUBE-SVL-"));
            assert_lines_in_order(filter,
                "-A KUBE-EXTERNAL-SERVICES -d 192.0.2.21/32 -p tcp -m comment --comment \"default/ext:http has no local endpoints\" -m tcp --dport 80 -j DROP\n");
        }
    }
}

/*****************************************************************************/
/* The executor. */

typedef struct {
    KnAddr local;                /* the node's own address */
} Node;

static gboolean
is_local(gpointer data, const KnAddr *addr)
{
    Node *node = data;

    return kn_addr_equal(addr, &node->local) || kn_addr_is_loopback(addr);
}

/* A NEW TCP packet from 'src':'sport' to 'dst':'dport' through 'hook' of
 * the nat or filter table; fills 'walk'. */
static void
walk_packet(KnProxyIrRuleset *ruleset, KnProxyIrTable table, KnProxyIrRecent *recent, KnHook hook,
            KnPacket *packet, const char *src, const char *dst, guint16 dport, KnTime now, KnRng *rng,
            Node *node, KnProxyWalk *walk)
{
    memset(walk, 0, sizeof *walk);
    kn_addr_parse(src, &packet->src);
    kn_addr_parse(dst, &packet->dst);
    packet->proto = KN_IPPROTO_TCP;
    packet->sport = 40000;
    packet->dport = dport;
    packet->mark = 0;
    walk->hook = hook;
    walk->packet = packet;
    walk->in_iface = hook == KN_HOOK_OUTPUT ? NULL : "eth0";
    walk->ct_state = KN_CT_NEW | KN_CT_UNCONFIRMED;
    walk->now = now;
    walk->rng = rng;
    walk->is_local = is_local;
    walk->node = node;
    kn_proxy_ir_walk(ruleset, table, recent, walk);
}

static guint
endpoint_index(const KnProxyWalk *walk, const char *const *ips, guint n)
{
    char buf[KN_ADDR_STRLEN];

    assert_true(walk->dnat);
    kn_addr_format(&walk->dnat_addr, buf);
    for (guint i = 0; i < n; i++)
        if (strcmp(buf, ips[i]) == 0)
            return i;
    fail_msg("DNAT to unexpected %s", buf);
    return 0;
}

/* 'n' endpoints behind one Service; 100,000 new connections from distinct
 * clients; the counts must pass a chi-square test of uniformity at the
 * 0.1% level. */
static void
check_frequencies(guint n, double chi2_limit)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) ips = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyIptablesConfig config;
    KnRng rng;
    Node node;
    guint counts[32] = { 0 };
    const guint total = 100000;

    for (guint i = 0; i < n; i++) {
        g_ptr_array_add(ips, g_strdup_printf("10.244.%u.%u", 1 + i, 10 + i));
        g_ptr_array_add(specs, g_strdup_printf("%s@node-%u", (char *) ips->pdata[i], i));
    }
    g_ptr_array_add(specs, NULL);
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", (const char *const *) specs->pdata);
    config_for(&config, "node-x");
    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_iptables_build(f->store, &config, NULL);

    kn_rng_init(&rng, 42, "test-frequencies");
    kn_addr_parse("172.18.0.2", &node.local);
    for (guint c = 0; c < total; c++) {
        KnProxyWalk walk;
        g_autofree char *client = g_strdup_printf("10.%u.%u.%u", 100 + c / 65536, (c / 256) % 256, c % 256);

        walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, client, "10.96.1.100", 80,
                    0, &rng, &node, &walk);
        counts[endpoint_index(&walk, (const char *const *) ips->pdata, n)]++;
    }

    double expected = (double) total / n, chi2 = 0;

    for (guint i = 0; i < n; i++)
        chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    if (chi2 > chi2_limit)
        fail_msg("chi-square %.2f over %u endpoints exceeds %.2f", chi2, n, chi2_limit);
}

static void
test_frequencies_3(void **state)
{
    (void) state;
    check_frequencies(3, 13.82);        /* chi-square, 2 degrees of freedom, p = 0.001 */
}

static void
test_frequencies_10(void **state)
{
    (void) state;
    check_frequencies(10, 27.88);       /* 9 degrees of freedom, p = 0.001 */
}

/* Example A through PREROUTING for a client outside the cluster: the rules
 * evaluated, the masquerade mark, the DNAT and the trace. */
static void
test_walk_example_a(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnProxyIrRuleset) ruleset = example_a(f, "node-x");
    g_autoptr(KnPacket) packet = kn_packet_new();
    g_autoptr(KnTrace) trace = kn_trace_new();
    KnProxyWalk walk;
    KnRng rng;
    Node node;

    (void) state;
    kn_rng_init(&rng, 1, "test");
    kn_addr_parse("172.18.0.2", &node.local);

    /* From a pod: no masquerade mark. */
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.1.77", "10.96.1.100", 80,
                0, &rng, &node, &walk);
    assert_true(walk.dnat);
    assert_int_equal(walk.dnat_port, 8080);
    assert_int_equal(packet->mark, 0);
    assert_true(g_str_has_prefix(walk.decided_by, "KUBE-SEP-"));

    /* From off-cluster: marked for masquerade.  Rules: PREROUTING 1,
     * KUBE-SERVICES 1, KUBE-SVC: masq + 1..3 statistic rules, KUBE-MARK-MASQ 1,
     * KUBE-SEP 2. */
    memset(&walk, 0, sizeof walk);
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "192.0.2.1", "10.96.1.100", 80,
                0, &rng, &node, &walk);
    assert_int_equal(packet->mark, 0x4000);
    assert_true(walk.n_rules >= 7 && walk.n_rules <= 9);

    /* The trace names each matched rule by its text. */
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "192.0.2.1", "10.96.1.100", 80,
                0, &rng, &node, &walk);
    memset(&walk, 0, sizeof walk);
    kn_addr_parse("192.0.2.1", &packet->src);
    kn_addr_parse("10.96.1.100", &packet->dst);
    packet->mark = 0;
    walk.hook = KN_HOOK_PREROUTING;
    walk.packet = packet;
    walk.ct_state = KN_CT_NEW | KN_CT_UNCONFIRMED;
    walk.rng = &rng;
    walk.trace = trace;
    kn_proxy_ir_walk(ruleset, KN_PROXY_IR_NAT, NULL, &walk);
    assert_true(kn_trace_n_notes(trace) >= 5);
    assert_string_equal(kn_trace_get(trace, 0)->text,
                        "-t nat -A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
    assert_string_equal(kn_trace_get(trace, 1)->text,
                        "-t nat -A KUBE-SERVICES -d 10.96.1.100/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL");
    assert_int_equal(kn_trace_get(trace, 1)->depth, 1);

    /* POSTROUTING masquerades the marked packet. */
    memset(&walk, 0, sizeof walk);
    walk.hook = KN_HOOK_POSTROUTING;
    walk.packet = packet;
    walk.ct_state = KN_CT_NEW | KN_CT_UNCONFIRMED;
    packet->mark = 0x4000;
    kn_proxy_ir_walk(ruleset, KN_PROXY_IR_NAT, NULL, &walk);
    assert_true(walk.masquerade);
    assert_true(walk.random_fully);
    assert_int_equal(packet->mark, 0);   /* --xor-mark cleared it */
    assert_int_equal(walk.n_rules, 4);   /* POSTROUTING 1, KUBE-POSTROUTING 3 */

    /* An unmarked packet returns at once. */
    memset(&walk, 0, sizeof walk);
    walk.hook = KN_HOOK_POSTROUTING;
    walk.packet = packet;
    walk.ct_state = KN_CT_NEW | KN_CT_UNCONFIRMED;
    kn_proxy_ir_walk(ruleset, KN_PROXY_IR_NAT, NULL, &walk);
    assert_false(walk.masquerade);
    assert_int_equal(walk.n_rules, 2);
}

/* Hairpin: an endpoint reaching itself through the Service is marked by its
 * own SEP chain. */
static void
test_walk_hairpin(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyIptablesConfig config;
    static const char *const one[] = { "10.244.1.5@node-a", NULL };
    KnProxyWalk walk;
    KnRng rng;
    Node node;

    (void) state;
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", one);
    config_for(&config, "node-a");
    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_iptables_build(f->store, &config, NULL);

    kn_rng_init(&rng, 1, "test");
    kn_addr_parse("172.18.0.2", &node.local);
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.1.5", "10.96.1.100", 80,
                0, &rng, &node, &walk);
    assert_true(walk.dnat);
    assert_int_equal(packet->mark, 0x4000);
}

/* ClientIP affinity: a client sticks to its endpoint while it keeps coming
 * back within the timeout, chooses afresh after it, and --reap drops the
 * stale entry. */
static void
test_walk_affinity(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnPacket) packet = kn_packet_new();
    g_autoptr(KnProxyIrRecent) recent = kn_proxy_ir_recent_new();
    KnProxyIptablesConfig config;
    KnService *web = add_service(f, "web", "10.96.1.100", 80);
    KnProxyWalk walk;
    KnRng rng;
    Node node;
    char first[KN_ADDR_STRLEN], buf[KN_ADDR_STRLEN];
    guint changed = 0;

    (void) state;
    web->spec.session_affinity_client_ip = TRUE;
    web->spec.session_affinity_timeout_s = 60;
    add_slice(f, "web", web_endpoints);
    config_for(&config, "node-x");
    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_iptables_build(f->store, &config, NULL);

    kn_rng_init(&rng, 7, "test");
    kn_addr_parse("172.18.0.2", &node.local);
    walk_packet(ruleset, KN_PROXY_IR_NAT, recent, KN_HOOK_PREROUTING, packet, "10.244.9.9", "10.96.1.100", 80,
                0, &rng, &node, &walk);
    kn_addr_format(&walk.dnat_addr, first);

    /* Every 30 s for an hour: always the same endpoint. */
    for (guint i = 1; i <= 120; i++) {
        walk_packet(ruleset, KN_PROXY_IR_NAT, recent, KN_HOOK_PREROUTING, packet, "10.244.9.9", "10.96.1.100",
                    80, i * 30 * KN_SEC, &rng, &node, &walk);
        assert_string_equal(kn_addr_format(&walk.dnat_addr, buf), first);
    }

    /* After more than the timeout each time, the choice is random again. */
    for (guint i = 0; i < 60; i++) {
        KnTime now = (3600 + 61 * (i + 1)) * KN_SEC;

        walk_packet(ruleset, KN_PROXY_IR_NAT, recent, KN_HOOK_PREROUTING, packet, "10.244.9.9", "10.96.1.100",
                    80, now, &rng, &node, &walk);
        changed += strcmp(kn_addr_format(&walk.dnat_addr, buf), first) != 0;
        strcpy(first, buf);
    }
    assert_true(changed > 20 && changed < 60);   /* about 2/3 of 60 */

}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* iptables-save lists the built-in chains first, then the user chains in
 * strcmp() order (libiptc keeps them sorted): prefixes of one another,
 * digits against letters, bytes above 0x7f, enough to pass the sort's
 * small cases. */
static void
test_render_sorts_user_chains(void **state)
{
    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_ir_ruleset_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func(g_free);
    static const char *const fixed[] = { "KUBE-SVC", "KUBE-SVC-", "KUBE-SVC-A", "KUBE-SVC-AB", "KUBE-SV",
                                         "KUBE-SEP-Z9", "KUBE-SEP-9Z", "KUBE-sep", "A", "Z", "kube",
                                         "KUBE-\xc3\xa9", "KUBE-~" };
    KnRng rng;
    g_auto(GStrv) lines = NULL;

    (void) state;
    kn_proxy_ir_chain(ruleset, KN_PROXY_IR_NAT, "PREROUTING");
    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(names, g_strdup(fixed[i]));
    kn_rng_init(&rng, 5, "test/chain-names");
    for (guint i = 0; i < 3000; i++) {
        /* Long shared prefixes, as kube-proxy's hashed names have. */
        static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        char name[32] = "KUBE-SEP-";
        guint n = 1 + (guint) kn_rng_below(&rng, 16);

        for (guint j = 0; j < n; j++)
            name[9 + j] = alphabet[kn_rng_below(&rng, 4 + 32 * (j > 2))];
        name[9 + n] = '\0';
        g_ptr_array_add(names, g_strdup(name));
    }
    for (guint i = 0; i < names->len; i++)
        kn_proxy_ir_chain(ruleset, KN_PROXY_IR_NAT, names->pdata[i]);
    kn_proxy_ir_render(ruleset, DATE, out);
    lines = g_strsplit(out->str, "\n", -1);
    /* ":NAME POLICY [0:0]": a user chain's policy is "-", and the
     * built-in ones come first. */
    for (guint i = 0; lines[i] != NULL; i++) {
        gsize n = strcspn(lines[i], " ");

        if (lines[i][0] != ':')
            continue;
        if (!g_str_has_prefix(lines[i] + n, " - ")) {
            assert_int_equal(listed->len, 0);
            continue;
        }
        g_ptr_array_add(listed, g_strndup(lines[i] + 1, n - 1));
    }

    /* Each name once, in strcmp() order. */
    g_ptr_array_sort(names, compare_names);
    for (guint i = names->len; i-- > 1;)
        if (strcmp(names->pdata[i], names->pdata[i - 1]) == 0)
            g_ptr_array_remove_index(names, i);
    assert_int_equal(listed->len, names->len);
    for (guint i = 0; i < names->len; i++)
        assert_string_equal(listed->pdata[i], names->pdata[i]);
}

/* -m recent by hand: --rcheck --seconds 10 --reap hits within 10 s of the
 * last --set, and a check that finds its entry reaps the oldest stale one. */
static void
test_recent_reap(void **state)
{
    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_ir_ruleset_new();
    g_autoptr(KnProxyIrRecent) recent = kn_proxy_ir_recent_new();
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyIrChain *pre = kn_proxy_ir_chain(ruleset, KN_PROXY_IR_NAT, "PREROUTING");
    KnProxyIrRule rule;
    KnProxyWalk walk;
    static const struct { const char *client; guint t; guint32 mark; guint size; } steps[] = {
        { "10.0.0.1", 0, 0, 1 },       /* A: not on the list; set */
        { "10.0.0.2", 5, 0, 2 },       /* B: not on the list; set */
        { "10.0.0.1", 8, 1, 2 },       /* A: hit; the oldest (A, 0 s) is not stale; set */
        { "10.0.0.1", 20, 0, 1 },      /* A: stale, no hit; reaps B (5 s); set */
    };

    (void) state;
    memset(&rule, 0, sizeof rule);
    kn_proxy_ir_add_recent_rcheck(&rule, "L", 10, TRUE);
    rule.target = KN_PROXY_IR_TARGET_MARK;
    rule.mark_value = 1;
    rule.mark_mask = 1;
    kn_proxy_ir_append(ruleset, pre, &rule);
    memset(&rule, 0, sizeof rule);
    kn_proxy_ir_add_recent_set(&rule, "L");
    kn_proxy_ir_append(ruleset, pre, &rule);

    for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
        memset(&walk, 0, sizeof walk);
        kn_addr_parse(steps[i].client, &packet->src);
        kn_addr_parse("10.96.0.1", &packet->dst);
        packet->mark = 0;
        walk.hook = KN_HOOK_PREROUTING;
        walk.packet = packet;
        walk.ct_state = KN_CT_NEW | KN_CT_UNCONFIRMED;
        walk.now = steps[i].t * KN_SEC;
        kn_proxy_ir_walk(ruleset, KN_PROXY_IR_NAT, recent, &walk);
        assert_int_equal(packet->mark, steps[i].mark);
        assert_int_equal(kn_proxy_ir_recent_size(recent, "L"), steps[i].size);
        assert_int_equal(walk.n_rules, 2);
    }
}

/* No endpoints: the filter table REJECTs at FORWARD and OUTPUT. */
static void
test_walk_reject(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnProxyIrRuleset) ruleset = example_b(f, "node-a", TRUE);
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyWalk walk;
    KnRng rng;
    Node node;

    (void) state;
    kn_rng_init(&rng, 1, "test");
    kn_addr_parse("172.18.0.2", &node.local);
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.1.7", "10.96.1.200", 80,
                0, &rng, &node, &walk);
    assert_false(walk.dnat);
    walk_packet(ruleset, KN_PROXY_IR_FILTER, NULL, KN_HOOK_FORWARD, packet, "10.244.1.7", "10.96.1.200", 80,
                0, &rng, &node, &walk);
    assert_int_equal(walk.verdict, KN_VERDICT_REJECT);
    assert_string_equal(walk.decided_by, "KUBE-SERVICES");
    walk_packet(ruleset, KN_PROXY_IR_FILTER, NULL, KN_HOOK_OUTPUT, packet, "172.18.0.2", "10.96.1.200", 80,
                0, &rng, &node, &walk);
    assert_int_equal(walk.verdict, KN_VERDICT_REJECT);
    /* A Service with endpoints passes. */
    walk_packet(ruleset, KN_PROXY_IR_FILTER, NULL, KN_HOOK_FORWARD, packet, "10.244.1.7", "10.96.1.100", 80,
                0, &rng, &node, &walk);
    assert_int_equal(walk.verdict, KN_VERDICT_ACCEPT);
}

/* ETP Local: outside traffic to the NodePort reaches only the local
 * endpoint (KUBE-SVL); on a node without one it is dropped in filter. */
static void
test_walk_etp_local(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnProxyIrRuleset) ruleset = example_b(f, "node-a", TRUE);
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyWalk walk;
    KnRng rng;
    Node node;
    char buf[KN_ADDR_STRLEN];

    (void) state;
    kn_rng_init(&rng, 1, "test");
    kn_addr_parse("172.18.0.2", &node.local);
    for (guint i = 0; i < 50; i++) {
        walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "203.0.113.7", "172.18.0.2",
                    30080, 0, &rng, &node, &walk);
        assert_true(walk.dnat);
        assert_string_equal(kn_addr_format(&walk.dnat_addr, buf), "10.244.1.5");
        assert_int_equal(packet->mark, 0);       /* the client address is kept */
    }
    /* A pod of the cluster goes through KUBE-SVC (both endpoints). */
    guint remote = 0;

    for (guint i = 0; i < 50; i++) {
        walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.1.7", "172.18.0.2",
                    30080, 0, &rng, &node, &walk);
        remote += strcmp(kn_addr_format(&walk.dnat_addr, buf), "10.244.2.7") == 0;
    }
    assert_true(remote > 5 && remote < 45);

    /* The load balancer's source ranges: others fall through KUBE-FW and
     * are dropped by KUBE-PROXY-FIREWALL. */
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "192.0.2.50", "203.0.113.10", 80,
                0, &rng, &node, &walk);
    assert_false(walk.dnat);
    walk_packet(ruleset, KN_PROXY_IR_FILTER, NULL, KN_HOOK_INPUT, packet, "192.0.2.50", "203.0.113.10", 80,
                0, &rng, &node, &walk);
    assert_int_equal(walk.verdict, KN_VERDICT_DROP);
    assert_string_equal(walk.decided_by, "KUBE-PROXY-FIREWALL");
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "198.51.100.9", "203.0.113.10", 80,
                0, &rng, &node, &walk);
    assert_true(walk.dnat);
}

static void
test_walk_etp_local_empty_node(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnProxyIrRuleset) ruleset = example_b(f, "node-a", FALSE);
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyWalk walk;
    KnRng rng;
    Node node;

    (void) state;
    kn_rng_init(&rng, 1, "test");
    kn_addr_parse("172.18.0.2", &node.local);
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "203.0.113.7", "172.18.0.2", 30080,
                0, &rng, &node, &walk);
    assert_false(walk.dnat);
    walk_packet(ruleset, KN_PROXY_IR_FILTER, NULL, KN_HOOK_INPUT, packet, "203.0.113.7", "172.18.0.2", 30080,
                0, &rng, &node, &walk);
    assert_int_equal(walk.verdict, KN_VERDICT_DROP);
    assert_string_equal(walk.decided_by, "KUBE-EXTERNAL-SERVICES");
}

/* ITP Local: the clusterIP jumps to KUBE-SVL (never KUBE-SVC), and a node
 * without a local endpoint drops in filter KUBE-SERVICES. */
static void
test_walk_itp_local(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyIptablesConfig config;
    KnService *web = add_service(f, "web", "10.96.1.100", 80);
    KnProxyWalk walk;
    KnRng rng;
    Node node;
    char buf[KN_ADDR_STRLEN];

    (void) state;
    web->spec.internal_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    add_slice(f, "web", web_endpoints);
    kn_rng_init(&rng, 1, "test");
    kn_addr_parse("172.18.0.2", &node.local);

    config_for(&config, "node-b");
    g_autoptr(KnProxyIrRuleset) local = kn_proxy_iptables_build(f->store, &config, NULL);
    g_autofree char *nat = render_table(local, KN_PROXY_IR_NAT);

    assert_null(strstr(nat, "KUBE-SVC-"));
    assert_non_null(strstr(nat, "-j KUBE-SVL-CDGGSHYLG3RE2FKL"));
    for (guint i = 0; i < 20; i++) {
        walk_packet(local, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.2.3", "10.96.1.100", 80,
                    0, &rng, &node, &walk);
        assert_string_equal(kn_addr_format(&walk.dnat_addr, buf), "10.244.2.7");
    }

    config_for(&config, "node-x");
    g_autoptr(KnProxyIrRuleset) empty = kn_proxy_iptables_build(f->store, &config, NULL);
    g_autofree char *filter = render_table(empty, KN_PROXY_IR_FILTER);

    assert_non_null(strstr(filter, "--comment \"default/web:http has no local endpoints\" -m tcp --dport 80 -j DROP\n"));
    walk_packet(empty, KN_PROXY_IR_FILTER, NULL, KN_HOOK_FORWARD, packet, "10.244.2.3", "10.96.1.100", 80, 0,
                &rng, &node, &walk);
    assert_int_equal(walk.verdict, KN_VERDICT_DROP);
}

/* The index skips Services that cannot match but counts them, as the
 * kernel evaluates every rule before the one that matches. */
/* kube-proxy's informer drops Services by label (cmd/kube-proxy/app/
 * server.go): one labelled service.kubernetes.io/headless, even with a
 * clusterIP, or labelled for another proxy, gets no rule at all. */
static void
test_informer_label_filter(void **state)
{
    static const char *const endpoints[] = { "10.244.1.5@node-a", NULL };
    g_autoptr(Fixture) f = fixture_new();
    KnProxyIptablesConfig config;
    KnService *labelled = add_service(f, "labelled", "10.96.1.10", 80);
    KnService *other = add_service(f, "other", "10.96.1.20", 80);

    (void) state;
    kn_labels_set(labelled->meta.labels, "service.kubernetes.io/headless", "");
    kn_labels_set(other->meta.labels, "service.kubernetes.io/service-proxy-name", "some-proxy");
    add_slice(f, "labelled", endpoints);
    add_slice(f, "other", endpoints);
    add_service(f, "web", "10.96.1.30", 80);
    add_slice(f, "web", endpoints);
    config_for(&config, "node-a");

    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_iptables_build(f->store, &config, NULL);
    g_autofree char *nat = render_table(ruleset, KN_PROXY_IR_NAT);
    g_autofree char *filter = render_table(ruleset, KN_PROXY_IR_FILTER);

    assert_non_null(strstr(nat, "\"default/web:http cluster IP\""));
    assert_null(strstr(nat, "default/labelled"));
    assert_null(strstr(nat, "default/other"));
    assert_null(strstr(filter, "default/labelled"));
    assert_null(strstr(filter, "default/other"));
}

static void
test_walk_counts_skipped_rules(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnPacket) packet = kn_packet_new();
    KnProxyIptablesConfig config;
    KnProxyWalk walk;
    KnRng rng;
    Node node;
    static const char *const one[] = { "10.244.1.5@node-a", NULL };

    (void) state;
    for (guint i = 0; i < 100; i++) {
        g_autofree char *name = g_strdup_printf("svc-%03u", i);
        g_autofree char *ip = g_strdup_printf("10.96.2.%u", i + 1);

        add_service(f, name, ip, 80);
        add_slice(f, name, one);
    }
    config_for(&config, "node-x");
    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_iptables_build(f->store, &config, NULL);

    kn_rng_init(&rng, 1, "test");
    kn_addr_parse("172.18.0.2", &node.local);
    /* svc-042 is the 43rd rule of KUBE-SERVICES: PREROUTING 1 + 43 +
     * KUBE-SVC 2 (masq, no match; one endpoint) + KUBE-SEP 2. */
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.3.3", "10.96.2.43", 80, 0,
                &rng, &node, &walk);
    assert_true(walk.dnat);
    assert_int_equal(walk.n_rules, 1 + 43 + 2 + 2);
    /* To nothing: every KUBE-SERVICES rule (100 + the nodeports tail). */
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.3.3", "10.96.3.1", 80, 0,
                &rng, &node, &walk);
    assert_false(walk.dnat);
    assert_int_equal(walk.n_rules, 1 + 101);
    /* To this node's own address: through the tail into KUBE-NODEPORTS (empty). */
    walk_packet(ruleset, KN_PROXY_IR_NAT, NULL, KN_HOOK_PREROUTING, packet, "10.244.3.3", "172.18.0.2", 80, 0,
                &rng, &node, &walk);
    assert_int_equal(walk.n_rules, 1 + 101);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_hashes),
        cmocka_unit_test(test_probabilities),
        cmocka_unit_test(test_example_a),
        cmocka_unit_test(test_example_b),
        cmocka_unit_test(test_example_b_no_local_endpoint),
        cmocka_unit_test(test_etp_local_external_ip),
        cmocka_unit_test(test_frequencies_3),
        cmocka_unit_test(test_frequencies_10),
        cmocka_unit_test(test_walk_example_a),
        cmocka_unit_test(test_walk_hairpin),
        cmocka_unit_test(test_walk_affinity),
        cmocka_unit_test(test_recent_reap),
        cmocka_unit_test(test_walk_reject),
        cmocka_unit_test(test_walk_etp_local),
        cmocka_unit_test(test_walk_etp_local_empty_node),
        cmocka_unit_test(test_walk_itp_local),
        cmocka_unit_test(test_walk_counts_skipped_rules),
        cmocka_unit_test(test_informer_label_filter),
        cmocka_unit_test(test_render_sorts_user_chains),
    };
    return cmocka_run_group_tests_name("proxy_iptables", tests, NULL, NULL);
}
