// libFuzzer target: concbench's command line (parse_cli, with Google Benchmark's flags in
// benchmark_flags.cpp and the value readers in cli_values.cpp). The input is split into
// arguments at each newline (a NUL byte stays inside its argument). Every command line must
// either parse or be refused with cli_error carrying one line of text (never a crash, a hang,
// another exception), and what parses must be within the limits the rest of concbench relies on.
// plan_suite()/plan_scenarios() are not called: they build the workloads, which pull in Asio and
// Beast, and this build compiles only the parser (tests/fuzz/CMakeLists.txt).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"

namespace {

using namespace concbench;

void check(bool condition) {
  if (!condition) __builtin_trap();  // libFuzzer records the input that got here
}

void check_limits(const cli_options& options) {
  check(options.time_scale >= min_time_scale && options.time_scale <= max_time_scale);
  if (options.workers) {
    for (const auto& w : *options.workers) check(w.value >= 1 && w.value <= max_workers && !w.label.empty());
  }
  if (options.cpu_scales) {
    for (const double scale : *options.cpu_scales) check(scale > 0 && scale <= max_cpu_scale);
  }
  if (options.http_tasks) check(*options.http_tasks >= 1 && *options.http_tasks <= max_http_tasks);
  if (options.http_delay_ms) check(*options.http_delay_ms >= 0 && *options.http_delay_ms <= max_http_delay_option_ms);
  if (options.task_timeout_ms) check(*options.task_timeout_ms >= 0 && *options.task_timeout_ms <= max_task_timeout_ms);
  if (options.repetitions_given) check(options.repetitions_value >= 1 && options.repetitions_value <= max_repetitions);
  if (options.out) check(!options.out->empty());
  if (options.help) check(!help_text().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> arguments;
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      arguments.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  if (!current.empty()) arguments.push_back(current);
  try {
    check_limits(parse_cli(arguments));
  } catch (const cli_error& e) {
    const std::string message = e.what();
    check(!message.empty() && message.find('\n') == std::string::npos);
  }
  return 0;
}
