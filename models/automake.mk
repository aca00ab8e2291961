noinst_LIBRARIES += models/libmodels.a
models_libmodels_a_SOURCES = \
	models/api.c models/api.h \
	models/scenario.c models/scenario.h \
	models/svc-validate.c models/svc-validate.h
EXTRA_DIST += models/README
