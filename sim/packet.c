/* packet.c -- packets and the bytes a capture shows of them (packet.h).
 *
 * kn_packet_serialize() writes what tcpdump on the sending host would see:
 *
 *   - Ethernet II, ethertype 0x0800 or 0x86dd, never padded to 60 bytes
 *     (the NIC pads after the capture point, so a host's own short frames
 *     show unpadded).
 *   - IPv4: IHL 5, TOS 0, DF set on TCP, UDP and ICMP echo (Linux sockets
 *     default to path MTU discovery, IP_PMTUDISC_WANT) and clear on ICMP
 *     errors (the kernel's ICMP socket uses IP_PMTUDISC_DONT), header
 *     checksum.  IPv6: traffic class and flow label 0.
 *   - TCP: a 20-byte header, or 24 with the MSS option (kind 2) on a SYN or
 *     SYN-ACK whose 'mss' is not 0; the checksum covers the pseudo-header.
 *   - UDP: checksum over the pseudo-header (0 is sent as 0xffff).
 *   - ICMP/ICMPv6 echo: identifier 'sport', sequence number 'seq' (low 16
 *     bits), then the payload.
 *   - ICMP/ICMPv6 errors: 4 unused bytes, then the 'quoted' packet from its
 *     IP header on, cut as Linux cuts it: icmp_send() quotes as much as
 *     keeps the ICMPv4 error within 576 bytes (RFC 1812 4.3.2.3), and
 *     icmp6_send() as much as keeps the ICMPv6 error within the IPv6
 *     minimum MTU, 1280 bytes (RFC 4443 2.4(c)).  Without 'quoted', the
 *     payload follows instead.
 *   - An encapsulated packet ('outer' set) gets the outer Ethernet, IPv4 or
 *     IPv6 and UDP headers, then an 8-byte VXLAN header (flags 0x08, the
 *     VNI; RFC 7348) or Geneve header (no options, protocol 0x6558; RFC
 *     8926), then the inner frame.  Over IPv4 the outer UDP checksum is 0,
 *     as Linux's vxlan and geneve drivers send it by default (udpcsum off);
 *     over IPv6 it is computed (udp6zerocsumtx off).  The outer IPv4 header
 *     has identification 0, no DF and TTL 64.  The UDP destination port is
 *     'outer->dport', or 8472 (flannel's VXLAN port; the IANA one is 4789)
 *     or 6081 (Geneve) when it is 0.
 */

#include <config.h>
#include "sim/packet.h"

#include <string.h>
#include "sim/spares.h"

#define ETH_HEADER 14
#define IPV4_HEADER 20
#define IPV6_HEADER 40
#define TCP_HEADER 20
#define TCP_MSS_OPTION 4
#define UDP_HEADER 8
#define ICMP_HEADER 8
#define ENCAP_HEADER 8            /* VXLAN, or Geneve without options */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define GENEVE_PROTO_ETHERNET 0x6558

#define VXLAN_PORT_FLANNEL 8472
#define GENEVE_PORT 6081

#define ICMPV4_ERROR_MAX 576      /* whole IP datagram, RFC 1812 */
#define ICMPV6_ERROR_MAX 1280     /* whole IPv6 packet, RFC 4443 */

/*****************************************************************************/

/* Freed packets kept for the next kn_packet_new(), linked through their
 * first bytes: packets come and go at every hop.  Each thread keeps its
 * own (a simulation's lanes run on several) and frees them as it exits. */
#define MAX_SPARE_PACKETS 4096

static __thread KnPacket *spare_packets;
static __thread guint n_spare_packets;

/* The same for outer headers: every hop across the overlay makes one. */
static __thread KnEncap *spare_encaps;
static __thread guint n_spare_encaps;

G_STATIC_ASSERT(sizeof(KnEncap) >= sizeof(KnEncap *));

static void
spares_release(gpointer unused)
{
    (void) unused;
    while (spare_packets != NULL) {
        KnPacket *next = *(KnPacket **) spare_packets;

        g_free(spare_packets);
        spare_packets = next;
    }
    while (spare_encaps != NULL) {
        KnEncap *next = *(KnEncap **) spare_encaps;

        g_free(spare_encaps);
        spare_encaps = next;
    }
    n_spare_packets = n_spare_encaps = 0;
}

/* Armed in each thread that keeps spares: its exit releases them. */
static GPrivate spares_exit = G_PRIVATE_INIT(spares_release);
static __thread gboolean spares_armed;

KnEncap *
kn_encap_new(void)
{
    KnEncap *encap = spare_encaps;

    if (encap == NULL)
        return g_new0(KnEncap, 1);
    spare_encaps = *(KnEncap **) encap;
    n_spare_encaps--;
    memset(encap, 0, sizeof *encap);
    return encap;
}

void
kn_encap_free(KnEncap *encap)
{
    if (encap == NULL)
        return;
    if (n_spare_encaps >= MAX_SPARE_PACKETS) {
        g_free(encap);
        return;
    }
    kn_spares_arm(&spares_exit, &spares_armed);
    *(KnEncap **) encap = spare_encaps;
    spare_encaps = encap;
    n_spare_encaps++;
}

KnPacket *
kn_packet_new(void)
{
    KnPacket *packet = spare_packets;

    if (packet != NULL) {
        spare_packets = *(KnPacket **) packet;
        n_spare_packets--;
        memset(packet, 0, sizeof *packet);
    } else {
        packet = g_new0(KnPacket, 1);
    }
    packet->ttl = 64;
    return packet;
}

void
kn_packet_free(KnPacket *packet)
{
    if (packet == NULL)
        return;
    g_clear_pointer(&packet->quoted, kn_packet_free);
    g_clear_pointer(&packet->payload, g_bytes_unref);
    g_clear_pointer(&packet->outer, kn_encap_free);
    if (n_spare_packets >= MAX_SPARE_PACKETS) {
        g_free(packet);
        return;
    }
    kn_spares_arm(&spares_exit, &spares_armed);
    *(KnPacket **) packet = spare_packets;
    spare_packets = packet;
    n_spare_packets++;
}

KnPacket *
kn_packet_copy(const KnPacket *packet)
{
    KnPacket *copy;

    g_return_val_if_fail(packet != NULL, NULL);

    copy = g_memdup2(packet, sizeof *packet);
    if (packet->quoted != NULL)
        copy->quoted = kn_packet_copy(packet->quoted);
    if (packet->payload != NULL)
        copy->payload = g_bytes_ref(packet->payload);
    if (packet->outer != NULL) {
        copy->outer = kn_encap_new();
        *copy->outer = *packet->outer;
    }
    return copy;
}

void
kn_packet_set_payload_bytes(KnPacket *packet, GBytes *bytes)
{
    g_return_if_fail(packet != NULL && bytes != NULL);
    g_return_if_fail(g_bytes_get_size(bytes) <= G_MAXUINT32);

    g_clear_pointer(&packet->payload, g_bytes_unref);
    packet->payload_len = (guint32) g_bytes_get_size(bytes);
    if (packet->payload_len > 0)
        packet->payload = g_bytes_ref(bytes);
}

void
kn_packet_set_payload(KnPacket *packet, const void *data, gsize length)
{
    g_return_if_fail(packet != NULL);
    g_return_if_fail(data != NULL || length == 0);
    g_return_if_fail(length <= G_MAXUINT32);

    g_clear_pointer(&packet->payload, g_bytes_unref);
    if (length > 0)
        packet->payload = g_bytes_new(data, length);
    packet->payload_len = length;
}

/*****************************************************************************
 * Lengths.
 */

static guint
ip_header_length(const KnAddr *addr)
{
    return addr->family == 6 ? IPV6_HEADER : IPV4_HEADER;
}

static gboolean
is_icmp(const KnPacket *packet)
{
    return packet->proto == KN_IPPROTO_ICMP || packet->proto == KN_IPPROTO_ICMPV6;
}

static gboolean
is_icmp_error(const KnPacket *packet)
{
    if (packet->proto == KN_IPPROTO_ICMP)
        return packet->icmp_type != KN_ICMP_ECHO_REQUEST
               && packet->icmp_type != KN_ICMP_ECHO_REPLY;
    if (packet->proto == KN_IPPROTO_ICMPV6)
        return packet->icmp_type < 128;   /* RFC 4443 2.1: errors are 0..127 */
    return FALSE;
}

static gboolean
has_mss_option(const KnPacket *packet)
{
    return (packet->tcp_flags & KN_TCP_SYN) != 0 && packet->mss != 0;
}

/* The bytes of the quoted packet an ICMP error carries. */
static guint
quote_length(const KnPacket *packet)
{
    guint limit = packet->src.family == 6
                  ? ICMPV6_ERROR_MAX - IPV6_HEADER - ICMP_HEADER
                  : ICMPV4_ERROR_MAX - IPV4_HEADER - ICMP_HEADER;

    return MIN(kn_packet_ip_length(packet->quoted), limit);
}

/* The length of what follows the IP header. */
static guint
transport_length(const KnPacket *packet)
{
    switch (packet->proto) {
    case KN_IPPROTO_TCP:
        return TCP_HEADER + (has_mss_option(packet) ? TCP_MSS_OPTION : 0) + packet->payload_len;
    case KN_IPPROTO_UDP:
        return UDP_HEADER + packet->payload_len;
    case KN_IPPROTO_ICMP:
    case KN_IPPROTO_ICMPV6:
        if (is_icmp_error(packet) && packet->quoted != NULL)
            return ICMP_HEADER + quote_length(packet);
        return ICMP_HEADER + packet->payload_len;
    default:
        return packet->payload_len;
    }
}

guint
kn_packet_ip_length(const KnPacket *packet)
{
    g_return_val_if_fail(packet != NULL, 0);

    return ip_header_length(&packet->src) + transport_length(packet);
}

guint
kn_packet_frame_length(const KnPacket *packet)
{
    guint length;

    g_return_val_if_fail(packet != NULL, 0);

    length = ETH_HEADER + kn_packet_ip_length(packet);
    if (packet->outer != NULL)
        length += ETH_HEADER + ip_header_length(&packet->outer->src) + UDP_HEADER + ENCAP_HEADER;
    return length;
}

/*****************************************************************************
 * Writing headers.
 */

static void
put8(GByteArray *out, guint8 value)
{
    g_byte_array_append(out, &value, 1);
}

static void
put16(GByteArray *out, guint16 value)
{
    guint8 bytes[2] = { value >> 8, value & 0xff };

    g_byte_array_append(out, bytes, 2);
}

static void
put32(GByteArray *out, guint32 value)
{
    guint8 bytes[4] = { value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

    g_byte_array_append(out, bytes, 4);
}

static void
put_zeros(GByteArray *out, guint n)
{
    guint at = out->len;

    g_byte_array_set_size(out, at + n);
    memset(out->data + at, 0, n);
}

static void
set16(GByteArray *out, guint at, guint16 value)
{
    out->data[at] = value >> 8;
    out->data[at + 1] = value & 0xff;
}

/* The Internet checksum's running sum (RFC 1071) of 'n' bytes at 'data';
 * an odd last byte counts as the high byte of a word. */
static guint32
sum_bytes(guint32 sum, const guint8 *data, gsize n)
{
    gsize i;

    for (i = 0; i + 1 < n; i += 2)
        sum += (guint32) data[i] << 8 | data[i + 1];
    if (i < n)
        sum += (guint32) data[i] << 8;
    return sum;
}

static guint16
fold(guint32 sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}

/* The sum of the pseudo-header for a transport header of 'length' bytes:
 * RFC 793/768 for IPv4, RFC 8200 8.1 for IPv6. */
static guint32
pseudo_header_sum(const KnAddr *src, const KnAddr *dst, guint8 proto, guint length)
{
    guint size = src->family == 6 ? 16 : 4;
    guint32 sum = 0;

    sum = sum_bytes(sum, src->bytes, size);
    sum = sum_bytes(sum, dst->bytes, size);
    sum += proto;
    sum += length >> 16;
    sum += length & 0xffff;
    return sum;
}

static void
put_ethernet(GByteArray *out, const guint8 *dst, const guint8 *src, const KnAddr *family)
{
    g_byte_array_append(out, dst, 6);
    g_byte_array_append(out, src, 6);
    put16(out, family->family == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
}

/* Writes an IPv4 or IPv6 header for a payload of 'length' bytes. */
static void
put_ip(GByteArray *out, const KnAddr *src, const KnAddr *dst, guint8 proto, guint8 ttl,
       guint16 id, gboolean dont_fragment, guint length)
{
    guint start = out->len;

    if (src->family == 6) {
        put32(out, 0x60000000);          /* version 6, traffic class 0, flow label 0 */
        put16(out, length);
        put8(out, proto);
        put8(out, ttl);
        g_byte_array_append(out, src->bytes, 16);
        g_byte_array_append(out, dst->bytes, 16);
        return;
    }
    put8(out, 0x45);                     /* version 4, IHL 5 */
    put8(out, 0);                        /* DSCP, ECN */
    put16(out, IPV4_HEADER + length);
    put16(out, id);
    put16(out, dont_fragment ? 0x4000 : 0);
    put8(out, ttl);
    put8(out, proto);
    put16(out, 0);                       /* checksum, below */
    g_byte_array_append(out, src->bytes, 4);
    g_byte_array_append(out, dst->bytes, 4);
    set16(out, start + 10, fold(sum_bytes(0, out->data + start, IPV4_HEADER)));
}

static void
put_payload(GByteArray *out, const KnPacket *packet)
{
    gsize have = 0;

    if (packet->payload != NULL) {
        gsize size;
        const guint8 *data = g_bytes_get_data(packet->payload, &size);

        have = MIN(size, packet->payload_len);
        g_byte_array_append(out, data, have);
    }
    put_zeros(out, packet->payload_len - have);
}

static void put_ip_packet(GByteArray *out, const KnPacket *packet);

/* Writes the transport header and payload of 'packet' and fills in their
 * checksum. */
static void
put_transport(GByteArray *out, const KnPacket *packet)
{
    guint start = out->len;
    guint length = transport_length(packet);
    guint checksum_at = 0;
    guint32 sum = 0;

    switch (packet->proto) {
    case KN_IPPROTO_TCP:
        put16(out, packet->sport);
        put16(out, packet->dport);
        put32(out, packet->seq);
        put32(out, packet->ack);
        put8(out, (has_mss_option(packet) ? 6 : 5) << 4);   /* data offset, words */
        put8(out, packet->tcp_flags);
        put16(out, packet->window);
        put16(out, 0);                   /* checksum, below */
        put16(out, 0);                   /* urgent pointer */
        if (has_mss_option(packet)) {
            put8(out, 2);                /* kind: maximum segment size */
            put8(out, 4);
            put16(out, packet->mss);
        }
        put_payload(out, packet);
        checksum_at = start + 16;
        sum = pseudo_header_sum(&packet->src, &packet->dst, packet->proto, length);
        break;
    case KN_IPPROTO_UDP:
        put16(out, packet->sport);
        put16(out, packet->dport);
        put16(out, length);
        put16(out, 0);
        put_payload(out, packet);
        checksum_at = start + 6;
        sum = pseudo_header_sum(&packet->src, &packet->dst, packet->proto, length);
        break;
    case KN_IPPROTO_ICMP:
    case KN_IPPROTO_ICMPV6:
        put8(out, packet->icmp_type);
        put8(out, packet->icmp_code);
        put16(out, 0);
        checksum_at = start + 2;
        if (packet->proto == KN_IPPROTO_ICMPV6)
            sum = pseudo_header_sum(&packet->src, &packet->dst, packet->proto, length);
        if (!is_icmp_error(packet)) {
            put16(out, packet->sport);
            put16(out, packet->seq & 0xffff);
            put_payload(out, packet);
        } else if (packet->quoted != NULL) {
            guint quote_at;

            put32(out, 0);               /* unused (or next-hop MTU) */
            quote_at = out->len;
            put_ip_packet(out, packet->quoted);
            g_byte_array_set_size(out, quote_at + quote_length(packet));
        } else {
            put32(out, 0);
            put_payload(out, packet);
        }
        break;
    default:
        put_payload(out, packet);
        return;
    }
    g_assert(out->len == start + length);
    sum = sum_bytes(sum, out->data + start, length);
    set16(out, checksum_at, fold(sum));
    /* A computed UDP checksum of 0 is sent as all ones (RFC 768). */
    if (packet->proto == KN_IPPROTO_UDP && fold(sum) == 0)
        set16(out, checksum_at, 0xffff);
}

/* Writes 'packet' from its IP header on (no Ethernet, no outer headers). */
static void
put_ip_packet(GByteArray *out, const KnPacket *packet)
{
    gboolean dont_fragment = !is_icmp_error(packet);

    put_ip(out, &packet->src, &packet->dst, packet->proto, packet->ttl, packet->ip_id,
           dont_fragment, transport_length(packet));
    put_transport(out, packet);
}

/* Writes the outer Ethernet, IP, UDP and VXLAN/Geneve headers for an inner
 * frame of 'inner_length' bytes. */
static void
put_outer(GByteArray *out, const KnEncap *outer, guint inner_length)
{
    guint udp_length = UDP_HEADER + ENCAP_HEADER + inner_length;
    guint16 dport = outer->dport != 0 ? outer->dport
                    : outer->geneve ? GENEVE_PORT : VXLAN_PORT_FLANNEL;

    put_ethernet(out, outer->eth_dst, outer->eth_src, &outer->src);
    put_ip(out, &outer->src, &outer->dst, KN_IPPROTO_UDP, 64, 0, FALSE, udp_length);
    put16(out, outer->sport);
    put16(out, dport);
    put16(out, udp_length);
    put16(out, 0);                       /* checksum: computed below for IPv6 only */
    if (outer->geneve) {
        put8(out, 0);                    /* version 0, no options */
        put8(out, 0);                    /* O and C clear */
        put16(out, GENEVE_PROTO_ETHERNET);
    } else {
        put8(out, 0x08);                 /* I: the VNI is valid */
        put_zeros(out, 3);
    }
    put8(out, (outer->vni >> 16) & 0xff);
    put8(out, (outer->vni >> 8) & 0xff);
    put8(out, outer->vni & 0xff);
    put8(out, 0);
}

void
kn_packet_serialize(const KnPacket *packet, GByteArray *out)
{
    guint outer_at = out->len;
    guint udp_at = 0;

    g_return_if_fail(packet != NULL);
    g_return_if_fail(out != NULL);
    g_return_if_fail(packet->src.family == 4 || packet->src.family == 6);

    if (packet->outer != NULL) {
        put_outer(out, packet->outer, ETH_HEADER + kn_packet_ip_length(packet));
        udp_at = outer_at + ETH_HEADER + ip_header_length(&packet->outer->src);
    }
    put_ethernet(out, packet->eth_dst, packet->eth_src, &packet->src);
    put_ip_packet(out, packet);

    if (packet->outer != NULL && packet->outer->src.family == 6) {
        guint udp_length = out->len - udp_at;
        guint32 sum = pseudo_header_sum(&packet->outer->src, &packet->outer->dst,
                                        KN_IPPROTO_UDP, udp_length);
        guint16 checksum = fold(sum_bytes(sum, out->data + udp_at, udp_length));

        set16(out, udp_at + 6, checksum == 0 ? 0xffff : checksum);
    }
}

/*****************************************************************************
 * Summaries.
 */

/* Appends "10.0.0.1:80" or "[fd00::1]:80". */
static void
append_endpoint(GString *text, const KnAddr *addr, guint16 port)
{
    char buf[KN_ADDR_STRLEN];

    kn_addr_format(addr, buf);
    if (addr->family == 6)
        g_string_append_printf(text, "[%s]:%u", buf, port);
    else
        g_string_append_printf(text, "%s:%u", buf, port);
}

/* Appends the TCP flags as tcpdump writes them: "S", "S.", "P.", "F.", "R". */
static void
append_tcp_flags(GString *text, guint8 flags)
{
    static const struct { guint8 bit; char letter; } letters[] = {
        { KN_TCP_FIN, 'F' }, { KN_TCP_SYN, 'S' }, { KN_TCP_RST, 'R' },
        { KN_TCP_PSH, 'P' }, { KN_TCP_ACK, '.' },
    };

    if (flags == 0) {
        g_string_append(text, "none");
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(letters); i++)
        if (flags & letters[i].bit)
            g_string_append_c(text, letters[i].letter);
}

static const char *
unreach_text(guint8 proto, guint8 code)
{
    if (proto == KN_IPPROTO_ICMPV6) {
        switch (code) {
        case 0: return "no route";
        case 1: return "administratively prohibited";
        case 3: return "address unreachable";
        default: return NULL;
        }
    }
    switch (code) {
    case 0: return "net unreachable";
    case 1: return "host unreachable";
    case 2: return "protocol unreachable";
    case 4: return "fragmentation needed";
    case 13: return "administratively prohibited";
    default: return NULL;
    }
}

static void
append_icmp(GString *text, const KnPacket *packet)
{
    gboolean v6 = packet->proto == KN_IPPROTO_ICMPV6;
    guint8 echo_request = v6 ? KN_ICMPV6_ECHO_REQUEST : KN_ICMP_ECHO_REQUEST;
    guint8 echo_reply = v6 ? KN_ICMPV6_ECHO_REPLY : KN_ICMP_ECHO_REPLY;
    guint8 unreach = v6 ? KN_ICMPV6_DEST_UNREACH : KN_ICMP_DEST_UNREACH;
    guint8 port_unreach = v6 ? KN_ICMPV6_PORT_UNREACH : KN_ICMP_PORT_UNREACH;

    g_string_append(text, v6 ? " ICMP6 " : " ICMP ");
    if (packet->icmp_type == echo_request || packet->icmp_type == echo_reply) {
        g_string_append_printf(text, "echo %s id %u seq %u length %u",
                               packet->icmp_type == echo_request ? "request" : "reply",
                               packet->sport, packet->seq & 0xffff, packet->payload_len);
    } else if (packet->icmp_type == unreach && packet->icmp_code == port_unreach
               && packet->quoted != NULL) {
        g_string_append_printf(text, "port %u unreachable", packet->quoted->dport);
    } else if (packet->icmp_type == unreach
               && unreach_text(packet->proto, packet->icmp_code) != NULL) {
        g_string_append(text, unreach_text(packet->proto, packet->icmp_code));
    } else {
        g_string_append_printf(text, "type %u code %u", packet->icmp_type, packet->icmp_code);
    }
}

static void
append_summary(GString *text, const KnPacket *packet)
{
    char src[KN_ADDR_STRLEN], dst[KN_ADDR_STRLEN];

    switch (packet->proto) {
    case KN_IPPROTO_TCP:
        append_endpoint(text, &packet->src, packet->sport);
        g_string_append(text, " > ");
        append_endpoint(text, &packet->dst, packet->dport);
        g_string_append(text, " TCP [");
        append_tcp_flags(text, packet->tcp_flags);
        g_string_append_printf(text, "] seq %u", packet->seq);
        if (packet->tcp_flags & KN_TCP_ACK)
            g_string_append_printf(text, " ack %u", packet->ack);
        if (packet->payload_len > 0)
            g_string_append_printf(text, " length %u", packet->payload_len);
        break;
    case KN_IPPROTO_UDP:
        append_endpoint(text, &packet->src, packet->sport);
        g_string_append(text, " > ");
        append_endpoint(text, &packet->dst, packet->dport);
        g_string_append_printf(text, " UDP length %u", packet->payload_len);
        break;
    default:
        g_string_append_printf(text, "%s > %s", kn_addr_format(&packet->src, src),
                               kn_addr_format(&packet->dst, dst));
        if (is_icmp(packet))
            append_icmp(text, packet);
        else
            g_string_append_printf(text, " proto %u length %u", packet->proto,
                                   packet->payload_len);
        break;
    }
}

char *
kn_packet_summary(const KnPacket *packet)
{
    GString *text;

    g_return_val_if_fail(packet != NULL, NULL);

    text = g_string_new(NULL);
    if (packet->outer != NULL) {
        const KnEncap *outer = packet->outer;
        guint16 dport = outer->dport != 0 ? outer->dport
                        : outer->geneve ? GENEVE_PORT : VXLAN_PORT_FLANNEL;

        append_endpoint(text, &outer->src, outer->sport);
        g_string_append(text, " > ");
        append_endpoint(text, &outer->dst, dport);
        g_string_append_printf(text, " %s vni %u: ", outer->geneve ? "Geneve" : "VXLAN",
                               outer->vni);
    }
    append_summary(text, packet);
    return g_string_free(text, FALSE);
}
