// Per-entry figures: the timeline's latency percentiles and overhead split on hand-made
// timelines, and the untimed probe batch's memory reading on a batch that allocates a known
// amount; the /proc parsers the probe relies on.

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "benchmarks/entries/resource_probe.hpp"
#include "benchmarks/entries/timeline_figures.hpp"
#include "runners/batch/runner.hpp"
#include "runners/process/process_pool.hpp"
#include "workloads/sleep_workload.hpp"

namespace concbench {
namespace {

using std::chrono::nanoseconds;

std::map<std::string, double> as_map(const std::vector<std::pair<std::string, double>>& counters) {
  return {counters.begin(), counters.end()};
}

TEST(quantile, interpolates_linearly_between_order_statistics) {
  EXPECT_FALSE(quantile({}, 0.5));
  EXPECT_DOUBLE_EQ(*quantile({7}, 0.99), 7);
  EXPECT_DOUBLE_EQ(*quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(*quantile({1, 2, 3, 4, 5}, 0.5), 3);
  // numpy.percentile(range(1, 101), 99) == 99.01
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_NEAR(*quantile(hundred, 0.99), 99.01, 1e-9);
  EXPECT_DOUBLE_EQ(*quantile(hundred, 0), 1);
  EXPECT_DOUBLE_EQ(*quantile(hundred, 1), 100);
}

TEST(timeline_figures, two_workers_split_the_overhead) {
  // Worker 0: [10, 30] then [35, 60]; worker 1: [12, 42] then [50, 70]; interval 100.
  const std::vector<timeline_entry> timeline{{10, 30, 0}, {12, 42, 1}, {35, 60, 0}, {50, 70, 1}};
  const auto figures = figures_of(timeline, nanoseconds(100));
  // Durations 20, 30, 25, 20 -> sorted 20 20 25 30.
  EXPECT_DOUBLE_EQ(*figures.task_p50_ns, 22.5);
  EXPECT_NEAR(*figures.task_p99_ns, 25 + 0.97 * 5, 1e-9);
  EXPECT_DOUBLE_EQ(*figures.startup_ns, 10);
  EXPECT_DOUBLE_EQ(*figures.teardown_ns, 30);
  EXPECT_DOUBLE_EQ(*figures.imbalance_ns, 10);  // last ends 60 and 70
  // Gaps: worker 0 35 − 30 = 5, worker 1 50 − 42 = 8.
  EXPECT_DOUBLE_EQ(*figures.dispatch_gap_ns_per_task, 6.5);
  // From the first start (10) to the last end (70), four tasks.
  EXPECT_DOUBLE_EQ(*figures.dispatch_ns_per_task, 15);
}

TEST(timeline_figures, tasks_are_ordered_by_start_within_a_worker_whatever_their_task_order) {
  const std::vector<timeline_entry> timeline{{40, 50, 0}, {0, 10, 0}, {20, 30, 0}};
  const auto figures = figures_of(timeline, nanoseconds(50));
  EXPECT_DOUBLE_EQ(*figures.dispatch_gap_ns_per_task, 10);
  EXPECT_DOUBLE_EQ(*figures.imbalance_ns, 0);  // one worker
  EXPECT_DOUBLE_EQ(*figures.teardown_ns, 0);
  EXPECT_DOUBLE_EQ(*figures.startup_ns, 0);
}

TEST(timeline_figures, one_task_per_worker_has_no_dispatch_gap) {
  // thread-per-task: every task its own worker.
  const std::vector<timeline_entry> timeline{{5, 15, 0}, {6, 26, 1}, {7, 17, 2}};
  const auto figures = figures_of(timeline, nanoseconds(30));
  EXPECT_FALSE(figures.dispatch_gap_ns_per_task);
  EXPECT_DOUBLE_EQ(*figures.imbalance_ns, 11);         // 26 − 15
  EXPECT_DOUBLE_EQ(*figures.dispatch_ns_per_task, 7);  // (26 − 5) / 3
  const auto counters = as_map(timeline_counters(figures));
  EXPECT_EQ(counters.count("dispatch_gap_ns_per_task"), 0u);
  EXPECT_EQ(counters.at("startup_ns"), 5);
  EXPECT_EQ(counters.at("teardown_ns"), 4);
}

TEST(timeline_figures, tasks_that_never_started_are_left_out) {
  const std::vector<timeline_entry> none{{-1, -1, -1}, {-1, -1, -1}};
  const auto empty = figures_of(none, nanoseconds(10));
  EXPECT_FALSE(empty.task_p50_ns);
  EXPECT_FALSE(empty.startup_ns);
  EXPECT_TRUE(timeline_counters(empty).empty());

  const std::vector<timeline_entry> some{{-1, -1, -1}, {3, 8, 0}};
  const auto figures = figures_of(some, nanoseconds(10));
  EXPECT_DOUBLE_EQ(*figures.task_p50_ns, 5);
  EXPECT_DOUBLE_EQ(*figures.startup_ns, 3);
  EXPECT_DOUBLE_EQ(*figures.teardown_ns, 2);
}

TEST(timeline_figures, counter_names_do_not_clash_with_google_benchmark_keys) {
  const std::vector<timeline_entry> timeline{{0, 1, 0}, {1, 2, 0}};
  for (const auto& [name, value] : timeline_counters(figures_of(timeline, nanoseconds(2)))) {
    for (const char* key : {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
                            "real_time", "cpu_time", "time_unit", "label"}) {
      EXPECT_NE(name, key);
    }
  }
}

// A sequential runner that also allocates and touches `bytes_per_task` per task and holds it
// until the batch ends, so the batch's peak resident set grows by about N times that.
class allocating_runner final : public runner {
 public:
  explicit allocating_runner(std::size_t bytes_per_task)
      : inner_(make_runner(run_settings{})), bytes_per_task_(bytes_per_task) {}
  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override {
    std::vector<std::unique_ptr<char[]>> held;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      held.push_back(std::make_unique<char[]>(bytes_per_task_));
      std::memset(held.back().get(), 1, bytes_per_task_);
    }
    return inner_->run(work, batch, stop);
  }

 private:
  std::unique_ptr<runner> inner_;
  std::size_t bytes_per_task_;
};

TEST(resource_probe, bytes_per_task_finds_what_each_task_allocated) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "ThreadSanitizer's allocator keeps its own pools: resident memory says nothing about the program's";
#endif
  constexpr std::size_t per_task = 4 << 20;  // 4 MiB, far above the noise of a small batch
  const sleep_workload work(8, 1);
  const auto batch = work.make_batch();
  allocating_runner runner(per_task);
  const auto probe = probe_resources(runner, work, batch, {});
  ASSERT_TRUE(probe);
  if (!probe->bytes_per_task) GTEST_SKIP() << "this kernel refuses to reset the peak RSS (/proc/self/clear_refs)";
  EXPECT_GT(*probe->peak_rss_bytes, static_cast<std::int64_t>(8 * per_task));
  EXPECT_GE(*probe->rss_growth_bytes, 0);
  // A loose factor: the allocator rounds up, the runner and the sleeps add a little.
  EXPECT_GT(*probe->bytes_per_task, 0.5 * per_task);
  EXPECT_LT(*probe->bytes_per_task, 2.0 * per_task);
  EXPECT_FALSE(probe->workers_pss_bytes);  // no worker processes
  EXPECT_GE(probe->usage.user_ns + probe->usage.system_ns, 0);
  EXPECT_GE(probe->usage.voluntary_switches, 8);  // every sleep gives up the CPU

  const auto fields = probe_fields(*probe);
  for (const char* key : {"peak_rss_bytes", "rss_growth_bytes", "bytes_per_task", "cpu_user_ns", "cpu_system_ns",
                          "voluntary_switches", "involuntary_switches"}) {
    EXPECT_TRUE(fields.contains(key)) << key;
  }
  EXPECT_FALSE(fields.contains("workers_pss_bytes"));
}

TEST(resource_probe, a_failed_batch_gives_no_figures) {
  const sleep_workload work(3, 1);
  const auto batch = work.make_batch();
  auto runner = make_runner(run_settings{});
  std::stop_source stopped;
  stopped.request_stop();
  EXPECT_FALSE(probe_resources(*runner, work, batch, stopped.get_token()));
}

TEST(proc_reading, status_lines_in_bytes) {
  const std::string status = "Name:\tconcbench\nVmPeak:\t  200 kB\nVmHWM:\t    4096 kB\nVmRSS:\t    1024 kB\n";
  EXPECT_EQ(status_bytes(status, "VmRSS"), 1024 * 1024);
  EXPECT_EQ(status_bytes(status, "VmHWM"), 4096 * 1024);
  EXPECT_FALSE(status_bytes(status, "VmSwap"));
  EXPECT_FALSE(status_bytes(status, "Vm"));  // a prefix is not a key
}

TEST(proc_reading, pss_of_smaps_rollup) {
  const std::string rollup =
      "55d42ab70000-7ffd6ef5f000 ---p 00000000 00:00 0                          [rollup]\n"
      "Rss:                1624 kB\nPss:                 182 kB\nPss_Dirty:           112 kB\n";
  EXPECT_EQ(parse_pss_bytes(rollup), 182 * 1024);
  EXPECT_FALSE(parse_pss_bytes("Rss: 1 kB\n"));
}

TEST(proc_reading, cpu_time_and_switches_of_a_process) {
  // The command name may hold spaces and parentheses: fields are counted from the last ')'.
  const std::string stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 1 0 1000";
  const std::string status = "voluntary_ctxt_switches:\t17\nnonvoluntary_ctxt_switches:\t3\n";
  const auto usage = parse_proc_usage(stat, status, 100);
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->user_ns, 2'500'000'000);
  EXPECT_EQ(usage->system_ns, 300'000'000);
  EXPECT_EQ(usage->voluntary_switches, 17);
  EXPECT_EQ(usage->involuntary_switches, 3);
  EXPECT_FALSE(parse_proc_usage("garbage", status, 100));
  EXPECT_FALSE(parse_proc_usage(stat, "", 100));
}

}  // namespace
}  // namespace concbench
