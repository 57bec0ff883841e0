#include "batch_recorder.hpp"

#include <stdexcept>

namespace concbench {

batch_recorder::batch_recorder(std::span<const task_spec> batch, std::string_view workload_name,
                               std::string_view model_name)
    : batch_(batch), workload_name_(workload_name), model_name_(model_name), start_(clock::now()) {
  outcome_.tasks.resize(batch.size());
  outcome_.timeline.resize(batch.size());
}

std::int64_t batch_recorder::since_start_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start_).count();
}

std::int64_t batch_recorder::offset_ns(clock::time_point at) const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at - start_).count();
}

void batch_recorder::task_started(std::size_t index, int worker) {
  auto& entry = outcome_.timeline[index];
  entry.worker = worker;
  entry.start_ns = since_start_ns();
}

void batch_recorder::task_succeeded(std::size_t index, const task_result& result) {
  outcome_.timeline[index].end_ns = since_start_ns();
  outcome_.tasks[index].result = result;
}

void batch_recorder::task_failed(std::size_t index, std::string_view cause) {
  if (outcome_.timeline[index].start_ns >= 0) outcome_.timeline[index].end_ns = since_start_ns();
  outcome_.tasks[index].error = describe_task(index) + ": " + std::string(cause);
}

void batch_recorder::task_succeeded(std::size_t index, const task_result& result, clock::time_point start,
                                    clock::time_point end) {
  outcome_.timeline[index].start_ns = offset_ns(start);
  outcome_.timeline[index].end_ns = offset_ns(end);
  outcome_.tasks[index].result = result;
}

void batch_recorder::task_failed(std::size_t index, std::string_view cause, clock::time_point start,
                                 clock::time_point end) {
  outcome_.timeline[index].start_ns = offset_ns(start);
  outcome_.timeline[index].end_ns = offset_ns(end);
  outcome_.tasks[index].error = describe_task(index) + ": " + std::string(cause);
}

void batch_recorder::batch_failed(std::string message) {
  outcome_.batch_errors.push_back(workload_name_ + " under " + model_name_ + ": " + std::move(message));
}

std::string batch_recorder::describe_task(std::size_t index) const {
  return "task " + std::to_string(batch_[index].index) + " of " + workload_name_ + " under " + model_name_;
}

void batch_recorder::run_blocking(const workload& work, std::size_t index, int worker, std::stop_token stop) {
  task_started(index, worker);
  try {
    task_succeeded(index, work.run_blocking(batch_[index], stop));
  } catch (...) {
    task_failed(index, describe_exception(std::current_exception()));
  }
}

batch_outcome batch_recorder::finish() {
  outcome_.interval = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start_);
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
