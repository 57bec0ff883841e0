// The fork-cost scenario end to end: a parent forked by the fork server grows its resident
// memory to the size asked for, starts and reaps its children each way, and reports per-start
// figures; a child that cannot start or exits non-zero, a model its start does not belong to
// and a stop request are errors naming the scenario, model and cause; nothing is left behind
// (every process reaped, no descriptor leaked). Sizes are small (8–32 MiB). No test asserts a
// speed.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <stop_token>
#include <string>
#include <thread>

#include "runners/scenarios/fork_cost_scenario.hpp"
#include "tests/runners/process/process_census.hpp"

namespace concbench {
namespace {

constexpr double mebibyte = 1 << 20;

run_settings under(model_kind model) {
  run_settings settings;
  settings.model = model;
  return settings;
}

fork_cost_params params_for(process_start start, std::uint64_t mb = 16, int starts = 5) {
  fork_cost_params params;
  params.parent_rss_mb = mb;
  params.start = start;
  params.starts = starts;
  return params;
}

scenario_outcome run(const fork_cost_params& params, std::stop_token stop = {}) {
  return fork_cost_scenario(params).run(under(model_of(params.start)), stop);
}

double figure(const scenario_outcome& outcome, const std::string& name) {
  const auto it = outcome.figures.find(name);
  EXPECT_NE(it, outcome.figures.end()) << "no figure " << name;
  return it == outcome.figures.end() ? -1 : it->second;
}

constexpr process_start every_start[] = {process_start::fork, process_start::fork_exec, process_start::posix_spawn};

TEST(fork_cost, every_start_kind_completes_its_starts_from_a_parent_of_the_size_asked) {
  const auto before = test::take_census();
  for (const auto start : every_start) {
    const std::string label(to_string(start));
    const auto outcome = run(params_for(start, 16, 5));
    ASSERT_TRUE(outcome.ok()) << label << ": " << outcome.error;
    EXPECT_EQ(figure(outcome, "starts"), 5) << label;
    EXPECT_GE(figure(outcome, "parent_rss_bytes"), 16 * mebibyte) << label;
    const double least = figure(outcome, "ns_per_start_min");
    const double median = figure(outcome, "ns_per_start_median");
    const double most = figure(outcome, "ns_per_start_max");
    EXPECT_GT(least, 0) << label;
    EXPECT_LE(least, median) << label;
    EXPECT_LE(median, most) << label;
    EXPECT_GT(figure(outcome, "ns_per_start_mean"), 0) << label;
    // Every start lies inside the interval.
    EXPECT_GE(static_cast<double>(outcome.interval.count()), 5 * least) << label;
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST(fork_cost, the_parent_reports_the_resident_memory_it_grew_to) {
  const auto small = run(params_for(process_start::fork, 8, 1));
  const auto large = run(params_for(process_start::fork, 32, 1));
  ASSERT_TRUE(small.ok()) << small.error;
  ASSERT_TRUE(large.ok()) << large.error;
  const double small_rss = figure(small, "parent_rss_bytes");
  const double large_rss = figure(large, "parent_rss_bytes");
  EXPECT_GE(small_rss, 8 * mebibyte);
  EXPECT_GE(large_rss, 32 * mebibyte);
  // The same parent but for 24 MiB more, all of it resident.
  EXPECT_GE(large_rss - small_rss, 24 * mebibyte * 0.99);
  RecordProperty("parent_rss_bytes_8_and_32_mib", std::to_string(small_rss) + " " + std::to_string(large_rss));
}

TEST(fork_cost, a_program_that_cannot_run_is_named_before_any_start) {
  const auto before = test::take_census();
  for (const auto start : {process_start::fork_exec, process_start::posix_spawn}) {
    auto params = params_for(start, 8);
    params.program = "/nonexistent/concbench-no-such-program";
    const auto outcome = run(params);
    ASSERT_FALSE(outcome.ok());
    const std::string who =
        "fork-cost (start " + std::string(to_string(start)) + ", parent 8 MiB) under processes-spawn";
    EXPECT_EQ(outcome.error.rfind(who + ": parent (pid ", 0), 0u) << outcome.error;
    EXPECT_NE(outcome.error.find("cannot run /nonexistent/concbench-no-such-program (" + std::string(to_string(start)) +
                                 "): No such file or directory"),
              std::string::npos)
        << outcome.error;
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

TEST(fork_cost, a_child_that_exits_non_zero_is_an_error_naming_the_start) {
  auto params = params_for(process_start::fork_exec, 8);
  params.program = "/bin/false";
  if (::access(params.program.c_str(), X_OK) != 0) GTEST_SKIP() << "no /bin/false here";
  const auto outcome = run(params);
  EXPECT_NE(outcome.error.find("fork-cost (start fork-exec, parent 8 MiB) under processes-spawn: parent (pid "),
            std::string::npos)
      << outcome.error;
  EXPECT_NE(outcome.error.find("failed: start 1 of 5: the child (fork-exec of /bin/false) exited with status 1"),
            std::string::npos)
      << outcome.error;
}

// A file that passes the access check but is no program: execve fails with ENOEXEC, which
// fork-exec's child reports as status 127 and posix_spawn as its own error.
TEST(fork_cost, an_exec_that_fails_in_the_child_is_an_error) {
  char path[] = "/tmp/concbench-fc-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "not a program\n", 14), 14);
  ::close(fd);
  ASSERT_EQ(::chmod(path, 0700), 0);
  for (const auto start : {process_start::fork_exec, process_start::posix_spawn}) {
    auto params = params_for(start, 8);
    params.program = path;
    const auto outcome = run(params);
    ASSERT_FALSE(outcome.ok()) << to_string(start);
    const std::string expected = start == process_start::fork_exec
                                     ? "exited with status 127 (its execve failed)"
                                     : "start 1 of 5: posix_spawn: Exec format error (" + std::string(path) + ")";
    EXPECT_NE(outcome.error.find(expected), std::string::npos) << outcome.error;
  }
  ::unlink(path);
}

// 1 TiB: more than any machine this runs on has available, so it is refused before the
// parent maps or touches anything (never left to the OOM killer).
TEST(fork_cost, a_parent_larger_than_the_available_memory_is_refused) {
  const auto outcome = run(params_for(process_start::fork, std::uint64_t{1} << 20, 1));
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error.find("fork-cost (start fork, parent 1048576 MiB) under processes-fork: parent (pid "),
            std::string::npos)
      << outcome.error;
  EXPECT_NE(outcome.error.find("failed: the parent's 1048576 MiB do not fit in the "), std::string::npos)
      << outcome.error;
  EXPECT_NE(outcome.error.find("MiB this machine has available (MemAvailable)"), std::string::npos) << outcome.error;
}

TEST(fork_cost, every_start_needs_the_fork_server_which_forks_its_parent) {
  // processes-spawn's starts too: a dead fork server must skip them (fork_server_dependency).
  for (const auto start : every_start) {
    EXPECT_TRUE(fork_cost_scenario(params_for(start)).needs_fork_server(model_of(start))) << to_string(start);
  }
}

TEST(fork_cost, each_start_runs_under_its_own_model_only) {
  EXPECT_EQ(model_of(process_start::fork), model_kind::processes_fork);
  EXPECT_EQ(model_of(process_start::fork_exec), model_kind::processes_spawn);
  EXPECT_EQ(model_of(process_start::posix_spawn), model_kind::processes_spawn);
  const fork_cost_scenario forks(params_for(process_start::fork));
  EXPECT_TRUE(forks.supports(model_kind::processes_fork));
  for (const auto other :
       {model_kind::sequential, model_kind::threads, model_kind::coroutines, model_kind::processes_spawn}) {
    EXPECT_FALSE(forks.supports(other)) << to_string(other);
  }
  const auto outcome = forks.run(under(model_kind::threads), {});
  EXPECT_EQ(outcome.error,
            "fork-cost (start fork, parent 16 MiB) under threads: this start runs under "
            "processes-fork only");
}

TEST(fork_cost, names_and_params) {
  const fork_cost_scenario spawns(params_for(process_start::posix_spawn, 100, 20));
  EXPECT_EQ(spawns.name(), "fork-cost");
  const std::vector<std::pair<std::string, std::string>> keys{
      {"parent_rss_mb", "100"}, {"start", "posix_spawn"}, {"starts", "20"}};
  EXPECT_EQ(spawns.name_keys(), keys);
  EXPECT_EQ(
      spawns.params(),
      (nlohmann::json{{"parent_rss_mb", 100}, {"start", "posix_spawn"}, {"starts", 20}, {"program", "/bin/true"}}));
  EXPECT_FALSE(fork_cost_scenario(params_for(process_start::fork)).params().contains("program"));
  EXPECT_EQ(spawns.workers(under(model_kind::processes_spawn)), 1);
  for (const auto start : every_start) {
    EXPECT_EQ(parse_process_start(to_string(start)), start);
  }
  EXPECT_EQ(parse_process_start("vfork"), std::nullopt);
  // A bigger parent costs a fork more, nominally; posix_spawn does not care.
  EXPECT_GT(fork_cost_scenario(params_for(process_start::fork, 1000)).nominal_sequential_ns(),
            fork_cost_scenario(params_for(process_start::fork, 10)).nominal_sequential_ns());
  EXPECT_EQ(fork_cost_scenario(params_for(process_start::posix_spawn, 1000)).nominal_sequential_ns(),
            fork_cost_scenario(params_for(process_start::posix_spawn, 10)).nominal_sequential_ns());
}

TEST(fork_cost, bad_parameters_are_refused) {
  EXPECT_THROW(fork_cost_scenario(params_for(process_start::fork, 0)), std::invalid_argument);
  EXPECT_THROW(fork_cost_scenario(params_for(process_start::fork, 16, 0)), std::invalid_argument);
  auto params = params_for(process_start::fork_exec);
  params.program = "true";  // not absolute
  EXPECT_THROW(fork_cost_scenario{params}, std::invalid_argument);
  params.program = "/" + std::string(max_program_length, 'x');  // too long for the job
  EXPECT_THROW(fork_cost_scenario{params}, std::invalid_argument);
}

TEST(fork_cost, a_stop_request_ends_a_running_batch_and_reaps_the_parent_and_its_children) {
  const auto before = test::take_census();
  for (const auto start : every_start) {
    std::stop_source stop;
    auto running =
        std::async(std::launch::async, [&] { return run(params_for(start, 8, 100'000'000), stop.get_token()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop.request_stop();
    ASSERT_EQ(running.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(running.get().error, "stopped") << to_string(start);
  }
  EXPECT_EQ(test::settled_census(before), before) << test::describe(test::take_census());
}

TEST(fork_cost, a_stop_requested_before_the_batch_ends_it) {
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(run(params_for(process_start::fork), stop.get_token()).error, "stopped");
}

}  // namespace
}  // namespace concbench
