/* conntrack.h -- a node's connection tracking table (nf_conntrack).
 *
 * Every packet a node routes belongs to a connection.  The first packet
 * makes an entry holding two tuples: the original direction as it arrived,
 * and the reply direction as replies will look after NAT.  NAT decided by
 * the nat table for that first packet (DNAT by kube-proxy, MASQUERADE) is
 * stored in the entry and applied to every later packet of the connection
 * without consulting the rules again; replies are un-NATted by matching the
 * reply tuple.  Entries expire after the protocol's timeout for their state.
 *
 * The data path (net.h) drives it: lookup, then (for a new connection)
 * kn_conntrack_entry_new(), the NAT setters, and kn_conntrack_confirm() once
 * the packet leaves POSTROUTING or INPUT, as the kernel confirms. */
#pragma once

#include <glib.h>
#include "sim/addr.h"
#include "sim/packet.h"
#include "sim/time.h"

/* One direction of a connection: what its packets carry. */
typedef struct KnCtTuple {
    KnAddr src, dst;
    guint16 sport, dport;        /* ICMP echo: the identifier in both */
    guint8 proto;
} KnCtTuple;

/* The TCP states of nf_conntrack_proto_tcp.c, in its order. */
typedef enum {
    KN_CT_TCP_NONE,
    KN_CT_TCP_SYN_SENT,
    KN_CT_TCP_SYN_RECV,
    KN_CT_TCP_ESTABLISHED,
    KN_CT_TCP_FIN_WAIT,
    KN_CT_TCP_CLOSE_WAIT,
    KN_CT_TCP_LAST_ACK,
    KN_CT_TCP_TIME_WAIT,
    KN_CT_TCP_CLOSE,
} KnCtTcpState;

typedef struct KnCtEntry {
    KnCtTuple orig;              /* the first packet, before any NAT */
    KnCtTuple reply;             /* what replies carry (after DNAT and SNAT) */
    /* Flags as bytes: with the UDP stream time an entry still fills
     * exactly two cache lines. */
    guint8 dnat, snat;           /* NAT was done in the original direction */
    guint8 seen_reply;           /* a packet went the reply way */
    guint8 assured;              /* [ASSURED]: not dropped first under pressure */
    guint8 confirmed;            /* in the table */
    KnCtTcpState tcp_state;
    KnTime expires;              /* when it goes, unless refreshed */
    KnTime udp_stream_after;     /* UDP: 2 s after the first packet; a packet past it,
                                  * once a reply was seen, makes a stream */
    guint32 mark;                /* ctmark */
    guint64 id;                  /* order of confirmation, for listings */
} KnCtEntry;

typedef struct KnConntrack KnConntrack;

/* Two of the counters `conntrack -S` shows. */
typedef struct {
    guint64 drop;                /* new connections refused: the table was full */
    guint64 early_drop;          /* entries evicted to make room */
} KnCtStats;

KnConntrack *kn_conntrack_new(void);            /* free with kn_conntrack_free() */
void kn_conntrack_free(KnConntrack *ct);        /* accepts NULL */

/* nf_conntrack_max: at most 'max' entries; 0 (the default) for no limit.
 * kube-proxy sets it on a node to conntrack.maxPerCore (32768) times the
 * cores, at least conntrack.min (131072). */
void kn_conntrack_set_max(KnConntrack *ct, guint max);
guint kn_conntrack_max(const KnConntrack *ct);
/* Room for a new connection with 'tuple' (__nf_conntrack_alloc): TRUE
 * below nf_conntrack_max.  At it, expired entries go first; then
 * early_drop() evicts the unassured entries near the tuple in the hash.
 * FALSE if none was there: the kernel logs "nf_conntrack: table full,
 * dropping packet" and drops the packet. */
gboolean kn_conntrack_make_room(KnConntrack *ct, const KnCtTuple *tuple, KnTime now);
KnCtStats kn_conntrack_stats(const KnConntrack *ct);

/* The tuple of 'packet' as it is now. */
void kn_conntrack_tuple_of(const KnPacket *packet, KnCtTuple *tuple);

/* The live entry 'tuple' belongs to, in either direction ('*reply' says
 * which), or NULL.  An expired entry is removed and not returned.
 * Borrowed; valid until the next call that may remove entries. */
KnCtEntry *kn_conntrack_lookup(KnConntrack *ct, const KnCtTuple *tuple, KnTime now,
                               gboolean *reply);
/* The same with 'hash', what kn_conntrack_prefetch() returned for 'tuple'. */
KnCtEntry *kn_conntrack_lookup_hashed(KnConntrack *ct, const KnCtTuple *tuple, guint32 hash, KnTime now,
                                      gboolean *reply);

/* Starts loading the part of the table where 'tuple' would be, for a
 * lookup or confirmation that is to come: a hint to the CPU cache that
 * changes nothing.  'ct' may be NULL.  Returns the tuple's hash, which
 * kn_conntrack_lookup_hashed() takes. */
guint32 kn_conntrack_prefetch(const KnConntrack *ct, const KnCtTuple *tuple);

/* A new unconfirmed entry of 'ct' for a first packet with 'tuple'; its
 * reply tuple is the inverse until NAT changes it.  Owned by the caller
 * until kn_conntrack_confirm(); free an unconfirmed one with
 * kn_conntrack_entry_free().  The table keeps the memory of its entries
 * (in blocks, for locality): free them before it. */
KnCtEntry *kn_conntrack_entry_new(KnConntrack *ct, const KnCtTuple *tuple);
void kn_conntrack_entry_free(KnConntrack *ct, KnCtEntry *entry);

/* Records DNAT of the original destination to 'addr':'port'. */
void kn_conntrack_set_dnat(KnCtEntry *entry, const KnAddr *addr, guint16 port);
/* Records SNAT of the original source to 'addr', choosing the port: the
 * original one if that reply tuple is free (and 'random_port' is 0), else
 * 'random_port' and upwards until free, as --random-fully would. */
void kn_conntrack_set_snat(KnConntrack *ct, KnCtEntry *entry, const KnAddr *addr,
                           guint16 random_port);
/* Puts 'entry' in the table (takes it).  FALSE (and frees it) if a
 * confirmed entry already holds one of its tuples: the insert clash the
 * kernel counts as insert_failed and drops the packet for. */
gboolean kn_conntrack_confirm(KnConntrack *ct, KnCtEntry *entry, KnTime now);

/* Advances the entry's state for a packet with 'flags' (TCP flags; 0 for
 * UDP/ICMP) going the 'reply' way, and refreshes its timeout.  'ct' is the
 * table the entry is or will be in (NULL: none yet), which keeps track of
 * the earliest expiry so that kn_conntrack_gc() can skip a sweep. */
void kn_conntrack_update(KnConntrack *ct, KnCtEntry *entry, guint8 flags, gboolean reply,
                         KnTime now);

/* Rewrites 'packet' (going the 'reply' way in 'entry') as the entry's NAT
 * says: the destination of original packets to the DNAT target and their
 * source to the SNAT address; the reverse for replies. */
void kn_conntrack_apply_nat(const KnCtEntry *entry, KnPacket *packet, gboolean reply);

/* Removes the expired entries; returns how many. */
guint kn_conntrack_gc(KnConntrack *ct, KnTime now);
guint kn_conntrack_size(const KnConntrack *ct);
/* Removes every entry whose reply source is 'addr' (conntrack -D
 * --reply-src, what kube-proxy does for UDP endpoints that went away). */
guint kn_conntrack_flush_reply_src(KnConntrack *ct, const KnAddr *addr);

/* The entry as `conntrack -L` prints it:
 * "tcp      6 431999 ESTABLISHED src=… dst=… sport=… dport=… src=… … [ASSURED] mark=0 use=1".
 * New. */
char *kn_conntrack_format(const KnCtEntry *entry, KnTime now);
/* Every entry, in confirmation order, one per line as above.  New. */
char *kn_conntrack_list(KnConntrack *ct, KnTime now);

/* Calls 'func' on every live entry, in confirmation order. */
void kn_conntrack_foreach(KnConntrack *ct, KnTime now, void (*func)(const KnCtEntry *entry, gpointer data),
                          gpointer data);

/* The state's name as conntrack prints it: "SYN_SENT", "ESTABLISHED", ... */
const char *kn_conntrack_tcp_state_name(KnCtTcpState state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnConntrack, kn_conntrack_free)
