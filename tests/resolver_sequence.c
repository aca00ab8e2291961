/* resolver_sequence.c -- prints, one "NAME TYPE" line each, the DNS
 * queries knetsim's stub resolver sends for one lookup, for
 * tests/tools/glibc-resolver.sh and musl-resolver.sh to compare with what
 * a real glibc or musl sent to dnsmasq.
 *
 *   resolver_sequence [--servers] [--elapsed] [--status] LIBC RESOLV_CONF NAME FAMILIES [RECORD...]
 *
 * LIBC is glibc or musl; RESOLV_CONF a file; FAMILIES "A" or "A+AAAA"
 * (getaddrinfo AF_INET or AF_UNSPEC), or "AAAA,A" (`getent hosts`:
 * gethostbyname2(AF_INET6), then AF_INET if that found no address).
 * Each RECORD is one of
 *   NAME=ADDRESS      an A (or AAAA) record the fake DNS server (at every
 *                     nameserver of the file) answers; other names are
 *                     NXDOMAIN, and another type of a known name NODATA,
 *                     as dnsmasq answers with --host-record and
 *                     --address=/#/;
 *   DOMAIN=RCODE      REFUSED or SERVFAIL for DOMAIN and the names under it
 *                     (dnsmasq --server=/DOMAIN/#, or a validating
 *                     forwarder), over UDP;
 *   DOMAIN=refused    the same REFUSED, answered by the fake server itself;
 *   DOMAIN=silent     no answer for DOMAIN and the names under it
 *                     (--server=/DOMAIN/ to a dead upstream);
 *   @SERVER=WHAT      the nameserver SERVER drops every UDP query ("drop":
 *                     its replies filtered), has nothing listening ("down":
 *                     ICMP port unreachable), or answers each UDP query with
 *                     REFUSED or SERVFAIL.
 * --servers starts each line with the nameserver's address; --elapsed
 * ends the output with "elapsed S", the lookup's whole seconds; --status
 * ends it with "status STATUS" (OK, NXDOMAIN, NODATA, AGAIN, FAIL), the
 * lookup's outcome. */
#include <config.h>

#include <glib.h>
#include <stdio.h>
#include "models/resolver.h"
#include "tests/fake_net.h"

/* What a RECORD other than NAME=IPV4 asks of the fake servers. */
typedef struct {
    gboolean by_server;          /* 'server' (else 'domain') selects the queries */
    KnAddr server;
    char *domain;
    gboolean drop;               /* no reply (else 'rcode') */
    guint8 rcode;
} Rule;

static GPtrArray *rules;         /* Rule *, in argument order */
static gboolean print_servers;
static gboolean print_status;

static void
rule_free(Rule *rule)
{
    g_free(rule->domain);
    g_free(rule);
}

static gboolean
parse_rcode(const char *text, guint8 *rcode)
{
    if (g_str_equal(text, "REFUSED"))
        *rcode = KN_DNS_RCODE_REFUSED;
    else if (g_str_equal(text, "SERVFAIL"))
        *rcode = KN_DNS_RCODE_SERVFAIL;
    else
        return FALSE;
    return TRUE;
}

/* The first rule for a UDP query to 'dst' asking 'question', or NULL. */
static const Rule *
find_rule(const KnAddr *dst, const KnDnsQuestion *question)
{
    for (guint i = 0; i < rules->len; i++) {
        const Rule *rule = rules->pdata[i];

        if (rule->by_server ? kn_addr_equal(&rule->server, dst)
                            : question != NULL
                                  && kn_dns_name_is_subdomain(question->name, rule->domain))
            return rule;
    }
    return NULL;
}

/* fake_net's udp_exchange, with the rules applied first. */
static void
rule_udp_exchange(gpointer self, const KnUdpRequest *request, KnUdpDone done, gpointer user_data)
{
    FakeNet *net = self;
    g_autoptr(KnDnsMessage) query = kn_dns_message_decode(request->send, NULL);
    const Rule *rule = find_rule(&request->dst, query != NULL ? kn_dns_message_question(query) : NULL);
    FakeUdp *u;

    if (rule == NULL || query == NULL) {
        fake_udp_exchange(self, request, done, user_data);
        return;
    }
    u = g_new0(FakeUdp, 1);
    u->done = done;
    u->user_data = user_data;
    u->result.from = request->dst;
    u->result.from_port = request->port;
    if (rule->drop) {
        u->result.status = KN_NET_CONNECT_TIMEOUT;
        u->result.received = g_bytes_new(NULL, 0);
        u->result.finished = kn_sim_now(net->sim) + request->timeout;
        fake_later(net, request->timeout, fake_udp_fire, u);
        return;
    }
    g_autoptr(KnDnsMessage) reply = kn_dns_message_new_reply(query);

    reply->rcode = rule->rcode;
    reply->ra = TRUE;
    u->result.status = KN_NET_OK;
    u->result.received = kn_dns_message_encode(reply);
    u->result.finished = kn_sim_now(net->sim) + net->rtt;
    fake_later(net, net->rtt, fake_udp_fire, u);
}

static KnNetClientClass rule_class;

typedef struct {
    FakeNet *net;
    const KnResolvConf *conf;
    const char *name;
    gboolean then_a;             /* "AAAA,A": the AF_INET pass is still to come */
    KnTime started;
    KnTime finished;             /* when the last lookup returned */
    gboolean done;
} Sequence;

static void
on_done(const KnResolverResult *result, gpointer user_data)
{
    Sequence *seq = user_data;

    for (guint i = 0; i < result->queries->len; i++) {
        const KnResolverQuery *query = result->queries->pdata[i];
        char type[16], server[KN_ADDR_STRLEN];

        if (print_servers)
            printf("%s ", kn_addr_format(&query->server, server));
        /* dnsmasq logs the root as "." */
        printf("%s %s\n", query->name[0] != '\0' ? query->name : ".",
               kn_dns_type_format(query->type, type));
    }
    if (seq->then_a && result->addresses->len == 0) {
        seq->then_a = FALSE;
        kn_resolver_lookup(&seq->net->client, seq->conf, kn_sim_rng(seq->net->sim, "dns-id"),
                           seq->name, KN_RESOLVER_A, on_done, seq, NULL);
        return;
    }
    if (print_status)
        printf("status %s\n", kn_resolver_status_name(result->status));
    seq->finished = result->finished;
    seq->done = TRUE;
}

int
main(int argc, char **argv)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(KnResolvConf) conf = NULL;
    g_autoptr(GPtrArray) down = g_ptr_array_new_with_free_func(g_free);
    gboolean print_elapsed = FALSE;
    Sequence seq = { 0 };
    KnResolverFlags flags;
    FakeNet *net;
    KnLibc libc;

    for (; argc > 1 && g_str_has_prefix(argv[1], "--"); argc--, argv++) {
        if (g_str_equal(argv[1], "--servers"))
            print_servers = TRUE;
        else if (g_str_equal(argv[1], "--elapsed"))
            print_elapsed = TRUE;
        else if (g_str_equal(argv[1], "--status"))
            print_status = TRUE;
        else
            argc = 0;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: resolver_sequence [--servers] [--elapsed] [--status] glibc|musl RESOLV_CONF "
                        "NAME A|A+AAAA|AAAA,A [NAME=ADDRESS|DOMAIN=RCODE|DOMAIN=refused|DOMAIN=silent|"
                        "@SERVER=drop|down|RCODE...]\n");
        return 2;
    }
    libc = g_str_equal(argv[1], "musl") ? KN_LIBC_MUSL : KN_LIBC_GLIBC;
    if (!g_file_get_contents(argv[2], &text, NULL, &error)) {
        fprintf(stderr, "resolver_sequence: %s\n", error->message);
        return 2;
    }
    conf = kn_resolvconf_parse(text, libc);
    net = fake_net_new(NULL, "client");
    rules = g_ptr_array_new_with_free_func((GDestroyNotify) rule_free);
    for (int i = 5; i < argc; i++) {
        g_auto(GStrv) record = g_strsplit(argv[i], "=", 2);
        Rule *rule = g_new0(Rule, 1);
        KnAddr addr;

        if (record[0] == NULL || record[1] == NULL) {
            fprintf(stderr, "resolver_sequence: bad record '%s'\n", argv[i]);
            return 2;
        }
        if (record[0][0] == '@') {
            rule->by_server = TRUE;
            if (!kn_addr_parse(record[0] + 1, &rule->server)) {
                fprintf(stderr, "resolver_sequence: bad server '%s'\n", argv[i]);
                return 2;
            }
            if (g_str_equal(record[1], "down")) {
                g_ptr_array_add(down, g_strdup(record[0] + 1));
                rule_free(rule);
                continue;
            }
            rule->drop = g_str_equal(record[1], "drop");
        } else if (kn_addr_parse(record[1], &addr)) {
            fake_net_dns_addr(net, record[0], record[1]);
            rule_free(rule);
            continue;
        } else if (g_str_equal(record[1], "refused") || g_str_equal(record[1], "silent")) {
            g_ptr_array_add(g_str_equal(record[1], "refused") ? net->dns_refused : net->dns_silent,
                            g_strdup(record[0]));
            rule_free(rule);
            continue;
        } else {
            rule->domain = g_strdup(record[0]);
        }
        if (!rule->drop && !parse_rcode(record[1], &rule->rcode)) {
            fprintf(stderr, "resolver_sequence: bad record '%s'\n", argv[i]);
            return 2;
        }
        g_ptr_array_add(rules, rule);
    }
    for (guint i = 0; i < conf->nameservers->len; i++) {
        g_autofree char *server = kn_addr_to_string(&g_array_index(conf->nameservers, KnAddr, i));

        if (!g_ptr_array_find_with_equal_func(down, server, g_str_equal, NULL))
            fake_net_dns(net, server);
    }
    rule_class = *net->client.klass;
    rule_class.udp_exchange = rule_udp_exchange;
    net->client.klass = &rule_class;
    seq.net = net;
    seq.conf = conf;
    seq.name = argv[3];
    if (g_str_equal(argv[4], "AAAA,A")) {
        flags = KN_RESOLVER_AAAA;
        seq.then_a = TRUE;
    } else {
        flags = g_str_equal(argv[4], "A") ? KN_RESOLVER_A : KN_RESOLVER_BOTH;
    }
    seq.started = kn_sim_now(net->sim);
    kn_resolver_lookup(&net->client, conf, kn_sim_rng(net->sim, "dns-id"), argv[3], flags, on_done,
                       &seq, NULL);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    if (print_elapsed)
        printf("elapsed %u\n", (guint) ((seq.finished - seq.started) / KN_SEC));
    fake_net_free(net);
    g_ptr_array_unref(rules);
    return seq.done ? 0 : 1;
}
