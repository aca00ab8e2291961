/* svc-validate.c -- Service validation, as the API server does it.
 *
 * DOC: This mirrors kube-apiserver's Service validation: ValidateService,
 * validateServicePort, ValidateServiceClusterIPsRelatedFields,
 * ValidateServiceUpdate, validateUpgradeDowngradeClusterIPs and ...IPFamilies,
 * validateLoadBalancerClassField, validateServiceExternalTrafficPolicy,
 * validateServiceInternalTrafficFieldsValue, validateServiceTrafficDistribution
 * and validateClientIPAffinityConfig in kubernetes/kubernetes
 * pkg/apis/core/validation/validation.go; ValidateObjectMeta and
 * ValidateAnnotations in staging/src/k8s.io/apimachinery/pkg/api/validation/
 * objectmeta.go; IsDNS1035Label, IsDNS1123Label, IsDNS1123Subdomain,
 * IsValidPortNum, IsValidPortName, RegexError, MaxLenError in
 * .../apimachinery/pkg/util/validation/validation.go; IsLabelKey (the
 * qualified name) and IsLabelValue in .../apimachinery/pkg/api/validate/
 * content/kube.go; IsValidIP and IsValidCIDR in .../util/validation/ip.go;
 * how each error prints in .../util/validation/field/errors.go (ErrorBody);
 * the ipFamilyPolicy checks of initIPFamilyFields in
 * pkg/registry/core/service/storage/alloc.go, which run before validation
 * and answer alone; the workloads' specs as ValidateDeploymentSpec,
 * ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec,
 * ValidateRollingUpdateDeployment, ValidatePositiveIntOrPercent and
 * IsNotMoreThan100Percent check them in pkg/apis/apps/validation/
 * validation.go, with ValidateLabelSelector and
 * ValidateLabelSelectorRequirement of apimachinery's
 * pkg/apis/meta/v1/validation/validation.go for their selectors; and kubectl's printing of an Invalid status in
 * staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go (checkErr,
 * statusCausesToAggrError, MultilineError).
 *
 * The messages are copied character for character, double spaces in
 * RegexError's "(e.g. 'my-name',  or '123-abc', ..." included.  Values print
 * as Go prints them: strings with %q, numbers plain, lists and structs with
 * %#v ([]string{"a", "b"}, core.ServicePort{...}).
 *
 * Simplified: maps (labels, annotations, selector) are checked in key order,
 * where Go's map order is random; a Service is checked after defaulting, so
 * the Required errors that defaulting makes unreachable (sessionAffinity,
 * externalTrafficPolicy and internalTrafficPolicy left empty,
 * allocateLoadBalancerNodePorts on a LoadBalancer, healthCheckNodePort on a
 * Local LoadBalancer, clusterIPs once clusterIP is set) are not produced;
 * checks that need the cluster's configuration (is it dual-stack, which
 * families it serves) belong to the allocator; the strategy's
 * dropTypeDependentFields (clearing node ports and clusterIPs the user left
 * unchanged when the type changes) is the caller's; IPv4 addresses with
 * leading zeros, which Go's ParseIPSloppy accepts, are refused here. */

#include <config.h>
#include "models/svc-validate.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

/*****************************************************************************/
/* Field errors and how Go prints values. */

void
kn_field_error_free(KnFieldError *error)
{
    if (!error)
        return;
    g_free(error->field);
    g_free(error->message);
    g_free(error);
}

static GPtrArray *
errors_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
}

/* Adds an error at 'path' whose text after "path: " is formatted. */
G_GNUC_PRINTF(3, 4) static void
add_error(GPtrArray *errors, const char *path, const char *format, ...)
{
    KnFieldError *error = g_new0(KnFieldError, 1);
    va_list args;

    va_start(args, format);
    error->field = g_strdup(path);
    error->message = g_strdup_vprintf(format, args);
    va_end(args);
    g_ptr_array_add(errors, error);
}

/* field.Required(): "Required value", then ": detail" if any. */
static void
add_required(GPtrArray *errors, const char *path, const char *detail)
{
    if (detail && *detail)
        add_error(errors, path, "Required value: %s", detail);
    else
        add_error(errors, path, "Required value");
}

static void
add_forbidden(GPtrArray *errors, const char *path, const char *detail)
{
    add_error(errors, path, "Forbidden: %s", detail);
}

/* field.Invalid() with 'value' already printed as Go prints it. */
static void
add_invalid(GPtrArray *errors, const char *path, const char *value, const char *detail)
{
    add_error(errors, path, "Invalid value: %s: %s", value, detail);
}

/* field.NotSupported(): the supported values quoted, in 'supported' order
 * (sets.List sorts them, so callers list them sorted). */
static void
add_unsupported(GPtrArray *errors, const char *path, const char *value,
                const char *const *supported)
{
    g_autoptr(GString) text = g_string_new("supported values: ");

    for (guint i = 0; supported[i]; i++)
        g_string_append_printf(text, "%s\"%s\"", i ? ", " : "", supported[i]);
    add_error(errors, path, "Unsupported value: %s: %s", value, text->str);
}

static void
add_duplicate(GPtrArray *errors, const char *path, const char *value)
{
    add_error(errors, path, "Duplicate value: %s", value);
}

/* Go's %#v of a []string or of a []core.IPFamily ('type' names it).  New. */
static char *
go_slice(const char *type, const GPtrArray *items)
{
    GString *out = g_string_new(NULL);

    if (items->len == 0) {
        g_string_append_printf(out, "%s(nil)", type);
        return g_string_free(out, FALSE);
    }
    g_string_append_printf(out, "%s{", type);
    for (guint i = 0; i < items->len; i++) {
        g_autofree char *q = kn_go_quote(g_ptr_array_index(items, i));

        g_string_append_printf(out, "%s%s", i ? ", " : "", q);
    }
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

/* A pointer to a string field as ErrorBody prints it: the quoted value, or
 * "null" (itself quoted, being the string "null") when unset. */
static char *
quote_or_null(const char *s)
{
    return kn_go_quote(s ? s : "null");
}

/*****************************************************************************/
/* apimachinery's string formats. */

#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1035_LABEL_FMT "[a-z]([-a-z0-9]*[a-z0-9])?"
#define LABEL_KEY_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_VALUE_FMT "(" LABEL_KEY_FMT ")?"

/* RegexError(): "MSG (e.g. 'a',  or 'b', regex used for validation is 'RE')";
 * the double space is Go's. */
#define DNS1123_LABEL_MSG \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " \
    "and must start and end with an alphanumeric character " \
    "(e.g. 'my-name',  or '123-abc', regex used for validation is '" DNS1123_LABEL_FMT "')"
#define DNS1123_SUBDOMAIN_MSG \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " \
    "and must start and end with an alphanumeric character " \
    "(e.g. 'example.com', regex used for validation is '" DNS1123_SUBDOMAIN_FMT "')"
#define DNS1035_LABEL_MSG \
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', " \
    "start with an alphabetic character, and end with an alphanumeric character " \
    "(e.g. 'my-name',  or 'abc-123', regex used for validation is '" DNS1035_LABEL_FMT "')"
#define LABEL_KEY_MSG \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with " \
    "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', " \
    "regex used for validation is '" LABEL_KEY_FMT "')"
#define LABEL_VALUE_MSG \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', " \
    "and must start and end with an alphanumeric character " \
    "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '" LABEL_VALUE_FMT "')"
#define PORT_RANGE_MSG "must be between 1 and 65535, inclusive"

static gboolean
is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over 's'..'end'; 'first_alpha' for RFC 1035. */
static gboolean
match_label(const char *s, const char *end, gboolean first_alpha)
{
    if (s == end || !is_lower_alnum(s[0]) || !is_lower_alnum(end[-1]))
        return FALSE;
    if (first_alpha && !(s[0] >= 'a' && s[0] <= 'z'))
        return FALSE;
    for (const char *p = s; p < end; p++)
        if (!is_lower_alnum(*p) && *p != '-')
            return FALSE;
    return TRUE;
}

static gboolean
match_subdomain(const char *s)
{
    const char *start = s;

    for (const char *p = s;; p++) {
        if (*p == '.' || *p == '\0') {
            if (!match_label(start, p, FALSE))
                return FALSE;
            if (*p == '\0')
                return TRUE;
            start = p + 1;
        }
    }
}

static gboolean
is_alnum(char c)
{
    return g_ascii_isalnum(c);
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], or also "" if 'empty_ok'. */
static gboolean
match_label_key_name(const char *s, const char *end, gboolean empty_ok)
{
    if (s == end)
        return empty_ok;
    if (!is_alnum(s[0]) || !is_alnum(end[-1]))
        return FALSE;
    for (const char *p = s; p < end; p++)
        if (!is_alnum(*p) && *p != '-' && *p != '_' && *p != '.')
            return FALSE;
    return TRUE;
}

/* Each checker appends its messages to 'msgs' (char *, owned). */

static void
is_dns1123_label(const char *value, GPtrArray *msgs)
{
    if (strlen(value) > 63)
        g_ptr_array_add(msgs, g_strdup("must be no more than 63 characters"));
    if (!match_label(value, value + strlen(value), FALSE)) {
        if (match_subdomain(value))
            g_ptr_array_add(msgs, g_strdup("must not contain dots"));
        else
            g_ptr_array_add(msgs, g_strdup(DNS1123_LABEL_MSG));
    }
}

static void
is_dns1123_subdomain(const char *value, GPtrArray *msgs)
{
    if (strlen(value) > 253)
        g_ptr_array_add(msgs, g_strdup("must be no more than 253 characters"));
    if (!match_subdomain(value))
        g_ptr_array_add(msgs, g_strdup(DNS1123_SUBDOMAIN_MSG));
}

static void
is_dns1035_label(const char *value, GPtrArray *msgs)
{
    if (strlen(value) > 63)
        g_ptr_array_add(msgs, g_strdup("must be no more than 63 characters"));
    if (!match_label(value, value + strlen(value), TRUE))
        g_ptr_array_add(msgs, g_strdup(DNS1035_LABEL_MSG));
}

/* IsQualifiedName (IsLabelKey): an optional DNS subdomain prefix and '/',
 * then a name of at most 63 characters. */
static void
is_qualified_name(const char *value, GPtrArray *msgs)
{
    g_auto(GStrv) parts = g_strsplit(value, "/", -1);
    const char *name;

    switch (g_strv_length(parts)) {
    case 1:
        name = parts[0];
        break;
    case 2: {
        g_autoptr(GPtrArray) prefix_msgs = g_ptr_array_new_with_free_func(g_free);

        name = parts[1];
        if (!*parts[0])
            g_ptr_array_add(msgs, g_strdup("prefix part must be non-empty"));
        else
            is_dns1123_subdomain(parts[0], prefix_msgs);
        for (guint i = 0; i < prefix_msgs->len; i++)
            g_ptr_array_add(msgs, g_strconcat("prefix part ", (char *) prefix_msgs->pdata[i], NULL));
        break;
    }
    default:
        g_ptr_array_add(msgs, g_strdup("a valid label key " LABEL_KEY_MSG
                                       " with an optional DNS subdomain prefix and '/' "
                                       "(e.g. 'example.com/MyName')"));
        return;
    }
    if (!*name)
        g_ptr_array_add(msgs, g_strdup("name part must be non-empty"));
    else if (strlen(name) > 63)
        g_ptr_array_add(msgs, g_strdup("name part must be no more than 63 characters"));
    if (!match_label_key_name(name, name + strlen(name), FALSE))
        g_ptr_array_add(msgs, g_strdup("name part " LABEL_KEY_MSG));
}

static void
is_label_value(const char *value, GPtrArray *msgs)
{
    if (strlen(value) > 63)
        g_ptr_array_add(msgs, g_strdup("must be no more than 63 characters"));
    if (!match_label_key_name(value, value + strlen(value), TRUE))
        g_ptr_array_add(msgs, g_strdup(LABEL_VALUE_MSG));
}

/* IsValidPortName: an IANA_SVC_NAME. */
static void
is_valid_port_name(const char *port, GPtrArray *msgs)
{
    gsize len = strlen(port);
    gboolean charset = len > 0, letter = FALSE;

    for (const char *p = port; *p; p++) {
        if (!is_lower_alnum(*p) && *p != '-')
            charset = FALSE;
        if (*p >= 'a' && *p <= 'z')
            letter = TRUE;
    }
    if (len > 15)
        g_ptr_array_add(msgs, g_strdup("must be no more than 15 characters"));
    if (!charset)
        g_ptr_array_add(msgs, g_strdup("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"));
    if (!letter)
        g_ptr_array_add(msgs, g_strdup("must contain at least one letter (a-z)"));
    if (strstr(port, "--"))
        g_ptr_array_add(msgs, g_strdup("must not contain consecutive hyphens"));
    if (len > 0 && (port[0] == '-' || port[len - 1] == '-'))
        g_ptr_array_add(msgs, g_strdup("must not begin or end with a hyphen"));
}

char *
kn_svc_validate_port_name(const char *name)
{
    g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func(g_free);

    is_valid_port_name(name, msgs);
    if (msgs->len == 0)
        return NULL;
    g_ptr_array_add(msgs, NULL);
    return g_strjoinv(",", (char **) msgs->pdata);
}

gboolean
kn_svc_validate_is_dns1123_subdomain(const char *value)
{
    g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func(g_free);

    is_dns1123_subdomain(value, msgs);
    return msgs->len == 0;
}

typedef void (*StringCheck)(const char *value, GPtrArray *msgs);

/* Runs 'check' on 'value' and adds one Invalid error per message at 'path',
 * printing 'shown' (the value as given) as the bad value. */
static void
check_string(GPtrArray *errors, const char *path, const char *value, const char *shown,
             StringCheck check)
{
    g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *q = kn_go_quote(shown);

    check(value, msgs);
    for (guint i = 0; i < msgs->len; i++)
        add_invalid(errors, path, q, g_ptr_array_index(msgs, i));
}

/*****************************************************************************/
/* IP addresses. */

/* The family of 'ip' as Go's net.ParseIP sees it (an IPv4-mapped IPv6
 * address is IPv4): 4, 6, or 0 if it is not an address; fills 'v4' or
 * 'v6' when given. */
static int
ip_family(const char *ip, guint8 v4[4], guint8 v6[16])
{
    guint8 buf4[4], buf6[16];
    static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

    if (!v4)
        v4 = buf4;
    if (!v6)
        v6 = buf6;
    if (inet_pton(AF_INET, ip, v4) == 1)
        return 4;
    if (inet_pton(AF_INET6, ip, v6) != 1)
        return 0;
    if (memcmp(v6, mapped, 12) == 0) {
        memcpy(v4, v6 + 12, 4);
        return 4;
    }
    return 6;
}

/* IsValidIP. */
static gboolean
check_ip(GPtrArray *errors, const char *path, const char *ip)
{
    if (ip_family(ip, NULL, NULL))
        return TRUE;
    g_autofree char *q = kn_go_quote(ip);
    add_invalid(errors, path, q, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    return FALSE;
}

/* IsValidCIDR: an address, '/', and a prefix length within its family. */
static void
check_cidr(GPtrArray *errors, const char *path, const char *value)
{
    const char *slash = strchr(value, '/');
    gboolean ok = FALSE;

    if (slash && slash[1] && strspn(slash + 1, "0123456789") == strlen(slash + 1)
        && strlen(slash + 1) <= 3) {
        g_autofree char *addr = g_strndup(value, slash - value);
        guint8 v4[4], v6[16];
        int bits = atoi(slash + 1);

        /* A mapped address in a CIDR keeps its IPv6 length in Go. */
        if (inet_pton(AF_INET, addr, v4) == 1)
            ok = bits <= 32;
        else if (inet_pton(AF_INET6, addr, v6) == 1)
            ok = bits <= 128;
    }
    if (!ok) {
        g_autofree char *q = kn_go_quote(value);
        add_invalid(errors, path, q, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
    }
}

/* ValidateNonSpecialIP, for an address already known to parse. */
static void
check_non_special_ip(GPtrArray *errors, const char *path, const char *ip)
{
    guint8 v4[4], v6[16];
    int family = ip_family(ip, v4, v6);
    g_autofree char *q = kn_go_quote(ip);
    gboolean unspecified, loopback, link_local, ll_multicast;
    static const guint8 zero[16] = { 0 };

    if (family == 4) {
        unspecified = memcmp(v4, zero, 4) == 0;
        loopback = v4[0] == 127;
        link_local = v4[0] == 169 && v4[1] == 254;
        ll_multicast = v4[0] == 224 && v4[1] == 0 && v4[2] == 0;
    } else {
        static const guint8 one[16] = { [15] = 1 };

        unspecified = memcmp(v6, zero, 16) == 0;
        loopback = memcmp(v6, one, 16) == 0;
        link_local = v6[0] == 0xfe && (v6[1] & 0xc0) == 0x80;
        ll_multicast = v6[0] == 0xff && (v6[1] & 0x0f) == 0x02;
    }
    if (unspecified) {
        g_autofree char *detail = g_strdup_printf("may not be unspecified (%s)", ip);
        add_invalid(errors, path, q, detail);
    }
    if (loopback)
        add_invalid(errors, path, q, "may not be in the loopback range (127.0.0.0/8, ::1/128)");
    if (link_local)
        add_invalid(errors, path, q, "may not be in the link-local range (169.254.0.0/16, fe80::/10)");
    if (ll_multicast)
        add_invalid(errors, path, q, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
}

/*****************************************************************************/
/* A Service as validation sees it: enums as the strings the API holds, and
 * clusterIPs synced from clusterIP as the registry's normalizeClusterIPs
 * does before anything looks at them. */

typedef struct {
    const KnService *svc;
    const char *type;            /* "ClusterIP", ... or the unknown value */
    const char *policy;          /* NULL if unset */
    const char *eff_policy;      /* as the allocator sets it when unset */
    GPtrArray *cluster_ips;      /* char *, borrowed strings */
    const char *cluster_ip;      /* NULL if unset or "" */
} View;

static void
view_init(View *view, const KnService *svc)
{
    const KnServiceSpec *spec = &svc->spec;
    static const char *const policies[] = {
        NULL, "SingleStack", "PreferDualStack", "RequireDualStack",
    };

    view->svc = svc;
    view->type = spec->type_raw ? spec->type_raw : kn_service_type_name(spec->type);
    view->policy = spec->ip_family_policy_raw ? spec->ip_family_policy_raw
                                               : policies[spec->ip_family_policy];
    view->cluster_ip = spec->cluster_ip && *spec->cluster_ip ? spec->cluster_ip : NULL;
    view->cluster_ips = g_ptr_array_new();
    if (spec->cluster_ips->len == 0 && view->cluster_ip)
        g_ptr_array_add(view->cluster_ips, (gpointer) view->cluster_ip);
    else
        for (guint i = 0; i < spec->cluster_ips->len; i++)
            g_ptr_array_add(view->cluster_ips, spec->cluster_ips->pdata[i]);
}

static void
view_clear(View *view)
{
    g_ptr_array_unref(view->cluster_ips);
}

static gboolean
is_type(const View *view, KnServiceType type)
{
    return !view->svc->spec.type_raw && view->svc->spec.type == type;
}

/* initIPFamilyFields: an unset ipFamilyPolicy is the old object's on
 * update; else RequireDualStack for a headless Service without a selector;
 * else SingleStack.  ExternalName keeps none. */
static void
view_set_effective_policy(View *view, const View *old)
{
    const KnServiceSpec *spec = &view->svc->spec;

    if (view->policy || is_type(view, KN_SERVICE_EXTERNAL_NAME))
        view->eff_policy = view->policy;
    else if (old && old->eff_policy)
        view->eff_policy = old->eff_policy;
    else if (g_strcmp0(view->cluster_ip, "None") == 0 && kn_labels_size(spec->selector) == 0)
        view->eff_policy = "RequireDualStack";
    else
        view->eff_policy = "SingleStack";
}

/* isHeadlessService: clusterIPs is exactly ["None"]. */
static gboolean
is_headless(const View *view)
{
    return view->cluster_ips->len == 1
        && strcmp(g_ptr_array_index(view->cluster_ips, 0), "None") == 0;
}

static const char *
port_protocol(const KnServicePort *port)
{
    return port->protocol_raw ? port->protocol_raw : kn_protocol_name(port->protocol);
}

static const char *
session_affinity(const KnServiceSpec *spec)
{
    if (spec->session_affinity_raw)
        return spec->session_affinity_raw;
    return spec->session_affinity_client_ip ? "ClientIP" : "None";
}

/* The externalTrafficPolicy the API holds, or NULL if it is empty. */
static const char *
external_traffic_policy(const KnServiceSpec *spec)
{
    if (spec->external_traffic_policy_raw)
        return spec->external_traffic_policy_raw;
    return spec->has_external_traffic_policy
        ? kn_traffic_policy_name(spec->external_traffic_policy) : NULL;
}

/* apiservice.ExternallyAccessible and NeedsHealthCheck (pkg/api/service). */
static gboolean
externally_accessible(const View *view)
{
    return is_type(view, KN_SERVICE_LOAD_BALANCER) || is_type(view, KN_SERVICE_NODE_PORT)
        || (is_type(view, KN_SERVICE_CLUSTER_IP) && view->svc->spec.external_ips->len > 0);
}

static gboolean
needs_health_check(const View *view)
{
    const char *etp = external_traffic_policy(&view->svc->spec);

    return is_type(view, KN_SERVICE_LOAD_BALANCER) && etp && strcmp(etp, "Local") == 0;
}

/*****************************************************************************/
/* Metadata. */

/* ValidateLabels: each key a qualified name, each value a label value; the
 * path is the map's, with no key. */
static void
check_labels(GPtrArray *errors, const char *path, const KnLabels *labels)
{
    for (guint i = 0; i < kn_labels_size(labels); i++) {
        const char *key = kn_labels_key(labels, i);

        check_string(errors, path, key, key, is_qualified_name);
        check_string(errors, path, kn_labels_value(labels, i), kn_labels_value(labels, i),
                     is_label_value);
    }
}

/* ValidateAnnotations: keys are qualified names ignoring case, and all
 * keys and values together hold at most 256 KiB. */
static void
check_annotations(GPtrArray *errors, const char *path, const KnLabels *annotations)
{
    gsize total = 0;

    for (guint i = 0; i < kn_labels_size(annotations); i++) {
        const char *key = kn_labels_key(annotations, i);
        g_autofree char *lower = g_ascii_strdown(key, -1);

        check_string(errors, path, lower, key, is_qualified_name);
        total += strlen(key) + strlen(kn_labels_value(annotations, i));
    }
    if (total > 256 * 1024)
        add_error(errors, path, "Too long: must have at most %d bytes", 256 * 1024);
}

/* NameIsDNS1035Label with prefix = true: a trailing '-' stands for the
 * random suffix to come. */
static void
is_dns1035_prefix(const char *value, GPtrArray *msgs)
{
    gsize len = strlen(value);
    g_autofree char *masked = g_strdup(value);

    if (len > 1 && value[len - 1] == '-')
        masked[len - 1] = 'a';
    is_dns1035_label(masked, msgs);
}

/* ValidateObjectMeta(meta, true, ValidateServiceName, "metadata"). */
static void
check_object_meta(GPtrArray *errors, const KnObjectMeta *meta)
{
    if (meta->generate_name && *meta->generate_name)
        check_string(errors, "metadata.generateName", meta->generate_name,
                     meta->generate_name, is_dns1035_prefix);
    if (!meta->name || !*meta->name)
        add_required(errors, "metadata.name", "name or generateName is required");
    else
        check_string(errors, "metadata.name", meta->name, meta->name, is_dns1035_label);
    if (!meta->namespace || !*meta->namespace)
        add_required(errors, "metadata.namespace", NULL);
    else
        check_string(errors, "metadata.namespace", meta->namespace, meta->namespace,
                     is_dns1123_label);
    check_labels(errors, "metadata.labels", meta->labels);
    check_annotations(errors, "metadata.annotations", meta->annotations);
}

/*****************************************************************************/
/* Cluster IPs and IP families. */

/* ValidateServiceClusterIPsRelatedFields. */
static void
check_cluster_ips(GPtrArray *errors, const View *view)
{
    const KnServiceSpec *spec = &view->svc->spec;
    GPtrArray *ips = view->cluster_ips;
    g_autofree char *ips_shown = go_slice("[]string", ips);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    gboolean has_invalid = FALSE;

    if (is_type(view, KN_SERVICE_EXTERNAL_NAME))
        return;

    if (view->cluster_ip) {
        if (ips->len > 0 && strcmp(g_ptr_array_index(ips, 0), view->cluster_ip) != 0)
            add_invalid(errors, "spec.clusterIPs", ips_shown, "first value must match `clusterIP`");
    } else if (ips->len > 0) {
        add_invalid(errors, "spec.clusterIPs", ips_shown,
                    "must be empty when `clusterIP` is not specified");
    }

    for (guint i = 0; i < spec->ip_families->len; i++) {
        const char *family = g_ptr_array_index(spec->ip_families, i);
        g_autofree char *path = g_strdup_printf("spec.ipFamilies[%u]", i);
        g_autofree char *q = kn_go_quote(family);

        if (strcmp(family, "IPv4") != 0 && strcmp(family, "IPv6") != 0)
            add_unsupported(errors, path, q, (const char *const[]) { "IPv4", "IPv6", NULL });
        if (g_hash_table_contains(seen, family))
            add_duplicate(errors, path, q);
        g_hash_table_add(seen, (gpointer) family);
    }

    if (spec->ip_family_policy_raw) {
        g_autofree char *q = kn_go_quote(spec->ip_family_policy_raw);

        add_unsupported(errors, "spec.ipFamilyPolicy", q,
                        (const char *const[]) { "PreferDualStack", "RequireDualStack",
                                                "SingleStack", NULL });
    }

    for (guint i = 0; i < ips->len; i++) {
        const char *ip = g_ptr_array_index(ips, i);
        g_autofree char *path = g_strdup_printf("spec.clusterIPs[%u]", i);

        if (i == 0 && strcmp(ip, "None") == 0) {
            if (ips->len > 1) {
                has_invalid = TRUE;
                add_invalid(errors, "spec.clusterIPs", ips_shown,
                            "'None' must be the first and only value");
            }
            continue;
        }
        if (!check_ip(errors, path, ip))
            has_invalid = TRUE;
    }
    if (ips->len > 2)
        add_invalid(errors, "spec.clusterIPs", ips_shown, "may only hold up to 2 values");
    if (has_invalid)
        return;

    if (ips->len > 1) {
        gboolean v4 = FALSE, v6 = FALSE;

        for (guint i = 0; i < ips->len; i++) {
            if (ip_family(g_ptr_array_index(ips, i), NULL, NULL) == 4)
                v4 = TRUE;
            else
                v6 = TRUE;
        }
        if (!(v4 && v6))
            add_invalid(errors, "spec.clusterIPs", ips_shown,
                        "may specify no more than one IP for each IP family");
    }

    if (!is_headless(view) && ips->len > 0 && spec->ip_families->len > 0) {
        for (guint i = 0; i < ips->len && i < spec->ip_families->len; i++) {
            const char *ip = g_ptr_array_index(ips, i);
            const char *family = g_ptr_array_index(spec->ip_families, i);
            gboolean is_v6 = ip_family(ip, NULL, NULL) == 6;
            g_autofree char *path = g_strdup_printf("spec.clusterIPs[%u]", i);
            g_autofree char *q = kn_go_quote(ip);
            g_autofree char *detail = NULL;

            if (strcmp(family, "IPv4") == 0 && is_v6)
                detail = g_strdup_printf("expected an IPv4 value as indicated by `ipFamilies[%u]`", i);
            else if (strcmp(family, "IPv6") == 0 && !is_v6)
                detail = g_strdup_printf("expected an IPv6 value as indicated by `ipFamilies[%u]`", i);
            if (detail)
                add_invalid(errors, path, q, detail);
        }
    }
}

/* The ipFamilyPolicy checks of the allocator's initIPFamilyFields, which
 * run after check_cluster_ips() and before validation, on the policy as
 * the allocator sets it (view_set_effective_policy()). */
static void
check_family_policy(GPtrArray *errors, const View *view, const View *old)
{
    const KnServiceSpec *spec = &view->svc->spec;
    const char *policy = view->eff_policy;
    g_autofree char *shown = quote_or_null(policy);
    gboolean single = policy && strcmp(policy, "SingleStack") == 0;

    if (is_type(view, KN_SERVICE_EXTERNAL_NAME))
        return;
    if (old && !is_type(old, KN_SERVICE_EXTERNAL_NAME) && !single && policy) {
        if (view->cluster_ips->len < old->cluster_ips->len && view->cluster_ips->len > 0)
            add_invalid(errors, "spec.ipFamilyPolicy", shown,
                        "must be 'SingleStack' to release the secondary cluster IP");
        if (spec->ip_families->len < old->svc->spec.ip_families->len && spec->ip_families->len > 0)
            add_invalid(errors, "spec.ipFamilyPolicy", shown,
                        "must be 'SingleStack' to release the secondary IP family");
    }
    if (single) {
        /* On update an unchanged list is trimmed to one entry first. */
        gboolean same_ips = old && kn_api_strings_equal(view->cluster_ips, old->cluster_ips);
        gboolean same_families = old && kn_api_strings_equal(spec->ip_families, old->svc->spec.ip_families);

        if (view->cluster_ips->len == 2 && !same_ips)
            add_invalid(errors, "spec.ipFamilyPolicy", shown,
                        "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified");
        if (spec->ip_families->len == 2 && !same_families)
            add_invalid(errors, "spec.ipFamilyPolicy", shown,
                        "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified");
    }
}

/*****************************************************************************/
/* ValidateService. */

/* An int32 field of a Service as Go prints it: the manifest reader keeps a
 * negative value's bits in the guint. */
static char *
int32_text(guint bits)
{
    return g_strdup_printf("%" G_GINT32_FORMAT, (gint32) bits);
}

/* validateServicePort. */
static void
check_port(GPtrArray *errors, const KnServicePort *port, guint i, gboolean require_name,
           GHashTable *names)
{
    g_autofree char *base = g_strdup_printf("spec.ports[%u]", i);
    g_autofree char *name_path = g_strconcat(base, ".name", NULL);
    g_autofree char *port_path = g_strconcat(base, ".port", NULL);
    g_autofree char *protocol_path = g_strconcat(base, ".protocol", NULL);
    g_autofree char *target_path = g_strconcat(base, ".targetPort", NULL);
    const char *protocol = port_protocol(port);
    const KnIntOrString *target = &port->target_port;

    if (require_name && (!port->name || !*port->name)) {
        add_required(errors, name_path, NULL);
    } else if (port->name && *port->name) {
        check_string(errors, name_path, port->name, port->name, is_dns1123_label);
        if (g_hash_table_contains(names, port->name)) {
            g_autofree char *q = kn_go_quote(port->name);
            add_duplicate(errors, name_path, q);
        } else {
            g_hash_table_add(names, port->name);
        }
    }

    if (port->port < 1 || port->port > 65535) {
        g_autofree char *v = int32_text(port->port);
        add_invalid(errors, port_path, v, PORT_RANGE_MSG);
    }

    if (!*protocol) {
        add_required(errors, protocol_path, NULL);
    } else if (port->protocol_raw) {
        g_autofree char *q = kn_go_quote(protocol);
        add_unsupported(errors, protocol_path, q, (const char *const[]) { "SCTP", "TCP", "UDP", NULL });
    }

    /* Defaulting turns an empty or zero targetPort into 'port'. */
    if (target->is_string && target->name && *target->name) {
        check_string(errors, target_path, target->name, target->name, is_valid_port_name);
    } else if (!target->is_string && target->number != 0 && target->number > 65535) {
        g_autofree char *v = int32_text(target->number);
        add_invalid(errors, target_path, v, PORT_RANGE_MSG);
    } else if ((target->is_string || target->number == 0) && (port->port < 1 || port->port > 65535)) {
        g_autofree char *v = int32_text(port->port);
        add_invalid(errors, target_path, v, PORT_RANGE_MSG);
    }

    if (port->app_protocol) {
        g_autofree char *path = g_strconcat(base, ".appProtocol", NULL);
        check_string(errors, path, port->app_protocol, port->app_protocol, is_qualified_name);
    }
}

/* validateLoadBalancerClassField; 'old' is NULL on create. */
static void
check_load_balancer_class(GPtrArray *errors, const View *view, const View *old)
{
    const char *class = view->svc->spec.load_balancer_class;

    if (old && is_type(old, KN_SERVICE_LOAD_BALANCER) && is_type(view, KN_SERVICE_LOAD_BALANCER)) {
        const char *old_class = old->svc->spec.load_balancer_class;

        if (g_strcmp0(old_class, class) != 0) {
            g_autofree char *q = quote_or_null(class);
            add_invalid(errors, "spec.loadBalancerClass", q, "may not change once set");
        }
    }
    if (is_type(view, KN_SERVICE_LOAD_BALANCER)) {
        if (class)
            check_string(errors, "spec.loadBalancerClass", class, class, is_qualified_name);
    } else if (class) {
        add_forbidden(errors, "spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'");
    }
}

/* validateServiceExternalTrafficPolicy. */
static void
check_external_traffic(GPtrArray *errors, const View *view)
{
    const KnServiceSpec *spec = &view->svc->spec;
    const char *etp = external_traffic_policy(spec);

    if (!externally_accessible(view)) {
        if (etp) {
            g_autofree char *q = kn_go_quote(etp);
            add_invalid(errors, "spec.externalTrafficPolicy", q,
                        "may only be set for externally-accessible services");
        }
    } else if (etp && strcmp(etp, "Cluster") != 0 && strcmp(etp, "Local") != 0) {
        g_autofree char *q = kn_go_quote(etp);
        add_unsupported(errors, "spec.externalTrafficPolicy", q,
                        (const char *const[]) { "Cluster", "Local", NULL });
    }

    if (!needs_health_check(view)) {
        if (spec->health_check_node_port != 0) {
            g_autofree char *v = int32_text(spec->health_check_node_port);
            add_invalid(errors, "spec.healthCheckNodePort", v,
                        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
        }
    } else if (spec->health_check_node_port > 65535) {
        g_autofree char *v = int32_text(spec->health_check_node_port);
        add_invalid(errors, "spec.healthCheckNodePort", v, PORT_RANGE_MSG);
    }
}

static void
validate_service(GPtrArray *errors, const View *view)
{
    const KnService *svc = view->svc;
    const KnServiceSpec *spec = &svc->spec;
    const char *hints = kn_labels_get(svc->meta.annotations, "service.kubernetes.io/topology-aware-hints");
    const char *mode = kn_labels_get(svc->meta.annotations, "service.kubernetes.io/topology-mode");
    const char *ranges_annotation =
        kn_labels_get(svc->meta.annotations, "service.beta.kubernetes.io/load-balancer-source-ranges");
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) node_ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *affinity = session_affinity(spec);

    check_object_meta(errors, &svc->meta);

    if (hints && mode && strcmp(hints, mode) != 0) {
        g_autofree char *q = kn_go_quote(mode);
        add_invalid(errors, "metadata.annotations[service.kubernetes.io/topology-mode]", q,
                    "must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified");
    }

    if (spec->ports->len == 0 && !is_headless(view) && !is_type(view, KN_SERVICE_EXTERNAL_NAME))
        add_required(errors, "spec.ports", NULL);

    if ((is_type(view, KN_SERVICE_LOAD_BALANCER) || is_type(view, KN_SERVICE_NODE_PORT))
        && is_headless(view)) {
        g_autofree char *detail = g_strdup_printf("may not be set to 'None' for %s services", view->type);
        add_invalid(errors, "spec.clusterIPs[0]", "\"None\"", detail);
    } else if (is_type(view, KN_SERVICE_EXTERNAL_NAME)) {
        g_autofree char *cname = g_strdup(spec->external_name ? spec->external_name : "");
        gsize len = strlen(cname);

        if (view->cluster_ips->len > 0)
            add_forbidden(errors, "spec.clusterIPs", "may not be set for ExternalName services");
        if (spec->ip_families->len > 0)
            add_forbidden(errors, "spec.ipFamilies", "may not be set for ExternalName services");
        if (view->policy)
            add_forbidden(errors, "spec.ipFamilyPolicy", "may not be set for ExternalName services");
        if (len > 0 && cname[len - 1] == '.')
            cname[len - 1] = '\0';
        if (*cname)
            check_string(errors, "spec.externalName", cname, cname, is_dns1123_subdomain);
        else
            add_required(errors, "spec.externalName", NULL);
    }

    for (guint i = 0; i < spec->ports->len; i++)
        check_port(errors, g_ptr_array_index(spec->ports, i), i, spec->ports->len > 1, names);

    if (spec->selector)
        check_labels(errors, "spec.selector", spec->selector);

    if (!*affinity) {
        add_required(errors, "spec.sessionAffinity", NULL);
    } else if (spec->session_affinity_raw) {
        g_autofree char *q = kn_go_quote(affinity);
        add_unsupported(errors, "spec.sessionAffinity", q, (const char *const[]) { "ClientIP", "None", NULL });
    } else if (spec->session_affinity_client_ip) {
        guint t = spec->session_affinity_timeout_s;

        if (t == 0 || t > 86400) {
            g_autofree char *v = int32_text(t);
            add_invalid(errors, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", v,
                        "must be greater than 0 and less than 86400");
        }
    } else if (spec->has_session_affinity_config) {
        add_forbidden(errors, "spec.sessionAffinityConfig", "must not be set when session affinity is None");
    }

    check_cluster_ips(errors, view);

    for (guint i = 0; i < spec->external_ips->len; i++) {
        const char *ip = g_ptr_array_index(spec->external_ips, i);
        g_autofree char *path = g_strdup_printf("spec.externalIPs[%u]", i);

        if (check_ip(errors, path, ip))
            check_non_special_ip(errors, path, ip);
    }

    if (!*view->type) {
        add_required(errors, "spec.type", NULL);
    } else if (spec->type_raw) {
        g_autofree char *q = kn_go_quote(view->type);
        add_unsupported(errors, "spec.type", q,
                        (const char *const[]) { "ClusterIP", "ExternalName", "LoadBalancer",
                                                "NodePort", NULL });
    }

    if (is_type(view, KN_SERVICE_CLUSTER_IP)) {
        for (guint i = 0; i < spec->ports->len; i++) {
            const KnServicePort *port = g_ptr_array_index(spec->ports, i);

            if (port->node_port != 0) {
                g_autofree char *path = g_strdup_printf("spec.ports[%u].nodePort", i);
                add_forbidden(errors, path, "may not be used when `type` is 'ClusterIP'");
            }
        }
    }

    /* Duplicate node ports, then duplicate ports, each per protocol. */
    for (guint i = 0; i < spec->ports->len; i++) {
        const KnServicePort *port = g_ptr_array_index(spec->ports, i);
        char *key;

        if (port->node_port == 0)
            continue;
        key = g_strdup_printf("%s/%u", port_protocol(port), port->node_port);
        if (g_hash_table_contains(node_ports, key)) {
            g_autofree char *path = g_strdup_printf("spec.ports[%u].nodePort", i);
            g_autofree char *v = int32_text(port->node_port);
            add_duplicate(errors, path, v);
        }
        g_hash_table_add(node_ports, key);
    }
    for (guint i = 0; i < spec->ports->len; i++) {
        const KnServicePort *port = g_ptr_array_index(spec->ports, i);
        char *key = g_strdup_printf("%s/%u", port_protocol(port), port->port);

        if (g_hash_table_contains(ports, key)) {
            g_autofree char *path = g_strdup_printf("spec.ports[%u]", i);
            g_autofree char *protocol = kn_go_quote(port_protocol(port));
            g_autofree char *v = g_strdup_printf(
                "core.ServicePort{Name:\"\", Protocol:%s, AppProtocol:(*string)(nil), Port:%" G_GINT32_FORMAT ", "
                "TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}",
                protocol, (gint32) port->port);
            add_duplicate(errors, path, v);
        }
        g_hash_table_add(ports, key);
    }

    /* The field's path really is spelt with a capital L. */
    if (spec->load_balancer_source_ranges->len > 0) {
        if (!is_type(view, KN_SERVICE_LOAD_BALANCER))
            add_forbidden(errors, "spec.LoadBalancerSourceRanges",
                          "may only be used when `type` is 'LoadBalancer'");
        for (guint i = 0; i < spec->load_balancer_source_ranges->len; i++) {
            g_autofree char *value = g_strdup(g_ptr_array_index(spec->load_balancer_source_ranges, i));
            g_autofree char *path = g_strdup_printf("spec.LoadBalancerSourceRanges[%u]", i);

            check_cidr(errors, path, g_strstrip(value));
        }
    } else if (ranges_annotation) {
        const char *path = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]";
        g_autofree char *value = g_strstrip(g_strdup(ranges_annotation));

        if (!is_type(view, KN_SERVICE_LOAD_BALANCER))
            add_forbidden(errors, path, "may only be used when `type` is 'LoadBalancer'");
        if (*value) {
            g_auto(GStrv) cidrs = g_strsplit(value, ",", -1);

            for (guint i = 0; cidrs[i]; i++)
                check_cidr(errors, path, g_strstrip(cidrs[i]));
        }
    }

    if (spec->has_allocate_load_balancer_node_ports && !is_type(view, KN_SERVICE_LOAD_BALANCER))
        add_forbidden(errors, "spec.allocateLoadBalancerNodePorts",
                      "may only be used when `type` is 'LoadBalancer'");

    check_load_balancer_class(errors, view, NULL);
    check_external_traffic(errors, view);

    if (spec->internal_traffic_policy_raw) {
        g_autofree char *q = kn_go_quote(spec->internal_traffic_policy_raw);
        add_unsupported(errors, "spec.internalTrafficPolicy", q,
                        (const char *const[]) { "Cluster", "Local", NULL });
    }

    /* PreferSameZone and PreferSameNode: feature gate
     * PreferSameTrafficDistribution, on from 1.34 and GA in 1.35. */
    if (spec->traffic_distribution && strcmp(spec->traffic_distribution, "PreferClose") != 0
        && strcmp(spec->traffic_distribution, "PreferSameNode") != 0
        && strcmp(spec->traffic_distribution, "PreferSameZone") != 0) {
        g_autofree char *q = kn_go_quote(spec->traffic_distribution);
        add_unsupported(errors, "spec.trafficDistribution", q,
                        (const char *const[]) { "PreferClose", "PreferSameNode", "PreferSameZone", NULL });
    }
}

/* The allocator's pre-checks, which answer alone when they fail. */
static gboolean
precheck(GPtrArray *errors, const View *view, const View *old)
{
    check_cluster_ips(errors, view);
    if (errors->len == 0)
        check_family_policy(errors, view, old);
    return errors->len == 0;
}

GPtrArray *
kn_svc_validate_create(const KnService *service)
{
    GPtrArray *errors = errors_new();
    View view;

    g_return_val_if_fail(service, errors);
    view_init(&view, service);
    view_set_effective_policy(&view, NULL);
    if (precheck(errors, &view, NULL))
        validate_service(errors, &view);
    view_clear(&view);
    return errors;
}

GPtrArray *
kn_svc_validate_create_precheck(const KnService *service)
{
    GPtrArray *errors = errors_new();
    View view;

    g_return_val_if_fail(service, errors);
    view_init(&view, service);
    view_set_effective_policy(&view, NULL);
    precheck(errors, &view, NULL);
    view_clear(&view);
    return errors;
}

/*****************************************************************************/
/* ValidateServiceUpdate. */

/* validateUpgradeDowngradeClusterIPs. */
static void
check_cluster_ips_update(GPtrArray *errors, const View *view, const View *old)
{
    GPtrArray *now = view->cluster_ips, *was = old->cluster_ips;
    g_autofree char *shown = go_slice("[]string", now);

    if (is_type(view, KN_SERVICE_EXTERNAL_NAME) || is_type(old, KN_SERVICE_EXTERNAL_NAME))
        return;
    if (is_headless(view) && is_headless(old))
        return;
    if (was->len == now->len) {
        for (guint i = 0; i < was->len; i++) {
            if (strcmp(was->pdata[i], now->pdata[i]) != 0) {
                g_autofree char *path = g_strdup_printf("spec.clusterIPs[%u]", i);
                add_invalid(errors, path, shown, "may not change once set");
            }
        }
    } else if (was->len > now->len) {
        if (now->len == 0)
            add_invalid(errors, "spec.clusterIPs[0]", shown, "primary clusterIP can not be unset");
        if (now->len > 0 && strcmp(was->pdata[0], now->pdata[0]) != 0)
            add_invalid(errors, "spec.clusterIPs[0]", shown, "may not change once set");
        if (now->len == 1 && g_strcmp0(view->eff_policy, "SingleStack") != 0) {
            g_autofree char *q = quote_or_null(view->eff_policy);
            add_invalid(errors, "spec.ipFamilyPolicy", q,
                        "must be set to 'SingleStack' when releasing the secondary clusterIP");
        }
    } else if (was->len > 0 && strcmp(was->pdata[0], now->pdata[0]) != 0) {
        add_invalid(errors, "spec.clusterIPs[0]", shown, "may not change once set");
    }
}

/* validateUpgradeDowngradeIPFamilies; the values it prints are the ones
 * the real code passes, clusterIPs included where it passes them. */
static void
check_ip_families_update(GPtrArray *errors, const View *view, const View *old)
{
    const GPtrArray *now = view->svc->spec.ip_families, *was = old->svc->spec.ip_families;
    g_autofree char *families = go_slice("[]core.IPFamily", now);
    g_autofree char *ips = go_slice("[]string", view->cluster_ips);

    if (is_type(view, KN_SERVICE_EXTERNAL_NAME) || is_type(old, KN_SERVICE_EXTERNAL_NAME))
        return;
    if (is_headless(view) != is_headless(old) || is_headless(view))
        return;
    if (was->len == now->len) {
        for (guint i = 0; i < was->len; i++)
            if (strcmp(was->pdata[i], now->pdata[i]) != 0)
                add_invalid(errors, "spec.ipFamilies[0]", families, "may not change once set");
    } else if (was->len > now->len) {
        if (view->cluster_ips->len == 0)
            add_invalid(errors, "spec.ipFamilies[0]", families, "primary ipFamily can not be unset");
        if (now->len > 0 && strcmp(now->pdata[0], was->pdata[0]) != 0)
            add_invalid(errors, "spec.ipFamilies[0]", ips, "may not change once set");
        if (now->len == 1 && g_strcmp0(view->eff_policy, "SingleStack") != 0) {
            g_autofree char *q = quote_or_null(view->eff_policy);
            add_invalid(errors, "spec.ipFamilyPolicy", q,
                        "must be set to 'SingleStack' when releasing the secondary ipFamily");
        }
    } else if (was->len > 0 && now->len > 0 && strcmp(now->pdata[0], was->pdata[0]) != 0) {
        add_invalid(errors, "spec.ipFamilies[0]", ips, "may not change once set");
    }
}

/* ValidateObjectMetaUpdate: what may not change (metadata the simulator
 * keeps); labels and annotations are checked again by ValidateService. */
static void
check_object_meta_update(GPtrArray *errors, const KnObjectMeta *meta, const KnObjectMeta *old)
{
    if (g_strcmp0(meta->name, old->name) != 0) {
        g_autofree char *q = kn_go_quote(meta->name ? meta->name : "");
        add_invalid(errors, "metadata.name", q, "field is immutable");
    }
    if (g_strcmp0(meta->namespace, old->namespace) != 0) {
        g_autofree char *q = kn_go_quote(meta->namespace ? meta->namespace : "");
        add_invalid(errors, "metadata.namespace", q, "field is immutable");
    }
    check_labels(errors, "metadata.labels", meta->labels);
    check_annotations(errors, "metadata.annotations", meta->annotations);
}

/* An update's checks: the prechecks alone, or with 'full' everything. */
static GPtrArray *
validate_update(const KnService *service, const KnService *old, gboolean full)
{
    GPtrArray *errors = errors_new();
    View view, old_view;

    g_return_val_if_fail(service && old, errors);
    view_init(&view, service);
    view_init(&old_view, old);
    view_set_effective_policy(&old_view, NULL);
    view_set_effective_policy(&view, &old_view);
    if (precheck(errors, &view, &old_view) && full) {
        check_object_meta_update(errors, &service->meta, &old->meta);
        check_cluster_ips_update(errors, &view, &old_view);
        check_ip_families_update(errors, &view, &old_view);
        check_load_balancer_class(errors, &view, &old_view);
        if (needs_health_check(&old_view) && needs_health_check(&view)
            && service->spec.health_check_node_port != old->spec.health_check_node_port)
            add_forbidden(errors, "spec.healthCheckNodePort", "field is immutable");
        validate_service(errors, &view);
    }
    view_clear(&view);
    view_clear(&old_view);
    return errors;
}

GPtrArray *
kn_svc_validate_update(const KnService *service, const KnService *old)
{
    return validate_update(service, old, TRUE);
}

GPtrArray *
kn_svc_validate_update_precheck(const KnService *service, const KnService *old)
{
    return validate_update(service, old, FALSE);
}

/*****************************************************************************/
/* kubectl's message. */

char *
kn_svc_validate_format(const char *name, const GPtrArray *errors)
{
    return kn_svc_validate_format_kind("Service", name, errors);
}

char *
kn_svc_validate_format_kind(const char *kind, const char *name, const GPtrArray *errors)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autofree char *q = NULL;
    GString *out;

    g_return_val_if_fail(errors, NULL);
    /* statusCausesToAggrError: "field: message", repeats dropped. */
    for (guint i = 0; i < errors->len; i++) {
        const KnFieldError *error = g_ptr_array_index(errors, i);
        char *line = g_strdup_printf("%s: %s", error->field, error->message);

        if (g_hash_table_contains(seen, line)) {
            g_free(line);
            continue;
        }
        g_hash_table_add(seen, line);
        g_ptr_array_add(lines, line);
    }
    if (lines->len == 0)
        return NULL;

    /* checkErr and MultilineError. */
    q = kn_go_quote(name ? name : "");
    out = g_string_new(NULL);
    g_string_append_printf(out, "The %s %s is invalid: ", kind, q);
    if (lines->len == 1) {
        g_string_append_printf(out, "%s\n", (char *) g_ptr_array_index(lines, 0));
    } else {
        g_string_append_c(out, '\n');
        for (guint i = 0; i < lines->len; i++)
            g_string_append_printf(out, "* %s\n", (char *) g_ptr_array_index(lines, i));
    }
    return g_string_free(out, FALSE);
}

/* A DNS-1123 subdomain prefix for generateName: the name with a letter in
 * place of a trailing dash must be valid (ValidateObjectMeta with a
 * NameIsDNSSubdomain prefix). */
static void
is_dns1123_subdomain_prefix(const char *value, GPtrArray *msgs)
{
    g_autofree char *masked = g_strdup(value);
    gsize len = strlen(value);

    if (len > 1 && value[len - 1] == '-')
        masked[len - 1] = 'a';
    is_dns1123_subdomain(masked, msgs);
}

GPtrArray *
kn_svc_validate_meta(const KnObjectMeta *meta, gboolean namespaced, gboolean dns_label)
{
    g_return_val_if_fail(meta != NULL, NULL);

    GPtrArray *errors = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);

    if (meta->generate_name && *meta->generate_name)
        check_string(errors, "metadata.generateName", meta->generate_name, meta->generate_name,
                     is_dns1123_subdomain_prefix);
    if (meta->name && *meta->name)
        check_string(errors, "metadata.name", meta->name, meta->name,
                     dns_label ? is_dns1123_label : is_dns1123_subdomain);
    else if (!meta->generate_name || !*meta->generate_name)
        add_required(errors, "metadata.name", "name or generateName is required");
    if (namespaced) {
        if (!meta->namespace || !*meta->namespace)
            add_required(errors, "metadata.namespace", NULL);
        else
            check_string(errors, "metadata.namespace", meta->namespace, meta->namespace, is_dns1123_label);
    }
    check_labels(errors, "metadata.labels", meta->labels);
    check_annotations(errors, "metadata.annotations", meta->annotations);
    return errors;
}

/*****************************************************************************/
/* EndpointSlices (ValidateEndpointSlice in pkg/apis/discovery/validation). */

#define MAX_SLICE_ENDPOINTS 1000
#define MAX_SLICE_ADDRESSES 100
#define MAX_SLICE_PORTS 100

/* field.TooMany(): the count plain, then the limit. */
static void
add_too_many(GPtrArray *errors, const char *path, guint count, guint max)
{
    add_error(errors, path, "Too many: %u: must have at most %u items", count, max);
}

/* Runs 'check' on 'value' and, if it complains, adds one Invalid error at
 * 'path' with its messages joined by ',' (as IsFullyQualifiedDomainName
 * reports them).  TRUE if it did not complain. */
static gboolean
check_string_joined(GPtrArray *errors, const char *path, const char *value, StringCheck check)
{
    g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func(g_free);

    check(value, msgs);
    if (msgs->len == 0)
        return TRUE;

    g_autofree char *q = kn_go_quote(value);

    g_ptr_array_add(msgs, NULL);
    g_autofree char *joined = g_strjoinv(",", (char **) msgs->pdata);

    add_invalid(errors, path, q, joined);
    return FALSE;
}

/* IsFullyQualifiedDomainName: one final dot allowed, then a DNS-1123
 * subdomain of two labels or more, each a DNS-1123 label; it answers with
 * its first complaint alone, showing the value it looked at. */
static void
check_fqdn(GPtrArray *errors, const char *path, const char *value)
{
    gsize len = strlen(value);
    g_autofree char *name = g_strndup(value, len > 0 && value[len - 1] == '.' ? len - 1 : len);

    if (len == 0) {
        add_required(errors, path, NULL);
        return;
    }
    if (!check_string_joined(errors, path, name, is_dns1123_subdomain))
        return;
    if (!strchr(name, '.')) {
        g_autofree char *q = kn_go_quote(name);

        add_invalid(errors, path, q, "should be a domain with at least two segments separated by dots");
        return;
    }

    g_auto(GStrv) labels = g_strsplit(name, ".", -1);

    for (guint i = 0; labels[i]; i++)
        if (!check_string_joined(errors, path, labels[i], is_dns1123_label))
            return;
}

/* One address of an IPv4 or IPv6 slice: IsValidIPv4Address or
 * IsValidIPv6Address (an IPv4-mapped IPv6 address is IPv4 to Go), then
 * ValidateNonSpecialIP, whose "must be a valid IP address" has no example. */
static void
check_slice_ip(GPtrArray *errors, const char *path, const char *address, int family)
{
    int found = ip_family(address, NULL, NULL);
    g_autofree char *q = kn_go_quote(address);

    if (found != family)
        add_invalid(errors, path, q, family == 4 ? "must be a valid IPv4 address" : "must be a valid IPv6 address");
    if (found == 0)
        add_invalid(errors, path, q, "must be a valid IP address");
    else
        check_non_special_ip(errors, path, address);
}

void
kn_svc_validate_endpoint_slice(const KnEndpointSlice *slice, GPtrArray *errors)
{
    g_return_if_fail(slice != NULL && errors != NULL);

    if (slice->address_type_missing)
        add_required(errors, "addressType", NULL);
    if (slice->endpoints->len > MAX_SLICE_ENDPOINTS) {
        add_too_many(errors, "endpoints", slice->endpoints->len, MAX_SLICE_ENDPOINTS);
    } else {
        for (guint i = 0; i < slice->endpoints->len; i++) {
            const KnEndpoint *endpoint = slice->endpoints->pdata[i];
            g_autofree char *addresses = g_strdup_printf("endpoints[%u].addresses", i);

            if (endpoint->addresses->len == 0)
                add_required(errors, addresses, "must contain at least 1 address");
            else if (endpoint->addresses->len > MAX_SLICE_ADDRESSES)
                add_too_many(errors, addresses, endpoint->addresses->len, MAX_SLICE_ADDRESSES);
            for (guint j = 0; j < endpoint->addresses->len; j++) {
                const char *address = endpoint->addresses->pdata[j];
                g_autofree char *path = g_strdup_printf("%s[%u]", addresses, j);

                /* Addresses of no known type go unchecked. */
                if (slice->address_type_missing)
                    continue;
                switch (slice->address_type) {
                case KN_ADDRESS_IPV4:
                    check_slice_ip(errors, path, address, 4);
                    break;
                case KN_ADDRESS_IPV6:
                    check_slice_ip(errors, path, address, 6);
                    break;
                case KN_ADDRESS_FQDN:
                    check_fqdn(errors, path, address);
                    break;
                }
            }
            if (endpoint->hostname) {
                g_autofree char *path = g_strdup_printf("endpoints[%u].hostname", i);

                check_string(errors, path, endpoint->hostname, endpoint->hostname, is_dns1123_label);
            }
        }
    }

    if (slice->ports->len > MAX_SLICE_PORTS) {
        add_too_many(errors, "ports", slice->ports->len, MAX_SLICE_PORTS);
        return;
    }
    /* Defaulting makes an unnamed port's name "", a name like any other. */
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < slice->ports->len; i++) {
        const KnEndpointPort *port = slice->ports->pdata[i];
        const char *name = port->name ? port->name : "";
        g_autofree char *path = g_strdup_printf("ports[%u].name", i);

        if (*name)
            check_string(errors, path, name, name, is_dns1123_label);
        if (g_hash_table_contains(names, name)) {
            g_autofree char *q = kn_go_quote(name);

            add_duplicate(errors, path, q);
        } else {
            g_hash_table_add(names, (gpointer) name);
        }
        if (port->app_protocol) {
            g_autofree char *app_path = g_strdup_printf("ports[%u].appProtocol", i);

            check_string(errors, app_path, port->app_protocol, port->app_protocol, is_qualified_name);
        }
    }
}

/*****************************************************************************/
/* Endpoints (ValidateEndpoints: validateEndpointSubsets). */

/* validateEndpointAddress at 'path': IsValidIP, the hostname a DNS-1123
 * label, the nodeName a DNS-1123 subdomain, then ValidateNonSpecialIP (so
 * a bad address is told twice, the second time without an example). */
static void
check_endpoint_address(GPtrArray *errors, const char *path, const KnEndpointAddress *address)
{
    const char *ip = address->ip ? address->ip : "";
    g_autofree char *ip_path = g_strdup_printf("%s.ip", path);

    check_ip(errors, ip_path, ip);
    if (address->hostname && *address->hostname) {
        g_autofree char *hostname_path = g_strdup_printf("%s.hostname", path);

        check_string(errors, hostname_path, address->hostname, address->hostname, is_dns1123_label);
    }
    if (address->node_name) {
        g_autofree char *node_path = g_strdup_printf("%s.nodeName", path);

        check_string(errors, node_path, address->node_name, address->node_name, is_dns1123_subdomain);
    }
    if (ip_family(ip, NULL, NULL)) {
        check_non_special_ip(errors, ip_path, ip);
    } else {
        g_autofree char *q = kn_go_quote(ip);

        add_invalid(errors, ip_path, q, "must be a valid IP address");
    }
}

void
kn_svc_validate_endpoints(const KnEndpoints *endpoints, GPtrArray *errors)
{
    g_return_if_fail(endpoints != NULL && errors != NULL);

    for (guint i = 0; i < endpoints->subsets->len; i++) {
        const KnEndpointSubset *subset = endpoints->subsets->pdata[i];
        g_autofree char *path = g_strdup_printf("subsets[%u]", i);

        if (subset->addresses->len == 0 && subset->not_ready_addresses->len == 0)
            add_required(errors, path, "must specify `addresses` or `notReadyAddresses`");
        for (guint j = 0; j < subset->addresses->len; j++) {
            g_autofree char *item = g_strdup_printf("%s.addresses[%u]", path, j);

            check_endpoint_address(errors, item, subset->addresses->pdata[j]);
        }
        for (guint j = 0; j < subset->not_ready_addresses->len; j++) {
            g_autofree char *item = g_strdup_printf("%s.notReadyAddresses[%u]", path, j);

            check_endpoint_address(errors, item, subset->not_ready_addresses->pdata[j]);
        }
        /* validateEndpointPort: a name is required once there are two. */
        for (guint j = 0; j < subset->ports->len; j++) {
            const KnEndpointPort *port = subset->ports->pdata[j];
            g_autofree char *item = g_strdup_printf("%s.ports[%u]", path, j);
            g_autofree char *name_path = g_strconcat(item, ".name", NULL);

            if (subset->ports->len > 1 && (!port->name || !*port->name))
                add_required(errors, name_path, NULL);
            else if (port->name && *port->name)
                check_string(errors, name_path, port->name, port->name, is_dns1123_label);
            if (port->port < 1 || port->port > 65535) {
                g_autofree char *port_path = g_strconcat(item, ".port", NULL);
                g_autofree char *v = g_strdup_printf("%u", port->port);

                add_invalid(errors, port_path, v, PORT_RANGE_MSG);
            }
            if (port->app_protocol) {
                g_autofree char *app_path = g_strconcat(item, ".appProtocol", NULL);

                check_string(errors, app_path, port->app_protocol, port->app_protocol, is_qualified_name);
            }
        }
    }
}

/*****************************************************************************/
/* A pod spec's DNS fields (ValidatePodSpec: validateDNSPolicy, then
 * validatePodDNSConfig, with the ExpandedDNSConfig limits that are the
 * only ones since v1.28 and the strict search validation of v1.31, before
 * RelaxedDNSSearchValidation let "." and '_' through). */

#define MAX_DNS_NAMESERVERS 3
#define MAX_DNS_SEARCH_PATHS 32
#define MAX_DNS_SEARCH_LIST_CHARS 2048

/* ValidateResourceRequirements of container 'at' ("spec.containers[0]"):
 * each limit, then each request, not negative (ValidateNonnegativeQuantity,
 * at the key), and a request no more than its limit (at the requests).
 * Values as Quantity.String() prints them; Go's maps in key order. */
static void
check_resources(GPtrArray *errors, const char *at, const KnContainer *c)
{
    for (guint k = 0; k < 2; k++) {
        const KnLabels *list = k == 0 ? c->limits : c->requests;

        for (guint i = 0; i < kn_labels_size(list); i++) {
            const char *name = kn_labels_key(list, i);
            const char *limit = k == 1 ? kn_labels_get(c->limits, name) : NULL;
            g_autofree char *canonical = kn_quantity_string(kn_labels_value(list, i));
            g_autofree char *shown = kn_go_quote(canonical);
            double value, most;

            if (!kn_quantity_value(kn_labels_value(list, i), &value))
                continue;                /* the reader refused it */
            if (value < 0) {
                g_autofree char *key_at = g_strdup_printf("%s.resources.%s[%s]", at, k == 0 ? "limits" : "requests",
                                                          name);

                add_invalid(errors, key_at, shown, "must be greater than or equal to 0");
            } else if (limit != NULL && kn_quantity_value(limit, &most) && value > most) {
                g_autofree char *req_at = g_strdup_printf("%s.resources.requests", at);
                g_autofree char *most_shown = kn_quantity_string(limit);
                g_autofree char *detail = g_strdup_printf("must be less than or equal to %s limit of %s", name,
                                                          most_shown);

                add_invalid(errors, req_at, shown, detail);
            }
        }
    }
}

void
kn_svc_validate_pod_containers(const KnPodSpec *spec, const char *path, GPtrArray *errors)
{
    g_return_if_fail(spec != NULL && path != NULL && errors != NULL);

    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

    if (spec->containers->len == 0) {
        g_autofree char *at = g_strdup_printf("%s.containers", path);

        add_required(errors, at, NULL);
        return;
    }
    /* validateContainers: each container's name (required, unique), its
     * image (required), its ports' numbers, then its resources. */
    for (guint i = 0; i < spec->containers->len; i++) {
        const KnContainer *c = spec->containers->pdata[i];
        g_autofree char *name_at = g_strdup_printf("%s.containers[%u].name", path, i);
        g_autofree char *image_at = g_strdup_printf("%s.containers[%u].image", path, i);

        if (c->name == NULL || c->name[0] == '\0') {
            add_required(errors, name_at, NULL);
        } else if (!g_hash_table_add(names, c->name)) {
            g_autofree char *q = kn_go_quote(c->name);

            add_duplicate(errors, name_at, q);
        }
        if (c->image == NULL || c->image[0] == '\0')
            add_required(errors, image_at, NULL);
        for (guint j = 0; j < c->ports->len; j++) {
            const KnContainerPort *p = c->ports->pdata[j];
            g_autofree char *port_at = g_strdup_printf("%s.containers[%u].ports[%u].containerPort", path, i, j);
            g_autofree char *value = g_strdup_printf("%u", p->container_port);

            if (p->container_port == 0)
                add_required(errors, port_at, NULL);
            else if (p->container_port > 65535)
                add_invalid(errors, port_at, value, "must be between 1 and 65535, inclusive");
        }

        g_autofree char *at = g_strdup_printf("%s.containers[%u]", path, i);

        check_resources(errors, at, c);
    }
}

void
kn_svc_validate_pod_dns(const KnPodSpec *spec, const char *path, GPtrArray *errors)
{
    /* validateDNSPolicy's list, in its order (not sorted). */
    static const char *const policies[] = { "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None", NULL };
    const char *policy = spec->dns_policy != NULL ? spec->dns_policy : "";
    const KnPodDnsConfig *config = spec->dns_config;
    g_autofree char *policy_path = g_strdup_printf("%s.dnsPolicy", path);
    g_autofree char *config_path = g_strdup_printf("%s.dnsConfig", path);
    g_autofree char *servers_path = g_strdup_printf("%s.nameservers", config_path);
    g_autofree char *searches_path = g_strdup_printf("%s.searches", config_path);

    g_return_if_fail(spec != NULL && path != NULL && errors != NULL);
    /* SetDefaults_PodSpec makes "" ClusterFirst before validation runs,
     * so validateDNSPolicy's Required is never seen from a client. */
    if (*policy == '\0')
        policy = "ClusterFirst";
    if (!g_strv_contains(policies, policy)) {
        g_autofree char *q = kn_go_quote(policy);

        add_unsupported(errors, policy_path, q, policies);
    }

    /* dnsPolicy None takes everything from dnsConfig. */
    if (strcmp(policy, "None") == 0) {
        if (config == NULL) {
            add_required(errors, config_path, "must provide `dnsConfig` when `dnsPolicy` is None");
            return;
        }
        if (config->nameservers->len == 0) {
            add_required(errors, servers_path,
                         "must provide at least one DNS nameserver when `dnsPolicy` is None");
            return;
        }
    }
    if (config == NULL)
        return;
    if (config->nameservers->len > MAX_DNS_NAMESERVERS) {
        g_autofree char *shown = go_slice("[]string", config->nameservers);
        g_autofree char *detail = g_strdup_printf("must not have more than %d nameservers", MAX_DNS_NAMESERVERS);

        add_invalid(errors, servers_path, shown, detail);
    }
    for (guint i = 0; i < config->nameservers->len; i++) {
        g_autofree char *item = g_strdup_printf("%s[%u]", servers_path, i);

        check_ip(errors, item, config->nameservers->pdata[i]);
    }
    if (config->searches->len > MAX_DNS_SEARCH_PATHS) {
        g_autofree char *shown = go_slice("[]string", config->searches);
        g_autofree char *detail = g_strdup_printf("must not have more than %d search paths", MAX_DNS_SEARCH_PATHS);

        add_invalid(errors, searches_path, shown, detail);
    }
    gsize chars = 0;

    for (guint i = 0; i < config->searches->len; i++)
        chars += strlen(config->searches->pdata[i]) + (i > 0);
    if (chars > MAX_DNS_SEARCH_LIST_CHARS) {
        g_autofree char *shown = go_slice("[]string", config->searches);
        g_autofree char *detail = g_strdup_printf("must not have more than %d characters (including spaces) "
                                                  "in the search list", MAX_DNS_SEARCH_LIST_CHARS);

        add_invalid(errors, searches_path, shown, detail);
    }
    for (guint i = 0; i < config->searches->len; i++) {
        const char *search = config->searches->pdata[i];
        gsize len = strlen(search);
        /* strings.TrimSuffix(search, "."): one final dot. */
        g_autofree char *trimmed = g_strndup(search, len > 0 && search[len - 1] == '.' ? len - 1 : len);
        g_autofree char *item = g_strdup_printf("%s[%u]", searches_path, i);

        check_string(errors, item, trimmed, trimmed, is_dns1123_subdomain);
    }
    for (guint i = 0; i < config->options->len; i++) {
        const KnPodDnsConfigOption *option = config->options->pdata[i];

        if (option->name == NULL || option->name[0] == '\0') {
            g_autofree char *item = g_strdup_printf("%s.options[%u]", config_path, i);

            add_required(errors, item, "must not be empty");
        }
    }
}

/*****************************************************************************/
/* Workloads (ValidateDeploymentSpec, ValidateReplicaSetSpec,
 * ValidateStatefulSetSpec, ValidateDaemonSetSpec and their helpers in
 * pkg/apis/apps/validation/validation.go). */

/* A workload's int32 field, kept as its bits (api.h). */
static gint64
int32_value(guint bits)
{
    return (gint32) bits;
}

/* ValidateNonnegativeField: "Invalid value: -1: must be greater than or
 * equal to 0" (IsNegativeErrorMsg). */
static void
check_nonnegative(GPtrArray *errors, const char *path, gint64 value)
{
    if (value < 0) {
        g_autofree char *shown = g_strdup_printf("%" G_GINT64_FORMAT, value);

        add_invalid(errors, path, shown, "must be greater than or equal to 0");
    }
}

/* Go's %#v of a map[string]string, keys sorted; an unset map is nil. */
static char *
go_string_map(const KnLabels *labels, gboolean given)
{
    GString *out = g_string_new("map[string]string");

    if (!given) {
        g_string_append(out, "(nil)");
        return g_string_free(out, FALSE);
    }
    g_string_append_c(out, '{');
    for (guint i = 0; i < kn_labels_size(labels); i++) {
        g_autofree char *key = kn_go_quote(kn_labels_key(labels, i));
        g_autofree char *value = kn_go_quote(kn_labels_value(labels, i));

        g_string_append_printf(out, "%s%s:%s", i > 0 ? ", " : "", key, value);
    }
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

/* Go's %#v of an intstr.IntOrString, which ErrorBody falls back to (its
 * String() has a pointer receiver): Type 0 is Int, 1 is String. */
static char *
go_int_or_string(const KnIntOrString *value)
{
    g_autofree char *name = kn_go_quote(value->is_string && value->name != NULL ? value->name : "");

    return g_strdup_printf("intstr.IntOrString{Type:%d, IntVal:%d, StrVal:%s}", value->is_string ? 1 : 0,
                           value->is_string ? 0 : (gint32) value->number, name);
}

/* IsValidPercent: [0-9]+% and nothing else. */
static gboolean
is_percent(const char *value)
{
    gsize digits = strspn(value, "0123456789");

    return digits > 0 && value[digits] == '%' && value[digits + 1] == '\0';
}

/* getIntOrPercentValue: a percent's number, else IntValue() (a string's
 * strconv.Atoi, 0 when it is not a number).  'percent' says which. */
static gint64
int_or_percent_value(const KnIntOrString *value, gboolean *percent)
{
    *percent = FALSE;
    if (!value->is_string)
        return (gint32) value->number;
    if (is_percent(value->name)) {
        *percent = TRUE;
        return g_ascii_strtoll(value->name, NULL, 10);
    }

    gint64 number;

    if (!g_ascii_string_to_signed(value->name, 10, G_MININT32, G_MAXINT32, &number, NULL))
        return 0;
    return number;
}

/* ValidatePositiveIntOrPercent. */
static void
check_int_or_percent(GPtrArray *errors, const char *path, const KnIntOrString *value)
{
    g_autofree char *shown = go_int_or_string(value);

    if (!value->is_string)
        check_nonnegative(errors, path, (gint32) value->number);
    else if (!is_percent(value->name))
        add_invalid(errors, path, shown,
                    "a valid percent string must be a numeric string followed by an ending '%' "
                    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
}

/* IsNotMoreThan100Percent. */
static void
check_not_more_than_100_percent(GPtrArray *errors, const char *path, const KnIntOrString *value)
{
    gboolean percent;
    gint64 number = int_or_percent_value(value, &percent);

    if (percent && number > 100) {
        g_autofree char *shown = go_int_or_string(value);

        add_invalid(errors, path, shown, "must not be greater than 100%");
    }
}

/* ValidateDeploymentStrategy: Recreate forbids a rollingUpdate; with
 * RollingUpdate, ValidateRollingUpdateDeployment. */
static void
check_rolling_update(GPtrArray *errors, const KnDeployment *d)
{
    static const char surge_path[] = "spec.strategy.rollingUpdate.maxSurge";
    static const char unavailable_path[] = "spec.strategy.rollingUpdate.maxUnavailable";
    gboolean percent;

    if (d->strategy_raw != NULL) {
        g_autofree char *q = kn_go_quote(d->strategy_raw);

        add_unsupported(errors, "spec.strategy.type", q, (const char *const[]) { "Recreate", "RollingUpdate", NULL });
        return;
    }
    if (d->recreate) {
        if (d->rolling_update_given)
            add_forbidden(errors, "spec.strategy.rollingUpdate",
                          "may not be specified when strategy `type` is 'Recreate'");
        return;
    }

    check_int_or_percent(errors, unavailable_path, &d->max_unavailable);
    check_int_or_percent(errors, surge_path, &d->max_surge);
    if (int_or_percent_value(&d->max_unavailable, &percent) == 0
        && int_or_percent_value(&d->max_surge, &percent) == 0) {
        g_autofree char *shown = go_int_or_string(&d->max_unavailable);

        add_invalid(errors, unavailable_path, shown, "may not be 0 when `maxSurge` is 0");
    }
    check_not_more_than_100_percent(errors, unavailable_path, &d->max_unavailable);
}

/* Go's %#v of the metav1.LabelSelector of 'match_labels' and 'rest'. */
static char *
go_label_selector(const KnLabels *match_labels, const KnSelectorRest *rest)
{
    g_autofree char *labels = go_string_map(match_labels, rest->match_labels_given);
    g_autoptr(GString) expressions = g_string_new("[]v1.LabelSelectorRequirement");

    if (rest->expressions == NULL) {
        g_string_append(expressions, "(nil)");
    } else {
        g_string_append_c(expressions, '{');
        for (guint i = 0; i < rest->expressions->len; i++) {
            const KnSelectorRequirement *requirement = rest->expressions->pdata[i];
            g_autofree char *key = kn_go_quote(requirement->key);
            g_autofree char *operator = kn_go_quote(requirement->operator);
            g_autofree char *values = requirement->values_given && requirement->values->len == 0
                                      ? g_strdup("[]string{}") : go_slice("[]string", requirement->values);

            g_string_append_printf(expressions, "%sv1.LabelSelectorRequirement{Key:%s, Operator:%s, Values:%s}",
                                   i > 0 ? ", " : "", key, operator, values);
        }
        g_string_append_c(expressions, '}');
    }
    return g_strdup_printf("v1.LabelSelector{MatchLabels:%s, MatchExpressions:%s}", labels, expressions->str);
}

/* ValidateLabelSelector (apimachinery pkg/apis/meta/v1/validation) at
 * "spec.selector", values checked strictly.  TRUE if it found nothing,
 * which is also when LabelSelectorAsSelector can turn it into a selector
 * (NewRequirement checks the same keys, values and operators). */
static gboolean
check_label_selector(GPtrArray *errors, const KnLabels *match_labels, const KnSelectorRest *rest)
{
    guint before = errors->len;

    check_labels(errors, "spec.selector.matchLabels", match_labels);
    for (guint i = 0; rest->expressions != NULL && i < rest->expressions->len; i++) {
        const KnSelectorRequirement *requirement = rest->expressions->pdata[i];
        const char *op = requirement->operator;
        g_autofree char *at = g_strdup_printf("spec.selector.matchExpressions[%u]", i);
        g_autofree char *values_at = g_strdup_printf("%s.values", at);
        g_autofree char *operator_at = g_strdup_printf("%s.operator", at);
        g_autofree char *key_at = g_strdup_printf("%s.key", at);

        if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
            if (requirement->values->len == 0)
                add_required(errors, values_at, "must be specified when `operator` is 'In' or 'NotIn'");
        } else if (strcmp(op, "Exists") == 0 || strcmp(op, "DoesNotExist") == 0) {
            if (requirement->values->len > 0)
                add_forbidden(errors, values_at, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        } else {
            g_autofree char *q = kn_go_quote(op);

            add_invalid(errors, operator_at, q, "not a valid selector operator");
        }
        check_string(errors, key_at, requirement->key, requirement->key, is_qualified_name);
        for (guint j = 0; j < requirement->values->len; j++) {
            g_autofree char *value_at = g_strdup_printf("%s[%u]", values_at, j);
            const char *value = requirement->values->pdata[j];

            check_string(errors, value_at, value, value, is_label_value);
        }
    }
    return errors->len == before;
}

/* The selector of a Deployment, ReplicaSet or StatefulSet: required, valid,
 * not empty ("empty selector is invalid for 'kind'").  TRUE if
 * LabelSelectorAsSelector takes it (a missing one too: it selects
 * nothing). */
static gboolean
check_required_selector(GPtrArray *errors, const KnLabels *match_labels, const KnSelectorRest *rest,
                        const char *kind)
{
    if (!rest->given) {
        add_required(errors, "spec.selector", NULL);
        return TRUE;
    }

    gboolean ok = check_label_selector(errors, match_labels, rest);

    if (kn_labels_size(match_labels) == 0 && (rest->expressions == NULL || rest->expressions->len == 0)) {
        g_autofree char *shown = go_label_selector(match_labels, rest);
        g_autofree char *detail = g_strdup_printf("empty selector is invalid for %s", kind);

        add_invalid(errors, "spec.selector", shown, detail);
    }
    return ok;
}

/* The selector must select the template's labels: a missing selector
 * (labels.Nothing()) selects none, an empty one (labels.Everything()) is
 * not checked. */
static void
check_selects_template(GPtrArray *errors, const KnLabels *match_labels, const KnSelectorRest *rest,
                       const KnPodTemplate *template)
{
    gboolean empty = kn_labels_size(match_labels) == 0 && (rest->expressions == NULL || rest->expressions->len == 0);

    if (rest->given && (empty || kn_selector_matches(template->labels, match_labels, rest)))
        return;

    g_autofree char *shown = go_string_map(template->labels, TRUE);

    add_invalid(errors, "spec.template.metadata.labels", shown, "`selector` does not match template `labels`");
}

/* ValidatePodTemplateSpec: the labels and annotations (at
 * "spec.template.labels", not ".metadata.labels"), then the pod spec; and
 * what every workload adds, a restartPolicy of Always. */
static void
check_pod_template(GPtrArray *errors, const KnPodTemplate *template)
{
    static const char *const always[] = { "Always", NULL };
    const char *policy = template->spec.restart_policy;

    check_labels(errors, "spec.template.labels", template->labels);
    check_annotations(errors, "spec.template.annotations", template->annotations);
    kn_svc_validate_pod_spec(&template->spec, "spec.template.spec", errors);
    if (policy != NULL && *policy != '\0' && strcmp(policy, "Always") != 0) {
        g_autofree char *q = kn_go_quote(policy);

        add_unsupported(errors, "spec.template.spec.restartPolicy", q, always);
    }
}

/* ValidateDeploymentSpec's and ValidateReplicaSetSpec's selector and
 * template (ValidatePodTemplateSpecForReplicaSet); both say "for
 * deployment". */
static void
check_replica_set_template(GPtrArray *errors, const KnLabels *match_labels, const KnSelectorRest *rest,
                           const KnPodTemplate *template)
{
    if (!check_required_selector(errors, match_labels, rest, "deployment")) {
        g_autofree char *shown = go_label_selector(match_labels, rest);

        add_invalid(errors, "spec.selector", shown, "invalid label selector");
        return;
    }
    check_selects_template(errors, match_labels, rest, template);
    check_pod_template(errors, template);
}

void
kn_svc_validate_deployment(const KnDeployment *d, GPtrArray *errors)
{
    g_return_if_fail(d != NULL && errors != NULL);

    gint64 min_ready = int32_value(d->min_ready_s), deadline = int32_value(d->progress_deadline_s);

    check_nonnegative(errors, "spec.replicas", int32_value(d->replicas));
    check_replica_set_template(errors, d->selector, &d->selector_rest, &d->template);
    check_rolling_update(errors, d);
    check_nonnegative(errors, "spec.minReadySeconds", min_ready);
    check_nonnegative(errors, "spec.revisionHistoryLimit", int32_value(d->revision_history_limit));
    check_nonnegative(errors, "spec.progressDeadlineSeconds", deadline);
    if (deadline <= min_ready) {
        g_autofree char *shown = g_strdup_printf("%" G_GINT64_FORMAT, deadline);

        add_invalid(errors, "spec.progressDeadlineSeconds", shown, "must be greater than minReadySeconds");
    }
}

void
kn_svc_validate_replica_set(const KnReplicaSet *r, GPtrArray *errors)
{
    g_return_if_fail(r != NULL && errors != NULL);
    check_nonnegative(errors, "spec.replicas", int32_value(r->replicas));
    check_nonnegative(errors, "spec.minReadySeconds", int32_value(r->min_ready_s));
    check_replica_set_template(errors, r->selector, &r->selector_rest, &r->template);
}

void
kn_svc_validate_stateful_set(const KnStatefulSet *s, GPtrArray *errors)
{
    g_return_if_fail(s != NULL && errors != NULL);
    check_nonnegative(errors, "spec.replicas", int32_value(s->replicas));
    check_nonnegative(errors, "spec.minReadySeconds", int32_value(s->min_ready_s));
    if (!check_required_selector(errors, s->selector, &s->selector_rest, "statefulset")) {
        g_autofree char *shown = go_label_selector(s->selector, &s->selector_rest);

        /* field.Invalid with no detail. */
        add_error(errors, "spec.selector", "Invalid value: %s", shown);
        return;
    }
    check_selects_template(errors, s->selector, &s->selector_rest, &s->template);
    check_pod_template(errors, &s->template);
}

void
kn_svc_validate_daemon_set(const KnDaemonSet *d, GPtrArray *errors)
{
    g_return_if_fail(d != NULL && errors != NULL);

    const KnSelectorRest *rest = &d->selector_rest;
    /* A missing selector is no error of ValidateLabelSelector's, but it
     * selects nothing. */
    gboolean ok = !rest->given || check_label_selector(errors, d->selector, rest);

    if (ok)
        check_selects_template(errors, d->selector, rest, &d->template);
    if (rest->given && kn_labels_size(d->selector) == 0
        && (rest->expressions == NULL || rest->expressions->len == 0)) {
        g_autofree char *shown = go_label_selector(d->selector, rest);

        add_invalid(errors, "spec.selector", shown, "empty selector is invalid for daemonset");
    }
    check_pod_template(errors, &d->template);
    check_nonnegative(errors, "spec.minReadySeconds", int32_value(d->min_ready_s));
    check_nonnegative(errors, "spec.revisionHistoryLimit", int32_value(d->revision_history_limit));
}

void
kn_svc_validate_pod_spec(const KnPodSpec *spec, const char *path, GPtrArray *errors)
{
    /* validateRestartPolicy's list, in its order. */
    static const char *const policies[] = { "Always", "OnFailure", "Never", NULL };

    g_return_if_fail(spec != NULL && path != NULL && errors != NULL);
    kn_svc_validate_pod_containers(spec, path, errors);
    /* SetDefaults_PodSpec makes "" Always. */
    if (spec->restart_policy != NULL && *spec->restart_policy != '\0'
        && !g_strv_contains(policies, spec->restart_policy)) {
        g_autofree char *at = g_strdup_printf("%s.restartPolicy", path);
        g_autofree char *q = kn_go_quote(spec->restart_policy);

        add_unsupported(errors, at, q, policies);
    }
    kn_svc_validate_pod_dns(spec, path, errors);
    if (spec->hostname != NULL && *spec->hostname != '\0') {
        g_autofree char *at = g_strdup_printf("%s.hostname", path);

        check_string(errors, at, spec->hostname, spec->hostname, is_dns1123_label);
    }
    if (spec->subdomain != NULL && *spec->subdomain != '\0') {
        g_autofree char *at = g_strdup_printf("%s.subdomain", path);

        check_string(errors, at, spec->subdomain, spec->subdomain, is_dns1123_label);
    }
}
