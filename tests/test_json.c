/* test_json.c -- JSON strings byte for byte as Go's json.Marshal writes them. */

#include <config.h>
#include "tests/test_util.h"

#include "models/json.h"

#include <string.h>

/* 'text' as kn_json_string() writes it; new, free with g_free(). */
static char *
json(const char *text)
{
    GString *out = g_string_new(NULL);

    kn_json_string(out, text);
    return g_string_free(out, FALSE);
}

static void
test_json_string_plain_text_is_quoted(void **state)
{
    (void) state;
    g_autofree char *plain = json("web-7d4b9c/10.244.1.5:8080");
    g_autofree char *empty = json("");
    g_autofree char *null = json(NULL);

    assert_string_equal(plain, "\"web-7d4b9c/10.244.1.5:8080\"");
    assert_string_equal(empty, "\"\"");
    assert_string_equal(null, "\"\"");
}

static void
test_json_string_escapes_as_go_1_22(void **state)
{
    (void) state;
    g_autofree char *quotes = json("say \"hi\" \\o/");
    g_autofree char *controls = json("a\nb\rc\td\be\ff\001g\037");
    g_autofree char *html = json("<a href=x&y>");
    g_autofree char *separators = json("x\xe2\x80\xa8y\xe2\x80\xa9z\xe2\x80\xaa");

    assert_string_equal(quotes, "\"say \\\"hi\\\" \\\\o/\"");
    assert_string_equal(controls, "\"a\\nb\\rc\\td\\be\\ff\\u0001g\\u001f\"");
    assert_string_equal(html, "\"\\u003ca href=x\\u0026y\\u003e\"");
    /* U+2028 and U+2029 escaped; U+202A, UTF-8 like any other, copied. */
    assert_string_equal(separators, "\"x\\u2028y\\u2029z\xe2\x80\xaa\"");
}

/* The length without the text must be the length of the text, for every
 * kind of escape and for plain runs. */
static void
test_json_string_length_matches_the_text(void **state)
{
    (void) state;
    const char *cases[] = {
        "", "plain", "say \"hi\" \\o/", "a\nb\rc\td\be\ff\001g\037", "<a href=x&y>",
        "x\xe2\x80\xa8y\xe2\x80\xa9z\xe2\x80\xaa", "kubernetes.io/service-name", "\xc3\xa9t\xc3\xa9",
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = json(cases[i]);

        assert_int_equal(kn_json_string_length(cases[i]), strlen(text));
    }
    assert_int_equal(kn_json_string_length(NULL), 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string_plain_text_is_quoted),
        cmocka_unit_test(test_json_string_escapes_as_go_1_22),
        cmocka_unit_test(test_json_string_length_matches_the_text),
    };

    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
