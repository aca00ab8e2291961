/* graphviz.c -- see graphviz.h. */

#include <config.h>
#include "viz/graphviz.h"

#include <graphviz/gvc.h>

char *
kn_graphviz_version(void)
{
    /* A context without plugins: asking the version needs no renderer. */
    GVC_t *gvc = gvContextPlugins(NULL, 0);
    char *version = g_strdup(gvcVersion(gvc));

    gvFreeContext(gvc);
    return version;
}
