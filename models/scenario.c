/* scenario.c -- the scenario loader of scenario.h.
 *
 * DOC: The file is a YAML stream read with libyaml's document API, which
 * keeps each node's position.  Every mapping is read against a key table
 * (as netplan's parse.c does): a key that is not in the table is an error
 * at the key, named with its field path, like the API server's strict
 * decoding ("unknown field"); a key given twice is an error too.  Positions
 * in libyaml marks are 0-based; messages are 1-based.
 *
 * The documents after the Scenario are Kubernetes manifests, read as
 * strictly as `kubectl apply` reads them (scenario-manifest.c).
 *
 * A fail or recover step names a node of cluster.nodes; the name is
 * checked once the whole Scenario document is read, since cluster: may come
 * after steps:.
 *
 * Simplified: exec, from and traffic steps are recognised and refused as
 * "not built yet": they need the data-plane model.  Their syntax is not
 * checked yet. */

#include <config.h>
#include "models/scenario.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>
#include <yaml.h>
#include "models/scenario-manifest.h"
#include "models/scenario-yaml.h"
#include "models/shell-words.h"
#include "models/svc-alloc.h"
#include "sim/dns-wire.h"

/*****************************************************************************/

static gboolean
parse_seed(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return kn_scenario_yaml_u64(ctx, node, G_MAXUINT64, target, error);
}

static gboolean
parse_cpu(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    guint64 value = 0;

    if (!kn_scenario_yaml_u64(ctx, node, 1024, &value, error))
        return FALSE;
    *(guint *) target = (guint) value;
    return TRUE;
}

/* A count of 1 to a million: a step's repeat, a node's maxPods. */
static gboolean
parse_repeat(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    guint64 value = 0;

    if (!kn_scenario_yaml_u64(ctx, node, 1000000, &value, error))
        return FALSE;
    if (value == 0)
        return kn_scenario_yaml_error(ctx, node, error, "must be at least 1");
    *(guint *) target = (guint) value;
    return TRUE;
}

static const char *const proxy_mode_names[] = { "iptables", "nftables", "ipvs", "ebpf", NULL };
static const char *const cni_mode_names[] = { "vxlan", "geneve", "native", "cloud", NULL };
static const char *const load_balancer_names[] = { "none", "cloud", "metallb", NULL };

static gboolean
parse_proxy_mode(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    if (!kn_scenario_yaml_enum(ctx, node, proxy_mode_names, target, error))
        return FALSE;
    /* Accepted, a mode without a data path would leave every Service
     * silently unreachable (no rules, no DNAT). */
    if (*(KnProxyMode *) target == KN_PROXY_MODE_EBPF)
        return kn_scenario_yaml_error_code(ctx, node, error, KN_INPUT_ERROR_UNSUPPORTED,
                                           "%s: not built yet (the iptables, nftables and ipvs modes have a "
                                           "data path so far)",
                                           proxy_mode_names[*(KnProxyMode *) target]);
    return TRUE;
}

static gboolean
parse_cni_mode(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return kn_scenario_yaml_enum(ctx, node, cni_mode_names, target, error);
}

static gboolean
parse_load_balancer(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return kn_scenario_yaml_enum(ctx, node, load_balancer_names, target, error);
}

/* A switch: false or true (the index is the gboolean). */
static gboolean
parse_switch(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    static const char *const names[] = { "false", "true", NULL };

    return kn_scenario_yaml_enum(ctx, node, names, target, error);
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

static const KnYamlField node_fields[] = {
    { "name", YAML_SCALAR_NODE, kn_scenario_yaml_dns1123_subdomain, offsetof(KnNodeSpec, name), NULL, NULL },
    { "roles", YAML_SEQUENCE_NODE, kn_scenario_yaml_string_list, offsetof(KnNodeSpec, roles), NULL, NULL },
    { "zone", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnNodeSpec, zone), NULL, NULL },
    { "cpu", YAML_SCALAR_NODE, parse_cpu, offsetof(KnNodeSpec, cpu), NULL, NULL },
    { "maxPods", YAML_SCALAR_NODE, parse_repeat, offsetof(KnNodeSpec, max_pods), NULL, NULL },
    { "ip", YAML_SCALAR_NODE, kn_scenario_yaml_ip, offsetof(KnNodeSpec, ip), NULL, NULL },
    { NULL },
};

static gboolean
parse_node(KnYamlCtx *ctx, yaml_node_t *node, GPtrArray *out, GError **error)
{
    KnNodeSpec *spec = g_new0(KnNodeSpec, 1);

    spec->loc = kn_scenario_yaml_loc(ctx, node);
    g_ptr_array_add(out, spec);
    if (!kn_scenario_yaml_mapping(ctx, node, node_fields, spec, "node", error))
        return FALSE;
    if (spec->name == NULL)
        return kn_scenario_yaml_error(ctx, node, error, "Required value: node name");
    for (guint i = 0; i + 1 < out->len; i++)
        if (strcmp(((KnNodeSpec *) out->pdata[i])->name, spec->name) == 0)
            return kn_scenario_yaml_error(ctx, node, error, "Duplicate value: \"%s\"", spec->name);
    if (spec->roles == NULL)
        spec->roles = g_new0(char *, 1);
    return TRUE;
}

static gboolean
parse_nodes(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return kn_scenario_yaml_list(ctx, node, *(GPtrArray **) target, parse_node, error);
}

static void
host_spec_free(KnHostSpec *host)
{
    g_free(host->name);
    g_free(host->ip);
    g_free(host);
}

static const KnYamlField host_fields[] = {
    { "name", YAML_SCALAR_NODE, kn_scenario_yaml_dns1123_subdomain, offsetof(KnHostSpec, name), NULL, NULL },
    { "ip", YAML_SCALAR_NODE, kn_scenario_yaml_ip, offsetof(KnHostSpec, ip), NULL, NULL },
    { NULL },
};

static gboolean
parse_host(KnYamlCtx *ctx, yaml_node_t *node, GPtrArray *out, GError **error)
{
    KnHostSpec *host = g_new0(KnHostSpec, 1);

    host->loc = kn_scenario_yaml_loc(ctx, node);
    g_ptr_array_add(out, host);
    if (!kn_scenario_yaml_mapping(ctx, node, host_fields, host, "host", error))
        return FALSE;
    if (host->name == NULL || host->ip == NULL)
        return kn_scenario_yaml_error(ctx, node, error, "Required value: host %s",
                              host->name == NULL ? "name" : "ip");
    return TRUE;
}

static gboolean
parse_hosts(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    return kn_scenario_yaml_list(ctx, node, *(GPtrArray **) target, parse_host, error);
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
parse_external_dns(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    GPtrArray *out = *(GPtrArray **) target;

    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(ctx->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(ctx->doc, pair->value);

        if (!kn_scenario_yaml_expect_type(ctx, key, YAML_SCALAR_NODE, error))
            return FALSE;

        KnExternalName *name = g_new0(KnExternalName, 1);
        gsize mark = kn_scenario_yaml_path_push_key(ctx, kn_scenario_yaml_scalar(key));

        name->name = g_strdup(kn_scenario_yaml_scalar(key));
        name->loc = kn_scenario_yaml_loc(ctx, key);
        g_ptr_array_add(out, name);
        if (!kn_scenario_yaml_expect_type(ctx, value, YAML_SEQUENCE_NODE, error)
            || !kn_scenario_yaml_string_list(ctx, value, &name->addresses, error))
            return FALSE;
        for (guint i = 0; name->addresses[i] != NULL; i++) {
            if (!kn_scenario_yaml_is_ip(name->addresses[i])) {
                yaml_node_t *item = yaml_document_get_node(
                    ctx->doc, value->data.sequence.items.start[i]);

                kn_scenario_yaml_path_push_index(ctx, i);
                return kn_scenario_yaml_error(ctx, item, error, "must be a valid IP address, "
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
text_expect_clear(KnTextExpect *text)
{
    g_free(text->contains);
    g_free(text->not_contains);
    g_free(text->matches);
    g_free(text->equals);
}

static void
expect_free(KnExpect *expect)
{
    if (expect == NULL)
        return;
    text_expect_clear(&expect->out);
    text_expect_clear(&expect->err);
    g_free(expect->endpoints_service);
    g_free(expect->endpoints_namespace);
    g_free(expect->pods_selector);
    g_free(expect->pods_namespace);
    g_free(expect);
}

static void
step_free(KnStep *step)
{
    g_clear_pointer(&step->manifests, g_ptr_array_unref);
    g_free(step->apply_file);
    g_free(step->apply_name);
    g_free(step->apply_text);
    g_free(step->command);
    g_free(step->narrate);
    g_free(step->node);
    g_free(step->node_path);
    g_free(step->pod);
    g_free(step->save);
    g_free(step->dns_name);
    g_free(step->dns_type);
    g_free(step->namespace);
    g_free(step->container);
    expect_free(step->expect);
    g_free(step);
}

static const char *const step_kind_names[] = {
    "kubectl", "apply", "exec", "from", "wait", "fail", "recover", "traffic", "dns", "expect", NULL,
};

static gboolean
parse_regex(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GRegex) regex = g_regex_new(kn_scenario_yaml_scalar(node), G_REGEX_MULTILINE, 0, &local);

    if (regex == NULL)
        return kn_scenario_yaml_error(ctx, node, error, "invalid regular expression: %s", local->message);
    return kn_scenario_yaml_string(ctx, node, target, error);
}

static gboolean
parse_exit_code(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    guint64 value = 0;

    if (!kn_scenario_yaml_u64(ctx, node, 255, &value, error))
        return FALSE;
    *(guint *) target = (guint) value;
    return TRUE;
}

static gboolean
parse_count(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    guint64 value = 0;

    if (!kn_scenario_yaml_u64(ctx, node, 1000000, &value, error))
        return FALSE;
    *(guint *) target = (guint) value;
    return TRUE;
}

#define TEXT_FIELDS(member)                                                                 \
    { "contains", YAML_SCALAR_NODE, kn_scenario_yaml_string,                               \
      offsetof(KnExpect, member) + offsetof(KnTextExpect, contains), NULL, NULL },         \
    { "notContains", YAML_SCALAR_NODE, kn_scenario_yaml_string,                            \
      offsetof(KnExpect, member) + offsetof(KnTextExpect, not_contains), NULL, NULL },     \
    { "matches", YAML_SCALAR_NODE, parse_regex,                                            \
      offsetof(KnExpect, member) + offsetof(KnTextExpect, matches), NULL, NULL },          \
    { "equals", YAML_SCALAR_NODE, kn_scenario_yaml_string,                                 \
      offsetof(KnExpect, member) + offsetof(KnTextExpect, equals), NULL, NULL },           \
    { NULL }

static const KnYamlField stdout_fields[] = { TEXT_FIELDS(out) };
static const KnYamlField stderr_fields[] = { TEXT_FIELDS(err) };

static const KnYamlField endpoints_fields[] = {
    { "service", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnExpect, endpoints_service), NULL, NULL },
    { "namespace", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnExpect, endpoints_namespace), NULL, NULL },
    { "ready", YAML_SCALAR_NODE, parse_count, offsetof(KnExpect, endpoints_ready), NULL, NULL },
    { NULL },
};

/* TRUE if 'text' is all characters a label key (with its prefix's '/')
 * or, 'key' FALSE, a label value may hold. */
static gboolean
label_chars(const char *text, gboolean key)
{
    for (; *text != '\0'; text++)
        if (!g_ascii_isalnum(*text) && *text != '-' && *text != '_' && *text != '.' && !(key && *text == '/'))
            return FALSE;
    return TRUE;
}

/* expect.pods.selector: equality terms "key=value" (or "key==value"),
 * comma-separated, the only ones the check matches; anything else ("!!!",
 * "app" alone, "app!=web") is refused here rather than matching no pod. */
static gboolean
parse_pods_selector(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    g_auto(GStrv) terms = g_strsplit(kn_scenario_yaml_scalar(node), ",", -1);

    for (guint i = 0; terms[i] != NULL; i++) {
        const char *eq = strchr(terms[i], '=');
        g_autofree char *key = eq != NULL ? g_strstrip(g_strndup(terms[i], (gsize) (eq - terms[i]))) : NULL;
        g_autofree char *value = eq != NULL ? g_strstrip(g_strdup(eq + (eq[1] == '=' ? 2 : 1))) : NULL;

        if (eq == NULL || key[0] == '\0' || !label_chars(key, TRUE) || !label_chars(value, FALSE))
            return kn_scenario_yaml_error(ctx, node, error, "'%s' is not a key=value term (a selector here is "
                                          "key=value terms separated by commas)", g_strstrip(terms[i]));
    }
    return kn_scenario_yaml_string(ctx, node, target, error);
}

static const KnYamlField pods_fields[] = {
    { "selector", YAML_SCALAR_NODE, parse_pods_selector, offsetof(KnExpect, pods_selector), NULL, NULL },
    { "namespace", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnExpect, pods_namespace), NULL, NULL },
    { "ready", YAML_SCALAR_NODE, parse_count, offsetof(KnExpect, pods_ready), NULL, NULL },
    { NULL },
};

static const KnYamlField expect_fields[] = {
    { "stdout", YAML_MAPPING_NODE, NULL, 0, stdout_fields, "stdout expectation" },
    { "stderr", YAML_MAPPING_NODE, NULL, 0, stderr_fields, "stderr expectation" },
    { "exitCode", YAML_SCALAR_NODE, parse_exit_code, offsetof(KnExpect, exit_code), NULL, NULL },
    { "endpoints", YAML_MAPPING_NODE, NULL, 0, endpoints_fields, "endpoints expectation" },
    { "pods", YAML_MAPPING_NODE, NULL, 0, pods_fields, "pods expectation" },
    { NULL },
};

static gboolean
parse_expect(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    KnExpect *expect = g_new0(KnExpect, 1);

    *(KnExpect **) target = expect;
    expect->loc = kn_scenario_yaml_loc(ctx, node);
    if (!kn_scenario_yaml_mapping(ctx, node, expect_fields, expect, "expect", error))
        return FALSE;
    expect->has_exit_code = kn_scenario_yaml_get(ctx, node, "exitCode") != NULL;
    if (kn_scenario_yaml_get(ctx, node, "endpoints") != NULL && expect->endpoints_service == NULL) {
        kn_scenario_yaml_path_push_key(ctx, "endpoints.service");
        return kn_scenario_yaml_error(ctx, node, error, "Required value");
    }
    if (kn_scenario_yaml_get(ctx, node, "pods") != NULL && expect->pods_selector == NULL) {
        kn_scenario_yaml_path_push_key(ctx, "pods.selector");
        return kn_scenario_yaml_error(ctx, node, error, "Required value");
    }
    return TRUE;
}

/* apply: inline manifests (a string) or {file: PATH}, a path relative to
 * the scenario's folder.  Read now, so that a bad manifest is a load error. */
static gboolean
parse_apply(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    KnStep *step = target;
    g_autoptr(GError) local = NULL;
    gsize length;

    if (node->type == YAML_SCALAR_NODE) {
        step->apply_text = g_strdup(kn_scenario_yaml_scalar(node));
        step->apply_name = g_strdup_printf("%s (%s, inline)", ctx->file, ctx->path->str);
    } else if (node->type == YAML_MAPPING_NODE) {
        yaml_node_t *file = kn_scenario_yaml_get(ctx, node, "file");
        g_autofree char *dir = g_path_get_dirname(ctx->file);

        if (file == NULL || file->type != YAML_SCALAR_NODE || node->data.mapping.pairs.top - node->data.mapping.pairs.start != 1)
            return kn_scenario_yaml_error(ctx, node, error, "expected inline manifests or {file: PATH}");
        step->apply_file = g_strdup(kn_scenario_yaml_scalar(file));
        step->apply_name = g_path_is_absolute(step->apply_file) ? g_strdup(step->apply_file)
                                                                : g_build_filename(dir, step->apply_file, NULL);
        if (!g_file_get_contents(step->apply_name, &step->apply_text, &length, &local))
            return kn_scenario_yaml_error_code(ctx, file, error, KN_INPUT_ERROR_REFERENCE, "%s", local->message);
    } else {
        return kn_scenario_yaml_error_code(ctx, node, error, KN_INPUT_ERROR_TYPE,
                                           "expected inline manifests or {file: PATH}");
    }
    step->manifests = kn_scenario_manifest_read_data(step->apply_name, step->apply_text,
                                                     strlen(step->apply_text), error);
    return step->manifests != NULL;
}

/* fail: {node: NAME} and recover: {node: NAME}.  The name is checked
 * against cluster.nodes in check_scenario(); its place is kept for that. */
static gboolean
parse_step_node(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    KnStep *step = target;

    step->node_loc = kn_scenario_yaml_loc(ctx, node);
    step->node_path = g_strdup(ctx->path->str);
    return kn_scenario_yaml_string(ctx, node, &step->node, error);
}

static const KnYamlField node_step_fields[] = {
    { "node", YAML_SCALAR_NODE, parse_step_node, 0, NULL, NULL },
    { NULL },
};

/* save: a shell variable name, [A-Za-z_][A-Za-z0-9_]*. */
static gboolean
parse_save(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    const char *name = kn_scenario_yaml_scalar(node);

    for (const char *p = name; *p != '\0'; p++)
        if (!(g_ascii_isalpha(*p) || *p == '_' || (p > name && g_ascii_isdigit(*p))))
            return kn_scenario_yaml_error(ctx, node, error, "invalid variable name \"%s\" (letters, "
                                          "digits and '_', not starting with a digit)", name);
    if (*name == '\0')
        return kn_scenario_yaml_error(ctx, node, error, "Required value");
    return kn_scenario_yaml_string(ctx, node, target, error);
}

static const KnYamlField exec_step_fields[] = {
    { "pod", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, pod), NULL, NULL },
    { "namespace", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, namespace), NULL, NULL },
    { "container", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, container), NULL, NULL },
    { "command", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, command), NULL, NULL },
    { NULL },
};

/* A DNS query type as dig takes it: A, AAAA, SRV, PTR, TYPE65, ... */
static gboolean
parse_dns_type(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    guint16 type;

    if (!kn_dns_type_parse(kn_scenario_yaml_scalar(node), &type))
        return kn_scenario_yaml_error(ctx, node, error, "unknown query type \"%s\" (expected A, AAAA, "
                                      "SRV, PTR, CNAME, TXT, ... or TYPEn)", kn_scenario_yaml_scalar(node));
    return kn_scenario_yaml_string(ctx, node, target, error);
}

/* dns: {pod, namespace, name, type}. */
static const KnYamlField dns_step_fields[] = {
    { "pod", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, pod), NULL, NULL },
    { "namespace", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, namespace), NULL, NULL },
    { "name", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, dns_name), NULL, NULL },
    { "type", YAML_SCALAR_NODE, parse_dns_type, offsetof(KnStep, dns_type), NULL, NULL },
    { NULL },
};

/* A command line the user's shell could not run (an open quote) or that
 * has no command is the scenario's mistake: said here, where it is. */
static gboolean
check_command(KnYamlCtx *ctx, yaml_node_t *node, const KnStep *step, GError **error)
{
    const char *key = step->kind == KN_STEP_KUBECTL ? "kubectl" : "command";
    yaml_node_t *where = kn_scenario_yaml_get(ctx, node, key);
    g_autoptr(GError) local = NULL;
    g_auto(GStrv) words = kn_shell_split(step->command, &local);
    gsize mark = ctx->path->len;
    gboolean ok = TRUE;

    if (where == NULL)                   /* exec: {command: ...} */
        where = kn_scenario_yaml_get(ctx, kn_scenario_yaml_get(ctx, node, "exec"), "command");
    if (step->kind == KN_STEP_EXEC)
        kn_scenario_yaml_path_push_key(ctx, "exec");
    kn_scenario_yaml_path_push_key(ctx, key);
    if (words == NULL)
        ok = kn_scenario_yaml_error(ctx, where, error, "%s", local->message);
    else if (words[0] == NULL && step->kind != KN_STEP_KUBECTL)
        ok = kn_scenario_yaml_error(ctx, where, error, "Required value");
    g_string_truncate(ctx->path, mark);
    return ok;
}

static gboolean
parse_step(KnYamlCtx *ctx, yaml_node_t *node, GPtrArray *out, GError **error)
{
    KnStep *step = g_new0(KnStep, 1);
    yaml_node_t *action = NULL;
    g_autoptr(GString) actions = g_string_new(NULL);

    step->loc = kn_scenario_yaml_loc(ctx, node);
    step->repeat = 1;
    g_ptr_array_add(out, step);
    if (!kn_scenario_yaml_expect_type(ctx, node, YAML_MAPPING_NODE, error))
        return FALSE;

    /* The step's kind is its one action key; 'expect' is the action only
     * when nothing else is (otherwise it grades that action's output). */
    for (int kind = 0; step_kind_names[kind] != NULL; kind++) {
        yaml_node_t *value = kn_scenario_yaml_get(ctx, node, step_kind_names[kind]);

        g_string_append_printf(actions, "%s%s", kind > 0 ? ", " : "", step_kind_names[kind]);
        if (value == NULL || (kind == KN_STEP_EXPECT && action != NULL))
            continue;
        if (action != NULL)
            return kn_scenario_yaml_error(ctx, value, error, "a step has one action, found '%s' and '%s'",
                                  step_kind_names[step->kind], step_kind_names[kind]);
        action = value;
        step->kind = (KnStepKind) kind;
    }
    if (action == NULL)
        return kn_scenario_yaml_error(ctx, node, error, "a step needs an action (one of %s)", actions->str);

    switch (step->kind) {
    case KN_STEP_WAIT:
    case KN_STEP_KUBECTL:
    case KN_STEP_EXPECT:
    case KN_STEP_APPLY:
    case KN_STEP_FAIL:
    case KN_STEP_RECOVER:
    case KN_STEP_EXEC:
    case KN_STEP_FROM:
    case KN_STEP_DNS:
        break;
    default:
        kn_scenario_yaml_path_push_key(ctx, step_kind_names[step->kind]);
        return kn_scenario_yaml_error_code(ctx, action, error, KN_INPUT_ERROR_UNSUPPORTED,
                                           "'%s' steps need the data-plane model, which this build "
                                           "of knetsim does not have yet", step_kind_names[step->kind]);
    }

    static const KnYamlField step_fields[] = {
        { "apply", YAML_NO_NODE, parse_apply, 0, NULL, NULL },
        { "kubectl", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, command), NULL, NULL },
        { "wait", YAML_SCALAR_NODE, kn_scenario_yaml_duration, offsetof(KnStep, duration), NULL, NULL },
        { "expect", YAML_MAPPING_NODE, parse_expect, offsetof(KnStep, expect), NULL, NULL },
        { "repeat", YAML_SCALAR_NODE, parse_repeat, offsetof(KnStep, repeat), NULL, NULL },
        { "narrate", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, narrate), NULL, NULL },
        { "save", YAML_SCALAR_NODE, parse_save, offsetof(KnStep, save), NULL, NULL },
        { "fail", YAML_MAPPING_NODE, NULL, 0, node_step_fields, "fail step" },
        { "recover", YAML_MAPPING_NODE, NULL, 0, node_step_fields, "recover step" },
        { "exec", YAML_MAPPING_NODE, NULL, 0, exec_step_fields, "exec step" },
        { "dns", YAML_MAPPING_NODE, NULL, 0, dns_step_fields, "dns step" },
        { "from", YAML_SCALAR_NODE, parse_step_node, 0, NULL, NULL },
        { "command", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnStep, command), NULL, NULL },
        { NULL },
    };
    g_autofree char *what = g_strdup_printf("%s step", step_kind_names[step->kind]);

    if (!kn_scenario_yaml_mapping(ctx, node, step_fields, step, what, error))
        return FALSE;
    if (step->kind == KN_STEP_EXEC && (step->pod == NULL || step->command == NULL)) {
        kn_scenario_yaml_path_push_key(ctx, "exec");
        kn_scenario_yaml_path_push_key(ctx, step->pod == NULL ? "pod" : "command");
        return kn_scenario_yaml_error(ctx, action, error, "Required value");
    }
    if (step->kind != KN_STEP_FROM && step->kind != KN_STEP_EXEC && step->command != NULL
        && step->kind != KN_STEP_KUBECTL) {
        kn_scenario_yaml_path_push_key(ctx, "command");
        return kn_scenario_yaml_error(ctx, kn_scenario_yaml_get(ctx, node, "command"), error,
                                      "'command' belongs to from steps");
    }
    if (step->kind == KN_STEP_FROM && step->command == NULL) {
        kn_scenario_yaml_path_push_key(ctx, "command");
        return kn_scenario_yaml_error(ctx, node, error, "Required value");
    }
    if (step->kind == KN_STEP_DNS && (step->pod == NULL || step->dns_name == NULL)) {
        kn_scenario_yaml_path_push_key(ctx, "dns");
        kn_scenario_yaml_path_push_key(ctx, step->pod == NULL ? "pod" : "name");
        return kn_scenario_yaml_error(ctx, action, error, "Required value");
    }
    if (step->command != NULL && !check_command(ctx, node, step, error))
        return FALSE;
    if ((step->kind == KN_STEP_EXEC || step->kind == KN_STEP_DNS) && step->namespace == NULL)
        step->namespace = g_strdup("default");
    if ((step->kind == KN_STEP_FAIL || step->kind == KN_STEP_RECOVER) && step->node == NULL) {
        kn_scenario_yaml_path_push_key(ctx, step_kind_names[step->kind]);
        kn_scenario_yaml_path_push_key(ctx, "node");
        return kn_scenario_yaml_error(ctx, action, error, "Required value");
    }
    return TRUE;
}

static gboolean
parse_steps(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    /* The simulated clock holds 584 years: waits adding up to more would
     * run it out and leave the later steps unrun. */
    static const KnTime horizon = (KnTime) 100 * 365 * 24 * 3600 * KN_SEC;
    GPtrArray *steps = *(GPtrArray **) target;
    KnTime total = 0;

    if (!kn_scenario_yaml_list(ctx, node, steps, parse_step, error))
        return FALSE;
    for (guint i = 0; i < steps->len; i++) {
        const KnStep *step = steps->pdata[i];

        if (step->kind != KN_STEP_WAIT)
            continue;
        if (step->duration > (horizon - total) / MAX(step->repeat, 1)) {
            gsize mark = kn_scenario_yaml_path_push_index(ctx, i);
            gboolean ok = kn_scenario_yaml_error(ctx, yaml_document_get_node(ctx->doc, node->data.sequence.items.start[i]),
                                                 error, "the waits up to here add up to more than 100 years "
                                                 "of simulated time");

            g_string_truncate(ctx->path, mark);
            return ok;
        }
        total += step->duration * MAX(step->repeat, 1);
    }
    return TRUE;
}

/*****************************************************************************/
/* The Scenario document. */

static const KnYamlField cni_fields[] = {
    { "plugin", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnScenario, cni_plugin), NULL, NULL },
    { "mode", YAML_SCALAR_NODE, parse_cni_mode, offsetof(KnScenario, cni_mode), NULL, NULL },
    { NULL },
};

/* serviceCIDR: one CIDR, or two of different families separated by a
 * comma for a dual-stack cluster, as kube-apiserver's
 * --service-cluster-ip-range takes them. */
static gboolean
parse_service_cidr(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    KnScenario *scenario = target;
    g_auto(GStrv) parts = g_strsplit(kn_scenario_yaml_scalar(node), ",", -1);
    char *cidrs[2] = { NULL, NULL };
    guint n = g_strv_length(parts);

    if (n == 0 || n > 2)
        return kn_scenario_yaml_error(ctx, node, error, "may specify no more than one CIDR for each IP family");
    for (guint i = 0; i < n; i++) {
        yaml_node_t part = *node;

        g_strstrip(parts[i]);
        part.data.scalar.value = (yaml_char_t *) parts[i];
        part.data.scalar.length = strlen(parts[i]);
        if (!kn_scenario_yaml_cidr(ctx, &part, &cidrs[i], error)) {
            g_free(cidrs[0]);
            g_free(cidrs[1]);
            return FALSE;
        }

        /* The API server's own limits on the range (its size, the
         * family), said here where the value is rather than when the
         * cluster is built. */
        g_autoptr(GError) local = NULL;
        KnSvcIpAllocator *range = kn_svc_alloc_ip_new(cidrs[i], &local);

        if (range == NULL) {
            g_free(cidrs[0]);
            g_free(cidrs[1]);
            return kn_scenario_yaml_error(ctx, node, error, "%s", local->message);
        }
        kn_svc_alloc_ip_free(range);
    }
    if (n == 2 && (strchr(cidrs[0], ':') != NULL) == (strchr(cidrs[1], ':') != NULL)) {
        g_free(cidrs[0]);
        g_free(cidrs[1]);
        return kn_scenario_yaml_error(ctx, node, error, "may specify no more than one CIDR for each IP family");
    }
    g_free(scenario->service_cidr);
    g_free(scenario->service_cidr_secondary);
    scenario->service_cidr = cidrs[0];
    scenario->service_cidr_secondary = cidrs[1];
    return TRUE;
}

/* A bandwidth: a number and a unit of bits per second (bps, Kbps, Mbps,
 * Gbps, Tbps; powers of 1000 as link speeds are counted). */
static gboolean
parse_bandwidth(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    static const struct { const char *unit; guint64 scale; } units[] = {
        { "Tbps", 1000000000000ull }, { "Gbps", 1000000000ull }, { "Mbps", 1000000ull },
        { "Kbps", 1000ull }, { "bps", 1ull },
    };
    const char *text = kn_scenario_yaml_scalar(node);
    char *end;
    double value = g_ascii_strtod(text, &end);

    for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
        if (end != text && strcmp(end, units[i].unit) == 0 && value > 0 && value * units[i].scale < 1e15) {
            *(guint64 *) target = (guint64) (value * units[i].scale);
            return TRUE;
        }
    }
    return kn_scenario_yaml_error(ctx, node, error, "invalid bandwidth \"%s\" (expected a number and "
                                  "bps, Kbps, Mbps, Gbps or Tbps, e.g. 10Gbps)", text);
}

static const KnYamlField latency_fields[] = {
    { "sameNode", YAML_SCALAR_NODE, kn_scenario_yaml_duration, offsetof(KnScenario, network.same_node), NULL, NULL },
    { "sameZone", YAML_SCALAR_NODE, kn_scenario_yaml_duration, offsetof(KnScenario, network.same_zone), NULL, NULL },
    { "crossZone", YAML_SCALAR_NODE, kn_scenario_yaml_duration, offsetof(KnScenario, network.cross_zone), NULL, NULL },
    { "external", YAML_SCALAR_NODE, kn_scenario_yaml_duration, offsetof(KnScenario, network.external), NULL, NULL },
    { NULL },
};

static const KnYamlField network_fields[] = {
    { "latency", YAML_MAPPING_NODE, NULL, 0, latency_fields, "latency" },
    { "bandwidth", YAML_SCALAR_NODE, parse_bandwidth, offsetof(KnScenario, network.bandwidth_bps), NULL, NULL },
    { NULL },
};

/* cluster.dns.nodeLocalCache; 'target' is the scenario. */
static gboolean
parse_node_local_cache(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    KnScenario *scenario = target;

    scenario->node_local_dns_loc = kn_scenario_yaml_loc(ctx, node);
    return parse_switch(ctx, node, &scenario->node_local_dns, error);
}

static const KnYamlField dns_fields[] = {
    { "nodeLocalCache", YAML_SCALAR_NODE, parse_node_local_cache, 0, NULL, NULL },
    { NULL },
};

static const KnYamlField cluster_fields[] = {
    { "proxyMode", YAML_SCALAR_NODE, parse_proxy_mode, offsetof(KnScenario, proxy_mode), NULL, NULL },
    { "cni", YAML_MAPPING_NODE, NULL, 0, cni_fields, "cni" },
    { "serviceCIDR", YAML_SCALAR_NODE, parse_service_cidr, 0, NULL, NULL },
    { "podCIDR", YAML_SCALAR_NODE, kn_scenario_yaml_cidr, offsetof(KnScenario, pod_cidr), NULL, NULL },
    { "nodeCIDR", YAML_SCALAR_NODE, kn_scenario_yaml_cidr, offsetof(KnScenario, node_cidr), NULL, NULL },
    { "clusterDomain", YAML_SCALAR_NODE, kn_scenario_yaml_dns1123_subdomain, offsetof(KnScenario, cluster_domain), NULL, NULL },
    { "loadBalancer", YAML_SCALAR_NODE, parse_load_balancer, offsetof(KnScenario, load_balancer), NULL, NULL },
    { "network", YAML_MAPPING_NODE, NULL, 0, network_fields, "network" },
    { "dns", YAML_MAPPING_NODE, NULL, 0, dns_fields, "dns" },
    { "loadBalancerPool", YAML_SCALAR_NODE, kn_scenario_yaml_cidr, offsetof(KnScenario, load_balancer_pool), NULL, NULL },
    { "nodes", YAML_SEQUENCE_NODE, parse_nodes, offsetof(KnScenario, nodes), NULL, NULL },
    { NULL },
};

static const KnYamlField external_fields[] = {
    { "dns", YAML_MAPPING_NODE, parse_external_dns, offsetof(KnScenario, external_names), NULL, NULL },
    { "hosts", YAML_SEQUENCE_NODE, parse_hosts, offsetof(KnScenario, hosts), NULL, NULL },
    { NULL },
};

static const KnYamlField metadata_fields[] = {
    { "name", YAML_SCALAR_NODE, kn_scenario_yaml_dns1123_subdomain, offsetof(KnScenario, name), NULL, NULL },
    { "description", YAML_SCALAR_NODE, kn_scenario_yaml_string, offsetof(KnScenario, description), NULL, NULL },
    { NULL },
};

static gboolean
parse_api_version(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    (void) target;
    if (strcmp(kn_scenario_yaml_scalar(node), "knetsim/v1") != 0)
        return kn_scenario_yaml_error(ctx, node, error, "unsupported apiVersion '%s' (expected knetsim/v1)",
                              kn_scenario_yaml_scalar(node));
    return TRUE;
}

static gboolean
parse_kind(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    (void) target;
    if (strcmp(kn_scenario_yaml_scalar(node), "Scenario") != 0)
        return kn_scenario_yaml_error(ctx, node, error, "the first document must be kind: Scenario, found '%s'",
                              kn_scenario_yaml_scalar(node));
    return TRUE;
}

static const KnYamlField scenario_fields[] = {
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
check_scenario(KnYamlCtx *ctx, const KnScenario *scenario, yaml_node_t *root, GError **error)
{
    static const char *const required[] = { "apiVersion", "kind", "metadata", NULL };

    for (int i = 0; required[i] != NULL; i++) {
        if (kn_scenario_yaml_get(ctx, root, required[i]) == NULL) {
            kn_scenario_yaml_path_push_key(ctx, required[i]);
            return kn_scenario_yaml_error(ctx, root, error, "Required value");
        }
    }
    if (scenario->node_local_dns && scenario->proxy_mode == KN_PROXY_MODE_IPVS) {
        kn_diag_set_error(error, KN_INPUT_ERROR_UNSUPPORTED, &scenario->node_local_dns_loc, scenario->source,
                          "cluster.dns.nodeLocalCache: true: not built yet with proxyMode ipvs (node-local-dns "
                          "then binds only its link-local address and the kubelet points pods at it)");
        return FALSE;
    }
    if (scenario->name == NULL) {
        kn_scenario_yaml_path_push_key(ctx, "metadata.name");
        return kn_scenario_yaml_error(ctx, kn_scenario_yaml_get(ctx, root, "metadata"), error, "Required value");
    }
    /* fail and recover steps name nodes of the cluster. */
    for (guint i = 0; i < scenario->steps->len; i++) {
        const KnStep *step = scenario->steps->pdata[i];
        g_autoptr(GString) known = g_string_new(NULL);
        gboolean found = FALSE;

        if (step->node == NULL)
            continue;
        for (guint n = 0; n < scenario->nodes->len; n++) {
            const char *name = ((KnNodeSpec *) scenario->nodes->pdata[n])->name;

            found |= strcmp(name, step->node) == 0;
            g_string_append_printf(known, "%s%s", n > 0 ? ", " : "", name);
        }
        for (guint h = 0; step->kind == KN_STEP_FROM && h < scenario->hosts->len; h++) {
            const char *name = ((KnHostSpec *) scenario->hosts->pdata[h])->name;

            found |= strcmp(name, step->node) == 0;
            g_string_append_printf(known, "%s%s", known->len > 0 ? ", " : "", name);
        }
        if (!found) {
            kn_diag_set_error(error, KN_INPUT_ERROR_REFERENCE, &step->node_loc, scenario->source,
                              "%s: Not found: \"%s\" (%s: %s)", step->node_path, step->node,
                              step->kind == KN_STEP_FROM ? "cluster.nodes and external.hosts"
                                                         : "cluster.nodes",
                              known->len > 0 ? known->str : "none");
            return FALSE;
        }
    }
    return TRUE;
}

/*****************************************************************************/

static gboolean
load_stream(KnScenario *scenario, GError **error)
{
    yaml_parser_t parser;
    gboolean ok = TRUE;
    guint n_docs = 0;

    if (!kn_scenario_yaml_check_depth(scenario->file, scenario->source, error))
        return FALSE;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const guchar *) scenario->source, strlen(scenario->source));
    while (ok) {
        yaml_document_t doc;
        yaml_node_t *root;

        if (!yaml_parser_load(&parser, &doc)) {
            ok = kn_scenario_yaml_syntax_error(scenario->file, scenario->source, &parser, error);
            break;
        }
        root = yaml_document_get_root_node(&doc);
        if (root == NULL) {              /* the end of the stream */
            yaml_document_delete(&doc);
            break;
        }

        g_autoptr(GString) path = g_string_new(NULL);
        KnYamlCtx ctx = { scenario->file, scenario->source, &doc, path };

        if (n_docs++ == 0) {
            ok = kn_scenario_yaml_check_nul(&ctx, error)
                 && kn_scenario_yaml_mapping(&ctx, root, scenario_fields, scenario, "Scenario", error)
                 && check_scenario(&ctx, scenario, root, error);
        } else if (root->type != YAML_SCALAR_NODE || *kn_scenario_yaml_scalar(root) != '\0') {
            KnManifest *manifest = kn_scenario_manifest_read(&ctx, root, error);

            /* A manifest's decoding errors come first, as the API server's
             * would. */
            if (manifest != NULL && !kn_scenario_yaml_check_nul(&ctx, error))
                g_clear_pointer(&manifest, kn_scenario_manifest_free);
            if (manifest != NULL)
                g_ptr_array_add(scenario->manifests, manifest);
            ok = manifest != NULL;
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
    scenario->network = (KnNetworkSpec) { .same_node = 5 * KN_USEC, .same_zone = 100 * KN_USEC,
                                          .cross_zone = 500 * KN_USEC, .external = 5 * KN_MSEC,
                                          .bandwidth_bps = 10000000000ull };
    scenario->load_balancer = KN_LOAD_BALANCER_NONE;
    scenario->nodes = g_ptr_array_new_with_free_func((GDestroyNotify) node_spec_free);
    scenario->external_names = g_ptr_array_new_with_free_func((GDestroyNotify) external_name_free);
    scenario->hosts = g_ptr_array_new_with_free_func((GDestroyNotify) host_spec_free);
    scenario->steps = g_ptr_array_new_with_free_func((GDestroyNotify) step_free);
    scenario->manifests = g_ptr_array_new_with_free_func((GDestroyNotify) kn_scenario_manifest_free);

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
    g_free(scenario->service_cidr_secondary);
    g_free(scenario->load_balancer_pool);
    g_clear_pointer(&scenario->nodes, g_ptr_array_unref);
    g_clear_pointer(&scenario->external_names, g_ptr_array_unref);
    g_clear_pointer(&scenario->hosts, g_ptr_array_unref);
    g_clear_pointer(&scenario->steps, g_ptr_array_unref);
    g_clear_pointer(&scenario->manifests, g_ptr_array_unref);
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
