// Faults the OS or a task causes, in every in-process model: a task that never finishes (the
// task time-out stops the batch and names it) and a thread the OS refuses (the error names the
// limit). Process models have the same tests in tests/process.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runners/batch/resource_limits.hpp"
#include "runners/batch/runner.hpp"
#include "tests/runners/model_cases.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {
namespace {

std::vector<model_case> in_process_models() {
  auto warm = settings_for(model_kind::threads, 2);
  warm.pool = pool_mode::warm;
  auto asio_warm = settings_for(model_kind::threads_asio, 2);
  asio_warm.pool = pool_mode::warm;
  return {{"sequential", settings_for(model_kind::sequential)},
          {"threads_W2", settings_for(model_kind::threads, 2)},
          {"threads_W2_warm", warm},
          {"threads_asio_W2", settings_for(model_kind::threads_asio, 2)},
          {"threads_asio_W2_warm", asio_warm},
          {"thread_per_task", settings_for(model_kind::thread_per_task)},
          {"coroutines_awaitable", settings_for(model_kind::coroutines, 1, task_form::awaitable)},
          {"coroutines_blocking", settings_for(model_kind::coroutines, 1, task_form::blocking)},
          {"coroutines_two_loop_threads", settings_for(model_kind::coroutines, 1, task_form::awaitable, 2)}};
}

class task_timeout_test : public ::testing::TestWithParam<model_case> {};

TEST_P(task_timeout_test, a_hanging_task_stops_the_batch_and_is_named) {
  const fault_workload work(4, 1, fault_mode::hangs);
  const auto batch = work.make_batch();
  auto settings = GetParam().settings;
  settings.task_timeout = std::chrono::milliseconds(100);
  const auto outcome = make_runner(settings)->run(work, batch, {});
  const std::string model(to_string(settings.model));
  ASSERT_FALSE(outcome.ok());
  // The first error says what happened to the batch; the hanging task's own error says why.
  EXPECT_EQ(outcome.errors().front(), "fault under " + model +
                                          ": task 1 did not finish within the task time-out (100 ms, "
                                          "--task-timeout-ms); the batch was stopped");
  EXPECT_FALSE(outcome.tasks[1].result);
  EXPECT_EQ(outcome.tasks[1].error,
            "task 1 of fault under " + model + ": did not finish within the task time-out (100 ms); it was stopped");
  EXPECT_TRUE(outcome.tasks[0].result) << outcome.tasks[0].error;  // it finished long before
  // Nothing is left without a result or an error.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_TRUE(outcome.tasks[i].result || !outcome.tasks[i].error.empty()) << i;
  }
}

TEST_P(task_timeout_test, tasks_within_the_time_out_are_untouched) {
  const sleep_workload work(6, 5);
  const auto batch = work.make_batch();
  auto settings = GetParam().settings;
  settings.task_timeout = std::chrono::milliseconds(2'000);
  const auto outcome = make_runner(settings)->run(work, batch, {});
  ASSERT_TRUE(outcome.ok()) << outcome.errors().front();
  for (std::size_t i = 0; i < batch.size(); ++i) ASSERT_TRUE(outcome.tasks[i].result) << i;
}

INSTANTIATE_TEST_SUITE_P(models, task_timeout_test, ::testing::ValuesIn(in_process_models()),
                         [](const auto& info) { return info.param.label; });

// A task deaf to its stop token (the test-only `ignore-stop` fault: a plain sleep_for) cannot be
// killed: the batch waits for it, and the entry's error says so, naming the task and how long it
// went on after the stop. The grace before it counts as ignoring the stop is shortened here.
class ignored_stop_test : public ::testing::TestWithParam<model_case> {};

TEST_P(ignored_stop_test, the_entry_error_says_the_task_ignored_the_stop_and_was_waited_for) {
  const fault_workload work(3, 2, fault_mode::ignores_stop, 1000, 1, std::chrono::milliseconds(600));
  const auto batch = work.make_batch();
  const auto settings = GetParam().settings;
  auto runner = make_runner(settings);
  runner->enable_task_timeout(std::chrono::milliseconds(50), std::chrono::milliseconds(100));
  const auto outcome = runner->run(work, batch, {});
  const std::string model(to_string(settings.model));
  ASSERT_FALSE(outcome.ok());
  const auto first = outcome.errors().front();
  EXPECT_EQ(first.rfind("fault under " + model +
                            ": task 2 did not finish within the task time-out (50 ms, --task-timeout-ms); the batch "
                            "was stopped; task 2 ignored the stop request for ",
                        0),
            0u)
      << first;
  EXPECT_NE(first.find(": a thread cannot be killed, so concbench waited for it"), std::string::npos) << first;
  EXPECT_FALSE(outcome.tasks[2].result);
  EXPECT_NE(outcome.tasks[2].error.find("it was stopped, but it ignored the stop request for "), std::string::npos)
      << outcome.tasks[2].error;
}

TEST_P(ignored_stop_test, a_task_that_ends_within_the_grace_is_not_said_to_ignore_it) {
  const fault_workload work(2, 1, fault_mode::hangs);
  const auto batch = work.make_batch();
  auto runner = make_runner(GetParam().settings);
  runner->enable_task_timeout(std::chrono::milliseconds(50), std::chrono::milliseconds(2'000));
  const auto outcome = runner->run(work, batch, {});
  ASSERT_FALSE(outcome.ok());
  for (const auto& error : outcome.errors()) EXPECT_EQ(error.find("ignored the stop"), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(models, ignored_stop_test,
                         ::testing::Values(model_case{"threads_W2", settings_for(model_kind::threads, 2)},
                                           model_case{"thread_per_task", settings_for(model_kind::thread_per_task)},
                                           model_case{"coroutines_blocking",
                                                      settings_for(model_kind::coroutines, 1, task_form::blocking)}),
                         [](const auto& info) { return info.param.label; });

TEST(task_timeout_test, negative_is_refused) {
  auto settings = settings_for(model_kind::threads, 2);
  settings.task_timeout = std::chrono::milliseconds(-1);
  EXPECT_THROW(make_runner(settings), std::invalid_argument);
}

// The OS refusing threads, through the test seam (root, which runs the tests, is not bound
// by ulimit -u; tests/e2e refuses them for real as an unprivileged user).
class refused_threads_test : public ::testing::Test {
 protected:
  void TearDown() override { refuse_after_for_tests(os_resource::thread, -1); }
};

void expect_limit_named(const std::string& error) {
  EXPECT_NE(error.find("EAGAIN"), std::string::npos) << error;
  EXPECT_NE(error.find("ulimit -u (RLIMIT_NPROC)"), std::string::npos) << error;
  EXPECT_NE(error.find("kernel.pid_max"), std::string::npos) << error;
}

TEST_F(refused_threads_test, a_cold_pool_names_the_limit_and_every_task_never_ran) {
  const sleep_workload work(4, 1);
  const auto batch = work.make_batch();
  for (const auto model : {model_kind::threads, model_kind::threads_asio}) {
    const std::string name(to_string(model));
    SCOPED_TRACE(name);
    refuse_after_for_tests(os_resource::thread, 1);  // the second pool thread is refused
    const auto outcome = make_runner(settings_for(model, 3))->run(work, batch, {});
    ASSERT_FALSE(outcome.ok());
    const auto first = outcome.errors().front();
    EXPECT_EQ(first.rfind("sleep under " + name + ": could not start a pool of 3 threads: ", 0), 0u) << first;
    expect_limit_named(first);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      EXPECT_FALSE(outcome.tasks[i].result);
      EXPECT_EQ(outcome.tasks[i].error,
                "task " + std::to_string(i) + " of sleep under " + name + ": never ran: the pool did not start");
    }
  }
}

TEST_F(refused_threads_test, thread_per_task_runs_what_it_started_and_names_the_rest) {
  const sleep_workload work(5, 1);
  const auto batch = work.make_batch();
  refuse_after_for_tests(os_resource::thread, 2);
  const auto outcome = make_runner(settings_for(model_kind::thread_per_task))->run(work, batch, {});
  const auto first = outcome.errors().front();
  EXPECT_EQ(first.rfind("sleep under thread-per-task: could not start thread 3 of 5: ", 0), 0u) << first;
  expect_limit_named(first);
  EXPECT_TRUE(outcome.tasks[0].result && outcome.tasks[1].result);
  EXPECT_EQ(outcome.tasks[2].error, "task 2 of sleep under thread-per-task: never ran: no thread for it");
}

TEST_F(refused_threads_test, a_second_loop_thread_is_named) {
  const sleep_workload work(3, 1);
  const auto batch = work.make_batch();
  refuse_after_for_tests(os_resource::thread, 0);
  const auto outcome =
      make_runner(settings_for(model_kind::coroutines, 1, task_form::awaitable, 2))->run(work, batch, {});
  ASSERT_FALSE(outcome.ok());
  const auto first = outcome.errors().front();
  EXPECT_EQ(first.rfind("sleep under coroutines: could not start loop thread 2: ", 0), 0u) << first;
  expect_limit_named(first);
}

TEST_F(refused_threads_test, a_warm_pool_that_cannot_start_is_a_system_error) {
  // Our pool refused its first thread; asio's its second (after one has started and attached).
  for (const auto& [model, allowed] : {std::pair{model_kind::threads, 0}, std::pair{model_kind::threads_asio, 1}}) {
    SCOPED_TRACE(std::string(to_string(model)));
    refuse_after_for_tests(os_resource::thread, allowed);
    auto warm = settings_for(model, 2);
    warm.pool = pool_mode::warm;
    try {
      make_runner(warm);
      ADD_FAILURE() << "no error";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), std::errc::resource_unavailable_try_again);
      expect_limit_named(explain_refusal(e, os_resource::thread));
    }
  }
}

TEST(explain_refusal, other_errors_are_left_as_they_are) {
  const std::system_error error(EPERM, std::generic_category(), "fork");
  EXPECT_EQ(explain_refusal(error, os_resource::process), error.what());
}

}  // namespace
}  // namespace concbench
