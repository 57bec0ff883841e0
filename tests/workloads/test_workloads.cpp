// The workloads on their own: exact counts, sleeps at least their length, stop tokens honoured,
// batches rebuilt from their params.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <thread>

#include "workloads/calibration/counting_loop.hpp"
#include "workloads/cpu_workload.hpp"
#include "workloads/empty_workload.hpp"
#include "workloads/fault_workload.hpp"
#include "workloads/interruptible_sleep.hpp"
#include "workloads/median.hpp"
#include "workloads/sleep_shape_workload.hpp"
#include "workloads/sleep_workload.hpp"
#include "workloads/workload_factory.hpp"
#include "workloads/workload_registry.hpp"

namespace concbench {
namespace {

using namespace std::chrono_literals;

TEST(cpu_workload, the_tutorial_batch_at_scale_one_is122_million_increments) {
  const cpu_workload work(1);
  const auto batch = work.make_batch();
  ASSERT_EQ(batch.size(), 17u);
  std::int64_t total = 0;
  for (const auto& task : batch) total += task.size;
  EXPECT_EQ(total, 122'000'000);
  EXPECT_EQ(batch[0].size, 8'000'000);
}

TEST(cpu_workload, fractional_scales_round_to_whole_increments) {
  const cpu_workload work(0.0015);
  EXPECT_EQ(work.make_batch()[0].size, 12000);
  EXPECT_EQ(work.name_keys().at(0).second, "0.0015");
}

TEST(cpu_workload, counts_exactly_and_verifies) {
  const cpu_workload work(0.01);
  for (const auto& task : work.make_batch()) {
    const auto result = work.run_blocking(task, {});
    EXPECT_EQ(result.value, task.size);
    EXPECT_FALSE(work.verify(task, result));
  }
  EXPECT_TRUE(work.verify({0, 100}, {99}));
}

TEST(cpu_workload, rejects_scales_that_leave_no_work) {
  EXPECT_THROW(cpu_workload(0), std::invalid_argument);
  EXPECT_THROW(cpu_workload(-1), std::invalid_argument);
  EXPECT_THROW(cpu_workload(1e-9), std::invalid_argument);
}

TEST(counting_loop, stops_soon_after_a_stop_request) {
  std::stop_source stop;
  stop.request_stop();
  // Already stopped: not one chunk is counted.
  EXPECT_EQ(count_up_to(std::int64_t{1} << 40, stop.get_token()), 0);

  std::stop_source later;
  std::jthread requester([&] {
    std::this_thread::sleep_for(20ms);
    later.request_stop();
  });
  // 2^40 increments would take minutes; the stop ends it within one chunk.
  const auto counted = count_up_to(std::int64_t{1} << 40, later.get_token());
  EXPECT_LT(counted, std::int64_t{1} << 40);
  EXPECT_EQ(counted % increments_per_stop_check, 0);
}

TEST(sleep_workload, sleeps_at_least_its_length_in_both_forms) {
  const sleep_workload work(2, 3);
  const auto batch = work.make_batch();
  const auto blocking = work.run_blocking(batch[0], {});
  EXPECT_FALSE(work.verify(batch[0], blocking));
  EXPECT_GE(blocking.value, 3'000'000);

  boost::asio::io_context loop;
  auto awaited = boost::asio::co_spawn(loop, work.run_awaitable(batch[1], {}), boost::asio::use_future);
  loop.run();
  const auto result = awaited.get();
  EXPECT_FALSE(work.verify(batch[1], result));
}

TEST(sleep_workload, time_scale_shrinks_every_sleep) {
  const sleep_workload work(3, 20, 0.1);
  EXPECT_EQ(work.make_batch()[2].size, 2'000'000);
  EXPECT_EQ(work.name_keys().at(1).second, "2");
}

TEST(sleep_shapes, the_tutorials_shapes_at_their_lengths) {
  // random: five seeded draws of 0-4 s, the same for the same seed, another set for another.
  const sleep_shape_workload random("random", 1.0, 7);
  const auto batch = random.make_batch();
  ASSERT_EQ(batch.size(), 5u);
  for (const auto& task : batch) {
    EXPECT_GE(task.size, 0);
    EXPECT_LE(task.size, 4'000'000'000);
    EXPECT_EQ(random.sleeps_of(task.index), 1);
  }
  const auto again = sleep_shape_workload("random", 1.0, 7).make_batch();
  const auto other = sleep_shape_workload("random", 1.0, 8).make_batch();
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch[i].size, again[i].size);
  bool differs = false;
  for (std::size_t i = 0; i < batch.size(); ++i) differs |= batch[i].size != other[i].size;
  EXPECT_TRUE(differs);
  // interleaved: one function sleeps 1 s three times, the other 0.8 s five times.
  const sleep_shape_workload interleaved("interleaved", 1.0);
  const auto two = interleaved.make_batch();
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].size, 1'000'000'000);
  EXPECT_EQ(interleaved.sleeps_of(0), 3);
  EXPECT_EQ(two[1].size, 800'000'000);
  EXPECT_EQ(interleaved.sleeps_of(1), 5);
  EXPECT_DOUBLE_EQ(interleaved.nominal_sequential_ns(), 7e9);
  EXPECT_THROW(sleep_shape_workload("gaussian", 1.0), std::invalid_argument);
}

TEST(sleep_shapes, every_function_sleeps_all_its_sleeps_in_both_forms) {
  const sleep_shape_workload interleaved("interleaved", 0.005);  // 5 ms x 3 and 4 ms x 5
  for (const auto& task : interleaved.make_batch()) {
    const auto blocking = interleaved.run_blocking(task, {});
    EXPECT_FALSE(interleaved.verify(task, blocking)) << task.index;
    EXPECT_GE(blocking.value, task.size * interleaved.sleeps_of(task.index));
    boost::asio::io_context loop;
    auto awaited = boost::asio::co_spawn(loop, interleaved.run_awaitable(task, {}), boost::asio::use_future);
    loop.run();
    EXPECT_FALSE(interleaved.verify(task, awaited.get())) << task.index;
    // One sleep short of the function is caught.
    EXPECT_TRUE(interleaved.verify(task, {task.size * (interleaved.sleeps_of(task.index) - 1)}));
  }
  // Rebuilt from its report params, as a worker process does.
  const auto rebuilt = make_workload("sleep", sleep_shape_workload("random", 0.5, 3).params());
  EXPECT_EQ(rebuilt->params(), sleep_shape_workload("random", 0.5, 3).params());
  EXPECT_EQ(rebuilt->make_batch()[4].size, sleep_shape_workload("random", 0.5, 3).make_batch()[4].size);
}

TEST(empty_workload, each_task_returns_its_own_value_in_both_forms) {
  const empty_workload work(5);
  const auto batch = work.make_batch();
  ASSERT_EQ(batch.size(), 5u);
  boost::asio::io_context loop;
  for (const auto& task : batch) {
    EXPECT_EQ(task.size, 0);
    const auto blocking = work.run_blocking(task, {});
    EXPECT_FALSE(work.verify(task, blocking)) << task.index;
    auto awaited = boost::asio::co_spawn(loop, work.run_awaitable(task, {}), boost::asio::use_future);
    loop.run();
    loop.restart();
    EXPECT_EQ(awaited.get().value, blocking.value);
  }
  // Another task's value, or a slot never written (0), fails: every task must have run.
  EXPECT_TRUE(work.verify(batch[1], work.run_blocking(batch[2], {})));
  EXPECT_TRUE(work.verify(batch[0], {0}));
  EXPECT_NE(empty_workload::expected_value(0), empty_workload::expected_value(1));
  EXPECT_GE(empty_workload::expected_value(12345), 0);
}

TEST(empty_workload, name_params_and_an_ideal_of_zero) {
  const empty_workload work(10'000);
  EXPECT_EQ(work.name(), "empty");
  EXPECT_EQ(work.params(), (nlohmann::json{{"tasks", 10'000}}));
  EXPECT_EQ(work.name_keys(), (std::vector<std::pair<std::string, std::string>>{{"N", "10000"}}));
  // Doing nothing ideally costs nothing: the report then writes no efficiency (ideal > 0 only).
  const auto batch = work.make_batch();
  const auto estimate = work.estimate(batch, {2, 2}, machine_constants{});
  EXPECT_EQ(estimate.ideal_ns, 0);
  EXPECT_EQ(estimate.bound_ns, 0);
  EXPECT_GT(work.nominal_sequential_ns(), 0);
  EXPECT_THROW(empty_workload(0), std::invalid_argument);
}

TEST(interruptible_sleep, blocking_sleep_ends_on_stop) {
  std::stop_source stop;
  std::jthread requester([&] {
    std::this_thread::sleep_for(10ms);
    stop.request_stop();
  });
  const auto slept = sleep_unless_stopped(10s, stop.get_token());
  EXPECT_LT(slept, 5s);
}

TEST(interruptible_sleep, awaitable_sleep_ends_on_stop_from_another_thread) {
  std::stop_source stop;
  boost::asio::io_context loop;
  auto slept = boost::asio::co_spawn(loop, async_sleep_unless_stopped(10s, stop.get_token()), boost::asio::use_future);
  std::jthread requester([&] {
    std::this_thread::sleep_for(10ms);
    stop.request_stop();
  });
  loop.run();
  EXPECT_LT(slept.get(), 5s);
}

TEST(workload_factory, rebuilds_each_workload_from_its_params) {
  const cpu_workload cpu(0.5);
  const sleep_workload sleep(4, 2, 0.5);
  const fault_workload fault(3, 1, fault_mode::throws);
  const empty_workload empty(7);
  for (const workload* original : std::initializer_list<const workload*>{&cpu, &sleep, &fault, &empty}) {
    const auto rebuilt = make_workload(original->name(), original->params());
    EXPECT_EQ(rebuilt->params(), original->params());
    EXPECT_EQ(rebuilt->make_batch().size(), original->make_batch().size());
  }
}

TEST(workload_factory, every_task_workload_of_the_registry_has_a_factory_and_nothing_else_does) {
  for (const auto& row : registered_workloads()) {
    EXPECT_EQ(has_workload_factory(row.name), row.kind == workload_kind::task) << row.name;
  }
  EXPECT_FALSE(has_workload_factory("gpu"));
  // A scenario is registered, but a worker process never rebuilds one as a task workload.
  EXPECT_THROW(make_workload("pipeline", {}), std::invalid_argument);
}

TEST(workload_factory, names_what_is_wrong) {
  try {
    make_workload("gpu", {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown workload 'gpu'"), std::string::npos);
  }
  try {
    make_workload("cpu", {{"nums", {1}}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bad params for workload 'cpu'"), std::string::npos);
  }
}

}  // namespace
}  // namespace concbench

namespace concbench {
namespace {

TEST(median, takes_the_middle_or_the_mean_of_the_two_middles) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);  // not the upper middle
  EXPECT_THROW(median({}), std::invalid_argument);
}

}  // namespace
}  // namespace concbench
