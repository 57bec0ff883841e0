#include "benchmarks/entries/scenario_measurement.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <system_error>

#include "benchmarks/entries/batch_deadline.hpp"
#include "benchmarks/entries/entry_measurement.hpp"
#include "benchmarks/entries/fork_server_dependency.hpp"
#include "runners/batch/resource_limits.hpp"

namespace concbench {

entry_metadata describe_entry(const scenario_plan& plan) {
  const auto& s = plan.settings;
  const auto& work = *plan.work;
  const bool event_loop = uses_event_loop(s.model);
  const int workers = work.workers(s);
  const auto params = work.params();
  // Tasks: the shared counter's T; messaging's two parties; fork-cost's starts; the pipeline's
  // producers and consumers.
  const int tasks = params.contains("tasks")     ? params["tasks"].get<int>()
                    : params.contains("parties") ? params["parties"].get<int>()
                    : params.contains("starts")  ? params["starts"].get<int>()
                                                 : params.value("producers", 1) + params.value("consumers", 0);
  entry_metadata entry;
  entry.name = entry_name(plan);
  entry.fields = {
      {"workload", work.name()},
      {"model", std::string(to_string(s.model))},
      {"workers", workers},
      {"workers_label", plan.workers_label.empty() ? std::to_string(workers) : plan.workers_label},
      {"loop_threads", event_loop ? nlohmann::json(s.loop_threads) : nlohmann::json(nullptr)},
      {"inflight", event_loop ? nlohmann::json(tasks) : nlohmann::json(nullptr)},
      {"pool", nullptr},
      {"task_form", event_loop ? "awaitable" : "blocking"},
      {"tasks", tasks},
      {"params", params},
      {"warm_up", warm_up_none},  // until it ran (measure_scenario_entry)
  };
  entry.comparison_key = work.name() + " " + params.dump();
  entry.is_sequential = s.model == model_kind::sequential;
  return entry;
}

std::chrono::milliseconds default_task_timeout(const scenario_plan& plan) {
  return default_timeout_for_batch(nominal_batch_ns(plan));
}

namespace {

// "shared under threads": who an entry's own errors name.
std::string who(const scenario_plan& plan) {
  return plan.work->name() + " under " + std::string(to_string(plan.settings.model));
}

// One batch under the entry's time-out. A batch the time-out stopped fails saying so, whatever
// the scenario made of the stop; one stopped by Ctrl-C names the scenario and the model.
scenario_outcome run_batch(const scenario_plan& plan, batch_deadline& deadline, const std::stop_token& stop) {
  auto outcome = plan.work->run(plan.settings, deadline.arm(stop));
  const bool overran = deadline.disarm();
  if (overran && !stop.stop_requested()) {
    outcome.error = who(plan) + ": " + deadline.overrun_message();
  } else if (outcome.error == stopped_error) {
    outcome.error = "interrupted: " + who(plan) + " was stopped before its batch finished";
  }
  return outcome;
}

}  // namespace

bool warms_up(const measured_scenario_entry& entry) {
  return entry.warm_up && nominal_batch_ns(entry.plan) < max_untimed_batch_ns;
}

void measure_scenario_entry(benchmark::State& state, measured_scenario_entry& entry, std::stop_token stop) {
  ++entry.repetitions_run;
  if (stop.stop_requested()) {
    skip_repetition(state, interrupted_before(entry.plan.work->name(), to_string(entry.plan.settings.model),
                                              entry.repetitions_run));
    return;
  }
  const auto& plan = entry.plan;
  if (const auto skipped = skipped_for_lost_fork_server(needs_fork_server(plan))) {
    skip_repetition(state, *skipped);
    return;
  }
  std::optional<batch_deadline> deadline;  // its thread starts here, outside the samples
  try {
    deadline.emplace(entry.timeout);
  } catch (const std::system_error& e) {
    skip_repetition(state, who(plan) + ": could not start: " + explain_refusal(e, os_resource::thread));
    return;
  }
  if (warms_up(entry) && entry.repetitions_run == 1) {
    const auto warm_up = run_batch(plan, *deadline, stop);
    if (!warm_up.ok()) {
      skip_repetition(state, ("warm-up batch failed: " + warm_up.error));
      return;
    }
    entry.metadata->fields["warm_up"] = warm_up_first_repetition;
  }
  std::map<std::string, double> sums;
  std::int64_t batches = 0;
  for (auto _ : state) {
    const auto outcome = run_batch(plan, *deadline, stop);
    if (!outcome.ok()) {
      state.SkipWithError(outcome.error.c_str());
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(outcome.interval).count());
    for (const auto& [name, value] : outcome.figures) sums[name] += value;
    ++batches;
  }
  if (batches == 0) return;
  for (const auto& [name, sum] : sums) state.counters[name] = sum / static_cast<double>(batches);
}

}  // namespace concbench
