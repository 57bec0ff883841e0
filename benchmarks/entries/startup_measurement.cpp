#include "benchmarks/entries/startup_measurement.hpp"

#include <chrono>
#include <optional>
#include <string>

#include "benchmarks/entries/entry_measurement.hpp"
#include "benchmarks/entries/fork_server_dependency.hpp"
#include "runners/process/launch_floor.hpp"

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
      {"workload", "startup"},
      {"model", std::string(to_string(plan.subject))},
      {"workers", plan.workers},
      {"workers_label", plan.workers_label.empty() ? std::to_string(plan.workers) : plan.workers_label},
      {"loop_threads", nullptr},
      {"inflight", nullptr},
      {"pool", "cold"},  // workers started from nothing, as a cold pool does
      {"task_form", "blocking"},
      {"tasks", plan.workers},
      {"params", {{"workers", plan.workers}}},
      {"warm_up", warm_up_none},  // until it ran (measure_startup_entry)
  };
  // Measured by the same run, so known only once the floor's entry has run.
  startup_plan floor = plan;
  floor.subject = floor_of(plan.subject);
  entry.ideal_entry = entry_name(floor);
  entry.fields["ideal_from"] = entry.ideal_entry;
  entry.comparison_key = "startup " + entry.fields["params"].dump();
  return entry;
}

void measure_startup_entry(benchmark::State& state, measured_startup_entry& entry, std::stop_token stop) {
  const auto& plan = entry.plan;
  const auto what = [&] {
    return "starting " + std::to_string(plan.workers) + " workers with " + std::string(to_string(plan.subject));
  };
  ++entry.repetitions_run;
  if (stop.stop_requested()) {
    skip_repetition(state, interrupted_before("startup", to_string(plan.subject), entry.repetitions_run));
    return;
  }
  if (const auto skipped = skipped_for_lost_fork_server(needs_fork_server(plan))) {
    skip_repetition(state, *skipped);
    return;
  }
  // One untimed start before each sample (Google Benchmark calls this once per repetition), as a
  // warm pool runs one untimed batch: the first start after another entry's (a different
  // mechanism's teardown, the binary's pages, the fork server's tables) is slower than the rest.
  // A start lasting longer than the time-out fails the entry: its workers are stopped and reaped
  // (the ready_workers going) before the error is reported.
  const auto overran = [&](std::chrono::nanoseconds took) -> std::optional<std::string> {
    if (entry.timeout.count() <= 0 || took <= entry.timeout) return std::nullopt;
    return what() + ": the start did not finish within the time-out (" + std::to_string(entry.timeout.count()) +
           " ms, --task-timeout-ms); its workers were stopped and reaped";
  };
  try {
    const auto began = std::chrono::steady_clock::now();
    start(plan).stop();
    if (const auto error = overran(std::chrono::steady_clock::now() - began)) {
      skip_repetition(state, *error);
      return;
    }
  } catch (const std::exception& e) {
    skip_repetition(state, (what() + ": " + e.what()));
    return;
  }
  entry.metadata->fields["warm_up"] = warm_up_every_repetition;
  std::chrono::nanoseconds total{0};
  std::int64_t starts = 0;
  for (auto _ : state) {
    if (stop.stop_requested()) {
      state.SkipWithError(("interrupted: the run was stopped during startup under " +
                           std::string(to_string(plan.subject)) + " (" + what() + ")")
                              .c_str());
      break;
    }
    std::optional<ready_workers> ready;
    try {
      ready.emplace(start(plan));
    } catch (const std::exception& e) {
      state.SkipWithError((what() + ": " + e.what()).c_str());
      break;
    }
    if (ready->pids().size() != static_cast<std::size_t>(plan.workers)) {
      state.SkipWithError((what() + ": " + std::to_string(ready->pids().size()) + " were ready").c_str());
      break;
    }
    if (const auto error = overran(ready->time_to_ready())) {
      ready.reset();
      state.SkipWithError(error->c_str());
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(ready->time_to_ready()).count());
    total += ready->time_to_ready();
    ++starts;
    state.PauseTiming();  // stopping and reaping the workers is not start-up
    ready.reset();
    state.ResumeTiming();
  }
  if (starts == 0) return;
  state.counters["start_ns_per_worker"] =
      static_cast<double>(total.count()) / static_cast<double>(starts * plan.workers);
}

}  // namespace concbench
