#pragma once
// A start-up entry (entry.hpp), for the `startup` workload: each iteration gets W worker
// processes ready (runners/process/launch_floor.hpp) and the time until the last hello is the
// manual time; stopping and reaping them is outside it, in both the manual and the process CPU
// time. A model's ideal and bound are its floor's median in the same report
// (entry_metadata::ideal_entry); a floor is its own ideal.
//
// Its time-out is checked once a start has ended rather than watched while it runs (task
// watchdog): a start cannot be stopped half-way, but it never lasts long, as every worker not
// ready within process_pool::hello_timeout is killed. A start lasting longer fails the entry,
// its workers stopped and reaped first.

#include <chrono>
#include <memory>

#include "benchmarks/entries/entry.hpp"
#include "benchmarks/suites/suite.hpp"

namespace concbench {

class startup_entry final : public entry {
 public:
  startup_entry(startup_plan plan, std::shared_ptr<entry_metadata> metadata, const entry_options& options);

  int iterations() const override;
  bool needs_fork_server() const override;
  std::unique_ptr<repetition> start_repetition(std::stop_token stop) override;

  const startup_plan& plan() const { return plan_; }

 protected:
  double estimated_run_seconds(int repetitions) const override;

 private:
  startup_plan plan_;
};

// The time-out of a start-up entry when the user gave none: a minute, as for a task entry
// whose batch is short (default_task_timeout).
inline constexpr std::chrono::milliseconds default_startup_timeout{60'000};

// The report's fields of a start-up entry: workload "startup", the subject as its model,
// W workers and tasks, params {"workers": W}, a cold pool, blocking; its ideal is its floor's.
entry_metadata describe_entry(const startup_plan& plan);

}  // namespace concbench
