#include "benchmarks/commands.hpp"

#include <benchmark/benchmark.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "benchmarks/cli/interruption.hpp"
#include "benchmarks/cli/progress_display.hpp"
#include "benchmarks/entries/entry_selection.hpp"
#include "benchmarks/entries/entry_set.hpp"
#include "benchmarks/entries/round_plan.hpp"
#include "benchmarks/rounds.hpp"
#include "reports/atomic_file.hpp"
#include "reports/build_info.hpp"
#include "reports/environment_check.hpp"
#include "reports/machine_info.hpp"
#include "reports/report_collector.hpp"
#include "reports/report_destination.hpp"
#include "runners/process/fork_server.hpp"
#include "workloads/calibration/calibration.hpp"
#include "workloads/http/http_calibration.hpp"
#include "workloads/http/http_serve.hpp"
#include "workloads/http/http_server_process.hpp"

namespace concbench {

fork_server_stopper::~fork_server_stopper() { stop_fork_server(); }

int serve_command(const std::vector<std::string>& args) {
  try {
    return serve_main(parse_serve_arguments(args));
  } catch (const std::invalid_argument& e) {
    std::cerr << "concbench " << e.what() << "\n";  // the message starts with "serve: "
    return 2;
  }
}

namespace {

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

// Nominal constants for --list, so that listing needs no calibration.
machine_constants nominal_constants(int cpus) {
  machine_constants constants;
  constants.usable_cpus = cpus;
  constants.ns_per_increment.assign(static_cast<std::size_t>(cpus), 0.3);
  constants.sleep_overshoot_ns = 100e3;
  constants.core_ghz = 3;
  return constants;
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

// What --list and the run agree on before anything runs.
struct run_selection {
  run_plans plans;
  std::string filter;
  std::set<std::string> selected;
  round_settings rounds;  // the seed is drawn by the run (a listing needs none)
  int minimum_repetitions = 0;
  int cpus = 0;
  entry_list nominal_entries;    // the selected entries, described with nominal constants
  double estimated_seconds = 0;  // of every entry's minimum repetitions
};

// The precision, the budget and the fixed count the command line and the suite ask for.
round_settings round_settings_of(const cli_options& options) {
  round_settings settings;
  const auto targets = suite_targets(options.suite);
  if (options.repetitions_given) {
    // Exactly N rounds: no precision stop, and no budget unless the user set one (then it only
    // decides which entries fit).
    settings.fixed_rounds = options.repetitions_value;
    settings.max_rounds = options.repetitions_value;
    settings.budget_seconds = options.budget_seconds;
  } else {
    settings.precision_pct = options.precision_pct.value_or(targets.precision_pct);
    settings.budget_seconds = options.budget_seconds.value_or(targets.budget_seconds);
  }
  settings.shuffle = options.interleaving;
  return settings;
}

// The planner's view of each entry, in registration order.
std::vector<round_planner::planned_entry> planned_entries(const entry_list& entries, int minimum) {
  std::vector<round_planner::planned_entry> planned;
  for (const auto& measured : entries) {
    const double first = measured->estimated_seconds(1);
    const double each = std::max(measured->estimated_seconds(2) - first, 0.0);
    const auto& fields = measured->metadata().fields;
    planned.push_back(
        {run_priority(fields.value("workload", std::string()), fields.value("model", std::string()), each), first, each,
         measured->estimated_seconds(minimum)});
  }
  return planned;
}

// The run the command line asks for, checked before anything runs; nullopt once the reason it
// is refused is on stderr (exit status 2).
std::optional<run_selection> select_run(const cli_options& options) {
  run_selection run;
  try {
    run.plans = plan_run(options);
    run.filter = benchmark_filter(options);
  } catch (const std::exception& e) {
    std::cerr << "concbench: " << e.what() << "\n";
    return std::nullopt;
  }
  run.rounds = round_settings_of(options);
  run.minimum_repetitions = minimum_repetitions(run.rounds);
  run.cpus = usable_cpus();
  try {
    // Registered without Repetitions() (rounds.cpp): the run names have no /repeats: part.
    run.selected = selected_entries(run.filter, run.plans, std::nullopt);
  } catch (const bad_filter& e) {
    std::cerr << "concbench: " << e.what() << "\n";
    return std::nullopt;
  }
  entry_registry registry;
  run.nominal_entries = build_entries(run.plans, run.selected, nominal_constants(run.cpus), registry,
                                      {options.task_timeout_ms, options.warm_up});
  // A filter that selects nothing would calibrate, run nothing and write no report.
  if (run.nominal_entries.empty()) {
    std::cerr << "concbench: --benchmark_filter=" << run.filter << " matches none of the " << run.plans.size()
              << " entries of this run (--list without the filter names them; " << run_name_hint() << ")\n";
    return std::nullopt;
  }
  // The check that refuses a run nobody meant (a scale or a count that would take days).
  run.estimated_seconds = estimated_seconds(run.nominal_entries, run.minimum_repetitions);
  if (run.estimated_seconds > max_run_seconds) {
    std::cerr << "concbench: this run would take about " << format_duration_ns(run.estimated_seconds * 1e9)
              << " by the --list estimate (more than a day): check --cpu-scale, --time-scale, --http-tasks, "
                 "--workers and --benchmark_repetitions\n";
    return std::nullopt;
  }
  return run;
}

// The report's path from --out, checked; nullopt once the reason it is refused is on stderr.
std::optional<std::filesystem::path> report_destination(const cli_options& options) {
  std::filesystem::path report_path = options.out ? std::filesystem::path(*options.out) : default_report_path();
  try {
    if (!options.out) std::filesystem::create_directories(report_path.parent_path());
    // A link is followed: the report replaces what it points at, and the timeline and partial
    // files go beside that, where the report's timelines_file field says they are.
    report_path = followed_links(report_path);
    check_report_destination(report_path, options.force);
  } catch (const std::exception& e) {
    std::cerr << "concbench: --out: " << e.what() << "\n";
    return std::nullopt;
  }
  return report_path;
}

// The http entries fetch from a server in its own process (its threads are not in this one),
// started here unless --http-url names one; r and X are measured against it. False once the
// reason is on stderr.
bool prepare_http(cli_options& options, run_plans& plans, std::optional<http_server_process>& http_server,
                  machine_constants& constants) {
  if (!uses_http(plans.tasks)) return true;
  try {
    if (!options.http_url) {
      const http_server_process_options server_options;  // this binary, `serve`, port 0
      http_server.emplace(server_options);
      options.http_url = http_server->url();
      plans.tasks = plan_suite(options);
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
    return false;
  }
  return true;
}

nlohmann::json run_context(const cli_options& options, const machine_constants& constants,
                           const std::vector<std::string>& command_line, const run_environment& environment,
                           std::uint64_t seed) {
  nlohmann::json context = machine_context();
  context["build"] = build_context();
  context["machine_constants"] = constants;
  context["command_line"] = nlohmann::json(command_line);
  context["suite"] = options.suite;
  // concbench shuffles each round itself, from this seed (round_plan.hpp): --seed replays it.
  context["interleaving"] = {{"enabled", options.interleaving}, {"seed", seed}};
  context["warm_up"] = {{"enabled", options.warm_up}, {"max_batch_ns", max_untimed_batch_ns}};
  if (!options.benchmark_context.empty()) context["benchmark_context"] = options.benchmark_context;
  context.update(environment.start_context());
  return context;
}

// Google Benchmark's own command line: the passed-through flags, without the filter (only the
// selected entries are registered) and the repetitions, and without its interleaving: the
// rounds repeat and order the entries themselves (rounds.hpp).
std::vector<std::string> benchmark_arguments(const cli_options& options, const std::string& program) {
  std::vector<std::string> args{program};
  for (const auto& flag : options.benchmark_flags) {
    if (!flag.starts_with("--benchmark_filter=") && !flag.starts_with("--benchmark_repetitions=")) {
      args.push_back(flag);
    }
  }
  args.push_back("--benchmark_enable_random_interleaving=false");
  return args;
}

// A random seed when --seed gave none, within what a JSON reader keeps exact.
std::uint64_t seed_of(const cli_options& options) {
  if (options.seed) return *options.seed;
  std::random_device device;
  const std::uint64_t drawn = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  return drawn & max_seed;
}

// "1 min", "90 s" for a budget.
std::string budget_text(std::optional<double> seconds) { return seconds ? format_time_left(*seconds) : "none"; }

}  // namespace

int list_command(const cli_options& options) {
  const auto run = select_run(options);
  if (!run) return 2;
  const int minimum = run->minimum_repetitions;
  round_planner planner(planned_entries(run->nominal_entries, minimum), run->rounds);
  // Each name alone on its line (tools read the names from --list), what it costs below it.
  double covered_seconds = 0;
  for (std::size_t i = 0; i < run->nominal_entries.size(); ++i) {
    const auto& listed = run->nominal_entries[i];
    const double seconds = listed->estimated_seconds(minimum);
    const bool runs = planner.state(i) != round_planner::entry_state::not_run;
    if (runs) covered_seconds += seconds;
    std::cout << listed->name() << "\n  about " << format_duration_ns(seconds * 1e9) << " for " << minimum
              << (minimum == 1 ? " repetition" : " repetitions")
              << (!run->rounds.budget_seconds ? ""
                  : runs                      ? ", within the budget"
                                              : ", beyond the budget: not run")
              << "\n";
  }
  const std::size_t listed = run->nominal_entries.size();
  std::cout << listed << (listed == 1 ? " entry" : " entries") << "; about "
            << static_cast<int>(run->estimated_seconds + 1) << " s for " << minimum
            << (run->rounds.fixed_rounds ? " repetitions (exactly)"
                                         : " repetitions (the floor before the budget may end an entry)")
            << " of each";
  if (run->rounds.budget_seconds) {
    const auto left_out = planner.not_run().size();
    std::cout << "; the " << budget_text(run->rounds.budget_seconds) << " budget covers " << (listed - left_out)
              << " of them (about " << static_cast<int>(covered_seconds + 1) << " s)";
    if (left_out > 0) std::cout << ", the other " << left_out << " would not run";
  }
  if (run->rounds.precision_pct) std::cout << "; precision " << *run->rounds.precision_pct << " %";
  std::cout << " (nominal constants, P=" << run->cpus << ")\n";
  return 0;
}

int run_command(cli_options options, const std::vector<std::string>& command_line) {
  // The budget is the run's wall time: what calibration and the servers take comes out of it.
  const auto run_began = std::chrono::steady_clock::now();
  auto run = select_run(options);
  if (!run) return 2;
  const auto destination = report_destination(options);
  if (!destination) return 2;
  const std::filesystem::path report_path = *destination;

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
  const int cpus = run->cpus;
  std::cout << "concbench: calibrating (P=" << cpus << ") ..." << std::flush;
  machine_constants constants = calibrate(cpus);
  std::cout << " c_1 = " << constants.increment_ns(1) << " ns/increment, c_" << cpus << " = "
            << constants.increment_ns(cpus) << ", sleep overshoot " << format_duration_ns(constants.sleep_overshoot_ns)
            << ", core clock " << constants.core_ghz << " GHz" << std::endl;
  std::optional<http_server_process> http_server;
  if (!prepare_http(options, run->plans, http_server, constants)) return 1;

  // The http plans were made again with the server's URL: their selection is asked again.
  const auto selected = selected_entries(run->filter, run->plans, std::nullopt);
  entry_registry registry;
  // The registered entries keep references to these: all of it lives until the run ends.
  auto entries = build_entries(run->plans, selected, constants, registry, {options.task_timeout_ms, options.warm_up});
  auto settings = run->rounds;
  settings.seed = seed_of(options);
  settings.spent_before_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_began).count();
  const int minimum = run->minimum_repetitions;
  round_planner planner(planned_entries(entries, minimum), settings);
  std::vector<const entry_metadata*> planned_metadata;
  for (const auto& measured : entries) planned_metadata.push_back(&measured->metadata());
  const auto dependencies = line_dependencies(planned_metadata);
  std::vector<progress_display::planned_entry> planned;
  double seconds = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (planner.state(i) == round_planner::entry_state::not_run) continue;
    const auto& measured = entries[i];
    planned.push_back({measured->name(), measured->estimated_seconds(minimum), dependencies.at(measured->name())});
    seconds += planned.back().estimated_seconds;
  }
  progress_display progress(std::cout, std::move(planned),
                            {.repetitions = settings.fixed_rounds.value_or(0),
                             .budget_seconds = settings.budget_seconds.value_or(0),
                             .spent_before_seconds = settings.spent_before_seconds,
                             .terminal_width = terminal_width()});

  const std::size_t entry_count = planner.entries_run();
  std::cout << "concbench: seed " << settings.seed << " (--seed=" << settings.seed << " replays the order)\n";
  if (const auto not_run = planner.not_run(); !not_run.empty()) {
    std::cout << "concbench: the " << budget_text(settings.budget_seconds) << " budget does not cover " << minimum
              << " repetitions of every entry: " << not_run.size() << " of the lowest priority are not run:";
    for (const auto index : not_run) std::cout << " " << entries[index]->name();
    std::cout << "\n";
  }
  std::cout << "concbench: " << entry_count << (entry_count == 1 ? " entry" : " entries");
  if (settings.fixed_rounds) {
    std::cout << " x " << *settings.fixed_rounds << (*settings.fixed_rounds == 1 ? " round" : " rounds");
  } else {
    std::cout << ", rounds until each is within " << *settings.precision_pct << " % (" << lead_name()
              << ", 95 % interval; at least " << minimum << " repetitions each) or the "
              << budget_text(settings.budget_seconds) << " budget is spent";
  }
  std::cout << (options.interleaving ? ", in a new random order each round" : ", in the same order each round")
            << ", at least about " << static_cast<int>(seconds + 1) << " s; report: " << report_path.string()
            << std::endl;
  auto context = run_context(options, constants, command_line, environment, settings.seed);
  context["precision"] = precision_context(planner, entries);
  // The entries' lines come from the rounds (rounds.cpp), when each stops.
  report_collector collector(report_path, std::move(context), registry, nullptr);
  progress.set_rows_source([&collector](const std::string& name) { return collector.rows_of(name); });
  // Nothing measured after a failed write could be saved where it belongs: stop at once.
  collector.set_write_failed([&interrupt](const std::string& error) {
    std::cerr << "\nconcbench: " << error << ": stopping the run\n";
    interrupt->request_stop();
  });
  interrupt->set_quit_note("the rows measured so far are in " + collector.partial_path().string() +
                           " (rewritten at most once a second); " + report_path.string() + " was not replaced");

  collector.set_interruption([&interrupt] { return interrupt->signal_name(); });
  rounds_outcome outcome;
  collector.set_end_of_run([&environment, &progress, &planner, &entries, &outcome] {
    progress.finish();  // the entry lines still waiting for a comparison, before the end's warnings
    std::cout << closing_line(planner, outcome.seconds) << "\n";
    auto keys = environment.finish(std::cout);
    keys["precision"] = precision_context(planner, entries);
    if (const auto lost = fork_server_lost()) {
      std::cout << "concbench: warning: " << *lost
                << " during the run: the entries that needed it failed or were skipped\n";
      keys["fork_server_lost"] = *lost;
    }
    return keys;
  });

  auto benchmark_args = benchmark_arguments(options, command_line.front());
  std::vector<char*> benchmark_argv;
  for (auto& arg : benchmark_args) benchmark_argv.push_back(arg.data());
  int benchmark_argc = static_cast<int>(benchmark_argv.size());
  benchmark::Initialize(&benchmark_argc, benchmark_argv.data());
  if (benchmark::ReportUnrecognizedArguments(benchmark_argc, benchmark_argv.data())) return 2;
  outcome = run_rounds(entries, planner, collector, progress, interrupt->token());
  collector.finish();
  const std::size_t ran = outcome.runs;
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

}  // namespace concbench
