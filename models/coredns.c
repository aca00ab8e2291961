/* coredns.c -- one CoreDNS pod's server (coredns.h).
 *
 * DOC: CoreDNS v1.11 as kubeadm deploys it
 *
 * The Corefile is read from the kube-system/coredns ConfigMap (key
 * "Corefile") and tokenised as coredns/caddy caddyfile/parse.go does: server
 * blocks of keys (".:53") and directives, one per line, each with an
 * optional `{ ... }` block.  A directive outside CoreDNS's plugin.cfg is
 * refused with the parser's own message, "FILE:LINE - Error during parsing:
 * Unknown directive 'NAME'" (caddyfile Dispenser.Err); plugin setup errors
 * are wrapped "plugin/NAME: ..." (plugin.Error).
 *
 * A query walks the plugins of its server block in plugin.cfg order, not
 * the order of the Corefile: loadbalance, cache, rewrite, autopath, hosts,
 * kubernetes, forward.  What each does here, with its source:
 *
 * - kubernetes (plugin/kubernetes handler.go ServeDNS, parse.go
 *   parseRequest, kubernetes.go Services/Records/findServices/findPods,
 *   reverse.go, autopath.go; plugin/backend_lookup.go A/AAAA/SRV/PTR/TXT/SOA
 *   and BackendError; reference section 7): names are parsed right to left
 *   as svc|pod, namespace, service, then one endpoint label or two
 *   `_port._proto` labels; ClusterIP Services answer their clusterIPs,
 *   headless ones their ready endpoints (EndpointSlices with ready true,
 *   which the EndpointSlice controller also sets for publishNotReadyAddresses),
 *   ExternalName a CNAME whose target CoreDNS then looks up through its
 *   own plugin chain (plugin/pkg/upstream: the server is asked again, so
 *   example.com goes through cache and forward and the reply carries the
 *   CNAME and the target's addresses).  SRV weights are
 *   floor(100 / (100 * n) * 100) with n counted before duplicates are
 *   dropped.  A name that does not exist is NXDOMAIN, an existing name
 *   without records of the type NODATA; both carry the SOA
 *   "ZONE min(ttl,300) IN SOA ns.dns.ZONE hostmaster.ZONE SERIAL 7200 1800
 *   86400 ttl" and AA.  The serial is the Unix time (from the fixed epoch
 *   2024-01-01, as kn_proxy_ir_date) of the last Service, EndpointSlice or
 *   Namespace change (APIConn.Modified).  `fallthrough ZONES` hands
 *   NXDOMAIN cases to the next plugin.  Replies have AA set and RA clear
 *   (dig warns "recursion requested but not available").
 * - forward: names outside the kubernetes zones go to the scenario's
 *   external.dns, which answers its names' A/AAAA records (TTL 300) and
 *   NXDOMAIN for the rest, with RA set and AA clear as a recursive resolver
 *   would; the caller adds the round trip (twice network.external).  A
 *   server told to (kn_coredns_set_network_forward(): node-local-dns) sends
 *   a forward to an IP address over the data path instead, as
 *   plugin/pkg/proxy connect.go lookupDNS does: the request as received
 *   under a new random id (dns.Id()), over TCP with `force_tcp`, UDP with
 *   `prefer_udp`, else the client's protocol; the reply goes back under
 *   the client's id, and no reply is SERVFAIL.  forward's other options
 *   are accepted; an unknown one is "unknown property".
 * - bind (plugin/bind): the addresses a server block listens on.
 * - cache (plugin/cache cache.go, item.go): keyed by (qname lower-cased,
 *   qtype, DO, CD); TTL = the reply's minimal TTL (NXDOMAIN/NODATA: the
 *   SOA's) clamped to [5, 3600] for answers and [5, 1800] for denials, or
 *   to `cache N`; every record of the reply then carries that TTL, and a
 *   hit carries what is left of it (whole seconds) with AA set.  SERVFAIL
 *   is kept 5 s; truncated replies are not kept.
 * - loadbalance (plugin/loadbalance loadbalance.go roundRobinShuffle): A
 *   and AAAA records are shuffled with draws from the stream
 *   "coredns/<pod>" and moved after CNAMEs, in answer and additional.
 * - autopath @kubernetes (plugin/autopath autopath.go, cname.go;
 *   kubernetes autopath.go): with `pods verified`, a name ending in the
 *   client pod's first search domain is tried with each of
 *   NS.svc.ZONE, svc.ZONE, ZONE and "" in turn; the first reply other
 *   than NXDOMAIN is returned with a CNAME from the asked name prepended.
 * - rewrite name exact|prefix|suffix|substring|regex FROM TO [answer auto]:
 *   the question is rewritten on the way in and restored on the way out.
 * - hosts: inline entries answer A/AAAA/PTR (TTL 3600); a name in its
 *   zones without entries is SERVFAIL unless `fallthrough`.
 * - The reply gets an OPT record when the query had one (request.SizeAndDo:
 *   the query's own, with the options of request/edns0.go supportedOptions,
 *   NSID, EXPIRE, COOKIE, TCP-KEEPALIVE and PADDING, copied back)
 *   and is truncated to 512 bytes, the EDNS0 size, or 65535 over TCP, then
 *   sent uncompressed when it fits so (request.Scrub, miekg Msg.Truncate).
 *
 * Simplified: errors, health, ready, prometheus, loop, reload, log and the
 * other plugins are accepted and do nothing; reload is kn_coredns_reload();
 * the forward plugin has one upstream, the scenario's, whatever the
 * Corefile names; upstream denials carry the root zone's SOA; the cache
 * evicts its oldest entry when full (CoreDNS picks one at random) and
 * never prefetches or serves stale; autopath's list ends without CoreDNS's
 * own resolv.conf search domains (the scenario's nodes have none); the
 * upstream's reply is taken to carry an OPT without options (the real one
 * is whatever the upstream resolver sends); there is no informer sync
 * delay (no SERVFAIL before sync); a forward over the data path dials a
 * connection per query (forward keeps a pool of persistent connections,
 * `expire 10s`) and one query has at most one such forward; bind's
 * interface names and `except` are not read. */

#include <config.h>
#include "models/coredns.h"

#include <string.h>
#include "models/api.h"
#include "models/images.h"
#include "models/store.h"
#include "sim/spares.h"

G_DEFINE_QUARK(kn-coredns-error-quark, kn_coredns_error)

#define COREFILE_PATH "/etc/coredns/Corefile"  /* kubeadm's -conf argument */
/* The serial is the Unix time of the last change (updateModified()), on
 * the pods' clock: the one dig's ";; WHEN:" shows. */
#define EPOCH KN_IMAGES_EPOCH
#define DNS_SCHEMA_VERSION "1.1.0"  /* kubernetes plugin DNSSchemaVersion */
#define UPSTREAM_TTL 300            /* external.dns answers */
#define MAX_DEPTH 8                 /* upstream lookups within one query */

/*****************************************************************************/
/* Configuration. */

typedef enum {
    PODS_DISABLED,
    PODS_INSECURE,
    PODS_VERIFIED,
} PodsMode;

/* `fallthrough [ZONES...]` of kubernetes and hosts. */
typedef struct Fall {
    gboolean on;
    GPtrArray *zones;            /* char *, canonical; empty: every name */
} Fall;

typedef struct Kubernetes {
    GPtrArray *zones;            /* char *, canonical ("cluster.local", "in-addr.arpa") */
    PodsMode pods;
    Fall fall;
    guint32 ttl;                 /* 5 unless `ttl` */
    gboolean endpoint_pod_names;
} Kubernetes;

typedef enum {
    REWRITE_EXACT,
    REWRITE_PREFIX,
    REWRITE_SUFFIX,
    REWRITE_SUBSTRING,
    REWRITE_REGEX,
} RewriteKind;

typedef struct Rewrite {
    RewriteKind kind;
    char *from;                  /* lower case, no final dot (exact) */
    char *to;
    GRegex *regex;               /* REWRITE_REGEX */
    gboolean answer_auto;        /* rewrite answer names back */
} Rewrite;

typedef struct HostsEntry {
    KnAddr addr;
    char *name;                  /* canonical */
} HostsEntry;

typedef struct Hosts {
    GPtrArray *zones;            /* canonical; empty: the server block's */
    GPtrArray *entries;          /* HostsEntry */
    Fall fall;
    guint32 ttl;                 /* 3600 unless `ttl` */
    gboolean no_reverse;
} Hosts;

typedef struct Block {
    GPtrArray *zones;            /* the keys' zones, canonical ("" is the root) */
    guint port;
    Kubernetes *kubernetes;      /* NULL if not configured */
    GPtrArray *forward_to;       /* char *: the upstreams; NULL: no forward */
    char *forward_from;          /* canonical */
    gboolean force_tcp;          /* forward's force_tcp: TCP whatever the client used */
    gboolean prefer_udp;         /* forward's prefer_udp: UDP whatever the client used */
    GPtrArray *binds;            /* char *: bind's addresses; empty: every address */
    gboolean cache;
    guint32 cache_pttl, cache_nttl;  /* caps: 3600 and 1800 unless `cache N` */
    guint cache_capacity;        /* per kind, 9984 */
    gboolean loadbalance;
    gboolean autopath;           /* autopath @kubernetes */
    GPtrArray *rewrites;         /* Rewrite */
    Hosts *hosts;                /* NULL if not configured */
} Block;

typedef struct Config {
    GPtrArray *blocks;           /* Block */
} Config;

/*****************************************************************************/
/* The server. */

/* A reply the cache plugin gave, as it was sent.  While its cache entry
 * lives, the reply to the same query bytes (but the id) over UDP from a
 * client of the same family depends on nothing but what is left of the
 * entry's TTL: kn_coredns_answer_again() sends it again with the new id
 * and TTLs instead of walking the server.  The server's RepeatTable owns
 * it; its entry drops it as it goes. */
#define REPEAT_MAX_QUERY 512     /* longer queries are answered the long way */
#define REPEAT_MAX_TTLS 16       /* records of a reply kept this way */
#define REPEATS_PER_ITEM 4       /* shapes of query kept for one entry */

/* One block, so that a repeat reads one place: what it checks and sends
 * back (its entry's age included) comes first, then the bytes. */
typedef struct Repeat {
    KnTime stored;               /* the entry's 'stored' and 'ttl', as it has them */
    guint32 ttl;
    guint32 hash;                /* repeat_hash() of the query */
    guint16 key_length;          /* the query's bytes from its flags on */
    guint16 reply_length;
    guint8 family;               /* the client's; 0 for none */
    guint8 n_ttls;
    guint truncated : 1;         /* for the counters */
    guint nxdomain : 1;
    guint16 ttls[REPEAT_MAX_TTLS];   /* offsets of the reply's TTLs (not the OPT's) */
    guint8 bytes[];              /* the key, then the reply */
} Repeat;

/* The server's repeats by query: open addressing with linear probing, at
 * most half full, each slot with the hash so that a probe reads the
 * repeat only when the hash matches.  Nothing walks it in order. */
typedef struct RepeatSlot {
    guint32 hash;
    Repeat *repeat;              /* owned; NULL: empty */
} RepeatSlot;

typedef struct RepeatTable {
    RepeatSlot *slots;           /* 'mask' + 1 of them, or NULL before the first */
    guint mask;
    guint n;                     /* repeats in it */
} RepeatTable;

typedef struct CacheItem {
    char *key;                   /* owned; also the hash table's key */
    KnDnsMessage *reply;         /* TTLs already set to 'ttl' */
    KnTime stored;
    guint32 ttl;
    Repeat *repeats[REPEATS_PER_ITEM];   /* made from it (the server's) */
    guint n_repeats;
} CacheItem;

struct KnCoreDns {
    KnCluster *cluster;          /* borrowed */
    char *pod;
    Config *config;
    KnRng *rng;                  /* borrowed from the sim: "coredns/<pod>" */
    GHashTable *cache;           /* key -> CacheItem (owned) */
    RepeatTable repeats;         /* replies to send again, by query */
    GQueue cache_order;          /* CacheItem, oldest first, for eviction */
    KnTime modified;             /* last watched change */
    char *corefile;              /* the Corefile given to kn_coredns_new_from_corefile(),
                                  * or NULL: the kube-system/coredns ConfigMap's */
    char *corefile_path;         /* its name in messages */
    gboolean network_forward;    /* forward to an address goes over the data path */
    gboolean has_resolv_conf;    /* forward to /etc/resolv.conf goes over the data path, */
    KnAddr resolv_conf;          /* to this, the first nameserver of the pod's resolv.conf */
    KnRng *ids;                  /* borrowed: "coredns/<pod>/forward", upstream query ids */
    KnCoreDnsStats stats;
};

/* One query's walk through the server. */
typedef struct Ctx {
    KnCoreDns *cd;
    const KnAddr *client;
    gboolean tcp;                /* the client asked over TCP */
    const char *plugin;          /* who wrote the last reply */
    const char *upstream;        /* the forward target asked, or NULL */
    gboolean forwarded;
    gboolean upstream_opt;       /* the reply is forward's as it came, with the upstream's OPT */
    gboolean cached;
    CacheItem *hit;              /* the cache entry 'cached' came from */
    gboolean drew;               /* loadbalance drew from the RNG */
    gboolean autopath;
    guint n_internal;
    guint depth;
    /* A forward over the data path (kn_coredns_set_network_forward()). */
    gboolean resuming;           /* the second walk, with the upstream's reply */
    const KnDnsMessage *upstream_reply; /* resuming: the reply, or NULL if none came */
    KnDnsMessage *pending;       /* first walk: the query to send upstream; owned */
    KnAddr pending_to;
    gboolean pending_tcp;
} Ctx;

/*****************************************************************************/
/* Corefile parsing. */

typedef struct Token {
    char *text;
    guint line;
} Token;

static void
token_free(Token *t)
{
    g_free(t->text);
    g_free(t);
}

/* caddyfile lexer: words split on white space, "#" comments to the end of
 * the line, double quotes group (with \" inside). */
static GPtrArray *
lex(const char *text)
{
    GPtrArray *tokens = g_ptr_array_new_with_free_func((GDestroyNotify) token_free);
    guint line = 1;
    const char *p = text;

    while (*p) {
        if (*p == '\n') {
            line++;
            p++;
            continue;
        }
        if (g_ascii_isspace(*p)) {
            p++;
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        Token *t = g_new0(Token, 1);
        GString *word = g_string_new(NULL);

        t->line = line;
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1] == '"')
                    p++;
                if (*p == '\n')
                    line++;
                g_string_append_c(word, *p++);
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && !g_ascii_isspace(*p))
                g_string_append_c(word, *p++);
        }
        t->text = g_string_free(word, FALSE);
        g_ptr_array_add(tokens, t);
    }
    return tokens;
}

/* A directive: its name token, the arguments on its line and the lines of
 * its block (each a GPtrArray of borrowed Tokens). */
typedef struct Directive {
    const Token *name;
    GPtrArray *args;             /* const Token * */
    GPtrArray *lines;            /* GPtrArray of const Token * */
} Directive;

static void
directive_free(Directive *d)
{
    g_ptr_array_unref(d->args);
    g_ptr_array_unref(d->lines);
    g_free(d);
}

typedef struct Parser {
    const char *file;
    GPtrArray *tokens;
    guint pos;
    GError **error;
} Parser;

static gboolean G_GNUC_PRINTF(3, 4)
parse_error(Parser *p, guint line, const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(p->error, KN_COREDNS_ERROR, KN_COREDNS_ERROR_SYNTAX,
                "%s:%u - Error during parsing: %s", p->file, line, msg);
    return FALSE;
}

/* plugin.Error(name, Dispenser.Errf(...)). */
static gboolean G_GNUC_PRINTF(4, 5)
plugin_error(Parser *p, const char *plugin, guint line, const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(p->error, KN_COREDNS_ERROR, KN_COREDNS_ERROR_VALUE,
                "plugin/%s: %s:%u - Error during parsing: %s", plugin, p->file, line, msg);
    return FALSE;
}

static gboolean
arg_error(Parser *p, const char *plugin, const Token *t)
{
    return plugin_error(p, plugin, t->line,
                        "Wrong argument count or unexpected line ending after '%s'", t->text);
}

static const Token *
peek(Parser *p)
{
    return p->pos < p->tokens->len ? p->tokens->pdata[p->pos] : NULL;
}

/* The directives of plugin.cfg in CoreDNS v1.11 (core/dnsserver/zdirectives.go). */
static const char *const known_directives[] = {
    "root", "metadata", "geoip", "cancel", "tls", "timeouts", "multisocket", "reload", "nsid",
    "bufsize", "bind", "debug", "trace", "ready", "health", "pprof", "prometheus", "errors",
    "log", "dnstap", "local", "dns64", "acl", "any", "chaos", "loadbalance", "tsig", "cache",
    "rewrite", "header", "dnssec", "autopath", "minimal", "template", "transfer", "hosts",
    "route53", "azure", "clouddns", "k8s_external", "kubernetes", "file", "auto", "secondary",
    "etcd", "loop", "forward", "grpc", "erratic", "whoami", "on", "sign", "view", NULL,
};

/* Reads one directive at p->pos (its name).  Returns NULL with the error set. */
static Directive *
read_directive(Parser *p)
{
    const Token *name = peek(p);
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func((GDestroyNotify) g_ptr_array_unref);

    if (!g_strv_contains(known_directives, name->text)) {
        g_set_error(p->error, KN_COREDNS_ERROR, KN_COREDNS_ERROR_UNKNOWN_PLUGIN,
                    "%s:%u - Error during parsing: Unknown directive '%s'", p->file, name->line,
                    name->text);
        return NULL;
    }
    p->pos++;
    for (const Token *t; (t = peek(p)) != NULL && t->line == name->line; p->pos++) {
        if (strcmp(t->text, "{") == 0)
            break;
        if (strcmp(t->text, "}") == 0)
            return parse_error(p, t->line, "Unexpected '}' because no matching opening brace"),
                   NULL;
        g_ptr_array_add(args, (gpointer) t);
    }
    const Token *open = peek(p);
    if (open != NULL && open->line == name->line && strcmp(open->text, "{") == 0) {
        guint nesting = 1;
        GPtrArray *line = NULL;

        p->pos++;
        for (const Token *t; (t = peek(p)) != NULL; p->pos++) {
            if (strcmp(t->text, "{") == 0) {
                nesting++;
                continue;
            }
            if (strcmp(t->text, "}") == 0) {
                if (--nesting == 0)
                    break;
                continue;
            }
            if (nesting > 1)
                continue;        /* nested blocks are not modelled */
            if (line == NULL || ((const Token *) line->pdata[0])->line != t->line) {
                line = g_ptr_array_new();
                g_ptr_array_add(lines, line);
            }
            g_ptr_array_add(line, (gpointer) t);
        }
        if (peek(p) == NULL)
            return parse_error(p, name->line, "Unexpected EOF"), NULL;
        p->pos++;                /* the closing brace */
    }

    Directive *d = g_new0(Directive, 1);
    d->name = name;
    d->args = g_steal_pointer(&args);
    d->lines = g_steal_pointer(&lines);
    return d;
}

static void
fall_clear(Fall *fall)
{
    g_clear_pointer(&fall->zones, g_ptr_array_unref);
}

static void
fall_parse(Fall *fall, GPtrArray *line, guint from)
{
    fall->on = TRUE;
    if (fall->zones == NULL)
        fall->zones = g_ptr_array_new_with_free_func(g_free);
    for (guint i = from; i < line->len; i++)
        g_ptr_array_add(fall->zones, kn_dns_name_canonical(((const Token *) line->pdata[i])->text));
}

static gboolean
fall_through(const Fall *fall, const char *name)
{
    if (!fall->on)
        return FALSE;
    if (fall->zones == NULL || fall->zones->len == 0)
        return TRUE;
    for (guint i = 0; i < fall->zones->len; i++)
        if (kn_dns_name_is_subdomain(name, fall->zones->pdata[i]))
            return TRUE;
    return FALSE;
}

static void
kubernetes_free(Kubernetes *k)
{
    if (k == NULL)
        return;
    g_ptr_array_unref(k->zones);
    fall_clear(&k->fall);
    g_free(k);
}

static void
rewrite_free(Rewrite *r)
{
    g_free(r->from);
    g_free(r->to);
    g_clear_pointer(&r->regex, g_regex_unref);
    g_free(r);
}

static void
hosts_entry_free(HostsEntry *e)
{
    g_free(e->name);
    g_free(e);
}

static void
hosts_free(Hosts *h)
{
    if (h == NULL)
        return;
    g_ptr_array_unref(h->zones);
    g_ptr_array_unref(h->entries);
    fall_clear(&h->fall);
    g_free(h);
}

static void
block_free(Block *b)
{
    g_ptr_array_unref(b->zones);
    kubernetes_free(b->kubernetes);
    g_clear_pointer(&b->forward_to, g_ptr_array_unref);
    g_free(b->forward_from);
    g_clear_pointer(&b->binds, g_ptr_array_unref);
    g_ptr_array_unref(b->rewrites);
    hosts_free(b->hosts);
    g_free(b);
}

static void
config_free(Config *c)
{
    if (c == NULL)
        return;
    g_ptr_array_unref(c->blocks);
    g_free(c);
}

static const char *
arg(const Directive *d, guint i)
{
    return ((const Token *) d->args->pdata[i])->text;
}

static const char *
word(GPtrArray *line, guint i)
{
    return ((const Token *) line->pdata[i])->text;
}

static gboolean
parse_uint(const char *text, guint64 max, guint64 *out)
{
    return g_ascii_string_to_unsigned(text, 10, 0, max, out, NULL);
}

static gboolean
setup_kubernetes(Parser *p, Block *b, const Directive *d)
{
    Kubernetes *k = g_new0(Kubernetes, 1);

    if (b->kubernetes != NULL) {
        kubernetes_free(k);
        return plugin_error(p, "kubernetes", d->name->line,
                            "this plugin can only be used once per Server Block");
    }
    b->kubernetes = k;
    k->zones = g_ptr_array_new_with_free_func(g_free);
    k->ttl = 5;
    for (guint i = 0; i < d->args->len; i++)
        g_ptr_array_add(k->zones, kn_dns_name_canonical(arg(d, i)));
    if (k->zones->len == 0)
        for (guint i = 0; i < b->zones->len; i++)
            g_ptr_array_add(k->zones, g_strdup(b->zones->pdata[i]));
    for (guint i = 0; i < d->lines->len; i++) {
        GPtrArray *line = d->lines->pdata[i];
        const Token *opt = line->pdata[0];

        if (strcmp(opt->text, "pods") == 0) {
            if (line->len != 2)
                return arg_error(p, "kubernetes", opt);
            if (strcmp(word(line, 1), "disabled") == 0)
                k->pods = PODS_DISABLED;
            else if (strcmp(word(line, 1), "insecure") == 0)
                k->pods = PODS_INSECURE;
            else if (strcmp(word(line, 1), "verified") == 0)
                k->pods = PODS_VERIFIED;
            else
                return plugin_error(p, "kubernetes", opt->line,
                                    "wrong value for pods: %s,  must be one of: disabled, "
                                    "verified, insecure", word(line, 1));
        } else if (strcmp(opt->text, "fallthrough") == 0) {
            fall_parse(&k->fall, line, 1);
        } else if (strcmp(opt->text, "ttl") == 0) {
            guint64 ttl;

            if (line->len != 2)
                return arg_error(p, "kubernetes", opt);
            if (!parse_uint(word(line, 1), G_MAXINT32, &ttl) || ttl > 3600)
                return plugin_error(p, "kubernetes", opt->line,
                                    "ttl must be in range [0, 3600]: %s", word(line, 1));
            k->ttl = ttl;
        } else if (strcmp(opt->text, "endpoint_pod_names") == 0) {
            k->endpoint_pod_names = TRUE;
        } else if (strcmp(opt->text, "namespaces") == 0 || strcmp(opt->text, "labels") == 0 ||
                   strcmp(opt->text, "namespace_labels") == 0 ||
                   strcmp(opt->text, "endpoint") == 0 || strcmp(opt->text, "tls") == 0 ||
                   strcmp(opt->text, "kubeconfig") == 0 || strcmp(opt->text, "noendpoints") == 0 ||
                   strcmp(opt->text, "ignore") == 0 || strcmp(opt->text, "multicluster") == 0 ||
                   strcmp(opt->text, "startup_timeout") == 0) {
            /* XXX accepted, not modelled */
        } else {
            return plugin_error(p, "kubernetes", opt->line, "unknown property '%s'", opt->text);
        }
    }
    return TRUE;
}

static gboolean
setup_cache(Parser *p, Block *b, const Directive *d)
{
    guint64 ttl;

    b->cache = TRUE;
    b->cache_pttl = 3600;
    b->cache_nttl = 1800;
    b->cache_capacity = 9984;
    if (d->args->len > 0) {
        if (!parse_uint(arg(d, 0), G_MAXUINT32, &ttl))
            return plugin_error(p, "cache", d->name->line, "cache TTL can not be zero or negative: %s",
                                arg(d, 0));
        if (ttl == 0)
            return plugin_error(p, "cache", d->name->line, "cache TTL can not be zero or negative: %s",
                                arg(d, 0));
        b->cache_pttl = b->cache_nttl = ttl;
    }
    for (guint i = 0; i < d->lines->len; i++) {
        GPtrArray *line = d->lines->pdata[i];
        const char *opt = word(line, 0);

        if ((strcmp(opt, "success") == 0 || strcmp(opt, "denial") == 0) && line->len >= 2) {
            guint64 v;

            if (!parse_uint(word(line, 1), G_MAXUINT32, &v))
                return arg_error(p, "cache", line->pdata[1]);
            b->cache_capacity = v;
            if (line->len >= 3 && parse_uint(word(line, 2), G_MAXUINT32, &v)) {
                if (opt[0] == 's')
                    b->cache_pttl = v;
                else
                    b->cache_nttl = v;
            }
        } else if (strcmp(opt, "prefetch") != 0 && strcmp(opt, "serve_stale") != 0 &&
                   strcmp(opt, "servfail") != 0 && strcmp(opt, "disable") != 0 &&
                   strcmp(opt, "keepttl") != 0) {
            return plugin_error(p, "cache", ((const Token *) line->pdata[0])->line,
                                "unknown property '%s'", opt);
        }
    }
    return TRUE;
}

static gboolean
setup_forward(Parser *p, Block *b, const Directive *d)
{
    if (d->args->len < 2)
        return arg_error(p, "forward", d->args->len ? d->args->pdata[d->args->len - 1] : d->name);
    if (b->forward_to != NULL)
        return plugin_error(p, "forward", d->name->line, "only one forward per Server Block");
    b->forward_from = kn_dns_name_canonical(arg(d, 0));
    b->forward_to = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 1; i < d->args->len; i++)
        g_ptr_array_add(b->forward_to, g_strdup(arg(d, i)));
    /* plugin/forward setup.go parseBlock. */
    for (guint i = 0; i < d->lines->len; i++) {
        GPtrArray *line = d->lines->pdata[i];
        const char *opt = word(line, 0);
        static const char *const accepted[] = {
            "except", "max_fails", "health_check", "expire", "max_age", "tls", "tls_servername",
            "policy", "max_concurrent", "next", "failfast_all_unhealthy_upstreams", "failover", NULL,
        };

        if (strcmp(opt, "force_tcp") == 0 || strcmp(opt, "prefer_udp") == 0) {
            if (line->len != 1)
                return arg_error(p, "forward", line->pdata[0]);
            if (opt[0] == 'f')
                b->force_tcp = TRUE;
            else
                b->prefer_udp = TRUE;
        } else if (!g_strv_contains(accepted, opt)) {
            return plugin_error(p, "forward", ((const Token *) line->pdata[0])->line,
                                "unknown property '%s'", opt);
        }
    }
    return TRUE;
}

static gboolean
setup_rewrite(Parser *p, Block *b, const Directive *d)
{
    guint i = 0;
    Rewrite *r;

    if (d->args->len > 0 && (strcmp(arg(d, 0), "continue") == 0 || strcmp(arg(d, 0), "stop") == 0))
        i++;
    if (d->args->len < i + 3)
        return arg_error(p, "rewrite", d->name);
    if (strcmp(arg(d, i), "name") != 0)
        return plugin_error(p, "rewrite", d->name->line,
                            "XXX rewrite of '%s' is not modelled (only name)", arg(d, i));
    i++;
    r = g_new0(Rewrite, 1);
    r->kind = REWRITE_EXACT;
    static const char *const kinds[] = { "exact", "prefix", "suffix", "substring", "regex" };
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
        if (strcmp(arg(d, i), kinds[k]) == 0) {
            r->kind = k;
            i++;
            break;
        }
    }
    if (d->args->len < i + 2) {
        rewrite_free(r);
        return arg_error(p, "rewrite", d->name);
    }
    r->from = r->kind == REWRITE_REGEX ? g_strdup(arg(d, i)) : kn_dns_name_canonical(arg(d, i));
    r->to = r->kind == REWRITE_REGEX ? g_strdup(arg(d, i + 1)) : kn_dns_name_canonical(arg(d, i + 1));
    if (r->kind == REWRITE_REGEX) {
        g_autoptr(GError) error = NULL;

        r->regex = g_regex_new(r->from, G_REGEX_CASELESS, 0, &error);
        if (r->regex == NULL) {
            rewrite_free(r);
            return plugin_error(p, "rewrite", d->name->line, "invalid regex pattern in a name rule: %s",
                                arg(d, i));
        }
    }
    for (i += 2; i + 1 < d->args->len; i++)
        if (strcmp(arg(d, i), "answer") == 0 && strcmp(arg(d, i + 1), "auto") == 0)
            r->answer_auto = TRUE;
    g_ptr_array_add(b->rewrites, r);
    return TRUE;
}

static gboolean
setup_hosts(Parser *p, Block *b, const Directive *d)
{
    Hosts *h = g_new0(Hosts, 1);

    b->hosts = h;
    h->zones = g_ptr_array_new_with_free_func(g_free);
    h->entries = g_ptr_array_new_with_free_func((GDestroyNotify) hosts_entry_free);
    h->ttl = 3600;
    /* hosts [FILE [ZONES...]]: the file (/etc/hosts) is not modelled. */
    for (guint i = 1; i < d->args->len; i++)
        g_ptr_array_add(h->zones, kn_dns_name_canonical(arg(d, i)));
    if (h->zones->len == 0)
        for (guint i = 0; i < b->zones->len; i++)
            g_ptr_array_add(h->zones, g_strdup(b->zones->pdata[i]));
    for (guint i = 0; i < d->lines->len; i++) {
        GPtrArray *line = d->lines->pdata[i];
        const char *first = word(line, 0);
        KnAddr addr;
        guint64 v;

        if (strcmp(first, "fallthrough") == 0) {
            fall_parse(&h->fall, line, 1);
        } else if (strcmp(first, "ttl") == 0) {
            if (line->len != 2 || !parse_uint(word(line, 1), 65535, &v) || v == 0)
                return plugin_error(p, "hosts", ((const Token *) line->pdata[0])->line,
                                    "ttl provided is invalid");
            h->ttl = v;
        } else if (strcmp(first, "no_reverse") == 0) {
            h->no_reverse = TRUE;
        } else if (strcmp(first, "reload") == 0) {
            /* nothing to reload */
        } else if (kn_addr_parse(first, &addr)) {
            for (guint j = 1; j < line->len; j++) {
                HostsEntry *e = g_new0(HostsEntry, 1);

                e->addr = addr;
                e->name = kn_dns_name_canonical(word(line, j));
                g_ptr_array_add(h->entries, e);
            }
        } else {
            return plugin_error(p, "hosts", ((const Token *) line->pdata[0])->line,
                                "unknown property '%s'", first);
        }
    }
    return TRUE;
}

static gboolean
setup_directive(Parser *p, Block *b, const Directive *d)
{
    const char *name = d->name->text;

    if (strcmp(name, "kubernetes") == 0)
        return setup_kubernetes(p, b, d);
    if (strcmp(name, "cache") == 0)
        return setup_cache(p, b, d);
    if (strcmp(name, "forward") == 0)
        return setup_forward(p, b, d);
    if (strcmp(name, "rewrite") == 0)
        return setup_rewrite(p, b, d);
    if (strcmp(name, "hosts") == 0)
        return setup_hosts(p, b, d);
    if (strcmp(name, "loadbalance") == 0) {
        if (d->args->len > 0 && strcmp(arg(d, 0), "round_robin") != 0)
            return plugin_error(p, "loadbalance", d->name->line, "unknown policy: %s", arg(d, 0));
        b->loadbalance = TRUE;
        return TRUE;
    }
    if (strcmp(name, "bind") == 0) {
        /* plugin/bind: addresses (interface names are not modelled). */
        if (d->args->len == 0)
            return arg_error(p, "bind", d->name);
        for (guint i = 0; i < d->args->len; i++) {
            KnAddr addr;

            if (strcmp(arg(d, i), "except") == 0)
                break;
            if (kn_addr_parse(arg(d, i), &addr))
                g_ptr_array_add(b->binds, g_strdup(arg(d, i)));
        }
        return TRUE;
    }
    if (strcmp(name, "autopath") == 0) {
        if (d->args->len == 0)
            return arg_error(p, "autopath", d->name);
        /* The last argument is @PLUGIN or a resolv.conf; only @kubernetes
         * walks a search path here. */
        b->autopath = strcmp(arg(d, d->args->len - 1), "@kubernetes") == 0;
        return TRUE;
    }
    return TRUE;
}

/* ".:53", "cluster.local:53", "dns://.:53" -> zone and port. */
static void
parse_key(const char *key, char **zone, guint *port)
{
    g_autofree char *copy = g_strdup(g_str_has_prefix(key, "dns://") ? key + 6 : key);
    char *colon = strrchr(copy, ':');

    *port = 53;
    if (colon != NULL) {
        guint64 v;

        *colon = '\0';
        if (parse_uint(colon + 1, 65535, &v))
            *port = v;
    }
    *zone = kn_dns_name_canonical(copy);
}

static Config *
parse_corefile(const char *text, const char *file, GError **error)
{
    g_autoptr(GPtrArray) tokens = lex(text);
    Parser p = { file ? file : COREFILE_PATH, tokens, 0, error };
    Config *config = g_new0(Config, 1);

    config->blocks = g_ptr_array_new_with_free_func((GDestroyNotify) block_free);
    while (peek(&p) != NULL) {
        Block *b = g_new0(Block, 1);
        guint key_line = peek(&p)->line;

        b->zones = g_ptr_array_new_with_free_func(g_free);
        b->rewrites = g_ptr_array_new_with_free_func((GDestroyNotify) rewrite_free);
        b->binds = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(config->blocks, b);
        /* Keys up to "{" (or the end of their line for a brace-less block). */
        for (const Token *t; (t = peek(&p)) != NULL && strcmp(t->text, "{") != 0 &&
                             t->line == key_line; p.pos++) {
            g_autofree char *key = g_strdup(t->text);
            char *zone;

            g_strdelimit(key, ",", '\0');
            parse_key(key, &zone, &b->port);
            g_ptr_array_add(b->zones, zone);
        }
        gboolean braced = peek(&p) != NULL && strcmp(peek(&p)->text, "{") == 0;
        if (braced)
            p.pos++;
        for (const Token *t; (t = peek(&p)) != NULL;) {
            if (strcmp(t->text, "}") == 0) {
                if (!braced) {
                    parse_error(&p, t->line, "Unexpected '}' because no matching opening brace");
                    config_free(config);
                    return NULL;
                }
                p.pos++;
                braced = FALSE;
                break;
            }
            Directive *d = read_directive(&p);

            if (d == NULL || !setup_directive(&p, b, d)) {
                if (d)
                    directive_free(d);
                config_free(config);
                return NULL;
            }
            directive_free(d);
        }
        if (braced) {
            parse_error(&p, key_line, "Unexpected EOF");
            config_free(config);
            return NULL;
        }
    }
    return config;
}

gboolean
kn_coredns_check_corefile(const char *text, const char *file, GError **error)
{
    Config *config = parse_corefile(text, file, error);

    config_free(config);
    return config != NULL;
}

/*****************************************************************************/
/* Lifetime. */

static void
on_change(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnCoreDns *cd = user_data;

    (void) store, (void) kind, (void) event, (void) object;
    cd->modified = kn_sim_now(cd->cluster->sim);
}

static Config *
read_config(KnCluster *cluster, GError **error);

/* The server's Corefile: its own text, or the ConfigMap's. */
static Config *
server_config(const KnCoreDns *cd, GError **error)
{
    if (cd->corefile != NULL)
        return parse_corefile(cd->corefile, cd->corefile_path, error);
    return read_config(cd->cluster, error);
}

static Config *
read_config(KnCluster *cluster, GError **error)
{
    KnConfigMap *cm = kn_store_lookup(cluster->store, KN_KIND_CONFIG_MAP, "kube-system", "coredns");
    const char *text = cm ? kn_labels_get(cm->data, "Corefile") : NULL;

    if (text == NULL) {
        g_set_error(error, KN_COREDNS_ERROR, KN_COREDNS_ERROR_NO_COREFILE,
                    cm ? "configmap kube-system/coredns has no key \"Corefile\""
                       : "configmap kube-system/coredns not found");
        return NULL;
    }
    return parse_corefile(text, COREFILE_PATH, error);
}

static void
cache_item_free(CacheItem *item)
{
    g_free(item->key);
    kn_dns_message_free(item->reply);
    g_free(item);
}

/* The hash of 'query' ('length' bytes, at least 12) from a client of
 * 'family', its id left out: eight bytes a step, each a multiply and a
 * rotation, the last step over the last eight bytes (which may overlap
 * the step before; the length goes in too). */
static guint32
repeat_hash(const guint8 *query, gsize length, guint8 family)
{
    guint64 h = 0x9e3779b97f4a7c15ull ^ ((guint64) length << 8 | family), word;
    gsize i = 2;

    for (; i + 8 <= length; i += 8) {
        memcpy(&word, query + i, 8);
        h = (h ^ word) * 0xff51afd7ed558ccdull;
        h = h << 29 | h >> 35;
    }
    memcpy(&word, query + length - 8, 8);
    h = (h ^ word) * 0xc4ceb9fe1a85ec53ull;
    return (guint32) (h ^ h >> 32);
}

/* The repeat of 'query' ('length' bytes, 'hash' its repeat_hash()) from a
 * client of 'family', or NULL. */
static Repeat *
repeat_find(const RepeatTable *t, guint32 hash, const guint8 *query, gsize length, guint8 family)
{
    if (t->n == 0)
        return NULL;
    for (guint i = hash & t->mask;; i = (i + 1) & t->mask) {
        const RepeatSlot *slot = &t->slots[i];
        Repeat *r = slot->repeat;

        if (r == NULL)
            return NULL;
        if (slot->hash == hash && r->family == family && r->key_length == length - 2
            && memcmp(r->bytes, query + 2, length - 2) == 0)
            return r;
    }
}

static void
repeat_place(RepeatTable *t, Repeat *r)
{
    guint i = r->hash & t->mask;

    while (t->slots[i].repeat != NULL)
        i = (i + 1) & t->mask;
    t->slots[i] = (RepeatSlot) { r->hash, r };
}

/* Adds 'r' (taken; not in 't'). */
static void
repeat_add(RepeatTable *t, Repeat *r)
{
    if (t->slots == NULL || 2 * (t->n + 1) > t->mask + 1) {
        RepeatSlot *old = t->slots;
        guint size = old == NULL ? 64 : 2 * (t->mask + 1);

        t->slots = g_new0(RepeatSlot, size);
        t->mask = size - 1;
        for (guint i = 0; old != NULL && i < size / 2; i++)
            if (old[i].repeat != NULL)
                repeat_place(t, old[i].repeat);
        g_free(old);
    }
    repeat_place(t, r);
    t->n++;
}

/* Frees 'r', out of 't': the slots after it in its run move back, so that
 * a probe still meets no empty slot before its repeat. */
static void
repeat_remove(RepeatTable *t, Repeat *r)
{
    guint i = r->hash & t->mask;

    while (t->slots[i].repeat != r)
        i = (i + 1) & t->mask;
    for (guint j = (i + 1) & t->mask; t->slots[j].repeat != NULL; j = (j + 1) & t->mask) {
        guint home = t->slots[j].hash & t->mask;

        /* The slot at 'j' may fill the hole at 'i' if its home is not
         * in (i, j], cyclically. */
        if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i] = (RepeatSlot) { 0, NULL };
    t->n--;
    g_free(r);
}

static void
repeat_table_clear(RepeatTable *t)
{
    for (guint i = 0; t->slots != NULL && i <= t->mask; i++)
        g_free(t->slots[i].repeat);
    g_clear_pointer(&t->slots, g_free);
    t->mask = t->n = 0;
}

/* Frees 'item', out of the server's cache, with the repeats made from it. */
static void
cache_item_drop(KnCoreDns *cd, CacheItem *item)
{
    for (guint i = 0; i < item->n_repeats; i++)
        repeat_remove(&cd->repeats, item->repeats[i]);
    cache_item_free(item);
}

static const KnKind watched[] = { KN_KIND_SERVICE, KN_KIND_ENDPOINT_SLICE, KN_KIND_NAMESPACE };

/* A server of 'pod' running 'config' (taken). */
static KnCoreDns *
server_new(KnCluster *cluster, const char *pod, Config *config)
{
    KnCoreDns *cd = g_new0(KnCoreDns, 1);
    g_autofree char *stream = g_strdup_printf("coredns/%s", pod);
    g_autofree char *ids = g_strdup_printf("coredns/%s/forward", pod);

    cd->cluster = cluster;
    cd->pod = g_strdup(pod);
    cd->config = config;
    cd->rng = kn_sim_rng(cluster->sim, stream);
    cd->ids = kn_sim_rng(cluster->sim, ids);
    cd->cache = g_hash_table_new(g_str_hash, g_str_equal);
    g_queue_init(&cd->cache_order);
    cd->modified = kn_sim_now(cluster->sim);
    for (guint i = 0; i < G_N_ELEMENTS(watched); i++)
        kn_store_watch(cluster->store, watched[i], on_change, cd);
    return cd;
}

KnCoreDns *
kn_coredns_new(KnCluster *cluster, const char *pod, GError **error)
{
    g_return_val_if_fail(cluster != NULL && pod != NULL, NULL);
    Config *config = read_config(cluster, error);

    return config != NULL ? server_new(cluster, pod, config) : NULL;
}

KnCoreDns *
kn_coredns_new_from_corefile(KnCluster *cluster, const char *name, const char *corefile,
                             const char *file, GError **error)
{
    g_return_val_if_fail(cluster != NULL && name != NULL && corefile != NULL, NULL);
    Config *config = parse_corefile(corefile, file, error);
    KnCoreDns *cd;

    if (config == NULL)
        return NULL;
    cd = server_new(cluster, name, config);
    cd->corefile = g_strdup(corefile);
    cd->corefile_path = g_strdup(file != NULL ? file : COREFILE_PATH);
    return cd;
}

void
kn_coredns_set_network_forward(KnCoreDns *cd, gboolean network)
{
    cd->network_forward = network;
}

void
kn_coredns_set_resolv_conf(KnCoreDns *cd, const KnAddr *nameserver)
{
    cd->has_resolv_conf = nameserver != NULL;
    if (nameserver != NULL)
        cd->resolv_conf = *nameserver;
}

gboolean
kn_coredns_listens_on(const KnCoreDns *cd, const KnAddr *addr, guint16 port)
{
    for (guint i = 0; i < cd->config->blocks->len; i++) {
        const Block *b = cd->config->blocks->pdata[i];

        if (b->port != port)
            continue;
        if (b->binds->len == 0)
            return TRUE;
        for (guint j = 0; j < b->binds->len; j++) {
            KnAddr bound;

            if (kn_addr_parse(b->binds->pdata[j], &bound) && kn_addr_equal(&bound, addr))
                return TRUE;
        }
    }
    return FALSE;
}

void
kn_coredns_flush_cache(KnCoreDns *cd)
{
    repeat_table_clear(&cd->repeats);
    g_hash_table_remove_all(cd->cache);
    g_queue_clear_full(&cd->cache_order, (GDestroyNotify) cache_item_free);
}

void
kn_coredns_free(KnCoreDns *cd)
{
    if (cd == NULL)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(watched); i++)
        kn_store_unwatch(cd->cluster->store, watched[i], on_change, cd);
    kn_coredns_flush_cache(cd);
    g_hash_table_unref(cd->cache);
    config_free(cd->config);
    g_free(cd->pod);
    g_free(cd->corefile);
    g_free(cd->corefile_path);
    g_free(cd);
}

gboolean
kn_coredns_reload(KnCoreDns *cd, GError **error)
{
    Config *config = server_config(cd, error);

    if (config == NULL)
        return FALSE;
    config_free(cd->config);
    cd->config = config;
    kn_coredns_flush_cache(cd);  /* a reload starts new plugin instances */
    return TRUE;
}

guint
kn_coredns_cache_size(const KnCoreDns *cd)
{
    return g_hash_table_size(cd->cache);
}

const KnCoreDnsStats *
kn_coredns_stats(const KnCoreDns *cd)
{
    return &cd->stats;
}

static const Block *
first_kubernetes_block(const KnCoreDns *cd)
{
    for (guint i = 0; i < cd->config->blocks->len; i++) {
        const Block *b = cd->config->blocks->pdata[i];

        if (b->kubernetes && b->kubernetes->zones->len)
            return b;
    }
    return NULL;
}

const char *
kn_coredns_zone(const KnCoreDns *cd)
{
    const Block *b = first_kubernetes_block(cd);

    return b ? b->kubernetes->zones->pdata[0] : NULL;
}

guint32
kn_coredns_ttl(const KnCoreDns *cd)
{
    const Block *b = first_kubernetes_block(cd);

    return b ? b->kubernetes->ttl : 5;
}

/*****************************************************************************/
/* Reply helpers. */

static const char *
qname(const KnDnsMessage *m)
{
    return kn_dns_message_question(m)->name;
}

static guint16
qtype(const KnDnsMessage *m)
{
    return kn_dns_message_question(m)->type;
}

static KnDnsMessage *
reply_rcode(const KnDnsMessage *query, guint8 rcode)
{
    KnDnsMessage *r = kn_dns_message_new_reply(query);

    r->rcode = rcode;
    return r;
}

/* The longest of 'zones' that 'name' is in (plugin.Zones.Matches); NULL if none. */
static const char *
zones_match(GPtrArray *zones, const char *name)
{
    const char *best = NULL;

    for (guint i = 0; i < zones->len; i++) {
        const char *z = zones->pdata[i];

        if (kn_dns_name_is_subdomain(name, z) && (best == NULL || strlen(z) > strlen(best)))
            best = z;
    }
    return best;
}

/* The last labels of 'name' that spell 'zone', in the query's case. */
static char *
zone_in_case(const char *name, const char *zone)
{
    gsize n = strlen(name), z = strlen(zone);

    if (n > 0 && name[n - 1] == '.')
        n--;
    return z == 0 ? g_strdup("") : g_strndup(name + n - z, z);
}

/* 'base' and 'zone' joined by a dot. */
static char *
join(const char *base, const char *zone)
{
    if (*zone == '\0')
        return g_strdup(base);
    if (*base == '\0')
        return g_strdup(zone);
    return g_strconcat(base, ".", zone, NULL);
}

/*****************************************************************************/
/* The kubernetes plugin. */

typedef enum {
    K_OK,
    K_NO_ITEMS,                  /* errNoItems, errInvalidRequest: NXDOMAIN */
} KErr;

/* A msg.Service: what the backend found for a name. */
typedef struct KSvc {
    char *host;                  /* an IP literal, or a name (CNAME, PTR target) */
    KnAddr addr;                 /* 'host' parsed; family 0 for a name */
    gint port;                   /* -1: none */
    char *domain;                /* msg.Domain(Key): the record's own name */
    guint32 ttl;
    char *text;                  /* TXT */
} KSvc;

static void
ksvc_free(KSvc *s)
{
    g_free(s->host);
    g_free(s->domain);
    g_free(s->text);
    g_free(s);
}

static KSvc *
ksvc_add(GPtrArray *out, const char *host, gint port, char *domain, guint32 ttl)
{
    KSvc *s = g_new0(KSvc, 1);

    s->host = g_strdup(host);
    kn_addr_parse(host, &s->addr);
    s->port = port;
    s->domain = domain;
    s->ttl = ttl;
    g_ptr_array_add(out, s);
    return s;
}

typedef struct KRequest {
    char *pod_or_svc;            /* "svc", "pod", NULL for apex */
    char *namespace;
    char *service;
    char *endpoint;
    char *port;                  /* without the underscore; NULL: any */
    char *protocol;
} KRequest;

static void
krequest_clear(KRequest *r)
{
    g_free(r->pod_or_svc);
    g_free(r->namespace);
    g_free(r->service);
    g_free(r->endpoint);
    g_free(r->port);
    g_free(r->protocol);
}

static char *
strip_underscore(const char *s)
{
    return g_strdup(s[0] == '_' ? s + 1 : s);
}

/* parse.go parseRequest; FALSE for errInvalidRequest. */
static gboolean
parse_request(const char *name, const char *zone, KRequest *r)
{
    g_autofree char *lower = kn_dns_name_canonical(name);
    gsize zl = strlen(zone), nl = strlen(lower);
    g_autofree char *base = g_strndup(lower, nl > zl ? nl - zl - (zl ? 1 : 0) : 0);

    memset(r, 0, sizeof *r);
    if (*base == '\0' || strcmp(base, "svc") == 0 || strcmp(base, "pod") == 0)
        return TRUE;             /* apex: NODATA */
    /* strings.Split(base, "."), in place.  A name has at most 128 labels;
     * more than 5 here is errInvalidRequest whatever they are. */
    char *segs[KN_DNS_NAME_MAX / 2 + 1];
    gint last = 0;

    segs[0] = base;
    for (char *p = base; *p != '\0'; p++) {
        if (*p != '.')
            continue;
        if (last + 1 == (gint) G_N_ELEMENTS(segs))
            return FALSE;
        *p = '\0';
        segs[++last] = p + 1;
    }

    r->pod_or_svc = g_strdup(segs[last]);
    if (strcmp(r->pod_or_svc, "svc") != 0 && strcmp(r->pod_or_svc, "pod") != 0)
        return FALSE;
    if (--last < 0)
        return TRUE;
    r->namespace = g_strdup(segs[last]);
    if (--last < 0)
        return TRUE;
    r->service = g_strdup(segs[last]);
    if (--last < 0)
        return TRUE;
    if (last == 0) {
        r->endpoint = g_strdup(segs[0]);
    } else if (last == 1) {
        r->protocol = strip_underscore(segs[1]);
        r->port = strip_underscore(segs[0]);
    } else {
        return FALSE;
    }
    return TRUE;
}

/* matchPortAndProtocol (kubernetes.go), one half: a port or protocol the
 * query leaves out, or gives as a bare underscore ("_._tcp"), is any. */
static gboolean
match(const char *want, const char *have)
{
    return want == NULL || *want == '\0' || g_ascii_strcasecmp(want, have ? have : "") == 0;
}

static gboolean
namespace_exposed(KnCoreDns *cd, const char *ns)
{
    return ns && kn_store_lookup(cd->cluster->store, KN_KIND_NAMESPACE, NULL, ns) != NULL;
}

/* endpointHostname (kubernetes.go). */
static char *
endpoint_hostname(const KnEndpoint *ep, const char *ip, gboolean pod_names)
{
    if (ep->hostname && *ep->hostname)
        return g_strdup(ep->hostname);
    if (pod_names && ep->target_pod && strlen(ep->target_pod) < 64)
        return g_strdup(ep->target_pod);
    if (strchr(ip, '.'))
        return g_strdelimit(g_strdup(ip), ".", '-');
    if (strchr(ip, ':')) {
        char *h = g_strdelimit(g_strdup(ip), ":", '-');

        if (g_str_has_suffix(h, "-")) {
            char *h0 = g_strconcat(h, "0", NULL);

            g_free(h);
            return h0;
        }
        return h;
    }
    return g_strdup("");
}

/* The EndpointSlices of 'ns'/'svc', by name. */
static GPtrArray *
service_slices(KnCoreDns *cd, const char *ns, const char *svc)
{
    GPtrArray *all = kn_store_list(cd->cluster->store, KN_KIND_ENDPOINT_SLICE, ns);
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < all->len; i++) {
        KnEndpointSlice *s = all->pdata[i];
        const char *owner = kn_labels_get(s->meta.labels, "kubernetes.io/service-name");

        if (owner && strcmp(owner, svc) == 0 && s->address_type != KN_ADDRESS_FQDN)
            g_ptr_array_add(out, s);
    }
    g_ptr_array_unref(all);
    return out;
}

/* kubernetes.go findServices. */
static KErr
find_services(KnCoreDns *cd, const Kubernetes *k, const KRequest *r, const char *zone,
              GPtrArray *out)
{
    KErr err = K_NO_ITEMS;

    if (!namespace_exposed(cd, r->namespace))
        return K_NO_ITEMS;
    if (r->service == NULL)
        return K_OK;             /* NODATA */

    KnService *svc = kn_store_lookup(cd->cluster->store, KN_KIND_SERVICE, r->namespace, r->service);
    if (svc == NULL)
        return K_NO_ITEMS;
    g_autofree char *svc_domain = g_strdup_printf("%s.%s.svc.%s", svc->meta.name,
                                                  svc->meta.namespace, zone);

    if (svc->spec.type == KN_SERVICE_EXTERNAL_NAME) {
        KnAddr ip;

        if (r->endpoint || r->port || r->protocol)
            return K_NO_ITEMS;
        if (svc->spec.external_name && !kn_addr_parse(svc->spec.external_name, &ip)) {
            ksvc_add(out, svc->spec.external_name, 0, g_strdup(svc_domain), k->ttl);
            err = K_OK;
        }
        return err;
    }
    gboolean headless = g_strcmp0(svc->spec.cluster_ip, "None") == 0;
    if (headless || r->endpoint) {
        g_autoptr(GPtrArray) slices = service_slices(cd, svc->meta.namespace, svc->meta.name);

        for (guint s = 0; s < slices->len; s++) {
            KnEndpointSlice *slice = slices->pdata[s];

            for (guint e = 0; e < slice->endpoints->len; e++) {
                KnEndpoint *ep = slice->endpoints->pdata[e];

                if (!ep->ready)
                    continue;
                for (guint a = 0; a < ep->addresses->len; a++) {
                    const char *ip = ep->addresses->pdata[a];
                    g_autofree char *host = endpoint_hostname(ep, ip, k->endpoint_pod_names);

                    if (r->endpoint && g_ascii_strcasecmp(r->endpoint, host) != 0)
                        continue;
                    /* EndpointSliceToEndpoints: no ports is one port -1. */
                    guint n_ports = MAX(slice->ports->len, 1);
                    for (guint p = 0; p < n_ports; p++) {
                        KnEndpointPort *port = slice->ports->len ? slice->ports->pdata[p] : NULL;

                        if (port && !(match(r->port, port->name) &&
                                      match(r->protocol, kn_protocol_name(port->protocol))))
                            continue;
                        if (!port && (r->port || r->protocol))
                            continue;
                        ksvc_add(out, ip, port ? (gint) port->port : -1,
                                 g_strdup_printf("%s.%s", host, svc_domain), k->ttl);
                        err = K_OK;
                    }
                }
            }
        }
        return err;
    }
    for (guint p = 0; p < svc->spec.ports->len; p++) {
        KnServicePort *port = svc->spec.ports->pdata[p];

        if (!(match(r->port, port->name) && match(r->protocol, kn_protocol_name(port->protocol))))
            continue;
        err = K_OK;
        if (svc->spec.cluster_ips && svc->spec.cluster_ips->len) {
            for (guint i = 0; i < svc->spec.cluster_ips->len; i++)
                ksvc_add(out, svc->spec.cluster_ips->pdata[i], port->port, g_strdup(svc_domain),
                         k->ttl);
        } else if (svc->spec.cluster_ip) {
            ksvc_add(out, svc->spec.cluster_ip, port->port, g_strdup(svc_domain), k->ttl);
        }
    }
    return err;
}

/* kubernetes.go findPods. */
static KErr
find_pods(KnCoreDns *cd, const Kubernetes *k, const KRequest *r, const char *zone, GPtrArray *out)
{
    KnAddr addr;

    if (k->pods == PODS_DISABLED || !namespace_exposed(cd, r->namespace))
        return K_NO_ITEMS;
    if (r->service == NULL)
        return K_OK;
    g_autofree char *ip = g_strdup(r->service);
    guint dashes = 0;

    for (const char *c = ip; *c; c++)
        dashes += *c == '-';
    g_strdelimit(ip, "-", dashes == 3 && !strstr(r->service, "--") ? '.' : ':');
    if (!kn_addr_parse(ip, &addr))
        return K_NO_ITEMS;
    char *domain = g_strdup_printf("%s.%s.pod.%s", r->service, r->namespace, zone);
    if (k->pods == PODS_INSECURE) {
        ksvc_add(out, ip, 0, domain, k->ttl);
        return K_OK;
    }
    g_autoptr(GPtrArray) pods = kn_store_list(cd->cluster->store, KN_KIND_POD, r->namespace);
    KErr err = K_NO_ITEMS;

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];
        KnAddr pod_ip;

        if (pod->pod_ip && kn_addr_parse(pod->pod_ip, &pod_ip) && kn_addr_equal(&pod_ip, &addr)) {
            ksvc_add(out, ip, 0, g_strdup(domain), k->ttl);
            err = K_OK;
        }
    }
    g_free(domain);
    return err;
}

/* kubernetes.go Records. */
static KErr
records(KnCoreDns *cd, const Kubernetes *k, const char *name, const char *zone, GPtrArray *out)
{
    KRequest r;
    KErr err;

    if (!parse_request(name, zone, &r)) {
        krequest_clear(&r);
        return K_NO_ITEMS;
    }
    if (r.pod_or_svc == NULL)
        err = K_OK;
    else if (kn_dns_name_is_subdomain(name, "in-addr.arpa") ||      /* every reverse name */
             kn_dns_name_is_subdomain(name, "ip6.arpa"))
        err = K_NO_ITEMS;
    else if (!namespace_exposed(cd, r.namespace))
        err = K_NO_ITEMS;
    else if (strcmp(r.pod_or_svc, "pod") == 0)
        err = find_pods(cd, k, &r, zone, out);
    else
        err = find_services(cd, k, &r, zone, out);
    krequest_clear(&r);
    return err;
}

/* The kube-dns Service's addresses: what ns.dns.<zone> resolves to
 * (kubernetes.go nsAddrs). */
static void
ns_addrs(KnCoreDns *cd, const char *domain, guint32 ttl, GPtrArray *out)
{
    KnService *svc = kn_store_lookup(cd->cluster->store, KN_KIND_SERVICE, "kube-system", "kube-dns");

    if (svc == NULL || svc->spec.cluster_ips == NULL)
        return;
    for (guint i = 0; i < svc->spec.cluster_ips->len; i++)
        ksvc_add(out, svc->spec.cluster_ips->pdata[i], 0, g_strdup(domain), ttl);
}

/* kubernetes.go Services for 'qt'. */
static KErr
services(KnCoreDns *cd, const Kubernetes *k, const char *name, guint16 qt, const char *zone,
         GPtrArray *out)
{
    g_autofree char *lower = kn_dns_name_canonical(name);
    g_autofree char *version = join("dns-version", zone);
    g_autofree char *ns_name = join("ns.dns", zone);

    if (qt == KN_DNS_TYPE_TXT) {
        if (strcmp(lower, version) == 0) {
            KSvc *s = ksvc_add(out, "", 0, g_strdup(lower), 28800);

            s->text = g_strdup(DNS_SCHEMA_VERSION);
            return K_OK;
        }
        g_autoptr(GPtrArray) any = g_ptr_array_new_with_free_func((GDestroyNotify) ksvc_free);

        records(cd, k, name, zone, any);
        return any->len > 0 ? K_OK : K_NO_ITEMS;
    }
    if (strcmp(lower, ns_name) == 0) {
        ns_addrs(cd, ns_name, k->ttl, out);
        return K_OK;
    }
    KErr err = records(cd, k, name, zone, out);
    if (qt == KN_DNS_TYPE_SRV) {
        /* SRV for ExternalName services is not implemented: drop names. */
        for (guint i = out->len; i-- > 0;)
            if (((KSvc *) out->pdata[i])->addr.family == 0)
                g_ptr_array_remove_index(out, i);
    }
    return err;
}

static KnDnsMessage *server_serve(Ctx *ctx, const KnDnsMessage *query);

/* plugin/pkg/upstream Lookup: the server itself answers 'name' 'type'. */
static KnDnsMessage *
upstream_lookup(Ctx *ctx, const char *name, guint16 type)
{
    g_autoptr(KnDnsMessage) q = kn_dns_message_new_query(0, name, type, TRUE);

    if (ctx->depth >= MAX_DEPTH)
        return NULL;
    ctx->depth++;
    ctx->n_internal++;
    /* The lookup's own cache hit is not the reply's: the plugin that
     * asked still writes it. */
    const char *plugin = ctx->plugin;
    gboolean cached = ctx->cached, upstream_opt = ctx->upstream_opt;
    KnDnsMessage *r = server_serve(ctx, q);
    ctx->plugin = plugin;
    ctx->cached = cached;
    ctx->upstream_opt = upstream_opt;        /* only its records are taken */
    ctx->depth--;
    return r;
}

/* backend_lookup.go A and AAAA ('family' 4 or 6).  '*found' is FALSE for
 * errNoItems. */
static KErr
address_records(Ctx *ctx, const Kubernetes *k, const char *name, guint16 qt, const char *zone,
                GPtrArray *previous, GPtrArray *rrs)
{
    g_autoptr(GPtrArray) svcs = g_ptr_array_new_with_free_func((GDestroyNotify) ksvc_free);
    g_autoptr(GHashTable) dup = g_hash_table_new(g_str_hash, g_str_equal);
    guint8 family = qt == KN_DNS_TYPE_AAAA ? 6 : 4;
    KErr err = services(ctx->cd, k, name, KN_DNS_TYPE_A, zone, svcs);

    if (err != K_OK)
        return err;
    for (guint i = 0; i < svcs->len; i++) {
        KSvc *s = svcs->pdata[i];

        if (s->addr.family == 0) {
            /* A CNAME (ExternalName). */
            if (kn_dns_name_equal(name, s->host) || previous->len > 7)
                continue;
            gboolean seen = FALSE;
            for (guint j = 0; j < previous->len; j++)
                seen |= kn_dns_name_equal(((KnDnsRecord *) previous->pdata[j])->target, s->host);
            if (seen)
                continue;
            KnDnsRecord *cname = kn_dns_record_new_target(name, KN_DNS_TYPE_CNAME, s->ttl, s->host);

            if (kn_dns_name_is_subdomain(s->host, zone)) {
                g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);

                g_ptr_array_add(previous, cname);
                KErr e = address_records(ctx, k, s->host, qt, zone, previous, next);
                g_ptr_array_steal_index(previous, previous->len - 1);
                if (e == K_OK && next->len > 0) {
                    g_ptr_array_add(rrs, cname);
                    g_ptr_array_extend_and_steal(rrs, g_steal_pointer(&next));
                } else {
                    kn_dns_record_free(cname);
                }
                continue;
            }
            g_autoptr(KnDnsMessage) m1 = upstream_lookup(ctx, s->host, qt);
            if (m1 == NULL) {
                kn_dns_record_free(cname);
                continue;
            }
            g_ptr_array_add(rrs, cname);
            for (guint j = 0; j < m1->answers->len; j++)
                g_ptr_array_add(rrs, kn_dns_record_copy(m1->answers->pdata[j]));
            continue;
        }
        if (s->addr.family != family || g_hash_table_contains(dup, s->host))
            continue;
        g_hash_table_add(dup, s->host);
        g_ptr_array_add(rrs, kn_dns_record_new_addr(name, s->ttl, &s->addr));
    }
    return K_OK;
}

/* backend_lookup.go SRV. */
static KErr
srv_records(Ctx *ctx, const Kubernetes *k, const char *name, const char *zone, GPtrArray *rrs,
            GPtrArray *extra)
{
    g_autoptr(GPtrArray) svcs = g_ptr_array_new_with_free_func((GDestroyNotify) ksvc_free);
    g_autoptr(GHashTable) dup = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    KErr err = services(ctx->cd, k, name, KN_DNS_TYPE_SRV, zone, svcs);

    if (err != K_OK)
        return err;
    /* Every service is priority 0 with weight 100 before duplicates go. */
    double total = 100.0 * svcs->len;
    for (guint i = 0; i < svcs->len; i++) {
        KSvc *s = svcs->pdata[i];

        if (s->port == -1)
            continue;
        guint16 weight = (guint16) (100.0 / total * 100.0);
        if (weight == 0)
            weight = 1;
        char *port_key = g_strdup_printf("%s/%d", s->domain, s->port);
        char *addr_key = g_strdup_printf("%s/%s", s->domain, s->host);

        if (!g_hash_table_contains(dup, port_key)) {
            g_hash_table_add(dup, port_key);
            g_ptr_array_add(rrs, kn_dns_record_new_srv(name, s->ttl, 0, weight, s->port, s->domain));
        } else {
            g_free(port_key);
        }
        if (!g_hash_table_contains(dup, addr_key)) {
            g_hash_table_add(dup, addr_key);
            g_ptr_array_add(extra, kn_dns_record_new_addr(s->domain, s->ttl, &s->addr));
        } else {
            g_free(addr_key);
        }
    }
    return K_OK;
}

/* The reverse name's owners (reverse.go serviceRecordForIP). */
static KErr
ptr_records(KnCoreDns *cd, const Kubernetes *k, const char *name, const char *zone, GPtrArray *rrs)
{
    KnAddr ip;

    if (!kn_dns_name_reverse_parse(name, &ip)) {
        g_autoptr(GPtrArray) svcs = g_ptr_array_new_with_free_func((GDestroyNotify) ksvc_free);
        KErr err = records(cd, k, name, zone, svcs);

        for (guint i = 0; err == K_OK && i < svcs->len; i++) {
            KSvc *s = svcs->pdata[i];

            if (s->addr.family == 0)
                g_ptr_array_add(rrs, kn_dns_record_new_target(name, KN_DNS_TYPE_PTR, s->ttl, s->host));
        }
        return err;
    }
    const char *primary = k->zones->pdata[0];
    g_autoptr(GPtrArray) svcs = kn_store_list(cd->cluster->store, KN_KIND_SERVICE, NULL);

    for (guint i = 0; i < svcs->len; i++) {
        KnService *svc = svcs->pdata[i];
        GPtrArray *ips = svc->spec.cluster_ips;

        for (guint j = 0; ips && j < ips->len; j++) {
            KnAddr a;

            if (kn_addr_parse(ips->pdata[j], &a) && kn_addr_equal(&a, &ip)) {
                g_autofree char *target = g_strdup_printf("%s.%s.svc.%s", svc->meta.name,
                                                          svc->meta.namespace, primary);

                g_ptr_array_add(rrs, kn_dns_record_new_target(name, KN_DNS_TYPE_PTR, k->ttl, target));
                return K_OK;
            }
        }
    }
    g_autoptr(GPtrArray) slices = kn_store_list(cd->cluster->store, KN_KIND_ENDPOINT_SLICE, NULL);
    g_autoptr(GHashTable) dup = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < slices->len; i++) {
        KnEndpointSlice *slice = slices->pdata[i];
        const char *svc = kn_labels_get(slice->meta.labels, "kubernetes.io/service-name");

        for (guint e = 0; svc && e < slice->endpoints->len; e++) {
            KnEndpoint *ep = slice->endpoints->pdata[e];

            for (guint a = 0; ep->ready && a < ep->addresses->len; a++) {
                KnAddr addr;

                if (!kn_addr_parse(ep->addresses->pdata[a], &addr) || !kn_addr_equal(&addr, &ip))
                    continue;
                g_autofree char *host = endpoint_hostname(ep, ep->addresses->pdata[a],
                                                          k->endpoint_pod_names);
                char *target = g_strdup_printf("%s.%s.%s.svc.%s", host, svc,
                                               slice->meta.namespace, primary);

                if (g_hash_table_contains(dup, target)) {
                    g_free(target);
                    continue;
                }
                g_hash_table_add(dup, target);
                g_ptr_array_add(rrs, kn_dns_record_new_target(name, KN_DNS_TYPE_PTR, k->ttl, target));
            }
        }
    }
    return rrs->len ? K_OK : K_NO_ITEMS;
}

/* backend_lookup.go SOA for 'zone' (in the query's case). */
static KnDnsRecord *
soa_record(KnCoreDns *cd, const Kubernetes *k, const char *zone)
{
    g_autofree char *mname = join("ns.dns", zone);
    g_autofree char *rname = join("hostmaster", zone);
    guint32 serial = (guint32) (EPOCH + (gint64) (cd->modified / KN_SEC));

    return kn_dns_record_new_soa(zone, MIN(k->ttl, 300), mname, rname, serial, 7200, 1800, 86400,
                                 k->ttl);
}

/* plugin.BackendError: NXDOMAIN or NODATA with the SOA, AA set. */
static KnDnsMessage *
backend_error(KnCoreDns *cd, const Kubernetes *k, const char *zone, const KnDnsMessage *query,
              guint8 rcode)
{
    KnDnsMessage *m = reply_rcode(query, rcode);

    m->aa = TRUE;
    g_ptr_array_add(m->authority, soa_record(cd, k, zone));
    return m;
}

/* handler.go ServeDNS; NULL to pass the query on (fallthrough, or not a
 * kubernetes zone). */
static KnDnsMessage *
kubernetes_serve(Ctx *ctx, const Kubernetes *k, const KnDnsMessage *query)
{
    const char *name = qname(query);
    const char *match_zone = zones_match(k->zones, name);

    if (match_zone == NULL)
        return NULL;

    g_autofree char *zone = zone_in_case(name, match_zone);
    g_autoptr(GPtrArray) rrs = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);
    g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);
    g_autoptr(GPtrArray) previous = g_ptr_array_new();
    g_autoptr(GPtrArray) svcs = g_ptr_array_new_with_free_func((GDestroyNotify) ksvc_free);
    KErr err = K_OK;
    guint16 qt = qtype(query);

    switch (qt) {
    case KN_DNS_TYPE_AXFR:
    case KN_DNS_TYPE_IXFR:
        ctx->plugin = "kubernetes";
        return reply_rcode(query, KN_DNS_RCODE_REFUSED);
    case KN_DNS_TYPE_A:
    case KN_DNS_TYPE_AAAA:
        err = address_records(ctx, k, name, qt, zone, previous, rrs);
        break;
    case KN_DNS_TYPE_TXT:
        err = services(ctx->cd, k, name, qt, zone, svcs);
        for (guint i = 0; err == K_OK && i < svcs->len; i++) {
            KSvc *s = svcs->pdata[i];

            if (s->text)
                g_ptr_array_add(rrs, kn_dns_record_new_txt(name, s->ttl, s->text));
        }
        break;
    case KN_DNS_TYPE_CNAME:
        err = services(ctx->cd, k, name, qt, zone, svcs);
        if (err == K_OK && svcs->len && ((KSvc *) svcs->pdata[0])->addr.family == 0) {
            KSvc *s = svcs->pdata[0];

            g_ptr_array_add(rrs, kn_dns_record_new_target(name, KN_DNS_TYPE_CNAME, s->ttl, s->host));
        }
        break;
    case KN_DNS_TYPE_PTR:
        err = ptr_records(ctx->cd, k, name, zone, rrs);
        break;
    case KN_DNS_TYPE_SRV:
        err = srv_records(ctx, k, name, zone, rrs, extra);
        break;
    case KN_DNS_TYPE_SOA:
        if (kn_dns_name_equal(name, zone))
            g_ptr_array_add(rrs, soa_record(ctx->cd, k, zone));
        break;
    case KN_DNS_TYPE_NS:
        if (kn_dns_name_equal(name, zone)) {
            g_autofree char *ns = join("ns.dns", zone);

            ns_addrs(ctx->cd, ns, k->ttl, svcs);
            if (svcs->len)
                g_ptr_array_add(rrs, kn_dns_record_new_target(name, KN_DNS_TYPE_NS, k->ttl, ns));
            for (guint i = 0; i < svcs->len; i++) {
                KSvc *s = svcs->pdata[i];

                g_ptr_array_add(extra, kn_dns_record_new_addr(ns, s->ttl, &s->addr));
            }
            break;
        }
        /* fall through */
    default: {
        /* A fake A lookup tells NODATA from NXDOMAIN. */
        g_autoptr(GPtrArray) fake = g_ptr_array_new_with_free_func((GDestroyNotify) kn_dns_record_free);

        err = address_records(ctx, k, name, KN_DNS_TYPE_A, zone, previous, fake);
        break;
    }
    }
    if (err == K_NO_ITEMS) {
        if (fall_through(&k->fall, name))
            return NULL;
        ctx->plugin = "kubernetes";
        return backend_error(ctx->cd, k, zone, query, KN_DNS_RCODE_NXDOMAIN);
    }
    ctx->plugin = "kubernetes";
    if (rrs->len == 0)
        return backend_error(ctx->cd, k, zone, query, KN_DNS_RCODE_NOERROR);

    KnDnsMessage *m = kn_dns_message_new_reply(query);
    m->aa = TRUE;
    g_ptr_array_extend_and_steal(m->answers, g_steal_pointer(&rrs));
    g_ptr_array_extend_and_steal(m->additional, g_steal_pointer(&extra));
    return m;
}

/*****************************************************************************/
/* hosts, forward, rewrite, autopath. */

static KnDnsMessage *
hosts_serve(Ctx *ctx, const Hosts *h, const KnDnsMessage *query)
{
    const char *name = qname(query);
    guint16 qt = qtype(query);
    g_autofree char *lower = kn_dns_name_canonical(name);
    KnAddr rev;
    gboolean other = FALSE;

    if (zones_match(h->zones, name) == NULL)
        return NULL;

    KnDnsMessage *m = kn_dns_message_new_reply(query);
    if (qt == KN_DNS_TYPE_PTR && !h->no_reverse && kn_dns_name_reverse_parse(name, &rev)) {
        for (guint i = 0; i < h->entries->len; i++) {
            HostsEntry *e = h->entries->pdata[i];

            if (kn_addr_equal(&e->addr, &rev))
                g_ptr_array_add(m->answers, kn_dns_record_new_target(name, KN_DNS_TYPE_PTR, h->ttl,
                                                                     e->name));
        }
    } else {
        for (guint i = 0; i < h->entries->len; i++) {
            HostsEntry *e = h->entries->pdata[i];

            if (strcmp(e->name, lower) != 0)
                continue;
            if ((qt == KN_DNS_TYPE_A && e->addr.family == 4) ||
                (qt == KN_DNS_TYPE_AAAA && e->addr.family == 6))
                g_ptr_array_add(m->answers, kn_dns_record_new_addr(name, h->ttl, &e->addr));
            else
                other = TRUE;
        }
    }
    if (m->answers->len == 0 && !other) {
        kn_dns_message_free(m);
        if (fall_through(&h->fall, name))
            return NULL;
        /* hosts.go: no SOA to send NXDOMAIN with, so SERVFAIL. */
        ctx->plugin = "hosts";
        return reply_rcode(query, KN_DNS_RCODE_SERVFAIL);
    }
    m->aa = TRUE;
    ctx->plugin = "hosts";
    return m;
}

/* A forward over the data path (plugin/pkg/proxy connect.go lookupDNS):
 * the first walk leaves the query to send in ctx->pending, with a fresh
 * random id (dns.Id(); the client's is restored on the reply) over TCP
 * with force_tcp, UDP with prefer_udp, else the client's protocol; the
 * resumed walk returns the upstream's reply under the client's id, or
 * SERVFAIL if none came. */
static KnDnsMessage *
forward_network(Ctx *ctx, const Block *b, const KnDnsMessage *query, const KnAddr *to,
                gboolean client_tcp)
{
    KnDnsMessage *m;

    ctx->plugin = "forward";
    ctx->forwarded = ctx->upstream_opt = TRUE;
    ctx->upstream = b->forward_to->pdata[0];
    if (!ctx->resuming) {
        ctx->cd->stats.n_forwarded++;
        kn_dns_message_free(ctx->pending);
        ctx->pending = kn_dns_message_copy(query);
        ctx->pending->id = (guint16) kn_rng_below(ctx->cd->ids, 65536);
        ctx->pending_to = *to;
        ctx->pending_tcp = b->force_tcp || (!b->prefer_udp && client_tcp);
        return reply_rcode(query, KN_DNS_RCODE_SERVFAIL);    /* a placeholder, never sent */
    }
    if (ctx->upstream_reply == NULL)
        return reply_rcode(query, KN_DNS_RCODE_SERVFAIL);
    m = kn_dns_message_copy(ctx->upstream_reply);
    m->id = query->id;
    /* The request's OPT is what goes back (request.SizeAndDo). */
    for (guint i = m->additional->len; i-- > 0;)
        if (((KnDnsRecord *) m->additional->pdata[i])->type == KN_DNS_TYPE_OPT)
            g_ptr_array_remove_index(m->additional, i);
    return m;
}

/* The forward of block 'b': over the data path when the server forwards
 * on the network and the upstream is an address, else the scenario's
 * outside resolver answering 'query' in place. */
KnDnsMessage *
kn_coredns_upstream_answer(const KnScenario *scenario, const KnDnsMessage *query)
{
    const char *name = qname(query);
    guint16 qt = qtype(query);
    KnDnsMessage *m = kn_dns_message_new_reply(query);
    const KnExternalName *found = NULL;

    m->ra = TRUE;
    for (guint i = 0; scenario && i < scenario->external_names->len; i++) {
        const KnExternalName *ext = scenario->external_names->pdata[i];

        if (kn_dns_name_equal(ext->name, name))
            found = ext;
    }
    if (found == NULL) {
        m->rcode = KN_DNS_RCODE_NXDOMAIN;
    } else {
        for (guint i = 0; found->addresses && found->addresses[i]; i++) {
            KnAddr addr;

            if (!kn_addr_parse(found->addresses[i], &addr))
                continue;
            if ((qt == KN_DNS_TYPE_A && addr.family == 4) ||
                (qt == KN_DNS_TYPE_AAAA && addr.family == 6))
                g_ptr_array_add(m->answers, kn_dns_record_new_addr(name, UPSTREAM_TTL, &addr));
        }
    }
    if (m->answers->len == 0)
        g_ptr_array_add(m->authority,
                        kn_dns_record_new_soa("", 86400, "a.root-servers.net",
                                              "nstld.verisign-grs.com", 2024010100, 1800, 900,
                                              604800, 86400));
    return m;
}

static KnDnsMessage *
forward_serve(Ctx *ctx, const Block *b, const KnDnsMessage *query)
{
    const char *target = b->forward_to->pdata[0];
    KnAddr to;

    if (ctx->cd->network_forward && kn_addr_parse(target, &to))
        return forward_network(ctx, b, query, &to, ctx->tcp);
    if (ctx->cd->has_resolv_conf && target[0] == '/')
        return forward_network(ctx, b, query, &ctx->cd->resolv_conf, ctx->tcp);
    ctx->plugin = "forward";
    ctx->forwarded = ctx->upstream_opt = TRUE;
    ctx->upstream = target;
    ctx->cd->stats.n_forwarded++;
    return kn_coredns_upstream_answer(ctx->cd->cluster->scenario, query);
}

/* 'name' rewritten by the first rule that matches; NULL if none does. */
static char *
rewrite_name(const Rewrite *r, const char *name, gboolean reverse)
{
    g_autofree char *lower = kn_dns_name_canonical(name);
    const char *from = reverse ? r->to : r->from;
    const char *to = reverse ? r->from : r->to;

    switch (r->kind) {
    case REWRITE_EXACT:
        return strcmp(lower, from) == 0 ? g_strdup(to) : NULL;
    case REWRITE_PREFIX:
        return g_str_has_prefix(lower, from) ? g_strconcat(to, lower + strlen(from), NULL) : NULL;
    case REWRITE_SUFFIX:
        if (!g_str_has_suffix(lower, from))
            return NULL;
        return g_strdup_printf("%.*s%s", (int) (strlen(lower) - strlen(from)), lower, to);
    case REWRITE_SUBSTRING: {
        const char *at = strstr(lower, from);

        if (at == NULL)
            return NULL;
        return g_strdup_printf("%.*s%s%s", (int) (at - lower), lower, to, at + strlen(from));
    }
    case REWRITE_REGEX: {
        if (reverse || !g_regex_match(r->regex, lower, 0, NULL))
            return NULL;
        /* CoreDNS writes groups as {1}; GRegex wants \1. */
        g_autoptr(GString) replacement = g_string_new(NULL);
        for (const char *p = r->to; *p; p++) {
            if (*p == '{' && g_ascii_isdigit(p[1]) && p[2] == '}') {
                g_string_append_printf(replacement, "\\%c", p[1]);
                p += 2;
            } else {
                g_string_append_c(replacement, *p);
            }
        }
        char *out = g_regex_replace(r->regex, lower, -1, 0, replacement->str, 0, NULL);
        gsize n = out ? strlen(out) : 0;

        if (n && out[n - 1] == '.')
            out[n - 1] = '\0';
        return out;
    }
    }
    return NULL;
}

typedef enum {
    STAGE_REWRITE,
    STAGE_AUTOPATH,
    STAGE_HOSTS,
    STAGE_KUBERNETES,
    STAGE_FORWARD,
} Stage;

static KnDnsMessage *chain(Ctx *ctx, const Block *b, const KnDnsMessage *query, Stage stage);

static KnDnsMessage *
rewrite_serve(Ctx *ctx, const Block *b, const KnDnsMessage *query)
{
    for (guint i = 0; i < b->rewrites->len; i++) {
        const Rewrite *r = b->rewrites->pdata[i];
        g_autofree char *to = rewrite_name(r, qname(query), FALSE);

        if (to == NULL)
            continue;
        g_autoptr(KnDnsMessage) q = kn_dns_message_copy(query);
        KnDnsQuestion *question = q->questions->pdata[0];

        g_free(question->name);
        question->name = g_strdup(to);
        KnDnsMessage *m = chain(ctx, b, q, STAGE_AUTOPATH);
        /* The question goes back as asked; the answers only with answer auto. */
        if (m->questions->len) {
            KnDnsQuestion *mq = m->questions->pdata[0];

            g_free(mq->name);
            mq->name = g_strdup(qname(query));
        }
        for (guint j = 0; r->answer_auto && j < m->answers->len; j++) {
            KnDnsRecord *rr = m->answers->pdata[j];
            char *back = rewrite_name(r, rr->name, TRUE);

            if (back) {
                g_free(rr->name);
                rr->name = back;
            }
        }
        return m;
    }
    return chain(ctx, b, query, STAGE_AUTOPATH);
}

/* kubernetes autopath.go AutoPath: the search path of the client pod, or
 * NULL. */
static GPtrArray *
autopath_search(Ctx *ctx, const Kubernetes *k, const char *name)
{
    const char *zone = zones_match(k->zones, name);

    if (zone == NULL || k->pods != PODS_VERIFIED || ctx->client == NULL)
        return NULL;
    g_autoptr(GPtrArray) pods = kn_store_list(ctx->cd->cluster->store, KN_KIND_POD, NULL);
    const KnPod *pod = NULL;

    for (guint i = 0; i < pods->len && pod == NULL; i++) {
        KnPod *p = pods->pdata[i];
        KnAddr a;

        if (p->pod_ip && !p->spec.host_network && kn_addr_parse(p->pod_ip, &a) &&
            kn_addr_equal(&a, ctx->client))
            pod = p;
    }
    if (pod == NULL)
        return NULL;
    GPtrArray *search = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(search, g_strdup_printf("%s.svc.%s", pod->meta.namespace, zone));
    g_ptr_array_add(search, join("svc", zone));
    g_ptr_array_add(search, g_strdup(zone));
    g_ptr_array_add(search, g_strdup(""));
    return search;
}

/* plugin/autopath autopath.go ServeDNS and cname.go cnamer. */
static KnDnsMessage *
autopath_serve(Ctx *ctx, const Block *b, const KnDnsMessage *query)
{
    const char *name = qname(query);
    g_autoptr(GPtrArray) search = b->kubernetes ? autopath_search(ctx, b->kubernetes, name) : NULL;

    if (search == NULL || !kn_dns_name_is_subdomain(name, search->pdata[0]))
        return chain(ctx, b, query, STAGE_HOSTS);
    /* The first search domain itself passes firstInSearchPath, but
     * dnsutil.TrimZone finds no base name in it: ServeDNS returns
     * SERVFAIL. */
    if (kn_dns_name_equal(name, search->pdata[0])) {
        ctx->plugin = "autopath";
        return reply_rcode(query, KN_DNS_RCODE_SERVFAIL);
    }

    gsize n = strlen(name) - (name[strlen(name) - 1] == '.') - strlen(search->pdata[0]) - 1;
    g_autofree char *base = g_strndup(name, n);
    KnDnsMessage *first = NULL;

    ctx->autopath = TRUE;
    for (guint i = 0; i < search->len; i++) {
        g_autoptr(KnDnsMessage) q = kn_dns_message_copy(query);
        KnDnsQuestion *question = q->questions->pdata[0];

        g_free(question->name);
        question->name = join(base, search->pdata[i]);
        if (i > 0)
            ctx->n_internal++;
        KnDnsMessage *m = chain(ctx, b, q, STAGE_HOSTS);

        if (m->rcode == KN_DNS_RCODE_NXDOMAIN) {
            if (i == 0)
                first = m;
            else
                kn_dns_message_free(m);
            continue;
        }
        for (guint j = 0; j < m->answers->len; j++) {
            KnDnsRecord *rr = m->answers->pdata[j];

            if (kn_dns_name_equal(rr->name, name))
                continue;
            g_ptr_array_insert(m->answers, 0,
                               kn_dns_record_new_target(name, KN_DNS_TYPE_CNAME, rr->ttl, rr->name));
            break;
        }
        g_free(((KnDnsQuestion *) m->questions->pdata[0])->name);
        ((KnDnsQuestion *) m->questions->pdata[0])->name = g_strdup(name);
        kn_dns_message_free(first);
        ctx->plugin = "autopath";
        return m;
    }
    return first;
}

static KnDnsMessage *
chain(Ctx *ctx, const Block *b, const KnDnsMessage *query, Stage stage)
{
    KnDnsMessage *m;

    switch (stage) {
    case STAGE_REWRITE:
        return rewrite_serve(ctx, b, query);
    case STAGE_AUTOPATH:
        if (b->autopath)
            return autopath_serve(ctx, b, query);
        /* fall through */
    case STAGE_HOSTS:
        if (b->hosts && (m = hosts_serve(ctx, b->hosts, query)) != NULL)
            return m;
        /* fall through */
    case STAGE_KUBERNETES:
        if (b->kubernetes && (m = kubernetes_serve(ctx, b->kubernetes, query)) != NULL)
            return m;
        /* fall through */
    case STAGE_FORWARD:
        if (b->forward_to && kn_dns_name_is_subdomain(qname(query), b->forward_from))
            return forward_serve(ctx, b, query);
        break;
    }
    /* plugin.NextOrFailure with no next plugin: SERVFAIL. */
    ctx->plugin = "";
    return reply_rcode(query, KN_DNS_RCODE_SERVFAIL);
}

/*****************************************************************************/
/* cache and loadbalance. */

/* dnsutil.MinimalTTL, and whether 'm' is a denial. */
static guint32
minimal_ttl(const KnDnsMessage *m, gboolean *denial)
{
    guint32 ttl = G_MAXUINT32;

    *denial = m->rcode == KN_DNS_RCODE_NXDOMAIN ||
              (m->rcode == KN_DNS_RCODE_NOERROR && m->answers->len == 0);
    if (*denial) {
        for (guint i = 0; i < m->authority->len; i++) {
            const KnDnsRecord *r = m->authority->pdata[i];

            if (r->type == KN_DNS_TYPE_SOA)
                return MIN(r->minimum, r->ttl);
        }
        return 300;              /* MinimalDefaultTTL */
    }
    GPtrArray *sections[] = { m->answers, m->authority, m->additional };
    for (guint s = 0; s < G_N_ELEMENTS(sections); s++)
        for (guint i = 0; i < sections[s]->len; i++) {
            const KnDnsRecord *r = sections[s]->pdata[i];

            if (r->type != KN_DNS_TYPE_OPT)
                ttl = MIN(ttl, r->ttl);
        }
    return ttl == G_MAXUINT32 ? 300 : ttl;
}

static void
set_ttls(KnDnsMessage *m, guint32 ttl)
{
    GPtrArray *sections[] = { m->answers, m->authority, m->additional };

    for (guint s = 0; s < G_N_ELEMENTS(sections); s++)
        for (guint i = 0; i < sections[s]->len; i++) {
            KnDnsRecord *r = sections[s]->pdata[i];

            if (r->type != KN_DNS_TYPE_OPT)
                r->ttl = ttl;
        }
}

static char *
cache_key(const KnDnsMessage *query)
{
    g_autofree char *lower = kn_dns_name_canonical(qname(query));
    gboolean dnssec = FALSE;
    char head[16];
    guint16 type = qtype(query);
    int n = 0;

    /* "TYPE/DO/CD/name", written by hand: this runs for every query. */
    kn_dns_message_get_edns(query, NULL, &dnssec);
    do
        head[n++] = (char) ('0' + type % 10);
    while ((type /= 10) > 0);
    for (int i = 0; i < n / 2; i++) {
        char t = head[i];

        head[i] = head[n - 1 - i];
        head[n - 1 - i] = t;
    }
    head[n++] = '/';
    head[n++] = dnssec ? '1' : '0';
    head[n++] = '/';
    head[n++] = query->cd ? '1' : '0';
    head[n++] = '/';
    head[n] = '\0';
    return g_strconcat(head, lower, NULL);
}

static void
cache_store(KnCoreDns *cd, const Block *b, char *key, KnDnsMessage *reply, guint32 ttl)
{
    CacheItem *old = g_hash_table_lookup(cd->cache, key);

    if (old != NULL) {
        g_hash_table_remove(cd->cache, key);
        g_queue_remove(&cd->cache_order, old);
        cache_item_drop(cd, old);
    }
    if (g_hash_table_size(cd->cache) >= 2 * b->cache_capacity) {
        CacheItem *oldest = g_queue_pop_head(&cd->cache_order);

        g_hash_table_remove(cd->cache, oldest->key);
        cache_item_drop(cd, oldest);
    }
    CacheItem *item = g_new0(CacheItem, 1);
    item->key = key;
    item->reply = kn_dns_message_copy(reply);
    item->reply->compress = TRUE;
    g_ptr_array_set_size(item->reply->additional, 0);  /* the OPT is the request's */
    for (guint i = 0; i < reply->additional->len; i++) {
        KnDnsRecord *r = reply->additional->pdata[i];

        if (r->type != KN_DNS_TYPE_OPT)
            g_ptr_array_add(item->reply->additional, kn_dns_record_copy(r));
    }
    item->stored = kn_sim_now(cd->cluster->sim);
    item->ttl = ttl;
    g_hash_table_insert(cd->cache, item->key, item);
    g_queue_push_tail(&cd->cache_order, item);
}

/* The cache plugin around the rest of the chain. */
static KnDnsMessage *
cache_serve(Ctx *ctx, const Block *b, const KnDnsMessage *query)
{
    KnCoreDns *cd = ctx->cd;

    if (!b->cache)
        return chain(ctx, b, query, STAGE_REWRITE);

    char *key = cache_key(query);
    /* The resumed walk of a forward already missed. */
    CacheItem *item = ctx->resuming ? NULL : g_hash_table_lookup(cd->cache, key);
    KnTime now = kn_sim_now(cd->cluster->sim);

    if (item != NULL) {
        gint64 left = (gint64) item->ttl - (gint64) ((now - item->stored) / KN_SEC);

        if (left > 0) {
            KnDnsMessage *m = kn_dns_message_new_reply(query);

            /* item.go toMsg: AA set (some clients drop non-authoritative
             * answers), RA and rcode from the stored reply. */
            m->aa = TRUE;
            m->ra = item->reply->ra;
            m->rcode = item->reply->rcode;
            for (guint i = 0; i < item->reply->answers->len; i++)
                g_ptr_array_add(m->answers, kn_dns_record_copy(item->reply->answers->pdata[i]));
            for (guint i = 0; i < item->reply->authority->len; i++)
                g_ptr_array_add(m->authority, kn_dns_record_copy(item->reply->authority->pdata[i]));
            for (guint i = 0; i < item->reply->additional->len; i++)
                g_ptr_array_add(m->additional, kn_dns_record_copy(item->reply->additional->pdata[i]));
            set_ttls(m, left);
            ctx->cached = TRUE;
            if (ctx->depth == 0)
                ctx->hit = item;     /* the reply itself, not a lookup inside it */
            ctx->plugin = "cache";
            cd->stats.n_cache_hits++;
            g_free(key);
            return m;
        }
    }
    if (!ctx->resuming)
        cd->stats.n_cache_misses++;

    KnDnsMessage *m = chain(ctx, b, query, STAGE_REWRITE);

    if (ctx->pending != NULL) {
        g_free(key);                /* nothing to keep before the upstream answers */
        return m;
    }
    /* ResponseWriter.WriteMsg: filterRRSlice drops the OPT on the way out. */
    ctx->upstream_opt = FALSE;
    gboolean denial;
    guint32 msg_ttl = minimal_ttl(m, &denial);
    guint32 duration;

    if (m->rcode == KN_DNS_RCODE_SERVFAIL)
        duration = 5;            /* failttl */
    else if (m->rcode != KN_DNS_RCODE_NOERROR && m->rcode != KN_DNS_RCODE_NXDOMAIN)
        duration = 0;            /* OtherError: not cached */
    else
        duration = CLAMP(msg_ttl, 5, denial ? b->cache_nttl : b->cache_pttl);
    if (duration > 0 && !m->tc && m->rcode != KN_DNS_RCODE_SERVFAIL)
        set_ttls(m, duration);
    if (duration > 0 && !m->tc)
        cache_store(cd, b, key, m, duration);
    else
        g_free(key);
    return m;
}

/* loadbalance.go roundRobin: CNAMEs, the rest, then shuffled addresses.
 * Returns whether it drew from 'rng'. */
static gboolean
round_robin(KnRng *rng, GPtrArray *rrs)
{
    if (rrs->len < 2)
        return FALSE;            /* nothing to reorder, nothing drawn */

    g_autoptr(GPtrArray) cname = g_ptr_array_new();
    g_autoptr(GPtrArray) rest = g_ptr_array_new();
    g_autoptr(GPtrArray) address = g_ptr_array_new();
    g_autoptr(GPtrArray) mx = g_ptr_array_new();

    for (guint i = 0; i < rrs->len; i++) {
        KnDnsRecord *r = rrs->pdata[i];

        switch (r->type) {
        case KN_DNS_TYPE_CNAME: g_ptr_array_add(cname, r); break;
        case KN_DNS_TYPE_A:
        case KN_DNS_TYPE_AAAA: g_ptr_array_add(address, r); break;
        case KN_DNS_TYPE_MX: g_ptr_array_add(mx, r); break;
        default: g_ptr_array_add(rest, r); break;
        }
    }
    guint l = address->len;
    if (l == 2) {
        if (kn_rng_below(rng, 65536) % 2 == 0) {
            gpointer t = address->pdata[0];

            address->pdata[0] = address->pdata[1];
            address->pdata[1] = t;
        }
    } else if (l > 2) {
        for (guint j = 0; j < l; j++) {
            guint p = j + (guint) (kn_rng_below(rng, 65536) % (l - j));
            gpointer t = address->pdata[j];

            address->pdata[j] = address->pdata[p];
            address->pdata[p] = t;
        }
    }
    guint n = 0;
    GPtrArray *parts[] = { cname, rest, address, mx };
    for (guint s = 0; s < G_N_ELEMENTS(parts); s++)
        for (guint i = 0; i < parts[s]->len; i++)
            rrs->pdata[n++] = parts[s]->pdata[i];
    return l >= 2;
}

/*****************************************************************************/
/* The server. */

static const Block *
select_block(const KnCoreDns *cd, const char *name)
{
    const Block *best = NULL;
    gsize best_len = 0;

    for (guint i = 0; i < cd->config->blocks->len; i++) {
        const Block *b = cd->config->blocks->pdata[i];

        if (b->port != KN_DNS_PORT)
            continue;
        for (guint z = 0; z < b->zones->len; z++) {
            const char *zone = b->zones->pdata[z];

            if (kn_dns_name_is_subdomain(name, zone) && (best == NULL || strlen(zone) > best_len)) {
                best = b;
                best_len = strlen(zone);
            }
        }
    }
    return best;
}

/* core/dnsserver Server.ServeDNS without the response writer wrappers. */
static KnDnsMessage *
server_serve(Ctx *ctx, const KnDnsMessage *query)
{
    const KnDnsQuestion *q = kn_dns_message_question(query);

    if (q == NULL)
        return reply_rcode(query, KN_DNS_RCODE_FORMERR);

    const Block *b = select_block(ctx->cd, q->name);
    if (b == NULL) {
        ctx->plugin = "";
        return reply_rcode(query, KN_DNS_RCODE_REFUSED);
    }

    KnDnsMessage *m = cache_serve(ctx, b, query);
    if (b->loadbalance && m->rcode == KN_DNS_RCODE_NOERROR && m->qr && m->opcode == 0) {
        ctx->drew |= round_robin(ctx->cd->rng, m->answers);
        ctx->drew |= round_robin(ctx->cd->rng, m->authority);
        ctx->drew |= round_robin(ctx->cd->rng, m->additional);
    }
    return m;
}

/* request.go supportedOptions: the options of the query's OPT that the
 * reply repeats (NSID, EXPIRE, COOKIE, TCP-KEEPALIVE, PADDING; no plugin
 * of the Corefile registers more), in the query's order.  New, or NULL
 * if there are none. */
static GBytes *
supported_options(const KnDnsMessage *query)
{
    const KnDnsRecord *opt = kn_dns_message_opt(query);
    g_autoptr(GByteArray) out = g_byte_array_new();
    const guint8 *d;
    gsize n, at = 0;

    if (opt == NULL || opt->rdata == NULL)
        return NULL;
    d = g_bytes_get_data(opt->rdata, &n);
    while (at + 4 <= n) {
        guint16 code = (guint16) (d[at] << 8 | d[at + 1]);
        gsize length = (gsize) (d[at + 2] << 8 | d[at + 3]);

        if (at + 4 + length > n)
            break;
        if (code == 3 || code == 9 || code == 10 || code == 11 || code == 12)
            g_byte_array_append(out, d + at, (guint) (4 + length));
        at += 4 + length;
    }
    if (out->len == 0)
        return NULL;
    return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

/* One walk of 'query' through the server, into 'out' (kn_coredns_answer()
 * and kn_coredns_answer_resume()). */
static void
answer(KnCoreDns *cd, const KnDnsMessage *query, const KnAddr *client, gboolean tcp, gboolean resuming,
       const KnDnsMessage *upstream_reply, KnCoreDnsAnswer *out)
{
    Ctx ctx = { .cd = cd, .client = client, .tcp = tcp, .plugin = "", .resuming = resuming,
                .upstream_reply = upstream_reply };
    guint16 udp_size = KN_DNS_UDP_MAX;
    gboolean dnssec = FALSE;
    gboolean edns;

    memset(out, 0, sizeof *out);
    if (!resuming)
        cd->stats.n_queries++;
    edns = kn_dns_message_get_edns(query, &udp_size, &dnssec);

    KnDnsMessage *m = server_serve(&ctx, query);

    out->plugin = ctx.plugin;
    out->forwarded = ctx.forwarded;
    if (ctx.pending != NULL) {
        /* Nothing to send back yet: the caller carries the query upstream. */
        kn_dns_message_free(m);
        out->pending = g_steal_pointer(&ctx.pending);
        out->pending_to = ctx.pending_to;
        out->pending_tcp = ctx.pending_tcp;
        out->upstream = g_strdup(ctx.upstream);
        return;
    }

    /* request.SizeAndDo: the request's OPT goes back, its flags cleared but
     * DO, with the options CoreDNS supports (a client's COOKIE comes back
     * as it was sent, which dig shows as "(echoed)").  A reply forward
     * wrote keeps the upstream's OPT instead, taken here as one without
     * options; but the cache plugin strips it on the way out, and an
     * ExternalName's answer takes only the upstream's records. */
    for (guint i = m->additional->len; i-- > 0;)
        if (((KnDnsRecord *) m->additional->pdata[i])->type == KN_DNS_TYPE_OPT)
            g_ptr_array_remove_index(m->additional, i);
    if (edns) {
        kn_dns_message_set_edns(m, udp_size, dnssec);
        if (!ctx.upstream_opt)
            kn_dns_message_opt(m)->rdata = supported_options(query);
    }

    /* request.Scrub. */
    gsize size = tcp ? 65535 : udp_size;
    if (kn_dns_message_truncate(m, size))
        cd->stats.n_truncated++;
    /* (Uncompressed, it fits in 'size': only a larger 'size' can exceed
     * the limits.) */
    if (!m->compress && !tcp && size > 1220) {
        gsize length = kn_dns_message_wire_size(m);

        if ((client && client->family == 6) ? length > 1220 : length > 1480)
            m->compress = TRUE;
    }
    if (m->rcode == KN_DNS_RCODE_NXDOMAIN)
        cd->stats.n_nxdomain++;

    out->response = m;
    out->cached = ctx.cached;
    if (!ctx.drew && !tcp)
        out->hit = ctx.hit;
    out->autopath = ctx.autopath;
    out->n_internal = ctx.n_internal;
    if (ctx.forwarded && resuming) {
        out->upstream = g_strdup(ctx.upstream);
    } else if (ctx.forwarded) {
        /* /etc/resolv.conf of a dnsPolicy: Default pod is the node's, which
         * points at the scenario's outside resolver. */
        out->upstream = g_strdup(g_str_has_prefix(ctx.upstream, "/") ? "external.dns" : ctx.upstream);
        out->upstream_delay = cd->cluster->scenario ? 2 * cd->cluster->scenario->network.external : 0;
    }
}

void
kn_coredns_answer(KnCoreDns *cd, const KnDnsMessage *query, const KnAddr *client,
                  gboolean tcp, KnCoreDnsAnswer *out)
{
    g_return_if_fail(cd != NULL && query != NULL && out != NULL);
    answer(cd, query, client, tcp, FALSE, NULL, out);
}

/* The bytes of a repeated reply, from the spares of the thread that sends
 * it: the client drops them an exchange later, most often on the same
 * thread (another lane's thread keeps them for its own). */
typedef struct ReplyBlock {
    gsize size;                  /* of the block, for kn_spare_free() */
    guint8 bytes[];
} ReplyBlock;

static void
reply_block_free(ReplyBlock *block)
{
    kn_spare_free(block, block->size);
}

GBytes *
kn_coredns_answer_again(KnCoreDns *cd, GBytes *request, const KnAddr *client)
{
    gsize length;
    const guint8 *query = g_bytes_get_data(request, &length);
    guint8 family = client != NULL ? client->family : 0;

    g_return_val_if_fail(cd != NULL && request != NULL, NULL);
    if (length < 12 || length > REPEAT_MAX_QUERY || cd->repeats.n == 0)
        return NULL;

    const Repeat *r = repeat_find(&cd->repeats, repeat_hash(query, length, family), query, length, family);

    if (r == NULL)
        return NULL;
    /* What cache_serve() finds left of the entry. */
    KnTime now = kn_sim_now(cd->cluster->sim);
    gint64 left = (gint64) r->ttl - (gint64) ((now - r->stored) / KN_SEC);

    if (left <= 0)
        return NULL;             /* expired: the long way replaces the entry */
    /* The counters of answer() and cache_serve() for a hit. */
    cd->stats.n_queries++;
    cd->stats.n_cache_hits++;
    if (r->truncated)
        cd->stats.n_truncated++;
    if (r->nxdomain)
        cd->stats.n_nxdomain++;

    ReplyBlock *block = kn_spare_alloc0(sizeof *block + r->reply_length);
    guint8 *out = block->bytes;

    block->size = sizeof *block + r->reply_length;
    memcpy(out, r->bytes + r->key_length, r->reply_length);
    out[0] = query[0];
    out[1] = query[1];
    for (guint i = 0; i < r->n_ttls; i++) {
        guint8 *ttl = out + r->ttls[i];

        ttl[0] = (guint8) (left >> 24);
        ttl[1] = (guint8) (left >> 16);
        ttl[2] = (guint8) (left >> 8);
        ttl[3] = (guint8) left;
    }
    return g_bytes_new_with_free_func(out, r->reply_length, (GDestroyNotify) reply_block_free, block);
}

void
kn_coredns_remember(KnCoreDns *cd, GBytes *request, const KnAddr *client, const KnCoreDnsAnswer *answer,
                    GBytes *reply)
{
    CacheItem *item = (CacheItem *) answer->hit;
    gsize length, reply_length;
    const guint8 *query = g_bytes_get_data(request, &length);
    const guint8 *data = g_bytes_get_data(reply, &reply_length);
    guint8 family = client != NULL ? client->family : 0;
    guint16 ttls[REPEAT_MAX_TTLS];
    guint32 hash;
    gint n_ttls;
    Repeat *r;

    if (item == NULL || length < 12 || length > REPEAT_MAX_QUERY || reply_length > G_MAXUINT16
        || item->n_repeats >= REPEATS_PER_ITEM)
        return;
    hash = repeat_hash(query, length, family);
    if (repeat_find(&cd->repeats, hash, query, length, family) != NULL)
        return;
    n_ttls = kn_dns_wire_ttl_offsets(data, reply_length, ttls, REPEAT_MAX_TTLS);
    if (n_ttls < 0)
        return;
    /* A copy: 'reply' goes out in a packet, perhaps to another lane's
     * thread, and GBytes counts its references where ThreadSanitizer
     * cannot see. */
    r = g_malloc(sizeof *r + (length - 2) + reply_length);
    *r = (Repeat) { .stored = item->stored, .ttl = item->ttl, .hash = hash, .key_length = (guint16) (length - 2),
                    .reply_length = (guint16) reply_length, .family = family, .n_ttls = (guint8) n_ttls,
                    .truncated = answer->response->tc,
                    .nxdomain = answer->response->rcode == KN_DNS_RCODE_NXDOMAIN };
    memcpy(r->ttls, ttls, n_ttls * sizeof *ttls);
    memcpy(r->bytes, query + 2, length - 2);
    memcpy(r->bytes + r->key_length, data, reply_length);
    item->repeats[item->n_repeats++] = r;
    repeat_add(&cd->repeats, r);
}

void
kn_coredns_answer_resume(KnCoreDns *cd, const KnDnsMessage *query, const KnAddr *client, gboolean tcp,
                         const KnDnsMessage *upstream_reply, KnCoreDnsAnswer *out)
{
    g_return_if_fail(cd != NULL && query != NULL && out != NULL);
    answer(cd, query, client, tcp, TRUE, upstream_reply, out);
}

void
kn_coredns_answer_clear(KnCoreDnsAnswer *answer)
{
    if (answer == NULL)
        return;
    g_clear_pointer(&answer->response, kn_dns_message_free);
    g_clear_pointer(&answer->pending, kn_dns_message_free);
    g_clear_pointer(&answer->upstream, g_free);
}
