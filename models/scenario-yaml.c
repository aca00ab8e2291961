/* scenario-yaml.c -- reading YAML against key tables, for the scenario
 * loader (scenario.c) and the manifest reader (scenario-manifest.c).
 *
 * DOC: libyaml's document API keeps each node's position; every mapping is
 * read against a key table (as netplan's parse.c does).  A key that is not
 * in the table is an error at the key, named with its field path, like the
 * API server's strict decoding; a key given twice is an error too.  libyaml
 * marks are 0-based; messages are 1-based. */

#include <config.h>
#include "models/scenario-yaml.h"
#include "sim/time.h"

#include <arpa/inet.h>
#include <string.h>



KnSrcLoc
kn_scenario_yaml_loc(KnYamlCtx *ctx, const yaml_node_t *node)
{
    return (KnSrcLoc) { ctx->file, (guint) node->start_mark.line + 1,
                        (guint) node->start_mark.column + 1 };
}

static gboolean
yaml_verror(KnYamlCtx *ctx, const yaml_node_t *node, GError **error, gint code,
                const char *format, va_list args)
{
    g_autofree char *message = g_strdup_vprintf(format, args);
    KnSrcLoc loc = kn_scenario_yaml_loc(ctx, node);

    if (ctx->path->len > 0)
        kn_diag_set_error(error, code, &loc, ctx->source, "%s: %s", ctx->path->str, message);
    else
        kn_diag_set_error(error, code, &loc, ctx->source, "%s", message);
    return FALSE;
}

/* Sets 'error' for a bad value at 'node', prefixed with the field path, and
 * returns FALSE. */
gboolean
kn_scenario_yaml_error(KnYamlCtx *ctx, const yaml_node_t *node, GError **error, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    yaml_verror(ctx, node, error, KN_INPUT_ERROR_VALUE, format, args);
    va_end(args);
    return FALSE;
}

/* As kn_scenario_yaml_error(), with another error code. */
gboolean
kn_scenario_yaml_error_code(KnYamlCtx *ctx, const yaml_node_t *node, GError **error, gint code,
                    const char *format, ...)
{
    va_list args;

    va_start(args, format);
    yaml_verror(ctx, node, error, code, format, args);
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

const char *
kn_scenario_yaml_scalar(const yaml_node_t *node)
{
    return (const char *) node->data.scalar.value;
}

/* Pushes ".key" or "[i]" onto the path; returns the length to pop back to. */
gsize
kn_scenario_yaml_path_push_key(KnYamlCtx *ctx, const char *key)
{
    gsize len = ctx->path->len;

    g_string_append_printf(ctx->path, len > 0 ? ".%s" : "%s", key);
    return len;
}

gsize
kn_scenario_yaml_path_push_index(KnYamlCtx *ctx, gsize index)
{
    gsize len = ctx->path->len;

    g_string_append_printf(ctx->path, "[%zu]", index);
    return len;
}

gboolean
kn_scenario_yaml_expect_type(KnYamlCtx *ctx, yaml_node_t *node, yaml_node_type_t type, GError **error)
{
    if (node->type == type)
        return TRUE;
    return kn_scenario_yaml_error_code(ctx, node, error, KN_INPUT_ERROR_TYPE, "expected %s, found %s",
                               type_name(type), type_name(node->type));
}

/* Reads the mapping 'node' into 'target' through 'fields' (ending with a
 * NULL key); 'what' names the mapping in messages. */
gboolean
kn_scenario_yaml_mapping(KnYamlCtx *ctx, yaml_node_t *node, const KnYamlField *fields, gpointer target,
              const char *what, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (!kn_scenario_yaml_expect_type(ctx, node, YAML_MAPPING_NODE, error))
        return FALSE;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *key = yaml_document_get_node(ctx->doc, pair->key);
        yaml_node_t *value = yaml_document_get_node(ctx->doc, pair->value);
        const KnYamlField *field;

        if (!kn_scenario_yaml_expect_type(ctx, key, YAML_SCALAR_NODE, error))
            return FALSE;
        for (field = fields; field->key != NULL; field++)
            if (strcmp(field->key, kn_scenario_yaml_scalar(key)) == 0)
                break;
        if (field->key == NULL) {
            g_autoptr(GString) known = g_string_new(NULL);

            for (const KnYamlField *f = fields; f->key != NULL; f++)
                g_string_append_printf(known, "%s%s", known->len > 0 ? ", " : "", f->key);
            return kn_scenario_yaml_error_code(ctx, key, error, KN_INPUT_ERROR_UNKNOWN_KEY,
                                       "unknown key '%s' in %s (expected %s)",
                                       kn_scenario_yaml_scalar(key), what, known->str);
        }
        if (!g_hash_table_add(seen, (gpointer) field->key))
            return kn_scenario_yaml_error(ctx, key, error, "duplicate key '%s' in %s", field->key, what);

        gsize mark = kn_scenario_yaml_path_push_key(ctx, field->key);
        gpointer at = (char *) target + field->offset;
        gboolean ok = (field->type == YAML_NO_NODE || kn_scenario_yaml_expect_type(ctx, value, field->type, error))
                      && (field->parse != NULL
                              ? field->parse(ctx, value, at, error)
                              : kn_scenario_yaml_mapping(ctx, value, field->fields, at, field->what, error));

        if (!ok)
            return FALSE;
        g_string_truncate(ctx->path, mark);
    }
    return TRUE;
}

/* Returns 'key''s value node in the mapping 'node', or NULL. */
yaml_node_t *
kn_scenario_yaml_get(KnYamlCtx *ctx, yaml_node_t *node, const char *key)
{
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(ctx->doc, pair->key);

        if (k->type == YAML_SCALAR_NODE && strcmp(kn_scenario_yaml_scalar(k), key) == 0)
            return yaml_document_get_node(ctx->doc, pair->value);
    }
    return NULL;
}

gboolean
kn_scenario_yaml_syntax_error(const char *file, const char *source, const yaml_parser_t *parser,
                              GError **error)
{
    const yaml_mark_t *mark = parser->problem != NULL ? &parser->problem_mark : &parser->context_mark;
    KnSrcLoc loc = { file, (guint) mark->line + 1, (guint) mark->column + 1 };

    kn_diag_set_error(error, KN_INPUT_ERROR_SYNTAX, &loc, source, "%s%s%s",
                      parser->problem != NULL ? parser->problem : "invalid YAML",
                      parser->context != NULL ? " " : "",
                      parser->context != NULL ? parser->context : "");
    return FALSE;
}

gboolean
kn_yaml_flow_depth_ok(const char *text, gsize length, gsize *at)
{
    guint depth = 0;
    char quote = 0;
    gboolean comment = FALSE;

    for (gsize i = 0; i < length; i++) {
        char c = text[i];
        char before = i > 0 ? text[i - 1] : '\n';

        if (comment) {
            comment = c != '\n';
        } else if (quote == '\'') {
            if (c == '\'' && i + 1 < length && text[i + 1] == '\'')
                i++;                     /* '' is a quote inside */
            else if (c == '\'')
                quote = 0;
        } else if (quote == '"') {
            if (c == '\\')
                i++;
            else if (c == '"')
                quote = 0;
        } else if (c == '#' && g_ascii_isspace(before)) {
            comment = TRUE;
        } else if ((c == '\'' || c == '"') && strchr(" \t\n[{,:-", before) != NULL) {
            quote = c;                   /* a quoted scalar starts */
        } else if (c == '[' || c == '{') {
            if (++depth > KN_YAML_MAX_FLOW_DEPTH) {
                *at = i;
                return FALSE;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return TRUE;
}

gboolean
kn_scenario_yaml_check_depth(const char *file, const char *source, GError **error)
{
    gsize at = 0;
    KnSrcLoc loc = { file, 1, 1 };

    if (kn_yaml_flow_depth_ok(source, strlen(source), &at))
        return TRUE;
    for (gsize i = 0; i < at; i++) {
        if (source[i] == '\n') {
            loc.line++;
            loc.col = 1;
        } else if (((guchar) source[i] & 0xc0) != 0x80) {
            loc.col++;                   /* characters, as libyaml counts */
        }
    }
    kn_diag_set_error(error, KN_INPUT_ERROR_SYNTAX, &loc, source, "exceeded max depth of %d",
                      KN_YAML_MAX_FLOW_DEPTH);
    return FALSE;
}

/*****************************************************************************/
/* Scalars. */

gboolean
kn_scenario_yaml_string(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    char **out = target;

    if (*kn_scenario_yaml_scalar(node) == '\0')
        return kn_scenario_yaml_error(ctx, node, error, "must not be empty");
    g_free(*out);
    *out = g_strdup(kn_scenario_yaml_scalar(node));
    return TRUE;
}

gboolean
kn_scenario_yaml_u64(KnYamlCtx *ctx, yaml_node_t *node, guint64 max, guint64 *out, GError **error)
{
    guint64 value = 0;

    if (!g_ascii_string_to_unsigned(kn_scenario_yaml_scalar(node), 10, 0, max, &value, NULL))
        return kn_scenario_yaml_error(ctx, node, error, "expected an integer from 0 to %" G_GUINT64_FORMAT
                              ", found '%s'", max, kn_scenario_yaml_scalar(node));
    *out = value;
    return TRUE;
}

gboolean
kn_scenario_yaml_duration(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (!kn_time_parse(kn_scenario_yaml_scalar(node), target, &local))
        return kn_scenario_yaml_error(ctx, node, error, "%s", local->message);
    return TRUE;
}

/* Reads one of 'names' (NULL-terminated) into the enum at 'target'. */
gboolean
kn_scenario_yaml_enum(KnYamlCtx *ctx, yaml_node_t *node, const char *const *names, int *target, GError **error)
{
    g_autoptr(GString) known = g_string_new(NULL);

    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], kn_scenario_yaml_scalar(node)) == 0) {
            *target = i;
            return TRUE;
        }
        g_string_append_printf(known, "%s%s", i > 0 ? ", " : "", names[i]);
    }
    return kn_scenario_yaml_error(ctx, node, error, "unsupported value '%s' (expected %s)",
                          kn_scenario_yaml_scalar(node), known->str);
}

gboolean
kn_scenario_yaml_is_ip(const char *text)
{
    guchar buf[16];

    return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

gboolean
kn_scenario_yaml_ip(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    if (!kn_scenario_yaml_is_ip(kn_scenario_yaml_scalar(node)))
        return kn_scenario_yaml_error(ctx, node, error, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    return kn_scenario_yaml_string(ctx, node, target, error);
}

gboolean
kn_scenario_yaml_cidr(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    const char *text = kn_scenario_yaml_scalar(node);
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
    return kn_scenario_yaml_string(ctx, node, target, error);

bad:
    return kn_scenario_yaml_error(ctx, node, error,
                          "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
}

/* A DNS-1123 subdomain, the rule for node names (apimachinery
 * validation.IsDNS1123Subdomain), with its message. */
gboolean
kn_scenario_yaml_dns1123_subdomain(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    const char *text = kn_scenario_yaml_scalar(node);
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
        return kn_scenario_yaml_error(ctx, node, error,
                              "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must consist of "
                              "lower case alphanumeric characters, '-' or '.', and must start and end "
                              "with an alphanumeric character (e.g. 'example.com', regex used for "
                              "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
                              "[a-z0-9])?)*')", text);
    return kn_scenario_yaml_string(ctx, node, target, error);
}

gboolean
kn_scenario_yaml_string_list(KnYamlCtx *ctx, yaml_node_t *node, gpointer target, GError **error)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    gsize i = 0;

    for (yaml_node_item_t *item = node->data.sequence.items.start;
         item < node->data.sequence.items.top; item++, i++) {
        yaml_node_t *child = yaml_document_get_node(ctx->doc, *item);
        gsize mark = kn_scenario_yaml_path_push_index(ctx, i);

        if (!kn_scenario_yaml_expect_type(ctx, child, YAML_SCALAR_NODE, error))
            return FALSE;
        g_strv_builder_add(builder, kn_scenario_yaml_scalar(child));
        g_string_truncate(ctx->path, mark);
    }
    g_strfreev(*(GStrv *) target);
    *(GStrv *) target = g_strv_builder_end(builder);
    return TRUE;
}

/*****************************************************************************/
/* Lists of records. */

gboolean
kn_scenario_yaml_list(KnYamlCtx *ctx, yaml_node_t *node, GPtrArray *out, KnYamlItemFunc parse_item, GError **error)
{
    gsize i = 0;

    for (yaml_node_item_t *item = node->data.sequence.items.start;
         item < node->data.sequence.items.top; item++, i++) {
        gsize mark = kn_scenario_yaml_path_push_index(ctx, i);

        if (!parse_item(ctx, yaml_document_get_node(ctx->doc, *item), out, error))
            return FALSE;
        g_string_truncate(ctx->path, mark);
    }
    return TRUE;
}


/*****************************************************************************/
/* NUL characters. */

static gboolean
has_nul(const yaml_node_t *node)
{
    return node->type == YAML_SCALAR_NODE && strlen((const char *) node->data.scalar.value) != node->data.scalar.length;
}

gboolean
kn_scenario_yaml_check_nul(KnYamlCtx *ctx, GError **error)
{
    yaml_document_t *doc = ctx->doc;
    gsize n = (gsize) (doc->nodes.top - doc->nodes.start);
    gsize bad = n;

    /* Nodes are numbered in the order they were read: the first one found
     * is the first in the text.  No recursion (nesting may be deep). */
    for (gsize i = 0; i < n && bad == n; i++)
        if (has_nul(&doc->nodes.start[i]))
            bad = i;
    if (bad == n)
        return TRUE;

    /* Each node's parent (node ids are 1-based), and where it sits in it:
     * a key's own entry, or the entry whose value it is. */
    g_autofree int *parent = g_new0(int, n);
    g_autofree gssize *entry = g_new0(gssize, n);
    g_autofree gboolean *is_key = g_new0(gboolean, n);

    for (gsize i = 0; i < n; i++) {
        const yaml_node_t *node = &doc->nodes.start[i];

        if (node->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++)
                if (parent[*item - 1] == 0 && (gsize) (*item - 1) != i) {
                    parent[*item - 1] = (int) i + 1;
                    entry[*item - 1] = item - node->data.sequence.items.start;
                }
        } else if (node->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
                if (parent[pair->key - 1] == 0 && (gsize) (pair->key - 1) != i) {
                    parent[pair->key - 1] = (int) i + 1;
                    entry[pair->key - 1] = pair - node->data.mapping.pairs.start;
                    is_key[pair->key - 1] = TRUE;
                }
                if (parent[pair->value - 1] == 0 && (gsize) (pair->value - 1) != i) {
                    parent[pair->value - 1] = (int) i + 1;
                    entry[pair->value - 1] = pair - node->data.mapping.pairs.start;
                }
            }
        }
    }

    /* From the node up to the root, then the path down. */
    g_autoptr(GArray) chain = g_array_new(FALSE, FALSE, sizeof(gsize));
    gsize mark = ctx->path->len;

    for (gsize i = bad; parent[i] != 0 && chain->len < n; i = (gsize) parent[i] - 1)
        g_array_append_val(chain, i);
    for (guint k = chain->len; k-- > 0;) {
        gsize i = g_array_index(chain, gsize, k);
        const yaml_node_t *up = &doc->nodes.start[parent[i] - 1];

        if (up->type == YAML_SEQUENCE_NODE) {
            kn_scenario_yaml_path_push_index(ctx, (gsize) entry[i]);
        } else if (!is_key[i]) {
            const yaml_node_t *key = yaml_document_get_node(doc, up->data.mapping.pairs.start[entry[i]].key);

            kn_scenario_yaml_path_push_key(ctx, key->type == YAML_SCALAR_NODE ? (const char *) key->data.scalar.value
                                                                              : "?");
        }
    }

    gboolean ok = kn_scenario_yaml_error(ctx, &doc->nodes.start[bad], error,
                                         "a NUL character (\\0) in a string is not simulated");

    g_string_truncate(ctx->path, mark);
    return ok;
}
