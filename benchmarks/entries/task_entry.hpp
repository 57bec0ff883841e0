#pragma once
// A task entry (entry.hpp): a runner's batch of independent tasks, one batch per iteration, the
// runner's own interval as the manual time, verification outside it.
//
// Besides the times, each entry gets figures of two kinds:
// - from the timeline of each repetition's last timed batch (timeline_figures.hpp): task
//   latency percentiles and the overhead split, as counters of that repetition's row; the
//   timeline file shows, of those batches, the one closest to their median
//   (representative_batch.hpp);
// - from ONE extra untimed "probe" batch after the timed loop of the entry's first measured
//   repetition (resource_probe.hpp): memory and the CPU time and context switches of every
//   process involved, on the entry's iteration, mean and median rows. Not after its last: the
//   rounds only know an entry's last repetition once it has ended (its interval became precise
//   enough, or the budget ran out); after the first, as after the last, the probe lies outside
//   every timed sample, between other entries' repetitions.
//
// And before the timed samples, a warm-up (--warm-up, on by default): ONE untimed batch before
// the entry's first timed repetition, so the first sample does not pay for what only the first
// batch of an entry pays — page faults of fresh memory, the allocator growing its arenas, lazy
// symbol binding, thread stacks the C library has not cached yet, a CPU clock still ramping up
// after a quieter entry. A warm pool already runs untimed work before every repetition (that
// is what "warm" means): the batch's first 2·W tasks (warming_tasks), enough for every worker to
// have started and run the workload's tasks, not the whole batch, whose length would double
// the cost of every warm entry's repetition (a seventh of the default suite's five minutes on
// sleep, http and cpu at scale 100) for what its first tasks already did. It gets no second
// warm-up. Only batches under max_untimed_batch_ns
// are warmed up: a longer batch settles all of that within its own first milliseconds, so an
// extra batch would cost the suite's time budget (a whole batch per entry) for a difference
// lost in its own length. With random interleaving, an entry's repetitions are separated by
// other entries' batches, so caches are as cold before its second repetition as before its
// first: what the warm-up removes is the once-per-entry cost, and the interleaving spreads the
// rest over every entry alike.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "benchmarks/entries/entry.hpp"
#include "benchmarks/entries/representative_batch.hpp"
#include "benchmarks/suites/suite.hpp"
#include "runners/batch/batch_outcome.hpp"
#include "workloads/calibration/machine_constants.hpp"

namespace concbench {

class task_entry final : public entry {
 public:
  // `batch`: the plan's batch; `metadata`: describe_entry's, as the run's registry holds it.
  task_entry(entry_plan plan, std::vector<task_spec> batch, std::shared_ptr<entry_metadata> metadata,
             machine_constants constants, const entry_options& options);

  int iterations() const override;
  bool warms_up() const override;
  bool needs_fork_server() const override;
  std::unique_ptr<repetition> start_repetition(std::stop_token stop) override;

  const entry_plan& plan() const { return plan_; }
  const std::vector<task_spec>& batch() const { return batch_; }
  // The tasks a warm pool runs untimed before every repetition: the batch's first 2·W (all of
  // it when it is smaller).
  std::span<const task_spec> warming_tasks() const;
  const machine_constants& constants() const { return constants_; }

  // Each measured repetition's last batch; the timeline file shows the one closest to their
  // median, the repetition whose batch metadata().timeline holds.
  representative_batches recorded_batches{};
  int shown_repetition = 0;
  bool probed = false;  // the probe batch ran (or failed)

 protected:
  double estimated_run_seconds(int repetitions) const override;

 private:
  // A warm pool runs an untimed batch before every repetition.
  bool warm_pool() const;

  entry_plan plan_;
  std::vector<task_spec> batch_;
  machine_constants constants_;
};

// The report's fields of an entry, with its ideal and bound on this machine.
entry_metadata describe_entry(const entry_plan& plan, const std::vector<task_spec>& batch,
                              const machine_constants& constants);

// The task time-out of an entry when the user gave none: default_timeout_for_batch of the
// whole batch run sequentially at nominal speed.
std::chrono::milliseconds default_task_timeout(const workload& work);

// The timeline as columns (task, worker, start_ns, end_ns) for the timeline file.
nlohmann::json timeline_columns(const std::vector<timeline_entry>& timeline, std::chrono::nanoseconds interval,
                                std::span<const task_spec> batch, int workers);

}  // namespace concbench
