/* rng.h -- named, seeded random streams.  Each component draws from its own
 * stream ("scheduler", "endpoint-pick/node-1", ...), derived from the
 * scenario seed and the stream's name alone, so adding a component or a
 * draw in one place never changes the numbers another stream produces.
 * The generator is xoshiro256** (Blackman and Vigna, 2018), seeded through
 * splitmix64 as its authors recommend. */
#pragma once

#include <glib.h>

typedef struct KnRng {
    guint64 s[4];                /* xoshiro256** state; never all zero */
} KnRng;

/* Seeds 'rng' for the stream called 'name' of a run seeded with 'seed'. */
void kn_rng_init(KnRng *rng, guint64 seed, const char *name);

/* The next 64 random bits. */
static inline guint64
kn_rng_next(KnRng *rng)
{
    guint64 *s = rng->s;
    guint64 x = s[1] * 5;
    guint64 result = ((x << 7) | (x >> 57)) * 9;
    guint64 t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* A double uniform in [0, 1), with 53 random bits. */
static inline double
kn_rng_uniform(KnRng *rng)
{
    return (double) (kn_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* An integer uniform in [0, 'bound'), without modulo bias; 'bound' > 0. */
guint64 kn_rng_below(KnRng *rng, guint64 bound);

/* A draw from the exponential distribution with the given 'mean'. */
double kn_rng_exponential(KnRng *rng, double mean);
