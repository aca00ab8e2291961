/* test_rng.c -- named streams: determinism, independence, distributions. */

#include <config.h>
#include "tests/test_util.h"

#include <math.h>
#include "sim/rng.h"

static void
test_rng_same_seed_and_name_give_the_same_stream(void **state)
{
    (void) state;
    KnRng a, b;

    kn_rng_init(&a, 1, "scheduler");
    kn_rng_init(&b, 1, "scheduler");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(kn_rng_next(&a), kn_rng_next(&b));
}

/* The first outputs of xoshiro256** from the state {1, 2, 3, 4}, as the
 * reference implementation (Blackman and Vigna) prints them. */
static void
test_rng_generator_matches_reference_xoshiro256starstar(void **state)
{
    (void) state;
    KnRng rng = { { 1, 2, 3, 4 } };
    const guint64 want[] = { 11520, 0, 1509978240, 1215971899390074240ULL };

    for (guint i = 0; i < G_N_ELEMENTS(want); i++)
        assert_int_equal(kn_rng_next(&rng), want[i]);
}

static void
test_rng_names_and_seeds_give_different_streams(void **state)
{
    (void) state;
    KnRng base, other_name, other_seed, prefix;

    kn_rng_init(&base, 1, "scheduler");
    kn_rng_init(&other_name, 1, "scheduler2");
    kn_rng_init(&other_seed, 2, "scheduler");
    kn_rng_init(&prefix, 1, "schedule");
    for (int i = 0; i < 4; i++) {
        guint64 x = kn_rng_next(&base);

        assert_int_not_equal(x, kn_rng_next(&other_name));
        assert_int_not_equal(x, kn_rng_next(&other_seed));
        assert_int_not_equal(x, kn_rng_next(&prefix));
    }
}

/* Two streams' outputs should look unrelated: over 100,000 pairs, the
 * fraction of equal low bits is 1/2 within a few standard deviations. */
static void
test_rng_streams_are_uncorrelated(void **state)
{
    (void) state;
    KnRng a, b;
    guint64 same = 0, n = 100000;

    kn_rng_init(&a, 5, "endpoint-pick/worker");
    kn_rng_init(&b, 5, "endpoint-pick/worker2");
    for (guint64 i = 0; i < n; i++)
        same += ((kn_rng_next(&a) ^ ~kn_rng_next(&b)) & 1);
    /* sd = sqrt(n/4) = 158; allow 5 sd. */
    assert_true(same > n / 2 - 790 && same < n / 2 + 790);
}

static void
test_rng_below_is_in_range_and_uniform(void **state)
{
    (void) state;
    KnRng rng;
    guint counts[6] = { 0 };
    const guint n = 600000;

    kn_rng_init(&rng, 9, "dice");
    for (guint i = 0; i < n; i++) {
        guint64 x = kn_rng_below(&rng, 6);

        assert_true(x < 6);
        counts[x]++;
    }
    /* Chi-squared with 5 degrees of freedom; 20.5 is the 0.999 quantile. */
    double chi2 = 0;
    for (int i = 0; i < 6; i++)
        chi2 += pow(counts[i] - n / 6.0, 2) / (n / 6.0);
    assert_true(chi2 < 20.5);
    assert_int_equal(kn_rng_below(&rng, 1), 0);
}

static void
test_rng_exponential_has_the_right_distribution(void **state)
{
    (void) state;
    KnRng rng;
    const int n = 1000000;
    double sum = 0;
    int above[4] = { 0 };
    const double edges[4] = { 0.1, 1.0, 3.0, 8.0 };   /* 8 is past the ziggurat's tail */

    kn_rng_init(&rng, 11, "arrivals");
    for (int i = 0; i < n; i++) {
        double x = kn_rng_exponential(&rng, 2.0);

        assert_true(x >= 0 && isfinite(x));
        sum += x;
        for (int e = 0; e < 4; e++)
            above[e] += x / 2.0 > edges[e];
    }
    /* Mean 2, sd of the mean 2/sqrt(n) = 0.002; allow 5 sd. */
    assert_true(fabs(sum / n - 2.0) < 0.01);
    for (int e = 0; e < 4; e++) {
        double p = exp(-edges[e]);
        double sd = sqrt(n * p * (1 - p));

        assert_true(fabs(above[e] - n * p) < 5 * sd + 1);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_same_seed_and_name_give_the_same_stream),
        cmocka_unit_test(test_rng_generator_matches_reference_xoshiro256starstar),
        cmocka_unit_test(test_rng_names_and_seeds_give_different_streams),
        cmocka_unit_test(test_rng_streams_are_uncorrelated),
        cmocka_unit_test(test_rng_below_is_in_range_and_uniform),
        cmocka_unit_test(test_rng_exponential_has_the_right_distribution),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
