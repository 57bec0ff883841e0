#include "benchmarks/entries/batch_deadline.hpp"

#include "runners/batch/thread_start.hpp"

namespace concbench {

batch_deadline::batch_deadline(std::chrono::milliseconds limit) : limit_(limit) {
  if (limit_.count() <= 0) return;
  check_injected_refusal(os_resource::thread);
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

batch_deadline::~batch_deadline() {
  if (thread_.joinable()) {
    thread_.request_stop();
    changed_.notify_all();
    thread_.join();
  }
}

std::stop_token batch_deadline::arm(std::stop_token caller) {
  if (limit_.count() <= 0) return caller;
  std::stop_source source;
  {
    std::lock_guard lock(mutex_);
    source_ = source;
    // The callback holds its own copy of the source: disarm() may drop ours while it runs.
    forward_caller_.emplace(std::move(caller), std::function<void()>([source]() mutable { source.request_stop(); }));
    armed_ = true;
    fired_ = false;
    ++generation_;
    deadline_ = std::chrono::steady_clock::now() + limit_;
  }
  changed_.notify_all();
  return source.get_token();
}

bool batch_deadline::disarm() {
  if (limit_.count() <= 0) return false;
  bool fired = false;
  {
    std::lock_guard lock(mutex_);
    fired = fired_;
    armed_ = false;
    fired_ = false;
    ++generation_;
    forward_caller_.reset();  // waits for a forwarding callback running on another thread
    source_.reset();
  }
  changed_.notify_all();
  return fired;
}

std::string batch_deadline::overrun_message() const {
  return "the batch did not finish within the time-out (" + std::to_string(limit_.count()) +
         " ms, --task-timeout-ms); it was stopped";
}

void batch_deadline::loop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (!changed_.wait(lock, stop, [this] { return armed_ && !fired_; })) return;
    const auto generation = generation_;
    if (changed_.wait_until(lock, stop, deadline_, [&] { return generation_ != generation || !armed_; })) continue;
    if (stop.stop_requested()) return;
    fired_ = true;
    auto source = *source_;  // a copy: its stop callbacks run here, outside the lock
    lock.unlock();
    source.request_stop();
    lock.lock();
  }
}

}  // namespace concbench
