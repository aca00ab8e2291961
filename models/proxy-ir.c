/* proxy-ir.c -- netfilter rules as kube-proxy writes them (proxy-ir.h).
 *
 * DOC: The rule model covers what kube-proxy's iptables mode writes
 * (K-IPT syncProxyRules, writeServiceToEndpointRules; reference section
 * 1.7): IP header matches and the match modules comment, tcp/udp/sctp,
 * mark, addrtype, conntrack, statistic, recent and nfacct; the targets
 * jump, RETURN, ACCEPT, DROP, REJECT, DNAT, MARK and MASQUERADE; and, for
 * node-local-dns's rules (kubernetes/dns cmd/node-cache), the raw table,
 * --sport and NOTRACK.
 *
 * The renderer prints what `iptables-save` v1.8.9 prints after
 * iptables-restore has loaded kube-proxy's payload (section 1.9, EMP):
 * built-in chains first, user chains sorted by name in byte order, rules
 * grouped chain by chain in that order; within a rule -s, -d, -i, -o, -p
 * and then the modules in the order written; addresses with their prefix
 * length; comments quoted as xtables_save_string() does; MARK as
 * --set-xmark; REJECT with its --reject-with; recent with its --mask and
 * --rsource; probabilities as the stored u32 over 2^31 with "%.11f"
 * (section 1.8, XT statistic_parse/print).  Tables print raw (when it
 * exists), filter, nat, as iptables-nft 1.8.9 prints them (EMP: raw made
 * after filter and nat still comes first).  The rules of several programs
 * in one kernel print as layers: in a built-in chain, the rules a later
 * program inserted at the head (node-local-dns's -I) before kube-proxy's.
 *
 * The executor walks chains as the kernel's ipt_do_table does: the first
 * matching rule's target decides; a jump pushes the return position; RETURN
 * pops it, and in a built-in chain the policy (ACCEPT) applies; ACCEPT,
 * DROP, REJECT, DNAT and MASQUERADE end the table; MARK, NOTRACK (xt_CT
 * returns XT_CONTINUE) and target-less rules go on.  -m statistic matches when (random & 0x7FFFFFFF) < value
 * (kernel xt_statistic.c); -m recent keeps per list an LRU of source
 * addresses with the time last set, at most 100 (xt_recent ip_list_tot),
 * --rcheck --seconds T hits when the last --set is less than T ago, and
 * --reap drops the least recently set entry if it is that old (kernel
 * xt_recent.c recent_entry_reap).
 *
 * Speed: the kernel tries every rule of KUBE-SERVICES in turn; so does the
 * count here, but the walk finds the candidates through an index.  Any rule
 * with -p P -m P --dport N can only match packets of that protocol and
 * port, and with a host -d X only packets to X, so chains of many rules
 * index such rules by (X, P, N) or (P, N); the walk visits only those and
 * the unindexed rules, in chain order, and counts the rules between them
 * as evaluated without evaluating them.
 *
 * Simplified: one IP family per ruleset walk (the family is the packet's);
 * the -i/-o interface of a packet that has none (OUTPUT) is ""; the
 * recent list keeps one time stamp per address (the newest, all --rcheck
 * --seconds looks at); no --hitcount; the depth limit (32 jumps) stands in
 * for the kernel's load-time loop check. */

#include <config.h>
#include "models/proxy-ir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/sim.h"

#define MAX_DEPTH 32             /* jumps deep, as OVS MAX_DEPTH */
#define INDEX_MIN_RULES 16       /* chains shorter than this are walked rule by rule */
#define RECENT_LIST_TOT 100      /* xt_recent ip_list_tot */
#define BLOCK_SIZE (256 * 1024)  /* rule storage per block */

/* A walk whose rules looked only at the conntrack state and the mark (the
 * FORWARD chain for an established packet, POSTROUTING's mark test): its
 * outcome for the same (table, hook, state, mark) is the same every time,
 * so it is kept and replayed, counting the same rules.  A walk that met a
 * rule looking at more (an address, a port, a random draw) meets it again
 * for the same key, as the rules before it looked at nothing else: that
 * too is kept, so that such walks go straight to the rules.  Never used
 * while tracing, which needs the notes. */
typedef struct WalkMemo {
    guint32 mark_out;
    guint n_rules;
    KnVerdict verdict;
    gboolean masquerade, random_fully, ended, accepted;
    gboolean walk;               /* the outcome depends on the packet: walk the rules */
    const char *decided_by;
} WalkMemo;

#define N_WALK_MEMOS 64            /* a power of two: open addressing on memo_home() */

/* A lane's memos: the keys apart, so that a probe reads one cache line. */
typedef struct WalkMemos {
    guint64 keys[N_WALK_MEMOS];  /* memo_key(); 0: free */
    WalkMemo memos[N_WALK_MEMOS];
} WalkMemos;

/* (table, hook, state, mark) as one word, never 0. */
static inline guint64
memo_key(guint table, guint hook, guint ct_state, guint32 mark)
{
    return G_GUINT64_CONSTANT(1) << 63 | (guint64) mark << 24 | (guint64) (ct_state & 0xfff) << 8
           | table << 4 | hook;
}

/* Where the memo of 'key' goes, or its probe starts. */
static inline guint
memo_home(guint64 key)
{
    guint64 h = key * 0x9e3779b97f4a7c15ull;

    return (guint) (h >> 58) & (N_WALK_MEMOS - 1);
}

G_STATIC_ASSERT(KN_PROXY_IR_N_TABLES <= 16 && KN_N_HOOKS <= 16 && KN_CT_UNCONFIRMED < 0x1000);

struct KnProxyIrRuleset {
    GPtrArray *chains[KN_PROXY_IR_N_TABLES];   /* KnProxyIrChain, owned, creation order */
    GHashTable *by_name[KN_PROXY_IR_N_TABLES]; /* name (borrowed) -> chain */
    GStringChunk *strings;       /* interned comments, names, interfaces */
    KnProxyIrChain *hooks[KN_PROXY_IR_N_TABLES][KN_N_HOOKS];  /* built-in chains by hook; the
                                  * walk's entry points, found without hashing */
    /* What walks found, made as they go: nodes with the same rules share the
     * ruleset, and the lanes of a parallel run (sim.h) walk it at once.  The
     * entry points and chain indexes come out the same whoever makes them,
     * and are published with one atomic store; each lane has its memos. */
    WalkMemos *memos[KN_SIM_MAX_LANES];  /* each lane's, or NULL */
    GPtrArray *blocks;           /* rule storage, owned */
    gsize block_used;            /* bytes used of the last block */
    guint n_rules;
    GPtrArray *sets;             /* KnProxyIrSet, owned, creation order; NULL: none yet */
    GHashTable *sets_by_name;    /* name (borrowed) -> set */
};

struct KnProxyIrSet {
    char *name;
    char *type;                  /* "hash:ip,port", "bitmap:port", ... */
    guint family;                /* 4 or 6 */
    gboolean has_net;            /* a "net" dimension: members are matched by prefix */
    GPtrArray *members;          /* char *, owned, in the order added */
    GHashTable *by_text;         /* member (borrowed) -> itself */
};

static const char *const builtin_chains[KN_PROXY_IR_N_TABLES][5] = {
    [KN_PROXY_IR_FILTER] = { "INPUT", "FORWARD", "OUTPUT", NULL },
    [KN_PROXY_IR_NAT] = { "PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", NULL },
    [KN_PROXY_IR_RAW] = { "PREROUTING", "OUTPUT", NULL },
};

/* iptables-save's table order with iptables-nft (EMP: raw, then filter,
 * then nat, whatever order they were made in). */
static const KnProxyIrTable save_order[KN_PROXY_IR_N_TABLES] = {
    KN_PROXY_IR_RAW, KN_PROXY_IR_FILTER, KN_PROXY_IR_NAT,
};

const char *
kn_proxy_ir_table_name(KnProxyIrTable table)
{
    return table == KN_PROXY_IR_NAT ? "nat" : table == KN_PROXY_IR_RAW ? "raw" : "filter";
}

/*****************************************************************************/
/* The ruleset. */

static void index_free(gpointer index);

static void
chain_free(gpointer data)
{
    KnProxyIrChain *chain = data;

    g_ptr_array_unref(chain->rules);
    index_free(chain->index);
    g_free(chain);
}

static KnProxyIrChain *
chain_add(KnProxyIrRuleset *ruleset, KnProxyIrTable table, const char *name, gboolean builtin)
{
    KnProxyIrChain *chain = g_new0(KnProxyIrChain, 1);

    chain->name = g_string_chunk_insert(ruleset->strings, name);
    chain->table = table;
    chain->builtin = builtin;
    chain->rules = g_ptr_array_new();   /* rules live in the ruleset's blocks */
    g_ptr_array_add(ruleset->chains[table], chain);
    g_hash_table_insert(ruleset->by_name[table], (gpointer) chain->name, chain);
    return chain;
}

KnProxyIrRuleset *
kn_proxy_ir_ruleset_new(void)
{
    KnProxyIrRuleset *ruleset = g_new0(KnProxyIrRuleset, 1);

    ruleset->strings = g_string_chunk_new(64 * 1024);
    for (guint t = 0; t < KN_PROXY_IR_N_TABLES; t++) {
        ruleset->chains[t] = g_ptr_array_new_with_free_func(chain_free);
        ruleset->by_name[t] = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; t != KN_PROXY_IR_RAW && builtin_chains[t][i] != NULL; i++)
            chain_add(ruleset, t, builtin_chains[t][i], TRUE);
    }
    ruleset->blocks = g_ptr_array_new_with_free_func(g_free);
    ruleset->block_used = BLOCK_SIZE;
    return ruleset;
}

void
kn_proxy_ir_ruleset_free(KnProxyIrRuleset *ruleset)
{
    if (ruleset == NULL)
        return;
    for (guint t = 0; t < KN_PROXY_IR_N_TABLES; t++) {
        g_hash_table_unref(ruleset->by_name[t]);
        g_ptr_array_unref(ruleset->chains[t]);
    }
    g_string_chunk_free(ruleset->strings);
    g_ptr_array_unref(ruleset->blocks);
    if (ruleset->sets != NULL) {
        g_hash_table_unref(ruleset->sets_by_name);
        g_ptr_array_unref(ruleset->sets);
    }
    for (guint i = 0; i < KN_SIM_MAX_LANES; i++)
        g_free(ruleset->memos[i]);
    g_free(ruleset);
}

KnProxyIrChain *
kn_proxy_ir_lookup(const KnProxyIrRuleset *ruleset, KnProxyIrTable table, const char *name)
{
    g_return_val_if_fail(ruleset != NULL && table < KN_PROXY_IR_N_TABLES, NULL);
    return g_hash_table_lookup(ruleset->by_name[table], name);
}

KnProxyIrChain *
kn_proxy_ir_chain(KnProxyIrRuleset *ruleset, KnProxyIrTable table, const char *name)
{
    KnProxyIrChain *chain = kn_proxy_ir_lookup(ruleset, table, name);

    if (chain != NULL)
        return chain;
    /* A table made on demand (raw) gets its built-in chains first. */
    if (ruleset->chains[table]->len == 0) {
        for (guint i = 0; builtin_chains[table][i] != NULL; i++)
            chain_add(ruleset, table, builtin_chains[table][i], TRUE);
        if ((chain = kn_proxy_ir_lookup(ruleset, table, name)) != NULL)
            return chain;
    }
    return chain_add(ruleset, table, name, FALSE);
}

guint
kn_proxy_ir_n_rules(const KnProxyIrRuleset *ruleset)
{
    return ruleset->n_rules;
}

static const char *
intern(KnProxyIrRuleset *ruleset, const char *text)
{
    return text != NULL ? g_string_chunk_insert(ruleset->strings, text) : NULL;
}

/* Room for a rule of 'size' bytes in the current block, or a new block.
 * Each block keeps a whole KnProxyIrRule of slack at its end so that no
 * stored rule, however short, ends less than sizeof (KnProxyIrRule) before
 * the end of its allocation (which sanitizers check on member access). */
static KnProxyIrRule *
rule_alloc(KnProxyIrRuleset *ruleset, gsize size)
{
    size = (size + 7) & ~(gsize) 7;
    if (ruleset->block_used + size > BLOCK_SIZE) {
        g_ptr_array_add(ruleset->blocks, g_malloc(BLOCK_SIZE + sizeof(KnProxyIrRule)));
        ruleset->block_used = 0;
    }
    KnProxyIrRule *rule = (KnProxyIrRule *) ((char *) g_ptr_array_index(ruleset->blocks, ruleset->blocks->len - 1)
                                             + ruleset->block_used);

    ruleset->block_used += size;
    return rule;
}

KnProxyIrRule *
kn_proxy_ir_append(KnProxyIrRuleset *ruleset, KnProxyIrChain *chain, const KnProxyIrRule *rule)
{
    g_return_val_if_fail(ruleset != NULL && chain != NULL && rule != NULL, NULL);
    g_return_val_if_fail(rule->n_matches <= KN_PROXY_IR_MAX_MATCHES, NULL);
    g_return_val_if_fail(rule->target != KN_PROXY_IR_TARGET_JUMP || rule->jump != NULL, NULL);

    gsize size = G_STRUCT_OFFSET(KnProxyIrRule, matches) + rule->n_matches * sizeof(KnProxyIrMatch);
    KnProxyIrRule *copy = rule_alloc(ruleset, size);

    memcpy(copy, rule, size);
    copy->in_iface = intern(ruleset, rule->in_iface);
    copy->out_iface = intern(ruleset, rule->out_iface);
    for (guint i = 0; i < copy->n_matches; i++)
        copy->matches[i].text = intern(ruleset, rule->matches[i].text);
    g_ptr_array_add(chain->rules, copy);
    g_clear_pointer(&chain->index, index_free);
    ruleset->n_rules++;
    return copy;
}

static KnProxyIrMatch *
add_match(KnProxyIrRule *rule, KnProxyIrMatchKind kind)
{
    g_assert(rule->n_matches < KN_PROXY_IR_MAX_MATCHES);
    KnProxyIrMatch *match = &rule->matches[rule->n_matches++];

    memset(match, 0, sizeof *match);
    match->kind = kind;
    return match;
}

void
kn_proxy_ir_add_comment(KnProxyIrRule *rule, const char *text)
{
    add_match(rule, KN_PROXY_IR_MATCH_COMMENT)->text = text;
}

void
kn_proxy_ir_add_port(KnProxyIrRule *rule, guint8 proto, guint16 dport)
{
    rule->proto = proto;
    add_match(rule, KN_PROXY_IR_MATCH_PORT)->dport = dport;
}

void
kn_proxy_ir_add_sport(KnProxyIrRule *rule, guint8 proto, guint16 sport)
{
    rule->proto = proto;
    add_match(rule, KN_PROXY_IR_MATCH_PORT)->value = sport;
}

void
kn_proxy_ir_add_mark(KnProxyIrRule *rule, gboolean negate, guint32 value, guint32 mask)
{
    KnProxyIrMatch *match = add_match(rule, KN_PROXY_IR_MATCH_MARK);

    match->negate = negate != FALSE;
    match->value = value;
    match->mask = mask;
}

void
kn_proxy_ir_add_addrtype(KnProxyIrRule *rule, gboolean negate, gboolean dst_type)
{
    KnProxyIrMatch *match = add_match(rule, KN_PROXY_IR_MATCH_ADDRTYPE);

    match->negate = negate != FALSE;
    match->dst_type = dst_type != FALSE;
}

void
kn_proxy_ir_add_ctstate(KnProxyIrRule *rule, gboolean negate, guint ctstate)
{
    KnProxyIrMatch *match = add_match(rule, KN_PROXY_IR_MATCH_CONNTRACK);

    match->negate = negate != FALSE;
    match->ctstate = ctstate;
}

void
kn_proxy_ir_add_statistic(KnProxyIrRule *rule, guint32 value)
{
    add_match(rule, KN_PROXY_IR_MATCH_STATISTIC)->value = value;
}

void
kn_proxy_ir_add_recent_rcheck(KnProxyIrRule *rule, const char *name, guint seconds, gboolean reap)
{
    KnProxyIrMatch *match = add_match(rule, KN_PROXY_IR_MATCH_RECENT);

    match->text = name;
    match->value = seconds;
    match->reap = reap != FALSE;
}

void
kn_proxy_ir_add_recent_set(KnProxyIrRule *rule, const char *name)
{
    KnProxyIrMatch *match = add_match(rule, KN_PROXY_IR_MATCH_RECENT);

    match->text = name;
    match->recent_set = TRUE;
}

void
kn_proxy_ir_add_nfacct(KnProxyIrRule *rule, const char *name)
{
    add_match(rule, KN_PROXY_IR_MATCH_NFACCT)->text = name;
}

void
kn_proxy_ir_add_set(KnProxyIrRule *rule, gboolean negate, const char *name, const char *flags)
{
    KnProxyIrMatch *match = add_match(rule, KN_PROXY_IR_MATCH_SET);
    g_auto(GStrv) parts = g_strsplit(flags, ",", 0);

    match->text = name;
    match->negate = negate != FALSE;
    for (guint i = 0; parts[i] != NULL && i < 32; i++) {
        if (strcmp(parts[i], "dst") == 0)
            match->value |= 1u << i;
        match->mask = i + 1;
    }
}

void
kn_proxy_ir_add_physdev_in(KnProxyIrRule *rule, gboolean negate)
{
    add_match(rule, KN_PROXY_IR_MATCH_PHYSDEV)->negate = negate != FALSE;
}

/*****************************************************************************/
/* ipsets. */

static void
set_free(gpointer data)
{
    KnProxyIrSet *set = data;

    g_hash_table_unref(set->by_text);
    g_ptr_array_unref(set->members);
    g_free(set->name);
    g_free(set->type);
    g_free(set);
}

KnProxyIrSet *
kn_proxy_ir_set(KnProxyIrRuleset *ruleset, const char *name, const char *type, guint family)
{
    g_return_val_if_fail(ruleset != NULL && name != NULL && type != NULL, NULL);

    KnProxyIrSet *set;

    if (ruleset->sets == NULL) {
        ruleset->sets = g_ptr_array_new_with_free_func(set_free);
        ruleset->sets_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    }
    set = g_hash_table_lookup(ruleset->sets_by_name, name);
    if (set != NULL)
        return set;
    set = g_new0(KnProxyIrSet, 1);
    set->name = g_strdup(name);
    set->type = g_strdup(type);
    set->family = family == 6 ? 6 : 4;
    set->has_net = g_str_has_suffix(type, ",net");
    set->members = g_ptr_array_new_with_free_func(g_free);
    set->by_text = g_hash_table_new(g_str_hash, g_str_equal);
    g_ptr_array_add(ruleset->sets, set);
    g_hash_table_insert(ruleset->sets_by_name, set->name, set);
    return set;
}

void
kn_proxy_ir_set_add(KnProxyIrSet *set, const char *member)
{
    g_return_if_fail(set != NULL && member != NULL);
    if (g_hash_table_contains(set->by_text, member))
        return;

    char *copy = g_strdup(member);

    g_ptr_array_add(set->members, copy);
    g_hash_table_add(set->by_text, copy);
}

guint
kn_proxy_ir_set_size(const KnProxyIrSet *set)
{
    return set->members->len;
}

static gint
compare_ports(gconstpointer a, gconstpointer b)
{
    guint64 x = g_ascii_strtoull(*(const char *const *) a, NULL, 10);
    guint64 y = g_ascii_strtoull(*(const char *const *) b, NULL, 10);

    return x < y ? -1 : x > y;
}

/* What `ipset save` writes after "create NAME TYPE " and `ipset list`
 * after "Header: ".  The kernel draws initval at random for each set;
 * here it comes from the name, so that a dump reproduces. */
static void
set_header(const KnProxyIrSet *set, GString *out)
{
    if (g_str_has_prefix(set->type, "bitmap:port"))
        g_string_append(out, "range 0-65535");
    else
        g_string_append_printf(out, "family %s hashsize 1024 maxelem 65536 bucketsize 12 initval 0x%08x",
                               set->family == 6 ? "inet6" : "inet", g_str_hash(set->name) * 0x9e3779b1u);
}

/* The -m set matches of 'ruleset' that name 'set'. */
static guint
set_references(const KnProxyIrRuleset *ruleset, const KnProxyIrSet *set)
{
    guint n = 0;

    for (guint t = 0; t < KN_PROXY_IR_N_TABLES; t++) {
        for (guint c = 0; c < ruleset->chains[t]->len; c++) {
            const KnProxyIrChain *chain = ruleset->chains[t]->pdata[c];

            for (guint r = 0; r < chain->rules->len; r++) {
                const KnProxyIrRule *rule = chain->rules->pdata[r];

                for (guint m = 0; m < rule->n_matches; m++)
                    n += rule->matches[m].kind == KN_PROXY_IR_MATCH_SET
                         && strcmp(rule->matches[m].text, set->name) == 0;
            }
        }
    }
    return n;
}

/* 'set''s members in `ipset save`'s order. */
static GPtrArray *
set_members_listed(const KnProxyIrSet *set)
{
    GPtrArray *members = g_ptr_array_sized_new(set->members->len);

    for (guint m = 0; m < set->members->len; m++)
        g_ptr_array_add(members, set->members->pdata[m]);
    /* A bitmap lists its members in port order; a hash set in its
     * buckets' (added order here). */
    if (g_str_has_prefix(set->type, "bitmap:"))
        g_ptr_array_sort(members, compare_ports);
    return members;
}

int
kn_proxy_ir_list_sets(const KnProxyIrRuleset *ruleset, const char *name, GString *out, GString *err)
{
    /* Read off ipset 7.17 on Linux 6.18 (IPv4): each type's revision, its
     * size empty and what each member in a bucket of its own adds (two
     * members sharing a bucket add less; the kernel's initval decides). */
    static const struct {
        const char *type;
        guint revision, empty, per_member;
    } types[] = {
        { "hash:ip,port", 7, 216, 48 }, { "hash:ip,port,ip", 6, 208, 56 },
        { "hash:ip,port,net", 8, 464, 56 }, { "hash:ip", 6, 216, 40 }, { "bitmap:port", 3, 8264, 0 },
    };
    gboolean first = TRUE, found = FALSE;

    for (guint i = 0; ruleset->sets != NULL && i < ruleset->sets->len; i++) {
        const KnProxyIrSet *set = ruleset->sets->pdata[i];
        guint revision = 0, size = 0;

        if (name != NULL && strcmp(name, set->name) != 0)
            continue;
        found = TRUE;
        for (guint t = 0; t < G_N_ELEMENTS(types); t++) {
            if (strcmp(types[t].type, set->type) == 0) {
                revision = types[t].revision;
                size = types[t].empty + types[t].per_member * set->members->len;
            }
        }
        g_string_append_printf(out, "%sName: %s\nType: %s\nRevision: %u\nHeader: ", first ? "" : "\n",
                               set->name, set->type, revision);
        set_header(set, out);
        g_string_append_printf(out, "\nSize in memory: %u\nReferences: %u\nNumber of entries: %u\nMembers:\n",
                               size, set_references(ruleset, set), set->members->len);

        g_autoptr(GPtrArray) members = set_members_listed(set);

        for (guint m = 0; m < members->len; m++)
            g_string_append_printf(out, "%s\n", (const char *) members->pdata[m]);
        first = FALSE;
    }
    if (name != NULL && !found) {
        g_string_append(err, "ipset v7.17: The set with the given name does not exist\n");
        return 1;
    }
    return 0;
}

void
kn_proxy_ir_render_sets(const KnProxyIrRuleset *ruleset, GString *out)
{
    for (guint i = 0; ruleset->sets != NULL && i < ruleset->sets->len; i++) {
        const KnProxyIrSet *set = ruleset->sets->pdata[i];
        g_autoptr(GPtrArray) members = set_members_listed(set);

        g_string_append_printf(out, "create %s %s ", set->name, set->type);
        set_header(set, out);
        g_string_append_c(out, '\n');
        for (guint m = 0; m < members->len; m++)
            g_string_append_printf(out, "add %s %s\n", set->name, (const char *) members->pdata[m]);
    }
}

/* The member of 'set' that a packet with these fields would be, written
 * as ipset writes members; FALSE if the set cannot hold it (a protocol
 * with no ports).  For a "net" dimension, the address stands in. */
static gboolean
set_key(const KnProxyIrSet *set, const KnProxyIrMatch *match, const KnPacket *packet, const KnAddr *dst,
        guint16 dport, GString *key)
{
    const char *dims = strchr(set->type, ':');
    g_auto(GStrv) parts = g_strsplit(dims != NULL ? dims + 1 : "", ",", 0);
    const char *proto = packet->proto == KN_IPPROTO_TCP ? "tcp" : packet->proto == KN_IPPROTO_UDP ? "udp"
                        : packet->proto == KN_PROXY_IR_IPPROTO_SCTP ? "sctp" : NULL;
    gboolean bitmap = g_str_has_prefix(set->type, "bitmap:");

    for (guint i = 0; parts[i] != NULL; i++) {
        /* Flags beyond the last given repeat it, as the kernel reads them. */
        gboolean use_dst = (match->value >> MIN(i, match->mask > 0 ? match->mask - 1 : 0)) & 1;
        char buf[KN_ADDR_STRLEN];

        if (i > 0)
            g_string_append_c(key, ',');
        if (strcmp(parts[i], "port") == 0) {
            if (proto == NULL)
                return FALSE;
            if (!bitmap)
                g_string_append_printf(key, "%s:", proto);
            g_string_append_printf(key, "%u", use_dst ? dport : packet->sport);
        } else {
            g_string_append(key, kn_addr_format(use_dst ? dst : &packet->src, buf));
        }
    }
    return TRUE;
}

/* Is the packet's key in 'set'?  A "net" set's last dimension holds
 * prefixes: its members are read one by one. */
static gboolean
set_contains(const KnProxyIrSet *set, const char *key)
{
    if (!set->has_net)
        return g_hash_table_contains(set->by_text, key);

    const char *comma = strrchr(key, ',');
    gsize head = comma != NULL ? (gsize) (comma - key) : 0;
    KnAddr addr;

    if (comma == NULL || !kn_addr_parse(comma + 1, &addr))
        return FALSE;
    for (guint i = 0; i < set->members->len; i++) {
        const char *member = set->members->pdata[i];
        const char *mcomma = strrchr(member, ',');
        KnCidr cidr;

        if (mcomma != NULL && (gsize) (mcomma - member) == head && strncmp(member, key, head) == 0
            && kn_cidr_parse(mcomma + 1, &cidr) && kn_cidr_contains(&cidr, &addr))
            return TRUE;
    }
    return FALSE;
}

/*****************************************************************************/
/* Probabilities. */

char *
kn_proxy_ir_probability_text(guint n, char *buf)
{
    g_return_val_if_fail(n > 0, NULL);
    return g_ascii_formatd(buf, 32, "%0.10f", 1.0 / n);
}

guint32
kn_proxy_ir_probability_value(const char *text)
{
    /* libxt_statistic.c statistic_parse: lround(0x80000000 * prob). */
    return (guint32) lround(0x80000000 * g_ascii_strtod(text, NULL));
}

guint32
kn_proxy_ir_probability(guint n)
{
    static guint32 cache[256];   /* 0: not computed yet; no value for n >= 2 is 0 */
    char buf[32];

    if (n < G_N_ELEMENTS(cache) && cache[n] != 0)
        return cache[n];

    guint32 value = kn_proxy_ir_probability_value(kn_proxy_ir_probability_text(n, buf));

    if (n < G_N_ELEMENTS(cache))
        cache[n] = value;
    return value;
}

char *
kn_proxy_ir_probability_format(guint32 value, char *buf)
{
    /* libxt_statistic.c print_match: "%.11f", 1.0 * probability / 0x80000000. */
    return g_ascii_formatd(buf, 32, "%.11f", 1.0 * value / 0x80000000);
}

/*****************************************************************************/
/* Rendering. */

char *
kn_proxy_ir_date(KnTime now)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    /* 2026-01-01T00:00:00Z, a Thursday (KN_KUBECTL_PRINT_EPOCH). */
    g_autoptr(GDateTime) epoch = g_date_time_new_utc(2026, 1, 1, 0, 0, 0);
    g_autoptr(GDateTime) t = g_date_time_add_seconds(epoch, (double) (now / KN_SEC));

    /* ctime(): "%.3s %.3s%3d %.2d:%.2d:%.2d %d". */
    return g_strdup_printf("%s %s%3d %02d:%02d:%02d %d", days[g_date_time_get_day_of_week(t) % 7],
                           months[g_date_time_get_month(t) - 1], g_date_time_get_day_of_month(t),
                           g_date_time_get_hour(t), g_date_time_get_minute(t),
                           g_date_time_get_second(t), g_date_time_get_year(t));
}

/* A chain and its name, side by side for the sort. */
typedef struct {
    const char *name;
    KnProxyIrChain *chain;
} Named;

static inline void
named_swap(Named *v, gsize i, gsize j)
{
    Named t = v[i];

    v[i] = v[j];
    v[j] = t;
}

/* Sorts 'v' (n names equal in their first 'depth' bytes) in strcmp()
 * order: a three-way radix quicksort (Bentley and Sedgewick, "Fast
 * algorithms for sorting and searching strings", SODA 1997), which reads
 * the long shared prefixes ("KUBE-SEP-") once per level rather than once
 * per comparison.  Names are unique in a table. */
static void
sort_named(Named *v, gsize n, gsize depth)
{
    while (n > 1) {
        if (n < 12) {
            for (gsize i = 1; i < n; i++)
                for (gsize j = i; j > 0 && strcmp(v[j - 1].name + depth, v[j].name + depth) > 0; j--)
                    named_swap(v, j - 1, j);
            return;
        }

        guint8 a = (guint8) v[0].name[depth], b = (guint8) v[n / 2].name[depth];
        guint8 c = (guint8) v[n - 1].name[depth];
        guint8 pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        gsize lt = 0, i = 0, gt = n;

        while (i < gt) {
            guint8 x = (guint8) v[i].name[depth];

            if (x < pivot)
                named_swap(v, lt++, i++);
            else if (x > pivot)
                named_swap(v, i, --gt);
            else
                i++;
        }
        /* The smaller outer part by recursion, the larger by the loop:
         * the stack stays logarithmic. */
        if (lt < n - gt) {
            sort_named(v, lt, depth);
            if (pivot != 0)
                sort_named(v + lt, gt - lt, depth + 1);
            v += gt;
            n -= gt;
        } else {
            sort_named(v + gt, n - gt, depth);
            if (pivot != 0)
                sort_named(v + lt, gt - lt, depth + 1);
            n = lt;
        }
    }
}

/* The chains of 'table' in iptables-save order: built-ins as created, then
 * user chains sorted by name.  New array of borrowed chains. */
static GPtrArray *
chains_in_order(const KnProxyIrRuleset *ruleset, KnProxyIrTable table)
{
    GPtrArray *all = ruleset->chains[table];
    GPtrArray *order = g_ptr_array_sized_new(all->len);
    Named *user = g_new(Named, all->len);
    gsize n_user = 0;

    for (guint i = 0; i < all->len; i++) {
        KnProxyIrChain *chain = all->pdata[i];

        if (chain->builtin)
            g_ptr_array_add(order, chain);
        else
            user[n_user++] = (Named) { chain->name, chain };
    }
    sort_named(user, n_user, 0);
    for (gsize i = 0; i < n_user; i++)
        g_ptr_array_add(order, user[i].chain);
    g_free(user);
    return order;
}

/* g_string_append_len() with its common case inline (as GLib 2.76+
 * does): a rendering is mostly short appends to a string with room. */
static inline void
append_len(GString *out, const char *text, gsize length)
{
    if (G_LIKELY(out->len + length < out->allocated_len)) {
        memcpy(out->str + out->len, text, length);
        out->len += length;
        out->str[out->len] = '\0';
        return;
    }
    g_string_append_len(out, text, length);
}

static inline void
append_str(GString *out, const char *text)
{
    append_len(out, text, strlen(text));
}

/* A string literal, without measuring it again for every rule. */
#define append_lit(out, literal) append_len((out), "" literal, sizeof(literal) - 1)
#define append_choice(out, cond, a, b) ((cond) ? append_lit(out, a) : append_lit(out, b))

static void
append_uint(GString *out, guint64 value)
{
    char buf[24];
    char *p = buf + sizeof buf;

    do {
        *--p = (char) ('0' + value % 10);
        value /= 10;
    } while (value != 0);
    append_len(out, p, buf + sizeof buf - p);
}

static void
append_hex(GString *out, guint32 value)
{
    static const char digits[] = "0123456789abcdef";
    char buf[16];
    char *p = buf + sizeof buf;

    do {
        *--p = digits[value & 0xf];
        value >>= 4;
    } while (value != 0);
    append_lit(out, "0x");
    append_len(out, p, buf + sizeof buf - p);
}

/* inet_ntop's text, without its cost for IPv4. */
static void
append_addr(GString *out, const KnAddr *addr)
{
    char buf[KN_ADDR_STRLEN];

    if (addr->family != 4) {
        append_str(out, kn_addr_format(addr, buf));
        return;
    }
    for (guint i = 0; i < 4; i++) {
        if (i > 0)
            g_string_append_c(out, '.');
        append_uint(out, addr->bytes[i]);
    }
}

static void
append_cidr(GString *out, const KnCidr *cidr)
{
    append_addr(out, &cidr->addr);
    g_string_append_c(out, '/');
    append_uint(out, cidr->len);
}

/* xtables_save_string(): bare if every character is [A-Za-z0-9_-] (and
 * there is one), else double-quoted with ", \ and ' escaped. */
static void
append_quoted(GString *out, const char *text)
{
    static const char bare[] = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    gsize length = strspn(text, bare);

    g_string_append_c(out, ' ');
    if (length > 0 && text[length] == '\0') {
        append_len(out, text, length);
        return;
    }
    g_string_append_c(out, '"');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\' || *p == '\'')
            g_string_append_c(out, '\\');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

static const char *
proto_name(guint8 proto)
{
    switch (proto) {
    case KN_IPPROTO_TCP:
        return "tcp";
    case KN_IPPROTO_UDP:
        return "udp";
    case KN_PROXY_IR_IPPROTO_SCTP:
        return "sctp";
    case KN_IPPROTO_ICMP:
        return "icmp";
    default:
        return "all";
    }
}

/* libxt_conntrack.c print_state order. */
static void
append_ctstate(GString *out, guint ctstate)
{
    static const struct { guint bit; const char *name; } states[] = {
        { KN_CT_INVALID, "INVALID" }, { KN_CT_NEW, "NEW" }, { KN_CT_RELATED, "RELATED" },
        { KN_CT_ESTABLISHED, "ESTABLISHED" }, { KN_CT_SNAT, "SNAT" }, { KN_CT_DNAT, "DNAT" },
    };
    gboolean first = TRUE;

    for (guint i = 0; i < G_N_ELEMENTS(states); i++) {
        if (ctstate & states[i].bit) {
            g_string_append_c(out, first ? ' ' : ',');
            append_str(out, states[i].name);
            first = FALSE;
        }
    }
}

static void
append_match(GString *out, const KnProxyIrRule *rule, const KnProxyIrMatch *match, gboolean ipv6)
{
    char buf[32];

    switch ((KnProxyIrMatchKind) match->kind) {
    case KN_PROXY_IR_MATCH_COMMENT:
        append_lit(out, " -m comment --comment");
        append_quoted(out, match->text);
        break;
    case KN_PROXY_IR_MATCH_PORT:
        append_lit(out, " -m ");
        append_str(out, proto_name(rule->proto));
        if (match->value != 0) {
            append_lit(out, " --sport ");
            append_uint(out, match->value);
        }
        if (match->dport != 0) {
            append_lit(out, " --dport ");
            append_uint(out, match->dport);
        }
        break;
    case KN_PROXY_IR_MATCH_MARK:
        append_choice(out, match->negate, " -m mark ! --mark ", " -m mark --mark ");
        append_hex(out, match->value);
        if (match->mask != 0xffffffff) {
            g_string_append_c(out, '/');
            append_hex(out, match->mask);
        }
        break;
    case KN_PROXY_IR_MATCH_ADDRTYPE:
        append_lit(out, " -m addrtype");
        if (match->negate)
            append_lit(out, " !");
        append_choice(out, match->dst_type, " --dst-type LOCAL", " --src-type LOCAL");
        break;
    case KN_PROXY_IR_MATCH_CONNTRACK:
        append_choice(out, match->negate, " -m conntrack ! --ctstate", " -m conntrack --ctstate");
        append_ctstate(out, match->ctstate);
        break;
    case KN_PROXY_IR_MATCH_STATISTIC: {
        /* The same few values recur through a ruleset; keep their text.
         * The slot is a multiplicative hash: 1/2, 1/4, 1/8... are
         * multiples of 64, so the low bits alone would put them in one. */
        static struct { guint32 value; char text[16]; } cache[64];
        guint slot = (match->value * 0x9e3779b1u) >> 26;

        if (cache[slot].value != match->value || cache[slot].text[0] == '\0') {
            cache[slot].value = match->value;
            g_strlcpy(cache[slot].text, kn_proxy_ir_probability_format(match->value, buf),
                      sizeof cache[slot].text);
        }
        append_lit(out, " -m statistic --mode random --probability ");
        append_str(out, cache[slot].text);
        break;
    }
    case KN_PROXY_IR_MATCH_RECENT:
        if (match->recent_set) {
            append_lit(out, " -m recent --set");
        } else {
            append_lit(out, " -m recent --rcheck");
            if (match->value != 0) {
                append_lit(out, " --seconds ");
                append_uint(out, match->value);
            }
            if (match->reap)
                append_lit(out, " --reap");
        }
        append_lit(out, " --name ");
        append_str(out, match->text);
        append_str(out, ipv6 ? " --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource"
                             : " --mask 255.255.255.255 --rsource");
        break;
    case KN_PROXY_IR_MATCH_NFACCT:
        /* Two spaces, as real dumps show (section 1.7 step 4). */
        append_lit(out, " -m nfacct --nfacct-name  ");
        append_str(out, match->text);
        break;
    case KN_PROXY_IR_MATCH_PHYSDEV:
        append_choice(out, match->negate, " -m physdev ! --physdev-is-in", " -m physdev --physdev-is-in");
        break;
    case KN_PROXY_IR_MATCH_SET:
        append_choice(out, match->negate, " -m set ! --match-set ", " -m set --match-set ");
        append_str(out, match->text);
        for (guint i = 0; i < match->mask; i++) {
            g_string_append_c(out, i == 0 ? ' ' : ',');
            append_str(out, (match->value >> i & 1) ? "dst" : "src");
        }
        break;
    }
}

static gboolean
rule_is_ipv6(const KnProxyIrRule *rule)
{
    return (rule->has_src && rule->src.addr.family == 6) || (rule->has_dst && rule->dst.addr.family == 6)
           || rule->dnat_addr.family == 6;
}

void
kn_proxy_ir_render_rule(const KnProxyIrChain *chain, const KnProxyIrRule *rule, GString *out)
{
    gboolean ipv6 = rule_is_ipv6(rule);

    append_lit(out, "-A ");
    append_str(out, chain->name);
    if (rule->has_src) {
        append_choice(out, rule->not_src, " ! -s ", " -s ");
        append_cidr(out, &rule->src);
    }
    if (rule->has_dst) {
        append_choice(out, rule->not_dst, " ! -d ", " -d ");
        append_cidr(out, &rule->dst);
    }
    if (rule->in_iface != NULL) {
        append_choice(out, rule->not_in_iface, " ! -i ", " -i ");
        append_str(out, rule->in_iface);
    }
    if (rule->out_iface != NULL) {
        append_choice(out, rule->not_out_iface, " ! -o ", " -o ");
        append_str(out, rule->out_iface);
    }
    if (rule->proto != 0) {
        append_lit(out, " -p ");
        append_str(out, proto_name(rule->proto));
    }
    for (guint i = 0; i < rule->n_matches; i++)
        append_match(out, rule, &rule->matches[i], ipv6);

    switch ((KnProxyIrTargetKind) rule->target) {
    case KN_PROXY_IR_TARGET_NONE:
        break;
    case KN_PROXY_IR_TARGET_JUMP:
        append_lit(out, " -j ");
        append_str(out, rule->jump->name);
        break;
    case KN_PROXY_IR_TARGET_RETURN:
        append_lit(out, " -j RETURN");
        break;
    case KN_PROXY_IR_TARGET_ACCEPT:
        append_lit(out, " -j ACCEPT");
        break;
    case KN_PROXY_IR_TARGET_DROP:
        append_lit(out, " -j DROP");
        break;
    case KN_PROXY_IR_TARGET_REJECT:
        append_str(out, ipv6 ? " -j REJECT --reject-with icmp6-port-unreachable"
                             : " -j REJECT --reject-with icmp-port-unreachable");
        break;
    case KN_PROXY_IR_TARGET_DNAT:
        append_lit(out, " -j DNAT --to-destination ");
        if (rule->dnat_addr.family == 6)
            g_string_append_c(out, '[');
        append_addr(out, &rule->dnat_addr);
        if (rule->dnat_addr.family == 6)
            g_string_append_c(out, ']');
        if (rule->dnat_port != 0) {
            g_string_append_c(out, ':');
            append_uint(out, rule->dnat_port);
        }
        break;
    case KN_PROXY_IR_TARGET_MARK:
        append_lit(out, " -j MARK --set-xmark ");
        append_hex(out, rule->mark_value);
        g_string_append_c(out, '/');
        append_hex(out, rule->mark_mask);
        break;
    case KN_PROXY_IR_TARGET_MASQUERADE:
        append_choice(out, rule->random_fully, " -j MASQUERADE --random-fully", " -j MASQUERADE");
        break;
    case KN_PROXY_IR_TARGET_NOTRACK:
        append_lit(out, " -j NOTRACK");
        break;
    }
}

/* Whether 'table' of 'ruleset' exists for iptables-save: filter and nat
 * always (kube-proxy writes both), raw once something made a chain in it. */
static gboolean
table_present(const KnProxyIrRuleset *ruleset, KnProxyIrTable table)
{
    return table != KN_PROXY_IR_RAW || ruleset->chains[table]->len > 0;
}

static int
name_compare(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
kn_proxy_ir_chain_names(const KnProxyIrRuleset *const *layers, guint n_layers, KnProxyIrTable table)
{
    GPtrArray *names = g_ptr_array_new();
    g_autoptr(GPtrArray) user = g_ptr_array_new();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; builtin_chains[table][i] != NULL; i++)
        g_ptr_array_add(names, (gpointer) builtin_chains[table][i]);
    for (guint l = 0; l < n_layers; l++) {
        g_autoptr(GPtrArray) order = chains_in_order(layers[l], table);

        for (guint i = 0; i < order->len; i++) {
            const KnProxyIrChain *chain = order->pdata[i];

            if (!chain->builtin && g_hash_table_add(seen, (gpointer) chain->name))
                g_ptr_array_add(user, (gpointer) chain->name);
        }
    }
    g_ptr_array_sort(user, name_compare);
    for (guint i = 0; i < user->len; i++)
        g_ptr_array_add(names, user->pdata[i]);
    return names;
}

static void
render_layers_table(const KnProxyIrRuleset *const *layers, guint n_layers, KnProxyIrTable table,
                    const char *date, GString *out)
{
    g_autoptr(GPtrArray) names = kn_proxy_ir_chain_names(layers, n_layers, table);
    guint n_builtin = 0;

    while (builtin_chains[table][n_builtin] != NULL)
        n_builtin++;
    append_lit(out, "# Generated by iptables-save v1.8.9 (nf_tables) on ");
    append_str(out, date);
    append_lit(out, "\n*");
    append_str(out, kn_proxy_ir_table_name(table));
    g_string_append_c(out, '\n');
    for (guint i = 0; i < names->len; i++) {
        g_string_append_c(out, ':');
        append_str(out, names->pdata[i]);
        append_choice(out, i < n_builtin, " ACCEPT [0:0]\n", " - [0:0]\n");
    }
    for (guint i = 0; i < names->len; i++) {
        for (guint l = 0; l < n_layers; l++) {
            const KnProxyIrChain *chain = kn_proxy_ir_lookup(layers[l], table, names->pdata[i]);

            for (guint r = 0; chain != NULL && r < chain->rules->len; r++) {
                kn_proxy_ir_render_rule(chain, chain->rules->pdata[r], out);
                g_string_append_c(out, '\n');
            }
        }
    }
    append_lit(out, "COMMIT\n# Completed on ");
    append_str(out, date);
    g_string_append_c(out, '\n');
}

void
kn_proxy_ir_render_table(const KnProxyIrRuleset *ruleset, KnProxyIrTable table, const char *date,
                         GString *out)
{
    g_autoptr(GPtrArray) order = NULL;

    if (table == KN_PROXY_IR_RAW && !table_present(ruleset, table)) {
        render_layers_table(&ruleset, 1, table, date, out);
        return;
    }
    /* One program's rules: its chains in order, without the name lookups
     * of the layered form (this is `bench render`'s loop). */
    order = chains_in_order(ruleset, table);
    append_lit(out, "# Generated by iptables-save v1.8.9 (nf_tables) on ");
    append_str(out, date);
    append_lit(out, "\n*");
    append_str(out, kn_proxy_ir_table_name(table));
    g_string_append_c(out, '\n');
    for (guint i = 0; i < order->len; i++) {
        const KnProxyIrChain *chain = order->pdata[i];

        if (i + 8 < order->len)
            __builtin_prefetch(order->pdata[i + 8]);
        g_string_append_c(out, ':');
        append_str(out, chain->name);
        append_choice(out, chain->builtin, " ACCEPT [0:0]\n", " - [0:0]\n");
    }
    for (guint i = 0; i < order->len; i++) {
        const KnProxyIrChain *chain = order->pdata[i];

        /* The chains lie in name order, anywhere in memory: start loading
         * the next ones' chain, rule array and first rule a few chains
         * ahead, each step once the one before it has had time to land. */
        if (i + 6 < order->len)
            __builtin_prefetch(order->pdata[i + 6]);
        if (i + 4 < order->len)
            __builtin_prefetch(((const KnProxyIrChain *) order->pdata[i + 4])->rules);
        if (i + 2 < order->len)
            __builtin_prefetch(((const KnProxyIrChain *) order->pdata[i + 2])->rules->pdata);
        if (i + 1 < order->len) {
            const GPtrArray *next = ((const KnProxyIrChain *) order->pdata[i + 1])->rules;

            if (next->len > 0)
                __builtin_prefetch(next->pdata[0]);
        }
        for (guint r = 0; r < chain->rules->len; r++) {
            kn_proxy_ir_render_rule(chain, chain->rules->pdata[r], out);
            g_string_append_c(out, '\n');
        }
    }
    append_lit(out, "COMMIT\n# Completed on ");
    append_str(out, date);
    g_string_append_c(out, '\n');
}

void
kn_proxy_ir_render_layers(const KnProxyIrRuleset *const *layers, guint n_layers, const char *date,
                          GString *out)
{
    for (guint t = 0; t < G_N_ELEMENTS(save_order); t++) {
        gboolean present = FALSE;

        for (guint l = 0; l < n_layers && !present; l++)
            present = table_present(layers[l], save_order[t]);
        if (present && n_layers == 1)
            kn_proxy_ir_render_table(layers[0], save_order[t], date, out);
        else if (present)
            render_layers_table(layers, n_layers, save_order[t], date, out);
    }
}

void
kn_proxy_ir_render_with(const KnProxyIrRuleset *ruleset, const KnProxyIrRuleset *const *others, guint n_others,
                        const char *date, GString *out)
{
    g_autofree const KnProxyIrRuleset **layers = g_new(const KnProxyIrRuleset *, n_others + 1);

    for (guint i = 0; i < n_others; i++)
        layers[i] = others[i];
    layers[n_others] = ruleset;
    kn_proxy_ir_render_layers(layers, n_others + 1, date, out);
}

void
kn_proxy_ir_render(const KnProxyIrRuleset *ruleset, const char *date, GString *out)
{
    kn_proxy_ir_render_layers(&ruleset, 1, date, out);
}

/*****************************************************************************/
/* -m recent lists. */

typedef struct RecentEntry {
    KnAddr addr;                 /* the hash table's key */
    KnTime last;                 /* the last --set */
    GList link;                  /* in the list's LRU queue, oldest first */
} RecentEntry;

typedef struct RecentList {
    GHashTable *entries;         /* KnAddr (in the entry) -> RecentEntry, owned */
    GQueue lru;                  /* RecentEntry links, least recently set first */
} RecentList;

struct KnProxyIrRecent {
    GHashTable *lists;           /* name (owned) -> RecentList (owned) */
};

static gboolean
addr_equal(gconstpointer a, gconstpointer b)
{
    return kn_addr_equal(a, b);
}

static guint
addr_hash(gconstpointer a)
{
    return kn_addr_hash(a);
}

static void
recent_list_free(gpointer data)
{
    RecentList *list = data;

    g_hash_table_unref(list->entries);
    g_free(list);
}

KnProxyIrRecent *
kn_proxy_ir_recent_new(void)
{
    KnProxyIrRecent *recent = g_new0(KnProxyIrRecent, 1);

    recent->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, recent_list_free);
    return recent;
}

void
kn_proxy_ir_recent_free(KnProxyIrRecent *recent)
{
    if (recent == NULL)
        return;
    g_hash_table_unref(recent->lists);
    g_free(recent);
}

guint
kn_proxy_ir_recent_size(const KnProxyIrRecent *recent, const char *name)
{
    RecentList *list = g_hash_table_lookup(recent->lists, name);

    return list != NULL ? g_hash_table_size(list->entries) : 0;
}

static RecentList *
recent_list(KnProxyIrRecent *recent, const char *name)
{
    RecentList *list = g_hash_table_lookup(recent->lists, name);

    if (list == NULL) {
        list = g_new0(RecentList, 1);
        list->entries = g_hash_table_new_full(addr_hash, addr_equal, NULL, g_free);
        g_queue_init(&list->lru);
        g_hash_table_insert(recent->lists, g_strdup(name), list);
    }
    return list;
}

static void
recent_remove(RecentList *list, RecentEntry *entry)
{
    g_queue_unlink(&list->lru, &entry->link);
    g_hash_table_remove(list->entries, &entry->addr);
}

/* --set: the entry for 'addr' now, most recently used; the oldest goes when
 * the list is full (recent_entry_init). */
static void
recent_set(RecentList *list, const KnAddr *addr, KnTime now)
{
    RecentEntry *entry = g_hash_table_lookup(list->entries, addr);

    if (entry == NULL) {
        if (g_hash_table_size(list->entries) >= RECENT_LIST_TOT)
            recent_remove(list, list->lru.head->data);
        entry = g_new0(RecentEntry, 1);
        entry->addr = *addr;
        entry->link.data = entry;
        g_hash_table_insert(list->entries, &entry->addr, entry);
    } else {
        g_queue_unlink(&list->lru, &entry->link);
    }
    entry->last = now;
    g_queue_push_tail_link(&list->lru, &entry->link);
}

/* --rcheck [--seconds T] [--reap]. */
static gboolean
recent_check(RecentList *list, const KnAddr *addr, const KnProxyIrMatch *match, KnTime now)
{
    RecentEntry *entry = g_hash_table_lookup(list->entries, addr);
    KnTime window = (KnTime) match->value * KN_SEC;

    if (entry == NULL)
        return FALSE;
    if (match->value == 0)
        return TRUE;

    /* Hit unless the last --set is before now - T (!time_after(time, stamp)). */
    gboolean hit = now < window || entry->last >= now - window;

    if (match->reap && now >= window) {
        RecentEntry *oldest = list->lru.head->data;

        if (oldest->last < now - window)
            recent_remove(list, oldest);
    }
    return hit;
}

/*****************************************************************************/
/* The index of a long chain. */

typedef struct IndexKey {
    KnAddr dst;                  /* family 0: any destination */
    guint16 dport;
    guint8 proto;
} IndexKey;

/* One key's rules: open addressing, linear probing, at most half full. */
typedef struct IndexSlot {
    IndexKey key;
    guint32 hash;
    GArray *positions;           /* guint, ascending; NULL: an empty slot */
} IndexSlot;

/* Made for every chain at its first walk, and dropped when a rule is
 * appended.  It also holds the chain's rules in order: the walk reads them
 * here, one cache miss fewer per chain than through the GPtrArray. */
typedef struct ChainIndex {
    IndexSlot *slots;            /* NULL for a chain walked rule by rule */
    guint mask;                  /* number of slots - 1 */
    GArray *unkeyed;             /* guint positions of rules the index cannot place */
    gboolean any_dst_keys;       /* some keys have no destination (-p P --dport N alone) */
    gboolean dst_keys;           /* some have one (with -d X) */
    guint n_rules;
    const KnProxyIrRule *rules[]; /* borrowed from the chain, 'n_rules' of them */
} ChainIndex;

static inline guint32
key_hash(const IndexKey *key)
{
    guint64 x = (guint64) key->dport << 40 | (guint64) key->proto << 32 | key->dst.family;

    for (guint i = 0; i < (key->dst.family == 6 ? 16u : key->dst.family == 4 ? 4u : 0u); i += 4) {
        guint32 word;

        memcpy(&word, key->dst.bytes + i, 4);
        x = (x ^ word) * 0x9e3779b97f4a7c15ull;
    }
    x *= 0xbf58476d1ce4e5b9ull;
    return (guint32) (x >> 32);
}

static inline gboolean
key_equal(const IndexKey *x, const IndexKey *y)
{
    return x->dport == y->dport && x->proto == y->proto && kn_addr_equal(&x->dst, &y->dst);
}

/* The slot of 'key': its own, or the empty one it would take. */
static inline IndexSlot *
index_slot(const ChainIndex *index, const IndexKey *key, guint32 hash)
{
    for (guint i = hash & index->mask;; i = (i + 1) & index->mask) {
        IndexSlot *slot = &index->slots[i];

        if (slot->positions == NULL || (slot->hash == hash && key_equal(&slot->key, key)))
            return slot;
    }
}

static const GArray *
index_positions(const ChainIndex *index, const IndexKey *key)
{
    return index_slot(index, key, key_hash(key))->positions;
}

static void
index_free(gpointer data)
{
    ChainIndex *index = data;

    if (index == NULL)
        return;
    if (index->slots != NULL) {
        for (guint i = 0; i <= index->mask; i++)
            if (index->slots[i].positions != NULL)
                g_array_unref(index->slots[i].positions);
        g_free(index->slots);
        g_array_unref(index->unkeyed);
    }
    g_free(index);
}

/* The key a rule can only match under, or FALSE if it has none. */
static gboolean
rule_key(const KnProxyIrRule *rule, IndexKey *key)
{
    if (rule->proto == 0)
        return FALSE;
    for (guint i = 0; i < rule->n_matches; i++) {
        const KnProxyIrMatch *match = &rule->matches[i];

        if (match->kind == KN_PROXY_IR_MATCH_PORT && match->dport != 0) {
            memset(key, 0, sizeof *key);
            key->proto = rule->proto;
            key->dport = match->dport;
            if (rule->has_dst && !rule->not_dst
                && rule->dst.len == (rule->dst.addr.family == 6 ? 128 : 32))
                key->dst = rule->dst.addr;
            return TRUE;
        }
    }
    return FALSE;
}

static ChainIndex *
index_build(const KnProxyIrChain *chain)
{
    ChainIndex *index = g_malloc0(sizeof(ChainIndex) + chain->rules->len * sizeof(KnProxyIrRule *));
    guint n_slots = 16;

    index->n_rules = chain->rules->len;
    if (chain->rules->len > 0)   /* an empty GPtrArray's pdata is NULL */
        memcpy(index->rules, chain->rules->pdata, chain->rules->len * sizeof(KnProxyIrRule *));
    if (chain->rules->len < INDEX_MIN_RULES)
        return index;
    while (n_slots < 2 * chain->rules->len)      /* keys are at most the rules */
        n_slots *= 2;
    index->slots = g_new0(IndexSlot, n_slots);
    index->mask = n_slots - 1;
    index->unkeyed = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < chain->rules->len; i++) {
        IndexKey key;

        if (!rule_key(chain->rules->pdata[i], &key)) {
            g_array_append_val(index->unkeyed, i);
            continue;
        }
        guint32 hash = key_hash(&key);
        IndexSlot *slot = index_slot(index, &key, hash);

        if (slot->positions == NULL)
            *slot = (IndexSlot) { .key = key, .hash = hash, .positions = g_array_new(FALSE, FALSE, sizeof(guint)) };
        g_array_append_val(slot->positions, i);
        if (key.dst.family == 0)
            index->any_dst_keys = TRUE;
        else
            index->dst_keys = TRUE;
    }
    return index;
}

/* The first position >= 'from' in the sorted 'positions', or G_MAXUINT. */
static inline guint
next_position(const GArray *positions, guint from)
{
    guint lo = 0, hi = positions != NULL ? positions->len : 0;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(positions, guint, mid) < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return positions != NULL && lo < positions->len ? g_array_index(positions, guint, lo) : G_MAXUINT;
}

/*****************************************************************************/
/* The walk. */

typedef struct WalkCtx {
    const KnProxyIrRuleset *ruleset;
    KnProxyIrTable table;
    KnProxyIrRecent *recent;
    KnProxyWalk *walk;
    KnAddr dst;                  /* the destination the rules see */
    guint16 dport;
    gboolean packet_dependent;   /* a rule looked at more than the conntrack state and mark */
} WalkCtx;

static gboolean
iface_match(const char *pattern, const char *iface)
{
    gsize n = strlen(pattern);

    if (iface == NULL)
        iface = "";
    if (n > 0 && pattern[n - 1] == '+')
        return strncmp(pattern, iface, n - 1) == 0;
    return strcmp(pattern, iface) == 0;
}

static gboolean
match_one(WalkCtx *ctx, const KnProxyIrMatch *match)
{
    KnProxyWalk *walk = ctx->walk;
    const KnPacket *packet = walk->packet;

    /* The kinds that look at no more than the conntrack state and mark. */
    const guint state_only = 1u << KN_PROXY_IR_MATCH_MARK | 1u << KN_PROXY_IR_MATCH_CONNTRACK
                             | 1u << KN_PROXY_IR_MATCH_COMMENT | 1u << KN_PROXY_IR_MATCH_NFACCT;

    if (!(state_only >> match->kind & 1))
        ctx->packet_dependent = TRUE;
    switch ((KnProxyIrMatchKind) match->kind) {
    case KN_PROXY_IR_MATCH_COMMENT:
    case KN_PROXY_IR_MATCH_NFACCT:
        return TRUE;
    case KN_PROXY_IR_MATCH_PORT:
        return (match->dport == 0 || match->dport == ctx->dport)
               && (match->value == 0 || match->value == packet->sport);
    case KN_PROXY_IR_MATCH_MARK:
        return ((packet->mark & match->mask) == match->value) != match->negate;
    case KN_PROXY_IR_MATCH_ADDRTYPE: {
        const KnAddr *addr = match->dst_type ? &ctx->dst : &packet->src;
        gboolean local = walk->is_local != NULL && walk->is_local(walk->node, addr);

        return local != match->negate;
    }
    case KN_PROXY_IR_MATCH_CONNTRACK:
        return ((walk->ct_state & match->ctstate) != 0) != match->negate;
    case KN_PROXY_IR_MATCH_STATISTIC:
        g_assert(walk->rng != NULL);
        return ((guint32) kn_rng_next(walk->rng) & 0x7FFFFFFF) < match->value;
    case KN_PROXY_IR_MATCH_RECENT: {
        if (ctx->recent == NULL)
            return FALSE;
        RecentList *list = recent_list(ctx->recent, match->text);

        if (match->recent_set) {
            recent_set(list, &packet->src, walk->now);
            return TRUE;
        }
        return recent_check(list, &packet->src, match, walk->now);
    }
    case KN_PROXY_IR_MATCH_PHYSDEV: {
        /* A frame from a pod comes in over its veth, a port of cni0. */
        const char *in = walk->in_iface;
        gboolean bridged = in != NULL && (g_str_has_prefix(in, "veth") || strcmp(in, "cni0") == 0);

        return bridged != match->negate;
    }
    case KN_PROXY_IR_MATCH_SET: {
        const KnProxyIrSet *set = ctx->ruleset->sets != NULL
                                  ? g_hash_table_lookup(ctx->ruleset->sets_by_name, match->text) : NULL;
        g_autoptr(GString) key = g_string_new(NULL);

        /* A set of the other family never holds the packet. */
        if (set == NULL || (!g_str_has_prefix(set->type, "bitmap:") && set->family != packet->src.family)
            || !set_key(set, match, packet, &ctx->dst, ctx->dport, key))
            return match->negate;
        return set_contains(set, key->str) != match->negate;
    }
    }
    return FALSE;
}

static gboolean
rule_matches(WalkCtx *ctx, const KnProxyIrRule *rule)
{
    const KnPacket *packet = ctx->walk->packet;

    if (rule->has_src || rule->has_dst || rule->in_iface != NULL || rule->out_iface != NULL
        || rule->proto != 0)
        ctx->packet_dependent = TRUE;
    if (rule->has_src && kn_cidr_contains(&rule->src, &packet->src) == rule->not_src)
        return FALSE;
    if (rule->has_dst && kn_cidr_contains(&rule->dst, &ctx->dst) == rule->not_dst)
        return FALSE;
    if (rule->in_iface != NULL && iface_match(rule->in_iface, ctx->walk->in_iface) == rule->not_in_iface)
        return FALSE;
    if (rule->out_iface != NULL && iface_match(rule->out_iface, ctx->walk->out_iface) == rule->not_out_iface)
        return FALSE;
    if (rule->proto != 0 && rule->proto != packet->proto)
        return FALSE;
    for (guint i = 0; i < rule->n_matches; i++)
        if (!match_one(ctx, &rule->matches[i]))
            return FALSE;
    return TRUE;
}

/* The index of 'chain', made now if it has none.  Two lanes may make it at
 * once: the first to publish it wins, the other drops its copy. */
static inline ChainIndex *
chain_index(KnProxyIrChain *chain)
{
    ChainIndex *index = g_atomic_pointer_get(&chain->index);

    if (G_LIKELY(index != NULL))
        return index;
    index = index_build(chain);
    if (!g_atomic_pointer_compare_and_exchange(&chain->index, NULL, index)) {
        index_free(index);
        index = g_atomic_pointer_get(&chain->index);
    }
    return index;
}

/* Where the rules of a chain that may match the walk's packet are: the
 * index's lists for its protocol and port, and for its destination too,
 * found once per visit of the chain rather than once per rule. */
typedef struct Candidates {
    const ChainIndex *index;
    const GArray *lists[3];      /* sorted positions; NULL ones are empty */
} Candidates;

static void
candidates_init(WalkCtx *ctx, const ChainIndex *index, Candidates *cand)
{
    guint8 proto = ctx->walk->packet->proto;

    *cand = (Candidates) { .index = index };
    if (index->slots == NULL)
        return;
    cand->lists[0] = index->unkeyed;
    if (proto == KN_IPPROTO_TCP || proto == KN_IPPROTO_UDP || proto == KN_PROXY_IR_IPPROTO_SCTP) {
        IndexKey key;

        /* A chain's keys are mostly of one kind (KUBE-SERVICES: all with
         * -d, KUBE-NODEPORTS: none): no need to look for the other. */
        memset(&key, 0, sizeof key);
        key.proto = proto;
        key.dport = ctx->dport;
        if (index->any_dst_keys)
            cand->lists[1] = index_positions(index, &key);
        key.dst = ctx->dst;
        if (index->dst_keys)
            cand->lists[2] = index_positions(index, &key);
    }
}

/* The position of the next rule at or after 'pos' of the chain of
 * 'cand' that may match; its number of rules if none. */
static guint
next_candidate(const Candidates *cand, guint pos)
{
    const ChainIndex *index = cand->index;

    if (index->slots == NULL)
        return pos;

    guint best = next_position(cand->lists[0], pos);

    best = MIN(best, next_position(cand->lists[1], pos));
    best = MIN(best, next_position(cand->lists[2], pos));
    return MIN(best, index->n_rules);
}

static void
set_decided_by(KnProxyWalk *walk, const KnProxyIrChain *chain)
{
    walk->decided_by = chain->name;
}

/* The match of 'kind' in 'rule', or NULL. */
static const KnProxyIrMatch *
find_match(const KnProxyIrRule *rule, KnProxyIrMatchKind kind)
{
    for (guint i = 0; i < rule->n_matches; i++)
        if (rule->matches[i].kind == kind)
            return &rule->matches[i];
    return NULL;
}

/* For --explain: why a KUBE-SVC-/KUBE-SVL- rule that matched picked its
 * endpoint (writeServiceToEndpointRules): affinity, the n-th random draw,
 * or the last endpoint after every draw missed. */
static void
note_choice(WalkCtx *ctx, const KnProxyIrChain *chain, const KnProxyIrRule *rule)
{
    gboolean local = g_str_has_prefix(chain->name, "KUBE-SVL-");
    const KnProxyIrMatch *recent = find_match(rule, KN_PROXY_IR_MATCH_RECENT);
    const KnProxyIrMatch *statistic = find_match(rule, KN_PROXY_IR_MATCH_STATISTIC);
    guint n = 0, k = 0;

    if ((!local && !g_str_has_prefix(chain->name, "KUBE-SVC-")) || rule->jump == NULL
        || !g_str_has_prefix(rule->jump->name, "KUBE-SEP-"))
        return;
    for (guint i = 0; i < chain->rules->len; i++) {
        const KnProxyIrRule *r = chain->rules->pdata[i];

        if (r->jump == NULL || !g_str_has_prefix(r->jump->name, "KUBE-SEP-")
            || find_match(r, KN_PROXY_IR_MATCH_RECENT) != NULL)
            continue;
        if (r == rule)
            k = n;
        n++;
    }
    if (recent != NULL && !recent->recent_set) {
        kn_trace_note(ctx->walk->trace, KN_TRACE_CHOICE,
                      "endpoint chosen by session affinity: this client used %s within the last %u s "
                      "(-m recent), so it goes back to it", rule->jump->name, recent->value);
    } else if (statistic != NULL) {
        char probability[32];

        kn_trace_note(ctx->walk->trace, KN_TRACE_CHOICE,
                      "endpoint %u of %u%s chosen at random: %sthis rule's draw fell below %s "
                      "(probabilities 1/%u, 1/%u, ... down the chain give every endpoint 1/%u)", k + 1, n,
                      local ? " local" : "", k == 0 ? "" : k == 1 ? "the draw before missed and "
                                                                  : "the draws before missed and ",
                      kn_proxy_ir_probability_format(statistic->value, probability), n, n - 1, n);
    } else if (n > 1) {
        kn_trace_note(ctx->walk->trace, KN_TRACE_CHOICE,
                      "endpoint %u of %u%s: %s before it missed, so the last rule, which has no "
                      "-m statistic, takes it", k + 1, n, local ? " local" : "",
                      n == 2 ? "the random draw" : "the random draws");
    } else {
        kn_trace_note(ctx->walk->trace, KN_TRACE_CHOICE, "the only %sendpoint", local ? "local " : "");
    }
    if (local)
        kn_trace_note(ctx->walk->trace, KN_TRACE_CHOICE, "KUBE-SVL-…: only this node's endpoints, as a "
                      "traffic policy of Local asks");
}

static void
note_rule(WalkCtx *ctx, const KnProxyIrChain *chain, const KnProxyIrRule *rule)
{
    g_autoptr(GString) text = NULL;

    if (ctx->walk->trace == NULL)
        return;
    text = g_string_new("-t ");
    g_string_append(text, kn_proxy_ir_table_name(ctx->table));
    g_string_append_c(text, ' ');
    kn_proxy_ir_render_rule(chain, rule, text);
    kn_trace_note(ctx->walk->trace, KN_TRACE_RULE, "%s", text->str);
    note_choice(ctx, chain, rule);
}

typedef struct Frame {
    KnProxyIrChain *chain;
    guint pos;                   /* the rule to resume at */
} Frame;

static const char *
hook_chain_name(KnHook hook)
{
    static const char *const names[KN_N_HOOKS] = {
        [KN_HOOK_PREROUTING] = "PREROUTING", [KN_HOOK_INPUT] = "INPUT",
        [KN_HOOK_FORWARD] = "FORWARD", [KN_HOOK_OUTPUT] = "OUTPUT",
        [KN_HOOK_POSTROUTING] = "POSTROUTING",
    };

    return hook < KN_N_HOOKS ? names[hook] : NULL;
}

/* The memo of 'key' among a lane's 'memos', or NULL. */
static inline const WalkMemo *
memo_find(const WalkMemos *memos, guint64 key)
{
    for (guint n = 0, i = memo_home(key); n < N_WALK_MEMOS && memos->keys[i] != 0;
         n++, i = (i + 1) & (N_WALK_MEMOS - 1))
        if (memos->keys[i] == key)
            return &memos->memos[i];
    return NULL;
}

/* Does to 'walk' what the walk 'memo' keeps did; returns what it returned. */
static inline gboolean
memo_replay(const WalkMemo *memo, KnProxyWalk *walk)
{
    walk->packet->mark = memo->mark_out;
    walk->n_rules += memo->n_rules;
    if (memo->verdict != KN_VERDICT_ACCEPT)
        walk->verdict = memo->verdict;
    if (memo->masquerade) {
        walk->masquerade = TRUE;
        walk->random_fully = memo->random_fully;
    }
    if (memo->decided_by != NULL)
        walk->decided_by = memo->decided_by;
    walk->accepted |= memo->accepted;
    return memo->ended;
}

static gboolean walk_rules(KnProxyIrRuleset *ruleset, KnProxyIrTable table, KnProxyIrRecent *recent,
                           KnProxyWalk *walk, guint64 key, gboolean known);

gboolean
kn_proxy_ir_walk(KnProxyIrRuleset *ruleset, KnProxyIrTable table, KnProxyIrRecent *recent,
                 KnProxyWalk *walk)
{
    g_return_val_if_fail(ruleset != NULL && walk != NULL && walk->packet != NULL, FALSE);

    if (walk->hook >= KN_N_HOOKS)
        return FALSE;
    g_return_val_if_fail(walk->lane < KN_SIM_MAX_LANES, FALSE);

    const WalkMemos *memos = ruleset->memos[walk->lane];
    guint64 key = memo_key(table, walk->hook, walk->ct_state, walk->packet->mark);
    const WalkMemo *memo = NULL;

    /* Most walks replay a memo: that path stays short, and the walk of the
     * rules (a big frame to set up) is a call of its own. */
    if (walk->trace == NULL && memos != NULL) {
        memo = memo_find(memos, key);
        if (memo != NULL && !memo->walk)
            return memo_replay(memo, walk);
    }
    return walk_rules(ruleset, table, recent, walk, key, memo != NULL);
}

/* kn_proxy_ir_walk() without a memo to replay: 'known' if a memo says the
 * walk depends on the packet; else its outcome is kept under 'key'. */
G_NO_INLINE static gboolean
walk_rules(KnProxyIrRuleset *ruleset, KnProxyIrTable table, KnProxyIrRecent *recent,
           KnProxyWalk *walk, guint64 key, gboolean known)
{
    KnProxyIrChain *chain;
    WalkCtx ctx = { .ruleset = ruleset, .table = table, .recent = recent, .walk = walk };
    Frame stack[MAX_DEPTH];
    guint depth = 0, pos = 0;
    WalkMemos *memos = ruleset->memos[walk->lane];
    guint start_rules = walk->n_rules;
    gboolean had_dnat = walk->dnat, had_masquerade = walk->masquerade, had_accepted = walk->accepted;
    gboolean ended = FALSE;

    chain = g_atomic_pointer_get(&ruleset->hooks[table][walk->hook]);
    if (chain == NULL) {
        chain = kn_proxy_ir_lookup(ruleset, table, hook_chain_name(walk->hook));
        g_atomic_pointer_set(&ruleset->hooks[table][walk->hook], chain);
    }
    if (chain == NULL)
        return FALSE;            /* no such hook in this table: nothing to do */
    ctx.dst = walk->dnat ? walk->dnat_addr : walk->packet->dst;
    ctx.dport = walk->dnat && walk->dnat_port != 0 ? walk->dnat_port : walk->packet->dport;

    const KnProxyIrChain *visiting = NULL;
    Candidates cand = { 0 };

    for (;;) {
        if (chain != visiting) {
            candidates_init(&ctx, chain_index(chain), &cand);
            visiting = chain;
        }

        const ChainIndex *index = cand.index;
        guint next = next_candidate(&cand, pos);

        walk->n_rules += next - pos;    /* skipped: evaluated by the kernel, no match */
        pos = next;
        if (pos >= index->n_rules) {
            /* End of chain: an implicit RETURN, or the built-in policy. */
            if (depth == 0)
                break;
            depth--;
            kn_trace_pop(walk->trace);
            chain = stack[depth].chain;
            pos = stack[depth].pos;
            continue;
        }

        const KnProxyIrRule *rule = index->rules[pos];

        walk->n_rules++;
        pos++;
        if (!rule_matches(&ctx, rule))
            continue;
        note_rule(&ctx, chain, rule);

        switch ((KnProxyIrTargetKind) rule->target) {
        case KN_PROXY_IR_TARGET_NONE:
            continue;
        case KN_PROXY_IR_TARGET_MARK:
            walk->packet->mark = (walk->packet->mark & ~rule->mark_mask) ^ rule->mark_value;
            continue;
        case KN_PROXY_IR_TARGET_NOTRACK:
            /* xt_CT's notrack: the untracked entry, then XT_CONTINUE. */
            walk->notrack = TRUE;
            continue;
        case KN_PROXY_IR_TARGET_JUMP:
            if (depth == MAX_DEPTH) {
                kn_trace_note(walk->trace, KN_TRACE_VERDICT, "chain loop: more than %d jumps deep, DROP",
                              MAX_DEPTH);
                walk->verdict = KN_VERDICT_DROP;
                set_decided_by(walk, chain);
                goto ended;
            }
            stack[depth++] = (Frame) { chain, pos };
            kn_trace_push(walk->trace);
            chain = rule->jump;
            pos = 0;
            continue;
        case KN_PROXY_IR_TARGET_RETURN:
            if (depth == 0)
                goto done;       /* the built-in chain's policy */
            depth--;
            kn_trace_pop(walk->trace);
            chain = stack[depth].chain;
            pos = stack[depth].pos;
            continue;
        case KN_PROXY_IR_TARGET_ACCEPT:
            walk->accepted = TRUE;
            goto done;
        case KN_PROXY_IR_TARGET_DROP:
        case KN_PROXY_IR_TARGET_REJECT:
            walk->verdict = rule->target == KN_PROXY_IR_TARGET_DROP ? KN_VERDICT_DROP : KN_VERDICT_REJECT;
            set_decided_by(walk, chain);
            kn_trace_note(walk->trace, KN_TRACE_VERDICT, "%s by %s",
                          rule->target == KN_PROXY_IR_TARGET_DROP ? "DROP" : "REJECT", chain->name);
            goto ended;
        case KN_PROXY_IR_TARGET_DNAT: {
            char buf[KN_ADDR_STRLEN];

            walk->dnat = TRUE;
            walk->dnat_addr = rule->dnat_addr;
            walk->dnat_port = rule->dnat_port != 0 ? rule->dnat_port : ctx.dport;
            set_decided_by(walk, chain);
            if (walk->trace != NULL)
                kn_trace_note(walk->trace, KN_TRACE_NAT, "DNAT to %s%s%s:%u",
                              rule->dnat_addr.family == 6 ? "[" : "",
                              kn_addr_format(&rule->dnat_addr, buf),
                              rule->dnat_addr.family == 6 ? "]" : "", walk->dnat_port);
            goto done;
        }
        case KN_PROXY_IR_TARGET_MASQUERADE:
            walk->masquerade = TRUE;
            walk->random_fully = rule->random_fully;
            set_decided_by(walk, chain);
            kn_trace_note(walk->trace, KN_TRACE_NAT, "MASQUERADE%s", rule->random_fully ? " --random-fully" : "");
            goto done;
        }
    }

    goto done;
ended:
    ended = TRUE;
done:
    while (depth > 0) {
        depth--;
        kn_trace_pop(walk->trace);
    }
    /* Keep the outcome of a walk that depended on nothing but the state
     * and the mark, and did no NAT; or that it did not. */
    if (walk->trace == NULL && !known) {
        gboolean walk_needed = ctx.packet_dependent || walk->dnat != had_dnat
                               || (walk->masquerade != had_masquerade && had_masquerade);

        if (memos == NULL)
            memos = ruleset->memos[walk->lane] = g_new0(WalkMemos, 1);
        for (guint n = 0, i = memo_home(key); n < N_WALK_MEMOS; n++, i = (i + 1) & (N_WALK_MEMOS - 1)) {
            WalkMemo *memo = &memos->memos[i];

            if (memos->keys[i] != 0)
                continue;
            memos->keys[i] = key;
            if (walk_needed) {
                *memo = (WalkMemo) { .walk = TRUE };
                break;
            }
            *memo = (WalkMemo) {
                .mark_out = walk->packet->mark,
                .n_rules = walk->n_rules - start_rules,
                .verdict = walk->verdict,
                .masquerade = walk->masquerade && !had_masquerade,
                .random_fully = walk->random_fully,
                .ended = ended,
                .accepted = walk->accepted && !had_accepted,
            };
            memo->decided_by = ended || memo->masquerade ? walk->decided_by : NULL;
            break;
        }
    }
    return ended;
}
