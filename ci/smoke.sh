#!/usr/bin/env bash
# CI's smoke benchmark: the quick suite, its charts and summary page, and its comparison with
# the committed example report of this project's reference machine, all in one artifacts
# folder, named on the last lines. Seven repetitions, as in the example reports: with five per
# side no difference among the quick suite's ~80 entries can pass the family-wise 95 % level
# (the smallest exact p at 5 v 5 is 0.008, the corrected level 0.05/80); at 7 v 7 it can.
# Usage: ci/smoke.sh   (folder: $CONCBENCH_ARTIFACTS, default ci-artifacts)
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=${CONCBENCH_ARTIFACTS:-ci-artifacts}
example=reports/examples/2-vcpu.quick.json
rm -rf "$artifacts"
mkdir -p "$artifacts"
build/release/benchmarks/concbench --suite=quick --benchmark_repetitions=7 --out="$artifacts/quick.json"
/usr/bin/python3 plot/plot.py "$artifacts/quick.json" --out "$artifacts/charts"
# Another machine (or this one on another day) against the example: a table, not a gate.
/usr/bin/python3 plot/compare.py "$example" "$artifacts/quick.json" --markdown > "$artifacts/comparison-with-example.md"
echo
echo "artifacts: $artifacts/"
echo "  report:     $artifacts/quick.json (+ quick.timelines.json)"
echo "  charts:     $artifacts/charts/ (summary: $artifacts/charts/summary.html, summary.md)"
echo "  comparison: $artifacts/comparison-with-example.md (against $example)"
