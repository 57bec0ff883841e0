#pragma once
// The fork server (docs/design.md "Processes"): a small single-threaded helper process, forked
// once from main before any other thread exists, that forks every worker of processes-fork on
// request. The measuring process never forks itself, so a worker never inherits its threads,
// locks or heap. The workers are the server's children: it reaps them and reports each one's
// wait status and wait4 usage back; their pipe ends reach the measuring process over the
// server's Unix-domain socket (SCM_RIGHTS). When the measuring process ends, however it ends,
// the server sees end of file on that socket, kills and reaps its workers, and exits.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "runners/process/file_descriptors.hpp"
#include "runners/process/process_exit.hpp"

namespace concbench {

// Starts the fork server. Call it first thing in main (after the worker-mode check,
// worker_main.hpp), before Google Benchmark, Asio or anything else starts a thread: it throws
// std::logic_error when other threads already run, since a fork of a threaded process can
// inherit a lock held forever. Calling it again does nothing. It also raises RLIMIT_NOFILE to
// its hard limit and makes this process ignore SIGPIPE (a dead worker must show up as EPIPE,
// not kill the measuring process); the server and its workers inherit both. Throws
// std::system_error when the socket or the fork fails.
void start_fork_server();
// Tells the server to go (it kills and reaps its workers) and reaps it, SIGKILLing it if it has
// not exited within 5 s. If the server had died during the run, every child this process still
// has is taken for a worker it left behind, and killed and reaped: call it last, once nothing
// else this process started is running. Also what happens when the process ends by returning from main or by
// std::exit: the server is never left a zombie. No other thread may be using the server (but
// stop_fork_server_at_once may run meanwhile). Calling it again, or before
// start_fork_server(), does nothing; it cannot be started again.
void stop_fork_server();
// The same from any thread, taking no lock, waiting at most 2 s before the SIGKILL: for a
// process about to _exit (the second Ctrl-C) while other threads may still use the server.
void stop_fork_server_at_once() noexcept;
bool fork_server_running();
// How the fork server ended when it died on its own during the run ("the fork server (pid 812)
// was killed by signal SIGKILL (9)"), once that was noticed; nullopt while it runs, and after
// stop_fork_server(). Its workers are then killed and reaped directly (this process is their
// subreaper), and every later fork fails with fork_server_gone.
std::optional<std::string> fork_server_lost();

// Thrown by every fork once the server has died; what() is fork_server_lost()'s text.
class fork_server_gone : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
int fork_server_pid();  // -1 before start_fork_server()

struct forked_worker {
  int pid = -1;
  unique_fd to_worker;    // the parent writes tasks here
  unique_fd from_worker;  // and reads replies here
};

// Forks `count` workers that run run_worker_and_exit() (worker_main.hpp), each in its own
// process group. All or none: on failure it kills and reaps the ones that started and throws
// std::runtime_error naming the cause (server not started or gone, fork's errno). Thread-safe.
std::vector<forked_worker> fork_workers(int count);

// A job of a higher layer's (a scenario's participant) that a forked worker runs instead of the
// task loop. The server knows nothing of it: it copies the
// job and the descriptors into a new child and calls the registered entry point there.
inline constexpr std::size_t forked_job_payload_bytes = 64;
// At most this many descriptors go along with one job.
inline constexpr std::size_t max_forked_job_fds = 4;

struct forked_job {
  std::uint32_t kind = 0;  // what the payload holds, in the entry point's own numbering
  alignas(std::uint64_t) std::byte payload[forked_job_payload_bytes] = {};
};
static_assert(std::is_trivially_copyable_v<forked_job>, "a job travels as bytes over the server's socket");

// Runs a job in its freshly forked child, with the child's copies of the request's descriptors
// in request order, and leaves through _exit (should it return, the child exits with status 70).
using forked_job_entry = void (*)(const forked_job& job, std::span<const int> fds);

// Registers the one entry point for forked jobs. The server is a copy of this process made by
// start_fork_server(), so the entry must be registered before that: the layer that forks jobs
// does it from a static initialiser, which runs before main. Registering the
// same entry again does nothing; std::logic_error for another entry, or once the server runs.
void register_forked_job_entry(forked_job_entry entry);

// The descriptors are the caller's, borrowed: they travel to the server over its socket
// (SCM_RIGHTS), so the worker gets what the measuring process created after the server started
// (a memfd, a pipe end); the server's copies close once the worker is forked, the caller's stay
// the caller's to close.
struct forked_job_request {
  forked_job job;
  std::vector<int> fds;  // at most max_forked_job_fds
};

// Forks one worker per request, each in its own process group, that runs the registered entry
// point, and returns their pids in request order. All or none, like fork_workers;
// std::invalid_argument for a request with more than max_forked_job_fds descriptors,
// std::logic_error when no entry point is registered. Reap them with wait_forked_worker.
// Thread-safe.
std::vector<int> fork_jobs(std::span<const forked_job_request> requests);

// SIGKILL to the worker's process group, sent by the server, which alone knows whether that
// pid is still its unreaped child: a pid the system has reused is never hit.
void kill_forked_worker(int pid);

// How the worker ended, once the server has reaped it; nullopt when that has not happened
// within `timeout` (zero: just look). Each worker's end is reported once.
std::optional<process_exit> wait_forked_worker(int pid, std::chrono::milliseconds timeout);

}  // namespace concbench
