/* packet.c -- XXX: the minimum of packet.h the data path needs until the
 * trace work lands with serialization. */

#include <config.h>
#include "sim/packet.h"

KnPacket *
kn_packet_new(void)
{
    KnPacket *packet = g_new0(KnPacket, 1);

    packet->ttl = 64;
    return packet;
}

void
kn_packet_free(KnPacket *packet)
{
    if (packet == NULL)
        return;
    kn_packet_free(packet->quoted);
    if (packet->payload != NULL)
        g_bytes_unref(packet->payload);
    g_free(packet->outer);
    g_free(packet);
}

KnPacket *
kn_packet_copy(const KnPacket *packet)
{
    KnPacket *copy = g_memdup2(packet, sizeof *packet);

    if (packet->payload != NULL)
        g_bytes_ref(packet->payload);
    copy->quoted = packet->quoted != NULL ? kn_packet_copy(packet->quoted) : NULL;
    copy->outer = packet->outer != NULL ? g_memdup2(packet->outer, sizeof *packet->outer) : NULL;
    return copy;
}

void
kn_packet_set_payload(KnPacket *packet, const void *data, gsize length)
{
    if (packet->payload != NULL)
        g_bytes_unref(packet->payload);
    packet->payload = g_bytes_new(data, length);
    packet->payload_len = (guint32) length;
}

guint
kn_packet_ip_length(const KnPacket *packet)
{
    guint l4 = packet->proto == KN_IPPROTO_TCP ? 20 + (packet->mss != 0 ? 4 : 0) : 8;

    return (packet->src.family == 6 ? 40 : 20) + l4 + packet->payload_len;
}

guint
kn_packet_frame_length(const KnPacket *packet)
{
    return 14 + kn_packet_ip_length(packet) + (packet->outer != NULL ? 50 : 0);
}
