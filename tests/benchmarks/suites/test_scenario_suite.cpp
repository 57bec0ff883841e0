// The scenario entries a suite plans: which models each scenario gets (each declares its own:
// fork-cost's start kinds belong to processes-fork or processes-spawn, shared and pipeline keep
// the four they always had), their grammar names, and nominal times that keep a sample of
// cheap starts from costing seconds. Planning only: nothing runs here.

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"
#include "benchmarks/entries/scenario_entry.hpp"
#include "benchmarks/suites/scenario_suite.hpp"
#include "runners/scenarios/fork_cost_scenario.hpp"
#include "tests/benchmarks/one_repetition.hpp"

namespace concbench {
namespace {

// A scenario whose batch never ends by itself: it returns only when stopped, as every
// scenario must (scenario.hpp).
class hanging_scenario final : public scenario {
 public:
  std::string name() const override { return "hang"; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  std::vector<std::pair<std::string, std::string>> name_keys() const override { return {}; }
  int workers(const run_settings&) const override { return 1; }
  double nominal_sequential_ns() const override { return 1e6; }
  scenario_outcome run(const run_settings&, std::stop_token stop) const override {
    std::mutex mutex;
    std::condition_variable_any stopped;
    std::unique_lock lock(mutex);
    stopped.wait(lock, stop, [] { return false; });
    return {{}, {}, stopped_error};
  }
};

TEST(scenario_timeout, a_batch_over_the_time_out_is_stopped_and_the_entry_says_so) {
  run_settings settings;
  settings.model = model_kind::threads;
  const scenario_plan plan{std::make_shared<hanging_scenario>(), settings, "1"};
  scenario_entry entry(plan, std::make_shared<entry_metadata>(describe_entry(plan)), {50, false});
  const auto rows = run_one_repetition("scenario_timeout_test", entry);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].error_occurred);
  EXPECT_EQ(rows[0].error_message,
            "hang under threads: the batch did not finish within the time-out (50 ms, --task-timeout-ms); it was "
            "stopped");
}

TEST(scenario_timeout, the_default_is_ten_nominal_batches_and_at_least_a_minute) {
  for (const auto& plan : plan_scenarios(parse_cli({"--workloads=shared,pipeline,messaging,fork-cost"}))) {
    const auto limit = default_task_timeout(plan);
    EXPECT_GE(limit, std::chrono::minutes(1)) << entry_name(plan);
    EXPECT_GE(limit.count(), static_cast<long long>(10 * nominal_batch_ns(plan) / 1e6)) << entry_name(plan);
  }
}

TEST(scenario_timeout, a_batch_within_the_time_out_is_left_alone_and_ctrl_c_still_reaches_it) {
  run_settings settings;
  settings.model = model_kind::threads;
  const scenario_plan plan{std::make_shared<hanging_scenario>(), settings, "1"};
  scenario_entry entry(plan, std::make_shared<entry_metadata>(describe_entry(plan)), {60'000, false});
  std::stop_source ctrl_c;
  benchmark::RegisterBenchmark("scenario_interrupted_test",
                               [&](benchmark::State& state) {
                                 std::jthread stopper([&ctrl_c] {
                                   std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                   ctrl_c.request_stop();
                                 });
                                 measure_repetition(state, entry, ctrl_c.get_token());
                               })
      ->Iterations(1)
      ->Repetitions(1)
      ->UseManualTime()
      ->ReportAggregatesOnly(false);
  collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "scenario_interrupted_test");
  benchmark::ClearRegisteredBenchmarks();
  ASSERT_EQ(reporter.rows.size(), 1u);
  EXPECT_EQ(reporter.rows[0].error_message, "interrupted: hang under threads was stopped before its batch finished");
}

std::vector<std::string> names_of(const std::vector<std::string>& args) {
  std::vector<std::string> names;
  for (const auto& plan : plan_scenarios(parse_cli(args))) names.push_back(entry_name(plan));
  return names;
}

TEST(scenario_suite, quick_fork_cost_sweeps_10_and_100_mib_each_start_under_its_model) {
  EXPECT_EQ(names_of({"--workloads=fork-cost", "--suite=quick"}),
            (std::vector<std::string>{
                "fork-cost/processes-fork/W:1/parent_rss_mb:10/start:fork/starts:20",
                "fork-cost/processes-spawn/W:1/parent_rss_mb:10/start:fork-exec/starts:20",
                "fork-cost/processes-spawn/W:1/parent_rss_mb:10/start:posix_spawn/starts:20",
                "fork-cost/processes-fork/W:1/parent_rss_mb:100/start:fork/starts:20",
                "fork-cost/processes-spawn/W:1/parent_rss_mb:100/start:fork-exec/starts:20",
                "fork-cost/processes-spawn/W:1/parent_rss_mb:100/start:posix_spawn/starts:20",
            }));
}

TEST(scenario_suite, default_and_full_fork_cost_go_up_to_1000_mib) {
  for (const auto* suite : {"--suite=default", "--suite=full"}) {
    const auto names = names_of({"--workloads=fork-cost", suite});
    EXPECT_EQ(names.size(), 9u) << suite;
    EXPECT_NE(
        std::find(names.begin(), names.end(), "fork-cost/processes-fork/W:1/parent_rss_mb:1000/start:fork/starts:20"),
        names.end())
        << suite;
  }
}

TEST(scenario_suite, models_select_fork_cost_starts_and_workers_do_not_change_its_w) {
  EXPECT_EQ(names_of({"--workloads=fork-cost", "--suite=quick", "--models=processes-fork,threads", "--workers=4"}),
            (std::vector<std::string>{"fork-cost/processes-fork/W:1/parent_rss_mb:10/start:fork/starts:20",
                                      "fork-cost/processes-fork/W:1/parent_rss_mb:100/start:fork/starts:20"}));
  EXPECT_TRUE(names_of({"--workloads=fork-cost", "--models=sequential,coroutines"}).empty());
}

TEST(scenario_suite, shared_and_pipeline_keep_their_models) {
  std::map<std::string, std::set<std::string>> models;
  for (const auto& plan : plan_scenarios(parse_cli({"--workloads=shared,pipeline", "--suite=quick"}))) {
    models[plan.work->name()].insert(std::string(to_string(plan.settings.model)));
  }
  EXPECT_EQ(models["pipeline"], (std::set<std::string>{"sequential", "threads", "coroutines", "processes-fork"}));
  // The shared counter also runs a thread per task.
  EXPECT_EQ(models["shared"],
            (std::set<std::string>{"sequential", "threads", "thread-per-task", "coroutines", "processes-fork"}));
}

// One batch per sample: a batch is already its starts' sample, and the parent's growth is most
// of a small batch's wall time.
TEST(scenario_suite, a_fork_cost_sample_is_one_batch_and_its_estimate_counts_the_parents_growth) {
  for (const auto& plan : plan_scenarios(parse_cli({"--workloads=fork-cost", "--suite=full"}))) {
    const auto& fork_cost = dynamic_cast<const fork_cost_scenario&>(*plan.work);
    EXPECT_GT(nominal_batch_ns(plan), fork_cost.nominal_sequential_ns()) << entry_name(plan);
    // What one sample costs in wall time, at nominal costs: well under two seconds.
    EXPECT_LT(nominal_batch_ns(plan) * iterations_per_sample(plan), 2e9) << entry_name(plan);
    EXPECT_EQ(iterations_per_sample(plan), 1) << entry_name(plan);
  }
}

}  // namespace
}  // namespace concbench
