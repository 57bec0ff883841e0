#pragma once
// concbench's collector: Google Benchmark's *display* reporter (1.7.1 exits when given a file
// reporter without --benchmark_out). It turns every run into a report row and rewrites the
// report and its timeline file atomically after each entry, `complete: false` until
// Finalize(). Progress is handed to a callback, so the console format lives in benchmarks/.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "entry_metadata.hpp"
#include "report_document.hpp"

namespace concbench {

class report_collector final : public benchmark::BenchmarkReporter {
 public:
  using entry_done = std::function<void(const entry_metadata& entry, const std::vector<nlohmann::json>& rows)>;

  // `concbench_context`: the keys concbench adds to Google Benchmark's context.
  report_collector(std::filesystem::path report_path, nlohmann::json concbench_context,
                   const entry_registry& entries, entry_done on_entry_done);

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  const std::filesystem::path& report_path() const { return report_path_; }
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
  // A write failed (disk full, directory removed): the message, else empty.
  const std::string& write_error() const { return write_error_; }

 private:
  void write(bool complete);

  std::filesystem::path report_path_;
  nlohmann::json concbench_context_;
  const entry_registry& entries_;
  entry_done on_entry_done_;
  std::optional<report_document> document_;
  bool any_failed_ = false;
  std::string write_error_;
  std::function<std::string()> interrupted_by_;
  std::function<nlohmann::json()> end_context_;
};

// Google Benchmark's JSON fields of one run, as its own JSON reporter writes them.
nlohmann::json run_fields(const benchmark::BenchmarkReporter::Run& run);
// Google Benchmark's context fields, as its own JSON reporter writes them.
nlohmann::json benchmark_context_fields(const benchmark::BenchmarkReporter::Context& context);

// r.json -> r.timelines.json
std::filesystem::path timelines_path_for(const std::filesystem::path& report_path);

}  // namespace concbench
