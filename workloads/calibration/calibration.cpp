#include "workloads/calibration/calibration.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "workloads/calibration/counting_loop.hpp"
#include "workloads/interruptible_sleep.hpp"
#include "workloads/median.hpp"

namespace concbench {
namespace {

using clock_type = std::chrono::steady_clock;

double elapsed_ns(clock_type::time_point start) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
}

}  // namespace

double measure_increment_ns(int busy_cores, std::int64_t increments, int rounds) {
  // A zero-overhead ideal wants the machine at its best: the fastest round (after one
  // untimed round that lets the clock ramp up), each round's threads taken at their median.
  double best = 0;
  for (int round = -1; round < rounds; ++round) {
    std::vector<double> per_thread(static_cast<std::size_t>(busy_cores));
    {
      std::vector<std::jthread> threads;
      for (int t = 0; t < busy_cores; ++t) {
        threads.emplace_back([&per_thread, t, increments] {
          const auto start = clock_type::now();
          const auto counted = count_up_to(increments, {});
          per_thread[static_cast<std::size_t>(t)] = elapsed_ns(start) / static_cast<double>(counted);
        });
      }
    }
    const double round_ns = median(per_thread);
    if (round == 0 || (round > 0 && round_ns < best)) best = round_ns;
  }
  return best;
}

double measure_sleep_overshoot_ns(int samples, double sample_ms) {
  const auto asked = std::chrono::nanoseconds(static_cast<std::int64_t>(sample_ms * 1e6));
  std::stop_source never;  // the same interruptible path the sleep workload takes
  std::vector<double> overshoot;
  for (int i = 0; i < samples; ++i) {
    const auto slept = sleep_unless_stopped(asked, never.get_token());
    overshoot.push_back(static_cast<double>((slept - asked).count()));
  }
  return std::max(0.0, median(overshoot));
}

double measure_core_ghz() {
  constexpr std::int64_t iterations = 5'000'000;
  constexpr int adds_per_iteration = 8;
  double best_ns = 0;
  for (int round = 0; round < 3; ++round) {
    std::uint64_t chain = 0;
    const auto start = clock_type::now();
    for (std::int64_t i = 0; i < iterations; ++i) {
      // Each add depends on the one before: one cycle of latency each, the loop's own
      // bookkeeping runs beside them on other ports.
      for (int k = 0; k < adds_per_iteration; ++k) {
        chain += 1;
        asm volatile("" : "+r"(chain));
      }
    }
    const double ns = elapsed_ns(start);
    if (round == 0 || ns < best_ns) best_ns = ns;
  }
  return static_cast<double>(iterations * adds_per_iteration) / best_ns;
}

machine_constants calibrate(int usable_cpus, const calibration_options& options) {
  machine_constants constants;
  constants.usable_cpus = std::max(1, usable_cpus);
  for (int k = 1; k <= constants.usable_cpus; ++k) {
    const double measured = measure_increment_ns(k, options.increments_per_sample, options.rounds);
    // More busy cores never make an increment cheaper; a lower reading is noise, and keeping
    // c_k >= c_1 keeps every ideal at or above its bound.
    constants.ns_per_increment.push_back(k == 1 ? measured : std::max(measured, constants.ns_per_increment.back()));
  }
  constants.sleep_overshoot_ns = measure_sleep_overshoot_ns(options.sleep_samples, options.sleep_sample_ms);
  constants.core_ghz = measure_core_ghz();
  return constants;
}

}  // namespace concbench
