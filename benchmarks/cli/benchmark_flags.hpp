#pragma once
// Google Benchmark 1.7.1's own flags on concbench's command line. Google Benchmark checks them
// only in Initialize(), which concbench reaches after calibration and after starting its http
// server, and then aborts (--benchmark_perf_counters), exits 0 (--benchmark_format) or takes a
// typo as true (a boolean): so every value is checked here, before anything runs. Each flag is
// passed through, handled by concbench itself, or refused with the reason.

#include <functional>
#include <optional>
#include <string>

#include "benchmarks/cli/cli_options.hpp"

namespace concbench {

// Applies `flag` (e.g. "--benchmark_filter") with its value, if given, to `options`, and returns
// true; returns false when `flag` is not one of Google Benchmark's. Throws cli_error, naming the
// flag, for a bad value or a flag concbench refuses. `set_interleaving` receives
// --benchmark_enable_random_interleaving (concbench's --interleaving says the same).
bool apply_benchmark_flag(const std::string& flag, const std::optional<std::string>& value, cli_options& options,
                          const std::function<void(const std::string& flag, bool on)>& set_interleaving);

}  // namespace concbench
