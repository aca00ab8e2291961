#!/bin/sh
# tshark-pcapng.sh -- tshark reads knetsim's pcapng as Wireshark would.
#
# tests/pcap_sample writes the sample capture of tests/sample_capture.h (DNS,
# a TCP connection with GET/200, ICMP port unreachable, VXLAN over IPv4 and
# IPv6, Geneve); tshark must decode all of it with no malformed packet, no
# expert error (checksums verified), the TCP stream and HTTP, the VXLAN and
# Geneve inner frames, the interface names and a comment on every packet.
# Exit 77 (SKIP) without tshark; Debian's package is tshark.
set -eu

if ! command -v tshark > /dev/null 2>&1; then
    echo "SKIP: tshark not found (apt-get install tshark)"
    exit 77
fi

builddir=${KNETSIM_BUILDDIR:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
capture=$work/sample.pcapng
"$builddir/tests/pcap_sample" "$capture"

# tshark reads as any user; keep its profile out of $HOME.
export XDG_CONFIG_HOME="$work/config"

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
. "${KNETSIM_SRCDIR:-.}/tests/tools/tshark-lib.sh"

total=$(count frame)
echo "frames: $total"
[ "$total" -eq 22 ] || fail "expected 22 frames, tshark read $total"

check_dissection
shark -q -z expert,warn > "$work/warnings"
if grep -q "^Warns" "$work/warnings"; then
    cat "$work/warnings"
    fail "tshark -z expert reports warnings"
fi

expect_count() {
    n=$(count "$1")
    echo "$1: $n"
    [ "$n" -eq "$2" ] || fail "'$1' matched $n frames, expected $2"
}

# The TCP connection, its handshake and HTTP on top.
expect_count "tcp.stream == 0" 10
expect_count "tcp.flags.syn == 1 && tcp.flags.ack == 1 && tcp.options.mss_val == 1410" 1
expect_count "http.request.method == \"GET\" && http.host == \"web\"" 1
expect_count "http.response.code == 200 && http.content_length == 27" 1
expect_count "tcp.analysis.flags" 0
# DNS, and the ICMP error with the datagram it quotes.
expect_count "dns.qry.name == \"web.default.svc.cluster.local\"" 3
expect_count "dns.a == 10.96.0.12" 1
expect_count "icmp.type == 3 && icmp.code == 3 && udp.dstport == 9999" 1
# The overlay: the inner frames decode, with their checksums.
expect_count "vxlan.vni == 1 && ip.dst == 10.244.2.5 && tcp.flags.syn == 1" 1
expect_count "vxlan && ipv6.dst == fd00:172:18::4 && icmpv6.type == 128 && udp.checksum.status == 1" 1
expect_count "geneve.vni == 1 && icmp.type == 8" 1
expect_count "ip.checksum.status == 2 || tcp.checksum.status == 2 || udp.checksum.status == 2 || icmp.checksum.status == 2 || icmpv6.checksum.status == 2" 0

# Interface names from the Interface Description Blocks.
shark -T fields -e frame.interface_name | sort -u > "$work/interfaces"
for name in client/eth0 coredns-5d78c9869d-8q2lx/eth0 svc-lab-worker/eth0 web-5d4f8c7b9-x2x4k/eth0; do
    grep -qx "$name" "$work/interfaces" || fail "no packet on interface $name"
done

# A comment on every packet: the field is frame.comment in Wireshark 4.x
# (and 1.x-3.x), with pkt_comment the protocol that holds it; try both.
comment_filter=frame.comment
shark -Y "$comment_filter" -c 1 > /dev/null 2>&1 || comment_filter=pkt_comment
expect_count "$comment_filter" "$total"
shark -Y "$comment_filter contains \"KUBE-SEP-WXWGHGKZOCNYRYI7\"" -T fields -e frame.number > "$work/dnat"
[ -s "$work/dnat" ] || fail "the DNAT comment is missing"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "tshark $(tshark --version 2> /dev/null | sed -n '1s/^TShark (Wireshark) \([^ ]*\).*/\1/p'): all checks passed"
