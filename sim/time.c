/* time.c -- parsing and printing simulated durations for time.h. */

#include <config.h>
#include "sim/time.h"

#include <string.h>
#include "sim/diag.h"

static const struct {
    const char *suffix;
    KnTime unit;
} units[] = {
    /* Longest suffix first, so that "ms" is not read as "m" then "s". */
    { "ns", KN_NSEC },
    { "us", KN_USEC },
    { "µs", KN_USEC },
    { "ms", KN_MSEC },
    { "s", KN_SEC },
    { "m", 60 * KN_SEC },
    { "h", 3600 * KN_SEC },
};

/* Adds 'whole.frac' times 'unit' to '*total'; FALSE on overflow. */
static gboolean
add_scaled(KnTime *total, guint64 whole, const char *frac, gsize n_frac, KnTime unit)
{
    KnTime part, sub = 0, scale = unit;

    if (whole > 0 && unit > G_MAXUINT64 / whole)
        return FALSE;
    part = whole * unit;
    /* The fraction, digit by digit, truncated below a nanosecond. */
    for (gsize i = 0; i < n_frac && scale >= 10; i++) {
        scale /= 10;
        sub += (KnTime) (frac[i] - '0') * scale;
    }
    if (part > G_MAXUINT64 - sub || part + sub > G_MAXUINT64 - *total)
        return FALSE;
    *total += part + sub;
    return TRUE;
}

gboolean
kn_time_parse(const char *text, KnTime *out, GError **error)
{
    g_return_val_if_fail(text != NULL, FALSE);

    const char *p = text;
    KnTime total = 0;

    if (strcmp(text, "0") == 0) {
        *out = 0;
        return TRUE;
    }
    if (*p == '\0')
        goto bad;
    while (*p != '\0') {
        guint64 whole = 0;
        const char *frac = NULL;
        gsize n_frac = 0, n_digits = 0;
        gsize i;

        for (; g_ascii_isdigit(*p); p++, n_digits++) {
            if (whole > (G_MAXUINT64 - 9) / 10)
                goto overflow;
            whole = whole * 10 + (guint64) (*p - '0');
        }
        if (*p == '.') {
            frac = ++p;
            for (; g_ascii_isdigit(*p); p++)
                n_frac++;
        }
        if (n_digits + n_frac == 0)
            goto bad;
        for (i = 0; i < G_N_ELEMENTS(units); i++)
            if (g_str_has_prefix(p, units[i].suffix))
                break;
        if (i == G_N_ELEMENTS(units))
            goto bad;
        if (!add_scaled(&total, whole, frac, n_frac, units[i].unit))
            goto overflow;
        p += strlen(units[i].suffix);
    }
    *out = total;
    return TRUE;

bad:
    g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                "invalid duration '%s' (expected a number with a unit, such as 3s, 250ms or 1m30s)",
                text);
    return FALSE;
overflow:
    g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                "duration '%s' is too long", text);
    return FALSE;
}

char *
kn_time_format(KnTime t)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT ".%03" G_GUINT64_FORMAT "s",
                           t / KN_SEC, (t % KN_SEC) / KN_MSEC);
}
