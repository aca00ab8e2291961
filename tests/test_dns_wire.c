/* test_dns_wire.c -- DNS messages: hand-checked byte vectors (RFC 1035
 * 4.1), compression both ways, pointer loops, truncation as miekg/dns
 * Msg.Truncate does it, and the dig-style text. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include "sim/dns-wire.h"

#define NAME_WEB 3, 'w', 'e', 'b', 7, 'd', 'e', 'f', 'a', 'u', 'l', 't', 3, 's', 'v', 'c', \
                 7, 'c', 'l', 'u', 's', 't', 'e', 'r', 5, 'l', 'o', 'c', 'a', 'l', 0

static void
assert_bytes(GBytes *got, const guint8 *want, gsize n)
{
    gsize length;
    const guint8 *data = g_bytes_get_data(got, &length);

    if (length != n || memcmp(data, want, n) != 0) {
        g_autoptr(GString) text = g_string_new(NULL);

        for (gsize i = 0; i < length; i++)
            g_string_append_printf(text, "%02x%s", data[i], i % 16 == 15 ? "\n" : " ");
        fail_msg("got %" G_GSIZE_FORMAT " bytes, want %" G_GSIZE_FORMAT ":\n%s", length, n,
                 text->str);
    }
}

static void
test_dns_wire_query_bytes(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(0x1234, "web.default.svc.cluster.local",
                                                         KN_DNS_TYPE_A, TRUE);
    const guint8 want[] = {
        0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        NAME_WEB, 0x00, 0x01, 0x00, 0x01,
    };
    g_autoptr(GBytes) wire = kn_dns_message_encode(q);

    assert_bytes(wire, want, sizeof want);
    assert_int_equal(kn_dns_message_wire_size(q), sizeof want);

    g_autoptr(GError) error = NULL;
    g_autoptr(KnDnsMessage) back = kn_dns_message_decode(wire, &error);

    assert_null(error);
    assert_int_equal(back->id, 0x1234);
    assert_true(back->rd);
    assert_false(back->qr);
    assert_string_equal(kn_dns_message_question(back)->name, "web.default.svc.cluster.local");
    assert_int_equal(kn_dns_message_question(back)->type, KN_DNS_TYPE_A);
}

/* The answer's owner is a pointer to the question name at offset 12. */
/* kn_dns_query_encode() writes what a built query encodes to. */
static void
test_dns_wire_query_encode_matches(void **state)
{
    static const char *const names[] = { "web.default.svc.cluster.local", "a.b.a.b", "x", ".",
                                         "api.GitHub.com.app.svc.cluster.local" };
    static const guint16 types[] = { KN_DNS_TYPE_A, KN_DNS_TYPE_AAAA, KN_DNS_TYPE_SRV };

    (void) state;
    for (guint n = 0; n < G_N_ELEMENTS(names); n++)
        for (guint t = 0; t < G_N_ELEMENTS(types); t++)
            for (guint flags = 0; flags < 16; flags++) {
                gboolean rd = flags & 1, ad = flags & 2, edns = flags & 4, dnssec = flags & 8;
                g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(0x1234 + flags, names[n], types[t], rd);

                q->ad = ad;
                if (edns)
                    kn_dns_message_set_edns(q, 1200, dnssec);
                g_autoptr(GBytes) built = kn_dns_message_encode(q);
                g_autoptr(GBytes) direct = kn_dns_query_encode(0x1234 + flags, names[n], types[t], rd, ad,
                                                               edns ? 1200 : 0, dnssec);

                assert_true(g_bytes_equal(built, direct));
            }
    /* Both queries of a name at once: the same bytes as one at a time. */
    const guint16 ids[2] = { 7, 8 }, pair[2] = { KN_DNS_TYPE_A, KN_DNS_TYPE_AAAA };
    GBytes *both[2];

    kn_dns_queries_encode(2, ids, pair, names[0], TRUE, FALSE, 1200, FALSE, both);
    for (guint i = 0; i < 2; i++) {
        g_autoptr(GBytes) one = kn_dns_query_encode(ids[i], names[0], pair[i], TRUE, FALSE, 1200, FALSE);

        assert_true(g_bytes_equal(both[i], one));
        g_bytes_unref(both[i]);
    }
}

static void
test_dns_wire_answer_compressed(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(0x1234, "web.default.svc.cluster.local",
                                                         KN_DNS_TYPE_A, TRUE);
    g_autoptr(KnDnsMessage) r = kn_dns_message_new_reply(q);
    KnAddr addr;
    const guint8 want[] = {
        0x12, 0x34, 0x85, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        NAME_WEB, 0x00, 0x01, 0x00, 0x01,
        0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x04,
        10, 96, 0, 12,
    };

    r->aa = TRUE;
    kn_addr_parse("10.96.0.12", &addr);
    g_ptr_array_add(r->answers, kn_dns_record_new_addr("web.default.svc.cluster.local", 30, &addr));
    g_autoptr(GBytes) wire = kn_dns_message_encode(r);
    assert_bytes(wire, want, sizeof want);

    g_autoptr(KnDnsMessage) back = kn_dns_message_decode(wire, NULL);
    assert_non_null(back);
    assert_true(back->qr && back->aa && back->rd && !back->ra);
    assert_int_equal(back->answers->len, 1);
    g_autofree char *line = kn_dns_record_to_string(back->answers->pdata[0]);
    assert_string_equal(line, "web.default.svc.cluster.local. 30 IN A 10.96.0.12");
}

/* NXDOMAIN with CoreDNS's SOA: owner, mname and rname all point at
 * "cluster.local" inside the question (offset 12 + 7 + 8 + 4 = 31). */
static void
test_dns_wire_soa_compressed(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(7, "nosuch.default.svc.cluster.local",
                                                         KN_DNS_TYPE_A, TRUE);
    g_autoptr(KnDnsMessage) r = kn_dns_message_new_reply(q);
    const guint8 want[] = {
        0x00, 0x07, 0x85, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        6, 'n', 'o', 's', 'u', 'c', 'h', 7, 'd', 'e', 'f', 'a', 'u', 'l', 't', 3, 's', 'v', 'c',
        7, 'c', 'l', 'u', 's', 't', 'e', 'r', 5, 'l', 'o', 'c', 'a', 'l', 0, 0x00, 0x01, 0x00, 0x01,
        0xc0, 0x1f, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x2a,
        2, 'n', 's', 3, 'd', 'n', 's', 0xc0, 0x1f,
        10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 0xc0, 0x1f,
        0x65, 0x92, 0x00, 0x80, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x07, 0x08,
        0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x00, 0x1e,
    };

    r->aa = TRUE;
    r->rcode = KN_DNS_RCODE_NXDOMAIN;
    g_ptr_array_add(r->authority,
                    kn_dns_record_new_soa("cluster.local", 30, "ns.dns.cluster.local",
                                          "hostmaster.cluster.local", 1704067200, 7200, 1800,
                                          86400, 30));
    g_autoptr(GBytes) wire = kn_dns_message_encode(r);
    assert_bytes(wire, want, sizeof want);

    g_autoptr(KnDnsMessage) back = kn_dns_message_decode(wire, NULL);
    assert_non_null(back);
    assert_int_equal(back->rcode, KN_DNS_RCODE_NXDOMAIN);
    g_autofree char *line = kn_dns_record_to_string(back->authority->pdata[0]);
    assert_string_equal(line, "cluster.local. 30 IN SOA ns.dns.cluster.local. "
                              "hostmaster.cluster.local. 1704067200 7200 1800 86400 30");
    g_autofree char *header = kn_dns_message_header_to_string(back);
    assert_string_equal(header,
                        ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 7\n"
                        ";; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0\n");
}

/* What a stub resolver reads: the question's name is not kept and the
 * authority section is stepped over, but their names must still be well
 * formed; its records' data is not read
 * (a SOA cut short is no matter to musl or glibc). */
static void
test_dns_wire_decode_stub(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(7, "web.default.svc.cluster.local", KN_DNS_TYPE_A, TRUE);
    g_autoptr(KnDnsMessage) r = kn_dns_message_new_reply(q);
    KnAddr addr;

    assert_true(kn_addr_parse("10.96.0.10", &addr));
    g_ptr_array_add(r->answers, kn_dns_record_new_addr("web.default.svc.cluster.local", 5, &addr));
    g_ptr_array_add(r->authority,
                    kn_dns_record_new_soa("cluster.local", 30, "ns.dns.cluster.local",
                                          "hostmaster.cluster.local", 1704067200, 7200, 1800, 86400, 30));
    kn_dns_message_set_edns(r, 1232, FALSE);
    g_autoptr(GBytes) wire = kn_dns_message_encode(r);
    gsize n;
    const guint8 *data = g_bytes_get_data(wire, &n);
    g_autoptr(KnDnsMessage) full = kn_dns_message_decode_data(data, n, NULL);
    g_autoptr(KnDnsMessage) stub = kn_dns_message_decode_stub(data, n, NULL);

    assert_non_null(full);
    assert_non_null(stub);
    assert_int_equal(full->authority->len, 1);
    assert_int_equal(stub->authority->len, 0);
    assert_int_equal(stub->questions->len, 1);
    assert_null(kn_dns_message_question(stub)->name);
    assert_int_equal(kn_dns_message_question(stub)->type, KN_DNS_TYPE_A);
    assert_int_equal(stub->answers->len, 1);
    assert_int_equal(stub->additional->len, 1);         /* the OPT, after the skipped section */
    g_autofree char *a = kn_dns_record_to_string(full->answers->pdata[0]);
    g_autofree char *b = kn_dns_record_to_string(stub->answers->pdata[0]);
    assert_string_equal(a, b);

    /* The SOA's RDLENGTH cut to 2 (and the message with it): the full
     * decoder refuses the record, the stub steps over it. */
    g_autofree guint8 *cut = g_memdup2(data, n);
    gsize at = 12;
    while (cut[at] != 0)                                    /* the question's name */
        at += cut[at] + 1;
    at += 5;
    at += 2 + 10 + 4;                                       /* the A record (a pointer for its name) */
    g_assert(cut[at] == 0xc0);                              /* the SOA's owner, a pointer */
    guint rdlength = (guint) (cut[at + 10] << 8 | cut[at + 11]);
    cut[at + 10] = 0;
    cut[at + 11] = 2;
    memmove(cut + at + 12 + 2, cut + at + 12 + rdlength, n - (at + 12 + rdlength));
    gsize cut_length = n - rdlength + 2;
    g_autoptr(KnDnsMessage) refused = kn_dns_message_decode_data(cut, cut_length, NULL);
    g_autoptr(KnDnsMessage) stepped = kn_dns_message_decode_stub(cut, cut_length, NULL);

    assert_null(refused);
    assert_non_null(stepped);
    assert_int_equal(stepped->answers->len, 1);

    /* A pointer forward in the skipped owner name is still refused. */
    g_autofree guint8 *loop = g_memdup2(data, n);
    loop[at + 1] = 0xff;
    assert_null(kn_dns_message_decode_stub(loop, n, NULL));
    /* And a record past the end. */
    assert_null(kn_dns_message_decode_stub(data, n - 20, NULL));
}

/* RFC 2782: the SRV target is written in full even when it repeats. */
static void
test_dns_wire_srv_target_uncompressed(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) m = kn_dns_message_new();
    const guint8 want[] = {
        0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        NAME_WEB, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x25,
        0x00, 0x00, 0x00, 0x64, 0x00, 0x50, NAME_WEB,
    };

    m->qr = TRUE;
    g_ptr_array_add(m->answers, kn_dns_record_new_srv("web.default.svc.cluster.local", 5, 0, 100,
                                                      80, "web.default.svc.cluster.local"));
    g_autoptr(GBytes) wire = kn_dns_message_encode(m);
    assert_bytes(wire, want, sizeof want);
    g_autoptr(KnDnsMessage) back = kn_dns_message_decode(wire, NULL);
    g_autofree char *line = kn_dns_record_to_string(back->answers->pdata[0]);
    assert_string_equal(line, "web.default.svc.cluster.local. 5 IN SRV 0 100 80 "
                              "web.default.svc.cluster.local.");
}

/* A query as glibc 2.36 sends it with `options edns0`: one OPT record,
 * root owner, class = payload size 1200. */
static void
test_dns_wire_edns_opt(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(1, "a", KN_DNS_TYPE_AAAA, TRUE);
    const guint8 want[] = {
        0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
        1, 'a', 0, 0x00, 0x1c, 0x00, 0x01,
        0x00, 0x00, 0x29, 0x04, 0xb0, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
    };
    guint16 size = 0;
    gboolean dnssec = FALSE;

    kn_dns_message_set_edns(q, KN_DNS_EDNS_SIZE_GLIBC, TRUE);
    g_autoptr(GBytes) wire = kn_dns_message_encode(q);
    assert_bytes(wire, want, sizeof want);
    g_autoptr(KnDnsMessage) back = kn_dns_message_decode(wire, NULL);
    assert_true(kn_dns_message_get_edns(back, &size, &dnssec));
    assert_int_equal(size, 1200);
    assert_true(dnssec);
    g_autofree char *line = kn_dns_record_to_string(back->additional->pdata[0]);
    assert_string_equal(line, "; EDNS: version: 0, flags: do; udp: 1200");

    /* A payload size under 512 reads as 512 (RFC 6891 6.2.5). */
    kn_dns_message_set_edns(q, 100, FALSE);
    assert_int_equal(q->additional->len, 1);
    assert_true(kn_dns_message_get_edns(q, &size, &dnssec));
    assert_int_equal(size, 512);
    assert_false(dnssec);
}

static void
assert_decode_error(const guint8 *data, gsize n, int code)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(KnDnsMessage) m = kn_dns_message_decode_data(data, n, &error);

    assert_null(m);
    assert_non_null(error);
    if (error->code != code)
        fail_msg("code %d (%s), want %d", error->code, error->message, code);
}

static void
test_dns_wire_decode_rejects_loops_and_short_input(void **state)
{
    (void) state;
    /* The question name is a pointer to itself. */
    const guint8 self[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1 };
    /* A label, then a pointer forward to a pointer back to the label: the
     * forward one is refused. */
    const guint8 forward[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                               1, 'a', 0xc0, 0x12, 0, 1, 0xc0, 0x0c };
    const guint8 short_header[] = { 0, 1, 0, 0, 0 };
    const guint8 short_rdata[] = { 0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                                   0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 10, 0 };
    const guint8 bad_a[] = { 0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
                             0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 3, 10, 0, 0 };
    const guint8 trailing[] = { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff };
    const guint8 label_type[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1 };
    guint8 too_long[12 + 5 * 64 + 1 + 4] = { 0, 1, 0, 0, 0, 1 };

    assert_decode_error(self, sizeof self, KN_DNS_ERROR_NAME);
    assert_decode_error(forward, sizeof forward, KN_DNS_ERROR_NAME);
    assert_decode_error(short_header, sizeof short_header, KN_DNS_ERROR_SHORT);
    assert_decode_error(short_rdata, sizeof short_rdata, KN_DNS_ERROR_SHORT);
    assert_decode_error(bad_a, sizeof bad_a, KN_DNS_ERROR_RDATA);
    assert_decode_error(trailing, sizeof trailing, KN_DNS_ERROR_TRAILING);
    assert_decode_error(label_type, sizeof label_type, KN_DNS_ERROR_NAME);
    for (guint i = 0; i < 5; i++) {
        too_long[12 + i * 64] = 63;
        memset(too_long + 13 + i * 64, 'x', 63);
    }
    assert_decode_error(too_long, sizeof too_long, KN_DNS_ERROR_NAME);
}

/* Label bytes that need escaping survive a round trip. */
static void
test_dns_wire_escapes(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(1, "a\\.b.c\\032d.\\255", KN_DNS_TYPE_A,
                                                         FALSE);
    const guint8 want[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                            3, 'a', '.', 'b', 3, 'c', ' ', 'd', 1, 0xff, 0, 0, 1, 0, 1 };
    g_autoptr(GBytes) wire = kn_dns_message_encode(q);

    assert_bytes(wire, want, sizeof want);
    g_autoptr(KnDnsMessage) back = kn_dns_message_decode(wire, NULL);
    assert_string_equal(kn_dns_message_question(back)->name, "a\\.b.c\\ d.\\255");
    assert_int_equal(kn_dns_name_count_labels("a\\.b.c\\ d.\\255"), 3);
}

static KnDnsMessage *
reply_with_a_records(guint n)
{
    KnDnsMessage *q = kn_dns_message_new_query(1, "web.default.svc.cluster.local",
                                               KN_DNS_TYPE_A, TRUE);
    KnDnsMessage *r = kn_dns_message_new_reply(q);

    for (guint i = 0; i < n; i++) {
        KnAddr addr = kn_addr_ipv4(0x0af40000 + i);

        g_ptr_array_add(r->answers, kn_dns_record_new_addr("web.default.svc.cluster.local", 30,
                                                           &addr));
    }
    kn_dns_message_free(q);
    return r;
}

/* 12 + 35 bytes of header and question, 16 per compressed A record: 29
 * fit in 512 (511 bytes); uncompressed each takes 45. */
static void
test_dns_wire_truncate(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) small = reply_with_a_records(3);
    g_autoptr(KnDnsMessage) big = reply_with_a_records(40);
    g_autoptr(KnDnsMessage) edns = reply_with_a_records(40);

    assert_false(kn_dns_message_truncate(small, 512));
    assert_false(small->compress);
    assert_int_equal(kn_dns_message_wire_size(small), 47 + 3 * 45);

    assert_true(kn_dns_message_truncate(big, 512));
    assert_true(big->tc);
    assert_true(big->compress);
    assert_int_equal(big->answers->len, 29);
    assert_int_equal(kn_dns_message_wire_size(big), 511);

    /* With EDNS0 1232 all 40 fit once compressed (47 + 640 + 11). */
    kn_dns_message_set_edns(edns, 1232, FALSE);
    assert_false(kn_dns_message_truncate(edns, 1232));
    assert_false(edns->tc);
    assert_true(edns->compress);
    assert_int_equal(edns->answers->len, 40);
    assert_int_equal(kn_dns_message_wire_size(edns), 47 + 40 * 16 + 11);
}

/* reply_with_a_records(9) (452 bytes uncompressed) and one more A record
 * whose owner is one label of 'label' bytes, each written as 'byte'. */
static KnDnsMessage *
reply_of_plain_size(guint label, const char *byte)
{
    KnDnsMessage *r = reply_with_a_records(9);
    g_autoptr(GString) name = g_string_new(NULL);
    KnAddr addr = kn_addr_ipv4(0x0af400ff);

    for (guint i = 0; i < label; i++)
        g_string_append(name, byte);
    g_ptr_array_add(r->answers, kn_dns_record_new_addr(name->str, 30, &addr));
    return r;
}

/* The limit is on the uncompressed size, exactly: a reply of 512 bytes
 * goes as it is, one of 513 compressed.  A name's text bounds its wire
 * length, but escapes make the text longer: a reply whose text is far
 * over while its wire form is 512 still goes uncompressed. */
static void
test_dns_wire_truncate_at_the_limit(void **state)
{
    (void) state;
    g_autoptr(KnDnsMessage) at = reply_of_plain_size(44, "x");         /* 452 + 46 + 14 */
    g_autoptr(KnDnsMessage) over = reply_of_plain_size(45, "x");
    g_autoptr(KnDnsMessage) escaped = reply_of_plain_size(44, "\\120");  /* "\120" is 'x' */

    at->compress = over->compress = escaped->compress = FALSE;
    assert_int_equal(kn_dns_message_wire_size(at), 512);
    assert_int_equal(kn_dns_message_wire_size(over), 513);
    assert_int_equal(kn_dns_message_wire_size(escaped), 512);

    assert_false(kn_dns_message_truncate(at, 512));
    assert_false(at->compress);
    assert_false(kn_dns_message_truncate(over, 512));
    assert_true(over->compress);
    assert_false(over->tc);
    assert_false(kn_dns_message_truncate(escaped, 512));
    assert_false(escaped->compress);
}

static void
test_dns_wire_names_and_text(void **state)
{
    (void) state;
    KnAddr addr, back;
    guint16 type = 0;
    char buf[16];

    kn_addr_parse("10.96.0.12", &addr);
    g_autofree char *v4 = kn_dns_name_reverse(&addr);
    assert_string_equal(v4, "12.0.96.10.in-addr.arpa");
    assert_true(kn_dns_name_reverse_parse("12.0.96.10.IN-ADDR.ARPA.", &back));
    assert_true(kn_addr_equal(&addr, &back));
    kn_addr_parse("fd00::1", &addr);
    g_autofree char *v6 = kn_dns_name_reverse(&addr);
    assert_string_equal(v6, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa");
    assert_true(kn_dns_name_reverse_parse(v6, &back));
    assert_true(kn_addr_equal(&addr, &back));
    assert_false(kn_dns_name_reverse_parse("0.96.10.in-addr.arpa", &back));

    assert_true(kn_dns_name_equal("Web.Default.svc.cluster.local.", "web.default.svc.cluster.local"));
    assert_true(kn_dns_name_is_subdomain("web.default.svc.cluster.local", "cluster.local."));
    assert_true(kn_dns_name_is_subdomain("cluster.local", "cluster.local"));
    assert_false(kn_dns_name_is_subdomain("mycluster.local", "cluster.local"));
    assert_true(kn_dns_name_is_subdomain("example.com", ""));
    assert_int_equal(kn_dns_name_count_labels(""), 0);
    assert_int_equal(kn_dns_name_count_labels("api.github.com."), 3);

    assert_true(kn_dns_type_parse("aaaa", &type));
    assert_int_equal(type, KN_DNS_TYPE_AAAA);
    assert_true(kn_dns_type_parse("TYPE65", &type));
    assert_string_equal(kn_dns_type_format(type, buf), "HTTPS");
    assert_string_equal(kn_dns_type_format(999, buf), "TYPE999");
    assert_false(kn_dns_type_parse("AAAAA", &type));
    assert_string_equal(kn_dns_rcode_name(KN_DNS_RCODE_NXDOMAIN), "NXDOMAIN");
    assert_string_equal(kn_dns_rcode_format(12, buf), "RCODE12");

    g_autoptr(KnDnsRecord) txt = kn_dns_record_new_txt("dns-version.cluster.local", 28800, "1.1.0");
    g_autofree char *line = kn_dns_record_to_string(txt);
    assert_string_equal(line, "dns-version.cluster.local. 28800 IN TXT \"1.1.0\"");
    g_autoptr(KnDnsRecord) raw = kn_dns_record_new("x", 99, 1);
    raw->rdata = g_bytes_new("\x0a\x00\x00\x01", 4);
    g_autofree char *unknown = kn_dns_record_to_string(raw);
    assert_string_equal(unknown, "x. 1 IN TYPE99 \\# 4 0a000001");
}

/* A name's first character written as \DDD takes the encoder's escape
 * path; plain, it takes the fast one.  Both must give the same bytes, at
 * the limits too: labels of 63 and 64 octets, names of 255 octets with
 * the root and of 256, empty labels, a final dot. */
static void
test_dns_wire_name_limits(void **state)
{
    g_autofree char *l63 = g_strnfill(63, 'a'), *l64 = g_strnfill(64, 'a');
    g_autofree char *l61 = g_strnfill(61, 'a'), *l62 = g_strnfill(62, 'a');
    /* Three labels of 63 take 192 octets with their lengths; then 61
     * takes 62, and the root 1: 255.  With 62 it is 256. */
    g_autofree char *n255 = g_strjoin(".", l63, l63, l63, l61, NULL);
    g_autofree char *n256 = g_strjoin(".", l63, l63, l63, l62, NULL);
    const char *names[] = { "web", "web.default.svc.cluster.local", "web.default.", "a..b", "a.",
                            l63, l64, n255, n256 };

    (void) state;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *escaped = g_strdup_printf("\\%03u%s", (guint8) names[i][0], names[i] + 1);
        g_autoptr(GBytes) plain = kn_dns_query_encode(7, names[i], KN_DNS_TYPE_A, TRUE, FALSE, 0, FALSE);
        g_autoptr(GBytes) slow = kn_dns_query_encode(7, escaped, KN_DNS_TYPE_A, TRUE, FALSE, 0, FALSE);

        assert_true(g_bytes_equal(plain, slow));
    }
    /* What fits is kept, what does not becomes the root (12 + 1 + 4). */
    g_autoptr(GBytes) fits = kn_dns_query_encode(7, n255, KN_DNS_TYPE_A, TRUE, FALSE, 0, FALSE);
    g_autoptr(GBytes) over = kn_dns_query_encode(7, n256, KN_DNS_TYPE_A, TRUE, FALSE, 0, FALSE);
    g_autoptr(GBytes) long_label = kn_dns_query_encode(7, l64, KN_DNS_TYPE_A, TRUE, FALSE, 0, FALSE);

    assert_int_equal(g_bytes_get_size(fits), 12 + 255 + 4);
    assert_int_equal(g_bytes_get_size(over), 12 + 1 + 4);
    assert_int_equal(g_bytes_get_size(long_label), 12 + 1 + 4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dns_wire_query_bytes),
        cmocka_unit_test(test_dns_wire_query_encode_matches),
        cmocka_unit_test(test_dns_wire_answer_compressed),
        cmocka_unit_test(test_dns_wire_soa_compressed),
        cmocka_unit_test(test_dns_wire_srv_target_uncompressed),
        cmocka_unit_test(test_dns_wire_edns_opt),
        cmocka_unit_test(test_dns_wire_decode_rejects_loops_and_short_input),
        cmocka_unit_test(test_dns_wire_escapes),
        cmocka_unit_test(test_dns_wire_truncate),
        cmocka_unit_test(test_dns_wire_truncate_at_the_limit),
        cmocka_unit_test(test_dns_wire_names_and_text),
        cmocka_unit_test(test_dns_wire_name_limits),
        cmocka_unit_test(test_dns_wire_decode_stub),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
