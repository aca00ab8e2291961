/* test_events.c -- the JSON Lines event log: every line parses back with
 * json-glib and carries the fields the README's "Event log" documents,
 * absent ones left out. */

#include <config.h>
#include "tests/test_util.h"

#include "sim/events.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* The fields the README documents, top level and in "packet". */
static const char *const record_fields[] = {
    "t_ns", "time", "kind", "node", "namespace", "pod", "interface", "packet",
    "verdict", "rule", "detail", NULL,
};
static const char *const packet_fields[] = {
    "src", "dst", "proto", "sport", "dport", "flags", "seq", "ack", "icmp_type",
    "icmp_code", "length", "ttl", "mark", "encap", "summary", NULL,
};

static KnPacket *
make_syn(void)
{
    KnPacket *packet = kn_packet_new();

    assert_true(kn_addr_parse("10.244.1.4", &packet->src));
    assert_true(kn_addr_parse("10.96.0.12", &packet->dst));
    packet->proto = KN_IPPROTO_TCP;
    packet->sport = 43512;
    packet->dport = 80;
    packet->seq = 1000;
    packet->tcp_flags = KN_TCP_SYN;
    packet->mss = 1410;
    return packet;
}

/* Parses 'line' as one JSON object and checks that every member is a
 * documented field; returns the object's node (new). */
static JsonNode *
parse_line(const char *line)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    JsonObject *object;
    JsonNode *packet;
    GList *members;

    if (!json_parser_load_from_data(parser, line, -1, &error))
        fail_msg("not JSON: %s: %s", line, error->message);
    assert_int_equal(JSON_NODE_TYPE(json_parser_get_root(parser)), JSON_NODE_OBJECT);
    object = json_node_get_object(json_parser_get_root(parser));
    members = json_object_get_members(object);
    for (GList *l = members; l != NULL; l = l->next)
        if (!g_strv_contains(record_fields, l->data))
            fail_msg("undocumented field '%s' in %s", (const char *) l->data, line);
    g_clear_pointer(&members, g_list_free);
    packet = json_object_get_member(object, "packet");
    if (packet != NULL) {
        members = json_object_get_members(json_node_get_object(packet));
        for (GList *l = members; l != NULL; l = l->next)
            if (!g_strv_contains(packet_fields, l->data))
                fail_msg("undocumented packet field '%s' in %s", (const char *) l->data, line);
        g_clear_pointer(&members, g_list_free);
    }
    return json_node_copy(json_parser_get_root(parser));
}

/*****************************************************************************/

static void
test_events_format_writes_documented_fields_in_order(void **state)
{
    (void) state;
    g_autoptr(KnPacket) packet = make_syn();
    KnEventRecord record = {
        .time = 3 * KN_SEC + 250,
        .kind = "dnat",
        .node = "svc-lab-worker",
        .namespace = "default",
        .pod = "client",
        .interface = "eth0",
        .packet = packet,
        .verdict = "DNAT",
        .rule = "nat/KUBE-SEP-WXWGHGKZOCNYRYI7 rule 2",
        .detail = "DNAT 10.96.0.12:80 \u2192 10.244.2.5:80",
    };
    g_autofree char *line = kn_events_format(&record);

    assert_string_equal(line,
        "{\"t_ns\":3000000250,\"time\":\"3.000000250\",\"kind\":\"dnat\","
        "\"node\":\"svc-lab-worker\",\"namespace\":\"default\",\"pod\":\"client\","
        "\"interface\":\"eth0\",\"packet\":{\"src\":\"10.244.1.4\",\"dst\":\"10.96.0.12\","
        "\"proto\":\"tcp\",\"sport\":43512,\"dport\":80,\"flags\":\"S\",\"seq\":1000,"
        "\"length\":44,\"ttl\":64,"
        "\"summary\":\"10.244.1.4:43512 > 10.96.0.12:80 TCP [S] seq 1000\"},"
        "\"verdict\":\"DNAT\",\"rule\":\"nat/KUBE-SEP-WXWGHGKZOCNYRYI7 rule 2\","
        "\"detail\":\"DNAT 10.96.0.12:80 \u2192 10.244.2.5:80\"}");
}

static void
test_events_absent_fields_are_left_out(void **state)
{
    (void) state;
    KnEventRecord record = { .time = 0, .kind = "step", .detail = "", .node = NULL };
    g_autofree char *line = kn_events_format(&record);

    assert_string_equal(line, "{\"t_ns\":0,\"time\":\"0.000000000\",\"kind\":\"step\"}");
}

static void
test_events_file_lines_parse_back(void **state)
{
    (void) state;
    g_autofree char *dir = g_dir_make_tmp("test_events-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "events.jsonl", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(KnEvents) events = kn_events_new(path, &error);
    g_autoptr(KnPacket) syn = make_syn();
    g_autoptr(KnPacket) wrapped = make_syn();
    g_autoptr(KnPacket) unreach = kn_packet_new();
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(JsonNode) first = NULL;
    g_autoptr(JsonNode) second = NULL;
    g_autoptr(JsonNode) third = NULL;
    g_autoptr(JsonNode) fourth = NULL;
    JsonObject *object, *packet, *encap;

    assert_non_null(events);
    wrapped->outer = g_new0(KnEncap, 1);
    assert_true(kn_addr_parse("172.18.0.3", &wrapped->outer->src));
    assert_true(kn_addr_parse("172.18.0.4", &wrapped->outer->dst));
    wrapped->outer->vni = 1;
    wrapped->mark = 0x4000;
    assert_true(kn_addr_parse("10.244.2.5", &unreach->src));
    assert_true(kn_addr_parse("10.244.1.4", &unreach->dst));
    unreach->proto = KN_IPPROTO_ICMP;
    unreach->icmp_type = KN_ICMP_DEST_UNREACH;
    unreach->icmp_code = KN_ICMP_PORT_UNREACH;
    unreach->quoted = make_syn();

    kn_events_write(events, &(KnEventRecord) { .time = 0, .kind = "step",
                                               .detail = "kubectl run client \"quoted\"\n" });
    kn_events_write(events, &(KnEventRecord) { .time = KN_SEC, .kind = "packet",
                                               .pod = "client", .interface = "eth0",
                                               .packet = syn });
    kn_events_write(events, &(KnEventRecord) { .time = KN_SEC + 30000, .kind = "packet",
                                               .node = "svc-lab-worker", .interface = "eth0",
                                               .packet = wrapped, .verdict = "ACCEPT" });
    kn_events_write(events, &(KnEventRecord) { .time = 2 * KN_SEC, .kind = "drop",
                                               .packet = unreach, .verdict = "REJECT" });
    assert_int_equal(kn_events_n_events(events), 4);
    assert_true(kn_events_close(events, &error));

    assert_true(g_file_get_contents(path, &text, NULL, &error));
    g_unlink(path);
    g_rmdir(dir);
    assert_true(g_str_has_suffix(text, "}\n"));
    lines = g_strsplit(text, "\n", -1);
    assert_int_equal(g_strv_length(lines), 5);          /* 4 lines and "" */
    assert_string_equal(lines[4], "");

    first = parse_line(lines[0]);
    object = json_node_get_object(first);
    assert_string_equal(json_object_get_string_member(object, "kind"), "step");
    assert_string_equal(json_object_get_string_member(object, "detail"),
                        "kubectl run client \"quoted\"\n");
    assert_false(json_object_has_member(object, "packet"));

    second = parse_line(lines[1]);
    object = json_node_get_object(second);
    assert_int_equal(json_object_get_int_member(object, "t_ns"), KN_SEC);
    assert_string_equal(json_object_get_string_member(object, "time"), "1.000000000");
    assert_string_equal(json_object_get_string_member(object, "pod"), "client");
    assert_false(json_object_has_member(object, "node"));
    packet = json_object_get_object_member(object, "packet");
    assert_string_equal(json_object_get_string_member(packet, "proto"), "tcp");
    assert_int_equal(json_object_get_int_member(packet, "dport"), 80);
    assert_false(json_object_has_member(packet, "ack"));
    assert_false(json_object_has_member(packet, "encap"));

    third = parse_line(lines[2]);
    object = json_node_get_object(third);
    packet = json_object_get_object_member(object, "packet");
    assert_int_equal(json_object_get_int_member(packet, "mark"), 0x4000);
    encap = json_object_get_object_member(packet, "encap");
    assert_string_equal(json_object_get_string_member(encap, "type"), "vxlan");
    assert_string_equal(json_object_get_string_member(encap, "dst"), "172.18.0.4");
    assert_int_equal(json_object_get_int_member(encap, "vni"), 1);
    assert_true(g_str_has_prefix(json_object_get_string_member(packet, "summary"),
                                 "172.18.0.3:0 > 172.18.0.4:8472 VXLAN vni 1: "));

    fourth = parse_line(lines[3]);
    object = json_node_get_object(fourth);
    packet = json_object_get_object_member(object, "packet");
    assert_string_equal(json_object_get_string_member(packet, "proto"), "icmp");
    assert_int_equal(json_object_get_int_member(packet, "icmp_type"), 3);
    assert_int_equal(json_object_get_int_member(packet, "icmp_code"), 3);
    assert_false(json_object_has_member(packet, "sport"));
    assert_string_equal(json_object_get_string_member(packet, "summary"),
                        "10.244.2.5 > 10.244.1.4 ICMP port 80 unreachable");
}

static void
test_events_unwritable_path_is_a_file_error(void **state)
{
    (void) state;
    g_autoptr(GError) error = NULL;
    KnEvents *events = kn_events_new("/nonexistent-dir/events.jsonl", &error);

    assert_null(events);
    assert_int_equal(error->domain, G_FILE_ERROR);
    assert_int_equal(error->code, G_FILE_ERROR_NOENT);
    kn_events_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_format_writes_documented_fields_in_order),
        cmocka_unit_test(test_events_absent_fields_are_left_out),
        cmocka_unit_test(test_events_file_lines_parse_back),
        cmocka_unit_test(test_events_unwritable_path_is_a_file_error),
    };
    return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
