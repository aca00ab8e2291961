/* resolvconf.h -- a pod's /etc/resolv.conf: the text the kubelet composes
 * for it (dnsPolicy, dnsConfig, the node's own resolv.conf, the limits)
 * and containerd writes, and that text read back as each C library reads
 * it.
 *
 * The replay's `cat /etc/resolv.conf` prints kn_resolvconf_pod(); the
 * data path parses the same text with kn_resolvconf_parse() for the
 * pod's image's C library and hands the result to the stub resolver
 * (models/resolver.h), which sends the queries. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/images.h"
#include "sim/addr.h"

/* A kind node's /etc/resolv.conf: Docker's network gateway, no search
 * list (kind's entrypoint replaces Docker's embedded 127.0.0.11 with the
 * gateway of the `kind` network, 172.18.0.1 on a fresh machine). */
#define KN_RESOLVCONF_KIND_NODE "nameserver 172.18.0.1\n"

/* pod.spec.dnsPolicy. */
typedef enum {
    KN_DNS_POLICY_CLUSTER_FIRST,               /* the default */
    KN_DNS_POLICY_CLUSTER_FIRST_WITH_HOST_NET,
    KN_DNS_POLICY_DEFAULT,                     /* the node's resolv.conf */
    KN_DNS_POLICY_NONE,                        /* dnsConfig alone */
} KnDnsPolicy;

/* Reads "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"
 * (NULL: ClusterFirst); FALSE for anything else. */
gboolean kn_resolvconf_policy_parse(const char *text, KnDnsPolicy *policy);

/* What the kubelet knows: its flags and the node. */
typedef struct KnKubeletDns {
    const char *const *cluster_dns;  /* --cluster-dns, NULL-terminated; NULL or
                                      * empty: none (ClusterFirst falls back to
                                      * Default with a MissingClusterDNS event) */
    const char *cluster_domain;      /* --cluster-domain ("cluster.local"); NULL
                                      * or "": no cluster search domains */
    const char *host_resolv_conf;    /* the text of --resolv-conf (the node's
                                      * /etc/resolv.conf, KN_RESOLVCONF_KIND_NODE);
                                      * NULL: --resolv-conf="" */
    gboolean node_ipv6;              /* the node's IP is IPv6 (with
                                      * --resolv-conf="": nameserver ::1) */
} KnKubeletDns;

/* A warning event the kubelet records while composing the file. */
typedef struct KnResolvConfEvent {
    const char *reason;              /* "DNSConfigForming", "MissingClusterDNS"; static */
    char *message;                   /* owned */
} KnResolvConfEvent;

/* The /etc/resolv.conf of a pod in 'namespace' with 'policy', 'host_network'
 * and 'dns_config' (pod.spec.dnsConfig, api.h; NULL: none) on a node whose kubelet is 'kubelet', as
 * the kubelet composes it (GetPodDNS) and containerd writes it
 * ("search …\nnameserver …\noptions …\n", empty sections left out).
 * Appends the kubelet's warning events to 'events' (KnResolvConfEvent *,
 * free with kn_resolvconf_event_free(); NULL: dropped).  New. */
char *kn_resolvconf_pod(const KnKubeletDns *kubelet, const char *namespace, KnDnsPolicy policy,
                        gboolean host_network, const KnPodDnsConfig *dns_config,
                        GPtrArray *events);
void kn_resolvconf_event_free(KnResolvConfEvent *event);   /* accepts NULL */

/* A resolv.conf as a C library's stub resolver reads it. */
typedef struct KnResolvConf {
    KnLibc libc;                 /* whose rules read it */
    GArray *nameservers;         /* KnAddr, at most 3 (MAXNS); never empty: with no
                                  * usable line, 127.0.0.1 as both libraries do */
    GPtrArray *search;           /* char *, in order, without a final dot; ""
                                  * stands for the root ('.'); never NULL */
    guint ndots;                 /* 1 unless set; at most 15 */
    guint timeout;               /* seconds per try (glibc RES_TIMEOUT 5, at most
                                  * 30; musl 5, at most 60) */
    guint attempts;              /* tries (glibc RES_DFLRETRY 2, at most 5; musl 2,
                                  * at most 10) */
    gboolean rotate;             /* glibc: round-robin over the nameservers */
    gboolean single_request;     /* glibc: A, then AAAA after A's answer */
    gboolean single_request_reopen; /* glibc: as single_request, on a new socket */
    gboolean use_vc;             /* glibc: TCP only */
    gboolean edns0;              /* glibc: an OPT record in each query */
    gboolean no_aaaa;            /* glibc 2.36+: A queries only */
    gboolean no_tld_query;       /* glibc: no as-is query for a dotless name */
    gboolean trust_ad;           /* glibc: the AD bit set in queries */
    guint n_ignored_lines;       /* musl: lines of 255 characters or more, skipped */
    guint ref_count;             /* private: kn_resolvconf_ref() */
} KnResolvConf;

/* Parses 'text' as 'libc' reads /etc/resolv.conf (glibc resolv/res_init.c
 * res_vinit_1 and res_setoptions; musl src/network/resolvconf.c).  New;
 * free with kn_resolvconf_free(). */
KnResolvConf *kn_resolvconf_parse(const char *text, KnLibc libc);
/* One more owner; each owner lets go with kn_resolvconf_free(). */
KnResolvConf *kn_resolvconf_ref(KnResolvConf *conf);
void kn_resolvconf_free(KnResolvConf *conf);               /* accepts NULL */

/* The file as the resolver took it, one setting a line, for --explain and
 * `knetsim dns` ("nameserver 10.96.0.10", "search a b", "options ndots:5
 * timeout:5 attempts:2").  New. */
char *kn_resolvconf_to_string(const KnResolvConf *conf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnResolvConf, kn_resolvconf_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnResolvConfEvent, kn_resolvconf_event_free)
