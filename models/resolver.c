/* resolver.c -- glibc's and musl's stub resolvers on the simulated clock.
 *
 * DOC: Stub resolvers
 *
 * glibc (reference/k8s-networking-facts.md 8.1; bminor/glibc
 * resolv/res_query.c __res_context_search and __res_context_query,
 * resolv/res_send.c __res_context_send, send_dg and send_vc):
 *  - The walk: dots = the name's '.' count.  dots >= ndots or a
 *    trailing dot: the name as is first; an answer (or the trailing dot)
 *    ends the walk.  Then, unless there was a trailing dot, each search
 *    domain: an answer ends the walk; NXDOMAIN (HOST_NOT_FOUND) and
 *    NOERROR without answers (NO_DATA, remembered) go on; SERVFAIL
 *    (TRY_AGAIN with rcode SERVFAIL) goes on; ECONNREFUSED (no server
 *    ever answered) ends the lookup; anything else (a timeout, REFUSED,
 *    FORMERR) stops the search.  Last, the name as is, unless it was
 *    tried first or the search list has the root, and (no-tld-query)
 *    only if it has a dot or nothing was searched.  The error is the
 *    as-is attempt's if it came first, else NO_DATA if any, else
 *    TRY_AGAIN if any SERVFAIL, else the last one.
 *  - A name "answers" when either response has an answer record.
 *    Neither: the rcode of the first response to arrive, or if that is
 *    NOERROR the second's: NXDOMAIN -> HOST_NOT_FOUND, SERVFAIL ->
 *    TRY_AGAIN, NOERROR -> NO_DATA, others -> NO_RECOVERY.
 *  - getaddrinfo(AF_UNSPEC) sends A and AAAA together (T_QUERY_A_AND_AAAA,
 *    sendmmsg on one socket); no-aaaa and AF_INET send A alone.
 *    gethostbyname2(AF_INET6) with no-aaaa still walks, with A queries
 *    whose answers are hidden (__res_handle_no_aaaa): NXDOMAIN stays,
 *    an answer becomes NO_DATA.
 *  - Before the walk, nss_dns's check_name: a name res_hnok refuses (an
 *    empty label, one over 63 octets, over 255 octets in all, a leading
 *    '-', a character outside [0-9A-Za-z_-]) is HOST_NOT_FOUND without
 *    a query.  A candidate whose query __res_context_mkquery cannot
 *    build (a search domain making it too long, or with a bad label) is
 *    NO_RECOVERY without a query, which ends the search list.
 *  - res_send: `attempts` rounds over the nameservers (from a rotating
 *    offset with `rotate`, nameserver_offset); send_dg waits
 *    `timeout << ns` seconds for server index ns, divided by the
 *    server count when ns > 0 (at least 1).  SERVFAIL, NOTIMP, REFUSED
 *    and a lame answer (NOERROR, no records, neither AA nor RA) move to
 *    the next server unless the other response already came good.  A
 *    timeout after exactly one good answer switches the process to
 *    single-request (then single-request-reopen) and re-sends at once to
 *    the same server.  single-request sends AAAA after A's answer;
 *    -reopen on a new socket; after a bad first answer in single mode
 *    the second query is never sent (the poll waits for POLLIN only).
 *    TC moves both queries to TCP on the same server (send_vc, one
 *    attempt, both queries on one connection); send_vc has no timeout
 *    of its own: a blocking connect() (the kernel gives up after its
 *    SYN retries, about 127 s) and blocking reads.  ICMP port unreachable
 *    moves on without counting as "got somewhere": if no server ever
 *    answered, the error is ECONNREFUSED, else ETIMEDOUT.
 *
 * musl (reference 8.2; bminor/musl src/network/lookup_name.c
 * name_from_dns_search and name_from_dns, src/network/res_msend.c
 * __res_msend_rc):
 *  - dots >= ndots or a trailing dot: the name alone.  Otherwise each
 *    search domain (skipped if the name would pass 255 characters),
 *    then the name.  A name __res_mkquery cannot encode (over 253
 *    characters, an empty label or one over 63) is not sent and ends
 *    the lookup with EAI_NONAME, in the middle of the walk too; so does
 *    an empty name, one of 255 characters or more, or two final dots.
 *    A "." domain makes "name..", which __res_mkquery encodes into a
 *    malformed question (musl_stray_dot_query) that no server answers
 *    in a way musl accepts: the lookup waits out the timeout and fails
 *    with EAI_AGAIN, without trying the rest of the list.
 *  - Per name, A then AAAA, sent together from one socket to every
 *    nameserver at once; re-sent (to all servers, for the queries not yet
 *    answered) every timeout/attempts milliseconds while less than
 *    `timeout` has passed: `attempts` rounds in all.  Only NOERROR and
 *    NXDOMAIN are accepted; SERVFAIL is re-sent at once to that server
 *    (at most 2 x queries times per round); REFUSED and the rest are
 *    ignored.
 *  - Then: a query without an answer -> EAI_AGAIN (stop); NXDOMAIN ->
 *    the next name; another rcode -> EAI_FAIL (stop); no address ->
 *    EAI_NODATA (stop: unlike glibc, NODATA ends the walk).
 *
 * Simplified: the answers are taken as A records, then AAAA, in the
 * order received, without getaddrinfo's RFC 6724 sort (which leaves
 * IPv4-only answers in that order anyway); glibc's "sticky"
 * single-request mode lasts one lookup, not the process; CNAME chains
 * are not checked against the owner names.  Go's pure resolver is not
 * modelled.
 *
 * Sockets: A and AAAA leave from one socket, so one source port and one
 * conntrack entry: the second datagram, NEW still, takes the DNAT the
 * first one's rules chose, and both go to the same CoreDNS pod.  glibc
 * keeps a socket per nameserver for the whole res_send (its retries
 * leave from the same port, so through conntrack they reach the same
 * backend again), closes them all on an error (close_and_return_error)
 * and opens a new one for single-request-reopen; musl has one socket per
 * __res_msend_rc.  The kernel's insert race between the two datagrams
 * (both unconfirmed at once on two CPUs) does not happen here: packets
 * are handled one at a time. */
#include <config.h>
#include "models/resolver.h"
#include "sim/spares.h"

#include <string.h>

#define MAXNS 3                  /* resolv.conf's nameservers (resolv/resolv.h) */

/* h_errno values (resolv/netdb.h). */
typedef enum {
    H_SUCCESS,
    H_HOST_NOT_FOUND,
    H_TRY_AGAIN,
    H_NO_RECOVERY,
    H_NO_DATA,
} HErrno;

typedef struct Lookup Lookup;
typedef struct Send Send;

/* The text and addresses a lookup keeps until it ends: its name, the
 * candidates, the addresses found.  They all go at once, so they are cut
 * one after another from a block the lookup keeps (and the next lookup
 * reuses with it) rather than each malloc'ed and freed; one that does not
 * fit gets a block of its own, freed when the lookup ends. */
#define ROOM_SIZE 1024

typedef struct Room Room;
struct Room {
    Room *next;                  /* the block before, or NULL: the lookup's own */
    gsize used;                  /* bytes of 'data' given out */
    gsize size;                  /* of 'data' */
    char data[];
};

/* musl's search walk (name_from_dns_search), one candidate at a time: a
 * lookup answered by its first name makes no others. */
typedef struct {
    const char *bare;            /* the name without its final dot; borrowed */
    gsize bare_len;              /* its length */
    gboolean bare_ok;            /* its labels pass __res_mkquery */
    guint next;                  /* the search domain to try next; the list's length:
                                  * the name as is; past it: none left */
} MuslWalk;

/* One res_send() (glibc) or __res_msend_rc() (musl) call: the queries
 * for one candidate name. */
struct Send {
    Lookup *lookup;
    guint candidate;
    guint n;                     /* queries: 1 or 2 */
    guint16 types[2];
    gboolean hide_answers;       /* glibc no-aaaa: an A query standing for AAAA */
    guint16 ids[2];
    GBytes *wire[2];             /* the encoded queries */
    guint gen;                   /* bumped per attempt; older callbacks are stale */
    gboolean over;               /* the send has returned */
    /* glibc */
    guint try_;                  /* the attempt round */
    guint ns_shift;              /* the server within the round */
    guint ns;                    /* the server index in use */
    gboolean tcp;                /* send_vc */
    gboolean gotsomewhere;
    gboolean recv[2];            /* by query */
    KnDnsMessage *slot[2];       /* the responses, in arrival order; borrowed from the records */
    gboolean slot_bad[2];
    guint n_slots;
    guint8 buffer_rcode;         /* the rcode in glibc's answer buffer */
    KnTime finish;               /* the current send_dg's deadline */
    guint16 ports[MAXNS];  /* the open sockets' ports: glibc's one per
                                  * server (EXT(statp).nssocks), musl's one in [0]; 0: closed */
    /* musl */
    KnDnsMessage *answer[2];     /* by query; borrowed */
    guint servfail_retry;
    guint n_rounds;              /* rounds sent so far */
    guint answer_ns;             /* the server of the answer being handled */
    KnTime t0;
    KnTime interval;
    /* outcome */
    gboolean failed;             /* res_send returned -1 */
    gboolean refused;            /* ... with ECONNREFUSED */
};

struct Lookup {
    guint refs;                  /* the lookup, pending exchanges and timers */
    gboolean finished;
    KnNetClient *client;
    const KnResolvConf *conf;
    KnRng *ids;
    guint16 next_id;
    char *name;                  /* as given; in 'room' */
    char *bare;                  /* without its final dot; in 'room' */
    gsize bare_len;              /* its length */
    KnResolverFlags flags;
    KnResolverDone done;
    gpointer user_data;
    GDestroyNotify destroy;      /* frees 'user_data' if 'done' is never called */
    KnResolverStatus local_status; /* answered without a query: the outcome */
    KnResolverResult result;
    Room *room;                  /* where the lookup's names and addresses live */
    GPtrArray *sends;            /* Send *, owned */
    gboolean direct;             /* kn_resolver_query() */
    gboolean direct_tcp;
    KnTime direct_timeout;
    /* glibc's search walk */
    guint dots;
    gboolean trailing_dot;
    enum { PHASE_AS_IS_FIRST, PHASE_SEARCH, PHASE_AS_IS_LAST } phase;
    guint search_index;
    int saved_herrno;            /* -1: none */
    gboolean tried_as_is, searched, root_on_list, got_nodata, got_servfail;
    HErrno herrno;
    gboolean single_request;     /* RES_SNGLKUP, set by a half-answered timeout */
    gboolean single_request_reopen;
    guint ns_offset;             /* nameserver_offset() under rotate */
    /* musl */
    MuslWalk musl_walk;          /* the candidates still to try */
    GPtrArray *timers;           /* Timer *: pending; they keep the lookup only until it
                                  * finishes, so an answered lookup does not wait out its
                                  * timeouts in memory */
};

typedef struct {
    Send *send;                  /* NULL once the lookup is gone or the timer is cancelled */
    guint gen;
    gboolean holds_ref;          /* counted in the lookup's refs */
    void (*fire)(Send *send);
    KnEventId id;                /* the client's timer */
} Timer;

/* A query in flight. */
typedef struct {
    Send *send;
    guint gen;
    guint query;                 /* index into send->types */
    guint ns;                    /* the nameserver index */
    KnResolverQuery *record;     /* borrowed from the result */
} Exchange;

static void glibc_attempt(Send *send);
static void glibc_next_ns(Send *send);
static void glibc_step(Lookup *lookup, Send *send);
static void musl_step(Lookup *lookup, Send *send);
static gboolean musl_walk_next(MuslWalk *walk, const KnResolvConf *conf, const char **suffix,
                               gsize *suffix_len);

/*****************************************************************************/
/* Results. */

const char *
kn_resolver_status_name(KnResolverStatus status)
{
    switch (status) {
    case KN_RESOLVER_OK:
        return "OK";
    case KN_RESOLVER_NXDOMAIN:
        return "NXDOMAIN";
    case KN_RESOLVER_NODATA:
        return "NODATA";
    case KN_RESOLVER_AGAIN:
        return "TRY_AGAIN";
    case KN_RESOLVER_FAIL:
        return "NO_RECOVERY";
    }
    return "?";
}

static void
query_free(KnResolverQuery *query)
{
    kn_dns_message_free(query->response);
    kn_spare_delete(query);
}

/* close() of the send's sockets: glibc's __res_iclose, musl's at the end
 * of __res_msend_rc. */
static void
send_close(Send *send)
{
    const KnNetClient *client = send->lookup->client;

    for (guint i = 0; i < MAXNS; i++)
        if (send->ports[i] != 0) {
            client->klass->udp_unbind(client->self, send->ports[i]);
            send->ports[i] = 0;
        }
}

/* The send returns: its sockets close. */
static void
send_end(Send *send)
{
    send->over = TRUE;
    send_close(send);
}

/* The port of socket 'i' of 'send', opened (bound) on first use; 0 in
 * clients without sockets of their own. */
static guint16
send_port(Send *send, guint i)
{
    const KnNetClient *client = send->lookup->client;

    if (send->ports[i] == 0 && client->klass->udp_bind != NULL)
        send->ports[i] = client->klass->udp_bind(client->self);
    return send->ports[i];
}

static void
send_free(Send *send)
{
    send_close(send);
    for (guint i = 0; i < send->n; i++)
        g_clear_pointer(&send->wire[i], g_bytes_unref);
    kn_spare_delete(send);
}

/* 'n' bytes of the lookup's room, valid until the lookup ends. */
static gpointer
room_alloc(Lookup *lookup, gsize n)
{
    Room *room = lookup->room;

    if (room->size - room->used < n) {
        gsize size = MAX(ROOM_SIZE, n);
        Room *more = g_malloc(sizeof *more + size);

        *more = (Room) { .next = room, .size = size };
        lookup->room = room = more;
    }
    room->used += n;
    return room->data + room->used - n;
}

/* Frees the blocks the lookup took besides its own, and empties that. */
static void
room_clear(Lookup *lookup)
{
    while (lookup->room->next != NULL) {
        Room *next = lookup->room->next;

        g_free(lookup->room);
        lookup->room = next;
    }
    lookup->room->used = 0;
}

/* Spares: finished lookups kept for the next ones, with their arrays (a
 * lookup fills five, and a bench makes a million lookups) and room.  Each
 * thread keeps its own (a simulation's lanes run on several) and frees
 * them as it exits. */
static void
lookup_destroy(Lookup *lookup)
{
    room_clear(lookup);
    g_free(lookup->room);
    g_ptr_array_unref(lookup->result.addresses);
    g_ptr_array_unref(lookup->result.candidates);
    g_ptr_array_unref(lookup->result.queries);
    g_ptr_array_unref(lookup->sends);
    g_ptr_array_unref(lookup->timers);
    kn_spare_delete(lookup);
}

KN_SPARE_STACK(spare_lookups, Lookup, 64, lookup_destroy)

/* A lookup with empty arrays, all else zero. */
static Lookup *
lookup_alloc(void)
{
    Lookup *lookup = spare_lookups_take();

    if (lookup != NULL) {
        *lookup = (Lookup) { .result = { .addresses = lookup->result.addresses,
                                         .candidates = lookup->result.candidates,
                                         .queries = lookup->result.queries },
                             .room = lookup->room, .sends = lookup->sends, .timers = lookup->timers };
        return lookup;
    }
    lookup = kn_spare_new0(Lookup);
    lookup->room = g_malloc(sizeof *lookup->room + ROOM_SIZE);
    *lookup->room = (Room) { .size = ROOM_SIZE };
    /* The addresses and names are in the room. */
    lookup->result.addresses = g_ptr_array_new();
    lookup->result.candidates = g_ptr_array_new();
    lookup->result.queries = g_ptr_array_new_with_free_func((GDestroyNotify) query_free);
    lookup->sends = g_ptr_array_new_with_free_func((GDestroyNotify) send_free);
    lookup->timers = g_ptr_array_new();
    return lookup;
}

static void
lookup_unref(Lookup *lookup)
{
    if (--lookup->refs > 0)
        return;
    if (!lookup->finished && lookup->destroy != NULL)
        lookup->destroy(lookup->user_data);     /* the run ended first */
    for (guint i = 0; i < lookup->timers->len; i++)
        ((Timer *) lookup->timers->pdata[i])->send = NULL;
    /* The sends first: their sockets close through the client. */
    g_ptr_array_set_size(lookup->sends, 0);
    g_ptr_array_set_size(lookup->result.addresses, 0);
    g_ptr_array_set_size(lookup->result.candidates, 0);
    g_ptr_array_set_size(lookup->result.queries, 0);
    g_ptr_array_set_size(lookup->timers, 0);
    room_clear(lookup);
    if (!spare_lookups_keep(lookup))
        lookup_destroy(lookup);
}

static KnTime
now(Lookup *lookup)
{
    return lookup->client->klass->now(lookup->client->self);
}

/* Collects the addresses of 'send's responses (by query, A first). */
static void
collect_addresses(Lookup *lookup, Send *send, KnDnsMessage *const *by_query)
{
    KnResolverResult *result = &lookup->result;

    for (guint i = 0; i < send->n; i++) {
        const KnDnsMessage *message = by_query[i];

        if (message == NULL)
            continue;
        for (guint j = 0; j < message->answers->len; j++) {
            const KnDnsRecord *record = message->answers->pdata[j];

            if (record->type != send->types[i])
                continue;
            g_ptr_array_add(result->addresses, memcpy(room_alloc(lookup, sizeof record->addr),
                                                      &record->addr, sizeof record->addr));
            if (result->canonical == NULL)
                result->canonical = record->name;   /* the response stays in 'queries' */
        }
    }
}

/* Ends the lookup: counts the wasted queries and calls 'done'. */
static void
finish(Lookup *lookup, KnResolverStatus status, Send *answered)
{
    KnResolverResult *result = &lookup->result;

    if (lookup->finished)
        return;
    lookup->finished = TRUE;
    /* Pending timers no longer matter: the process stopped waiting.  They
     * stop holding the lookup (the caller still holds a reference, so it
     * cannot go here), and where the client can, they are cancelled, which
     * frees each at once. */
    gboolean cancel = lookup->client->klass->cancel != NULL;

    for (guint i = 0; i < lookup->timers->len; i++) {
        Timer *timer = lookup->timers->pdata[i];

        if (timer->holds_ref) {
            timer->holds_ref = FALSE;
            lookup->refs--;
        }
        if (cancel) {
            timer->send = NULL;
            lookup->client->klass->cancel(lookup->client->self, timer->id);
        }
    }
    if (cancel)
        g_ptr_array_set_size(lookup->timers, 0);
    result->status = status;
    result->finished = now(lookup);
    if (answered != NULL)
        result->answered = result->candidates->pdata[answered->candidate];
    for (guint i = 0; i < result->queries->len; i++) {
        const KnResolverQuery *query = result->queries->pdata[i];

        if (answered == NULL || query->candidate != answered->candidate)
            result->n_wasted++;
    }
    lookup->done(result, lookup->user_data);
}

/*****************************************************************************/
/* Sending. */

static guint16
new_id(Lookup *lookup)
{
    if (lookup->ids != NULL)
        return kn_rng_next(lookup->ids) & 0xffff;
    return ++lookup->next_id;
}

/* What musl's __res_mkquery makes of "name.." (a name and a "." search
 * domain): it drops one final dot and copies "name." into the question,
 * then turns each '.' before a label into that label's length; the last
 * '.' has no label after it, so it stays, and the server reads it as the
 * length (46) of a label that is not there.  The question is the one for
 * "name" with its root byte replaced by '.', and one zero byte after the
 * class.  Servers cannot parse it (dnsmasq answered REFUSED, CoreDNS
 * drops what it cannot parse), and musl accepts neither.  New. */
static GBytes *
musl_stray_dot_query(guint16 id, const char *name, guint16 type)
{
    g_autofree char *bare = g_strndup(name, strlen(name) - 2);
    g_autoptr(GBytes) wire = kn_dns_query_encode(id, bare, type, TRUE, FALSE, 0, FALSE);
    gsize size;
    const guint8 *data = g_bytes_get_data(wire, &size);
    GByteArray *out = g_byte_array_sized_new(size + 1);
    const guint8 zero = 0;
    /* 12 bytes of header, then a length byte per label and the labels
     * (strlen + 1), then the root byte. */
    gsize root = 12 + strlen(bare) + 1;

    g_assert(root < size && data[root] == 0);
    g_byte_array_append(out, data, size);
    out->data[root] = '.';
    g_byte_array_append(out, &zero, 1);
    return g_byte_array_free_to_bytes(out);
}

/* A Send for 'name' (candidate number 'candidate') with the query types
 * 'flags' asks for, A first. */
static Send *
send_new(Lookup *lookup, guint candidate, KnResolverFlags flags, guint16 only_type, gboolean rd)
{
    Send *send = kn_spare_new0(Send);
    const char *name = lookup->result.candidates->pdata[candidate];

    send->lookup = lookup;
    send->candidate = candidate;
    if (only_type != 0) {
        send->types[send->n++] = only_type;
    } else {
        gboolean no_aaaa = lookup->conf->libc == KN_LIBC_GLIBC && lookup->conf->no_aaaa;

        if (flags & KN_RESOLVER_A)
            send->types[send->n++] = KN_DNS_TYPE_A;
        if ((flags & KN_RESOLVER_AAAA) && !(no_aaaa && (flags & KN_RESOLVER_A)))
            send->types[send->n++] = KN_DNS_TYPE_AAAA;
        if (no_aaaa && send->types[0] == KN_DNS_TYPE_AAAA) {
            /* __res_handle_no_aaaa: gethostbyname2(AF_INET6) still asks,
             * so that a missing name is NXDOMAIN, but with an A query
             * (and no OPT record), and hides the answer records: an
             * existing name is NO_DATA and the walk goes on. */
            send->types[0] = KN_DNS_TYPE_A;
            send->hide_answers = TRUE;
        }
    }
    gboolean glibc = lookup->conf->libc == KN_LIBC_GLIBC && !lookup->direct;
    gboolean stray_dot = FALSE;

    if (lookup->conf->libc == KN_LIBC_MUSL && !lookup->direct) {
        /* "name..": every send asks, so one strlen(), not
         * g_str_has_suffix()'s checks and two. */
        gsize len = strlen(name);

        stray_dot = len >= 2 && name[len - 2] == '.' && name[len - 1] == '.';
    }

    for (guint i = 0; i < send->n; i++) {
        send->ids[i] = new_id(lookup);
        /* musl: "Ensure query IDs are distinct." */
        if (i == 1 && send->ids[1] == send->ids[0])
            send->ids[1]++;
        if (stray_dot)
            send->wire[i] = musl_stray_dot_query(send->ids[i], name, send->types[i]);
    }
    if (!stray_dot)
        kn_dns_queries_encode(send->n, send->ids, send->types, name, rd, glibc && lookup->conf->trust_ad,
                              glibc && lookup->conf->edns0 && !send->hide_answers ? KN_DNS_EDNS_SIZE_GLIBC : 0,
                              FALSE, send->wire);
    g_ptr_array_add(lookup->sends, send);
    return send;
}

static KnResolverQuery *
record_query(Send *send, guint query, const KnAddr *server, gboolean tcp)
{
    Lookup *lookup = send->lookup;
    KnResolverQuery *record = kn_spare_new0(KnResolverQuery);

    record->name = lookup->result.candidates->pdata[send->candidate];
    record->type = send->types[query];
    record->id = send->ids[query];
    record->server = *server;
    record->tcp = tcp;
    record->candidate = send->candidate;
    record->sent = now(lookup);
    record->status = KN_RESOLVER_QUERY_UNUSED;
    g_ptr_array_add(lookup->result.queries, record);
    return record;
}

static const KnAddr *
server_addr(Lookup *lookup, guint ns)
{
    return &g_array_index(lookup->conf->nameservers, KnAddr, ns);
}

typedef void (*AnswerHandler)(Send *send, guint query, KnDnsMessage *message);
typedef void (*LossHandler)(Send *send, guint query, KnNetStatus status);

typedef struct {
    Exchange exchange;
    AnswerHandler on_answer;
    LossHandler on_loss;
} UdpCall;

/* The call is over: answered, lost, or the run ended first. */
static void
udp_call_drop(gpointer data)
{
    UdpCall *call = data;
    Lookup *lookup = call->exchange.send->lookup;

    kn_spare_delete(call);
    lookup_unref(lookup);
}

static void
on_udp(const KnUdpResult *result, gpointer user_data)
{
    UdpCall *call = user_data;
    Exchange *ex = &call->exchange;
    Send *send = ex->send;
    Lookup *lookup = send->lookup;
    KnResolverQuery *record = ex->record;
    KnDnsMessage *message = NULL;

    record->finished = result->finished;
    if (result->status == KN_NET_OK) {
        gsize length;
        const guint8 *data = g_bytes_get_data(result->received, &length);

        message = kn_dns_message_decode_stub(data, length, NULL);
        /* Not a reply to this query: dropped, as a spurious packet. */
        if (message != NULL && (!message->qr || message->id != record->id))
            g_clear_pointer(&message, kn_dns_message_free);
    }
    if (record->status == KN_RESOLVER_QUERY_UNUSED) {
        record->status = message != NULL ? KN_RESOLVER_QUERY_ANSWERED
                         : result->status == KN_NET_REFUSED ? KN_RESOLVER_QUERY_REFUSED
                                                            : KN_RESOLVER_QUERY_TIMEOUT;
        record->response = message;
    } else {
        kn_dns_message_free(message);
        message = NULL;
    }
    if (!lookup->finished && !send->over && ex->gen == send->gen) {
        send->answer_ns = ex->ns;
        if (message != NULL)
            call->on_answer(send, ex->query, message);
        else if (result->status != KN_NET_OK)
            call->on_loss(send, ex->query, result->status);
    }
    udp_call_drop(call);
}

/* A datagram on the socket answers the exchange whose query has its id
 * (send_dg's and __res_msend_rc's id checks); others wait on. */
static gboolean
udp_accepts(GBytes *datagram, gpointer user_data)
{
    const UdpCall *call = user_data;
    gsize length;
    const guint8 *data = g_bytes_get_data(datagram, &length);

    return length >= 2 && (guint16) (data[0] << 8 | data[1]) == call->exchange.record->id;
}

/* Sends query 'query' of 'send' to server 'ns' over UDP, waiting until
 * 'deadline' at most: from glibc's socket for that server, or musl's one
 * socket. */
static void
send_udp(Send *send, guint query, guint ns, KnTime deadline, AnswerHandler on_answer,
         LossHandler on_loss)
{
    Lookup *lookup = send->lookup;
    UdpCall *call = kn_spare_new0(UdpCall);
    KnUdpRequest request = { 0 };
    KnTime t = now(lookup);

    call->exchange.send = send;
    call->exchange.gen = send->gen;
    call->exchange.query = query;
    call->exchange.ns = ns;
    call->exchange.record = record_query(send, query, server_addr(lookup, ns), FALSE);
    call->on_answer = on_answer;
    call->on_loss = on_loss;
    request.dst = *server_addr(lookup, ns);
    request.port = KN_DNS_PORT;
    request.send = send->wire[query];
    request.timeout = deadline > t ? deadline - t : 1;
    request.sport = send_port(send, lookup->conf->libc == KN_LIBC_GLIBC ? ns : 0);
    request.accepts = udp_accepts;
    request.destroy = udp_call_drop;
    lookup->refs++;
    lookup->client->klass->udp_exchange(lookup->client->self, &request, on_udp, call);
}

/* Takes 'timer' off its lookup's list; the lookup, or NULL if it is gone. */
static Lookup *
timer_detach(Timer *timer)
{
    Lookup *lookup = timer->send != NULL ? timer->send->lookup : NULL;

    if (lookup != NULL) {
        g_ptr_array_remove_fast(lookup->timers, timer);
        if (!timer->holds_ref)
            lookup->refs++;      /* held while it fires */
    }
    return lookup;
}

static void
on_timer(gpointer data)
{
    Timer *timer = data;
    Send *send = timer->send;
    Lookup *lookup = timer_detach(timer);

    if (lookup != NULL && !lookup->finished && !send->over && timer->gen == send->gen)
        timer->fire(send);
    kn_spare_delete(timer);
    if (lookup != NULL)
        lookup_unref(lookup);
}

/* A timer the simulation ended before: it lets go of its lookup. */
static void
timer_free(gpointer data)
{
    Timer *timer = data;
    Lookup *lookup = timer_detach(timer);

    kn_spare_delete(timer);
    if (lookup != NULL)
        lookup_unref(lookup);
}

/* Calls 'fire' at 'when' unless the send moved on meanwhile. */
static void
send_timer(Send *send, KnTime when, void (*fire)(Send *send))
{
    Lookup *lookup = send->lookup;
    Timer *timer = kn_spare_new0(Timer);
    KnTime t = now(lookup);

    timer->send = send;
    timer->gen = send->gen;
    timer->fire = fire;
    timer->holds_ref = !lookup->finished;
    if (timer->holds_ref)
        lookup->refs++;
    g_ptr_array_add(lookup->timers, timer);
    timer->id = lookup->client->klass->after(lookup->client->self, when > t ? when - t : 0, on_timer,
                                             timer, timer_free);
}

/* DNS over TCP: both queries on one connection, each with its two-byte
 * length (RFC 1035 4.2.2), then the replies in whatever order. */
typedef struct {
    Send *send;
    guint gen;
    KnResolverQuery *records[2];
    void (*on_done)(Send *send, KnDnsMessage **by_query, gboolean ok);
} TcpCall;

static void
on_tcp(const KnTcpResult *result, gpointer user_data)
{
    TcpCall *call = user_data;
    Send *send = call->send;
    Lookup *lookup = send->lookup;
    KnDnsMessage *by_query[2] = { NULL, NULL };
    gsize size;
    const guint8 *data = g_bytes_get_data(result->received, &size);
    gboolean ok = result->status == KN_NET_OK;

    while (size >= 2) {
        gsize len = (gsize) data[0] << 8 | data[1];

        if (size < 2 + len)
            break;
        KnDnsMessage *message = kn_dns_message_decode_stub(data + 2, len, NULL);

        for (guint i = 0; message != NULL && i < send->n; i++) {
            if (by_query[i] == NULL && message->id == send->ids[i] && message->qr) {
                by_query[i] = g_steal_pointer(&message);
            }
        }
        kn_dns_message_free(message);
        data += 2 + len;
        size -= 2 + len;
    }
    for (guint i = 0; i < send->n; i++) {
        KnResolverQuery *record = call->records[i];

        record->finished = result->finished;
        record->status = by_query[i] != NULL ? KN_RESOLVER_QUERY_ANSWERED
                         : result->status == KN_NET_REFUSED ? KN_RESOLVER_QUERY_REFUSED
                                                            : KN_RESOLVER_QUERY_TIMEOUT;
        record->response = by_query[i];
        if (by_query[i] == NULL)
            ok = FALSE;
    }
    if (!lookup->finished && !send->over && call->gen == send->gen)
        call->on_done(send, by_query, ok);
    g_free(call);
    lookup_unref(lookup);
}

static void
send_tcp(Send *send, guint ns, KnTime max_time,
         void (*on_done)(Send *send, KnDnsMessage **by_query, gboolean ok))
{
    Lookup *lookup = send->lookup;
    TcpCall *call = g_new0(TcpCall, 1);
    KnTcpRequest request = { 0 };
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(GBytes) framed = NULL;

    call->send = send;
    call->gen = send->gen;
    call->on_done = on_done;
    for (guint i = 0; i < send->n; i++) {
        gsize len;
        const guint8 *data = g_bytes_get_data(send->wire[i], &len);
        guint8 prefix[2] = { len >> 8, len & 0xff };

        g_byte_array_append(bytes, prefix, 2);
        g_byte_array_append(bytes, data, len);
        call->records[i] = record_query(send, i, server_addr(lookup, ns), TRUE);
    }
    framed = g_byte_array_free_to_bytes(g_steal_pointer(&bytes));
    request.dst = *server_addr(lookup, ns);
    request.port = KN_DNS_PORT;
    request.send = framed;
    request.connect_timeout = max_time;
    request.max_time = max_time;
    lookup->refs++;
    lookup->client->klass->tcp_exchange(lookup->client->self, &request, on_tcp, call);
}

/*****************************************************************************/
/* glibc: res_send. */

static gboolean
glibc_bad(const KnDnsMessage *m)
{
    if (m->rcode == KN_DNS_RCODE_SERVFAIL || m->rcode == KN_DNS_RCODE_NOTIMP
        || m->rcode == KN_DNS_RCODE_REFUSED)
        return TRUE;
    /* A lame answer: "anhp->rcode == NOERROR && anhp->ancount == 0 &&
     * anhp->aa == 0 && anhp->ra == 0 && anhp->arcount == 0". */
    return m->rcode == KN_DNS_RCODE_NOERROR && m->answers->len == 0 && !m->aa && !m->ra
           && m->additional->len == 0;
}

/* res_send returns: the walk reads the slots. */
static void
glibc_return(Send *send)
{
    send_end(send);
    glibc_step(send->lookup, send);
}

static void
glibc_fail(Send *send)
{
    send->failed = TRUE;
    send->refused = !send->gotsomewhere;
    glibc_return(send);
}

static void glibc_send_second(Send *send);

static void
glibc_on_answer(Send *send, guint query, KnDnsMessage *message)
{
    Lookup *lookup = send->lookup;

    if (send->recv[query])
        return;
    send->gotsomewhere = TRUE;
    if (glibc_bad(message)) {
        if (send->n_slots > 0) {
            /* "*resplen2 = 0; return resplen;": the first reply alone,
             * or the next server if it was bad too. */
            if (send->slot_bad[0])
                glibc_next_ns(send);
            else
                glibc_return(send);
            return;
        }
        send->buffer_rcode = message->rcode;
        if (send->n == 2) {
            send->slot[0] = message;
            send->slot_bad[0] = TRUE;
            send->n_slots = 1;
            send->recv[query] = TRUE;
            return;          /* wait; in single mode AAAA is never sent */
        }
        glibc_next_ns(send);
        return;
    }
    if (message->tc) {
        send->tcp = TRUE;
        glibc_attempt(send);
        return;
    }
    if (send->n_slots == 0)
        send->buffer_rcode = message->rcode;
    send->slot[send->n_slots] = message;
    send->slot_bad[send->n_slots] = FALSE;
    send->n_slots++;
    send->recv[query] = TRUE;
    if (send->n_slots == send->n) {
        glibc_return(send);
        return;
    }
    if (lookup->single_request || lookup->single_request_reopen)
        glibc_send_second(send);
}

static void
glibc_on_loss(Send *send, guint query, KnNetStatus status)
{
    (void) query;
    /* recvfrom() fails with ECONNREFUSED after ICMP port unreachable:
     * close_and_return_error, the next server.  Timeouts are the
     * deadline's business. */
    if (status == KN_NET_REFUSED || status == KN_NET_HOST_UNREACHABLE
        || status == KN_NET_NETWORK_UNREACHABLE) {
        send_close(send);
        glibc_next_ns(send);
    }
}

static void
glibc_send_second(Send *send)
{
    guint other = send->recv[0] ? 1 : 0;

    if (send->lookup->single_request_reopen)
        send_close(send);        /* retry_reopen: a new socket for the second query */
    send_udp(send, other, send->ns, send->finish, glibc_on_answer, glibc_on_loss);
}

/* The poll timed out (send_dg's "n == 0"). */
static void
glibc_on_deadline(Send *send)
{
    Lookup *lookup = send->lookup;

    if (send->n_slots > 0 && !send->slot_bad[0]) {
        /* One good answer, the other lost: broken servers or firewalls
         * that cannot take two queries at once. */
        if (!lookup->single_request) {
            lookup->single_request = TRUE;
            glibc_attempt(send);
            return;
        }
        if (!lookup->single_request_reopen) {
            lookup->single_request_reopen = TRUE;
            send_close(send);
            glibc_attempt(send);
            return;
        }
        glibc_return(send);
        return;
    }
    send->gotsomewhere = TRUE;
    glibc_next_ns(send);
}

static void
glibc_on_tcp(Send *send, KnDnsMessage **by_query, gboolean ok)
{
    if (by_query[0] == NULL) {
        /* close_and_return_error: the next server, and send_vc set
         * try = retry, so this round is the last. */
        (void) ok;
        glibc_next_ns(send);
        return;
    }
    send->n_slots = 0;
    for (guint i = 0; i < send->n; i++) {
        if (by_query[i] != NULL) {
            send->slot[send->n_slots] = by_query[i];
            send->slot_bad[send->n_slots++] = FALSE;
        }
    }
    send->buffer_rcode = send->slot[0]->rcode;
    glibc_return(send);
}

/* send_dg (or send_vc) to the current server. */
static void
glibc_attempt(Send *send)
{
    Lookup *lookup = send->lookup;
    const KnResolvConf *conf = lookup->conf;
    guint nscount = conf->nameservers->len;
    guint seconds;

    if (!send->tcp && send->try_ >= conf->attempts) {
        glibc_fail(send);
        return;
    }
    send->ns = (send->ns_shift + lookup->ns_offset) % nscount;
    send->gen++;
    send->n_slots = 0;
    send->recv[0] = send->recv[1] = FALSE;
    seconds = conf->timeout << send->ns;
    if (send->ns > 0)
        seconds /= nscount;
    if (seconds == 0)
        seconds = 1;
    send->finish = now(lookup) + (KnTime) seconds * KN_SEC;
    if (send->tcp || conf->use_vc) {
        send->tcp = TRUE;
        send->try_ = conf->attempts;        /* "at most one attempt per server" */
        /* send_vc: a blocking connect() (the kernel's SYN retries) and
         * blocking reads; 'timeout' does not apply over TCP. */
        send_tcp(send, send->ns, 0, glibc_on_tcp);
        return;
    }
    send_udp(send, 0, send->ns, send->finish, glibc_on_answer, glibc_on_loss);
    if (send->n == 2 && !lookup->single_request && !lookup->single_request_reopen)
        send_udp(send, 1, send->ns, send->finish, glibc_on_answer, glibc_on_loss);
    send_timer(send, send->finish, glibc_on_deadline);
}

static void
glibc_next_ns(Send *send)
{
    guint nscount = send->lookup->conf->nameservers->len;

    if (++send->ns_shift >= nscount) {
        send->ns_shift = 0;
        send->try_++;
    }
    if (send->tcp && send->ns_shift == 0) {
        /* send_vc ended the rounds. */
        glibc_fail(send);
        return;
    }
    glibc_attempt(send);
}

/* What ns_name_pton makes of 'name' (resolv/ns_name.c): FALSE where it
 * fails, so __res_context_mkquery fails and no query goes out: an empty
 * label ("a..b", ".a", "a.."), a label over 63 octets, or a name over
 * 255 octets in wire form.  A backslash escapes the next character or
 * gives a decimal octet (\DDD).  If 'hostname' is not NULL, also says
 * there whether every label octet is a letter, digit, '-' or '_' and the
 * first label does not start with '-' (res_hnok's binary check). */
static gboolean
glibc_name_pton(const char *name, gboolean *hostname)
{
    gsize wire = 1;              /* the root's zero octet */
    gsize label = 0;             /* octets in the label being read */
    gboolean first = TRUE, ok_host = TRUE;

    if (name[0] == '.' && name[1] == '\0')
        name++;                  /* "." alone is the root */
    for (const char *p = name; *p != '\0'; p++) {
        guint c = (guchar) *p;

        if (c == '.') {
            if (label == 0)
                return FALSE;
            wire += label + 1;
            label = 0;
            first = FALSE;
            continue;
        }
        if (c == '\\') {
            if (g_ascii_isdigit(p[1])) {
                if (!g_ascii_isdigit(p[2]) || !g_ascii_isdigit(p[3]))
                    return FALSE;
                c = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
                if (c > 255)
                    return FALSE;
                p += 3;
            } else if (p[1] != '\0') {
                c = (guchar) *++p;
            } else {
                return FALSE;
            }
        }
        if (!g_ascii_isalnum(c) && c != '-' && c != '_')
            ok_host = FALSE;
        if (first && label == 0 && c == '-')
            ok_host = FALSE;
        if (++label > 63)
            return FALSE;
    }
    if (label > 0)
        wire += label + 1;
    if (wire > 255)
        return FALSE;
    if (hostname != NULL)
        *hostname = ok_host;
    return TRUE;
}

/* res_hnok(), which nss_dns's check_name applies to the name getaddrinfo()
 * and gethostbyname2() are given before any query: printable ASCII, a
 * valid domain name, host name characters only.  A name that fails is
 * HOST_NOT_FOUND without a query. */
static gboolean
glibc_hnok(const char *name)
{
    gboolean hostname = FALSE;

    for (const char *p = name; *p != '\0'; p++)
        if ((guchar) *p <= ' ' || (guchar) *p > '~')
            return FALSE;
    return glibc_name_pton(name, &hostname) && hostname;
}

static void glibc_walk(Lookup *lookup);
static void glibc_give_up(Lookup *lookup);

/* The candidate's query cannot be built (search domain and name together
 * over 255 octets, or a bad label in a search domain): __res_context_query
 * returns -1 with NO_RECOVERY before sending anything, which
 * __res_context_search takes as "anything else": the search list ends
 * there; the name as is may still follow. */
static void
glibc_unsendable(Lookup *lookup)
{
    lookup->herrno = H_NO_RECOVERY;
    switch (lookup->phase) {
    case PHASE_AS_IS_FIRST:
        if (lookup->trailing_dot) {
            finish(lookup, KN_RESOLVER_FAIL, NULL);
            return;
        }
        lookup->saved_herrno = H_NO_RECOVERY;
        lookup->tried_as_is = TRUE;
        lookup->phase = PHASE_SEARCH;
        break;
    case PHASE_SEARCH:
        lookup->search_index = lookup->conf->search->len;
        break;
    case PHASE_AS_IS_LAST:
        glibc_give_up(lookup);
        return;
    }
    glibc_walk(lookup);
}

/* __res_context_query for 'name' (candidate 'candidate'). */
static void
glibc_query(Lookup *lookup, guint candidate)
{
    guint nscount = lookup->conf->nameservers->len;
    Send *send;

    if (!glibc_name_pton(lookup->result.candidates->pdata[candidate], NULL)) {
        glibc_unsendable(lookup);
        return;
    }
    send = send_new(lookup, candidate, lookup->flags, 0, TRUE);
    if (lookup->conf->rotate && nscount > 1)
        lookup->ns_offset = (lookup->ns_offset + 1) % nscount;
    glibc_attempt(send);
}

/* Adds 'name' (the lookup's bare name, or in its room) to the
 * candidates; returns its number. */
static guint
add_candidate(Lookup *lookup, char *name)
{
    g_ptr_array_add(lookup->result.candidates, name);
    return lookup->result.candidates->len - 1;
}

/* Writes 'name' ('name_len' characters), a '.' and 'domain' ('domain_len')
 * to 'out', which has room for them and a NUL; returns 'out'. */
static char *
join_domain(char *out, const char *name, gsize name_len, const char *domain, gsize domain_len)
{
    memcpy(out, name, name_len);
    out[name_len] = '.';
    memcpy(out + name_len + 1, domain, domain_len + 1);
    return out;
}

/*****************************************************************************/
/* glibc: the search walk. */

/* What __res_context_query makes of a returned send: h_errno, and
 * whether a name answered. */
static HErrno
glibc_herrno(Send *send, guint8 *rcode)
{
    const KnDnsMessage *hp, *hp2;
    guint8 code;

    *rcode = send->buffer_rcode;
    if (send->failed)
        return H_TRY_AGAIN;
    hp = send->slot[0];
    hp2 = send->n_slots > 1 ? send->slot[1] : NULL;
    if (!send->hide_answers
        && ((hp->rcode == KN_DNS_RCODE_NOERROR && hp->answers->len > 0)
            || (hp2 != NULL && hp2->rcode == KN_DNS_RCODE_NOERROR && hp2->answers->len > 0)))
        return H_SUCCESS;
    code = hp->rcode == KN_DNS_RCODE_NOERROR && hp2 != NULL ? hp2->rcode : hp->rcode;
    *rcode = hp->rcode;
    switch (code) {
    case KN_DNS_RCODE_NXDOMAIN:
        return H_HOST_NOT_FOUND;
    case KN_DNS_RCODE_SERVFAIL:
        return H_TRY_AGAIN;
    case KN_DNS_RCODE_NOERROR:
        return H_NO_DATA;
    default:
        return H_NO_RECOVERY;
    }
}

static KnResolverStatus
status_of(HErrno herrno)
{
    switch (herrno) {
    case H_SUCCESS:
        return KN_RESOLVER_OK;
    case H_HOST_NOT_FOUND:
        return KN_RESOLVER_NXDOMAIN;
    case H_NO_DATA:
        return KN_RESOLVER_NODATA;
    case H_TRY_AGAIN:
        return KN_RESOLVER_AGAIN;
    case H_NO_RECOVERY:
        break;
    }
    return KN_RESOLVER_FAIL;
}

static void
glibc_success(Lookup *lookup, Send *send)
{
    KnDnsMessage *by_query[2] = { NULL, NULL };

    for (guint i = 0; i < send->n_slots; i++) {
        for (guint q = 0; q < send->n; q++) {
            const KnDnsQuestion *question = kn_dns_message_question(send->slot[i]);

            if (by_query[q] == NULL && question != NULL && question->type == send->types[q])
                by_query[q] = send->slot[i];
        }
    }
    collect_addresses(lookup, send, by_query);
    finish(lookup, lookup->result.addresses->len > 0 || lookup->direct ? KN_RESOLVER_OK
                                                                       : KN_RESOLVER_NODATA, send);
}

/* The walk's end without an answer. */
static void
glibc_give_up(Lookup *lookup)
{
    if (lookup->saved_herrno != -1)
        lookup->herrno = lookup->saved_herrno;
    else if (lookup->got_nodata)
        lookup->herrno = H_NO_DATA;
    else if (lookup->got_servfail)
        lookup->herrno = H_TRY_AGAIN;
    finish(lookup, status_of(lookup->herrno), NULL);
}

/* The next query of the walk, or the end. */
static void
glibc_walk(Lookup *lookup)
{
    const KnResolvConf *conf = lookup->conf;

    if (lookup->phase == PHASE_SEARCH) {
        gboolean search = (lookup->dots == 0) || (lookup->dots > 0 && !lookup->trailing_dot);

        if (search && lookup->search_index < conf->search->len) {
            const char *domain = conf->search->pdata[lookup->search_index++];

            lookup->searched = TRUE;
            if (domain[0] == '\0') {
                lookup->root_on_list = TRUE;
                glibc_query(lookup, add_candidate(lookup, lookup->bare));
            } else {
                gsize domain_len = strlen(domain);
                char *name = room_alloc(lookup, lookup->bare_len + 1 + domain_len + 1);

                glibc_query(lookup, add_candidate(lookup, join_domain(name, lookup->bare, lookup->bare_len,
                                                                      domain, domain_len)));
            }
            return;
        }
        lookup->phase = PHASE_AS_IS_LAST;
        if ((lookup->dots > 0 || !lookup->searched || !conf->no_tld_query)
            && !(lookup->tried_as_is || lookup->root_on_list)) {
            glibc_query(lookup, add_candidate(lookup, lookup->bare));
            return;
        }
    }
    glibc_give_up(lookup);
}

static void
glibc_step(Lookup *lookup, Send *send)
{
    guint8 rcode;
    HErrno herrno = glibc_herrno(send, &rcode);

    if (herrno == H_SUCCESS) {
        glibc_success(lookup, send);
        return;
    }
    lookup->herrno = herrno;
    switch (lookup->phase) {
    case PHASE_AS_IS_FIRST:
        if (lookup->trailing_dot) {
            finish(lookup, status_of(herrno), NULL);
            return;
        }
        lookup->saved_herrno = herrno;
        lookup->tried_as_is = TRUE;
        lookup->phase = PHASE_SEARCH;
        break;
    case PHASE_SEARCH:
        if (send->failed && send->refused) {
            lookup->herrno = H_TRY_AGAIN;
            finish(lookup, KN_RESOLVER_AGAIN, NULL);
            return;
        }
        if (herrno == H_NO_DATA) {
            lookup->got_nodata = TRUE;
        } else if (herrno == H_HOST_NOT_FOUND) {
            /* keep trying */
        } else if (herrno == H_TRY_AGAIN && rcode == KN_DNS_RCODE_SERVFAIL) {
            lookup->got_servfail = TRUE;
        } else {
            /* Anything else ends the search; the as-is query may follow. */
            lookup->search_index = lookup->conf->search->len;
        }
        break;
    case PHASE_AS_IS_LAST:
        glibc_give_up(lookup);
        return;
    }
    glibc_walk(lookup);
}

static void
glibc_start(Lookup *lookup)
{
    lookup->saved_herrno = -1;
    lookup->herrno = H_HOST_NOT_FOUND;
    lookup->single_request = lookup->conf->single_request;
    lookup->single_request_reopen = lookup->conf->single_request_reopen;
    if (lookup->conf->rotate && lookup->conf->nameservers->len > 1)
        lookup->ns_offset = lookup->ids != NULL
                            ? kn_rng_below(lookup->ids, lookup->conf->nameservers->len) : 0;
    if (lookup->dots >= lookup->conf->ndots || lookup->trailing_dot) {
        lookup->phase = PHASE_AS_IS_FIRST;
        glibc_query(lookup, add_candidate(lookup, lookup->bare));
        return;
    }
    lookup->phase = PHASE_SEARCH;
    glibc_walk(lookup);
}

/*****************************************************************************/
/* musl. */

static void musl_round(Send *send);
static void musl_on_loss(Send *send, guint query, KnNetStatus status);

static void
musl_on_answer(Send *send, guint query, KnDnsMessage *message)
{
    Lookup *lookup = send->lookup;

    if (send->answer[query] != NULL)
        return;
    switch (message->rcode) {
    case KN_DNS_RCODE_NOERROR:
    case KN_DNS_RCODE_NXDOMAIN:
        break;
    case KN_DNS_RCODE_SERVFAIL:
        if (send->servfail_retry > 0) {
            /* Re-sent at once to the server that failed. */
            send->servfail_retry--;
            send_udp(send, query, send->answer_ns,
                     send->t0 + (KnTime) lookup->conf->timeout * KN_SEC, musl_on_answer,
                     musl_on_loss);
        }
        return;
    default:
        return;
    }
    send->answer[query] = message;
    for (guint i = 0; i < send->n; i++)
        if (send->answer[i] == NULL)
            return;
    send_end(send);
    musl_step(lookup, send);
}

static void
musl_on_loss(Send *send, guint query, KnNetStatus status)
{
    /* Errors and silence alike: wait for the next round. */
    (void) send;
    (void) query;
    (void) status;
}

static void
musl_on_deadline(Send *send)
{
    send_end(send);
    musl_step(send->lookup, send);
}

/* One round: every unanswered query to every server. */
static void
musl_round(Send *send)
{
    Lookup *lookup = send->lookup;
    KnTime end = send->t0 + (KnTime) lookup->conf->timeout * KN_SEC;
    KnTime next;

    send->servfail_retry = 2 * send->n;
    send->n_rounds++;
    for (guint i = 0; i < send->n; i++)
        if (send->answer[i] == NULL)
            for (guint j = 0; j < lookup->conf->nameservers->len; j++)
                send_udp(send, i, j, end, musl_on_answer, musl_on_loss);
    /* `attempts` rounds.  When timeout does not divide evenly, one more
     * would start a few milliseconds before the deadline (1000 / 3 =
     * 333: at 999 ms), but each real round starts a little late (poll()
     * wakes after its timeout, mtime() counts whole milliseconds), and
     * the real musl 1.2.3 with timeout:1 attempts:3 sent 3 rounds in 8
     * runs of 8, with timeout:2 attempts:3 3 in 4 of 4. */
    next = now(lookup) + send->interval;
    if (send->interval > 0 && next < end && send->n_rounds < lookup->conf->attempts)
        send_timer(send, next, musl_round);
    else
        send_timer(send, end, musl_on_deadline);    /* the last round: the wait's end */
}

static void
musl_query(Lookup *lookup, guint candidate)
{
    Send *send = send_new(lookup, candidate, lookup->flags, 0, TRUE);
    const KnResolvConf *conf = lookup->conf;

    send->t0 = now(lookup);
    /* retry_interval = timeout / attempts, in whole milliseconds. */
    send->interval = (KnTime) (conf->timeout * 1000 / MAX(conf->attempts, 1)) * KN_MSEC;
    send->gen = 1;
    if (conf->timeout == 0) {
        musl_on_deadline(send);
        return;
    }
    /* The deadline's timer is set by the last round: one timer pending at
     * a time, so a send answered at once leaves one behind, not two. */
    musl_round(send);
}

static void
musl_next(Lookup *lookup)
{
    const char *domain;
    gsize domain_len;
    char *name;

    if (!musl_walk_next(&lookup->musl_walk, lookup->conf, &domain, &domain_len)) {
        finish(lookup, KN_RESOLVER_NXDOMAIN, NULL);
        return;
    }
    name = domain == NULL ? lookup->bare
           : join_domain(room_alloc(lookup, lookup->bare_len + 1 + domain_len + 1), lookup->bare,
                         lookup->bare_len, domain, domain_len);
    musl_query(lookup, add_candidate(lookup, name));
}

static void
musl_step(Lookup *lookup, Send *send)
{
    for (guint i = 0; i < send->n; i++) {
        const KnDnsMessage *answer = send->answer[i];

        if (answer == NULL || answer->rcode == KN_DNS_RCODE_SERVFAIL) {
            finish(lookup, KN_RESOLVER_AGAIN, NULL);
            return;
        }
        if (answer->rcode == KN_DNS_RCODE_NXDOMAIN) {
            musl_next(lookup);
            return;
        }
        if (answer->rcode != KN_DNS_RCODE_NOERROR) {
            finish(lookup, KN_RESOLVER_FAIL, NULL);
            return;
        }
    }
    collect_addresses(lookup, send, send->answer);
    finish(lookup, lookup->result.addresses->len > 0 ? KN_RESOLVER_OK : KN_RESOLVER_NODATA, send);
}

/*****************************************************************************/
/* Entry points. */

/* Whether musl's __res_mkquery encodes 'name' (no final dot): at most
 * 253 characters, each label 1 to 63.  It returns -1 otherwise, and
 * name_from_dns gives up with EAI_NONAME before sending anything. */
static gboolean
musl_query_name_ok(const char *name)
{
    gsize total = 0, label = 0;

    /* One pass: every search candidate of every lookup comes here. */
    for (const char *p = name;; p++, total++) {
        if (*p == '.' || *p == '\0') {
            if (label == 0 || label > 63)
                return FALSE;
            if (*p == '\0')
                return total <= 253;
            label = 0;
        } else {
            label++;
        }
    }
}

/* Starts musl's walk for a name of 'dots' dots, 'bare' ('bare_len'
 * characters, borrowed) without its final dot if 'trailing'. */
static void
musl_walk_init(MuslWalk *walk, const KnResolvConf *conf, const char *bare, gsize bare_len, gboolean trailing,
               guint dots)
{
    gsize len = bare_len + (trailing ? 1 : 0);

    *walk = (MuslWalk) { .bare = bare, .bare_len = bare_len, .next = G_MAXUINT };
    /* __lookup_name: an empty name or one of 255 characters or more;
     * name_from_dns_search: nothing left without the final dot, or a
     * second final dot.  EAI_NONAME, no query. */
    if (len == 0 || len >= 255 || bare_len == 0 || bare[bare_len - 1] == '.')
        return;
    /* "name.domain" has the labels of both: whether those of "name" pass
     * __res_mkquery is found once (its length, under 255, is checked with
     * each domain's). */
    walk->bare_ok = musl_query_name_ok(bare);
    walk->next = dots < conf->ndots && !trailing ? 0 : conf->search->len;
}

/* The walk's next name: FALSE if none is left, else TRUE with the domain
 * to add to the bare name in 'suffix' ('suffix_len' characters; "." for
 * the stray dot), or NULL for the name as is. */
static gboolean
musl_walk_next(MuslWalk *walk, const KnResolvConf *conf, const char **suffix, gsize *suffix_len)
{
    gsize bare_len = walk->bare_len;

    while (walk->next < conf->search->len) {
        const char *domain = conf->search->pdata[walk->next++];
        gsize domain_len = strlen(domain);

        /* "if (z-p < 256 - l - 1)": longer ones are skipped. */
        if (domain_len >= 256 - bare_len - 1)
            continue;
        /* A "." domain makes "name..", which __res_mkquery accepts but
         * encodes wrong (musl_stray_dot_query). */
        if (domain_len == 0) {
            /* Checked as "name." is: the labels of "name", and 253
             * characters with the dot. */
            if (!walk->bare_ok || bare_len + 1 > 253)
                goto over;
            *suffix = ".";
            *suffix_len = 1;
            return TRUE;
        }
        /* One that passes that test but not __res_mkquery (254 or 255
         * characters, a bad label) ends the walk: its EAI_NONAME is not
         * the 0 that means "try the next". */
        if (!walk->bare_ok || !musl_query_name_ok(domain) || bare_len + 1 + domain_len > 253)
            goto over;
        *suffix = domain;
        *suffix_len = domain_len;
        return TRUE;
    }
    /* Last, the name as is. */
    if (walk->next == conf->search->len && walk->bare_ok) {
        walk->next = G_MAXUINT;
        *suffix = NULL;
        return TRUE;
    }
over:
    walk->next = G_MAXUINT;
    return FALSE;
}

/* kn_resolver_candidates(), into 'out' (char *, owned). */
static void
candidates_into(const KnResolvConf *conf, const char *name, GPtrArray *out)
{
    gsize len = strlen(name);
    gboolean trailing = len > 0 && name[len - 1] == '.';
    gsize bare_len = trailing ? len - 1 : len;
    g_autofree char *bare = g_strndup(name, bare_len);
    guint dots = 0;

    for (const char *p = name; *p != '\0'; p++)
        dots += *p == '.';
    if (conf->libc == KN_LIBC_MUSL) {
        MuslWalk walk;
        const char *suffix;
        gsize suffix_len;

        musl_walk_init(&walk, conf, bare, bare_len, trailing, dots);
        while (musl_walk_next(&walk, conf, &suffix, &suffix_len))
            g_ptr_array_add(out, suffix == NULL ? g_strdup(bare)
                                 : join_domain(g_malloc(bare_len + 1 + suffix_len + 1), bare, bare_len,
                                               suffix, suffix_len));
        return;
    }
    gboolean as_is_first = dots >= conf->ndots || trailing;
    gboolean searched = FALSE, root = FALSE;

    /* No query at all for a name res_hnok refuses; a candidate whose
     * query cannot be built ends the search list (glibc_unsendable). */
    if (!glibc_hnok(name))
        return;
    if (as_is_first)
        g_ptr_array_add(out, g_strdup(bare));
    if (trailing)
        return;
    for (guint i = 0; i < conf->search->len; i++) {
        const char *domain = conf->search->pdata[i];
        gsize domain_len = strlen(domain);
        g_autofree char *candidate = domain[0] == '\0' ? g_strdup(bare)
                                     : join_domain(g_malloc(bare_len + 1 + domain_len + 1), bare, bare_len,
                                                   domain, domain_len);

        searched = TRUE;
        if (domain[0] == '\0')
            root = TRUE;
        if (!glibc_name_pton(candidate, NULL))
            break;
        g_ptr_array_add(out, g_steal_pointer(&candidate));
    }
    if ((dots > 0 || !searched || !conf->no_tld_query) && !(as_is_first || root))
        g_ptr_array_add(out, g_strdup(bare));
}

GPtrArray *
kn_resolver_candidates(const KnResolvConf *conf, const char *name)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    candidates_into(conf, name, out);
    return out;
}

static Lookup *
lookup_new(KnNetClient *client, const KnResolvConf *conf, KnRng *ids, const char *name,
           KnResolverFlags flags, KnResolverDone done, gpointer user_data, GDestroyNotify destroy)
{
    Lookup *lookup = lookup_alloc();
    gsize len = strlen(name);

    lookup->refs = 1;
    lookup->client = client;
    lookup->conf = conf;
    lookup->ids = ids;
    lookup->trailing_dot = len > 0 && name[len - 1] == '.';
    lookup->bare_len = lookup->trailing_dot ? len - 1 : len;
    /* Both forms of the name, one after the other: "name\0bare\0". */
    lookup->name = room_alloc(lookup, len + 1 + lookup->bare_len + 1);
    memcpy(lookup->name, name, len + 1);
    lookup->bare = lookup->name + len + 1;
    memcpy(lookup->bare, name, lookup->bare_len);
    lookup->bare[lookup->bare_len] = '\0';
    for (const char *p = name; *p != '\0'; p++)
        lookup->dots += *p == '.';
    lookup->flags = flags;
    lookup->done = done;
    lookup->user_data = user_data;
    lookup->destroy = destroy;
    lookup->result.started = client->klass->now(client->self);
    return lookup;
}

const char *
kn_resolver_hosts_names(const KnNetClient *client, const KnAddr *addr)
{
    KnAddr loopback;

    if (kn_addr_parse("127.0.0.1", &loopback) && kn_addr_equal(addr, &loopback))
        return "localhost";
    if (kn_addr_parse("::1", &loopback) && kn_addr_equal(addr, &loopback))
        return "localhost ip6-localhost ip6-loopback";
    if (client->hostname != NULL && kn_addr_equal(addr, &client->address))
        return client->hostname;
    return NULL;
}

static void
add_local(Lookup *lookup, const KnAddr *addr)
{
    if (addr->family == (lookup->flags & KN_RESOLVER_A ? 4 : 0)
        || addr->family == (lookup->flags & KN_RESOLVER_AAAA ? 6 : 0))
        g_ptr_array_add(lookup->result.addresses, memcpy(room_alloc(lookup, sizeof *addr), addr, sizeof *addr));
}

/* glibc's __inet_aton_exact, which getaddrinfo() tries before any
 * lookup: one to four parts, each decimal, octal (a leading 0) or hex
 * (0x), the last filling the bytes the others left ("10.1" is 10.0.0.1,
 * "0x7f.1" 127.0.0.1), nothing after.  FALSE if 'text' is not one. */
static gboolean
glibc_inet_aton(const char *text, KnAddr *addr)
{
    guint32 parts[3];
    guint n = 0;
    guint64 value;
    const char *p = text;

    for (;;) {
        guint base = 10;
        gboolean digit = FALSE;

        if (!g_ascii_isdigit(*p))
            return FALSE;
        value = 0;
        if (*p == '0') {
            p++;
            if (*p == 'x' || *p == 'X') {
                base = 16;
                p++;
            } else {
                base = 8;
                digit = TRUE;
            }
        }
        for (;; p++) {
            if (g_ascii_isdigit(*p)) {
                if (base == 8 && *p >= '8')
                    return FALSE;
                value = value * base + (guint) (*p - '0');
            } else if (base == 16 && g_ascii_isxdigit(*p)) {
                value = value * 16 + (guint) g_ascii_xdigit_value(*p);
            } else {
                break;
            }
            digit = TRUE;
            if (value > 0xffffffffu)
                return FALSE;
        }
        if (!digit)
            return FALSE;
        if (*p != '.')
            break;
        if (n == 3 || value > 0xff)
            return FALSE;
        parts[n++] = (guint32) value;
        p++;
    }
    if (*p != '\0' || value > (0xffffffffu >> (8 * n)))
        return FALSE;
    for (guint i = 0; i < n; i++)
        value |= (guint64) parts[i] << (24 - 8 * i);
    *addr = kn_addr_ipv4((guint32) value);
    return TRUE;
}

/* What getaddrinfo() answers before any query: an address literal
 * (glibc's inet_aton and inet_pton pass, musl's name_from_numeric), then
 * the files service (nsswitch "files dns", musl's name_from_hosts) over
 * the /etc/hosts the kubelet writes for a pod: "127.0.0.1 localhost",
 * "::1 localhost ip6-localhost ip6-loopback", and the pod's address and
 * hostname.  A family the entry lacks falls through to DNS; glibc
 * answers a literal of another family itself (EAI_ADDRFAMILY), and its
 * nss_files compares the name as given, so "localhost." is not in the
 * file and goes to DNS.  Sets result.local (and 'local_status') and
 * returns TRUE if answered. */
static gboolean
answer_locally(Lookup *lookup)
{
    gboolean glibc = lookup->conf->libc == KN_LIBC_GLIBC;
    const char *hosts_name = glibc ? lookup->name : lookup->bare;
    KnAddr addr;

    if (glibc ? glibc_inet_aton(lookup->name, &addr)
                    || (kn_addr_parse(lookup->name, &addr) && addr.family == 6)
              : kn_addr_parse(lookup->name, &addr)) {
        add_local(lookup, &addr);
        lookup->result.local = "an address literal";
        if (glibc && lookup->result.addresses->len == 0) {
            lookup->local_status = KN_RESOLVER_FAIL;
            return TRUE;
        }
    } else if (g_ascii_strcasecmp(hosts_name, "localhost") == 0) {
        kn_addr_parse("127.0.0.1", &addr);
        add_local(lookup, &addr);
        kn_addr_parse("::1", &addr);
        add_local(lookup, &addr);
        lookup->result.local = "/etc/hosts";
    } else if (lookup->client->hostname != NULL && g_ascii_strcasecmp(hosts_name, lookup->client->hostname) == 0) {
        add_local(lookup, &lookup->client->address);
        lookup->result.local = "/etc/hosts";
    }
    if (lookup->result.addresses->len > 0)
        return TRUE;
    lookup->result.local = NULL;
    return FALSE;
}

static void
on_local(gpointer data)
{
    Lookup *lookup = data;

    if (lookup->local_status == KN_RESOLVER_OK)
        lookup->result.canonical = lookup->bare;
    finish(lookup, lookup->local_status, NULL);
    lookup_unref(lookup);
}

void
kn_resolver_lookup(KnNetClient *client, const KnResolvConf *conf, KnRng *ids, const char *name,
                   KnResolverFlags flags, KnResolverDone done, gpointer user_data, GDestroyNotify destroy)
{
    Lookup *lookup;

    g_return_if_fail(client != NULL && conf != NULL && name != NULL && done != NULL);
    lookup = lookup_new(client, conf, ids, name, flags, done, user_data, destroy);
    if (!answer_locally(lookup) && conf->libc == KN_LIBC_GLIBC && !glibc_hnok(name))
        lookup->local_status = KN_RESOLVER_NXDOMAIN;
    if (lookup->result.local != NULL || lookup->local_status != KN_RESOLVER_OK) {
        /* From an event of its own, as every answer comes. */
        client->klass->after(client->self, 0, on_local, lookup, (GDestroyNotify) lookup_unref);
        return;
    }
    if (conf->libc == KN_LIBC_MUSL) {
        musl_walk_init(&lookup->musl_walk, conf, lookup->bare, lookup->bare_len, lookup->trailing_dot,
                       lookup->dots);
        musl_next(lookup);
    } else {
        glibc_start(lookup);
    }
    lookup_unref(lookup);
}

/* kn_resolver_query(): one question, one server. */
static void
direct_on_tcp(Send *send, KnDnsMessage **by_query, gboolean ok)
{
    (void) ok;
    send_end(send);
    if (by_query[0] == NULL) {
        finish(send->lookup, KN_RESOLVER_AGAIN, NULL);
        return;
    }
    send->slot[0] = by_query[0];
    send->n_slots = 1;
    send->buffer_rcode = by_query[0]->rcode;
    glibc_step(send->lookup, send);
}

static void direct_on_deadline(Send *send);

static void
direct_on_answer(Send *send, guint query, KnDnsMessage *message)
{
    (void) query;
    if (message->tc) {
        send->gen++;
        send_tcp(send, 0, send->lookup->direct_timeout, direct_on_tcp);
        return;
    }
    send_end(send);
    send->slot[0] = message;
    send->n_slots = 1;
    send->buffer_rcode = message->rcode;
    glibc_step(send->lookup, send);
}

static void
direct_on_loss(Send *send, guint query, KnNetStatus status)
{
    (void) query;
    if (status == KN_NET_REFUSED) {
        send_end(send);
        finish(send->lookup, KN_RESOLVER_AGAIN, NULL);
    }
}

static void
direct_on_deadline(Send *send)
{
    send_end(send);
    finish(send->lookup, KN_RESOLVER_AGAIN, NULL);
}

void
kn_resolver_query(KnNetClient *client, const KnResolvConf *conf, KnRng *ids, const char *name,
                  guint16 type, gboolean tcp, KnTime timeout, KnResolverDone done,
                  gpointer user_data, GDestroyNotify destroy)
{
    Lookup *lookup;
    Send *send;
    KnTime deadline;

    g_return_if_fail(client != NULL && conf != NULL && name != NULL && done != NULL);
    lookup = lookup_new(client, conf, ids, name, 0, done, user_data, destroy);
    lookup->direct = TRUE;
    lookup->direct_timeout = timeout != 0 ? timeout : (KnTime) conf->timeout * KN_SEC;
    lookup->saved_herrno = -1;
    lookup->trailing_dot = TRUE;             /* the answer, whatever it is, ends it */
    lookup->phase = PHASE_AS_IS_FIRST;
    send = send_new(lookup, add_candidate(lookup, lookup->bare), 0, type, TRUE);
    send->gen = 1;
    deadline = now(lookup) + lookup->direct_timeout;
    if (tcp) {
        send_tcp(send, 0, lookup->direct_timeout, direct_on_tcp);
    } else {
        send_udp(send, 0, 0, deadline, direct_on_answer, direct_on_loss);
        send_timer(send, deadline, direct_on_deadline);
    }
    lookup_unref(lookup);
}

void
kn_resolver_result_describe(const KnResolverResult *result, GString *out)
{
    for (guint i = 0; i < result->queries->len; i++) {
        const KnResolverQuery *query = result->queries->pdata[i];
        char server[KN_ADDR_STRLEN], type[16], rcode[16];
        const char *outcome;
        g_autofree char *detail = NULL;

        kn_addr_format(&query->server, server);
        kn_dns_type_format(query->type, type);
        switch (query->status) {
        case KN_RESOLVER_QUERY_ANSWERED:
            if (query->response->rcode == KN_DNS_RCODE_NOERROR && query->response->answers->len == 0)
                outcome = "NODATA";
            else
                outcome = kn_dns_rcode_format(query->response->rcode, rcode);
            if (query->response->answers->len > 0) {
                GString *records = g_string_new(NULL);

                for (guint j = 0; j < query->response->answers->len; j++) {
                    g_autofree char *rdata = kn_dns_rdata_to_string(query->response->answers->pdata[j]);

                    g_string_append_printf(records, "%s%s", j > 0 ? ", " : " ", rdata);
                }
                detail = g_string_free(records, FALSE);
            }
            break;
        case KN_RESOLVER_QUERY_TIMEOUT:
            outcome = "timeout";
            break;
        case KN_RESOLVER_QUERY_REFUSED:
            outcome = "port unreachable";
            break;
        default:
            outcome = "abandoned";
            break;
        }
        g_string_append_printf(out, "  %3u.%06us  %-5s %s -> %s%s  %s%s\n",
                               (guint) (query->sent / KN_SEC),
                               (guint) (query->sent % KN_SEC / KN_USEC), type, query->name, server,
                               query->tcp ? "/tcp" : "", outcome, detail != NULL ? detail : "");
    }
    KnTime total = result->finished - result->started;

    if (result->local != NULL)
        g_string_append_printf(out, "no query: %s answers it\n", result->local);
    g_string_append_printf(out, "%u queries, %u wasted on search suffixes, %u.%03us\n",
                           result->queries->len, result->n_wasted, (guint) (total / KN_SEC),
                           (guint) (total % KN_SEC / KN_MSEC));
}
