/* dns-wire.c -- DNS messages and their wire form (dns-wire.h).
 *
 * The layout is RFC 1035 section 4 (header, question, resource records,
 * compression pointers in 4.1.4), RFC 3596 (AAAA), RFC 2782 (SRV, whose
 * target is never compressed), RFC 6891 (the OPT pseudo-record: class is
 * the UDP payload size, the TTL holds the extended rcode, version and the
 * DO bit) and RFC 3597 (the "\# len hex" text of unknown types).  Where a
 * choice is left open we follow miekg/dns, the library CoreDNS is built
 * on: SetReply() for reply skeletons, Truncate() for fitting a reply into
 * the client's buffer (msg_truncate.go), and its escaping of label bytes
 * in presentation form (. \ " ( ) ; @ space with a backslash, other bytes
 * outside 0x21-0x7e as \DDD). */

#include <config.h>
#include "sim/dns-wire.h"

#include <stdio.h>
#include <string.h>
#include "sim/spares.h"

G_DEFINE_QUARK(kn-dns-error-quark, kn_dns_error)

#define HEADER_SIZE 12
#define POINTER_MAX 0x3fff           /* offsets a compression pointer can reach */

/*****************************************************************************/
/* Spares: freed messages kept for the next ones, with their arrays.  A
 * lookup makes and drops several a query (the server's decoded query, its
 * reply, the resolver's decoded answer).  Each thread keeps its own (a
 * simulation's lanes run on several) and frees them as it exits.  Records
 * and questions are plain structs: spares.h keeps them.  The resolvers
 * hold their answers until the lookup ends, so a thread drops and makes
 * back a few hundred at a time: with room for fewer, each of those
 * costs a destroy and a new message with four arrays. */

static void message_destroy(KnDnsMessage *message);

KN_SPARE_STACK(spare_messages, KnDnsMessage, 256, message_destroy)

/* And the blocks the encoded queries live in, each with room for the
 * longest (a resolver sends a million): the GBytes hands its block back
 * when the last packet that carried the query lets go of it. */
typedef struct {
    guint8 data[HEADER_SIZE + KN_DNS_NAME_MAX + 4 + 11];  /* header, question, OPT */
} QueryBlock;

static void
query_block_destroy(QueryBlock *block)
{
    g_free(block);
}

KN_SPARE_STACK(spare_query_blocks, QueryBlock, 256, query_block_destroy)

static void
query_block_release(gpointer block)
{
    if (!spare_query_blocks_keep(block))
        query_block_destroy(block);
}

/*****************************************************************************/
/* Questions and records. */

KnDnsQuestion *
kn_dns_question_new(const char *name, guint16 type, guint16 klass)
{
    KnDnsQuestion *q = kn_spare_new0(KnDnsQuestion);

    q->name = g_strdup(name ? name : "");
    q->type = type;
    q->klass = klass;
    return q;
}

void
kn_dns_question_free(KnDnsQuestion *question)
{
    if (question == NULL)
        return;
    if (question->name != NULL)  /* (none in a stub resolver's answer) */
        g_free(question->name);
    kn_spare_delete(question);
}

KnDnsRecord *
kn_dns_record_new(const char *name, guint16 type, guint32 ttl)
{
    KnDnsRecord *r = kn_spare_new0(KnDnsRecord);

    r->name = g_strdup(name ? name : "");
    r->type = type;
    r->klass = KN_DNS_CLASS_IN;
    r->ttl = ttl;
    return r;
}

KnDnsRecord *
kn_dns_record_new_addr(const char *name, guint32 ttl, const KnAddr *addr)
{
    KnDnsRecord *r = kn_dns_record_new(name, addr->family == 6 ? KN_DNS_TYPE_AAAA
                                                               : KN_DNS_TYPE_A, ttl);

    r->addr = *addr;
    return r;
}

KnDnsRecord *
kn_dns_record_new_target(const char *name, guint16 type, guint32 ttl, const char *target)
{
    KnDnsRecord *r = kn_dns_record_new(name, type, ttl);

    r->target = g_strdup(target);
    return r;
}

KnDnsRecord *
kn_dns_record_new_srv(const char *name, guint32 ttl, guint16 priority, guint16 weight,
                      guint16 port, const char *target)
{
    KnDnsRecord *r = kn_dns_record_new_target(name, KN_DNS_TYPE_SRV, ttl, target);

    r->priority = priority;
    r->weight = weight;
    r->port = port;
    return r;
}

KnDnsRecord *
kn_dns_record_new_soa(const char *name, guint32 ttl, const char *mname, const char *rname,
                      guint32 serial, guint32 refresh, guint32 retry, guint32 expire,
                      guint32 minimum)
{
    KnDnsRecord *r = kn_dns_record_new_target(name, KN_DNS_TYPE_SOA, ttl, mname);

    r->rname = g_strdup(rname);
    r->serial = serial;
    r->refresh = refresh;
    r->retry = retry;
    r->expire = expire;
    r->minimum = minimum;
    return r;
}

KnDnsRecord *
kn_dns_record_new_txt(const char *name, guint32 ttl, const char *text)
{
    KnDnsRecord *r = kn_dns_record_new(name, KN_DNS_TYPE_TXT, ttl);
    const char *strings[] = { text, NULL };

    r->txt = g_strdupv((char **) strings);
    return r;
}

KnDnsRecord *
kn_dns_record_copy(const KnDnsRecord *record)
{
    KnDnsRecord *r = kn_spare_new0(KnDnsRecord);

    *r = *record;
    r->name = g_strdup(record->name);
    r->target = g_strdup(record->target);
    r->rname = g_strdup(record->rname);
    r->txt = g_strdupv(record->txt);
    r->rdata = record->rdata ? g_bytes_ref(record->rdata) : NULL;
    return r;
}

void
kn_dns_record_free(KnDnsRecord *record)
{
    if (record == NULL)
        return;
    g_free(record->name);
    /* An address record has none of the rest: no call for them. */
    if (record->target != NULL)
        g_free(record->target);
    if (record->rname != NULL)
        g_free(record->rname);
    if (record->txt != NULL)
        g_strfreev(record->txt);
    g_clear_pointer(&record->rdata, g_bytes_unref);
    kn_spare_delete(record);
}

/*****************************************************************************/
/* Messages. */

KnDnsMessage *
kn_dns_message_new(void)
{
    KnDnsMessage *m = spare_messages_take();

    if (m != NULL) {
        GPtrArray *questions = m->questions, *answers = m->answers;
        GPtrArray *authority = m->authority, *additional = m->additional;

        *m = (KnDnsMessage) { .compress = TRUE, .questions = questions, .answers = answers,
                              .authority = authority, .additional = additional };
        return m;
    }
    m = g_new0(KnDnsMessage, 1);
    m->compress = TRUE;
    m->questions = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_question_free);
    m->answers = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);
    m->authority = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);
    m->additional = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);
    return m;
}

static inline void
clear_records(GPtrArray *records)
{
    while (records->len > 0)
        kn_dns_record_free(g_ptr_array_steal_index_fast(records, records->len - 1));
}

void
kn_dns_message_free(KnDnsMessage *message)
{
    if (message == NULL)
        return;
    /* Most sections are empty, the rest hold one or two: each taken off
     * its end and freed here, which costs less than g_ptr_array_set_size()
     * calling the array's free function. */
    while (message->questions->len > 0)
        kn_dns_question_free(g_ptr_array_steal_index_fast(message->questions, message->questions->len - 1));
    clear_records(message->answers);
    clear_records(message->authority);
    clear_records(message->additional);
    if (!spare_messages_keep(message))
        message_destroy(message);
}

static void
message_destroy(KnDnsMessage *message)
{
    g_ptr_array_unref(message->questions);
    g_ptr_array_unref(message->answers);
    g_ptr_array_unref(message->authority);
    g_ptr_array_unref(message->additional);
    g_free(message);
}

static void
copy_records(GPtrArray *to, const GPtrArray *from)
{
    for (guint i = 0; i < from->len; i++)
        g_ptr_array_add(to, kn_dns_record_copy(from->pdata[i]));
}

KnDnsMessage *
kn_dns_message_copy(const KnDnsMessage *message)
{
    KnDnsMessage *m = kn_dns_message_new();
    GPtrArray *questions = m->questions, *answers = m->answers;
    GPtrArray *authority = m->authority, *additional = m->additional;

    *m = *message;
    m->questions = questions;
    m->answers = answers;
    m->authority = authority;
    m->additional = additional;
    for (guint i = 0; i < message->questions->len; i++) {
        const KnDnsQuestion *q = message->questions->pdata[i];

        g_ptr_array_add(m->questions, kn_dns_question_new(q->name, q->type, q->klass));
    }
    copy_records(m->answers, message->answers);
    copy_records(m->authority, message->authority);
    copy_records(m->additional, message->additional);
    return m;
}

KnDnsMessage *
kn_dns_message_new_query(guint16 id, const char *name, guint16 type, gboolean rd)
{
    KnDnsMessage *m = kn_dns_message_new();

    m->id = id;
    m->rd = rd;
    g_ptr_array_add(m->questions, kn_dns_question_new(name, type, KN_DNS_CLASS_IN));
    return m;
}

KnDnsMessage *
kn_dns_message_new_reply(const KnDnsMessage *query)
{
    KnDnsMessage *m = kn_dns_message_new();
    const KnDnsQuestion *q = kn_dns_message_question(query);

    /* miekg/dns SetReply: RD and CD are copied for standard queries only. */
    m->id = query->id;
    m->qr = TRUE;
    m->opcode = query->opcode;
    if (query->opcode == 0) {
        m->rd = query->rd;
        m->cd = query->cd;
    }
    if (q != NULL)
        g_ptr_array_add(m->questions, kn_dns_question_new(q->name, q->type, q->klass));
    return m;
}

const KnDnsQuestion *
kn_dns_message_question(const KnDnsMessage *message)
{
    return message->questions->len ? message->questions->pdata[0] : NULL;
}

static KnDnsRecord *
find_opt(const KnDnsMessage *message, guint *index)
{
    for (guint i = 0; i < message->additional->len; i++) {
        KnDnsRecord *r = message->additional->pdata[i];

        if (r->type == KN_DNS_TYPE_OPT) {
            if (index)
                *index = i;
            return r;
        }
    }
    return NULL;
}

KnDnsRecord *
kn_dns_message_opt(const KnDnsMessage *message)
{
    g_return_val_if_fail(message != NULL, NULL);
    return find_opt(message, NULL);
}

void
kn_dns_message_set_edns(KnDnsMessage *message, guint16 udp_size, gboolean dnssec_ok)
{
    guint index;

    if (find_opt(message, &index) != NULL)
        g_ptr_array_remove_index(message->additional, index);

    KnDnsRecord *opt = kn_dns_record_new("", KN_DNS_TYPE_OPT, dnssec_ok ? 0x8000 : 0);

    opt->klass = udp_size;
    g_ptr_array_add(message->additional, opt);
}

gboolean
kn_dns_message_get_edns(const KnDnsMessage *message, guint16 *udp_size, gboolean *dnssec_ok)
{
    const KnDnsRecord *opt = find_opt(message, NULL);

    if (opt == NULL)
        return FALSE;
    if (udp_size)
        *udp_size = MAX(opt->klass, KN_DNS_UDP_MAX);
    if (dnssec_ok)
        *dnssec_ok = (opt->ttl & 0x8000) != 0;
    return TRUE;
}

/*****************************************************************************/
/* Names: presentation form <-> uncompressed wire form. */

static gboolean
needs_escape(guint8 c)
{
    return c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' ||
           c == '@' || c == ' ';
}

/* Writes the presentation form of the 'length'-byte label at 'label' to
 * 'out' (room for 4 characters a byte); returns how many it wrote. */
static gsize
label_to_text(char *out, const guint8 *label, guint length)
{
    char *p = out;

    for (guint i = 0; i < length; i++) {
        guint8 c = label[i];

        if (g_ascii_isalnum(c) || c == '-') {    /* nearly every byte of a host name */
            *p++ = (char) c;
            continue;
        }
        if ((c < 0x21 && c != ' ') || c > 0x7e) {
            *p++ = '\\';
            *p++ = '0' + c / 100;
            *p++ = '0' + c / 10 % 10;
            *p++ = '0' + c % 10;
            continue;
        }
        if (needs_escape(c))
            *p++ = '\\';
        *p++ = (char) c;
    }
    return (gsize) (p - out);
}

static gsize name_to_wire_escaped(const char *name, guint8 *out);

/* Writes the uncompressed wire form of 'name' into 'out' (at least 256
 * bytes) and returns its length; 0 if 'name' is not a valid name (an empty
 * or over-long label, over 255 octets, a bad \DDD). */
static gsize
name_to_wire(const char *name, guint8 *out)
{
    gsize length = strlen(name);
    gsize label = 0;             /* where the current label's length byte goes */

    if (length == 0 || (length == 1 && name[0] == '.')) {
        out[0] = 0;
        return 1;
    }
    if (name[length - 1] == '.')
        length--;                /* one final dot says nothing in wire form */
    if (length > KN_DNS_NAME_MAX - 2)
        return name_to_wire_escaped(name, out);    /* too long, unless escapes shorten it */
    if (memchr(name, '\\', length) != NULL)
        return name_to_wire_escaped(name, out);
    /* Without escapes (nearly every name), the name shifted by one is its
     * wire form but for the length bytes, which go where the dots are (and
     * first): memchr() finds them faster than a loop over the bytes. */
    memcpy(out + 1, name, length);
    for (;;) {
        const guint8 *dot = memchr(out + label + 1, '.', length - label);
        gsize end = dot != NULL ? (gsize) (dot - out) : length + 1;

        if (end - label - 1 == 0 || end - label - 1 > KN_DNS_LABEL_MAX)
            return 0;
        out[label] = (guint8) (end - label - 1);
        if (dot == NULL)
            break;
        label = end;
    }
    out[length + 1] = 0;
    return length + 2;
}

/* name_to_wire() of a name with escapes ("\." "\DDD"), or too long
 * without them: a label at a time. */
static gsize
name_to_wire_escaped(const char *name, guint8 *out)
{
    gsize n = 0;
    const char *p = name;

    while (*p) {
        gsize start = n++;
        guint length = 0;
        gsize plain = strcspn(p, ".\\");

        if (p[plain] != '\\') {
            /* Nothing escaped in the label (nearly every one): at once. */
            if (plain > KN_DNS_LABEL_MAX || n + plain > KN_DNS_NAME_MAX)
                return 0;
            memcpy(out + n, p, plain);
            n += plain;
            length = (guint) plain;
            p += plain;
        }
        while (*p && *p != '.') {
            guint8 c;

            if (*p == '\\' && g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2]) &&
                g_ascii_isdigit(p[3])) {
                guint v = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');

                if (v > 255)
                    return 0;
                c = v;
                p += 4;
            } else if (*p == '\\' && p[1] != '\0') {
                c = p[1];
                p += 2;
            } else {
                c = *p++;
            }
            if (length >= KN_DNS_LABEL_MAX || n >= KN_DNS_NAME_MAX)
                return 0;
            out[n++] = c;
            length++;
        }
        if (length == 0)
            return 0;
        out[start] = length;
        if (*p == '.')
            p++;
    }
    if (n >= KN_DNS_NAME_MAX)
        return 0;
    out[n++] = 0;
    return n;
}

/*****************************************************************************/
/* Encoding. */

/* A name written so far that later ones may point at: where it starts in
 * the message, and a hash of its lower-cased wire form. */
typedef struct {
    guint32 hash;
    guint16 offset;
} NameRef;

#define INLINE_NAMES 32

/* The message being written: in 'room' while it fits (nearly every one
 * does), then on the heap. */
#define ENCODER_ROOM 512

typedef struct WireBuf {
    guint8 *data;
    guint len, size;
} WireBuf;

typedef struct Encoder {
    WireBuf buf[1];
    guint8 room[ENCODER_ROOM];
    gboolean compress;
    guint n_names;
    NameRef names[INLINE_NAMES];  /* the first ones; the rest in 'more' */
    GArray *more;                 /* NameRef, or NULL */
} Encoder;

/* g_ascii_tolower() without the call: names are compared case-blind
 * byte by byte. */
static inline guint8
ascii_lower(guint8 c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static guint32
suffix_hash(const guint8 *lower, gsize length)
{
    guint32 h = 2166136261u;     /* FNV-1a */

    for (gsize i = 0; i < length; i++)
        h = (h ^ lower[i]) * 16777619u;
    return h;
}

/* Whether the name at 'offset' of the message (labels, maybe ending in a
 * pointer) is 'lower' (lower-cased wire form, 'length' bytes with its 0). */
static gboolean
name_at_is(const WireBuf *buf, guint offset, const guint8 *lower, gsize length)
{
    gsize i = 0;

    for (guint hops = 0; hops < 128 && offset < buf->len;) {
        guint8 n = buf->data[offset];

        if ((n & 0xc0) == 0xc0) {
            if (offset + 1 >= buf->len)
                return FALSE;
            offset = (n & 0x3f) << 8 | buf->data[offset + 1];
            hops++;
            continue;
        }
        if (i >= length || lower[i] != n || offset + 1 + n > buf->len || i + 1 + n > length)
            return FALSE;
        for (guint j = 1; j <= n; j++)
            if (ascii_lower(buf->data[offset + j]) != lower[i + j])
                return FALSE;
        if (n == 0)
            return i + 1 == length;
        i += n + 1;
        offset += n + 1;
    }
    return FALSE;
}

/* The offset of an earlier name equal to 'lower', or -1. */
static int
find_name(const Encoder *e, guint32 hash, const guint8 *lower, gsize length)
{
    for (guint k = 0; k < e->n_names; k++) {
        const NameRef *ref = k < INLINE_NAMES ? &e->names[k]
                                              : &g_array_index(e->more, NameRef, k - INLINE_NAMES);

        if (ref->hash == hash && name_at_is(e->buf, ref->offset, lower, length))
            return ref->offset;
    }
    return -1;
}

static void
add_name(Encoder *e, guint32 hash, guint offset)
{
    NameRef ref = { hash, (guint16) offset };

    if (e->n_names < INLINE_NAMES) {
        e->names[e->n_names++] = ref;
        return;
    }
    if (e->more == NULL)
        e->more = g_array_new(FALSE, FALSE, sizeof(NameRef));
    g_array_append_val(e->more, ref);
    e->n_names++;
}

/* Makes the buffer hold at least 'n' more bytes. */
static void
grow_buffer(Encoder *e, guint n)
{
    WireBuf *b = e->buf;
    guint size = MAX(b->size * 2, b->len + n);

    if (b->data == e->room)
        b->data = memcpy(g_malloc(size), e->room, b->len);
    else
        b->data = g_realloc(b->data, size);
    b->size = size;
}

/* Room for 'n' more bytes at the end; returns where they go.  Inline:
 * every field of every message comes through here. */
static inline guint8 *
grow(Encoder *e, guint n)
{
    WireBuf *b = e->buf;

    if (G_UNLIKELY(b->len + n > b->size))
        grow_buffer(e, n);
    b->len += n;
    return b->data + b->len - n;
}

static void
put_bytes(Encoder *e, const void *data, guint n)
{
    if (n > 0)                   /* an empty GBytes' data may be NULL */
        memcpy(grow(e, n), data, n);
}

static void
put8(Encoder *e, guint8 v)
{
    *grow(e, 1) = v;
}

static void
put16(Encoder *e, guint16 v)
{
    guint8 *p = grow(e, 2);

    p[0] = v >> 8;
    p[1] = v;
}

static void
put32(Encoder *e, guint32 v)
{
    guint8 *p = grow(e, 4);

    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* Writes 'name', compressed against earlier names if 'compress' and the
 * encoder compresses.  A name that does not parse is written as the root
 * (the callers make names; this only guards against garbage). */
static void
put_name(Encoder *e, const char *name, gboolean compress)
{
    guint8 wire[KN_DNS_NAME_MAX + 2];
    gsize length, i = 0;

    if (!e->compress || !compress) {
        /* Straight into the message. */
        guint8 *at = grow(e, sizeof wire);

        length = name_to_wire(name ? name : "", at);
        if (length == 0)
            at[length++] = 0;
        e->buf->len -= sizeof wire - length;
        return;
    }
    length = name_to_wire(name ? name : "", wire);

    if (length == 0) {
        put8(e, 0);
        return;
    }
    guint8 lower[KN_DNS_NAME_MAX + 2];

    for (gsize j = 0; j < length; j++)
        lower[j] = ascii_lower(wire[j]);
    while (wire[i] != 0) {
        guint32 hash = suffix_hash(lower + i, length - i);
        int offset = find_name(e, hash, lower + i, length - i);

        if (offset >= 0) {
            put16(e, 0xc000 | (guint) offset);
            return;
        }
        if (e->buf->len <= POINTER_MAX)
            add_name(e, hash, e->buf->len);
        put_bytes(e, wire + i, wire[i] + 1);
        i += wire[i] + 1;
    }
    put8(e, 0);
}

static void
put_rdata(Encoder *e, const KnDnsRecord *r)
{
    switch (r->type) {
    case KN_DNS_TYPE_A:
        put_bytes(e, r->addr.bytes, 4);
        break;
    case KN_DNS_TYPE_AAAA:
        put_bytes(e, r->addr.bytes, 16);
        break;
    case KN_DNS_TYPE_CNAME:
    case KN_DNS_TYPE_PTR:
    case KN_DNS_TYPE_NS:
        put_name(e, r->target, TRUE);
        break;
    case KN_DNS_TYPE_SOA:
        put_name(e, r->target, TRUE);
        put_name(e, r->rname, TRUE);
        put32(e, r->serial);
        put32(e, r->refresh);
        put32(e, r->retry);
        put32(e, r->expire);
        put32(e, r->minimum);
        break;
    case KN_DNS_TYPE_SRV:
        put16(e, r->priority);
        put16(e, r->weight);
        put16(e, r->port);
        put_name(e, r->target, FALSE);
        break;
    case KN_DNS_TYPE_TXT:
        for (guint i = 0; r->txt && r->txt[i]; i++) {
            gsize n = MIN(strlen(r->txt[i]), 255);

            put8(e, n);
            put_bytes(e, r->txt[i], n);
        }
        break;
    default:
        if (r->rdata != NULL) {
            gsize n;
            const guint8 *d = g_bytes_get_data(r->rdata, &n);

            put_bytes(e, d, n);
        }
        break;
    }
}

static void
put_record(Encoder *e, const KnDnsRecord *r)
{
    guint at;

    put_name(e, r->name, TRUE);
    put16(e, r->type);
    put16(e, r->klass);
    put32(e, r->ttl);
    at = e->buf->len;
    put16(e, 0);                 /* RDLENGTH, filled in below */
    put_rdata(e, r);
    guint length = e->buf->len - at - 2;
    e->buf->data[at] = length >> 8;
    e->buf->data[at + 1] = length;
}

static void
put_header(Encoder *e, const KnDnsMessage *m, guint n_answers, guint n_authority,
           guint n_additional)
{
    guint16 flags = (m->qr ? 0x8000 : 0) | ((m->opcode & 0xf) << 11) | (m->aa ? 0x0400 : 0) |
                    (m->tc ? 0x0200 : 0) | (m->rd ? 0x0100 : 0) | (m->ra ? 0x0080 : 0) |
                    (m->ad ? 0x0020 : 0) | (m->cd ? 0x0010 : 0) | (m->rcode & 0xf);

    put16(e, m->id);
    put16(e, flags);
    put16(e, m->questions->len);
    put16(e, n_answers);
    put16(e, n_authority);
    put16(e, n_additional);
}

static void
encoder_init(Encoder *e, gboolean compress)
{
    e->buf->data = e->room;
    e->buf->len = 0;
    e->buf->size = ENCODER_ROOM;
    e->compress = compress;
    e->n_names = 0;
    e->more = NULL;
}

static void
encoder_clear(Encoder *e)
{
    g_clear_pointer(&e->more, g_array_unref);
    if (e->buf->data != e->room)
        g_free(e->buf->data);
    e->buf->data = NULL;
}

/* The message written, as new bytes; the encoder is cleared. */
static GBytes *
encoder_finish(Encoder *e)
{
    GBytes *bytes = e->buf->data == e->room ? g_bytes_new(e->room, e->buf->len)
                                            : g_bytes_new_take(e->buf->data, e->buf->len);

    e->buf->data = e->room;
    encoder_clear(e);
    return bytes;
}

static void
put_message(Encoder *e, const KnDnsMessage *m)
{
    put_header(e, m, m->answers->len, m->authority->len, m->additional->len);
    for (guint i = 0; i < m->questions->len; i++) {
        const KnDnsQuestion *q = m->questions->pdata[i];

        put_name(e, q->name, TRUE);
        put16(e, q->type);
        put16(e, q->klass);
    }
    for (guint i = 0; i < m->answers->len; i++)
        put_record(e, m->answers->pdata[i]);
    for (guint i = 0; i < m->authority->len; i++)
        put_record(e, m->authority->pdata[i]);
    for (guint i = 0; i < m->additional->len; i++)
        put_record(e, m->additional->pdata[i]);
}

GBytes *
kn_dns_message_encode(const KnDnsMessage *message)
{
    Encoder e;

    g_return_val_if_fail(message != NULL, NULL);
    encoder_init(&e, message->compress);
    put_message(&e, message);
    return encoder_finish(&e);
}

/* The length 'name' takes uncompressed, as put_name() writes it. */
static gsize
plain_name_size(const char *name)
{
    guint8 wire[KN_DNS_NAME_MAX + 2];
    gsize length = name_to_wire(name ? name : "", wire);

    return length == 0 ? 1 : length;
}

/* At least plain_name_size(): a length byte a label and the root's,
 * escapes only shortening, and a name that does not parse written as the
 * root. */
static gsize
name_size_bound(const char *name)
{
    return name != NULL ? strlen(name) + 2 : 1;
}

typedef gsize (*NameSize)(const char *name);

static gsize
plain_record_size(const KnDnsRecord *r, NameSize name_size)
{
    gsize rdata = 0;

    switch (r->type) {
    case KN_DNS_TYPE_A:
        rdata = 4;
        break;
    case KN_DNS_TYPE_AAAA:
        rdata = 16;
        break;
    case KN_DNS_TYPE_CNAME:
    case KN_DNS_TYPE_PTR:
    case KN_DNS_TYPE_NS:
        rdata = name_size(r->target);
        break;
    case KN_DNS_TYPE_SOA:
        rdata = name_size(r->target) + name_size(r->rname) + 20;
        break;
    case KN_DNS_TYPE_SRV:
        rdata = 6 + name_size(r->target);
        break;
    case KN_DNS_TYPE_TXT:
        for (guint i = 0; r->txt && r->txt[i]; i++)
            rdata += 1 + MIN(strlen(r->txt[i]), 255);
        break;
    default:
        rdata = r->rdata != NULL ? g_bytes_get_size(r->rdata) : 0;
        break;
    }
    return name_size(r->name) + 10 + rdata;
}

/* The length of 'm' encoded without compression, counted rather than
 * written: exactly with plain_name_size(), at least with name_size_bound(). */
static gsize
plain_size(const KnDnsMessage *m, NameSize name_size)
{
    gsize n = 12;
    GPtrArray *sections[3] = { m->answers, m->authority, m->additional };

    for (guint i = 0; i < m->questions->len; i++)
        n += name_size(((const KnDnsQuestion *) m->questions->pdata[i])->name) + 4;
    for (guint s = 0; s < 3; s++)
        for (guint i = 0; i < sections[s]->len; i++)
            n += plain_record_size(sections[s]->pdata[i], name_size);
    return n;
}

static inline guint8 *
be16(guint8 *p, guint16 v)
{
    p[0] = v >> 8;
    p[1] = v;
    return p + 2;
}

/* One query of kn_dns_queries_encode(), the name already in wire form
 * ('wire', 'wire_length' bytes): written once, into a spare block. */
static GBytes *
query_bytes(guint16 id, const guint8 *wire, gsize wire_length, guint16 type, gboolean rd, gboolean ad,
            guint16 edns_size, gboolean dnssec_ok)
{
    gsize size = HEADER_SIZE + wire_length + 4 + (edns_size != 0 ? 11 : 0);
    QueryBlock *block = spare_query_blocks_take();
    guint8 *out, *p;

    if (block == NULL)
        block = g_new(QueryBlock, 1);
    g_assert(size <= sizeof block->data);
    out = p = block->data;

    p = be16(p, id);
    p = be16(p, (rd ? 0x0100 : 0) | (ad ? 0x0020 : 0));
    p = be16(p, 1);              /* QDCOUNT */
    p = be16(p, 0);
    p = be16(p, 0);
    p = be16(p, edns_size != 0 ? 1 : 0);
    memcpy(p, wire, wire_length);
    p += wire_length;
    p = be16(p, type);
    p = be16(p, KN_DNS_CLASS_IN);
    if (edns_size != 0) {
        *p++ = 0;                /* the root */
        p = be16(p, KN_DNS_TYPE_OPT);
        p = be16(p, edns_size);
        p = be16(p, 0);          /* extended rcode, version */
        p = be16(p, dnssec_ok ? 0x8000 : 0);
        p = be16(p, 0);          /* RDLENGTH */
    }
    g_assert((gsize) (p - out) == size);
    return g_bytes_new_with_free_func(out, size, query_block_release, block);
}

void
kn_dns_queries_encode(guint n, const guint16 *ids, const guint16 *types, const char *name, gboolean rd,
                      gboolean ad, guint16 edns_size, gboolean dnssec_ok, GBytes **out)
{
    guint8 wire[KN_DNS_NAME_MAX + 2];
    /* As put_name() writes it: a name that does not parse as the root. */
    gsize length = name_to_wire(name ? name : "", wire);

    if (length == 0)
        wire[length++] = 0;
    for (guint i = 0; i < n; i++)
        out[i] = query_bytes(ids[i], wire, length, types[i], rd, ad, edns_size, dnssec_ok);
}

GBytes *
kn_dns_query_encode(guint16 id, const char *name, guint16 type, gboolean rd, gboolean ad,
                    guint16 edns_size, gboolean dnssec_ok)
{
    GBytes *bytes;

    kn_dns_queries_encode(1, &id, &type, name, rd, ad, edns_size, dnssec_ok, &bytes);
    return bytes;
}

static gsize
encoded_size(const KnDnsMessage *message, gboolean compress)
{
    Encoder e;
    gsize n;

    encoder_init(&e, compress);
    put_message(&e, message);
    n = e.buf->len;
    encoder_clear(&e);
    return n;
}

gsize
kn_dns_message_wire_size(const KnDnsMessage *message)
{
    return message->compress ? encoded_size(message, TRUE) : plain_size(message, plain_name_size);
}

gboolean
kn_dns_message_truncate(KnDnsMessage *message, gsize size)
{
    KnDnsRecord *opt = NULL;
    guint index;
    Encoder e;
    GPtrArray *sections[3] = { message->answers, message->authority, message->additional };
    guint keep[3];
    gboolean full = FALSE;

    size = MAX(size, KN_DNS_UDP_MAX);
    /* Nearly every reply fits by the bound, which needs no name parsed. */
    if (plain_size(message, name_size_bound) <= size || plain_size(message, plain_name_size) <= size) {
        message->compress = FALSE;
        return FALSE;
    }
    message->compress = TRUE;
    if (find_opt(message, &index) != NULL) {
        opt = g_ptr_array_steal_index(message->additional, index);
        Encoder o;

        encoder_init(&o, FALSE);
        put_record(&o, opt);
        size -= MIN(size, o.buf->len);
        encoder_clear(&o);
    }
    /* miekg truncateLoop: records in order while the running length stays
     * within 'size'; the first that does not fit ends all three sections. */
    encoder_init(&e, TRUE);
    put_header(&e, message, 0, 0, 0);
    for (guint i = 0; i < message->questions->len; i++) {
        const KnDnsQuestion *q = message->questions->pdata[i];

        put_name(&e, q->name, TRUE);
        put16(&e, q->type);
        put16(&e, q->klass);
    }
    for (guint s = 0; s < 3; s++) {
        keep[s] = 0;
        for (guint i = 0; !full && i < sections[s]->len; i++) {
            put_record(&e, sections[s]->pdata[i]);
            if (e.buf->len > size) {
                full = TRUE;
                break;
            }
            keep[s] = i + 1;
            if (e.buf->len == size)
                full = TRUE;
        }
    }
    encoder_clear(&e);
    gboolean dropped = FALSE;
    for (guint s = 0; s < 3; s++) {
        if (keep[s] < sections[s]->len) {
            dropped = TRUE;
            g_ptr_array_set_size(sections[s], keep[s]);
        }
    }
    if (opt != NULL)
        g_ptr_array_add(message->additional, opt);
    message->tc = message->tc || dropped;
    return dropped;
}

/*****************************************************************************/
/* Decoding. */

typedef struct Decoder {
    const guint8 *data;
    gsize length;
    gsize pos;
} Decoder;

static gboolean
short_error(GError **error, const char *what, gsize at)
{
    g_set_error(error, KN_DNS_ERROR, KN_DNS_ERROR_SHORT,
                "message ends inside %s at offset %" G_GSIZE_FORMAT, what, at);
    return FALSE;
}

static inline gboolean
get16(Decoder *d, guint16 *v, const char *what, GError **error)
{
    if (d->length - d->pos < 2) {
        *v = 0;                  /* set either way: inlined, the callers' checks are not seen */
        return short_error(error, what, d->pos);
    }
    *v = (d->data[d->pos] << 8) | d->data[d->pos + 1];
    d->pos += 2;
    return TRUE;
}

static inline gboolean
get32(Decoder *d, guint32 *v, const char *what, GError **error)
{
    if (d->length - d->pos < 4) {
        *v = 0;
        return short_error(error, what, d->pos);
    }
    *v = ((guint32) d->data[d->pos] << 24) | (d->data[d->pos + 1] << 16) |
         (d->data[d->pos + 2] << 8) | d->data[d->pos + 3];
    d->pos += 4;
    return TRUE;
}

static gboolean get_name_text(Decoder *d, char **name, GError **error);

/* Reads a possibly compressed name at d->pos into a new '*name' (with
 * 'name' NULL, only checks it).  Each pointer must point before the place
 * it was read from, so following pointers always moves backwards and
 * cannot loop. */
static inline gboolean
get_name(Decoder *d, char **name, GError **error)
{
    if (name != NULL)
        return get_name_text(d, name, error);

    /* Only checking (the stub resolver's question and authority names):
     * the plain labels at once, the rest (the root, a pointer, an error)
     * as get_name_text() takes it from there.  Plain labels must end
     * inside the message and within 255 octets of the name's start: one
     * bound for both. */
    gsize pos = d->pos;
    gsize limit = MIN(d->length, pos + KN_DNS_NAME_MAX);

    while (pos < limit) {
        guint c = d->data[pos];

        if (c - 1 >= 0x3f || pos + 1 + c > limit)   /* the root, a pointer or a bad length */
            break;
        pos += 1 + c;
    }
    if (pos < limit && d->data[pos] == 0) {
        d->pos = pos + 1;
        return TRUE;
    }
    return get_name_text(d, NULL, error);
}

/* get_name(), every step checked. */
static gboolean
get_name_text(Decoder *d, char **name, GError **error)
{
    char out[4 * KN_DNS_NAME_MAX + 1];  /* every octet as \\DDD at worst */
    gsize n = 0;
    gsize pos = d->pos;
    gsize wire_length = 0;
    gboolean jumped = FALSE;

    for (;;) {
        if (pos >= d->length)
            return short_error(error, "a name", pos);
        guint8 c = d->data[pos];

        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= d->length)
                return short_error(error, "a compression pointer", pos);
            gsize target = ((c & 0x3f) << 8) | d->data[pos + 1];

            if (target >= pos) {
                g_set_error(error, KN_DNS_ERROR, KN_DNS_ERROR_NAME,
                            "compression pointer at offset %" G_GSIZE_FORMAT
                            " points forward to %" G_GSIZE_FORMAT " (a loop)", pos, target);
                return FALSE;
            }
            if (!jumped)
                d->pos = pos + 2;
            jumped = TRUE;
            pos = target;
            continue;
        }
        if ((c & 0xc0) != 0) {
            g_set_error(error, KN_DNS_ERROR, KN_DNS_ERROR_NAME,
                        "unsupported label type 0x%02x at offset %" G_GSIZE_FORMAT, c, pos);
            return FALSE;
        }
        wire_length += c + 1;
        if (wire_length > KN_DNS_NAME_MAX) {
            g_set_error(error, KN_DNS_ERROR, KN_DNS_ERROR_NAME,
                        "name longer than 255 octets at offset %" G_GSIZE_FORMAT, pos);
            return FALSE;
        }
        if (c == 0) {
            if (!jumped)
                d->pos = pos + 1;
            break;
        }
        if (pos + 1 + c > d->length)
            return short_error(error, "a label", pos);
        if (name != NULL) {
            if (n > 0)
                out[n++] = '.';
            n += label_to_text(out + n, d->data + pos + 1, c);
        }
        pos += 1 + c;
    }
    if (name != NULL)
        *name = g_strndup(out, n);
    return TRUE;
}

static gboolean
rdata_error(GError **error, guint16 type, guint16 length, gsize at)
{
    char buf[16];

    g_set_error(error, KN_DNS_ERROR, KN_DNS_ERROR_RDATA,
                "%s record with RDLENGTH %u at offset %" G_GSIZE_FORMAT,
                kn_dns_type_format(type, buf), length, at);
    return FALSE;
}

static gboolean
get_rdata(Decoder *d, KnDnsRecord *r, guint16 length, GError **error)
{
    gsize start = d->pos;
    gsize end = start + length;
    Decoder sub = { d->data, end, start };   /* names may point anywhere before */

    if (end > d->length)
        return short_error(error, "RDATA", start);
    switch (r->type) {
    case KN_DNS_TYPE_A:
    case KN_DNS_TYPE_AAAA: {
        guint n = r->type == KN_DNS_TYPE_A ? 4 : 16;

        if (length != n)
            return rdata_error(error, r->type, length, start);
        r->addr.family = n == 4 ? 4 : 6;
        memcpy(r->addr.bytes, d->data + start, n);
        sub.pos = end;
        break;
    }
    case KN_DNS_TYPE_CNAME:
    case KN_DNS_TYPE_PTR:
    case KN_DNS_TYPE_NS:
        if (!get_name(&sub, &r->target, error))
            return FALSE;
        break;
    case KN_DNS_TYPE_SOA:
        if (!get_name(&sub, &r->target, error) || !get_name(&sub, &r->rname, error) ||
            !get32(&sub, &r->serial, "SOA", error) || !get32(&sub, &r->refresh, "SOA", error) ||
            !get32(&sub, &r->retry, "SOA", error) || !get32(&sub, &r->expire, "SOA", error) ||
            !get32(&sub, &r->minimum, "SOA", error))
            return FALSE;
        break;
    case KN_DNS_TYPE_SRV:
        if (!get16(&sub, &r->priority, "SRV", error) || !get16(&sub, &r->weight, "SRV", error) ||
            !get16(&sub, &r->port, "SRV", error) || !get_name(&sub, &r->target, error))
            return FALSE;
        break;
    case KN_DNS_TYPE_TXT: {
        g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func(g_free);

        while (sub.pos < end) {
            guint8 n = d->data[sub.pos];

            if (sub.pos + 1 + n > end)
                return rdata_error(error, r->type, length, start);
            g_ptr_array_add(strings, g_strndup((const char *) d->data + sub.pos + 1, n));
            sub.pos += 1 + n;
        }
        g_ptr_array_add(strings, NULL);
        r->txt = (GStrv) g_ptr_array_free(g_steal_pointer(&strings), FALSE);
        break;
    }
    default:
        r->rdata = g_bytes_new(d->data + start, length);
        sub.pos = end;
        break;
    }
    if (sub.pos != end)
        return rdata_error(error, r->type, length, start);
    d->pos = end;
    return TRUE;
}

static gboolean
get_records(Decoder *d, GPtrArray *into, guint count, GError **error)
{
    for (guint i = 0; i < count; i++) {
        g_autoptr(KnDnsRecord) r = kn_spare_new0(KnDnsRecord);
        guint16 length;

        if (!get_name(d, &r->name, error) || !get16(d, &r->type, "a record", error) ||
            !get16(d, &r->klass, "a record", error) || !get32(d, &r->ttl, "a record", error) ||
            !get16(d, &length, "a record", error) || !get_rdata(d, r, length, error))
            return FALSE;
        g_ptr_array_add(into, g_steal_pointer(&r));
    }
    return TRUE;
}

/* Steps over 'count' records as get_records() reads them, without keeping
 * them: their names must be well formed and their RDATA inside the
 * message, whatever is in it. */
static gboolean
skip_records(Decoder *d, guint count, GError **error)
{
    for (guint i = 0; i < count; i++) {
        guint16 type, klass, length;
        guint32 ttl;

        if (!get_name(d, NULL, error) || !get16(d, &type, "a record", error)
            || !get16(d, &klass, "a record", error) || !get32(d, &ttl, "a record", error)
            || !get16(d, &length, "a record", error))
            return FALSE;
        if (d->pos + length > d->length)
            return short_error(error, "a record's data", d->pos);
        d->pos += length;
    }
    return TRUE;
}

gint
kn_dns_wire_ttl_offsets(const guint8 *data, gsize length, guint16 *offsets, guint max)
{
    Decoder d = { data, length, 4 };
    guint16 qdcount, an, ns, ar, type, klass, rdlength;
    guint32 ttl;
    guint n = 0;

    if (length < 12 || length > G_MAXUINT16 || !get16(&d, &qdcount, "the header", NULL)
        || !get16(&d, &an, "the header", NULL) || !get16(&d, &ns, "the header", NULL)
        || !get16(&d, &ar, "the header", NULL))
        return -1;
    for (guint i = 0; i < qdcount; i++)
        if (!get_name(&d, NULL, NULL) || !get16(&d, &type, "a question", NULL)
            || !get16(&d, &klass, "a question", NULL))
            return -1;
    for (guint i = 0; i < (guint) an + ns + ar; i++) {
        if (!get_name(&d, NULL, NULL) || !get16(&d, &type, "a record", NULL)
            || !get16(&d, &klass, "a record", NULL))
            return -1;
        if (type != KN_DNS_TYPE_OPT) {
            if (n == max)
                return -1;
            offsets[n++] = (guint16) d.pos;
        }
        if (!get32(&d, &ttl, "a record", NULL) || !get16(&d, &rdlength, "a record", NULL)
            || d.pos + rdlength > length)
            return -1;
        d.pos += rdlength;
    }
    return (gint) n;
}

/* Decodes a whole message; 'stub': as a stub resolver reads it
 * (kn_dns_message_decode_stub()). */
static KnDnsMessage *
decode(const guint8 *data, gsize length, gboolean stub, GError **error)
{
    g_autoptr(KnDnsMessage) m = kn_dns_message_new();
    Decoder d = { data, length, 0 };
    guint16 flags, qd, an, ns, ar;

    if (length >= HEADER_SIZE) {
        /* The whole header is there: six fields without a check each. */
        m->id = (guint16) (data[0] << 8 | data[1]);
        flags = (guint16) (data[2] << 8 | data[3]);
        qd = (guint16) (data[4] << 8 | data[5]);
        an = (guint16) (data[6] << 8 | data[7]);
        ns = (guint16) (data[8] << 8 | data[9]);
        ar = (guint16) (data[10] << 8 | data[11]);
        d.pos = HEADER_SIZE;
    } else if (!get16(&d, &m->id, "the header", error) || !get16(&d, &flags, "the header", error) ||
               !get16(&d, &qd, "the header", error) || !get16(&d, &an, "the header", error) ||
               !get16(&d, &ns, "the header", error) || !get16(&d, &ar, "the header", error)) {
        return NULL;
    }
    m->qr = (flags & 0x8000) != 0;
    m->opcode = (flags >> 11) & 0xf;
    m->aa = (flags & 0x0400) != 0;
    m->tc = (flags & 0x0200) != 0;
    m->rd = (flags & 0x0100) != 0;
    m->ra = (flags & 0x0080) != 0;
    m->ad = (flags & 0x0020) != 0;
    m->cd = (flags & 0x0010) != 0;
    m->rcode = flags & 0xf;
    for (guint i = 0; i < qd; i++) {
        g_autoptr(KnDnsQuestion) q = kn_spare_new0(KnDnsQuestion);

        if (!get_name(&d, stub ? NULL : &q->name, error) || !get16(&d, &q->type, "a question", error) ||
            !get16(&d, &q->klass, "a question", error))
            return NULL;
        g_ptr_array_add(m->questions, g_steal_pointer(&q));
    }
    /* (Empty sections, most of them, without a call.) */
    if ((an > 0 && !get_records(&d, m->answers, an, error))
        || (ns > 0 && !(stub ? skip_records(&d, ns, error) : get_records(&d, m->authority, ns, error)))
        || (ar > 0 && !get_records(&d, m->additional, ar, error)))
        return NULL;
    if (d.pos != length) {
        g_set_error(error, KN_DNS_ERROR, KN_DNS_ERROR_TRAILING,
                    "%" G_GSIZE_FORMAT " bytes after the last record", length - d.pos);
        return NULL;
    }
    return g_steal_pointer(&m);
}

KnDnsMessage *
kn_dns_message_decode_data(const guint8 *data, gsize length, GError **error)
{
    return decode(data, length, FALSE, error);
}

KnDnsMessage *
kn_dns_message_decode(GBytes *bytes, GError **error)
{
    gsize length;
    const guint8 *data = g_bytes_get_data(bytes, &length);

    return decode(data, length, FALSE, error);
}

KnDnsMessage *
kn_dns_message_decode_stub(const guint8 *data, gsize length, GError **error)
{
    return decode(data, length, TRUE, error);
}

/*****************************************************************************/
/* Names and text. */

static const struct {
    guint16 type;
    const char *name;
} types[] = {
    { KN_DNS_TYPE_A, "A" }, { KN_DNS_TYPE_NS, "NS" }, { KN_DNS_TYPE_CNAME, "CNAME" },
    { KN_DNS_TYPE_SOA, "SOA" }, { 13, "HINFO" }, { KN_DNS_TYPE_PTR, "PTR" },
    { KN_DNS_TYPE_MX, "MX" }, { KN_DNS_TYPE_TXT, "TXT" }, { KN_DNS_TYPE_AAAA, "AAAA" },
    { KN_DNS_TYPE_SRV, "SRV" }, { 35, "NAPTR" }, { 39, "DNAME" }, { KN_DNS_TYPE_OPT, "OPT" },
    { 43, "DS" }, { 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" }, { 64, "SVCB" },
    { 65, "HTTPS" }, { KN_DNS_TYPE_IXFR, "IXFR" }, { KN_DNS_TYPE_AXFR, "AXFR" },
    { KN_DNS_TYPE_ANY, "ANY" }, { 257, "CAA" },
};

const char *
kn_dns_type_name(guint16 type)
{
    for (guint i = 0; i < G_N_ELEMENTS(types); i++)
        if (types[i].type == type)
            return types[i].name;
    return NULL;
}

char *
kn_dns_type_format(guint16 type, char *buf)
{
    const char *name = kn_dns_type_name(type);

    if (name)
        g_strlcpy(buf, name, 16);
    else
        snprintf(buf, 16, "TYPE%u", type);
    return buf;
}

gboolean
kn_dns_type_parse(const char *text, guint16 *type)
{
    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        if (g_ascii_strcasecmp(types[i].name, text) == 0) {
            *type = types[i].type;
            return TRUE;
        }
    }
    if (g_ascii_strncasecmp(text, "TYPE", 4) == 0 && g_ascii_isdigit(text[4])) {
        guint64 v;

        if (g_ascii_string_to_unsigned(text + 4, 10, 0, 65535, &v, NULL)) {
            *type = v;
            return TRUE;
        }
    }
    return FALSE;
}

char *
kn_dns_class_format(guint16 klass, char *buf)
{
    switch (klass) {
    case KN_DNS_CLASS_IN: g_strlcpy(buf, "IN", 16); break;
    case KN_DNS_CLASS_CH: g_strlcpy(buf, "CH", 16); break;
    case KN_DNS_CLASS_ANY: g_strlcpy(buf, "ANY", 16); break;
    default: snprintf(buf, 16, "CLASS%u", klass); break;
    }
    return buf;
}

const char *
kn_dns_rcode_name(guint8 rcode)
{
    static const char *const names[] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
    };

    return rcode < G_N_ELEMENTS(names) ? names[rcode] : NULL;
}

char *
kn_dns_rcode_format(guint8 rcode, char *buf)
{
    const char *name = kn_dns_rcode_name(rcode);

    if (name)
        g_strlcpy(buf, name, 16);
    else
        snprintf(buf, 16, "RCODE%u", rcode);
    return buf;
}

/* The length of 'name' without one final dot. */
static gsize
bare_length(const char *name)
{
    gsize n = strlen(name);

    return n > 0 && name[n - 1] == '.' && (n < 2 || name[n - 2] != '\\') ? n - 1 : n;
}

gboolean
kn_dns_name_equal(const char *a, const char *b)
{
    gsize na = bare_length(a), nb = bare_length(b);

    return na == nb && g_ascii_strncasecmp(a, b, na) == 0;
}

gboolean
kn_dns_name_is_subdomain(const char *name, const char *zone)
{
    gsize nn = bare_length(name), nz = bare_length(zone);

    if (nz == 0)
        return TRUE;
    if (nn < nz || g_ascii_strncasecmp(name + nn - nz, zone, nz) != 0)
        return FALSE;
    /* A label boundary before the zone, not an escaped dot. */
    return nn == nz ||
           (name[nn - nz - 1] == '.' && (nn - nz < 2 || name[nn - nz - 2] != '\\'));
}

guint
kn_dns_name_count_labels(const char *name)
{
    gsize n = bare_length(name);
    guint count = n > 0;

    for (gsize i = 0; i < n; i++) {
        if (name[i] == '\\')
            i++;
        else if (name[i] == '.')
            count++;
    }
    return count;
}

char *
kn_dns_name_canonical(const char *name)
{
    gsize length = bare_length(name);
    char *out = g_malloc(length + 1);

    /* g_ascii_strdown() calls g_ascii_tolower() for each character; every
     * query's cache key is made here. */
    for (gsize i = 0; i < length; i++)
        out[i] = (char) ascii_lower((guint8) name[i]);
    out[length] = '\0';
    return out;
}

char *
kn_dns_name_reverse(const KnAddr *addr)
{
    GString *out = g_string_new(NULL);

    if (addr->family == 4) {
        g_string_printf(out, "%u.%u.%u.%u.in-addr.arpa", addr->bytes[3], addr->bytes[2],
                        addr->bytes[1], addr->bytes[0]);
    } else {
        for (int i = 15; i >= 0; i--)
            g_string_append_printf(out, "%x.%x.", addr->bytes[i] & 0xf, addr->bytes[i] >> 4);
        g_string_append(out, "ip6.arpa");
    }
    return g_string_free(out, FALSE);
}

gboolean
kn_dns_name_reverse_parse(const char *name, KnAddr *addr)
{
    g_autofree char *lower = kn_dns_name_canonical(name);
    g_auto(GStrv) labels = g_strsplit(lower, ".", -1);
    guint n = g_strv_length(labels);

    memset(addr, 0, sizeof *addr);
    if (n == 6 && strcmp(labels[4], "in-addr") == 0 && strcmp(labels[5], "arpa") == 0) {
        for (guint i = 0; i < 4; i++) {
            guint64 v;

            if (!g_ascii_string_to_unsigned(labels[i], 10, 0, 255, &v, NULL))
                return FALSE;
            addr->bytes[3 - i] = v;
        }
        addr->family = 4;
        return TRUE;
    }
    if (n == 34 && strcmp(labels[32], "ip6") == 0 && strcmp(labels[33], "arpa") == 0) {
        for (guint i = 0; i < 32; i++) {
            if (strlen(labels[i]) != 1 || !g_ascii_isxdigit(labels[i][0]))
                return FALSE;
            guint v = g_ascii_xdigit_value(labels[i][0]);

            addr->bytes[15 - i / 2] |= i % 2 ? v << 4 : v;
        }
        addr->family = 6;
        return TRUE;
    }
    return FALSE;
}

/* 'name' with its final dot ("." for the root). */
static void
append_fqdn(GString *out, const char *name)
{
    if (name == NULL || *name == '\0')
        g_string_append_c(out, '.');
    else if (name[bare_length(name)] == '.')
        g_string_append(out, name);
    else
        g_string_append_printf(out, "%s.", name);
}

char *
kn_dns_rdata_to_string(const KnDnsRecord *r)
{
    GString *out = g_string_new(NULL);
    char buf[KN_ADDR_STRLEN];

    switch (r->type) {
    case KN_DNS_TYPE_A:
    case KN_DNS_TYPE_AAAA:
        g_string_append(out, kn_addr_format(&r->addr, buf));
        break;
    case KN_DNS_TYPE_CNAME:
    case KN_DNS_TYPE_PTR:
    case KN_DNS_TYPE_NS:
        append_fqdn(out, r->target);
        break;
    case KN_DNS_TYPE_SRV:
        g_string_append_printf(out, "%u %u %u ", r->priority, r->weight, r->port);
        append_fqdn(out, r->target);
        break;
    case KN_DNS_TYPE_SOA:
        append_fqdn(out, r->target);
        g_string_append_c(out, ' ');
        append_fqdn(out, r->rname);
        g_string_append_printf(out, " %u %u %u %u %u", r->serial, r->refresh, r->retry,
                               r->expire, r->minimum);
        break;
    case KN_DNS_TYPE_TXT:
        for (guint i = 0; r->txt && r->txt[i]; i++) {
            if (i)
                g_string_append_c(out, ' ');
            g_string_append_c(out, '"');
            for (const guint8 *p = (const guint8 *) r->txt[i]; *p; p++) {
                if (*p == '"' || *p == '\\')
                    g_string_append_printf(out, "\\%c", *p);
                else if (*p < 0x20 || *p > 0x7e)
                    g_string_append_printf(out, "\\%03u", *p);
                else
                    g_string_append_c(out, *p);
            }
            g_string_append_c(out, '"');
        }
        break;
    default: {
        gsize n = 0;
        const guint8 *d = r->rdata ? g_bytes_get_data(r->rdata, &n) : NULL;

        g_string_append_printf(out, "\\# %" G_GSIZE_FORMAT, n);
        if (n)
            g_string_append_c(out, ' ');
        for (gsize i = 0; i < n; i++)
            g_string_append_printf(out, "%02x", d[i]);
        break;
    }
    }
    return g_string_free(out, FALSE);
}

char *
kn_dns_record_to_string(const KnDnsRecord *r)
{
    GString *out = g_string_new(NULL);
    char type[16], klass[16];

    if (r->type == KN_DNS_TYPE_OPT) {
        g_string_append_printf(out, "; EDNS: version: %u, flags:%s; udp: %u",
                               (r->ttl >> 16) & 0xff, r->ttl & 0x8000 ? " do" : "", r->klass);
        return g_string_free(out, FALSE);
    }
    g_autofree char *rdata = kn_dns_rdata_to_string(r);

    append_fqdn(out, r->name);
    g_string_append_printf(out, " %u %s %s %s", r->ttl, kn_dns_class_format(r->klass, klass),
                           kn_dns_type_format(r->type, type), rdata);
    return g_string_free(out, FALSE);
}

char *
kn_dns_message_header_to_string(const KnDnsMessage *m)
{
    static const char *const opcodes[] = { "QUERY", "IQUERY", "STATUS", "RESERVED3",
                                           "NOTIFY", "UPDATE" };
    GString *out = g_string_new(NULL);
    char rcode[16];

    g_string_append_printf(out, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
                           m->opcode < G_N_ELEMENTS(opcodes) ? opcodes[m->opcode] : "RESERVED",
                           kn_dns_rcode_format(m->rcode, rcode), m->id);
    g_string_append(out, ";; flags:");
    if (m->qr) g_string_append(out, " qr");
    if (m->aa) g_string_append(out, " aa");
    if (m->tc) g_string_append(out, " tc");
    if (m->rd) g_string_append(out, " rd");
    if (m->ra) g_string_append(out, " ra");
    if (m->ad) g_string_append(out, " ad");
    if (m->cd) g_string_append(out, " cd");
    g_string_append_printf(out, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
                           m->questions->len, m->answers->len, m->authority->len,
                           m->additional->len);
    return g_string_free(out, FALSE);
}
