#!/bin/sh
# golden.sh -- every scenario with a golden transcript in tests/golden/ must
# replay to exactly that transcript (run --explain, same seed, same bytes).
# `make golden` rewrites the goldens after an intended change; review the diff.
set -u
srcdir=${KNETSIM_SRCDIR:?run through make check}
knetsim=${KNETSIM:?run through make check}
status=0
cd "$srcdir" || exit 99
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT
for golden in tests/golden/*.out; do
    name=$(basename "$golden" .out)
    scenario=$(find scenarios -name "$name.yaml" | head -n 1)
    if [ -z "$scenario" ]; then
        echo "FAIL: $golden: no scenario $name.yaml"
        status=1
        continue
    fi
    if "$knetsim" run --explain "$scenario" > "$out" 2>&1 && cmp -s "$golden" "$out"; then
        echo "PASS: $scenario matches $golden"
    else
        echo "FAIL: $scenario differs from $golden:"
        diff -u "$golden" "$out" | head -n 40
        status=1
    fi
done
exit $status
