/* fake_net.h -- a KnNetClient for tests: names resolve from a table, each
 * (address, port) either answers with an image's server (models/images.h),
 * refuses, drops the SYNs, or is a DNS server answering from a table of
 * records (NXDOMAIN for unknown names, NODATA for known names of another
 * type) and logging each query it receives; every answer comes from a KnSim event after
 * a fixed round trip, so tests exercise the asynchronous path.  Include
 * after tests/test_util.h. */
#pragma once

#include <string.h>
#include "models/images.h"
#include "models/netclient.h"
#include "sim/dns-wire.h"
#include "sim/packet.h"
#include "sim/sim.h"

typedef enum {
    FAKE_LISTEN,                 /* the image's server answers */
    FAKE_REFUSE,                 /* RST (REJECT) */
    FAKE_DROP,                   /* SYNs vanish: connect timeout */
    FAKE_SLOW,                   /* connects, answers after 'delay' */
    FAKE_DNS,                    /* a DNS server over UDP and TCP (fake_net_dns) */
} FakeBehaviour;

typedef struct FakeService {
    KnAddr addr;
    guint16 port;
    guint8 proto;
    FakeBehaviour behaviour;
    const char *image;           /* reference, e.g. "nginx:1.27" */
    const char *const *backends; /* pod names answering in turn */
    guint next;
    KnTime delay;
} FakeService;

typedef struct FakeNet {
    KnSim *sim;
    KnNetClient client;
    GHashTable *names;           /* name -> KnAddr * */
    GPtrArray *services;         /* FakeService * */
    GPtrArray *pingable;         /* KnAddr * that answer pings */
    KnTime rtt;
    guint16 next_port;
    GPtrArray *dns_records;      /* KnDnsRecord *: what FAKE_DNS servers answer */
    GPtrArray *dns_servfail;     /* char *: names answered SERVFAIL */
    GPtrArray *dns_refused;      /* char *: domains whose names (and the domain's own)
                                  * are answered REFUSED, as dnsmasq does for
                                  * --server=/DOMAIN/# without upstreams */
    GPtrArray *dns_silent;       /* char *: domains whose queries get no answer, as
                                  * dnsmasq's for one forwarded to a dead upstream */
    GString *dns_log;            /* "name TYPE\n" per query received (UDP or TCP) */
    guint dns_drop_aaaa;         /* AAAA queries still to drop (the conntrack race) */
    guint dns_drop_all;          /* queries of any type still to drop */
    gboolean dns_truncate;       /* UDP answers with records come back truncated */
    gboolean dns_coredns;        /* answer as CoreDNS: names under cluster.local (and
                                  * in-addr.arpa) with
                                  * AA and without RA ('dns_soa' in the authority of
                                  * their denials), the rest as forwarded (RA, no
                                  * AA); the A records of SRV targets in the
                                  * additional section; the query's OPT (and COOKIE)
                                  * back */
    KnDnsRecord *dns_soa;        /* with dns_coredns; owned; NULL: none */
} FakeNet;

typedef struct FakeDeferred {
    void (*fire)(gpointer data);
    gpointer data;
} FakeDeferred;

static void
fake_on_event(KnSim *sim, gpointer data)
{
    FakeDeferred *deferred = data;

    (void) sim;
    deferred->fire(deferred->data);
    g_free(deferred);
}

static const KnEventClass fake_event_class = { "fake-net", fake_on_event, g_free };

static void
fake_later(FakeNet *net, KnTime delay, void (*fire)(gpointer), gpointer data)
{
    FakeDeferred *deferred = g_new0(FakeDeferred, 1);

    deferred->fire = fire;
    deferred->data = data;
    kn_sim_schedule_in(net->sim, delay, &fake_event_class, deferred);
}

/* resolve */
typedef struct {
    KnResolveResult result;
    KnResolveDone done;
    gpointer user_data;
} FakeResolve;

static void
fake_resolve_fire(gpointer data)
{
    FakeResolve *r = data;

    r->done(&r->result, r->user_data);
    g_ptr_array_unref(r->result.addresses);
    g_free(r);
}

static void
fake_resolve(gpointer self, const char *name, KnResolveDone done, gpointer user_data)
{
    FakeNet *net = self;
    FakeResolve *r = g_new0(FakeResolve, 1);
    KnAddr literal;
    const KnAddr *known = g_hash_table_lookup(net->names, name);

    r->result.addresses = g_ptr_array_new_with_free_func(g_free);
    if (kn_addr_parse(name, &literal))
        known = &literal;
    if (known != NULL) {
        r->result.found = TRUE;
        g_ptr_array_add(r->result.addresses, g_memdup2(known, sizeof(KnAddr)));
    }
    r->done = done;
    r->user_data = user_data;
    fake_later(net, known == &literal ? 0 : KN_MSEC / 2, fake_resolve_fire, r);
}

static FakeService *
fake_find(FakeNet *net, const KnAddr *addr, guint16 port, guint8 proto)
{
    for (guint i = 0; i < net->services->len; i++) {
        FakeService *service = g_ptr_array_index(net->services, i);

        if (kn_addr_equal(&service->addr, addr) && service->port == port && service->proto == proto)
            return service;
    }
    return NULL;
}

/* What the service's image answers to 'request'; new. */
static GBytes *
fake_serve(FakeNet *net, FakeService *service, GBytes *request, guint16 client_port, guint8 proto)
{
    const KnImage *image = kn_images_lookup(NULL, service->image);
    static const char *const netexec_args[] = { "netexec", NULL };
    g_autoptr(GArray) listeners = kn_images_listeners(image, netexec_args);
    KnImageServeContext context = { 0 };

    context.reference = service->image;
    context.hostname = service->backends[service->next++];
    if (service->backends[service->next] == NULL)
        service->next = 0;
    context.client = net->client.address;
    context.client_port = client_port;
    context.server = service->addr;
    context.server_port = service->port;
    context.now = kn_sim_now(net->sim);
    for (guint i = 0; i < listeners->len; i++) {
        const KnImageListener *listener = &g_array_index(listeners, KnImageListener, i);

        if (listener->proto == proto)
            return kn_images_serve(image, listener, request, &context);
    }
    return NULL;
}

/* What a FAKE_DNS server answers to the DNS message 'request'; new, or
 * NULL if it drops it. */
static GBytes *
fake_dns_answer(FakeNet *net, GBytes *request, gboolean tcp)
{
    g_autoptr(KnDnsMessage) query = kn_dns_message_decode(request, NULL);
    g_autoptr(KnDnsMessage) reply = NULL;
    const KnDnsQuestion *question;
    char type[16];
    gboolean known = FALSE;

    if (query == NULL || (question = kn_dns_message_question(query)) == NULL)
        return NULL;
    g_string_append_printf(net->dns_log, "%s %s%s\n", question->name,
                           kn_dns_type_format(question->type, type), tcp ? " tcp" : "");
    if (net->dns_drop_all > 0) {
        net->dns_drop_all--;
        return NULL;
    }
    if (question->type == KN_DNS_TYPE_AAAA && net->dns_drop_aaaa > 0) {
        net->dns_drop_aaaa--;
        return NULL;
    }
    for (guint i = 0; i < net->dns_silent->len; i++)
        if (kn_dns_name_is_subdomain(question->name, net->dns_silent->pdata[i]))
            return NULL;
    reply = kn_dns_message_new_reply(query);
    reply->aa = TRUE;
    /* CoreDNS answers its cluster.local zone itself (AA, no RA) and
     * forwards the rest (RA, no AA). */
    if (net->dns_coredns && !kn_dns_name_is_subdomain(question->name, "cluster.local")
        && !kn_dns_name_is_subdomain(question->name, "in-addr.arpa")) {
        reply->aa = FALSE;
        reply->ra = TRUE;
    } else {
        reply->ra = !net->dns_coredns;
    }
    for (guint i = 0; i < net->dns_servfail->len; i++)
        if (kn_dns_name_equal(net->dns_servfail->pdata[i], question->name))
            reply->rcode = KN_DNS_RCODE_SERVFAIL;
    for (guint i = 0; i < net->dns_refused->len; i++)
        if (kn_dns_name_is_subdomain(question->name, net->dns_refused->pdata[i]))
            reply->rcode = KN_DNS_RCODE_REFUSED;
    if (reply->rcode == KN_DNS_RCODE_NOERROR) {
        const char *name = question->name;

        /* A CNAME answers any other type with itself and what its target
         * has of that type (an ExternalName Service, dnsmasq's --cname);
         * without dns_coredns, ANY gets every record of the name, as
         * dnsmasq answers it. */
        for (guint hops = 0; name != NULL && hops < 8; hops++) {
            const char *next = NULL;

            for (guint i = 0; i < net->dns_records->len; i++) {
                const KnDnsRecord *record = net->dns_records->pdata[i];

                if (!kn_dns_name_equal(record->name, name))
                    continue;
                known |= hops == 0;
                if (record->type == question->type
                    || (question->type == KN_DNS_TYPE_ANY && hops == 0 && !net->dns_coredns)
                    || (record->type == KN_DNS_TYPE_CNAME && question->type != KN_DNS_TYPE_ANY)) {
                    g_ptr_array_add(reply->answers, kn_dns_record_copy(record));
                    if (record->type != question->type)
                        next = record->target;
                }
            }
            name = next;
        }
        if (!known)
            reply->rcode = KN_DNS_RCODE_NXDOMAIN;
    }
    if (net->dns_coredns) {
        const KnDnsRecord *opt = kn_dns_message_opt(query);

        for (guint i = 0; i < reply->answers->len; i++) {
            const KnDnsRecord *srv = reply->answers->pdata[i];

            for (guint j = 0; srv->type == KN_DNS_TYPE_SRV && j < net->dns_records->len; j++) {
                const KnDnsRecord *record = net->dns_records->pdata[j];

                if (record->type == KN_DNS_TYPE_A && kn_dns_name_equal(record->name, srv->target))
                    g_ptr_array_add(reply->additional, kn_dns_record_copy(record));
            }
        }
        if (reply->answers->len == 0 && net->dns_soa != NULL && reply->aa)
            g_ptr_array_add(reply->authority, kn_dns_record_copy(net->dns_soa));
        if (opt != NULL) {
            kn_dns_message_set_edns(reply, opt->klass, FALSE);
            if (opt->rdata != NULL)
                kn_dns_message_opt(reply)->rdata = g_bytes_ref(opt->rdata);
        }
        reply->compress = FALSE;
    }
    if (!tcp && net->dns_truncate && reply->answers->len > 0) {
        g_ptr_array_set_size(reply->answers, 0);
        reply->tc = TRUE;
    }
    return kn_dns_message_encode(reply);
}

/* The same over TCP: length-prefixed queries in, answers out. */
static GBytes *
fake_dns_answer_tcp(FakeNet *net, GBytes *request)
{
    gsize size;
    const guint8 *data = g_bytes_get_data(request, &size);
    GByteArray *out = g_byte_array_new();

    while (size >= 2) {
        gsize len = (gsize) data[0] << 8 | data[1];

        if (size < 2 + len)
            break;
        g_autoptr(GBytes) one = g_bytes_new(data + 2, len);
        g_autoptr(GBytes) answer = fake_dns_answer(net, one, TRUE);

        if (answer != NULL) {
            gsize alen;
            const guint8 *adata = g_bytes_get_data(answer, &alen);
            guint8 prefix[2] = { alen >> 8, alen & 0xff };

            g_byte_array_append(out, prefix, 2);
            g_byte_array_append(out, adata, alen);
        }
        data += 2 + len;
        size -= 2 + len;
    }
    return g_byte_array_free_to_bytes(out);
}

/* tcp_exchange */
typedef struct {
    KnTcpResult result;
    KnTcpDone done;
    gpointer user_data;
} FakeTcp;

static void
fake_tcp_fire(gpointer data)
{
    FakeTcp *t = data;

    t->done(&t->result, t->user_data);
    g_bytes_unref(t->result.received);
    g_free(t);
}

static void
fake_tcp_exchange(gpointer self, const KnTcpRequest *request, KnTcpDone done, gpointer user_data)
{
    FakeNet *net = self;
    FakeTcp *t = g_new0(FakeTcp, 1);
    FakeService *service = fake_find(net, &request->dst, request->port, KN_IPPROTO_TCP);
    KnTime start = kn_sim_now(net->sim);
    KnTime delay = net->rtt;
    GBytes *received = NULL;

    t->done = done;
    t->user_data = user_data;
    t->result.started = start;
    t->result.local = net->client.address;
    t->result.local_port = net->next_port++;
    if (service == NULL || service->behaviour == FAKE_REFUSE) {
        t->result.status = KN_NET_REFUSED;
    } else if (service->behaviour == FAKE_DROP) {
        KnTime limit = request->connect_timeout != 0 ? request->connect_timeout : 127 * KN_SEC;

        if (request->max_time != 0 && request->max_time < limit)
            limit = request->max_time;
        t->result.status = KN_NET_CONNECT_TIMEOUT;
        delay = limit;
    } else {
        t->result.connected = start + net->rtt;
        if (request->send != NULL && service->behaviour == FAKE_DNS)
            received = fake_dns_answer_tcp(net, request->send);
        else if (request->send != NULL)
            received = fake_serve(net, service, request->send, t->result.local_port,
                                  KN_IPPROTO_TCP);
        delay = request->send != NULL ? 2 * net->rtt : net->rtt;
        if (service->behaviour == FAKE_SLOW)
            delay += service->delay;
        t->result.status = KN_NET_OK;
        if (request->max_time != 0 && delay > request->max_time) {
            t->result.status = KN_NET_TIMEOUT;
            delay = request->max_time;
            g_clear_pointer(&received, g_bytes_unref);
        } else if (received != NULL) {
            t->result.first_byte = start + delay;
        }
    }
    t->result.finished = start + delay;
    t->result.received = received != NULL ? received : g_bytes_new(NULL, 0);
    fake_later(net, delay, fake_tcp_fire, t);
}

/* udp_exchange */
typedef struct {
    KnUdpResult result;
    KnUdpDone done;
    gpointer user_data;
} FakeUdp;

static void
fake_udp_fire(gpointer data)
{
    FakeUdp *u = data;

    u->done(&u->result, u->user_data);
    g_bytes_unref(u->result.received);
    g_free(u);
}

static void
fake_udp_exchange(gpointer self, const KnUdpRequest *request, KnUdpDone done, gpointer user_data)
{
    FakeNet *net = self;
    FakeUdp *u = g_new0(FakeUdp, 1);
    FakeService *service = fake_find(net, &request->dst, request->port, KN_IPPROTO_UDP);
    GBytes *answer = NULL;
    KnTime delay = net->rtt;

    u->done = done;
    u->user_data = user_data;
    if (service == NULL) {
        u->result.status = KN_NET_REFUSED;
    } else {
        if (service->behaviour == FAKE_DNS)
            answer = fake_dns_answer(net, request->send, FALSE);
        else
            answer = fake_serve(net, service, request->send, net->next_port++, KN_IPPROTO_UDP);
        u->result.status = answer != NULL ? KN_NET_OK : KN_NET_CONNECT_TIMEOUT;
        if (answer == NULL)
            delay = request->timeout;
        u->result.from = request->dst;
        u->result.from_port = request->port;
    }
    u->result.received = answer != NULL ? answer : g_bytes_new(NULL, 0);
    u->result.finished = kn_sim_now(net->sim) + delay;
    fake_later(net, delay, fake_udp_fire, u);
}

/* ping */
typedef struct {
    KnPingResult result;
    KnPingDone done;
    gpointer user_data;
} FakePing;

static void
fake_ping_fire(gpointer data)
{
    FakePing *p = data;

    p->done(&p->result, p->user_data);
    g_free(p);
}

static void
fake_ping(gpointer self, const KnAddr *dst, guint16 seq, KnTime timeout, KnPingDone done,
          gpointer user_data)
{
    FakeNet *net = self;
    FakePing *p = g_new0(FakePing, 1);
    gboolean answers = FALSE;
    KnTime delay;

    for (guint i = 0; i < net->pingable->len; i++)
        if (kn_addr_equal(g_ptr_array_index(net->pingable, i), dst))
            answers = TRUE;
    /* The round trip grows a little with the sequence, so the
     * statistics have a spread. */
    delay = net->rtt + seq * 10 * KN_USEC;
    p->result.status = answers ? KN_NET_OK : KN_NET_CONNECT_TIMEOUT;
    p->result.from = *dst;
    p->result.ttl = 63;
    p->result.rtt = answers ? delay : 0;
    p->done = done;
    p->user_data = user_data;
    fake_later(net, answers ? delay : timeout, fake_ping_fire, p);
}

/* after, now */
typedef struct {
    KnTimerDone done;
    gpointer user_data;
} FakeTimer;

static void
fake_timer_fire(gpointer data)
{
    FakeTimer *t = data;

    t->done(t->user_data);
    g_free(t);
}

static KnEventId
fake_after(gpointer self, KnTime delay, KnTimerDone done, gpointer user_data, GDestroyNotify destroy)
{
    FakeTimer *t = g_new0(FakeTimer, 1);

    (void) destroy;              /* the fake's sim runs every timer */
    t->done = done;
    t->user_data = user_data;
    fake_later(self, delay, fake_timer_fire, t);
    return KN_EVENT_ID_NONE;     /* no cancel(): every timer runs */
}

static KnTime
fake_now(gpointer self)
{
    return kn_sim_now(((FakeNet *) self)->sim);
}

static guint64
fake_random(gpointer self, const char *stream)
{
    return kn_rng_next(kn_sim_rng(((FakeNet *) self)->sim, stream));
}

static const KnNetClientClass fake_class = {
    .resolve = fake_resolve, .tcp_exchange = fake_tcp_exchange, .udp_exchange = fake_udp_exchange,
    .ping = fake_ping, .after = fake_after, .now = fake_now, .random = fake_random,
    /* no host tools, no sockets of its own */
};

/* A client at 10.244.1.5 named 'hostname' in a container of 'image'. */
static FakeNet *
fake_net_new(const char *image, const char *hostname)
{
    FakeNet *net = g_new0(FakeNet, 1);

    net->sim = kn_sim_new(1);
    net->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    net->services = g_ptr_array_new_with_free_func(g_free);
    net->pingable = g_ptr_array_new_with_free_func(g_free);
    net->dns_records = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);
    net->dns_servfail = g_ptr_array_new_with_free_func(g_free);
    net->dns_refused = g_ptr_array_new_with_free_func(g_free);
    net->dns_silent = g_ptr_array_new_with_free_func(g_free);
    net->dns_log = g_string_new(NULL);
    net->rtt = 250 * KN_USEC;
    net->next_port = 43512;
    net->client.klass = &fake_class;
    net->client.self = net;
    net->client.hostname = g_strdup(hostname);
    net->client.image = g_strdup(image);
    kn_addr_parse("10.244.1.5", &net->client.address);
    return net;
}

static void
fake_net_free(FakeNet *net)
{
    kn_sim_free(net->sim);
    g_hash_table_unref(net->names);
    g_ptr_array_unref(net->services);
    g_ptr_array_unref(net->pingable);
    g_ptr_array_unref(net->dns_records);
    g_ptr_array_unref(net->dns_servfail);
    g_ptr_array_unref(net->dns_refused);
    g_ptr_array_unref(net->dns_silent);
    g_string_free(net->dns_log, TRUE);
    kn_dns_record_free(net->dns_soa);
    g_free(net->client.hostname);
    g_free(net->client.image);
    g_free(net);
}

static void
fake_net_name(FakeNet *net, const char *name, const char *address)
{
    KnAddr *addr = g_new0(KnAddr, 1);

    g_assert_true(kn_addr_parse(address, addr));
    g_hash_table_insert(net->names, g_strdup(name), addr);
}

static FakeService *
fake_net_service(FakeNet *net, const char *address, guint16 port, guint8 proto,
                 FakeBehaviour behaviour, const char *image, const char *const *backends)
{
    FakeService *service = g_new0(FakeService, 1);

    g_assert_true(kn_addr_parse(address, &service->addr));
    service->port = port;
    service->proto = proto;
    service->behaviour = behaviour;
    service->image = image;
    service->backends = backends;
    g_ptr_array_add(net->services, service);
    return service;
}

/* A DNS server on 'address' port 53, UDP and TCP. */
G_GNUC_UNUSED static void
fake_net_dns(FakeNet *net, const char *address)
{
    fake_net_service(net, address, 53, KN_IPPROTO_UDP, FAKE_DNS, NULL, NULL);
    fake_net_service(net, address, 53, KN_IPPROTO_TCP, FAKE_DNS, NULL, NULL);
}

/* An A or AAAA record (by the address) the DNS servers answer. */
G_GNUC_UNUSED static void
fake_net_dns_addr(FakeNet *net, const char *name, const char *address)
{
    KnAddr addr;

    g_assert_true(kn_addr_parse(address, &addr));
    g_ptr_array_add(net->dns_records, kn_dns_record_new_addr(name, 30, &addr));
}

static void
fake_net_pingable(FakeNet *net, const char *address)
{
    KnAddr *addr = g_new0(KnAddr, 1);

    g_assert_true(kn_addr_parse(address, addr));
    g_ptr_array_add(net->pingable, addr);
}

/* The usual lab: web (10.96.0.12:80, nginx pods web-1..3), echo
 * (10.96.0.20:8080 agnhost netexec, UDP 8081), blackhole (10.96.0.99:80,
 * SYNs dropped), port 81 on web refused; web answers pings. */
static const char *const fake_web_pods[] = { "web-7d9c5-abcde", "web-7d9c5-fghij",
                                             "web-7d9c5-klmno", NULL };

G_GNUC_UNUSED static FakeNet *
fake_net_lab(const char *image)
{
    FakeNet *net = fake_net_new(image, "client");

    fake_net_name(net, "web", "10.96.0.12");
    fake_net_name(net, "echo", "10.96.0.20");
    fake_net_name(net, "blackhole", "10.96.0.99");
    fake_net_service(net, "10.96.0.12", 80, KN_IPPROTO_TCP, FAKE_LISTEN, "nginx:1.27",
                     fake_web_pods);
    fake_net_service(net, "10.96.0.12", 81, KN_IPPROTO_TCP, FAKE_REFUSE, NULL, NULL);
    fake_net_service(net, "10.96.0.20", 8080, KN_IPPROTO_TCP, FAKE_LISTEN,
                     "registry.k8s.io/e2e-test-images/agnhost:2.53", fake_web_pods);
    fake_net_service(net, "10.96.0.20", 8081, KN_IPPROTO_UDP, FAKE_LISTEN,
                     "registry.k8s.io/e2e-test-images/agnhost:2.53", fake_web_pods);
    fake_net_service(net, "10.96.0.99", 80, KN_IPPROTO_TCP, FAKE_DROP, NULL, NULL);
    fake_net_pingable(net, "10.96.0.12");
    return net;
}
