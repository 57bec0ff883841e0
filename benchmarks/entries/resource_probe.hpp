#pragma once
// The probe batch of a task entry: ONE extra untimed batch run after the entry's last timed
// repetition (never before or between them, so the instrumentation — malloc_trim, resetting the
// peak RSS, reading /proc — never perturbs a timed sample), whose memory and the CPU time and
// context switches of every process involved go on the entry's iteration, mean and median rows.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>

#include "runners/batch/batch_outcome.hpp"
#include "runners/batch/runner.hpp"

namespace concbench {

// What the probe batch measured. Sizes in bytes, times in ns, all per batch.
struct resource_probe {
  // The measuring process: VmHWM after the batch, its peak resident set (reset before it by
  // writing 5 to /proc/self/clear_refs; absent when the kernel refuses), the growth over
  // VmRSS just before the batch (after malloc_trim(0)), and that growth per task.
  std::optional<std::int64_t> peak_rss_bytes;
  std::optional<std::int64_t> rss_growth_bytes;
  std::optional<double> bytes_per_task;
  // Process models: the proportional set size of the worker processes (batch_outcome.hpp).
  std::optional<std::int64_t> workers_pss_bytes;
  // getrusage(RUSAGE_SELF) growth of the measuring process plus the workers' usage
  // (batch_outcome::workers_usage).
  process_usage usage;
};

// Runs one batch of `batch` on `batch_runner` with the instrumentation around it; nullopt
// when the batch failed, and then `error` (when given) gets the batch's first error, naming the
// task and `model`. Never call it between timed samples.
std::optional<resource_probe> probe_resources(runner& batch_runner, const workload& work,
                                              std::span<const task_spec> batch, std::stop_token stop,
                                              std::string* error = nullptr, std::string_view model = "the probe batch");
// The probe as the report's row fields: peak_rss_bytes, rss_growth_bytes, bytes_per_task,
// workers_pss_bytes, cpu_user_ns, cpu_system_ns, voluntary_switches, involuntary_switches.
nlohmann::json probe_fields(const resource_probe& probe);

// A "VmRSS:   1234 kB" line of /proc/PID/status, in bytes; nullopt when missing.
std::optional<std::int64_t> status_bytes(std::string_view status, std::string_view key);

// The first error of a batch (a failed task, a runner failure, or a result that does not
// verify), naming the task and the model; nullopt when every task is right.
std::optional<std::string> first_batch_error(const workload& work, std::span<const task_spec> batch,
                                             const batch_outcome& outcome, std::string_view model);

}  // namespace concbench
