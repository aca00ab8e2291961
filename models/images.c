/* images.c -- the image catalog and the servers it describes.
 *
 * DOC: Images
 *
 * Each built-in entry copies what the real image ships, checked against its
 * build files:
 *  - nginx (nginxinc/docker-nginx mainline/debian/Dockerfile): debian
 *    bookworm-slim, glibc, /bin/sh is dash, GNU coreutils; the Dockerfile
 *    installs curl (Debian 12: 7.88.1) and nothing else of the network
 *    tools, so there is no wget, nc or ping.  nginx listens on TCP 80.
 *    The `-alpine` tags are Alpine: musl, busybox, curl 8.x.
 *  - registry.k8s.io/e2e-test-images/agnhost (kubernetes/kubernetes
 *    test/images/agnhost/Dockerfile and BASEIMAGE): alpine 3.21, musl,
 *    `apk add bind-tools curl netcat-openbsd iproute2 iperf bash`; busybox
 *    gives wget and ping.  Its entrypoint is /agnhost with CMD pause, so
 *    it listens only when run as `netexec` (netexec.go: --http-port 8080,
 *    --udp-port 8081).
 *  - nicolaka/netshoot: Alpine with curl, bind-tools, iputils (ping),
 *    netcat-openbsd, bash; wget is busybox's.
 *  - busybox: busybox:latest is the glibc build of busybox 1.37.0: wget,
 *    nc (nc_bloaty, with -z), ping, nslookup; no curl.
 *  - curlimages/curl: Alpine with curl (the tag is curl's version) and
 *    busybox.
 *  - registry.k8s.io/coredns/coredns: distroless (no shell, no tools);
 *    the kubeadm Corefile's health plugin answers GET /health on 8080 and
 *    the ready plugin GET /ready on 8181, both "OK" from Go's net/http
 *    (plugin/health/health.go, plugin/ready/ready.go); DNS on 53 comes
 *    with the DNS model.
 *  - kindest/node, what `from: NODE` runs in (kind's base image,
 *    kubernetes-sigs/kind images/base/Dockerfile): Debian bookworm with
 *    curl, iproute2, iptables (1.8.9, nf_tables), conntrack (1.4.7); no
 *    ping, nc or wget.
 *  - knetsim/host, what `from: HOST` runs in, an outside machine: a Debian
 *    12 workstation with curl 7.88.1, iputils ping and OpenBSD nc.
 *  - Anything else is "generic": a Debian-like image (glibc, dash, GNU
 *    coreutils) with no network tools and no listening port, as most
 *    application images based on debian-slim are.
 *
 * The servers answer byte for byte as the real ones:
 *  - nginx 1.27: the default index.html (615 bytes), headers in nginx's
 *    order (Server, Date, Content-Type, Content-Length, Last-Modified,
 *    Connection, ETag, Accept-Ranges); ETag is "<mtime hex>-<size hex>" and
 *    Last-Modified the file's mtime in the image, taken from real responses
 *    of each version (1.27.4: "67a34638-267", Wed, 05 Feb 2025 11:06:32
 *    GMT; 1.27.1: "66ba1a4d-267"; 1.27.0: "6655da96-267").  Error pages
 *    are ngx_http_special_response.c's, with CRLF line ends (404: 153
 *    bytes).  keep-alive unless the client asked to close.
 *  - agnhost netexec (netexec.go): /hostname, /hostName, /clientip
 *    (r.RemoteAddr, "ip:port"), /echo?msg=&code=, /healthz, /redirect and
 *    / ("NOW: " and Go's time.Time.String()); Go's net/http writes Date,
 *    Content-Length, then Content-Type ("text/plain; charset=utf-8" as
 *    sniffed).  UDP: "hostname", "echo <msg>", "clientip".
 *
 * Simplified: the tag decides versions from a small table; `nginx:1.27`
 * and `latest` answer as 1.27.4 (XXX: the tag now pulls 1.27.5, whose
 * index.html mtime we have not seen in a real response).  netexec's /dial,
 * /shell, /upload and /exit are not served (they fall to "/").
 * Conditional requests (If-None-Match) are answered in full. */
#include <config.h>
#include "models/images.h"

#include <string.h>
#include "sim/packet.h"

/*****************************************************************************
 * The built-in catalog.
 *****************************************************************************/

static const KnImageListener nginx_listeners[] = {
    { KN_IPPROTO_TCP, 80, KN_SERVER_NGINX },
};

static const KnImageListener netexec_listeners[] = {
    { KN_IPPROTO_TCP, 8080, KN_SERVER_NETEXEC_HTTP },
    { KN_IPPROTO_UDP, 8081, KN_SERVER_NETEXEC_UDP },
};

#define BUSYBOX_VERSION "1.37.0"
#define ALPINE_CURL_VERSION "8.12.1"

static const KnImageTool nginx_tools[] = {
    { "curl", KN_TOOL_CURL, "7.88.1" },
    { "getent", KN_TOOL_GNU, "2.36" },
    { "bash", KN_TOOL_GNU, "5.2.15" },
    { NULL, 0, NULL },
};

static const KnImageTool nginx_alpine_tools[] = {
    { "getent", KN_TOOL_MUSL_UTILS, NULL },
    { "curl", KN_TOOL_CURL, ALPINE_CURL_VERSION },
    { "wget", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nc", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "ping", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nslookup", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { NULL, 0, NULL },
};

static const KnImageTool agnhost_tools[] = {
    { "getent", KN_TOOL_MUSL_UTILS, NULL },
    { "curl", KN_TOOL_CURL, ALPINE_CURL_VERSION },
    { "wget", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nc", KN_TOOL_OPENBSD, NULL },
    { "ping", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nslookup", KN_TOOL_BIND, "9.18.33" },
    { "dig", KN_TOOL_BIND, "9.18.33" },
    { "host", KN_TOOL_BIND, "9.18.33" },
    { "bash", KN_TOOL_GNU, "5.2.37" },
    { NULL, 0, NULL },
};

static const KnImageTool netshoot_tools[] = {
    { "getent", KN_TOOL_MUSL_UTILS, NULL },
    { "curl", KN_TOOL_CURL, ALPINE_CURL_VERSION },
    { "wget", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nc", KN_TOOL_OPENBSD, NULL },
    { "ping", KN_TOOL_IPUTILS, "20240905" },
    { "nslookup", KN_TOOL_BIND, "9.18.33" },
    { "dig", KN_TOOL_BIND, "9.18.33" },
    { "host", KN_TOOL_BIND, "9.18.33" },
    { "bash", KN_TOOL_GNU, "5.2.37" },
    { NULL, 0, NULL },
};

static const KnImageTool busybox_tools[] = {
    { "wget", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nc", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "ping", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nslookup", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { NULL, 0, NULL },
};

static const KnImageTool curl_tools[] = {
    { "getent", KN_TOOL_MUSL_UTILS, NULL },
    { "curl", KN_TOOL_CURL, ALPINE_CURL_VERSION },
    { "wget", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nc", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "ping", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { "nslookup", KN_TOOL_BUSYBOX, BUSYBOX_VERSION },
    { NULL, 0, NULL },
};

static const KnImageListener coredns_listeners[] = {
    { KN_IPPROTO_UDP, 53, KN_SERVER_COREDNS_DNS },
    { KN_IPPROTO_TCP, 53, KN_SERVER_COREDNS_DNS },
    { KN_IPPROTO_TCP, 8080, KN_SERVER_COREDNS_HTTP },
    { KN_IPPROTO_TCP, 8181, KN_SERVER_COREDNS_HTTP },
};

static const KnImageTool kind_node_tools[] = {
    { "curl", KN_TOOL_CURL, "7.88.1" },
    { "getent", KN_TOOL_GNU, "2.36" },
    { "iptables", KN_TOOL_GNU, "1.8.9" },
    { "iptables-save", KN_TOOL_GNU, "1.8.9" },
    { "conntrack", KN_TOOL_GNU, "1.4.7" },
    { "nft", KN_TOOL_GNU, "1.0.6" },
    /* Not in kindest/node: `apt-get install ipvsadm ipset` there first. */
    { "ipvsadm", KN_TOOL_GNU, "1.31" },
    { "ipset", KN_TOOL_GNU, "7.17" },
    { "bash", KN_TOOL_GNU, "5.2.15" },
    { NULL, 0, NULL },
};

static const KnImageTool host_tools[] = {
    { "curl", KN_TOOL_CURL, "7.88.1" },
    { "getent", KN_TOOL_GNU, "2.36" },
    { "ping", KN_TOOL_IPUTILS, "20221126" },
    { "nc", KN_TOOL_OPENBSD, NULL },
    { "bash", KN_TOOL_GNU, "5.2.15" },
    { NULL, 0, NULL },
};

static const KnImageTool no_tools[] = {
    { NULL, 0, NULL },
};

#define AGNHOST "registry.k8s.io/e2e-test-images/agnhost"

/* The images' own commands (their Dockerfiles): busybox's CMD is sh,
 * which with no terminal reads an empty standard input and exits 0 at
 * once (a pod of it with no command: CrashLoopBackOff); curlimages/curl's
 * entrypoint runs its CMD, curl, which without a URL prints its hint and
 * exits 2.  (netshoot's CMD is zsh, which knetsim does not model.) */
static const char *const busybox_cmd[] = { "sh", NULL };
static const char *const curl_cmd[] = { "curl", NULL };

/* Later entries win, so the tag-specific ones follow the general ones.
 * The pulled sizes are what kubelets reported in public transcripts of
 * their Pulled events (nginx:1.27 twice); the others are not known. */
static const KnImage builtin_images[] = {
    { "nginx", NULL, "debian:bookworm-slim", KN_LIBC_GLIBC, KN_SH_DASH, KN_TOOL_GNU,
      "1.27.4", TRUE, nginx_listeners, G_N_ELEMENTS(nginx_listeners), nginx_tools, 68857691, NULL },
    { "nginx", "alpine", "alpine:3.21", KN_LIBC_MUSL, KN_SH_ASH, KN_TOOL_BUSYBOX,
      "1.27.4", TRUE, nginx_listeners, G_N_ELEMENTS(nginx_listeners), nginx_alpine_tools, 0, NULL },
    { AGNHOST, NULL, "alpine:3.21", KN_LIBC_MUSL, KN_SH_ASH, KN_TOOL_BUSYBOX,
      "2.53", FALSE, netexec_listeners, G_N_ELEMENTS(netexec_listeners), agnhost_tools, 0, NULL },
    { "nicolaka/netshoot", NULL, "alpine:3.21", KN_LIBC_MUSL, KN_SH_ASH, KN_TOOL_BUSYBOX,
      NULL, FALSE, NULL, 0, netshoot_tools, 0, NULL },
    { "busybox", NULL, "busybox:1.37.0-glibc", KN_LIBC_GLIBC, KN_SH_ASH, KN_TOOL_BUSYBOX,
      NULL, FALSE, NULL, 0, busybox_tools, 2167089, busybox_cmd },
    { "busybox", "musl", "busybox:1.37.0-musl", KN_LIBC_MUSL, KN_SH_ASH, KN_TOOL_BUSYBOX,
      NULL, FALSE, NULL, 0, busybox_tools, 0, busybox_cmd },
    { "curlimages/curl", NULL, "alpine:3.21", KN_LIBC_MUSL, KN_SH_ASH, KN_TOOL_BUSYBOX,
      NULL, FALSE, NULL, 0, curl_tools, 25717508, curl_cmd },
    { "registry.k8s.io/coredns/coredns", NULL, "gcr.io/distroless/static", KN_LIBC_GLIBC, KN_SH_NONE,
      KN_TOOL_GNU, "1.11.3", TRUE, coredns_listeners, G_N_ELEMENTS(coredns_listeners), no_tools, 0, NULL },
    { "kindest/node", NULL, "debian:bookworm", KN_LIBC_GLIBC, KN_SH_DASH, KN_TOOL_GNU,
      NULL, FALSE, NULL, 0, kind_node_tools, 0, NULL },
    { "knetsim/host", NULL, "debian:bookworm", KN_LIBC_GLIBC, KN_SH_DASH, KN_TOOL_GNU,
      NULL, FALSE, NULL, 0, host_tools, 0, NULL },
};

/* The entry for images the catalog does not know. */
static const KnImage generic_image = {
    "*", NULL, "debian:bookworm-slim", KN_LIBC_GLIBC, KN_SH_DASH, KN_TOOL_GNU,
    NULL, FALSE, NULL, 0, no_tools, 0, NULL,
};

struct KnImageCatalog {
    GPtrArray *images;           /* const KnImage *, borrowed; later ones win */
};

KnImageCatalog *
kn_images_catalog_new(void)
{
    KnImageCatalog *catalog = g_new0(KnImageCatalog, 1);

    catalog->images = g_ptr_array_new();
    for (guint i = 0; i < G_N_ELEMENTS(builtin_images); i++)
        g_ptr_array_add(catalog->images, (gpointer) &builtin_images[i]);
    return catalog;
}

void
kn_images_catalog_free(KnImageCatalog *catalog)
{
    if (catalog == NULL)
        return;
    g_ptr_array_unref(catalog->images);
    g_free(catalog);
}

void
kn_images_catalog_add(KnImageCatalog *catalog, const KnImage *image)
{
    g_return_if_fail(catalog != NULL && image != NULL);
    g_ptr_array_add(catalog->images, (gpointer) image);
}

const KnImageCatalog *
kn_images_builtin(void)
{
    static KnImageCatalog *builtin;

    if (g_once_init_enter(&builtin))
        g_once_init_leave(&builtin, kn_images_catalog_new());
    return builtin;
}

void
kn_images_parse_reference(const char *reference, char **repository, char **tag)
{
    g_autofree char *ref = g_strdup(reference != NULL ? reference : "");
    char *at = strchr(ref, '@');
    char *slash, *colon;
    const char *repo;

    if (at != NULL)
        *at = '\0';                           /* a digest selects nothing we model */
    slash = strrchr(ref, '/');
    colon = strrchr(ref, ':');
    if (colon != NULL && (slash == NULL || colon > slash)) {
        *colon = '\0';
        *tag = g_strdup(colon + 1);
    } else {
        *tag = g_strdup("latest");
    }
    repo = ref;
    /* Docker Hub's implicit names: docker.io/library/nginx is nginx. */
    if (g_str_has_prefix(repo, "docker.io/"))
        repo += strlen("docker.io/");
    else if (g_str_has_prefix(repo, "index.docker.io/"))
        repo += strlen("index.docker.io/");
    if (g_str_has_prefix(repo, "library/"))
        repo += strlen("library/");
    /* agnhost is also pulled from its old registry names. */
    if (g_str_has_suffix(repo, "/agnhost"))
        repo = AGNHOST;
    *repository = g_strdup(repo);
}

static gboolean
tag_matches(const KnImage *image, const char *tag)
{
    if (image->tag_prefix == NULL)
        return TRUE;
    return g_str_has_prefix(tag, image->tag_prefix) || strstr(tag, image->tag_prefix) != NULL;
}

const KnImage *
kn_images_lookup(const KnImageCatalog *catalog, const char *reference)
{
    g_autofree char *repository = NULL;
    g_autofree char *tag = NULL;

    if (catalog == NULL)
        catalog = kn_images_builtin();
    kn_images_parse_reference(reference, &repository, &tag);
    for (guint i = catalog->images->len; i > 0; i--) {
        const KnImage *image = g_ptr_array_index(catalog->images, i - 1);

        if (strcmp(image->repository, repository) == 0 && tag_matches(image, tag))
            return image;
    }
    return &generic_image;
}

const KnImageTool *
kn_images_find_tool(const KnImage *image, const char *name)
{
    g_return_val_if_fail(image != NULL && name != NULL, NULL);
    for (const KnImageTool *tool = image->tools; tool != NULL && tool->name != NULL; tool++)
        if (strcmp(tool->name, name) == 0)
            return tool;
    return NULL;
}

/*****************************************************************************
 * Versions the tag selects.
 *****************************************************************************/

/* nginx: the newest patch of each minor, and the index.html mtime each
 * version's image carries (from real responses' Last-Modified and ETag). */
static const struct {
    const char *version;
    gint64 mtime;                /* Unix time; 0: not known */
} nginx_versions[] = {
    { "1.27.4", G_GINT64_CONSTANT(0x67a34638) },  /* Wed, 05 Feb 2025 11:06:32 GMT */
    { "1.27.1", G_GINT64_CONSTANT(0x66ba1a4d) },  /* Mon, 12 Aug 2024 14:21:01 GMT */
    { "1.27.0", G_GINT64_CONSTANT(0x6655da96) },  /* Tue, 28 May 2024 13:22:30 GMT */
    { "1.26.1", G_GINT64_CONSTANT(0x6655dbe7) },  /* Tue, 28 May 2024 13:28:07 GMT */
    { "1.25.3", G_GINT64_CONSTANT(0x6537cac7) },  /* Tue, 24 Oct 2023 13:46:47 GMT */
    { "1.23.1", G_GINT64_CONSTANT(0x62d6ba27) },  /* Tue, 19 Jul 2022 14:05:27 GMT */
    { "1.21.3", G_GINT64_CONSTANT(0x6137835f) },  /* Tue, 07 Sep 2021 15:21:03 GMT */
};

static const struct {
    const char *minor;
    const char *latest;
} nginx_minors[] = {
    { "1.27", "1.27.4" }, { "1.26", "1.26.3" }, { "1.25", "1.25.5" },
    { "1.24", "1.24.0" }, { "1.23", "1.23.4" }, { "1.21", "1.21.6" },
};

/* The leading "N.N" or "N.N.N" of 'tag' (before a "-alpine"-style suffix),
 * new; NULL if the tag does not start with a version. */
static char *
tag_version(const char *tag)
{
    const char *p = tag;
    int dots = 0;

    if (!g_ascii_isdigit(*p))
        return NULL;
    while (g_ascii_isdigit(*p) || (*p == '.' && g_ascii_isdigit(p[1]))) {
        if (*p == '.')
            dots++;
        p++;
    }
    if (dots == 0)
        return NULL;
    return g_strndup(tag, p - tag);
}

char *
kn_images_version(const KnImage *image, const char *reference, const char *tool)
{
    g_autofree char *repository = NULL;
    g_autofree char *tag = NULL;
    g_autofree char *version = NULL;

    g_return_val_if_fail(image != NULL, NULL);
    kn_images_parse_reference(reference, &repository, &tag);
    version = tag_version(tag);
    if (tool == NULL) {
        if (strcmp(image->repository, "nginx") == 0 && version != NULL) {
            for (guint i = 0; i < G_N_ELEMENTS(nginx_minors); i++)
                if (strcmp(version, nginx_minors[i].minor) == 0)
                    return g_strdup(nginx_minors[i].latest);
            if (strchr(strchr(version, '.') + 1, '.') != NULL)
                return g_steal_pointer(&version);
        }
        return g_strdup(image->server_version);
    }
    if (strcmp(tool, "curl") == 0 && strcmp(image->repository, "curlimages/curl") == 0 &&
        version != NULL)
        return g_steal_pointer(&version);
    {
        const KnImageTool *found = kn_images_find_tool(image, tool);

        return g_strdup(found != NULL ? found->version : NULL);
    }
}

/*****************************************************************************
 * Listeners.
 *****************************************************************************/

/* The value of "--NAME=V" or "--NAME V" in 'args', or NULL. */
static const char *
flag_value(const char *const *args, const char *name)
{
    gsize len = strlen(name);

    for (guint i = 0; args[i] != NULL; i++) {
        if (strncmp(args[i], name, len) != 0)
            continue;
        if (args[i][len] == '=')
            return args[i] + len + 1;
        if (args[i][len] == '\0' && args[i + 1] != NULL)
            return args[i + 1];
    }
    return NULL;
}

GArray *
kn_images_listeners(const KnImage *image, const char *const *args)
{
    GArray *listeners = g_array_new(FALSE, FALSE, sizeof(KnImageListener));

    g_return_val_if_fail(image != NULL, listeners);
    if (image->listens_always) {
        g_array_append_vals(listeners, image->listeners, image->n_listeners);
        return listeners;
    }
    if (strcmp(image->repository, AGNHOST) != 0 || args == NULL)
        return listeners;
    /* agnhost SUBCOMMAND [flags]: the first word that is not a path to
     * agnhost itself names the subcommand. */
    for (guint i = 0; args[i] != NULL; i++) {
        if (g_str_has_suffix(args[i], "agnhost"))
            continue;
        if (strcmp(args[i], "netexec") == 0) {
            const char *http = flag_value(args + i, "--http-port");
            const char *udp = flag_value(args + i, "--udp-port");
            KnImageListener tcp_listener = netexec_listeners[0];
            KnImageListener udp_listener = netexec_listeners[1];

            if (http != NULL)
                tcp_listener.port = (guint16) g_ascii_strtoull(http, NULL, 10);
            g_array_append_val(listeners, tcp_listener);
            if (udp == NULL || strcmp(udp, "-1") != 0) {
                if (udp != NULL)
                    udp_listener.port = (guint16) g_ascii_strtoull(udp, NULL, 10);
                g_array_append_val(listeners, udp_listener);
            }
        }
        break;
    }
    return listeners;
}

/*****************************************************************************
 * HTTP requests as servers read them.
 *****************************************************************************/

typedef struct HttpRequest {
    char *method;
    char *target;                /* as sent: "/echo?msg=hi" */
    char *path;                  /* the target without its query */
    char *query;                 /* after '?', or "" */
    int minor;                   /* HTTP/1.<minor> */
    gboolean has_host;
    gboolean wants_close;        /* Connection: close, or HTTP/1.0 without keep-alive */
    const char *user_agent;      /* the headers an access log shows, or NULL */
    const char *referer;
    const char *forwarded_for;   /* X-Forwarded-For */
    char *storage;               /* what the strings above point into (one allocation) */
} HttpRequest;

static void
http_request_clear(HttpRequest *request)
{
    g_free(request->storage);
}

/* Cuts the line at 'line' at its '\n' and drops its trailing white space
 * (g_strchomp()); returns the next line, or NULL after the last
 * (g_strsplit(text, "\n", -1), one line at a time). */
static char *
cut_line(char *line)
{
    char *end = strchr(line, '\n');
    char *next = NULL;

    if (end != NULL) {
        *end = '\0';
        next = end + 1;
    } else {
        end = line + strlen(line);
    }
    while (end > line && g_ascii_isspace(end[-1]))
        *--end = '\0';
    return next;
}

/* Parses the request line and headers; FALSE if they are not HTTP/1.x.
 * The headers an access log shows only if 'for_log'. */
static gboolean
http_request_parse(GBytes *bytes, HttpRequest *request, gboolean for_log)
{
    gsize size = 0;
    const char *data = bytes != NULL ? g_bytes_get_data(bytes, &size) : NULL;
    char *text, *line, *next, *space1, *space2;
    gboolean keep_alive = FALSE;
    char *query;

    /* The text (as g_strndup() copies it, up to a NUL), then room for a copy
     * of the target. */
    size = data != NULL ? strnlen(data, size) : 0;
    memset(request, 0, sizeof(*request));
    request->storage = text = g_malloc(2 * size + 2);
    memcpy(text, data != NULL ? data : "", size);
    text[size] = '\0';
    line = text;
    next = cut_line(line);
    /* Exactly three words, split at single spaces. */
    space1 = strchr(line, ' ');
    space2 = space1 != NULL ? strchr(space1 + 1, ' ') : NULL;
    if (space2 == NULL || strchr(space2 + 1, ' ') != NULL || !g_str_has_prefix(space2 + 1, "HTTP/1."))
        return FALSE;
    *space1 = *space2 = '\0';
    request->method = line;
    request->target = strcpy(text + size + 1, space1 + 1);
    request->minor = space2[1 + 7] - '0';
    request->path = space1 + 1;
    query = strchr(request->path, '?');
    request->query = query != NULL ? query + 1 : space2;  /* 'space2' is "" now */
    if (query != NULL)
        *query = '\0';
    for (line = next; line != NULL; line = next) {
        char *colon;

        next = cut_line(line);
        if (line[0] == '\0')
            break;
        colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        *colon = '\0';
        if (colon - line == 4 && g_ascii_strcasecmp(line, "Host") == 0)
            request->has_host = TRUE;
        else if (for_log && colon - line == 10 && g_ascii_strcasecmp(line, "User-Agent") == 0)
            request->user_agent = g_strstrip(colon + 1);
        else if (for_log && colon - line == 7 && g_ascii_strcasecmp(line, "Referer") == 0)
            request->referer = g_strstrip(colon + 1);
        else if (for_log && colon - line == 15 && g_ascii_strcasecmp(line, "X-Forwarded-For") == 0)
            request->forwarded_for = g_strstrip(colon + 1);
        else if (colon - line == 10 && g_ascii_strcasecmp(line, "Connection") == 0) {
            const char *value = g_strstrip(colon + 1);

            if (g_ascii_strcasecmp(value, "close") == 0)
                request->wants_close = TRUE;
            else if (g_ascii_strcasecmp(value, "keep-alive") == 0)
                keep_alive = TRUE;
        }
    }
    if (request->minor == 0 && !keep_alive)
        request->wants_close = TRUE;
    return request->target[0] != '\0';
}

/* The UTC calendar fields of 'seconds' since 1970 in the proleptic
 * Gregorian calendar, as GDateTime gives them (H. Hinnant's
 * civil_from_days, without a GDateTime per answer). */
typedef struct CivilTime {
    gint64 year;
    int month, day, hour, minute, second;
    int weekday;                 /* 0: Thursday, as 1970-01-01 */
} CivilTime;

static void
civil_time(gint64 seconds, CivilTime *t)
{
    gint64 days = seconds / 86400, rem = seconds % 86400;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    t->hour = (int) (rem / 3600);
    t->minute = (int) (rem / 60 % 60);
    t->second = (int) (rem % 60);
    t->weekday = (int) ((days % 7 + 7) % 7);
    days += 719468;              /* from 0000-03-01 */

    gint64 era = (days >= 0 ? days : days - 146096) / 146097;
    guint doe = (guint) (days - era * 146097);                           /* [0, 146096] */
    guint yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
    guint doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 /* [0, 365] */
    guint mp = (5 * doy + 2) / 153;                                      /* March is 0 */

    t->day = (int) (doy - (153 * mp + 2) / 5 + 1);
    t->month = (int) (mp < 10 ? mp + 3 : mp - 9);
    t->year = (gint64) yoe + era * 400 + (t->month <= 2);
}

/* Writes 'value' as 'width' digits (zero padded) at 'p'; returns the end. */
static char *
put_digits(char *p, guint64 value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char) ('0' + value % 10);
        value /= 10;
    }
    return p + width;
}

/* Writes 'value' in decimal into 'buf' (at least 21 bytes, not
 * terminated); returns the length. */
static gsize
uint_text(guint64 value, char *buf)
{
    char tmp[24];
    gsize n = 0;

    do {
        tmp[n++] = (char) ('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (gsize i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

char *
kn_images_http_date(gint64 seconds, char *buf)
{
    static const char *const days[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    /* Answers come many to a second: the last second's text is kept. */
    static __thread gint64 last_seconds = G_MININT64;
    static __thread char last_text[30];
    CivilTime t;

    if (seconds == last_seconds) {
        memcpy(buf, last_text, sizeof last_text);
        return buf;
    }
    civil_time(seconds, &t);
    if (t.year < 0 || t.year > 9999) {
        g_snprintf(buf, 30, "%s, %02d %s %04" G_GINT64_FORMAT " %02d:%02d:%02d GMT", days[t.weekday],
                   t.day, months[t.month - 1], t.year, t.hour, t.minute, t.second);
        return buf;
    }
    /* "Mon, 02 Jun 2025 10:00:05 GMT" */
    char *p = buf;

    memcpy(p, days[t.weekday], 3);
    p += 3;
    *p++ = ',';
    *p++ = ' ';
    p = put_digits(p, (guint64) t.day, 2);
    *p++ = ' ';
    memcpy(p, months[t.month - 1], 3);
    p += 3;
    *p++ = ' ';
    p = put_digits(p, (guint64) t.year, 4);
    *p++ = ' ';
    p = put_digits(p, (guint64) t.hour, 2);
    *p++ = ':';
    p = put_digits(p, (guint64) t.minute, 2);
    *p++ = ':';
    p = put_digits(p, (guint64) t.second, 2);
    memcpy(p, " GMT", 5);
    G_STATIC_ASSERT(sizeof "Mon, 02 Jun 2025 10:00:05 GMT" == sizeof last_text);
    memcpy(last_text, buf, sizeof last_text);
    last_seconds = seconds;
    return buf;
}

static gint64
unix_now(const KnImageServeContext *context)
{
    gint64 epoch = context->epoch != 0 ? context->epoch : KN_IMAGES_EPOCH;

    return epoch + (gint64) (context->now / KN_SEC);
}

/*****************************************************************************
 * nginx.
 *****************************************************************************/

/* /usr/share/nginx/html/index.html of the nginx 1.27 packages (615 bytes). */
static const char nginx_index[] =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "<title>Welcome to nginx!</title>\n"
    "<style>\n"
    "html { color-scheme: light dark; }\n"
    "body { width: 35em; margin: 0 auto;\n"
    "font-family: Tahoma, Verdana, Arial, sans-serif; }\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<h1>Welcome to nginx!</h1>\n"
    "<p>If you see this page, the nginx web server is successfully installed and\n"
    "working. Further configuration is required.</p>\n"
    "\n"
    "<p>For online documentation and support please refer to\n"
    "<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\n"
    "Commercial support is available at\n"
    "<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n"
    "\n"
    "<p><em>Thank you for using nginx.</em></p>\n"
    "</body>\n"
    "</html>\n";

static gint64
nginx_mtime(const char *version)
{
    for (guint i = 0; i < G_N_ELEMENTS(nginx_versions); i++)
        if (strcmp(nginx_versions[i].version, version) == 0)
            return nginx_versions[i].mtime;
    return nginx_versions[0].mtime;
}

/* An error response as ngx_http_special_response.c writes it. */
static void
nginx_error(GString *out, const char *version, const char *date, int code, const char *reason,
            gboolean close, gboolean head)
{
    g_autofree char *body = g_strdup_printf(
        "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n"
        "<center><h1>%d %s</h1></center>\r\n<hr><center>nginx/%s</center>\r\n"
        "</body>\r\n</html>\r\n", code, reason, code, reason, version);

    g_string_append_printf(out, "HTTP/1.1 %d %s\r\nServer: nginx/%s\r\nDate: %s\r\n"
                           "Content-Type: text/html\r\nContent-Length: %zu\r\n"
                           "Connection: %s\r\n\r\n", code, reason, version, date,
                           strlen(body), close ? "close" : "keep-alive");
    if (!head)
        g_string_append(out, body);
}

/* The docker image's access log line (nginx.conf's log_format main:
 * $remote_addr - $remote_user [$time_local] "$request" $status
 * $body_bytes_sent "$http_referer" "$http_user_agent"
 * "$http_x_forwarded_for"), the container's TZ being UTC. */
static void
nginx_access_log(const KnImageServeContext *context, const HttpRequest *request, const char *request_line,
                 int status, gsize body_bytes)
{
    static const char *const months[] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    };
    char client[KN_ADDR_STRLEN];
    CivilTime t;

    if (context->log == NULL)
        return;
    civil_time(unix_now(context), &t);
    g_string_append_printf(context->log, "%s - - [%02d/%s/%04" G_GINT64_FORMAT ":%02d:%02d:%02d +0000] \"%s\" %d %"
                           G_GSIZE_FORMAT " \"%s\" \"%s\" \"%s\"\n", kn_addr_format(&context->client, client),
                           t.day, months[t.month - 1], t.year, t.hour, t.minute, t.second, request_line, status,
                           body_bytes, request->referer != NULL ? request->referer : "-",
                           request->user_agent != NULL ? request->user_agent : "-",
                           request->forwarded_for != NULL ? request->forwarded_for : "-");
}

/* The bytes of a response after its headers: $body_bytes_sent. */
static gsize
body_length(const GString *response)
{
    const char *end = strstr(response->str, "\r\n\r\n");

    return end != NULL ? response->len - (gsize) (end + 4 - response->str) : 0;
}

/* The request line as the client sent it (nginx logs $request so). */
static char *
request_line_of(GBytes *bytes)
{
    gsize size = 0;
    const char *data = bytes != NULL ? g_bytes_get_data(bytes, &size) : "";

    return g_strndup(data, strcspn(data, "\r\n") < size ? strcspn(data, "\r\n") : size);
}

static GBytes *
serve_nginx(GBytes *bytes, const KnImageServeContext *context, const char *version)
{
    HttpRequest request;
    GString *out = g_string_new(NULL);
    g_autofree char *line = request_line_of(bytes);
    char date[32];
    gboolean head;

    kn_images_http_date(unix_now(context), date);
    if (!http_request_parse(bytes, &request, context->log != NULL) || (request.minor == 1 && !request.has_host)) {
        nginx_error(out, version, date, 400, "Bad Request", TRUE, FALSE);
        nginx_access_log(context, &request, line, 400, body_length(out));
        http_request_clear(&request);
        return g_string_free_to_bytes(out);
    }
    head = strcmp(request.method, "HEAD") == 0;
    if (!head && strcmp(request.method, "GET") != 0) {
        nginx_error(out, version, date, 405, "Not Allowed", request.wants_close, FALSE);
    } else if (strcmp(request.path, "/") == 0 || strcmp(request.path, "/index.html") == 0) {
        gint64 mtime = nginx_mtime(version);
        char modified[32];

        kn_images_http_date(mtime, modified);
        g_string_append_printf(out, "HTTP/1.1 200 OK\r\nServer: nginx/%s\r\nDate: %s\r\n"
                               "Content-Type: text/html\r\nContent-Length: %zu\r\n"
                               "Last-Modified: %s\r\nConnection: %s\r\n"
                               "ETag: \"%" G_GINT64_MODIFIER "x-%zx\"\r\n"
                               "Accept-Ranges: bytes\r\n\r\n",
                               version, date, strlen(nginx_index), modified,
                               request.wants_close ? "close" : "keep-alive",
                               mtime, strlen(nginx_index));
        if (!head)
            g_string_append(out, nginx_index);
    } else {
        nginx_error(out, version, date, 404, "Not Found", request.wants_close, head);
    }
    nginx_access_log(context, &request, line, (int) g_ascii_strtoll(out->str + 9, NULL, 10), body_length(out));
    http_request_clear(&request);
    return g_string_free_to_bytes(out);
}

/*****************************************************************************
 * agnhost netexec (Go net/http).
 *****************************************************************************/

static const char *
go_status_text(int code)
{
    switch (code) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 412: return "Precondition Failed";
    case 417: return "Expectation Failed";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return NULL;
    }
}

/* A query parameter, URL-decoded as Go's url.ParseQuery does; new or NULL. */
static char *
query_value(const char *query, const char *name)
{
    g_auto(GStrv) pairs = g_strsplit(query, "&", -1);

    for (guint i = 0; pairs[i] != NULL; i++) {
        char *eq = strchr(pairs[i], '=');
        g_autofree char *key = g_strndup(pairs[i], eq != NULL ? (gsize) (eq - pairs[i])
                                                              : strlen(pairs[i]));

        if (strcmp(key, name) == 0) {
            g_autofree char *plus = g_strdup(eq != NULL ? eq + 1 : "");
            char *value;

            g_strdelimit(plus, "+", ' ');
            value = g_uri_unescape_string(plus, NULL);
            return value != NULL ? value : g_strdup("");
        }
    }
    return NULL;
}

/* Go's Time.String(): "2025-06-02 10:00:05.25 +0000 UTC m=+5.250000001",
 * written at 'buf' (at least GO_TIME_MAX bytes), terminated. */
#define GO_TIME_MAX 96

static void
go_time_string(const KnImageServeContext *context, char *buf)
{
    gint64 seconds = unix_now(context);
    guint64 nanos = context->now % KN_SEC;
    KnTime since = context->now >= context->started ? context->now - context->started : 0;
    CivilTime t;
    char *p = buf;

    civil_time(seconds, &t);
    if (t.year < 0 || t.year > 9999) {
        buf[0] = '\0';          /* beyond GDateTime's range */
        return;
    }
    /* "%Y-%m-%d %H:%M:%S" */
    p = put_digits(p, (guint64) t.year, t.year >= 1000 ? 4 : t.year >= 100 ? 3 : t.year >= 10 ? 2 : 1);
    *p++ = '-';
    p = put_digits(p, (guint64) t.month, 2);
    *p++ = '-';
    p = put_digits(p, (guint64) t.day, 2);
    *p++ = ' ';
    p = put_digits(p, (guint64) t.hour, 2);
    *p++ = ':';
    p = put_digits(p, (guint64) t.minute, 2);
    *p++ = ':';
    p = put_digits(p, (guint64) t.second, 2);
    if (nanos != 0) {
        int width = 9;

        while (nanos % 10 == 0) {
            nanos /= 10;
            width--;
        }
        *p++ = '.';
        p = put_digits(p, nanos, width);
    }
    memcpy(p, " +0000 UTC m=+", 14);
    p += 14;
    /* "%lu.%09lu" of the seconds since the start (at most 20 digits). */
    p += uint_text(since / KN_SEC, p);
    *p++ = '.';
    p = put_digits(p, since % KN_SEC, 9);
    *p = '\0';
}

/* g_string_append_len() without its generality (overlap checks, a
 * function call per piece), for the answers built on every request. */
static inline void
out_append(GString *out, const char *text, gsize n)
{
    if (out->len + n >= out->allocated_len) {
        g_string_append_len(out, text, n);
        return;
    }
    memcpy(out->str + out->len, text, n);
    out->len += n;
    out->str[out->len] = '\0';
}

static void
go_response(GString *out, int code, const char *content_type, const char *extra,
            const char *body, gboolean close, const char *date, gboolean head)
{
    const char *text = go_status_text(code);
    char digits[24];

    if (text != NULL && code >= 100 && code <= 999) {
        out_append(out, "HTTP/1.1 ", 9);
        out_append(out, put_digits(digits, (guint64) code, 3) - 3, 3);
        out_append(out, " ", 1);
        out_append(out, text, strlen(text));
        out_append(out, "\r\n", 2);
    } else if (text != NULL) {
        g_string_append_printf(out, "HTTP/1.1 %03d %s\r\n", code, text);
    } else {
        g_string_append_printf(out, "HTTP/1.1 %03d status code %d\r\n", code, code);
    }
    if (extra != NULL)
        out_append(out, extra, strlen(extra));   /* the handler's own headers, sorted */
    out_append(out, "Date: ", 6);
    out_append(out, date, strlen(date));
    out_append(out, "\r\nContent-Length: ", 18);
    out_append(out, digits, uint_text(strlen(body), digits));
    out_append(out, "\r\n", 2);
    if (content_type != NULL && body[0] != '\0') {
        out_append(out, "Content-Type: ", 14);
        out_append(out, content_type, strlen(content_type));
        out_append(out, "\r\n", 2);
    }
    if (close)
        out_append(out, "Connection: close\r\n", 19);
    out_append(out, "\r\n", 2);
    if (!head)
        out_append(out, body, strlen(body));
}

static GBytes *
serve_netexec_http(GBytes *bytes, const KnImageServeContext *context)
{
    static const char text_plain[] = "text/plain; charset=utf-8";
    HttpRequest request;
    GString *out = g_string_sized_new(256);   /* a typical answer, without regrowing */
    char date[32];
    gboolean head;

    kn_images_http_date(unix_now(context), date);
    if (!http_request_parse(bytes, &request, FALSE)) {
        g_string_append(out, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                        "charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
        http_request_clear(&request);
        return g_string_free_to_bytes(out);
    }
    head = strcmp(request.method, "HEAD") == 0;
    if (strcmp(request.path, "/hostname") == 0 || strcmp(request.path, "/hostName") == 0) {
        go_response(out, 200, text_plain, NULL, context->hostname, request.wants_close, date,
                    head);
    } else if (strcmp(request.path, "/clientip") == 0) {
        char addr[KN_ADDR_STRLEN];
        g_autofree char *body = NULL;

        kn_addr_format(&context->client, addr);
        body = context->client.family == 6
            ? g_strdup_printf("[%s]:%u", addr, context->client_port)
            : g_strdup_printf("%s:%u", addr, context->client_port);
        go_response(out, 200, text_plain, NULL, body, request.wants_close, date, head);
    } else if (strcmp(request.path, "/echo") == 0) {
        g_autofree char *msg = query_value(request.query, "msg");
        g_autofree char *code = query_value(request.query, "code");
        int status = 200;

        if (code != NULL && code[0] != '\0') {
            char *end;

            status = (int) g_ascii_strtoll(code, &end, 10);
            if (*end != '\0') {
                g_autofree char *body = g_strdup_printf(
                    "argument 'code' must be an integer or empty, got \"%s\"\n", code);

                go_response(out, 200, text_plain, NULL, body, request.wants_close, date, head);
                http_request_clear(&request);
                return g_string_free_to_bytes(out);
            }
        }
        go_response(out, status, text_plain, NULL, msg != NULL ? msg : "", request.wants_close,
                    date, head);
    } else if (strcmp(request.path, "/healthz") == 0) {
        go_response(out, 200, NULL, NULL, "", request.wants_close, date, head);
    } else if (strcmp(request.path, "/redirect") == 0) {
        g_autofree char *location = query_value(request.query, "location");
        g_autofree char *code = query_value(request.query, "code");
        int status = code != NULL && code[0] != '\0' ? (int) g_ascii_strtoll(code, NULL, 10) : 302;
        g_autofree char *extra = g_strdup_printf("Content-Type: text/html; charset=utf-8\r\n"
                                                 "Location: %s\r\n",
                                                 location != NULL ? location : "");
        g_autofree char *body = NULL;

        /* http.Redirect writes a short link for GET and HEAD. */
        body = g_strdup_printf("<a href=\"%s\">%s</a>.\n\n", location != NULL ? location : "",
                               go_status_text(status) != NULL ? go_status_text(status) : "");
        go_response(out, status, NULL, extra, body, request.wants_close, date, head);
    } else {
        char body[5 + GO_TIME_MAX] = "NOW: ";

        go_time_string(context, body + 5);
        go_response(out, 200, text_plain, NULL, body, request.wants_close, date, head);
    }
    http_request_clear(&request);
    return g_string_free_to_bytes(out);
}

/* CoreDNS's health and ready endpoints: "OK" on their path, Go's
 * NotFound elsewhere. */
static GBytes *
serve_coredns_http(GBytes *bytes, const KnImageServeContext *context)
{
    HttpRequest request;
    GString *out = g_string_new(NULL);
    char date[32];
    gboolean head, ok;

    kn_images_http_date(unix_now(context), date);
    if (!http_request_parse(bytes, &request, FALSE)) {
        g_string_append(out, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                        "charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
        http_request_clear(&request);
        return g_string_free_to_bytes(out);
    }
    head = strcmp(request.method, "HEAD") == 0;
    ok = (context->server_port == 8080 && strcmp(request.path, "/health") == 0)
         || (context->server_port == 8181 && strcmp(request.path, "/ready") == 0);
    go_response(out, ok ? 200 : 404, "text/plain; charset=utf-8", ok ? NULL : "X-Content-Type-Options: nosniff\r\n",
                ok ? "OK" : "404 page not found\n", request.wants_close, date, head);
    http_request_clear(&request);
    return g_string_free_to_bytes(out);
}

static GBytes *
serve_netexec_udp(GBytes *bytes, const KnImageServeContext *context)
{
    gsize size = 0;
    const char *data = bytes != NULL ? g_bytes_get_data(bytes, &size) : NULL;
    g_autofree char *raw = g_strndup(data != NULL ? data : "", size);
    g_autofree char *text = g_ascii_strdown(g_strstrip(raw), -1);

    if (strcmp(text, "hostname") == 0)
        return g_bytes_new(context->hostname, strlen(context->hostname));
    if (g_str_has_prefix(text, "echo "))
        return g_bytes_new(text + 5, strlen(text + 5));
    if (strcmp(text, "clientip") == 0) {
        char addr[KN_ADDR_STRLEN];
        g_autofree char *reply = NULL;

        kn_addr_format(&context->client, addr);
        reply = context->client.family == 6
            ? g_strdup_printf("[%s]:%u", addr, context->client_port)
            : g_strdup_printf("%s:%u", addr, context->client_port);
        return g_bytes_new(reply, strlen(reply));
    }
    return NULL;                              /* logged as unknown, no answer */
}

GBytes *
kn_images_serve(const KnImage *image, const KnImageListener *listener, GBytes *request,
                const KnImageServeContext *context)
{
    g_return_val_if_fail(image != NULL && listener != NULL && context != NULL, NULL);
    switch (listener->server) {
    case KN_SERVER_NGINX: {
        g_autofree char *version = kn_images_version(image, context->reference, NULL);

        return serve_nginx(request, context, version != NULL ? version : "1.27.4");
    }
    case KN_SERVER_NETEXEC_HTTP:
        return serve_netexec_http(request, context);
    case KN_SERVER_NETEXEC_UDP:
        return serve_netexec_udp(request, context);
    case KN_SERVER_COREDNS_HTTP:
        return serve_coredns_http(request, context);
    case KN_SERVER_COREDNS_DNS:
    case KN_SERVER_UPSTREAM_DNS:
        return NULL;             /* the data path asks models/coredns.h */
    }
    g_assert_not_reached();
    return NULL;
}
