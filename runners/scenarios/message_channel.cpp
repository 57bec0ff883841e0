#include "runners/scenarios/message_channel.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "runners/batch/name_table.hpp"
#include "runners/process/shared_memory.hpp"
#include "runners/scenarios/shared_ring.hpp"

namespace concbench {
namespace {

constexpr std::pair<message_transport, std::string_view> transport_names[] = {
    {message_transport::pipe, "pipe"},
    {message_transport::socket, "socket"},
    {message_transport::shared_memory, "shared-memory"},
};

// The rings hold as much as a pipe does by default (64 KiB, at least one message), so the
// transports differ in how they move a message, not in how far a sender may run ahead.
constexpr std::size_t ring_buffer_bytes = 64 * 1024;

std::uint32_t ring_capacity(std::size_t message_bytes) {
  std::uint32_t capacity = 1;
  while (static_cast<std::size_t>(capacity) * 2 * message_bytes <= ring_buffer_bytes) capacity *= 2;
  return capacity;
}

std::size_t rings_bytes(std::size_t message_bytes) {
  const std::size_t one = shared_ring::bytes_needed(ring_capacity(message_bytes), message_bytes);
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return 2 * ((one + page - 1) / page * page);  // each ring starts on its own page
}

// The pipes and the socket: whole messages through read(2) and write(2).
class descriptor_end final : public message_end {
 public:
  descriptor_end(unique_fd in, unique_fd out, std::size_t message_bytes)
      : in_(std::move(in)), out_(std::move(out)), message_bytes_(message_bytes) {}

  void send(std::span<const std::byte> message) override {
    const int fd = out_ ? out_.get() : in_.get();
    std::size_t done = 0;
    while (done < message.size()) {
      const ssize_t n = ::write(fd, message.data() + done, message.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EPIPE || errno == ECONNRESET) throw std::runtime_error("the other party has gone (EPIPE)");
        throw std::system_error(errno, std::generic_category(), "write");
      }
      done += static_cast<std::size_t>(n);
    }
  }

  bool receive(std::span<std::byte> message) override {
    std::size_t done = 0;
    while (done < message.size()) {
      const ssize_t n = ::read(in_.get(), message.data() + done, message.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == ECONNRESET) break;
        throw std::system_error(errno, std::generic_category(), "read");
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    if (done == 0 && !message.empty()) return false;
    if (done < message.size())
      throw std::runtime_error("a message cut short: " + std::to_string(done) + " of " +
                               std::to_string(message_bytes_) + " bytes before the other party ended");
    return true;
  }

 private:
  unique_fd in_;
  unique_fd out_;  // empty for a socket: both directions on in_
  std::size_t message_bytes_;
};

// Shared memory: the first party sends on ring 0 and receives on ring 1, the second the other
// way round. Destroying an end closes both rings, so the other party stops at once.
class ring_end final : public message_end {
 public:
  ring_end(shared_memory memory, bool first, std::size_t message_bytes) : memory_(std::move(memory)) {
    auto* base = static_cast<std::byte*>(memory_.data());
    const std::size_t half = memory_.size() / 2;
    auto* ring0 = shared_ring::attach(base, half, message_bytes);
    auto* ring1 = shared_ring::attach(base + half, half, message_bytes);
    out_ = first ? ring0 : ring1;
    in_ = first ? ring1 : ring0;
  }
  ~ring_end() override {
    out_->close();
    in_->close();
  }
  ring_end(const ring_end&) = delete;
  ring_end& operator=(const ring_end&) = delete;

  void send(std::span<const std::byte> message) override {
    if (!out_->push(message)) throw std::runtime_error("the other party has gone (the ring is closed)");
  }
  bool receive(std::span<std::byte> message) override { return in_->pop(message); }

 private:
  shared_memory memory_;
  shared_ring* out_ = nullptr;
  shared_ring* in_ = nullptr;
};

}  // namespace

std::string_view to_string(message_transport transport) { return name_in(transport_names, transport); }

std::vector<int> message_end_fds::borrowed() const {
  std::vector<int> numbers;
  for (const auto& fd : fds) numbers.push_back(fd.get());
  return numbers;
}

message_channel_fds make_message_channel(message_transport transport, std::size_t message_bytes) {
  if (message_bytes == 0) throw std::invalid_argument("messages must have at least one byte");
  message_channel_fds channel;
  switch (transport) {
    case message_transport::pipe: {
      auto to_second = make_pipe();
      auto to_first = make_pipe();
      channel.first.fds.push_back(std::move(to_first.read_end));
      channel.first.fds.push_back(std::move(to_second.write_end));
      channel.second.fds.push_back(std::move(to_second.read_end));
      channel.second.fds.push_back(std::move(to_first.write_end));
      break;
    }
    case message_transport::socket: {
      int pair[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        throw std::system_error(errno, std::generic_category(), "socketpair");
      channel.first.fds.emplace_back(pair[0]);
      channel.second.fds.emplace_back(pair[1]);
      break;
    }
    case message_transport::shared_memory: {
      const std::size_t bytes = rings_bytes(message_bytes);
      auto memory = shared_memory::create("concbench-message-rings", bytes);
      auto* base = static_cast<std::byte*>(memory.data());
      shared_ring::create_in(base, ring_capacity(message_bytes), message_bytes);
      shared_ring::create_in(base + bytes / 2, ring_capacity(message_bytes), message_bytes);
      // Each party maps the memfd itself: two descriptors of the same memory.
      const int copy = ::fcntl(memory.fd(), F_DUPFD_CLOEXEC, 0);
      if (copy < 0) throw std::system_error(errno, std::generic_category(), "fcntl(F_DUPFD_CLOEXEC)");
      channel.first.fds.emplace_back(copy);
      const int second_copy = ::fcntl(memory.fd(), F_DUPFD_CLOEXEC, 0);
      if (second_copy < 0) throw std::system_error(errno, std::generic_category(), "fcntl(F_DUPFD_CLOEXEC)");
      channel.second.fds.emplace_back(second_copy);
      break;  // the creator's mapping goes; the rings stay in the memfd
    }
  }
  return channel;
}

std::unique_ptr<message_end> open_message_end(message_transport transport, bool first, message_end_fds fds,
                                              std::size_t message_bytes) {
  switch (transport) {
    case message_transport::pipe:
      if (fds.fds.size() != 2) throw std::runtime_error("a pipe end needs two descriptors");
      return std::make_unique<descriptor_end>(std::move(fds.fds[0]), std::move(fds.fds[1]), message_bytes);
    case message_transport::socket:
      if (fds.fds.size() != 1) throw std::runtime_error("a socket end needs one descriptor");
      return std::make_unique<descriptor_end>(std::move(fds.fds[0]), unique_fd{}, message_bytes);
    case message_transport::shared_memory:
      if (fds.fds.size() != 1) throw std::runtime_error("a shared-memory end needs one descriptor");
      return std::make_unique<ring_end>(shared_memory::map(std::move(fds.fds[0]), rings_bytes(message_bytes)), first,
                                        message_bytes);
  }
  throw std::runtime_error("unknown message transport");
}

sigpipe_blocker::sigpipe_blocker() {
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &set, &old);
  was_blocked_ = sigismember(&old, SIGPIPE) == 1;
}

sigpipe_blocker::~sigpipe_blocker() {
  if (was_blocked_) return;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  const timespec now{0, 0};
  while (::sigtimedwait(&set, nullptr, &now) == SIGPIPE) {
  }
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace concbench
