#pragma once
// concbench's collector: Google Benchmark's *display* reporter (1.7.1 exits when given a file
// reporter without --benchmark_out). It turns every run into a report row. While the run goes
// on, it rewrites a *partial* report beside the destination (r.json -> r.partial.json, with its
// own timeline file), atomically, at most once a second and never more than a tenth of the
// time (write_policy): a report of many repetitions is large, and rewriting it after every row
// made the run's cost grow with the square of its rows. The destination itself is written once,
// by Finalize(), and only then are the partial files removed: a run that dies, or whose disk
// fills, leaves the previous report at the destination as it was. Progress is handed to a
// callback, so the console format lives in benchmarks/.
//
// Rounds (benchmarks/rounds.cpp) call Google Benchmark's RunSpecifiedBenchmarks once per round,
// and Google Benchmark calls ReportContext and Finalize in each: the collector keeps one
// report across them (the first context makes it), and once set_round() has been called, a
// Finalize only ends a round (a partial write, as the policy allows); finish() writes the
// report. Each iteration row then carries its `round`, and its `repetition_index` counts the
// entry's own repetitions so far (Google Benchmark's is 0 in every round).

#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/entry_metadata.hpp"
#include "reports/report_document.hpp"

namespace concbench {

// What one whole write of the report costs per row (deriving, serialising, writing: 8 to 15 us
// on a 2-vCPU KVM guest at 500 to 40,000 rows, the more the busier the host; BENCHMARKS.md
// "Report writer"). --list counts two whole writes per row: the final one, and the partial ones
// the write_policy allows.
inline constexpr double write_seconds_per_row = 15e-6;

// r.json -> r.timelines.json
std::filesystem::path timelines_path_for(const std::filesystem::path& report_path);
// r.json -> r.partial.json (r -> r.partial): the report while the run goes on.
std::filesystem::path partial_path_for(const std::filesystem::path& report_path);

class report_collector final : public benchmark::BenchmarkReporter {
 public:
  using entry_done = std::function<void(const entry_metadata& entry, const std::vector<nlohmann::json>& rows)>;

  // `concbench_context`: the keys concbench adds to Google Benchmark's context.
  // How often the partial report may be rewritten: after at least `min_interval`, and after at
  // least `cost_multiple` times as long as the last rewrite took.
  struct write_policy {
    std::chrono::milliseconds min_interval{1000};
    double cost_multiple = 10;
  };

  report_collector(std::filesystem::path report_path, nlohmann::json concbench_context, const entry_registry& entries,
                   entry_done on_entry_done, write_policy policy);
  report_collector(std::filesystem::path report_path, nlohmann::json concbench_context, const entry_registry& entries,
                   entry_done on_entry_done)
      : report_collector(std::move(report_path), std::move(concbench_context), entries, std::move(on_entry_done),
                         write_policy{}) {}

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // The round whose rows come next (from 0); from the first call on, Finalize() ends a round
  // and finish() ends the run.
  void set_round(int round) { round_ = round; }
  // The end of a run of rounds: what Finalize() does for a single run.
  void finish();
  // Called for each iteration row as it arrives (the row as Google Benchmark's JSON has it,
  // with the collector's repetition_index and round).
  void set_repetition_reported(std::function<void(const entry_metadata& entry, const nlohmann::json& row)> reported) {
    repetition_reported_ = std::move(reported);
  }
  // Sets top-level context keys of the report being collected (once ReportContext has run).
  void update_context(const nlohmann::json& keys);

  const std::filesystem::path& report_path() const { return report_path_; }
  // Where the rows are while the run goes on (r.partial.json), and whether it has been written.
  std::filesystem::path partial_path() const { return partial_path_for(report_path_); }
  bool partial_written() const { return partial_written_; }
  bool any_row() const { return rows_ > 0; }
  std::size_t rows() const { return rows_; }
  // How many times the partial report was rewritten, and their total time.
  std::size_t partial_writes() const { return partial_writes_; }
  std::chrono::nanoseconds partial_write_time() const { return partial_write_time_; }
  // An entry's rows as the report has them now (with derived fields); empty before its first.
  std::vector<nlohmann::json> rows_of(const std::string& entry_name) const;
  std::filesystem::path timelines_path() const;
  bool any_entry_failed() const { return any_failed_; }
  // Asked at every write: the signal that interrupted the run ("SIGINT"), or empty. An
  // interrupted run's report says so in its context and is never marked complete.
  void set_interruption(std::function<std::string()> interrupted_by) { interrupted_by_ = std::move(interrupted_by); }
  // Called once when the run ends (Finalize), before the last write: context keys to set,
  // e.g. the machine's state at the end (environment_check.hpp).
  void set_end_of_run(std::function<nlohmann::json()> end_context) { end_context_ = std::move(end_context); }
  // Called once, at the first failed write: the run should stop (nothing later can be saved
  // where it belongs). Finalize() then writes nothing, and the destination stays as it was.
  void set_write_failed(std::function<void(const std::string& error)> on_failure) {
    on_write_failed_ = std::move(on_failure);
  }
  // A write failed (disk full, a file size limit, directory removed): the message, else empty.
  const std::string& write_error() const { return write_error_; }

 private:
  // The partial report, if the policy allows one now (or `now_anyway`).
  void write_partial(bool now_anyway);
  // Writes report and timelines to `report_path`; false after recording a failure.
  bool write_to(const std::filesystem::path& report_path, bool complete);
  void remove_partial_files() const;

  std::filesystem::path report_path_;
  nlohmann::json concbench_context_;
  const entry_registry& entries_;
  entry_done on_entry_done_;
  write_policy policy_;
  std::optional<report_document> document_;
  std::size_t rows_ = 0;
  bool partial_written_ = false;
  std::size_t partial_writes_ = 0;
  std::chrono::nanoseconds partial_write_time_{0};
  std::chrono::steady_clock::time_point next_partial_write_{};
  std::function<void(const std::string&)> on_write_failed_;
  bool any_failed_ = false;
  std::string write_error_;
  std::function<std::string()> interrupted_by_;
  std::function<nlohmann::json()> end_context_;
  std::optional<int> round_;
  std::map<std::string, long long> repetitions_reported_;  // iteration rows per entry, for repetition_index
  std::function<void(const entry_metadata&, const nlohmann::json&)> repetition_reported_;
};

// Google Benchmark's JSON fields of one run, as its own JSON reporter writes them.
nlohmann::json run_fields(const benchmark::BenchmarkReporter::Run& run);
// Google Benchmark's context fields, as its own JSON reporter writes them.
nlohmann::json benchmark_context_fields(const benchmark::BenchmarkReporter::Context& context);

}  // namespace concbench
