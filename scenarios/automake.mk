# Every scenario is a test of its own, run as `knetsim check FILE`.
SCENARIOS = \
	scenarios/capacity/topology-100-nodes.yaml \
	scenarios/exam/dual-stack.yaml \
	scenarios/exam/host-network-dns.yaml \
	scenarios/exam/ndots.yaml \
	scenarios/exam/nftables-mode.yaml \
	scenarios/exam/ipvs-mode.yaml \
	scenarios/exam/nodelocal-dns.yaml \
	scenarios/exam/one-shot-pods.yaml \
	scenarios/exam/service-types.yaml \
	scenarios/exam/traffic-policies.yaml \
	scenarios/lab/describe-tour.yaml \
	scenarios/lab/svc-lab.yaml \
	scenarios/troubleshoot/client-ip-lost.yaml \
	scenarios/troubleshoot/etp-local-empty-node.yaml \
	scenarios/troubleshoot/lb-pending.yaml \
	scenarios/troubleshoot/node-failure.yaml \
	scenarios/troubleshoot/nodeport-clash.yaml \
	scenarios/troubleshoot/pods-pending.yaml \
	scenarios/troubleshoot/readiness-failing.yaml \
	scenarios/troubleshoot/selector-mismatch.yaml \
	scenarios/troubleshoot/wrong-target-port.yaml
TEST_EXTENSIONS = .yaml .sh
SH_LOG_COMPILER = $(SHELL)
YAML_LOG_COMPILER = $(top_builddir)/knetsim$(EXEEXT)
AM_YAML_LOG_FLAGS = check
TESTS += $(SCENARIOS)
EXTRA_DIST += scenarios/README $(SCENARIOS)
