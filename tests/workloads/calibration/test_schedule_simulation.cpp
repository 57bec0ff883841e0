// Ideal and bound against hand-computed cases (docs/design.md "Ideal and bound"), W > P included.

#include <gtest/gtest.h>

#include <vector>

#include "workloads/calibration/schedule_simulation.hpp"
#include "workloads/cpu_workload.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {
namespace {

machine_constants two_cpus(double c1, double c2) {
  machine_constants constants;
  constants.usable_cpus = 2;
  constants.ns_per_increment = {c1, c2};
  constants.sleep_overshoot_ns = 0;
  return constants;
}

TEST(greedy_makespan, takes_the_next_task_on_the_first_free_lane) {
  const std::vector<double> durations{4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(greedy_makespan(durations, 1), 10);
  // Lane 0 runs 4, lane 1 runs 3; at t=3 lane 1 takes the 2 (ends 5), at t=4 lane 0 the 1 (ends 5).
  EXPECT_DOUBLE_EQ(greedy_makespan(durations, 2), 5);
  EXPECT_DOUBLE_EQ(greedy_makespan(durations, 4), 4);
  EXPECT_DOUBLE_EQ(greedy_makespan(durations, 100), 4);
}

TEST(greedy_makespan, order_matters_because_dispatch_is_in_order) {
  // A long task last cannot be balanced: 1,1,1,1 on two lanes then 4 -> 2 + 4.
  const std::vector<double> durations{1, 1, 1, 1, 4};
  EXPECT_DOUBLE_EQ(greedy_makespan(durations, 2), 6);
}

TEST(shared_cpu_makespan, equals_greedy_when_workers_fit_the_cpus) {
  const std::vector<double> work{4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(shared_cpu_makespan(work, 2, 2), greedy_makespan(work, 2));
  EXPECT_DOUBLE_EQ(shared_cpu_makespan(work, 1, 2), 10);
}

TEST(shared_cpu_makespan, shares_cpus_when_workers_exceed_them) {
  // Four tasks of 2 on four workers sharing two CPUs: each runs at 1/2 -> all end at 4.
  const std::vector<double> equal{2, 2, 2, 2};
  EXPECT_DOUBLE_EQ(shared_cpu_makespan(equal, 4, 2), 4);
  // 1 and 3 on three workers, two CPUs, plus 2: three running at 2/3 each; the 1 ends at 1.5,
  // then 3-1=2 and 2-1=1 remain at full speed: the 1 ends at 2.5, the 2 at 3.5.
  const std::vector<double> mixed{1, 3, 2};
  EXPECT_DOUBLE_EQ(shared_cpu_makespan(mixed, 3, 2), 3.5);
}

TEST(cpu_estimate, sequential_is_the_sum_at_c1) {
  const cpu_workload work(0.001, {8, 7, 5});  // 8000, 7000, 5000 increments
  const auto batch = work.make_batch();
  const auto estimate = work.estimate(batch, {1, 1}, two_cpus(1.0, 1.5));
  EXPECT_DOUBLE_EQ(estimate.ideal_ns, 20000);
  EXPECT_DOUBLE_EQ(estimate.bound_ns, 20000);
}

TEST(cpu_estimate, two_workers_use_c2_and_the_bound_uses_c1) {
  const cpu_workload work(0.001, {8, 7, 5});
  const auto batch = work.make_batch();
  const auto estimate = work.estimate(batch, {2, 2}, two_cpus(1.0, 1.5));
  // Dispatch at c_2 = 1.5: 8000 -> 12000 on lane 0; 7000 -> 10500 then 5000 -> 18000 on lane 1.
  EXPECT_DOUBLE_EQ(estimate.ideal_ns, 18000);
  // max(20000 * 1.0 / 2, 8000 * 1.0)
  EXPECT_DOUBLE_EQ(estimate.bound_ns, 10000);
  EXPECT_GE(estimate.ideal_ns, estimate.bound_ns);
}

TEST(cpu_estimate, more_workers_than_cpus_share_two_cpus) {
  const cpu_workload work(0.001, {2, 2, 2, 2});  // four tasks of 2000 increments
  const auto batch = work.make_batch();
  // W = 4 > P = 2: processor sharing at c_2 = 1 -> 4 * 2000 / 2.
  const auto estimate = work.estimate(batch, {4, 4}, two_cpus(1.0, 1.0));
  EXPECT_DOUBLE_EQ(estimate.ideal_ns, 4000);
  EXPECT_DOUBLE_EQ(estimate.bound_ns, 4000);  // Q = min(4, 2) = 2
}

TEST(sleep_estimate, greedy_over_lanes_with_overshoot) {
  const sleep_workload work(5, 10);  // five sleeps of 10 ms
  const auto batch = work.make_batch();
  auto constants = two_cpus(1, 1);
  constants.sleep_overshoot_ns = 1e5;  // 0.1 ms
  EXPECT_DOUBLE_EQ(work.estimate(batch, {1, 1}, constants).ideal_ns, 5 * 10.1e6);
  EXPECT_DOUBLE_EQ(work.estimate(batch, {1, 1}, constants).bound_ns, 50e6);
  // W = 2: three rounds; sleeping needs no CPU, so W = 5 > P = 2 still finishes in one.
  EXPECT_DOUBLE_EQ(work.estimate(batch, {2, 2}, constants).ideal_ns, 3 * 10.1e6);
  EXPECT_DOUBLE_EQ(work.estimate(batch, {2, 2}, constants).bound_ns, 25e6);
  EXPECT_DOUBLE_EQ(work.estimate(batch, {1, 5}, constants).ideal_ns, 10.1e6);
  EXPECT_DOUBLE_EQ(work.estimate(batch, {1, 5}, constants).bound_ns, 10e6);
}

}  // namespace
}  // namespace concbench
