#include "runners/threads/gated_threads.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <latch>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "runners/batch/batch_recorder.hpp"
#include "workloads/system/steady_now.hpp"

namespace concbench {

gated_run run_gated_threads(int count, const std::function<void(int)>& body, const std::function<void()>& on_failure,
                            const std::string& who) {
  gated_run run;
  std::mutex error_mutex;
  const auto fail = [&](std::string message) {
    {
      std::lock_guard lock(error_mutex);
      if (run.error.empty()) run.error = std::move(message);
    }
    on_failure();
  };
  std::latch ready(count);
  std::latch gate(1);
  std::atomic<bool> cancelled{false};
  std::atomic<std::int64_t> last_end{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(count));
  try {
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        ready.count_down();
        gate.wait();
        if (cancelled.load()) return;
        try {
          body(i);
        } catch (...) {
          fail(who + ": " + describe_exception(std::current_exception()));
        }
        const std::int64_t end = steady_now_ns();
        std::int64_t seen = last_end.load();
        while (seen < end && !last_end.compare_exchange_weak(seen, end)) {
        }
      });
    }
  } catch (const std::system_error& e) {
    cancelled = true;
    fail(who + ": could not start thread " + std::to_string(threads.size()) + " of " + std::to_string(count) + ": " +
         e.what());
    gate.count_down();
    for (auto& thread : threads) thread.join();
    return run;
  }
  ready.wait();
  const std::int64_t opened = steady_now_ns();
  gate.count_down();
  for (auto& thread : threads) thread.join();
  run.interval = std::chrono::nanoseconds(std::max<std::int64_t>(last_end.load() - opened, 0));
  return run;
}

}  // namespace concbench
