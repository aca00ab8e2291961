/* test_net.c -- the data path: pods reach each other across the overlay
 * without NAT, closed ports refuse, unanswered SYNs are retried, ICMP and
 * UDP behave as the kernel's, observers see every interface; the data path
 * on several lanes. */
#include <config.h>
#include "tests/test_util.h"
#include "models/apiserver.h"
#include "models/cluster.h"
#include "models/envelope.h"
#include "models/net.h"
#include "models/replay.h"
#include "models/resolvconf.h"
#include "models/resolver.h"
#include "models/shell.h"
#include "models/store.h"

static const char scenario_yaml[] =
    "apiVersion: knetsim/v1\n"
    "kind: Scenario\n"
    "metadata: {name: net}\n"
    "cluster:\n"
    "  nodes:\n"
    "  - {name: cp, roles: [control-plane], zone: zone-a, cpu: 4}\n"
    "  - {name: w1, zone: zone-a, cpu: 4}\n"
    "  - {name: w2, zone: zone-b, cpu: 4}\n"
    "external:\n"
    "  hosts: [{name: laptop, ip: 203.0.113.7}]\n"
    "  dns: {example.com: [93.184.215.14]}\n"
    "steps:\n"
    "- kubectl: create deployment web --image=nginx:1.27 --replicas=2\n"
    "- kubectl: run client --image=nicolaka/netshoot -- sleep infinity\n"
    "- wait: 5s\n";

typedef void (*NetTest)(KnCluster *cluster, KnNet *net);

static void
on_end(const KnReplayState *state, gpointer user_data)
{
    ((NetTest) user_data)(state->cluster, state->net);
}

/* Replays the scenario above and runs 'test' on what it leaves. */
static void
with_net(NetTest test)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load_data("net.yaml", scenario_yaml,
                                                           strlen(scenario_yaml), &error);
    KnReplayReport report;

    assert_non_null(scenario);
    KnReplayOptions options = { .seed = 1, .until = KN_TIME_MAX, .at_end = on_end,
                                .at_end_data = (gpointer) test };
    assert_true(kn_replay_run(scenario, &options, &report, &error));
}

/* The web pod on node 'node' ("w1", "w2"), or NULL. */
static const KnPod *
web_pod_on(KnCluster *cluster, const char *node)
{
    g_autoptr(GPtrArray) pods = kn_store_list(cluster->store, KN_KIND_POD, "default");

    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];

        if (g_str_has_prefix(pod->meta.name, "web-") && g_strcmp0(pod->spec.node_name, node) == 0)
            return pod;
    }
    return NULL;
}

typedef struct {
    gboolean done;
    KnNetStatus status;
    char *received;
    KnTime connected, finished;
    guint ttl;                   /* ping: the reply's */
} Outcome;

static void
on_tcp(const KnTcpResult *result, gpointer user_data)
{
    Outcome *o = user_data;

    o->done = TRUE;
    o->status = result->status;
    o->received = g_strndup(g_bytes_get_data(result->received, NULL), g_bytes_get_size(result->received));
    o->connected = result->connected;
    o->finished = result->finished;
}

static void
on_udp(const KnUdpResult *result, gpointer user_data)
{
    Outcome *o = user_data;

    o->done = TRUE;
    o->status = result->status;
}

static void
on_ping(const KnPingResult *result, gpointer user_data)
{
    Outcome *o = user_data;

    o->done = TRUE;
    o->status = result->status;
    o->finished = result->rtt;
    o->ttl = result->ttl;
}

static void
run_until_done(KnCluster *cluster, Outcome *o)
{
    while (!o->done && kn_sim_pending(cluster->sim) > 0)
        kn_sim_run_until(cluster->sim, kn_sim_now(cluster->sim) + KN_SEC);
    assert_true(o->done);
}

/* An HTTP GET from 'from' to 'ip':'port'. */
static Outcome
http_get(KnCluster *cluster, KnNetns *from, const char *ip, guint16 port, KnTime connect_timeout)
{
    KnNetClient *client = kn_netns_client(from);
    static const char request[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    g_autoptr(GBytes) send = g_bytes_new_static(request, sizeof request - 1);
    KnTcpRequest r = { .port = port, .send = send, .connect_timeout = connect_timeout, .http = TRUE };
    Outcome o = { 0 };

    assert_true(kn_addr_parse(ip, &r.dst));
    client->klass->tcp_exchange(client->self, &r, on_tcp, &o);
    run_until_done(cluster, &o);
    return o;
}

static void
check_pod_to_pod_across_nodes(KnCluster *cluster, KnNet *net)
{
    const KnPod *remote = web_pod_on(cluster, "w1");
    KnNetns *client = kn_net_pod(net, "default", "client");
    guint64 encapsulated = kn_net_stats(net).n_encapsulated;

    assert_non_null(remote);
    assert_non_null(client);
    assert_string_equal(kn_netns_name(kn_netns_node(client)), "w2");   /* scheduler's choice */
    Outcome o = http_get(cluster, client, remote->pod_ip, 80, 0);
    assert_int_equal(o.status, KN_NET_OK);
    assert_true(g_str_has_prefix(o.received, "HTTP/1.1 200 OK\r\n"));
    /* Cross-zone: w2 (zone-b) to w1 (zone-a), twice the one-way 500 us and more. */
    assert_true(o.connected >= 1000 * KN_USEC);
    assert_true(kn_net_stats(net).n_encapsulated > encapsulated);
    g_free(o.received);
}

static void
test_net_pod_to_pod_across_nodes(void **state)
{
    (void) state;
    with_net(check_pod_to_pod_across_nodes);
}

static void
check_closed_port_refuses(KnCluster *cluster, KnNet *net)
{
    const KnPod *web = web_pod_on(cluster, "w1");
    Outcome o = http_get(cluster, kn_net_pod(net, "default", "client"), web->pod_ip, 8081, 0);

    assert_int_equal(o.status, KN_NET_REFUSED);
    g_free(o.received);
}

static void
test_net_closed_port_refuses(void **state)
{
    (void) state;
    with_net(check_closed_port_refuses);
}

/* Nobody has 10.244.1.200: the SYNs go unanswered; a 3 s connect timeout
 * sees the first SYN and its retransmissions after 1 s and 2 s more. */
static void
check_unanswered_syn_times_out(KnCluster *cluster, KnNet *net)
{
    g_autoptr(KnTrace) trace = kn_trace_new();
    KnTime start = kn_sim_now(cluster->sim);
    guint retries = 0;

    kn_net_set_trace(net, trace);
    Outcome o = http_get(cluster, kn_net_pod(net, "default", "client"), "10.244.1.200", 80, 3 * KN_SEC);
    kn_net_set_trace(net, NULL);
    assert_int_equal(o.status, KN_NET_CONNECT_TIMEOUT);
    assert_int_equal(o.finished - start, 3 * KN_SEC);
    for (guint i = 0; i < kn_trace_n_notes(trace); i++)
        retries += strstr(kn_trace_get(trace, i)->text, "retransmission") != NULL;
    assert_int_equal(retries, 1);            /* at 1 s; the next would be at 3 s */
    g_free(o.received);
}

static void
test_net_unanswered_syn_times_out(void **state)
{
    (void) state;
    with_net(check_unanswered_syn_times_out);
}

static void
check_ping_and_udp(KnCluster *cluster, KnNet *net)
{
    KnNetClient *client = kn_netns_client(kn_net_pod(net, "default", "client"));
    const KnPod *web = web_pod_on(cluster, "w2");
    Outcome ping = { 0 }, udp = { 0 };
    KnAddr addr;
    g_autoptr(GBytes) payload = g_bytes_new_static("x", 1);

    assert_true(kn_addr_parse(web->pod_ip, &addr));
    client->klass->ping(client->self, &addr, 1, KN_SEC, on_ping, &ping);
    run_until_done(cluster, &ping);
    assert_int_equal(ping.status, KN_NET_OK);
    assert_true(ping.finished > 0 && ping.finished < KN_MSEC);   /* same node: veth only */
    assert_int_equal(ping.ttl, 64);                              /* bridged: nothing routed it */

    /* Across the overlay both nodes route the reply: 64 - 2. */
    Outcome far = { 0 };

    assert_true(kn_addr_parse(web_pod_on(cluster, "w1")->pod_ip, &addr));
    client->klass->ping(client->self, &addr, 1, KN_SEC, on_ping, &far);
    run_until_done(cluster, &far);
    assert_int_equal(far.status, KN_NET_OK);
    assert_int_equal(far.ttl, 62);

    KnUdpRequest r = { .dst = addr, .port = 9999, .send = payload, .timeout = KN_SEC };
    client->klass->udp_exchange(client->self, &r, on_udp, &udp);
    run_until_done(cluster, &udp);
    assert_int_equal(udp.status, KN_NET_REFUSED);   /* ICMP port unreachable */
}

static void
test_net_ping_and_udp(void **state)
{
    (void) state;
    with_net(check_ping_and_udp);
}

static void
on_packet(gpointer user_data, KnTime time, const char *iface, const KnPacket *packet,
          const char *comment)
{
    GHashTable *seen = user_data;

    (void) time;
    (void) packet;
    assert_non_null(comment);
    assert_true(*comment != '\0');
    g_hash_table_add(seen, g_strdup(iface));
}

/* Every interface a request crosses is shown to the observer. */
static void
check_observer_sees_every_interface(KnCluster *cluster, KnNet *net)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const KnPod *web = web_pod_on(cluster, "w1");
    g_autofree char *web_eth0 = g_strdup_printf("%s/eth0", web->meta.name);

    kn_net_set_observer(net, on_packet, seen);
    Outcome o = http_get(cluster, kn_net_pod(net, "default", "client"), web->pod_ip, 80, 0);
    kn_net_set_observer(net, NULL, NULL);
    assert_int_equal(o.status, KN_NET_OK);
    assert_true(g_hash_table_contains(seen, "client/eth0"));
    assert_true(g_hash_table_contains(seen, "w2/flannel.1"));
    assert_true(g_hash_table_contains(seen, "w2/eth0"));
    assert_true(g_hash_table_contains(seen, "w1/eth0"));
    assert_true(g_hash_table_contains(seen, "w1/flannel.1"));
    assert_true(g_hash_table_contains(seen, web_eth0));
    assert_int_equal(g_hash_table_size(seen), 8);    /* and the two veths */
    g_free(o.received);
}

static void
test_net_observer_sees_every_interface(void **state)
{
    (void) state;
    with_net(check_observer_sees_every_interface);
}

typedef struct {
    GArray *sports;              /* guint16: the source ports of queries leaving the client */
    GPtrArray *servers;          /* char *: the interfaces of the CoreDNS pods they reach */
    const char *client_eth0;
} DnsSeen;

static void
on_dns_packet(gpointer user_data, KnTime time, const char *iface, const KnPacket *packet,
              const char *comment)
{
    DnsSeen *seen = user_data;

    (void) time;
    (void) comment;
    if (packet->proto != KN_IPPROTO_UDP || packet->dport != 53)
        return;
    if (strcmp(iface, seen->client_eth0) == 0)
        g_array_append_val(seen->sports, packet->sport);
    else if (g_str_has_prefix(iface, "coredns-") && g_str_has_suffix(iface, "/eth0"))
        g_ptr_array_add(seen->servers, g_strdup(iface));
}

static void
on_resolved(const KnResolveResult *result, gpointer user_data)
{
    Outcome *o = user_data;

    o->done = TRUE;
    o->status = result->found ? KN_NET_OK : KN_NET_CONNECT_TIMEOUT;
}

/* A and AAAA leave from one socket (glibc's send_dg, musl's
 * __res_msend_rc): one source port, so one conntrack entry, so the second
 * datagram takes the first one's DNAT to the same CoreDNS pod. */
static void
check_dns_one_socket_from(KnCluster *cluster, KnNet *net, const char *pod)
{
    g_autofree char *eth0 = g_strdup_printf("%s/eth0", pod);
    DnsSeen seen = { g_array_new(FALSE, FALSE, sizeof(guint16)), g_ptr_array_new_with_free_func(g_free), eth0 };
    KnNetClient *client = kn_netns_client(kn_net_pod(net, "default", pod));
    Outcome o = { 0 };
    gsize pending = kn_sim_pending(cluster->sim);

    kn_net_set_observer(net, on_dns_packet, &seen);
    client->klass->resolve(client->self, "kubernetes", on_resolved, &o);
    run_until_done(cluster, &o);
    kn_net_set_observer(net, NULL, NULL);
    assert_int_equal(o.status, KN_NET_OK);
    /* The process stopped waiting when the answers came: its retry and
     * deadline timers went with it. */
    assert_int_equal(kn_sim_pending(cluster->sim), pending);
    assert_int_equal(seen.sports->len, 2);   /* kubernetes.default.svc.cluster.local, A and AAAA */
    assert_int_equal(g_array_index(seen.sports, guint16, 0), g_array_index(seen.sports, guint16, 1));
    assert_int_equal(seen.servers->len, 2);
    assert_string_equal(seen.servers->pdata[0], seen.servers->pdata[1]);
    g_array_unref(seen.sports);
    g_ptr_array_unref(seen.servers);
}

static void
check_dns_one_socket(KnCluster *cluster, KnNet *net)
{
    check_dns_one_socket_from(cluster, net, "client");                      /* musl */
    check_dns_one_socket_from(cluster, net, web_pod_on(cluster, "w1")->meta.name);  /* glibc */
}

static void
test_net_dns_one_socket(void **state)
{
    (void) state;
    with_net(check_dns_one_socket);
}

/* The kubelet writes a pod's resolv.conf once, from its own clusterDNS
 * setting: deleting the kube-dns Service leaves the nameserver in every
 * pod's file, and the lookups through it go unanswered. */
static void
check_dns_service_deleted(KnCluster *cluster, KnNet *net)
{
    KnNetns *ns = kn_net_pod(net, "default", "client");
    KnNetClient *client = kn_netns_client(ns);
    g_autofree char *before = kn_net_resolv_conf(net, ns);
    Outcome o = { 0 };

    assert_non_null(strstr(before, "nameserver 10.96.0.10\n"));
    assert_true(kn_store_delete(cluster->store, KN_KIND_SERVICE, "kube-system", "kube-dns"));
    kn_sim_run_until(cluster->sim, kn_sim_now(cluster->sim) + KN_SEC);

    g_autofree char *after = kn_net_resolv_conf(net, ns);

    assert_string_equal(after, before);
    client->klass->resolve(client->self, "kubernetes", on_resolved, &o);
    run_until_done(cluster, &o);
    assert_int_equal(o.status, KN_NET_CONNECT_TIMEOUT);
}

static void
test_net_dns_service_deleted(void **state)
{
    (void) state;
    with_net(check_dns_service_deleted);
}

/* A ClusterIP Service 'name' of 'type' on one port. */
static void
add_service(KnCluster *cluster, const char *name, KnServiceType type, const char *cluster_ip,
            const char *port_name, guint port, KnProtocol protocol)
{
    KnService *s = kn_service_new();
    KnServicePort *p = kn_service_port_new();
    g_autoptr(GError) error = NULL;

    s->meta.namespace = g_strdup("default");
    s->meta.name = g_strdup(name);
    s->spec.type = type;
    s->spec.cluster_ip = g_strdup(cluster_ip);
    if (type == KN_SERVICE_EXTERNAL_NAME)
        s->spec.external_name = g_strdup("example.com");
    else {
        if (s->spec.selector == NULL)
            s->spec.selector = kn_labels_new();
        kn_labels_set(s->spec.selector, "app", "web");
    }
    p->name = g_strdup(port_name);
    p->port = port;
    p->protocol = protocol;
    kn_int_or_string_set_number(&p->target_port, port);
    g_ptr_array_add(s->spec.ports, p);
    assert_true(kn_apiserver_create(cluster, KN_KIND_SERVICE, s, &error));
}

/* A netshoot pod 'name' in default, started. */
static KnNetns *
start_pod(KnCluster *cluster, KnNet *net, const char *name, gboolean service_links)
{
    KnPod *pod = kn_pod_new();
    KnContainer *c = kn_container_new();
    g_autoptr(GError) error = NULL;

    pod->meta.namespace = g_strdup("default");
    pod->meta.name = g_strdup(name);
    pod->spec.enable_service_links = service_links;
    c->name = g_strdup(name);
    c->image = g_strdup("nicolaka/netshoot");
    g_ptr_array_add(pod->spec.containers, c);
    assert_true(kn_apiserver_create(cluster, KN_KIND_POD, pod, &error));
    kn_sim_run_until(cluster->sim, kn_sim_now(cluster->sim) + 5 * KN_SEC);
    return kn_net_pod(net, "default", name);
}

static gboolean
has_env(const KnNetns *ns, const char *entry)
{
    return g_strv_contains(kn_netns_environ(ns), entry);
}

/* getServiceEnvVarMap and FromServices: a pod started after a Service
 * has its variables (named ports, the link variables per port and
 * protocol), a pod started before has not; headless and ExternalName
 * Services give none; enableServiceLinks false leaves default/kubernetes
 * alone. */
static void
check_service_environment(KnCluster *cluster, KnNet *net)
{
    KnNetns *client = kn_net_pod(net, "default", "client");
    KnNetns *late, *unlinked;

    add_service(cluster, "my-db", KN_SERVICE_CLUSTER_IP, NULL, "pg", 5432, KN_PROTOCOL_TCP);
    add_service(cluster, "dns", KN_SERVICE_CLUSTER_IP, NULL, NULL, 53, KN_PROTOCOL_UDP);
    add_service(cluster, "hl", KN_SERVICE_CLUSTER_IP, "None", "http", 80, KN_PROTOCOL_TCP);
    add_service(cluster, "ext", KN_SERVICE_EXTERNAL_NAME, NULL, "http", 80, KN_PROTOCOL_TCP);
    late = start_pod(cluster, net, "late", TRUE);
    unlinked = start_pod(cluster, net, "unlinked", FALSE);
    assert_non_null(late);
    assert_non_null(unlinked);

    const KnService *db = kn_store_lookup(cluster->store, KN_KIND_SERVICE, "default", "my-db");
    const KnService *dns = kn_store_lookup(cluster->store, KN_KIND_SERVICE, "default", "dns");
    g_autofree char *host = g_strdup_printf("MY_DB_SERVICE_HOST=%s", db->spec.cluster_ip);
    g_autofree char *link = g_strdup_printf("MY_DB_PORT_5432_TCP=tcp://%s:5432", db->spec.cluster_ip);
    g_autofree char *udp = g_strdup_printf("DNS_PORT=udp://%s:53", dns->spec.cluster_ip);

    assert_true(has_env(late, host));
    assert_true(has_env(late, "MY_DB_SERVICE_PORT=5432"));
    assert_true(has_env(late, "MY_DB_SERVICE_PORT_PG=5432"));
    assert_true(has_env(late, link));
    assert_true(has_env(late, "MY_DB_PORT_5432_TCP_PROTO=tcp"));
    assert_true(has_env(late, udp));
    assert_true(has_env(late, "DNS_PORT_53_UDP_PORT=53"));
    assert_true(has_env(late, "KUBERNETES_SERVICE_PORT_HTTPS=443"));
    assert_true(has_env(late, "HOSTNAME=late"));
    for (const char *const *e = kn_netns_environ(late); *e != NULL; e++)
        assert_false(g_str_has_prefix(*e, "HL_") || g_str_has_prefix(*e, "EXT_"));
    assert_false(has_env(client, host));
    assert_true(has_env(client, "KUBERNETES_SERVICE_HOST=10.96.0.1"));
    assert_false(has_env(unlinked, host));
    assert_true(has_env(unlinked, "KUBERNETES_PORT=tcp://10.96.0.1:443"));
}

static void
test_net_service_environment(void **state)
{
    (void) state;
    with_net(check_service_environment);
}

/* A lookup the run ends in the middle of: its caller's data goes through
 * the destroy notify, once, and 'done' is never called. */
typedef struct {
    KnResolvConf *conf;
    guint n_done, n_dropped;
    gsize pending;               /* the sim's events just before the end */
} Unfinished;

static Unfinished unfinished;

static void
on_unfinished_done(const KnResolverResult *result, gpointer user_data)
{
    (void) result;
    ((Unfinished *) user_data)->n_done++;
}

static void
on_unfinished_dropped(gpointer user_data)
{
    ((Unfinished *) user_data)->n_dropped++;
}

static void
check_lookup_cut_short(KnCluster *cluster, KnNet *net)
{
    KnNetns *ns = kn_net_pod(net, "default", "client");
    g_autofree char *text = kn_net_resolv_conf(net, ns);

    unfinished.conf = kn_resolvconf_parse(text, KN_LIBC_MUSL);
    kn_resolver_lookup(kn_netns_client(ns), unfinished.conf, kn_sim_rng(cluster->sim, "dns-id"),
                       "kubernetes", KN_RESOLVER_BOTH, on_unfinished_done, &unfinished,
                       on_unfinished_dropped);
    /* The queries are out, their answers not yet in. */
    kn_sim_run_until(cluster->sim, kn_sim_now(cluster->sim) + 1000);
    unfinished.pending = kn_sim_pending(cluster->sim);
}

static void
test_net_lookup_cut_short(void **state)
{
    (void) state;
    with_net(check_lookup_cut_short);
    assert_true(unfinished.pending > 0);
    assert_int_equal(unfinished.n_done, 0);
    assert_int_equal(unfinished.n_dropped, 1);
    kn_resolvconf_free(unfinished.conf);
}

/* Commands the run ends in the middle of: a curl waiting for DNS, a dig,
 * nslookup, a ping, a sleep.  Nothing is called back after the end;
 * the sanitizer build's leak check holds their shells and tools to being
 * let go (netclient.h adopt). */
static guint n_commands_done, n_done_at_end;
static KnTime cut_after;             /* how long the commands run before the end */

static void
on_command_done(const KnShellResult *result, gpointer user_data)
{
    (void) result;
    (void) user_data;
    n_commands_done++;
}

static void
check_commands_cut_short(KnCluster *cluster, KnNet *net)
{
    static const char *const commands[] = {
        "curl -s http://web", "dig web.default.svc.cluster.local", "nslookup web",
        "ping -c 3 example.com", "sh -c 'sleep 5; echo late'",
        "sh -c 'for i in $(seq 3); do curl -s -m 2 http://web; done | sort | uniq -c'",
    };
    KnNetClient *client = kn_netns_client(kn_net_pod(net, "default", "client"));
    KnShellOptions options = { 0 };

    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        kn_shell_exec_line(client, commands[i], &options, on_command_done, NULL);
    kn_sim_run_until(cluster->sim, kn_sim_now(cluster->sim) + cut_after);
    n_done_at_end = n_commands_done;
}

static void
test_net_commands_cut_short(void **state)
{
    (void) state;
    /* At once: resolving; after 1.5 s: pinging, sleeping, looping. */
    for (guint i = 0; i < 2; i++) {
        cut_after = i == 0 ? KN_USEC : 1500 * KN_MSEC;
        n_commands_done = 0;
        with_net(check_commands_cut_short);
        assert_true(n_done_at_end < 6);            /* some still wait */
        assert_int_equal(n_commands_done, n_done_at_end);
    }
}

typedef struct {
    gboolean done, found;
    char *first;
} Resolved;

static void
on_resolved_outside(const KnResolveResult *result, gpointer user_data)
{
    Resolved *r = user_data;

    r->done = TRUE;
    r->found = result->found;
    if (result->found && result->addresses->len > 0) {
        char ip[KN_ADDR_STRLEN];

        r->first = g_strdup(kn_addr_format(result->addresses->pdata[0], ip));
    }
}

static Resolved
resolve_from(KnCluster *cluster, KnNetns *ns, const char *name)
{
    KnNetClient *client = kn_netns_client(ns);
    Resolved r = { 0 };

    client->klass->resolve(client->self, name, on_resolved_outside, &r);
    while (!r.done && kn_sim_pending(cluster->sim) > 0)
        kn_sim_run_until(cluster->sim, kn_sim_now(cluster->sim) + KN_SEC);
    assert_true(r.done);
    return r;
}

static void
on_resolver_packet(gpointer user_data, KnTime time, const char *iface, const KnPacket *packet,
                   const char *comment)
{
    guint *n = user_data;

    (void) time;
    (void) comment;
    if (strcmp(iface, "external.dns/eth0") == 0 && packet->proto == KN_IPPROTO_UDP && packet->dport == 53)
        (*n)++;
}

/* A node's and an outside host's resolver asks the outside resolver, on
 * the nodes' gateway, which knows the scenario's external names and no
 * cluster name; a pod's CoreDNS forwards outside names to it, all as
 * real queries. */
static void
check_outside_resolution(KnCluster *cluster, KnNet *net)
{
    KnNetns *places[] = { kn_net_node(net, "w1"), kn_net_host(net, "laptop") };
    guint queries = 0;

    kn_net_set_observer(net, on_resolver_packet, &queries);
    Resolved r = resolve_from(cluster, kn_net_pod(net, "default", "client"), "example.com");

    assert_true(r.found);
    assert_string_equal(r.first, "93.184.215.14");
    g_free(r.first);
    assert_int_equal(queries, 2);            /* CoreDNS's forwards: A and AAAA */
    for (guint i = 0; i < G_N_ELEMENTS(places); i++) {
        queries = 0;
        r = resolve_from(cluster, places[i], "kubernetes.default.svc.cluster.local");
        assert_false(r.found);
        assert_int_equal(queries, 2);        /* asked, and told NXDOMAIN */
        r = resolve_from(cluster, places[i], "kubernetes");
        assert_false(r.found);
        r = resolve_from(cluster, places[i], "example.com.");
        assert_true(r.found);
        assert_string_equal(r.first, "93.184.215.14");
        g_free(r.first);
    }
    kn_net_set_observer(net, NULL, NULL);
}

static void
test_net_outside_resolution(void **state)
{
    (void) state;
    with_net(check_outside_resolution);
}

/* An outside host reaches a node's address; nothing listens there. */
static void
check_host_to_node(KnCluster *cluster, KnNet *net)
{
    KnNetns *laptop = kn_net_host(net, "laptop");
    KnNetns *w1 = kn_net_node(net, "w1");
    char ip[KN_ADDR_STRLEN];

    assert_non_null(laptop);
    kn_addr_format(&kn_netns_client(w1)->address, ip);
    Outcome o = http_get(cluster, laptop, ip, 31000, 0);
    assert_int_equal(o.status, KN_NET_REFUSED);
    assert_true(o.finished >= 10 * KN_MSEC);      /* two trips to the outside */
    g_free(o.received);
}

static void
test_net_host_to_node(void **state)
{
    (void) state;
    with_net(check_host_to_node);
}

/* A run on lanes sends every request and gets every answer, and every
 * lookup through the resolvers and CoreDNS, and counts the same packets,
 * rules, events and time each time, however its threads ran. */
static void
test_net_lanes_are_deterministic(void **state)
{
    (void) state;
    KnEnvelopeSize size = { .nodes = 6, .services = 12, .pods = 60, .namespaces = 2 };
    KnDataplaneReport first_http = { 0 };
    KnDnsBenchReport first_dns = { 0 };

    for (guint lanes = 1; lanes <= 3; lanes++) {
        for (guint run = 0; run < 3; run++) {
            KnDataplaneReport http;
            KnDnsBenchReport dns;

            kn_envelope_dataplane(&size, 2000, 20000.0, 1, lanes, &http);
            kn_envelope_dns(&size, 600, 20000.0, 1, lanes, &dns);
            assert_int_equal(http.lanes, lanes);
            assert_int_equal(dns.lanes, lanes);
            assert_int_equal(http.ok, 2000);
            assert_int_equal(http.failed, 0);
            assert_int_equal(http.packets, 8 * 2000);   /* SYN, SYN-ACK, ACK, GET, answer, 3 to close */
            assert_int_equal(dns.ok, 600);
            assert_int_equal(dns.failed, 0);
            if (run == 0) {
                first_http = http;
                first_dns = dns;
                continue;
            }
            assert_int_equal(http.rules, first_http.rules);
            assert_int_equal(http.n_events, first_http.n_events);
            assert_int_equal(http.sim_time, first_http.sim_time);
            assert_int_equal(dns.packets, first_dns.packets);
            assert_int_equal(dns.sim_time, first_dns.sim_time);
        }
    }
}

static void
check_lanes_refused(KnCluster *cluster, KnNet *net)
{
    KnTrace *trace = kn_trace_new();

    /* A trace is one ordered stream: one lane. */
    kn_net_set_trace(net, trace);
    assert_false(kn_net_set_lanes(net, 2));
    assert_int_equal(kn_sim_n_lanes(cluster->sim), 1);
    kn_net_set_trace(net, NULL);
    kn_trace_free(trace);
    assert_true(kn_net_set_lanes(net, 2));
    assert_int_equal(kn_sim_n_lanes(cluster->sim), 2);
    /* Not more lanes than nodes (three here). */
    assert_true(kn_net_set_lanes(net, 8));
    assert_int_equal(kn_sim_n_lanes(cluster->sim), 3);
    assert_true(kn_net_set_lanes(net, 1));
}

static void
test_net_lanes_refused(void **state)
{
    (void) state;
    with_net(check_lanes_refused);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_net_pod_to_pod_across_nodes),
        cmocka_unit_test(test_net_closed_port_refuses),
        cmocka_unit_test(test_net_unanswered_syn_times_out),
        cmocka_unit_test(test_net_ping_and_udp),
        cmocka_unit_test(test_net_observer_sees_every_interface),
        cmocka_unit_test(test_net_host_to_node),
        cmocka_unit_test(test_net_lanes_are_deterministic),
        cmocka_unit_test(test_net_lanes_refused),
        cmocka_unit_test(test_net_dns_one_socket),
        cmocka_unit_test(test_net_dns_service_deleted),
        cmocka_unit_test(test_net_service_environment),
        cmocka_unit_test(test_net_lookup_cut_short),
        cmocka_unit_test(test_net_commands_cut_short),
        cmocka_unit_test(test_net_outside_resolution),
    };
    return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
