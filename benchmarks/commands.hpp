#pragma once
// What main hands each command to, once it has told them apart: `serve`, --list, and the run
// of the suite. (A spawned worker goes to worker_main, runners/process/worker_main.hpp.)

#include <string>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"

namespace concbench {

// `concbench serve ...`: the http server alone, so client and server can be on two machines.
// `args`: the arguments after "serve".
int serve_command(const std::vector<std::string>& args);

// --list: the selected entries' names and the run's estimate, with nominal constants (no
// calibration, nothing measured).
int list_command(const cli_options& options);

// The run: calibrates this machine, registers one Google Benchmark entry per selected
// (workload, model, settings), runs them with concbench's collector and says where the report
// is. `command_line`: argv, recorded in the report. Needs the fork server started.
int run_command(cli_options options, const std::vector<std::string>& command_line);

// Tells the fork server to go and reaps it when it goes out of scope (stop_fork_server()).
struct fork_server_stopper {
  fork_server_stopper() = default;
  fork_server_stopper(const fork_server_stopper&) = delete;
  fork_server_stopper& operator=(const fork_server_stopper&) = delete;
  ~fork_server_stopper();
};

}  // namespace concbench
