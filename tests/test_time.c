/* test_time.c -- durations in, seconds out. */

#include <config.h>
#include "tests/test_util.h"

#include "sim/diag.h"
#include "sim/time.h"

static void
test_time_parses_go_style_durations(void **state)
{
    (void) state;
    const struct { const char *text; KnTime want; } cases[] = {
        { "0", 0 },
        { "3s", 3 * KN_SEC },
        { "250ms", 250 * KN_MSEC },
        { "1.5s", 1500 * KN_MSEC },
        { "1m30s", 90 * KN_SEC },
        { "1h", 3600 * KN_SEC },
        { "10us", 10 * KN_USEC },
        { "7ns", 7 },
        { ".5s", 500 * KN_MSEC },
        { "0.000000001s", 1 },
        { "0.0000000019s", 1 },          /* below a nanosecond truncates */
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        KnTime t = 12345;

        assert_true(kn_time_parse(cases[i].text, &t, &error));
        assert_null(error);
        assert_int_equal(t, cases[i].want);
    }
}

static void
test_time_rejects_bad_durations(void **state)
{
    (void) state;
    const char *bad[] = { "", "3", "s", "3 s", "3sec", "-1s", "1.s.", "99999999999999999999s", "6000000h" };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        KnTime t;

        assert_false(kn_time_parse(bad[i], &t, &error));
        assert_true(g_error_matches(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE));
    }
}

static void
test_time_formats_seconds_with_milliseconds(void **state)
{
    (void) state;
    g_autofree char *a = kn_time_format(0);
    g_autofree char *b = kn_time_format(3 * KN_SEC + 42 * KN_MSEC + 999);

    assert_string_equal(a, "0.000s");
    assert_string_equal(b, "3.042s");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parses_go_style_durations),
        cmocka_unit_test(test_time_rejects_bad_durations),
        cmocka_unit_test(test_time_formats_seconds_with_milliseconds),
    };
    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
