/* packet.h -- a packet in flight, with the header fields a real one has.
 *
 * The data path (models/net.h) moves KnPackets between network namespaces:
 * a pod's eth0, a node's interfaces, an outside host.  A packet carries its
 * headers as fields (Ethernet, IPv4 or IPv6, then TCP, UDP or ICMP) and its
 * payload as bytes only when someone needs them (an HTTP request line, a DNS
 * message); otherwise 'payload_len' zero bytes are implied.  A packet
 * crossing the overlay is wrapped: 'outer' holds the VXLAN/Geneve outer
 * Ethernet/IP/UDP headers and the packet itself stays the inner frame.
 *
 * kn_packet_serialize() turns a packet into the bytes a capture would show,
 * with correct lengths and checksums, for the pcapng sink (sim/pcapng.h).
 * Addresses are KnAddr values (sim/addr.h). */
#pragma once

#include <glib.h>
#include "sim/addr.h"

/* IP protocol numbers (IANA). */
#define KN_IPPROTO_ICMP 1
#define KN_IPPROTO_TCP 6
#define KN_IPPROTO_UDP 17
#define KN_IPPROTO_ICMPV6 58

/* TCP flags, as in the header's flag byte. */
#define KN_TCP_FIN 0x01
#define KN_TCP_SYN 0x02
#define KN_TCP_RST 0x04
#define KN_TCP_PSH 0x08
#define KN_TCP_ACK 0x10

/* ICMP types and codes knetsim sends. */
#define KN_ICMP_ECHO_REPLY 0
#define KN_ICMP_DEST_UNREACH 3
#define KN_ICMP_PORT_UNREACH 3   /* code, with KN_ICMP_DEST_UNREACH */
#define KN_ICMP_ECHO_REQUEST 8
#define KN_ICMPV6_DEST_UNREACH 1
#define KN_ICMPV6_PORT_UNREACH 4 /* code */
#define KN_ICMPV6_ECHO_REQUEST 128
#define KN_ICMPV6_ECHO_REPLY 129

/* The outer headers of an encapsulated packet (VXLAN as flannel sends it:
 * UDP to port 8472, VNI 1; Geneve on 6081). */
typedef struct KnEncap {
    guint8 eth_src[6], eth_dst[6];
    KnAddr src, dst;             /* the nodes' addresses */
    guint16 sport, dport;        /* UDP; the source port is a flow hash */
    guint32 vni;                 /* VXLAN network identifier */
    gboolean geneve;             /* Geneve rather than VXLAN */
} KnEncap;

typedef struct KnPacket KnPacket;

struct KnPacket {
    /* Ethernet. */
    guint8 eth_src[6], eth_dst[6];
    /* IPv4 / IPv6: the family is src.family (== dst.family). */
    KnAddr src, dst;
    guint8 proto;                /* KN_IPPROTO_* */
    guint8 ttl;                  /* TTL / hop limit */
    guint16 ip_id;               /* IPv4 identification */
    /* TCP / UDP ports; ICMP echo uses 'sport' as the identifier and
     * 'seq' as the sequence number. */
    guint16 sport, dport;
    /* TCP. */
    guint32 seq, ack;
    guint8 tcp_flags;            /* KN_TCP_* */
    guint16 window;
    guint16 mss;                 /* the MSS option on a SYN; 0: no options */
    /* ICMP. */
    guint8 icmp_type, icmp_code;
    KnPacket *quoted;            /* an ICMP error's offending packet; owned, or NULL */
    /* Payload: 'payload_len' bytes, of which 'payload' (if not NULL) holds the
     * first payload->len; the rest are zeros. */
    guint32 payload_len;
    GBytes *payload;             /* owned reference, or NULL */
    /* Metadata the kernel keeps beside the packet (never on the wire). */
    guint32 mark;                /* skb->mark, set by MARK and tested by -m mark */
    KnEncap *outer;              /* the overlay's outer headers; owned, or NULL */
};

/* New zeroed outer headers for 'outer'.  Free with kn_encap_free() (which
 * kn_packet_free() calls), or g_free(). */
KnEncap *kn_encap_new(void);
void kn_encap_free(KnEncap *encap);                      /* accepts NULL */

/* A new zeroed packet with TTL 64.  Free with kn_packet_free(). */
KnPacket *kn_packet_new(void);
void kn_packet_free(KnPacket *packet);                   /* accepts NULL */
/* A deep copy (payload shared by reference). */
KnPacket *kn_packet_copy(const KnPacket *packet);
/* Sets the payload to a copy of 'length' bytes at 'data' and 'payload_len'
 * to 'length'. */
void kn_packet_set_payload(KnPacket *packet, const void *data, gsize length);
/* The same with 'bytes' itself (a new reference; GBytes never change), so
 * nothing is copied. */
void kn_packet_set_payload_bytes(KnPacket *packet, GBytes *bytes);

/* Length on the wire of the IP packet (IP header onwards, inner packet only),
 * and of the whole frame with Ethernet and any outer headers. */
guint kn_packet_ip_length(const KnPacket *packet);
guint kn_packet_frame_length(const KnPacket *packet);

/* Appends the frame's bytes (outer headers first when encapsulated) to
 * 'out', with valid IPv4/TCP/UDP/ICMP checksums. */
void kn_packet_serialize(const KnPacket *packet, GByteArray *out);

/* A one-line summary like tcpdump's: "10.244.1.5:43512 > 10.96.0.12:80 TCP
 * [S] seq 1000", "10.244.1.5 > 10.244.2.7 ICMP port 80 unreachable".  New. */
char *kn_packet_summary(const KnPacket *packet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnPacket, kn_packet_free)
