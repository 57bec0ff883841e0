#!/usr/bin/env bash
# Runs every test (GoogleTest and pytest, all through ctest) on a build made with a preset
# (default: release), installing and building what is missing first.
# Usage: ci/test.sh [release|debug|asan|tsan]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
bash ci/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
