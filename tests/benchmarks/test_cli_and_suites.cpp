// The command line: every bad flag is one clear error (exit 2 in main), the suites produce
// entries named by the grammar, and the user's lists replace the suite's.

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "benchmarks/cli/cli_options.hpp"
#include "benchmarks/cli/progress_display.hpp"
#include "benchmarks/entries/startup_entry.hpp"
#include "benchmarks/entries/task_entry.hpp"
#include "benchmarks/suites/suite.hpp"
#include "reports/machine_info.hpp"
#include "tests/benchmarks/one_repetition.hpp"
#include "workloads/fault_workload.hpp"

namespace concbench {
namespace {

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse_cli(args);
  } catch (const cli_error& e) {
    return e.what();
  }
  return "";
}

TEST(cli, bad_input_is_named) {
  EXPECT_EQ(error_of({"--workers=0"}), "--workers: 0 must be at least 1");
  EXPECT_EQ(error_of({"--workers=-3"}), "--workers: -3 must be at least 1");
  EXPECT_EQ(error_of({"--workers=two"}), "--workers: 'two' is not a whole number");
  EXPECT_EQ(error_of({"--workers=1,1"}), "--workers: '1' is given twice");
  EXPECT_NE(error_of({"--workers=100000"}).find("above 10000"), std::string::npos);
  EXPECT_EQ(error_of({"--cpu-scale=abc"}), "--cpu-scale: 'abc' is not a number");
  EXPECT_EQ(error_of({"--cpu-scale=0"}), "--cpu-scale: 0 must be greater than 0");
  EXPECT_NE(error_of({"--cpu-scale=1e9"}).find("above 1000"), std::string::npos);
  EXPECT_EQ(error_of({"--time-scale=nan"}), "--time-scale: 'nan' is not a number");
  EXPECT_NE(error_of({"--suite=huge"}).find("unknown suite 'huge'"), std::string::npos);
  EXPECT_NE(error_of({"--workloads=cpu,gpu"}).find("unknown workload 'gpu'"), std::string::npos);
  EXPECT_NE(
      error_of({"--workloads=cpu,gpu"})
          .find("(known: cpu, sleep, sleep-shapes, http, startup, empty, shared, pipeline, messaging, fork-cost)"),
      std::string::npos);
  EXPECT_NE(error_of({"--suite=huge"}).find("(known: quick, default, full, scale)"), std::string::npos);
  EXPECT_NE(error_of({"--models=fibers"}).find("unknown model 'fibers'"), std::string::npos);
  EXPECT_EQ(error_of({"--out"}), "--out needs a value, e.g. --out=...");
  EXPECT_EQ(error_of({"--frobnicate"}), "unknown flag '--frobnicate' (see --help)");
  EXPECT_EQ(error_of({"stray"}), "unexpected argument 'stray' (flags start with --)");
  EXPECT_NE(error_of({"--benchmark_out=x.json"}).find("use --out=PATH"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_format=csv"}).find("not supported"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_time_unit=us"}).find("not supported"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_repetitions=0"}).find("at least 1"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_nonsense=1"}).find("unknown flag"), std::string::npos);
  EXPECT_EQ(error_of({"--task-timeout-ms=-1"}), "--task-timeout-ms: -1 must be 0 (no time-out) or more");
  EXPECT_EQ(error_of({"--task-timeout-ms=1.5"}), "--task-timeout-ms: '1.5' is not a whole number");
  EXPECT_EQ(error_of({"--task-timeout-ms=86400001"}), "--task-timeout-ms: 86400001 is above a day");
  EXPECT_EQ(error_of({"--task-timeout-ms"}), "--task-timeout-ms needs a value, e.g. --task-timeout-ms=...");
}

TEST(cli, numbers_out_of_range_are_named_as_such) {
  // Too large even for a long long: still out of range, not "not a whole number".
  EXPECT_EQ(error_of({"--workers=99999999999999999999"}),
            "--workers: 99999999999999999999 is above 10000 (threads and processes are limited system-wide on "
            "this machine)");
  EXPECT_EQ(error_of({"--workers=-99999999999999999999"}), "--workers: -99999999999999999999 must be at least 1");
  EXPECT_EQ(error_of({"--http-tasks=99999999999999999999"}), "--http-tasks: 99999999999999999999 is above 100000");
  EXPECT_EQ(error_of({"--task-timeout-ms=99999999999999999999"}),
            "--task-timeout-ms: 99999999999999999999 is above a day");
  EXPECT_NE(error_of({"--cpu-scale=1e999"}).find("--cpu-scale: 1e999 is above 1000"), std::string::npos);
  EXPECT_EQ(error_of({"--benchmark_repetitions=99999999999999999999"}),
            "--benchmark_repetitions: 99999999999999999999 is above 10000: at 10000 a median's 95 % interval already "
            "spans only the 49th to 51st percentile");
}

TEST(cli, an_http_delay_of_zero_is_accepted_in_any_spelling) {
  for (const std::string zero : {"0", "0.0", "0e3", "-0", "0.000"}) {
    const auto options = parse_cli({"--http-delay-ms=" + zero});
    ASSERT_TRUE(options.http_delay_ms) << zero;
    EXPECT_EQ(*options.http_delay_ms, 0.0) << zero;
    EXPECT_FALSE(std::signbit(*options.http_delay_ms)) << zero;
  }
  EXPECT_EQ(*parse_cli({"--http-delay-ms=2.5"}).http_delay_ms, 2.5);
  EXPECT_EQ(error_of({"--http-delay-ms=-1"}), "--http-delay-ms: -1 must be 0 (no delay) or more");
  EXPECT_EQ(error_of({"--http-delay-ms=zero"}), "--http-delay-ms: 'zero' is not a number");
  EXPECT_NE(error_of({"--http-delay-ms=60001"}).find("is above 60000"), std::string::npos);
}

TEST(cli, the_time_scale_has_a_lower_bound) {
  EXPECT_EQ(error_of({"--time-scale=1e-300"}),
            "--time-scale: 1e-300 is below 0.001 (a 1 ms sleep would last less than a microsecond, shorter than a "
            "sleep can be timed)");
  EXPECT_NE(error_of({"--time-scale=0.0009"}).find("is below 0.001"), std::string::npos);
  EXPECT_EQ(error_of({"--time-scale=0"}), "--time-scale: 0 must be greater than 0");
  EXPECT_DOUBLE_EQ(parse_cli({"--time-scale=0.001"}).time_scale, 0.001);
  // The suites' plans accept the smallest scale (sleep and http refuse a non-positive one).
  EXPECT_FALSE(plan_suite(parse_cli({"--suite=quick", "--time-scale=0.001"})).empty());
}

TEST(cli, a_flag_given_twice_is_refused) {
  EXPECT_EQ(error_of({"--suite=quick", "--suite=full"}),
            "--suite is given twice ('--suite=quick', then '--suite=full'): give it once");
  EXPECT_EQ(error_of({"--out=a.json", "--out=b.json"}),
            "--out is given twice ('--out=a.json', then '--out=b.json'): give it once");
  EXPECT_NE(error_of({"--list", "--list"}).find("--list is given twice"), std::string::npos);
  EXPECT_NE(error_of({"--warm-up=on", "--warm-up=on"}).find("--warm-up is given twice"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_filter=cpu", "--benchmark_filter=sleep"}).find("--benchmark_filter is given twice"),
            std::string::npos);
  EXPECT_NE(error_of({"--benchmark_repetitions=2", "--benchmark_repetitions=3"}).find("given twice"),
            std::string::npos);
  // --help prints the same text however often it is asked for.
  EXPECT_TRUE(parse_cli({"--help", "-h", "--help"}).help);
}

TEST(cli, google_benchmark_flags_are_checked_before_anything_runs) {
  // Refused with the reason: no effect in concbench, or they break its run.
  EXPECT_NE(error_of({"--benchmark_min_time=0.5"})
                .find("--benchmark_min_time is not supported: every entry runs a "
                      "fixed number of batches"),
            std::string::npos);
  EXPECT_NE(error_of({"--benchmark_min_time=abc"}).find("not supported"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_report_aggregates_only=true"}).find("keeps every repetition"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_display_aggregates_only"}).find("not supported"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_perf_counters=CYCLES"}).find("Google Benchmark aborts"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_counters_tabular=maybe"}).find("not supported"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_color=auto"}).find("not supported"), std::string::npos);
  // Values Google Benchmark would only find bad after calibration.
  EXPECT_EQ(error_of({"--v=abc"}), "--v: 'abc' is not a whole number");
  EXPECT_EQ(error_of({"--v=-1"}), "--v: -1 must be 0 or more");
  EXPECT_NE(error_of({"--v=99999999999"}).find("--v: 99999999999 is out of range"), std::string::npos);
  EXPECT_EQ(error_of({"--v"}), "--v needs a value, e.g. --v=...");
  EXPECT_EQ(error_of({"--benchmark_filter"}), "--benchmark_filter needs a value, e.g. --benchmark_filter=...");
  EXPECT_EQ(error_of({"--benchmark_repetitions=x"}), "--benchmark_repetitions: 'x' is not a whole number");
  EXPECT_EQ(error_of({"--benchmark_context=x"}),
            "--benchmark_context: 'x' is not key=value (the value is key=value[,key=value...])");
  EXPECT_NE(error_of({"--benchmark_context=a=1,=2"}).find("'=2' is not key=value"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_context=a=1,b"}).find("'b' is not key=value"), std::string::npos);
  EXPECT_NE(error_of({"--benchmark_context=a=1=2"}).find("'a=1=2' is not key=value"), std::string::npos);
  EXPECT_EQ(error_of({"--benchmark_context=a=1,a=2"}), "--benchmark_context: key 'a' is given twice");
  EXPECT_EQ(error_of({"--benchmark_enable_random_interleaving=maybe"}),
            "--benchmark_enable_random_interleaving: 'maybe' is not one of on, off (or true, false, yes, no, 1, 0)");
  // Accepted: passed through as given, or kept by concbench.
  const auto options = parse_cli({"--v=2", "--benchmark_filter=cpu/", "--benchmark_context=machine=vm1,run=a",
                                  "--benchmark_enable_random_interleaving=NO"});
  EXPECT_EQ(options.benchmark_flags, (std::vector<std::string>{"--v=2", "--benchmark_filter=cpu/"}));
  EXPECT_EQ(options.benchmark_context, (std::map<std::string, std::string>{{"machine", "vm1"}, {"run", "a"}}));
  EXPECT_FALSE(options.interleaving);
  EXPECT_EQ(parse_cli({"--benchmark_context=empty="}).benchmark_context.at("empty"), "");
}

TEST(cli, the_help_says_which_google_benchmark_flags_are_refused) {
  const auto help = help_text();
  for (const std::string flag :
       {"--benchmark_min_time", "--benchmark_report_aggregates_only", "--benchmark_display_aggregates_only",
        "--benchmark_perf_counters", "--benchmark_context=KEY=VALUE", "--v=N"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

TEST(cli, interleaving_and_warm_up_are_on_unless_turned_off) {
  EXPECT_TRUE(parse_cli({}).interleaving);
  EXPECT_TRUE(parse_cli({}).warm_up);
  EXPECT_FALSE(parse_cli({"--interleaving=off"}).interleaving);
  EXPECT_FALSE(parse_cli({"--warm-up=off"}).warm_up);
  EXPECT_TRUE(parse_cli({"--warm-up=on"}).warm_up);
  // Google Benchmark's own spelling says the same; concbench passes its decision on itself.
  EXPECT_FALSE(parse_cli({"--benchmark_enable_random_interleaving=false"}).interleaving);
  EXPECT_TRUE(parse_cli({"--benchmark_enable_random_interleaving"}).interleaving);
  EXPECT_TRUE(parse_cli({"--benchmark_enable_random_interleaving=false"}).benchmark_flags.empty());
  EXPECT_FALSE(parse_cli({"--interleaving=off", "--benchmark_enable_random_interleaving=0"}).interleaving);
}

TEST(cli, bad_switches_are_named) {
  EXPECT_EQ(error_of({"--warm-up=maybe"}), "--warm-up: 'maybe' is not one of on, off (or true, false, yes, no, 1, 0)");
  EXPECT_EQ(error_of({"--interleaving"}), "--interleaving needs a value: --interleaving=on or --interleaving=off");
  // Google Benchmark would take any word it does not know as true.
  EXPECT_EQ(error_of({"--benchmark_enable_random_interleaving=banana"}),
            "--benchmark_enable_random_interleaving: 'banana' is not one of on, off (or true, false, yes, no, 1, 0)");
  EXPECT_EQ(error_of({"--interleaving=on", "--benchmark_enable_random_interleaving=false"}),
            "--benchmark_enable_random_interleaving contradicts --interleaving given before it");
  EXPECT_NE(error_of({"--benchmark_min_warmup_time=0.5"}).find("see --warm-up"), std::string::npos);
}

TEST(cli, task_time_out_is_kept_and_defaults_per_entry) {
  EXPECT_EQ(*parse_cli({"--task-timeout-ms=250"}).task_timeout_ms, 250);
  EXPECT_EQ(*parse_cli({"--task-timeout-ms=0"}).task_timeout_ms, 0);
  EXPECT_FALSE(parse_cli({}).task_timeout_ms);
  // Without one: at least a minute, and ten whole sequential batches for a long entry.
  for (const auto& plan : plan_suite(parse_cli({"--suite=default"}))) {
    const auto limit = default_task_timeout(*plan.work);
    EXPECT_GE(limit, std::chrono::minutes(1)) << entry_name(plan);
    EXPECT_GE(limit.count() * 1e6, 10 * plan.work->nominal_sequential_ns() * 0.999) << entry_name(plan);
  }
}

TEST(progress, time_left_reads_like_a_clock) {
  EXPECT_EQ(format_time_left(0.2), "0 s");
  EXPECT_EQ(format_time_left(59.4), "59 s");
  EXPECT_EQ(format_time_left(200), "3 min 20 s");
  EXPECT_EQ(format_time_left(3900), "1 h 05 min");
}

TEST(progress, the_line_says_what_is_left_until_the_last_entry) {
  std::ostringstream out;
  progress_display progress(out, {{"a", 30.0, {}}, {"b", 90.0, {}}}, {.repetitions = 1});
  entry_metadata a, b;
  a.name = "a";
  b.name = "b";
  progress.repetition_done("a");
  progress.entry_done(a, {});
  // Entry a took about no time for its 30 s estimate: the pace is clamped at 4 times faster,
  // so b's 90 s show as 22.5 s.
  EXPECT_NE(out.str().find("about 23 s left"), std::string::npos) << out.str();
  progress.repetition_done("b");
  progress.entry_done(b, {});
  EXPECT_EQ(out.str().find("left", out.str().find("[2/2]")), std::string::npos) << out.str();
}

TEST(progress, repetitions_in_any_order_are_counted_and_named) {
  std::ostringstream out;
  // A log (no terminal): the first and the last repetition always get a line.
  progress_display progress(out, {{"a", 1.0, {}}, {"b", 1.0, {}}}, {.repetitions = 2, .log_every_seconds = 3600});
  entry_metadata a, b;
  a.name = "a";
  b.name = "b";
  progress.repetition_done("b");
  EXPECT_NE(out.str().find("rep 1/4 (25 %) · b 1/2 · 0/2 entries done"), std::string::npos) << out.str();
  progress.repetition_done("a");
  progress.repetition_done("b");
  progress.entry_done(b, {});
  EXPECT_NE(out.str().find("[1/2] b"), std::string::npos) << out.str();
  progress.repetition_done("a");
  progress.entry_done(a, {});
  EXPECT_NE(out.str().find("rep 4/4 (100 %) · a 2/2 · 1/2 entries done"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("[2/2] a"), std::string::npos) << out.str();
  // Between the first and the last, at most one line per log_every_seconds.
  EXPECT_EQ(out.str().find("rep 2/4"), std::string::npos) << out.str();
}

TEST(progress, a_line_waits_for_the_entry_it_compares_with) {
  std::ostringstream out;
  progress_display progress(out, {{"seq", 1.0, {}}, {"par", 1.0, {"seq"}}}, {.repetitions = 1});
  entry_metadata seq, par;
  seq.name = "seq";
  par.name = "par";
  progress.entry_done(par, {});
  EXPECT_EQ(out.str().find("par"), std::string::npos) << "par's speedup is not known yet: " << out.str();
  progress.entry_done(seq, {});
  const auto text = out.str();
  EXPECT_NE(text.find("[1/2] seq"), std::string::npos) << text;
  EXPECT_NE(text.find("[2/2] par"), std::string::npos) << text;
}

TEST(progress, dependencies_are_the_sequential_entry_of_the_same_batch_and_the_floor) {
  entry_metadata seq, par, other, startup, floor;
  seq.name = "cpu/sequential";
  seq.is_sequential = true;
  seq.comparison_key = par.comparison_key = "cpu 1";
  par.name = "cpu/threads";
  other.name = "sleep/threads";
  other.comparison_key = "sleep 1";
  floor.name = "startup/floor";
  startup.name = "startup/fork";
  startup.ideal_entry = floor.name;
  const auto waits = line_dependencies({&seq, &par, &other, &startup, &floor});
  EXPECT_TRUE(waits.at(seq.name).empty());
  EXPECT_EQ(waits.at(par.name), std::vector<std::string>{seq.name});
  EXPECT_TRUE(waits.at(other.name).empty());
  EXPECT_EQ(waits.at(startup.name), std::vector<std::string>{floor.name});
}

TEST(progress, an_entry_partly_measured_when_the_run_stopped_says_so) {
  const nlohmann::json measured = {{"run_type", "iteration"}, {"real_time", 2.0}, {"time_unit", "ms"}};
  nlohmann::json interrupted = {{"run_type", "iteration"},
                                {"error_occurred", true},
                                {"error_message", "interrupted: the run was stopped before this repetition started"}};
  const auto line = describe_entry_result({measured, interrupted, interrupted});
  EXPECT_NE(line.find("2 ms"), std::string::npos) << line;
  EXPECT_NE(line.find("incomplete: 1 of 3 repetitions measured (interrupted)"), std::string::npos) << line;
  interrupted["error_message"] = "task 3 of cpu under threads: wrong result";
  EXPECT_NE(describe_entry_result({measured, interrupted}).find("FAILED in part: 1 of 2"), std::string::npos);
  EXPECT_EQ(describe_entry_result({interrupted}).rfind("FAILED: task 3", 0), 0u);
}

TEST(skip_repetition, an_entry_with_measured_and_skipped_repetitions_keeps_both_and_the_run_goes_on) {
  // Two measured repetitions, then one the stop reached before it started (as an interleaved
  // run leaves many entries): Google Benchmark 1.7.1 aborts the process here when the skipped
  // repetition's iteration count differs from the measured ones'.
  int calls = 0;
  benchmark::RegisterBenchmark("skip_repetition_test",
                               [&calls](benchmark::State& state) {
                                 if (++calls == 3)
                                   return skip_repetition(state, interrupted_before("cpu", "threads", 3));
                                 for (auto _ : state) state.SetIterationTime(0.001);
                               })
      ->Iterations(2)
      ->Repetitions(3)
      ->UseManualTime()
      ->ReportAggregatesOnly(false);
  collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "skip_repetition_test");
  benchmark::ClearRegisteredBenchmarks();
  int measured = 0, skipped = 0, aggregates = 0;
  for (const auto& row : reporter.rows) {
    if (row.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate) {
      ++aggregates;
    } else if (row.error_occurred) {
      ++skipped;
      EXPECT_EQ(row.error_message,
                "interrupted: the run was stopped before this repetition of cpu under threads started (the entry's "
                "measured repetitions are kept)");
    } else {
      ++measured;
    }
  }
  EXPECT_EQ(measured, 2);
  EXPECT_EQ(skipped, 1);
  EXPECT_GT(aggregates, 0) << "the aggregates of the two measured repetitions";
}

TEST(probe_batch, a_failed_probe_batch_is_the_entrys_error_never_dropped) {
  // The faulty task throws from its second run on: the timed batch passes, the untimed probe
  // batch after the first repetition fails, and that failure must be the entry's error.
  machine_constants constants;
  constants.ns_per_increment = {0.3};
  run_settings settings;
  settings.model = model_kind::threads;
  settings.workers = 2;
  const entry_plan plan{std::make_shared<fault_workload>(3, 1, fault_mode::throws, 1000, 2), settings, "2"};
  auto batch = plan.work->make_batch();
  task_entry entry(plan, batch, std::make_shared<entry_metadata>(describe_entry(plan, batch, constants)), constants,
                   {std::nullopt, false});
  const auto rows = run_one_repetition("probe_failure_test", entry);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].error_occurred);
  EXPECT_EQ(rows[0].error_message,
            "probe batch (untimed, after the first repetition) failed: task 1 of fault under threads: injected failure "
            "in task 1");
  EXPECT_TRUE(entry.failed);
}

TEST(warm_pool, runs_the_batchs_first_two_w_tasks_untimed_before_every_repetition) {
  machine_constants constants;
  constants.ns_per_increment = {0.3};
  const auto entry_with = [&](int workers, pool_mode pool, int tasks) {
    run_settings settings;
    settings.model = model_kind::threads;
    settings.workers = workers;
    settings.pool = pool;
    // No task fails (the faulty index is beyond the batch).
    const entry_plan plan{std::make_shared<fault_workload>(tasks, tasks, fault_mode::throws), settings, "w"};
    auto batch = plan.work->make_batch();
    return std::make_unique<task_entry>(plan, batch,
                                        std::make_shared<entry_metadata>(describe_entry(plan, batch, constants)),
                                        constants, entry_options{std::nullopt, true});
  };
  const auto two = entry_with(2, pool_mode::warm, 17);
  ASSERT_EQ(two->warming_tasks().size(), 4u);
  EXPECT_EQ(two->warming_tasks().front().index, 0u);
  EXPECT_EQ(two->warming_tasks().back().index, 3u);
  // More workers than half the batch: all of it.
  EXPECT_EQ(entry_with(16, pool_mode::warm, 17)->warming_tasks().size(), 17u);
  // The warm entry's rows say it ran before every repetition; a cold one warms up once.
  const auto rows = run_one_repetition("warm_pool_test", *two);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].error_occurred) << rows[0].error_message;
  EXPECT_EQ(two->metadata().fields["warm_up"], warm_up_every_repetition);
  const auto cold = entry_with(2, pool_mode::cold, 17);
  run_one_repetition("cold_pool_test", *cold);
  EXPECT_EQ(cold->metadata().fields["warm_up"], warm_up_first_repetition);
}

TEST(cli, good_input_is_kept) {
  const auto options = parse_cli({"--suite=quick", "--workers=1,py-default", "--cpu-scale=0.5,100", "--time-scale=0.1",
                                  "--out=r.json", "--benchmark_repetitions=3", "--benchmark_filter=cpu"});
  EXPECT_EQ(options.suite, "quick");
  ASSERT_TRUE(options.workers);
  EXPECT_EQ(options.workers->at(1).label, "py-default");
  EXPECT_EQ(options.workers->at(1).value, python_default_workers());
  EXPECT_EQ(*options.cpu_scales, (std::vector<double>{0.5, 100}));
  EXPECT_DOUBLE_EQ(options.time_scale, 0.1);
  EXPECT_TRUE(options.repetitions_given);
  EXPECT_EQ(options.repetitions_value, 3);
  EXPECT_EQ(options.benchmark_flags.size(), 2u);
  EXPECT_EQ(*parse_cli({"--workloads=startup,cpu"}).workloads, (std::vector<std::string>{"startup", "cpu"}));
}

TEST(suites, quick_covers_every_in_process_model_for_both_workloads) {
  const auto plans = plan_suite(parse_cli({"--suite=quick"}));
  std::set<std::string> covered;
  std::set<std::string> names;
  for (const auto& plan : plans) {
    covered.insert(plan.work->name() + " " + std::string(to_string(plan.settings.model)));
    EXPECT_TRUE(names.insert(entry_name(plan)).second) << "duplicate " << entry_name(plan);
  }
  for (const auto* workload : {"cpu", "sleep"}) {
    for (const auto model : all_models()) {
      EXPECT_TRUE(covered.count(std::string(workload) + " " + std::string(to_string(model))))
          << workload << " " << to_string(model);
    }
  }
  EXPECT_EQ(plans.front().settings.model, model_kind::sequential);
}

std::set<std::string> names_of(const std::vector<entry_plan>& plans) {
  std::set<std::string> names;
  for (const auto& plan : plans) EXPECT_TRUE(names.insert(entry_name(plan)).second) << "duplicate " << entry_name(plan);
  return names;
}

TEST(suites, empty_measures_every_models_dispatch_at_ten_thousand_or_a_thousand_tasks) {
  for (const auto* suite : {"--suite=quick", "--suite=default"}) {
    std::vector<entry_plan> empty;
    for (const auto& plan : plan_suite(parse_cli({suite}))) {
      if (plan.work->name() == "empty") empty.push_back(plan);
    }
    EXPECT_EQ(names_of(empty),
              (std::set<std::string>{
                  "empty/sequential/N:10000", "empty/sequential/N:1000", "empty/threads/W:2/pool:cold/N:10000",
                  "empty/threads/W:2/pool:warm/N:10000", "empty/threads-asio/W:2/pool:cold/N:10000",
                  "empty/threads-asio/W:2/pool:warm/N:10000", "empty/thread-per-task/N:1000",
                  "empty/coroutines/loop_threads:1/K:all/form:awaitable/N:10000",
                  "empty/processes-fork/W:2/pool:cold/N:1000", "empty/processes-fork/W:2/pool:warm/N:1000",
                  "empty/processes-spawn/W:2/pool:cold/N:1000", "empty/processes-spawn/W:2/pool:warm/N:1000"}))
        << suite;
    for (const auto& plan : empty) {
      const auto key = plan.work->name_keys().at(0);
      EXPECT_EQ(key.first, "N");
      EXPECT_EQ(std::to_string(plan.work->make_batch().size()), key.second) << entry_name(plan);
      // One batch per sample: a batch already averages its N dispatches.
      EXPECT_EQ(iterations_per_sample(*plan.work), 1);
    }
  }
  // --workers replaces the pools' W = 2.
  const auto chosen = names_of(plan_suite(parse_cli({"--workloads=empty", "--models=threads-asio", "--workers=3"})));
  EXPECT_EQ(chosen, (std::set<std::string>{"empty/threads-asio/W:3/pool:cold/N:10000",
                                           "empty/threads-asio/W:3/pool:warm/N:10000"}));
}

TEST(suites, the_asio_pool_is_sampled_unless_chosen) {
  std::set<std::string> peer;
  for (const auto& plan : plan_suite(parse_cli({}))) {
    if (plan.settings.model == model_kind::threads_asio && plan.work->name() != "empty") peer.insert(entry_name(plan));
  }
  EXPECT_EQ(peer, (std::set<std::string>{
                      "cpu/threads-asio/W:8/pool:cold/scale:1", "cpu/threads-asio/W:8/pool:warm/scale:1",
                      "sleep/threads-asio/W:8/pool:cold/N:100/ms:10", "sleep/threads-asio/W:8/pool:warm/N:100/ms:10"}));
  // Named in --models, it runs wherever threads does.
  std::set<std::string> threads, asio;
  for (const auto& plan : plan_suite(parse_cli({"--workloads=cpu,sleep,http", "--models=threads,threads-asio"}))) {
    auto name = entry_name(plan);
    if (plan.settings.model == model_kind::threads) {
      threads.insert(name.replace(name.find("threads"), 7, "threads-asio"));
    } else {
      asio.insert(name);
    }
  }
  EXPECT_EQ(asio, threads);
}

TEST(suites, scale_sweeps_one_wave_of_sleeps_up_to_each_models_limit) {
  const auto plans = plan_suite(parse_cli({"--suite=scale"}));
  const auto names = names_of(plans);
  std::set<std::string> expected;
  for (const int n : {10, 100, 1'000, 10'000, 100'000}) {
    const auto keys = "/N:" + std::to_string(n) + "/ms:100";
    expected.insert("sleep/coroutines/loop_threads:1/K:all/form:awaitable" + keys);
    if (n <= 10'000) {
      expected.insert("sleep/thread-per-task" + keys);
      expected.insert("sleep/threads/W:" + std::to_string(n) + "/pool:cold" + keys);
    }
    if (n <= 1'000) expected.insert("sleep/processes-fork/W:all/pool:per-task" + keys);
  }
  EXPECT_EQ(names, expected);
  EXPECT_EQ(plans.size(), 16u);
  for (const auto& plan : plans) {
    const auto tasks = plan.work->make_batch().size();
    EXPECT_EQ(plan.work->params()["tasks"], tasks);
    EXPECT_EQ(plan.work->params()["sleep_ms"], 100);
    if (plan.settings.model == model_kind::threads || is_process_model(plan.settings.model)) {
      EXPECT_EQ(static_cast<std::size_t>(plan.settings.workers), tasks) << entry_name(plan);  // W = N
    }
    if (plan.settings.model == model_kind::coroutines) {
      EXPECT_EQ(plan.settings.form, task_form::awaitable);
      EXPECT_EQ(plan.settings.inflight, 0u);
      EXPECT_EQ(plan.settings.loop_threads, 1);
    }
    EXPECT_LE(tasks, plan.settings.model == model_kind::coroutines ? 100'000u : 10'000u) << entry_name(plan);
    EXPECT_EQ(iterations_per_sample(*plan.work), 1);
  }
  EXPECT_TRUE(plan_startup(parse_cli({"--suite=scale"})).empty());
  // --time-scale shrinks every sleep, and the names say so.
  EXPECT_TRUE(names_of(plan_suite(parse_cli({"--suite=scale", "--time-scale=0.1", "--models=coroutines"})))
                  .count("sleep/coroutines/loop_threads:1/K:all/form:awaitable/N:100000/ms:10"));
  // Only its models; W is N by design.
  EXPECT_EQ(plan_suite(parse_cli({"--suite=scale", "--models=processes-fork"})).size(), 3u);
  EXPECT_THROW(plan_suite(parse_cli({"--suite=scale", "--models=sequential"})), cli_error);
  EXPECT_THROW(plan_suite(parse_cli({"--suite=scale", "--workers=4"})), cli_error);
  EXPECT_NE(help_text().find("--suite=quick|default|full|scale"), std::string::npos);
}

TEST(suites, http_tasks_and_delay_replace_the_suites) {
  const auto plans =
      plan_suite(parse_cli({"--workloads=http", "--http-tasks=1000", "--http-delay-ms=20", "--models=sequential"}));
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(entry_name(plans[0]), "http/sequential/N:1000/delay_ms:20/bytes:1024");
  EXPECT_EQ(error_of({"--http-tasks=0"}), "--http-tasks: 0 must be at least 1");
  EXPECT_EQ(error_of({"--http-delay-ms=-1"}), "--http-delay-ms: -1 must be 0 (no delay) or more");
  EXPECT_EQ(*parse_cli({"--http-inflight=8,all"}).http_inflight, (std::vector<std::size_t>{8, 0}));
}

TEST(suites, full_adds_a_new_connection_per_request_for_http) {
  std::set<std::string> full_names, default_names;
  for (const auto& plan : plan_suite(parse_cli({"--suite=full", "--workloads=http"})))
    full_names.insert(entry_name(plan));
  for (const auto& plan : plan_suite(parse_cli({"--workloads=http"}))) default_names.insert(entry_name(plan));
  EXPECT_TRUE(full_names.count("http/sequential/N:100/delay_ms:5/bytes:1024/conn:close"));
  EXPECT_FALSE(default_names.count("http/sequential/N:100/delay_ms:5/bytes:1024/conn:close"));
  EXPECT_EQ(full_names.size(), 2 * default_names.size());
}

TEST(suites, coroutines_also_run_on_two_loop_threads_for_cheap_batches) {
  std::set<std::string> names;
  for (const auto& plan : plan_suite(parse_cli({"--models=coroutines"}))) names.insert(entry_name(plan));
  EXPECT_TRUE(names.count("cpu/coroutines/loop_threads:2/K:all/form:awaitable/scale:1"));
  EXPECT_FALSE(names.count("cpu/coroutines/loop_threads:2/K:all/form:awaitable/scale:100"));
  EXPECT_TRUE(names.count("http/coroutines/loop_threads:2/K:all/form:awaitable/N:100/delay_ms:5/bytes:1024"));
}

TEST(suites, names_follow_the_grammar) {
  const auto plans = plan_suite(parse_cli({"--workloads=cpu", "--cpu-scale=100", "--workers=2"}));
  std::set<std::string> names;
  for (const auto& plan : plans) names.insert(entry_name(plan));
  EXPECT_TRUE(names.count("cpu/sequential/scale:100"));
  EXPECT_TRUE(names.count("cpu/threads/W:2/pool:cold/scale:100"));
  EXPECT_TRUE(names.count("cpu/threads/W:2/pool:warm/scale:100"));
  EXPECT_TRUE(names.count("cpu/thread-per-task/scale:100"));
  EXPECT_TRUE(names.count("cpu/coroutines/loop_threads:1/K:all/form:awaitable/scale:100"));
}

TEST(suites, sleep_shapes_run_under_every_model_at_the_tutorials_w) {
  std::set<std::string> names;
  for (const auto& plan : plan_suite(parse_cli({"--workloads=sleep-shapes"}))) names.insert(entry_name(plan));
  EXPECT_TRUE(names.count("sleep/sequential/shape:random/seed:1/time_scale:0.1"));
  EXPECT_TRUE(names.count("sleep/threads/W:5/pool:cold/shape:random/seed:1/time_scale:0.1"));
  EXPECT_TRUE(names.count("sleep/coroutines/loop_threads:1/K:all/form:awaitable/shape:interleaved/time_scale:0.1"));
  EXPECT_TRUE(names.count("sleep/coroutines/loop_threads:1/K:all/form:blocking/shape:interleaved/time_scale:0.1"));
  EXPECT_TRUE(names.count("sleep/processes-spawn/W:2/pool:cold/shape:interleaved/time_scale:0.1"));
  EXPECT_TRUE(names.count("sleep/thread-per-task/shape:random/seed:1/time_scale:0.1"));
  // Not in the suites' own lists: only when named.
  for (const auto& plan : plan_suite(parse_cli({}))) EXPECT_FALSE(plan.work->params().contains("shape"));
}

TEST(suites, the_expensive_batch_leaves_out_what_the_cheap_scale_shows) {
  // The default suite's budget: at scale 100 no thread per task, no process per task, and no
  // process pool of one for the second-long sleep and http batches.
  for (const auto& plan : plan_suite(parse_cli({}))) {
    const auto name = entry_name(plan);
    if (name.ends_with("scale:100")) {
      EXPECT_EQ(name.find("thread-per-task"), std::string::npos) << name;
      EXPECT_EQ(name.find("pool:per-task"), std::string::npos) << name;
    }
    if (name.starts_with("sleep/processes") || name.starts_with("http/processes")) {
      EXPECT_EQ(name.find("/W:1/"), std::string::npos) << name;
    }
  }
  // They are all still there at the cheap scale.
  std::set<std::string> names;
  for (const auto& plan : plan_suite(parse_cli({}))) names.insert(entry_name(plan));
  EXPECT_TRUE(names.count("cpu/thread-per-task/scale:1"));
  EXPECT_TRUE(names.count("cpu/processes-fork/W:all/pool:per-task/scale:1"));
  EXPECT_TRUE(names.count("cpu/processes-spawn/W:1/pool:cold/scale:1"));
}

TEST(suites, default_runs_scale100_pools_only_at_two_workers) {
  int pools_at_scale_100 = 0;
  for (const auto& plan : plan_suite(parse_cli({"--workloads=cpu"}))) {
    if (plan.work->name_keys().at(0).second == "100" && uses_pool(plan.settings.model) &&
        plan.settings.pool != pool_mode::per_task) {
      EXPECT_EQ(plan.settings.workers, 2) << entry_name(plan);
      ++pools_at_scale_100;
    }
  }
  EXPECT_EQ(pools_at_scale_100, 6);  // threads, processes-fork, processes-spawn; cold and warm
}

TEST(suites, warm_pools_only_where_they_show_something) {
  for (const auto& plan : plan_suite(parse_cli({}))) {
    if (plan.settings.pool == pool_mode::warm) {
      EXPECT_GE(plan.settings.workers, 2) << entry_name(plan);
    }
  }
}

TEST(suites, the_users_lists_replace_the_suites) {
  const auto plans = plan_suite(parse_cli({"--workloads=sleep", "--models=threads", "--workers=3"}));
  for (const auto& plan : plans) {
    EXPECT_EQ(plan.work->name(), "sleep");
    EXPECT_EQ(plan.settings.model, model_kind::threads);
    EXPECT_EQ(plan.settings.workers, 3);
  }
  EXPECT_EQ(plans.size(), 2u);  // cold and warm
}

TEST(suites, iterations_are_fixed_by_the_nominal_batch_size) {
  EXPECT_EQ(iterations_per_sample(*plan_suite(parse_cli({"--workloads=cpu", "--cpu-scale=100"})).front().work), 1);
  // A sample fills 10 ms: one batch at scale 1 (about 38 ms nominal), three at 0.1, 28 at 0.01.
  EXPECT_EQ(iterations_per_sample(*plan_suite(parse_cli({"--workloads=cpu", "--cpu-scale=1"})).front().work), 1);
  EXPECT_EQ(iterations_per_sample(*plan_suite(parse_cli({"--workloads=cpu", "--cpu-scale=0.1"})).front().work), 3);
  EXPECT_EQ(iterations_per_sample(*plan_suite(parse_cli({"--workloads=cpu", "--cpu-scale=0.01"})).front().work), 28);
}

std::vector<std::string> startup_names(const std::vector<std::string>& args) {
  std::vector<std::string> names;
  for (const auto& plan : plan_startup(parse_cli(args))) names.push_back(entry_name(plan));
  return names;
}

TEST(suites, startup_entries_exactly_when_a_process_model_is_selected) {
  EXPECT_EQ(startup_names({"--suite=quick"}),
            (std::vector<std::string>{"startup/floor-fork-server/W:8", "startup/processes-fork/W:8",
                                      "startup/floor-posix-spawn/W:8", "startup/processes-spawn/W:8"}));
  const auto full = startup_names({});
  EXPECT_EQ(full.size(), 8u);
  EXPECT_EQ(full.back(), "startup/processes-spawn/W:64");
  EXPECT_EQ(startup_names({"--workloads=startup", "--models=processes-spawn"}),
            (std::vector<std::string>{"startup/floor-posix-spawn/W:8", "startup/processes-spawn/W:8",
                                      "startup/floor-posix-spawn/W:64", "startup/processes-spawn/W:64"}));
  EXPECT_EQ(
      startup_names({"--suite=quick", "--models=processes-fork", "--workers=2,py-default"}),
      (std::vector<std::string>{"startup/floor-fork-server/W:2", "startup/processes-fork/W:2",
                                "startup/floor-fork-server/W:py-default", "startup/processes-fork/W:py-default"}));
  EXPECT_TRUE(startup_names({"--models=sequential,threads,thread-per-task,coroutines"}).empty());
  EXPECT_TRUE(startup_names({"--workloads=cpu,sleep"}).empty());
  // Start-up alone is a whole run; without a process model it is a clear error.
  EXPECT_TRUE(plan_suite(parse_cli({"--workloads=startup"})).empty());
  try {
    plan_suite(parse_cli({"--workloads=startup", "--models=threads"}));
    FAIL() << "no error";
  } catch (const cli_error& e) {
    EXPECT_NE(std::string(e.what()).find("add processes-fork or processes-spawn to --models"), std::string::npos)
        << e.what();
  }
}

TEST(suites, startup_names_follow_the_grammar_and_floors_come_first) {
  const std::regex grammar("^startup/(floor-fork-server|floor-posix-spawn|processes-fork|processes-spawn)/W:[0-9]+$");
  std::set<std::string> seen;
  for (const auto& plan : plan_startup(parse_cli({}))) {
    EXPECT_TRUE(std::regex_match(entry_name(plan), grammar)) << entry_name(plan);
    EXPECT_TRUE(seen.insert(entry_name(plan)).second) << "duplicate " << entry_name(plan);
    auto floor = plan;
    floor.subject = floor_of(plan.subject);
    EXPECT_TRUE(seen.count(entry_name(floor))) << entry_name(plan) << " runs before its floor";
  }
}

TEST(suites, a_startup_sample_is_fixed_and_the_same_for_a_model_and_its_floor) {
  for (const int workers : {1, 8, 64, 1000}) {
    for (const auto subject : {startup_subject::processes_fork, startup_subject::processes_spawn}) {
      const startup_plan model{subject, workers, std::to_string(workers), ""};
      const startup_plan floor{floor_of(subject), workers, std::to_string(workers), ""};
      EXPECT_GE(iterations_per_sample(model), 1);
      EXPECT_EQ(iterations_per_sample(model), iterations_per_sample(floor)) << entry_name(model);
    }
  }
  // About 50 ms at the nominal 0.2 ms per fork and 0.75 ms per spawn.
  EXPECT_EQ(iterations_per_sample(startup_plan{startup_subject::floor_fork_server, 8, "8", ""}), 32);
  EXPECT_EQ(iterations_per_sample(startup_plan{startup_subject::processes_spawn, 8, "8", ""}), 9);
  EXPECT_EQ(iterations_per_sample(startup_plan{startup_subject::processes_spawn, 64, "64", ""}), 2);
}

TEST(entry_fields, startup_entries_are_measured_against_their_floor) {
  const startup_plan spawn{startup_subject::processes_spawn, 8, "8", ""};
  const auto model = describe_entry(spawn);
  EXPECT_EQ(model.name, "startup/processes-spawn/W:8");
  EXPECT_EQ(model.fields["workload"], "startup");
  EXPECT_EQ(model.fields["model"], "processes-spawn");
  EXPECT_EQ(model.fields["workers"], 8);
  EXPECT_EQ(model.fields["workers_label"], "8");
  EXPECT_EQ(model.fields["pool"], "cold");
  EXPECT_EQ(model.fields["task_form"], "blocking");
  EXPECT_EQ(model.fields["tasks"], 8);
  EXPECT_EQ(model.fields["params"], (nlohmann::json{{"workers", 8}}));
  EXPECT_EQ(model.fields["loop_threads"], nullptr);
  EXPECT_EQ(model.fields["inflight"], nullptr);
  EXPECT_EQ(model.ideal_entry, "startup/floor-posix-spawn/W:8");
  EXPECT_EQ(model.fields["ideal_from"], "startup/floor-posix-spawn/W:8");
  EXPECT_FALSE(model.is_sequential);
  const auto floor = describe_entry(startup_plan{startup_subject::floor_posix_spawn, 8, "8", ""});
  EXPECT_EQ(floor.fields["model"], "floor-posix-spawn");
  EXPECT_EQ(floor.ideal_entry, floor.name);  // a floor is its own ideal
  EXPECT_EQ(floor.comparison_key, model.comparison_key);
  EXPECT_EQ(describe_entry(startup_plan{startup_subject::processes_fork, 64, "64", ""}).ideal_entry,
            "startup/floor-fork-server/W:64");
}

TEST(entry_fields, sequential_has_one_worker_and_no_pool) {
  const auto plans = plan_suite(parse_cli({"--workloads=cpu", "--cpu-scale=1", "--models=sequential,coroutines"}));
  machine_constants constants;
  constants.usable_cpus = 2;
  constants.ns_per_increment = {0.3, 0.3};
  const auto batch = plans[0].work->make_batch();
  const auto sequential = describe_entry(plans[0], batch, constants);
  EXPECT_EQ(sequential.fields["workers"], 1);
  EXPECT_EQ(sequential.fields["pool"], nullptr);
  EXPECT_EQ(sequential.fields["tasks"], 17);
  EXPECT_TRUE(sequential.is_sequential);
  const auto coroutines = describe_entry(plans[1], batch, constants);
  EXPECT_EQ(coroutines.fields["inflight"], 17);
  EXPECT_EQ(coroutines.fields["loop_threads"], 1);
  EXPECT_EQ(coroutines.fields["task_form"], "awaitable");
  EXPECT_EQ(coroutines.comparison_key, sequential.comparison_key);
  EXPECT_DOUBLE_EQ(coroutines.ideal_ns, sequential.ideal_ns);  // one loop thread: no parallelism
}

}  // namespace
}  // namespace concbench
