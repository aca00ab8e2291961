/* resolver_sequence.c -- prints, one "NAME TYPE" line each, the DNS
 * queries knetsim's stub resolver sends for one lookup, for
 * tests/tools/glibc-resolver.sh and musl-resolver.sh to compare with what
 * a real glibc or musl sent to dnsmasq.
 *
 *   resolver_sequence [--status] LIBC RESOLV_CONF NAME FAMILIES [RECORD...]
 *
 * LIBC is glibc or musl; RESOLV_CONF a file; FAMILIES "A" or "A+AAAA"
 * (getaddrinfo AF_INET or AF_UNSPEC); each RECORD is NAME=ADDRESS, an A
 * (or AAAA) record the fake DNS server (at every nameserver of the file)
 * answers; other names are NXDOMAIN, and another type of a known name
 * NODATA, as dnsmasq answers with --host-record and --address=/#/.
 * DOMAIN=refused answers REFUSED for DOMAIN and the names below it
 * (dnsmasq's --server=/DOMAIN/# with no upstream), DOMAIN=silent nothing
 * (--server=/DOMAIN/ to a dead upstream).  --status ends the output with
 * "status STATUS" (OK, NXDOMAIN, NODATA, AGAIN, FAIL), the lookup's
 * outcome. */
#include <config.h>

#include <glib.h>
#include <stdio.h>
#include "models/resolver.h"
#include "tests/fake_net.h"

static gboolean print_status;

static void
on_done(const KnResolverResult *result, gpointer user_data)
{
    gboolean *done = user_data;

    for (guint i = 0; i < result->queries->len; i++) {
        const KnResolverQuery *query = result->queries->pdata[i];
        char type[16];

        printf("%s %s\n", query->name, kn_dns_type_format(query->type, type));
    }
    if (print_status)
        printf("status %s\n", kn_resolver_status_name(result->status));
    *done = TRUE;
}

int
main(int argc, char **argv)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(KnResolvConf) conf = NULL;
    FakeNet *net;
    gboolean done = FALSE;
    KnLibc libc;

    if (argc > 1 && g_str_equal(argv[1], "--status")) {
        print_status = TRUE;
        argv++;
        argc--;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: resolver_sequence [--status] glibc|musl RESOLV_CONF NAME A|A+AAAA "
                "[NAME=ADDRESS|DOMAIN=refused|DOMAIN=silent...]\n");
        return 2;
    }
    libc = g_str_equal(argv[1], "musl") ? KN_LIBC_MUSL : KN_LIBC_GLIBC;
    if (!g_file_get_contents(argv[2], &text, NULL, &error)) {
        fprintf(stderr, "resolver_sequence: %s\n", error->message);
        return 2;
    }
    conf = kn_resolvconf_parse(text, libc);
    net = fake_net_new(NULL, "client");
    for (guint i = 0; i < conf->nameservers->len; i++) {
        g_autofree char *server = kn_addr_to_string(&g_array_index(conf->nameservers, KnAddr, i));

        fake_net_dns(net, server);
    }
    for (int i = 5; i < argc; i++) {
        g_auto(GStrv) record = g_strsplit(argv[i], "=", 2);

        if (record[0] == NULL || record[1] == NULL) {
            fprintf(stderr, "resolver_sequence: bad record '%s'\n", argv[i]);
            return 2;
        }
        if (g_str_equal(record[1], "refused"))
            g_ptr_array_add(net->dns_refused, g_strdup(record[0]));
        else if (g_str_equal(record[1], "silent"))
            g_ptr_array_add(net->dns_silent, g_strdup(record[0]));
        else
            fake_net_dns_addr(net, record[0], record[1]);
    }
    kn_resolver_lookup(&net->client, conf, kn_sim_rng(net->sim, "dns-id"), argv[3],
                       g_str_equal(argv[4], "A") ? KN_RESOLVER_A : KN_RESOLVER_BOTH, on_done,
                       &done, NULL);
    kn_sim_run_until(net->sim, KN_TIME_MAX);
    fake_net_free(net);
    return done ? 0 : 1;
}
