noinst_LIBRARIES += sim/libsim.a
sim_libsim_a_SOURCES = \
	sim/addr.c sim/addr.h \
	sim/dns-wire.c sim/dns-wire.h \
	sim/bench.c sim/bench.h \
	sim/diag.c sim/diag.h \
	sim/event.h \
	sim/events.c sim/events.h \
	sim/packet.c sim/packet.h \
	sim/pcapng.c sim/pcapng.h \
	sim/queue.c sim/queue.h \
	sim/rng.c sim/rng.h \
	sim/sha256.c sim/sha256.h \
	sim/spares.c sim/spares.h \
	sim/sim.c sim/sim.h \
	sim/time.c sim/time.h \
	sim/trace.c sim/trace.h
EXTRA_DIST += sim/README
