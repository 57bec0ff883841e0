#pragma once
// The tests' use of the worker's line filter (worker_main.hpp): a test writes a fault into a
// file named by an environment variable, and every worker (forked or spawned) reads it when
// it first sends a line. The file, not the environment, carries the fault, because the fork
// server's environment is fixed when it starts.
//
//   garbage <i>     the reply to task i is not JSON
//   overlong <i>    the reply to task i is a 70,000-byte line
//   unknown-id <i>  the reply to task i carries another id
//   bad-version     the hello announces protocol version 2

#include <string>

namespace concbench::test {

inline constexpr const char* fault_file_variable = "CONCBENCH_TEST_FAULT_FILE";

// Points the variable at a file for this test process (before start_fork_server) and sets
// the filter; the test worker's main calls it too.
void install_fault_filter();

// Writes a fault for the workers started while it lives.
class scoped_fault {
 public:
  explicit scoped_fault(const std::string& spec);
  ~scoped_fault();
  scoped_fault(const scoped_fault&) = delete;
  scoped_fault& operator=(const scoped_fault&) = delete;
};

}  // namespace concbench::test
