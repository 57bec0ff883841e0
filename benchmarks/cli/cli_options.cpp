#include "benchmarks/cli/cli_options.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "benchmarks/cli/benchmark_flags.hpp"
#include "benchmarks/cli/cli_values.hpp"
#include "reports/machine_info.hpp"
#include "workloads/http/http_url.hpp"
#include "workloads/number_format.hpp"
#include "workloads/workload_registry.hpp"

namespace concbench {
namespace {

const std::vector<std::string> known_suites{"quick", "default", "full", "scale"};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (true) {
    const auto comma = text.find(',', begin);
    parts.push_back(text.substr(begin, comma - begin));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

worker_count parse_worker_count(const std::string& text) {
  if (text == "py-default") return {python_default_workers(), "py-default"};
  const auto value = parse_whole("--workers", text);  // one too large for a long long is above the maximum
  if (value < 1) throw cli_error("--workers: " + text + " must be at least 1");
  if (value > max_workers) {
    throw cli_error("--workers: " + text + " is above " + std::to_string(max_workers) +
                    " (threads and processes are limited system-wide on this machine)");
  }
  return {static_cast<int>(value), std::to_string(value)};
}

std::string require_value(const std::string& flag, const std::optional<std::string>& value) {
  if (!value || value->empty()) throw cli_error(flag + " needs a value, e.g. " + flag + "=...");
  return *value;
}

template <typename T, typename Parse>
std::vector<T> parse_list(const std::string& flag, const std::string& text, Parse parse) {
  std::vector<T> items;
  for (const auto& part : split(text)) {
    if (part.empty()) throw cli_error(flag + ": empty item in '" + text + "'");
    const T item = parse(part);
    if (std::find(items.begin(), items.end(), item) != items.end()) {
      throw cli_error(flag + ": '" + part + "' is given twice");
    }
    items.push_back(item);
  }
  return items;
}

}  // namespace

cli_options parse_cli(const std::vector<std::string>& args) {
  cli_options options;
  // --interleaving and --benchmark_enable_random_interleaving say the same: they must agree.
  std::optional<std::pair<std::string, bool>> interleaving_given;
  const auto set_interleaving = [&](const std::string& flag, bool on) {
    if (interleaving_given && interleaving_given->second != on) {
      throw cli_error(flag + " contradicts " + interleaving_given->first + " given before it");
    }
    interleaving_given = {flag, on};
    options.interleaving = on;
  };
  // Each flag as first given: a second one would silently win over the first (none of
  // concbench's flags, nor Google Benchmark's, adds up when repeated), so it is refused.
  std::map<std::string, std::string> given;
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      options.help = true;  // harmless twice: it prints the same text
      continue;
    }
    if (arg.rfind("--", 0) != 0) throw cli_error("unexpected argument '" + arg + "' (flags start with --)");
    const auto equals = arg.find('=');
    const std::string flag = arg.substr(0, equals);
    const std::optional<std::string> value =
        equals == std::string::npos ? std::nullopt : std::optional<std::string>(arg.substr(equals + 1));
    if (const auto [first, inserted] = given.emplace(flag, arg); !inserted) {
      throw cli_error(flag + " is given twice ('" + first->second + "', then '" + arg + "'): give it once");
    }

    if (flag == "--suite") {
      options.suite = require_value(flag, value);
      if (std::find(known_suites.begin(), known_suites.end(), options.suite) == known_suites.end()) {
        throw cli_error("--suite: unknown suite '" + options.suite + "' (known: " + join(known_suites) + ")");
      }
    } else if (flag == "--workloads") {
      options.workloads = parse_list<std::string>(flag, require_value(flag, value), [](const std::string& name) {
        const auto* known = find_workload(name);
        if (!known || !known->selectable) {
          throw cli_error("--workloads: unknown workload '" + name + "' (known: " + join(selectable_workloads()) + ")");
        }
        return name;
      });
    } else if (flag == "--models") {
      options.models = parse_list<model_kind>(flag, require_value(flag, value), [](const std::string& name) {
        const auto model = parse_model(name);
        if (!model) {
          std::vector<std::string> names;
          for (const auto known : all_models()) names.emplace_back(to_string(known));
          throw cli_error("--models: unknown model '" + name + "' (known: " + join(names) + ")");
        }
        return *model;
      });
    } else if (flag == "--workers") {
      options.workers = parse_list<worker_count>(flag, require_value(flag, value), parse_worker_count);
    } else if (flag == "--cpu-scale") {
      options.cpu_scales = parse_list<double>(flag, require_value(flag, value), [&](const std::string& text) {
        const double scale = parse_positive(flag, text, max_cpu_scale, "one batch would take minutes per model");
        // The help's lower end: below it the tutorial's smallest task (n = 4) counts fewer
        // than 40,000 increments, a few microseconds, no longer than starting the task, so the
        // batch would time the models' overhead while its name says cpu work.
        constexpr double min_cpu_scale = 0.01;
        if (scale < min_cpu_scale) {
          throw cli_error(flag + ": " + text + " is below " + format_number(min_cpu_scale) +
                          " (a cpu task would be too short to measure the work instead of the overhead)");
        }
        return scale;
      });
    } else if (flag == "--time-scale") {
      const auto text = require_value(flag, value);
      options.time_scale = parse_positive(flag, text, max_time_scale, "one batch would take minutes per model");
      if (options.time_scale < min_time_scale) {
        throw cli_error(flag + ": " + text + " is below " + format_number(min_time_scale) +
                        " (a 1 ms sleep would last less than a microsecond, shorter than a sleep can be timed)");
      }
    } else if (flag == "--http-url") {
      const auto url = require_value(flag, value);
      // The same parse the client makes: a URL it would refuse (a CR LF would add request headers
      // of its own) is refused here, in one line, before anything runs.
      try {
        parse_http_url(url);
      } catch (const std::invalid_argument& e) {
        throw cli_error(flag + ": " + e.what());
      }
      options.http_url = url;
    } else if (flag == "--http-inflight") {
      options.http_inflight = parse_list<std::size_t>(flag, require_value(flag, value), [&](const std::string& text) {
        if (text == "all") return std::size_t{0};  // every task in flight, as K:all in names
        const auto k = parse_whole(flag, text);
        if (k < 1) throw cli_error(flag + ": " + text + " must be at least 1");
        if (k > max_http_tasks) throw cli_error(flag + ": " + text + " is above " + std::to_string(max_http_tasks));
        return static_cast<std::size_t>(k);
      });
    } else if (flag == "--http-tasks") {
      const auto text = require_value(flag, value);
      const auto tasks = parse_whole(flag, text);
      if (tasks < 1) throw cli_error(flag + ": " + text + " must be at least 1");
      if (tasks > max_http_tasks) throw cli_error(flag + ": " + text + " is above " + std::to_string(max_http_tasks));
      options.http_tasks = static_cast<int>(tasks);
    } else if (flag == "--http-delay-ms") {
      // 0 in any spelling (0.0, 0e3) is no delay; -0 too.
      const auto text = require_value(flag, value);
      const double delay = parse_number(flag, text);
      if (delay < 0) throw cli_error(flag + ": " + text + " must be 0 (no delay) or more");
      if (delay > max_http_delay_option_ms) {
        throw cli_error(flag + ": " + text + " is above " + format_number(max_http_delay_option_ms) +
                        " (a minute per request)");
      }
      options.http_delay_ms = delay == 0 ? 0.0 : delay;
    } else if (flag == "--http-timeout-ms") {
      options.http_timeout_ms = parse_positive(flag, require_value(flag, value), 3'600'000, "an hour per request");
    } else if (flag == "--task-timeout-ms") {
      const auto text = require_value(flag, value);
      const auto limit = parse_whole(flag, text);
      if (limit < 0) throw cli_error(flag + ": " + text + " must be 0 (no time-out) or more");
      if (limit > max_task_timeout_ms) throw cli_error(flag + ": " + text + " is above a day");
      options.task_timeout_ms = limit;
    } else if (flag == "--out") {
      // Whether a file can be written there is checked by main (check_report_destination).
      options.out = require_value(flag, value);
    } else if (flag == "--interleaving" || flag == "--warm-up") {
      if (!value) throw cli_error(flag + " needs a value: " + flag + "=on or " + flag + "=off");
      if (flag == "--warm-up") {
        options.warm_up = parse_switch(flag, value);
      } else {
        set_interleaving(flag, parse_switch(flag, value));
      }
    } else if (flag == "--precision") {
      options.precision_pct = parse_percentage(flag, require_value(flag, value), max_precision_pct);
    } else if (flag == "--budget") {
      options.budget_seconds = parse_duration(flag, require_value(flag, value), max_run_seconds);
    } else if (flag == "--seed") {
      const auto text = require_value(flag, value);
      if (text.find_first_not_of("0123456789") != std::string::npos) {
        throw cli_error(flag + ": '" + text + "' is not a whole number from 0 to " + std::to_string(max_seed));
      }
      const auto seed = parse_whole(flag, text);
      if (seed < 0 || static_cast<std::uint64_t>(seed) > max_seed) {
        throw cli_error(flag + ": " + text + " is above " + std::to_string(max_seed) +
                        " (a larger seed would not survive a JSON reader exactly)");
      }
      options.seed = static_cast<std::uint64_t>(seed);
    } else if (flag == "--list") {
      if (value) throw cli_error("--list takes no value");
      options.list = true;
    } else if (flag == "--force") {
      if (value) throw cli_error("--force takes no value");
      options.force = true;
    } else if (!apply_benchmark_flag(flag, value, options, set_interleaving)) {
      throw cli_error("unknown flag '" + flag + "' (see --help)");
    }
  }
  if (options.precision_pct && options.repetitions_given) {
    throw cli_error(
        "--precision contradicts --benchmark_repetitions: a fixed count runs exactly that many rounds, "
        "with no precision stop; give one of them");
  }
  return options;
}

std::string help_text() {
  return R"(concbench: which concurrency model wins on this machine, by how much, and how far each
is from the ideal. Runs the same workloads under every model, timed by Google Benchmark, and
writes one JSON report (plus a timeline file) that plot/plot.py turns into charts.

Usage: concbench [flags] [Google Benchmark flags]
       concbench serve [--port P] [--delay-ms D] [--body-bytes B] [--bind ADDRESS] [--close]
                       [--threads N (1..1024)] [--idle-timeout-ms T]
                       the http server alone: prints its URL, stops on Ctrl-C

  --suite=quick|default|full|scale
                          quick: small batches, about a minute; default (the default): the
                          tutorial batch at cpu scale 1 and 100, sleep, http, empty, every
                          model, about 5 minutes; full: the default suite at 1 % in 15 min
                          and http also with a new connection per request; scale: one wave of
                          N sleeps of 100 ms (x --time-scale) for N = 10, 100, 1000, 10000,
                          100000 under coroutines (awaitable, K:all), thread-per-task and
                          threads with W = N (up to 10000), processes-fork one process per
                          task (up to 1000): time and OS limits against N
  --workloads=LIST        cpu, sleep, http, startup, empty (replaces the suite's list). http: GETs
                          against concbench's own server (started in its own process) or
                          --http-url; startup: the time
                          for a process model to get W workers ready (each has said hello),
                          next to its floor measured in the same run: a bare fork from the
                          fork server (floor-fork-server), a bare posix_spawn of this binary
                          (floor-posix-spawn); needs processes-fork or processes-spawn;
                          empty: tasks that do nothing, so a batch's time per task is the
                          model's dispatch cost (N = 10000; 1000 for thread-per-task and the
                          process models; pools of W = 2 unless --workers);
                          sleep-shapes (run only when named here): the tutorials' own sleep
                          experiments at a tenth of their length (x --time-scale): five tasks
                          of seeded random 0-4 s at W = 5, and two functions sleeping 3 x 1 s
                          and 5 x 0.8 s at W = 2, under every model;
                          shared and pipeline (scenarios, run only when named here): tasks
                          updating one counter unsynchronised / under a mutex / atomically
                          (lost updates counted), and producers passing items to consumers
                          through a bounded queue (every item verified delivered exactly once),
                          under sequential, threads, coroutines and processes-fork (and the
                          counter under thread-per-task: a thread per task);
                          messaging (a scenario, run only when named here): a client and an
                          echo, two threads or two processes, exchange numbered messages over
                          a pipe, a Unix socket or shared-memory rings: round-trip latency
                          (p50, p99) and streamed throughput, unpinned, pinned to one CPU and
                          pinned to two;
                          fork-cost (a scenario too): the time to start and reap a child
                          against the parent's resident memory (10, 100 MiB; 1000 outside
                          quick), parent forked by the fork server: fork (processes-fork),
                          fork + exec of /bin/true and posix_spawn of it (processes-spawn)
  --models=LIST           sequential, threads, threads-asio (boost::asio::thread_pool, one
                          post per task; by default at one W per suite, cpu and sleep, unless
                          named here or --workers is given), thread-per-task, coroutines,
                          processes-fork (workers forked by a fork server), processes-spawn
                          (workers re-executed with Boost.Process)
  --workers=LIST          W for the pools, e.g. 1,2,4,py-default (py-default: Python's
                          ThreadPoolExecutor default, min(32, CPUs + 4)); the process models
                          also run one process per task (pool:per-task, W:all); also the W
                          of the startup entries
  --cpu-scale=LIST        each cpu task counts n x 1,000,000 x scale (0.01 ... 1000)
  --time-scale=X          every sleep and server delay lasts its length x X (0.001 ... 100)
  --http-url=URL          fetch from this server instead of starting concbench's own on
                          127.0.0.1 (e.g. one started with `concbench serve` on another machine)
  --http-inflight=LIST    K, the requests a coroutine batch keeps in flight, e.g. 8,32,all
  --http-tasks=N          requests per batch (default: the suite's, 50 quick, 100 default)
  --http-delay-ms=L       the server's delay before it answers (default 5)
  --http-timeout-ms=T     a request with no complete answer within T ms fails (default 10000)
  --task-timeout-ms=T     a task running longer than T ms stops its batch: the entry fails
                          naming the tasks that did not finish, worker processes are killed
                          and reaped, and the run goes on (0: no time-out; default: ten times
                          the entry's whole sequential batch, at least 60 s). Every concbench
                          task honours the stop within about a millisecond; a thread that
                          ignored it could not be killed, and concbench would say so and wait
  --interleaving=on|off   on (the default): concbench runs rounds, each every entry still
                          measuring once, in an order shuffled anew every round, so a slow
                          phase of the machine spreads over every entry instead of hitting
                          one entry's repetitions; off: the same order (the suite's) every
                          round. Same as --benchmark_enable_random_interleaving=true|false
  --seed=N                the seed of the rounds' order (0 ... 2^53-1); default: a random
                          one, printed and recorded in the report, so a run's order replays
  --precision=P%          an entry stops once the 95 % interval of its lead estimate (p25 of
                          its repetition times) is within P % of the estimate, e.g. 2% or 2
                          (default: the suite's: 2 % default, 1 % full, 5 % quick and scale);
                          no entry stops on it before 13 repetitions, the fewest that give
                          its speedup an interval (its own p25 interval needs 11)
  --budget=DURATION       90s, 5m, 1h or seconds: the run's wall time, calibration and
                          servers' start included: the rounds stop when the next would not
                          fit what is left. If even the minimum repetitions of every
                          entry do not fit, the lowest-priority entries are not run (the
                          tutorials' cpu entries come first, then sleep), and the run and the
                          report say which (default: the suite's: 5 min default, 1 min
                          quick, 2 min scale, 15 min full). Every entry run gets 6
                          repetitions; after that each round the budget goes first to the
                          entries cheapest to bring to the precision (their repetitions
                          forecast from their spread so far), then to the others,
                          cheapest first; --list shows what the budget covers
  --warm-up=on|off        on (the default): one untimed batch before an entry's first timed
                          repetition (every model; a warm pool's own untimed first 2 x W
                          tasks before every repetition count as it), so caches, allocator, page faults and the CPU clock are
                          settled; only for batches under 0.5 s (a longer batch warms itself
                          within its own length). Start-up entries always start once untimed
                          before each sample. off: none (warm pools keep their 2 x W tasks)
  --out=PATH              the report (default: results/concbench-<date>-<time>.json); the
                          timeline file is written beside it as <name>.timelines.json. While
                          the run goes on, the rows are in <name>.partial.json (rewritten at
                          most once a second); PATH is written once, at the end, so a run
                          that fails to finish leaves the previous report as it was. Each
                          must be a regular file, a link to one, or not exist yet (not a
                          directory, a device or a fifo), in a directory that exists and has
                          room; an existing file that is not a concbench report is refused
  --force                 replace an existing --out file that is not a concbench report
  --list                  print the entries the run would execute, each with its estimate for
                          the minimum repetitions and whether the budget covers it
  --help                  this text

Google Benchmark's own flags, each checked before anything runs:
  --benchmark_filter=REGEX                only the entries it matches (--list shows them; one
                                          that matches none is refused)
  --benchmark_repetitions=N               exactly N rounds, no precision stop (N below 11
                                          gives no 95 % interval for the lead estimate,
                                          and the report's rows say so)
  --benchmark_enable_random_interleaving=true|false   as --interleaving=on|off
  --benchmark_context=KEY=VALUE[,...]     recorded in the report's context (benchmark_context)
  --v=N                                   Google Benchmark's own log level, on stderr
Refused, because concbench does it itself or they have no effect on its output:
--benchmark_out, --benchmark_out_format, --benchmark_format (use --out), --benchmark_list_tests
(use --list), --benchmark_min_warmup_time (see --warm-up), --benchmark_min_time (every entry
runs a fixed number of batches), --benchmark_report_aggregates_only and
--benchmark_display_aggregates_only (the report keeps every repetition),
--benchmark_perf_counters, --benchmark_color, --benchmark_counters_tabular,
--benchmark_time_unit. A flag may be given once.

Test-only: the `fault` workload (a task that throws, returns a wrong result or kills its
process on purpose) and a seam that makes the OS "refuse" threads and processes exist for
concbench's own tests and are not selectable here.

Examples:
  concbench --suite=quick --out=r.json
  concbench --workloads=cpu --models=sequential,threads --workers=1,2,4 --cpu-scale=100
  concbench --workloads=sleep --time-scale=0.1 --benchmark_repetitions=10
  concbench --workloads=startup --models=processes-fork,processes-spawn --out=startup.json
  concbench --suite=quick --interleaving=off --warm-up=off   (as concbench ran before both)
  /usr/bin/python3 plot/plot.py r.json --out charts

Ctrl-C (SIGINT) or SIGTERM stops the running repetition; the entries left in that round are
marked interrupted, every entry keeps its measured repetitions (and says so), and the report
stays valid with "complete": false; a second one quits at once.

Exit status: 0 all entries ran and verified; 1 some entry failed (its error is in the
report); 2 bad command line or output path, or a run estimated above a day;
130 / 143 interrupted by SIGINT / SIGTERM.
)";
}

}  // namespace concbench
