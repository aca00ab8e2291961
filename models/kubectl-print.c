/* kubectl-print.c -- `kubectl get` output for the objects of api.h.
 *
 * DOC: This mirrors three pieces of kubectl v1.30+:
 *
 * - the table printers of kubernetes/kubernetes
 *   pkg/printers/internalversion/printers.go (printPod, printService,
 *   printDeployment, printReplicaSet, printStatefulSet, printDaemonSet,
 *   printNode, printNamespace, printEndpoints, printEndpointSlice,
 *   printConfigMap; formatEndpoints, formatDiscoveryPorts,
 *   formatDiscoveryEndpoints, listWithMoreString, getServiceExternalIP,
 *   makePortString, findNodeRoles), laid out by k8s.io/cli-runtime
 *   pkg/printers (tablePrinter, tabwriter.go: minwidth 6, padding 3, the
 *   last cell of a line unpadded), with the column names upper-cased, the
 *   NAMESPACE column first under -A (namespaced kinds only), a LABELS
 *   column last under --show-labels, and kubectl get's "No resources
 *   found" notice on stderr when a table would be empty;
 * - AGE: k8s.io/apimachinery/pkg/util/duration.HumanDuration of now minus
 *   creationTimestamp, which the API keeps in whole seconds;
 * - -o yaml: the object as JSON turned into YAML by sigs.k8s.io/yaml
 *   (go-yaml v2): keys sorted in go-yaml's order at every level, sequences
 *   not indented under their key, strings that would read as another type
 *   double-quoted ("80", "true", "", timestamps), strings YAML cannot take
 *   plain single-quoted, multi-line strings as literal blocks; a list is
 *   `kind: List` with `metadata: {resourceVersion: ""}`;
 * - -o jsonpath: k8s.io/client-go/util/jsonpath with kubectl's
 *   --allow-missing-template-keys=true: fields, [n], [a:b], [*],
 *   [?(@.path=="x")], {range}{end}, quoted literals; several results of
 *   one action are joined by a space, maps and lists print as JSON;
 * - -o name: resource[.group]/name;
 * - --sort-by (k8s.io/kubectl pkg/cmd/get/sorter.go): the first result of
 *   the relaxed JSONPath on each object as unstructured JSON holds it;
 *   isLess orders int64s numerically, strings as resource.Quantity when
 *   both parse and else by sortorder.NaturalLess (fvbommel/sortorder:
 *   digit runs as numbers, so RFC 3339 timestamps go by time), JSON null
 *   first; Less puts an object without the field before any other, even
 *   before another without it; bools, maps, lists and mixed types end
 *   kubectl in klog.Exitf.  sort.Sort is Go's pdqsort (sort/
 *   zsortinterface.go of go1.24): insertion sort up to twelve items,
 *   deterministic but not stable, and knetsim runs the same steps so that
 *   ties come out as kubectl leaves them.
 *
 * YAML and jsonpath read one tiny document model built from the object, so
 * both see the same fields.
 *
 * Simplified: an object's YAML carries the fields the API server returns for
 * what knetsim models, with its defaults (see doc_pod() and friends), but a
 * pod has no kube-api-access volume, containerStatuses carry no containerID
 * or imageID, and managedFields are left out as kubectl does by default.
 * Node info is fixed to what a kind v0.24 node shows: kubelet v1.31.0,
 * "Debian GNU/Linux 12 (bookworm)", kernel 6.1.0-25-amd64 (the Debian 12
 * host's), containerd://1.7.18.  A pod's "N (AGE ago)" restarts use its
 * start time as the last restart.  Long plain strings are not folded at 80
 * columns as go-yaml would, and jsonpath error messages keep kubectl's
 * first line only.  --sort-by compares quantities as doubles, not exactly
 * as Quantity.Cmp, and a Table's own fields are only apiVersion, kind and
 * metadata.resourceVersion. */

#include <config.h>
#include "models/kubectl-print.h"

#include <stdlib.h>
#include <math.h>
#include <string.h>
#include "models/json.h"
#include "models/recorder.h"

#define NODE_OS_IMAGE "Debian GNU/Linux 12 (bookworm)"
#define NODE_KERNEL_VERSION "6.1.0-25-amd64"
#define NODE_CONTAINER_RUNTIME "containerd://1.7.18"
#define NODE_ARCH "amd64"

/*****************************************************************************/
/* Times. */

char *
kn_kubectl_print_human_duration(gint64 d)
{
    /* duration.HumanDuration, branch for branch; Go's int() conversions
     * truncate toward zero as C's division does. */
    const gint64 second = 1000000000, minute = 60 * second, hour = 60 * minute;
    gint64 seconds = d / second;

    if (seconds < -1)
        return g_strdup("<invalid>");
    if (seconds < 0)
        return g_strdup("0s");
    if (seconds < 60 * 2)
        return g_strdup_printf("%" G_GINT64_FORMAT "s", seconds);

    gint64 minutes = d / minute;

    if (minutes < 10) {
        gint64 s = seconds % 60;

        if (s == 0)
            return g_strdup_printf("%" G_GINT64_FORMAT "m", minutes);
        return g_strdup_printf("%" G_GINT64_FORMAT "m%" G_GINT64_FORMAT "s", minutes, s);
    }
    if (minutes < 60 * 3)
        return g_strdup_printf("%" G_GINT64_FORMAT "m", minutes);

    gint64 hours = d / hour;

    if (hours < 8) {
        gint64 m = minutes % 60;

        if (m == 0)
            return g_strdup_printf("%" G_GINT64_FORMAT "h", hours);
        return g_strdup_printf("%" G_GINT64_FORMAT "h%" G_GINT64_FORMAT "m", hours, m);
    }
    if (hours < 48)
        return g_strdup_printf("%" G_GINT64_FORMAT "h", hours);
    if (hours < 24 * 8) {
        gint64 h = hours % 24;

        if (h == 0)
            return g_strdup_printf("%" G_GINT64_FORMAT "d", hours / 24);
        return g_strdup_printf("%" G_GINT64_FORMAT "d%" G_GINT64_FORMAT "h", hours / 24, h);
    }
    if (hours < 24 * 365 * 2)
        return g_strdup_printf("%" G_GINT64_FORMAT "d", hours / 24);
    if (hours < 24 * 365 * 8) {
        gint64 dy = (hours / 24) % 365;

        if (dy == 0)
            return g_strdup_printf("%" G_GINT64_FORMAT "y", hours / 24 / 365);
        return g_strdup_printf("%" G_GINT64_FORMAT "y%" G_GINT64_FORMAT "d", hours / 24 / 365, dy);
    }
    return g_strdup_printf("%" G_GINT64_FORMAT "y", hours / 24 / 365);
}

char *
kn_kubectl_print_timestamp(KnTime t)
{
    g_autoptr(GDateTime) epoch = g_date_time_new_utc(2026, 1, 1, 0, 0, 0);
    g_autoptr(GDateTime) at = g_date_time_add_seconds(epoch, (gdouble) (t / KN_SEC));

    return g_date_time_format(at, "%Y-%m-%dT%H:%M:%SZ");
}

/* The AGE cell: the creationTimestamp keeps whole seconds only. */
static char *
age(const KnObjectMeta *meta, KnTime now)
{
    KnTime created = meta->creation_time / KN_SEC * KN_SEC;

    return kn_kubectl_print_human_duration((gint64) now - (gint64) created);
}

/*****************************************************************************/
/* The document model: what the API server would send as JSON. */

typedef enum {
    DOC_NULL,
    DOC_STR,
    DOC_INT,
    DOC_BOOL,
    DOC_MAP,
    DOC_LIST,
} DocType;

typedef struct Doc Doc;
struct Doc {
    DocType type;
    char *str;                   /* DOC_STR */
    gint64 num;                  /* DOC_INT; DOC_BOOL: 0 or 1 */
    GPtrArray *keys;             /* DOC_MAP: char *, parallel to 'items' */
    GPtrArray *items;            /* DOC_MAP values, DOC_LIST elements: Doc * */
};

static void
doc_free(Doc *doc)
{
    if (doc == NULL)
        return;
    g_free(doc->str);
    if (doc->keys != NULL)
        g_ptr_array_unref(doc->keys);
    if (doc->items != NULL)
        g_ptr_array_unref(doc->items);
    g_free(doc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Doc, doc_free)

static Doc *
doc_new(DocType type)
{
    Doc *doc = g_new0(Doc, 1);

    doc->type = type;
    if (type == DOC_MAP)
        doc->keys = g_ptr_array_new_with_free_func(g_free);
    if (type == DOC_MAP || type == DOC_LIST)
        doc->items = g_ptr_array_new_with_free_func((GDestroyNotify) doc_free);
    return doc;
}

static Doc *
doc_str(const char *s)
{
    Doc *doc = doc_new(DOC_STR);

    doc->str = g_strdup(s);
    return doc;
}

static Doc *
doc_int(gint64 n)
{
    Doc *doc = doc_new(DOC_INT);

    doc->num = n;
    return doc;
}

static Doc *
doc_bool(gboolean b)
{
    Doc *doc = doc_new(DOC_BOOL);

    doc->num = b ? 1 : 0;
    return doc;
}

/* Sets 'key' of 'map' to 'value' (taken); returns 'value'. */
static Doc *
doc_set(Doc *map, const char *key, Doc *value)
{
    g_ptr_array_add(map->keys, g_strdup(key));
    g_ptr_array_add(map->items, value);
    return value;
}

static Doc *
doc_set_map(Doc *map, const char *key)
{
    return doc_set(map, key, doc_new(DOC_MAP));
}

static Doc *
doc_set_list(Doc *map, const char *key)
{
    return doc_set(map, key, doc_new(DOC_LIST));
}

/* Sets a string member unless 's' is NULL (omitempty). */
static void
doc_set_str(Doc *map, const char *key, const char *s)
{
    if (s != NULL)
        doc_set(map, key, doc_str(s));
}

static void
doc_set_int(Doc *map, const char *key, gint64 n)
{
    doc_set(map, key, doc_int(n));
}

static void
doc_set_bool(Doc *map, const char *key, gboolean b)
{
    doc_set(map, key, doc_bool(b));
}

static Doc *
doc_add(Doc *list, Doc *value)
{
    g_ptr_array_add(list->items, value);
    return value;
}

static const Doc *
doc_get(const Doc *map, const char *key)
{
    for (guint i = 0; map->type == DOC_MAP && i < map->keys->len; i++)
        if (strcmp(map->keys->pdata[i], key) == 0)
            return map->items->pdata[i];
    return NULL;
}

/* A string map (labels, selectors, data); {} when empty. */
static Doc *
doc_labels(const KnLabels *labels)
{
    Doc *map = doc_new(DOC_MAP);

    for (guint i = 0; i < kn_labels_size(labels); i++)
        doc_set(map, kn_labels_key(labels, i), doc_str(kn_labels_value(labels, i)));
    return map;
}

static Doc *
doc_strings(const GPtrArray *strings)
{
    Doc *list = doc_new(DOC_LIST);

    for (guint i = 0; i < strings->len; i++)
        doc_add(list, doc_str(strings->pdata[i]));
    return list;
}

static void
doc_set_timestamp(Doc *map, const char *key, KnTime t)
{
    g_autofree char *stamp = kn_kubectl_print_timestamp(t);

    doc_set_str(map, key, stamp);
}

static void
doc_set_int_or_string(Doc *map, const char *key, const KnIntOrString *value)
{
    if (value->is_string)
        doc_set_str(map, key, value->name);
    else
        doc_set_int(map, key, value->number);
}

/*****************************************************************************/
/* Objects as documents. */

KnLabels *
kn_kubectl_print_annotations(KnKind kind, const KnObjectMeta *meta)
{
    KnLabels *annotations = kn_labels_copy(meta->annotations);

    if (kind == KN_KIND_DAEMON_SET) {
        g_autofree char *generation = g_strdup_printf("%" G_GUINT64_FORMAT,
                                                      meta->generation > 0 ? meta->generation : 1);

        kn_labels_set(annotations, "deprecated.daemonset.template.generation", generation);
    }
    return annotations;
}

/* "apps/v1" and friends for ownerReferences. */
static Doc *
doc_meta(KnKind kind, const KnObjectMeta *meta, KnStore *store)
{
    Doc *m = doc_new(DOC_MAP);
    g_autoptr(KnLabels) annotations = kn_kubectl_print_annotations(kind, meta);

    if (kn_labels_size(annotations) > 0)
        doc_set(m, "annotations", doc_labels(annotations));
    doc_set_timestamp(m, "creationTimestamp", meta->creation_time);
    if (meta->deleting) {
        doc_set_int(m, "deletionGracePeriodSeconds", 30);
        doc_set_timestamp(m, "deletionTimestamp", meta->deletion_time);
    }
    doc_set_str(m, "generateName", meta->generate_name);
    /* The kinds whose strategy counts generations (an EndpointSlice's counts
     * each change to its endpoints, ports or labels). */
    if (kind != KN_KIND_CONFIG_MAP && kind != KN_KIND_ENDPOINTS && kind != KN_KIND_NAMESPACE
        && kind != KN_KIND_NODE && kind != KN_KIND_POD && kind != KN_KIND_SERVICE)
        doc_set_int(m, "generation", meta->generation > 0 ? (gint64) meta->generation : 1);
    if (kn_labels_size(meta->labels) > 0)
        doc_set(m, "labels", doc_labels(meta->labels));
    doc_set_str(m, "name", meta->name);
    doc_set_str(m, "namespace", meta->namespace);
    if (meta->owner.name != NULL) {
        Doc *ref = doc_add(doc_set_list(m, "ownerReferences"), doc_new(DOC_MAP));
        const char *uid = meta->owner.uid;

        if (uid == NULL && store != NULL) {
            gpointer owner = kn_store_lookup(store, meta->owner.kind, meta->namespace, meta->owner.name);

            if (owner != NULL)
                uid = kn_object_meta(owner)->uid;
        }
        doc_set_str(ref, "apiVersion", kn_kind_api_version(meta->owner.kind));
        doc_set_bool(ref, "blockOwnerDeletion", TRUE);
        doc_set_bool(ref, "controller", TRUE);
        doc_set_str(ref, "kind", kn_kind_name(meta->owner.kind));
        doc_set_str(ref, "name", meta->owner.name);
        doc_set_str(ref, "uid", uid != NULL ? uid : "");
    }

    g_autofree char *rv = g_strdup_printf("%" G_GUINT64_FORMAT, meta->resource_version);

    doc_set_str(m, "resourceVersion", rv);
    doc_set_str(m, "uid", meta->uid);
    return m;
}

static Doc *
doc_object(KnKind kind, const KnObjectMeta *meta, KnStore *store)
{
    Doc *doc = doc_new(DOC_MAP);

    doc_set_str(doc, "apiVersion", kn_kind_api_version(kind));
    doc_set_str(doc, "kind", kn_kind_name(kind));
    doc_set(doc, "metadata", doc_meta(kind, meta, store));
    return doc;
}

static Doc *
doc_probe(const KnProbe *probe)
{
    Doc *p = doc_new(DOC_MAP);

    if (probe->kind == KN_PROBE_EXEC)
        doc_set_list(doc_set_map(p, "exec"), "command");
    doc_set_int(p, "failureThreshold", probe->failure_threshold);
    if (probe->kind == KN_PROBE_HTTP_GET) {
        Doc *get = doc_set_map(p, "httpGet");

        doc_set_str(get, "path", probe->path != NULL ? probe->path : "/");
        doc_set_int_or_string(get, "port", &probe->port);
        doc_set_str(get, "scheme", "HTTP");
    }
    if (probe->initial_delay_s > 0)
        doc_set_int(p, "initialDelaySeconds", probe->initial_delay_s);
    doc_set_int(p, "periodSeconds", probe->period_s);
    doc_set_int(p, "successThreshold", probe->success_threshold);
    if (probe->kind == KN_PROBE_TCP_SOCKET)
        doc_set_int_or_string(doc_set_map(p, "tcpSocket"), "port", &probe->port);
    doc_set_int(p, "timeoutSeconds", probe->timeout_s);
    return p;
}

static gboolean
quantity_equal(double a, double b)
{
    return fabs(a - b) <= 1e-9 * MAX(fabs(a), fabs(b));
}

/* qos.GetPodQOS: only cpu and memory count, and only quantities above
 * zero.  Guaranteed when every container limits both and the summed
 * requests equal the summed limits; BestEffort when nothing is requested
 * or limited; else Burstable. */
const char *
kn_kubectl_print_qos_class(const KnPodSpec *spec)
{
    static const char *const names[] = { "cpu", "memory" };
    double requests[2] = { 0, 0 }, limits[2] = { 0, 0 };
    gboolean has_request[2] = { FALSE, FALSE }, has_limit[2] = { FALSE, FALSE };
    gboolean guaranteed = TRUE;

    for (guint i = 0; i < spec->containers->len; i++) {
        const KnContainer *c = spec->containers->pdata[i];
        g_autoptr(KnLabels) container_requests = kn_container_requests(c);
        guint n_limits = 0;

        for (guint r = 0; r < G_N_ELEMENTS(names); r++) {
            double v;

            if (kn_quantity_value(kn_labels_get(container_requests, names[r]), &v) && v > 0) {
                requests[r] += v;
                has_request[r] = TRUE;
            }
            if (kn_quantity_value(kn_labels_get(c->limits, names[r]), &v) && v > 0) {
                limits[r] += v;
                has_limit[r] = TRUE;
                n_limits++;
            }
        }
        if (n_limits < G_N_ELEMENTS(names))
            guaranteed = FALSE;
    }

    guint n_requests = 0, n_limit_names = 0;

    for (guint r = 0; r < G_N_ELEMENTS(names); r++) {
        n_requests += has_request[r];
        n_limit_names += has_limit[r];
        if (has_request[r] && (!has_limit[r] || !quantity_equal(requests[r], limits[r])))
            guaranteed = FALSE;
    }
    if (n_requests == 0 && n_limit_names == 0)
        return "BestEffort";
    if (guaranteed && n_requests == n_limit_names)
        return "Guaranteed";
    return "Burstable";
}

char *
kn_kubectl_print_api_access_volume(const KnPod *pod)
{
    /* utilrand.String's alphabet; FNV-1a of the uid instead of its RNG. */
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    const char *uid = pod->meta.uid != NULL ? pod->meta.uid : pod->meta.name;
    guint64 h = 14695981039346656037ULL;
    char suffix[6];

    for (const char *p = uid != NULL ? uid : ""; *p != '\0'; p++)
        h = (h ^ (guchar) *p) * 1099511628211ULL;
    for (guint i = 0; i < 5; i++) {
        suffix[i] = alphabet[h % (sizeof(alphabet) - 1)];
        h /= sizeof(alphabet) - 1;
    }
    suffix[5] = '\0';
    return g_strdup_printf("kube-api-access-%s", suffix);
}

/* The volume kn_kubectl_print_api_access_volume() names, as the admission
 * plugin writes it. */
static Doc *
doc_api_access_volume(const char *name)
{
    Doc *v = doc_new(DOC_MAP);
    Doc *projected, *sources, *source, *item;

    doc_set_str(v, "name", name);
    projected = doc_set_map(v, "projected");
    doc_set_int(projected, "defaultMode", 420);
    sources = doc_set_list(projected, "sources");
    source = doc_set_map(doc_add(sources, doc_new(DOC_MAP)), "serviceAccountToken");
    doc_set_int(source, "expirationSeconds", 3607);
    doc_set_str(source, "path", "token");
    source = doc_set_map(doc_add(sources, doc_new(DOC_MAP)), "configMap");
    item = doc_add(doc_set_list(source, "items"), doc_new(DOC_MAP));
    doc_set_str(item, "key", "ca.crt");
    doc_set_str(item, "path", "ca.crt");
    doc_set_str(source, "name", "kube-root-ca.crt");
    source = doc_set_map(doc_add(sources, doc_new(DOC_MAP)), "downwardAPI");
    item = doc_add(doc_set_list(source, "items"), doc_new(DOC_MAP));
    Doc *field = doc_set_map(item, "fieldRef");

    doc_set_str(field, "apiVersion", "v1");
    doc_set_str(field, "fieldPath", "metadata.namespace");
    doc_set_str(item, "path", "namespace");
    return v;
}

/* 'api_access': the pod's kube-api-access volume, NULL in a template. */
static Doc *
doc_container(const KnContainer *c, const char *api_access)
{
    Doc *d = doc_new(DOC_MAP);

    /* Keys in byte order, as kubectl prints a decoded object. */
    if (c->command->len > c->n_command) {
        Doc *args = doc_set_list(d, "args");

        for (guint i = c->n_command; i < c->command->len; i++)
            doc_add(args, doc_str(c->command->pdata[i]));
    }
    if (c->n_command > 0) {
        Doc *command = doc_set_list(d, "command");

        for (guint i = 0; i < c->n_command; i++)
            doc_add(command, doc_str(c->command->pdata[i]));
    }
    doc_set_str(d, "image", c->image);
    doc_set_str(d, "imagePullPolicy", kn_image_pull_policy(c->image));
    doc_set_str(d, "name", c->name);
    if (c->ports->len > 0) {
        Doc *ports = doc_set_list(d, "ports");

        for (guint i = 0; i < c->ports->len; i++) {
            const KnContainerPort *port = c->ports->pdata[i];
            Doc *p = doc_add(ports, doc_new(DOC_MAP));

            doc_set_int(p, "containerPort", port->container_port);
            doc_set_str(p, "name", port->name);
            doc_set_str(p, "protocol", kn_protocol_name(port->protocol));
        }
    }
    if (c->readiness.kind != KN_PROBE_NONE)
        doc_set(d, "readinessProbe", doc_probe(&c->readiness));
    Doc *resources = doc_set_map(d, "resources");
    /* A pod's requests as SetDefaults_Pod leaves them; a template's as
     * written. */
    g_autoptr(KnLabels) requests = api_access != NULL ? kn_container_requests(c)
                                                      : kn_labels_copy(c->requests);

    for (guint k = 0; k < 2; k++) {
        const KnLabels *list = k == 0 ? c->limits : requests;

        if (kn_labels_size(list) == 0)
            continue;

        Doc *m = doc_set_map(resources, k == 0 ? "limits" : "requests");

        /* The API server stores each quantity in its canonical form. */
        for (guint i = 0; i < kn_labels_size(list); i++) {
            g_autofree char *quantity = kn_quantity_string(kn_labels_value(list, i));

            doc_set_str(m, kn_labels_key(list, i), quantity);
        }
    }
    if (c->stdin)
        doc_set_bool(d, "stdin", TRUE);
    if (c->stdin_once)
        doc_set_bool(d, "stdinOnce", TRUE);
    doc_set_str(d, "terminationMessagePath", "/dev/termination-log");
    doc_set_str(d, "terminationMessagePolicy", "File");
    if (c->tty)
        doc_set_bool(d, "tty", TRUE);
    if (api_access != NULL) {
        Doc *mount = doc_add(doc_set_list(d, "volumeMounts"), doc_new(DOC_MAP));

        doc_set_str(mount, "mountPath", KN_KUBECTL_PRINT_API_ACCESS_PATH);
        doc_set_str(mount, "name", api_access);
        doc_set_bool(mount, "readOnly", TRUE);
    }
    return d;
}

static Doc *
doc_toleration(const char *key, gboolean exists, const char *value, const char *effect,
               gboolean has_seconds, guint seconds)
{
    Doc *t = doc_new(DOC_MAP);

    doc_set_str(t, "effect", effect);
    doc_set_str(t, "key", key);
    doc_set_str(t, "operator", exists ? "Exists" : "Equal");
    if (has_seconds)
        doc_set_int(t, "tolerationSeconds", seconds);
    doc_set_str(t, "value", value);
    return t;
}

gboolean
kn_kubectl_print_has_toleration(const KnPodSpec *spec, const char *key)
{
    for (guint i = 0; i < spec->tolerations->len; i++) {
        const KnToleration *t = spec->tolerations->pdata[i];

        /* As the admission plugin reads them: an empty key matches
         * every key, an empty effect every effect. */
        if ((t->key == NULL || t->key[0] == '\0' || strcmp(t->key, key) == 0)
            && (t->effect == NULL || t->effect[0] == '\0' || strcmp(t->effect, "NoExecute") == 0))
            return TRUE;
    }
    return FALSE;
}

/* spec.dnsConfig as the API server returns it: empty lists left out
 * (omitempty), an option's value only when set. */
static Doc *
doc_dns_config(const KnPodDnsConfig *config)
{
    Doc *d = doc_new(DOC_MAP);

    if (config->nameservers->len > 0)
        doc_set(d, "nameservers", doc_strings(config->nameservers));
    if (config->options->len > 0) {
        Doc *options = doc_set_list(d, "options");

        for (guint i = 0; i < config->options->len; i++) {
            const KnPodDnsConfigOption *option = config->options->pdata[i];
            Doc *o = doc_add(options, doc_new(DOC_MAP));

            if (option->name[0] != '\0')
                doc_set_str(o, "name", option->name);
            doc_set_str(o, "value", option->value);
        }
    }
    if (config->searches->len > 0)
        doc_set(d, "searches", doc_strings(config->searches));
    return d;
}

/* A pod spec with the API server's defaults; 'in_pod' adds what only a
 * created pod has (serviceAccount, the DefaultTolerationSeconds tolerations,
 * priority). */
static Doc *
doc_pod_spec(const KnPodSpec *spec, gboolean in_pod, const char *api_access)
{
    Doc *s = doc_new(DOC_MAP);
    Doc *containers = doc_set_list(s, "containers");

    for (guint i = 0; i < spec->containers->len; i++)
        doc_add(containers, doc_container(spec->containers->pdata[i], api_access));
    if (spec->dns_config != NULL)
        doc_set(s, "dnsConfig", doc_dns_config(spec->dns_config));
    doc_set_str(s, "dnsPolicy", spec->dns_policy);
    if (in_pod)
        doc_set_bool(s, "enableServiceLinks", spec->enable_service_links);
    if (spec->host_network)
        doc_set_bool(s, "hostNetwork", TRUE);
    doc_set_str(s, "hostname", spec->hostname);
    doc_set_str(s, "nodeName", spec->node_name);
    if (kn_labels_size(spec->node_selector) > 0)
        doc_set(s, "nodeSelector", doc_labels(spec->node_selector));
    if (in_pod) {
        doc_set_str(s, "preemptionPolicy", "PreemptLowerPriority");
        doc_set_int(s, "priority", 0);
    }
    doc_set_str(s, "restartPolicy", "Always");
    doc_set_str(s, "schedulerName", "default-scheduler");
    doc_set_map(s, "securityContext");
    if (in_pod)
        doc_set_str(s, "serviceAccount", "default");
    if (in_pod)
        doc_set_str(s, "serviceAccountName", "default");
    doc_set_str(s, "subdomain", spec->subdomain);
    doc_set_int(s, "terminationGracePeriodSeconds", spec->termination_grace_s);

    Doc *tolerations = doc_new(DOC_LIST);

    for (guint i = 0; i < spec->tolerations->len; i++) {
        const KnToleration *t = spec->tolerations->pdata[i];

        doc_add(tolerations, doc_toleration(t->key, t->exists, t->value, t->effect,
                                            t->has_seconds, t->seconds));
    }
    /* DefaultTolerationSeconds, unless the pod has them already (the node
     * lifecycle model's admission adds them to the spec). */
    if (in_pod && !kn_kubectl_print_has_toleration(spec, "node.kubernetes.io/not-ready"))
        doc_add(tolerations, doc_toleration("node.kubernetes.io/not-ready", TRUE, NULL,
                                            "NoExecute", TRUE, 300));
    if (in_pod && !kn_kubectl_print_has_toleration(spec, "node.kubernetes.io/unreachable"))
        doc_add(tolerations, doc_toleration("node.kubernetes.io/unreachable", TRUE, NULL,
                                            "NoExecute", TRUE, 300));
    if (tolerations->items->len > 0)
        doc_set(s, "tolerations", tolerations);
    else
        doc_free(tolerations);
    if (api_access != NULL)
        doc_add(doc_set_list(s, "volumes"), doc_api_access_volume(api_access));
    return s;
}

static Doc *
doc_template(const KnPodTemplate *template)
{
    Doc *t = doc_new(DOC_MAP);
    Doc *meta = doc_set_map(t, "metadata");

    if (kn_labels_size(template->annotations) > 0)
        doc_set(meta, "annotations", doc_labels(template->annotations));
    doc_set(meta, "creationTimestamp", doc_new(DOC_NULL));
    if (kn_labels_size(template->labels) > 0)
        doc_set(meta, "labels", doc_labels(template->labels));
    doc_set(t, "spec", doc_pod_spec(&template->spec, FALSE, NULL));
    return t;
}

static Doc *
doc_selector(const KnLabels *selector)
{
    Doc *s = doc_new(DOC_MAP);

    doc_set(s, "matchLabels", doc_labels(selector));
    return s;
}

static Doc *
doc_condition(const char *type, gboolean status, KnTime at, gboolean probe)
{
    Doc *c = doc_new(DOC_MAP);

    if (probe)
        doc_set(c, "lastProbeTime", doc_new(DOC_NULL));
    doc_set_timestamp(c, "lastTransitionTime", at);
    doc_set_str(c, "status", status ? "True" : "False");
    doc_set_str(c, "type", type);
    return c;
}

const char *
kn_kubectl_print_termination_reason(const KnContainerTermination *t)
{
    return t->exit_code == 0 ? "Completed" : "Error";
}

static Doc *
doc_terminated(const KnContainerTermination *t)
{
    Doc *d = doc_new(DOC_MAP);

    doc_set_int(d, "exitCode", t->exit_code);
    doc_set_timestamp(d, "finishedAt", t->finished_at);
    doc_set_str(d, "reason", kn_kubectl_print_termination_reason(t));
    doc_set_timestamp(d, "startedAt", t->started_at);
    return d;
}

/* The kubelet's back-off message of a container waiting to restart
 * (doBackOff), its back-off as Go's time.Duration prints whole seconds. */
static char *
back_off_message(const KnPod *pod, guint index)
{
    const KnContainer *c = pod->spec.containers->pdata[index];
    guint64 s = pod->runs[index].back_off / KN_SEC;
    g_autofree char *back_off = s >= 60 ? g_strdup_printf("%" G_GUINT64_FORMAT "m%" G_GUINT64_FORMAT "s", s / 60, s % 60)
                                        : g_strdup_printf("%" G_GUINT64_FORMAT "s", s);

    return g_strdup_printf("back-off %s restarting failed container=%s pod=%s_%s(%s)", back_off, c->name,
                           pod->meta.name, pod->meta.namespace, pod->meta.uid);
}

static Doc *
doc_pod(const KnPod *pod, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_POD, &pod->meta, store);

    g_autofree char *api_access = kn_kubectl_print_api_access_volume(pod);

    doc_set(doc, "spec", doc_pod_spec(&pod->spec, TRUE, api_access));

    Doc *status = doc_set_map(doc, "status");
    Doc *conditions = doc_set_list(status, "conditions");
    gboolean scheduled = pod->spec.node_name != NULL;

    if (scheduled) {
        doc_add(conditions, doc_condition("PodReadyToStartContainers", pod->started,
                                          pod->start_time, TRUE));
        doc_add(conditions, doc_condition("Initialized", TRUE, pod->meta.creation_time, TRUE));
        doc_add(conditions, doc_condition("Ready", pod->ready, pod->ready_time, TRUE));
        doc_add(conditions, doc_condition("ContainersReady", pod->ready, pod->ready_time, TRUE));
    }
    if (!scheduled && pod->unschedulable != NULL) {
        /* The scheduler's: its FitError, from when it first failed. */
        Doc *c = doc_condition("PodScheduled", FALSE, pod->unschedulable_time, TRUE);

        doc_set_str(c, "message", pod->unschedulable);
        doc_set_str(c, "reason", "Unschedulable");
        doc_add(conditions, c);
    } else {
        doc_add(conditions, doc_condition("PodScheduled", scheduled, pod->meta.creation_time, TRUE));
    }
    if (scheduled) {
        Doc *statuses = doc_set_list(status, "containerStatuses");

        for (guint i = 0; i < pod->spec.containers->len; i++) {
            const KnContainer *c = pod->spec.containers->pdata[i];
            Doc *cs = doc_add(statuses, doc_new(DOC_MAP));
            Doc *state;

            /* The pod's state, until a process of one of its containers ends. */
            const KnContainerRun *run = pod->runs != NULL ? &pod->runs[i] : NULL;
            gboolean running = run != NULL ? run->state == KN_CONTAINER_RUNNING : pod->started;
            const KnContainerTermination *last = run != NULL ? kn_container_run_last_state(run) : NULL;

            doc_set_str(cs, "image", c->image);
            if (last != NULL)
                doc_set(doc_set_map(cs, "lastState"), "terminated", doc_terminated(last));
            else
                doc_set_map(cs, "lastState");
            doc_set_str(cs, "name", c->name);
            doc_set_bool(cs, "ready", running && pod->ready);
            doc_set_int(cs, "restartCount", run != NULL ? run->restarts : pod->restarts);
            doc_set_bool(cs, "started", running);
            state = doc_set_map(cs, "state");
            if (running) {
                doc_set_timestamp(doc_set_map(state, "running"), "startedAt",
                                  run != NULL ? run->running_since : pod->start_time);
            } else if (run != NULL && run->state == KN_CONTAINER_TERMINATED) {
                doc_set(state, "terminated", doc_terminated(&run->ended));
            } else if (run != NULL) {
                Doc *waiting = doc_set_map(state, "waiting");
                g_autofree char *message = back_off_message(pod, i);

                doc_set_str(waiting, "message", message);
                doc_set_str(waiting, "reason", "CrashLoopBackOff");
            } else {
                doc_set_str(doc_set_map(state, "waiting"), "reason", "ContainerCreating");
            }
        }
        doc_set_str(status, "hostIP", pod->host_ip);
        if (pod->host_ip != NULL)
            doc_set_str(doc_add(doc_set_list(status, "hostIPs"), doc_new(DOC_MAP)), "ip",
                        pod->host_ip);
    }
    doc_set_str(status, "phase", kn_pod_phase_name(pod->phase));
    doc_set_str(status, "podIP", pod->pod_ip);
    if (pod->pod_ip != NULL)
        doc_set_str(doc_add(doc_set_list(status, "podIPs"), doc_new(DOC_MAP)), "ip", pod->pod_ip);
    doc_set_str(status, "qosClass", kn_kubectl_print_qos_class(&pod->spec));
    if (scheduled)
        doc_set_timestamp(status, "startTime", pod->meta.creation_time);
    return doc;
}

static Doc *
doc_service(const KnService *svc, KnStore *store)
{
    const KnServiceSpec *spec = &svc->spec;
    Doc *doc = doc_object(KN_KIND_SERVICE, &svc->meta, store);
    Doc *s = doc_set_map(doc, "spec");
    gboolean external_name = spec->type == KN_SERVICE_EXTERNAL_NAME;

    if (spec->type == KN_SERVICE_LOAD_BALANCER)
        doc_set_bool(s, "allocateLoadBalancerNodePorts", spec->allocate_load_balancer_node_ports);
    if (!external_name && spec->cluster_ip != NULL) {
        doc_set_str(s, "clusterIP", spec->cluster_ip);
        if (spec->cluster_ips->len > 0)
            doc_set(s, "clusterIPs", doc_strings(spec->cluster_ips));
        else
            doc_add(doc_set_list(s, "clusterIPs"), doc_str(spec->cluster_ip));
    }
    if (spec->external_ips->len > 0)
        doc_set(s, "externalIPs", doc_strings(spec->external_ips));
    if (external_name)
        doc_set_str(s, "externalName", spec->external_name);
    if (spec->external_traffic_policy_raw != NULL)
        doc_set_str(s, "externalTrafficPolicy", spec->external_traffic_policy_raw);
    else if (kn_service_externally_accessible(svc))          /* defaulted */
        doc_set_str(s, "externalTrafficPolicy", kn_traffic_policy_name(spec->external_traffic_policy));
    if (spec->health_check_node_port > 0)
        doc_set_int(s, "healthCheckNodePort", spec->health_check_node_port);
    if (!external_name) {
        doc_set_str(s, "internalTrafficPolicy", spec->internal_traffic_policy_raw != NULL
                                                ? spec->internal_traffic_policy_raw
                                                : kn_traffic_policy_name(spec->internal_traffic_policy));
        if (spec->ip_families->len > 0)
            doc_set(s, "ipFamilies", doc_strings(spec->ip_families));
        else
            doc_add(doc_set_list(s, "ipFamilies"), doc_str("IPv4"));
        doc_set_str(s, "ipFamilyPolicy", spec->ip_family_policy_raw != NULL ? spec->ip_family_policy_raw
                                         : kn_ip_family_policy_name(spec->ip_family_policy));
    }
    doc_set_str(s, "loadBalancerClass", spec->load_balancer_class);
    doc_set_str(s, "loadBalancerIP", spec->load_balancer_ip);
    if (spec->load_balancer_source_ranges->len > 0)
        doc_set(s, "loadBalancerSourceRanges", doc_strings(spec->load_balancer_source_ranges));
    if (spec->ports->len > 0) {
        Doc *ports = doc_set_list(s, "ports");

        for (guint i = 0; i < spec->ports->len; i++) {
            const KnServicePort *port = spec->ports->pdata[i];
            Doc *p = doc_add(ports, doc_new(DOC_MAP));

            doc_set_str(p, "appProtocol", port->app_protocol);
            doc_set_str(p, "name", port->name);
            if (port->node_port > 0)
                doc_set_int(p, "nodePort", port->node_port);
            doc_set_int(p, "port", port->port);
            doc_set_str(p, "protocol", port->protocol_raw != NULL ? port->protocol_raw
                                                                  : kn_protocol_name(port->protocol));
            if (port->target_port.is_string || port->target_port.number > 0)
                doc_set_int_or_string(p, "targetPort", &port->target_port);
            else
                doc_set_int(p, "targetPort", port->port);
        }
    }
    if (spec->publish_not_ready_addresses)
        doc_set_bool(s, "publishNotReadyAddresses", TRUE);
    if (spec->selector != NULL)
        doc_set(s, "selector", doc_labels(spec->selector));
    doc_set_str(s, "sessionAffinity", spec->session_affinity_raw != NULL ? spec->session_affinity_raw
                                      : spec->session_affinity_client_ip ? "ClientIP" : "None");
    if (spec->session_affinity_client_ip)
        doc_set_int(doc_set_map(doc_set_map(s, "sessionAffinityConfig"), "clientIP"),
                    "timeoutSeconds", spec->session_affinity_timeout_s);
    doc_set_str(s, "trafficDistribution", spec->traffic_distribution);
    doc_set_str(s, "type", spec->type_raw != NULL ? spec->type_raw : kn_service_type_name(spec->type));

    Doc *lb = doc_set_map(doc_set_map(doc, "status"), "loadBalancer");

    if (svc->load_balancer_ingress->len > 0) {
        Doc *ingress = doc_set_list(lb, "ingress");

        for (guint i = 0; i < svc->load_balancer_ingress->len; i++) {
            Doc *entry = doc_add(ingress, doc_new(DOC_MAP));

            doc_set_str(entry, "ip", svc->load_balancer_ingress->pdata[i]);
            doc_set_str(entry, "ipMode", "VIP");
        }
    }
    return doc;
}

static Doc *
doc_endpoint_slice(const KnEndpointSlice *slice, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_ENDPOINT_SLICE, &slice->meta, store);
    Doc *endpoints = doc_new(DOC_LIST);

    doc_set_str(doc, "addressType", kn_address_type_name(slice->address_type));
    for (guint i = 0; i < slice->endpoints->len; i++) {
        const KnEndpoint *ep = slice->endpoints->pdata[i];
        Doc *e = doc_add(endpoints, doc_new(DOC_MAP));
        Doc *conditions;

        doc_set(e, "addresses", doc_strings(ep->addresses));
        conditions = doc_set_map(e, "conditions");
        doc_set_bool(conditions, "ready", ep->ready);
        doc_set_bool(conditions, "serving", ep->serving);
        doc_set_bool(conditions, "terminating", ep->terminating);
        if (ep->hint_zones->len > 0 || ep->hint_nodes->len > 0) {
            Doc *hints = doc_set_map(e, "hints");   /* EndpointHints: forZones, forNodes */

            if (ep->hint_zones->len > 0) {
                Doc *zones = doc_set_list(hints, "forZones");

                for (guint j = 0; j < ep->hint_zones->len; j++)
                    doc_set_str(doc_add(zones, doc_new(DOC_MAP)), "name", ep->hint_zones->pdata[j]);
            }
            if (ep->hint_nodes->len > 0) {
                Doc *nodes = doc_set_list(hints, "forNodes");

                for (guint j = 0; j < ep->hint_nodes->len; j++)
                    doc_set_str(doc_add(nodes, doc_new(DOC_MAP)), "name", ep->hint_nodes->pdata[j]);
            }
        }
        doc_set_str(e, "hostname", ep->hostname);
        doc_set_str(e, "nodeName", ep->node_name);
        if (ep->target_pod != NULL) {
            Doc *ref = doc_set_map(e, "targetRef");

            doc_set_str(ref, "kind", "Pod");
            doc_set_str(ref, "name", ep->target_pod);
            doc_set_str(ref, "namespace", ep->target_namespace);
            doc_set_str(ref, "uid", ep->target_uid);
        }
        doc_set_str(e, "zone", ep->zone);
    }
    /* endpoints: null when empty, as the API server sends it. */
    if (endpoints->items->len > 0) {
        doc_set(doc, "endpoints", endpoints);
    } else {
        doc_free(endpoints);
        doc_set(doc, "endpoints", doc_new(DOC_NULL));
    }

    Doc *ports = doc_new(DOC_LIST);

    for (guint i = 0; i < slice->ports->len; i++) {
        const KnEndpointPort *port = slice->ports->pdata[i];
        Doc *p = doc_add(ports, doc_new(DOC_MAP));

        doc_set_str(p, "appProtocol", port->app_protocol);
        doc_set_str(p, "name", port->name);
        if (port->port > 0)
            doc_set_int(p, "port", port->port);
        doc_set_str(p, "protocol", kn_protocol_name(port->protocol));
    }
    /* ports has no omitempty either: null when empty. */
    if (ports->items->len > 0) {
        doc_set(doc, "ports", ports);
    } else {
        doc_free(ports);
        doc_set(doc, "ports", doc_new(DOC_NULL));
    }
    return doc;
}

static Doc *
doc_endpoint_addresses(const GPtrArray *addresses)
{
    Doc *list = doc_new(DOC_LIST);

    for (guint i = 0; i < addresses->len; i++) {
        const KnEndpointAddress *a = addresses->pdata[i];
        Doc *d = doc_add(list, doc_new(DOC_MAP));

        doc_set_str(d, "hostname", a->hostname);
        doc_set_str(d, "ip", a->ip);
        doc_set_str(d, "nodeName", a->node_name);
        if (a->target_pod != NULL) {
            Doc *ref = doc_set_map(d, "targetRef");

            doc_set_str(ref, "kind", "Pod");
            doc_set_str(ref, "name", a->target_pod);
            doc_set_str(ref, "namespace", a->target_namespace);
            doc_set_str(ref, "uid", a->target_uid);
        }
    }
    return list;
}

static Doc *
doc_endpoints(const KnEndpoints *endpoints, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_ENDPOINTS, &endpoints->meta, store);

    if (endpoints->subsets->len == 0)
        return doc;

    Doc *subsets = doc_set_list(doc, "subsets");

    for (guint i = 0; i < endpoints->subsets->len; i++) {
        const KnEndpointSubset *ss = endpoints->subsets->pdata[i];
        Doc *s = doc_add(subsets, doc_new(DOC_MAP));

        if (ss->addresses->len > 0)
            doc_set(s, "addresses", doc_endpoint_addresses(ss->addresses));
        if (ss->not_ready_addresses->len > 0)
            doc_set(s, "notReadyAddresses", doc_endpoint_addresses(ss->not_ready_addresses));
        if (ss->ports->len > 0) {
            Doc *ports = doc_set_list(s, "ports");

            for (guint j = 0; j < ss->ports->len; j++) {
                const KnEndpointPort *port = ss->ports->pdata[j];
                Doc *p = doc_add(ports, doc_new(DOC_MAP));

                doc_set_str(p, "appProtocol", port->app_protocol);
                if (port->name != NULL && port->name[0] != '\0')
                    doc_set_str(p, "name", port->name);
                doc_set_int(p, "port", port->port);
                doc_set_str(p, "protocol", kn_protocol_name(port->protocol));
            }
        }
    }
    return doc;
}

static Doc *
doc_deployment(const KnDeployment *d, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_DEPLOYMENT, &d->meta, store);
    Doc *s = doc_set_map(doc, "spec");
    Doc *strategy, *rolling, *status;

    doc_set_int(s, "progressDeadlineSeconds", d->progress_deadline_s);
    doc_set_int(s, "replicas", d->replicas);
    doc_set_int(s, "revisionHistoryLimit", d->revision_history_limit);
    doc_set(s, "selector", doc_selector(d->selector));
    strategy = doc_set_map(s, "strategy");
    if (!d->recreate) {
        rolling = doc_set_map(strategy, "rollingUpdate");
        doc_set_int_or_string(rolling, "maxSurge", &d->max_surge);
        doc_set_int_or_string(rolling, "maxUnavailable", &d->max_unavailable);
    }
    doc_set_str(strategy, "type", d->recreate ? "Recreate" : "RollingUpdate");
    doc_set(s, "template", doc_template(&d->template));
    status = doc_set_map(doc, "status");
    if (d->available_replicas > 0)
        doc_set_int(status, "availableReplicas", d->available_replicas);
    if (d->conditions->len > 0) {
        Doc *conditions = doc_set_list(status, "conditions");

        for (guint i = 0; i < d->conditions->len; i++) {
            const KnDeploymentCondition *c = d->conditions->pdata[i];
            Doc *e = doc_add(conditions, doc_new(DOC_MAP));

            doc_set_timestamp(e, "lastTransitionTime", c->last_transition);
            doc_set_timestamp(e, "lastUpdateTime", c->last_update);
            doc_set_str(e, "message", c->message);
            doc_set_str(e, "reason", c->reason);
            doc_set_str(e, "status", c->status ? "True" : "False");
            doc_set_str(e, "type", c->type);
        }
    }
    doc_set_int(status, "observedGeneration", (gint64) d->observed_generation);
    if (d->ready_replicas > 0)
        doc_set_int(status, "readyReplicas", d->ready_replicas);
    if (d->status_replicas > 0)
        doc_set_int(status, "replicas", d->status_replicas);
    if (d->status_replicas > d->available_replicas)
        doc_set_int(status, "unavailableReplicas", d->status_replicas - d->available_replicas);
    if (d->updated_replicas > 0)
        doc_set_int(status, "updatedReplicas", d->updated_replicas);
    return doc;
}

static Doc *
doc_replica_set(const KnReplicaSet *r, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_REPLICA_SET, &r->meta, store);
    Doc *s = doc_set_map(doc, "spec");
    Doc *status;

    doc_set_int(s, "replicas", r->replicas);
    doc_set(s, "selector", doc_selector(r->selector));
    doc_set(s, "template", doc_template(&r->template));
    status = doc_set_map(doc, "status");
    if (r->available_replicas > 0)
        doc_set_int(status, "availableReplicas", r->available_replicas);
    doc_set_int(status, "fullyLabeledReplicas", r->status_replicas);
    doc_set_int(status, "observedGeneration", r->meta.generation > 0 ? (gint64) r->meta.generation : 1);
    if (r->ready_replicas > 0)
        doc_set_int(status, "readyReplicas", r->ready_replicas);
    doc_set_int(status, "replicas", r->status_replicas);
    return doc;
}

static Doc *
doc_stateful_set(const KnStatefulSet *s, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_STATEFUL_SET, &s->meta, store);
    Doc *spec = doc_set_map(doc, "spec");
    Doc *status;

    doc_set_str(spec, "podManagementPolicy", s->parallel ? "Parallel" : "OrderedReady");
    doc_set_int(spec, "replicas", s->replicas);
    doc_set_int(spec, "revisionHistoryLimit", 10);
    doc_set(spec, "selector", doc_selector(s->selector));
    doc_set_str(spec, "serviceName", s->service_name);
    doc_set(spec, "template", doc_template(&s->template));
    status = doc_set_map(doc, "status");
    doc_set_int(status, "availableReplicas", s->ready_replicas);
    doc_set_int(status, "currentReplicas", s->current_replicas);
    if (s->ready_replicas > 0)
        doc_set_int(status, "readyReplicas", s->ready_replicas);
    doc_set_int(status, "replicas", s->current_replicas);
    return doc;
}

static Doc *
doc_daemon_set(const KnDaemonSet *d, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_DAEMON_SET, &d->meta, store);
    Doc *spec = doc_set_map(doc, "spec");
    Doc *status;

    doc_set_int(spec, "revisionHistoryLimit", d->revision_history_limit);
    doc_set(spec, "selector", doc_selector(d->selector));
    doc_set(spec, "template", doc_template(&d->template));
    status = doc_set_map(doc, "status");
    doc_set_int(status, "currentNumberScheduled", d->current);
    doc_set_int(status, "desiredNumberScheduled", d->desired);
    doc_set_int(status, "numberAvailable", d->ready);
    doc_set_int(status, "numberMisscheduled", 0);
    doc_set_int(status, "numberReady", d->ready);
    doc_set_int(status, "updatedNumberScheduled", d->current);
    return doc;
}

static Doc *
doc_node(const KnNode *node, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_NODE, &node->meta, store);
    Doc *spec = doc_set_map(doc, "spec");
    Doc *status, *addresses, *a, *info;

    if (node->pod_cidr != NULL) {
        doc_set_str(spec, "podCIDR", node->pod_cidr);
        doc_add(doc_set_list(spec, "podCIDRs"), doc_str(node->pod_cidr));
    }
    doc_set_str(spec, "providerID", NULL);
    if (node->taints->len > 0) {
        Doc *taints = doc_set_list(spec, "taints");

        for (guint i = 0; i < node->taints->len; i++) {
            const KnTaint *t = node->taints->pdata[i];
            Doc *d = doc_add(taints, doc_new(DOC_MAP));

            doc_set_str(d, "effect", t->effect);
            doc_set_str(d, "key", t->key);
            doc_set_str(d, "value", t->value);
        }
    }
    if (node->unschedulable)
        doc_set_bool(spec, "unschedulable", TRUE);
    status = doc_set_map(doc, "status");
    addresses = doc_set_list(status, "addresses");
    if (node->internal_ip != NULL) {
        a = doc_add(addresses, doc_new(DOC_MAP));
        doc_set_str(a, "address", node->internal_ip);
        doc_set_str(a, "type", "InternalIP");
    }
    a = doc_add(addresses, doc_new(DOC_MAP));
    doc_set_str(a, "address", node->meta.name);
    doc_set_str(a, "type", "Hostname");
    /* What the kubelet reports of the resources knetsim models: cpu (when
     * the scenario gives it) and pods, the same allocatable as capacity. */
    for (guint i = 0; i < 2; i++) {
        Doc *resources = doc_set_map(status, i == 0 ? "allocatable" : "capacity");
        char text[16];

        if (node->cpu > 0) {
            g_snprintf(text, sizeof text, "%u", node->cpu);
            doc_set_str(resources, "cpu", text);
        }
        g_snprintf(text, sizeof text, "%u", node->max_pods);
        doc_set_str(resources, "pods", text);
    }
    doc_add(doc_set_list(status, "conditions"),
            doc_condition("Ready", node->ready, node->ready_time, FALSE));
    info = doc_set_map(status, "nodeInfo");
    doc_set_str(info, "architecture", NODE_ARCH);
    doc_set_str(info, "containerRuntimeVersion", NODE_CONTAINER_RUNTIME);
    doc_set_str(info, "kernelVersion", NODE_KERNEL_VERSION);
    doc_set_str(info, "kubeProxyVersion", KN_KUBERNETES_VERSION);
    doc_set_str(info, "kubeletVersion", KN_KUBERNETES_VERSION);
    doc_set_str(info, "operatingSystem", "linux");
    doc_set_str(info, "osImage", NODE_OS_IMAGE);
    return doc;
}

static Doc *
doc_namespace(const KnNamespace *ns, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_NAMESPACE, &ns->meta, store);

    doc_add(doc_set_list(doc_set_map(doc, "spec"), "finalizers"), doc_str("kubernetes"));
    doc_set_str(doc_set_map(doc, "status"), "phase", ns->terminating ? "Terminating" : "Active");
    return doc;
}

static Doc *
doc_config_map(const KnConfigMap *cm, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_CONFIG_MAP, &cm->meta, store);

    if (kn_labels_size(cm->data) > 0)
        doc_set(doc, "data", doc_labels(cm->data));
    return doc;
}

/* A legacy recorder's Event, or a series' singleton as core/v1 shows one
 * from events.k8s.io (eventTime, the reporting fields, no source). */
static Doc *
doc_event(const KnEvent *e, KnStore *store)
{
    Doc *doc = doc_object(KN_KIND_EVENT, &e->meta, store);
    Doc *involved = doc_set_map(doc, "involvedObject");
    const KnObjectMeta *object = store != NULL ? kn_store_lookup(store, e->involved_kind, e->meta.namespace,
                                                                 e->involved_name) : NULL;

    if (e->series_api) {
        g_autofree char *stamp = kn_kubectl_print_timestamp(e->first_time);
        g_autofree char *micro = g_strdup_printf("%.*s.%06" G_GINT64_FORMAT "Z", (int) strlen(stamp) - 1, stamp,
                                                 (gint64) (e->first_time % KN_SEC / KN_USEC));

        doc_set_str(doc, "action", "Binding");
        doc_set_str(doc, "eventTime", micro);
        doc_set(doc, "firstTimestamp", doc_new(DOC_NULL));
        doc_set(doc, "lastTimestamp", doc_new(DOC_NULL));
        doc_set_str(doc, "reportingComponent", e->component);
        doc_set_str(doc, "reportingInstance", e->host);
        doc_set_map(doc, "source");
    } else {
        doc_set_int(doc, "count", e->count);
        doc_set(doc, "eventTime", doc_new(DOC_NULL));
        doc_set_timestamp(doc, "firstTimestamp", e->first_time);
        doc_set_timestamp(doc, "lastTimestamp", e->last_time);
        doc_set_str(doc, "reportingComponent", e->component);
        doc_set_str(doc, "reportingInstance", e->host != NULL ? e->host : "");
        Doc *source = doc_set_map(doc, "source");

        doc_set_str(source, "component", e->component);
        doc_set_str(source, "host", e->host);
    }
    doc_set_str(involved, "apiVersion", kn_kind_api_version(e->involved_kind));
    doc_set_str(involved, "fieldPath", e->field_path);
    doc_set_str(involved, "kind", kn_kind_name(e->involved_kind));
    doc_set_str(involved, "name", e->involved_name);
    doc_set_str(involved, "namespace", e->involved_kind == KN_KIND_NODE ? NULL : e->meta.namespace);
    if (object != NULL && g_strcmp0(object->uid, e->involved_uid) == 0) {
        g_autofree char *version = g_strdup_printf("%" G_GUINT64_FORMAT, object->resource_version);

        doc_set_str(involved, "resourceVersion", version);
    }
    doc_set_str(involved, "uid", e->involved_uid);
    doc_set_str(doc, "message", e->message);
    doc_set_str(doc, "reason", e->reason);
    doc_set_str(doc, "type", e->warning ? "Warning" : "Normal");
    return doc;
}

static Doc *
doc_any(KnKind kind, gconstpointer object, KnStore *store)
{
    switch (kind) {
    case KN_KIND_POD:
        return doc_pod(object, store);
    case KN_KIND_SERVICE:
        return doc_service(object, store);
    case KN_KIND_ENDPOINT_SLICE:
        return doc_endpoint_slice(object, store);
    case KN_KIND_ENDPOINTS:
        return doc_endpoints(object, store);
    case KN_KIND_DEPLOYMENT:
        return doc_deployment(object, store);
    case KN_KIND_REPLICA_SET:
        return doc_replica_set(object, store);
    case KN_KIND_STATEFUL_SET:
        return doc_stateful_set(object, store);
    case KN_KIND_DAEMON_SET:
        return doc_daemon_set(object, store);
    case KN_KIND_NODE:
        return doc_node(object, store);
    case KN_KIND_NAMESPACE:
        return doc_namespace(object, store);
    case KN_KIND_CONFIG_MAP:
        return doc_config_map(object, store);
    case KN_KIND_EVENT:
        return doc_event(object, store);
    case KN_N_KINDS:
        break;
    }
    g_return_val_if_reached(doc_new(DOC_NULL));
}

/* What -o yaml and -o jsonpath see: the object, or a List of them. */
static Doc *
doc_for(KnKind kind, const GPtrArray *objects, gboolean single, KnStore *store)
{
    if (single && objects->len == 1)
        return doc_any(kind, objects->pdata[0], store);

    Doc *list = doc_new(DOC_MAP);
    Doc *items;

    doc_set_str(list, "apiVersion", "v1");
    items = doc_set_list(list, "items");
    for (guint i = 0; i < objects->len; i++)
        doc_add(items, doc_any(kind, objects->pdata[i], store));
    doc_set_str(list, "kind", "List");
    doc_set_str(doc_set_map(list, "metadata"), "resourceVersion", "");
    return list;
}

/*****************************************************************************/
/* YAML, as sigs.k8s.io/yaml (go-yaml v2 and its libyaml emitter) writes it. */

/* go-yaml v2 keyList.Less: letters compare as runes, a non-letter sorts
 * before a letter, runs of digits compare as numbers. */
static gboolean
yaml_key_less(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    for (size_t i = 0; i < la && i < lb; i++) {
        if (a[i] == b[i])
            continue;

        gboolean al = g_ascii_isalpha(a[i]), bl = g_ascii_isalpha(b[i]);

        if (al && bl)
            return (guchar) a[i] < (guchar) b[i];
        if (al || bl)
            return bl;

        gint64 an = 0, bn = 0;
        size_t ai, bi;

        if (a[i] == '0' || b[i] == '0') {
            for (size_t j = i; j-- > 0 && g_ascii_isdigit(a[j]);) {
                if (a[j] != '0') {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        for (ai = i; ai < la && g_ascii_isdigit(a[ai]); ai++)
            an = an * 10 + (a[ai] - '0');
        for (bi = i; bi < lb && g_ascii_isdigit(b[bi]); bi++)
            bn = bn * 10 + (b[bi] - '0');
        if (an != bn)
            return an < bn;
        if (ai != bi)
            return ai < bi;
        return (guchar) a[i] < (guchar) b[i];
    }
    return la < lb;
}

/* The indices of 'map's keys in go-yaml order (insertion sort: maps are
 * small).  New; g_free(). */
static guint *
yaml_key_order(const Doc *map)
{
    guint n = map->keys->len;
    guint *order = g_new(guint, n + 1);

    for (guint i = 0; i < n; i++) {
        guint j = i;

        while (j > 0 && yaml_key_less(map->keys->pdata[i], map->keys->pdata[order[j - 1]])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return order;
}

/* isBase60Float: [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)? */
static gboolean
is_base60_float(const char *s)
{
    const char *p = s;
    gboolean colon = FALSE;

    if (*p == '+' || *p == '-')
        p++;
    if (!g_ascii_isdigit(*p))
        return FALSE;
    while (g_ascii_isdigit(*p) || *p == '_')
        p++;
    while (*p == ':') {
        p++;
        if (g_ascii_isdigit(p[0]) && g_ascii_isdigit(p[1])) {
            if (p[0] > '5')
                return FALSE;
            p += 2;
        } else if (g_ascii_isdigit(p[0])) {
            p++;
        } else {
            return FALSE;
        }
        colon = TRUE;
    }
    if (!colon)
        return FALSE;
    if (*p == '.') {
        p++;
        while (g_ascii_isdigit(*p) || *p == '_')
            p++;
    }
    return *p == '\0';
}

/* go-yaml v2 parseTimestamp accepts yyyy-m-d, optionally followed by a time. */
static gboolean
looks_like_timestamp(const char *s)
{
    const char *p = s;
    int n;

    for (n = 0; g_ascii_isdigit(*p); p++, n++)
        ;
    if (n != 4 || *p != '-')
        return FALSE;
    p++;
    for (n = 0; g_ascii_isdigit(*p); p++, n++)
        ;
    if (n < 1 || n > 2 || *p != '-')
        return FALSE;
    p++;
    for (n = 0; g_ascii_isdigit(*p); p++, n++)
        ;
    if (n < 1 || n > 2)
        return FALSE;
    return *p == '\0' || *p == 'T' || *p == 't' || *p == ' ';
}

/* TRUE if 's' written plain would read back as something other than a
 * string (go-yaml v2 resolve()): then it is double-quoted. */
static gboolean
yaml_resolves_non_string(const char *s)
{
    static const char *const specials[] = {
        "", "~", "null", "Null", "NULL",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
        "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<", NULL,
    };

    for (const char *const *sp = specials; *sp != NULL; sp++)
        if (strcmp(s, *sp) == 0)
            return TRUE;
    if (strchr("+-.0123456789", s[0]) == NULL)
        return FALSE;

    /* Numbers, with '_' allowed as Go's resolver strips it. */
    g_autoptr(GString) plain = g_string_new(NULL);

    for (const char *p = s; *p != '\0'; p++)
        if (*p != '_')
            g_string_append_c(plain, *p);

    const char *digits = plain->str + (plain->str[0] == '+' || plain->str[0] == '-');
    char *end;

    if (g_str_has_prefix(digits, "0b") && digits[2] != '\0'
        && strspn(digits + 2, "01") == strlen(digits + 2))
        return TRUE;
    if (g_str_has_prefix(digits, "0o") && digits[2] != '\0'
        && strspn(digits + 2, "01234567") == strlen(digits + 2))
        return TRUE;
    if (plain->len > 0) {
        (void) g_ascii_strtoll(plain->str, &end, 0);
        if (*end == '\0')
            return TRUE;
        (void) g_ascii_strtod(plain->str, &end);
        if (*end == '\0' && end != plain->str)
            return TRUE;
    }
    return looks_like_timestamp(s) || is_base60_float(s);
}

/* libyaml yaml_emitter_analyze_scalar, block context: may 's' be plain? */
static gboolean
yaml_plain_allowed(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
        return FALSE;
    if (g_str_has_prefix(s, "---") || g_str_has_prefix(s, "..."))
        return FALSE;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        gboolean followed_by_blank = s[i + 1] == '\0' || s[i + 1] == ' ' || s[i + 1] == '\t';

        if ((guchar) c < 0x20 || c == 0x7f)
            return FALSE;
        if (i == 0) {
            if (strchr("#,[]{}&*!|>'\"%@`", c) != NULL)
                return FALSE;
            if ((c == '?' || c == ':' || c == '-') && followed_by_blank)
                return FALSE;
        } else {
            if (c == ':' && followed_by_blank)
                return FALSE;
            if (c == '#' && s[i - 1] == ' ')
                return FALSE;
        }
    }
    return TRUE;
}

static void
yaml_double_quoted(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const char *p = s; *p != '\0'; p++) {
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        default:
            if ((guchar) *p < 0x20)
                g_string_append_printf(out, "\\x%02X", (guchar) *p);
            else
                g_string_append_c(out, *p);
        }
    }
    g_string_append_c(out, '"');
}

static void
pad(GString *out, int indent)
{
    for (int i = 0; i < indent; i++)
        g_string_append_c(out, ' ');
}

/* A literal block scalar ('s' has a newline): lines at 'indent'. */
static void
yaml_literal(GString *out, const char *s, int indent)
{
    size_t n = strlen(s);

    g_string_append_c(out, '|');
    if (s[0] == ' ' || s[0] == '\n')
        g_string_append_c(out, '2');
    if (s[n - 1] != '\n')
        g_string_append_c(out, '-');
    else if (n == 1 || s[n - 2] == '\n')
        g_string_append_c(out, '+');
    g_string_append_c(out, '\n');

    gboolean line_start = TRUE;

    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\n');
            line_start = TRUE;
            continue;
        }
        if (line_start)
            pad(out, indent);
        line_start = FALSE;
        g_string_append_c(out, *p);
    }
    if (s[n - 1] != '\n')
        g_string_append_c(out, '\n');
}

/* A string scalar followed by its newline; 'indent' is where a literal
 * block's lines go. */
static void
yaml_string(GString *out, const char *s, int indent, gboolean is_key)
{
    gboolean space_break = strstr(s, " \n") != NULL;

    if (!is_key && strchr(s, '\n') != NULL && !space_break && s[strlen(s) - 1] != ' ') {
        yaml_literal(out, s, indent);
        return;
    }
    if (strchr(s, '\n') != NULL || yaml_resolves_non_string(s)) {
        yaml_double_quoted(out, s);
    } else if (yaml_plain_allowed(s)) {
        g_string_append(out, s);
    } else {
        g_string_append_c(out, '\'');
        for (const char *p = s; *p != '\0'; p++) {
            if (*p == '\'')
                g_string_append_c(out, '\'');
            g_string_append_c(out, *p);
        }
        g_string_append_c(out, '\'');
    }
    if (!is_key)
        g_string_append_c(out, '\n');
}

static void yaml_map(GString *out, const Doc *map, int indent, gboolean inline_first);
static void yaml_list(GString *out, const Doc *list, int indent, gboolean inline_first);

/* A scalar or an empty collection after "key: " or "- ". */
static void
yaml_scalar(GString *out, const Doc *doc, int indent)
{
    switch (doc->type) {
    case DOC_NULL:
        g_string_append(out, "null\n");
        break;
    case DOC_STR:
        yaml_string(out, doc->str, indent, FALSE);
        break;
    case DOC_INT:
        g_string_append_printf(out, "%" G_GINT64_FORMAT "\n", doc->num);
        break;
    case DOC_BOOL:
        g_string_append(out, doc->num ? "true\n" : "false\n");
        break;
    case DOC_MAP:
        g_string_append(out, "{}\n");
        break;
    case DOC_LIST:
        g_string_append(out, "[]\n");
        break;
    }
}

static gboolean
is_block(const Doc *doc)
{
    return (doc->type == DOC_MAP || doc->type == DOC_LIST) && doc->items->len > 0;
}

/* A block mapping at 'indent'; with 'inline_first' the first key follows
 * a "- " already written. */
static void
yaml_map(GString *out, const Doc *map, int indent, gboolean inline_first)
{
    g_autofree guint *order = yaml_key_order(map);

    for (guint k = 0; k < map->keys->len; k++) {
        const Doc *value = map->items->pdata[order[k]];

        if (k > 0 || !inline_first)
            pad(out, indent);
        yaml_string(out, map->keys->pdata[order[k]], indent, TRUE);
        g_string_append_c(out, ':');
        if (!is_block(value)) {
            g_string_append_c(out, ' ');
            yaml_scalar(out, value, indent + 2);
        } else if (value->type == DOC_MAP) {
            g_string_append_c(out, '\n');
            yaml_map(out, value, indent + 2, FALSE);
        } else {
            /* go-yaml v2 does not indent a sequence under its key. */
            g_string_append_c(out, '\n');
            yaml_list(out, value, indent, FALSE);
        }
    }
}

static void
yaml_list(GString *out, const Doc *list, int indent, gboolean inline_first)
{
    for (guint i = 0; i < list->items->len; i++) {
        const Doc *item = list->items->pdata[i];

        if (i > 0 || !inline_first)
            pad(out, indent);
        g_string_append(out, "- ");
        if (!is_block(item))
            yaml_scalar(out, item, indent + 2);
        else if (item->type == DOC_MAP)
            yaml_map(out, item, indent + 2, TRUE);
        else
            yaml_list(out, item, indent + 2, TRUE);
    }
}

/*****************************************************************************/
/* JSON, as encoding/json writes a value for jsonpath. */

static gint
compare_key_index(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const Doc *map = user_data;

    return strcmp(map->keys->pdata[*(const guint *) a], map->keys->pdata[*(const guint *) b]);
}

static void
json_value(GString *out, const Doc *doc)
{
    switch (doc->type) {
    case DOC_NULL:
        g_string_append(out, "null");
        break;
    case DOC_STR:
        kn_json_string(out, doc->str);
        break;
    case DOC_INT:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, doc->num);
        break;
    case DOC_BOOL:
        g_string_append(out, doc->num ? "true" : "false");
        break;
    case DOC_LIST:
        g_string_append_c(out, '[');
        for (guint i = 0; i < doc->items->len; i++) {
            if (i > 0)
                g_string_append_c(out, ',');
            json_value(out, doc->items->pdata[i]);
        }
        g_string_append_c(out, ']');
        break;
    case DOC_MAP: {
        g_autofree guint *order = g_new(guint, doc->keys->len + 1);

        for (guint i = 0; i < doc->keys->len; i++)
            order[i] = i;
        g_qsort_with_data(order, (gint) doc->keys->len, sizeof *order, compare_key_index, (gpointer) doc);
        g_string_append_c(out, '{');
        for (guint i = 0; i < doc->keys->len; i++) {
            if (i > 0)
                g_string_append_c(out, ',');
            kn_json_string(out, doc->keys->pdata[order[i]]);
            g_string_append_c(out, ':');
            json_value(out, doc->items->pdata[order[i]]);
        }
        g_string_append_c(out, '}');
        break;
    }
    }
}

/* -o json: the printers' json.MarshalIndent(obj, "", "    ") of the object
 * as the server sent it (a map, so its keys sorted), then a newline. */
static void
json_indented(GString *out, const Doc *doc, guint level)
{
    if (doc->type != DOC_LIST && doc->type != DOC_MAP) {
        json_value(out, doc);
        return;
    }
    if (doc->items->len == 0) {
        g_string_append(out, doc->type == DOC_LIST ? "[]" : "{}");
        return;
    }

    g_autofree guint *order = g_new(guint, doc->items->len + 1);

    for (guint i = 0; i < doc->items->len; i++)
        order[i] = i;
    if (doc->type == DOC_MAP)
        g_qsort_with_data(order, (gint) doc->keys->len, sizeof *order, compare_key_index, (gpointer) doc);
    g_string_append_c(out, doc->type == DOC_LIST ? '[' : '{');
    for (guint i = 0; i < doc->items->len; i++) {
        g_string_append(out, i > 0 ? ",\n" : "\n");
        for (guint j = 0; j <= level; j++)
            g_string_append(out, "    ");
        if (doc->type == DOC_MAP) {
            kn_json_string(out, doc->keys->pdata[order[i]]);
            g_string_append(out, ": ");
        }
        json_indented(out, doc->items->pdata[order[i]], level + 1);
    }
    g_string_append_c(out, '\n');
    for (guint j = 0; j < level; j++)
        g_string_append(out, "    ");
    g_string_append_c(out, doc->type == DOC_LIST ? ']' : '}');
}

/*****************************************************************************/
/* JSONPath: a parser into nodes and an evaluator over documents. */

typedef enum {
    SEG_FIELD,                   /* .name or ['name'] */
    SEG_WILDCARD,                /* [*] or .* */
    SEG_INDEX,                   /* [n] */
    SEG_SLICE,                   /* [a:b] */
    SEG_FILTER,                  /* [?(@.path OP "value")] */
} SegType;

typedef struct {
    SegType type;
    char *name;                  /* FIELD; FILTER: the literal */
    gint64 start, end;           /* INDEX: start; SLICE: bounds */
    gboolean has_start, has_end; /* SLICE */
    GPtrArray *filter_path;      /* FILTER: Seg *, relative to '@' */
    gboolean filter_not_equal;   /* FILTER: != (else ==) */
    gboolean filter_exists;      /* FILTER: [?(@.path)] */
} Seg;

typedef enum {
    JP_TEXT,
    JP_PATH,
    JP_RANGE,
} JpType;

typedef struct {
    JpType type;
    char *text;                  /* TEXT */
    gboolean from_root;          /* PATH, RANGE: starts with '$' */
    GPtrArray *segs;             /* PATH, RANGE: Seg * */
    GPtrArray *body;             /* RANGE: JpNode * up to its {end} */
} JpNode;

static void
seg_free(Seg *seg)
{
    g_free(seg->name);
    if (seg->filter_path != NULL)
        g_ptr_array_unref(seg->filter_path);
    g_free(seg);
}

static void
jp_node_free(JpNode *node)
{
    g_free(node->text);
    if (node->segs != NULL)
        g_ptr_array_unref(node->segs);
    if (node->body != NULL)
        g_ptr_array_unref(node->body);
    g_free(node);
}

static GPtrArray *
segs_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify) seg_free);
}

static GPtrArray *
nodes_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify) jp_node_free);
}

typedef struct {
    const char *template;        /* the whole template, for messages */
    const char *p;               /* the parser's position */
    char *error;                 /* the first error, as client-go's parser words it; new */
} JpParser;

static gboolean
jp_fail(JpParser *jp, const char *reason)
{
    if (jp->error == NULL)
        jp->error = g_strdup(reason);
    return FALSE;
}

static gboolean
is_name_char(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '/' || c == '\\';
}

/* A field name after '.', with '\.' for a dot inside a name. */
static char *
parse_name(JpParser *jp)
{
    GString *name = g_string_new(NULL);

    while (is_name_char(*jp->p)) {
        if (jp->p[0] == '\\' && jp->p[1] != '\0') {
            g_string_append_c(name, jp->p[1]);
            jp->p += 2;
            continue;
        }
        g_string_append_c(name, *jp->p++);
    }
    return g_string_free(name, FALSE);
}

/* A quoted string at 'jp->p' ('"' or '\''), with Go's common escapes. */
static char *
parse_quoted(JpParser *jp)
{
    char quote = *jp->p++;
    GString *s = g_string_new(NULL);

    while (*jp->p != quote) {
        if (*jp->p == '\0') {
            g_string_free(s, TRUE);
            jp_fail(jp, "unterminated quoted string");
            return NULL;
        }
        if (*jp->p == '\\' && jp->p[1] != '\0') {
            jp->p++;
            switch (*jp->p) {
            case 'n':
                g_string_append_c(s, '\n');
                break;
            case 't':
                g_string_append_c(s, '\t');
                break;
            case 'r':
                g_string_append_c(s, '\r');
                break;
            default:
                g_string_append_c(s, *jp->p);
            }
            jp->p++;
            continue;
        }
        g_string_append_c(s, *jp->p++);
    }
    jp->p++;
    return g_string_free(s, FALSE);
}

static gboolean parse_segs(JpParser *jp, GPtrArray *segs, gboolean in_filter);

static gboolean
parse_bracket(JpParser *jp, GPtrArray *segs)
{
    const char *close = strchr(jp->p, ']');
    Seg *seg;

    if (close == NULL)
        return jp_fail(jp, "unclosed array expect ]");
    jp->p++;
    seg = g_new0(Seg, 1);
    g_ptr_array_add(segs, seg);
    if (*jp->p == '*' && jp->p[1] == ']') {
        seg->type = SEG_WILDCARD;
        jp->p += 2;
        return TRUE;
    }
    if (*jp->p == '\'' || *jp->p == '"') {
        seg->type = SEG_FIELD;
        seg->name = parse_quoted(jp);
        if (seg->name == NULL)
            return FALSE;
        if (*jp->p != ']')
            return jp_fail(jp, "unclosed array expect ]");
        jp->p++;
        return TRUE;
    }
    if (*jp->p == '?') {
        seg->type = SEG_FILTER;
        seg->filter_path = segs_new();
        jp->p++;
        if (*jp->p != '(')
            return jp_fail(jp, "unrecognized filter");
        jp->p++;
        while (*jp->p == ' ')
            jp->p++;
        if (*jp->p != '@')
            return jp_fail(jp, "unrecognized filter");
        jp->p++;
        if (!parse_segs(jp, seg->filter_path, TRUE))
            return FALSE;
        while (*jp->p == ' ')
            jp->p++;
        if (*jp->p == ')') {
            seg->filter_exists = TRUE;
        } else {
            if (g_str_has_prefix(jp->p, "=="))
                seg->filter_not_equal = FALSE;
            else if (g_str_has_prefix(jp->p, "!="))
                seg->filter_not_equal = TRUE;
            else
                return jp_fail(jp, "unrecognized filter");
            jp->p += 2;
            while (*jp->p == ' ')
                jp->p++;
            if (*jp->p == '"' || *jp->p == '\'') {
                seg->name = parse_quoted(jp);
                if (seg->name == NULL)
                    return FALSE;
            } else {
                const char *start = jp->p;

                while (*jp->p != '\0' && *jp->p != ')' && *jp->p != ' ')
                    jp->p++;
                seg->name = g_strndup(start, (gsize) (jp->p - start));
            }
            while (*jp->p == ' ')
                jp->p++;
        }
        if (jp->p[0] != ')' || jp->p[1] != ']')
            return jp_fail(jp, "unclosed array expect ]");
        jp->p += 2;
        return TRUE;
    }

    /* [n], [a:b], [a:], [:b] */
    char *end;

    seg->type = SEG_INDEX;
    if (*jp->p != ':') {
        seg->start = g_ascii_strtoll(jp->p, &end, 10);
        if (end == jp->p)
            return jp_fail(jp, "unrecognized array index");
        seg->has_start = TRUE;
        jp->p = end;
    }
    if (*jp->p == ':') {
        seg->type = SEG_SLICE;
        jp->p++;
        if (*jp->p != ']') {
            seg->end = g_ascii_strtoll(jp->p, &end, 10);
            if (end == jp->p)
                return jp_fail(jp, "unrecognized array index");
            seg->has_end = TRUE;
            jp->p = end;
        }
    }
    if (*jp->p != ']')
        return jp_fail(jp, "unclosed array expect ]");
    jp->p++;
    return TRUE;
}

/* Path segments up to a blank, '}' or (in a filter) a comparison. */
static gboolean
parse_segs(JpParser *jp, GPtrArray *segs, gboolean in_filter)
{
    for (;;) {
        if (*jp->p == '.') {
            jp->p++;
            if (*jp->p == '.')
                return jp_fail(jp, "recursive descent (..) is not supported by knetsim");
            if (*jp->p == '*') {
                Seg *seg = g_new0(Seg, 1);

                seg->type = SEG_WILDCARD;
                g_ptr_array_add(segs, seg);
                jp->p++;
                continue;
            }

            char *name = parse_name(jp);

            if (name[0] == '\0') {
                g_free(name);
                continue;        /* a lone "." is the current node */
            }

            Seg *seg = g_new0(Seg, 1);

            seg->type = SEG_FIELD;
            seg->name = name;
            g_ptr_array_add(segs, seg);
        } else if (*jp->p == '[') {
            if (!parse_bracket(jp, segs))
                return FALSE;
        } else if (*jp->p == '\0' || *jp->p == '}' || *jp->p == ' '
                   || (in_filter && strchr(")=!<>", *jp->p) != NULL)) {
            return TRUE;
        } else {
            g_autofree char *reason =
                g_strdup_printf("unrecognized character in action: U+%04X '%c'",
                                (guchar) *jp->p, *jp->p);

            return jp_fail(jp, reason);
        }
    }
}

/* Parses nodes into 'nodes' up to the end of the template or, inside a
 * range, its {end}. */
static gboolean
parse_nodes(JpParser *jp, GPtrArray *nodes, gboolean in_range)
{
    while (*jp->p != '\0') {
        if (*jp->p != '{') {
            const char *brace = strchr(jp->p, '{');
            size_t n = brace != NULL ? (size_t) (brace - jp->p) : strlen(jp->p);
            JpNode *node = g_new0(JpNode, 1);

            node->type = JP_TEXT;
            node->text = g_strndup(jp->p, n);
            g_ptr_array_add(nodes, node);
            jp->p += n;
            continue;
        }
        if (strchr(jp->p, '}') == NULL)
            return jp_fail(jp, "unclosed action");
        jp->p++;
        while (*jp->p == ' ')
            jp->p++;
        if (g_str_has_prefix(jp->p, "end") && (jp->p[3] == '}' || jp->p[3] == ' ')) {
            if (!in_range)
                return jp_fail(jp, "not in range, nothing to end");
            jp->p += 3;
            while (*jp->p == ' ')
                jp->p++;
            if (*jp->p != '}')
                return jp_fail(jp, "unclosed action");
            jp->p++;
            return TRUE;
        }

        JpNode *node = g_new0(JpNode, 1);

        g_ptr_array_add(nodes, node);
        if (*jp->p == '"' || *jp->p == '\'') {
            node->type = JP_TEXT;
            node->text = parse_quoted(jp);
            if (node->text == NULL)
                return FALSE;
        } else {
            node->type = JP_PATH;
            if (g_str_has_prefix(jp->p, "range ")) {
                node->type = JP_RANGE;
                jp->p += strlen("range ");
                while (*jp->p == ' ')
                    jp->p++;
            }
            if (*jp->p == '$' || *jp->p == '@') {
                node->from_root = *jp->p == '$';
                jp->p++;
            }
            node->segs = segs_new();
            if (!parse_segs(jp, node->segs, FALSE))
                return FALSE;
        }
        while (*jp->p == ' ')
            jp->p++;
        if (*jp->p != '}')
            return jp_fail(jp, "unclosed action");
        jp->p++;
        if (node->type == JP_RANGE) {
            node->body = nodes_new();
            if (!parse_nodes(jp, node->body, TRUE))
                return FALSE;
        }
    }
    if (in_range)
        return jp_fail(jp, "unexpected EOF, missing {end}");
    return TRUE;
}

/* Applies 'segs' to 'start'; the results are borrowed from the document. */
static gboolean eval_segs(const GPtrArray *segs, const Doc *start, GPtrArray *results, char **error);

static gboolean
filter_match(const Seg *seg, const Doc *item)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    g_autofree char *ignored = NULL;

    if (!eval_segs(seg->filter_path, item, found, &ignored))
        return FALSE;
    if (seg->filter_exists)
        return found->len > 0;
    if (found->len == 0)
        return FALSE;

    const Doc *v = found->pdata[0];
    g_autofree char *text = NULL;

    if (v->type == DOC_STR)
        text = g_strdup(v->str);
    else if (v->type == DOC_INT)
        text = g_strdup_printf("%" G_GINT64_FORMAT, v->num);
    else if (v->type == DOC_BOOL)
        text = g_strdup(v->num ? "true" : "false");
    else
        return FALSE;
    return (strcmp(text, seg->name) == 0) != seg->filter_not_equal;
}

static gboolean
eval_segs(const GPtrArray *segs, const Doc *start, GPtrArray *results, char **error)
{
    g_autoptr(GPtrArray) current = g_ptr_array_new();

    g_ptr_array_add(current, (gpointer) start);
    for (guint s = 0; s < segs->len; s++) {
        const Seg *seg = segs->pdata[s];
        g_autoptr(GPtrArray) next = g_ptr_array_new();

        for (guint i = 0; i < current->len; i++) {
            const Doc *v = current->pdata[i];

            switch (seg->type) {
            case SEG_FIELD: {
                const Doc *child = doc_get(v, seg->name);

                if (child != NULL)
                    g_ptr_array_add(next, (gpointer) child);
                break;
            }
            case SEG_WILDCARD:
                if (v->type == DOC_LIST || v->type == DOC_MAP)
                    for (guint j = 0; j < v->items->len; j++)
                        g_ptr_array_add(next, v->items->pdata[j]);
                break;
            case SEG_INDEX: {
                gint64 len, at;

                if (v->type != DOC_LIST)
                    break;
                len = v->items->len;
                at = seg->start < 0 ? seg->start + len : seg->start;
                if (at < 0 || at >= len) {
                    *error = g_strdup_printf("array index out of bounds: index %" G_GINT64_FORMAT
                                             ", length %" G_GINT64_FORMAT, seg->start, len);
                    return FALSE;
                }
                g_ptr_array_add(next, v->items->pdata[at]);
                break;
            }
            case SEG_SLICE: {
                gint64 len, from, to;

                if (v->type != DOC_LIST)
                    break;
                len = v->items->len;
                from = seg->has_start ? seg->start : 0;
                to = seg->has_end ? seg->end : len;
                if (from < 0)
                    from += len;
                if (to < 0)
                    to += len;
                from = CLAMP(from, 0, len);
                to = CLAMP(to, 0, len);
                for (gint64 j = from; j < to; j++)
                    g_ptr_array_add(next, v->items->pdata[j]);
                break;
            }
            case SEG_FILTER:
                if (v->type != DOC_LIST)
                    break;
                for (guint j = 0; j < v->items->len; j++)
                    if (filter_match(seg, v->items->pdata[j]))
                        g_ptr_array_add(next, v->items->pdata[j]);
                break;
            }
        }
        g_ptr_array_unref(current);
        current = g_steal_pointer(&next);
    }
    for (guint i = 0; i < current->len; i++)
        g_ptr_array_add(results, current->pdata[i]);
    return TRUE;
}

/* One result as jsonpath prints it: strings raw, the rest as JSON. */
static void
jp_text(GString *out, const Doc *v)
{
    if (v->type == DOC_STR)
        g_string_append(out, v->str);
    else
        json_value(out, v);
}

static gboolean
jp_execute(const GPtrArray *nodes, const Doc *root, const Doc *cursor, GString *out, char **error)
{
    for (guint n = 0; n < nodes->len; n++) {
        const JpNode *node = nodes->pdata[n];
        g_autoptr(GPtrArray) results = NULL;

        if (node->type == JP_TEXT) {
            g_string_append(out, node->text);
            continue;
        }
        results = g_ptr_array_new();
        if (!eval_segs(node->segs, node->from_root ? root : cursor, results, error))
            return FALSE;
        if (node->type == JP_PATH) {
            for (guint i = 0; i < results->len; i++) {
                if (i > 0)
                    g_string_append_c(out, ' ');
                jp_text(out, results->pdata[i]);
            }
            continue;
        }
        /* range over a single list result iterates its elements. */
        if (results->len == 1 && ((const Doc *) results->pdata[0])->type == DOC_LIST) {
            const Doc *list = results->pdata[0];

            g_ptr_array_set_size(results, 0);
            for (guint i = 0; i < list->items->len; i++)
                g_ptr_array_add(results, list->items->pdata[i]);
        }
        for (guint i = 0; i < results->len; i++)
            if (!jp_execute(node->body, root, results->pdata[i], out, error))
                return FALSE;
    }
    return TRUE;
}

/*****************************************************************************/
/* Table cells, printer by printer. */

static GPtrArray *
row_new(void)
{
    return g_ptr_array_new_with_free_func(g_free);
}

static void
cell(GPtrArray *row, const char *text)
{
    g_ptr_array_add(row, g_strdup(text));
}

static void
cell_take(GPtrArray *row, char *text)
{
    g_ptr_array_add(row, text);
}

static void
cell_uint(GPtrArray *row, guint n)
{
    g_ptr_array_add(row, g_strdup_printf("%u", n));
}

/* layoutContainerCells: names and images joined by ','. */
static void
cells_containers(GPtrArray *row, const KnPodSpec *spec)
{
    GString *names = g_string_new(NULL), *images = g_string_new(NULL);

    for (guint i = 0; i < spec->containers->len; i++) {
        const KnContainer *c = spec->containers->pdata[i];

        g_string_append_printf(names, "%s%s", i > 0 ? "," : "", c->name != NULL ? c->name : "");
        g_string_append_printf(images, "%s%s", i > 0 ? "," : "", c->image != NULL ? c->image : "");
    }
    cell_take(row, g_string_free(names, FALSE));
    cell_take(row, g_string_free(images, FALSE));
}

/* labels.Selector.String() of matchLabels: "k=v,k2=v2", "" when empty. */
static char *
selector_string(const KnLabels *selector)
{
    if (kn_labels_size(selector) == 0)
        return g_strdup("");
    return kn_labels_to_string(selector);
}

/* metav1.FormatLabelSelector: as selector_string() but "<none>" if empty. */
static char *
format_label_selector(const KnLabels *selector)
{
    return kn_labels_to_string(selector);
}

static const char *const pod_columns[] = { "NAME", "READY", "STATUS", "RESTARTS", "AGE", NULL };
static const char *const pod_wide[] = { "IP", "NODE", "NOMINATED NODE", "READINESS GATES", NULL };

static const char *
pod_status(const KnPod *pod)
{
    gboolean terminal = pod->phase == KN_POD_SUCCEEDED || pod->phase == KN_POD_FAILED;

    if (pod->meta.deleting && !terminal)
        return "Terminating";
    if (pod->phase == KN_POD_RUNNING && pod->runs != NULL) {
        /* printPod: the last container's waiting or terminated reason,
         * "Completed" back to Running (or NotReady) while another runs. */
        const char *reason = "Running";
        gboolean running = FALSE;

        for (guint i = pod->spec.containers->len; i > 0; i--) {
            const KnContainerRun *run = &pod->runs[i - 1];

            if (run->state == KN_CONTAINER_BACK_OFF)
                reason = "CrashLoopBackOff";
            else if (run->state == KN_CONTAINER_TERMINATED)
                reason = kn_kubectl_print_termination_reason(&run->ended);
            else
                running = TRUE;      /* ready: no probe of its own re-runs here */
        }
        if (strcmp(reason, "Completed") == 0 && running)
            reason = pod->ready ? "Running" : "NotReady";
        return reason;
    }
    switch (pod->phase) {
    case KN_POD_PENDING:
        /* A scheduled pod's containers wait with reason ContainerCreating. */
        return pod->spec.node_name != NULL ? "ContainerCreating" : "Pending";
    case KN_POD_RUNNING:
        return "Running";
    case KN_POD_SUCCEEDED:
        return "Completed";
    case KN_POD_FAILED:
        return "Error";
    }
    return "Unknown";
}

static void
row_pod(GPtrArray *row, const KnPod *pod, gboolean wide, KnTime now)
{
    guint total = pod->spec.containers->len;
    /* READY counts containerStatuses[].ready, which only the kubelet writes:
     * a pod the node lifecycle controller marked not ready keeps its count.
     * Once a container has exited, each running one without a probe of
     * its own to wait for counts. */
    guint ready = pod->runs != NULL ? 0 : pod->ready || pod->ready_stale ? total : 0;

    for (guint i = 0; pod->runs != NULL && i < total; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];

        ready += pod->runs[i].state == KN_CONTAINER_RUNNING
                 && (c->readiness.kind == KN_PROBE_NONE || pod->ready || pod->ready_stale);
    }
    cell(row, pod->meta.name);
    cell_take(row, g_strdup_printf("%u/%u", ready, total));
    cell(row, pod_status(pod));
    if (pod->restarts > 0) {
        /* "(X ago)": since the latest lastState.terminated.finishedAt. */
        KnTime last = 0;
        gboolean has_last = FALSE;

        for (guint i = 0; pod->runs != NULL && i < pod->spec.containers->len; i++) {
            const KnContainerTermination *t = kn_container_run_last_state(&pod->runs[i]);

            if (t != NULL) {
                last = MAX(last, t->finished_at);
                has_last = TRUE;
            }
        }
        if (has_last) {
            g_autofree char *ago = kn_kubectl_print_human_duration((gint64) now - (gint64) (last / KN_SEC * KN_SEC));

            cell_take(row, g_strdup_printf("%u (%s ago)", pod->restarts, ago));
        } else {
            cell_take(row, g_strdup_printf("%u", pod->restarts));
        }
    } else {
        cell(row, "0");
    }
    cell_take(row, age(&pod->meta, now));
    if (wide) {
        cell(row, pod->pod_ip != NULL ? pod->pod_ip : "<none>");
        cell(row, pod->spec.node_name != NULL ? pod->spec.node_name : "<none>");
        cell(row, "<none>");
        cell(row, "<none>");
    }
}

static const char *const service_columns[] = { "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", NULL };
static const char *const service_wide[] = { "SELECTOR", NULL };

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* loadBalancerStatusStringer: the ingress IPs as a sorted set, clipped to
 * 16 bytes unless wide. */
static char *
load_balancer_status(const KnService *svc, gboolean wide)
{
    g_autoptr(GPtrArray) ips = g_ptr_array_new();
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < svc->load_balancer_ingress->len; i++)
        g_ptr_array_add(ips, svc->load_balancer_ingress->pdata[i]);
    g_ptr_array_sort(ips, compare_strings);
    for (guint i = 0; i < ips->len; i++) {
        if (i > 0 && strcmp(ips->pdata[i], ips->pdata[i - 1]) == 0)
            continue;
        g_string_append_printf(out, "%s%s", out->len > 0 ? "," : "", (const char *) ips->pdata[i]);
    }
    if (!wide && out->len > 16) {
        g_string_truncate(out, 16 - 3);
        g_string_append(out, "...");
    }
    return g_string_free(out, FALSE);
}

static char *
join_strings(const GPtrArray *strings)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < strings->len; i++)
        g_string_append_printf(out, "%s%s", i > 0 ? "," : "", (const char *) strings->pdata[i]);
    return g_string_free(out, FALSE);
}

/* getServiceExternalIP */
static char *
service_external_ip(const KnService *svc, gboolean wide)
{
    const KnServiceSpec *spec = &svc->spec;

    switch (spec->type) {
    case KN_SERVICE_CLUSTER_IP:
    case KN_SERVICE_NODE_PORT:
        if (spec->external_ips->len > 0)
            return join_strings(spec->external_ips);
        return g_strdup("<none>");
    case KN_SERVICE_LOAD_BALANCER: {
        g_autofree char *lb = load_balancer_status(svc, wide);

        if (spec->external_ips->len > 0) {
            g_autofree char *ext = join_strings(spec->external_ips);

            return lb[0] != '\0' ? g_strdup_printf("%s,%s", lb, ext) : g_steal_pointer(&ext);
        }
        return lb[0] != '\0' ? g_steal_pointer(&lb) : g_strdup("<pending>");
    }
    case KN_SERVICE_EXTERNAL_NAME:
        return g_strdup(spec->external_name != NULL ? spec->external_name : "");
    }
    return g_strdup("<unknown>");
}

/* makePortString: "80/TCP", "80:30080/TCP", joined by ','. */
static char *
service_ports(const KnService *svc)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < svc->spec.ports->len; i++) {
        const KnServicePort *port = svc->spec.ports->pdata[i];

        if (i > 0)
            g_string_append_c(out, ',');
        if (port->node_port > 0)
            g_string_append_printf(out, "%u:%u/%s", port->port, port->node_port,
                                   kn_protocol_name(port->protocol));
        else
            g_string_append_printf(out, "%u/%s", port->port, kn_protocol_name(port->protocol));
    }
    if (out->len == 0)
        g_string_append(out, "<none>");
    return g_string_free(out, FALSE);
}

static void
row_service(GPtrArray *row, const KnService *svc, gboolean wide, KnTime now)
{
    const char *cluster_ip = "<none>";

    if (svc->spec.cluster_ips->len > 0)
        cluster_ip = svc->spec.cluster_ips->pdata[0];
    else if (svc->spec.cluster_ip != NULL && svc->spec.type != KN_SERVICE_EXTERNAL_NAME)
        cluster_ip = svc->spec.cluster_ip;
    cell(row, svc->meta.name);
    cell(row, kn_service_type_name(svc->spec.type));
    cell(row, cluster_ip);
    cell_take(row, service_external_ip(svc, wide));
    cell_take(row, service_ports(svc));
    cell_take(row, age(&svc->meta, now));
    if (wide)
        cell_take(row, kn_labels_to_string(svc->spec.selector));
}

static const char *const deployment_columns[] = { "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", NULL };
static const char *const workload_wide[] = { "CONTAINERS", "IMAGES", "SELECTOR", NULL };

static void
row_deployment(GPtrArray *row, const KnDeployment *d, gboolean wide, KnTime now)
{
    cell(row, d->meta.name);
    cell_take(row, g_strdup_printf("%u/%u", d->ready_replicas, d->replicas));
    cell_uint(row, d->updated_replicas);
    cell_uint(row, d->available_replicas);
    cell_take(row, age(&d->meta, now));
    if (wide) {
        cells_containers(row, &d->template.spec);
        cell_take(row, selector_string(d->selector));
    }
}

static const char *const replica_set_columns[] = { "NAME", "DESIRED", "CURRENT", "READY", "AGE", NULL };

static void
row_replica_set(GPtrArray *row, const KnReplicaSet *r, gboolean wide, KnTime now)
{
    cell(row, r->meta.name);
    cell_uint(row, r->replicas);
    cell_uint(row, r->status_replicas);
    cell_uint(row, r->ready_replicas);
    cell_take(row, age(&r->meta, now));
    if (wide) {
        cells_containers(row, &r->template.spec);
        cell_take(row, format_label_selector(r->selector));
    }
}

static const char *const stateful_set_columns[] = { "NAME", "READY", "AGE", NULL };
static const char *const stateful_set_wide[] = { "CONTAINERS", "IMAGES", NULL };

static void
row_stateful_set(GPtrArray *row, const KnStatefulSet *s, gboolean wide, KnTime now)
{
    cell(row, s->meta.name);
    cell_take(row, g_strdup_printf("%u/%u", s->ready_replicas, s->replicas));
    cell_take(row, age(&s->meta, now));
    if (wide)
        cells_containers(row, &s->template.spec);
}

static const char *const daemon_set_columns[] = {
    "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE", NULL,
};

static void
row_daemon_set(GPtrArray *row, const KnDaemonSet *d, gboolean wide, KnTime now)
{
    cell(row, d->meta.name);
    cell_uint(row, d->desired);
    cell_uint(row, d->current);
    cell_uint(row, d->ready);
    cell_uint(row, d->current);  /* updatedNumberScheduled: no rollouts modelled */
    cell_uint(row, d->ready);    /* numberAvailable: minReadySeconds 0 */
    cell_take(row, kn_labels_to_string(d->template.spec.node_selector));
    cell_take(row, age(&d->meta, now));
    if (wide) {
        cells_containers(row, &d->template.spec);
        cell_take(row, format_label_selector(d->selector));
    }
}

static const char *const node_columns[] = { "NAME", "STATUS", "ROLES", "AGE", "VERSION", NULL };
static const char *const node_wide[] = {
    "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME", NULL,
};

char *
kn_kubectl_print_node_roles(const KnNode *node)
{
    g_autoptr(GPtrArray) roles = g_ptr_array_new();
    GString *out = g_string_new(NULL);
    const KnLabels *labels = node->meta.labels;

    for (guint i = 0; i < kn_labels_size(labels); i++) {
        const char *key = kn_labels_key(labels, i), *value = kn_labels_value(labels, i);

        if (g_str_has_prefix(key, "node-role.kubernetes.io/")) {
            if (key[strlen("node-role.kubernetes.io/")] != '\0')
                g_ptr_array_add(roles, (gpointer) (key + strlen("node-role.kubernetes.io/")));
        } else if (strcmp(key, "kubernetes.io/role") == 0 && value[0] != '\0') {
            g_ptr_array_add(roles, (gpointer) value);
        }
    }
    g_ptr_array_sort(roles, compare_strings);
    for (guint i = 0; i < roles->len; i++) {
        if (i > 0 && strcmp(roles->pdata[i], roles->pdata[i - 1]) == 0)
            continue;
        g_string_append_printf(out, "%s%s", out->len > 0 ? "," : "", (const char *) roles->pdata[i]);
    }
    if (out->len == 0)
        g_string_append(out, "<none>");
    return g_string_free(out, FALSE);
}

static void
row_node(GPtrArray *row, const KnNode *node, gboolean wide, KnTime now)
{
    cell(row, node->meta.name);
    cell(row, node->ready ? (node->unschedulable ? "Ready,SchedulingDisabled" : "Ready")
                          : (node->unschedulable ? "NotReady,SchedulingDisabled" : "NotReady"));
    cell_take(row, kn_kubectl_print_node_roles(node));
    cell_take(row, age(&node->meta, now));
    cell(row, KN_KUBERNETES_VERSION);
    if (wide) {
        cell(row, node->internal_ip != NULL ? node->internal_ip : "<none>");
        cell(row, "<none>");
        cell(row, NODE_OS_IMAGE);
        cell(row, NODE_KERNEL_VERSION);
        cell(row, NODE_CONTAINER_RUNTIME);
    }
}

static const char *const namespace_columns[] = { "NAME", "STATUS", "AGE", NULL };

static void
row_namespace(GPtrArray *row, const KnNamespace *ns, KnTime now)
{
    cell(row, ns->meta.name);
    cell(row, ns->terminating || ns->meta.deleting ? "Terminating" : "Active");
    cell_take(row, age(&ns->meta, now));
}

static const char *const endpoint_slice_columns[] = { "NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE", NULL };

/* listWithMoreString */
static char *
list_with_more(GString *list, gboolean more, guint count, guint max)
{
    if (more) {
        g_string_append_printf(list, " + %u more...", count - max);
        return g_string_free(list, FALSE);
    }
    if (list->len == 0)
        g_string_append(list, "<unset>");
    return g_string_free(list, FALSE);
}

static void
append_item(GString *list, guint *n, const char *item)
{
    g_string_append_printf(list, "%s%s", *n > 0 ? "," : "", item);
    (*n)++;
}

/* formatDiscoveryPorts: the port, else its name, else "*". */
static char *
discovery_ports(const KnEndpointSlice *slice)
{
    GString *list = g_string_new(NULL);
    guint n = 0, count = 0;
    gboolean more = FALSE;

    for (guint i = 0; i < slice->ports->len; i++) {
        const KnEndpointPort *port = slice->ports->pdata[i];

        if (n < 3) {
            g_autofree char *num = port->port > 0 ? g_strdup_printf("%u", port->port)
                                 : g_strdup(port->name != NULL ? port->name : "*");

            append_item(list, &n, num);
        } else if (n == 3) {
            more = TRUE;
        }
        count++;
    }
    return list_with_more(list, more, count, 3);
}

/* formatDiscoveryEndpoints: every address of every endpoint, ready or not. */
static char *
discovery_endpoints(const KnEndpointSlice *slice)
{
    GString *list = g_string_new(NULL);
    guint n = 0, count = 0;
    gboolean more = FALSE;

    for (guint i = 0; i < slice->endpoints->len; i++) {
        const KnEndpoint *ep = slice->endpoints->pdata[i];

        for (guint j = 0; j < ep->addresses->len; j++) {
            if (n < 3)
                append_item(list, &n, ep->addresses->pdata[j]);
            else if (n == 3)
                more = TRUE;
            count++;
        }
    }
    return list_with_more(list, more, count, 3);
}

static void
row_endpoint_slice(GPtrArray *row, const KnEndpointSlice *slice, KnTime now)
{
    cell(row, slice->meta.name);
    cell(row, kn_address_type_name(slice->address_type));
    cell_take(row, discovery_ports(slice));
    cell_take(row, discovery_endpoints(slice));
    cell_take(row, age(&slice->meta, now));
}

static const char *const endpoints_columns[] = { "NAME", "ENDPOINTS", "AGE", NULL };

/* net.JoinHostPort */
static char *
join_host_port(const char *ip, guint port)
{
    if (strchr(ip, ':') != NULL)
        return g_strdup_printf("[%s]:%u", ip, port);
    return g_strdup_printf("%s:%u", ip, port);
}

/* formatEndpoints: ready addresses only, "ip:port" per port, at most 3. */
static char *
format_endpoints(const KnEndpoints *endpoints)
{
    if (endpoints->subsets->len == 0)
        return g_strdup("<none>");

    GString *list = g_string_new(NULL);
    guint n = 0, count = 0;
    gboolean more = FALSE;

    for (guint s = 0; s < endpoints->subsets->len; s++) {
        const KnEndpointSubset *ss = endpoints->subsets->pdata[s];

        if (ss->ports->len == 0) {
            count += ss->addresses->len;
            for (guint i = 0; i < ss->addresses->len; i++) {
                if (n == 3) {
                    more = TRUE;
                    break;
                }
                append_item(list, &n, ((const KnEndpointAddress *) ss->addresses->pdata[i])->ip);
            }
            continue;
        }
        for (guint p = 0; p < ss->ports->len; p++) {
            const KnEndpointPort *port = ss->ports->pdata[p];

            count += ss->addresses->len;
            for (guint i = 0; i < ss->addresses->len; i++) {
                if (n == 3) {
                    more = TRUE;
                    break;
                }

                g_autofree char *hp = join_host_port(((const KnEndpointAddress *) ss->addresses->pdata[i])->ip,
                                                     port->port);

                append_item(list, &n, hp);
            }
        }
    }
    if (more)
        g_string_append_printf(list, " + %u more...", count - 3);
    return g_string_free(list, FALSE);
}

static void
row_endpoints(GPtrArray *row, const KnEndpoints *endpoints, KnTime now)
{
    cell(row, endpoints->meta.name);
    cell_take(row, format_endpoints(endpoints));
    cell_take(row, age(&endpoints->meta, now));
}

static const char *const config_map_columns[] = { "NAME", "DATA", "AGE", NULL };

static void
row_config_map(GPtrArray *row, const KnConfigMap *cm, KnTime now)
{
    cell(row, cm->meta.name);
    cell_uint(row, kn_labels_size(cm->data));
    cell_take(row, age(&cm->meta, now));
}

/* printEvent: LAST SEEN is the last time, or the first (an eventTime)
 * when there is none; OBJECT the kind in lower case and the name. */
static const char *const event_columns[] = { "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE", NULL };
static const char *const event_wide_columns[] = {
    "LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME", NULL,
};

static void
row_event(GPtrArray *row, const KnEvent *e, gboolean wide, KnTime now)
{
    KnTime first = kn_recorder_first_seen(e), last = kn_recorder_last_seen(e);
    g_autofree char *kind = g_ascii_strdown(kn_kind_name(e->involved_kind), -1);
    g_autofree char *message = g_strstrip(g_strdup(e->message));

    cell_take(row, kn_kubectl_print_human_duration((gint64) now - (gint64) last));
    cell(row, e->warning ? "Warning" : "Normal");
    cell(row, e->reason);
    cell_take(row, g_strdup_printf("%s/%s", kind, e->involved_name));
    if (wide) {
        cell(row, e->field_path != NULL ? e->field_path : "");
        cell_take(row, e->host != NULL && e->host[0] != '\0' ? g_strdup_printf("%s, %s", e->component, e->host)
                                                              : g_strdup(e->component));
    }
    cell(row, message);
    if (wide) {
        cell_take(row, kn_kubectl_print_human_duration((gint64) now - (gint64) first));
        cell_uint(row, e->count);
        cell(row, e->meta.name);
    }
}

/*****************************************************************************/
/* The table printer and tabwriter (minwidth 6, padding 3, ' '). */

static void
add_columns(GPtrArray *header, const char *const *names)
{
    for (; names != NULL && *names != NULL; names++)
        cell(header, *names);
}

static void
row_for(KnKind kind, GPtrArray *row, gconstpointer object, gboolean wide, KnTime now)
{
    switch (kind) {
    case KN_KIND_POD:
        row_pod(row, object, wide, now);
        break;
    case KN_KIND_SERVICE:
        row_service(row, object, wide, now);
        break;
    case KN_KIND_DEPLOYMENT:
        row_deployment(row, object, wide, now);
        break;
    case KN_KIND_REPLICA_SET:
        row_replica_set(row, object, wide, now);
        break;
    case KN_KIND_STATEFUL_SET:
        row_stateful_set(row, object, wide, now);
        break;
    case KN_KIND_DAEMON_SET:
        row_daemon_set(row, object, wide, now);
        break;
    case KN_KIND_NODE:
        row_node(row, object, wide, now);
        break;
    case KN_KIND_NAMESPACE:
        row_namespace(row, object, now);
        break;
    case KN_KIND_ENDPOINT_SLICE:
        row_endpoint_slice(row, object, now);
        break;
    case KN_KIND_ENDPOINTS:
        row_endpoints(row, object, now);
        break;
    case KN_KIND_CONFIG_MAP:
        row_config_map(row, object, now);
        break;
    case KN_KIND_EVENT:
        row_event(row, object, wide, now);
        break;
    case KN_N_KINDS:
        g_return_if_reached();
    }
}

static void
header_for(KnKind kind, GPtrArray *header, gboolean wide)
{
    static const struct {
        const char *const *columns;
        const char *const *wide;
    } tables[KN_N_KINDS] = {
        [KN_KIND_NAMESPACE] = { namespace_columns, NULL },
        [KN_KIND_NODE] = { node_columns, node_wide },
        [KN_KIND_POD] = { pod_columns, pod_wide },
        [KN_KIND_DEPLOYMENT] = { deployment_columns, workload_wide },
        [KN_KIND_REPLICA_SET] = { replica_set_columns, workload_wide },
        [KN_KIND_STATEFUL_SET] = { stateful_set_columns, stateful_set_wide },
        [KN_KIND_DAEMON_SET] = { daemon_set_columns, workload_wide },
        [KN_KIND_SERVICE] = { service_columns, service_wide },
        [KN_KIND_ENDPOINT_SLICE] = { endpoint_slice_columns, NULL },
        [KN_KIND_ENDPOINTS] = { endpoints_columns, NULL },
        [KN_KIND_CONFIG_MAP] = { config_map_columns, NULL },
        [KN_KIND_EVENT] = { event_columns, NULL },
    };

    if (kind == KN_KIND_EVENT && wide) {   /* its wide columns go between the others */
        add_columns(header, event_wide_columns);
        return;
    }
    add_columns(header, tables[kind].columns);
    if (wide)
        add_columns(header, tables[kind].wide);
}

/* text/tabwriter with kubectl's settings: a column is as wide as its
 * widest cell plus 3, at least 6; the last cell of a line is not a column
 * and gets no padding. */
static void
tabwrite(GString *out, const GPtrArray *lines)
{
    guint n_columns = 0;

    for (guint i = 0; i < lines->len; i++)
        n_columns = MAX(n_columns, ((const GPtrArray *) lines->pdata[i])->len);

    g_autofree gsize *widths = g_new0(gsize, n_columns + 1);

    for (guint i = 0; i < lines->len; i++) {
        const GPtrArray *line = lines->pdata[i];

        for (guint c = 0; c + 1 < line->len; c++)
            widths[c] = MAX(widths[c], MAX((gsize) 6, (gsize) g_utf8_strlen(line->pdata[c], -1) + 3));
    }
    for (guint i = 0; i < lines->len; i++) {
        const GPtrArray *line = lines->pdata[i];

        for (guint c = 0; c < line->len; c++) {
            g_string_append(out, line->pdata[c]);
            if (c + 1 < line->len)
                pad(out, (int) (widths[c] - (gsize) g_utf8_strlen(line->pdata[c], -1)));
        }
        g_string_append_c(out, '\n');
    }
}

static gboolean
kind_is_namespaced(KnKind kind)
{
    return kind != KN_KIND_NODE && kind != KN_KIND_NAMESPACE;
}

/* The resource[.group] of -o name. */
static const char *
name_prefix(KnKind kind)
{
    static const char *const prefixes[KN_N_KINDS] = {
        [KN_KIND_NAMESPACE] = "namespace",
        [KN_KIND_NODE] = "node",
        [KN_KIND_POD] = "pod",
        [KN_KIND_DEPLOYMENT] = "deployment.apps",
        [KN_KIND_REPLICA_SET] = "replicaset.apps",
        [KN_KIND_STATEFUL_SET] = "statefulset.apps",
        [KN_KIND_DAEMON_SET] = "daemonset.apps",
        [KN_KIND_SERVICE] = "service",
        [KN_KIND_ENDPOINT_SLICE] = "endpointslice.discovery.k8s.io",
        [KN_KIND_ENDPOINTS] = "endpoints",
        [KN_KIND_CONFIG_MAP] = "configmap",
        [KN_KIND_EVENT] = "event",
    };

    return prefixes[kind];
}

static void
print_table(KnKind kind, const GPtrArray *objects, const KnKubectlPrintOptions *options,
            KnTime now, GString *out)
{
    gboolean wide = options->output == KN_KUBECTL_OUTPUT_WIDE;
    gboolean with_namespace = options->all_namespaces && kind_is_namespaced(kind);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func((GDestroyNotify) g_ptr_array_unref);

    /* --no-headers: the header never reaches the tabwriter, so it does not
     * widen the columns either. */
    if (!options->no_headers) {
        GPtrArray *header = row_new();

        g_ptr_array_add(lines, header);
        if (with_namespace)
            cell(header, "NAMESPACE");
        header_for(kind, header, wide);
        if (options->show_labels)
            cell(header, "LABELS");
    }
    for (guint i = 0; i < objects->len; i++) {
        const KnObjectMeta *meta = kn_object_meta(objects->pdata[i]);
        GPtrArray *row = row_new();

        g_ptr_array_add(lines, row);
        if (with_namespace)
            cell(row, meta->namespace != NULL ? meta->namespace : "");
        row_for(kind, row, objects->pdata[i], wide, now);
        if (options->show_kind) {
            guint at = with_namespace ? 1 : 0;
            char *named = g_strdup_printf("%s/%s", name_prefix(kind), (const char *) row->pdata[at]);

            g_free(row->pdata[at]);
            row->pdata[at] = named;
        }
        if (options->show_labels)
            cell_take(row, kn_labels_to_string(meta->labels));
    }
    tabwrite(out, lines);
}

/*****************************************************************************/
/* -o custom-columns, as kubectl's CustomColumnsPrinter (customcolumn.go). */

typedef struct {
    char *header;
    GPtrArray *nodes;            /* JpNode *: the column's jsonpath template */
} Column;

static void
column_free(Column *column)
{
    g_free(column->header);
    if (column->nodes != NULL)
        g_ptr_array_unref(column->nodes);
    g_free(column);
}

/* RelaxedJSONPathExpression: "a.b", ".a.b", "{a.b}" and "{.a.b}" all
 * become "{.a.b}" (the regexp ^\{\.?([^{}]+)\}$|^\.?([^{}]+)$), and ""
 * stays "".  NULL if 'path' is none of those. */
static char *
relaxed_jsonpath(const char *path)
{
    size_t length = strlen(path);
    const char *body = path;

    if (length == 0)
        return g_strdup("");
    if (length >= 2 && path[0] == '{' && path[length - 1] == '}') {
        body = path + 1;
        length -= 2;
    }
    if (length > 1 && body[0] == '.') {     /* \.? gives way when nothing would be left */
        body++;
        length--;
    }
    if (length == 0 || memchr(body, '{', length) != NULL || memchr(body, '}', length) != NULL)
        return NULL;
    return g_strdup_printf("{.%.*s}", (int) length, body);
}

/* NewCustomColumnsPrinterFromSpec, then each column's jsonpath Parse:
 * "HEADER:PATH" pairs split at commas.  NULL with '*error' set (new) if
 * the spec does not parse. */
static GPtrArray *
parse_columns(const char *spec, char **error)
{
    g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func((GDestroyNotify) column_free);
    g_auto(GStrv) parts = NULL;

    if (*spec == '\0') {
        *error = g_strdup("custom-columns format specified but no custom columns given");
        return NULL;
    }
    parts = g_strsplit(spec, ",", -1);
    for (guint i = 0; parts[i] != NULL; i++) {
        const char *colon = strchr(parts[i], ':');
        g_autofree char *template = NULL;

        if (colon == NULL) {
            *error = g_strdup_printf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>",
                                     parts[i]);
            return NULL;
        }
        template = relaxed_jsonpath(colon + 1);
        if (template == NULL) {
            *error = g_strdup("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                              "'{name1.name2}' or '{.name1.name2}'");
            return NULL;
        }

        Column *column = g_new0(Column, 1);
        JpParser jp = { template, template, NULL };

        g_ptr_array_add(columns, column);
        column->header = g_strndup(parts[i], (gsize) (colon - parts[i]));
        column->nodes = nodes_new();
        if (!parse_nodes(&jp, column->nodes, FALSE)) {
            *error = jp.error;      /* the printer returns the parser's error as it is */
            return NULL;
        }
    }
    return g_steal_pointer(&columns);
}

/* fmt.Sprint of a value of an unstructured object: strings raw, numbers
 * and booleans plain, null "<nil>", lists "[a b]", maps "map[k:v]" with
 * their keys sorted. */
static void
go_sprint(GString *out, const Doc *v)
{
    switch (v->type) {
    case DOC_NULL:
        g_string_append(out, "<nil>");
        break;
    case DOC_STR:
        g_string_append(out, v->str);
        break;
    case DOC_INT:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, v->num);
        break;
    case DOC_BOOL:
        g_string_append(out, v->num ? "true" : "false");
        break;
    case DOC_LIST:
        g_string_append_c(out, '[');
        for (guint i = 0; i < v->items->len; i++) {
            if (i > 0)
                g_string_append_c(out, ' ');
            go_sprint(out, v->items->pdata[i]);
        }
        g_string_append_c(out, ']');
        break;
    case DOC_MAP: {
        g_autofree guint *order = g_new(guint, v->keys->len + 1);

        for (guint i = 0; i < v->keys->len; i++)
            order[i] = i;
        g_qsort_with_data(order, (gint) v->keys->len, sizeof *order, compare_key_index, (gpointer) v);
        g_string_append(out, "map[");
        for (guint i = 0; i < v->keys->len; i++) {
            if (i > 0)
                g_string_append_c(out, ' ');
            g_string_append_printf(out, "%s:", (const char *) v->keys->pdata[order[i]]);
            go_sprint(out, v->items->pdata[order[i]]);
        }
        g_string_append_c(out, ']');
        break;
    }
    }
}

/* One cell: every result of the column's template joined by ",", or
 * "<none>" when there is none.  FALSE with '*error' set if the template
 * fails on 'object' (an index out of range). */
static gboolean
column_cell(const Column *column, const Doc *object, GPtrArray *row, char **error)
{
    g_autoptr(GString) text = g_string_new(NULL);
    gboolean any = FALSE;

    for (guint n = 0; n < column->nodes->len; n++) {
        const JpNode *node = column->nodes->pdata[n];
        g_autoptr(GPtrArray) results = g_ptr_array_new();

        if (node->type != JP_PATH)
            continue;            /* the relaxed form holds one path action */
        if (!eval_segs(node->segs, object, results, error))
            return FALSE;
        for (guint i = 0; i < results->len; i++) {
            if (any)
                g_string_append_c(text, ',');
            go_sprint(text, results->pdata[i]);
            any = TRUE;
        }
    }
    cell(row, any ? text->str : "<none>");
    return TRUE;
}

/* The header (unless --no-headers), then a row per object, aligned as a
 * table.  An error stops the rows; those before it are still printed. */
static gboolean
print_custom_columns(KnKind kind, const GPtrArray *objects, const KnKubectlPrintOptions *options,
                     KnStore *store, GString *out, GString *err)
{
    g_autofree char *error = NULL;
    g_autoptr(GPtrArray) columns = parse_columns(options->template != NULL ? options->template : "", &error);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func((GDestroyNotify) g_ptr_array_unref);

    if (columns == NULL) {
        g_string_append_printf(err, "error: %s\n", error);
        return FALSE;
    }
    if (!options->no_headers) {
        GPtrArray *header = row_new();

        g_ptr_array_add(lines, header);
        for (guint c = 0; c < columns->len; c++)
            cell(header, ((const Column *) columns->pdata[c])->header);
    }
    for (guint i = 0; i < objects->len && error == NULL; i++) {
        g_autoptr(Doc) doc = doc_any(kind, objects->pdata[i], store);
        GPtrArray *row = row_new();

        for (guint c = 0; c < columns->len && error == NULL; c++)
            column_cell(columns->pdata[c], doc, row, &error);
        if (error == NULL)
            g_ptr_array_add(lines, row);
        else
            g_ptr_array_unref(row);
    }
    tabwrite(out, lines);
    if (error != NULL) {
        g_string_append_printf(err, "error: %s\n", error);
        return FALSE;
    }
    return TRUE;
}

/*****************************************************************************/
/* kubectl wait's conditions (wait.go), on the same JSON. */

gboolean
kn_kubectl_print_condition_is(KnKind kind, gconstpointer object, KnStore *store,
                              const char *type, const char *status)
{
    g_return_val_if_fail(kind < KN_N_KINDS && object != NULL && type != NULL && status != NULL, FALSE);

    g_autoptr(Doc) doc = doc_any(kind, object, store);
    const Doc *st = doc_get(doc, "status");
    const Doc *conditions = st != NULL ? doc_get(st, "conditions") : NULL;

    for (guint i = 0; conditions != NULL && conditions->type == DOC_LIST && i < conditions->items->len; i++) {
        const Doc *c = conditions->items->pdata[i];
        const Doc *t = doc_get(c, "type"), *s = doc_get(c, "status");

        if (t == NULL || t->type != DOC_STR || g_ascii_strcasecmp(t->str, type) != 0
            || s == NULL || s->type != DOC_STR)
            continue;
        return g_ascii_strcasecmp(s->str, status) == 0;   /* the first of its type decides */
    }
    return FALSE;
}

int
kn_kubectl_print_jsonpath_is(KnKind kind, gconstpointer object, KnStore *store,
                             const char *path, const char *value, char **error)
{
    g_return_val_if_fail(kind < KN_N_KINDS && path != NULL && error != NULL, -1);

    g_autofree char *template = relaxed_jsonpath(path);
    g_autoptr(GPtrArray) nodes = nodes_new();
    g_autoptr(GPtrArray) results = g_ptr_array_new();
    g_autoptr(Doc) doc = NULL;
    const JpNode *node;

    if (template == NULL) {
        *error = g_strdup("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                          "'{name1.name2}' or '{.name1.name2}'");
        return -1;
    }
    if (*template == '\0') {
        *error = g_strdup("jsonpath expression cannot be empty");
        return -1;
    }

    JpParser jp = { template, template, NULL };

    if (!parse_nodes(&jp, nodes, FALSE)) {
        *error = jp.error;
        return -1;
    }
    if (object == NULL)
        return 0;
    doc = doc_any(kind, object, store);
    node = nodes->len == 1 ? nodes->pdata[0] : NULL;
    if (node == NULL || node->type != JP_PATH)
        return 0;                /* the relaxed form holds one path action */
    if (!eval_segs(node->segs, doc, results, error))
        return -1;
    if (results->len == 0)
        return 0;
    if (results->len > 1) {
        *error = g_strdup("given jsonpath expression matches more than one value");
        return -1;
    }
    if (value == NULL)
        return 1;

    const Doc *v = results->pdata[0];
    g_autoptr(GString) text = g_string_new(NULL);

    if (v->type == DOC_MAP || v->type == DOC_LIST) {
        *error = g_strdup("jsonpath leads to a nested object or list which is not supported");
        return -1;
    }
    go_sprint(text, v);
    g_strstrip(text->str);

    g_autofree char *want = g_strstrip(g_strdup(value));

    return strcmp(text->str, want) == 0;
}

/*****************************************************************************/
/* --sort-by: kubectl's sorter (get/sorter.go) on the same JSON. */

/* sortorder.NaturalLess (github.com/fvbommel/sortorder): runs of digits
 * compare as numbers (fewer leading zeros first on a tie), other bytes
 * bytewise, a digit before any other byte. */
static gboolean
natural_less(const char *a, const char *b)
{
    gsize la = strlen(a), lb = strlen(b), i = 0, j = 0;

    while (i < la && j < lb) {
        gboolean da = g_ascii_isdigit(a[i]), db = g_ascii_isdigit(b[j]);

        if (da != db)
            return da;
        if (!da) {
            if (a[i] != b[j])
                return (guchar) a[i] < (guchar) b[j];
            i++;
            j++;
            continue;
        }
        while (i < la && a[i] == '0')
            i++;
        while (j < lb && b[j] == '0')
            j++;

        gsize nz_a = i, nz_b = j;

        while (i < la && g_ascii_isdigit(a[i]))
            i++;
        while (j < lb && g_ascii_isdigit(b[j]))
            j++;
        if (i - nz_a != j - nz_b)
            return i - nz_a < j - nz_b;

        int c = strncmp(a + nz_a, b + nz_b, i - nz_a);

        if (c != 0)
            return c < 0;
        if (nz_a != nz_b)
            return nz_a < nz_b;
    }
    return la < lb;
}

/* resource.ParseQuantity's acceptance, then the value. */
static gboolean
sort_quantity(const char *s, double *value)
{
    /* strtod also reads "-inf" and hexadecimal, which are no quantities. */
    if (strpbrk(s, "xX") != NULL || (strpbrk(s, "nN") != NULL && strpbrk(s, "iI") != NULL))
        return FALSE;
    return kn_quantity_value(s, value);
}

typedef struct {
    const char *field;           /* the template, for messages */
    gboolean table;              /* TableSorter, else RuntimeSort */
    GPtrArray *objects;          /* borrowed; swapped with 'values' */
    GPtrArray *values;           /* const Doc *: the first result, or NULL */
    GPtrArray *plain;            /* GINT_TO_POINTER: a template text, not a JSON value */
    char *fatal;                 /* klog.Exitf's message once Less failed; new */
} Sorter;

static void
sorter_swap(Sorter *s, gint64 i, gint64 j)
{
    gpointer t;

    t = s->objects->pdata[i], s->objects->pdata[i] = s->objects->pdata[j], s->objects->pdata[j] = t;
    t = s->values->pdata[i], s->values->pdata[i] = s->values->pdata[j], s->values->pdata[j] = t;
    t = s->plain->pdata[i], s->plain->pdata[i] = s->plain->pdata[j], s->plain->pdata[j] = t;
}

static const char *
unsortable_type(const Doc *v)
{
    switch (v->type) {
    case DOC_BOOL:
        return "unsortable type: bool";
    case DOC_MAP:
        return "unsortable type: map[string]interface {}";
    case DOC_LIST:
        return "unsortable type: []interface {}";
    default:
        return "unsortable interface: interface";
    }
}

/* Less of TableSorter and RuntimeSort: a row without the field is less
 * than any (even than another without it); then isLess on the values as
 * an unstructured object holds them (interface{}: nil first, int64 or
 * string alike only, strings as quantities when both parse, else
 * naturally).  Other pairs are fatal: klog.Exitf ends kubectl, here
 * remembered in 's->fatal' and every later answer FALSE. */
static gboolean
sorter_less(Sorter *s, gint64 i, gint64 j)
{
    const Doc *a = s->values->pdata[i], *b = s->values->pdata[j];

    if (s->fatal != NULL)
        return FALSE;
    if (a == NULL)
        return TRUE;
    if (b == NULL)
        return FALSE;
    if (s->plain->pdata[i] != NULL)          /* a reflect.String, not an interface */
        return natural_less(a->str, b->str);
    if (a->type == DOC_NULL)
        return b->type != DOC_NULL;
    if (b->type == DOC_NULL)
        return FALSE;
    if (a->type == DOC_INT && b->type == DOC_INT)
        return a->num < b->num;
    if (a->type == DOC_STR && b->type == DOC_STR) {
        double qa, qb;

        if (sort_quantity(a->str, &qa) && sort_quantity(b->str, &qb))
            return qa < qb;
        return natural_less(a->str, b->str);
    }
    s->fatal = g_strdup_printf("Field %s in %s is an unsortable type: interface, err: %s", s->field,
                               s->table ? "[][][]reflect.Value" : "*unstructured.Unstructured",
                               a->type == DOC_INT || a->type == DOC_STR ? "unsortable interface: interface"
                                                                        : unsortable_type(a));
    return FALSE;
}

/* Go's sort.Sort (pdqsort, go1.24's sort/zsortinterface.go): not stable,
 * and the order it leaves equal keys in is part of what kubectl prints. */

static void
insertion_sort(Sorter *s, gint64 a, gint64 b)
{
    for (gint64 i = a + 1; i < b; i++)
        for (gint64 j = i; j > a && sorter_less(s, j, j - 1); j--)
            sorter_swap(s, j, j - 1);
}

static void
sift_down(Sorter *s, gint64 lo, gint64 hi, gint64 first)
{
    gint64 root = lo;

    for (;;) {
        gint64 child = 2 * root + 1;

        if (child >= hi)
            return;
        if (child + 1 < hi && sorter_less(s, first + child, first + child + 1))
            child++;
        if (!sorter_less(s, first + root, first + child))
            return;
        sorter_swap(s, first + root, first + child);
        root = child;
    }
}

static void
heap_sort(Sorter *s, gint64 a, gint64 b)
{
    gint64 hi = b - a;

    for (gint64 i = (hi - 1) / 2; i >= 0; i--)
        sift_down(s, i, hi, a);
    for (gint64 i = hi - 1; i >= 0; i--) {
        sorter_swap(s, a, a + i);
        sift_down(s, 0, i, a);
    }
}

static guint
bits_len(guint64 x)
{
    guint n = 0;

    for (; x != 0; x >>= 1)
        n++;
    return n;
}

static void
break_patterns(Sorter *s, gint64 a, gint64 b)
{
    gint64 length = b - a;

    if (length >= 8) {
        guint64 random = (guint64) length;
        guint64 modulus = (guint64) 1 << bits_len((guint64) length);

        for (gint64 idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
            gint64 other;

            random ^= random << 13;  /* xorshift; go1.24 took 13, 7, 17 */
            random ^= random >> 7;
            random ^= random << 17;
            other = (gint64) (random & (modulus - 1));
            if (other >= length)
                other -= length;
            sorter_swap(s, idx, a + other);
        }
    }
}

static void
order2(Sorter *s, gint64 *a, gint64 *b, int *swaps)
{
    if (sorter_less(s, *b, *a)) {
        gint64 t = *a;

        (*swaps)++;
        *a = *b;
        *b = t;
    }
}

static gint64
median(Sorter *s, gint64 a, gint64 b, gint64 c, int *swaps)
{
    order2(s, &a, &b, swaps);
    order2(s, &b, &c, swaps);
    order2(s, &a, &b, swaps);
    return b;
}

enum { HINT_UNKNOWN, HINT_INCREASING, HINT_DECREASING };

static gint64
choose_pivot(Sorter *s, gint64 a, gint64 b, int *hint)
{
    gint64 l = b - a, i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
    int swaps = 0;

    if (l >= 8) {
        if (l >= 50) {           /* Tukey's ninther */
            i = median(s, i - 1, i, i + 1, &swaps);
            j = median(s, j - 1, j, j + 1, &swaps);
            k = median(s, k - 1, k, k + 1, &swaps);
        }
        j = median(s, i, j, k, &swaps);
    }
    *hint = swaps == 0 ? HINT_INCREASING : swaps == 12 ? HINT_DECREASING : HINT_UNKNOWN;
    return j;
}

static void
reverse_range(Sorter *s, gint64 a, gint64 b)
{
    for (gint64 i = a, j = b - 1; i < j; i++, j--)
        sorter_swap(s, i, j);
}

static gboolean
partial_insertion_sort(Sorter *s, gint64 a, gint64 b)
{
    gint64 i = a + 1;

    for (int step = 0; step < 5; step++) {
        while (i < b && !sorter_less(s, i, i - 1))
            i++;
        if (i == b)
            return TRUE;
        if (b - a < 50)
            return FALSE;
        sorter_swap(s, i, i - 1);
        if (i - a >= 2)
            for (gint64 j = i - 1; j >= 1 && sorter_less(s, j, j - 1); j--)
                sorter_swap(s, j, j - 1);
        if (b - i >= 2)
            for (gint64 j = i + 1; j < b && sorter_less(s, j, j - 1); j++)
                sorter_swap(s, j, j - 1);
    }
    return FALSE;
}

static gint64
partition_equal(Sorter *s, gint64 a, gint64 b, gint64 pivot)
{
    gint64 i = a + 1, j = b - 1;

    sorter_swap(s, a, pivot);
    for (;;) {
        while (i <= j && !sorter_less(s, a, i))
            i++;
        while (i <= j && sorter_less(s, a, j))
            j--;
        if (i > j)
            return i;
        sorter_swap(s, i, j);
        i++;
        j--;
    }
}

static gint64
partition(Sorter *s, gint64 a, gint64 b, gint64 pivot, gboolean *already)
{
    gint64 i = a + 1, j = b - 1;

    sorter_swap(s, a, pivot);
    while (i <= j && sorter_less(s, i, a))
        i++;
    while (i <= j && !sorter_less(s, j, a))
        j--;
    if (i > j) {
        sorter_swap(s, j, a);
        *already = TRUE;
        return j;
    }
    sorter_swap(s, i, j);
    i++;
    j--;
    for (;;) {
        while (i <= j && sorter_less(s, i, a))
            i++;
        while (i <= j && !sorter_less(s, j, a))
            j--;
        if (i > j)
            break;
        sorter_swap(s, i, j);
        i++;
        j--;
    }
    sorter_swap(s, j, a);
    *already = FALSE;
    return j;
}

static void
pdqsort(Sorter *s, gint64 a, gint64 b, guint limit)
{
    gboolean was_balanced = TRUE, was_partitioned = TRUE;

    for (;;) {
        gint64 length = b - a, pivot, mid;
        int hint;

        if (length <= 12) {
            insertion_sort(s, a, b);
            return;
        }
        if (limit == 0) {
            heap_sort(s, a, b);
            return;
        }
        if (!was_balanced) {
            break_patterns(s, a, b);
            limit--;
        }
        pivot = choose_pivot(s, a, b, &hint);
        if (hint == HINT_DECREASING) {
            reverse_range(s, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = HINT_INCREASING;
        }
        if (was_balanced && was_partitioned && hint == HINT_INCREASING && partial_insertion_sort(s, a, b))
            return;
        if (a > 0 && !sorter_less(s, a - 1, pivot)) {
            a = partition_equal(s, a, b, pivot);
            continue;
        }
        mid = partition(s, a, b, pivot, &was_partitioned);
        if (mid - a < b - mid) {
            was_balanced = mid - a >= length / 8;
            pdqsort(s, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = b - mid >= length / 8;
            pdqsort(s, mid + 1, b, limit);
            b = mid;
        }
    }
}

/* The first results of 'nodes' on 'doc' (FindResults' values[0]): the
 * first of them, or NULL when there is none.  '*plain' when it is a
 * template's text rather than a value.  FALSE with '*error' on an
 * evaluation error (an index out of range). */
static gboolean
first_result(const GPtrArray *nodes, const Doc *doc, GPtrArray *keep, const Doc **value, gboolean *plain,
             char **error)
{
    const JpNode *node = nodes->len > 0 ? nodes->pdata[0] : NULL;
    g_autoptr(GPtrArray) results = g_ptr_array_new();

    *value = NULL;
    *plain = FALSE;
    if (node == NULL)
        return TRUE;
    if (node->type == JP_TEXT) {
        Doc *text = doc_str(node->text);

        g_ptr_array_add(keep, text);
        *value = text;
        *plain = TRUE;
        return TRUE;
    }
    if (!eval_segs(node->segs, doc, results, error))
        return FALSE;
    if (results->len > 0)
        *value = results->pdata[0];
    return TRUE;
}

gboolean
kn_kubectl_print_sort(KnKind kind, GPtrArray *objects, const char *sort_by, gboolean table, KnStore *store,
                      char **error, gboolean *fatal)
{
    g_return_val_if_fail(kind < KN_N_KINDS && objects != NULL && sort_by != NULL, FALSE);
    g_return_val_if_fail(error != NULL && fatal != NULL, FALSE);

    g_autofree char *relaxed = relaxed_jsonpath(sort_by);
    const char *field = relaxed != NULL ? relaxed : sort_by;
    g_autoptr(GPtrArray) nodes = nodes_new();
    g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func((GDestroyNotify) doc_free);
    g_autoptr(GPtrArray) values = g_ptr_array_new();
    g_autoptr(GPtrArray) plain = g_ptr_array_new();
    gboolean found = FALSE;

    *fatal = FALSE;
    /* SortingPrinter sorts a Table of two rows or more, a List of one
     * item or more. */
    if (objects->len == 0 || (table && objects->len < 2))
        return TRUE;
    if (!table && relaxed == NULL) {
        *error = g_strdup("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                          "'{name1.name2}' or '{.name1.name2}'");
        return FALSE;
    }

    JpParser jp = { field, field, NULL };

    if (!parse_nodes(&jp, nodes, FALSE)) {
        *error = table ? g_strdup_printf("sorting error: %s", jp.error) : g_strdup(jp.error);
        g_free(jp.error);
        return FALSE;
    }
    for (guint i = 0; i < objects->len; i++) {
        Doc *doc = doc_any(kind, objects->pdata[i], store);
        const Doc *value;
        gboolean is_plain;
        g_autofree char *message = NULL;

        g_ptr_array_add(docs, doc);
        if (!first_result(nodes, doc, docs, &value, &is_plain, &message)) {
            if (table) {
                g_autoptr(GString) text = g_string_new(NULL);

                kn_go_quoted(text, message);
                *error = g_strdup_printf("Failed to get values for [][]reflect.Value(nil) using %s "
                                         "(&errors.errorString{s:%s})", field, text->str);
            } else {
                *error = g_steal_pointer(&message);
            }
            return FALSE;
        }
        g_ptr_array_add(values, (gpointer) value);
        g_ptr_array_add(plain, GINT_TO_POINTER(is_plain));
        found |= value != NULL;
    }
    if (!found) {
        g_autoptr(GString) text = g_string_new("couldn't find any field with path ");

        kn_go_quoted(text, field);
        g_string_append(text, " in the list of objects");
        *error = g_string_free(g_steal_pointer(&text), FALSE);
        return FALSE;
    }

    Sorter s = { field, table, objects, values, plain, NULL };

    pdqsort(&s, 0, objects->len, bits_len(objects->len));
    if (s.fatal != NULL) {
        *error = s.fatal;
        *fatal = TRUE;
        return FALSE;
    }
    return TRUE;
}

gboolean
kn_kubectl_print_sort_tables(const char *sort_by, char **error)
{
    g_return_val_if_fail(sort_by != NULL && error != NULL, FALSE);

    g_autofree char *field = relaxed_jsonpath(sort_by);
    g_autoptr(GPtrArray) nodes = nodes_new();
    g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func((GDestroyNotify) doc_free);
    g_autoptr(Doc) table = doc_new(DOC_MAP);
    const Doc *value;
    gboolean plain;

    if (field == NULL) {
        *error = g_strdup("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                          "'{name1.name2}' or '{.name1.name2}'");
        return FALSE;
    }

    JpParser jp = { field, field, NULL };

    if (!parse_nodes(&jp, nodes, FALSE)) {
        *error = jp.error;
        return FALSE;
    }
    /* What a Table has at its top besides its columns and rows. */
    doc_set_str(table, "apiVersion", "meta.k8s.io/v1");
    doc_set_str(table, "kind", "Table");
    doc_set_str(doc_set_map(table, "metadata"), "resourceVersion", "1");
    if (!first_result(nodes, table, keep, &value, &plain, error))
        return FALSE;
    if (value == NULL) {
        g_autoptr(GString) text = g_string_new("couldn't find any field with path ");

        kn_go_quoted(text, field);
        g_string_append(text, " in the list of objects");
        *error = g_string_free(g_steal_pointer(&text), FALSE);
        return FALSE;
    }
    return TRUE;
}

/*****************************************************************************/
/* Entry point. */


/* The object a generator command built before any server saw it: what
 * `--dry-run=client -o yaml` prints.  No uid, version or defaults, a null
 * creationTimestamp, an empty status; only what kubectl itself set
 * (expose.go, create_service.go, create_deployment.go, run.go). */
static Doc *
doc_client_meta(const KnObjectMeta *meta)
{
    Doc *m = doc_new(DOC_MAP);

    doc_set(m, "creationTimestamp", doc_new(DOC_NULL));
    if (kn_labels_size(meta->labels) > 0)
        doc_set(m, "labels", doc_labels(meta->labels));
    doc_set_str(m, "name", meta->name);
    doc_set_str(m, "namespace", meta->namespace);
    return m;
}

static Doc *
doc_client_container(const KnContainer *c, gboolean command)
{
    Doc *d = doc_new(DOC_MAP);

    if (c->command->len > 0)
        doc_set(d, command ? "command" : "args", doc_strings(c->command));
    doc_set_str(d, "image", c->image);
    doc_set_str(d, "name", c->name);
    if (c->ports->len > 0) {
        Doc *ports = doc_set_list(d, "ports");

        for (guint i = 0; i < c->ports->len; i++)
            doc_set_int(doc_add(ports, doc_new(DOC_MAP)), "containerPort",
                        ((const KnContainerPort *) c->ports->pdata[i])->container_port);
    }
    doc_set_map(d, "resources");
    return d;
}

static Doc *
doc_client_containers(const GPtrArray *containers, gboolean command)
{
    Doc *list = doc_new(DOC_LIST);

    for (guint i = 0; i < containers->len; i++)
        doc_add(list, doc_client_container(containers->pdata[i], command));
    return list;
}

gboolean
kn_kubectl_print_client_object(KnKind kind, gconstpointer object, const KnKubectlClientOptions *options,
                               GString *out)
{
    g_return_val_if_fail(object != NULL && out != NULL, FALSE);

    g_autoptr(Doc) doc = doc_new(DOC_MAP);
    Doc *spec;

    doc_set_str(doc, "apiVersion", kn_kind_api_version(kind));
    doc_set_str(doc, "kind", kn_kind_name(kind));
    doc_set(doc, "metadata", doc_client_meta(kn_object_meta((gpointer) object)));
    switch (kind) {
    case KN_KIND_SERVICE: {
        const KnService *service = object;
        Doc *ports;

        spec = doc_set_map(doc, "spec");
        doc_set_str(spec, "clusterIP", service->spec.cluster_ip);
        doc_set_str(spec, "externalName", service->spec.external_name);
        ports = doc_set_list(spec, "ports");
        for (guint i = 0; i < service->spec.ports->len; i++) {
            const KnServicePort *p = service->spec.ports->pdata[i];
            Doc *port = doc_add(ports, doc_new(DOC_MAP));

            doc_set_str(port, "name", p->name);
            if (p->node_port > 0)
                doc_set_int(port, "nodePort", p->node_port);
            doc_set_int(port, "port", p->port);
            doc_set_str(port, "protocol", p->protocol_raw != NULL ? p->protocol_raw : kn_protocol_name(p->protocol));
            doc_set_int_or_string(port, "targetPort", &p->target_port);
        }
        if (service->spec.selector != NULL && kn_labels_size(service->spec.selector) > 0)
            doc_set(spec, "selector", doc_labels(service->spec.selector));
        if (options->typed)
            doc_set_str(spec, "type", service->spec.type_raw != NULL ? service->spec.type_raw
                                      : kn_service_type_name(service->spec.type));
        doc_set_map(doc_set_map(doc, "status"), "loadBalancer");
        break;
    }
    case KN_KIND_DEPLOYMENT: {
        const KnDeployment *d = object;
        Doc *template, *meta;

        spec = doc_set_map(doc, "spec");
        doc_set_int(spec, "replicas", d->replicas);
        doc_set(spec, "selector", doc_selector(d->selector));
        doc_set_map(spec, "strategy");
        template = doc_set_map(spec, "template");
        meta = doc_set_map(template, "metadata");
        doc_set(meta, "creationTimestamp", doc_new(DOC_NULL));
        doc_set(meta, "labels", doc_labels(d->template.labels));
        doc_set(doc_set_map(template, "spec"), "containers",
                doc_client_containers(d->template.spec.containers, TRUE));
        doc_set_map(doc, "status");
        break;
    }
    case KN_KIND_POD: {
        const KnPod *pod = object;

        spec = doc_set_map(doc, "spec");
        doc_set(spec, "containers", doc_client_containers(pod->spec.containers, options->command));
        doc_set_str(spec, "dnsPolicy", "ClusterFirst");
        doc_set_str(spec, "restartPolicy", options->restart != NULL ? options->restart : "Always");
        doc_set_map(doc, "status");
        break;
    }
    default:
        return FALSE;
    }
    yaml_map(out, doc, 0, FALSE);
    return TRUE;
}

gboolean
kn_kubectl_print(KnKind kind, const GPtrArray *objects, const KnKubectlPrintOptions *options,
                 KnStore *store, KnTime now, GString *out, GString *err)
{
    g_return_val_if_fail(kind < KN_N_KINDS && objects != NULL && options != NULL, FALSE);
    g_return_val_if_fail(out != NULL && err != NULL, FALSE);

    gsize written = out->len;

    switch (options->output) {
    case KN_KUBECTL_OUTPUT_TABLE:
    case KN_KUBECTL_OUTPUT_WIDE:
        if (objects->len > 0)
            print_table(kind, objects, options, now, out);
        break;
    case KN_KUBECTL_OUTPUT_NAME:
        for (guint i = 0; i < objects->len; i++)
            g_string_append_printf(out, "%s/%s\n", name_prefix(kind),
                                   kn_object_meta(objects->pdata[i])->name);
        break;
    case KN_KUBECTL_OUTPUT_YAML: {
        g_autoptr(Doc) doc = doc_for(kind, objects, options->single, store);

        yaml_map(out, doc, 0, FALSE);
        break;
    }
    case KN_KUBECTL_OUTPUT_JSON: {
        g_autoptr(Doc) doc = doc_for(kind, objects, options->single, store);

        json_indented(out, doc, 0);
        g_string_append_c(out, '\n');
        break;
    }
    case KN_KUBECTL_OUTPUT_CUSTOM_COLUMNS:
        if (!print_custom_columns(kind, objects, options, store, out, err))
            return FALSE;
        break;
    case KN_KUBECTL_OUTPUT_JSONPATH: {
        const char *template = options->template != NULL ? options->template : "";
        JpParser jp = { template, template, NULL };
        g_autoptr(GPtrArray) nodes = nodes_new();
        g_autoptr(Doc) doc = NULL;
        g_autofree char *error = NULL;

        if (*template == '\0') {
            g_string_append(err, "error: template format specified but no template given\n");
            return FALSE;
        }
        if (!parse_nodes(&jp, nodes, FALSE)) {
            /* kubectl's JSONPathPrinter wraps the parser's error. */
            g_string_append_printf(err, "error: error parsing jsonpath %s, %s\n", template, jp.error);
            g_free(jp.error);
            return FALSE;
        }
        doc = doc_for(kind, objects, options->single, store);
        if (!jp_execute(nodes, doc, doc, out, &error)) {
            g_string_truncate(out, written);
            g_string_append_printf(err, "error: error executing jsonpath \"%s\": Error executing "
                                   "template: %s\n", template, error);
            return FALSE;
        }
        break;
    }
    }

    /* get.go: when the table printer wrote nothing, say so on stderr; the
     * other printers (printGeneric) print an empty List or nothing. */
    if (out->len == written && (options->output == KN_KUBECTL_OUTPUT_TABLE
                                || options->output == KN_KUBECTL_OUTPUT_WIDE)) {
        if (options->all_namespaces || !kind_is_namespaced(kind))
            g_string_append(err, "No resources found\n");
        else
            g_string_append_printf(err, "No resources found in %s namespace.\n",
                                   options->namespace != NULL ? options->namespace : "default");
    }
    return TRUE;
}
