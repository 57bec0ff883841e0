#pragma once
// The task time-out (--task-timeout-ms) of the entries whose batch is not a runner's tasks
// (scenarios, which run a whole interacting batch themselves): a thread, started with the
// entry's repetition (outside every measured interval), that requests stop on the running
// batch's stop source when the batch has run longer than the limit. Every scenario honours its
// stop token (scenario.hpp) and kills and reaps the worker processes it started.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

namespace concbench {

class batch_deadline {
 public:
  // Zero: no time-out (and no thread). Throws std::system_error when its thread cannot start.
  explicit batch_deadline(std::chrono::milliseconds limit);
  ~batch_deadline();
  batch_deadline(const batch_deadline&) = delete;
  batch_deadline& operator=(const batch_deadline&) = delete;

  std::chrono::milliseconds limit() const { return limit_; }

  // A batch starts: the token it must honour is stopped by `caller` (Ctrl-C) or by the limit.
  std::stop_token arm(std::stop_token caller);
  // The batch has ended: true when the limit had stopped it.
  bool disarm();

  // "the batch did not finish within the time-out (50 ms, --task-timeout-ms); it was stopped"
  std::string overrun_message() const;

 private:
  void loop(std::stop_token stop);

  std::chrono::milliseconds limit_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  bool armed_ = false;
  bool fired_ = false;
  std::uint64_t generation_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<std::stop_source> source_;
  std::optional<std::stop_callback<std::function<void()>>> forward_caller_;
  std::jthread thread_;  // last: it starts once everything above exists
};

}  // namespace concbench
