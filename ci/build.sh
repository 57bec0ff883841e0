#!/usr/bin/env bash
# Builds concbench with a CMake preset (default: release), installing what is missing first.
# Usage: ci/build.sh [release|debug|asan|tsan]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
bash ci/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
