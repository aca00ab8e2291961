# `make fuzz` builds tests/fuzz/fuzz_scenario, a libFuzzer harness on the
# scenario loader, with clang (Debian package clang, which brings libFuzzer
# and the sanitizer runtimes) and runs it for FUZZ_SECONDS on a corpus of
# the repository's scenarios and bad inputs.  It is not part of `make check`
# or .ci/run; run it by hand:  make fuzz FUZZ_SECONDS=600
# New inputs go to tests/fuzz/corpus/, crashes to tests/fuzz/crash-*.
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_C_FILES = \
	$(srcdir)/tests/fuzz/fuzz_scenario.c \
	$(srcdir)/models/api.c \
	$(srcdir)/models/scenario.c \
	$(srcdir)/models/scenario-manifest.c \
	$(srcdir)/models/scenario-yaml.c \
	$(srcdir)/models/shell-words.c \
	$(srcdir)/models/svc-alloc.c \
	$(srcdir)/sim/addr.c \
	$(srcdir)/sim/diag.c \
	$(srcdir)/sim/dns-wire.c \
	$(srcdir)/sim/rng.c \
	$(srcdir)/sim/spares.c \
	$(srcdir)/sim/time.c
FUZZ_H_FILES = \
	$(srcdir)/models/api.h \
	$(srcdir)/models/scenario.h \
	$(srcdir)/models/scenario-manifest.h \
	$(srcdir)/models/scenario-yaml.h \
	$(srcdir)/models/shell-words.h \
	$(srcdir)/models/svc-alloc.h \
	$(srcdir)/sim/addr.h \
	$(srcdir)/sim/diag.h \
	$(srcdir)/sim/dns-wire.h \
	$(srcdir)/sim/rng.h \
	$(srcdir)/sim/spares.h \
	$(srcdir)/sim/time.h
FUZZ_SEEDS = \
	tests/fuzz/corpus/seed-full.yaml \
	tests/fuzz/corpus/seed-manifests.yaml \
	tests/fuzz/corpus/seed-minimal.yaml
EXTRA_DIST += tests/fuzz/fuzz_scenario.c tests/fuzz/yaml.dict $(FUZZ_SEEDS)
CLEANFILES += tests/fuzz/fuzz_scenario$(EXEEXT)

# The loader's sources are compiled here with clang, whatever CC the normal
# build uses; the flags of glib-2.0 and yaml-0.1 are pkg-config's, found by
# configure.  WARN_CFLAGS stay with the normal build: clang warns where gcc
# does not (-Wmissing-field-initializers on { NULL } table ends).
tests/fuzz/fuzz_scenario$(EXEEXT): $(FUZZ_C_FILES) $(FUZZ_H_FILES) config.h
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) $(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) \
		$(CPPFLAGS) $(GLIB_CFLAGS) $(YAML_CFLAGS) -o $@ \
		$(FUZZ_C_FILES) $(GLIB_LIBS) $(YAML_LIBS)

fuzz: tests/fuzz/fuzz_scenario$(EXEEXT)
	$(MKDIR_P) tests/fuzz/corpus
	cp $(srcdir)/scenarios/lab/svc-lab.yaml $(srcdir)/tests/data/*.yaml tests/fuzz/corpus/
	test "$(srcdir)" = . || for seed in $(FUZZ_SEEDS); do cp $(srcdir)/$$seed tests/fuzz/corpus/; done
	./tests/fuzz/fuzz_scenario$(EXEEXT) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-dict=$(srcdir)/tests/fuzz/yaml.dict -artifact_prefix=tests/fuzz/ \
		-print_final_stats=1 tests/fuzz/corpus
.PHONY: fuzz
