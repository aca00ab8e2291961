/* graphviz.c -- see graphviz.h. */

#include <config.h>
#include "viz/graphviz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "sim/diag.h"

char *
kn_graphviz_version(void)
{
    /* A context without plugins: asking the version needs no renderer. */
    GVC_t *gvc = gvContextPlugins(NULL, 0);
    char *version = g_strdup(gvcVersion(gvc));

    gvFreeContext(gvc);
    return version;
}

/*****************************************************************************/
/* cgraph glue: text out, and IDs in creation order. */

/* Writing a graph into a GString: agwrite() hands every piece of text to
 * the discipline's putstr, with the GString as the channel. */
static int
io_afread(void *channel, char *buffer, int size)
{
    (void) channel;
    (void) buffer;
    (void) size;
    return 0;                    /* never read: graphs are parsed by agmemread() */
}

static int
io_putstr(void *channel, const char *text)
{
    g_string_append((GString *) channel, text);
    return 0;
}

static int
io_flush(void *channel)
{
    (void) channel;
    return 0;
}

static Agiodisc_t string_io = { io_afread, io_putstr, io_flush };

/* Object IDs in creation order.  cgraph keeps subgraphs ordered by ID, and
 * its default discipline makes a name's ID the address of its pooled copy:
 * agwrite() would then write clusters in the order malloc() placed their
 * names.  Here a name's ID is 2, 4, 6, ... in the order names are first
 * seen, and anonymous objects (edges) take the odd IDs, as cgraph expects,
 * so the graph is written as it was built.  Names still live in the graph's
 * string pool (agstrdup()), where cgraph looks for their flags (HTML or
 * not); the pool frees them when the graph is closed. */
typedef struct {
    Agraph_t *graph;             /* the root graph, whose pool holds the names */
    GHashTable *ids;             /* name (pooled) -> ID */
    GPtrArray *names;            /* char *, pooled; the name of ID 2 * (i + 1) */
    IDTYPE next_anonymous;       /* the next odd ID */
} IdState;

static void *
id_open(Agraph_t *graph, Agdisc_t *disc)
{
    IdState *state = g_new0(IdState, 1);

    (void) disc;
    state->graph = graph;
    state->ids = g_hash_table_new(g_str_hash, g_str_equal);
    state->names = g_ptr_array_new();
    state->next_anonymous = 1;
    return state;
}

/* Maps 'name' (NULL: anonymous) to '*id'.  A name not seen before gets a
 * new ID only if 'create'; otherwise 0, which no object has. */
static long
id_map(void *data, int kind, char *name, IDTYPE *id, int create)
{
    IdState *state = data;
    gpointer found;
    char *pooled;

    (void) kind;
    if (name == NULL) {
        *id = state->next_anonymous;
        state->next_anonymous += 2;
        return TRUE;
    }
    if (g_hash_table_lookup_extended(state->ids, name, NULL, &found)) {
        *id = GPOINTER_TO_SIZE(found);
        return TRUE;
    }
    if (!create) {
        *id = 0;
        return TRUE;
    }
    pooled = agstrdup(state->graph, name);
    g_ptr_array_add(state->names, pooled);
    *id = 2 * (IDTYPE) state->names->len;
    g_hash_table_insert(state->ids, pooled, GSIZE_TO_POINTER((gsize) *id));
    return TRUE;
}

static long
id_alloc(void *data, int kind, IDTYPE request)
{
    (void) data;
    (void) kind;
    (void) request;
    return FALSE;                /* IDs are never chosen by the caller */
}

static void
id_free(void *data, int kind, IDTYPE id)
{
    (void) data;                 /* names stay mapped until the graph is closed */
    (void) kind;
    (void) id;
}

static char *
id_print(void *data, int kind, IDTYPE id)
{
    IdState *state = data;

    (void) kind;
    if (id == 0 || id % 2 != 0 || id / 2 > state->names->len)
        return NULL;
    return g_ptr_array_index(state->names, id / 2 - 1);
}

static void
id_close(void *data)
{
    IdState *state = data;

    g_hash_table_unref(state->ids);
    g_ptr_array_unref(state->names);
    g_free(state);
}

static void
id_register(void *data, int kind, void *object)
{
    (void) data;
    (void) kind;
    (void) object;
}

static Agiddisc_t ordered_ids = { id_open, id_map, id_alloc, id_free, id_print, id_close, id_register };
static Agdisc_t ordered_disc = { &AgMemDisc, &ordered_ids, &string_io };

Agraph_t *
kn_graphviz_open(const char *name)
{
    return agopen((char *) name, Agdirected, &ordered_disc);
}

void
kn_graphviz_set(void *object, const char *name, const char *value)
{
    agsafeset(object, (char *) name, (char *) value, (char *) "");
}

void
kn_graphviz_setf(void *object, const char *name, const char *format, ...)
{
    g_autofree char *value = NULL;
    va_list args;

    va_start(args, format);
    value = g_strdup_vprintf(format, args);
    va_end(args);
    kn_graphviz_set(object, name, value);
}

Agnode_t *
kn_graphviz_node(Agraph_t *graph, const char *name)
{
    return agnode(graph, (char *) name, TRUE);
}

Agedge_t *
kn_graphviz_edge(Agraph_t *graph, Agnode_t *tail, Agnode_t *head)
{
    return agedge(graph, tail, head, NULL, TRUE);
}

char *
kn_graphviz_to_dot(Agraph_t *graph)
{
    g_return_val_if_fail(graph != NULL, NULL);

    GString *dot = g_string_new(NULL);

    agwrite(graph, dot);
    return g_string_free(dot, FALSE);
}

gboolean
kn_graphviz_format_for_path(const char *path, KnGraphvizFormat *format, GError **error)
{
    static const struct {
        const char *extension;
        KnGraphvizFormat format;
    } formats[] = {
        { ".dot", KN_GRAPHVIZ_FORMAT_DOT },
        { ".gv", KN_GRAPHVIZ_FORMAT_DOT },
        { ".svg", KN_GRAPHVIZ_FORMAT_SVG },
        { ".png", KN_GRAPHVIZ_FORMAT_PNG },
    };
    g_autofree char *lower = g_ascii_strdown(path, -1);

    for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (g_str_has_suffix(lower, formats[i].extension)) {
            *format = formats[i].format;
            return TRUE;
        }
    }
    g_set_error(error, KN_INPUT_ERROR, KN_INPUT_ERROR_USAGE,
                "%s: unknown output format (expected a name ending in .dot, .gv, .svg or .png)", path);
    return FALSE;
}

/* The process's one Graphviz context, made on first use and kept.  One
 * context serves every render: Graphviz 2.43's pango plugin remembers the
 * last font by a pointer into its context's font table, which a second
 * context would read after the first was freed. */
static GVC_t *
graphviz_context(void)
{
    static GVC_t *gvc;

    if (g_once_init_enter(&gvc))
        g_once_init_leave(&gvc, gvContext());
    return gvc;
}

/* Lays out a copy of the graph (read back from its DOT, so the graph
 * itself never gains layout attributes) and renders it as 'format'.  New
 * bytes in '*data' and '*length'; g_free(). */
static gboolean
render(Agraph_t *graph, const char *format, char **data, gsize *length, GError **error)
{
    g_autofree char *dot = kn_graphviz_to_dot(graph);
    Agraph_t *copy = agmemread(dot);
    GVC_t *gvc = graphviz_context();
    char *result = NULL;
    unsigned int n = 0;
    gboolean ok;

    if (copy == NULL) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Graphviz could not read the graph back");
        return FALSE;
    }
    ok = gvLayout(gvc, copy, "dot") == 0 && gvRenderData(gvc, copy, format, &result, &n) == 0;
    if (ok) {
        *data = g_memdup2(result, n);
        *length = n;
    } else {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "Graphviz could not lay out or render %s (is its plugin installed?)", format);
    }
    if (result != NULL)
        gvFreeRenderData(result);
    gvFreeLayout(gvc, copy);
    agclose(copy);
    return ok;
}

/* Writes 'length' bytes of 'data' to 'path' (NULL: standard output). */
static gboolean
write_file(const char *path, const char *data, gsize length, GError **error)
{
    FILE *file = path != NULL ? fopen(path, "wb") : stdout;
    gboolean ok;
    int saved;

    if (file == NULL) {
        saved = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "cannot write %s: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    ok = fwrite(data, 1, length, file) == length;
    ok = (path != NULL ? fclose(file) : fflush(file)) == 0 && ok;
    saved = errno;
    if (!ok)
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "cannot write %s: %s",
                    path != NULL ? path : "to standard output", g_strerror(saved));
    return ok;
}

gboolean
kn_graphviz_write(Agraph_t *graph, KnGraphvizFormat format, const char *path, GError **error)
{
    g_return_val_if_fail(graph != NULL, FALSE);

    g_autofree char *data = NULL;
    gsize length;

    switch (format) {
    case KN_GRAPHVIZ_FORMAT_DOT:
        data = kn_graphviz_to_dot(graph);
        length = strlen(data);
        break;
    case KN_GRAPHVIZ_FORMAT_SVG:
        if (!render(graph, "svg", &data, &length, error))
            return FALSE;
        break;
    case KN_GRAPHVIZ_FORMAT_PNG:
        if (!render(graph, "png", &data, &length, error))
            return FALSE;
        break;
    default:
        g_return_val_if_reached(FALSE);
    }
    return write_file(path, data, length, error);
}
