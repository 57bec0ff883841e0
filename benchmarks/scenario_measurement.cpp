#include "scenario_measurement.hpp"

#include <chrono>
#include <map>
#include <string>

#include "entry_measurement.hpp"

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

bool warms_up(const measured_scenario_entry& entry) {
  return entry.warm_up && nominal_batch_ns(entry.plan) < max_untimed_batch_ns;
}

void measure_scenario_entry(benchmark::State& state, measured_scenario_entry& entry, std::stop_token stop) {
  ++entry.repetitions_run;
  if (stop.stop_requested()) {
    skip_repetition(state, entry.repetitions_run > 1 ? interrupted_before_repetition : interrupted_before_start);
    return;
  }
  const auto& plan = entry.plan;
  if (warms_up(entry) && entry.repetitions_run == 1) {
    const auto warm_up = plan.work->run(plan.settings, stop);
    if (!warm_up.ok()) {
      skip_repetition(state, ("warm-up batch failed: " + warm_up.error));
      return;
    }
    entry.metadata->fields["warm_up"] = warm_up_first_repetition;
  }
  std::map<std::string, double> sums;
  std::int64_t batches = 0;
  for (auto _ : state) {
    const auto outcome = plan.work->run(plan.settings, stop);
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
