/* netbase.h -- what the name databases of Debian 12's netbase package say
 * (/etc/services, /etc/networks, /etc/protocols), as the kind node image
 * has them: the names tools print for numbers when not told -n
 * (`iptables -L` among them, proxy-ir-list.h).  Lookups are by number,
 * the direction those tools need. */
#pragma once

#include <glib.h>
#include "sim/addr.h"

typedef enum {
    KN_NETBASE_TCP = 1 << 0,
    KN_NETBASE_UDP = 1 << 1,
    KN_NETBASE_SCTP = 1 << 2,
} KnNetbaseProtocol;

/* getservbyport(): the first name /etc/services gives 'port' for
 * 'protocol' ("http" for 80/tcp), or NULL.  Static. */
const char *kn_netbase_service(guint16 port, KnNetbaseProtocol protocol);
/* getnetbyaddr(): the /etc/networks name of exactly 'addr' ("loopback"
 * for 127.0.0.0), or NULL.  Static. */
const char *kn_netbase_network(const KnAddr *addr);
/* getprotobynumber() as iptables prints it: "tcp" for 6, "all" for 0;
 * only the protocols a rule here can name (0, icmp, tcp, udp, ipv6-icmp,
 * sctp), NULL for others.  Static. */
const char *kn_netbase_protocol(guint8 number);
