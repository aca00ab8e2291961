/* conntrack.c -- connection tracking (conntrack.h).
 *
 * DOC: This mirrors Linux netfilter's nf_conntrack: entries keyed by both
 * their original and reply tuples (nf_conntrack_core.c, one hash holding
 * both directions), confirmation when the first packet leaves the last hook
 * (__nf_conntrack_confirm, which drops the packet on a clash), NAT stored in
 * the entry and replayed for every later packet (nf_nat_core.c), and the
 * timeouts of nf_conntrack_proto_{tcp,udp,icmp}.c: TCP SYN_SENT 120 s,
 * SYN_RECV 60 s, ESTABLISHED 5 days, FIN_WAIT 120 s, CLOSE_WAIT 60 s,
 * LAST_ACK 30 s, TIME_WAIT 120 s, CLOSE 10 s; UDP 30 s, 120 s for a
 * stream (traffic both ways, and a packet more than 2 s after the first);
 * ICMP 30 s.  The listing follows conntrack-tools' `conntrack -L` ("%-8s
 * %u %lu" then the tuples).  Facts:
 * ../shared/reference/k8s-networking-facts.md section 9 (the insert race).
 *
 * Simplified:
 *  - The TCP state machine follows the main path of the kernel's
 *    tcp_conntracks table (SYN, SYN-ACK, ACK; FIN, ACK, FIN, ACK; RST),
 *    without window tracking: every packet is in window, none INVALID.
 *  - Expired entries go when looked up or swept by kn_conntrack_gc(), not
 *    by a timer each.
 *  - At nf_conntrack_max, early_drop() looks at the 16 tuples nearest the
 *    new one's home slot: 8 buckets (NF_CT_EVICTION_RANGE) of 2 tuples,
 *    the kernel's average chain when nf_conntrack_max equals the hash
 *    size, its default.  The gc worker's own early drop when that fails
 *    is left out. */

#include <config.h>
#include "models/conntrack.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* The table: one open-addressing hash (linear probing, a power of two
 * slots, at most half full) holding both tuples of every entry, as the
 * kernel's one hash does; a deletion shifts the slots after it back, so no
 * tombstones pile up.  The entries are owned through their original
 * tuple's slot. */
typedef struct Slot {
    guint32 hash;                /* tuple_hash() of the key */
    guintptr ref;                /* the entry, | 1 if the key is its reply tuple
                                  * rather than its original one; 0: empty */
} Slot;

/* 16 bytes, so four slots share a cache line and none straddles two. */
G_STATIC_ASSERT(sizeof(Slot) == 16);
G_STATIC_ASSERT(G_ALIGNOF(KnCtEntry) >= 2);

static inline KnCtEntry *
slot_entry(const Slot *slot)
{
    return (KnCtEntry *) (slot->ref & ~(guintptr) 1);
}

/* The tuple the slot is keyed by; the slot must not be empty. */
static inline const KnCtTuple *
slot_key(const Slot *slot)
{
    KnCtEntry *entry = slot_entry(slot);

    return (slot->ref & 1) ? &entry->reply : &entry->orig;
}

#define MIN_SLOTS 64

struct KnConntrack {
    Slot *slots;
    guint mask;                  /* number of slots - 1 */
    guint n_used;                /* tuples in the table */
    guint n_entries;             /* entries (confirmed) */
    guint max;                   /* nf_conntrack_max; 0: no limit */
    KnCtStats stats;
    guint64 next_id;
    KnTime min_expires;          /* no entry expires before: a sweep until then finds nothing */
    GPtrArray *blocks;           /* ENTRIES_PER_BLOCK entries each, owned */
    guint block_used;            /* entries handed out of the last block */
    KnCtEntry *spare;            /* freed entries, linked through their first bytes */
};

/* Entries come out of blocks of the table's own: a node's entries sit
 * together, without malloc's headers between them, and a new one costs
 * no allocation.  Blocks are aligned to an entry's size, two cache
 * lines: each entry then fills one aligned pair, which spatial
 * prefetchers load together, rather than spanning three lines. */
#define ENTRIES_PER_BLOCK 256
#define ENTRY_ALIGN 128
G_STATIC_ASSERT(sizeof(KnCtEntry) >= sizeof(KnCtEntry *));
G_STATIC_ASSERT(sizeof(KnCtEntry) == ENTRY_ALIGN);

static inline guint64
mix64(guint64 x)
{
    /* The splitmix64 finalizer. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static inline guint32
ipv4_bits(const KnAddr *addr)
{
    guint32 value;

    memcpy(&value, addr->bytes, 4);
    return value;
}

/* tuple_hash() of a tuple not IPv4 both ways ('ports' as there): out of
 * line, so that the IPv4 path saves no registers. */
G_NO_INLINE static guint32
tuple_hash_other(const KnCtTuple *t, guint64 ports)
{
    return (guint32) mix64((guint64) kn_addr_hash(&t->src) << 32 ^ kn_addr_hash(&t->dst) ^ mix64(ports | 1ull << 63));
}

static inline guint32
tuple_hash(const KnCtTuple *t)
{
    guint64 ports = (guint64) t->sport << 24 | (guint64) t->dport << 8 | t->proto;

    /* The ports spread by a multiply, not a second mix: one finalizer
     * over everything is enough for a table that probes linearly. */
    if (G_LIKELY(t->src.family == 4 && t->dst.family == 4))
        return (guint32) mix64(((guint64) ipv4_bits(&t->src) << 32 | ipv4_bits(&t->dst))
                               ^ ports * 0x9e3779b97f4a7c15ull);
    return tuple_hash_other(t, ports);
}

static inline gboolean
addr_equal(const KnAddr *a, const KnAddr *b)
{
    if (a->family != b->family)
        return FALSE;
    return a->family == 4 ? ipv4_bits(a) == ipv4_bits(b) : kn_addr_equal(a, b);
}

static inline gboolean
tuple_equal(const KnCtTuple *x, const KnCtTuple *y)
{
    return x->proto == y->proto && x->sport == y->sport && x->dport == y->dport
           && addr_equal(&x->src, &y->src) && addr_equal(&x->dst, &y->dst);
}

/* slot_find() for a tuple of any family.  Out of line: the calls of its
 * IPv6 comparisons would make every IPv4 lookup save registers. */
G_NO_INLINE static guint
slot_find_any(const KnConntrack *ct, const KnCtTuple *tuple, guint32 hash)
{
    for (guint i = hash & ct->mask;; i = (i + 1) & ct->mask) {
        const Slot *slot = &ct->slots[i];

        if (slot->ref == 0 || (slot->hash == hash && tuple_equal(slot_key(slot), tuple)))
            return i;
    }
}

/* The slot holding a tuple equal to 'tuple' (of hash 'hash'), or else the
 * empty slot where it would go.  Always inline, and for IPv4 tuples (the
 * common case) a loop that compares their addresses as words and calls
 * nothing: a call would save and restore more registers than a probe
 * takes. */
G_ALWAYS_INLINE static inline guint
slot_find(const KnConntrack *ct, const KnCtTuple *tuple, guint32 hash)
{
    if (G_UNLIKELY(tuple->src.family != 4 || tuple->dst.family != 4))
        return slot_find_any(ct, tuple, hash);
    for (guint i = hash & ct->mask;; i = (i + 1) & ct->mask) {
        const Slot *slot = &ct->slots[i];
        const KnCtTuple *key;

        if (slot->ref == 0)
            return i;
        if (slot->hash != hash)
            continue;
        key = slot_key(slot);
        if (key->proto == tuple->proto && key->sport == tuple->sport && key->dport == tuple->dport
            && key->src.family == 4 && key->dst.family == 4
            && ipv4_bits(&key->src) == ipv4_bits(&tuple->src) && ipv4_bits(&key->dst) == ipv4_bits(&tuple->dst))
            return i;
    }
}

static KnCtEntry *
table_lookup(const KnConntrack *ct, const KnCtTuple *tuple)
{
    const Slot *slot = &ct->slots[slot_find(ct, tuple, tuple_hash(tuple))];

    return slot_entry(slot);
}

static gboolean
table_contains(const KnConntrack *ct, const KnCtTuple *tuple)
{
    return table_lookup(ct, tuple) != NULL;
}

/* Slot arrays of 2 MiB and more are mapped on their own, aligned to 2 MiB
 * and offered to the kernel as transparent huge pages: lookups land
 * anywhere in them, and with 4 KiB pages nearly every one would also miss
 * the TLB.  The kernel zeroes the pages as they are first touched, so they
 * are not cleared a second time here. */
#define HUGE_PAGE (2u << 20)

static Slot *
slots_new(guint n_slots)
{
    gsize size = (gsize) n_slots * sizeof(Slot);
    guint8 *mem, *aligned;

    if (size < HUGE_PAGE)
        return g_new0(Slot, n_slots);
    mem = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        g_error("conntrack: out of memory for %u slots", n_slots);
    /* Keep the aligned 'size' bytes; unmap the rest on both sides. */
    aligned = (guint8 *) (((guintptr) mem + HUGE_PAGE - 1) & ~(guintptr) (HUGE_PAGE - 1));
    if (aligned > mem)
        munmap(mem, aligned - mem);
    munmap(aligned + size, HUGE_PAGE - (aligned - mem));
#ifdef MADV_HUGEPAGE
    madvise(aligned, size, MADV_HUGEPAGE);
#endif
    return (Slot *) aligned;
}

/* Frees what slots_new('n_slots') returned. */
static void
slots_free(Slot *slots, guint n_slots)
{
    gsize size = (gsize) n_slots * sizeof(Slot);

    if (size < HUGE_PAGE)
        g_free(slots);
    else
        munmap(slots, size);
}

static void
table_resize(KnConntrack *ct, guint n_slots)
{
    Slot *old = ct->slots;
    guint n_old = old != NULL ? ct->mask + 1 : 0;

    ct->slots = slots_new(n_slots);
    ct->mask = n_slots - 1;
    for (guint i = 0; i < n_old; i++) {
        guint j = old[i].hash & ct->mask;

        if (old[i].ref == 0)
            continue;
        while (ct->slots[j].ref != 0)
            j = (j + 1) & ct->mask;
        ct->slots[j] = old[i];
    }
    if (old != NULL)
        slots_free(old, n_old);
}

static void
table_remove(KnConntrack *ct, const KnCtTuple *tuple)
{
    guint i = slot_find(ct, tuple, tuple_hash(tuple));

    if (ct->slots[i].ref == 0)
        return;
    ct->slots[i].ref = 0;
    ct->n_used--;
    /* Shift back the slots of the run after 'i' that may sit at 'i'. */
    for (guint j = (i + 1) & ct->mask; ct->slots[j].ref != 0; j = (j + 1) & ct->mask) {
        guint home = ct->slots[j].hash & ct->mask;

        if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
            continue;
        ct->slots[i] = ct->slots[j];
        ct->slots[j].ref = 0;
        i = j;
    }
}

/* The entries in the table, each once (from its original tuple's slot).
 * New array of borrowed entries, in slot order. */
static GPtrArray *
table_entries(const KnConntrack *ct)
{
    GPtrArray *all = g_ptr_array_sized_new(ct->n_entries);

    for (guint i = 0; i <= ct->mask; i++) {
        const Slot *slot = &ct->slots[i];

        if (slot->ref != 0 && !(slot->ref & 1))
            g_ptr_array_add(all, slot_entry(slot));
    }
    return all;
}

static void
tuple_invert(const KnCtTuple *from, KnCtTuple *to)
{
    *to = (KnCtTuple) { .src = from->dst, .dst = from->src, .sport = from->dport,
                        .dport = from->sport, .proto = from->proto };
}

void
kn_conntrack_entry_free(KnConntrack *ct, KnCtEntry *entry)
{
    g_return_if_fail(ct != NULL);
    if (entry == NULL)
        return;
    *(KnCtEntry **) entry = ct->spare;
    ct->spare = entry;
}

KnConntrack *
kn_conntrack_new(void)
{
    KnConntrack *ct = g_new0(KnConntrack, 1);

    ct->min_expires = KN_TIME_MAX;
    ct->blocks = g_ptr_array_new_with_free_func(g_aligned_free);
    ct->block_used = ENTRIES_PER_BLOCK;
    table_resize(ct, MIN_SLOTS);
    return ct;
}

void
kn_conntrack_free(KnConntrack *ct)
{
    if (ct == NULL)
        return;

    g_ptr_array_unref(ct->blocks);       /* every entry, in the table or not */
    slots_free(ct->slots, ct->mask + 1);
    g_free(ct);
}

void
kn_conntrack_tuple_of(const KnPacket *packet, KnCtTuple *tuple)
{
    *tuple = (KnCtTuple) { .src = packet->src, .dst = packet->dst, .sport = packet->sport,
                           .dport = packet->dport, .proto = packet->proto };
}

/* Takes 'entry' out of the table and frees it. */
static void
entry_remove(KnConntrack *ct, KnCtEntry *entry)
{
    table_remove(ct, &entry->orig);
    table_remove(ct, &entry->reply);
    ct->n_entries--;
    kn_conntrack_entry_free(ct, entry);
}

KnCtEntry *
kn_conntrack_lookup(KnConntrack *ct, const KnCtTuple *tuple, KnTime now, gboolean *reply)
{
    return kn_conntrack_lookup_hashed(ct, tuple, tuple_hash(tuple), now, reply);
}

KnCtEntry *
kn_conntrack_lookup_hashed(KnConntrack *ct, const KnCtTuple *tuple, guint32 hash, KnTime now,
                           gboolean *reply)
{
    const Slot *slot = &ct->slots[slot_find(ct, tuple, hash)];
    KnCtEntry *entry = slot_entry(slot);

    if (entry == NULL)
        return NULL;
    if (entry->expires <= now) {
        entry_remove(ct, entry);
        return NULL;
    }
    /* The slot says which tuple matched.  A connection that is its own
     * inverse (its reply tuple equal to its original one) has only its
     * original tuple's slot, as kn_conntrack_confirm() inserts that first:
     * its packets go the original way. */
    if (reply != NULL)
        *reply = slot->ref & 1;
    return entry;
}

guint32
kn_conntrack_prefetch(const KnConntrack *ct, const KnCtTuple *tuple)
{
    guint32 hash = tuple_hash(tuple);

    if (ct != NULL)
        __builtin_prefetch(&ct->slots[hash & ct->mask]);
    return hash;
}

void
kn_conntrack_set_max(KnConntrack *ct, guint max)
{
    g_return_if_fail(ct != NULL);
    ct->max = max;
}

guint
kn_conntrack_max(const KnConntrack *ct)
{
    g_return_val_if_fail(ct != NULL, 0);
    return ct->max;
}

KnCtStats
kn_conntrack_stats(const KnConntrack *ct)
{
    g_return_val_if_fail(ct != NULL, (KnCtStats) { 0 });
    return ct->stats;
}

/* early_drop(): the buckets from the new tuple's on, each emptied of its
 * unassured entries (early_drop_list), until one had some.  Here a bucket
 * is two occupied slots in probe order from the tuple's home slot.
 * Expired entries met on the way go too, but make no room by the count
 * (the kernel frees them later, through the gc). */
#define EVICTION_RANGE 8                 /* NF_CT_EVICTION_RANGE */
#define TUPLES_PER_BUCKET 2

gboolean
kn_conntrack_make_room(KnConntrack *ct, const KnCtTuple *tuple, KnTime now)
{
    g_return_val_if_fail(ct != NULL && tuple != NULL, FALSE);

    KnCtEntry *met[EVICTION_RANGE * TUPLES_PER_BUCKET];
    guint n_met = 0, n_dropped = 0, seen = 0;

    if (ct->max == 0 || ct->n_entries < ct->max)
        return TRUE;
    for (guint i = tuple_hash(tuple) & ct->mask, steps = 0;
         steps <= ct->mask && seen < G_N_ELEMENTS(met); i = (i + 1) & ct->mask, steps++) {
        KnCtEntry *entry = slot_entry(&ct->slots[i]);
        gboolean again = FALSE;

        if (entry == NULL)
            continue;
        seen++;
        for (guint k = 0; k < n_met; k++)
            again |= met[k] == entry;
        if (!again && (entry->expires <= now || !entry->assured)) {
            met[n_met++] = entry;
            n_dropped += entry->expires > now;
        }
        if (n_dropped > 0 && seen % TUPLES_PER_BUCKET == 0)
            break;
    }
    for (guint k = 0; k < n_met; k++)
        entry_remove(ct, met[k]);
    ct->stats.early_drop += n_dropped;
    if (n_dropped == 0)
        ct->stats.drop++;        /* "nf_conntrack: table full, dropping packet" */
    return n_dropped > 0;
}

KnCtEntry *
kn_conntrack_entry_new(KnConntrack *ct, const KnCtTuple *tuple)
{
    g_return_val_if_fail(ct != NULL, NULL);

    KnCtEntry *entry = ct->spare;

    if (entry != NULL) {
        ct->spare = *(KnCtEntry **) entry;
    } else {
        if (ct->block_used == ENTRIES_PER_BLOCK) {
            g_ptr_array_add(ct->blocks, g_aligned_alloc(ENTRIES_PER_BLOCK, sizeof(KnCtEntry), ENTRY_ALIGN));
            ct->block_used = 0;
        }
        entry = (KnCtEntry *) g_ptr_array_index(ct->blocks, ct->blocks->len - 1) + ct->block_used++;
    }
    *entry = (KnCtEntry) { .orig = *tuple };
    tuple_invert(tuple, &entry->reply);
    return entry;
}

void
kn_conntrack_set_dnat(KnCtEntry *entry, const KnAddr *addr, guint16 port)
{
    /* Replies come from the new destination. */
    entry->reply.src = *addr;
    entry->reply.sport = port;
    entry->dnat = TRUE;
}

void
kn_conntrack_set_snat(KnConntrack *ct, KnCtEntry *entry, const KnAddr *addr, guint16 random_port)
{
    KnCtTuple candidate = entry->reply;

    candidate.dst = *addr;
    if (random_port != 0)
        candidate.dport = random_port;
    /* nf_nat_l4proto_unique_tuple: walk the port range until the reply
     * tuple is free (ephemeral range 1024-65535 for MASQUERADE). */
    for (guint tries = 0; tries < 64512 && table_contains(ct, &candidate); tries++)
        candidate.dport = candidate.dport >= 65535 ? 1024 : candidate.dport + 1;
    entry->reply = candidate;
    entry->snat = TRUE;
}

/* The timeout of the entry's current state. */
static KnTime
timeout_of(const KnCtEntry *entry)
{
    static const guint tcp_timeouts[] = {
        [KN_CT_TCP_NONE] = 30, [KN_CT_TCP_SYN_SENT] = 120, [KN_CT_TCP_SYN_RECV] = 60,
        [KN_CT_TCP_ESTABLISHED] = 432000, [KN_CT_TCP_FIN_WAIT] = 120,
        [KN_CT_TCP_CLOSE_WAIT] = 60, [KN_CT_TCP_LAST_ACK] = 30,
        [KN_CT_TCP_TIME_WAIT] = 120, [KN_CT_TCP_CLOSE] = 10,
    };

    if (entry->orig.proto == KN_IPPROTO_TCP)
        return (KnTime) tcp_timeouts[entry->tcp_state] * KN_SEC;
    if (entry->orig.proto == KN_IPPROTO_UDP)
        return (entry->assured ? 120 : 30) * KN_SEC;
    return 30 * KN_SEC;
}

/* Doubles the table if one more tuple would fill it past half; TRUE if it
 * did (the slots found before are then stale). */
static gboolean
grow_for_one(KnConntrack *ct)
{
    if ((ct->n_used + 1) * 2 <= ct->mask + 1)
        return FALSE;
    table_resize(ct, (ct->mask + 1) * 2);
    return TRUE;
}

gboolean
kn_conntrack_confirm(KnConntrack *ct, KnCtEntry *entry, KnTime now)
{
    /* Each tuple hashed and looked for once, for the clash test and the
     * insert: the empty slots found are where the tuples go, unless the
     * table grows in between (before either insert would fill it past
     * half, as inserting them one by one does) or the original tuple takes
     * the reply's slot. */
    guint32 orig_hash = tuple_hash(&entry->orig), reply_hash = tuple_hash(&entry->reply);
    guint i = slot_find(ct, &entry->orig, orig_hash), j = slot_find(ct, &entry->reply, reply_hash);
    gboolean moved = FALSE;

    if (ct->slots[i].ref != 0 || ct->slots[j].ref != 0) {
        kn_conntrack_entry_free(ct, entry);
        return FALSE;
    }
    entry->confirmed = TRUE;
    entry->id = ct->next_id++;
    if (entry->expires == 0)
        entry->expires = now + timeout_of(entry);
    ct->min_expires = MIN(ct->min_expires, entry->expires);
    ct->n_entries++;
    if (grow_for_one(ct)) {
        i = slot_find(ct, &entry->orig, orig_hash);
        moved = TRUE;
    }
    ct->slots[i] = (Slot) { .hash = orig_hash, .ref = (guintptr) entry };
    ct->n_used++;
    moved |= grow_for_one(ct);
    if (moved || i == j)
        j = slot_find(ct, &entry->reply, reply_hash);
    /* A connection that is its own inverse (its reply tuple equal to the
     * original one) has the one slot, its original tuple's. */
    if (ct->slots[j].ref == 0) {
        ct->slots[j] = (Slot) { .hash = reply_hash, .ref = (guintptr) entry | 1 };
        ct->n_used++;
    }
    return TRUE;
}

/* The main path of tcp_conntracks[][][]: the new state after a packet with
 * 'flags' in direction 'reply'. */
static KnCtTcpState
tcp_next(KnCtTcpState state, guint8 flags, gboolean reply)
{
    if (flags & KN_TCP_RST)
        return KN_CT_TCP_CLOSE;
    if ((flags & KN_TCP_SYN) && !(flags & KN_TCP_ACK))
        return reply ? state : (state == KN_CT_TCP_NONE || state >= KN_CT_TCP_TIME_WAIT
                                    ? KN_CT_TCP_SYN_SENT : state);
    if ((flags & KN_TCP_SYN) && (flags & KN_TCP_ACK))
        return reply && state == KN_CT_TCP_SYN_SENT ? KN_CT_TCP_SYN_RECV : state;
    if (flags & KN_TCP_FIN) {
        switch (state) {
        case KN_CT_TCP_ESTABLISHED:
            return KN_CT_TCP_FIN_WAIT;
        case KN_CT_TCP_FIN_WAIT:
        case KN_CT_TCP_CLOSE_WAIT:
            return KN_CT_TCP_LAST_ACK;
        default:
            return state;
        }
    }
    if (flags & KN_TCP_ACK) {
        switch (state) {
        case KN_CT_TCP_SYN_RECV:
            return reply ? state : KN_CT_TCP_ESTABLISHED;
        case KN_CT_TCP_FIN_WAIT:
            return KN_CT_TCP_CLOSE_WAIT;
        case KN_CT_TCP_LAST_ACK:
            return KN_CT_TCP_TIME_WAIT;
        default:
            return state;
        }
    }
    return state;
}

void
kn_conntrack_update(KnConntrack *ct, KnCtEntry *entry, guint8 flags, gboolean reply, KnTime now)
{
    if (entry->orig.proto == KN_IPPROTO_TCP) {
        entry->tcp_state = tcp_next(entry->tcp_state, flags, reply);
        if (entry->tcp_state == KN_CT_TCP_ESTABLISHED)
            entry->assured = TRUE;
    } else if (entry->orig.proto == KN_IPPROTO_UDP) {
        /* nf_conntrack_udp_packet(): a packet after a reply was seen
         * (SEEN_REPLY is set only after the packet that brings it), more
         * than 2 s after the first one, makes the entry a stream: ASSURED,
         * 120 s.  Until then every packet refreshes the 30 s, so a DNS
         * exchange stays unassured.  (Older kernels set ASSURED on the
         * first packet after a reply, with the same timeouts.) */
        if (!entry->confirmed)
            entry->udp_stream_after = now + 2 * KN_SEC;
        else if (entry->seen_reply && now > entry->udp_stream_after)
            entry->assured = TRUE;
    }
    if (reply)
        entry->seen_reply = TRUE;
    entry->expires = now + timeout_of(entry);
    if (ct != NULL)
        ct->min_expires = MIN(ct->min_expires, entry->expires);
}

void
kn_conntrack_apply_nat(const KnCtEntry *entry, KnPacket *packet, gboolean reply)
{
    if (!reply) {
        /* Original direction: it must look like the inverse of the reply tuple. */
        if (entry->dnat) {
            packet->dst = entry->reply.src;
            packet->dport = entry->reply.sport;
        }
        if (entry->snat) {
            packet->src = entry->reply.dst;
            packet->sport = entry->reply.dport;
        }
        return;
    }
    /* Reply direction: back to the inverse of the original tuple. */
    if (entry->dnat) {
        packet->src = entry->orig.dst;
        packet->sport = entry->orig.dport;
    }
    if (entry->snat) {
        packet->dst = entry->orig.src;
        packet->dport = entry->orig.sport;
    }
}

guint
kn_conntrack_gc(KnConntrack *ct, KnTime now)
{
    /* Until the earliest expiry, a sweep would find nothing to remove. */
    if (now < ct->min_expires)
        return 0;

    g_autoptr(GPtrArray) all = table_entries(ct);
    guint n = 0;

    ct->min_expires = KN_TIME_MAX;
    for (guint i = 0; i < all->len; i++) {
        KnCtEntry *entry = all->pdata[i];

        if (entry->expires <= now) {
            entry_remove(ct, entry);
            n++;
        } else {
            ct->min_expires = MIN(ct->min_expires, entry->expires);
        }
    }
    return n;
}

guint
kn_conntrack_size(const KnConntrack *ct)
{
    return ct->n_entries;
}

guint
kn_conntrack_flush_reply_src(KnConntrack *ct, const KnAddr *addr)
{
    g_autoptr(GPtrArray) all = table_entries(ct);
    guint n = 0;

    for (guint i = 0; i < all->len; i++) {
        KnCtEntry *entry = all->pdata[i];

        if (kn_addr_equal(&entry->reply.src, addr)) {
            entry_remove(ct, entry);
            n++;
        }
    }
    return n;
}

const char *
kn_conntrack_tcp_state_name(KnCtTcpState state)
{
    static const char *const names[] = {
        "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
        "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",
    };

    return state < G_N_ELEMENTS(names) ? names[state] : "NONE";
}

static void
append_tuple(GString *out, const KnCtTuple *t)
{
    char src[KN_ADDR_STRLEN], dst[KN_ADDR_STRLEN];

    g_string_append_printf(out, "src=%s dst=%s ", kn_addr_format(&t->src, src),
                           kn_addr_format(&t->dst, dst));
    if (t->proto == KN_IPPROTO_ICMP || t->proto == KN_IPPROTO_ICMPV6)
        g_string_append_printf(out, "id=%u ", t->sport);
    else
        g_string_append_printf(out, "sport=%u dport=%u ", t->sport, t->dport);
}

char *
kn_conntrack_format(const KnCtEntry *entry, KnTime now)
{
    GString *out = g_string_new(NULL);
    const char *proto = entry->orig.proto == KN_IPPROTO_TCP ? "tcp"
                        : entry->orig.proto == KN_IPPROTO_UDP ? "udp"
                        : entry->orig.proto == KN_IPPROTO_ICMP ? "icmp" : "unknown";
    KnTime left = entry->expires > now ? entry->expires - now : 0;

    g_string_append_printf(out, "%-8s %u %" G_GUINT64_FORMAT " ", proto, entry->orig.proto,
                           left / KN_SEC);
    if (entry->orig.proto == KN_IPPROTO_TCP)
        g_string_append_printf(out, "%s ", kn_conntrack_tcp_state_name(entry->tcp_state));
    append_tuple(out, &entry->orig);
    if (!entry->seen_reply)
        g_string_append(out, "[UNREPLIED] ");
    append_tuple(out, &entry->reply);
    if (entry->assured)
        g_string_append(out, "[ASSURED] ");
    g_string_append_printf(out, "mark=%u use=1", entry->mark);
    return g_string_free(out, FALSE);
}

static int
compare_id(gconstpointer a, gconstpointer b)
{
    const KnCtEntry *x = *(KnCtEntry *const *) a, *y = *(KnCtEntry *const *) b;

    return x->id < y->id ? -1 : x->id > y->id;
}

void
kn_conntrack_foreach(KnConntrack *ct, KnTime now, void (*func)(const KnCtEntry *entry, gpointer data),
                     gpointer data)
{
    g_autoptr(GPtrArray) all = table_entries(ct);

    g_ptr_array_sort(all, compare_id);
    for (guint i = 0; i < all->len; i++) {
        const KnCtEntry *entry = all->pdata[i];

        if (entry->expires > now)
            func(entry, data);
    }
}

char *
kn_conntrack_list(KnConntrack *ct, KnTime now)
{
    g_autoptr(GPtrArray) all = table_entries(ct);
    GString *out = g_string_new(NULL);

    g_ptr_array_sort(all, compare_id);
    for (guint i = 0; i < all->len; i++) {
        const KnCtEntry *entry = all->pdata[i];
        g_autofree char *line = NULL;

        if (entry->expires <= now)
            continue;
        line = kn_conntrack_format(entry, now);
        g_string_append_printf(out, "%s\n", line);
    }
    return g_string_free(out, FALSE);
}
