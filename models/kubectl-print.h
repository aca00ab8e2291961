/* kubectl-print.h -- what `kubectl get` prints, byte for byte as kubectl
 * v1.30+ does: tables (default, -o wide, --show-labels, -A, --no-headers),
 * -o yaml, -o json, -o jsonpath, -o custom-columns and -o name, for every
 * kind of api.h.
 *
 * A pure formatting module between the store (store.h), which owns the
 * objects, and the transcript, which shows what a terminal would: it reads
 * borrowed objects and never changes them.  Times are simulated: the
 * scenario's time 0 is printed as 2026-01-01T00:00:00Z. */
#pragma once

#include <glib.h>
#include "models/api.h"
#include "models/store.h"

/* The wall-clock instant of simulated time 0, as creationTimestamps show it. */
#define KN_KUBECTL_PRINT_EPOCH "2026-01-01T00:00:00Z"

typedef enum {
    KN_KUBECTL_OUTPUT_TABLE,     /* the default columns */
    KN_KUBECTL_OUTPUT_WIDE,      /* -o wide */
    KN_KUBECTL_OUTPUT_YAML,      /* -o yaml */
    KN_KUBECTL_OUTPUT_JSON,      /* -o json */
    KN_KUBECTL_OUTPUT_JSONPATH,  /* -o jsonpath=TEMPLATE */
    KN_KUBECTL_OUTPUT_CUSTOM_COLUMNS, /* -o custom-columns=HEADER:PATH,... */
    KN_KUBECTL_OUTPUT_NAME,      /* -o name */
} KnKubectlOutput;

typedef struct KnKubectlPrintOptions {
    KnKubectlOutput output;
    gboolean show_labels;        /* --show-labels: a LABELS column last */
    gboolean all_namespaces;     /* -A: a NAMESPACE column first (namespaced kinds) */
    gboolean single;             /* one object was named (`get svc web`): yaml and
                                  * jsonpath see the object, not a kind: List */
    const char *namespace;       /* the request's namespace, for "No resources found
                                  * in NS namespace."; NULL means "default" */
    gboolean no_headers;         /* --no-headers: tables and custom columns without their header */
    gboolean show_kind;          /* tables name each object KIND/NAME (several types asked) */
    const char *template;        /* borrowed; what follows "jsonpath=" or "custom-columns=" */
} KnKubectlPrintOptions;

/* Prints the objects of 'kind' in 'objects' (borrowed KnPod *, KnService *,
 * ... in the order the API server would list them) as `kubectl get` with
 * 'options' does at simulated time 'now'.  Appends standard output to 'out'
 * and standard error to 'err' (the "No resources found" notice, or an error
 * message).  'store' (borrowed, may be NULL) is used for lookups, such as
 * an owner's uid.  Returns FALSE when kubectl would exit with status 1 (a
 * bad jsonpath template or custom-columns spec); '*err' then says why. */
gboolean kn_kubectl_print(KnKind kind, const GPtrArray *objects,
                          const KnKubectlPrintOptions *options, KnStore *store,
                          KnTime now, GString *out, GString *err);

/* What a kubectl generator knew beyond the object it built. */
typedef struct KnKubectlClientOptions {
    gboolean typed;              /* the Service's type was set (create service, expose --type) */
    const char *restart;         /* run --restart, or NULL */
    gboolean command;            /* run --command: the words after -- are the command, not args */
} KnKubectlClientOptions;

/* `--dry-run=client -o yaml` of a Service, Deployment or Pod that a kubectl
 * generator built (expose, create service/deployment, run): only the
 * fields kubectl set, creationTimestamp null, an empty status.  Appends to
 * 'out'; FALSE for another kind. */
gboolean kn_kubectl_print_client_object(KnKind kind, gconstpointer object, const KnKubectlClientOptions *options,
                                        GString *out);

/* k8s.io/apimachinery/pkg/util/duration.HumanDuration of 'ns' nanoseconds
 * (negative allowed): "5s", "2m3s", "10m", "3h5m", "2d3h", "5y".  New;
 * g_free(). */
char *kn_kubectl_print_human_duration(gint64 ns);
/* The reason containerd gives a container's terminated state: "Completed"
 * for exit code 0, else "Error". */
const char *kn_kubectl_print_termination_reason(const KnContainerTermination *t);

/* Simulated time 't' as an RFC 3339 timestamp in whole seconds, counted
 * from KN_KUBECTL_PRINT_EPOCH: "2026-01-01T00:01:05Z".  New; g_free(). */
char *kn_kubectl_print_timestamp(KnTime t);

/* findNodeRoles of kubectl: node-role.kubernetes.io/<role> keys and
 * kubernetes.io/role values, as a sorted set joined by ',', or "<none>".
 * New; g_free(). */
char *kn_kubectl_print_node_roles(const KnNode *node);

/* metadata.annotations as the API server returns an object of 'kind': the
 * apps/v1 conversion of a DaemonSet adds deprecated.daemonset.template.
 * generation, its spec.templateGeneration (the template is all of a
 * DaemonSet's spec knetsim lets change, so metadata.generation).  New;
 * kn_labels_free(). */
KnLabels *kn_kubectl_print_annotations(KnKind kind, const KnObjectMeta *meta);

/* status.qosClass of a pod with 'spec' ("BestEffort", "Burstable",
 * "Guaranteed"), as the API server computes it from the containers' cpu
 * and memory requests (defaulted as above) and limits.  Static string. */
const char *kn_kubectl_print_qos_class(const KnPodSpec *spec);

/* The ServiceAccount admission plugin gives every pod a projected volume
 * "kube-api-access-" plus five random characters (token, kube-root-ca.crt,
 * namespace), mounted read-only in each container at
 * KN_KUBECTL_PRINT_API_ACCESS_PATH.  knetsim derives the characters from
 * the pod's uid, so they stay the same in every output.  New; g_free(). */
#define KN_KUBECTL_PRINT_API_ACCESS_PATH "/var/run/secrets/kubernetes.io/serviceaccount"
char *kn_kubectl_print_api_access_volume(const KnPod *pod);

/* TRUE if 'spec' has a NoExecute (or any-effect) toleration for 'key' (or
 * for any key), so that DefaultTolerationSeconds admission adds none for
 * it. */
gboolean kn_kubectl_print_has_toleration(const KnPodSpec *spec, const char *key);

/* kubectl wait's tests, on the object as kubectl reads it (its JSON).
 * Whether status.conditions has one of 'type' whose status is 'status'
 * (both compared case-blind, as ConditionalWait does). */
gboolean kn_kubectl_print_condition_is(KnKind kind, gconstpointer object, KnStore *store,
                                       const char *type, const char *status);

/* --for=jsonpath=PATH[=VALUE] (JSONPathWait): 'path' in any form
 * RelaxedJSONPathExpression takes.  1 when PATH has exactly one result
 * and it prints as 'value' (any value if 'value' is NULL), 0 when not
 * (yet), -1 with '*error' set (new) when the path does not parse or its
 * result cannot be compared.  With 'object' NULL, only parses: 0 or -1. */
int kn_kubectl_print_jsonpath_is(KnKind kind, gconstpointer object, KnStore *store,
                                 const char *path, const char *value, char **error);

/* --sort-by 'sort_by' (any JSONPath RelaxedJSONPathExpression takes) on
 * 'objects' (borrowed objects of 'kind', reordered in place) as kubectl's
 * SortingPrinter does (get/sorter.go): 'table' for the rows of one table
 * (TableSorter: only two rows or more are sorted), else for the items of
 * a list that -o yaml, json, jsonpath, custom-columns or name prints
 * (SortObjects: one item or more).  Values compare as unstructured JSON
 * holds them: numbers as numbers, strings as resource quantities when
 * both are one, else in natural order (so timestamps by time), a missing
 * field first; Go's sort.Sort (pdqsort, not stable) does the ordering.
 * FALSE with '*error' (new) as kubectl words it ("couldn't find any field
 * with path \"{.foo}\" in the list of objects"); '*fatal' when kubectl
 * would end in klog.Exitf (values of types it cannot order) rather than
 * return an error. */
gboolean kn_kubectl_print_sort(KnKind kind, GPtrArray *objects, const char *sort_by, gboolean table,
                               KnStore *store, char **error, gboolean *fatal);

/* When get prints several tables (several types, or several names: one
 * Table from the server each), kubectl sorts the Table objects
 * themselves, which have no field of their rows: FALSE with '*error'
 * (new) unless 'sort_by' finds a field of a Table (apiVersion, kind,
 * metadata.resourceVersion), in which case the order stays. */
gboolean kn_kubectl_print_sort_tables(const char *sort_by, char **error);

