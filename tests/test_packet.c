/* test_packet.c -- the bytes of packets: lengths, checksums against known
 * and independently computed values, TCP options, ICMP quoting and the
 * overlay's outer headers. */

#include <config.h>
#include "tests/test_util.h"

#include "sim/packet.h"

#include <string.h>

static KnPacket *
make_packet(const char *src, const char *dst, guint8 proto)
{
    KnPacket *packet = kn_packet_new();

    assert_true(kn_addr_parse(src, &packet->src));
    assert_true(kn_addr_parse(dst, &packet->dst));
    packet->proto = proto;
    return packet;
}

static GByteArray *
serialize(const KnPacket *packet)
{
    GByteArray *out = g_byte_array_new();

    kn_packet_serialize(packet, out);
    assert_int_equal(out->len, kn_packet_frame_length(packet));
    return out;
}

static guint
get16(const guint8 *at)
{
    return (guint) at[0] << 8 | at[1];
}

/* The Internet checksum (RFC 1071), computed as simply as possible: the
 * test's own, independent of packet.c's. */
static guint16
checksum(const guint8 *data, gsize n, guint32 sum)
{
    for (gsize i = 0; i < n; i++)
        sum += i % 2 == 0 ? (guint32) data[i] << 8 : data[i];
    while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}

/* Checks the transport checksum of the IP packet at 'ip' by summing it
 * with the pseudo-header: a valid one sums to 0xffff (RFC 1071). */
static void
assert_transport_checksum_valid(const guint8 *ip)
{
    gboolean v6 = ip[0] >> 4 == 6;
    guint header = v6 ? 40 : 20;
    guint length = v6 ? get16(ip + 4) : get16(ip + 2) - 20;
    guint8 proto = v6 ? ip[6] : ip[9];
    guint32 sum = proto + length;

    if (proto == 1) {                    /* ICMPv4: no pseudo-header */
        assert_int_equal(checksum(ip + header, length, 0), 0);
        return;
    }
    for (guint i = 0; i < (v6 ? 32u : 8u); i += 2)
        sum += get16(ip + (v6 ? 8 : 12) + i);
    assert_int_equal(checksum(ip + header, length, sum), 0);
}

/*****************************************************************************/

static void
test_packet_new_has_ttl_64_and_nothing_else(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = kn_packet_new();

    assert_int_equal(packet->ttl, 64);
    assert_int_equal(packet->proto, 0);
    assert_null(packet->payload);
    assert_null(packet->outer);
    kn_packet_free(NULL);
}

static void
test_packet_ipv4_header_checksum_matches_known_vector(void **state)
{
    (void) state;
    /* The worked example of Wikipedia's "Internet checksum" and many
     * textbooks: a 115-byte UDP datagram from 192.168.0.1 to 192.168.0.199,
     * DF set, TTL 64, header checksum 0xb861. */
    static const guint8 want[20] = {
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    };
    g_autoptr(KnPacket) packet = make_packet("192.168.0.1", "192.168.0.199", KN_IPPROTO_UDP);
    g_autoptr(GByteArray) out = NULL;

    packet->payload_len = 0x73 - 20 - 8;
    out = serialize(packet);
    assert_int_equal(get16(out->data + 12), 0x0800);
    assert_memory_equal(out->data + 14, want, sizeof want);
    assert_int_equal(kn_packet_ip_length(packet), 0x73);
}

static void
test_packet_tcp_syn_with_mss_is_byte_exact(void **state)
{
    (void) state;
    /* Computed by hand (a short Python script with struct and the RFC 1071
     * sum): SYN from 10.244.1.4:43512 to 10.96.0.12:80, id 0x1234, seq
     * 1000, window 64860, MSS 1410. */
    static const guint8 want[58] = {
        0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x01, 0x0a, 0x58,
        0x0a, 0xf4, 0x01, 0x04, 0x08, 0x00, 0x45, 0x00,
        0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
        0x12, 0x35, 0x0a, 0xf4, 0x01, 0x04, 0x0a, 0x60,
        0x00, 0x0c, 0xa9, 0xf8, 0x00, 0x50, 0x00, 0x00,
        0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02,
        0xfd, 0x5c, 0xd6, 0x67, 0x00, 0x00, 0x02, 0x04,
        0x05, 0x82,
    };
    static const guint8 src_mac[6] = { 0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x04 };
    static const guint8 dst_mac[6] = { 0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x01 };
    g_autoptr(KnPacket) packet = make_packet("10.244.1.4", "10.96.0.12", KN_IPPROTO_TCP);
    g_autoptr(GByteArray) out = NULL;
    g_autofree char *summary = NULL;

    memcpy(packet->eth_src, src_mac, 6);
    memcpy(packet->eth_dst, dst_mac, 6);
    packet->ip_id = 0x1234;
    packet->sport = 43512;
    packet->dport = 80;
    packet->seq = 1000;
    packet->tcp_flags = KN_TCP_SYN;
    packet->window = 64860;
    packet->mss = 1410;
    out = serialize(packet);
    assert_int_equal(out->len, sizeof want);     /* under 60 bytes: not padded */
    assert_memory_equal(out->data, want, sizeof want);
    assert_int_equal(kn_packet_ip_length(packet), 44);

    summary = kn_packet_summary(packet);
    assert_string_equal(summary, "10.244.1.4:43512 > 10.96.0.12:80 TCP [S] seq 1000");
}

static void
test_packet_mss_option_only_on_syn(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_packet("10.244.1.4", "10.244.2.5", KN_IPPROTO_TCP);
    g_autoptr(GByteArray) ack = NULL;
    g_autoptr(GByteArray) synack = NULL;

    packet->mss = 1410;
    packet->tcp_flags = KN_TCP_ACK;
    ack = serialize(packet);
    assert_int_equal(ack->len, 14 + 20 + 20);
    assert_int_equal(ack->data[14 + 20 + 12], 5 << 4);

    packet->tcp_flags = KN_TCP_SYN | KN_TCP_ACK;
    synack = serialize(packet);
    assert_int_equal(synack->len, 14 + 20 + 24);
    assert_int_equal(synack->data[14 + 20 + 12], 6 << 4);
    assert_int_equal(synack->data[14 + 20 + 13], KN_TCP_SYN | KN_TCP_ACK);
    assert_transport_checksum_valid(synack->data + 14);
}

static void
test_packet_checksums_verify_for_every_protocol(void **state)
{
    (void) state;
    static const struct { const char *src, *dst; guint8 proto, type; } cases[] = {
        { "10.244.1.4", "10.244.2.5", KN_IPPROTO_TCP, 0 },
        { "fd00::4", "fd00::5", KN_IPPROTO_TCP, 0 },
        { "10.244.1.4", "10.96.0.10", KN_IPPROTO_UDP, 0 },
        { "fd00::4", "fd00::a", KN_IPPROTO_UDP, 0 },
        { "10.244.1.4", "10.244.2.5", KN_IPPROTO_ICMP, KN_ICMP_ECHO_REQUEST },
        { "fd00::4", "fd00::5", KN_IPPROTO_ICMPV6, KN_ICMPV6_ECHO_REQUEST },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(KnPacket) packet = make_packet(cases[i].src, cases[i].dst, cases[i].proto);
        g_autoptr(GByteArray) out = NULL;

        packet->sport = 33333;
        packet->dport = 53;
        packet->seq = 0xdeadbeef;
        packet->icmp_type = cases[i].type;
        kn_packet_set_payload(packet, "odd-length!", 11);
        packet->payload_len = 40;        /* 11 bytes, then zeros */
        out = serialize(packet);
        assert_transport_checksum_valid(out->data + 14);
        if (cases[i].src[0] != 'f')
            assert_int_equal(checksum(out->data + 14, 20, 0), 0);
        assert_memory_equal(out->data + out->len - 40, "odd-length!", 11);
        assert_int_equal(out->data[out->len - 1], 0);
    }
}

static void
test_packet_ipv6_header_fields(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_packet("fd00:10:244:1::4", "fd00:10:96::a", KN_IPPROTO_UDP);
    g_autoptr(GByteArray) out = NULL;
    g_autofree char *summary = NULL;

    packet->ttl = 63;
    packet->sport = 41000;
    packet->dport = 53;
    packet->payload_len = 30;
    out = serialize(packet);
    assert_int_equal(get16(out->data + 12), 0x86dd);
    assert_int_equal(out->data[14], 0x60);
    assert_int_equal(get16(out->data + 14 + 4), 8 + 30);      /* payload length */
    assert_int_equal(out->data[14 + 6], KN_IPPROTO_UDP);      /* next header */
    assert_int_equal(out->data[14 + 7], 63);                  /* hop limit */
    assert_int_equal(get16(out->data + 54 + 4), 38);          /* UDP length */
    assert_int_not_equal(get16(out->data + 54 + 6), 0);       /* mandatory checksum */
    assert_int_equal(kn_packet_ip_length(packet), 40 + 8 + 30);

    summary = kn_packet_summary(packet);
    assert_string_equal(summary, "[fd00:10:244:1::4]:41000 > [fd00:10:96::a]:53 UDP length 30");
}

static void
test_packet_icmp_port_unreachable_quotes_the_datagram(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_packet("10.244.2.5", "10.244.1.4", KN_IPPROTO_ICMP);
    KnPacket *quoted = make_packet("10.244.1.4", "10.244.2.5", KN_IPPROTO_UDP);
    g_autoptr(GByteArray) out = NULL;
    g_autoptr(GByteArray) original = g_byte_array_new();
    g_autofree char *summary = NULL;

    quoted->sport = 50000;
    quoted->dport = 9999;
    kn_packet_set_payload(quoted, "hello\n", 6);
    packet->icmp_type = KN_ICMP_DEST_UNREACH;
    packet->icmp_code = KN_ICMP_PORT_UNREACH;
    packet->quoted = quoted;
    out = serialize(packet);
    kn_packet_serialize(quoted, original);

    /* Ethernet, IP (no DF on an ICMP error), ICMP 3/3, 4 unused bytes, then
     * the whole datagram from its IP header: 20 + 8 + 6 bytes. */
    assert_int_equal(out->len, 14 + 20 + 8 + 34);
    assert_int_equal(get16(out->data + 14 + 6), 0);
    assert_int_equal(out->data[14 + 9], KN_IPPROTO_ICMP);
    assert_int_equal(out->data[34], 3);
    assert_int_equal(out->data[35], 3);
    assert_memory_equal(out->data + 42, original->data + 14, 34);
    assert_transport_checksum_valid(out->data + 14);

    summary = kn_packet_summary(packet);
    assert_string_equal(summary, "10.244.2.5 > 10.244.1.4 ICMP port 9999 unreachable");
}

static void
test_packet_icmp_errors_quote_what_fits_576_and_1280_bytes(void **state)
{
    (void) state;
    static const char *const families[][2] = {
        { "10.244.2.5", "10.244.1.4" }, { "fd00::5", "fd00::4" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(families); i++) {
        gboolean v6 = i == 1;
        g_autoptr(KnPacket) packet = make_packet(families[i][0], families[i][1],
                                                 v6 ? KN_IPPROTO_ICMPV6 : KN_IPPROTO_ICMP);
        KnPacket *quoted = make_packet(families[i][1], families[i][0], KN_IPPROTO_TCP);
        g_autoptr(GByteArray) out = NULL;

        quoted->payload_len = 1400;
        packet->icmp_type = v6 ? KN_ICMPV6_DEST_UNREACH : KN_ICMP_DEST_UNREACH;
        packet->icmp_code = v6 ? KN_ICMPV6_PORT_UNREACH : KN_ICMP_PORT_UNREACH;
        packet->quoted = quoted;
        out = serialize(packet);
        assert_int_equal(kn_packet_ip_length(packet), v6 ? 1280 : 576);
        assert_int_equal(out->len, 14 + (v6 ? 1280 : 576));
        if (v6)
            assert_int_equal(get16(out->data + 14 + 4), 1280 - 40);
        else
            assert_int_equal(get16(out->data + 14 + 2), 576);
        assert_transport_checksum_valid(out->data + 14);
    }
}

static void
test_packet_icmpv6_echo_has_id_and_sequence(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_packet("fd00::4", "fd00::5", KN_IPPROTO_ICMPV6);
    g_autoptr(GByteArray) out = NULL;
    g_autofree char *summary = NULL;

    packet->icmp_type = KN_ICMPV6_ECHO_REQUEST;
    packet->sport = 7;
    packet->seq = 3;
    packet->payload_len = 56;
    out = serialize(packet);
    assert_int_equal(out->len, 14 + 40 + 8 + 56);
    assert_int_equal(out->data[54], 128);
    assert_int_equal(get16(out->data + 58), 7);
    assert_int_equal(get16(out->data + 60), 3);
    assert_transport_checksum_valid(out->data + 14);

    summary = kn_packet_summary(packet);
    assert_string_equal(summary, "fd00::4 > fd00::5 ICMP6 echo request id 7 seq 3 length 56");
}

static KnPacket *
make_encapsulated(const char *outer_src, const char *outer_dst, gboolean geneve)
{
    KnPacket *packet = make_packet("10.244.1.4", "10.244.2.5", KN_IPPROTO_TCP);

    packet->sport = 43512;
    packet->dport = 80;
    packet->tcp_flags = KN_TCP_SYN;
    packet->seq = 1000;
    packet->mss = 1410;
    packet->outer = g_new0(KnEncap, 1);
    assert_true(kn_addr_parse(outer_src, &packet->outer->src));
    assert_true(kn_addr_parse(outer_dst, &packet->outer->dst));
    packet->outer->sport = 51234;
    packet->outer->vni = 1;
    packet->outer->geneve = geneve;
    return packet;
}

static void
test_packet_vxlan_wraps_the_inner_frame(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_encapsulated("172.18.0.3", "172.18.0.4", FALSE);
    g_autoptr(KnPacket) inner = kn_packet_copy(packet);
    g_autoptr(GByteArray) out = NULL;
    g_autoptr(GByteArray) inner_bytes = NULL;
    g_autofree char *summary = NULL;
    const guint8 *udp = NULL;

    g_clear_pointer(&inner->outer, g_free);
    out = serialize(packet);
    inner_bytes = serialize(inner);

    /* Outer Ethernet + IPv4 + UDP + VXLAN = 50 bytes, then the inner frame. */
    assert_int_equal(out->len, 50 + inner_bytes->len);
    assert_int_equal(kn_packet_ip_length(packet), 44);
    assert_int_equal(get16(out->data + 12), 0x0800);
    assert_int_equal(get16(out->data + 14 + 2), 20 + 8 + 8 + inner_bytes->len);
    assert_int_equal(get16(out->data + 14 + 6), 0);           /* no DF */
    assert_int_equal(out->data[14 + 9], KN_IPPROTO_UDP);
    assert_int_equal(checksum(out->data + 14, 20, 0), 0);
    udp = out->data + 34;
    assert_int_equal(get16(udp), 51234);
    assert_int_equal(get16(udp + 2), 8472);
    assert_int_equal(get16(udp + 4), 8 + 8 + inner_bytes->len);
    assert_int_equal(get16(udp + 6), 0);                       /* as Linux sends */
    assert_int_equal(udp[8], 0x08);
    assert_int_equal(udp[9] | udp[10] | udp[11], 0);
    assert_int_equal(udp[12] << 16 | udp[13] << 8 | udp[14], 1);
    assert_int_equal(udp[15], 0);
    assert_memory_equal(out->data + 50, inner_bytes->data, inner_bytes->len);

    summary = kn_packet_summary(packet);
    assert_string_equal(summary, "172.18.0.3:51234 > 172.18.0.4:8472 VXLAN vni 1: "
                                 "10.244.1.4:43512 > 10.244.2.5:80 TCP [S] seq 1000");
}

static void
test_packet_vxlan_over_ipv6_has_a_udp_checksum(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_encapsulated("fd00:172:18::3", "fd00:172:18::4", FALSE);
    g_autoptr(GByteArray) out = serialize(packet);

    assert_int_equal(out->len, 14 + 40 + 8 + 8 + 14 + 44);
    assert_int_equal(get16(out->data + 12), 0x86dd);
    assert_int_equal(get16(out->data + 14 + 4), 8 + 8 + 14 + 44);
    assert_int_not_equal(get16(out->data + 54 + 6), 0);
    assert_transport_checksum_valid(out->data + 14);
}

static void
test_packet_geneve_uses_6081_and_ethernet_protocol(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_encapsulated("172.18.0.3", "172.18.0.4", TRUE);
    g_autoptr(GByteArray) out = NULL;
    const guint8 *udp = NULL;

    packet->outer->vni = 0x123456;
    out = serialize(packet);
    udp = out->data + 34;
    assert_int_equal(get16(udp + 2), 6081);
    assert_int_equal(udp[8], 0);                              /* version 0, no options */
    assert_int_equal(udp[9], 0);
    assert_int_equal(get16(udp + 10), 0x6558);
    assert_int_equal(udp[12] << 16 | udp[13] << 8 | udp[14], 0x123456);
}

static void
test_packet_copy_is_deep_and_shares_the_payload(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_encapsulated("172.18.0.3", "172.18.0.4", FALSE);
    g_autoptr(KnPacket) copy = NULL;
    g_autoptr(GByteArray) a = NULL;
    g_autoptr(GByteArray) b = NULL;

    kn_packet_set_payload(packet, "GET / HTTP/1.1\r\n\r\n", 18);
    packet->quoted = make_packet("10.0.0.1", "10.0.0.2", KN_IPPROTO_UDP);
    copy = kn_packet_copy(packet);
    assert_ptr_not_equal(copy->outer, packet->outer);
    assert_ptr_not_equal(copy->quoted, packet->quoted);
    assert_ptr_equal(copy->payload, packet->payload);
    a = serialize(packet);
    b = serialize(copy);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->data, b->data, a->len);

    kn_packet_set_payload(copy, NULL, 0);
    assert_null(copy->payload);
    assert_int_equal(copy->payload_len, 0);
    assert_int_equal(packet->payload_len, 18);
}

static void
test_packet_summary_reads_like_tcpdump(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_packet("10.96.0.12", "10.244.1.4", KN_IPPROTO_TCP);
    g_autofree char *synack = NULL;
    g_autofree char *data = NULL;
    g_autofree char *fin = NULL;
    g_autofree char *echo = NULL;

    packet->sport = 80;
    packet->dport = 43512;
    packet->seq = 5000;
    packet->ack = 1001;
    packet->tcp_flags = KN_TCP_SYN | KN_TCP_ACK;
    synack = kn_packet_summary(packet);
    packet->tcp_flags = KN_TCP_PSH | KN_TCP_ACK;
    packet->payload_len = 137;
    data = kn_packet_summary(packet);
    packet->tcp_flags = KN_TCP_FIN | KN_TCP_ACK;
    packet->payload_len = 0;
    fin = kn_packet_summary(packet);
    packet->proto = KN_IPPROTO_ICMP;
    packet->icmp_type = KN_ICMP_ECHO_REPLY;
    packet->sport = 7;
    packet->seq = 1;
    packet->payload_len = 56;
    echo = kn_packet_summary(packet);

    assert_string_equal(synack, "10.96.0.12:80 > 10.244.1.4:43512 TCP [S.] seq 5000 ack 1001");
    assert_string_equal(data, "10.96.0.12:80 > 10.244.1.4:43512 TCP [P.] seq 5000 ack 1001 length 137");
    assert_string_equal(fin, "10.96.0.12:80 > 10.244.1.4:43512 TCP [F.] seq 5000 ack 1001");
    assert_string_equal(echo, "10.96.0.12 > 10.244.1.4 ICMP echo reply id 7 seq 1 length 56");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_new_has_ttl_64_and_nothing_else),
        cmocka_unit_test(test_packet_ipv4_header_checksum_matches_known_vector),
        cmocka_unit_test(test_packet_tcp_syn_with_mss_is_byte_exact),
        cmocka_unit_test(test_packet_mss_option_only_on_syn),
        cmocka_unit_test(test_packet_checksums_verify_for_every_protocol),
        cmocka_unit_test(test_packet_ipv6_header_fields),
        cmocka_unit_test(test_packet_icmp_port_unreachable_quotes_the_datagram),
        cmocka_unit_test(test_packet_icmp_errors_quote_what_fits_576_and_1280_bytes),
        cmocka_unit_test(test_packet_icmpv6_echo_has_id_and_sequence),
        cmocka_unit_test(test_packet_vxlan_wraps_the_inner_frame),
        cmocka_unit_test(test_packet_vxlan_over_ipv6_has_a_udp_checksum),
        cmocka_unit_test(test_packet_geneve_uses_6081_and_ethernet_protocol),
        cmocka_unit_test(test_packet_copy_is_deep_and_shares_the_payload),
        cmocka_unit_test(test_packet_summary_reads_like_tcpdump),
    };
    return cmocka_run_group_tests_name("packet", tests, NULL, NULL);
}
