/* dns-wire.h -- DNS messages (RFC 1035) as plain structs, and their wire
 * form.  CoreDNS (models/coredns.h) answers a KnDnsMessage with another; the
 * resolvers and tools (models/resolver.h) build queries and print answers;
 * packets (sim/packet.h) carry the bytes kn_dns_message_encode() makes, so
 * pcapng captures decode in tshark as DNS.
 *
 * Names are kept in presentation form, absolute, WITHOUT the final dot
 * ("web.default.svc.cluster.local"; the root is ""), case as received.
 * A '.' or '\' inside a label and bytes outside 0x21-0x7e are escaped as
 * miekg/dns and dig write them ("\." "\\" "\DDD").  The wire form always
 * ends in the root label; the presentation helpers add the final dot. */
#pragma once

#include <glib.h>
#include "sim/addr.h"

/* RR types (RFC 1035 3.2.2, RFC 3596, RFC 2782, RFC 6891). */
enum {
    KN_DNS_TYPE_A = 1,
    KN_DNS_TYPE_NS = 2,
    KN_DNS_TYPE_CNAME = 5,
    KN_DNS_TYPE_SOA = 6,
    KN_DNS_TYPE_PTR = 12,
    KN_DNS_TYPE_MX = 15,
    KN_DNS_TYPE_TXT = 16,
    KN_DNS_TYPE_AAAA = 28,
    KN_DNS_TYPE_SRV = 33,
    KN_DNS_TYPE_OPT = 41,
    KN_DNS_TYPE_IXFR = 251,
    KN_DNS_TYPE_AXFR = 252,
    KN_DNS_TYPE_ANY = 255,
};

enum {
    KN_DNS_CLASS_IN = 1,
    KN_DNS_CLASS_CH = 3,
    KN_DNS_CLASS_ANY = 255,
};

/* Header RCODEs (4 bits; RFC 1035 4.1.1). */
enum {
    KN_DNS_RCODE_NOERROR = 0,
    KN_DNS_RCODE_FORMERR = 1,
    KN_DNS_RCODE_SERVFAIL = 2,
    KN_DNS_RCODE_NXDOMAIN = 3,
    KN_DNS_RCODE_NOTIMP = 4,
    KN_DNS_RCODE_REFUSED = 5,
};

#define KN_DNS_PORT 53
#define KN_DNS_UDP_MAX 512           /* RFC 1035 4.2.1: UDP without EDNS0 */
#define KN_DNS_EDNS_SIZE_GLIBC 1200  /* glibc's EDNS0 buffer (RESOLV_EDNS_BUFFER_SIZE) */
#define KN_DNS_EDNS_SIZE_DIG 1232    /* dig 9.16+ (DNS flag day 2020) */
#define KN_DNS_NAME_MAX 255          /* wire octets of a name */
#define KN_DNS_LABEL_MAX 63

/* A question-section entry. */
typedef struct KnDnsQuestion {
    char *name;                  /* presentation form, no final dot; owned */
    guint16 type;                /* KN_DNS_TYPE_* (any value) */
    guint16 klass;               /* KN_DNS_CLASS_IN normally */
} KnDnsQuestion;

/* A resource record.  Which members mean something depends on 'type';
 * the others stay zero/NULL. */
typedef struct KnDnsRecord {
    char *name;                  /* owner; "" for the root (OPT); owned */
    guint16 type;                /* KN_DNS_TYPE_* */
    guint16 klass;               /* KN_DNS_CLASS_IN; OPT: the requestor's UDP payload size */
    guint32 ttl;                 /* seconds; OPT: extended rcode<<24 | version<<16 | DO<<15 */
    KnAddr addr;                 /* A (family 4), AAAA (family 6) */
    char *target;                /* CNAME, PTR, NS, SRV target; SOA mname; owned */
    guint16 priority;            /* SRV */
    guint16 weight;              /* SRV */
    guint16 port;                /* SRV */
    char *rname;                 /* SOA responsible mailbox ("hostmaster.cluster.local"); owned */
    guint32 serial;              /* SOA */
    guint32 refresh;             /* SOA */
    guint32 retry;               /* SOA */
    guint32 expire;              /* SOA */
    guint32 minimum;             /* SOA: the negative-caching TTL (RFC 2308) */
    GStrv txt;                   /* TXT: the character-strings (each <= 255 bytes); owned */
    GBytes *rdata;               /* any other type, and OPT's options: the raw RDATA; owned or NULL */
} KnDnsRecord;

/* A whole message.  The OPT pseudo-record, if any, is an entry of
 * 'additional' (as on the wire); kn_dns_message_set_edns() and
 * kn_dns_message_get_edns() read and write it. */
typedef struct KnDnsMessage {
    guint16 id;
    gboolean qr;                 /* a response */
    guint8 opcode;               /* 0 QUERY */
    gboolean aa;                 /* authoritative answer */
    gboolean tc;                 /* truncated: retry over TCP */
    gboolean rd;                 /* recursion desired */
    gboolean ra;                 /* recursion available */
    gboolean ad;                 /* authentic data (RFC 4035) */
    gboolean cd;                 /* checking disabled */
    guint8 rcode;                /* KN_DNS_RCODE_*, the header's 4 bits */
    gboolean compress;           /* encode with name compression (miekg/dns
                                  * Msg.Compress); TRUE from kn_dns_message_new()
                                  * and _decode(); CoreDNS clears it for replies
                                  * that fit (request.Scrub) */
    GPtrArray *questions;        /* KnDnsQuestion; owned */
    GPtrArray *answers;          /* KnDnsRecord; owned */
    GPtrArray *authority;        /* KnDnsRecord; owned */
    GPtrArray *additional;       /* KnDnsRecord, OPT included; owned */
} KnDnsMessage;

#define KN_DNS_ERROR (kn_dns_error_quark())
GQuark kn_dns_error_quark(void);
typedef enum {
    KN_DNS_ERROR_SHORT,          /* the message ends inside a field */
    KN_DNS_ERROR_NAME,           /* bad label, pointer loop or forward pointer, name too long */
    KN_DNS_ERROR_RDATA,          /* RDATA length does not fit its type */
    KN_DNS_ERROR_TRAILING,       /* bytes left after the last record */
    KN_DNS_ERROR_TEXT,           /* a presentation name or type that does not parse */
} KnDnsError;

/*****************************************************************************/
/* Questions and records. */

/* New; free with kn_dns_question_free(). */
KnDnsQuestion *kn_dns_question_new(const char *name, guint16 type, guint16 klass);
void kn_dns_question_free(KnDnsQuestion *question);        /* accepts NULL */

/* A record of 'type' with class IN and the rest zero; fill in the rdata
 * members.  New; free with kn_dns_record_free(). */
KnDnsRecord *kn_dns_record_new(const char *name, guint16 type, guint32 ttl);
/* A or AAAA (by the family of 'addr'). */
KnDnsRecord *kn_dns_record_new_addr(const char *name, guint32 ttl, const KnAddr *addr);
/* CNAME, PTR or NS ('type') pointing at 'target'. */
KnDnsRecord *kn_dns_record_new_target(const char *name, guint16 type, guint32 ttl,
                                      const char *target);
KnDnsRecord *kn_dns_record_new_srv(const char *name, guint32 ttl, guint16 priority,
                                   guint16 weight, guint16 port, const char *target);
KnDnsRecord *kn_dns_record_new_soa(const char *name, guint32 ttl, const char *mname,
                                   const char *rname, guint32 serial, guint32 refresh,
                                   guint32 retry, guint32 expire, guint32 minimum);
/* One character-string 'text'. */
KnDnsRecord *kn_dns_record_new_txt(const char *name, guint32 ttl, const char *text);
KnDnsRecord *kn_dns_record_copy(const KnDnsRecord *record); /* new, deep */
void kn_dns_record_free(KnDnsRecord *record);              /* accepts NULL */

/*****************************************************************************/
/* Messages. */

/* An empty message (id 0, all flags clear, empty sections).  New; free
 * with kn_dns_message_free(). */
KnDnsMessage *kn_dns_message_new(void);
void kn_dns_message_free(KnDnsMessage *message);           /* accepts NULL */
KnDnsMessage *kn_dns_message_copy(const KnDnsMessage *message); /* new, deep */

/* A standard query (opcode 0, RD as given) for 'name' 'type' IN.  New. */
KnDnsMessage *kn_dns_message_new_query(guint16 id, const char *name, guint16 type,
                                       gboolean rd);
/* The skeleton of the reply to 'query' as miekg/dns SetReply() makes it:
 * same id, opcode, RD and CD, QR set, its first question copied, rcode
 * NOERROR, no records.  New. */
KnDnsMessage *kn_dns_message_new_reply(const KnDnsMessage *query);

/* Adds an OPT record (replacing any) for EDNS0 version 0 with UDP payload
 * size 'udp_size' and the DO bit 'dnssec_ok'. */
void kn_dns_message_set_edns(KnDnsMessage *message, guint16 udp_size, gboolean dnssec_ok);
/* TRUE if 'message' has an OPT record, with its payload size (never below
 * 512, as miekg/dns reads it) and DO bit in the out-arguments (each may be
 * NULL).  FALSE leaves them alone. */
gboolean kn_dns_message_get_edns(const KnDnsMessage *message, guint16 *udp_size,
                                 gboolean *dnssec_ok);

/* The OPT record of 'message', or NULL.  Borrowed; its 'rdata' holds the
 * EDNS0 options as on the wire (code, length, data, ...; RFC 6891 6.1.2),
 * or is NULL when there are none. */
KnDnsRecord *kn_dns_message_opt(const KnDnsMessage *message);

/* The first question; NULL if there is none.  Borrowed. */
const KnDnsQuestion *kn_dns_message_question(const KnDnsMessage *message);

/* The wire form; if 'compress', names are compressed (RFC 1035 4.1.4:
 * owners, questions and the names inside CNAME, PTR, NS, SOA rdata; never
 * SRV targets, RFC 2782).  New. */
GBytes *kn_dns_message_encode(const KnDnsMessage *message);
/* What kn_dns_message_encode() makes of kn_dns_message_new_query(id,
 * name, type, rd) with AD set as 'ad' and, if 'edns_size' is not 0,
 * kn_dns_message_set_edns(edns_size, dnssec_ok): the same bytes, without
 * building the message.  New. */
GBytes *kn_dns_query_encode(guint16 id, const char *name, guint16 type, gboolean rd, gboolean ad,
                            guint16 edns_size, gboolean dnssec_ok);
/* kn_dns_query_encode() of 'name' for each of the 'n' types 'types', with
 * the ids 'ids', into 'out' (new each): A and AAAA for one name, the name
 * converted once. */
void kn_dns_queries_encode(guint n, const guint16 *ids, const guint16 *types, const char *name, gboolean rd,
                           gboolean ad, guint16 edns_size, gboolean dnssec_ok, GBytes **out);
/* The length kn_dns_message_encode() would produce. */
gsize kn_dns_message_wire_size(const KnDnsMessage *message);

/* Parses the wire form.  Compression pointers must point backwards (so
 * they cannot loop) and a name may be at most 255 octets.  Returns a new
 * message, or NULL with 'error' set (KN_DNS_ERROR). */
KnDnsMessage *kn_dns_message_decode(GBytes *bytes, GError **error);
KnDnsMessage *kn_dns_message_decode_data(const guint8 *data, gsize length, GError **error);
/* As kn_dns_message_decode_data(), for models/resolver.c: the questions
 * keep their type and class but not their name (NULL; the model does not
 * compare it with the query's), and the authority section is stepped over,
 * its records left out ('authority' stays empty), as the C libraries never
 * read it (musl's __dns_parse, glibc's getanswer_r).  The names must still
 * be well formed and the records inside the message. */
KnDnsMessage *kn_dns_message_decode_stub(const guint8 *data, gsize length, GError **error);

/* The offsets in 'data' (a whole message, 'length' bytes) of the TTL
 * fields of its records, but the OPT's, in message order: at most 'max'
 * into 'offsets'.  Returns how many, or -1 if the message does not parse
 * (a name runs past the end, a record is cut short) or has more. */
gint kn_dns_wire_ttl_offsets(const guint8 *data, gsize length, guint16 *offsets, guint max);

/* Makes 'message' fit in 'size' bytes (raised to 512) as CoreDNS does
 * through miekg/dns Msg.Truncate(): if it fits uncompressed, 'compress' is
 * cleared and FALSE returned; otherwise 'compress' is set and answers,
 * then authority, then additional records are kept while they fit (the OPT
 * record is always kept); TC is set and TRUE returned if any was dropped. */
gboolean kn_dns_message_truncate(KnDnsMessage *message, gsize size);

/*****************************************************************************/
/* Names and text. */

/* "A", "AAAA", "SRV", ...; NULL for a type without a mnemonic. */
const char *kn_dns_type_name(guint16 type);
/* "A" or "TYPE65" into 'buf' (at least 16 bytes); returns 'buf'. */
char *kn_dns_type_format(guint16 type, char *buf);
/* Reads "A", "aaaa", "TYPE65"; FALSE if it is none of them. */
gboolean kn_dns_type_parse(const char *text, guint16 *type);
/* "IN", "CH", "ANY" or "CLASS<n>" into 'buf' (at least 16 bytes). */
char *kn_dns_class_format(guint16 klass, char *buf);
/* "NOERROR", "NXDOMAIN", ... as dig prints them; NULL for an rcode
 * without a name. */
const char *kn_dns_rcode_name(guint8 rcode);
/* As kn_dns_rcode_name(), "RCODE<n>" for the rest, into 'buf' (16 bytes). */
char *kn_dns_rcode_format(guint8 rcode, char *buf);

/* Case-insensitive name equality, ignoring one final dot on either side. */
gboolean kn_dns_name_equal(const char *a, const char *b);
/* TRUE if 'name' is 'zone' or below it (label-wise, case-insensitive);
 * every name is below the root "" (or "."). */
gboolean kn_dns_name_is_subdomain(const char *name, const char *zone);
/* The number of labels ("a.b.c" 3, "" 0). */
guint kn_dns_name_count_labels(const char *name);
/* 'name' with any final dot removed, lower-cased.  New. */
char *kn_dns_name_canonical(const char *name);
/* The reverse-lookup name of 'addr': "12.0.96.10.in-addr.arpa" or the
 * nibble form under ip6.arpa.  New. */
char *kn_dns_name_reverse(const KnAddr *addr);
/* The address a reverse name stands for; FALSE if 'name' is not a
 * complete in-addr.arpa / ip6.arpa name. */
gboolean kn_dns_name_reverse_parse(const char *name, KnAddr *addr);

/* The RDATA as dig prints it: "10.96.0.12", "0 33 8080 web-0.web.default.svc.cluster.local.",
 * "ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30",
 * "\"1.1.0\"", "\# 4 0a000001" for unknown types.  New. */
char *kn_dns_rdata_to_string(const KnDnsRecord *record);
/* One line as dig prints a record, single spaces between the fields and
 * no newline: "web.default.svc.cluster.local. 30 IN A 10.96.0.12".  For OPT
 * the line is "; EDNS: version: 0, flags: do; udp: 1232".  New. */
char *kn_dns_record_to_string(const KnDnsRecord *record);
/* dig's ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 4660" and
 * ";; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0"
 * lines, each ending in a newline.  New. */
char *kn_dns_message_header_to_string(const KnDnsMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnDnsQuestion, kn_dns_question_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnDnsRecord, kn_dns_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnDnsMessage, kn_dns_message_free)
