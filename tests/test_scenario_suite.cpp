// The scenario entries a suite plans: which models each scenario gets (each declares its own:
// fork-cost's start kinds belong to processes-fork or processes-spawn, shared and pipeline keep
// the four they always had), their grammar names, and nominal times that keep a sample of
// cheap starts from costing seconds. Planning only: nothing runs here.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "fork_cost_scenario.hpp"
#include "scenario_suite.hpp"

namespace concbench {
namespace {

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
    EXPECT_NE(std::find(names.begin(), names.end(), "fork-cost/processes-fork/W:1/parent_rss_mb:1000/start:fork/starts:20"),
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
