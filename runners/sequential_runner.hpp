#pragma once
// `sequential`: a for loop over the batch on the calling thread.

#include "batch_recorder.hpp"
#include "runner.hpp"

namespace concbench {

class sequential_runner final : public runner {
 public:
  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override;
};

}  // namespace concbench
