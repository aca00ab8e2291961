/* netclient.h -- what a process's network tools (curl, wget, nc, ping,
 * nslookup, dig) may ask of the network they run in.
 *
 * A command run by an exec: or from: step (models/shell.h, models/tools.h)
 * lives in one network namespace: a pod's, a node's host namespace or an
 * outside host's.  The data path (models/net.h) implements this interface
 * for each of them; tests implement it with fakes.  Every call is
 * asynchronous on the simulated clock: it returns at once and calls 'done'
 * later from an event handler, exactly once.  Results are borrowed for the
 * duration of the callback. */
#pragma once

#include <glib.h>
#include "sim/addr.h"
#include "sim/event.h"
#include "sim/time.h"

typedef enum {
    KN_NET_OK,                   /* connected (and, for an exchange, the peer closed or
                                  * the answer was complete) */
    KN_NET_REFUSED,              /* a RST answered the SYN, or ICMP port unreachable
                                  * (REJECT): "Connection refused" */
    KN_NET_CONNECT_TIMEOUT,      /* no answer to the SYNs within the connect timeout */
    KN_NET_TIMEOUT,              /* connected, but the whole exchange ran past max_time */
    KN_NET_HOST_UNREACHABLE,     /* ICMP host unreachable, or no ARP answer: "No route to host" */
    KN_NET_NETWORK_UNREACHABLE,  /* no route at all: "Network is unreachable" */
    KN_NET_RESET,                /* the peer reset an established connection */
} KnNetStatus;

/* A TCP exchange: connect, send 'send' (if any), read until the peer closes
 * (or, for HTTP, until the response is complete per its Content-Length),
 * then close. */
typedef struct KnTcpRequest {
    KnAddr dst;
    guint16 port;
    GBytes *send;                /* borrowed; NULL: connect, then close (nc -z) */
    KnTime connect_timeout;      /* 0: the kernel's SYN retries (about 127 s) */
    KnTime max_time;             /* the whole exchange; 0: no limit */
    gboolean http;               /* the answer is HTTP: stop reading at its end */
} KnTcpRequest;

typedef struct KnTcpResult {
    KnNetStatus status;
    GBytes *received;            /* what the peer sent; never NULL (maybe empty) */
    KnAddr local;                /* the socket's own address and port */
    guint16 local_port;
    KnTime started;              /* when connect() was called */
    KnTime connected;            /* when the handshake finished (0 if it did not) */
    KnTime first_byte;           /* when the first byte of the answer arrived */
    KnTime finished;
} KnTcpResult;

/* A UDP exchange: send one datagram and wait for one answer. */
typedef struct KnUdpRequest {
    KnAddr dst;
    guint16 port;
    GBytes *send;                /* borrowed */
    KnTime timeout;
    guint16 sport;               /* a port from udp_bind(), shared as one socket's; 0: a new
                                  * ephemeral port for this exchange alone */
    /* Whether a datagram that arrives on the port is this exchange's
     * answer, when several wait on one bound port (a resolver matches the
     * DNS id); others are read and dropped.  NULL: the first one is. */
    gboolean (*accepts)(GBytes *datagram, gpointer user_data);
    /* If the simulation ends before 'done' is called, this (if not NULL)
     * frees its 'user_data'. */
    GDestroyNotify destroy;
} KnUdpRequest;

typedef struct KnUdpResult {
    KnNetStatus status;          /* OK, REFUSED (ICMP port unreachable), CONNECT_TIMEOUT
                                  * (no answer within the timeout) */
    GBytes *received;            /* the answer; never NULL */
    KnAddr from;
    guint16 from_port;
    KnTime finished;
} KnUdpResult;

typedef struct KnPingResult {
    KnNetStatus status;          /* OK: echo reply; HOST_UNREACHABLE, CONNECT_TIMEOUT: none */
    KnAddr from;                 /* who answered (the target, or a router's error) */
    guint8 ttl;                  /* the reply's TTL */
    KnTime rtt;
} KnPingResult;

/* The outcome of a name lookup through the process's resolver. */
typedef struct KnResolveResult {
    gboolean found;
    GPtrArray *addresses;        /* KnAddr *, in the order the resolver returns them */
    char *canonical;             /* the canonical name, or NULL */
} KnResolveResult;

typedef void (*KnTcpDone)(const KnTcpResult *result, gpointer user_data);
typedef void (*KnUdpDone)(const KnUdpResult *result, gpointer user_data);
typedef void (*KnPingDone)(const KnPingResult *result, gpointer user_data);
typedef void (*KnResolveDone)(const KnResolveResult *result, gpointer user_data);
typedef void (*KnTimerDone)(gpointer user_data);

/* The operations; 'self' is the KnNetClient. */
typedef struct KnNetClientClass {
    /* Resolves 'name' (a host name or an address literal) as the process's
     * C library would (search list, ndots). */
    void (*resolve)(gpointer self, const char *name, KnResolveDone done, gpointer user_data);
    void (*tcp_exchange)(gpointer self, const KnTcpRequest *request, KnTcpDone done,
                         gpointer user_data);
    void (*udp_exchange)(gpointer self, const KnUdpRequest *request, KnUdpDone done,
                         gpointer user_data);
    /* Sends one ICMP echo request with sequence 'seq' to 'dst' and waits up
     * to 'timeout' for its reply. */
    void (*ping)(gpointer self, const KnAddr *dst, guint16 seq, KnTime timeout,
                 KnPingDone done, gpointer user_data);
    /* Calls 'done' after 'delay' (sleep, ping's interval).  If the
     * simulation ends first, or when the timer is cancelled, 'destroy' (if
     * not NULL) frees 'user_data'.  Returns the timer's id for cancel(). */
    KnEventId (*after)(gpointer self, KnTime delay, KnTimerDone done, gpointer user_data,
                       GDestroyNotify destroy);
    /* Stops the pending timer 'id' of after() (a process's timeout that no
     * longer matters once its answer came): 'done' is not called.  Nothing
     * happens if it fired already.  NULL where timers cannot be stopped. */
    void (*cancel)(gpointer self, KnEventId id);
    KnTime (*now)(gpointer self);
    /* A node's own administration tools, run at once: `iptables-save [-t
     * TABLE]` prints kube-proxy's rules, `conntrack -L` / `-C` the
     * connection table.  Appends what the tool prints to 'out' and 'err' and
     * returns its exit status.  NULL where there are none (tests' fakes). */
    int (*host_tool)(gpointer self, const char *const *argv, GString *out, GString *err);
    /* A UDP socket's local port, held until udp_unbind() (close()), so
     * that several exchanges leave from it; 0 when none is free.  NULL in
     * clients without sockets of their own: every exchange then has its
     * own port. */
    guint16 (*udp_bind)(gpointer self);
    void (*udp_unbind)(gpointer self, guint16 port);
    /* The next 64 bits of the simulation's random stream 'stream'
     * (sim/rng.h): what a process picks at random, such as DNS message ids
     * and cookies, drawn so that the same seed gives the same bytes.  NULL
     * where there is none (tools then count 1, 2, 3, ...). */
    guint64 (*random)(gpointer self, const char *stream);
    /* A process (a shell, a tool) running here: 'abandon' frees it if the
     * simulation ends while it still waits for an answer, once nothing
     * can call back into it.  It leaves with disown() when it finishes.
     * NULL where nothing ends early (tests' fakes run to the end). */
    void (*adopt)(gpointer self, gpointer process, GDestroyNotify abandon);
    void (*disown)(gpointer self, gpointer process);
    /* FALSE once the pod this runs in is gone: what still runs there was
     * killed with it.  NULL where nothing goes (nodes, hosts, tests' fakes). */
    gboolean (*alive)(gpointer self);
} KnNetClientClass;

/* Where a command runs: its network and what the image gives it. */
typedef struct KnNetClient {
    const KnNetClientClass *klass;
    gpointer self;               /* passed to every operation */
    char *hostname;              /* what `hostname` prints (the pod's name, the node's) */
    char *image;                 /* the container image, or NULL on a node or host */
    KnAddr address;              /* the namespace's primary address */
} KnNetClient;
