// concbench: parses and validates the command line, calibrates this machine, registers one
// Google Benchmark entry per (workload, model, settings) of the suite, runs them with
// concbench's collector and says where the report is.

#include <benchmark/benchmark.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"
#include "benchmarks/cli/interruption.hpp"
#include "benchmarks/cli/progress_display.hpp"
#include "benchmarks/entries/entry_measurement.hpp"
#include "benchmarks/entries/entry_selection.hpp"
#include "benchmarks/entries/scenario_measurement.hpp"
#include "benchmarks/entries/startup_measurement.hpp"
#include "benchmarks/suites/scenario_suite.hpp"
#include "benchmarks/suites/suite.hpp"
#include "reports/atomic_file.hpp"
#include "reports/build_info.hpp"
#include "reports/environment_check.hpp"
#include "reports/machine_info.hpp"
#include "reports/report_collector.hpp"
#include "reports/report_destination.hpp"
#include "runners/process/fork_server.hpp"
#include "runners/process/worker_main.hpp"
#include "workloads/calibration/calibration.hpp"
#include "workloads/http/http_calibration.hpp"
#include "workloads/http/http_serve.hpp"
#include "workloads/http/http_server_process.hpp"

namespace {

using namespace concbench;

constexpr int default_repetitions = 5;  // fewer than 4 per side can never give a 95 % verdict
constexpr int full_repetitions = 10;

std::filesystem::path default_report_path() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  return std::filesystem::path("results") / ("concbench-" + std::string(stamp) + ".json");
}

// The value of --benchmark_filter among the passed-through flags, if any.
std::string benchmark_filter(const cli_options& options) {
  for (const auto& flag : options.benchmark_flags) {
    if (flag.rfind("--benchmark_filter=", 0) == 0) return flag.substr(std::string("--benchmark_filter=").size());
  }
  return "";
}

// The names of the entries --benchmark_filter selects, as Google Benchmark selects them
// (entry_selection.hpp). `repetitions`: set on every entry unless --benchmark_repetitions was given.
std::set<std::string> selected_entries(const std::string& filter, const std::vector<entry_plan>& plans,
                                       const std::vector<startup_plan>& startup_plans,
                                       const std::vector<scenario_plan>& scenario_plans,
                                       std::optional<int> repetitions) {
  std::vector<entry_registration> registrations;
  for (const auto& plan : plans)
    registrations.push_back({entry_name(plan), iterations_per_sample(*plan.work), repetitions});
  for (const auto& plan : startup_plans)
    registrations.push_back({entry_name(plan), iterations_per_sample(plan), repetitions});
  for (const auto& plan : scenario_plans)
    registrations.push_back({entry_name(plan), iterations_per_sample(plan), repetitions});
  const auto selected = entries_selected_by(filter, registrations);
  std::set<std::string> names;
  for (std::size_t i = 0; i < registrations.size(); ++i) {
    if (selected[i]) names.insert(registrations[i].name);
  }
  return names;
}

// The harness's time per repetition of a task entry, outside the timed batches, as measured on
// a 2-vCPU KVM guest (BENCHMARKS.md "Report writer"): for --list's estimate.
constexpr double harness_seconds_per_repetition = 0.3e-3;
constexpr double harness_seconds_per_task = 0.12e-6;

// The --list estimate of each entry, by name.
std::map<std::string, double> estimated_seconds_by_entry(const std::vector<measured_entry>& entries,
                                                         const std::vector<measured_startup_entry>& startups,
                                                         const std::vector<measured_scenario_entry>& scenarios,
                                                         int repetitions) {
  std::map<std::string, double> seconds;
  // An entry's rows: one per repetition and four aggregates (mean, median, stddev, cv).
  const double writer_seconds = 2 * (repetitions + 4) * write_seconds_per_row;
  for (const auto& entry : entries) {
    const double batch_ns = std::max(entry.metadata->ideal_ns, 1e5);
    // Untimed batches take wall time too: the warm-up, a warm pool's batch before every
    // repetition, and the probe batch after the last one (entry_measurement.hpp).
    const bool warm_pool = entry.plan.settings.pool == pool_mode::warm && uses_pool(entry.plan.settings.model);
    const double untimed_batches = (warms_up(entry) ? 1 : 0) + (warm_pool ? repetitions : 0) +
                                   (entry.metadata->ideal_ns < max_untimed_batch_ns ? 1 : 0);
    // concbench's own work around each repetition (a runner made, the batch verified, its
    // timeline summarised: BENCHMARKS.md "Report writer"), which a batch of microseconds does
    // not hide: 10,000 repetitions of 10,000 empty tasks spend more time there than in batches.
    const double harness_seconds = repetitions * (harness_seconds_per_repetition +
                                                  harness_seconds_per_task * static_cast<double>(entry.batch.size()));
    seconds[entry.metadata->name] =
        (batch_ns * (iterations_per_sample(*entry.plan.work) * repetitions + untimed_batches)) / 1e9 + harness_seconds +
        writer_seconds;
  }
  // A start-up's ideal is measured by the run itself; a sample lasts about 50 ms, and stopping
  // the workers after each start about as long again.
  for (const auto& entry : startups) seconds[entry.metadata->name] = 2 * 50e6 * repetitions / 1e9 + writer_seconds;
  for (const auto& entry : scenarios) {
    const double batch_ns = nominal_batch_ns(entry.plan);
    seconds[entry.metadata->name] =
        (batch_ns * iterations_per_sample(entry.plan) * repetitions + (warms_up(entry) ? batch_ns : 0)) / 1e9 +
        writer_seconds;
  }
  return seconds;
}

double estimated_seconds(const std::vector<measured_entry>& entries,
                         const std::vector<measured_startup_entry>& startups,
                         const std::vector<measured_scenario_entry>& scenarios, int repetitions) {
  double total = 0;
  for (const auto& [name, seconds] : estimated_seconds_by_entry(entries, startups, scenarios, repetitions)) {
    total += seconds;
  }
  return total;
}

// Nominal constants for --list, so that listing needs no calibration.
machine_constants nominal_constants(int cpus) {
  machine_constants constants;
  constants.usable_cpus = cpus;
  constants.ns_per_increment.assign(static_cast<std::size_t>(cpus), 0.3);
  constants.sleep_overshoot_ns = 100e3;
  constants.core_ghz = 3;
  return constants;
}

std::vector<measured_entry> build_entries(const std::vector<entry_plan>& plans, const machine_constants& constants,
                                          entry_registry& registry, const std::set<std::string>& selected,
                                          std::optional<long long> task_timeout_ms, bool warm_up) {
  std::vector<measured_entry> entries;
  for (auto plan : plans) {
    if (!selected.contains(entry_name(plan))) continue;
    plan.settings.task_timeout =
        task_timeout_ms ? std::chrono::milliseconds(*task_timeout_ms) : default_task_timeout(*plan.work);
    auto batch = plan.work->make_batch();
    auto metadata = registry.add(describe_entry(plan, batch, constants));
    entries.push_back({plan, std::move(batch), std::move(metadata), constants});
    entries.back().warm_up = warm_up;
  }
  return entries;
}

std::vector<measured_startup_entry> build_startup_entries(const std::vector<startup_plan>& plans,
                                                          entry_registry& registry,
                                                          const std::set<std::string>& selected,
                                                          std::optional<long long> task_timeout_ms) {
  std::vector<measured_startup_entry> entries;
  for (const auto& plan : plans) {
    if (!selected.contains(entry_name(plan))) continue;
    entries.push_back({plan, registry.add(describe_entry(plan))});
    entries.back().timeout = task_timeout_ms ? std::chrono::milliseconds(*task_timeout_ms) : default_startup_timeout;
  }
  return entries;
}

std::vector<measured_scenario_entry> build_scenario_entries(const std::vector<scenario_plan>& plans,
                                                            entry_registry& registry,
                                                            const std::set<std::string>& selected,
                                                            std::optional<long long> task_timeout_ms, bool warm_up) {
  std::vector<measured_scenario_entry> entries;
  for (const auto& plan : plans) {
    if (!selected.contains(entry_name(plan))) continue;
    entries.push_back({plan, registry.add(describe_entry(plan))});
    entries.back().warm_up = warm_up;
    entries.back().timeout = task_timeout_ms ? std::chrono::milliseconds(*task_timeout_ms) : default_task_timeout(plan);
  }
  return entries;
}

// The console's width when stdout is a terminal that can rewrite a line in place, else 0 (a
// log, a pipe, TERM=dumb): progress_display then prints lines instead of a status line.
int terminal_width() {
  const char* term = std::getenv("TERM");
  if (!::isatty(STDOUT_FILENO) || !term || std::string_view(term) == "dumb") return 0;
  ::winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

// Every repetition of every entry ends here, in the order Google Benchmark runs them (with
// random interleaving its shuffle): the report records the position, the console shows it.
class repetition_order {
 public:
  explicit repetition_order(progress_display& progress) : progress_(progress) {}
  void done(entry_metadata& entry) {
    entry.run_positions.push_back(next_++);
    progress_.repetition_done(entry.name);
  }

 private:
  progress_display& progress_;
  long long next_ = 0;
};

// Tells the fork server to go and reaps it when it goes out of scope (stop_fork_server()).
struct fork_server_stopper {
  fork_server_stopper() = default;
  fork_server_stopper(const fork_server_stopper&) = delete;
  fork_server_stopper& operator=(const fork_server_stopper&) = delete;
  ~fork_server_stopper() { stop_fork_server(); }
};

}  // namespace

int main(int argc, char** argv) {
  // A spawned worker (processes-spawn) is this binary re-executed: hand it over at once.
  if (is_worker_invocation(argc, argv)) return worker_main(argc, argv);
  // `concbench serve`: the http server alone, so client and server can be on two machines.
  if (argc > 1 && std::string_view(argv[1]) == "serve") {
    try {
      return serve_main(parse_serve_arguments(std::vector<std::string>(argv + 2, argv + argc)));
    } catch (const std::invalid_argument& e) {
      std::cerr << "concbench " << e.what() << "\n";  // the message starts with "serve: "
      return 2;
    }
  }
  // A file size limit (ulimit -f) must fail a write with EFBIG, which concbench reports, not
  // kill the process halfway through a run.
  std::signal(SIGXFSZ, SIG_IGN);
  // Before anything starts a thread: every worker of processes-fork is forked from this
  // single-threaded helper, never from the measuring process (docs/design.md "Processes").
  try {
    start_fork_server();
  } catch (const std::exception& e) {
    std::cerr << "concbench: cannot start the fork server: " << e.what() << "\n";
    return 1;
  }
  // Whichever way main returns (a finished run, exit status 2, an interrupted run), the fork
  // server is told to go and reaped, once everything that may use it has ended.
  const fork_server_stopper stop_forks_at_exit;
  const std::vector<std::string> args(argv + 1, argv + argc);
  cli_options options;
  std::vector<entry_plan> plans;
  std::vector<startup_plan> startup_plans;
  std::vector<scenario_plan> scenario_plans;
  std::string filter;
  std::set<std::string> selected;
  try {
    options = parse_cli(args);
    if (options.help) {
      std::cout << help_text();
      return 0;
    }
    plans = plan_suite(options);
    startup_plans = plan_startup(options);
    scenario_plans = plan_scenarios(options);
    filter = benchmark_filter(options);
  } catch (const std::exception& e) {
    std::cerr << "concbench: " << e.what() << "\n";
    return 2;
  }
  // Unless the user passed --benchmark_repetitions.
  const int suite_repetitions = options.suite == "full" ? full_repetitions : default_repetitions;
  // What the run will do: Google Benchmark applies the user's count itself (configure()).
  const int repetitions = options.repetitions_given ? options.repetitions_value : suite_repetitions;
  const int cpus = usable_cpus();
  // Google Benchmark names a run after its registration: /repeats:R only when concbench sets it.
  const std::optional<int> registered_repetitions =
      options.repetitions_given ? std::nullopt : std::optional<int>(repetitions);
  try {
    selected = selected_entries(filter, plans, startup_plans, scenario_plans, registered_repetitions);
  } catch (const bad_filter& e) {
    std::cerr << "concbench: " << e.what() << "\n";
    return 2;
  }

  {
    // What --list prints, and the check that refuses a run nobody meant (a scale or a count
    // that would take days), before anything runs.
    entry_registry registry;
    const auto entries =
        build_entries(plans, nominal_constants(cpus), registry, selected, options.task_timeout_ms, options.warm_up);
    const auto startups = build_startup_entries(startup_plans, registry, selected, options.task_timeout_ms);
    const auto scenarios =
        build_scenario_entries(scenario_plans, registry, selected, options.task_timeout_ms, options.warm_up);
    // A filter that selects nothing would calibrate, run nothing and write no report.
    if (entries.empty() && startups.empty() && scenarios.empty()) {
      const std::size_t planned = plans.size() + startup_plans.size() + scenario_plans.size();
      std::cerr << "concbench: --benchmark_filter=" << filter << " matches none of the " << planned
                << " entries of this run (--list without the filter names them; " << run_name_hint() << ")\n";
      return 2;
    }
    const double seconds = estimated_seconds(entries, startups, scenarios, repetitions);
    if (seconds > max_run_seconds) {
      std::cerr << "concbench: this run would take about " << format_duration_ns(seconds * 1e9)
                << " by the --list estimate (more than a day): check --cpu-scale, --time-scale, --http-tasks, "
                   "--workers and --benchmark_repetitions\n";
      return 2;
    }
    if (options.list) {
      for (const auto& entry : entries) std::cout << entry.metadata->name << "\n";
      for (const auto& entry : startups) std::cout << entry.metadata->name << "\n";
      for (const auto& entry : scenarios) std::cout << entry.metadata->name << "\n";
      const std::size_t listed = entries.size() + startups.size() + scenarios.size();
      std::cout << listed << (listed == 1 ? " entry" : " entries") << "; about " << static_cast<int>(seconds + 1)
                << " s with " << repetitions << " repetitions (nominal constants, P=" << cpus << ")\n";
      return 0;
    }
  }

  std::filesystem::path report_path = options.out ? std::filesystem::path(*options.out) : default_report_path();
  try {
    if (!options.out) std::filesystem::create_directories(report_path.parent_path());
    // A link is followed: the report replaces what it points at, and the timeline and partial
    // files go beside that, where the report's timelines_file field says they are.
    report_path = followed_links(report_path);
    check_report_destination(report_path, options.force);
  } catch (const std::exception& e) {
    std::cerr << "concbench: --out: " << e.what() << "\n";
    return 2;
  }

  // Before any thread starts: every thread inherits the blocked SIGINT and SIGTERM.
  std::optional<interruption> interrupt;
  try {
    interrupt.emplace();
  } catch (const std::exception& e) {
    std::cerr << "concbench: cannot watch for Ctrl-C: " << e.what() << "\n";
    return 1;
  }
  // Once the run is over, the fork server goes while Ctrl-C is still watched: should it be slow
  // to go, a second Ctrl-C still quits at once.
  const fork_server_stopper stop_forks_before_the_signal_watcher;

  // The machine's state before calibration loads the CPUs; its warnings say what to fix.
  run_environment environment;
  environment.print_start_warnings(std::cout);
  std::cout << "concbench: calibrating (P=" << cpus << ") ..." << std::flush;
  machine_constants constants = calibrate(cpus);
  std::cout << " c_1 = " << constants.increment_ns(1) << " ns/increment, c_" << cpus << " = "
            << constants.increment_ns(cpus) << ", sleep overshoot " << format_duration_ns(constants.sleep_overshoot_ns)
            << ", core clock " << constants.core_ghz << " GHz" << std::endl;

  // The http entries fetch from a server in its own process (its threads are not in this
  // one), started here unless --http-url names one; r and X are measured against it.
  std::optional<http_server_process> http_server;
  if (uses_http(plans)) {
    try {
      if (!options.http_url) {
        const http_server_process_options server_options;  // this binary, `serve`, port 0
        http_server.emplace(server_options);
        options.http_url = http_server->url();
        plans = plan_suite(options);
      }
      std::cout << "concbench: http server " << *options.http_url << " ..." << std::flush;
      // The probe requests wait as long as the user lets every request wait (--http-timeout-ms).
      measure_http_constants(*options.http_url, constants, 1024,
                             std::chrono::milliseconds(static_cast<std::int64_t>(options.http_timeout_ms)));
      std::cout << " round trip r = " << format_duration_ns(constants.loopback_round_trip_ns)
                << ", saturated rate X = " << static_cast<long long>(constants.loopback_requests_per_second)
                << " requests/s" << std::endl;
    } catch (const std::exception& e) {
      std::cerr << "\nconcbench: http: " << e.what() << "\n";
      return 1;
    }
  }

  // The http plans were made again with the server's URL: their selection is asked again.
  selected = selected_entries(filter, plans, startup_plans, scenario_plans, registered_repetitions);
  entry_registry registry;
  auto entries = build_entries(plans, constants, registry, selected, options.task_timeout_ms, options.warm_up);
  auto startups = build_startup_entries(startup_plans, registry, selected, options.task_timeout_ms);
  auto scenarios = build_scenario_entries(scenario_plans, registry, selected, options.task_timeout_ms,
                                          options.warm_up);  // complete before
  const std::stop_token stop = interrupt->token();           // registering: the
                                                             // lambdas keep references
  // The console's progress comes from each repetition's end (repetition_order), so it works
  // whatever order Google Benchmark runs the repetitions in.
  const auto estimates = estimated_seconds_by_entry(entries, startups, scenarios, repetitions);
  std::vector<const entry_metadata*> planned_metadata;
  for (const auto& entry : entries) planned_metadata.push_back(entry.metadata.get());
  for (const auto& entry : startups) planned_metadata.push_back(entry.metadata.get());
  for (const auto& entry : scenarios) planned_metadata.push_back(entry.metadata.get());
  const auto dependencies = line_dependencies(planned_metadata);
  std::vector<progress_display::planned_entry> planned;
  for (const auto* entry : planned_metadata) {
    planned.push_back({entry->name, estimates.at(entry->name), dependencies.at(entry->name)});
  }
  progress_display progress(std::cout, std::move(planned),
                            {.repetitions = repetitions, .terminal_width = terminal_width()});
  repetition_order order(progress);

  for (auto& entry : entries) {
    entry.repetitions = repetitions;  // its untimed probe batch follows the last one
    auto* registered = benchmark::RegisterBenchmark(entry.metadata->name.c_str(),
                                                    [&entry, &order, token = stop](benchmark::State& state) {
                                                      measure_entry(state, entry, token);
                                                      order.done(*entry.metadata);
                                                    });
    configure_registration(registered,
                           {entry.metadata->name, iterations_per_sample(*entry.plan.work), registered_repetitions});
  }
  for (auto& entry : startups) {
    auto* registered = benchmark::RegisterBenchmark(entry.metadata->name.c_str(),
                                                    [&entry, &order, token = stop](benchmark::State& state) {
                                                      measure_startup_entry(state, entry, token);
                                                      order.done(*entry.metadata);
                                                    });
    configure_registration(registered,
                           {entry.metadata->name, iterations_per_sample(entry.plan), registered_repetitions});
  }
  for (auto& entry : scenarios) {
    auto* registered = benchmark::RegisterBenchmark(entry.metadata->name.c_str(),
                                                    [&entry, &order, token = stop](benchmark::State& state) {
                                                      measure_scenario_entry(state, entry, token);
                                                      order.done(*entry.metadata);
                                                    });
    configure_registration(registered,
                           {entry.metadata->name, iterations_per_sample(entry.plan), registered_repetitions});
  }

  nlohmann::json context = machine_context();
  context["build"] = build_context();
  context["machine_constants"] = constants;
  context["command_line"] = nlohmann::json(std::vector<std::string>(argv, argv + argc));
  context["suite"] = options.suite;
  // Google Benchmark 1.7.1 shuffles every repetition of every entry once, with a std::mt19937
  // seeded from std::random_device: there is no seed to record or replay. Each iteration row's
  // run_position records the order instead.
  context["interleaving"] = {{"enabled", options.interleaving}, {"seed", nullptr}};
  context["warm_up"] = {{"enabled", options.warm_up}, {"max_batch_ns", max_untimed_batch_ns}};
  if (!options.benchmark_context.empty()) context["benchmark_context"] = options.benchmark_context;
  context.update(environment.start_context());

  const std::size_t entry_count = entries.size() + startups.size() + scenarios.size();
  std::cout << "concbench: " << entry_count << (entry_count == 1 ? " entry x " : " entries x ") << repetitions
            << (repetitions == 1 ? " repetition" : " repetitions") << (options.interleaving ? " in a random order" : "")
            << ", about " << static_cast<int>(estimated_seconds(entries, startups, scenarios, repetitions) + 1)
            << " s; report: " << report_path.string() << std::endl;
  report_collector collector(report_path, context, registry,
                             [&progress](const entry_metadata& entry, const std::vector<nlohmann::json>& rows) {
                               progress.entry_done(entry, rows);
                             });
  progress.set_rows_source([&collector](const std::string& name) { return collector.rows_of(name); });
  // Nothing measured after a failed write could be saved where it belongs: stop at once.
  collector.set_write_failed([&interrupt](const std::string& error) {
    std::cerr << "\nconcbench: " << error << ": stopping the run\n";
    interrupt->request_stop();
  });
  interrupt->set_quit_note("the rows measured so far are in " + collector.partial_path().string() +
                           " (rewritten at most once a second); " + report_path.string() + " was not replaced");

  collector.set_interruption([&interrupt] { return interrupt->signal_name(); });
  collector.set_end_of_run([&environment, &progress] {
    progress.finish();  // the entry lines still waiting for a comparison, before the end's warnings
    auto keys = environment.finish(std::cout);
    if (const auto lost = fork_server_lost()) {
      std::cout << "concbench: warning: " << *lost
                << " during the run: the entries that needed it failed or were skipped\n";
      keys["fork_server_lost"] = *lost;
    }
    return keys;
  });

  std::vector<std::string> benchmark_args{argv[0]};
  // The filter has been applied: only the selected entries are registered.
  for (const auto& flag : options.benchmark_flags) {
    if (!flag.starts_with("--benchmark_filter=")) benchmark_args.push_back(flag);
  }
  benchmark_args.push_back(std::string("--benchmark_enable_random_interleaving=") +
                           (options.interleaving ? "true" : "false"));
  std::vector<char*> benchmark_argv;
  for (auto& arg : benchmark_args) benchmark_argv.push_back(arg.data());
  int benchmark_argc = static_cast<int>(benchmark_argv.size());
  benchmark::Initialize(&benchmark_argc, benchmark_argv.data());
  if (benchmark::ReportUnrecognizedArguments(benchmark_argc, benchmark_argv.data())) return 2;
  const std::size_t ran = benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  if (collector.write_error().empty() && collector.any_row()) {
    interrupt->set_quit_note("the report is written: " + report_path.string());
  }
  if (!collector.write_error().empty()) {
    std::error_code ignored;
    const bool had_report = std::filesystem::exists(report_path, ignored);
    std::cerr << "concbench: the run was stopped at its first failed write (" << collector.write_error() << "); "
              << (collector.partial_written()
                      ? "the rows measured until the last good write are in " + collector.partial_path().string()
                      : std::string("no partial report could be written"))
              << (had_report ? "; " + report_path.string() + " was left as it was" : "") << "\n";
    return 1;
  }
  if (ran == 0 || !collector.any_row()) {
    // Nothing measured, so nothing written: an older report at the path must not pass for this run's.
    std::cerr << "concbench: Google Benchmark ran none of the " << entry_count
              << " selected entries; no report was written\n";
    return 1;
  }

  std::cout << "report:    " << collector.report_path().string() << "\n"
            << "timelines: " << collector.timelines_path().string() << "\n"
            << "charts:    /usr/bin/python3 plot/plot.py " << collector.report_path().string() << " --out charts\n";
  if (interrupt->signal() != 0) {
    std::cerr << "concbench: interrupted by " << interrupt->signal_name()
              << ": the report keeps the entries that finished; the others are marked interrupted (\"complete\": "
                 "false)\n";
    return interrupt->exit_status();
  }
  if (collector.any_entry_failed()) {
    std::cerr << "concbench: some entries failed; their errors are in the report\n";
    return 1;
  }
  return 0;
}
