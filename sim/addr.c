/* addr.c -- IPv4/IPv6 addresses and prefixes (addr.h). */

#include <config.h>
#include "sim/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

gboolean
kn_addr_parse(const char *text, KnAddr *addr)
{
    memset(addr, 0, sizeof *addr);
    if (text == NULL)
        return FALSE;
    if (strchr(text, ':') != NULL) {
        if (inet_pton(AF_INET6, text, addr->bytes) != 1)
            return FALSE;
        addr->family = 6;
        return TRUE;
    }
    if (inet_pton(AF_INET, text, addr->bytes) != 1)
        return FALSE;
    addr->family = 4;
    return TRUE;
}

KnAddr
kn_addr_ipv4(guint32 value)
{
    KnAddr addr = { .family = 4 };

    addr.bytes[0] = value >> 24;
    addr.bytes[1] = value >> 16;
    addr.bytes[2] = value >> 8;
    addr.bytes[3] = value;
    return addr;
}

char *
kn_addr_format(const KnAddr *addr, char *buf)
{
    buf[0] = '\0';
    if (addr->family == 4)
        inet_ntop(AF_INET, addr->bytes, buf, KN_ADDR_STRLEN);
    else if (addr->family == 6)
        inet_ntop(AF_INET6, addr->bytes, buf, KN_ADDR_STRLEN);
    return buf;
}

char *
kn_addr_to_string(const KnAddr *addr)
{
    char buf[KN_ADDR_STRLEN];

    return g_strdup(kn_addr_format(addr, buf));
}

static guint
addr_size(const KnAddr *addr)
{
    return addr->family == 6 ? 16 : addr->family == 4 ? 4 : 0;
}

guint
kn_addr_hash_bytes(const KnAddr *addr)
{
    guint hash = 2166136261u ^ addr->family;

    for (guint i = 0; i < addr_size(addr); i++)
        hash = (hash ^ addr->bytes[i]) * 16777619u;
    return hash;
}

int
kn_addr_compare(const KnAddr *a, const KnAddr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->bytes, b->bytes, addr_size(a));
}

gboolean
kn_addr_is_loopback_bytes(const KnAddr *addr)
{
    static const guint8 v6_loopback[16] = { [15] = 1 };

    return addr->family == 6 && memcmp(addr->bytes, v6_loopback, 16) == 0;
}

/* Clears the bits of 'addr' past the first 'len'. */
static void
mask_bits(KnAddr *addr, guint len)
{
    for (guint i = 0; i < addr_size(addr); i++) {
        if (len >= 8) {
            len -= 8;
            continue;
        }
        addr->bytes[i] &= (guint8) (0xff00 >> len);
        len = 0;
    }
}

gboolean
kn_cidr_parse(const char *text, KnCidr *cidr)
{
    const char *slash = text != NULL ? strchr(text, '/') : NULL;
    char address[64];            /* longer than any address literal */
    guint64 len;

    memset(cidr, 0, sizeof *cidr);
    if (text == NULL)
        return FALSE;
    if (slash != NULL) {
        gsize n = (gsize) (slash - text);

        if (n >= sizeof address)
            return FALSE;
        memcpy(address, text, n);
        address[n] = '\0';
    }
    if (!kn_addr_parse(slash != NULL ? address : text, &cidr->addr))
        return FALSE;
    len = addr_size(&cidr->addr) * 8;
    if (slash != NULL) {
        char *end;

        if (!g_ascii_isdigit(slash[1]))
            return FALSE;
        guint64 given = g_ascii_strtoull(slash + 1, &end, 10);

        if (*end != '\0' || given > len)
            return FALSE;
        len = given;
    }
    cidr->len = (guint8) len;
    mask_bits(&cidr->addr, cidr->len);
    return TRUE;
}

gboolean
kn_cidr_contains_bytes(const KnCidr *cidr, const KnAddr *addr)
{
    KnAddr masked = *addr;

    if (addr->family != cidr->addr.family)
        return FALSE;
    mask_bits(&masked, cidr->len);
    return kn_addr_equal(&masked, &cidr->addr);
}

char *
kn_cidr_format(const KnCidr *cidr, char *buf)
{
    char addr[KN_ADDR_STRLEN];

    sprintf(buf, "%s/%u", kn_addr_format(&cidr->addr, addr), cidr->len);
    return buf;
}
