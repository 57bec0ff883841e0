#pragma once
// Running one repetition of an entry through Google Benchmark, as a round of concbench does,
// and keeping what Google Benchmark reports, as concbench's collector does.

#include <benchmark/benchmark.h>

#include <stop_token>
#include <string>
#include <vector>

#include "benchmarks/entries/entry.hpp"

namespace concbench {

// Collects what Google Benchmark reports.
class collecting_reporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override { rows.insert(rows.end(), runs.begin(), runs.end()); }
  std::vector<Run> rows;
};

// One repetition of `measured` registered as `name`, run and cleared; the rows it reported.
inline std::vector<benchmark::BenchmarkReporter::Run> run_one_repetition(const std::string& name, entry& measured,
                                                                         std::stop_token stop = {}) {
  benchmark::RegisterBenchmark(
      name.c_str(), [&measured, stop](benchmark::State& state) { measure_repetition(state, measured, stop); })
      ->Iterations(1)
      ->Repetitions(1)
      ->UseManualTime()
      ->ReportAggregatesOnly(false);
  collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, name);
  benchmark::ClearRegisteredBenchmarks();
  return reporter.rows;
}

}  // namespace concbench
