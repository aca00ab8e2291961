/* spares.c -- per-thread free lists of small blocks (spares.h). */
#include <config.h>
#include "sim/spares.h"

__thread KnSpare *kn_spare_lists[KN_SPARE_N_CLASSES];
__thread guint kn_spare_counts[KN_SPARE_N_CLASSES];
__thread gboolean kn_spare_armed;

static void
release(gpointer unused)
{
    (void) unused;
    for (guint c = 0; c < KN_SPARE_N_CLASSES; c++) {
        while (kn_spare_lists[c] != NULL) {
            KnSpare *next = kn_spare_lists[c]->next;

            g_free(kn_spare_lists[c]);
            kn_spare_lists[c] = next;
        }
        kn_spare_counts[c] = 0;
    }
}

static GPrivate exit_release = G_PRIVATE_INIT(release);

gpointer
kn_spare_alloc0_slow(gsize size)
{
    guint c = kn_spare_class(size);

    if (c == KN_SPARE_N_CLASSES)
        return g_malloc0(size);
    return g_malloc0((c + 1) * KN_SPARE_CLASS_BYTES);    /* any size of its class may reuse it */
}

void
kn_spare_free_slow(gpointer mem, gsize size)
{
    guint c = kn_spare_class(size);

    if (c == KN_SPARE_N_CLASSES || kn_spare_counts[c] == KN_SPARE_MAX_KEPT) {
        g_free(mem);
        return;
    }
    /* The thread's first block: its exit will release them all. */
    kn_spares_arm(&exit_release, &kn_spare_armed);
    ((KnSpare *) mem)->next = kn_spare_lists[c];
    kn_spare_lists[c] = mem;
    kn_spare_counts[c]++;
}
