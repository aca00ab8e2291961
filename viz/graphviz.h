/* graphviz.h -- the one place knetsim meets Graphviz (cgraph for graphs,
 * gvc for layout and rendering).  The topology (topology.h) and the
 * packet-path picture (path.h) build their graphs with cgraph on a graph
 * opened here, and write them through here: DOT as built, or laid out by
 * dot and rendered by gvc as SVG or PNG. */
#pragma once

#include <glib.h>

typedef struct Agraph_s Agraph_t;                   /* cgraph's graph */
typedef struct Agnode_s Agnode_t;
typedef struct Agedge_s Agedge_t;

/* The file formats a picture is written in. */
typedef enum {
    KN_GRAPHVIZ_FORMAT_DOT,      /* the graph as built, before layout (stable bytes) */
    KN_GRAPHVIZ_FORMAT_SVG,
    KN_GRAPHVIZ_FORMAT_PNG,
} KnGraphvizFormat;

/* Returns the version of the Graphviz library in use, e.g. "2.43.0".  New;
 * free with g_free(). */
char *kn_graphviz_version(void);

/* Opens an empty directed graph named 'name' whose objects are written in
 * the order they were made (see graphviz.c), so agwrite() gives the same
 * bytes for the same building steps.  New; close with agclose(). */
Agraph_t *kn_graphviz_open(const char *name);

/* The cgraph calls of the pictures, with the casts Debian 12's 'char *'
 * prototypes need kept here.  kn_graphviz_set() sets attribute 'name' of
 * 'object' (a graph, node or edge), declaring it with an empty default if
 * it is new; kn_graphviz_node() is the node 'name' of 'graph', made if new;
 * kn_graphviz_edge() a new edge from 'tail' to 'head'. */
void kn_graphviz_set(void *object, const char *name, const char *value);
void kn_graphviz_setf(void *object, const char *name, const char *format, ...) G_GNUC_PRINTF(3, 4);
Agnode_t *kn_graphviz_node(Agraph_t *graph, const char *name);
Agedge_t *kn_graphviz_edge(Agraph_t *graph, Agnode_t *tail, Agnode_t *head);

/* 'graph' (borrowed) as DOT, unlaid-out, written by cgraph.  New; g_free(). */
char *kn_graphviz_to_dot(Agraph_t *graph);

/* The format that the name of 'path' asks for (.dot or .gv, .svg, .png, in
 * any case).  Returns FALSE with 'error' set (KN_INPUT_ERROR_USAGE) for any
 * other extension. */
gboolean kn_graphviz_format_for_path(const char *path, KnGraphvizFormat *format, GError **error);

/* Writes 'graph' (borrowed; never changed: a copy is laid out) to 'path'
 * in 'format'; 'path' NULL writes to standard output.  Returns FALSE with
 * 'error' set if the file cannot be written or Graphviz cannot render the
 * format. */
gboolean kn_graphviz_write(Agraph_t *graph, KnGraphvizFormat format, const char *path,
                           GError **error);
