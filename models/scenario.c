/* scenario.c -- the scenario loader of scenario.h.
 *
 * DOC: The file is a YAML stream read with libyaml's document API, which
 * keeps each node's position.  Every mapping is read against a key table
 * (as netplan's parse.c does): a key that is not in the table is an error
 * at the key, named with its field path, like the API server's strict
 * decoding ("unknown field"); a key given twice is an error too.  Positions
 * in libyaml marks are 0-based; messages are 1-based.
 *
 * Simplified: Kubernetes manifests after the Scenario document, and every
 * step but wait, are recognised and refused as "not built yet": they need
 * the cluster model.  Their syntax is not checked yet. */

#include <config.h>
#include "models/scenario.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>
#include <yaml.h>

/*****************************************************************************/

typedef struct {
    KnScenario *scenario;        /* being built */
    yaml_document_t *doc;        /* the document being read */
    GString *path;               /* field path of the node being read */
} Ctx;

typedef gboolean (*ParseFunc)(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error);

typedef struct Field Field;

struct Field {
    const char *key;
    yaml_node_type_t type;
    ParseFunc parse;             /* reads the value; NULL for a nested mapping */
    gsize offset;                /* where in the target struct */
    const Field *fields;         /* a nested mapping's keys, read into the same target */
    const char *what;            /* a nested mapping's name in messages */
};

static gboolean parse_mapping(Ctx *ctx, yaml_node_t *node, const Field *fields, gpointer target,
                              const char *what, GError **error);

static KnSrcLoc
loc_of(Ctx *ctx, const yaml_node_t *node)
{
    return (KnSrcLoc) { ctx->scenario->file, (guint) node->start_mark.line + 1,
                        (guint) node->start_mark.column + 1 };
}

static gboolean
scenario_verror(Ctx *ctx, const yaml_node_t *node, GError **error, gint code,
                const char *format, va_list args)
{
    g_autofree char *message = g_strdup_vprintf(format, args);
    KnSrcLoc loc = loc_of(ctx, node);

    if (ctx->path->len > 0)
        kn_diag_set_error(error, code, &loc, ctx->scenario->source, "%s: %s", ctx->path->str, message);
    else
        kn_diag_set_error(error, code, &loc, ctx->scenario->source, "%s", message);
    return FALSE;
}

/* Sets 'error' for a bad value at 'node', prefixed with the field path, and
 * returns FALSE. */
static gboolean G_GNUC_PRINTF(4, 5)
scenario_error(Ctx *ctx, const yaml_node_t *node, GError **error, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    scenario_verror(ctx, node, error, KN_INPUT_ERROR_VALUE, format, args);
    va_end(args);
    return FALSE;
}

/* As scenario_error(), with another error code. */
static gboolean G_GNUC_PRINTF(5, 6)
scenario_error_code(Ctx *ctx, const yaml_node_t *node, GError **error, gint code,
                    const char *format, ...)
{
    va_list args;

    va_start(args, format);
    scenario_verror(ctx, node, error, code, format, args);
    va_end(args);
    return FALSE;
}

static const char *
type_name(yaml_node_type_t type)
{
    switch (type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

static const char *
scalar(const yaml_node_t *node)
{
    return (const char *) node->data.scalar.value;
}

/* Pushes ".key" or "[i]" onto the path; returns the length to pop back to. */
static gsize
path_push_key(Ctx *ctx, const char *key)
{
    gsize len = ctx->path->len;

    g_string_append_printf(ctx->path, len > 0 ? ".%s" : "%s", key);
    return len;
}

static gsize
path_push_index(Ctx *ctx, gsize index)
{
    gsize len = ctx->path->len;

    g_string_append_printf(ctx->path, "[%zu]", index);
    return len;
}

static gboolean
expect_type(Ctx *ctx, yaml_node_t *node, yaml_node_type_t type, GError **error)
{
    if (node->type == type)
        return TRUE;
    return scenario_error_code(ctx, node, error, KN_INPUT_ERROR_TYPE, "expected %s, found %s",
                               type_name(type), type_name(node->type));
}

/* Reads the mapping 'node' into 'target' through 'fields' (ending with a
 * NULL key); 'what' names the mapping in messages. */
static gboolean
parse_mapping(Ctx *ctx, yaml_node_t *node, const Field *fields, gpointer target,
              const char *what, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (!expect_type(ctx, node, YAML_MAPPING_NODE, error))
        return FALSE;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(ctx->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(ctx->doc, pair->value);
        const Field *field;

        if (!expect_type(ctx, key, YAML_SCALAR_NODE, error))
            return FALSE;
        for (field = fields; field->key != NULL; field++)
            if (strcmp(field->key, scalar(key)) == 0)
                break;
        if (field->key == NULL) {
            g_autoptr(GString) known = g_string_new(NULL);

            for (const Field *f = fields; f->key != NULL; f++)
                g_string_append_printf(known, "%s%s", known->len > 0 ? ", " : "", f->key);
            return scenario_error_code(ctx, key, error, KN_INPUT_ERROR_UNKNOWN_KEY,
                                       "unknown key '%s' in %s (expected %s)",
                                       scalar(key), what, known->str);
        }
        if (!g_hash_table_add(seen, (gpointer) field->key))
            return scenario_error(ctx, key, error, "duplicate key '%s' in %s", field->key, what);

        gsize mark = path_push_key(ctx, field->key);
        gpointer at = (char *) target + field->offset;
        gboolean ok = expect_type(ctx, value, field->type, error)
                      && (field->parse != NULL
                              ? field->parse(ctx, value, at, error)
                              : parse_mapping(ctx, value, field->fields, at, field->what, error));

        if (!ok)
            return FALSE;
        g_string_truncate(ctx->path, mark);
    }
    return TRUE;
}

/* Returns 'key''s value node in the mapping 'node', or NULL. */
static yaml_node_t *
mapping_get(Ctx *ctx, yaml_node_t *node, const char *key)
{
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, pair->key);

        if (k->type == YAML_SCALAR_NODE && strcmp(scalar(k), key) == 0)
            return yaml_document_get_node(ctx->doc, pair->value);
    }
    return NULL;
}

/*****************************************************************************/
/* Scalars. */

static gboolean
parse_string(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    char **out = target;

    if (*scalar(node) == '\0')
        return scenario_error(ctx, node, error, "must not be empty");
    g_free(*out);
    *out = g_strdup(scalar(node));
    return TRUE;
}

static gboolean
parse_u64(Ctx *ctx, yaml_node_t *node, guint64 max, guint64 *out, GError **error)
{
    guint64 value = 0;

    if (!g_ascii_string_to_unsigned(scalar(node), 10, 0, max, &value, NULL))
        return scenario_error(ctx, node, error, "expected an integer from 0 to %" G_GUINT64_FORMAT
                              ", found '%s'", max, scalar(node));
    *out = value;
    return TRUE;
}

static gboolean
parse_seed(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return parse_u64(ctx, node, G_MAXUINT64, target, error);
}

static gboolean
parse_cpu(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    guint64 value = 0;

    if (!parse_u64(ctx, node, 1024, &value, error))
        return FALSE;
    *(guint *) target = (guint) value;
    return TRUE;
}

static gboolean
parse_duration(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (!kn_time_parse(scalar(node), target, &local))
        return scenario_error(ctx, node, error, "%s", local->message);
    return TRUE;
}

static gboolean
parse_repeat(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    guint64 value = 0;

    if (!parse_u64(ctx, node, 1000000, &value, error))
        return FALSE;
    if (value == 0)
        return scenario_error(ctx, node, error, "must be at least 1");
    *(guint *) target = (guint) value;
    return TRUE;
}

/* Reads one of 'names' (NULL-terminated) into the enum at 'target'. */
static gboolean
parse_enum(Ctx *ctx, yaml_node_t *node, const char *const *names, int *target, GError **error)
{
    g_autoptr(GString) known = g_string_new(NULL);

    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], scalar(node)) == 0) {
            *target = i;
            return TRUE;
        }
        g_string_append_printf(known, "%s%s", i > 0 ? ", " : "", names[i]);
    }
    return scenario_error(ctx, node, error, "unsupported value '%s' (expected %s)",
                          scalar(node), known->str);
}

static const char *const proxy_mode_names[] = { "iptables", "nftables", "ipvs", "ebpf", NULL };
static const char *const cni_mode_names[] = { "vxlan", "geneve", "native", "cloud", NULL };
static const char *const load_balancer_names[] = { "none", "cloud", "metallb", NULL };

static gboolean
parse_proxy_mode(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return parse_enum(ctx, node, proxy_mode_names, target, error);
}

static gboolean
parse_cni_mode(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return parse_enum(ctx, node, cni_mode_names, target, error);
}

static gboolean
parse_load_balancer(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return parse_enum(ctx, node, load_balancer_names, target, error);
}

static gboolean
is_ip(const char *text)
{
    guchar buf[16];

    return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

static gboolean
parse_ip(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    if (!is_ip(scalar(node)))
        return scenario_error(ctx, node, error, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    return parse_string(ctx, node, target, error);
}

static gboolean
parse_cidr(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    const char *text = scalar(node);
    const char *slash = strchr(text, '/');
    g_autofree char *address = slash != NULL ? g_strndup(text, (gsize) (slash - text)) : NULL;
    guchar buf[16];
    guint64 prefix;
    int family;

    if (address == NULL)
        goto bad;
    if (inet_pton(AF_INET, address, buf) == 1)
        family = AF_INET;
    else if (inet_pton(AF_INET6, address, buf) == 1)
        family = AF_INET6;
    else
        goto bad;
    if (!g_ascii_string_to_unsigned(slash + 1, 10, 0, family == AF_INET ? 32 : 128, &prefix, NULL))
        goto bad;
    return parse_string(ctx, node, target, error);

bad:
    return scenario_error(ctx, node, error,
                          "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
}

/* A DNS-1123 subdomain, the rule for node names (apimachinery
 * validation.IsDNS1123Subdomain), with its message. */
static gboolean
parse_dns1123_subdomain(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    const char *text = scalar(node);
    gsize len = strlen(text);
    gboolean ok = len > 0 && len <= 253;

    for (const char *label = text; ok && *label != '\0';) {
        gsize n = strcspn(label, ".");

        ok = n > 0 && g_ascii_isalnum(label[0]) && g_ascii_isalnum(label[n - 1]);
        for (gsize i = 0; ok && i < n; i++)
            ok = (g_ascii_islower(label[i]) || g_ascii_isdigit(label[i]) || label[i] == '-');
        label += n;
        if (*label == '.' && *++label == '\0')
            ok = FALSE;
    }
    if (!ok)
        return scenario_error(ctx, node, error,
                              "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must consist of "
                              "lower case alphanumeric characters, '-' or '.', and must start and end "
                              "with an alphanumeric character (e.g. 'example.com', regex used for "
                              "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
                              "[a-z0-9])?)*')", text);
    return parse_string(ctx, node, target, error);
}

static gboolean
parse_string_list(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    gsize i = 0;

    for (yaml_node_item_t *item = node->data.sequence.items.start;
         item < node->data.sequence.items.top; item++, i++) {
        yaml_node_t *child = yaml_document_get_node(ctx->doc, *item);
        gsize mark = path_push_index(ctx, i);

        if (!expect_type(ctx, child, YAML_SCALAR_NODE, error))
            return FALSE;
        g_strv_builder_add(builder, scalar(child));
        g_string_truncate(ctx->path, mark);
    }
    g_strfreev(*(GStrv *) target);
    *(GStrv *) target = g_strv_builder_end(builder);
    return TRUE;
}

/*****************************************************************************/
/* Lists of records. */

typedef gboolean (*ItemFunc)(Ctx *ctx, yaml_node_t *node, GPtrArray *out, GError **error);

static gboolean
parse_list(Ctx *ctx, yaml_node_t *node, GPtrArray *out, ItemFunc parse_item, GError **error)
{
    gsize i = 0;

    for (yaml_node_item_t *item = node->data.sequence.items.start;
         item < node->data.sequence.items.top; item++, i++) {
        gsize mark = path_push_index(ctx, i);

        if (!parse_item(ctx, yaml_document_get_node(ctx->doc, *item), out, error))
            return FALSE;
        g_string_truncate(ctx->path, mark);
    }
    return TRUE;
}

static void
node_spec_free(KnNodeSpec *node)
{
    g_free(node->name);
    g_strfreev(node->roles);
    g_free(node->zone);
    g_free(node->ip);
    g_free(node);
}

static const Field node_fields[] = {
    { "name", YAML_SCALAR_NODE, parse_dns1123_subdomain, offsetof(KnNodeSpec, name), NULL, NULL },
    { "roles", YAML_SEQUENCE_NODE, parse_string_list, offsetof(KnNodeSpec, roles), NULL, NULL },
    { "zone", YAML_SCALAR_NODE, parse_string, offsetof(KnNodeSpec, zone), NULL, NULL },
    { "cpu", YAML_SCALAR_NODE, parse_cpu, offsetof(KnNodeSpec, cpu), NULL, NULL },
    { "ip", YAML_SCALAR_NODE, parse_ip, offsetof(KnNodeSpec, ip), NULL, NULL },
    { NULL },
};

static gboolean
parse_node(Ctx *ctx, yaml_node_t *node, GPtrArray *out, GError **error)
{
    KnNodeSpec *spec = g_new0(KnNodeSpec, 1);

    spec->loc = loc_of(ctx, node);
    g_ptr_array_add(out, spec);
    if (!parse_mapping(ctx, node, node_fields, spec, "node", error))
        return FALSE;
    if (spec->name == NULL)
        return scenario_error(ctx, node, error, "Required value: node name");
    for (guint i = 0; i + 1 < out->len; i++)
        if (strcmp(((KnNodeSpec *) out->pdata[i])->name, spec->name) == 0)
            return scenario_error(ctx, node, error, "Duplicate value: \"%s\"", spec->name);
    if (spec->roles == NULL)
        spec->roles = g_new0(char *, 1);
    return TRUE;
}

static gboolean
parse_nodes(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return parse_list(ctx, node, *(GPtrArray **) target, parse_node, error);
}

static void
host_spec_free(KnHostSpec *host)
{
    g_free(host->name);
    g_free(host->ip);
    g_free(host);
}

static const Field host_fields[] = {
    { "name", YAML_SCALAR_NODE, parse_dns1123_subdomain, offsetof(KnHostSpec, name), NULL, NULL },
    { "ip", YAML_SCALAR_NODE, parse_ip, offsetof(KnHostSpec, ip), NULL, NULL },
    { NULL },
};

static gboolean
parse_host(Ctx *ctx, yaml_node_t *node, GPtrArray *out, GError **error)
{
    KnHostSpec *host = g_new0(KnHostSpec, 1);

    host->loc = loc_of(ctx, node);
    g_ptr_array_add(out, host);
    if (!parse_mapping(ctx, node, host_fields, host, "host", error))
        return FALSE;
    if (host->name == NULL || host->ip == NULL)
        return scenario_error(ctx, node, error, "Required value: host %s",
                              host->name == NULL ? "name" : "ip");
    return TRUE;
}

static gboolean
parse_hosts(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return parse_list(ctx, node, *(GPtrArray **) target, parse_host, error);
}

static void
external_name_free(KnExternalName *name)
{
    g_free(name->name);
    g_strfreev(name->addresses);
    g_free(name);
}

static gint
compare_external_names(gconstpointer a, gconstpointer b)
{
    return strcmp((*(KnExternalName *const *) a)->name, (*(KnExternalName *const *) b)->name);
}

/* external.dns: a mapping from names to lists of addresses. */
static gboolean
parse_external_dns(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    GPtrArray *out = *(GPtrArray **) target;

    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(ctx->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(ctx->doc, pair->value);

        if (!expect_type(ctx, key, YAML_SCALAR_NODE, error))
            return FALSE;

        KnExternalName *name = g_new0(KnExternalName, 1);
        gsize mark = path_push_key(ctx, scalar(key));

        name->name = g_strdup(scalar(key));
        name->loc = loc_of(ctx, key);
        g_ptr_array_add(out, name);
        if (!expect_type(ctx, value, YAML_SEQUENCE_NODE, error)
            || !parse_string_list(ctx, value, &name->addresses, error))
            return FALSE;
        for (guint i = 0; name->addresses[i] != NULL; i++) {
            if (!is_ip(name->addresses[i])) {
                yaml_node_t *item = yaml_document_get_node(
                    ctx->doc, value->data.sequence.items.start[i]);

                path_push_index(ctx, i);
                return scenario_error(ctx, item, error, "must be a valid IP address, "
                                      "(e.g. 10.9.8.7 or 2001:db8::ffff)");
            }
        }
        g_string_truncate(ctx->path, mark);
    }
    g_ptr_array_sort(out, compare_external_names);
    return TRUE;
}

/*****************************************************************************/
/* Steps. */

static void
step_free(KnStep *step)
{
    g_free(step->narrate);
    g_free(step);
}

static const char *const step_kind_names[] = {
    "kubectl", "apply", "exec", "from", "wait", "fail", "recover", "traffic", "expect", NULL,
};

static gboolean
parse_step(Ctx *ctx, yaml_node_t *node, GPtrArray *out, GError **error)
{
    KnStep *step = g_new0(KnStep, 1);
    yaml_node_t *action = NULL;
    g_autoptr(GString) actions = g_string_new(NULL);

    step->loc = loc_of(ctx, node);
    step->repeat = 1;
    g_ptr_array_add(out, step);
    if (!expect_type(ctx, node, YAML_MAPPING_NODE, error))
        return FALSE;

    /* The step's kind is its one action key; 'expect' is the action only
     * when nothing else is (otherwise it grades that action's output). */
    for (int kind = 0; step_kind_names[kind] != NULL; kind++) {
        yaml_node_t *value = mapping_get(ctx, node, step_kind_names[kind]);

        g_string_append_printf(actions, "%s%s", kind > 0 ? ", " : "", step_kind_names[kind]);
        if (value == NULL || (kind == KN_STEP_EXPECT && action != NULL))
            continue;
        if (action != NULL)
            return scenario_error(ctx, value, error, "a step has one action, found '%s' and '%s'",
                                  step_kind_names[step->kind], step_kind_names[kind]);
        action = value;
        step->kind = (KnStepKind) kind;
    }
    if (action == NULL)
        return scenario_error(ctx, node, error, "a step needs an action (one of %s)", actions->str);

    if (step->kind != KN_STEP_WAIT) {
        path_push_key(ctx, step_kind_names[step->kind]);
        return scenario_error_code(ctx, action, error, KN_INPUT_ERROR_UNSUPPORTED,
                                   "'%s' steps need the cluster model, which this build "
                                   "of knetsim does not have yet", step_kind_names[step->kind]);
    }

    static const Field wait_fields[] = {
        { "wait", YAML_SCALAR_NODE, parse_duration, offsetof(KnStep, duration), NULL, NULL },
        { "repeat", YAML_SCALAR_NODE, parse_repeat, offsetof(KnStep, repeat), NULL, NULL },
        { "narrate", YAML_SCALAR_NODE, parse_string, offsetof(KnStep, narrate), NULL, NULL },
        { NULL },
    };
    return parse_mapping(ctx, node, wait_fields, step, "wait step", error);
}

static gboolean
parse_steps(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return parse_list(ctx, node, *(GPtrArray **) target, parse_step, error);
}

/*****************************************************************************/
/* The Scenario document. */

static const Field cni_fields[] = {
    { "plugin", YAML_SCALAR_NODE, parse_string, offsetof(KnScenario, cni_plugin), NULL, NULL },
    { "mode", YAML_SCALAR_NODE, parse_cni_mode, offsetof(KnScenario, cni_mode), NULL, NULL },
    { NULL },
};

static const Field cluster_fields[] = {
    { "proxyMode", YAML_SCALAR_NODE, parse_proxy_mode, offsetof(KnScenario, proxy_mode), NULL, NULL },
    { "cni", YAML_MAPPING_NODE, NULL, 0, cni_fields, "cni" },
    { "serviceCIDR", YAML_SCALAR_NODE, parse_cidr, offsetof(KnScenario, service_cidr), NULL, NULL },
    { "podCIDR", YAML_SCALAR_NODE, parse_cidr, offsetof(KnScenario, pod_cidr), NULL, NULL },
    { "nodeCIDR", YAML_SCALAR_NODE, parse_cidr, offsetof(KnScenario, node_cidr), NULL, NULL },
    { "clusterDomain", YAML_SCALAR_NODE, parse_dns1123_subdomain, offsetof(KnScenario, cluster_domain), NULL, NULL },
    { "loadBalancer", YAML_SCALAR_NODE, parse_load_balancer, offsetof(KnScenario, load_balancer), NULL, NULL },
    { "nodes", YAML_SEQUENCE_NODE, parse_nodes, offsetof(KnScenario, nodes), NULL, NULL },
    { NULL },
};

static const Field external_fields[] = {
    { "dns", YAML_MAPPING_NODE, parse_external_dns, offsetof(KnScenario, external_names), NULL, NULL },
    { "hosts", YAML_SEQUENCE_NODE, parse_hosts, offsetof(KnScenario, hosts), NULL, NULL },
    { NULL },
};

static const Field metadata_fields[] = {
    { "name", YAML_SCALAR_NODE, parse_dns1123_subdomain, offsetof(KnScenario, name), NULL, NULL },
    { "description", YAML_SCALAR_NODE, parse_string, offsetof(KnScenario, description), NULL, NULL },
    { NULL },
};

static gboolean
parse_api_version(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    (void) target;
    if (strcmp(scalar(node), "knetsim/v1") != 0)
        return scenario_error(ctx, node, error, "unsupported apiVersion '%s' (expected knetsim/v1)",
                              scalar(node));
    return TRUE;
}

static gboolean
parse_kind(Ctx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    (void) target;
    if (strcmp(scalar(node), "Scenario") != 0)
        return scenario_error(ctx, node, error, "the first document must be kind: Scenario, found '%s'",
                              scalar(node));
    return TRUE;
}

static const Field scenario_fields[] = {
    { "apiVersion", YAML_SCALAR_NODE, parse_api_version, 0, NULL, NULL },
    { "kind", YAML_SCALAR_NODE, parse_kind, 0, NULL, NULL },
    { "metadata", YAML_MAPPING_NODE, NULL, 0, metadata_fields, "metadata" },
    { "seed", YAML_SCALAR_NODE, parse_seed, offsetof(KnScenario, seed), NULL, NULL },
    { "cluster", YAML_MAPPING_NODE, NULL, 0, cluster_fields, "cluster" },
    { "external", YAML_MAPPING_NODE, NULL, 0, external_fields, "external" },
    { "steps", YAML_SEQUENCE_NODE, parse_steps, offsetof(KnScenario, steps), NULL, NULL },
    { NULL },
};

/* Checks the Scenario document's required fields once it has been read. */
static gboolean
check_scenario(Ctx *ctx, yaml_node_t *root, GError **error)
{
    static const char *const required[] = { "apiVersion", "kind", "metadata", NULL };

    for (int i = 0; required[i] != NULL; i++) {
        if (mapping_get(ctx, root, required[i]) == NULL) {
            path_push_key(ctx, required[i]);
            return scenario_error(ctx, root, error, "Required value");
        }
    }
    if (ctx->scenario->name == NULL) {
        path_push_key(ctx, "metadata.name");
        return scenario_error(ctx, mapping_get(ctx, root, "metadata"), error, "Required value");
    }
    return TRUE;
}

/*****************************************************************************/

static gboolean
syntax_error(KnScenario *scenario, const yaml_parser_t *parser, GError **error)
{
    const yaml_mark_t *mark = parser->problem != NULL ? &parser->problem_mark : &parser->context_mark;
    KnSrcLoc loc = { scenario->file, (guint) mark->line + 1, (guint) mark->column + 1 };

    kn_diag_set_error(error, KN_INPUT_ERROR_SYNTAX, &loc, scenario->source, "%s%s%s",
                      parser->problem != NULL ? parser->problem : "invalid YAML",
                      parser->context != NULL ? " " : "",
                      parser->context != NULL ? parser->context : "");
    return FALSE;
}

static gboolean
load_stream(KnScenario *scenario, GError **error)
{
    yaml_parser_t parser;
    gboolean ok = TRUE;
    guint n_docs = 0;

    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const guchar *) scenario->source, strlen(scenario->source));
    while (ok) {
        yaml_document_t doc;
        yaml_node_t *root;

        if (!yaml_parser_load(&parser, &doc)) {
            ok = syntax_error(scenario, &parser, error);
            break;
        }
        root = yaml_document_get_root_node(&doc);
        if (root == NULL) {              /* the end of the stream */
            yaml_document_delete(&doc);
            break;
        }

        g_autoptr(GString) path = g_string_new(NULL);
        Ctx ctx = { scenario, &doc, path };

        if (n_docs++ == 0) {
            ok = parse_mapping(&ctx, root, scenario_fields, scenario, "Scenario", error)
                 && check_scenario(&ctx, root, error);
        } else if (root->type != YAML_SCALAR_NODE || *scalar(root) != '\0') {
            yaml_node_t *kind = root->type == YAML_MAPPING_NODE ? mapping_get(&ctx, root, "kind") : NULL;

            ok = scenario_error_code(&ctx, root, error, KN_INPUT_ERROR_UNSUPPORTED,
                                     "%s manifests need the cluster model, which this build "
                                     "of knetsim does not have yet",
                                     kind != NULL && kind->type == YAML_SCALAR_NODE
                                         ? scalar(kind) : "Kubernetes");
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    if (ok && n_docs == 0) {
        KnSrcLoc loc = { scenario->file, 0, 0 };

        kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, &loc, NULL,
                          "no Scenario document (the file is empty)");
        ok = FALSE;
    }
    return ok;
}

KnScenario *
kn_scenario_load(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);

    g_autoptr(GError) local = NULL;
    g_autofree char *text = NULL;
    gsize length;

    if (!g_file_get_contents(path, &text, &length, &local)) {
        KnSrcLoc loc = { path, 0, 0 };

        kn_diag_set_error(error, KN_INPUT_ERROR_REFERENCE, &loc, NULL, "%s", local->message);
        return NULL;
    }
    return kn_scenario_load_data(path, text, length, error);
}

KnScenario *
kn_scenario_load_data(const char *name, const char *data, gsize length, GError **error)
{
    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(data != NULL || length == 0, NULL);

    g_autoptr(KnScenario) scenario = g_new0(KnScenario, 1);

    /* NULL is no bytes: memchr() must not see it, and g_strndup() would
     * return NULL for it. */
    if (data == NULL)
        data = "";
    scenario->file = g_strdup(name);
    if (memchr(data, '\0', length) != NULL || !g_utf8_validate(data, (gssize) length, NULL)) {
        KnSrcLoc loc = { name, 0, 0 };

        kn_diag_set_error(error, KN_INPUT_ERROR_SYNTAX, &loc, NULL, "not a UTF-8 text file");
        return NULL;
    }
    scenario->source = g_strndup(data, length);

    /* The defaults of DESIGN.md's example, which are kind's and kubeadm's. */
    scenario->seed = 1;
    scenario->proxy_mode = KN_PROXY_MODE_IPTABLES;
    scenario->cni_plugin = g_strdup("flannel");
    scenario->cni_mode = KN_CNI_MODE_VXLAN;
    scenario->service_cidr = g_strdup("10.96.0.0/12");
    scenario->pod_cidr = g_strdup("10.244.0.0/16");
    scenario->node_cidr = g_strdup("172.18.0.0/16");
    scenario->cluster_domain = g_strdup("cluster.local");
    scenario->load_balancer = KN_LOAD_BALANCER_NONE;
    scenario->nodes = g_ptr_array_new_with_free_func((GDestroyNotify) node_spec_free);
    scenario->external_names = g_ptr_array_new_with_free_func((GDestroyNotify) external_name_free);
    scenario->hosts = g_ptr_array_new_with_free_func((GDestroyNotify) host_spec_free);
    scenario->steps = g_ptr_array_new_with_free_func((GDestroyNotify) step_free);

    if (!load_stream(scenario, error))
        return NULL;
    return g_steal_pointer(&scenario);
}

void
kn_scenario_free(KnScenario *scenario)
{
    if (scenario == NULL)
        return;
    g_free(scenario->source);
    g_free(scenario->name);
    g_free(scenario->description);
    g_free(scenario->cni_plugin);
    g_free(scenario->service_cidr);
    g_free(scenario->pod_cidr);
    g_free(scenario->node_cidr);
    g_free(scenario->cluster_domain);
    g_clear_pointer(&scenario->nodes, g_ptr_array_unref);
    g_clear_pointer(&scenario->external_names, g_ptr_array_unref);
    g_clear_pointer(&scenario->hosts, g_ptr_array_unref);
    g_clear_pointer(&scenario->steps, g_ptr_array_unref);
    g_free(scenario->file);
    g_free(scenario);
}

const char *
kn_proxy_mode_name(KnProxyMode mode)
{
    g_return_val_if_fail(mode <= KN_PROXY_MODE_EBPF, "?");
    return proxy_mode_names[mode];
}

const char *
kn_step_kind_name(KnStepKind kind)
{
    g_return_val_if_fail(kind <= KN_STEP_EXPECT, "?");
    return step_kind_names[kind];
}
