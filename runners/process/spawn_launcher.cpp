// processes-spawn's launcher: Boost.Process v1 re-executes a concbench binary in worker mode.
// It uses the vfork launcher, the cheapest v1 launcher that works (docs/pitfalls.md
// "Boost.Process 1.81"; the build defines BOOST_POSIX_HAS_VFORK=1): a plain fork would copy
// the measuring process's page tables, a cost that grows with its resident memory. In the
// vforked child only async-signal-safe calls run (dup2, fcntl, setpgid): it shares the
// parent's memory.

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/posix.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "runners/process/worker_main.hpp"
#include "runners/process/worker_process.hpp"

namespace concbench {
namespace {

namespace bp = boost::process;

// glibc 2.36's <sys/pidfd.h> declares pidfd_open without extern "C", so C++ cannot link it;
// the system call is used directly. -1 (no pidfd: wait() polls instead) on kernels before 5.3.
int open_pidfd(int pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

class spawned_process final : public worker_process {
 public:
  spawned_process(int pid, unique_fd to_worker, unique_fd from_worker)
      // A pidfd lets wait() sleep in poll() with a time-out instead of polling waitpid.
      : worker_process(pid, std::move(to_worker), std::move(from_worker)), pidfd_(open_pidfd(pid)) {}

  ~spawned_process() override {
    if (exit_) return;
    close_pipes();
    kill();
    wait(std::chrono::hours(1));  // SIGKILL cannot be refused: this returns at once
  }

  void kill() override {
    if (exit_) return;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);  // in case it never made it into its own group
  }

  std::optional<process_exit> wait(std::chrono::milliseconds timeout) override {
    if (exit_) return exit_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      process_exit exit;
      pid_t got;
      while ((got = ::wait4(pid_, &exit.status, WNOHANG, &exit.usage)) < 0 && errno == EINTR) {
      }
      if (got == pid_) {
        exit_ = exit;
        pidfd_.reset();
        return exit_;
      }
      if (got < 0) {
        // Someone else reaped it (a waitpid(-1) elsewhere in the program): the status is lost.
        exit_ = process_exit{process_exit::unknown_status, {}};
        pidfd_.reset();
        return exit_;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      if (pidfd_) {
        pollfd ready{pidfd_.get(), POLLIN, 0};
        ::poll(&ready, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1'000'000)));
      } else {
        std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(1)));
      }
    }
  }

 private:
  unique_fd pidfd_;
  std::optional<process_exit> exit_;
};

class spawn_launcher final : public worker_launcher {
 public:
  explicit spawn_launcher(std::string executable)
      : executable_(executable.empty() ? "/proc/self/exe" : std::move(executable)) {}

  std::vector<std::unique_ptr<worker_process>> launch(int count) override {
    // Boost.Process cannot tell a missing binary from a failed exec without leaving the
    // child unreaped; say what is wrong before trying.
    if (::access(executable_.c_str(), X_OK) != 0) {
      throw std::runtime_error("cannot start worker processes: '" + executable_ + "' is not executable (" +
                               std::strerror(errno) + ")");
    }
    std::vector<std::unique_ptr<worker_process>> processes;
    processes.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) processes.push_back(spawn_one());
    return processes;  // on a throw, the destructors kill and reap the ones started
  }

 private:
  std::unique_ptr<worker_process> spawn_one() {
    auto to_worker = make_pipe();
    auto from_worker = make_pipe();
    const int child_in = to_worker.read_end.get();
    const int child_out = from_worker.write_end.get();
    std::error_code error;
    bp::child child(
        bp::exe = executable_,
        bp::args = {std::string(worker_flag), "--in-fd=" + std::to_string(spawned_worker_in_fd),
                    "--out-fd=" + std::to_string(spawned_worker_out_fd)},
        bp::extend::on_exec_setup =
            [child_in, child_out](auto&) {
              // Move both ends above 4 first, so that placing one cannot clobber the other;
              // dup2 clears close-on-exec on the copies at 3 and 4, the originals close at exec.
              const int in = ::fcntl(child_in, F_DUPFD_CLOEXEC, 5);
              const int out = ::fcntl(child_out, F_DUPFD_CLOEXEC, 5);
              if (in < 0 || out < 0 || ::dup2(in, spawned_worker_in_fd) < 0 || ::dup2(out, spawned_worker_out_fd) < 0)
                ::_exit(127);
              ::setpgid(0, 0);
            },
        bp::posix::use_vfork, error);
    if (error) {
      throw std::system_error(error, "cannot start worker process '" + executable_ + "'");
    }
    const int pid = child.id();
    child.detach();       // reaped by spawned_process with wait4, which also gives the usage
    ::setpgid(pid, pid);  // usually done already by the child; harmless (EACCES) after its exec
    return std::make_unique<spawned_process>(pid, std::move(to_worker.write_end), std::move(from_worker.read_end));
  }

  std::string executable_;
};

}  // namespace

std::unique_ptr<worker_launcher> make_spawn_launcher(std::string executable) {
  return std::make_unique<spawn_launcher>(std::move(executable));
}

}  // namespace concbench
