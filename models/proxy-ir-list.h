/* proxy-ir-list.h -- `iptables -L` and `iptables -S` over the rules of
 * proxy-ir.h: the listing commands of iptables v1.8.9 (nf_tables), as a
 * node runs them (net.c's host tools), printing what the real tool prints
 * once iptables-restore has loaded the same rules.  Where proxy-ir.c
 * renders a whole table as iptables-save does, this reads the same rules
 * chain by chain in the column form and the rule-spec form.  Commands that
 * change rules are refused: the rules are kube-proxy's (and other
 * programs'), rebuilt on every sync. */
#pragma once

#include <glib.h>
#include "models/proxy-ir.h"
#include "sim/addr.h"

/* The name gethostbyaddr() finds for 'addr' on the node (its /etc/hosts),
 * or NULL; borrowed, valid until the listing returns. */
typedef const char *(*KnProxyIrHostName)(const KnAddr *addr, gpointer user_data);

/* Runs `iptables ARGS` ('argv', NULL-terminated, argv[0] the program)
 * over the rules of 'layers' (n_layers rulesets, their built-in chains
 * joined as kn_proxy_ir_render_layers() joins them; none is an empty
 * ruleset).  Without -n, addresses are named through 'host_name' (may be
 * NULL: no names) and then /etc/networks, ports through /etc/services.
 * Appends to 'out' and 'err' what the tool prints there; returns its exit
 * status (0; 1, 2 or 3 for iptables' errors; 126 for a command that would
 * change the rules). */
int kn_proxy_ir_iptables(const KnProxyIrRuleset *const *layers, guint n_layers,
                         const char *const *argv, KnProxyIrHostName host_name,
                         gpointer user_data, GString *out, GString *err);
