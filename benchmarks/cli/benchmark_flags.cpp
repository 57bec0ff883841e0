#include "benchmarks/cli/benchmark_flags.hpp"

#include <climits>
#include <map>
#include <utility>
#include <vector>

#include "benchmarks/cli/cli_values.hpp"

namespace concbench {
namespace {

// Flags that would bypass or break concbench's report, or that have no effect in it: refused
// with the reason and the alternative, if there is one.
const std::vector<std::pair<std::string, std::string>> refused_benchmark_flags{
    {"benchmark_out", "concbench writes its report itself: use --out=PATH"},
    {"benchmark_out_format", "concbench's report is always JSON: use --out=PATH"},
    {"benchmark_format", "concbench's console output is its progress lines; the report is JSON (--out)"},
    {"benchmark_list_tests", "use --list to see the entries a run would execute"},
    // Google Benchmark's warm-up calls an entry's function again and again with growing
    // iteration counts (a batch each), which concbench would count as repetitions.
    {"benchmark_min_warmup_time", "concbench warms each entry up itself with one untimed batch: see --warm-up"},
    // Every entry has a fixed Iterations() (a sample of whole batches): Google Benchmark then
    // takes the first run as significant and never looks at the minimum time.
    {"benchmark_min_time",
     "every entry runs a fixed number of batches per repetition, so Google Benchmark ignores it; "
     "use --benchmark_repetitions=N for more samples"},
    // configure() (main.cpp) sets ReportAggregatesOnly(false) on every entry, which overrides
    // both flags; concbench's report and charts need every repetition anyway.
    {"benchmark_report_aggregates_only",
     "concbench's report keeps every repetition (its medians and intervals are computed from them)"},
    {"benchmark_display_aggregates_only",
     "concbench's console shows its own progress lines, and its report keeps every repetition"},
    // Google Benchmark 1.7.1 CHECK-aborts when the counters cannot be opened (as on a virtual machine without hardware
    // counters), after calibration, leaving a half-written report.
    {"benchmark_perf_counters", "concbench does not read hardware counters (Google Benchmark aborts when it cannot)"},
    // concbench's collector is the display reporter: Google Benchmark's console reporter, the
    // only reader of these two, never runs.
    {"benchmark_color", "concbench's console output is its own progress lines, which have no colours"},
    {"benchmark_counters_tabular",
     "concbench's console output is its own progress lines; the counters are in the report"},
    // configure() sets Unit(kMillisecond) on every entry, which overrides the default unit.
    {"benchmark_time_unit",
     "every report row names its own time_unit and the progress lines choose theirs; plot/ "
     "converts"},
};

// key=value[,key=value...]: Google Benchmark's syntax, checked as strictly (one '=' per pair,
// no key twice) and also without an empty key.
std::map<std::string, std::string> parse_context_pairs(const std::string& flag, const std::string& text) {
  std::map<std::string, std::string> pairs;
  std::size_t begin = 0;
  while (true) {
    const auto comma = text.find(',', begin);
    const std::string pair = text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    const auto equals = pair.find('=');
    if (equals == std::string::npos || equals == 0 || pair.find('=', equals + 1) != std::string::npos) {
      throw cli_error(flag + ": '" + pair + "' is not key=value (the value is key=value[,key=value...])");
    }
    if (!pairs.emplace(pair.substr(0, equals), pair.substr(equals + 1)).second) {
      throw cli_error(flag + ": key '" + pair.substr(0, equals) + "' is given twice");
    }
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return pairs;
}

std::string required(const std::string& flag, const std::optional<std::string>& value) {
  if (!value || value->empty()) throw cli_error(flag + " needs a value, e.g. " + flag + "=...");
  return *value;
}

}  // namespace

bool apply_benchmark_flag(const std::string& flag, const std::optional<std::string>& value, cli_options& options,
                          const std::function<void(const std::string& flag, bool on)>& set_interleaving) {
  const std::string name = flag.substr(2);
  for (const auto& [refused, why] : refused_benchmark_flags) {
    if (name == refused) throw cli_error(flag + " is not supported: " + why);
  }
  const std::string argument = value ? flag + "=" + *value : flag;
  if (name == "benchmark_filter") {
    // Whether it is a valid regular expression, and selects anything, main checks against the
    // entries.
    required(flag, value);
    options.benchmark_flags.push_back(argument);
  } else if (name == "benchmark_repetitions") {
    const auto text = required(flag, value);
    const auto repetitions = parse_whole(flag, text);
    if (repetitions < 1) throw cli_error(flag + ": " + text + " must be at least 1");
    if (repetitions > max_repetitions) {
      throw cli_error(flag + ": " + text + " is above " + std::to_string(max_repetitions) +
                      ": at 10000 a median's 95 % interval already spans only the 49th to 51st percentile");
    }
    options.repetitions_given = true;
    options.repetitions_value = static_cast<int>(repetitions);
    options.benchmark_flags.push_back(argument);
  } else if (name == "benchmark_enable_random_interleaving") {
    // concbench passes its own decision on (cli_options::interleaving), not this flag.
    set_interleaving(flag, parse_switch(flag, value));
  } else if (name == "benchmark_context") {
    // Recorded in the report's context by concbench: Google Benchmark's custom context reaches
    // only its own reporters, which concbench does not use.
    options.benchmark_context = parse_context_pairs(flag, required(flag, value));
  } else if (name == "v") {
    const auto text = required(flag, value);
    const auto level = parse_whole(flag, text);
    if (level < 0) throw cli_error(flag + ": " + text + " must be 0 or more");
    if (level > INT_MAX)
      throw cli_error(flag + ": " + text + " is out of range (at most " + std::to_string(INT_MAX) + ")");
    options.benchmark_flags.push_back(argument);
  } else {
    return false;
  }
  return true;
}

}  // namespace concbench
