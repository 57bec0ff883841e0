#pragma once
// The entries of a run, of every kind: which of the suite's plans the filter selects, the
// entries made of them, their --list estimate and their registration with Google Benchmark.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"
#include "benchmarks/entries/entry.hpp"
#include "benchmarks/entries/entry_selection.hpp"
#include "benchmarks/suites/scenario_suite.hpp"
#include "benchmarks/suites/suite.hpp"
#include "workloads/calibration/machine_constants.hpp"

namespace concbench {

// What a run plans, in the order it runs: task entries, then start-up, then scenario entries.
struct run_plans {
  std::vector<entry_plan> tasks;
  std::vector<startup_plan> startups;
  std::vector<scenario_plan> scenarios;

  std::size_t size() const { return tasks.size() + startups.size() + scenarios.size(); }
};

// The chosen suite's plans with the command line's replacements. Throws cli_error.
run_plans plan_run(const cli_options& options);

// How each planned entry is registered (its name and iterations), in run order. `repetitions`:
// set on every entry unless --benchmark_repetitions was given.
std::vector<entry_registration> registrations_of(const run_plans& plans, std::optional<int> repetitions);

// The names of the entries --benchmark_filter selects, as Google Benchmark selects them
// (entry_selection.hpp). Throws bad_filter.
std::set<std::string> selected_entries(const std::string& filter, const run_plans& plans,
                                       std::optional<int> repetitions);

using entry_list = std::vector<std::unique_ptr<entry>>;

// An entry of each selected plan, in run order, described for this machine's `constants` and
// added to `registry`.
entry_list build_entries(const run_plans& plans, const std::set<std::string>& selected,
                         const machine_constants& constants, entry_registry& registry, const entry_options& options);

// The --list estimate of the whole run.
double estimated_seconds(const entry_list& entries, int repetitions);

// Registers the entries `order` names (indices into `entries`) with Google Benchmark for one
// round, in that order: one repetition each (Google Benchmark's own repetitions and random
// interleaving stay off; the rounds do both), measured under `stop`. `done` is called at the
// end of each repetition, measured or not, with the entry's index and the wall time its
// repetition took (untimed work included). Clears what an earlier round registered. `entries`
// and `done` must outlive the round.
void register_round(entry_list& entries, const std::vector<std::size_t>& order, std::stop_token stop,
                    std::function<void(std::size_t index, double wall_seconds)> done);

}  // namespace concbench
