#pragma once
// The concurrency models and the settings a batch runs with (docs/design.md "Words").

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/execution_shape.hpp"

namespace concbench {

// threads_asio: boost::asio::thread_pool, one post per task (a peer of our own `threads` pool).
enum class model_kind {
  sequential,
  threads,
  threads_asio,
  thread_per_task,
  coroutines,
  processes_fork,
  processes_spawn
};
// per_task: one worker process per task (process models only; W caps how many live at once).
enum class pool_mode { cold, warm, per_task };
enum class task_form { blocking, awaitable };

struct run_settings {
  model_kind model = model_kind::sequential;
  int workers = 1;           // W: pool threads (threads, threads-asio), worker processes; 1 for sequential
  int loop_threads = 1;      // threads running the io_context (coroutines)
  std::size_t inflight = 0;  // K: tasks a coroutine batch keeps in flight; 0 means all
  pool_mode pool = pool_mode::cold;
  task_form form = task_form::blocking;
  // processes-spawn: the binary re-executed in worker mode; empty means this one
  // (/proc/self/exe). Tests put their own small worker binary here.
  std::string worker_executable;
  // A task running longer than this stops its batch (runner::enable_task_timeout); zero: never.
  std::chrono::milliseconds task_timeout{0};
};

std::string_view to_string(model_kind model);
std::string_view to_string(pool_mode pool);
std::string_view to_string(task_form form);
std::optional<model_kind> parse_model(std::string_view text);
const std::vector<model_kind>& all_models();

// Which settings mean something for a model (the others are left at their defaults and
// left out of names).
bool uses_workers(model_kind model);
bool uses_pool(model_kind model);
bool uses_event_loop(model_kind model);
bool is_process_model(model_kind model);
bool is_thread_pool_model(model_kind model);  // threads, threads-asio

// How much of a batch of `tasks` can run at once under these settings: what the workload's
// ideal and bound are computed for.
execution_shape shape_of(const run_settings& settings, std::size_t tasks);

// The number of workers a report shows (1 for sequential, N for thread-per-task).
int effective_workers(const run_settings& settings, std::size_t tasks);

}  // namespace concbench
