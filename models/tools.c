/* tools.c -- curl, wget, nc and ping as the images carry them.
 *
 * DOC: Network tools
 *
 * curl (7.88.1 on Debian 12 images, 8.x on Alpine ones).  Sources checked:
 * curl lib/connect.c (7.88-8.x eyeballer code: every failed connect ends
 * in failf "Failed to connect to %s port %u after %ld ms: %s" with
 * curl_easy_strerror(result), so a refused port reads "Couldn't connect to
 * server" (7) and a connect that runs out of --connect-timeout reads
 * "Timeout was reached" (28), as does one running out of -m in curl 8,
 * while curl 7.88's multi loop catches -m first: "Connection timed out
 * after N milliseconds"; when the kernel itself gives up (ETIMEDOUT,
 * no curl timeout) the text stays "Couldn't connect to server" but the
 * code becomes 28); lib/multi.c ("Operation timed out after %ld
 * milliseconds with %ld bytes received"); lib/progress.c (the meter's two
 * header lines and its "%3d %s  %3d %s  %3d %s  %s  %s %s %s %s %s" line,
 * max5data() and time2str(); on an error the line ends with a newline
 * after failf()'s "* " line); src/tool_cb_dbg.c (-v: "* " info lines,
 * "> " and "< " header lines as sent, with their CRLF, and "{ [N bytes
 * data]" when standard output is not a terminal).  curl issue #10863 shows
 * the 8.0 verbose trace of a refused connect, curl issue #18484 the 8.x
 * connect timeout text.  The request is curl's: "GET / HTTP/1.1", Host
 * (with the port only when it is not the scheme's), "User-Agent:
 * curl/VERSION" (or -A), "Accept" with any type (star-slash-star), then -H
 * headers; -d makes it a POST with Content-Length and a form Content-Type
 * before the body; --resolve fills the DNS cache.  Real options whose
 * effect is not modelled (--retry, -u, -F, -x, ...) say so and exit 126.
 *
 * wget is busybox 1.37's networking/wget.c: "Connecting to %s (%s)" with
 * the host as typed and "ip:port", "saving to '%s'" or "writing to
 * stdout", the progress line (libbb/progress.c: name in 20 columns, the
 * percentage, a bar of 32 stars on an 80-column non-terminal, size,
 * "0:00:00 ETA"), "'%s' saved"; errors "wget: bad address '%s'", "wget:
 * can't connect to remote host (%s): %s", "wget: download timed out",
 * "wget: server returned error: %s"; the request "GET /%s HTTP/1.1", Host,
 * "User-Agent: Wget", "Connection: close".
 *
 * nc: OpenBSD netcat (netcat-openbsd on Alpine): "Connection to %s (%s) %s
 * port [%s/%s] succeeded!" on standard error, "nc: connect to %s (%s) port
 * %s (%s) failed: %s" with -v (the address only when it differs from what
 * was typed), service names from /etc/services; busybox nc (nc_bloaty.c):
 * "%s (%s) open" with -v, refusals silent unless -vv, other errors as
 * "nc: %s (%s): %s".
 *
 * ping: iputils (netshoot): "PING %s (%s) 56(84) bytes of data.", "64 bytes
 * from %s: icmp_seq=%d ttl=%d time=%s ms" (3 decimals under 1 ms, 2 under
 * 10, 1 under 100), the statistics "%ld packets transmitted, %ld received,
 * %g%% packet loss, time %ldms" and "rtt min/avg/max/mdev"; busybox ping:
 * "PING %s (%s): 56 data bytes", "seq=%u", "%u packets transmitted, %u
 * packets received, %u%% packet loss", "round-trip min/avg/max".
 *
 * The C library decides strerror(): glibc "Connection timed out", "No route
 * to host"; musl "Operation timed out", "Host is unreachable".
 *
 * Simplified: one address per name is tried (curl's happy eyeballs and its
 * walk over several A records are not modelled); the progress meters are
 * shown as a terminal leaves them (the final line only, or the zero line
 * that an error message follows), not as the stream of \r updates; curl -L
 * follows no redirect (it is accepted), https:// connects but speaks no
 * TLS (curl answers as to a server that does not speak it); ping prints
 * addresses numerically and, without -c, stops after 10 packets as if
 * interrupted; nc -u without -w waits 10 s for an answer. */
#include <config.h>
#include "models/tools.h"

#include <errno.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/resolvconf.h"
#include "models/resolver.h"
#include "models/tools-dns.h"

/*****************************************************************************
 * Common.
 *****************************************************************************/

static const char *const tool_names[] = {
    "curl", "wget", "nc", "ping", "iptables", "iptables-save", "conntrack", "nft", "ipvsadm", "ipset", "getent", "dig",
    "nslookup", "host", NULL,
};

gboolean
kn_tools_known(const char *name)
{
    for (guint i = 0; tool_names[i] != NULL; i++)
        if (strcmp(name, tool_names[i]) == 0)
            return TRUE;
    return FALSE;
}

/* The images' /etc/services, the entries the tools name ports by. */
static const struct {
    guint16 port;
    const char *name;
    gboolean tcp, udp;
} services[] = {
    { 21, "ftp", TRUE, FALSE }, { 22, "ssh", TRUE, FALSE }, { 23, "telnet", TRUE, FALSE },
    { 25, "smtp", TRUE, FALSE }, { 53, "domain", TRUE, TRUE }, { 80, "http", TRUE, TRUE },
    { 110, "pop3", TRUE, FALSE }, { 123, "ntp", FALSE, TRUE }, { 143, "imap", TRUE, FALSE },
    { 443, "https", TRUE, TRUE }, { 3306, "mysql", TRUE, FALSE },
    { 5432, "postgresql", TRUE, FALSE }, { 6379, "redis", TRUE, FALSE },
    { 8080, "http-alt", TRUE, FALSE },
};

const char *
kn_tools_service_name(guint16 port, gboolean udp)
{
    for (guint i = 0; i < G_N_ELEMENTS(services); i++)
        if (services[i].port == port && (udp ? services[i].udp : services[i].tcp))
            return services[i].name;
    return NULL;
}

/* getservbyname(): the port of service 'name', or 0. */
static guint16
service_port(const char *name, gboolean udp)
{
    for (guint i = 0; i < G_N_ELEMENTS(services); i++)
        if (strcmp(services[i].name, name) == 0 && (udp ? services[i].udp : services[i].tcp))
            return services[i].port;
    return 0;
}

/* A running tool. */
typedef struct Job {
    KnNetClient *net;
    const KnImage *image;
    const KnImageTool *tool;     /* the image's entry, or NULL */
    char *version;               /* the tool's version ("7.88.1") */
    KnLibc libc;
    KnToolIo io;
    KnToolDone done;
    gpointer user_data;
    GStrv argv;
    KnTime started;              /* when the tool started */
    KnTime resolved;             /* when the name was resolved */
    char *host;                  /* the host as typed (iputils ping: then as resolved) */
    KnAddr addr;                 /* what it resolved to */
    char addr_text[KN_ADDR_STRLEN];
    guint16 port;
    gpointer state;              /* the tool's own state, freed with 'state_free' */
    GDestroyNotify state_free;
} Job;

static KnTime
now(Job *job)
{
    return job->net->klass->now(job->net->self);
}

static void
job_free(Job *job)
{
    if (job->state_free != NULL)
        job->state_free(job->state);
    g_strfreev(job->argv);
    g_free(job->version);
    g_free(job->host);
    g_free(job);
}

/* The simulation ended with the tool still waiting (netclient.h adopt). */
static void
job_abandon(gpointer data)
{
    job_free(data);
}

static void
job_finish(Job *job, int status)
{
    if (job->net->klass->disown != NULL)
        job->net->klass->disown(job->net->self, job);
    job->done(status, job->user_data);
    job_free(job);
}

/* strerror() of the image's C library for a network failure. */
static const char *
net_strerror(const Job *job, KnNetStatus status)
{
    gboolean musl = job->libc == KN_LIBC_MUSL;

    switch (status) {
    case KN_NET_REFUSED:
        return "Connection refused";
    case KN_NET_CONNECT_TIMEOUT:
    case KN_NET_TIMEOUT:
        return musl ? "Operation timed out" : "Connection timed out";
    case KN_NET_HOST_UNREACHABLE:
        return musl ? "Host is unreachable" : "No route to host";
    case KN_NET_NETWORK_UNREACHABLE:
        return musl ? "Network unreachable" : "Network is unreachable";
    case KN_NET_RESET:
        return "Connection reset by peer";
    case KN_NET_OK:
        break;
    }
    return "Success";
}

/* getaddrinfo()'s EAI_NONAME text. */
static const char *
gai_noname(const Job *job)
{
    return job->libc == KN_LIBC_MUSL ? "Name does not resolve" : "Name or service not known";
}

/* The bytes after the headers of an HTTP response and the headers'
 * length, or -1 if the headers never end. */
static gssize
http_header_length(const char *data, gsize size)
{
    for (gsize i = 0; i + 3 < size; i++)
        if (memcmp(data + i, "\r\n\r\n", 4) == 0)
            return (gssize) (i + 4);
    return -1;
}

/* A response as a client reads it. */
typedef struct HttpResponse {
    int code;                    /* 0: no status line */
    char *status_line;           /* "HTTP/1.1 200 OK" */
    char *reason;
    GPtrArray *lines;            /* the header lines as received, without CRLF */
    gsize header_size;           /* bytes of the status line and headers */
    const char *body;            /* borrowed from the received bytes */
    gsize body_size;
    gint64 content_length;       /* -1 if not given */
    char *content_type;
    gboolean close;              /* Connection: close */
} HttpResponse;

static void
http_response_clear(HttpResponse *response)
{
    g_free(response->status_line);
    g_free(response->reason);
    if (response->lines != NULL)
        g_ptr_array_unref(response->lines);
    g_free(response->content_type);
}

static gboolean
http_response_parse(GBytes *bytes, HttpResponse *response)
{
    gsize size;
    const char *data = g_bytes_get_data(bytes, &size);
    gssize header_size;
    g_autofree char *head = NULL;
    g_auto(GStrv) lines = NULL;

    memset(response, 0, sizeof(*response));
    response->content_length = -1;
    response->lines = g_ptr_array_new_with_free_func(g_free);
    if (size == 0)
        return FALSE;
    header_size = http_header_length(data, size);
    if (header_size < 0)
        header_size = (gssize) size;
    response->header_size = header_size;
    head = g_strndup(data, header_size);
    lines = g_strsplit(head, "\r\n", -1);
    for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++) {
        g_ptr_array_add(response->lines, g_strdup(lines[i]));
        if (i == 0) {
            char *space = strchr(lines[0], ' ');

            if (!g_str_has_prefix(lines[0], "HTTP/") || space == NULL)
                return FALSE;
            response->status_line = g_strdup(lines[0]);
            response->code = atoi(space + 1);
            response->reason = g_strdup(strchr(space + 1, ' ') != NULL
                                        ? strchr(space + 1, ' ') + 1 : "");
            continue;
        }
        if (g_ascii_strncasecmp(lines[i], "Content-Length:", 15) == 0)
            response->content_length = g_ascii_strtoll(lines[i] + 15, NULL, 10);
        else if (g_ascii_strncasecmp(lines[i], "Content-Type:", 13) == 0)
            response->content_type = g_strstrip(g_strdup(lines[i] + 13));
        else if (g_ascii_strncasecmp(lines[i], "Connection:", 11) == 0)
            response->close = strstr(lines[i] + 11, "close") != NULL;
    }
    response->body = data + header_size;
    response->body_size = size - header_size;
    if (response->content_length >= 0 && (gsize) response->content_length < response->body_size)
        response->body_size = (gsize) response->content_length;
    return response->code > 0;
}

/* Splits "scheme://host:port/path?query#frag"; FALSE if malformed. */
typedef struct Url {
    char *scheme;                /* lower case; "http" when none was typed */
    char *host;                  /* without brackets */
    guint16 port;
    gboolean explicit_port;
    char *path;                  /* path and query, at least "/" */
    char *host_port;             /* host[:port] as typed, for Host and messages */
} Url;

static void
url_clear(Url *url)
{
    g_free(url->scheme);
    g_free(url->host);
    g_free(url->path);
    g_free(url->host_port);
}

static gboolean
url_parse(const char *text, Url *url)
{
    const char *p = text, *sep = strstr(text, "://");
    const char *end, *hash;
    g_autofree char *authority = NULL;
    char *colon;

    memset(url, 0, sizeof(*url));
    if (sep != NULL) {
        url->scheme = g_ascii_strdown(text, sep - text);
        p = sep + 3;
    } else {
        url->scheme = g_strdup("http");
    }
    end = p + strcspn(p, "/?#");
    authority = g_strndup(p, end - p);
    url->host_port = g_strdup(authority);
    hash = strchr(end, '#');
    url->path = hash != NULL ? g_strndup(end, hash - end) : g_strdup(end);
    if (url->path[0] != '/') {
        char *with_slash = g_strconcat("/", url->path, NULL);

        g_free(url->path);
        url->path = with_slash;
    }
    url->port = strcmp(url->scheme, "https") == 0 ? 443 : 80;
    if (authority[0] == '[') {
        char *close = strchr(authority, ']');

        if (close == NULL)
            return FALSE;
        url->host = g_strndup(authority + 1, close - authority - 1);
        colon = close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = strrchr(authority, ':');
        url->host = colon != NULL ? g_strndup(authority, colon - authority) : g_strdup(authority);
    }
    if (colon != NULL) {
        char *digits_end;
        guint64 port = g_ascii_strtoull(colon + 1, &digits_end, 10);

        if (colon[1] == '\0' || *digits_end != '\0' || port > 65535)
            return FALSE;
        url->port = (guint16) port;
        url->explicit_port = TRUE;
    }
    return url->host[0] != '\0';
}

static gboolean
parse_seconds(const char *text, double *seconds)
{
    char *end;

    *seconds = g_ascii_strtod(text, &end);
    return text[0] != '\0' && *end == '\0' && *seconds >= 0;
}

static KnTime
seconds_to_time(double seconds)
{
    return (KnTime) llround(seconds * 1e9);
}

static GString *
output_file(const KnToolIo *io, const char *path)
{
    GString *file;

    if (strcmp(path, "-") == 0)
        return io->out;
    if (strcmp(path, "/dev/null") == 0 || io->files == NULL)
        return NULL;
    file = g_hash_table_lookup(io->files, path);
    if (file == NULL) {
        file = g_string_new(NULL);
        g_hash_table_insert(io->files, g_strdup(path), file);
    }
    g_string_truncate(file, 0);
    return file;
}

/*****************************************************************************
 * curl.
 *****************************************************************************/

typedef struct Curl {
    gboolean silent, show_error, verbose, head, include, fail;
    gboolean no_meter;           /* --no-progress-meter */
    char *output;                /* -o */
    char *write_out;             /* -w */
    char *method;                /* -X */
    GPtrArray *headers;          /* -H */
    GString *data;               /* -d, --data-raw, --data-binary (joined by '&'), or NULL */
    char *user_agent;            /* -A */
    char *resolve;               /* --resolve HOST:PORT:ADDRESS */
    gboolean from_cache;         /* the address came from --resolve */
    double connect_timeout;      /* seconds; 0: none */
    double max_time;
    KnTime baller_timeout;       /* what was left of the connect timeout as the connect began */
    char *url_text;
    Url url;
    int major, minor;            /* curl's version */
    /* Results for -w. */
    int http_code;
    KnTcpResult tcp;             /* copy; 'received' not kept */
    gsize size_download, size_header, size_request;
    gint64 expected;             /* the response's Content-Length, once read; 0: unknown */
    gsize size_request_header;   /* the request's header part */
    char *content_type;
    guint num_connects;
    GBytes *request;
} Curl;

static void
curl_free(Curl *curl)
{
    g_free(curl->output);
    g_free(curl->write_out);
    g_free(curl->method);
    g_free(curl->url_text);
    if (curl->data != NULL)
        g_string_free(curl->data, TRUE);
    g_free(curl->user_agent);
    g_free(curl->resolve);
    if (curl->headers != NULL)
        g_ptr_array_unref(curl->headers);
    url_clear(&curl->url);
    g_free(curl->content_type);
    if (curl->request != NULL)
        g_bytes_unref(curl->request);
    g_free(curl);
}

static gboolean
curl_at_least(const Curl *curl, int major, int minor)
{
    return curl->major > major || (curl->major == major && curl->minor >= minor);
}

/* max5data() of lib/progress.c: a size in 5 columns. */
static void
max5data(gint64 bytes, char *out)
{
    const gint64 kb = 1024, mb = kb * 1024;

    if (bytes < 100000)
        g_snprintf(out, 6, "%5" G_GINT64_FORMAT, bytes);
    else if (bytes < 10000 * kb)
        g_snprintf(out, 6, "%4" G_GINT64_FORMAT "k", bytes / kb);
    else if (bytes < 100 * mb)
        g_snprintf(out, 6, "%2" G_GINT64_FORMAT ".%0" G_GINT64_FORMAT "M", bytes / mb,
                   (bytes % mb) / (mb / 10));
    else
        g_snprintf(out, 6, "%4" G_GINT64_FORMAT "M", bytes / mb);
}

/* time2str() of lib/progress.c. */
static void
time2str(gint64 seconds, char *out)
{
    if (seconds <= 0) {
        strcpy(out, "--:--:--");
        return;
    }
    g_snprintf(out, 9, "%2" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
               seconds / 3600, (seconds % 3600) / 60, seconds % 60);
}

static void
curl_meter_header(GString *err)
{
    g_string_append(err, "  % Total    % Received % Xferd  Average Speed   Time    Time     "
                    "Time  Current\n"
                    "                                 Dload  Upload   Total   Spent    Left  "
                    "Speed\n");
}

/* One line of the progress meter after 'elapsed' with 'size' of
 * 'expected' bytes (-1: unknown) received. */
static void
curl_meter_line(GString *err, KnTime elapsed, gint64 size, gint64 expected)
{
    char total[6], received[6], up[6], dlspeed[6], ulspeed[6], current[6];
    char time_total[9], time_spent[9], time_left[9];
    gint64 us = (gint64) (elapsed / KN_USEC);
    gint64 speed = us < 1 ? size * 1000000 : size * 1000000 / us;
    gint64 spent = (gint64) (elapsed / KN_SEC);
    int percent_total = 0, percent_dl = 0;

    if (expected > 0) {
        percent_total = percent_dl = (int) (size * 100 / expected);
    }
    max5data(expected > 0 ? expected : 0, total);
    max5data(size, received);
    max5data(0, up);
    max5data(speed, dlspeed);
    max5data(0, ulspeed);
    max5data(speed, current);
    if (expected > 0 && speed > 0) {
        gint64 estimate = expected / speed;

        time2str(estimate, time_total);
        time2str(estimate - spent, time_left);
    } else {
        time2str(0, time_total);
        time2str(0, time_left);
    }
    time2str(spent, time_spent);
    g_string_append_printf(err, "%3d %s  %3d %s  %3d %s  %s  %s %s %s %s %s", percent_total, total,
                           percent_dl, received, 0, up, dlspeed, ulspeed, time_total, time_spent,
                           time_left, current);
}

static gboolean
curl_progress(const Curl *curl)
{
    return !curl->silent && !curl->no_meter;
}

static void
curl_info(Job *job, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
curl_info(Job *job, const char *format, ...)
{
    Curl *curl = job->state;
    va_list args;

    if (!curl->verbose)
        return;
    g_string_append(job->io.err, "* ");
    va_start(args, format);
    g_string_append_vprintf(job->io.err, format, args);
    va_end(args);
    g_string_append_c(job->io.err, '\n');
}

static void
curl_closing(Job *job)
{
    Curl *curl = job->state;

    if (curl_at_least(curl, 8, 10))
        curl_info(job, "shutting down connection #0");
    else if (curl_at_least(curl, 8, 0))
        curl_info(job, "closing connection #0");
    else
        curl_info(job, "Closing connection 0");
}

static char *
format_seconds(KnTime t)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT, t / KN_SEC,
                           (t % KN_SEC) / KN_USEC);
}

/* Writes -w's format with what the transfer found. */
static void
curl_write_out(Job *job, int exit_code, const char *error_text)
{
    Curl *curl = job->state;
    GString *out = job->io.out;
    KnTime finished = now(job);

    for (const char *p = curl->write_out; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            if (*p == 'n')
                g_string_append_c(out, '\n');
            else if (*p == 'r')
                g_string_append_c(out, '\r');
            else if (*p == 't')
                g_string_append_c(out, '\t');
            else {
                if (*p != '\\')
                    g_string_append_c(out, '\\');
                g_string_append_c(out, *p);
            }
            continue;
        }
        if (*p == '%' && p[1] == '%') {
            g_string_append_c(out, '%');
            p++;
            continue;
        }
        if (*p == '%' && p[1] == '{') {
            const char *close = strchr(p, '}');
            g_autofree char *name = NULL;
            g_autofree char *value = NULL;

            if (close == NULL) {
                g_string_append(out, p);
                break;
            }
            name = g_strndup(p + 2, close - p - 2);
            p = close;
            if (strcmp(name, "http_code") == 0 || strcmp(name, "response_code") == 0)
                value = g_strdup_printf("%03d", curl->http_code);
            /* CURLINFO_PRIMARY_IP/PORT: set once connected. */
            else if (strcmp(name, "remote_ip") == 0)
                value = g_strdup(curl->num_connects > 0 ? job->addr_text : "");
            else if (strcmp(name, "remote_port") == 0)
                value = g_strdup_printf("%u", curl->num_connects > 0 ? job->port : 0);
            else if (strcmp(name, "local_ip") == 0) {
                char addr[KN_ADDR_STRLEN];

                value = g_strdup(curl->tcp.connected != 0 ? kn_addr_format(&curl->tcp.local, addr)
                                                          : "");
            } else if (strcmp(name, "local_port") == 0)
                value = g_strdup_printf("%u", curl->tcp.connected != 0 ? curl->tcp.local_port : 0);
            else if (strcmp(name, "time_total") == 0)
                value = format_seconds(finished - job->started);
            else if (strcmp(name, "time_namelookup") == 0)
                value = format_seconds(job->resolved > job->started ? job->resolved - job->started
                                                                    : 0);
            else if (strcmp(name, "time_connect") == 0 || strcmp(name, "time_pretransfer") == 0)
                value = format_seconds(curl->tcp.connected != 0
                                       ? curl->tcp.connected - job->started : 0);
            else if (strcmp(name, "time_appconnect") == 0 || strcmp(name, "time_redirect") == 0)
                value = format_seconds(0);
            else if (strcmp(name, "time_starttransfer") == 0)
                value = format_seconds(curl->tcp.first_byte != 0
                                       ? curl->tcp.first_byte - job->started : 0);
            else if (strcmp(name, "size_download") == 0)
                value = g_strdup_printf("%zu", curl->size_download);
            else if (strcmp(name, "size_header") == 0)
                value = g_strdup_printf("%zu", curl->size_header);
            else if (strcmp(name, "size_request") == 0)
                value = g_strdup_printf("%zu", curl->size_request);
            else if (strcmp(name, "size_upload") == 0)
                value = g_strdup_printf("%zu", curl->data != NULL ? curl->data->len : 0);
            else if (strcmp(name, "speed_download") == 0) {
                KnTime us = (finished - job->started) / KN_USEC;

                value = g_strdup_printf("%" G_GUINT64_FORMAT,
                                        us > 0 ? curl->size_download * 1000000 / us : 0);
            } else if (strcmp(name, "num_connects") == 0)
                value = g_strdup_printf("%u", curl->num_connects);
            else if (strcmp(name, "content_type") == 0)
                value = g_strdup(curl->content_type != NULL ? curl->content_type : "");
            else if (strcmp(name, "url_effective") == 0 || strcmp(name, "url") == 0)
                value = g_strdup_printf("%s://%s%s", curl->url.scheme, curl->url.host_port,
                                        curl->url.path);
            else if (strcmp(name, "exitcode") == 0)
                value = g_strdup_printf("%d", exit_code);
            else if (strcmp(name, "errormsg") == 0)
                value = g_strdup(error_text != NULL ? error_text : "");
            else if (strcmp(name, "method") == 0)
                value = g_strdup(curl->method != NULL ? curl->method : curl->head ? "HEAD" : "GET");
            else if (strcmp(name, "scheme") == 0)
                value = g_ascii_strup(curl->url.scheme, -1);
            else {
                g_string_append_printf(job->io.err, "curl: unknown --write-out variable: '%s'\n",
                                       name);
                continue;
            }
            g_string_append(out, value);
            continue;
        }
        g_string_append_c(out, *p);
    }
}

/* Ends curl with 'code' and, unless 0, the message "curl: (code) text". */
static void
curl_end(Job *job, int code, const char *text)
{
    Curl *curl = job->state;

    /* failf() writes "* text" at once; the transfer's end then finishes
     * the meter's line (Curl_pgrsDone) before the connection closes.  A
     * name that did not resolve ends it without that: the meter's line
     * stays open and the error follows on it (curl 7.88.1: "...     0curl:
     * (6) Could not resolve host: ..."; with -v the meter's first line
     * is already out, and "* Could not resolve host" follows it). */
    if (code == 6) {
        if (curl_progress(curl) && !curl->verbose)
            curl_meter_line(job->io.err, now(job) - job->started, 0, -1);
        curl_info(job, "%s", text);
    } else if (code != 0) {
        curl_info(job, "%s", text);
        if (curl_progress(curl)) {
            curl_meter_line(job->io.err, now(job) - job->started, (gint64) curl->size_download,
                            curl->expected > 0 ? curl->expected : -1);
            g_string_append_c(job->io.err, '\n');
        }
    }
    if (code != 0) {
        curl_closing(job);
        if (!curl->silent || curl->show_error)
            g_string_append_printf(job->io.err, "curl: (%d) %s\n", code, text);
    }
    if (curl->write_out != NULL)
        curl_write_out(job, code, code != 0 ? text : NULL);
    job_finish(job, code);
}

static void
curl_usage(Job *job, const char *message)
{
    Curl *curl = job->state;

    g_string_append_printf(job->io.err, "curl: %s\n", message);
    (void) curl;
    g_string_append(job->io.err, "curl: try 'curl --help' or 'curl --manual' for more "
                    "information\n");
    job_finish(job, 2);
}

/* Parses curl's command line into job->state; FALSE after curl_usage(). */
static gboolean
curl_parse(Job *job)
{
    Curl *curl = job->state;
    char **argv = job->argv;

    for (int i = 1; argv[i] != NULL; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        char option = 0;

        if (g_str_has_prefix(arg, "--") && arg[2] != '\0') {
            static const struct {
                const char *name;
                char option;
            } longs[] = {
                { "silent", 's' }, { "show-error", 'S' }, { "verbose", 'v' }, { "head", 'I' },
                { "include", 'i' }, { "fail", 'f' }, { "location", 'L' }, { "insecure", 'k' },
                { "output", 'o' }, { "write-out", 'w' }, { "header", 'H' }, { "request", 'X' },
                { "max-time", 'm' }, { "connect-timeout", 'C' }, { "url", 'U' },
                { "ipv4", '4' }, { "ipv6", '6' }, { "no-progress-meter", 'P' },
                { "http1.1", '1' }, { "compressed", 'z' }, { "data", 'd' }, { "data-ascii", 'd' },
                { "data-raw", 'r' }, { "data-binary", 'd' }, { "user-agent", 'A' }, { "resolve", 'R' },
                { "disable", 'q' },
            };
            /* Real options whose effect is not modelled: said so, not
             * taken for unknown ones. */
            static const char *const unmodelled[] = {
                "retry", "retry-connrefused", "retry-delay", "retry-max-time", "user", "form", "upload-file",
                "proxy", "cacert", "cert", "key", "cookie", "cookie-jar", "limit-rate", "interface",
                "local-port", "unix-socket", "http2", "http2-prior-knowledge", "tlsv1.2", "tlsv1.3", NULL,
            };

            for (guint k = 0; k < G_N_ELEMENTS(longs); k++)
                if (strcmp(arg + 2, longs[k].name) == 0)
                    option = longs[k].option;
            if (option == 0 && g_strv_contains(unmodelled, arg + 2)) {
                g_string_append_printf(job->io.err, "knetsim: curl %s is not simulated\n", arg);
                job_finish(job, 126);
                return FALSE;
            }
            if (option == 0) {
                g_autofree char *message = g_strdup_printf("option %s: is unknown", arg);

                curl_usage(job, message);
                return FALSE;
            }
            if (strchr("owHXmCUdrAR", option) != NULL) {
                if (argv[i + 1] == NULL) {
                    g_autofree char *message = g_strdup_printf("option %s: requires parameter", arg);

                    curl_usage(job, message);
                    return FALSE;
                }
                value = argv[++i];
            }
        } else if (arg[0] == '-' && arg[1] != '\0') {
            for (const char *f = arg + 1; *f != '\0'; f++) {
                if (strchr("uFTxbcE", *f) != NULL) {
                    g_string_append_printf(job->io.err, "knetsim: curl -%c is not simulated\n", *f);
                    job_finish(job, 126);
                    return FALSE;
                }
                if (strchr("owHXmdA", *f) != NULL) {
                    option = *f;
                    value = f[1] != '\0' ? f + 1 : argv[i + 1];
                    if (value == NULL) {
                        g_autofree char *message = g_strdup_printf("option -%c: requires parameter",
                                                                   *f);

                        curl_usage(job, message);
                        return FALSE;
                    }
                    if (f[1] == '\0')
                        i++;
                    break;
                }
                if (strchr("sSvIifLk46#q", *f) == NULL) {
                    g_autofree char *message = g_strdup_printf("option -%c: is unknown", *f);

                    curl_usage(job, message);
                    return FALSE;
                }
                switch (*f) {
                case 's': curl->silent = TRUE; break;
                case 'S': curl->show_error = TRUE; break;
                case 'v': curl->verbose = TRUE; break;
                case 'I': curl->head = TRUE; break;
                case 'i': curl->include = TRUE; break;
                case 'f': curl->fail = TRUE; break;
                default: break;
                }
            }
            if (option == 0)
                continue;
        } else {
            g_free(curl->url_text);
            curl->url_text = g_strdup(arg);
            continue;
        }
        switch (option) {
        case 's': curl->silent = TRUE; break;
        case 'S': curl->show_error = TRUE; break;
        case 'v': curl->verbose = TRUE; break;
        case 'I': curl->head = TRUE; break;
        case 'i': curl->include = TRUE; break;
        case 'f': curl->fail = TRUE; break;
        case 'P': curl->no_meter = TRUE; break;
        case 'o': g_free(curl->output); curl->output = g_strdup(value); break;
        case 'w': g_free(curl->write_out); curl->write_out = g_strdup(value); break;
        case 'H': g_ptr_array_add(curl->headers, g_strdup(value)); break;
        case 'X': g_free(curl->method); curl->method = g_strdup(value); break;
        case 'U': g_free(curl->url_text); curl->url_text = g_strdup(value); break;
        case 'd':
        case 'r':
            if (option == 'd' && value[0] == '@') {
                g_string_append(job->io.err, "knetsim: curl -d @FILE is not simulated\n");
                job_finish(job, 126);
                return FALSE;
            }
            if (curl->data == NULL)
                curl->data = g_string_new(NULL);
            else
                g_string_append_c(curl->data, '&');
            g_string_append(curl->data, value);
            break;
        case 'A': g_free(curl->user_agent); curl->user_agent = g_strdup(value); break;
        case 'R': g_free(curl->resolve); curl->resolve = g_strdup(value); break;
        case 'm':
        case 'C': {
            double seconds;

            if (!parse_seconds(value, &seconds)) {
                g_autofree char *message = g_strdup_printf(
                    "option %s: expected a proper numerical parameter",
                    option == 'm' ? (g_str_has_prefix(arg, "--") ? "--max-time" : "-m")
                                  : "--connect-timeout");

                curl_usage(job, message);
                return FALSE;
            }
            if (option == 'm')
                curl->max_time = seconds;
            else
                curl->connect_timeout = seconds;
            break;
        }
        default:
            break;
        }
    }
    if (curl->url_text == NULL && argv[1] == NULL) {
        /* No argument at all: the hint alone (curl 7.88.1 checked). */
        g_string_append(job->io.err, "curl: try 'curl --help' or 'curl --manual' for more information\n");
        job_finish(job, 2);
        return FALSE;
    }
    if (curl->url_text == NULL) {
        curl_usage(job, curl_at_least(curl, 8, 0) ? "no URL specified" : "no URL specified!");
        return FALSE;
    }
    return TRUE;
}

/* The request bytes curl sends. */
static GBytes *
curl_request(Job *job)
{
    Curl *curl = job->state;
    GString *out = g_string_new(NULL);
    g_autofree char *host = NULL;
    const char *defaults[3][2];
    gboolean default_port = curl->url.port == (strcmp(curl->url.scheme, "https") == 0 ? 443 : 80);

    if (!default_port)
        host = g_strdup(curl->url.host_port);
    else if (strchr(curl->url.host, ':') != NULL)
        host = g_strdup_printf("[%s]", curl->url.host);   /* IPv6 */
    else
        host = g_strdup(curl->url.host);
    defaults[0][0] = "Host";
    defaults[0][1] = host;
    defaults[1][0] = "User-Agent";
    defaults[1][1] = NULL;
    defaults[2][0] = "Accept";
    defaults[2][1] = "*/*";
    g_string_append_printf(out, "%s %s HTTP/1.1\r\n",
                           curl->method != NULL ? curl->method : curl->head ? "HEAD"
                           : curl->data != NULL ? "POST" : "GET",
                           curl->url.path);
    for (guint d = 0; d < 3; d++) {
        const char *replaced = NULL;
        gboolean removed = FALSE;

        for (guint h = 0; h < curl->headers->len; h++) {
            const char *header = g_ptr_array_index(curl->headers, h);
            gsize len = strlen(defaults[d][0]);

            if (g_ascii_strncasecmp(header, defaults[d][0], len) == 0 && header[len] == ':') {
                const char *value = header + len + 1;

                while (*value == ' ')
                    value++;
                if (*value == '\0')
                    removed = TRUE;
                else
                    replaced = header;
            }
        }
        if (removed)
            continue;
        if (replaced != NULL)
            g_string_append_printf(out, "%s\r\n", replaced);
        else if (d == 1 && curl->user_agent != NULL)
            g_string_append_printf(out, "User-Agent: %s\r\n", curl->user_agent);
        else if (d == 1)
            g_string_append_printf(out, "User-Agent: curl/%s\r\n", job->version);
        else
            g_string_append_printf(out, "%s: %s\r\n", defaults[d][0], defaults[d][1]);
    }
    for (guint h = 0; h < curl->headers->len; h++) {
        const char *header = g_ptr_array_index(curl->headers, h);
        gboolean is_default = FALSE;
        const char *colon = strchr(header, ':');

        for (guint d = 0; d < 3; d++) {
            gsize len = strlen(defaults[d][0]);

            if (g_ascii_strncasecmp(header, defaults[d][0], len) == 0 && header[len] == ':')
                is_default = TRUE;
        }
        if (!is_default && colon != NULL && colon[1] != '\0')
            g_string_append_printf(out, "%s\r\n", header);
    }
    if (curl->data != NULL) {
        gboolean typed = FALSE;

        for (guint h = 0; h < curl->headers->len; h++)
            typed |= g_ascii_strncasecmp(g_ptr_array_index(curl->headers, h), "Content-Type:", 13) == 0;
        g_string_append_printf(out, "Content-Length: %zu\r\n", curl->data->len);
        if (!typed)
            g_string_append(out, "Content-Type: application/x-www-form-urlencoded\r\n");
    }
    g_string_append(out, "\r\n");
    curl->size_request_header = out->len;
    if (curl->data != NULL)
        g_string_append_len(out, curl->data->str, curl->data->len);
    return g_string_free_to_bytes(out);
}

/* Appends 'text' line by line with 'prefix', keeping each line's CRLF. */
static void
trace_lines(GString *err, const char *prefix, const char *text, gsize len)
{
    gsize start = 0;

    for (gsize i = 0; i < len; i++) {
        if (text[i] == '\n') {
            g_string_append(err, prefix);
            g_string_append_len(err, text + start, i + 1 - start);
            start = i + 1;
        }
    }
}

static void
curl_on_tcp(const KnTcpResult *result, gpointer user_data)
{
    Job *job = user_data;
    Curl *curl = job->state;
    KnTime elapsed_ms = (result->finished - job->started) / KN_MSEC;
    HttpResponse response;
    gsize size;
    const char *data;
    g_autofree char *text = NULL;

    curl->tcp = *result;
    curl->tcp.received = NULL;
    if (result->status != KN_NET_OK && result->status != KN_NET_TIMEOUT &&
        result->status != KN_NET_RESET) {
        gboolean kernel_timeout = result->status == KN_NET_CONNECT_TIMEOUT &&
                                  curl->connect_timeout == 0 && curl->max_time == 0;
        gboolean timeout = result->status == KN_NET_CONNECT_TIMEOUT && !kernel_timeout;

        if (result->status != KN_NET_CONNECT_TIMEOUT || kernel_timeout) {
            char local[KN_ADDR_STRLEN];

            if (curl_at_least(curl, 8, 6) && result->local.family != 0)
                curl_info(job, "connect to %s port %u from %s port %u failed: %s", job->addr_text,
                          job->port, kn_addr_format(&result->local, local), result->local_port,
                          net_strerror(job, result->status));
            else
                curl_info(job, "connect to %s port %u failed: %s", job->addr_text, job->port,
                          net_strerror(job, result->status));
        }
        /* curl 7.x checks only -m at the top of multi_runsingle
         * (multi_handle_timeout(..., FALSE)), before the connect code sees
         * its own deadline: -m running out first reads as lib/multi.c's
         * "Connection timed out after N milliseconds". */
        if (timeout && !curl_at_least(curl, 8, 0) && curl->max_time > 0
            && (curl->connect_timeout == 0 || curl->max_time <= curl->connect_timeout))
            text = g_strdup_printf("Connection timed out after %" G_GUINT64_FORMAT " milliseconds", elapsed_ms);
        else {
            /* lib/connect.c: the attempt's own deadline, what was left of
             * the connect timeout when it began, runs out first. */
            if (timeout)
                curl_info(job, "%s connect timeout after %" G_GUINT64_FORMAT "ms, move on!",
                          job->addr.family == 6 ? "ipv6" : "ipv4", curl->baller_timeout / KN_MSEC);
            text = g_strdup_printf("Failed to connect to %s port %u after %" G_GUINT64_FORMAT
                                   " ms: %s", curl->url.host, job->port, elapsed_ms,
                                   timeout ? "Timeout was reached" : "Couldn't connect to server");
        }
        curl_end(job, timeout || kernel_timeout ? 28 : 7, text);
        return;
    }
    curl->num_connects = 1;
    if (curl_at_least(curl, 8, 0))
        curl_info(job, "Connected to %s (%s) port %u", curl->url.host, job->addr_text, job->port);
    else
        curl_info(job, "Connected to %s (%s) port %u (#0)", curl->url.host, job->addr_text,
                  job->port);
    if (curl_at_least(curl, 8, 6))
        curl_info(job, "using HTTP/1.x");
    if (curl->verbose) {
        data = g_bytes_get_data(curl->request, &size);
        trace_lines(job->io.err, "> ", data, curl->size_request_header);
        if (size > curl->size_request_header)
            g_string_append_printf(job->io.err, "} [%zu bytes data]\n", size - curl->size_request_header);
    }
    /* 8.x lib/request.c req_set_upload_done(). */
    if (curl_at_least(curl, 8, 6) && curl->data != NULL)
        curl_info(job, "upload completely sent off: %zu bytes", curl->data->len);
    else if (curl_at_least(curl, 8, 6))
        curl_info(job, "Request completely sent off");
    data = g_bytes_get_data(result->received, &size);
    if (!http_response_parse(result->received, &response)) {
        http_response_clear(&response);
        if (result->status == KN_NET_TIMEOUT) {
            text = g_strdup_printf("Operation timed out after %" G_GUINT64_FORMAT
                                   " milliseconds with 0 bytes received", elapsed_ms);
            curl_end(job, 28, text);
        } else if (result->status == KN_NET_RESET) {
            curl_end(job, 56, "Recv failure: Connection reset by peer");
        } else if (size == 0) {
            curl_end(job, 52, "Empty reply from server");
        } else if (strcmp(curl->url.scheme, "https") == 0) {
            curl_end(job, 35, "error:0A00010B:SSL routines::wrong version number");
        } else {
            curl_end(job, 1, "Received HTTP/0.9 when not allowed");
        }
        return;
    }
    curl->http_code = response.code;
    curl->size_header = response.header_size;
    curl->size_download = curl->head ? 0 : response.body_size;
    curl->expected = MAX(response.content_length, 0);   /* the meter's Total, a HEAD's too */
    curl->content_type = g_strdup(response.content_type);
    if (curl->verbose)
        trace_lines(job->io.err, "< ", data, response.header_size);
    if (result->status == KN_NET_TIMEOUT) {
        text = response.content_length >= 0
            ? g_strdup_printf("Operation timed out after %" G_GUINT64_FORMAT " milliseconds with %zu"
                              " out of %" G_GINT64_FORMAT " bytes received", elapsed_ms,
                              curl->size_download, response.content_length)
            : g_strdup_printf("Operation timed out after %" G_GUINT64_FORMAT " milliseconds with %zu"
                              " bytes received", elapsed_ms, curl->size_download);
        http_response_clear(&response);
        curl_end(job, 28, text);
        return;
    }
    if (curl->fail && response.code >= 400) {
        /* --fail stops at the headers: no body byte counted. */
        text = g_strdup_printf("The requested URL returned error: %d", response.code);
        curl->size_download = 0;
        http_response_clear(&response);
        curl_end(job, 22, text);
        return;
    }
    {
        GString *out = curl->output != NULL ? output_file(&job->io, curl->output) : job->io.out;

        if (out != NULL) {
            if (curl->head || curl->include)
                g_string_append_len(out, data, response.header_size);
            if (!curl->head)
                g_string_append_len(out, response.body, response.body_size);
        }
    }
    if (curl->verbose && curl->size_download > 0)
        g_string_append_printf(job->io.err, "{ [%zu bytes data]\n", curl->size_download);
    if (curl_progress(curl)) {
        curl_meter_line(job->io.err, result->finished - job->started,
                        (gint64) curl->size_download, response.content_length);
        g_string_append_c(job->io.err, '\n');
    }
    if (response.close)
        curl_closing(job);
    else
        curl_info(job, "Connection #0 to host %s left intact", curl->url.host);
    http_response_clear(&response);
    curl_end(job, 0, NULL);
}

static void
curl_on_resolved(const KnResolveResult *result, gpointer user_data)
{
    Job *job = user_data;
    Curl *curl = job->state;
    KnTcpRequest request = { 0 };
    KnAddr literal;

    job->resolved = now(job);
    if (!result->found || result->addresses == NULL || result->addresses->len == 0) {
        g_autofree char *text = g_strdup_printf("Could not resolve host: %s", curl->url.host);

        curl_end(job, 6, text);
        return;
    }
    job->addr = *(const KnAddr *) g_ptr_array_index(result->addresses, 0);
    kn_addr_format(&job->addr, job->addr_text);
    if (curl->from_cache)
        curl_info(job, "Hostname %s was found in DNS cache", curl->url.host);
    else if (curl_at_least(curl, 8, 6) && !kn_addr_parse(curl->url.host, &literal)) {
        GString *v4 = g_string_new(NULL), *v6 = g_string_new(NULL);

        for (guint i = 0; i < result->addresses->len; i++) {
            const KnAddr *addr = g_ptr_array_index(result->addresses, i);
            char text[KN_ADDR_STRLEN];
            GString *list = addr->family == 6 ? v6 : v4;

            g_string_append_printf(list, "%s%s", list->len > 0 ? ", " : "",
                                   kn_addr_format(addr, text));
        }
        curl_info(job, "Host %s:%u was resolved.", curl->url.host, job->port);
        curl_info(job, "IPv6: %s", v6->len > 0 ? v6->str : "(none)");
        curl_info(job, "IPv4: %s", v4->len > 0 ? v4->str : "(none)");
        g_string_free(v4, TRUE);
        g_string_free(v6, TRUE);
    }
    if (job->addr.family == 6)
        curl_info(job, "  Trying [%s]:%u...", job->addr_text, job->port);
    else
        curl_info(job, "  Trying %s:%u...", job->addr_text, job->port);
    curl->request = curl_request(job);
    curl->size_request = curl->size_request_header;   /* CURLINFO_REQUEST_SIZE: headers */
    request.dst = job->addr;
    request.port = job->port;
    request.send = curl->request;
    request.http = TRUE;
    /* Both deadlines count from the transfer's start: the connect phase
     * includes the name's resolution (Curl_timeleft()). */
    KnTime spent = job->resolved - job->started;

    if (curl->connect_timeout > 0) {
        KnTime connect_timeout = seconds_to_time(curl->connect_timeout);

        request.connect_timeout = connect_timeout > spent ? connect_timeout - spent : 1;
    }
    if (curl->max_time > 0) {
        KnTime max_time = seconds_to_time(curl->max_time);

        request.max_time = max_time > spent ? max_time - spent : 1;
        if (request.connect_timeout == 0 || request.connect_timeout > request.max_time)
            request.connect_timeout = request.max_time;
    }
    curl->baller_timeout = request.connect_timeout;
    job->net->klass->tcp_exchange(job->net->self, &request, curl_on_tcp, job);
}

static void
run_curl(Job *job)
{
    Curl *curl = g_new0(Curl, 1);
    const char *version = job->version != NULL ? job->version : "8.12.1";

    curl->headers = g_ptr_array_new_with_free_func(g_free);
    job->state = curl;
    job->state_free = (GDestroyNotify) curl_free;
    curl->major = atoi(version);
    curl->minor = strchr(version, '.') != NULL ? atoi(strchr(version, '.') + 1) : 0;
    if (job->version == NULL)
        job->version = g_strdup(version);
    if (!curl_parse(job))
        return;
    if (curl->write_out != NULL && curl->write_out[0] == '@')
        g_string_append(job->io.err, "Warning: --write-out from a file is not simulated\n");
    /* A URL or scheme curl cannot use ends it before any transfer: no
     * progress meter (curl 7.88.1 checked). */
    if (!url_parse(curl->url_text, &curl->url)) {
        curl->no_meter = TRUE;
        curl_end(job, 3, "URL using bad/illegal format or missing URL");
        return;
    }
    if (strcmp(curl->url.scheme, "http") != 0 && strcmp(curl->url.scheme, "https") != 0) {
        g_autofree char *text = curl_at_least(curl, 8, 0)
            ? g_strdup_printf("Protocol \"%s\" not supported", curl->url.scheme)
            : g_strdup_printf("Protocol \"%s\" not supported or disabled in libcurl",
                              curl->url.scheme);

        curl->no_meter = TRUE;
        curl_end(job, 1, text);
        return;
    }
    job->port = curl->url.port;
    job->host = g_strdup(curl->url.host);

    /* --resolve HOST:PORT:ADDRESS (Curl_loadhostpairs): the pair goes into
     * the DNS cache before the transfer, and a matching host and port
     * never asks the resolver. */
    const char *cached = NULL;
    g_auto(GStrv) pair = curl->resolve != NULL ? g_strsplit(curl->resolve, ":", 3) : NULL;
    KnAddr addr;

    if (pair != NULL && pair[0] != NULL && pair[1] != NULL && pair[2] != NULL && kn_addr_parse(pair[2], &addr)) {
        curl_info(job, "Added %s to DNS cache", curl->resolve);
        if (g_ascii_strcasecmp(pair[0], curl->url.host) == 0 && (guint) atoi(pair[1]) == job->port) {
            cached = pair[2];
            curl->from_cache = TRUE;
        }
    }
    if (curl_progress(curl)) {
        curl_meter_header(job->io.err);
        if (curl->verbose)
            curl_meter_line(job->io.err, 0, 0, -1);
    }
    job->net->klass->resolve(job->net->self, cached != NULL ? cached : curl->url.host, curl_on_resolved, job);
}

/*****************************************************************************
 * wget (busybox).
 *****************************************************************************/

typedef struct Wget {
    gboolean quiet, server_response, spider;
    char *output;                /* -O */
    char *user_agent;
    double timeout;              /* -T; 0: busybox's 900 s */
    GPtrArray *headers;
    Url url;
    GBytes *request;
} Wget;

static void
wget_free(Wget *wget)
{
    g_free(wget->output);
    g_free(wget->user_agent);
    g_ptr_array_unref(wget->headers);
    url_clear(&wget->url);
    if (wget->request != NULL)
        g_bytes_unref(wget->request);
    g_free(wget);
}

static void
wget_fail(Job *job, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
wget_fail(Job *job, const char *format, ...)
{
    va_list args;

    g_string_append(job->io.err, "wget: ");
    va_start(args, format);
    g_string_append_vprintf(job->io.err, format, args);
    va_end(args);
    g_string_append_c(job->io.err, '\n');
    job_finish(job, 1);
}

/* The busybox progress line for a finished download of 'size' bytes. */
static void
wget_progress(GString *err, const char *name, gsize size)
{
    const int bar = 80 - 48;
    guint64 shown = size;
    int unit = 0;

    g_string_append_printf(err, "%-20.20s %3u%% |", name, 100u);
    for (int i = 0; i < bar; i++)
        g_string_append_c(err, '*');
    while (shown >= 100000) {
        shown >>= 10;
        unit++;
    }
    g_string_append_printf(err, "|%6u%c %u:%02u:%02u ETA\n", (unsigned) shown,
                           " kMGTPEZY"[unit], 0u, 0u, 0u);
}

static void
wget_on_tcp(const KnTcpResult *result, gpointer user_data)
{
    Job *job = user_data;
    Wget *wget = job->state;
    HttpResponse response;
    const char *name;
    GString *out;

    if (result->status == KN_NET_CONNECT_TIMEOUT && wget->timeout > 0) {
        wget_fail(job, "download timed out");
        return;
    }
    if (result->status != KN_NET_OK && result->status != KN_NET_TIMEOUT &&
        result->status != KN_NET_RESET) {
        wget_fail(job, "can't connect to remote host (%s): %s", job->addr_text,
                  net_strerror(job, result->status));
        return;
    }
    if (result->status == KN_NET_TIMEOUT) {
        wget_fail(job, "download timed out");
        return;
    }
    if (!http_response_parse(result->received, &response)) {
        http_response_clear(&response);
        if (result->status == KN_NET_RESET)
            wget_fail(job, "error getting response: Connection reset by peer");
        else
            wget_fail(job, "error getting response");
        return;
    }
    /* wget.c: -S prints the status line, then the status decides; the
     * header lines follow only for a success, each as get_sanitized_hdr()
     * reads it, down to the empty one that ends them. */
    if (wget->server_response && response.lines->len > 0)
        g_string_append_printf(job->io.err, "  %s\n", (const char *) g_ptr_array_index(response.lines, 0));
    if (response.code < 200 || response.code >= 300) {
        g_autofree char *status = g_strdup(response.status_line);

        http_response_clear(&response);
        wget_fail(job, "server returned error: %s", status);
        return;
    }
    if (wget->server_response) {
        for (guint i = 1; i < response.lines->len; i++)
            g_string_append_printf(job->io.err, "  %s\n",
                                   (const char *) g_ptr_array_index(response.lines, i));
        g_string_append(job->io.err, "  \n");
    }
    if (wget->spider) {
        if (!wget->quiet)
            g_string_append(job->io.err, "remote file exists\n");
        http_response_clear(&response);
        job_finish(job, 0);
        return;
    }
    if (wget->output != NULL) {
        name = wget->output;
    } else {
        const char *slash = strrchr(wget->url.path, '/');
        g_autofree char *last = g_strdup(slash != NULL ? slash + 1 : wget->url.path);
        char *query = strchr(last, '?');

        if (query != NULL)
            *query = '\0';
        g_free(wget->output);
        wget->output = g_strdup(last[0] != '\0' ? last : "index.html");
        name = wget->output;
    }
    if (!wget->quiet) {
        if (strcmp(name, "-") == 0)
            g_string_append(job->io.err, "writing to stdout\n");
        else
            g_string_append_printf(job->io.err, "saving to '%s'\n", name);
    }
    out = output_file(&job->io, name);
    if (out != NULL)
        g_string_append_len(out, response.body, response.body_size);
    if (!wget->quiet) {
        const char *base = strrchr(name, '/') != NULL && strcmp(name, "/") != 0
                               ? strrchr(name, '/') + 1 : name;

        wget_progress(job->io.err, base, response.body_size);
        if (strcmp(name, "-") == 0)
            g_string_append(job->io.err, "written to stdout\n");
        else
            g_string_append_printf(job->io.err, "'%s' saved\n", name);
    }
    http_response_clear(&response);
    job_finish(job, 0);
}

static void
wget_on_resolved(const KnResolveResult *result, gpointer user_data)
{
    Job *job = user_data;
    Wget *wget = job->state;
    KnTcpRequest request = { 0 };
    GString *text;

    if (!result->found || result->addresses == NULL || result->addresses->len == 0) {
        wget_fail(job, "bad address '%s'", wget->url.host);
        return;
    }
    job->addr = *(const KnAddr *) g_ptr_array_index(result->addresses, 0);
    kn_addr_format(&job->addr, job->addr_text);
    if (!wget->quiet) {
        if (job->addr.family == 6)
            g_string_append_printf(job->io.err, "Connecting to %s ([%s]:%u)\n",
                                   wget->url.host_port, job->addr_text, job->port);
        else
            g_string_append_printf(job->io.err, "Connecting to %s (%s:%u)\n", wget->url.host_port,
                                   job->addr_text, job->port);
    }
    text = g_string_new(NULL);
    g_string_append_printf(text, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
                           "Connection: close\r\n", wget->url.path, wget->url.host_port,
                           wget->user_agent != NULL ? wget->user_agent : "Wget");
    for (guint i = 0; i < wget->headers->len; i++)
        g_string_append_printf(text, "%s\r\n", (const char *) g_ptr_array_index(wget->headers, i));
    g_string_append(text, "\r\n");
    wget->request = g_string_free_to_bytes(text);
    request.dst = job->addr;
    request.port = job->port;
    request.send = wget->request;
    request.http = TRUE;
    if (wget->timeout > 0) {
        request.connect_timeout = seconds_to_time(wget->timeout);
        request.max_time = seconds_to_time(wget->timeout);
    } else {
        request.max_time = 900 * KN_SEC;
    }
    job->net->klass->tcp_exchange(job->net->self, &request, wget_on_tcp, job);
}

static void
run_wget(Job *job)
{
    Wget *wget = g_new0(Wget, 1);
    char **argv = job->argv;
    const char *url_text = NULL;

    wget->headers = g_ptr_array_new_with_free_func(g_free);
    job->state = wget;
    job->state_free = (GDestroyNotify) wget_free;
    for (int i = 1; argv[i] != NULL; i++) {
        const char *arg = argv[i];

        if (g_str_has_prefix(arg, "--")) {
            const char *eq = strchr(arg, '=');
            g_autofree char *name = eq != NULL ? g_strndup(arg + 2, eq - arg - 2) : g_strdup(arg + 2);
            const char *value = eq != NULL ? eq + 1 : NULL;
            gboolean needs = strcmp(name, "timeout") == 0 || strcmp(name, "output-document") == 0 ||
                             strcmp(name, "header") == 0 || strcmp(name, "user-agent") == 0 ||
                             strcmp(name, "tries") == 0;

            if (needs && value == NULL) {
                value = argv[i + 1];
                if (value != NULL)
                    i++;
            }
            if (strcmp(name, "quiet") == 0)
                wget->quiet = TRUE;
            else if (strcmp(name, "spider") == 0)
                wget->spider = TRUE;
            else if (strcmp(name, "server-response") == 0)
                wget->server_response = TRUE;
            else if (strcmp(name, "timeout") == 0 && value != NULL)
                parse_seconds(value, &wget->timeout);
            else if (strcmp(name, "output-document") == 0 && value != NULL)
                wget->output = g_strdup(value);
            else if (strcmp(name, "header") == 0 && value != NULL)
                g_ptr_array_add(wget->headers, g_strdup(value));
            else if (strcmp(name, "user-agent") == 0 && value != NULL)
                wget->user_agent = g_strdup(value);
            else if (strcmp(name, "tries") != 0 && strcmp(name, "no-check-certificate") != 0) {
                g_string_append_printf(job->io.err, "wget: unrecognized option '%s'\n", arg);
                job_finish(job, 1);
                return;
            }
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0') {
            for (const char *f = arg + 1; *f != '\0'; f++) {
                if (strchr("OTUPYt", *f) != NULL) {
                    const char *value = f[1] != '\0' ? f + 1 : argv[i + 1];

                    if (value == NULL) {
                        g_string_append_printf(job->io.err, "wget: option requires an argument "
                                               "-- '%c'\n", *f);
                        job_finish(job, 1);
                        return;
                    }
                    if (f[1] == '\0')
                        i++;
                    if (*f == 'O') {
                        g_free(wget->output);
                        wget->output = g_strdup(value);
                    } else if (*f == 'T') {
                        parse_seconds(value, &wget->timeout);
                    } else if (*f == 'U') {
                        wget->user_agent = g_strdup(value);
                    }
                    break;
                }
                if (*f == 'q')
                    wget->quiet = TRUE;
                else if (*f == 'S')
                    wget->server_response = TRUE;
                else if (*f != 'c' && *f != 's') {
                    g_string_append_printf(job->io.err, "wget: invalid option -- '%c'\n", *f);
                    job_finish(job, 1);
                    return;
                }
            }
            continue;
        }
        url_text = arg;
    }
    if (url_text == NULL) {
        g_string_append(job->io.err, "BusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] "
                        "[--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | "
                        "--post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n");
        job_finish(job, 1);
        return;
    }
    if (!url_parse(url_text, &wget->url) || (strcmp(wget->url.scheme, "http") != 0 &&
                                             strcmp(wget->url.scheme, "https") != 0)) {
        wget_fail(job, "not an http or ftp url: %s", url_text);
        return;
    }
    job->port = wget->url.port;
    job->host = g_strdup(wget->url.host);
    job->net->klass->resolve(job->net->self, wget->url.host, wget_on_resolved, job);
}

/*****************************************************************************
 * nc.
 *****************************************************************************/

typedef struct Nc {
    gboolean zero, udp, numeric;
    int verbose;
    double wait;                 /* -w; 0: none */
    GBytes *send;
    GArray *ports;               /* guint16: OpenBSD's port list (ranges and lists), in order */
    guint next;                  /* the one being tried */
    int status;                  /* 1 until one connects */
    gsize sent, received;        /* busybox's wrote_net and wrote_out */
} Nc;

static void
nc_free(Nc *nc)
{
    if (nc->send != NULL)
        g_bytes_unref(nc->send);
    if (nc->ports != NULL)
        g_array_unref(nc->ports);
    g_free(nc);
}

static void nc_connect(Job *job);

static gboolean
nc_openbsd(const Job *job)
{
    return job->tool == NULL || job->tool->flavour == KN_TOOL_OPENBSD;
}

/* One port done: the next of the list (-z scans them all; otherwise the
 * first that connects ends it), or the end, 0 if any connected. */
static void
nc_port_done(Job *job, gboolean connected)
{
    Nc *nc = job->state;

    if (connected)
        nc->status = 0;
    if (++nc->next < nc->ports->len && (nc->zero || !connected)) {
        job->port = g_array_index(nc->ports, guint16, nc->next);
        nc_connect(job);
        return;
    }
    /* busybox, with -vv, on every way out of nc_main. */
    if (!nc_openbsd(job) && nc->verbose > 1)
        g_string_append_printf(job->io.err, "sent %zu, rcvd %zu\n", nc->sent, nc->received);
    job_finish(job, nc->status);
}

static void
nc_succeeded(Job *job)
{
    Nc *nc = job->state;

    if (nc_openbsd(job)) {
        const char *service = nc->numeric ? NULL : kn_tools_service_name(job->port, nc->udp);

        g_string_append_printf(job->io.err, "Connection to %s", job->host);
        if (!nc->numeric && strcmp(job->host, job->addr_text) != 0)
            g_string_append_printf(job->io.err, " (%s)", job->addr_text);
        g_string_append_printf(job->io.err, " %u port [%s/%s] succeeded!\n", job->port,
                               nc->udp ? "udp" : "tcp", service != NULL ? service : "*");
    } else {
        g_string_append_printf(job->io.err, "%s (%s:%u) open\n", job->host, job->addr_text,
                               job->port);
    }
}

static void
nc_failed(Job *job, KnNetStatus status)
{
    Nc *nc = job->state;

    if (nc_openbsd(job)) {
        /* remote_connect(): -w running out leaves errno EINPROGRESS, "timed
         * out"; the kernel giving up is "failed" with its own errno. */
        gboolean timed_out = status == KN_NET_CONNECT_TIMEOUT && nc->wait > 0;
        const char *why = timed_out ? (job->libc == KN_LIBC_MUSL ? "Operation in progress"
                                                                 : "Operation now in progress")
                                    : net_strerror(job, status);

        if (!nc->verbose)
            return;
        if (nc->numeric || strcmp(job->host, job->addr_text) == 0)
            g_string_append_printf(job->io.err, "nc: connect to %s port %u (%s) %s: %s\n",
                                   job->host, job->port, nc->udp ? "udp" : "tcp",
                                   timed_out ? "timed out" : "failed", why);
        else
            g_string_append_printf(job->io.err, "nc: connect to %s (%s) port %u (%s) %s: %s\n",
                                   job->host, job->addr_text, job->port, nc->udp ? "udp" : "tcp",
                                   timed_out ? "timed out" : "failed", why);
        return;
    }
    /* busybox: refusals only with -vv. */
    if (nc->verbose > 1 || (nc->verbose && status != KN_NET_REFUSED))
        g_string_append_printf(job->io.err, "nc: %s (%s:%u): %s\n", job->host, job->addr_text,
                               job->port, net_strerror(job, status));
}

static void
nc_on_tcp(const KnTcpResult *result, gpointer user_data)
{
    Job *job = user_data;
    Nc *nc = job->state;

    if (result->status != KN_NET_OK && result->status != KN_NET_TIMEOUT &&
        result->status != KN_NET_RESET) {
        nc_failed(job, result->status);
        nc_port_done(job, FALSE);
        return;
    }
    if (nc->verbose)
        nc_succeeded(job);
    if (!nc->zero) {
        g_string_append_len(job->io.out, g_bytes_get_data(result->received, NULL),
                            g_bytes_get_size(result->received));
        nc->sent = nc->send != NULL ? g_bytes_get_size(nc->send) : 0;
        nc->received = g_bytes_get_size(result->received);
    }
    nc_port_done(job, TRUE);
}

static void
nc_on_udp(const KnUdpResult *result, gpointer user_data)
{
    Job *job = user_data;
    Nc *nc = job->state;

    if (result->status == KN_NET_REFUSED) {
        if (!nc->zero && nc_openbsd(job) && nc->verbose)
            nc_succeeded(job);
        nc_port_done(job, FALSE);
        return;
    }
    if (nc->verbose)
        nc_succeeded(job);
    if (!nc->zero && result->status == KN_NET_OK) {
        g_string_append_len(job->io.out, g_bytes_get_data(result->received, NULL),
                            g_bytes_get_size(result->received));
        nc->sent = nc->send != NULL ? g_bytes_get_size(nc->send) : 0;
        nc->received = g_bytes_get_size(result->received);
    }
    nc_port_done(job, TRUE);
}

static void
nc_on_resolved(const KnResolveResult *result, gpointer user_data)
{
    Job *job = user_data;

    if (!result->found || result->addresses == NULL || result->addresses->len == 0) {
        if (nc_openbsd(job))
            g_string_append_printf(job->io.err, "nc: getaddrinfo for host \"%s\" port %u: %s\n",
                                   job->host, job->port, gai_noname(job));
        else
            g_string_append_printf(job->io.err, "nc: bad address '%s'\n", job->host);
        job_finish(job, 1);
        return;
    }
    job->addr = *(const KnAddr *) g_ptr_array_index(result->addresses, 0);
    kn_addr_format(&job->addr, job->addr_text);
    nc_connect(job);
}

static void
nc_connect(Job *job)
{
    Nc *nc = job->state;

    if (nc->udp) {
        KnUdpRequest request = { 0 };

        request.dst = job->addr;
        request.port = job->port;
        request.send = nc->send;
        request.timeout = seconds_to_time(nc->wait > 0 ? nc->wait : 10);
        job->net->klass->udp_exchange(job->net->self, &request, nc_on_udp, job);
    } else {
        KnTcpRequest request = { 0 };

        request.dst = job->addr;
        request.port = job->port;
        request.send = nc->zero ? NULL : nc->send;
        request.connect_timeout = seconds_to_time(nc->wait);
        job->net->klass->tcp_exchange(job->net->self, &request, nc_on_tcp, job);
    }
}

/* -w's seconds: OpenBSD nc's strtonum(0, INT_MAX / 1000) ("nc: timeout
 * too small: -1"), busybox's xatou ("nc: invalid number '-1'"). */
static gboolean
nc_wait_parse(Job *job, const char *text, double *wait)
{
    char *end;
    gint64 n;

    errno = 0;
    n = g_ascii_strtoll(text, &end, 10);
    if (nc_openbsd(job)) {
        const char *problem = NULL;

        if (text[0] == '\0' || *end != '\0')
            problem = "invalid";
        else if (n < 0)
            problem = "too small";
        else if (n > G_MAXINT / 1000 || errno == ERANGE)
            problem = "too large";
        if (problem != NULL) {
            g_string_append_printf(job->io.err, "nc: timeout %s: %s\n", problem, text);
            return FALSE;
        }
    } else if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno == ERANGE || n > G_MAXUINT) {
        g_string_append_printf(job->io.err, "nc: invalid number '%s'\n", text);
        return FALSE;
    }
    *wait = (double) n;
    return TRUE;
}

static void
run_nc(Job *job)
{
    Nc *nc = g_new0(Nc, 1);
    char **argv = job->argv;
    g_autoptr(GPtrArray) operands = g_ptr_array_new();
    char *end;
    guint64 port;

    job->state = nc;
    job->state_free = (GDestroyNotify) nc_free;
    for (int i = 1; argv[i] != NULL; i++) {
        const char *arg = argv[i];

        if (arg[0] == '-' && arg[1] != '\0') {
            for (const char *f = arg + 1; *f != '\0'; f++) {
                if (*f == 'w' || *f == 'q' || *f == 'i' || *f == 's' || *f == 'p') {
                    const char *value = f[1] != '\0' ? f + 1 : argv[i + 1];

                    if (value == NULL) {
                        g_string_append_printf(job->io.err, "nc: option requires an argument -- "
                                               "'%c'\n", *f);
                        job_finish(job, 1);
                        return;
                    }
                    if (f[1] == '\0')
                        i++;
                    if (*f == 'w' && !nc_wait_parse(job, value, &nc->wait)) {
                        job_finish(job, 1);
                        return;
                    }
                    break;
                }
                switch (*f) {
                case 'z': nc->zero = TRUE; break;
                case 'v': nc->verbose++; break;
                case 'u': nc->udp = TRUE; break;
                case 'n': nc->numeric = TRUE; break;
                case 'N': case '4': case '6': break;
                default:
                    g_string_append_printf(job->io.err, "nc: invalid option -- '%c'\n", *f);
                    job_finish(job, 1);
                    return;
                }
            }
            continue;
        }
        g_ptr_array_add(operands, (gpointer) arg);
    }
    nc->status = 1;
    nc->ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    if (nc_openbsd(job) && operands->len >= 1) {
        /* build_ports(): each operand a port or a range "LO-HI"; strtoport()
         * says what is wrong with a number. */
        if (operands->len == 1) {
            g_string_append(job->io.err, "nc: missing port number\n");
            job_finish(job, 1);
            return;
        }
        for (guint i = 1; i < operands->len; i++) {
            g_auto(GStrv) range = g_strsplit(operands->pdata[i], "-", 2);
            guint64 bounds[2];

            for (guint b = 0; b < 2; b++) {
                const char *text = range[b] != NULL ? range[b] : range[0];

                bounds[b] = g_ascii_strtoull(text, &end, 10);
                if (!g_ascii_isdigit(text[0]) && service_port(text, nc->udp) != 0)
                    bounds[b] = service_port(text, nc->udp);   /* strtoport(): a service name */
                else if (text[0] == '\0' || *end != '\0' || !g_ascii_isdigit(text[0])) {
                    g_string_append_printf(job->io.err, "nc: port number invalid: %s\n", text);
                    job_finish(job, 1);
                    return;
                }
                if (bounds[b] < 1 || bounds[b] > 65535) {
                    g_string_append_printf(job->io.err, "nc: port number too %s: %s\n",
                                           bounds[b] < 1 ? "small" : "large", text);
                    job_finish(job, 1);
                    return;
                }
            }
            for (guint64 p = MIN(bounds[0], bounds[1]); p <= MAX(bounds[0], bounds[1]); p++) {
                guint16 value = (guint16) p;

                g_array_append_val(nc->ports, value);
            }
        }
    }
    if (!nc_openbsd(job) && operands->len == 2) {
        port = g_ascii_strtoull(operands->pdata[1], &end, 10);
        if (((char *) operands->pdata[1])[0] == '\0' || *end != '\0' || port == 0 || port > 65535) {
            g_string_append_printf(job->io.err, "nc: bad port '%s'\n", (char *) operands->pdata[1]);
            job_finish(job, 1);
            return;
        }
        guint16 value = (guint16) port;

        g_array_append_val(nc->ports, value);
    }
    if (nc->ports->len == 0) {
        if (nc_openbsd(job))
            g_string_append(job->io.err, "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval]"
                            " [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p "
                            "source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable]"
                            " [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address"
                            "[:port]]\n\t  [destination] [port]\n");
        else
            g_string_append(job->io.err, "BusyBox v1.37.0 multi-call binary.\n\nUsage: nc [OPTIONS]"
                            " HOST PORT  - connect\n");
        job_finish(job, 1);
        return;
    }
    job->port = g_array_index(nc->ports, guint16, 0);
    job->host = g_strdup(operands->pdata[0]);
    if (nc->udp && nc->zero)
        nc->send = g_bytes_new_static("X", 1);
    else if (job->io.in != NULL)
        nc->send = g_bytes_ref(job->io.in);
    job->net->klass->resolve(job->net->self, job->host, nc_on_resolved, job);
}

/*****************************************************************************
 * ping.
 *****************************************************************************/

/* Echo requests one ping sends at most, as the shell's loops stop: a
 * count of billions would otherwise run for ever. */
#define PING_MAX 100000

typedef struct Ping {
    guint64 count;
    double interval;
    double wait;                 /* -W */
    gboolean quiet;
    guint sent, received, errors, answered;
    gboolean capped;             /* count cut to PING_MAX */
    GArray *rtts;                /* KnTime of each reply */
    GPtrArray *sends;            /* PingSend, owned: each waits on a timer, then a reply */
    KnTime first_sent, last_sent;
    gboolean iputils;
} Ping;

typedef struct PingSend {
    Job *job;
    guint16 seq;
} PingSend;

static void
ping_free(Ping *ping)
{
    g_array_unref(ping->rtts);
    g_ptr_array_unref(ping->sends);
    g_free(ping);
}

/* iputils' time= text: 3 decimals under 1 ms, 2 under 10, 1 under 100. */
static void
iputils_time(GString *out, KnTime rtt)
{
    guint64 us = rtt / KN_USEC;

    if (us >= 100000 - 50)
        g_string_append_printf(out, "%" G_GUINT64_FORMAT, (us + 500) / 1000);
    else if (us >= 10000 - 5)
        g_string_append_printf(out, "%" G_GUINT64_FORMAT ".%01" G_GUINT64_FORMAT,
                               (us + 50) / 1000, ((us + 50) % 1000) / 100);
    else if (us >= 1000)
        g_string_append_printf(out, "%" G_GUINT64_FORMAT ".%02" G_GUINT64_FORMAT,
                               (us + 5) / 1000, ((us + 5) % 1000) / 10);
    else
        g_string_append_printf(out, "%" G_GUINT64_FORMAT ".%03" G_GUINT64_FORMAT, us / 1000,
                               us % 1000);
}

static void
ms3(GString *out, KnTime t)
{
    guint64 us = t / KN_USEC;

    g_string_append_printf(out, "%" G_GUINT64_FORMAT ".%03" G_GUINT64_FORMAT, us / 1000, us % 1000);
}

static void
ping_summary(Job *job)
{
    Ping *ping = job->state;
    GString *out = job->io.out;
    KnTime min = G_MAXUINT64, max = 0;
    double sum = 0, sum2 = 0;

    for (guint i = 0; i < ping->rtts->len; i++) {
        KnTime rtt = g_array_index(ping->rtts, KnTime, i);
        double us = (double) (rtt / KN_USEC);

        min = MIN(min, rtt);
        max = MAX(max, rtt);
        sum += us;
        sum2 += us * us;
    }
    g_string_append_printf(out, "\n--- %s ping statistics ---\n", job->host);
    if (ping->iputils) {
        /* finish(): from the first send to the last (cur_time is the
         * latest send's), not to the last reply or wait. */
        KnTime total = ping->last_sent - ping->first_sent;

        g_string_append_printf(out, "%u packets transmitted, %u received", ping->sent,
                               ping->received);
        if (ping->errors > 0)
            g_string_append_printf(out, ", +%u errors", ping->errors);
        g_string_append_printf(out, ", %g%% packet loss, time %" G_GUINT64_FORMAT "ms\n",
                               (double) (ping->sent - ping->received) * 100.0 / ping->sent,
                               total / KN_MSEC);
        if (ping->received > 0) {
            double avg = sum / ping->received;
            double mdev = sqrt(MAX(0.0, sum2 / ping->received - avg * avg));

            g_string_append(out, "rtt min/avg/max/mdev = ");
            ms3(out, min);
            g_string_append_c(out, '/');
            ms3(out, (KnTime) llround(avg) * KN_USEC);
            g_string_append_c(out, '/');
            ms3(out, max);
            g_string_append_c(out, '/');
            ms3(out, (KnTime) llround(mdev) * KN_USEC);
            g_string_append(out, " ms\n");
        } else {
            g_string_append_c(out, '\n');   /* the rtt line's newline, without the line */
        }
    } else {
        g_string_append_printf(out, "%u packets transmitted, %u packets received, %u%% packet "
                               "loss\n", ping->sent, ping->received,
                               (ping->sent - ping->received) * 100 / ping->sent);
        if (ping->received > 0) {
            g_string_append(out, "round-trip min/avg/max = ");
            ms3(out, min);
            g_string_append_c(out, '/');
            ms3(out, (KnTime) llround(sum / ping->received) * KN_USEC);
            g_string_append_c(out, '/');
            ms3(out, max);
            g_string_append(out, " ms\n");
        }
    }
    if (ping->capped)
        g_string_append_printf(job->io.err, "knetsim: ping stopped after %d packets\n", PING_MAX);
    job_finish(job, ping->received > 0 ? 0 : 1);
}

static void
ping_on_reply(const KnPingResult *result, gpointer user_data)
{
    PingSend *send = user_data;
    Job *job = send->job;
    Ping *ping = job->state;
    char from[KN_ADDR_STRLEN];

    if (result->status == KN_NET_OK) {
        ping->received++;
        g_array_append_val(ping->rtts, result->rtt);
        if (!ping->quiet) {
            kn_addr_format(&result->from, from);
            if (ping->iputils) {
                g_string_append_printf(job->io.out, "64 bytes from %s: icmp_seq=%u ttl=%u time=",
                                       from, send->seq, result->ttl);
                iputils_time(job->io.out, result->rtt);
                g_string_append(job->io.out, " ms\n");
            } else {
                g_string_append_printf(job->io.out, "64 bytes from %s: seq=%u ttl=%u time=", from,
                                       send->seq, result->ttl);
                ms3(job->io.out, result->rtt);
                g_string_append(job->io.out, " ms\n");
            }
        }
    } else if (result->status == KN_NET_HOST_UNREACHABLE && ping->iputils) {
        ping->errors++;
        if (!ping->quiet) {
            kn_addr_format(&result->from, from);
            g_string_append_printf(job->io.out, "From %s icmp_seq=%u Destination Host Unreachable\n",
                                   from, send->seq);
        }
    }
    if (++ping->answered == ping->count)
        ping_summary(job);
}

static void ping_send(gpointer user_data);

/* Sets the 'i'th echo request (from 0) off 'delay' from now: one at a time,
 * each setting the next off, so a count of millions holds one timer. */
static void
ping_schedule(Job *job, KnTime delay)
{
    Ping *ping = job->state;
    PingSend *send = g_new0(PingSend, 1);

    g_ptr_array_add(ping->sends, send);
    send->job = job;
    send->seq = (guint16) (ping->iputils ? ping->sends->len : ping->sends->len - 1);
    job->net->klass->after(job->net->self, delay, ping_send, send, NULL);
}

static void
ping_send(gpointer user_data)
{
    PingSend *send = user_data;
    Job *job = send->job;
    Ping *ping = job->state;

    if (ping->sent == 0)
        ping->first_sent = now(job);
    ping->last_sent = now(job);
    ping->sent++;
    job->net->klass->ping(job->net->self, &job->addr, send->seq,
                          seconds_to_time(ping->wait > 0 ? ping->wait : 10), ping_on_reply, send);
    if (ping->sent < ping->count)
        ping_schedule(job, seconds_to_time(ping->interval));
}

static void
ping_on_resolved(const KnResolveResult *result, gpointer user_data)
{
    Job *job = user_data;
    Ping *ping = job->state;

    if (!result->found || result->addresses == NULL || result->addresses->len == 0) {
        if (ping->iputils) {
            g_string_append_printf(job->io.err, "ping: %s: %s\n", job->host, gai_noname(job));
            job_finish(job, 2);
        } else {
            g_string_append_printf(job->io.err, "ping: bad address '%s'\n", job->host);
            job_finish(job, 1);
        }
        return;
    }
    job->addr = *(const KnAddr *) g_ptr_array_index(result->addresses, 0);
    kn_addr_format(&job->addr, job->addr_text);
    /* iputils asks getaddrinfo for AI_CANONNAME and names the target by
     * it (the search list's full name); busybox keeps the name as typed. */
    if (ping->iputils && result->canonical != NULL && strcmp(job->host, job->addr_text) != 0) {
        g_free(job->host);
        job->host = g_strdup(result->canonical);
    }
    if (ping->iputils)
        g_string_append_printf(job->io.out, job->addr.family == 6
                               ? "PING %s (%s) 56 data bytes\n"
                               : "PING %s (%s) 56(84) bytes of data.\n", job->host, job->addr_text);
    else
        g_string_append_printf(job->io.out, "PING %s (%s): 56 data bytes\n", job->host,
                               job->addr_text);
    ping_schedule(job, 0);
}

/* The value 'text' of the option -'flag', read into '*number' as 'ping''s
 * flavour reads it: iputils' strtol_or_err() and ping_strtod() ranges,
 * busybox's getopt32 "+" (xatoi_positive) and durations.  Returns 0, or
 * the exit status after writing the tool's complaint. */
static int
ping_option(Job *job, const Ping *ping, char flag, const char *text, double *number)
{
    static const struct { char flag; gboolean real; double low, high; const char *what; } iputils[] = {
        { 'c', FALSE, 1, (double) G_MAXINT64, "invalid argument" },
        { 'w', FALSE, 0, G_MAXINT, "invalid argument" },
        { 's', FALSE, 0, G_MAXINT, "invalid argument" },
        { 't', FALSE, 0, 255, "invalid argument" },
        { 'i', TRUE, 0, G_MAXINT / 1000.0, "bad timing interval" },
        { 'W', TRUE, 0, G_MAXINT / 1000.0, "bad linger time" },
    };
    char *end = NULL;

    if (!ping->iputils) {
        gboolean duration = flag == 'i';

        errno = 0;
        *number = duration ? g_ascii_strtod(text, &end) : (double) g_ascii_strtoull(text, &end, 10);
        /* bb_strtou: past an unsigned int is no number at all. */
        if (text[0] == '\0' || *end != '\0' || (!duration && !g_ascii_isdigit(text[0]))
            || (!duration && (errno == ERANGE || *number > G_MAXUINT32))
            || (duration && !(*number >= 0 && *number <= G_MAXUINT32))) {
            g_string_append_printf(job->io.err, "ping: invalid number '%s'\n", text);
            return 1;
        }
        /* -s is xatou16's, the rest xatoi_positive's. */
        if (!duration && *number > (flag == 's' ? G_MAXUINT16 : G_MAXINT)) {
            g_string_append_printf(job->io.err, "ping: number %s is not in 0..%d range\n", text,
                                   flag == 's' ? G_MAXUINT16 : G_MAXINT);
            return 1;
        }
        return 0;
    }
    for (guint i = 0; i < G_N_ELEMENTS(iputils); i++) {
        if (iputils[i].flag != flag)
            continue;
        errno = 0;
        if (iputils[i].real && text[0] != '\0') {
            /* ping_strtod: text after the number (or no number at all,
             * read as 0) only warns, for now; a value fpclassify() finds
             * neither normal nor zero (inf, nan, subnormal) is refused with
             * ERANGE. */
            *number = g_ascii_strtod(text, &end);
            if (errno != 0 || end == text || *end != '\0')
                g_string_append_printf(job->io.err, "ping: option argument contains garbage: %s\n"
                                       "ping: this will become fatal error in the future\n", end);
            errno = fpclassify(*number) != FP_NORMAL && fpclassify(*number) != FP_ZERO ? ERANGE : 0;
            end = (char *) text + strlen(text);
        } else if (iputils[i].real) {
            errno = EINVAL;          /* an empty argument */
        } else {
            *number = (double) g_ascii_strtoll(text, &end, 10);
        }
        if (text[0] == '\0' || *end != '\0' || errno != 0) {
            int error = errno;

            g_string_append_printf(job->io.err, iputils[i].real ? "ping: %s: %s%s%s\n" : "ping: %s: '%s'%s%s\n",
                                   iputils[i].what, text, error == ERANGE || error == EINVAL ? ": " : "",
                                   error == ERANGE || error == EINVAL ? g_strerror(error) : "");
            return iputils[i].real ? 2 : 1;
        }
        if (*number < iputils[i].low || *number > iputils[i].high) {
            if (iputils[i].real)
                g_string_append_printf(job->io.err, "ping: %s: %s\n", iputils[i].what, text);
            else
                g_string_append_printf(job->io.err, "ping: %s: '%s': out of range: %.0f <= value <= %" G_GINT64_FORMAT "\n",
                                       iputils[i].what, text, iputils[i].low,
                                       flag == 'c' ? G_MAXINT64 : (gint64) iputils[i].high);
            return iputils[i].real ? 2 : 1;
        }
    }
    return 0;
}

static void
run_ping(Job *job)
{
    Ping *ping = g_new0(Ping, 1);
    char **argv = job->argv;
    double deadline = -1;

    ping->interval = 1;
    ping->rtts = g_array_new(FALSE, FALSE, sizeof(KnTime));
    ping->sends = g_ptr_array_new_with_free_func(g_free);
    ping->iputils = job->tool != NULL && job->tool->flavour == KN_TOOL_IPUTILS;
    job->state = ping;
    job->state_free = (GDestroyNotify) ping_free;
    for (int i = 1; argv[i] != NULL; i++) {
        const char *arg = argv[i];

        if (arg[0] == '-' && arg[1] != '\0') {
            for (const char *f = arg + 1; *f != '\0'; f++) {
                if (strchr("cWiwst", *f) != NULL) {
                    const char *value = f[1] != '\0' ? f + 1 : argv[i + 1];
                    double number = 0;
                    int status;

                    if (value == NULL) {
                        g_string_append_printf(job->io.err, "ping: option requires an argument -- '%c'\n", *f);
                        if (!ping->iputils)
                            g_string_append(job->io.err, "BusyBox v1.37.0 multi-call binary.\n\nUsage: ping "
                                            "[OPTIONS] HOST\n");
                        job_finish(job, ping->iputils ? 2 : 1);
                        return;
                    }
                    if ((status = ping_option(job, ping, *f, value, &number)) != 0) {
                        job_finish(job, status);
                        return;
                    }
                    if (f[1] == '\0')
                        i++;
                    if (*f == 'c')
                        ping->count = number;
                    else if (*f == 'W')
                        ping->wait = number;
                    else if (*f == 'i')
                        ping->interval = number;
                    else if (*f == 'w')
                        deadline = number;
                    break;
                }
                if (*f == 'q')
                    ping->quiet = TRUE;
                else if (strchr("n46", *f) == NULL) {
                    g_string_append_printf(job->io.err, "ping: invalid option -- '%c'\n", *f);
                    job_finish(job, ping->iputils ? 2 : 1);
                    return;
                }
            }
            continue;
        }
        g_free(job->host);
        job->host = g_strdup(arg);
    }
    if (job->host == NULL) {
        if (ping->iputils)
            g_string_append(job->io.err, "ping: usage error: Destination address required\n");
        else
            g_string_append(job->io.err, "BusyBox v1.37.0 multi-call binary.\n\nUsage: ping "
                            "[OPTIONS] HOST\n");
        job_finish(job, ping->iputils ? 1 : 1);
        return;
    }
    /* Without -c (or with busybox's -c 0) ping sends until interrupted; a
     * deadline ends it at the sends that fit, else it sends ten. */
    if (ping->count == 0 && deadline >= 0)
        ping->count = MAX(1, (guint64) (deadline / MAX(ping->interval, 0.001)));
    if (ping->count == 0)
        ping->count = 10;
    if (ping->count > PING_MAX) {
        ping->count = PING_MAX;
        ping->capped = TRUE;
    }
    job->net->klass->resolve(job->net->self, job->host, ping_on_resolved, job);
}

/*****************************************************************************
 * Entry point.
 *****************************************************************************/

/*****************************************************************************
 * getent hosts | ahosts | ahostsv4 NAME...: glibc nss/getent.c (hosts_keys,
 * ahosts_keys_int).  `hosts` looks an address up with gethostbyaddr()
 * (files, then a PTR query) and a name with gethostbyname2(AF_INET6),
 * then, failing that, gethostbyname2(AF_INET): each its own walk of the
 * search list for one query type, so an IPv4-only Service costs its AAAA
 * walk first.  It prints "%-15s %s" (address, h_name) per address, then
 * the aliases.  `ahosts` prints getaddrinfo(AI_ADDRCONFIG | AI_CANONNAME)
 * as "%-15s %-6s %s" with STREAM, DGRAM and RAW for each address and the
 * canonical name on the first line only.  Exit 2 if a key was not found.
 * Alpine's getent (musl-utils, aports main/musl/getent.c) prints a hostent
 * as "%-16s  %s" with the first address only, then musl's aliases: the
 * canonical name again and the name as asked when it differs; `ahosts`
 * gets STREAM and DGRAM for each address from musl's getaddrinfo, each
 * with the canonical name; and musl's gethostbyaddr falls back to the
 * address itself when there is no PTR record.
 * The files are the pod's /etc/hosts as the kubelet writes it.
 * Simplified: a CNAME's owner names are not printed as aliases.
 *****************************************************************************/

typedef struct {
    guint next;                  /* the key being looked up */
    int status;
    KnResolvConf *conf;          /* `hosts`: /etc/resolv.conf as the C library reads it, or NULL */
    KnRng ids;                   /* its query ids */
    gboolean v4;                 /* `hosts`: the AF_INET pass of the key */
} Getent;

static void
getent_free(Getent *getent)
{
    kn_resolvconf_free(getent->conf);
    g_free(getent);
}

static void getent_next(Job *job);

static gboolean
getent_musl(const Job *job)
{
    return job->tool != NULL && job->tool->flavour == KN_TOOL_MUSL_UTILS;
}

/* One hostent line: 'names' is h_name, then glibc's aliases after spaces.
 * For musl, 'names' holds h_name alone and 'asked' is the name given. */
static void
getent_print_host(Job *job, const char *addr, const char *names, const char *asked)
{
    if (!getent_musl(job)) {
        g_string_append_printf(job->io.out, "%-15s %s\n", addr, names);
        return;
    }
    g_string_append_printf(job->io.out, "%-16s  %s  %s", addr, names, names);
    if (asked != NULL && strcmp(asked, names) != 0)
        g_string_append_printf(job->io.out, " %s", asked);
    g_string_append_c(job->io.out, '\n');
}

/* The first of the space-separated 'names' (an /etc/hosts line's):
 * musl's canonical name for the line. */
static char *
first_name(const char *names)
{
    const char *space = strchr(names, ' ');

    return space != NULL ? g_strndup(names, space - names) : g_strdup(names);
}

static void
getent_on_resolved(const KnResolveResult *result, gpointer user_data)
{
    Job *job = user_data;
    Getent *getent = job->state;
    const char *database = job->argv[1];
    const char *key = job->argv[getent->next];
    const char *canonical = result->canonical != NULL ? result->canonical : key;
    gboolean v4_only = strcmp(database, "ahostsv4") == 0;
    gboolean musl = getent_musl(job);
    gboolean any_v6 = FALSE;
    gboolean first = TRUE;
    guint n = 0;

    for (guint i = 0; i < result->addresses->len; i++)
        any_v6 |= ((const KnAddr *) result->addresses->pdata[i])->family == 6;
    for (guint i = 0; result->found && i < result->addresses->len; i++) {
        const KnAddr *addr = result->addresses->pdata[i];
        char text[KN_ADDR_STRLEN];

        kn_addr_format(addr, text);
        if (strcmp(database, "hosts") == 0) {
            if ((addr->family == 6) != any_v6 || (musl && n > 0))
                continue;
            getent_print_host(job, text, canonical, key);
        } else {
            static const char *const socktypes[] = { "STREAM", "DGRAM", "RAW" };

            if (v4_only && addr->family != 4)
                continue;
            for (guint j = 0; j < (musl ? 2 : G_N_ELEMENTS(socktypes)); j++) {
                g_string_append_printf(job->io.out, "%-15s %-6s %s\n", text, socktypes[j],
                                       first || musl ? canonical : "");
                first = FALSE;
            }
        }
        n++;
    }
    if (n == 0 && getent_musl(job)) {
        job_finish(job, 2);      /* Alpine's stops at the first key not found */
        return;
    }
    if (n == 0)
        getent->status = 2;
    getent->next++;
    getent_next(job);
}

/* One gethostbyname2() or gethostbyaddr() answer for `hosts`. */
static void
getent_on_lookup(const KnResolverResult *result, gpointer user_data)
{
    Job *job = user_data;
    Getent *getent = job->state;
    const char *key = job->argv[getent->next];
    KnAddr addr;
    guint n = 0;

    if (kn_addr_parse(key, &addr)) {
        /* gethostbyaddr: the PTR targets, the first as h_name (musl's
         * getnameinfo takes the first, or else the address itself). */
        g_autoptr(GString) names = g_string_new(NULL);

        for (guint i = 0; i < result->queries->len; i++) {
            const KnDnsMessage *m = ((const KnResolverQuery *) result->queries->pdata[i])->response;

            for (guint j = 0; m != NULL && j < m->answers->len; j++) {
                const KnDnsRecord *rr = m->answers->pdata[j];

                if (rr->type != KN_DNS_TYPE_PTR || (getent_musl(job) && n > 0))
                    continue;
                g_string_append_printf(names, n++ == 0 ? "%s" : " %s", rr->target);
            }
        }
        if (n == 0 && getent_musl(job)) {
            g_string_append(names, key);
            n++;
        }
        if (n > 0)
            getent_print_host(job, key, names->str, NULL);
    } else {
        for (guint i = 0; i < result->addresses->len; i++) {
            const KnAddr *a = result->addresses->pdata[i];
            char text[KN_ADDR_STRLEN];

            if (a->family != (getent->v4 ? 4 : 6))
                continue;
            /* From /etc/hosts: its line's names, h_name and aliases. */
            const char *names = result->local != NULL ? kn_resolver_hosts_names(job->net, a) : NULL;
            g_autofree char *canonical = names == NULL ? g_strdup(result->canonical != NULL ? result->canonical : key)
                                         : getent_musl(job) ? first_name(names) : g_strdup(names);

            if (getent_musl(job) && n > 0)
                continue;
            getent_print_host(job, kn_addr_format(a, text), canonical, key);
            n++;
        }
        if (n == 0 && !getent->v4) {
            getent->v4 = TRUE;   /* gethostbyname2(AF_INET) */
            kn_resolver_lookup(job->net, getent->conf, &getent->ids, key, KN_RESOLVER_A, getent_on_lookup, job,
                               NULL);
            return;
        }
    }
    if (n == 0 && getent_musl(job)) {
        job_finish(job, 2);      /* Alpine's stops at the first key not found */
        return;
    }
    if (n == 0)
        getent->status = 2;
    getent->next++;
    getent_next(job);
}

static void
getent_next(Job *job)
{
    Getent *getent = job->state;
    const char *key = job->argv[getent->next];
    KnAddr addr;

    if (key == NULL) {
        job_finish(job, getent->status);
        return;
    }
    if (getent->conf == NULL) {
        job->net->klass->resolve(job->net->self, key, getent_on_resolved, job);
        return;
    }
    getent->v4 = FALSE;
    if (kn_addr_parse(key, &addr)) {
        const char *names = kn_resolver_hosts_names(job->net, &addr);

        if (names != NULL) {
            g_autofree char *name = getent_musl(job) ? first_name(names) : g_strdup(names);

            getent_print_host(job, key, name, NULL);
            getent->next++;
            getent_next(job);
            return;
        }
        g_autofree char *reverse = kn_dns_name_reverse(&addr);

        kn_resolver_query(job->net, getent->conf, &getent->ids, reverse, KN_DNS_TYPE_PTR, FALSE, 0,
                          getent_on_lookup, job, NULL);
        return;
    }
    kn_resolver_lookup(job->net, getent->conf, &getent->ids, key, KN_RESOLVER_AAAA, getent_on_lookup, job, NULL);
}

static void
run_getent(Job *job)
{
    const char *database = job->argv[1];
    Getent *getent;

    if (database == NULL) {
        g_string_append(job->io.err, "Usage: getent [OPTION...] database [key ...]\n"
                                     "Try `getent --help' or `getent --usage' for more information.\n");
        job_finish(job, 1);
        return;
    }
    if (strcmp(database, "hosts") != 0 && strcmp(database, "ahosts") != 0
        && strcmp(database, "ahostsv4") != 0) {
        g_string_append_printf(job->io.err, "Unknown database: %s\n"
                               "Try `getent --help' or `getent --usage' for more information.\n",
                               database);
        job_finish(job, 1);
        return;
    }
    getent = g_new0(Getent, 1);
    getent->next = 2;
    job->state = getent;
    job->state_free = (GDestroyNotify) getent_free;
    if (strcmp(database, "hosts") == 0 && job->io.read_file != NULL) {
        g_autoptr(GBytes) file = job->io.read_file("/etc/resolv.conf", job->io.read_file_data);

        if (file != NULL) {
            g_autofree char *text = g_strndup(g_bytes_get_data(file, NULL), g_bytes_get_size(file));

            getent->conf = kn_resolvconf_parse(text, job->libc);
        }
        kn_rng_init(&getent->ids, job->net->klass->random != NULL
                                  ? job->net->klass->random(job->net->self, "getent") : 1, "dns-id");
    }
    if (job->argv[2] == NULL) {
        /* Enumerating the database: /etc/hosts is not modelled. */
        job_finish(job, 0);
        return;
    }
    getent_next(job);
}

void
kn_tools_run(KnNetClient *net, const KnImage *image, const char *reference,
             const char *const *argv, const KnToolIo *io, KnToolDone done, gpointer user_data)
{
    Job *job;
    const char *name;

    g_return_if_fail(net != NULL && argv != NULL && argv[0] != NULL && io != NULL);
    if (image == NULL)
        image = kn_images_lookup(NULL, reference);
    name = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
    if (strcmp(name, "dig") == 0 || strcmp(name, "nslookup") == 0 || strcmp(name, "host") == 0) {
        g_autofree char *version = kn_images_version(image, reference, name);

        kn_tools_dns_run(net, kn_images_find_tool(image, name), version, argv, io, done,
                         user_data);
        return;
    }
    job = g_new0(Job, 1);
    if (net->klass->adopt != NULL)
        net->klass->adopt(net->self, job, job_abandon);
    job->net = net;
    job->image = image;
    job->libc = image->libc;
    job->io = *io;
    job->done = done;
    job->user_data = user_data;
    job->argv = g_strdupv((char **) argv);
    job->started = now(job);
    job->tool = kn_images_find_tool(image, name);
    job->version = kn_images_version(image, reference, name);
    if (strcmp(name, "curl") == 0)
        run_curl(job);
    else if (strcmp(name, "wget") == 0)
        run_wget(job);
    else if (strcmp(name, "nc") == 0)
        run_nc(job);
    else if (strcmp(name, "ping") == 0)
        run_ping(job);
    else if (strcmp(name, "getent") == 0)
        run_getent(job);
    else if ((strcmp(name, "iptables") == 0 || strcmp(name, "iptables-save") == 0
              || strcmp(name, "conntrack") == 0 || strcmp(name, "nft") == 0
              || strcmp(name, "ipvsadm") == 0 || strcmp(name, "ipset") == 0)
             && net->klass->host_tool != NULL)
        job_finish(job, net->klass->host_tool(net->self, argv, job->io.out, job->io.err));
    else {
        g_string_append_printf(job->io.err, "knetsim: %s is not simulated\n", name);
        job_finish(job, 126);
    }
}
