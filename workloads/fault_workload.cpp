#include "workloads/fault_workload.hpp"

#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <thread>

#include "workloads/calibration/counting_loop.hpp"
#include "workloads/interruptible_sleep.hpp"

namespace concbench {
namespace {
constexpr std::pair<fault_mode, const char*> mode_names[] = {{fault_mode::throws, "throw"},
                                                             {fault_mode::wrong_result, "wrong"},
                                                             {fault_mode::exits, "exit"},
                                                             {fault_mode::crashes, "crash"},
                                                             {fault_mode::killed, "kill"},
                                                             {fault_mode::hangs, "hang"},
                                                             {fault_mode::ignores_stop, "ignore-stop"}};
}  // namespace

std::string to_string(fault_mode mode) {
  for (const auto& [m, name] : mode_names) {
    if (m == mode) return name;
  }
  return "unknown";
}

fault_mode parse_fault_mode(const std::string& text) {
  for (const auto& [m, name] : mode_names) {
    if (text == name) return m;
  }
  throw std::invalid_argument("unknown fault mode '" + text + "' (throw, wrong, exit, crash, kill, hang, ignore-stop)");
}

fault_workload::fault_workload(int tasks, int faulty_index, fault_mode mode, std::int64_t increments, int fail_from_run,
                               std::chrono::milliseconds ignore_for)
    : tasks_(tasks),
      faulty_index_(faulty_index),
      mode_(mode),
      increments_(increments),
      fail_from_run_(fail_from_run),
      ignore_for_(ignore_for) {
  if (tasks_ < 1) throw std::invalid_argument("fault workload needs at least one task");
  if (fail_from_run_ < 1) throw std::invalid_argument("fault workload: fail_from_run counts from 1");
}

bool fault_workload::misbehaves_now() const { return faulty_runs_.fetch_add(1) + 1 >= fail_from_run_; }

nlohmann::json fault_workload::params() const {
  return {{"tasks", tasks_},           {"faulty_index", faulty_index_},   {"mode", to_string(mode_)},
          {"increments", increments_}, {"fail_from_run", fail_from_run_}, {"ignore_ms", ignore_for_.count()}};
}

std::vector<std::pair<std::string, std::string>> fault_workload::name_keys() const {
  return {{"N", std::to_string(tasks_)}, {"fault", to_string(mode_)}, {"at", std::to_string(faulty_index_)}};
}

std::vector<task_spec> fault_workload::make_batch() const {
  std::vector<task_spec> batch;
  for (int i = 0; i < tasks_; ++i) batch.push_back({static_cast<std::size_t>(i), increments_});
  return batch;
}

task_result fault_workload::misbehave(std::stop_token stop) const {
  switch (mode_) {
    case fault_mode::throws:
      throw std::runtime_error("injected failure in task " + std::to_string(faulty_index_));
    case fault_mode::wrong_result:
      return {increments_ + 1};
    case fault_mode::exits:
      ::_exit(3);
    case fault_mode::crashes:
      std::raise(SIGSEGV);
      break;
    case fault_mode::killed:
      std::raise(SIGKILL);
      break;
    case fault_mode::hangs:
      // Honours the stop token, as every concbench task must; ends only when stopped.
      while (!stop.stop_requested()) sleep_unless_stopped(std::chrono::seconds(1), stop);
      return {0};
    case fault_mode::ignores_stop:
      // Deaf to the stop token on purpose: a plain sleep nothing can cut short.
      std::this_thread::sleep_for(ignore_for_);
      return {increments_};
  }
  return {0};
}

task_result fault_workload::run_blocking(const task_spec& task, std::stop_token stop) const {
  if (task.index == static_cast<std::size_t>(faulty_index_) && misbehaves_now()) return misbehave(stop);
  return {count_up_to(task.size, stop)};
}

boost::asio::awaitable<task_result> fault_workload::run_awaitable(task_spec task, std::stop_token stop) const {
  if (task.index == static_cast<std::size_t>(faulty_index_) && misbehaves_now()) {
    if (mode_ == fault_mode::hangs) {
      while (!stop.stop_requested()) co_await async_sleep_unless_stopped(std::chrono::seconds(1), stop);
      co_return task_result{0};
    }
    co_return misbehave(stop);
  }
  co_return task_result{count_up_to(task.size, stop)};
}

std::optional<std::string> fault_workload::verify(const task_spec& task, const task_result& result) const {
  if (result.value == task.size) return std::nullopt;
  return "counted " + std::to_string(result.value) + " instead of " + std::to_string(task.size);
}

time_estimate fault_workload::estimate(std::span<const task_spec>, const execution_shape&,
                                       const machine_constants&) const {
  return {0, 0};
}

}  // namespace concbench
