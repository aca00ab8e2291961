# One cmocka binary per module; its source is tests/test_<module>.c.
UNIT_TESTS = \
	tests/test_api \
	tests/test_store \
	tests/test_queue \
	tests/test_sim \
	tests/test_rng \
	tests/test_time \
	tests/test_workload \
	tests/test_statefulset \
	tests/test_daemonset \
	tests/test_node_lifecycle \
	tests/test_scenario \
	tests/test_scenario_manifest \
	tests/test_svc_alloc \
	tests/test_endpointslice \
	tests/test_json \
	tests/test_svc_validate \
	tests/test_kubectl \
	tests/test_kubectl_patch \
	tests/test_kubectl_print \
	tests/test_kubectl_describe \
	tests/test_cli \
	tests/test_images \
	tests/test_shell \
	tests/test_tools
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
LDADD = viz/libviz.a models/libmodels.a sim/libsim.a \
	$(GLIB_LIBS) $(YAML_LIBS) $(GVC_LIBS) $(CMOCKA_LIBS) $(LIBS)
tests_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_api_CFLAGS = $(tests_cflags)
tests_test_store_CFLAGS = $(tests_cflags)
tests_test_queue_CFLAGS = $(tests_cflags)
tests_test_sim_CFLAGS = $(tests_cflags)
tests_test_rng_CFLAGS = $(tests_cflags)
tests_test_time_CFLAGS = $(tests_cflags)
tests_test_workload_CFLAGS = $(tests_cflags)
tests_test_statefulset_CFLAGS = $(tests_cflags)
tests_test_daemonset_CFLAGS = $(tests_cflags)
tests_test_node_lifecycle_CFLAGS = $(tests_cflags)
tests_test_scenario_CFLAGS = $(tests_cflags)
tests_test_scenario_manifest_CFLAGS = $(tests_cflags)
tests_test_svc_alloc_CFLAGS = $(tests_cflags)
tests_test_kubectl_print_CFLAGS = $(tests_cflags)
tests_test_kubectl_describe_CFLAGS = $(tests_cflags)
tests_test_cli_CFLAGS = $(tests_cflags)
tests_test_endpointslice_CFLAGS = $(tests_cflags)
tests_test_json_CFLAGS = $(tests_cflags)
tests_test_svc_validate_CFLAGS = $(tests_cflags)
tests_test_kubectl_CFLAGS = $(tests_cflags)
tests_test_kubectl_patch_CFLAGS = $(tests_cflags)
tests_test_images_CFLAGS = $(tests_cflags)
tests_test_shell_CFLAGS = $(tests_cflags)
tests_test_tools_CFLAGS = $(tests_cflags)

# Tests find the binary under test and their data through the environment.
AM_TESTS_ENVIRONMENT = \
	KNETSIM='$(abs_top_builddir)/knetsim$(EXEEXT)'; export KNETSIM; \
	KNETSIM_SRCDIR='$(abs_top_srcdir)'; export KNETSIM_SRCDIR;

# Bad inputs and the exact messages they must give.
KNETSIM_TEST_FILES = \
	tests/data/cr-line-ends.err \
	tests/data/cr-line-ends.yaml \
	tests/data/utf8-caret.err \
	tests/data/utf8-caret.yaml \
	tests/data/bad-cidr.err \
	tests/data/bad-cidr.yaml \
	tests/data/bad-node-name.err \
	tests/data/bad-node-name.yaml \
	tests/data/bad-proxy-mode.err \
	tests/data/bad-proxy-mode.yaml \
	tests/data/bad-syntax.err \
	tests/data/bad-syntax.yaml \
	tests/data/bad-wait.err \
	tests/data/bad-wait.yaml \
	tests/data/duplicate-key.err \
	tests/data/duplicate-key.yaml \
	tests/data/empty.err \
	tests/data/empty.yaml \
	tests/data/fail-unknown-node.err \
	tests/data/fail-unknown-node.yaml \
	tests/data/manifest-bad-protocol.err \
	tests/data/manifest-bad-protocol.yaml \
	tests/data/manifest-duplicate-key.err \
	tests/data/manifest-duplicate-key.yaml \
	tests/data/manifest-in-scenario.err \
	tests/data/manifest-in-scenario.yaml \
	tests/data/manifest-kinds.yaml \
	tests/data/manifest-lab.yaml \
	tests/data/manifest-label-number.err \
	tests/data/manifest-label-number.yaml \
	tests/data/manifest-missing-name.err \
	tests/data/manifest-missing-name.yaml \
	tests/data/manifest-unknown-field.err \
	tests/data/manifest-unknown-field.yaml \
	tests/data/manifest-unknown-kind.err \
	tests/data/manifest-unknown-kind.yaml \
	tests/data/manifest-wrong-api-version.err \
	tests/data/manifest-wrong-api-version.yaml \
	tests/data/manifest-wrong-type.err \
	tests/data/manifest-wrong-type.yaml \
	tests/data/missing-name.err \
	tests/data/missing-name.yaml \
	tests/data/not-scenario.err \
	tests/data/not-scenario.yaml \
	tests/data/two-actions.err \
	tests/data/two-actions.yaml \
	tests/data/unknown-key.err \
	tests/data/unknown-key.yaml \
	tests/data/wrong-type.err \
	tests/data/wrong-type.yaml
EXTRA_DIST += tests/test_util.h tests/test_cluster.h tests/fake_net.h $(KNETSIM_TEST_FILES)

# Scenario golden tests: whole transcripts, byte for byte.  They change only
# through `make golden`, which rewrites them from the current build.
GOLDEN_FILES = tests/golden/svc-lab.out
TESTS += tests/golden.sh
EXTRA_DIST += tests/golden.sh $(GOLDEN_FILES)
golden: knetsim$(EXEEXT)
	cd $(srcdir) && for golden in $(GOLDEN_FILES); do \
		name=$$(basename $$golden .out); \
		scenario=$$(find scenarios -name "$$name.yaml" | head -n 1); \
		$(abs_top_builddir)/knetsim$(EXEEXT) run --explain $$scenario > $$golden; \
	done
.PHONY: golden
