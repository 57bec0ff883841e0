// Both process models end to end: verified results for every pool, failures reported with the
// task, the model and the cause, and nothing left behind (descriptors, children, zombies).

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "runners/batch/runner.hpp"
#include "runners/process/process_pool_runner.hpp"
#include "tests/runners/process/process_census.hpp"
#include "tests/runners/process/test_fault_filter.hpp"
#include "workloads/cpu_workload.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {

// How GoogleTest shows a model in test names and failures (found by argument-dependent lookup).
void PrintTo(model_kind model, std::ostream* out) { *out << to_string(model); }

namespace {

using test::census;
using test::take_census;

run_settings settings_for(model_kind model, int workers, pool_mode pool) {
  run_settings settings;
  settings.model = model;
  settings.workers = workers;
  settings.pool = pool;
  settings.worker_executable = CONCBENCH_TEST_WORKER;
  return settings;
}

std::string all_errors(const batch_outcome& outcome) {
  std::string text;
  for (const auto& error : outcome.errors()) text += error + "\n";
  return text;
}

batch_outcome run_once(runner& r, const workload& work) {
  const auto batch = work.make_batch();
  return r.run(work, batch, std::stop_token{});
}

void expect_verified(const workload& work, const batch_outcome& outcome, int workers) {
  const auto batch = work.make_batch();
  ASSERT_TRUE(outcome.ok()) << all_errors(outcome);
  ASSERT_EQ(outcome.tasks.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE(outcome.tasks[i].result);
    EXPECT_EQ(work.verify(batch[i], *outcome.tasks[i].result), std::nullopt) << "task " << i;
    const auto& entry = outcome.timeline[i];
    EXPECT_GE(entry.start_ns, 0) << "task " << i;
    EXPECT_GE(entry.end_ns, entry.start_ns) << "task " << i;
    EXPECT_LE(entry.end_ns, outcome.interval.count()) << "task " << i;
    EXPECT_GE(entry.worker, 0) << "task " << i;
  }
  EXPECT_GE(peak_concurrency(outcome.timeline), 1);
  EXPECT_LE(peak_concurrency(outcome.timeline), std::min<int>(workers, static_cast<int>(batch.size())));
}

class process_models : public testing::TestWithParam<model_kind> {
 protected:
  std::string model_name() const { return std::string(to_string(GetParam())); }
};

TEST_P(process_models, give_verified_results_in_every_pool) {
  const cpu_workload cpu(0.001);
  const sleep_workload sleep(6, 2.0);
  for (const auto pool : {pool_mode::cold, pool_mode::warm, pool_mode::per_task}) {
    for (const int workers : {1, 2, 5}) {
      SCOPED_TRACE(model_name() + " pool:" + std::string(to_string(pool)) + " W:" + std::to_string(workers));
      const census before = take_census();
      {
        auto r = make_runner(settings_for(GetParam(), workers, pool));
        expect_verified(cpu, run_once(*r, cpu), workers);
        expect_verified(sleep, run_once(*r, sleep), workers);
        expect_verified(cpu, run_once(*r, cpu), workers);  // a warm pool switches workload back
      }
      EXPECT_EQ(take_census(), before) << describe(take_census()) << "\nbefore: " << describe(before);
    }
  }
}

TEST_P(process_models, per_task_starts_one_process_per_task) {
  const cpu_workload cpu(0.001);
  auto r = make_runner(settings_for(GetParam(), 3, pool_mode::per_task));
  const auto outcome = run_once(*r, cpu);
  expect_verified(cpu, outcome, 3);
  std::set<int> workers;
  for (const auto& entry : outcome.timeline) workers.insert(entry.worker);
  EXPECT_EQ(workers.size(), outcome.timeline.size());
  const auto& exits = static_cast<process_pool_runner&>(*r).last_exits();
  EXPECT_EQ(exits.size(), outcome.timeline.size());
  for (const auto& exit : exits) EXPECT_TRUE(exit.clean()) << exit.describe();
}

TEST_P(process_models, a_warm_pool_runs_its_workers_at_once) {
  // Started before the batch, W workers take W tasks at once; 40 ms sleeps dwarf the time it
  // takes to hand them out, so the timeline shows exactly min(W, N) running together.
  for (const int workers : {1, 2, 5}) {
    const sleep_workload sleep(4, 40.0);
    auto r = make_runner(settings_for(GetParam(), workers, pool_mode::warm));
    const auto outcome = run_once(*r, sleep);
    expect_verified(sleep, outcome, workers);
    EXPECT_EQ(peak_concurrency(outcome.timeline), std::min(workers, 4)) << "W:" << workers;
  }
}

TEST_P(process_models, report_a_throwing_task_with_its_message_and_go_on) {
  const fault_workload work(5, 2, fault_mode::throws);
  auto r = make_runner(settings_for(GetParam(), 2, pool_mode::cold));
  const auto outcome = run_once(*r, work);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.tasks[2].error, "task 2 of fault under " + model_name() + ": injected failure in task 2");
  for (const std::size_t i : {0u, 1u, 3u, 4u}) EXPECT_TRUE(outcome.tasks[i].result) << outcome.tasks[i].error;
  EXPECT_TRUE(outcome.batch_errors.empty()) << all_errors(outcome);
}

struct dead_worker_case {
  std::string name;
  fault_mode mode;       // what the fault workload's faulty task does
  std::string fault;     // or what the worker's line filter does instead (test_fault_filter.hpp)
  std::string expected;  // in the faulty task's error
};

const std::vector<dead_worker_case>& dead_worker_cases() {
  static const std::vector<dead_worker_case> cases{
      {"exit", fault_mode::exits, "", "exited with status 3"},
      {"SIGKILL", fault_mode::killed, "", "was killed by signal SIGKILL (9)"},
      {"SIGSEGV", fault_mode::crashes, "", "was killed by signal SIGSEGV (11)"},
      {"malformed line", fault_mode::throws, "garbage 3",
       "broke the protocol: malformed line from the worker (not JSON"},
      {"over-long line", fault_mode::throws, "overlong 3", "broke the protocol: line longer than 65536 bytes"},
      {"unknown id", fault_mode::throws, "unknown-id 3", "broke the protocol: reply for unknown task id"},
  };
  return cases;
}

TEST_P(process_models, a_dead_worker_fails_its_task_ends_the_batch_and_leaves_nothing_behind) {
  const cpu_workload healthy(0.001);
  for (const auto pool : {pool_mode::cold, pool_mode::warm, pool_mode::per_task}) {
    for (const auto& c : dead_worker_cases()) {
      SCOPED_TRACE(model_name() + " pool:" + std::string(to_string(pool)) + " " + c.name);
      const census before = take_census();
      {
        std::optional<test::scoped_fault> fault;
        if (!c.fault.empty()) fault.emplace(c.fault);
        // The filter's faults hit task 3 of a batch whose own fault (a throw) is elsewhere.
        const fault_workload work(6, c.fault.empty() ? 3 : 5, c.mode);
        auto r = make_runner(settings_for(GetParam(), 2, pool));
        const auto outcome = run_once(*r, work);
        ASSERT_FALSE(outcome.ok());
        const std::string& error = outcome.tasks[3].error;
        EXPECT_EQ(error.rfind("task 3 of fault under " + model_name() + ": its worker process #", 0), 0u) << error;
        EXPECT_NE(error.find(c.expected), std::string::npos) << error;
        for (std::size_t i = 0; i < outcome.tasks.size(); ++i) {
          if (i == 3) continue;
          const auto& task = outcome.tasks[i];
          // Every other task either finished or says why it did not.
          if (!task.result) {
            EXPECT_TRUE(task.error.find("never ran: the batch ended when task 3") != std::string::npos ||
                        task.error.find("stopped before it finished: the batch ended when task 3") !=
                            std::string::npos ||
                        (i == 5 && task.error.find("injected failure") != std::string::npos))
                << task.error;
          }
        }
        // Later batches work (a warm pool is rebuilt).
        fault.reset();
        expect_verified(healthy, run_once(*r, healthy), 2);
      }
      EXPECT_EQ(take_census(), before) << describe(take_census()) << "\nbefore: " << describe(before);
    }
  }
}

TEST_P(process_models, a_stop_request_ends_a_hanging_batch) {
  const census before = take_census();
  {
    const fault_workload work(4, 1, fault_mode::hangs);
    auto r = make_runner(settings_for(GetParam(), 2, pool_mode::cold));
    std::stop_source stop;
    const auto batch = work.make_batch();
    std::jthread stopper([&stop] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      stop.request_stop();
    });
    const auto outcome = r->run(work, batch, stop.get_token());
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.tasks[1].error.find("interrupted"), std::string::npos) << outcome.tasks[1].error;
  }
  EXPECT_EQ(take_census(), before) << describe(take_census()) << "\nbefore: " << describe(before);
}

TEST_P(process_models, a_worker_of_another_protocol_version_is_refused) {
  test::scoped_fault fault("bad-version");
  const cpu_workload cpu(0.001);
  auto r = make_runner(settings_for(GetParam(), 2, pool_mode::cold));
  const auto outcome = run_once(*r, cpu);
  ASSERT_FALSE(outcome.ok());
  ASSERT_FALSE(outcome.batch_errors.empty());
  EXPECT_NE(outcome.batch_errors.front().find("speaks protocol version 2, this build speaks version 1"),
            std::string::npos)
      << outcome.batch_errors.front();
  EXPECT_NE(outcome.batch_errors.front().find("under " + model_name()), std::string::npos);
  try {
    make_runner(settings_for(GetParam(), 2, pool_mode::warm));
    ADD_FAILURE() << "a warm pool of wrong-version workers started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("protocol version 2"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(both, process_models, testing::Values(model_kind::processes_fork, model_kind::processes_spawn),
                         [](const auto& info) { return info.param == model_kind::processes_fork ? "fork" : "spawn"; });

TEST(processes_spawn, names_a_worker_binary_it_cannot_run) {
  auto settings = settings_for(model_kind::processes_spawn, 2, pool_mode::cold);
  settings.worker_executable = "/nonexistent/concbench";
  auto r = make_runner(settings);
  const cpu_workload cpu(0.001);
  const auto outcome = run_once(*r, cpu);
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.batch_errors.front().find("'/nonexistent/concbench' is not executable"), std::string::npos)
      << outcome.batch_errors.front();
}

TEST(processes_spawn, names_a_worker_that_dies_before_its_hello) {
  const census before = take_census();
  {
    auto settings = settings_for(model_kind::processes_spawn, 2, pool_mode::cold);
    settings.worker_executable = "/bin/false";  // runs, but is no concbench worker
    auto r = make_runner(settings);
    const cpu_workload cpu(0.001);
    const auto outcome = run_once(*r, cpu);
    ASSERT_FALSE(outcome.ok());
    ASSERT_FALSE(outcome.batch_errors.empty());
    EXPECT_NE(outcome.batch_errors.front().find("cpu under processes-spawn: worker process #"), std::string::npos)
        << outcome.batch_errors.front();
    EXPECT_NE(outcome.batch_errors.front().find("exited with status 1"), std::string::npos)
        << outcome.batch_errors.front();
    for (const auto& task : outcome.tasks) EXPECT_NE(task.error.find("never ran"), std::string::npos) << task.error;
  }
  EXPECT_EQ(take_census(), before) << describe(take_census()) << "\nbefore: " << describe(before);
}

TEST(process_model_settings, per_task_is_only_for_processes) {
  run_settings settings;
  settings.model = model_kind::threads;
  settings.pool = pool_mode::per_task;
  EXPECT_THROW(make_runner(settings), std::invalid_argument);
  EXPECT_EQ(to_string(pool_mode::per_task), "per-task");
  EXPECT_EQ(parse_model("processes-fork"), model_kind::processes_fork);
  EXPECT_EQ(parse_model("processes-spawn"), model_kind::processes_spawn);
  settings.model = model_kind::processes_spawn;
  settings.workers = 3;
  EXPECT_TRUE(uses_workers(settings.model));
  EXPECT_TRUE(uses_pool(settings.model));
  EXPECT_EQ(shape_of(settings, 10).cpu_lanes, 3);
  EXPECT_EQ(effective_workers(settings, 10), 3);
}

}  // namespace
}  // namespace concbench
