// Like concbench's main: the worker-mode check, then the fork server, before anything starts a
// thread (GoogleTest starts none).

#include <gtest/gtest.h>

#include "runners/process/fork_server.hpp"
#include "runners/process/worker_main.hpp"
#include "tests/runners/process/test_fault_filter.hpp"

int main(int argc, char** argv) {
  if (concbench::is_worker_invocation(argc, argv)) return concbench::worker_main(argc, argv);
  concbench::test::install_fault_filter();  // before the fork server: its workers inherit it
  concbench::start_fork_server();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
