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

/* A zeroed block of 'size' bytes; free with kn_spare_free(). */
gpointer kn_spare_alloc0(gsize size);
/* Keeps 'mem' (of 'size' bytes, from kn_spare_alloc0()) for the thread's
 * next allocation of its class, or frees it.  Accepts NULL. */
void kn_spare_free(gpointer mem, gsize size);

#define kn_spare_new0(type) ((type *) kn_spare_alloc0(sizeof(type)))
#define kn_spare_delete(mem) kn_spare_free((mem), sizeof *(mem))
