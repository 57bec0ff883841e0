#include "runners/batch/batch_recorder.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "runners/batch/task_watchdog.hpp"

namespace concbench {

batch_recorder::batch_recorder(std::span<const task_spec> batch, std::string_view workload_name,
                               std::string_view model_name, std::stop_token stop, task_watchdog* watchdog)
    : batch_(batch), workload_name_(workload_name), model_name_(model_name), caller_stop_(std::move(stop)) {
  outcome_.tasks.resize(batch.size());
  outcome_.timeline.resize(batch.size());
  if (watchdog) {
    // Bookkeeping only the time-out needs, set up before the interval starts.
    timeout_stop_.emplace();
    forward_caller_stop_.emplace(caller_stop_, std::function<void()>([this] { timeout_stop_->request_stop(); }));
    running_since_ns_ = std::make_unique<std::atomic<std::int64_t>[]>(batch.size());
    overran_ = std::make_unique<std::atomic<bool>[]>(batch.size());
    ignoring_stop_ = std::make_unique<std::atomic<bool>[]>(batch.size());
    ignored_stop_ns_ = std::make_unique<std::atomic<std::int64_t>[]>(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) running_since_ns_[i].store(-1, std::memory_order_relaxed);
    timeout_ = watchdog->limit();
    watchdog_ = watchdog;
  }
  start_ = clock::now();
  if (watchdog_) watchdog_->watch(*this);
}

batch_recorder::~batch_recorder() {
  if (watchdog_) watchdog_->unwatch(*this);
}

std::stop_token batch_recorder::stop_token() const { return timeout_stop_ ? timeout_stop_->get_token() : caller_stop_; }

std::int64_t batch_recorder::since_start_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start_).count();
}

std::int64_t batch_recorder::offset_ns(clock::time_point at) const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at - start_).count();
}

void batch_recorder::mark_running(std::size_t index, std::int64_t since_ns) {
  if (running_since_ns_) running_since_ns_[index].store(since_ns, std::memory_order_release);
}

void batch_recorder::mark_ended(std::size_t index, std::int64_t end_ns) {
  if (!running_since_ns_) return;
  running_since_ns_[index].store(-1, std::memory_order_release);
  if (ignoring_stop_[index].load(std::memory_order_acquire)) {
    const std::int64_t stopped_ns = timeout_stop_ns_.load(std::memory_order_acquire);
    ignored_stop_ns_[index].store(std::max<std::int64_t>(end_ns - stopped_ns, 0), std::memory_order_release);
  }
}

namespace {

// 1.2 s, 350 ms: how long a task went on after the stop request.
std::string format_ignored(std::int64_t ns) {
  char text[32];
  if (ns >= 1'000'000'000) {
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ns) / 1e9);
  } else {
    std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(ns / 1'000'000));
  }
  return text;
}

constexpr const char* cannot_be_killed = "a thread cannot be killed, so concbench waited for it";

}  // namespace

std::string batch_recorder::describe_ignored_stop() const {
  if (!ignoring_stop_) return "";
  std::string text;
  int count = 0;
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    if (!ignoring_stop_[i].load(std::memory_order_acquire)) continue;
    if (running_since_ns_[i].load(std::memory_order_acquire) >= 0) continue;  // never ended
    if (++count > 10) continue;
    text += (text.empty() ? "" : ", ") + std::string("task ") + std::to_string(batch_[i].index) +
            " ignored the stop request for " + format_ignored(ignored_stop_ns_[i].load(std::memory_order_acquire));
  }
  if (count == 0) return "";
  if (count > 10) text += " and " + std::to_string(count - 10) + " more tasks";
  return text + ": " + (count == 1 ? cannot_be_killed : "a thread cannot be killed, so concbench waited for them");
}

std::optional<std::string> batch_recorder::stopped_cause(std::size_t index) const {
  std::string ignored;
  if (ignoring_stop_ && ignoring_stop_[index].load(std::memory_order_acquire)) {
    ignored = ", but it ignored the stop request for " +
              format_ignored(ignored_stop_ns_[index].load(std::memory_order_acquire)) + ": " + cannot_be_killed;
  }
  if (overran_ && overran_[index].load(std::memory_order_acquire)) {
    return "did not finish within the task time-out (" + std::to_string(timeout_.count()) + " ms); it was stopped" +
           ignored;
  }
  if (!ignored.empty()) {
    return "stopped before it finished: another task of the batch exceeded the task time-out" + ignored;
  }
  if (!stop_requested()) return std::nullopt;
  if (caller_stop_.stop_requested()) return "stopped before it finished: interrupted";
  return "stopped before it finished: another task of the batch exceeded the task time-out";
}

void batch_recorder::task_started(std::size_t index, int worker) {
  auto& entry = outcome_.timeline[index];
  entry.worker = worker;
  entry.start_ns = since_start_ns();
  mark_running(index, entry.start_ns);
}

void batch_recorder::set_error(std::size_t index, std::string_view cause, bool abandoned) {
  auto& task = outcome_.tasks[index];
  if (const auto stopped = stopped_cause(index)) {
    task.error = describe_task(index) + ": " + *stopped;
    task.abandoned = !(overran_ && overran_[index].load(std::memory_order_acquire));
  } else {
    task.error = describe_task(index) + ": " + std::string(cause);
    task.abandoned = abandoned;
  }
}

void batch_recorder::task_succeeded(std::size_t index, const task_result& result) {
  outcome_.timeline[index].end_ns = since_start_ns();
  mark_ended(index, outcome_.timeline[index].end_ns);
  // A task that returns after a stop may have given up half-way: never a result.
  if (stopped_cause(index)) {
    set_error(index, "", false);
    return;
  }
  outcome_.tasks[index].result = result;
}

void batch_recorder::task_failed(std::size_t index, std::string_view cause) {
  if (outcome_.timeline[index].start_ns >= 0) outcome_.timeline[index].end_ns = since_start_ns();
  mark_ended(index, since_start_ns());
  set_error(index, cause, false);
}

void batch_recorder::task_abandoned(std::size_t index, std::string_view cause) {
  if (outcome_.timeline[index].start_ns >= 0) outcome_.timeline[index].end_ns = since_start_ns();
  mark_ended(index, since_start_ns());
  set_error(index, cause, true);
}

void batch_recorder::task_succeeded(std::size_t index, const task_result& result, clock::time_point start,
                                    clock::time_point end) {
  outcome_.timeline[index].start_ns = offset_ns(start);
  outcome_.timeline[index].end_ns = offset_ns(end);
  mark_ended(index, outcome_.timeline[index].end_ns);
  if (stopped_cause(index)) {
    set_error(index, "", false);
    return;
  }
  outcome_.tasks[index].result = result;
}

void batch_recorder::task_failed(std::size_t index, std::string_view cause, clock::time_point start,
                                 clock::time_point end) {
  outcome_.timeline[index].start_ns = offset_ns(start);
  outcome_.timeline[index].end_ns = offset_ns(end);
  mark_ended(index, outcome_.timeline[index].end_ns);
  set_error(index, cause, false);
}

void batch_recorder::batch_failed(std::string message) {
  std::lock_guard lock(errors_mutex_);
  outcome_.batch_errors.push_back(workload_name_ + " under " + model_name_ + ": " + std::move(message));
}

bool batch_recorder::stop_overdue_tasks(std::chrono::milliseconds limit) {
  if (!running_since_ns_ || stop_requested()) return false;
  const std::int64_t now = since_start_ns();
  const std::int64_t limit_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count();
  std::vector<std::size_t> overdue;
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    const std::int64_t since = running_since_ns_[i].load(std::memory_order_acquire);
    if (since >= 0 && now - since > limit_ns) overdue.push_back(i);
  }
  if (overdue.empty()) return false;
  std::string names;
  for (std::size_t k = 0; k < overdue.size() && k < 10; ++k) {
    names += (k ? ", " : "") + std::to_string(batch_[overdue[k]].index);
    overran_[overdue[k]].store(true, std::memory_order_release);
  }
  for (std::size_t k = 10; k < overdue.size(); ++k) overran_[overdue[k]].store(true, std::memory_order_release);
  if (overdue.size() > 10) names += " and " + std::to_string(overdue.size() - 10) + " more";
  {
    std::lock_guard lock(errors_mutex_);
    timeout_error_index_ = outcome_.batch_errors.size();
    outcome_.batch_errors.push_back(workload_name_ + " under " + model_name_ + ": " +
                                    (overdue.size() == 1 ? "task " : "tasks ") + names +
                                    " did not finish within the task time-out (" + std::to_string(limit.count()) +
                                    " ms, --task-timeout-ms); the batch was stopped");
  }
  timeout_stop_ns_.store(since_start_ns(), std::memory_order_release);
  timeout_stop_->request_stop();
  return true;
}

std::string batch_recorder::describe_running_tasks() const {
  if (!running_since_ns_) return "";
  std::vector<std::size_t> running;
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    if (running_since_ns_[i].load(std::memory_order_acquire) >= 0) running.push_back(i);
  }
  if (running.empty()) return "";
  std::string text = describe_task(running.front());
  if (running.size() > 1) text += " (and " + std::to_string(running.size() - 1) + " more)";
  return text;
}

std::string batch_recorder::note_tasks_ignoring_stop() {
  if (!running_since_ns_) return "";
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    if (running_since_ns_[i].load(std::memory_order_acquire) >= 0) {
      ignoring_stop_[i].store(true, std::memory_order_release);
      // It may have ended in between: then it ended after the grace anyway.
      if (running_since_ns_[i].load(std::memory_order_acquire) < 0) {
        ignored_stop_ns_[i].store(since_start_ns() - timeout_stop_ns_.load(std::memory_order_acquire),
                                  std::memory_order_release);
      }
    }
  }
  return describe_running_tasks();
}

std::string batch_recorder::describe_task(std::size_t index) const {
  return "task " + std::to_string(batch_[index].index) + " of " + workload_name_ + " under " + model_name_;
}

void batch_recorder::run_blocking(const workload& work, std::size_t index, int worker) {
  if (stop_requested()) {
    task_abandoned(index, "never ran: the batch was stopped");
    return;
  }
  task_started(index, worker);
  try {
    task_succeeded(index, work.run_blocking(batch_[index], stop_token()));
  } catch (...) {
    task_failed(index, describe_exception(std::current_exception()));
  }
}

batch_outcome batch_recorder::finish() {
  outcome_.interval = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start_);
  if (watchdog_) {
    watchdog_->unwatch(*this);
    watchdog_ = nullptr;
  }
  std::lock_guard lock(errors_mutex_);
  if (const auto ignored = describe_ignored_stop(); !ignored.empty()) {
    if (timeout_error_index_ < outcome_.batch_errors.size()) {
      outcome_.batch_errors[timeout_error_index_] += "; " + ignored;
    } else {
      outcome_.batch_errors.push_back(workload_name_ + " under " + model_name_ + ": " + ignored);
    }
  }
  return std::move(outcome_);
}

std::string describe_exception(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace concbench
