/* test_capture.c -- what `knetsim run --events` writes for the lab: every
 * line parses with json-glib, uses only the fields and kinds the README's
 * "Event log" documents (read from the README itself, so the two cannot
 * drift apart), comes in time order, and each kind of note the data path
 * makes during the lab is there. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "models/capture.h"
#include "models/replay.h"

#define LAB "scenarios/lab/svc-lab.yaml"

static int
setup(void **state)
{
    (void) state;
    return chdir(test_env("KNETSIM_SRCDIR"));
}

/* What the README documents: the names in backquotes at the start of the
 * rows of its two event-log tables, and the kinds in the `kind` row. */
typedef struct {
    GHashTable *fields;          /* top-level field names (owned) */
    GHashTable *packet_fields;   /* names inside "packet" (owned) */
    GHashTable *kinds;           /* every backquoted word of the `kind` row (owned) */
} Documented;

static void
add_quoted(GHashTable *set, const char *text)
{
    const char *p = text;

    while ((p = strchr(p, '`')) != NULL) {
        const char *end = strchr(p + 1, '`');

        if (end == NULL)
            break;
        g_hash_table_add(set, g_strndup(p + 1, end - p - 1));
        p = end + 1;
    }
}

static void
read_readme(Documented *doc)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean in_log = FALSE, in_packet = FALSE;

    assert_true(g_file_get_contents("README", &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    doc->fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    doc->packet_fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    doc->kinds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];

        if (g_str_has_prefix(line, "Event log (sim/events.h)"))
            in_log = TRUE;
        else if (in_log && g_str_has_prefix(line, "`packet` holds:"))
            in_packet = TRUE;
        else if (in_log && g_str_has_prefix(line, "`jq` reads it"))
            break;
        if (!in_log || !g_str_has_prefix(line, "| `"))
            continue;

        /* The first cell names the fields; the rest explains them. */
        const char *bar = strchr(line + 1, '|');
        g_autofree char *names = g_strndup(line, bar != NULL ? (gsize) (bar - line) : strlen(line));

        add_quoted(in_packet ? doc->packet_fields : doc->fields, names);
        if (!in_packet && g_str_has_prefix(line, "| `kind`") && bar != NULL)
            add_quoted(doc->kinds, bar);
    }
    assert_true(g_hash_table_contains(doc->fields, "t_ns"));
    assert_true(g_hash_table_contains(doc->packet_fields, "summary"));
}

static void
check_members(JsonObject *object, GHashTable *documented, const char *line)
{
    GList *members = json_object_get_members(object);

    for (GList *l = members; l != NULL; l = l->next)
        if (!g_hash_table_contains(documented, l->data))
            fail_msg("undocumented field '%s' in %s", (const char *) l->data, line);
    g_list_free(members);
}

static void
test_capture_lab_events_follow_the_readme(void **state)
{
    (void) state;
    Documented doc;
    g_autoptr(GError) error = NULL;
    g_autoptr(KnScenario) scenario = kn_scenario_load(LAB, &error);
    g_autofree char *dir = g_dir_make_tmp("knetsim-capture-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "lab.jsonl", NULL);
    g_autoptr(KnCapture) capture = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);   /* kinds, borrowed from doc */
    KnReplayReport report;
    gint64 last = -1;
    guint n_lines = 0;
    static const char *const lab_kinds[] = { "packet", "hop", "rule", "nat", "conntrack", "app" };

    read_readme(&doc);
    g_assert_no_error(error);
    capture = kn_capture_new(NULL, path, &error);
    g_assert_no_error(error);

    KnReplayOptions options = { .seed = scenario->seed, .until = KN_TIME_MAX, .capture = capture };

    assert_true(kn_replay_run(scenario, &options, &report, &error));
    assert_int_equal(report.n_failed, 0);
    assert_true(kn_capture_close(capture, &error));
    g_assert_no_error(error);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonObject *object;
        JsonNode *packet;
        const char *kind;
        gpointer documented_kind;

        if (*lines[i] == '\0') {
            assert_null(lines[i + 1]);       /* only after the last line */
            break;
        }
        if (!json_parser_load_from_data(parser, lines[i], -1, &error))
            fail_msg("line %u is not JSON: %s", i + 1, error->message);
        assert_int_equal(JSON_NODE_TYPE(json_parser_get_root(parser)), JSON_NODE_OBJECT);
        object = json_node_get_object(json_parser_get_root(parser));
        check_members(object, doc.fields, lines[i]);
        if ((packet = json_object_get_member(object, "packet")) != NULL)
            check_members(json_node_get_object(packet), doc.packet_fields, lines[i]);
        kind = json_object_get_string_member(object, "kind");
        if (!g_hash_table_lookup_extended(doc.kinds, kind, &documented_kind, NULL))
            fail_msg("undocumented kind '%s' in %s", kind, lines[i]);
        g_hash_table_add(seen, documented_kind);
        /* Simulated-time order, and "time" says the same as "t_ns". */
        gint64 t_ns = json_object_get_int_member(object, "t_ns");
        g_autofree char *time = g_strdup_printf("%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT,
                                                t_ns / KN_SEC, t_ns % KN_SEC);

        assert_true(t_ns >= last);
        assert_string_equal(json_object_get_string_member(object, "time"), time);
        last = t_ns;
        n_lines++;
    }
    assert_true(n_lines > 100);
    for (guint i = 0; i < G_N_ELEMENTS(lab_kinds); i++)
        if (!g_hash_table_contains(seen, lab_kinds[i]))
            fail_msg("no '%s' event in the lab's log", lab_kinds[i]);
    g_unlink(path);
    g_rmdir(dir);
    g_hash_table_unref(doc.fields);
    g_hash_table_unref(doc.packet_fields);
    g_hash_table_unref(doc.kinds);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_lab_events_follow_the_readme),
    };
    return cmocka_run_group_tests_name("capture", tests, setup, NULL);
}
