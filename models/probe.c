/* probe.c -- one traced request (probe.h).
 *
 * The request is what `curl http://NAME:PORT/` sends (curl 8's request
 * line and headers), so the server answers as it would answer curl. */

#include <config.h>
#include "models/probe.h"

#include "models/images.h"
#include "models/resolvconf.h"
#include "models/resolver.h"

#include <string.h>

typedef struct {
    KnSim *sim;
    KnNetClient *client;
    KnTrace *trace;
    KnProbeResult *result;
    char *target;
    guint16 port;
    gboolean udp;
    KnTime started;
    gboolean done;
} Probe;

static void
finish(Probe *probe, KnTime now)
{
    probe->result->elapsed = now - probe->started;
    probe->done = TRUE;
    kn_sim_stop(probe->sim);
}

static void
on_tcp_done(const KnTcpResult *result, gpointer user_data)
{
    Probe *probe = user_data;
    gsize length;
    const char *data = g_bytes_get_data(result->received, &length);
    const char *eol = data != NULL ? g_strstr_len(data, length, "\r\n") : NULL;

    probe->result->status = result->status;
    if (eol != NULL)
        probe->result->status_line = g_strndup(data, eol - data);
    finish(probe, result->finished);
}

static void
on_udp_done(const KnUdpResult *result, gpointer user_data)
{
    Probe *probe = user_data;

    probe->result->status = result->status;
    finish(probe, result->finished);
}

static void
on_resolved(const KnResolveResult *result, gpointer user_data)
{
    Probe *probe = user_data;
    const KnAddr *addr;
    KnNetClient *client = probe->client;

    kn_trace_set_time(probe->trace, client->klass->now(client->self));
    if (!result->found || result->addresses->len == 0) {
        kn_trace_note(probe->trace, KN_TRACE_DNS, "%s does not resolve", probe->target);
        finish(probe, client->klass->now(client->self));
        return;
    }
    addr = result->addresses->pdata[0];
    probe->result->resolved = TRUE;
    probe->result->address = kn_addr_to_string(addr);
    if (strcmp(probe->result->address, probe->target) != 0)
        kn_trace_note(probe->trace, KN_TRACE_DNS, "%s resolves to %s%s%s%s", probe->target,
                      probe->result->address, result->canonical != NULL ? " (" : "",
                      result->canonical != NULL ? result->canonical : "",
                      result->canonical != NULL ? ")" : "");
    probe->started = client->klass->now(client->self);
    if (probe->udp) {
        g_autoptr(GBytes) payload = g_bytes_new_static("knetsim probe\n", 14);
        KnUdpRequest request = { .dst = *addr, .port = probe->port, .send = payload,
                                 .timeout = 5 * KN_SEC };

        client->klass->udp_exchange(client->self, &request, on_udp_done, probe);
        return;
    }
    g_autofree char *host = probe->port == 80 ? g_strdup(probe->target)
                                              : g_strdup_printf("%s:%u", probe->target, probe->port);
    g_autofree char *text = g_strdup_printf("GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.7.1\r\n"
                                            "Accept: */*\r\n\r\n", host);
    g_autoptr(GBytes) payload = g_bytes_new(text, strlen(text));
    KnTcpRequest request = { .dst = *addr, .port = probe->port, .send = payload,
                             .connect_timeout = 10 * KN_SEC, .max_time = 30 * KN_SEC, .http = TRUE };

    client->klass->tcp_exchange(client->self, &request, on_tcp_done, probe);
}

void
kn_probe_run(KnSim *sim, KnNet *net, KnNetns *from, const char *target, guint16 port,
             gboolean udp, KnTrace *trace, KnProbeResult *result)
{
    Probe probe = { .sim = sim, .client = kn_netns_client(from), .trace = trace, .result = result,
                    .target = g_strdup(target), .port = port, .udp = udp };

    memset(result, 0, sizeof *result);
    kn_net_set_trace(net, trace);
    kn_trace_set_time(trace, kn_sim_now(sim));
    kn_trace_set_node(trace, kn_netns_name(from));
    probe.client->klass->resolve(probe.client->self, target, on_resolved, &probe);
    while (!probe.done && kn_sim_pending(sim) > 0)
        kn_sim_run_until(sim, KN_TIME_MAX);
    kn_net_set_trace(net, NULL);
    g_free(probe.target);
}

void
kn_probe_result_clear(KnProbeResult *result)
{
    g_clear_pointer(&result->address, g_free);
    g_clear_pointer(&result->status_line, g_free);
}

/*****************************************************************************/
/* One lookup, for `knetsim dns` and dns: steps. */

typedef struct {
    KnNet *net;
    GString *out;                /* owned */
    KnResolvConf *conf;          /* owned */
    KnProbeDnsDone done;
    gpointer user_data;
} DnsProbe;

static void
on_lookup_done(const KnResolverResult *result, gpointer user_data)
{
    DnsProbe *probe = user_data;
    GString *out = probe->out;

    kn_net_set_trace(probe->net, NULL);
    kn_resolver_result_describe(result, out);
    g_string_append_printf(out, "# %s", kn_resolver_status_name(result->status));
    if (result->answered != NULL)
        g_string_append_printf(out, " for %s", result->answered);
    for (guint i = 0; i < result->addresses->len; i++) {
        char buf[KN_ADDR_STRLEN];

        g_string_append_printf(out, "%s%s", i == 0 ? ": " : ", ", kn_addr_format(result->addresses->pdata[i], buf));
    }
    for (guint i = 0; i < result->queries->len; i++) {
        const KnResolverQuery *q = result->queries->pdata[i];

        for (guint j = 0; q->response != NULL && q->type != KN_DNS_TYPE_A && q->type != KN_DNS_TYPE_AAAA
                          && j < q->response->answers->len; j++) {
            g_autofree char *line = kn_dns_record_to_string(q->response->answers->pdata[j]);

            g_string_append_printf(out, "\n# %s", line);
        }
    }
    g_string_append_c(out, '\n');
    probe->done(result->status == KN_RESOLVER_OK, out, probe->user_data);
    g_string_free(out, TRUE);
    kn_resolvconf_free(probe->conf);
    g_free(probe);
}

/* The run ended before the lookup did. */
static void
dns_probe_free(gpointer data)
{
    DnsProbe *probe = data;

    if (probe->out != NULL)
        g_string_free(probe->out, TRUE);
    kn_resolvconf_free(probe->conf);
    g_free(probe);
}

void
kn_probe_dns_start(KnSim *sim, KnNet *net, KnNetns *from, const char *name, guint16 type,
                   KnTrace *trace, KnProbeDnsDone done, gpointer user_data)
{
    KnNetClient *client = kn_netns_client(from);
    g_autofree char *text = kn_net_resolv_conf(net, from);
    KnLibc libc = kn_images_lookup(NULL, client->image)->libc;
    DnsProbe *probe = g_new0(DnsProbe, 1);

    *probe = (DnsProbe) { .net = net, .out = g_string_new(NULL), .conf = kn_resolvconf_parse(text, libc),
                          .done = done, .user_data = user_data };
    g_string_append_printf(probe->out, "# /etc/resolv.conf of %s (%s resolver)\n%s", kn_netns_name(from),
                           libc == KN_LIBC_MUSL ? "musl" : "glibc", text);
    kn_net_set_trace(net, trace);
    if (type == 0 || type == KN_DNS_TYPE_A || type == KN_DNS_TYPE_AAAA)
        kn_resolver_lookup(client, probe->conf, kn_sim_rng(sim, "dns-id"), name,
                           type == KN_DNS_TYPE_A ? KN_RESOLVER_A : type == KN_DNS_TYPE_AAAA
                                                                    ? KN_RESOLVER_AAAA : KN_RESOLVER_BOTH,
                           on_lookup_done, probe, dns_probe_free);
    else
        kn_resolver_query(client, probe->conf, kn_sim_rng(sim, "dns-id"), name, type, FALSE, 0,
                          on_lookup_done, probe, dns_probe_free);
}

typedef struct {
    KnSim *sim;
    GString *out;
    gboolean done, answered;
} DnsWait;

static void
on_dns_waited(gboolean answered, GString *out, gpointer user_data)
{
    DnsWait *wait = user_data;

    g_string_append(wait->out, out->str);
    wait->answered = answered;
    wait->done = TRUE;
    kn_sim_stop(wait->sim);
}

gboolean
kn_probe_dns(KnSim *sim, KnNet *net, KnNetns *from, const char *name, guint16 type, KnTrace *trace,
             GString *out)
{
    DnsWait wait = { .sim = sim, .out = out };

    kn_probe_dns_start(sim, net, from, name, type, trace, on_dns_waited, &wait);
    while (!wait.done && kn_sim_pending(sim) > 0)
        kn_sim_run_until(sim, KN_TIME_MAX);
    return wait.answered;
}
