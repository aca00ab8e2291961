/* kubectl.c -- kubectl's commands against the store.
 *
 * DOC: What each command makes and prints follows kubectl (k8s.io/kubectl
 * pkg/cmd/create/create_deployment.go, expose/expose.go, run/run.go,
 * scale/scale.go, delete/delete.go, label/label.go, rollout/rollout_status.go)
 * and the API server's replies:
 * - `create deployment NAME --image=I [--replicas=N] [--port=P] [-- CMD...]`:
 *   labels and selector app=NAME, one container named after the image (its
 *   last path element without tag or digest), CMD its command; prints
 *   "deployment.apps/NAME created".
 * - `expose deployment|pod|service NAME --port=P [--target-port=T]
 *   [--name=N] [--type=T] [--protocol=TCP]`: a Service with the object's
 *   selector (a pod's labels) and labels; without --port, the first
 *   container port; prints "service/NAME exposed".
 * - `run NAME --image=I [--labels=k=v,...] [--port=P [--expose]] [-- CMD
 *   ARGS]`: a pod labelled run=NAME; prints "pod/NAME created", after
 *   "service/NAME created" with --expose.  With -i (or --attach) it prints
 *   no pod, waits for it to be Running and Ready, prints "If you don't see
 *   a command prompt, try pressing enter." and the container's output
 *   (the attach hook runs CMD there; under -t on the terminal, in order),
 *   then waits for the end the --restart policy makes ("Session ended,
 *   resume using ..." under Always), deletes the pod under --rm ('pod
 *   "NAME" deleted'), and under Never exits with the container's status
 *   after "pod NS/NAME terminated (Error)".
 * - `scale deployment NAME --replicas=N`: "deployment.apps/NAME scaled".
 * - `delete KIND NAME...`: 'service "NAME" deleted'; waits until the object
 *   is gone (--wait defaults to true), which for a pod is its termination.
 * - `label KIND NAME k=v [k-]... [--overwrite]`: "pod/NAME labeled".
 * - `set image TYPE NAME CONTAINER=IMAGE... ('*' for all)` and `set
 *   resources TYPE NAME --requests=... --limits=...` on a workload's pod
 *   template: "deployment.apps/NAME image updated" when it changed.
 * - `patch KIND NAME -p PATCH [--type T]`: "service/NAME patched", or
 *   "patched (no change)"; kubectl-patch.h computes the patched object.
 * - `describe KIND [NAME...] [-l SELECTOR]`: kubectl-describe.h.
 * - `rollout status deployment/NAME`: the "Waiting for deployment ..."
 *   lines as the counts change, then 'deployment "NAME" successfully rolled
 *   out'.
 * - `rollout history|undo [--to-revision=N]|restart deployment/NAME`: the
 *   controller's revision annotations listed, an old template put back
 *   ("rolled back", or "skipped rollback (current template already matches
 *   revision N)"), or a restartedAt template annotation ("restarted").
 * - `exec (POD | TYPE/NAME) [-c C] [-i] [-t] -- COMMAND` (exec.go): the
 *   command runs in the pod (a Deployment's first ready pod) through the
 *   attach hook; its output, then "command terminated with exit code N"
 *   and its status if it failed.
 * - `logs (POD | TYPE/NAME | -l SEL) [-c C] [--tail=N] [--prefix]`: what
 *   the container printed, as the data path kept it (nginx's access log).
 * - `wait --for=condition=C[=S]|delete|create|jsonpath=P[=V] (TYPE/NAME... |
 *   TYPE NAME... | TYPE -l SEL | TYPE --all) [--timeout=30s]` (wait.go): the
 *   objects are chosen as it starts ("no matching resources found" when a
 *   selector finds none yet), then taken in turn, "pod/NAME condition met"
 *   for each; the first still waiting at the timeout ends it with "timed
 *   out waiting for the condition on pods/NAME".
 * - `get TYPE[,TYPE] [NAME...] [-l SEL] [--field-selector F] [--sort-by P]
 *   [-o ...] [-w]` (get.go): a selector lists and takes no names
 *   (resource.Builder); the field selector goes to the server
 *   (field-selector.h), whose BadRequest resource.Selector rewords as
 *   'Unable to find "/v1, Resource=pods" that match label selector "",
 *   field selector "F": ...'; --sort-by (kubectl-print.h) sorts one
 *   table's rows, or the List other outputs print, and with -w only the
 *   first listing, after a warning.
 * Errors print kubectl's text ("error: ...", 'Error from server (NotFound):
 * services "x" not found') and exit 1.  The line is the user's shell's
 * (`bash -c`): a word of 128 KiB or more (Linux's MAX_ARG_STRLEN) or words
 * adding up to more than ARG_MAX (2 MiB under the usual 8 MiB stack) never
 * reach kubectl; execve() fails with E2BIG and bash says so, status 126.
 *
 * Simplified: each command's API round trip takes no simulated time; `run
 * -i` without a command (the image's interactive shell) is not simulated,
 * and `kubectl logs` of a pod reads one log for all its containers.  A
 * watch with a field selector repeats, for an object that stops matching,
 * the row it printed when the object last matched (the watch cache sends
 * that old object as DELETED), AGE included. */

#include <config.h>
#include "models/kubectl.h"

#include "models/apiserver.h"
#include "models/field-selector.h"
#include "models/kubectl-describe.h"
#include "models/kubectl-patch.h"
#include "models/kubectl-print.h"
#include "models/svc-validate.h"
#include "models/scenario-manifest.h"
#include "models/shell.h"

#include <string.h>

#define POLL_PERIOD (100 * KN_MSEC)      /* how often a waiting command looks */
#define WAIT_TIMEOUT (300 * KN_SEC)      /* rollout status and delete give up */

struct KnKubectl {
    KnCluster *cluster;                  /* borrowed */
    KnWorkloads *workloads;              /* borrowed */
    char *workdir;                       /* where relative -f paths start */
    KnKubectlLogs logs;                  /* containers' output, or NULL */
    gpointer logs_data;
    KnKubectlAttach attach;              /* runs a container's process, or NULL */
    gpointer attach_data;
};

/* `run -i`/`--attach`: where kubectl is in following its pod. */
typedef struct {
    char *name;                          /* the pod (and Service, with --expose) */
    gboolean remove, quiet, tty, stdin, expose;
    char *policy;                        /* its restartPolicy */
    enum { ATTACH_WAITING, ATTACH_ATTACHED, ATTACH_EXITED } state;
    int status;                          /* the container's exit status */
    KnTime give_up;                      /* --pod-running-timeout from the start */
} RunAttach;

/* One running command. */
typedef struct {
    KnKubectl *kubectl;
    const char *stdin_text;              /* borrowed; for -f - */
    KnKubectlResult result;
    KnKubectlDone done;
    gpointer user_data;
    /* For commands that wait. */
    gboolean (*poll)(gpointer run);      /* TRUE when finished */
    KnKind kind;
    char *namespace;
    GPtrArray *names;                    /* char *: objects waited for */
    char *last_line;                     /* rollout status: last progress line */
    KnTime deadline;
    /* get --watch */
    GPtrArray *selector;                 /* Requirement, or NULL */
    KnFieldSelector *fields;             /* --field-selector, or NULL */
    GHashTable *shown;                   /* "ns/name" -> its row when it last matched */
    KnKubectlPrintOptions *print;        /* how rows print; owned */
    char *template;                      /* print->template's storage */
    KnTime watch_end;                    /* when the watch stops */
    /* wait */
    struct WaitFor *wait_for;            /* owned */
    RunAttach *attach;                   /* run -i; owned */
} Run;

static void wait_for_free(struct WaitFor *wait_for);

static void
run_free(Run *run)
{
    g_string_free(run->result.out, TRUE);
    g_string_free(run->result.err, TRUE);
    g_free(run->namespace);
    if (run->names != NULL)
        g_ptr_array_unref(run->names);
    g_free(run->last_line);
    if (run->selector != NULL)
        g_ptr_array_unref(run->selector);
    kn_field_selector_free(run->fields);
    if (run->shown != NULL)
        g_hash_table_unref(run->shown);
    g_free(run->print);
    g_free(run->template);
    wait_for_free(run->wait_for);
    if (run->attach != NULL) {
        g_free(run->attach->name);
        g_free(run->attach->policy);
        g_free(run->attach);
    }
    g_free(run);
}

static void on_exited(KnSim *sim, gpointer data);
static void on_poll(KnSim *sim, gpointer data);

static const KnEventClass exit_class = { "kubectl-exit", on_exited, (GDestroyNotify) run_free };
static const KnEventClass poll_class = { "kubectl-poll", on_poll, (GDestroyNotify) run_free };

static void
on_exited(KnSim *sim, gpointer data)
{
    Run *run = data;

    (void) sim;
    run->done(&run->result, run->user_data);
    run_free(run);
}

static void
finish(Run *run)
{
    kn_sim_schedule_in(run->kubectl->cluster->sim, 0, &exit_class, run);
}

static void
on_poll(KnSim *sim, gpointer data)
{
    Run *run = data;

    if (run->poll(run)) {
        on_exited(sim, run);
        return;
    }
    if (kn_sim_now(sim) >= run->deadline) {
        g_string_append(run->result.err, "error: timed out waiting for the condition\n");
        run->result.status = 1;
        on_exited(sim, run);
        return;
    }
    kn_sim_schedule_in(sim, POLL_PERIOD, &poll_class, run);
}

/* Finishes 'run' when 'poll' says so, looking every POLL_PERIOD. */
static void
wait_until(Run *run, gboolean (*poll)(gpointer run))
{
    KnSim *sim = run->kubectl->cluster->sim;

    run->poll = poll;
    run->deadline = kn_sim_now(sim) + WAIT_TIMEOUT;
    kn_sim_schedule_in(sim, 0, &poll_class, run);
}

static void G_GNUC_PRINTF(2, 3)
fail(Run *run, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_string_append_vprintf(run->result.err, format, args);
    va_end(args);
    g_string_append_c(run->result.err, '\n');
    run->result.status = 1;
}

/*****************************************************************************/
/* Words and flags. */

typedef struct {
    const char *long_name;
    char short_name;             /* 0 if none */
    gboolean takes_value;        /* TRUE, or SLICE */
} Flag;

/* A StringSlice flag (pflag): each use adds its values, comma-joined. */
#define SLICE 2

/* Flags every command accepts. */
static const Flag global_flags[] = {
    { "namespace", 'n', TRUE },
    { "all-namespaces", 'A', FALSE },
    { "selector", 'l', TRUE },
    { "output", 'o', TRUE },
    { NULL },
};

typedef struct {
    GPtrArray *args;             /* char *: positional arguments */
    GHashTable *flags;           /* long name -> value ("true" for booleans) */
    GPtrArray *command;          /* char *: words after "--" */
} Args;

static void
args_clear(Args *args)
{
    g_clear_pointer(&args->args, g_ptr_array_unref);
    g_clear_pointer(&args->flags, g_hash_table_unref);
    g_clear_pointer(&args->command, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Args, args_clear)

static const Flag *
find_flag(const Flag *flags, const char *long_name, char short_name)
{
    for (const Flag *tables[] = { flags, global_flags, NULL }, **t = tables; *t != NULL; t++)
        for (const Flag *f = *t; f->long_name != NULL; f++)
            if (long_name != NULL ? strcmp(f->long_name, long_name) == 0 : f->short_name == short_name)
                return f;
    return NULL;
}

/* Parses 'words' (from index 'first') against 'flags'; on an unknown flag
 * prints kubectl's message for 'usage' (e.g. "kubectl scale") and returns
 * FALSE. */
static gboolean
parse_args(Run *run, GStrv words, guint first, const Flag *flags, const char *usage, Args *out)
{
    out->args = g_ptr_array_new_with_free_func(g_free);
    out->flags = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    out->command = g_ptr_array_new_with_free_func(g_free);

    for (guint i = first; words[i] != NULL; i++) {
        const char *w = words[i];

        if (strcmp(w, "--") == 0) {
            for (i++; words[i] != NULL; i++)
                g_ptr_array_add(out->command, g_strdup(words[i]));
            break;
        }
        if (g_str_has_prefix(w, "--")) {
            const char *eq = strchr(w, '=');
            g_autofree char *name = eq != NULL ? g_strndup(w + 2, (gsize) (eq - w - 2)) : g_strdup(w + 2);
            const Flag *f = find_flag(flags, name, 0);

            if (f == NULL) {
                fail(run, "error: unknown flag: --%s\nSee '%s --help' for usage.", name, usage);
                return FALSE;
            }
            if (f->takes_value && eq == NULL && words[i + 1] == NULL) {
                fail(run, "error: flag needs an argument: --%s\nSee '%s --help' for usage.", name, usage);
                return FALSE;
            }
            const char *value = !f->takes_value ? (eq != NULL ? eq + 1 : "true")
                                : eq != NULL ? eq + 1 : words[++i];
            const char *before = g_hash_table_lookup(out->flags, f->long_name);

            g_hash_table_insert(out->flags, (gpointer) f->long_name,
                                f->takes_value == SLICE && before != NULL ? g_strconcat(before, ",", value, NULL)
                                                                          : g_strdup(value));
            continue;
        }
        if (w[0] == '-' && w[1] != '\0') {
            /* Short flags, possibly grouped (-it) or with a value (-nkube-system). */
            for (const char *c = w + 1; *c != '\0'; c++) {
                const Flag *f = find_flag(flags, NULL, *c);

                if (f == NULL) {
                    fail(run, "error: unknown shorthand flag: '%c' in %s\nSee '%s --help' for usage.",
                         *c, w, usage);
                    return FALSE;
                }
                if (!f->takes_value) {
                    g_hash_table_insert(out->flags, (gpointer) f->long_name, g_strdup("true"));
                    continue;
                }
                if (c[1] == '\0' && words[i + 1] == NULL) {
                    fail(run, "error: flag needs an argument: '%c' in -%c\nSee '%s --help' for usage.",
                         *c, *c, usage);
                    return FALSE;
                }
                g_hash_table_insert(out->flags, (gpointer) f->long_name,
                                    g_strdup(c[1] != '\0' ? (c[1] == '=' ? c + 2 : c + 1) : words[++i]));
                break;
            }
            continue;
        }
        g_ptr_array_add(out->args, g_strdup(w));
    }
    return TRUE;
}

static const char *
flag(const Args *args, const char *name)
{
    return g_hash_table_lookup(args->flags, name);
}

static gboolean
flag_on(const Args *args, const char *name)
{
    const char *value = flag(args, name);

    return value != NULL && strcmp(value, "false") != 0;
}

static const char *
namespace_of(const Args *args)
{
    const char *ns = flag(args, "namespace");

    return ns != NULL ? ns : "default";
}

/* Parses an integer flag; prints kubectl's message on a bad value. */
static gboolean
int_flag(Run *run, const Args *args, const char *name, guint64 max, guint64 *out)
{
    const char *text = flag(args, name);

    if (text == NULL)
        return TRUE;
    if (!g_ascii_string_to_unsigned(text, 10, 0, max, out, NULL)) {
        fail(run, "error: invalid argument \"%s\" for \"--%s\" flag: strconv.ParseInt: parsing \"%s\": invalid syntax",
             text, name, text);
        return FALSE;
    }
    return TRUE;
}

/*****************************************************************************/
/* Resources. */

static const struct {
    const char *names;           /* aliases, space-separated */
    KnKind kind;
} resources[] = {
    { "pods pod po", KN_KIND_POD },
    { "services service svc", KN_KIND_SERVICE },
    { "deployments deployment deploy deployments.apps deployment.apps", KN_KIND_DEPLOYMENT },
    { "replicasets replicaset rs replicasets.apps", KN_KIND_REPLICA_SET },
    { "statefulsets statefulset sts statefulsets.apps", KN_KIND_STATEFUL_SET },
    { "daemonsets daemonset ds daemonsets.apps", KN_KIND_DAEMON_SET },
    { "endpointslices endpointslice endpointslices.discovery.k8s.io", KN_KIND_ENDPOINT_SLICE },
    { "endpoints ep", KN_KIND_ENDPOINTS },
    { "nodes node no", KN_KIND_NODE },
    { "namespaces namespace ns", KN_KIND_NAMESPACE },
    { "configmaps configmap cm", KN_KIND_CONFIG_MAP },
    { "events event ev", KN_KIND_EVENT },
};

static gboolean
resource_lookup(const char *name, KnKind *kind)
{
    for (guint i = 0; i < G_N_ELEMENTS(resources); i++) {
        g_auto(GStrv) aliases = g_strsplit(resources[i].names, " ", -1);

        if (g_strv_contains((const char *const *) aliases, name)) {
            *kind = resources[i].kind;
            return TRUE;
        }
    }
    return FALSE;
}

/* "deployment.apps", "service", "pod": the singular kubectl prints. */
static const char *
singular(KnKind kind)
{
    static const char *const names[KN_N_KINDS] = {
        [KN_KIND_NAMESPACE] = "namespace", [KN_KIND_NODE] = "node", [KN_KIND_POD] = "pod",
        [KN_KIND_DEPLOYMENT] = "deployment.apps", [KN_KIND_REPLICA_SET] = "replicaset.apps",
        [KN_KIND_STATEFUL_SET] = "statefulset.apps", [KN_KIND_DAEMON_SET] = "daemonset.apps",
        [KN_KIND_SERVICE] = "service", [KN_KIND_ENDPOINT_SLICE] = "endpointslice.discovery.k8s.io",
        [KN_KIND_ENDPOINTS] = "endpoints", [KN_KIND_CONFIG_MAP] = "configmap", [KN_KIND_EVENT] = "event",
    };

    return names[kind];
}

static gboolean
namespaced(KnKind kind)
{
    return kind != KN_KIND_NODE && kind != KN_KIND_NAMESPACE;
}

/* Prints an API server error as kubectl does. */
/* The API server's apiserver.h messages for an Invalid error read
 * 'Deployment.apps "web" is invalid: BODY', BODY one cause or "\n* A\n* B"
 * (kubectl's multi-line form).  The real Status carries the kind without
 * its group in its details and the causes one by one, and its message
 * (NewInvalid) has the kind with its group and the causes as ToAggregate
 * joins them: '[A, B]'.  These give each back.  New, or NULL when
 * 'message' is not of that form. */
static char *
invalid_details(const char *message)
{
    const char *quote = strstr(message, " \"");
    const char *dot = strchr(message, '.');

    if (strstr(message, " is invalid: ") == NULL || quote == NULL)
        return NULL;
    if (dot == NULL || dot > quote)
        return g_strdup(message);

    g_autofree char *kind = g_strndup(message, (gsize) (dot - message));

    return g_strconcat(kind, quote, NULL);
}

static char *
invalid_status_message(const char *message)
{
    const char *body = strstr(message, " is invalid: ");
    g_autoptr(GString) out = NULL;

    if (body == NULL)
        return NULL;
    body += strlen(" is invalid: ");
    if (!g_str_has_prefix(body, "\n* "))
        return g_strdup(message);
    out = g_string_new_len(message, body - message);

    g_auto(GStrv) lines = g_strsplit(body + strlen("\n* "), "\n* ", -1);

    g_string_append_c(out, '[');
    for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf(out, "%s%s", i > 0 ? ", " : "", lines[i]);
    g_string_append_c(out, ']');
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
server_error(Run *run, const GError *error)
{
    g_autofree char *details = invalid_details(error->message);

    if (details != NULL)
        fail(run, "The %s", details);
    else if (g_str_has_suffix(error->message, "already exists"))
        fail(run, "Error from server (AlreadyExists): %s", error->message);
    else
        fail(run, "Error from server: %s", error->message);
}

/* The reason of the Status the API server answers 'error' with:
 * NewInternalError's message starts "Internal error occurred: ". */
static const char *
status_reason(const GError *error)
{
    if (g_str_has_suffix(error->message, "already exists"))
        return "AlreadyExists";
    if (g_str_has_prefix(error->message, "Internal error occurred: "))
        return "InternalError";
    return "Invalid";
}

static void
not_found(Run *run, KnKind kind, const char *name)
{
    fail(run, "Error from server (NotFound): %s \"%s\" not found", kn_store_resource_name(kind), name);
}

/* Splits "deployment/web" or the pair ("deployment", "web"). */
static gboolean
resource_and_name(Run *run, const Args *args, guint *next, KnKind *kind, char **name)
{
    const char *first = args->args->len > *next ? args->args->pdata[*next] : NULL;
    const char *slash = first != NULL ? strchr(first, '/') : NULL;
    g_autofree char *type = NULL;

    if (first == NULL) {
        fail(run, "error: you must provide one or more resources by argument or filename");
        return FALSE;
    }
    type = slash != NULL ? g_strndup(first, (gsize) (slash - first)) : g_strdup(first);
    if (!resource_lookup(type, kind)) {
        fail(run, "error: the server doesn't have a resource type \"%s\"", type);
        return FALSE;
    }
    (*next)++;
    if (slash != NULL) {
        *name = g_strdup(slash + 1);
    } else if (args->args->len > *next) {
        *name = g_strdup(args->args->pdata[(*next)++]);
    } else {
        fail(run, "error: resource(s) were provided, but no name was specified");
        return FALSE;
    }
    return TRUE;
}

/* The container name kubectl derives from an image: its last path element
 * without tag or digest (create_deployment.go buildPodSpec). */
static char *
container_name(const char *image)
{
    const char *base = strrchr(image, '/');
    const char *start = base != NULL ? base + 1 : image;
    gsize len = strcspn(start, ":@");

    return g_strndup(start, len);
}

/*****************************************************************************/
/* Mutating commands. */

/* --dry-run (cmdutil.GetDryRunStrategy): "client" sends nothing to the
 * server and prints the object kubectl built (-o yaml, -o name) or
 * announces it with "(dry run)"; "server" is not modelled.  TRUE if the
 * command ends here; 'object' is then freed. */
static gboolean
dry_run(Run *run, const Args *args, KnKind kind, gpointer object, const char *verb, gboolean typed)
{
    const char *mode = flag(args, "dry-run");
    const char *output = flag(args, "output");
    KnObjectMeta *meta = kn_object_meta(object);
    const char *name = meta->name;
    KnKubectlClientOptions options = { typed, flag(args, "restart"), flag_on(args, "command") };

    if (mode == NULL || strcmp(mode, "none") == 0)
        return FALSE;
    if (strcmp(mode, "server") == 0) {
        g_string_append(run->result.err, "knetsim: --dry-run=server is not simulated\n");
        run->result.status = 126;
    } else if (strcmp(mode, "client") != 0) {
        fail(run, "error: Invalid dry-run value (%s). Must be \"none\", \"server\", or \"client\".", mode);
    } else if (output == NULL) {
        g_string_append_printf(run->result.out, "%s/%s %s (dry run)\n", singular(kind), name, verb);
    } else if (strcmp(output, "name") == 0) {
        g_string_append_printf(run->result.out, "%s/%s\n", singular(kind), name);
    } else if (strcmp(output, "yaml") == 0) {
        /* The namespace only when -n said it (EnforceNamespace). */
        if (flag(args, "namespace") == NULL)
            g_clear_pointer(&meta->namespace, g_free);
        kn_kubectl_print_client_object(kind, object, &options, run->result.out);
    } else {
        g_string_append_printf(run->result.err, "knetsim: -o %s with --dry-run is not simulated\n", output);
        run->result.status = 126;
    }
    kn_object_free(kind, object);
    return TRUE;
}

static void
created(Run *run, KnKind kind, gpointer object)
{
    KnObjectMeta *meta = kn_object_meta(object);
    g_autofree char *name = g_strdup(meta->name);
    /* create_service.go: "failed to create ClusterIP service: ..." (the
     * object is gone once the server refused it). */
    const char *type = kind == KN_KIND_SERVICE ? kn_service_type_name(((KnService *) object)->spec.type) : "";
    g_autoptr(GError) error = NULL;

    if (!kn_apiserver_create(run->kubectl->cluster, kind, object, &error)) {
        /* `create deployment` wraps the server's error; `run` prints it as is. */
        g_autofree char *status = invalid_status_message(error->message);

        if (kind == KN_KIND_POD)
            server_error(run, error);
        else
            fail(run, "error: failed to create %s%s: %s", type,
                 kind == KN_KIND_DEPLOYMENT ? "deployment" : kind == KN_KIND_SERVICE ? " service" : singular(kind),
                 status != NULL ? status : error->message);
        return;
    }
    g_string_append_printf(run->result.out, "%s/%s created\n", singular(kind), name);
}

static void
cmd_create_deployment(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "image", 0, TRUE }, { "replicas", 'r', TRUE }, { "port", 0, TRUE }, { "dry-run", 0, TRUE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    guint64 replicas = 1, port = 0;

    if (!parse_args(run, words, 2, flags, "kubectl create deployment", &args)
        || !int_flag(run, &args, "replicas", G_MAXINT32, &replicas)
        || !int_flag(run, &args, "port", 65535, &port))
        return;
    if (args.args->len != 1) {
        fail(run, "error: exactly one NAME is required, got %u\nSee 'kubectl create deployment -h' for help and examples",
             args.args->len);
        return;
    }
    if (flag(&args, "image") == NULL) {
        fail(run, "error: required flag(s) \"image\" not set");
        return;
    }

    const char *name = args.args->pdata[0];
    KnDeployment *d = kn_deployment_new();
    KnContainer *c = kn_container_new();

    d->meta.namespace = g_strdup(namespace_of(&args));
    d->meta.name = g_strdup(name);
    kn_labels_set(d->meta.labels, "app", name);
    kn_labels_set(d->selector, "app", name);
    kn_labels_set(d->template.labels, "app", name);
    d->replicas = (guint) replicas;
    c->image = g_strdup(flag(&args, "image"));
    c->name = container_name(c->image);
    /* create_deployment.go: the words after "--" are the container's
     * command (not args, as kubectl run makes them). */
    for (guint i = 0; i < args.command->len; i++)
        g_ptr_array_add(c->command, g_strdup(args.command->pdata[i]));
    c->n_command = args.command->len;
    if (port > 0) {
        KnContainerPort *p = kn_container_port_new();

        p->container_port = (guint) port;
        g_ptr_array_add(c->ports, p);
    }
    g_ptr_array_add(d->template.spec.containers, c);
    if (!dry_run(run, &args, KN_KIND_DEPLOYMENT, d, "created", FALSE))
        created(run, KN_KIND_DEPLOYMENT, d);
}

/* create service clusterip|nodeport|loadbalancer|externalname NAME: a
 * Service selecting app=NAME, its ports from --tcp=PORT[:TARGET], each named
 * "PORT-TARGET" (create_service.go). */
static void
cmd_create_service(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "tcp", 0, SLICE }, { "clusterip", 0, TRUE }, { "node-port", 0, TRUE }, { "external-name", 0, TRUE },
        { "dry-run", 0, TRUE }, { NULL },
    };
    static const struct { const char *name; KnServiceType type; } types[] = {
        { "clusterip", KN_SERVICE_CLUSTER_IP }, { "nodeport", KN_SERVICE_NODE_PORT },
        { "loadbalancer", KN_SERVICE_LOAD_BALANCER }, { "externalname", KN_SERVICE_EXTERNAL_NAME },
    };
    g_auto(Args) args = { 0 };
    guint t;
    guint64 node_port = 0;

    for (t = 0; t < G_N_ELEMENTS(types) && g_strcmp0(words[2], types[t].name) != 0; t++)
        ;
    if (t == G_N_ELEMENTS(types)) {
        fail(run, "error: unknown command \"%s\" for \"kubectl create service\"", words[2] != NULL ? words[2] : "");
        return;
    }
    g_autofree char *usage = g_strdup_printf("kubectl create service %s", types[t].name);

    if (!parse_args(run, words, 3, flags, usage, &args) || !int_flag(run, &args, "node-port", 65535, &node_port))
        return;
    if (args.args->len != 1) {
        fail(run, "error: exactly one NAME is required, got %u\nSee '%s -h' for help and examples", args.args->len, usage);
        return;
    }
    if (types[t].type == KN_SERVICE_EXTERNAL_NAME && flag(&args, "external-name") == NULL) {
        fail(run, "error: required flag(s) \"external-name\" not set");
        return;
    }
    if (types[t].type != KN_SERVICE_EXTERNAL_NAME && flag(&args, "tcp") == NULL
        && g_strcmp0(flag(&args, "clusterip"), "None") != 0) {
        fail(run, "error: at least one tcp port specifier must be provided");
        return;
    }

    /* create_service.go Validate(). */
    if (g_strcmp0(flag(&args, "clusterip"), "None") == 0 && types[t].type != KN_SERVICE_CLUSTER_IP) {
        fail(run, "error: ClusterIP=None can only be used with ClusterIP service type");
        return;
    }
    if (types[t].type == KN_SERVICE_EXTERNAL_NAME && !kn_svc_validate_is_dns1123_subdomain(flag(&args, "external-name"))) {
        fail(run, "error: invalid service external name %s", flag(&args, "external-name"));
        return;
    }

    const char *name = args.args->pdata[0];
    KnService *service = kn_service_new();
    g_auto(GStrv) specs = g_strsplit(flag(&args, "tcp") != NULL ? flag(&args, "tcp") : "", ",", -1);

    service->meta.namespace = g_strdup(namespace_of(&args));
    service->meta.name = g_strdup(name);
    kn_labels_set(service->meta.labels, "app", name);
    service->spec.type = types[t].type;
    service->spec.selector = kn_labels_new();   /* app=NAME, an ExternalName's too */
    kn_labels_set(service->spec.selector, "app", name);
    if (types[t].type == KN_SERVICE_EXTERNAL_NAME)
        service->spec.external_name = g_strdup(flag(&args, "external-name"));
    if (flag(&args, "clusterip") != NULL && flag(&args, "clusterip")[0] != '\0')
        service->spec.cluster_ip = g_strdup(flag(&args, "clusterip"));
    /* buildServicePorts and parsePorts: PORT[:TARGET], the target a
     * number (1-65535) or a port name; the port named after the spec with
     * ':' made '-'. */
    for (guint i = 0; specs[i] != NULL && specs[i][0] != '\0'; i++) {
        g_auto(GStrv) pair = g_strsplit(specs[i], ":", 2);
        KnServicePort *port;
        guint64 number = 0, target = 0;
        g_autofree char *problem = NULL;

        if (!g_ascii_string_to_unsigned(pair[0], 10, 0, 65535, &number, NULL))
            problem = g_strdup_printf("invalid port specifier: %s", specs[i]);
        else if (pair[1] != NULL && g_ascii_isdigit(pair[1][0])
                 && (!g_ascii_string_to_unsigned(pair[1], 10, 0, G_MAXINT32, &target, NULL) || target < 1
                     || target > 65535))
            problem = g_strdup("must be between 1 and 65535, inclusive");
        else if (pair[1] != NULL && !g_ascii_isdigit(pair[1][0]))
            problem = kn_svc_validate_port_name(pair[1]);
        if (problem != NULL) {
            kn_object_free(KN_KIND_SERVICE, service);
            fail(run, "error: %s", problem);
            return;
        }
        port = kn_service_port_new();
        port->port = (guint) number;
        if (pair[1] != NULL && !g_ascii_isdigit(pair[1][0]))
            kn_int_or_string_set_string(&port->target_port, pair[1]);
        else
            kn_int_or_string_set_number(&port->target_port, (guint) (pair[1] != NULL ? target : number));
        port->name = g_strdelimit(g_strdup(specs[i]), ":", '-');
        port->node_port = (guint) node_port;
        g_ptr_array_add(service->spec.ports, port);
    }
    if (!dry_run(run, &args, KN_KIND_SERVICE, service, "created", TRUE))
        created(run, KN_KIND_SERVICE, service);
}

const KnPod *
kn_kubectl_exec_pod(KnStore *store, const char *namespace, const char *name)
{
    const char *slash = strchr(name, '/');
    g_autofree char *kind = slash != NULL ? g_strndup(name, slash - name) : NULL;
    const KnDeployment *deployment;

    if (kind == NULL || strcmp(kind, "pod") == 0 || strcmp(kind, "pods") == 0 || strcmp(kind, "po") == 0)
        return kn_store_lookup(store, KN_KIND_POD, namespace, slash != NULL ? slash + 1 : name);
    if (strcmp(kind, "deployment") != 0 && strcmp(kind, "deploy") != 0 && strcmp(kind, "deployments") != 0)
        return NULL;
    deployment = kn_store_lookup(store, KN_KIND_DEPLOYMENT, namespace, slash + 1);
    if (deployment == NULL)
        return NULL;

    g_autoptr(GPtrArray) pods = kn_store_list(store, KN_KIND_POD, namespace);
    const KnPod *running = NULL;

    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];

        if (pod->meta.deleting || !kn_labels_match(pod->meta.labels, deployment->selector))
            continue;
        if (pod->ready)
            return pod;
        if (running == NULL && pod->started)
            running = pod;
    }
    return running;
}

/* exec POD [-c C] [-i] [-t] -- COMMAND (exec.go): the command's output and
 * exit status; a failure is "command terminated with exit code N". */
static void
on_exec_done(const char *out, const char *err, int status, gpointer done_data)
{
    Run *run = done_data;

    g_string_append(run->result.out, out);
    g_string_append(run->result.err, err);
    if (status != 0) {
        g_string_append_printf(run->result.err, "command terminated with exit code %d\n", status);
        run->result.status = status;
    }
    run->attach->state = ATTACH_EXITED;
}

static gboolean
poll_exec(gpointer data)
{
    Run *run = data;

    return run->attach->state == ATTACH_EXITED;
}

static void
cmd_exec(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "container", 'c', TRUE }, { "stdin", 'i', FALSE }, { "tty", 't', FALSE }, { "quiet", 'q', FALSE },
        { NULL },
    };
    g_auto(Args) args = { 0 };
    KnStore *store = run->kubectl->cluster->store;
    const KnPod *pod;
    const KnContainer *c = NULL;
    const char *name, *container, *ns;

    if (!parse_args(run, words, 1, flags, "kubectl exec", &args))
        return;
    if (args.args->len == 0) {
        fail(run, "error: expected 'exec (POD | TYPE/NAME) -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required "
             "argument for the exec command\nSee 'kubectl exec -h' for help and examples");
        return;
    }
    if (args.args->len > 1) {
        fail(run, "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
             "See 'kubectl exec -h' for help and examples");
        return;
    }
    if (args.command->len == 0) {
        fail(run, "error: you must specify at least one command for the container");
        return;
    }
    name = args.args->pdata[0];
    ns = namespace_of(&args);
    pod = kn_kubectl_exec_pod(store, ns, name);
    if (pod == NULL) {
        const char *slash = strchr(name, '/');

        if (slash != NULL && kn_store_lookup(store, KN_KIND_DEPLOYMENT, ns, slash + 1) != NULL)
            fail(run, "error: cannot exec into %s: no running pods", name);
        else if (slash != NULL && strncmp(name, "po", 2) != 0)
            fail(run, "Error from server (NotFound): deployments.apps \"%s\" not found", slash + 1);
        else
            fail(run, "Error from server (NotFound): pods \"%s\" not found", slash != NULL ? slash + 1 : name);
        return;
    }
    if (pod->phase == KN_POD_SUCCEEDED || pod->phase == KN_POD_FAILED) {
        fail(run, "error: cannot exec into a container in a completed pod; current phase is %s",
             kn_pod_phase_name(pod->phase));
        return;
    }
    container = flag(&args, "container");
    for (guint i = 0; i < pod->spec.containers->len; i++) {
        const KnContainer *each = pod->spec.containers->pdata[i];

        if (container == NULL || strcmp(each->name, container) == 0) {
            c = each;
            break;
        }
    }
    if (c == NULL) {
        fail(run, "Error from server (BadRequest): container %s is not valid for pod %s", container, pod->meta.name);
        return;
    }
    if (!pod->started) {
        fail(run, "error: unable to upgrade connection: container not found (\"%s\")", c->name);
        return;
    }
    if (run->kubectl->attach == NULL) {
        g_string_append(run->result.err, "knetsim: kubectl exec without a data path is not simulated\n");
        run->result.status = 126;
        return;
    }
    run->attach = g_new0(RunAttach, 1);
    run->attach->name = g_strdup(pod->meta.name);
    run->attach->state = ATTACH_ATTACHED;
    g_ptr_array_add(args.command, NULL);
    run->kubectl->attach(pod, c, (const char *const *) args.command->pdata, flag_on(&args, "tty"), on_exec_done,
                         run, run->kubectl->attach_data);
    wait_until(run, poll_exec);
    run->deadline = KN_TIME_MAX;
}

/* --rm: the deferred removeCreatedObjects, the pod then the Service, each
 * printed as delete prints it unless --quiet. */
static void
remove_created(Run *run)
{
    RunAttach *a = run->attach;
    KnStore *store = run->kubectl->cluster->store;
    KnPod *pod = kn_store_lookup(store, KN_KIND_POD, run->namespace, a->name);

    if (pod != NULL) {
        if (!a->quiet)
            g_string_append_printf(run->result.out, "pod \"%s\" deleted\n", a->name);
        kn_workloads_delete_pod(run->kubectl->workloads, pod);
    }
    if (a->expose && kn_store_lookup(store, KN_KIND_SERVICE, run->namespace, a->name) != NULL) {
        if (!a->quiet)
            g_string_append_printf(run->result.out, "service \"%s\" deleted\n", a->name);
        kn_apiserver_delete(run->kubectl->cluster, KN_KIND_SERVICE, run->namespace, a->name);
    }
}

/* What kubectl prints of its own while attached: to the terminal, in order
 * with the container's output, under -t; else to its standard error. */
static GString *
attach_messages(Run *run)
{
    return run->attach->tty ? run->result.out : run->result.err;
}

static void
on_attach_done(const char *out, const char *err, int status, gpointer done_data)
{
    Run *run = done_data;
    RunAttach *a = run->attach;
    KnPod *pod = kn_store_lookup(run->kubectl->cluster->store, KN_KIND_POD, run->namespace, a->name);

    g_string_append(run->result.out, out);
    g_string_append(run->result.err, err);
    a->status = status;
    a->state = ATTACH_EXITED;
    if (pod != NULL)
        kn_workloads_container_exited(run->kubectl->workloads, pod, 0, status);
    /* reattachMessage: only a container that comes back (Always). */
    if (!a->quiet && a->stdin && a->tty && strcmp(a->policy, "Always") == 0)
        g_string_append_printf(run->result.out, "Session ended, resume using 'kubectl attach %s -c %s -i -t' "
                               "command when the pod is running\n", a->name, a->name);
}

/* --pod-running-timeout is over: what was made goes (--rm), then the
 * error.  TRUE. */
static gboolean
give_up_attached(Run *run)
{
    if (run->attach->remove)
        remove_created(run);
    fail(run, "error: timed out waiting for the condition");
    return TRUE;
}

/* The poll of `run -i` (RunOptions.Run): wait for the pod to be Running
 * and Ready, attach, then wait for its end as the restart policy has it
 * (Never: completed; OnFailure: succeeded, until --pod-running-timeout;
 * Always: not at all), remove what it made under --rm, and exit with the
 * container's status. */
static gboolean
poll_attach(gpointer data)
{
    Run *run = data;
    RunAttach *a = run->attach;
    KnKubectl *kubectl = run->kubectl;
    KnTime now = kn_sim_now(kubectl->cluster->sim);
    KnPod *pod = kn_store_lookup(kubectl->cluster->store, KN_KIND_POD, run->namespace, a->name);

    switch (a->state) {
    case ATTACH_WAITING:
        if (pod == NULL) {
            if (a->remove)
                remove_created(run);
            fail(run, "Error from server (NotFound): pods \"%s\" not found", a->name);
            return TRUE;
        }
        if (pod->phase != KN_POD_RUNNING || !pod->ready)
            return now >= a->give_up && give_up_attached(run);

        const KnContainer *c = pod->spec.containers->pdata[0];

        if (c->command->len == 0 || kubectl->attach == NULL) {
            /* The image's own process (an interactive shell) reads the
             * terminal, which a scenario has none of. */
            g_string_append(run->result.err, "knetsim: an interactive session in the container is not simulated\n");
            run->result.status = 126;
            if (a->remove)
                remove_created(run);
            return TRUE;
        }
        if (!a->quiet)
            g_string_append(attach_messages(run), "If you don't see a command prompt, try pressing enter.\n");
        a->state = ATTACH_ATTACHED;
        g_ptr_array_add(c->command, NULL);
        kubectl->attach(pod, c, (const char *const *) c->command->pdata, a->tty, on_attach_done, run,
                        kubectl->attach_data);
        g_ptr_array_set_size(c->command, c->command->len - 1);
        return FALSE;
    case ATTACH_ATTACHED:
        return FALSE;
    case ATTACH_EXITED:
        break;
    }
    /* OnFailure: a failing command never succeeds, and waitForPod gives up. */
    if (strcmp(a->policy, "OnFailure") == 0 && a->status != 0)
        return now >= a->give_up && give_up_attached(run);
    if (a->remove)
        remove_created(run);
    if (strcmp(a->policy, "Never") == 0 && a->status != 0) {
        g_string_append_printf(run->result.err, "pod %s/%s terminated (Error)\n", run->namespace, a->name);
        run->result.status = a->status;
    }
    return TRUE;
}

/* Creates 'pod' (and 'service', with --expose), printing neither, and
 * follows the pod as poll_attach() says.  Takes both. */
static void
run_attached(Run *run, KnPod *pod, KnService *service)
{
    g_autoptr(GError) error = NULL;

    if (!kn_apiserver_create(run->kubectl->cluster, KN_KIND_POD, pod, &error)) {
        server_error(run, error);
        if (service != NULL)
            kn_object_free(KN_KIND_SERVICE, service);
        return;
    }
    if (service != NULL && !kn_apiserver_create(run->kubectl->cluster, KN_KIND_SERVICE, service, &error)) {
        server_error(run, error);
        run->attach->expose = FALSE;
    } else if (service != NULL) {
        g_string_append_printf(run->result.out, "service/%s created\n", run->attach->name);
    }
    wait_until(run, poll_attach);
    run->deadline = KN_TIME_MAX;         /* poll_attach keeps its own */
}

static void
cmd_run(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "image", 0, TRUE }, { "labels", 'L', TRUE }, { "port", 0, TRUE }, { "restart", 0, TRUE },
        { "rm", 0, FALSE }, { "stdin", 'i', FALSE }, { "tty", 't', FALSE }, { "command", 0, FALSE },
        { "env", 0, TRUE }, { "dry-run", 0, TRUE }, { "expose", 0, FALSE }, { "attach", 0, FALSE },
        { "quiet", 'q', FALSE }, { "pod-running-timeout", 0, TRUE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    guint64 port = 0;
    gboolean expose, interactive, attach;
    const char *restart;
    KnTime running_timeout = 60 * KN_SEC;

    if (!parse_args(run, words, 1, flags, "kubectl run", &args) || !int_flag(run, &args, "port", 65535, &port))
        return;
    expose = flag_on(&args, "expose");
    interactive = flag_on(&args, "stdin");
    /* An explicit --attach wins; else -i attaches. */
    attach = flag(&args, "attach") != NULL ? flag_on(&args, "attach") : interactive;
    restart = flag(&args, "restart") != NULL ? flag(&args, "restart") : "Always";
    if (flag(&args, "pod-running-timeout") != NULL
        && !kn_time_parse(flag(&args, "pod-running-timeout"), &running_timeout, NULL)) {
        fail(run, "error: invalid argument \"%s\" for \"--pod-running-timeout\" flag: time: invalid duration "
             "\"%s\"", flag(&args, "pod-running-timeout"), flag(&args, "pod-running-timeout"));
        return;
    }
    if (args.args->len < 1) {
        fail(run, "error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
        return;
    }
    if (flag(&args, "image") == NULL) {
        fail(run, "error: required flag(s) \"image\" not set");
        return;
    }
    /* RunOptions.Validate, in its order. */
    if (flag_on(&args, "tty") && !interactive) {
        fail(run, "error: -i/--stdin is required for containers with -t/--tty=true");
        return;
    }
    if (expose && flag(&args, "port") == NULL) {
        fail(run, "error: --port must be set when exposing a service");
        return;
    }
    if (*restart == '\0')
        restart = interactive ? "OnFailure" : "Always";
    if (strcmp(restart, "Always") != 0 && strcmp(restart, "OnFailure") != 0 && strcmp(restart, "Never") != 0) {
        fail(run, "error: invalid restart policy: %s", restart);
        return;
    }
    if (!attach && flag_on(&args, "rm")) {
        fail(run, "error: --rm should only be used for attached containers");
        return;
    }
    if (attach && flag(&args, "dry-run") != NULL && strcmp(flag(&args, "dry-run"), "none") != 0) {
        fail(run, "error: --dry-run=[server|client] can't be used with attached containers options "
             "(--attach, --stdin, or --tty)");
        return;
    }

    const char *name = args.args->pdata[0];
    KnPod *pod = kn_pod_new();
    KnContainer *c = kn_container_new();
    const char *labels = flag(&args, "labels");

    pod->meta.namespace = g_strdup(namespace_of(&args));
    pod->meta.name = g_strdup(name);
    if (labels != NULL) {
        /* generate.ParseLabels: each "k=v", the key not empty. */
        g_auto(GStrv) pairs = g_strsplit(labels, ",", -1);

        for (guint i = 0; pairs[i] != NULL; i++) {
            g_auto(GStrv) kv = g_strsplit(pairs[i], "=", -1);

            if (g_strv_length(kv) != 2 || kv[0][0] == '\0') {
                if (g_strv_length(kv) != 2)
                    fail(run, "error: unexpected label spec: %s", pairs[i]);
                else
                    fail(run, "error: unexpected empty label key");
                g_ptr_array_add(pod->spec.containers, c);    /* freed with it */
                kn_object_free(KN_KIND_POD, pod);
                return;
            }
            kn_labels_set(pod->meta.labels, kv[0], kv[1]);
        }
    } else {
        kn_labels_set(pod->meta.labels, "run", name);
    }
    c->name = g_strdup(name);
    c->image = g_strdup(flag(&args, "image"));
    for (guint i = 0; i < args.command->len; i++)
        g_ptr_array_add(c->command, g_strdup(args.command->pdata[i]));
    /* run.go: the words are args unless --command; -i sets stdin and
     * stdinOnce (no --leave-stdin-open here), -t tty. */
    c->n_command = flag_on(&args, "command") ? args.command->len : 0;
    c->stdin = c->stdin_once = interactive;
    c->tty = flag_on(&args, "tty");
    c->attached = attach;
    if (port > 0) {
        KnContainerPort *p = kn_container_port_new();

        p->container_port = (guint) port;
        g_ptr_array_add(c->ports, p);
    }
    g_ptr_array_add(pod->spec.containers, c);
    if (flag(&args, "restart") != NULL)
        pod->spec.restart_policy = g_strdup(restart);
    if (attach) {
        RunAttach *a = g_new0(RunAttach, 1);

        *a = (RunAttach) { .name = g_strdup(name), .remove = flag_on(&args, "rm"), .quiet = flag_on(&args, "quiet"),
                           .tty = flag_on(&args, "tty"), .stdin = interactive, .expose = expose,
                           .policy = g_strdup(restart),
                           .give_up = kn_sim_now(run->kubectl->cluster->sim) + running_timeout };
        run->attach = a;
        run->namespace = g_strdup(pod->meta.namespace);
    }
    if (!expose) {
        if (attach)
            run_attached(run, pod, NULL);
        else if (!dry_run(run, &args, KN_KIND_POD, pod, "created", FALSE))
            created(run, KN_KIND_POD, pod);
        return;
    }

    /* --expose (run.go): the pod is created first, then generateService
     * makes a ClusterIP Service (service/v2: selector --labels or
     * run=NAME, labels only from --labels, one unnamed port, targetPort
     * the same) and prints it; the pod is printed last. */
    KnService *service = kn_service_new();
    KnServicePort *sp = kn_service_port_new();
    g_autofree char *pod_name = g_strdup(name);
    g_autoptr(GError) error = NULL;

    service->meta.namespace = g_strdup(pod->meta.namespace);
    service->meta.name = g_strdup(name);
    if (labels != NULL) {
        kn_labels_free(service->meta.labels);
        service->meta.labels = kn_labels_copy(pod->meta.labels);
    }
    service->spec.selector = kn_labels_copy(pod->meta.labels);
    sp->port = (guint) port;
    kn_int_or_string_set_number(&sp->target_port, (guint) port);
    g_ptr_array_add(service->spec.ports, sp);
    if (flag(&args, "dry-run") != NULL && strcmp(flag(&args, "dry-run"), "none") != 0) {
        const char *output = flag(&args, "output");

        if (output != NULL && strcmp(output, "name") != 0) {
            g_string_append_printf(run->result.err, "knetsim: -o %s with --expose and --dry-run is not simulated\n",
                                   output);
            run->result.status = 126;
            kn_object_free(KN_KIND_SERVICE, service);
            kn_object_free(KN_KIND_POD, pod);
            return;
        }
        dry_run(run, &args, KN_KIND_SERVICE, service, "created", FALSE);
        if (run->result.status == 0)
            dry_run(run, &args, KN_KIND_POD, pod, "created", FALSE);
        else
            kn_object_free(KN_KIND_POD, pod);
        return;
    }
    if (attach) {
        run_attached(run, pod, service);
        return;
    }
    if (!kn_apiserver_create(run->kubectl->cluster, KN_KIND_POD, pod, &error)) {
        server_error(run, error);
        kn_object_free(KN_KIND_SERVICE, service);
        return;
    }
    /* A refused Service leaves the pod, printed, then the error. */
    if (kn_apiserver_create(run->kubectl->cluster, KN_KIND_SERVICE, service, &error))
        g_string_append_printf(run->result.out, "service/%s created\n", pod_name);
    g_string_append_printf(run->result.out, "pod/%s created\n", pod_name);
    if (error != NULL)
        server_error(run, error);
}

static void
cmd_expose(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "port", 0, TRUE }, { "target-port", 0, TRUE }, { "name", 0, TRUE }, { "type", 0, TRUE },
        { "protocol", 0, TRUE }, { "cluster-ip", 0, TRUE }, { "selector", 0, TRUE }, { "dry-run", 0, TRUE },
        { "external-ip", 0, TRUE }, { "load-balancer-ip", 0, TRUE }, { "session-affinity", 0, TRUE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    KnStore *store = run->kubectl->cluster->store;
    guint next = 0;
    KnKind kind;
    g_autofree char *name = NULL;
    guint64 port = 0;

    if (!parse_args(run, words, 1, flags, "kubectl expose", &args)
        || !resource_and_name(run, &args, &next, &kind, &name)
        || !int_flag(run, &args, "port", 65535, &port))
        return;

    const char *ns = namespace_of(&args);
    gpointer object = kn_store_lookup(store, kind, ns, name);
    const KnLabels *selector = NULL, *labels = NULL;
    const KnPodSpec *pod_spec = NULL;

    if (object == NULL) {
        not_found(run, kind, name);
        return;
    }
    switch (kind) {
    case KN_KIND_DEPLOYMENT:
        selector = ((KnDeployment *) object)->selector;
        labels = ((KnDeployment *) object)->meta.labels;
        pod_spec = &((KnDeployment *) object)->template.spec;
        break;
    case KN_KIND_REPLICA_SET:
        selector = ((KnReplicaSet *) object)->selector;
        labels = ((KnReplicaSet *) object)->meta.labels;
        pod_spec = &((KnReplicaSet *) object)->template.spec;
        break;
    case KN_KIND_POD:
        selector = labels = ((KnPod *) object)->meta.labels;
        pod_spec = &((KnPod *) object)->spec;
        break;
    case KN_KIND_SERVICE:
        selector = ((KnService *) object)->spec.selector;
        labels = ((KnService *) object)->meta.labels;
        break;
    default:
        fail(run, "error: cannot expose a %s", kn_kind_name(kind));
        return;
    }
    /* MapBasedSelectorForObject (polymorphichelpers). */
    if (selector == NULL || kn_labels_size(selector) == 0) {
        fail(run, "error: couldn't retrieve selectors via --selector flag or introspection: %s\n"
             "See 'kubectl expose -h' for help and examples",
             kind == KN_KIND_POD ? "the pod has no labels and cannot be exposed" : "the service has no pod selector set");
        return;
    }

    /* Without --port, every container port (PortsForObject), named port-N
     * when there are several, with its protocol; a headless Service
     * (--cluster-ip=None) may have none. */
    g_autoptr(GArray) ports = g_array_new(FALSE, FALSE, sizeof(const KnContainerPort *));

    for (guint i = 0; port == 0 && pod_spec != NULL && i < pod_spec->containers->len; i++) {
        const KnContainer *c = pod_spec->containers->pdata[i];

        for (guint j = 0; j < c->ports->len; j++)
            g_array_append_val(ports, c->ports->pdata[j]);
    }
    if (port == 0 && ports->len == 0 && g_strcmp0(flag(&args, "cluster-ip"), "None") != 0) {
        fail(run, "error: couldn't find port via --port flag or introspection");
        return;
    }

    KnService *service = kn_service_new();
    const char *target = flag(&args, "target-port");
    const char *type = flag(&args, "type");
    const char *protocol = flag(&args, "protocol");
    guint64 target_number;

    service->meta.namespace = g_strdup(ns);
    service->meta.name = g_strdup(flag(&args, "name") != NULL ? flag(&args, "name") : name);
    kn_labels_free(service->meta.labels);
    service->meta.labels = kn_labels_copy(labels);
    service->spec.selector = kn_labels_copy(selector);
    for (guint i = 0; i < (port > 0 ? 1 : ports->len); i++) {
        const KnContainerPort *from = port > 0 ? NULL : g_array_index(ports, const KnContainerPort *, i);
        KnServicePort *p = kn_service_port_new();

        p->port = from != NULL ? from->container_port : (guint) port;
        if (ports->len > 1 && port == 0)
            p->name = g_strdup_printf("port-%u", i + 1);
        if (target == NULL)
            kn_int_or_string_set_number(&p->target_port, p->port);
        else if (g_ascii_string_to_unsigned(target, 10, 1, 65535, &target_number, NULL))
            kn_int_or_string_set_number(&p->target_port, (guint) target_number);
        else
            kn_int_or_string_set_string(&p->target_port, target);
        if (from != NULL)
            p->protocol = from->protocol;
        /* --protocol as written: the API server judges it. */
        if (protocol != NULL && strcmp(protocol, "TCP") == 0)
            p->protocol = KN_PROTOCOL_TCP;
        else if (protocol != NULL && strcmp(protocol, "UDP") == 0)
            p->protocol = KN_PROTOCOL_UDP;
        else if (protocol != NULL && strcmp(protocol, "SCTP") == 0)
            p->protocol = KN_PROTOCOL_SCTP;
        else if (protocol != NULL)
            p->protocol_raw = g_strdup(protocol);
        g_ptr_array_add(service->spec.ports, p);
    }
    if (type != NULL) {
        gboolean known = FALSE;

        for (int t = KN_SERVICE_CLUSTER_IP; t <= KN_SERVICE_EXTERNAL_NAME; t++)
            if (strcmp(type, kn_service_type_name((KnServiceType) t)) == 0) {
                service->spec.type = (KnServiceType) t;
                known = TRUE;
            }
        if (!known)
            service->spec.type_raw = g_strdup(type);
    }
    if (flag(&args, "cluster-ip") != NULL)
        service->spec.cluster_ip = g_strdup(flag(&args, "cluster-ip"));
    /* ServiceGeneratorV2: one external IP, the load balancer IP, and the
     * session affinity by its name. */
    if (flag(&args, "external-ip") != NULL && *flag(&args, "external-ip") != '\0')
        g_ptr_array_add(service->spec.external_ips, g_strdup(flag(&args, "external-ip")));
    if (flag(&args, "load-balancer-ip") != NULL && *flag(&args, "load-balancer-ip") != '\0')
        service->spec.load_balancer_ip = g_strdup(flag(&args, "load-balancer-ip"));
    if (flag(&args, "session-affinity") != NULL && *flag(&args, "session-affinity") != '\0') {
        const char *affinity = flag(&args, "session-affinity");

        if (strcmp(affinity, "ClientIP") != 0 && strcmp(affinity, "None") != 0) {
            fail(run, "error: unknown session affinity: %s", affinity);
            kn_object_free(KN_KIND_SERVICE, service);
            return;
        }
        service->spec.session_affinity_client_ip = strcmp(affinity, "ClientIP") == 0;
    }

    g_autofree char *service_name = g_strdup(service->meta.name);
    g_autoptr(GError) error = NULL;

    if (dry_run(run, &args, KN_KIND_SERVICE, service, "exposed", type != NULL))
        return;
    if (!kn_apiserver_create(run->kubectl->cluster, KN_KIND_SERVICE, service, &error)) {
        server_error(run, error);
        return;
    }
    g_string_append_printf(run->result.out, "service/%s exposed\n", service_name);
}

static void
cmd_scale(Run *run, GStrv words)
{
    static const Flag flags[] = { { "replicas", 0, TRUE }, { "current-replicas", 0, TRUE }, { NULL } };
    g_auto(Args) args = { 0 };
    guint next = 0;
    KnKind kind;
    g_autofree char *name = NULL;
    guint64 replicas = 0;

    if (!parse_args(run, words, 1, flags, "kubectl scale", &args)
        || !int_flag(run, &args, "replicas", G_MAXINT32, &replicas))
        return;
    if (flag(&args, "replicas") == NULL) {
        fail(run, "error: required flag(s) \"replicas\" not set");
        return;
    }
    if (!resource_and_name(run, &args, &next, &kind, &name))
        return;

    KnStore *store = run->kubectl->cluster->store;
    gpointer object = kn_store_lookup(store, kind, namespace_of(&args), name);

    if (object == NULL) {
        not_found(run, kind, name);
        return;
    }
    switch (kind) {
    case KN_KIND_DEPLOYMENT:
        ((KnDeployment *) object)->replicas = (guint) replicas;
        break;
    case KN_KIND_REPLICA_SET:
        ((KnReplicaSet *) object)->replicas = (guint) replicas;
        break;
    case KN_KIND_STATEFUL_SET:
        ((KnStatefulSet *) object)->replicas = (guint) replicas;
        break;
    default:
        fail(run, "error: no objects passed to scale");
        return;
    }
    kn_store_update(store, kind, object, TRUE);
    g_string_append_printf(run->result.out, "%s/%s scaled\n", singular(kind), name);
}

static gboolean
poll_deleted(gpointer data)
{
    Run *run = data;

    for (guint i = 0; i < run->names->len; i++)
        if (kn_store_lookup(run->kubectl->cluster->store, run->kind, run->namespace,
                            run->names->pdata[i]) != NULL)
            return FALSE;
    return TRUE;
}

static void
cmd_delete(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "wait", 0, FALSE }, { "grace-period", 0, TRUE }, { "force", 0, FALSE }, { "now", 0, FALSE },
        { "ignore-not-found", 0, FALSE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    KnKind kind;

    if (!parse_args(run, words, 1, flags, "kubectl delete", &args))
        return;
    if (args.args->len == 0) {
        fail(run, "error: You must provide one or more resources by argument or filename.");
        return;
    }

    /* "delete svc a b c" or "delete svc/a deployment/b". */
    g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func(g_free);
    const char *first = args.args->pdata[0];

    if (strchr(first, '/') == NULL) {
        if (!resource_lookup(first, &kind)) {
            fail(run, "error: the server doesn't have a resource type \"%s\"", first);
            return;
        }
        if (args.args->len == 1 && flag(&args, "selector") == NULL) {
            fail(run, "error: resource(s) were provided, but no name was specified");
            return;
        }
        for (guint i = 1; i < args.args->len; i++)
            g_ptr_array_add(targets, g_strdup_printf("%d/%s", kind, (char *) args.args->pdata[i]));
    } else {
        for (guint i = 0; i < args.args->len; i++) {
            g_auto(GStrv) parts = g_strsplit(args.args->pdata[i], "/", 2);

            if (!resource_lookup(parts[0], &kind)) {
                fail(run, "error: the server doesn't have a resource type \"%s\"", parts[0]);
                return;
            }
            g_ptr_array_add(targets, g_strdup_printf("%d/%s", kind, parts[1] != NULL ? parts[1] : ""));
        }
    }

    KnStore *store = run->kubectl->cluster->store;
    const char *ns = namespace_of(&args);

    run->names = g_ptr_array_new_with_free_func(g_free);
    run->namespace = g_strdup(ns);
    for (guint i = 0; i < targets->len; i++) {
        g_auto(GStrv) parts = g_strsplit(targets->pdata[i], "/", 2);
        KnKind k = (KnKind) atoi(parts[0]);
        const char *name = parts[1];
        const char *object_ns = namespaced(k) ? ns : NULL;
        gpointer object = kn_store_lookup(store, k, object_ns, name);

        if (object == NULL) {
            if (!flag_on(&args, "ignore-not-found"))
                not_found(run, k, name);
            continue;
        }
        g_string_append_printf(run->result.out, "%s \"%s\" deleted\n", singular(k), name);
        if (k == KN_KIND_POD) {
            kn_workloads_delete_pod(run->kubectl->workloads, object);
            run->kind = k;
            g_ptr_array_add(run->names, g_strdup(name));
        } else {
            kn_apiserver_delete(run->kubectl->cluster, k, object_ns, name);
        }
    }
    if (run->names->len > 0 && !(flag(&args, "wait") != NULL && !flag_on(&args, "wait")))
        wait_until(run, poll_deleted);
}

/* label and annotate (label.go, annotate.go): KEY=VALUE sets, KEY-
 * removes, a different value needs --overwrite.  label says "not labeled"
 * when nothing changed; annotate always says "annotated". */
static void
label_or_annotate(Run *run, GStrv words, gboolean annotate)
{
    static const Flag flags[] = { { "overwrite", 0, FALSE }, { "all", 0, FALSE }, { NULL } };
    const char *what = annotate ? "annotation" : "label";
    g_auto(Args) args = { 0 };
    g_autofree char *command = g_strdup_printf("kubectl %s", annotate ? "annotate" : "label");
    guint next = 0;
    KnKind kind;
    g_autofree char *name = NULL;
    gboolean changed = FALSE;

    if (!parse_args(run, words, 1, flags, command, &args) || !resource_and_name(run, &args, &next, &kind, &name))
        return;

    KnStore *store = run->kubectl->cluster->store;
    gpointer object = kn_store_lookup(store, kind, namespaced(kind) ? namespace_of(&args) : NULL, name);

    if (next >= args.args->len) {
        fail(run, "error: at least one %s update is required", what);
        return;
    }
    if (object == NULL) {
        not_found(run, kind, name);
        return;
    }

    KnObjectMeta *meta = kn_object_meta(object);
    g_autoptr(KnLabels) map = kn_labels_copy(annotate ? meta->annotations : meta->labels);

    for (guint i = next; i < args.args->len; i++) {
        const char *change = args.args->pdata[i];
        const char *eq = strchr(change, '=');

        if (eq == NULL && g_str_has_suffix(change, "-")) {
            g_autofree char *key = g_strndup(change, strlen(change) - 1);

            changed |= kn_labels_get(map, key) != NULL;
            kn_labels_remove(map, key);
            continue;
        }
        if (eq == NULL) {
            fail(run, "error: at least one %s update is required", what);
            return;
        }

        g_autofree char *key = g_strndup(change, (gsize) (eq - change));
        const char *old = kn_labels_get(map, key);

        if (old != NULL && strcmp(old, eq + 1) != 0 && !flag_on(&args, "overwrite")) {
            fail(run, "error: '%s' already has a value (%s), and --overwrite is false", key, old);
            return;
        }
        changed |= g_strcmp0(old, eq + 1) != 0;
        kn_labels_set(map, key, eq + 1);
    }
    if (annotate) {
        kn_labels_free(meta->annotations);
        meta->annotations = g_steal_pointer(&map);
    } else {
        kn_labels_free(meta->labels);
        meta->labels = g_steal_pointer(&map);
    }
    if (changed)
        kn_store_update(store, kind, object, FALSE);
    g_string_append_printf(run->result.out, "%s/%s %s\n", singular(kind), name,
                           annotate ? "annotated" : changed ? "labeled" : "not labeled");
}

static void
cmd_label(Run *run, GStrv words)
{
    label_or_annotate(run, words, FALSE);
}

static void
cmd_annotate(Run *run, GStrv words)
{
    label_or_annotate(run, words, TRUE);
}

/* create namespace NAME; create configmap NAME [--from-literal=K=V]...
 * (create_namespace.go, create_configmap.go). */
static void
cmd_create_object(Run *run, GStrv words)
{
    static const Flag flags[] = { { "from-literal", 0, SLICE }, { "dry-run", 0, TRUE }, { NULL } };
    gboolean configmap = strcmp(words[1], "configmap") == 0 || strcmp(words[1], "cm") == 0;
    g_auto(Args) args = { 0 };
    g_autofree char *command = g_strdup_printf("kubectl create %s", configmap ? "configmap" : "namespace");
    KnKind kind = configmap ? KN_KIND_CONFIG_MAP : KN_KIND_NAMESPACE;
    gpointer object;

    if (!parse_args(run, words, 2, flags, command, &args))
        return;
    if (args.args->len != 1) {
        fail(run, "error: exactly one NAME is required, got %u\nSee '%s -h' for help and examples",
             args.args->len, command);
        return;
    }
    if (configmap) {
        KnConfigMap *cm = kn_config_map_new();
        g_auto(GStrv) literals = flag(&args, "from-literal") != NULL ? g_strsplit(flag(&args, "from-literal"), ",", -1)
                                                                      : g_new0(char *, 1);

        cm->meta.namespace = g_strdup(namespace_of(&args));
        for (guint i = 0; literals[i] != NULL; i++) {
            const char *eq = strchr(literals[i], '=');

            if (eq == NULL || eq == literals[i]) {
                fail(run, "error: invalid literal source %s, expected key=value", literals[i]);
                kn_object_free(KN_KIND_CONFIG_MAP, cm);
                return;
            }

            g_autofree char *key = g_strndup(literals[i], (gsize) (eq - literals[i]));

            if (kn_labels_get(cm->data, key) != NULL) {
                fail(run, "error: cannot add key %s, another key by that name already exists in Data for "
                     "ConfigMap \"%s\"", key, (char *) args.args->pdata[0]);
                kn_object_free(KN_KIND_CONFIG_MAP, cm);
                return;
            }
            kn_labels_set(cm->data, key, eq + 1);
        }
        object = cm;
    } else {
        object = kn_namespace_new();
    }
    kn_object_meta(object)->name = g_strdup(args.args->pdata[0]);
    if (!dry_run(run, &args, kind, object, "created", FALSE))
        created(run, kind, object);
}

/* An object's deployment.kubernetes.io/revision; 0 if none. */
static guint64
revision_annotation(const KnObjectMeta *meta)
{
    const char *text = kn_labels_get(meta->annotations, "deployment.kubernetes.io/revision");

    return text != NULL ? g_ascii_strtoull(text, NULL, 10) : 0;
}

/* rollout status: prints a line whenever the progress it reports changes. */
static gboolean
poll_rollout(gpointer data)
{
    Run *run = data;
    KnDeployment *d = kn_store_lookup(run->kubectl->cluster->store, KN_KIND_DEPLOYMENT,
                                      run->namespace, run->names->pdata[0]);
    g_autofree char *line = NULL;

    if (d == NULL) {
        not_found(run, KN_KIND_DEPLOYMENT, run->names->pdata[0]);
        return TRUE;
    }
    /* DeploymentStatusViewer.Status (kubectl/pkg/polymorphichelpers/rollout_status.go). */
    if (d->meta.generation > d->observed_generation)
        line = g_strdup("Waiting for deployment spec update to be observed...");
    else if (d->updated_replicas < d->replicas)
        line = g_strdup_printf("Waiting for deployment \"%s\" rollout to finish: %u out of %u new replicas have been updated...",
                               d->meta.name, d->updated_replicas, d->replicas);
    else if (d->status_replicas > d->updated_replicas)
        line = g_strdup_printf("Waiting for deployment \"%s\" rollout to finish: %u old replicas are pending termination...",
                               d->meta.name, d->status_replicas - d->updated_replicas);
    else if (d->available_replicas < d->updated_replicas)
        line = g_strdup_printf("Waiting for deployment \"%s\" rollout to finish: %u of %u updated replicas are available...",
                               d->meta.name, d->available_replicas, d->updated_replicas);
    if (line == NULL) {
        g_string_append_printf(run->result.out, "deployment \"%s\" successfully rolled out\n", d->meta.name);
        return TRUE;
    }
    if (g_strcmp0(line, run->last_line) != 0) {
        g_string_append_printf(run->result.out, "%s\n", line);
        g_free(run->last_line);
        run->last_line = g_steal_pointer(&line);
    }
    return FALSE;
}

/* The ReplicaSets a Deployment owns, by revision (rollout history and
 * undo); sorted, lowest first. */
static GPtrArray *
revisions_of(KnStore *store, const KnDeployment *d)
{
    g_autoptr(GPtrArray) owned = kn_store_list_owned(store, KN_KIND_REPLICA_SET, d->meta.uid);
    GPtrArray *sets = g_ptr_array_new();

    for (guint i = 0; i < owned->len; i++) {
        const KnReplicaSet *rs = owned->pdata[i];
        guint64 revision = revision_annotation(&rs->meta);
        guint at = sets->len;

        if (revision == 0)
            continue;
        while (at > 0 && revision_annotation(&((const KnReplicaSet *) sets->pdata[at - 1])->meta) > revision)
            at--;
        g_ptr_array_insert(sets, (gint) at, (gpointer) rs);
    }
    return sets;
}

/* rollout history: each revision and its change-cause (HistoryViewer),
 * under the object's name as NamePrinter writes it. */
static void
rollout_history(Run *run, KnDeployment *d)
{
    g_autoptr(GPtrArray) sets = revisions_of(run->kubectl->cluster->store, d);
    g_autoptr(GString) table = g_string_new("REVISION  CHANGE-CAUSE\n");

    g_string_append_printf(run->result.out, "deployment.apps/%s \n", d->meta.name);
    if (sets->len == 0) {
        g_string_append(run->result.out, "No rollout history found.\n");
        return;
    }
    for (guint i = 0; i < sets->len; i++) {
        const KnReplicaSet *rs = sets->pdata[i];
        const char *cause = kn_labels_get(rs->meta.annotations, "kubernetes.io/change-cause");

        /* tabwriter(0, 8, 2): REVISION is the widest first cell unless
         * revisions reach 8 digits. */
        g_string_append_printf(table, "%-8" G_GUINT64_FORMAT "  %s\n", revision_annotation(&rs->meta),
                               cause != NULL && *cause != '\0' ? cause : "<none>");
    }
    g_string_append_printf(run->result.out, "%s\n", table->str);
}

/* rollout undo [--to-revision=N] (DeploymentRollbacker): the template of
 * the revision asked for, or of the one before the latest, goes back
 * into the Deployment; the controller then finds that ReplicaSet again
 * and gives it the next revision. */
static void
rollout_undo(Run *run, KnDeployment *d, guint64 to_revision)
{
    KnStore *store = run->kubectl->cluster->store;
    g_autoptr(GPtrArray) sets = revisions_of(store, d);
    const KnReplicaSet *target = NULL;
    guint64 seed = kn_sim_seed(run->kubectl->cluster->sim);

    for (guint i = 0; i < sets->len; i++) {
        const KnReplicaSet *rs = sets->pdata[i];

        if (to_revision != 0 ? revision_annotation(&rs->meta) == to_revision : i + 2 == sets->len)
            target = rs;
    }
    if (target == NULL) {
        if (to_revision != 0)
            fail(run, "error: unable to find specified revision %" G_GUINT64_FORMAT " in history", to_revision);
        else
            fail(run, "error: no rollout history found for deployment \"%s\"", d->meta.name);
        return;
    }

    KnPodTemplate template = { 0 };

    template.labels = kn_labels_copy(target->template.labels);
    kn_labels_remove(template.labels, "pod-template-hash");
    template.annotations = kn_labels_copy(target->template.annotations);
    template.spec = (KnPodSpec) { 0 };
    kn_pod_spec_copy(&template.spec, &target->template.spec);

    g_autofree char *want = kn_workloads_template_hash(&template, seed);
    g_autofree char *have = kn_workloads_template_hash(&d->template, seed);

    if (strcmp(want, have) == 0) {
        g_string_append_printf(run->result.out, "deployment.apps/%s skipped rollback (current template already "
                               "matches revision %" G_GUINT64_FORMAT ")\n", d->meta.name,
                               revision_annotation(&target->meta));
        kn_pod_template_clear(&template);
        return;
    }
    kn_pod_template_clear(&d->template);
    d->template = template;
    kn_store_update(store, KN_KIND_DEPLOYMENT, d, TRUE);
    g_string_append_printf(run->result.out, "deployment.apps/%s rolled back\n", d->meta.name);
}

/* rollout restart (ObjectRestarterFn): a template annotation with the
 * time, so the template changes and a new ReplicaSet rolls out. */
static void
rollout_restart(Run *run, KnDeployment *d)
{
    g_autofree char *now = kn_kubectl_print_timestamp(kn_sim_now(run->kubectl->cluster->sim));

    if (g_strcmp0(kn_labels_get(d->template.annotations, "kubectl.kubernetes.io/restartedAt"), now) == 0) {
        fail(run, "error: failed to create patch for deployment.apps/%s: if restart has already been triggered "
             "within the past second, please wait before attempting to trigger another", d->meta.name);
        return;
    }
    kn_labels_set(d->template.annotations, "kubectl.kubernetes.io/restartedAt", now);
    kn_store_update(run->kubectl->cluster->store, KN_KIND_DEPLOYMENT, d, TRUE);
    g_string_append_printf(run->result.out, "deployment.apps/%s restarted\n", d->meta.name);
}

static void
cmd_rollout(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "watch", 'w', FALSE }, { "timeout", 0, TRUE }, { "to-revision", 0, TRUE }, { "revision", 0, TRUE },
        { NULL },
    };
    g_auto(Args) args = { 0 };
    guint next = 0;
    KnKind kind;
    g_autofree char *name = NULL;
    g_autofree char *usage = NULL;
    const char *sub = words[1];

    if (sub == NULL || (strcmp(sub, "status") != 0 && strcmp(sub, "history") != 0 && strcmp(sub, "undo") != 0
                        && strcmp(sub, "restart") != 0)) {
        fail(run, "error: unknown command \"%s\" for \"kubectl rollout\"", sub != NULL ? sub : "");
        return;
    }
    usage = g_strdup_printf("kubectl rollout %s", sub);
    if (!parse_args(run, words, 2, flags, usage, &args)
        || !resource_and_name(run, &args, &next, &kind, &name))
        return;
    if (strcmp(sub, "status") != 0) {
        KnDeployment *d = kind == KN_KIND_DEPLOYMENT
                          ? kn_store_lookup(run->kubectl->cluster->store, kind, namespace_of(&args), name) : NULL;
        guint64 to_revision = 0;

        if (kind != KN_KIND_DEPLOYMENT) {
            g_string_append_printf(run->result.err, "knetsim: kubectl rollout %s of a %s is not simulated\n",
                                   sub, kn_kind_name(kind));
            run->result.status = 126;
        } else if (d == NULL) {
            not_found(run, kind, name);
        } else if (strcmp(sub, "restart") == 0) {
            rollout_restart(run, d);
        } else if (strcmp(sub, "history") == 0 && flag(&args, "revision") != NULL) {
            g_string_append(run->result.err, "knetsim: kubectl rollout history --revision is not simulated\n");
            run->result.status = 126;
        } else if (strcmp(sub, "history") == 0) {
            rollout_history(run, d);
        } else if (int_flag(run, &args, "to-revision", G_MAXINT64, &to_revision)) {
            rollout_undo(run, d, to_revision);
        }
        return;
    }
    if (kind != KN_KIND_DEPLOYMENT) {
        fail(run, "error: no status viewer has been implemented for %s", kn_kind_name(kind));
        return;
    }
    run->kind = kind;
    run->namespace = g_strdup(namespace_of(&args));
    run->names = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(run->names, g_strdup(name));
    wait_until(run, poll_rollout);
}

/* apply -f FILE|-: creates what does not exist, updates what does. */
static void
cmd_apply(Run *run, GStrv words)
{
    static const Flag flags[] = { { "filename", 'f', TRUE }, { "dry-run", 0, TRUE }, { NULL } };
    g_auto(Args) args = { 0 };
    const char *file;
    g_autofree char *path = NULL, *text = NULL;
    g_autoptr(GError) error = NULL;
    gsize length;

    if (!parse_args(run, words, 1, flags, "kubectl apply", &args))
        return;
    file = flag(&args, "filename");
    if (file == NULL) {
        fail(run, "error: must specify one of -f and -k");
        return;
    }
    if (strcmp(file, "-") == 0) {
        text = g_strdup(run->stdin_text != NULL ? run->stdin_text : "");
        path = g_strdup("STDIN");
    } else {
        path = g_path_is_absolute(file) ? g_strdup(file) : g_build_filename(run->kubectl->workdir, file, NULL);
        if (!g_file_get_contents(path, &text, &length, NULL)) {
            fail(run, "error: the path \"%s\" does not exist", file);
            return;
        }
    }

    g_autoptr(GPtrArray) manifests = kn_scenario_manifest_read_data(path, text, strlen(text), &error);

    if (manifests == NULL) {
        fail(run, "error: %s", error->message);
        return;
    }
    /* What failed, "VERB\tREASON\tMESSAGE" each: apply.go collects the
     * errors and reports them at the end. */
    g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
    const char *source = strcmp(file, "-") == 0 ? "STDIN" : file;

    for (guint i = 0; i < manifests->len; i++) {
        KnManifest *manifest = manifests->pdata[i];
        KnKind kind = manifest->kind;
        gpointer object = kn_scenario_manifest_steal_object(manifest);
        KnObjectMeta *meta = kn_object_meta(object);
        g_autofree char *name = g_strdup(meta->name);
        const char *ns = namespaced(kind) ? (meta->namespace != NULL ? meta->namespace : namespace_of(&args)) : NULL;
        g_autoptr(GError) failure = NULL;
        gboolean changed;

        if (namespaced(kind) && meta->namespace == NULL)
            meta->namespace = g_strdup(ns);
        if (name != NULL && kn_store_lookup(run->kubectl->cluster->store, kind, ns, name) != NULL) {
            if (kn_apiserver_update(run->kubectl->cluster, kind, object, &changed, &failure))
                g_string_append_printf(run->result.out, "%s/%s %s\n", singular(kind), name,
                                       changed ? "configured" : "unchanged");
            else
                g_ptr_array_add(failures, g_strdup_printf("applying patch to\t%s\t%s", status_reason(failure),
                                                          failure->message));
        } else if (kn_apiserver_create(run->kubectl->cluster, kind, object, &failure)) {
            g_string_append_printf(run->result.out, "%s/%s created\n", singular(kind), name);
        } else {
            g_ptr_array_add(failures, g_strdup_printf("creating\t%s\t%s", status_reason(failure),
                                                      failure->message));
        }
    }
    /* One error goes back as it is, and checkErr() words an Invalid one
     * from its details: "The Service "x" is invalid: ...".  Several are an
     * aggregate, each with the source AddSourceToErr() put in it. */
    for (guint i = 0; i < failures->len; i++) {
        g_auto(GStrv) parts = g_strsplit(failures->pdata[i], "\t", 3);
        g_autofree char *details = invalid_details(parts[2]);
        g_autofree char *status = invalid_status_message(parts[2]);

        if (failures->len == 1 && strcmp(parts[1], "Invalid") == 0)
            fail(run, "The %s", details != NULL ? details : parts[2]);
        else
            fail(run, "Error from server (%s): error when %s \"%s\": %s", parts[1], parts[0], source,
                 status != NULL ? status : parts[2]);
    }
}

/* Parses "cpu=50m,memory=32Mi" into 'into'; FALSE on a malformed list. */
static gboolean
parse_resource_list(const char *text, KnLabels *into)
{
    g_auto(GStrv) pairs = g_strsplit(text, ",", -1);

    for (guint i = 0; pairs[i] != NULL; i++) {
        g_auto(GStrv) kv = g_strsplit(pairs[i], "=", 2);

        if (kv[0] == NULL || kv[1] == NULL || kv[0][0] == '\0' || kv[1][0] == '\0')
            return FALSE;
        kn_labels_set(into, kv[0], kv[1]);
    }
    return TRUE;
}

/* set resources KIND NAME [--requests=...] [--limits=...] [-c CONTAINER]:
 * changes the pod template, so a Deployment rolls out
 * (kubectl/pkg/cmd/set/set_resources.go). */
/* The pod template of a workload; NULL for another kind. */
static KnPodTemplate *
workload_template(KnKind kind, gpointer object)
{
    switch (kind) {
    case KN_KIND_DEPLOYMENT:
        return &((KnDeployment *) object)->template;
    case KN_KIND_REPLICA_SET:
        return &((KnReplicaSet *) object)->template;
    case KN_KIND_STATEFUL_SET:
        return &((KnStatefulSet *) object)->template;
    case KN_KIND_DAEMON_SET:
        return &((KnDaemonSet *) object)->template;
    default:
        return NULL;
    }
}

/* The pod selector of a workload or a Service; NULL for another kind. */
static const KnLabels *
workload_selector(KnKind kind, gconstpointer object)
{
    switch (kind) {
    case KN_KIND_DEPLOYMENT:
        return ((const KnDeployment *) object)->selector;
    case KN_KIND_REPLICA_SET:
        return ((const KnReplicaSet *) object)->selector;
    case KN_KIND_STATEFUL_SET:
        return ((const KnStatefulSet *) object)->selector;
    case KN_KIND_DAEMON_SET:
        return ((const KnDaemonSet *) object)->selector;
    case KN_KIND_SERVICE:
        return ((const KnService *) object)->spec.selector;
    default:
        return NULL;
    }
}

/* set image TYPE NAME CONTAINER=IMAGE... (set_image.go): '*' names every
 * container; a name no container has is an error, the others still
 * change; the object is printed "image updated" only if it changed. */
static void
cmd_set_image(Run *run, GStrv words)
{
    static const Flag flags[] = { { NULL } };
    g_auto(Args) args = { 0 };
    g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func(g_free);   /* "NAME=IMAGE" words */
    KnStore *store = run->kubectl->cluster->store;
    guint next = 0;
    KnKind kind;
    g_autofree char *name = NULL;
    gboolean changed = FALSE, wildcard = FALSE;

    if (!parse_args(run, words, 2, flags, "kubectl set image", &args))
        return;
    /* The NAME=IMAGE words out of the arguments, the resource stays. */
    for (guint i = 0; i < args.args->len;) {
        if (strchr(args.args->pdata[i], '=') != NULL)
            g_ptr_array_add(images, g_ptr_array_steal_index(args.args, i));
        else
            i++;
    }
    for (guint i = 0; i < images->len; i++)
        wildcard |= g_str_has_prefix(images->pdata[i], "*=");
    if (images->len == 0) {
        fail(run, "error: at least one image update is required");
        return;
    }
    if (images->len > 1 && wildcard) {
        fail(run, "error: all containers are already specified by *, but saw more than one "
             "container_name=container_image pairs");
        return;
    }
    if (!resource_and_name(run, &args, &next, &kind, &name))
        return;

    gpointer object = kn_store_lookup(store, kind, namespace_of(&args), name);
    KnPodTemplate *template = object != NULL ? workload_template(kind, object) : NULL;

    if (object == NULL) {
        not_found(run, kind, name);
        return;
    }
    if (template == NULL) {
        g_string_append_printf(run->result.err, "knetsim: kubectl set image on a %s is not simulated\n",
                               kn_kind_name(kind));
        run->result.status = 126;
        return;
    }
    for (guint i = 0; i < images->len; i++) {
        const char *pair = images->pdata[i], *eq = strchr(pair, '=');
        g_autofree char *container = g_strndup(pair, (gsize) (eq - pair));
        gboolean found = FALSE;

        for (guint c = 0; c < template->spec.containers->len; c++) {
            KnContainer *k = template->spec.containers->pdata[c];

            if (strcmp(container, "*") != 0 && g_strcmp0(k->name, container) != 0)
                continue;
            found = TRUE;
            if (g_strcmp0(k->image, eq + 1) != 0) {
                g_free(k->image);
                k->image = g_strdup(eq + 1);
                changed = TRUE;
            }
        }
        if (!found)
            fail(run, "error: unable to find container named \"%s\"", container);
    }
    if (!changed)
        return;
    kn_store_update(store, kind, object, TRUE);
    g_string_append_printf(run->result.out, "%s/%s image updated\n", singular(kind), name);
}

static void
cmd_set(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "requests", 0, TRUE }, { "limits", 0, TRUE }, { "containers", 'c', TRUE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    guint next = 0;
    KnKind kind;
    g_autofree char *name = NULL;

    if (words[1] != NULL && strcmp(words[1], "image") == 0) {
        cmd_set_image(run, words);
        return;
    }
    if (words[1] == NULL || strcmp(words[1], "resources") != 0) {
        fail(run, "error: unknown command \"%s\" for \"kubectl set\"", words[1] != NULL ? words[1] : "");
        return;
    }
    if (!parse_args(run, words, 2, flags, "kubectl set resources", &args)
        || !resource_and_name(run, &args, &next, &kind, &name))
        return;
    if (flag(&args, "requests") == NULL && flag(&args, "limits") == NULL) {
        fail(run, "error: you must specify an update to requests or limits (in the form of --requests/--limits)");
        return;
    }

    KnStore *store = run->kubectl->cluster->store;
    gpointer object = kn_store_lookup(store, kind, namespace_of(&args), name);
    KnPodTemplate *template;

    if (object == NULL) {
        not_found(run, kind, name);
        return;
    }
    template = workload_template(kind, object);
    if (template == NULL) {
        fail(run, "error: cannot set resources of a %s", kn_kind_name(kind));
        return;
    }

    const char *only = flag(&args, "containers");
    g_autoptr(KnLabels) requests = kn_labels_new();
    g_autoptr(KnLabels) limits = kn_labels_new();
    gboolean changed = FALSE;

    if ((flag(&args, "requests") != NULL && !parse_resource_list(flag(&args, "requests"), requests))
        || (flag(&args, "limits") != NULL && !parse_resource_list(flag(&args, "limits"), limits))) {
        fail(run, "error: invalid resource list: expected NAME=QUANTITY[,NAME=QUANTITY]");
        return;
    }
    /* set_resources.go sends the change as a strategic merge patch of the
     * containers (merged by name), which the API server validates: a
     * request above its limit is refused there. */
    g_autoptr(GString) patch = g_string_new("{\"spec\":{\"template\":{\"spec\":{\"containers\":[");
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    guint n = 0;

    for (guint i = 0; i < template->spec.containers->len; i++) {
        const KnContainer *c = template->spec.containers->pdata[i];
        g_autofree char *container = kn_go_quote(c->name != NULL ? c->name : "");

        if (only != NULL && strcmp(only, "*") != 0 && g_strcmp0(c->name, only) != 0)
            continue;
        g_string_append_printf(patch, "%s{\"name\":%s,\"resources\":{", n++ > 0 ? "," : "", container);
        for (guint k = 0; k < 2; k++) {
            const KnLabels *list = k == 0 ? limits : requests;

            if (kn_labels_size(list) == 0)
                continue;
            g_string_append_printf(patch, "%s\"%s\":{", k == 1 && kn_labels_size(limits) > 0 ? "," : "",
                                   k == 0 ? "limits" : "requests");
            for (guint j = 0; j < kn_labels_size(list); j++) {
                g_autofree char *key = kn_go_quote(kn_labels_key(list, j));
                g_autofree char *value = kn_go_quote(kn_labels_value(list, j));

                g_string_append_printf(patch, "%s%s:%s", j > 0 ? "," : "", key, value);
            }
            g_string_append_c(patch, '}');
        }
        g_string_append(patch, "}}");
    }
    g_string_append(patch, "]}}}}");

    gpointer patched = kn_kubectl_patch_apply(kind, object, patch->str, "strategic",
                                              kn_sim_now(run->kubectl->cluster->sim), &changed, warnings, &error);

    if (patched != NULL && !changed)
        kn_object_free(kind, patched);
    else if (patched != NULL)
        kn_apiserver_update(run->kubectl->cluster, kind, patched, NULL, &error);    /* takes it */
    if (error != NULL) {
        g_autofree char *message = invalid_status_message(error->message);

        fail(run, "error: failed to patch resources update to pod template %s",
             message != NULL ? message : error->message);
        return;
    }
    g_string_append_printf(run->result.out, "%s/%s resource requirements updated\n", singular(kind), name);
}

/* patch KIND NAME -p PATCH [--type strategic|merge|json]: the patched object
 * goes through the API server's update path. */
static void
cmd_patch(Run *run, GStrv words)
{
    static const Flag flags[] = { { "patch", 'p', TRUE }, { "type", 0, TRUE }, { "dry-run", 0, TRUE }, { NULL } };
    g_auto(Args) args = { 0 };
    guint next = 0;
    KnKind kind;
    g_autofree char *name = NULL;

    if (!parse_args(run, words, 1, flags, "kubectl patch", &args)
        || !resource_and_name(run, &args, &next, &kind, &name))
        return;

    KnStore *store = run->kubectl->cluster->store;
    gpointer object = kn_store_lookup(store, kind, namespaced(kind) ? namespace_of(&args) : NULL, name);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    gboolean changed = FALSE;

    if (object == NULL) {
        not_found(run, kind, name);
        return;
    }

    gpointer patched = kn_kubectl_patch_apply(kind, object, flag(&args, "patch") != NULL ? flag(&args, "patch") : "",
                                              flag(&args, "type"), kn_sim_now(run->kubectl->cluster->sim),
                                              &changed, warnings, &error);

    for (guint i = 0; i < warnings->len; i++)
        g_string_append_printf(run->result.err, "Warning: %s\n", (char *) warnings->pdata[i]);
    if (patched == NULL) {
        fail(run, "%s", error->message);
        return;
    }
    if (!changed) {
        kn_object_free(kind, patched);
        g_string_append_printf(run->result.out, "%s/%s patched (no change)\n", singular(kind), name);
        return;
    }
    if (!kn_apiserver_update(run->kubectl->cluster, kind, patched, NULL, &error)) {
        server_error(run, error);
        return;
    }
    g_string_append_printf(run->result.out, "%s/%s patched\n", singular(kind), name);
}

/*****************************************************************************/
/* Reading: get. */

/* One requirement of a label selector (k8s.io/apimachinery labels.Parse). */
typedef struct {
    char *key;
    enum { SEL_EQUAL, SEL_NOT_EQUAL, SEL_EXISTS, SEL_NOT_EXISTS, SEL_IN, SEL_NOT_IN } op;
    GStrv values;
} Requirement;

static void
requirement_free(Requirement *r)
{
    g_free(r->key);
    g_strfreev(r->values);
    g_free(r);
}

/* Parses a selector such as "app=web,tier!=db,env in (a,b),!canary";
 * NULL with kubectl's message in '*message' on a bad one. */
static GPtrArray *
parse_selector(const char *text, char **message)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) requirement_free);
    g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func(g_free);
    const char *start = text;
    int depth = 0;

    for (const char *p = text;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if (*p == '\0' || (*p == ',' && depth == 0)) {
            g_ptr_array_add(terms, g_strstrip(g_strndup(start, (gsize) (p - start))));
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    for (guint i = 0; i < terms->len; i++) {
        const char *term = terms->pdata[i];
        Requirement *r = g_new0(Requirement, 1);
        const char *op;

        g_ptr_array_add(out, r);
        if ((op = strstr(term, " notin ")) != NULL || (op = strstr(term, " in ")) != NULL) {
            gboolean not_in = g_str_has_prefix(op, " notin ");
            const char *open = strchr(op, '('), *close = strrchr(op, ')');

            if (open == NULL || close == NULL || close < open)
                goto bad;
            r->key = g_strstrip(g_strndup(term, (gsize) (op - term)));
            r->op = not_in ? SEL_NOT_IN : SEL_IN;
            g_autofree char *list = g_strndup(open + 1, (gsize) (close - open - 1));
            r->values = g_strsplit(list, ",", -1);
            for (guint v = 0; r->values[v] != NULL; v++)
                g_strstrip(r->values[v]);
        } else if ((op = strstr(term, "!=")) != NULL || (op = strchr(term, '=')) != NULL) {
            gboolean not_equal = op[0] == '!';
            const char *value = op + (not_equal || op[1] == '=' ? 2 : 1);

            r->key = g_strstrip(g_strndup(term, (gsize) (op - term)));
            r->op = not_equal ? SEL_NOT_EQUAL : SEL_EQUAL;
            r->values = g_new0(char *, 2);      /* the one value, perhaps empty ("app=") */
            r->values[0] = g_strstrip(g_strdup(value));
        } else if (term[0] == '!') {
            r->key = g_strstrip(g_strdup(term + 1));
            r->op = SEL_NOT_EXISTS;
        } else {
            r->key = g_strdup(term);
            r->op = SEL_EXISTS;
        }
        if (r->key[0] == '\0')
            goto bad;
    }
    return out;

bad:
    *message = g_strdup_printf("error: unable to parse requirement: found '%s', expected: identifier", text);
    g_ptr_array_unref(out);
    return NULL;
}

static gboolean
selector_match(const GPtrArray *selector, const KnLabels *labels)
{
    for (guint i = 0; selector != NULL && i < selector->len; i++) {
        const Requirement *r = selector->pdata[i];
        const char *value = kn_labels_get(labels, r->key);

        switch (r->op) {
        case SEL_EQUAL:
            if (g_strcmp0(value, r->values[0]) != 0)
                return FALSE;
            break;
        case SEL_NOT_EQUAL:
            if (g_strcmp0(value, r->values[0]) == 0)
                return FALSE;
            break;
        case SEL_EXISTS:
            if (value == NULL)
                return FALSE;
            break;
        case SEL_NOT_EXISTS:
            if (value != NULL)
                return FALSE;
            break;
        case SEL_IN:
            if (value == NULL || !g_strv_contains((const char *const *) r->values, value))
                return FALSE;
            break;
        case SEL_NOT_IN:
            if (value != NULL && g_strv_contains((const char *const *) r->values, value))
                return FALSE;
            break;
        }
    }
    return TRUE;
}

/* Appends to 'out' the objects of 'kind' in 'ns' (NULL: every namespace)
 * whose labels 'selector' matches, in the store's order. */
static void
add_matching(KnStore *store, KnKind kind, const char *ns, const GPtrArray *selector, GPtrArray *out)
{
    g_autoptr(GPtrArray) all = kn_store_list(store, kind, ns);

    for (guint i = 0; i < all->len; i++)
        if (selector_match(selector, kn_object_meta(all->pdata[i])->labels))
            g_ptr_array_add(out, all->pdata[i]);
}

/* GroupVersionResource.String() of what a list of 'kind' asks for:
 * "/v1, Resource=pods", "apps/v1, Resource=deployments". */
static char *
resource_string(KnKind kind)
{
    const char *api_version = kn_kind_api_version(kind);
    const char *slash = strchr(api_version, '/');
    g_autofree char *plural = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(resources); i++)
        if (resources[i].kind == kind)
            plural = g_strndup(resources[i].names, strcspn(resources[i].names, " "));
    return slash != NULL ? g_strdup_printf("%.*s/%s, Resource=%s", (int) (slash - api_version), api_version,
                                           slash + 1, plural)
                         : g_strdup_printf("/%s, Resource=%s", api_version, plural);
}

/* The API server's field selector for a list of 'kind': NULL when 'text'
 * is empty (kubectl sends none), or when it is refused: then kubectl's
 * message is printed (a BadRequest, which resource.Selector rewords with
 * the request's selectors) and '*failed' set. */
static KnFieldSelector *
parse_field_selector(Run *run, KnKind kind, const char *label_text, const char *text, gboolean *failed)
{
    g_autofree char *message = NULL;
    KnFieldSelector *fields;

    *failed = FALSE;
    if (*text == '\0')
        return NULL;
    fields = kn_field_selector_parse(kind, text, &message);
    if (fields == NULL) {
        g_autofree char *resource = resource_string(kind);
        g_autofree char *label = kn_go_quote(label_text);
        g_autofree char *field = kn_go_quote(text);

        fail(run, "Error from server (BadRequest): Unable to find \"%s\" that match label selector %s, "
             "field selector %s: %s", resource, label, field, message);
        *failed = TRUE;
    }
    return fields;
}

/* describe KIND [NAME...] [-l SELECTOR]: kubectl-describe.h prints them. */
static void
cmd_describe(Run *run, GStrv words)
{
    static const Flag flags[] = { { "show-events", 0, FALSE }, { NULL } };
    g_auto(Args) args = { 0 };
    KnKind kind;

    if (!parse_args(run, words, 1, flags, "kubectl describe", &args))
        return;
    if (args.args->len == 0) {
        fail(run, "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        return;
    }

    const char *first = args.args->pdata[0];
    const char *slash = strchr(first, '/');
    g_autofree char *type = slash != NULL ? g_strndup(first, (gsize) (slash - first)) : g_strdup(first);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) selector = NULL;
    KnStore *store = run->kubectl->cluster->store;
    const char *ns = namespace_of(&args);

    if (!resource_lookup(type, &kind)) {
        fail(run, "error: the server doesn't have a resource type \"%s\"", type);
        return;
    }
    if (slash != NULL)
        g_ptr_array_add(names, g_strdup(slash + 1));
    for (guint i = 1; i < args.args->len; i++)
        g_ptr_array_add(names, g_strdup(args.args->pdata[i]));
    if (flag(&args, "selector") != NULL) {
        g_autofree char *message = NULL;

        selector = parse_selector(flag(&args, "selector"), &message);
        if (selector == NULL) {
            fail(run, "%s", message);
            return;
        }
    }

    g_autoptr(GPtrArray) objects = g_ptr_array_new();

    /* DescribeMatchingResources: `describe TYPE NAME` (two words, not
     * TYPE/NAME) with no object NAME describes every object of the type
     * whose name starts with NAME, each followed by a newline; only when
     * none does NAME stay not found. */
    if (args.args->len == 2 && slash == NULL
        && kn_store_lookup(store, kind, namespaced(kind) ? ns : NULL, names->pdata[0]) == NULL) {
        g_autoptr(GPtrArray) all = kn_store_list(store, kind, namespaced(kind) ? ns : NULL);
        KnTime now = kn_sim_now(run->kubectl->cluster->sim);

        for (guint i = 0; i < all->len; i++) {
            g_autoptr(GPtrArray) one = g_ptr_array_new();

            if (!g_str_has_prefix(kn_object_meta(all->pdata[i])->name, names->pdata[0]))
                continue;
            g_ptr_array_add(one, all->pdata[i]);
            if (!kn_kubectl_describe(kind, one, store, now, run->result.out, run->result.err)) {
                run->result.status = 1;
                return;
            }
            g_string_append_c(run->result.out, '\n');
            g_ptr_array_add(objects, all->pdata[i]);
        }
        if (objects->len == 0)
            not_found(run, kind, names->pdata[0]);
        return;
    }
    if (names->len > 0) {
        for (guint i = 0; i < names->len; i++) {
            gpointer object = kn_store_lookup(store, kind, namespaced(kind) ? ns : NULL, names->pdata[i]);

            if (object == NULL)
                not_found(run, kind, names->pdata[i]);
            else
                g_ptr_array_add(objects, object);
        }
    } else {
        add_matching(store, kind, namespaced(kind) && !flag_on(&args, "all-namespaces") ? ns : NULL, selector,
                     objects);
        if (objects->len == 0) {
            g_string_append_printf(run->result.err, "No resources found in %s namespace.\n", ns);
            return;
        }
    }
    if (!kn_kubectl_describe(kind, objects, store, kn_sim_now(run->kubectl->cluster->sim), run->result.out,
                             run->result.err))
        run->result.status = 1;
}

/* A watch event on the kind being watched: prints the object's row if it
 * is one the command selected, as `kubectl get -w` does for every change. */
static void
on_watch_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    Run *run = user_data;
    KnObjectMeta *meta = kn_object_meta(object);
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnKubectlPrintOptions rows = *run->print;

    if (run->namespace != NULL && g_strcmp0(meta->namespace, run->namespace) != 0)
        return;
    if (run->names->len > 0 && !g_ptr_array_find_with_equal_func(run->names, meta->name, g_str_equal, NULL))
        return;
    if (!selector_match(run->selector, meta->labels))
        return;

    g_autofree char *key = g_strdup_printf("%s/%s", meta->namespace != NULL ? meta->namespace : "", meta->name);

    if (!kn_field_selector_matches(run->fields, object, store)) {
        /* The watch cache sends an object that stops matching as DELETED,
         * with its content from when it last did. */
        const char *row = g_hash_table_lookup(run->shown, key);

        if (row != NULL)
            g_string_append(run->result.out, row);
        g_hash_table_remove(run->shown, key);
        return;
    }
    g_ptr_array_add(one, object);
    /* The header went with the first listing.  get.go's watch() flushes its
     * tabwriter after each event, so a row is laid out on its own, not
     * aligned with the header or the rows before it. */
    rows.no_headers = TRUE;
    kn_kubectl_print(kind, one, &rows, store, kn_sim_now(run->kubectl->cluster->sim), out, err);
    g_string_append(run->result.out, out->str);
    if (run->fields != NULL && event != KN_WATCH_DELETED)
        g_hash_table_replace(run->shown, g_steal_pointer(&key), g_strdup(out->str));
    else if (run->fields != NULL)
        g_hash_table_remove(run->shown, key);
}

static gboolean
poll_watch(gpointer data)
{
    Run *run = data;

    if (kn_sim_now(run->kubectl->cluster->sim) < run->watch_end)
        return FALSE;
    kn_store_unwatch(run->kubectl->cluster->store, run->kind, on_watch_event, run);
    return TRUE;
}

/* wait --for=...: each object in turn until its condition holds (wait.go). */

typedef enum {
    WAIT_CONDITION,              /* condition=TYPE[=STATUS] */
    WAIT_DELETE,                 /* delete */
    WAIT_CREATE,                 /* create */
    WAIT_JSONPATH,               /* jsonpath=PATH[=VALUE] */
} WaitKind;

typedef struct WaitFor {
    WaitKind kind;
    char *name;                  /* CONDITION: the type; JSONPATH: the path */
    char *value;                 /* CONDITION: the status ("true"); JSONPATH: the value or NULL */
    GArray *kinds;               /* KnKind of each object, parallel to Run.names */
    guint next;                  /* the object waited for now */
    KnTime deadline;             /* --timeout: for them all */
} WaitFor;

static void
wait_for_free(WaitFor *wait_for)
{
    if (wait_for == NULL)
        return;
    g_free(wait_for->name);
    g_free(wait_for->value);
    if (wait_for->kinds != NULL)
        g_array_unref(wait_for->kinds);
    g_free(wait_for);
}

/* splitJSONPathInput: the input cut at each '=' that is not half of "==". */
static GPtrArray *
split_jsonpath_input(const char *input)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *part = g_string_new(NULL);

    for (const char *p = input; *p != '\0'; p++) {
        if (*p == '=' && p[1] == '=') {
            g_string_append(part, "==");
            p++;
        } else if (*p == '=') {
            g_ptr_array_add(parts, g_string_free(g_steal_pointer(&part), FALSE));
            part = g_string_new(NULL);
        } else {
            g_string_append_c(part, *p);
        }
    }
    g_ptr_array_add(parts, g_string_free(part, FALSE));
    return parts;
}

/* conditionFuncFor: what --for asks.  NULL after printing kubectl's error. */
static WaitFor *
parse_wait_for(Run *run, const char *text)
{
    g_autoptr(GString) lower = g_string_ascii_down(g_string_new(text));
    WaitFor *w = g_new0(WaitFor, 1);

    w->kinds = g_array_new(FALSE, FALSE, sizeof(KnKind));
    if (strcmp(lower->str, "delete") == 0) {
        w->kind = WAIT_DELETE;
    } else if (strcmp(lower->str, "create") == 0) {
        w->kind = WAIT_CREATE;
    } else if (g_str_has_prefix(text, "condition=")) {
        const char *name = text + strlen("condition="), *eq = strchr(name, '=');

        w->kind = WAIT_CONDITION;
        w->name = eq != NULL ? g_strndup(name, (gsize) (eq - name)) : g_strdup(name);
        w->value = g_strdup(eq != NULL ? eq + 1 : "true");
    } else if (g_str_has_prefix(text, "jsonpath=")) {
        g_autoptr(GPtrArray) parts = split_jsonpath_input(text + strlen("jsonpath="));
        g_autofree char *error = NULL;

        w->kind = WAIT_JSONPATH;
        if (parts->len > 2) {
            fail(run, "error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or "
                 "--for=jsonpath='{.status.readyReplicas}'");
            wait_for_free(w);
            return NULL;
        }
        w->name = g_strdup(parts->pdata[0]);
        if (parts->len == 2) {
            w->value = g_strdup(parts->pdata[1]);
            /* strings.Trim(value, `'"`) */
            for (char *v = w->value; *v == '\'' || *v == '"';)
                memmove(v, v + 1, strlen(v));
            for (gsize n = strlen(w->value); n > 0 && (w->value[n - 1] == '\'' || w->value[n - 1] == '"'); n--)
                w->value[n - 1] = '\0';
            if (*w->value == '\0') {
                fail(run, "error: jsonpath wait has to have a value after equal sign, like "
                     "--for=jsonpath='{.status.readyReplicas}'=3");
                wait_for_free(w);
                return NULL;
            }
        }
        if (kn_kubectl_print_jsonpath_is(KN_KIND_POD, NULL, NULL, w->name, NULL, &error) < 0) {
            fail(run, "error: %s", error);
            wait_for_free(w);
            return NULL;
        }
    } else {
        fail(run, "error: unrecognized condition: \"%s\"", text);
        wait_for_free(w);
        return NULL;
    }
    return w;
}

/* Whether object 'i' of the wait is where --for wants it. */
static gboolean
wait_met(Run *run, guint i, char **error)
{
    WaitFor *w = run->wait_for;
    KnKind kind = g_array_index(w->kinds, KnKind, i);
    KnStore *store = run->kubectl->cluster->store;
    gpointer object = kn_store_lookup(store, kind, namespaced(kind) ? run->namespace : NULL, run->names->pdata[i]);

    switch (w->kind) {
    case WAIT_DELETE:
        return object == NULL;
    case WAIT_CREATE:
        return object != NULL;
    case WAIT_CONDITION:
        return object != NULL && kn_kubectl_print_condition_is(kind, object, store, w->name, w->value);
    case WAIT_JSONPATH:
        return object != NULL && kn_kubectl_print_jsonpath_is(kind, object, store, w->name, w->value, error) > 0;
    }
    return FALSE;
}

static gboolean
poll_wait(gpointer data)
{
    Run *run = data;
    WaitFor *w = run->wait_for;
    KnTime now = kn_sim_now(run->kubectl->cluster->sim);

    while (w->next < run->names->len) {
        g_autofree char *error = NULL;
        KnKind kind = g_array_index(w->kinds, KnKind, w->next);
        const char *name = run->names->pdata[w->next];

        if (!wait_met(run, w->next, &error)) {
            if (error != NULL) {
                fail(run, "error: %s", error);
                return TRUE;
            }
            if (now < w->deadline)
                return FALSE;
            /* --for=create polls before it visits, without the name. */
            if (w->kind == WAIT_CREATE)
                fail(run, "error: timed out waiting for the condition");
            else                 /* the mapping's resource: "deployments", without its group */
                fail(run, "error: timed out waiting for the condition on %.*s/%s",
                     (int) strcspn(kn_store_resource_name(kind), "."), kn_store_resource_name(kind), name);
            return TRUE;
        }
        g_string_append_printf(run->result.out, "%s/%s condition met\n", singular(kind), name);
        w->next++;
    }
    return TRUE;
}

static void
cmd_wait(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "for", 0, TRUE }, { "timeout", 0, TRUE }, { "all", 0, FALSE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    const char *timeout_text, *selector_text;
    KnTime timeout = 30 * KN_SEC;
    KnStore *store = run->kubectl->cluster->store;
    WaitFor *w;

    if (!parse_args(run, words, 1, flags, "kubectl wait", &args))
        return;
    timeout_text = flag(&args, "timeout");
    if (timeout_text != NULL) {
        g_autoptr(GError) error = NULL;

        if (!kn_time_parse(timeout_text, &timeout, &error)) {
            fail(run, "error: invalid argument \"%s\" for \"--timeout\" flag: time: invalid duration \"%s\"",
                 timeout_text, timeout_text);
            return;
        }
    }
    w = run->wait_for = parse_wait_for(run, flag(&args, "for") != NULL ? flag(&args, "for") : "");
    if (w == NULL)
        return;
    run->namespace = g_strdup(namespace_of(&args));
    run->names = g_ptr_array_new_with_free_func(g_free);
    if (args.args->len == 0) {
        fail(run, "error: you must provide one or more resources by argument or filename");
        return;
    }

    /* TYPE/NAME..., or TYPE NAME..., or TYPE with -l or --all. */
    const char *first = args.args->pdata[0];
    KnKind kind;

    selector_text = flag(&args, "selector");
    if (strchr(first, '/') != NULL) {
        for (guint i = 0; i < args.args->len; i++) {
            const char *arg = args.args->pdata[i], *slash = strchr(arg, '/');
            g_autofree char *type = slash != NULL ? g_strndup(arg, (gsize) (slash - arg)) : g_strdup(arg);

            if (slash == NULL) {
                fail(run, "error: there is no need to specify a resource type as a separate argument when "
                     "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                     "instead of 'kubectl get resource resource/<resource_name>'");
                return;
            }
            if (!resource_lookup(type, &kind)) {
                fail(run, "error: the server doesn't have a resource type \"%s\"", type);
                return;
            }
            g_array_append_val(w->kinds, kind);
            g_ptr_array_add(run->names, g_strdup(slash + 1));
        }
    } else if (!resource_lookup(first, &kind)) {
        fail(run, "error: the server doesn't have a resource type \"%s\"", first);
        return;
    } else if (args.args->len > 1) {
        for (guint i = 1; i < args.args->len; i++) {
            g_array_append_val(w->kinds, kind);
            g_ptr_array_add(run->names, g_strdup(args.args->pdata[i]));
        }
    } else if (selector_text != NULL || flag_on(&args, "all")) {
        g_autofree char *message = NULL;
        g_autoptr(GPtrArray) selector = selector_text != NULL ? parse_selector(selector_text, &message) : NULL;
        g_autoptr(GPtrArray) all = NULL;

        if (selector_text != NULL && selector == NULL) {
            fail(run, "%s", message);
            return;
        }
        all = kn_store_list(store, kind, namespaced(kind) ? run->namespace : NULL);
        for (guint i = 0; i < all->len; i++) {
            const KnObjectMeta *meta = kn_object_meta(all->pdata[i]);

            if (selector_match(selector, meta->labels)) {
                g_array_append_val(w->kinds, kind);
                g_ptr_array_add(run->names, g_strdup(meta->name));
            }
        }
    } else {
        fail(run, "error: resource(s) were provided, but no name was specified");
        return;
    }

    /* The builder gets each named object first: a missing one is an error,
     * but for --for=delete, which ignores it (no line for it), and for
     * --for=create, which waits for it. */
    for (guint i = 0; i < run->names->len;) {
        KnKind k = g_array_index(w->kinds, KnKind, i);

        if (w->kind == WAIT_CREATE
            || kn_store_lookup(store, k, namespaced(k) ? run->namespace : NULL, run->names->pdata[i]) != NULL) {
            i++;
        } else if (w->kind == WAIT_DELETE) {
            g_array_remove_index(w->kinds, i);
            g_ptr_array_remove_index(run->names, i);
        } else {
            not_found(run, k, run->names->pdata[i]);
            return;
        }
    }
    if (run->names->len == 0 && w->kind != WAIT_DELETE) {
        fail(run, "error: no matching resources found");
        return;
    }
    w->deadline = kn_sim_now(run->kubectl->cluster->sim) + timeout;
    wait_until(run, poll_wait);
    run->deadline = KN_TIME_MAX;         /* poll_wait keeps --timeout itself */
}

/* What get shows of 'kind': the objects named (a NotFound error for each
 * missing one), or those of the namespace (all with -A) the selector
 * takes.  Borrowed objects in a new array. */
static GPtrArray *
get_objects(Run *run, KnKind kind, const GPtrArray *names, const GPtrArray *selector,
            const KnFieldSelector *fields, const KnKubectlPrintOptions *options)
{
    KnStore *store = run->kubectl->cluster->store;
    GPtrArray *objects = g_ptr_array_new();

    if (names->len > 0) {
        for (guint i = 0; i < names->len; i++) {
            gpointer object = kn_store_lookup(store, kind, namespaced(kind) ? options->namespace : NULL,
                                              names->pdata[i]);

            if (object == NULL)
                not_found(run, kind, names->pdata[i]);
            else
                g_ptr_array_add(objects, object);
        }
    } else {
        add_matching(store, kind, namespaced(kind) && !options->all_namespaces ? options->namespace : NULL,
                     selector, objects);
        for (guint i = objects->len; i > 0; i--)
            if (!kn_field_selector_matches(fields, objects->pdata[i - 1], store))
                g_ptr_array_remove_index(objects, i - 1);
    }
    return objects;
}

/* ByLogging (podutils): the pod `logs TYPE/NAME` reads: scheduled,
 * running and ready ones first, then the oldest, then by name. */
static gint
compare_by_logging(gconstpointer a, gconstpointer b)
{
    const KnPod *x = *(const KnPod *const *) a, *y = *(const KnPod *const *) b;
    int rank_x = (x->spec.node_name == NULL) * 4 + !x->started * 2 + !x->ready;
    int rank_y = (y->spec.node_name == NULL) * 4 + !y->started * 2 + !y->ready;

    if (rank_x != rank_y)
        return rank_x - rank_y;
    if (x->meta.creation_time != y->meta.creation_time)
        return x->meta.creation_time < y->meta.creation_time ? -1 : 1;
    return strcmp(x->meta.name, y->meta.name);
}

/* One pod's container output, as `kubectl logs` prints it: --tail's last
 * lines, "[pod/NAME/CONTAINER] " before each with --prefix. */
static void
pod_logs(Run *run, const Args *args, const KnPod *pod, guint64 tail, gboolean has_tail)
{
    const char *wanted = flag(args, "container");
    const KnContainer *c = NULL;
    guint index = 0;
    const char *text;

    for (guint i = 0; i < pod->spec.containers->len && c == NULL; i++) {
        const KnContainer *k = pod->spec.containers->pdata[i];

        if (wanted == NULL || g_strcmp0(k->name, wanted) == 0) {
            c = k;
            index = i;
        }
    }
    if (c == NULL) {
        fail(run, "error: container %s is not valid for pod %s", wanted, pod->meta.name);
        return;
    }
    if (wanted == NULL && pod->spec.containers->len > 1) {
        g_autoptr(GString) names = g_string_new(NULL);

        for (guint i = 0; i < pod->spec.containers->len; i++)
            g_string_append_printf(names, "%s%s", i > 0 ? ", " : "",
                                   ((const KnContainer *) pod->spec.containers->pdata[i])->name);
        g_string_append_printf(run->result.err, "Defaulted container \"%s\" out of: %s\n", c->name, names->str);
    }
    gboolean previous = flag_on(args, "previous");

    if (previous && (pod->runs == NULL || !pod->runs[index].has_last)) {
        fail(run, "Error from server (BadRequest): previous terminated container \"%s\" in pod \"%s\" not found",
             c->name, pod->meta.name);
        return;
    }
    /* A container that ran keeps its log, terminated or waiting to restart. */
    if (!pod->started && pod->runs == NULL) {
        fail(run, "Error from server (BadRequest): container \"%s\" in pod \"%s\" is waiting to start: "
             "ContainerCreating", c->name, pod->meta.name);
        return;
    }
    text = run->kubectl->logs != NULL ? run->kubectl->logs(pod, c, previous, run->kubectl->logs_data) : NULL;
    if (text == NULL) {
        g_string_append_printf(run->result.err, "knetsim: what %s prints (image %s) is not simulated\n",
                               c->name, c->image);
        run->result.status = 126;
        return;
    }

    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = *text != '\0' ? g_strv_length(lines) - 1 : 0;   /* the text ends in a newline */
    guint first = has_tail && tail < n ? n - (guint) tail : 0;

    for (guint i = first; i < n; i++) {
        if (flag_on(args, "prefix"))
            g_string_append_printf(run->result.out, "[pod/%s/%s] ", pod->meta.name, c->name);
        g_string_append_printf(run->result.out, "%s\n", lines[i]);
    }
}

/* logs (POD | TYPE/NAME | -l SELECTOR) [-c C] [--tail=N] [--prefix]
 * (logs.go): a Deployment, ReplicaSet, StatefulSet, DaemonSet or Service
 * reads one of its pods ("Found N pods, using pod/X" when it has more);
 * a selector reads every pod it takes. */
static void
cmd_logs(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "container", 'c', TRUE }, { "tail", 0, TRUE }, { "follow", 'f', FALSE }, { "previous", 'p', FALSE },
        { "timestamps", 0, FALSE }, { "prefix", 0, FALSE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    KnStore *store = run->kubectl->cluster->store;
    const char *ns, *selector_text;
    guint64 tail = 0;
    gboolean has_tail;
    g_autoptr(GPtrArray) pods = g_ptr_array_new();

    if (!parse_args(run, words, 1, flags, "kubectl logs", &args))
        return;
    if (flag_on(&args, "follow") || flag_on(&args, "timestamps")) {
        g_string_append_printf(run->result.err, "knetsim: kubectl logs %s is not simulated\n",
                               flag_on(&args, "follow") ? "-f" : "--timestamps");
        run->result.status = 126;
        return;
    }
    has_tail = flag(&args, "tail") != NULL && strcmp(flag(&args, "tail"), "-1") != 0;
    if (has_tail && !int_flag(run, &args, "tail", G_MAXINT64, &tail))
        return;
    ns = namespace_of(&args);
    selector_text = flag(&args, "selector");
    if (selector_text != NULL) {
        g_autofree char *message = NULL;
        g_autoptr(GPtrArray) selector = parse_selector(selector_text, &message);

        if (selector == NULL) {
            fail(run, "%s", message);
            return;
        }
        add_matching(store, KN_KIND_POD, ns, selector, pods);
        if (pods->len == 0) {
            g_string_append_printf(run->result.err, "No resources found in %s namespace.\n", ns);
            return;
        }
        /* The default --tail with a selector is 10 lines a pod. */
        if (!has_tail) {
            tail = 10;
            has_tail = TRUE;
        }
        for (guint i = 0; i < pods->len && run->result.status == 0; i++)
            pod_logs(run, &args, pods->pdata[i], tail, has_tail);
        return;
    }
    if (args.args->len != 1) {
        fail(run, "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
             "POD or TYPE/NAME is a required argument for the logs command\n"
             "See 'kubectl logs -h' for help and examples");
        return;
    }

    const char *target = args.args->pdata[0], *slash = strchr(target, '/');
    g_autofree char *type = slash != NULL ? g_strndup(target, (gsize) (slash - target)) : NULL;
    const char *name = slash != NULL ? slash + 1 : target;
    KnKind kind = KN_KIND_POD;

    if (type != NULL && !resource_lookup(type, &kind)) {
        fail(run, "error: the server doesn't have a resource type \"%s\"", type);
        return;
    }
    if (kind == KN_KIND_POD) {
        const KnPod *pod = kn_store_lookup(store, KN_KIND_POD, ns, name);

        if (pod == NULL)
            fail(run, "error: error from server (NotFound): pods \"%s\" not found in namespace \"%s\"", name, ns);
        else
            pod_logs(run, &args, pod, tail, has_tail);
        return;
    }

    gpointer object = kn_store_lookup(store, kind, ns, name);
    const KnLabels *selector;

    if (object == NULL) {
        not_found(run, kind, name);
        return;
    }
    if (kind != KN_KIND_DEPLOYMENT && kind != KN_KIND_REPLICA_SET && kind != KN_KIND_STATEFUL_SET
        && kind != KN_KIND_DAEMON_SET && kind != KN_KIND_SERVICE) {
        fail(run, "error: cannot get the logs from %s", kn_store_resource_name(kind));
        return;
    }
    selector = workload_selector(kind, object);

    g_autoptr(GPtrArray) all = kn_store_list(store, KN_KIND_POD, ns);

    for (guint i = 0; i < all->len; i++) {
        const KnPod *pod = all->pdata[i];

        if (selector != NULL && kn_labels_size(selector) > 0 && kn_labels_match(pod->meta.labels, selector))
            g_ptr_array_add(pods, (gpointer) pod);
    }
    if (pods->len == 0) {
        fail(run, "error: timed out waiting for the condition");
        return;
    }
    g_ptr_array_sort(pods, compare_by_logging);
    if (pods->len > 1)
        g_string_append_printf(run->result.err, "Found %u pods, using pod/%s\n", pods->len,
                               ((const KnPod *) pods->pdata[0])->meta.name);
    pod_logs(run, &args, pods->pdata[0], tail, has_tail);
}

/* get with several types: for each, its objects (named, or those the
 * selector takes) as a table of its own, names prefixed with the kind,
 * a blank line between tables (get.go's separator), "No resources found"
 * once if none has any.  -o name simply lists them all. */
static void
get_several(Run *run, const GArray *kinds, const GPtrArray *names, const GPtrArray *selector,
            const char *label_text, const char *field_text, const char *sort_by,
            KnKubectlPrintOptions *options, gboolean watch)
{
    KnStore *store = run->kubectl->cluster->store;
    KnTime now = kn_sim_now(run->kubectl->cluster->sim);
    gboolean printed = FALSE;
    gboolean table = options->output == KN_KUBECTL_OUTPUT_TABLE || options->output == KN_KUBECTL_OUTPUT_WIDE;

    if (watch || (!table && options->output != KN_KUBECTL_OUTPUT_NAME) || (!table && sort_by != NULL)) {
        g_string_append(run->result.err, watch ? "knetsim: kubectl get --watch of several types is not simulated\n"
                                         : sort_by != NULL ? "knetsim: kubectl get -o name --sort-by of several "
                                                             "types is not simulated\n"
                                         : "knetsim: kubectl get -o of several types is not simulated\n");
        run->result.status = 126;
        return;
    }
    /* RuntimeSorter gets a Table per type and sorts those (get.go). */
    if (sort_by != NULL) {
        g_autofree char *error = NULL;

        if (!kn_kubectl_print_sort_tables(sort_by, &error)) {
            fail(run, "error: %s", error);
            return;
        }
    }
    options->show_kind = TRUE;
    options->single = FALSE;
    for (guint k = 0; k < kinds->len; k++) {
        KnKind kind = g_array_index(kinds, KnKind, k);
        gboolean failed;
        g_autoptr(KnFieldSelector) fields = parse_field_selector(run, kind, label_text, field_text, &failed);
        g_autoptr(GPtrArray) objects = failed ? g_ptr_array_new()
                                              : get_objects(run, kind, names, selector, fields, options);
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GString) err = g_string_new(NULL);

        if (objects->len == 0)
            continue;
        kn_kubectl_print(kind, objects, options, store, now, out, err);
        if (printed && !options->no_headers && options->output != KN_KUBECTL_OUTPUT_NAME)
            g_string_append_c(run->result.out, '\n');
        g_string_append(run->result.out, out->str);
        printed = TRUE;
    }
    if (!printed && names->len == 0 && options->output != KN_KUBECTL_OUTPUT_NAME && run->result.status == 0) {
        if (options->all_namespaces)
            g_string_append(run->result.err, "No resources found\n");
        else
            g_string_append_printf(run->result.err, "No resources found in %s namespace.\n", options->namespace);
    }
}

/* --sort-by on what one type's get prints (get.go Run, printGeneric,
 * watch).  Tables: several names give a Table each, which RuntimeSorter
 * sorts as objects; one Table's rows are sorted by SortingPrinter, whose
 * error Run ignores (the table is left out, then maybe "No resources
 * found"), while watch() fails with it.  Other outputs sort the List
 * printGeneric makes, unless one object was named; watch() prints its
 * items one by one, unsorted.  FALSE when nothing more is to be printed
 * (the message, if any, is in 'run'). */
static gboolean
sort_objects(Run *run, KnKind kind, GPtrArray *objects, const char *sort_by, const KnKubectlPrintOptions *options,
             guint n_names, gboolean watch)
{
    gboolean table = options->output == KN_KUBECTL_OUTPUT_TABLE || options->output == KN_KUBECTL_OUTPUT_WIDE;
    g_autofree char *error = NULL;
    gboolean fatal = FALSE;

    if (table && n_names >= 2) {
        if (objects->len >= 2 && !kn_kubectl_print_sort_tables(sort_by, &error)) {
            fail(run, "error: %s", error);
            return FALSE;
        }
        return TRUE;
    }
    if ((!table && (options->single || watch))
        || kn_kubectl_print_sort(kind, objects, sort_by, table, run->kubectl->cluster->store, &error, &fatal))
        return TRUE;
    if (fatal) {
        /* klog.Exitf: its header (severity, time, pid, file:line) is left out. */
        fail(run, "%s", error);
    } else if (!table) {
        fail(run, "error: %s", error);
    } else if (watch) {
        fail(run, "error: unable to output the provided object: %s", error);
    } else {
        g_autoptr(GPtrArray) none = g_ptr_array_new();

        kn_kubectl_print(kind, none, options, run->kubectl->cluster->store, 0, run->result.out, run->result.err);
    }
    return FALSE;
}

/* For a watch with a field selector: the rows of the objects listed, to
 * print again if they stop matching. */
static void
remember_rows(Run *run, KnKind kind, const GPtrArray *objects, const KnKubectlPrintOptions *options)
{
    KnKubectlPrintOptions rows = *options;

    rows.no_headers = TRUE;
    for (guint i = 0; i < objects->len; i++) {
        const KnObjectMeta *meta = kn_object_meta(objects->pdata[i]);
        g_autoptr(GPtrArray) one = g_ptr_array_new();
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GString) err = g_string_new(NULL);

        g_ptr_array_add(one, objects->pdata[i]);
        kn_kubectl_print(kind, one, &rows, run->kubectl->cluster->store, kn_sim_now(run->kubectl->cluster->sim),
                         out, err);
        g_hash_table_replace(run->shown, g_strdup_printf("%s/%s", meta->namespace != NULL ? meta->namespace : "",
                                                         meta->name),
                             g_string_free(g_steal_pointer(&out), FALSE));
    }
}

static void
cmd_get(Run *run, GStrv words)
{
    static const Flag flags[] = {
        { "show-labels", 0, FALSE }, { "watch", 'w', FALSE }, { "request-timeout", 0, TRUE },
        { "no-headers", 0, FALSE }, { "field-selector", 0, TRUE }, { "sort-by", 0, TRUE }, { NULL },
    };
    g_auto(Args) args = { 0 };
    KnKind kind;

    if (!parse_args(run, words, 1, flags, "kubectl get", &args))
        return;
    if (args.args->len == 0) {
        fail(run, "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n"
             "error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\n"
             "See 'kubectl get -h' for help and examples");
        return;
    }

    /* "svc", "svc web", "svc/web" */
    g_autofree char *type = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *first = args.args->pdata[0];
    const char *slash = strchr(first, '/');

    type = slash != NULL ? g_strndup(first, (gsize) (slash - first)) : g_strdup(first);
    if (slash != NULL)
        g_ptr_array_add(names, g_strdup(slash + 1));
    for (guint i = 1; i < args.args->len; i++)
        g_ptr_array_add(names, g_strdup(args.args->pdata[i]));
    /* "svc,ep" and the "all" category (pods, services, daemonsets,
     * deployments, replicasets, statefulsets of those knetsim has, in
     * kubectl's order): several types print each as a table of its own,
     * the names with their kind. */
    g_autoptr(GArray) kinds = g_array_new(FALSE, FALSE, sizeof(KnKind));
    g_auto(GStrv) types = g_strsplit(type, ",", -1);
    gboolean several = FALSE;

    for (guint i = 0; types[i] != NULL; i++) {
        static const KnKind all[] = {
            KN_KIND_POD, KN_KIND_SERVICE, KN_KIND_DAEMON_SET, KN_KIND_DEPLOYMENT, KN_KIND_REPLICA_SET,
            KN_KIND_STATEFUL_SET,
        };

        if (strcmp(types[i], "all") == 0) {
            g_array_append_vals(kinds, all, G_N_ELEMENTS(all));
            several = TRUE;
        } else if (resource_lookup(types[i], &kind)) {
            g_array_append_val(kinds, kind);
        } else {
            fail(run, "error: the server doesn't have a resource type \"%s\"", types[i]);
            return;
        }
    }
    if (kinds->len == 0) {              /* "/NAME": no type before the slash */
        fail(run, "error: arguments in resource/name form must have a single resource and name");
        return;
    }
    several |= kinds->len > 1;
    kind = g_array_index(kinds, KnKind, 0);

    KnKubectlPrintOptions options = { 0 };
    const char *output = flag(&args, "output");
    const char *selector_text = flag(&args, "selector");
    g_autoptr(GPtrArray) selector = NULL;

    options.show_labels = flag_on(&args, "show-labels");
    options.no_headers = flag_on(&args, "no-headers");
    options.all_namespaces = flag_on(&args, "all-namespaces");
    options.namespace = namespace_of(&args);
    options.single = names->len == 1;
    if (output == NULL)
        options.output = KN_KUBECTL_OUTPUT_TABLE;
    else if (strcmp(output, "wide") == 0)
        options.output = KN_KUBECTL_OUTPUT_WIDE;
    else if (strcmp(output, "yaml") == 0)
        options.output = KN_KUBECTL_OUTPUT_YAML;
    else if (strcmp(output, "json") == 0)
        options.output = KN_KUBECTL_OUTPUT_JSON;
    else if (strcmp(output, "name") == 0)
        options.output = KN_KUBECTL_OUTPUT_NAME;
    else if (strcmp(output, "jsonpath") == 0 || g_str_has_prefix(output, "jsonpath=")) {
        options.output = KN_KUBECTL_OUTPUT_JSONPATH;
        options.template = output[strlen("jsonpath")] == '=' ? output + strlen("jsonpath=") : "";
    } else if (strcmp(output, "custom-columns") == 0 || g_str_has_prefix(output, "custom-columns=")) {
        options.output = KN_KUBECTL_OUTPUT_CUSTOM_COLUMNS;
        options.template = output[strlen("custom-columns")] == '=' ? output + strlen("custom-columns=") : "";
    } else {
        fail(run, "error: unable to match a printer suitable for the output format \"%s\", allowed formats are: "
             "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
             "jsonpath-file,name,template,templatefile,wide,yaml", output);
        return;
    }
    /* The builder trims both selectors and sends none that is empty. */
    g_autofree char *label_text = g_strstrip(g_strdup(selector_text != NULL ? selector_text : ""));
    g_autofree char *field_text = g_strstrip(g_strdup(flag(&args, "field-selector") != NULL
                                                      ? flag(&args, "field-selector") : ""));
    const char *sort_by = flag(&args, "sort-by") != NULL && *flag(&args, "sort-by") != '\0' ? flag(&args, "sort-by")
                                                                                            : NULL;
    gboolean watch = flag_on(&args, "watch");

    if (watch && sort_by != NULL)
        g_string_append(run->result.err, "warning: --watch requested, --sort-by will be ignored for watch "
                                          "events received\n");
    /* visitBySelector: a selector lists; it takes no names. */
    if (*label_text != '\0' || *field_text != '\0') {
        if (slash != NULL) {
            fail(run, "error: selectors and the all flag cannot be used when passing resource/name arguments");
            return;
        }
        if (names->len > 0) {
            fail(run, "error: name cannot be provided when a selector is specified");
            return;
        }
    }
    if (selector_text != NULL) {
        g_autofree char *message = NULL;

        selector = parse_selector(selector_text, &message);
        if (selector == NULL) {
            fail(run, "%s", message);
            return;
        }
    }

    KnStore *store = run->kubectl->cluster->store;

    if (several) {
        get_several(run, kinds, names, selector, label_text, field_text, sort_by, &options, watch);
        return;
    }

    gboolean failed;
    g_autoptr(KnFieldSelector) fields = parse_field_selector(run, kind, label_text, field_text, &failed);

    if (failed)
        return;

    const char *ns = namespaced(kind) && !options.all_namespaces ? options.namespace : NULL;
    g_autoptr(GPtrArray) objects = get_objects(run, kind, names, selector, fields, &options);
    if (names->len > 0 && objects->len == 0)
        return;
    if (sort_by != NULL && !sort_objects(run, kind, objects, sort_by, &options, names->len, watch))
        return;
    if (!kn_kubectl_print(kind, objects, &options, store, kn_sim_now(run->kubectl->cluster->sim),
                          run->result.out, run->result.err))
        run->result.status = 1;

    /* --watch: then every change, until --request-timeout (10s unless given:
     * a real watch runs until interrupted, a scenario's step must end). */
    if (flag_on(&args, "watch") && run->result.status == 0) {
        KnTime timeout = 10 * KN_SEC;
        const char *text = flag(&args, "request-timeout");
        g_autoptr(GError) error = NULL;

        if (text != NULL && !kn_time_parse(text, &timeout, &error)) {
            fail(run, "error: invalid argument \"%s\" for \"--request-timeout\" flag: %s", text, error->message);
            return;
        }
        run->kind = kind;
        run->namespace = g_strdup(ns);
        run->names = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < names->len; i++)
            g_ptr_array_add(run->names, g_strdup(names->pdata[i]));
        run->selector = g_steal_pointer(&selector);
        run->fields = g_steal_pointer(&fields);
        run->shown = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        if (run->fields != NULL)
            remember_rows(run, kind, objects, &options);
        run->template = g_strdup(options.template);
        run->print = g_memdup2(&options, sizeof options);
        run->print->template = run->template;
        run->print->namespace = NULL;
        run->watch_end = kn_sim_now(run->kubectl->cluster->sim) + timeout;
        kn_store_watch(store, kind, on_watch_event, run);
        wait_until(run, poll_watch);
    }
}

/*****************************************************************************/

KnKubectl *
kn_kubectl_new(KnCluster *cluster, KnWorkloads *workloads)
{
    KnKubectl *kubectl = g_new0(KnKubectl, 1);

    kubectl->cluster = cluster;
    kubectl->workloads = workloads;
    kubectl->workdir = g_strdup(".");
    return kubectl;
}

void
kn_kubectl_set_workdir(KnKubectl *kubectl, const char *workdir)
{
    g_free(kubectl->workdir);
    kubectl->workdir = g_strdup(workdir);
}

void
kn_kubectl_set_attach(KnKubectl *kubectl, KnKubectlAttach attach, gpointer user_data)
{
    kubectl->attach = attach;
    kubectl->attach_data = user_data;
}

void
kn_kubectl_set_logs(KnKubectl *kubectl, KnKubectlLogs logs, gpointer user_data)
{
    kubectl->logs = logs;
    kubectl->logs_data = user_data;
}

void
kn_kubectl_free(KnKubectl *kubectl)
{
    if (kubectl == NULL)
        return;
    g_free(kubectl->workdir);
    g_free(kubectl);
}

/* Whether execve() of kubectl with the arguments 'words' fails with E2BIG
 * (fs/exec.c: each string, NUL included, at most MAX_ARG_STRLEN = 32
 * pages; the strings and their pointers at most a quarter of the stack
 * limit, the environment's share left out here). */
static gboolean
argv_too_long(const char *const *words)
{
    const gsize max_arg_strlen = 32 * 4096, arg_max = 8 * 1024 * 1024 / 4;
    gsize total = sizeof "kubectl" + 2 * sizeof(char *);

    for (guint i = 0; words[i] != NULL; i++) {
        gsize size = strlen(words[i]) + 1;

        if (size > max_arg_strlen)
            return TRUE;
        total += size + sizeof(char *);
    }
    return total > arg_max;
}

void
kn_kubectl_run(KnKubectl *kubectl, const char *command_line, const char *stdin_text,
               KnKubectlDone done, gpointer user_data)
{
    g_return_if_fail(kubectl != NULL && command_line != NULL && done != NULL);

    Run *run = g_new0(Run, 1);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) words = kn_shell_split(command_line, &error);

    kn_recorder_catch_up(kubectl->cluster->recorder);    /* a failing probe's events so far */
    run->kubectl = kubectl;
    run->stdin_text = stdin_text;
    run->result.out = g_string_new(NULL);
    run->result.err = g_string_new(NULL);
    run->done = done;
    run->user_data = user_data;

    if (words == NULL) {
        fail(run, "bash: -c: line 1: %s", error->message);
        run->result.status = 2;
    } else if (argv_too_long((const char *const *) words)) {
        fail(run, "bash: /usr/local/bin/kubectl: Argument list too long");
        run->result.status = 126;
    } else if (words[0] == NULL) {
        fail(run, "error: a command is required");
    } else if (strcmp(words[0], "create") == 0 && words[1] != NULL && strcmp(words[1], "deployment") == 0) {
        cmd_create_deployment(run, words);
    } else if (strcmp(words[0], "create") == 0 && words[1] != NULL
               && (strcmp(words[1], "service") == 0 || strcmp(words[1], "svc") == 0)) {
        cmd_create_service(run, words);
    } else if (strcmp(words[0], "create") == 0 && words[1] != NULL
               && (strcmp(words[1], "namespace") == 0 || strcmp(words[1], "ns") == 0
                   || strcmp(words[1], "configmap") == 0 || strcmp(words[1], "cm") == 0)) {
        cmd_create_object(run, words);
    } else if (strcmp(words[0], "set") == 0) {
        cmd_set(run, words);
    } else if (strcmp(words[0], "patch") == 0) {
        cmd_patch(run, words);
    } else if (strcmp(words[0], "apply") == 0) {
        cmd_apply(run, words);
    } else if (strcmp(words[0], "describe") == 0) {
        cmd_describe(run, words);
    } else if (strcmp(words[0], "get") == 0) {
        cmd_get(run, words);
    } else if (strcmp(words[0], "run") == 0) {
        cmd_run(run, words);
    } else if (strcmp(words[0], "expose") == 0) {
        cmd_expose(run, words);
    } else if (strcmp(words[0], "scale") == 0) {
        cmd_scale(run, words);
    } else if (strcmp(words[0], "delete") == 0) {
        cmd_delete(run, words);
    } else if (strcmp(words[0], "label") == 0) {
        cmd_label(run, words);
    } else if (strcmp(words[0], "annotate") == 0) {
        cmd_annotate(run, words);
    } else if (strcmp(words[0], "top") == 0) {
        /* kind installs no metrics-server. */
        fail(run, "error: Metrics API not available");
    } else if (strcmp(words[0], "version") == 0 && words[1] == NULL) {
        g_string_append_printf(run->result.out, "Client Version: %s\nKustomize Version: v5.4.2\nServer Version: %s\n",
                               KN_KUBERNETES_VERSION, KN_KUBERNETES_VERSION);
    } else if (strcmp(words[0], "rollout") == 0) {
        cmd_rollout(run, words);
    } else if (strcmp(words[0], "wait") == 0) {
        cmd_wait(run, words);
    } else if (strcmp(words[0], "logs") == 0) {
        cmd_logs(run, words);
    } else if (strcmp(words[0], "exec") == 0) {
        cmd_exec(run, words);
    } else {
        fail(run, "error: unknown command \"%s\" for \"kubectl\"", words[0]);
    }
    if (run->poll == NULL)               /* else it finishes when its wait is over */
        finish(run);
}
