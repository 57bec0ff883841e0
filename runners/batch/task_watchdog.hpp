#pragma once
// The task time-out (--task-timeout-ms): a thread, started with the runner (outside any measured
// interval), that looks at the running batch every limit/4 (at most every second) and, when a
// task has run longer than the limit, stops the batch through the batch recorder's stop source.
// Every concbench task honours its stop token within about a millisecond; worker processes are
// killed by the process pool. A thread cannot be killed: when tasks are still running `grace`
// (3 s by default) after the stop, the watchdog says so on stderr, naming them, and has the
// batch recorder note them: the entry's error then says how long each ignored the stop
// (batch_recorder::note_tasks_ignoring_stop). The batch waits for them.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace concbench {

class batch_recorder;

class task_watchdog {
 public:
  // How long stopped tasks get to end, by default, before the watchdog reports them as
  // ignoring the stop.
  static constexpr std::chrono::milliseconds default_stop_grace{3000};

  // Throws std::system_error when its thread cannot be started.
  explicit task_watchdog(std::chrono::milliseconds limit, std::chrono::milliseconds grace = default_stop_grace);
  ~task_watchdog();
  task_watchdog(const task_watchdog&) = delete;
  task_watchdog& operator=(const task_watchdog&) = delete;

  std::chrono::milliseconds limit() const { return limit_; }
  std::chrono::milliseconds grace() const { return grace_; }

  // The batch recorder registers itself for its batch and leaves before it is finished.
  void watch(batch_recorder& recorder);
  void unwatch(const batch_recorder& recorder);

 private:
  void loop(std::stop_token stop);

  std::chrono::milliseconds limit_;
  std::chrono::milliseconds grace_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  batch_recorder* current_ = nullptr;
  std::jthread thread_;  // last: it starts once everything above exists
};

}  // namespace concbench
