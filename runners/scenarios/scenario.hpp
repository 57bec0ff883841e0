#pragma once
// The scenario contract (docs/design.md "Scenario"): a workload whose tasks interact (`shared`:
// a race, a lock or an atomic on one counter; `pipeline`: producers and consumers on a bounded
// queue). Unlike a workload it cannot be cut into independent tasks for a runner, so it runs a
// whole interacting batch under a model itself and returns its own verified figures and the
// batch's interval. (`fork-cost` fits the same mould: one parent process, forked by the fork
// server, starting and reaping children; its figures are the times per start.)
//
// The interval of every model starts when every worker (thread, loop thread, process) is ready
// and waiting at a start gate and ends when the last one has finished its share: starting and
// reaping them is outside it (like a warm pool), so the figures compare the interaction itself.
//
// Every scenario honours its stop token (a stop request ends the batch with the error
// "stopped"), never waits on a worker process that has died (end of file on its pipe or its
// exit reported by the fork server is an error naming it) and reaps every process it forked.

#include <chrono>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "runners/batch/model.hpp"

namespace concbench {

struct scenario_outcome {
  std::chrono::nanoseconds interval{0};
  // Verified figures by name: lost_updates, ns_per_update, items_per_second, ...
  std::map<std::string, double> figures;
  // Empty on success; otherwise what went wrong, naming the scenario, the model and the worker.
  std::string error;

  bool ok() const { return error.empty(); }
};

class scenario {
 public:
  virtual ~scenario() = default;

  virtual std::string name() const = 0;  // "shared", "pipeline", "fork-cost"
  // Everything that defines a batch (the report's `params`).
  virtual nlohmann::json params() const = 0;
  // The parameters as they appear in a benchmark's grammar name, in a fixed order.
  virtual std::vector<std::pair<std::string, std::string>> name_keys() const = 0;
  // The models it can run under (the others are an error from run()); the suite plans entries
  // only for these. shared and pipeline run under sequential, threads, coroutines and
  // processes-fork (this default); fork-cost declares its own.
  virtual bool supports(model_kind model) const {
    return model == model_kind::sequential || model == model_kind::threads || model == model_kind::coroutines ||
           model == model_kind::processes_fork;
  }
  // Whether a batch under `model` needs the fork server (fork_server.hpp): its processes, by
  // default, come from it under processes-fork only.
  virtual bool needs_fork_server(model_kind model) const { return model == model_kind::processes_fork; }
  // Threads or processes the batch runs on under these settings (the report's `workers`).
  virtual int workers(const run_settings& settings) const = 0;
  // A rough time for one sequential batch from fixed nominal constants (the same on every
  // machine): the suite fixes iteration counts from it.
  virtual double nominal_sequential_ns() const = 0;

  // Never throws for a failure of the batch: it comes back in the outcome's error.
  virtual scenario_outcome run(const run_settings& settings, std::stop_token stop) const = 0;
};

// The error a stop request ends a batch with.
inline constexpr const char* stopped_error = "stopped";

// What every scenario's run() settles first, once its batch has run: `batch` runs it and
// returns the batch's own error (empty when there is none). An exception from it becomes
// "<who>: <what>"; a stop request "stopped", whatever else went wrong after it; otherwise the
// batch's error. Empty when the batch's figures may be verified.
template <typename Batch>
std::string settle_batch(const std::string& who, const std::stop_token& stop, Batch&& batch) {
  std::string error;
  try {
    error = batch();
  } catch (const std::exception& e) {
    // append(), not operator+: g++ 12 warns falsely (-Wrestrict) on the inlined concatenation.
    return std::string(who).append(": ").append(e.what());
  }
  if (stop.stop_requested()) return stopped_error;
  return error;
}

}  // namespace concbench
