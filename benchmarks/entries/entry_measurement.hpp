#pragma once
// One benchmark entry end to end: describe it for the report (fields, ideal, bound), and
// measure it inside Google Benchmark's loop as docs/design.md "How a benchmark is timed" says:
// one batch per iteration, the runner's own interval as the manual time, verification outside
// it, a failed or wrong batch an error (SkipWithError), never a number.
//
// Besides the times, each entry gets figures of two kinds:
// - from the timeline of each repetition's last timed batch (timeline_figures.hpp): task
//   latency percentiles and the overhead split, as counters of that repetition's row; the
//   timeline file shows, of those batches, the one closest to their median
//   (representative_batch.hpp);
// - from ONE extra untimed "probe" batch run after the entry's last timed repetition (never
//   before or between them, so the instrumentation — malloc_trim, resetting the peak RSS,
//   reading /proc — never perturbs a timed sample): memory and the CPU time and context
//   switches of every process involved, on the entry's iteration, mean and median rows.
//
// And before the timed samples, a warm-up (--warm-up, on by default): ONE untimed batch before
// the entry's first timed repetition, so the first sample does not pay for what only the first
// batch of an entry pays — page faults of fresh memory, the allocator growing its arenas, lazy
// symbol binding, thread stacks the C library has not cached yet, a CPU clock still ramping up
// after a quieter entry. A warm pool already runs one untimed batch before every repetition
// (that is what "warm" means): it gets no second one. Only batches under max_untimed_batch_ns
// are warmed up: a longer batch settles all of that within its own first milliseconds, so an
// extra batch would cost the suite's time budget (a whole batch per entry) for a difference
// lost in its own length. With random interleaving, an entry's repetitions are separated by
// other entries' batches, so caches are as cold before its second repetition as before its
// first: what the warm-up removes is the once-per-entry cost, and the interleaving spreads the
// rest over every entry alike.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "benchmarks/entries/representative_batch.hpp"
#include "benchmarks/suites/suite.hpp"
#include "reports/entry_metadata.hpp"
#include "runners/batch/batch_outcome.hpp"
#include "runners/batch/runner.hpp"
#include "workloads/calibration/machine_constants.hpp"

namespace concbench {

struct measured_entry {
  entry_plan plan;
  std::vector<task_spec> batch;
  std::shared_ptr<entry_metadata> metadata;
  machine_constants constants;
  // How many repetitions Google Benchmark runs of this entry (0: unknown; then every
  // repetition runs the probe batch), how many have run, and whether one failed (no probe).
  int repetitions = 0;
  int repetitions_run = 0;
  bool failed = false;
  bool warm_up = true;  // --warm-up: one untimed batch before the first repetition (if affordable)
  // Each measured repetition's last batch; the timeline file shows the one closest to their median.
  representative_batches recorded_batches{};
  int shown_repetition = 0;  // the repetition whose batch entry.metadata->timeline holds
};

// The longest batch (by its ideal) that concbench adds an untimed run of, as a warm-up before
// an entry's first repetition or as the probe after its last: above it, the extra batch costs
// the suite's time budget more than it tells.
inline constexpr double max_untimed_batch_ns = 0.5e9;

// The report's `warm_up` field of an entry: what ran untimed before its timed batches.
inline constexpr const char* warm_up_none = "none";
inline constexpr const char* warm_up_first_repetition = "before-first-repetition";
inline constexpr const char* warm_up_every_repetition = "before-every-repetition";

// Whether the entry gets the warm-up batch of its own (not a warm pool, which has its batch).
bool warms_up(const measured_entry& entry);

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

// The report's fields of an entry, with its ideal and bound on this machine.
entry_metadata describe_entry(const entry_plan& plan, const std::vector<task_spec>& batch,
                              const machine_constants& constants);

// Google Benchmark's function body for an entry.
void measure_entry(benchmark::State& state, measured_entry& entry, std::stop_token stop);

// The time-out of a batch when the user gave none: ten times its nominal length, and at least
// a minute, so that it never trips on a slow machine yet ends a hung task. Every kind of entry
// (tasks, scenarios) takes its default from here.
std::chrono::milliseconds default_timeout_for_batch(double nominal_batch_ns);

// The task time-out of an entry when the user gave none: default_timeout_for_batch of the
// whole batch run sequentially at nominal speed.
std::chrono::milliseconds default_task_timeout(const workload& work);

// Fails this repetition before its timed loop has started, as SkipWithError would — but from
// inside the loop, so that its row has the iterations of a measured sample: Google Benchmark
// 1.7.1 aborts the whole run ("ComputeStats: Check `(run_iterations) == (run.iterations)'
// failed") when an entry with two measured repetitions also has one with another count, and a
// repetition skipped before its loop counts 0. With random interleaving an interrupted run has
// many such entries (measured repetitions, then ones the stop reached before they started).
void skip_repetition(benchmark::State& state, const std::string& message);

// The error of an entry that the run's stop (Ctrl-C) reached before it started (`repetition`
// 1), and of one repetition that it reached before it started when others of the entry ran
// (with random interleaving every entry may be partly measured when the stop comes). It names
// the workload and the model ("interrupted: the run was stopped before cpu under threads
// started") and starts with "interrupted" (the progress line looks for it).
std::string interrupted_before(std::string_view workload, std::string_view model, int repetition);

// The first error of a batch (a failed task, a runner failure, or a result that does not
// verify), naming the task and the model; nullopt when every task is right.
std::optional<std::string> first_batch_error(const workload& work, std::span<const task_spec> batch,
                                             const batch_outcome& outcome, std::string_view model);

// The timeline as columns (task, worker, start_ns, end_ns) for the timeline file.
nlohmann::json timeline_columns(const std::vector<timeline_entry>& timeline, std::chrono::nanoseconds interval,
                                std::span<const task_spec> batch, int workers);

}  // namespace concbench
