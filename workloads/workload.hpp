#pragma once
// The workload contract (docs/design.md "Workload"): what one task does, in a blocking and an
// awaitable form, how a batch is made and verified, and what its ideal and bound are. A
// workload never knows which model runs it.

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "workloads/calibration/machine_constants.hpp"
#include "workloads/execution_shape.hpp"
#include "workloads/task.hpp"

namespace concbench {

class workload {
 public:
  virtual ~workload() = default;

  virtual std::string name() const = 0;
  // Everything that defines the batch; a worker process rebuilds the workload from
  // name() and params() (workload_factory.hpp), and the report carries them.
  virtual nlohmann::json params() const = 0;
  // The parameters as they appear in a benchmark's grammar name, in a fixed order.
  virtual std::vector<std::pair<std::string, std::string>> name_keys() const = 0;

  virtual std::vector<task_spec> make_batch() const = 0;

  // Both forms look at `stop` at least every ~1 ms of work and return early (with a result
  // that fails verification) when it is requested.
  virtual task_result run_blocking(const task_spec& task, std::stop_token stop) const = 0;
  virtual boost::asio::awaitable<task_result> run_awaitable(task_spec task, std::stop_token stop) const = 0;

  // nullopt when the result is right; otherwise what is wrong, for the error message.
  virtual std::optional<std::string> verify(const task_spec& task, const task_result& result) const = 0;

  virtual time_estimate estimate(std::span<const task_spec> batch, const execution_shape& shape,
                                 const machine_constants& constants) const = 0;

  // A rough time for one sequential batch from fixed nominal constants (the same on every
  // machine): the suite fixes iteration counts from it, so a sample means the same everywhere.
  virtual double nominal_sequential_ns() const = 0;

  // Figures that show how fast the work itself ran in a measured batch (e.g. ns and cycles
  // per increment, so a folded or slowed loop is visible), from each task's duration.
  virtual std::vector<std::pair<std::string, double>> work_rate_counters(std::span<const task_spec> /*batch*/,
                                                                         std::span<const double> /*task_durations_ns*/,
                                                                         const machine_constants& /*constants*/) const {
    return {};
  }
};

}  // namespace concbench
