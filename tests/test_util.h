/* test_util.h -- what every cmocka test includes first: the headers cmocka
 * 1.1.5 needs before its own, then glib. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>

/* Returns the value of the environment variable 'name' set by the test
 * harness (tests/automake.mk), failing the test if it is missing. */
static inline const char *
test_env(const char *name)
{
    const char *value = g_getenv(name);

    if (value == NULL)
        fail_msg("%s is not set: run the tests through `make check`", name);
    return value;
}
