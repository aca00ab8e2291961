/* pcapng.h -- the `--pcap FILE` sink: packets as Wireshark and tshark read
 * them.
 *
 * A KnPcapng writes one pcapng section (draft-ietf-opsawg-pcapng): a
 * Section Header Block naming knetsim, an Interface Description Block per
 * interface the data path captures on (a pod's or a node's, named
 * "svc-lab-worker/eth0", link type Ethernet, nanosecond timestamps), and an
 * Enhanced Packet Block per packet seen on an interface, with the bytes of
 * kn_packet_serialize() (sim/packet.h) and a comment saying what happened
 * to it.  Interfaces may be added at any time, before the first packet
 * that uses them.
 *
 * Timestamps are the simulated clock (sim/time.h): nanoseconds since the
 * scenario started, so Wireshark shows them from 1970-01-01 00:00:00 UTC.
 * Nothing reads the wall clock or the host: the same run gives the same
 * bytes.  Blocks are written little-endian whatever the host. */
#pragma once

#include <glib.h>
#include "sim/packet.h"
#include "sim/time.h"

typedef struct KnPcapng KnPcapng;                   /* opaque */

/* The snapshot length each interface declares; longer frames are cut. */
#define KN_PCAPNG_SNAPLEN 262144

/* Creates (or truncates) 'path' and writes the Section Header Block.
 * Returns the writer (new; free with kn_pcapng_free()), or NULL with
 * 'error' set in G_FILE_ERROR if the file cannot be created. */
KnPcapng *kn_pcapng_new(const char *path, GError **error);

/* Writes an Interface Description Block for the interface 'name' (borrowed;
 * UTF-8, e.g. "web-5d4f8c7b9-x2x4k/eth0") and returns its interface ID, the
 * 'interface' to pass to kn_pcapng_write(): 0 for the first, then 1, 2, ... */
guint kn_pcapng_add_interface(KnPcapng *writer, const char *name);

/* Writes 'packet' (borrowed) as captured on 'interface' at 'time', with
 * 'comment' (borrowed; UTF-8; NULL or "" for none) as its opt_comment.
 * Write errors are kept for kn_pcapng_close(). */
void kn_pcapng_write(KnPcapng *writer, guint interface, KnTime time,
                     const KnPacket *packet, const char *comment);

/* The number of packets written so far. */
guint64 kn_pcapng_n_packets(const KnPcapng *writer);

/* Flushes and closes the file.  Returns FALSE with 'error' set (in
 * G_FILE_ERROR) if any write, the flush or the close failed.  The writer
 * must still be freed; later writes are ignored. */
gboolean kn_pcapng_close(KnPcapng *writer, GError **error);

/* Closes the file if kn_pcapng_close() was not called (a failure is then
 * only logged with g_warning()) and frees the writer.  Accepts NULL. */
void kn_pcapng_free(KnPcapng *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnPcapng, kn_pcapng_free)
