/* test_kubectl_describe.c -- `kubectl describe` output, compared whole.
 *
 * The expected texts are what kubernetes/kubectl pkg/describe/describe.go
 * (v1.31+) produces for the same objects: each test names the describer
 * function, and the layout is its tabbedString tabwriter (minwidth 0,
 * padding 2), whose columns end at every line without a tab. */

#include <config.h>
#include "tests/test_util.h"

#include "models/kubectl-describe.h"
#include "models/kubectl-print.h"
#include "models/recorder.h"
#include "models/workload.h"

#define S (KN_SEC)
#define M (60 * KN_SEC)

/*****************************************************************************/
/* Fixture: a store the describer looks related objects up in. */

typedef struct {
    KnSim *sim;
    KnStore *store;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->sim = kn_sim_new(1);
    f->store = kn_store_new(f->sim);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    kn_store_free(f->store);
    kn_sim_free(f->sim);
    g_free(f);
    return 0;
}

/* Adds 'object' to the store (which fills in uid and creationTimestamp
 * at time 0) and returns it, borrowed. */
static gpointer
add(Fixture *f, KnKind kind, gpointer object, const char *ns, const char *name)
{
    KnObjectMeta *meta = kn_object_meta(object);

    meta->namespace = g_strdup(ns);
    meta->name = g_strdup(name);
    assert_true(kn_store_add(f->store, kind, object, NULL));
    return object;
}

/* Describes the one 'object' of 'kind' at 'now'. */
static char *
describe(Fixture *f, KnKind kind, gpointer object, KnTime now)
{
    g_autoptr(GPtrArray) objects = g_ptr_array_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);

    g_ptr_array_add(objects, object);
    assert_true(kn_kubectl_describe(kind, objects, f->store, now, out, err));
    assert_string_equal(err->str, "");
    return g_strdup(out->str);
}

static KnService *
service(KnServiceType type, const char *ip, guint port, guint target, guint node_port)
{
    KnService *s = kn_service_new();

    s->spec.type = type;
    s->spec.cluster_ip = g_strdup(ip);
    g_ptr_array_add(s->spec.cluster_ips, g_strdup(ip));
    g_ptr_array_add(s->spec.ip_families, g_strdup("IPv4"));
    s->spec.ip_family_policy = KN_IP_FAMILY_POLICY_SINGLE_STACK;
    s->spec.selector = kn_labels_new();
    kn_labels_set(s->spec.selector, "app", "web");
    if (port > 0) {
        KnServicePort *p = kn_service_port_new();

        p->port = port;
        p->node_port = node_port;
        kn_int_or_string_set_number(&p->target_port, target);
        g_ptr_array_add(s->spec.ports, p);
    }
    return s;
}

static KnEndpoint *
endpoint(const char *ip, gboolean ready, gboolean terminating, const char *node, const char *zone,
         const char *pod)
{
    KnEndpoint *ep = kn_endpoint_new();

    g_ptr_array_add(ep->addresses, g_strdup(ip));
    ep->ready = ready;
    ep->serving = ready || terminating;
    ep->terminating = terminating;
    ep->node_name = g_strdup(node);
    ep->zone = g_strdup(zone);
    ep->target_pod = g_strdup(pod);
    ep->target_namespace = g_strdup("default");
    return ep;
}

/* The slice the EndpointSlice controller keeps for Service 'svc'. */
static KnEndpointSlice *
slice_for(const char *svc, const char *port_name, guint port)
{
    KnEndpointSlice *s = kn_endpoint_slice_new();
    KnEndpointPort *p = kn_endpoint_port_new();

    kn_labels_set(s->meta.labels, "kubernetes.io/service-name", svc);
    kn_labels_set(s->meta.labels, "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
    p->name = g_strdup(port_name);
    p->port = port;
    g_ptr_array_add(s->ports, p);
    return s;
}

/*****************************************************************************/
/* Services: describeService. */

/* A ClusterIP Service with three ready endpoints: formatEndpointSlices
 * lists them as ip:targetPort; no External Traffic Policy line, since the
 * API server leaves externalTrafficPolicy unset for ClusterIP. */
static void
test_kubectl_describe_cluster_ip_service(void **state)
{
    Fixture *f = *state;
    KnService *svc = add(f, KN_KIND_SERVICE, service(KN_SERVICE_CLUSTER_IP, "10.96.100.10", 80, 8080, 0),
                         "default", "web");
    KnEndpointSlice *s = slice_for("web", "", 8080);

    kn_labels_set(svc->meta.labels, "app", "web");
    g_ptr_array_add(s->endpoints, endpoint("10.244.1.2", TRUE, FALSE, "kind-worker", NULL, "web-a"));
    g_ptr_array_add(s->endpoints, endpoint("10.244.2.3", TRUE, FALSE, "kind-worker2", NULL, "web-b"));
    g_ptr_array_add(s->endpoints, endpoint("10.244.1.4", TRUE, FALSE, "kind-worker", NULL, "web-c"));
    add(f, KN_KIND_ENDPOINT_SLICE, s, "default", "web-x7k2p");

    g_autofree char *got = describe(f, KN_KIND_SERVICE, svc, 5 * M);

    assert_string_equal(got,
        "Name:                     web\n"
        "Namespace:                default\n"
        "Labels:                   app=web\n"
        "Annotations:              <none>\n"
        "Selector:                 app=web\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.96.100.10\n"
        "IPs:                      10.96.100.10\n"
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               8080/TCP\n"
        "Endpoints:                10.244.1.2:8080,10.244.2.3:8080,10.244.1.4:8080\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n");
}

/* A NodePort Service: a NodePort line per port, External Traffic Policy
 * (set for NodePort), an endpoint that is not ready left out. */
static void
test_kubectl_describe_node_port_service(void **state)
{
    Fixture *f = *state;
    KnService *svc = add(f, KN_KIND_SERVICE, service(KN_SERVICE_NODE_PORT, "10.96.200.20", 80, 8080, 30080),
                         "default", "web-np");
    KnEndpointSlice *s = slice_for("web-np", "http", 8080);

    g_free(((KnServicePort *) svc->spec.ports->pdata[0])->name);
    ((KnServicePort *) svc->spec.ports->pdata[0])->name = g_strdup("http");
    kn_labels_set(svc->meta.annotations, "team", "shop");
    g_ptr_array_add(s->endpoints, endpoint("10.244.1.2", TRUE, FALSE, "kind-worker", NULL, "web-a"));
    g_ptr_array_add(s->endpoints, endpoint("10.244.2.3", FALSE, FALSE, "kind-worker2", NULL, "web-b"));
    add(f, KN_KIND_ENDPOINT_SLICE, s, "default", "web-np-4kd8s");

    g_autofree char *got = describe(f, KN_KIND_SERVICE, svc, 5 * M);

    assert_string_equal(got,
        "Name:                     web-np\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              team: shop\n"
        "Selector:                 app=web\n"
        "Type:                     NodePort\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.96.200.20\n"
        "IPs:                      10.96.200.20\n"
        "Port:                     http  80/TCP\n"
        "TargetPort:               8080/TCP\n"
        "NodePort:                 http  30080/TCP\n"
        "Endpoints:                10.244.1.2:8080\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Cluster\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n");
}

/* A LoadBalancer with an ingress IP: "LoadBalancer Ingress" with the
 * ipMode (buildIngressString); no slices yet gives Endpoints <none>. */
static void
test_kubectl_describe_load_balancer_service(void **state)
{
    Fixture *f = *state;
    KnService *svc = add(f, KN_KIND_SERVICE, service(KN_SERVICE_LOAD_BALANCER, "10.96.50.5", 443, 8443, 31234),
                         "shop", "front");

    svc->spec.external_traffic_policy = KN_TRAFFIC_POLICY_LOCAL;
    svc->spec.health_check_node_port = 32000;
    g_ptr_array_add(svc->load_balancer_ingress, g_strdup("172.18.255.200"));

    g_autofree char *got = describe(f, KN_KIND_SERVICE, svc, 5 * M);

    assert_string_equal(got,
        "Name:                     front\n"
        "Namespace:                shop\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 app=web\n"
        "Type:                     LoadBalancer\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.96.50.5\n"
        "IPs:                      10.96.50.5\n"
        "LoadBalancer Ingress:     172.18.255.200 (VIP)\n"
        "Port:                     <unset>  443/TCP\n"
        "TargetPort:               8443/TCP\n"
        "NodePort:                 <unset>  31234/TCP\n"
        "Endpoints:                <none>\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Local\n"
        "Internal Traffic Policy:  Cluster\n"
        "HealthCheck NodePort:     32000\n"
        "Events:                   <none>\n");
}

/* A headless Service: IP and IPs None; its slice's endpoints all ready. */
static void
test_kubectl_describe_headless_service(void **state)
{
    Fixture *f = *state;
    KnService *svc = add(f, KN_KIND_SERVICE, service(KN_SERVICE_CLUSTER_IP, "None", 5432, 5432, 0),
                         "default", "db");
    KnEndpointSlice *s = slice_for("db", "", 5432);

    for (guint i = 0; i < 5; i++) {
        g_autofree char *ip = g_strdup_printf("10.244.1.%u", 10 + i);
        g_autofree char *pod = g_strdup_printf("db-%u", i);

        g_ptr_array_add(s->endpoints, endpoint(ip, i != 3, FALSE, "kind-worker", NULL, pod));
    }
    add(f, KN_KIND_ENDPOINT_SLICE, s, "default", "db-9fzq2");

    g_autofree char *got = describe(f, KN_KIND_SERVICE, svc, 5 * M);

    assert_string_equal(got,
        "Name:                     db\n"
        "Namespace:                default\n"
        "Labels:                   <none>\n"
        "Annotations:              <none>\n"
        "Selector:                 app=web\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       None\n"
        "IPs:                      None\n"
        "Port:                     <unset>  5432/TCP\n"
        "TargetPort:               5432/TCP\n"
        "Endpoints:                10.244.1.10:5432,10.244.1.11:5432,10.244.1.12:5432 + 1 more...\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n");
}

/*****************************************************************************/
/* EndpointSlice: describeEndpointSliceV1. */

/* A ready and a terminating endpoint in two zones: the describer prints
 * only the Ready condition (no Serving, Terminating or hints), Hostname
 * <unset>, TargetRef Kind/Name, NodeName and Zone. */
static void
test_kubectl_describe_endpoint_slice(void **state)
{
    Fixture *f = *state;
    KnEndpointSlice *s = slice_for("web", "http", 8080);

    g_ptr_array_add(s->endpoints, endpoint("10.244.1.2", TRUE, FALSE, "kind-worker", "zone-a", "web-a"));
    g_ptr_array_add(s->endpoints, endpoint("10.244.2.3", FALSE, TRUE, "kind-worker2", "zone-b", "web-b"));
    g_ptr_array_add(((KnEndpoint *) s->endpoints->pdata[0])->hint_zones, g_strdup("zone-a"));
    kn_labels_set(s->meta.annotations, "endpoints.kubernetes.io/last-change-trigger-time",
                  "2026-01-01T00:00:05Z");
    add(f, KN_KIND_ENDPOINT_SLICE, s, "default", "web-x7k2p");

    g_autofree char *got = describe(f, KN_KIND_ENDPOINT_SLICE, s, 5 * M);

    assert_string_equal(got,
        "Name:         web-x7k2p\n"
        "Namespace:    default\n"
        "Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io\n"
        "              kubernetes.io/service-name=web\n"
        "Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2026-01-01T00:00:05Z\n"
        "AddressType:  IPv4\n"
        "Ports:\n"
        "  Name  Port  Protocol\n"
        "  ----  ----  --------\n"
        "  http  8080  TCP\n"
        "Endpoints:\n"
        "  - Addresses:  10.244.1.2\n"
        "    Conditions:\n"
        "      Ready:    true\n"
        "    Hostname:   <unset>\n"
        "    TargetRef:  Pod/web-a\n"
        "    NodeName:   kind-worker\n"
        "    Zone:       zone-a\n"
        "  - Addresses:  10.244.2.3\n"
        "    Conditions:\n"
        "      Ready:    false\n"
        "    Hostname:   <unset>\n"
        "    TargetRef:  Pod/web-b\n"
        "    NodeName:   kind-worker2\n"
        "    Zone:       zone-b\n"
        "Events:         <none>\n");
}

/*****************************************************************************/
/* Pod: describePod, describeContainers, DescribeProbe, describePodIPs,
 * printPodTolerationsMultiline (the DefaultTolerationSeconds pair). */

static void
test_kubectl_describe_pod(void **state)
{
    Fixture *f = *state;
    KnPod *pod = kn_pod_new();
    KnContainer *c = kn_container_new();
    KnContainerPort *port = kn_container_port_new();

    c->name = g_strdup("web");
    c->image = g_strdup("nginx:1.27");
    port->container_port = 80;
    g_ptr_array_add(c->ports, port);
    c->readiness.kind = KN_PROBE_HTTP_GET;
    kn_int_or_string_set_number(&c->readiness.port, 80);
    c->readiness.path = g_strdup("/healthz");
    g_ptr_array_add(pod->spec.containers, c);
    pod->spec.node_name = g_strdup("kind-worker");
    pod->host_ip = g_strdup("172.18.0.2");
    pod->pod_ip = g_strdup("10.244.1.2");
    pod->phase = KN_POD_RUNNING;
    pod->started = TRUE;
    pod->ready = TRUE;
    pod->start_time = 2 * S;
    kn_labels_set(pod->meta.labels, "app", "web");
    kn_labels_set(pod->meta.labels, "pod-template-hash", "5d8f7c9b4");
    pod->meta.owner.kind = KN_KIND_REPLICA_SET;
    pod->meta.owner.name = g_strdup("web-5d8f7c9b4");
    add(f, KN_KIND_POD, pod, "default", "web-5d8f7c9b4-abcde");

    g_autofree char *got = describe(f, KN_KIND_POD, pod, 5 * M);
    g_autofree char *volume = kn_kubectl_print_api_access_volume(pod);
    g_autofree char *want = g_strdup_printf(
        "Name:             web-5d8f7c9b4-abcde\n"
        "Namespace:        default\n"
        "Priority:         0\n"
        "Service Account:  default\n"
        "Node:             kind-worker/172.18.0.2\n"
        "Start Time:       Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Labels:           app=web\n"
        "                  pod-template-hash=5d8f7c9b4\n"
        "Annotations:      <none>\n"
        "Status:           Running\n"
        "IP:               10.244.1.2\n"
        "IPs:\n"
        "  IP:           10.244.1.2\n"
        "Controlled By:  ReplicaSet/web-5d8f7c9b4\n"
        "Containers:\n"
        "  web:\n"
        "    Container ID:   \n"
        "    Image:          nginx:1.27\n"
        "    Image ID:       \n"
        "    Port:           80/TCP\n"
        "    Host Port:      0/TCP\n"
        "    State:          Running\n"
        "      Started:      Thu, 01 Jan 2026 00:00:02 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  0\n"
        "    Readiness:      http-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3\n"
        "    Environment:    <none>\n"
        "    Mounts:\n"
        "      /var/run/secrets/kubernetes.io/serviceaccount from %s (ro)\n"
        "Conditions:\n"
        "  Type                        Status\n"
        "  PodReadyToStartContainers   True \n"
        "  Initialized                 True \n"
        "  Ready                       True \n"
        "  ContainersReady             True \n"
        "  PodScheduled                True \n"
        "Volumes:\n"
        "  %s:\n"
        "    Type:                    Projected (a volume that contains injected data from multiple sources)\n"
        "    TokenExpirationSeconds:  3607\n"
        "    ConfigMapName:           kube-root-ca.crt\n"
        "    Optional:                false\n"
        "    DownwardAPI:             true\n"
        "QoS Class:                   BestEffort\n"
        "Node-Selectors:              <none>\n"
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        "Events:                      <none>\n", volume, volume);

    assert_string_equal(got, want);
}

/* The containers of a pod with no node yet: no status, so no Container ID,
 * State or Ready.  Built for the tests below. */
static KnPod *
pending_pod(KnContainer *c)
{
    KnPod *pod = kn_pod_new();

    g_ptr_array_add(pod->spec.containers, c);
    pod->phase = KN_POD_PENDING;
    return pod;
}

static KnContainer *
container(const char *name, const char *image)
{
    KnContainer *c = kn_container_new();

    c->name = g_strdup(name);
    c->image = g_strdup(image);
    return c;
}

static void
add_port(KnContainer *c, const char *name, guint number)
{
    KnContainerPort *port = kn_container_port_new();

    port->name = g_strdup(name);
    port->container_port = number;
    g_ptr_array_add(c->ports, port);
}

/* Cuts the lines from the one starting with 'from' up to, not including,
 * the one starting with 'to', out of a describe text. */
static char *
lines_between(const char *text, const char *from, const char *to)
{
    const char *start = strstr(text, from);
    const char *end = start != NULL ? strstr(start, to) : NULL;

    assert_non_null(start);
    assert_non_null(end);
    return g_strndup(start, (gsize) (end - start));
}

/* describeContainerPorts, describeContainerHostPorts: a named port is
 * "80/TCP (http)", in both lines. */
static void
test_kubectl_describe_pod_named_ports(void **state)
{
    Fixture *f = *state;
    KnContainer *c = container("web", "nginx:1.27");

    add_port(c, "http", 80);
    add_port(c, NULL, 8080);
    add_port(c, "metrics", 9090);

    KnPod *pod = add(f, KN_KIND_POD, pending_pod(c), "default", "web");
    g_autofree char *got = describe(f, KN_KIND_POD, pod, 0);
    g_autofree char *part = lines_between(got, "Containers:", "Conditions:");
    g_autofree char *volume = kn_kubectl_print_api_access_volume(pod);
    g_autofree char *want = g_strdup_printf(
        "Containers:\n"
        "  web:\n"
        "    Image:        nginx:1.27\n"
        "    Ports:        80/TCP (http), 8080/TCP, 9090/TCP (metrics)\n"
        "    Host Ports:   0/TCP (http), 0/TCP, 0/TCP (metrics)\n"
        "    Environment:  <none>\n"
        "    Mounts:\n"
        "      /var/run/secrets/kubernetes.io/serviceaccount from %s (ro)\n", volume);

    assert_string_equal(part, want);

    KnContainer *one = container("web", "nginx:1.27");

    add_port(one, "http", 80);
    pod = add(f, KN_KIND_POD, pending_pod(one), "default", "web-2");
    g_free(got);
    got = describe(f, KN_KIND_POD, pod, 0);
    assert_non_null(strstr(got, "    Port:         80/TCP (http)\n"
                                "    Host Port:    0/TCP (http)\n"));
}

/* DescribeProbe: an http-get probe prints url.URL.String(), which escapes
 * the path ("?" included) and puts a "/" before a relative one; an empty
 * path is the API server's default "/". */
static void
test_kubectl_describe_probe_url(void **state)
{
    static const struct {
        const char *path;
        gboolean named;
        const char *want;
    } cases[] = {
        { "/healthz?full=1", FALSE, "http-get http://:8080/healthz%3Ffull=1 " },
        { "ready", FALSE, "http-get http://:8080/ready " },
        { "/a b/(x)", FALSE, "http-get http://:8080/a%20b/%28x%29 " },
        { "", TRUE, "http-get http://:http/ " },
        { NULL, FALSE, "http-get http://:8080/ " },
    };
    Fixture *f = *state;

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        KnContainer *c = container("web", "nginx:1.27");
        g_autofree char *name = g_strdup_printf("web-%u", i);

        c->readiness.kind = KN_PROBE_HTTP_GET;
        if (cases[i].named)
            kn_int_or_string_set_string(&c->readiness.port, "http");
        else
            kn_int_or_string_set_number(&c->readiness.port, 8080);
        c->readiness.path = g_strdup(cases[i].path);

        KnPod *pod = add(f, KN_KIND_POD, pending_pod(c), "default", name);
        g_autofree char *got = describe(f, KN_KIND_POD, pod, 0);
        g_autofree char *want = g_strdup_printf("Readiness:    %sdelay=0s", cases[i].want);

        if (strstr(got, want) == NULL)
            fail_msg("path %s: no \"%s\" in:\n%s", cases[i].path, want, got);
    }
}

/* printPodTolerationsMultiline with the DefaultTolerationSeconds
 * admission's additions: a toleration of every taint ("op=Exists", no key,
 * no effect) already tolerates not-ready and unreachable, so the plugin
 * adds neither. */
static void
test_kubectl_describe_pod_tolerates_everything(void **state)
{
    Fixture *f = *state;
    KnPod *pod = pending_pod(container("web", "nginx:1.27"));
    KnToleration *t = kn_toleration_new();

    t->exists = TRUE;
    g_ptr_array_add(pod->spec.tolerations, t);
    add(f, KN_KIND_POD, pod, "default", "web");

    g_autofree char *got = describe(f, KN_KIND_POD, pod, 0);

    assert_non_null(strstr(got, "\nTolerations:                 op=Exists\nEvents:"));
}

/* The ServiceAccount admission plugin's volume: "kube-api-access-" and
 * five characters of utilrand's alphabet, the same for a pod every time
 * and (almost always) different between pods. */
static void
test_kubectl_describe_api_access_volume(void **state)
{
    Fixture *f = *state;
    KnPod *a = add(f, KN_KIND_POD, pending_pod(container("web", "nginx:1.27")), "default", "a");
    KnPod *b = add(f, KN_KIND_POD, pending_pod(container("web", "nginx:1.27")), "default", "b");
    g_autofree char *name_a = kn_kubectl_print_api_access_volume(a);
    g_autofree char *again = kn_kubectl_print_api_access_volume(a);
    g_autofree char *name_b = kn_kubectl_print_api_access_volume(b);

    assert_int_equal(strlen(name_a), strlen("kube-api-access-") + 5);
    assert_true(g_str_has_prefix(name_a, "kube-api-access-"));
    assert_int_equal(strspn(name_a + strlen("kube-api-access-"), "bcdfghjklmnpqrstvwxz2456789"), 5);
    assert_string_equal(name_a, again);
    assert_string_not_equal(name_a, name_b);
}

/* What describe shows of a pod, -o yaml (here jsonpath) shows too: the
 * qosClass, the requests defaulted from the limits, the kube-api-access
 * volume and its mount. */
static char *
pod_jsonpath(Fixture *f, KnPod *pod, const char *template)
{
    g_autoptr(GPtrArray) objects = g_ptr_array_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnKubectlPrintOptions options = {
        .output = KN_KUBECTL_OUTPUT_JSONPATH, .template = template, .single = TRUE,
    };

    g_ptr_array_add(objects, pod);
    assert_true(kn_kubectl_print(KN_KIND_POD, objects, &options, f->store, 0, out, err));
    assert_string_equal(err->str, "");
    return g_strdup(out->str);
}

static void
test_kubectl_describe_pod_agrees_with_yaml(void **state)
{
    Fixture *f = *state;
    KnContainer *c = container("web", "nginx:1.27");

    kn_labels_set(c->limits, "cpu", "500m");
    kn_labels_set(c->limits, "memory", "128Mi");

    KnPod *pod = add(f, KN_KIND_POD, pending_pod(c), "default", "web");
    g_autofree char *volume = kn_kubectl_print_api_access_volume(pod);
    g_autofree char *qos = pod_jsonpath(f, pod, "{.status.qosClass}");
    g_autofree char *requests = pod_jsonpath(f, pod, "{.spec.containers[0].resources.requests}");
    g_autofree char *volumes = pod_jsonpath(f, pod, "{.spec.volumes[*].name}");
    g_autofree char *mounts = pod_jsonpath(f, pod, "{.spec.containers[0].volumeMounts[0].name} "
                                                   "{.spec.containers[0].volumeMounts[0].mountPath} "
                                                   "{.spec.containers[0].volumeMounts[0].readOnly}");
    g_autofree char *want_mounts = g_strdup_printf("%s /var/run/secrets/kubernetes.io/serviceaccount true", volume);

    assert_string_equal(qos, "Guaranteed");
    assert_string_equal(requests, "{\"cpu\":\"500m\",\"memory\":\"128Mi\"}");
    assert_string_equal(volumes, volume);
    assert_string_equal(mounts, want_mounts);
}

/* resource.Quantity's String(): the canonical form the API server stores
 * and describe and -o yaml print. */
static void
test_kubectl_describe_quantity(void **state)
{
    static const char *const cases[][2] = {
        { "0.5", "500m" }, { "1000m", "1" }, { "100m", "100m" }, { "1", "1" }, { "1000", "1k" },
        { "2048", "2048" }, { "1.5", "1500m" }, { "0", "0" }, { "0.0", "0" },
        { "128Mi", "128Mi" }, { "1024Mi", "1Gi" }, { "1.5Gi", "1536Mi" }, { "0.5Gi", "512Mi" },
        { "0.5Ki", "512" }, { "1e3", "1e3" }, { "1.5e3", "1500" }, { "12e-1", "1200e-3" },
        { "1G", "1G" }, { "1000M", "1G" }, { "1E", "1E" }, { "+2", "2" },
        { "lots", "lots" }, { "1.5x", "1.5x" }, { "1n", "1n" }, { "0.1n", "0.1n" },
    };

    (void) state;
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = kn_quantity_string(cases[i][0]);

        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("%s: got %s, want %s", cases[i][0], got, cases[i][1]);
    }
}

/* describeResources (limits, then requests) and qos.GetPodQOS: a pod's
 * limits without requests are its requests too (SetDefaults_Pod), which
 * makes it Guaranteed. */
static void
test_kubectl_describe_pod_resources(void **state)
{
    Fixture *f = *state;
    KnContainer *c = container("web", "nginx:1.27");

    kn_labels_set(c->limits, "cpu", "500m");
    kn_labels_set(c->limits, "memory", "128Mi");

    KnPod *pod = add(f, KN_KIND_POD, pending_pod(c), "default", "web");
    g_autofree char *got = describe(f, KN_KIND_POD, pod, 0);
    g_autofree char *part = lines_between(got, "Containers:", "Conditions:");
    g_autofree char *volume = kn_kubectl_print_api_access_volume(pod);
    g_autofree char *want = g_strdup_printf(
        "Containers:\n"
        "  web:\n"
        "    Image:      nginx:1.27\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Limits:\n"
        "      cpu:     500m\n"
        "      memory:  128Mi\n"
        "    Requests:\n"
        "      cpu:        500m\n"
        "      memory:     128Mi\n"
        "    Environment:  <none>\n"
        "    Mounts:\n"
        "      /var/run/secrets/kubernetes.io/serviceaccount from %s (ro)\n", volume);

    assert_string_equal(part, want);
    assert_non_null(strstr(got, "QoS Class:                   Guaranteed\n"));

    /* Less requested than limited, or a resource not limited: Burstable. */
    KnContainer *less = container("web", "nginx:1.27");

    kn_labels_set(less->requests, "cpu", "0.25");
    kn_labels_set(less->limits, "cpu", "500m");
    kn_labels_set(less->limits, "memory", "128Mi");
    pod = add(f, KN_KIND_POD, pending_pod(less), "default", "web-2");
    g_free(got);
    got = describe(f, KN_KIND_POD, pod, 0);
    assert_non_null(strstr(got, "    Requests:\n      cpu:        250m\n"));
    assert_non_null(strstr(got, "QoS Class:                   Burstable\n"));

    KnContainer *cpu_only = container("web", "nginx:1.27");

    kn_labels_set(cpu_only->requests, "cpu", "1");
    kn_labels_set(cpu_only->limits, "cpu", "1000m");
    pod = add(f, KN_KIND_POD, pending_pod(cpu_only), "default", "web-3");
    g_free(got);
    got = describe(f, KN_KIND_POD, pod, 0);
    assert_non_null(strstr(got, "QoS Class:                   Burstable\n"));

    /* Equal sums in other spellings; zero quantities do not count. */
    KnContainer *both = container("web", "nginx:1.27");

    kn_labels_set(both->requests, "cpu", "1");
    kn_labels_set(both->requests, "memory", "1Gi");
    kn_labels_set(both->limits, "cpu", "1000m");
    kn_labels_set(both->limits, "memory", "1024Mi");
    kn_labels_set(both->limits, "ephemeral-storage", "0");
    pod = add(f, KN_KIND_POD, pending_pod(both), "default", "web-4");
    g_free(got);
    got = describe(f, KN_KIND_POD, pod, 0);
    assert_non_null(strstr(got, "QoS Class:                   Guaranteed\n"));
}

/*****************************************************************************/
/* Deployment: describeDeployment, DescribePodTemplate (containers under
 * "  Containers:" with a one-space name indent), printReplicaSetsByLabels. */

static void
test_kubectl_describe_deployment(void **state)
{
    Fixture *f = *state;
    KnDeployment *d = kn_deployment_new();
    KnContainer *c = kn_container_new();

    c->name = g_strdup("web");
    c->image = g_strdup("nginx:1.27");
    g_ptr_array_add(d->template.spec.containers, c);
    d->replicas = 3;
    d->status_replicas = 3;
    d->updated_replicas = 3;
    d->ready_replicas = 2;
    d->available_replicas = 2;
    kn_labels_set(d->selector, "app", "web");
    kn_labels_set(d->template.labels, "app", "web");
    kn_labels_set(d->meta.labels, "app", "web");
    kn_labels_set(d->meta.annotations, "deployment.kubernetes.io/revision", "1");
    g_ptr_array_add(d->conditions, g_memdup2(&(KnDeploymentCondition) {
        "Progressing", TRUE, "ReplicaSetUpdated", g_strdup("ReplicaSet \"web-58d9d55b4d\" is progressing."), 0, 0,
    }, sizeof(KnDeploymentCondition)));
    g_ptr_array_add(d->conditions, g_memdup2(&(KnDeploymentCondition) {
        "Available", FALSE, "MinimumReplicasUnavailable", g_strdup("Deployment does not have minimum availability."),
        0, 0,
    }, sizeof(KnDeploymentCondition)));
    add(f, KN_KIND_DEPLOYMENT, d, "default", "web");

    g_autofree char *hash = kn_workloads_template_hash(&d->template, kn_sim_seed(f->sim));
    g_autofree char *rs_name = g_strdup_printf("web-%s", hash);
    KnReplicaSet *rs = kn_replica_set_new();

    rs->replicas = 3;
    rs->status_replicas = 3;
    rs->meta.owner.kind = KN_KIND_DEPLOYMENT;
    rs->meta.owner.name = g_strdup("web");
    rs->meta.owner.uid = g_strdup(d->meta.uid);
    add(f, KN_KIND_REPLICA_SET, rs, "default", rs_name);

    g_autofree char *got = describe(f, KN_KIND_DEPLOYMENT, d, 5 * M);

    assert_string_equal(got,
        "Name:                   web\n"
        "Namespace:              default\n"
        "CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Labels:                 app=web\n"
        "Annotations:            deployment.kubernetes.io/revision: 1\n"
        "Selector:               app=web\n"
        "Replicas:               3 desired | 3 updated | 3 total | 2 available | 1 unavailable\n"
        "StrategyType:           RollingUpdate\n"
        "MinReadySeconds:        0\n"
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
        "Pod Template:\n"
        "  Labels:  app=web\n"
        "  Containers:\n"
        "   web:\n"
        "    Image:         nginx:1.27\n"
        "    Port:          <none>\n"
        "    Host Port:     <none>\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Progressing    True    ReplicaSetUpdated\n"
        "  Available      False   MinimumReplicasUnavailable\n"
        "OldReplicaSets:  <none>\n"
        "NewReplicaSet:   web-58d9d55b4d (3/3 replicas created)\n"
        "Events:          <none>\n");
}

/*****************************************************************************/
/* ReplicaSet, Namespace, ConfigMap: describeReplicaSet (Pods Status counts
 * the pods the ReplicaSet controls, by phase), describeNamespace (no quota,
 * no limit range), ConfigMapDescriber (each key, "----", its value). */

static KnPod *
owned_pod(const KnReplicaSet *rs, KnPodPhase phase)
{
    KnPod *pod = pending_pod(container("web", "nginx:1.27"));

    pod->phase = phase;
    pod->meta.owner.kind = KN_KIND_REPLICA_SET;
    pod->meta.owner.name = g_strdup(rs->meta.name);
    pod->meta.owner.uid = g_strdup(rs->meta.uid);
    return pod;
}

static void
test_kubectl_describe_replica_set(void **state)
{
    Fixture *f = *state;
    KnReplicaSet *rs = kn_replica_set_new();
    KnContainer *c = container("web", "nginx:1.27");

    add_port(c, "http", 80);
    g_ptr_array_add(rs->template.spec.containers, c);
    rs->replicas = 3;
    rs->status_replicas = 2;
    kn_labels_set(rs->selector, "app", "web");
    kn_labels_set(rs->selector, "pod-template-hash", "5d8f7c9b4");
    kn_labels_set(rs->template.labels, "app", "web");
    kn_labels_set(rs->template.labels, "pod-template-hash", "5d8f7c9b4");
    kn_labels_set(rs->meta.labels, "app", "web");
    kn_labels_set(rs->meta.labels, "pod-template-hash", "5d8f7c9b4");
    kn_labels_set(rs->meta.annotations, "deployment.kubernetes.io/revision", "1");
    rs->meta.owner.kind = KN_KIND_DEPLOYMENT;
    rs->meta.owner.name = g_strdup("web");
    rs->meta.owner.uid = g_strdup("0c1d2e3f-0000-4000-8000-000000000001");
    add(f, KN_KIND_REPLICA_SET, rs, "default", "web-5d8f7c9b4");
    add(f, KN_KIND_POD, owned_pod(rs, KN_POD_RUNNING), "default", "web-5d8f7c9b4-abcde");
    add(f, KN_KIND_POD, owned_pod(rs, KN_POD_PENDING), "default", "web-5d8f7c9b4-fghij");
    /* Not the ReplicaSet's: not counted. */
    add(f, KN_KIND_POD, pending_pod(container("web", "nginx:1.27")), "default", "other");

    g_autofree char *got = describe(f, KN_KIND_REPLICA_SET, rs, 5 * M);

    assert_string_equal(got,
        "Name:           web-5d8f7c9b4\n"
        "Namespace:      default\n"
        "Selector:       app=web,pod-template-hash=5d8f7c9b4\n"
        "Labels:         app=web\n"
        "                pod-template-hash=5d8f7c9b4\n"
        "Annotations:    deployment.kubernetes.io/revision: 1\n"
        "Controlled By:  Deployment/web\n"
        "Replicas:       2 current / 3 desired\n"
        "Pods Status:    1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  app=web\n"
        "           pod-template-hash=5d8f7c9b4\n"
        "  Containers:\n"
        "   web:\n"
        "    Image:         nginx:1.27\n"
        "    Port:          80/TCP (http)\n"
        "    Host Port:     0/TCP (http)\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:            <none>\n");
}

/* describeStatefulSet: "desired | total", the defaulted RollingUpdate
 * strategy with partition 0, no volume claim templates. */
static void
test_kubectl_describe_stateful_set(void **state)
{
    Fixture *f = *state;
    KnStatefulSet *set = kn_stateful_set_new();

    g_ptr_array_add(set->template.spec.containers, container("db", "redis:7"));
    set->replicas = 3;
    set->current_replicas = 1;
    set->service_name = g_strdup("db");
    kn_labels_set(set->selector, "app", "db");
    kn_labels_set(set->template.labels, "app", "db");
    add(f, KN_KIND_STATEFUL_SET, set, "default", "db");

    KnPod *pod = pending_pod(container("db", "redis:7"));

    pod->meta.owner.kind = KN_KIND_STATEFUL_SET;
    pod->meta.owner.name = g_strdup("db");
    pod->meta.owner.uid = g_strdup(set->meta.uid);
    add(f, KN_KIND_POD, pod, "default", "db-0");

    g_autofree char *got = describe(f, KN_KIND_STATEFUL_SET, set, 5 * M);

    assert_string_equal(got,
        "Name:               db\n"
        "Namespace:          default\n"
        "CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Selector:           app=db\n"
        "Labels:             <none>\n"
        "Annotations:        <none>\n"
        "Replicas:           3 desired | 1 total\n"
        "Update Strategy:    RollingUpdate\n"
        "  Partition:        0\n"
        "Pods Status:        0 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  app=db\n"
        "  Containers:\n"
        "   db:\n"
        "    Image:         redis:7\n"
        "    Port:          <none>\n"
        "    Host Port:     <none>\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Volume Claims:     <none>\n"
        "Events:            <none>\n");
}

/* describeDaemonSet: the node counts are written without a tab, so they
 * end the first column block and "Pods Status:" starts its own.  The
 * apps/v1 conversion annotates every DaemonSet with its template
 * generation. */
static void
test_kubectl_describe_daemon_set(void **state)
{
    Fixture *f = *state;
    KnDaemonSet *set = kn_daemon_set_new();
    KnToleration *t = kn_toleration_new();

    g_ptr_array_add(set->template.spec.containers, container("agent", "busybox"));
    t->key = g_strdup("node-role.kubernetes.io/control-plane");
    t->exists = TRUE;
    t->effect = g_strdup("NoSchedule");
    g_ptr_array_add(set->template.spec.tolerations, t);
    kn_labels_set(set->template.spec.node_selector, "kubernetes.io/os", "linux");
    set->desired = 3;
    set->current = 3;
    set->ready = 2;
    kn_labels_set(set->selector, "app", "agent");
    kn_labels_set(set->template.labels, "app", "agent");
    add(f, KN_KIND_DAEMON_SET, set, "kube-system", "agent");

    g_autofree char *got = describe(f, KN_KIND_DAEMON_SET, set, 5 * M);

    assert_string_equal(got,
        "Name:           agent\n"
        "Namespace:      kube-system\n"
        "Selector:       app=agent\n"
        "Node-Selector:  kubernetes.io/os=linux\n"
        "Labels:         <none>\n"
        "Annotations:    deprecated.daemonset.template.generation: 1\n"
        "Desired Number of Nodes Scheduled: 3\n"
        "Current Number of Nodes Scheduled: 3\n"
        "Number of Nodes Scheduled with Up-to-date Pods: 3\n"
        "Number of Nodes Scheduled with Available Pods: 2\n"
        "Number of Nodes Misscheduled: 0\n"
        "Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  app=agent\n"
        "  Containers:\n"
        "   agent:\n"
        "    Image:         busybox\n"
        "    Port:          <none>\n"
        "    Host Port:     <none>\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  kubernetes.io/os=linux\n"
        "  Tolerations:     node-role.kubernetes.io/control-plane:NoSchedule op=Exists\n"
        "Events:            <none>\n");

    /* -o yaml (here jsonpath) shows the same annotation, the generation
     * following the template's changes. */
    g_autoptr(GPtrArray) objects = g_ptr_array_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnKubectlPrintOptions options = {
        .output = KN_KUBECTL_OUTPUT_JSONPATH, .single = TRUE,
        .template = "{.metadata.annotations.deprecated\\.daemonset\\.template\\.generation}",
    };

    set->meta.generation = 3;
    g_ptr_array_add(objects, set);
    assert_true(kn_kubectl_print(KN_KIND_DAEMON_SET, objects, &options, f->store, 0, out, err));
    assert_string_equal(err->str, "");
    assert_string_equal(out->str, "3");
}

static void
test_kubectl_describe_namespace(void **state)
{
    Fixture *f = *state;
    KnNamespace *ns = kn_namespace_new();

    kn_labels_set(ns->meta.labels, "kubernetes.io/metadata.name", "team-a");
    add(f, KN_KIND_NAMESPACE, ns, NULL, "team-a");

    g_autofree char *got = describe(f, KN_KIND_NAMESPACE, ns, 0);

    assert_string_equal(got,
        "Name:         team-a\n"
        "Labels:       kubernetes.io/metadata.name=team-a\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n");
}

static void
test_kubectl_describe_config_map(void **state)
{
    Fixture *f = *state;
    KnConfigMap *cm = kn_config_map_new();

    kn_labels_set(cm->data, "Corefile", ".:53 {\n    forward . /etc/resolv.conf\n}\n");
    kn_labels_set(cm->data, "mode", "iptables");
    add(f, KN_KIND_CONFIG_MAP, cm, "kube-system", "coredns");

    g_autofree char *got = describe(f, KN_KIND_CONFIG_MAP, cm, 0);

    assert_string_equal(got,
        "Name:         coredns\n"
        "Namespace:    kube-system\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "\n"
        "Data\n"
        "====\n"
        "Corefile:\n"
        "----\n"
        ".:53 {\n"
        "    forward . /etc/resolv.conf\n"
        "}\n"
        "\n"
        "\n"
        "mode:\n"
        "----\n"
        "iptables\n"
        "\n"
        "\n"
        "BinaryData\n"
        "====\n"
        "\n"
        "Events:  <none>\n");

    KnConfigMap *empty = kn_config_map_new();

    add(f, KN_KIND_CONFIG_MAP, empty, "default", "empty");
    g_free(got);
    got = describe(f, KN_KIND_CONFIG_MAP, empty, 0);
    assert_non_null(strstr(got, "Annotations:  <none>\n\nData\n====\n\nBinaryData\n====\n\nEvents:  <none>\n"));
}

/*****************************************************************************/
/* Node: describeNode without the node-resource tables: findNodeRoles,
 * printNodeTaintsMultiline, describeNodeLease, System Info. */

/* DescribeEvents: oldest first, a repeat's Age "LAST (xN over FIRST)",
 * From the source's component, the message trimmed. */
static void
test_kubectl_describe_events(void **state)
{
    Fixture *f = *state;
    KnConfigMap *cm = add(f, KN_KIND_CONFIG_MAP, kn_config_map_new(), "default", "settings");
    g_autoptr(KnRecorder) recorder = kn_recorder_new(f->store);

    kn_recorder_event(recorder, KN_KIND_CONFIG_MAP, &cm->meta, NULL, FALSE, "Synced", "tester", NULL,
                      "first  ");
    for (int i = 1; i <= 3; i++) {
        test_run_to(f->sim, (KnTime) i * 10 * S);
        kn_recorder_event(recorder, KN_KIND_CONFIG_MAP, &cm->meta, NULL, TRUE, "Failed", "tester", "node-1",
                          "boom");
    }

    g_autofree char *got = describe(f, KN_KIND_CONFIG_MAP, cm, 60 * S);

    assert_true(g_str_has_suffix(got,
        "Events:\n"
        "  Type     Reason  Age                From    Message\n"
        "  ----     ------  ----               ----    -------\n"
        "  Normal   Synced  60s                tester  first\n"
        "  Warning  Failed  30s (x3 over 50s)  tester  boom\n"));
}

static void
test_kubectl_describe_node(void **state)
{
    Fixture *f = *state;
    KnNode *node = kn_node_new();
    KnTaint *t = g_new0(KnTaint, 1);

    node->internal_ip = g_strdup("172.18.0.3");
    node->pod_cidr = g_strdup("10.244.0.0/24");
    node->cpu = 8;
    node->ready = TRUE;
    node->ready_time = 12 * S;
    kn_labels_set(node->meta.labels, "kubernetes.io/hostname", "kind-control-plane");
    kn_labels_set(node->meta.labels, "node-role.kubernetes.io/control-plane", "");
    t->key = g_strdup("node-role.kubernetes.io/control-plane");
    t->effect = g_strdup("NoSchedule");
    g_ptr_array_add(node->taints, t);
    add(f, KN_KIND_NODE, node, NULL, "kind-control-plane");

    g_autofree char *got = describe(f, KN_KIND_NODE, node, 5 * M + 7 * S);

    assert_string_equal(got,
        "Name:               kind-control-plane\n"
        "Roles:              control-plane\n"
        "Labels:             kubernetes.io/hostname=kind-control-plane\n"
        "                    node-role.kubernetes.io/control-plane=\n"
        "Annotations:        <none>\n"
        "CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n"
        "Unschedulable:      false\n"
        "Lease:\n"
        "  HolderIdentity:  kind-control-plane\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Thu, 01 Jan 2026 00:05:00 +0000\n"
        "Conditions:\n"
        "  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message\n"
        "  ----    ------  -----------------                 ------------------                ------         -------\n"
        "  Ready   True    Thu, 01 Jan 2026 00:00:12 +0000   Thu, 01 Jan 2026 00:00:12 +0000   KubeletReady   kubelet is posting ready status\n"
        "Addresses:\n"
        "  InternalIP:  172.18.0.3\n"
        "  Hostname:    kind-control-plane\n"
        "Capacity:\n"
        "  cpu:   8\n"
        "  pods:  110\n"
        "Allocatable:\n"
        "  cpu:   8\n"
        "  pods:  110\n"
        "System Info:\n"
        "  Machine ID:                 \n"
        "  System UUID:                \n"
        "  Boot ID:                    \n"
        "  Kernel Version:             6.1.0-25-amd64\n"
        "  OS Image:                   Debian GNU/Linux 12 (bookworm)\n"
        "  Operating System:           linux\n"
        "  Architecture:               amd64\n"
        "  Container Runtime Version:  containerd://1.7.18\n"
        "  Kubelet Version:            v1.31.0\n"
        "  Kube-Proxy Version:         v1.31.0\n"
        "PodCIDR:                      10.244.0.0/24\n"
        "PodCIDRs:                     10.244.0.0/24\n"
        "Events:                       <none>\n");
}

/*****************************************************************************/
/* Several objects, and kinds without a describer. */

/* pkg/cmd/describe: the second description follows "\n\n". */
static void
test_kubectl_describe_separates_objects(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) objects = g_ptr_array_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnEndpoints *a = add(f, KN_KIND_ENDPOINTS, kn_endpoints_new(), "default", "a");
    KnEndpoints *b = add(f, KN_KIND_ENDPOINTS, kn_endpoints_new(), "default", "b");
    KnEndpointSubset *ss = kn_endpoint_subset_new();
    KnEndpointAddress *addr = kn_endpoint_address_new();
    KnEndpointPort *port = kn_endpoint_port_new();

    addr->ip = g_strdup("10.244.1.2");
    port->port = 8080;
    g_ptr_array_add(ss->addresses, addr);
    g_ptr_array_add(ss->ports, port);
    g_ptr_array_add(b->subsets, ss);
    g_ptr_array_add(objects, a);
    g_ptr_array_add(objects, b);
    assert_true(kn_kubectl_describe(KN_KIND_ENDPOINTS, objects, f->store, 0, out, err));
    /* describeEndpoints */
    assert_string_equal(out->str,
        "Name:         a\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "Subsets:\n"
        "Events:  <none>\n"
        "\n"
        "\n"
        "Name:         b\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "Subsets:\n"
        "  Addresses:          10.244.1.2\n"
        "  NotReadyAddresses:  <none>\n"
        "  Ports:\n"
        "    Name     Port  Protocol\n"
        "    ----     ----  --------\n"
        "    <unset>  8080  TCP\n"
        "\n"
        "Events:  <none>\n");
}

/* Describer(): kubectl has a describer for every kind knetsim keeps, so
 * none fails with "no description has been implemented". */
static void
test_kubectl_describe_every_kind(void **state)
{
    Fixture *f = *state;
    g_autoptr(GPtrArray) objects = g_ptr_array_new();

    for (KnKind kind = 0; kind < KN_N_KINDS; kind++) {
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GString) err = g_string_new(NULL);

        if (kind == KN_KIND_EVENT)       /* kubectl's generic describer: not modelled */
            continue;
        assert_true(kn_kubectl_describe(kind, objects, f->store, 0, out, err));
        assert_string_equal(out->str, "");
        assert_string_equal(err->str, "");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kubectl_describe_cluster_ip_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_node_port_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_load_balancer_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_headless_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_endpoint_slice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_pod, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_pod_named_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_pod_resources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_quantity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_api_access_volume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_pod_agrees_with_yaml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_pod_tolerates_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_probe_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_deployment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_replica_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_stateful_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_daemon_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_namespace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_config_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_separates_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_every_kind, setup, teardown),
    };

    return cmocka_run_group_tests_name("kubectl_describe", tests, NULL, NULL);
}
