#include "entry_measurement.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "resource_limits.hpp"
#include "runner.hpp"

namespace concbench {

entry_metadata describe_entry(const entry_plan& plan, const std::vector<task_spec>& batch,
                              const machine_constants& constants) {
  const auto& s = plan.settings;
  const bool event_loop = uses_event_loop(s.model);
  const auto estimate = plan.work->estimate(batch, shape_of(s, batch.size()), constants);
  const int workers = effective_workers(s, batch.size());
  entry_metadata entry;
  entry.name = entry_name(plan);
  entry.fields = {
      {"workload", plan.work->name()},
      {"model", std::string(to_string(s.model))},
      {"workers", workers},
      {"workers_label", plan.workers_label.empty() ? std::to_string(workers) : plan.workers_label},
      {"loop_threads", event_loop ? nlohmann::json(s.loop_threads) : nlohmann::json(nullptr)},
      {"inflight", event_loop ? nlohmann::json(s.inflight == 0 ? batch.size() : s.inflight) : nlohmann::json(nullptr)},
      {"pool", uses_pool(s.model) ? nlohmann::json(std::string(to_string(s.pool))) : nlohmann::json(nullptr)},
      {"task_form", std::string(to_string(event_loop ? s.form : task_form::blocking))},
      {"tasks", batch.size()},
      {"params", plan.work->params()},
  };
  entry.ideal_ns = estimate.ideal_ns;
  entry.bound_ns = estimate.bound_ns;
  entry.comparison_key = plan.work->name() + " " + plan.work->params().dump();
  entry.is_sequential = s.model == model_kind::sequential;
  return entry;
}

std::optional<std::string> first_batch_error(const workload& work, std::span<const task_spec> batch,
                                             const batch_outcome& outcome, std::string_view model) {
  const auto errors = outcome.errors();
  if (!errors.empty()) {
    std::string message = errors.front();
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more errors)";
    return message;
  }
  if (outcome.tasks.size() != batch.size()) {
    return work.name() + " under " + std::string(model) + ": " + std::to_string(outcome.tasks.size()) +
           " results for " + std::to_string(batch.size()) + " tasks";
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!outcome.tasks[i].result) {
      return "task " + std::to_string(batch[i].index) + " of " + work.name() + " under " + std::string(model) +
             ": no result";
    }
    if (auto wrong = work.verify(batch[i], *outcome.tasks[i].result)) {
      return "task " + std::to_string(batch[i].index) + " of " + work.name() + " under " + std::string(model) +
             ": wrong result: " + *wrong;
    }
  }
  return std::nullopt;
}

nlohmann::json timeline_columns(const batch_outcome& outcome, std::span<const task_spec> batch, int workers) {
  nlohmann::json task = nlohmann::json::array(), worker = nlohmann::json::array();
  nlohmann::json start = nlohmann::json::array(), end = nlohmann::json::array();
  for (std::size_t i = 0; i < outcome.timeline.size(); ++i) {
    task.push_back(batch[i].index);
    worker.push_back(outcome.timeline[i].worker);
    start.push_back(outcome.timeline[i].start_ns);
    end.push_back(outcome.timeline[i].end_ns);
  }
  return {{"tasks", batch.size()},   {"workers", workers},   {"interval_ns", outcome.interval.count()},
          {"downsampled", false},    {"task", std::move(task)}, {"worker", std::move(worker)},
          {"start_ns", std::move(start)}, {"end_ns", std::move(end)}};
}

std::chrono::milliseconds default_task_timeout(const workload& work) {
  const auto ten_batches = std::chrono::milliseconds(static_cast<std::int64_t>(10 * work.nominal_sequential_ns() / 1e6));
  return std::max<std::chrono::milliseconds>(ten_batches, std::chrono::minutes(1));
}

void measure_entry(benchmark::State& state, measured_entry& entry, std::stop_token stop) {
  const auto& plan = entry.plan;
  const auto& work = *plan.work;
  const auto model = to_string(plan.settings.model);
  if (stop.stop_requested()) {
    state.SkipWithError(interrupted_before_start);
    return;
  }
  std::unique_ptr<runner> batch_runner;
  try {
    batch_runner = make_runner(plan.settings);  // a warm pool starts here, outside the samples
  } catch (const std::system_error& e) {
    state.SkipWithError((work.name() + " under " + std::string(model) +
                         ": could not start: " + explain_refusal(e, os_resource::thread))
                            .c_str());
    return;
  } catch (const std::exception& e) {
    state.SkipWithError((work.name() + " under " + std::string(model) + ": could not start: " + e.what()).c_str());
    return;
  }
  if (plan.settings.pool == pool_mode::warm && uses_pool(plan.settings.model)) {
    // One untimed batch: threads, caches and allocator are warm before the first sample.
    const auto warm_up = batch_runner->run(work, entry.batch, stop);
    if (auto error = first_batch_error(work, entry.batch, warm_up, model)) {
      state.SkipWithError(("warm-up batch failed: " + *error).c_str());
      return;
    }
  }

  std::optional<batch_outcome> last;
  for (auto _ : state) {
    auto outcome = batch_runner->run(work, entry.batch, stop);
    state.PauseTiming();  // verification is not part of the measured process CPU time
    const auto error = first_batch_error(work, entry.batch, outcome, model);
    state.ResumeTiming();
    if (error) {
      state.SkipWithError(error->c_str());
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(outcome.interval).count());
    last = std::move(outcome);
  }
  if (!last) return;

  std::vector<double> durations;
  for (const auto& t : last->timeline) durations.push_back(static_cast<double>(t.end_ns - t.start_ns));
  state.counters["peak_concurrency"] = peak_concurrency(last->timeline);
  for (const auto& [name, value] : work.work_rate_counters(entry.batch, durations, entry.constants)) {
    state.counters[name] = value;
  }
  entry.metadata->timeline =
      timeline_columns(*last, entry.batch, effective_workers(plan.settings, entry.batch.size()));
}

}  // namespace concbench
