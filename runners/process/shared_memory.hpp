#pragma once
// Memory shared between the measuring process and the worker processes of a scenario: an
// anonymous memfd that the measuring process creates and maps, and hands to the fork server's
// workers over its Unix-domain socket (SCM_RIGHTS); each worker maps the same descriptor. The
// workers are forked by the fork server, never by the measuring process, so they cannot
// inherit a mapping made after the server started.

#include <cstddef>

#include "runners/process/file_descriptors.hpp"

namespace concbench {

class shared_memory {
 public:
  shared_memory() = default;
  shared_memory(shared_memory&& other) noexcept;
  shared_memory& operator=(shared_memory&& other) noexcept;
  shared_memory(const shared_memory&) = delete;
  shared_memory& operator=(const shared_memory&) = delete;
  ~shared_memory();

  // A new zero-filled memfd of `bytes` (close-on-exec), mapped shared. `name` shows in
  // /proc/<pid>/maps. Throws std::system_error.
  static shared_memory create(const char* name, std::size_t bytes);
  // Maps `bytes` of an existing descriptor (a worker's copy), taking ownership of it. Throws
  // std::system_error.
  static shared_memory map(unique_fd fd, std::size_t bytes);

  void* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  int fd() const noexcept { return fd_.get(); }

 private:
  unique_fd fd_;
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace concbench
