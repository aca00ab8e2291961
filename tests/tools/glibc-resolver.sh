#!/bin/sh
# glibc-resolver.sh -- knetsim's glibc resolver sends the queries the real
# one sends (issue 5 item 8).  For several names (short, with dots, with a
# trailing dot, outside the cluster, unknown) and ndots 1, 2 and 5, the
# real glibc resolves the name with `getent ahosts NAME` in a private mount
# namespace (`unshare -m`) whose /etc/resolv.conf is a generated one
# (bind-mounted over it) pointing at a dnsmasq on 127.0.0.2 that logs each
# query; the logged sequence of (name, type) must be what
# tests/resolver_sequence prints for the same file and name.  dnsmasq
# answers a small zone (--host-record) and NXDOMAIN for the rest
# (--address=/#/), as CoreDNS does for the search suffixes.
# Exit 77 (SKIP) when not root or when unshare or dnsmasq cannot run.
set -u
builddir=${KNETSIM_BUILDDIR:?run through make check}
sequence=$builddir/tests/resolver_sequence
server=127.0.0.2

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: not root: unshare -m, mount --bind and dnsmasq on port 53 need root"
    exit 77
fi
for tool in unshare mount getent; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing"; exit 77; }
done
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$dnsmasq" ] || { echo "SKIP: dnsmasq is missing (.ci/run installs dnsmasq-base)"; exit 77; }
unshare -m true 2>/dev/null || { echo "SKIP: unshare -m is not permitted here"; exit 77; }

work=$(mktemp -d) || exit 99
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

zone="web.app.svc.cluster.local=10.96.0.12 web.svc.cluster.local=10.96.0.13 api.github.com=140.82.112.6"
records=
for r in $zone; do
    records="$records --host-record=${r%%=*},${r#*=}"
done
# shellcheck disable=SC2086
"$dnsmasq" --keep-in-foreground --listen-address=$server --bind-interfaces --port=53 \
    --no-hosts --no-resolv --user=root --log-queries --log-facility="$work/dnsmasq.log" \
    --pid-file="$work/dnsmasq.pid" --address=/#/ $records &
pid=$!
i=0
while ! grep -q 'started' "$work/dnsmasq.log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 50 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "SKIP: dnsmasq did not start on $server:53"
        cat "$work/dnsmasq.log" 2>/dev/null
        pid=
        exit 77
    fi
    sleep 0.1
done

# The queries dnsmasq logged since line $1, as "NAME TYPE".
logged() {
    tail -n +"$1" "$work/dnsmasq.log" | sed -n 's/.*query\[\([A-Z]*\)\] \([^ ]*\) from .*/\2 \1/p'
}

failed=0
checked=0
for ndots in 1 2 5; do
    conf=$work/resolv-$ndots.conf
    printf 'search app.svc.cluster.local svc.cluster.local cluster.local\nnameserver %s\noptions ndots:%s\n' \
        $server "$ndots" > "$conf"
    for name in web web.app api.github.com api.github.com. nothere a.b.c.d.e.f; do
        start=$(($(wc -l < "$work/dnsmasq.log") + 1))
        unshare -m sh -c "mount --bind '$conf' /etc/resolv.conf && getent ahosts '$name'" \
            > "$work/getent.out" 2>&1
        # dnsmasq logs asynchronously; give it a moment.
        sleep 0.05
        logged "$start" > "$work/real"
        # getaddrinfo's AI_ADDRCONFIG asks for AAAA only where the host
        # has an IPv6 address; follow what the real one did.
        families=A
        grep -q ' AAAA$' "$work/real" && families=A+AAAA
        # shellcheck disable=SC2086
        "$sequence" glibc "$conf" "$name" $families $zone > "$work/sim" || exit 99
        checked=$((checked + 1))
        if ! cmp -s "$work/real" "$work/sim"; then
            echo "FAIL: ndots:$ndots '$name': glibc sent (left), knetsim sent (right):"
            diff "$work/real" "$work/sim" | sed 's/^/    /'
            failed=$((failed + 1))
        fi
    done
done
if [ $failed -ne 0 ]; then
    echo "$failed of $checked lookups differ"
    exit 1
fi
echo "PASS: $checked lookups, the same queries in the same order as glibc $(getconf GNU_LIBC_VERSION 2>/dev/null)"
exit 0
