/* sha256.c -- SHA-256 of sha256.h: FIPS 180-4, section 6.2, with the
 * x86 SHA extensions' compression where the processor has them. */

#include <config.h>
#include "sim/sha256.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86_SHA 1
#endif

/* The first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes (section 4.2.2). */
static const guint32 K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline guint32
rotr(guint32 x, guint n)
{
    return x >> n | x << (32 - n);
}

static inline guint32
load_be32(const guint8 *p)
{
    return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* Section 6.2.2 for each of the 'n' 64-byte blocks at 'data'. */
static void
compress_portable(guint32 state[8], const guint8 *data, gsize n)
{
    for (; n > 0; n--, data += 64) {
        guint32 w[64];
        guint32 a = state[0], b = state[1], c = state[2], d = state[3];
        guint32 e = state[4], f = state[5], g = state[6], h = state[7];

        for (guint t = 0; t < 16; t++)
            w[t] = load_be32(data + 4 * t);
        for (guint t = 16; t < 64; t++) {
            guint32 s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ w[t - 15] >> 3;
            guint32 s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ w[t - 2] >> 10;

            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        for (guint t = 0; t < 64; t++) {
            guint32 t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            guint32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

#ifdef HAVE_X86_SHA
/* The same with SHA256RNDS2 (two rounds), SHA256MSG1 and SHA256MSG2 (the
 * message schedule, four words at a time).  The instructions keep the
 * working variables as two vectors, ABEF and CDGH. */
__attribute__((target("sha,sse4.1"))) static void
compress_x86(guint32 state[8], const guint8 *data, gsize n)
{
    const __m128i be = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i dcba = _mm_loadu_si128((const __m128i *) &state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *) &state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

    for (; n > 0; n--, data += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i w[4];            /* the schedule's last 16 words, four to a vector */

        for (guint i = 0; i < 4; i++)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (data + 16 * i)), be);
        for (guint i = 0; i < 16; i++) {
            __m128i wk = _mm_add_epi32(w[i & 3], _mm_loadu_si128((const __m128i *) &K[4 * i]));

            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
            if (i < 12) {
                /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] for the
                 * four words after w[(i+3)&3], into w[i&3], done with. */
                __m128i s = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);

                s = _mm_add_epi32(s, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
                w[i & 3] = _mm_sha256msg2_epu32(s, w[(i + 3) & 3]);
            }
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);

    _mm_storeu_si128((__m128i *) &state[0], _mm_blend_epi16(feba, dchg, 0xf0));
    _mm_storeu_si128((__m128i *) &state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static gboolean
cpu_has_sha(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
}
#endif

static gint use_cpu = -1;        /* -1: not asked yet */

gboolean
kn_sha256_use_cpu(gboolean use)
{
#ifdef HAVE_X86_SHA
    g_atomic_int_set(&use_cpu, use && cpu_has_sha());
#else
    (void) use;
    g_atomic_int_set(&use_cpu, FALSE);
#endif
    return g_atomic_int_get(&use_cpu);
}

static void
compress(guint32 state[8], const guint8 *data, gsize n)
{
    gint cpu = g_atomic_int_get(&use_cpu);

    if (G_UNLIKELY(cpu < 0))
        cpu = kn_sha256_use_cpu(TRUE);
#ifdef HAVE_X86_SHA
    if (cpu) {
        compress_x86(state, data, n);
        return;
    }
#endif
    compress_portable(state, data, n);
}

void
kn_sha256_init(KnSha256 *sha)
{
    /* Section 5.3.3: the fractional parts of the square roots of the first
     * eight primes. */
    static const guint32 h0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };

    memcpy(sha->state, h0, sizeof h0);
    sha->n_block = 0;
    sha->length = 0;
}

void
kn_sha256_update(KnSha256 *sha, const void *data, gsize length)
{
    const guint8 *p = data;

    sha->length += length;
    if (sha->n_block > 0) {
        gsize take = MIN(length, 64 - sha->n_block);

        memcpy(sha->block + sha->n_block, p, take);
        sha->n_block += take;
        p += take;
        length -= take;
        if (sha->n_block < 64)
            return;
        compress(sha->state, sha->block, 1);
        sha->n_block = 0;
    }
    if (length >= 64) {
        compress(sha->state, p, length / 64);
        p += length / 64 * 64;
        length %= 64;
    }
    if (length > 0)
        memcpy(sha->block, p, length);
    sha->n_block = length;
}

void
kn_sha256_final(KnSha256 *sha, guint8 digest[KN_SHA256_DIGEST])
{
    guint64 bits = sha->length * 8;

    /* Section 5.1.1: a 1 bit, zeros, and the length in bits, to a whole
     * number of blocks. */
    sha->block[sha->n_block++] = 0x80;
    if (sha->n_block > 56) {
        memset(sha->block + sha->n_block, 0, 64 - sha->n_block);
        compress(sha->state, sha->block, 1);
        sha->n_block = 0;
    }
    memset(sha->block + sha->n_block, 0, 56 - sha->n_block);
    for (guint i = 0; i < 8; i++)
        sha->block[56 + i] = (guint8) (bits >> (56 - 8 * i));
    compress(sha->state, sha->block, 1);
    for (guint i = 0; i < 8; i++) {
        digest[4 * i] = (guint8) (sha->state[i] >> 24);
        digest[4 * i + 1] = (guint8) (sha->state[i] >> 16);
        digest[4 * i + 2] = (guint8) (sha->state[i] >> 8);
        digest[4 * i + 3] = (guint8) sha->state[i];
    }
}

char *
kn_sha256_base32(const guint8 digest[KN_SHA256_DIGEST], guint n_chars, char *buf)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    g_return_val_if_fail(n_chars <= 51, NULL);
    /* 5 bits at a time, most significant first. */
    for (guint i = 0; i < n_chars; i++) {
        guint bit = i * 5, byte = bit / 8, shift = bit % 8;
        guint word = (guint) digest[byte] << 8 | (byte + 1 < KN_SHA256_DIGEST ? digest[byte + 1] : 0);

        buf[i] = alphabet[(word >> (11 - shift)) & 0x1f];
    }
    buf[n_chars] = '\0';
    return buf;
}
