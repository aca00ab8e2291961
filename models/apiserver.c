/* apiserver.c -- the API server's create and delete paths of apiserver.h.
 *
 * DOC: Service allocation as pkg/registry/core/service/storage (rest.go,
 * alloc.go) does it on create:
 * - ipFamilies defaults to the family of the service CIDR and
 *   ipFamilyPolicy to SingleStack;
 * - a clusterIP of "None" (headless) allocates nothing; a given clusterIP
 *   is taken exactly, else one is drawn at random (svc-alloc.h) from the
 *   "clusterip" stream; ExternalName Services get none;
 * - NodePort and LoadBalancer Services (the latter unless
 *   allocateLoadBalancerNodePorts is false) get a nodePort per port, the
 *   given one or a random one; a LoadBalancer with externalTrafficPolicy
 *   Local also gets a healthCheckNodePort;
 * - on failure nothing stays allocated.
 * Validation (svc-validate.h) comes first; its messages and the
 * allocators' are the API server's ("Service \"web\" is invalid: ...").
 *
 * Simplified: single-stack IPv4 or IPv6 clusters only. */

#include <config.h>
#include "models/apiserver.h"

#include <string.h>
#include "models/svc-validate.h"

static gboolean
needs_node_ports(const KnService *service)
{
    return service->spec.type == KN_SERVICE_NODE_PORT
           || (service->spec.type == KN_SERVICE_LOAD_BALANCER
               && service->spec.allocate_load_balancer_node_ports);
}

/* Releases what 'service' holds in the allocators. */
static void
release_service(KnCluster *cluster, const KnService *service)
{
    if (service->spec.cluster_ip != NULL && strcmp(service->spec.cluster_ip, "None") != 0)
        kn_svc_alloc_ip_release(cluster->service_ips, service->spec.cluster_ip);
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

/* Allocates the Service's addresses and ports; on failure releases what it
 * took, clears what it set and returns FALSE. */
static gboolean
allocate_service(KnCluster *cluster, KnService *service, GError **error)
{
    KnServiceSpec *spec = &service->spec;
    KnRng *rng = kn_sim_rng(cluster->sim, "clusterip");
    g_autoptr(GError) local = NULL;
    gboolean given_ip = spec->cluster_ip != NULL;

    if (spec->ip_families->len == 0 && spec->type != KN_SERVICE_EXTERNAL_NAME)
        g_ptr_array_add(spec->ip_families,
                        g_strdup(kn_svc_alloc_ip_is_ipv6(cluster->service_ips) ? "IPv6" : "IPv4"));
    if (spec->ip_family_policy == KN_IP_FAMILY_POLICY_UNSET && spec->type != KN_SERVICE_EXTERNAL_NAME)
        spec->ip_family_policy = KN_IP_FAMILY_POLICY_SINGLE_STACK;

    if (spec->type != KN_SERVICE_EXTERNAL_NAME && g_strcmp0(spec->cluster_ip, "None") != 0) {
        if (given_ip) {
            if (!kn_svc_alloc_ip_allocate(cluster->service_ips, spec->cluster_ip, &local))
                return invalid(service, error, "spec.clusterIPs: Invalid value: []string{\"%s\"}: %s",
                               spec->cluster_ip, local->message);
        } else {
            spec->cluster_ip = kn_svc_alloc_ip_allocate_next(cluster->service_ips, rng, &local);
            if (spec->cluster_ip == NULL) {
                g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                            "Internal error occurred: %s", local->message);
                return FALSE;
            }
        }
    }
    if (spec->cluster_ip != NULL && spec->cluster_ips->len == 0)
        g_ptr_array_add(spec->cluster_ips, g_strdup(spec->cluster_ip));

    if (needs_node_ports(service)) {
        for (guint i = 0; i < spec->ports->len; i++) {
            KnServicePort *port = spec->ports->pdata[i];

            if (port->node_port != 0) {
                if (!kn_svc_alloc_port_allocate(cluster->node_ports, port->node_port, &local)) {
                    guint taken = port->node_port;

                    port->node_port = 0;     /* not ours to release */
                    release_service(cluster, service);
                    return invalid(service, error, "spec.ports[%u].nodePort: Invalid value: %u: %s",
                                   i, taken, local->message);
                }
            } else {
                port->node_port = kn_svc_alloc_port_allocate_next(cluster->node_ports,
                                                                  kn_sim_rng(cluster->sim, "nodeport"), &local);
                if (port->node_port == 0) {
                    release_service(cluster, service);
                    g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                                "Internal error occurred: %s", local->message);
                    return FALSE;
                }
            }
        }
    }
    if (spec->type == KN_SERVICE_LOAD_BALANCER && spec->external_traffic_policy == KN_TRAFFIC_POLICY_LOCAL
        && spec->health_check_node_port == 0) {
        spec->health_check_node_port = kn_svc_alloc_port_allocate_next(cluster->node_ports,
                                                                        kn_sim_rng(cluster->sim, "nodeport"), &local);
        if (spec->health_check_node_port == 0) {
            release_service(cluster, service);
            g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                        "Internal error occurred: failed to allocate a HealthCheck NodePort 0: range is full");
            return FALSE;
        }
    }
    return TRUE;
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
    if (kind == KN_KIND_SERVICE) {
        g_autoptr(GPtrArray) problems = kn_svc_validate_create(object);

        if (problems->len > 0) {
            g_autofree char *text = kn_svc_validate_format(meta->name, problems);

            /* Without kubectl's "The " and final newline. */
            g_strchomp(text);
            g_set_error_literal(error, KN_INPUT_ERROR, KN_INPUT_ERROR_VALUE,
                                g_str_has_prefix(text, "The ") ? text + 4 : text);
            kn_object_free(kind, object);
            return FALSE;
        }
    }
    if (kind == KN_KIND_SERVICE && !allocate_service(cluster, object, error)) {
        kn_object_free(kind, object);
        return FALSE;
    }
    return kn_store_add(cluster->store, kind, object, error);
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
