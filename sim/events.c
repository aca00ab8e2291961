/* events.c -- the JSON Lines event log of events.h.
 *
 * Each record becomes a JsonNode through a JsonBuilder and a line through a
 * compact JsonGenerator, so quoting and escaping are json-glib's.  Members
 * are added in the README's order and json-glib keeps insertion order, so
 * lines are byte-stable. */

#include <config.h>
#include "sim/events.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

struct KnEvents {
    char *path;                  /* for messages; owned */
    FILE *file;                  /* NULL once closed */
    JsonGenerator *generator;    /* compact; owned */
    guint64 n_events;            /* lines written */
    GError *error;               /* the first failure, or NULL; owned */
};

/*****************************************************************************
 * Records as JSON.
 */

static void
add_string(JsonBuilder *builder, const char *name, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return;
    json_builder_set_member_name(builder, name);
    json_builder_add_string_value(builder, value);
}

static void
add_int(JsonBuilder *builder, const char *name, gint64 value)
{
    json_builder_set_member_name(builder, name);
    json_builder_add_int_value(builder, value);
}

static void
add_addr(JsonBuilder *builder, const char *name, const KnAddr *addr)
{
    char buf[KN_ADDR_STRLEN];

    add_string(builder, name, kn_addr_format(addr, buf));
}

static const char *
proto_name(guint8 proto)
{
    switch (proto) {
    case KN_IPPROTO_TCP: return "tcp";
    case KN_IPPROTO_UDP: return "udp";
    case KN_IPPROTO_ICMP: return "icmp";
    case KN_IPPROTO_ICMPV6: return "icmpv6";
    default: return NULL;
    }
}

/* The TCP flags as tcpdump writes them ("S", "S.", "P.", "F.", "R."). */
static void
format_tcp_flags(guint8 flags, char *buf)
{
    static const struct { guint8 bit; char letter; } letters[] = {
        { KN_TCP_FIN, 'F' }, { KN_TCP_SYN, 'S' }, { KN_TCP_RST, 'R' },
        { KN_TCP_PSH, 'P' }, { KN_TCP_ACK, '.' },
    };
    char *at = buf;

    for (guint i = 0; i < G_N_ELEMENTS(letters); i++)
        if (flags & letters[i].bit)
            *at++ = letters[i].letter;
    *at = '\0';
}

static void
add_packet(JsonBuilder *builder, const KnPacket *packet)
{
    g_autofree char *summary = kn_packet_summary(packet);
    const char *proto = proto_name(packet->proto);
    char flags[8];

    json_builder_set_member_name(builder, "packet");
    json_builder_begin_object(builder);
    add_addr(builder, "src", &packet->src);
    add_addr(builder, "dst", &packet->dst);
    if (proto != NULL)
        add_string(builder, "proto", proto);
    else
        add_int(builder, "proto", packet->proto);
    switch (packet->proto) {
    case KN_IPPROTO_TCP:
        add_int(builder, "sport", packet->sport);
        add_int(builder, "dport", packet->dport);
        format_tcp_flags(packet->tcp_flags, flags);
        add_string(builder, "flags", flags);
        add_int(builder, "seq", packet->seq);
        if (packet->tcp_flags & KN_TCP_ACK)
            add_int(builder, "ack", packet->ack);
        break;
    case KN_IPPROTO_UDP:
        add_int(builder, "sport", packet->sport);
        add_int(builder, "dport", packet->dport);
        break;
    case KN_IPPROTO_ICMP:
    case KN_IPPROTO_ICMPV6:
        add_int(builder, "icmp_type", packet->icmp_type);
        add_int(builder, "icmp_code", packet->icmp_code);
        break;
    default:
        break;
    }
    add_int(builder, "length", kn_packet_ip_length(packet));
    add_int(builder, "ttl", packet->ttl);
    if (packet->mark != 0)
        add_int(builder, "mark", packet->mark);
    if (packet->outer != NULL) {
        const KnEncap *outer = packet->outer;

        json_builder_set_member_name(builder, "encap");
        json_builder_begin_object(builder);
        add_string(builder, "type", outer->geneve ? "geneve" : "vxlan");
        add_addr(builder, "src", &outer->src);
        add_addr(builder, "dst", &outer->dst);
        add_int(builder, "vni", outer->vni);
        json_builder_end_object(builder);
    }
    add_string(builder, "summary", summary);
    json_builder_end_object(builder);
}

/* The root node for 'record'; new. */
static JsonNode *
record_node(const KnEventRecord *record)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autofree char *seconds = g_strdup_printf("%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT,
                                               record->time / KN_SEC, record->time % KN_SEC);

    json_builder_begin_object(builder);
    /* JSON numbers are exact in common readers up to 2^53 ns (104 days). */
    add_int(builder, "t_ns", (gint64) MIN(record->time, (KnTime) G_MAXINT64));
    add_string(builder, "time", seconds);
    add_string(builder, "kind", record->kind);
    add_string(builder, "node", record->node);
    add_string(builder, "namespace", record->namespace);
    add_string(builder, "pod", record->pod);
    add_string(builder, "interface", record->interface);
    if (record->packet != NULL)
        add_packet(builder, record->packet);
    add_string(builder, "verdict", record->verdict);
    add_string(builder, "rule", record->rule);
    add_string(builder, "detail", record->detail);
    json_builder_end_object(builder);
    return json_builder_get_root(builder);
}

char *
kn_events_format(const KnEventRecord *record)
{
    g_autoptr(JsonGenerator) generator = NULL;
    g_autoptr(JsonNode) root = NULL;

    g_return_val_if_fail(record != NULL, NULL);
    g_return_val_if_fail(record->kind != NULL, NULL);

    root = record_node(record);
    generator = json_generator_new();
    json_generator_set_root(generator, root);
    return json_generator_to_data(generator, NULL);
}

/*****************************************************************************
 * The file.
 */

static void
set_errno_error(GError **error, const char *path, int saved)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path,
                g_strerror(saved));
}

KnEvents *
kn_events_new(const char *path, GError **error)
{
    KnEvents *events;
    FILE *file;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    file = fopen(path, "w");
    if (file == NULL) {
        set_errno_error(error, path, errno);
        return NULL;
    }
    events = g_new0(KnEvents, 1);
    events->path = g_strdup(path);
    events->file = file;
    events->generator = json_generator_new();
    return events;
}

void
kn_events_write(KnEvents *events, const KnEventRecord *record)
{
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *line = NULL;
    gsize length;

    g_return_if_fail(events != NULL);
    g_return_if_fail(record != NULL);
    g_return_if_fail(record->kind != NULL);

    if (events->file == NULL)
        return;
    root = record_node(record);
    json_generator_set_root(events->generator, root);
    line = json_generator_to_data(events->generator, &length);
    events->n_events++;
    if (events->error != NULL)
        return;
    if (fwrite(line, 1, length, events->file) != length || fputc('\n', events->file) == EOF)
        set_errno_error(&events->error, events->path, errno);
}

guint64
kn_events_n_events(const KnEvents *events)
{
    g_return_val_if_fail(events != NULL, 0);

    return events->n_events;
}

gboolean
kn_events_close(KnEvents *events, GError **error)
{
    g_return_val_if_fail(events != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (events->file != NULL) {
        if (fclose(events->file) != 0 && events->error == NULL)
            set_errno_error(&events->error, events->path, errno);
        events->file = NULL;
    }
    if (events->error != NULL) {
        g_propagate_error(error, g_steal_pointer(&events->error));
        return FALSE;
    }
    return TRUE;
}

void
kn_events_free(KnEvents *events)
{
    g_autoptr(GError) error = NULL;

    if (events == NULL)
        return;
    if (events->file != NULL && !kn_events_close(events, &error))
        g_warning("%s", error->message);
    g_clear_error(&events->error);
    g_clear_object(&events->generator);
    g_free(events->path);
    g_free(events);
}
