/* queue.c -- a radix heap of pending events.
 *
 * Simulated time never goes backwards, and a radix heap (Ahuja, Mehlhorn,
 * Orlin and Tarjan, "Faster algorithms for the shortest path problem",
 * JACM 37(2), 1990) is a priority queue for exactly that case.  It keeps
 * 'last', the time of the latest event taken out, and reads times as
 * eleven digits of six bits (the top one of four).  An event goes in the
 * bucket named by the highest digit in which its time differs from 'last'
 * and by its own value of that digit: bucket 0 holds the events at 'last'
 * itself, bucket 1 + 64 * d + v those whose time agrees with 'last' above
 * digit d and has v there (v is then above the digit of 'last').  Every
 * event in a lower bucket is earlier than every event in a higher one, and
 * the buckets of digit 0 each hold a single time.  A push appends to a
 * bucket; when bucket 0 runs dry, the lowest non-empty bucket is scanned
 * for its earliest time, which becomes 'last', and its events are
 * redistributed, each to a strictly lower bucket (a bucket of digit 0 is
 * moved whole).
 * An event thus moves at most 11 times, and at most once per digit of its
 * delay above the gaps between events: once or twice for a packet's hop,
 * three or four times for a timeout of seconds, where a bucket per bit
 * (the classic radix heap, which this was) moved them up to six times as
 * often.  The 705 buckets are found through a bitmap of them, a word per
 * digit, and a word of which words are not empty.  (Bytes as digits moved
 * events less still, but left so many blocks half full that the queue
 * held more than 48 bytes an event.)
 * Each move is a sequential read and append, which is why this beats a
 * heap's random walks through memory.  `knetsim bench core` measured it
 * against binary and 4-ary heaps (see the README).
 *
 * Order among equal times is push order, with no sorting.  Every pending
 * event sits in the bucket that its time and the current 'last' name (when
 * 'last' moves to the earliest time of bucket j, an event in a higher
 * bucket still differs from it first at the same digit, with the same
 * value), so events of equal time always share a bucket.  They enter it
 * by appending, in push order, and a redistribution reads a bucket front
 * to back and appends, which keeps that order all the way down to bucket
 * 0.
 *
 * Buckets are chains of fixed-size blocks from a shared free list, so the
 * memory follows the number of pending events.  Each entry carries the
 * event's class and data, so a pop reads only the block it pops from.  A
 * side table of one word per slot records each event's sequence number and
 * whether it was cancelled, which gives cancel() its O(1) answer.  The
 * event's handle names its class and data, so a cancelled event's data is
 * freed at once: a timeout cancelled seconds before its time would
 * otherwise hold its data, and whatever that holds, all that while (and a
 * bench's millions of them would reach the allocator in bursts).  The
 * entry is dropped when it reaches the front or its bucket is
 * redistributed.  (A copy of the data beside each slot's word, or in a
 * table of its own, made the hold model up to a fifth slower: a push
 * then writes memory the pop before it did not touch.)  An event posted
 * without a handle (kn_queue_post(), a packet's hop) has no slot: it can
 * never be cancelled, so neither its push nor its moves nor its pop touch
 * the side table. */

#include <config.h>
#include "sim/queue.h"


/*****************************************************************************/

#define DIGIT_BITS 6
#define N_VALUES (1 << DIGIT_BITS)               /* values of a digit */
#define N_DIGITS ((64 + DIGIT_BITS - 1) / DIGIT_BITS)   /* digits of a time */
#define N_BUCKETS (1 + N_DIGITS * N_VALUES)      /* bucket 0, and one per digit and value */
#define N_MASK_WORDS ((N_BUCKETS - 1 + 63) / 64)
#define BLOCK_ENTRIES 63                 /* entries per block: 2 KiB blocks */
#define NO_SLOT G_MAXUINT32

/* Slot words: a pending event's is seq << 1, with bit 0 set once it is
 * cancelled; a free slot's is FREE | the next free slot. */
#define CANCELLED G_GUINT64_CONSTANT(1)
#define FREE (G_GUINT64_CONSTANT(1) << 63)

typedef struct {
    KnTime time;
    guint32 slot;                        /* index in the slot table; NO_SLOT: posted */
    const KnEventClass *klass;
    gpointer data;
} Entry;

typedef struct Block {
    struct Block *next;
    guint32 n_entries;
    Entry entries[BLOCK_ENTRIES];
} Block;

typedef struct {
    Block *head, *tail;                  /* NULL when empty */
    KnTime min;                          /* earliest time in it, if not empty */
} Bucket;

struct KnQueue {
    KnTime last;                         /* time of the latest event taken out */
    guint64 mask[N_MASK_WORDS];          /* bit b-1 set: bucket b is not empty */
    guint64 words;                       /* bit w set: mask[w] is not 0 */
    Bucket buckets[N_BUCKETS];
    guint32 next0;                       /* next entry to pop in bucket 0's head */

    Block *free_blocks;                  /* blocks not in a bucket */
    gsize n_blocks;                      /* blocks allocated in all */

    guint64 *slots;                      /* the side table */
    guint32 n_slots;                     /* slots allocated */
    guint32 free_slot;                   /* head of the free list, or NO_SLOT */

    guint64 next_seq;                    /* sequence of the next push */
    gsize n_pending;                     /* events pending and not cancelled */
    gsize n_cancelled;                   /* cancelled events still in buckets */
};

G_STATIC_ASSERT(sizeof(Entry) == 32);
G_STATIC_ASSERT(sizeof(Block) <= 2048);
G_STATIC_ASSERT(N_MASK_WORDS * 64 >= N_BUCKETS - 1 && N_MASK_WORDS <= 64);

/*****************************************************************************/

static guint32
slot_alloc(KnQueue *queue)
{
    if (queue->free_slot == NO_SLOT) {
        guint32 old = queue->n_slots;
        guint32 n = old < 64 ? 64 : old + old / 2;

        if (old == NO_SLOT - 1 || n < old)
            g_error("event queue: more than %u pending events", old);
        queue->slots = g_renew(guint64, queue->slots, n);
        for (guint32 i = old; i < n; i++)
            queue->slots[i] = FREE | (i + 1 < n ? i + 1 : NO_SLOT);
        queue->n_slots = n;
        queue->free_slot = old;
    }

    guint32 slot = queue->free_slot;

    queue->free_slot = (guint32) (queue->slots[slot] & ~FREE);
    return slot;
}

static inline void
slot_release(KnQueue *queue, guint32 slot)
{
    queue->slots[slot] = FREE | queue->free_slot;
    queue->free_slot = slot;
}

static Block *
block_new(KnQueue *queue)
{
    Block *block = queue->free_blocks;

    if (block != NULL) {
        queue->free_blocks = block->next;
    } else {
        block = g_new(Block, 1);
        queue->n_blocks++;
    }
    block->next = NULL;
    block->n_entries = 0;
    return block;
}

static void
block_release(KnQueue *queue, Block *block)
{
    block->next = queue->free_blocks;
    queue->free_blocks = block;
}

/*****************************************************************************/

static inline guint
bucket_index(const KnQueue *queue, KnTime time)
{
    KnTime diff = time ^ queue->last;

    if (diff == 0)
        return 0;

    guint digit = (63 - (guint) __builtin_clzll(diff)) / DIGIT_BITS;

    return 1 + digit * N_VALUES + (guint) (time >> (digit * DIGIT_BITS)) % N_VALUES;
}

/* The lowest non-empty bucket but 0; 0 if there is none. */
static inline guint
lowest_bucket(const KnQueue *queue)
{
    if (queue->words == 0)
        return 0;

    guint w = (guint) __builtin_ctzll(queue->words);

    return 1 + w * 64 + (guint) __builtin_ctzll(queue->mask[w]);
}

static inline void
bucket_append(KnQueue *queue, guint index, const Entry *entry)
{
    Bucket *bucket = &queue->buckets[index];
    Block *tail = bucket->tail;

    if (G_UNLIKELY(tail == NULL || tail->n_entries == BLOCK_ENTRIES)) {
        Block *block = block_new(queue);

        if (tail != NULL)
            tail->next = block;
        else
            bucket->head = block;
        bucket->tail = tail = block;
        if (bucket->head == block)
            bucket->min = entry->time;
    }
    bucket->min = MIN(bucket->min, entry->time);
    tail->entries[tail->n_entries++] = *entry;
    if (index > 0) {
        queue->mask[(index - 1) / 64] |= G_GUINT64_CONSTANT(1) << ((index - 1) % 64);
        queue->words |= G_GUINT64_CONSTANT(1) << ((index - 1) / 64);
    }
}

/* Frees a cancelled event's slot (its data went when it was cancelled). */
static void
drop_cancelled(KnQueue *queue, const Entry *entry)
{
    queue->n_cancelled--;
    slot_release(queue, entry->slot);
}

/* Refills the empty bucket 0 from the lowest non-empty bucket, if that
 * bucket's earliest time is at most 'until'.  Cancelled events in it are
 * dropped instead of moved down: a timeout cancelled long before its time
 * (every TCP connect's) then moves once, not once per level.  Returns FALSE
 * otherwise, leaving the pending events where they are. */
static gboolean
refill(KnQueue *queue, KnTime until)
{
    guint index = lowest_bucket(queue);

    if (index == 0) {
        queue->last = 0;                 /* empty: any time may come next */
        return FALSE;
    }

    Bucket *bucket = &queue->buckets[index];
    Block *block = bucket->head;

    if (bucket->min > until)
        return FALSE;
    queue->last = bucket->min;
    queue->mask[(index - 1) / 64] &= ~(G_GUINT64_CONSTANT(1) << ((index - 1) % 64));
    if (queue->mask[(index - 1) / 64] == 0)
        queue->words &= ~(G_GUINT64_CONSTANT(1) << ((index - 1) / 64));
    if (index <= N_VALUES || (block->next == NULL && block->n_entries == 1)) {
        /* Digit 0, or a single event (most refills on the data path: a
         * packet's hop alone in its bucket): every event in it is at
         * 'last' now.  Bucket 0 is empty (take() refills only then): the
         * chain becomes it, in order.  A cancelled event goes at the front
         * (kn_queue_pop()). */
        queue->buckets[0] = (Bucket) { bucket->head, bucket->tail, bucket->min };
        queue->next0 = 0;
        bucket->head = bucket->tail = NULL;
        return TRUE;
    }
    bucket->head = bucket->tail = NULL;
    while (block != NULL) {
        Block *next = block->next;

        for (guint32 i = 0; i < block->n_entries; i++) {
            const Entry *entry = &block->entries[i];

            if (G_UNLIKELY(queue->n_cancelled > 0) && entry->slot != NO_SLOT
                && (queue->slots[entry->slot] & CANCELLED)) {
                drop_cancelled(queue, entry);
                continue;
            }
            bucket_append(queue, bucket_index(queue, entry->time), entry);
        }
        block_release(queue, block);
        block = next;
    }
    return TRUE;
}

/* Takes the next entry of bucket 0 into '*entry', refilling it first if it
 * is empty and the next time is at most 'until'. */
static gboolean
take(KnQueue *queue, KnTime until, Entry *entry)
{
    Bucket *bucket = &queue->buckets[0];
    Block *head = bucket->head;

    while (head == NULL || queue->next0 == head->n_entries) {
        if (head != NULL) {
            /* Done with this block; the next push at 'last' starts afresh. */
            bucket->head = head->next;
            if (bucket->head == NULL)
                bucket->tail = NULL;
            block_release(queue, head);
            queue->next0 = 0;
        } else if (!refill(queue, until)) {
            return FALSE;
        }
        head = bucket->head;
    }
    *entry = head->entries[queue->next0++];
    return TRUE;
}

/*****************************************************************************/

KnQueue *
kn_queue_new(void)
{
    KnQueue *queue = g_new0(KnQueue, 1);

    queue->free_slot = NO_SLOT;
    queue->next_seq = 1;
    return queue;
}

void
kn_queue_free(KnQueue *queue)
{
    if (queue == NULL)
        return;

    /* Free the data of pending events in (time, seq) order, deterministically. */
    const KnEventClass *klass;
    gpointer data;

    while (kn_queue_pop(queue, KN_TIME_MAX, NULL, &klass, &data))
        if (klass->data_free != NULL)
            klass->data_free(data);
    while (queue->free_blocks != NULL) {
        Block *next = queue->free_blocks->next;

        g_free(queue->free_blocks);
        queue->free_blocks = next;
    }
    g_free(queue->slots);
    g_free(queue);
}

KnEventId
kn_queue_push(KnQueue *queue, KnTime time, const KnEventClass *klass, gpointer data)
{
    g_return_val_if_fail(queue != NULL, KN_EVENT_ID_NONE);
    g_return_val_if_fail(klass != NULL && klass->handler != NULL, KN_EVENT_ID_NONE);
    g_return_val_if_fail(time >= queue->last, KN_EVENT_ID_NONE);

    guint32 slot = slot_alloc(queue);
    guint64 seq = queue->next_seq++;
    Entry entry = { time, slot, klass, data };

    queue->slots[slot] = seq << 1;
    queue->n_pending++;
    bucket_append(queue, bucket_index(queue, time), &entry);
    return (KnEventId) { seq, slot, 0, klass, data };
}

void
kn_queue_post(KnQueue *queue, KnTime time, const KnEventClass *klass, gpointer data)
{
    g_return_if_fail(queue != NULL);
    g_return_if_fail(klass != NULL && klass->handler != NULL);
    g_return_if_fail(time >= queue->last);

    Entry entry = { time, NO_SLOT, klass, data };

    queue->n_pending++;
    bucket_append(queue, bucket_index(queue, time), &entry);
}

gboolean
kn_queue_pop(KnQueue *queue, KnTime until, KnTime *time,
             const KnEventClass **klass, gpointer *data)
{
    g_return_val_if_fail(queue != NULL, FALSE);

    Entry entry;

    for (;;) {
        if (!take(queue, until, &entry))
            return FALSE;
        if (entry.slot == NO_SLOT)
            break;
        if (G_UNLIKELY(queue->n_cancelled > 0) && (queue->slots[entry.slot] & CANCELLED)) {
            drop_cancelled(queue, &entry);
            continue;
        }
        slot_release(queue, entry.slot);
        break;
    }
    queue->n_pending--;
    if (time != NULL)
        *time = entry.time;
    if (klass != NULL)
        *klass = entry.klass;
    if (data != NULL)
        *data = entry.data;
    return TRUE;
}

KnTime
kn_queue_next_time(const KnQueue *queue)
{
    g_return_val_if_fail(queue != NULL, KN_TIME_MAX);

    const Block *head = queue->buckets[0].head;

    if (head != NULL && (queue->next0 < head->n_entries || head->next != NULL))
        return queue->last;

    guint index = lowest_bucket(queue);

    return index == 0 ? KN_TIME_MAX : queue->buckets[index].min;
}

gboolean
kn_queue_cancel(KnQueue *queue, KnEventId id)
{
    g_return_val_if_fail(queue != NULL, FALSE);

    if (id.seq == 0 || id.slot >= queue->n_slots || queue->slots[id.slot] != id.seq << 1)
        return FALSE;
    queue->slots[id.slot] |= CANCELLED;
    queue->n_cancelled++;
    queue->n_pending--;
    /* Pending until now, so 'id' still names its class and data.  Last:
     * data_free may push and cancel events itself. */
    if (id.klass->data_free != NULL)
        id.klass->data_free(id.data);
    return TRUE;
}

gsize
kn_queue_size(const KnQueue *queue)
{
    g_return_val_if_fail(queue != NULL, 0);
    return queue->n_pending;
}

gsize
kn_queue_memory(const KnQueue *queue)
{
    g_return_val_if_fail(queue != NULL, 0);
    return sizeof *queue + queue->n_blocks * sizeof(Block)
           + (gsize) queue->n_slots * sizeof(guint64);
}
