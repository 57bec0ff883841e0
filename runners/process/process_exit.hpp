#pragma once
// How a worker process ended, as wait4(2) tells its parent: the status and the process's own
// resource use.

#include <sys/resource.h>

#include <string>

namespace concbench {

struct process_exit {
  // The status of a process someone else reaped first (a waitpid(-1) elsewhere, SIGCHLD
  // ignored): nothing is known about how it ended.
  static constexpr int unknown_status = -1;

  int status = 0;    // as from wait4: decode with WIFEXITED/WIFSIGNALED
  ::rusage usage{};  // CPU time, peak RSS and context switches of that process alone

  bool known() const { return status != unknown_status; }
  bool clean() const;  // exited with status 0
  // "exited with status 3", "was killed by signal SIGSEGV (11)": what error messages say.
  std::string describe() const;
};

// "SIGSEGV (11)", or "signal 77" for one without a name.
std::string describe_signal(int signal);

}  // namespace concbench
