#!/bin/sh
# golden.sh -- every scenario with a golden file in tests/golden/ must give
# exactly that file, same seed, same bytes:
#   NAME.out          the transcript of `knetsim run --explain` of NAME.yaml
#   NAME.dot          the topology of `knetsim graph` at the end of the run
#   NAME.at-TIME.dot  the topology of `knetsim graph --at TIME`
#   NAME.trace-WHAT.dot  the path picture of `knetsim trace ARGS --dot FILE`,
#                     where ARGS is the one line of NAME.trace-WHAT.args
# `make golden` rewrites the goldens after an intended change; review the diff.
set -u
srcdir=${KNETSIM_SRCDIR:?run through make check}
knetsim=${KNETSIM:?run through make check}
status=0
cd "$srcdir" || exit 99
out=$(mktemp) || exit 99
dot=$(mktemp --suffix=.dot) || exit 99
trap 'rm -f "$out" "$dot"' EXIT
for golden in tests/golden/*.out tests/golden/*.dot; do
    [ -e "$golden" ] || continue
    base=$(basename "$golden")
    name=${base%%.*}
    scenario=$(find scenarios -name "$name.yaml" | head -n 1)
    if [ -z "$scenario" ]; then
        echo "FAIL: $golden: no scenario $name.yaml"
        status=1
        continue
    fi
    result=$out
    case $base in
    *.out) set -- run --explain "$scenario" ;;
    *.trace-*.dot)
        # shellcheck disable=SC2046 # the arguments are words on one line
        set -- trace $(cat "${golden%.dot}.args") --dot "$dot" "$scenario"
        result=$dot ;;
    *.at-*.dot) at=${base#*.at-}; set -- graph --at "${at%.dot}" "$scenario" ;;
    *) set -- graph "$scenario" ;;
    esac
    if "$knetsim" "$@" > "$out" 2>&1 && cmp -s "$golden" "$result"; then
        echo "PASS: knetsim $* matches $golden"
    else
        echo "FAIL: knetsim $* differs from $golden:"
        diff -u "$golden" "$result" | head -n 40
        status=1
    fi
done
exit $status
