#pragma once
// The task time-out (--task-timeout-ms), the one time-out of every kind of entry: a thread,
// started with the entry's repetition (outside any measured interval), that looks at the running
// batch every limit/4 (at most every second) and, when a task has run longer than the limit,
// has the batch stop itself. What it watches is a watched_batch: a runner's batch_recorder,
// whose tasks are timed one by one, or a scenario's whole batch (its tasks interact, so the batch
// is the one task there is: benchmarks/entries/scenario_entry.cpp). Every concbench task
// honours its stop token within about a millisecond; worker processes are killed by the
// process pool or the scenario. A thread cannot be killed: when tasks are still running `grace`
// (3 s by default) after the stop, the watchdog says so on stderr, naming them, and has the
// batch note them: the entry's error then says how long each ignored the stop
// (batch_recorder::note_tasks_ignoring_stop). The batch waits for them.
//
// It is kept rather than a deadline per batch because a task time-out is per task: a batch of
// many short tasks may run far longer than the limit without any task overrunning it.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace concbench {

// A batch as the watchdog sees it. Its calls come from the watchdog's thread, between watch()
// and unwatch(), never at the same time as each other.
class watched_batch {
 public:
  // Stops the batch when a task has run longer than `limit`, naming every such task in the
  // batch's error; true when it did.
  virtual bool stop_overdue_tasks(std::chrono::milliseconds limit) = 0;
  // The grace after that stop has gone: notes every task still running as ignoring the stop and
  // describes them ("task 3 of cpu under threads (and 1 more)"); empty when none runs.
  virtual std::string note_tasks_ignoring_stop() = 0;

 protected:
  ~watched_batch() = default;
};

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

  // A batch registers itself when it starts and leaves before it is finished; once unwatch()
  // has returned, the watchdog no longer calls it.
  void watch(watched_batch& batch);
  void unwatch(const watched_batch& batch);

 private:
  void loop(std::stop_token stop);

  std::chrono::milliseconds limit_;
  std::chrono::milliseconds grace_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  watched_batch* current_ = nullptr;
  std::jthread thread_;  // last: it starts once everything above exists
};

}  // namespace concbench
