#pragma once
// A duplex channel of fixed-size messages between two parties (two threads, or two worker
// processes of the fork server), over one of the transports the messaging scenario compares
// (docs/tutorials.md section 5, the tutorials' Pipe vs Queue):
//   pipe           two pipes, one per direction: a write(2) and a read(2) per message;
//   socket         a Unix-domain stream socket pair (socketpair(2)): the same calls, through
//                  the socket layer;
//   shared-memory  two single-producer single-consumer rings in one memfd (shared_ring.hpp):
//                  one memcpy per message each way and a futex wake-up only when the other
//                  side sleeps.
//
// The channel is made in the measuring process as descriptors (make_message_channel), which
// travel to the worker processes with the fork server's requests or stay in the process for
// two threads; each party then opens its end from its own descriptors. An end owns its
// descriptors: destroying it (say, when its party fails) closes them, which the other party
// sees as the end of the channel (end of file, EPIPE, or a closed ring), never as a hang.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "runners/process/file_descriptors.hpp"

namespace concbench {

enum class message_transport { pipe, socket, shared_memory };

std::string_view to_string(message_transport transport);

// The descriptors of one party's end (close-on-exec; at most two).
struct message_end_fds {
  std::vector<unique_fd> fds;
  std::vector<int> borrowed() const;  // the numbers, for a fork request
};

struct message_channel_fds {
  message_end_fds first;   // the client's
  message_end_fds second;  // the echo's
};

// Throws std::system_error (pipe, socketpair, memfd) or std::invalid_argument (message_bytes 0).
message_channel_fds make_message_channel(message_transport transport, std::size_t message_bytes);

class message_end {
 public:
  virtual ~message_end() = default;
  // Sends one whole message of the channel's size. Throws std::runtime_error when the other
  // party has gone (EPIPE, a closed ring) or the system call fails.
  virtual void send(std::span<const std::byte> message) = 0;
  // Receives one whole message; false when the other party ended the channel before any byte
  // of it. Throws std::runtime_error on a message cut short or a failing system call.
  virtual bool receive(std::span<std::byte> message) = 0;
};

// Takes ownership of the descriptors. `first` says which end of the shared-memory rings this
// is (the pipes and the socket need not know). Throws std::system_error or std::runtime_error.
std::unique_ptr<message_end> open_message_end(message_transport transport, bool first, message_end_fds fds,
                                              std::size_t message_bytes);

// Blocks SIGPIPE in the calling thread while it lives, so that a write to a pipe whose reader
// has gone is the error EPIPE rather than the death of the measuring process (whose SIGPIPE
// is left at its default for its own output); any SIGPIPE left pending is consumed on exit.
class sigpipe_blocker {
 public:
  sigpipe_blocker();
  ~sigpipe_blocker();
  sigpipe_blocker(const sigpipe_blocker&) = delete;
  sigpipe_blocker& operator=(const sigpipe_blocker&) = delete;

 private:
  bool was_blocked_ = false;
};

}  // namespace concbench
