/* apiserver.c -- the API server's create and delete paths of apiserver.h.
 *
 * DOC: Service allocation as pkg/registry/core/service/storage (rest.go,
 * alloc.go) does it on create:
 * - ipFamilies defaults to the family of the service CIDR and
 *   ipFamilyPolicy to SingleStack (RequireDualStack, with both families,
 *   for a headless Service without a selector);
 * - a clusterIP of "None" (headless) allocates nothing; a given clusterIP
 *   is taken exactly, else one is drawn at random (svc-alloc.h) from the
 *   "clusterip" stream; ExternalName Services get none;
 * - NodePort and LoadBalancer Services (the latter unless
 *   allocateLoadBalancerNodePorts is false, which still takes the node
 *   ports asked for) get a nodePort per port number, the given one or a
 *   random one; a LoadBalancer with externalTrafficPolicy Local also gets
 *   a healthCheckNodePort, the given one or a random one;
 * - on failure nothing stays allocated.
 * On update, node ports left out are the old ones of the same port name
 * (patchAllocatedValues), and what the old Service held and the new one
 * does not is released once the update stands.
 * The order is the registry's, on create and on update: the checks that
 * initIPFamilyFields runs first (kn_svc_validate_create_precheck(),
 * ..._update_precheck()), then allocation (BeginCreate, BeginUpdate),
 * then validation of the allocated Service (svc-validate.h; BeforeCreate,
 * BeforeUpdate), which gives back what was allocated when it fails.  The
 * messages are the API server's ("Service \"web\" is invalid: ...").
 *
 * Simplified: single-stack IPv4 or IPv6 clusters only. */

#include <config.h>
#include "models/apiserver.h"

#include <string.h>
#include "models/kubectl-print.h"
#include "models/svc-validate.h"

static gboolean
needs_node_ports(const KnService *service)
{
    return service->spec.type == KN_SERVICE_NODE_PORT
           || (service->spec.type == KN_SERVICE_LOAD_BALANCER
               && service->spec.allocate_load_balancer_node_ports);
}

/* A LoadBalancer with externalTrafficPolicy Local (needsHCNodePort). */
static gboolean
needs_health_check_node_port(const KnService *service)
{
    return service->spec.type == KN_SERVICE_LOAD_BALANCER
           && service->spec.external_traffic_policy == KN_TRAFFIC_POLICY_LOCAL;
}

/* The allocator of the family of 'ip' ("IPv6" when it has a colon), or of
 * the named 'family'; NULL if the cluster has none for it. */
static KnSvcIpAllocator *
allocator_for(KnCluster *cluster, const char *family)
{
    gboolean want_v6 = strcmp(family, "IPv6") == 0;

    if (kn_svc_alloc_ip_is_ipv6(cluster->service_ips) == want_v6)
        return cluster->service_ips;
    if (cluster->service_ips_secondary != NULL && kn_svc_alloc_ip_is_ipv6(cluster->service_ips_secondary) == want_v6)
        return cluster->service_ips_secondary;
    return NULL;
}

static const char *
family_of(const char *ip)
{
    return strchr(ip, ':') != NULL ? "IPv6" : "IPv4";
}

/* Gives back the cluster IPs that 'service' lists: all it holds while its
 * node ports are still only asked for. */
static void
release_cluster_ips(KnCluster *cluster, const KnService *service)
{
    for (guint i = 0; i < service->spec.cluster_ips->len; i++) {
        const char *ip = service->spec.cluster_ips->pdata[i];
        KnSvcIpAllocator *allocator = strcmp(ip, "None") != 0 ? allocator_for(cluster, family_of(ip)) : NULL;

        if (allocator != NULL)
            kn_svc_alloc_ip_release(allocator, ip);
    }
}

/* Releases what 'service' holds in the allocators. */
static void
release_service(KnCluster *cluster, const KnService *service)
{
    release_cluster_ips(cluster, service);
    for (guint i = 0; i < service->spec.ports->len; i++) {
        const KnServicePort *port = service->spec.ports->pdata[i];

        if (port->node_port != 0)
            kn_svc_alloc_port_release(cluster->node_ports, port->node_port);
    }
    if (service->spec.health_check_node_port != 0)
        kn_svc_alloc_port_release(cluster->node_ports, service->spec.health_check_node_port);
}

static gboolean G_GNUC_PRINTF(3, 4)
invalid(const KnService *service, GError **error, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Service \"%s\" is invalid: %s",
                service->meta.name, message);
    return FALSE;
}

/* The first node port that a port of 'spec' numbered 'port' asks for, or 0
 * (findRequestedNodePort). */
static guint
requested_node_port(const KnServiceSpec *spec, guint port)
{
    for (guint i = 0; i < spec->ports->len; i++) {
        const KnServicePort *p = spec->ports->pdata[i];

        if (p->port == port && p->node_port != 0)
            return p->node_port;
    }
    return 0;
}

/* txnAllocNodePorts on create: initNodePorts for a NodePort or LoadBalancer
 * Service, then allocHealthCheckNodePort.  Ports with the same number share
 * one node port, the first one given for that number (so 53/TCP and 53/UDP
 * may both ask for 30053); a LoadBalancer that does not allocate node ports
 * still gets the ones it asks for; a healthCheckNodePort given is taken as
 * it is.  On failure gives back what it took and leaves no node port set. */
static gboolean
take_node_ports(KnCluster *cluster, KnService *service, GError **error)
{
    KnServiceSpec *spec = &service->spec;
    KnRng *rng = kn_sim_rng(cluster->sim, "nodeport");
    g_autoptr(GArray) taken = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autoptr(GHashTable) by_port = g_hash_table_new(NULL, NULL);    /* port -> node port */
    g_autoptr(GError) local = NULL;
    gboolean node_ports = spec->type == KN_SERVICE_NODE_PORT || spec->type == KN_SERVICE_LOAD_BALANCER;

    for (guint i = 0; node_ports && i < spec->ports->len; i++) {
        KnServicePort *port = spec->ports->pdata[i];
        guint shared = GPOINTER_TO_UINT(g_hash_table_lookup(by_port, GUINT_TO_POINTER(port->port)));
        guint want;

        if (port->node_port == 0 && !needs_node_ports(service))
            continue;                   /* asks for none, and gets none */
        if (shared != 0 && (port->node_port == 0 || port->node_port == shared)) {
            port->node_port = shared;
            continue;
        }
        want = shared == 0 ? requested_node_port(spec, port->port) : port->node_port;
        if (want != 0) {
            if (!kn_svc_alloc_port_allocate(cluster->node_ports, want, &local)) {
                invalid(service, error, "spec.ports[%u].nodePort: Invalid value: %" G_GINT32_FORMAT ": %s", i, (gint32) want,
                        local->message);
                goto failed;
            }
        } else {
            want = kn_svc_alloc_port_allocate_next(cluster->node_ports, rng, &local);
            if (want == 0) {
                g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: %s",
                            local->message);
                goto failed;
            }
        }
        g_array_append_val(taken, want);
        port->node_port = want;
        if (shared == 0)
            g_hash_table_insert(by_port, GUINT_TO_POINTER(port->port), GUINT_TO_POINTER(want));
    }
    if (needs_health_check_node_port(service)) {
        guint want = spec->health_check_node_port;

        if (want != 0 && !kn_svc_alloc_port_allocate(cluster->node_ports, want, &local)) {
            g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: failed to "
                        "allocate requested HealthCheck NodePort %" G_GINT32_FORMAT ": %s", (gint32) want,
                        local->message);
            goto failed;
        }
        if (want == 0) {
            want = kn_svc_alloc_port_allocate_next(cluster->node_ports, rng, &local);
            if (want == 0) {
                g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: failed to "
                            "allocate a HealthCheck NodePort 0: range is full");
                goto failed;
            }
        }
        g_array_append_val(taken, want);
        spec->health_check_node_port = want;
    }
    return TRUE;

failed:
    for (guint i = 0; i < taken->len; i++)
        kn_svc_alloc_port_release(cluster->node_ports, g_array_index(taken, guint, i));
    for (guint i = 0; i < spec->ports->len; i++)
        ((KnServicePort *) spec->ports->pdata[i])->node_port = 0;
    spec->health_check_node_port = 0;
    return FALSE;
}

/* Allocates the Service's addresses and ports; on failure releases what it
 * took, clears what it set and returns FALSE. */
static gboolean
allocate_service(KnCluster *cluster, KnService *service, GError **error)
{
    KnServiceSpec *spec = &service->spec;
    KnRng *rng = kn_sim_rng(cluster->sim, "clusterip");
    g_autoptr(GError) local = NULL;
    gboolean dual = cluster->service_ips_secondary != NULL;
    const char *primary = kn_svc_alloc_ip_is_ipv6(cluster->service_ips) ? "IPv6" : "IPv4";

    if (spec->type == KN_SERVICE_EXTERNAL_NAME)
        goto node_ports;

    /* ipFamilyPolicy and ipFamilies, defaulted as initIPFamilyFields does
     * (two families and no policy never get here: the pre-checks refuse
     * them as SingleStack). */
    gboolean selectorless_headless = g_strcmp0(spec->cluster_ip, "None") == 0
                                     && kn_labels_size(spec->selector) == 0;

    if (spec->ip_family_policy == KN_IP_FAMILY_POLICY_UNSET)
        spec->ip_family_policy = selectorless_headless ? KN_IP_FAMILY_POLICY_REQUIRE_DUAL_STACK
                                                       : KN_IP_FAMILY_POLICY_SINGLE_STACK;
    /* Its special case: a headless Service without a selector takes both
     * families unless it is SingleStack, whatever the cluster serves, and
     * none of the checks below apply. */
    if (selectorless_headless) {
        if (spec->ip_families->len == 0)
            g_ptr_array_add(spec->ip_families, g_strdup(primary));
        if (spec->ip_families->len == 1 && spec->ip_family_policy != KN_IP_FAMILY_POLICY_SINGLE_STACK)
            g_ptr_array_add(spec->ip_families,
                            g_strdup(strcmp(spec->ip_families->pdata[0], "IPv6") == 0 ? "IPv4" : "IPv6"));
        if (spec->cluster_ips->len == 0)
            g_ptr_array_add(spec->cluster_ips, g_strdup("None"));
        goto node_ports;
    }
    if (spec->ip_family_policy == KN_IP_FAMILY_POLICY_REQUIRE_DUAL_STACK && !dual)
        return invalid(service, error, "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": "
                       "this cluster is not configured for dual-stack services");
    for (guint i = 0; i < spec->ip_families->len; i++) {
        const char *family = spec->ip_families->pdata[i];

        if (allocator_for(cluster, family) == NULL)
            return invalid(service, error, "spec.ipFamilies[%u]: Invalid value: \"%s\": not configured on this cluster",
                           i, family);
    }
    if (spec->ip_families->len == 0)
        g_ptr_array_add(spec->ip_families, g_strdup(primary));
    if (spec->ip_families->len == 1 && dual && spec->ip_family_policy != KN_IP_FAMILY_POLICY_SINGLE_STACK) {
        const char *other = strcmp(spec->ip_families->pdata[0], "IPv6") == 0 ? "IPv4" : "IPv6";

        g_ptr_array_add(spec->ip_families, g_strdup(other));
    }

    /* One address per family: the given ones taken, the others drawn. */
    if (g_strcmp0(spec->cluster_ip, "None") == 0) {
        if (spec->cluster_ips->len == 0)
            g_ptr_array_add(spec->cluster_ips, g_strdup("None"));
        goto node_ports;
    }
    if (spec->cluster_ip != NULL && spec->cluster_ip[0] != '\0' && spec->cluster_ips->len == 0)
        g_ptr_array_add(spec->cluster_ips, g_strdup(spec->cluster_ip));
    for (guint i = 0; i < spec->ip_families->len; i++) {
        KnSvcIpAllocator *allocator = allocator_for(cluster, spec->ip_families->pdata[i]);

        if (i < spec->cluster_ips->len) {
            if (!kn_svc_alloc_ip_allocate(allocator, spec->cluster_ips->pdata[i], &local)) {
                /* (The message needs the address after the array lets it go.) */
                g_autofree char *ip = g_strdup(spec->cluster_ips->pdata[i]);

                g_ptr_array_set_size(spec->cluster_ips, i);      /* release only what was taken */
                release_cluster_ips(cluster, service);
                g_ptr_array_set_size(spec->cluster_ips, 0);
                return invalid(service, error, "spec.clusterIPs: Invalid value: []string{\"%s\"}: %s",
                               ip, local->message);
            }
        } else {
            char *ip = kn_svc_alloc_ip_allocate_next(allocator, rng, &local);

            if (ip == NULL) {
                release_cluster_ips(cluster, service);
                g_ptr_array_set_size(spec->cluster_ips, 0);
                g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: %s",
                            local->message);
                return FALSE;
            }
            g_ptr_array_add(spec->cluster_ips, ip);
        }
    }
    g_free(spec->cluster_ip);
    spec->cluster_ip = g_strdup(spec->cluster_ips->pdata[0]);

node_ports:
    if (!take_node_ports(cluster, service, error)) {
        release_cluster_ips(cluster, service);
        return FALSE;
    }
    return TRUE;
}

/* Sets 'error' to what the API server says of the Service 'name' that
 * failed validation with 'problems': kubectl's message without its "The "
 * and final newline. */
static void
set_validation_error_kind(GError **error, const char *kind, const char *name, const GPtrArray *problems)
{
    g_autofree char *text = kn_svc_validate_format_kind(kind, name, problems);

    g_strchomp(text);
    g_set_error_literal(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                        g_str_has_prefix(text, "The ") ? text + 4 : text);
}

static void
set_validation_error(GError **error, const char *name, const GPtrArray *problems)
{
    g_autofree char *text = kn_svc_validate_format(name, problems);

    g_strchomp(text);
    g_set_error_literal(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                        g_str_has_prefix(text, "The ") ? text + 4 : text);
}

/* The kind as the API server names it in "The KIND \"name\" is invalid". */
static const char *
kind_title(KnKind kind)
{
    switch (kind) {
    case KN_KIND_DEPLOYMENT:
        return "Deployment.apps";
    case KN_KIND_REPLICA_SET:
        return "ReplicaSet.apps";
    case KN_KIND_STATEFUL_SET:
        return "StatefulSet.apps";
    case KN_KIND_DAEMON_SET:
        return "DaemonSet.apps";
    case KN_KIND_ENDPOINT_SLICE:
        return "EndpointSlice.discovery.k8s.io";
    default:
        return kn_kind_name(kind);
    }
}

/* Validation of the kinds other than Service: their metadata, and a
 * workload's selector against its template. */
static GPtrArray *
validate_other(KnKind kind, gpointer object)
{
    gboolean namespaced = kind != KN_KIND_NODE && kind != KN_KIND_NAMESPACE;
    GPtrArray *problems = kn_svc_validate_meta(kn_object_meta(object), namespaced, kind == KN_KIND_NAMESPACE);

    switch (kind) {
    case KN_KIND_POD:
        kn_svc_validate_pod_spec(&((KnPod *) object)->spec, "spec", problems);
        break;
    case KN_KIND_DEPLOYMENT:
        kn_svc_validate_deployment(object, problems);
        break;
    case KN_KIND_REPLICA_SET:
        kn_svc_validate_replica_set(object, problems);
        break;
    case KN_KIND_STATEFUL_SET:
        kn_svc_validate_stateful_set(object, problems);
        break;
    case KN_KIND_DAEMON_SET:
        kn_svc_validate_daemon_set(object, problems);
        break;
    case KN_KIND_ENDPOINT_SLICE:
        kn_svc_validate_endpoint_slice(object, problems);
        break;
    case KN_KIND_ENDPOINTS:
        kn_svc_validate_endpoints(object, problems);
        break;
    default:
        break;
    }
    return problems;
}

gboolean
kn_apiserver_create(KnCluster *cluster, KnKind kind, gpointer object, GError **error)
{
    g_return_val_if_fail(cluster != NULL && object != NULL, FALSE);

    KnObjectMeta *meta = kn_object_meta(object);

    if (kind != KN_KIND_NODE && kind != KN_KIND_NAMESPACE && meta->namespace == NULL)
        meta->namespace = g_strdup("default");
    if (meta->name != NULL && kn_store_lookup(cluster->store, kind, meta->namespace, meta->name) != NULL) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "%s \"%s\" already exists",
                    kn_store_resource_name(kind), meta->name);
        kn_object_free(kind, object);
        return FALSE;
    }
    /* A Service is allocated first (the registry's BeginCreate hook, after
     * the checks of initIPFamilyFields) and validated after (BeforeCreate),
     * so an allocator's refusal hides every validation error, and
     * validation sees the allocated addresses and ports. */
    if (kind == KN_KIND_SERVICE) {
        g_autoptr(GPtrArray) problems = kn_svc_validate_create_precheck(object);

        if (problems->len > 0) {
            set_validation_error(error, meta->name, problems);
            kn_object_free(kind, object);
            return FALSE;
        }
        if (!allocate_service(cluster, object, error)) {
            kn_object_free(kind, object);
            return FALSE;
        }
        g_ptr_array_unref(problems);
        problems = kn_svc_validate_create(object);
        if (problems->len > 0) {
            release_service(cluster, object);
            set_validation_error(error, meta->name, problems);
            kn_object_free(kind, object);
            return FALSE;
        }
    }
    if (kind != KN_KIND_SERVICE) {
        g_autoptr(GPtrArray) problems = validate_other(kind, object);

        if (problems->len > 0) {
            g_autofree char *name = g_strdup(meta->name != NULL ? meta->name : "");

            set_validation_error_kind(error, kind_title(kind), name, problems);
            kn_object_free(kind, object);
            return FALSE;
        }
    }
    return kn_store_add(cluster->store, kind, object, error);
}

/* The object as `kubectl get -o yaml` prints it, to tell whether an update
 * changed anything.  New. */
static char *
snapshot(KnCluster *cluster, KnKind kind, gpointer object)
{
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    GString *out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnKubectlPrintOptions options = { .output = KN_KUBECTL_OUTPUT_YAML, .single = TRUE };

    g_ptr_array_add(one, object);
    kn_kubectl_print(kind, one, &options, cluster->store, 0, out, err);
    return g_string_free(out, FALSE);
}

/* The strategy's needsNodePort: of a type with node ports, whether or not
 * a LoadBalancer allocates them. */
static gboolean
node_port_type(const KnService *service)
{
    return service->spec.type == KN_SERVICE_NODE_PORT || service->spec.type == KN_SERVICE_LOAD_BALANCER;
}

/* Does any port of 'service' ask for 'node_port'? */
static gboolean
has_node_port(const KnService *service, guint node_port)
{
    for (guint i = 0; i < service->spec.ports->len; i++)
        if (((const KnServicePort *) service->spec.ports->pdata[i])->node_port == node_port)
            return TRUE;
    return FALSE;
}

/* patchAllocatedValues for node ports: while the Service has node ports
 * before and after, a port that leaves its nodePort out gets the one the
 * old port of the same name had ("" for an unnamed one, so a single port
 * keeps its node port when its number changes), unless another port asks
 * for that node port and the old Service held it too. */
static void
patch_node_ports(KnService *service, const KnService *old)
{
    g_autoptr(GArray) used = g_array_new(FALSE, FALSE, sizeof(guint));

    if (!node_port_type(old) || !node_port_type(service))
        return;
    for (guint i = 0; i < service->spec.ports->len; i++) {
        guint node_port = ((KnServicePort *) service->spec.ports->pdata[i])->node_port;

        if (node_port != 0 && has_node_port(old, node_port))
            g_array_append_val(used, node_port);
    }
    for (guint i = 0; i < service->spec.ports->len; i++) {
        KnServicePort *p = service->spec.ports->pdata[i];
        guint was = 0;
        gboolean taken = FALSE;

        if (p->node_port != 0)
            continue;
        for (guint j = 0; j < old->spec.ports->len; j++) {
            const KnServicePort *q = old->spec.ports->pdata[j];

            if (g_strcmp0(q->name ? q->name : "", p->name ? p->name : "") == 0)
                was = q->node_port;             /* the last of a name, as a Go map keeps it */
        }
        for (guint j = 0; j < used->len && !taken; j++)
            taken = g_array_index(used, guint, j) == was;
        if (!taken)
            p->node_port = was;
    }
}

/* Takes node ports for the updated Service 'service' over 'old': keeps the
 * ones the same ports had and allocates the rest, adding what it took to
 * 'taken' (guint).  What the old Service held and the new one does not is
 * given back by release_unused_node_ports() once the update stands (the
 * registry's ReleaseDeferred); on failure 'taken' was already given back. */
static gboolean
update_node_ports(KnCluster *cluster, KnService *service, const KnService *old, GArray *taken, GError **error)
{
    g_autoptr(GError) local = NULL;
    gboolean needs = needs_node_ports(service);

    /* updateNodePorts: a node port the old Service held, or one this update
     * took already, is not taken again. */
    for (guint i = 0; node_port_type(service) && i < service->spec.ports->len; i++) {
        KnServicePort *p = service->spec.ports->pdata[i];
        gboolean held = p->node_port != 0 && has_node_port(old, p->node_port);

        for (guint j = 0; j < taken->len && !held; j++)
            held = g_array_index(taken, guint, j) == p->node_port;
        if (p->node_port != 0 && !held) {
            if (!kn_svc_alloc_port_allocate(cluster->node_ports, p->node_port, &local)) {
                invalid(service, error, "spec.ports[%u].nodePort: Invalid value: %" G_GINT32_FORMAT ": %s", i,
                        (gint32) p->node_port, local->message);
                goto failed;
            }
            g_array_append_val(taken, p->node_port);
        } else if (p->node_port == 0 && needs) {
            p->node_port = kn_svc_alloc_port_allocate_next(cluster->node_ports,
                                                           kn_sim_rng(cluster->sim, "nodeport"), &local);
            if (p->node_port == 0) {
                g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: %s",
                            local->message);
                goto failed;
            }
            g_array_append_val(taken, p->node_port);
        }
    }
    /* healthCheckNodePortUpdate (registry/core/service/storage): a
     * LoadBalancer going to externalTrafficPolicy Local gains a health check
     * node port, one leaving it gives the port back. */
    gboolean needed_hc = needs_health_check_node_port(old);
    gboolean needs_hc = needs_health_check_node_port(service);

    if (needs_hc && !needed_hc) {
        guint want = service->spec.health_check_node_port;

        if (want == old->spec.health_check_node_port)
            want = 0;
        if (want != 0 && !kn_svc_alloc_port_allocate(cluster->node_ports, want, &local)) {
            g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: failed to "
                        "allocate requested HealthCheck NodePort %" G_GINT32_FORMAT ": %s", (gint32) want,
                        local->message);
            goto failed;
        }
        if (want == 0) {
            want = kn_svc_alloc_port_allocate_next(cluster->node_ports, kn_sim_rng(cluster->sim, "nodeport"),
                                                   &local);
            if (want == 0) {
                g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: failed to "
                            "allocate a HealthCheck NodePort 0: range is full");
                goto failed;
            }
        }
        service->spec.health_check_node_port = want;
        g_array_append_val(taken, want);
    } else if (!needs_hc && needed_hc) {
        service->spec.health_check_node_port = 0;
    }
    return TRUE;

failed:
    for (guint i = 0; i < taken->len; i++)
        kn_svc_alloc_port_release(cluster->node_ports, g_array_index(taken, guint, i));
    g_array_set_size(taken, 0);
    return FALSE;
}

/* Gives back the node ports, health check node port included, that 'old'
 * held and the updated 'service' does not. */
static void
release_unused_node_ports(KnCluster *cluster, const KnService *service, const KnService *old)
{
    for (guint i = 0; i < old->spec.ports->len; i++) {
        const KnServicePort *p = old->spec.ports->pdata[i];
        gboolean kept = FALSE;

        for (guint j = 0; j < service->spec.ports->len && !kept; j++)
            kept = ((KnServicePort *) service->spec.ports->pdata[j])->node_port == p->node_port;
        if (p->node_port != 0 && !kept)
            kn_svc_alloc_port_release(cluster->node_ports, p->node_port);
    }
    if (needs_health_check_node_port(old) && !needs_health_check_node_port(service)
        && old->spec.health_check_node_port != 0)
        kn_svc_alloc_port_release(cluster->node_ports, old->spec.health_check_node_port);
}

/* Does 'service' take no node port that 'old' did not have?  (sameNodePorts:
 * the old set of node ports is a superset of the new.) */
static gboolean
same_node_ports(const KnService *service, const KnService *old)
{
    for (guint i = 0; i < service->spec.ports->len; i++) {
        guint node_port = ((const KnServicePort *) service->spec.ports->pdata[i])->node_port;
        gboolean had = node_port == 0;

        for (guint j = 0; j < old->spec.ports->len && !had; j++)
            had = ((const KnServicePort *) old->spec.ports->pdata[j])->node_port == node_port;
        if (!had)
            return FALSE;
    }
    return TRUE;
}

/* The Service strategy's dropTypeDependentFields on an update
 * (pkg/registry/core/service/strategy.go): a field the updated Service no
 * longer uses is cleared where the update left it as it was, so its value
 * can be released.  Each case looks at what the old and new Service need,
 * not at the type alone: externalTrafficPolicy Local to Cluster drops the
 * health check node port of a LoadBalancer. */
static void
drop_type_dependent_fields(KnService *service, const KnService *old)
{
    KnServiceSpec *spec = &service->spec;
    const KnServiceSpec *was = &old->spec;

    if (was->type != KN_SERVICE_EXTERNAL_NAME && spec->type == KN_SERVICE_EXTERNAL_NAME) {
        if (g_strcmp0(spec->cluster_ip, was->cluster_ip) == 0 && kn_api_strings_equal(spec->cluster_ips, was->cluster_ips)) {
            g_clear_pointer(&spec->cluster_ip, g_free);
            g_ptr_array_set_size(spec->cluster_ips, 0);
        }
        if (kn_api_strings_equal(spec->ip_families, was->ip_families))
            g_ptr_array_set_size(spec->ip_families, 0);
        if (spec->ip_family_policy == was->ip_family_policy)
            spec->ip_family_policy = KN_IP_FAMILY_POLICY_UNSET;
    }
    if (node_port_type(old) && !node_port_type(service) && same_node_ports(service, old))
        for (guint i = 0; i < spec->ports->len; i++)
            ((KnServicePort *) spec->ports->pdata[i])->node_port = 0;
    if (needs_health_check_node_port(old) && !needs_health_check_node_port(service)
        && spec->health_check_node_port == was->health_check_node_port)
        spec->health_check_node_port = 0;
    /* (The old LoadBalancer's field is set, if only by defaulting.) */
    if (was->type == KN_SERVICE_LOAD_BALANCER && spec->type != KN_SERVICE_LOAD_BALANCER
        && spec->has_allocate_load_balancer_node_ports
        && spec->allocate_load_balancer_node_ports == was->allocate_load_balancer_node_ports) {
        spec->allocate_load_balancer_node_ports = TRUE;
        spec->has_allocate_load_balancer_node_ports = FALSE;
    }
    if (was->type == KN_SERVICE_LOAD_BALANCER && spec->type != KN_SERVICE_LOAD_BALANCER
        && g_strcmp0(spec->load_balancer_class, was->load_balancer_class) == 0)
        g_clear_pointer(&spec->load_balancer_class, g_free);
    if (kn_service_externally_accessible(old) && !kn_service_externally_accessible(service)
        && spec->external_traffic_policy == was->external_traffic_policy) {
        spec->external_traffic_policy = KN_TRAFFIC_POLICY_CLUSTER;
        spec->has_external_traffic_policy = FALSE;
    }
}

/* normalizeClusterIPs on an update (registry/core/service/storage), after
 * the allocated values were patched in: keeps clusterIP and clusterIPs in
 * step, so changing the one alone reads as changing both, and validation
 * then says "spec.clusterIPs[0]: ... may not change once set". */
static void
normalize_cluster_ips(KnService *service, const KnService *old)
{
    KnServiceSpec *spec = &service->spec;
    const KnServiceSpec *was = &old->spec;

    if (was->cluster_ips->len > 0 && spec->cluster_ips->len == 0 && g_strcmp0(was->cluster_ip, spec->cluster_ip) == 0)
        for (guint i = 0; i < was->cluster_ips->len; i++)
            g_ptr_array_add(spec->cluster_ips, g_strdup(was->cluster_ips->pdata[i]));
    if (g_strcmp0(was->cluster_ip, spec->cluster_ip) == 0 || !kn_api_strings_equal(was->cluster_ips, spec->cluster_ips))
        return;
    g_ptr_array_set_size(spec->cluster_ips, 0);
    if (spec->cluster_ip != NULL && spec->cluster_ip[0] != '\0')
        g_ptr_array_add(spec->cluster_ips, g_strdup(spec->cluster_ip));
}

static void
swap_pointers(gpointer a, gpointer b)
{
    gpointer *x = a, *y = b, t = *x;

    *x = *y;
    *y = t;
}

gboolean
kn_apiserver_update(KnCluster *cluster, KnKind kind, gpointer object, gboolean *changed, GError **error)
{
    g_return_val_if_fail(cluster != NULL && object != NULL, FALSE);

    KnObjectMeta *meta = kn_object_meta(object);
    const char *ns = kind != KN_KIND_NODE && kind != KN_KIND_NAMESPACE
                         ? (meta->namespace != NULL ? meta->namespace : "default") : NULL;
    gpointer stored = kn_store_lookup(cluster->store, kind, ns, meta->name);
    g_autofree char *before = NULL, *after = NULL;

    if (changed != NULL)
        *changed = FALSE;
    if (stored == NULL) {
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_REFERENCE, "%s \"%s\" not found",
                    kn_store_resource_name(kind), meta->name);
        kn_object_free(kind, object);
        return FALSE;
    }
    before = snapshot(cluster, kind, stored);

    switch (kind) {
    case KN_KIND_SERVICE: {
        KnService *service = object, *old = stored;

        drop_type_dependent_fields(service, old);
        /* patchAllocatedValues: what the update leaves out of clusterIP and
         * clusterIPs is the old value, each field on its own, so clusterIPs
         * given alone are checked against the old clusterIP. */
        if (service->spec.type != KN_SERVICE_EXTERNAL_NAME && old->spec.type != KN_SERVICE_EXTERNAL_NAME) {
            if ((service->spec.cluster_ip == NULL || service->spec.cluster_ip[0] == '\0')
                && old->spec.cluster_ip != NULL) {
                g_free(service->spec.cluster_ip);
                service->spec.cluster_ip = g_strdup(old->spec.cluster_ip);
            }
            if (service->spec.cluster_ips->len == 0) {
                g_ptr_array_unref(service->spec.cluster_ips);
                service->spec.cluster_ips = kn_api_strings_copy(old->spec.cluster_ips);
            }
        }
        normalize_cluster_ips(service, old);
        patch_node_ports(service, old);
        if (service->spec.ip_families->len == 0 && service->spec.type != KN_SERVICE_EXTERNAL_NAME) {
            g_ptr_array_unref(service->spec.ip_families);
            service->spec.ip_families = kn_api_strings_copy(old->spec.ip_families);
        }
        if (service->spec.ip_family_policy == KN_IP_FAMILY_POLICY_UNSET && service->spec.type != KN_SERVICE_EXTERNAL_NAME)
            service->spec.ip_family_policy = old->spec.ip_family_policy;
        /* patchAllocatedValues (registry/core/service/storage): an update
         * that leaves out the health check node port keeps the old one
         * while both need one. */
        if (service->spec.health_check_node_port == 0 && needs_health_check_node_port(old)
            && needs_health_check_node_port(service))
            service->spec.health_check_node_port = old->spec.health_check_node_port;

        /* As on create, the registry allocates (BeginUpdate: cluster IPs,
         * then node ports) before it validates (BeforeUpdate), and gives
         * back what it took when validation fails. */
        g_autoptr(GPtrArray) problems = kn_svc_validate_update_precheck(service, old);
        g_autoptr(GArray) taken = g_array_new(FALSE, FALSE, sizeof(guint));
        char *new_ip = NULL;

        if (problems->len > 0) {
            set_validation_error(error, meta->name, problems);
            kn_object_free(kind, object);
            return FALSE;
        }
        /* To or from ExternalName: the cluster IP comes or goes. */
        if (service->spec.type != KN_SERVICE_EXTERNAL_NAME && service->spec.cluster_ip == NULL) {
            g_autoptr(GError) local = NULL;

            service->spec.cluster_ip = kn_svc_alloc_ip_allocate_next(cluster->service_ips,
                                                                     kn_sim_rng(cluster->sim, "clusterip"), &local);
            if (service->spec.cluster_ip == NULL) {
                g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE, "Internal error occurred: %s",
                            local->message);
                kn_object_free(kind, object);
                return FALSE;
            }
            new_ip = service->spec.cluster_ip;
            g_ptr_array_add(service->spec.cluster_ips, g_strdup(service->spec.cluster_ip));
            if (service->spec.ip_families->len == 0)
                g_ptr_array_add(service->spec.ip_families,
                                g_strdup(kn_svc_alloc_ip_is_ipv6(cluster->service_ips) ? "IPv6" : "IPv4"));
            if (service->spec.ip_family_policy == KN_IP_FAMILY_POLICY_UNSET)
                service->spec.ip_family_policy = KN_IP_FAMILY_POLICY_SINGLE_STACK;
        }
        gboolean refused = !update_node_ports(cluster, service, old, taken, error);

        if (!refused) {
            g_ptr_array_unref(problems);
            problems = kn_svc_validate_update(service, old);
            refused = problems->len > 0;
            if (refused)
                set_validation_error(error, meta->name, problems);
        }
        if (refused) {
            for (guint i = 0; i < taken->len; i++)
                kn_svc_alloc_port_release(cluster->node_ports, g_array_index(taken, guint, i));
            if (new_ip != NULL)
                kn_svc_alloc_ip_release(cluster->service_ips, new_ip);
            kn_object_free(kind, object);
            return FALSE;
        }
        release_unused_node_ports(cluster, service, old);
        for (guint i = 0; i < old->spec.cluster_ips->len; i++) {
            const char *ip = old->spec.cluster_ips->pdata[i];
            KnSvcIpAllocator *allocator = strcmp(ip, "None") != 0 ? allocator_for(cluster, family_of(ip)) : NULL;
            gboolean kept = FALSE;

            for (guint j = 0; j < service->spec.cluster_ips->len && !kept; j++)
                kept = strcmp(ip, service->spec.cluster_ips->pdata[j]) == 0;
            if (allocator != NULL && !kept)
                kn_svc_alloc_ip_release(allocator, ip);
        }
        KnServiceSpec spec = old->spec;

        old->spec = service->spec;
        service->spec = spec;
        break;
    }
    case KN_KIND_DEPLOYMENT: {
        KnDeployment *d = object, *old = stored;
        KnPodTemplate template = old->template;
        g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify) kn_field_error_free);

        /* ValidateDeploymentUpdate checks the new spec as a create does. */
        kn_svc_validate_deployment(d, problems);
        if (problems->len > 0) {
            set_validation_error_kind(error, kind_title(kind), meta->name, problems);
            kn_object_free(kind, object);
            return FALSE;
        }

        old->replicas = d->replicas;
        old->min_ready_s = d->min_ready_s;
        old->revision_history_limit = d->revision_history_limit;
        old->progress_deadline_s = d->progress_deadline_s;
        swap_pointers(&old->selector, &d->selector);
        KnSelectorRest rest = old->selector_rest;

        old->selector_rest = d->selector_rest;
        d->selector_rest = rest;
        old->template = d->template;
        d->template = template;
        KnIntOrString surge = old->max_surge, unavailable = old->max_unavailable;

        old->recreate = d->recreate;
        old->rolling_update_given = d->rolling_update_given;
        swap_pointers(&old->strategy_raw, &d->strategy_raw);

        old->max_surge = d->max_surge;
        old->max_unavailable = d->max_unavailable;
        d->max_surge = surge;
        d->max_unavailable = unavailable;
        break;
    }
    case KN_KIND_CONFIG_MAP:
        swap_pointers(&((KnConfigMap *) stored)->data, &((KnConfigMap *) object)->data);
        break;
    default:
        g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_UNSUPPORTED,
                    "knetsim cannot update a %s in place yet", kn_kind_name(kind));
        kn_object_free(kind, object);
        return FALSE;
    }
    /* Labels and annotations follow the new object too. */
    swap_pointers(&kn_object_meta(stored)->labels, &meta->labels);
    swap_pointers(&kn_object_meta(stored)->annotations, &meta->annotations);
    kn_object_free(kind, object);

    after = snapshot(cluster, kind, stored);
    if (strcmp(before, after) != 0) {
        kn_store_update(cluster->store, kind, stored, TRUE);
        if (changed != NULL)
            *changed = TRUE;
    }
    return TRUE;
}

gboolean
kn_apiserver_delete(KnCluster *cluster, KnKind kind, const char *namespace, const char *name)
{
    g_return_val_if_fail(cluster != NULL && name != NULL, FALSE);

    gpointer object = kn_store_lookup(cluster->store, kind, namespace, name);

    if (object == NULL)
        return FALSE;
    if (kind == KN_KIND_SERVICE)
        release_service(cluster, object);
    return kn_store_delete(cluster->store, kind, namespace, name);
}
