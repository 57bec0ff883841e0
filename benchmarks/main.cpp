// concbench: tells the commands apart and hands each to its function (benchmarks/commands.hpp):
// a spawned worker, `serve`, --help, --list, or the run of the suite.

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "benchmarks/cli/cli_options.hpp"
#include "benchmarks/commands.hpp"
#include "runners/process/fork_server.hpp"
#include "runners/process/worker_main.hpp"

int main(int argc, char** argv) {
  using namespace concbench;
  // A spawned worker (processes-spawn) is this binary re-executed: hand it over at once.
  if (is_worker_invocation(argc, argv)) return worker_main(argc, argv);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "serve") return serve_command({args.begin() + 1, args.end()});
  // A file size limit (ulimit -f) must fail a write with EFBIG, which concbench reports, not
  // kill the process halfway through a run.
  std::signal(SIGXFSZ, SIG_IGN);
  // Before anything starts a thread: every worker of processes-fork is forked from this
  // single-threaded helper, never from the measuring process (docs/design.md "Processes").
  try {
    start_fork_server();
  } catch (const std::exception& e) {
    std::cerr << "concbench: cannot start the fork server: " << e.what() << "\n";
    return 1;
  }
  // Whichever way main returns (a finished run, exit status 2, an interrupted run), the fork
  // server is told to go and reaped, once everything that may use it has ended.
  const fork_server_stopper stop_forks_at_exit;
  cli_options options;
  try {
    options = parse_cli(args);
  } catch (const std::exception& e) {
    std::cerr << "concbench: " << e.what() << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << help_text();
    return 0;
  }
  if (options.list) return list_command(options);
  return run_command(std::move(options), std::vector<std::string>(argv, argv + argc));
}
