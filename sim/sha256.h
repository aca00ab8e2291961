/* sha256.h -- SHA-256 (FIPS 180-4), for the hashes kube-proxy names its
 * chains with.  GLib's GChecksum gives the same digests; this one is
 * several times faster (the processor's SHA instructions where it has
 * them), which matters to a sync that names 150,000 endpoint chains. */
#pragma once

#include <glib.h>

#define KN_SHA256_DIGEST 32

typedef struct KnSha256 {
    guint32 state[8];
    guint8 block[64];            /* the input not yet compressed */
    guint n_block;               /* bytes in 'block' */
    guint64 length;              /* bytes of input so far */
} KnSha256;

void kn_sha256_init(KnSha256 *sha);
void kn_sha256_update(KnSha256 *sha, const void *data, gsize length);
/* Writes the digest of everything given since kn_sha256_init(); 'sha' is
 * spent (init it again to reuse it). */
void kn_sha256_final(KnSha256 *sha, guint8 digest[KN_SHA256_DIGEST]);

/* The first 'n_chars' (at most 51) characters of base32.StdEncoding of
 * 'digest', NUL-terminated in 'buf' (n_chars + 1 bytes): the way kube-proxy
 * names its chains.  Returns 'buf'. */
char *kn_sha256_base32(const guint8 digest[KN_SHA256_DIGEST], guint n_chars, char *buf);

/* Whether the processor's SHA instructions do the work; FALSE turns them
 * off, TRUE back on where the processor has them (for the tests, which
 * check both ways against each other).  Returns whether they are on. */
gboolean kn_sha256_use_cpu(gboolean use);
