/* test_proxy_ipvs.c -- kube-proxy's IPVS mode: the reference's worked
 * example (section 3.4, `ipvsadm -Ln` from ipvsadm's format strings, and
 * the iptables rules of 3.5), ipvsadm's sort order, affinity, the Local
 * policy's fallback, and -m set matches walked against the sets. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>

#include "models/proxy-ipvs.h"
#include "sim/packet.h"
#include "tests/proxy_fixture.h"

static const char *const web_endpoints[] = {
    "10.244.3.9@node-c", "10.244.1.5@node-a", "10.244.2.7@node-b", NULL,
};

static KnIpvs *
build(KnStore *store, const char *node)
{
    KnProxyIptablesConfig config;

    kn_proxy_iptables_config_init(&config);
    config.node_name = node;
    config.node_ip = "172.18.0.9";
    config.cluster_cidr = "10.244.0.0/16";
    return kn_proxy_ipvs_build(store, &config);
}

static char *
ipvsadm(const KnIpvs *ipvs)
{
    GString *out = g_string_new(NULL);

    kn_proxy_ipvs_render_ipvsadm(ipvs, NULL, out);
    return g_string_free(out, FALSE);
}

static char *
iptables_save(const KnIpvs *ipvs)
{
    GString *out = g_string_new(NULL);

    kn_proxy_ir_render(ipvs->rules, "Thu Jan  1 00:00:00 2026", out);
    return g_string_free(out, FALSE);
}

/* Sections 3.4 and 3.5: one ClusterIP Service with three endpoints, on a
 * node without any of them. */
static void
test_example(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnIpvs) ipvs = NULL;
    g_autofree char *table = NULL, *rules = NULL;

    (void) state;
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", web_endpoints);
    ipvs = build(f->store, "node-x");
    table = ipvsadm(ipvs);
    assert_string_equal(table,
                        "IP Virtual Server version 1.2.1 (size=4096)\n"
                        "Prot LocalAddress:Port Scheduler Flags\n"
                        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                        "TCP  10.96.1.100:80 rr\n"
                        "  -> 10.244.1.5:8080              Masq    1      0          0         \n"
                        "  -> 10.244.2.7:8080              Masq    1      0          0         \n"
                        "  -> 10.244.3.9:8080              Masq    1      0          0         \n");

    rules = iptables_save(ipvs);
    static const char *const want[] = {
        "-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ\n",
        "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n",
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n"
        "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n",
        "-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN\n"
        "-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ\n"
        "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT\n"
        "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n",
        "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT\n"
        "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n",
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN\n"
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN\n"
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN\n"
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN\n"
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN\n"
        "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable\n",
        "-A KUBE-NODE-PORT -m comment --comment \"Kubernetes health check node port\" -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT\n",
        "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP\n",
        /* The jumps, each inserted at the head of its chain. */
        "-A INPUT -m comment --comment \"kubernetes ipvs access filter\" -j KUBE-IPVS-FILTER\n"
        "-A INPUT -m comment --comment \"kube-proxy firewall rules\" -j KUBE-PROXY-FIREWALL\n"
        "-A INPUT -m comment --comment \"kubernetes health check rules\" -j KUBE-NODE-PORT\n"
        "-A FORWARD -m comment --comment \"kube-proxy firewall rules\" -j KUBE-PROXY-FIREWALL\n"
        "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
        "-A OUTPUT -m comment --comment \"kubernetes ipvs access filter\" -j KUBE-IPVS-OUT-FILTER\n",
    };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++)
        assert_has(rules, want[i]);
    /* `ipset list NAME`, as ipset 7.17 prints it (the example's set, real
     * tool's revision and size for one member; three rules reference it). */
    g_autoptr(GString) list = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);

    assert_int_equal(kn_proxy_ir_list_sets(ipvs->rules, "KUBE-CLUSTER-IP", list, err), 0);
    assert_true(g_str_has_prefix(list->str, "Name: KUBE-CLUSTER-IP\nType: hash:ip,port\nRevision: 7\n"
                                            "Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x"));
    assert_true(g_str_has_suffix(list->str, "\nSize in memory: 264\nReferences: 3\nNumber of entries: 1\n"
                                            "Members:\n10.96.1.100,tcp:80\n"));
    assert_int_equal(kn_proxy_ir_list_sets(ipvs->rules, "NOPE", list, err), 1);
    assert_string_equal(err->str, "ipset v7.17: The set with the given name does not exist\n");
    /* No endpoint on node-x: no hairpin set member, no KUBE-LOOP-BACK rule. */
    assert_null(strstr(rules, "KUBE-LOOP-BACK"));
    assert_int_equal(ipvs->dummy_addrs->len, 1);
    assert_string_equal(ipvs->dummy_addrs->pdata[0], "10.96.1.100");
}

/* ipvsadm sorts by protocol, then address as a number, then port; ClientIP
 * affinity is the persistent flag with the timeout. */
static void
test_sort_and_affinity(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnIpvs) ipvs = NULL;
    g_autofree char *table = NULL;
    KnService *sticky;
    static const char *const one[] = { "10.244.1.5@node-a", NULL };

    (void) state;
    add_service(f, "web", "10.96.10.5", 80);
    add_slice(f, "web", one);
    sticky = add_service(f, "sticky", "10.96.9.200", 8080);
    sticky->spec.session_affinity_client_ip = TRUE;
    sticky->spec.session_affinity_timeout_s = 600;
    add_slice(f, "sticky", one);
    ipvs = build(f->store, "node-a");
    table = ipvsadm(ipvs);
    /* 10.96.9.200 < 10.96.10.5 as numbers, not as text. */
    assert_has(table, "TCP  10.96.9.200:8080 rr persistent 600\n"
                      "  -> 10.244.1.5:8080              Masq    1      0          0         \n"
                      "TCP  10.96.10.5:80 rr\n");
}

/* externalTrafficPolicy Local: NodePorts on every local address but
 * kube-ipvs0's; a node with a local endpoint sends only there, one
 * without falls back to every endpoint (syncEndpoint, PR 97081) where the
 * iptables mode drops; the ports go to both NodePort sets. */
static void
test_etp_local(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnIpvs) on_a = NULL, on_x = NULL;
    g_autofree char *table_a = NULL, *table_x = NULL, *sets = NULL;
    KnService *web;
    GString *out = g_string_new(NULL);

    (void) state;
    web = add_service(f, "web", "10.96.1.100", 80);
    web->spec.type = KN_SERVICE_NODE_PORT;
    web->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    ((KnServicePort *) web->spec.ports->pdata[0])->node_port = 30080;
    add_slice(f, "web", web_endpoints);
    web = add_service(f, "zweb", "10.96.1.101", 80);
    web->spec.type = KN_SERVICE_NODE_PORT;
    ((KnServicePort *) web->spec.ports->pdata[0])->node_port = 30001;

    on_a = build(f->store, "node-a");
    table_a = ipvsadm(on_a);
    /* The first services in ipvsadm's order (libipvs compares addresses
     * by an unsigned difference kept in an int: 172.18.0.9 - 10.96.1.100
     * wraps negative), with only the local endpoint. */
    assert_true(g_str_has_prefix(strstr(table_a, "TCP  "), "TCP  172.18.0.9:30001 rr\n"
                                 "TCP  172.18.0.9:30080 rr\n"
                                 "  -> 10.244.1.5:8080              Masq    1      0          0         \n"
                                 "TCP  10.96.1.100:80 rr\n"));
    /* No loopback address takes a NodePort. */
    assert_null(strstr(table_a, "127.0.0.1"));
    /* The ClusterIP keeps every endpoint (internal policy Cluster). */
    assert_has(table_a, "TCP  10.96.1.100:80 rr\n"
                        "  -> 10.244.1.5:8080              Masq    1      0          0         \n"
                        "  -> 10.244.2.7:8080              Masq    1      0          0         \n");
    kn_proxy_ir_render_sets(on_a->rules, out);
    assert_has(out->str, "add KUBE-LOOP-BACK 10.244.1.5,tcp:8080,10.244.1.5\n");
    g_string_truncate(out, 0);
    /* Hairpin traffic's MASQUERADE has no --random-fully: only the SNAT
     * rule of KUBE-POSTROUTING gets it. */
    kn_proxy_ir_render(on_a->rules, "Thu Jan  1 00:00:00 2026", out);
    assert_has(out->str, "-m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE\n");
    assert_has(out->str, "requiring SNAT\" -j MASQUERADE --random-fully\n");
    g_string_truncate(out, 0);

    on_x = build(f->store, "node-x");
    table_x = ipvsadm(on_x);
    assert_has(table_x, "TCP  172.18.0.9:30080 rr\n"
                        "  -> 10.244.1.5:8080              Masq    1      0          0         \n"
                        "  -> 10.244.2.7:8080              Masq    1      0          0         \n"
                        "  -> 10.244.3.9:8080              Masq    1      0          0         \n");
    kn_proxy_ir_render_sets(on_x->rules, out);
    sets = g_string_free(out, FALSE);
    /* A bitmap lists its members in port order, whatever the order added. */
    assert_has(sets, "add KUBE-NODE-PORT-TCP 30001\nadd KUBE-NODE-PORT-TCP 30080\n");
    assert_has(sets, "add KUBE-NODE-PORT-LOCAL-TCP 30080\n");
    assert_has(sets, "create KUBE-NODE-PORT-TCP bitmap:port range 0-65535\n");
    /* Node addresses are never bound to kube-ipvs0. */
    assert_int_equal(on_x->dummy_addrs->len, 2);
}

/* One rule walk of 'table' at 'hook' for the first packet of a TCP
 * connection 'src' -> 'dst':'dport'. */
static KnProxyWalk
walk_first(KnIpvs *ipvs, KnProxyIrTable table, KnHook hook, const char *src, const char *dst, guint16 dport,
           KnPacket *packet)
{
    KnProxyWalk walk = { .hook = hook, .packet = packet, .ct_state = KN_CT_NEW | KN_CT_UNCONFIRMED,
                         .is_local = is_node_x, .in_iface = "eth0" };

    memset(packet, 0, sizeof *packet);
    assert_true(kn_addr_parse(src, &packet->src));
    assert_true(kn_addr_parse(dst, &packet->dst));
    packet->proto = KN_IPPROTO_TCP;
    packet->sport = 40000;
    packet->dport = dport;
    kn_proxy_ir_walk(ipvs->rules, table, NULL, &walk);
    return walk;
}

/* -m set against the sets: a ClusterIP port from outside the pod network
 * is marked for masquerade and accepted in nat; from a pod, only
 * accepted; KUBE-IPVS-FILTER lets the Service's port through and rejects
 * any other port of the address bound to kube-ipvs0. */
static void
test_walk_sets(void **state)
{
    g_autoptr(Fixture) f = fixture_new();
    g_autoptr(KnIpvs) ipvs = NULL;
    KnPacket packet;
    KnProxyWalk walk;

    (void) state;
    add_service(f, "web", "10.96.1.100", 80);
    add_slice(f, "web", web_endpoints);
    ipvs = build(f->store, "node-x");

    walk = walk_first(ipvs, KN_PROXY_IR_NAT, KN_HOOK_PREROUTING, "172.18.0.5", "10.96.1.100", 80, &packet);
    assert_int_equal(packet.mark, 0x4000);
    assert_true(walk.accepted);
    assert_false(walk.dnat);                 /* IPVS, not iptables, picks the endpoint */

    walk = walk_first(ipvs, KN_PROXY_IR_NAT, KN_HOOK_PREROUTING, "10.244.2.7", "10.96.1.100", 80, &packet);
    assert_int_equal(packet.mark, 0);
    assert_true(walk.accepted);

    walk = walk_first(ipvs, KN_PROXY_IR_FILTER, KN_HOOK_INPUT, "10.244.2.7", "10.96.1.100", 80, &packet);
    assert_int_equal(walk.verdict, KN_VERDICT_ACCEPT);
    walk = walk_first(ipvs, KN_PROXY_IR_FILTER, KN_HOOK_INPUT, "10.244.2.7", "10.96.1.100", 81, &packet);
    assert_int_equal(walk.verdict, KN_VERDICT_REJECT);
    assert_string_equal(walk.decided_by, "KUBE-IPVS-FILTER");
    /* Not an address of kube-ipvs0: nothing to reject. */
    walk = walk_first(ipvs, KN_PROXY_IR_FILTER, KN_HOOK_INPUT, "10.244.2.7", "10.96.1.101", 81, &packet);
    assert_int_equal(walk.verdict, KN_VERDICT_ACCEPT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example),
        cmocka_unit_test(test_sort_and_affinity),
        cmocka_unit_test(test_etp_local),
        cmocka_unit_test(test_walk_sets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
