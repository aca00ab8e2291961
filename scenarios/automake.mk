# Every scenario is a test of its own, run as `knetsim check FILE`.
SCENARIOS = \
	scenarios/capacity/topology-100-nodes.yaml \
	scenarios/exam/dual-stack.yaml \
	scenarios/exam/service-types.yaml \
	scenarios/lab/svc-lab.yaml \
	scenarios/troubleshoot/node-failure.yaml
TEST_EXTENSIONS = .yaml .sh
SH_LOG_COMPILER = $(SHELL)
YAML_LOG_COMPILER = $(top_builddir)/knetsim$(EXEEXT)
AM_YAML_LOG_FLAGS = check
TESTS += $(SCENARIOS)
EXTRA_DIST += scenarios/README $(SCENARIOS)
