#pragma once
// The `shared` scenario (docs/tutorials.md section 4, the tutorials' "fake database"): T tasks
// each make R read-modify-write updates of one counter under a discipline:
//   unsynchronised  an atomic load, a pause, an atomic store of value + 1: well-defined C++,
//                   yet two tasks that interleave inside the pause lose an update (the race);
//   mutex           the same load, pause and store inside a lock: none is lost;
//   atomic          fetch_add, then the same pause (outside, where it cannot matter): none is lost.
// Every update pauses once, so the disciplines differ only in how they synchronise.
//
// The pause is the tutorials' sleep between read and write, shortened: `yield`
// (std::this_thread::yield()), `spin` (spin_iterations of an empty loop) or `none`. Under
// coroutines a pause is always a co_await that yields to the loop (asio::post), after the spin
// if any: on one loop thread a blocking pause could never let another task in, so no update
// could ever be lost; `none` has no co_await (and then one loop thread loses nothing). The
// coroutines' mutex is an asynchronous one (a concurrent_channel of capacity 1 holding the
// token), since a std::mutex must not be held across a co_await.
//
// Models: sequential (the tasks one after another), threads (W threads take the next task
// dynamically), thread-per-task (T threads, one task each), coroutines (T coroutines on an
// io_context run by loop_threads threads), processes-fork (W worker processes of the fork
// server take the next task; the counter, the next-task index and a PTHREAD_PROCESS_SHARED
// mutex live in a memfd the measuring process creates and sends them).
//
// Figures: expected_updates (T·R), final_value, lost_updates (expected − final), ns_per_update
// (the interval over T·R); under processes-fork also workers_cpu_ns (the workers' CPU time from
// wait4, which the measuring process's own CPU time leaves out). Verified: every update ran; the final value never
// exceeds the expected one; mutex and atomic lose none (an error if they do). Unsynchronised reports its losses, zero
// included.

#include <cstdint>
#include <optional>
#include <string_view>

#include "runners/scenarios/scenario.hpp"

namespace concbench {

enum class update_discipline { unsynchronised, mutex, atomic };
enum class update_pause { none, yield, spin };

std::string_view to_string(update_discipline discipline);
std::string_view to_string(update_pause pause);
std::optional<update_discipline> parse_update_discipline(std::string_view text);
std::optional<update_pause> parse_update_pause(std::string_view text);

struct shared_counter_params {
  int tasks = 4;                 // T
  std::uint64_t updates = 1000;  // R, per task
  update_discipline discipline = update_discipline::unsynchronised;
  update_pause pause = update_pause::yield;
  std::uint32_t spin_iterations = 100;  // pause = spin
};

class shared_counter_scenario final : public scenario {
 public:
  // Throws std::invalid_argument for a non-positive task or update count.
  explicit shared_counter_scenario(shared_counter_params params);

  std::string name() const override { return "shared"; }
  nlohmann::json params() const override;
  // discipline, tasks, updates, pause: shared/threads/W:2/discipline:mutex/tasks:4/updates:1000/pause:yield
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  // The scenarios' models and thread-per-task (one thread per task: T threads).
  bool supports(model_kind model) const override;
  int workers(const run_settings& settings) const override;
  double nominal_sequential_ns() const override;
  scenario_outcome run(const run_settings& settings, std::stop_token stop) const override;

  const shared_counter_params& settings() const { return params_; }

 private:
  shared_counter_params params_;
};

}  // namespace concbench
