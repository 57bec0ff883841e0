#pragma once
// One benchmark entry, whatever it measures: a runner's batch of tasks (task_entry.hpp), a
// scenario's interacting batch (scenario_entry.hpp) or the start of worker processes
// (startup_entry.hpp). Each kind says what it is (name, report fields, iterations per sample,
// --list estimate, time-out) and how one repetition of it starts, iterates and ends; the
// repetition skeleton (measure_repetition) does what is the same for all of them, as
// docs/design.md "How a benchmark is timed" says: one batch per iteration, its own interval as
// the manual time, a failed or wrong batch an error (SkipWithError), never a number, and a
// repetition the run's stop or a lost fork server reached skipped from inside the loop.

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "reports/entry_metadata.hpp"

namespace concbench {

// The longest batch (by its ideal) that concbench adds an untimed run of, as a warm-up before
// an entry's first repetition or as the probe after its last: above it, the extra batch costs
// the suite's time budget more than it tells.
inline constexpr double max_untimed_batch_ns = 0.5e9;

// The report's `warm_up` field of an entry: what ran untimed before its timed batches.
inline constexpr const char* warm_up_none = "none";
inline constexpr const char* warm_up_first_repetition = "before-first-repetition";
inline constexpr const char* warm_up_every_repetition = "before-every-repetition";

// The time-out of a batch when the user gave none: ten times its nominal length, and at least
// a minute, so that it never trips on a slow machine yet ends a hung task. Every kind of entry
// takes its default from here.
std::chrono::milliseconds default_timeout_for_batch(double nominal_batch_ns);

// What the command line sets for every entry of a run.
struct entry_options {
  std::optional<long long> task_timeout_ms;  // --task-timeout-ms; else each entry's default
  bool warm_up = true;                       // --warm-up
  // --task-timeout-ms when given, else `fallback`.
  std::chrono::milliseconds timeout_or(std::chrono::milliseconds fallback) const {
    return task_timeout_ms ? std::chrono::milliseconds(*task_timeout_ms) : fallback;
  }
};

// What one repetition of an entry holds once it has started (a runner, a watchdog, ...), for
// the length of that repetition.
class repetition {
 public:
  virtual ~repetition() = default;
  // One timed iteration: sets the iteration time, or returns the error that ends the repetition.
  virtual std::optional<std::string> iterate(benchmark::State& state, std::stop_token stop) = 0;
  // After the timed loop, when at least one iteration was measured: the repetition's counters
  // and whatever runs untimed after the loop. An error fails the entry.
  virtual std::optional<std::string> finish(benchmark::State& state, std::stop_token stop) = 0;
};

class entry {
 public:
  entry(std::shared_ptr<entry_metadata> metadata, std::chrono::milliseconds timeout, bool warm_up);
  virtual ~entry() = default;
  entry(const entry&) = delete;
  entry& operator=(const entry&) = delete;

  const std::string& name() const { return metadata_->name; }
  // The report's fields, ideal and bound; the measurement adds its figures and timeline.
  entry_metadata& metadata() { return *metadata_; }
  const entry_metadata& metadata() const { return *metadata_; }
  // A batch (a start) running longer is stopped and fails the entry saying so; zero: never.
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Batches (or starts) per measured sample, the same on every machine.
  virtual int iterations() const = 0;
  // The --list estimate of the whole entry over `repetitions`, writing its rows included.
  double estimated_seconds(int repetitions) const;
  // Whether an untimed batch runs before its first repetition (--warm-up, for short batches).
  virtual bool warms_up() const { return false; }
  // Whether it needs the fork server (fork_server_dependency.hpp).
  virtual bool needs_fork_server() const = 0;
  // Everything a repetition needs before its timed loop, outside every sample: a runner, a
  // watchdog, an untimed warm-up batch. Throws with the error that fails the repetition.
  virtual std::unique_ptr<repetition> start_repetition(std::stop_token stop) = 0;

  // As its repetitions run (one per round: the rounds decide how many), which one this is
  // (from 1) and whether one failed.
  int repetitions_run = 0;
  bool failed = false;

 protected:
  // The estimate without writing the rows.
  virtual double estimated_run_seconds(int repetitions) const = 0;
  bool warm_up_asked() const { return warm_up_; }

 private:
  std::shared_ptr<entry_metadata> metadata_;
  std::chrono::milliseconds timeout_;
  bool warm_up_;
};

// Google Benchmark's function body for one repetition of any entry.
void measure_repetition(benchmark::State& state, entry& measured, std::stop_token stop);

// Fails this repetition before its timed loop has started, as SkipWithError would — but from
// inside the loop, so that its row has the iterations of a measured sample: Google Benchmark
// 1.7.1 aborts the whole run ("ComputeStats: Check `(run_iterations) == (run.iterations)'
// failed") when an entry with two measured repetitions also has one with another count, and a
// repetition skipped before its loop counts 0. With random interleaving an interrupted run has
// many such entries (measured repetitions, then ones the stop reached before they started).
// (Run one repetition per Google Benchmark run, as the rounds do, the check cannot trip; the
// iterations are kept for any other use.)
void skip_repetition(benchmark::State& state, const std::string& message);

// The error of an entry that the run's stop (Ctrl-C) reached before it started (`repetition`
// 1), and of one repetition that it reached before it started when others of the entry ran
// (in a round every entry may be partly measured when the stop comes). It names
// the workload and the model ("interrupted: the run was stopped before cpu under threads
// started") and starts with "interrupted" (the progress line looks for it).
std::string interrupted_before(std::string_view workload, std::string_view model, int repetition);

}  // namespace concbench
