/* netbase.c -- the files of Debian 12's netbase package (netbase.h).
 *
 * The services table holds, for each port and protocol of netbase 6.4's
 * /etc/services (the one the kind node image has), the first name listed,
 * which is what getservbyport() answers; a port whose TCP and UDP names
 * differ has two entries.  The ddp lines are left out: no tool here asks
 * for them. */
#include <config.h>
#include "models/netbase.h"

#include <string.h>

#define T KN_NETBASE_TCP
#define U KN_NETBASE_UDP
#define S KN_NETBASE_SCTP

static const struct {
    guint16 port;
    guint8 protocols;            /* KN_NETBASE_* bits */
    const char *name;
} services[] = {
    { 1, T, "tcpmux" },
    { 7, T | U, "echo" },
    { 9, T | U, "discard" },
    { 11, T, "systat" },
    { 13, T | U, "daytime" },
    { 15, T, "netstat" },
    { 17, T, "qotd" },
    { 19, T | U, "chargen" },
    { 20, T, "ftp-data" },
    { 21, T, "ftp" },
    { 21, U, "fsp" },
    { 22, T, "ssh" },
    { 23, T, "telnet" },
    { 25, T, "smtp" },
    { 37, T | U, "time" },
    { 43, T, "whois" },
    { 49, T | U, "tacacs" },
    { 53, T | U, "domain" },
    { 67, U, "bootps" },
    { 68, U, "bootpc" },
    { 69, U, "tftp" },
    { 70, T, "gopher" },
    { 79, T, "finger" },
    { 80, T, "http" },
    { 88, T | U, "kerberos" },
    { 102, T, "iso-tsap" },
    { 104, T, "acr-nema" },
    { 106, T, "poppassd" },
    { 110, T, "pop3" },
    { 111, T | U, "sunrpc" },
    { 113, T, "auth" },
    { 119, T, "nntp" },
    { 123, U, "ntp" },
    { 135, T, "epmap" },
    { 137, U, "netbios-ns" },
    { 138, U, "netbios-dgm" },
    { 139, T, "netbios-ssn" },
    { 143, T, "imap2" },
    { 161, T | U, "snmp" },
    { 162, T | U, "snmp-trap" },
    { 163, T | U, "cmip-man" },
    { 164, T | U, "cmip-agent" },
    { 174, T, "mailq" },
    { 177, U, "xdmcp" },
    { 179, T, "bgp" },
    { 199, T, "smux" },
    { 209, T, "qmtp" },
    { 210, T, "z3950" },
    { 213, U, "ipx" },
    { 319, U, "ptp-event" },
    { 320, U, "ptp-general" },
    { 345, T, "pawserv" },
    { 346, T, "zserv" },
    { 369, T | U, "rpc2portmap" },
    { 370, T | U, "codaauth2" },
    { 371, U, "clearcase" },
    { 389, T | U, "ldap" },
    { 427, T | U, "svrloc" },
    { 443, T | U, "https" },
    { 444, T, "snpp" },
    { 445, T, "microsoft-ds" },
    { 464, T | U, "kpasswd" },
    { 465, T, "submissions" },
    { 487, T, "saft" },
    { 500, U, "isakmp" },
    { 512, T, "exec" },
    { 512, U, "biff" },
    { 513, T, "login" },
    { 513, U, "who" },
    { 514, T, "shell" },
    { 514, U, "syslog" },
    { 515, T, "printer" },
    { 517, U, "talk" },
    { 518, U, "ntalk" },
    { 520, U, "route" },
    { 538, T | U, "gdomap" },
    { 540, T, "uucp" },
    { 543, T, "klogin" },
    { 544, T, "kshell" },
    { 546, U, "dhcpv6-client" },
    { 547, U, "dhcpv6-server" },
    { 548, T, "afpovertcp" },
    { 554, T | U, "rtsp" },
    { 563, T, "nntps" },
    { 587, T, "submission" },
    { 607, T, "nqs" },
    { 623, U, "asf-rmcp" },
    { 628, T, "qmqp" },
    { 631, T, "ipp" },
    { 636, T | U, "ldaps" },
    { 646, T | U, "ldp" },
    { 655, T | U, "tinc" },
    { 706, T, "silc" },
    { 749, T, "kerberos-adm" },
    { 750, T | U, "kerberos4" },
    { 751, T | U, "kerberos-master" },
    { 752, U, "passwd-server" },
    { 754, T, "krb-prop" },
    { 775, T, "moira-db" },
    { 777, T, "moira-update" },
    { 779, U, "moira-ureg" },
    { 783, T, "spamd" },
    { 853, T | U, "domain-s" },
    { 871, T, "supfilesrv" },
    { 873, T, "rsync" },
    { 989, T, "ftps-data" },
    { 990, T, "ftps" },
    { 992, T, "telnets" },
    { 993, T, "imaps" },
    { 995, T, "pop3s" },
    { 1080, T, "socks" },
    { 1093, T, "proofd" },
    { 1094, T, "rootd" },
    { 1099, T, "rmiregistry" },
    { 1127, T, "supfiledbg" },
    { 1178, T, "skkserv" },
    { 1194, T | U, "openvpn" },
    { 1210, U, "predict" },
    { 1236, T, "rmtcfg" },
    { 1313, T, "xtel" },
    { 1314, T, "xtelw" },
    { 1352, T, "lotusnote" },
    { 1433, T, "ms-sql-s" },
    { 1434, U, "ms-sql-m" },
    { 1524, T, "ingreslock" },
    { 1645, T | U, "datametrics" },
    { 1646, T | U, "sa-msg-port" },
    { 1649, T, "kermit" },
    { 1677, T, "groupwise" },
    { 1701, U, "l2f" },
    { 1812, T | U, "radius" },
    { 1813, T | U, "radius-acct" },
    { 2000, T, "cisco-sccp" },
    { 2049, T | U, "nfs" },
    { 2086, T | U, "gnunet" },
    { 2101, T | U, "rtcm-sc104" },
    { 2102, U, "zephyr-srv" },
    { 2103, U, "zephyr-clt" },
    { 2104, U, "zephyr-hm" },
    { 2119, T, "gsigatekeeper" },
    { 2121, T, "iprop" },
    { 2135, T, "gris" },
    { 2401, T, "cvspserver" },
    { 2430, T | U, "venus" },
    { 2431, T | U, "venus-se" },
    { 2432, T | U, "codasrv" },
    { 2433, T | U, "codasrv-se" },
    { 2583, T | U, "mon" },
    { 2600, T, "zebrasrv" },
    { 2601, T, "zebra" },
    { 2602, T, "ripd" },
    { 2603, T, "ripngd" },
    { 2604, T, "ospfd" },
    { 2605, T, "bgpd" },
    { 2606, T, "ospf6d" },
    { 2607, T, "ospfapi" },
    { 2608, T, "isisd" },
    { 2628, T, "dict" },
    { 2792, T, "f5-globalsite" },
    { 2811, T, "gsiftp" },
    { 2947, T, "gpsd" },
    { 3050, T, "gds-db" },
    { 3130, U, "icpv2" },
    { 3205, T | U, "isns" },
    { 3260, T, "iscsi-target" },
    { 3306, T, "mysql" },
    { 3389, T, "ms-wbt-server" },
    { 3493, T | U, "nut" },
    { 3632, T, "distcc" },
    { 3689, T, "daap" },
    { 3690, T, "svn" },
    { 4031, T, "suucp" },
    { 4094, T, "sysrqd" },
    { 4190, T, "sieve" },
    { 4353, T, "f5-iquery" },
    { 4369, T, "epmd" },
    { 4373, T, "remctl" },
    { 4460, T, "ntske" },
    { 4500, U, "ipsec-nat-t" },
    { 4557, T, "fax" },
    { 4559, T, "hylafax" },
    { 4569, U, "iax" },
    { 4691, T, "mtn" },
    { 4899, T, "radmin-port" },
    { 4949, T, "munin" },
    { 5060, T | U, "sip" },
    { 5061, T | U, "sip-tls" },
    { 5222, T, "xmpp-client" },
    { 5269, T, "xmpp-server" },
    { 5308, T, "cfengine" },
    { 5353, U, "mdns" },
    { 5432, T, "postgresql" },
    { 5555, U, "rplay" },
    { 5556, T, "freeciv" },
    { 5666, T, "nrpe" },
    { 5667, T, "nsca" },
    { 5671, T, "amqps" },
    { 5672, T | S, "amqp" },
    { 5680, T, "canna" },
    { 6000, T, "x11" },
    { 6001, T, "x11-1" },
    { 6002, T, "x11-2" },
    { 6003, T, "x11-3" },
    { 6004, T, "x11-4" },
    { 6005, T, "x11-5" },
    { 6006, T, "x11-6" },
    { 6007, T, "x11-7" },
    { 6346, T | U, "gnutella-svc" },
    { 6347, T | U, "gnutella-rtr" },
    { 6379, T, "redis" },
    { 6444, T, "sge-qmaster" },
    { 6445, T, "sge-execd" },
    { 6446, T, "mysql-proxy" },
    { 6514, T, "syslog-tls" },
    { 6566, T, "sane-port" },
    { 6667, T, "ircd" },
    { 6696, U, "babel" },
    { 6697, T, "ircs-u" },
    { 7000, T, "bbs" },
    { 7000, U, "afs3-fileserver" },
    { 7001, U, "afs3-callback" },
    { 7002, U, "afs3-prserver" },
    { 7003, U, "afs3-vlserver" },
    { 7004, U, "afs3-kaserver" },
    { 7005, U, "afs3-volser" },
    { 7007, U, "afs3-bos" },
    { 7008, U, "afs3-update" },
    { 7009, U, "afs3-rmtsys" },
    { 7100, T, "font-service" },
    { 8021, T, "zope-ftp" },
    { 8080, T, "http-alt" },
    { 8081, T, "tproxy" },
    { 8088, T, "omniorb" },
    { 8140, T, "puppet" },
    { 8990, T, "clc-build-daemon" },
    { 9098, T, "xinetd" },
    { 9101, T, "bacula-dir" },
    { 9102, T, "bacula-fd" },
    { 9103, T, "bacula-sd" },
    { 9418, T, "git" },
    { 9667, T, "xmms2" },
    { 9673, T, "zope" },
    { 10000, T, "webmin" },
    { 10050, T, "zabbix-agent" },
    { 10051, T, "zabbix-trapper" },
    { 10080, T, "amanda" },
    { 10081, T, "kamanda" },
    { 10082, T, "amandaidx" },
    { 10083, T, "amidxtape" },
    { 10809, T, "nbd" },
    { 11112, T, "dicom" },
    { 11371, T, "hkp" },
    { 17001, U, "sgi-cmsd" },
    { 17002, U, "sgi-crsd" },
    { 17003, U, "sgi-gcd" },
    { 17004, T, "sgi-cad" },
    { 17500, T, "db-lsp" },
    { 22125, T, "dcap" },
    { 22128, T, "gsidcap" },
    { 22273, T, "wnn6" },
    { 24554, T, "binkp" },
    { 27374, T | U, "asp" },
    { 30865, T, "csync2" },
    { 57000, T, "dircproxy" },
    { 60177, T, "tfido" },
    { 60179, T, "fido" },
};

#undef T
#undef U
#undef S

const char *
kn_netbase_service(guint16 port, KnNetbaseProtocol protocol)
{
    guint lo = 0, hi = G_N_ELEMENTS(services);

    /* Sorted by port: find the first entry of 'port', then scan its few. */
    while (lo < hi) {
        guint mid = (lo + hi) / 2;

        if (services[mid].port < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (guint i = lo; i < G_N_ELEMENTS(services) && services[i].port == port; i++)
        if (services[i].protocols & protocol)
            return services[i].name;
    return NULL;
}

const char *
kn_netbase_network(const KnAddr *addr)
{
    /* /etc/networks; getnetbyaddr() matches the network number exactly. */
    static const struct { guint8 bytes[4]; const char *name; } networks[] = {
        { { 0, 0, 0, 0 }, "default" },
        { { 127, 0, 0, 0 }, "loopback" },
        { { 169, 254, 0, 0 }, "link-local" },
    };

    if (addr->family != 4)
        return NULL;
    for (guint i = 0; i < G_N_ELEMENTS(networks); i++)
        if (memcmp(addr->bytes, networks[i].bytes, 4) == 0)
            return networks[i].name;
    return NULL;
}

const char *
kn_netbase_protocol(guint8 number)
{
    /* /etc/protocols, the protocols a rule here can name; "all" is
     * iptables' own word for 0. */
    switch (number) {
    case 0:
        return "all";
    case 1:
        return "icmp";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 58:
        return "ipv6-icmp";
    case 132:
        return "sctp";
    default:
        return NULL;
    }
}
