#include "benchmarks/entries/entry_selection.hpp"

#include <sstream>

namespace concbench {
namespace {

// A display reporter that refuses the run: Google Benchmark then matches the filter, reports
// what it could not compile on this reporter's error stream, and runs nothing.
class matching_only_reporter final : public benchmark::BenchmarkReporter {
 public:
  matching_only_reporter() {
    SetOutputStream(&discarded_);
    SetErrorStream(&errors_);
  }
  bool ReportContext(const Context&) override { return false; }
  void ReportRuns(const std::vector<Run>&) override {}
  std::string errors() const { return errors_.str(); }
  void clear() {
    errors_.str("");
    discarded_.str("");
  }

 private:
  std::ostringstream discarded_;
  std::ostringstream errors_;
};

constexpr std::string_view compile_failure = "Could not compile benchmark re: ";

}  // namespace

void configure_registration(benchmark::internal::Benchmark* registered, const entry_registration& entry) {
  registered->Iterations(entry.iterations)
      ->UseManualTime()
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kMillisecond)
      ->ReportAggregatesOnly(false);
  if (entry.repetitions) registered->Repetitions(*entry.repetitions);
}

std::vector<bool> entries_selected_by(const std::string& filter, const std::vector<entry_registration>& entries) {
  std::vector<bool> selected(entries.size(), true);
  if (filter.empty() || filter == "all") return selected;
  matching_only_reporter reporter;
  benchmark::ClearRegisteredBenchmarks();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    reporter.clear();
    configure_registration(benchmark::RegisterBenchmark(entries[i].name.c_str(), [](benchmark::State&) {}), entries[i]);
    selected[i] = benchmark::RunSpecifiedBenchmarks(&reporter, filter) > 0;
    benchmark::ClearRegisteredBenchmarks();
    const std::string errors = reporter.errors();
    if (const auto at = errors.find(compile_failure); at != std::string::npos) {
      std::string reason = errors.substr(at + compile_failure.size());
      if (const auto end = reason.find('\n'); end != std::string::npos) reason.resize(end);
      throw bad_filter("--benchmark_filter=" + filter +
                       " is not a regular expression Google Benchmark accepts: " + reason);
    }
  }
  return selected;
}

std::string run_name_hint() {
  return "Google Benchmark matches it against its run names, e.g. "
         "cpu/threads/W:2/pool:cold/scale:1/iterations:3/process_time/manual_time";
}

}  // namespace concbench
