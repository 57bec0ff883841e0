#include "reports/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace concbench {
namespace {

std::filesystem::path temporary_beside(const std::filesystem::path& path) {
  auto temporary = path;
  temporary += ".tmp." + std::to_string(::getpid());
  return temporary;
}

// Creates `path` (which must not exist) with mode 0666 less the umask and writes all of
// `content`; on failure removes what it created and returns the errno (else 0).
int write_new_file(const std::filesystem::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return errno;
  const char* next = content.data();
  std::size_t left = content.size();
  int error = 0;
  while (left > 0) {
    const ssize_t wrote = ::write(fd, next, left);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    next += wrote;
    left -= static_cast<std::size_t>(wrote);
  }
  // A network or quota-limited file system may say only now that the bytes did not fit.
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) ::unlink(path.c_str());
  return error;
}

}  // namespace

std::filesystem::path followed_links(const std::filesystem::path& path) {
  auto current = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code error;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(current, error))) return current;
    const auto target = std::filesystem::read_symlink(current, error);
    if (error) throw std::runtime_error("cannot read the link " + current.string() + ": " + error.message());
    current = target.is_absolute() ? target : current.parent_path() / target;
  }
  throw std::runtime_error(path.string() + ": too many levels of symbolic links");
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  // rename() replaces whatever entry it is given: a device node or a fifo would be destroyed
  // (as root, /dev/null), and a symbolic link would become a file. So the link is followed and
  // only a regular file (or nothing) is ever replaced.
  const auto destination = followed_links(path);
  std::error_code ignored;
  const auto existing = std::filesystem::symlink_status(destination, ignored).type();
  if (existing != std::filesystem::file_type::not_found && existing != std::filesystem::file_type::none &&
      existing != std::filesystem::file_type::regular) {
    throw std::runtime_error("will not replace " + destination.string() + ": it exists and is not a regular file");
  }
  const auto temporary = temporary_beside(destination);
  ::unlink(temporary.c_str());  // a leftover of a killed run with the same pid
  if (const int error = write_new_file(temporary, content); error != 0) {
    throw std::runtime_error("cannot write " + destination.string() + " (through " + temporary.filename().string() +
                             "): " + std::strerror(error));
  }
  if (std::rename(temporary.c_str(), destination.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot rename " + temporary.string() + " to " + destination.string() + ": " + reason);
  }
}

void check_writable(const std::filesystem::path& path) {
  const auto destination = followed_links(path);
  const auto directory = destination.has_parent_path() ? destination.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error("directory " + directory.string() + " does not exist");
  }
  const auto probe = temporary_beside(destination);
  ::unlink(probe.c_str());
  if (const int error = write_new_file(probe, std::string(writability_probe_bytes, ' ')); error != 0) {
    throw std::runtime_error("a test write of " + std::to_string(writability_probe_bytes / 1024) + " KiB in " +
                             directory.string() + " failed: " + std::strerror(error));
  }
  ::unlink(probe.c_str());
}

}  // namespace concbench
