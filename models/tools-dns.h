/* tools-dns.h -- the DNS tools among models/tools.h: bind9's dig, nslookup
 * and host (bind-tools / bind9-dnsutils 9.18) and busybox's nslookup.
 *
 * Unlike curl or ping, these tools do not ask the C library to resolve a
 * name: they read /etc/resolv.conf themselves (through KnToolIo.read_file),
 * build their own DNS messages (sim/dns-wire.h), send them with the
 * KnNetClient's udp_exchange or tcp_exchange to the nameserver, port 53,
 * and print what comes back in their own formats.  In a pod that is the
 * kube-dns ClusterIP, which kube-proxy DNATs to a CoreDNS pod. */
#pragma once

#include <glib.h>
#include "models/tools.h"

/* Runs argv[0] ("dig", "nslookup" or "host", maybe with a path) as 'tool' (the
 * image's entry: KN_TOOL_BIND or KN_TOOL_BUSYBOX; NULL: bind) of
 * 'version' ("9.18.33", "1.37.0"; NULL: the flavour's default) would,
 * from 'net'.  'net', 'io' and its buffers are borrowed until 'done',
 * which is called once with the exit status, possibly before this returns
 * (bad options). */
void kn_tools_dns_run(KnNetClient *net, const KnImageTool *tool, const char *version,
                      const char *const *argv, const KnToolIo *io, KnToolDone done,
                      gpointer user_data);
