#!/usr/bin/env bash
# CI's smoke benchmark: the quick suite and its charts, kept as artifacts in ci-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p ci-artifacts
build/release/benchmarks/concbench --suite=quick --out=ci-artifacts/quick.json
/usr/bin/python3 plot/plot.py ci-artifacts/quick.json --out ci-artifacts/charts
