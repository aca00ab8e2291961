/* spares.h -- per-thread spares: objects a module frees and keeps for its
 * next allocations (packets, TCBs, DNS messages), in lists of each
 * thread's own, as a simulation's lanes run on several threads.  A module
 * with objects of its own to keep declares a GPrivate whose
 * G_PRIVATE_INIT() function releases its lists, and a thread-local flag;
 * kn_spares_arm() sets the GPrivate in the thread the first time it keeps
 * a spare, so that the thread's exit releases them.
 *
 * Plain small structs need none of that: kn_spare_alloc0() and
 * kn_spare_free() keep blocks by size (16-byte classes up to 256 bytes),
 * so that what a lookup or an exchange makes and drops by the thousand
 * costs a list push and pop rather than malloc and free.  A block must go
 * back with the size it was asked with, and only what kn_spare_alloc0()
 * gave may go to kn_spare_free(). */
#pragma once

#include <glib.h>
#include <string.h>

static inline void
kn_spares_arm(GPrivate *release, gboolean *armed)
{
    if (G_UNLIKELY(!*armed)) {
        *armed = TRUE;
        g_private_set(release, GINT_TO_POINTER(1));
    }
}

/* KN_SPARE_STACK(name, Type, capacity, destroy) defines, in a module, a
 * stack of up to 'capacity' whole objects the thread keeps (a message with
 * its arrays, a lookup with its own): name_take() pops one (NULL if there
 * is none) and name_keep() pushes one, FALSE when full (the caller then
 * frees it).  The thread's exit frees those left with 'destroy'. */
#define KN_SPARE_STACK(name, Type, capacity, destroy)                                   \
    static __thread Type *name##_items[capacity];                                     \
    static __thread guint name##_n;                                                   \
    static __thread gboolean name##_armed;                                            \
    static void                                                                       \
    name##_release(gpointer unused)                                                   \
    {                                                                                 \
        (void) unused;                                                                \
        while (name##_n > 0)                                                          \
            destroy(name##_items[--name##_n]);                                        \
    }                                                                                 \
    static GPrivate name##_exit = G_PRIVATE_INIT(name##_release);                     \
    static inline Type *                                                              \
    name##_take(void)                                                                 \
    {                                                                                 \
        return name##_n > 0 ? name##_items[--name##_n] : NULL;                        \
    }                                                                                 \
    static inline gboolean                                                            \
    name##_keep(Type *item)                                                           \
    {                                                                                 \
        if (name##_n == (capacity))                                                   \
            return FALSE;                                                             \
        kn_spares_arm(&name##_exit, &name##_armed);                                   \
        name##_items[name##_n++] = item;                                              \
        return TRUE;                                                                  \
    }

/* The thread's blocks, by class of KN_SPARE_CLASS_BYTES (a block of up to
 * 16 bytes is class 0, of up to 32 class 1, ...).  They are here, not
 * inside spares.c, so that kn_spare_alloc0() and kn_spare_free() can be
 * inline: nearly every caller passes a constant size, and then the class
 * is known when compiling and the memset() is a few stores, where a call
 * cost more than the list push or pop it made (a lookup makes some forty
 * blocks and frees as many).  Only the functions below touch them. */
#define KN_SPARE_CLASS_BYTES 16
#define KN_SPARE_N_CLASSES 16            /* blocks of up to 256 bytes */
#define KN_SPARE_MAX_KEPT 4096           /* per class and thread */

typedef struct KnSpare KnSpare;
struct KnSpare {
    KnSpare *next;
};

extern __thread KnSpare *kn_spare_lists[KN_SPARE_N_CLASSES];
extern __thread guint kn_spare_counts[KN_SPARE_N_CLASSES];
extern __thread gboolean kn_spare_armed;

/* The class of 'size' bytes; KN_SPARE_N_CLASSES if it has none. */
static inline guint
kn_spare_class(gsize size)
{
    return size == 0 || size > KN_SPARE_N_CLASSES * KN_SPARE_CLASS_BYTES
           ? KN_SPARE_N_CLASSES : (guint) ((size - 1) / KN_SPARE_CLASS_BYTES);
}

/* What kn_spare_alloc0() and kn_spare_free() do when the thread's list
 * cannot serve: a new block, or one given back to malloc (or the first
 * block a thread keeps, which arms its release). */
gpointer kn_spare_alloc0_slow(gsize size);
void kn_spare_free_slow(gpointer mem, gsize size);

/* A zeroed block of 'size' bytes; free with kn_spare_free(). */
static inline gpointer
kn_spare_alloc0(gsize size)
{
    guint c = kn_spare_class(size);
    KnSpare *spare;

    if (c == KN_SPARE_N_CLASSES || kn_spare_lists[c] == NULL)
        return kn_spare_alloc0_slow(size);
    spare = kn_spare_lists[c];
    kn_spare_lists[c] = spare->next;
    kn_spare_counts[c]--;
    memset(spare, 0, size);
    return spare;
}

/* Keeps 'mem' (of 'size' bytes, from kn_spare_alloc0()) for the thread's
 * next allocation of its class, or frees it.  Accepts NULL. */
static inline void
kn_spare_free(gpointer mem, gsize size)
{
    guint c = kn_spare_class(size);

    if (mem == NULL)
        return;
    if (c == KN_SPARE_N_CLASSES || kn_spare_counts[c] == KN_SPARE_MAX_KEPT || !kn_spare_armed) {
        kn_spare_free_slow(mem, size);
        return;
    }
    ((KnSpare *) mem)->next = kn_spare_lists[c];
    kn_spare_lists[c] = mem;
    kn_spare_counts[c]++;
}

#define kn_spare_new0(type) ((type *) kn_spare_alloc0(sizeof(type)))
#define kn_spare_delete(mem) kn_spare_free((mem), sizeof *(mem))
