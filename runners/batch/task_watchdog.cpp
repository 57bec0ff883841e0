#include "runners/batch/task_watchdog.hpp"

#include <algorithm>
#include <iostream>

#include "runners/batch/thread_start.hpp"

namespace concbench {

task_watchdog::task_watchdog(std::chrono::milliseconds limit, std::chrono::milliseconds grace)
    : limit_(limit),
      grace_(grace),
      period_(std::clamp<std::chrono::milliseconds>(std::min(limit, grace) / 4, std::chrono::milliseconds(1),
                                                    std::chrono::seconds(1))) {
  check_injected_refusal(os_resource::thread);
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

task_watchdog::~task_watchdog() {
  thread_.request_stop();
  changed_.notify_all();
}

void task_watchdog::watch(watched_batch& batch) {
  {
    std::lock_guard lock(mutex_);
    current_ = &batch;
  }
  changed_.notify_all();
}

void task_watchdog::unwatch(const watched_batch& batch) {
  std::lock_guard lock(mutex_);
  if (current_ == &batch) current_ = nullptr;
}

void task_watchdog::loop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (!changed_.wait(lock, stop, [this] { return current_ != nullptr; })) return;
    watched_batch* const watched = current_;
    auto stopped_at = std::chrono::steady_clock::time_point::max();
    bool warned = false;
    // Watch this batch until its recorder leaves.
    while (current_ == watched && !stop.stop_requested()) {
      changed_.wait_for(lock, stop, period_, [&] { return current_ != watched; });
      if (current_ != watched) break;
      if (stopped_at == std::chrono::steady_clock::time_point::max()) {
        if (watched->stop_overdue_tasks(limit_)) stopped_at = std::chrono::steady_clock::now();
      } else if (!warned && std::chrono::steady_clock::now() - stopped_at > grace_) {
        const auto still = watched->note_tasks_ignoring_stop();
        if (!still.empty()) {
          std::cerr << "\nconcbench: " << still << " still running " << grace_.count()
                    << " ms after the task time-out stopped the batch: a thread that ignores its stop request "
                       "cannot be killed, so the run waits for it (Ctrl-C twice quits at once; the report on "
                       "disk stays valid)\n";
        }
        warned = true;
      }
    }
  }
}

}  // namespace concbench
