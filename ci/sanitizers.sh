#!/usr/bin/env bash
# The C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer and under ThreadSanitizer,
# plus a short run of the binary itself under ASan+UBSan. Any sanitizer report fails the test
# it happens in (ASan and UBSan abort; TSan exits 66), so a report fails this script.
# Not run under the sanitizers: the pytest suites that only run Python (plot/, the CPython
# reference), and most of tests/e2e, whose runs of the binary would take many minutes
# instrumented. Under ASan+UBSan instead: a short run of the binary (its own paths: CLI,
# calibration, every model, the collector) and the e2e fault, signal and hostile tests (Ctrl-C,
# SIGTERM, the task time-out, a real EAGAIN as an unprivileged user, a killed fork server, a full
# disk), whose shutdown paths no
# GoogleTest reaches; a sanitizer report aborts the binary, which fails the test's exit-status
# check.
# ThreadSanitizer and fork: TSan cannot follow fork() from a threaded process. concbench never
# forks a threaded process: processes-fork workers come from the fork server, a helper forked
# before the test or the binary starts any thread, and processes-spawn and posix_spawn use
# vfork+exec, which TSan intercepts; so the process tests run under TSan too.
# Usage: ci/sanitizers.sh [asan] [tsan]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
presets=("$@")
((${#presets[@]})) || presets=(asan tsan)
python_only='^(pytest_|pyflakes$|clang_format$)'
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
for preset in "${presets[@]}"; do
  echo "sanitizers: $preset"
  bash ci/build.sh "$preset"
  ctest --preset "$preset" -j "$(nproc)" -E "$python_only"
  if [[ $preset == asan ]]; then
    out=$(mktemp -d)
    build/asan/benchmarks/concbench --suite=quick --cpu-scale=0.01 --time-scale=0.05 \
      --benchmark_repetitions=1 --out="$out/r.json" >/dev/null
    rm -rf "$out"
    # The hostile cases too (a killed fork server, a full disk, Ctrl-C at the repetition cap),
    # except the address-space limit, which ASan's shadow memory cannot live under.
    CONCBENCH_BINARY=build/asan/benchmarks/concbench /usr/bin/python3 -m pytest -q -p no:cacheprovider \
      tests/e2e/test_faults_and_signals.py tests/e2e/test_hostile_binary.py -k "not address_space"
  fi
done
echo "sanitizers: clean"
