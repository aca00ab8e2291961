/* test_pcapng.c -- the pcapng writer, read back block by block: the sample
 * capture of sample_capture.h must come out as a Section Header Block, then
 * Interface Description Blocks before the Enhanced Packet Blocks that use
 * them, every length a multiple of 4, every option where it belongs. */

#include <config.h>
#include "tests/test_util.h"

#include "sim/pcapng.h"
#include "tests/sample_capture.h"

#include <glib/gstdio.h>
#include <string.h>

static guint32
get32(const guint8 *at)
{
    return (guint32) at[0] | (guint32) at[1] << 8 | (guint32) at[2] << 16 | (guint32) at[3] << 24;
}

static guint16
get16(const guint8 *at)
{
    return at[0] | at[1] << 8;
}

/* A temporary file name, and the directory it lives in. */
typedef struct Scratch {
    char *dir;
    char *path;
} Scratch;

static int
setup_scratch(void **state)
{
    Scratch *scratch = g_new0(Scratch, 1);

    scratch->dir = g_dir_make_tmp("test_pcapng-XXXXXX", NULL);
    assert_non_null(scratch->dir);
    scratch->path = g_build_filename(scratch->dir, "capture.pcapng", NULL);
    *state = scratch;
    return 0;
}

static int
teardown_scratch(void **state)
{
    Scratch *scratch = *state;

    g_unlink(scratch->path);
    g_rmdir(scratch->dir);
    g_free(scratch->path);
    g_free(scratch->dir);
    g_free(scratch);
    return 0;
}

/* The options of a block, from 'at' to 'end': code -> value (a GBytes);
 * checks the padding and that opt_endofopt closes the list. */
static GHashTable *
parse_options(const guint8 *at, const guint8 *end)
{
    GHashTable *options = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                (GDestroyNotify) g_bytes_unref);

    while (at < end) {
        guint16 code = get16(at);
        guint16 length = get16(at + 2);

        if (code == 0) {
            assert_int_equal(length, 0);
            assert_ptr_equal(at + 4, end);
            return options;
        }
        assert_true(at + 4 + length <= end);
        g_hash_table_insert(options, GUINT_TO_POINTER(code), g_bytes_new(at + 4, length));
        at += 4 + ((length + 3) & ~3u);
    }
    fail_msg("options without opt_endofopt");
    return options;
}

static void
assert_option_string(GHashTable *options, guint code, const char *want)
{
    GBytes *value = g_hash_table_lookup(options, GUINT_TO_POINTER(code));
    gsize size;
    const char *data;

    assert_non_null(value);
    data = g_bytes_get_data(value, &size);
    assert_int_equal(size, strlen(want));
    assert_memory_equal(data, want, size);
}

/*****************************************************************************/

static void
test_pcapng_sample_parses_back_block_by_block(void **state)
{
    Scratch *scratch = *state;
    g_autoptr(GPtrArray) frames = sample_capture_frames();
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *data = NULL;
    g_autofree char *userappl = g_strdup_printf("knetsim %s", PACKAGE_VERSION);
    KnPcapng *writer;
    gsize size;
    guint n_blocks = 0, n_interfaces = 0, n_packets = 0;
    const guint8 *at;

    writer = kn_pcapng_new(scratch->path, &error);
    assert_non_null(writer);
    sample_capture_write(writer, frames);
    assert_int_equal(kn_pcapng_n_packets(writer), frames->len);
    assert_true(kn_pcapng_close(writer, &error));
    kn_pcapng_free(writer);

    assert_true(g_file_get_contents(scratch->path, (char **) &data, &size, &error));
    assert_int_equal(size % 4, 0);
    for (at = data; at < data + size; n_blocks++) {
        guint32 type = get32(at);
        guint32 length = get32(at + 4);
        const guint8 *end = at + length - 4;
        g_autoptr(GHashTable) options = NULL;

        assert_true(length >= 12);
        assert_int_equal(length % 4, 0);
        assert_true(at + length <= data + size);
        assert_int_equal(get32(end), length);           /* the trailer repeats it */

        if (n_blocks == 0) {
            /* The Section Header Block, little-endian, version 1.0. */
            assert_int_equal(type, 0x0a0d0d0a);
            assert_int_equal(get32(at + 8), 0x1a2b3c4d);
            assert_int_equal(get16(at + 12), 1);
            assert_int_equal(get16(at + 14), 0);
            assert_int_equal(get32(at + 16), 0xffffffff);
            assert_int_equal(get32(at + 20), 0xffffffff);
            options = parse_options(at + 24, end);
            assert_option_string(options, 4, userappl);
        } else if (type == 1) {
            /* An Interface Description Block: Ethernet, snaplen, name, ns. */
            GBytes *tsresol;

            assert_int_equal(get16(at + 8), 1);
            assert_int_equal(get16(at + 10), 0);
            assert_int_equal(get32(at + 12), KN_PCAPNG_SNAPLEN);
            options = parse_options(at + 16, end);
            assert_option_string(options, 2, sample_capture_interfaces[n_interfaces]);
            tsresol = g_hash_table_lookup(options, GUINT_TO_POINTER(9));
            assert_non_null(tsresol);
            assert_int_equal(g_bytes_get_size(tsresol), 1);
            assert_int_equal(((const guint8 *) g_bytes_get_data(tsresol, NULL))[0], 9);
            n_interfaces++;
        } else {
            /* An Enhanced Packet Block for the next frame, on an interface
             * described before it. */
            const SampleFrame *frame;
            g_autoptr(GByteArray) bytes = g_byte_array_new();
            guint32 captured = get32(at + 20);
            guint64 timestamp = (guint64) get32(at + 12) << 32 | get32(at + 16);

            assert_int_equal(type, 6);
            assert_true(n_packets < frames->len);
            frame = g_ptr_array_index(frames, n_packets);
            kn_packet_serialize(frame->packet, bytes);
            assert_int_equal(get32(at + 8), frame->interface);
            assert_true(get32(at + 8) < n_interfaces);
            assert_int_equal(timestamp, frame->time);
            assert_int_equal(captured, bytes->len);
            assert_int_equal(get32(at + 24), bytes->len);
            assert_memory_equal(at + 28, bytes->data, captured);
            options = parse_options(at + 28 + ((captured + 3) & ~3u), end);
            assert_option_string(options, 1, frame->comment);
            n_packets++;
        }
        at += length;
    }
    assert_ptr_equal(at, data + size);
    assert_int_equal(n_interfaces, g_strv_length((char **) sample_capture_interfaces));
    assert_int_equal(n_packets, frames->len);
}

static void
test_pcapng_same_packets_give_the_same_bytes(void **state)
{
    Scratch *scratch = *state;
    g_autoptr(GPtrArray) frames = sample_capture_frames();
    g_autofree char *second = g_build_filename(scratch->dir, "second.pcapng", NULL);
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    gsize a_size, b_size;

    for (guint i = 0; i < 2; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(KnPcapng) writer = kn_pcapng_new(i == 0 ? scratch->path : second, &error);

        assert_non_null(writer);
        sample_capture_write(writer, frames);
    }                                     /* kn_pcapng_free() flushes */
    assert_true(g_file_get_contents(scratch->path, &a, &a_size, NULL));
    assert_true(g_file_get_contents(second, &b, &b_size, NULL));
    g_unlink(second);
    assert_int_equal(a_size, b_size);
    assert_memory_equal(a, b, a_size);
}

static void
test_pcapng_packet_without_comment_has_no_options(void **state)
{
    Scratch *scratch = *state;
    g_autoptr(GError) error = NULL;
    g_autoptr(KnPcapng) writer = kn_pcapng_new(scratch->path, &error);
    g_autoptr(KnPacket) packet = kn_packet_new();
    g_autofree guint8 *data = NULL;
    const guint8 *epb;
    gsize size;

    assert_non_null(writer);
    assert_true(kn_addr_parse("10.0.0.1", &packet->src));
    assert_true(kn_addr_parse("10.0.0.2", &packet->dst));
    packet->proto = KN_IPPROTO_UDP;
    packet->payload_len = 3;             /* a 45-byte frame, padded to 48 */
    assert_int_equal(kn_pcapng_add_interface(writer, "node/eth0"), 0);
    assert_int_equal(kn_pcapng_add_interface(writer, "pod/eth0"), 1);
    kn_pcapng_write(writer, 1, 5 * KN_SEC + 7, packet, NULL);
    assert_true(kn_pcapng_close(writer, &error));

    assert_true(g_file_get_contents(scratch->path, (char **) &data, &size, NULL));
    epb = data + size - (28 + 48 + 4);
    assert_int_equal(get32(epb), 6);
    assert_int_equal(get32(epb + 4), 28 + 48 + 4);
    assert_int_equal(get32(epb + 8), 1);
    assert_int_equal(get32(epb + 12), 1);                   /* 5 s + 7 ns, high word */
    assert_int_equal(get32(epb + 16), (guint32) (5 * KN_SEC + 7));
    assert_int_equal(get32(epb + 20), 45);
}

static void
test_pcapng_unwritable_path_is_a_file_error(void **state)
{
    Scratch *scratch = *state;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(scratch->dir, "missing", "x.pcapng", NULL);
    KnPcapng *writer = kn_pcapng_new(path, &error);

    assert_null(writer);
    assert_non_null(error);
    assert_int_equal(error->domain, G_FILE_ERROR);
    assert_int_equal(error->code, G_FILE_ERROR_NOENT);
    assert_non_null(strstr(error->message, path));
    kn_pcapng_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pcapng_sample_parses_back_block_by_block,
                                        setup_scratch, teardown_scratch),
        cmocka_unit_test_setup_teardown(test_pcapng_same_packets_give_the_same_bytes,
                                        setup_scratch, teardown_scratch),
        cmocka_unit_test_setup_teardown(test_pcapng_packet_without_comment_has_no_options,
                                        setup_scratch, teardown_scratch),
        cmocka_unit_test_setup_teardown(test_pcapng_unwritable_path_is_a_file_error,
                                        setup_scratch, teardown_scratch),
    };
    return cmocka_run_group_tests_name("pcapng", tests, NULL, NULL);
}
