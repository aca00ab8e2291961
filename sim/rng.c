/* rng.c -- stream seeding and derived distributions for rng.h. */

#include <config.h>
#include "sim/rng.h"

#include <math.h>

/* splitmix64 (Steele, Lea and Flood, 2014): one step of a 64-bit counter
 * through a strong mixer.  Used to spread a seed over xoshiro's state. */
static guint64
splitmix64(guint64 *x)
{
    guint64 z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a, 64-bit: the stream name's contribution to its seed. */
static guint64
fnv1a64(const char *name)
{
    guint64 h = 0xcbf29ce484222325ULL;

    for (const guchar *p = (const guchar *) name; *p != '\0'; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void zig_ready(void);

void
kn_rng_init(KnRng *rng, guint64 seed, const char *name)
{
    g_return_if_fail(rng != NULL);
    g_return_if_fail(name != NULL);

    zig_ready();

    /* Mix the seed first, so that nearby seeds and names that hash close
     * together still start far apart, then walk splitmix64 from there. */
    guint64 x = seed;
    guint64 state = splitmix64(&x) ^ fnv1a64(name);

    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&state);
    /* splitmix64 is a bijection of its counter, so four consecutive outputs
     * cannot all be zero; xoshiro's one forbidden state is unreachable. */
}

guint64
kn_rng_below(KnRng *rng, guint64 bound)
{
    g_return_val_if_fail(bound > 0, 0);

    /* Lemire's multiply-and-reject (ACM TOMACS 2019). */
    guint64 x = kn_rng_next(rng);
    unsigned __int128 m = (unsigned __int128) x * bound;
    guint64 low = (guint64) m;

    if (low < bound) {
        guint64 threshold = -bound % bound;

        while (low < threshold) {
            x = kn_rng_next(rng);
            m = (unsigned __int128) x * bound;
            low = (guint64) m;
        }
    }
    return (guint64) (m >> 64);
}

/*****************************************************************************/

/* The exponential distribution by Marsaglia and Tsang's ziggurat ("The
 * Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8),
 * 2000), in 256 layers of equal area under exp(-x).  Nearly every draw is
 * one table look-up and one multiply; a rare one falls in a wedge or in the
 * tail and pays for an exp() or a log().  One 64-bit draw gives the layer
 * (its low 8 bits) and the position inside it (the top 53 bits), so the two
 * are independent, unlike the 2000 paper's 32-bit version. */

#define ZIG_LAYERS 256
#define ZIG_R 7.697117470131487          /* where the tail starts */
#define ZIG_V 3.949659822581572e-3       /* area of each layer */
#define ZIG_SCALE 0x1.0p53               /* the 53-bit position's range */

static struct {
    guint64 k[ZIG_LAYERS];               /* position below which a draw is inside the layer's box */
    double w[ZIG_LAYERS];                /* position to x */
    double f[ZIG_LAYERS];                /* exp(-x) at the layer's edge */
} zig;

static void
zig_init(void)
{
    double x = ZIG_R, prev = ZIG_R;
    double q = ZIG_V / exp(-x);

    zig.k[0] = (guint64) ((x / q) * ZIG_SCALE);
    zig.k[1] = 0;
    zig.w[0] = q / ZIG_SCALE;
    zig.w[ZIG_LAYERS - 1] = x / ZIG_SCALE;
    zig.f[0] = 1.0;
    zig.f[ZIG_LAYERS - 1] = exp(-x);
    for (int i = ZIG_LAYERS - 2; i >= 1; i--) {
        x = -log(ZIG_V / x + exp(-x));
        zig.k[i + 1] = (guint64) ((x / prev) * ZIG_SCALE);
        prev = x;
        zig.f[i] = exp(-x);
        zig.w[i] = x / ZIG_SCALE;
    }
}

/* Makes the tables once.  Every stream's kn_rng_init() asks, so threads
 * that draw from streams made before them find the tables made. */
static void
zig_ready(void)
{
    static gsize ready;

    if (G_UNLIKELY(!g_atomic_pointer_get(&ready)) && g_once_init_enter(&ready)) {
        zig_init();
        g_once_init_leave(&ready, 1);
    }
}

static double
exponential_unit(KnRng *rng)
{
    zig_ready();
    for (;;) {
        guint64 r = kn_rng_next(rng);
        guint i = r & (ZIG_LAYERS - 1);
        guint64 j = r >> 11;
        double x = (double) j * zig.w[i];

        if (G_LIKELY(j < zig.k[i]))
            return x;                    /* inside the layer's box */
        if (i == 0)                      /* the tail: exponential beyond ZIG_R */
            return ZIG_R - log(1.0 - kn_rng_uniform(rng));
        if (zig.f[i] + kn_rng_uniform(rng) * (zig.f[i - 1] - zig.f[i]) < exp(-x))
            return x;                    /* in the wedge, under the curve */
    }
}

double
kn_rng_exponential(KnRng *rng, double mean)
{
    return mean * exponential_unit(rng);
}
