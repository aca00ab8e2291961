/* test_kubectl.c -- kubectl commands against a bootstrapped cluster: what
 * they print, how they fail, and what they change. */

#include <config.h>
#include "tests/test_util.h"

#include "models/apiserver.h"
#include "models/kubectl.h"
#include "models/svc-alloc.h"
#include "tests/test_cluster.h"

typedef struct {
    TestCluster *t;                      /* the cluster, its workloads and EndpointSlices */
    KnKubectl *kubectl;
    char *out, *err;
    int status;
    gboolean done;
} Fixture;

static int
setup(void **state)
{
    TestCluster *t = test_cluster_new(TEST_CLUSTER_ENDPOINT_SLICES);
    Fixture *f;

    if (t == NULL)
        return -1;
    f = g_new0(Fixture, 1);
    f->t = t;
    f->kubectl = kn_kubectl_new(t->cluster, t->workloads);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    kn_kubectl_free(f->kubectl);
    test_cluster_free(f->t);
    g_free(f->out);
    g_free(f->err);
    g_free(f);
    return 0;
}

static void
on_done(const KnKubectlResult *result, gpointer user_data)
{
    Fixture *f = user_data;

    g_free(f->out);
    g_free(f->err);
    f->out = g_strdup(result->out->str);
    f->err = g_strdup(result->err->str);
    f->status = result->status;
    f->done = TRUE;
}

/* Runs `kubectl LINE` to its end; returns its exit status. */
static int
kubectl(Fixture *f, const char *line)
{
    KnTime give_up = kn_sim_now(f->t->sim) + 600 * KN_SEC;

    f->done = FALSE;
    kn_kubectl_run(f->kubectl, line, NULL, on_done, f);
    while (!f->done && kn_sim_now(f->t->sim) < give_up)
        kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 10 * KN_MSEC);
    if (!f->done)
        fail_msg("kubectl %s never exited", line);
    return f->status;
}

/* Runs `kubectl LINE` with 'input' on its standard input. */
static int
kubectl_in(Fixture *f, const char *line, const char *input)
{
    f->done = FALSE;
    kn_kubectl_run(f->kubectl, line, input, on_done, f);
    while (!f->done)
        kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 10 * KN_MSEC);
    return f->status;
}

/* apply.go reports the errors after the loop: one Invalid error as
 * checkErr() words it from its details, several as an aggregate, each with
 * its source ("STDIN" for -f -).  The rejected address is in the message
 * after the Service let it go. */
static void
test_kubectl_apply_errors(void **state)
{
    static const char one[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: bad}\n"
        "spec: {clusterIP: 1.2.3.4, ports: [{port: 80}]}\n";
    static const char two[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: bad}\n"
        "spec: {clusterIP: 1.2.3.4, ports: [{port: 80}]}\n"
        "---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: good}\nspec: {ports: [{port: 80}]}\n"
        "---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: worse}\n"
        "spec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}\n";
    static const char range[] = "failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid "
                                "range. The range of valid IPs is 10.96.0.0/12";
    Fixture *f = *state;

    assert_int_equal(kubectl_in(f, "apply -f -", one), 1);
    assert_string_equal(f->out, "");
    g_autofree char *want_one = g_strdup_printf("The Service \"bad\" is invalid: spec.clusterIPs: Invalid value: "
                                                "[]string{\"1.2.3.4\"}: %s\n", range);
    assert_string_equal(f->err, want_one);

    assert_int_equal(kubectl_in(f, "apply -f -", two), 1);
    assert_string_equal(f->out, "service/good created\n");
    assert_true(g_str_has_prefix(f->err, "Error from server (Invalid): error when creating \"STDIN\": Service "
                                         "\"bad\" is invalid: spec.clusterIPs: Invalid value: []string{\"1.2.3.4\"}"));
    assert_non_null(strstr(f->err, "\nError from server (Invalid): error when creating \"STDIN\": Service "
                                   "\"worse\" is invalid: spec.ports[0].nodePort: Invalid value: 80"));
}

/* The registry allocates a Service's addresses and ports (BeginCreate)
 * before it validates it (BeforeCreate): an allocator's refusal is the only
 * error, ports with one number share the node port the first asks for
 * (initNodePorts), and what validation refuses gives its ports back. */
static void
test_kubectl_apply_allocates_before_validating(void **state)
{
    static const char bad_name[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: Bad}\n"
        "spec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}\n";
    static const char dns[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: dns}\n"
        "spec: {type: NodePort, ports: [{name: tcp, port: 53, protocol: TCP, nodePort: 30053},\n"
        "  {name: udp, port: 53, protocol: UDP, nodePort: 30053}]}\n";
    static const char twice[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: twice}\n"
        "spec: {type: NodePort, ports: [{name: a, port: 80, nodePort: 30010}, {name: b, port: 81, nodePort: 30010}]}\n";
    static const char bad_port_name[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: named}\n"
        "spec: {type: NodePort, ports: [{name: Web, port: 80, nodePort: 30010}]}\n";
    static const char good[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: good}\n"
        "spec: {type: NodePort, ports: [{port: 80, nodePort: 30010}]}\n";
    static const char health[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\n"
        "spec: {type: LoadBalancer, externalTrafficPolicy: Local, healthCheckNodePort: 80, ports: [{port: 80}]}\n";
    Fixture *f = *state;
    KnService *svc;

    assert_int_equal(kubectl_in(f, "apply -f -", bad_name), 1);
    assert_string_equal(f->err, "The Service \"Bad\" is invalid: spec.ports[0].nodePort: Invalid value: 80: "
                                "provided port is not in the valid range. The range of valid ports is 30000-32767\n");

    assert_int_equal(kubectl_in(f, "apply -f -", dns), 0);
    svc = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "dns");
    assert_int_equal(((KnServicePort *) svc->spec.ports->pdata[0])->node_port, 30053);
    assert_int_equal(((KnServicePort *) svc->spec.ports->pdata[1])->node_port, 30053);

    assert_int_equal(kubectl_in(f, "apply -f -", twice), 1);
    assert_string_equal(f->err, "The Service \"twice\" is invalid: spec.ports[1].nodePort: Invalid value: 30010: "
                                "provided port is already allocated\n");
    assert_int_equal(kubectl_in(f, "apply -f -", bad_port_name), 1);
    assert_true(g_str_has_prefix(f->err, "The Service \"named\" is invalid: spec.ports[0].name: Invalid value: "
                                         "\"Web\": "));
    /* Neither refusal kept 30010. */
    assert_int_equal(kubectl_in(f, "apply -f -", good), 0);

    assert_int_equal(kubectl_in(f, "apply -f -", health), 1);
    assert_string_equal(f->err, "Error from server (InternalError): error when creating \"STDIN\": Internal error "
                                "occurred: failed to allocate requested HealthCheck NodePort 80: provided port is "
                                "not in the valid range. The range of valid ports is 30000-32767\n");
}

/* A Service refused for its cluster IP gives back only what it took: the
 * node port it asked for stays with the Service that holds it. */
static void
test_kubectl_refused_service_keeps_others_node_ports(void **state)
{
    static const char holder[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: holder}\n"
        "spec: {type: NodePort, ports: [{port: 80, nodePort: 30300}]}\n";
    static const char bad_ip[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: bad-ip}\n"
        "spec: {type: NodePort, clusterIP: 1.2.3.4, ports: [{port: 80, nodePort: 30300}]}\n";
    static const char again[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: again}\n"
        "spec: {type: NodePort, ports: [{port: 80, nodePort: 30300}]}\n";
    Fixture *f = *state;

    assert_int_equal(kubectl_in(f, "apply -f -", holder), 0);
    assert_int_equal(kubectl_in(f, "apply -f -", bad_ip), 1);
    assert_true(g_str_has_prefix(f->err, "The Service \"bad-ip\" is invalid: spec.clusterIPs: "));
    assert_int_equal(kubectl_in(f, "apply -f -", again), 1);
    assert_string_equal(f->err, "The Service \"again\" is invalid: spec.ports[0].nodePort: Invalid value: 30300: "
                                "provided port is already allocated\n");
}

/* checkErr words an Invalid error from the Status details, whose kind has
 * no group; an aggregate of several shows each Status message, the kind
 * with its group and the causes as ToAggregate joins them. */
static void
test_kubectl_invalid_wording(void **state)
{
    static const char two[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}, {port: 81}]}\n"
        "---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        "spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: web}},\n"
        "  spec: {containers: [{name: c, image: nginx:1.27}]}}}\n";
    static const char one[] =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        "spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: web}},\n"
        "  spec: {containers: [{name: c, image: nginx:1.27}]}}}\n";
    Fixture *f = *state;

    assert_int_equal(kubectl_in(f, "apply -f -", two), 1);
    assert_string_equal(f->err, "Error from server (Invalid): error when creating \"STDIN\": Service \"a\" is invalid: "
                                "[spec.ports[0].name: Required value, spec.ports[1].name: Required value]\n"
                                "Error from server (Invalid): error when creating \"STDIN\": Deployment.apps \"d\" is "
                                "invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: "
                                "`selector` does not match template `labels`\n");
    assert_int_equal(kubectl_in(f, "apply -f -", one), 1);
    assert_string_equal(f->err, "The Deployment \"d\" is invalid: spec.template.metadata.labels: Invalid value: "
                                "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`\n");
}

/* Malformed arguments get kubectl's errors: an empty type before a slash,
 * a selector term without a key, a --labels pair without '=' or key; an
 * empty value is a value. */
static void
test_kubectl_malformed_arguments(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "get /web"), 1);
    assert_string_equal(f->err, "error: arguments in resource/name form must have a single resource and name\n");
    assert_int_equal(kubectl(f, "get pods -l ="), 1);
    assert_string_equal(f->err, "error: unable to parse requirement: found '=', expected: identifier\n");
    assert_int_equal(kubectl(f, "get pods -l app!=web"), 0);
    assert_int_equal(kubectl(f, "get pods -l app="), 0);
    assert_int_equal(kubectl(f, "run x --image=nginx --labels=a=b,c"), 1);
    assert_string_equal(f->err, "error: unexpected label spec: c\n");
    assert_int_equal(kubectl(f, "run x --image=nginx --labels==b"), 1);
    assert_string_equal(f->err, "error: unexpected empty label key\n");
    assert_null(kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "x"));
}

/* An update is allocated before it is validated too (BeginUpdate, then
 * BeforeUpdate): the allocator's refusal hides the other errors, and a
 * refused update gives back the node ports it took. */
static void
test_kubectl_update_allocates_before_validating(void **state)
{
    static const char plain[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: upd}\nspec: {ports: [{name: http, port: 80}]}\n";
    static const char out_of_range[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: upd}\n"
        "spec: {type: NodePort, ports: [{name: Http, port: 80, nodePort: 80}]}\n";
    static const char bad_name[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: upd}\n"
        "spec: {type: NodePort, ports: [{name: Http, port: 80, nodePort: 30400}]}\n";
    static const char other[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: other}\n"
        "spec: {type: NodePort, ports: [{port: 80, nodePort: 30400}]}\n";
    static const char cluster_ip_node_port[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: upd}\n"
        "spec: {ports: [{name: http, port: 80, nodePort: 30401}]}\n";
    Fixture *f = *state;

    assert_int_equal(kubectl_in(f, "apply -f -", plain), 0);
    assert_int_equal(kubectl_in(f, "apply -f -", out_of_range), 1);
    assert_string_equal(f->err, "The Service \"upd\" is invalid: spec.ports[0].nodePort: Invalid value: 80: "
                                "provided port is not in the valid range. The range of valid ports is 30000-32767\n");
    assert_int_equal(kubectl_in(f, "apply -f -", bad_name), 1);
    assert_true(g_str_has_prefix(f->err, "The Service \"upd\" is invalid: spec.ports[0].name: Invalid value: "
                                         "\"Http\": "));
    /* The refused update did not keep 30400. */
    assert_int_equal(kubectl_in(f, "apply -f -", other), 0);
    /* A node port on a ClusterIP Service stays for validation to refuse. */
    assert_int_equal(kubectl_in(f, "apply -f -", cluster_ip_node_port), 1);
    assert_string_equal(f->err, "The Service \"upd\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used "
                                "when `type` is 'ClusterIP'\n");
}

/* initIPFamilyFields' special case: a headless Service without a selector
 * is RequireDualStack with both families, even on a single-stack cluster;
 * with a selector it is SingleStack. */
static void
test_kubectl_headless_selectorless_families(void **state)
{
    static const char yaml[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: bare}\nspec: {clusterIP: None, ports: [{port: 80}]}\n"
        "---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: sel}\n"
        "spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}\n";
    Fixture *f = *state;
    KnService *svc;

    assert_int_equal(kubectl_in(f, "apply -f -", yaml), 0);
    svc = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "bare");
    assert_int_equal(svc->spec.ip_family_policy, KN_IP_FAMILY_POLICY_REQUIRE_DUAL_STACK);
    assert_int_equal(svc->spec.ip_families->len, 2);
    assert_string_equal(svc->spec.ip_families->pdata[1], "IPv6");
    svc = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "sel");
    assert_int_equal(svc->spec.ip_family_policy, KN_IP_FAMILY_POLICY_SINGLE_STACK);
    assert_int_equal(svc->spec.ip_families->len, 1);
}

/* patchAllocatedValues keeps a node port by the port's name: a single
 * unnamed port keeps its node port when its number changes. */
static void
test_kubectl_update_keeps_node_port_by_name(void **state)
{
    static const char before[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort, ports: [{port: 80}]}\n";
    static const char after[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort, ports: [{port: 8080}]}\n";
    Fixture *f = *state;
    KnService *svc;
    guint node_port;

    assert_int_equal(kubectl_in(f, "apply -f -", before), 0);
    svc = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "np");
    node_port = ((KnServicePort *) svc->spec.ports->pdata[0])->node_port;
    assert_int_not_equal(node_port, 0);
    assert_int_equal(kubectl_in(f, "apply -f -", after), 0);
    svc = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "np");
    assert_int_equal(((KnServicePort *) svc->spec.ports->pdata[0])->port, 8080);
    assert_int_equal(((KnServicePort *) svc->spec.ports->pdata[0])->node_port, node_port);
    assert_true(kn_svc_alloc_port_has(f->t->cluster->node_ports, node_port));
}

/* --dry-run=client: nothing reaches the store; -o yaml prints the object
 * as the generator built it (no server fields, creationTimestamp null),
 * as kubectl does for the CKA's `... --dry-run=client -o yaml > file`. */
static void
test_kubectl_dry_run_client(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->t->cluster->store;

    assert_int_equal(kubectl(f, "create deployment web --image=nginx:1.27 --dry-run=client"), 0);
    assert_string_equal(f->out, "deployment.apps/web created (dry run)\n");
    assert_null(kn_store_lookup(store, KN_KIND_DEPLOYMENT, "default", "web"));
    assert_int_equal(kubectl(f, "create deployment web --image=nginx:1.27"), 0);
    assert_int_equal(kubectl(f, "expose deployment web --port=80 --target-port=8080 --dry-run=client -o yaml"), 0);
    assert_string_equal(f->out, "apiVersion: v1\n"
                                "kind: Service\n"
                                "metadata:\n"
                                "  creationTimestamp: null\n"
                                "  labels:\n"
                                "    app: web\n"
                                "  name: web\n"
                                "spec:\n"
                                "  ports:\n"
                                "  - port: 80\n"
                                "    protocol: TCP\n"
                                "    targetPort: 8080\n"
                                "  selector:\n"
                                "    app: web\n"
                                "status:\n"
                                "  loadBalancer: {}\n");
    assert_null(kn_store_lookup(store, KN_KIND_SERVICE, "default", "web"));
    assert_int_equal(kubectl(f, "run c --image=busybox:1.37 --restart=Never -n kube-system --dry-run=client -o yaml "
                                "-- sleep 3600"), 0);
    assert_non_null(strstr(f->out, "  name: c\n  namespace: kube-system\nspec:\n  containers:\n  - args:\n"
                                   "    - sleep\n    - \"3600\"\n"));
    assert_non_null(strstr(f->out, "  restartPolicy: Never\nstatus: {}\n"));
    assert_null(kn_store_lookup(store, KN_KIND_POD, "kube-system", "c"));
    assert_int_equal(kubectl(f, "run c --image=nginx --dry-run=maybe"), 1);
    assert_string_equal(f->err, "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n");
}

/* expose.go: every container port without --port (port-N names, their
 * protocols), no selector no Service, --protocol and --type as written
 * for the API server to judge. */
static void
test_kubectl_expose_introspection_and_errors(void **state)
{
    static const char pods[] =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: multi, labels: {app: multi}}\n"
        "spec: {containers: [{name: c, image: nginx:1.27, ports: [{containerPort: 80}, "
        "{containerPort: 53, protocol: UDP}]}]}\n"
        "---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\n"
        "spec: {containers: [{name: c, image: nginx:1.27}]}\n";
    Fixture *f = *state;
    KnService *svc;

    assert_int_equal(kubectl_in(f, "apply -f -", pods), 0);
    assert_int_equal(kubectl(f, "expose pod multi"), 0);
    svc = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "multi");
    assert_int_equal(svc->spec.ports->len, 2);
    assert_string_equal(((KnServicePort *) svc->spec.ports->pdata[0])->name, "port-1");
    assert_int_equal(((KnServicePort *) svc->spec.ports->pdata[1])->port, 53);
    assert_int_equal(((KnServicePort *) svc->spec.ports->pdata[1])->protocol, KN_PROTOCOL_UDP);

    assert_int_equal(kubectl(f, "expose pod bare --port=80"), 1);
    assert_string_equal(f->err, "error: couldn't retrieve selectors via --selector flag or introspection: the pod "
                                "has no labels and cannot be exposed\nSee 'kubectl expose -h' for help and examples\n");
    assert_int_equal(kubectl(f, "expose pod multi --name=m2 --port=80 --protocol=udp"), 1);
    assert_string_equal(f->err, "The Service \"m2\" is invalid: spec.ports[0].protocol: Unsupported value: \"udp\": "
                                "supported values: \"SCTP\", \"TCP\", \"UDP\"\n");
    assert_int_equal(kubectl(f, "expose pod multi --name=m3 --port=80 --type=Foo"), 1);
    assert_string_equal(f->err, "The Service \"m3\" is invalid: spec.type: Unsupported value: \"Foo\": supported "
                                "values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n");
}

/* create_service.go: ports named after their spec, named target ports,
 * parsePorts' and Validate()'s own errors, app=NAME on every type, and
 * "failed to create TYPE service" around the server's error. */
static void
test_kubectl_create_service(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->t->cluster->store;
    KnService *svc;

    assert_int_equal(kubectl(f, "create service clusterip a --tcp=443,80:http"), 0);
    svc = kn_store_lookup(store, KN_KIND_SERVICE, "default", "a");
    assert_string_equal(((KnServicePort *) svc->spec.ports->pdata[0])->name, "443");
    assert_string_equal(((KnServicePort *) svc->spec.ports->pdata[1])->name, "80-http");
    assert_string_equal(((KnServicePort *) svc->spec.ports->pdata[1])->target_port.name, "http");
    assert_int_equal(kubectl(f, "create service clusterip c --tcp=80:0"), 1);
    assert_string_equal(f->err, "error: must be between 1 and 65535, inclusive\n");
    assert_int_equal(kubectl(f, "create service nodeport e --tcp=80 --clusterip=None"), 1);
    assert_string_equal(f->err, "error: ClusterIP=None can only be used with ClusterIP service type\n");
    assert_int_equal(kubectl(f, "create service externalname x --external-name=Not_Valid"), 1);
    assert_string_equal(f->err, "error: invalid service external name Not_Valid\n");
    assert_int_equal(kubectl(f, "create service externalname g --external-name=example.com"), 0);
    svc = kn_store_lookup(store, KN_KIND_SERVICE, "default", "g");
    assert_string_equal(kn_labels_get(svc->spec.selector, "app"), "g");
    /* The EndpointSlice controller leaves an ExternalName alone, selector
     * or not. */
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 2 * KN_SEC);
    assert_int_equal(kubectl(f, "get endpointslices -l kubernetes.io/service-name=g"), 0);
    assert_string_equal(f->out, "");
    /* --tcp is a StringSlice: each use adds its ports. */
    assert_int_equal(kubectl(f, "create service clusterip m --tcp=80:80 --tcp=443,53"), 0);
    svc = kn_store_lookup(store, KN_KIND_SERVICE, "default", "m");
    assert_int_equal(svc->spec.ports->len, 3);
    assert_string_equal(((KnServicePort *) svc->spec.ports->pdata[0])->name, "80-80");
    assert_string_equal(((KnServicePort *) svc->spec.ports->pdata[2])->name, "53");
    assert_int_equal(kubectl(f, "create service nodeport h --tcp=80 --node-port=80"), 1);
    assert_true(g_str_has_prefix(f->err, "error: failed to create NodePort service: Service \"h\" is invalid: "
                                         "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the "
                                         "valid range."));
}

/* create deployment ... -- CMD: the words are the container's command
 * (create_deployment.go), so agnhost's netexec runs and answers. */
static void
test_kubectl_create_deployment_command(void **state)
{
    Fixture *f = *state;
    const KnDeployment *d;
    const KnContainer *c;

    assert_int_equal(kubectl(f, "create deployment echo --image=registry.k8s.io/e2e-test-images/agnhost:2.53 "
                                "-- /agnhost netexec --http-port=8080"), 0);
    d = kn_store_lookup(f->t->cluster->store, KN_KIND_DEPLOYMENT, "default", "echo");
    c = d->template.spec.containers->pdata[0];
    assert_int_equal(c->command->len, 3);
    assert_int_equal(c->n_command, 3);
    assert_string_equal(c->command->pdata[1], "netexec");
}

/* describe TYPE NAME with no object NAME: DescribeMatchingResources
 * describes the objects whose names start with NAME, each followed by a
 * newline (not separated by "\n\n" as named objects are); TYPE/NAME and a
 * prefix nothing has stay NotFound. */
static void
test_kubectl_describe_name_prefix(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "create deployment web --image=nginx:1.27 --replicas=2"), 0);
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 5 * KN_SEC);

    assert_int_equal(kubectl(f, "describe pod web"), 0);
    assert_string_equal(f->err, "");
    assert_true(g_str_has_prefix(f->out, "Name:             web-"));
    assert_non_null(strstr(f->out, "Started container nginx\n\nName:             web-"));
    assert_null(strstr(f->out, "nginx\n\n\nName:"));
    assert_true(g_str_has_suffix(f->out, "Started container nginx\n\n"));

    assert_int_equal(kubectl(f, "describe deployment we"), 0);
    assert_true(g_str_has_prefix(f->out, "Name:                   web\n"));

    assert_int_equal(kubectl(f, "describe pod/web"), 1);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "Error from server (NotFound): pods \"web\" not found\n");
    assert_int_equal(kubectl(f, "describe pod nothing"), 1);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "Error from server (NotFound): pods \"nothing\" not found\n");
}

/* The endpoints controller updates an Endpoints object (syncService's
 * Update): as pods come and go it keeps its uid and creationTimestamp. */
static void
test_kubectl_endpoints_are_updated_in_place(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->t->cluster->store;

    assert_int_equal(kubectl(f, "create deployment web --image=nginx:1.27 --replicas=1"), 0);
    assert_int_equal(kubectl(f, "expose deployment web --port=80"), 0);
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 5 * KN_SEC);

    KnEndpoints *before = kn_store_lookup(store, KN_KIND_ENDPOINTS, "default", "web");
    assert_non_null(before);
    g_autofree char *uid = g_strdup(before->meta.uid);
    KnTime created = before->meta.creation_time;
    guint64 version = before->meta.resource_version;

    assert_int_equal(kubectl(f, "scale deployment web --replicas=3"), 0);
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 5 * KN_SEC);

    KnEndpoints *after = kn_store_lookup(store, KN_KIND_ENDPOINTS, "default", "web");
    assert_string_equal(after->meta.uid, uid);
    assert_int_equal(after->meta.creation_time, created);
    assert_true(after->meta.resource_version > version);
    assert_int_equal(((KnEndpointSubset *) after->subsets->pdata[0])->addresses->len, 3);
}

/* -o json: the printers' json.MarshalIndent with four spaces over the
 * object as a map (keys sorted), a List around several. */
static void
test_kubectl_get_json(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "create service clusterip a --tcp=443"), 0);
    assert_int_equal(kubectl(f, "get svc a -o json"), 0);
    assert_true(g_str_has_prefix(f->out, "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",\n"
                                         "    \"metadata\": {\n        \"creationTimestamp\": "));
    assert_non_null(strstr(f->out, "        \"ports\": [\n            {\n                \"name\": \"443\",\n"
                                   "                \"port\": 443,\n"));
    assert_true(g_str_has_suffix(f->out, "    \"status\": {\n        \"loadBalancer\": {}\n    }\n}\n"));
    assert_int_equal(kubectl(f, "get svc -l app=a -o json"), 0);
    assert_true(g_str_has_prefix(f->out, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n"));
    assert_true(g_str_has_suffix(f->out, "    \"kind\": \"List\",\n    \"metadata\": {\n"
                                         "        \"resourceVersion\": \"\"\n    }\n}\n"));
}

/* normalizeClusterIPs: a patch of clusterIP alone moves clusterIPs with
 * it, and validation names the plural field. */
static void
test_kubectl_patch_cluster_ip(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "create service clusterip web --tcp=80"), 0);
    assert_int_equal(kubectl(f, "patch svc web -p '{\"spec\":{\"clusterIP\":\"10.96.100.101\"}}'"), 1);
    assert_string_equal(f->err, "The Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: "
                                "[]string{\"10.96.100.101\"}: may not change once set\n");
    /* An enum value is the API server's validation to refuse, after the patch. */
    assert_int_equal(kubectl(f, "patch svc web -p '{\"spec\":{\"type\":\"Node\"}}'"), 1);
    assert_string_equal(f->err, "The Service \"web\" is invalid: spec.type: Unsupported value: \"Node\": supported "
                                "values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n");
}

static void
test_kubectl_create_expose_scale_delete(void **state)
{
    Fixture *f = *state;
    KnStore *store = f->t->cluster->store;

    assert_int_equal(kubectl(f, "create deployment web --image=nginx:1.27 --replicas=3"), 0);
    assert_string_equal(f->out, "deployment.apps/web created\n");
    KnDeployment *d = kn_store_lookup(store, KN_KIND_DEPLOYMENT, "default", "web");
    assert_string_equal(((KnContainer *) d->template.spec.containers->pdata[0])->name, "nginx");

    assert_int_equal(kubectl(f, "create deployment web --image=nginx:1.27"), 1);
    assert_string_equal(f->err, "error: failed to create deployment: deployments.apps \"web\" already exists\n");

    assert_int_equal(kubectl(f, "expose deployment web --port=80 --target-port=8080"), 0);
    assert_string_equal(f->out, "service/web exposed\n");
    KnService *svc = kn_store_lookup(store, KN_KIND_SERVICE, "default", "web");
    assert_string_equal(kn_labels_get(svc->spec.selector, "app"), "web");
    assert_int_equal(((KnServicePort *) svc->spec.ports->pdata[0])->target_port.number, 8080);
    /* Dynamic addresses come from the upper band: never 10.96.0.x or 10.96.1.0. */
    assert_true(kn_svc_alloc_ip_has(f->t->cluster->service_ips, svc->spec.cluster_ip));
    assert_false(g_str_has_prefix(svc->spec.cluster_ip, "10.96.0."));

    assert_int_equal(kubectl(f, "expose deployment web --port=80"), 1);
    assert_string_equal(f->err, "Error from server (AlreadyExists): services \"web\" already exists\n");

    assert_int_equal(kubectl(f, "scale deployment web --replicas=5"), 0);
    assert_string_equal(f->out, "deployment.apps/web scaled\n");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 5 * KN_SEC);
    assert_int_equal(d->ready_replicas, 5);

    g_autofree char *ip = g_strdup(svc->spec.cluster_ip);
    assert_int_equal(kubectl(f, "delete svc web"), 0);
    assert_string_equal(f->out, "service \"web\" deleted\n");
    assert_false(kn_svc_alloc_ip_has(f->t->cluster->service_ips, ip));
    assert_int_equal(kubectl(f, "delete svc web"), 1);
    assert_string_equal(f->err, "Error from server (NotFound): services \"web\" not found\n");
}

static void
test_kubectl_delete_pod_waits_for_termination(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "run client --image=nicolaka/netshoot -- sleep infinity"), 0);
    assert_string_equal(f->out, "pod/client created\n");
    kn_sim_run_until(f->t->sim, 5 * KN_SEC);
    KnPod *pod = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "client");
    assert_string_equal(kn_labels_get(pod->meta.labels, "run"), "client");
    assert_true(pod->ready);

    /* sleep ignores SIGTERM as PID 1: the full 30 s grace period passes. */
    KnTime start = kn_sim_now(f->t->sim);
    assert_int_equal(kubectl(f, "delete pod client"), 0);
    assert_string_equal(f->out, "pod \"client\" deleted\n");
    assert_true(kn_sim_now(f->t->sim) - start >= 30 * KN_SEC);
    assert_null(kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "client"));
}

static void
test_kubectl_rollout_status_reports_progress_then_success(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=2");
    assert_int_equal(kubectl(f, "rollout status deployment/web"), 0);
    assert_true(g_str_has_prefix(f->out, "Waiting for deployment \"web\" rollout to finish: "));
    assert_true(g_str_has_suffix(f->out, "deployment \"web\" successfully rolled out\n"));
}

/* wait.go: the objects are chosen as it starts (none yet right after the
 * Deployment), then each is waited for in turn; the timeout names the
 * object (its resource without the group); --for=delete skips what is
 * already gone. */
static void
test_kubectl_wait(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=2");
    assert_int_equal(kubectl(f, "wait --for=condition=Ready pod -l app=web"), 1);
    assert_string_equal(f->err, "error: no matching resources found\n");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + KN_SEC / 2);

    g_autoptr(GPtrArray) pods = kn_store_list(f->t->cluster->store, KN_KIND_POD, "default");
    const KnPod *first = pods->pdata[0], *second = pods->pdata[1];
    KnTime start = kn_sim_now(f->t->sim);

    assert_false(first->ready && second->ready);
    assert_int_equal(kubectl(f, "wait --for=condition=ready=TRUE pods --all"), 0);
    assert_true(kn_sim_now(f->t->sim) > start);
    g_autofree char *met = g_strdup_printf("pod/%s condition met\npod/%s condition met\n",
                                           first->meta.name, second->meta.name);
    assert_string_equal(f->out, met);

    assert_int_equal(kubectl(f, "wait --for=condition=Available deploy/web"), 0);
    assert_string_equal(f->out, "deployment.apps/web condition met\n");
    assert_int_equal(kubectl(f, "wait --for=condition=Available=False deploy/web --timeout=0"), 1);
    assert_string_equal(f->err, "error: timed out waiting for the condition on deployments/web\n");
    assert_int_equal(kubectl(f, "wait --for=jsonpath={.status.readyReplicas}=2 deployment/web"), 0);
    assert_string_equal(f->out, "deployment.apps/web condition met\n");
    assert_int_equal(kubectl(f, "wait --for=jsonpath={.status.readyReplicas}=3 deployments/web --timeout=1s"), 1);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "error: timed out waiting for the condition on deployments/web\n");
    assert_int_equal(kubectl(f, "wait --for=jsonpath={.spec.containers[*]} pod --all"), 0);
    assert_int_equal(kubectl(f, "wait --for=jsonpath={.spec}=x pod --all"), 1);
    assert_string_equal(f->err, "error: jsonpath leads to a nested object or list which is not supported\n");

    assert_int_equal(kubectl(f, "wait --for=delete pod/gone"), 0);
    assert_string_equal(f->out, "");
    assert_int_equal(kubectl(f, "wait --for=condition=Ready pod/gone"), 1);
    assert_string_equal(f->err, "Error from server (NotFound): pods \"gone\" not found\n");
    assert_int_equal(kubectl(f, "wait --for=create pod/gone --timeout=1s"), 1);
    assert_string_equal(f->err, "error: timed out waiting for the condition\n");
    assert_int_equal(kubectl(f, "wait --for=Ready pod --all"), 1);
    assert_string_equal(f->err, "error: unrecognized condition: \"Ready\"\n");
}

/* set_image.go: CONTAINER=IMAGE pairs after the resource, '*' for all;
 * a new image starts a rollout; no change prints nothing; an unknown
 * container is an error. */
static void
test_kubectl_set_image(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=2");
    assert_int_equal(kubectl(f, "rollout status deployment/web"), 0);
    assert_int_equal(kubectl(f, "set image deployment/web nginx=nginx:1.28"), 0);
    assert_string_equal(f->out, "deployment.apps/web image updated\n");
    assert_int_equal(kubectl(f, "rollout status deployment/web"), 0);

    g_autoptr(GPtrArray) pods = kn_store_list(f->t->cluster->store, KN_KIND_POD, "default");

    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];
        const KnContainer *c = pod->spec.containers->pdata[0];

        if (!pod->meta.deleting)
            assert_string_equal(c->image, "nginx:1.28");
    }
    assert_int_equal(kubectl(f, "set image deploy web nginx=nginx:1.28"), 0);
    assert_string_equal(f->out, "");
    assert_int_equal(kubectl(f, "set image deployment/web sidecar=busybox"), 1);
    assert_string_equal(f->err, "error: unable to find container named \"sidecar\"\n");
    assert_int_equal(kubectl(f, "set image deployment/web"), 1);
    assert_string_equal(f->err, "error: at least one image update is required\n");
    assert_int_equal(kubectl(f, "set image deployment/web *=nginx:1.29"), 0);
    assert_string_equal(f->out, "deployment.apps/web image updated\n");
}

/* set resources patches the containers' resources (strategic merge, by
 * name); the API server refuses a request above its limit, and kubectl
 * says it could not patch, with the server's message. */
static void
test_kubectl_set_resources(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create deployment web --image=nginx:1.27");
    assert_int_equal(kubectl(f, "set resources deployment web --requests=cpu=250m,memory=64Mi --limits=cpu=1"), 0);
    assert_string_equal(f->out, "deployment.apps/web resource requirements updated\n");

    const KnDeployment *d = kn_store_lookup(f->t->cluster->store, KN_KIND_DEPLOYMENT, "default", "web");
    const KnContainer *c = d->template.spec.containers->pdata[0];

    assert_string_equal(kn_labels_get(c->requests, "cpu"), "250m");
    assert_string_equal(kn_labels_get(c->requests, "memory"), "64Mi");
    assert_string_equal(kn_labels_get(c->limits, "cpu"), "1");
    assert_int_equal(kubectl(f, "set resources deployment web --requests=cpu=1500m"), 1);
    assert_string_equal(f->err, "error: failed to patch resources update to pod template Deployment.apps \"web\" is "
                                "invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "
                                "\"1500m\": must be less than or equal to cpu limit of 1\n");
    d = kn_store_lookup(f->t->cluster->store, KN_KIND_DEPLOYMENT, "default", "web");
    c = d->template.spec.containers->pdata[0];
    assert_string_equal(kn_labels_get(c->requests, "cpu"), "250m");   /* unchanged */
    assert_int_equal(kubectl(f, "set resources deployment web --requests=cpu=2,memory=1Gi --limits=cpu=1,memory=512Mi"),
                     1);
    assert_string_equal(f->err, "error: failed to patch resources update to pod template Deployment.apps \"web\" is "
                                "invalid: [spec.template.spec.containers[0].resources.requests: Invalid value: \"2\": "
                                "must be less than or equal to cpu limit of 1, spec.template.spec.containers[0]."
                                "resources.requests: Invalid value: \"1Gi\": must be less than or equal to memory "
                                "limit of 512Mi]\n");
}

/* Without -i nothing attaches: the kubelet runs the command itself, and
 * under restartPolicy Never the pod ends Completed or Error. */
static void
test_kubectl_run_detached(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "run once --image=busybox:1.36 --restart=Never -- true"), 0);
    assert_string_equal(f->out, "pod/once created\n");

    const KnPod *pod = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "once");
    const KnContainer *c = pod->spec.containers->pdata[0];

    assert_false(c->attached);
    assert_false(c->stdin);
    assert_int_equal(c->n_command, 0);                  /* args, not command */
    assert_int_equal(kubectl(f, "run shell --image=busybox:1.36 -i -t --restart=Never --command -- sh"), 126);
    pod = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "shell");
    c = pod->spec.containers->pdata[0];
    assert_true(c->attached && c->stdin && c->stdin_once && c->tty);
    assert_int_equal(c->n_command, 1);
}

static const char *
revision(Fixture *f, KnKind kind, const char *name)
{
    const KnObjectMeta *meta = kn_object_meta(kn_store_lookup(f->t->cluster->store, kind, "default", name));

    return kn_labels_get(meta->annotations, "deployment.kubernetes.io/revision");
}

/* The controller numbers the revisions (a template come back takes the
 * next number and keeps the old one in revision-history); rollout
 * history lists them, undo goes back to the one before the latest (or
 * --to-revision) and restart rolls out a template with restartedAt. */
static void
test_kubectl_rollout_history_undo_restart(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=2");
    kubectl(f, "rollout status deployment/web");
    assert_string_equal(revision(f, KN_KIND_DEPLOYMENT, "web"), "1");
    assert_int_equal(kubectl(f, "rollout undo deployment/web"), 1);
    assert_string_equal(f->err, "error: no rollout history found for deployment \"web\"\n");

    kubectl(f, "set image deployment/web nginx=nginx:1.28");
    kubectl(f, "rollout status deployment/web");
    assert_int_equal(kubectl(f, "rollout history deployment/web"), 0);
    assert_string_equal(f->out, "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n");

    g_autoptr(GPtrArray) sets = kn_store_list(f->t->cluster->store, KN_KIND_REPLICA_SET, "default");
    const KnReplicaSet *first = NULL;

    for (guint i = 0; i < sets->len; i++)
        if (g_strcmp0(revision(f, KN_KIND_REPLICA_SET, ((KnReplicaSet *) sets->pdata[i])->meta.name), "1") == 0)
            first = sets->pdata[i];
    assert_non_null(first);
    assert_int_equal(kubectl(f, "rollout undo deployment/web"), 0);
    assert_string_equal(f->out, "deployment.apps/web rolled back\n");
    kubectl(f, "rollout status deployment/web");
    assert_string_equal(revision(f, KN_KIND_REPLICA_SET, first->meta.name), "3");
    assert_string_equal(kn_labels_get(first->meta.annotations, "deployment.kubernetes.io/revision-history"), "1");
    assert_string_equal(kn_labels_get(first->meta.annotations, "deployment.kubernetes.io/desired-replicas"), "2");
    assert_string_equal(kn_labels_get(first->meta.annotations, "deployment.kubernetes.io/max-replicas"), "3");
    assert_string_equal(revision(f, KN_KIND_DEPLOYMENT, "web"), "3");
    assert_int_equal(first->replicas, 2);
    assert_int_equal(kubectl(f, "rollout undo deployment/web --to-revision=3"), 0);
    assert_string_equal(f->out, "deployment.apps/web skipped rollback (current template already matches revision 3)\n");
    assert_int_equal(kubectl(f, "rollout undo deployment/web --to-revision=1"), 1);
    assert_string_equal(f->err, "error: unable to find specified revision 1 in history\n");

    assert_int_equal(kubectl(f, "rollout restart deployment/web"), 0);
    assert_string_equal(f->out, "deployment.apps/web restarted\n");
    kubectl(f, "rollout status deployment/web");
    assert_string_equal(revision(f, KN_KIND_DEPLOYMENT, "web"), "4");
}

/* run.go --expose: the pod, then a ClusterIP Service selecting run=NAME
 * on --port, printed before the pod. */
static void
test_kubectl_run_expose(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "run nginx --image=nginx --expose"), 1);
    assert_string_equal(f->err, "error: --port must be set when exposing a service\n");
    assert_int_equal(kubectl(f, "run nginx --image=nginx --port=80 --expose"), 0);
    assert_string_equal(f->out, "service/nginx created\npod/nginx created\n");

    KnService *s = kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "nginx");
    const KnServicePort *p = s->spec.ports->pdata[0];

    assert_int_equal(s->spec.type, KN_SERVICE_CLUSTER_IP);
    assert_string_equal(kn_labels_get(s->spec.selector, "run"), "nginx");
    assert_int_equal(kn_labels_size(s->meta.labels), 0);
    assert_int_equal(p->port, 80);
    assert_int_equal(p->target_port.number, 80);
    assert_null(p->name);
    assert_int_equal(kubectl(f, "run web --image=nginx --port=80 --expose --dry-run=client"), 0);
    assert_string_equal(f->out, "service/web created (dry run)\npod/web created (dry run)\n");
    assert_null(kn_store_lookup(f->t->cluster->store, KN_KIND_SERVICE, "default", "web"));
}

/* get.go with several types: a table per type, names KIND/NAME, a blank
 * line between tables; `all` is pods, services, daemonsets, deployments,
 * replicasets, statefulsets. */
static void
test_kubectl_get_several_types(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "get all"), 0);
    assert_true(g_str_has_prefix(f->out, "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
                                         "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   "));
    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=1");
    kubectl(f, "expose deployment web --port=80");
    kubectl(f, "rollout status deployment/web");
    assert_int_equal(kubectl(f, "get svc,ep web"), 0);
    assert_non_null(strstr(f->out, "\nservice/web   ClusterIP   "));
    assert_non_null(strstr(f->out, "80/TCP    2s\n\nNAME            ENDPOINTS       AGE\nendpoints/web   10.244."));
    assert_int_equal(kubectl(f, "get deploy,rs -o name"), 0);
    assert_true(g_str_has_prefix(f->out, "deployment.apps/web\nreplicaset.apps/web-"));
    assert_int_equal(kubectl(f, "get svc,deploy -o yaml"), 126);
    assert_int_equal(kubectl(f, "get pods,svc -l app=nothing"), 0);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "No resources found in default namespace.\n");
}

/* A container's output as the kubelet would have it: three lines for
 * nginx, nothing for sleep, unknown for anything else. */
static const char *
fake_logs(const KnPod *pod, const KnContainer *container, gboolean previous, gpointer user_data)
{
    (void) pod;
    (void) previous;
    (void) user_data;
    if (g_str_has_prefix(container->image, "nginx"))
        return "one\ntwo\nthree\n";
    return container->command->len > 0 && strcmp(container->command->pdata[0], "sleep") == 0 ? "" : NULL;
}

/* logs.go: a pod, or one pod of a workload ("Found N pods, using ..."),
 * or every pod a selector takes (10 lines each unless --tail); --prefix;
 * kubectl's errors for a missing or starting pod. */
static void
test_kubectl_logs(void **state)
{
    Fixture *f = *state;

    kn_kubectl_set_logs(f->kubectl, fake_logs, NULL);
    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=2");
    kubectl(f, "run client --image=nicolaka/netshoot -- sleep infinity");
    kubectl(f, "run other --image=registry.k8s.io/e2e-test-images/agnhost:2.53 -- netexec");
    assert_int_equal(kubectl(f, "logs client"), 1);
    assert_true(g_str_has_prefix(f->err, "Error from server (BadRequest): container \"client\" in pod \"client\" "
                                         "is waiting to start: ContainerCreating\n"));
    kubectl(f, "rollout status deployment/web");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 5 * KN_SEC);
    assert_int_equal(kubectl(f, "logs client"), 0);
    assert_string_equal(f->out, "");
    assert_int_equal(kubectl(f, "logs deploy/web --tail=2"), 0);
    assert_string_equal(f->out, "two\nthree\n");
    assert_true(g_str_has_prefix(f->err, "Found 2 pods, using pod/web-"));
    assert_int_equal(kubectl(f, "logs -l app=web --prefix --tail=1"), 0);
    assert_true(g_str_has_prefix(f->out, "[pod/web-"));
    assert_non_null(strstr(f->out, "/nginx] three\n[pod/web-"));
    assert_int_equal(kubectl(f, "logs other"), 126);
    assert_int_equal(kubectl(f, "logs nothere"), 1);
    assert_string_equal(f->err, "error: error from server (NotFound): pods \"nothere\" not found in namespace "
                                "\"default\"\n");
    assert_int_equal(kubectl(f, "logs -l app=none"), 0);
    assert_string_equal(f->err, "No resources found in default namespace.\n");
}

static void
test_kubectl_bad_usage_gives_kubectls_errors(void **state)
{
    Fixture *f = *state;

    assert_int_equal(kubectl(f, "scale deployment web --replicas=5 --frob"), 1);
    assert_string_equal(f->err, "error: unknown flag: --frob\nSee 'kubectl scale --help' for usage.\n");
    assert_int_equal(kubectl(f, "scale deployment web"), 1);
    assert_string_equal(f->err, "error: required flag(s) \"replicas\" not set\n");
    assert_int_equal(kubectl(f, "scale deployment nope --replicas=1"), 1);
    assert_string_equal(f->err, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
    assert_int_equal(kubectl(f, "delete frobs x"), 1);
    assert_string_equal(f->err, "error: the server doesn't have a resource type \"frobs\"\n");
    assert_int_equal(kubectl(f, "create deployment web"), 1);
    assert_string_equal(f->err, "error: required flag(s) \"image\" not set\n");
}

static void
test_kubectl_label_and_split(void **state)
{
    Fixture *f = *state;

    kubectl(f, "run client --image=busybox -- sleep 3600");
    assert_int_equal(kubectl(f, "label pod client tier=fe"), 0);
    assert_string_equal(f->out, "pod/client labeled\n");
    assert_int_equal(kubectl(f, "label pod client tier=be"), 1);
    assert_string_equal(f->err, "error: 'tier' already has a value (fe), and --overwrite is false\n");
    assert_int_equal(kubectl(f, "label pod client tier=be --overwrite"), 0);
    KnPod *pod = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "client");
    assert_string_equal(kn_labels_get(pod->meta.labels, "tier"), "be");
}


/* Lines of 'text' as a NULL-terminated array; new, g_strfreev(). */
static GStrv
lines_of(const char *text)
{
    g_auto(GStrv) all = g_strsplit(text, "\n", -1);
    g_autoptr(GStrvBuilder) lines = g_strv_builder_new();

    for (guint i = 0; all[i] != NULL; i++)
        if (*all[i] != '\0')
            g_strv_builder_add(lines, all[i]);
    return g_strv_builder_end(lines);
}

/* --field-selector is the API server's: its fields per kind, its parse
 * errors, kubectl's "Unable to find" wording, AND with -l. */
static void
test_kubectl_get_field_selector(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=2");
    kubectl(f, "run client --image=nicolaka/netshoot -- sleep infinity");
    assert_int_equal(kubectl(f, "rollout status deployment/web"), 0);
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 5 * KN_SEC);

    assert_int_equal(kubectl(f, "get pods --field-selector=metadata.name=client"), 0);
    assert_true(g_str_has_prefix(f->out, "NAME     READY   STATUS    RESTARTS   AGE\nclient   1/1     Running   0 "));
    assert_null(strstr(f->out, "web-"));

    /* Terms AND together and with -l; "==" and "!=" work too. */
    assert_int_equal(kubectl(f, "get pods -l app=web --field-selector status.phase==Running,metadata.name!=client "
                                "-o name"), 0);
    g_auto(GStrv) web = lines_of(f->out);
    assert_int_equal(g_strv_length(web), 2);
    assert_true(g_str_has_prefix(web[0], "pod/web-") && g_str_has_prefix(web[1], "pod/web-"));
    assert_int_equal(kubectl(f, "get pods --field-selector=status.phase=Pending"), 0);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "No resources found in default namespace.\n");
    /* status.podIPs is accepted but in no field set: it reads as "". */
    assert_int_equal(kubectl(f, "get pods --field-selector=status.podIPs= -o name"), 0);
    g_auto(GStrv) all = lines_of(f->out);
    assert_int_equal(g_strv_length(all), 3);
    assert_int_equal(kubectl(f, "get pods --field-selector=status.podIPs!= -o name"), 0);
    assert_string_equal(f->out, "");

    KnPod *client = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "client");
    g_autofree char *by_node = g_strdup_printf("get pods -o name --field-selector spec.nodeName=%s,"
                                               "status.podIP=%s", client->spec.node_name, client->pod_ip);
    assert_int_equal(kubectl(f, by_node), 0);
    assert_string_equal(f->out, "pod/client\n");

    assert_int_equal(kubectl(f, "get svc --field-selector spec.type=ClusterIP,spec.clusterIP=10.96.0.1 -o name"), 0);
    assert_string_equal(f->out, "service/kubernetes\n");
    assert_int_equal(kubectl(f, "get nodes --field-selector spec.unschedulable=true"), 0);
    assert_string_equal(f->err, "No resources found\n");
    assert_int_equal(kubectl(f, "get events --field-selector involvedObject.kind=Pod,involvedObject.name=client,"
                                "reason=Scheduled,source=default-scheduler,type=Normal -o name"), 0);
    assert_true(g_str_has_prefix(f->out, "event/client."));
    assert_int_equal(kubectl(f, "get ns --field-selector status.phase=Active,metadata.name=default -o name"), 0);
    assert_string_equal(f->out, "namespace/default\n");

    /* The server refuses a field the kind does not select on ... */
    assert_int_equal(kubectl(f, "get pods --field-selector=foo=bar"), 1);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match "
                                "label selector \"\", field selector \"foo=bar\": field label not supported: foo\n");
    assert_int_equal(kubectl(f, "get deploy -l app=web --field-selector=status.replicas=2"), 1);
    assert_string_equal(f->err, "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" "
                                "that match label selector \"app=web\", field selector \"status.replicas=2\": "
                                "\"status.replicas\" is not a known field selector: only \"metadata.name\", "
                                "\"metadata.namespace\"\n");
    /* ... naming the first refused term in sorted order, blanks included. */
    assert_int_equal(kubectl(f, "get pods --field-selector 'zz=1,status.phase = Running'"), 1);
    assert_string_equal(f->err, "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match "
                                "label selector \"\", field selector \"zz=1,status.phase = Running\": field label "
                                "not supported: status.phase \n");
    /* ... and one that does not parse. */
    assert_int_equal(kubectl(f, "get pods --field-selector status.phase"), 1);
    assert_string_equal(f->err, "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match "
                                "label selector \"\", field selector \"status.phase\": invalid selector: "
                                "'status.phase'; can't understand 'status.phase'\n");
    assert_int_equal(kubectl(f, "get endpointslices --field-selector metadata.name=a=b"), 1);
    assert_string_equal(f->err, "Error from server (BadRequest): Unable to find \"discovery.k8s.io/v1, "
                                "Resource=endpointslices\" that match label selector \"\", field selector "
                                "\"metadata.name=a=b\": invalid field selector: unescaped character in value: 61\n");
    assert_int_equal(kubectl(f, "get pods --field-selector 'metadata.name=a\\x'"), 1);
    assert_true(g_str_has_suffix(f->err, "field selector \"metadata.name=a\\\\x\": invalid field selector: invalid "
                                         "escape sequence: \\x\n"));
    /* A selector lists: it takes no names (resource.Builder). */
    assert_int_equal(kubectl(f, "get pods client --field-selector status.phase=Running"), 1);
    assert_string_equal(f->err, "error: name cannot be provided when a selector is specified\n");
    assert_int_equal(kubectl(f, "get pod/client --field-selector status.phase=Running"), 1);
    assert_string_equal(f->err, "error: selectors and the all flag cannot be used when passing resource/name "
                                "arguments\n");
    /* An empty one is none at all. */
    assert_int_equal(kubectl(f, "get pods client --field-selector ' '"), 0);
}

/* A watch with a field selector sees an object that stops matching once
 * more, as it last matched (the watch cache's DELETED), and nothing after. */
static void
test_kubectl_watch_field_selector(void **state)
{
    Fixture *f = *state;

    kubectl(f, "run client --image=nicolaka/netshoot -- sleep infinity");
    assert_int_equal(kubectl(f, "get pods --field-selector=status.phase=Pending -w --request-timeout=8s"), 0);
    g_auto(GStrv) lines = lines_of(f->out);
    guint n = g_strv_length(lines);

    assert_true(n >= 3);
    assert_true(g_str_has_prefix(lines[0], "NAME "));
    assert_null(strstr(f->out, "Running"));
    /* The last two rows are the same: the last Pending one, then the
     * DELETED event that repeats it as the pod turned Running. */
    assert_string_equal(lines[n - 1], lines[n - 2]);
    KnPod *pod = kn_store_lookup(f->t->cluster->store, KN_KIND_POD, "default", "client");
    assert_int_equal(pod->phase, KN_POD_RUNNING);
}

/* --sort-by: typed values (numbers, natural strings, timestamps), a
 * missing field first, and kubectl's errors, which only non-table output
 * reports. */
static void
test_kubectl_get_sort_by(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create service clusterip web-10 --tcp=8080");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 2 * KN_SEC);
    kubectl(f, "create service clusterip web-2 --tcp=80");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 2 * KN_SEC);
    kubectl(f, "create service clusterip alpha --tcp=9090");

    assert_int_equal(kubectl(f, "get svc --sort-by=.metadata.name -o name"), 0);
    assert_string_equal(f->out, "service/alpha\nservice/kubernetes\nservice/web-2\nservice/web-10\n");
    assert_int_equal(kubectl(f, "get svc --sort-by={.metadata.creationTimestamp} -o name"), 0);
    assert_string_equal(f->out, "service/kubernetes\nservice/web-10\nservice/web-2\nservice/alpha\n");
    assert_int_equal(kubectl(f, "get svc --sort-by=spec.ports[0].port -o name"), 0);
    assert_string_equal(f->out, "service/web-2\nservice/kubernetes\nservice/web-10\nservice/alpha\n");
    /* The table is sorted the same way. */
    assert_int_equal(kubectl(f, "get svc --sort-by='{.spec.ports[0].port}'"), 0);
    g_auto(GStrv) rows = lines_of(f->out);
    assert_true(g_str_has_prefix(rows[1], "web-2 ") && g_str_has_prefix(rows[2], "kubernetes ")
                && g_str_has_prefix(rows[3], "web-10 ") && g_str_has_prefix(rows[4], "alpha "));
    /* Only the kubernetes Service has no app label: it goes first. */
    assert_int_equal(kubectl(f, "get svc --sort-by=.metadata.labels.app -o name"), 0);
    assert_string_equal(f->out, "service/kubernetes\nservice/alpha\nservice/web-2\nservice/web-10\n");

    /* A field no object has: an error for a List ... */
    assert_int_equal(kubectl(f, "get svc --sort-by=.spec.foo -o name"), 1);
    assert_string_equal(f->err, "error: couldn't find any field with path \"{.spec.foo}\" in the list of objects\n");
    assert_int_equal(kubectl(f, "get svc -l app=alpha --sort-by=.spec.foo -o yaml"), 1);
    assert_int_equal(kubectl(f, "get svc --sort-by='{.a}{.b' -o name"), 1);
    assert_string_equal(f->err, "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                                "'{name1.name2}' or '{.name1.name2}'\n");
    /* ... while get.go ignores the table printer's error: no rows. */
    assert_int_equal(kubectl(f, "get svc --sort-by=.spec.foo"), 0);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "No resources found in default namespace.\n");
    /* One row, one named object: nothing is sorted, nothing checked. */
    assert_int_equal(kubectl(f, "get svc -l app=alpha --sort-by=.spec.foo"), 0);
    assert_true(g_str_has_prefix(f->out, "NAME    TYPE"));
    assert_int_equal(kubectl(f, "get svc alpha --sort-by=.spec.foo -o name"), 0);
    assert_string_equal(f->out, "service/alpha\n");
    /* Several names or types give a Table each, and Tables have no such field. */
    assert_int_equal(kubectl(f, "get svc web-2 alpha --sort-by=.metadata.name"), 1);
    assert_string_equal(f->err, "error: couldn't find any field with path \"{.metadata.name}\" in the list of "
                                "objects\n");
    assert_int_equal(kubectl(f, "get svc,deploy --sort-by=.metadata.name"), 1);
    assert_int_equal(kubectl(f, "get svc web-2 alpha --sort-by=.metadata.name -o name"), 0);
    assert_string_equal(f->out, "service/alpha\nservice/web-2\n");
    /* Values kubectl cannot order end it in klog.Exitf. */
    assert_int_equal(kubectl(f, "get svc --sort-by=.spec.ports -o name"), 1);
    assert_string_equal(f->err, "Field {.spec.ports} in *unstructured.Unstructured is an unsortable type: "
                                "interface, err: unsortable type: []interface {}\n");
    /* -w sorts the first listing only, and says so. */
    assert_int_equal(kubectl(f, "get svc --sort-by=.metadata.name -w --request-timeout=1s"), 0);
    assert_string_equal(f->err, "warning: --watch requested, --sort-by will be ignored for watch events received\n");
    g_auto(GStrv) watched = lines_of(f->out);
    assert_true(g_str_has_prefix(watched[1], "alpha ") && g_str_has_prefix(watched[4], "web-10 "));
}

/* What lessons sort by: events by creationTimestamp, pods by startTime;
 * more than twelve items take pdqsort's quicksort path. */
static void
test_kubectl_get_sort_by_time(void **state)
{
    Fixture *f = *state;

    kubectl(f, "create deployment web --image=nginx:1.27 --replicas=6");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 3 * KN_SEC);
    kubectl(f, "scale deployment web --replicas=9");
    assert_int_equal(kubectl(f, "rollout status deployment/web"), 0);
    assert_int_equal(kubectl(f, "get events --sort-by=.metadata.creationTimestamp "
                                "-o custom-columns=T:.metadata.creationTimestamp --no-headers"), 0);
    g_auto(GStrv) times = lines_of(f->out);
    assert_true(g_strv_length(times) > 12);
    for (guint i = 1; times[i] != NULL; i++)
        assert_true(strcmp(times[i - 1], times[i]) <= 0);
    assert_int_equal(kubectl(f, "get pods --sort-by=.status.startTime -o custom-columns=T:.status.startTime "
                                "--no-headers"), 0);
    g_auto(GStrv) starts = lines_of(f->out);
    assert_int_equal(g_strv_length(starts), 9);
    for (guint i = 1; starts[i] != NULL; i++)
        assert_true(strcmp(starts[i - 1], starts[i]) <= 0);
    assert_true(strcmp(starts[0], starts[8]) < 0);
    /* Pods without the label sort first, the later of two ties first
     * (insertion sort moves each "missing" one past the other). */
    kubectl(f, "scale deployment web --replicas=2");
    kubectl(f, "rollout status deployment/web");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 40 * KN_SEC);
    kubectl(f, "run client --image=nicolaka/netshoot -- sleep infinity");
    assert_int_equal(kubectl(f, "get pods -l app=web -o name"), 0);
    g_auto(GStrv) listed = lines_of(f->out);
    assert_int_equal(g_strv_length(listed), 2);
    assert_int_equal(kubectl(f, "get pods --sort-by=.metadata.labels.run -o name"), 0);
    g_autofree char *want = g_strdup_printf("%s\n%s\npod/client\n", listed[1], listed[0]);
    assert_string_equal(f->out, want);
    /* enableServiceLinks is a bool, which kubectl cannot order. */
    assert_int_equal(kubectl(f, "get pods --sort-by=.spec.enableServiceLinks"), 1);
    assert_string_equal(f->err, "Field {.spec.enableServiceLinks} in [][][]reflect.Value is an unsortable type: "
                                "interface, err: unsortable type: bool\n");
}

/* A container process for `run -i`: echoes its argv and exits with the
 * number its last word gives, half a second later. */
typedef struct {
    KnKubectlAttachDone done;
    gpointer done_data;
    char *output;
    int status;
} FakeProcess;

static void
fake_process_free(gpointer data)
{
    FakeProcess *p = data;

    g_free(p->output);
    g_free(p);
}

static void
fake_process_exit(KnSim *sim, gpointer data)
{
    FakeProcess *p = data;

    (void) sim;
    p->done(p->output, "", p->status, p->done_data);
    fake_process_free(p);                /* a run event owns its data */
}


static const KnEventClass fake_process_class = { "fake-process", fake_process_exit, fake_process_free };

static void
fake_attach(const KnPod *pod, const KnContainer *container, const char *const *argv, gboolean tty,
            KnKubectlAttachDone done, gpointer done_data, gpointer user_data)
{
    Fixture *f = user_data;
    FakeProcess *p = g_new0(FakeProcess, 1);
    g_autofree char *joined = g_strjoinv(" ", (char **) argv);
    guint n = g_strv_length((char **) argv);

    (void) tty;
    assert_string_equal(container->name, pod->meta.name);
    *p = (FakeProcess) { done, done_data, g_strdup_printf("ran: %s\n", joined), atoi(argv[n - 1]) };
    kn_sim_schedule_in(f->t->sim, 500 * KN_MSEC, &fake_process_class, p);
}

/* run -i/--attach (RunOptions.Run): waits for the pod, attaches, waits
 * for its end as the restart policy says, removes what it made under --rm
 * and exits with the container's status. */
static void
test_kubectl_run_attached(void **state)
{
    Fixture *f = *state;

    kn_kubectl_set_attach(f->kubectl, fake_attach, f);
    assert_int_equal(kubectl(f, "run once --image=busybox --rm -it --restart=Never -- exit 0"), 0);
    assert_string_equal(f->out, "If you don't see a command prompt, try pressing enter.\n"
                                "ran: exit 0\npod \"once\" deleted\n");
    assert_string_equal(f->err, "");

    assert_int_equal(kubectl(f, "run bad --image=busybox -i --restart=Never -- exit 3"), 3);
    assert_string_equal(f->out, "ran: exit 3\n");
    assert_string_equal(f->err, "If you don't see a command prompt, try pressing enter.\n"
                                "pod default/bad terminated (Error)\n");
    assert_int_equal(kubectl(f, "get pod bad --no-headers"), 0);
    assert_non_null(strstr(f->out, "0/1   Error "));

    /* Always (the default): the session ends, the container comes back. */
    assert_int_equal(kubectl(f, "run again --image=busybox -q -it -- exit 1"), 0);
    assert_string_equal(f->out, "ran: exit 1\n");
    assert_int_equal(kubectl(f, "run back --image=busybox -it -- exit 0"), 0);
    assert_string_equal(f->out, "If you don't see a command prompt, try pressing enter.\nran: exit 0\n"
                                "Session ended, resume using 'kubectl attach back -c back -i -t' command when "
                                "the pod is running\n");

    /* OnFailure never succeeds on a failing command: waitForPod gives up. */
    assert_int_equal(kubectl(f, "run retry --image=busybox --rm -q -i --restart=OnFailure "
                                "--pod-running-timeout=5s -- exit 1"), 1);
    assert_string_equal(f->err, "error: timed out waiting for the condition\n");

    assert_int_equal(kubectl(f, "run x --image=busybox -t -- true"), 1);
    assert_string_equal(f->err, "error: -i/--stdin is required for containers with -t/--tty=true\n");
    assert_int_equal(kubectl(f, "run x --image=busybox --rm -- true"), 1);
    assert_string_equal(f->err, "error: --rm should only be used for attached containers\n");
    assert_int_equal(kubectl(f, "run x --image=busybox -i --restart=Sometimes -- true"), 1);
    assert_string_equal(f->err, "error: invalid restart policy: Sometimes\n");
    assert_int_equal(kubectl(f, "run x --image=busybox -i --dry-run=client -- true"), 1);
    assert_string_equal(f->err, "error: --dry-run=[server|client] can't be used with attached containers options "
                                "(--attach, --stdin, or --tty)\n");
}

/* exec (exec.go) through the same hook: output, and a failure's status
 * after "command terminated with exit code N". */
static void
test_kubectl_exec(void **state)
{
    Fixture *f = *state;

    kn_kubectl_set_attach(f->kubectl, fake_attach, f);
    kubectl(f, "run box --image=busybox -- sleep 3600");
    kn_sim_run_until(f->t->sim, kn_sim_now(f->t->sim) + 5 * KN_SEC);
    assert_int_equal(kubectl(f, "exec box -- exit 0"), 0);
    assert_string_equal(f->out, "ran: exit 0\n");
    assert_int_equal(kubectl(f, "exec pod/box -- exit 7"), 7);
    assert_string_equal(f->out, "ran: exit 7\n");
    assert_string_equal(f->err, "command terminated with exit code 7\n");
    assert_int_equal(kubectl(f, "exec box sh"), 1);
    assert_string_equal(f->err, "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                                "instead\nSee 'kubectl exec -h' for help and examples\n");
    assert_int_equal(kubectl(f, "exec box"), 1);
    assert_string_equal(f->err, "error: you must specify at least one command for the container\n");
    assert_int_equal(kubectl(f, "exec nosuch -- true"), 1);
    assert_string_equal(f->err, "Error from server (NotFound): pods \"nosuch\" not found\n");
    assert_int_equal(kubectl(f, "exec box -c other -- true"), 1);
    assert_string_equal(f->err, "Error from server (BadRequest): container other is not valid for pod box\n");
}

/* annotate beside label; create namespace and configmap; top without a
 * metrics-server; version; expose's generator flags. */
static void
test_kubectl_small_commands(void **state)
{
    Fixture *f = *state;

    kubectl(f, "run box --image=busybox -- sleep 3600");
    assert_int_equal(kubectl(f, "annotate pod box note=hi"), 0);
    assert_string_equal(f->out, "pod/box annotated\n");
    assert_int_equal(kubectl(f, "annotate pod box note=ho"), 1);
    assert_string_equal(f->err, "error: 'note' already has a value (hi), and --overwrite is false\n");
    assert_int_equal(kubectl(f, "annotate pod box"), 1);
    assert_string_equal(f->err, "error: at least one annotation update is required\n");
    assert_int_equal(kubectl(f, "label pod box run=box"), 0);
    assert_string_equal(f->out, "pod/box not labeled\n");
    assert_int_equal(kubectl(f, "get pod box -o jsonpath={.metadata.annotations.note}"), 0);
    assert_string_equal(f->out, "hi");

    assert_int_equal(kubectl(f, "create namespace dev"), 0);
    assert_string_equal(f->out, "namespace/dev created\n");
    assert_int_equal(kubectl(f, "create configmap cfg -n dev --from-literal=a=1 --from-literal=b=2"), 0);
    assert_string_equal(f->out, "configmap/cfg created\n");
    assert_int_equal(kubectl(f, "get cm cfg -n dev -o jsonpath={.data}"), 0);
    assert_string_equal(f->out, "{\"a\":\"1\",\"b\":\"2\"}");
    assert_int_equal(kubectl(f, "create configmap bad --from-literal=novalue"), 1);
    assert_string_equal(f->err, "error: invalid literal source novalue, expected key=value\n");

    assert_int_equal(kubectl(f, "top pods"), 1);
    assert_string_equal(f->err, "error: Metrics API not available\n");
    assert_int_equal(kubectl(f, "version"), 0);
    assert_string_equal(f->out, "Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.31.0\n");

    assert_int_equal(kubectl(f, "expose pod box --port=80 --external-ip=1.2.3.4 --session-affinity=ClientIP"), 0);
    assert_int_equal(kubectl(f, "get svc box -o jsonpath={.spec.externalIPs[0]}/{.spec.sessionAffinity}"), 0);
    assert_string_equal(f->out, "1.2.3.4/ClientIP");
    assert_int_equal(kubectl(f, "expose pod box --name=b2 --port=80 --session-affinity=Sticky"), 1);
    assert_string_equal(f->err, "error: unknown session affinity: Sticky\n");
}

/* A command line execve() refuses (E2BIG) is bash's error, not kubectl's:
 * a --sort-by or -o jsonpath of 200,000 nested ranges once overflowed the
 * template parser's stack. */
static void
test_kubectl_argument_list_too_long(void **state)
{
    Fixture *f = *state;
    GString *nested = g_string_new("get pods -o jsonpath=");
    g_autofree char *line = NULL;
    g_autofree char *sorted = NULL;
    g_autofree char *word = g_strnfill(128 * 1024 - 1, 'x');
    g_autofree char *longest = g_strdup_printf("get pods %s", word);
    g_autofree char *over = g_strdup_printf("get pods %sx", word);
    GString *many = g_string_new("get pods");

    for (guint i = 0; i < 200000; i++)
        g_string_append(nested, "{range .items[*]}");
    line = g_string_free(nested, FALSE);
    sorted = g_strdup_printf("get pods --sort-by=%s", line + strlen("get pods -o jsonpath="));
    assert_int_equal(kubectl(f, line), 126);
    assert_string_equal(f->out, "");
    assert_string_equal(f->err, "bash: /usr/local/bin/kubectl: Argument list too long\n");
    assert_int_equal(kubectl(f, sorted), 126);
    /* 131071 bytes and the NUL pass; one more does not. */
    assert_int_equal(kubectl(f, longest), 1);
    assert_true(g_str_has_prefix(f->err, "Error from server (NotFound): pods \"xxx"));
    assert_int_equal(kubectl(f, over), 126);
    /* ARG_MAX: 2 MiB of words and their pointers. */
    for (guint i = 0; i < 32; i++)
        g_string_append_printf(many, " %s", word + 64 * 1024);
    assert_int_equal(kubectl(f, many->str), 126);
    g_string_free(many, TRUE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kubectl_create_expose_scale_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_apply_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_describe_name_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_apply_allocates_before_validating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_refused_service_keeps_others_node_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_invalid_wording, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_malformed_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_update_allocates_before_validating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_headless_selectorless_families, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_update_keeps_node_port_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_dry_run_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_expose_introspection_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_create_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_create_deployment_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_endpoints_are_updated_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_get_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_patch_cluster_ip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_delete_pod_waits_for_termination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_set_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_run_expose, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_get_several_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_logs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_rollout_history_undo_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_rollout_status_reports_progress_then_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_bad_usage_gives_kubectls_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_label_and_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_get_field_selector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_watch_field_selector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_get_sort_by, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_get_sort_by_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_run_attached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_exec, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_set_resources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_run_detached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_small_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubectl_argument_list_too_long, setup, teardown),
    };
    return cmocka_run_group_tests_name("kubectl", tests, NULL, NULL);
}
