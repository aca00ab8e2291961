#!/bin/sh
# musl-resolver.sh -- knetsim's musl resolver sends the queries the real
# one sends, and ends the lookup the same way.  The counterpart of
# glibc-resolver.sh for Alpine images (busybox, curl): a small C program,
# built here with musl-gcc -static, calls getaddrinfo() with AF_UNSPEC or
# AF_INET and SOCK_STREAM hints, as those tools do.  It runs in a private
# mount namespace (`unshare -m`) with a generated /etc/resolv.conf (and a
# minimal /etc/hosts) bind-mounted over the real ones, against a dnsmasq
# that logs each query.  dnsmasq answers a small zone (--host-record),
# REFUSED under refused.test, nothing under silent.test (forwarded to a
# dead upstream) and NXDOMAIN for the rest (--address=/#/).
#
# The cases: the names of glibc-resolver.sh under ndots 0 to 16 (musl
# caps it at 15), AF_INET and AF_UNSPEC, search lists of 1, 3 and 8
# domains, timeout and attempts (their caps, a silent and a refusing
# server), a search domain that makes the name 253, 254, 255 or 256
# characters long, names of 253 to 255 characters, a 64-character label,
# empty labels and trailing dots, and resolv.conf lines near musl's
# 255-character limit.  For each, the logged sequence of queries must be
# what `tests/resolver_sequence musl` prints, and the getaddrinfo() result
# the status it ends with.
#
# musl sends A and AAAA for one name back to back from one socket without
# waiting, and re-sends what is unanswered in rounds, so the order of
# types within a run of queries for one name is not something either side
# promises.  Both sequences are compared as runs: consecutive queries for
# the same name become one line, the name and its types sorted ("web.x A
# AAAA"); the order of the names, and how many queries of each type each
# run holds, must match exactly.
#
# dnsmasq listens on 127.0.83.53, not glibc-resolver.sh's 127.0.0.2, so
# the two can run at once under `make -j check`.
# Exit 77 (SKIP) when not root or when musl-gcc, unshare or dnsmasq
# cannot run.
set -u
builddir=${KNETSIM_BUILDDIR:?run through make check}
sequence=$builddir/tests/resolver_sequence
server=127.0.83.53

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: not root: unshare -m, mount --bind and dnsmasq on port 53 need root"
    exit 77
fi
for tool in unshare mount; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing"; exit 77; }
done
command -v musl-gcc >/dev/null 2>&1 || { echo "SKIP: musl-gcc is missing (.ci/run installs musl-tools)"; exit 77; }
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$dnsmasq" ] || { echo "SKIP: dnsmasq is missing (.ci/run installs dnsmasq-base)"; exit 77; }
unshare -m true 2>/dev/null || { echo "SKIP: unshare -m is not permitted here"; exit 77; }

work=$(mktemp -d) || exit 99
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# getaddrinfo(NAME, NULL, {AF_UNSPEC or AF_INET, SOCK_STREAM}): prints
# "status S" with S named as resolver_sequence names them (EAI_NONAME
# NXDOMAIN, EAI_NODATA NODATA, EAI_AGAIN TRY_AGAIN, EAI_FAIL NO_RECOVERY),
# and the addresses on stderr.
cat > "$work/gai.c" <<'EOF'
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int
main(int argc, char **argv)
{
    struct addrinfo hints, *res, *ai;
    char text[INET6_ADDRSTRLEN];
    int rc;

    if (argc != 3)
        return 2;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = strcmp(argv[2], "A") == 0 ? AF_INET : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(argv[1], NULL, &hints, &res);
    switch (rc) {
    case 0:
        printf("status OK\n");
        break;
    case EAI_NONAME:
        printf("status NXDOMAIN\n");
        return 0;
    case EAI_NODATA:
        printf("status NODATA\n");
        return 0;
    case EAI_AGAIN:
        printf("status TRY_AGAIN\n");
        return 0;
    case EAI_FAIL:
        printf("status NO_RECOVERY\n");
        return 0;
    default:
        printf("status %d %s\n", rc, gai_strerror(rc));
        return 0;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        const void *addr = ai->ai_family == AF_INET
            ? (const void *) &((const struct sockaddr_in *) ai->ai_addr)->sin_addr
            : (const void *) &((const struct sockaddr_in6 *) ai->ai_addr)->sin6_addr;

        fprintf(stderr, "%s\n", inet_ntop(ai->ai_family, addr, text, sizeof text));
    }
    freeaddrinfo(res);
    return 0;
}
EOF
if ! musl-gcc -static -O -o "$work/gai" "$work/gai.c" 2> "$work/gcc.err"; then
    echo "SKIP: musl-gcc -static cannot build a program here:"
    cat "$work/gcc.err"
    exit 77
fi
# The test program's own /etc/hosts: musl reads it before DNS.
printf '127.0.0.1 localhost\n' > "$work/hosts"

zone="web.app.svc.cluster.local=10.96.0.12 web.svc.cluster.local=10.96.0.13 api.github.com=140.82.112.6 v6.svc.cluster.local=fd00::6"
records=
for r in $zone; do
    records="$records --host-record=${r%%=*},${r#*=}"
done
zone="$zone refused.test=refused silent.test=silent"
# 127.0.0.9 port 53: nobody listens, so dnsmasq forwards silent.test into
# the void and never answers.
# shellcheck disable=SC2086
"$dnsmasq" --keep-in-foreground --listen-address=$server --bind-interfaces --port=53 \
    --no-hosts --no-resolv --user=root --log-queries --log-facility="$work/dnsmasq.log" \
    --pid-file="$work/dnsmasq.pid" --server=/silent.test/127.0.0.9 --server=/refused.test/# \
    --address=/#/ $records &
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

# "NAME TYPE" lines (and a final "status S") to one line per run of
# queries for the same name: the name, then its types sorted.
runs() {
    awk '
        function flush(  i, j, t, line) {
            if (n == 0)
                return
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && types[j - 1] > types[j]; j--) {
                    t = types[j]; types[j] = types[j - 1]; types[j - 1] = t
                }
            line = name
            for (i = 1; i <= n; i++)
                line = line " " types[i]
            print line
            n = 0
        }
        $1 == "status" { flush(); print; next }
        $1 != name { flush(); name = $1 }
        { types[++n] = $2 }
        END { flush() }'
}

# knetsim models the musl of Alpine 3.21 (1.2.5).  Before 1.2.4 musl
# had no EAI_NODATA: a name without addresses of the family asked for
# failed with EAI_NONAME, as an unknown one does.
nodata=
version=$(dpkg-query -W -f='${Version}' musl 2>/dev/null)
if [ -n "$version" ] && dpkg --compare-versions "$version" lt 1.2.4; then
    nodata='s/^status NODATA$/status NXDOMAIN/'
fi

failed=0
checked=0
# check LABEL FAMILIES NAME: the lookup of NAME (A: AF_INET, A+AAAA:
# AF_UNSPEC) with $work/resolv.conf, by the real musl and by knetsim.
check() {
    what=$1
    families=$2
    name=$3
    start=$(($(wc -l < "$work/dnsmasq.log") + 1))
    unshare -m sh -c "mount --bind '$work/resolv.conf' /etc/resolv.conf \
        && mount --bind '$work/hosts' /etc/hosts \
        && exec '$work/gai' '$name' '$families'" > "$work/gai.out" 2> "$work/gai.err"
    # dnsmasq logs asynchronously; give it a moment.
    sleep 0.05
    { logged "$start"; cat "$work/gai.out"; } | runs > "$work/real"
    # shellcheck disable=SC2086
    "$sequence" --status musl "$work/resolv.conf" "$name" "$families" $zone > "$work/sim.raw" \
        || { echo "resolver_sequence failed for '$name'"; exit 99; }
    # dnsmasq logs no query[] line for the malformed question musl sends
    # for "name.." (a "." search domain): leave knetsim's out too.
    grep -v '^[^ ]*\.\. ' "$work/sim.raw" | runs | sed "$nodata" > "$work/sim"
    checked=$((checked + 1))
    if ! cmp -s "$work/real" "$work/sim"; then
        echo "FAIL: $what, '$name' $families: musl sent (left), knetsim sent (right):"
        diff "$work/real" "$work/sim" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

# conf LINE...: $work/resolv.conf holds the lines (each ended by a newline).
conf() {
    printf '%s\n' "$@" > "$work/resolv.conf"
}

# repeat N TEXT: TEXT N times.
repeat() {
    awk -v n="$1" -v t="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", t }'
}

pod_search="search app.svc.cluster.local svc.cluster.local cluster.local"
names="web web.app api.github.com api.github.com. nothere a.b.c.d.e.f"

# The search walk against ndots, as in glibc-resolver.sh, and ndots past
# musl's cap of 15 (a name with 15 dots is then tried as is, alone).
for ndots in 0 1 2 5 15 16; do
    conf "$pod_search" "nameserver $server" "options ndots:$ndots"
    for name in $names a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p; do
        check "ndots:$ndots" A+AAAA "$name"
    done
done
conf "$pod_search" "nameserver $server" "options ndots:5"
for name in web nothere api.github.com v6 web.; do
    check "ndots:5" A "$name"
done
check "ndots:5" A+AAAA v6
# Empty labels: a double trailing dot, a leading dot, an empty name.
for name in web.. .web ""; do
    check "ndots:5" A+AAAA "$name"
done

# Search lists of 1 and 8 domains.
conf "search svc.cluster.local" "nameserver $server" "options ndots:5"
for name in web web.app nothere; do
    check "1 search domain" A+AAAA "$name"
done
conf "search app.svc.cluster.local svc.cluster.local cluster.local c.proj.internal google.internal corp.example.com example.com example.org" \
    "nameserver $server" "options ndots:5"
for name in web nothere api.github.com; do
    check "8 search domains" A+AAAA "$name"
done
# "domain" sets the search list too; the last line wins.
conf "search app.svc.cluster.local" "domain svc.cluster.local" "nameserver $server" "options ndots:2"
check "domain after search" A+AAAA web

# timeout and attempts: an answering server needs one round whatever
# they are; a silent one gets `attempts` rounds within `timeout`, a
# refusing one too (musl ignores REFUSED and waits).  Only timeouts that
# attempts divides evenly: otherwise whether a last round fits in the
# final milliseconds depends on how late each real round starts
# (test_resolver.c has that case), and attempts:0 makes the real musl
# 1.2.3 divide by zero (SIGFPE), which knetsim does not model.
for options in "timeout:1 attempts:1" "timeout:1 attempts:4" "timeout:0" "timeout:99 attempts:99" \
        "attempts:2 timeout:1 ndots:2" "ndots:1 timeout:.5"; do
    conf "$pod_search" "nameserver $server" "options $options"
    check "options $options" A+AAAA web
    case $options in
    *timeout:1*) check "options $options" A+AAAA x.silent.test. ;;
    esac
done
conf "$pod_search" "nameserver $server" "options timeout:1 attempts:2"
check "options timeout:1 attempts:2" A+AAAA x.refused.test.
check "options timeout:1 attempts:2" A x.refused.test.
check "options timeout:1 attempts:2" A x.silent.test

# Search domains that make the query name 253 to 256 characters long
# (the name is one 63-character label; the first domain 189 to 192
# characters), then a short one.
label=$(repeat 61 x)
name63=$(repeat 63 n)
for tail in yyy yyyy yyyyy yyyyyy; do
    conf "search $label.$label.$label.$tail svc.cluster.local" "nameserver $server" "options ndots:5"
    check "name + $((186 + ${#tail}))-character search domain" A+AAAA "$name63"
done
conf "search svc.cluster.local" "nameserver $server" "options ndots:1"
check "64-character label" A+AAAA "$(repeat 64 z).example"
check "253-character name" A+AAAA "abc.$(repeat 3 "$label.")$(repeat 63 w)"
check "254-character name" A+AAAA "abcd.$(repeat 3 "$label.")$(repeat 63 w)"
check "255-character name" A+AAAA "abcde.$(repeat 3 "$label.")$(repeat 63 w)"
# A "." search domain (the kubelet writes "search ." when its
# --resolv-conf is ""): musl sends "web.." as a malformed question that
# dnsmasq refuses, and fails after the timeout; a name with enough dots
# skips the search.  Then search domains written with a final dot.
conf "search . svc.cluster.local" "nameserver $server" "options ndots:1 timeout:1"
check "search ." A+AAAA web
check "search ." A+AAAA web.svc.cluster.local
conf "search app.svc.cluster.local. svc.cluster.local." "nameserver $server" "options ndots:5"
check "search domains with a final dot" A+AAAA web
check "search domains with a final dot" A+AAAA nothere

# resolv.conf lines near fgets' 256 bytes: 254 characters and the
# newline are read, 255 are skipped, also on a final line without one.
pad=$(repeat 240 " ")
conf "search app.svc.cluster.local" "nameserver $server" "options${pad}ndots:2"
check "254-character options line" A+AAAA web.app
conf "search app.svc.cluster.local" "nameserver $server" "options${pad} ndots:2"
check "255-character options line" A+AAAA web.app
printf 'search app.svc.cluster.local\nnameserver %s\noptions%s ndots:2' $server "$pad" \
    > "$work/resolv.conf"
check "255-character last line, no newline" A+AAAA web.app
printf 'search app.svc.cluster.local\nnameserver %s\noptions%sndots:2' $server "$pad" \
    > "$work/resolv.conf"
check "254-character last line, no newline" A+AAAA web.app

if [ $failed -ne 0 ]; then
    echo "$failed of $checked lookups differ"
    exit 1
fi
echo "PASS: $checked lookups, the same queries (by name, in order) and results as musl $version"
exit 0
