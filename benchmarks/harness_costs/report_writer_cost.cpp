// What one whole write of a report costs against its number of rows: the `--list` estimate's
// write_seconds_per_row (report_collector.hpp) and BENCHMARKS.md "Report writer" come from it.
// It builds a report_document of ROWS repetitions of ENTRIES entries, each row shaped like an
// iteration row of the `empty` workload (a dozen counters), then times, REPETITIONS times, the
// three steps of a write: deriving every row's fields, serialising, writing through a temporary
// file and a rename. It prints the median of each step and of the whole, per row.
//
// Usage: concbench_report_writer_cost [ROWS per entry (default 10000)] [ENTRIES (default 1)]
//                                     [REPETITIONS (default 5)] [DIRECTORY (default /tmp)]

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reports/atomic_file.hpp"
#include "reports/entry_metadata.hpp"
#include "reports/report_document.hpp"
#include "workloads/median.hpp"

namespace {

using namespace concbench;
using clock_type = std::chrono::steady_clock;

bool parse(const char* text, long long low, long long high, long long& value) {
  const std::string_view view(text);
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  return error == std::errc() && end == view.data() + view.size() && value >= low && value <= high;
}

}  // namespace

int main(int argc, char** argv) {
  long long rows = 10'000, entries = 1, repetitions = 5;
  if ((argc > 1 && !parse(argv[1], 1, 10'000'000, rows)) || (argc > 2 && !parse(argv[2], 1, 1'000, entries)) ||
      (argc > 3 && !parse(argv[3], 1, 1'000, repetitions)) || argc > 5) {
    std::fprintf(stderr,
                 "usage: concbench_report_writer_cost [ROWS 1..10000000] [ENTRIES 1..1000] "
                 "[REPETITIONS 1..1000] [DIRECTORY]\n");
    return 2;
  }
  const std::filesystem::path directory = argc > 4 ? argv[4] : "/tmp";
  const auto path = directory / ("concbench-writer-cost-" + std::to_string(::getpid()) + ".json");

  report_document document(nlohmann::json{{"concbench_schema_version", concbench_schema_version}});
  std::vector<std::shared_ptr<const entry_metadata>> metadata;
  for (long long e = 0; e < entries; ++e) {
    auto entry = std::make_shared<entry_metadata>();
    entry->name = "empty/threads/W:2/pool:cold/N:" + std::to_string(1000 + e);
    entry->fields = {{"workload", "empty"},
                     {"model", "threads"},
                     {"workers", 2},
                     {"pool", "cold"},
                     {"params", {{"tasks", 1000 + e}}}};
    entry->ideal_ns = entry->bound_ns = 1e6;
    entry->comparison_key = "empty " + std::to_string(e);
    entry->is_sequential = e == 0;
    metadata.push_back(std::move(entry));
  }
  for (long long r = 0; r < rows; ++r) {
    for (long long e = 0; e < entries; ++e) {
      nlohmann::json row = {{"name", metadata[e]->name},
                            {"run_type", "iteration"},
                            {"repetition_index", r},
                            {"repetitions", rows},
                            {"iterations", 1},
                            {"threads", 1},
                            {"real_time", 1.0 + 0.001 * static_cast<double>(r % 97)},
                            {"cpu_time", 1.0},
                            {"time_unit", "ms"}};
      for (int c = 0; c < 12; ++c) row["counter_" + std::to_string(c)] = 1.5 * c;
      document.add_row(std::move(row), metadata[e]);
    }
  }

  std::vector<double> derive, serialise, write, whole;
  std::size_t bytes = 0;
  for (long long i = 0; i < repetitions; ++i) {
    const auto began = clock_type::now();
    const auto report = document.report(true, "t.json");
    const auto derived = clock_type::now();
    const auto text = report.dump(2);
    const auto serialised = clock_type::now();
    write_file_atomically(path, text);
    const auto written = clock_type::now();
    bytes = text.size();
    const auto seconds = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
    derive.push_back(seconds(began, derived));
    serialise.push_back(seconds(derived, serialised));
    write.push_back(seconds(serialised, written));
    whole.push_back(seconds(began, written));
  }
  std::filesystem::remove(path);
  const double total_rows = static_cast<double>(rows * entries);
  std::printf(
      "rows %.0f (%lld entries x %lld), %.1f MB, median of %lld writes: derive %.3f s, serialise %.3f s, "
      "write %.3f s, whole %.3f s = %.1f us per row\n",
      total_rows, entries, rows, static_cast<double>(bytes) / 1e6, repetitions, median(derive), median(serialise),
      median(write), median(whole), median(whole) / total_rows * 1e6);
  return 0;
}
