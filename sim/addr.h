/* addr.h -- IPv4 and IPv6 addresses and prefixes as small values.
 *
 * The data path compares, hashes and rewrites addresses on every packet, so
 * they are plain structs (no allocation, no GInetAddress); text conversion
 * follows inet_pton/inet_ntop (RFC 5952 for IPv6 output). */
#pragma once

#include <glib.h>
#include <string.h>

#define KN_ADDR_STRLEN 46        /* INET6_ADDRSTRLEN */

typedef struct KnAddr {
    guint8 family;               /* 4 or 6; 0 for "no address" */
    guint8 bytes[16];            /* network order; IPv4 uses the first 4 */
} KnAddr;

typedef struct KnCidr {
    KnAddr addr;                 /* the network address (host bits cleared) */
    guint8 len;                  /* prefix length */
} KnCidr;

/* Parses an IPv4 or IPv6 literal; FALSE (and 'addr' zeroed) if it is not one. */
gboolean kn_addr_parse(const char *text, KnAddr *addr);
/* An IPv4 address from its 32-bit value in host order (10.0.0.1 = 0x0a000001). */
KnAddr kn_addr_ipv4(guint32 value);
/* The IPv4 value in host order; 0 for IPv6.  Inline, as the next ones:
 * routing asks on every packet. */
static inline guint32
kn_addr_ipv4_value(const KnAddr *addr)
{
    if (addr->family != 4)
        return 0;
    return (guint32) addr->bytes[0] << 24 | (guint32) addr->bytes[1] << 16
           | (guint32) addr->bytes[2] << 8 | addr->bytes[3];
}
/* Writes the text form into 'buf' (at least KN_ADDR_STRLEN bytes) and
 * returns 'buf'; "" for family 0. */
char *kn_addr_format(const KnAddr *addr, char *buf);
/* As kn_addr_format(), new; g_free(). */
char *kn_addr_to_string(const KnAddr *addr);
/* Inline: the data path compares addresses on every packet. */
static inline gboolean
kn_addr_equal(const KnAddr *a, const KnAddr *b)
{
    guint32 x, y;

    if (a->family != b->family)
        return FALSE;
    if (a->family != 4)
        return memcmp(a->bytes, b->bytes, a->family == 6 ? 16 : 0) == 0;
    memcpy(&x, a->bytes, 4);
    memcpy(&y, b->bytes, 4);
    return x == y;
}
/* kn_addr_hash()'s IPv6 half. */
guint kn_addr_hash_bytes(const KnAddr *addr);
/* FNV-1a of the family and the bytes. */
static inline guint
kn_addr_hash(const KnAddr *addr)
{
    guint hash = 2166136261u ^ addr->family;

    if (addr->family != 4)
        return kn_addr_hash_bytes(addr);
    hash = (hash ^ addr->bytes[0]) * 16777619u;
    hash = (hash ^ addr->bytes[1]) * 16777619u;
    hash = (hash ^ addr->bytes[2]) * 16777619u;
    return (hash ^ addr->bytes[3]) * 16777619u;
}
int kn_addr_compare(const KnAddr *a, const KnAddr *b);  /* numeric, IPv4 first */
/* kn_addr_is_loopback()'s IPv6 half. */
gboolean kn_addr_is_loopback_bytes(const KnAddr *addr);
/* 127/8, ::1. */
static inline gboolean
kn_addr_is_loopback(const KnAddr *addr)
{
    if (addr->family == 4)
        return addr->bytes[0] == 127;
    return kn_addr_is_loopback_bytes(addr);
}

/* Parses "10.244.0.0/16" (a bare address is a /32 or /128); host bits are
 * cleared.  FALSE if malformed. */
gboolean kn_cidr_parse(const char *text, KnCidr *cidr);
/* kn_cidr_contains()'s IPv6 half (and IPv4 prefixes over 32 bits). */
gboolean kn_cidr_contains_bytes(const KnCidr *cidr, const KnAddr *addr);
/* Whether 'addr' is in 'cidr'.  Inline: routing asks on every packet. */
static inline gboolean
kn_cidr_contains(const KnCidr *cidr, const KnAddr *addr)
{
    if (addr->family != cidr->addr.family)
        return FALSE;
    if (addr->family == 4 && cidr->len <= 32) {
        /* The test on the 32-bit values (network order in memory). */
        guint32 mask = cidr->len == 0 ? 0 : ~0u << (32 - cidr->len);
        guint32 x, y;

        memcpy(&x, addr->bytes, 4);
        memcpy(&y, cidr->addr.bytes, 4);
        return (GUINT32_FROM_BE(x) & mask) == GUINT32_FROM_BE(y);
    }
    return kn_cidr_contains_bytes(cidr, addr);
}
/* "10.244.0.0/16"; 'buf' at least KN_ADDR_STRLEN + 4 bytes. */
char *kn_cidr_format(const KnCidr *cidr, char *buf);
