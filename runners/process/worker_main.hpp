#pragma once
// The worker side of the process models. A worker speaks the protocol of worker_protocol.hpp
// on two pipes, runs the blocking form of each task it is sent, and ends only through _exit.
//
// processes-spawn re-executes the binary as `<exe> --concbench-worker --in-fd=3 --out-fd=4`;
// the binary's main must hand such an invocation over before doing anything else:
//
//   int main(int argc, char** argv) {
//     if (concbench::is_worker_invocation(argc, argv)) return concbench::worker_main(argc, argv);
//     concbench::start_fork_server();  // fork_server.hpp; before any thread starts
//     ...
//   }

#include <functional>
#include <string>

#include "workloads/task.hpp"

namespace concbench {

inline constexpr const char* worker_flag = "--concbench-worker";
// The descriptors a re-executed worker finds its pipe ends under unless told otherwise: every
// launcher of a spawned worker (spawn_launcher.cpp, the posix_spawn floor in launch_floor.cpp)
// places them there.
inline constexpr int spawned_worker_in_fd = 3;
inline constexpr int spawned_worker_out_fd = 4;

// True when argv[1] is worker_flag.
bool is_worker_invocation(int argc, char** argv);

// Runs the worker loop on the descriptors named by --in-fd/--out-fd (default 3 and 4) and
// leaves through _exit: 0 once the parent closes the pipe, non-zero when the protocol broke or
// the command line is wrong. Never returns; the int only lets main write `return worker_main(...)`.
[[noreturn]] int worker_main(int argc, char** argv);

// The loop itself, shared by spawned workers and the ones the fork server forks. Closes every
// other descriptor, resets signals, and leaves through _exit.
[[noreturn]] void run_worker_and_exit(int in_fd, int out_fd);

// Test seam, unset in concbench itself: when set, every line a worker would send (without its
// newline) goes through this filter, with the task it answers (nullptr for the hello and fatal
// lines), and the worker writes whatever bytes the filter returns, unchecked. Tests use it to
// make a worker send a malformed, over-long or mislabelled line. Set it before
// start_fork_server() (forked workers inherit it) or in a test worker's main.
using worker_line_filter = std::function<std::string(const std::string& line, const task_spec* task)>;
void set_worker_line_filter(worker_line_filter filter);

}  // namespace concbench
