#include "runners/batch/model.hpp"

#include <algorithm>
#include <utility>

#include "runners/batch/name_table.hpp"

namespace concbench {
namespace {
constexpr std::pair<model_kind, std::string_view> model_names[] = {
    {model_kind::sequential, "sequential"},           {model_kind::threads, "threads"},
    {model_kind::threads_asio, "threads-asio"},       {model_kind::thread_per_task, "thread-per-task"},
    {model_kind::coroutines, "coroutines"},           {model_kind::processes_fork, "processes-fork"},
    {model_kind::processes_spawn, "processes-spawn"},
};
}  // namespace

std::string_view to_string(model_kind model) { return name_in(model_names, model); }

std::string_view to_string(pool_mode pool) {
  switch (pool) {
    case pool_mode::cold:
      return "cold";
    case pool_mode::warm:
      return "warm";
    case pool_mode::per_task:
      return "per-task";
  }
  return "unknown";
}
std::string_view to_string(task_form form) { return form == task_form::blocking ? "blocking" : "awaitable"; }

std::optional<model_kind> parse_model(std::string_view text) { return kind_in(model_names, text); }

const std::vector<model_kind>& all_models() {
  static const std::vector<model_kind> models = [] {
    std::vector<model_kind> all;
    for (const auto& entry : model_names) all.push_back(entry.first);
    return all;
  }();
  return models;
}

bool is_process_model(model_kind model) {
  return model == model_kind::processes_fork || model == model_kind::processes_spawn;
}
bool is_thread_pool_model(model_kind model) {
  return model == model_kind::threads || model == model_kind::threads_asio;
}
bool uses_workers(model_kind model) { return is_thread_pool_model(model) || is_process_model(model); }
bool uses_pool(model_kind model) { return is_thread_pool_model(model) || is_process_model(model); }
bool uses_event_loop(model_kind model) { return model == model_kind::coroutines; }

execution_shape shape_of(const run_settings& settings, std::size_t tasks) {
  const int all = static_cast<int>(std::max<std::size_t>(tasks, 1));
  switch (settings.model) {
    case model_kind::sequential:
      return {1, 1};
    case model_kind::threads:
    case model_kind::threads_asio:
      return {settings.workers, settings.workers};
    case model_kind::processes_fork:
    case model_kind::processes_spawn:
      // W processes run tasks at once in every pool mode (per-task: W alive at a time).
      return {settings.workers, settings.workers};
    case model_kind::thread_per_task:
      return {all, all};
    case model_kind::coroutines: {
      const int inflight = settings.inflight == 0 ? all : static_cast<int>(std::min(settings.inflight, tasks));
      // A blocking call stalls its loop thread: at most loop_threads tasks wait at once.
      const int waiting = settings.form == task_form::awaitable ? inflight : std::min(inflight, settings.loop_threads);
      return {std::min(settings.loop_threads, inflight), waiting};
    }
  }
  return {1, 1};
}

int effective_workers(const run_settings& settings, std::size_t tasks) {
  switch (settings.model) {
    case model_kind::sequential:
      return 1;
    case model_kind::thread_per_task:
      return static_cast<int>(tasks);
    case model_kind::coroutines:
      return settings.loop_threads;
    default:
      return settings.workers;
  }
}

}  // namespace concbench
