noinst_LIBRARIES += models/libmodels.a
models_libmodels_a_SOURCES = \
	models/api.c models/api.h \
	models/endpointslice.c models/endpointslice.h \
	models/scenario.c models/scenario.h
EXTRA_DIST += models/README
