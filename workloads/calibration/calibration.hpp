#pragma once
// Measures this machine's constants (docs/design.md "How a benchmark is timed": c_k, epsilon,
// the core clock) at the start of a run; ideals are computed from them.

#include "workloads/calibration/machine_constants.hpp"

namespace concbench {

struct calibration_options {
  std::int64_t increments_per_sample = 20'000'000;  // a few ms at 0.2-0.5 ns per increment
  int rounds = 5;
  int sleep_samples = 20;
  double sleep_sample_ms = 1.0;
};

machine_constants calibrate(int usable_cpus, const calibration_options& options = {});

// c_k: ns per increment while `busy_cores` threads count at once (best round, median thread).
double measure_increment_ns(int busy_cores, std::int64_t increments, int rounds);
// epsilon: median overshoot of the blocking sleep the sleep workload uses.
double measure_sleep_overshoot_ns(int samples, double sample_ms);
// Core clock from a chain of dependent additions (one cycle each); the TSC is not it here.
double measure_core_ghz();

}  // namespace concbench
