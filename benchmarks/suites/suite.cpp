#include "benchmarks/suites/suite.hpp"

#include <algorithm>
#include <cmath>

#include "benchmarks/suites/scenario_suite.hpp"
#include "reports/machine_info.hpp"
#include "workloads/cpu_workload.hpp"
#include "workloads/empty_workload.hpp"
#include "workloads/http/http_workload.hpp"
#include "workloads/sleep_shape_workload.hpp"
#include "workloads/sleep_workload.hpp"
#include "workloads/workload_registry.hpp"

namespace concbench {
namespace {

namespace names = workload_names;

struct suite_definition {
  std::vector<std::string> workloads;
  std::vector<double> cpu_scales;
  int sleep_tasks;
  double sleep_ms;
  std::vector<worker_count> workers;
  bool warm_pools_everywhere;                 // else a warm pool only at W = 2
  std::vector<worker_count> startup_workers;  // W of the start-up entries
  int http_tasks;
  double http_delay_ms;
  std::int64_t http_body_bytes;
  std::vector<std::size_t> http_inflight;  // K for coroutines; 0 = all
  bool http_new_connection_case = false;   // also a new connection per request
  // threads-asio, the peer of threads, runs cpu and sleep at these W only (cold and warm,
  // cheap batches), unless the user chose the models or the workers: enough to compare the two
  // pools where threads also runs, within the suite's budget.
  std::vector<worker_count> peer_workers = {};
  // Pools of one worker for sleep and http: each is its sequential batch plus a hop per task,
  // the same wait; the quick suite leaves them out (cpu keeps its W = 1 pools: cheap, and
  // where a pool's own cost shows).
  bool pools_of_one_for_waits = true;
  // The precision and the budget a run aims for unless --precision and --budget say otherwise
  // (round_plan.hpp). 2 %: a speedup's interval is about the sum of its two sides' half-widths,
  // and at ±2 % a side the tutorial's pools (1.7x to 1.9x on two CPUs) are told apart only where
  // they differ by a tenth; five minutes carry 43-66 % of the scale-1 cpu entries there on a
  // noisy 2-vCPU VM (BENCHMARKS.md "How sure each figure is"). The quick suite's minute cannot
  // buy every entry even the 13 repetitions a precise entry needs: 5 % is what it can report.
  run_targets targets = {2, 300};
};

// `empty` (dispatch cost per task): N tasks for the in-process models, fewer for the models
// that pay a thread start or a pipe round trip per task; pools of W = 2, cold and warm.
constexpr int empty_tasks = 10'000;
constexpr int empty_tasks_costly = 1'000;

// The scale suite: one wave of N sleeps of 100 ms (x --time-scale) for N = 10 ... 100,000,
// under the models that can keep every task waiting at once, as far as each can go (pid_max,
// often 32768, counts threads and processes system-wide: docs/pitfalls.md "The machine").
constexpr int scale_tasks[] = {10, 100, 1'000, 10'000, 100'000};
constexpr double scale_sleep_ms = 100;
// sleep-shapes: the tutorials' 0-4 s and 1 s / 0.8 s sleeps, shortened to a tenth by default.
constexpr double sleep_shape_scale = 0.1;
constexpr int scale_max_threads = 10'000;   // thread-per-task, threads with W = N
constexpr int scale_max_processes = 1'000;  // processes-fork, one process per task

// The workloads of the quick, default and full suites, in the order they run.
std::vector<std::string> default_workloads() {
  return {std::string(names::cpu), std::string(names::sleep), std::string(names::http), std::string(names::startup),
          std::string(names::empty)};
}

suite_definition definition_of(const std::string& suite) {
  const worker_count py_default{python_default_workers(), "py-default"};
  if (suite == "scale") {
    // Only sleep (plan_scale); no start-up entries.
    suite_definition scale{{std::string(names::sleep)}, {}, 0, scale_sleep_ms, {}, false, {}, 0, 0, 0, {}};
    scale.targets = {5, 120};
    return scale;
  }
  if (suite == "quick") {
    suite_definition quick{default_workloads(),
                           {1},
                           20,
                           20,
                           {{1, "1"}, {2, "2"}, {4, "4"}, py_default},
                           false,
                           {{8, "8"}},
                           50,
                           5,
                           1024,
                           {0},
                           false,
                           {{2, "2"}}};
    quick.pools_of_one_for_waits = false;
    quick.targets = {5, 60};
    return quick;
  }
  // http: K sweeps where threads and coroutines part ways (K = W, then more in flight).
  suite_definition standard{default_workloads(),
                            {1, 100},
                            100,
                            10,
                            {{1, "1"}, {2, "2"}, {4, "4"}, {8, "8"}, py_default},
                            true,
                            {{8, "8"}, {64, "64"}},
                            100,
                            5,
                            1024,
                            {8, 32, 0},
                            false,
                            {{8, "8"}}};
  if (suite == "full") {
    standard.http_new_connection_case = true;
    standard.targets = {1, 900};
  }
  return standard;
}

// Start-up of one worker costs about this much by fork (from the fork server) and by spawn (of
// this binary), as on a small virtual machine; it only fixes how many starts make a sample (the
// same on every machine, and the same for a model and its floor), never a result.
constexpr double nominal_fork_ns_per_worker = 200e3;
constexpr double nominal_spawn_ns_per_worker = 750e3;

constexpr double expensive_batch_ns = 2e9;  // cpu at scale 100: seconds per batch
constexpr double long_batch_ns = 0.5e9;     // sleep and http in the default suite: about a second

// An expensive batch runs its pools only at W = 2 (W = 1 is sequential plus overhead, shown
// at the cheap scale already) unless the user chose the workers.
bool worth_running(const suite_definition& suite, const cli_options& options, const workload& work, model_kind model,
                   int workers) {
  if (options.workers) return true;
  if (!suite.pools_of_one_for_waits && workers == 1 && work.name() != names::cpu) return false;
  if (work.nominal_sequential_ns() >= expensive_batch_ns) return workers == 2;
  // A process pool of one is the threads pool of one plus a process hop per task: shown where
  // batches are short (cpu at scale 1), left out of the second-long sleep and http batches to
  // keep the default suite within its budget.
  return !(is_process_model(model) && workers == 1 && work.nominal_sequential_ns() >= long_batch_ns);
}

// Warm pools show the cost of start-up by difference: at every W >= 2 in the default suite,
// only at W = 2 in the quick suite and for expensive batches (a warm pool of one shows nothing
// a cold one does not).
bool wants_warm_pool(const suite_definition& suite, const workload& work, int workers) {
  if (!suite.warm_pools_everywhere || work.nominal_sequential_ns() >= expensive_batch_ns) return workers == 2;
  return workers >= 2;
}

std::vector<entry_plan> entries_for(std::shared_ptr<const workload> work, const suite_definition& suite,
                                    const cli_options& options, const std::vector<model_kind>& models) {
  std::vector<entry_plan> plans;
  const auto& workers = options.workers ? *options.workers : suite.workers;
  for (const auto model : models) {
    run_settings settings;
    settings.model = model;
    // The peer pool is sampled (suite.peer_workers) unless the user asked for it or for W.
    const bool sampled_peer = model == model_kind::threads_asio && !options.models && !options.workers;
    if (sampled_peer && (work->name() == names::http || work->nominal_sequential_ns() >= expensive_batch_ns)) continue;
    if (uses_pool(model)) {
      for (const auto& w : sampled_peer ? suite.peer_workers : workers) {
        if (!worth_running(suite, options, *work, model, w.value)) continue;
        settings.workers = w.value;
        settings.pool = pool_mode::cold;
        plans.push_back({work, settings, w.label});
        if (sampled_peer || wants_warm_pool(suite, *work, w.value)) {
          settings.pool = pool_mode::warm;
          plans.push_back({work, settings, w.label});
        }
      }
      if (is_process_model(model) && (options.workers || work->nominal_sequential_ns() < expensive_batch_ns)) {
        // The tutorials' Process per job: every task its own process, all started at once
        // (at the cheap scale: the expensive batch shows the pools).
        settings.workers = static_cast<int>(work->make_batch().size());
        settings.pool = pool_mode::per_task;
        plans.push_back({work, settings, "all"});
      }
    } else if (model == model_kind::coroutines) {
      settings.form = task_form::awaitable;
      // K matters where tasks wait on something outside (http); elsewhere all are in flight.
      const std::vector<std::size_t> all_in_flight{0};
      const auto& inflight = work->name() != names::http ? all_in_flight
                             : options.http_inflight     ? *options.http_inflight
                                                         : suite.http_inflight;
      for (const auto k : inflight) {
        settings.inflight = k;
        plans.push_back({work, settings, ""});
      }
      settings.inflight = 0;
      // One io_context run by P = 2 threads: coroutines that may use both CPUs (cheap batches
      // only, to keep the default suite within its budget).
      if (work->nominal_sequential_ns() < expensive_batch_ns) {
        settings.loop_threads = 2;
        plans.push_back({work, settings, ""});
        settings.loop_threads = 1;
      }
      // A blocking call inside a coroutine stalls the loop: shown where it differs (waits).
      if (work->name() != names::cpu) {
        settings.form = task_form::blocking;
        plans.push_back({work, settings, ""});
      }
    } else if (model == model_kind::thread_per_task && !options.models && !options.workers &&
               work->nominal_sequential_ns() >= expensive_batch_ns) {
      continue;  // a thread per task is shown at the cheap scale; the expensive batch shows the pools
    } else {
      plans.push_back({work, settings, ""});
    }
  }
  return plans;
}

// `empty` under every selected model: the dispatch cost per task (docs/design.md "Words").
// Sequential runs both batch sizes, so every entry has a sequential entry of the same N (its
// speedup).
std::vector<entry_plan> empty_entries(const cli_options& options, const std::vector<model_kind>& models) {
  const auto many = std::make_shared<const empty_workload>(empty_tasks);
  const auto few = std::make_shared<const empty_workload>(empty_tasks_costly);
  const std::vector<worker_count> two{{2, "2"}};
  const auto& workers = options.workers ? *options.workers : two;
  std::vector<entry_plan> plans;
  for (const auto model : models) {
    run_settings settings;
    settings.model = model;
    if (model == model_kind::sequential) {
      plans.push_back({many, settings, ""});
      plans.push_back({few, settings, ""});
    } else if (model == model_kind::thread_per_task) {
      plans.push_back({few, settings, ""});
    } else if (model == model_kind::coroutines) {
      settings.form = task_form::awaitable;
      plans.push_back({many, settings, ""});
    } else if (uses_pool(model)) {
      // Warm: dispatch alone; cold: with the pool's start and stop.
      const auto& work = is_process_model(model) ? few : many;
      for (const auto& w : workers) {
        settings.workers = w.value;
        for (const auto pool : {pool_mode::cold, pool_mode::warm}) {
          settings.pool = pool;
          plans.push_back({work, settings, w.label});
        }
      }
    }
  }
  return plans;
}

// --suite=scale: for each N, every selected model that the sweep has, up to its limit.
std::vector<entry_plan> plan_scale(const cli_options& options, const std::vector<std::string>& workloads,
                                   const std::vector<model_kind>& models) {
  if (options.workers) {
    throw cli_error("--workers does not apply to --suite=scale: its thread pools run W = N, one thread per task");
  }
  std::vector<entry_plan> plans;
  if (std::find(workloads.begin(), workloads.end(), names::sleep) == workloads.end()) return plans;
  for (const int tasks : scale_tasks) {
    const auto work = std::make_shared<const sleep_workload>(tasks, scale_sleep_ms, options.time_scale);
    for (const auto model : models) {
      run_settings settings;
      settings.model = model;
      switch (model) {
        case model_kind::coroutines:
          settings.form = task_form::awaitable;
          plans.push_back({work, settings, ""});
          break;
        case model_kind::thread_per_task:
          if (tasks <= scale_max_threads) plans.push_back({work, settings, ""});
          break;
        case model_kind::threads:
          // A cold pool of one thread per task: the pool's start is part of the wave.
          if (tasks <= scale_max_threads) {
            settings.workers = tasks;
            plans.push_back({work, settings, std::to_string(tasks)});
          }
          break;
        case model_kind::processes_fork:
          if (tasks <= scale_max_processes) {
            settings.workers = tasks;
            settings.pool = pool_mode::per_task;
            plans.push_back({work, settings, "all"});
          }
          break;
        default:
          break;  // not part of the sweep
      }
    }
  }
  return plans;
}

}  // namespace

std::vector<entry_plan> plan_suite(const cli_options& options) {
  const auto suite = definition_of(options.suite);
  const auto& workloads = options.workloads ? *options.workloads : suite.workloads;
  auto models = options.models ? *options.models : all_models();
  // Sequential first: the others' speedups need it.
  std::stable_partition(models.begin(), models.end(), [](model_kind m) { return m == model_kind::sequential; });

  std::vector<entry_plan> plans;
  if (options.suite == "scale") plans = plan_scale(options, workloads, models);
  for (const auto& name : options.suite == "scale" ? std::vector<std::string>{} : workloads) {
    if (name == names::empty) {
      auto more = empty_entries(options, models);
      plans.insert(plans.end(), more.begin(), more.end());
    } else if (name == names::cpu) {
      for (const double scale : options.cpu_scales ? *options.cpu_scales : suite.cpu_scales) {
        auto work = std::make_shared<const cpu_workload>(scale);
        auto more = entries_for(work, suite, options, models);
        plans.insert(plans.end(), more.begin(), more.end());
      }
    } else if (name == names::sleep) {
      auto work = std::make_shared<const sleep_workload>(suite.sleep_tasks, suite.sleep_ms, options.time_scale);
      auto more = entries_for(work, suite, options, models);
      plans.insert(plans.end(), more.begin(), more.end());
    } else if (name == names::sleep_shapes) {
      // The tutorials' own sleep experiments at a tenth of their length (x --time-scale), at
      // their own W: max_workers=5 for the five random sleeps, two workers for two functions.
      for (const auto& shape : sleep_shape_workload::shapes()) {
        auto work = std::make_shared<const sleep_shape_workload>(shape, sleep_shape_scale * options.time_scale);
        auto at_own_w = suite;
        at_own_w.workers = {shape == "random" ? worker_count{5, "5"} : worker_count{2, "2"}};
        at_own_w.warm_pools_everywhere = false;
        auto more = entries_for(work, at_own_w, options, models);
        plans.insert(plans.end(), more.begin(), more.end());
      }
    } else if (name == names::http) {
      // Until main has started the server (or for --list) the URL is a placeholder; names and
      // params do not depend on it.
      for (const bool keep_alive : {true, false}) {
        if (!keep_alive && !suite.http_new_connection_case) continue;
        auto work = std::make_shared<const http_workload>(
            options.http_url.value_or(http_placeholder_url), options.http_tasks.value_or(suite.http_tasks),
            options.http_delay_ms.value_or(suite.http_delay_ms) * options.time_scale, suite.http_body_bytes,
            options.http_timeout_ms, keep_alive);
        auto more = entries_for(work, suite, options, models);
        plans.insert(plans.end(), more.begin(), more.end());
      }
    }
  }
  if (plans.empty() && plan_startup(options).empty() && plan_scenarios(options).empty()) {
    const bool startup_only = workloads.size() == 1 && workloads.front() == names::startup;
    throw cli_error(startup_only ? "the startup workload measures the process models: add processes-fork or "
                                   "processes-spawn to --models"
                                 : "the selected workloads, models and workers leave no entry to run");
  }
  return plans;
}

run_targets suite_targets(const std::string& suite) { return definition_of(suite).targets; }

int run_priority(std::string_view workload, std::string_view model, double repetition_seconds) {
  const bool sleeps = workload == names::sleep || workload == names::sleep_shapes;
  const int group = repetition_seconds > expensive_repetition_seconds ? 3 : workload == names::cpu ? 0 : sleeps ? 1 : 2;
  return 2 * group + (model == "sequential" ? 0 : 1);
}

bool uses_http(const std::vector<entry_plan>& plans) {
  return std::any_of(plans.begin(), plans.end(), [](const entry_plan& p) { return p.work->name() == names::http; });
}

std::vector<startup_plan> plan_startup(const cli_options& options) {
  const auto suite = definition_of(options.suite);
  const auto& workloads = options.workloads ? *options.workloads : suite.workloads;
  if (std::find(workloads.begin(), workloads.end(), names::startup) == workloads.end()) return {};
  const auto& models = options.models ? *options.models : all_models();
  std::vector<startup_subject> models_selected;
  for (const auto model : {model_kind::processes_fork, model_kind::processes_spawn}) {
    if (std::find(models.begin(), models.end(), model) == models.end()) continue;
    models_selected.push_back(model == model_kind::processes_fork ? startup_subject::processes_fork
                                                                  : startup_subject::processes_spawn);
  }
  std::vector<startup_plan> plans;
  for (const auto& w : options.workers ? *options.workers : suite.startup_workers) {
    // Each model right after its floor: the pair runs as close in time as it can, so that
    // the machine's drift (large on a shared or virtual machine) touches both alike; and the floor's median is
    // known when the model's progress line shows its efficiency.
    for (const auto subject : models_selected) {
      plans.push_back({floor_of(subject), w.value, w.label, ""});
      plans.push_back({subject, w.value, w.label, ""});
    }
  }
  return plans;
}

std::string_view to_string(startup_subject subject) {
  switch (subject) {
    case startup_subject::floor_fork_server:
      return "floor-fork-server";
    case startup_subject::floor_posix_spawn:
      return "floor-posix-spawn";
    case startup_subject::processes_fork:
      return to_string(model_kind::processes_fork);
    case startup_subject::processes_spawn:
      return to_string(model_kind::processes_spawn);
  }
  return "?";
}

startup_subject floor_of(startup_subject subject) {
  switch (subject) {
    case startup_subject::processes_fork:
      return startup_subject::floor_fork_server;
    case startup_subject::processes_spawn:
      return startup_subject::floor_posix_spawn;
    default:
      return subject;
  }
}

std::string entry_name(const entry_plan& plan) {
  const auto& s = plan.settings;
  std::string name = plan.work->name() + "/" + std::string(to_string(s.model));
  if (uses_workers(s.model)) name += "/W:" + plan.workers_label;
  if (uses_event_loop(s.model)) {
    name += "/loop_threads:" + std::to_string(s.loop_threads);
    name += "/K:" + (s.inflight == 0 ? std::string("all") : std::to_string(s.inflight));
  }
  if (uses_pool(s.model)) name += "/pool:" + std::string(to_string(s.pool));
  if (uses_event_loop(s.model)) name += "/form:" + std::string(to_string(s.form));
  for (const auto& [key, value] : plan.work->name_keys()) name += "/" + key + ":" + value;
  return name;
}

std::string entry_name(const startup_plan& plan) {
  return "startup/" + std::string(to_string(plan.subject)) + "/W:" + plan.workers_label;
}

int iterations_per_sample(const startup_plan& plan) {
  // 50 ms: long enough that one slow start (a shared machine's hiccups) barely moves a sample, short
  // enough that the start-up entries of the default suite take seconds.
  constexpr double sample_ns = 50e6;
  const bool forks = floor_of(plan.subject) == startup_subject::floor_fork_server;
  const double start_ns = (forks ? nominal_fork_ns_per_worker : nominal_spawn_ns_per_worker) * plan.workers;
  return static_cast<int>(std::clamp(std::ceil(sample_ns / start_ns), 1.0, 1000.0));
}

int iterations_per_sample(const workload& work) {
  // An empty batch already averages its N dispatches, and its time differs a thousandfold
  // between models (a sequential call against a pipe round trip), so no count from its size
  // fits every model: one batch per sample.
  if (work.name() == names::empty) return 1;
  // A sample is as many batches as fill 10 ms: one batch at cpu scale 1 and above. On a shared
  // machine, whose noise comes as slowdowns of a few milliseconds, a short sample is more often
  // untouched, so a low quantile of single batches sits on the floor: with one batch per sample
  // the default suite's scale-1 cpu entries reached a ±2 % p25 interval in about 0.4 of the time
  // that samples of three batches (100 ms) took (BENCHMARKS.md "How sure each figure is"). Below
  // 10 ms a sample averages batches, so the clock and concbench's own work around a repetition
  // stay a small part of it.
  constexpr double sample_ns = 10e6;
  const double batch_ns = work.nominal_sequential_ns();
  if (batch_ns >= sample_ns || batch_ns <= 0) return 1;
  return static_cast<int>(std::min(1000.0, std::ceil(sample_ns / batch_ns)));
}

}  // namespace concbench
