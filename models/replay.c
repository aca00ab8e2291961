/* replay.c -- the scenario replay of replay.h.
 *
 * DOC: Steps run one after another: each is an event whose handler does the
 * step's action and, when the action is over (a kubectl command exits, a
 * wait elapses), grades the step's expectations and schedules the next run
 * or the next step.  The transcript writes a kubectl step as
 * "$ kubectl ARGS" and a wait as "$ sleep SECONDS", as they would be typed,
 * then what the command printed (standard output, then standard error).
 * A fail or recover step has no command to show, so it is a comment:
 * "# NODE fails: its kubelet stops" and "# NODE recovers: its kubelet
 * starts"; what follows is up to node-lifecycle.h.
 * Failed expectations are reported as "FILE:LINE:COL: expectation failed:
 * ..." with what was seen. */

#include <config.h>
#include "models/replay.h"

#include <string.h>
#include "models/capture.h"
#include "models/cluster.h"
#include "models/endpointslice-sync.h"
#include "models/kubectl.h"
#include "models/loadbalancer.h"
#include "models/images.h"
#include "models/net.h"
#include "models/probe.h"
#include "sim/dns-wire.h"
#include "models/shell.h"
#include "models/store.h"
#include "models/apiserver.h"
#include "models/daemonset.h"
#include "models/node-lifecycle.h"
#include "models/scenario-manifest.h"
#include "models/statefulset.h"
#include "models/workload.h"

typedef struct {
    KnScenario *scenario;
    const KnReplayOptions *options;
    KnReplayReport *report;
    KnSim *sim;
    KnCluster *cluster;
    KnWorkloads *workloads;
    KnStatefulSetController *stateful_sets;
    KnDaemonSetController *daemon_sets;
    KnNodeLifecycle *node_lifecycle;
    KnEndpointSliceSync *slices;
    KnKubectl *kubectl;
    KnLoadBalancerProvider *load_balancers;
    KnNet *net;
    KnTrace *trace;                      /* the running command's hops, for --explain */
    char *exec_namespace;                /* the pod's namespace while an exec runs */
    KnNetns *exec_ns;                    /* where the running command runs */
    GHashTable *vars;                    /* save: NAME -> the saved output */
    KnShellOptions shell;                /* how commands see their container */
    gboolean at_line_start;              /* the transcript's last character was a newline */
    guint next_step;                     /* index of the step to run next */
    guint repeat_left;                   /* further runs of the current step */
    gboolean stopped;                    /* --until passed: no further step runs */
    GPtrArray *processes;                /* Process: containers' main processes running */
    gboolean steps_over;                 /* the last step is done: no process runs on */
} Replay;

static void on_step(KnSim *sim, gpointer data);

static const KnEventClass step_class = { "step", on_step, NULL };

static void G_GNUC_PRINTF(2, 3)
explain(Replay *replay, const char *format, ...)
{
    g_autofree char *when = NULL;
    g_autofree char *message = NULL;
    va_list args;

    if (!replay->options->explain || replay->options->transcript == NULL)
        return;
    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    when = kn_time_format(kn_sim_now(replay->sim));
    fprintf(replay->options->transcript, "  [%s] %s\n", when, message);
}

static void G_GNUC_PRINTF(2, 3)
transcript(Replay *replay, const char *format, ...)
{
    g_autofree char *text = NULL;
    va_list args;

    if (replay->options->transcript == NULL)
        return;
    va_start(args, format);
    text = g_strdup_vprintf(format, args);
    va_end(args);
    if (*text == '\0')
        return;
    fputs(text, replay->options->transcript);
    replay->at_line_start = g_str_has_suffix(text, "\n");
}

/* Writes 'duration' as sleep(1) takes it: whole seconds, or a decimal. */
static char *
format_sleep(KnTime duration)
{
    g_autoptr(GString) text = g_string_new(NULL);
    KnTime frac = duration % KN_SEC;

    g_string_printf(text, "%" G_GUINT64_FORMAT, duration / KN_SEC);
    if (frac != 0) {
        g_string_append_printf(text, ".%09" G_GUINT64_FORMAT, frac);
        while (text->str[text->len - 1] == '0')
            g_string_truncate(text, text->len - 1);
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/*****************************************************************************/
/* Expectations. */

/* Grades one check: counts it, and reports it if it failed. */
static void G_GNUC_PRINTF(4, 5)
grade(Replay *replay, const KnExpect *expect, gboolean ok, const char *format, ...)
{
    g_autofree char *what = NULL;
    va_list args;

    if (ok) {
        replay->report->n_passed++;
        return;
    }
    replay->report->n_failed++;
    va_start(args, format);
    what = g_strdup_vprintf(format, args);
    va_end(args);
    if (replay->options->failures != NULL)
        fprintf(replay->options->failures, "%s:%u:%u: expectation failed: %s\n", expect->loc.file,
                expect->loc.line, expect->loc.col, what);
}

/* Indents 'text' for a failure report. */
static char *
quoted(const char *text)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = g_strv_length(lines);

    if (n > 0 && lines[n - 1][0] == '\0')
        n--;
    for (guint i = 0; i < n; i++)
        g_string_append_printf(out, "\n    | %s", lines[i]);
    if (n == 0)
        g_string_append(out, "\n    | (nothing)");
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
grade_text(Replay *replay, const KnExpect *expect, const KnTextExpect *check, const char *name,
           const char *text)
{
    g_autofree char *seen = quoted(text);

    if (check->contains != NULL)
        grade(replay, expect, strstr(text, check->contains) != NULL,
              "%s does not contain \"%s\"; it was:%s", name, check->contains, seen);
    if (check->not_contains != NULL)
        grade(replay, expect, strstr(text, check->not_contains) == NULL,
              "%s contains \"%s\"; it was:%s", name, check->not_contains, seen);
    if (check->matches != NULL)
        grade(replay, expect, g_regex_match_simple(check->matches, text, G_REGEX_MULTILINE, 0),
              "%s does not match /%s/; it was:%s", name, check->matches, seen);
    if (check->equals != NULL) {
        gsize len = strlen(text);
        gboolean equal = strcmp(text, check->equals) == 0
                         || (len > 0 && text[len - 1] == '\n' && strlen(check->equals) == len - 1
                             && strncmp(text, check->equals, len - 1) == 0);

        grade(replay, expect, equal, "%s is not \"%s\"; it was:%s", name, check->equals, seen);
    }
}

/* Ready endpoints over the controller's slices of the Service. */
static guint
ready_endpoints(Replay *replay, const char *namespace, const char *service)
{
    g_autoptr(GPtrArray) slices = kn_store_list(replay->cluster->store, KN_KIND_ENDPOINT_SLICE, namespace);
    guint ready = 0;

    for (guint i = 0; i < slices->len; i++) {
        KnEndpointSlice *slice = slices->pdata[i];

        if (g_strcmp0(kn_labels_get(slice->meta.labels, "kubernetes.io/service-name"), service) != 0)
            continue;
        for (guint e = 0; e < slice->endpoints->len; e++)
            ready += ((KnEndpoint *) slice->endpoints->pdata[e])->ready;
    }
    return ready;
}

/* Pods matching an equality selector ("app=web,tier=fe"), Running and Ready. */
static guint
ready_pods(Replay *replay, const char *namespace, const char *selector_text)
{
    g_autoptr(KnLabels) selector = kn_labels_new();
    g_auto(GStrv) pairs = g_strsplit(selector_text, ",", -1);
    g_autoptr(GPtrArray) pods = kn_store_list(replay->cluster->store, KN_KIND_POD, namespace);
    guint ready = 0;

    for (guint i = 0; pairs[i] != NULL; i++) {
        g_auto(GStrv) kv = g_strsplit(pairs[i], "=", 2);

        kn_labels_set(selector, g_strstrip(kv[0]), kv[1] != NULL ? g_strstrip(kv[1]) : "");
    }
    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];

        ready += kn_labels_match(pod->meta.labels, selector) && pod->phase == KN_POD_RUNNING
                 && pod->ready && !pod->meta.deleting;
    }
    return ready;
}

/* Grades 'expect' against a command's result ('result' NULL for a step
 * that ran no command) and the cluster as it is now. */
static void
check(Replay *replay, const KnExpect *expect, const KnKubectlResult *result)
{
    if (expect == NULL)
        return;
    if (result != NULL) {
        grade_text(replay, expect, &expect->out, "stdout", result->out->str);
        grade_text(replay, expect, &expect->err, "stderr", result->err->str);
        if (expect->has_exit_code)
            grade(replay, expect, (guint) result->status == expect->exit_code,
                  "exit status is %d, not %u", result->status, expect->exit_code);
    }
    if (expect->endpoints_service != NULL) {
        const char *ns = expect->endpoints_namespace != NULL ? expect->endpoints_namespace : "default";
        guint ready = ready_endpoints(replay, ns, expect->endpoints_service);

        grade(replay, expect, ready == expect->endpoints_ready,
              "Service %s/%s has %u ready endpoints, not %u", ns, expect->endpoints_service, ready,
              expect->endpoints_ready);
        explain(replay, "expect: %u ready endpoints of %s/%s", ready, ns, expect->endpoints_service);
    }
    if (expect->pods_selector != NULL) {
        const char *ns = expect->pods_namespace != NULL ? expect->pods_namespace : "default";
        guint ready = ready_pods(replay, ns, expect->pods_selector);

        grade(replay, expect, ready == expect->pods_ready, "%u pods with %s are ready in %s, not %u",
              ready, expect->pods_selector, ns, expect->pods_ready);
        explain(replay, "expect: %u ready pods with %s", ready, expect->pods_selector);
    }
}

/*****************************************************************************/
/* Steps. */

/* Moves on after a run of the current step that took 'duration'. */
static void
step_done(Replay *replay, const KnStep *step, KnTime duration)
{
    if (replay->repeat_left == 0)
        replay->repeat_left = step->repeat;
    if (--replay->repeat_left == 0)
        replay->next_step++;
    kn_sim_schedule_in(replay->sim, duration, &step_class, replay);
}

/* 'command' with the scenario's saved variables ($NAME, ${NAME})
 * substituted as the user's shell would before running it: not inside
 * single quotes, and only names a save: defined (others, like a pod
 * shell's own $?, are left for that shell).  New. */
static char *
substitute(Replay *replay, const char *command)
{
    GString *out = g_string_new(NULL);
    gboolean in_single = FALSE;

    for (const char *p = command; *p != '\0'; p++) {
        if (*p == '\'' ) {
            in_single = !in_single;
        } else if (*p == '$' && !in_single && replay->vars != NULL) {
            gboolean braced = p[1] == '{';
            const char *start = p + 1 + braced, *end = start;

            while (g_ascii_isalnum(*end) || *end == '_')
                end++;
            if (end > start && (!braced || *end == '}')) {
                g_autofree char *name = g_strndup(start, end - start);
                const char *value = g_hash_table_lookup(replay->vars, name);

                if (value != NULL) {
                    g_string_append(out, value);
                    p = end + braced - 1;
                    continue;
                }
            }
        }
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

/* Keeps the step's output for save: NAME. */
static void
save_output(Replay *replay, const KnStep *step, const GString *out)
{
    if (step->save == NULL)
        return;
    if (replay->vars == NULL)
        replay->vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_insert(replay->vars, g_strdup(step->save),
                        g_strndup(out->str, out->len - (g_str_has_suffix(out->str, "\n") ? 1 : 0)));
    explain(replay, "saved the output as $%s", step->save);
}

static void
on_kubectl_done(const KnKubectlResult *result, gpointer user_data)
{
    Replay *replay = user_data;
    const KnStep *step = replay->scenario->steps->pdata[replay->next_step];

    transcript(replay, "%s%s", result->out->str, result->err->str);
    if (result->status != 0)
        explain(replay, "kubectl exited with status %d", result->status);
    save_output(replay, step, result->out);
    check(replay, step->expect, result);
    step_done(replay, step, 0);
}

/* What the main process of 'c' runs: its command, or else the image's
 * own; NULL-terminated and borrowed, or NULL if knetsim does not run it
 * (a server the data path answers for, a program the shell does not
 * model). */
static const char *const *
process_argv(Replay *replay, const KnContainer *c, GPtrArray *scratch)
{
    const char *const *argv = kn_images_lookup(replay->shell.images, c->image)->cmd;

    if (c->command->len > 0) {
        for (guint i = 0; i < c->command->len; i++)
            g_ptr_array_add(scratch, c->command->pdata[i]);
        g_ptr_array_add(scratch, NULL);
        argv = (const char *const *) scratch->pdata;
    }
    return argv != NULL && kn_shell_models(replay->shell.images, c->image, argv[0]) ? argv : NULL;
}

/* `kubectl logs` reads what the data path's containers printed: what the
 * servers it models log, or what a process the kubelet started wrote. */
static const char *
container_logs(const KnPod *pod, const KnContainer *container, gboolean previous, gpointer user_data)
{
    Replay *replay = user_data;
    g_autoptr(GPtrArray) scratch = g_ptr_array_new();

    if (!container->attached && process_argv(replay, container, scratch) != NULL) {
        GString *log;

        if (previous)
            return kn_net_pod_previous_log(replay->net, pod);
        log = kn_net_pod_log(replay->net, pod);
        return log != NULL ? log->str : "";
    }
    return previous ? NULL : kn_net_container_logs(replay->net, pod, container);
}

/*****************************************************************************/
/* Commands in pods, on nodes and on outside hosts. */

/* What `cat` finds where the command runs besides what it wrote: the
 * resolv.conf (the kubelet's for a pod, by its dnsPolicy), and on a node
 * conntrack's limit and count under /proc. */
static GBytes *
read_ns_file(Replay *replay, KnNetns *ns, const char *path)
{
    char *text;

    if (ns == NULL)
        return NULL;
    if (strcmp(path, "/etc/resolv.conf") == 0)
        text = kn_net_resolv_conf(replay->net, ns);
    else
        text = kn_net_proc_file(replay->net, ns, path);
    return text != NULL ? g_bytes_new_take(text, strlen(text)) : NULL;
}

static GBytes *
read_file(const char *path, gpointer user_data)
{
    Replay *replay = user_data;

    return read_ns_file(replay, replay->exec_ns, path);
}

/* A container's main process, which the kubelet started (workload.h). */
typedef struct {
    Replay *replay;
    KnNetns *ns;
    char *uid, *namespace, *name;
    guint container;
    KnShellRun *run;
} Process;

static void
process_free(gpointer data)
{
    Process *process = data;

    g_ptr_array_remove_fast(process->replay->processes, process);
    g_free(process->uid);
    g_free(process->namespace);
    g_free(process->name);
    g_free(process);
}

static GBytes *
process_read_file(const char *path, gpointer user_data)
{
    Process *process = user_data;

    return read_ns_file(process->replay, process->ns, path);
}

static void
on_process_exit(const KnShellResult *result, gpointer user_data)
{
    Process *process = user_data;

    kn_workloads_process_exited(process->replay->workloads, process->uid, process->namespace, process->name,
                                process->container, result->status);
    process_free(process);
}

/* The command of 'pod''s container 'index' runs in the pod, with no
 * shell in between, its output going to the container's log as it is
 * written; a program the image catalog does not know is not simulated. */
static void
run_process(const KnPod *pod, guint index, gpointer user_data)
{
    Replay *replay = user_data;
    const KnContainer *c = pod->spec.containers->pdata[index];
    KnNetns *ns = kn_net_pod(replay->net, pod->meta.namespace, pod->meta.name);
    GString *log = kn_net_pod_log(replay->net, pod);
    g_autoptr(GPtrArray) scratch = g_ptr_array_new();
    const char *const *argv = process_argv(replay, c, scratch);
    KnShellOptions shell = replay->shell;
    Process *process;

    if (replay->steps_over || ns == NULL || log == NULL || argv == NULL)
        return;
    if (pod->runs != NULL && pod->runs[index].restarts > 0)
        kn_net_pod_log_restart(replay->net, pod);
    process = g_new0(Process, 1);
    *process = (Process) { .replay = replay, .ns = ns, .uid = g_strdup(pod->meta.uid),
                           .namespace = g_strdup(pod->meta.namespace), .name = g_strdup(pod->meta.name),
                           .container = index };
    shell.read_file = process_read_file;
    shell.read_file_data = process;
    shell.environ = kn_netns_environ(ns);
    shell.tty = c->tty;
    shell.log = log;
    shell.abandon = process_free;
    g_ptr_array_add(replay->processes, process);
    process->run = kn_shell_spawn(kn_netns_client(ns), argv, &shell, on_process_exit, process);
}

/* The scenario's steps are over: what the containers still run stops
 * there, so that the cluster settles (a `sleep infinity` or a loop would
 * keep the clock going) and nothing they do comes after the end. */
static void
freeze_processes(Replay *replay)
{
    /* A frozen process leaves the list as it goes, now or later. */
    g_autoptr(GPtrArray) running = g_ptr_array_copy(replay->processes, NULL, NULL);

    replay->steps_over = TRUE;
    for (guint i = 0; i < running->len; i++)
        kn_shell_freeze(((Process *) running->pdata[i])->run);
}

/* `kubectl run -i` and `kubectl exec`: the process, on the pod's
 * network. */
typedef struct {
    Replay *replay;
    KnShellOptions shell;
    KnKubectlAttachDone done;
    gpointer done_data;
} Attached;

static void
on_attached_exit(const KnShellResult *result, gpointer user_data)
{
    Attached *attached = user_data;

    attached->replay->exec_ns = NULL;
    attached->done(result->out->str, result->err->str, result->status, attached->done_data);
    g_free(attached);
}

static void
attach_process(const KnPod *pod, const KnContainer *container, const char *const *argv, gboolean tty,
               KnKubectlAttachDone done, gpointer done_data, gpointer user_data)
{
    Replay *replay = user_data;
    KnNetns *ns = kn_net_pod(replay->net, pod->meta.namespace, pod->meta.name);
    Attached *attached;

    (void) container;
    if (ns == NULL) {
        done("", "", 126, done_data);
        return;
    }
    attached = g_new0(Attached, 1);
    *attached = (Attached) { replay, replay->shell, done, done_data };
    attached->shell.environ = kn_netns_environ(ns);
    attached->shell.tty = tty;
    replay->exec_ns = ns;
    kn_shell_exec(kn_netns_client(ns), argv, &attached->shell, on_attached_exit, attached);
}

static void
on_command_done(const KnShellResult *result, gpointer user_data)
{
    Replay *replay = user_data;
    const KnStep *step = replay->scenario->steps->pdata[replay->next_step];
    KnKubectlResult graded = { .out = result->out, .err = g_string_new(result->err->str),
                               .status = result->status };

    /* kubectl exec reports a failed command on its own standard error and
     * exits with the command's status. */
    if (step->kind == KN_STEP_EXEC && result->status != 0)
        g_string_append_printf(graded.err, "command terminated with exit code %d\n", result->status);
    transcript(replay, "%s%s", graded.out->str, graded.err->str);
    if (replay->trace != NULL) {
        g_autoptr(GString) notes = g_string_new(NULL);

        kn_net_set_trace(replay->net, NULL);
        kn_trace_print(replay->trace, notes);
        if (notes->len > 0 && replay->options->transcript != NULL)
            fputs(notes->str, replay->options->transcript);
        g_clear_pointer(&replay->trace, kn_trace_free);
    }
    save_output(replay, step, graded.out);
    check(replay, step->expect, &graded);
    g_string_free(graded.err, TRUE);
    g_clear_pointer(&replay->exec_namespace, g_free);
    step_done(replay, step, 0);
}

/* A failed exec: kubectl's own error, exit status 1. */
static void
command_failed(Replay *replay, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
command_failed(Replay *replay, const char *format, ...)
{
    const KnStep *step = replay->scenario->steps->pdata[replay->next_step];
    KnKubectlResult result = { .out = g_string_new(NULL), .err = g_string_new(NULL), .status = 1 };
    va_list args;

    va_start(args, format);
    g_string_append_vprintf(result.err, format, args);
    va_end(args);
    g_string_append_c(result.err, '\n');
    transcript(replay, "%s", result.err->str);
    check(replay, step->expect, &result);
    g_string_free(result.out, TRUE);
    g_string_free(result.err, TRUE);
    step_done(replay, step, 0);
}

static void
on_dns_step_done(gboolean answered, GString *out, gpointer user_data)
{
    Replay *replay = user_data;
    const KnStep *step = replay->scenario->steps->pdata[replay->next_step];
    KnKubectlResult result = { .out = out, .err = g_string_new(NULL), .status = answered ? 0 : 1 };

    transcript(replay, "%s", out->str);
    if (replay->trace != NULL) {
        g_autoptr(GString) notes = g_string_new(NULL);

        kn_trace_print(replay->trace, notes);
        if (notes->len > 0 && replay->options->transcript != NULL)
            fputs(notes->str, replay->options->transcript);
        g_clear_pointer(&replay->trace, kn_trace_free);
    }
    save_output(replay, step, out);
    check(replay, step->expect, &result);
    g_string_free(result.err, TRUE);
    step_done(replay, step, 0);
}

/* dns: looks a name up from a pod as its resolver would, query by query
 * (what `knetsim dns` prints). */
static void
start_dns(Replay *replay, const KnStep *step)
{
    const KnPod *pod = kn_kubectl_exec_pod(replay->cluster->store, step->namespace, step->pod);
    KnNetns *ns = pod != NULL ? kn_net_pod(replay->net, pod->meta.namespace, pod->meta.name) : NULL;
    guint16 type = 0;

    transcript(replay, "# knetsim dns --from %s%s%s%s%s %s\n", strcmp(step->namespace, "default") != 0 ? step->namespace : "",
               strcmp(step->namespace, "default") != 0 ? "/" : "", step->pod,
               step->dns_type != NULL ? " --type " : "", step->dns_type != NULL ? step->dns_type : "", step->dns_name);
    if (ns == NULL) {
        command_failed(replay, "knetsim dns: no pod %s/%s with an address", step->namespace, step->pod);
        return;
    }
    if (step->dns_type != NULL)
        kn_dns_type_parse(step->dns_type, &type);      /* the loader checked it */
    if (replay->options->explain && replay->options->transcript != NULL)
        replay->trace = kn_trace_new();
    kn_probe_dns_start(replay->sim, replay->net, ns, step->dns_name, type, replay->trace,
                       on_dns_step_done, replay);
}

/* exec: runs the command in the pod, as `kubectl exec POD -- COMMAND`
 * would; from: on a node's host network (`docker exec NODE COMMAND` on a
 * kind cluster) or on an outside host. */
static void
start_command(Replay *replay, const KnStep *step)
{
    KnNetns *ns = NULL;
    g_autofree char *command = substitute(replay, step->command);

    if (step->kind == KN_STEP_EXEC) {
        g_autoptr(GString) prompt = g_string_new("$ kubectl exec ");
        const KnPod *pod;

        if (strcmp(step->namespace, "default") != 0)
            g_string_append_printf(prompt, "-n %s ", step->namespace);
        g_string_append(prompt, step->pod);
        if (step->container != NULL)
            g_string_append_printf(prompt, " -c %s", step->container);
        transcript(replay, "%s -- %s\n", prompt->str, command);
        explain(replay, "step %u (%s:%u): exec in %s", replay->next_step + 1, step->loc.file,
                step->loc.line, step->pod);
        pod = kn_kubectl_exec_pod(replay->cluster->store, step->namespace, step->pod);
        if (pod == NULL) {
            const char *slash = strchr(step->pod, '/');

            if (slash != NULL && strncmp(step->pod, "pod", 3) != 0)
                command_failed(replay, "error: cannot exec into %s: no running pods", step->pod);
            else
                command_failed(replay, "Error from server (NotFound): pods \"%s\" not found",
                               slash != NULL ? slash + 1 : step->pod);
            return;
        }
        ns = kn_net_pod(replay->net, pod->meta.namespace, pod->meta.name);
        if (ns == NULL || !pod->started) {
            const KnContainer *c = pod->spec.containers->len > 0 ? pod->spec.containers->pdata[0] : NULL;

            command_failed(replay, "error: unable to upgrade connection: container not found (\"%s\")",
                           step->container != NULL ? step->container : c != NULL ? c->name : "");
            return;
        }
        replay->exec_namespace = g_strdup(pod->meta.namespace);
    } else {
        ns = kn_net_node(replay->net, step->node);
        if (ns != NULL)
            transcript(replay, "$ docker exec %s %s\n", step->node, command);
        else {
            ns = kn_net_host(replay->net, step->node);
            transcript(replay, "%s$ %s\n", step->node, command);
        }
        explain(replay, "step %u (%s:%u): on %s", replay->next_step + 1, step->loc.file,
                step->loc.line, step->node);
        g_assert(ns != NULL);            /* the loader checked the name */
    }
    if (replay->options->explain && replay->options->transcript != NULL) {
        replay->trace = kn_trace_new();
        kn_net_set_trace(replay->net, replay->trace);
    }
    replay->exec_ns = ns;
    replay->shell.environ = kn_netns_environ(ns);
    kn_shell_exec_line(kn_netns_client(ns), command, &replay->shell, on_command_done, replay);
}

static void
on_step(KnSim *sim, gpointer data)
{
    Replay *replay = data;

    (void) sim;
    if (replay->stopped)
        return;
    if (replay->next_step == replay->scenario->steps->len) {
        freeze_processes(replay);        /* the last step's time is over */
        return;
    }

    const KnStep *step = replay->scenario->steps->pdata[replay->next_step];

    /* Narration is knetsim's own comment: it starts a line even after
     * output without a final newline (as jsonpath's), where a terminal
     * would show the next prompt straight after it. */
    if (step->narrate != NULL && replay->repeat_left == 0)
        transcript(replay, "%s# %s\n", replay->at_line_start ? "" : "\n", step->narrate);
    switch (step->kind) {
    case KN_STEP_WAIT: {
        g_autofree char *seconds = format_sleep(step->duration);

        transcript(replay, "$ sleep %s\n", seconds);
        explain(replay, "step %u (%s:%u): wait %s s", replay->next_step + 1, step->loc.file,
                step->loc.line, seconds);
        check(replay, step->expect, NULL);
        step_done(replay, step, step->duration);
        break;
    }
    case KN_STEP_KUBECTL: {
        g_autofree char *command = substitute(replay, step->command);

        transcript(replay, "$ kubectl %s\n", command);
        explain(replay, "step %u (%s:%u): kubectl", replay->next_step + 1, step->loc.file, step->loc.line);
        kn_kubectl_run(replay->kubectl, command, NULL, on_kubectl_done, replay);
        break;
    }
    case KN_STEP_EXPECT:
        check(replay, step->expect, NULL);
        step_done(replay, step, 0);
        break;
    case KN_STEP_APPLY:
        if (step->apply_file != NULL) {
            g_autofree char *command = g_strdup_printf("apply -f %s", step->apply_file);

            transcript(replay, "$ kubectl %s\n", command);
            kn_kubectl_run(replay->kubectl, command, NULL, on_kubectl_done, replay);
        } else {
            transcript(replay, "$ kubectl apply -f - <<'EOF'\n%s%sEOF\n", step->apply_text,
                       g_str_has_suffix(step->apply_text, "\n") ? "" : "\n");
            kn_kubectl_run(replay->kubectl, "apply -f -", step->apply_text, on_kubectl_done, replay);
        }
        break;
    case KN_STEP_FAIL:
        transcript(replay, "# %s fails: its kubelet stops\n", step->node);
        explain(replay, "step %u (%s:%u): fail node %s", replay->next_step + 1, step->loc.file,
                step->loc.line, step->node);
        kn_node_lifecycle_fail(replay->node_lifecycle, step->node);
        check(replay, step->expect, NULL);
        step_done(replay, step, 0);
        break;
    case KN_STEP_RECOVER:
        transcript(replay, "# %s recovers: its kubelet starts\n", step->node);
        explain(replay, "step %u (%s:%u): recover node %s", replay->next_step + 1, step->loc.file,
                step->loc.line, step->node);
        kn_node_lifecycle_recover(replay->node_lifecycle, step->node);
        check(replay, step->expect, NULL);
        step_done(replay, step, 0);
        break;
    case KN_STEP_EXEC:
    case KN_STEP_FROM:
        start_command(replay, step);
        break;
    case KN_STEP_DNS:
        start_dns(replay, step);
        break;
    default:
        /* The loader refuses every other kind in this build. */
        g_assert_not_reached();
    }
}

/* The field path an API server message names first: "spec.ports[0].port"
 * in 'Service "web" is invalid: spec.ports[0].port: Invalid value: ...'. */
static char *
message_field(const char *message)
{
    g_autoptr(GRegex) regex = g_regex_new("(?:is invalid: |\\* )([A-Za-z][A-Za-z0-9_.\\[\\]/-]*): ", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;

    if (!g_regex_match(regex, message, 0, &match))
        return NULL;
    return g_match_info_fetch(match, 1);
}

/* Creates the scenario's manifests through the API server, at time zero. */
static gboolean
apply_manifests(Replay *replay, KnScenario *scenario, GError **error)
{
    for (guint i = 0; i < scenario->manifests->len; i++) {
        KnManifest *manifest = scenario->manifests->pdata[i];
        gpointer object = kn_scenario_manifest_steal_object(manifest);
        g_autoptr(GError) failure = NULL;

        if (object == NULL)
            continue;
        if (!kn_apiserver_create(replay->cluster, manifest->kind, object, &failure)) {
            g_autofree char *field = message_field(failure->message);
            const KnSrcLoc *loc = kn_scenario_manifest_locate(manifest, field != NULL ? field : "");

            kn_diag_set_error(error, KN_INPUT_ERROR_VALUE, loc, scenario->source, "%s", failure->message);
            return FALSE;
        }
    }
    if (scenario->manifests->len > 0)
        explain(replay, "applied the %u manifests of %s", scenario->manifests->len, scenario->file);
    return TRUE;
}

gboolean
kn_replay_run(KnScenario *scenario, const KnReplayOptions *options, KnReplayReport *report,
              GError **error)
{
    g_return_val_if_fail(scenario != NULL && options != NULL && report != NULL, FALSE);

    Replay replay = { .scenario = scenario, .options = options, .report = report, .at_line_start = TRUE };
    g_autoptr(GString) nodes = g_string_new(NULL);

    memset(report, 0, sizeof *report);
    replay.sim = kn_sim_new(options->seed);
    replay.cluster = kn_cluster_new(scenario, replay.sim, error);
    if (replay.cluster == NULL) {
        kn_sim_free(replay.sim);
        return FALSE;
    }
    replay.workloads = kn_workloads_new(replay.cluster);
    replay.stateful_sets = kn_statefulset_new(replay.cluster, replay.workloads);
    replay.daemon_sets = kn_daemonset_new(replay.cluster, replay.workloads);
    replay.node_lifecycle = kn_node_lifecycle_new(replay.cluster, replay.workloads);
    replay.slices = kn_endpointslice_sync_new(replay.cluster, 0);
    replay.load_balancers = kn_loadbalancer_new(replay.cluster);
    replay.kubectl = kn_kubectl_new(replay.cluster, replay.workloads);
    replay.net = kn_net_new(replay.cluster);
    kn_workloads_set_prober(replay.workloads, kn_net_probe, replay.net);
    replay.shell = (KnShellOptions) { .images = kn_images_builtin(), .read_file = read_file,
                                      .read_file_data = &replay };
    if (options->capture != NULL)
        kn_capture_attach(options->capture, replay.net);

    g_autofree char *workdir = g_path_get_dirname(scenario->file);

    kn_kubectl_set_workdir(replay.kubectl, workdir);
    kn_kubectl_set_logs(replay.kubectl, container_logs, &replay);
    kn_workloads_set_runner(replay.workloads, run_process, &replay);
    replay.processes = g_ptr_array_new();
    kn_kubectl_set_attach(replay.kubectl, attach_process, &replay);

    for (guint i = 0; i < scenario->nodes->len; i++)
        g_string_append_printf(nodes, "%s%s", i > 0 ? ", " : "",
                               ((KnNodeSpec *) scenario->nodes->pdata[i])->name);
    transcript(&replay, "# scenario %s: %u node%s (%s), proxy mode %s, seed %" G_GUINT64_FORMAT "\n",
               scenario->name, scenario->nodes->len, scenario->nodes->len == 1 ? "" : "s",
               nodes->len > 0 ? nodes->str : "none", kn_proxy_mode_name(scenario->proxy_mode),
               options->seed);
    gboolean ok = apply_manifests(&replay, scenario, error);

    if (ok && !options->validate_only) {
        if (scenario->steps->len > 0)
            kn_sim_schedule_at(replay.sim, 0, &step_class, &replay);
        kn_sim_run_until(replay.sim, options->until);
    }
    if (ok && !options->validate_only)
        explain(&replay, "%s after %" G_GUINT64_FORMAT " events",
            replay.next_step < scenario->steps->len ? "stopped by --until" : "end of the scenario",
            kn_sim_n_events(replay.sim));
    /* What at_end does (trace's request, dns's lookup) happens in the
     * cluster as --until left it: the scenario's later steps stay
     * unplayed while the cluster's own machinery runs on. */
    replay.stopped = TRUE;
    if (ok && options->at_end != NULL) {
        KnReplayState state = { .cluster = replay.cluster, .net = replay.net };

        options->at_end(&state, options->at_end_data);
    }
    report->end = kn_sim_now(replay.sim);
    report->n_events = kn_sim_n_events(replay.sim);

    if (options->capture != NULL)
        kn_capture_attach(options->capture, NULL);
    kn_net_free(replay.net);              /* abandons the processes still running */
    g_ptr_array_unref(replay.processes);
    /* A command or lookup the run ended in the middle of. */
    g_free(replay.exec_namespace);
    if (replay.trace != NULL)
        kn_trace_free(replay.trace);
    if (replay.vars != NULL)
        g_hash_table_unref(replay.vars);
    kn_kubectl_free(replay.kubectl);
    kn_loadbalancer_free(replay.load_balancers);
    kn_endpointslice_sync_free(replay.slices);
    kn_node_lifecycle_free(replay.node_lifecycle);
    kn_daemonset_free(replay.daemon_sets);
    kn_statefulset_free(replay.stateful_sets);
    kn_workloads_free(replay.workloads);
    kn_cluster_free(replay.cluster);
    kn_sim_free(replay.sim);
    return ok;
}
