#pragma once
// The run as rounds (docs/design.md "How a benchmark is timed"): each round registers the
// entries the planner (benchmarks/entries/round_plan.hpp) keeps active, in its order, calls
// Google Benchmark's RunSpecifiedBenchmarks once and hands what each repetition measured back
// to the planner, until it says the rounds are over or the run is stopped (Ctrl-C, a failed
// write): the stop ends the round in progress (its entries left say "interrupted") and no
// other starts.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>

#include "benchmarks/cli/progress_display.hpp"
#include "benchmarks/entries/entry_set.hpp"
#include "benchmarks/entries/round_plan.hpp"
#include "reports/report_collector.hpp"

namespace concbench {

struct rounds_outcome {
  std::size_t runs = 0;  // Google Benchmark runs (repetitions), measured or not
  double seconds = 0;    // the rounds' wall time
};

rounds_outcome run_rounds(entry_list& entries, round_planner& planner, report_collector& collector,
                          progress_display& progress, std::stop_token stop);

// The report's `precision` context: target_pct, budget_s, seed, rounds, reached, entries and
// not_run (names), as the planner stands.
nlohmann::json precision_context(const round_planner& planner, const entry_list& entries);

// "p25 24.1 ms [23.8, 24.6]" for the samples (in ns) so far; empty without any.
std::string lead_text(std::span<const double> samples_ns);

// The closing line: how many entries reached the precision, in how many rounds, the budget
// used, and why the rounds stopped.
std::string closing_line(const round_planner& planner, double seconds);

}  // namespace concbench
