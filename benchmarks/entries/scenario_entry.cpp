#include "benchmarks/entries/scenario_entry.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "benchmarks/entries/fork_server_dependency.hpp"
#include "runners/batch/resource_limits.hpp"
#include "runners/batch/task_watchdog.hpp"

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
      {"warm_up", warm_up_none},  // until it ran (start_repetition)
  };
  entry.comparison_key = work.name() + " " + params.dump();
  entry.is_sequential = s.model == model_kind::sequential;
  return entry;
}

std::chrono::milliseconds default_task_timeout(const scenario_plan& plan) {
  return default_timeout_for_batch(nominal_batch_ns(plan));
}

scenario_entry::scenario_entry(scenario_plan plan, std::shared_ptr<entry_metadata> metadata,
                               const entry_options& options)
    : entry(std::move(metadata), options.timeout_or(default_task_timeout(plan)), options.warm_up),
      plan_(std::move(plan)) {}

int scenario_entry::iterations() const { return iterations_per_sample(plan_); }

bool scenario_entry::warms_up() const { return warm_up_asked() && nominal_batch_ns(plan_) < max_untimed_batch_ns; }

bool scenario_entry::needs_fork_server() const { return concbench::needs_fork_server(plan_); }

double scenario_entry::estimated_run_seconds(int repetitions) const {
  const double batch_ns = nominal_batch_ns(plan_);
  return (batch_ns * iterations() * repetitions + (warms_up() ? batch_ns : 0)) / 1e9;
}

namespace {

// "shared under threads": who an entry's own errors name.
std::string who(const scenario_plan& plan) {
  return plan.work->name() + " under " + std::string(to_string(plan.settings.model));
}

// A scenario's batch as the task watchdog sees it: its tasks interact, so the whole batch is the
// one task whose time is limited. It stops through a stop source of its own, into which the
// caller's stop (Ctrl-C) is forwarded, so that the entry can tell which of the two ended it.
class watched_scenario_batch final : public watched_batch {
 public:
  watched_scenario_batch(task_watchdog& watchdog, const std::stop_token& caller)
      : watchdog_(watchdog),
        forward_caller_(caller, std::function<void()>([this] { source_.request_stop(); })),
        start_(std::chrono::steady_clock::now()) {
    watchdog_.watch(*this);
  }
  ~watched_scenario_batch() { watchdog_.unwatch(*this); }
  watched_scenario_batch(const watched_scenario_batch&) = delete;
  watched_scenario_batch& operator=(const watched_scenario_batch&) = delete;

  std::stop_token stop_token() const { return source_.get_token(); }
  // Whether the time-out stopped it; the watchdog no longer looks once this is asked.
  bool overran() {
    watchdog_.unwatch(*this);
    return overran_.load();
  }

  bool stop_overdue_tasks(std::chrono::milliseconds limit) override {
    if (source_.stop_requested() || std::chrono::steady_clock::now() - start_ <= limit) return false;
    overran_.store(true);
    source_.request_stop();
    return true;
  }
  // A scenario kills and reaps its processes and ends its threads when stopped: nothing of it
  // is left running that the watchdog could name.
  std::string note_tasks_ignoring_stop() override { return ""; }

 private:
  task_watchdog& watchdog_;
  std::stop_source source_;  // before the callback that may use it at once
  std::stop_callback<std::function<void()>> forward_caller_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> overran_{false};
};

// A repetition of a scenario entry: the watchdog of its time-out (none without one) and the
// sums of its batches' figures.
class scenario_repetition final : public repetition {
 public:
  scenario_repetition(const scenario_entry& measured, std::unique_ptr<task_watchdog> watchdog)
      : entry_(measured), watchdog_(std::move(watchdog)) {}

  // One batch under the entry's time-out. A batch the time-out stopped fails saying so,
  // whatever the scenario made of the stop; one stopped by Ctrl-C names the scenario and the
  // model.
  scenario_outcome run_batch(const std::stop_token& stop) {
    const auto& plan = entry_.plan();
    std::optional<watched_scenario_batch> watched;
    if (watchdog_) watched.emplace(*watchdog_, stop);
    auto outcome = plan.work->run(plan.settings, watched ? watched->stop_token() : stop);
    if (watched && watched->overran() && !stop.stop_requested()) {
      outcome.error = who(plan) + ": the batch did not finish within the time-out (" +
                      std::to_string(entry_.timeout().count()) + " ms, --task-timeout-ms); it was stopped";
    } else if (outcome.error == stopped_error) {
      outcome.error = "interrupted: " + who(plan) + " was stopped before its batch finished";
    }
    return outcome;
  }

  std::optional<std::string> iterate(benchmark::State& state, std::stop_token stop) override {
    const auto outcome = run_batch(stop);
    if (!outcome.ok()) return outcome.error;
    state.SetIterationTime(std::chrono::duration<double>(outcome.interval).count());
    for (const auto& [name, value] : outcome.figures) sums_[name] += value;
    ++batches_;
    return std::nullopt;
  }

  std::optional<std::string> finish(benchmark::State& state, std::stop_token) override {
    for (const auto& [name, sum] : sums_) state.counters[name] = sum / static_cast<double>(batches_);
    return std::nullopt;
  }

 private:
  const scenario_entry& entry_;
  std::unique_ptr<task_watchdog> watchdog_;
  std::map<std::string, double> sums_;
  std::int64_t batches_ = 0;
};

}  // namespace

std::unique_ptr<repetition> scenario_entry::start_repetition(std::stop_token stop) {
  std::unique_ptr<task_watchdog> watchdog;  // its thread starts here, outside the samples
  if (timeout().count() > 0) {
    try {
      watchdog = std::make_unique<task_watchdog>(timeout());
    } catch (const std::system_error& e) {
      throw std::runtime_error(who(plan_) + ": could not start: " + explain_refusal(e, os_resource::thread));
    }
  }
  auto running = std::make_unique<scenario_repetition>(*this, std::move(watchdog));
  if (warms_up() && repetitions_run == 1) {
    const auto warm_up = running->run_batch(stop);
    if (!warm_up.ok()) throw std::runtime_error("warm-up batch failed: " + warm_up.error);
    metadata().fields["warm_up"] = warm_up_first_repetition;
  }
  return running;
}

}  // namespace concbench
