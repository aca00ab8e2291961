/* field-selector.c -- field selectors as the API server applies them.
 *
 * DOC: A list or watch request carries ?fieldSelector=TEXT, which kubectl
 * passes on untouched.  The API server then:
 * - parses TEXT (k8s.io/apimachinery pkg/fields/selector.go parseSelector):
 *   terms split at unescaped commas, sorted, empty ones skipped, each cut
 *   at its first "!=", "==" or "=" (no blanks are trimmed: "a = b" names
 *   the field "a "), the value unescaped (only \\ \, \= are escapes; a bare
 *   '=' or a lone '\' is an error, the former named by its code point).
 *   A term without an operator is "invalid selector: 'TEXT'; can't
 *   understand 'TERM'";
 * - converts every field name with the kind's field label conversion
 *   (pkg/apis/core/v1/conversion.go): Pod, Node, Event, Namespace, Service
 *   have their own lists and refuse others with "field label not
 *   supported: F"; every other kind takes runtime's
 *   DefaultMetaV1FieldSelectorConversion, metadata.name and
 *   metadata.namespace only, '"F" is not a known field selector: only
 *   "metadata.name", "metadata.namespace"'.  The first refused term in
 *   sorted order is the one named;
 * - keeps an object when each term holds on the registry's selectable
 *   fields (pkg/registry/core/pod/strategy.go ToSelectableFields, node,
 *   event, namespace, service strategies; generic.ObjectMetaFieldsSet):
 *   a field the set lacks reads as "" (status.podIPs is accepted by the
 *   conversion but is in no set).
 * The error reaches kubectl as BadRequest; kubectl.c adds its "Unable to
 * find" wording.
 *
 * Simplified: the fields knetsim does not model read as the API server
 * defaults them (restartPolicy Always, schedulerName default-scheduler,
 * serviceAccountName default, no nominatedNodeName). */

#include <config.h>
#include "models/field-selector.h"

#include <string.h>

typedef struct {
    char *field;
    char *value;
    gboolean not_equal;          /* "!=", else "=" or "==" */
} Term;

struct KnFieldSelector {
    KnKind kind;
    GPtrArray *terms;            /* Term *, in sorted order */
};

static void
term_free(Term *term)
{
    g_free(term->field);
    g_free(term->value);
    g_free(term);
}

void
kn_field_selector_free(KnFieldSelector *selector)
{
    if (selector == NULL)
        return;
    g_ptr_array_unref(selector->terms);
    g_free(selector);
}

/*****************************************************************************/
/* Parsing: fields.ParseSelector. */

/* splitTerms: at commas not escaped by a backslash. */
static GPtrArray *
split_terms(const char *text)
{
    GPtrArray *terms = g_ptr_array_new_with_free_func(g_free);
    const char *start = text;
    gboolean escaped = FALSE;

    for (const char *p = text; *p != '\0'; p++) {
        if (escaped)
            escaped = FALSE;
        else if (*p == '\\')
            escaped = TRUE;
        else if (*p == ',') {
            g_ptr_array_add(terms, g_strndup(start, (gsize) (p - start)));
            start = p + 1;
        }
    }
    g_ptr_array_add(terms, g_strdup(start));
    return terms;
}

static gint
compare_terms(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* UnescapeValue: NULL with the error text in '*message'. */
static char *
unescape_value(const char *value, char **message)
{
    g_autoptr(GString) out = g_string_new(NULL);

    for (const char *p = value; *p != '\0'; p++) {
        if (*p == '\\') {
            if (p[1] == '\\' || p[1] == ',' || p[1] == '=') {
                g_string_append_c(out, *++p);
                continue;
            }
            if (p[1] == '\0') {
                *message = g_strdup("invalid field selector: invalid escape sequence: \\");
            } else {
                const char *next = g_utf8_next_char(p + 1);

                *message = g_strdup_printf("invalid field selector: invalid escape sequence: \\%.*s",
                                           (int) (next - (p + 1)), p + 1);
            }
            return NULL;
        }
        if (*p == ',' || *p == '=') {
            /* UnescapedRune prints its rune with %v: the code point. */
            *message = g_strdup_printf("invalid field selector: unescaped character in value: %d", *p);
            return NULL;
        }
        g_string_append_c(out, *p);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/*****************************************************************************/
/* The kinds' selectable fields. */

/* The field label conversion of 'kind': the field name the server goes on
 * with (spec.host becomes spec.nodeName), or NULL with the refusal in
 * '*message'. */
static const char *
convert_field(KnKind kind, const char *field, char **message)
{
    static const char *const pod[] = {
        "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName", NULL,
    };
    static const char *const node[] = { "metadata.name", "spec.unschedulable", NULL };
    static const char *const event[] = {
        "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type", "metadata.namespace", "metadata.name", NULL,
    };
    static const char *const namespace[] = { "status.phase", "metadata.name", NULL };
    static const char *const service[] = {
        "metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type", NULL,
    };
    static const char *const meta[] = { "metadata.name", "metadata.namespace", NULL };
    const char *const *known;

    switch (kind) {
    case KN_KIND_POD:
        if (strcmp(field, "spec.host") == 0)      /* old v1 clients */
            return "spec.nodeName";
        known = pod;
        break;
    case KN_KIND_NODE:
        known = node;
        break;
    case KN_KIND_EVENT:
        known = event;
        break;
    case KN_KIND_NAMESPACE:
        known = namespace;
        break;
    case KN_KIND_SERVICE:
        known = service;
        break;
    default:
        known = meta;
        break;
    }
    for (guint i = 0; known[i] != NULL; i++)
        if (strcmp(known[i], field) == 0)
            return known[i];
    if (known == meta)
        *message = g_strdup_printf("\"%s\" is not a known field selector: only \"metadata.name\", "
                                   "\"metadata.namespace\"", field);
    else
        *message = g_strdup_printf("field label not supported: %s", field);
    return NULL;
}

static const char *
bool_text(gboolean b)
{
    return b ? "true" : "false";
}

/* The value of 'field' (a converted name) in the object's selectable field
 * set; "" when the set has no such field or the field is unset.  Static or
 * borrowed from the object, except '*owned' (new) when it had to be made. */
static const char *
field_value(KnKind kind, gconstpointer object, KnStore *store, const char *field, char **owned)
{
    const KnObjectMeta *meta = kn_object_meta((gpointer) object);
    const char *v = NULL;

    if (strcmp(field, "metadata.name") == 0)
        return meta->name;
    if (strcmp(field, "metadata.namespace") == 0)
        return kind == KN_KIND_NODE || kind == KN_KIND_NAMESPACE || meta->namespace == NULL ? ""
                                                                                           : meta->namespace;
    switch (kind) {
    case KN_KIND_POD: {
        const KnPod *pod = object;

        if (strcmp(field, "spec.nodeName") == 0)
            v = pod->spec.node_name;
        else if (strcmp(field, "spec.restartPolicy") == 0)
            v = "Always";
        else if (strcmp(field, "spec.schedulerName") == 0)
            v = "default-scheduler";
        else if (strcmp(field, "spec.serviceAccountName") == 0)
            v = "default";
        else if (strcmp(field, "spec.hostNetwork") == 0)
            v = bool_text(pod->spec.host_network);
        else if (strcmp(field, "status.phase") == 0)
            v = kn_pod_phase_name(pod->phase);
        else if (strcmp(field, "status.podIP") == 0)
            v = pod->pod_ip;
        break;
    }
    case KN_KIND_NODE:
        if (strcmp(field, "spec.unschedulable") == 0)
            v = bool_text(((const KnNode *) object)->unschedulable);
        break;
    case KN_KIND_NAMESPACE:
        if (strcmp(field, "status.phase") == 0)
            v = ((const KnNamespace *) object)->terminating ? "Terminating" : "Active";
        break;
    case KN_KIND_SERVICE: {
        const KnService *svc = object;

        if (strcmp(field, "spec.clusterIP") == 0)
            v = svc->spec.cluster_ip;
        else if (strcmp(field, "spec.type") == 0)
            v = svc->spec.type_raw != NULL ? svc->spec.type_raw : kn_service_type_name(svc->spec.type);
        break;
    }
    case KN_KIND_EVENT: {
        const KnEvent *e = object;

        if (strcmp(field, "involvedObject.kind") == 0)
            v = kn_kind_name(e->involved_kind);
        else if (strcmp(field, "involvedObject.namespace") == 0)
            v = e->involved_kind == KN_KIND_NODE ? NULL : e->meta.namespace;
        else if (strcmp(field, "involvedObject.name") == 0)
            v = e->involved_name;
        else if (strcmp(field, "involvedObject.uid") == 0)
            v = e->involved_uid;
        else if (strcmp(field, "involvedObject.apiVersion") == 0)
            v = kn_kind_api_version(e->involved_kind);
        else if (strcmp(field, "involvedObject.fieldPath") == 0)
            v = e->field_path;
        else if (strcmp(field, "reason") == 0)
            v = e->reason;
        else if (strcmp(field, "reportingComponent") == 0 || strcmp(field, "source") == 0)
            v = e->component;    /* source.component, else reportingController: the same here */
        else if (strcmp(field, "type") == 0)
            v = e->warning ? "Warning" : "Normal";
        else if (strcmp(field, "involvedObject.resourceVersion") == 0 && store != NULL) {
            /* The recorder refers to the object as it was; knetsim keeps
             * the version only while the object is the same one. */
            const KnObjectMeta *involved = kn_store_lookup(store, e->involved_kind, e->meta.namespace,
                                                           e->involved_name);

            if (involved != NULL && g_strcmp0(involved->uid, e->involved_uid) == 0)
                v = *owned = g_strdup_printf("%" G_GUINT64_FORMAT, involved->resource_version);
        }
        break;
    }
    default:
        break;
    }
    return v != NULL ? v : "";
}

/*****************************************************************************/

KnFieldSelector *
kn_field_selector_parse(KnKind kind, const char *text, char **message)
{
    g_return_val_if_fail(kind < KN_N_KINDS && text != NULL && message != NULL, NULL);

    g_autoptr(GPtrArray) parts = split_terms(text);
    g_autoptr(KnFieldSelector) selector = g_new0(KnFieldSelector, 1);

    selector->kind = kind;
    selector->terms = g_ptr_array_new_with_free_func((GDestroyNotify) term_free);
    g_ptr_array_sort(parts, compare_terms);

    /* ParseSelector reads every term first ... */
    for (guint i = 0; i < parts->len; i++) {
        const char *part = parts->pdata[i];
        const char *op = NULL;
        gsize op_length = 0;

        if (*part == '\0')
            continue;
        for (const char *p = part; *p != '\0' && op == NULL; p++) {
            if (g_str_has_prefix(p, "!=") || g_str_has_prefix(p, "=="))
                op = p, op_length = 2;
            else if (*p == '=')
                op = p, op_length = 1;
        }
        if (op == NULL) {
            *message = g_strdup_printf("invalid selector: '%s'; can't understand '%s'", text, part);
            return NULL;
        }

        Term *term = g_new0(Term, 1);

        g_ptr_array_add(selector->terms, term);
        term->field = g_strndup(part, (gsize) (op - part));
        term->not_equal = op[0] == '!';
        term->value = unescape_value(op + op_length, message);
        if (term->value == NULL)
            return NULL;
    }
    /* ... then Transform converts each field name, in that order. */
    for (guint i = 0; i < selector->terms->len; i++) {
        Term *term = selector->terms->pdata[i];
        const char *field = convert_field(kind, term->field, message);

        if (field == NULL)
            return NULL;
        g_free(term->field);
        term->field = g_strdup(field);
    }
    return g_steal_pointer(&selector);
}

gboolean
kn_field_selector_matches(const KnFieldSelector *selector, gconstpointer object, KnStore *store)
{
    g_return_val_if_fail(object != NULL, FALSE);

    for (guint i = 0; selector != NULL && i < selector->terms->len; i++) {
        const Term *term = selector->terms->pdata[i];
        g_autofree char *owned = NULL;
        const char *value = field_value(selector->kind, object, store, term->field, &owned);

        if ((strcmp(value, term->value) == 0) == term->not_equal)
            return FALSE;
    }
    return TRUE;
}
