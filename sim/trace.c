/* trace.c -- the notes of a packet walk (trace.h). */

#include <config.h>
#include "sim/trace.h"

struct KnTrace {
    GArray *notes;               /* KnTraceNote */
    KnTime time;
    char *node;
    guint depth;
    KnTraceSink sink;
    gpointer sink_data;
};

static void
note_clear(gpointer data)
{
    KnTraceNote *note = data;

    g_free(note->node);
    g_free(note->text);
}

KnTrace *
kn_trace_new(void)
{
    KnTrace *trace = g_new0(KnTrace, 1);

    trace->notes = g_array_new(FALSE, FALSE, sizeof(KnTraceNote));
    g_array_set_clear_func(trace->notes, note_clear);
    return trace;
}

void
kn_trace_free(KnTrace *trace)
{
    if (trace == NULL)
        return;
    g_array_unref(trace->notes);
    g_free(trace->node);
    g_free(trace);
}

void
kn_trace_set_time(KnTrace *trace, KnTime time)
{
    if (trace != NULL)
        trace->time = time;
}

void
kn_trace_set_node(KnTrace *trace, const char *node)
{
    if (trace == NULL)
        return;
    g_free(trace->node);
    trace->node = g_strdup(node);
}

void
(kn_trace_push)(KnTrace *trace)
{
    if (trace != NULL)
        trace->depth++;
}

void
(kn_trace_pop)(KnTrace *trace)
{
    if (trace != NULL && trace->depth > 0)
        trace->depth--;
}

void
kn_trace_note(KnTrace *trace, KnTraceKind kind, const char *format, ...)
{
    KnTraceNote note;
    va_list args;

    if (trace == NULL)
        return;
    va_start(args, format);
    note = (KnTraceNote) { .time = trace->time, .depth = trace->depth, .kind = kind,
                           .node = g_strdup(trace->node), .text = g_strdup_vprintf(format, args) };
    va_end(args);
    if (trace->sink != NULL) {
        trace->sink(&note, trace->sink_data);
        note_clear(&note);
        return;
    }
    g_array_append_val(trace->notes, note);
}

void
kn_trace_set_sink(KnTrace *trace, KnTraceSink func, gpointer user_data)
{
    trace->sink = func;
    trace->sink_data = user_data;
}

const char *
kn_trace_kind_name(KnTraceKind kind)
{
    static const char *const names[] = {
        "hop", "hook", "rule", "nat", "conntrack", "choice", "verdict", "dns", "app",
    };

    return kind < G_N_ELEMENTS(names) ? names[kind] : "note";
}

guint
kn_trace_n_notes(const KnTrace *trace)
{
    return trace != NULL ? trace->notes->len : 0;
}

const KnTraceNote *
kn_trace_get(const KnTrace *trace, guint i)
{
    g_return_val_if_fail(trace != NULL && i < trace->notes->len, NULL);
    return &g_array_index(trace->notes, KnTraceNote, i);
}

void
kn_trace_print(const KnTrace *trace, GString *out)
{
    for (guint i = 0; i < kn_trace_n_notes(trace); i++) {
        const KnTraceNote *note = kn_trace_get(trace, i);
        g_string_append_printf(out, "  [%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT "s] %*s%s%s%s\n",
                               note->time / KN_SEC, note->time % KN_SEC / KN_USEC, (int) note->depth * 2, "",
                               note->node != NULL ? note->node : "", note->node != NULL ? ": " : "",
                               note->text);
    }
}
