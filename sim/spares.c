/* spares.c -- per-thread free lists of small blocks (spares.h). */
#include <config.h>
#include "sim/spares.h"

#include <string.h>

#define CLASS_BYTES 16
#define N_CLASSES 16                     /* blocks of up to 256 bytes */
#define MAX_KEPT 4096                    /* per class and thread */

typedef struct Spare {
    struct Spare *next;
} Spare;

static __thread Spare *lists[N_CLASSES];
static __thread guint counts[N_CLASSES];
static __thread gboolean armed;

static void
release(gpointer unused)
{
    (void) unused;
    for (guint c = 0; c < N_CLASSES; c++) {
        while (lists[c] != NULL) {
            Spare *next = lists[c]->next;

            g_free(lists[c]);
            lists[c] = next;
        }
        counts[c] = 0;
    }
}

static GPrivate exit_release = G_PRIVATE_INIT(release);

/* The class of 'size' bytes; N_CLASSES if it has none. */
static inline guint
class_of(gsize size)
{
    return size == 0 || size > N_CLASSES * CLASS_BYTES ? N_CLASSES : (guint) ((size - 1) / CLASS_BYTES);
}

gpointer
kn_spare_alloc0(gsize size)
{
    guint c = class_of(size);
    Spare *spare;

    if (c == N_CLASSES)
        return g_malloc0(size);
    spare = lists[c];
    if (spare == NULL)
        return g_malloc0((c + 1) * CLASS_BYTES);     /* any size of its class may reuse it */
    lists[c] = spare->next;
    counts[c]--;
    memset(spare, 0, size);
    return spare;
}

void
kn_spare_free(gpointer mem, gsize size)
{
    guint c = class_of(size);

    if (mem == NULL)
        return;
    if (c == N_CLASSES || counts[c] == MAX_KEPT) {
        g_free(mem);
        return;
    }
    kn_spares_arm(&exit_release, &armed);
    ((Spare *) mem)->next = lists[c];
    lists[c] = mem;
    counts[c]++;
}
