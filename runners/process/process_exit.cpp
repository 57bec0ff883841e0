#include "runners/process/process_exit.hpp"

#include <sys/wait.h>

#include <cstring>

namespace concbench {

bool process_exit::clean() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string describe_signal(int signal) {
  if (const char* name = ::sigabbrev_np(signal)) return "SIG" + std::string(name) + " (" + std::to_string(signal) + ")";
  return "signal " + std::to_string(signal);
}

std::string process_exit::describe() const {
  if (!known()) return "ended, but something else in this program reaped it, so its exit status is unknown";
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + describe_signal(WTERMSIG(status)) + (WCOREDUMP(status) ? ", core dumped" : "");
  }
  return "ended with wait status " + std::to_string(status);
}

}  // namespace concbench
