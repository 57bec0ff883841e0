#include "benchmarks/suites/scenario_suite.hpp"

#include <algorithm>
#include <cmath>

#include "runners/scenarios/fork_cost_scenario.hpp"
#include "runners/scenarios/messaging_scenario.hpp"
#include "runners/scenarios/pipeline_scenario.hpp"
#include "runners/scenarios/shared_counter_scenario.hpp"
#include "workloads/workload_registry.hpp"

namespace concbench {
namespace {

struct pipeline_shape {
  int producers;
  int consumers;
};

struct scenario_suite_definition {
  std::vector<worker_count> workers;  // W of threads and processes-fork for `shared`
  std::vector<int> loop_threads;
  int shared_tasks;
  std::uint64_t shared_updates;
  std::vector<update_pause> pauses;
  std::vector<pipeline_shape> pipeline_shapes;
  std::vector<std::uint64_t> pipeline_capacities;
  std::uint64_t pipeline_items;
  std::vector<std::size_t> message_sizes;
  std::uint64_t round_trips;
  std::uint64_t streamed_messages;
  std::vector<std::uint64_t> fork_cost_parent_mb;  // the parent's resident sizes swept
  int fork_cost_starts;
};

scenario_suite_definition definition_of(const std::string& suite) {
  // fork-cost: 1 GiB (about a second per repetition at 20 starts) only outside quick.
  if (suite == "quick") {
    return {{{2, "2"}}, {1, 2}, 4,         10'000, {update_pause::yield}, {{1, 1}, {2, 2}}, {64}, 20'000, {64},
            2'000,      20'000, {10, 100}, 20};
  }
  scenario_suite_definition standard{{{1, "1"}, {2, "2"}, {4, "4"}},
                                     {1, 2},
                                     8,
                                     50'000,
                                     {update_pause::yield},
                                     {{1, 1}, {2, 2}, {3, 1}},
                                     {64},
                                     100'000,
                                     {64, 4096},
                                     5'000,
                                     100'000,
                                     {10, 100, 1000},
                                     20};
  if (suite == "full") {
    standard.pauses.push_back(update_pause::spin);
    standard.pipeline_capacities = {1, 64, 1024};
    standard.message_sizes.push_back(65536);
  }
  return standard;
}

constexpr std::uint32_t suite_spin_iterations = 100;

void add_entries(std::vector<scenario_plan>& plans, const std::shared_ptr<const scenario>& work,
                 const std::vector<model_kind>& models, const std::vector<worker_count>& workers,
                 const scenario_suite_definition& suite) {
  for (const auto model : models) {
    if (!work->supports(model)) continue;
    run_settings settings;
    settings.model = model;
    if (model == model_kind::coroutines) {
      settings.form = task_form::awaitable;
      for (const int loops : suite.loop_threads) {
        settings.loop_threads = loops;
        plans.push_back({work, settings, ""});
      }
    } else if (uses_workers(model)) {
      for (const auto& w : workers) {
        settings.workers = w.value;
        plans.push_back({work, settings, w.label});
      }
    } else {
      plans.push_back({work, settings, ""});
    }
  }
}

}  // namespace

const std::vector<std::string>& scenario_workloads() {
  static const std::vector<std::string> names = workloads_of_kind(workload_kind::scenario);
  return names;
}

std::vector<scenario_plan> plan_scenarios(const cli_options& options) {
  if (!options.workloads) return {};
  const auto suite = definition_of(options.suite);
  auto models = options.models ? *options.models : all_models();
  // Each scenario declares its models (scenario::supports); add_entries asks it.
  std::stable_partition(models.begin(), models.end(), [](model_kind m) { return m == model_kind::sequential; });

  std::vector<scenario_plan> plans;
  for (const auto& name : *options.workloads) {
    if (name == workload_names::shared) {
      for (const auto discipline :
           {update_discipline::unsynchronised, update_discipline::mutex, update_discipline::atomic}) {
        for (const auto pause : suite.pauses) {
          shared_counter_params params;
          params.tasks = suite.shared_tasks;
          params.updates = suite.shared_updates;
          params.discipline = discipline;
          params.pause = pause;
          params.spin_iterations = suite_spin_iterations;
          add_entries(plans, std::make_shared<const shared_counter_scenario>(params), models,
                      options.workers ? *options.workers : suite.workers, suite);
        }
      }
    } else if (name == workload_names::pipeline) {
      for (const auto capacity : suite.pipeline_capacities) {
        for (const auto shape : suite.pipeline_shapes) {
          pipeline_params params;
          params.producers = shape.producers;
          params.consumers = shape.consumers;
          params.capacity = capacity;
          params.items = suite.pipeline_items;
          // One thread or process per producer and consumer: W follows from the shape.
          const int threads = shape.producers + shape.consumers;
          add_entries(plans, std::make_shared<const pipeline_scenario>(params), models,
                      {{threads, std::to_string(threads)}}, suite);
        }
      }
    } else if (name == workload_names::messaging) {
      // Cross-CPU pinning needs two CPUs: under `taskset -c 0` those entries are left out
      // rather than planned to fail.
      const bool two_cpus = allowed_cpus().size() >= 2;
      for (const auto transport :
           {message_transport::pipe, message_transport::socket, message_transport::shared_memory}) {
        for (const auto mode : {messaging_mode::round_trip, messaging_mode::stream}) {
          for (const auto bytes : suite.message_sizes) {
            for (const auto pinning : {party_pinning::none, party_pinning::same_cpu, party_pinning::cross_cpu}) {
              if (pinning == party_pinning::cross_cpu && !two_cpus) continue;
              messaging_params params;
              params.transport = transport;
              params.mode = mode;
              params.message_bytes = bytes;
              params.messages = mode == messaging_mode::round_trip ? suite.round_trips : suite.streamed_messages;
              params.pinning = pinning;
              add_entries(plans, std::make_shared<const messaging_scenario>(params), models, {{2, "2"}}, suite);
            }
          }
        }
      }
    } else if (name == workload_names::fork_cost) {
      // Each start kind supports one model (fork_cost_scenario.hpp): only the selected
      // models' starts run. One parent process: W is 1.
      for (const auto mb : suite.fork_cost_parent_mb) {
        for (const auto start : {process_start::fork, process_start::fork_exec, process_start::posix_spawn}) {
          fork_cost_params params;
          params.parent_rss_mb = mb;
          params.start = start;
          params.starts = suite.fork_cost_starts;
          add_entries(plans, std::make_shared<const fork_cost_scenario>(params), models, {{1, "1"}}, suite);
        }
      }
    }
  }
  return plans;
}

std::string entry_name(const scenario_plan& plan) {
  const auto& s = plan.settings;
  std::string name = plan.work->name() + "/" + std::string(to_string(s.model));
  if (uses_workers(s.model)) name += "/W:" + plan.workers_label;
  if (uses_event_loop(s.model)) name += "/loop_threads:" + std::to_string(s.loop_threads);
  for (const auto& [key, value] : plan.work->name_keys()) name += "/" + key + ":" + value;
  return name;
}

double nominal_batch_ns(const scenario_plan& plan) {
  const double sequential_ns = plan.work->nominal_sequential_ns();
  // A fork-cost batch also grows and frees its parent's memory, outside its interval but not
  // outside the run's wall time.
  if (const auto* fork_cost = dynamic_cast<const fork_cost_scenario*>(plan.work.get())) {
    return sequential_ns + fork_cost->nominal_setup_ns();
  }
  if (plan.work->name() != workload_names::pipeline) return sequential_ns;
  // An item handed across threads or processes costs a wake-up, not a deque push: nominally
  // 1 µs between threads, 0.3 µs between coroutines, 3 µs through a pipe, as on a small
  // virtual machine.
  const auto* pipeline = dynamic_cast<const pipeline_scenario*>(plan.work.get());
  const double items = pipeline ? static_cast<double>(pipeline->settings().items) : 0;
  switch (plan.settings.model) {
    case model_kind::threads:
      return items * 1000;
    case model_kind::coroutines:
      return items * 300;
    case model_kind::processes_fork:
      return items * 3000;
    default:
      return sequential_ns;
  }
}

int iterations_per_sample(const scenario_plan& plan) {
  // A fork-cost batch is itself `starts` timed starts, and its figures are their median and
  // extremes: a second batch in the sample would repeat it at the price of growing another
  // parent (most of a small batch's wall time), and would keep the quick suite from being quick.
  if (dynamic_cast<const fork_cost_scenario*>(plan.work.get())) return 1;
  constexpr double sample_ns = 100e6;
  const double batch_ns = nominal_batch_ns(plan);
  if (batch_ns >= sample_ns || batch_ns <= 0) return 1;
  return static_cast<int>(std::min(1000.0, std::ceil(sample_ns / batch_ns)));
}

}  // namespace concbench
