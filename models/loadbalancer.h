/* loadbalancer.h -- the provider behind LoadBalancer Services: a cloud's
 * controller (the service controller of cloud-controller-manager) or
 * MetalLB on bare metal.  With cluster.loadBalancer: none nothing answers,
 * and the Services stay <pending> as on a bare kind cluster. */
#pragma once

#include <glib.h>
#include "models/cluster.h"

typedef struct KnLoadBalancerProvider KnLoadBalancerProvider;

/* Starts the provider the scenario names on 'cluster' (borrowed); NULL when
 * it names none. */
KnLoadBalancerProvider *kn_loadbalancer_new(KnCluster *cluster);
void kn_loadbalancer_free(KnLoadBalancerProvider *provider);      /* accepts NULL */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnLoadBalancerProvider, kn_loadbalancer_free)
