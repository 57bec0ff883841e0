#pragma once
// The tutorials' own sleep experiments (docs/tutorials.md section 2) as `sleep` batches of a
// named shape:
//   random       five tasks, each sleeping a seeded random 0–4 s (the ThreadPoolExecutor
//                example with max_workers=5: all start together, finish in another order);
//   interleaved  two functions, one sleeping 1 s three times, the other 0.8 s five times
//                (the threads vs asyncio.gather example): a task here is a whole function.
// Every length is multiplied by `time_scale`. Verification: each task slept at least all of
// its sleeps.

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/workload.hpp"

namespace concbench {

class sleep_shape_workload final : public workload {
 public:
  static const std::vector<std::string>& shapes();  // "random", "interleaved"

  // Throws std::invalid_argument for an unknown shape or a time scale that is not positive.
  sleep_shape_workload(std::string shape, double time_scale, std::uint64_t seed = 1);

  std::string name() const override { return "sleep"; }
  nlohmann::json params() const override;
  std::vector<std::pair<std::string, std::string>> name_keys() const override;
  std::vector<task_spec> make_batch() const override;
  task_result run_blocking(const task_spec& task, std::stop_token stop) const override;
  boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token stop) const override;
  std::optional<std::string> verify(const task_spec& task, const task_result& result) const override;
  time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                         const machine_constants& constants) const override;
  double nominal_sequential_ns() const override;

  // How many sleeps task `index` makes; task.size is the length of each, in ns.
  int sleeps_of(std::size_t index) const;

 private:
  std::string shape_;
  double time_scale_;
  std::uint64_t seed_;
};

}  // namespace concbench
