/* svc-alloc.c -- the ClusterIP and NodePort allocators of svc-alloc.h.
 *
 * DOC: This is kube-apiserver's bitmap allocator, as the Service REST
 * storage uses it (reference/k8s-networking-facts.md section 6, K-ALLOC):
 *
 * - ipallocator.Range (pkg/registry/core/service/ipallocator/bitmap.go,
 *   New): offset 0 is the network address + 1; IPv4 loses the network and
 *   broadcast addresses (max = size - 2), IPv6 only the network address,
 *   with the range capped at 65536 addresses first.
 * - calculateRangeOffset (same file): the static band of KEP-3070 is
 *   min(max(16, size/16), 256) addresses, 0 if the CIDR has 16 or fewer.
 *   The port allocator's (portallocator/allocator.go) is
 *   min(max(16, size/32), 128), 0 for 16 ports or fewer: 86 by default.
 * - randomScanStrategyWithOffset (allocator/bitmap.go): a random start in
 *   the dynamic band [band, max), scanning up with wrap-around inside it;
 *   if that band is full, a second random start in [0, band), the same way.
 *   Explicit allocations may take any offset.  Release of a free or foreign
 *   value is a no-op.
 * - The range checks: kubeadm's ValidateServiceSubnetSize (at most 20 host
 *   bits) and the API server's ServiceIPRange (pkg/controlplane: at least 8
 *   addresses, counting at most 65536).
 * - Messages: ipallocator ErrAllocated, ErrNotInRange (the wording with the
 *   IP in parentheses, as a v1.2x API server prints it), portallocator
 *   ErrAllocated, ErrNotInRange, ErrFull; and the wrapping of
 *   pkg/registry/core/service/storage/alloc.go (allocIPs: "failed to
 *   allocate IP %v: %v", "failed to allocate a serviceIP: %v";
 *   initNodePorts: the bare error, "failed to allocate a nodePort: %v").
 *   GetIndexedIP is k8s.io/utils/net's, with its message.
 *
 * Simplified: Go draws from math/rand seeded by the clock; we draw from the
 * caller's KnRng, once for the dynamic band and once more only if it is
 * full, as Go does, so the same stream gives the same addresses.  There is
 * no etcd snapshot, no dry run, and not the IPAddress-object allocator of
 * MultiCIDRServiceAllocator (default from v1.33), whose bands and scan are
 * the same but whose out-of-range message is "the provided network does
 * not match the current range".
 *
 * The bitmap is one bit per offset in 64-bit words (128 KiB for a /12);
 * a scan skips a full word at a time, so finding a free offset in a mostly
 * empty range costs a word or two. */

#include <config.h>
#include "models/svc-alloc.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

/*****************************************************************************/
/* The bitmap and its two-band random scan, shared by both allocators. */

typedef struct {
    guint64 *words;              /* owned; bit i set = offset i allocated */
    guint max;                   /* offsets are [0, max) */
    guint band;                  /* the static band is [0, band) */
    guint count;                 /* bits set */
} Bitmap;

static void
bitmap_init(Bitmap *bits, guint max, guint band)
{
    bits->words = g_new0(guint64, (max + 63) / 64 + 1);
    bits->max = max;
    bits->band = band;
    bits->count = 0;
}

static gboolean
bitmap_test(const Bitmap *bits, guint at)
{
    return (bits->words[at / 64] >> (at % 64)) & 1;
}

/* Sets bit 'at'; FALSE if it was set already. */
static gboolean
bitmap_set(Bitmap *bits, guint at)
{
    if (bitmap_test(bits, at))
        return FALSE;
    bits->words[at / 64] |= G_GUINT64_CONSTANT(1) << (at % 64);
    bits->count++;
    return TRUE;
}

static void
bitmap_clear(Bitmap *bits, guint at)
{
    if (!bitmap_test(bits, at))
        return;
    bits->words[at / 64] &= ~(G_GUINT64_CONSTANT(1) << (at % 64));
    bits->count--;
}

/* The first clear bit in [from, to), or G_MAXUINT. */
static guint
first_clear(const Bitmap *bits, guint from, guint to)
{
    while (from < to) {
        guint i = from / 64;
        guint64 clear = ~bits->words[i] & (~G_GUINT64_CONSTANT(0) << (from % 64));

        if (clear != 0) {
            guint at = i * 64 + (guint) __builtin_ctzll(clear);

            return at < to ? at : G_MAXUINT;
        }
        from = (i + 1) * 64;
    }
    return G_MAXUINT;
}

/* The first clear bit scanning [lo, hi) from a random start with
 * wrap-around, or G_MAXUINT; one draw from 'rng'. */
static guint
scan_from_random(const Bitmap *bits, KnRng *rng, guint lo, guint hi)
{
    guint start = lo + (guint) kn_rng_below(rng, hi - lo);
    guint at = first_clear(bits, start, hi);

    return at != G_MAXUINT ? at : first_clear(bits, lo, start);
}

/* randomScanStrategyWithOffset.AllocateBit, then sets the bit found.
 * Returns the offset, or G_MAXUINT if the range is full. */
static guint
bitmap_allocate_next(Bitmap *bits, KnRng *rng)
{
    guint at = G_MAXUINT;

    if (bits->count >= bits->max)
        return G_MAXUINT;
    if (bits->max > bits->band)
        at = scan_from_random(bits, rng, bits->band, bits->max);
    if (at == G_MAXUINT && bits->band > 0)
        at = scan_from_random(bits, rng, 0, bits->band);
    g_assert(at != G_MAXUINT);   /* count < max leaves a clear bit */
    bitmap_set(bits, at);
    return at;
}

/* calculateRangeOffset of either allocator: min(max(16, size/step), cap),
 * 0 when 'size' is 16 or less. */
static guint
static_band(guint64 size, guint step, guint cap)
{
    if (size <= 16)
        return 0;
    return (guint) MIN(MAX(16, size / step), cap);
}

/*****************************************************************************/
/* Addresses */

/* The most host bits a service CIDR may have (kubeadm
 * constants.MaximumBitsForServiceSubnet; the API server's maxCIDRBits). */
#define MAX_HOST_BITS 20

typedef struct {
    int family;                  /* AF_INET or AF_INET6 */
    guint8 bytes[16];            /* network byte order; IPv4 uses 4 */
    guint len;                   /* 4 or 16 */
    guint prefix;                /* mask length */
} Cidr;

/* Parses "ADDRESS/PREFIX", clearing the host bits. */
static gboolean
parse_cidr(const char *text, Cidr *cidr, GError **error)
{
    const char *slash = strchr(text, '/');
    g_autofree char *address = slash != NULL ? g_strndup(text, (gsize) (slash - text)) : NULL;
    guint64 prefix;

    memset(cidr, 0, sizeof *cidr);
    if (address == NULL)
        goto bad;
    if (inet_pton(AF_INET, address, cidr->bytes) == 1)
        cidr->family = AF_INET, cidr->len = 4;
    else if (inet_pton(AF_INET6, address, cidr->bytes) == 1)
        cidr->family = AF_INET6, cidr->len = 16;
    else
        goto bad;
    if (!g_ascii_string_to_unsigned(slash + 1, 10, 0, cidr->len * 8, &prefix, NULL))
        goto bad;
    cidr->prefix = (guint) prefix;
    for (guint bit = cidr->prefix; bit < cidr->len * 8; bit++)
        cidr->bytes[bit / 8] &= (guint8) ~(0x80u >> (bit % 8));
    return TRUE;

bad:
    g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
    return FALSE;
}

/* Writes 'cidr' + 'offset' into 'out' (the same length); FALSE if that
 * carries out of the address. */
static gboolean
add_offset(const Cidr *cidr, guint64 offset, guint8 *out)
{
    unsigned __int128 carry = offset;

    memcpy(out, cidr->bytes, cidr->len);
    for (guint i = cidr->len; i-- > 0 && carry != 0;) {
        carry += out[i];
        out[i] = (guint8) carry;
        carry >>= 8;
    }
    return carry == 0;
}

/* Whether the address 'bytes' of 'cidr''s family has the prefix of 'cidr'. */
static gboolean
cidr_contains(const Cidr *cidr, const guint8 *bytes)
{
    for (guint bit = 0; bit < cidr->prefix; bit++) {
        guint8 mask = (guint8) (0x80u >> (bit % 8));

        if ((bytes[bit / 8] & mask) != (cidr->bytes[bit / 8] & mask))
            return FALSE;
    }
    return TRUE;
}

static char *
address_text(int family, const guint8 *bytes)
{
    char buf[INET6_ADDRSTRLEN];

    inet_ntop(family, bytes, buf, sizeof buf);
    return g_strdup(buf);
}

struct KnSvcIpAllocator {
    Cidr cidr;                   /* the service CIDR, host bits clear */
    char *cidr_text;             /* owned; "10.96.0.0/12" */
    Bitmap bits;                 /* offset 0 is the network address + 1 */
};

KnSvcIpAllocator *
kn_svc_alloc_ip_new(const char *cidr_text, GError **error)
{
    g_return_val_if_fail(cidr_text != NULL, NULL);

    g_autoptr(KnSvcIpAllocator) alloc = g_new0(KnSvcIpAllocator, 1);
    Cidr *cidr = &alloc->cidr;

    if (!parse_cidr(cidr_text, cidr, error))
        return NULL;

    guint bits = cidr->len * 8;
    guint host_bits = bits - cidr->prefix;

    if (host_bits > MAX_HOST_BITS) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "specified service subnet is too large; for %u-bit addresses, the mask must be >= %u",
                    bits, bits - MAX_HOST_BITS);
        return NULL;
    }
    /* RangeSize, capped at 1 << 16 in ServiceIPRange and, for IPv6, in New. */
    guint64 size = G_GUINT64_CONSTANT(1) << host_bits;
    if (size < 8) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "the service cluster IP range must be at least %d IP addresses", 8);
        return NULL;
    }

    guint64 max = size;
    if (cidr->family == AF_INET6)
        max = MIN(max, 65536);
    else
        max--;                   /* the broadcast address */
    max--;                       /* the network address */

    g_autofree char *network = address_text(cidr->family, cidr->bytes);
    alloc->cidr_text = g_strdup_printf("%s/%u", network, cidr->prefix);
    /* The band comes from the CIDR's size, before the cap and exclusions. */
    bitmap_init(&alloc->bits, (guint) max, static_band(size, 16, 256));
    return g_steal_pointer(&alloc);
}

void
kn_svc_alloc_ip_free(KnSvcIpAllocator *alloc)
{
    if (alloc == NULL)
        return;
    g_free(alloc->bits.words);
    g_free(alloc->cidr_text);
    g_free(alloc);
}

const char *
kn_svc_alloc_ip_get_cidr(const KnSvcIpAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, NULL);
    return alloc->cidr_text;
}

gboolean
kn_svc_alloc_ip_is_ipv6(const KnSvcIpAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, FALSE);
    return alloc->cidr.family == AF_INET6;
}

guint
kn_svc_alloc_ip_get_size(const KnSvcIpAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.max;
}

guint
kn_svc_alloc_ip_get_band(const KnSvcIpAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.band;
}

guint
kn_svc_alloc_ip_n_used(const KnSvcIpAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.count;
}

guint
kn_svc_alloc_ip_n_free(const KnSvcIpAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.max - alloc->bits.count;
}

/* The offset of 'ip' (parsed into 'bytes'), as Range.contains: FALSE if it
 * is of the other family, outside the CIDR, or one of the excluded
 * addresses. */
static gboolean
offset_of(const KnSvcIpAllocator *alloc, const guint8 *bytes, guint *offset)
{
    if (!cidr_contains(&alloc->cidr, bytes))
        return FALSE;
    /* At most MAX_HOST_BITS host bits, so the last four bytes hold them. */
    const guint8 *low = bytes + alloc->cidr.len - 4;
    guint32 host = ((guint32) low[0] << 24 | (guint32) low[1] << 16 | (guint32) low[2] << 8 | low[3])
                   & ((1u << (alloc->cidr.len * 8 - alloc->cidr.prefix)) - 1);

    if (host == 0 || host - 1 >= alloc->bits.max)
        return FALSE;
    *offset = host - 1;
    return TRUE;
}

/* Parses 'ip' as an address of the allocator's family. */
static gboolean
parse_ip(const KnSvcIpAllocator *alloc, const char *ip, guint8 *bytes)
{
    return inet_pton(alloc->cidr.family, ip, bytes) == 1;
}

char *
kn_svc_alloc_ip_allocate_next(KnSvcIpAllocator *alloc, KnRng *rng, GError **error)
{
    g_return_val_if_fail(alloc != NULL, NULL);
    g_return_val_if_fail(rng != NULL, NULL);

    guint at = bitmap_allocate_next(&alloc->bits, rng);
    guint8 bytes[16];

    if (at == G_MAXUINT) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "failed to allocate a serviceIP: range is full");
        return NULL;
    }
    add_offset(&alloc->cidr, (guint64) at + 1, bytes);
    return address_text(alloc->cidr.family, bytes);
}

gboolean
kn_svc_alloc_ip_allocate(KnSvcIpAllocator *alloc, const char *ip, GError **error)
{
    g_return_val_if_fail(alloc != NULL, FALSE);
    g_return_val_if_fail(ip != NULL, FALSE);

    guint8 bytes[16];
    guint offset;

    if (!parse_ip(alloc, ip, bytes)) {
        guint8 other[16];
        int family = alloc->cidr.family == AF_INET ? AF_INET6 : AF_INET;

        /* An address of the other family is out of range; text that is no
         * address at all gets the REST storage's parse error. */
        if (inet_pton(family, ip, other) != 1) {
            g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                        "failed to parse service IP \"%s\"", ip);
            return FALSE;
        }
        g_autofree char *canonical = address_text(family, other);
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "failed to allocate IP %s: the provided IP (%s) is not in the valid range. "
                    "The range of valid IPs is %s", ip, canonical, alloc->cidr_text);
        return FALSE;
    }
    if (!offset_of(alloc, bytes, &offset)) {
        g_autofree char *canonical = address_text(alloc->cidr.family, bytes);

        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "failed to allocate IP %s: the provided IP (%s) is not in the valid range. "
                    "The range of valid IPs is %s", ip, canonical, alloc->cidr_text);
        return FALSE;
    }
    if (!bitmap_set(&alloc->bits, offset)) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "failed to allocate IP %s: provided IP is already allocated", ip);
        return FALSE;
    }
    return TRUE;
}

void
kn_svc_alloc_ip_release(KnSvcIpAllocator *alloc, const char *ip)
{
    g_return_if_fail(alloc != NULL);
    g_return_if_fail(ip != NULL);

    guint8 bytes[16];
    guint offset;

    if (parse_ip(alloc, ip, bytes) && offset_of(alloc, bytes, &offset))
        bitmap_clear(&alloc->bits, offset);
}

gboolean
kn_svc_alloc_ip_has(const KnSvcIpAllocator *alloc, const char *ip)
{
    g_return_val_if_fail(alloc != NULL, FALSE);
    g_return_val_if_fail(ip != NULL, FALSE);

    guint8 bytes[16];
    guint offset;

    return parse_ip(alloc, ip, bytes) && offset_of(alloc, bytes, &offset)
           && bitmap_test(&alloc->bits, offset);
}

char *
kn_svc_alloc_indexed_ip(const char *cidr_text, guint64 index, GError **error)
{
    g_return_val_if_fail(cidr_text != NULL, NULL);

    Cidr cidr;
    guint8 bytes[16];

    if (!parse_cidr(cidr_text, &cidr, error))
        return NULL;
    if (!add_offset(&cidr, index, bytes) || !cidr_contains(&cidr, bytes)) {
        g_autofree char *network = address_text(cidr.family, cidr.bytes);

        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "can't generate IP with index %" G_GUINT64_FORMAT
                    " from subnet. subnet too small. subnet: \"%s/%u\"", index, network, cidr.prefix);
        return NULL;
    }
    return address_text(cidr.family, bytes);
}

/*****************************************************************************/
/* NodePorts */

struct KnSvcPortAllocator {
    guint base;                  /* the first port */
    char *range_text;            /* owned; "30000-32767" */
    Bitmap bits;                 /* offset 0 is 'base' */
};

KnSvcPortAllocator *
kn_svc_alloc_port_new(guint base, guint size, GError **error)
{
    if (size == 0 || base > 65535 || size > 65536 - base) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "invalid port range: %u ports from %u", size, base);
        return NULL;
    }

    KnSvcPortAllocator *alloc = g_new0(KnSvcPortAllocator, 1);

    alloc->base = base;
    alloc->range_text = g_strdup_printf("%u-%u", base, base + size - 1);
    bitmap_init(&alloc->bits, size, static_band(size, 32, 128));
    return alloc;
}

void
kn_svc_alloc_port_free(KnSvcPortAllocator *alloc)
{
    if (alloc == NULL)
        return;
    g_free(alloc->bits.words);
    g_free(alloc->range_text);
    g_free(alloc);
}

const char *
kn_svc_alloc_port_get_range(const KnSvcPortAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, NULL);
    return alloc->range_text;
}

guint
kn_svc_alloc_port_get_size(const KnSvcPortAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.max;
}

guint
kn_svc_alloc_port_get_band(const KnSvcPortAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.band;
}

guint
kn_svc_alloc_port_n_used(const KnSvcPortAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.count;
}

guint
kn_svc_alloc_port_n_free(const KnSvcPortAllocator *alloc)
{
    g_return_val_if_fail(alloc != NULL, 0);
    return alloc->bits.max - alloc->bits.count;
}

/* PortRange.Contains, and the offset of 'port'. */
static gboolean
port_offset(const KnSvcPortAllocator *alloc, gint64 port, guint *offset)
{
    if (port < alloc->base || port - alloc->base >= alloc->bits.max)
        return FALSE;
    *offset = (guint) (port - alloc->base);
    return TRUE;
}

guint
kn_svc_alloc_port_allocate_next(KnSvcPortAllocator *alloc, KnRng *rng, GError **error)
{
    g_return_val_if_fail(alloc != NULL, 0);
    g_return_val_if_fail(rng != NULL, 0);

    guint at = bitmap_allocate_next(&alloc->bits, rng);

    if (at == G_MAXUINT) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "failed to allocate a nodePort: range is full");
        return 0;
    }
    return alloc->base + at;
}

gboolean
kn_svc_alloc_port_allocate(KnSvcPortAllocator *alloc, gint64 port, GError **error)
{
    g_return_val_if_fail(alloc != NULL, FALSE);

    guint offset;

    if (!port_offset(alloc, port, &offset)) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "provided port is not in the valid range. The range of valid ports is %s",
                    alloc->range_text);
        return FALSE;
    }
    if (!bitmap_set(&alloc->bits, offset)) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                    "provided port is already allocated");
        return FALSE;
    }
    return TRUE;
}

void
kn_svc_alloc_port_release(KnSvcPortAllocator *alloc, gint64 port)
{
    g_return_if_fail(alloc != NULL);

    guint offset;

    if (port_offset(alloc, port, &offset))
        bitmap_clear(&alloc->bits, offset);
}

gboolean
kn_svc_alloc_port_has(const KnSvcPortAllocator *alloc, gint64 port)
{
    g_return_val_if_fail(alloc != NULL, FALSE);

    guint offset;

    return port_offset(alloc, port, &offset) && bitmap_test(&alloc->bits, offset);
}
