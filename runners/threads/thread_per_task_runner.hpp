#pragma once
// `thread-per-task`: one std::thread per task, all started, then all joined (the tutorials'
// "one thread per URL").

#include "runners/batch/runner.hpp"

namespace concbench {

class thread_per_task_runner final : public runner {
 public:
  batch_outcome run(const workload& work, std::span<const task_spec> batch, std::stop_token stop) override;
};

}  // namespace concbench
