#pragma once
// The first thing every worker process does, forked (a pool worker, a scenario worker) or
// spawned: drop what it inherited from its parent, so that nothing of the parent's survives
// into its own work.

#include <span>

namespace concbench {

// Closes every descriptor from 3 up except those in `keep` (other workers' pipe ends, sockets),
// points stdin and stdout at /dev/null unless kept, empties the signal mask, restores the
// default action of SIGINT, SIGTERM, SIGCHLD, SIGHUP and SIGQUIT, ignores SIGPIPE (a vanished
// reader is EPIPE, so the process still leaves through _exit like every other way out) and
// names the process `name` (at most 15 characters: ps and top show it). Allocation-free, so a
// freshly forked child of a threaded process may call it too.
void reset_child_process(std::span<const int> keep, const char* name) noexcept;

}  // namespace concbench
