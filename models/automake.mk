noinst_LIBRARIES += models/libmodels.a
models_libmodels_a_SOURCES = \
	models/scenario.c models/scenario.h \
	models/svc-alloc.c models/svc-alloc.h
EXTRA_DIST += models/README
