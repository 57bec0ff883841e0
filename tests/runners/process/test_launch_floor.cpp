// Start-up of W workers, the floors and the models' own (runners/process/launch_floor.hpp): each returns
// W workers that have said hello, children of the right process, and leaves nothing behind once
// stopped; a bad worker binary is a clear error that also leaves nothing behind. No wall-clock
// assertions: only that a time was taken.

#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>

#include "runners/process/fork_server.hpp"
#include "runners/process/launch_floor.hpp"
#include "tests/runners/process/process_census.hpp"

namespace concbench {
namespace {

using test::take_census;

constexpr int workers = 3;

// One way of getting workers ready, and which process they are the children of.
struct start_case {
  std::string name;
  std::function<ready_workers(int)> start;
  std::function<int()> parent;
};

void PrintTo(const start_case& c, std::ostream* out) { *out << c.name; }

std::vector<start_case> start_cases() {
  const auto server = [] { return fork_server_pid(); };
  const auto self = [] { return static_cast<int>(::getpid()); };
  return {
      {"floor_fork_server", [](int count) { return floor_fork_server(count); }, server},
      {"floor_posix_spawn", [](int count) { return floor_posix_spawn(CONCBENCH_TEST_WORKER, count); }, self},
      {"model_start_fork", [](int count) { return model_start(model_kind::processes_fork, count, ""); }, server},
      {"model_start_spawn",
       [](int count) { return model_start(model_kind::processes_spawn, count, CONCBENCH_TEST_WORKER); }, self},
  };
}

class launch_floor : public testing::TestWithParam<start_case> {};

TEST_P(launch_floor, gets_w_workers_ready_and_leaves_nothing_behind) {
  const auto before = take_census();
  {
    auto ready = GetParam().start(workers);
    EXPECT_GT(ready.time_to_ready().count(), 0);
    ASSERT_EQ(ready.pids().size(), static_cast<std::size_t>(workers));
    const std::set<int> distinct(ready.pids().begin(), ready.pids().end());
    EXPECT_EQ(distinct.size(), ready.pids().size());
    const auto children = test::children_of(GetParam().parent());
    for (const int pid : ready.pids()) {
      EXPECT_TRUE(children.count(pid)) << "pid " << pid << " is not a child of " << GetParam().parent();
      EXPECT_EQ(::getpgid(pid), pid) << "pid " << pid << " is not in its own process group";
    }
    ready.stop();
    EXPECT_EQ(take_census(), before) << test::describe(take_census());
    ready.stop();  // twice is harmless
  }
  EXPECT_EQ(take_census(), before) << test::describe(take_census());
}

TEST_P(launch_floor, the_destructor_stops_them_too) {
  const auto before = take_census();
  { const auto ready = GetParam().start(2); }
  EXPECT_EQ(take_census(), before) << test::describe(take_census());
}

INSTANTIATE_TEST_SUITE_P(all, launch_floor, testing::ValuesIn(start_cases()),
                         [](const auto& info) { return info.param.name; });

std::string error_of(const std::function<ready_workers()>& start) {
  try {
    start();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(launch_floor_errors, a_missing_worker_binary_is_named) {
  const auto before = take_census();
  const std::string missing = "/nonexistent/concbench";
  const auto floor = error_of([&] { return floor_posix_spawn(missing, 2); });
  EXPECT_NE(floor.find("'" + missing + "'"), std::string::npos) << floor;
  EXPECT_NE(floor.find("No such file or directory"), std::string::npos) << floor;
  const auto model = error_of([&] { return model_start(model_kind::processes_spawn, 2, missing); });
  EXPECT_NE(model.find("'" + missing + "' is not executable"), std::string::npos) << model;
  EXPECT_EQ(take_census(), before) << test::describe(take_census());
}

TEST(launch_floor_errors, a_binary_that_is_no_concbench_worker_is_named) {
  // /bin/true ignores the worker flags and exits without a hello.
  const auto before = take_census();
  const auto floor = error_of([] { return floor_posix_spawn("/bin/true", 2); });
  EXPECT_NE(floor.find("of '/bin/true'"), std::string::npos) << floor;
  EXPECT_NE(floor.find("before its hello (is the worker binary a concbench build?)"), std::string::npos) << floor;
  const auto model = error_of([] { return model_start(model_kind::processes_spawn, 2, "/bin/true"); });
  EXPECT_NE(model.find("processes-spawn: worker process #"), std::string::npos) << model;
  EXPECT_NE(model.find("before its hello (is the worker binary a concbench build?)"), std::string::npos) << model;
  EXPECT_EQ(take_census(), before) << test::describe(take_census());
}

TEST(launch_floor_errors, bad_arguments_are_refused) {
  EXPECT_THROW(floor_fork_server(0), std::invalid_argument);
  EXPECT_THROW(floor_posix_spawn(CONCBENCH_TEST_WORKER, -1), std::invalid_argument);
  EXPECT_THROW(model_start(model_kind::threads, 2, ""), std::invalid_argument);
  EXPECT_THROW(model_start(model_kind::processes_fork, 0, ""), std::invalid_argument);
}

}  // namespace
}  // namespace concbench
