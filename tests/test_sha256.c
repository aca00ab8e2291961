/* test_sha256.c -- SHA-256: the FIPS 180-4 examples, and agreement with
 * GLib's GChecksum for every length across the block boundaries, fed
 * whole and in pieces, with and without the processor's instructions. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include "sim/rng.h"
#include "sim/sha256.h"

static char *
hex_of(const guint8 digest[KN_SHA256_DIGEST])
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < KN_SHA256_DIGEST; i++)
        g_string_append_printf(out, "%02x", digest[i]);
    return g_string_free(out, FALSE);
}

static char *
sha256_hex(const void *data, gsize length, gsize piece)
{
    guint8 digest[KN_SHA256_DIGEST];
    KnSha256 sha;

    kn_sha256_init(&sha);
    for (gsize at = 0; at < length; at += piece)
        kn_sha256_update(&sha, (const guint8 *) data + at, MIN(piece, length - at));
    kn_sha256_final(&sha, digest);
    return hex_of(digest);
}

/* The examples of FIPS 180-4's companion (NIST CSRC "SHA256.pdf",
 * "SHA2_Additional.pdf"): one block, two blocks, a million 'a's. */
static void
check_examples(void)
{
    static const struct {
        const char *text;
        const char *digest;
    } cases[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };
    g_autofree char *million = g_malloc(1000000);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *whole = sha256_hex(cases[i].text, strlen(cases[i].text), 64);

        assert_string_equal(whole, cases[i].digest);
    }
    memset(million, 'a', 1000000);
    for (gsize piece = 1; piece <= 1000000; piece *= 1000) {
        g_autofree char *got = sha256_hex(million, 1000000, piece);

        assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
}

/* Every length from 0 to 300 bytes (0 to 4 blocks and each padding
 * case), random bytes, whole and in pieces of 1, 7 and 63. */
static void
check_against_gchecksum(void)
{
    guint8 data[300];
    KnRng rng;

    kn_rng_init(&rng, 1, "sha256");
    for (gsize i = 0; i < sizeof data; i++)
        data[i] = (guint8) kn_rng_next(&rng);
    for (gsize length = 0; length <= sizeof data; length++) {
        g_autofree char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, length);
        static const gsize pieces[] = { 300, 1, 7, 63 };

        for (guint p = 0; p < G_N_ELEMENTS(pieces); p++) {
            g_autofree char *got = sha256_hex(data, length, pieces[p]);

            assert_string_equal(got, want);
        }
    }
}

static void
test_sha256_portable_matches_the_standard(void **state)
{
    (void) state;
    assert_false(kn_sha256_use_cpu(FALSE));
    check_examples();
    check_against_gchecksum();
    kn_sha256_use_cpu(TRUE);
}

/* Where the processor has no SHA instructions this checks the portable
 * code again; the test says which it ran. */
static void
test_sha256_cpu_matches_the_standard(void **state)
{
    (void) state;
    if (!kn_sha256_use_cpu(TRUE))
        print_message("no SHA instructions here: the portable code again\n");
    check_examples();
    check_against_gchecksum();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_portable_matches_the_standard),
        cmocka_unit_test(test_sha256_cpu_matches_the_standard),
    };
    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
