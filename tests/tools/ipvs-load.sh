#!/bin/sh
# ipvs-load.sh -- the real ipset and iptables-restore accept what `knetsim
# rules --mode ipvs` prints for kube-proxy's IPVS mode: for every scenario
# of scenarios/automake.mk (and tests/data/iptables-*.yaml, which have
# affinity, external IPs, NodePorts, LoadBalancer source ranges, traffic
# policies) and every node of it, inside a network namespace made for the
# test, `ipset restore` takes the `ipset save` part and `iptables-restore`
# the iptables-save part (its -m set rules need the sets), and both tools
# list them back unchanged (the sets' members compared sorted: the kernel
# lists a hash set in its own order).  The `ipvsadm -Ln` part needs the
# kernel's IPVS, which a test namespace may not have; test_proxy_ipvs
# checks it against ipvsadm's format.
# Exit 77 (SKIP) when not root: ip netns needs CAP_SYS_ADMIN.
set -u
srcdir=${KNETSIM_SRCDIR:?run through make check}
knetsim=${KNETSIM:?run through make check}

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: not root: 'ip netns add', ipset and iptables-restore need root (CI runs this as root)"
    exit 77
fi
for tool in ip ipset iptables-restore iptables-save; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "FAIL: $tool is missing: install ipset, iptables and iproute2 (.ci/run does)"
        exit 1
    fi
done

cd "$srcdir" || exit 99
ns=knetsim-ipvs-$$
work=$(mktemp -d) || exit 99
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$work"' EXIT

# The part of a `knetsim rules --mode ipvs` dump after the line "# $2".
part() {
    awk -v want="# $2" '/^# (ipvsadm|ipset|iptables-save)/ { on = ($0 == want); next } on' "$1"
}

status=0
n=0
for scenario in $(sed -n 's/^\t\(scenarios\/[^ ]*\.yaml\).*/\1/p' scenarios/automake.mk) tests/data/iptables-*.yaml; do
    nodes=$("$knetsim" rules "$scenario" --mode ipvs --node ' ' 2>&1 |
            sed -n 's/.*(its nodes: \(.*\))$/\1/p' | tr -d ',')
    if [ -z "$nodes" ]; then
        echo "FAIL: $scenario: cannot list its nodes"
        status=1
        continue
    fi
    for node in $nodes; do
        if ! "$knetsim" rules "$scenario" --mode ipvs --node "$node" > "$work/dump" 2> "$work/err"; then
            echo "FAIL: $scenario --node $node: knetsim rules --mode ipvs failed:"
            cat "$work/err"
            status=1
            continue
        fi
        part "$work/dump" "ipset save" > "$work/sets"
        part "$work/dump" "iptables-save" > "$work/rules"
        if ! grep -q '^IP Virtual Server version' "$work/dump" || ! [ -s "$work/sets" ] || ! [ -s "$work/rules" ]; then
            echo "FAIL: $scenario --node $node: the dump lacks one of its three parts"
            status=1
            continue
        fi
        ip netns del "$ns" 2>/dev/null
        if ! ip netns add "$ns"; then
            echo "FAIL: ip netns add $ns failed"
            exit 1
        fi
        if ! ip netns exec "$ns" ipset restore < "$work/sets" 2> "$work/err"; then
            echo "FAIL: $scenario --node $node: ipset restore refused the sets:"
            head -n 20 "$work/err"
            status=1
            continue
        fi
        if ! ip netns exec "$ns" iptables-restore < "$work/rules" 2> "$work/err"; then
            echo "FAIL: $scenario --node $node: iptables-restore refused the rules:"
            head -n 20 "$work/err"
            status=1
            continue
        fi
        # initval is drawn by the kernel: compare the sets without it.
        ip netns exec "$ns" ipset save | sed 's/ initval 0x[0-9a-f]*//' | sort > "$work/sets-got"
        sed 's/ initval 0x[0-9a-f]*//' "$work/sets" | sort > "$work/sets-want"
        ip netns exec "$ns" iptables-save | grep -v '^#' > "$work/rules-got"
        grep -v '^#' "$work/rules" > "$work/rules-want"
        if ! cmp -s "$work/sets-want" "$work/sets-got"; then
            echo "FAIL: $scenario --node $node: ipset saves the sets differently:"
            diff -u "$work/sets-want" "$work/sets-got" | head -n 40
            status=1
        elif ! cmp -s "$work/rules-want" "$work/rules-got"; then
            echo "FAIL: $scenario --node $node: iptables-save prints the rules differently:"
            diff -u "$work/rules-want" "$work/rules-got" | head -n 40
            status=1
        else
            n=$((n + 1))
        fi
    done
done
ip netns del "$ns" 2>/dev/null
[ $status -eq 0 ] && echo "PASS: $n IPVS-mode rulesets (scenario x node): ipset restore and iptables-restore load them and list them back unchanged"
exit $status
