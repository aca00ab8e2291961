#!/bin/sh
# tshark-scenarios.sh -- every scenario's packets open cleanly in tshark.
#
# For each scenario that scenarios/automake.mk lists in SCENARIOS, runs
# `knetsim run SCENARIO --pcap FILE` and, if the run sent any packet, reads
# FILE with tshark (flannel's VXLAN port told, checksums verified): no
# malformed packet, no expert error, a comment on every packet, every TCP
# segment in a stream, every VXLAN packet's inner frame decoded.  Expert
# notes and warnings are allowed: every packet is recorded on each
# interface it crosses, so tshark sees the same segment again on the next
# interface and calls it a retransmission (a note), and a drill's RST is a
# warning.  Exit 77 (SKIP) without tshark; Debian's package is tshark.
set -u

if ! command -v tshark > /dev/null 2>&1; then
    echo "SKIP: tshark not found (apt-get install tshark)"
    exit 77
fi

srcdir=${KNETSIM_SRCDIR:?run through make check}
knetsim=${KNETSIM:?run through make check}
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT
# tshark reads as any user; keep its profile out of $HOME.
export XDG_CONFIG_HOME="$work/config"

scenarios=$(sed -n 's/^[[:space:]]*\(scenarios\/[^[:space:]]*\.yaml\).*/\1/p' "$srcdir/scenarios/automake.mk")
[ -n "$scenarios" ] || { echo "FAIL: no SCENARIOS in scenarios/automake.mk"; exit 1; }

failures=0
fail() {
    echo "FAIL: $scenario: $*"
    failures=$((failures + 1))
}

. "$srcdir/tests/tools/tshark-lib.sh"

# A comment on every packet: frame.comment in Wireshark 1.x to 4.x; newer
# releases may call it pkt_comment.  Decided on the first capture with frames.
comment_filter=

n_checked=0
for scenario in $scenarios; do
    name=$(basename "$scenario" .yaml)
    capture=$work/$name.pcapng
    if ! "$knetsim" run "$srcdir/$scenario" --pcap "$capture" > "$work/transcript" 2>&1; then
        fail "knetsim run --pcap failed"
        tail -n 5 "$work/transcript"
        continue
    fi
    total=$(count frame)
    if [ "$total" -eq 0 ]; then
        echo "$scenario: no packets, nothing to decode"
        continue
    fi
    if [ "$total" -lt 0 ]; then
        fail "tshark cannot read the capture"
        continue
    fi
    n_checked=$((n_checked + 1))

    check_dissection
    errors=$(count "_ws.expert.severity == error")
    [ "$errors" -eq 0 ] || fail "$errors frames with an expert error"

    if [ -z "$comment_filter" ]; then
        comment_filter=frame.comment
        shark -Y "$comment_filter" -c 1 > /dev/null 2>&1 || comment_filter=pkt_comment
    fi
    commented=$(count "$comment_filter")
    [ "$commented" -eq "$total" ] || fail "$commented of $total packets have a comment"

    tcp=$(count tcp)
    streams=$(count "tcp.stream >= 0")
    [ "$tcp" -eq "$streams" ] || fail "$streams of $tcp TCP segments are in a stream"
    bad=$(count "ip.checksum.status == 2 || tcp.checksum.status == 2 || udp.checksum.status == 2 || icmp.checksum.status == 2 || icmpv6.checksum.status == 2")
    [ "$bad" -eq 0 ] || fail "$bad frames with a bad checksum"

    overlay=$(count "udp.dstport == 8472")
    inner=$(count "vxlan && eth.type && (count(ip.src) == 2 || ipv6)")
    [ "$overlay" -eq "$inner" ] || fail "$inner of $overlay VXLAN packets decode to an inner frame"

    echo "$scenario: $total frames, $tcp TCP segments in $(shark -Y tcp -T fields -e tcp.stream | sort -u | wc -l | tr -d ' ') streams, $overlay VXLAN, all commented"
done

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
[ "$n_checked" -gt 0 ] || { echo "FAIL: no scenario sent a packet"; exit 1; }
echo "tshark $(tshark --version 2> /dev/null | sed -n '1s/^TShark (Wireshark) \([^ ]*\).*/\1/p'): $n_checked scenarios decode cleanly"
