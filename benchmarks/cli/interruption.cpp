#include "benchmarks/cli/interruption.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string_view>
#include <system_error>

#include "runners/process/fork_server.hpp"

namespace concbench {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Async-signal-safe is not needed here (this is an ordinary thread), but the message must get
// out even when stdout is a pipe that nobody reads: write(2) to stderr, unbuffered.
void say(std::string_view text) {
  [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, text.data(), text.size());
}

}  // namespace

interruption::interruption() {
  const sigset_t set = stop_signals();
  if (const int error = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); error != 0) {
    throw std::system_error(error, std::generic_category(), "pthread_sigmask");
  }
  waiter_ = std::thread([this] { wait_for_signals(); });
}

interruption::~interruption() {
  closing_ = true;
  // Wakes sigwait with a signal it takes; `closing_` says it is not the user's.
  ::pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
}

std::string interruption::signal_name() const {
  switch (signal()) {
    case 0:
      return "";
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(signal());
  }
}

void interruption::wait_for_signals() {
  const sigset_t set = stop_signals();
  for (int taken = 0;;) {
    int sig = 0;
    if (::sigwait(&set, &sig) != 0) continue;
    if (closing_) return;
    if (++taken == 1) {
      signal_ = sig;
      say(std::string("\nconcbench: ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
          ": stopping the running entry; the entries left are marked interrupted and the report keeps "
          "everything measured so far (send it again to quit at once)\n");
      stop_.request_stop();
    } else {
      std::string note;
      {
        std::lock_guard lock(quit_note_mutex_);
        note = quit_note_.empty() ? std::string("the report was not written") : quit_note_;
      }
      say("\nconcbench: second signal: quitting now; " + note + "\n");
      // The fork server is told to go (it takes its workers along) and reaped, so that it is
      // not left a zombie; the http server's lifeline pipe closes with this process.
      stop_fork_server_at_once();
      ::_exit(128 + signal_.load());
    }
  }
}

}  // namespace concbench
