/* test_proxy_ir_list.c -- `iptables -L` and `-S` over a ruleset with every
 * match and target form the listing knows: the expected text is what the
 * real iptables v1.8.9 (nf_tables, Debian 12) printed for the same rules,
 * loaded with iptables-restore from kn_proxy_ir_render()'s text into a
 * network namespace whose /etc/hosts named 127.0.0.1 localhost and
 * 172.18.0.3 kind-worker; standard output, standard error and the exit
 * status, byte for byte (tests/tools/iptables-list.sh does the same for
 * every scenario's kube-proxy rules). */

#include <config.h>
#include "tests/test_util.h"

#include <string.h>
#include "models/netbase.h"
#include "models/proxy-ir-list.h"
#include "sim/packet.h"

/* Adds 'rule' (filled by the caller) to chain 'name' of 'table'. */
static KnProxyIrRule *
add(KnProxyIrRuleset *ruleset, KnProxyIrTable table, const char *name, const KnProxyIrRule *rule)
{
    return kn_proxy_ir_append(ruleset, kn_proxy_ir_chain(ruleset, table, name), rule);
}

static void
set_cidr(KnCidr *cidr, const char *text)
{
    gboolean ok = kn_cidr_parse(text, cidr);

    g_assert(ok);
}

/* Every match and target form the listing knows, in the forms that print
 * differently: negations, masks, names and no names, ports on both
 * sides, interfaces.  tests/tools/iptables-list.sh's scenarios have the
 * kube-proxy forms; these are the rest. */
static KnProxyIrRuleset *
every_form(void)
{
    KnProxyIrRuleset *ruleset = kn_proxy_ir_ruleset_new();
    KnProxyIrChain *x = kn_proxy_ir_chain(ruleset, KN_PROXY_IR_FILTER, "KUBE-X");
    KnProxyIrRule r;

    /* raw: node-local-dns's NOTRACK, with --sport and both ports. */
    memset(&r, 0, sizeof r);
    r.has_dst = TRUE;
    set_cidr(&r.dst, "169.254.20.10/32");
    kn_proxy_ir_add_port(&r, KN_IPPROTO_UDP, 53);
    r.target = KN_PROXY_IR_TARGET_NOTRACK;
    add(ruleset, KN_PROXY_IR_RAW, "PREROUTING", &r);
    memset(&r, 0, sizeof r);
    r.has_src = TRUE;
    set_cidr(&r.src, "127.0.0.1/32");
    kn_proxy_ir_add_sport(&r, KN_IPPROTO_TCP, 8080);
    r.matches[0].dport = 80;
    r.target = KN_PROXY_IR_TARGET_NOTRACK;
    add(ruleset, KN_PROXY_IR_RAW, "OUTPUT", &r);

    /* filter INPUT. */
    memset(&r, 0, sizeof r);
    r.in_iface = "cni+";
    r.target = KN_PROXY_IR_TARGET_JUMP;
    r.jump = x;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_comment(&r, "a \"quoted\" -j b");
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_nfacct(&r, "localhost_nps_accepted_pkts");
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_addrtype(&r, TRUE, TRUE);
    r.target = KN_PROXY_IR_TARGET_DROP;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_addrtype(&r, TRUE, FALSE);
    r.target = KN_PROXY_IR_TARGET_DROP;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_mark(&r, FALSE, 0x4000, 0xffffffff);
    r.target = KN_PROXY_IR_TARGET_DROP;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_ctstate(&r, TRUE, KN_CT_NEW);
    r.target = KN_PROXY_IR_TARGET_RETURN;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_ctstate(&r, FALSE, KN_CT_INVALID | KN_CT_NEW | KN_CT_RELATED | KN_CT_ESTABLISHED
                                       | KN_CT_SNAT | KN_CT_DNAT);
    r.target = KN_PROXY_IR_TARGET_RETURN;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    r.proto = KN_IPPROTO_ICMP;
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    r.has_src = r.has_dst = TRUE;
    set_cidr(&r.src, "127.0.0.0/8");
    set_cidr(&r.dst, "127.0.0.1/32");
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    r.has_src = r.has_dst = TRUE;
    set_cidr(&r.src, "169.254.0.0/16");
    set_cidr(&r.dst, "0.0.0.0/8");
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    r.has_dst = TRUE;
    set_cidr(&r.dst, "172.18.0.3/32");
    kn_proxy_ir_add_sport(&r, KN_IPPROTO_UDP, 53);
    r.matches[0].dport = 31000;
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_port(&r, KN_IPPROTO_TCP, 6443);
    kn_proxy_ir_add_nfacct(&r, "localhost_nps_accepted_pkts");
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "INPUT", &r);

    /* FORWARD and OUTPUT: negated and plain interfaces, sctp. */
    memset(&r, 0, sizeof r);
    r.in_iface = "eth0";
    r.not_in_iface = TRUE;
    r.out_iface = "veth12345678ab";
    r.not_out_iface = TRUE;
    kn_proxy_ir_add_port(&r, KN_PROXY_IR_IPPROTO_SCTP, 80);
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "FORWARD", &r);
    memset(&r, 0, sizeof r);
    r.out_iface = "lo";
    kn_proxy_ir_add_port(&r, KN_PROXY_IR_IPPROTO_SCTP, 0);
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "OUTPUT", &r);

    /* KUBE-X: MARK's words, REJECT, recent, statistic. */
    memset(&r, 0, sizeof r);
    r.target = KN_PROXY_IR_TARGET_MARK;
    r.mark_value = 0, r.mark_mask = 0x4000;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    r.mark_value = 0x1, r.mark_mask = 0xffffffff;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    r.mark_value = 0x10, r.mark_mask = 0x30;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    r.mark_value = 0x4000, r.mark_mask = 0;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_port(&r, KN_IPPROTO_TCP, 22);
    r.target = KN_PROXY_IR_TARGET_REJECT;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_recent_rcheck(&r, "FOO", 0, FALSE);
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_recent_rcheck(&r, "FOO", 5, TRUE);
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_statistic(&r, kn_proxy_ir_probability_value("0.00010000001"));
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(ruleset, KN_PROXY_IR_FILTER, "KUBE-X", &r);
    /* An unreferenced chain. */
    kn_proxy_ir_chain(ruleset, KN_PROXY_IR_FILTER, "KUBE-A-EMPTY");

    /* nat: DNAT without a port, sctp, MASQUERADE both ways. */
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_port(&r, KN_IPPROTO_TCP, 0);
    r.target = KN_PROXY_IR_TARGET_DNAT;
    kn_addr_parse("10.1.2.3", &r.dnat_addr);
    add(ruleset, KN_PROXY_IR_NAT, "OUTPUT", &r);
    memset(&r, 0, sizeof r);
    kn_proxy_ir_add_port(&r, KN_PROXY_IR_IPPROTO_SCTP, 9);
    r.target = KN_PROXY_IR_TARGET_DNAT;
    kn_addr_parse("10.1.2.3", &r.dnat_addr);
    r.dnat_port = 9;
    add(ruleset, KN_PROXY_IR_NAT, "OUTPUT", &r);
    memset(&r, 0, sizeof r);
    r.target = KN_PROXY_IR_TARGET_MASQUERADE;
    add(ruleset, KN_PROXY_IR_NAT, "POSTROUTING", &r);
    r.random_fully = TRUE;
    add(ruleset, KN_PROXY_IR_NAT, "POSTROUTING", &r);
    return ruleset;
}

/* The namespace's /etc/hosts. */
static const char *
host_name(const KnAddr *addr, gpointer user_data)
{
    char buf[KN_ADDR_STRLEN];

    (void) user_data;
    kn_addr_format(addr, buf);
    if (strcmp(buf, "127.0.0.1") == 0)
        return "localhost";
    if (strcmp(buf, "172.18.0.3") == 0)
        return "kind-worker";
    return NULL;
}

typedef struct Case {
    const char *args;            /* after "iptables", split at spaces */
    int status;
    const char *out, *err;
} Case;

/* What the real iptables printed. */
static const Case real_cases[] = {
    {
        "-L", 0,
        "Chain INPUT (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "KUBE-X     all  --  anywhere             anywhere            \n"
        "           all  --  anywhere             anywhere             /* a \"quoted\" -j b */\n"
        "           all  --  anywhere             anywhere             nfacct-name  localhost_nps_accepted_pkts\n"
        "DROP       all  --  anywhere             anywhere             ADDRTYPE match dst-type !LOCAL\n"
        "DROP       all  --  anywhere             anywhere             ADDRTYPE match src-type !LOCAL\n"
        "DROP       all  --  anywhere             anywhere             mark match 0x4000\n"
        "RETURN     all  --  anywhere             anywhere             ! ctstate NEW\n"
        "RETURN     all  --  anywhere             anywhere             ctstate INVALID,NEW,RELATED,ESTABLISHED,SNAT,DNAT\n"
        "ACCEPT     icmp --  anywhere             anywhere            \n"
        "ACCEPT     all  --  loopback/8           localhost           \n"
        "ACCEPT     all  --  link-local/16        default/8           \n"
        "ACCEPT     udp  --  anywhere             kind-worker          udp spt:domain dpt:31000\n"
        "ACCEPT     tcp  --  anywhere             anywhere             tcp dpt:6443 nfacct-name  localhost_nps_accepted_pkts\n"
        "\n"
        "Chain FORWARD (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "ACCEPT     sctp --  anywhere             anywhere             sctp dpt:80\n"
        "\n"
        "Chain OUTPUT (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "ACCEPT     sctp --  anywhere             anywhere             sctp\n"
        "\n"
        "Chain KUBE-A-EMPTY (0 references)\n"
        "target     prot opt source               destination         \n"
        "\n"
        "Chain KUBE-X (1 references)\n"
        "target     prot opt source               destination         \n"
        "MARK       all  --  anywhere             anywhere             MARK and 0xffffbfff\n"
        "MARK       all  --  anywhere             anywhere             MARK set 0x1\n"
        "MARK       all  --  anywhere             anywhere             MARK xset 0x10/0x30\n"
        "MARK       all  --  anywhere             anywhere             MARK xor 0x4000\n"
        "REJECT     tcp  --  anywhere             anywhere             tcp dpt:ssh reject-with icmp-port-unreachable\n"
        "ACCEPT     all  --  anywhere             anywhere             recent: CHECK name: FOO side: source mask: 255.255.255.255\n"
        "ACCEPT     all  --  anywhere             anywhere             recent: CHECK seconds: 5 reap name: FOO side: source mask: 255.255.255.255\n"
        "ACCEPT     all  --  anywhere             anywhere             statistic mode random probability 0.00009999983\n",
        "",
    },
    {
        "-nvL --line-numbers", 0,
        "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n"
        "num   pkts bytes target     prot opt in     out     source               destination         \n"
        "1        0     0 KUBE-X     0    --  cni+   *       0.0.0.0/0            0.0.0.0/0           \n"
        "2        0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0            /* a \"quoted\" -j b */\n"
        "3        0     0            0    --  *      *       0.0.0.0/0            0.0.0.0/0            nfacct-name  localhost_nps_accepted_pkts\n"
        "4        0     0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type !LOCAL\n"
        "5        0     0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0            ADDRTYPE match src-type !LOCAL\n"
        "6        0     0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0            mark match 0x4000\n"
        "7        0     0 RETURN     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ! ctstate NEW\n"
        "8        0     0 RETURN     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate INVALID,NEW,RELATED,ESTABLISHED,SNAT,DNAT\n"
        "9        0     0 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0           \n"
        "10       0     0 ACCEPT     0    --  *      *       127.0.0.0/8          127.0.0.1           \n"
        "11       0     0 ACCEPT     0    --  *      *       169.254.0.0/16       0.0.0.0/8           \n"
        "12       0     0 ACCEPT     17   --  *      *       0.0.0.0/0            172.18.0.3           udp spt:53 dpt:31000\n"
        "13       0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:6443 nfacct-name  localhost_nps_accepted_pkts\n"
        "\n"
        "Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n"
        "num   pkts bytes target     prot opt in     out     source               destination         \n"
        "1        0     0 ACCEPT     132  --  !eth0  !veth12345678ab  0.0.0.0/0            0.0.0.0/0            sctp dpt:80\n"
        "\n"
        "Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n"
        "num   pkts bytes target     prot opt in     out     source               destination         \n"
        "1        0     0 ACCEPT     132  --  *      lo      0.0.0.0/0            0.0.0.0/0            sctp\n"
        "\n"
        "Chain KUBE-A-EMPTY (0 references)\n"
        "num   pkts bytes target     prot opt in     out     source               destination         \n"
        "\n"
        "Chain KUBE-X (1 references)\n"
        "num   pkts bytes target     prot opt in     out     source               destination         \n"
        "1        0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            MARK and 0xffffbfff\n"
        "2        0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            MARK set 0x1\n"
        "3        0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            MARK xset 0x10/0x30\n"
        "4        0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            MARK xor 0x4000\n"
        "5        0     0 REJECT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22 reject-with icmp-port-unreachable\n"
        "6        0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            recent: CHECK name: FOO side: source mask: 255.255.255.255\n"
        "7        0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            recent: CHECK seconds: 5 reap name: FOO side: source mask: 255.255.255.255\n"
        "8        0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            statistic mode random probability 0.00009999983\n",
        "",
    },
    {
        "-vxL INPUT", 0,
        "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n"
        "    pkts      bytes target     prot opt in     out     source               destination         \n"
        "       0        0 KUBE-X     all  --  cni+   any     anywhere             anywhere            \n"
        "       0        0            all  --  any    any     anywhere             anywhere             /* a \"quoted\" -j b */\n"
        "       0        0            all  --  any    any     anywhere             anywhere             nfacct-name  localhost_nps_accepted_pkts\n"
        "       0        0 DROP       all  --  any    any     anywhere             anywhere             ADDRTYPE match dst-type !LOCAL\n"
        "       0        0 DROP       all  --  any    any     anywhere             anywhere             ADDRTYPE match src-type !LOCAL\n"
        "       0        0 DROP       all  --  any    any     anywhere             anywhere             mark match 0x4000\n"
        "       0        0 RETURN     all  --  any    any     anywhere             anywhere             ! ctstate NEW\n"
        "       0        0 RETURN     all  --  any    any     anywhere             anywhere             ctstate INVALID,NEW,RELATED,ESTABLISHED,SNAT,DNAT\n"
        "       0        0 ACCEPT     icmp --  any    any     anywhere             anywhere            \n"
        "       0        0 ACCEPT     all  --  any    any     loopback/8           localhost           \n"
        "       0        0 ACCEPT     all  --  any    any     link-local/16        default/8           \n"
        "       0        0 ACCEPT     udp  --  any    any     anywhere             kind-worker          udp spt:domain dpt:31000\n"
        "       0        0 ACCEPT     tcp  --  any    any     anywhere             anywhere             tcp dpt:6443 nfacct-name  localhost_nps_accepted_pkts\n",
        "",
    },
    {
        "-t raw -L -n", 0,
        "Chain PREROUTING (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "CT         17   --  0.0.0.0/0            169.254.20.10        udp dpt:53 NOTRACK\n"
        "\n"
        "Chain OUTPUT (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "CT         6    --  127.0.0.1            0.0.0.0/0            tcp spt:8080 dpt:80 NOTRACK\n",
        "",
    },
    {
        "-t raw -S -v", 0,
        "-P PREROUTING ACCEPT -c 0 0\n"
        "-P OUTPUT ACCEPT -c 0 0\n"
        "-A PREROUTING -d 169.254.20.10/32 -p udp -m udp --dport 53 -c 0 0 -j NOTRACK\n"
        "-A OUTPUT -s 127.0.0.1/32 -p tcp -m tcp --sport 8080 --dport 80 -c 0 0 -j NOTRACK\n",
        "",
    },
    {
        "-t nat -L", 0,
        "Chain PREROUTING (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "\n"
        "Chain INPUT (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "\n"
        "Chain OUTPUT (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "DNAT       tcp  --  anywhere             anywhere             tcp to:10.1.2.3\n"
        "DNAT       sctp --  anywhere             anywhere             sctp dpt:9 to:10.1.2.3:9\n"
        "\n"
        "Chain POSTROUTING (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "MASQUERADE  all  --  anywhere             anywhere            \n"
        "MASQUERADE  all  --  anywhere             anywhere             random-fully\n",
        "",
    },
    {
        "-S", 0,
        "-P INPUT ACCEPT\n"
        "-P FORWARD ACCEPT\n"
        "-P OUTPUT ACCEPT\n"
        "-N KUBE-A-EMPTY\n"
        "-N KUBE-X\n"
        "-A INPUT -i cni+ -j KUBE-X\n"
        "-A INPUT -m comment --comment \"a \\\"quoted\\\" -j b\"\n"
        "-A INPUT -m nfacct --nfacct-name  localhost_nps_accepted_pkts\n"
        "-A INPUT -m addrtype ! --dst-type LOCAL -j DROP\n"
        "-A INPUT -m addrtype ! --src-type LOCAL -j DROP\n"
        "-A INPUT -m mark --mark 0x4000 -j DROP\n"
        "-A INPUT -m conntrack ! --ctstate NEW -j RETURN\n"
        "-A INPUT -m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED,SNAT,DNAT -j RETURN\n"
        "-A INPUT -p icmp -j ACCEPT\n"
        "-A INPUT -s 127.0.0.0/8 -d 127.0.0.1/32 -j ACCEPT\n"
        "-A INPUT -s 169.254.0.0/16 -d 0.0.0.0/8 -j ACCEPT\n"
        "-A INPUT -d 172.18.0.3/32 -p udp -m udp --sport 53 --dport 31000 -j ACCEPT\n"
        "-A INPUT -p tcp -m tcp --dport 6443 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j ACCEPT\n"
        "-A FORWARD ! -i eth0 ! -o veth12345678ab -p sctp -m sctp --dport 80 -j ACCEPT\n"
        "-A OUTPUT -o lo -p sctp -m sctp -j ACCEPT\n"
        "-A KUBE-X -j MARK --set-xmark 0x0/0x4000\n"
        "-A KUBE-X -j MARK --set-xmark 0x1/0xffffffff\n"
        "-A KUBE-X -j MARK --set-xmark 0x10/0x30\n"
        "-A KUBE-X -j MARK --set-xmark 0x4000/0x0\n"
        "-A KUBE-X -p tcp -m tcp --dport 22 -j REJECT --reject-with icmp-port-unreachable\n"
        "-A KUBE-X -m recent --rcheck --name FOO --mask 255.255.255.255 --rsource -j ACCEPT\n"
        "-A KUBE-X -m recent --rcheck --seconds 5 --reap --name FOO --mask 255.255.255.255 --rsource -j ACCEPT\n"
        "-A KUBE-X -m statistic --mode random --probability 0.00009999983 -j ACCEPT\n",
        "",
    },
    {
        "-v -S KUBE-X", 0,
        "-N KUBE-X\n"
        "-A KUBE-X -c 0 0 -j MARK --set-xmark 0x0/0x4000\n"
        "-A KUBE-X -c 0 0 -j MARK --set-xmark 0x1/0xffffffff\n"
        "-A KUBE-X -c 0 0 -j MARK --set-xmark 0x10/0x30\n"
        "-A KUBE-X -c 0 0 -j MARK --set-xmark 0x4000/0x0\n"
        "-A KUBE-X -p tcp -m tcp --dport 22 -c 0 0 -j REJECT --reject-with icmp-port-unreachable\n"
        "-A KUBE-X -m recent --rcheck --name FOO --mask 255.255.255.255 --rsource -c 0 0 -j ACCEPT\n"
        "-A KUBE-X -m recent --rcheck --seconds 5 --reap --name FOO --mask 255.255.255.255 --rsource -c 0 0 -j ACCEPT\n"
        "-A KUBE-X -m statistic --mode random --probability 0.00009999983 -c 0 0 -j ACCEPT\n",
        "",
    },
    {
        "-L KUBE-A-EMPTY -n", 0,
        "Chain KUBE-A-EMPTY (0 references)\n"
        "target     prot opt source               destination         \n",
        "",
    },
    {
        "-L NOPE", 1,
        "",
        "iptables v1.8.9 (nf_tables): chain `NOPE' in table `filter' is incompatible, use 'nft' tool.\n",
    },
    {
        "-t nat -S NOPE", 1,
        "",
        "iptables v1.8.9 (nf_tables): chain `NOPE' in table `nat' is incompatible, use 'nft' tool.\n",
    },
    {
        "-t nosuch -L", 3,
        "",
        "iptables v1.8.9 (nf_tables): table 'nosuch' does not exist\n"
        "Perhaps iptables or your kernel needs to be upgraded.\n",
    },
    {
        "-L -q", 2,
        "",
        "iptables v1.8.9 (nf_tables): unknown option \"-q\"\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-t", 2,
        "",
        "iptables v1.8.9 (nf_tables): option \"-t\" requires an argument\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-L INPUT 0", 2,
        "",
        "iptables v1.8.9 (nf_tables): Invalid rule number `0'\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-L INPUT 99 -n", 0,
        "",
        "",
    },
    {
        "-S -x", 2,
        "",
        "iptables v1.8.9 (nf_tables): Illegal option `-x' with this command\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-L -S", 2,
        "",
        "iptables v1.8.9 (nf_tables): Cannot use -S with -L\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-nLt nat", 2,
        "",
        "iptables v1.8.9 (nf_tables): Invalid rule number `nat'\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-L INPUT 1 2", 2,
        "",
        "Bad argument `2'\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-n -S", 2,
        "",
        "iptables v1.8.9 (nf_tables): Illegal option `-n' with this command\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-V", 0,
        "iptables v1.8.9 (nf_tables)\n",
        "",
    },
    {
        "-L -c 1 2", 2,
        "",
        "iptables v1.8.9 (nf_tables): Illegal option `-c' with this command\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-L -c 1", 2,
        "",
        "iptables v1.8.9 (nf_tables): -c requires packet and byte counter\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-L -p tcp", 2,
        "",
        "iptables v1.8.9 (nf_tables): Illegal option `-p' with this command\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "-L --foo=bar", 2,
        "",
        "iptables v1.8.9 (nf_tables): unknown option \"--foo=bar\"\n"
        "Try `iptables -h' or 'iptables --help' for more information.\n",
    },
    {
        "--list=KUBE-X --numeric --line", 0,
        "Chain KUBE-X (1 references)\n"
        "num  target     prot opt source               destination         \n"
        "1    MARK       0    --  0.0.0.0/0            0.0.0.0/0            MARK and 0xffffbfff\n"
        "2    MARK       0    --  0.0.0.0/0            0.0.0.0/0            MARK set 0x1\n"
        "3    MARK       0    --  0.0.0.0/0            0.0.0.0/0            MARK xset 0x10/0x30\n"
        "4    MARK       0    --  0.0.0.0/0            0.0.0.0/0            MARK xor 0x4000\n"
        "5    REJECT     6    --  0.0.0.0/0            0.0.0.0/0            tcp dpt:22 reject-with icmp-port-unreachable\n"
        "6    ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            recent: CHECK name: FOO side: source mask: 255.255.255.255\n"
        "7    ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            recent: CHECK seconds: 5 reap name: FOO side: source mask: 255.255.255.255\n"
        "8    ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            statistic mode random probability 0.00009999983\n",
        "",
    },
    {
        "--table=raw --list-rules", 0,
        "-P PREROUTING ACCEPT\n"
        "-P OUTPUT ACCEPT\n"
        "-A PREROUTING -d 169.254.20.10/32 -p udp -m udp --dport 53 -j NOTRACK\n"
        "-A OUTPUT -s 127.0.0.1/32 -p tcp -m tcp --sport 8080 --dport 80 -j NOTRACK\n",
        "",
    },
    {
        "-t mangle -nL", 0,
        "Chain PREROUTING (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "\n"
        "Chain INPUT (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "\n"
        "Chain FORWARD (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "\n"
        "Chain OUTPUT (policy ACCEPT)\n"
        "target     prot opt source               destination         \n"
        "\n"
        "Chain POSTROUTING (policy ACCEPT)\n"
        "target     prot opt source               destination         \n",
        "",
    },
    {
        "-t security -S", 0,
        "-P INPUT ACCEPT\n"
        "-P FORWARD ACCEPT\n"
        "-P OUTPUT ACCEPT\n",
        "",
    },
    {
        "-L INPUT 12 -n -v -x --line-numbers", 0,
        "12          0        0 ACCEPT     17   --  *      *       0.0.0.0/0            172.18.0.3           udp spt:53 dpt:31000\n",
        "",
    },
    {
        "-S KUBE-X 4", 0,
        "-A KUBE-X -j MARK --set-xmark 0x4000/0x0\n",
        "",
    },
};

static void
run(const KnProxyIrRuleset *const *layers, guint n_layers, const char *args, GString *out,
    GString *err, int *status)
{
    g_autofree char *line = g_strconcat("iptables ", args, NULL);
    g_auto(GStrv) argv = g_strsplit(line, " ", -1);

    *status = kn_proxy_ir_iptables(layers, n_layers, (const char *const *) argv, host_name, NULL,
                                   out, err);
}

static void
test_proxy_ir_list_prints_as_the_real_iptables(void **state)
{
    (void) state;
    g_autoptr(KnProxyIrRuleset) ruleset = every_form();
    const KnProxyIrRuleset *layers[] = { ruleset };

    for (guint i = 0; i < G_N_ELEMENTS(real_cases); i++) {
        const Case *c = &real_cases[i];
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GString) err = g_string_new(NULL);
        int status;

        run(layers, 1, c->args, out, err, &status);
        if (strcmp(out->str, c->out) != 0 || strcmp(err->str, c->err) != 0 || status != c->status)
            print_message("iptables %s: exit %d\n%s%s", c->args, status, out->str, err->str);
        assert_string_equal(out->str, c->out);
        assert_string_equal(err->str, c->err);
        assert_int_equal(status, c->status);
    }
}

/* The commands that change rules are refused, naming the flag as given,
 * whatever comes after it. */
static void
test_proxy_ir_list_refuses_changes(void **state)
{
    (void) state;
    g_autoptr(KnProxyIrRuleset) ruleset = every_form();
    const KnProxyIrRuleset *layers[] = { ruleset };
    static const struct { const char *args, *err; } cases[] = {
        { "-A INPUT -j ACCEPT", "knetsim: iptables -A is not simulated\n" },
        { "-t nat -I PREROUTING 1 -j ACCEPT", "knetsim: iptables -I is not simulated\n" },
        { "-nvZ", "knetsim: iptables -Z is not simulated\n" },
        { "--flush KUBE-X", "knetsim: iptables --flush is not simulated\n" },
        { "-L -X", "knetsim: iptables -X is not simulated\n" },
        { "-N KUBE-NEW", "knetsim: iptables -N is not simulated\n" },
        { "-P FORWARD DROP", "knetsim: iptables -P is not simulated\n" },
        { "-D INPUT 1", "knetsim: iptables -D is not simulated\n" },
        { "-R INPUT 1 -j DROP", "knetsim: iptables -R is not simulated\n" },
        { "-F", "knetsim: iptables -F is not simulated\n" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GString) err = g_string_new(NULL);
        int status;

        run(layers, 1, cases[i].args, out, err, &status);
        assert_string_equal(out->str, "");
        assert_string_equal(err->str, cases[i].err);
        assert_int_equal(status, 126);
    }
}

/* Two programs' rules in one kernel: a built-in chain lists the first
 * layer's rules, then the next's; a user chain counts the references
 * from every layer; -S lists each chain once. */
static void
test_proxy_ir_list_joins_layers(void **state)
{
    (void) state;
    g_autoptr(KnProxyIrRuleset) first = kn_proxy_ir_ruleset_new();
    g_autoptr(KnProxyIrRuleset) second = kn_proxy_ir_ruleset_new();
    const KnProxyIrRuleset *layers[] = { first, second };
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    KnProxyIrRule r;
    int status;

    memset(&r, 0, sizeof r);
    r.target = KN_PROXY_IR_TARGET_JUMP;
    r.jump = kn_proxy_ir_chain(second, KN_PROXY_IR_FILTER, "KUBE-B");
    add(second, KN_PROXY_IR_FILTER, "INPUT", &r);
    r.jump = kn_proxy_ir_chain(first, KN_PROXY_IR_FILTER, "KUBE-B");
    add(first, KN_PROXY_IR_FILTER, "INPUT", &r);
    memset(&r, 0, sizeof r);
    r.target = KN_PROXY_IR_TARGET_ACCEPT;
    add(first, KN_PROXY_IR_FILTER, "KUBE-B", &r);

    run(layers, 2, "-L -n", out, err, &status);
    assert_int_equal(status, 0);
    assert_string_equal(out->str,
                        "Chain INPUT (policy ACCEPT)\n"
                        "target     prot opt source               destination         \n"
                        "KUBE-B     0    --  0.0.0.0/0            0.0.0.0/0           \n"
                        "KUBE-B     0    --  0.0.0.0/0            0.0.0.0/0           \n"
                        "\n"
                        "Chain FORWARD (policy ACCEPT)\n"
                        "target     prot opt source               destination         \n"
                        "\n"
                        "Chain OUTPUT (policy ACCEPT)\n"
                        "target     prot opt source               destination         \n"
                        "\n"
                        "Chain KUBE-B (2 references)\n"
                        "target     prot opt source               destination         \n"
                        "ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0           \n");
    g_string_truncate(out, 0);
    run(layers, 2, "-S", out, err, &status);
    assert_string_equal(out->str,
                        "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N KUBE-B\n"
                        "-A INPUT -j KUBE-B\n-A INPUT -j KUBE-B\n-A KUBE-B -j ACCEPT\n");
    assert_string_equal(err->str, "");
}

/* With -x the counter header is two wider than the counters under it, as
 * in the real tool, and a built-in chain with no rules lists only its
 * header. */
static void
test_proxy_ir_list_counter_columns(void **state)
{
    (void) state;
    g_autoptr(KnProxyIrRuleset) ruleset = kn_proxy_ir_ruleset_new();
    const KnProxyIrRuleset *layers[] = { ruleset };
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) err = g_string_new(NULL);
    int status;

    run(layers, 1, "-t nat -vxL POSTROUTING --line-numbers", out, err, &status);
    assert_int_equal(status, 0);
    assert_string_equal(out->str,
                        "Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)\n"
                        "num      pkts      bytes target     prot opt in     out     source               destination         \n");
}

/* netbase's answers, as getservbyport() and getnetbyaddr() give them on
 * Debian 12: the first name per port and protocol, which may differ
 * between TCP and UDP; SCTP has few; network names match exactly. */
static void
test_proxy_ir_list_netbase_names(void **state)
{
    (void) state;
    KnAddr addr;

    assert_string_equal(kn_netbase_service(21, KN_NETBASE_TCP), "ftp");
    assert_string_equal(kn_netbase_service(21, KN_NETBASE_UDP), "fsp");
    assert_string_equal(kn_netbase_service(53, KN_NETBASE_UDP), "domain");
    assert_string_equal(kn_netbase_service(8080, KN_NETBASE_TCP), "http-alt");
    assert_string_equal(kn_netbase_service(5672, KN_NETBASE_SCTP), "amqp");
    assert_null(kn_netbase_service(80, KN_NETBASE_SCTP));
    assert_null(kn_netbase_service(6443, KN_NETBASE_TCP));
    assert_null(kn_netbase_service(31000, KN_NETBASE_UDP));
    assert_true(kn_addr_parse("127.0.0.0", &addr));
    assert_string_equal(kn_netbase_network(&addr), "loopback");
    assert_true(kn_addr_parse("127.0.0.1", &addr));
    assert_null(kn_netbase_network(&addr));
    assert_string_equal(kn_netbase_protocol(132), "sctp");
    assert_string_equal(kn_netbase_protocol(0), "all");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proxy_ir_list_prints_as_the_real_iptables),
        cmocka_unit_test(test_proxy_ir_list_refuses_changes),
        cmocka_unit_test(test_proxy_ir_list_joins_layers),
        cmocka_unit_test(test_proxy_ir_list_counter_columns),
        cmocka_unit_test(test_proxy_ir_list_netbase_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
