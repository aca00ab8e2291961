noinst_LIBRARIES += viz/libviz.a
viz_libviz_a_SOURCES = \
	viz/graphviz.c viz/graphviz.h \
	viz/topology.c viz/topology.h \
	viz/path.c viz/path.h
EXTRA_DIST += viz/README
