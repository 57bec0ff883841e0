// Every in-process model against the runner contract: exact verified results in task order,
// dynamic dispatch visible in the timeline, failures named by task and model.

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runners/batch/batch_outcome.hpp"
#include "runners/batch/runner.hpp"
#include "tests/runners/model_cases.hpp"
#include "workloads/cpu_workload.hpp"
#include "workloads/empty_workload.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {
namespace {

std::vector<model_case> all_model_cases() {
  std::vector<model_case> cases{{"sequential", settings_for(model_kind::sequential)}};
  for (const auto model : {model_kind::threads, model_kind::threads_asio}) {
    for (const int w : {1, 2, 5}) {
      for (const auto pool : {pool_mode::cold, pool_mode::warm}) {
        auto s = settings_for(model);
        s.workers = w;
        s.pool = pool;
        const std::string label = model == model_kind::threads ? "threads" : "threads_asio";
        cases.push_back({label + "_W" + std::to_string(w) + "_" + std::string(to_string(pool)), s});
      }
    }
  }
  cases.push_back({"thread_per_task", settings_for(model_kind::thread_per_task)});
  for (const auto form : {task_form::awaitable, task_form::blocking}) {
    auto s = settings_for(model_kind::coroutines);
    s.form = form;
    cases.push_back({"coroutines_" + std::string(to_string(form)), s});
  }
  auto two_loops = settings_for(model_kind::coroutines);
  two_loops.form = task_form::awaitable;
  two_loops.loop_threads = 2;
  cases.push_back({"coroutines_two_loop_threads", two_loops});
  auto few_in_flight = settings_for(model_kind::coroutines);
  few_in_flight.form = task_form::awaitable;
  few_in_flight.inflight = 2;
  cases.push_back({"coroutines_K2", few_in_flight});
  return cases;
}

class every_model_test : public ::testing::TestWithParam<model_case> {};

void expect_exact(const workload& work, const std::vector<task_spec>& batch, const batch_outcome& outcome) {
  ASSERT_TRUE(outcome.ok()) << outcome.errors().front();
  ASSERT_EQ(outcome.tasks.size(), batch.size());
  ASSERT_EQ(outcome.timeline.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE(outcome.tasks[i].result);
    EXPECT_FALSE(work.verify(batch[i], *outcome.tasks[i].result)) << "task " << i;
    EXPECT_GE(outcome.timeline[i].start_ns, 0);
    EXPECT_GE(outcome.timeline[i].end_ns, outcome.timeline[i].start_ns);
    EXPECT_LE(outcome.timeline[i].end_ns, outcome.interval.count());
  }
}

TEST_P(every_model_test, cpu_results_are_exact) {
  const cpu_workload work(0.002);
  const auto batch = work.make_batch();
  auto runner = make_runner(GetParam().settings);
  expect_exact(work, batch, runner->run(work, batch, {}));
  // A second batch on the same runner (a warm pool is reused) is just as right.
  expect_exact(work, batch, runner->run(work, batch, {}));
}

TEST_P(every_model_test, sleep_results_are_exact) {
  const sleep_workload work(7, 2);
  const auto batch = work.make_batch();
  expect_exact(work, batch, make_runner(GetParam().settings)->run(work, batch, {}));
}

TEST_P(every_model_test, empty_results_are_exact) {
  // Thousands of tasks that do nothing: every one dispatched, run once, its own result back.
  const empty_workload work(GetParam().settings.model == model_kind::thread_per_task ? 300 : 3'000);
  const auto batch = work.make_batch();
  auto runner = make_runner(GetParam().settings);
  expect_exact(work, batch, runner->run(work, batch, {}));
  expect_exact(work, batch, runner->run(work, batch, {}));
}

TEST_P(every_model_test, peak_concurrency_is_what_the_model_allows) {
  // Sleeps of 60 ms overlap whenever the model lets them, whatever the machine's speed (a
  // loaded machine under ThreadSanitizer took more than 20 ms to start six threads).
  const sleep_workload work(6, 60);
  const auto batch = work.make_batch();
  const auto& s = GetParam().settings;
  const auto outcome = make_runner(s)->run(work, batch, {});
  ASSERT_TRUE(outcome.ok());
  const int n = static_cast<int>(batch.size());
  int expected = 1;
  switch (s.model) {
    case model_kind::sequential:
      expected = 1;
      break;
    case model_kind::threads:
    case model_kind::threads_asio:
      expected = std::min(s.workers, n);
      break;
    case model_kind::thread_per_task:
      expected = n;
      break;
    case model_kind::coroutines:
      // The blocking form stalls the loop: one task at a time per loop thread.
      expected = s.form == task_form::blocking ? std::min(s.loop_threads, n)
                                               : (s.inflight == 0 ? n : static_cast<int>(s.inflight));
      break;
    default:
      GTEST_SKIP() << "process models have their own tests (tests/process)";
  }
  EXPECT_EQ(peak_concurrency(outcome.timeline), expected);
}

TEST_P(every_model_test, a_throwing_task_is_an_error_naming_task_and_model) {
  const fault_workload work(6, 3, fault_mode::throws);
  const auto batch = work.make_batch();
  const auto outcome = make_runner(GetParam().settings)->run(work, batch, {});
  EXPECT_FALSE(outcome.ok());
  const auto errors = outcome.errors();
  ASSERT_EQ(errors.size(), 1u);
  const std::string model(to_string(GetParam().settings.model));
  EXPECT_EQ(errors[0], "task 3 of fault under " + model + ": injected failure in task 3");
  // The other tasks still ran and are right: one failure hides nothing else.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i == 3) continue;
    ASSERT_TRUE(outcome.tasks[i].result) << i;
    EXPECT_FALSE(work.verify(batch[i], *outcome.tasks[i].result));
  }
}

TEST_P(every_model_test, a_wrong_result_fails_verification) {
  const fault_workload work(4, 2, fault_mode::wrong_result);
  const auto batch = work.make_batch();
  const auto outcome = make_runner(GetParam().settings)->run(work, batch, {});
  ASSERT_TRUE(outcome.ok());
  ASSERT_TRUE(outcome.tasks[2].result);
  EXPECT_TRUE(work.verify(batch[2], *outcome.tasks[2].result));
}

TEST_P(every_model_test, a_stop_request_ends_a_hanging_task) {
  const fault_workload work(3, 1, fault_mode::hangs);
  const auto batch = work.make_batch();
  std::stop_source stop;
  std::jthread requester([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    stop.request_stop();
  });
  const auto outcome = make_runner(GetParam().settings)->run(work, batch, stop.get_token());
  // A task that gave up half-way never passes for a result.
  EXPECT_FALSE(outcome.tasks[1].result);
  const std::string model(to_string(GetParam().settings.model));
  EXPECT_EQ(outcome.tasks[1].error, "task 1 of fault under " + model + ": stopped before it finished: interrupted");
  // The others finished before the stop (on a slow machine or under a sanitizer perhaps not):
  // each has its result or an error saying why it has none.
  for (const std::size_t i : {0u, 2u}) {
    if (!outcome.tasks[i].result) {
      EXPECT_EQ(outcome.tasks[i].error.rfind("task " + std::to_string(i) + " of fault under " + model, 0), 0u)
          << outcome.tasks[i].error;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(models, every_model_test, ::testing::ValuesIn(all_model_cases()),
                         [](const auto& info) { return info.param.label; });

TEST(peak_concurrency, back_to_back_tasks_do_not_overlap) {
  EXPECT_EQ(peak_concurrency({{0, 10, 0}, {10, 20, 0}}), 1);
  EXPECT_EQ(peak_concurrency({{0, 10, 0}, {5, 20, 1}, {6, 7, 2}}), 3);
  EXPECT_EQ(peak_concurrency({{-1, -1, -1}}), 0);
}

TEST(thread_pool, every_worker_takes_tasks_dynamically) {
  // Nine 5 ms sleeps on three workers: each worker runs about three, none is pre-assigned a
  // fixed slice; all three take part.
  const sleep_workload work(9, 5);
  const auto batch = work.make_batch();
  auto s = settings_for(model_kind::threads);
  s.workers = 3;
  const auto outcome = make_runner(s)->run(work, batch, {});
  std::set<int> workers;
  for (const auto& entry : outcome.timeline) workers.insert(entry.worker);
  EXPECT_EQ(workers, (std::set<int>{0, 1, 2}));
}

// The blocking form records which thread ran each task (the awaitable one is never called).
class thread_recording_workload final : public workload {
 public:
  explicit thread_recording_workload(int tasks) : tasks_(tasks) {}
  std::string name() const override { return "recording"; }
  nlohmann::json params() const override { return {{"tasks", tasks_}}; }
  std::vector<std::pair<std::string, std::string>> name_keys() const override { return {}; }
  std::vector<task_spec> make_batch() const override {
    std::vector<task_spec> batch;
    for (int i = 0; i < tasks_; ++i) batch.push_back({static_cast<std::size_t>(i), 0});
    return batch;
  }
  task_result run_blocking(const task_spec& task, std::stop_token) const override {
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // so that idle threads wake and take tasks
    std::lock_guard lock(mutex_);
    threads_.insert(std::this_thread::get_id());
    return {static_cast<std::int64_t>(task.index)};
  }
  boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token) const override {
    co_return task_result{static_cast<std::int64_t>(task.index)};
  }
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override {
    if (result.value == static_cast<std::int64_t>(task.index)) return std::nullopt;
    return "wrong";
  }
  time_estimate estimate(std::span<const task_spec>, const execution_shape&, const machine_constants&) const override {
    return {};
  }
  double nominal_sequential_ns() const override { return 0; }

  std::set<std::thread::id> threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  int tasks_;
  mutable std::mutex mutex_;
  mutable std::set<std::thread::id> threads_;
};

TEST(asio_thread_pool, uses_at_most_w_threads_and_names_them_zero_to_w_minus_one) {
  for (const auto pool : {pool_mode::cold, pool_mode::warm}) {
    auto s = settings_for(model_kind::threads_asio);
    s.workers = 3;
    s.pool = pool;
    auto runner = make_runner(s);
    for (int round = 0; round < 2; ++round) {
      const thread_recording_workload work(60);
      const auto batch = work.make_batch();
      const auto outcome = runner->run(work, batch, {});
      ASSERT_TRUE(outcome.ok()) << outcome.errors().front();
      EXPECT_LE(work.threads().size(), 3u) << to_string(pool);
      EXPECT_FALSE(work.threads().count(std::this_thread::get_id())) << "a task ran on the caller's thread";
      EXPECT_LE(peak_concurrency(outcome.timeline), 3);
      for (const auto& entry : outcome.timeline) {
        EXPECT_GE(entry.worker, 0);
        EXPECT_LT(entry.worker, 3);
      }
    }
  }
}

TEST(asio_thread_pool, every_worker_takes_tasks_dynamically) {
  // As for our own pool: nine 10 ms sleeps on three workers, all three take part.
  const sleep_workload work(9, 10);
  const auto batch = work.make_batch();
  auto s = settings_for(model_kind::threads_asio);
  s.workers = 3;
  const auto outcome = make_runner(s)->run(work, batch, {});
  ASSERT_TRUE(outcome.ok()) << outcome.errors().front();
  std::set<int> workers;
  for (const auto& entry : outcome.timeline) workers.insert(entry.worker);
  EXPECT_EQ(workers, (std::set<int>{0, 1, 2}));
}

TEST(model_shapes, match_the_models) {
  auto coroutines = settings_for(model_kind::coroutines);
  coroutines.form = task_form::awaitable;
  EXPECT_EQ(shape_of(coroutines, 100).wait_lanes, 100);
  EXPECT_EQ(shape_of(coroutines, 100).cpu_lanes, 1);
  coroutines.form = task_form::blocking;
  EXPECT_EQ(shape_of(coroutines, 100).wait_lanes, 1);
  EXPECT_EQ(shape_of(settings_for(model_kind::thread_per_task), 17).cpu_lanes, 17);
  EXPECT_EQ(effective_workers(settings_for(model_kind::sequential), 17), 1);
  auto asio = settings_for(model_kind::threads_asio);
  asio.workers = 4;
  EXPECT_EQ(shape_of(asio, 100).cpu_lanes, 4);
  EXPECT_EQ(shape_of(asio, 100).wait_lanes, 4);
  EXPECT_EQ(effective_workers(asio, 100), 4);
  EXPECT_EQ(parse_model("threads-asio"), model_kind::threads_asio);
  EXPECT_EQ(to_string(model_kind::threads_asio), "threads-asio");
  EXPECT_TRUE(uses_workers(model_kind::threads_asio) && uses_pool(model_kind::threads_asio));
  EXPECT_FALSE(uses_event_loop(model_kind::threads_asio) || is_process_model(model_kind::threads_asio));
}

TEST(batch_outcome, the_first_cause_is_never_a_task_abandoned_because_of_it) {
  batch_outcome outcome;
  outcome.tasks.resize(4);
  outcome.tasks[0] = {std::nullopt, "task 0: stopped before it finished: the batch ended when task 2's worker failed",
                      true};
  outcome.tasks[1] = {task_result{}, "", false};
  outcome.tasks[2] = {std::nullopt, "task 2: worker process #1 was killed by signal SIGKILL (9)", false};
  outcome.tasks[3] = {std::nullopt, "task 3: never ran: the batch ended", true};
  EXPECT_EQ(outcome.first_cause(), "task 2: worker process #1 was killed by signal SIGKILL (9)");
  EXPECT_EQ(outcome.errors().size(), 3u) << "every error is still listed, in task order";
  // Only consequences: the first of them; a runner's own error comes before any task's.
  outcome.tasks[2] = {task_result{}, "", false};
  EXPECT_EQ(outcome.first_cause(), outcome.tasks[0].error);
  outcome.batch_errors.push_back("could not start a pool of 2 threads");
  EXPECT_EQ(outcome.first_cause(), "could not start a pool of 2 threads");
  EXPECT_EQ(batch_outcome{}.first_cause(), std::nullopt);
}

}  // namespace
}  // namespace concbench
