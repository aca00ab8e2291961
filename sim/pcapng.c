/* pcapng.c -- the pcapng writer of pcapng.h.
 *
 * Blocks follow draft-ietf-opsawg-pcapng (sections 3 and 4): a block is
 * type, total length, body, options, then the total length again; every
 * block and option value is padded to 32 bits.  Options end with
 * opt_endofopt.  The section length is -1 ("not given"), as live captures
 * write it. */

#include <config.h>
#include "sim/pcapng.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define BLOCK_SHB 0x0a0d0d0au
#define BLOCK_IDB 0x00000001u
#define BLOCK_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1a2b3c4du

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9

#define LINKTYPE_ETHERNET 1
#define TSRESOL_NANOSECONDS 9     /* 10^-9 s */

struct KnPcapng {
    char *path;                  /* for messages; owned */
    FILE *file;                  /* NULL once closed */
    GByteArray *block;           /* the block being built, reused */
    GByteArray *frame;           /* the packet's bytes, reused */
    guint n_interfaces;          /* IDBs written */
    guint64 n_packets;           /* EPBs written */
    GError *error;               /* the first failure, or NULL; owned */
};

/*****************************************************************************
 * Building blocks, little-endian.
 */

static void
put16(GByteArray *out, guint16 value)
{
    guint8 bytes[2] = { value & 0xff, value >> 8 };

    g_byte_array_append(out, bytes, 2);
}

static void
put32(GByteArray *out, guint32 value)
{
    guint8 bytes[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24 };

    g_byte_array_append(out, bytes, 4);
}

static void
pad32(GByteArray *out)
{
    static const guint8 zeros[3];

    if (out->len % 4 != 0)
        g_byte_array_append(out, zeros, 4 - out->len % 4);
}

/* Appends an option with 'length' bytes of 'value', padded. */
static void
put_option(GByteArray *out, guint16 code, const void *value, gsize length)
{
    g_assert(length <= G_MAXUINT16);
    put16(out, code);
    put16(out, length);
    g_byte_array_append(out, value, length);
    pad32(out);
}

static void
put_string_option(GByteArray *out, guint16 code, const char *text)
{
    if (text != NULL && text[0] != '\0')
        put_option(out, code, text, MIN(strlen(text), G_MAXUINT16));
}

static void
begin_block(GByteArray *block, guint32 type)
{
    g_byte_array_set_size(block, 0);
    put32(block, type);
    put32(block, 0);                     /* total length, set by end_block() */
}

/* Ends the options that 'have_options' says were written, sets the total
 * length and writes the block out. */
static void
end_block(KnPcapng *writer, gboolean have_options)
{
    GByteArray *block = writer->block;
    guint32 length;

    if (have_options) {
        put16(block, OPT_ENDOFOPT);
        put16(block, 0);
    }
    length = block->len + 4;
    g_assert(length % 4 == 0);
    put32(block, length);
    block->data[4] = length & 0xff;
    block->data[5] = (length >> 8) & 0xff;
    block->data[6] = (length >> 16) & 0xff;
    block->data[7] = length >> 24;

    if (writer->file == NULL || writer->error != NULL)
        return;
    if (fwrite(block->data, 1, block->len, writer->file) != block->len) {
        int saved = errno;

        g_set_error(&writer->error, G_FILE_ERROR, g_file_error_from_errno(saved),
                    "%s: %s", writer->path, g_strerror(saved));
    }
}

/*****************************************************************************/

KnPcapng *
kn_pcapng_new(const char *path, GError **error)
{
    g_autofree char *userappl = g_strdup_printf("knetsim %s", PACKAGE_VERSION);
    KnPcapng *writer;
    FILE *file;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    file = fopen(path, "wb");
    if (file == NULL) {
        int saved = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                    "%s: %s", path, g_strerror(saved));
        return NULL;
    }
    writer = g_new0(KnPcapng, 1);
    writer->path = g_strdup(path);
    writer->file = file;
    writer->block = g_byte_array_new();
    writer->frame = g_byte_array_new();

    begin_block(writer->block, BLOCK_SHB);
    put32(writer->block, BYTE_ORDER_MAGIC);
    put16(writer->block, 1);             /* major version */
    put16(writer->block, 0);             /* minor version */
    put32(writer->block, 0xffffffffu);   /* section length: not given */
    put32(writer->block, 0xffffffffu);
    put_string_option(writer->block, OPT_SHB_USERAPPL, userappl);
    end_block(writer, TRUE);
    return writer;
}

guint
kn_pcapng_add_interface(KnPcapng *writer, const char *name)
{
    static const guint8 tsresol = TSRESOL_NANOSECONDS;

    g_return_val_if_fail(writer != NULL, 0);
    g_return_val_if_fail(name != NULL, 0);

    begin_block(writer->block, BLOCK_IDB);
    put16(writer->block, LINKTYPE_ETHERNET);
    put16(writer->block, 0);             /* reserved */
    put32(writer->block, KN_PCAPNG_SNAPLEN);
    put_string_option(writer->block, OPT_IF_NAME, name);
    put_option(writer->block, OPT_IF_TSRESOL, &tsresol, 1);
    end_block(writer, TRUE);
    return writer->n_interfaces++;
}

void
kn_pcapng_write(KnPcapng *writer, guint interface, KnTime time,
                const KnPacket *packet, const char *comment)
{
    guint captured;
    gboolean have_comment = comment != NULL && comment[0] != '\0';

    g_return_if_fail(writer != NULL);
    g_return_if_fail(interface < writer->n_interfaces);
    g_return_if_fail(packet != NULL);

    if (writer->file == NULL)
        return;
    g_byte_array_set_size(writer->frame, 0);
    kn_packet_serialize(packet, writer->frame);
    captured = MIN(writer->frame->len, KN_PCAPNG_SNAPLEN);

    begin_block(writer->block, BLOCK_EPB);
    put32(writer->block, interface);
    put32(writer->block, time >> 32);
    put32(writer->block, time & 0xffffffffu);
    put32(writer->block, captured);
    put32(writer->block, writer->frame->len);
    g_byte_array_append(writer->block, writer->frame->data, captured);
    pad32(writer->block);
    if (have_comment)
        put_string_option(writer->block, OPT_COMMENT, comment);
    end_block(writer, have_comment);
    writer->n_packets++;
}

guint64
kn_pcapng_n_packets(const KnPcapng *writer)
{
    g_return_val_if_fail(writer != NULL, 0);

    return writer->n_packets;
}

gboolean
kn_pcapng_close(KnPcapng *writer, GError **error)
{
    g_return_val_if_fail(writer != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (writer->file != NULL) {
        if (fclose(writer->file) != 0 && writer->error == NULL) {
            int saved = errno;

            g_set_error(&writer->error, G_FILE_ERROR, g_file_error_from_errno(saved),
                        "%s: %s", writer->path, g_strerror(saved));
        }
        writer->file = NULL;
    }
    if (writer->error != NULL) {
        g_propagate_error(error, g_steal_pointer(&writer->error));
        return FALSE;
    }
    return TRUE;
}

void
kn_pcapng_free(KnPcapng *writer)
{
    g_autoptr(GError) error = NULL;

    if (writer == NULL)
        return;
    if (writer->file != NULL && !kn_pcapng_close(writer, &error))
        g_warning("%s", error->message);
    g_clear_error(&writer->error);
    g_byte_array_unref(writer->block);
    g_byte_array_unref(writer->frame);
    g_free(writer->path);
    g_free(writer);
}
