#pragma once
// concbench's command line. Parsed and validated completely before Google Benchmark sees
// anything (its Initialize() exits 0 on --help and on some bad flags: docs/pitfalls.md
// "Google Benchmark 1.7.1").

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runners/batch/model.hpp"

namespace concbench {

struct cli_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A W as given: a number, or `py-default` (Python's ThreadPoolExecutor default).
struct worker_count {
  int value = 1;
  std::string label;  // "2", "py-default"
  bool operator==(const worker_count&) const = default;
};

struct cli_options {
  std::string suite = "default";
  // Each, when given, replaces the suite's own list.
  std::optional<std::vector<std::string>> workloads;
  std::optional<std::vector<model_kind>> models;
  std::optional<std::vector<worker_count>> workers;
  std::optional<std::vector<double>> cpu_scales;
  double time_scale = 1.0;
  // http: the server to fetch from (default: concbench starts its own on 127.0.0.1), the K
  // values coroutines sweep, and how long one request may take before it fails.
  std::optional<std::string> http_url;
  std::optional<std::vector<std::size_t>> http_inflight;
  std::optional<int> http_tasks;        // N, replacing the suite's
  std::optional<double> http_delay_ms;  // the server's delay L, replacing the suite's
  double http_timeout_ms = 10'000;
  // A task running longer than this stops its batch; 0 turns the time-out off; absent: a
  // generous time-out per entry (default_task_timeout()).
  std::optional<long long> task_timeout_ms;
  std::optional<std::string> out;
  bool help = false;
  bool list = false;
  bool force = false;                        // --force: --out may replace a file that is not a concbench report
  std::vector<std::string> benchmark_flags;  // Google Benchmark's own, passed through
  // --benchmark_context's key=value pairs, recorded in the report's context (benchmark_flags.hpp).
  std::map<std::string, std::string> benchmark_context;
  bool repetitions_given = false;  // --benchmark_repetitions was passed
  int repetitions_value = 0;       // its value (for --list's estimate)
  // Repetitions of different entries in a random order (--interleaving, or Google Benchmark's
  // --benchmark_enable_random_interleaving), so a slow phase of the machine spreads over every
  // entry instead of hitting one entry's repetitions. On unless turned off.
  bool interleaving = true;
  // One untimed batch before an entry's first timed repetition (--warm-up). On unless turned off.
  bool warm_up = true;
  // --precision=P%: an entry stops once its lead interval's half-width is within P % of its
  // lead estimate; --budget: the rounds stop when the next would not fit. Absent: the suite's
  // (suite.hpp); refused beside --benchmark_repetitions, which runs exactly N rounds.
  std::optional<double> precision_pct;
  std::optional<double> budget_seconds;
  // --seed: the seed of the rounds' order; absent: a random one, printed and recorded.
  std::optional<std::uint64_t> seed;
};

// Throws cli_error with a one-line message naming the flag and what is wrong: a bad value, an
// unknown flag, a flag given twice. Reads no file and starts nothing (the fuzz target calls it).
cli_options parse_cli(const std::vector<std::string>& args);

std::string help_text();

inline constexpr int max_workers = 10'000;  // pid_max is per system: docs/pitfalls.md "The machine"
inline constexpr double max_cpu_scale = 1'000;
inline constexpr double max_time_scale = 100;
// At 0.001 the suites' shortest wait (the http server's 5 ms delay) lasts 5 us; far below, a
// 1 ms sleep would last under a microsecond, which no sleep or clock here resolves.
inline constexpr double min_time_scale = 0.001;
inline constexpr int max_http_tasks = 100'000;              // N of an http batch, and K
inline constexpr double max_http_delay_option_ms = 60'000;  // --http-delay-ms: a minute per request
// --benchmark_repetitions: at 10,000 a median's 95 % interval (order statistics 4,902 to 5,098)
// spans only the 49th to 51st percentile; beyond, a run is a soak test, not a measurement,
// while its report (about 1 KB a row) and Ctrl-C's time to skip what is left keep growing.
inline constexpr int max_repetitions = 10'000;
inline constexpr long long max_task_timeout_ms = 24LL * 3600 * 1000;
// --precision: above 0 and at most 100 % (an interval twice its estimate's size says nothing).
inline constexpr double max_precision_pct = 100;
// --budget: at most a day, as a run (max_run_seconds).
// --seed: at most 2^53 - 1, so that every JSON reader keeps the recorded seed exact.
inline constexpr std::uint64_t max_seed = (std::uint64_t{1} << 53) - 1;
// A run whose --list estimate is longer than this is refused as a mistake (a scale, a count).
inline constexpr double max_run_seconds = 24.0 * 3600;

}  // namespace concbench
