#include "runners/process/shared_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace concbench {

shared_memory::shared_memory(shared_memory&& other) noexcept
    : fd_(std::move(other.fd_)), data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

shared_memory& shared_memory::operator=(shared_memory&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(data_, size_);
    fd_ = std::move(other.fd_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

shared_memory::~shared_memory() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

shared_memory shared_memory::create(const char* name, std::size_t bytes) {
  unique_fd fd(::memfd_create(name, MFD_CLOEXEC));
  if (!fd) throw std::system_error(errno, std::generic_category(), "memfd_create");
  if (::ftruncate(fd.get(), static_cast<off_t>(bytes)) != 0)
    throw std::system_error(errno, std::generic_category(), "ftruncate of the shared memory");
  return map(std::move(fd), bytes);
}

shared_memory shared_memory::map(unique_fd fd, std::size_t bytes) {
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (data == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap of the shared memory");
  shared_memory memory;
  memory.fd_ = std::move(fd);
  memory.data_ = data;
  memory.size_ = bytes;
  return memory;
}

}  // namespace concbench
