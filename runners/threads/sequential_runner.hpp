#pragma once
// `sequential`: a for loop over the batch on the calling thread.

#include "runners/batch/batch_recorder.hpp"
#include "runners/batch/runner.hpp"

namespace concbench {

class sequential_runner final : public runner {
 public:
  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override;
};

}  // namespace concbench
