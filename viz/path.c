/* path.c -- see path.h.
 *
 * DOC: How the notes become a picture.  The data path (models/net.c) notes
 * each packet's stay in a namespace as one run of notes, because a stay is
 * one event: it opens with a hop note and the rest follows in order.
 * - Opening notes: "eth0: PACKET" or "lo: PACKET" (a pod or host sends),
 *   "out (host network): PACKET" (a node's own process sends),
 *   "in IFACE: PACKET" (a node receives; after "in eth0: VXLAN from the
 *   overlay, decapsulated to flannel.1" for the overlay) and
 *   "delivered: PACKET" (a socket receives).  PACKET is net.c's summary,
 *   "SRC:PORT > DST:PORT TCP [FLAGS] length N" (or "UDP length N").
 * - Inside a node: rule notes in iptables-save form ("-t nat -A CHAIN ...
 *   -j TARGET ..."), one per rule that matched, at one more depth per jump;
 *   a rule in a built-in chain (PREROUTING, INPUT, FORWARD, OUTPUT,
 *   POSTROUTING) starts that hook.  In nftables mode the notes are
 *   "CHAIN: RULE" as nft lists the rule (with ": element KEY : VERDICT"
 *   for a map lookup or numgen), and kube-proxy's base chains
 *   (filter-prerouting, nat-output, ...) start the hooks.  NAT notes at the stay's own depth say
 *   what the hook changed ("DNAT A -> B by CHAIN", "MASQUERADE A -> B");
 *   conntrack notes say an entry was made ("conntrack: new entry ...") or
 *   found and its NAT replayed ("conntrack: reply packet, source A -> B").
 * - Closing notes: "out cni0 -> VETH to pod NAME", "out flannel.1: VXLAN
 *   VNI N, outer NODE -> NODE UDP PORT (+N bytes)", "out eth0 -> node|host
 *   NAME", "load balancer ADDR hands it to node NAME": where it goes next.
 * Stays are joined into packets: a send starts a packet; a stay that
 * receives one joins the earliest packet on its way with the same TCP
 * flags and length (or UDP length) that was sent towards that place.
 * Packets sent by the client go one way, everything else is the reply.
 *
 * The picture: each place is drawn once: pods and hosts as rounded boxes
 * (a pod inside the cluster of its node), nodes as clusters.  The first
 * request packet is drawn in full in black: in each node, the interface it
 * came in by, each hook (yellow) with the chains it jumped to (edges
 * labelled by the rule's comment), the chain's action (DNAT, MARK,
 * MASQUERADE, ACCEPT), chains that matched nothing in grey, the NAT done
 * and the conntrack entry made (a cylinder), and the interface it left by.
 * The first reply is drawn the same way in blue and dashed, with the
 * conntrack entry that reverses the NAT.  Edges between places carry the
 * packet as it was on that wire and the simulated times; later packets of
 * the connection are counted on the edges of the first ones ("+3 later:
 * [.] [P.] 66 B [F.]") and on each node's conntrack entry, since they
 * find the entry and walk no NAT rules.
 *
 * Simplified: a stay whose notes do not follow this shape is shown by its
 * notes' text; packets of other connections in the same trace (a DNS query
 * made by the data path) are drawn as packets of their own. */

#include <config.h>
#include "viz/path.h"

#include <string.h>
#include <graphviz/cgraph.h>

#include "sim/time.h"

/* Styles: the request, the reply, and what is only context. */
#define COLOR_REQUEST "#212121"
#define COLOR_REPLY "#1565c0"
#define COLOR_GREY "#9e9e9e"
#define FILL_HOOK "#fff3c4"
#define FILL_CHAIN "#ffffff"
#define FILL_NAT "#fde0dc"
#define FILL_CONNTRACK "#e3f2fd"
#define FILL_POD "#d5f0d5"
#define FILL_HOST "#eeeeee"
#define FILL_DROP "#f8d0d0"

struct KnPath {
    Agraph_t *graph;             /* owned; closed with the path */
    guint n_packets;
    guint n_drawn;
};

/*****************************************************************************/
/* Labels. */

/* 'text' as a DOT label: a line break becomes dot's "\n" and a backslash
 * is doubled (cgraph quotes the value and escapes its quotes).  New; g_free(). */
static char *
label_text(const char *text)
{
    GString *out = g_string_new(NULL);

    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\\')
            g_string_append(out, "\\\\");
        else if (*p == '\n')
            g_string_append(out, "\\n");
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

/*****************************************************************************/
/* Reading the notes: stays and packets. */

typedef enum {
    STAY_SEND,                   /* a pod or host put a packet on its eth0 or lo */
    STAY_NODE,                   /* a node received (or its own process sent) one */
    STAY_DELIVER,                /* a socket received one */
} StayKind;

typedef struct Stay {
    StayKind kind;
    const char *place;           /* borrowed from the note */
    KnTime time;
    guint depth;                 /* of the opening note */
    char *packet_text;           /* the summary it came in (or was sent) with, or NULL */
    char *key;                   /* its flags and length: "TCP [S] length 0" */
    char *in_iface;              /* node stays: the interface it came in by, or NULL */
    gboolean vxlan;              /* it came out of the overlay */
    GPtrArray *body;             /* const KnTraceNote *, borrowed: what happened inside */
    const KnTraceNote *out;      /* the closing note, or NULL */
    char *next;                  /* where the closing note sends it, or NULL */
    guint packet;                /* index of its packet */
} Stay;

typedef struct Packet {
    gboolean reply;              /* not sent by the client */
    char *key;
    GPtrArray *stays;            /* Stay *, borrowed from Reader.stays */
    char *next;                  /* where it goes next; NULL: anywhere */
    gboolean done;               /* delivered, or its path ended */
} Packet;

typedef struct Reader {
    const char *client;
    GPtrArray *stays;            /* Stay *, owned, in note order */
    GPtrArray *packets;          /* Packet *, owned, in order of sending */
    GPtrArray *remarks;          /* const KnTraceNote *: dns and app notes, in order */
} Reader;

static void
stay_free(gpointer data)
{
    Stay *stay = data;

    g_free(stay->packet_text);
    g_free(stay->key);
    g_free(stay->in_iface);
    g_ptr_array_unref(stay->body);
    g_free(stay->next);
    g_free(stay);
}

static void
packet_free(gpointer data)
{
    Packet *packet = data;

    g_free(packet->key);
    g_ptr_array_unref(packet->stays);
    g_free(packet->next);
    g_free(packet);
}

/* The part of a summary after the addresses: "TCP [S] length 0". */
static char *
summary_key(const char *summary)
{
    const char *gt = strstr(summary, " > ");
    const char *space = gt != NULL ? strchr(gt + 3, ' ') : NULL;

    return g_strdup(space != NULL ? space + 1 : summary);
}

/* A short name for the packet of 'key': "[S]", "[P.] 66 B", "UDP 14 B". */
static char *
short_key(const char *key)
{
    const char *length = strstr(key, "length ");
    const char *flags = strchr(key, '[');
    guint64 n = length != NULL ? g_ascii_strtoull(length + 7, NULL, 10) : 0;

    if (flags != NULL) {
        const char *end = strchr(flags, ']');
        g_autofree char *f = g_strndup(flags, end != NULL ? (gsize) (end - flags + 1) : strlen(flags));

        return n > 0 ? g_strdup_printf("%s %" G_GUINT64_FORMAT " B", f, n) : g_steal_pointer(&f);
    }
    if (g_str_has_prefix(key, "UDP"))
        return g_strdup_printf("UDP %" G_GUINT64_FORMAT " B", n);
    return g_strdup(key);
}

static Stay *
stay_new(Reader *r, StayKind kind, const KnTraceNote *note, const char *packet_text)
{
    Stay *stay = g_new0(Stay, 1);

    stay->kind = kind;
    stay->place = note->node != NULL ? note->node : "?";
    stay->time = note->time;
    stay->depth = note->depth;
    stay->packet_text = g_strdup(packet_text);
    stay->key = packet_text != NULL ? summary_key(packet_text) : NULL;
    stay->body = g_ptr_array_new();
    stay->packet = G_MAXUINT;
    g_ptr_array_add(r->stays, stay);
    return stay;
}

/* The packet on its way to 'place' with 'key': the earliest one sent
 * there, else the earliest one sent anywhere; NULL if none. */
static Packet *
packet_towards(Reader *r, const char *place, const char *key, guint *index)
{
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < r->packets->len; i++) {
            Packet *packet = r->packets->pdata[i];

            if (packet->done || g_strcmp0(packet->key, key) != 0)
                continue;
            if (pass == 0 ? g_strcmp0(packet->next, place) == 0 : packet->next == NULL) {
                *index = i;
                return packet;
            }
        }
    }
    return NULL;
}

static Packet *
packet_start(Reader *r, const Stay *stay, guint *index)
{
    Packet *packet = g_new0(Packet, 1);

    packet->reply = g_strcmp0(stay->place, r->client) != 0;
    packet->key = g_strdup(stay->key);
    packet->stays = g_ptr_array_new();
    g_ptr_array_add(r->packets, packet);
    *index = r->packets->len - 1;
    return packet;
}

/* Gives 'stay' (which received a packet) to its packet. */
static void
join(Reader *r, Stay *stay)
{
    guint index = 0;
    Packet *packet = stay->key != NULL ? packet_towards(r, stay->place, stay->key, &index) : NULL;

    if (packet == NULL)
        packet = packet_start(r, stay, &index);
    g_ptr_array_add(packet->stays, stay);
    stay->packet = index;
    g_clear_pointer(&packet->next, g_free);
    if (stay->kind == STAY_DELIVER)
        packet->done = TRUE;
}

static void
start_send(Reader *r, Stay *stay)
{
    guint index;
    Packet *packet = packet_start(r, stay, &index);

    g_ptr_array_add(packet->stays, stay);
    stay->packet = index;
}

/* Reads a closing note into 'stay'; FALSE if 'text' is not one. */
static gboolean
read_out(Reader *r, Stay *stay, const KnTraceNote *note)
{
    const char *text = note->text;
    const char *p;
    g_autofree char *next = NULL;

    if (g_str_has_prefix(text, "out cni0 -> ") && (p = strstr(text, " to pod ")) != NULL)
        next = g_strdup(p + 8);
    else if (g_str_has_prefix(text, "out flannel.1: ") && (p = strstr(text, ", outer ")) != NULL) {
        const char *arrow = strstr(p, " -> ");
        const char *end = arrow != NULL ? strchr(arrow + 4, ' ') : NULL;

        if (end != NULL)
            next = g_strndup(arrow + 4, end - arrow - 4);
    } else if (g_str_has_prefix(text, "out eth0 -> ") && (p = strchr(text + 12, ' ')) != NULL)
        next = g_strdup(p + 1);
    else if (g_str_has_prefix(text, "load balancer ") && (p = strstr(text, " to node ")) != NULL)
        next = g_strdup(p + 9);
    if (next == NULL)
        return FALSE;
    stay->out = note;
    stay->next = g_strdup(next);
    if (stay->packet < r->packets->len) {
        Packet *packet = r->packets->pdata[stay->packet];

        g_free(packet->next);
        packet->next = g_steal_pointer(&next);
    }
    return TRUE;
}

static void
read_notes(Reader *r, const KnTrace *trace)
{
    Stay *stay = NULL;

    for (guint i = 0; i < kn_trace_n_notes(trace); i++) {
        const KnTraceNote *note = kn_trace_get(trace, i);
        const char *text = note->text;
        const char *place = note->node != NULL ? note->node : "?";

        if (note->kind == KN_TRACE_HOP) {
            if (g_str_has_prefix(text, "eth0: ") || g_str_has_prefix(text, "lo: ")) {
                stay = stay_new(r, STAY_SEND, note, strchr(text, ' ') + 1);
                start_send(r, stay);
                continue;
            }
            if (g_str_has_prefix(text, "out (host network): ")) {
                stay = stay_new(r, STAY_NODE, note, text + strlen("out (host network): "));
                start_send(r, stay);
                continue;
            }
            if (g_str_has_prefix(text, "in eth0: VXLAN from the overlay")) {
                stay = stay_new(r, STAY_NODE, note, NULL);
                stay->vxlan = TRUE;
                continue;
            }
            if (g_str_has_prefix(text, "in ") && strstr(text, ": ") != NULL) {
                const char *colon = strstr(text, ": ");

                if (stay == NULL || !stay->vxlan || stay->packet_text != NULL
                    || strcmp(stay->place, place) != 0) {
                    stay = stay_new(r, STAY_NODE, note, NULL);
                }
                stay->packet_text = g_strdup(colon + 2);
                stay->key = summary_key(stay->packet_text);
                stay->in_iface = g_strndup(text + 3, colon - text - 3);
                join(r, stay);
                continue;
            }
            if (g_str_has_prefix(text, "delivered: ")) {
                stay = stay_new(r, STAY_DELIVER, note, text + strlen("delivered: "));
                join(r, stay);
                continue;
            }
            if (stay != NULL && strcmp(stay->place, place) == 0 && read_out(r, stay, note))
                continue;
        }
        if (note->kind == KN_TRACE_DNS || note->kind == KN_TRACE_APP) {
            g_ptr_array_add(r->remarks, (gpointer) note);
            continue;
        }
        if (stay != NULL && strcmp(stay->place, place) == 0)
            g_ptr_array_add(stay->body, (gpointer) note);
        else
            g_ptr_array_add(r->remarks, (gpointer) note);
    }
}

/*****************************************************************************/
/* Rules in iptables-save form. */

typedef struct Rule {
    gboolean hook;               /* 'chain' is one a netfilter hook runs */
    char *table;                 /* "nat", "filter"; "kube-proxy" (nftables) */
    char *chain;
    char *target;                /* "KUBE-SERVICES", "DNAT", "ACCEPT", ... */
    char *args;                  /* what follows the target: "--to-destination ..." or "" */
    char *why;                   /* the comment, a probability, or the matches; short */
} Rule;

static void
rule_clear(Rule *rule)
{
    g_free(rule->table);
    g_free(rule->chain);
    g_free(rule->target);
    g_free(rule->args);
    g_free(rule->why);
}

/* The word after 'option ' in 'text', or NULL.  New; g_free(). */
static char *
word_after(const char *text, const char *option)
{
    const char *p = strstr(text, option);
    const char *end;

    if (p == NULL)
        return NULL;
    p += strlen(option);
    end = strchr(p, ' ');
    return end != NULL ? g_strndup(p, end - p) : g_strdup(p);
}

static gboolean
is_hook(const char *chain)
{
    static const char *const hooks[] = {
        "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
        /* kube-proxy's nftables base chains. */
        "filter-prerouting", "filter-input", "filter-forward", "filter-output", "filter-output-post-dnat",
        "nat-prerouting", "nat-output", "nat-postrouting",
    };

    for (guint i = 0; i < G_N_ELEMENTS(hooks); i++)
        if (strcmp(chain, hooks[i]) == 0)
            return TRUE;
    return FALSE;
}

/* A rule note of kube-proxy's nftables mode: "CHAIN: RULE", RULE as nft
 * lists it, ": element KEY : VERDICT" after it when a map lookup (or
 * numgen) matched.  The target is the chain of a jump or goto, or the
 * statement's action in iptables' words (DNAT, MASQUERADE, MARK, ...). */
static gboolean
nft_rule_parse(const char *text, Rule *rule)
{
    const char *colon = strstr(text, ": ");
    const char *element, *comment, *verdict = NULL;
    g_autofree char *body = NULL;
    static const struct {
        const char *word, *target;
    } actions[] = {
        { "dnat to ", "DNAT" }, { "masquerade", "MASQUERADE" }, { "meta mark set ", "MARK" },
        { "reject", "REJECT" }, { "drop", "DROP" }, { "return", "RETURN" }, { "update @", "UPDATE" },
    };

    if (colon == NULL || memchr(text, ' ', (gsize) (colon - text)) != NULL)
        return FALSE;
    rule->chain = g_strndup(text, (gsize) (colon - text));
    rule->table = g_strdup("kube-proxy");
    rule->hook = is_hook(rule->chain);
    body = g_strdup(colon + 2);
    comment = strstr(body, " comment \"");
    element = strstr(body, ": element ");
    if (element != NULL) {
        /* The element matched: its key is the why, its verdict the target. */
        const char *key = element + strlen(": element ");
        const char *sep = g_strrstr(key, " : ");

        if (sep == NULL)
            return FALSE;
        rule->why = g_strndup(key, (gsize) (sep - key));
        verdict = sep + 3;
    } else {
        const char *jump = g_strrstr(body, "jump "), *go = g_strrstr(body, "goto ");

        verdict = jump != NULL && (go == NULL || jump > go) ? jump : go;
        if (comment != NULL) {
            const char *end = strchr(comment + 10, '"');

            rule->why = g_strndup(comment + 10, end != NULL ? (gsize) (end - comment - 10) : strlen(comment + 10));
        }
    }
    if (verdict != NULL && (g_str_has_prefix(verdict, "jump ") || g_str_has_prefix(verdict, "goto "))) {
        const char *end = strchr(verdict + 5, ' ');

        rule->target = end != NULL ? g_strndup(verdict + 5, (gsize) (end - verdict - 5)) : g_strdup(verdict + 5);
        rule->args = g_strdup("");
        if (rule->why == NULL)
            rule->why = g_strstrip(g_strndup(body, (gsize) (verdict - body)));
        return TRUE;
    }
    for (guint i = 0; i < G_N_ELEMENTS(actions); i++) {
        const char *at = verdict != NULL && g_str_has_prefix(verdict, actions[i].word) ? verdict
                                                                                      : strstr(body, actions[i].word);

        if (at == NULL)
            continue;
        rule->target = g_strdup(actions[i].target);
        rule->args = g_strdup(at + strlen(actions[i].word));
        if (comment != NULL && strstr(rule->args, " comment \"") != NULL)
            *strstr(rule->args, " comment \"") = '\0';
        g_strstrip(rule->args);
        if (rule->why == NULL)
            rule->why = g_strstrip(g_strndup(body, (gsize) (at - body)));
        return TRUE;
    }
    return FALSE;
}

static gboolean
rule_parse(const char *text, Rule *rule)
{
    const char *jump = g_strrstr(text, " -j ");
    const char *comment = strstr(text, "--comment \"");
    g_autofree char *probability = word_after(text, "--probability ");

    memset(rule, 0, sizeof *rule);
    if (!g_str_has_prefix(text, "-t "))
        return nft_rule_parse(text, rule);
    if (jump == NULL)
        return FALSE;
    rule->table = word_after(text, "-t ");
    rule->chain = word_after(text, " -A ");
    rule->target = word_after(jump, " -j ");
    const char *args = jump + 4 + strlen(rule->target);

    rule->args = g_strdup(*args == ' ' ? args + 1 : args);
    if (comment != NULL) {
        const char *end = strchr(comment + 11, '"');

        rule->why = g_strndup(comment + 11, end != NULL ? (gsize) (end - comment - 11) : strlen(comment + 11));
    } else {
        /* The matches between the chain and the target. */
        const char *start = strstr(text, " -A ");

        start = start != NULL ? strchr(start + 4, ' ') : NULL;
        rule->why = start != NULL && start < jump ? g_strstrip(g_strndup(start, jump - start)) : g_strdup("");
    }
    if (probability != NULL) {
        char *with = g_strdup_printf("%s%sprobability %.2f", rule->why, *rule->why != '\0' ? ", " : "",
                                     g_ascii_strtod(probability, NULL));

        g_free(rule->why);
        rule->why = with;
    }
    rule->hook = rule->chain != NULL && is_hook(rule->chain);
    return rule->table != NULL && rule->chain != NULL && rule->target != NULL;
}


/* A target that ends or changes the packet rather than naming a chain. */
static gboolean
is_action(const char *target)
{
    static const char *const actions[] = {
        "ACCEPT", "DROP", "REJECT", "RETURN", "DNAT", "SNAT", "MASQUERADE", "MARK", "LOG", "CT", "NOTRACK",
        "UPDATE",
    };

    for (guint i = 0; i < G_N_ELEMENTS(actions); i++)
        if (strcmp(target, actions[i]) == 0)
            return TRUE;
    return FALSE;
}

/*****************************************************************************/
/* Drawing. */

typedef struct Builder {
    Reader *r;
    KnNet *net;                  /* borrowed, or NULL */
    Agraph_t *graph;
    GHashTable *clusters;        /* node name (owned) -> Agraph_t * */
    GHashTable *places;          /* pod or host name (borrowed) -> Agnode_t * */
    GHashTable *pod_nodes;       /* pod name -> node name, both borrowed */
    GHashTable *hop_edges;       /* "FROM\nTO\nDIRECTION" (owned) -> Agedge_t *, edges of drawn packets */
    GPtrArray *entries;          /* Agnode_t *: the conntrack entries drawn, in order */
    GPtrArray *entry_nodes;      /* const char *, borrowed: the node of each entry */
    guint n_nodes;               /* for unique names */
} Builder;

/* A node's address as text, or NULL without a net.  New; g_free(). */
static char *
node_address(Builder *b, const char *name)
{
    KnNetns *ns = b->net != NULL ? kn_net_node(b->net, name) : NULL;

    return ns != NULL ? kn_addr_to_string(&kn_netns_client(ns)->address) : NULL;
}

static gboolean
is_node(Builder *b, const char *place)
{
    if (b->net != NULL)
        return kn_net_node(b->net, place) != NULL;
    for (guint i = 0; i < b->r->stays->len; i++) {
        const Stay *stay = b->r->stays->pdata[i];

        if (stay->kind == STAY_NODE && strcmp(stay->place, place) == 0)
            return TRUE;
    }
    return FALSE;
}

static Agraph_t *
node_cluster(Builder *b, const char *node)
{
    Agraph_t *cluster = g_hash_table_lookup(b->clusters, node);

    if (cluster == NULL) {
        g_autofree char *name = g_strdup_printf("cluster_node_%s", node);
        g_autofree char *address = node_address(b, node);

        cluster = agsubg(b->graph, name, TRUE);
        kn_graphviz_setf(cluster, "label", "node %s%s%s", node, address != NULL ? "\\n" : "",
             address != NULL ? address : "");
        kn_graphviz_set(cluster, "style", "rounded");
        kn_graphviz_set(cluster, "color", "#607d8b");
        kn_graphviz_set(cluster, "labeljust", "l");
        g_hash_table_insert(b->clusters, g_strdup(node), cluster);
    }
    return cluster;
}

/* The first address of the summary 'text' on the side 'dst'. */
static char *
summary_address(const char *text, gboolean dst)
{
    const char *gt = strstr(text, " > ");
    const char *start = dst && gt != NULL ? gt + 3 : text;
    const char *end = dst ? strchr(start, ' ') : gt;
    const char *colon;

    if (end == NULL)
        return NULL;
    colon = g_strrstr_len(start, end - start, ":");
    return g_strndup(start, (colon != NULL ? colon : end) - start);
}

/* The node of a pod or host named 'place', made with the address it has
 * in 'packet_text' ('dst': on the destination side). */
static Agnode_t *
place_node(Builder *b, const char *place, const char *packet_text, gboolean dst)
{
    Agnode_t *n = g_hash_table_lookup(b->places, place);
    gboolean host = b->net != NULL && kn_net_host(b->net, place) != NULL;
    g_autofree char *address = packet_text != NULL ? summary_address(packet_text, dst) : NULL;
    g_autofree char *name = NULL;

    if (n != NULL)
        return n;
    if (is_node(b, place)) {
        /* A node's own processes: its host network namespace. */
        g_free(address);
        address = node_address(b, place);
        name = g_strdup_printf("host network %s", place);
        n = kn_graphviz_node(node_cluster(b, place), name);
        kn_graphviz_setf(n, "label", "%s\\nhost network%s%s", place, address != NULL ? " " : "",
             address != NULL ? address : "");
        kn_graphviz_set(n, "style", "rounded,filled");
        kn_graphviz_set(n, "fillcolor", FILL_HOST);
    } else {
        name = g_strdup_printf("%s %s", host ? "host" : "pod", place);
        n = kn_graphviz_node(b->graph, name);
        kn_graphviz_setf(n, "label", "%s\\n%s%s%s", place, host ? "host" : "pod", address != NULL ? " " : "",
             address != NULL ? address : "");
        kn_graphviz_set(n, "style", "rounded,filled");
        kn_graphviz_set(n, "fillcolor", host ? FILL_HOST : FILL_POD);
    }
    if (strcmp(place, b->r->client) == 0)
        kn_graphviz_set(n, "penwidth", "2");
    g_hash_table_insert(b->places, g_strdup(place), n);
    return n;
}

static Agnode_t *
new_node(Builder *b, Agraph_t *graph, const char *what, const char *label)
{
    g_autofree char *name = g_strdup_printf("%s %u", what, ++b->n_nodes);
    Agnode_t *n = kn_graphviz_node(graph, name);
    g_autofree char *text = label_text(label);

    kn_graphviz_set(n, "label", text);
    return n;
}

/* Styles 'e' as part of the request or the reply path. */
static void
style_flow(Agedge_t *e, gboolean reply)
{
    kn_graphviz_set(e, "color", reply ? COLOR_REPLY : COLOR_REQUEST);
    kn_graphviz_set(e, "fontcolor", reply ? COLOR_REPLY : COLOR_REQUEST);
    kn_graphviz_set(e, "penwidth", "2");
    if (reply)
        kn_graphviz_set(e, "style", "dashed");
}

/* "18.000005s" */
static char *
time_text(KnTime time)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT "s", time / KN_SEC,
                           time % KN_SEC / KN_USEC);
}

/* Drawing one stay of a drawn packet inside its node. */
typedef struct Walk {
    Builder *b;
    Agraph_t *cluster;
    gboolean reply;
    Agnode_t *last;              /* the last node of the flow so far */
    char *pending;               /* label for the next flow edge (what the hook changed), or NULL */
    GHashTable *chains;          /* "table chain" (owned) -> Agnode_t *, this stay's */
    GPtrArray *order;            /* Agnode_t *: the chains in the order they were made */
    GHashTable *actions;         /* Agnode_t * -> GString *, owned: lines under the chain's name */
} Walk;

static void
flow_to(Walk *w, Agnode_t *n)
{
    Agedge_t *e = kn_graphviz_edge(w->b->graph, w->last, n);

    style_flow(e, w->reply);
    if (w->pending != NULL) {
        g_autofree char *text = label_text(w->pending);

        kn_graphviz_set(e, "label", text);
        g_clear_pointer(&w->pending, g_free);
    }
    w->last = n;
}

static void
add_pending(Walk *w, const char *text)
{
    char *joined = w->pending != NULL ? g_strdup_printf("%s\n%s", w->pending, text) : g_strdup(text);

    g_free(w->pending);
    w->pending = joined;
}

static Agnode_t *
chain_node(Walk *w, const char *table, const char *chain, gboolean hook)
{
    g_autofree char *key = g_strdup_printf("%s %s", table, chain);
    Agnode_t *n = g_hash_table_lookup(w->chains, key);

    if (n != NULL)
        return n;
    if (hook) {
        g_autofree char *label = g_strdup_printf("%s\n(%s table)", chain, table);

        n = new_node(w->b, w->cluster, "hook", label);
        kn_graphviz_set(n, "style", "filled");
        kn_graphviz_set(n, "fillcolor", FILL_HOOK);
        kn_graphviz_set(n, "color", w->reply ? COLOR_REPLY : COLOR_REQUEST);
        flow_to(w, n);
    } else {
        n = new_node(w->b, w->cluster, "chain", chain);
        kn_graphviz_set(n, "style", "rounded,filled");
        kn_graphviz_set(n, "fillcolor", FILL_CHAIN);
        kn_graphviz_set(n, "fontsize", "9");
    }
    g_hash_table_insert(w->chains, g_steal_pointer(&key), n);
    g_ptr_array_add(w->order, n);
    return n;
}

static void
add_action(Walk *w, Agnode_t *n, const Rule *rule)
{
    GString *lines = g_hash_table_lookup(w->actions, n);

    if (lines == NULL) {
        lines = g_string_new(NULL);
        g_hash_table_insert(w->actions, n, lines);
    }
    g_string_append_printf(lines, "\n%s%s%s", rule->target, *rule->args != '\0' ? " " : "", rule->args);
    if (strcmp(rule->target, "DNAT") == 0 || strcmp(rule->target, "MASQUERADE") == 0
        || strcmp(rule->target, "SNAT") == 0)
        kn_graphviz_set(n, "fillcolor", FILL_NAT);
    if (strcmp(rule->target, "DROP") == 0 || strcmp(rule->target, "REJECT") == 0)
        kn_graphviz_set(n, "fillcolor", FILL_DROP);
}

/* A rule note of the stay: a hook's rule, a jump, or an action. */
static void
walk_rule(Walk *w, const KnTraceNote *note)
{
    Rule rule;
    Agnode_t *from, *to;

    if (!rule_parse(note->text, &rule)) {
        rule_clear(&rule);
        return;
    }
    from = chain_node(w, rule.table, rule.chain, rule.hook);
    if (is_action(rule.target)) {
        add_action(w, from, &rule);
    } else {
        Agedge_t *e;

        to = chain_node(w, rule.table, rule.target, FALSE);
        e = kn_graphviz_edge(w->b->graph, from, to);
        if (*rule.why != '\0') {
            g_autofree char *text = label_text(rule.why);

            kn_graphviz_set(e, "label", text);
        }
        kn_graphviz_set(e, "color", w->reply ? COLOR_REPLY : COLOR_REQUEST);
        kn_graphviz_set(e, "fontcolor", "#424242");
        kn_graphviz_set(e, "arrowhead", "vee");
    }
    rule_clear(&rule);
}

/* "tcp 6 120 SYN_SENT src=A dst=B sport=C dport=D [UNREPLIED] src=..."
 * as "A:C -> B:D\nreply A':C' -> B':D'". */
static char *
entry_text(const char *line)
{
    g_auto(GStrv) words = g_strsplit(line, " ", -1);
    const char *v[2][4] = { { NULL } };
    guint side = 0;
    GString *out = g_string_new(NULL);
    static const char *const keys[] = { "src=", "dst=", "sport=", "dport=" };

    for (guint i = 0; words[i] != NULL; i++) {
        for (guint k = 0; k < 4; k++) {
            if (g_str_has_prefix(words[i], keys[k])) {
                if (v[side][k] != NULL && side == 0)
                    side = 1;
                v[side][k] = words[i] + strlen(keys[k]);
            }
        }
    }
    for (guint s = 0; s < 2; s++) {
        if (v[s][0] == NULL || v[s][1] == NULL)
            continue;
        g_string_append_printf(out, "%s%s%s:%s \u2192 %s:%s", s > 0 ? "\n" : "", s > 0 ? "reply " : "",
                               v[s][0], v[s][2] != NULL ? v[s][2] : "*", v[s][1],
                               v[s][3] != NULL ? v[s][3] : "*");
    }
    return g_string_free(out, FALSE);
}

static void
walk_conntrack(Walk *w, const char *place, const KnTraceNote *note)
{
    const char *text = note->text;
    Agnode_t *n;

    if (g_str_has_prefix(text, "conntrack: new entry ")) {
        g_autofree char *entry = entry_text(text + strlen("conntrack: new entry "));
        g_autofree char *label = g_strdup_printf("conntrack: new entry\n%s", entry);

        n = new_node(w->b, w->cluster, "conntrack", label);
        g_ptr_array_add(w->b->entries, n);
        g_ptr_array_add(w->b->entry_nodes, (gpointer) place);
    } else {
        const char *what = g_str_has_prefix(text, "conntrack: ") ? text + strlen("conntrack: ") : text;
        g_autofree char *label = g_strdup_printf("conntrack finds the entry\n%s", what);

        n = new_node(w->b, w->cluster, "conntrack", label);
    }
    kn_graphviz_set(n, "shape", "cylinder");
    kn_graphviz_set(n, "style", "filled");
    kn_graphviz_set(n, "fillcolor", FILL_CONNTRACK);
    flow_to(w, n);
}

static void
free_lines(gpointer data)
{
    g_string_free(data, TRUE);
}

/* Draws 'stay' of a drawn packet: a node's hooks, chains, NAT, conntrack.
 * 'first' is where the flow enters (made by the caller); returns where it
 * leaves. */
static Agnode_t *
draw_node_stay(Builder *b, const Stay *stay, gboolean reply, Agnode_t *first)
{
    Walk w = {
        .b = b, .cluster = node_cluster(b, stay->place), .reply = reply, .last = first,
        .chains = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .actions = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_lines),
        .order = g_ptr_array_new(),
    };

    for (guint i = 0; i < stay->body->len; i++) {
        const KnTraceNote *note = stay->body->pdata[i];
        switch (note->kind) {
        case KN_TRACE_RULE:
            walk_rule(&w, note);
            break;
        case KN_TRACE_NAT:
            /* The hook's summary ("DNAT A -> B by X (n rules evaluated)") at
             * the stay's depth; the rule walk's own at deeper ones repeats
             * its rule's target. */
            if (note->depth <= stay->depth)
                add_pending(&w, note->text);
            break;
        case KN_TRACE_CONNTRACK:
            walk_conntrack(&w, stay->place, note);
            break;
        case KN_TRACE_VERDICT: {
            Agnode_t *n = new_node(b, w.cluster, "verdict", note->text);

            kn_graphviz_set(n, "shape", "octagon");
            kn_graphviz_set(n, "style", "filled");
            kn_graphviz_set(n, "fillcolor", FILL_DROP);
            flow_to(&w, n);
            break;
        }
        default: {
            Agnode_t *n = new_node(b, w.cluster, "note", note->text);

            kn_graphviz_set(n, "shape", "note");
            flow_to(&w, n);
            break;
        }
        }
    }
    /* Chains: the actions under their names; those that matched nothing grey. */
    for (guint i = 0; i < w.order->len; i++) {
        Agnode_t *n = w.order->pdata[i];
        GString *lines = g_hash_table_lookup(w.actions, n);
        const char *label = agget(n, (char *) "label");

        if (lines != NULL) {
            g_autofree char *text = label_text(lines->str);
            g_autofree char *full = g_strdup_printf("%s%s", label, text);

            kn_graphviz_set(n, "label", full);
        } else if (agfstout(b->graph, n) == NULL && g_strcmp0(agget(n, (char *) "fillcolor"), FILL_HOOK) != 0) {
            kn_graphviz_set(n, "color", COLOR_GREY);
            kn_graphviz_set(n, "fontcolor", COLOR_GREY);
            kn_graphviz_setf(n, "label", "%s\\n(no rule matched)", label);
        }
    }
    g_ptr_array_unref(w.order);
    g_hash_table_unref(w.actions);
    g_hash_table_unref(w.chains);

    /* Where it leaves. */
    g_autofree char *out_label = NULL;

    if (stay->out != NULL) {
        const char *text = stay->out->text;

        if (g_str_has_prefix(text, "out cni0 -> ")) {
            const char *slash = strchr(text, '/');
            const char *end = strstr(text, " to pod ");

            out_label = g_strdup_printf("out cni0 \u2192 %.*s", (int) (end - (slash != NULL ? slash + 1 : text + 12)),
                                        slash != NULL ? slash + 1 : text + 12);
        } else if (g_str_has_prefix(text, "out flannel.1")) {
            out_label = g_strdup("out flannel.1\n(VXLAN encapsulation)");
        } else if (g_str_has_prefix(text, "out eth0")) {
            out_label = g_strdup("out eth0");
        } else {
            out_label = g_strdup(text);
        }
    }
    if (out_label != NULL) {
        Agnode_t *n = new_node(b, w.cluster, "out", out_label);

        kn_graphviz_set(n, "shape", "cds");
        kn_graphviz_set(n, "style", "filled");
        kn_graphviz_set(n, "fillcolor", "#ffffff");
        flow_to(&w, n);
    }
    g_free(w.pending);
    return w.last;
}

/* The label of the wire between two stays: the packet on it and the times
 * (and the outer header for VXLAN).  New; g_free(). */
static char *
wire_label(Builder *b, const Stay *from, const Stay *to)
{
    GString *label = g_string_new(NULL);
    g_autofree char *t0 = time_text(from->time);
    g_autofree char *t1 = time_text(to->time);

    if (from->out != NULL && g_str_has_prefix(from->out->text, "out flannel.1: ")) {
        const char *vni = strstr(from->out->text, "VNI ");
        const char *udp = strstr(from->out->text, " UDP ");
        g_autofree char *a = node_address(b, from->place);
        g_autofree char *z = node_address(b, to->place);

        g_string_append_printf(label, "VXLAN %.*s, outer %s \u2192 %s%s\n",
                               vni != NULL ? (int) strcspn(vni, ",") : 0, vni != NULL ? vni : "",
                               a != NULL ? a : from->place, z != NULL ? z : to->place,
                               udp != NULL ? udp : "");
    }
    if (to->packet_text != NULL)
        g_string_append_printf(label, "%s\n", to->packet_text);
    if (from->time == to->time)
        g_string_append_printf(label, "%s", t0);
    else
        g_string_append_printf(label, "%s \u2192 %s", t0, t1);
    return g_string_free(label, FALSE);
}

static char *
hop_key(const Stay *from, const Stay *to, gboolean reply)
{
    return g_strdup_printf("%s\n%s\n%d", from->place, to->place, reply);
}

/* Draws packet 'packet' in full. */
static void
draw_packet(Builder *b, const Packet *packet)
{
    Agnode_t *last = NULL;
    const Stay *prev = NULL;

    for (guint i = 0; i < packet->stays->len; i++) {
        const Stay *stay = packet->stays->pdata[i];
        Agnode_t *first;
        gboolean back = FALSE;

        if (stay->kind == STAY_NODE && i == 0) {
            first = place_node(b, stay->place, stay->packet_text, FALSE);
        } else if (stay->kind == STAY_NODE) {
            Agraph_t *cluster = node_cluster(b, stay->place);
            g_autofree char *label = stay->in_iface == NULL ? g_strdup("in")
                                     : stay->vxlan ? g_strdup_printf("in eth0: VXLAN\n\u2192 %s", stay->in_iface)
                                     : g_strdup_printf("in %s", stay->in_iface);

            first = new_node(b, cluster, "in", label);
            kn_graphviz_set(first, "shape", "cds");
            kn_graphviz_set(first, "style", "filled");
            kn_graphviz_set(first, "fillcolor", "#ffffff");
            kn_graphviz_set(first, "color", packet->reply ? COLOR_REPLY : COLOR_REQUEST);
        } else {
            back = g_hash_table_contains(b->places, stay->place);
            first = place_node(b, stay->place, stay->packet_text, stay->kind == STAY_DELIVER);
        }
        if (prev != NULL && last != NULL) {
            Agedge_t *e = kn_graphviz_edge(b->graph, last, first);
            g_autofree char *label = wire_label(b, prev, stay);
            g_autofree char *text = label_text(label);

            style_flow(e, packet->reply);
            /* Back to a place drawn before (the reply reaching the client):
             * not ranked, so that time runs down the picture. */
            if (back)
                kn_graphviz_set(e, "constraint", "false");
            kn_graphviz_set(e, "label", text);
            g_hash_table_insert(b->hop_edges, hop_key(prev, stay, packet->reply), e);
        }
        /* A pod's node: the node it was sent into, or delivered from. */
        if (prev != NULL && stay->kind == STAY_NODE && prev->kind == STAY_SEND
            && stay->in_iface != NULL && g_str_has_prefix(stay->in_iface, "veth"))
            g_hash_table_insert(b->pod_nodes, (gpointer) prev->place, (gpointer) stay->place);
        if (prev != NULL && stay->kind == STAY_DELIVER && prev->kind == STAY_NODE
            && prev->out != NULL && g_str_has_prefix(prev->out->text, "out cni0"))
            g_hash_table_insert(b->pod_nodes, (gpointer) stay->place, (gpointer) prev->place);
        last = stay->kind == STAY_NODE ? draw_node_stay(b, stay, packet->reply, first) : first;
        prev = stay;
    }
}

/* What later packets did on one wire. */
typedef struct Later {
    guint n;
    GString *keys;               /* their short names, in order */
    KnTime first, last;
} Later;

static void
later_free(gpointer data)
{
    Later *later = data;

    g_string_free(later->keys, TRUE);
    g_free(later);
}

/* Counts the packets not drawn on the wires of the drawn ones, and on each
 * node's conntrack entry; wires no drawn packet took get a dotted edge. */
static void
summarise_later(Builder *b, const Packet *drawn[2])
{
    g_autoptr(GHashTable) wires = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, later_free);
    g_autoptr(GPtrArray) order = g_ptr_array_new();      /* wire keys (borrowed), first seen first */
    g_autoptr(GHashTable) per_node = g_hash_table_new(g_str_hash, g_str_equal);   /* node -> count */

    for (guint p = 0; p < b->r->packets->len; p++) {
        const Packet *packet = b->r->packets->pdata[p];

        if (packet == drawn[0] || packet == drawn[1])
            continue;
        for (guint i = 0; i < packet->stays->len; i++) {
            const Stay *stay = packet->stays->pdata[i];

            if (stay->kind == STAY_NODE) {
                guint n = GPOINTER_TO_UINT(g_hash_table_lookup(per_node, stay->place));

                g_hash_table_insert(per_node, (gpointer) stay->place, GUINT_TO_POINTER(n + 1));
            }
            if (i == 0)
                continue;

            const Stay *prev = packet->stays->pdata[i - 1];
            char *key = hop_key(prev, stay, packet->reply);
            Later *later = g_hash_table_lookup(wires, key);
            g_autofree char *name = short_key(packet->key != NULL ? packet->key : "?");

            if (later == NULL) {
                later = g_new0(Later, 1);
                later->keys = g_string_new(NULL);
                later->first = prev->time;
                g_hash_table_insert(wires, key, later);
                g_ptr_array_add(order, key);
            } else {
                g_free(key);
            }
            later->n++;
            later->last = stay->time;
            g_string_append_printf(later->keys, "%s%s", later->keys->len > 0 ? " " : "", name);
        }
    }
    for (guint i = 0; i < order->len; i++) {
        const char *key = order->pdata[i];
        Later *later = g_hash_table_lookup(wires, key);
        Agedge_t *e = g_hash_table_lookup(b->hop_edges, key);
        g_autofree char *t0 = time_text(later->first);
        g_autofree char *t1 = time_text(later->last);
        g_autofree char *raw = g_strdup_printf("+%u later: %s\n%s \u2192 %s", later->n, later->keys->str, t0, t1);
        g_autofree char *text = label_text(raw);

        if (e != NULL) {
            g_autofree char *label = g_strdup_printf("%s\\n%s", agget(e, (char *) "label"), text);

            kn_graphviz_set(e, "label", label);
            continue;
        }
        /* A wire no drawn packet took: between the places (or their clusters' anchors). */
        g_auto(GStrv) parts = g_strsplit(key, "\n", 3);
        Agnode_t *ends[2];

        for (guint k = 0; k < 2; k++) {
            if (is_node(b, parts[k])) {
                g_autofree char *name = g_strdup_printf("later %s", parts[k]);

                ends[k] = kn_graphviz_node(node_cluster(b, parts[k]), name);
                kn_graphviz_set(ends[k], "label", "later packets");
                kn_graphviz_set(ends[k], "shape", "plaintext");
            } else {
                ends[k] = place_node(b, parts[k], NULL, FALSE);
            }
        }
        e = kn_graphviz_edge(b->graph, ends[0], ends[1]);
        kn_graphviz_set(e, "label", text);
        kn_graphviz_set(e, "style", "dotted");
        kn_graphviz_set(e, "color", strcmp(parts[2], "1") == 0 ? COLOR_REPLY : COLOR_REQUEST);
    }
    /* The entries later packets found. */
    for (guint i = 0; i < b->entries->len; i++) {
        Agnode_t *value = b->entries->pdata[i];
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(per_node, b->entry_nodes->pdata[i]));

        if (n > 0) {
            g_autofree char *label = g_strdup_printf("%s\\n+%u later packet%s found this entry", agget(value, (char *) "label"),
                                                     n, n == 1 ? "" : "s");

            kn_graphviz_set(value, "label", label);
        }
    }
}

static void
set_graph_defaults(Agraph_t *graph)
{
    agattr(graph, AGNODE, (char *) "label", (char *) "\\N");
    agattr(graph, AGRAPH, (char *) "rankdir", (char *) "TB");
    /* Rank across clusters: a node is left and entered again by the reply. */
    agattr(graph, AGRAPH, (char *) "newrank", (char *) "true");
    agattr(graph, AGRAPH, (char *) "fontname", (char *) "Helvetica");
    agattr(graph, AGRAPH, (char *) "fontsize", (char *) "11");
    agattr(graph, AGRAPH, (char *) "nodesep", (char *) "0.25");
    agattr(graph, AGRAPH, (char *) "ranksep", (char *) "0.3");
    agattr(graph, AGNODE, (char *) "fontname", (char *) "Helvetica");
    agattr(graph, AGNODE, (char *) "fontsize", (char *) "10");
    agattr(graph, AGNODE, (char *) "shape", (char *) "box");
    agattr(graph, AGEDGE, (char *) "fontname", (char *) "Helvetica");
    agattr(graph, AGEDGE, (char *) "fontsize", (char *) "9");
    agattr(graph, AGEDGE, (char *) "arrowsize", (char *) "0.6");
}

/*****************************************************************************/
/* Entry points. */

KnPath *
kn_path_new(const KnTrace *trace, KnNet *net, const char *client, const char *title)
{
    g_return_val_if_fail(trace != NULL && client != NULL, NULL);

    Reader r = {
        .client = client,
        .stays = g_ptr_array_new_with_free_func(stay_free),
        .packets = g_ptr_array_new_with_free_func(packet_free),
        .remarks = g_ptr_array_new(),
    };
    Builder b = {
        .r = &r, .net = net,
        .clusters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .places = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .pod_nodes = g_hash_table_new(g_str_hash, g_str_equal),
        .hop_edges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .entries = g_ptr_array_new(),
        .entry_nodes = g_ptr_array_new(),
    };
    KnPath *path = g_new0(KnPath, 1);
    const Packet *drawn[2] = { NULL, NULL };

    read_notes(&r, trace);
    b.graph = kn_graphviz_open("path");
    set_graph_defaults(b.graph);
    /* The first TCP packet each way (the request's SYN and its SYN-ACK)
     * is the one drawn; the DNS queries before it, if the name went
     * through the cluster's DNS, are counted with the later packets. */
    for (guint pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < r.packets->len; i++) {
            const Packet *packet = r.packets->pdata[i];

            if (drawn[packet->reply] == NULL && (pass == 1 || g_str_has_prefix(packet->key, "TCP")))
                drawn[packet->reply] = packet;
        }
    }
    /* The client first, so that it is ranked first. */
    for (guint i = 0; i < r.stays->len; i++) {
        const Stay *stay = r.stays->pdata[i];

        if (strcmp(stay->place, client) == 0 && stay->kind == STAY_SEND) {
            place_node(&b, client, stay->packet_text, FALSE);
            break;
        }
    }
    for (guint i = 0; i < 2; i++) {
        if (drawn[i] != NULL) {
            draw_packet(&b, drawn[i]);
            path->n_drawn++;
        }
    }
    summarise_later(&b, drawn);
    /* Pods into their nodes' clusters. */
    for (guint i = 0; i < r.stays->len; i++) {
        const Stay *stay = r.stays->pdata[i];
        Agnode_t *n = g_hash_table_lookup(b.places, stay->place);
        const char *node = g_hash_table_lookup(b.pod_nodes, stay->place);

        if (n != NULL && node != NULL)
            agsubnode(node_cluster(&b, node), n, TRUE);
    }
    /* What the applications and resolvers said, on their places. */
    for (guint i = 0; i < r.remarks->len; i++) {
        const KnTraceNote *note = r.remarks->pdata[i];
        Agnode_t *n = note->node != NULL ? g_hash_table_lookup(b.places, note->node) : NULL;

        if (n != NULL) {
            g_autofree char *text = label_text(note->text);
            g_autofree char *label = g_strdup_printf("%s\\n%s", agget(n, (char *) "label"), text);

            kn_graphviz_set(n, "label", label);
        }
    }
    {
        GString *label = g_string_new(title != NULL ? title : "");
        g_autofree char *text = NULL;

        g_string_append_printf(label, "%sfirst request packet in black, first reply in blue (dashed), "
                               "times in simulated seconds", label->len > 0 ? "\n" : "");
        if (r.packets->len > path->n_drawn)
            g_string_append_printf(label, "; %u later packet%s of the connection counted on the edges",
                                   r.packets->len - path->n_drawn, r.packets->len - path->n_drawn == 1 ? "" : "s");
        text = label_text(label->str);
        g_string_free(label, TRUE);
        kn_graphviz_set(b.graph, "label", text);
        kn_graphviz_set(b.graph, "labelloc", "t");
        kn_graphviz_set(b.graph, "labeljust", "l");
    }
    path->graph = b.graph;
    path->n_packets = r.packets->len;
    g_hash_table_unref(b.clusters);
    g_hash_table_unref(b.places);
    g_hash_table_unref(b.pod_nodes);
    g_hash_table_unref(b.hop_edges);
    g_ptr_array_unref(b.entries);
    g_ptr_array_unref(b.entry_nodes);
    g_ptr_array_unref(r.stays);
    g_ptr_array_unref(r.packets);
    g_ptr_array_unref(r.remarks);
    return path;
}

void
kn_path_free(KnPath *path)
{
    if (path == NULL)
        return;
    agclose(path->graph);
    g_free(path);
}

guint
kn_path_n_packets(const KnPath *path)
{
    g_return_val_if_fail(path != NULL, 0);
    return path->n_packets;
}

guint
kn_path_n_drawn(const KnPath *path)
{
    g_return_val_if_fail(path != NULL, 0);
    return path->n_drawn;
}

char *
kn_path_to_dot(KnPath *path)
{
    g_return_val_if_fail(path != NULL, NULL);
    return kn_graphviz_to_dot(path->graph);
}

gboolean
kn_path_write(KnPath *path, KnGraphvizFormat format, const char *file, GError **error)
{
    g_return_val_if_fail(path != NULL, FALSE);
    return kn_graphviz_write(path->graph, format, file, error);
}
