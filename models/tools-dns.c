/* tools-dns.c -- dig, nslookup and host (tools-dns.h).
 *
 * DOC: DNS tools
 *
 * bind9's dig, nslookup and host, 9.18 (bind-tools on Alpine, bind9-dnsutils
 * and bind9-host on Debian 12).  Sources checked: isc-projects/bind9
 * bin/dig/dighost.c, dig.c and nslookup.c as stored (9.20+ code, read
 * against 9.16's where they differ; see "Version notes" below), host.c
 * (9.11 and 9.16-era copies; its output checked line by line against
 * host 9.18.49 and dnsmasq), lib/dns/message.c
 * (dns_message_sectiontotext, dns_message_pseudosectiontotext),
 * lib/dns/masterdump.c (indent(), the 24/32/40/48 columns of the default
 * style), lib/irs/resconf.c (how they read /etc/resolv.conf).
 *  - Both read /etc/resolv.conf themselves: nameservers (at most 3; none:
 *    127.0.0.1 and ::1), the last search or domain line (at most 8
 *    domains), options ndots:N, timeout:N, attempts:N.  Each lookup tries
 *    the servers in order, `tries` (3) times in all, waiting
 *    UDP_TIMEOUT (5 s) or TCP_TIMEOUT (10 s) per try; every failed try
 *    prints ";; communications error to 10.96.0.10#53: timed out" (or
 *    "connection refused"), and the last one ";; no servers could be
 *    reached" after dig's banner, exit status 9.
 *  - The search list (setup_lookup, next_origin): only with +search (dig)
 *    or always (nslookup).  A name with ndots dots or more, or one ending in
 *    a dot, is asked as it is and nothing else (next_origin gives up on it);
 *    otherwise each search domain in turn, then the name itself.  Only
 *    NXDOMAIN moves on; the failed tries are not printed (unless
 *    +showsearch).
 *  - dig's query: RD and AD set, EDNS0 version 0 with a UDP size of 1232
 *    and a COOKIE option of 8 random bytes (the same for the whole run,
 *    compute_cookie); a new random id per lookup.  The reply is printed as
 *    printmessage() does: the banner "\n; <<>> DiG 9.18.33 <<>> ARGS",
 *    "; (N server found)" after an @server given before the name, ";;
 *    global options: +cmd", ";; Got answer:", the .local warning for names
 *    under local. (which cluster.local is), the ->>HEADER<<- and flags
 *    lines, ";; WARNING: recursion requested but not available" when RD is
 *    set and RA is not (CoreDNS's own answers), a blank line, the OPT
 *    pseudosection ("; EDNS: version: 0, flags:; udp: 1232", "; COOKIE:
 *    HEX (echoed)" when the server repeated only the client cookie), the
 *    sections each with its ";; X SECTION:" line and a blank line after,
 *    records in the masterfile layout (tabs to columns 24, 32, 40, 48, at
 *    least one blank), then ";; Query time: N msec", ";; SERVER:
 *    10.96.0.10#53(10.96.0.10) (UDP)", ";; WHEN: Thu Jan 01 00:00:00 UTC
 *    2026" (the pod's clock: KN_IMAGES_EPOCH plus simulated time, UTC as in
 *    containers), ";; MSG SIZE  rcvd: N" (the bytes received) and a blank
 *    line.  +short prints the RDATA alone; +noall +answer the answer
 *    records alone.  A truncated UDP answer is retried over TCP after
 *    ";; Truncated, retrying in TCP mode.".  A type of ANY switches the
 *    lookup to TCP unless +tcp or +notcp came first (nslookup: -vc,
 *    -novc).  Bad options print "Invalid option: +X" and the usage on
 *    standard error, exit status 1.
 *  - nslookup's query has RD alone (no EDNS).  It asks A, and after an
 *    answer AAAA for the same name (the end of any CNAME chain); prints
 *    "Server:\t\tADDR", "Address:\tADDR#53" and a blank line before the A
 *    answer (before every answer with -type=), "Non-authoritative answer:"
 *    when AA is clear, "Name:\tNAME" / "Address: ADDR" per address, "NAME\t
 *    canonical name = TARGET." and the like for other types, "** server
 *    can't find NAME: NXDOMAIN" (exit status 1), "*** Can't find NAME: No
 *    answer" when neither A nor AAAA has one, and a blank line at the end.
 *    Against a server that leaves RA clear it first says ";; Got recursion
 *    not available from 10.96.0.10" (check_ra, off when the server is
 *    named on the command line).
 *  - host's query has RD alone (no EDNS).  It tries each server twice
 *    (-R N: N + 1 times; resolv.conf's attempts do not count, its timeout
 *    does; -W N seconds, at least 1), always walks the search list for a
 *    name (not for an address, which it asks as a PTR of its reverse name),
 *    and by default asks A, then AAAA and MX of the name at the end of the
 *    answer's CNAMEs.  Each record is a line "NAME has address ADDR"
 *    ("has IPv6 address", "is an alias for", "domain name pointer", "mail
 *    is handled by", "descriptive text", "has SRV record" and the like);
 *    NODATA says nothing, or "NAME has no TYPE record" with -t, -c or for
 *    an address; an error rcode gives "Host NAME not found: 3(NXDOMAIN)"
 *    (the name as typed for NXDOMAIN, the name asked for the others, e.g.
 *    "2(SERVFAIL)"), exit status 1.  SERVFAIL and answers without RA go
 *    to the next server first (unless -s), silently.  "host NAME SERVER"
 *    prints "Using domain server:" (Name, Address, Aliases) before the
 *    first answer.  -v, -d and -a (ANY, over UDP; -t ANY goes over TCP)
 *    print 'Trying "NAME"' for every name asked, the header, flags and
 *    sections as dig lays them out (no comments; an OPT record is the
 *    line ";; EDNS: version: 0, udp=1232" under the flags, counted in
 *    ADDITIONAL but not listed), and "Received N bytes from
 *    10.96.0.10#53 in 0 ms".  Servers that
 *    cannot be reached give ";; no servers could be reached" and status 1;
 *    status 0 needs one answer printed and no error rcode.  Options are
 *    read as getopt does ("-vt A", "-tA"; the first operand ends them, so
 *    "host NAME -t A" takes "-t" for the server); bad ones print "host:
 *    illegal option -- Z" and the usage on standard error, status 1;
 *    "invalid type: X" and "invalid class: X" are status 2.
 *
 * busybox nslookup 1.37 (networking/nslookup.c, FEATURE_NSLOOKUP_BIG, the
 * OpenWrt code used since 1.28; read from a fork, eraselk/busybox, whose
 * BIG branch matches upstream): it builds all its queries first (A then
 * AAAA, or the -type= ones, for the name under each search domain when the
 * name has no dot at all, else for the name alone; ndots is ignored), sends
 * them together to the first server and prints each reply as it comes:
 * "Server:\t\t10.96.0.10" / "Address:\t10.96.0.10:53" before the first,
 * then "** server can't find NAME: NXDOMAIN" (exit status 1) or the
 * records ("Name:\tNAME" / "Address: ADDR"; "Non-authoritative answer:"
 * without AA), each reply followed by a blank line.  Unanswered queries
 * are re-sent every timeout/retry (2.5 s) until the timeout (5 s); no reply
 * at all gives ";; connection timed out; no servers could be reached".
 *
 * Version notes (UNVERIFIED against a 9.18 tarball): the stored dighost.c
 * is 9.20-era; 9.18 shares its error texts (";; communications error to
 * ...", print_cmdline before ";; no servers could be reached", the "(UDP)"
 * after ";; SERVER:", all seen in real 9.18 output) but builds the banner
 * when the first name is parsed, as 9.16 does, which is what this does.
 * nslookup's ";; Got recursion not available from ..." gains ", trying
 * next server" only when another server is left (9.20 code; 9.11 printed
 * it always).  dig -v prints to standard error as in 9.16.
 *
 * A refusal from the client's own node (kube-proxy's REJECT, a local
 * pod with no DNS server) is handled by the kernel inside the write()
 * that sent the datagram, so with two queries or more the next write()
 * fails: "nslookup: write to '10.96.0.10': Connection refused", and the
 * server is given up at once (seen with busybox 1.35 against a local
 * address; assumed unchanged in 1.37, UNVERIFIED).
 *
 * Simplified: "own node" is an error back within BB_SAME_NODE_ERROR;
 * busybox reports a refused datagram from afar once per round as
 * "nslookup: read: Connection refused"; dig's +trace, +nssearch, +multiline, +yaml,
 * +qr, +identify, -f, -k, -y, -b, nslookup's -debug and host's -l, -C,
 * -D, -w and -t AXFR/IXFR are not simulated (they say so, exit status 126,
 * host's once its other options have parsed); host prints the records of
 * a section in the order they came, where bind groups them by name and
 * type first (the same for CoreDNS's answers); host -4 and -6 choose
 * among resolv.conf's servers (none left: ::1 or 127.0.0.1) but not among
 * a SERVER's addresses; nslookup with no name reads no commands
 * (standard input is taken as empty), so it prints a blank line and exits
 * with status 1. */
#include <config.h>
#include "models/tools-dns.h"

#include <string.h>
#include "sim/dns-wire.h"
#include "sim/time.h"

#define BIND_VERSION "9.18.33"
#define BUSYBOX_VERSION "1.37.0"
#define UDP_TIMEOUT 5                /* dighost.h */
#define TCP_TIMEOUT 10
#define DEFAULT_EDNS_BUFSIZE 1232
#define MAXNDOTS 0xffff
#define MAXTIMEOUT 0xffff
#define MAXTRIES 0xffffffffU
#define RESCONF_MAX_NAMESERVERS 3    /* irs resconf.c */
#define RESCONF_MAX_SEARCH 8
#define OPT_COOKIE 10                /* RFC 7873 */
#define OPT_NSID 3
/* An ICMP error back sooner than this never left the client's node (the
 * scenario defaults: 5 us a veth hop, 100 us or more across nodes).  The
 * kernel handles such an error before the write() that caused it returns,
 * so busybox's next write() on the socket fails. */
#define BB_SAME_NODE_ERROR (50 * KN_USEC)

/*****************************************************************************
 * Common: a running tool, its output, its DNS exchanges.
 *****************************************************************************/

typedef struct Tool Tool;
struct Tool {
    guint refs;                  /* the run itself and each pending exchange */
    gboolean finished;           /* 'done' was called */
    KnNetClient *net;
    KnToolIo io;
    KnToolDone done;
    gpointer user_data;
    const char *stream;          /* the random stream ids come from */
    guint64 counter;             /* ids when the client draws no random bits */
    void (*free)(Tool *tool);    /* frees the tool's own state and 'tool' */
};

static void
tool_unref(Tool *tool)
{
    if (--tool->refs == 0)
        tool->free(tool);
}

/* Exits with 'status': 'done' once, then the run lets go of the tool. */
static void
tool_exit(Tool *tool, int status)
{
    if (tool->finished)
        return;
    tool->finished = TRUE;
    if (tool->net->klass->disown != NULL)
        tool->net->klass->disown(tool->net->self, tool);
    tool->done(status, tool->user_data);
    tool_unref(tool);
}

/* The simulation ended with the tool still waiting (netclient.h adopt):
 * the run lets go of it, without 'done'. */
static void
tool_abandon(gpointer data)
{
    Tool *tool = data;

    tool->finished = TRUE;
    tool_unref(tool);
}

/* The tool runs: its network knows it until it exits. */
static void
tool_adopt(Tool *tool)
{
    if (tool->net->klass->adopt != NULL)
        tool->net->klass->adopt(tool->net->self, tool, tool_abandon);
}

static KnTime
tool_now(Tool *tool)
{
    return tool->net->klass->now(tool->net->self);
}

static guint64
tool_random(Tool *tool)
{
    if (tool->net->klass->random != NULL)
        return tool->net->klass->random(tool->net->self, tool->stream);
    return ++tool->counter;
}

/* The text of the container's file 'path'; new, or NULL. */
static char *
tool_read_text(Tool *tool, const char *path)
{
    g_autoptr(GBytes) bytes = NULL;
    gsize size;
    const char *data;

    if (tool->io.read_file == NULL)
        return NULL;
    bytes = tool->io.read_file(path, tool->io.read_file_data);
    if (bytes == NULL)
        return NULL;
    data = g_bytes_get_data(bytes, &size);
    return g_strndup(data, size);
}

static void out(Tool *tool, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
out(Tool *tool, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_string_append_vprintf(tool->io.out, format, args);
    va_end(args);
}

static void err(Tool *tool, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
err(Tool *tool, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_string_append_vprintf(tool->io.err, format, args);
    va_end(args);
}

/* A name as a masterfile or dig writes it: "web.default.svc.cluster.local."
 * and "." for the root. */
static void
append_fqdn(GString *s, const char *name)
{
    if (name[0] == '\0')
        g_string_append_c(s, '.');
    else
        g_string_append_printf(s, "%s.", name);
}

/* dns_name_format(): the same without the final dot (the root stays "."). */
static const char *
name_text(const char *name)
{
    return name[0] == '\0' ? "." : name;
}

/* The outcome of one DNS exchange. */
typedef struct DnsReply {
    KnNetStatus status;          /* OK: 'wire' holds a reply */
    gboolean eof;                /* TCP: the server closed before a whole reply */
    GBytes *wire;                /* the reply (without TCP's length), or NULL */
    KnTime sent;                 /* when the query left (TCP: once connected) */
    KnTime finished;
    gboolean connected;          /* TCP: the handshake finished */
} DnsReply;

typedef void (*DnsReplyFn)(Tool *tool, const DnsReply *reply, gpointer data);

typedef struct DnsCall {
    Tool *tool;
    DnsReplyFn fn;
    gpointer data;
    KnTime sent;
    guint8 id[2];                /* the query's id, which its answer repeats */
} DnsCall;

/* The call is over: answered, failed, or the simulation ended first. */
static void
dns_call_drop(gpointer user_data)
{
    DnsCall *call = user_data;

    tool_unref(call->tool);
    g_free(call);
}

static void
on_dns_udp(const KnUdpResult *result, gpointer user_data)
{
    DnsCall *call = user_data;
    DnsReply reply = { 0 };

    reply.status = result->status;
    reply.wire = result->status == KN_NET_OK ? result->received : NULL;
    reply.sent = call->sent;
    reply.finished = result->finished;
    if (!call->tool->finished)
        call->fn(call->tool, &reply, call->data);
    dns_call_drop(call);
}

static void
on_dns_tcp(const KnTcpResult *result, gpointer user_data)
{
    DnsCall *call = user_data;
    DnsReply reply = { 0 };
    gsize size;
    const guint8 *data = g_bytes_get_data(result->received, &size);
    g_autoptr(GBytes) wire = NULL;

    if (size >= 2 && size >= 2 + (gsize) (data[0] << 8 | data[1]))
        wire = g_bytes_new(data + 2, (gsize) (data[0] << 8 | data[1]));
    reply.connected = result->connected != 0;
    reply.status = wire != NULL ? KN_NET_OK : result->status;
    reply.eof = wire == NULL && result->status == KN_NET_OK;
    reply.wire = wire;
    reply.sent = result->connected != 0 ? result->connected : result->started;
    reply.finished = result->finished;
    if (!call->tool->finished)
        call->fn(call->tool, &reply, call->data);
    dns_call_drop(call);
}

/* A datagram on a shared socket answers the query with its id (busybox's
 * memcmp of the first two bytes); others are read and dropped. */
static gboolean
dns_accepts(GBytes *datagram, gpointer user_data)
{
    const DnsCall *call = user_data;
    gsize size;
    const guint8 *data = g_bytes_get_data(datagram, &size);

    return size >= 2 && memcmp(data, call->id, 2) == 0;
}

/* Sends 'query' to 'server' port 'port' over UDP (waiting 'timeout' for
 * the answer; from local port 'sport' if not 0, a socket of udp_bind()
 * shared by queries told apart by id, else from a port of its own) or
 * TCP (2-byte length first, RFC 1035 4.2.2; 'timeout' for the connection
 * and again for the answer); calls 'fn' with the result unless the tool
 * has exited by then. */
static void
dns_send(Tool *tool, const KnAddr *server, guint16 port, guint16 sport, GBytes *query,
         gboolean tcp, KnTime timeout, DnsReplyFn fn, gpointer data)
{
    DnsCall *call = g_new0(DnsCall, 1);

    call->tool = tool;
    call->fn = fn;
    call->data = data;
    call->sent = tool_now(tool);
    tool->refs++;
    if (tcp) {
        KnTcpRequest request = { 0 };
        gsize size;
        const guint8 *bytes = g_bytes_get_data(query, &size);
        g_autoptr(GByteArray) framed = g_byte_array_new();
        guint8 prefix[2] = { size >> 8, size & 0xff };
        g_autoptr(GBytes) send = NULL;

        g_byte_array_append(framed, prefix, 2);
        g_byte_array_append(framed, bytes, (guint) size);
        send = g_byte_array_free_to_bytes(g_steal_pointer(&framed));
        request.dst = *server;
        request.port = port;
        request.send = send;
        request.connect_timeout = timeout;
        request.max_time = 2 * timeout;
        tool->net->klass->tcp_exchange(tool->net->self, &request, on_dns_tcp, call);
    } else {
        KnUdpRequest request = { 0 };

        request.dst = *server;
        request.port = port;
        request.send = query;
        request.timeout = timeout;
        request.destroy = dns_call_drop;
        if (sport != 0) {
            gsize size;
            const guint8 *bytes = g_bytes_get_data(query, &size);

            if (size >= 2)
                memcpy(call->id, bytes, 2);
            request.sport = sport;
            request.accepts = dns_accepts;
        }
        tool->net->klass->udp_exchange(tool->net->self, &request, on_dns_udp, call);
    }
}

/* isc_result_totext() of a failed exchange. */
static const char *
isc_result_text(const DnsReply *reply)
{
    if (reply->eof)
        return "end of file";
    switch (reply->status) {
    case KN_NET_REFUSED:
        return "connection refused";
    case KN_NET_HOST_UNREACHABLE:
        return "host unreachable";
    case KN_NET_NETWORK_UNREACHABLE:
        return "network unreachable";
    case KN_NET_RESET:
        return "connection reset";
    case KN_NET_CONNECT_TIMEOUT:
    case KN_NET_TIMEOUT:
    case KN_NET_OK:
        break;
    }
    return "timed out";
}

/* A numeric address, or a name to resolve before the tool can start. */
typedef struct HostArg {
    char *host;                  /* as typed */
    GPtrArray *addrs;            /* KnAddr *; NULL until resolved */
    gboolean failed;
} HostArg;

static void
host_arg_free(HostArg *arg)
{
    g_free(arg->host);
    if (arg->addrs != NULL)
        g_ptr_array_unref(arg->addrs);
    g_free(arg);
}

/* Resolves, one after the other, the HostArgs of 'args' that are not
 * address literals, then calls 'then' (isc_getaddresses, xhost2sockaddr:
 * the C library's resolver). */
typedef struct Resolving {
    Tool *tool;
    GPtrArray *args;             /* HostArg *, borrowed */
    guint next;
    void (*then)(Tool *tool);
} Resolving;

static void resolve_next(Resolving *r);

static void
on_host_resolved(const KnResolveResult *result, gpointer user_data)
{
    Resolving *r = user_data;
    HostArg *arg = r->args->pdata[r->next];

    arg->addrs = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; result->found && result->addresses != NULL && i < result->addresses->len; i++)
        g_ptr_array_add(arg->addrs, g_memdup2(result->addresses->pdata[i], sizeof(KnAddr)));
    arg->failed = arg->addrs->len == 0;
    r->next++;
    resolve_next(r);
}

static void
resolve_next(Resolving *r)
{
    while (r->next < r->args->len) {
        HostArg *arg = r->args->pdata[r->next];
        KnAddr addr;

        if (arg->addrs != NULL) {
            r->next++;
            continue;
        }
        if (kn_addr_parse(arg->host, &addr)) {
            arg->addrs = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(arg->addrs, g_memdup2(&addr, sizeof addr));
            r->next++;
            continue;
        }
        r->tool->net->klass->resolve(r->tool->net->self, arg->host, on_host_resolved, r);
        return;
    }
    Tool *tool = r->tool;
    void (*then)(Tool *) = r->then;

    g_free(r);
    then(tool);
    tool_unref(tool);
}

static void
resolve_hosts(Tool *tool, GPtrArray *args, void (*then)(Tool *tool))
{
    Resolving *r = g_new0(Resolving, 1);

    r->tool = tool;
    r->args = args;
    r->then = then;
    tool->refs++;
    resolve_next(r);
}

/* The pod's clock as strftime("%a %b %d %H:%M:%S %Z %Y") prints it in a
 * container (TZ unset: UTC). */
static void
append_when(GString *s, KnTime now)
{
    static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(KN_IMAGES_EPOCH +
                                                           (gint64) (now / KN_SEC));

    g_string_append_printf(s, "%s %s %02d %02d:%02d:%02d UTC %d",
                           days[g_date_time_get_day_of_week(t) - 1],
                           months[g_date_time_get_month(t) - 1], g_date_time_get_day_of_month(t),
                           g_date_time_get_hour(t), g_date_time_get_minute(t),
                           g_date_time_get_second(t), g_date_time_get_year(t));
}

/*****************************************************************************
 * bind9: dig and nslookup share dighost.c.
 *****************************************************************************/

typedef enum {
    BIND_DIG,
    BIND_NSLOOKUP,
    BIND_HOST,
} BindProgram;

/* A server to ask (dig_server_t). */
typedef struct BindServer {
    char *servername;            /* the address as text, "10.96.0.10" */
    char *userarg;               /* as given: the address, or @name / nslookup's SERVER */
    KnAddr addr;
} BindServer;

static BindServer *
bind_server_new(const KnAddr *addr, const char *userarg)
{
    BindServer *s = g_new0(BindServer, 1);
    char text[KN_ADDR_STRLEN];

    s->addr = *addr;
    s->servername = g_strdup(kn_addr_format(addr, text));
    s->userarg = g_strdup(userarg != NULL ? userarg : text);
    return s;
}

static void
bind_server_free(BindServer *s)
{
    g_free(s->servername);
    g_free(s->userarg);
    g_free(s);
}

/* One question to ask, with its options (dig_lookup_t). */
typedef struct Lookup {
    char *textname;              /* as given; a reverse name ends in '.' */
    guint16 rdtype;
    guint16 rdclass;
    gboolean rdtypeset, rdclassset;
    gboolean new_search;         /* apply the search rules in setup */
    gboolean need_search;        /* the name went as-is first; search next */
    gboolean done_as_is;         /* the as-is name has been tried */
    int origin;                  /* search list index in use; -1: none */
    int retries;                 /* tries left */
    gboolean tcp_mode, tcp_mode_set;
    gboolean recurse, aaonly, adflag, cdflag, raflag, tcflag, dnssec;
    gboolean sendcookie;
    int edns;                    /* EDNS version; -1: no EDNS */
    int udpsize;                 /* -1: DEFAULT_EDNS_BUFSIZE when EDNS is on */
    gboolean comments, stats;
    gboolean section_question, section_answer, section_authority, section_additional;
    gboolean servfail_stops, ignore, nottl, noclass, use_usec;
    char *cmdline;               /* dig's banner, until printed; NULL: none */
    GPtrArray *servers;          /* BindServer *: the lookup's own list */
    /* set up when the lookup starts */
    char *qname;                 /* the name asked, without the final dot */
    guint16 id;
    GBytes *wire;                /* the query */
    guint query;                 /* the server being asked (index) */
} Lookup;

typedef struct Bind {
    Tool tool;
    BindProgram program;
    char *progname;              /* "dig", "nslookup"; host: argv[0] as typed */
    char *version;
    GStrv argv;
    GQueue lookups;              /* Lookup *: to run, in order */
    Lookup *current;             /* running */
    Lookup *default_lookup;      /* dig: what each name starts from */
    GPtrArray *server_list;      /* BindServer *: resolv.conf's, or nslookup's SERVER */
    GPtrArray *search_list;      /* char * */
    GPtrArray *hosts;            /* HostArg *: @server and SERVER arguments */
    int ndots;
    int tries;
    guint timeout;               /* seconds per try; 0: UDP_TIMEOUT, TCP_TIMEOUT */
    guint16 port;
    gboolean usesearch, showsearch;
    gboolean short_form, printcmd;
    gboolean check_ra;
    gboolean ipv4only, ipv6only;
    guint8 cookie[8];            /* the client cookie of the run */
    int exitcode;
    int fatalexit;               /* fatal()'s and digexit()'s status if not 0 (host) */
    int addresscount;
    gboolean greeted;            /* the banner was made (printgreeting's 'first') */
    char *domainopt;             /* +domain= / -domain= */
    /* nslookup; host uses default_lookups too (A, then AAAA and MX) */
    gboolean default_lookups, a_noanswer;
    gboolean interactive;        /* no name: commands from standard input */
    int query_error, print_error;
    /* host (short_form is host's too: on unless -v, -d or -a) */
    gboolean listed_server;      /* a SERVER argument: "Using domain server:" */
    gboolean printed_server;     /* ... printed, once */
    gboolean list_almost_all;    /* -A: leave out RRSIG, NSEC, NSEC3 */
    int seen_error;              /* -1 nothing printed, 1 an error rcode, 0 answers */
} Bind;

static Lookup *
lookup_new(Bind *b)
{
    Lookup *l = g_new0(Lookup, 1);

    l->rdtype = KN_DNS_TYPE_A;
    l->rdclass = KN_DNS_CLASS_IN;
    l->origin = -1;
    l->retries = b->tries;
    l->recurse = TRUE;
    l->edns = -1;
    l->udpsize = -1;
    l->comments = l->stats = TRUE;
    l->section_question = l->section_answer = TRUE;
    l->section_authority = l->section_additional = TRUE;
    l->servfail_stops = TRUE;
    l->servers = g_ptr_array_new_with_free_func((GDestroyNotify) bind_server_free);
    return l;
}

static void
lookup_free(Lookup *l)
{
    if (l == NULL)
        return;
    g_free(l->textname);
    g_free(l->cmdline);
    g_ptr_array_unref(l->servers);
    g_free(l->qname);
    if (l->wire != NULL)
        g_bytes_unref(l->wire);
    g_free(l);
}

static void
copy_servers(GPtrArray *to, GPtrArray *from)
{
    for (guint i = 0; i < from->len; i++) {
        const BindServer *s = from->pdata[i];

        g_ptr_array_add(to, bind_server_new(&s->addr, s->userarg));
    }
}

/* clone_lookup(): the options and the search position, not the query;
 * new_search stays off. */
static Lookup *
lookup_clone(Bind *b, const Lookup *old, gboolean servers)
{
    Lookup *l = lookup_new(b);
    GPtrArray *list = l->servers;

    *l = *old;
    l->servers = list;
    l->textname = g_strdup(old->textname);
    l->cmdline = g_strdup(old->cmdline);
    l->new_search = FALSE;
    l->qname = NULL;
    l->wire = NULL;
    l->query = 0;
    if (servers)
        copy_servers(l->servers, old->servers);
    return l;
}

static void
bind_free(Tool *tool)
{
    Bind *b = (Bind *) tool;
    Lookup *l;

    while ((l = g_queue_pop_head(&b->lookups)) != NULL)
        lookup_free(l);
    lookup_free(b->current);
    lookup_free(b->default_lookup);
    g_ptr_array_unref(b->server_list);
    g_ptr_array_unref(b->search_list);
    g_ptr_array_unref(b->hosts);
    g_free(b->progname);
    g_free(b->version);
    g_free(b->domainopt);
    g_strfreev(b->argv);
    g_free(b);
}

/* irs_resconf_load() and setup_system(): /etc/resolv.conf as bind reads
 * it.  Words start a comment with '#' or ';'. */
static void
bind_setup_system(Bind *b)
{
    g_autofree char *text = tool_read_text(&b->tool, "/etc/resolv.conf");
    g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
    int attempts = 0;
    guint n_nameservers = 0;
    guint timeout = 0;

    b->ndots = 1;
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) raw = g_strsplit_set(lines[i], " \t\r", -1);
        g_autoptr(GPtrArray) words = g_ptr_array_new();

        for (guint j = 0; raw[j] != NULL; j++) {
            if (raw[j][0] == '#' || raw[j][0] == ';')
                break;
            if (raw[j][0] != '\0')
                g_ptr_array_add(words, raw[j]);
        }
        if (words->len < 2)
            continue;
        const char *key = words->pdata[0];

        if (strcmp(key, "nameserver") == 0) {
            KnAddr addr;

            if (words->len == 2 && kn_addr_parse(words->pdata[1], &addr)
                && n_nameservers < RESCONF_MAX_NAMESERVERS) {
                n_nameservers++;
                /* "treat all-0 IPv4 address as loopback" */
                if (addr.family == 4 && memcmp(addr.bytes, "\0\0\0\0", 4) == 0)
                    kn_addr_parse("127.0.0.1", &addr);
                /* host -4 / -6 filter what resconf kept (get_server_list). */
                if (!(b->ipv4only && addr.family != 4) && !(b->ipv6only && addr.family != 6))
                    g_ptr_array_add(b->server_list, bind_server_new(&addr, NULL));
            }
        } else if (strcmp(key, "domain") == 0) {
            g_ptr_array_set_size(b->search_list, 0);
            g_ptr_array_add(b->search_list, g_strdup(words->pdata[1]));
        } else if (strcmp(key, "search") == 0) {
            g_ptr_array_set_size(b->search_list, 0);
            for (guint j = 1; j < words->len && j <= RESCONF_MAX_SEARCH; j++)
                g_ptr_array_add(b->search_list, g_strdup(words->pdata[j]));
        } else if (strcmp(key, "options") == 0) {
            for (guint j = 1; j < words->len; j++) {
                const char *o = words->pdata[j];
                guint64 v;

                if (g_str_has_prefix(o, "ndots:")
                    && g_ascii_string_to_unsigned(o + 6, 10, 0, 255, &v, NULL))
                    b->ndots = (int) v;
                else if (g_str_has_prefix(o, "timeout:")
                         && g_ascii_string_to_unsigned(o + 8, 10, 0, 30, &v, NULL))
                    timeout = (guint) v;
                else if (g_str_has_prefix(o, "attempts:")
                         && g_ascii_string_to_unsigned(o + 9, 10, 0, 5, &v, NULL))
                    attempts = (int) v;
            }
        }
    }
    /* A search domain "." names the root: no suffix at all. */
    for (guint i = b->search_list->len; i-- > 0;) {
        char *d = b->search_list->pdata[i];
        gsize n = strlen(d);

        if (n > 0 && d[n - 1] == '.')
            d[n - 1] = '\0';
    }
    if (b->server_list->len == 0) {
        KnAddr v4, v6;

        kn_addr_parse("127.0.0.1", &v4);
        kn_addr_parse("::1", &v6);
        /* host -4 / -6 come before this (pre_parse_args): "host -6 NAME"
         * with IPv4 nameservers only asks ::1. */
        if (!b->ipv6only)
            g_ptr_array_add(b->server_list, bind_server_new(&v4, NULL));
        if (!b->ipv4only)
            g_ptr_array_add(b->server_list, bind_server_new(&v6, NULL));
    }
    b->timeout = timeout;
    b->tries = attempts > 0 ? attempts : 3;
    for (guint8 i = 0; i < sizeof b->cookie; i++)
        b->cookie[i] = (guint8) tool_random(&b->tool);
}

static void bind_fatal(Bind *b, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* fatal(): "dig: MESSAGE" on standard error, exit status 'fatalexit'
 * or 1 (dig, nslookup and host 9.18.49 all exit 1 from fatal(): "dig -p
 * abc", "dig @nosuchhost", "nslookup NAME nosuchhost"; digexit() alone
 * gives 10, see bind_digexit()). */
static void
bind_fatal(Bind *b, const char *format, ...)
{
    va_list args;

    err(&b->tool, "%s: ", b->progname);
    va_start(args, format);
    g_string_append_vprintf(b->tool.io.err, format, args);
    va_end(args);
    err(&b->tool, "\n");
    tool_exit(&b->tool, b->fatalexit != 0 ? b->fatalexit : 1);
}

/* digexit(): exit status at least 10, or 'fatalexit' (host's 1). */
static void
bind_digexit(Bind *b)
{
    if (b->fatalexit != 0)
        tool_exit(&b->tool, b->fatalexit);
    else
        tool_exit(&b->tool, b->exitcode > 10 ? b->exitcode : 10);
}

/* The text after an isc_result for a name that does not parse; NULL if it
 * is a legal name (dns_name_fromtext: labels of 1 to 63 octets, 255 in
 * all; "." alone is the root). */
static const char *
name_error(const char *name)
{
    gsize total = 1;

    if (name[0] == '\0')
        return "unexpected end of input";
    if (strcmp(name, ".") == 0)
        return NULL;
    g_auto(GStrv) labels = g_strsplit(name, ".", -1);
    guint n = g_strv_length(labels);

    for (guint i = 0; i < n; i++) {
        gsize len = strlen(labels[i]);

        if (len == 0 && !(i == n - 1 && i > 0))
            return "empty label";
        if (len > 63)
            return "label too long";
        total += len + (len > 0);
    }
    return total > 255 ? "name too long" : NULL;
}

static int
count_dots(const char *s)
{
    int dots = 0;

    for (; *s != '\0'; s++)
        dots += *s == '.';
    return dots;
}

/*****************************************************************************
 * bind9: the lookup engine (dighost.c setup_lookup, next_origin,
 * recv_done and its neighbours).
 *****************************************************************************/

static void bind_start_lookup(Bind *b);
static void dig_printmessage(Bind *b, Lookup *l, const KnDnsMessage *msg, gboolean cc_ok,
                             gboolean cc_bad);
static void dig_received(Bind *b, Lookup *l, const DnsReply *reply);
static void nslookup_printmessage(Bind *b, Lookup *l, const KnDnsMessage *msg);
static void host_printmessage(Bind *b, Lookup *l, const KnDnsMessage *msg);
static void host_received(Bind *b, Lookup *l, const DnsReply *reply);

static void bind_warning(Bind *b, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* dighost_warning, dighost_error (dig_warning, dig_error and nslookup's
 * default_warnerr alike): ";; MESSAGE" on standard output. */
static void
bind_warning(Bind *b, const char *format, ...)
{
    va_list args;

    out(&b->tool, ";; ");
    va_start(args, format);
    g_string_append_vprintf(b->tool.io.out, format, args);
    va_end(args);
    out(&b->tool, "\n");
}

static void bind_comments(Bind *b, const Lookup *l, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* dighost_comments: the same, only with +comments (and, in dig, not with
 * +short). */
static void
bind_comments(Bind *b, const Lookup *l, const char *format, ...)
{
    va_list args;

    if (!l->comments || (b->program == BIND_DIG && b->short_form))
        return;
    out(&b->tool, ";; ");
    va_start(args, format);
    g_string_append_vprintf(b->tool.io.out, format, args);
    va_end(args);
    out(&b->tool, "\n");
}

/* isc_sockaddr_format(): "10.96.0.10#53", "fd00::a#53". */
static void
format_sockaddr(const KnAddr *addr, guint16 port, char *buf, gsize size)
{
    char text[KN_ADDR_STRLEN];

    g_snprintf(buf, size, "%s#%u", kn_addr_format(addr, text), port);
}

/* The lookup leaves the queue ahead of every other one (requeue_lookup). */
static Lookup *
requeue_lookup(Bind *b, const Lookup *old, gboolean servers)
{
    Lookup *l = lookup_clone(b, old, servers);

    g_queue_push_head(&b->lookups, l);
    return l;
}

/* The current lookup is over: start the next, or end the run. */
static void
bind_next_lookup(Bind *b)
{
    g_clear_pointer(&b->current, lookup_free);
    bind_start_lookup(b);
}

/* next_origin(): queues the lookup of the next name of the search walk;
 * FALSE if there is none. */
static gboolean
next_origin(Bind *b, const Lookup *old)
{
    gsize n = strlen(old->textname);
    Lookup *l;

    if (!b->usesearch)
        return FALSE;
    /* An absolute name, or one with more labels than ndots. */
    if ((n > 0 && old->textname[n - 1] == '.') || count_dots(old->textname) + 1 > b->ndots)
        return FALSE;
    if (old->origin < 0 && !old->need_search)
        return FALSE;        /* the as-is name was the last */
    if (old->origin < 0) {
        l = requeue_lookup(b, old, TRUE);
        l->origin = b->search_list->len > 0 ? 0 : -1;
        l->need_search = FALSE;
    } else {
        int next = (guint) old->origin + 1 < b->search_list->len ? old->origin + 1 : -1;

        if (next < 0 && old->done_as_is)
            return FALSE;
        l = requeue_lookup(b, old, TRUE);
        l->origin = next;
    }
    return TRUE;
}

/* setup_lookup(): the name to ask and the query.  FALSE if the name
 * cannot be made (too long with this search domain); also FALSE, with
 * the tool exited, when the name does not parse. */
static gboolean
setup_lookup(Bind *b, Lookup *l)
{
    gsize n = strlen(l->textname);
    gboolean absolute = n > 0 && l->textname[n - 1] == '.';
    g_autofree char *base = g_strndup(l->textname, absolute ? n - 1 : n);
    g_autoptr(KnDnsMessage) query = NULL;
    const char *problem;

    if (l->servers->len == 0)
        copy_servers(l->servers, b->server_list);
    if (l->new_search) {
        if (count_dots(l->textname) >= b->ndots || !b->usesearch) {
            l->origin = -1;      /* force an absolute lookup */
            l->done_as_is = TRUE;
            l->need_search = b->usesearch;
        } else if (l->origin < 0 && b->usesearch) {
            l->origin = b->search_list->len > 0 ? 0 : -1;
            l->need_search = FALSE;
        }
    }
    g_clear_pointer(&l->qname, g_free);
    if (l->origin >= 0) {
        const char *origin = b->search_list->pdata[l->origin];

        /* The name is parsed on its own first, so an absolute one that
         * does not parse is fatal here too ("dig +search a..b.",
         * "nslookup a..b." in 9.18.49: "is not in legal name syntax",
         * status 1). */
        problem = name_error(l->textname);
        if (problem == NULL && !absolute) {
            l->qname = origin[0] != '\0' ? g_strdup_printf("%s.%s", base, origin)
                                          : g_strdup(base);
            problem = name_error(l->qname);
        } else if (problem == NULL) {
            l->qname = strcmp(base, ".") == 0 ? g_strdup("") : g_strdup(base);
        }
        if (problem != NULL && strcmp(problem, "name too long") == 0)
            return FALSE;
        if (problem != NULL) {
            bind_fatal(b, "'%s' is not in legal name syntax (%s)", l->textname, problem);
            return FALSE;
        }
    } else {
        problem = name_error(l->textname);
        if (problem != NULL) {
            /* warn() and digexit(). */
            err(&b->tool, "%s: '%s' is not a legal name (%s)\n", b->progname, l->textname, problem);
            bind_digexit(b);
            return FALSE;
        }
        l->qname = strcmp(base, ".") == 0 ? g_strdup("") : g_strdup(base);
    }
    /* host's trying(): each name asked, search walk included. */
    if (b->program == BIND_HOST && !b->short_form)
        out(&b->tool, "Trying \"%s\"\n", name_text(l->qname));
    l->id = (guint16) tool_random(&b->tool);
    query = kn_dns_message_new_query(l->id, l->qname, l->rdtype,
                                     l->recurse && l->rdtype != KN_DNS_TYPE_AXFR
                                     && l->rdtype != KN_DNS_TYPE_IXFR);
    ((KnDnsQuestion *) query->questions->pdata[0])->klass = l->rdclass;
    query->aa = l->aaonly;
    query->ad = l->adflag;
    query->cd = l->cdflag;
    query->ra = l->raflag;
    query->tc = l->tcflag;
    if (l->udpsize > -1 || l->dnssec || l->edns > -1) {
        if (l->udpsize < 0)
            l->udpsize = DEFAULT_EDNS_BUFSIZE;
        if (l->edns < 0)
            l->edns = 0;
        kn_dns_message_set_edns(query, (guint16) l->udpsize, l->dnssec);
        kn_dns_message_opt(query)->ttl |= (guint32) l->edns << 16;
        if (l->sendcookie) {
            guint8 option[4 + sizeof b->cookie] = { 0, OPT_COOKIE, 0, sizeof b->cookie };

            memcpy(option + 4, b->cookie, sizeof b->cookie);
            kn_dns_message_opt(query)->rdata = g_bytes_new(option, sizeof option);
        }
    }
    g_clear_pointer(&l->wire, g_bytes_unref);
    l->wire = kn_dns_message_encode(query);
    /* "Force TCP mode if the request is larger than 512 bytes." */
    if (g_bytes_get_size(l->wire) > 512)
        l->tcp_mode = TRUE;
    l->query = 0;
    return TRUE;
}

static void bind_on_reply(Tool *tool, const DnsReply *reply, gpointer data);

/* start_udp / start_tcp: asks the lookup's current server. */
static void
bind_send(Bind *b, Lookup *l)
{
    const BindServer *s = l->servers->pdata[l->query];
    guint seconds = b->timeout != 0 ? b->timeout : l->tcp_mode ? TCP_TIMEOUT : UDP_TIMEOUT;

    if (!l->tcp_mode)
        b->exitcode = 0;         /* udp_ready: the socket is set up */
    dns_send(&b->tool, &s->addr, b->port, 0, l->wire, l->tcp_mode, (KnTime) seconds * KN_SEC,
             bind_on_reply, l);
}

static void
bind_shutdown(Bind *b)
{
    if (b->program == BIND_DIG) {
        tool_exit(&b->tool, b->exitcode);
        return;
    }
    if (b->program == BIND_HOST) {
        /* host's main(): 0 only if some answer was printed and no error
         * rcode was; servers that could not be reached alone give 1. */
        tool_exit(&b->tool, b->seen_error == 0 ? 0 : 1);
        return;
    }
    /* nslookup's main(): a blank line after the loop ends. */
    out(&b->tool, "\n");
    tool_exit(&b->tool, b->query_error | b->print_error);
}

static void
bind_start_lookup(Bind *b)
{
    Lookup *l;

    while ((l = g_queue_pop_head(&b->lookups)) != NULL) {
        b->current = l;
        if (setup_lookup(b, l)) {
            bind_send(b, l);
            return;
        }
        if (b->tool.finished)
            return;
        next_origin(b, l);
        g_clear_pointer(&b->current, lookup_free);
    }
    bind_shutdown(b);
}

/* The end of a lookup whose servers all failed: dig's banner (if it was
 * never printed), ";; no servers could be reached", exit status 9. */
static void
no_servers(Bind *b, Lookup *l, gboolean cmdline)
{
    if (cmdline && l->cmdline != NULL)
        out(&b->tool, "%s", l->cmdline);
    bind_warning(b, "no servers could be reached");
    if (b->exitcode < 9)
        b->exitcode = 9;
    bind_next_lookup(b);
}

/* process_cookie(): whether the reply's COOKIE starts with ours. */
static void
check_cookie(Bind *b, const Lookup *l, const KnDnsMessage *msg, gboolean *cc_ok, gboolean *cc_bad)
{
    const KnDnsRecord *opt = kn_dns_message_opt(msg);
    const guint8 *d;
    gsize n, at = 0;

    *cc_ok = *cc_bad = FALSE;
    if (!l->sendcookie || opt == NULL || opt->rdata == NULL)
        return;
    d = g_bytes_get_data(opt->rdata, &n);
    while (at + 4 <= n) {
        guint code = (guint) d[at] << 8 | d[at + 1];
        gsize length = (gsize) d[at + 2] << 8 | d[at + 3];

        if (at + 4 + length > n)
            break;
        if (code == OPT_COOKIE) {
            if (length >= 8 && memcmp(d + at + 4, b->cookie, 8) == 0) {
                *cc_ok = TRUE;
            } else if (length >= 8) {
                bind_warning(b, "Warning: Client COOKIE mismatch");
                *cc_bad = TRUE;
            } else {
                bind_warning(b, "Warning: COOKIE bad token (too short)");
                *cc_bad = TRUE;
            }
            return;          /* "Only process the first cookie option." */
        }
        at += 4 + length;
    }
}

static void
bind_on_reply(Tool *tool, const DnsReply *reply, gpointer data)
{
    Bind *b = (Bind *) tool;
    Lookup *l = data;
    const BindServer *s = l->servers->pdata[l->query];
    char sockstr[KN_ADDR_STRLEN + 8];
    g_autoptr(KnDnsMessage) msg = NULL;
    g_autoptr(GError) error = NULL;
    gboolean cc_ok, cc_bad;

    format_sockaddr(&s->addr, b->port, sockstr, sizeof sockstr);
    if (l->tcp_mode && !reply->connected) {
        /* tcp_connected(), unsuccessful. */
        bind_warning(b, "Connection to %s(%s) for %s failed: %s.", sockstr, s->servername,
                     l->textname, isc_result_text(reply));
        if (b->exitcode < 9)
            b->exitcode = 9;
        /* A retry requeues the whole lookup, and says "no servers could
         * be reached" all the same. */
        if (l->retries > 1) {
            l->retries--;
            requeue_lookup(b, l, TRUE);
        } else if (l->query + 1 < l->servers->len) {
            l->query++;
            bind_send(b, l);
            return;
        }
        no_servers(b, l, FALSE);
        return;
    }
    if (l->tcp_mode)
        b->exitcode = 0;         /* tcp_connected */
    if (reply->status != KN_NET_OK) {
        /* recv_done(), eresult != ISC_R_SUCCESS. */
        bind_warning(b, "communications error to %s: %s", sockstr, isc_result_text(reply));
        if (l->retries > 1 && !l->tcp_mode) {
            l->retries--;    /* a copy of the query, to the same server */
            bind_send(b, l);
        } else if (l->retries > 1) {
            l->retries--;
            requeue_lookup(b, l, TRUE);
            bind_next_lookup(b);
        } else if (l->query + 1 < l->servers->len) {
            l->query++;
            bind_send(b, l);
        } else {
            no_servers(b, l, TRUE);
        }
        return;
    }
    msg = kn_dns_message_decode(reply->wire, &error);
    if (msg == NULL) {
        out(&b->tool, ";; Got bad packet: %s\n", "unexpected end of input");
        bind_next_lookup(b);
        return;
    }
    if (msg->tc && !l->ignore && !l->tcp_mode) {
        Lookup *n;

        bind_comments(b, l, "Truncated, retrying in TCP mode.");
        n = requeue_lookup(b, l, TRUE);
        n->tcp_mode = TRUE;
        bind_next_lookup(b);
        return;
    }
    if ((msg->rcode == KN_DNS_RCODE_SERVFAIL && !l->servfail_stops)
        || (b->check_ra && !msg->ra && l->recurse)) {
        const char *what = msg->rcode == KN_DNS_RCODE_SERVFAIL && !l->servfail_stops
                           ? "SERVFAIL reply" : "recursion not available";

        if (l->query + 1 < l->servers->len) {
            bind_comments(b, l, "Got %s from %s, trying next server", what, s->servername);
            l->query++;
            bind_send(b, l);
            return;
        }
        bind_comments(b, l, "Got %s from %s", what, s->servername);
    }
    check_cookie(b, l, msg, &cc_ok, &cc_bad);
    if (msg->rcode == KN_DNS_RCODE_NXDOMAIN && (l->origin >= 0 || l->need_search)) {
        if (!next_origin(b, l) || b->showsearch) {
            if (b->program == BIND_DIG) {
                dig_printmessage(b, l, msg, cc_ok, cc_bad);
                dig_received(b, l, reply);
            } else if (b->program == BIND_HOST) {
                host_printmessage(b, l, msg);
                host_received(b, l, reply);
            } else {
                nslookup_printmessage(b, l, msg);
            }
        }
    } else if (b->program == BIND_DIG) {
        dig_printmessage(b, l, msg, cc_ok, cc_bad);
    } else if (b->program == BIND_HOST) {
        host_printmessage(b, l, msg);
    } else {
        nslookup_printmessage(b, l, msg);
    }
    /* As recv_done(): an NXDOMAIN asked as-is after no search (origin
     * unset) is reported twice ("host -v a.b" with ndots:1 prints two
     * "Received" lines, as host 9.18.49 does). */
    if (msg->rcode == KN_DNS_RCODE_NOERROR || l->origin < 0) {
        if (b->program == BIND_DIG)
            dig_received(b, l, reply);
        else if (b->program == BIND_HOST)
            host_received(b, l, reply);
    }
    bind_next_lookup(b);
}

/*****************************************************************************
 * dig: printmessage() and received().
 *****************************************************************************/

/* masterdump.c indent(): tabs (8 columns) and spaces from '*column' to
 * 'to', always at least one. */
static void
indent_to(GString *s, guint *column, guint to)
{
    guint from = *column;

    if (to < from + 1)
        to = from + 1;
    if (to / 8 > from / 8) {
        for (guint i = 0; i < to / 8 - from / 8; i++)
            g_string_append_c(s, '\t');
        from = to / 8 * 8;
    }
    for (; from < to; from++)
        g_string_append_c(s, ' ');
    *column = to;
}

/* The style's columns (dns_master_stylecreate in printmessage): TTL,
 * class, type, RDATA. */
static void
style_columns(const Lookup *l, guint col[4])
{
    static const guint normal[4] = { 24, 32, 40, 48 };
    static const guint one_off[4] = { 24, 24, 32, 40 };
    static const guint both_off[4] = { 24, 24, 24, 32 };
    const guint *c = l->nottl && l->noclass ? both_off : l->nottl || l->noclass ? one_off : normal;

    memcpy(col, c, sizeof normal);
}

/* rdataset_totext(): one record line. */
static void
append_record(GString *s, const Lookup *l, const KnDnsRecord *r)
{
    guint col[4], column;
    gsize start = s->len;
    char buf[16];
    g_autofree char *rdata = kn_dns_rdata_to_string(r);

    style_columns(l, col);
    append_fqdn(s, r->name);
    column = (guint) (s->len - start);
    if (!l->nottl) {
        indent_to(s, &column, col[0]);
        start = s->len;
        g_string_append_printf(s, "%u", r->ttl);
        column += (guint) (s->len - start);
    }
    if (!l->noclass) {
        indent_to(s, &column, col[1]);
        g_string_append(s, kn_dns_class_format(r->klass, buf));
        column += (guint) strlen(buf);
    }
    indent_to(s, &column, col[2]);
    g_string_append(s, kn_dns_type_format(r->type, buf));
    column += (guint) strlen(buf);
    indent_to(s, &column, col[3]);
    g_string_append_printf(s, "%s\n", rdata);
}

/* dns_message_sectiontotext(). */
static void
append_section(GString *s, const Lookup *l, const char *title, const GPtrArray *records)
{
    guint n = 0;

    for (guint i = 0; i < records->len; i++)
        n += ((const KnDnsRecord *) records->pdata[i])->type != KN_DNS_TYPE_OPT;
    if (n == 0)
        return;
    if (l->comments)
        g_string_append_printf(s, ";; %s SECTION:\n", title);
    for (guint i = 0; i < records->len; i++) {
        const KnDnsRecord *r = records->pdata[i];

        if (r->type != KN_DNS_TYPE_OPT)
            append_record(s, l, r);
    }
    if (l->comments)
        g_string_append_c(s, '\n');
}

/* One question line: ";NAME.  CLASS  TYPE". */
static void
append_question_line(GString *s, const Lookup *l, const KnDnsQuestion *q)
{
    guint col[4];
    char buf[16];
    gsize start;
    guint column;

    style_columns(l, col);
    /* The ';' is outside the columns dns_master_questiontotext counts. */
    g_string_append_c(s, ';');
    start = s->len;
    append_fqdn(s, q->name);
    column = (guint) (s->len - start);
    indent_to(s, &column, col[1]);
    g_string_append(s, kn_dns_class_format(q->klass, buf));
    column += (guint) strlen(buf);
    indent_to(s, &column, col[2]);
    g_string_append_printf(s, "%s\n", kn_dns_type_format(q->type, buf));
}

static void
append_question(GString *s, const Lookup *l, const KnDnsMessage *msg)
{
    if (msg->questions->len == 0)
        return;
    if (l->comments)
        g_string_append(s, ";; QUESTION SECTION:\n");
    for (guint i = 0; i < msg->questions->len; i++)
        append_question_line(s, l, msg->questions->pdata[i]);
    if (l->comments)
        g_string_append_c(s, '\n');
}

/* dns_message_pseudosectiontotext(DNS_PSEUDOSECTION_OPT). */
static void
append_opt(GString *s, const KnDnsRecord *opt, gboolean cc_ok, gboolean cc_bad)
{
    guint32 mbz = opt->ttl & 0xffff & ~0x8000U;
    const guint8 *d = NULL;
    gsize n = 0, at = 0;

    g_string_append(s, ";; OPT PSEUDOSECTION:\n");
    g_string_append_printf(s, "; EDNS: version: %u, flags:%s", (opt->ttl >> 16) & 0xff,
                           opt->ttl & 0x8000 ? " do" : "");
    if (mbz != 0)
        g_string_append_printf(s, "; MBZ: 0x%.4x, udp: %u\n", mbz, opt->klass);
    else
        g_string_append_printf(s, "; udp: %u\n", opt->klass);
    if (opt->rdata != NULL)
        d = g_bytes_get_data(opt->rdata, &n);
    while (at + 4 <= n) {
        guint code = (guint) d[at] << 8 | d[at + 1];
        gsize length = (gsize) d[at + 2] << 8 | d[at + 3];
        const guint8 *value = d + at + 4;

        if (at + 4 + length > n)
            break;
        at += 4 + length;
        if (code == OPT_COOKIE)
            g_string_append(s, "; COOKIE");
        else if (code == OPT_NSID)
            g_string_append(s, "; NSID");
        else
            g_string_append_printf(s, "; OPT=%u", code);
        if (length == 0) {
            g_string_append_c(s, '\n');
            continue;
        }
        g_string_append(s, ": ");
        for (gsize i = 0; i < length; i++)
            g_string_append_printf(s, code == OPT_COOKIE ? "%02x" : "%02x ", value[i]);
        if (code == OPT_COOKIE) {
            if (cc_ok && length >= 16)
                g_string_append(s, " (good)");
            if (cc_ok && length < 16)
                g_string_append(s, " (echoed)");
            if (cc_bad)
                g_string_append(s, " (bad)");
            g_string_append_c(s, '\n');
            continue;
        }
        g_string_append(s, "(\"");
        for (gsize i = 0; i < length; i++)
            g_string_append_c(s, g_ascii_isprint(value[i]) ? (char) value[i] : '.');
        g_string_append(s, "\")\n");
    }
}

/* dig.c rcode_totext(): the mnemonic, or "?N". */
static const char *
dig_rcode_text(guint rcode, char *buf)
{
    static const char *const extended[] = { "BADVERS", "BADKEY", "BADTIME", "BADMODE",
                                            "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE" };
    const char *name = rcode < 16 ? kn_dns_rcode_name((guint8) rcode) : NULL;

    if (name != NULL)
        return name;
    if (rcode >= 16 && rcode < 16 + G_N_ELEMENTS(extended))
        return extended[rcode - 16];
    g_snprintf(buf, 16, "?%u", rcode);
    return buf;
}

/* isdotlocal(): a question under local. */
static gboolean
is_dot_local(const KnDnsMessage *msg)
{
    for (guint i = 0; i < msg->questions->len; i++)
        if (kn_dns_name_is_subdomain(((const KnDnsQuestion *) msg->questions->pdata[i])->name,
                                     "local"))
            return TRUE;
    return FALSE;
}

static void
dig_printmessage(Bind *b, Lookup *l, const KnDnsMessage *msg, gboolean cc_ok, gboolean cc_bad)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    const KnDnsRecord *opt = kn_dns_message_opt(msg);
    guint rcode = msg->rcode | (opt != NULL ? (opt->ttl >> 24) << 4 : 0);
    static const char *const opcodes[] = { "QUERY", "IQUERY", "STATUS", "RESERVED3", "NOTIFY",
                                           "UPDATE", "RESERVED6", "RESERVED7", "RESERVED8",
                                           "RESERVED9", "RESERVED10", "RESERVED11",
                                           "RESERVED12", "RESERVED13", "RESERVED14",
                                           "RESERVED15" };
    char rbuf[16];

    if (l->cmdline != NULL) {
        if (!b->short_form && b->printcmd)
            out(&b->tool, "%s", l->cmdline);
        g_clear_pointer(&l->cmdline, g_free);
    }
    if (l->comments && !b->short_form) {
        out(&b->tool, ";; Got answer:\n");
        if (is_dot_local(msg))
            out(&b->tool, ";; WARNING: .local is reserved for Multicast DNS\n"
                ";; You are currently testing what happens when an mDNS query is leaked to DNS\n");
        out(&b->tool, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
            opcodes[msg->opcode & 0xf], dig_rcode_text(rcode, rbuf), msg->id);
        out(&b->tool, ";; flags:%s%s%s%s%s%s%s; QUERY: %u, ANSWER: %u, AUTHORITY: %u, "
            "ADDITIONAL: %u\n",
            msg->qr ? " qr" : "", msg->aa ? " aa" : "", msg->tc ? " tc" : "",
            msg->rd ? " rd" : "", msg->ra ? " ra" : "", msg->ad ? " ad" : "",
            msg->cd ? " cd" : "", msg->questions->len, msg->answers->len, msg->authority->len,
            msg->additional->len);
        if (msg->rd && !msg->ra)
            out(&b->tool, ";; WARNING: recursion requested but not available\n");
        if (l->edns != -1 && opt == NULL
            && (rcode == KN_DNS_RCODE_FORMERR || rcode == KN_DNS_RCODE_NOTIMP))
            out(&b->tool, "\n;; WARNING: EDNS query returned status %s - retry with '%s+noedns'\n",
                dig_rcode_text(rcode, rbuf), l->dnssec ? "+nodnssec " : "");
    }
    if (l->comments && !b->short_form && opt != NULL)
        append_opt(buf, opt, cc_ok, cc_bad);
    if (l->section_question && !b->short_form)
        append_question(buf, l, msg);
    if (l->section_answer) {
        if (!b->short_form) {
            append_section(buf, l, "ANSWER", msg->answers);
        } else {
            /* short_answer() and say_message(): the RDATA alone. */
            for (guint i = 0; i < msg->answers->len; i++) {
                g_autofree char *rdata = kn_dns_rdata_to_string(msg->answers->pdata[i]);

                g_string_append_printf(buf, "%s\n", rdata);
            }
        }
    }
    if (l->section_authority && !b->short_form)
        append_section(buf, l, "AUTHORITY", msg->authority);
    if (l->section_additional && !b->short_form)
        append_section(buf, l, "ADDITIONAL", msg->additional);
    if (l->comments && !b->short_form)
        out(&b->tool, "\n");
    g_string_append_len(b->tool.io.out, buf->str, (gssize) buf->len);
}

static void
dig_received(Bind *b, Lookup *l, const DnsReply *reply)
{
    const BindServer *s = l->servers->pdata[l->query];
    char fromtext[KN_ADDR_STRLEN + 8];
    KnTime us = (reply->finished - reply->sent) / KN_USEC;

    if (b->short_form || !l->stats)
        return;
    format_sockaddr(&s->addr, b->port, fromtext, sizeof fromtext);
    if (l->use_usec)
        out(&b->tool, ";; Query time: %ld usec\n", (long) us);
    else
        out(&b->tool, ";; Query time: %ld msec\n", (long) (us / 1000));
    out(&b->tool, ";; SERVER: %s(%s) (%s)\n", fromtext, s->userarg, l->tcp_mode ? "TCP" : "UDP");
    out(&b->tool, ";; WHEN: ");
    append_when(b->tool.io.out, tool_now(&b->tool));
    out(&b->tool, "\n;; MSG SIZE  rcvd: %u\n\n", (guint) g_bytes_get_size(reply->wire));
}

/*****************************************************************************
 * nslookup (bind): printmessage() and printsection().
 *****************************************************************************/

/* nslookup.c rtypetext[]: what precedes the RDATA of a record that is not
 * an address. */
static const char *
rtype_text(guint16 type, char *buf)
{
    static const char *const text[] = {
        "rtype_0 = ", "internet address = ", "nameserver = ", "md = ", "mf = ",
        "canonical name = ", "soa = ", "mb = ", "mg = ", "mr = ", "rtype_10 = ",
        "protocol = ", "name = ", "hinfo = ", "minfo = ", "mail exchanger = ", "text = ",
        "rp = ", "afsdb = ", "x25 address = ", "isdn address = ", "rt = ", "nsap = ",
        "nsap_ptr = ", "signature = ", "key = ", "px = ", "gpos = ", "has AAAA address ",
        "loc = ", "next = ", "rtype_31 = ", "rtype_32 = ", "service = ", "rtype_34 = ",
        "naptr = ", "kx = ", "cert = ", "v6 address = ", "dname = ", "rtype_40 = ",
        "optional = ",
    };

    if (type < G_N_ELEMENTS(text))
        return text[type];
    g_snprintf(buf, 32, "rdata_%u = ", type);
    return buf;
}

/* printsoa(). */
static void
nslookup_printsoa(Bind *b, const KnDnsRecord *r)
{
    out(&b->tool, "\torigin = %s\n", name_text(r->target));
    out(&b->tool, "\tmail addr = %s\n", name_text(r->rname));
    out(&b->tool, "\tserial = %u\n\trefresh = %u\n\tretry = %u\n\texpire = %u\n\tminimum = %u\n",
        r->serial, r->refresh, r->retry, r->expire, r->minimum);
}

/* printsection(). */
static void
nslookup_printsection(Bind *b, const GPtrArray *records, gboolean answer)
{
    for (guint i = 0; i < records->len; i++) {
        const KnDnsRecord *r = records->pdata[i];
        char buf[32];

        if (r->type == KN_DNS_TYPE_OPT)
            continue;
        if ((r->type == KN_DNS_TYPE_A || r->type == KN_DNS_TYPE_AAAA) && answer) {
            char text[KN_ADDR_STRLEN];

            out(&b->tool, "Name:\t%s\nAddress: %s\n", name_text(r->name),
                kn_addr_format(&r->addr, text));
        } else if (r->type == KN_DNS_TYPE_SOA) {
            out(&b->tool, "%s\n", name_text(r->name));
            nslookup_printsoa(b, r);
        } else {
            g_autofree char *rdata = kn_dns_rdata_to_string(r);

            out(&b->tool, "%s\t%s%s\n", name_text(r->name), rtype_text(r->type, buf), rdata);
        }
    }
}

/* chase_cnamechain(): the name at the end of the answer's CNAMEs.  New. */
static char *
chase_cname(const KnDnsMessage *msg, const char *qname)
{
    char *name = g_strdup(qname);

    for (guint n = msg->answers->len; n-- > 0;) {
        const KnDnsRecord *next = NULL;

        for (guint i = 0; i < msg->answers->len && next == NULL; i++) {
            const KnDnsRecord *r = msg->answers->pdata[i];

            if (r->type == KN_DNS_TYPE_CNAME && kn_dns_name_equal(r->name, name))
                next = r;
        }
        if (next == NULL)
            break;
        g_free(name);
        name = g_strdup(next->target);
    }
    return name;
}

static void
nslookup_printmessage(Bind *b, Lookup *l, const KnDnsMessage *msg)
{
    const BindServer *s = l->servers->pdata[l->query];

    b->query_error = 0;      /* "we've reached a server" */
    if (!b->default_lookups || l->rdtype == KN_DNS_TYPE_A) {
        char servtext[KN_ADDR_STRLEN + 8];

        format_sockaddr(&s->addr, b->port, servtext, sizeof servtext);
        out(&b->tool, "Server:\t\t%s\nAddress:\t%s\n\n", s->userarg, servtext);
    }
    if (msg->rcode != KN_DNS_RCODE_NOERROR) {
        static const char *const rcodes[] = {
            "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
            "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RESERVED11", "RESERVED12",
            "RESERVED13", "RESERVED14", "RESERVED15",
        };

        out(&b->tool, "** server can't find %s: %s\n", name_text(l->qname),
            rcodes[msg->rcode & 0xf]);
        b->print_error |= 1;
        return;
    }
    if (b->default_lookups && l->rdtype == KN_DNS_TYPE_A) {
        /* The AAAA lookup of the same name, at the end of the queue. */
        Lookup *aaaa = lookup_clone(b, l, FALSE);

        g_free(aaaa->textname);
        aaaa->textname = chase_cname(msg, l->qname);
        aaaa->rdtype = KN_DNS_TYPE_AAAA;
        aaaa->rdtypeset = TRUE;
        aaaa->origin = -1;
        aaaa->retries = b->tries;
        g_queue_push_tail(&b->lookups, aaaa);
    }
    if (!msg->aa && (!b->default_lookups || l->rdtype == KN_DNS_TYPE_A))
        out(&b->tool, "Non-authoritative answer:\n");
    if (msg->answers->len > 0) {
        nslookup_printsection(b, msg->answers, TRUE);
    } else if (b->default_lookups && l->rdtype == KN_DNS_TYPE_A) {
        b->a_noanswer = TRUE;
    } else if (!b->default_lookups || (l->rdtype == KN_DNS_TYPE_AAAA && b->a_noanswer)) {
        out(&b->tool, "*** Can't find %s: No answer\n", l->textname);
    }
    if (!msg->aa && l->rdtype != KN_DNS_TYPE_A && l->rdtype != KN_DNS_TYPE_AAAA) {
        out(&b->tool, "\nAuthoritative answers can be found from:\n");
        nslookup_printsection(b, msg->authority, FALSE);
        nslookup_printsection(b, msg->additional, FALSE);
    }
}

/*****************************************************************************
 * dig: the command line (dig.c parse_args, plus_option, dash_option).
 *****************************************************************************/

static void
dig_usage(Bind *b)
{
    err(&b->tool, "Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n"
        "            {global-d-opt} host [@local-server] {local-d-opt}\n"
        "            [ host [@local-server] {local-d-opt} [...]]\n"
        "\nUse \"dig -h\" (or \"dig -h | more\") for complete list of options\n");
    tool_exit(&b->tool, 1);
}

/* An option knetsim knows but does not model. */
static void
not_simulated(Bind *b, const char *what)
{
    err(&b->tool, "knetsim: %s %s is not simulated\n", b->progname, what);
    tool_exit(&b->tool, 126);
}

/* parse_uint(): FALSE, with "invalid DESC 'VALUE': REASON" printed, if
 * 'value' is not a number up to 'max'.  REASON is isc_result_totext()
 * of ISC_R_BADNUMBER or ISC_R_RANGE, as dig and nslookup 9.18.49 print
 * them ("invalid timeout 'abc': not a valid number"). */
static gboolean
parse_uint(Bind *b, guint32 *result, const char *value, guint32 max, const char *desc)
{
    guint64 v;
    const char *p = value;

    for (; *p != '\0' && g_ascii_isdigit(*p); p++)
        ;
    if (value[0] == '\0' || *p != '\0' || p - value > 10) {
        out(&b->tool, "invalid %s '%s': %s\n", desc, value,
            value[0] != '\0' && *p == '\0' ? "out of range" : "not a valid number");
        return FALSE;
    }
    v = g_ascii_strtoull(value, NULL, 10);
    if (v > max) {
        out(&b->tool, "invalid %s '%s': out of range\n", desc, value);
        return FALSE;
    }
    *result = (guint32) v;
    return TRUE;
}

/* A +option's number, or the tool exits as dig does (exit_or_usage). */
static gboolean
plus_number(Bind *b, guint32 *result, const char *value, guint32 max, const char *desc,
            const char *what)
{
    if (parse_uint(b, result, value, max, desc))
        return TRUE;
    err(&b->tool, "%s: Couldn't parse %s\n", b->progname, what);
    tool_exit(&b->tool, 10);
    return FALSE;
}

typedef enum {
    P_AAFLAG, P_ADDITIONAL, P_ADFLAG, P_ALL, P_ANSWER, P_AUTHORITY, P_IGNORED, P_BUFSIZE,
    P_CDFLAG, P_CLASS, P_CMD, P_COMMENTS, P_COOKIE, P_DEFNAME, P_DNSSEC, P_DOMAIN, P_EDNS,
    P_FAIL, P_IGNORE, P_NDOTS, P_QUESTION, P_RAFLAG, P_RECURSE, P_RETRY, P_SEARCH, P_SHORT,
    P_SHOWSEARCH, P_STATS, P_TCFLAG, P_TCP, P_TIMEOUT, P_TRIES, P_TTLID, P_NOT_SIMULATED,
} PlusOption;

/* dig's +options: the full name and how many leading characters pick it
 * in plus_option()'s switch (FULLCHECK: any prefix at least that long). */
static const struct {
    const char *name;
    guint min;
    PlusOption option;
} plus_options[] = {
    { "aaflag", 2, P_AAFLAG }, { "aaonly", 2, P_AAFLAG }, { "additional", 3, P_ADDITIONAL },
    { "adflag", 2, P_ADFLAG }, { "all", 2, P_ALL }, { "answer", 2, P_ANSWER },
    { "authority", 2, P_AUTHORITY }, { "badcookie", 2, P_IGNORED },
    { "besteffort", 2, P_IGNORED }, { "bufsize", 2, P_BUFSIZE }, { "cdflag", 2, P_CDFLAG },
    { "class", 2, P_CLASS }, { "cmd", 2, P_CMD }, { "comments", 3, P_COMMENTS },
    { "cookie", 3, P_COOKIE }, { "crypto", 2, P_IGNORED }, { "defname", 2, P_DEFNAME },
    { "dnssec", 2, P_DNSSEC }, { "domain", 3, P_DOMAIN }, { "dscp", 2, P_IGNORED },
    { "edns", 4, P_EDNS }, { "ednsflags", 5, P_NOT_SIMULATED },
    { "ednsnegotiation", 5, P_IGNORED }, { "ednsopt", 5, P_NOT_SIMULATED },
    { "expandaaaa", 4, P_NOT_SIMULATED }, { "expire", 4, P_NOT_SIMULATED },
    { "fail", 2, P_FAIL }, { "header-only", 2, P_NOT_SIMULATED },
    { "identify", 3, P_NOT_SIMULATED }, { "idnin", 4, P_IGNORED }, { "idnout", 4, P_IGNORED },
    { "ignore", 1, P_IGNORE }, { "keepalive", 5, P_NOT_SIMULATED },
    { "keepopen", 5, P_IGNORED }, { "mapped", 2, P_IGNORED },
    { "multiline", 2, P_NOT_SIMULATED }, { "ndots", 2, P_NDOTS },
    { "nsid", 3, P_NOT_SIMULATED }, { "nssearch", 3, P_NOT_SIMULATED },
    { "onesoa", 2, P_IGNORED }, { "opcode", 2, P_NOT_SIMULATED },
    { "padding", 2, P_NOT_SIMULATED }, { "qr", 2, P_NOT_SIMULATED },
    { "question", 2, P_QUESTION }, { "raflag", 2, P_RAFLAG }, { "rdflag", 2, P_RECURSE },
    { "recurse", 3, P_RECURSE }, { "retry", 3, P_RETRY }, { "rrcomments", 2, P_IGNORED },
    { "search", 2, P_SEARCH }, { "short", 4, P_SHORT }, { "showsearch", 4, P_SHOWSEARCH },
    { "split", 2, P_IGNORED }, { "stats", 2, P_STATS }, { "subnet", 2, P_NOT_SIMULATED },
    { "tcflag", 3, P_TCFLAG }, { "tcp", 3, P_TCP }, { "timeout", 2, P_TIMEOUT },
    { "trace", 3, P_NOT_SIMULATED }, { "tries", 3, P_TRIES }, { "ttlid", 3, P_TTLID },
    { "ttlunits", 4, P_NOT_SIMULATED }, { "unknownformat", 3, P_NOT_SIMULATED },
    { "vc", 1, P_TCP }, { "yaml", 1, P_NOT_SIMULATED }, { "zflag", 1, P_NOT_SIMULATED },
};

/* plus_option(): FALSE if the tool exited. */
static gboolean
dig_plus_option(Bind *b, const char *option, Lookup **lookupp)
{
    Lookup *l = *lookupp;
    g_autofree char *copy = g_strdup(option);
    char *cmd = copy, *value = NULL, *eq;
    gboolean state = TRUE;
    guint32 num;
    gsize len;
    int found = -1;

    /* strtok_r(option, "="): leading '=' skipped, the value is the rest. */
    while (*cmd == '=')
        cmd++;
    if (*cmd == '\0') {
        out(&b->tool, ";; Invalid option %s\n", option);
        return TRUE;
    }
    eq = strchr(cmd, '=');
    if (eq != NULL) {
        *eq = '\0';
        if (eq[1] != '\0')
            value = eq + 1;
    }
    if (g_ascii_strncasecmp(cmd, "no", 2) == 0) {
        cmd += 2;
        state = FALSE;
    }
    len = strlen(cmd);
    for (guint i = 0; i < G_N_ELEMENTS(plus_options) && found < 0; i++)
        if (len >= plus_options[i].min && len <= strlen(plus_options[i].name)
            && g_ascii_strncasecmp(cmd, plus_options[i].name, len) == 0)
            found = (int) i;
    /* "+do" is +dnssec; "+ad", "+cd" the flags. */
    if (found < 0 || (plus_options[found].option == P_DOMAIN && len < 3))
        goto invalid;
    switch (plus_options[found].option) {
    case P_AAFLAG: l->aaonly = state; break;
    case P_ADDITIONAL: l->section_additional = state; break;
    case P_ADFLAG: l->adflag = state; break;
    case P_ALL:
        l->section_question = l->section_authority = state;
        l->section_answer = l->section_additional = state;
        l->comments = l->stats = state;
        b->printcmd = state;
        break;
    case P_ANSWER: l->section_answer = state; break;
    case P_AUTHORITY: l->section_authority = state; break;
    case P_IGNORED: break;
    case P_BUFSIZE:
        if (!state)
            goto invalid;
        if (value == NULL) {
            l->udpsize = DEFAULT_EDNS_BUFSIZE;
            break;
        }
        if (!plus_number(b, &num, value, 65535, "buffer size", "buffer size"))
            return FALSE;
        l->udpsize = (int) num;
        break;
    case P_CDFLAG: l->cdflag = state; break;
    case P_CLASS: l->noclass = !state; break;
    case P_CMD: b->printcmd = state; break;
    case P_COMMENTS: l->comments = state; break;
    case P_COOKIE:
        if (value != NULL) {
            not_simulated(b, "+cookie=VALUE");
            return FALSE;
        }
        if (state && l->edns == -1)
            l->edns = 0;
        l->sendcookie = state;
        break;
    case P_DEFNAME:
    case P_SEARCH: b->usesearch = state; break;
    case P_DNSSEC:
        if (state && l->edns == -1)
            l->edns = 0;
        l->dnssec = state;
        break;
    case P_DOMAIN:
        if (value == NULL || !state)
            goto invalid;
        g_free(b->domainopt);
        b->domainopt = g_strdup(value);
        break;
    case P_EDNS:
        if (!state) {
            l->edns = -1;
            break;
        }
        if (value == NULL) {
            l->edns = 0;
            break;
        }
        if (!plus_number(b, &num, value, 255, "edns", "edns"))
            return FALSE;
        l->edns = (int) num;
        break;
    case P_FAIL: l->servfail_stops = state; break;
    case P_IGNORE: l->ignore = state; break;
    case P_NDOTS:
        if (value == NULL || !state)
            goto invalid;
        if (!plus_number(b, &num, value, MAXNDOTS, "ndots", "ndots"))
            return FALSE;
        b->ndots = (int) num;
        break;
    case P_QUESTION: l->section_question = state; break;
    case P_RAFLAG: l->raflag = state; break;
    case P_RECURSE: l->recurse = state; break;
    case P_RETRY:
        if (value == NULL || !state)
            goto invalid;
        if (!plus_number(b, &num, value, MAXTRIES - 1, "retries", "retries"))
            return FALSE;
        l->retries = (int) MIN(num + 1, (guint32) G_MAXINT);
        break;
    case P_SHORT:
        b->short_form = state;
        if (state) {
            b->printcmd = FALSE;
            l->section_additional = l->section_authority = l->section_question = FALSE;
            l->section_answer = TRUE;
            l->comments = l->stats = FALSE;
        }
        break;
    case P_SHOWSEARCH: b->showsearch = b->usesearch = state; break;
    case P_STATS: l->stats = state; break;
    case P_TCFLAG: l->tcflag = state; break;
    case P_TCP:
        l->tcp_mode = state;
        l->tcp_mode_set = TRUE;
        break;
    case P_TIMEOUT:
        if (value == NULL || !state)
            goto invalid;
        if (!plus_number(b, &num, value, MAXTIMEOUT, "timeout", "timeout"))
            return FALSE;
        b->timeout = num == 0 ? 1 : num;
        break;
    case P_TRIES:
        if (value == NULL || !state)
            goto invalid;
        if (!plus_number(b, &num, value, MAXTRIES, "tries", "tries"))
            return FALSE;
        l->retries = num == 0 ? 1 : (int) MIN(num, (guint32) G_MAXINT);
        break;
    case P_TTLID: l->nottl = !state; break;
    case P_NOT_SIMULATED: {
        g_autofree char *what = g_strdup_printf("+%s%s", state ? "" : "no",
                                                plus_options[found].name);

        not_simulated(b, what);
        return FALSE;
    }
    }
    return TRUE;

invalid:
    err(&b->tool, "Invalid option: +%s\n", copy);
    dig_usage(b);
    return FALSE;
}

/* printgreeting(): the banner the first lookup prints before its answer. */
static void
dig_greeting(Bind *b, Lookup *l)
{
    GString *s;

    if (b->greeted)
        return;
    b->greeted = TRUE;
    if (!b->printcmd)
        return;
    s = g_string_new("\n; <<>> DiG ");
    g_string_append_printf(s, "%s <<>>", b->version);
    for (guint i = 1; b->argv[i] != NULL; i++)
        g_string_append_printf(s, " %s", b->argv[i]);
    g_string_append_c(s, '\n');
    if (b->addresscount != 0)
        g_string_append_printf(s, "; (%d server%s found)\n", b->addresscount,
                               b->addresscount > 1 ? "s" : "");
    g_string_append_printf(s, ";; global options:%s%s\n", b->short_form ? " +short" : "",
                           b->printcmd ? " +cmd" : "");
    g_free(l->cmdline);
    l->cmdline = g_string_free(s, FALSE);
}

/* get_reverse(): the reverse name of an address, with its final dot;
 * 'strict' (nslookup) wants a real IPv4 address, dig reverses any dotted
 * labels.  New, or NULL. */
static char *
reverse_name(const char *value, gboolean strict)
{
    KnAddr addr;

    if (strchr(value, ':') != NULL && kn_addr_parse(value, &addr) && addr.family == 6) {
        g_autofree char *name = kn_dns_name_reverse(&addr);

        return g_strdup_printf("%s.", name);
    }
    if (strict && !(kn_addr_parse(value, &addr) && addr.family == 4))
        return NULL;
    g_auto(GStrv) octets = g_strsplit(value, ".", -1);
    GString *s = g_string_new(NULL);

    for (guint n = g_strv_length(octets); n-- > 0;)
        g_string_append_printf(s, "%s.", octets[n]);
    g_string_append(s, "in-addr.arpa.");
    return g_string_free(s, FALSE);
}

/* A name (or -q NAME, -x ADDR) starts its own lookup, a copy of the
 * default one. */
static Lookup *
dig_add_lookup(Bind *b, const char *textname)
{
    Lookup *l = lookup_clone(b, b->default_lookup, TRUE);

    g_free(l->textname);
    l->textname = g_strdup(textname);
    l->new_search = TRUE;
    dig_greeting(b, l);
    g_queue_push_tail(&b->lookups, l);
    return l;
}

static HostArg *
find_host(Bind *b, const char *host)
{
    for (guint i = 0; i < b->hosts->len; i++) {
        HostArg *h = b->hosts->pdata[i];

        if (strcmp(h->host, host) == 0)
            return h;
    }
    return NULL;
}

/* dig.c sends ANY over TCP unless +tcp or +notcp came first: the type
 * switches the lookup to TCP as it is parsed, and a later type does not
 * switch it back ("dig -t ANY NAME -t A" asks A over TCP, as dig 9.18.49
 * does against dnsmasq). */
static void
any_over_tcp(Lookup *l)
{
    if (l->rdtype == KN_DNS_TYPE_ANY && !l->tcp_mode_set)
        l->tcp_mode = TRUE;
}

/* dash_option(): how many arguments it took (0 or 1), or -1 if the tool
 * exited. */
static int
dig_dash_option(Bind *b, const char *option, const char *next, Lookup **lookupp,
                gboolean *open_type_class)
{
    const char *value;
    int used;
    guint16 type;

    while (option[0] != '\0' && strchr("46dhimnruv", option[0]) != NULL) {
        switch (option[0]) {
        case '4': b->ipv4only = TRUE; break;
        case '6': b->ipv6only = TRUE; break;
        case 'u': (*lookupp)->use_usec = TRUE; break;
        case 'm': case 'r': break;
        case 'v':
            err(&b->tool, "DiG %s\n", b->version);
            tool_exit(&b->tool, 0);
            return -1;
        default: {
            char what[3] = { '-', option[0], '\0' };

            not_simulated(b, what);
            return -1;
        }
        }
        if (option[1] == '\0')
            return 0;
        option++;
    }
    if (option[0] != '\0' && option[1] != '\0') {
        value = option + 1;
        used = 0;
    } else {
        value = next;
        used = 1;
    }
    if (value == NULL || option[0] == '\0' || strchr("46bcdfhikmnpqrtvyx", option[0]) == NULL)
        goto invalid;
    switch (option[0]) {
    case 'c': {
        guint16 klass = 0;

        if ((*lookupp)->rdclassset)
            err(&b->tool, ";; Warning, extra class option\n");
        *open_type_class = FALSE;
        if (g_ascii_strcasecmp(value, "IN") == 0)
            klass = KN_DNS_CLASS_IN;
        else if (g_ascii_strcasecmp(value, "CH") == 0 || g_ascii_strcasecmp(value, "CHAOS") == 0)
            klass = KN_DNS_CLASS_CH;
        else if (g_ascii_strcasecmp(value, "ANY") == 0)
            klass = KN_DNS_CLASS_ANY;
        if (klass != 0) {
            (*lookupp)->rdclass = klass;
            (*lookupp)->rdclassset = TRUE;
        } else {
            err(&b->tool, ";; Warning, ignoring invalid class %s\n", value);
        }
        return used;
    }
    case 'p': {
        guint32 port;

        if (!parse_uint(b, &port, value, 0xffff, "port number")) {
            bind_fatal(b, "Couldn't parse port number");
            return -1;
        }
        b->port = (guint16) port;
        return used;
    }
    case 'q':
        *lookupp = dig_add_lookup(b, value);
        return used;
    case 't':
        *open_type_class = FALSE;
        if (g_ascii_strncasecmp(value, "ixfr=", 5) == 0) {
            not_simulated(b, "-t ixfr=");
            return -1;
        }
        if (kn_dns_type_parse(value, &type) && type != KN_DNS_TYPE_IXFR
            && type != KN_DNS_TYPE_OPT) {
            if ((*lookupp)->rdtypeset)
                err(&b->tool, ";; Warning, extra type option\n");
            if (type == KN_DNS_TYPE_AXFR) {
                not_simulated(b, "-t AXFR");
                return -1;
            }
            (*lookupp)->rdtype = type;
            (*lookupp)->rdtypeset = TRUE;
            any_over_tcp(*lookupp);
        } else {
            err(&b->tool, ";; Warning, ignoring invalid type %s\n", value);
        }
        return used;
    case 'x': {
        g_autofree char *name = reverse_name(value, FALSE);
        Lookup *l = lookup_clone(b, b->default_lookup, TRUE);

        g_free(l->textname);
        l->textname = g_steal_pointer(&name);
        if (!l->rdtypeset)
            l->rdtype = KN_DNS_TYPE_PTR;
        if (!l->rdclassset)
            l->rdclass = KN_DNS_CLASS_IN;
        l->new_search = TRUE;
        dig_greeting(b, l);
        g_queue_push_tail(&b->lookups, l);
        *lookupp = l;
        return used;
    }
    default: {
        char what[3] = { '-', option[0], '\0' };

        not_simulated(b, what);
        return -1;
    }
    }

invalid:
    err(&b->tool, "Invalid option: -%s\n", option);
    dig_usage(b);
    return -1;
}

/* parse_args(): FALSE if the tool exited. */
static gboolean
dig_parse(Bind *b)
{
    Lookup *lookup = b->default_lookup;
    gboolean open_type_class = TRUE;
    char **argv = b->argv;

    for (guint i = 1; argv[i] != NULL; i++) {
        const char *arg = argv[i];
        guint16 type;

        if (arg[0] == '%')
            break;
        if (arg[0] == '@') {
            HostArg *h = find_host(b, arg + 1);

            if (h == NULL || h->failed || h->addrs == NULL || h->addrs->len == 0) {
                bind_fatal(b, "couldn't get address for '%s': not found", arg + 1);
                return FALSE;
            }
            b->addresscount = (int) h->addrs->len;
            for (guint j = 0; j < h->addrs->len; j++)
                g_ptr_array_add(lookup->servers, bind_server_new(h->addrs->pdata[j], arg + 1));
        } else if (arg[0] == '+') {
            if (!dig_plus_option(b, arg + 1, &lookup))
                return FALSE;
        } else if (arg[0] == '-') {
            int used = dig_dash_option(b, arg + 1, argv[i + 1], &lookup, &open_type_class);

            if (used < 0)
                return FALSE;
            i += (guint) used;
        } else {
            if (open_type_class) {
                if (g_ascii_strncasecmp(arg, "ixfr=", 5) == 0) {
                    not_simulated(b, "ixfr=");
                    return FALSE;
                }
                if (kn_dns_type_parse(arg, &type) && type != KN_DNS_TYPE_OPT) {
                    if (type == KN_DNS_TYPE_IXFR) {
                        err(&b->tool, ";; Warning, ixfr requires a serial number\n");
                        continue;
                    }
                    if (type == KN_DNS_TYPE_AXFR) {
                        not_simulated(b, "AXFR");
                        return FALSE;
                    }
                    if (lookup->rdtypeset)
                        err(&b->tool, ";; Warning, extra type option\n");
                    lookup->rdtype = type;
                    lookup->rdtypeset = TRUE;
                    any_over_tcp(lookup);
                    continue;
                }
                if (g_ascii_strcasecmp(arg, "IN") == 0 || g_ascii_strcasecmp(arg, "CH") == 0
                    || g_ascii_strcasecmp(arg, "CHAOS") == 0) {
                    if (lookup->rdclassset)
                        err(&b->tool, ";; Warning, extra class option\n");
                    lookup->rdclass = g_ascii_strcasecmp(arg, "IN") == 0 ? KN_DNS_CLASS_IN
                                                                          : KN_DNS_CLASS_CH;
                    lookup->rdclassset = TRUE;
                    continue;
                }
            }
            lookup = dig_add_lookup(b, arg);
        }
    }
    /* No name: the root's NS records. */
    if (g_queue_is_empty(&b->lookups)) {
        Lookup *l = dig_add_lookup(b, ".");

        l->rdtype = KN_DNS_TYPE_NS;
        l->rdtypeset = TRUE;
    }
    if (b->domainopt != NULL) {
        g_ptr_array_set_size(b->search_list, 0);
        g_ptr_array_add(b->search_list, g_strdup(b->domainopt));
        b->usesearch = TRUE;
    }
    return TRUE;
}

/*****************************************************************************
 * nslookup (bind): the command line (nslookup.c parse_args, setoption,
 * addlookup).
 *****************************************************************************/

typedef struct NslookupOptions {
    char deftype[16];            /* "A", or -type= */
    guint16 rdtype;
    guint16 rdclass;
    gboolean recurse, tcpmode, tcpmode_set, nofail;
} NslookupOptions;

static void
nslookup_usage(Bind *b)
{
    err(&b->tool, "Usage:\n"
        "   nslookup [-opt ...]             # interactive mode using default server\n"
        "   nslookup [-opt ...] - server    # interactive mode using 'server'\n"
        "   nslookup [-opt ...] host        # just look up 'host' using default server\n"
        "   nslookup [-opt ...] host server # just look up 'host' using 'server'\n");
    tool_exit(&b->tool, 1);
}

/* isc_string_casestripprefix() with each of 'prefixes' (NULL-ended) in
 * turn: what follows the first that matches, or NULL. */
static const char *
strip_prefix(const char *s, const char *const *prefixes)
{
    for (; *prefixes != NULL; prefixes++) {
        gsize n = strlen(*prefixes);

        if (g_ascii_strncasecmp(s, *prefixes, n) == 0)
            return s + n;
    }
    return NULL;
}

/* show_settings(TRUE, FALSE): `-all`. */
static void
nslookup_show_settings(Bind *b, const NslookupOptions *o)
{
    for (guint i = 0; i < b->server_list->len; i++) {
        const BindServer *s = b->server_list->pdata[i];
        char sockstr[KN_ADDR_STRLEN + 8];

        format_sockaddr(&s->addr, b->port, sockstr, sizeof sockstr);
        out(&b->tool, "Default server: %s\nAddress: %s\n", s->userarg, sockstr);
    }
    out(&b->tool, "\nSet options:\n");
    out(&b->tool, "  %s\t\t\t%s\t\t%s\n", o->tcpmode ? "vc" : "novc", "nodebug", "nod2");
    out(&b->tool, "  %s\t\t%s\n", b->usesearch ? "search" : "nosearch",
        o->recurse ? "recurse" : "norecurse");
    out(&b->tool, "  timeout = %u\t\tretry = %d\tport = %u\tndots = %d\n", b->timeout, b->tries,
        b->port, b->ndots);
    out(&b->tool, "  querytype = %-8s\tclass = %s\n", o->deftype,
        o->rdclass == KN_DNS_CLASS_CH ? "CH" : o->rdclass == KN_DNS_CLASS_ANY ? "ANY" : "IN");
    out(&b->tool, "  srchlist = ");
    for (guint i = 0; i < b->search_list->len; i++)
        out(&b->tool, "%s%s", (const char *) b->search_list->pdata[i],
            i + 1 < b->search_list->len ? "/" : "");
    out(&b->tool, "\n");
}

/* setoption(): FALSE if the tool exited. */
static gboolean
nslookup_setoption(Bind *b, NslookupOptions *o, const char *opt)
{
    static const char *const class_options[] = { "class=", "cl=", NULL };
    static const char *const type_options[] = { "type=", "ty=", "querytype=", "query=", "qu=",
                                                 "q=", NULL };
    static const char *const domain_options[] = { "domain=", "do=", NULL };
    static const char *const port_options[] = { "port=", "po=", NULL };
    static const char *const timeout_options[] = { "timeout=", "t=", NULL };
    static const char *const retry_options[] = { "retry=", "ret=", NULL };
    static const char *const ndots_options[] = { "ndots=", NULL };
    gsize l = strlen(opt);
    const char *val;
    guint32 n;

#define CHECKOPT(A, N) (l >= (N) && l < sizeof(A) && g_ascii_strncasecmp(opt, A, l) == 0)
    if (CHECKOPT("all", 3)) {
        nslookup_show_settings(b, o);
    } else if ((val = strip_prefix(opt, class_options)) != NULL) {
        if (g_ascii_strcasecmp(val, "IN") == 0)
            o->rdclass = KN_DNS_CLASS_IN;
        else if (g_ascii_strcasecmp(val, "CH") == 0 || g_ascii_strcasecmp(val, "CHAOS") == 0)
            o->rdclass = KN_DNS_CLASS_CH;
        else if (g_ascii_strcasecmp(val, "ANY") == 0)
            o->rdclass = KN_DNS_CLASS_ANY;
        else
            out(&b->tool, "unknown query class: %s\n", val);
    } else if ((val = strip_prefix(opt, type_options)) != NULL) {
        guint16 type;

        if (kn_dns_type_parse(val, &type)) {
            if (type == KN_DNS_TYPE_AXFR || type == KN_DNS_TYPE_IXFR) {
                not_simulated(b, "-type=AXFR");
                return FALSE;
            }
            g_strlcpy(o->deftype, val, sizeof o->deftype);
            o->rdtype = type;
            b->default_lookups = FALSE;
        } else {
            out(&b->tool, "unknown query type: %s\n", val);
        }
    } else if ((val = strip_prefix(opt, domain_options)) != NULL) {
        g_free(b->domainopt);
        b->domainopt = g_strdup(val);
        g_ptr_array_set_size(b->search_list, 0);
        g_ptr_array_add(b->search_list, g_strdup(val));
        b->usesearch = TRUE;
    } else if ((val = strip_prefix(opt, port_options)) != NULL) {
        if (parse_uint(b, &n, val, 65535, "port"))
            b->port = (guint16) n;
    } else if ((val = strip_prefix(opt, timeout_options)) != NULL) {
        if (parse_uint(b, &n, val, G_MAXUINT32, "timeout"))
            b->timeout = n;
    } else if (CHECKOPT("recurse", 3)) {
        o->recurse = TRUE;
    } else if (CHECKOPT("norecurse", 5)) {
        o->recurse = FALSE;
    } else if ((val = strip_prefix(opt, retry_options)) != NULL) {
        if (parse_uint(b, &n, val, G_MAXINT, "tries"))
            b->tries = (int) n;
    } else if (CHECKOPT("defname", 3)) {
        b->usesearch = TRUE;
    } else if (CHECKOPT("nodefname", 5)) {
        b->usesearch = FALSE;
    } else if (CHECKOPT("vc", 2)) {
        o->tcpmode = o->tcpmode_set = TRUE;
    } else if (CHECKOPT("novc", 4)) {
        o->tcpmode = FALSE;
        o->tcpmode_set = TRUE;
    } else if (CHECKOPT("debug", 3) || CHECKOPT("d2", 2)) {
        not_simulated(b, "-debug");
        return FALSE;
    } else if (CHECKOPT("nodebug", 5) || CHECKOPT("nod2", 4) || CHECKOPT("sil", 3)) {
        /* the defaults */
    } else if (CHECKOPT("search", 3)) {
        b->usesearch = TRUE;
    } else if (CHECKOPT("nosearch", 5)) {
        b->usesearch = FALSE;
    } else if (CHECKOPT("fail", 3)) {
        o->nofail = FALSE;
    } else if (CHECKOPT("nofail", 5)) {
        o->nofail = TRUE;
    } else if ((val = strip_prefix(opt, ndots_options)) != NULL) {
        if (parse_uint(b, &n, val, 128, "ndots"))
            b->ndots = (int) n;
    } else {
        out(&b->tool, "*** Invalid option: %s\n", opt);
    }
#undef CHECKOPT
    return TRUE;
}

/* addlookup(): the lookup of 'opt' with the options in force now. */
static void
nslookup_addlookup(Bind *b, const NslookupOptions *o, const char *opt)
{
    Lookup *l = lookup_new(b);
    g_autofree char *reverse = reverse_name(opt, TRUE);

    b->a_noanswer = FALSE;
    if (reverse != NULL) {
        l->textname = g_steal_pointer(&reverse);
        l->rdtype = KN_DNS_TYPE_PTR;
    } else {
        l->textname = g_strdup(opt);
        l->rdtype = o->rdtype;
    }
    l->rdtypeset = l->rdclassset = TRUE;
    l->rdclass = o->rdclass;
    l->recurse = o->recurse;
    l->retries = b->tries;
    /* ANY goes over TCP unless -vc or -novc was given (nslookup 9.18.49
     * opens a TCP connection for -type=ANY, a UDP socket with -novc). */
    l->tcp_mode = l->rdtype == KN_DNS_TYPE_ANY && !o->tcpmode_set ? TRUE : o->tcpmode;
    l->new_search = TRUE;
    if (o->nofail)
        l->servfail_stops = FALSE;
    g_queue_push_tail(&b->lookups, l);
}

/* parse_args(): FALSE if the tool exited. */
static gboolean
nslookup_parse(Bind *b)
{
    NslookupOptions o = { "A", KN_DNS_TYPE_A, KN_DNS_CLASS_IN, TRUE, FALSE, FALSE, TRUE };
    gboolean have_lookup = FALSE, in_use = FALSE;
    char **argv = b->argv;

    b->usesearch = TRUE;
    for (guint i = 1; argv[i] != NULL; i++) {
        const char *arg = argv[i];

        if (arg[0] == '-') {
            if (g_ascii_strncasecmp(arg, "-ver", 4) == 0) {
                out(&b->tool, "nslookup %s\n", b->version);
                tool_exit(&b->tool, 0);
                return FALSE;
            }
            if (arg[1] != '\0') {
                if (!nslookup_setoption(b, &o, arg + 1))
                    return FALSE;
            } else {
                have_lookup = TRUE;
            }
        } else if (!have_lookup) {
            have_lookup = in_use = TRUE;
            nslookup_addlookup(b, &o, arg);
        } else {
            HostArg *h;

            if (argv[i + 1] != NULL) {
                nslookup_usage(b);
                return FALSE;
            }
            h = find_host(b, arg);
            if (h == NULL || h->failed || h->addrs == NULL || h->addrs->len == 0) {
                bind_fatal(b, "couldn't get address for '%s': not found", arg);
                return FALSE;
            }
            g_ptr_array_set_size(b->server_list, 0);
            for (guint j = 0; j < h->addrs->len; j++)
                g_ptr_array_add(b->server_list, bind_server_new(h->addrs->pdata[j], arg));
            b->check_ra = FALSE;
        }
    }
    b->interactive = !in_use;
    return TRUE;
}

/*****************************************************************************
 * host (bind): printmessage(), received() and the command line (host.c).
 *****************************************************************************/

/* host.c rtypes[]: what comes between the owner and the RDATA in the
 * short form; other types say "has TYPE record". */
static const char *
host_rtype_text(guint16 type, char *buf, gsize size)
{
    static const struct {
        guint16 type;
        const char *text;
    } rtypes[] = {
        { 1, "has address" }, { 2, "name server" }, { 5, "is an alias for" },
        { 11, "has well known services" }, { 12, "domain name pointer" },
        { 13, "host information" }, { 15, "mail is handled by" }, { 16, "descriptive text" },
        { 19, "x25 address" }, { 20, "ISDN address" }, { 24, "has signature" },
        { 25, "has key" }, { 28, "has IPv6 address" }, { 29, "location" },
    };
    char name[16];

    for (guint i = 0; i < G_N_ELEMENTS(rtypes); i++)
        if (rtypes[i].type == type)
            return rtypes[i].text;
    g_snprintf(buf, size, "has %s record", kn_dns_type_format(type, name));
    return buf;
}

/* Records printsection() skips: OPT is not in a section of a parsed
 * message, and -A leaves out the DNSSEC types. */
static gboolean
host_skips(const Bind *b, const KnDnsRecord *r)
{
    if (r->type == KN_DNS_TYPE_OPT)
        return TRUE;
    return b->list_almost_all && (r->type == 46 || r->type == 47 || r->type == 50);
}

static guint
host_count(const Bind *b, const GPtrArray *records)
{
    guint n = 0;

    for (guint i = 0; i < records->len; i++)
        n += !host_skips(b, records->pdata[i]);
    return n;
}

/* printsection(): "NAME has address ADDR" lines in the short form; the
 * section's title and its records as a masterfile writes them (the
 * columns of dig's) with -v. */
static void
host_printsection(Bind *b, const Lookup *l, const GPtrArray *records, const char *title)
{
    if (!b->short_form)
        out(&b->tool, ";; %s SECTION:\n", title);
    for (guint i = 0; i < records->len; i++) {
        const KnDnsRecord *r = records->pdata[i];

        if (host_skips(b, r))
            continue;
        if (!b->short_form) {
            append_record(b->tool.io.out, l, r);
        } else {
            g_autofree char *rdata = kn_dns_rdata_to_string(r);
            char buf[32];

            out(&b->tool, "%s %s %s\n", name_text(r->name),
                host_rtype_text(r->type, buf, sizeof buf), rdata);
        }
    }
}

/* host.c rcode_totext(): the 4-bit names, BADVERS, or "?N". */
static const char *
host_rcode_text(guint rcode, char *buf)
{
    static const char *const rcodes[] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
        "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RESERVED11", "RESERVED12",
        "RESERVED13", "RESERVED14", "RESERVED15", "BADVERS",
    };

    if (rcode < G_N_ELEMENTS(rcodes))
        return rcodes[rcode];
    g_snprintf(buf, 16, "?%u", rcode);
    return buf;
}

/* A lookup of 'name' for 'type' at the end of the queue, as the default
 * lookups add AAAA and MX after an answer to A. */
static void
host_add_lookup(Bind *b, const Lookup *l, const char *name, guint16 type)
{
    Lookup *n = lookup_clone(b, l, FALSE);

    g_free(n->textname);
    n->textname = g_strdup(name);
    n->rdtype = type;
    n->rdtypeset = TRUE;
    n->origin = -1;
    n->retries = b->tries;
    g_queue_push_tail(&b->lookups, n);
}

static void
host_printmessage(Bind *b, Lookup *l, const KnDnsMessage *msg)
{
    const KnDnsRecord *opt = kn_dns_message_opt(msg);
    guint rcode = msg->rcode | (opt != NULL ? (opt->ttl >> 24) << 4 : 0);
    /* "We get called multiple times.  Preserve any existing error status." */
    int force_error = b->seen_error == 1;
    static const char *const opcodes[] = { "QUERY", "IQUERY", "STATUS", "RESERVED3", "NOTIFY",
                                           "UPDATE", "RESERVED6", "RESERVED7", "RESERVED8",
                                           "RESERVED9", "RESERVED10", "RESERVED11",
                                           "RESERVED12", "RESERVED13", "RESERVED14",
                                           "RESERVED15" };
    char buf[16];

    b->seen_error = 1;
    if (b->listed_server && !b->printed_server) {
        const BindServer *s = l->servers->pdata[l->query];
        char sockstr[KN_ADDR_STRLEN + 8];

        format_sockaddr(&s->addr, b->port, sockstr, sizeof sockstr);
        out(&b->tool, "Using domain server:\nName: %s\nAddress: %s\nAliases: \n\n", s->userarg,
            sockstr);
        b->printed_server = TRUE;
    }
    if (rcode != KN_DNS_RCODE_NOERROR) {
        /* NXDOMAIN names the name as typed ("Host web not found"), the
         * others the name asked. */
        out(&b->tool, "Host %s not found: %u(%s)\n",
            rcode != KN_DNS_RCODE_NXDOMAIN ? name_text(l->qname) : l->textname, rcode,
            host_rcode_text(rcode, buf));
        return;
    }
    if (b->default_lookups && l->rdtype == KN_DNS_TYPE_A) {
        g_autofree char *name = chase_cname(msg, l->qname);

        host_add_lookup(b, l, name_text(name), KN_DNS_TYPE_AAAA);
        host_add_lookup(b, l, name_text(name), KN_DNS_TYPE_MX);
    }
    if (!b->short_form) {
        const struct {
            gboolean set;
            const char *name;
        } flags[] = { { msg->qr, "qr" }, { msg->aa, "aa" }, { msg->tc, "tc" }, { msg->rd, "rd" },
                      { msg->ra, "ra" }, { msg->ad, "ad" }, { msg->cd, "cd" } };
        gboolean did_flag = FALSE;

        out(&b->tool, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
            opcodes[msg->opcode & 0xf], host_rcode_text(rcode, buf), msg->id);
        /* Unlike dig's, a space only between the flags (";; flags: qr"). */
        out(&b->tool, ";; flags: ");
        for (guint i = 0; i < G_N_ELEMENTS(flags); i++) {
            if (flags[i].set) {
                out(&b->tool, "%s%s", did_flag ? " " : "", flags[i].name);
                did_flag = TRUE;
            }
        }
        /* The header's counts, OPT included (it is left out of the
         * additional section printed below). */
        out(&b->tool, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
            msg->questions->len, msg->answers->len, msg->authority->len, msg->additional->len);
        if (opt != NULL)
            out(&b->tool, ";; EDNS: version: %u, udp=%u\n", (opt->ttl >> 16) & 0xff, opt->klass);
    }
    if (msg->questions->len > 0 && !b->short_form) {
        out(&b->tool, "\n;; QUESTION SECTION:\n");
        for (guint i = 0; i < msg->questions->len; i++)
            append_question_line(b->tool.io.out, l, msg->questions->pdata[i]);
    }
    if (host_count(b, msg->answers) > 0) {
        if (!b->short_form)
            out(&b->tool, "\n");
        host_printsection(b, l, msg->answers, "ANSWER");
    }
    if (host_count(b, msg->authority) > 0 && !b->short_form) {
        out(&b->tool, "\n");
        host_printsection(b, l, msg->authority, "AUTHORITY");
    }
    if (host_count(b, msg->additional) > 0 && !b->short_form) {
        out(&b->tool, "\n");
        host_printsection(b, l, msg->additional, "ADDITIONAL");
    }
    if (!b->short_form)
        out(&b->tool, "\n");
    if (b->short_form && !b->default_lookups && msg->answers->len == 0)
        out(&b->tool, "%s has no %s record\n", name_text(l->qname),
            kn_dns_type_format(l->rdtype, buf));
    b->seen_error = force_error;
}

/* received(): with -v, after each reply printed. */
static void
host_received(Bind *b, Lookup *l, const DnsReply *reply)
{
    const BindServer *s = l->servers->pdata[l->query];
    char fromtext[KN_ADDR_STRLEN + 8];

    if (b->short_form)
        return;
    format_sockaddr(&s->addr, b->port, fromtext, sizeof fromtext);
    out(&b->tool, "Received %u bytes from %s in %d ms\n", (guint) g_bytes_get_size(reply->wire),
        fromtext, (int) ((reply->finished - reply->sent) / KN_USEC / 1000));
}

/* show_usage(): standard error, exit status 1. */
static void
host_usage(Bind *b)
{
    err(&b->tool,
        "Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n"
        "            [-R number] [-m flag] [-p port] hostname [server]\n"
        "       -a is equivalent to -v -t ANY\n"
        "       -A is like -a but omits RRSIG, NSEC, NSEC3\n"
        "       -c specifies query class for non-IN data\n"
        "       -C compares SOA records on authoritative nameservers\n"
        "       -d is equivalent to -v\n"
        "       -l lists all hosts in a domain, using AXFR\n"
        "       -m set memory debugging flag (trace|record|usage)\n"
        "       -N changes the number of dots allowed before root lookup is done\n"
        "       -p specifies the port on the server to query\n"
        "       -r disables recursive processing\n"
        "       -R specifies number of retries for UDP packets\n"
        "       -s a SERVFAIL response should stop query\n"
        "       -t specifies the query type\n"
        "       -T enables TCP/IP mode\n"
        "       -U enables UDP mode\n"
        "       -v enables verbose output\n"
        "       -V print version number and exit\n"
        "       -w specifies to wait forever for a reply\n"
        "       -W specifies how long to wait for a reply\n"
        "       -4 use IPv4 query transport only\n"
        "       -6 use IPv6 query transport only\n");
    tool_exit(&b->tool, 1);
}

/* isc_commandline_parse() over host's options: clustered letters ("-vt
 * A", "-tA"); parsing stops at the first operand (no reordering: "host
 * NAME -t A" takes -t for the server) or after "--". */
typedef struct HostGetopt {
    guint index;                 /* the argument being read; the first operand at the end */
    const char *place;           /* the next letter in it, or NULL */
} HostGetopt;

static const char host_optstring[] = "46aAc:dilnm:p:rst:vVwCDN:R:TUW:";

/* The next option letter, with its argument in '*arg'; -1 at the end;
 * '?' after printing what was wrong. */
static int
host_getopt(Bind *b, HostGetopt *g, const char **arg)
{
    const char *spec;
    int c;

    *arg = NULL;
    if (g->place == NULL) {
        const char *a = b->argv[g->index];

        if (a == NULL || a[0] != '-')
            return -1;
        if (strcmp(a, "--") == 0) {
            g->index++;
            return -1;
        }
        /* "-" alone is the option '-', an illegal one ("host -t A -"). */
        g->place = a[1] != '\0' ? a + 1 : a;
    }
    c = (guchar) *g->place++;
    spec = c != ':' ? strchr(host_optstring, c) : NULL;
    if (spec == NULL || spec[1] != ':') {
        if (*g->place == '\0') {
            g->index++;
            g->place = NULL;
        }
        if (spec == NULL) {
            err(&b->tool, "%s: illegal option -- %c\n", b->progname, c);
            return '?';
        }
        return c;
    }
    if (*g->place != '\0') {
        *arg = g->place;
    } else if (b->argv[g->index + 1] != NULL) {
        *arg = b->argv[++g->index];
    } else {
        g->index++;
        g->place = NULL;
        err(&b->tool, "%s: option requires an argument -- %c\n", b->progname, c);
        return '?';
    }
    g->index++;
    g->place = NULL;
    return c;
}

/* atoi(): leading blanks, a sign, digits; 0 if none. */
static int
host_atoi(const char *s)
{
    gint64 v = g_ascii_strtoll(s, NULL, 10);

    return (int) CLAMP(v, G_MININT, G_MAXINT);
}

/* pre_parse_args(): -V, -4 and -6, and bad options, before anything else.
 * FALSE if the tool exited. */
static gboolean
host_preparse(Bind *b)
{
    HostGetopt g = { 1, NULL };
    gboolean debugging = FALSE;
    const char *arg;
    int c;

    while ((c = host_getopt(b, &g, &arg)) != -1) {
        switch (c) {
        case '4':
            if (b->ipv6only) {
                bind_fatal(b, "only one of -4 and -6 allowed");
                return FALSE;
            }
            b->ipv4only = TRUE;
            break;
        case '6':
            if (b->ipv4only) {
                bind_fatal(b, "only one of -4 and -6 allowed");
                return FALSE;
            }
            b->ipv6only = TRUE;
            break;
        case 'V':
            err(&b->tool, "host %s\n", b->version);
            tool_exit(&b->tool, 0);
            return FALSE;
        case 'D':
            debugging = TRUE;
            break;
        case '?':
            host_usage(b);
            return FALSE;
        default:
            break;
        }
    }
    if (debugging) {
        /* dighost's debug() lines on standard error. */
        not_simulated(b, "-D");
        return FALSE;
    }
    return TRUE;
}

/* dns_rdataclass_fromtext(): FALSE if 'text' names no class. */
static gboolean
host_class_parse(const char *text, guint16 *klass)
{
    static const struct {
        const char *name;
        guint16 klass;
    } classes[] = {
        { "IN", KN_DNS_CLASS_IN }, { "CH", KN_DNS_CLASS_CH }, { "CHAOS", KN_DNS_CLASS_CH },
        { "HS", 4 }, { "HESIOD", 4 }, { "NONE", 254 }, { "ANY", KN_DNS_CLASS_ANY },
    };
    guint64 v;

    for (guint i = 0; i < G_N_ELEMENTS(classes); i++) {
        if (g_ascii_strcasecmp(text, classes[i].name) == 0) {
            *klass = classes[i].klass;
            return TRUE;
        }
    }
    if (g_ascii_strncasecmp(text, "CLASS", 5) == 0 && g_ascii_isdigit(text[5])
        && g_ascii_string_to_unsigned(text + 5, 10, 0, 65535, &v, NULL)) {
        *klass = (guint16) v;
        return TRUE;
    }
    return FALSE;
}

/* parse_args(): the options in order, then NAME and SERVER.  FALSE if
 * the tool exited.  'server' is set to the SERVER argument, if any. */
static gboolean
host_parse(Bind *b, const char **server)
{
    HostGetopt g = { 1, NULL };
    Lookup *l = lookup_new(b);
    g_autofree char *reverse = NULL;
    const char *arg, *hostname;
    const char *unmodelled = NULL;
    int c;

    /* host's own lookup: no EDNS, SERVFAIL tries the next server, and
     * dighost_comments() stay quiet. */
    l->servfail_stops = FALSE;
    l->comments = FALSE;
    g_queue_push_tail(&b->lookups, l);
    while ((c = host_getopt(b, &g, &arg)) != -1) {
        switch (c) {
        case 'l':
            /* Said once the options have parsed: the real one would get
             * as far ("host -l -t BOGUS NAME": "invalid type"). */
            unmodelled = unmodelled != NULL ? unmodelled : "-l";
            break;
        case 'v':
        case 'd':
            b->short_form = FALSE;
            break;
        case 'r':
            l->recurse = FALSE;
            break;
        case 't': {
            guint16 type;

            if (g_ascii_strncasecmp(arg, "ixfr=", 5) == 0) {
                unmodelled = unmodelled != NULL ? unmodelled : "-t ixfr=";
                break;
            }
            if (!kn_dns_type_parse(arg, &type) || type == KN_DNS_TYPE_OPT) {
                b->fatalexit = 2;
                bind_fatal(b, "invalid type: %s\n", arg);
                return FALSE;
            }
            if (type == KN_DNS_TYPE_AXFR || type == KN_DNS_TYPE_IXFR) {
                if (unmodelled == NULL)
                    unmodelled = type == KN_DNS_TYPE_AXFR ? "-t AXFR" : "-t IXFR";
                break;
            }
            l->rdtype = type;
            l->rdtypeset = TRUE;
            if (type == KN_DNS_TYPE_ANY && !l->tcp_mode_set)
                l->tcp_mode = TRUE;
            b->default_lookups = FALSE;
            break;
        }
        case 'c': {
            guint16 klass;

            if (!host_class_parse(arg, &klass)) {
                b->fatalexit = 2;
                bind_fatal(b, "invalid class: %s\n", arg);
                return FALSE;
            }
            l->rdclass = klass;
            l->rdclassset = TRUE;
            b->default_lookups = FALSE;
            break;
        }
        case 'A':
            b->list_almost_all = TRUE;
            G_GNUC_FALLTHROUGH;
        case 'a':
            /* ANY, verbose; unlike -t ANY, over UDP. */
            l->rdtype = KN_DNS_TYPE_ANY;
            l->rdtypeset = TRUE;
            b->short_form = FALSE;
            b->default_lookups = FALSE;
            break;
        case 'w':
            /* "Wait forever": with no answer the real one hangs until it
             * is killed, which a run that ends cannot show (the timeout
             * would fire some 68 simulated years on). */
            unmodelled = unmodelled != NULL ? unmodelled : "-w";
            break;
        case 'W': {
            int seconds = host_atoi(arg);

            b->timeout = seconds < 1 ? 1 : (guint) seconds;
            break;
        }
        case 'R': {
            int tries = host_atoi(arg);

            b->tries = tries < 1 || tries == G_MAXINT ? 2 : tries + 1;
            break;
        }
        case 'T':
            l->tcp_mode = l->tcp_mode_set = TRUE;
            break;
        case 'U':
            l->tcp_mode = FALSE;
            l->tcp_mode_set = TRUE;
            break;
        case 'C':
            unmodelled = unmodelled != NULL ? unmodelled : "-C";
            break;
        case 'N':
            b->ndots = host_atoi(arg);
            break;
        case 's':
            l->servfail_stops = TRUE;
            break;
        case 'p':
            b->port = (guint16) host_atoi(arg);
            break;
        default:
            /* -4, -6, -D, -V, -m: pre_parse_args(); -i, -n: no-ops. */
            break;
        }
    }
    l->retries = b->tries;
    hostname = b->argv[g.index];
    if (hostname == NULL) {
        host_usage(b);
        return FALSE;
    }
    if (unmodelled != NULL) {
        not_simulated(b, unmodelled);
        return FALSE;
    }
    *server = b->argv[g.index + 1];
    b->listed_server = *server != NULL;
    b->check_ra = *server == NULL;
    reverse = reverse_name(hostname, TRUE);
    if (reverse != NULL) {
        l->textname = g_steal_pointer(&reverse);
        l->rdtype = KN_DNS_TYPE_PTR;
        l->rdtypeset = TRUE;
        b->default_lookups = FALSE;
    } else {
        l->textname = g_strdup(hostname);
        b->usesearch = TRUE;
    }
    l->new_search = TRUE;
    return TRUE;
}

/* set_nameserver(): SERVER's addresses replace resolv.conf's. */
static void
host_lookups(Tool *tool)
{
    Bind *b = (Bind *) tool;

    if (tool->finished)
        return;
    if (b->hosts->len > 0) {
        const HostArg *h = b->hosts->pdata[0];

        if (h->failed || h->addrs == NULL || h->addrs->len == 0) {
            bind_fatal(b, "couldn't get address for '%s': not found", h->host);
            return;
        }
        g_ptr_array_set_size(b->server_list, 0);
        for (guint i = 0; i < h->addrs->len; i++)
            g_ptr_array_add(b->server_list, bind_server_new(h->addrs->pdata[i], h->host));
    }
    bind_start_lookup(b);
}

/* host's main(): pre_parse_args(), setup_system(), parse_args(), then
 * SERVER resolved (getaddrinfo) before the first query. */
static void
host_run(Bind *b)
{
    const char *server = NULL;

    if (!host_preparse(b))
        return;
    bind_setup_system(b);
    /* main() sets tries before setup_system(), which keeps it: resolv.conf's
     * attempts:N does not count (host 9.18.49 tries twice with attempts:4;
     * timeout:N does count). */
    b->tries = 2;
    if (!host_parse(b, &server))
        return;
    if (server != NULL) {
        HostArg *h = g_new0(HostArg, 1);

        h->host = g_strdup(server);
        g_ptr_array_add(b->hosts, h);
    }
    resolve_hosts(&b->tool, b->hosts, host_lookups);
}

/*****************************************************************************
 * bind9: the start.
 *****************************************************************************/

/* The @server (dig) or SERVER (nslookup) arguments, to resolve first. */
static void
bind_collect_hosts(Bind *b)
{
    gboolean have_lookup = FALSE;

    for (guint i = 1; b->argv[i] != NULL; i++) {
        const char *arg = b->argv[i];
        HostArg *h = NULL;

        if (b->program == BIND_DIG) {
            if (arg[0] == '%')
                break;
            if (arg[0] == '@' && find_host(b, arg + 1) == NULL) {
                h = g_new0(HostArg, 1);
                h->host = g_strdup(arg + 1);
            }
        } else if (arg[0] == '-') {
            have_lookup |= arg[1] == '\0';
        } else if (!have_lookup) {
            have_lookup = TRUE;
        } else if (find_host(b, arg) == NULL) {
            h = g_new0(HostArg, 1);
            h->host = g_strdup(arg);
        }
        if (h != NULL)
            g_ptr_array_add(b->hosts, h);
    }
}

static void
bind_run(Tool *tool)
{
    Bind *b = (Bind *) tool;

    if (tool->finished)
        return;
    if (b->program == BIND_HOST) {
        host_run(b);
        return;
    }
    if (b->program == BIND_DIG) {
        if (!dig_parse(b))
            return;
    } else {
        if (!nslookup_parse(b))
            return;
        if (b->interactive) {
            /* Commands from standard input, which is empty: the loop ends
             * at once. */
            bind_shutdown(b);
            return;
        }
    }
    bind_start_lookup(b);
}

static void
bind_start(KnNetClient *net, const char *name, const char *version, const char *const *argv,
           const KnToolIo *io, KnToolDone done, gpointer user_data)
{
    Bind *b = g_new0(Bind, 1);

    b->tool.refs = 1;
    b->tool.net = net;
    b->tool.io = *io;
    b->tool.done = done;
    b->tool.user_data = user_data;
    b->tool.stream = "bind-tools";
    b->tool.free = bind_free;
    tool_adopt(&b->tool);
    b->program = strcmp(name, "dig") == 0 ? BIND_DIG
                 : strcmp(name, "host") == 0 ? BIND_HOST : BIND_NSLOOKUP;
    /* host's messages start with argv[0] as typed ("/usr/bin/host:
     * invalid type: X"), isc_commandline_parse()'s too. */
    b->progname = g_strdup(b->program == BIND_HOST ? argv[0] : name);
    b->version = g_strdup(version != NULL ? version : BIND_VERSION);
    b->argv = g_strdupv((char **) argv);
    g_queue_init(&b->lookups);
    b->server_list = g_ptr_array_new_with_free_func((GDestroyNotify) bind_server_free);
    b->search_list = g_ptr_array_new_with_free_func(g_free);
    b->hosts = g_ptr_array_new_with_free_func((GDestroyNotify) host_arg_free);
    b->port = KN_DNS_PORT;
    b->printcmd = TRUE;
    b->default_lookups = TRUE;
    b->query_error = 1;
    b->check_ra = b->program == BIND_NSLOOKUP;
    if (b->program == BIND_HOST) {
        /* -4 and -6 come before resolv.conf is read, in bind_run(). */
        b->fatalexit = 1;
        b->short_form = TRUE;
        b->seen_error = -1;
        resolve_hosts(&b->tool, b->hosts, bind_run);
        return;
    }
    bind_setup_system(b);
    b->default_lookup = lookup_new(b);
    if (b->program == BIND_DIG) {
        b->default_lookup->adflag = TRUE;
        b->default_lookup->edns = 0;
        b->default_lookup->sendcookie = TRUE;
    }
    bind_collect_hosts(b);
    resolve_hosts(&b->tool, b->hosts, bind_run);
}

/*****************************************************************************
 * busybox nslookup (networking/nslookup.c, FEATURE_NSLOOKUP_BIG).
 *****************************************************************************/

typedef struct BbQuery {
    char *name;                  /* the name asked */
    guint16 type;
    GBytes *wire;                /* res_mkquery()'s message */
    guint16 id;
    gboolean answered;           /* qlen == 0: a reply was processed */
} BbQuery;

typedef struct Busybox {
    Tool tool;
    char *version;
    GStrv argv;
    GPtrArray *servers;          /* HostArg *: the name server(s), as given */
    GPtrArray *queries;          /* BbQuery * */
    char *search;                /* resolv.conf's search (or domain) words; NULL: none */
    guint port, retry, timeout;  /* -port=, -retry=, -timeout= (53, 2, 5) */
    gboolean debug;
    guint server;                /* the server being asked */
    const KnAddr *addr;          /* its address */
    guint16 sport;               /* the socket's port for it (0: none bound) */
    guint replies;               /* ns->replies: any reply from this server */
    guint n_replies;             /* replies processed */
    guint servfail_retry;
    guint round;                 /* sends so far */
    guint round_sends;           /* datagrams written in this round */
    gboolean refused;            /* a datagram was refused in this round */
    guint epoch;                 /* counts the servers tried (BbSend) */
    GPtrArray *sends;            /* BbSend *, freed with the tool */
    KnTime tstart;
    int exitcode;
} Busybox;

/* What a datagram's reply or a round's timer belongs to: replies and
 * timers from a server given up on (an older 'epoch') are ignored, as
 * busybox closes that server's socket. */
typedef struct BbSend {
    Busybox *bb;
    BbQuery *q;                  /* NULL: the round's timer */
    guint epoch;
} BbSend;

static BbSend *
bb_send_new(Busybox *bb, BbQuery *q)
{
    BbSend *send = g_new(BbSend, 1);

    *send = (BbSend) { bb, q, bb->epoch };
    g_ptr_array_add(bb->sends, send);
    return send;
}

static void
bb_query_free(BbQuery *q)
{
    g_free(q->name);
    if (q->wire != NULL)
        g_bytes_unref(q->wire);
    g_free(q);
}

static void
busybox_free(Tool *tool)
{
    Busybox *bb = (Busybox *) tool;

    g_free(bb->version);
    g_strfreev(bb->argv);
    g_ptr_array_unref(bb->servers);
    g_ptr_array_unref(bb->queries);
    g_ptr_array_unref(bb->sends);
    g_free(bb->search);
    g_free(bb);
}

/* bb_show_usage(): the applet's usage on standard error, exit status 1. */
static void
bb_usage(Busybox *bb)
{
    err(&bb->tool, "BusyBox v%s multi-call binary.\n\n"
        "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
        "Query DNS about HOST\n\n"
        "QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n", bb->version);
    tool_exit(&bb->tool, 1);
}

/* xatou_range(): FALSE, having died as libbb does, if 'val' is not a
 * number in [lower, upper]. */
static gboolean
bb_number(Busybox *bb, const char *val, guint lower, guint upper, guint *result)
{
    guint64 v;
    const char *p = val;

    for (; g_ascii_isdigit(*p); p++)
        ;
    if (val[0] == '\0' || *p != '\0' || p - val > 10) {
        err(&bb->tool, "nslookup: invalid number '%s'\n", val);
        tool_exit(&bb->tool, 1);
        return FALSE;
    }
    v = g_ascii_strtoull(val, NULL, 10);
    if (v < lower || v > upper) {
        err(&bb->tool, "nslookup: number %s is not in %u..%u range\n", val, lower, upper);
        tool_exit(&bb->tool, 1);
        return FALSE;
    }
    *result = (guint) v;
    return TRUE;
}

/* add_query(): res_mkquery(QUERY, name, C_IN, type): RD, no EDNS. */
static void
bb_add_query(Busybox *bb, guint16 type, const char *name)
{
    BbQuery *q = g_new0(BbQuery, 1);
    g_autoptr(KnDnsMessage) m = NULL;

    q->name = g_strdup(name);
    q->type = type;
    q->id = (guint16) tool_random(&bb->tool);
    m = kn_dns_message_new_query(q->id, name, type, TRUE);
    q->wire = kn_dns_message_encode(m);
    g_ptr_array_add(bb->queries, q);
}

/* add_query_with_search(): the name under each search domain, but only
 * for a name without any dot. */
static void
bb_add_query_with_search(Busybox *bb, guint16 type, const char *name)
{
    if (type == KN_DNS_TYPE_PTR || bb->search == NULL || strchr(name, '.') != NULL) {
        bb_add_query(bb, type, name);
        return;
    }
    g_auto(GStrv) domains = g_strsplit_set(bb->search, " \t", -1);

    for (guint i = 0; domains[i] != NULL; i++) {
        g_autofree char *full = NULL;

        if (domains[i][0] == '\0')
            continue;
        full = g_strdup_printf("%s.%s", name, domains[i]);
        bb_add_query(bb, type, full);
    }
}

/* parse_resolvconf(): nameservers and the search words. */
static void
bb_parse_resolvconf(Busybox *bb)
{
    g_autofree char *text = tool_read_text(&bb->tool, "/etc/resolv.conf");
    g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
    gboolean have_search_directive = FALSE;

    for (guint i = 0; lines[i] != NULL; i++) {
        char *line = lines[i];
        char *key, *arg;

        line += strspn(line, " \t");
        key = line;
        line += strcspn(line, " \t");
        if (*line == '\0' || key == line)
            continue;            /* no argument */
        *line++ = '\0';
        arg = line + strspn(line, " \t");
        if (*arg == '\0')
            continue;
        if (strcmp(key, "domain") == 0 || strcmp(key, "search") == 0) {
            if (strcmp(key, "search") == 0)
                have_search_directive = TRUE;
            else if (have_search_directive)
                continue;
            g_free(bb->search);
            bb->search = g_strdup(arg);
        } else if (strcmp(key, "nameserver") == 0) {
            HostArg *h = g_new0(HostArg, 1);

            h->host = g_strdup(arg);
            g_ptr_array_add(bb->servers, h);
        }
    }
    /* "domain ." */
    if (bb->search != NULL && strcmp(bb->search, ".") == 0)
        g_clear_pointer(&bb->search, g_free);
}

/* make_ptr(): the reverse name, without a final dot; new or NULL. */
static char *
bb_make_ptr(const char *text)
{
    KnAddr addr;

    if (!kn_addr_parse(text, &addr))
        return NULL;
    return kn_dns_name_reverse(&addr);
}

static void bb_send_round(Busybox *bb);
static void bb_next_server(Busybox *bb);

/* parse_reply(): the answer section as nslookup prints it.  -1: the reply
 * does not parse. */
static int
bb_parse_reply(Busybox *bb, GBytes *wire)
{
    g_autoptr(KnDnsMessage) m = kn_dns_message_decode(wire, NULL);
    guint n = 0;

    if (m == NULL)
        return -1;
    if (!m->aa)
        out(&bb->tool, "Non-authoritative answer:\n");
    else if (bb->debug)
        out(&bb->tool, "authoritative answer:\n");
    for (guint i = 0; i < m->answers->len; i++, n++) {
        const KnDnsRecord *r = m->answers->pdata[i];
        char text[KN_ADDR_STRLEN];

        switch (r->type) {
        case KN_DNS_TYPE_A:
        case KN_DNS_TYPE_AAAA:
            out(&bb->tool, "Name:\t%s\nAddress: %s\n", r->name, kn_addr_format(&r->addr, text));
            break;
        case KN_DNS_TYPE_NS:
            out(&bb->tool, "%s\tnameserver = %s\n", r->name, r->target);
            break;
        case KN_DNS_TYPE_CNAME:
            out(&bb->tool, "%s\tcanonical name = %s\n", r->name, r->target);
            break;
        case KN_DNS_TYPE_PTR:
            out(&bb->tool, "%s\tname = %s\n", r->name, r->target);
            break;
        case KN_DNS_TYPE_MX:
            break;               /* not modelled by sim/dns-wire.h */
        case KN_DNS_TYPE_TXT:
            if (r->txt != NULL && r->txt[0] != NULL && r->txt[0][0] != '\0')
                out(&bb->tool, "%s\ttext = \"%s\"\n", r->name, r->txt[0]);
            break;
        case KN_DNS_TYPE_SRV:
            out(&bb->tool, "%s\tservice = %u %u %u %s\n", r->name, r->priority, r->weight,
                r->port, r->target);
            break;
        case KN_DNS_TYPE_SOA:
            out(&bb->tool, "%s\n\torigin = %s\n\tmail addr = %s\n\tserial = %u\n"
                "\trefresh = %u\n\tretry = %u\n\texpire = %u\n\tminimum = %u\n", r->name,
                r->target, r->rname, r->serial, r->refresh, r->retry, r->expire, r->minimum);
            break;
        default:
            break;
        }
    }
    return (int) n;
}

static const char *const bb_rcodes[] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE", "11", "12", "13", "14", "15",
};

static void
bb_on_reply(Tool *tool, const DnsReply *reply, gpointer data)
{
    Busybox *bb = (Busybox *) tool;
    const BbSend *send = data;
    BbQuery *q = send->q;
    guint8 rcode;
    gsize size = 0;
    const guint8 *d;

    if (send->epoch != bb->epoch || bb->server >= bb->servers->len
        || reply->status == KN_NET_CONNECT_TIMEOUT || reply->status == KN_NET_TIMEOUT)
        return;
    if (reply->status != KN_NET_OK) {
        const char *text = reply->status == KN_NET_REFUSED ? "Connection refused"
                           : reply->status == KN_NET_HOST_UNREACHABLE ? "No route to host"
                           : "Network is unreachable";

        if (!bb->refused && bb->round_sends > 1
            && reply->finished - reply->sent < BB_SAME_NODE_ERROR) {
            /* The error came back while the round was still being
             * written: the next write() fails, and busybox gives up on
             * this server ("no go, try next server"). */
            const HostArg *h = bb->servers->pdata[bb->server];

            err(&bb->tool, "nslookup: write to '%s': %s\n", h->host, text);
            bb->server++;
            bb_next_server(bb);
            return;
        }
        /* read() fails with the ICMP error (once a round, simplified). */
        if (!bb->refused)
            err(&bb->tool, "nslookup: read: %s\n", text);
        bb->refused = TRUE;
        return;
    }
    d = g_bytes_get_data(reply->wire, &size);
    if (bb->replies++ == 0) {
        char text[KN_ADDR_STRLEN];
        const HostArg *h = bb->servers->pdata[bb->server];

        kn_addr_format(bb->addr, text);
        if (bb->addr->family == 6)
            out(&bb->tool, "Server:\t\t%s\nAddress:\t[%s]:%u\n\n", h->host, text, bb->port);
        else
            out(&bb->tool, "Server:\t\t%s\nAddress:\t%s:%u\n\n", h->host, text, bb->port);
    }
    if (size < 4 || q->answered)
        return;          /* too short, or a duplicate */
    rcode = d[3] & 0x0f;
    if (rcode == KN_DNS_RCODE_SERVFAIL && bb->servfail_retry > 0) {
        bb->servfail_retry--;
        dns_send(&bb->tool, bb->addr, (guint16) bb->port, bb->sport, q->wire, FALSE,
                 (KnTime) bb->timeout * KN_SEC / bb->retry, bb_on_reply, bb_send_new(bb, q));
        return;
    }
    q->answered = TRUE;
    if (bb->debug) {
        guint qn = 0;

        while (bb->queries->pdata[qn] != q)
            qn++;
        out(&bb->tool, "Query #%u completed in %ums:\n", qn,
            (guint) ((tool_now(tool) - bb->tstart) / KN_MSEC));
    }
    if (rcode != KN_DNS_RCODE_NOERROR) {
        out(&bb->tool, "** server can't find %s: %s\n", q->name, bb_rcodes[rcode]);
        bb->exitcode = 1;
    } else if (bb_parse_reply(bb, reply->wire) < 0) {
        out(&bb->tool, "*** Can't find %s: Parse error\n", q->name);
        bb->exitcode = 1;
    }
    out(&bb->tool, "\n");
    bb->n_replies++;
    if (bb->n_replies >= bb->queries->len) {
        /* All answered: done with the servers. */
        bb->server = bb->servers->len;
        bb_next_server(bb);
    }
}

static void
on_bb_round(gpointer data)
{
    const BbSend *timer = data;
    Busybox *bb = timer->bb;

    if (!bb->tool.finished && timer->epoch == bb->epoch && bb->server < bb->servers->len) {
        if (tool_now(&bb->tool) - bb->tstart < (KnTime) bb->timeout * KN_SEC)
            bb_send_round(bb);
        else if (bb->n_replies > 0) {
            bb->server = bb->servers->len;   /* "more than zero replies received" */
            bb_next_server(bb);
        } else {
            bb->server++;
            bb_next_server(bb);
        }
    }
    tool_unref(&bb->tool);
}

static void
on_bb_round_dropped(gpointer data)
{
    const BbSend *timer = data;

    tool_unref(&timer->bb->tool);
}

/* send_queries(): one round of the queries still unanswered, then a wait
 * of timeout/retry. */
static void
bb_send_round(Busybox *bb)
{
    KnTime interval = (KnTime) bb->timeout * KN_SEC / bb->retry;

    bb->round++;
    bb->round_sends = 0;
    bb->refused = FALSE;
    bb->servfail_retry = 2 * bb->queries->len;
    for (guint i = 0; i < bb->queries->len; i++) {
        BbQuery *q = bb->queries->pdata[i];

        if (q->answered)
            continue;
        bb->round_sends++;
        dns_send(&bb->tool, bb->addr, (guint16) bb->port, bb->sport, q->wire, FALSE, interval,
                 bb_on_reply, bb_send_new(bb, q));
    }
    bb->tool.refs++;
    bb->tool.net->klass->after(bb->tool.net->self, interval, on_bb_round, bb_send_new(bb, NULL),
                               on_bb_round_dropped);
}

/* close(pfd.fd): the server's socket. */
static void
bb_close(Busybox *bb)
{
    const KnNetClientClass *klass = bb->tool.net->klass;

    if (bb->sport != 0 && klass->udp_unbind != NULL)
        klass->udp_unbind(bb->tool.net->self, bb->sport);
    bb->sport = 0;
}

/* The loop over the servers in main(), each asked from a socket of its
 * own (xsocket_type() and xconnect() per server), and the end. */
static void
bb_next_server(Busybox *bb)
{
    const KnNetClientClass *klass = bb->tool.net->klass;

    if (bb->tool.finished)
        return;
    bb_close(bb);
    bb->epoch++;
    if (bb->server < bb->servers->len) {
        const HostArg *h = bb->servers->pdata[bb->server];

        if (h->addrs == NULL || h->addrs->len == 0) {
            err(&bb->tool, "nslookup: bad address '%s'\n", h->host);
            tool_exit(&bb->tool, 1);
            return;
        }
        bb->addr = h->addrs->pdata[0];
        if (klass->udp_bind != NULL)
            bb->sport = klass->udp_bind(bb->tool.net->self);
        bb->replies = 0;
        bb->round = 0;
        bb->tstart = tool_now(&bb->tool);
        bb_send_round(bb);
        return;
    }
    if (bb->n_replies == 0) {
        out(&bb->tool, ";; connection timed out; no servers could be reached\n\n");
        tool_exit(&bb->tool, 1);
        return;
    }
    gboolean unanswered = FALSE;

    for (guint i = 0; i < bb->queries->len; i++) {
        const BbQuery *q = bb->queries->pdata[i];

        if (!q->answered) {
            out(&bb->tool, "*** Can't find %s: No answer\n", q->name);
            unanswered = TRUE;
        }
    }
    if (unanswered)
        out(&bb->tool, "\n");
    tool_exit(&bb->tool, bb->exitcode);
}

static void
bb_run(Tool *tool)
{
    bb_next_server((Busybox *) tool);
}

static void
busybox_start(KnNetClient *net, const char *version, const char *const *argv,
              const KnToolIo *io, KnToolDone done, gpointer user_data)
{
    static const struct {
        guint16 type;
        const char *name;
    } qtypes[] = {
        { KN_DNS_TYPE_SOA, "SOA" }, { KN_DNS_TYPE_NS, "NS" }, { KN_DNS_TYPE_A, "A" },
        { KN_DNS_TYPE_AAAA, "AAAA" }, { KN_DNS_TYPE_CNAME, "CNAME" }, { KN_DNS_TYPE_MX, "MX" },
        { KN_DNS_TYPE_TXT, "TXT" }, { KN_DNS_TYPE_SRV, "SRV" }, { KN_DNS_TYPE_PTR, "PTR" },
        { KN_DNS_TYPE_ANY, "ANY" },
    };
    static const char *const options[] = { "type", "querytype", "port", "retry", "debug", "t",
                                           "timeout" };
    Busybox *bb = g_new0(Busybox, 1);
    guint types = 0, i;
    char **args;

    bb->tool.refs = 1;
    bb->tool.net = net;
    bb->tool.io = *io;
    bb->tool.done = done;
    bb->tool.user_data = user_data;
    bb->tool.stream = "busybox-nslookup";
    bb->tool.free = busybox_free;
    tool_adopt(&bb->tool);
    bb->version = g_strdup(version != NULL ? version : BUSYBOX_VERSION);
    bb->argv = g_strdupv((char **) argv);
    bb->servers = g_ptr_array_new_with_free_func((GDestroyNotify) host_arg_free);
    bb->queries = g_ptr_array_new_with_free_func((GDestroyNotify) bb_query_free);
    bb->sends = g_ptr_array_new_with_free_func(g_free);
    bb->port = 53;
    bb->retry = 2;
    bb->timeout = 5;
    for (args = bb->argv + 1;; args++) {
        g_autofree char *arg = NULL;
        char *val;
        int index = -1;

        if (*args == NULL) {
            bb_usage(bb);
            return;
        }
        if (args[0][0] != '-')
            break;
        arg = g_strdup(args[0] + 1);
        val = strchr(arg, '=');
        if (val != NULL)
            *val++ = '\0';
        else
            val = arg + strlen(arg);
        for (i = 0; i < G_N_ELEMENTS(options) && index < 0; i++)
            if (strcmp(arg, options[i]) == 0)
                index = (int) i;
        if (index < 0) {
            bb_usage(bb);
            return;
        }
        if (index <= 1) {
            for (i = 0; i < G_N_ELEMENTS(qtypes); i++)
                if (g_ascii_strcasecmp(qtypes[i].name, val) == 0)
                    break;
            if (i == G_N_ELEMENTS(qtypes)) {
                err(&bb->tool, "nslookup: invalid query type \"%s\"\n", val);
                tool_exit(&bb->tool, 1);
                return;
            }
            types |= 1U << i;
        } else if (index == 2) {
            if (!bb_number(bb, val, 1, 0xffff, &bb->port))
                return;
        } else if (index == 3) {
            if (!bb_number(bb, val, 1, G_MAXINT, &bb->retry))
                return;
        } else if (index == 4) {
            bb->debug = TRUE;
        } else {
            if (!bb_number(bb, val, 1, G_MAXINT / 1000, &bb->timeout))
                return;
        }
    }
    if (args[1] != NULL) {
        HostArg *h;

        if (args[2] != NULL) {
            bb_usage(bb);
            return;
        }
        h = g_new0(HostArg, 1);
        h->host = g_strdup(args[1]);
        g_ptr_array_add(bb->servers, h);
    } else {
        bb_parse_resolvconf(bb);
        if (bb->servers->len == 0) {
            HostArg *h = g_new0(HostArg, 1);

            h->host = g_strdup("127.0.0.1");
            g_ptr_array_add(bb->servers, h);
        }
    }
    if (types == 0) {
        g_autofree char *ptr = bb_make_ptr(args[0]);

        if (ptr != NULL) {
            bb_add_query(bb, KN_DNS_TYPE_PTR, ptr);
        } else {
            bb_add_query_with_search(bb, KN_DNS_TYPE_A, args[0]);
            bb_add_query_with_search(bb, KN_DNS_TYPE_AAAA, args[0]);
        }
    } else {
        for (i = 0; i < G_N_ELEMENTS(qtypes); i++)
            if (types & (1U << i))
                bb_add_query_with_search(bb, qtypes[i].type, args[0]);
    }
    resolve_hosts(&bb->tool, bb->servers, bb_run);
}

/*****************************************************************************
 * Entry point.
 *****************************************************************************/

void
kn_tools_dns_run(KnNetClient *net, const KnImageTool *tool, const char *version,
                 const char *const *argv, const KnToolIo *io, KnToolDone done,
                 gpointer user_data)
{
    const char *name;

    g_return_if_fail(net != NULL && argv != NULL && argv[0] != NULL && io != NULL);
    name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
    if (tool != NULL && tool->flavour == KN_TOOL_BUSYBOX && strcmp(name, "nslookup") == 0)
        busybox_start(net, version, argv, io, done, user_data);
    else
        bind_start(net, name, version, argv, io, done, user_data);
}
