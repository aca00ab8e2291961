/* proxy-ir-list.c -- `iptables -L` and `iptables -S` (proxy-ir-list.h).
 *
 * DOC: What iptables v1.8.9 (nf_tables, Debian 12's 1.8.9-2, the kind node
 * image's) prints, checked byte for byte against the real tool over
 * knetsim's own rules (tests/tools/iptables-list.sh):
 *
 * - -L: per chain "Chain NAME (policy ACCEPT)" for a built-in chain or
 *   "Chain NAME (N references)" (rules anywhere in the table jumping to
 *   it), a column header, one line per rule; a blank line between
 *   chains.  Columns: [num %-4u] [pkts bytes] target %-9s, a space (the
 *   protocol's '!'), prot %-4s, "-- " (the fragment flags), [in " %-6s "
 *   out "%-6s "], source and destination each a '!' or space and %-19s;
 *   then each match and the target's options in the order written, each
 *   with a leading space.  Every field keeps its padding, so a line ends
 *   in spaces when the rule has nothing after its destination.
 * - -n: with it, prot is the protocol NUMBER (1.8.9 prints "0", "6",
 *   "17"), addresses and ports are numeric, no interface is "*".  Without
 *   it: "all"/"tcp"/..., an address with prefix 0 is "anywhere", others
 *   are named by the node's /etc/hosts, else /etc/networks (127.0.0.0/8
 *   is "loopback/8"), else numeric; ports by /etc/services ("dpt:http");
 *   no interface is "any".
 * - -v adds "(policy ACCEPT 0 packets, 0 bytes)", the counters and the
 *   interfaces; counters print %5 wide (the real tool writes values
 *   above 99999 in K, M, G), with -x %8 wide under a header misaligned
 *   by two ("%8s %10s"), as the real one is.
 * - Match and target forms: the comment's text unquoted between C comment
 *   marks, "tcp spt:A dpt:B", "mark match [! ]V[/M]", "ADDRTYPE match
 *   dst-type [!]LOCAL", "[! ] ctstate LIST", "statistic mode random
 *   probability P", "recent: SET|CHECK [seconds: T] [reap] name: N side:
 *   source mask: 255.255.255.255", "nfacct-name  N" (two spaces),
 *   "to:ADDR[:PORT]", "reject-with icmp-port-unreachable", "random-fully";
 *   MARK --set-xmark V/M prints as libxt_MARK words it: "MARK and ~M" (V 0),
 *   "MARK or V" (V = M), "MARK xor V" (M 0), "MARK set V" (M all ones), else
 *   "MARK xset V/M"; NOTRACK lists as target "CT" with "NOTRACK" after the
 *   matches (the nf_tables backend keeps it as -j CT --notrack).
 * - -S: "-P CHAIN ACCEPT" for the built-ins, "-N CHAIN" for the user
 *   chains (sorted), then the rules as iptables-save writes them; with -v
 *   "-c 0 0" after the policy and before a rule's -j (at its end without
 *   one).  -S CHAIN prints that chain's -P or -N and its rules; -L/-S
 *   CHAIN N only rule N (nothing when there is none).
 * - Parsing as getopt_long with iptables' option string: short flags combine
 *   (-nvL); -L and -S take an attached argument as the chain (-Ln lists
 *   chain "n"), else the next word unless it starts with '-' or '!', then
 *   likewise a rule number; long options may be abbreviated when unambiguous
 *   (else, as "--li", an unknown option).  Errors: "Bad argument `W'" for a
 *   stray word, 'unknown option "W"', 'option "-t" requires an argument',
 *   "Cannot use -S with -L", "Illegal option `-x' with this command" (-L
 *   takes -n -v -x --line-numbers; -S only -v), "no command specified",
 *   "Invalid rule number `W'", all exit 2; an unknown table "table 'X' does
 *   not exist" + "Perhaps iptables or your kernel needs to be upgraded.",
 *   exit 3; an unknown chain exit 1 with 1.8.9-nft's own message, "chain `X'
 *   in table `T' is incompatible, use 'nft' tool." (iptables-legacy says
 *   "iptables: No chain/target/match by that name."; the node's is the
 *   nf_tables one).
 * - Tables: filter, nat and raw as the rules have them; raw without
 *   rules, mangle and security list their built-in chains, empty, as
 *   iptables-nft does for a table nothing made.
 *
 * Simplified: the counters are 0.  The data path counts the rules each
 * packet is evaluated against (KnProxyWalk n_rules), not per rule, and a
 * ruleset is shared by the nodes with the same rules and walked by
 * several lanes at once, so per-rule counters would need a per-node copy
 * of every rule's count; the listing shows what `iptables -Z` would leave.
 * Name lookups stop at the node's /etc/hosts and netbase's files: the
 * node's resolver has no reverse names for cluster addresses (a real kind
 * node's Docker DNS may name another node "NODE.kind").  The commands
 * that change rules (-L -Z too), and -C and -h, answer "knetsim: iptables
 * -A is not simulated" (the flag as given), exit 126. */

#include <config.h>
#include "models/proxy-ir-list.h"

#include <stdarg.h>
#include <string.h>

#include "models/netbase.h"
#include "sim/packet.h"

#define VERSION_PREFIX "iptables v1.8.9 (nf_tables): "
#define TRY_HELP "Try `iptables -h' or 'iptables --help' for more information.\n"

/* The tables iptables knows, with their built-in chains in listing order. */
static const struct {
    const char *name;
    int ir;                      /* KnProxyIrTable, or -1: never has rules here */
    const char *builtins[6];     /* NULL-terminated */
} tables[] = {
    { "filter", KN_PROXY_IR_FILTER, { "INPUT", "FORWARD", "OUTPUT", NULL } },
    { "nat", KN_PROXY_IR_NAT, { "PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", NULL } },
    { "mangle", -1, { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING", NULL } },
    { "raw", KN_PROXY_IR_RAW, { "PREROUTING", "OUTPUT", NULL } },
    { "security", -1, { "INPUT", "FORWARD", "OUTPUT", NULL } },
};

/*****************************************************************************/
/* The command line. */

enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

/* getopt_long's table: the long options iptables has, by their short
 * letter ('0' is --line-numbers, which has none). */
static const struct {
    const char *name;
    char code;
    guint8 arg;
} long_options[] = {
    { "append", 'A', ARG_REQUIRED }, { "delete", 'D', ARG_REQUIRED },
    { "check", 'C', ARG_REQUIRED }, { "insert", 'I', ARG_REQUIRED },
    { "replace", 'R', ARG_REQUIRED }, { "list", 'L', ARG_OPTIONAL },
    { "list-rules", 'S', ARG_OPTIONAL }, { "flush", 'F', ARG_OPTIONAL },
    { "zero", 'Z', ARG_OPTIONAL }, { "new-chain", 'N', ARG_REQUIRED },
    { "delete-chain", 'X', ARG_OPTIONAL }, { "rename-chain", 'E', ARG_REQUIRED },
    { "policy", 'P', ARG_REQUIRED }, { "source", 's', ARG_REQUIRED },
    { "destination", 'd', ARG_REQUIRED }, { "src", 's', ARG_REQUIRED },
    { "dst", 'd', ARG_REQUIRED }, { "protocol", 'p', ARG_REQUIRED },
    { "in-interface", 'i', ARG_REQUIRED }, { "jump", 'j', ARG_REQUIRED },
    { "table", 't', ARG_REQUIRED }, { "match", 'm', ARG_REQUIRED },
    { "numeric", 'n', ARG_NONE }, { "out-interface", 'o', ARG_REQUIRED },
    { "verbose", 'v', ARG_NONE }, { "wait", 'w', ARG_OPTIONAL },
    { "wait-interval", 'W', ARG_OPTIONAL }, { "exact", 'x', ARG_NONE },
    { "fragments", 'f', ARG_NONE }, { "version", 'V', ARG_NONE },
    { "help", 'h', ARG_OPTIONAL }, { "line-numbers", '0', ARG_NONE },
    { "modprobe", 'M', ARG_REQUIRED }, { "set-counters", 'c', ARG_REQUIRED },
    { "goto", 'g', ARG_REQUIRED }, { "ipv4", '4', ARG_NONE }, { "ipv6", '6', ARG_NONE },
};

/* The short letters: those taking an argument, and those that may. */
#define SHORT_REQUIRED "ACDRIMNEPopsdjitmcg"
#define SHORT_OPTIONAL "LSFZXhwW"
#define SHORT_NONE "nvxfV460"
/* Commands that change the rules (or, -C and -h, are not simulated). */
#define NOT_SIMULATED "ACDRINEPFZXh"
/* The options a listing may not take, in the order iptables checks them
 * (its optflags), and those -L and -S each allow. */
#define CHECK_ORDER "nsdpjvxio0cfmg"
#define LEGAL_LIST "nvx0"
#define LEGAL_RULES "v"

typedef struct Args {
    char command;                /* 'L', 'S', or 0 */
    const char *chain;           /* borrowed from argv; NULL: every chain */
    guint rule;                  /* 1-based; 0: every rule */
    const char *table;
    char seen[16];               /* the CHECK_ORDER letters given, in any order */
    gboolean numeric, verbose, exact, line_numbers;
} Args;

static int usage(GString *err, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* A parameter problem: the message, the help hint, exit 2. */
static int
usage(GString *err, const char *format, ...)
{
    va_list ap;

    g_string_append(err, VERSION_PREFIX);
    va_start(ap, format);
    g_string_append_vprintf(err, format, ap);
    va_end(ap);
    g_string_append(err, "\n" TRY_HELP);
    return 2;
}

static int
bad_argument(GString *err, const char *word)
{
    g_string_append_printf(err, "Bad argument `%s'\n" TRY_HELP, word);
    return 2;
}

/* A long option by name, exact or an unambiguous prefix; -1 if none. */
static int
long_option(const char *name, gsize length)
{
    int found = -1;

    for (guint i = 0; i < G_N_ELEMENTS(long_options); i++)
        if (strncmp(long_options[i].name, name, length) == 0 && long_options[i].name[length] == '\0')
            return (int) i;
    for (guint i = 0; i < G_N_ELEMENTS(long_options); i++) {
        if (strncmp(long_options[i].name, name, length) != 0)
            continue;
        if (found >= 0 && long_options[found].code != long_options[i].code)
            return -2;           /* ambiguous */
        found = (int) i;
    }
    return found;
}

/* The next word, if it is an argument a listing takes after -L/-S (not an
 * option: '-' or '!' first), advancing '*i'. */
static const char *
next_word(const char *const *argv, guint *i)
{
    const char *word = argv[*i + 1];

    if (word == NULL || word[0] == '-' || word[0] == '!')
        return NULL;
    (*i)++;
    return word;
}

/* One option 'code', as the user spelled it ('spelled', e.g. "-L" or
 * "--list"), with its argument 'optarg' (NULL if none).  Returns -1 to go
 * on, else the exit status. */
static int
take_option(Args *args, char code, const char *spelled, const char *optarg,
            const char *const *argv, guint *i, GString *out, GString *err)
{
    if (strchr(NOT_SIMULATED, code) != NULL) {
        g_string_append_printf(err, "knetsim: iptables %s is not simulated\n", spelled);
        return 126;
    }
    if (strchr(CHECK_ORDER, code) != NULL && strchr(args->seen, code) == NULL)
        args->seen[strlen(args->seen)] = code;
    switch (code) {
    case 'L':
    case 'S':
        if (args->command != 0) {
            return usage(err, "Cannot use -%c with -%c", code, args->command);
        }
        args->command = code;
        args->chain = optarg != NULL ? optarg : next_word(argv, i);
        if (next_word(argv, i) != NULL) {
            const char *word = argv[*i];
            char *end = NULL;
            guint64 n = g_ascii_strtoull(word, &end, 10);

            if (!g_ascii_isdigit(word[0]) || *end != '\0' || n == 0 || n > G_MAXINT)
                return usage(err, "Invalid rule number `%s'", word);
            args->rule = (guint) n;
        }
        break;
    case 't':
        args->table = optarg;
        break;
    case 'n':
        args->numeric = TRUE;
        break;
    case 'v':
        args->verbose = TRUE;
        break;
    case 'x':
        args->exact = TRUE;
        break;
    case '0':
        args->line_numbers = TRUE;
        break;
    case 'V':
        g_string_append(out, "iptables v1.8.9 (nf_tables)\n");
        return 0;
    case '6':
        /* What 1.8.9 prints for -6: the help hint alone. */
        g_string_append(err, TRY_HELP);
        return 2;
    case 'c':
        /* -c PKTS BYTES (or PKTS,BYTES): the byte count is the next word.
         * Illegal in a listing, but said so only after parsing. */
        if (strchr(optarg, ',') == NULL && next_word(argv, i) == NULL)
            return usage(err, "%s", "-c requires packet and byte counter");
        break;
    case 'w':
    case 'W':
        /* Waiting for the xtables lock: nothing else holds it here.  A
         * number may follow as the next word. */
        if (optarg == NULL && argv[*i + 1] != NULL && g_ascii_isdigit(argv[*i + 1][0]))
            (*i)++;
        break;
    default:
        break;                   /* rule options and -4: checked below */
    }
    return -1;
}

/* Reads 'argv' into 'args'.  Returns -1 if the listing is to run, else
 * the exit status. */
static int
parse(const char *const *argv, Args *args, GString *out, GString *err)
{
    for (guint i = 1; argv[i] != NULL; i++) {
        const char *word = argv[i];
        int status;

        if (word[0] != '-' || word[1] == '\0')
            return bad_argument(err, word);
        if (word[1] == '-') {
            const char *equals = strchr(word + 2, '=');
            gsize length = equals != NULL ? (gsize) (equals - word - 2) : strlen(word + 2);
            int o = length > 0 ? long_option(word + 2, length) : -1;
            const char *optarg = equals != NULL ? equals + 1 : NULL;
            g_autofree char *spelled = g_strndup(word, length + 2);

            if (o < 0 || (equals != NULL && long_options[o].arg == ARG_NONE))
                return usage(err, "unknown option \"%s\"", word);
            if (long_options[o].arg == ARG_REQUIRED && optarg == NULL) {
                optarg = argv[i + 1];
                if (optarg == NULL)
                    return usage(err, "option \"%s\" requires an argument", spelled);
                i++;
            }
            status = take_option(args, long_options[o].code, spelled, optarg, argv, &i, out, err);
            if (status >= 0)
                return status;
            continue;
        }
        for (const char *p = word + 1; *p != '\0'; p++) {
            char spelled[3] = { '-', *p, '\0' };
            const char *optarg = NULL;

            if (*p == '0' || strchr(SHORT_REQUIRED SHORT_OPTIONAL SHORT_NONE, *p) == NULL)
                return usage(err, "unknown option \"%s\"", word);
            if (strchr(SHORT_REQUIRED, *p) != NULL) {
                optarg = p[1] != '\0' ? p + 1 : argv[i + 1];
                if (optarg == NULL)
                    return usage(err, "option \"%s\" requires an argument", spelled);
                if (p[1] == '\0')
                    i++;
            } else if (strchr(SHORT_OPTIONAL, *p) != NULL && p[1] != '\0') {
                optarg = p + 1;
            }
            status = take_option(args, *p, spelled, optarg, argv, &i, out, err);
            if (status >= 0)
                return status;
            if (optarg != NULL)
                break;           /* the rest of the word was the argument */
        }
    }
    if (args->command == 0)
        return usage(err, "%s", "no command specified");
    for (const char *c = CHECK_ORDER; *c != '\0'; c++) {
        const char *legal = args->command == 'L' ? LEGAL_LIST : LEGAL_RULES;

        if (strchr(args->seen, *c) != NULL && strchr(legal, *c) == NULL) {
            char spelled[3] = { '-', *c, '\0' };

            return usage(err, "Illegal option `%s' with this command", spelled);
        }
    }
    return -1;
}

/*****************************************************************************/
/* The listing. */

typedef struct Listing {
    const KnProxyIrRuleset *const *layers;
    guint n_layers;
    guint table;                 /* index in tables[] */
    const Args *args;
    KnProxyIrHostName host_name;
    gpointer user_data;
    GHashTable *references;      /* chain name (borrowed) -> GUINT_TO_POINTER(count) */
} Listing;

/* A rule with the chain (of one layer) it is in. */
typedef struct {
    const KnProxyIrChain *chain;
    const KnProxyIrRule *rule;
} ListedRule;

static gboolean
is_builtin(const Listing *listing, const char *name)
{
    for (const char *const *b = tables[listing->table].builtins; *b != NULL; b++)
        if (strcmp(*b, name) == 0)
            return TRUE;
    return FALSE;
}

/* The table's chain names in listing order.  New array of borrowed names. */
static GPtrArray *
chain_names(const Listing *listing)
{
    GPtrArray *names;

    if (tables[listing->table].ir >= 0)
        return kn_proxy_ir_chain_names(listing->layers, listing->n_layers,
                                       (KnProxyIrTable) tables[listing->table].ir);
    names = g_ptr_array_new();
    for (const char *const *b = tables[listing->table].builtins; *b != NULL; b++)
        g_ptr_array_add(names, (gpointer) *b);
    return names;
}

/* The rules of chain 'name' over the layers, in order.  New array of
 * ListedRule (g_free'd). */
static GArray *
chain_rules(const Listing *listing, const char *name)
{
    GArray *rules = g_array_new(FALSE, FALSE, sizeof(ListedRule));

    if (tables[listing->table].ir < 0)
        return rules;
    for (guint l = 0; l < listing->n_layers; l++) {
        const KnProxyIrChain *chain = kn_proxy_ir_lookup(listing->layers[l],
                                                         (KnProxyIrTable) tables[listing->table].ir,
                                                         name);

        for (guint r = 0; chain != NULL && r < chain->rules->len; r++) {
            ListedRule listed = { chain, chain->rules->pdata[r] };

            g_array_append_val(rules, listed);
        }
    }
    return rules;
}

/* Counts, per chain, the rules of the table that jump to it. */
static GHashTable *
count_references(const Listing *listing, const GPtrArray *names)
{
    GHashTable *references = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < names->len; i++) {
        g_autoptr(GArray) rules = chain_rules(listing, names->pdata[i]);

        for (guint r = 0; r < rules->len; r++) {
            const KnProxyIrRule *rule = g_array_index(rules, ListedRule, r).rule;

            if (rule->target == KN_PROXY_IR_TARGET_JUMP) {
                const char *to = rule->jump->name;
                guint n = GPOINTER_TO_UINT(g_hash_table_lookup(references, to));

                g_hash_table_insert(references, (gpointer) to, GUINT_TO_POINTER(n + 1));
            }
        }
    }
    return references;
}

/* The packet and byte columns of a rule: xtables_print_num() of 0, 5
 * wide (8 with -x), as every counter here is (see the DOC note). */
static void
append_counters(GString *out, gboolean exact)
{
    g_string_append(out, exact ? "       0        0 " : "    0     0 ");
}

static void
append_padded(GString *out, const char *text, guint width)
{
    gsize length = strlen(text);

    g_string_append(out, text);
    for (gsize n = length; n < width; n++)
        g_string_append_c(out, ' ');
}

static void
append_header(GString *out, const Args *args)
{
    if (args->line_numbers)
        g_string_append(out, "num  ");
    if (args->verbose)
        g_string_append(out, args->exact ? "    pkts      bytes " : " pkts bytes ");
    g_string_append(out, "target     prot opt ");
    if (args->verbose)
        g_string_append(out, "in     out     ");
    g_string_append(out, "source               destination         \n");
}

/* The address column text of 'cidr' (NULL: any address). */
static void
append_address(GString *text, const Listing *listing, const KnCidr *cidr)
{
    char buf[KN_ADDR_STRLEN];
    const char *name = NULL;

    if (cidr == NULL || cidr->len == 0) {
        g_string_append(text, !listing->args->numeric ? "anywhere" : "0.0.0.0/0");
        return;
    }
    if (!listing->args->numeric) {
        name = listing->host_name != NULL ? listing->host_name(&cidr->addr, listing->user_data) : NULL;
        if (name == NULL)
            name = kn_netbase_network(&cidr->addr);
    }
    if (name != NULL)
        g_string_append_len(text, name, (gssize) strcspn(name, " \t"));   /* h_name */
    else
        g_string_append(text, kn_addr_format(&cidr->addr, buf));
    if (cidr->len != (cidr->addr.family == 6 ? 128 : 32))
        g_string_append_printf(text, "/%u", cidr->len);
}

static void
append_address_column(GString *out, const Listing *listing, gboolean has, gboolean negate,
                      const KnCidr *cidr)
{
    g_autoptr(GString) text = g_string_new(NULL);

    append_address(text, listing, has ? cidr : NULL);
    g_string_append_c(out, has && negate ? '!' : ' ');
    append_padded(out, text->str, 19);
    g_string_append_c(out, ' ');
}

static void
append_port(GString *out, const Listing *listing, const char *label, guint16 port, guint8 proto)
{
    KnNetbaseProtocol protocol = proto == KN_IPPROTO_UDP ? KN_NETBASE_UDP
                                 : proto == KN_PROXY_IR_IPPROTO_SCTP ? KN_NETBASE_SCTP
                                 : KN_NETBASE_TCP;
    const char *name = listing->args->numeric ? NULL : kn_netbase_service(port, protocol);

    if (name != NULL)
        g_string_append_printf(out, " %s:%s", label, name);
    else
        g_string_append_printf(out, " %s:%u", label, port);
}

static void
append_listed_match(GString *out, const Listing *listing, const KnProxyIrRule *rule,
                    const KnProxyIrMatch *match)
{
    static const struct { guint bit; const char *name; } states[] = {
        { KN_CT_INVALID, "INVALID" }, { KN_CT_NEW, "NEW" }, { KN_CT_RELATED, "RELATED" },
        { KN_CT_ESTABLISHED, "ESTABLISHED" }, { KN_CT_SNAT, "SNAT" }, { KN_CT_DNAT, "DNAT" },
    };
    char buf[32];
    gboolean first = TRUE;
    const char *proto_name;

    switch ((KnProxyIrMatchKind) match->kind) {
    case KN_PROXY_IR_MATCH_COMMENT:
        g_string_append_printf(out, " /* %s */", match->text);
        break;
    case KN_PROXY_IR_MATCH_PORT:
        proto_name = kn_netbase_protocol(rule->proto);
        g_string_append_printf(out, " %s", proto_name != NULL ? proto_name : "tcp");
        if (match->value != 0)
            append_port(out, listing, "spt", (guint16) match->value, rule->proto);
        if (match->dport != 0)
            append_port(out, listing, "dpt", match->dport, rule->proto);
        break;
    case KN_PROXY_IR_MATCH_MARK:
        g_string_append_printf(out, " mark match %s0x%x", match->negate ? "! " : "", match->value);
        if (match->mask != 0xffffffff)
            g_string_append_printf(out, "/0x%x", match->mask);
        break;
    case KN_PROXY_IR_MATCH_ADDRTYPE:
        g_string_append_printf(out, " ADDRTYPE match %s-type %sLOCAL", match->dst_type ? "dst" : "src",
                               match->negate ? "!" : "");
        break;
    case KN_PROXY_IR_MATCH_CONNTRACK:
        g_string_append(out, match->negate ? " ! ctstate" : " ctstate");
        for (guint i = 0; i < G_N_ELEMENTS(states); i++) {
            if (match->ctstate & states[i].bit) {
                g_string_append_c(out, first ? ' ' : ',');
                g_string_append(out, states[i].name);
                first = FALSE;
            }
        }
        break;
    case KN_PROXY_IR_MATCH_STATISTIC:
        g_string_append_printf(out, " statistic mode random probability %s",
                               kn_proxy_ir_probability_format(match->value, buf));
        break;
    case KN_PROXY_IR_MATCH_RECENT:
        if (match->recent_set) {
            g_string_append(out, " recent: SET");
        } else {
            g_string_append(out, " recent: CHECK");
            if (match->value != 0)
                g_string_append_printf(out, " seconds: %u", match->value);
            if (match->reap)
                g_string_append(out, " reap");
        }
        g_string_append_printf(out, " name: %s side: source mask: %s", match->text,
                               rule->src.addr.family == 6 || rule->dst.addr.family == 6
                               ? "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" : "255.255.255.255");
        break;
    case KN_PROXY_IR_MATCH_NFACCT:
        g_string_append_printf(out, " nfacct-name  %s", match->text);
        break;
    case KN_PROXY_IR_MATCH_PHYSDEV:
        g_string_append(out, match->negate ? " PHYSDEV match ! --physdev-is-in" : " PHYSDEV match --physdev-is-in");
        break;
    case KN_PROXY_IR_MATCH_SET:
        g_string_append_printf(out, " %smatch-set %s ", match->negate ? "! " : "", match->text);
        for (guint i = 0; i < match->mask; i++)
            g_string_append_printf(out, "%s%s", i > 0 ? "," : "", (match->value >> i & 1) ? "dst" : "src");
        break;
    }
}

static const char *
target_name(const KnProxyIrRule *rule)
{
    switch ((KnProxyIrTargetKind) rule->target) {
    case KN_PROXY_IR_TARGET_JUMP:
        return rule->jump->name;
    case KN_PROXY_IR_TARGET_RETURN:
        return "RETURN";
    case KN_PROXY_IR_TARGET_ACCEPT:
        return "ACCEPT";
    case KN_PROXY_IR_TARGET_DROP:
        return "DROP";
    case KN_PROXY_IR_TARGET_REJECT:
        return "REJECT";
    case KN_PROXY_IR_TARGET_DNAT:
        return "DNAT";
    case KN_PROXY_IR_TARGET_MARK:
        return "MARK";
    case KN_PROXY_IR_TARGET_MASQUERADE:
        return "MASQUERADE";
    case KN_PROXY_IR_TARGET_NOTRACK:
        return "CT";
    case KN_PROXY_IR_TARGET_NONE:
    default:
        return "";
    }
}

/* The target's own words after the matches. */
static void
append_target_options(GString *out, const KnProxyIrRule *rule)
{
    char buf[KN_ADDR_STRLEN];
    guint32 value = rule->mark_value, mask = rule->mark_mask;

    switch ((KnProxyIrTargetKind) rule->target) {
    case KN_PROXY_IR_TARGET_REJECT:
        g_string_append(out, rule->dnat_addr.family == 6 || rule->dst.addr.family == 6
                             ? " reject-with icmp6-port-unreachable"
                             : " reject-with icmp-port-unreachable");
        break;
    case KN_PROXY_IR_TARGET_DNAT:
        kn_addr_format(&rule->dnat_addr, buf);
        g_string_append_printf(out, rule->dnat_addr.family == 6 ? " to:[%s]" : " to:%s", buf);
        if (rule->dnat_port != 0)
            g_string_append_printf(out, ":%u", rule->dnat_port);
        break;
    case KN_PROXY_IR_TARGET_MARK:
        if (value == 0)
            g_string_append_printf(out, " MARK and 0x%x", ~mask);
        else if (value == mask)
            g_string_append_printf(out, " MARK or 0x%x", value);
        else if (mask == 0)
            g_string_append_printf(out, " MARK xor 0x%x", value);
        else if (mask == 0xffffffff)
            g_string_append_printf(out, " MARK set 0x%x", value);
        else
            g_string_append_printf(out, " MARK xset 0x%x/0x%x", value, mask);
        break;
    case KN_PROXY_IR_TARGET_MASQUERADE:
        if (rule->random_fully)
            g_string_append(out, " random-fully");
        break;
    case KN_PROXY_IR_TARGET_NOTRACK:
        g_string_append(out, " NOTRACK");
        break;
    default:
        break;
    }
}

static void
append_interface(GString *out, const Listing *listing, const char *iface, gboolean negate,
                 gboolean in)
{
    g_autofree char *text = g_strdup_printf("%s%s", negate && iface != NULL ? "!" : "",
                                            iface != NULL ? iface : listing->args->numeric ? "*" : "any");

    if (in)
        g_string_append_c(out, ' ');
    append_padded(out, text, 6);
    g_string_append_c(out, ' ');
}

static void
append_listed_rule(GString *out, const Listing *listing, const KnProxyIrRule *rule, guint number)
{
    const Args *args = listing->args;
    const char *proto = args->numeric ? NULL : kn_netbase_protocol(rule->proto);

    if (args->line_numbers)
        g_string_append_printf(out, "%-4u ", number);
    if (args->verbose) {
        append_counters(out, args->exact);
    }
    append_padded(out, target_name(rule), 9);
    g_string_append(out, "  ");
    if (proto != NULL)
        append_padded(out, proto, 4);
    else
        g_string_append_printf(out, "%-4u", rule->proto);
    g_string_append(out, " -- ");
    if (args->verbose) {
        append_interface(out, listing, rule->in_iface, rule->not_in_iface, TRUE);
        append_interface(out, listing, rule->out_iface, rule->not_out_iface, FALSE);
    }
    append_address_column(out, listing, rule->has_src, rule->not_src, &rule->src);
    append_address_column(out, listing, rule->has_dst, rule->not_dst, &rule->dst);
    for (guint i = 0; i < rule->n_matches; i++)
        append_listed_match(out, listing, rule, &rule->matches[i]);
    append_target_options(out, rule);
    g_string_append_c(out, '\n');
}

/* One rule in the rule-spec form: iptables-save's line, with -v the
 * counters before the target (or at the end of a rule without one). */
static void
append_spec_rule(GString *out, const Args *args, const ListedRule *listed)
{
    gsize start = out->len;

    kn_proxy_ir_render_rule(listed->chain, listed->rule, out);
    if (args->verbose && listed->rule->target == KN_PROXY_IR_TARGET_NONE) {
        g_string_append(out, " -c 0 0");
    } else if (args->verbose) {
        /* The target comes last: its " -j " is the last in the line (a
         * comment's would be quoted and earlier). */
        const char *jump = g_strrstr(out->str + start, " -j ");

        g_string_insert(out, jump - out->str, " -c 0 0");
    }
    g_string_append_c(out, '\n');
}

static void
append_chain_spec(GString *out, const Listing *listing, const char *name)
{
    if (is_builtin(listing, name))
        g_string_append_printf(out, "-P %s ACCEPT%s\n", name, listing->args->verbose ? " -c 0 0" : "");
    else
        g_string_append_printf(out, "-N %s\n", name);
}

static void
list_chain(GString *out, const Listing *listing, const char *name, gboolean first)
{
    g_autoptr(GArray) rules = chain_rules(listing, name);
    const Args *args = listing->args;

    if (args->rule != 0) {
        if (args->rule <= rules->len)
            append_listed_rule(out, listing, g_array_index(rules, ListedRule, args->rule - 1).rule,
                               args->rule);
        return;
    }
    if (!first)
        g_string_append_c(out, '\n');
    if (is_builtin(listing, name))
        g_string_append_printf(out, "Chain %s (policy ACCEPT%s)\n", name,
                               args->verbose ? " 0 packets, 0 bytes" : "");
    else
        g_string_append_printf(out, "Chain %s (%u references)\n", name,
                               GPOINTER_TO_UINT(g_hash_table_lookup(listing->references, name)));
    append_header(out, args);
    for (guint r = 0; r < rules->len; r++)
        append_listed_rule(out, listing, g_array_index(rules, ListedRule, r).rule, r + 1);
}

static void
list_rules(GString *out, const Listing *listing, const GPtrArray *names)
{
    const Args *args = listing->args;

    if (args->chain == NULL) {
        for (guint i = 0; i < names->len; i++)
            append_chain_spec(out, listing, names->pdata[i]);
    }
    for (guint i = 0; i < names->len; i++) {
        g_autoptr(GArray) rules = NULL;

        if (args->chain != NULL && strcmp(args->chain, names->pdata[i]) != 0)
            continue;
        rules = chain_rules(listing, names->pdata[i]);
        if (args->rule != 0) {
            if (args->rule <= rules->len)
                append_spec_rule(out, args, &g_array_index(rules, ListedRule, args->rule - 1));
            continue;
        }
        if (args->chain != NULL)
            append_chain_spec(out, listing, names->pdata[i]);
        for (guint r = 0; r < rules->len; r++)
            append_spec_rule(out, args, &g_array_index(rules, ListedRule, r));
    }
}

int
kn_proxy_ir_iptables(const KnProxyIrRuleset *const *layers, guint n_layers,
                     const char *const *argv, KnProxyIrHostName host_name,
                     gpointer user_data, GString *out, GString *err)
{
    Args args = { .table = "filter" };
    Listing listing = { layers, n_layers, 0, &args, host_name, user_data, NULL };
    g_autoptr(GPtrArray) names = NULL;
    int status = parse(argv, &args, out, err);
    gboolean found = FALSE;

    if (status >= 0)
        return status;
    for (listing.table = 0; listing.table < G_N_ELEMENTS(tables); listing.table++)
        if (strcmp(tables[listing.table].name, args.table) == 0)
            break;
    if (listing.table == G_N_ELEMENTS(tables)) {
        g_string_append_printf(err, VERSION_PREFIX "table '%s' does not exist\n"
                               "Perhaps iptables or your kernel needs to be upgraded.\n", args.table);
        return 3;
    }
    names = chain_names(&listing);
    for (guint i = 0; args.chain != NULL && i < names->len && !found; i++)
        found = strcmp(names->pdata[i], args.chain) == 0;
    if (args.chain != NULL && !found) {
        g_string_append_printf(err, VERSION_PREFIX "chain `%s' in table `%s' is incompatible, use 'nft' tool.\n",
                               args.chain, args.table);
        return 1;
    }
    if (args.command == 'S') {
        list_rules(out, &listing, names);
        return 0;
    }
    listing.references = count_references(&listing, names);
    for (guint i = 0, shown = 0; i < names->len; i++) {
        if (args.chain != NULL && strcmp(args.chain, names->pdata[i]) != 0)
            continue;
        list_chain(out, &listing, names->pdata[i], shown++ == 0);
    }
    g_hash_table_unref(listing.references);
    return 0;
}
