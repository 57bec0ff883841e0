// The scenarios under processes-fork: the counter in a memfd the workers map (no update lost
// under a process-shared mutex or an atomic), the pipeline over a pipe (every item exactly
// once), a worker that dies or fails named in the error, stop requests, and nothing left behind
// (every worker reaped, no descriptor leaked). No test asserts a speed.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <future>
#include <stop_token>
#include <string>
#include <thread>

#include "runners/process/fork_server.hpp"
#include "runners/scenarios/pipeline_scenario.hpp"
#include "runners/scenarios/scenario_jobs.hpp"
#include "runners/scenarios/scenario_processes.hpp"
#include "runners/scenarios/shared_counter_scenario.hpp"
#include "tests/runners/process/process_census.hpp"

namespace concbench {
namespace {

run_settings processes(int workers) {
  run_settings settings;
  settings.model = model_kind::processes_fork;
  settings.workers = workers;
  return settings;
}

double figure(const scenario_outcome& outcome, const std::string& name) {
  const auto it = outcome.figures.find(name);
  EXPECT_NE(it, outcome.figures.end()) << "no figure " << name;
  return it == outcome.figures.end() ? -1 : it->second;
}

shared_counter_params counter(update_discipline discipline, update_pause pause = update_pause::yield) {
  shared_counter_params params;
  params.tasks = 6;
  params.updates = 5000;
  params.discipline = discipline;
  params.pause = pause;
  params.spin_iterations = 50;
  return params;
}

pipeline_params pipeline(int producers, int consumers, std::uint64_t capacity, std::uint64_t items = 20'000) {
  pipeline_params params;
  params.producers = producers;
  params.consumers = consumers;
  params.capacity = capacity;
  params.items = items;
  return params;
}

TEST(shared_counter_processes, mutex_and_atomic_lose_no_update) {
  const auto before = test::take_census();
  for (const int workers : {1, 2, 3}) {
    for (const auto discipline : {update_discipline::mutex, update_discipline::atomic}) {
      for (const auto pause : {update_pause::yield, update_pause::spin}) {
        const auto outcome = shared_counter_scenario(counter(discipline, pause)).run(processes(workers), {});
        const std::string label = "W=" + std::to_string(workers) + " " + std::string(to_string(discipline)) + "/" +
                                  std::string(to_string(pause));
        ASSERT_TRUE(outcome.ok()) << label << ": " << outcome.error;
        EXPECT_EQ(figure(outcome, "lost_updates"), 0) << label;
        EXPECT_EQ(figure(outcome, "final_value"), 6 * 5000) << label;
        EXPECT_GT(outcome.interval.count(), 0) << label;
      }
    }
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST(shared_counter_processes, unsynchronised_counts_its_losses) {
  for (const auto pause : {update_pause::yield, update_pause::spin}) {
    const auto outcome =
        shared_counter_scenario(counter(update_discipline::unsynchronised, pause)).run(processes(2), {});
    ASSERT_TRUE(outcome.ok()) << outcome.error;
    // Two processes may or may not overlap; the figures add up either way.
    const double lost = figure(outcome, "lost_updates");
    EXPECT_GE(lost, 0);
    EXPECT_EQ(figure(outcome, "final_value") + lost, figure(outcome, "expected_updates"));
    RecordProperty("lost_updates_" + std::string(to_string(pause)), std::to_string(static_cast<long>(lost)));
  }
}

TEST(pipeline_processes, every_item_arrives_exactly_once) {
  const auto before = test::take_census();
  struct shape {
    int producers, consumers;
    std::uint64_t capacity;
  };
  for (const auto [producers, consumers, capacity] :
       {shape{1, 1, 16}, shape{2, 2, 16}, shape{3, 1, 16}, shape{1, 3, 16}, shape{2, 2, 1}, shape{1, 1, 1000}}) {
    const auto outcome = pipeline_scenario(pipeline(producers, consumers, capacity)).run(processes(1), {});
    const std::string label =
        std::to_string(producers) + "x" + std::to_string(consumers) + " capacity " + std::to_string(capacity);
    ASSERT_TRUE(outcome.ok()) << label << ": " << outcome.error;
    EXPECT_EQ(figure(outcome, "items"), 20'000) << label;
    // A pipe holds whole pages: at least what was asked for.
    EXPECT_GE(figure(outcome, "queue_capacity_items"), static_cast<double>(capacity)) << label;
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST(pipeline_processes, a_consumer_killed_mid_run_is_an_error_naming_it) {
  const auto before = test::take_census();
  for (const int consumers : {1, 2}) {
    auto params = pipeline(2, consumers, 4);
    params.fault = pipeline_fault::consumer_dies;
    params.fault_item = 5000;
    const auto outcome = pipeline_scenario(params).run(processes(1), {});
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.error.find("pipeline under processes-fork: consumer "), std::string::npos) << outcome.error;
    EXPECT_NE(outcome.error.find("ended without finishing: it was killed by signal SIGKILL (9)"), std::string::npos)
        << outcome.error;
    RecordProperty("error_with_" + std::to_string(consumers) + "_consumers", outcome.error);
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST(pipeline_processes, a_consumer_that_throws_is_an_error) {
  auto params = pipeline(2, 2, 4);
  params.fault = pipeline_fault::consumer_throws;
  params.fault_item = 777;
  const auto outcome = pipeline_scenario(params).run(processes(1), {});
  EXPECT_NE(outcome.error.find("pipeline under processes-fork: consumer "), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("failed on item 777 (test fault)"), std::string::npos) << outcome.error;
}

TEST(pipeline_processes, duplicates_and_missing_items_are_named) {
  auto params = pipeline(3, 2, 8);
  params.fault = pipeline_fault::producer_duplicates;
  params.fault_item = 9999;
  auto outcome = pipeline_scenario(params).run(processes(1), {});
  EXPECT_NE(outcome.error.find("item 9999 was delivered 2 times"), std::string::npos) << outcome.error;
  params.fault = pipeline_fault::producer_drops;
  params.fault_item = 3;
  outcome = pipeline_scenario(params).run(processes(1), {});
  EXPECT_NE(outcome.error.find("item 3 was never delivered"), std::string::npos) << outcome.error;
}

TEST(scenarios_processes, a_stop_request_ends_a_running_batch_and_reaps_its_workers) {
  const auto before = test::take_census();
  shared_counter_params long_counter = counter(update_discipline::mutex);
  long_counter.updates = 1'000'000'000;
  for (const bool is_pipeline : {false, true}) {
    std::stop_source stop;
    auto running = std::async(std::launch::async, [&] {
      return is_pipeline ? pipeline_scenario(pipeline(2, 2, 4, 1'000'000'000)).run(processes(1), stop.get_token())
                         : shared_counter_scenario(long_counter).run(processes(2), stop.get_token());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop.request_stop();
    ASSERT_EQ(running.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(running.get().error, "stopped") << (is_pipeline ? "pipeline" : "shared");
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST(scenarios_processes, a_stop_requested_before_the_batch_ends_it) {
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(shared_counter_scenario(counter(update_discipline::atomic)).run(processes(2), stop.get_token()).error,
            "stopped");
  EXPECT_EQ(pipeline_scenario(pipeline(1, 1, 4)).run(processes(1), stop.get_token()).error, "stopped");
}

TEST(fork_server, a_forked_job_takes_at_most_max_forked_job_fds_descriptors) {
  const std::vector<forked_job_request> requests{{forked_job{}, std::vector<int>(max_forked_job_fds + 1, 2)}};
  EXPECT_THROW(fork_jobs(requests), std::invalid_argument);
}

TEST(scenarios_processes, a_scenario_worker_without_its_report_pipe_and_gate_exits_with_status_2) {
  const std::vector<forked_job_request> requests{{encode_job(shared_counter_job{}), {2}}};
  const auto pids = fork_jobs(requests);
  ASSERT_EQ(pids.size(), 1u);
  const auto exit = wait_forked_worker(pids[0], std::chrono::seconds(10));
  ASSERT_TRUE(exit);
  EXPECT_TRUE(WIFEXITED(exit->status) && WEXITSTATUS(exit->status) == 2) << exit->describe();
}

TEST(scenarios_processes, a_job_of_no_known_kind_fails_its_worker_naming_the_kind) {
  forked_job job;
  job.kind = 99;
  const auto outcome = run_scenario_processes({{job, {}, "worker 0"}}, {}, std::stop_token{}, "test");
  EXPECT_NE(outcome.error.find("worker 0 (pid "), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("failed: unknown scenario job kind 99"), std::string::npos) << outcome.error;
}

}  // namespace
}  // namespace concbench
