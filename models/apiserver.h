/* apiserver.h -- the API server's write path between a client (kubectl, a
 * scenario's manifests) and the store: defaulting, validation, and for
 * Services the allocation of cluster IPs and node ports, as the Service
 * REST storage does before anything is stored.  Controllers write the store
 * directly, as the API server trusts them no more than this but knetsim's
 * controllers only write valid objects. */
#pragma once

#include <glib.h>
#include "models/cluster.h"

/* Creates 'object' of 'kind' (the call takes it).  On failure frees it and
 * sets 'error' (KN_INPUT_ERROR) to the API server's message without
 * kubectl's prefix, e.g. `Service "web" is invalid: spec.ports[0].nodePort:
 * Invalid value: 30080: provided port is already allocated`, or `services
 * "web" already exists`. */
gboolean kn_apiserver_create(KnCluster *cluster, KnKind kind, gpointer object, GError **error);

/* Replaces the spec of the stored object that 'object' (taken; same kind,
 * namespace and name) names, as an update (PUT) does: for a Service the
 * cluster IP stays, node ports stay where the port keeps them and are
 * allocated for ports that need new ones, and ValidateServiceUpdate's rules
 * apply.  Sets '*changed' (may be NULL) to whether anything differed.  On
 * failure the stored object is unchanged and 'error' says why, as
 * kn_apiserver_create() does. */
gboolean kn_apiserver_update(KnCluster *cluster, KnKind kind, gpointer object, gboolean *changed,
                             GError **error);

/* Deletes the object of 'kind' named 'namespace'/'name' and releases what it
 * held (a Service's addresses and ports).  FALSE if there is none. */
gboolean kn_apiserver_delete(KnCluster *cluster, KnKind kind, const char *namespace,
                             const char *name);
