#!/bin/sh
# iptables-list.sh -- `iptables -L` and `-S` on a node print what the real
# iptables prints for the same rules: for every scenario of
# scenarios/automake.mk and tests/data/iptables-*.yaml, on its first and
# last node, the iptables-save text of `knetsim rules` is loaded with the
# real iptables-restore into a network namespace made for the test, and
# each listing below is run both by the real iptables there and by
# `knetsim rules --iptables ARGS`; standard output, standard error and the
# exit status must be the same, byte for byte.  The listings cover every
# table, -n or names, -v, -x, --line-numbers, one chain, one rule, -S, and
# the errors (unknown chain, table and option).
#
# Without -n iptables names addresses through the namespace's /etc/hosts,
# which `ip netns exec` takes from /etc/netns/NAME/: the test writes there
# what a kind node's says (localhost, and the node's own name for its
# address, known here only for a control-plane node, as the apiserver
# endpoint (port 6443) of default/kubernetes) and an unreachable resolver, so no query
# leaves; /etc/networks and /etc/services are the system's (netbase, as on
# the node).
# Exit 77 (SKIP) when not root or when the namespace cannot be made.
set -u
srcdir=${KNETSIM_SRCDIR:?run through make check}
knetsim=${KNETSIM:?run through make check}

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: not root: 'ip netns add' and iptables-restore need root (CI runs this as root)"
    exit 77
fi
for tool in ip iptables iptables-restore; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "FAIL: $tool is missing: install iptables and iproute2 (.ci/run does)"
        exit 1
    fi
done
case $(iptables --version) in
*v1.8.9*nf_tables*) ;;
*)
    echo "SKIP: knetsim models iptables v1.8.9 (nf_tables); this is $(iptables --version)"
    exit 77
    ;;
esac

cd "$srcdir" || exit 99
ns=knetsim-list-$$
work=$(mktemp -d) || exit 99
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$work" "/etc/netns/$ns"' EXIT
if ! ip netns add "$ns" 2>"$work/err"; then
    echo "SKIP: cannot make a network namespace: $(cat "$work/err")"
    exit 77
fi
ip netns del "$ns"

# The listings, one per line.
cat > "$work/listings" <<'EOF'
-L -n
-L
-L -n -v --line-numbers
-nvL
-vxL
-S
-v -S
-t nat -L -n
-t nat -L
-t nat -L -n -v -x --line-numbers
-t nat -S
-t nat -vnL
-t raw -L -n
-t raw -L -v
-t raw -S
-t mangle -L
-t mangle -S
-t security -nL
-L KUBE-FORWARD
-L FORWARD -v
-S KUBE-FORWARD
-S INPUT 2
-v -S OUTPUT 1
-t nat -L KUBE-SERVICES -n
-t nat -L KUBE-SERVICES 1 -n --line-numbers
-t nat -L KUBE-POSTROUTING -nv
-t nat -S KUBE-MARK-MASQ
-t nat -L KUBE-SERVICES 999
-L NOPE
-t nat -S NOPE
-t nosuch -L
-L -q
-t
-L INPUT 0
-S -x
-L -S
-Ln
-L INPUT x
EOF

status=0
n=0
for scenario in $(sed -n 's/^\t\(scenarios\/[^ ]*\.yaml\).*/\1/p' scenarios/automake.mk) tests/data/iptables-*.yaml; do
    # The node list, from the message for a node that does not exist.
    nodes=$("$knetsim" rules "$scenario" --mode iptables --node ' ' 2>&1 |
            sed -n 's/.*(its nodes: \(.*\))$/\1/p' | tr -d ',')
    if [ -z "$nodes" ]; then
        echo "FAIL: $scenario: cannot list its nodes"
        status=1
        continue
    fi
    first=${nodes%% *}
    last=${nodes##* }
    for node in $(echo "$first $last" | tr ' ' '\n' | sort -u); do
        rules="$work/rules"
        if ! "$knetsim" rules "$scenario" --mode iptables --node "$node" > "$rules" 2> "$work/err"; then
            echo "FAIL: $scenario --node $node: knetsim rules failed:"
            cat "$work/err"
            status=1
            continue
        fi
        mkdir -p "/etc/netns/$ns" || exit 99
        {
            printf '127.0.0.1\tlocalhost\n'
            if [ "$node" = "$first" ]; then
                sed -n "s|.* -j DNAT --to-destination \([0-9.]*\):6443\$|\1\t$node|p" "$rules" | head -n 1
            fi
        } > "/etc/netns/$ns/hosts"
        printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "/etc/netns/$ns/resolv.conf"
        ip netns del "$ns" 2>/dev/null
        if ! ip netns add "$ns"; then
            echo "FAIL: ip netns add $ns failed"
            exit 1
        fi
        if ! ip netns exec "$ns" iptables-restore < "$rules" 2> "$work/err"; then
            echo "FAIL: $scenario --node $node: iptables-restore refused the rules:"
            cat "$work/err"
            status=1
            continue
        fi
        while IFS= read -r args; do
            # shellcheck disable=SC2086 # the listing's words
            ip netns exec "$ns" iptables $args > "$work/real.out" 2> "$work/real.err"
            real=$?
            "$knetsim" rules "$scenario" --mode iptables --node "$node" --iptables "$args" \
                > "$work/sim.out" 2> "$work/sim.err"
            sim=$?
            if [ "$real" -ne "$sim" ] || ! cmp -s "$work/real.out" "$work/sim.out" ||
               ! cmp -s "$work/real.err" "$work/sim.err"; then
                echo "FAIL: $scenario --node $node: iptables $args: exit $sim, real $real:"
                diff -u "$work/real.out" "$work/sim.out" | head -n 20
                diff -u "$work/real.err" "$work/sim.err" | head -n 10
                status=1
            else
                n=$((n + 1))
            fi
        done < "$work/listings"
    done
done
ip netns del "$ns" 2>/dev/null
[ $status -eq 0 ] && echo "PASS: $n listings (scenario x node x command) print as the real iptables prints them"
exit $status
