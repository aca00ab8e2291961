/* test_proxy_nftables.c -- kube-proxy's nftables mode: chain names, the
 * reference's worked example (section 2.4, a real `nft list table`) byte
 * for byte, and the rules of affinity, traffic policies and source
 * ranges. */

#include <config.h>
#include "tests/test_util.h"

#include <math.h>
#include <string.h>

#include "models/proxy-nftables.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "tests/proxy_fixture.h"

static void
config_for(KnProxyNftablesConfig *config, const char *node)
{
    kn_proxy_nftables_config_init(config);
    config->node_name = node;
    config->node_ip = "172.18.0.2";
    config->cluster_cidr = "10.244.0.0/16";
    config->service_cidr = "10.96.0.0/12";
}

static char *
render_with(KnStore *store, const char *node, gboolean all_addresses)
{
    KnProxyNftablesConfig config;
    g_autoptr(KnNftTable) table = NULL;
    GString *out = g_string_new(NULL);

    config_for(&config, node);
    config.nodeport_addresses_all = all_addresses;
    table = kn_proxy_nftables_build(store, &config);
    kn_nft_table_render(table, out);
    return g_string_free(out, FALSE);
}

/* The table with the mode's defaults. */
static char *
render(KnStore *store, const char *node)
{
    return render_with(store, node, FALSE);
}

/* With --nodeport-addresses unset (all), as the reference's example 2.4 is. */
static char *
render_all_addresses(KnStore *store, const char *node)
{
    return render_with(store, node, TRUE);
}

/*****************************************************************************/
/* Section 2.2: names. */

static void
test_names(void **state)
{
    g_autofree char *svc = kn_proxy_nftables_name("service-", "ns1/svc1/tcp/p80");
    g_autofree char *ep = kn_proxy_nftables_name("endpoint-", "ns1/svc1/tcp/p80__10.180.0.1/80");
    g_autofree char *web = kn_proxy_nftables_name("service-", "default/web/tcp/http");
    g_autofree char *long_name = g_strnfill(300, 'a');
    g_autofree char *cut = kn_proxy_nftables_name("endpoint-", long_name);

    (void) state;
    assert_string_equal(svc, "service-ULMVA6XW-ns1/svc1/tcp/p80");
    assert_string_equal(ep, "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
    assert_string_equal(web, "service-SUSTUHLJ-default/web/tcp/http");
    /* The base is cut to 240 characters, "..." last. */
    assert_int_equal(strlen(cut), strlen("endpoint-") + 240);
    assert_true(g_str_has_suffix(cut, "aaa..."));
}

/*****************************************************************************/
/* Section 2.4: default/web (3 endpoints) and default/empty (none). */

static const char example[] =
    "table ip kube-proxy {\n"
    "\tcomment \"rules for kube-proxy\"\n"
    "\tset cluster-ips {\n"
    "\t\ttype ipv4_addr\n"
    "\t\tcomment \"Active ClusterIPs\"\n"
    "\t\telements = { 10.96.1.100, 10.96.1.200 }\n"
    "\t}\n"
    "\n"
    "\tmap no-endpoint-services {\n"
    "\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n"
    "\t\tcomment \"vmap to drop or reject packets to services with no endpoints\"\n"
    "\t\telements = { 10.96.1.200 . tcp . 80 comment \"default/empty:http\" : goto reject-chain }\n"
    "\t}\n"
    "\n"
    "\tmap no-endpoint-nodeports {\n"
    "\t\ttype inet_proto . inet_service : verdict\n"
    "\t\tcomment \"vmap to drop or reject packets to service nodeports with no endpoints\"\n"
    "\t}\n"
    "\n"
    "\tmap firewall-ips {\n"
    "\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n"
    "\t\tcomment \"destinations that are subject to LoadBalancerSourceRanges\"\n"
    "\t}\n"
    "\n"
    "\tmap service-ips {\n"
    "\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n"
    "\t\tcomment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\"\n"
    "\t\telements = { 10.96.1.100 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http }\n"
    "\t}\n"
    "\n"
    "\tmap service-nodeports {\n"
    "\t\ttype inet_proto . inet_service : verdict\n"
    "\t\tcomment \"NodePort traffic\"\n"
    "\t}\n"
    "\n"
    "\tchain filter-prerouting {\n"
    "\t\ttype filter hook prerouting priority dstnat - 10; policy accept;\n"
    "\t\tct state new jump firewall-check\n"
    "\t}\n"
    "\n"
    "\tchain filter-input {\n"
    "\t\ttype filter hook input priority -110; policy accept;\n"
    "\t\tct state new jump nodeport-endpoints-check\n"
    "\t\tct state new jump service-endpoints-check\n"
    "\t}\n"
    "\n"
    "\tchain filter-forward {\n"
    "\t\ttype filter hook forward priority -110; policy accept;\n"
    "\t\tct state new jump service-endpoints-check\n"
    "\t\tct state new jump cluster-ips-check\n"
    "\t}\n"
    "\n"
    "\tchain filter-output {\n"
    "\t\ttype filter hook output priority -110; policy accept;\n"
    "\t\tct state new jump service-endpoints-check\n"
    "\t\tct state new jump firewall-check\n"
    "\t}\n"
    "\n"
    "\tchain filter-output-post-dnat {\n"
    "\t\ttype filter hook output priority -90; policy accept;\n"
    "\t\tct state new jump cluster-ips-check\n"
    "\t}\n"
    "\n"
    "\tchain nat-prerouting {\n"
    "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
    "\t\tjump services\n"
    "\t}\n"
    "\n"
    "\tchain nat-output {\n"
    "\t\ttype nat hook output priority -100; policy accept;\n"
    "\t\tjump services\n"
    "\t}\n"
    "\n"
    "\tchain nat-postrouting {\n"
    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
    "\t\tjump masquerading\n"
    "\t}\n"
    "\n"
    "\tchain nodeport-endpoints-check {\n"
    "\t\tip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports\n"
    "\t}\n"
    "\n"
    "\tchain service-endpoints-check {\n"
    "\t\tip daddr . meta l4proto . th dport vmap @no-endpoint-services\n"
    "\t}\n"
    "\n"
    "\tchain firewall-check {\n"
    "\t\tip daddr . meta l4proto . th dport vmap @firewall-ips\n"
    "\t}\n"
    "\n"
    "\tchain services {\n"
    "\t\tip daddr . meta l4proto . th dport vmap @service-ips\n"
    "\t\tfib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n"
    "\t}\n"
    "\n"
    "\tchain masquerading {\n"
    "\t\tmeta mark & 0x00004000 == 0x00000000 return\n"
    "\t\tmeta mark set meta mark ^ 0x00004000\n"
    "\t\tmasquerade fully-random\n"
    "\t}\n"
    "\n"
    "\tchain cluster-ips-check {\n"
    "\t\tip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\"\n"
    "\t\tip daddr 10.96.0.0/12 drop comment \"Drop traffic to unallocated ClusterIPs\"\n"
    "\t}\n"
    "\n"
    "\tchain mark-for-masquerade {\n"
    "\t\tmeta mark set meta mark | 0x00004000\n"
    "\t}\n"
    "\n"
    "\tchain reject-chain {\n"
    "\t\tcomment \"helper for @no-endpoint-services / @no-endpoint-nodeports\"\n"
    "\t\treject\n"
    "\t}\n"
    "\n"
    "\tchain endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080 {\n"
    "\t\tip saddr 10.244.1.5 jump mark-for-masquerade\n"
    "\t\tmeta l4proto tcp dnat to 10.244.1.5:8080\n"
    "\t}\n"
    "\n"
    "\tchain endpoint-BZGFZVVG-default/web/tcp/http__10.244.2.7/8080 {\n"
    "\t\tip saddr 10.244.2.7 jump mark-for-masquerade\n"
    "\t\tmeta l4proto tcp dnat to 10.244.2.7:8080\n"
    "\t}\n"
    "\n"
    "\tchain endpoint-IXR2BMJD-default/web/tcp/http__10.244.3.9/8080 {\n"
    "\t\tip saddr 10.244.3.9 jump mark-for-masquerade\n"
    "\t\tmeta l4proto tcp dnat to 10.244.3.9:8080\n"
    "\t}\n"
    "\n"
    "\tchain service-SUSTUHLJ-default/web/tcp/http {\n"
    "\t\tip daddr 10.96.1.100 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n"
    "\t\tnumgen random mod 3 vmap { 0 : goto endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080, 1 : goto endpoint-BZGFZVVG-default/web/tcp/http__10.244.2.7/8080, 2 : goto endpoint-IXR2BMJD-default/web/tcp/http__10.244.3.9/8080 }\n"
    "\t}\n"
    "}\n";

static const char *const web_endpoints[] = {
    "10.244.3.9@node-c", "10.244.1.5@node-a", "10.244.2.7@node-b", NULL,
};

static void
test_example(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autofree char *text = NULL;

    (void) state;
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", web_endpoints);
    add_service(f, "empty", "10.96.1.200", 80);
    text = render_all_addresses(f->store, "node-x");
    assert_text(text, example);
}

/* The nftables mode's default --nodeport-addresses primary: a nodeport-ips
 * set with the node's address, and the NodePort rules match it rather
 * than every local non-loopback address. */
static void
test_nodeport_addresses_primary(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autofree char *text = NULL;

    (void) state;
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", web_endpoints);
    text = render(f->store, "node-x");
    assert_has(text, "\tset cluster-ips {\n\t\ttype ipv4_addr\n\t\tcomment \"Active ClusterIPs\"\n"
                     "\t\telements = { 10.96.1.100 }\n\t}\n\n"
                     "\tset nodeport-ips {\n\t\ttype ipv4_addr\n\t\tcomment \"IPs that accept NodePort traffic\"\n"
                     "\t\telements = { 172.18.0.2 }\n\t}\n\n\tmap no-endpoint-services {\n");
    assert_has(text, "\tchain nodeport-endpoints-check {\n"
                     "\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports\n\t}\n");
    assert_has(text, "\t\tip daddr . meta l4proto . th dport vmap @service-ips\n"
                     "\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports\n");
}

/* ClientIP affinity: a set per endpoint, checked first in the service
 * chain and refreshed in the endpoint's (section 2.3). */
static void
test_affinity(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    KnService *web;
    g_autofree char *text = NULL;

    (void) state;
    web = add_service(f, "web", "10.96.1.100", 80);
    web->spec.session_affinity_client_ip = TRUE;
    web->spec.session_affinity_timeout_s = 10800;
    add_slice(f, "web", web_endpoints);
    text = render(f->store, "node-x");
    assert_has(text, "\tset affinity-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080 {\n"
                     "\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic,timeout\n\t\ttimeout 3h\n\t}\n");
    assert_has(text, "\t\tip daddr 10.96.1.100 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n"
                     "\t\tip saddr @affinity-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080 "
                     "goto endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080\n");
    assert_has(text, "\t\tip saddr 10.244.1.5 jump mark-for-masquerade\n"
                     "\t\tupdate @affinity-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080 { ip saddr }\n"
                     "\t\tmeta l4proto tcp dnat to 10.244.1.5:8080\n");
}

/* externalTrafficPolicy Local on a NodePort Service: the external chain's
 * short circuits, and on a node with no local endpoint the NodePort is
 * dropped, not rejected. */
static void
test_etp_local(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    KnService *web;
    g_autofree char *on_a = NULL, *on_x = NULL;

    (void) state;
    web = add_service(f, "web", "10.96.1.100", 80);
    web->spec.type = KN_SERVICE_NODE_PORT;
    web->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    ((KnServicePort *) web->spec.ports->pdata[0])->node_port = 30080;
    add_slice(f, "web", web_endpoints);

    on_a = render(f->store, "node-a");
    assert_has(on_a, "tcp . 30080 : goto external-SUSTUHLJ-default/web/tcp/http");
    assert_has(on_a, "\tchain external-SUSTUHLJ-default/web/tcp/http {\n"
                     "\t\tip saddr 10.244.0.0/16 goto service-SUSTUHLJ-default/web/tcp/http comment \"short-circuit pod traffic\"\n"
                     "\t\tfib saddr type local jump mark-for-masquerade comment \"masquerade local traffic\"\n"
                     "\t\tfib saddr type local goto service-SUSTUHLJ-default/web/tcp/http comment \"short-circuit local traffic\"\n"
                     "\t\tgoto local-SUSTUHLJ-default/web/tcp/http\n\t}\n");
    assert_has(on_a, "\tchain local-SUSTUHLJ-default/web/tcp/http {\n"
                     "\t\tnumgen random mod 1 vmap { 0 : goto endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080 }\n");

    on_x = render(f->store, "node-x");
    assert_has(on_x, "elements = { tcp . 30080 comment \"default/web:http\" : drop }");
    assert_true(strstr(on_x, "goto local-") == NULL);
}

/* loadBalancerSourceRanges: the firewall chain, and the VIP let through
 * when the node itself is in a range (merged away when a range holds it). */
static void
test_source_ranges(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    KnService *lb;
    g_autofree char *text = NULL;

    (void) state;
    lb = add_service(f, "web", "10.96.1.100", 80);
    lb->spec.type = KN_SERVICE_LOAD_BALANCER;
    ((KnServicePort *) lb->spec.ports->pdata[0])->node_port = 30080;
    g_ptr_array_add(lb->spec.load_balancer_source_ranges, g_strdup("203.0.113.0/24"));
    g_ptr_array_add(lb->spec.load_balancer_source_ranges, g_strdup("172.18.0.0/16"));
    g_ptr_array_add(lb->load_balancer_ingress, g_strdup("198.51.100.7"));
    add_slice(f, "web", web_endpoints);
    text = render(f->store, "node-a");
    assert_has(text, "198.51.100.7 . tcp . 80 : goto firewall-SUSTUHLJ-default/web/tcp/http");
    assert_has(text, "\tchain firewall-SUSTUHLJ-default/web/tcp/http {\n"
                     "\t\tip saddr != { 172.18.0.0/16, 198.51.100.7, 203.0.113.0/24 } drop\n\t}\n");
}

/*****************************************************************************/
/* The walk. */

/* The first packet of a TCP connection from 'src' to 'dst':'dport' through
 * 'hook'; returns the walk. */
static KnProxyWalk
walk_new_connection(const KnNftTable *table, KnNftSets *sets, KnRng *rng, KnHook hook, const char *src,
                    const char *dst, guint16 dport, KnPacket *packet)
{
    KnProxyWalk walk = { .hook = hook, .packet = packet, .ct_state = KN_CT_NEW | KN_CT_UNCONFIRMED,
                         .rng = rng, .is_local = is_node_x };

    memset(packet, 0, sizeof *packet);
    assert_true(kn_addr_parse(src, &packet->src));
    assert_true(kn_addr_parse(dst, &packet->dst));
    packet->proto = KN_IPPROTO_TCP;
    packet->sport = 40000;
    packet->dport = dport;
    kn_nft_table_walk(table, sets, &walk);
    return walk;
}

/* numgen random mod 3: each endpoint a third of the time (100,000
 * connections, each count within 5 sigma of its mean), the service chain
 * masquerading only sources outside the pod network. */
static void
test_walk_uniform(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    KnProxyNftablesConfig config;
    g_autoptr(KnNftTable) table = NULL;
    g_autoptr(KnNftSets) sets = kn_nft_sets_new();
    g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    KnRng rng;
    KnPacket packet;
    const guint n = 100000;

    (void) state;
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", web_endpoints);
    config_for(&config, "node-x");
    table = kn_proxy_nftables_build(f->store, &config);
    kn_rng_init(&rng, 7, "test/numgen");
    for (guint i = 0; i < n; i++) {
        KnProxyWalk walk = walk_new_connection(table, sets, &rng, KN_HOOK_OUTPUT, "10.244.9.9", "10.96.1.100", 80,
                                               &packet);
        char buf[KN_ADDR_STRLEN];

        assert_int_equal(walk.verdict, KN_VERDICT_ACCEPT);
        assert_true(walk.dnat);
        assert_int_equal(walk.dnat_port, 8080);
        assert_int_equal(packet.mark, 0);           /* a pod: no masquerade mark */
        kn_addr_format(&walk.dnat_addr, buf);
        g_hash_table_replace(counts, g_strdup(buf),
                             GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(counts, buf)) + 1));
    }
    assert_int_equal(g_hash_table_size(counts), 3);

    GHashTableIter iter;
    gpointer count;
    double mean = n / 3.0, sigma = sqrt(n * (1.0 / 3) * (2.0 / 3));

    g_hash_table_iter_init(&iter, counts);
    while (g_hash_table_iter_next(&iter, NULL, &count))
        assert_true(fabs(GPOINTER_TO_UINT(count) - mean) < 5 * sigma);

    /* From the node itself (not the pod network): marked for masquerade,
     * and nat-postrouting masquerades. */
    KnProxyWalk walk = walk_new_connection(table, sets, &rng, KN_HOOK_OUTPUT, "172.18.0.9", "10.96.1.100", 80,
                                           &packet);

    assert_true(walk.dnat);
    assert_int_equal(packet.mark, 0x4000);
    walk.hook = KN_HOOK_POSTROUTING;
    kn_nft_table_walk(table, sets, &walk);
    assert_true(walk.masquerade);
    assert_int_equal(packet.mark, 0);               /* masquerading clears the bit */
}

/* No endpoints: rejected at FORWARD (a pod's packet) and OUTPUT (the
 * node's), decided in reject-chain; an unknown port of a ClusterIP is
 * rejected by cluster-ips-check; an unallocated address dropped. */
static void
test_walk_no_endpoints(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    KnProxyNftablesConfig config;
    g_autoptr(KnNftTable) table = NULL;
    g_autoptr(KnNftSets) sets = kn_nft_sets_new();
    KnRng rng;
    KnPacket packet;
    KnProxyWalk walk;

    (void) state;
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", web_endpoints);
    add_service(f, "empty", "10.96.1.200", 80);
    config_for(&config, "node-x");
    table = kn_proxy_nftables_build(f->store, &config);
    kn_rng_init(&rng, 7, "test/reject");

    walk = walk_new_connection(table, sets, &rng, KN_HOOK_FORWARD, "10.244.9.9", "10.96.1.200", 80, &packet);
    assert_int_equal(walk.verdict, KN_VERDICT_REJECT);
    assert_string_equal(walk.decided_by, "reject-chain");
    walk = walk_new_connection(table, sets, &rng, KN_HOOK_OUTPUT, "172.18.0.9", "10.96.1.200", 80, &packet);
    assert_int_equal(walk.verdict, KN_VERDICT_REJECT);
    assert_false(walk.dnat);

    walk = walk_new_connection(table, sets, &rng, KN_HOOK_FORWARD, "10.244.9.9", "10.96.1.100", 81, &packet);
    assert_int_equal(walk.verdict, KN_VERDICT_REJECT);
    assert_string_equal(walk.decided_by, "cluster-ips-check");
    walk = walk_new_connection(table, sets, &rng, KN_HOOK_FORWARD, "10.244.9.9", "10.96.7.7", 80, &packet);
    assert_int_equal(walk.verdict, KN_VERDICT_DROP);
    /* A map lookup is one rule: filter-forward's two jumps, one lookup, the
     * check's two rules. */
    assert_int_equal(walk.n_rules, 5);
}

/* ClientIP affinity: the first connection's endpoint for every later one
 * from that client while the set keeps it; another client is free. */
static void
test_walk_affinity(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    KnProxyNftablesConfig config;
    g_autoptr(KnNftTable) table = NULL;
    g_autoptr(KnNftSets) sets = kn_nft_sets_new();
    KnService *web;
    KnRng rng;
    KnPacket packet;
    KnAddr first;
    gboolean other_differs = FALSE;

    (void) state;
    web = add_service(f, "web", "10.96.1.100", 80);
    web->spec.session_affinity_client_ip = TRUE;
    web->spec.session_affinity_timeout_s = 10;
    add_slice(f, "web", web_endpoints);
    config_for(&config, "node-x");
    table = kn_proxy_nftables_build(f->store, &config);
    kn_rng_init(&rng, 7, "test/affinity");

    KnProxyWalk walk = walk_new_connection(table, sets, &rng, KN_HOOK_OUTPUT, "10.244.9.9", "10.96.1.100", 80,
                                           &packet);

    first = walk.dnat_addr;
    for (guint i = 0; i < 50; i++) {
        walk = walk_new_connection(table, sets, &rng, KN_HOOK_OUTPUT, "10.244.9.9", "10.96.1.100", 80, &packet);
        assert_true(kn_addr_equal(&walk.dnat_addr, &first));
        walk = walk_new_connection(table, sets, &rng, KN_HOOK_OUTPUT, "10.244.8.8", "10.96.1.100", 80, &packet);
        other_differs |= !kn_addr_equal(&walk.dnat_addr, &first);
    }
    assert_true(other_differs);
    /* A new sync keeps the sets' elements. */
    kn_nft_sets_keep(sets, table);
    walk = walk_new_connection(table, sets, &rng, KN_HOOK_OUTPUT, "10.244.9.9", "10.96.1.100", 80, &packet);
    assert_true(kn_addr_equal(&walk.dnat_addr, &first));

    /* The node's listing shows what is left of each element's timeout (10 s
     * from the walks at 0), as nft does; none once they have expired. */
    g_autoptr(GString) listed = g_string_new(NULL);
    g_autoptr(GString) later = g_string_new(NULL);

    kn_nft_table_render_state(table, sets, 1500 * KN_MSEC, listed);
    assert_has(listed->str, "\t\ttimeout 10s\n\t\telements = { 10.244.9.9 expires 8s500ms }\n");
    kn_nft_table_render_state(table, sets, 10 * KN_SEC, later);
    assert_null(strstr(later->str, "expires"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_example),
        cmocka_unit_test(test_nodeport_addresses_primary),
        cmocka_unit_test(test_affinity),
        cmocka_unit_test(test_etp_local),
        cmocka_unit_test(test_source_ranges),
        cmocka_unit_test(test_walk_uniform),
        cmocka_unit_test(test_walk_no_endpoints),
        cmocka_unit_test(test_walk_affinity),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
