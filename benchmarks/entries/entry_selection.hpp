#pragma once
// Which entries --benchmark_filter selects. Google Benchmark matches the filter against the names
// it gives its runs ("cpu/threads/W:2/pool:cold/scale:1/iterations:3/process_time/manual_time"), with its own regular
// expression engine, which accepts less than std::regex does
// (`\d`, `\/` are refused). concbench asks Google Benchmark itself, entry by entry, so that what
// --list shows, what the run measures and what the report holds can never differ: a filter that
// concbench and Google Benchmark read differently would run nothing, exit 0 and leave an older
// report in place as if new.

#include <benchmark/benchmark.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace concbench {

// How an entry is registered with Google Benchmark: what its run name is made of.
struct entry_registration {
  std::string name;                // concbench's entry name
  int iterations = 1;              // batches per repetition
  std::optional<int> repetitions;  // set per entry unless --benchmark_repetitions was given
};

// Every entry is timed the same way (manual time: the runner's own interval; the process's CPU
// time; milliseconds; every repetition reported).
void configure_registration(benchmark::internal::Benchmark* registered, const entry_registration& entry);

// A --benchmark_filter Google Benchmark cannot compile.
class bad_filter : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// For each entry, whether Google Benchmark's filter selects it (an empty filter, "all" and "."
// select everything; a leading '-' negates). Registers and clears probe benchmarks of the same
// shape: call it before the real entries are registered. Throws bad_filter with Google
// Benchmark's reason.
std::vector<bool> entries_selected_by(const std::string& filter, const std::vector<entry_registration>& entries);

// What an error about a filter that selects nothing adds: how Google Benchmark names its runs.
std::string run_name_hint();

}  // namespace concbench
