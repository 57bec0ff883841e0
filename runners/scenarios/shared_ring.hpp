#pragma once
// A single-producer single-consumer ring of fixed-size messages in shared memory: the
// `shared-memory` transport of the messaging scenario. It lives in a memfd mapping that two
// threads or two processes share, so everything in it is address-free: 32-bit atomics for the
// positions (a futex word is 32 bits) and no pointers.
//
// A side that finds the ring full (producer) or empty (consumer) spins briefly (about a
// microsecond: a peer that is running will answer within that), then sleeps in futex(2) on the
// position it waits for. A "waiting" flag beside each position lets the other side skip the
// futex wake-up system call when nobody sleeps: with sequentially consistent stores on both
// sides, either the sleeper sees the new position before it sleeps or the waker sees the flag
// (and FUTEX_WAIT itself re-checks the position, so a change in between is not lost).
//
// Closing (either side) sets `closed` and wakes both: a consumer drains what is left and then
// sees the end; a producer fails at once. The futexes are shared (not FUTEX_PRIVATE), as the
// two sides may be different processes.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace concbench {

class shared_ring {
 public:
  // Bytes of shared memory a ring of `capacity` slots of `message_bytes` needs.
  static std::size_t bytes_needed(std::uint32_t capacity, std::size_t message_bytes);

  // Constructs a ring in `memory` (at least bytes_needed, suitably aligned: a page from mmap).
  // `capacity` must be a power of two. Throws std::invalid_argument.
  static shared_ring* create_in(void* memory, std::uint32_t capacity, std::size_t message_bytes);
  // The ring another side created in the same shared memory (mapped elsewhere); checks its header
  // against `message_bytes`. Throws std::runtime_error on a mismatch.
  static shared_ring* attach(void* memory, std::size_t mapped_bytes, std::size_t message_bytes);

  // Copies one message (exactly message_bytes) in; blocks while the ring is full. Returns false
  // when the ring is closed (nothing was sent).
  bool push(std::span<const std::byte> message);
  // Copies one message out; blocks while the ring is empty. Returns false once the ring is
  // closed and empty.
  bool pop(std::span<std::byte> message);
  // Ends the ring for both sides and wakes whoever sleeps on it.
  void close();

  std::size_t message_bytes() const { return message_bytes_; }

 private:
  shared_ring(std::uint32_t capacity, std::size_t message_bytes);
  std::byte* slot(std::uint32_t position);
  static void wait_while_equal(std::atomic<std::uint32_t>& word, std::uint32_t value,
                               std::atomic<std::uint32_t>& waiting, const std::atomic<std::uint32_t>& closed);
  static void wake(std::atomic<std::uint32_t>& word, std::atomic<std::uint32_t>& waiting);

  static constexpr std::uint32_t magic_value = 0x52494e47;  // "RING"

  std::uint32_t magic_;
  std::uint32_t capacity_;
  std::size_t message_bytes_;
  alignas(64) std::atomic<std::uint32_t> head_{0};  // next position to write (the producer's)
  std::atomic<std::uint32_t> consumer_waiting_{0};
  alignas(64) std::atomic<std::uint32_t> tail_{0};  // next position to read (the consumer's)
  std::atomic<std::uint32_t> producer_waiting_{0};
  alignas(64) std::atomic<std::uint32_t> closed_{0};
  // The slots follow the header, 64-byte aligned.
};

}  // namespace concbench
