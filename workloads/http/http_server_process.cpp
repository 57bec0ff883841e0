#include "workloads/http/http_server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "workloads/http/http_quote.hpp"

namespace concbench {
namespace {

namespace bp = boost::process;
using clock_type = std::chrono::steady_clock;

// waitpid until `deadline`; true once reaped. Polls every millisecond: a server stops in a few.
bool reap_until(int pid, clock_type::time_point deadline, int& status) {
  for (;;) {
    const int got = ::waitpid(pid, &status, WNOHANG);
    if (got == pid) return true;
    if (got < 0 && errno != EINTR) {
      status = 0;  // not our child any more (reaped elsewhere): nothing is left to wait for
      return true;
    }
    if (clock_type::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = ::sigabbrev_np(WTERMSIG(status));
    return std::string("killed by ") +
           (name ? std::string("SIG") + name : "signal " + std::to_string(WTERMSIG(status)));
  }
  return "wait status " + std::to_string(status);
}

http_server_process::http_server_process(http_server_process_options options) : options_(std::move(options)) {
  const std::string executable = options_.executable.empty() ? "/proc/self/exe" : options_.executable;
  // Boost.Process cannot tell a missing binary from a failed exec without a child to reap.
  if (::access(executable.c_str(), X_OK) != 0) {
    throw std::runtime_error("cannot start the http server: '" + executable + "' is not executable (" +
                             std::strerror(errno) + ")");
  }
  // Close-on-exec pipes: another thread's child must not inherit an end, or EOF would never
  // come (on the URL line when the server dies; on the server's stdin when we die). dup2 onto
  // the child's stdin and stdout clears the flag in the child.
  int out_fds[2];
  if (::pipe2(out_fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  bp::pipe out(out_fds[0], out_fds[1]);
  int in_fds[2];
  if (::pipe2(in_fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  bp::pipe in(in_fds[0], in_fds[1]);
  options_.server.stop_on_stdin_eof = true;
  std::vector<std::string> arguments = options_.command;
  for (auto& argument : serve_arguments(options_.server)) arguments.push_back(std::move(argument));

  std::error_code error;
  bp::child child(bp::exe = executable, bp::args = arguments, bp::std_out > out, bp::std_in < in, error);
  if (error || !child.valid()) {
    if (child.valid()) child.wait(error);
    throw std::runtime_error("cannot start the http server '" + executable + "': " + error.message());
  }
  pid_ = child.id();
  child.detach();  // this class waits for it; the child object must not also kill or wait
  try {
    read_url(executable, out.native_source(), in.native_sink());
  } catch (...) {
    stop();  // a constructor that throws gets no destructor: reap here
    throw;
  }
}

void http_server_process::read_url(const std::string& executable, int stdout_source, int stdin_sink) {
  // Our own close-on-exec copies: the pipe objects close theirs when they go.
  output_ = ::fcntl(stdout_source, F_DUPFD_CLOEXEC, 0);
  lifeline_ = ::fcntl(stdin_sink, F_DUPFD_CLOEXEC, 0);
  if (output_ < 0 || lifeline_ < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot keep the http server's pipes");
  }

  // The URL line, with a time-out: a server that hangs before printing must not hang us.
  const auto deadline = clock_type::now() + options_.start_timeout;
  std::string line;
  std::string failure;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) {
      failure = "printed no URL within " + std::to_string(options_.start_timeout.count()) + " ms";
      break;
    }
    pollfd ready{output_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno != EINTR) {
      failure = std::string("poll failed: ") + std::strerror(errno);
      break;
    }
    if (polled <= 0) continue;
    char chunk[256];
    const auto got = ::read(output_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      failure = "ended before printing its URL";
      break;
    }
    line.append(chunk, static_cast<std::size_t>(got));
    if (const auto newline = line.find('\n'); newline != std::string::npos) {
      url_ = line.substr(0, newline);
      break;
    }
    if (line.size() > 4096) {
      failure = "printed a line that is not a URL";
      break;
    }
  }
  if (url_.empty() || !url_.starts_with("http://")) {
    if (failure.empty()) failure = "printed '" + quote_text(url_) + "' instead of its URL";
    const int status = stop();
    // An exit status says more than "ended": e.g. "cannot listen" comes with status 1.
    throw std::runtime_error("the http server (" + executable + ", pid " + std::to_string(pid_) + ") " + failure +
                             "; it " + describe_wait_status(status));
  }
}

http_server_process::~http_server_process() { stop(); }

int http_server_process::stop() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!reap_until(pid_, clock_type::now() + options_.stop_timeout, wait_status_)) {
      ::kill(pid_, SIGKILL);  // cannot be refused: the blocking wait below returns at once
      while (::waitpid(pid_, &wait_status_, 0) < 0 && errno == EINTR) {
      }
    }
    reaped_ = true;
  }
  for (int* fd : {&output_, &lifeline_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  return wait_status_;
}

}  // namespace concbench
