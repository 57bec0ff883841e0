#pragma once
// When the OS refuses a thread or a process (EAGAIN), the message names the limit that was hit
// and its value, so the user knows what to raise: RLIMIT_NPROC (`ulimit -u`, which counts the
// user's threads and processes and does not bind root), the cgroup's pids.max, the kernel's
// threads-max and pid_max (system-wide). Also the test-only seam that makes the next creations
// fail, since root, which CI runs as, is not bound by `ulimit -u`.

#include <string>
#include <system_error>

namespace concbench {

enum class os_resource { thread, process };

// "could not start ...: Resource temporarily unavailable; limits: ulimit -u (RLIMIT_NPROC) 30
// for uid 65534 (bound), which has 30 threads and processes; cgroup pids.max max; ..."
// For other errors, just the error's message.
std::string explain_refusal(const std::system_error& error, os_resource what);

// Throws std::system_error(EAGAIN) as the OS would, when a test asked for refusals
// (refuse_after_for_tests) and this creation is one of them. Every site that creates a
// thread or a worker process calls it first.
void check_injected_refusal(os_resource what);

// Test-only: the first `allowed` creations of `what` succeed, every later one is refused, until
// reset (allowed < 0 turns refusals off).
void refuse_after_for_tests(os_resource what, int allowed);

}  // namespace concbench
