noinst_LIBRARIES += models/libmodels.a
models_libmodels_a_SOURCES = \
	models/scenario.c models/scenario.h
EXTRA_DIST += models/README
