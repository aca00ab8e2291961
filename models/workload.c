/* workload.c -- Deployment and ReplicaSet controllers, scheduler, kubelet.
 *
 * DOC: The objects and names are the real ones (kube-controller-manager
 * pkg/controller/deployment and replicaset, kube-scheduler, kubelet):
 * - A Deployment owns one ReplicaSet per pod template, named
 *   "<deployment>-<pod-template-hash>", whose pods and selector carry the
 *   label pod-template-hash.  The hash is a 32-bit FNV-1a of the template
 *   written out as decimal and mapped through the alphabet
 *   "bcdfghjklmnpqrstvwxz2456789" (apimachinery rand.SafeEncodeString), so
 *   it looks like the real "7c5ddbdf54"; the real one hashes Go's printout
 *   of the template struct, which knetsim cannot reproduce, so the seed is
 *   mixed in instead.
 * - A ReplicaSet names its pods "<replicaset>-<5 characters>" (generateName).
 *   Scaling down deletes, in this order of preference, pods not yet
 *   scheduled, pending, not ready, then the newest (ActivePodsWithRanks).
 * - A rolling update scales the new ReplicaSet up to replicas + maxSurge in
 *   total and old ones down while at least replicas - maxUnavailable pods
 *   are available; maxSurge rounds up and maxUnavailable down from a
 *   percentage, and both 0 means maxUnavailable 1 (ResolveFenceposts).
 *   A Recreate rollout scales the old ReplicaSets to 0 and makes the new
 *   one only once all their pods, terminating ones too, are gone.
 * - The scheduler keeps nodes that are schedulable, whose NoSchedule and
 *   NoExecute taints it tolerates, that match the pod's nodeSelector and
 *   have room for one more pod (maxPods) and its cpu request; a pod no node
 *   takes gets the FitError as its PodScheduled condition and a
 *   FailedScheduling event, and is tried again when a node changes or a
 *   bound pod goes, after its backoff.  It prefers the node with the fewest pods of the same owner (the default
 *   topology spread), then the fewest pods, then picks at random among
 *   equals from the "scheduler" stream, as the real one picks among equal
 *   scores.
 * - The kubelet gives a pod the next free address of its node's /24 from .2
 *   (host-local IPAM, .1 is the cni0 bridge), starts it, and marks it Ready
 *   at once without a readiness probe, or after the first probe, which runs
 *   initialDelaySeconds after the start.  On deletion the pod is Terminating
 *   until its process exits: at once for servers that stop on SIGTERM, after
 *   terminationGracePeriodSeconds for `sleep`, which ignores it as PID 1.
 *   A pod bound at creation (spec.nodeName, as DaemonSet pods are) goes
 *   straight to its node's kubelet.  A stopped kubelet (a failed node,
 *   node-lifecycle.h) does none of this: its pods neither start nor finish
 *   terminating until it starts again and resyncs them.
 *
 * Readiness probes run against the application the image serves (the data
 * path's prober, kn_workloads_set_prober()): a probe that fails leaves the
 * pod Running but not Ready, so it is no endpoint.
 *
 * The controllers, the scheduler and the kubelet record what they do as
 * Events (recorder.h): ScalingReplicaSet on the Deployment for each scale
 * of one of its sets; SuccessfulCreate and SuccessfulDelete on the
 * ReplicaSet for each pod; Scheduled; for each container in turn Pulling
 * and Pulled (or "already present", for an image the node has under
 * IfNotPresent); Created and Started; Unhealthy for each failed probe;
 * Killing as the pod is deleted.
 *
 * Simplified: fixed latencies (below) stand in for watch delays, image
 * pulls and start-up; applications answer the same way every time, so the
 * first probe decides for good (the kubelet would probe every
 * periodSeconds and get the same answer: a failing probe's later failures
 * are the recorder's recurring Unhealthy event); the scheduler does not
 * retry an unschedulable pod every 5 minutes on its own (only on a
 * change), which would keep a run from ending; no memory requests. */

#include <config.h>
#include "models/workload.h"

#include <stdarg.h>
#include <string.h>
#include "models/images.h"
#include "models/workqueue.h"

#define CONTROLLER_DELAY (10 * KN_MSEC)  /* watch event to reconcile */
#define SCHEDULE_DELAY (5 * KN_MSEC)     /* pod created to bound */
#define SANDBOX_DELAY (300 * KN_MSEC)    /* bound to sandbox with an address */
#define PULL_DELAY (1500 * KN_MSEC)      /* first use of an image on a node */
#define START_DELAY (200 * KN_MSEC)      /* container created to running */
#define STOP_DELAY (500 * KN_MSEC)       /* SIGTERM to exit, for servers */
#define RELIST_PERIOD KN_SEC             /* the PLEG's relist: an exit is noticed by then */
#define RESTART_BACK_OFF (10 * KN_SEC)   /* the kubelet's crash back-off, doubling (kuberuntime) */
#define RESTART_BACK_OFF_MAX (300 * KN_SEC)

#define HASH_ALPHABET "bcdfghjklmnpqrstvwxz2456789"

struct KnWorkloads {
    KnCluster *cluster;                  /* borrowed */
    KnWorkQueue *deployments;            /* Deployments to reconcile */
    KnWorkQueue *replica_sets;           /* ReplicaSets to reconcile */
    GHashTable *pulled;                  /* "node image" pairs already pulled */
    GHashTable *ipam;                    /* node name -> NodeIpam */
    GHashTable *bound_by_owner;          /* owner uid -> (KnNode * -> its pods bound there) */
    GHashTable *hashes;                  /* "uid#generation" of a Deployment -> its template hash */
    GPtrArray *nodes;                    /* the nodes by name, for the scheduler; NULL: stale */
    guint *siblings;                     /* scratch, per node of 'nodes': the pod's owner's pods there */
    guint *totals;                       /* per node of 'nodes': pods bound there */
    guint8 *plain;                       /* per node of 'nodes': fits any pod without a nodeSelector */
    guint *room;                         /* per node of 'nodes': its allocatable pods */
    guint *best;                         /* scratch: indexes of the best nodes found */
    guint next_node;                     /* where the scheduler's next search starts */
    GHashTable *waiting;                 /* uid -> Waiting: pods that failed to schedule */
    GQueue waiting_order;                /* Waiting, in the order they first failed */
    GHashTable *stopped;                 /* names of nodes whose kubelet is stopped */
    KnWorkloadsProber prober;            /* runs readiness probes; NULL: they succeed */
    gpointer prober_data;
    KnWorkloadsRunner runner;            /* starts containers' processes; NULL: none runs */
    gpointer runner_data;
};

/* The data of a kubelet or scheduler event: the pod it is about. */
typedef struct {
    KnWorkloads *workloads;
    char *namespace;
    char *name;
    guint container;             /* the kubelet's start: the container it is at */
} Work;

static void
work_free(Work *work)
{
    g_free(work->namespace);
    g_free(work->name);
    g_free(work);
}

static Work *
work_new(KnWorkloads *workloads, const KnObjectMeta *meta)
{
    Work *work = g_new(Work, 1);

    work->workloads = workloads;
    work->namespace = g_strdup(meta->namespace);
    work->name = g_strdup(meta->name);
    work->container = 0;
    return work;
}

static void on_schedule(KnSim *sim, gpointer data);
static void on_sandbox(KnSim *sim, gpointer data);
static void on_pulled(KnSim *sim, gpointer data);
static void on_started(KnSim *sim, gpointer data);
static void on_probe(KnSim *sim, gpointer data);
static gboolean probes_pass(KnWorkloads *workloads, const KnPod *pod);
static void on_stopped(KnSim *sim, gpointer data);
static void on_exit_noticed(KnSim *sim, gpointer data);
static void on_restart(KnSim *sim, gpointer data);

static const KnEventClass schedule_class = { "schedule", on_schedule, (GDestroyNotify) work_free };
static const KnEventClass sandbox_class = { "pod-sandbox", on_sandbox, (GDestroyNotify) work_free };
static const KnEventClass pulled_class = { "image-pulled", on_pulled, (GDestroyNotify) work_free };
static const KnEventClass started_class = { "pod-started", on_started, (GDestroyNotify) work_free };
static const KnEventClass probe_class = { "readiness-probe", on_probe, (GDestroyNotify) work_free };
static const KnEventClass exit_class = { "container-exit", on_exit_noticed, (GDestroyNotify) work_free };
static const KnEventClass restart_class = { "container-restart", on_restart, (GDestroyNotify) work_free };
static const KnEventClass stopped_class = { "pod-stopped", on_stopped, (GDestroyNotify) work_free };

static KnPod *
work_lookup(Work *work)
{
    return kn_store_lookup(work->workloads->cluster->store, KN_KIND_POD, work->namespace, work->name);
}

/*****************************************************************************/
/* Helpers. */

char *
kn_workloads_template_hash(const KnPodTemplate *template, guint64 seed)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *labels = kn_labels_to_string(template->labels);
    guint32 hash = 2166136261u;

    g_string_append_printf(text, "%" G_GUINT64_FORMAT "|%s|", seed, labels);
    for (guint i = 0; i < template->spec.containers->len; i++) {
        const KnContainer *c = template->spec.containers->pdata[i];

        g_string_append_printf(text, "%s=%s;", c->name, c->image);
        for (guint j = 0; j < c->command->len; j++)
            g_string_append_printf(text, "%s ", (const char *) c->command->pdata[j]);
        for (guint j = 0; j < c->ports->len; j++)
            g_string_append_printf(text, "p%u/%d", ((KnContainerPort *) c->ports->pdata[j])->container_port,
                                   ((KnContainerPort *) c->ports->pdata[j])->protocol);
        /* Resources are part of the template: changing them rolls out. */
        if (kn_labels_size(c->requests) + kn_labels_size(c->limits) > 0) {
            g_autofree char *requests = kn_labels_to_string(c->requests);
            g_autofree char *limits = kn_labels_to_string(c->limits);

            g_string_append_printf(text, "r%s/l%s", requests, limits);
        }
        /* So is the readiness probe. */
        if (c->readiness.kind != KN_PROBE_NONE) {
            const KnProbe *p = &c->readiness;

            g_string_append_printf(text, "probe%d:%s:%u:%s:%u/%u/%u/%u/%u", p->kind,
                                   p->port.is_string ? p->port.name : "", p->port.number,
                                   p->path != NULL ? p->path : "", p->initial_delay_s, p->period_s,
                                   p->timeout_s, p->success_threshold, p->failure_threshold);
            for (guint j = 0; j < p->command->len; j++)
                g_string_append_printf(text, " %s", (const char *) p->command->pdata[j]);
        }
    }
    /* The template's annotations (`rollout restart` sets one), hashed
     * only when there are some so that templates without keep their
     * hashes. */
    if (kn_labels_size(template->annotations) > 0) {
        g_autofree char *annotations = kn_labels_to_string(template->annotations);

        g_string_append_printf(text, "a%s", annotations);
    }
    /* And spec.dnsConfig (hashed only when given, so that templates
     * without it keep their hashes). */
    if (template->spec.dns_config != NULL) {
        const KnPodDnsConfig *dns = template->spec.dns_config;

        g_string_append(text, "dns");
        for (guint i = 0; i < dns->nameservers->len; i++)
            g_string_append_printf(text, " n%s", (const char *) dns->nameservers->pdata[i]);
        for (guint i = 0; i < dns->searches->len; i++)
            g_string_append_printf(text, " s%s", (const char *) dns->searches->pdata[i]);
        for (guint i = 0; i < dns->options->len; i++) {
            const KnPodDnsConfigOption *option = dns->options->pdata[i];

            g_string_append_printf(text, " o%s%s%s", option->name, option->value != NULL ? "=" : "",
                                   option->value != NULL ? option->value : "");
        }
    }
    for (gsize i = 0; i < text->len; i++) {
        hash ^= (guchar) text->str[i];
        hash *= 16777619u;
    }

    char digits[16];
    gsize n = (gsize) g_snprintf(digits, sizeof digits, "%u", hash);

    for (gsize i = 0; i < n; i++)
        digits[i] = HASH_ALPHABET[(guchar) digits[i] % (sizeof HASH_ALPHABET - 1)];
    return g_strndup(digits, n);
}

/* The Deployment's pod-template-hash, computed again only when its spec
 * changed (its generation moved). */
static char *
template_hash(KnWorkloads *workloads, const KnDeployment *d)
{
    g_autofree char *key = g_strdup_printf("%s#%" G_GUINT64_FORMAT, d->meta.uid, d->meta.generation);
    const char *cached = g_hash_table_lookup(workloads->hashes, key);

    if (cached == NULL) {
        cached = kn_workloads_template_hash(&d->template, kn_sim_seed(workloads->cluster->sim));
        g_hash_table_insert(workloads->hashes, g_steal_pointer(&key), (gpointer) cached);
    }
    return g_strdup(cached);
}

/* Resolves a rolling-update bound ("25%" or 2) against 'replicas'. */
static guint
resolve_bound(const KnIntOrString *value, guint replicas, gboolean round_up)
{
    if (!value->is_string)
        return value->number;

    guint64 percent = g_ascii_strtoull(value->name, NULL, 10);
    guint64 scaled = percent * replicas;

    return (guint) (round_up ? (scaled + 99) / 100 : scaled / 100);
}

static gboolean
owned_by(const KnObjectMeta *meta, KnKind kind, const KnObjectMeta *owner)
{
    return meta->owner.name != NULL && meta->owner.kind == kind
           && g_strcmp0(meta->owner.uid, owner->uid) == 0;
}

/* The live (not terminating) pods that 'owner' of 'kind' owns. */
static GPtrArray *
owned_pods(KnWorkloads *workloads, KnKind kind, const KnObjectMeta *owner, gboolean include_terminating)
{
    g_autoptr(GPtrArray) all = kn_store_list_owned(workloads->cluster->store, KN_KIND_POD, owner->uid);
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < all->len; i++) {
        KnPod *pod = all->pdata[i];

        if (owned_by(&pod->meta, kind, owner) && (include_terminating || !pod->meta.deleting))
            g_ptr_array_add(out, pod);
    }
    return out;
}

static void
set_owner(KnObjectMeta *meta, KnKind kind, const KnObjectMeta *owner)
{
    meta->owner.kind = kind;
    meta->owner.name = g_strdup(owner->name);
    meta->owner.uid = g_strdup(owner->uid);
}

/*****************************************************************************/
/* ReplicaSets. */

/* Deletion preference, most deletable first (ActivePodsWithRanks, simplified). */
static gint
compare_for_deletion(gconstpointer a, gconstpointer b)
{
    const KnPod *x = *(KnPod *const *) a, *y = *(KnPod *const *) b;

    if ((x->spec.node_name == NULL) != (y->spec.node_name == NULL))
        return x->spec.node_name == NULL ? -1 : 1;
    if ((x->phase == KN_POD_PENDING) != (y->phase == KN_POD_PENDING))
        return x->phase == KN_POD_PENDING ? -1 : 1;
    if (x->ready != y->ready)
        return x->ready ? 1 : -1;
    if (x->meta.creation_time != y->meta.creation_time)
        return x->meta.creation_time > y->meta.creation_time ? -1 : 1;
    return strcmp(y->meta.name, x->meta.name);
}

static void
reconcile_replica_set(KnWorkloads *workloads, KnReplicaSet *rs)
{
    KnStore *store = workloads->cluster->store;
    g_autoptr(GPtrArray) pods = owned_pods(workloads, KN_KIND_REPLICA_SET, &rs->meta, FALSE);
    guint ready = 0;

    if (pods->len < rs->replicas) {
        for (guint i = pods->len; i < rs->replicas; i++) {
            KnPod *pod = kn_pod_new();

            pod->meta.namespace = g_strdup(rs->meta.namespace);
            pod->meta.generate_name = g_strconcat(rs->meta.name, "-", NULL);
            kn_labels_free(pod->meta.labels);
            pod->meta.labels = kn_labels_copy(rs->template.labels);
            set_owner(&pod->meta, KN_KIND_REPLICA_SET, &rs->meta);
            kn_pod_spec_clear(&pod->spec);
            kn_pod_spec_copy(&pod->spec, &rs->template.spec);
            if (kn_store_add(store, KN_KIND_POD, pod, NULL))
                kn_recorder_event(workloads->cluster->recorder, KN_KIND_REPLICA_SET, &rs->meta, NULL, FALSE,
                                  "SuccessfulCreate", "replicaset-controller", NULL, "Created pod: %s",
                                  pod->meta.name);
        }
    } else if (pods->len > rs->replicas) {
        g_ptr_array_sort(pods, compare_for_deletion);
        for (guint i = 0; i < pods->len - rs->replicas; i++) {
            KnPod *pod = pods->pdata[i];

            kn_workloads_delete_pod(workloads, pod);
            kn_recorder_event(workloads->cluster->recorder, KN_KIND_REPLICA_SET, &rs->meta, NULL, FALSE,
                              "SuccessfulDelete", "replicaset-controller", NULL, "Deleted pod: %s", pod->meta.name);
        }
    }

    /* List again only if this reconcile created or deleted pods. */
    g_autoptr(GPtrArray) now = pods->len != rs->replicas
                                   ? owned_pods(workloads, KN_KIND_REPLICA_SET, &rs->meta, FALSE)
                                   : g_ptr_array_ref(pods);

    for (guint i = 0; i < now->len; i++)
        ready += ((KnPod *) now->pdata[i])->ready;
    if (rs->status_replicas != now->len || rs->ready_replicas != ready) {
        rs->status_replicas = now->len;
        rs->ready_replicas = rs->available_replicas = ready;
        kn_store_update(store, KN_KIND_REPLICA_SET, rs, FALSE);
    }
}

/*****************************************************************************/
/* Deployments. */

/* The condition of 'type' in 'd''s status, or NULL. */
static KnDeploymentCondition *
deployment_condition(const KnDeployment *d, const char *type)
{
    for (guint i = 0; i < d->conditions->len; i++) {
        KnDeploymentCondition *c = d->conditions->pdata[i];

        if (strcmp(c->type, type) == 0)
            return c;
    }
    return NULL;
}

/* SetDeploymentCondition (deployment/util): nothing if the status and
 * reason are those in place; else the new condition goes last, keeping
 * its predecessor's transition time when the status is the same.  TRUE
 * if it changed anything.  Takes 'message'. */
static gboolean
set_deployment_condition(KnDeployment *d, const char *type, gboolean status, const char *reason,
                         char *message, KnTime now)
{
    KnDeploymentCondition *old = deployment_condition(d, type);
    KnDeploymentCondition *c;

    if (old != NULL && old->status == status && strcmp(old->reason, reason) == 0) {
        g_free(message);
        return FALSE;
    }
    c = g_new0(KnDeploymentCondition, 1);
    *c = (KnDeploymentCondition) { type, status, reason, message, now, now };
    if (old != NULL) {
        if (old->status == status)
            c->last_transition = old->last_transition;
        g_ptr_array_remove(d->conditions, old);
    }
    g_ptr_array_add(d->conditions, c);
    return TRUE;
}

/* syncRolloutStatus (deployment/sync.go) from the status in 'd' to the
 * counts given: Available from calculateStatus, then Progressing while a
 * rollout is under way (progressDeadlineSeconds is 600 by default, so it
 * is always tracked).  TRUE if a condition changed. */
static gboolean
sync_rollout_conditions(KnDeployment *d, const KnReplicaSet *new_rs, guint replicas, guint updated,
                        guint ready, guint available, KnTime now)
{
    gboolean changed = FALSE;
    /* MaxUnavailable: ResolveFenceposts rounds it down, and both bounds
     * at zero make it 1; never above the replicas. */
    guint max_unavailable = resolve_bound(&d->max_unavailable, d->replicas, FALSE);

    if (max_unavailable == 0 && resolve_bound(&d->max_surge, d->replicas, TRUE) == 0)
        max_unavailable = 1;
    /* MaxUnavailable is 0 for a Recreate Deployment: all must be up. */
    max_unavailable = d->replicas == 0 || d->recreate ? 0 : MIN(max_unavailable, d->replicas);
    if (available >= d->replicas - max_unavailable)
        changed |= set_deployment_condition(d, "Available", TRUE, "MinimumReplicasAvailable",
                                            g_strdup("Deployment has minimum availability."), now);
    else
        changed |= set_deployment_condition(d, "Available", FALSE, "MinimumReplicasUnavailable",
                                            g_strdup("Deployment does not have minimum availability."), now);

    KnDeploymentCondition *progressing = deployment_condition(d, "Progressing");

    if (replicas == updated && progressing != NULL && strcmp(progressing->reason, "NewReplicaSetAvailable") == 0)
        return changed;          /* the last rollout is complete: nothing to estimate */
    if (updated == d->replicas && replicas == d->replicas && available == d->replicas) {
        changed |= set_deployment_condition(d, "Progressing", TRUE, "NewReplicaSetAvailable",
                                            new_rs != NULL
                                            ? g_strdup_printf("ReplicaSet \"%s\" has successfully progressed.",
                                                              new_rs->meta.name)
                                            : g_strdup_printf("Deployment \"%s\" has successfully progressed.",
                                                              d->meta.name), now);
    } else if (updated > d->updated_replicas || replicas - updated < d->status_replicas - d->updated_replicas
               || ready > d->ready_replicas || available > d->available_replicas) {
        /* DeploymentProgressing: some progress since the last status.  The
         * condition is replaced (it goes last) with a new update time, its
         * transition time kept while it was True. */
        KnDeploymentCondition *c = g_new0(KnDeploymentCondition, 1);

        *c = (KnDeploymentCondition) { "Progressing", TRUE, "ReplicaSetUpdated",
                                       new_rs != NULL
                                       ? g_strdup_printf("ReplicaSet \"%s\" is progressing.", new_rs->meta.name)
                                       : g_strdup_printf("Deployment \"%s\" is progressing.", d->meta.name),
                                       now, now };
        if (progressing != NULL) {
            if (progressing->status)
                c->last_transition = progressing->last_transition;
            g_ptr_array_remove(d->conditions, progressing);
        }
        g_ptr_array_add(d->conditions, c);
        changed = TRUE;
    }
    return changed;
}

#define REVISION_ANNOTATION "deployment.kubernetes.io/revision"
#define REVISION_HISTORY_ANNOTATION "deployment.kubernetes.io/revision-history"
#define DESIRED_REPLICAS_ANNOTATION "deployment.kubernetes.io/desired-replicas"
#define MAX_REPLICAS_ANNOTATION "deployment.kubernetes.io/max-replicas"

/* An object's revision annotation; 0 if none. */
static guint64
revision_of(const KnObjectMeta *meta)
{
    const char *text = kn_labels_get(meta->annotations, REVISION_ANNOTATION);

    return text != NULL ? g_ascii_strtoull(text, NULL, 10) : 0;
}

/* Sets 'key' to 'value' in 'labels'; TRUE if that changed it. */
static gboolean
set_annotation(KnLabels *labels, const char *key, const char *value)
{
    if (g_strcmp0(kn_labels_get(labels, key), value) == 0)
        return FALSE;
    kn_labels_set(labels, key, value);
    return TRUE;
}

/* getNewReplicaSet's bookkeeping (deployment/sync.go, util): the new
 * ReplicaSet's revision is one past the highest of the others (an old
 * template come back, as after `rollout undo`, takes the new number and
 * keeps its old ones in revision-history); it carries the Deployment's
 * replicas and replicas + maxSurge; the Deployment shows its revision.
 * TRUE if the Deployment changed; updates the ReplicaSet itself. */
static gboolean
sync_revision(KnWorkloads *workloads, KnDeployment *d, KnReplicaSet *new_rs, const GPtrArray *all_rs)
{
    KnStore *store = workloads->cluster->store;
    guint64 max_old = 0, revision = revision_of(&new_rs->meta);
    gboolean rs_changed = FALSE;
    char text[24];

    for (guint i = 0; i < all_rs->len; i++) {
        const KnReplicaSet *rs = all_rs->pdata[i];

        if (rs != new_rs && owned_by(&rs->meta, KN_KIND_DEPLOYMENT, &d->meta))
            max_old = MAX(max_old, revision_of(&rs->meta));
    }
    if (revision < max_old + 1) {
        if (revision > 0) {
            const char *history = kn_labels_get(new_rs->meta.annotations, REVISION_HISTORY_ANNOTATION);
            g_autofree char *joined = history != NULL
                                      ? g_strdup_printf("%s,%" G_GUINT64_FORMAT, history, revision)
                                      : g_strdup_printf("%" G_GUINT64_FORMAT, revision);

            kn_labels_set(new_rs->meta.annotations, REVISION_HISTORY_ANNOTATION, joined);
        }
        revision = max_old + 1;
        g_snprintf(text, sizeof text, "%" G_GUINT64_FORMAT, revision);
        kn_labels_set(new_rs->meta.annotations, REVISION_ANNOTATION, text);
        rs_changed = TRUE;
    }
    g_snprintf(text, sizeof text, "%u", d->replicas);
    rs_changed |= set_annotation(new_rs->meta.annotations, DESIRED_REPLICAS_ANNOTATION, text);
    g_snprintf(text, sizeof text, "%u", d->replicas + (d->recreate ? 0 : resolve_bound(&d->max_surge, d->replicas, TRUE)));
    rs_changed |= set_annotation(new_rs->meta.annotations, MAX_REPLICAS_ANNOTATION, text);
    if (rs_changed)
        kn_store_update(store, KN_KIND_REPLICA_SET, new_rs, FALSE);
    g_snprintf(text, sizeof text, "%" G_GUINT64_FORMAT, revision);
    return set_annotation(d->meta.annotations, REVISION_ANNOTATION, text);
}

/* scaleReplicaSet (sync.go): sets 'rs''s replicas and records it on the
 * Deployment. */
static void
scale_replica_set(KnWorkloads *workloads, KnDeployment *d, KnReplicaSet *rs, guint replicas)
{
    guint old = rs->replicas;

    if (old == replicas)
        return;
    rs->replicas = replicas;
    kn_store_update(workloads->cluster->store, KN_KIND_REPLICA_SET, rs, TRUE);
    kn_workqueue_add(workloads->replica_sets, rs->meta.namespace, rs->meta.name);
    kn_recorder_event(workloads->cluster->recorder, KN_KIND_DEPLOYMENT, &d->meta, NULL, FALSE, "ScalingReplicaSet",
                      "deployment-controller", NULL, "Scaled %s replica set %s from %u to %u",
                      old < replicas ? "up" : "down", rs->meta.name, old, replicas);
}

/* The Deployment's status from the pods of every ReplicaSet it owns
 * ('new_rs' NULL while a Recreate waits for the old pods), stored if it or
 * the conditions and annotations ('changed') moved. */
static void
sync_status(KnWorkloads *workloads, KnDeployment *d, const KnReplicaSet *new_rs, const GPtrArray *all_rs,
            gboolean changed)
{
    guint replicas = 0, ready = 0, updated = 0;

    for (guint i = 0; i < all_rs->len; i++) {
        KnReplicaSet *rs = all_rs->pdata[i];

        if (!owned_by(&rs->meta, KN_KIND_DEPLOYMENT, &d->meta))
            continue;
        replicas += rs->status_replicas;
        ready += rs->ready_replicas;
        if (rs == new_rs)
            updated = rs->status_replicas;
    }
    changed |= sync_rollout_conditions(d, new_rs, replicas, updated, ready, ready,
                                       kn_sim_now(workloads->cluster->sim));

    if (changed || d->status_replicas != replicas || d->ready_replicas != ready || d->updated_replicas != updated
        || d->observed_generation != d->meta.generation) {
        d->observed_generation = d->meta.generation;
        d->status_replicas = replicas;
        d->ready_replicas = d->available_replicas = ready;
        d->updated_replicas = updated;
        kn_store_update(workloads->cluster->store, KN_KIND_DEPLOYMENT, d, FALSE);
    }
}

/* rolloutRecreate's oldPodsRunning: whether a pod of one of 'd''s
 * ReplicaSets other than 'new_name' is still there, terminating or not. */
static gboolean
old_pods_remain(KnWorkloads *workloads, const KnDeployment *d, const GPtrArray *all_rs, const char *new_name)
{
    for (guint i = 0; i < all_rs->len; i++) {
        const KnReplicaSet *rs = all_rs->pdata[i];

        if (!owned_by(&rs->meta, KN_KIND_DEPLOYMENT, &d->meta) || strcmp(rs->meta.name, new_name) == 0)
            continue;

        g_autoptr(GPtrArray) pods = owned_pods(workloads, KN_KIND_REPLICA_SET, &rs->meta, TRUE);

        if (pods->len > 0)
            return TRUE;
    }
    return FALSE;
}

static void
reconcile_deployment(KnWorkloads *workloads, KnDeployment *d)
{
    KnStore *store = workloads->cluster->store;
    g_autofree char *hash = template_hash(workloads, d);
    g_autofree char *rs_name = g_strconcat(d->meta.name, "-", hash, NULL);
    KnReplicaSet *new_rs = kn_store_lookup(store, KN_KIND_REPLICA_SET, d->meta.namespace, rs_name);
    g_autoptr(GPtrArray) all_rs = kn_store_list_owned(store, KN_KIND_REPLICA_SET, d->meta.uid);
    g_autoptr(GPtrArray) old_rs = g_ptr_array_new();
    guint total = 0, available = 0;
    gboolean changed = FALSE;       /* conditions or annotations */

    /* rolloutRecreate (recreate.go): the old ReplicaSets down to zero
     * first, and the new one made and scaled up only once all their pods
     * are gone. */
    if (d->recreate) {
        for (guint i = 0; i < all_rs->len; i++) {
            KnReplicaSet *rs = all_rs->pdata[i];

            if (rs != new_rs && owned_by(&rs->meta, KN_KIND_DEPLOYMENT, &d->meta) && rs->replicas > 0)
                scale_replica_set(workloads, d, rs, 0);
        }
        if (old_pods_remain(workloads, d, all_rs, rs_name)) {
            sync_status(workloads, d, new_rs, all_rs, FALSE);
            return;
        }
    }
    if (new_rs == NULL) {
        new_rs = kn_replica_set_new();
        new_rs->meta.namespace = g_strdup(d->meta.namespace);
        new_rs->meta.name = g_strdup(rs_name);
        kn_labels_free(new_rs->meta.labels);
        new_rs->meta.labels = kn_labels_copy(d->template.labels);
        kn_labels_set(new_rs->meta.labels, "pod-template-hash", hash);
        set_owner(&new_rs->meta, KN_KIND_DEPLOYMENT, &d->meta);
        kn_labels_free(new_rs->selector);
        new_rs->selector = kn_labels_copy(d->selector);
        kn_labels_set(new_rs->selector, "pod-template-hash", hash);
        kn_pod_template_clear(&new_rs->template);
        new_rs->template.labels = kn_labels_copy(d->template.labels);
        kn_labels_set(new_rs->template.labels, "pod-template-hash", hash);
        new_rs->template.annotations = kn_labels_copy(d->template.annotations);
        kn_pod_spec_copy(&new_rs->template.spec, &d->template.spec);
        new_rs->replicas = 0;
        kn_store_add(store, KN_KIND_REPLICA_SET, new_rs, NULL);
        /* getNewReplicaSet: a rollout starts. */
        changed = set_deployment_condition(d, "Progressing", TRUE, "NewReplicaSetCreated",
                                           g_strdup_printf("Created new replica set \"%s\"", rs_name),
                                           kn_sim_now(workloads->cluster->sim));
    }

    changed |= sync_revision(workloads, d, new_rs, all_rs);
    for (guint i = 0; i < all_rs->len; i++) {
        KnReplicaSet *rs = all_rs->pdata[i];

        if (!owned_by(&rs->meta, KN_KIND_DEPLOYMENT, &d->meta))
            continue;
        total += rs->replicas;
        available += rs->available_replicas;
        if (rs != new_rs && rs->replicas > 0)
            g_ptr_array_add(old_rs, rs);
    }

    if (old_rs->len == 0 || d->recreate) {
        /* Steady state, a plain scale, or a Recreate with the old pods gone. */
        scale_replica_set(workloads, d, new_rs, d->replicas);
    } else {
        /* A rolling update: surge the new set, then drain the old ones. */
        guint surge = resolve_bound(&d->max_surge, d->replicas, TRUE);
        guint unavailable = resolve_bound(&d->max_unavailable, d->replicas, FALSE);

        if (surge == 0 && unavailable == 0)
            unavailable = 1;
        if (total < d->replicas + surge && new_rs->replicas < d->replicas)
            scale_replica_set(workloads, d, new_rs,
                              MIN(d->replicas, new_rs->replicas + (d->replicas + surge - total)));

        /* reconcileOldReplicaSets (rolling.go): first scale down old pods
         * that are not available (cleanupUnhealthyReplicas), then available
         * ones while at least replicas - maxUnavailable stay available. */
        guint min_available = d->replicas > unavailable ? d->replicas - unavailable : 0;
        guint new_unavailable = new_rs->replicas > new_rs->available_replicas
                                ? new_rs->replicas - new_rs->available_replicas : 0;
        gint64 max_scaled_down = (gint64) total - min_available - new_unavailable;

        for (guint i = 0; i < old_rs->len && max_scaled_down > 0; i++) {
            KnReplicaSet *rs = old_rs->pdata[i];
            guint unhealthy = rs->replicas > rs->available_replicas ? rs->replicas - rs->available_replicas : 0;
            guint drop = (guint) MIN((gint64) unhealthy, max_scaled_down);

            if (drop == 0)
                continue;
            scale_replica_set(workloads, d, rs, rs->replicas - drop);
            max_scaled_down -= drop;
        }

        guint can_drop = available > min_available ? available - min_available : 0;

        for (guint i = 0; i < old_rs->len && can_drop > 0; i++) {
            KnReplicaSet *rs = old_rs->pdata[i];
            guint drop = MIN(can_drop, rs->replicas);

            if (drop == 0)
                continue;
            scale_replica_set(workloads, d, rs, rs->replicas - drop);
            can_drop -= drop;
        }
    }

    sync_status(workloads, d, new_rs, all_rs, changed);
}

/* Deletes what 'owner' owned, as the garbage collector does (background). */
static void
collect_garbage(KnWorkloads *workloads, KnKind kind, const KnObjectMeta *owner)
{
    KnStore *store = workloads->cluster->store;

    if (kind == KN_KIND_DEPLOYMENT) {
        g_autoptr(GPtrArray) all = kn_store_list_owned(store, KN_KIND_REPLICA_SET, owner->uid);

        for (guint i = 0; i < all->len; i++) {
            KnReplicaSet *rs = all->pdata[i];

            if (owned_by(&rs->meta, KN_KIND_DEPLOYMENT, owner))
                kn_store_delete(store, KN_KIND_REPLICA_SET, rs->meta.namespace, rs->meta.name);
        }
    } else {
        g_autoptr(GPtrArray) pods = owned_pods(workloads, kind, owner, FALSE);

        for (guint i = 0; i < pods->len; i++)
            kn_workloads_delete_pod(workloads, pods->pdata[i]);
    }
}

static void
on_deployment_sync(gpointer data, const char *namespace, const char *name)
{
    KnWorkloads *workloads = data;
    KnDeployment *d = kn_store_lookup(workloads->cluster->store, KN_KIND_DEPLOYMENT, namespace, name);

    if (d != NULL)
        reconcile_deployment(workloads, d);
}

static void
on_replica_set_sync(gpointer data, const char *namespace, const char *name)
{
    KnWorkloads *workloads = data;
    KnReplicaSet *rs = kn_store_lookup(workloads->cluster->store, KN_KIND_REPLICA_SET, namespace, name);

    if (rs != NULL)
        reconcile_replica_set(workloads, rs);
}

/*****************************************************************************/
/* The scheduler. */

static gboolean
tolerates(const KnPod *pod, const KnTaint *taint)
{
    for (guint i = 0; i < pod->spec.tolerations->len; i++) {
        const KnToleration *t = pod->spec.tolerations->pdata[i];

        if (t->effect != NULL && strcmp(t->effect, taint->effect) != 0)
            continue;
        if (t->key == NULL && t->exists)
            return TRUE;
        if (g_strcmp0(t->key, taint->key) == 0
            && (t->exists || g_strcmp0(t->value, taint->value) == 0))
            return TRUE;
    }
    return FALSE;
}

/* Whether 'node' passes the filters of the default profile that look at
 * the node alone, in their order: NodeUnschedulable, TaintToleration
 * (NoSchedule and NoExecute taints), NodeAffinity (the nodeSelector).  If
 * not, '*reason' (unless NULL) is the first failing filter's, as FitError counts it
 * (these are all UnschedulableAndUnresolvable: preemption cannot help). */
static gboolean
feasible_why(const KnPod *pod, const KnNode *node, char **reason)
{
    static const KnTaint unschedulable = { .key = (char *) "node.kubernetes.io/unschedulable",
                                           .effect = (char *) "NoSchedule" };
    static const KnTaint not_ready = { .key = (char *) "node.kubernetes.io/not-ready",
                                       .effect = (char *) "NoSchedule" };

    if (node->unschedulable && !tolerates(pod, &unschedulable)) {
        if (reason != NULL)
            *reason = g_strdup("node(s) were unschedulable");
        return FALSE;
    }
    for (guint i = 0; i < node->taints->len; i++) {
        const KnTaint *taint = node->taints->pdata[i];

        if (strcmp(taint->effect, "PreferNoSchedule") != 0 && !tolerates(pod, taint)) {
            if (reason != NULL)
                *reason = g_strdup_printf("node(s) had untolerated taint {%s: %s}", taint->key,
                                          taint->value != NULL ? taint->value : "");
            return FALSE;
        }
    }
    /* A node not Ready carries the lifecycle controller's taint. */
    if (!node->ready && !tolerates(pod, &not_ready)) {
        if (reason != NULL)
            *reason = g_strdup("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
        return FALSE;
    }
    if (!kn_labels_match(node->meta.labels, pod->spec.node_selector)) {
        if (reason != NULL)
            *reason = g_strdup("node(s) didn't match Pod's node affinity/selector");
        return FALSE;
    }
    return TRUE;
}

static gboolean
feasible(const KnPod *pod, const KnNode *node)
{
    return feasible_why(pod, node, NULL);
}

/* NodeResourcesFit's cpu: room for a request of 'cpu' millicores, when
 * the node gives its cpu (the pod count is checked beside it). */
static gboolean
cpu_fits(const KnNode *node, guint64 cpu)
{
    return cpu == 0 || node->cpu == 0 || node->cpu_requested + cpu <= node->cpu * 1000ull;
}

typedef struct {
    char *text;
    guint count;
} Reason;

static void
reason_count(GArray *reasons, char *text)
{
    for (guint i = 0; i < reasons->len; i++) {
        Reason *r = &g_array_index(reasons, Reason, i);

        if (strcmp(r->text, text) == 0) {
            r->count++;
            g_free(text);
            return;
        }
    }
    g_array_append_val(reasons, ((Reason) { text, 1 }));
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* "0/N nodes are available: " and the reasons' histogram as
 * sortReasonsHistogram writes it ("COUNT REASON", sorted as strings, joined
 * by ", "), then a period; frees 'reasons'. */
static void
append_histogram(GString *out, guint n_nodes, GArray *reasons)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < reasons->len; i++) {
        Reason *r = &g_array_index(reasons, Reason, i);

        g_ptr_array_add(lines, g_strdup_printf("%u %s", r->count, r->text));
        g_free(r->text);
    }
    g_array_unref(reasons);
    g_ptr_array_sort(lines, compare_strings);
    g_string_append_printf(out, "0/%u nodes are available:", n_nodes);
    for (guint i = 0; i < lines->len; i++)
        g_string_append_printf(out, "%s %s", i > 0 ? "," : "", (const char *) lines->pdata[i]);
    g_string_append_c(out, '.');
}

/* The FitError of 'pod' (requesting 'cpu' millicores) on 'nodes', which
 * all failed it, as the scheduler's event and PodScheduled condition say
 * it: each node's reasons, then DefaultPreemption's: a node that failed a
 * filter preemption cannot change is "not helpful", and on the others no
 * pod has a lower priority than this one's (knetsim's pods all have 0),
 * so there are no victims.  New. */
static char *
fit_error(const KnPod *pod, const GPtrArray *nodes, guint64 cpu)
{
    GArray *reasons = g_array_new(FALSE, FALSE, sizeof(Reason));
    GArray *preemption = g_array_new(FALSE, FALSE, sizeof(Reason));
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < nodes->len; i++) {
        const KnNode *node = nodes->pdata[i];
        char *reason = NULL;

        if (!feasible_why(pod, node, &reason)) {
            reason_count(reasons, reason);
            reason_count(preemption, g_strdup("Preemption is not helpful for scheduling"));
            continue;
        }
        /* fitsRequest: the pod count first, then cpu. */
        if (node->n_pods + 1 > node->max_pods)
            reason_count(reasons, g_strdup("Too many pods"));
        if (!cpu_fits(node, cpu))
            reason_count(reasons, g_strdup("Insufficient cpu"));
        reason_count(preemption, g_strdup("No preemption victims found for incoming pod"));
    }
    append_histogram(out, nodes->len, reasons);
    g_string_append(out, " preemption: ");
    append_histogram(out, nodes->len, preemption);
    return g_string_free(out, FALSE);
}

/* How many nodes the scheduler looks at for one pod: all of a small cluster,
 * else a share that falls from 50% with the cluster's size, at least 5% and
 * 100 nodes (numFeasibleNodesToFind with the default
 * percentageOfNodesToScore, kube-scheduler schedule_one.go). */
static guint
nodes_to_find(guint n_nodes)
{
    guint percentage;

    if (n_nodes < 100)
        return n_nodes;
    percentage = n_nodes / 125 >= 45 ? 5 : 50 - n_nodes / 125;
    return MAX(n_nodes * percentage / 100, 100);
}

/* Counts 'pod' as bound to its node ('delta' +1) or gone from it (-1): in
 * all, and among its owner's pods.  Keyed by the node object, so that the
 * scheduler's look-ups hash pointers, not names. */
static void
count_bound(KnWorkloads *workloads, const KnPod *pod, int delta)
{
    KnNode *node = kn_store_lookup(workloads->cluster->store, KN_KIND_NODE, NULL, pod->spec.node_name);
    GHashTable *owners;
    guint count;

    if (node == NULL)
        return;
    guint64 cpu = kn_pod_cpu_request(&pod->spec);

    node->n_pods = delta > 0 ? node->n_pods + 1 : node->n_pods - MIN(node->n_pods, 1);
    node->cpu_requested = delta > 0 ? node->cpu_requested + cpu : node->cpu_requested - MIN(node->cpu_requested, cpu);
    if (workloads->nodes != NULL)
        workloads->totals[node->index] = node->n_pods;
    if (pod->meta.owner.uid == NULL)
        return;
    owners = g_hash_table_lookup(workloads->bound_by_owner, pod->meta.owner.uid);
    if (owners == NULL) {
        owners = g_hash_table_new(NULL, NULL);
        g_hash_table_insert(workloads->bound_by_owner, g_strdup(pod->meta.owner.uid), owners);
    }
    count = GPOINTER_TO_UINT(g_hash_table_lookup(owners, node));
    if (delta < 0 && count <= 1)
        g_hash_table_remove(owners, node);
    else
        g_hash_table_insert(owners, node, GUINT_TO_POINTER(delta > 0 ? count + 1 : count - 1));
}

/* A pod the scheduler could not place, in its unschedulable pods until a
 * cluster event moves it back (the scheduling queue's backoff: 1 s after
 * the first failure, doubling to 10 s). */
typedef struct {
    char *uid, *namespace, *name;
    guint attempts;
    KnTime last_attempt;
    gboolean queued;             /* a retry is on the clock */
    GList link;                  /* in waiting_order */
} Waiting;

#define BACKOFF_INITIAL KN_SEC
#define BACKOFF_MAX (10 * KN_SEC)

static void
waiting_free(Waiting *waiting)
{
    g_free(waiting->uid);
    g_free(waiting->namespace);
    g_free(waiting->name);
    g_free(waiting);
}

/* 'pod' is bound or gone: it waits no longer. */
static void
stop_waiting(KnWorkloads *workloads, const KnPod *pod)
{
    Waiting *waiting = pod->meta.uid != NULL ? g_hash_table_lookup(workloads->waiting, pod->meta.uid) : NULL;

    if (waiting == NULL)
        return;
    g_queue_unlink(&workloads->waiting_order, &waiting->link);
    g_hash_table_remove(workloads->waiting, pod->meta.uid);
}

/* Something changed that may let waiting pods fit (a node came or
 * changed, a bound pod went): each tries again once its backoff is over. */
static void
retry_waiting(KnWorkloads *workloads)
{
    KnSim *sim = workloads->cluster->sim;
    KnTime now = kn_sim_now(sim);

    for (GList *l = workloads->waiting_order.head; l != NULL; l = l->next) {
        Waiting *waiting = l->data;
        KnTime backoff = BACKOFF_INITIAL, ready;
        Work *work;

        if (waiting->queued)
            continue;
        for (guint i = 1; i < waiting->attempts && backoff < BACKOFF_MAX; i++)
            backoff *= 2;
        ready = waiting->last_attempt + MIN(backoff, BACKOFF_MAX);
        work = g_new0(Work, 1);
        *work = (Work) { workloads, g_strdup(waiting->namespace), g_strdup(waiting->name), 0 };
        waiting->queued = TRUE;
        kn_sim_schedule_in(sim, MAX(SCHEDULE_DELAY, ready > now ? ready - now : 0), &schedule_class, work);
    }
}

/* The scheduler's failure to place 'pod': its FitError goes to the pod's
 * PodScheduled condition and a FailedScheduling event, and the pod waits
 * for a change. */
static void
unschedulable(KnWorkloads *workloads, KnPod *pod, char *message)
{
    KnSim *sim = workloads->cluster->sim;
    Waiting *waiting = g_hash_table_lookup(workloads->waiting, pod->meta.uid);

    if (waiting == NULL) {
        waiting = g_new0(Waiting, 1);
        waiting->uid = g_strdup(pod->meta.uid);
        waiting->namespace = g_strdup(pod->meta.namespace);
        waiting->name = g_strdup(pod->meta.name);
        waiting->link.data = waiting;
        g_hash_table_insert(workloads->waiting, waiting->uid, waiting);
        g_queue_push_tail_link(&workloads->waiting_order, &waiting->link);
    }
    waiting->attempts++;
    waiting->last_attempt = kn_sim_now(sim);
    waiting->queued = FALSE;
    kn_recorder_event_series(workloads->cluster->recorder, KN_KIND_POD, &pod->meta, TRUE, "FailedScheduling",
                             "default-scheduler", workloads->cluster->control_plane, "%s", message);
    if (g_strcmp0(pod->unschedulable, message) != 0) {
        if (pod->unschedulable == NULL)
            pod->unschedulable_time = kn_sim_now(sim);
        g_free(pod->unschedulable);
        pod->unschedulable = message;
        kn_store_update(workloads->cluster->store, KN_KIND_POD, pod, FALSE);
    } else {
        g_free(message);
    }
}

static void
on_schedule(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnWorkloads *workloads = work->workloads;
    KnStore *store = workloads->cluster->store;
    KnPod *pod = work_lookup(work);

    if (pod == NULL || pod->spec.node_name != NULL || pod->meta.deleting) {
        work_free(work);
        return;
    }
    if (workloads->nodes == NULL) {
        /* The search reads compact arrays: a node's pod count, and whether
         * any pod without a nodeSelector fits it ("plain": Ready,
         * schedulable, untainted); only other nodes take the full check. */
        workloads->nodes = kn_store_list(store, KN_KIND_NODE, NULL);
        g_free(workloads->siblings);
        g_free(workloads->totals);
        g_free(workloads->plain);
        g_free(workloads->room);
        workloads->siblings = g_new0(guint, workloads->nodes->len);
        workloads->totals = g_new0(guint, workloads->nodes->len);
        workloads->plain = g_new0(guint8, workloads->nodes->len);
        workloads->room = g_new0(guint, workloads->nodes->len);
        g_free(workloads->best);
        workloads->best = g_new0(guint, workloads->nodes->len);
        for (guint i = 0; i < workloads->nodes->len; i++) {
            KnNode *node = workloads->nodes->pdata[i];

            node->index = i;
            workloads->totals[i] = node->n_pods;
            workloads->room[i] = node->max_pods;
            workloads->plain[i] = node->ready && !node->unschedulable && node->taints->len == 0;
        }
    }
    gboolean selects = kn_labels_size(pod->spec.node_selector) > 0;
    guint64 cpu = kn_pod_cpu_request(&pod->spec);

    GPtrArray *nodes = workloads->nodes;
    guint want = nodes_to_find(nodes->len), found = 0, looked = 0;
    GHashTable *siblings_on = pod->meta.owner.uid != NULL
                                  ? g_hash_table_lookup(workloads->bound_by_owner, pod->meta.owner.uid) : NULL;
    GHashTableIter iter;
    gpointer key, value;

    /* Spread the owner's few counts over a per-node array, so that the
     * search below reads arrays, not hash tables. */
    if (siblings_on != NULL) {
        g_hash_table_iter_init(&iter, siblings_on);
        while (g_hash_table_iter_next(&iter, &key, &value))
            workloads->siblings[((KnNode *) key)->index] = GPOINTER_TO_UINT(value);
    }
    guint *best = workloads->best, n_best = 0;   /* indexes of the nodes that tie best */
    guint best_siblings = G_MAXUINT, best_total = G_MAXUINT;

    /* Feasible nodes from where the last pod's search stopped, round the ring. */
    for (; looked < nodes->len && found < want; looked++) {
        guint i = (workloads->next_node + looked) % nodes->len;
        guint siblings, total;

        if ((selects || !workloads->plain[i]) && !feasible(pod, nodes->pdata[i]))
            continue;
        if (workloads->totals[i] >= workloads->room[i] || !cpu_fits(nodes->pdata[i], cpu))
            continue;
        found++;
        total = workloads->totals[i];
        siblings = workloads->siblings[i];
        if (siblings < best_siblings || (siblings == best_siblings && total < best_total))
            n_best = 0;
        if (siblings < best_siblings || (siblings == best_siblings && total <= best_total)) {
            best_siblings = siblings;
            best_total = total;
            best[n_best++] = i;
        }
    }
    if (nodes->len > 0)
        workloads->next_node = (workloads->next_node + looked) % nodes->len;
    if (siblings_on != NULL) {
        g_hash_table_iter_init(&iter, siblings_on);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            workloads->siblings[((KnNode *) key)->index] = 0;
    }
    if (n_best > 0) {
        KnNode *node = nodes->pdata[best[kn_rng_below(kn_sim_rng(sim, "scheduler"), n_best)]];

        pod->spec.node_name = g_strdup(node->meta.name);
        pod->host_ip = g_strdup(node->internal_ip);
        g_clear_pointer(&pod->unschedulable, g_free);
        stop_waiting(workloads, pod);
        count_bound(workloads, pod, +1);
        kn_store_update(store, KN_KIND_POD, pod, FALSE);
        kn_recorder_event_series(workloads->cluster->recorder, KN_KIND_POD, &pod->meta, FALSE, "Scheduled",
                                 "default-scheduler", workloads->cluster->control_plane,
                                 "Successfully assigned %s/%s to %s", pod->meta.namespace, pod->meta.name,
                                 node->meta.name);
        kn_sim_schedule_in(sim, SANDBOX_DELAY, &sandbox_class, work);
        return;
    }
    /* Unschedulable: it stays Pending until something changes. */
    unschedulable(workloads, pod, fit_error(pod, nodes, cpu));
    work_free(work);
}

/*****************************************************************************/
/* The kubelet. */

/* TRUE if the kubelet of the node 'pod' is bound to is stopped: it does
 * nothing for the pod until it starts again. */
static gboolean
kubelet_stopped(KnWorkloads *workloads, const KnPod *pod)
{
    return pod->spec.node_name != NULL && g_hash_table_contains(workloads->stopped, pod->spec.node_name);
}

/* The next free address of 'node''s pod subnet, host-local style. */
/* A node's host-local IPAM: which of .0 .. .255 of its /24 are taken. */
typedef struct {
    char prefix[16];                     /* "10.244.1." */
    guint8 used[256 / 8];
    guint last;                          /* host of the last allocation; 0: none yet */
} NodeIpam;

static NodeIpam *
node_ipam(KnWorkloads *workloads, const char *node_name, const char *pod_cidr)
{
    NodeIpam *ipam = g_hash_table_lookup(workloads->ipam, node_name);

    if (ipam == NULL && pod_cidr != NULL) {
        g_autofree char *network = kn_cluster_cidr_address(pod_cidr, 0);   /* "10.244.1.0" */
        const char *dot = network != NULL ? strrchr(network, '.') : NULL;

        if (dot == NULL || (gsize) (dot - network + 2) > sizeof ipam->prefix)
            return NULL;
        ipam = g_new0(NodeIpam, 1);
        memcpy(ipam->prefix, network, (gsize) (dot - network + 1));
        g_hash_table_insert(workloads->ipam, g_strdup(node_name), ipam);
    }
    return ipam;
}

static char *
allocate_ip(KnWorkloads *workloads, KnNode *node)
{
    NodeIpam *ipam = node_ipam(workloads, node->meta.name, node->pod_cidr);

    if (ipam == NULL)
        return NULL;
    for (guint tries = 0; tries < 253; tries++) {
        /* .2 .. .254, starting after the last one given, round the range. */
        guint host = ipam->last == 0 ? 2 + tries : 2 + (ipam->last - 1 + tries) % 253;

        if (ipam->used[host / 8] & (1u << (host % 8)))
            continue;
        ipam->used[host / 8] |= (guint8) (1u << (host % 8));
        ipam->last = host;

        char *ip = g_malloc(sizeof ipam->prefix + 4);
        gsize n = strlen(ipam->prefix);

        memcpy(ip, ipam->prefix, n);
        if (host >= 100)
            ip[n++] = (char) ('0' + host / 100);
        if (host >= 10)
            ip[n++] = (char) ('0' + host / 10 % 10);
        ip[n++] = (char) ('0' + host % 10);
        ip[n] = '\0';
        return ip;
    }
    return NULL;
}

/* Gives the pod's address back to its node's range. */
static void
release_ip(KnWorkloads *workloads, const KnPod *pod)
{
    NodeIpam *ipam = pod->spec.node_name != NULL ? node_ipam(workloads, pod->spec.node_name, NULL) : NULL;
    const char *dot = pod->pod_ip != NULL ? strrchr(pod->pod_ip, '.') : NULL;
    guint64 host;

    if (ipam != NULL && dot != NULL && g_str_has_prefix(pod->pod_ip, ipam->prefix)
        && g_ascii_string_to_unsigned(dot + 1, 10, 0, 255, &host, NULL))
        ipam->used[host / 8] &= (guint8) ~(1u << (host % 8));
}

/* The kubelet's events about container 'c' of 'pod' (legacy recorder,
 * on the container's field path). */
static void G_GNUC_PRINTF(6, 7)
kubelet_event(KnWorkloads *workloads, const KnPod *pod, const KnContainer *c, gboolean warning,
              const char *reason, const char *format, ...)
{
    g_autofree char *field_path = g_strdup_printf("spec.containers{%s}", c->name);
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    kn_recorder_event(workloads->cluster->recorder, KN_KIND_POD, &pod->meta, field_path, warning, reason,
                      "kubelet", pod->spec.node_name, "%s", message);
}

/* Go's time.Duration.String() of 'd' truncated to milliseconds, as the
 * kubelet's Pulled event prints a pull's time: "0s", "300ms", "1.5s". */
static char *
go_duration_ms(KnTime d)
{
    gint64 ms = (gint64) (d / KN_MSEC);
    GString *out;

    if (ms < 1000)
        return ms == 0 ? g_strdup("0s") : g_strdup_printf("%" G_GINT64_FORMAT "ms", ms);
    out = g_string_new(NULL);
    if (ms >= 3600000)
        g_string_append_printf(out, "%" G_GINT64_FORMAT "h", ms / 3600000);
    if (ms >= 60000)
        g_string_append_printf(out, "%" G_GINT64_FORMAT "m", ms / 60000 % 60);
    g_string_append_printf(out, "%" G_GINT64_FORMAT, ms / 1000 % 60);
    if (ms % 1000 != 0) {
        char frac[8];
        gsize n = (gsize) g_snprintf(frac, sizeof frac, ".%03" G_GINT64_FORMAT, ms % 1000);

        while (frac[n - 1] == '0')       /* Go drops trailing zeros: "1.5s" */
            frac[--n] = '\0';
        g_string_append(out, frac);
    }
    g_string_append_c(out, 's');
    return g_string_free(out, FALSE);
}

/* The Pulled event of an image pulled in 'took'. */
static void
pulled_event(KnWorkloads *workloads, const KnPod *pod, const KnContainer *c, KnTime took)
{
    const KnImage *image = kn_images_lookup(kn_images_builtin(), c->image);
    g_autofree char *duration = go_duration_ms(took);

    if (image != NULL && image->pulled_bytes > 0)
        kubelet_event(workloads, pod, c, FALSE, "Pulled",
                      "Successfully pulled image \"%s\" in %s (%s including waiting). Image size: %"
                      G_GUINT64_FORMAT " bytes.", c->image, duration, duration, image->pulled_bytes);
    else
        kubelet_event(workloads, pod, c, FALSE, "Pulled", "Successfully pulled image \"%s\" in %s (%s including "
                      "waiting)", c->image, duration, duration);
}

/* The kubelet gets the image of each container in turn from 'work''s
 * on: one the node has, under IfNotPresent, is "already present"; a new one
 * takes PULL_DELAY; one it has under Always is asked of the registry again,
 * which knetsim counts as no time.  Then the containers start. */
static void
pull_images(KnSim *sim, Work *work, KnPod *pod)
{
    KnWorkloads *workloads = work->workloads;

    for (; work->container < pod->spec.containers->len; work->container++) {
        const KnContainer *c = pod->spec.containers->pdata[work->container];
        g_autofree char *key = g_strconcat(pod->spec.node_name, " ", c->image, NULL);
        gboolean present = g_hash_table_contains(workloads->pulled, key);

        if (present && strcmp(kn_image_pull_policy(c->image), "IfNotPresent") == 0) {
            kubelet_event(workloads, pod, c, FALSE, "Pulled", "Container image \"%s\" already present on machine",
                          c->image);
            continue;
        }
        kubelet_event(workloads, pod, c, FALSE, "Pulling", "Pulling image \"%s\"", c->image);
        if (present) {
            pulled_event(workloads, pod, c, 0);
            continue;
        }
        g_hash_table_add(workloads->pulled, g_steal_pointer(&key));
        kn_sim_schedule_in(sim, PULL_DELAY, &pulled_class, work);
        return;
    }
    kn_sim_schedule_in(sim, START_DELAY, &started_class, work);
}

static void
on_sandbox(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnWorkloads *workloads = work->workloads;
    KnPod *pod = work_lookup(work);
    KnNode *node;

    if (pod == NULL || pod->meta.deleting || kubelet_stopped(workloads, pod)
        || (node = kn_store_lookup(workloads->cluster->store, KN_KIND_NODE, NULL, pod->spec.node_name)) == NULL) {
        work_free(work);
        return;
    }
    if (pod->host_ip == NULL)            /* bound at creation, not by the scheduler */
        pod->host_ip = g_strdup(node->internal_ip);
    pod->pod_ip = pod->spec.host_network ? g_strdup(node->internal_ip) : allocate_ip(workloads, node);
    kn_store_update(workloads->cluster->store, KN_KIND_POD, pod, FALSE);
    work->container = 0;
    pull_images(sim, work, pod);
}

static void
on_pulled(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnPod *pod = work_lookup(work);

    if (pod == NULL || pod->meta.deleting || kubelet_stopped(work->workloads, pod)) {
        work_free(work);
        return;
    }
    pulled_event(work->workloads, pod, pod->spec.containers->pdata[work->container], PULL_DELAY);
    work->container++;
    pull_images(sim, work, pod);
}

/* The longest initialDelaySeconds among the pod's readiness probes, or -1
 * if it has none. */
static gint64
probe_delay(const KnPod *pod)
{
    gint64 delay = -1;

    for (guint i = 0; i < pod->spec.containers->len; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];

        if (c->readiness.kind != KN_PROBE_NONE)
            delay = MAX(delay, (gint64) c->readiness.initial_delay_s);
    }
    return delay;
}

static void
set_ready(KnWorkloads *workloads, KnPod *pod)
{
    pod->ready = TRUE;
    pod->ready_stale = FALSE;
    pod->ready_time = kn_sim_now(workloads->cluster->sim);
    kn_store_update(workloads->cluster->store, KN_KIND_POD, pod, FALSE);
}

/* Whether the runner starts the process of 'c' (its command, or the
 * image's own): not for a container with stdin open, whose process waits
 * on input only an attach gives (under `kubectl run -i` or --attach
 * kubectl starts it as it attaches). */
static gboolean
runs_process(const KnWorkloads *workloads, const KnContainer *c)
{
    return workloads->runner != NULL && !c->attached && !c->stdin;
}

/* The runtime starts each container's process. */
static void
start_processes(KnWorkloads *workloads, const KnPod *pod)
{
    for (guint i = 0; i < pod->spec.containers->len; i++)
        if (runs_process(workloads, pod->spec.containers->pdata[i]))
            workloads->runner(pod, i, workloads->runner_data);
}

static void
on_started(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnPod *pod = work_lookup(work);
    gint64 delay;

    if (pod == NULL || pod->meta.deleting || kubelet_stopped(work->workloads, pod)) {
        work_free(work);
        return;
    }
    for (guint i = 0; i < pod->spec.containers->len; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];

        kubelet_event(work->workloads, pod, c, FALSE, "Created", "Created container %s", c->name);
        kubelet_event(work->workloads, pod, c, FALSE, "Started", "Started container %s", c->name);
    }
    pod->phase = KN_POD_RUNNING;
    pod->started = TRUE;
    pod->start_time = kn_sim_now(sim);
    start_processes(work->workloads, pod);
    delay = probe_delay(pod);
    if (delay < 0) {
        set_ready(work->workloads, pod);
        work_free(work);
        return;
    }
    kn_store_update(work->workloads->cluster->store, KN_KIND_POD, pod, FALSE);
    kn_sim_schedule_in(sim, (KnTime) delay * KN_SEC, &probe_class, work);
}

static void
on_probe(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnPod *pod = work_lookup(work);

    (void) sim;
    if (pod != NULL && !pod->meta.deleting && !pod->ready && !kubelet_stopped(work->workloads, pod)
        && probes_pass(work->workloads, pod))
        set_ready(work->workloads, pod);
    work_free(work);
}

void
kn_workloads_set_prober(KnWorkloads *workloads, KnWorkloadsProber prober, gpointer user_data)
{
    g_return_if_fail(workloads != NULL);
    workloads->prober = prober;
    workloads->prober_data = user_data;
}

/* Whether every readiness probe of 'pod' succeeds.  A failing one fails
 * the same way every periodSeconds from now on, each time an Unhealthy
 * event (prober.go: "%s probe failed: %s"), until the pod goes or its
 * kubelet stops. */
static gboolean
probes_pass(KnWorkloads *workloads, const KnPod *pod)
{
    gboolean pass = TRUE;

    for (guint i = 0; workloads->prober != NULL && i < pod->spec.containers->len; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];
        g_autofree char *message = NULL;
        g_autofree char *field_path = NULL;

        if (c->readiness.kind == KN_PROBE_NONE || workloads->prober(pod, c, &message, workloads->prober_data))
            continue;
        field_path = g_strdup_printf("spec.containers{%s}", c->name);
        kn_recorder_event_every(workloads->cluster->recorder, (KnTime) MAX(c->readiness.period_s, 1) * KN_SEC,
                                KN_KIND_POD, &pod->meta, field_path, TRUE, "Unhealthy", "kubelet",
                                pod->spec.node_name, "Readiness probe failed: %s", message != NULL ? message : "");
        pass = FALSE;
    }
    return pass;
}

static void
on_stopped(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnPod *pod = work_lookup(work);

    (void) sim;
    if (pod != NULL && !kubelet_stopped(work->workloads, pod)) {
        if (pod->pod_ip != NULL && !pod->spec.host_network)
            release_ip(work->workloads, pod);
        kn_store_delete(work->workloads->cluster->store, KN_KIND_POD, pod->meta.namespace, pod->meta.name);
    }
    work_free(work);
}

/* TRUE if the pod's main process ignores SIGTERM (a shell or sleep as PID 1). */
static gboolean
ignores_sigterm(const KnPod *pod)
{
    for (guint i = 0; i < pod->spec.containers->len; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];

        if (c->command->len > 0 && (strcmp(c->command->pdata[0], "sleep") == 0
                                    || strcmp(c->command->pdata[0], "sh") == 0))
            return TRUE;
    }
    return FALSE;
}

void
kn_workloads_delete_pod(KnWorkloads *workloads, KnPod *pod)
{
    g_return_if_fail(workloads != NULL && pod != NULL);

    KnSim *sim = workloads->cluster->sim;
    KnTime grace = (KnTime) pod->spec.termination_grace_s * KN_SEC;

    if (pod->meta.deleting)
        return;
    pod->meta.deleting = TRUE;
    pod->meta.deletion_time = kn_sim_now(sim) + grace;
    pod->ready = FALSE;
    kn_store_update(workloads->cluster->store, KN_KIND_POD, pod, FALSE);
    kn_recorder_stop(workloads->cluster->recorder, pod->meta.uid);    /* no more probes */
    for (guint i = 0; pod->started && !kubelet_stopped(workloads, pod) && i < pod->spec.containers->len; i++) {
        const KnContainer *c = pod->spec.containers->pdata[i];

        kubelet_event(workloads, pod, c, FALSE, "Killing", "Stopping container %s", c->name);
    }
    /* A pod whose containers all exited has nothing left to stop. */
    kn_sim_schedule_in(sim, pod->phase == KN_POD_SUCCEEDED || pod->phase == KN_POD_FAILED ? 0
                       : pod->started && !ignores_sigterm(pod) ? MIN(STOP_DELAY, grace) : grace,
                       &stopped_class, work_new(workloads, &pod->meta));
}

/* The kubelet's account of 'pod''s container 'index', begun when a
 * process of one of its containers first ends. */
static KnContainerRun *
container_run(KnPod *pod, guint index)
{
    if (pod->runs == NULL) {
        pod->runs = g_new0(KnContainerRun, pod->spec.containers->len);
        for (guint i = 0; i < pod->spec.containers->len; i++)
            pod->runs[i] = (KnContainerRun) { .state = KN_CONTAINER_RUNNING, .running_since = pod->start_time };
    }
    return &pod->runs[index];
}

void
kn_workloads_container_exited(KnWorkloads *workloads, KnPod *pod, guint index, int status)
{
    g_return_if_fail(workloads != NULL && pod != NULL);

    const char *policy = pod->spec.restart_policy != NULL ? pod->spec.restart_policy : "Always";
    KnTime now = kn_sim_now(workloads->cluster->sim);
    KnContainerRun *run;

    if (pod->meta.deleting || pod->phase != KN_POD_RUNNING || index >= pod->spec.containers->len)
        return;                  /* it ends as its pod is stopped */
    run = container_run(pod, index);
    if (run->state != KN_CONTAINER_RUNNING)
        return;
    run->state = KN_CONTAINER_TERMINATED;
    run->ended = (KnContainerTermination) { status, run->running_since, now };
    if (pod->ready) {
        pod->ready = FALSE;
        pod->ready_time = now;
    }
    if (strcmp(policy, "Never") == 0 || (strcmp(policy, "OnFailure") == 0 && status == 0)) {
        /* It stays terminated; once none runs, the pod is done (getPhase:
         * Failed if any failed). */
        pod->n_terminated++;
        pod->n_failed += status != 0;
        if (pod->n_terminated >= pod->spec.containers->len) {
            pod->phase = pod->n_failed > 0 ? KN_POD_FAILED : KN_POD_SUCCEEDED;
            pod->started = FALSE;
            kn_recorder_stop(workloads->cluster->recorder, pod->meta.uid);
        }
    } else {
        Work *work = work_new(workloads, &pod->meta);

        work->container = index;
        kn_sim_schedule_in(workloads->cluster->sim, RELIST_PERIOD, &exit_class, work);
    }
    kn_store_update(workloads->cluster->store, KN_KIND_POD, pod, FALSE);
}

/* The container of work->container, if it still waits for its restart. */
static KnContainerRun *
exited_run(Work *work, KnPod **pod_out)
{
    KnPod *pod = work_lookup(work);

    if (pod == NULL || pod->meta.deleting || pod->phase != KN_POD_RUNNING || pod->runs == NULL
        || kubelet_stopped(work->workloads, pod) || work->container >= pod->spec.containers->len
        || pod->runs[work->container].state == KN_CONTAINER_RUNNING)
        return NULL;
    *pod_out = pod;
    return &pod->runs[work->container];
}

/* The pod's sync after the exit (doBackOff): a container that ended less
 * than its back-off ago waits in CrashLoopBackOff until then; else it
 * restarts now. */
static void
on_exit_noticed(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnPod *pod;
    KnContainerRun *run = exited_run(work, &pod);
    KnTime now = kn_sim_now(sim);

    if (run == NULL) {
        work_free(work);
        return;
    }
    if (run->back_off > 0 && now - run->ended.finished_at < run->back_off) {
        const KnContainer *c = pod->spec.containers->pdata[work->container];

        run->state = KN_CONTAINER_BACK_OFF;
        kubelet_event(work->workloads, pod, c, TRUE, "BackOff", "Back-off restarting failed container %s in pod "
                      "%s_%s(%s)", c->name, pod->meta.name, pod->meta.namespace, pod->meta.uid);
        kn_store_update(work->workloads->cluster->store, KN_KIND_POD, pod, FALSE);
        kn_sim_schedule_at(sim, run->ended.finished_at + run->back_off, &restart_class, work);
        return;
    }
    on_restart(sim, work);
}

/* A new instance of the container: its back-off grows (flowcontrol.Backoff
 * Next(): doubled up to the maximum, back to the start once the last was
 * set more than twice the maximum before the exit), the ended run becomes
 * its lastState, and its command runs again. */
static void
on_restart(KnSim *sim, gpointer data)
{
    Work *work = data;
    KnPod *pod;
    KnContainerRun *run = exited_run(work, &pod);
    KnTime now = kn_sim_now(sim);
    const KnContainer *c;
    gboolean all_running = TRUE;
    gint64 delay;

    if (run == NULL) {
        work_free(work);
        return;
    }
    c = pod->spec.containers->pdata[work->container];
    delay = probe_delay(pod);
    if (run->back_off == 0 || run->ended.finished_at - run->back_off_set > 2 * RESTART_BACK_OFF_MAX)
        run->back_off = RESTART_BACK_OFF;
    else
        run->back_off = MIN(2 * run->back_off, RESTART_BACK_OFF_MAX);
    run->back_off_set = now;
    run->last = run->ended;
    run->has_last = TRUE;
    run->state = KN_CONTAINER_RUNNING;
    run->running_since = now;
    run->restarts++;
    pod->restarts++;
    /* The image is on the node: asked of the registry again only under
     * Always (pull_images()). */
    if (strcmp(kn_image_pull_policy(c->image), "IfNotPresent") == 0) {
        kubelet_event(work->workloads, pod, c, FALSE, "Pulled", "Container image \"%s\" already present on machine",
                      c->image);
    } else {
        kubelet_event(work->workloads, pod, c, FALSE, "Pulling", "Pulling image \"%s\"", c->image);
        pulled_event(work->workloads, pod, c, 0);
    }
    kubelet_event(work->workloads, pod, c, FALSE, "Created", "Created container %s", c->name);
    kubelet_event(work->workloads, pod, c, FALSE, "Started", "Started container %s", c->name);
    for (guint i = 0; i < pod->spec.containers->len; i++)
        all_running &= pod->runs[i].state == KN_CONTAINER_RUNNING;
    /* Ready again with all its containers running, unless probes decide. */
    if (all_running && delay < 0) {
        pod->ready = TRUE;
        pod->ready_stale = FALSE;
        pod->ready_time = now;
    }
    kn_store_update(work->workloads->cluster->store, KN_KIND_POD, pod, FALSE);
    if (runs_process(work->workloads, c))
        work->workloads->runner(pod, work->container, work->workloads->runner_data);
    if (!all_running || delay < 0) {
        work_free(work);
        return;
    }
    kn_sim_schedule_in(sim, (KnTime) delay * KN_SEC, &probe_class, work);
}

void
kn_workloads_process_exited(KnWorkloads *workloads, const char *uid, const char *namespace,
                            const char *name, guint container, int status)
{
    g_return_if_fail(workloads != NULL && uid != NULL);

    KnPod *pod = kn_store_lookup(workloads->cluster->store, KN_KIND_POD, namespace, name);

    if (pod != NULL && strcmp(pod->meta.uid, uid) == 0 && !kubelet_stopped(workloads, pod))
        kn_workloads_container_exited(workloads, pod, container, status);
}

void
kn_workloads_set_runner(KnWorkloads *workloads, KnWorkloadsRunner runner, gpointer user_data)
{
    g_return_if_fail(workloads != NULL);
    workloads->runner = runner;
    workloads->runner_data = user_data;
}

void
kn_workloads_stop_kubelet(KnWorkloads *workloads, const char *node)
{
    g_return_if_fail(workloads != NULL && node != NULL);
    g_hash_table_add(workloads->stopped, g_strdup(node));

    /* Its probes stop with it. */
    g_autoptr(GPtrArray) pods = kn_store_list(workloads->cluster->store, KN_KIND_POD, NULL);

    for (guint i = 0; i < pods->len; i++) {
        const KnPod *pod = pods->pdata[i];

        if (g_strcmp0(pod->spec.node_name, node) == 0)
            kn_recorder_stop(workloads->cluster->recorder, pod->meta.uid);
    }
}

gboolean
kn_workloads_kubelet_running(KnWorkloads *workloads, const char *node)
{
    g_return_val_if_fail(workloads != NULL && node != NULL, FALSE);
    return !g_hash_table_contains(workloads->stopped, node);
}

void
kn_workloads_start_kubelet(KnWorkloads *workloads, const char *node)
{
    g_return_if_fail(workloads != NULL && node != NULL);
    if (!g_hash_table_remove(workloads->stopped, node))
        return;

    /* The kubelet's first sync after a restart: each pod bound here is
     * picked up where its life stopped. */
    KnSim *sim = workloads->cluster->sim;
    g_autoptr(GPtrArray) pods = kn_store_list(workloads->cluster->store, KN_KIND_POD, NULL);

    for (guint i = 0; i < pods->len; i++) {
        KnPod *pod = pods->pdata[i];
        Work *work;

        if (g_strcmp0(pod->spec.node_name, node) != 0)
            continue;
        work = work_new(workloads, &pod->meta);
        if (pod->meta.deleting)
            kn_sim_schedule_in(sim, STOP_DELAY, &stopped_class, work);
        else if (pod->pod_ip == NULL)
            kn_sim_schedule_in(sim, SANDBOX_DELAY, &sandbox_class, work);
        else if (!pod->started)
            kn_sim_schedule_in(sim, START_DELAY, &started_class, work);
        else if (!pod->ready)
            kn_sim_schedule_in(sim, 0, &probe_class, work);
        else
            work_free(work);
    }
}

/*****************************************************************************/
/* Watches. */

static void
recreate_pod_gone(KnWorkloads *workloads, const KnPod *pod)
{
    KnStore *store = workloads->cluster->store;
    const KnReplicaSet *rs = kn_store_lookup(store, KN_KIND_REPLICA_SET, pod->meta.namespace, pod->meta.owner.name);
    const KnDeployment *d;

    if (rs == NULL || rs->meta.owner.kind != KN_KIND_DEPLOYMENT || rs->meta.owner.name == NULL)
        return;
    d = kn_store_lookup(store, KN_KIND_DEPLOYMENT, rs->meta.namespace, rs->meta.owner.name);
    if (d != NULL && d->recreate)
        kn_workqueue_add(workloads->deployments, d->meta.namespace, d->meta.name);
}

static void
on_pod_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnWorkloads *workloads = user_data;
    KnPod *pod = object;

    (void) store;
    (void) kind;
    if (event == KN_WATCH_DELETED)
        stop_waiting(workloads, pod);
    if (event == KN_WATCH_DELETED && pod->spec.node_name != NULL) {
        count_bound(workloads, pod, -1);
        retry_waiting(workloads);
    }
    if (event == KN_WATCH_ADDED && pod->spec.node_name != NULL)
        count_bound(workloads, pod, +1);
    if (event == KN_WATCH_ADDED && pod->spec.node_name == NULL)
        kn_sim_schedule_in(workloads->cluster->sim, SCHEDULE_DELAY, &schedule_class,
                           work_new(workloads, &pod->meta));
    else if (event == KN_WATCH_ADDED)    /* bound at creation (DaemonSet, nodeName) */
        kn_sim_schedule_in(workloads->cluster->sim, SANDBOX_DELAY, &sandbox_class,
                           work_new(workloads, &pod->meta));
    if (pod->meta.owner.name != NULL && pod->meta.owner.kind == KN_KIND_REPLICA_SET) {
        kn_workqueue_add(workloads->replica_sets, pod->meta.namespace, pod->meta.owner.name);
        /* deletePod: a Recreate rollout waits for the last old pod to go. */
        if (event == KN_WATCH_DELETED)
            recreate_pod_gone(workloads, pod);
    }
}

static void
on_replica_set_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnWorkloads *workloads = user_data;
    KnReplicaSet *rs = object;

    (void) store;
    if (event == KN_WATCH_DELETED) {
        collect_garbage(workloads, kind, &rs->meta);
    } else if (event == KN_WATCH_ADDED) {
        kn_workqueue_add(workloads->replica_sets, rs->meta.namespace, rs->meta.name);
    }
    if (rs->meta.owner.name != NULL && rs->meta.owner.kind == KN_KIND_DEPLOYMENT)
        kn_workqueue_add(workloads->deployments, rs->meta.namespace, rs->meta.owner.name);
}

static void
on_deployment_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnWorkloads *workloads = user_data;
    KnDeployment *d = object;

    (void) store;
    if (event == KN_WATCH_DELETED)
        collect_garbage(workloads, kind, &d->meta);
    else if (event == KN_WATCH_ADDED || kn_object_meta(d)->generation > 0)
        kn_workqueue_add(workloads->deployments, d->meta.namespace, d->meta.name);
}

static void
on_node_event(KnStore *store, KnKind kind, KnWatchEvent event, gpointer object, gpointer user_data)
{
    KnWorkloads *workloads = user_data;

    (void) store;
    (void) kind;
    (void) event;
    (void) object;
    /* A node came, went or changed (readiness, taints): look again. */
    g_clear_pointer(&workloads->nodes, g_ptr_array_unref);
    retry_waiting(workloads);
}

KnWorkloads *
kn_workloads_new(KnCluster *cluster)
{
    g_return_val_if_fail(cluster != NULL, NULL);

    KnWorkloads *workloads = g_new0(KnWorkloads, 1);

    workloads->cluster = cluster;
    workloads->deployments = kn_workqueue_new(cluster->sim, CONTROLLER_DELAY, "deployment-sync",
                                              on_deployment_sync, workloads);
    workloads->replica_sets = kn_workqueue_new(cluster->sim, CONTROLLER_DELAY, "replicaset-sync",
                                               on_replica_set_sync, workloads);
    workloads->pulled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    workloads->ipam = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    workloads->bound_by_owner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_hash_table_unref);
    workloads->hashes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    workloads->stopped = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    workloads->waiting = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) waiting_free);
    g_queue_init(&workloads->waiting_order);
    kn_store_watch(cluster->store, KN_KIND_POD, on_pod_event, workloads);
    kn_store_watch(cluster->store, KN_KIND_REPLICA_SET, on_replica_set_event, workloads);
    kn_store_watch(cluster->store, KN_KIND_DEPLOYMENT, on_deployment_event, workloads);
    kn_store_watch(cluster->store, KN_KIND_NODE, on_node_event, workloads);

    /* Objects that were there before the controllers started. */
    g_autoptr(GPtrArray) deployments = kn_store_list(cluster->store, KN_KIND_DEPLOYMENT, NULL);

    for (guint i = 0; i < deployments->len; i++)
        kn_workqueue_add(workloads->deployments, kn_object_meta(deployments->pdata[i])->namespace,
                         kn_object_meta(deployments->pdata[i])->name);
    return workloads;
}

void
kn_workloads_free(KnWorkloads *workloads)
{
    if (workloads == NULL)
        return;
    kn_workqueue_free(workloads->deployments);
    kn_workqueue_free(workloads->replica_sets);
    g_hash_table_unref(workloads->pulled);
    g_hash_table_unref(workloads->ipam);
    g_hash_table_unref(workloads->bound_by_owner);
    g_hash_table_unref(workloads->hashes);
    g_free(workloads->siblings);
    g_free(workloads->totals);
    g_free(workloads->plain);
    g_free(workloads->room);
    g_free(workloads->best);
    g_clear_pointer(&workloads->nodes, g_ptr_array_unref);
    g_hash_table_unref(workloads->waiting);      /* the order's links are the Waitings' own */
    g_hash_table_unref(workloads->stopped);
    g_free(workloads);
}
