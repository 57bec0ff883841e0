#include <stdexcept>

#include "runners/batch/runner.hpp"
#include "runners/process/process_pool_runner.hpp"
#include "runners/threads/asio_thread_pool_runner.hpp"
#include "runners/threads/coroutine_runner.hpp"
#include "runners/threads/sequential_runner.hpp"
#include "runners/threads/thread_per_task_runner.hpp"
#include "runners/threads/thread_pool_runner.hpp"

namespace concbench {

runner::~runner() = default;

void runner::enable_task_timeout(std::chrono::milliseconds limit, std::chrono::milliseconds grace) {
  watchdog_.reset();
  if (limit.count() > 0) watchdog_ = std::make_unique<task_watchdog>(limit, grace);
}

namespace {

std::unique_ptr<runner> make_model_runner(const run_settings& settings) {
  if (settings.workers < 1) throw std::invalid_argument("workers must be at least 1");
  if (settings.loop_threads < 1) throw std::invalid_argument("loop_threads must be at least 1");
  if (settings.pool == pool_mode::per_task && !is_process_model(settings.model)) {
    throw std::invalid_argument("pool:per-task is for the process models; threads have thread-per-task");
  }
  switch (settings.model) {
    case model_kind::sequential:
      return std::make_unique<sequential_runner>();
    case model_kind::threads:
      return std::make_unique<thread_pool_runner>(settings.workers, settings.pool);
    case model_kind::threads_asio:
      return std::make_unique<asio_thread_pool_runner>(settings.workers, settings.pool);
    case model_kind::thread_per_task:
      return std::make_unique<thread_per_task_runner>();
    case model_kind::coroutines:
      return std::make_unique<coroutine_runner>(settings.loop_threads, settings.inflight, settings.form);
    case model_kind::processes_fork:
    case model_kind::processes_spawn:
      return std::make_unique<process_pool_runner>(settings);
  }
  throw std::invalid_argument("unknown model");
}

}  // namespace

std::unique_ptr<runner> make_runner(const run_settings& settings) {
  if (settings.task_timeout.count() < 0) throw std::invalid_argument("the task time-out must not be negative");
  auto made = make_model_runner(settings);
  made->enable_task_timeout(settings.task_timeout);
  return made;
}

}  // namespace concbench
