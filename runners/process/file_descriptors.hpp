#pragma once
// Owning file descriptors and the few descriptor chores the process models share: pipes that
// are close-on-exec from birth (so no other thread's spawn inherits them), closing what a
// worker must not hold, and how many descriptors are in use against the limit.

#include <span>
#include <string>
#include <utility>

namespace concbench {

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

struct pipe_ends {
  unique_fd read_end;
  unique_fd write_end;
};

// Both ends close-on-exec. Throws std::system_error; out of descriptors (EMFILE), it says how
// many are open against the limit.
pipe_ends make_pipe();

// "64 of 64 descriptors in use (ulimit -n)": this process's open descriptors and its soft
// RLIMIT_NOFILE, for messages about running out of them.
std::string descriptors_in_use();
// Whether this process is within `margin` descriptors of its limit.
bool out_of_descriptors(int margin = 2);

// Throws std::system_error naming `what` when fcntl fails.
void set_nonblocking(int fd);

// Closes every descriptor from 3 up except those in `keep` (at most 8). Async-signal-safe and
// allocation-free, so a freshly forked child may call it.
void close_fds_except(std::span<const int> keep) noexcept;

// Points descriptors 0 and 1 at /dev/null, unless they are in `keep`: a helper process keeps
// no hold on the measuring process's stdin and stdout (a reader of concbench's output must see
// end of file when concbench ends; a stray print must not land in its report). Stderr stays.
void detach_stdin_stdout(std::span<const int> keep) noexcept;

}  // namespace concbench
