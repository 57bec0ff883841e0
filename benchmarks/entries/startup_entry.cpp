#include "benchmarks/entries/startup_entry.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "benchmarks/entries/fork_server_dependency.hpp"
#include "runners/process/launch_floor.hpp"
#include "workloads/workload_registry.hpp"

namespace concbench {
namespace {

ready_workers start(const startup_plan& plan) {
  switch (plan.subject) {
    case startup_subject::floor_fork_server:
      return floor_fork_server(plan.workers);
    case startup_subject::floor_posix_spawn:
      return floor_posix_spawn(plan.worker_executable, plan.workers);
    case startup_subject::processes_fork:
      return model_start(model_kind::processes_fork, plan.workers, plan.worker_executable);
    case startup_subject::processes_spawn:
      return model_start(model_kind::processes_spawn, plan.workers, plan.worker_executable);
  }
  throw std::logic_error("unknown start-up subject");
}

}  // namespace

entry_metadata describe_entry(const startup_plan& plan) {
  entry_metadata entry;
  entry.name = entry_name(plan);
  entry.fields = {
      {"workload", std::string(workload_names::startup)},
      {"model", std::string(to_string(plan.subject))},
      {"workers", plan.workers},
      {"workers_label", plan.workers_label.empty() ? std::to_string(plan.workers) : plan.workers_label},
      {"loop_threads", nullptr},
      {"inflight", nullptr},
      {"pool", "cold"},  // workers started from nothing, as a cold pool does
      {"task_form", "blocking"},
      {"tasks", plan.workers},
      {"params", {{"workers", plan.workers}}},
      {"warm_up", warm_up_none},  // until it ran (start_repetition)
  };
  // Measured by the same run, so known only once the floor's entry has run.
  startup_plan floor = plan;
  floor.subject = floor_of(plan.subject);
  entry.ideal_entry = entry_name(floor);
  entry.fields["ideal_from"] = entry.ideal_entry;
  entry.comparison_key = "startup " + entry.fields["params"].dump();
  return entry;
}

startup_entry::startup_entry(startup_plan plan, std::shared_ptr<entry_metadata> metadata, const entry_options& options)
    : entry(std::move(metadata), options.timeout_or(default_startup_timeout), false), plan_(std::move(plan)) {}

int startup_entry::iterations() const { return iterations_per_sample(plan_); }

bool startup_entry::needs_fork_server() const { return concbench::needs_fork_server(plan_); }

double startup_entry::estimated_run_seconds(int repetitions) const {
  // A start-up's ideal is measured by the run itself; a sample lasts about 50 ms, and stopping
  // the workers after each start about as long again.
  return 2 * 50e6 * repetitions / 1e9;
}

namespace {

class startup_repetition final : public repetition {
 public:
  explicit startup_repetition(const startup_entry& measured) : entry_(measured) {}

  // "starting 8 workers with processes-spawn"
  std::string what() const {
    return "starting " + std::to_string(plan().workers) + " workers with " + std::string(to_string(plan().subject));
  }

  // The error of a start that lasted longer than the time-out.
  std::optional<std::string> overran(std::chrono::nanoseconds took) const {
    const auto limit = entry_.timeout();
    if (limit.count() <= 0 || took <= limit) return std::nullopt;
    return what() + ": the start did not finish within the time-out (" + std::to_string(limit.count()) +
           " ms, --task-timeout-ms); its workers were stopped and reaped";
  }

  std::optional<std::string> iterate(benchmark::State& state, std::stop_token stop) override {
    if (stop.stop_requested()) {
      return "interrupted: the run was stopped during startup under " + std::string(to_string(plan().subject)) + " (" +
             what() + ")";
    }
    std::optional<ready_workers> ready;
    try {
      ready.emplace(start(plan()));
    } catch (const std::exception& e) {
      return what() + ": " + e.what();
    }
    if (ready->pids().size() != static_cast<std::size_t>(plan().workers)) {
      return what() + ": " + std::to_string(ready->pids().size()) + " were ready";
    }
    if (auto error = overran(ready->time_to_ready())) {
      ready.reset();
      return error;
    }
    state.SetIterationTime(std::chrono::duration<double>(ready->time_to_ready()).count());
    total_ += ready->time_to_ready();
    ++starts_;
    state.PauseTiming();  // stopping and reaping the workers is not start-up
    ready.reset();
    state.ResumeTiming();
    return std::nullopt;
  }

  std::optional<std::string> finish(benchmark::State& state, std::stop_token) override {
    state.counters["start_ns_per_worker"] =
        static_cast<double>(total_.count()) / static_cast<double>(starts_ * plan().workers);
    return std::nullopt;
  }

 private:
  const startup_plan& plan() const { return entry_.plan(); }

  const startup_entry& entry_;
  std::chrono::nanoseconds total_{0};
  std::int64_t starts_ = 0;
};

}  // namespace

std::unique_ptr<repetition> startup_entry::start_repetition(std::stop_token) {
  auto running = std::make_unique<startup_repetition>(*this);
  // One untimed start before each sample (Google Benchmark calls this once per repetition), as a
  // warm pool runs one untimed batch: the first start after another entry's (a different
  // mechanism's teardown, the binary's pages, the fork server's tables) is slower than the rest.
  std::optional<std::string> error;
  try {
    const auto began = std::chrono::steady_clock::now();
    start(plan_).stop();
    error = running->overran(std::chrono::steady_clock::now() - began);
  } catch (const std::exception& e) {
    error = running->what() + ": " + e.what();
  }
  if (error) throw std::runtime_error(*error);
  metadata().fields["warm_up"] = warm_up_every_repetition;
  return running;
}

}  // namespace concbench
