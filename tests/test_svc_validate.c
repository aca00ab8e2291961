/* test_svc_validate.c -- Service validation: each rule's exact path and
 * message, valid Services of every type, and kubectl's printing. */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>

#include "models/scenario-manifest.h"
#include "models/svc-validate.h"

static void
service_free(KnService *service)
{
    kn_object_free(KN_KIND_SERVICE, service);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnService, service_free)

static KnServicePort *
add_port(KnService *svc, const char *name, guint port, guint target)
{
    KnServicePort *p = kn_service_port_new();

    p->name = g_strdup(name);
    p->port = port;
    if (target)
        kn_int_or_string_set_number(&p->target_port, target);
    g_ptr_array_add(svc->spec.ports, p);
    return p;
}

static KnServicePort *
port_at(KnService *svc, guint i)
{
    return g_ptr_array_index(svc->spec.ports, i);
}

static void
set_cluster_ip(KnService *svc, const char *ip)
{
    g_free(svc->spec.cluster_ip);
    svc->spec.cluster_ip = g_strdup(ip);
    g_ptr_array_set_size(svc->spec.cluster_ips, 0);
    if (ip)
        g_ptr_array_add(svc->spec.cluster_ips, g_strdup(ip));
}

/* A valid Service "web" of 'type', as the store holds it after defaulting
 * and allocation: one port 80 -> 8080, an IPv4 cluster IP, node port 30080
 * for NodePort and LoadBalancer. */
static KnService *
service_new(KnServiceType type)
{
    KnService *svc = kn_service_new();
    KnServiceSpec *spec = &svc->spec;

    svc->meta.name = g_strdup("web");
    svc->meta.namespace = g_strdup("default");
    spec->type = type;
    if (type == KN_SERVICE_EXTERNAL_NAME) {
        spec->external_name = g_strdup("db.example.com");
        return svc;
    }
    spec->selector = kn_labels_new();
    kn_labels_set(spec->selector, "app", "web");
    add_port(svc, NULL, 80, 8080);
    set_cluster_ip(svc, "10.96.0.10");
    g_ptr_array_add(spec->ip_families, g_strdup("IPv4"));
    spec->ip_family_policy = KN_IP_FAMILY_POLICY_SINGLE_STACK;
    if (type == KN_SERVICE_NODE_PORT || type == KN_SERVICE_LOAD_BALANCER) {
        port_at(svc, 0)->node_port = 30080;
        spec->has_external_traffic_policy = TRUE;
    }
    if (type == KN_SERVICE_LOAD_BALANCER)
        spec->has_allocate_load_balancer_node_ports = TRUE;
    return svc;
}

/* The Service of the manifest 'yaml', read as `kubectl apply -f` sends it
 * and the API server defaults it. */
static KnService *
service_from_manifest(const char *yaml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data("svc.yaml", yaml, strlen(yaml), &error);

    assert_non_null(manifests);
    assert_int_equal(manifests->len, 1);
    assert_int_equal(((KnManifest *) manifests->pdata[0])->kind, KN_KIND_SERVICE);
    return kn_scenario_manifest_steal_object(manifests->pdata[0]);
}

/* "path: message\n" per error. */
static char *
errors_text(const GPtrArray *errors)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < errors->len; i++) {
        const KnFieldError *e = g_ptr_array_index(errors, i);

        g_string_append_printf(out, "%s: %s\n", e->field, e->message);
    }
    return g_string_free(out, FALSE);
}

static void
expect_create(const KnService *svc, const char *want)
{
    g_autoptr(GPtrArray) errors = kn_svc_validate_create(svc);
    g_autofree char *got = errors_text(errors);

    assert_string_equal(got, want);
}

static void
expect_update(const KnService *svc, const KnService *old, const char *want)
{
    g_autoptr(GPtrArray) errors = kn_svc_validate_update(svc, old);
    g_autofree char *got = errors_text(errors);

    assert_string_equal(got, want);
}

#define DNS1035_MSG "a DNS-1035 label must consist of lower case alphanumeric characters or '-', " \
    "start with an alphabetic character, and end with an alphanumeric character " \
    "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define DNS1123_MSG "a lowercase RFC 1123 label must consist of lower case alphanumeric characters " \
    "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or " \
    "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define KEY_MSG "must consist of alphanumeric characters, '-', '_' or '.', and must start and end " \
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

/* ValidateEndpointSlice after the metadata, on slices read from manifests. */
static void
expect_slice(const char *yaml, const char *want)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data("slice.yaml", yaml, strlen(yaml), &error);
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autofree char *got = NULL;

    assert_non_null(manifests);
    kn_svc_validate_endpoint_slice(((KnManifest *) manifests->pdata[0])->object, errors);
    got = errors_text(errors);
    assert_string_equal(got, want);
}

#define SLICE_HEAD "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: web-1}\n"

static void
test_svc_validate_endpoint_slice(void **state)
{
    (void) state;
    expect_slice(SLICE_HEAD "addressType: IPv4\nendpoints:\n"
                 "- addresses: [10.244.1.3, \"::ffff:10.244.1.4\"]\n  hostname: web-0\n"
                 "ports: [{name: http, port: 80}, {port: 81}]\n", "");
    expect_slice(SLICE_HEAD "endpoints: [{addresses: [not-an-ip]}]\n", "addressType: Required value\n");
    expect_slice(SLICE_HEAD "addressType: IPv4\nendpoints:\n"
                 "- addresses: [10.244.1.300, \"fd00::1\", 127.0.0.1]\n  hostname: Web_0\n"
                 "- addresses: []\n",
                 "endpoints[0].addresses[0]: Invalid value: \"10.244.1.300\": must be a valid IPv4 address\n"
                 "endpoints[0].addresses[0]: Invalid value: \"10.244.1.300\": must be a valid IP address\n"
                 "endpoints[0].addresses[1]: Invalid value: \"fd00::1\": must be a valid IPv4 address\n"
                 "endpoints[0].addresses[2]: Invalid value: \"127.0.0.1\": may not be in the loopback range "
                 "(127.0.0.0/8, ::1/128)\n"
                 "endpoints[0].hostname: Invalid value: \"Web_0\": " DNS1123_MSG "\n"
                 "endpoints[1].addresses: Required value: must contain at least 1 address\n");
    expect_slice(SLICE_HEAD "addressType: IPv6\nendpoints:\n"
                 "- addresses: [\"fd00::1\", \"::ffff:10.1.2.3\", \"fe80::1\"]\n",
                 "endpoints[0].addresses[1]: Invalid value: \"::ffff:10.1.2.3\": must be a valid IPv6 address\n"
                 "endpoints[0].addresses[2]: Invalid value: \"fe80::1\": may not be in the link-local range "
                 "(169.254.0.0/16, fe80::/10)\n");
    expect_slice(SLICE_HEAD "addressType: FQDN\nendpoints:\n"
                 "- addresses: [db.example.com., localhost]\n",
                 "endpoints[0].addresses[1]: Invalid value: \"localhost\": should be a domain with at least two "
                 "segments separated by dots\n");
    /* Defaulting names an unnamed port "", so two of them collide. */
    expect_slice(SLICE_HEAD "addressType: IPv4\n"
                 "ports: [{name: Http, port: 80}, {port: 81}, {port: 82}, {name: a, port: 83, appProtocol: a/b/c}]\n",
                 "ports[0].name: Invalid value: \"Http\": " DNS1123_MSG "\n"
                 "ports[2].name: Duplicate value: \"\"\n"
                 "ports[3].appProtocol: Invalid value: \"a/b/c\": a valid label key " KEY_MSG
                 " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n");
}

/* validateEndpointSubsets, on an Endpoints object read from a manifest. */
static void
test_svc_validate_endpoints(void **state)
{
    (void) state;
    static const char yaml[] =
        "apiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\nsubsets:\n"
        "- addresses: [{ip: 10.244.1.300, hostname: Web_1}, {ip: 10.244.1.3}]\n"
        "  ports: [{name: http, port: 70000}, {port: 81}]\n"
        "- notReadyAddresses: [{ip: \"::\"}]\n"
        "- ports: [{port: 80}]\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data("ep.yaml", yaml, strlen(yaml), &error);
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autofree char *got = NULL;

    assert_non_null(manifests);
    kn_svc_validate_endpoints(((KnManifest *) manifests->pdata[0])->object, errors);
    got = errors_text(errors);
    /* ValidateNonSpecialIP's own complaint comes after the hostname's. */
    assert_string_equal(got,
                        "subsets[0].addresses[0].ip: Invalid value: \"10.244.1.300\": must be a valid IP address, "
                        "(e.g. 10.9.8.7 or 2001:db8::ffff)\n"
                        "subsets[0].addresses[0].hostname: Invalid value: \"Web_1\": " DNS1123_MSG "\n"
                        "subsets[0].addresses[0].ip: Invalid value: \"10.244.1.300\": must be a valid IP address\n"
                        "subsets[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n"
                        "subsets[0].ports[1].name: Required value\n"
                        "subsets[1].notReadyAddresses[0].ip: Invalid value: \"::\": may not be unspecified (::)\n"
                        "subsets[2]: Required value: must specify `addresses` or `notReadyAddresses`\n");
}

/*****************************************************************************/
/* Valid Services. */

static void
test_svc_validate_accepts_every_type(void **state)
{
    (void) state;
    for (KnServiceType type = KN_SERVICE_CLUSTER_IP; type <= KN_SERVICE_EXTERNAL_NAME; type++) {
        g_autoptr(KnService) svc = service_new(type);

        expect_create(svc, "");
    }
}

static void
test_svc_validate_accepts_headless_and_dual_stack(void **state)
{
    (void) state;
    g_autoptr(KnService) headless = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) bare = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) dual = service_new(KN_SERVICE_CLUSTER_IP);

    set_cluster_ip(headless, "None");
    expect_create(headless, "");
    /* Headless without a selector needs no ports. */
    set_cluster_ip(bare, "None");
    g_clear_pointer(&bare->spec.selector, kn_labels_free);
    g_ptr_array_set_size(bare->spec.ports, 0);
    expect_create(bare, "");
    g_ptr_array_add(dual->spec.cluster_ips, g_strdup("fd00:10:96::a"));
    g_ptr_array_add(dual->spec.ip_families, g_strdup("IPv6"));
    dual->spec.ip_family_policy = KN_IP_FAMILY_POLICY_REQUIRE_DUAL_STACK;
    expect_create(dual, "");
}

/*****************************************************************************/
/* Metadata. */

static void
test_svc_validate_name_is_required(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    g_clear_pointer(&svc->meta.name, g_free);
    expect_create(svc, "metadata.name: Required value: name or generateName is required\n");
}

static void
test_svc_validate_name_is_a_dns1035_label(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) long_name = service_new(KN_SERVICE_CLUSTER_IP);

    g_free(svc->meta.name);
    svc->meta.name = g_strdup("1web");
    expect_create(svc, "metadata.name: Invalid value: \"1web\": " DNS1035_MSG "\n");
    g_free(long_name->meta.name);
    long_name->meta.name = g_strnfill(64, 'a');
    expect_create(long_name, "metadata.name: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": "
                  "must be no more than 63 characters\n");
}

static void
test_svc_validate_namespace_is_a_dns1123_label(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) dotted = service_new(KN_SERVICE_CLUSTER_IP);

    g_free(svc->meta.namespace);
    svc->meta.namespace = g_strdup("Prod");
    expect_create(svc, "metadata.namespace: Invalid value: \"Prod\": " DNS1123_MSG "\n");
    g_free(dotted->meta.namespace);
    dotted->meta.namespace = g_strdup("a.b");
    expect_create(dotted, "metadata.namespace: Invalid value: \"a.b\": must not contain dots\n");
}

static void
test_svc_validate_labels_and_annotations(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    kn_labels_set(svc->meta.labels, "-app", "web");
    kn_labels_set(svc->meta.labels, "tier", "front end");
    kn_labels_set(svc->meta.annotations, "example.com/Note", "anything at all");
    kn_labels_set(svc->meta.annotations, "bad key", "x");
    expect_create(svc,
                  "metadata.labels: Invalid value: \"-app\": name part " KEY_MSG "\n"
                  "metadata.labels: Invalid value: \"front end\": a valid label must be an empty "
                  "string or consist of alphanumeric characters, '-', '_' or '.', and must start and "
                  "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                  "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
                  "metadata.annotations: Invalid value: \"bad key\": name part " KEY_MSG "\n");
}

static void
test_svc_validate_topology_annotations_must_agree(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    kn_labels_set(svc->meta.annotations, "service.kubernetes.io/topology-mode", "Auto");
    kn_labels_set(svc->meta.annotations, "service.kubernetes.io/topology-aware-hints", "Disabled");
    expect_create(svc, "metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "
                  "\"Auto\": must match annotations[service.kubernetes.io/topology-aware-hints] "
                  "when both are specified\n");
}

static void
test_svc_validate_selector_labels(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    kn_labels_set(svc->spec.selector, "a/b/c", "x");
    expect_create(svc, "spec.selector: Invalid value: \"a/b/c\": a valid label key " KEY_MSG
                  " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n");
}

/*****************************************************************************/
/* Ports. */

static void
test_svc_validate_ports_required_unless_headless_or_external_name(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    g_ptr_array_set_size(svc->spec.ports, 0);
    expect_create(svc, "spec.ports: Required value\n");
}

static void
test_svc_validate_port_range(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) defaulted = service_new(KN_SERVICE_CLUSTER_IP);

    port_at(svc, 0)->port = 0;
    expect_create(svc, "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n");
    /* targetPort defaults to port, so it is out of range too. */
    port_at(defaulted, 0)->port = 70000;
    kn_int_or_string_clear(&port_at(defaulted, 0)->target_port);
    expect_create(defaulted,
                  "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n"
                  "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n");
}

static void
test_svc_validate_target_port(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    add_port(svc, "b", 81, 0);
    add_port(svc, "c", 82, 0);
    g_free(port_at(svc, 0)->name);
    port_at(svc, 0)->name = g_strdup("a");
    kn_int_or_string_set_number(&port_at(svc, 0)->target_port, 65536);
    kn_int_or_string_set_string(&port_at(svc, 1)->target_port, "Http");
    kn_int_or_string_set_string(&port_at(svc, 2)->target_port, "8080");
    expect_create(svc,
                  "spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive\n"
                  "spec.ports[1].targetPort: Invalid value: \"Http\": must contain only alpha-numeric "
                  "characters (a-z, 0-9), and hyphens (-)\n"
                  "spec.ports[2].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)\n");
}

static void
test_svc_validate_port_names(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    add_port(svc, "Http", 443, 0);
    add_port(svc, "metrics", 9090, 0);
    add_port(svc, "metrics", 9091, 0);
    expect_create(svc,
                  "spec.ports[0].name: Required value\n"
                  "spec.ports[1].name: Invalid value: \"Http\": " DNS1123_MSG "\n"
                  "spec.ports[3].name: Duplicate value: \"metrics\"\n");
}

static void
test_svc_validate_duplicate_port_and_protocol(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    port_at(svc, 0)->name = g_strdup("a");
    add_port(svc, "b", 80, 9090);
    add_port(svc, "dns", 80, 0)->protocol = KN_PROTOCOL_UDP;
    expect_create(svc, "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", "
                  "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, "
                  "IntVal:0, StrVal:\"\"}, NodePort:0}\n");
}

static void
test_svc_validate_protocol_values(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    port_at(svc, 0)->protocol_raw = g_strdup("ICMP");
    expect_create(svc, "spec.ports[0].protocol: Unsupported value: \"ICMP\": supported values: "
                  "\"SCTP\", \"TCP\", \"UDP\"\n");
}

static void
test_svc_validate_app_protocol(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    port_at(svc, 0)->app_protocol = g_strdup("kubernetes.io/h2c/x");
    expect_create(svc, "spec.ports[0].appProtocol: Invalid value: \"kubernetes.io/h2c/x\": a valid "
                  "label key " KEY_MSG " with an optional DNS subdomain prefix and '/' "
                  "(e.g. 'example.com/MyName')\n");
}

static void
test_svc_validate_node_port_only_off_cluster_ip(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    port_at(svc, 0)->node_port = 30080;
    expect_create(svc, "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'\n");
}

static void
test_svc_validate_duplicate_node_port(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_NODE_PORT);

    port_at(svc, 0)->name = g_strdup("a");
    add_port(svc, "b", 443, 8443)->node_port = 30080;
    expect_create(svc, "spec.ports[1].nodePort: Duplicate value: 30080\n");
}

/*****************************************************************************/
/* Type, cluster IPs, ExternalName. */

static void
test_svc_validate_type_values(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    svc->spec.type_raw = g_strdup("Internal");
    expect_create(svc, "spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", "
                  "\"ExternalName\", \"LoadBalancer\", \"NodePort\"\n");
}

static void
test_svc_validate_none_only_for_cluster_ip(void **state)
{
    (void) state;
    g_autoptr(KnService) np = service_new(KN_SERVICE_NODE_PORT);
    g_autoptr(KnService) lb = service_new(KN_SERVICE_LOAD_BALANCER);

    set_cluster_ip(np, "None");
    expect_create(np, "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services\n");
    set_cluster_ip(lb, "None");
    expect_create(lb, "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services\n");
}

static void
test_svc_validate_cluster_ips(void **state)
{
    (void) state;
    g_autoptr(KnService) bad = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) none = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) two_v4 = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) mismatch = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) family = service_new(KN_SERVICE_CLUSTER_IP);

    /* These answer alone: the allocator checks them before validation. */
    set_cluster_ip(bad, "10.96.0.300");
    port_at(bad, 0)->port = 0;
    expect_create(bad, "spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP "
                  "address, (e.g. 10.9.8.7 or 2001:db8::ffff)\n");
    set_cluster_ip(none, "None");
    g_ptr_array_add(none->spec.cluster_ips, g_strdup("10.96.0.11"));
    expect_create(none, "spec.clusterIPs: Invalid value: []string{\"None\", \"10.96.0.11\"}: "
                  "'None' must be the first and only value\n");
    g_ptr_array_add(two_v4->spec.cluster_ips, g_strdup("10.96.0.11"));
    two_v4->spec.ip_family_policy = KN_IP_FAMILY_POLICY_REQUIRE_DUAL_STACK;
    expect_create(two_v4, "spec.clusterIPs: Invalid value: []string{\"10.96.0.10\", \"10.96.0.11\"}: "
                  "may specify no more than one IP for each IP family\n");
    g_free(g_ptr_array_index(mismatch->spec.cluster_ips, 0));
    mismatch->spec.cluster_ips->pdata[0] = g_strdup("10.96.0.99");
    expect_create(mismatch, "spec.clusterIPs: Invalid value: []string{\"10.96.0.99\"}: first value "
                  "must match `clusterIP`\n");
    set_cluster_ip(family, "fd00::10");
    expect_create(family, "spec.clusterIPs[0]: Invalid value: \"fd00::10\": expected an IPv4 value "
                  "as indicated by `ipFamilies[0]`\n");
}

static void
test_svc_validate_ip_families(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) policy = service_new(KN_SERVICE_CLUSTER_IP);

    g_ptr_array_add(svc->spec.ip_families, g_strdup("IPv4"));
    g_ptr_array_add(svc->spec.ip_families, g_strdup("IPv5"));
    expect_create(svc, "spec.ipFamilies[1]: Duplicate value: \"IPv4\"\n"
                  "spec.ipFamilies[2]: Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\"\n");
    policy->spec.ip_family_policy_raw = g_strdup("DualStack");
    expect_create(policy, "spec.ipFamilyPolicy: Unsupported value: \"DualStack\": supported values: "
                  "\"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"\n");
}

static void
test_svc_validate_single_stack_with_two_families(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) unset = service_new(KN_SERVICE_CLUSTER_IP);

    g_ptr_array_add(svc->spec.cluster_ips, g_strdup("fd00::10"));
    g_ptr_array_add(svc->spec.ip_families, g_strdup("IPv6"));
    expect_create(svc,
                  "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or "
                  "'PreferDualStack' when multiple cluster IPs are specified\n"
                  "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or "
                  "'PreferDualStack' when multiple IP families are specified\n");
    /* An unset policy becomes SingleStack on create. */
    g_ptr_array_add(unset->spec.ip_families, g_strdup("IPv6"));
    unset->spec.ip_family_policy = KN_IP_FAMILY_POLICY_UNSET;
    expect_create(unset, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' "
                  "or 'PreferDualStack' when multiple IP families are specified\n");
}

static void
test_svc_validate_external_name(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_EXTERNAL_NAME);
    g_autoptr(KnService) missing = service_new(KN_SERVICE_EXTERNAL_NAME);
    g_autoptr(KnService) dotted = service_new(KN_SERVICE_EXTERNAL_NAME);

    set_cluster_ip(svc, "10.96.0.10");
    g_ptr_array_add(svc->spec.ip_families, g_strdup("IPv4"));
    svc->spec.ip_family_policy = KN_IP_FAMILY_POLICY_SINGLE_STACK;
    g_free(svc->spec.external_name);
    svc->spec.external_name = g_strdup("DB.example.com");
    expect_create(svc,
                  "spec.clusterIPs: Forbidden: may not be set for ExternalName services\n"
                  "spec.ipFamilies: Forbidden: may not be set for ExternalName services\n"
                  "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services\n"
                  "spec.externalName: Invalid value: \"DB.example.com\": a lowercase RFC 1123 subdomain "
                  "must consist of lower case alphanumeric characters, '-' or '.', and must start and "
                  "end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                  "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n");
    g_clear_pointer(&missing->spec.external_name, g_free);
    expect_create(missing, "spec.externalName: Required value\n");
    g_free(dotted->spec.external_name);
    dotted->spec.external_name = g_strdup("db.example.com.");
    expect_create(dotted, "");
}

static void
test_svc_validate_external_ips(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    g_ptr_array_add(svc->spec.external_ips, g_strdup("203.0.113.7"));
    g_ptr_array_add(svc->spec.external_ips, g_strdup("203.0.113"));
    g_ptr_array_add(svc->spec.external_ips, g_strdup("127.0.0.1"));
    g_ptr_array_add(svc->spec.external_ips, g_strdup("::"));
    expect_create(svc,
                  "spec.externalIPs[1]: Invalid value: \"203.0.113\": must be a valid IP address, "
                  "(e.g. 10.9.8.7 or 2001:db8::ffff)\n"
                  "spec.externalIPs[2]: Invalid value: \"127.0.0.1\": may not be in the loopback "
                  "range (127.0.0.0/8, ::1/128)\n"
                  "spec.externalIPs[3]: Invalid value: \"::\": may not be unspecified (::)\n");
}

/*****************************************************************************/
/* Session affinity and traffic policies. */

static void
test_svc_validate_session_affinity_values(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) none = service_new(KN_SERVICE_CLUSTER_IP);

    svc->spec.session_affinity_raw = g_strdup("Cookie");
    expect_create(svc, "spec.sessionAffinity: Unsupported value: \"Cookie\": supported values: "
                  "\"ClientIP\", \"None\"\n");
    none->spec.has_session_affinity_config = TRUE;
    expect_create(none, "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None\n");
}

static void
test_svc_validate_client_ip_timeout_range(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    svc->spec.session_affinity_client_ip = TRUE;
    svc->spec.has_session_affinity_config = TRUE;
    svc->spec.session_affinity_timeout_s = 86400;
    expect_create(svc, "");
    svc->spec.session_affinity_timeout_s = 0;
    expect_create(svc, "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be "
                  "greater than 0 and less than 86400\n");
    svc->spec.session_affinity_timeout_s = 86401;
    expect_create(svc, "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must "
                  "be greater than 0 and less than 86400\n");
}

/* SetDefaults_Service drops sessionAffinityConfig when sessionAffinity is
 * None, so validation's Forbidden is never what a manifest gets. */
static void
test_svc_validate_manifest_affinity_config_goes_with_none(void **state)
{
    (void) state;
    g_autoptr(KnService) none = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: 80}]\n  sessionAffinity: None\n"
        "  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}\n");
    g_autoptr(KnService) unset = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: 80}]\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}\n");
    g_autoptr(KnService) client_ip = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: 80}]\n  sessionAffinity: ClientIP\n"
        "  sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}\n");

    expect_create(none, "");
    assert_false(none->spec.has_session_affinity_config);
    assert_int_equal(none->spec.session_affinity_timeout_s, 10800);
    expect_create(unset, "");
    expect_create(client_ip, "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be "
                  "greater than 0 and less than 86400\n");
}

/* normalizeClusterIPs fills clusterIPs from clusterIP on a create, never
 * clusterIP from clusterIPs; an empty clusterIP is no address at all. */
static void
test_svc_validate_manifest_cluster_ips_without_cluster_ip(void **state)
{
    (void) state;
    g_autoptr(KnService) alone = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: 80}]\n  clusterIPs: [10.96.0.52]\n");
    g_autoptr(KnService) empty = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: 80}]\n  clusterIP: \"\"\n");
    g_autoptr(KnService) both = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: 80}]\n  clusterIP: 10.96.0.52\n");

    expect_create(alone, "spec.clusterIPs: Invalid value: []string{\"10.96.0.52\"}: must be empty when "
                  "`clusterIP` is not specified\n");
    expect_create(empty, "");
    assert_int_equal(empty->spec.cluster_ips->len, 0);
    expect_create(both, "");
    assert_string_equal(g_ptr_array_index(both->spec.cluster_ips, 0), "10.96.0.52");
}

/* A negative port number or timeout decodes into its int32 and is
 * validation's to refuse, printed signed; targetPort defaults to it. */
static void
test_svc_validate_manifest_negative_numbers(void **state)
{
    (void) state;
    g_autoptr(KnService) port = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: -1}, {name: b, port: 80, targetPort: -5}]\n");
    g_autoptr(KnService) timeout = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{name: a, port: 80}]\n  sessionAffinity: ClientIP\n"
        "  sessionAffinityConfig: {clientIP: {timeoutSeconds: -5}}\n  healthCheckNodePort: -1\n");

    expect_create(port, "spec.ports[0].name: Required value\n"
                  "spec.ports[0].port: Invalid value: -1: must be between 1 and 65535, inclusive\n"
                  "spec.ports[0].targetPort: Invalid value: -1: must be between 1 and 65535, inclusive\n"
                  "spec.ports[1].targetPort: Invalid value: -5: must be between 1 and 65535, inclusive\n");
    expect_create(timeout, "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: -5: must be "
                  "greater than 0 and less than 86400\n"
                  "spec.healthCheckNodePort: Invalid value: -1: may only be set when `type` is 'LoadBalancer' "
                  "and `externalTrafficPolicy` is 'Local'\n");
}

/* A Service's enum values are kept as written for validation to refuse
 * alongside its other errors; "" is defaulted where SetDefaults_Service
 * defaults it and refused where the field is a pointer. */
static void
test_svc_validate_manifest_enum_values(void **state)
{
    (void) state;
    g_autoptr(KnService) protocol = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{name: a, port: 80, protocol: tcp}, {name: b, port: 0, protocol: \"\"}]\n");
    g_autoptr(KnService) policies = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  type: NodePort\n  ports: [{port: 80}]\n  sessionAffinity: Cookie\n"
        "  externalTrafficPolicy: Global\n  internalTrafficPolicy: \"\"\n");
    g_autoptr(KnService) families = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  ports: [{port: 80}]\n  ipFamilies: [IPv5]\n  ipFamilyPolicy: Dual\n");
    g_autoptr(KnService) type = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  type: nodeport\n  ports: [{port: 80}]\n");
    g_autoptr(KnService) empty = service_from_manifest(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec:\n  type: \"\"\n  sessionAffinity: \"\"\n  externalTrafficPolicy: \"\"\n"
        "  ports: [{port: 80, protocol: \"\"}]\n");

    expect_create(protocol, "spec.ports[0].protocol: Unsupported value: \"tcp\": supported values: "
                  "\"SCTP\", \"TCP\", \"UDP\"\n"
                  "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
                  "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive\n");
    expect_create(policies, "spec.sessionAffinity: Unsupported value: \"Cookie\": supported values: "
                  "\"ClientIP\", \"None\"\n"
                  "spec.externalTrafficPolicy: Unsupported value: \"Global\": supported values: "
                  "\"Cluster\", \"Local\"\n"
                  "spec.internalTrafficPolicy: Unsupported value: \"\": supported values: \"Cluster\", \"Local\"\n");
    expect_create(families, "spec.ipFamilies[0]: Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\"\n"
                  "spec.ipFamilyPolicy: Unsupported value: \"Dual\": supported values: \"PreferDualStack\", "
                  "\"RequireDualStack\", \"SingleStack\"\n");
    expect_create(type, "spec.type: Unsupported value: \"nodeport\": supported values: \"ClusterIP\", "
                  "\"ExternalName\", \"LoadBalancer\", \"NodePort\"\n");
    expect_create(empty, "");
}

static void
test_svc_validate_external_traffic_policy(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) np = service_new(KN_SERVICE_NODE_PORT);

    svc->spec.has_external_traffic_policy = TRUE;
    svc->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    expect_create(svc, "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for "
                  "externally-accessible services\n");
    /* A ClusterIP Service with external IPs is externally accessible. */
    g_ptr_array_add(svc->spec.external_ips, g_strdup("203.0.113.7"));
    expect_create(svc, "");
    np->spec.external_traffic_policy_raw = g_strdup("Nearest");
    expect_create(np, "spec.externalTrafficPolicy: Unsupported value: \"Nearest\": supported values: "
                  "\"Cluster\", \"Local\"\n");
}

static void
test_svc_validate_internal_traffic_policy(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    svc->spec.internal_traffic_policy_raw = g_strdup("Node");
    expect_create(svc, "spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: "
                  "\"Cluster\", \"Local\"\n");
}

static void
test_svc_validate_health_check_node_port(void **state)
{
    (void) state;
    g_autoptr(KnService) np = service_new(KN_SERVICE_NODE_PORT);
    g_autoptr(KnService) lb = service_new(KN_SERVICE_LOAD_BALANCER);

    np->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    np->spec.health_check_node_port = 30999;
    expect_create(np, "spec.healthCheckNodePort: Invalid value: 30999: may only be set when `type` is "
                  "'LoadBalancer' and `externalTrafficPolicy` is 'Local'\n");
    lb->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    lb->spec.health_check_node_port = 30999;
    expect_create(lb, "");
}

static void
test_svc_validate_traffic_distribution(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    /* PreferSameZone and PreferSameNode: the PreferSameTrafficDistribution
     * gate is GA in 1.35; sets.List() sorts the supported values. */
    for (guint i = 0; i < 3; i++) {
        g_free(svc->spec.traffic_distribution);
        svc->spec.traffic_distribution = g_strdup((const char *const[]) { "PreferClose", "PreferSameZone",
                                                                          "PreferSameNode" }[i]);
        expect_create(svc, "");
    }
    g_free(svc->spec.traffic_distribution);
    svc->spec.traffic_distribution = g_strdup("Nearest");
    expect_create(svc, "spec.trafficDistribution: Unsupported value: \"Nearest\": supported values: "
                  "\"PreferClose\", \"PreferSameNode\", \"PreferSameZone\"\n");
}

/*****************************************************************************/
/* LoadBalancer-only fields. */

static void
test_svc_validate_load_balancer_source_ranges(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_NODE_PORT);
    g_autoptr(KnService) lb = service_new(KN_SERVICE_LOAD_BALANCER);

    g_ptr_array_add(svc->spec.load_balancer_source_ranges, g_strdup("10.0.0.0/8"));
    expect_create(svc, "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'\n");
    g_ptr_array_add(lb->spec.load_balancer_source_ranges, g_strdup(" 10.0.0.0/8 "));
    g_ptr_array_add(lb->spec.load_balancer_source_ranges, g_strdup("10.0.0.0/33"));
    expect_create(lb, "spec.LoadBalancerSourceRanges[1]: Invalid value: \"10.0.0.0/33\": must be a valid "
                  "CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\n");
}

static void
test_svc_validate_load_balancer_class(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_NODE_PORT);
    g_autoptr(KnService) lb = service_new(KN_SERVICE_LOAD_BALANCER);

    svc->spec.load_balancer_class = g_strdup("example.com/lb");
    expect_create(svc, "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'\n");
    lb->spec.load_balancer_class = g_strdup("example.com/lb");
    expect_create(lb, "");
}

static void
test_svc_validate_allocate_node_ports_only_for_load_balancer(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_NODE_PORT);

    svc->spec.has_allocate_load_balancer_node_ports = TRUE;
    svc->spec.allocate_load_balancer_node_ports = FALSE;
    expect_create(svc, "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is "
                  "'LoadBalancer'\n");
}

/*****************************************************************************/
/* Updates. */

/* What the allocator checks before it allocates: the clusterIPs, ipFamilies
 * and ipFamilyPolicy rules alone, nothing of metadata or ports. */
static void
test_svc_validate_create_precheck(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_NODE_PORT);
    g_autoptr(GPtrArray) errors = NULL;
    g_autofree char *got = NULL;

    g_free(svc->meta.name);
    svc->meta.name = g_strdup("Web");
    port_at(svc, 0)->name = g_strdup("Http");
    errors = kn_svc_validate_create_precheck(svc);
    assert_int_equal(errors->len, 0);
    g_ptr_array_unref(errors);
    set_cluster_ip(svc, "10.96.0.300");
    errors = kn_svc_validate_create_precheck(svc);
    got = errors_text(errors);
    assert_string_equal(got, "spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address, "
                        "(e.g. 10.9.8.7 or 2001:db8::ffff)\n");
}

static void
test_svc_validate_update_keeps_name_and_cluster_ip(void **state)
{
    (void) state;
    g_autoptr(KnService) old = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    expect_update(svc, old, "");
    g_free(svc->meta.name);
    svc->meta.name = g_strdup("web2");
    set_cluster_ip(svc, "10.96.0.11");
    expect_update(svc, old,
                  "metadata.name: Invalid value: \"web2\": field is immutable\n"
                  "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set\n");
}

static void
test_svc_validate_update_to_and_from_external_name(void **state)
{
    (void) state;
    g_autoptr(KnService) cluster_ip = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) external = service_new(KN_SERVICE_EXTERNAL_NAME);
    g_autoptr(KnService) kept_ip = service_new(KN_SERVICE_CLUSTER_IP);

    /* Either way the cluster IP may appear or go; ExternalName must not keep it. */
    expect_update(external, cluster_ip, "");
    expect_update(cluster_ip, external, "");
    kept_ip->spec.type = KN_SERVICE_EXTERNAL_NAME;
    kept_ip->spec.external_name = g_strdup("db.example.com");
    expect_update(kept_ip, cluster_ip,
                  "spec.clusterIPs: Forbidden: may not be set for ExternalName services\n"
                  "spec.ipFamilies: Forbidden: may not be set for ExternalName services\n"
                  "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services\n");
}

static void
test_svc_validate_update_dual_stack_downgrade_needs_single_stack(void **state)
{
    (void) state;
    g_autoptr(KnService) old = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);

    g_ptr_array_add(old->spec.cluster_ips, g_strdup("fd00::10"));
    g_ptr_array_add(old->spec.ip_families, g_strdup("IPv6"));
    old->spec.ip_family_policy = KN_IP_FAMILY_POLICY_PREFER_DUAL_STACK;
    svc->spec.ip_family_policy = KN_IP_FAMILY_POLICY_PREFER_DUAL_STACK;
    expect_update(svc, old,
                  "spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be 'SingleStack' to "
                  "release the secondary cluster IP\n"
                  "spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be 'SingleStack' to "
                  "release the secondary IP family\n");
    svc->spec.ip_family_policy = KN_IP_FAMILY_POLICY_SINGLE_STACK;
    expect_update(svc, old, "");
}

static void
test_svc_validate_update_load_balancer_class_and_health_check_port(void **state)
{
    (void) state;
    g_autoptr(KnService) old = service_new(KN_SERVICE_LOAD_BALANCER);
    g_autoptr(KnService) svc = service_new(KN_SERVICE_LOAD_BALANCER);

    old->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    old->spec.health_check_node_port = 30999;
    svc->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    svc->spec.health_check_node_port = 31000;
    svc->spec.load_balancer_class = g_strdup("example.com/lb");
    expect_update(svc, old,
                  "spec.loadBalancerClass: Invalid value: \"example.com/lb\": may not change once set\n"
                  "spec.healthCheckNodePort: Forbidden: field is immutable\n");
}

/*****************************************************************************/
/* kubectl's message. */

static void
test_svc_validate_format_one_error(void **state)
{
    (void) state;
    g_autoptr(KnService) svc = service_new(KN_SERVICE_CLUSTER_IP);
    g_autoptr(GPtrArray) errors = NULL;
    g_autofree char *text = NULL;

    port_at(svc, 0)->port = 0;
    errors = kn_svc_validate_create(svc);
    text = kn_svc_validate_format("web", errors);
    assert_string_equal(text, "The Service \"web\" is invalid: spec.ports[0].port: Invalid value: 0: "
                        "must be between 1 and 65535, inclusive\n");
}

static void
test_svc_validate_format_several_errors_drops_repeats(void **state)
{
    (void) state;
    g_autoptr(KnService) old = service_new(KN_SERVICE_LOAD_BALANCER);
    g_autoptr(KnService) svc = service_new(KN_SERVICE_LOAD_BALANCER);
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autoptr(GPtrArray) errors = NULL;
    g_autofree char *text = NULL;

    /* The class is checked by the update and again by ValidateService. */
    svc->spec.load_balancer_class = g_strdup("a/b/c");
    svc->spec.session_affinity_raw = g_strdup("Cookie");
    errors = kn_svc_validate_update(svc, old);
    assert_int_equal(errors->len, 4);
    text = kn_svc_validate_format("web", errors);
    assert_string_equal(text,
                        "The Service \"web\" is invalid: \n"
                        "* spec.loadBalancerClass: Invalid value: \"a/b/c\": may not change once set\n"
                        "* spec.loadBalancerClass: Invalid value: \"a/b/c\": a valid label key " KEY_MSG
                        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n"
                        "* spec.sessionAffinity: Unsupported value: \"Cookie\": supported values: "
                        "\"ClientIP\", \"None\"\n");
    assert_null(kn_svc_validate_format("web", none));
}

/* validatePodDNSConfig: what passes (absolute search domains, every
 * option with a name, no dnsConfig at all) and the character limit. */
static void
test_svc_validate_pod_dns_config(void **state)
{
    (void) state;
    KnPodSpec spec = { 0 };
    g_autoptr(GPtrArray) ok = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autoptr(GPtrArray) long_list = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autofree char *got = NULL;

    kn_pod_spec_init(&spec);
    kn_svc_validate_pod_dns(&spec, "spec", ok);
    assert_int_equal(ok->len, 0);

    spec.dns_config = kn_pod_dns_config_new();
    g_ptr_array_add(spec.dns_config->nameservers, g_strdup("fd00::53"));
    g_ptr_array_add(spec.dns_config->searches, g_strdup("corp.example."));
    g_ptr_array_add(spec.dns_config->options, kn_pod_dns_config_option_new());
    g_free(((KnPodDnsConfigOption *) spec.dns_config->options->pdata[0])->name);
    ((KnPodDnsConfigOption *) spec.dns_config->options->pdata[0])->name = g_strdup("ndots");
    g_free(spec.dns_policy);
    spec.dns_policy = g_strdup("None");
    kn_svc_validate_pod_dns(&spec, "spec", none);
    assert_int_equal(none->len, 0);

    /* 16 domains of 130 characters: 16 * 130 + 15 = 2095 characters. */
    g_ptr_array_set_size(spec.dns_config->searches, 0);
    for (guint i = 0; i < 16; i++) {
        g_autofree char *label = g_strnfill(60, 'a' + i);

        g_ptr_array_add(spec.dns_config->searches, g_strdup_printf("%s.%s.example12", label, label));
    }
    kn_svc_validate_pod_dns(&spec, "spec", long_list);
    got = errors_text(long_list);
    assert_int_equal(long_list->len, 1);
    assert_true(g_str_has_prefix(got, "spec.dnsConfig.searches: Invalid value: []string{\"aaaa"));
    assert_true(g_str_has_suffix(got, ".example12\"}: must not have more than 2048 characters "
                                      "(including spaces) in the search list\n"));
    kn_pod_spec_clear(&spec);
}

/* validateContainers: at least one; each named, uniquely, with an image;
 * a containerPort of 0 is missing, one above 65535 out of range. */
static void
test_svc_validate_pod_containers(void **state)
{
    (void) state;
    KnPodSpec spec = { 0 };
    g_autoptr(GPtrArray) empty = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autoptr(GPtrArray) ok = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);
    g_autofree char *got_empty = NULL, *got_bad = NULL;

    kn_pod_spec_init(&spec);
    kn_svc_validate_pod_containers(&spec, "spec.template.spec", empty);
    got_empty = errors_text(empty);
    assert_string_equal(got_empty, "spec.template.spec.containers: Required value\n");

    for (guint i = 0; i < 3; i++) {
        KnContainer *c = kn_container_new();

        c->name = g_strdup(i < 2 ? "web" : "");
        c->image = g_strdup(i == 1 ? "" : "nginx:1.27");
        g_ptr_array_add(spec.containers, c);
    }
    for (guint port = 0; port <= 70000; port += 35000) {
        KnContainerPort *p = kn_container_port_new();

        p->container_port = port;
        g_ptr_array_add(((KnContainer *) spec.containers->pdata[0])->ports, p);
    }
    kn_svc_validate_pod_containers(&spec, "spec", bad);
    got_bad = errors_text(bad);
    assert_string_equal(got_bad,
                        "spec.containers[0].ports[0].containerPort: Required value\n"
                        "spec.containers[0].ports[2].containerPort: Invalid value: 70000: must be between 1 and "
                        "65535, inclusive\n"
                        "spec.containers[1].name: Duplicate value: \"web\"\n"
                        "spec.containers[1].image: Required value\n"
                        "spec.containers[2].name: Required value\n");

    g_ptr_array_set_size(spec.containers, 1);
    g_ptr_array_set_size(((KnContainer *) spec.containers->pdata[0])->ports, 0);
    kn_svc_validate_pod_containers(&spec, "spec", ok);
    assert_int_equal(ok->len, 0);
    kn_pod_spec_clear(&spec);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svc_validate_accepts_every_type),
        cmocka_unit_test(test_svc_validate_pod_dns_config),
        cmocka_unit_test(test_svc_validate_pod_containers),
        cmocka_unit_test(test_svc_validate_accepts_headless_and_dual_stack),
        cmocka_unit_test(test_svc_validate_name_is_required),
        cmocka_unit_test(test_svc_validate_name_is_a_dns1035_label),
        cmocka_unit_test(test_svc_validate_namespace_is_a_dns1123_label),
        cmocka_unit_test(test_svc_validate_labels_and_annotations),
        cmocka_unit_test(test_svc_validate_topology_annotations_must_agree),
        cmocka_unit_test(test_svc_validate_selector_labels),
        cmocka_unit_test(test_svc_validate_ports_required_unless_headless_or_external_name),
        cmocka_unit_test(test_svc_validate_port_range),
        cmocka_unit_test(test_svc_validate_target_port),
        cmocka_unit_test(test_svc_validate_port_names),
        cmocka_unit_test(test_svc_validate_duplicate_port_and_protocol),
        cmocka_unit_test(test_svc_validate_protocol_values),
        cmocka_unit_test(test_svc_validate_app_protocol),
        cmocka_unit_test(test_svc_validate_node_port_only_off_cluster_ip),
        cmocka_unit_test(test_svc_validate_duplicate_node_port),
        cmocka_unit_test(test_svc_validate_type_values),
        cmocka_unit_test(test_svc_validate_none_only_for_cluster_ip),
        cmocka_unit_test(test_svc_validate_cluster_ips),
        cmocka_unit_test(test_svc_validate_ip_families),
        cmocka_unit_test(test_svc_validate_single_stack_with_two_families),
        cmocka_unit_test(test_svc_validate_external_name),
        cmocka_unit_test(test_svc_validate_external_ips),
        cmocka_unit_test(test_svc_validate_session_affinity_values),
        cmocka_unit_test(test_svc_validate_client_ip_timeout_range),
        cmocka_unit_test(test_svc_validate_manifest_affinity_config_goes_with_none),
        cmocka_unit_test(test_svc_validate_manifest_cluster_ips_without_cluster_ip),
        cmocka_unit_test(test_svc_validate_manifest_negative_numbers),
        cmocka_unit_test(test_svc_validate_manifest_enum_values),
        cmocka_unit_test(test_svc_validate_external_traffic_policy),
        cmocka_unit_test(test_svc_validate_internal_traffic_policy),
        cmocka_unit_test(test_svc_validate_health_check_node_port),
        cmocka_unit_test(test_svc_validate_traffic_distribution),
        cmocka_unit_test(test_svc_validate_load_balancer_source_ranges),
        cmocka_unit_test(test_svc_validate_load_balancer_class),
        cmocka_unit_test(test_svc_validate_allocate_node_ports_only_for_load_balancer),
        cmocka_unit_test(test_svc_validate_create_precheck),
        cmocka_unit_test(test_svc_validate_update_keeps_name_and_cluster_ip),
        cmocka_unit_test(test_svc_validate_update_to_and_from_external_name),
        cmocka_unit_test(test_svc_validate_update_dual_stack_downgrade_needs_single_stack),
        cmocka_unit_test(test_svc_validate_update_load_balancer_class_and_health_check_port),
        cmocka_unit_test(test_svc_validate_endpoint_slice),
        cmocka_unit_test(test_svc_validate_endpoints),
        cmocka_unit_test(test_svc_validate_format_one_error),
        cmocka_unit_test(test_svc_validate_format_several_errors_drops_repeats),
    };
    return cmocka_run_group_tests_name("svc_validate", tests, NULL, NULL);
}
