/* json.c -- JSON strings of json.h.
 *
 * DOC: What Go's encoding/json (encode.go appendString) does to a string
 * in json.Marshal, which the API server, the controllers and kubectl's
 * jsonpath printer all go through:
 * - '"' and '\\' get a backslash; '\n', '\r', '\t', and since Go 1.22 '\b'
 *   and '\f', get their short escapes; other bytes below 0x20 get \u00XX.
 * - HTML-safe: '<', '>' and '&' become \u003c, \u003e and \u0026.
 * - U+2028 and U+2029, valid JSON but line breaks to JavaScript, become
 *   \u2028 and \u2029.
 *
 * Simplified: invalid UTF-8 is copied as it is (Go writes U+FFFD). */

#include <config.h>
#include "models/json.h"

void
kn_json_string(GString *out, const char *text)
{
    static const char hex[] = "0123456789abcdef";

    g_string_append_c(out, '"');
    for (const guchar *p = (const guchar *) (text != NULL ? text : ""); *p != '\0'; p++) {
        /* Copy a run of characters that need no escape at once. */
        const guchar *run = p;

        while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\' && *p != '<' && *p != '>' && *p != '&')
            p++;
        if (p > run)
            g_string_append_len(out, (const char *) run, p - run);
        if (*p == '\0')
            break;
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '<':
        case '>':
        case '&':
            g_string_append_printf(out, "\\u00%c%c", hex[*p >> 4], hex[*p & 0xf]);
            break;
        default:
            if (*p < 0x20) {
                g_string_append_printf(out, "\\u00%c%c", hex[*p >> 4], hex[*p & 0xf]);
            } else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
                /* U+2028 and U+2029 break JavaScript; Go escapes them. */
                g_string_append_printf(out, "\\u202%c", p[2] == 0xa8 ? '8' : '9');
                p += 2;
            } else {
                g_string_append_c(out, (char) *p);
            }
        }
    }
    g_string_append_c(out, '"');
}

gsize
kn_json_string_length(const char *text)
{
    gsize n = 2;                         /* the quotes */

    for (const guchar *p = (const guchar *) (text != NULL ? text : ""); *p != '\0'; p++) {
        switch (*p) {
        case '"':
        case '\\':
        case '\n':
        case '\r':
        case '\t':
        case '\b':
        case '\f':
            n += 2;
            break;
        case '<':
        case '>':
        case '&':
            n += 6;
            break;
        default:
            if (*p < 0x20) {
                n += 6;
            } else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
                n += 6;
                p += 2;
            } else {
                n++;
            }
        }
    }
    return n;
}
