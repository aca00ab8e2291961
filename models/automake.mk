noinst_LIBRARIES += models/libmodels.a
models_libmodels_a_SOURCES = \
	models/api.c models/api.h \
	models/apiserver.c models/apiserver.h \
	models/capture.c models/capture.h \
	models/cluster.c models/cluster.h \
	models/conntrack.c models/conntrack.h \
	models/coredns.c models/coredns.h \
	models/daemonset.c models/daemonset.h \
	models/endpointslice-sync.c models/endpointslice-sync.h \
	models/endpointslice-topology.c models/endpointslice-topology.h \
	models/endpointslice.c models/endpointslice.h \
	models/envelope.c models/envelope.h \
	models/images.c models/images.h \
	models/json.c models/json.h \
	models/kubectl-describe.c models/kubectl-describe.h \
	models/kubectl-patch.c models/kubectl-patch.h \
	models/kubectl-print.c models/kubectl-print.h \
	models/kubectl.c models/kubectl.h \
	models/netclient.h \
	models/loadbalancer.c models/loadbalancer.h \
	models/net.c models/net.h \
	models/netbase.c models/netbase.h \
	models/netclient.h \
	models/node-lifecycle.c models/node-lifecycle.h \
	models/nodelocaldns.c models/nodelocaldns.h \
	models/proxy-endpoints.c models/proxy-endpoints.h \
	models/probe.c models/probe.h \
	models/proxy-ir.c models/proxy-ir.h \
	models/proxy-ir-list.c models/proxy-ir-list.h \
	models/proxy-iptables.c models/proxy-iptables.h \
	models/proxy.h \
	models/replay.c models/replay.h \
	models/resolvconf.c models/resolvconf.h \
	models/resolver.c models/resolver.h \
	models/scenario-manifest.c models/scenario-manifest.h \
	models/scenario-yaml.c models/scenario-yaml.h \
	models/scenario.c models/scenario.h \
	models/shell.c models/shell.h \
	models/statefulset.c models/statefulset.h \
	models/store.c models/store.h \
	models/svc-alloc.c models/svc-alloc.h \
	models/svc-validate.c models/svc-validate.h \
	models/tools.c models/tools.h \
	models/tools-dns.c models/tools-dns.h \
	models/workload.c models/workload.h \
	models/workqueue.c models/workqueue.h
EXTRA_DIST += models/README
