/* path.h -- the picture of one traced request: the packets' path through
 * the cluster, drawn from the notes of a KnTrace (sim/trace.h) that
 * `knetsim trace` recorded while models/probe.c made the request.
 *
 * The graph is built with cgraph and written through graphviz.h (DOT as
 * built, or SVG/PNG laid out by dot): the client, each node the packets
 * pass as a cluster holding the netfilter hooks and kube-proxy chains
 * walked in order, the NAT and conntrack steps, the fabric hop (VXLAN with
 * its outer addresses), the backend and the reply.  The first packet and
 * the first reply are drawn in full; later packets of the connection are
 * summarised on the edges they share.  `knetsim trace --dot` is its user. */
#pragma once

#include <glib.h>
#include "models/net.h"
#include "sim/trace.h"
#include "viz/graphviz.h"

typedef struct KnPath KnPath;                       /* opaque: a built graph */

/* Builds the path picture of the notes of 'trace' (borrowed; read during
 * the call only), made by a request from the namespace named 'client' (a
 * pod, node or host name, as the trace's first notes name it).  'net'
 * (borrowed, may be NULL) gives node addresses for the labels and the
 * VXLAN outer header, and tells hosts from pods; 'title' (may be NULL) is
 * the graph's label.  New; free with kn_path_free(). */
KnPath *kn_path_new(const KnTrace *trace, KnNet *net, const char *client, const char *title);
void kn_path_free(KnPath *path);                    /* accepts NULL */

/* How many packets the trace shows, and how many of them were drawn in
 * full (the first request packet and the first reply: 0, 1 or 2). */
guint kn_path_n_packets(const KnPath *path);
guint kn_path_n_drawn(const KnPath *path);

/* The graph as DOT, unlaid-out: the same trace gives the same bytes.
 * New; g_free(). */
char *kn_path_to_dot(KnPath *path);

/* Writes the picture to 'file' in 'format' (NULL: standard output).
 * Returns FALSE with 'error' set if it cannot be written or rendered. */
gboolean kn_path_write(KnPath *path, KnGraphvizFormat format, const char *file, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnPath, kn_path_free)
