#include "atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
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
}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  // rename() replaces whatever entry `path` names: a device node or a fifo would be destroyed
  // (as root, /dev/null). A symbolic link is replaced itself, never what it points at.
  std::error_code ignored;
  const auto existing = std::filesystem::symlink_status(path, ignored).type();
  if (existing != std::filesystem::file_type::not_found && existing != std::filesystem::file_type::none &&
      existing != std::filesystem::file_type::regular && existing != std::filesystem::file_type::symlink) {
    throw std::runtime_error("will not replace " + path.string() + ": it exists and is not a regular file");
  }
  const auto temporary = temporary_beside(path);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(temporary);
      throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::filesystem::remove(temporary);
    throw std::runtime_error("cannot rename " + temporary.string() + " to " + path.string() + ": " + reason);
  }
}

void check_writable(const std::filesystem::path& path) {
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error("directory " + directory.string() + " does not exist");
  }
  const auto probe = temporary_beside(path);
  std::ofstream out(probe);
  if (!out) throw std::runtime_error("cannot create files in " + directory.string() + ": " + std::strerror(errno));
  out.close();
  std::filesystem::remove(probe);
}

}  // namespace concbench
