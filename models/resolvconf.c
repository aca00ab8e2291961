/* resolvconf.c -- the pod's /etc/resolv.conf, written and read.
 *
 * DOC: resolv.conf
 *
 * Writing mirrors the kubelet, pkg/kubelet/network/dns/dns.go
 * (reference/k8s-networking-facts.md 7.5, K-DNS):
 *  - getPodDNSType: None -> an empty base; ClusterFirstWithHostNet ->
 *    cluster; ClusterFirst -> cluster unless hostNetwork, then host;
 *    Default -> host.
 *  - getHostDNSConfig / parseResolvConf: the node's file; `nameserver`
 *    lines accumulate, the last `search` line wins (a "." entry dropped,
 *    a final dot trimmed), `options` merge by name; `domain` lines and
 *    comments are not read.
 *  - cluster: nameservers = --cluster-dns only; search =
 *    NS.svc.DOMAIN, svc.DOMAIN, DOMAIN, then the host's, duplicates
 *    dropped keeping the first (generateSearchesForDNSClusterFirst);
 *    options = exactly "ndots:5" (defaultDNSOptions).  No cluster DNS:
 *    the MissingClusterDNS event and the host path.
 *  - host with --resolv-conf="": nameserver 127.0.0.1 (::1 on an IPv6
 *    node) and search ".".
 *  - appendDNSConfig: dnsConfig nameservers and searches appended,
 *    de-duplicated; options merged by name, a value replacing
 *    (mergeDNSOptions writes "name:value", or "name" when the value is
 *    nil or empty).
 *  - formDNSConfigFitsLimits: nameservers cut to 3 (MaxDNSNameservers)
 *    with "Nameserver limits were exceeded, …"; formDNSSearchFitsLimits:
 *    search cut to 32 entries (MaxDNSSearchPaths), entries longer than
 *    253 (DNS1123SubdomainMaxLength) dropped, then trailing entries
 *    dropped until `strings.Join(search, " ")` fits 2048 characters
 *    (MaxDNSSearchListChars), with "Search Line limits were exceeded, …".
 *  - containerd's parseDNSOptions writes "search a b\n", one
 *    "nameserver X\n" per server, "options o1 o2\n", empty ones left out.
 *
 * Reading mirrors the C libraries (reference 8.1, 8.2):
 *  - glibc resolv/res_init.c res_vinit_1: `;` and `#` start comments; a
 *    keyword must be followed by a space or tab; `domain` and `search`
 *    replace the search list (the last wins, unlimited since 2.26);
 *    every `nameserver` is read and the first three (MAXNS) used;
 *    res_setoptions matches option names as prefixes (strncmp against
 *    the table: "rotatefoo" is rotate), ndots capped at 15 (RES_MAXNDOTS),
 *    timeout at 30 (RES_MAXRETRANS), attempts at 5 (RES_MAXRETRY).
 *  - musl src/network/resolvconf.c __get_resolv_conf: lines read with a
 *    256-byte buffer, so a line of 255 characters or more is skipped
 *    whole; `options` lines are searched anywhere (strstr) for ndots:
 *    (cap 15), attempts: (cap 10) and timeout: (cap 60); `nameserver`
 *    up to 3; `domain`/`search` keep the rest of the line (the last
 *    wins); rotate, single-request and the rest are not read.
 *
 * Simplified: the kubelet's option merge iterates a Go map, so its
 * output order is random; here options keep the order they were first
 * seen in.  glibc's domain-from-hostname default (no search line: the
 * text after the hostname's first dot) is not applied: pod hostnames
 * have no dot.  LOCALDOMAIN and RES_OPTIONS are not read.
 *
 * Not modelled: glibc 2.36 aborts the process on the first lookup
 * ("update_from_conf: Assertion `resolv_conf_matches (resp, conf)'
 * failed", exit 134; seen with `search s1 <254-character domain> s2`)
 * when the first six search entries do not fit the 256 bytes of the
 * legacy _res.defdname and the ones that fit take 56 bytes or fewer:
 * resolv_conf_matches accepts the truncation only past sizeof
 * (resp->dnsrch), the pointer array, not the string buffer. */
#include <config.h>
#include "models/resolvconf.h"

#include <stdlib.h>
#include <string.h>

/* Kubelet limits (pkg/apis/core/validation, ExpandedDNSConfig). */
#define MAX_DNS_NAMESERVERS 3
#define MAX_DNS_SEARCH_PATHS 32
#define MAX_DNS_SEARCH_LIST_CHARS 2048
#define DNS1123_SUBDOMAIN_MAX 253

/*****************************************************************************/
/* Writing: the kubelet. */

gboolean
kn_resolvconf_policy_parse(const char *text, KnDnsPolicy *policy)
{
    static const struct {
        const char *name;
        KnDnsPolicy policy;
    } policies[] = {
        { "ClusterFirst", KN_DNS_POLICY_CLUSTER_FIRST },
        { "ClusterFirstWithHostNet", KN_DNS_POLICY_CLUSTER_FIRST_WITH_HOST_NET },
        { "Default", KN_DNS_POLICY_DEFAULT },
        { "None", KN_DNS_POLICY_NONE },
    };

    if (text == NULL) {
        *policy = KN_DNS_POLICY_CLUSTER_FIRST;
        return TRUE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(policies); i++) {
        if (strcmp(text, policies[i].name) == 0) {
            *policy = policies[i].policy;
            return TRUE;
        }
    }
    return FALSE;
}

void
kn_resolvconf_event_free(KnResolvConfEvent *event)
{
    if (event == NULL)
        return;
    g_free(event->message);
    g_free(event);
}

static void
add_event(GPtrArray *events, const char *reason, char *message)
{
    KnResolvConfEvent *event;

    if (events == NULL) {
        g_free(message);
        return;
    }
    event = g_new0(KnResolvConfEvent, 1);
    event->reason = reason;
    event->message = message;
    g_ptr_array_add(events, event);
}

/* Appends 'item' unless 'list' has it (omitDuplicates). */
static void
add_unique(GPtrArray *list, const char *item)
{
    for (guint i = 0; i < list->len; i++)
        if (strcmp(list->pdata[i], item) == 0)
            return;
    g_ptr_array_add(list, g_strdup(item));
}

/* The name of an option: "ndots" of "ndots:5". */
static gsize
option_name_length(const char *option)
{
    const char *colon = strchr(option, ':');

    return colon != NULL ? (gsize) (colon - option) : strlen(option);
}

/* Merges 'option' into 'options' by name, a later one replacing
 * (appendOptions, mergeDNSOptions). */
static void
merge_option(GPtrArray *options, const char *option)
{
    gsize len = option_name_length(option);

    for (guint i = 0; i < options->len; i++) {
        const char *old = options->pdata[i];

        if (option_name_length(old) == len && strncmp(old, option, len) == 0) {
            g_free(options->pdata[i]);
            options->pdata[i] = g_strdup(option);
            return;
        }
    }
    g_ptr_array_add(options, g_strdup(option));
}

typedef struct {
    GPtrArray *servers;          /* char * */
    GPtrArray *searches;         /* char * */
    GPtrArray *options;          /* char * */
} DnsConfig;

static void
dns_config_init(DnsConfig *config)
{
    config->servers = g_ptr_array_new_with_free_func(g_free);
    config->searches = g_ptr_array_new_with_free_func(g_free);
    config->options = g_ptr_array_new_with_free_func(g_free);
}

static void
dns_config_clear(DnsConfig *config)
{
    g_clear_pointer(&config->servers, g_ptr_array_unref);
    g_clear_pointer(&config->searches, g_ptr_array_unref);
    g_clear_pointer(&config->options, g_ptr_array_unref);
}

/* parseResolvConf: the node's file as the kubelet reads it. */
static void
parse_host_resolv_conf(const char *text, DnsConfig *config)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++) {
        g_autofree char *trimmed = g_strstrip(g_strdup(lines[i]));
        g_auto(GStrv) fields = NULL;

        if (trimmed[0] == '#')
            continue;
        fields = g_strsplit_set(trimmed, " \t\r\f\v", -1);
        /* strings.Fields: drop the empty words runs of blanks leave. */
        guint n = 0;

        for (guint j = 0; fields[j] != NULL; j++) {
            if (fields[j][0] != '\0')
                fields[n++] = fields[j];
            else
                g_free(fields[j]);
        }
        fields[n] = NULL;
        if (n == 0)
            continue;
        if (strcmp(fields[0], "nameserver") == 0 && n >= 2) {
            g_ptr_array_add(config->servers, g_strdup(fields[1]));
        } else if (strcmp(fields[0], "search") == 0) {
            g_ptr_array_set_size(config->searches, 0);
            for (guint j = 1; j < n; j++) {
                if (strcmp(fields[j], ".") == 0)
                    continue;
                gsize len = strlen(fields[j]);

                g_ptr_array_add(config->searches,
                                g_strndup(fields[j], fields[j][len - 1] == '.' ? len - 1 : len));
            }
        } else if (strcmp(fields[0], "options") == 0) {
            for (guint j = 1; j < n; j++)
                merge_option(config->options, fields[j]);
        }
    }
}

static char *
join(GPtrArray *list, const char *separator)
{
    g_ptr_array_add(list, NULL);
    char *text = g_strjoinv(separator, (char **) list->pdata);

    g_ptr_array_set_size(list, list->len - 1);
    return text;
}

/* formDNSSearchFitsLimits. */
static void
search_fits_limits(GPtrArray *search, GPtrArray *events)
{
    gboolean exceeded = FALSE;

    if (search->len > MAX_DNS_SEARCH_PATHS) {
        g_ptr_array_set_size(search, MAX_DNS_SEARCH_PATHS);
        exceeded = TRUE;
    }
    for (guint i = 0; i < search->len;) {
        if (strlen(search->pdata[i]) > DNS1123_SUBDOMAIN_MAX) {
            g_ptr_array_remove_index(search, i);
            exceeded = TRUE;
        } else {
            i++;
        }
    }
    g_autofree char *line = join(search, " ");
    gsize length = strlen(line);

    if (length > MAX_DNS_SEARCH_LIST_CHARS) {
        gsize cut = 0;
        guint n_cut = 0;

        for (guint i = search->len; i-- > 0;) {
            cut += strlen(search->pdata[i]) + 1;
            n_cut++;
            if (length - cut <= MAX_DNS_SEARCH_LIST_CHARS)
                break;
        }
        g_ptr_array_set_size(search, search->len - n_cut);
        exceeded = TRUE;
    }
    if (exceeded) {
        g_autofree char *applied = join(search, " ");

        add_event(events, "DNSConfigForming",
                  g_strdup_printf("Search Line limits were exceeded, some search paths have been "
                                  "omitted, the applied search line is: %s", applied));
    }
}

char *
kn_resolvconf_pod(const KnKubeletDns *kubelet, const char *namespace, KnDnsPolicy policy,
                  gboolean host_network, const KnPodDnsConfig *dns_config, GPtrArray *events)
{
    DnsConfig config;
    gboolean cluster;
    GString *out;

    g_return_val_if_fail(kubelet != NULL && namespace != NULL, NULL);
    dns_config_init(&config);
    if (kubelet->host_resolv_conf != NULL)
        parse_host_resolv_conf(kubelet->host_resolv_conf, &config);
    cluster = policy == KN_DNS_POLICY_CLUSTER_FIRST_WITH_HOST_NET
              || (policy == KN_DNS_POLICY_CLUSTER_FIRST && !host_network);
    if (policy == KN_DNS_POLICY_NONE) {
        dns_config_clear(&config);
        dns_config_init(&config);
    } else if (cluster && kubelet->cluster_dns != NULL && kubelet->cluster_dns[0] != NULL) {
        g_autoptr(GPtrArray) host_search = g_steal_pointer(&config.searches);
        const char *domain = kubelet->cluster_domain;

        g_ptr_array_set_size(config.servers, 0);
        for (guint i = 0; kubelet->cluster_dns[i] != NULL; i++)
            g_ptr_array_add(config.servers, g_strdup(kubelet->cluster_dns[i]));
        config.searches = g_ptr_array_new_with_free_func(g_free);
        if (domain != NULL && domain[0] != '\0') {
            g_autofree char *ns_svc = g_strdup_printf("%s.svc.%s", namespace, domain);
            g_autofree char *svc = g_strdup_printf("svc.%s", domain);

            add_unique(config.searches, ns_svc);
            add_unique(config.searches, svc);
            add_unique(config.searches, domain);
        }
        for (guint i = 0; i < host_search->len; i++)
            add_unique(config.searches, host_search->pdata[i]);
        g_ptr_array_set_size(config.options, 0);
        g_ptr_array_add(config.options, g_strdup("ndots:5"));
    } else {
        if (cluster) {
            const char *message = "kubelet does not have ClusterDNS IP configured and cannot "
                                  "create Pod using \"ClusterFirst\" policy. Falling back to "
                                  "\"Default\" policy.";

            add_event(events, "MissingClusterDNS", g_strdup(message));
        }
        if (kubelet->host_resolv_conf == NULL) {
            g_ptr_array_add(config.servers, g_strdup(kubelet->node_ipv6 ? "::1" : "127.0.0.1"));
            g_ptr_array_set_size(config.searches, 0);
            g_ptr_array_add(config.searches, g_strdup("."));
        }
    }
    if (dns_config != NULL) {
        /* appendDNSConfig: omitDuplicates over the whole list. */
        g_autoptr(GPtrArray) servers = g_steal_pointer(&config.servers);
        g_autoptr(GPtrArray) searches = g_steal_pointer(&config.searches);

        config.servers = g_ptr_array_new_with_free_func(g_free);
        config.searches = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < servers->len; i++)
            add_unique(config.servers, servers->pdata[i]);
        for (guint i = 0; i < dns_config->nameservers->len; i++)
            add_unique(config.servers, dns_config->nameservers->pdata[i]);
        for (guint i = 0; i < searches->len; i++)
            add_unique(config.searches, searches->pdata[i]);
        for (guint i = 0; i < dns_config->searches->len; i++)
            add_unique(config.searches, dns_config->searches->pdata[i]);
        for (guint i = 0; i < dns_config->options->len; i++) {
            const KnPodDnsConfigOption *option = dns_config->options->pdata[i];
            /* mergeDNSOptions: "name:value", or the name alone when the
             * value is nil or empty. */
            g_autofree char *text = option->value != NULL && option->value[0] != '\0'
                ? g_strdup_printf("%s:%s", option->name, option->value) : g_strdup(option->name);

            merge_option(config.options, text);
        }
    }
    if (config.servers->len > MAX_DNS_NAMESERVERS) {
        g_ptr_array_set_size(config.servers, MAX_DNS_NAMESERVERS);
        g_autofree char *applied = join(config.servers, " ");

        add_event(events, "DNSConfigForming",
                  g_strdup_printf("Nameserver limits were exceeded, some nameservers have been "
                                  "omitted, the applied nameserver line is: %s", applied));
    }
    search_fits_limits(config.searches, events);

    /* containerd parseDNSOptions. */
    out = g_string_new(NULL);
    if (config.searches->len > 0) {
        g_autofree char *line = join(config.searches, " ");

        g_string_append_printf(out, "search %s\n", line);
    }
    for (guint i = 0; i < config.servers->len; i++)
        g_string_append_printf(out, "nameserver %s\n", (const char *) config.servers->pdata[i]);
    if (config.options->len > 0) {
        g_autofree char *line = join(config.options, " ");

        g_string_append_printf(out, "options %s\n", line);
    }
    dns_config_clear(&config);
    return g_string_free(out, FALSE);
}

/*****************************************************************************/
/* Reading: the C libraries. */

KnResolvConf *
kn_resolvconf_ref(KnResolvConf *conf)
{
    conf->ref_count++;
    return conf;
}

void
kn_resolvconf_free(KnResolvConf *conf)
{
    if (conf == NULL || --conf->ref_count > 0)
        return;
    g_array_unref(conf->nameservers);
    g_ptr_array_unref(conf->search);
    g_free(conf);
}

static KnResolvConf *
conf_new(KnLibc libc)
{
    KnResolvConf *conf = g_new0(KnResolvConf, 1);

    conf->ref_count = 1;
    conf->libc = libc;
    conf->nameservers = g_array_new(FALSE, TRUE, sizeof(KnAddr));
    conf->search = g_ptr_array_new_with_free_func(g_free);
    conf->ndots = 1;
    conf->timeout = 5;
    conf->attempts = 2;
    return conf;
}

/* Adds a search entry: "." is the root "", one final dot is dropped. */
static void
add_search(KnResolvConf *conf, const char *word, gsize len)
{
    if (len > 0 && word[len - 1] == '.')
        len--;
    g_ptr_array_add(conf->search, g_strndup(word, len));
}

/* Replaces the search list with the words of 'text'. */
static void
set_search(KnResolvConf *conf, const char *text)
{
    g_ptr_array_set_size(conf->search, 0);
    for (const char *p = text; *p != '\0';) {
        const char *end;

        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
            p++;
        end = p;
        while (*end != '\0' && !g_ascii_isspace(*end))
            end++;
        if (end == p)
            break;
        add_search(conf, p, end - p);
        p = end;
    }
}

/* MATCH() of res_init.c: 'keyword' followed by a space or a tab. */
static gboolean
keyword(const char *line, const char *word)
{
    gsize len = strlen(word);

    return strncmp(line, word, len) == 0 && (line[len] == ' ' || line[len] == '\t');
}

/* res_setoptions. */
static void
glibc_options(KnResolvConf *conf, const char *cp)
{
    static const struct {
        const char *name;
        gsize offset;
    } flags[] = {
        { "rotate", G_STRUCT_OFFSET(KnResolvConf, rotate) },
        { "edns0", G_STRUCT_OFFSET(KnResolvConf, edns0) },
        { "single-request-reopen", G_STRUCT_OFFSET(KnResolvConf, single_request_reopen) },
        { "single-request", G_STRUCT_OFFSET(KnResolvConf, single_request) },
        { "no_tld_query", G_STRUCT_OFFSET(KnResolvConf, no_tld_query) },
        { "no-tld-query", G_STRUCT_OFFSET(KnResolvConf, no_tld_query) },
        { "no-reload", 0 },
        { "use-vc", G_STRUCT_OFFSET(KnResolvConf, use_vc) },
        { "trust-ad", G_STRUCT_OFFSET(KnResolvConf, trust_ad) },
        { "no-aaaa", G_STRUCT_OFFSET(KnResolvConf, no_aaaa) },
    };

    while (*cp != '\0') {
        while (*cp == ' ' || *cp == '\t')
            cp++;
        if (strncmp(cp, "ndots:", 6) == 0) {
            int i = atoi(cp + 6);

            conf->ndots = i < 0 ? 0 : MIN(i, 15);
        } else if (strncmp(cp, "timeout:", 8) == 0) {
            int i = atoi(cp + 8);

            conf->timeout = i < 0 ? 0 : MIN(i, 30);
        } else if (strncmp(cp, "attempts:", 9) == 0) {
            int i = atoi(cp + 9);

            conf->attempts = i < 0 ? 0 : MIN(i, 5);
        } else {
            for (gsize i = 0; i < G_N_ELEMENTS(flags); i++) {
                if (strncmp(cp, flags[i].name, strlen(flags[i].name)) == 0) {
                    if (flags[i].offset != 0)
                        G_STRUCT_MEMBER(gboolean, conf, flags[i].offset) = TRUE;
                    break;
                }
            }
        }
        while (*cp != '\0' && *cp != ' ' && *cp != '\t')
            cp++;
    }
}

static void
glibc_parse(KnResolvConf *conf, char **lines)
{
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];

        if (line[0] == ';' || line[0] == '#')
            continue;
        if (keyword(line, "domain")) {
            const char *p = line + 6;
            gsize len;

            while (*p == ' ' || *p == '\t')
                p++;
            len = strcspn(p, " \t\n");
            if (len == 0)
                continue;
            g_ptr_array_set_size(conf->search, 0);
            add_search(conf, p, len);
        } else if (keyword(line, "search")) {
            const char *p = line + 6;

            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '\0')
                continue;
            set_search(conf, p);
        } else if (keyword(line, "nameserver")) {
            const char *p = line + 10;
            KnAddr addr;

            while (*p == ' ' || *p == '\t')
                p++;
            g_autofree char *word = g_strndup(p, strcspn(p, " \t\n"));

            if (conf->nameservers->len < 3 && kn_addr_parse(word, &addr))
                g_array_append_val(conf->nameservers, addr);
        } else if (keyword(line, "options")) {
            glibc_options(conf, line + 7);
        }
    }
}

/* The number after 'key' in 'line' (musl: strstr, then strtoul). */
static gboolean
musl_option(const char *line, const char *key, gboolean dot_ok, gulong *value)
{
    const char *p = strstr(line, key);
    char *end;

    if (p == NULL)
        return FALSE;
    p += strlen(key);
    if (!g_ascii_isdigit(*p) && !(dot_ok && *p == '.'))
        return FALSE;
    *value = strtoul(p, &end, 10);
    return end != p;
}

static void
musl_parse(KnResolvConf *conf, char **lines)
{
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];
        gulong x;

        /* fgets(line, 256): 255 characters and the newline do not fit;
         * musl skips the rest of such a line rather than misread it.  A
         * final line without its newline is no exception: fgets stops
         * after 255 characters without reading on to EOF, so feof() is
         * still false and the line is skipped all the same. */
        if (strlen(line) >= 255) {
            conf->n_ignored_lines++;
            continue;
        }
        if (strncmp(line, "options", 7) == 0 && g_ascii_isspace(line[7])) {
            if (musl_option(line, "ndots:", FALSE, &x))
                conf->ndots = MIN(x, 15);
            if (musl_option(line, "attempts:", FALSE, &x))
                conf->attempts = MIN(x, 10);
            if (musl_option(line, "timeout:", TRUE, &x))
                conf->timeout = MIN(x, 60);
            continue;
        }
        if (strncmp(line, "nameserver", 10) == 0 && g_ascii_isspace(line[10])) {
            const char *p = line + 11;
            KnAddr addr;

            if (conf->nameservers->len >= 3)
                continue;
            while (g_ascii_isspace(*p))
                p++;
            g_autofree char *word = g_strndup(p, strcspn(p, " \t\n\r\f\v"));

            if (kn_addr_parse(word, &addr))
                g_array_append_val(conf->nameservers, addr);
            continue;
        }
        if ((strncmp(line, "domain", 6) == 0 || strncmp(line, "search", 6) == 0)
            && g_ascii_isspace(line[6]))
            set_search(conf, line + 7);
    }
    /* res_msend divides the timeout by the attempts. */
    if (conf->attempts == 0)
        conf->attempts = 1;
}

KnResolvConf *
kn_resolvconf_parse(const char *text, KnLibc libc)
{
    KnResolvConf *conf = conf_new(libc);
    g_auto(GStrv) lines = NULL;
    gsize len;

    g_return_val_if_fail(text != NULL, conf);
    len = strlen(text);
    lines = g_strsplit(text, "\n", -1);
    /* A final "\n" leaves an empty last element: not a line. */
    if (len > 0 && text[len - 1] == '\n') {
        guint n = g_strv_length(lines);

        g_clear_pointer(&lines[n - 1], g_free);
    }
    if (libc == KN_LIBC_MUSL)
        musl_parse(conf, lines);
    else
        glibc_parse(conf, lines);
    if (conf->nameservers->len == 0) {
        KnAddr loopback;

        kn_addr_parse("127.0.0.1", &loopback);
        g_array_append_val(conf->nameservers, loopback);
    }
    return conf;
}

char *
kn_resolvconf_to_string(const KnResolvConf *conf)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < conf->nameservers->len; i++) {
        char buf[KN_ADDR_STRLEN];

        g_string_append_printf(out, "nameserver %s\n",
                               kn_addr_format(&g_array_index(conf->nameservers, KnAddr, i), buf));
    }
    if (conf->search->len > 0) {
        g_string_append(out, "search");
        for (guint i = 0; i < conf->search->len; i++) {
            const char *domain = conf->search->pdata[i];

            g_string_append_printf(out, " %s", domain[0] != '\0' ? domain : ".");
        }
        g_string_append_c(out, '\n');
    }
    g_string_append_printf(out, "options ndots:%u timeout:%u attempts:%u", conf->ndots,
                           conf->timeout, conf->attempts);
    if (conf->rotate)
        g_string_append(out, " rotate");
    if (conf->single_request)
        g_string_append(out, " single-request");
    if (conf->single_request_reopen)
        g_string_append(out, " single-request-reopen");
    if (conf->use_vc)
        g_string_append(out, " use-vc");
    if (conf->edns0)
        g_string_append(out, " edns0");
    if (conf->no_aaaa)
        g_string_append(out, " no-aaaa");
    if (conf->no_tld_query)
        g_string_append(out, " no-tld-query");
    if (conf->trust_ad)
        g_string_append(out, " trust-ad");
    g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}
