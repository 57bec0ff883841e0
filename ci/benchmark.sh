#!/usr/bin/env bash
# Runs a concbench suite on this machine and draws its charts: installs and builds what is
# missing, writes results/concbench-<suite>-<date>.json (+ .timelines.json) and the charts
# in results/concbench-<suite>-<date>-charts/, and prints where they are.
# Usage: ci/benchmark.sh [quick|default] [more concbench flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-default}
shift || true
bash ci/build.sh release >/dev/null
mkdir -p results
stem="results/concbench-${suite}-$(date +%Y%m%d-%H%M%S)"
status=0
build/release/benchmarks/concbench --suite="$suite" --out="$stem.json" "$@" || status=$?
if [[ ! -f $stem.json ]]; then
  echo "benchmark.sh: concbench wrote no report (exit status $status)" >&2
  exit "$status"
fi
/usr/bin/python3 plot/plot.py "$stem.json" --out "$stem-charts"
echo
echo "report: $stem.json"
echo "charts: $stem-charts/"
exit "$status"
