#include "runners/process/file_descriptors.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <filesystem>
#include <string>
#include <system_error>

namespace concbench {

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

namespace {
// -1 when /proc/self/fd cannot be read, as happens when no descriptor is left to read it with.
long open_descriptors() {
  std::error_code error;
  std::filesystem::directory_iterator it("/proc/self/fd", error);
  if (error) return -1;
  long count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) return -1;
    ++count;
  }
  return count > 0 ? count - 1 : count;  // less the iterator's own
}

long descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
  return static_cast<long>(limit.rlim_cur);
}
}  // namespace

std::string descriptors_in_use() {
  const long limit = descriptor_limit();
  const long open = open_descriptors();
  const std::string of = limit < 0 ? std::string("unlimited") : std::to_string(limit);
  if (open < 0) return "all " + of + " descriptors in use (ulimit -n)";
  return std::to_string(open) + " of " + of + " descriptors in use (ulimit -n)";
}

bool out_of_descriptors(int margin) {
  const long limit = descriptor_limit();
  const long open = open_descriptors();
  return limit >= 0 && (open < 0 || open + margin >= limit);
}

pipe_ends make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    const int error = errno;
    if (error == EMFILE)
      throw std::system_error(error, std::generic_category(), "pipe2 (" + descriptors_in_use() + ")");
    throw std::system_error(error, std::generic_category(), "pipe2");
  }
  return {unique_fd(fds[0]), unique_fd(fds[1])};
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "fcntl(O_NONBLOCK)");
  }
}

namespace {
// close_range(2) when the kernel has it (5.9+), else one close() per possible descriptor.
void close_between(unsigned first, unsigned last) noexcept {
  if (first > last) return;
  if (::close_range(first, last, 0) == 0) return;
  long limit = ::sysconf(_SC_OPEN_MAX);
  if (limit < 0) limit = 65536;
  for (unsigned fd = first; fd <= last && fd < static_cast<unsigned long>(limit); ++fd) ::close(static_cast<int>(fd));
}
}  // namespace

void close_fds_except(std::span<const int> keep) noexcept {
  // Sort a copy on the stack (insertion sort: no allocation after fork).
  int sorted[8];
  std::size_t count = 0;
  for (const int fd : keep) {
    if (fd < 3 || count == 8) continue;
    std::size_t at = count++;
    while (at > 0 && sorted[at - 1] > fd) {
      sorted[at] = sorted[at - 1];
      --at;
    }
    sorted[at] = fd;
  }
  unsigned next = 3;
  for (std::size_t i = 0; i < count; ++i) {
    const auto fd = static_cast<unsigned>(sorted[i]);
    if (fd > next) close_between(next, fd - 1);
    if (fd + 1 > next) next = fd + 1;
  }
  close_between(next, UINT_MAX);
}

void detach_stdin_stdout(std::span<const int> keep) noexcept {
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return;
  for (const int fd : {0, 1}) {
    bool kept = false;
    for (const int k : keep) kept = kept || k == fd;
    if (!kept && null != fd) ::dup2(null, fd);
  }
  if (null > 1) ::close(null);
}

}  // namespace concbench
