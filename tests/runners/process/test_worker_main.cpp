// The worker binary processes-spawn re-executes in the tests (run_settings::worker_executable),
// with the tests' fault filter. With --orphan-fork-server it instead plays a measuring process
// that dies: it starts a fork server, forks one worker, prints both pids and waits to be killed.
// With --fork-server-after-a-thread it prints why the fork server refuses to start late.

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "runners/process/fork_server.hpp"
#include "runners/process/worker_main.hpp"
#include "tests/runners/process/test_fault_filter.hpp"

int main(int argc, char** argv) {
  concbench::test::install_fault_filter();
  if (concbench::is_worker_invocation(argc, argv)) return concbench::worker_main(argc, argv);
  if (argc == 2 && std::strcmp(argv[1], "--orphan-fork-server") == 0) {
    concbench::start_fork_server();
    const auto workers = concbench::fork_workers(1);
    std::printf("%d %d\n", concbench::fork_server_pid(), workers.front().pid);
    std::fflush(stdout);
    for (;;) ::pause();
  }
  if (argc == 2 && std::strcmp(argv[1], "--fork-server-after-a-thread") == 0) {
    std::jthread idle([] { ::pause(); });
    try {
      concbench::start_fork_server();
    } catch (const std::logic_error& e) {
      std::printf("%s\n", e.what());
      std::fflush(stdout);
      ::_exit(0);  // the idle thread never ends
    }
    ::_exit(1);
  }
  std::fprintf(stderr, "concbench_test_worker: started only by the process tests\n");
  return 2;
}
