/* images.h -- the container image catalog: what each image listens on, how
 * its server answers, which C library and /bin/sh it has, and which tools
 * (with which version and flavour) a command run inside it finds.
 *
 * The data path asks the catalog which ports a pod's container listens on
 * and hands each request it delivers to kn_images_serve(); the shell
 * (models/shell.h) and the tools (models/tools.h) ask it which programs
 * exist in the image and how they behave.  The catalog is data: built-in
 * entries come from a static table, and a scenario may add its own with
 * kn_images_catalog_add() (an `images:` section is for later). */
#pragma once

#include <glib.h>
#include "sim/addr.h"
#include "sim/time.h"

/* The C library of an image: it decides the resolver (search list, ndots,
 * parallel A/AAAA) and the text of strerror() (glibc "Connection timed
 * out", musl "Operation timed out"). */
typedef enum {
    KN_LIBC_GLIBC,
    KN_LIBC_MUSL,
} KnLibc;

/* Which program /bin/sh is; it decides error texts ("sh: curl: not found"
 * in busybox ash, "sh: 1: curl: not found" in dash). */
typedef enum {
    KN_SH_NONE,                  /* no shell (distroless, scratch) */
    KN_SH_ASH,                   /* busybox ash (busybox, Alpine) */
    KN_SH_DASH,                  /* dash (Debian) */
    KN_SH_BASH,                  /* GNU bash */
} KnShFlavour;

/* Which implementation of a tool an image carries. */
typedef enum {
    KN_TOOL_GNU,                 /* GNU coreutils / grep (Debian) */
    KN_TOOL_BUSYBOX,             /* busybox applet */
    KN_TOOL_CURL,                /* curl, libcurl */
    KN_TOOL_OPENBSD,             /* OpenBSD netcat (netcat-openbsd) */
    KN_TOOL_IPUTILS,             /* iputils ping */
    KN_TOOL_BIND,                /* bind-tools dig / nslookup / host */
    KN_TOOL_MUSL_UTILS,          /* Alpine's musl-utils: getent, ldd */
} KnToolFlavour;

/* One program an image has on its PATH. */
typedef struct KnImageTool {
    const char *name;            /* "curl", "wget", "nc", "ping", "bash" */
    KnToolFlavour flavour;
    const char *version;         /* "7.88.1", "1.37.0"; NULL if it does not show */
} KnImageTool;

/* What answers on a listening port. */
typedef enum {
    KN_SERVER_NGINX,             /* nginx's default server: index.html, 404 */
    KN_SERVER_NETEXEC_HTTP,      /* agnhost netexec's HTTP endpoints */
    KN_SERVER_NETEXEC_UDP,       /* agnhost netexec's UDP commands */
    KN_SERVER_COREDNS_HTTP,      /* CoreDNS's health (:8080 /health) and ready (:8181 /ready) */
    KN_SERVER_COREDNS_DNS,       /* CoreDNS's DNS on 53: answered by the data path
                                  * (models/coredns.h), which knows the cluster */
    KN_SERVER_UPSTREAM_DNS,      /* the outside resolver's DNS on 53 (external.dns) */
} KnImageServer;

/* A port a container listens on. */
typedef struct KnImageListener {
    guint8 proto;                /* KN_IPPROTO_TCP or KN_IPPROTO_UDP */
    guint16 port;
    KnImageServer server;
} KnImageListener;

/* One image of the catalog.  Strings are borrowed from the catalog. */
typedef struct KnImage {
    const char *repository;      /* normalised: "nginx", "nicolaka/netshoot",
                                  * "registry.k8s.io/e2e-test-images/agnhost" */
    const char *tag_prefix;      /* matches tags starting with this ("alpine" matches
                                  * tags containing it); NULL: any tag */
    const char *base;            /* what it is built on, for --explain: "debian:bookworm-slim" */
    KnLibc libc;
    KnShFlavour sh;              /* /bin/sh */
    KnToolFlavour utils;         /* sort, uniq, wc, grep, head, tail, cat, echo: GNU or busybox */
    const char *server_version;  /* the server's own version ("1.27.4" for nginx), or NULL */
    gboolean listens_always;     /* TRUE: 'listeners' whatever the container's args
                                  * (nginx); FALSE: only when run as the args say
                                  * (agnhost netexec) */
    const KnImageListener *listeners; /* 'n_listeners' default listeners */
    guint n_listeners;
    const KnImageTool *tools;    /* network tools and shells, ended by {NULL} */
    guint64 pulled_bytes;        /* the "Image size" the runtime reports having pulled it
                                  * (a recent linux/amd64 digest); 0: unknown */
    const char *const *cmd;      /* what it runs when a pod gives no command (its CMD
                                  * through its ENTRYPOINT), NULL-terminated, when that
                                  * is a program the shell models; NULL: a server the data
                                  * path models, or a program knetsim does not run */
} KnImage;

typedef struct KnImageCatalog KnImageCatalog;

/* A catalog holding the built-in images.  Free with kn_images_catalog_free(). */
KnImageCatalog *kn_images_catalog_new(void);
void kn_images_catalog_free(KnImageCatalog *catalog);     /* accepts NULL */
/* Adds 'image' (borrowed: it and its strings must outlive the catalog);
 * later additions win over earlier ones and the built-ins. */
void kn_images_catalog_add(KnImageCatalog *catalog, const KnImage *image);

/* The built-in catalog, shared and never freed. */
const KnImageCatalog *kn_images_builtin(void);

/* Finds the entry for an image reference as a pod spec gives it
 * ("nginx:1.27", "docker.io/library/busybox", "nicolaka/netshoot@sha256:…").
 * Never NULL: an unknown image gets the generic entry (see images.c).
 * 'catalog' NULL means the built-in one.  Borrowed. */
const KnImage *kn_images_lookup(const KnImageCatalog *catalog, const char *reference);

/* Splits a reference into its normalised repository and tag ("latest" when
 * none); both new. */
void kn_images_parse_reference(const char *reference, char **repository, char **tag);

/* The tool 'name' in 'image', or NULL if the image does not have it.
 * Borrowed. */
const KnImageTool *kn_images_find_tool(const KnImage *image, const char *name);

/* The version a reference's tag selects for the image's server or tool
 * ("nginx:1.27.1" -> "1.27.1", "nginx:1.27" -> "1.27.4"); new.  'tool' NULL
 * asks for the server's version. */
char *kn_images_version(const KnImage *image, const char *reference, const char *tool);

/* The ports a container of 'image' listens on when started with 'args'
 * (the pod's command and args joined, NULL-terminated, or NULL).  New
 * array of KnImageListener. */
GArray *kn_images_listeners(const KnImage *image, const char *const *args);

/* What a server knows of one request. */
typedef struct KnImageServeContext {
    const char *reference;       /* the image reference (selects the version) */
    const char *hostname;        /* the pod's hostname (its name) */
    KnAddr client;               /* the client as the server sees it (after any SNAT) */
    guint16 client_port;
    KnAddr server;               /* the address the request arrived on */
    guint16 server_port;
    KnTime now;                  /* simulated time of the request */
    KnTime started;              /* when the container started */
    gint64 epoch;                /* Unix time at simulated time 0; 0: KN_IMAGES_EPOCH */
    GString *log;                /* where the server writes what its container prints
                                  * (nginx: its access log line), or NULL */
} KnImageServeContext;

/* Unix time of simulated time 0 unless a scenario says otherwise:
 * Thu, 01 Jan 2026 00:00:00 GMT, the cluster's one clock (kubectl's
 * KN_KUBECTL_PRINT_EPOCH, iptables-save's kn_proxy_ir_date()). */
#define KN_IMAGES_EPOCH G_GINT64_CONSTANT(1767225600)

/* The bytes 'listener' of 'image' answers to 'request' (the bytes a client
 * sent on one connection, or one UDP datagram).  New; NULL means no answer
 * (UDP: nothing sent back; TCP: the server closes without answering). */
GBytes *kn_images_serve(const KnImage *image, const KnImageListener *listener,
                        GBytes *request, const KnImageServeContext *context);

/* Formats Unix time 'seconds' as an HTTP date (RFC 7231 IMF-fixdate,
 * "Mon, 02 Jun 2025 10:00:00 GMT") into 'buf' (at least 30 bytes). */
char *kn_images_http_date(gint64 seconds, char *buf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnImageCatalog, kn_images_catalog_free)
