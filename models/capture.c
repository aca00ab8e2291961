/* capture.c -- the run's packet trace and event log (capture.h). */

#include <config.h>
#include "models/capture.h"

#include <string.h>
#include "sim/events.h"
#include "sim/pcapng.h"

struct KnCapture {
    KnPcapng *pcap;              /* owned, or NULL */
    KnEvents *events;            /* owned, or NULL */
    GHashTable *interfaces;      /* "node/eth0" -> pcapng interface id + 1 */
    KnTrace *log;                /* streams the data path's notes to 'events' */
    KnNet *net;                  /* fed from, or NULL */
};

/* Splits "NODE/IFACE" into its parts (borrowed from 'buf'). */
static void
split_iface(const char *iface, char *buf, gsize size, const char **owner, const char **name)
{
    char *slash;

    g_strlcpy(buf, iface, size);
    slash = strchr(buf, '/');
    *owner = buf;
    *name = NULL;
    if (slash != NULL) {
        *slash = '\0';
        *name = slash + 1;
    }
}

static void
on_packet(gpointer user_data, KnTime time, const char *iface, const KnPacket *packet,
          const char *comment)
{
    KnCapture *capture = user_data;

    if (capture->pcap != NULL) {
        gpointer id = g_hash_table_lookup(capture->interfaces, iface);

        if (id == NULL) {
            id = GUINT_TO_POINTER(kn_pcapng_add_interface(capture->pcap, iface) + 1);
            g_hash_table_insert(capture->interfaces, g_strdup(iface), id);
        }
        kn_pcapng_write(capture->pcap, GPOINTER_TO_UINT(id) - 1, time, packet, comment);
    }
    if (capture->events != NULL) {
        char buf[256];
        const char *owner, *name;

        split_iface(iface, buf, sizeof buf, &owner, &name);
        KnEventRecord record = { .time = time, .kind = "packet", .node = owner,
                                 .interface = name, .packet = packet, .detail = comment };

        kn_events_write(capture->events, &record);
    }
}

static void
on_note(const KnTraceNote *note, gpointer user_data)
{
    KnCapture *capture = user_data;
    KnEventRecord record = { .time = note->time, .kind = kn_trace_kind_name(note->kind),
                             .node = note->node, .detail = note->text };

    kn_events_write(capture->events, &record);
}

KnCapture *
kn_capture_new(const char *pcap, const char *events, GError **error)
{
    g_autoptr(KnCapture) capture = g_new0(KnCapture, 1);

    capture->interfaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (pcap != NULL && (capture->pcap = kn_pcapng_new(pcap, error)) == NULL)
        return NULL;
    if (events != NULL) {
        if ((capture->events = kn_events_new(events, error)) == NULL)
            return NULL;
        capture->log = kn_trace_new();
        kn_trace_set_sink(capture->log, on_note, capture);
    }
    return g_steal_pointer(&capture);
}

void
kn_capture_attach(KnCapture *capture, KnNet *net)
{
    if (capture->net != NULL) {
        kn_net_set_observer(capture->net, NULL, NULL);
        kn_net_set_log(capture->net, NULL);
    }
    capture->net = net;
    if (net == NULL)
        return;
    kn_net_set_observer(net, on_packet, capture);
    kn_net_set_log(net, capture->log);
}

void
kn_capture_event(KnCapture *capture, KnTime time, const char *kind, const char *detail)
{
    KnEventRecord record = { .time = time, .kind = kind, .detail = detail };

    if (capture != NULL && capture->events != NULL)
        kn_events_write(capture->events, &record);
}

gboolean
kn_capture_close(KnCapture *capture, GError **error)
{
    gboolean ok = TRUE;

    if (capture->pcap != NULL)
        ok = kn_pcapng_close(capture->pcap, error);
    if (ok && capture->events != NULL)
        ok = kn_events_close(capture->events, error);
    return ok;
}

void
kn_capture_free(KnCapture *capture)
{
    if (capture == NULL)
        return;
    if (capture->net != NULL)
        kn_capture_attach(capture, NULL);
    kn_pcapng_free(capture->pcap);
    kn_events_free(capture->events);
    kn_trace_free(capture->log);
    g_hash_table_unref(capture->interfaces);
    g_free(capture);
}
