#!/usr/bin/env bash
# The http issue's peer check: concbench's coroutine client against wrk, on the same server
# (`concbench serve`, delay 0) with the same number of keep-alive connections, both clients on
# one thread. Prints both rates and their ratio (aim: concbench / wrk >= 0.8).
# 16 connections: what concbench's X measurement uses (workloads/http/http_calibration.hpp).
# Usage: ci/wrk-ratio.sh [seconds for wrk (default 5)]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=16
seconds=${1:-5}
bash ci/build.sh release >/dev/null
command -v wrk >/dev/null || { echo "wrk-ratio.sh: wrk is missing (ci/install-deps.sh installs it)" >&2; exit 1; }
binary=build/release/benchmarks/concbench
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$binary" serve --port 0 --delay-ms 0 --body-bytes 1024 >"$work/url" &
server=$!
for _ in $(seq 50); do [[ -s $work/url ]] && break; sleep 0.1; done
url=$(head -n 1 "$work/url")
[[ $url == http://* ]] || { echo "wrk-ratio.sh: the server printed no URL" >&2; exit 1; }

# wrk: one thread, the same connections, the same request the http workload sends.
wrk -t1 -c"$connections" -d"${seconds}s" "${url}0?delay_ms=0&bytes=1024" >"$work/wrk.txt"
wrk_rate=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")

# concbench: X, its coroutine client's saturated rate (one io_context thread, 16 connections),
# is measured before http entries and kept in the report; one tiny entry is enough to get it.
"$binary" --workloads=http --models=sequential --http-url="$url" --benchmark_repetitions=1 \
  --benchmark_filter=sequential --out="$work/r.json" >/dev/null
ours=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["context"]["machine_constants"]["loopback_requests_per_second"])' "$work/r.json")

/usr/bin/python3 - "$ours" "$wrk_rate" "$connections" <<'PY'
import sys
ours, wrk, connections = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
print(f"connections {connections}: concbench coroutine client {ours:,.0f} req/s, wrk {wrk:,.0f} req/s, "
      f"ratio {ours / wrk:.2f}")
PY
