// Faults of the process models beyond a dead worker: a task that never finishes (the task
// time-out kills and reaps the workers and names the task) and the OS refusing a process
// (through the test seam: root is not bound by ulimit -u; tests/e2e refuses for real).

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "runners/batch/resource_limits.hpp"
#include "runners/batch/runner.hpp"
#include "tests/runners/process/process_census.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {
namespace {

using test::census;
using test::take_census;

class process_faults : public testing::TestWithParam<model_kind> {
 protected:
  void TearDown() override { refuse_after_for_tests(os_resource::process, -1); }

  run_settings settings(int workers, pool_mode pool) const {
    run_settings s;
    s.model = GetParam();
    s.workers = workers;
    s.pool = pool;
    s.worker_executable = CONCBENCH_TEST_WORKER;
    return s;
  }
  std::string model() const { return std::string(to_string(GetParam())); }
};

TEST_P(process_faults, a_task_over_the_time_out_is_named_and_its_workers_are_killed_and_reaped) {
  const census before = take_census();
  for (const auto pool : {pool_mode::cold, pool_mode::warm, pool_mode::per_task}) {
    SCOPED_TRACE(std::string(to_string(pool)));
    const fault_workload work(4, 1, fault_mode::hangs);
    const auto batch = work.make_batch();
    auto s = settings(2, pool);
    s.task_timeout = std::chrono::milliseconds(200);
    const auto started = std::chrono::steady_clock::now();
    const auto outcome = make_runner(s)->run(work, batch, {});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));  // a hang, not a figure
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.errors().front(), "fault under " + model() +
                                            ": task 1 did not finish within the task time-out (200 ms, "
                                            "--task-timeout-ms); the batch was stopped");
    EXPECT_EQ(outcome.tasks[1].error, "task 1 of fault under " + model() +
                                          ": did not finish within the task time-out (200 ms); it was stopped");
  }
  EXPECT_EQ(take_census(), before) << describe(take_census()) << "\nbefore: " << describe(before);
}

TEST_P(process_faults, a_refused_process_names_the_limit_and_the_next_entry_runs) {
  const census before = take_census();
  const sleep_workload work(4, 1);
  const auto batch = work.make_batch();
  refuse_after_for_tests(os_resource::process, 1);  // the second worker is refused
  const auto outcome = make_runner(settings(2, pool_mode::cold))->run(work, batch, {});
  ASSERT_FALSE(outcome.ok());
  const auto first = outcome.errors().front();
  EXPECT_EQ(first.rfind("sleep under " + model() + ": could not start 2 worker processes: ", 0), 0u) << first;
  EXPECT_NE(first.find("EAGAIN"), std::string::npos) << first;
  EXPECT_NE(first.find("ulimit -u (RLIMIT_NPROC)"), std::string::npos) << first;
  for (const auto& task : outcome.tasks) EXPECT_FALSE(task.result);
  // The OS gives processes again: the same runner settings work.
  refuse_after_for_tests(os_resource::process, -1);
  EXPECT_TRUE(make_runner(settings(2, pool_mode::cold))->run(work, batch, {}).ok());
  EXPECT_EQ(take_census(), before) << describe(take_census()) << "\nbefore: " << describe(before);
}

TEST_P(process_faults, a_per_task_pool_refused_half_way_fails_the_rest_of_its_batch) {
  const census before = take_census();
  const sleep_workload work(6, 1);
  const auto batch = work.make_batch();
  refuse_after_for_tests(os_resource::process, 3);
  const auto outcome = make_runner(settings(2, pool_mode::per_task))->run(work, batch, {});
  ASSERT_FALSE(outcome.ok());
  const auto errors = outcome.errors();
  EXPECT_NE(errors.front().find("EAGAIN"), std::string::npos) << errors.front();
  EXPECT_EQ(take_census(), before) << describe(take_census()) << "\nbefore: " << describe(before);
}

INSTANTIATE_TEST_SUITE_P(both, process_faults, testing::Values(model_kind::processes_fork, model_kind::processes_spawn),
                         [](const auto& info) { return info.param == model_kind::processes_fork ? "fork" : "spawn"; });

}  // namespace
}  // namespace concbench
