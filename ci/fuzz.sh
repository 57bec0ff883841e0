#!/usr/bin/env bash
# Fuzzes the parsers that read what another process or the user wrote (the worker protocol,
# --http-url, the whole command line) with libFuzzer for a bounded time each, starting from the
# seed corpus in tests/fuzz/corpus/<target without fuzz_>. Fails on any crash, sanitizer report,
# broken round trip or exception other than the parser's own; the input that did it is left in
# build/fuzz/ (crash-*).
# There is no target for a report loader: concbench's reports are read only by Python
# (plot/concbench_plot/reports/), which has its own seeded mutation test
# (tests/plot/reports/test_report_loading_fuzz.py); the C++ side writes reports and never parses one.
# Usage: ci/fuzz.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash ci/install-deps.sh --fuzz
cmake -S . -B build/fuzz -DCONCBENCH_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/fuzz -j "$(nproc)"
targets=(fuzz_worker_protocol fuzz_http_url fuzz_cli_options)
for target in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/${target#fuzz_}
  corpus=build/fuzz/corpus/${target#fuzz_}
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  (cd build/fuzz && "./tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
     "../../$corpus" "../../$seeds" 2>&1 | tail -n 12)
done
echo "fuzz: no crash"
