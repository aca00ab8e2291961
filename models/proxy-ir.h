/* proxy-ir.h -- the netfilter rule representation kube-proxy's iptables
 * mode writes (and, later, the iptables part of IPVS mode): tables, chains
 * and rules with the matches and targets kube-proxy uses, an executor that
 * walks them for one packet as the kernel does, and a renderer that prints
 * them as `iptables-save` does.
 *
 * A generator (proxy-iptables.c) fills a KnProxyIrRuleset chain by chain;
 * the data path runs it through kn_proxy_ir_walk(); `knetsim rules` prints
 * it with kn_proxy_ir_render().  What the user reads is what runs.  The
 * -m recent lists live outside the ruleset (KnProxyIrRecent) because the
 * kernel keeps them across iptables-restore. */
#pragma once

#include <glib.h>
#include "models/proxy.h"
#include "sim/addr.h"

typedef enum {
    KN_PROXY_IR_FILTER,
    KN_PROXY_IR_NAT,
    KN_PROXY_IR_RAW,             /* before conntrack; only other programs than
                                  * kube-proxy write it (node-local-dns) */
    KN_PROXY_IR_N_TABLES,
} KnProxyIrTable;

const char *kn_proxy_ir_table_name(KnProxyIrTable table);  /* "filter", "nat", "raw" */

/* The match modules (-m NAME) a rule may carry, in the order written. */
typedef enum {
    KN_PROXY_IR_MATCH_COMMENT,   /* -m comment --comment TEXT */
    KN_PROXY_IR_MATCH_PORT,      /* -m tcp|udp|sctp [--sport N] [--dport N]; the rule's protocol */
    KN_PROXY_IR_MATCH_MARK,      /* -m mark [!] --mark VALUE/MASK */
    KN_PROXY_IR_MATCH_ADDRTYPE,  /* -m addrtype [!] --src-type|--dst-type LOCAL */
    KN_PROXY_IR_MATCH_CONNTRACK, /* -m conntrack [!] --ctstate LIST */
    KN_PROXY_IR_MATCH_STATISTIC, /* -m statistic --mode random --probability P */
    KN_PROXY_IR_MATCH_RECENT,    /* -m recent --rcheck --seconds T --reap | --set, --name X */
    KN_PROXY_IR_MATCH_NFACCT,    /* -m nfacct --nfacct-name X (always matches; counts) */
    KN_PROXY_IR_MATCH_SET,       /* -m set [!] --match-set X FLAGS: the packet's key in ipset X */
    KN_PROXY_IR_MATCH_PHYSDEV,   /* -m physdev [!] --physdev-is-in: came in through a bridge port */
} KnProxyIrMatchKind;

typedef struct KnProxyIrMatch {
    guint8 kind;                 /* KnProxyIrMatchKind */
    guint8 negate;               /* MARK, ADDRTYPE, CONNTRACK: the '!' */
    guint8 dst_type;             /* ADDRTYPE: --dst-type LOCAL (else --src-type LOCAL) */
    guint8 ctstate;              /* CONNTRACK: KN_CT_* bits */
    guint8 recent_set;           /* RECENT: --set (else --rcheck) */
    guint8 reap;                 /* RECENT --rcheck: --reap */
    guint16 dport;               /* PORT: --dport, 0 for none */
    guint32 value;               /* MARK: --mark value; STATISTIC: the kernel's u32
                                  * (kn_proxy_ir_probability()); RECENT --rcheck:
                                  * --seconds (0: none); PORT: --sport (0: none);
                                  * SET: bit i set if FLAGS' i-th is "dst" (else "src") */
    guint32 mask;                /* MARK: the mask; SET: the number of FLAGS */
    const char *text;            /* COMMENT: the text; RECENT, NFACCT, SET: the name.  Interned
                                  * in the ruleset by kn_proxy_ir_append() */
} KnProxyIrMatch;

typedef enum {
    KN_PROXY_IR_TARGET_NONE,     /* no -j: the rule only counts (or comments) */
    KN_PROXY_IR_TARGET_JUMP,     /* -j CHAIN */
    KN_PROXY_IR_TARGET_RETURN,
    KN_PROXY_IR_TARGET_ACCEPT,
    KN_PROXY_IR_TARGET_DROP,
    KN_PROXY_IR_TARGET_REJECT,   /* --reject-with icmp(6)-port-unreachable */
    KN_PROXY_IR_TARGET_DNAT,     /* --to-destination ADDR:PORT */
    KN_PROXY_IR_TARGET_MARK,     /* --set-xmark value/mask (--or-mark, --xor-mark) */
    KN_PROXY_IR_TARGET_MASQUERADE, /* [--random-fully] */
    KN_PROXY_IR_TARGET_NOTRACK,  /* raw: the packet skips conntrack; the walk goes on */
} KnProxyIrTargetKind;

#define KN_PROXY_IR_MAX_MATCHES 6

typedef struct KnProxyIrChain KnProxyIrChain;

/* One rule.  The generator fills one on the stack (zeroed, then the
 * kn_proxy_ir_add_*() helpers) and appends a copy; a stored rule holds only
 * its 'n_matches' matches, so never copy one by value. */
typedef struct KnProxyIrRule {
    /* The IP header matches, printed first by iptables-save. */
    KnCidr src;                  /* [!] -s src, if has_src */
    KnCidr dst;                  /* [!] -d dst, if has_dst */
    guint has_src : 1;
    guint not_src : 1;
    guint has_dst : 1;
    guint not_dst : 1;
    guint not_in_iface : 1;      /* ! -i */
    guint not_out_iface : 1;     /* ! -o */
    guint random_fully : 1;      /* MASQUERADE --random-fully */
    guint8 proto;                /* -p: KN_IPPROTO_TCP, _UDP, KN_PROXY_IR_IPPROTO_SCTP; 0: any */
    guint8 target;               /* KnProxyIrTargetKind */
    guint8 n_matches;
    guint16 dnat_port;           /* DNAT: the port, 0 for none */
    const char *in_iface;        /* -i NAME; "cni+" is a prefix; NULL: any.  Interned */
    const char *out_iface;       /* -o NAME; NULL: any.  Interned */
    KnProxyIrChain *jump;        /* JUMP: borrowed from the ruleset */
    KnAddr dnat_addr;            /* DNAT --to-destination */
    guint32 mark_value, mark_mask; /* MARK: --set-xmark value/mask */
    /* The -m modules in the order written; last, as only 'n_matches' are stored. */
    KnProxyIrMatch matches[KN_PROXY_IR_MAX_MATCHES];
} KnProxyIrRule;

struct KnProxyIrChain {
    const char *name;            /* in the ruleset's string storage */
    KnProxyIrTable table;
    gboolean builtin;            /* INPUT, PREROUTING, ...: has a policy (ACCEPT) */
    GPtrArray *rules;            /* KnProxyIrRule, owned */
    gpointer index;              /* the executor's lookup index, or NULL; private */
};

#define KN_PROXY_IR_IPPROTO_SCTP 132

typedef struct KnProxyIrRuleset KnProxyIrRuleset;

/* A new ruleset with the built-in chains of nat and filter and no rules
 * (raw's appear with the first chain asked of that table).
 * Free with kn_proxy_ir_ruleset_free(). */
KnProxyIrRuleset *kn_proxy_ir_ruleset_new(void);
void kn_proxy_ir_ruleset_free(KnProxyIrRuleset *ruleset);       /* accepts NULL */

/* The chain 'name' of 'table', created empty (a user chain) if missing.
 * Borrowed; valid as long as the ruleset. */
KnProxyIrChain *kn_proxy_ir_chain(KnProxyIrRuleset *ruleset, KnProxyIrTable table,
                                  const char *name);
/* As kn_proxy_ir_chain(), but NULL if there is no such chain. */
KnProxyIrChain *kn_proxy_ir_lookup(const KnProxyIrRuleset *ruleset, KnProxyIrTable table,
                                   const char *name);
/* Rules over all chains. */
guint kn_proxy_ir_n_rules(const KnProxyIrRuleset *ruleset);

/* Appends a copy of 'rule' to 'chain' of 'ruleset'; the strings it points
 * to are copied into the ruleset, so they may be temporary.  Returns the
 * appended rule (borrowed). */
KnProxyIrRule *kn_proxy_ir_append(KnProxyIrRuleset *ruleset, KnProxyIrChain *chain,
                                  const KnProxyIrRule *rule);

/* Helpers that add one match to 'rule' (which must have room). */
void kn_proxy_ir_add_comment(KnProxyIrRule *rule, const char *text);
void kn_proxy_ir_add_port(KnProxyIrRule *rule, guint8 proto, guint16 dport); /* -m P -p P [--dport] */
void kn_proxy_ir_add_sport(KnProxyIrRule *rule, guint8 proto, guint16 sport); /* -m P -p P --sport */
void kn_proxy_ir_add_mark(KnProxyIrRule *rule, gboolean negate, guint32 value, guint32 mask);
void kn_proxy_ir_add_addrtype(KnProxyIrRule *rule, gboolean negate, gboolean dst_type);
void kn_proxy_ir_add_ctstate(KnProxyIrRule *rule, gboolean negate, guint ctstate);
void kn_proxy_ir_add_statistic(KnProxyIrRule *rule, guint32 value);
void kn_proxy_ir_add_recent_rcheck(KnProxyIrRule *rule, const char *name, guint seconds,
                                   gboolean reap);
void kn_proxy_ir_add_recent_set(KnProxyIrRule *rule, const char *name);
void kn_proxy_ir_add_nfacct(KnProxyIrRule *rule, const char *name);
/* -m set [!] --match-set NAME FLAGS, 'flags' as written ("dst,dst,src"). */
void kn_proxy_ir_add_set(KnProxyIrRule *rule, gboolean negate, const char *name, const char *flags);
void kn_proxy_ir_add_physdev_in(KnProxyIrRule *rule, gboolean negate);

/*****************************************************************************/
/* ipsets: the kernel's named sets that -m set matches look up, kept
 * beside the rules (kube-proxy's IPVS mode).  A set has a type
 * ("hash:ip,port", "bitmap:port", ...) and members written as ipset
 * prints them ("10.96.0.1,tcp:443", "10.244.1.5,tcp:80,10.244.1.5",
 * "1.2.3.4,tcp:80,10.0.0.0/8", "30080"). */

typedef struct KnProxyIrSet KnProxyIrSet;

/* The set 'name' of 'ruleset', created empty with 'type' and 'family' (4
 * or 6; ignored for bitmap:port) if missing.  Borrowed from the ruleset. */
KnProxyIrSet *kn_proxy_ir_set(KnProxyIrRuleset *ruleset, const char *name, const char *type,
                              guint family);
/* Adds 'member' (a no-op if it is there). */
void kn_proxy_ir_set_add(KnProxyIrSet *set, const char *member);
guint kn_proxy_ir_set_size(const KnProxyIrSet *set);
/* Appends every set as `ipset save` prints it: a create line each, in the
 * order they were made, then its members (in the order added). */
void kn_proxy_ir_render_sets(const KnProxyIrRuleset *ruleset, GString *out);
/* `ipset list [NAME]` (ipset 7.17 on a 6.x kernel): each set's header
 * (its type's revision, the size in memory its type takes with each
 * member in a bucket of its own, the -m set rules that reference it) and
 * members; a blank line between sets.  Returns ipset's exit status: 1,
 * and its message in 'err', if there is no set 'name'. */
int kn_proxy_ir_list_sets(const KnProxyIrRuleset *ruleset, const char *name, GString *out, GString *err);

/*****************************************************************************/
/* Probabilities (-m statistic). */

/* kube-proxy's probability string for 1/'n': Go's "%0.10f" ("0.3333333333").
 * Writes into 'buf' (at least 32 bytes) and returns it. */
char *kn_proxy_ir_probability_text(guint n, char *buf);
/* The u32 iptables stores for a probability written as 'text':
 * lround(0x80000000 * strtod(text)). */
guint32 kn_proxy_ir_probability_value(const char *text);
/* The u32 for kube-proxy's 1/'n'. */
guint32 kn_proxy_ir_probability(guint n);
/* What iptables-save prints for 'value': "%.11f" of value / 2^31. */
char *kn_proxy_ir_probability_format(guint32 value, char *buf);

/*****************************************************************************/
/* Rendering. */

/* The ctime-style date iptables-save prints, for simulated time 'now'
 * counted from the cluster's epoch (Thu Jan  1 00:00:00 2026 UTC, as
 * kubectl's and the images' clocks), so output is reproducible: "Thu Jan
 * 1 00:01:30 2026".  New; g_free(). */
char *kn_proxy_ir_date(KnTime now);

/* Appends 'table' of 'ruleset' as `iptables-save -t TABLE` prints it
 * (iptables v1.8.9, nf_tables backend), its header and footer carrying
 * 'date'. */
void kn_proxy_ir_render_table(const KnProxyIrRuleset *ruleset, KnProxyIrTable table,
                              const char *date, GString *out);
/* Appends the tables in the order iptables-save prints them: raw (only
 * when it has rules), filter, nat. */
void kn_proxy_ir_render(const KnProxyIrRuleset *ruleset, const char *date, GString *out);
/* As kn_proxy_ir_render() for the rules of several programs in one
 * kernel: 'layers' (n_layers rulesets) hold each program's chains, and a
 * built-in chain holds the rules of layers[0] first, then layers[1]'s, ...
 * (what was inserted last at the head comes first).  User chains are
 * each one program's. */
void kn_proxy_ir_render_layers(const KnProxyIrRuleset *const *layers, guint n_layers, const char *date,
                               GString *out);
/* kn_proxy_ir_render_layers() of 'others' (n_others rulesets of other
 * programs, first in the built-in chains) then 'ruleset'. */
void kn_proxy_ir_render_with(const KnProxyIrRuleset *ruleset, const KnProxyIrRuleset *const *others,
                             guint n_others, const char *date, GString *out);
/* The chain names of 'table' over 'layers' (as for
 * kn_proxy_ir_render_layers()) in iptables-save order: the table's
 * built-ins in their order, whether or not a layer has them, then the
 * user chains sorted by name in byte order.  New array of names borrowed
 * from the layers (or static). */
GPtrArray *kn_proxy_ir_chain_names(const KnProxyIrRuleset *const *layers, guint n_layers,
                                   KnProxyIrTable table);
/* Appends one rule as iptables-save prints it: "-A CHAIN ... -j TARGET". */
void kn_proxy_ir_render_rule(const KnProxyIrChain *chain, const KnProxyIrRule *rule,
                             GString *out);

/*****************************************************************************/
/* Execution. */

/* The -m recent lists of one node: per --name, source address -> the time
 * last --set.  Free with kn_proxy_ir_recent_free(). */
typedef struct KnProxyIrRecent KnProxyIrRecent;

KnProxyIrRecent *kn_proxy_ir_recent_new(void);
void kn_proxy_ir_recent_free(KnProxyIrRecent *recent);          /* accepts NULL */
/* Addresses on list 'name' (0 if there is no such list). */
guint kn_proxy_ir_recent_size(const KnProxyIrRecent *recent, const char *name);

/* Runs built-in chain 'hook' of 'table' for 'walk' as the kernel does: the
 * first matching rule's target decides, jumps push a frame, RETURN pops it
 * (and in a built-in chain takes the policy, ACCEPT), MARK and rules
 * without a target continue.  Adds the rules evaluated to walk->n_rules,
 * notes each matched rule in walk->trace, and sets walk->verdict, the DNAT
 * or MASQUERADE and walk->decided_by.  The destination the rules see is
 * the packet's, or walk->dnat_addr:dnat_port when walk->dnat is already set
 * (an earlier table's DNAT at the same hook, as the kernel rewrites the
 * packet before the next table).  'recent' may be NULL if no rule uses
 * -m recent.
 * Returns TRUE if the table ended the packet's hook (DROP or REJECT). */
gboolean kn_proxy_ir_walk(KnProxyIrRuleset *ruleset, KnProxyIrTable table,
                          KnProxyIrRecent *recent, KnProxyWalk *walk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnProxyIrRuleset, kn_proxy_ir_ruleset_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KnProxyIrRecent, kn_proxy_ir_recent_free)
