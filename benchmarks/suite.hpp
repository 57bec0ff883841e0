#pragma once
// The suites: which (workload, model, settings) entries a run executes, in which order.

#include <memory>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "model.hpp"
#include "workload.hpp"

namespace concbench {

struct entry_plan {
  std::shared_ptr<const workload> work;
  run_settings settings;
  std::string workers_label;  // "2", "py-default"; empty when the model has no W
};

// Entries of the chosen suite with the command line's replacements applied. Sequential
// entries come first within each batch, so speedups are known as soon as others finish.
// Throws cli_error when the selection leaves nothing to run.
std::vector<entry_plan> plan_suite(const cli_options& options);

// The grammar name (DESIGN.md): workload/model/key:value/..., keys in a fixed order:
// W, loop_threads, K, pool, form, then the workload's own.
std::string entry_name(const entry_plan& plan);

// Batches per measured sample, fixed from the workload's nominal size (the same on every
// machine): 1 for batches of 100 ms or more.
int iterations_per_sample(const workload& work);

}  // namespace concbench
