#include "runners/scenarios/shared_counter_scenario.hpp"

#include <pthread.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "runners/batch/batch_recorder.hpp"
#include "runners/batch/name_table.hpp"
#include "runners/process/shared_memory.hpp"
#include "runners/scenarios/scenario_jobs.hpp"
#include "runners/scenarios/scenario_processes.hpp"
#include "runners/threads/gated_threads.hpp"

namespace concbench {
namespace {

constexpr std::pair<update_discipline, std::string_view> discipline_names[] = {
    {update_discipline::unsynchronised, "unsynchronised"},
    {update_discipline::mutex, "mutex"},
    {update_discipline::atomic, "atomic"},
};
constexpr std::pair<update_pause, std::string_view> pause_names[] = {
    {update_pause::none, "none"},
    {update_pause::yield, "yield"},
    {update_pause::spin, "spin"},
};

// The counter and what the tasks share, in one page: in the measuring process's memory for the
// in-process models, in a memfd mapped by every worker for processes-fork. Lock-free atomics
// are address-free, so they work across processes; the mutex is process-shared there.
struct counter_page {
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

  alignas(64) std::atomic<std::uint64_t> value{0};
  alignas(64) std::atomic<std::uint64_t> next_task{0};
  alignas(64) pthread_mutex_t mutex;

  explicit counter_page(bool process_shared) {
    pthread_mutexattr_t attributes;
    ::pthread_mutexattr_init(&attributes);
    if (process_shared) ::pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    const int error = ::pthread_mutex_init(&mutex, &attributes);
    ::pthread_mutexattr_destroy(&attributes);
    if (error != 0) throw std::system_error(error, std::generic_category(), "pthread_mutex_init");
  }
  ~counter_page() { ::pthread_mutex_destroy(&mutex); }
  counter_page(const counter_page&) = delete;
  counter_page& operator=(const counter_page&) = delete;
};

void spin(std::uint32_t iterations) {
  for (std::uint32_t i = 0; i < iterations; ++i) asm volatile("" : : "r"(i) : "memory");
}

// The blocking form of the tasks (sequential, threads, processes-fork).
class blocking_updater {
 public:
  blocking_updater(counter_page& page, const shared_counter_params& params) : page_(page), params_(params) {}

  // Runs tasks claimed from the page until none is left (or a stop request, looked at every 64
  // updates); returns the updates made.
  std::uint64_t run_tasks(std::stop_token stop) const {
    std::uint64_t done = 0;
    const auto tasks = static_cast<std::uint64_t>(params_.tasks);
    while (page_.next_task.fetch_add(1, std::memory_order_relaxed) < tasks) {
      for (std::uint64_t r = 0; r < params_.updates; ++r) {
        if ((r & 63) == 0 && stop.stop_requested()) return done;
        update();
        ++done;
      }
    }
    return done;
  }

 private:
  void pause() const {
    switch (params_.pause) {
      case update_pause::none:
        break;
      case update_pause::yield:
        std::this_thread::yield();
        break;
      case update_pause::spin:
        spin(params_.spin_iterations);
        break;
    }
  }

  void update() const {
    auto& value = page_.value;
    switch (params_.discipline) {
      case update_discipline::unsynchronised: {
        const auto seen = value.load(std::memory_order_relaxed);
        pause();
        value.store(seen + 1, std::memory_order_relaxed);
        break;
      }
      case update_discipline::mutex: {
        ::pthread_mutex_lock(&page_.mutex);
        const auto seen = value.load(std::memory_order_relaxed);
        pause();
        value.store(seen + 1, std::memory_order_relaxed);
        ::pthread_mutex_unlock(&page_.mutex);
        break;
      }
      case update_discipline::atomic:
        value.fetch_add(1, std::memory_order_relaxed);
        pause();
        break;
    }
  }

  counter_page& page_;
  const shared_counter_params& params_;
};

// The coroutines' mutex: a channel of capacity 1 holding the one token. Acquire receives it
// (suspending while another task holds it), release puts it back.
using async_lock = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

struct coroutine_context {
  counter_page& page;
  const shared_counter_params& params;
  async_lock& lock;
  std::stop_token stop;
  std::atomic<std::uint64_t>& done;
  std::atomic<bool>& stopped;
};

boost::asio::awaitable<void> coroutine_task(coroutine_context context) {
  using boost::asio::use_awaitable;
  const auto& params = context.params;
  auto& value = context.page.value;
  auto executor = co_await boost::asio::this_coro::executor;
  std::uint64_t done = 0;
  for (std::uint64_t r = 0; r < params.updates; ++r) {
    if (context.stop.stop_requested()) {
      context.stopped = true;
      break;
    }
    // The pause inline (a coroutine per pause would allocate a frame per update).
    switch (params.discipline) {
      case update_discipline::unsynchronised: {
        const auto seen = value.load(std::memory_order_relaxed);
        if (params.pause == update_pause::spin) spin(params.spin_iterations);
        if (params.pause != update_pause::none) co_await boost::asio::post(executor, use_awaitable);
        value.store(seen + 1, std::memory_order_relaxed);
        break;
      }
      case update_discipline::mutex: {
        co_await context.lock.async_receive(use_awaitable);
        const auto seen = value.load(std::memory_order_relaxed);
        if (params.pause == update_pause::spin) spin(params.spin_iterations);
        if (params.pause != update_pause::none) co_await boost::asio::post(executor, use_awaitable);
        value.store(seen + 1, std::memory_order_relaxed);
        if (!context.lock.try_send(boost::system::error_code{}))
          throw std::logic_error("the coroutines' lock could not be released");
        break;
      }
      case update_discipline::atomic:
        value.fetch_add(1, std::memory_order_relaxed);
        if (params.pause == update_pause::spin) spin(params.spin_iterations);
        if (params.pause != update_pause::none) co_await boost::asio::post(executor, use_awaitable);
        break;
    }
    ++done;
  }
  context.done.fetch_add(done, std::memory_order_relaxed);
}

struct raw_result {
  std::chrono::nanoseconds interval{0};
  std::optional<std::chrono::nanoseconds> workers_cpu;  // processes-fork: what wait4 says
  std::uint64_t updates_done = 0;
  std::uint64_t final_value = 0;
  std::string error;
};

}  // namespace

std::string_view to_string(update_discipline discipline) { return name_in(discipline_names, discipline); }

std::string_view to_string(update_pause pause) { return name_in(pause_names, pause); }

std::optional<update_discipline> parse_update_discipline(std::string_view text) {
  return kind_in(discipline_names, text);
}

std::optional<update_pause> parse_update_pause(std::string_view text) { return kind_in(pause_names, text); }

// The worker-process side (scenario_jobs.hpp).
std::uint64_t run_shared_counter_job(const shared_counter_job& job, std::span<const int> own_fds) {
  if (own_fds.size() != 1) throw std::runtime_error("a shared-counter worker needs the shared memory descriptor");
  auto memory = shared_memory::map(unique_fd(own_fds[0]), sizeof(counter_page));
  auto* page = std::launder(static_cast<counter_page*>(memory.data()));
  // No stop token: a worker process is stopped by killing it.
  return blocking_updater(*page, job.params).run_tasks(std::stop_token{});
}

shared_counter_scenario::shared_counter_scenario(shared_counter_params params) : params_(params) {
  if (params_.tasks < 1) throw std::invalid_argument("shared: tasks must be at least 1");
  if (params_.updates < 1) throw std::invalid_argument("shared: updates must be at least 1");
}

nlohmann::json shared_counter_scenario::params() const {
  nlohmann::json json = {{"tasks", params_.tasks},
                         {"updates", params_.updates},
                         {"discipline", std::string(to_string(params_.discipline))},
                         {"pause", std::string(to_string(params_.pause))}};
  if (params_.pause == update_pause::spin) json["spin_iterations"] = params_.spin_iterations;
  return json;
}

std::vector<std::pair<std::string, std::string>> shared_counter_scenario::name_keys() const {
  std::string pause(to_string(params_.pause));
  // append(), not "-" + ...: g++ 12 warns falsely (-Wrestrict) on that inlined concatenation.
  if (params_.pause == update_pause::spin) pause.append("-").append(std::to_string(params_.spin_iterations));
  return {{"discipline", std::string(to_string(params_.discipline))},
          {"tasks", std::to_string(params_.tasks)},
          {"updates", std::to_string(params_.updates)},
          {"pause", pause}};
}

int shared_counter_scenario::workers(const run_settings& settings) const {
  switch (settings.model) {
    case model_kind::sequential:
      return 1;
    case model_kind::coroutines:
      return settings.loop_threads;
    case model_kind::thread_per_task:
      return params_.tasks;
    default:
      return settings.workers;
  }
}

bool shared_counter_scenario::supports(model_kind model) const {
  return scenario::supports(model) || model == model_kind::thread_per_task;
}

double shared_counter_scenario::nominal_sequential_ns() const {
  // Nominal costs of one update (the same on every machine): a yield ~ 250 ns, a spin
  // iteration ~ 0.3 ns, the update itself ~ 5 ns and ~ 20 ns more under a mutex.
  double per_update = 5;
  if (params_.discipline == update_discipline::mutex) per_update += 20;
  if (params_.pause == update_pause::yield) per_update += 250;
  if (params_.pause == update_pause::spin) per_update += 0.3 * params_.spin_iterations;
  return per_update * static_cast<double>(params_.tasks) * static_cast<double>(params_.updates);
}

scenario_outcome shared_counter_scenario::run(const run_settings& settings, std::stop_token stop) const {
  const std::string who =
      "shared (" + std::string(to_string(params_.discipline)) + ") under " + std::string(to_string(settings.model));
  scenario_outcome outcome;
  if (!supports(settings.model)) {
    outcome.error = who + ": this model is not supported";
    return outcome;
  }
  if (settings.workers < 1 || settings.loop_threads < 1) {
    outcome.error = who + ": needs at least one worker and one loop thread";
    return outcome;
  }
  raw_result raw;
  outcome.error = settle_batch(who, stop, [&] {
    switch (settings.model) {
      case model_kind::sequential: {
        counter_page page(false);
        const auto start = std::chrono::steady_clock::now();
        raw.updates_done = blocking_updater(page, params_).run_tasks(stop);
        raw.interval = std::chrono::steady_clock::now() - start;
        raw.final_value = page.value.load();
        break;
      }
      case model_kind::threads:
      case model_kind::thread_per_task: {
        counter_page page(false);
        std::atomic<std::uint64_t> done{0};
        const blocking_updater updater(page, params_);
        // thread-per-task: T threads, each of which claims one task (the same claiming code).
        const int threads = settings.model == model_kind::threads ? settings.workers : params_.tasks;
        const auto run = run_gated_threads(
            threads, [&](int) { done.fetch_add(updater.run_tasks(stop)); }, [] {}, who);
        raw.interval = run.interval;
        raw.error = run.error;
        raw.updates_done = done.load();
        raw.final_value = page.value.load();
        break;
      }
      case model_kind::coroutines: {
        counter_page page(false);
        boost::asio::io_context loop(settings.loop_threads);
        async_lock lock(loop, 1);
        lock.try_send(boost::system::error_code{});
        std::atomic<std::uint64_t> done{0};
        std::atomic<bool> stopped{false};
        std::mutex error_mutex;
        for (int t = 0; t < params_.tasks; ++t) {
          // Never detached: the completion handler keeps whatever escaped the task.
          boost::asio::co_spawn(loop, coroutine_task({page, params_, lock, stop, done, stopped}),
                                [&, t](std::exception_ptr error) {
                                  if (!error) return;
                                  std::lock_guard guard(error_mutex);
                                  if (raw.error.empty())
                                    raw.error = who + ": task " + std::to_string(t) + ": " + describe_exception(error);
                                });
        }
        const auto run = run_gated_threads(
            settings.loop_threads, [&](int) { loop.run(); }, [] {}, who);
        raw.interval = run.interval;
        if (raw.error.empty()) raw.error = run.error;
        raw.updates_done = done.load();
        raw.final_value = page.value.load();
        break;
      }
      case model_kind::processes_fork: {
        auto memory = shared_memory::create("concbench-shared-counter", sizeof(counter_page));
        auto* page = new (memory.data()) counter_page(true);
        std::vector<scenario_worker_spec> specs;
        for (int w = 0; w < settings.workers; ++w) {
          scenario_worker_spec spec;
          spec.job = encode_job(shared_counter_job{params_});
          spec.own_fds = {memory.fd()};
          spec.label = "worker " + std::to_string(w);
          specs.push_back(std::move(spec));
        }
        const auto run = run_scenario_processes(specs, {}, stop, who);
        raw.interval = run.interval;
        raw.workers_cpu = run.workers_cpu;
        raw.error = run.error;
        for (const auto& worker : run.workers) raw.updates_done += worker.count;
        raw.final_value = page->value.load();
        page->~counter_page();
        break;
      }
      default:
        break;
    }
    return raw.error;
  });
  if (!outcome.ok()) return outcome;
  const std::uint64_t expected = static_cast<std::uint64_t>(params_.tasks) * params_.updates;
  if (raw.updates_done != expected) {
    outcome.error = who + ": " + std::to_string(raw.updates_done) + " updates made of " + std::to_string(expected);
    return outcome;
  }
  if (raw.final_value > expected) {
    outcome.error = who + ": the counter ended at " + std::to_string(raw.final_value) + ", above the " +
                    std::to_string(expected) + " updates made";
    return outcome;
  }
  const std::uint64_t lost = expected - raw.final_value;
  if (lost != 0 && params_.discipline != update_discipline::unsynchronised) {
    outcome.error = who + ": lost " + std::to_string(lost) + " of " + std::to_string(expected) +
                    " updates (the counter ended at " + std::to_string(raw.final_value) + "): the " +
                    std::string(to_string(params_.discipline)) + " did not keep them";
    return outcome;
  }
  outcome.interval = raw.interval;
  outcome.figures = {
      {"expected_updates", static_cast<double>(expected)},
      {"final_value", static_cast<double>(raw.final_value)},
      {"lost_updates", static_cast<double>(lost)},
      {"ns_per_update", static_cast<double>(raw.interval.count()) / static_cast<double>(expected)},
  };
  if (raw.workers_cpu) outcome.figures["workers_cpu_ns"] = static_cast<double>(raw.workers_cpu->count());
  return outcome;
}

}  // namespace concbench
