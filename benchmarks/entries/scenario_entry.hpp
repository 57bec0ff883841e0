#pragma once
// A scenario entry (entry.hpp): one scenario batch per iteration, the scenario's own interval
// as the manual time (its workers start before it and are reaped after it). The scenario's
// verified figures become the entry's counters (lost_updates, ns_per_update, items_per_second,
// ...), each the mean over the sample's iterations. Before its first repetition it runs one
// untimed batch, as a task entry does, when its nominal batch is under max_untimed_batch_ns.

#include <chrono>
#include <memory>

#include "benchmarks/entries/entry.hpp"
#include "benchmarks/suites/scenario_suite.hpp"

namespace concbench {

class scenario_entry final : public entry {
 public:
  scenario_entry(scenario_plan plan, std::shared_ptr<entry_metadata> metadata, const entry_options& options);

  int iterations() const override;
  bool warms_up() const override;
  bool needs_fork_server() const override;
  std::unique_ptr<repetition> start_repetition(std::stop_token stop) override;

  const scenario_plan& plan() const { return plan_; }

 protected:
  double estimated_run_seconds(int repetitions) const override;

 private:
  scenario_plan plan_;
};

// The time-out of a scenario entry when the user gave none: default_timeout_for_batch of its
// nominal batch.
std::chrono::milliseconds default_task_timeout(const scenario_plan& plan);

// The report's fields of a scenario entry. A scenario has no ideal or bound yet
// (docs/design.md "Ideal and bound" defines them for workloads only): both are 0, so the report
// carries no efficiency for it; speedup compares to the sequential entry of the same scenario
// and parameters.
entry_metadata describe_entry(const scenario_plan& plan);

}  // namespace concbench
