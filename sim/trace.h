/* trace.h -- the story of one packet walk (or one request), for --explain,
 * `knetsim trace` and the packet-path picture.
 *
 * A trace is a list of notes, each with the simulated time, a depth (how
 * far inside a hook or chain it was made) and a kind.  Models note their
 * decisions with kn_trace_note(), which does nothing when the trace is
 * NULL, so the fast path pays one test (OVS xlate_report). */
#pragma once

#include <glib.h>
#include "sim/time.h"

typedef enum {
    KN_TRACE_HOP,                /* the packet moved: veth, fabric, delivery */
    KN_TRACE_HOOK,               /* a netfilter hook was entered */
    KN_TRACE_RULE,               /* a chain's rule matched */
    KN_TRACE_NAT,                /* DNAT, SNAT, MASQUERADE, reversal */
    KN_TRACE_CONNTRACK,          /* an entry was made, found, or expired */
    KN_TRACE_CHOICE,             /* an endpoint was chosen, and why */
    KN_TRACE_VERDICT,            /* accepted, dropped, rejected, answered */
    KN_TRACE_DNS,                /* a name lookup step */
    KN_TRACE_APP,                /* what an application did */
} KnTraceKind;

typedef struct KnTraceNote {
    KnTime time;
    guint depth;
    KnTraceKind kind;
    char *node;                  /* where it happened (node or host name), or NULL */
    char *text;
} KnTraceNote;

typedef struct KnTrace KnTrace;

KnTrace *kn_trace_new(void);                    /* free with kn_trace_free() */
void kn_trace_free(KnTrace *trace);             /* accepts NULL */
/* Sets the time, place and depth later notes carry. */
void kn_trace_set_time(KnTrace *trace, KnTime time);
void kn_trace_set_node(KnTrace *trace, const char *node);
void kn_trace_push(KnTrace *trace);             /* one level deeper */
void kn_trace_pop(KnTrace *trace);
/* The walks push and pop for every chain they jump to: with no trace
 * (the data path's usual case) that costs no call. */
#define kn_trace_push(trace) G_STMT_START { KnTrace *t_ = (trace); if (t_ != NULL) (kn_trace_push)(t_); } G_STMT_END
#define kn_trace_pop(trace) G_STMT_START { KnTrace *t_ = (trace); if (t_ != NULL) (kn_trace_pop)(t_); } G_STMT_END
/* Adds a note; a no-op when 'trace' is NULL. */
void kn_trace_note(KnTrace *trace, KnTraceKind kind, const char *format, ...) G_GNUC_PRINTF(3, 4);
/* Hands every later note to 'func' as it is made (the note is borrowed for
 * the call) instead of keeping it; NULL keeps them again. */
typedef void (*KnTraceSink)(const KnTraceNote *note, gpointer user_data);
void kn_trace_set_sink(KnTrace *trace, KnTraceSink func, gpointer user_data);
/* The kind's name: "hop", "hook", "rule", "nat", "conntrack", "choice",
 * "verdict", "dns", "app". */
const char *kn_trace_kind_name(KnTraceKind kind);
guint kn_trace_n_notes(const KnTrace *trace);
const KnTraceNote *kn_trace_get(const KnTrace *trace, guint i);  /* borrowed */
/* Prints every note as "  [SECONDS.MICROSECONDSs] NODE: TEXT", indented by depth. */
void kn_trace_print(const KnTrace *trace, GString *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnTrace, kn_trace_free)
