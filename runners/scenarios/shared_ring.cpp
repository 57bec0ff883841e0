#include "runners/scenarios/shared_ring.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <new>
#include <stdexcept>
#include <string>

namespace concbench {
namespace {

static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "a futex word must be a plain 32-bit word");

constexpr std::size_t header_bytes() { return (sizeof(shared_ring) + 63) / 64 * 64; }

// Iterations of the CPU's spin-wait hint before sleeping: about a microsecond where x86's pause
// takes about ten cycles, ten times that where it takes about 140 (Intel since Skylake).
constexpr int spin_iterations = 256;

void spin_hint() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// FUTEX_WAIT with a timeout: a close() that lands between a sleeper's last look at `closed` and
// its sleep cannot change the word it sleeps on, so the sleeper looks again within 10 ms.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t value) {
  const timespec timeout{0, 10'000'000};
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT, value, &timeout, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace

std::size_t shared_ring::bytes_needed(std::uint32_t capacity, std::size_t message_bytes) {
  return header_bytes() + static_cast<std::size_t>(capacity) * message_bytes;
}

shared_ring::shared_ring(std::uint32_t capacity, std::size_t message_bytes)
    : magic_(magic_value), capacity_(capacity), message_bytes_(message_bytes) {}

shared_ring* shared_ring::create_in(void* memory, std::uint32_t capacity, std::size_t message_bytes) {
  if (capacity == 0 || (capacity & (capacity - 1)) != 0)
    throw std::invalid_argument("a shared ring's capacity must be a power of two, not " + std::to_string(capacity));
  if (message_bytes == 0) throw std::invalid_argument("a shared ring's messages must have at least one byte");
  return new (memory) shared_ring(capacity, message_bytes);
}

shared_ring* shared_ring::attach(void* memory, std::size_t mapped_bytes, std::size_t message_bytes) {
  auto* ring = std::launder(static_cast<shared_ring*>(memory));
  if (mapped_bytes < header_bytes() || ring->magic_ != magic_value || ring->message_bytes_ != message_bytes ||
      mapped_bytes < bytes_needed(ring->capacity_, message_bytes)) {
    throw std::runtime_error("the shared memory does not hold a ring of " + std::to_string(message_bytes) +
                             "-byte messages");
  }
  return ring;
}

std::byte* shared_ring::slot(std::uint32_t position) {
  auto* slots = reinterpret_cast<std::byte*>(this) + header_bytes();
  return slots + static_cast<std::size_t>(position & (capacity_ - 1)) * message_bytes_;
}

void shared_ring::wait_while_equal(std::atomic<std::uint32_t>& word, std::uint32_t value,
                                   std::atomic<std::uint32_t>& waiting, const std::atomic<std::uint32_t>& closed) {
  for (int i = 0; i < spin_iterations; ++i) {
    if (word.load(std::memory_order_acquire) != value || closed.load(std::memory_order_acquire)) return;
    spin_hint();
  }
  while (word.load() == value && !closed.load()) {
    waiting.store(1);  // seq_cst, then the seq_cst load of `word` in FUTEX_WAIT's check
    if (word.load() != value || closed.load()) break;
    futex_wait(word, value);
  }
  waiting.store(0, std::memory_order_relaxed);
}

void shared_ring::wake(std::atomic<std::uint32_t>& word, std::atomic<std::uint32_t>& waiting) {
  if (waiting.exchange(0) != 0) futex_wake_all(word);
}

bool shared_ring::push(std::span<const std::byte> message) {
  if (message.size() != message_bytes_)
    throw std::invalid_argument("a message of " + std::to_string(message.size()) + " bytes in a ring of " +
                                std::to_string(message_bytes_) + "-byte messages");
  const std::uint32_t head = head_.load(std::memory_order_relaxed);
  for (;;) {
    if (closed_.load(std::memory_order_acquire)) return false;
    const std::uint32_t tail = tail_.load(std::memory_order_acquire);
    if (head - tail < capacity_) break;
    wait_while_equal(tail_, tail, producer_waiting_, closed_);
  }
  std::memcpy(slot(head), message.data(), message_bytes_);
  head_.store(head + 1);  // seq_cst: ordered before the look at consumer_waiting_
  wake(head_, consumer_waiting_);
  return true;
}

bool shared_ring::pop(std::span<std::byte> message) {
  if (message.size() != message_bytes_)
    throw std::invalid_argument("a buffer of " + std::to_string(message.size()) + " bytes for a ring of " +
                                std::to_string(message_bytes_) + "-byte messages");
  const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint32_t head = head_.load(std::memory_order_acquire);
    if (head != tail) break;
    if (closed_.load(std::memory_order_acquire)) return false;  // closed and drained
    wait_while_equal(head_, head, consumer_waiting_, closed_);
  }
  std::memcpy(message.data(), slot(tail), message_bytes_);
  tail_.store(tail + 1);
  wake(tail_, producer_waiting_);
  return true;
}

void shared_ring::close() {
  closed_.store(1);
  futex_wake_all(head_);
  futex_wake_all(tail_);
}

}  // namespace concbench
