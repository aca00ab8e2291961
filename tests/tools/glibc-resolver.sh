#!/bin/sh
# glibc-resolver.sh -- knetsim's glibc resolver sends the queries the real
# one sends (issue 5 item 8).  For each case (a resolv.conf, a getent
# database, a name) the real glibc resolves the name with `getent ahosts`,
# `ahostsv4` or `hosts` under a generated /etc/resolv.conf (bind-mounted
# over the real one), against dnsmasq instances that log each query; the
# logged sequence of (nameserver, name, type) and the lookup's whole
# seconds must be what `tests/resolver_sequence --servers --elapsed`
# prints for the same file and name.
#
# Everything runs in a private network and mount namespace (`unshare
# -mn`), so other dnsmasq instances on the machine do not matter: lo
# carries 192.0.2.1 and 2001:db8::1 besides the loopback addresses, so
# that getaddrinfo's AI_ADDRCONFIG asks for both families.  The servers:
#   127.0.0.2  a small zone (--host-record), NXDOMAIN for the rest
#              (--address=/#/) as CoreDNS answers the search suffixes,
#              REFUSED under ref.test (--server=/ref.test/#, no upstream)
#              and SERVFAIL under sf.test (forwarded to a validating
#              dnsmasq whose upstream is unsigned: BOGUS, so SERVFAIL);
#   127.0.0.3  the same zone, its replies dropped by iptables (the
#              timeout cases; skipped without iptables);
#   127.0.0.5  REFUSED for everything (no upstream);
#   127.0.0.6  SERVFAIL for everything (the validator again);
#   127.0.0.7  the zone again, for `options rotate`;
#   127.0.0.9  nothing listening: ICMP port unreachable.
# All of them log to one file, so the order across servers is the order
# the queries arrived in; dnsmasq's pid in each line names the server.
# Queries to 127.0.0.9 cannot be seen and are left out of knetsim's side;
# with rotate, where glibc starts at a random server, only the names are
# compared.
# Exit 77 (SKIP) when not root or when unshare or dnsmasq cannot run.
set -u
builddir=${KNETSIM_BUILDDIR:?run through make check}
sequence=$builddir/tests/resolver_sequence

if [ -z "${GLIBC_RESOLVER_INNER:-}" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "SKIP: not root: unshare -mn, mount --bind and dnsmasq on port 53 need root"
        exit 77
    fi
    for tool in unshare mount getent ip; do
        command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing"; exit 77; }
    done
    unshare -mn true 2>/dev/null || { echo "SKIP: unshare -mn is not permitted here"; exit 77; }
    GLIBC_RESOLVER_INNER=1 exec unshare -mn sh "$0" "$@"
fi

dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$dnsmasq" ] || { echo "SKIP: dnsmasq is missing (.ci/run installs dnsmasq-base)"; exit 77; }
ip link set lo up && ip addr add 192.0.2.1/32 dev lo && ip -6 addr add 2001:db8::1/128 dev lo \
    || { echo "SKIP: cannot set up lo in a private network namespace"; exit 77; }

work=$(mktemp -d) || exit 99
trap 'for p in "$work"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done; rm -rf "$work"' EXIT
log=$work/queries.log

zone="web.app.svc.cluster.local=10.96.0.12 web.svc.cluster.local=10.96.0.13 api.github.com=140.82.112.6"
records=
for r in $zone; do
    records="$records --host-record=${r%%=*},${r#*=}"
done
# What knetsim's fake servers do, for each server above.
rules="@127.0.0.3=drop @127.0.0.5=REFUSED @127.0.0.6=SERVFAIL @127.0.0.9=down ref.test=REFUSED sf.test=SERVFAIL"
anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D

# start ADDRESS NAME LOGFILE DNSMASQ-OPTION...
start() {
    address=$1 name=$2 file=$3
    shift 3
    # --no-daemon: debug mode, which also answers TCP without forking,
    # so the pid in the log still names the server.
    "$dnsmasq" --no-daemon --listen-address="$address" --bind-interfaces --port=53 \
        --no-hosts --no-resolv --user=root --log-queries --log-facility="$file" \
        "$@" 2>/dev/null &
    echo $! > "$work/$name.pid"
    i=0
    until grep -q "dnsmasq\[$(cat "$work/$name.pid")\]: started" "$file" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 50 ]; then
            echo "SKIP: dnsmasq did not start on $address:53"
            cat "$file" 2>/dev/null
            exit 77
        fi
        sleep 0.05
    done
    echo "$(cat "$work/$name.pid") $address" >> "$work/servers"
}
# shellcheck disable=SC2086
start 127.0.0.4 quiet "$work/other.log" --address=/#/
servfail=no
if "$dnsmasq" --version | grep -q ' DNSSEC'; then
    start 127.0.0.8 validator "$work/other.log" --dnssec --trust-anchor=$anchor \
        --dnssec-check-unsigned --server=127.0.0.4
    start 127.0.0.6 servfail "$log" --dnssec --trust-anchor=$anchor --dnssec-check-unsigned \
        --server=127.0.0.4
    servfail=yes
fi
# shellcheck disable=SC2086
start 127.0.0.2 main "$log" --address=/#/ $records --server=/ref.test/# --server=/sf.test/127.0.0.8
# shellcheck disable=SC2086
start 127.0.0.7 main2 "$log" --address=/#/ $records
start 127.0.0.5 refused "$log"
drop=no
if command -v iptables >/dev/null 2>&1 \
    && iptables -A OUTPUT -s 127.0.0.3 -p udp --sport 53 -j DROP 2>/dev/null \
    && iptables -A OUTPUT -s 127.0.0.3 -p tcp --sport 53 -j DROP 2>/dev/null; then
    # shellcheck disable=SC2086
    start 127.0.0.3 drop "$log" --address=/#/ $records
    drop=yes
fi

# The queries logged since line $1, as "SERVER NAME TYPE".
logged() {
    tail -n +"$1" "$log" | sed -n 's/.*dnsmasq\[\([0-9]*\)\]: query\[\([A-Z]*\)\] \([^ ]*\) from .*/\1 \3 \2/p' |
        while read -r qpid qname qtype; do
            echo "$(sed -n "s/^$qpid //p" "$work/servers") $qname $qtype"
        done
}

failed=0
checked=0
conf=$work/resolv.conf
# use TEXT: the resolv.conf of the cases that follow (printf format).
use() {
    # shellcheck disable=SC2059
    printf "$1" > "$conf"
}
# check DATABASE NAME [names]: one lookup, compared.
check() {
    database=$1 name=$2 mode=${3:-servers}
    from=$(($(wc -l < "$log") + 1))
    t0=$(date +%s%N)
    unshare -m sh -c "mount --bind '$conf' /etc/resolv.conf && getent $database '$name'" \
        > "$work/getent.out" 2>&1
    t1=$(date +%s%N)
    # dnsmasq logs asynchronously; give it a moment.
    sleep 0.03
    logged "$from" > "$work/real"
    echo "elapsed $(((t1 - t0) / 1000000000))" >> "$work/real"
    case $database in
    ahostsv4) families=A ;;
    hosts) families=AAAA,A ;;
    *)
        # AI_ADDRCONFIG: AAAA only where the host has an IPv6 address;
        # follow what the real one did.
        families=A
        grep -q ' AAAA$' "$work/real" && families=A+AAAA ;;
    esac
    # shellcheck disable=SC2086
    "$sequence" --servers --elapsed glibc "$conf" "$name" $families $zone $rules \
        > "$work/sim.all" || exit 99
    grep -v '^127\.0\.0\.9 ' "$work/sim.all" > "$work/sim"
    if [ "$mode" = names ]; then
        sed -i 's/^127[^ ]* //' "$work/real" "$work/sim"
    fi
    checked=$((checked + 1))
    if ! cmp -s "$work/real" "$work/sim"; then
        echo "FAIL: getent $database '$name' with"
        sed 's/^/    | /' "$conf"
        echo "  glibc sent (left), knetsim sent (right):"
        diff "$work/real" "$work/sim" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

names="web web.app api.github.com api.github.com. nothere a.b.c.d.e.f"
search='search app.svc.cluster.local svc.cluster.local cluster.local\n'
cluster="${search}nameserver 127.0.0.2\n"

# ndots: the usual ones, 0, and glibc's cap of 15 (16 and 20 read as 15).
for ndots in 1 2 5; do
    use "${cluster}options ndots:$ndots\n"
    for name in $names; do
        check ahosts "$name"
    done
done
use "${cluster}options ndots:0\n"
check ahosts web
check ahosts web.app
for ndots in 15 16 20; do
    use "${cluster}options ndots:$ndots\n"
    check ahosts a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p
    check ahosts a.b.c.d.e.f.g.h.i.j.k.l.m.n.o
done

# Search lists: long ones (past 6 entries and 256 characters: glibc 2.26+
# has no limit), duplicates, `domain` against `search` (the last wins),
# comments, odd whitespace, unknown and misspelt options.
l63=$(printf '%063d' 0 | tr 0 a)
use "search s1 s2 s3 s4 s5 s6 s7 s8 $l63.x $l63.y $l63.z\nnameserver 127.0.0.2\n"
check ahosts web
use "search a b a b\nnameserver 127.0.0.2\n"
check ahosts web
use "search a b\ndomain c\nnameserver 127.0.0.2\n"
check ahosts web
use "domain c\nsearch a b\nnameserver 127.0.0.2\n"
check ahosts web
use "# comment\n; comment\n  search x y\nsearch\tp  q\t\nnameserver 127.0.0.2 # no\noptions\tndots:2 bogus ndots rotat\n"
check ahosts a.b
check ahosts a

# Names: empty labels, a leading '-' and other non-host names go nowhere
# (res_hnok); inet_aton's numbers are addresses; a 253-character name;
# a search domain that makes a candidate pass 255 octets ends the search.
use "${cluster}options ndots:1\n"
for name in web..app .web web.. web.app.. -web 'a*b' we_b . WEB.App localhost localhost. \
    1 1.2.3 0x7f.1 010.1.1.1 1.2.3.256 08.1.1.1 1.2.3.4. ::1 ::1.; do
    check ahosts "$name"
done
check ahosts "$l63.$l63.$l63.$(printf '%061d' 0 | tr 0 c)"
check ahosts "x$l63"
use "${cluster}options ndots:5\n"
check ahosts "$l63.$l63.$l63.$(printf '%048d' 0 | tr 0 d)"
use "search s1 $l63.$l63.$l63.$(printf '%058d' 0 | tr 0 g) s2\nnameserver 127.0.0.2\n"
check ahosts web
use "search s1 bad..dom s2\nnameserver 127.0.0.2\n"
check ahosts web

# getaddrinfo(AF_INET), and gethostbyname2: the AAAA walk, then the A walk.
use "$cluster"
check ahostsv4 web
check ahostsv4 nothere
check ahostsv4 ::1
check hosts web
check hosts nothere
check hosts web.app
check hosts localhost.

# Options that change the queries.
for options in no-aaaa single-request single-request-reopen edns0 trust-ad use-vc; do
    use "${cluster}options $options\n"
    check ahosts web
    check ahosts nothere
done
use "${cluster}options no-aaaa\n"
check hosts web
check hosts nothere
use "${search}nameserver 127.0.0.2\nnameserver 127.0.0.7\noptions rotate\n"
check ahosts nothere names
check ahosts web names

# REFUSED ends the search list (the name as is still follows); SERVFAIL
# goes on to the next domain; both move to the next server first.
use "search ref.test app.svc.cluster.local\nnameserver 127.0.0.2\n"
check ahosts web
use "search ref.test app.svc.cluster.local\nnameserver 127.0.0.2\noptions attempts:1\n"
check hosts web
use "search a\nnameserver 127.0.0.5\nnameserver 127.0.0.2\n"
check ahosts nothere
use "search a\nnameserver 127.0.0.5\n"
check ahosts nothere
if [ $servfail = yes ]; then
    use "search sf.test app.svc.cluster.local\nnameserver 127.0.0.2\n"
    check ahosts web
    use "search a\nnameserver 127.0.0.6\nnameserver 127.0.0.2\noptions attempts:1\n"
    check ahosts nothere
fi
# Nothing listening on the first: ICMP, the next at once (UDP and TCP).
use "search a\nnameserver 127.0.0.9\nnameserver 127.0.0.2\n"
check ahosts nothere
use "search a\nnameserver 127.0.0.9\nnameserver 127.0.0.2\noptions use-vc\n"
check ahosts nothere

# A first server that never answers: `timeout` per try, then the next.
if [ $drop = yes ]; then
    use "search a\nnameserver 127.0.0.3\nnameserver 127.0.0.2\noptions timeout:1 attempts:1\n"
    check ahosts web.app.svc.cluster.local
    check ahosts nothere
    use "search a\nnameserver 127.0.0.3\nnameserver 127.0.0.2\noptions timeout:1 attempts:1 single-request\n"
    check ahosts nothere
fi

if [ $failed -ne 0 ]; then
    echo "$failed of $checked lookups differ"
    exit 1
fi
skipped=
[ $servfail = yes ] || skipped="$skipped (no DNSSEC in dnsmasq: SERVFAIL cases skipped)"
[ $drop = yes ] || skipped="$skipped (no iptables: timeout cases skipped)"
echo "PASS: $checked lookups, the same queries to the same servers in the same order as glibc" \
     "$(getconf GNU_LIBC_VERSION 2>/dev/null | sed 's/^glibc //')$skipped"
exit 0
