#pragma once
// Lets this process open as many files and sockets as it is allowed to: a coroutine batch of
// 1,000 requests in flight needs 1,000 sockets, more than a login shell's usual soft limit of
// 1,024 leaves after the process's other descriptors.

namespace concbench {

// Raises the soft RLIMIT_NOFILE to the hard one; returns the soft limit now in force.
// Never fails: when the limit cannot be changed the old one is returned.
long raise_open_file_limit();

}  // namespace concbench
