/* graphviz.h -- the one place knetsim meets Graphviz (cgraph for graphs,
 * gvc for layout and rendering).  The topology and packet-path pictures
 * will be drawn here; for now it reports the library it was built with. */
#pragma once

#include <glib.h>

/* Returns the version of the Graphviz library in use, e.g. "2.43.0".  New;
 * free with g_free(). */
char *kn_graphviz_version(void);
