/* fuzz_scenario.c -- a libFuzzer harness on the scenario loader: every input
 * is loaded as a scenario file from memory, and must give either a scenario
 * or one GError, never a crash, a leak or a sanitizer report.  `make fuzz`
 * builds and runs it (tests/fuzz/automake.mk). */

#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "models/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    /* A failed g_return_if_fail() or a GError set twice is a bug too: make
     * glib's criticals and warnings abort, so that libFuzzer reports them. */
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    KnScenario *scenario;

    /* libFuzzer never passes NULL, but the loader accepts NULL for no bytes:
     * try that too. */
    scenario = kn_scenario_load_data("fuzz.yaml", size > 0 ? (const char *) data : NULL, size, &error);

    /* Exactly one of the two. */
    if ((scenario == NULL) == (error == NULL))
        g_error("kn_scenario_load_data() returned %s", scenario != NULL ? "a scenario and an error"
                                                                        : "neither a scenario nor an error");
    kn_scenario_free(scenario);
    g_clear_error(&error);
    return 0;
}
