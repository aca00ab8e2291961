#!/bin/sh
# nft-load.sh -- the real nft accepts what `knetsim rules --mode nftables`
# prints: for every scenario of scenarios/automake.mk (and
# tests/data/iptables-*.yaml, which have the features of the reference's
# worked examples: affinity, external IPs, NodePorts, LoadBalancer source
# ranges, traffic policies) and every node of it, the `nft list table`
# text loads unchanged with `nft -f` inside a network namespace made for the
# test, and `nft list table ip kube-proxy` prints it back the same: the
# listing knetsim reproduces (line breaks, priorities, merged intervals,
# the kernel's size on affinity sets), but for the order of a map's
# elements, which is the kernel's hash table's (a random seed per set):
# knetsim sorts them, and both sides are compared sorted.
# Exit 77 (SKIP) when not root: ip netns needs CAP_SYS_ADMIN.
set -u
srcdir=${KNETSIM_SRCDIR:?run through make check}
knetsim=${KNETSIM:?run through make check}

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: not root: 'ip netns add' and nft need root (CI runs this as root)"
    exit 77
fi
for tool in ip nft; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "FAIL: $tool is missing: install nftables and iproute2 (.ci/run does)"
        exit 1
    fi
done

# A listing with each elements list on one line, its elements sorted.
sorted_elements() {
    awk '
        function emit(line,   head, body, n, i, j, v, parts, out) {
            head = line; sub(/\{ .*/, "", head)
            body = line; sub(/^[^{]*\{ /, "", body); sub(/ }$/, "", body)
            n = split(body, parts, /, /)
            for (i = 2; i <= n; i++) {          # insertion sort: lists are short
                v = parts[i]; j = i - 1
                while (j > 0 && parts[j] > v) { parts[j + 1] = parts[j]; j-- }
                parts[j + 1] = v
            }
            out = parts[1]
            for (i = 2; i <= n; i++) out = out ", " parts[i]
            print head "{ " out " }"
        }
        joining { sub(/^[ \t]+/, ""); buf = buf " " $0; if (buf ~ / }$/) { emit(buf); joining = 0 }; next }
        /elements = \{ / { buf = $0; if (buf ~ / }$/) emit(buf); else joining = 1; next }
        { print }
    ' "$1"
}

cd "$srcdir" || exit 99
ns=knetsim-nft-$$
work=$(mktemp -d) || exit 99
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$work"' EXIT

status=0
n=0
for scenario in $(sed -n 's/^\t\(scenarios\/[^ ]*\.yaml\).*/\1/p' scenarios/automake.mk) tests/data/iptables-*.yaml; do
    nodes=$("$knetsim" rules "$scenario" --mode nftables --node ' ' 2>&1 |
            sed -n 's/.*(its nodes: \(.*\))$/\1/p' | tr -d ',')
    if [ -z "$nodes" ]; then
        echo "FAIL: $scenario: cannot list its nodes"
        status=1
        continue
    fi
    for node in $nodes; do
        rules="$work/rules"
        if ! "$knetsim" rules "$scenario" --mode nftables --node "$node" > "$rules" 2> "$work/err"; then
            echo "FAIL: $scenario --node $node: knetsim rules --mode nftables failed:"
            cat "$work/err"
            status=1
            continue
        fi
        ip netns del "$ns" 2>/dev/null
        if ! ip netns add "$ns"; then
            echo "FAIL: ip netns add $ns failed"
            exit 1
        fi
        if ! ip netns exec "$ns" nft -f "$rules" 2> "$work/err"; then
            echo "FAIL: $scenario --node $node: nft -f refused the rules:"
            head -n 20 "$work/err"
            status=1
            continue
        fi
        ip netns exec "$ns" nft list table ip kube-proxy > "$work/listed"
        sorted_elements "$rules" > "$work/want"
        sorted_elements "$work/listed" > "$work/got"
        if cmp -s "$work/want" "$work/got"; then
            n=$((n + 1))
        else
            echo "FAIL: $scenario --node $node: nft lists the table differently:"
            diff -u "$work/want" "$work/got" | head -n 40
            status=1
        fi
    done
done
ip netns del "$ns" 2>/dev/null
[ $status -eq 0 ] && echo "PASS: $n tables (scenario x node) load with nft -f and list back unchanged"
exit $status
