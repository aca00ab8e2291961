/* spares.h -- per-thread spares: objects a module frees and keeps for its
 * next allocations (packets, TCBs, DNS messages), in lists of each
 * thread's own, as a simulation's lanes run on several threads.  A module
 * declares a GPrivate whose G_PRIVATE_INIT() function releases its lists,
 * and a thread-local flag; kn_spares_arm() sets the GPrivate in the
 * thread the first time it keeps a spare, so that the thread's exit
 * releases them. */
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
