#include "runners/process/launch_floor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "runners/process/file_descriptors.hpp"
#include "runners/process/fork_server.hpp"
#include "runners/process/process_pool.hpp"
#include "runners/process/worker_main.hpp"
#include "runners/process/worker_process.hpp"
#include "runners/process/worker_protocol.hpp"

namespace concbench {
namespace {

using clock_type = std::chrono::steady_clock;

// A worker asked to exit (end of file on its pipe) gets this long before it is killed.
constexpr std::chrono::seconds exit_grace{5};

void check_count(int count) {
  if (count < 1) {
    throw std::invalid_argument("cannot start " + std::to_string(count) + " worker processes: at least one is needed");
  }
}

// Reads worker `pid`'s hello from `fd` with the protocol's reader, waiting up to `deadline`
// as a pool does. `what` names the kind of worker in errors; the message is built only then,
// so that a floor spends nothing on it.
void await_hello(int fd, int pid, clock_type::time_point deadline, const std::string& what) {
  const auto who = [&] { return what + " (pid " + std::to_string(pid) + ")"; };
  line_reader reader;
  try {
    for (;;) {
      if (const auto line = reader.next_line()) {
        const auto message = parse_worker_message(*line);
        const auto* hello = std::get_if<hello_message>(&message);
        if (!hello) throw protocol_error("expected the worker's hello first, got: " + quote_line(*line));
        if (hello->pid != pid) {
          throw protocol_error("hello from pid " + std::to_string(hello->pid) + ", but the worker is pid " +
                               std::to_string(pid));
        }
        return;
      }
      // A worker that never speaks must not hang the caller: wait for the pipe, then read.
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock_type::now()).count();
      const int timeout_ms = static_cast<int>(std::clamp<std::int64_t>(left, 0, 60'000));
      pollfd ready{fd, POLLIN, 0};
      int n;
      while ((n = ::poll(&ready, 1, timeout_ms)) < 0 && errno == EINTR) {
      }
      if (n < 0) throw std::system_error(errno, std::generic_category(), "poll");
      if (n == 0) {
        throw std::runtime_error(who() + " sent no hello within " +
                                 std::to_string(process_pool::hello_timeout.count()) +
                                 " s (is the worker binary a concbench build?)");
      }
      if (reader.fill(fd) == 0) {
        throw std::runtime_error(who() +
                                 " closed its pipe before its hello (is the worker binary a "
                                 "concbench build?)");
      }
    }
  } catch (const protocol_error& e) {
    throw std::runtime_error(who() + " broke the protocol: " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// The fork floor.

class forked_workers final : public ready_workers::owner {
 public:
  std::vector<forked_worker> workers;
  bool all_ready = false;  // else something failed: kill at once rather than ask

  ~forked_workers() override {
    for (auto& worker : workers) {
      worker.to_worker.reset();  // end of file: a worker leaves its loop and exits
      worker.from_worker.reset();
    }
    for (const auto& worker : workers) {
      try {
        if (!all_ready || !wait_forked_worker(worker.pid, exit_grace)) {
          kill_forked_worker(worker.pid);
          wait_forked_worker(worker.pid, exit_grace);
        }
      } catch (...) {
        // The fork server has gone; it took its children with it.
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------
// The spawn floor.

class spawned_workers final : public ready_workers::owner {
 public:
  struct child {
    int pid;
    unique_fd to_worker;
    unique_fd from_worker;
  };
  std::vector<child> children;
  bool all_ready = false;

  ~spawned_workers() override {
    for (auto& worker : children) {
      worker.to_worker.reset();
      worker.from_worker.reset();
    }
    const auto deadline = clock_type::now() + (all_ready ? exit_grace : std::chrono::seconds(0));
    for (const auto& worker : children) {
      if (reaped_by(worker.pid, deadline)) continue;
      ::kill(-worker.pid, SIGKILL);
      ::kill(worker.pid, SIGKILL);  // in case it never made it into its own group
      while (::waitpid(worker.pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }

 private:
  // Whether child `pid` has ended and been reaped by `deadline`.
  static bool reaped_by(int pid, clock_type::time_point deadline) {
    for (;;) {
      const pid_t got = ::waitpid(pid, nullptr, WNOHANG);
      if (got == pid) return true;
      if (got < 0 && errno != EINTR) return true;  // not ours any more: reaped elsewhere
      if (clock_type::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
};

// posix_spawn's attributes and file actions, destroyed however the scope ends.
struct spawn_attributes {
  posix_spawnattr_t value;
  spawn_attributes() {
    ::posix_spawnattr_init(&value);
    // Its own process group, as every worker: a kill reaches whatever it starts.
    ::posix_spawnattr_setflags(&value, POSIX_SPAWN_SETPGROUP);
    ::posix_spawnattr_setpgroup(&value, 0);
  }
  ~spawn_attributes() { ::posix_spawnattr_destroy(&value); }
  spawn_attributes(const spawn_attributes&) = delete;
  spawn_attributes& operator=(const spawn_attributes&) = delete;
};

struct spawn_file_actions {
  posix_spawn_file_actions_t value;
  spawn_file_actions() { ::posix_spawn_file_actions_init(&value); }
  ~spawn_file_actions() { ::posix_spawn_file_actions_destroy(&value); }
  spawn_file_actions(const spawn_file_actions&) = delete;
  spawn_file_actions& operator=(const spawn_file_actions&) = delete;
};

// The child's pipe ends are dup2'ed onto 3 and 4 in order; an end already at 3 or 4 would be
// clobbered by the first dup2 (or keep its close-on-exec flag), so such an end moves above both.
// Rare: this process's low descriptors are taken long before any worker starts.
unique_fd above_worker_fds(unique_fd fd) {
  if (fd.get() > std::max(spawned_worker_in_fd, spawned_worker_out_fd)) return fd;
  unique_fd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, std::max(spawned_worker_in_fd, spawned_worker_out_fd) + 1));
  if (!moved) throw std::system_error(errno, std::generic_category(), "fcntl(F_DUPFD_CLOEXEC)");
  return moved;
}

std::vector<int> pids_of(const std::vector<forked_worker>& workers) {
  std::vector<int> pids;
  for (const auto& worker : workers) pids.push_back(worker.pid);
  return pids;
}

// ---------------------------------------------------------------------------------------------
// A model's start: its launcher and the pool, the pool destroyed first (it stops and reaps).

class pool_workers final : public ready_workers::owner {
 public:
  std::unique_ptr<worker_launcher> launcher;
  std::unique_ptr<process_pool> pool;  // declared after the launcher: destroyed before it
};

}  // namespace

ready_workers floor_fork_server(int count) {
  check_count(count);
  auto owner = std::make_unique<forked_workers>();
  const std::string what = "forked worker process";
  const auto start = clock_type::now();
  owner->workers = fork_workers(count);
  const auto deadline = clock_type::now() + process_pool::hello_timeout;
  for (const auto& worker : owner->workers) {
    await_hello(worker.from_worker.get(), worker.pid, deadline, what);
  }
  const auto ready = clock_type::now();
  owner->all_ready = true;
  auto pids = pids_of(owner->workers);
  return ready_workers(ready - start, std::move(pids), std::move(owner));
}

ready_workers floor_posix_spawn(const std::string& executable, int count) {
  check_count(count);
  std::string path = executable.empty() ? "/proc/self/exe" : executable;
  // The command line is built once, outside the time: the floor is the spawn itself.
  std::string flag(worker_flag);
  std::string in_flag = "--in-fd=" + std::to_string(spawned_worker_in_fd);
  std::string out_flag = "--out-fd=" + std::to_string(spawned_worker_out_fd);
  char* const argv[] = {path.data(), flag.data(), in_flag.data(), out_flag.data(), nullptr};
  const spawn_attributes attributes;
  auto owner = std::make_unique<spawned_workers>();
  owner->children.reserve(static_cast<std::size_t>(count));
  const std::string what = "worker process of '" + path + "'";

  const auto start = clock_type::now();
  for (int i = 0; i < count; ++i) {
    auto to_worker = make_pipe();  // close-on-exec: no other spawn inherits them
    auto from_worker = make_pipe();
    const unique_fd child_in = above_worker_fds(std::move(to_worker.read_end));
    const unique_fd child_out = above_worker_fds(std::move(from_worker.write_end));
    spawn_file_actions actions;
    // dup2 clears close-on-exec on the copies at 3 and 4; the originals close at exec.
    ::posix_spawn_file_actions_adddup2(&actions.value, child_in.get(), spawned_worker_in_fd);
    ::posix_spawn_file_actions_adddup2(&actions.value, child_out.get(), spawned_worker_out_fd);
    pid_t pid = -1;
    // glibc reports a failed exec here (and reaps that child itself).
    const int error = ::posix_spawn(&pid, path.c_str(), &actions.value, &attributes.value, argv, environ);
    if (error != 0) {
      throw std::runtime_error("cannot start worker process '" + path + "' with posix_spawn: " + std::strerror(error));
    }
    // The child's ends close here, in this process: its exit then shows as end of file.
    owner->children.push_back({pid, std::move(to_worker.write_end), std::move(from_worker.read_end)});
  }
  const auto deadline = clock_type::now() + process_pool::hello_timeout;
  for (const auto& worker : owner->children) {
    await_hello(worker.from_worker.get(), worker.pid, deadline, what);
  }
  const auto ready = clock_type::now();
  owner->all_ready = true;
  std::vector<int> pids;
  for (const auto& worker : owner->children) pids.push_back(worker.pid);
  return ready_workers(ready - start, std::move(pids), std::move(owner));
}

ready_workers model_start(model_kind model, int count, const std::string& executable) {
  if (!is_process_model(model)) {
    throw std::invalid_argument("model_start times the process models, not " + std::string(to_string(model)));
  }
  check_count(count);
  auto owner = std::make_unique<pool_workers>();
  owner->launcher = model == model_kind::processes_fork ? make_fork_launcher() : make_spawn_launcher(executable);
  const auto start = clock_type::now();
  owner->pool = std::make_unique<process_pool>(*owner->launcher, std::string(to_string(model)));
  owner->pool->launch(count);
  owner->pool->await_ready();
  const auto ready = clock_type::now();
  auto pids = owner->pool->idle_pids();
  return ready_workers(ready - start, std::move(pids), std::move(owner));
}

}  // namespace concbench
