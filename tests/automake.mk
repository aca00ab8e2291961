# One cmocka binary per module; its source is tests/test_<module>.c.
UNIT_TESTS = \
	tests/test_api \
	tests/test_store \
	tests/test_recorder \
	tests/test_queue \
	tests/test_sim \
	tests/test_rng \
	tests/test_sha256 \
	tests/test_time \
	tests/test_workload \
	tests/test_statefulset \
	tests/test_daemonset \
	tests/test_node_lifecycle \
	tests/test_scenario \
	tests/test_scenario_manifest \
	tests/test_svc_alloc \
	tests/test_endpointslice \
	tests/test_proxy_endpoints \
	tests/test_json \
	tests/test_proxy_iptables \
	tests/test_proxy_nftables \
	tests/test_proxy_ipvs \
	tests/test_proxy_ir_list \
	tests/test_svc_validate \
	tests/test_kubectl \
	tests/test_kubectl_patch \
	tests/test_kubectl_print \
	tests/test_kubectl_describe \
	tests/test_topology \
	tests/test_path \
	tests/test_cli \
	tests/test_packet \
	tests/test_pcapng \
	tests/test_events \
	tests/test_capture \
	tests/test_conntrack \
	tests/test_net \
	tests/test_images \
	tests/test_shell \
	tests/test_tools \
	tests/test_dns_wire \
	tests/test_coredns \
	tests/test_nodelocaldns \
	tests/test_resolvconf \
	tests/test_resolver
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
LDADD = viz/libviz.a models/libmodels.a sim/libsim.a \
	$(JSON_LIBS) $(GLIB_LIBS) $(YAML_LIBS) $(GVC_LIBS) $(CMOCKA_LIBS) $(LIBS)
tests_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_api_CFLAGS = $(tests_cflags)
tests_test_store_CFLAGS = $(tests_cflags)
tests_test_recorder_CFLAGS = $(tests_cflags)
tests_test_queue_CFLAGS = $(tests_cflags)
tests_test_sim_CFLAGS = $(tests_cflags)
tests_test_rng_CFLAGS = $(tests_cflags)
tests_test_sha256_CFLAGS = $(tests_cflags)
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
tests_test_conntrack_CFLAGS = $(tests_cflags)
tests_test_net_CFLAGS = $(tests_cflags)
tests_test_topology_CFLAGS = $(tests_cflags)
tests_test_path_CFLAGS = $(tests_cflags)
tests_test_endpointslice_CFLAGS = $(tests_cflags)
tests_test_proxy_endpoints_CFLAGS = $(tests_cflags)
tests_test_json_CFLAGS = $(tests_cflags)
tests_test_proxy_iptables_CFLAGS = $(tests_cflags)
tests_test_proxy_nftables_CFLAGS = $(tests_cflags)
tests_test_proxy_ipvs_CFLAGS = $(tests_cflags)
tests_test_proxy_ir_list_CFLAGS = $(tests_cflags)
tests_test_svc_validate_CFLAGS = $(tests_cflags)
tests_test_kubectl_CFLAGS = $(tests_cflags)
tests_test_kubectl_patch_CFLAGS = $(tests_cflags)
tests_test_packet_CFLAGS = $(tests_cflags)
tests_test_pcapng_CFLAGS = $(tests_cflags)
tests_test_pcapng_SOURCES = tests/test_pcapng.c tests/sample_capture.c tests/sample_capture.h
tests_test_events_CFLAGS = $(tests_cflags)
tests_test_capture_CFLAGS = $(tests_cflags)

# The sample capture for the tshark check, written by a small program.
check_PROGRAMS += tests/pcap_sample
tests_pcap_sample_SOURCES = tests/pcap_sample.c tests/sample_capture.c tests/sample_capture.h

# What knetsim's resolver sends, for tests/tools/glibc-resolver.sh and
# musl-resolver.sh.
check_PROGRAMS += tests/resolver_sequence
tests_test_images_CFLAGS = $(tests_cflags)
tests_test_shell_CFLAGS = $(tests_cflags)
tests_test_tools_CFLAGS = $(tests_cflags)
tests_test_resolvconf_CFLAGS = $(tests_cflags)
tests_test_resolver_CFLAGS = $(tests_cflags)
tests_test_dns_wire_CFLAGS = $(tests_cflags)
tests_test_coredns_CFLAGS = $(tests_cflags)
tests_test_nodelocaldns_CFLAGS = $(tests_cflags)

# Tests find the binary under test and their data through the environment.
AM_TESTS_ENVIRONMENT = \
	KNETSIM='$(abs_top_builddir)/knetsim$(EXEEXT)'; export KNETSIM; \
	KNETSIM_SRCDIR='$(abs_top_srcdir)'; export KNETSIM_SRCDIR; \
	KNETSIM_BUILDDIR='$(abs_top_builddir)'; export KNETSIM_BUILDDIR; \
	LSAN_OPTIONS='suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0'; export LSAN_OPTIONS; \
	ASAN_OPTIONS='fast_unwind_on_malloc=0'; export ASAN_OPTIONS;

# Bad inputs and the exact messages they must give.
KNETSIM_TEST_FILES = \
	tests/data/bad-bandwidth.yaml tests/data/bad-bandwidth.err \
	tests/data/exec-missing-command.yaml tests/data/exec-missing-command.err \
	tests/data/from-unknown-host.yaml tests/data/from-unknown-host.err \
	tests/data/dns-bad-type.yaml tests/data/dns-bad-type.err \
	tests/data/bad-save.yaml tests/data/bad-save.err \
	tests/data/cr-line-ends.err \
	tests/data/cr-line-ends.yaml \
	tests/data/utf8-caret.err \
	tests/data/utf8-caret.yaml \
	tests/data/bad-cidr.err \
	tests/data/bad-dns-switch.err \
	tests/data/bad-dns-switch.yaml \
	tests/data/bad-cidr.yaml \
	tests/data/bad-pods-selector.err \
	tests/data/bad-pods-selector.yaml \
	tests/data/open-quote.err \
	tests/data/open-quote.yaml \
	tests/data/exec-open-quote.err \
	tests/data/exec-open-quote.yaml \
	tests/data/servicecidr-too-large.err \
	tests/data/servicecidr-too-large.yaml \
	tests/data/nodecidr-no-room.yaml \
	tests/data/bad-node-name.err \
	tests/data/bad-node-name.yaml \
	tests/data/bad-proxy-mode.err \
	tests/data/bad-proxy-mode.yaml \
	tests/data/proxy-mode-not-built.err \
	tests/data/proxy-mode-not-built.yaml \
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
	tests/data/iptables-rules.yaml \
	tests/data/dnsconfig-bad-ip.err \
	tests/data/dnsconfig-bad-ip.yaml \
	tests/data/dnsconfig-nameservers.err \
	tests/data/dnsconfig-nameservers.yaml \
	tests/data/dnsconfig-none-nameserver.err \
	tests/data/dnsconfig-none-nameserver.yaml \
	tests/data/dnsconfig-none-required.err \
	tests/data/dnsconfig-none-required.yaml \
	tests/data/dnsconfig-searches.err \
	tests/data/dnsconfig-searches.yaml \
	tests/data/dnsconfig-template.err \
	tests/data/dnsconfig-template.yaml \
	tests/data/workload-numbers.err \
	tests/data/workload-numbers.yaml \
	tests/data/workload-rolling-update.err \
	tests/data/workload-rolling-update.yaml \
	tests/data/workload-empty-selector.err \
	tests/data/workload-empty-selector.yaml \
	tests/data/workload-empty-selector-daemonset.err \
	tests/data/workload-empty-selector-daemonset.yaml \
	tests/data/workload-no-selector.err \
	tests/data/workload-no-selector.yaml \
	tests/data/workload-selector-operator.err \
	tests/data/workload-selector-operator.yaml \
	tests/data/workload-selector-mismatch.err \
	tests/data/workload-selector-mismatch.yaml \
	tests/data/workload-selector-expressions.err \
	tests/data/workload-selector-expressions.yaml \
	tests/data/workload-selector-empty-values.err \
	tests/data/workload-selector-empty-values.yaml \
	tests/data/workload-strategy.err \
	tests/data/workload-strategy.yaml \
	tests/data/workload-strategy-type.err \
	tests/data/workload-strategy-type.yaml \
	tests/data/workload-template.err \
	tests/data/workload-template.yaml \
	tests/data/workload-pod-names.err \
	tests/data/workload-pod-names.yaml \
	tests/data/manifest-bad-protocol.err \
	tests/data/manifest-bad-protocol.yaml \
	tests/data/manifest-bad-quantity.err \
	tests/data/manifest-bad-quantity.yaml \
	tests/data/manifest-nul-in-string.err \
	tests/data/manifest-nul-in-string.yaml \
	tests/data/manifest-nul-label.err \
	tests/data/manifest-nul-label.yaml \
	tests/data/nul-in-string.err \
	tests/data/nul-in-string.yaml \
	tests/data/manifest-dns-option-number.err \
	tests/data/manifest-dns-option-number.yaml \
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
EXTRA_DIST += tests/test_util.h tests/test_cluster.h tests/fake_net.h tests/proxy_fixture.h $(KNETSIM_TEST_FILES)

# Real tools reading what knetsim writes; each exits 77 (SKIP) when its tool
# is missing (iptables-restore.sh, iptables-list.sh: when not root).
TOOL_TESTS = tests/tools/iptables-restore.sh tests/tools/iptables-list.sh \
	tests/tools/nft-load.sh tests/tools/ipvs-load.sh \
	tests/tools/tshark-pcapng.sh \
	tests/tools/tshark-scenarios.sh tests/tools/glibc-resolver.sh \
	tests/tools/musl-resolver.sh
TESTS += $(TOOL_TESTS)
EXTRA_DIST += $(TOOL_TESTS) tests/tools/tshark-lib.sh

# Scenario golden tests: whole transcripts (.out), topology graphs (.dot,
# .at-TIME.dot for `graph --at TIME`) and path pictures (.trace-WHAT.dot for
# `trace ARGS --dot`, ARGS in .trace-WHAT.args), byte for byte; tests/golden.sh says
# which command makes each.  They change only through `make golden`, which
# rewrites them from the current build.
GOLDEN_FILES = \
	tests/golden/svc-lab.out \
	tests/golden/svc-lab.at-18s.dot \
	tests/golden/svc-lab.trace-clusterip.dot
GOLDEN_ARGS = tests/golden/svc-lab.trace-clusterip.args
TESTS += tests/golden.sh
EXTRA_DIST += tests/golden.sh $(GOLDEN_FILES) $(GOLDEN_ARGS)
golden: knetsim$(EXEEXT)
	cd $(srcdir) && for golden in $(GOLDEN_FILES); do \
		base=$$(basename $$golden); \
		name=$${base%%.*}; \
		scenario=$$(find scenarios -name "$$name.yaml" | head -n 1); \
		case $$base in \
		*.out) $(abs_top_builddir)/knetsim$(EXEEXT) run --explain $$scenario > $$golden ;; \
		*.trace-*.dot) $(abs_top_builddir)/knetsim$(EXEEXT) trace $$(cat $${golden%.dot}.args) \
			--dot $$golden $$scenario > /dev/null ;; \
		*.at-*.dot) at=$${base#*.at-}; \
			$(abs_top_builddir)/knetsim$(EXEEXT) graph --at $${at%.dot} $$scenario > $$golden ;; \
		*.dot) $(abs_top_builddir)/knetsim$(EXEEXT) graph $$scenario > $$golden ;; \
		esac; \
	done
.PHONY: golden
