# tshark-lib.sh -- what the tshark checks share.  Sourced; the caller sets
# $capture (the pcapng file) and $work (a scratch directory) and defines
# fail().

# tshark on $capture, checksums verified.  Flannel's VXLAN port 8472 is not
# the IANA 4789, so tshark must be told.
shark() {
    tshark -n -r "$capture" -d udp.port==8472,vxlan \
        -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
        "$@" 2> "$work/stderr" || { cat "$work/stderr" >&2; return 1; }
}

# The number of frames matching the display filter $1 (-1 if tshark rejects it).
count() {
    if shark -Y "$1" -T fields -e frame.number > "$work/count"; then
        wc -l < "$work/count" | tr -d ' '
    else
        echo -1
    fi
}

# No malformed packet and no expert error, neither in the verbose
# dissection nor in tshark's expert summary.
check_dissection() {
    shark -V > "$work/verbose"
    if grep -q -i "malformed" "$work/verbose"; then
        grep -i -B 5 "malformed" "$work/verbose" | head -n 40
        fail "a malformed packet"
    fi
    if grep -q "Expert Info (Error" "$work/verbose"; then
        grep "Expert Info (Error" "$work/verbose" | sort | uniq -c
        fail "expert errors in the verbose dissection"
    fi
    shark -q -z expert,error > "$work/expert"
    if grep -q "^Errors" "$work/expert"; then
        cat "$work/expert"
        fail "tshark -z expert,error reports errors"
    fi
}
