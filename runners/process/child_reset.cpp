#include "runners/process/child_reset.hpp"

#include <sys/prctl.h>

#include <csignal>

#include "runners/process/file_descriptors.hpp"

namespace concbench {

void reset_child_process(std::span<const int> keep, const char* name) noexcept {
  close_fds_except(keep);
  detach_stdin_stdout(keep);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const int sig : {SIGINT, SIGTERM, SIGCHLD, SIGHUP, SIGQUIT}) std::signal(sig, SIG_DFL);
  std::signal(SIGPIPE, SIG_IGN);
  ::prctl(PR_SET_NAME, name, 0, 0, 0);
}

}  // namespace concbench
