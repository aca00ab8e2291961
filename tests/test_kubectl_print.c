/* test_kubectl_print.c -- `kubectl get` output, compared byte for byte.
 *
 * The expected texts follow kubectl v1.30+: the printers of
 * kubernetes/kubernetes pkg/printers/internalversion/printers.go, the
 * cli-runtime table printer and its tabwriter (minwidth 6, padding 3),
 * k8s.io/apimachinery/pkg/util/duration.HumanDuration, sigs.k8s.io/yaml
 * (go-yaml v2) and k8s.io/client-go/util/jsonpath. */

#include <config.h>
#include "tests/test_util.h"

#include "models/kubectl-print.h"

#define S (KN_SEC)
#define M (60 * KN_SEC)
#define H (60 * M)
#define D (24 * H)

/*****************************************************************************/
/* Helpers: objects as a test builds them, and one call of the printer. */

typedef struct {
    KnKind kind;
    GPtrArray *objects;          /* owned here: freed with kn_object_free() */
} Objects;

static Objects *
objects_new(KnKind kind)
{
    Objects *o = g_new0(Objects, 1);

    o->kind = kind;
    o->objects = g_ptr_array_new();
    return o;
}

static void
objects_free(Objects *o)
{
    for (guint i = 0; i < o->objects->len; i++)
        kn_object_free(o->kind, o->objects->pdata[i]);
    g_ptr_array_unref(o->objects);
    g_free(o);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Objects, objects_free)

static void
meta_init(KnObjectMeta *meta, const char *ns, const char *name, KnTime created)
{
    meta->namespace = g_strdup(ns);
    meta->name = g_strdup(name);
    meta->creation_time = created;
    meta->uid = g_strdup_printf("00000000-0000-4000-8000-%012x", g_str_hash(name) & 0xffffff);
    meta->resource_version = 600;
}

/* Prints 'o' with 'options' at 'now'; returns stdout, stderr in '*err'. */
static char *
run(const Objects *o, const KnKubectlPrintOptions *options, KnTime now, char **err, gboolean *ok)
{
    GString *out = g_string_new(NULL);
    GString *errs = g_string_new(NULL);
    gboolean result = kn_kubectl_print(o->kind, o->objects, options, NULL, now, out, errs);

    if (ok != NULL)
        *ok = result;
    if (err != NULL)
        *err = g_string_free(errs, FALSE);
    else
        g_string_free(errs, TRUE);
    return g_string_free(out, FALSE);
}

static char *
run_simple(const Objects *o, KnKubectlOutput output, KnTime now)
{
    KnKubectlPrintOptions options = { .output = output };

    return run(o, &options, now, NULL, NULL);
}

static KnContainer *
container(const char *name, const char *image)
{
    KnContainer *c = kn_container_new();

    c->name = g_strdup(name);
    c->image = g_strdup(image);
    return c;
}

/*****************************************************************************/
/* AGE */

static void
check_duration(gint64 ns, const char *want)
{
    g_autofree char *got = kn_kubectl_print_human_duration(ns);

    assert_string_equal(got, want);
}

/* Each boundary of duration.HumanDuration, on both sides. */
static void
test_kubectl_print_human_duration_boundaries(void **state)
{
    (void) state;
    check_duration(0, "0s");
    check_duration(-(gint64) S, "0s");           /* up to a second ahead is "now" */
    check_duration(-2 * (gint64) S + 1, "0s");
    check_duration(-2 * (gint64) S, "<invalid>");
    check_duration(5 * S + 999999999, "5s");       /* truncates */
    check_duration(119 * S, "119s");
    check_duration(120 * S, "2m");
    check_duration(123 * S, "2m3s");
    check_duration(9 * M + 59 * S, "9m59s");
    check_duration(10 * M, "10m");
    check_duration(10 * M + 59 * S, "10m");
    check_duration(3 * H - 1, "179m");
    check_duration(3 * H, "3h");
    check_duration(3 * H + 5 * M, "3h5m");
    check_duration(8 * H - 1, "7h59m");
    check_duration(8 * H, "8h");
    check_duration(48 * H - 1, "47h");
    check_duration(48 * H, "2d");
    check_duration(51 * H, "2d3h");
    check_duration(8 * D - 1, "7d23h");
    check_duration(8 * D, "8d");
    check_duration(730 * D - 1, "729d");
    check_duration(730 * D, "2y");
    check_duration(735 * D, "2y5d");
    check_duration(2920 * D - 1, "7y364d");
    check_duration(2920 * D, "8y");
    check_duration(5000 * D, "13y");
}

static void
test_kubectl_print_timestamps_count_from_2026(void **state)
{
    (void) state;
    g_autofree char *zero = kn_kubectl_print_timestamp(0);
    g_autofree char *later = kn_kubectl_print_timestamp(D + 65 * S + 999999999);

    assert_string_equal(zero, "2026-01-01T00:00:00Z");
    assert_string_equal(later, "2026-01-02T00:01:05Z");
}

/*****************************************************************************/
/* Pods */

static KnPod *
pod(const char *ns, const char *name, KnPodPhase phase, const char *node, gboolean ready)
{
    KnPod *p = kn_pod_new();

    meta_init(&p->meta, ns, name, 0);
    g_ptr_array_add(p->spec.containers, container("web", "nginx:1.27"));
    p->phase = phase;
    p->spec.node_name = g_strdup(node);
    p->ready = ready;
    p->started = phase == KN_POD_RUNNING;
    if (node != NULL && phase == KN_POD_RUNNING)
        p->pod_ip = g_strdup_printf("10.244.1.%u", (guint) strlen(name));
    return p;
}

static Objects *
some_pods(void)
{
    Objects *o = objects_new(KN_KIND_POD);
    KnPod *old = pod("default", "old", KN_POD_RUNNING, "kind-worker", TRUE);
    KnPod *flaky = pod("default", "flaky", KN_POD_RUNNING, "kind-worker2", FALSE);
    KnPod *crashing = pod("default", "crashing", KN_POD_RUNNING, "kind-worker", FALSE);
    KnPod *sidecar = pod("default", "sidecar", KN_POD_RUNNING, "kind-worker", FALSE);
    KnPod *done = pod("default", "done", KN_POD_SUCCEEDED, "kind-worker", FALSE);

    old->meta.deleting = TRUE;
    /* Restarted twice, last at 40 s, running again but not ready yet. */
    ((KnContainer *) flaky->spec.containers->pdata[0])->readiness.kind = KN_PROBE_HTTP_GET;
    flaky->restarts = 2;
    flaky->runs = g_new0(KnContainerRun, 1);
    flaky->runs[0] = (KnContainerRun) { .state = KN_CONTAINER_RUNNING, .running_since = 41 * S, .has_last = TRUE,
                                        .last = { 1, 30 * S, 40 * S }, .restarts = 2 };
    /* Waiting out its back-off after its third exit, at 50 s. */
    crashing->restarts = 3;
    crashing->runs = g_new0(KnContainerRun, 1);
    crashing->runs[0] = (KnContainerRun) { .state = KN_CONTAINER_BACK_OFF, .ended = { 0, 49 * S, 50 * S },
                                           .has_last = TRUE, .last = { 0, 28 * S, 29 * S }, .restarts = 3,
                                           .back_off = 40 * S };
    /* Its first container completed, its second runs: not ready. */
    g_ptr_array_add(sidecar->spec.containers, container("log", "busybox:1.37"));
    sidecar->runs = g_new0(KnContainerRun, 2);
    sidecar->runs[0] = (KnContainerRun) { .state = KN_CONTAINER_TERMINATED, .ended = { 0, 5 * S, 6 * S } };
    sidecar->runs[1] = (KnContainerRun) { .state = KN_CONTAINER_RUNNING, .running_since = 5 * S };
    done->runs = g_new0(KnContainerRun, 1);
    done->runs[0] = (KnContainerRun) { .state = KN_CONTAINER_TERMINATED, .ended = { 0, 5 * S, 6 * S } };
    g_ptr_array_add(o->objects, flaky);
    g_ptr_array_add(o->objects, crashing);
    g_ptr_array_add(o->objects, sidecar);
    g_ptr_array_add(o->objects, done);
    g_ptr_array_add(o->objects, old);
    g_ptr_array_add(o->objects, pod("default", "queued", KN_POD_PENDING, NULL, FALSE));
    g_ptr_array_add(o->objects, pod("default", "starting", KN_POD_PENDING, "kind-worker", FALSE));
    g_ptr_array_add(o->objects, pod("default", "web-1", KN_POD_RUNNING, "kind-worker", TRUE));
    return o;
}

/* printPod: READY ready/total, STATUS from the phase and container states
 * (ContainerCreating while a scheduled pod's container waits, Terminating
 * once deletionTimestamp is set, CrashLoopBackOff while one waits out its
 * back-off, NotReady while one completed and another runs), RESTARTS "N
 * (AGE ago)" from the latest lastState's finishedAt (in back-off, the run
 * that just ended). */
static void
test_kubectl_print_pods_table(void **state)
{
    (void) state;
    g_autoptr(Objects) o = some_pods();
    g_autofree char *got = run_simple(o, KN_KUBECTL_OUTPUT_TABLE, 65 * S);

    assert_string_equal(got,
        "NAME       READY   STATUS              RESTARTS      AGE\n"
        "flaky      0/1     Running             2 (25s ago)   65s\n"
        "crashing   0/1     CrashLoopBackOff    3 (15s ago)   65s\n"
        "sidecar    1/2     NotReady            0             65s\n"
        "done       0/1     Completed           0             65s\n"
        "old        1/1     Terminating         0             65s\n"
        "queued     0/1     Pending             0             65s\n"
        "starting   0/1     ContainerCreating   0             65s\n"
        "web-1      1/1     Running             0             65s\n");
}

/* -o wide adds IP, NODE, NOMINATED NODE and READINESS GATES. */
static void
test_kubectl_print_pods_wide(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_POD);

    g_ptr_array_add(o->objects, pod("default", "queued", KN_POD_PENDING, NULL, FALSE));
    g_ptr_array_add(o->objects, pod("default", "web-1", KN_POD_RUNNING, "kind-worker", TRUE));

    g_autofree char *got = run_simple(o, KN_KUBECTL_OUTPUT_WIDE, 3 * M);

    assert_string_equal(got,
        "NAME     READY   STATUS    RESTARTS   AGE   IP           NODE          NOMINATED NODE   READINESS GATES\n"
        "queued   0/1     Pending   0          3m    <none>       <none>        <none>           <none>\n"
        "web-1    1/1     Running   0          3m    10.244.1.5   kind-worker   <none>           <none>\n");
}

/* -A puts NAMESPACE first; --show-labels puts LABELS last. */
static void
test_kubectl_print_all_namespaces_and_labels(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_POD);
    KnPod *dns = pod("kube-system", "coredns-7db6d8ff4d-x2k9q", KN_POD_RUNNING, "kind-control-plane", TRUE);
    KnPod *web = pod("default", "web-1", KN_POD_RUNNING, "kind-worker", TRUE);
    KnKubectlPrintOptions options = { .all_namespaces = TRUE, .show_labels = TRUE };

    kn_labels_set(dns->meta.labels, "k8s-app", "kube-dns");
    kn_labels_set(dns->meta.labels, "pod-template-hash", "7db6d8ff4d");
    dns->meta.creation_time = 0;
    web->meta.creation_time = 2 * H;
    g_ptr_array_add(o->objects, web);
    g_ptr_array_add(o->objects, dns);

    g_autofree char *got = run(o, &options, 5 * H + 30 * M, NULL, NULL);

    assert_string_equal(got,
        "NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE     LABELS\n"
        "default       web-1                      1/1     Running   0          3h30m   <none>\n"
        "kube-system   coredns-7db6d8ff4d-x2k9q   1/1     Running   0          5h30m   k8s-app=kube-dns,pod-template-hash=7db6d8ff4d\n");
}

/* get.go: an empty table means a notice on stderr, exit status 0. */
static void
test_kubectl_print_no_resources(void **state)
{
    (void) state;
    g_autoptr(Objects) pods = objects_new(KN_KIND_POD);
    g_autoptr(Objects) nodes = objects_new(KN_KIND_NODE);
    KnKubectlPrintOptions def = { 0 }, other = { .namespace = "shop" }, all = { .all_namespaces = TRUE };
    KnKubectlPrintOptions name = { .output = KN_KUBECTL_OUTPUT_NAME };
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL;
    gboolean ok;
    g_autofree char *o1 = run(pods, &def, 0, &e1, &ok);
    g_autofree char *o2 = run(pods, &other, 0, &e2, NULL);
    g_autofree char *o3 = run(pods, &all, 0, &e3, NULL);
    g_autofree char *o4 = run(nodes, &def, 0, &e4, NULL);
    g_autofree char *o5 = run(pods, &name, 0, &e5, NULL);

    assert_true(ok);
    assert_string_equal(o1, "");
    assert_string_equal(e1, "No resources found in default namespace.\n");
    assert_string_equal(e2, "No resources found in shop namespace.\n");
    assert_string_equal(e3, "No resources found\n");
    assert_string_equal(e4, "No resources found\n");
    assert_string_equal(o5, "");                /* printGeneric: no notice */
    assert_string_equal(e5, "");
}

/*****************************************************************************/
/* Services */

static KnService *
service(const char *name, KnServiceType type, const char *ip, guint port, guint node_port)
{
    KnService *s = kn_service_new();

    meta_init(&s->meta, "default", name, 0);
    s->spec.type = type;
    if (ip != NULL) {
        s->spec.cluster_ip = g_strdup(ip);
        g_ptr_array_add(s->spec.cluster_ips, g_strdup(ip));
        g_ptr_array_add(s->spec.ip_families, g_strdup("IPv4"));
        s->spec.ip_family_policy = KN_IP_FAMILY_POLICY_SINGLE_STACK;
    }
    if (port > 0) {
        KnServicePort *p = kn_service_port_new();

        p->port = port;
        p->node_port = node_port;
        kn_int_or_string_set_number(&p->target_port, 8080);
        g_ptr_array_add(s->spec.ports, p);
    }
    if (type != KN_SERVICE_EXTERNAL_NAME && strcmp(name, "kubernetes") != 0) {
        s->spec.selector = kn_labels_new();
        kn_labels_set(s->spec.selector, "app", strcmp(name, "db") == 0 ? "db" : "web");
    }
    return s;
}

static Objects *
every_service_type(void)
{
    Objects *o = objects_new(KN_KIND_SERVICE);
    KnService *ext = service("ext", KN_SERVICE_EXTERNAL_NAME, NULL, 0, 0);

    ext->spec.external_name = g_strdup("example.com");
    g_ptr_array_add(o->objects, service("db", KN_SERVICE_CLUSTER_IP, "None", 5432, 0));
    g_ptr_array_add(o->objects, ext);
    g_ptr_array_add(o->objects, service("kubernetes", KN_SERVICE_CLUSTER_IP, "10.96.0.1", 443, 0));
    g_ptr_array_add(o->objects, service("web", KN_SERVICE_CLUSTER_IP, "10.96.100.10", 80, 0));
    g_ptr_array_add(o->objects, service("web-lb", KN_SERVICE_LOAD_BALANCER, "10.96.50.5", 80, 31234));
    g_ptr_array_add(o->objects, service("web-np", KN_SERVICE_NODE_PORT, "10.96.200.20", 80, 30080));
    return o;
}

/* printService: CLUSTER-IP is clusterIPs[0] or <none>; EXTERNAL-IP is
 * <none>, <pending> for a LoadBalancer without ingress, or the external
 * name; PORT(S) from makePortString. */
static void
test_kubectl_print_services_of_every_type(void **state)
{
    (void) state;
    g_autoptr(Objects) o = every_service_type();
    g_autofree char *got = run_simple(o, KN_KUBECTL_OUTPUT_TABLE, 10 * M);

    assert_string_equal(got,
        "NAME         TYPE           CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE\n"
        "db           ClusterIP      None           <none>        5432/TCP       10m\n"
        "ext          ExternalName   <none>         example.com   <none>         10m\n"
        "kubernetes   ClusterIP      10.96.0.1      <none>        443/TCP        10m\n"
        "web          ClusterIP      10.96.100.10   <none>        80/TCP         10m\n"
        "web-lb       LoadBalancer   10.96.50.5     <pending>     80:31234/TCP   10m\n"
        "web-np       NodePort       10.96.200.20   <none>        80:30080/TCP   10m\n");
}

/* -o wide adds SELECTOR (labels.FormatLabels: <none> when unset); an
 * ingress IP replaces <pending>; several ports join with ','. */
static void
test_kubectl_print_services_wide(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_SERVICE);
    KnService *dns = service("kube-dns", KN_SERVICE_CLUSTER_IP, "10.96.0.10", 53, 0);
    KnService *lb = service("web-lb", KN_SERVICE_LOAD_BALANCER, "10.96.50.5", 80, 31234);
    KnServicePort *tcp = kn_service_port_new(), *metrics = kn_service_port_new();

    ((KnServicePort *) dns->spec.ports->pdata[0])->protocol = KN_PROTOCOL_UDP;
    tcp->port = 53;
    metrics->port = 9153;
    g_ptr_array_add(dns->spec.ports, tcp);
    g_ptr_array_add(dns->spec.ports, metrics);
    kn_labels_free(dns->spec.selector);
    dns->spec.selector = kn_labels_new();
    kn_labels_set(dns->spec.selector, "k8s-app", "kube-dns");
    g_ptr_array_add(lb->load_balancer_ingress, g_strdup("172.18.255.200"));
    g_ptr_array_add(o->objects, dns);
    g_ptr_array_add(o->objects, lb);
    g_ptr_array_add(o->objects, service("kubernetes", KN_SERVICE_CLUSTER_IP, "10.96.0.1", 443, 0));

    g_autofree char *got = run_simple(o, KN_KUBECTL_OUTPUT_WIDE, 2 * D + 3 * H);

    assert_string_equal(got,
        "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP      PORT(S)                  AGE    SELECTOR\n"
        "kube-dns     ClusterIP      10.96.0.10   <none>           53/UDP,53/TCP,9153/TCP   2d3h   k8s-app=kube-dns\n"
        "web-lb       LoadBalancer   10.96.50.5   172.18.255.200   80:31234/TCP             2d3h   app=web\n"
        "kubernetes   ClusterIP      10.96.0.1    <none>           443/TCP                  2d3h   <none>\n");
}

/* -o yaml of one Service, whole: keys sorted at every level, lists not
 * indented under their key, numeric-looking strings quoted. */
static void
test_kubectl_print_service_yaml(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_SERVICE);
    KnService *np = service("web-np", KN_SERVICE_NODE_PORT, "10.96.200.20", 80, 30080);
    KnKubectlPrintOptions options = { .output = KN_KUBECTL_OUTPUT_YAML, .single = TRUE };

    kn_labels_set(np->meta.labels, "app", "web");
    np->meta.creation_time = 5 * S + 250 * KN_MSEC;
    np->meta.resource_version = 612;
    g_free(np->meta.uid);
    np->meta.uid = g_strdup("8f1c2b7e-4c1d-4e6a-9a51-2f0d3b6c7a10");
    g_ptr_array_add(o->objects, np);

    g_autofree char *got = run(o, &options, M, NULL, NULL);

    assert_string_equal(got,
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  creationTimestamp: \"2026-01-01T00:00:05Z\"\n"
        "  labels:\n"
        "    app: web\n"
        "  name: web-np\n"
        "  namespace: default\n"
        "  resourceVersion: \"612\"\n"
        "  uid: 8f1c2b7e-4c1d-4e6a-9a51-2f0d3b6c7a10\n"
        "spec:\n"
        "  clusterIP: 10.96.200.20\n"
        "  clusterIPs:\n"
        "  - 10.96.200.20\n"
        "  externalTrafficPolicy: Cluster\n"
        "  internalTrafficPolicy: Cluster\n"
        "  ipFamilies:\n"
        "  - IPv4\n"
        "  ipFamilyPolicy: SingleStack\n"
        "  ports:\n"
        "  - nodePort: 30080\n"
        "    port: 80\n"
        "    protocol: TCP\n"
        "    targetPort: 8080\n"
        "  selector:\n"
        "    app: web\n"
        "  sessionAffinity: None\n"
        "  type: NodePort\n"
        "status:\n"
        "  loadBalancer: {}\n");
}

/* A pod's spec.dnsConfig in -o yaml: keys sorted, a nil option value
 * left out. */
static void
test_kubectl_print_pod_dns_config_yaml(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_POD);
    KnPod *pod = kn_pod_new();
    KnContainer *c = kn_container_new();
    KnPodDnsConfigOption *ndots = kn_pod_dns_config_option_new(), *reopen = kn_pod_dns_config_option_new();
    KnKubectlPrintOptions options = { .output = KN_KUBECTL_OUTPUT_YAML, .single = TRUE };

    meta_init(&pod->meta, "default", "client", 0);
    c->name = g_strdup("shell");
    c->image = g_strdup("nicolaka/netshoot");
    g_ptr_array_add(pod->spec.containers, c);
    pod->spec.dns_config = kn_pod_dns_config_new();
    g_ptr_array_add(pod->spec.dns_config->nameservers, g_strdup("1.1.1.1"));
    g_ptr_array_add(pod->spec.dns_config->searches, g_strdup("corp.example"));
    g_free(ndots->name);
    ndots->name = g_strdup("ndots");
    ndots->value = g_strdup("1");
    g_free(reopen->name);
    reopen->name = g_strdup("single-request-reopen");
    g_ptr_array_add(pod->spec.dns_config->options, ndots);
    g_ptr_array_add(pod->spec.dns_config->options, reopen);
    g_ptr_array_add(o->objects, pod);

    g_autofree char *got = run(o, &options, 0, NULL, NULL);

    assert_non_null(strstr(got, "  dnsConfig:\n"
                                "    nameservers:\n"
                                "    - 1.1.1.1\n"
                                "    options:\n"
                                "    - name: ndots\n"
                                "      value: \"1\"\n"
                                "    - name: single-request-reopen\n"
                                "    searches:\n"
                                "    - corp.example\n"
                                "  dnsPolicy: ClusterFirst\n"));
}

/* A list is kind: List; an empty one still prints (items: []). */
static void
test_kubectl_print_yaml_list(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_CONFIG_MAP);
    g_autoptr(Objects) none = objects_new(KN_KIND_CONFIG_MAP);
    KnConfigMap *cm = kn_config_map_new();
    KnKubectlPrintOptions options = { .output = KN_KUBECTL_OUTPUT_YAML };
    g_autofree char *err = NULL;

    meta_init(&cm->meta, "default", "app-config", 0);
    cm->meta.uid = (g_free(cm->meta.uid), g_strdup("u-1"));
    kn_labels_set(cm->data, "LOG_LEVEL", "debug");
    kn_labels_set(cm->data, "replicas", "3");
    kn_labels_set(cm->data, "enabled", "true");
    kn_labels_set(cm->data, "nginx.conf", "server {\n  listen 80;\n}\n");
    kn_labels_set(cm->data, "motd", "# hello: world");
    g_ptr_array_add(o->objects, cm);

    g_autofree char *got = run(o, &options, 0, NULL, NULL);
    g_autofree char *empty = run(none, &options, 0, &err, NULL);

    assert_string_equal(got,
        "apiVersion: v1\n"
        "items:\n"
        "- apiVersion: v1\n"
        "  data:\n"
        "    LOG_LEVEL: debug\n"
        "    enabled: \"true\"\n"
        "    motd: '# hello: world'\n"
        "    nginx.conf: |\n"
        "      server {\n"
        "        listen 80;\n"
        "      }\n"
        "    replicas: \"3\"\n"
        "  kind: ConfigMap\n"
        "  metadata:\n"
        "    creationTimestamp: \"2026-01-01T00:00:00Z\"\n"
        "    name: app-config\n"
        "    namespace: default\n"
        "    resourceVersion: \"600\"\n"
        "    uid: u-1\n"
        "kind: List\n"
        "metadata:\n"
        "  resourceVersion: \"\"\n");
    assert_string_equal(empty,
        "apiVersion: v1\n"
        "items: []\n"
        "kind: List\n"
        "metadata:\n"
        "  resourceVersion: \"\"\n");
    assert_string_equal(err, "");
}

/* --no-headers: the rows alone, and the header does not widen the
 * columns (kubectl never hands it to the tabwriter). */
static void
test_kubectl_print_no_headers(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_SERVICE);
    KnKubectlPrintOptions options = { .output = KN_KUBECTL_OUTPUT_TABLE, .no_headers = TRUE };
    g_autofree char *err = NULL;

    g_ptr_array_add(o->objects, service("web", KN_SERVICE_CLUSTER_IP, "10.96.100.10", 80, 0));

    g_autofree char *got = run(o, &options, 10 * M, &err, NULL);

    assert_string_equal(got, "web   ClusterIP   10.96.100.10   <none>   80/TCP   10m\n");
    assert_string_equal(err, "");
}

/*****************************************************************************/
/* -o custom-columns */

static char *
custom_columns(const Objects *o, const char *spec, gboolean no_headers, char **err, gboolean *ok)
{
    KnKubectlPrintOptions options = {
        .output = KN_KUBECTL_OUTPUT_CUSTOM_COLUMNS, .template = spec, .no_headers = no_headers,
    };

    return run(o, &options, 0, err, ok);
}

/* customcolumn.go: the headers as given, each path in any of its relaxed
 * forms, several results joined by ',', <none> for none, values as Go's
 * fmt prints those of an unstructured object (maps sorted, lists in
 * brackets), laid out by the tabwriter like a table. */
static void
test_kubectl_print_custom_columns(void **state)
{
    (void) state;
    g_autoptr(Objects) all = every_service_type();
    g_autofree char *err = NULL, *err2 = NULL;
    gboolean ok = FALSE;
    g_autofree char *got = custom_columns(all, "NAME:.metadata.name,IP:spec.clusterIP,PORTS:{.spec.ports[*].port},"
                                          "SEL:{spec.selector},NODEPORT:.spec.ports[0].nodePort", FALSE, &err, &ok);

    assert_true(ok);
    assert_string_equal(err, "");
    assert_string_equal(got,
        "NAME         IP             PORTS    SEL            NODEPORT\n"
        "db           None           5432     map[app:db]    <none>\n"
        "ext          <none>         <none>   <none>         <none>\n"
        "kubernetes   10.96.0.1      443      <none>         <none>\n"
        "web          10.96.100.10   80       map[app:web]   <none>\n"
        "web-lb       10.96.50.5     80       map[app:web]   31234\n"
        "web-np       10.96.200.20   80       map[app:web]   30080\n");

    g_autofree char *bare = custom_columns(all, "N:.metadata.name,T:.spec.type", TRUE, &err2, &ok);

    assert_true(ok);
    assert_string_equal(bare,
        "db           ClusterIP\n"
        "ext          ExternalName\n"
        "kubernetes   ClusterIP\n"
        "web          ClusterIP\n"
        "web-lb       LoadBalancer\n"
        "web-np       NodePort\n");
}

static void
check_custom_columns_error(const char *spec, const char *want_out, const char *want_err)
{
    g_autoptr(Objects) all = every_service_type();
    g_autofree char *err = NULL;
    gboolean ok = TRUE;
    g_autofree char *got = custom_columns(all, spec, FALSE, &err, &ok);

    assert_false(ok);
    assert_string_equal(got, want_out);
    assert_string_equal(err, want_err);
}

/* The printer's own errors, the jsonpath parser's unwrapped, and an
 * execution error, after what the tabwriter had (here the header). */
static void
test_kubectl_print_custom_columns_errors(void **state)
{
    (void) state;
    check_custom_columns_error("", "", "error: custom-columns format specified but no custom columns given\n");
    check_custom_columns_error("NAME:.metadata.name,TYPE", "",
                               "error: unexpected custom-columns spec: TYPE, expected <header>:<json-path-expr>\n");
    check_custom_columns_error("N:{.metadata.name", "",
                               "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                               "'{name1.name2}' or '{.name1.name2}'\n");
    check_custom_columns_error("N:.spec.ports[*", "", "error: unclosed array expect ]\n");
    check_custom_columns_error("N:.metadata.name,P:.spec.ports[1].port", "N     P\n",
                               "error: array index out of bounds: index 1, length 1\n");
}

/*****************************************************************************/
/* jsonpath and -o name */

static char *
jsonpath(const Objects *o, const char *template, gboolean single, char **err, gboolean *ok)
{
    KnKubectlPrintOptions options = {
        .output = KN_KUBECTL_OUTPUT_JSONPATH, .template = template, .single = single,
    };

    return run(o, &options, 0, err, ok);
}

static void
check_jsonpath(const Objects *o, const char *template, gboolean single, const char *want)
{
    gboolean ok;
    g_autofree char *err = NULL;
    g_autofree char *got = jsonpath(o, template, single, &err, &ok);

    assert_true(ok);
    assert_string_equal(err, "");
    assert_string_equal(got, want);
}

/* client-go jsonpath: results of one action join with a space, range
 * repeats its body, missing keys print nothing, maps print as JSON, no
 * newline is added. */
static void
test_kubectl_print_jsonpath(void **state)
{
    (void) state;
    g_autoptr(Objects) all = every_service_type();
    g_autoptr(Objects) np = objects_new(KN_KIND_SERVICE);

    g_ptr_array_add(np->objects, service("web-np", KN_SERVICE_NODE_PORT, "10.96.200.20", 80, 30080));
    check_jsonpath(np, "{.spec.clusterIP}", TRUE, "10.96.200.20");
    check_jsonpath(np, "{.spec.ports[0].nodePort}", TRUE, "30080");
    check_jsonpath(np, "{.spec.ports[-1].port}", TRUE, "80");
    check_jsonpath(np, "{.spec.selector}", TRUE, "{\"app\":\"web\"}");
    check_jsonpath(np, "{.spec.missing}", TRUE, "");
    check_jsonpath(np, "port={.spec.ports[*].port}", TRUE, "port=80");
    check_jsonpath(all, "{.items[*].metadata.name}", FALSE,
                   "db ext kubernetes web web-lb web-np");
    check_jsonpath(all, "{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.type}{\"\\n\"}{end}", FALSE,
                   "db\tClusterIP\next\tExternalName\nkubernetes\tClusterIP\nweb\tClusterIP\n"
                   "web-lb\tLoadBalancer\nweb-np\tNodePort\n");
    check_jsonpath(all, "{.items[?(@.spec.type==\"NodePort\")].spec.ports[0].nodePort}", FALSE, "30080");
    check_jsonpath(all, "{.items[1:3].metadata.name}", FALSE, "ext kubernetes");
    check_jsonpath(all, "{.kind}", FALSE, "List");
}

static void
test_kubectl_print_jsonpath_errors_exit_1(void **state)
{
    (void) state;
    g_autoptr(Objects) all = every_service_type();
    gboolean ok = TRUE;
    g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL;
    g_autofree char *out1 = jsonpath(all, "{.items[*}", FALSE, &err1, &ok);

    assert_false(ok);
    assert_string_equal(out1, "");
    assert_string_equal(err1, "error: error parsing jsonpath {.items[*}, unclosed array expect ]\n");

    g_autofree char *out2 = jsonpath(all, "{.items[0].metadata.name", FALSE, &err2, &ok);

    assert_false(ok);
    assert_string_equal(err2, "error: error parsing jsonpath {.items[0].metadata.name, unclosed action\n");

    g_autofree char *err4 = NULL;
    g_autofree char *out4 = jsonpath(all, "", FALSE, &err4, &ok);

    assert_false(ok);
    assert_string_equal(out4, "");
    assert_string_equal(err4, "error: template format specified but no template given\n");

    g_autofree char *out3 = jsonpath(all, "{.items[9].metadata.name}", FALSE, &err3, &ok);

    assert_false(ok);
    assert_string_equal(out3, "");
    assert_string_equal(err3, "error: error executing jsonpath \"{.items[9].metadata.name}\": "
                        "Error executing template: array index out of bounds: index 9, length 6\n");
}

static void
test_kubectl_print_names(void **state)
{
    (void) state;
    g_autoptr(Objects) svcs = every_service_type();
    g_autoptr(Objects) deps = objects_new(KN_KIND_DEPLOYMENT);
    KnDeployment *d = kn_deployment_new();

    meta_init(&d->meta, "default", "web", 0);
    g_ptr_array_add(deps->objects, d);

    g_autofree char *got = run_simple(svcs, KN_KUBECTL_OUTPUT_NAME, 0);
    g_autofree char *dep = run_simple(deps, KN_KUBECTL_OUTPUT_NAME, 0);

    assert_string_equal(got, "service/db\nservice/ext\nservice/kubernetes\nservice/web\n"
                        "service/web-lb\nservice/web-np\n");
    assert_string_equal(dep, "deployment.apps/web\n");
}

/*****************************************************************************/
/* Workloads, nodes, endpoints, config maps */

static void
test_kubectl_print_deployments(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_DEPLOYMENT);
    KnDeployment *d = kn_deployment_new();

    meta_init(&d->meta, "default", "web", 0);
    d->replicas = 3;
    d->ready_replicas = 2;
    d->updated_replicas = 3;
    d->available_replicas = 2;
    kn_labels_set(d->selector, "app", "web");
    kn_labels_set(d->selector, "tier", "fe");
    g_ptr_array_add(d->template.spec.containers, container("web", "nginx:1.27"));
    g_ptr_array_add(d->template.spec.containers, container("sidecar", "busybox:1.36"));
    g_ptr_array_add(o->objects, d);

    g_autofree char *table = run_simple(o, KN_KUBECTL_OUTPUT_TABLE, 90 * S);
    g_autofree char *wide = run_simple(o, KN_KUBECTL_OUTPUT_WIDE, 90 * S);

    assert_string_equal(table,
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "web    2/3     3            2           90s\n");
    assert_string_equal(wide,
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS    IMAGES                    SELECTOR\n"
        "web    2/3     3            2           90s   web,sidecar   nginx:1.27,busybox:1.36   app=web,tier=fe\n");
}

static void
test_kubectl_print_other_workloads(void **state)
{
    (void) state;
    g_autoptr(Objects) rs = objects_new(KN_KIND_REPLICA_SET);
    g_autoptr(Objects) sts = objects_new(KN_KIND_STATEFUL_SET);
    g_autoptr(Objects) ds = objects_new(KN_KIND_DAEMON_SET);
    KnReplicaSet *r = kn_replica_set_new();
    KnStatefulSet *s = kn_stateful_set_new();
    KnDaemonSet *d = kn_daemon_set_new();

    meta_init(&r->meta, "default", "web-5d8f7c9b6d", 0);
    r->replicas = 3;
    r->status_replicas = 3;
    r->ready_replicas = 3;
    g_ptr_array_add(rs->objects, r);
    meta_init(&s->meta, "default", "db", 0);
    s->replicas = 3;
    s->ready_replicas = 1;
    g_ptr_array_add(sts->objects, s);
    meta_init(&d->meta, "kube-system", "kube-proxy", 0);
    d->desired = d->current = d->ready = 3;
    kn_labels_set(d->template.spec.node_selector, "kubernetes.io/os", "linux");
    g_ptr_array_add(ds->objects, d);

    g_autofree char *t1 = run_simple(rs, KN_KUBECTL_OUTPUT_TABLE, 20 * D);
    g_autofree char *t2 = run_simple(sts, KN_KUBECTL_OUTPUT_TABLE, 20 * D);
    g_autofree char *t3 = run_simple(ds, KN_KUBECTL_OUTPUT_TABLE, 20 * D);

    assert_string_equal(t1,
        "NAME             DESIRED   CURRENT   READY   AGE\n"
        "web-5d8f7c9b6d   3         3         3       20d\n");
    assert_string_equal(t2,
        "NAME   READY   AGE\n"
        "db     1/3     20d\n");
    assert_string_equal(t3,
        "NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\n"
        "kube-proxy   3         3         3       3            3           kubernetes.io/os=linux   20d\n");
}

static KnNode *
node(const char *name, const char *ip, gboolean control_plane)
{
    KnNode *n = kn_node_new();

    meta_init(&n->meta, NULL, name, 0);
    n->internal_ip = g_strdup(ip);
    n->ready = TRUE;
    kn_labels_set(n->meta.labels, "kubernetes.io/hostname", name);
    if (control_plane)
        kn_labels_set(n->meta.labels, "node-role.kubernetes.io/control-plane", "");
    return n;
}

/* printNode: roles from node-role.kubernetes.io/ROLE labels, <none> without;
 * -A adds no NAMESPACE column to a cluster-scoped kind. */
static void
test_kubectl_print_nodes_with_roles(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_NODE);
    KnNode *w2 = node("kind-worker2", "172.18.0.4", FALSE);
    KnKubectlPrintOptions all = { .all_namespaces = TRUE };

    w2->ready = FALSE;
    w2->unschedulable = TRUE;
    g_ptr_array_add(o->objects, node("kind-control-plane", "172.18.0.3", TRUE));
    g_ptr_array_add(o->objects, node("kind-worker", "172.18.0.2", FALSE));
    g_ptr_array_add(o->objects, w2);

    g_autofree char *table = run(o, &all, 7 * M, NULL, NULL);
    g_autofree char *wide = run_simple(o, KN_KUBECTL_OUTPUT_WIDE, 7 * M);

    assert_string_equal(table,
        "NAME                 STATUS                        ROLES           AGE   VERSION\n"
        "kind-control-plane   Ready                         control-plane   7m    v1.31.0\n"
        "kind-worker          Ready                         <none>          7m    v1.31.0\n"
        "kind-worker2         NotReady,SchedulingDisabled   <none>          7m    v1.31.0\n");
    assert_string_equal(wide,
        "NAME                 STATUS                        ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME\n"
        "kind-control-plane   Ready                         control-plane   7m    v1.31.0   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-25-amd64   containerd://1.7.18\n"
        "kind-worker          Ready                         <none>          7m    v1.31.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-25-amd64   containerd://1.7.18\n"
        "kind-worker2         NotReady,SchedulingDisabled   <none>          7m    v1.31.0   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-25-amd64   containerd://1.7.18\n");
}

static KnEndpointSlice *
slice(const char *name, guint n_endpoints, guint port)
{
    KnEndpointSlice *s = kn_endpoint_slice_new();

    meta_init(&s->meta, "default", name, 0);
    for (guint i = 0; i < n_endpoints; i++) {
        KnEndpoint *ep = kn_endpoint_new();

        g_ptr_array_add(ep->addresses, g_strdup_printf("10.244.1.%u", i + 2));
        ep->ready = ep->serving = TRUE;
        g_ptr_array_add(s->endpoints, ep);
    }
    if (port > 0) {
        KnEndpointPort *p = kn_endpoint_port_new();

        p->name = g_strdup("");
        p->port = port;
        g_ptr_array_add(s->ports, p);
    }
    return s;
}

/* formatDiscoveryPorts/Endpoints: three, then " + N more..."; <unset> when
 * empty; a port without a number shows its name. */
static void
test_kubectl_print_endpoint_slices(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_ENDPOINT_SLICE);
    KnEndpointSlice *named = slice("named-x7k2p", 1, 0);
    KnEndpointPort *p = kn_endpoint_port_new();

    p->name = g_strdup("http");
    g_ptr_array_add(named->ports, p);
    g_ptr_array_add(o->objects, slice("empty-9bq4t", 0, 0));
    g_ptr_array_add(o->objects, named);
    g_ptr_array_add(o->objects, slice("web-8w2xz", 3, 8080));
    g_ptr_array_add(o->objects, slice("web-big-5mzqv", 5, 8080));

    g_autofree char *got = run_simple(o, KN_KUBECTL_OUTPUT_TABLE, 30 * S);

    assert_string_equal(got,
        "NAME            ADDRESSTYPE   PORTS     ENDPOINTS                                      AGE\n"
        "empty-9bq4t     IPv4          <unset>   <unset>                                        30s\n"
        "named-x7k2p     IPv4          http      10.244.1.2                                     30s\n"
        "web-8w2xz       IPv4          8080      10.244.1.2,10.244.1.3,10.244.1.4               30s\n"
        "web-big-5mzqv   IPv4          8080      10.244.1.2,10.244.1.3,10.244.1.4 + 2 more...   30s\n");

    /* The strategy counts a slice's generations (1 at creation). */
    named->meta.generation = 3;
    check_jsonpath(o, "{range .items[*]}{.metadata.generation} {end}", FALSE, "1 3 1 1 ");
}

/* printEvent: LAST SEEN from lastTimestamp (whole seconds), or from a
 * series singleton's eventTime; OBJECT the kind in lower case; -o wide
 * adds the container, the source, the first time, the count and the name. */
static void
test_kubectl_print_events(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_EVENT);
    KnEvent *scheduled = kn_event_new(), *unhealthy = kn_event_new();

    meta_init(&scheduled->meta, "default", "web.1886725126bf9d40", 0);
    scheduled->involved_kind = KN_KIND_POD;
    scheduled->involved_name = g_strdup("web");
    scheduled->reason = g_strdup("Scheduled");
    scheduled->message = g_strdup("Successfully assigned default/web to kind-worker");
    scheduled->component = g_strdup("default-scheduler");
    scheduled->host = g_strdup("default-scheduler-kind-control-plane");
    scheduled->series_api = TRUE;
    scheduled->first_time = scheduled->last_time = 5 * S + 5 * KN_MSEC;
    scheduled->count = 1;
    meta_init(&unhealthy->meta, "default", "web.188672529a3b8a40", 0);
    unhealthy->involved_kind = KN_KIND_POD;
    unhealthy->involved_name = g_strdup("web");
    unhealthy->field_path = g_strdup("spec.containers{nginx}");
    unhealthy->warning = TRUE;
    unhealthy->reason = g_strdup("Unhealthy");
    unhealthy->message = g_strdup("Readiness probe failed: HTTP probe failed with statuscode: 404");
    unhealthy->component = g_strdup("kubelet");
    unhealthy->host = g_strdup("kind-worker");
    unhealthy->first_time = 7 * S + 500 * KN_MSEC;
    unhealthy->last_time = 37 * S + 500 * KN_MSEC;
    unhealthy->count = 7;
    g_ptr_array_add(o->objects, scheduled);
    g_ptr_array_add(o->objects, unhealthy);

    g_autofree char *got = run_simple(o, KN_KUBECTL_OUTPUT_TABLE, 60 * S);
    g_autofree char *wide = run_simple(o, KN_KUBECTL_OUTPUT_WIDE, 60 * S);

    assert_string_equal(got,
        "LAST SEEN   TYPE      REASON      OBJECT    MESSAGE\n"
        "54s         Normal    Scheduled   pod/web   Successfully assigned default/web to kind-worker\n"
        "23s         Warning   Unhealthy   pod/web   Readiness probe failed: HTTP probe failed with statuscode: 404\n");
    assert_string_equal(wide,
        "LAST SEEN   TYPE      REASON      OBJECT    SUBOBJECT                SOURCE                         "
        "                           MESSAGE                                                          FIRST SE"
        "EN   COUNT   NAME\n"
        "54s         Normal    Scheduled   pod/web                            default-scheduler, default-sche"
        "duler-kind-control-plane   Successfully assigned default/web to kind-worker                 54s     "
        "     1       web.1886725126bf9d40\n"
        "23s         Warning   Unhealthy   pod/web   spec.containers{nginx}   kubelet, kind-worker           "
        "                           Readiness probe failed: HTTP probe failed with statuscode: 404   53s     "
        "     7       web.188672529a3b8a40\n");
}

/* formatEndpoints: ip:port per ready address and port, then + N more...;
 * <none> without subsets. */
static void
test_kubectl_print_endpoints(void **state)
{
    (void) state;
    g_autoptr(Objects) o = objects_new(KN_KIND_ENDPOINTS);
    KnEndpoints *web = kn_endpoints_new(), *none = kn_endpoints_new();
    KnEndpointSubset *ss = kn_endpoint_subset_new();

    meta_init(&none->meta, "default", "db", 0);
    meta_init(&web->meta, "default", "web", 0);
    for (guint i = 0; i < 2; i++) {
        KnEndpointAddress *a = kn_endpoint_address_new();
        KnEndpointPort *port = kn_endpoint_port_new();

        a->ip = g_strdup_printf("10.244.2.%u", i + 7);
        g_ptr_array_add(ss->addresses, a);
        port->port = i == 0 ? 8080 : 9090;
        g_ptr_array_add(ss->ports, port);
    }
    g_ptr_array_add(web->subsets, ss);
    g_ptr_array_add(o->objects, none);
    g_ptr_array_add(o->objects, web);

    g_autofree char *got = run_simple(o, KN_KUBECTL_OUTPUT_TABLE, 4 * H);

    assert_string_equal(got,
        "NAME   ENDPOINTS                                                     AGE\n"
        "db     <none>                                                        4h\n"
        "web    10.244.2.7:8080,10.244.2.8:8080,10.244.2.7:9090 + 1 more...   4h\n");
}

static void
test_kubectl_print_namespaces_and_config_maps(void **state)
{
    (void) state;
    g_autoptr(Objects) ns = objects_new(KN_KIND_NAMESPACE);
    g_autoptr(Objects) cms = objects_new(KN_KIND_CONFIG_MAP);
    KnNamespace *def = kn_namespace_new(), *gone = kn_namespace_new();
    KnConfigMap *cm = kn_config_map_new();

    meta_init(&def->meta, NULL, "default", 0);
    meta_init(&gone->meta, NULL, "old-lab", 0);
    gone->terminating = TRUE;
    g_ptr_array_add(ns->objects, def);
    g_ptr_array_add(ns->objects, gone);
    meta_init(&cm->meta, "kube-system", "coredns", 0);
    kn_labels_set(cm->data, "Corefile", ".:53 {\n}\n");
    g_ptr_array_add(cms->objects, cm);

    g_autofree char *t1 = run_simple(ns, KN_KUBECTL_OUTPUT_TABLE, 45 * D);
    g_autofree char *t2 = run_simple(cms, KN_KUBECTL_OUTPUT_TABLE, 45 * D);

    assert_string_equal(t1,
        "NAME      STATUS        AGE\n"
        "default   Active        45d\n"
        "old-lab   Terminating   45d\n");
    assert_string_equal(t2,
        "NAME      DATA   AGE\n"
        "coredns   1      45d\n");
}

/* The printer reads objects only. */
static void
test_kubectl_print_does_not_change_objects(void **state)
{
    (void) state;
    g_autoptr(Objects) o = every_service_type();
    KnService *web = o->objects->pdata[3];
    guint64 rv = web->meta.resource_version;
    g_autofree char *yaml = run_simple(o, KN_KUBECTL_OUTPUT_YAML, 0);
    g_autofree char *again = run_simple(o, KN_KUBECTL_OUTPUT_YAML, 0);

    assert_string_equal(yaml, again);
    assert_int_equal(web->meta.resource_version, rv);
    assert_string_equal(web->spec.cluster_ip, "10.96.100.10");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kubectl_print_human_duration_boundaries),
        cmocka_unit_test(test_kubectl_print_timestamps_count_from_2026),
        cmocka_unit_test(test_kubectl_print_pods_table),
        cmocka_unit_test(test_kubectl_print_pods_wide),
        cmocka_unit_test(test_kubectl_print_all_namespaces_and_labels),
        cmocka_unit_test(test_kubectl_print_no_resources),
        cmocka_unit_test(test_kubectl_print_services_of_every_type),
        cmocka_unit_test(test_kubectl_print_services_wide),
        cmocka_unit_test(test_kubectl_print_service_yaml),
        cmocka_unit_test(test_kubectl_print_pod_dns_config_yaml),
        cmocka_unit_test(test_kubectl_print_yaml_list),
        cmocka_unit_test(test_kubectl_print_jsonpath),
        cmocka_unit_test(test_kubectl_print_jsonpath_errors_exit_1),
        cmocka_unit_test(test_kubectl_print_names),
        cmocka_unit_test(test_kubectl_print_deployments),
        cmocka_unit_test(test_kubectl_print_other_workloads),
        cmocka_unit_test(test_kubectl_print_nodes_with_roles),
        cmocka_unit_test(test_kubectl_print_endpoint_slices),
        cmocka_unit_test(test_kubectl_print_events),
        cmocka_unit_test(test_kubectl_print_endpoints),
        cmocka_unit_test(test_kubectl_print_namespaces_and_config_maps),
        cmocka_unit_test(test_kubectl_print_does_not_change_objects),
        cmocka_unit_test(test_kubectl_print_no_headers),
        cmocka_unit_test(test_kubectl_print_custom_columns),
        cmocka_unit_test(test_kubectl_print_custom_columns_errors),
    };
    return cmocka_run_group_tests_name("kubectl_print", tests, NULL, NULL);
}
