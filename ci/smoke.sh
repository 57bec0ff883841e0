#!/usr/bin/env bash
# CI's smoke benchmark: the quick suite, its charts and summary page, and its comparison with
# the committed example report of this project's reference machine, all in one artifacts
# folder, named on the last lines.
# Usage: ci/smoke.sh   (folder: $CONCBENCH_ARTIFACTS, default ci-artifacts)
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=${CONCBENCH_ARTIFACTS:-ci-artifacts}
example=reports/examples/2-vcpu.quick.json
rm -rf "$artifacts"
mkdir -p "$artifacts"
build/release/benchmarks/concbench --suite=quick --out="$artifacts/quick.json"
/usr/bin/python3 plot/plot.py "$artifacts/quick.json" --out "$artifacts/charts"
# Another machine (or this one on another day) against the example: a table, not a gate.
/usr/bin/python3 plot/compare.py "$example" "$artifacts/quick.json" --markdown > "$artifacts/comparison-with-example.md"
echo
echo "artifacts: $artifacts/"
echo "  report:     $artifacts/quick.json (+ quick.timelines.json)"
echo "  charts:     $artifacts/charts/ (summary: $artifacts/charts/summary.html, summary.md)"
echo "  comparison: $artifacts/comparison-with-example.md (against $example)"
