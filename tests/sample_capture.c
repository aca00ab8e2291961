/* sample_capture.c -- the frames of sample_capture.h. */

#include <config.h>
#include "tests/sample_capture.h"

#include <string.h>

const char *const sample_capture_interfaces[] = {
    "client/eth0",                      /* 0: the client pod, 10.244.1.4 */
    "coredns-5d78c9869d-8q2lx/eth0",    /* 1: CoreDNS on the same node, 10.244.1.2 */
    "svc-lab-worker/eth0",              /* 2: the client's node, 172.18.0.3 */
    "web-5d4f8c7b9-x2x4k/eth0",         /* 3: the backend on svc-lab-worker2, 10.244.2.5 */
    NULL,
};

enum { CLIENT, COREDNS, WORKER, WEB };

#define HTTP_GET "GET / HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"
#define HTTP_BODY "<h1>Welcome to nginx!</h1>\n"
#define HTTP_200 "HTTP/1.1 200 OK\r\nServer: nginx/1.27.0\r\nContent-Type: text/html\r\n" \
                 "Content-Length: 27\r\nConnection: keep-alive\r\n\r\n" HTTP_BODY

/* The MAC address Kubernetes CNI plugins derive from a pod's IPv4 address
 * (0a:58 then the address), or a fixed one for IPv6 and nodes. */
static void
mac_for(const KnAddr *addr, guint8 *mac)
{
    mac[0] = 0x0a;
    mac[1] = 0x58;
    if (addr->family == 4)
        memcpy(mac + 2, addr->bytes, 4);
    else
        memcpy(mac + 2, addr->bytes + 12, 4);
}

static KnPacket *
ip_packet(const char *src, const char *dst, guint8 proto, guint16 id)
{
    KnPacket *packet = kn_packet_new();

    g_assert(kn_addr_parse(src, &packet->src));
    g_assert(kn_addr_parse(dst, &packet->dst));
    mac_for(&packet->src, packet->eth_src);
    mac_for(&packet->dst, packet->eth_dst);
    packet->proto = proto;
    packet->ip_id = id;
    return packet;
}

static KnPacket *
tcp(const char *src, guint16 sport, const char *dst, guint16 dport, guint8 flags,
    guint32 seq, guint32 ack, const char *payload)
{
    KnPacket *packet = ip_packet(src, dst, KN_IPPROTO_TCP, seq & 0xffff);

    packet->sport = sport;
    packet->dport = dport;
    packet->tcp_flags = flags;
    packet->seq = seq;
    packet->ack = ack;
    packet->window = 64860;
    if (flags & KN_TCP_SYN)
        packet->mss = 1410;              /* flannel's VXLAN MTU 1450, less 40 */
    if (payload != NULL)
        kn_packet_set_payload(packet, payload, strlen(payload));
    return packet;
}

static KnPacket *
udp(const char *src, guint16 sport, const char *dst, guint16 dport, const void *payload,
    gsize length)
{
    KnPacket *packet = ip_packet(src, dst, KN_IPPROTO_UDP, sport);

    packet->sport = sport;
    packet->dport = dport;
    kn_packet_set_payload(packet, payload, length);
    return packet;
}

/* A DNS query for an A record, or its answer when 'answer' is not NULL. */
static KnPacket *
dns(const char *src, guint16 sport, const char *dst, guint16 dport, const char *name,
    const char *answer)
{
    g_autoptr(GByteArray) message = g_byte_array_new();
    g_auto(GStrv) labels = g_strsplit(name, ".", -1);
    guint8 header[12] = { 0x4a, 0x21, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
    static const guint8 question_tail[] = { 0, 0, 1, 0, 1 };   /* root, A, IN */

    if (answer != NULL) {
        header[2] = 0x85;                /* response, authoritative, RD */
        header[3] = 0x80;                /* RA */
        header[7] = 1;
    }
    g_byte_array_append(message, header, sizeof header);
    for (guint i = 0; labels[i] != NULL; i++) {
        guint8 length = strlen(labels[i]);

        g_byte_array_append(message, &length, 1);
        g_byte_array_append(message, (const guint8 *) labels[i], length);
    }
    g_byte_array_append(message, question_tail, sizeof question_tail);
    if (answer != NULL) {
        guint8 record[16] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4 };
        KnAddr addr;

        g_assert(kn_addr_parse(answer, &addr));
        memcpy(record + 12, addr.bytes, 4);
        g_byte_array_append(message, record, sizeof record);
    }
    return udp(src, sport, dst, dport, message->data, message->len);
}

static KnPacket *
echo(const char *src, const char *dst, gboolean reply, guint16 seq)
{
    KnPacket *packet = ip_packet(src, dst, KN_IPPROTO_ICMP, 0x3000 + seq);
    guint8 data[56];

    if (packet->src.family == 6) {
        packet->proto = KN_IPPROTO_ICMPV6;
        packet->icmp_type = reply ? KN_ICMPV6_ECHO_REPLY : KN_ICMPV6_ECHO_REQUEST;
    } else {
        packet->icmp_type = reply ? KN_ICMP_ECHO_REPLY : KN_ICMP_ECHO_REQUEST;
    }
    packet->sport = 7;                   /* identifier */
    packet->seq = seq;
    for (guint i = 0; i < sizeof data; i++)
        data[i] = 0x10 + i;              /* as iputils ping fills its data */
    kn_packet_set_payload(packet, data, sizeof data);
    return packet;
}

/* Wraps 'packet' for the overlay from 'src' to 'dst'. */
static KnPacket *
encap(KnPacket *packet, const char *src, const char *dst, gboolean geneve)
{
    KnEncap *outer = g_new0(KnEncap, 1);
    static const guint8 worker_flannel[6] = { 0x6e, 0x1f, 0x3a, 0x01, 0x00, 0x03 };
    static const guint8 worker2_flannel[6] = { 0x6e, 0x1f, 0x3a, 0x01, 0x00, 0x04 };

    g_assert(kn_addr_parse(src, &outer->src));
    g_assert(kn_addr_parse(dst, &outer->dst));
    mac_for(&outer->src, outer->eth_src);
    mac_for(&outer->dst, outer->eth_dst);
    outer->sport = 40000 + (packet->sport ^ packet->dport) % 20000;
    outer->vni = 1;
    outer->geneve = geneve;
    /* The inner frame goes between the nodes' flannel.1 devices. */
    memcpy(packet->eth_src, worker_flannel, 6);
    memcpy(packet->eth_dst, worker2_flannel, 6);
    packet->ttl--;
    packet->outer = outer;
    return packet;
}

static void
add(GPtrArray *frames, guint interface, KnTime time, KnPacket *packet, const char *comment)
{
    SampleFrame *frame = g_new0(SampleFrame, 1);

    frame->interface = interface;
    frame->time = time;
    frame->packet = packet;
    frame->comment = g_strdup(comment);
    g_ptr_array_add(frames, frame);
}

static void
frame_free(gpointer data)
{
    SampleFrame *frame = data;

    kn_packet_free(frame->packet);
    g_free(frame->comment);
    g_free(frame);
}

GPtrArray *
sample_capture_frames(void)
{
    GPtrArray *frames = g_ptr_array_new_with_free_func(frame_free);
    const char *client = "10.244.1.4", *svc = "10.96.0.12", *web = "10.244.2.5";
    const char *kube_dns = "10.96.0.10", *coredns = "10.244.1.2";
    guint32 c = 1000, s = 5000;          /* the two initial sequence numbers */
    guint32 get = strlen(HTTP_GET), ok = strlen(HTTP_200);
    KnTime t = 1 * KN_SEC;
    KnPacket *packet;

    add(frames, CLIENT, t, dns(client, 41000, kube_dns, 53, "web.default.svc.cluster.local", NULL),
        "DNS query web.default.svc.cluster.local A from client to kube-dns 10.96.0.10:53");
    add(frames, COREDNS, t += 40 * KN_USEC,
        dns(client, 41000, coredns, 53, "web.default.svc.cluster.local", NULL),
        "DNAT 10.96.0.10:53 \u2192 10.244.1.2:53 by KUBE-SEP-IT2ZTR26TO4XFPTO");
    add(frames, CLIENT, t += 300 * KN_USEC,
        dns(kube_dns, 53, client, 41000, "web.default.svc.cluster.local", "10.96.0.12"),
        "DNS answer web.default.svc.cluster.local A 10.96.0.12 (un-DNAT by conntrack)");

    add(frames, CLIENT, t += 100 * KN_USEC, tcp(client, 43512, svc, 80, KN_TCP_SYN, c, 0, NULL),
        "SYN to web ClusterIP 10.96.0.12:80");
    packet = tcp(client, 43512, web, 80, KN_TCP_SYN, c, 0, NULL);
    add(frames, WORKER, t += 30 * KN_USEC, encap(packet, "172.18.0.3", "172.18.0.4", FALSE),
        "DNAT 10.96.0.12:80 \u2192 10.244.2.5:80 by KUBE-SEP-WXWGHGKZOCNYRYI7; "
        "VXLAN VNI 1 to svc-lab-worker2 (172.18.0.4) over flannel.1");
    add(frames, CLIENT, t += 400 * KN_USEC,
        tcp(svc, 80, client, 43512, KN_TCP_SYN | KN_TCP_ACK, s, c + 1, NULL),
        "SYN-ACK from 10.244.2.5:80, source rewritten to 10.96.0.12:80 by conntrack");
    add(frames, CLIENT, t += 20 * KN_USEC, tcp(client, 43512, svc, 80, KN_TCP_ACK, c + 1, s + 1, NULL),
        "ACK: connection established");
    add(frames, CLIENT, t += 20 * KN_USEC,
        tcp(client, 43512, svc, 80, KN_TCP_PSH | KN_TCP_ACK, c + 1, s + 1, HTTP_GET),
        "curl: GET / to web");
    add(frames, CLIENT, t += 400 * KN_USEC,
        tcp(svc, 80, client, 43512, KN_TCP_ACK, s + 1, c + 1 + get, NULL),
        "ACK of the request");
    add(frames, CLIENT, t += 200 * KN_USEC,
        tcp(svc, 80, client, 43512, KN_TCP_PSH | KN_TCP_ACK, s + 1, c + 1 + get, HTTP_200),
        "nginx on web-5d4f8c7b9-x2x4k: 200 OK");
    add(frames, CLIENT, t += 20 * KN_USEC,
        tcp(client, 43512, svc, 80, KN_TCP_ACK, c + 1 + get, s + 1 + ok, NULL),
        "ACK of the response");
    add(frames, CLIENT, t += 100 * KN_USEC,
        tcp(client, 43512, svc, 80, KN_TCP_FIN | KN_TCP_ACK, c + 1 + get, s + 1 + ok, NULL),
        "curl closes the connection");
    add(frames, CLIENT, t += 400 * KN_USEC,
        tcp(svc, 80, client, 43512, KN_TCP_FIN | KN_TCP_ACK, s + 1 + ok, c + 2 + get, NULL),
        "nginx closes too");
    add(frames, CLIENT, t += 20 * KN_USEC,
        tcp(client, 43512, svc, 80, KN_TCP_ACK, c + 2 + get, s + 2 + ok, NULL),
        "last ACK; conntrack entry to TIME_WAIT");

    packet = udp(client, 50000, web, 9999, "hello\n", 6);
    add(frames, CLIENT, t += KN_MSEC, packet, "nc -u 10.244.2.5 9999");
    packet = ip_packet(web, client, KN_IPPROTO_ICMP, 0x77);
    packet->icmp_type = KN_ICMP_DEST_UNREACH;
    packet->icmp_code = KN_ICMP_PORT_UNREACH;
    packet->quoted = udp(client, 50000, web, 9999, "hello\n", 6);
    packet->quoted->ttl = 63;            /* as it arrived, one hop on */
    add(frames, CLIENT, t += 500 * KN_USEC, packet,
        "ICMP port unreachable: nothing listens on 10.244.2.5:9999/UDP");

    add(frames, CLIENT, t += KN_MSEC, echo("fd00:10:244:1::4", "fd00:10:244:2::5", FALSE, 1),
        "ping -6 web pod");
    packet = echo("fd00:10:244:1::4", "fd00:10:244:2::5", FALSE, 1);
    add(frames, WORKER, t += 30 * KN_USEC, encap(packet, "fd00:172:18::3", "fd00:172:18::4", FALSE),
        "VXLAN over IPv6 to svc-lab-worker2");
    add(frames, WEB, t += 300 * KN_USEC, echo("fd00:10:244:2::5", "fd00:10:244:1::4", TRUE, 1),
        "echo reply from web-5d4f8c7b9-x2x4k");

    add(frames, CLIENT, t += KN_MSEC, echo(client, web, FALSE, 1), "ping web pod");
    packet = echo(client, web, FALSE, 1);
    add(frames, WORKER, t += 30 * KN_USEC, encap(packet, "172.18.0.3", "172.18.0.4", TRUE),
        "Geneve VNI 1 to svc-lab-worker2");
    add(frames, WEB, t += 300 * KN_USEC, echo(web, client, TRUE, 1),
        "echo reply from web-5d4f8c7b9-x2x4k");
    return frames;
}

void
sample_capture_write(KnPcapng *writer, GPtrArray *frames)
{
    guint n_interfaces = 0;

    for (guint i = 0; i < frames->len; i++) {
        const SampleFrame *frame = g_ptr_array_index(frames, i);

        while (n_interfaces <= frame->interface) {
            guint id = kn_pcapng_add_interface(writer, sample_capture_interfaces[n_interfaces]);

            g_assert_cmpuint(id, ==, n_interfaces);
            n_interfaces++;
        }
        kn_pcapng_write(writer, frame->interface, frame->time, frame->packet, frame->comment);
    }
}
