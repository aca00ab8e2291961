/* sample_capture.h -- a small capture of what the lab's traffic looks like,
 * for tests/test_pcapng.c (which parses it back) and tests/pcap_sample.c
 * (which writes it for tshark, tests/tools/tshark-pcapng.sh).
 *
 * A client pod on svc-lab-worker looks up web.default.svc.cluster.local,
 * opens a TCP connection to the web Service (its SYN also seen VXLAN-wrapped
 * on the node's eth0 after DNAT), sends GET / and gets 200, closes; sends a
 * UDP datagram to a closed port and gets ICMP port unreachable; pings a pod
 * over IPv6 (VXLAN over IPv6 on the node) and over IPv4 (Geneve). */
#pragma once

#include <glib.h>
#include "sim/packet.h"
#include "sim/pcapng.h"
#include "sim/time.h"

typedef struct SampleFrame {
    guint interface;             /* index into sample_capture_interfaces */
    KnTime time;                 /* when it was seen */
    KnPacket *packet;            /* owned */
    char *comment;               /* owned */
} SampleFrame;

/* The interfaces' names, in the order of their first packet; NULL-terminated. */
extern const char *const sample_capture_interfaces[];

/* The frames in time order.  New; free with g_ptr_array_unref(). */
GPtrArray *sample_capture_frames(void);

/* Writes 'frames' to 'writer', adding each interface just before its first
 * packet (so IDBs and EPBs interleave, as pcapng allows). */
void sample_capture_write(KnPcapng *writer, GPtrArray *frames);
