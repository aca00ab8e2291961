/* svc-validate.h -- a Service checked as the API server checks it, on create
 * and on update, with the field paths and messages kubectl prints.
 *
 * It sits between the scenario loader (which builds a KnService from a
 * manifest) and the store: a Service that gives errors is refused, and
 * kn_svc_validate_format() is what the simulated kubectl prints.  It checks
 * a Service after defaulting and after the cluster IPs and node ports are
 * allocated, as the API server does; node port ranges and address
 * conflicts belong to the allocators, not here. */
#pragma once

#include <glib.h>
#include "models/api.h"

/* One field error, as the API server's field.Error prints it. */
typedef struct KnFieldError {
    char *field;                 /* the path: "spec.ports[1].name", "metadata.name" */
    char *message;               /* what follows "path: ": "Required value",
                                  * "Invalid value: 0: must be between 1 and 65535, inclusive" */
} KnFieldError;

void kn_field_error_free(KnFieldError *error);          /* accepts NULL */

/* Checks 'service' as a create.  Returns the errors in the order the API
 * server finds them, empty when the Service is valid; new, a GPtrArray of
 * KnFieldError that frees them; g_ptr_array_unref() it. */
GPtrArray *kn_svc_validate_create(const KnService *service);

/* Only the checks that the registry's allocator runs before it allocates
 * anything on a create (initIPFamilyFields: ValidateServiceClusterIPsRelatedFields,
 * then the ipFamilyPolicy rules).  kn_svc_validate_create() repeats them
 * and adds the rest; the API server allocates between the two, so an
 * allocator's refusal comes before any other validation error.  Same
 * return as kn_svc_validate_create(). */
GPtrArray *kn_svc_validate_create_precheck(const KnService *service);

/* Checks 'service' as an update of the stored 'old' (both borrowed): the
 * create checks plus what may not change (metadata.name, the primary
 * clusterIP and ipFamily, loadBalancerClass, healthCheckNodePort) and how
 * a Service may move to and from dual-stack.  Same return as above. */
GPtrArray *kn_svc_validate_update(const KnService *service, const KnService *old);

/* As kn_svc_validate_create_precheck() for an update of the stored 'old':
 * what the allocator checks before it allocates (initIPFamilyFields, with
 * its update-only rules on releasing a secondary IP or family). */
GPtrArray *kn_svc_validate_update_precheck(const KnService *service, const KnService *old);

/* What kubectl create or apply prints on stderr when the API server refuses
 * the Service 'name' with 'errors' (a GPtrArray of KnFieldError), ending in
 * a newline: "The Service \"web\" is invalid: PATH: MESSAGE\n" for one error,
 * "The Service \"web\" is invalid: \n* A\n* B\n" for several, with repeated
 * lines dropped.  New; g_free().  NULL if 'errors' is empty. */
char *kn_svc_validate_format(const char *name, const GPtrArray *errors);

/* As kn_svc_validate_format() for an object of another 'kind' ("Pod",
 * "Deployment"). */
char *kn_svc_validate_format_kind(const char *kind, const char *name, const GPtrArray *errors);

/* ValidateObjectMeta for objects other than Services: the name a DNS-1123
 * subdomain (Pods, workloads, ConfigMaps, EndpointSlices, Endpoints) or,
 * with 'dns_label', a DNS-1123 label (Namespaces); the namespace when
 * 'namespaced'; labels and annotations.  New array of KnFieldError. */
GPtrArray *kn_svc_validate_meta(const KnObjectMeta *meta, gboolean namespaced, gboolean dns_label);

/* ValidateEndpointSlice (pkg/apis/discovery/validation) after the metadata:
 * addressType given; each endpoint with 1 to 100 addresses, each an address of the slice's
 * addressType (IPv4, IPv6: not unspecified, loopback or link-local; FQDN:
 * a domain of two labels or more), its hostname a DNS-1123 label; at most
 * 1000 endpoints and 100 ports, the ports' names DNS-1123 labels and
 * unique ("" counts as a name), their appProtocol a qualified name.
 * Appends KnFieldError to 'errors'. */
void kn_svc_validate_endpoint_slice(const KnEndpointSlice *slice, GPtrArray *errors);

/* validateEndpointSubsets of ValidateEndpoints (after the metadata): each
 * subset with addresses or notReadyAddresses; each address a valid IP
 * (IsValidIP, then ValidateNonSpecialIP), its hostname a DNS-1123 label,
 * its nodeName a DNS-1123 subdomain; each port named (a DNS-1123 label)
 * when there are several, numbered 1-65535, its appProtocol a qualified
 * name.  Appends KnFieldError to 'errors'. */
void kn_svc_validate_endpoints(const KnEndpoints *endpoints, GPtrArray *errors);

/* The DNS fields of the pod spec at 'path' ("spec" of a Pod,
 * "spec.template.spec" of a workload), as ValidatePodSpec checks them:
 * validateDNSPolicy (the policy one of ClusterFirstWithHostNet,
 * ClusterFirst, Default, None), then validatePodDNSConfig (dnsConfig
 * required for None, with a nameserver; at most 3 nameservers, each an IP;
 * at most 32 search domains and 2048 characters, each a DNS-1123 subdomain
 * less one final dot; every option named).  Appends KnFieldError to
 * 'errors'. */
void kn_svc_validate_pod_dns(const KnPodSpec *spec, const char *path, GPtrArray *errors);
/* The pod spec's containers at 'path' ("spec", "spec.template.spec"):
 * at least one, each named (uniquely) and with an image, its ports'
 * numbers in range, with validateContainers' messages. */
void kn_svc_validate_pod_containers(const KnPodSpec *spec, const char *path, GPtrArray *errors);

/* The parts of ValidatePodSpec that knetsim models, for the pod spec at
 * 'path' ("spec", "spec.template.spec"), in its order: the containers
 * (kn_svc_validate_pod_containers()), restartPolicy one of Always,
 * OnFailure, Never, the DNS fields (kn_svc_validate_pod_dns()), then
 * hostname and subdomain each a DNS-1123 label.  Appends KnFieldError to
 * 'errors'. */
void kn_svc_validate_pod_spec(const KnPodSpec *spec, const char *path, GPtrArray *errors);

/* IsValidPortName's messages joined by ',' (as kubectl's parsePorts gives
 * them), or NULL if 'name' is a valid port name.  New. */
char *kn_svc_validate_port_name(const char *name);
/* IsDNS1123Subdomain without messages. */
gboolean kn_svc_validate_is_dns1123_subdomain(const char *value);

/* The spec of a workload after its metadata, as ValidateDeploymentSpec,
 * ValidateReplicaSetSpec, ValidateStatefulSetSpec and ValidateDaemonSetSpec
 * (pkg/apis/apps/validation) check it on create and on update: its int32
 * fields not negative, the selector given (a DaemonSet's may be left out),
 * not empty and valid (ValidateLabelSelector: matchLabels, and each
 * matchExpressions term's operator, values and key), selecting the
 * template's labels, the
 * template's pod spec, and for a Deployment its rollingUpdate (maxSurge and
 * maxUnavailable each a number or a percent, not both 0, maxUnavailable at
 * most 100%) and a progressDeadlineSeconds above minReadySeconds.  Appends
 * KnFieldError to 'errors'. */
void kn_svc_validate_deployment(const KnDeployment *deployment, GPtrArray *errors);
void kn_svc_validate_replica_set(const KnReplicaSet *replica_set, GPtrArray *errors);
void kn_svc_validate_stateful_set(const KnStatefulSet *stateful_set, GPtrArray *errors);
void kn_svc_validate_daemon_set(const KnDaemonSet *daemon_set, GPtrArray *errors);
