/* test_conntrack.c -- connection tracking: NAT both ways, states and
 * timeouts, clashes, the listing. */
#include <config.h>
#include "tests/test_util.h"
#include "models/conntrack.h"

static KnCtTuple
tuple(const char *src, guint16 sport, const char *dst, guint16 dport, guint8 proto)
{
    KnCtTuple t = { .sport = sport, .dport = dport, .proto = proto };

    assert_true(kn_addr_parse(src, &t.src));
    assert_true(kn_addr_parse(dst, &t.dst));
    return t;
}

static KnPacket *
packet_of(const KnCtTuple *t, guint8 flags)
{
    KnPacket *p = kn_packet_new();

    p->src = t->src;
    p->dst = t->dst;
    p->sport = t->sport;
    p->dport = t->dport;
    p->proto = t->proto;
    p->tcp_flags = flags;
    return p;
}

static void
assert_addr(const KnAddr *addr, const char *text)
{
    char buf[KN_ADDR_STRLEN];

    assert_string_equal(kn_addr_format(addr, buf), text);
}

/* A pod's connection to a ClusterIP, DNAT'd to an endpoint and masqueraded:
 * later packets and replies are rewritten from the entry alone. */
static void
test_conntrack_nat_is_replayed_and_reversed(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtTuple orig = tuple("10.244.1.4", 40000, "10.96.0.12", 80, KN_IPPROTO_TCP);
    KnCtEntry *entry = kn_conntrack_entry_new(ct, &orig);
    KnAddr ep, masq;
    gboolean reply = TRUE;

    kn_addr_parse("10.244.2.7", &ep);
    kn_addr_parse("10.244.1.0", &masq);
    kn_conntrack_set_dnat(entry, &ep, 8080);
    kn_conntrack_set_snat(ct, entry, &masq, 0);
    kn_conntrack_update(ct, entry, KN_TCP_SYN, FALSE, 0);
    assert_true(kn_conntrack_confirm(ct, entry, 0));

    /* The original direction is found and rewritten. */
    KnCtEntry *found = kn_conntrack_lookup(ct, &orig, KN_SEC, &reply);
    assert_ptr_equal(found, entry);
    assert_false(reply);
    g_autoptr(KnPacket) out = packet_of(&orig, KN_TCP_ACK);
    kn_conntrack_apply_nat(found, out, FALSE);
    assert_addr(&out->dst, "10.244.2.7");
    assert_int_equal(out->dport, 8080);
    assert_addr(&out->src, "10.244.1.0");
    assert_int_equal(out->sport, 40000);     /* the port was free: kept */

    /* The endpoint's answer matches the reply tuple and goes back. */
    KnCtTuple back = tuple("10.244.2.7", 8080, "10.244.1.0", 40000, KN_IPPROTO_TCP);
    found = kn_conntrack_lookup(ct, &back, KN_SEC, &reply);
    assert_ptr_equal(found, entry);
    assert_true(reply);
    g_autoptr(KnPacket) in = packet_of(&back, KN_TCP_SYN | KN_TCP_ACK);
    kn_conntrack_apply_nat(found, in, TRUE);
    assert_addr(&in->src, "10.96.0.12");
    assert_int_equal(in->sport, 80);
    assert_addr(&in->dst, "10.244.1.4");
    assert_int_equal(in->dport, 40000);
}

/* Two clients masqueraded to one address with the same source port: the
 * second gets another port, as nf_nat_l4proto_unique_tuple finds one. */
static void
test_conntrack_snat_avoids_taken_reply_tuples(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtTuple a = tuple("10.244.1.4", 40000, "203.0.113.7", 443, KN_IPPROTO_TCP);
    KnCtTuple b = tuple("10.244.1.5", 40000, "203.0.113.7", 443, KN_IPPROTO_TCP);
    KnCtEntry *ea = kn_conntrack_entry_new(ct, &a), *eb = kn_conntrack_entry_new(ct, &b);
    KnAddr node;

    kn_addr_parse("172.18.0.3", &node);
    kn_conntrack_set_snat(ct, ea, &node, 0);
    assert_true(kn_conntrack_confirm(ct, ea, 0));
    kn_conntrack_set_snat(ct, eb, &node, 0);
    assert_int_equal(eb->reply.dport, 40001);
    assert_true(kn_conntrack_confirm(ct, eb, 0));
    assert_int_equal(kn_conntrack_size(ct), 2);
}

/* A second entry for a tuple already confirmed clashes (insert_failed). */
static void
test_conntrack_confirm_clash_fails(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtTuple t = tuple("10.244.1.4", 5353, "10.96.0.10", 53, KN_IPPROTO_UDP);
    KnCtEntry *first = kn_conntrack_entry_new(ct, &t), *second = kn_conntrack_entry_new(ct, &t);
    KnAddr a, b;

    kn_addr_parse("10.244.1.2", &a);
    kn_addr_parse("10.244.2.2", &b);
    kn_conntrack_set_dnat(first, &a, 53);
    kn_conntrack_set_dnat(second, &b, 53);
    assert_true(kn_conntrack_confirm(ct, first, 0));
    assert_false(kn_conntrack_confirm(ct, second, 0));   /* freed by the call */
    assert_int_equal(kn_conntrack_size(ct), 1);
}

/* A connection that is its own inverse (to itself, from the port it goes
 * to) has one tuple for both ways: its packets count as original ones. */
static void
test_conntrack_own_inverse_goes_the_original_way(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtTuple t = tuple("10.244.1.4", 7000, "10.244.1.4", 7000, KN_IPPROTO_UDP);
    KnCtEntry *entry = kn_conntrack_entry_new(ct, &t);
    gboolean reply = TRUE;

    assert_true(kn_conntrack_confirm(ct, entry, 0));
    assert_ptr_equal(kn_conntrack_lookup(ct, &t, KN_SEC, &reply), entry);
    assert_false(reply);
    assert_int_equal(kn_conntrack_size(ct), 1);
    assert_int_equal(kn_conntrack_gc(ct, 60 * KN_SEC), 1);
    assert_null(kn_conntrack_lookup(ct, &t, 60 * KN_SEC, &reply));
}

/* Entries confirmed while the table grows (past 2 MiB of slots, where
 * they go on huge pages) are all found both ways, and all expire. */
static KnCtTuple
nth_client_tuple(guint i)
{
    /* Pod 10.244.0.(i / 60000), port 1024 + i % 60000, to 10.96.0.12:80. */
    return (KnCtTuple) { .src = kn_addr_ipv4(0x0af40000 + i / 60000), .dst = kn_addr_ipv4(0x0a60000c),
                         .sport = (guint16) (1024 + i % 60000), .dport = 80, .proto = KN_IPPROTO_TCP };
}

static void
test_conntrack_growing_table_finds_every_entry(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnAddr ep;
    guint n = 40000;

    kn_addr_parse("10.244.2.7", &ep);
    for (guint i = 0; i < n; i++) {
        KnCtTuple t = nth_client_tuple(i);
        KnCtEntry *entry = kn_conntrack_entry_new(ct, &t);

        kn_conntrack_set_dnat(entry, &ep, 8080);
        kn_conntrack_update(ct, entry, KN_TCP_SYN, FALSE, 0);
        assert_true(kn_conntrack_confirm(ct, entry, 0));
    }
    assert_int_equal(kn_conntrack_size(ct), n);
    for (guint i = 0; i < n; i++) {
        KnCtTuple t = nth_client_tuple(i);
        KnCtTuple back = { .src = ep, .dst = t.src, .sport = 8080, .dport = t.sport, .proto = KN_IPPROTO_TCP };
        gboolean reply = TRUE;
        KnCtEntry *entry = kn_conntrack_lookup(ct, &t, KN_SEC, &reply);

        assert_non_null(entry);
        assert_false(reply);
        assert_ptr_equal(kn_conntrack_lookup(ct, &back, KN_SEC, &reply), entry);
        assert_true(reply);
    }
    assert_int_equal(kn_conntrack_gc(ct, 121 * KN_SEC), n);
    assert_int_equal(kn_conntrack_size(ct), 0);
}

/* The TCP states along a whole connection, with their timeouts. */
static void
test_conntrack_tcp_states_and_timeouts(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtTuple t = tuple("10.244.1.4", 40000, "10.244.2.7", 80, KN_IPPROTO_TCP);
    KnCtEntry *e = kn_conntrack_entry_new(ct, &t);

    kn_conntrack_update(ct, e, KN_TCP_SYN, FALSE, 0);
    assert_int_equal(e->tcp_state, KN_CT_TCP_SYN_SENT);
    assert_int_equal(e->expires, 120 * KN_SEC);
    assert_true(kn_conntrack_confirm(ct, e, 0));
    kn_conntrack_update(ct, e, KN_TCP_SYN | KN_TCP_ACK, TRUE, KN_MSEC);
    assert_int_equal(e->tcp_state, KN_CT_TCP_SYN_RECV);
    kn_conntrack_update(ct, e, KN_TCP_ACK, FALSE, 2 * KN_MSEC);
    assert_int_equal(e->tcp_state, KN_CT_TCP_ESTABLISHED);
    assert_true(e->assured);
    assert_int_equal(e->expires, 2 * KN_MSEC + 432000 * KN_SEC);
    kn_conntrack_update(ct, e, KN_TCP_FIN | KN_TCP_ACK, FALSE, 3 * KN_MSEC);
    assert_int_equal(e->tcp_state, KN_CT_TCP_FIN_WAIT);
    kn_conntrack_update(ct, e, KN_TCP_FIN | KN_TCP_ACK, TRUE, 4 * KN_MSEC);
    assert_int_equal(e->tcp_state, KN_CT_TCP_LAST_ACK);
    kn_conntrack_update(ct, e, KN_TCP_ACK, FALSE, 5 * KN_MSEC);
    assert_int_equal(e->tcp_state, KN_CT_TCP_TIME_WAIT);
    assert_int_equal(e->expires, 5 * KN_MSEC + 120 * KN_SEC);

    /* TIME_WAIT's 120 s pass: the entry is gone on the next lookup. */
    assert_non_null(kn_conntrack_lookup(ct, &t, 5 * KN_MSEC + 119 * KN_SEC, NULL));
    assert_null(kn_conntrack_lookup(ct, &t, 5 * KN_MSEC + 120 * KN_SEC, NULL));
    assert_int_equal(kn_conntrack_size(ct), 0);
}

/* A DNS query's entry in 'ct', confirmed with its first packet at 0. */
static KnCtEntry *
dns_flow(KnConntrack *ct)
{
    KnCtTuple t = tuple("10.244.1.4", 5353, "10.96.0.10", 53, KN_IPPROTO_UDP);
    KnCtEntry *e = kn_conntrack_entry_new(ct, &t);

    kn_conntrack_update(ct, e, 0, FALSE, 0);
    assert_true(kn_conntrack_confirm(ct, e, 0));
    return e;
}

/* UDP: every packet refreshes 30 s until the flow is a stream: a reply
 * was seen and a packet comes more than 2 s after the first one; then
 * ASSURED and 120 s (nf_conntrack_udp_packet's stream_ts). */
static void
test_conntrack_udp_stream_timeout(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtEntry *e = dns_flow(ct);

    assert_int_equal(e->expires, 30 * KN_SEC);
    kn_conntrack_update(ct, e, 0, TRUE, KN_SEC);
    assert_false(e->assured);
    assert_int_equal(e->expires, 31 * KN_SEC);
    /* A query after the answer, within 2 s: a DNS exchange, not a stream. */
    kn_conntrack_update(ct, e, 0, FALSE, 2 * KN_SEC);
    assert_false(e->assured);
    assert_int_equal(e->expires, 32 * KN_SEC);
    /* Still going after 2 s: a stream, in either direction. */
    kn_conntrack_update(ct, e, 0, TRUE, 2 * KN_SEC + 1);
    assert_true(e->assured);
    assert_int_equal(e->expires, 122 * KN_SEC + 1);
    kn_conntrack_update(ct, e, 0, FALSE, 3 * KN_SEC);
    assert_int_equal(e->expires, 123 * KN_SEC);
    assert_int_equal(kn_conntrack_gc(ct, 122 * KN_SEC), 0);
    assert_int_equal(kn_conntrack_gc(ct, 123 * KN_SEC), 1);
}

/* A reply alone, however late, is no stream: SEEN_REPLY comes with it. */
static void
test_conntrack_udp_late_reply_not_stream(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtEntry *e = dns_flow(ct);

    kn_conntrack_update(ct, e, 0, FALSE, 3 * KN_SEC);     /* a retry, unanswered */
    kn_conntrack_update(ct, e, 0, TRUE, 4 * KN_SEC);
    assert_false(e->assured);
    assert_int_equal(e->expires, 34 * KN_SEC);
}

/* `conntrack -L`'s layout. */
/* Confirms a flow from 10.244.1.4:'sport' to the DNS ClusterIP at 'now';
 * 'assure' makes it a UDP stream. */
static void
udp_flow_at(KnConntrack *ct, guint16 sport, KnTime now, gboolean assure)
{
    KnCtTuple t = tuple("10.244.1.4", sport, "10.96.0.10", 53, KN_IPPROTO_UDP);
    KnCtEntry *e;

    assert_true(kn_conntrack_make_room(ct, &t, now));
    e = kn_conntrack_entry_new(ct, &t);
    kn_conntrack_update(ct, e, 0, FALSE, now);
    assert_true(kn_conntrack_confirm(ct, e, now));
    if (assure) {
        kn_conntrack_update(ct, e, 0, TRUE, now);
        kn_conntrack_update(ct, e, 0, FALSE, now + 3 * KN_SEC);
        assert_true(e->assured);
    }
}

/* At nf_conntrack_max a new connection evicts unassured entries near it
 * (early_drop); among assured ones only, it is refused, and the table
 * never grows past the limit. */
static void
test_conntrack_max_early_drop(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtTuple t = tuple("10.244.1.4", 9999, "10.96.0.10", 53, KN_IPPROTO_UDP);

    assert_int_equal(kn_conntrack_max(ct), 0);
    kn_conntrack_set_max(ct, 100);
    for (guint16 port = 1000; port < 1100; port++)
        udp_flow_at(ct, port, 0, FALSE);
    assert_int_equal(kn_conntrack_size(ct), 100);
    /* Full: room comes from evicting one or more unassured entries. */
    for (guint16 port = 2000; port < 2500; port++) {
        udp_flow_at(ct, port, KN_SEC, FALSE);
        assert_true(kn_conntrack_size(ct) <= 100);
    }
    assert_true(kn_conntrack_stats(ct).early_drop >= 500);
    assert_int_equal(kn_conntrack_stats(ct).drop, 0);
    t.sport = 2499;              /* the newest is in */
    assert_non_null(kn_conntrack_lookup(ct, &t, KN_SEC, NULL));
    t.sport = 9999;

    /* Every entry assured: nothing may go, the new connection is refused. */
    g_autoptr(KnConntrack) full = kn_conntrack_new();

    kn_conntrack_set_max(full, 20);
    for (guint16 port = 1000; port < 1020; port++)
        udp_flow_at(full, port, 0, TRUE);
    assert_false(kn_conntrack_make_room(full, &t, 4 * KN_SEC));
    assert_int_equal(kn_conntrack_stats(full).drop, 1);
    assert_int_equal(kn_conntrack_stats(full).early_drop, 0);
    assert_int_equal(kn_conntrack_size(full), 20);
    /* Once they have expired, the ones met on the way are reclaimed, but
     * that makes no room for this packet (the kernel's count falls only
     * when the gc frees them). */
    assert_false(kn_conntrack_make_room(full, &t, 200 * KN_SEC));
    assert_true(kn_conntrack_size(full) < 20);
    assert_true(kn_conntrack_make_room(full, &t, 200 * KN_SEC));
}

static void
test_conntrack_format_as_conntrack_tools(void **state)
{
    (void) state;
    g_autoptr(KnConntrack) ct = kn_conntrack_new();
    KnCtTuple t = tuple("10.244.1.4", 40000, "10.96.0.12", 80, KN_IPPROTO_TCP);
    KnCtEntry *e = kn_conntrack_entry_new(ct, &t);
    KnAddr ep;

    kn_addr_parse("10.244.2.7", &ep);
    kn_conntrack_set_dnat(e, &ep, 8080);
    kn_conntrack_update(ct, e, KN_TCP_SYN, FALSE, 0);
    assert_true(kn_conntrack_confirm(ct, e, 0));
    g_autofree char *line = kn_conntrack_format(e, 0);
    assert_string_equal(line, "tcp      6 120 SYN_SENT src=10.244.1.4 dst=10.96.0.12 sport=40000 dport=80 "
                              "[UNREPLIED] src=10.244.2.7 dst=10.244.1.4 sport=8080 dport=40000 mark=0 use=1");
    kn_conntrack_update(ct, e, KN_TCP_SYN | KN_TCP_ACK, TRUE, 0);
    kn_conntrack_update(ct, e, KN_TCP_ACK, FALSE, 0);
    g_autofree char *list = kn_conntrack_list(ct, 1000 * KN_SEC);
    assert_string_equal(list, "tcp      6 431000 ESTABLISHED src=10.244.1.4 dst=10.96.0.12 sport=40000 dport=80 "
                              "src=10.244.2.7 dst=10.244.1.4 sport=8080 dport=40000 [ASSURED] mark=0 use=1\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conntrack_nat_is_replayed_and_reversed),
        cmocka_unit_test(test_conntrack_snat_avoids_taken_reply_tuples),
        cmocka_unit_test(test_conntrack_confirm_clash_fails),
        cmocka_unit_test(test_conntrack_own_inverse_goes_the_original_way),
        cmocka_unit_test(test_conntrack_growing_table_finds_every_entry),
        cmocka_unit_test(test_conntrack_tcp_states_and_timeouts),
        cmocka_unit_test(test_conntrack_udp_stream_timeout),
        cmocka_unit_test(test_conntrack_udp_late_reply_not_stream),
        cmocka_unit_test(test_conntrack_max_early_drop),
        cmocka_unit_test(test_conntrack_format_as_conntrack_tools),
    };
    return cmocka_run_group_tests_name("conntrack", tests, NULL, NULL);
}
