noinst_LIBRARIES += models/libmodels.a
models_libmodels_a_SOURCES = \
	models/api.c models/api.h \
	models/cluster.c models/cluster.h \
	models/scenario.c models/scenario.h \
	models/scenario-manifest.c models/scenario-manifest.h \
	models/scenario-yaml.c models/scenario-yaml.h \
	models/store.c models/store.h \
	models/svc-alloc.c models/svc-alloc.h \
	models/workload.c models/workload.h
EXTRA_DIST += models/README
