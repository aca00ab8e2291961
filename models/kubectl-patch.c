/* kubectl-patch.c -- `kubectl patch`: the patched object, as the API server
 * computes it (kubectl-patch.h).
 *
 * DOC: kubectl (staging/src/k8s.io/kubectl/pkg/cmd/patch/patch.go) checks
 * --type against its table ('--type must be one of [json merge strategic],
 * not "x"'), turns -p into JSON with sigs.k8s.io/yaml.ToJSON (go-yaml v2, so
 * YAML is accepted too; a syntax error gives 'unable to parse "PATCH": yaml:
 * line N: PROBLEM', the line only when go-yaml's marks are not on line 0) and
 * sends it without a fieldValidation directive.  The API server
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go) then
 * applies it to the stored object:
 *
 *  - strategic (the default): apimachinery pkg/util/strategicpatch mergeMap:
 *    maps merge key by key, null deletes, a value of another type replaces;
 *    lists replace, except those with a patchMergeKey in k8s.io/api's
 *    types.go, whose items merge by that key (mergeSlice): a Service's
 *    spec.ports by "port", a pod spec's containers, initContainers,
 *    ephemeralContainers, volumes, imagePullSecrets, resourceClaims and
 *    schedulingGates by "name", hostAliases by "ip",
 *    topologySpreadConstraints by "topologyKey", a container's ports by
 *    "containerPort", env by "name", volumeMounts by "mountPath",
 *    volumeDevices by "devicePath", and metadata.ownerReferences by "uid".
 *    Tolerations, command, args, clusterIPs, EndpointSlice endpoints and the
 *    like have no merge key and are replaced.  Merged items keep their place,
 *    the patch's new items come first (normalizeElementOrder and
 *    mergeSortedSlice with the live list as the order).  Directives: a map
 *    with "$patch: replace" replaces, "$patch: delete" empties it; a list
 *    item "{$patch: delete, KEY: v}" removes the item with that key, an item
 *    "{$patch: replace}" makes the other items the whole list.  A patch item
 *    without the merge key fails with 'map: map[...] does not contain
 *    declared merge key: port';
 *  - merge: RFC 7386 as evanphx/json-patch MergePatch does it: the same
 *    without merge keys or directives; nulls inside a new value are pruned;
 *  - json: RFC 6902 (evanphx/json-patch v4): add, remove, replace, move,
 *    copy and test on JSON pointers ("/spec/ports/0/nodePort", "-" appends,
 *    ~1 and ~0 escapes), with that library's messages ('replace operation
 *    does not apply: doc is missing key: /spec/foo: missing value').
 *
 * The patched object is then decoded with the server's default field
 * validation, Warn (handlers/rest.go fieldValidation): an unknown field is
 * dropped and sent back as the warning 'unknown field "spec.ports[0].prot"'
 * (runtime.DefaultUnstructuredConverter, sorted), which kubectl prints as
 * "Warning: ..." before "service/web patched".  A patch that is not a JSON
 * object (or, for json, an array) fails with the server's BadRequest
 * ('error decoding patch: json: cannot unmarshal string into Go value of type
 * map[string]interface {}'); a changed name or namespace fails with the
 * messages of handlers/rest.go checkName and
 * rest.EnsureObjectNamespaceMatchesRequestNamespace.  kubectl prints
 * "patched (no change)" when the object it gets back is DeepEqual to the one
 * it had.
 *
 * Method: the object is printed as `kubectl get -o yaml` prints it
 * (kubectl-print.h) and read with libyaml into a tree of JSON values (plain
 * scalars typed as YAML 1.1 types them, so "80" stays a string and 80 a
 * number); the patch is read into the same tree; the merged tree is written
 * as JSON, one member per line, and read back with the manifest reader
 * (scenario-manifest.h).  An unknown field the reader reports is found by
 * its line, dropped and warned about, and the JSON is read again.
 * Identity and status are copied from the original object, since the reader
 * ignores them, and the two tolerations -o yaml adds to every pod are taken
 * out again; "changed" compares the -o yaml of both objects.
 *
 * Simplified: $setElementOrder, $retainKeys and $deleteFromPrimitiveList
 * directives are dropped, and lists of scalars with a merge strategy
 * (metadata.finalizers) are replaced; a value of the wrong type or an enum
 * the reader refuses fails with 'The request is invalid: patch: ' and the
 * reader's own text (the server prints the patch and the converter's
 * wording); JSON patch failures get 'The request is invalid: ' before
 * json-patch's message; Nodes cannot be patched (the reader does not read
 * them). */

#include <config.h>
#include "models/kubectl-patch.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>
#include "models/kubectl-print.h"
#include "models/scenario-manifest.h"
#include "models/scenario-yaml.h"

/*****************************************************************************/
/* A tree of JSON values. */

typedef enum {
    NODE_NULL,
    NODE_BOOL,
    NODE_NUMBER,
    NODE_STRING,
    NODE_OBJECT,
    NODE_ARRAY,
} NodeType;

typedef struct Node Node;

struct Node {
    NodeType type;
    char *text;                  /* scalars: "true"/"false", the number as written, the string */
    GPtrArray *keys;             /* OBJECT: char *, in order */
    GPtrArray *values;           /* OBJECT: the values of 'keys'; ARRAY: the items (Node *) */
};

static void node_free(Node *node);

static Node *
node_new(NodeType type, const char *text)
{
    Node *node = g_new0(Node, 1);

    node->type = type;
    node->text = g_strdup(text);
    if (type == NODE_OBJECT)
        node->keys = g_ptr_array_new_with_free_func(g_free);
    if (type == NODE_OBJECT || type == NODE_ARRAY)
        node->values = g_ptr_array_new_with_free_func((GDestroyNotify) node_free);
    return node;
}

static void
node_free(Node *node)
{
    if (node == NULL)
        return;
    g_free(node->text);
    g_clear_pointer(&node->keys, g_ptr_array_unref);
    g_clear_pointer(&node->values, g_ptr_array_unref);
    g_free(node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Node, node_free)

static Node *
node_copy(const Node *from)
{
    Node *node = node_new(from->type, from->text);

    for (guint i = 0; from->values != NULL && i < from->values->len; i++) {
        if (from->keys != NULL)
            g_ptr_array_add(node->keys, g_strdup(from->keys->pdata[i]));
        g_ptr_array_add(node->values, node_copy(from->values->pdata[i]));
    }
    return node;
}

/* The index of 'key' in the object 'node', or -1. */
static gint
object_find(const Node *node, const char *key)
{
    for (guint i = 0; i < node->keys->len; i++)
        if (strcmp(node->keys->pdata[i], key) == 0)
            return (gint) i;
    return -1;
}

static Node *
object_get(const Node *node, const char *key)
{
    gint i = node->type == NODE_OBJECT ? object_find(node, key) : -1;

    return i < 0 ? NULL : node->values->pdata[i];
}

/* Sets 'key' of 'node' to 'value' (taken), in place or at the end. */
static void
object_set(Node *node, const char *key, Node *value)
{
    gint i = object_find(node, key);

    if (i < 0) {
        g_ptr_array_add(node->keys, g_strdup(key));
        g_ptr_array_add(node->values, value);
    } else {
        node_free(node->values->pdata[i]);
        node->values->pdata[i] = value;
    }
}

static gboolean
object_remove(Node *node, const char *key)
{
    gint i = object_find(node, key);

    if (i < 0)
        return FALSE;
    g_ptr_array_remove_index(node->keys, (guint) i);
    g_ptr_array_remove_index(node->values, (guint) i);
    return TRUE;
}

/* Takes the value of 'key' out of 'node'; NULL if unset. */
static Node *
object_steal(Node *node, const char *key)
{
    gint i = object_find(node, key);
    Node *value;

    if (i < 0)
        return NULL;
    value = g_steal_pointer(&node->values->pdata[i]);
    g_ptr_array_remove_index(node->keys, (guint) i);
    g_ptr_array_remove_index(node->values, (guint) i);
    return value;
}

/* JSON equality, as reflect.DeepEqual sees decoded JSON (object key order
 * does not count). */
static gboolean
node_equal(const Node *a, const Node *b)
{
    if (a->type != b->type)
        return FALSE;
    switch (a->type) {
    case NODE_NULL:
        return TRUE;
    case NODE_NUMBER:
        return g_ascii_strtod(a->text, NULL) == g_ascii_strtod(b->text, NULL);
    case NODE_BOOL:
    case NODE_STRING:
        return strcmp(a->text, b->text) == 0;
    case NODE_OBJECT:
        if (a->keys->len != b->keys->len)
            return FALSE;
        for (guint i = 0; i < a->keys->len; i++) {
            Node *other = object_get(b, a->keys->pdata[i]);

            if (other == NULL || !node_equal(a->values->pdata[i], other))
                return FALSE;
        }
        return TRUE;
    case NODE_ARRAY:
        if (a->values->len != b->values->len)
            return FALSE;
        for (guint i = 0; i < a->values->len; i++)
            if (!node_equal(a->values->pdata[i], b->values->pdata[i]))
                return FALSE;
        return TRUE;
    }
    g_assert_not_reached();
}

/* Removes the nulls from the objects in 'node', as json-patch's pruneNulls
 * and strategicpatch's discardNullValuesFromPatch do for a new value. */
static void
prune_nulls(Node *node)
{
    if (node->type == NODE_OBJECT) {
        for (guint i = node->values->len; i-- > 0;) {
            Node *value = node->values->pdata[i];

            if (value->type == NODE_NULL) {
                g_ptr_array_remove_index(node->keys, i);
                g_ptr_array_remove_index(node->values, i);
            } else {
                prune_nulls(value);
            }
        }
    } else if (node->type == NODE_ARRAY) {
        for (guint i = 0; i < node->values->len; i++)
            prune_nulls(node->values->pdata[i]);
    }
}

/*****************************************************************************/
/* YAML text into the tree; the tree as JSON text and as Go prints it. */

/* How YAML 1.1 (go-yaml v2, under sigs.k8s.io/yaml) types a plain scalar. */
static NodeType
plain_type(const char *text)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
    static const char *const bools[] = {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", NULL,
    };
    static const char *const special[] = {
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ".nan", ".NaN", ".NAN", NULL,
    };
    const char *p = text;
    gboolean digits = FALSE;

    if (g_strv_contains(nulls, text))
        return NODE_NULL;
    if (g_strv_contains(bools, text))
        return NODE_BOOL;
    if (g_strv_contains(special, text))
        return NODE_NUMBER;
    if (*p == '-' || *p == '+')
        p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'b') && p[2] != '\0')
        return strspn(p + 2, p[1] == 'x' ? "0123456789abcdefABCDEF_" : "01_") == strlen(p + 2)
               ? NODE_NUMBER : NODE_STRING;
    for (; g_ascii_isdigit(*p) || (*p == '_' && digits); p++)
        digits = TRUE;
    if (*p == '.')
        for (p++; g_ascii_isdigit(*p); p++)
            digits = TRUE;
    if (digits && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!g_ascii_isdigit(*p))
            return NODE_STRING;
        while (g_ascii_isdigit(*p))
            p++;
    }
    return digits && *p == '\0' ? NODE_NUMBER : NODE_STRING;
}

static Node *
tree_from_yaml(yaml_document_t *doc, yaml_node_t *yaml, guint depth)
{
    Node *node;

    if (depth > 1000)                    /* aliases can make a cycle */
        return node_new(NODE_NULL, NULL);
    switch (yaml->type) {
    case YAML_SCALAR_NODE: {
        const char *text = (const char *) yaml->data.scalar.value;
        NodeType type = yaml->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_type(text) : NODE_STRING;

        if (type == NODE_BOOL)
            text = strchr("yYtTo", text[0]) != NULL && g_ascii_strcasecmp(text, "off") != 0 ? "true" : "false";
        return node_new(type, text);
    }
    case YAML_MAPPING_NODE:
        node = node_new(NODE_OBJECT, NULL);
        for (yaml_node_pair_t *pair = yaml->data.mapping.pairs.start; pair < yaml->data.mapping.pairs.top;
             pair++) {
            yaml_node_t *key = yaml_document_get_node(doc, pair->key);
            yaml_node_t *value = yaml_document_get_node(doc, pair->value);
            const char *name = key->type == YAML_SCALAR_NODE ? (const char *) key->data.scalar.value : "";

            object_set(node, name, tree_from_yaml(doc, value, depth + 1));
        }
        return node;
    case YAML_SEQUENCE_NODE:
        node = node_new(NODE_ARRAY, NULL);
        for (yaml_node_item_t *item = yaml->data.sequence.items.start; item < yaml->data.sequence.items.top;
             item++)
            g_ptr_array_add(node->values, tree_from_yaml(doc, yaml_document_get_node(doc, *item), depth + 1));
        return node;
    case YAML_NO_NODE:
        break;
    }
    return node_new(NODE_NULL, NULL);
}

/* 'text' as a JSON string. */
static void
append_json_string(GString *out, const char *text)
{
    g_string_append_c(out, '"');
    for (const guchar *p = (const guchar *) text; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p == '\n')
            g_string_append(out, "\\n");
        else if (*p == '\t')
            g_string_append(out, "\\t");
        else if (*p < 0x20)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (char) *p);
    }
    g_string_append_c(out, '"');
}

/* Where each line of the written JSON came from: the member on it. */
typedef struct {
    Node *parent;                /* the object holding the member; NULL: no member */
    char *key;
    char *path;                  /* "spec.ports[0].prot" */
} Line;

static void
line_clear(gpointer data)
{
    Line *line = data;

    g_free(line->key);
    g_free(line->path);
}

/* Writes 'node' as JSON, each object member and array item on a line of its
 * own; 'lines' gets an entry per line (line n at index n - 1). */
static void
write_json(GString *out, GArray *lines, Node *node, const char *path)
{
    Line none = { NULL, NULL, NULL };

    switch (node->type) {
    case NODE_NULL:
        g_string_append(out, "null");
        return;
    case NODE_BOOL:
    case NODE_NUMBER:
        g_string_append(out, node->text);
        return;
    case NODE_STRING:
        append_json_string(out, node->text);
        return;
    case NODE_OBJECT:
    case NODE_ARRAY:
        g_string_append_c(out, node->type == NODE_OBJECT ? '{' : '[');
        for (guint i = 0; i < node->values->len; i++) {
            Line line = { NULL, NULL, NULL };
            g_autofree char *child = NULL;

            g_string_append(out, i == 0 ? "\n" : ",\n");
            if (node->type == NODE_OBJECT) {
                line.parent = node;
                line.key = g_strdup(node->keys->pdata[i]);
                child = *path != '\0' ? g_strdup_printf("%s.%s", path, line.key) : g_strdup(line.key);
                line.path = g_strdup(child);
                append_json_string(out, line.key);
                g_string_append(out, ": ");
            } else {
                child = g_strdup_printf("%s[%u]", path, i);
            }
            g_array_append_val(lines, line);
            write_json(out, lines, node->values->pdata[i], child);
        }
        g_string_append(out, "\n");
        g_array_append_val(lines, none);
        g_string_append_c(out, node->type == NODE_OBJECT ? '}' : ']');
        return;
    }
}

/* For g_ptr_array_sort() of strings. */
static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Go's %v of a decoded JSON value (fmt prints maps with sorted keys). */
static void
append_go_value(GString *out, const Node *node)
{
    switch (node->type) {
    case NODE_NULL:
        g_string_append(out, "<nil>");
        return;
    case NODE_BOOL:
    case NODE_NUMBER:
    case NODE_STRING:
        g_string_append(out, node->text);
        return;
    case NODE_ARRAY:
        g_string_append_c(out, '[');
        for (guint i = 0; i < node->values->len; i++) {
            if (i > 0)
                g_string_append_c(out, ' ');
            append_go_value(out, node->values->pdata[i]);
        }
        g_string_append_c(out, ']');
        return;
    case NODE_OBJECT: {
        g_autoptr(GPtrArray) keys = g_ptr_array_new();

        for (guint i = 0; i < node->keys->len; i++)
            g_ptr_array_add(keys, node->keys->pdata[i]);
        g_ptr_array_sort(keys, compare_strings);
        g_string_append(out, "map[");
        for (guint i = 0; i < keys->len; i++) {
            g_string_append_printf(out, "%s%s:", i > 0 ? " " : "", (const char *) keys->pdata[i]);
            append_go_value(out, object_get(node, keys->pdata[i]));
        }
        g_string_append_c(out, ']');
        return;
    }
    }
}

/*****************************************************************************/
/* Strategic merge patch (apimachinery pkg/util/strategicpatch). */

/* The patchMergeKey of the list at 'path' (keys only, no indices) of an
 * object of 'kind', or NULL: the list is replaced. */
static const char *
merge_key(KnKind kind, const char *path)
{
    static const struct {
        const char *field;
        const char *key;
    } pod_spec[] = {
        { "containers", "name" }, { "initContainers", "name" }, { "ephemeralContainers", "name" },
        { "volumes", "name" }, { "imagePullSecrets", "name" }, { "resourceClaims", "name" },
        { "schedulingGates", "name" }, { "hostAliases", "ip" },
        { "topologySpreadConstraints", "topologyKey" },
    }, container[] = {
        { "ports", "containerPort" }, { "env", "name" }, { "volumeMounts", "mountPath" },
        { "volumeDevices", "devicePath" },
    };
    const char *prefix;
    gsize n;

    if (strcmp(path, "metadata.ownerReferences") == 0)
        return "uid";
    if (kind == KN_KIND_SERVICE && strcmp(path, "spec.ports") == 0)
        return "port";
    if (kind == KN_KIND_POD)
        prefix = "spec.";
    else if (kind == KN_KIND_DEPLOYMENT || kind == KN_KIND_REPLICA_SET || kind == KN_KIND_STATEFUL_SET
             || kind == KN_KIND_DAEMON_SET)
        prefix = "spec.template.spec.";
    else
        return NULL;
    if (!g_str_has_prefix(path, prefix))
        return NULL;
    path += strlen(prefix);
    for (n = 0; n < G_N_ELEMENTS(pod_spec); n++)
        if (strcmp(path, pod_spec[n].field) == 0)
            return pod_spec[n].key;
    for (n = 0; n < G_N_ELEMENTS(container); n++) {
        const char *dot = strchr(path, '.');

        if (dot != NULL && strcmp(dot + 1, container[n].field) == 0
            && (g_str_has_prefix(path, "containers.") || g_str_has_prefix(path, "initContainers.")
                || g_str_has_prefix(path, "ephemeralContainers.")))
            return container[n].key;
    }
    return NULL;
}

typedef struct {
    KnKind kind;
    gboolean strategic;          /* else RFC 7386 */
    GString *message;            /* the failure, once set */
} Merge;

static Node *merge_value(Merge *m, Node *original, Node *patch, const char *path);

/* The index in the array 'list' of the object whose 'key' equals 'value', or -1. */
static gint
find_by_key(const Node *list, const char *key, const Node *value)
{
    for (guint i = 0; i < list->values->len; i++) {
        Node *item = object_get(list->values->pdata[i], key);

        if (item != NULL && node_equal(item, value))
            return (gint) i;
    }
    return -1;
}

/* mergepatch.ErrNoMergeKey, which the server answers as an internal error. */
static Node *
no_merge_key(Merge *m, const Node *item, const char *key)
{
    g_string_append(m->message, "Error from server: map: ");
    append_go_value(m->message, item);
    g_string_append_printf(m->message, " does not contain declared merge key: %s", key);
    return NULL;
}

/* strategicpatch mergeSlice for a list of objects merged by 'key'. */
static Node *
merge_list(Merge *m, Node *original, Node *patch, const char *key, const char *path)
{
    g_autoptr(Node) items = node_new(NODE_ARRAY, NULL);
    g_autoptr(Node) merged = original;
    g_autoptr(Node) patch_owned = patch;
    g_autoptr(GPtrArray) patch_items = g_ptr_array_new();
    g_autoptr(GPtrArray) server_only = g_ptr_array_new();
    g_autoptr(Node) order = NULL;
    gboolean replace = FALSE;

    /* mergeSliceWithSpecialElements: deletions, and "$patch: replace". */
    for (guint i = 0; i < patch->values->len; i++) {
        Node *item = patch->values->pdata[i];
        Node *directive = object_get(item, "$patch");

        if (item->type != NODE_OBJECT) {
            g_string_append(m->message, "Error from server: unable to merge a list of objects with other items");
            return NULL;
        }
        if (directive == NULL) {
            g_ptr_array_add(items->values, node_copy(item));
        } else if (directive->type == NODE_STRING && strcmp(directive->text, "delete") == 0) {
            Node *value = object_get(item, key);
            gint at;

            if (value == NULL)
                return no_merge_key(m, item, key);
            while ((at = find_by_key(merged, key, value)) >= 0)
                g_ptr_array_remove_index(merged->values, (guint) at);
        } else if (directive->type == NODE_STRING && strcmp(directive->text, "replace") == 0) {
            replace = TRUE;
        } else {
            g_string_append(m->message, "Error from server (BadRequest): unknown patch type: ");
            append_go_value(m->message, directive);
            g_string_append(m->message, " in map: ");
            append_go_value(m->message, item);
            return NULL;
        }
    }
    if (replace) {
        node_free(merged);
        merged = g_steal_pointer(&items);
        items = node_new(NODE_ARRAY, NULL);
    }
    order = node_copy(merged);

    /* mergeSliceWithoutSpecialElements: merge in place or append. */
    for (guint i = 0; i < items->values->len; i++) {
        Node *item = items->values->pdata[i];
        Node *value = object_get(item, key);
        gint at;

        if (value == NULL)
            return no_merge_key(m, item, key);
        at = find_by_key(merged, key, value);
        if (at >= 0) {
            g_autofree char *child = g_strdup_printf("%s[%d]", path, at);
            Node *result = merge_value(m, g_steal_pointer(&merged->values->pdata[at]), node_copy(item), child);

            merged->values->pdata[at] = result;
            if (result == NULL)
                return NULL;
        } else {
            Node *copy = node_copy(item);

            prune_nulls(copy);
            g_ptr_array_add(merged->values, copy);
        }
    }

    /* normalizeElementOrder: the patch's items in patch order, the others in
     * live order, interleaved by mergeSortedSlice. */
    for (guint i = 0; i < items->values->len; i++) {
        gint at = find_by_key(merged, key, object_get(items->values->pdata[i], key));

        if (at >= 0 && !g_ptr_array_find(patch_items, merged->values->pdata[at], NULL))
            g_ptr_array_add(patch_items, merged->values->pdata[at]);
    }
    for (guint i = 0; i < merged->values->len; i++)
        if (!g_ptr_array_find(patch_items, merged->values->pdata[i], NULL))
            g_ptr_array_add(server_only, merged->values->pdata[i]);

    Node *result = node_new(NODE_ARRAY, NULL);
    guint l = 0, r = 0;

    while (l < server_only->len || r < patch_items->len) {
        Node *take;

        if (r >= patch_items->len) {
            take = server_only->pdata[l++];
        } else if (l >= server_only->len) {
            take = patch_items->pdata[r++];
        } else {
            Node *left_key = object_get(server_only->pdata[l], key);
            Node *right_key = object_get(patch_items->pdata[r], key);
            gint li = left_key != NULL ? find_by_key(order, key, left_key) : -1;
            gint ri = right_key != NULL ? find_by_key(order, key, right_key) : -1;

            take = li >= 0 && ri >= 0 && li < ri ? server_only->pdata[l++] : patch_items->pdata[r++];
        }
        g_ptr_array_add(result->values, node_copy(take));
    }
    return result;
}

/* mergeMap / json-patch mergeDocs: 'patch' (an object) into 'original'
 * (an object); takes both. */
static Node *
merge_object(Merge *m, Node *original, Node *patch, const char *path)
{
    Node *directive = m->strategic ? object_get(patch, "$patch") : NULL;

    if (directive != NULL) {
        if (directive->type == NODE_STRING && strcmp(directive->text, "replace") == 0) {
            object_remove(patch, "$patch");
            node_free(original);
            prune_nulls(patch);
            return patch;
        }
        if (directive->type == NODE_STRING && strcmp(directive->text, "delete") == 0) {
            node_free(original);
            node_free(patch);
            return node_new(NODE_OBJECT, NULL);
        }
        g_string_append(m->message, "Error from server (BadRequest): unknown patch type: ");
        append_go_value(m->message, directive);
        g_string_append(m->message, " in map: ");
        append_go_value(m->message, patch);
        node_free(original);
        node_free(patch);
        return NULL;
    }
    for (guint i = 0; i < patch->keys->len; i++) {
        const char *key = patch->keys->pdata[i];
        Node *value = patch->values->pdata[i];
        g_autofree char *child = *path != '\0' ? g_strdup_printf("%s.%s", path, key) : g_strdup(key);
        Node *current;

        if (m->strategic && (g_str_has_prefix(key, "$setElementOrder/") || g_str_has_prefix(key, "$retainKeys")
                             || g_str_has_prefix(key, "$deleteFromPrimitiveList/")))
            continue;
        if (value->type == NODE_NULL) {
            object_remove(original, key);
            continue;
        }
        current = object_steal(original, key);
        value = node_copy(value);
        if (current == NULL || current->type == NODE_NULL) {
            node_free(current);
            prune_nulls(value);
            object_set(original, key, value);
            continue;
        }
        value = merge_value(m, current, value, child);
        if (value == NULL) {
            node_free(original);
            node_free(patch);
            return NULL;
        }
        object_set(original, key, value);
    }
    node_free(patch);
    return original;
}

/* Merges 'patch' into 'original', both taken, at 'path' (keys only for
 * merge-key lookups; indices are dropped there). */
static Node *
merge_value(Merge *m, Node *original, Node *patch, const char *path)
{
    if (original->type == NODE_OBJECT && patch->type == NODE_OBJECT)
        return merge_object(m, original, patch, path);
    if (m->strategic && original->type == NODE_ARRAY && patch->type == NODE_ARRAY) {
        g_autoptr(GString) keys_only = g_string_new(NULL);
        const char *key;

        for (const char *p = path; *p != '\0'; p++) {
            if (*p == '[')
                p = strchr(p, ']');
            else
                g_string_append_c(keys_only, *p);
        }
        key = merge_key(m->kind, keys_only->str);
        if (key != NULL && (original->values->len > 0 || patch->values->len > 0))
            return merge_list(m, original, patch, key, path);
    }
    node_free(original);
    prune_nulls(patch);
    return patch;
}

/*****************************************************************************/
/* JSON patch (RFC 6902, evanphx/json-patch v4). */

/* The tokens of the JSON pointer 'pointer' ("" is the whole document), or
 * NULL when it does not start with '/'. */
static GStrv
pointer_split(const char *pointer)
{
    GStrv tokens;

    if (*pointer == '\0')
        return g_new0(char *, 1);
    if (*pointer != '/')
        return NULL;
    tokens = g_strsplit(pointer + 1, "/", -1);
    for (guint i = 0; tokens[i] != NULL; i++) {
        GString *token = g_string_new(NULL);

        for (const char *p = tokens[i]; *p != '\0'; p++) {
            if (p[0] == '~' && p[1] == '1')
                g_string_append_c(token, '/'), p++;
            else if (p[0] == '~' && p[1] == '0')
                g_string_append_c(token, '~'), p++;
            else
                g_string_append_c(token, *p);
        }
        g_free(tokens[i]);
        tokens[i] = g_string_free(token, FALSE);
    }
    return tokens;
}

/* An array index token: digits only, within [0, 'max']. */
static gboolean
array_index(const char *token, guint max, guint *index)
{
    guint64 value;

    if (!g_ascii_string_to_unsigned(token, 10, 0, max, &value, NULL))
        return FALSE;
    *index = (guint) value;
    return TRUE;
}

/* The node at 'tokens' below 'doc' (borrowed), or NULL. */
static Node *
pointer_get(Node *doc, char **tokens)
{
    Node *node = doc;

    for (guint i = 0; node != NULL && tokens[i] != NULL; i++) {
        guint index;

        if (node->type == NODE_OBJECT)
            node = object_get(node, tokens[i]);
        else if (node->type == NODE_ARRAY && node->values->len > 0
                 && array_index(tokens[i], node->values->len - 1, &index))
            node = node->values->pdata[index];
        else
            node = NULL;
    }
    return node;
}

/* The container of the last token of 'tokens' (at least one), or NULL. */
static Node *
pointer_parent(Node *doc, char **tokens, const char **last)
{
    guint n = g_strv_length(tokens);
    g_autofree char **head = g_new0(char *, n);

    if (n == 0)
        return NULL;
    memcpy(head, tokens, (n - 1) * sizeof(char *));
    *last = tokens[n - 1];
    return pointer_get(doc, head);
}

/* Removes the node at 'tokens' and returns it, or NULL. */
static Node *
pointer_take(Node *doc, char **tokens)
{
    const char *last;
    Node *parent = pointer_parent(doc, tokens, &last);
    guint index;

    if (parent == NULL)
        return NULL;
    if (parent->type == NODE_OBJECT)
        return object_steal(parent, last);
    if (parent->type == NODE_ARRAY && parent->values->len > 0
        && array_index(last, parent->values->len - 1, &index)) {
        Node *value = g_steal_pointer(&parent->values->pdata[index]);

        g_ptr_array_remove_index(parent->values, index);
        return value;
    }
    return NULL;
}

/* Adds 'value' (taken) at 'tokens'; FALSE with 'message' set if it cannot. */
static gboolean
pointer_add(Node **doc, char **tokens, Node *value, const char *op, const char *pointer, GString *message)
{
    const char *last;
    Node *parent;
    guint index;

    if (tokens[0] == NULL) {
        node_free(*doc);
        *doc = value;
        return TRUE;
    }
    parent = pointer_parent(*doc, tokens, &last);
    if (parent != NULL && parent->type == NODE_OBJECT) {
        object_set(parent, last, value);
        return TRUE;
    }
    if (parent != NULL && parent->type == NODE_ARRAY) {
        if (strcmp(last, "-") == 0) {
            g_ptr_array_add(parent->values, value);
            return TRUE;
        }
        if (array_index(last, parent->values->len, &index)) {
            g_ptr_array_insert(parent->values, (gint) index, value);
            return TRUE;
        }
        g_string_append_printf(message, "Unable to access invalid index: %s: invalid index referenced", last);
        node_free(value);
        return FALSE;
    }
    g_string_append_printf(message, "%s operation does not apply: doc is missing path: \"%s\": missing value",
                           op, pointer);
    node_free(value);
    return FALSE;
}

/* Applies the operations of 'patch' (an array) to '*doc'. */
static gboolean
json_patch(Node **doc, const Node *patch, GString *message)
{
    for (guint i = 0; i < patch->values->len; i++) {
        const Node *op_node = patch->values->pdata[i];
        const Node *kind = object_get(op_node, "op");
        const Node *path_node = object_get(op_node, "path");
        const Node *from_node = object_get(op_node, "from");
        const Node *value = object_get(op_node, "value");
        const char *op = kind != NULL && kind->type == NODE_STRING ? kind->text : "unknown";
        const char *path = path_node != NULL && path_node->type == NODE_STRING ? path_node->text : NULL;
        const char *from = from_node != NULL && from_node->type == NODE_STRING ? from_node->text : NULL;
        g_auto(GStrv) tokens = NULL;
        g_auto(GStrv) from_tokens = NULL;

        if (op_node->type != NODE_OBJECT) {
            g_string_append(message, "Error from server (BadRequest): json: cannot unmarshal ");
            g_string_append(message, op_node->type == NODE_ARRAY ? "array" : op_node->type == NODE_STRING
                            ? "string" : op_node->type == NODE_NUMBER ? "number" : "bool");
            g_string_append(message, " into Go value of type handlers.jsonPatchOp");
            return FALSE;
        }
        if (strcmp(op, "add") != 0 && strcmp(op, "remove") != 0 && strcmp(op, "replace") != 0
            && strcmp(op, "move") != 0 && strcmp(op, "copy") != 0 && strcmp(op, "test") != 0) {
            g_string_append_printf(message, "The request is invalid: Unexpected kind: %s", op);
            return FALSE;
        }
        if (path == NULL || (tokens = pointer_split(path)) == NULL) {
            g_string_append_printf(message, "The request is invalid: %s operation failed to decode path: "
                                   "missing value", op);
            return FALSE;
        }
        if ((strcmp(op, "add") == 0 || strcmp(op, "replace") == 0 || strcmp(op, "test") == 0) && value == NULL) {
            g_string_append_printf(message, "The request is invalid: %s operation failed to decode value: "
                                   "missing value", op);
            return FALSE;
        }
        g_string_append(message, "The request is invalid: ");
        if (strcmp(op, "add") == 0) {
            if (!pointer_add(doc, tokens, node_copy(value), op, path, message))
                return FALSE;
        } else if (strcmp(op, "remove") == 0) {
            Node *gone = tokens[0] != NULL ? pointer_take(*doc, tokens) : NULL;

            if (gone == NULL) {
                g_string_append_printf(message, "remove operation does not apply: doc is missing path: \"%s\": "
                                       "missing value", path);
                return FALSE;
            }
            node_free(gone);
        } else if (strcmp(op, "replace") == 0) {
            Node *gone = tokens[0] != NULL ? pointer_take(*doc, tokens) : NULL;

            if (tokens[0] != NULL && gone == NULL) {
                g_string_append_printf(message, "replace operation does not apply: doc is missing key: %s: "
                                       "missing value", path);
                return FALSE;
            }
            node_free(gone);
            if (!pointer_add(doc, tokens, node_copy(value), op, path, message))
                return FALSE;
        } else if (strcmp(op, "test") == 0) {
            Node *current = pointer_get(*doc, tokens);

            if (current == NULL ? value->type != NODE_NULL : !node_equal(current, value)) {
                g_string_append_printf(message, "testing value %s failed: test failed", path);
                return FALSE;
            }
        } else {                         /* move, copy */
            Node *source;

            if (from == NULL || (from_tokens = pointer_split(from)) == NULL) {
                g_string_append_printf(message, "%s operation failed to decode from: missing value", op);
                return FALSE;
            }
            source = strcmp(op, "move") == 0 ? (from_tokens[0] != NULL ? pointer_take(*doc, from_tokens) : NULL)
                                             : pointer_get(*doc, from_tokens);
            if (source == NULL) {
                g_string_append_printf(message, "%s operation does not apply: doc is missing from path: %s: "
                                       "missing value", op, from);
                return FALSE;
            }
            if (!pointer_add(doc, tokens, strcmp(op, "move") == 0 ? source : node_copy(source), op, path,
                             message))
                return FALSE;
        }
        g_string_truncate(message, 0);
    }
    return TRUE;
}

/*****************************************************************************/
/* The object as a tree, and back. */

static char *
print_yaml(KnKind kind, gconstpointer object, KnTime now)
{
    g_autoptr(GPtrArray) objects = g_ptr_array_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnKubectlPrintOptions options = { .output = KN_KUBECTL_OUTPUT_YAML, .single = TRUE };

    g_ptr_array_add(objects, (gpointer) object);
    kn_kubectl_print(kind, objects, &options, NULL, now, out, err);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Reads the first document of 'text' into a tree; NULL with 'parser' holding
 * the syntax error.  An empty document is a null. */
static gboolean
parse_tree(const char *text, Node **tree, yaml_parser_t *parser)
{
    yaml_document_t doc;
    yaml_node_t *root;

    yaml_parser_set_input_string(parser, (const guchar *) text, strlen(text));
    if (!yaml_parser_load(parser, &doc))
        return FALSE;
    root = yaml_document_get_root_node(&doc);
    *tree = root != NULL ? tree_from_yaml(&doc, root, 0) : node_new(NODE_NULL, NULL);
    yaml_document_delete(&doc);
    return TRUE;
}

/* go-yaml v2's parser.fail(): "yaml: line N: PROBLEM". */
static char *
go_yaml_error(const yaml_parser_t *parser)
{
    gsize line = 0;

    if (parser->problem_mark.line != 0)
        line = parser->problem_mark.line + (parser->error == YAML_SCANNER_ERROR ? 1 : 0);
    else if (parser->context_mark.line != 0)
        line = parser->context_mark.line;
    if (line != 0)
        return g_strdup_printf("yaml: line %" G_GSIZE_FORMAT ": %s", line,
                               parser->problem != NULL ? parser->problem : "unknown problem parsing YAML content");
    return g_strdup_printf("yaml: %s", parser->problem != NULL ? parser->problem
                                                              : "unknown problem parsing YAML content");
}

/* What the reader's error says after "LOC: error: ", to the end of its line. */
static char *
reader_message(const char *message)
{
    const char *start = strstr(message, ": error: ");

    start = start != NULL ? start + strlen(": error: ") : message;
    return g_strndup(start, strcspn(start, "\n"));
}

/* Reads the JSON of 'tree' as a manifest, dropping unknown fields with a
 * warning each.  Returns the object, or NULL with 'message' set. */
static gpointer
read_tree(Node *tree, GPtrArray *unknown, GString *message)
{
    for (guint attempt = 0; attempt < 10000; attempt++) {
        g_autoptr(GString) json = g_string_new(NULL);
        g_autoptr(GArray) lines = g_array_new(FALSE, TRUE, sizeof(Line));
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) manifests = NULL;
        Line first = { NULL, NULL, NULL };
        guint line = 0, col = 0;

        g_array_set_clear_func(lines, line_clear);
        g_array_append_val(lines, first);
        write_json(json, lines, tree, "");
        g_string_append_c(json, '\n');
        manifests = kn_scenario_manifest_read_data("patch", json->str, json->len, &error);
        if (manifests != NULL) {
            if (manifests->len != 1) {
                g_string_append(message, "Error from server (BadRequest): the patched object is not an object");
                return NULL;
            }
            return kn_scenario_manifest_steal_object(manifests->pdata[0]);
        }
        if (g_error_matches(error, KN_INPUT_ERROR, KN_INPUT_ERROR_UNKNOWN_KEY)
            && sscanf(error->message, "patch:%u:%u:", &line, &col) == 2 && line >= 1 && line <= lines->len
            && g_array_index(lines, Line, line - 1).parent != NULL) {
            Line *where = &g_array_index(lines, Line, line - 1);

            g_ptr_array_add(unknown, g_strdup_printf("unknown field \"%s\"", where->path));
            object_remove(where->parent, where->key);
            continue;
        }

        g_autofree char *text = reader_message(error->message);

        g_string_append_printf(message, "The request is invalid: patch: %s", text);
        return NULL;
    }
    g_string_append(message, "The request is invalid: patch: too many unknown fields");
    return NULL;
}

/* Takes out of a pod's tolerations the two that -o yaml adds to every pod
 * (the DefaultTolerationSeconds admission plugin's), the last of each. */
static void
drop_default_tolerations(KnPod *pod)
{
    static const char *const keys[] = { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" };
    GPtrArray *tolerations = pod->spec.tolerations;

    for (guint k = 0; k < G_N_ELEMENTS(keys); k++)
        for (guint i = tolerations->len; i-- > 0;) {
            const KnToleration *t = tolerations->pdata[i];

            if (g_strcmp0(t->key, keys[k]) == 0 && t->exists && g_strcmp0(t->effect, "NoExecute") == 0
                && t->has_seconds && t->seconds == 300) {
                g_ptr_array_remove_index(tolerations, i);
                break;
            }
        }
}

/* Copies what the manifest reader does not read, status, from 'from'. */
static void
copy_status(KnKind kind, gpointer to, gconstpointer from)
{
    switch (kind) {
    case KN_KIND_POD: {
        KnPod *p = to;
        const KnPod *o = from;

        p->phase = o->phase;
        g_free(p->pod_ip);
        p->pod_ip = g_strdup(o->pod_ip);
        g_free(p->host_ip);
        p->host_ip = g_strdup(o->host_ip);
        p->started = o->started;
        p->ready = o->ready;
        p->start_time = o->start_time;
        p->ready_time = o->ready_time;
        p->restarts = o->restarts;
        p->n_terminated = o->n_terminated;
        p->n_failed = o->n_failed;
        g_free(p->runs);
        p->runs = o->runs != NULL ? g_memdup2(o->runs, o->spec.containers->len * sizeof *o->runs) : NULL;
        break;
    }
    case KN_KIND_SERVICE: {
        KnService *s = to;

        g_ptr_array_unref(s->load_balancer_ingress);
        s->load_balancer_ingress = kn_api_strings_copy(((const KnService *) from)->load_balancer_ingress);
        break;
    }
    case KN_KIND_DEPLOYMENT: {
        KnDeployment *d = to;
        const KnDeployment *o = from;

        d->status_replicas = o->status_replicas;
        d->updated_replicas = o->updated_replicas;
        d->ready_replicas = o->ready_replicas;
        d->available_replicas = o->available_replicas;
        g_ptr_array_set_size(d->conditions, 0);
        for (guint i = 0; i < o->conditions->len; i++)
            g_ptr_array_add(d->conditions, kn_deployment_condition_copy(o->conditions->pdata[i]));
        break;
    }
    case KN_KIND_REPLICA_SET: {
        KnReplicaSet *r = to;
        const KnReplicaSet *o = from;

        r->status_replicas = o->status_replicas;
        r->ready_replicas = o->ready_replicas;
        r->available_replicas = o->available_replicas;
        break;
    }
    case KN_KIND_STATEFUL_SET: {
        KnStatefulSet *s = to;
        const KnStatefulSet *o = from;

        s->ready_replicas = o->ready_replicas;
        s->current_replicas = o->current_replicas;
        break;
    }
    case KN_KIND_DAEMON_SET: {
        KnDaemonSet *d = to;
        const KnDaemonSet *o = from;

        d->desired = o->desired;
        d->current = o->current;
        d->ready = o->ready;
        break;
    }
    case KN_KIND_NAMESPACE:
        ((KnNamespace *) to)->terminating = ((const KnNamespace *) from)->terminating;
        break;
    default:
        break;
    }
}

/*****************************************************************************/

static gpointer
fail(GError **error, gint code, const char *message)
{
    g_set_error_literal(error, KN_INPUT_ERROR, code, message);
    return NULL;
}

gpointer
kn_kubectl_patch_apply(KnKind kind, gconstpointer object, const char *patch, const char *type, KnTime now,
                       gboolean *changed, GPtrArray *warnings, GError **error)
{
    g_return_val_if_fail(kind < KN_N_KINDS && object != NULL && patch != NULL, NULL);

    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autoptr(GString) message = g_string_new(NULL);
    g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(Node) patch_tree = NULL;
    g_autoptr(Node) tree = NULL;
    g_autofree char *lower = g_ascii_strdown(type != NULL ? type : "strategic", -1);
    const KnObjectMeta *old = kn_object_meta((gpointer) object);
    KnObjectMeta *meta;
    yaml_parser_t parser;
    gpointer result;
    gboolean parsed;

    /* kubectl's own checks, then sigs.k8s.io/yaml.ToJSON. */
    if (strcmp(lower, "strategic") != 0 && strcmp(lower, "merge") != 0 && strcmp(lower, "json") != 0) {
        g_string_append(message, "error: --type must be one of [json merge strategic], not ");
        kn_go_quoted(message, type);
        return fail(error, KN_INPUT_ERROR_USAGE, message->str);
    }
    if (*patch == '\0')
        return fail(error, KN_INPUT_ERROR_USAGE,
                    "error: must specify --patch or --patch-file containing the contents of the patch");
    gsize deep_at;

    if (!kn_yaml_flow_depth_ok(patch, strlen(patch), &deep_at)) {
        g_string_append(message, "error: unable to parse ");
        kn_go_quoted(message, patch);
        g_string_append_printf(message, ": yaml: exceeded max depth of %d", KN_YAML_MAX_FLOW_DEPTH);
        return fail(error, KN_INPUT_ERROR_SYNTAX, message->str);
    }
    yaml_parser_initialize(&parser);
    parsed = parse_tree(patch, &patch_tree, &parser);
    if (!parsed) {
        g_autofree char *why = go_yaml_error(&parser);

        yaml_parser_delete(&parser);
        g_string_append(message, "error: unable to parse ");
        kn_go_quoted(message, patch);
        g_string_append_printf(message, ": %s", why);
        return fail(error, KN_INPUT_ERROR_SYNTAX, message->str);
    }
    yaml_parser_delete(&parser);

    /* The stored object, as a tree. */
    before = print_yaml(kind, object, now);
    yaml_parser_initialize(&parser);
    parsed = parse_tree(before, &tree, &parser);
    yaml_parser_delete(&parser);
    g_assert(parsed && tree->type == NODE_OBJECT);

    /* The server decodes the patch (handlers/patch.go), then applies it. */
    if (strcmp(lower, "json") == 0) {
        if (patch_tree->type != NODE_ARRAY && patch_tree->type != NODE_NULL) {
            g_string_append_printf(message, "Error from server (BadRequest): error decoding patch: json: cannot "
                                   "unmarshal %s into Go value of type []handlers.jsonPatchOp",
                                   patch_tree->type == NODE_OBJECT ? "object" : patch_tree->type == NODE_STRING
                                   ? "string" : patch_tree->type == NODE_NUMBER ? "number" : "bool");
            return fail(error, KN_INPUT_ERROR_VALUE, message->str);
        }
        if (patch_tree->type == NODE_ARRAY && !json_patch(&tree, patch_tree, message))
            return fail(error, KN_INPUT_ERROR_VALUE, message->str);
    } else if (patch_tree->type != NODE_NULL) {
        Merge m = { kind, strcmp(lower, "strategic") == 0, message };

        if (patch_tree->type != NODE_OBJECT) {
            g_string_append_printf(message, "Error from server (BadRequest): %sjson: cannot unmarshal %s into Go "
                                   "value of type map[string]interface {}", m.strategic ? "" : "error decoding patch: ",
                                   patch_tree->type == NODE_ARRAY ? "array" : patch_tree->type == NODE_STRING
                                   ? "string" : patch_tree->type == NODE_NUMBER ? "number" : "bool");
            return fail(error, KN_INPUT_ERROR_VALUE, message->str);
        }
        tree = merge_value(&m, g_steal_pointer(&tree), g_steal_pointer(&patch_tree), "");
        if (tree == NULL)
            return fail(error, KN_INPUT_ERROR_VALUE, message->str);
    }
    if (tree->type != NODE_OBJECT)
        return fail(error, KN_INPUT_ERROR_VALUE,
                    "Error from server (BadRequest): the patched object is not a JSON object");

    /* Back into an object; kind and apiVersion cannot change. */
    object_set(tree, "kind", node_new(NODE_STRING, kn_kind_name(kind)));
    object_set(tree, "apiVersion", node_new(NODE_STRING, kn_kind_api_version(kind)));
    result = read_tree(tree, unknown, message);
    if (result == NULL)
        return fail(error, KN_INPUT_ERROR_VALUE, message->str);

    /* handlers/rest.go checkName; rest.EnsureObjectNamespaceMatchesRequestNamespace. */
    meta = kn_object_meta(result);
    if (g_strcmp0(meta->name, old->name) != 0) {
        g_string_append_printf(message, "Error from server (BadRequest): the name of the object (%s) does not "
                               "match the name on the URL (%s)", meta->name != NULL ? meta->name : "", old->name);
        kn_object_free(kind, result);
        return fail(error, KN_INPUT_ERROR_VALUE, message->str);
    }
    if (meta->namespace != NULL && *meta->namespace != '\0' && g_strcmp0(meta->namespace, old->namespace) != 0) {
        kn_object_free(kind, result);
        return fail(error, KN_INPUT_ERROR_VALUE, "Error from server (BadRequest): the namespace of the provided "
                    "object does not match the namespace sent on the request");
    }

    /* Identity and status from the stored object; labels and annotations patched. */
    KnLabels *labels = g_steal_pointer(&meta->labels);
    KnLabels *annotations = g_steal_pointer(&meta->annotations);

    meta->labels = kn_labels_new();
    meta->annotations = kn_labels_new();
    kn_object_meta_copy(meta, old);
    kn_labels_free(meta->labels);
    kn_labels_free(meta->annotations);
    meta->labels = labels;
    meta->annotations = annotations;
    copy_status(kind, result, object);
    if (kind == KN_KIND_POD)
        drop_default_tolerations(result);

    /* The server sorts its unknown-field errors (runtime converter). */
    g_ptr_array_sort(unknown, compare_strings);
    for (guint i = 0; warnings != NULL && i < unknown->len; i++)
        g_ptr_array_add(warnings, g_strdup(unknown->pdata[i]));
    if (changed != NULL) {
        after = print_yaml(kind, result, now);
        *changed = strcmp(before, after) != 0;
    }
    return result;
}
