/* scenario-manifest.c -- Kubernetes manifests into api.h objects, as
 * `kubectl apply` with the API server's strict field validation decodes
 * them (scenario-manifest.h).
 *
 * DOC: kubectl turns each YAML document into JSON and sends it; the API
 * server decodes it into the Go types of k8s.io/api (core/v1, apps/v1,
 * discovery/v1) with sigs.k8s.io/json, and with fieldValidation=Strict
 * (kubectl's default since 1.25, KEP-2885) an unknown field fails the
 * request.  knetsim reads the YAML nodes straight into api.h against one key
 * table per Go struct and reports, at the node's file:line:col with its
 * field path:
 *
 *  - an unknown field at its key: 'spec.ports[0]: unknown field "prot"'.
 *    The server says 'Service in version "v1" cannot be handled as a
 *    Service: strict decoding error: unknown field "spec.ports[0].prot"'
 *    (KEP-2885; kubernetes/kubernetes#105916);
 *  - a value of the wrong JSON type with encoding/json's message, Go struct
 *    and field path as the server prints them: 'json: cannot unmarshal
 *    string into Go struct field ServicePort.spec.ports.port of type int32'
 *    (an unquoted number in a label or ConfigMap value fails the same way,
 *    "... ObjectMeta.metadata.labels of type string").  Plain scalars are
 *    typed as sigs.k8s.io/yaml's YAML 1.1 resolver types them: yes/no/on/off
 *    are booleans, "80" quoted is a string;
 *  - a key given twice with kubectl's client-side YAML decoder message:
 *    'mapping key "replicas" already defined at line 8' (gopkg.in/yaml.v3,
 *    as kubectl >= 1.21 prints it);
 *  - an apiVersion that does not serve the kind, and a kind knetsim does not
 *    have, with kubectl's REST mapper message: 'no matches for kind
 *    "Deployment" in version "v1"' (kubectl prints 'resource mapping not
 *    found for name: ... no matches for kind ... ensure CRDs are installed
 *    first').  knetsim's cluster serves exactly the kinds below, so an
 *    Ingress gets what a cluster without Ingress would say;
 *  - a missing name with the API server's validation message:
 *    'metadata.name: Required value: name or generateName is required'
 *    (apimachinery ValidateObjectMeta);
 *  - an enum value api.h cannot hold with field.NotSupported's message:
 *    'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
 *    except in a Service, whose enums are kept as written for the API
 *    server's validation to refuse with its other errors.
 *
 * Kinds: Namespace, Pod, Service, Endpoints, ConfigMap (v1); Deployment,
 * ReplicaSet, StatefulSet, DaemonSet (apps/v1); EndpointSlice
 * (discovery.k8s.io/v1).  API defaulting done here: a Service port's
 * targetPort is its port, a lone clusterIP fills clusterIPs (never the
 * other way round), sessionAffinityConfig goes with sessionAffinity None,
 * and an EndpointSlice endpoint without conditions is ready and serving (a nil
 * condition "should be interpreted as" ready, discovery/v1 types.go).
 *
 * Simplified: fields knetsim does not model but real manifests carry are
 * known and skipped, never "unknown" (each key table marks them with a NULL
 * reader); duplicate keys are still checked inside them:
 *  - every kind: status; metadata uid, resourceVersion, generation,
 *    creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds,
 *    ownerReferences, finalizers, managedFields, selfLink;
 *  - pod templates: metadata other than labels and annotations;
 *  - pod spec: volumes, initContainers, ephemeralContainers,
 *    serviceAccountName, serviceAccount, automountServiceAccountToken,
 *    securityContext, affinity, topologySpreadConstraints, imagePullSecrets,
 *    priorityClassName, priority, preemptionPolicy, schedulerName,
 *    hostAliases, hostPID, hostIPC, shareProcessNamespace,
 *    activeDeadlineSeconds, runtimeClassName, overhead,
 *    readinessGates, os, setHostnameAsFQDN, resourceClaims,
 *    schedulingGates, hostUsers, resources;
 *  - containers: imagePullPolicy, env, envFrom, resources, resizePolicy,
 *    restartPolicy, volumeMounts, volumeDevices, livenessProbe,
 *    startupProbe, lifecycle, securityContext, workingDir,
 *    terminationMessagePath, terminationMessagePolicy, stdin, stdinOnce,
 *    tty; container ports: hostPort, hostIP;
 *  - probes: grpc, terminationGracePeriodSeconds; httpGet host, scheme,
 *    httpHeaders; tcpSocket host;
 *  - Deployment: paused; StatefulSet: volumeClaimTemplates,
 *    updateStrategy, revisionHistoryLimit,
 *    persistentVolumeClaimRetentionPolicy, ordinals; DaemonSet:
 *    updateStrategy;
 *  - EndpointSlice endpoints: hints.forNodes, deprecatedTopology;
 *    targetRef (both Endpoints and EndpointSlice): kind, apiVersion,
 *    resourceVersion, fieldPath (the target is taken to be a Pod);
 *  - Namespace: spec.finalizers; ConfigMap: binaryData, immutable.
 * Values are checked for their JSON type and for what api.h can hold
 * (enums, non-negative integers, except a Service's int32 port numbers and
 * affinity timeout and a workload's replicas, minReadySeconds,
 * revisionHistoryLimit, progressDeadlineSeconds, maxSurge and
 * maxUnavailable, kept negative for validation to refuse as the API
 * server does); the rest of the API server's validation
 * (name syntax, port ranges, type-dependent Service fields) is later work,
 * which finds its positions with kn_scenario_manifest_locate().  A number
 * that YAML writes in octal, hex or with '_' is taken as YAML 1.1 does.  A
 * Node manifest is refused: nodes come from the Scenario's cluster.nodes. */

#include <config.h>
#include "models/scenario-manifest.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*****************************************************************************/
/* Reading state, key tables and JSON types. */

typedef struct {
    KnYamlCtx *ctx;
    GHashTable *positions;       /* the manifest's; borrowed */
    GString *go_path;            /* encoding/json's field path: keys, no indices */
    const char *go_struct;       /* the Go struct whose field is being read */
} Reader;

typedef struct Field Field;
typedef struct Schema Schema;

/* Reads 'node' (never a null) into 'target', the field's place in the
 * struct being filled. */
typedef gboolean (*ReadFunc)(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                             GError **error);

struct Field {
    const char *key;
    ReadFunc read;               /* NULL: known but not modelled, skipped */
    gsize offset;                /* of the target in the struct being filled */
    const char *go_type;         /* the Go type, for type errors */
    const Schema *schema;        /* read_object, read_list: the nested keys */
};

struct Schema {
    const char *go_struct;       /* as encoding/json names it: "ServicePort" */
    const Field *fields;         /* ends with a NULL key */
    gpointer (*item_new)(void);  /* read_list: makes an item */
    /* Called after the mapping 'node' was read into 'target'; may be NULL. */
    gboolean (*finish)(Reader *r, yaml_node_t *node, gpointer target, GError **error);
};

/* A known field that knetsim skips. */
#define IGNORED(key) { key, NULL, 0, NULL, NULL }

typedef enum {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_OBJECT,
    JSON_ARRAY,
} JsonType;

static const char *const json_type_names[] = { "null", "bool", "number", "string", "object", "array" };

/* A plain scalar that YAML 1.1 (go-yaml v2, under sigs.k8s.io/yaml)
 * resolves to an integer; its value in '*value'. */
static gboolean
yaml_int(const char *text, gint64 *value)
{
    g_autoptr(GString) digits = g_string_new(NULL);
    gboolean negative = FALSE;
    const char *p = text;
    guint base = 10;
    guint64 magnitude;

    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'b')) {
        base = p[1] == 'x' ? 16 : 2;
        p += 2;
    } else if (p[0] == '0' && p[1] != '\0') {
        base = 8;
        p++;
    }
    for (; *p != '\0'; p++)
        if (*p != '_')
            g_string_append_c(digits, *p);
    if (digits->len == 0 || !g_ascii_isalnum(digits->str[0])
        || !g_ascii_string_to_unsigned(digits->str, base, 0, (guint64) G_MAXINT64, &magnitude, NULL))
        return FALSE;
    *value = negative ? -(gint64) magnitude : (gint64) magnitude;
    return TRUE;
}

/* A plain scalar that YAML 1.1 resolves to a float:
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? or .inf, .nan. */
static gboolean
yaml_float(const char *text)
{
    static const char *const special[] = {
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ".nan", ".NaN", ".NAN", NULL,
    };
    const char *p = text;
    gsize n;

    if (g_strv_contains(special, text))
        return TRUE;
    if (*p == '-' || *p == '+')
        p++;
    n = strspn(p, "0123456789");
    if (n == 0 && *p != '.')
        return FALSE;
    p += n;
    if (*p == '.') {
        gsize frac = strspn(++p, "0123456789");

        if (n == 0 && frac == 0)
            return FALSE;
        p += frac;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        n = strspn(p, "0123456789");
        if (n == 0)
            return FALSE;
        p += n;
    }
    return *p == '\0';
}

/* What JSON value 'node' becomes when kubectl converts the YAML to JSON. */
static JsonType
json_type(const yaml_node_t *node)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
    static const char *const bools[] = {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", NULL,
    };
    const char *text;
    gint64 value;

    if (node->type == YAML_MAPPING_NODE)
        return JSON_OBJECT;
    if (node->type == YAML_SEQUENCE_NODE)
        return JSON_ARRAY;
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return JSON_STRING;
    text = kn_scenario_yaml_scalar(node);
    if (g_strv_contains(nulls, text))
        return JSON_NULL;
    if (g_strv_contains(bools, text))
        return JSON_BOOL;
    if (yaml_int(text, &value) || yaml_float(text))
        return JSON_NUMBER;
    return JSON_STRING;
}

/* The truth value of a JSON_BOOL scalar. */
static gboolean
yaml_true(const yaml_node_t *node)
{
    static const char *const trues[] = {
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL,
    };

    return g_strv_contains(trues, kn_scenario_yaml_scalar(node));
}

/*****************************************************************************/
/* Paths, positions and messages. */

typedef struct {
    gsize path, go_path;
} Mark;

static Mark
push_key(Reader *r, const char *key)
{
    Mark mark = { kn_scenario_yaml_path_push_key(r->ctx, key), r->go_path->len };

    g_string_append_printf(r->go_path, r->go_path->len > 0 ? ".%s" : "%s", key);
    return mark;
}

static Mark
push_index(Reader *r, gsize index)
{
    return (Mark) { kn_scenario_yaml_path_push_index(r->ctx, index), r->go_path->len };
}

/* A map entry: field.Path.Key()'s "[key]"; encoding/json keeps the map's
 * own field in its messages. */
static Mark
push_map_key(Reader *r, const char *key)
{
    Mark mark = { r->ctx->path->len, r->go_path->len };

    g_string_append_printf(r->ctx->path, "[%s]", key);
    return mark;
}

static void
pop(Reader *r, Mark mark)
{
    g_string_truncate(r->ctx->path, mark.path);
    g_string_truncate(r->go_path, mark.go_path);
}

/* Records that the current path was read at 'node'. */
static void
record(Reader *r, const yaml_node_t *node)
{
    KnSrcLoc loc = kn_scenario_yaml_loc(r->ctx, node);

    g_hash_table_replace(r->positions, g_strdup(r->ctx->path->str), g_memdup2(&loc, sizeof loc));
}

/* encoding/json's UnmarshalTypeError for 'node' in the current field. */
static gboolean
type_error(Reader *r, yaml_node_t *node, const char *go_type, GError **error)
{
    JsonType type = json_type(node);
    /* encoding/json quotes the number only when it does not fit an int. */
    g_autofree char *value = type == JSON_NUMBER && g_str_has_prefix(go_type, "int")
        ? g_strdup_printf("number %s", kn_scenario_yaml_scalar(node)) : g_strdup(json_type_names[type]);

    return kn_scenario_yaml_error_code(r->ctx, node, error, KN_INPUT_ERROR_TYPE,
                                       "json: cannot unmarshal %s into Go struct field %s.%s of type %s",
                                       value, r->go_struct, r->go_path->str, go_type);
}

/* field.NotSupported's message, 'supported' already sorted. */
static gboolean
unsupported(Reader *r, yaml_node_t *node, const char *const *supported, GError **error)
{
    g_autoptr(GString) list = g_string_new(NULL);

    for (guint i = 0; supported[i] != NULL; i++)
        g_string_append_printf(list, "%s\"%s\"", i > 0 ? ", " : "", supported[i]);
    return kn_scenario_yaml_error(r->ctx, node, error, "Unsupported value: \"%s\": supported values: %s",
                                  kn_scenario_yaml_scalar(node), list->str);
}

/* An error if a key of the mapping 'node' before 'pair' is 'key'. */
static gboolean
check_duplicate(Reader *r, yaml_node_t *node, yaml_node_pair_t *pair, yaml_node_t *key,
                GError **error)
{
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < pair; p++) {
        yaml_node_t *k = yaml_document_get_node(r->ctx->doc, p->key);

        if (k->type == YAML_SCALAR_NODE
            && strcmp(kn_scenario_yaml_scalar(k), kn_scenario_yaml_scalar(key)) == 0)
            return kn_scenario_yaml_error(r->ctx, key, error, "mapping key \"%s\" already defined at line %u",
                                          kn_scenario_yaml_scalar(key), (guint) k->start_mark.line + 1);
    }
    return TRUE;
}

/* Checks the keys of a skipped subtree: kubectl's YAML decoder refuses
 * duplicates anywhere. */
static gboolean
check_skipped(Reader *r, yaml_node_t *node, GError **error)
{
    if (node->type == YAML_SEQUENCE_NODE) {
        gsize i = 0;

        for (yaml_node_item_t *item = node->data.sequence.items.start;
             item < node->data.sequence.items.top; item++, i++) {
            Mark mark = push_index(r, i);

            if (!check_skipped(r, yaml_document_get_node(r->ctx->doc, *item), error))
                return FALSE;
            pop(r, mark);
        }
    } else if (node->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
             pair < node->data.mapping.pairs.top; pair++) {
            yaml_node_t *key = yaml_document_get_node(r->ctx->doc, pair->key);

            if (key->type != YAML_SCALAR_NODE)
                continue;
            if (!check_duplicate(r, node, pair, key, error))
                return FALSE;

            Mark mark = push_key(r, kn_scenario_yaml_scalar(key));

            if (!check_skipped(r, yaml_document_get_node(r->ctx->doc, pair->value), error))
                return FALSE;
            pop(r, mark);
        }
    }
    return TRUE;
}

/*****************************************************************************/
/* Mappings, lists and scalars. */

/* Reads the mapping 'node' into 'target' through 'schema'; a node of
 * another type is a type error against 'go_type'. */
static gboolean
read_mapping(Reader *r, yaml_node_t *node, const Schema *schema, gpointer target, const char *go_type,
             GError **error)
{
    const char *outer = r->go_struct;

    if (node->type != YAML_MAPPING_NODE)
        return type_error(r, node, go_type, error);
    r->go_struct = schema->go_struct;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(r->ctx->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(r->ctx->doc, pair->value);
        const Field *field;

        if (!kn_scenario_yaml_expect_type(r->ctx, key, YAML_SCALAR_NODE, error)
            || !check_duplicate(r, node, pair, key, error))
            return FALSE;
        for (field = schema->fields; field->key != NULL; field++)
            if (strcmp(field->key, kn_scenario_yaml_scalar(key)) == 0)
                break;
        if (field->key == NULL)
            return kn_scenario_yaml_error_code(r->ctx, key, error, KN_INPUT_ERROR_UNKNOWN_KEY,
                                               "unknown field \"%s\"", kn_scenario_yaml_scalar(key));

        Mark mark = push_key(r, field->key);
        gboolean ok;

        record(r, value);
        if (field->read == NULL)
            ok = check_skipped(r, value, error);
        else
            ok = json_type(value) == JSON_NULL
                 || field->read(r, value, (char *) target + field->offset, field, error);
        if (!ok)
            return FALSE;
        pop(r, mark);
    }
    r->go_struct = outer;
    return schema->finish == NULL || schema->finish(r, node, target, error);
}

/* A nested struct, or a part of the same one (offset 0). */
static gboolean
read_object(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    return read_mapping(r, node, field->schema, target, field->go_type, error);
}

/* A list of structs into the GPtrArray at 'target'. */
static gboolean
read_list(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    GPtrArray *out = *(GPtrArray **) target;
    const char *item_type = field->go_type + 2;      /* "[]v1.ServicePort" */
    gsize i = 0;

    if (node->type != YAML_SEQUENCE_NODE)
        return type_error(r, node, field->go_type, error);
    g_ptr_array_set_size(out, 0);
    for (yaml_node_item_t *item = node->data.sequence.items.start;
         item < node->data.sequence.items.top; item++, i++) {
        yaml_node_t *child = yaml_document_get_node(r->ctx->doc, *item);
        Mark mark = push_index(r, i);
        gpointer object = field->schema->item_new();

        g_ptr_array_add(out, object);
        record(r, child);
        if (json_type(child) != JSON_NULL
            && !read_mapping(r, child, field->schema, object, item_type, error))
            return FALSE;
        pop(r, mark);
    }
    return TRUE;
}

static gboolean
read_string(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    (void) field;
    if (json_type(node) != JSON_STRING)
        return type_error(r, node, "string", error);
    g_free(*(char **) target);
    *(char **) target = g_strdup(kn_scenario_yaml_scalar(node));
    return TRUE;
}

/* An integer of the Go type field->go_type (int32 or int64) into a guint. */
static gboolean
read_uint(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    gint64 max = strcmp(field->go_type, "int64") == 0 ? G_MAXINT64 : G_MAXINT32;
    gint64 value;

    if (json_type(node) != JSON_NUMBER || !yaml_int(kn_scenario_yaml_scalar(node), &value)
        || value > max || value < -max - 1)
        return type_error(r, node, field->go_type, error);
    if (value < 0)
        return kn_scenario_yaml_error(r->ctx, node, error, "Invalid value: %" G_GINT64_FORMAT
                                      ": must be greater than or equal to 0", value);
    if (value > G_MAXUINT)
        return kn_scenario_yaml_error(r->ctx, node, error, "Invalid value: %" G_GINT64_FORMAT
                                      ": must be no more than %u", value, G_MAXUINT);
    *(guint *) target = (guint) value;
    return TRUE;
}

/* An int32 of a Service (a port number, the affinity timeout) that the API
 * server's validation judges, negatives included: ValidateService says
 * "Invalid value: -1: must be between 1 and 65535, inclusive", where
 * read_uint() would refuse the manifest.  The int32's bits are kept in the
 * guint at 'target'; svc-validate prints them back signed. */
static gboolean
read_int32(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    gint64 value;

    (void) field;
    if (json_type(node) != JSON_NUMBER || !yaml_int(kn_scenario_yaml_scalar(node), &value)
        || value > G_MAXINT32 || value < G_MININT32)
        return type_error(r, node, "int32", error);
    *(guint *) target = (guint) (gint32) value;
    return TRUE;
}

static gboolean
read_bool(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    (void) field;
    if (json_type(node) != JSON_BOOL)
        return type_error(r, node, "bool", error);
    *(gboolean *) target = yaml_true(node);
    return TRUE;
}

/* intstr.IntOrString: a JSON string is a name (or a percentage), anything
 * else is decoded as its int32, with that type in messages. */
static gboolean
read_int_or_string(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const Field as_int = { NULL, NULL, 0, "int32", NULL };
    guint number = 0;

    (void) field;
    if (json_type(node) == JSON_STRING) {
        kn_int_or_string_set_string(target, kn_scenario_yaml_scalar(node));
        return TRUE;
    }
    if (!read_uint(r, node, &number, &as_int, error))
        return FALSE;
    kn_int_or_string_set_number(target, number);
    return TRUE;
}

/* An intstr.IntOrString whose number the API server's validation judges
 * (a Service port's targetPort, a Deployment's maxSurge and
 * maxUnavailable): as read_int_or_string(), a number kept as read_int32()
 * keeps it. */
static gboolean
read_int_or_string_int32(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    guint number = 0;

    if (json_type(node) == JSON_STRING) {
        kn_int_or_string_set_string(target, kn_scenario_yaml_scalar(node));
        return TRUE;
    }
    if (!read_int32(r, node, &number, field, error))
        return FALSE;
    kn_int_or_string_set_number(target, number);
    return TRUE;
}

/* A map of scalars into the KnLabels * at 'target', made on the first entry
 * when NULL.  With 'quantities' the values may be numbers too and null is
 * refused (a v1.ResourceList); without, the map is a map[string]string
 * where null reads as "". */
static gboolean
read_string_map(Reader *r, yaml_node_t *node, KnLabels **labels, gboolean quantities, GError **error)
{
    if (node->type != YAML_MAPPING_NODE)
        return type_error(r, node, quantities ? "v1.ResourceList" : "map[string]string", error);
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(r->ctx->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(r->ctx->doc, pair->value);
        JsonType type = json_type(value);

        if (!kn_scenario_yaml_expect_type(r->ctx, key, YAML_SCALAR_NODE, error)
            || !check_duplicate(r, node, pair, key, error))
            return FALSE;

        Mark mark = push_map_key(r, kn_scenario_yaml_scalar(key));

        record(r, value);
        if (type != JSON_STRING && type != (quantities ? JSON_NUMBER : JSON_NULL))
            return type_error(r, value, quantities ? "resource.Quantity" : "string", error);
        if (*labels == NULL)
            *labels = kn_labels_new();
        kn_labels_set(*labels, kn_scenario_yaml_scalar(key),
                      type == JSON_NULL ? "" : kn_scenario_yaml_scalar(value));
        pop(r, mark);
    }
    return TRUE;
}

/* A map[string]string (a Service's selector: none and empty are the same). */
static gboolean
read_labels(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    (void) field;
    return read_string_map(r, node, target, FALSE, error);
}

/* A []string into the GPtrArray of char * at 'target'. */
static gboolean
read_strings(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    GPtrArray *out = *(GPtrArray **) target;
    gsize i = 0;

    (void) field;
    if (node->type != YAML_SEQUENCE_NODE)
        return type_error(r, node, "[]string", error);
    g_ptr_array_set_size(out, 0);
    for (yaml_node_item_t *item = node->data.sequence.items.start;
         item < node->data.sequence.items.top; item++, i++) {
        yaml_node_t *child = yaml_document_get_node(r->ctx->doc, *item);
        JsonType type = json_type(child);
        Mark mark = push_index(r, i);

        record(r, child);
        if (type != JSON_STRING && type != JSON_NULL)
            return type_error(r, child, "string", error);
        g_ptr_array_add(out, g_strdup(type == JSON_NULL ? "" : kn_scenario_yaml_scalar(child)));
        pop(r, mark);
    }
    return TRUE;
}

/* One of 'names' (the API's spellings, in enum order); 'supported' is the
 * same sorted, for the message.  The index into '*value'. */
static gboolean
read_enum(Reader *r, yaml_node_t *node, const char *const *names, const char *const *supported,
          int *value, GError **error)
{
    if (json_type(node) != JSON_STRING)
        return type_error(r, node, "string", error);
    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], kn_scenario_yaml_scalar(node)) == 0) {
            *value = i;
            return TRUE;
        }
    }
    return unsupported(r, node, supported, error);
}

/*****************************************************************************/
/* Enums of api.h. */

static gboolean
read_protocol(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const char *const names[] = { "TCP", "UDP", "SCTP", NULL };
    static const char *const supported[] = { "SCTP", "TCP", "UDP", NULL };
    int value;

    (void) field;
    if (!read_enum(r, node, names, supported, &value, error))
        return FALSE;
    *(KnProtocol *) target = (KnProtocol) value;
    return TRUE;
}

/* spec.ipFamilies: the strings as written, for validation to judge. */
static gboolean
read_ip_families(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    return read_strings(r, node, target, field, error);
}

/* A Service's enums are the API server's validation to judge, as kubectl
 * sends them as they are: a value api.h cannot hold goes to the spec's
 * '_raw' string ("" included, where defaulting leaves "" alone) and
 * ValidateService says 'spec.ports[0].protocol: Unsupported value: "tcp":
 * supported values: ...' among its other errors.  Each reader takes the
 * string, NULL after a type error; 'index' is the name's place in
 * 'names', or -1. */
static const char *
read_service_enum(Reader *r, yaml_node_t *node, const char *const *names, int *index, GError **error)
{
    const char *text;

    if (json_type(node) != JSON_STRING) {
        type_error(r, node, "string", error);
        return NULL;
    }
    text = kn_scenario_yaml_scalar(node);
    *index = -1;
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], text) == 0)
            *index = i;
    return text;
}

static void
set_raw(char **raw, const char *text)
{
    g_free(*raw);
    *raw = g_strdup(text);
}

/* spec.ports[].protocol: "" is defaulted to TCP. */
static gboolean
read_service_port_protocol(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const char *const names[] = { "TCP", "UDP", "SCTP", NULL };
    KnServicePort *port = target;
    int index;
    const char *text = read_service_enum(r, node, names, &index, error);

    (void) field;
    if (text == NULL)
        return FALSE;
    if (index >= 0)
        port->protocol = (KnProtocol) index;
    else if (*text != '\0')
        set_raw(&port->protocol_raw, text);
    return TRUE;
}

/* spec.type: "" is defaulted to ClusterIP. */
static gboolean
read_service_type(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const char *const names[] = { "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", NULL };
    KnServiceSpec *spec = target;
    int index;
    const char *text = read_service_enum(r, node, names, &index, error);

    (void) field;
    if (text == NULL)
        return FALSE;
    if (index >= 0)
        spec->type = (KnServiceType) index;
    else if (*text != '\0')
        set_raw(&spec->type_raw, text);
    return TRUE;
}

/* spec.sessionAffinity: "" is defaulted to None. */
static gboolean
read_session_affinity(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const char *const names[] = { "None", "ClientIP", NULL };
    KnServiceSpec *spec = target;
    int index;
    const char *text = read_service_enum(r, node, names, &index, error);

    (void) field;
    if (text == NULL)
        return FALSE;
    if (index >= 0)
        spec->session_affinity_client_ip = index == 1;
    else if (*text != '\0')
        set_raw(&spec->session_affinity_raw, text);
    return TRUE;
}

/* spec.externalTrafficPolicy: "" is no policy (defaulted to Cluster where
 * the Service is reachable from outside). */
static gboolean
read_external_traffic_policy(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                             GError **error)
{
    static const char *const names[] = { "Cluster", "Local", NULL };
    KnServiceSpec *spec = target;
    int index;
    const char *text = read_service_enum(r, node, names, &index, error);

    (void) field;
    if (text == NULL)
        return FALSE;
    if (index >= 0) {
        spec->has_external_traffic_policy = TRUE;
        spec->external_traffic_policy = (KnTrafficPolicy) index;
    } else if (*text != '\0') {
        set_raw(&spec->external_traffic_policy_raw, text);
    }
    return TRUE;
}

/* spec.internalTrafficPolicy, a pointer: "" is a value, and unsupported. */
static gboolean
read_internal_traffic_policy(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                             GError **error)
{
    static const char *const names[] = { "Cluster", "Local", NULL };
    KnServiceSpec *spec = target;
    int index;
    const char *text = read_service_enum(r, node, names, &index, error);

    (void) field;
    if (text == NULL)
        return FALSE;
    if (index >= 0)
        spec->internal_traffic_policy = (KnTrafficPolicy) index;
    else
        set_raw(&spec->internal_traffic_policy_raw, text);
    return TRUE;
}

/* spec.ipFamilyPolicy, a pointer: "" is a value, and unsupported. */
static gboolean
read_ip_family_policy(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const char *const names[] = { "SingleStack", "PreferDualStack", "RequireDualStack", NULL };
    KnServiceSpec *spec = target;
    int index;
    const char *text = read_service_enum(r, node, names, &index, error);

    (void) field;
    if (text == NULL)
        return FALSE;
    if (index >= 0)
        spec->ip_family_policy = (KnIpFamilyPolicy) (index + KN_IP_FAMILY_POLICY_SINGLE_STACK);
    else
        set_raw(&spec->ip_family_policy_raw, text);
    return TRUE;
}

static gboolean
read_allocate_node_ports(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                         GError **error)
{
    KnServiceSpec *spec = target;

    spec->has_allocate_load_balancer_node_ports = TRUE;
    return read_bool(r, node, &spec->allocate_load_balancer_node_ports, field, error);
}

static gboolean
read_pod_management_policy(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                           GError **error)
{
    static const char *const names[] = { "OrderedReady", "Parallel", NULL };
    int value;

    (void) field;
    if (!read_enum(r, node, names, names, &value, error))
        return FALSE;
    *(gboolean *) target = value == 1;
    return TRUE;
}

static gboolean
read_address_type(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const char *const names[] = { "IPv4", "IPv6", "FQDN", NULL };
    static const char *const supported[] = { "FQDN", "IPv4", "IPv6", NULL };
    int value;

    (void) field;
    if (!read_enum(r, node, names, supported, &value, error))
        return FALSE;
    *(KnAddressType *) target = (KnAddressType) value;
    return TRUE;
}

static gboolean
read_toleration_operator(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                         GError **error)
{
    static const char *const names[] = { "Equal", "Exists", NULL };
    int value;

    (void) field;
    if (!read_enum(r, node, names, names, &value, error))
        return FALSE;
    *(gboolean *) target = value == 1;
    return TRUE;
}

/*****************************************************************************/
/* Metadata and label selectors. */

static const Field meta_fields[] = {
    { "name", read_string, offsetof(KnObjectMeta, name), NULL, NULL },
    { "namespace", read_string, offsetof(KnObjectMeta, namespace), NULL, NULL },
    { "generateName", read_string, offsetof(KnObjectMeta, generate_name), NULL, NULL },
    { "labels", read_labels, offsetof(KnObjectMeta, labels), NULL, NULL },
    { "annotations", read_labels, offsetof(KnObjectMeta, annotations), NULL, NULL },
    IGNORED("uid"), IGNORED("resourceVersion"), IGNORED("generation"),
    IGNORED("creationTimestamp"), IGNORED("deletionTimestamp"),
    IGNORED("deletionGracePeriodSeconds"), IGNORED("ownerReferences"), IGNORED("finalizers"),
    IGNORED("managedFields"), IGNORED("selfLink"),
    { NULL },
};
static const Schema meta_schema = { "ObjectMeta", meta_fields, NULL, NULL };

/* The field "metadata" of a kind, whose KnObjectMeta comes first. */
#define METADATA { "metadata", read_object, 0, "v1.ObjectMeta", &meta_schema }

static const Field template_meta_fields[] = {
    { "labels", read_labels, offsetof(KnPodTemplate, labels), NULL, NULL },
    { "annotations", read_labels, offsetof(KnPodTemplate, annotations), NULL, NULL },
    IGNORED("name"), IGNORED("namespace"), IGNORED("generateName"), IGNORED("uid"),
    IGNORED("resourceVersion"), IGNORED("generation"), IGNORED("creationTimestamp"),
    IGNORED("deletionTimestamp"), IGNORED("deletionGracePeriodSeconds"),
    IGNORED("ownerReferences"), IGNORED("finalizers"), IGNORED("managedFields"),
    IGNORED("selfLink"),
    { NULL },
};
static const Schema template_meta_schema = { "ObjectMeta", template_meta_fields, NULL, NULL };

/* metav1.LabelSelector, read at the workload's KnLabels *selector, which
 * its KnSelectorRest follows (the same distance apart in each kind). */
#define SELECTOR_REST_OFFSET (offsetof(KnDeployment, selector_rest) - offsetof(KnDeployment, selector))
G_STATIC_ASSERT(offsetof(KnReplicaSet, selector_rest) - offsetof(KnReplicaSet, selector) == SELECTOR_REST_OFFSET);
G_STATIC_ASSERT(offsetof(KnStatefulSet, selector_rest) - offsetof(KnStatefulSet, selector) == SELECTOR_REST_OFFSET);
G_STATIC_ASSERT(offsetof(KnDaemonSet, selector_rest) - offsetof(KnDaemonSet, selector) == SELECTOR_REST_OFFSET);

static KnSelectorRest *
selector_rest(gpointer selector)
{
    return (KnSelectorRest *) ((char *) selector + SELECTOR_REST_OFFSET);
}

/* A requirement's values, and that they were given: encoding/json makes
 * [] an empty slice, which %#v prints as []string{}, and null nil. */
static gboolean
read_requirement_values(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    KnSelectorRequirement *requirement = target;

    requirement->values_given = TRUE;
    return read_strings(r, node, &requirement->values, field, error);
}

static const Field selector_requirement_fields[] = {
    { "key", read_string, offsetof(KnSelectorRequirement, key), NULL, NULL },
    { "operator", read_string, offsetof(KnSelectorRequirement, operator), NULL, NULL },
    { "values", read_requirement_values, 0, NULL, NULL },
    { NULL },
};
static const Schema selector_requirement_schema = {
    "LabelSelectorRequirement", selector_requirement_fields,
    (gpointer (*)(void)) kn_selector_requirement_new, NULL,
};

/* matchLabels: given, even empty, shows as {} rather than nil in messages. */
static gboolean
read_match_labels(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    selector_rest(target)->match_labels_given = TRUE;
    return read_labels(r, node, target, field, error);
}

static gboolean
read_match_expressions(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    KnSelectorRest *rest = selector_rest(target);

    if (rest->expressions == NULL)
        rest->expressions = g_ptr_array_new_with_free_func((GDestroyNotify) kn_selector_requirement_free);
    return read_list(r, node, &rest->expressions, field, error);
}

static const Field label_selector_fields[] = {
    { "matchLabels", read_match_labels, 0, NULL, NULL },
    { "matchExpressions", read_match_expressions, 0, "[]v1.LabelSelectorRequirement",
      &selector_requirement_schema },
    { NULL },
};
static const Schema label_selector_schema = { "LabelSelector", label_selector_fields, NULL, NULL };

/* spec.selector, a pointer: null or left out is no selector. */
static gboolean
read_selector(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    selector_rest(target)->given = TRUE;
    return read_object(r, node, target, field, error);
}

/*****************************************************************************/
/* Pods and pod templates. */

static const Field http_get_fields[] = {
    { "path", read_string, offsetof(KnProbe, path), NULL, NULL },
    { "port", read_int_or_string, offsetof(KnProbe, port), NULL, NULL },
    IGNORED("host"), IGNORED("scheme"), IGNORED("httpHeaders"),
    { NULL },
};
static const Schema http_get_schema = { "HTTPGetAction", http_get_fields, NULL, NULL };

static const Field tcp_socket_fields[] = {
    { "port", read_int_or_string, offsetof(KnProbe, port), NULL, NULL },
    IGNORED("host"),
    { NULL },
};
static const Schema tcp_socket_schema = { "TCPSocketAction", tcp_socket_fields, NULL, NULL };

static const Field exec_fields[] = {
    { "command", read_strings, offsetof(KnProbe, command), NULL, NULL },
    { NULL },
};
static const Schema exec_schema = { "ExecAction", exec_fields, NULL, NULL };

/* A probe handler (httpGet, tcpSocket, exec): one per probe. */
static gboolean
read_probe_handler(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    KnProbe *probe = target;

    if (probe->kind != KN_PROBE_NONE)
        return kn_scenario_yaml_error(r->ctx, node, error,
                                      "Forbidden: may not specify more than 1 handler type");
    probe->kind = field->schema == &http_get_schema ? KN_PROBE_HTTP_GET
                  : field->schema == &tcp_socket_schema ? KN_PROBE_TCP_SOCKET : KN_PROBE_EXEC;
    return read_object(r, node, target, field, error);
}

static const Field probe_fields[] = {
    { "httpGet", read_probe_handler, 0, "v1.HTTPGetAction", &http_get_schema },
    { "tcpSocket", read_probe_handler, 0, "v1.TCPSocketAction", &tcp_socket_schema },
    { "exec", read_probe_handler, 0, "v1.ExecAction", &exec_schema },
    { "initialDelaySeconds", read_uint, offsetof(KnProbe, initial_delay_s), "int32", NULL },
    { "periodSeconds", read_uint, offsetof(KnProbe, period_s), "int32", NULL },
    { "timeoutSeconds", read_uint, offsetof(KnProbe, timeout_s), "int32", NULL },
    { "successThreshold", read_uint, offsetof(KnProbe, success_threshold), "int32", NULL },
    { "failureThreshold", read_uint, offsetof(KnProbe, failure_threshold), "int32", NULL },
    IGNORED("grpc"), IGNORED("terminationGracePeriodSeconds"),
    { NULL },
};
static const Schema probe_schema = { "Probe", probe_fields, NULL, NULL };

static const Field container_port_fields[] = {
    { "name", read_string, offsetof(KnContainerPort, name), NULL, NULL },
    { "containerPort", read_uint, offsetof(KnContainerPort, container_port), "int32", NULL },
    { "protocol", read_protocol, offsetof(KnContainerPort, protocol), NULL, NULL },
    IGNORED("hostPort"), IGNORED("hostIP"),
    { NULL },
};
static const Schema container_port_schema = {
    "ContainerPort", container_port_fields, (gpointer (*)(void)) kn_container_port_new, NULL,
};

/* command: goes before any args: already read. */
static gboolean
read_command(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    KnContainer *container = target;
    g_autoptr(GPtrArray) command = g_ptr_array_new_with_free_func(g_free);

    if (!read_strings(r, node, &command, field, error))
        return FALSE;
    for (guint i = 0; i < command->len; i++)
        g_ptr_array_insert(container->command, (gint) i, g_steal_pointer(&command->pdata[i]));
    container->n_command = command->len;
    return TRUE;
}

static gboolean
read_args(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    KnContainer *container = target;
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);

    if (!read_strings(r, node, &args, field, error))
        return FALSE;
    for (guint i = 0; i < args->len; i++)
        g_ptr_array_add(container->command, g_steal_pointer(&args->pdata[i]));
    return TRUE;
}

/* What resource.ParseQuantity (apimachinery pkg/api/resource/quantity.go)
 * says of 'text' (UnmarshalJSON trims its spaces first): NULL if it is a
 * quantity, else ErrFormatWrong's or ErrSuffix's message.  It follows
 * parseQuantityString: a sign, digits, an optional '.' and digits, then a
 * suffix of [eEinumkKMGTP]* with an optional signed exponent; the suffix
 * must be one of n u m "" k M G T P E, Ki..Ei, or e/E and an integer. */
static const char *
quantity_error(const char *text)
{
    static const char *const suffixes[] = {
        "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL,
    };
    static const char format_wrong[] =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    g_autofree char *trimmed = g_strstrip(g_strdup(text));
    const char *p = trimmed, *suffix;

    if (*p == '\0')
        return format_wrong;
    if (*p == '+' || *p == '-')
        p++;
    p += strspn(p, "0123456789");
    if (*p == '.') {
        p++;
        p += strspn(p, "0123456789");
    }
    suffix = p;
    p += strspn(p, "eEinumkKMGTP");
    if (*p == '+' || *p == '-')
        p++;
    p += strspn(p, "0123456789");
    if (*p != '\0')
        return format_wrong;
    if (g_strv_contains(suffixes, suffix))
        return NULL;
    if ((suffix[0] == 'e' || suffix[0] == 'E')
        && g_ascii_string_to_signed(suffix + 1, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        return NULL;
    return "unable to parse quantity's suffix";
}

/* resources.requests and .limits: map[ResourceName]resource.Quantity, whose
 * values may be written as strings or numbers ("50m", 0.5, 1); one that
 * ParseQuantity refuses fails the decoding, at its value. */
static gboolean
read_quantities(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    (void) field;
    if (!read_string_map(r, node, target, TRUE, error))
        return FALSE;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(r->ctx->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(r->ctx->doc, pair->value);
        const char *message = quantity_error(kn_scenario_yaml_scalar(value));

        if (message != NULL) {
            Mark mark = push_map_key(r, kn_scenario_yaml_scalar(key));

            kn_scenario_yaml_error(r->ctx, value, error, "%s", message);
            pop(r, mark);
            return FALSE;
        }
    }
    return TRUE;
}

static const Field resources_fields[] = {
    { "limits", read_quantities, offsetof(KnContainer, limits), NULL, NULL },
    { "requests", read_quantities, offsetof(KnContainer, requests), NULL, NULL },
    IGNORED("claims"),
    { NULL },
};
static const Schema resources_schema = { "ResourceRequirements", resources_fields, NULL, NULL };

static const Field container_fields[] = {
    { "name", read_string, offsetof(KnContainer, name), NULL, NULL },
    { "image", read_string, offsetof(KnContainer, image), NULL, NULL },
    { "command", read_command, 0, NULL, NULL },
    { "args", read_args, 0, NULL, NULL },
    { "ports", read_list, offsetof(KnContainer, ports), "[]v1.ContainerPort", &container_port_schema },
    { "readinessProbe", read_object, offsetof(KnContainer, readiness), "v1.Probe", &probe_schema },
    { "resources", read_object, 0, "v1.ResourceRequirements", &resources_schema },
    IGNORED("imagePullPolicy"), IGNORED("env"), IGNORED("envFrom"),
    IGNORED("resizePolicy"), IGNORED("restartPolicy"), IGNORED("volumeMounts"),
    IGNORED("volumeDevices"), IGNORED("livenessProbe"), IGNORED("startupProbe"),
    IGNORED("lifecycle"), IGNORED("securityContext"), IGNORED("workingDir"),
    IGNORED("terminationMessagePath"), IGNORED("terminationMessagePolicy"),
    { "stdin", read_bool, offsetof(KnContainer, stdin), NULL, NULL },
    { "stdinOnce", read_bool, offsetof(KnContainer, stdin_once), NULL, NULL },
    { "tty", read_bool, offsetof(KnContainer, tty), NULL, NULL },
    { NULL },
};
static const Schema container_schema = {
    "Container", container_fields, (gpointer (*)(void)) kn_container_new, NULL,
};

static gboolean
read_toleration_seconds(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                        GError **error)
{
    KnToleration *toleration = target;

    toleration->has_seconds = TRUE;
    return read_uint(r, node, &toleration->seconds, field, error);
}

static const Field toleration_fields[] = {
    { "key", read_string, offsetof(KnToleration, key), NULL, NULL },
    { "operator", read_toleration_operator, offsetof(KnToleration, exists), NULL, NULL },
    { "value", read_string, offsetof(KnToleration, value), NULL, NULL },
    { "effect", read_string, offsetof(KnToleration, effect), NULL, NULL },
    { "tolerationSeconds", read_toleration_seconds, 0, "int64", NULL },
    { NULL },
};
static const Schema toleration_schema = {
    "Toleration", toleration_fields, (gpointer (*)(void)) kn_toleration_new, NULL,
};

static const Field dns_config_option_fields[] = {
    { "name", read_string, offsetof(KnPodDnsConfigOption, name), NULL, NULL },
    { "value", read_string, offsetof(KnPodDnsConfigOption, value), NULL, NULL },
    { NULL },
};
static const Schema dns_config_option_schema = {
    "PodDNSConfigOption", dns_config_option_fields, (gpointer (*)(void)) kn_pod_dns_config_option_new, NULL,
};

static const Field dns_config_fields[] = {
    { "nameservers", read_strings, offsetof(KnPodDnsConfig, nameservers), NULL, NULL },
    { "searches", read_strings, offsetof(KnPodDnsConfig, searches), NULL, NULL },
    { "options", read_list, offsetof(KnPodDnsConfig, options), "[]v1.PodDNSConfigOption",
      &dns_config_option_schema },
    { NULL },
};
static const Schema dns_config_schema = { "PodDNSConfig", dns_config_fields, NULL, NULL };

/* spec.dnsConfig: a pointer in the Go type, so `dnsConfig: {}` is given
 * (and empty) while `dnsConfig: null` is not. */
static gboolean
read_dns_config(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    KnPodDnsConfig **config = target;

    if (*config == NULL)
        *config = kn_pod_dns_config_new();
    return read_object(r, node, *config, field, error);
}

/* spec.terminationGracePeriodSeconds: the API server takes a negative one
 * and makes it 1 (SetDefaults_PodSpec since v1.27, kubernetes#115606;
 * its warning "must be >= 0; negative values are invalid and will be
 * treated as 1" is not printed), where read_uint() would refuse it. */
static gboolean
read_grace_period(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    gint64 value;

    if (json_type(node) == JSON_NUMBER && yaml_int(kn_scenario_yaml_scalar(node), &value) && value < 0) {
        *(guint *) target = 1;
        return TRUE;
    }
    return read_uint(r, node, target, field, error);
}

static const Field pod_spec_fields[] = {
    { "containers", read_list, offsetof(KnPodSpec, containers), "[]v1.Container", &container_schema },
    { "nodeName", read_string, offsetof(KnPodSpec, node_name), NULL, NULL },
    { "hostname", read_string, offsetof(KnPodSpec, hostname), NULL, NULL },
    { "subdomain", read_string, offsetof(KnPodSpec, subdomain), NULL, NULL },
    { "hostNetwork", read_bool, offsetof(KnPodSpec, host_network), NULL, NULL },
    { "enableServiceLinks", read_bool, offsetof(KnPodSpec, enable_service_links), NULL, NULL },
    { "dnsPolicy", read_string, offsetof(KnPodSpec, dns_policy), NULL, NULL },
    { "dnsConfig", read_dns_config, offsetof(KnPodSpec, dns_config), "v1.PodDNSConfig", &dns_config_schema },
    { "terminationGracePeriodSeconds", read_grace_period, offsetof(KnPodSpec, termination_grace_s), "int64", NULL },
    { "nodeSelector", read_labels, offsetof(KnPodSpec, node_selector), NULL, NULL },
    { "tolerations", read_list, offsetof(KnPodSpec, tolerations), "[]v1.Toleration", &toleration_schema },
    IGNORED("volumes"), IGNORED("initContainers"), IGNORED("ephemeralContainers"),
    { "restartPolicy", read_string, offsetof(KnPodSpec, restart_policy), NULL, NULL },
    IGNORED("serviceAccountName"), IGNORED("serviceAccount"),
    IGNORED("automountServiceAccountToken"), IGNORED("securityContext"), IGNORED("affinity"),
    IGNORED("topologySpreadConstraints"), IGNORED("imagePullSecrets"),
    IGNORED("priorityClassName"), IGNORED("priority"), IGNORED("preemptionPolicy"),
    IGNORED("schedulerName"), IGNORED("hostAliases"), IGNORED("hostPID"),
    IGNORED("hostIPC"), IGNORED("shareProcessNamespace"),
    IGNORED("activeDeadlineSeconds"), IGNORED("runtimeClassName"), IGNORED("overhead"),
    IGNORED("readinessGates"), IGNORED("os"), IGNORED("setHostnameAsFQDN"),
    IGNORED("resourceClaims"), IGNORED("schedulingGates"), IGNORED("hostUsers"),
    IGNORED("resources"),
    { NULL },
};
static const Schema pod_spec_schema = { "PodSpec", pod_spec_fields, NULL, NULL };

static const Field template_fields[] = {
    { "metadata", read_object, 0, "v1.ObjectMeta", &template_meta_schema },
    { "spec", read_object, offsetof(KnPodTemplate, spec), "v1.PodSpec", &pod_spec_schema },
    { NULL },
};
static const Schema template_schema = { "PodTemplateSpec", template_fields, NULL, NULL };

/*****************************************************************************/
/* Services. */

/* API defaulting: targetPort is the port when not given. */
static gboolean
finish_service_port(Reader *r, yaml_node_t *node, gpointer target, GError **error)
{
    KnServicePort *port = target;

    (void) error;
    port->loc = kn_scenario_yaml_loc(r->ctx, node);
    if (!port->target_port.is_string && port->target_port.number == 0)
        kn_int_or_string_set_number(&port->target_port, port->port);
    return TRUE;
}

static const Field service_port_fields[] = {
    { "name", read_string, offsetof(KnServicePort, name), NULL, NULL },
    { "protocol", read_service_port_protocol, 0, NULL, NULL },
    { "appProtocol", read_string, offsetof(KnServicePort, app_protocol), NULL, NULL },
    { "port", read_int32, offsetof(KnServicePort, port), "int32", NULL },
    { "targetPort", read_int_or_string_int32, offsetof(KnServicePort, target_port), NULL, NULL },
    { "nodePort", read_int32, offsetof(KnServicePort, node_port), "int32", NULL },
    { NULL },
};
static const Schema service_port_schema = {
    "ServicePort", service_port_fields, (gpointer (*)(void)) kn_service_port_new, finish_service_port,
};

static const Field client_ip_fields[] = {
    { "timeoutSeconds", read_int32, offsetof(KnServiceSpec, session_affinity_timeout_s), "int32", NULL },
    { NULL },
};
static const Schema client_ip_schema = { "ClientIPConfig", client_ip_fields, NULL, NULL };

static const Field session_affinity_config_fields[] = {
    { "clientIP", read_object, 0, "v1.ClientIPConfig", &client_ip_schema },
    { NULL },
};
static const Schema session_affinity_config_schema = {
    "SessionAffinityConfig", session_affinity_config_fields, NULL, NULL,
};

static gboolean
read_session_affinity_config(Reader *r, yaml_node_t *node, gpointer target, const Field *field,
                             GError **error)
{
    ((KnServiceSpec *) target)->has_session_affinity_config = TRUE;
    return read_object(r, node, target, field, error);
}

/* What the API server does to a spec before validation sees it.
 *
 * SetDefaults_Service (pkg/apis/core/v1/defaults.go) drops
 * sessionAffinityConfig when sessionAffinity is None, so a manifest that
 * keeps the config after switching affinity off is accepted, never refused
 * with validation's "must not be set when session affinity is None".
 *
 * normalizeClusterIPs (registry/core/service/storage) fills clusterIPs from
 * a lone clusterIP, but never clusterIP from clusterIPs: a create that gives
 * only clusterIPs fails validation ("must be empty when `clusterIP` is not
 * specified"), and an update gets the old clusterIP from the API server's
 * patchAllocatedValues (kn_apiserver_update()). */
static gboolean
finish_service_spec(Reader *r, yaml_node_t *node, gpointer target, GError **error)
{
    KnServiceSpec *spec = target;

    (void) r;
    (void) node;
    (void) error;
    if (!spec->session_affinity_client_ip && spec->session_affinity_raw == NULL) {
        spec->has_session_affinity_config = FALSE;
        spec->session_affinity_timeout_s = 10800;
    }
    if (spec->cluster_ip != NULL && spec->cluster_ip[0] != '\0' && spec->cluster_ips->len == 0)
        g_ptr_array_add(spec->cluster_ips, g_strdup(spec->cluster_ip));
    return TRUE;
}

static const Field service_spec_fields[] = {
    { "type", read_service_type, 0, NULL, NULL },
    { "selector", read_labels, offsetof(KnServiceSpec, selector), NULL, NULL },
    { "ports", read_list, offsetof(KnServiceSpec, ports), "[]v1.ServicePort", &service_port_schema },
    { "clusterIP", read_string, offsetof(KnServiceSpec, cluster_ip), NULL, NULL },
    { "clusterIPs", read_strings, offsetof(KnServiceSpec, cluster_ips), NULL, NULL },
    { "ipFamilies", read_ip_families, offsetof(KnServiceSpec, ip_families), NULL, NULL },
    { "ipFamilyPolicy", read_ip_family_policy, 0, NULL, NULL },
    { "externalIPs", read_strings, offsetof(KnServiceSpec, external_ips), NULL, NULL },
    { "externalName", read_string, offsetof(KnServiceSpec, external_name), NULL, NULL },
    { "sessionAffinity", read_session_affinity, 0, NULL, NULL },
    { "sessionAffinityConfig", read_session_affinity_config, 0, "v1.SessionAffinityConfig",
      &session_affinity_config_schema },
    { "externalTrafficPolicy", read_external_traffic_policy, 0, NULL, NULL },
    { "internalTrafficPolicy", read_internal_traffic_policy, 0, NULL, NULL },
    { "healthCheckNodePort", read_int32, offsetof(KnServiceSpec, health_check_node_port), "int32", NULL },
    { "loadBalancerIP", read_string, offsetof(KnServiceSpec, load_balancer_ip), NULL, NULL },
    { "loadBalancerSourceRanges", read_strings, offsetof(KnServiceSpec, load_balancer_source_ranges), NULL, NULL },
    { "loadBalancerClass", read_string, offsetof(KnServiceSpec, load_balancer_class), NULL, NULL },
    { "allocateLoadBalancerNodePorts", read_allocate_node_ports, 0, NULL, NULL },
    { "publishNotReadyAddresses", read_bool, offsetof(KnServiceSpec, publish_not_ready_addresses), NULL, NULL },
    { "trafficDistribution", read_string, offsetof(KnServiceSpec, traffic_distribution), NULL, NULL },
    { NULL },
};
static const Schema service_spec_schema = { "ServiceSpec", service_spec_fields, NULL, finish_service_spec };

/*****************************************************************************/
/* EndpointSlices and Endpoints. */

/* A condition not given: the endpoint is read with these and finished. */
#define CONDITION_UNSET 2

static gpointer
endpoint_item_new(void)
{
    KnEndpoint *endpoint = kn_endpoint_new();

    endpoint->ready = endpoint->serving = endpoint->terminating = CONDITION_UNSET;
    return endpoint;
}

/* discovery/v1: nil ready means ready, nil serving means as ready. */
static gboolean
finish_endpoint(Reader *r, yaml_node_t *node, gpointer target, GError **error)
{
    KnEndpoint *endpoint = target;

    (void) r;
    (void) node;
    (void) error;
    if (endpoint->ready == CONDITION_UNSET)
        endpoint->ready = TRUE;
    if (endpoint->serving == CONDITION_UNSET)
        endpoint->serving = endpoint->ready;
    if (endpoint->terminating == CONDITION_UNSET)
        endpoint->terminating = FALSE;
    return TRUE;
}

static const Field conditions_fields[] = {
    { "ready", read_bool, offsetof(KnEndpoint, ready), NULL, NULL },
    { "serving", read_bool, offsetof(KnEndpoint, serving), NULL, NULL },
    { "terminating", read_bool, offsetof(KnEndpoint, terminating), NULL, NULL },
    { NULL },
};
static const Schema conditions_schema = { "EndpointConditions", conditions_fields, NULL, NULL };

#define TARGET_REF_FIELDS(type)                                                      \
    { "name", read_string, offsetof(type, target_pod), NULL, NULL },                \
    { "namespace", read_string, offsetof(type, target_namespace), NULL, NULL },     \
    { "uid", read_string, offsetof(type, target_uid), NULL, NULL },                 \
    IGNORED("kind"), IGNORED("apiVersion"), IGNORED("resourceVersion"), IGNORED("fieldPath"), \
    { NULL }

static const Field endpoint_target_fields[] = { TARGET_REF_FIELDS(KnEndpoint) };
static const Schema endpoint_target_schema = { "ObjectReference", endpoint_target_fields, NULL, NULL };

/* hints.forZones[].name and hints.forNodes[].name, as lists of strings. */
typedef struct {
    char *name;
} ForZone;

static gpointer
for_zone_new(void)
{
    return g_new0(ForZone, 1);
}

static void
for_zone_free(ForZone *zone)
{
    g_free(zone->name);
    g_free(zone);
}

static const Field for_zone_fields[] = {
    { "name", read_string, offsetof(ForZone, name), NULL, NULL },
    { NULL },
};
static const Schema for_zone_schema = { "ForZone", for_zone_fields, for_zone_new, NULL };
static const Schema for_node_schema = { "ForNode", for_zone_fields, for_zone_new, NULL };

static gboolean
read_for_zones(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    GPtrArray *names = *(GPtrArray **) target;
    g_autoptr(GPtrArray) zones = g_ptr_array_new_with_free_func((GDestroyNotify) for_zone_free);

    if (!read_list(r, node, &zones, field, error))
        return FALSE;
    g_ptr_array_set_size(names, 0);
    for (guint i = 0; i < zones->len; i++)
        g_ptr_array_add(names, g_strdup(((ForZone *) zones->pdata[i])->name));
    return TRUE;
}

static const Field hints_fields[] = {
    { "forZones", read_for_zones, offsetof(KnEndpoint, hint_zones), "[]v1.ForZone", &for_zone_schema },
    { "forNodes", read_for_zones, offsetof(KnEndpoint, hint_nodes), "[]v1.ForNode", &for_node_schema },
    { NULL },
};
static const Schema hints_schema = { "EndpointHints", hints_fields, NULL, NULL };

static const Field endpoint_fields[] = {
    { "addresses", read_strings, offsetof(KnEndpoint, addresses), NULL, NULL },
    { "conditions", read_object, 0, "v1.EndpointConditions", &conditions_schema },
    { "hostname", read_string, offsetof(KnEndpoint, hostname), NULL, NULL },
    { "nodeName", read_string, offsetof(KnEndpoint, node_name), NULL, NULL },
    { "zone", read_string, offsetof(KnEndpoint, zone), NULL, NULL },
    { "targetRef", read_object, 0, "v1.ObjectReference", &endpoint_target_schema },
    { "hints", read_object, 0, "v1.EndpointHints", &hints_schema },
    IGNORED("deprecatedTopology"),
    { NULL },
};
static const Schema endpoint_schema = { "Endpoint", endpoint_fields, endpoint_item_new, finish_endpoint };

static const Field endpoint_port_fields[] = {
    { "name", read_string, offsetof(KnEndpointPort, name), NULL, NULL },
    { "protocol", read_protocol, offsetof(KnEndpointPort, protocol), NULL, NULL },
    { "port", read_uint, offsetof(KnEndpointPort, port), "int32", NULL },
    { "appProtocol", read_string, offsetof(KnEndpointPort, app_protocol), NULL, NULL },
    { NULL },
};
static const Schema endpoint_port_schema = {
    "EndpointPort", endpoint_port_fields, (gpointer (*)(void)) kn_endpoint_port_new, NULL,
};

static const Field address_target_fields[] = { TARGET_REF_FIELDS(KnEndpointAddress) };
static const Schema address_target_schema = { "ObjectReference", address_target_fields, NULL, NULL };

static const Field endpoint_address_fields[] = {
    { "ip", read_string, offsetof(KnEndpointAddress, ip), NULL, NULL },
    { "hostname", read_string, offsetof(KnEndpointAddress, hostname), NULL, NULL },
    { "nodeName", read_string, offsetof(KnEndpointAddress, node_name), NULL, NULL },
    { "targetRef", read_object, 0, "v1.ObjectReference", &address_target_schema },
    { NULL },
};
static const Schema endpoint_address_schema = {
    "EndpointAddress", endpoint_address_fields, (gpointer (*)(void)) kn_endpoint_address_new, NULL,
};

static const Field endpoint_subset_fields[] = {
    { "addresses", read_list, offsetof(KnEndpointSubset, addresses), "[]v1.EndpointAddress",
      &endpoint_address_schema },
    { "notReadyAddresses", read_list, offsetof(KnEndpointSubset, not_ready_addresses),
      "[]v1.EndpointAddress", &endpoint_address_schema },
    { "ports", read_list, offsetof(KnEndpointSubset, ports), "[]v1.EndpointPort", &endpoint_port_schema },
    { NULL },
};
static const Schema endpoint_subset_schema = {
    "EndpointSubset", endpoint_subset_fields, (gpointer (*)(void)) kn_endpoint_subset_new, NULL,
};

/*****************************************************************************/
/* Workloads. */

static const Field rolling_update_fields[] = {
    { "maxSurge", read_int_or_string_int32, offsetof(KnDeployment, max_surge), NULL, NULL },
    { "maxUnavailable", read_int_or_string_int32, offsetof(KnDeployment, max_unavailable), NULL, NULL },
    { NULL },
};
static const Schema rolling_update_schema = { "RollingUpdateDeployment", rolling_update_fields, NULL, NULL };

/* spec.strategy.type; "" is defaulted to RollingUpdate, and another
 * string is kept for validation to refuse. */
static gboolean
read_strategy_type(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    static const char *const names[] = { "RollingUpdate", "Recreate", NULL };
    KnDeployment *d = target;
    int index;
    const char *text = read_service_enum(r, node, names, &index, error);

    (void) field;
    if (text == NULL)
        return FALSE;
    d->recreate = index == 1;
    if (index < 0 && *text != '\0')
        set_raw(&d->strategy_raw, text);
    return TRUE;
}

/* spec.strategy.rollingUpdate, noting that it was given (Recreate forbids
 * it). */
static gboolean
read_rolling_update(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    if (json_type(node) != JSON_NULL)
        ((KnDeployment *) target)->rolling_update_given = TRUE;
    return read_object(r, node, target, field, error);
}

static const Field strategy_fields[] = {
    { "rollingUpdate", read_rolling_update, 0, "v1.RollingUpdateDeployment", &rolling_update_schema },
    { "type", read_strategy_type, 0, NULL, NULL },
    { NULL },
};
static const Schema strategy_schema = { "DeploymentStrategy", strategy_fields, NULL, NULL };

#define SELECTOR(type) \
    { "selector", read_selector, offsetof(type, selector), "v1.LabelSelector", &label_selector_schema }
#define TEMPLATE(type) \
    { "template", read_object, offsetof(type, template), "v1.PodTemplateSpec", &template_schema }

static const Field deployment_spec_fields[] = {
    { "replicas", read_int32, offsetof(KnDeployment, replicas), "int32", NULL },
    SELECTOR(KnDeployment),
    TEMPLATE(KnDeployment),
    { "strategy", read_object, 0, "v1.DeploymentStrategy", &strategy_schema },
    { "minReadySeconds", read_int32, offsetof(KnDeployment, min_ready_s), "int32", NULL },
    { "revisionHistoryLimit", read_int32, offsetof(KnDeployment, revision_history_limit), "int32", NULL },
    { "progressDeadlineSeconds", read_int32, offsetof(KnDeployment, progress_deadline_s), "int32", NULL },
    IGNORED("paused"),
    { NULL },
};
static const Schema deployment_spec_schema = { "DeploymentSpec", deployment_spec_fields, NULL, NULL };

static const Field replica_set_spec_fields[] = {
    { "replicas", read_int32, offsetof(KnReplicaSet, replicas), "int32", NULL },
    SELECTOR(KnReplicaSet),
    TEMPLATE(KnReplicaSet),
    { "minReadySeconds", read_int32, offsetof(KnReplicaSet, min_ready_s), "int32", NULL },
    { NULL },
};
static const Schema replica_set_spec_schema = { "ReplicaSetSpec", replica_set_spec_fields, NULL, NULL };

static const Field stateful_set_spec_fields[] = {
    { "replicas", read_int32, offsetof(KnStatefulSet, replicas), "int32", NULL },
    { "serviceName", read_string, offsetof(KnStatefulSet, service_name), NULL, NULL },
    SELECTOR(KnStatefulSet),
    TEMPLATE(KnStatefulSet),
    { "podManagementPolicy", read_pod_management_policy, offsetof(KnStatefulSet, parallel), NULL, NULL },
    { "minReadySeconds", read_int32, offsetof(KnStatefulSet, min_ready_s), "int32", NULL },
    IGNORED("volumeClaimTemplates"), IGNORED("updateStrategy"), IGNORED("revisionHistoryLimit"),
    IGNORED("persistentVolumeClaimRetentionPolicy"),
    IGNORED("ordinals"),
    { NULL },
};
static const Schema stateful_set_spec_schema = { "StatefulSetSpec", stateful_set_spec_fields, NULL, NULL };

static const Field daemon_set_spec_fields[] = {
    SELECTOR(KnDaemonSet),
    TEMPLATE(KnDaemonSet),
    { "minReadySeconds", read_int32, offsetof(KnDaemonSet, min_ready_s), "int32", NULL },
    { "revisionHistoryLimit", read_int32, offsetof(KnDaemonSet, revision_history_limit), "int32", NULL },
    IGNORED("updateStrategy"),
    { NULL },
};
static const Schema daemon_set_spec_schema = { "DaemonSetSpec", daemon_set_spec_fields, NULL, NULL };

/*****************************************************************************/
/* The kinds. */

/* Fields every kind has: apiVersion and kind (checked before), metadata. */
#define TYPE_META IGNORED("apiVersion"), IGNORED("kind"), METADATA

static const Field namespace_fields[] = { TYPE_META, IGNORED("spec"), IGNORED("status"), { NULL } };

static const Field pod_fields[] = {
    TYPE_META,
    { "spec", read_object, offsetof(KnPod, spec), "v1.PodSpec", &pod_spec_schema },
    IGNORED("status"),
    { NULL },
};

static const Field service_fields[] = {
    TYPE_META,
    { "spec", read_object, offsetof(KnService, spec), "v1.ServiceSpec", &service_spec_schema },
    IGNORED("status"),
    { NULL },
};

/* addressType has no default: a slice read without it is marked, for the
 * API server's "addressType: Required value". */
static gpointer
endpoint_slice_new(void)
{
    KnEndpointSlice *slice = kn_endpoint_slice_new();

    slice->address_type_missing = TRUE;
    return slice;
}

static gboolean
read_slice_address_type(Reader *r, yaml_node_t *node, gpointer target, const Field *field, GError **error)
{
    KnEndpointSlice *slice = target;

    if (!read_address_type(r, node, &slice->address_type, field, error))
        return FALSE;
    slice->address_type_missing = FALSE;
    return TRUE;
}

static const Field endpoint_slice_fields[] = {
    TYPE_META,
    { "addressType", read_slice_address_type, 0, NULL, NULL },
    { "endpoints", read_list, offsetof(KnEndpointSlice, endpoints), "[]v1.Endpoint", &endpoint_schema },
    { "ports", read_list, offsetof(KnEndpointSlice, ports), "[]v1.EndpointPort", &endpoint_port_schema },
    { NULL },
};

static const Field endpoints_fields[] = {
    TYPE_META,
    { "subsets", read_list, offsetof(KnEndpoints, subsets), "[]v1.EndpointSubset", &endpoint_subset_schema },
    { NULL },
};

static const Field config_map_fields[] = {
    TYPE_META,
    { "data", read_labels, offsetof(KnConfigMap, data), NULL, NULL },
    IGNORED("binaryData"), IGNORED("immutable"),
    { NULL },
};

#define WORKLOAD_FIELDS(spec_type, spec_schema) \
    TYPE_META, { "spec", read_object, 0, spec_type, spec_schema }, IGNORED("status"), { NULL }

static const Field deployment_fields[] = { WORKLOAD_FIELDS("v1.DeploymentSpec", &deployment_spec_schema) };
static const Field replica_set_fields[] = { WORKLOAD_FIELDS("v1.ReplicaSetSpec", &replica_set_spec_schema) };
static const Field stateful_set_fields[] = { WORKLOAD_FIELDS("v1.StatefulSetSpec", &stateful_set_spec_schema) };
static const Field daemon_set_fields[] = { WORKLOAD_FIELDS("v1.DaemonSetSpec", &daemon_set_spec_schema) };

/* Each kind's constructor and top-level keys; NULL: not read from manifests. */
static const struct {
    gpointer (*object_new)(void);
    const Field *fields;
} kinds[KN_N_KINDS] = {
    [KN_KIND_NAMESPACE] = { (gpointer (*)(void)) kn_namespace_new, namespace_fields },
    [KN_KIND_NODE] = { NULL, NULL },
    [KN_KIND_POD] = { (gpointer (*)(void)) kn_pod_new, pod_fields },
    [KN_KIND_DEPLOYMENT] = { (gpointer (*)(void)) kn_deployment_new, deployment_fields },
    [KN_KIND_REPLICA_SET] = { (gpointer (*)(void)) kn_replica_set_new, replica_set_fields },
    [KN_KIND_STATEFUL_SET] = { (gpointer (*)(void)) kn_stateful_set_new, stateful_set_fields },
    [KN_KIND_DAEMON_SET] = { (gpointer (*)(void)) kn_daemon_set_new, daemon_set_fields },
    [KN_KIND_SERVICE] = { (gpointer (*)(void)) kn_service_new, service_fields },
    [KN_KIND_ENDPOINT_SLICE] = { endpoint_slice_new, endpoint_slice_fields },
    [KN_KIND_ENDPOINTS] = { (gpointer (*)(void)) kn_endpoints_new, endpoints_fields },
    [KN_KIND_CONFIG_MAP] = { (gpointer (*)(void)) kn_config_map_new, config_map_fields },
    [KN_KIND_EVENT] = { NULL, NULL },
};

/*****************************************************************************/

void
kn_scenario_manifest_free(KnManifest *manifest)
{
    if (manifest == NULL)
        return;
    kn_object_free(manifest->kind, manifest->object);
    g_clear_pointer(&manifest->positions, g_hash_table_unref);
    g_free(manifest);
}

gpointer
kn_scenario_manifest_steal_object(KnManifest *manifest)
{
    g_return_val_if_fail(manifest != NULL, NULL);
    return g_steal_pointer(&manifest->object);
}

/* The TypeMeta string 'key' of 'root', or NULL with 'error' set. */
static const char *
type_meta(Reader *r, yaml_node_t *root, const char *key, yaml_node_t **node, GError **error)
{
    Mark mark;

    *node = kn_scenario_yaml_get(r->ctx, root, key);
    if (*node == NULL || json_type(*node) == JSON_NULL) {
        kn_scenario_yaml_error(r->ctx, root, error, "%s not set", key);
        return NULL;
    }
    mark = push_key(r, key);
    if (json_type(*node) != JSON_STRING) {
        r->go_struct = "TypeMeta";
        type_error(r, *node, "string", error);
        return NULL;
    }
    pop(r, mark);
    return kn_scenario_yaml_scalar(*node);
}

KnManifest *
kn_scenario_manifest_read(KnYamlCtx *ctx, yaml_node_t *root, GError **error)
{
    g_return_val_if_fail(ctx != NULL && root != NULL, NULL);

    g_autoptr(GString) go_path = g_string_new(NULL);
    g_autoptr(KnManifest) manifest = g_new0(KnManifest, 1);
    Reader reader = { ctx, NULL, go_path, NULL };
    yaml_node_t *kind_node, *version_node;
    const char *kind_name, *version;

    manifest->loc = kn_scenario_yaml_loc(ctx, root);
    manifest->positions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    reader.positions = manifest->positions;
    if (!kn_scenario_yaml_expect_type(ctx, root, YAML_MAPPING_NODE, error))
        return NULL;
    if ((version = type_meta(&reader, root, "apiVersion", &version_node, error)) == NULL
        || (kind_name = type_meta(&reader, root, "kind", &kind_node, error)) == NULL)
        return NULL;

    /* kubectl's REST mapper: the kind must be served at that version. */
    if (!kn_kind_lookup(kind_name, &manifest->kind)) {
        kn_scenario_yaml_error_code(ctx, kind_node, error, KN_INPUT_ERROR_UNSUPPORTED,
                                    "no matches for kind \"%s\" in version \"%s\"", kind_name, version);
        return NULL;
    }
    if (strcmp(version, kn_kind_api_version(manifest->kind)) != 0) {
        kn_scenario_yaml_error(ctx, version_node, error, "no matches for kind \"%s\" in version \"%s\"",
                               kind_name, version);
        return NULL;
    }
    if (kinds[manifest->kind].fields == NULL) {
        kn_scenario_yaml_error_code(ctx, kind_node, error, KN_INPUT_ERROR_UNSUPPORTED,
                                    "%s manifests are not read: the cluster's nodes are the "
                                    "Scenario's cluster.nodes", kind_name);
        return NULL;
    }

    /* The document, against the kind's keys. */
    Schema schema = { kn_kind_name(manifest->kind), kinds[manifest->kind].fields, NULL, NULL };
    KnObjectMeta *meta;

    manifest->object = kinds[manifest->kind].object_new();
    meta = kn_object_meta(manifest->object);
    meta->loc = manifest->loc;
    /* A workload's selector is there only if the manifest has one. */
    switch (manifest->kind) {
    case KN_KIND_DEPLOYMENT:
        ((KnDeployment *) manifest->object)->selector_rest.given = FALSE;
        break;
    case KN_KIND_REPLICA_SET:
        ((KnReplicaSet *) manifest->object)->selector_rest.given = FALSE;
        break;
    case KN_KIND_STATEFUL_SET:
        ((KnStatefulSet *) manifest->object)->selector_rest.given = FALSE;
        break;
    case KN_KIND_DAEMON_SET:
        ((KnDaemonSet *) manifest->object)->selector_rest.given = FALSE;
        break;
    default:
        break;
    }
    record(&reader, root);
    if (!read_mapping(&reader, root, &schema, manifest->object, "", error))
        return NULL;

    /* apimachinery ValidateObjectMeta; cluster-scoped kinds have no namespace. */
    if ((meta->name == NULL || *meta->name == '\0')
        && (meta->generate_name == NULL || *meta->generate_name == '\0')) {
        yaml_node_t *metadata = kn_scenario_yaml_get(ctx, root, "metadata");

        push_key(&reader, "metadata.name");
        kn_scenario_yaml_error(ctx, metadata != NULL ? metadata : root, error,
                               "Required value: name or generateName is required");
        return NULL;
    }
    if (manifest->kind == KN_KIND_NAMESPACE)
        g_clear_pointer(&meta->namespace, g_free);
    return g_steal_pointer(&manifest);
}

const KnSrcLoc *
kn_scenario_manifest_locate(const KnManifest *manifest, const char *field_path)
{
    g_return_val_if_fail(manifest != NULL && field_path != NULL, NULL);

    g_autofree char *path = g_strdup(field_path);

    for (;;) {
        const KnSrcLoc *loc = g_hash_table_lookup(manifest->positions, path);
        gsize len = strlen(path);
        char *cut;

        if (loc != NULL)
            return loc;
        if (len == 0)
            return &manifest->loc;
        /* Drop the last "[i]"/"[key]" or ".key". */
        if (path[len - 1] == ']' && (cut = strrchr(path, '[')) != NULL) {
            *cut = '\0';
        } else {
            char *dot = strrchr(path, '.');
            char *bracket = strrchr(path, ']');

            if (bracket != NULL && (dot == NULL || bracket > dot))
                bracket[1] = '\0';
            else if (dot != NULL)
                *dot = '\0';
            else
                *path = '\0';
        }
    }
}

static void
manifest_free(gpointer manifest)
{
    kn_scenario_manifest_free(manifest);
}

GPtrArray *
kn_scenario_manifest_read_data(const char *file, const char *text, gsize length, GError **error)
{
    g_return_val_if_fail(file != NULL, NULL);
    g_return_val_if_fail(text != NULL || length == 0, NULL);

    g_autoptr(GPtrArray) manifests = g_ptr_array_new_with_free_func(manifest_free);
    g_autofree char *source = NULL;
    yaml_parser_t parser;
    gboolean ok = TRUE;

    if (memchr(text, '\0', length) != NULL || !g_utf8_validate(text, (gssize) length, NULL)) {
        KnSrcLoc loc = { file, 0, 0 };

        kn_diag_set_error(error, KN_INPUT_ERROR_SYNTAX, &loc, NULL, "not a UTF-8 text file");
        return NULL;
    }
    source = g_strndup(text, length);
    if (!kn_scenario_yaml_check_depth(file, source, error))
        return NULL;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const guchar *) source, length);
    while (ok) {
        yaml_document_t doc;
        yaml_node_t *root;

        if (!yaml_parser_load(&parser, &doc)) {
            ok = kn_scenario_yaml_syntax_error(file, source, &parser, error);
            break;
        }
        root = yaml_document_get_root_node(&doc);
        if (root == NULL) {              /* the end of the stream */
            yaml_document_delete(&doc);
            break;
        }
        if (root->type != YAML_SCALAR_NODE || *kn_scenario_yaml_scalar(root) != '\0') {
            g_autoptr(GString) path = g_string_new(NULL);
            KnYamlCtx ctx = { file, source, &doc, path };
            KnManifest *manifest = kn_scenario_manifest_read(&ctx, root, error);

            /* After the decoding, whose errors come first as the API
             * server's would. */
            if (manifest != NULL && !kn_scenario_yaml_check_nul(&ctx, error))
                g_clear_pointer(&manifest, kn_scenario_manifest_free);

            if (manifest != NULL)
                g_ptr_array_add(manifests, manifest);
            ok = manifest != NULL;
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return ok ? g_steal_pointer(&manifests) : NULL;
}
