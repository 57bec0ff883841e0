// The fork server on its own: it forks, reports how its children end, and does not outlive the
// process it serves.

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "runners/process/fork_server.hpp"
#include "runners/process/worker_process.hpp"
#include "runners/process/worker_protocol.hpp"
#include "tests/runners/process/process_census.hpp"

namespace concbench {
namespace {

namespace bp = boost::process;

TEST(fork_server, starting_it_again_changes_nothing) {
  const int pid = fork_server_pid();
  ASSERT_GT(pid, 0);
  start_fork_server();
  EXPECT_EQ(fork_server_pid(), pid);
}

TEST(fork_server, refuses_to_start_in_a_threaded_process) {
  // In another process, so this one's server is left alone.
  bp::ipstream out;
  bp::child helper(CONCBENCH_TEST_WORKER, "--fork-server-after-a-thread", bp::std_out > out);
  std::string message;
  std::getline(out, message);
  helper.wait();
  EXPECT_EQ(helper.exit_code(), 0);
  // Two threads: the helper's main and the one it started (ThreadSanitizer adds one of its own).
  EXPECT_TRUE(message.starts_with("start_fork_server() must run before any thread starts, but ") &&
              message.find(" threads are running") != std::string::npos)
      << message;
}

TEST(fork_server, forks_workers_and_reports_how_they_end) {
  const auto before = test::take_census();
  {
    auto workers = fork_workers(3);
    ASSERT_EQ(workers.size(), 3u);
    for (auto& worker : workers) {
      // Each says hello on its own pipe, in its own process group.
      line_reader reader;
      const auto hello = read_line(worker.from_worker.get(), reader);
      ASSERT_TRUE(hello);
      EXPECT_EQ(std::get<hello_message>(parse_worker_message(*hello)).pid, worker.pid);
      EXPECT_EQ(::getpgid(worker.pid), worker.pid);
    }
    EXPECT_EQ(test::children_of(fork_server_pid()).size(), 3u);
    // Closing its pipe lets a worker exit cleanly; a killed one is reported as killed.
    workers[0].to_worker.reset();
    const auto clean = wait_forked_worker(workers[0].pid, std::chrono::seconds(10));
    ASSERT_TRUE(clean);
    EXPECT_TRUE(clean->clean()) << clean->describe();
    kill_forked_worker(workers[1].pid);
    const auto killed = wait_forked_worker(workers[1].pid, std::chrono::seconds(10));
    ASSERT_TRUE(killed);
    EXPECT_EQ(killed->describe(), "was killed by signal SIGKILL (9)");
    EXPECT_EQ(wait_forked_worker(workers[2].pid, std::chrono::milliseconds(0)),
              std::nullopt);  // still running
    workers[2].to_worker.reset();
    EXPECT_TRUE(wait_forked_worker(workers[2].pid, std::chrono::seconds(10)));
  }
  EXPECT_EQ(test::take_census(), before) << test::describe(test::take_census());
}

// What each of a process's descriptors points at.
std::map<int, std::string> descriptors_of(int pid) {
  std::map<int, std::string> fds;
  const std::filesystem::path dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    fds[std::stoi(entry.path().filename().string())] = std::filesystem::read_symlink(entry.path()).string();
  }
  return fds;
}

TEST(workers, hold_only_their_own_descriptors) {
  // stdin and stdout on /dev/null, stderr kept for last words, and the two pipe ends; nothing
  // of the measuring process's or the fork server's.
  auto fork = make_fork_launcher();
  auto spawn = make_spawn_launcher(CONCBENCH_TEST_WORKER);
  for (auto* launcher : {fork.get(), spawn.get()}) {
    auto workers = launcher->launch(2);
    for (auto& worker : workers) {
      line_reader reader;
      ASSERT_TRUE(read_line(worker->from_worker(), reader));  // set up once it has said hello
      const auto fds = descriptors_of(worker->pid());
      ASSERT_EQ(fds.size(), 5u) << "pid " << worker->pid();
      EXPECT_EQ(fds.at(0), "/dev/null");
      EXPECT_EQ(fds.at(1), "/dev/null");
      int pipes = 0;
      for (const auto& [fd, target] : fds) pipes += fd > 2 && target.rfind("pipe:", 0) == 0;
      EXPECT_EQ(pipes, 2);
    }
  }
}

bool gone_or_zombie(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return true;
  const auto state = text.find(") ");
  return state != std::string::npos && text[state + 2] == 'Z';
}

TEST(fork_server, kills_its_workers_and_exits_when_its_process_dies) {
  // The test worker binary plays a measuring process: it starts a fork server, forks a worker,
  // prints both pids and waits. It dies by SIGKILL, so it cleans nothing up itself. As a
  // subreaper this test inherits the orphaned server and sees how it ends.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  bp::ipstream out;
  bp::child parent(CONCBENCH_TEST_WORKER, "--orphan-fork-server", bp::std_out > out);
  int server = 0;
  int worker = 0;
  ASSERT_TRUE(out >> server >> worker);
  ASSERT_GT(server, 0);
  ASSERT_GT(worker, 0);
  EXPECT_FALSE(gone_or_zombie(worker));
  ::kill(parent.id(), SIGKILL);
  parent.wait();
  int status = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (::waitpid(server, &status, WNOHANG) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "fork server wait status " << status;
  EXPECT_TRUE(gone_or_zombie(worker));
  EXPECT_TRUE(gone_or_zombie(server));
}

}  // namespace
}  // namespace concbench
