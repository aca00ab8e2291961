/* topology.h -- the picture of a cluster: zones and nodes as nested
 * clusters, pods inside their node, Services with the endpoints their
 * EndpointSlices list, and what reaches the cluster from outside (NodePorts,
 * load balancers, external hosts and names).
 *
 * The graph is built with cgraph from the store of a cluster (borrowed,
 * never changed) and laid out and rendered by gvc.  Big clusters are
 * summarised per node beyond a threshold, and the picture says so.  The
 * command line's `knetsim graph` and `run --dot` are its users. */
#pragma once

#include <glib.h>
#include "models/cluster.h"
#include "viz/graphviz.h"

/* Defaults of KnTopologyOptions. */
#define KN_TOPOLOGY_MAX_PODS_PER_NODE 12
#define KN_TOPOLOGY_MAX_NODES 40

typedef struct KnTopologyOptions {
    guint max_pods_per_node;     /* a node with more pods is drawn as one summary */
    guint max_nodes;             /* with more nodes, every node is summarised */
    gboolean no_legend;          /* leave the legend out */
} KnTopologyOptions;

/* The file formats a topology renders to: graphviz.h's. */
typedef KnGraphvizFormat KnTopologyFormat;
#define KN_TOPOLOGY_FORMAT_DOT KN_GRAPHVIZ_FORMAT_DOT   /* as built, before layout (stable bytes) */
#define KN_TOPOLOGY_FORMAT_SVG KN_GRAPHVIZ_FORMAT_SVG
#define KN_TOPOLOGY_FORMAT_PNG KN_GRAPHVIZ_FORMAT_PNG

typedef struct KnTopology KnTopology;               /* opaque: a built graph */

/* Builds the topology of 'cluster' (borrowed; only read, and only during
 * the call) as it is at its simulated time now.  'options' may be NULL for
 * the defaults.  New; free with kn_topology_free(). */
KnTopology *kn_topology_new(KnCluster *cluster, const KnTopologyOptions *options);
void kn_topology_free(KnTopology *topology);        /* accepts NULL */

/* TRUE if some node's pods were drawn as a summary. */
gboolean kn_topology_is_collapsed(const KnTopology *topology);

/* The graph as DOT, unlaid-out, written by cgraph: the same cluster gives
 * the same bytes with any Graphviz release.  New; g_free(). */
char *kn_topology_to_dot(KnTopology *topology);

/* The format that the name of 'path' asks for (.dot or .gv, .svg, .png,
 * in any case).  Returns FALSE with 'error' set (KN_INPUT_ERROR_USAGE) for
 * any other extension. */
gboolean kn_topology_format_for_path(const char *path, KnTopologyFormat *format, GError **error);

/* Writes the topology to 'path' in 'format': DOT as kn_topology_to_dot()
 * gives it, SVG and PNG laid out by dot.  'path' NULL writes to standard
 * output.  Returns FALSE with 'error' set if the file cannot be written or
 * Graphviz cannot render the format. */
gboolean kn_topology_write(KnTopology *topology, KnTopologyFormat format, const char *path,
                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnTopology, kn_topology_free)
